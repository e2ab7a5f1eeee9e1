-- Developer webhooks: when the current series of tries of a delivery
-- began. Retries stop 3 days after it; a redelivery (or re-enabling the
-- endpoint) starts a new series, so the attempts of an old series do not
-- cut the new one short. The attempts column counts the tries of the
-- current series (the backoff step); webhook_attempts keeps them all.
ALTER TABLE webhook_deliveries
	ADD COLUMN IF NOT EXISTS series_started_at DATETIME(6) NULL AFTER last_attempt_at;
