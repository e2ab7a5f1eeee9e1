-- Licensing: each plan's policy, signed licence keys, the machines a
-- licence is activated on, the public keys that verify what the server
-- signs, and extensions included with a plan feature. A licence's expiry
-- is computed from its dates (expires_at against the clock); the status
-- column holds only what people decide (active, suspended, revoked).

-- A plan's policy. machine_scope: node_locked licences run on exactly one
-- machine, floating ones on max_activations seats, times overage_pct/100
-- (100, 125, 150 or 200) before TOO_MANY_MACHINES. term_start: the term
-- (one billing interval) runs from the purchase or from the first
-- activation. expiry_strategy: restrict (an expired licence gives
-- nothing) or perpetual_fallback (an expired licence keeps every version
-- released before its expiry). A floating machine that has not sent a
-- heartbeat within heartbeat_window_s is culled (cull_strategy: its seat
-- is freed, or kept); machine files are valid machine_file_ttl_s.
ALTER TABLE plans
	ADD COLUMN IF NOT EXISTS machine_scope ENUM('node_locked', 'floating')
		NOT NULL DEFAULT 'node_locked',
	ADD COLUMN IF NOT EXISTS overage_pct SMALLINT UNSIGNED NOT NULL DEFAULT 100,
	ADD COLUMN IF NOT EXISTS term_start ENUM('purchase', 'first_activation')
		NOT NULL DEFAULT 'purchase',
	ADD COLUMN IF NOT EXISTS expiry_strategy ENUM('restrict', 'perpetual_fallback')
		NOT NULL DEFAULT 'restrict',
	ADD COLUMN IF NOT EXISTS heartbeat_window_s INT UNSIGNED NOT NULL DEFAULT 600,
	ADD COLUMN IF NOT EXISTS cull_strategy ENUM('free_seat', 'keep_seat')
		NOT NULL DEFAULT 'free_seat',
	ADD COLUMN IF NOT EXISTS machine_file_ttl_s INT UNSIGNED NOT NULL DEFAULT 1209600;

ALTER TABLE plans
	ADD CONSTRAINT ck_plans_overage CHECK (overage_pct IN (100, 125, 150, 200)),
	ADD CONSTRAINT ck_plans_heartbeat CHECK (heartbeat_window_s >= 60),
	ADD CONSTRAINT ck_plans_machine_file_ttl CHECK (machine_file_ttl_s >= 3600);

-- Free and Pro: one machine each (node-locked); Pro keeps what it
-- released while paid for. Team and Enterprise: floating seats.
UPDATE plans SET machine_scope = 'node_locked', max_activations = 1,
	overage_pct = 100, term_start = 'first_activation',
	expiry_strategy = 'restrict'
	WHERE code = 'free';
UPDATE plans SET machine_scope = 'node_locked', max_activations = 1,
	overage_pct = 100, term_start = 'purchase',
	expiry_strategy = 'perpetual_fallback',
	description = 'For a professional developer on one machine, keeping what was released while subscribed.'
	WHERE code = 'pro';
UPDATE plans SET machine_scope = 'floating', max_activations = 10,
	overage_pct = 125, term_start = 'purchase',
	expiry_strategy = 'perpetual_fallback'
	WHERE code = 'team';
UPDATE plans SET machine_scope = 'floating', max_activations = 50,
	overage_pct = 150, term_start = 'purchase',
	expiry_strategy = 'perpetual_fallback'
	WHERE code = 'enterprise';

-- The licence key (base64url(payload) "." base64url(Ed25519 signature))
-- is what the customer holds and every licence route is asked with; it is
-- found by its SHA-256. term_seconds is the term a first activation
-- starts (term_start = first_activation: expires_at stays NULL until
-- then). seats overrides the plan's max_activations when an admin grants
-- more or fewer.
ALTER TABLE licenses
	ADD COLUMN IF NOT EXISTS license_key VARCHAR(2048) CHARACTER SET ascii
		COLLATE ascii_bin NULL AFTER public_id,
	ADD COLUMN IF NOT EXISTS key_hash BINARY(32) NULL AFTER license_key,
	ADD COLUMN IF NOT EXISTS key_id CHAR(16) CHARACTER SET ascii
		COLLATE ascii_bin NULL AFTER key_hash,
	ADD COLUMN IF NOT EXISTS term_seconds INT UNSIGNED NULL AFTER expires_at,
	ADD COLUMN IF NOT EXISTS first_activated_at DATETIME(6) NULL AFTER term_seconds,
	ADD COLUMN IF NOT EXISTS granted_by CHAR(36) CHARACTER SET ascii
		COLLATE ascii_bin NULL AFTER status_reason;

ALTER TABLE licenses
	ADD UNIQUE KEY IF NOT EXISTS uq_licenses_key_hash (key_hash);

-- A machine a licence is activated on. The fingerprint (the IDE's hash
-- of the machine, 16-128 characters) is unique per licence among the
-- active machines: active_fingerprint is NULL once deactivated or culled.
CREATE TABLE IF NOT EXISTS license_machines (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	license_id BIGINT UNSIGNED NOT NULL,
	fingerprint VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(255) NULL,
	activated_at DATETIME(6) NOT NULL,
	last_heartbeat_at DATETIME(6) NOT NULL,
	deactivated_at DATETIME(6) NULL,
	-- deactivated by the heartbeat cull rather than by its owner
	culled TINYINT(1) NOT NULL DEFAULT 0,
	active_fingerprint VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin
		AS (IF(deactivated_at IS NULL, fingerprint, NULL)) PERSISTENT,
	PRIMARY KEY (id),
	UNIQUE KEY uq_license_machines_public_id (public_id),
	UNIQUE KEY uq_license_machines_active (license_id, active_fingerprint),
	KEY idx_license_machines_heartbeat (deactivated_at, last_heartbeat_at),
	CONSTRAINT fk_license_machines_license FOREIGN KEY (license_id)
		REFERENCES licenses (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The public halves of the licence signing keys (the private half stays
-- in the file license_signing_key_file names). kid: the first 16 hex
-- digits of SHA-256 of the raw 32-byte public key. After a rotation the
-- old key no longer signs (no worker has it) but still verifies, and is
-- still published, until it is retired: retire a key only once the
-- licences it signed have been re-issued.
CREATE TABLE IF NOT EXISTS license_signing_keys (
	kid CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	public_key BINARY(32) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	retired_at DATETIME(6) NULL,
	PRIMARY KEY (kid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An extension included with a plan feature: a licence whose plan has the
-- feature may download it (under perpetual fallback, an expired licence
-- only the versions published before its expiry).
ALTER TABLE extensions
	ADD COLUMN IF NOT EXISTS included_feature VARCHAR(64) CHARACTER SET ascii
		COLLATE ascii_bin NULL AFTER price_currency;
