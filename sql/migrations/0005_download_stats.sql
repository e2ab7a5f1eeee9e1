-- Download statistics: a total and a unique count per version and UTC day,
-- written in batches by the workers (see docs/OPERATIONS.md, "Download
-- counts"), and the keyed hashes that make "unique" mean once per user,
-- or per client address when anonymous, per version and day. The hashes
-- are HMAC-SHA-256 under a key derived from the server secret with the
-- day mixed in, so no raw address is stored and a client cannot be
-- followed from one day to the next; rows older than two days serve no
-- purpose and the flush deletes them.

CREATE TABLE IF NOT EXISTS extension_download_days (
	version_id BIGINT UNSIGNED NOT NULL,
	day DATE NOT NULL,
	total BIGINT UNSIGNED NOT NULL DEFAULT 0,
	uniq BIGINT UNSIGNED NOT NULL DEFAULT 0,
	PRIMARY KEY (version_id, day),
	CONSTRAINT fk_extension_download_days_version FOREIGN KEY (version_id)
		REFERENCES extension_versions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS extension_download_clients (
	version_id BIGINT UNSIGNED NOT NULL,
	day DATE NOT NULL,
	client_hash BINARY(16) NOT NULL,
	PRIMARY KEY (version_id, day, client_hash),
	KEY idx_extension_download_clients_day (day),
	CONSTRAINT fk_extension_download_clients_version FOREIGN KEY (version_id)
		REFERENCES extension_versions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The history so far, from the download log of 0004 (one row per
-- download until now). Its anonymous rows carry no address, so each
-- counts as its own unique client; signed-in users count once a day.
INSERT INTO extension_download_days (version_id, day, total, uniq)
SELECT version_id, DATE(at), COUNT(*),
	COUNT(DISTINCT user_id) + SUM(user_id IS NULL)
FROM extension_downloads
GROUP BY version_id, DATE(at)
ON DUPLICATE KEY UPDATE total = VALUES(total), uniq = VALUES(uniq);
