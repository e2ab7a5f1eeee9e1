-- Payments: plans, orders and what they grant, the provider's events, the
-- money ledger, developer payouts, and the outbox of developer webhooks.
-- Money is integer minor units plus an ISO 4217 code everywhere. Rows of
-- payment_events, ledger_entries and webhook_attempts are never updated
-- in what they record: they are the history the rest is folded from.

CREATE TABLE IF NOT EXISTS plans (
	id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
	code VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(64) NOT NULL,
	description VARCHAR(500) NOT NULL,
	price_month INT UNSIGNED NOT NULL,
	price_year INT UNSIGNED NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	max_activations SMALLINT UNSIGNED NOT NULL,
	-- A JSON array of feature names, in the order shown.
	features JSON NOT NULL,
	sort_order SMALLINT UNSIGNED NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_plans_code (code),
	CONSTRAINT ck_plans_features CHECK (JSON_VALID(features))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO plans (code, name, description, price_month, price_year,
	currency, max_activations, features, sort_order) VALUES
('free', 'Free', 'The IDE and the marketplace, for one machine.',
	0, 0, 'USD', 1, '["editor", "marketplace"]', 1),
('pro', 'Pro', 'For a professional developer on up to three machines.',
	1200, 12000, 'USD', 3,
	'["editor", "marketplace", "ai_assist", "remote_dev", "priority_updates"]', 2),
('team', 'Team', 'Shared settings and a team admin, up to ten machines.',
	3900, 39000, 'USD', 10,
	'["editor", "marketplace", "ai_assist", "remote_dev", "priority_updates", "shared_settings", "team_admin"]', 3),
('enterprise', 'Enterprise', 'Single sign-on, audit export and priority support.',
	9900, 99000, 'USD', 50,
	'["editor", "marketplace", "ai_assist", "remote_dev", "priority_updates", "shared_settings", "team_admin", "sso", "audit_export", "priority_support"]', 4);

-- An order's status is folded from its payment_events (store/payments.c),
-- so events in any order and any number of times end in one state. The
-- amounts below are that fold's result, kept for reading.
CREATE TABLE IF NOT EXISTS orders (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	status ENUM('pending', 'paid', 'refund_pending', 'refunded', 'failed',
		'expired', 'disputed') NOT NULL DEFAULT 'pending',
	total_amount INT UNSIGNED NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	provider VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'stripe',
	-- The Checkout Session (cs_...) and, once paid, its PaymentIntent
	-- (pi_...): later events (refunds, disputes) name only the latter.
	provider_session VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	provider_payment VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	checkout_url VARCHAR(2048) CHARACTER SET ascii COLLATE ascii_bin NULL,
	paid_amount INT UNSIGNED NOT NULL DEFAULT 0,
	refunded_amount INT UNSIGNED NOT NULL DEFAULT 0,
	-- Asked of the provider by an admin and not yet confirmed by it.
	refund_requested_amount INT UNSIGNED NOT NULL DEFAULT 0,
	refund_reason VARCHAR(1000) NULL,
	dispute_status ENUM('none', 'open', 'won', 'lost') NOT NULL DEFAULT 'none',
	-- Set when an event could not be honoured as sent (an amount or a
	-- currency that does not match, a payment after expiry): a person
	-- must look; nothing was granted for it.
	review_reason VARCHAR(255) NULL,
	expires_at DATETIME(6) NOT NULL,
	paid_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_orders_public_id (public_id),
	UNIQUE KEY uq_orders_session (provider_session),
	KEY idx_orders_payment (provider_payment),
	KEY idx_orders_user (user_id, id),
	KEY idx_orders_status_expires (status, expires_at),
	CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What an order buys, priced when the order was made. developer_id and
-- fee_bps are fixed then too, so a later price or fee change never moves
-- money already taken.
CREATE TABLE IF NOT EXISTS order_items (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	order_id BIGINT UNSIGNED NOT NULL,
	position SMALLINT UNSIGNED NOT NULL,
	kind ENUM('plan', 'extension') NOT NULL,
	plan_id SMALLINT UNSIGNED NULL,
	billing_interval ENUM('month', 'year') NULL,
	extension_id BIGINT UNSIGNED NULL,
	developer_id BIGINT UNSIGNED NULL,
	amount INT UNSIGNED NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	-- The platform's share in basis points: 10000 for a plan.
	fee_bps SMALLINT UNSIGNED NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_order_items_position (order_id, position),
	KEY idx_order_items_extension (extension_id),
	CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id),
	CONSTRAINT fk_order_items_plan FOREIGN KEY (plan_id) REFERENCES plans (id),
	CONSTRAINT fk_order_items_extension FOREIGN KEY (extension_id) REFERENCES extensions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A paid extension's right to download and review, one per order item.
CREATE TABLE IF NOT EXISTS entitlements (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id BIGINT UNSIGNED NOT NULL,
	extension_id BIGINT UNSIGNED NOT NULL,
	order_item_id BIGINT UNSIGNED NOT NULL,
	status ENUM('active', 'suspended', 'revoked') NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_entitlements_item (order_item_id),
	KEY idx_entitlements_user_ext (user_id, extension_id, status),
	CONSTRAINT fk_entitlements_user FOREIGN KEY (user_id) REFERENCES users (id),
	CONSTRAINT fk_entitlements_extension FOREIGN KEY (extension_id) REFERENCES extensions (id),
	CONSTRAINT fk_entitlements_item FOREIGN KEY (order_item_id) REFERENCES order_items (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Licences: what a plan purchase (or an admin) grants. The licence issue
-- adds keys, activations and machines; payments only grant, suspend,
-- reinstate and revoke through store/licenses.h.
CREATE TABLE IF NOT EXISTS licenses (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	plan_id SMALLINT UNSIGNED NOT NULL,
	order_item_id BIGINT UNSIGNED NULL,
	status ENUM('active', 'suspended', 'expired', 'revoked') NOT NULL,
	max_activations SMALLINT UNSIGNED NOT NULL,
	expires_at DATETIME(6) NULL,
	status_reason VARCHAR(1000) NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_licenses_public_id (public_id),
	UNIQUE KEY uq_licenses_item (order_item_id),
	KEY idx_licenses_user (user_id, status),
	CONSTRAINT fk_licenses_user FOREIGN KEY (user_id) REFERENCES users (id),
	CONSTRAINT fk_licenses_plan FOREIGN KEY (plan_id) REFERENCES plans (id),
	CONSTRAINT fk_licenses_item FOREIGN KEY (order_item_id) REFERENCES order_items (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- POST /orders under an Idempotency-Key: the first request claims the key
-- (the unique key decides a race), the answer is stored when it is made,
-- and a repeat within 24 h replays it.
CREATE TABLE IF NOT EXISTS idempotency_keys (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id BIGINT UNSIGNED NOT NULL,
	idem_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	request_hash BINARY(32) NOT NULL,
	state ENUM('running', 'done') NOT NULL,
	status_code SMALLINT UNSIGNED NULL,
	location VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	response MEDIUMTEXT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_idempotency_user_key (user_id, idem_key),
	KEY idx_idempotency_created (created_at),
	CONSTRAINT fk_idempotency_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every event the provider sent, once: the unique event id decides a race
-- between deliveries. order_id stays NULL while the event names only a
-- PaymentIntent no order has yet (a refund before its payment): it is
-- held, and attached when the payment lands. kind is what the fold uses;
-- ref names the refund or dispute the event is about.
CREATE TABLE IF NOT EXISTS payment_events (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	event_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	type VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	kind ENUM('paid', 'payment_failed', 'expired', 'refund', 'refund_failed',
		'dispute_open', 'dispute_won', 'dispute_lost', 'ignored') NOT NULL,
	order_id BIGINT UNSIGNED NULL,
	payment_ref VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	ref VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	amount BIGINT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NULL,
	event_created DATETIME(6) NULL,
	received_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_payment_events_event (event_id),
	KEY idx_payment_events_order (order_id, id),
	KEY idx_payment_events_held (payment_ref, order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The money ledger: rows are only ever inserted. Per order item, the sum
-- of gross is what the customer has paid and kept paid for it (refunds
-- and lost disputes add negative rows); fee + net = gross on every row.
CREATE TABLE IF NOT EXISTS ledger_entries (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	order_id BIGINT UNSIGNED NOT NULL,
	order_item_id BIGINT UNSIGNED NOT NULL,
	developer_id BIGINT UNSIGNED NULL,
	kind ENUM('sale', 'refund', 'refund_reversal', 'dispute_loss',
		'dispute_reversal') NOT NULL,
	gross BIGINT NOT NULL,
	fee BIGINT NOT NULL,
	net BIGINT NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY idx_ledger_order_item (order_item_id),
	KEY idx_ledger_developer (developer_id, created_at),
	KEY idx_ledger_created (created_at),
	CONSTRAINT fk_ledger_order FOREIGN KEY (order_id) REFERENCES orders (id),
	CONSTRAINT fk_ledger_item FOREIGN KEY (order_item_id) REFERENCES order_items (id),
	CONSTRAINT ck_ledger_sum CHECK (fee + net = gross)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A developer's payout for one month (period 'YYYY-MM') and currency,
-- marked paid by an admin. amount is what was payable then, carried-over
-- months included.
CREATE TABLE IF NOT EXISTS payouts (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	developer_id BIGINT UNSIGNED NOT NULL,
	period CHAR(7) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	amount BIGINT NOT NULL,
	paid_at DATETIME(6) NOT NULL,
	paid_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_payouts_developer_period (developer_id, period, currency),
	CONSTRAINT fk_payouts_developer FOREIGN KEY (developer_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Webhooks for developers: their endpoints, the events about their sales
-- (written in the same transaction as the ledger row they report: a
-- durable outbox), one delivery per endpoint and event, and every attempt.
CREATE TABLE IF NOT EXISTS webhook_endpoints (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	url VARCHAR(2048) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	-- Space-separated event types the endpoint asked for.
	events VARCHAR(512) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	secret VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status ENUM('active', 'disabled') NOT NULL DEFAULT 'active',
	failing_since DATETIME(6) NULL,
	disabled_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	deleted_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_webhook_endpoints_public_id (public_id),
	KEY idx_webhook_endpoints_user (user_id, deleted_at),
	CONSTRAINT fk_webhook_endpoints_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS webhook_events (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	type VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	payload MEDIUMTEXT NOT NULL,
	-- Set once webhooks-send has made this event's deliveries.
	fanned_out_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_webhook_events_public_id (public_id),
	KEY idx_webhook_events_fanout (fanned_out_at, id),
	CONSTRAINT fk_webhook_events_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS webhook_deliveries (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	endpoint_id BIGINT UNSIGNED NOT NULL,
	event_id BIGINT UNSIGNED NOT NULL,
	status ENUM('pending', 'succeeded', 'failed') NOT NULL DEFAULT 'pending',
	attempts INT UNSIGNED NOT NULL DEFAULT 0,
	next_attempt_at DATETIME(6) NULL,
	last_attempt_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_webhook_deliveries_public_id (public_id),
	UNIQUE KEY uq_webhook_deliveries_endpoint_event (endpoint_id, event_id),
	KEY idx_webhook_deliveries_due (status, next_attempt_at),
	CONSTRAINT fk_webhook_deliveries_endpoint FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id),
	CONSTRAINT fk_webhook_deliveries_event FOREIGN KEY (event_id) REFERENCES webhook_events (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS webhook_attempts (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	delivery_id BIGINT UNSIGNED NOT NULL,
	attempted_at DATETIME(6) NOT NULL,
	-- The endpoint's HTTP status, or NULL when none came back.
	status_code SMALLINT UNSIGNED NULL,
	error VARCHAR(255) NULL,
	duration_ms INT UNSIGNED NOT NULL,
	PRIMARY KEY (id),
	KEY idx_webhook_attempts_delivery (delivery_id, id),
	CONSTRAINT fk_webhook_attempts_delivery FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
