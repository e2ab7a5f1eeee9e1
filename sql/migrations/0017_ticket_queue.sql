-- The ticket queues read about one page of rows, not the table: each
-- sort has an index on (status, key, id) for a queue of one status and
-- (key, id) for every status, and store/tickets.c compares the plain
-- columns (never an expression of them) so both the filter and the
-- keyset cursor are ranges of the index. breach_sort is next_breach_at
-- with "no breach time" after every real one (the queue puts undated
-- tickets last); stored so the index can hold it.

ALTER TABLE support_tickets
	ADD COLUMN IF NOT EXISTS breach_sort DATETIME(6) AS
		(COALESCE(next_breach_at, '2999-12-31 00:00:00')) STORED,
	ADD INDEX IF NOT EXISTS idx_support_tickets_status_breach
		(status, breach_sort, id),
	ADD INDEX IF NOT EXISTS idx_support_tickets_breach (breach_sort, id),
	ADD INDEX IF NOT EXISTS idx_support_tickets_status_created
		(status, created_at, id),
	ADD INDEX IF NOT EXISTS idx_support_tickets_created (created_at, id),
	ADD INDEX IF NOT EXISTS idx_support_tickets_status_updated
		(status, updated_at, id),
	ADD INDEX IF NOT EXISTS idx_support_tickets_updated (updated_at, id);
