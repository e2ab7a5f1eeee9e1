-- The assistant quotes what its indexer has split into passages; the
-- articles written before it existed were never marked for it, so they
-- are marked once here and the first answers (or the assistant-index
-- job) index them.
INSERT IGNORE INTO assistant_dirty (kind, source_id, marked_at)
	SELECT 'kb', id, UTC_TIMESTAMP(6) FROM kb_articles;
INSERT IGNORE INTO assistant_dirty (kind, source_id, marked_at)
	SELECT 'forum', id, UTC_TIMESTAMP(6) FROM forum_threads
	WHERE accepted_post_id IS NOT NULL;
