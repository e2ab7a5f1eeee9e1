-- When each periodic job last SUCCEEDED, kept apart from its last run:
-- a failed run overwrites finished_at and ok, and the freshness an
-- operator alerts on (devforge_job_last_success_timestamp_seconds; the
-- backup's age) must survive it. The runner sets it with ok = 1.
ALTER TABLE job_runs
	ADD COLUMN IF NOT EXISTS last_ok_at DATETIME(6) NULL AFTER ok;

UPDATE job_runs SET last_ok_at = finished_at
	WHERE ok = 1 AND last_ok_at IS NULL;
