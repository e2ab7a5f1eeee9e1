-- Staff handle the mail dead letters (GET/POST/DELETE
-- /admin/support/dead-letters): a dead letter is resolved once, either
-- attached to a ticket or dismissed, and kept whole either way (nothing a
-- customer wrote is deleted). resolution says which; attached_ticket_id
-- the ticket it went to. The open ones are the default list, newest
-- first: the index serves "WHERE resolved_at IS NULL ORDER BY id DESC".
ALTER TABLE support_mail_dead_letters
	ADD COLUMN IF NOT EXISTS resolved_at DATETIME(6) NULL,
	ADD COLUMN IF NOT EXISTS resolved_by BIGINT UNSIGNED NULL,
	ADD COLUMN IF NOT EXISTS resolution ENUM('attached', 'dismissed') NULL,
	ADD COLUMN IF NOT EXISTS attached_ticket_id BIGINT UNSIGNED NULL,
	ADD INDEX IF NOT EXISTS idx_support_dead_letters_open (resolved_at, id);
