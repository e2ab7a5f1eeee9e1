-- Analytics rollups: what GET /admin/analytics/summary and
-- /admin/analytics/events read, so a year's summary reads a few hundred
-- rows instead of every event, download and ledger row of the year.
-- `devforgectl jobs run` (job analytics-rollup, store/analytics_rollup.c)
-- writes them: every run recomputes whole days (and their hours) from
-- the raw tables, so a rerun writes the same rows. Days are UTC days of
-- the server's stamps: analytics_events.received_at (not the client's ts,
-- which a client may set anywhere), users.created_at,
-- ledger_entries.created_at, extension_download_days.day.

-- Events per name and UTC day, and per name and UTC hour.
CREATE TABLE IF NOT EXISTS analytics_event_days (
	day DATE NOT NULL,
	name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	count BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (day, name),
	KEY idx_analytics_event_days_name (name, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS analytics_event_hours (
	hour DATETIME NOT NULL,
	name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	count BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (hour, name),
	KEY idx_analytics_event_hours_name (name, hour)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per UTC day: new users that day, users that existed at its
-- end, signed-in users who sent an event that day (daily active),
-- downloads (the sum of extension_download_days.total) and events.
CREATE TABLE IF NOT EXISTS analytics_days (
	day DATE NOT NULL,
	new_users INT UNSIGNED NOT NULL DEFAULT 0,
	users_total INT UNSIGNED NOT NULL DEFAULT 0,
	daily_active INT UNSIGNED NOT NULL DEFAULT 0,
	downloads BIGINT UNSIGNED NOT NULL DEFAULT 0,
	events BIGINT UNSIGNED NOT NULL DEFAULT 0,
	PRIMARY KEY (day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Revenue per UTC day and currency in minor units: the sum of the
-- ledger's gross that day, so refunds and lost disputes count on the day
-- they happened (negative rows) and a day's figure never changes later.
CREATE TABLE IF NOT EXISTS analytics_revenue_days (
	day DATE NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	amount BIGINT NOT NULL,
	PRIMARY KEY (day, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Downloads per extension and UTC day (extension_download_days is per
-- version), for the summary's top extensions.
CREATE TABLE IF NOT EXISTS analytics_extension_days (
	day DATE NOT NULL,
	extension_id BIGINT UNSIGNED NOT NULL,
	downloads BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (day, extension_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The rollup's own state: when its last successful run started (NULL:
-- never, so the next run backfills everything).
CREATE TABLE IF NOT EXISTS analytics_rollup_state (
	id TINYINT UNSIGNED NOT NULL,
	ran_at DATETIME(6) NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO analytics_rollup_state (id, ran_at) VALUES (1, NULL);

-- New users per day: a range of created_at instead of every user.
ALTER TABLE users ADD KEY IF NOT EXISTS idx_users_created (created_at);

-- The median first response is read from the tickets themselves (it
-- cannot be summed from daily figures): this index holds both times, so
-- a year's tickets are read from the index alone.
ALTER TABLE support_tickets ADD KEY IF NOT EXISTS idx_support_tickets_first_reply
	(first_replied_at, created_at);

-- search_changes grows by a row per listing change forever. Each host's
-- position in it lives in its own Xapian index, which the database
-- cannot see, so the prune job (search-log-prune) removes rows older
-- than search_changes_keep_days and records the highest id removed in
-- search_log_state: a host whose index is behind that id rebuilds its
-- index instead of replaying a log with a hole (store/search_log.c).
ALTER TABLE search_changes
	ADD COLUMN IF NOT EXISTS created_at DATETIME NOT NULL
		DEFAULT CURRENT_TIMESTAMP,
	ADD KEY IF NOT EXISTS idx_search_changes_created (created_at);

CREATE TABLE IF NOT EXISTS search_log_state (
	id TINYINT UNSIGNED NOT NULL,
	pruned_through BIGINT UNSIGNED NOT NULL DEFAULT 0,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO search_log_state (id, pruned_through) VALUES (1, 0);

-- Downloads per day read by day across every version (the primary key
-- leads with the version).
ALTER TABLE extension_download_days
	ADD KEY IF NOT EXISTS idx_extension_download_days_day (day);
