-- The purge-tokens job (devforgectl jobs run) deletes expired and used
-- account tokens and dead refresh tokens every minute in small batches:
-- these indexes let each of its DELETE ... LIMIT statements read a range
-- instead of scanning the whole table when there is nothing to delete.
ALTER TABLE user_tokens
	ADD INDEX IF NOT EXISTS idx_user_tokens_expires (expires_at),
	ADD INDEX IF NOT EXISTS idx_user_tokens_used (used_at);
ALTER TABLE refresh_tokens
	ADD INDEX IF NOT EXISTS idx_refresh_tokens_expires (expires_at),
	ADD INDEX IF NOT EXISTS idx_refresh_tokens_revoked (revoked_at);
