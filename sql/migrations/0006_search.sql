-- The search index's change log. The full-text index lives outside
-- MariaDB (a Xapian database per host, see docs/DESIGN.md "Search"); each
-- host's index records the last id of this log it has applied and, when a
-- search finds the log ahead of it, applies the listings named since.
-- Triggers fill the log in the same transaction as the change, so no write
-- path can forget it: edits, status changes, tags (tags_text), price,
-- rating (reviews) and downloads (the periodic flush) all reach the index.
-- `devforgectl search-reindex` rebuilds an index from the extensions table.

CREATE TABLE IF NOT EXISTS search_changes (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	extension_id BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER IF NOT EXISTS search_changes_ins AFTER INSERT ON extensions
FOR EACH ROW INSERT INTO search_changes (extension_id) VALUES (NEW.id);

-- Only what the index holds: a change of latest_version or updated_at
-- alone is not logged.
CREATE TRIGGER IF NOT EXISTS search_changes_upd AFTER UPDATE ON extensions
FOR EACH ROW INSERT INTO search_changes (extension_id)
	SELECT NEW.id FROM DUAL WHERE NOT (
		OLD.status <=> NEW.status AND OLD.name <=> NEW.name
		AND OLD.summary <=> NEW.summary
		AND OLD.description <=> NEW.description
		AND OLD.tags_text <=> NEW.tags_text
		AND OLD.category_id <=> NEW.category_id
		AND OLD.price_amount <=> NEW.price_amount
		AND OLD.rating_avg <=> NEW.rating_avg
		AND OLD.downloads <=> NEW.downloads
		AND OLD.published_at <=> NEW.published_at);

CREATE TRIGGER IF NOT EXISTS search_changes_del AFTER DELETE ON extensions
FOR EACH ROW INSERT INTO search_changes (extension_id) VALUES (OLD.id);

-- The listings that exist already: an index built by replaying the log
-- from the start holds them too.
INSERT INTO search_changes (extension_id) SELECT id FROM extensions;

-- Searches no longer use MariaDB's FULLTEXT index (at 60,000 listings a
-- two-word search ranked every matching row: 0.25-2 s); keeping it would
-- only slow every write of a listing.
ALTER TABLE extensions DROP INDEX IF EXISTS ft_extensions;
