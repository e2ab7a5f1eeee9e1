-- Product analytics events sent by the IDE and the web site
-- (POST /api/v1/analytics/events). Append-only; no foreign keys so that
-- events outlive the accounts they mention.
CREATE TABLE IF NOT EXISTS analytics_events (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	occurred_at DATETIME(6) NULL,
	received_at DATETIME(6) NOT NULL,
	user_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	session_id VARCHAR(128) NULL,
	anonymous_id VARCHAR(128) NULL,
	client_addr VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	properties JSON NULL,
	PRIMARY KEY (id),
	KEY idx_analytics_events_name_time (name, received_at),
	KEY idx_analytics_events_time (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
