-- Accounts, sessions and what guards them: users, refresh-token families,
-- single-use e-mail tokens, MFA recovery codes, login failures (lockout
-- state shared by every worker and host), the audit log, the mail outbox
-- and developer-programme applications.

CREATE TABLE IF NOT EXISTS users (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	email VARCHAR(254) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	username VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	display_name VARCHAR(100) NULL,
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	role ENUM('user', 'developer', 'support', 'admin') NOT NULL DEFAULT 'user',
	status ENUM('active', 'suspended') NOT NULL DEFAULT 'active',
	email_verified_at DATETIME(6) NULL,
	-- TOTP: the base32 secret (pending until mfa_enabled) and the last
	-- accepted time step, so a code cannot be replayed.
	mfa_secret VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	mfa_enabled TINYINT(1) NOT NULL DEFAULT 0,
	mfa_last_step BIGINT NULL,
	-- Access tokens carry this number as claim "ver"; logout-all and a
	-- password change raise it, refusing every token issued before.
	token_version INT UNSIGNED NOT NULL DEFAULT 1,
	-- Lockout: set after 5 failures in 15 minutes; lockouts grows the
	-- delay and returns to 0 after a successful login.
	locked_until DATETIME(6) NULL,
	lockouts INT UNSIGNED NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_users_public_id (public_id),
	UNIQUE KEY uq_users_email (email),
	UNIQUE KEY uq_users_username (username),
	KEY idx_users_role_status (role, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS refresh_tokens (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id BIGINT UNSIGNED NOT NULL,
	family_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	token_hash BINARY(32) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	expires_at DATETIME(6) NOT NULL,
	used_at DATETIME(6) NULL,      -- spent by rotation
	revoked_at DATETIME(6) NULL,   -- logout, logout-all, reuse detected
	client_addr VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NULL,
	user_agent VARCHAR(255) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_refresh_tokens_hash (token_hash),
	KEY idx_refresh_tokens_family (family_id),
	KEY idx_refresh_tokens_user (user_id, revoked_at),
	CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS user_tokens (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id BIGINT UNSIGNED NOT NULL,
	purpose ENUM('password_reset', 'email_verify') NOT NULL,
	token_hash BINARY(32) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	expires_at DATETIME(6) NOT NULL,
	used_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_user_tokens_hash (token_hash),
	KEY idx_user_tokens_user (user_id, purpose),
	CONSTRAINT fk_user_tokens_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS mfa_recovery_codes (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id BIGINT UNSIGNED NOT NULL,
	code_hash BINARY(32) NOT NULL,
	used_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	KEY idx_mfa_recovery_user (user_id),
	CONSTRAINT fk_mfa_recovery_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS login_failures (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id BIGINT UNSIGNED NOT NULL,
	at DATETIME(6) NOT NULL,
	client_addr VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NULL,
	PRIMARY KEY (id),
	KEY idx_login_failures_user_at (user_id, at),
	CONSTRAINT fk_login_failures_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Security events. No foreign keys: the log outlives what it mentions.
CREATE TABLE IF NOT EXISTS audit_log (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	at DATETIME(6) NOT NULL,
	event VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	actor_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
	subject_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
	client_addr VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NULL,
	request_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
	detail JSON NULL,
	PRIMARY KEY (id),
	KEY idx_audit_at (at),
	KEY idx_audit_event_at (event, at),
	KEY idx_audit_subject_at (subject_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Transactional outbox: written in the same transaction as the event that
-- sends mail; `devforgectl mail-send` delivers and retries with backoff.
CREATE TABLE IF NOT EXISTS mail_outbox (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	created_at DATETIME(6) NOT NULL,
	to_addr VARCHAR(254) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	subject VARCHAR(255) NOT NULL,
	body MEDIUMTEXT NOT NULL,
	template VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	attempts INT UNSIGNED NOT NULL DEFAULT 0,
	next_attempt_at DATETIME(6) NOT NULL,
	sent_at DATETIME(6) NULL,
	last_error VARCHAR(512) NULL,
	PRIMARY KEY (id),
	KEY idx_mail_outbox_due (sent_at, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS developer_applications (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	status ENUM('pending', 'approved', 'rejected') NOT NULL DEFAULT 'pending',
	description TEXT NOT NULL,
	website VARCHAR(2048) NULL,
	github_username VARCHAR(39) NULL,
	company_name VARCHAR(200) NULL,
	notes TEXT NULL,
	reviewed_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
	reviewed_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_developer_applications_public_id (public_id),
	KEY idx_developer_applications_user (user_id, created_at),
	KEY idx_developer_applications_status (status, created_at),
	CONSTRAINT fk_developer_applications_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
