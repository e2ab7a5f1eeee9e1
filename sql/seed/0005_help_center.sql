-- Every article and solved thread the seeds wrote, marked for the
-- assistant's indexer (the stack runs it right after seeding).
INSERT INTO assistant_dirty (kind, source_id, marked_at)
	SELECT 'kb', id, UTC_TIMESTAMP(6) FROM kb_articles
	ON DUPLICATE KEY UPDATE marked_at = VALUES(marked_at);
INSERT INTO assistant_dirty (kind, source_id, marked_at)
	SELECT 'forum', id, UTC_TIMESTAMP(6) FROM forum_threads
	WHERE accepted_post_id IS NOT NULL AND deleted = 0
	ON DUPLICATE KEY UPDATE marked_at = VALUES(marked_at);
