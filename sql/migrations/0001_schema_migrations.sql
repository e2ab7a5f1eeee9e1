-- The ledger of applied migrations: `devforgectl migrate` records every
-- file here with its SHA-256 and refuses to run when an applied file has
-- changed. devforgectl runs the same statement before reading the ledger.
CREATE TABLE IF NOT EXISTS schema_migrations (
	version INT NOT NULL PRIMARY KEY,
	name VARCHAR(255) NOT NULL,
	sha256 CHAR(64) NOT NULL,
	applied_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
