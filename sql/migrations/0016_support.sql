-- The support desk: tickets and their messages, service levels (business
-- calendars, ordered policies, per-ticket targets), e-mail replies and
-- the mail that could not be placed, canned replies, satisfaction
-- surveys, the knowledge base (articles, revisions, helpfulness votes),
-- ticket deflection (suggestions shown before a ticket is filed), and the
-- periodic jobs' last runs. Times are UTC, written from the application's
-- clock (core/clock.h) so a test can move them.

-- A business calendar: weekly opening hours in a time zone (an IANA name
-- such as Europe/Berlin, read from the system's zoneinfo), and holidays
-- (local dates on which it is closed all day).
CREATE TABLE IF NOT EXISTS support_calendars (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	name VARCHAR(100) NOT NULL,
	time_zone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_support_calendars_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Opening intervals per ISO weekday (1 Monday .. 7 Sunday), in minutes
-- after local midnight; several per day allowed, never overlapping (the
-- application refuses that; the checks here catch the impossible).
CREATE TABLE IF NOT EXISTS support_calendar_hours (
	calendar_id BIGINT UNSIGNED NOT NULL,
	weekday TINYINT UNSIGNED NOT NULL,
	opens_min SMALLINT UNSIGNED NOT NULL,
	closes_min SMALLINT UNSIGNED NOT NULL,
	PRIMARY KEY (calendar_id, weekday, opens_min),
	CONSTRAINT ck_support_hours_weekday CHECK (weekday BETWEEN 1 AND 7),
	CONSTRAINT ck_support_hours_span CHECK (opens_min < closes_min
		AND closes_min <= 1440),
	CONSTRAINT fk_support_hours_calendar FOREIGN KEY (calendar_id)
		REFERENCES support_calendars (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS support_calendar_holidays (
	calendar_id BIGINT UNSIGNED NOT NULL,
	day DATE NOT NULL,
	name VARCHAR(100) NULL,
	PRIMARY KEY (calendar_id, day),
	CONSTRAINT fk_support_holidays_calendar FOREIGN KEY (calendar_id)
		REFERENCES support_calendars (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- SLA policies in order (position ascending): the first whose non-NULL
-- match columns all equal the ticket's (priority, category, the
-- requester's plan code; match_plan 'none' matches a requester without
-- a plan) applies. Targets are business minutes on the calendar (NULL
-- calendar: around the clock); a NULL target is not measured.
CREATE TABLE IF NOT EXISTS support_sla_policies (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	name VARCHAR(100) NOT NULL,
	position INT UNSIGNED NOT NULL,
	calendar_id BIGINT UNSIGNED NULL,
	match_priority ENUM('low', 'normal', 'high', 'urgent') NULL,
	match_category ENUM('technical', 'billing', 'account', 'extension',
		'other') NULL,
	match_plan VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
	first_reply_minutes INT UNSIGNED NULL,
	next_reply_minutes INT UNSIGNED NULL,
	resolution_minutes INT UNSIGNED NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_support_sla_position (position),
	UNIQUE KEY uq_support_sla_name (name),
	CONSTRAINT fk_support_sla_calendar FOREIGN KEY (calendar_id)
		REFERENCES support_calendars (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A ticket. first_response_due_at mirrors the first-reply target's due
-- time (the contract's field); next_breach_at is the earliest due time of
-- its targets still running (NULL: none, or paused), which the staff
-- queue sorts on. A reply to a closed ticket opens a new one with
-- follow_up_of set.
CREATE TABLE IF NOT EXISTS support_tickets (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	requester_id BIGINT UNSIGNED NOT NULL,
	assignee_id BIGINT UNSIGNED NULL,
	subject VARCHAR(200) NOT NULL,
	category ENUM('technical', 'billing', 'account', 'extension', 'other')
		NOT NULL,
	priority ENUM('low', 'normal', 'high', 'urgent') NOT NULL DEFAULT 'normal',
	status ENUM('open', 'in_progress', 'waiting_on_customer', 'resolved',
		'closed') NOT NULL DEFAULT 'open',
	via ENUM('web', 'email', 'assistant') NOT NULL DEFAULT 'web',
	follow_up_of BIGINT UNSIGNED NULL,
	sla_policy_id BIGINT UNSIGNED NULL,
	first_response_due_at DATETIME(6) NULL,
	next_breach_at DATETIME(6) NULL,
	first_replied_at DATETIME(6) NULL,   -- the first public staff reply
	resolved_at DATETIME(6) NULL,        -- the latest resolution
	closed_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY idx_support_tickets_requester (requester_id, created_at),
	KEY idx_support_tickets_queue (status, next_breach_at),
	KEY idx_support_tickets_assignee (assignee_id, status),
	KEY idx_support_tickets_resolved (status, resolved_at),
	KEY idx_support_tickets_follow_up (follow_up_of),
	CONSTRAINT fk_support_tickets_requester FOREIGN KEY (requester_id)
		REFERENCES users (id),
	CONSTRAINT fk_support_tickets_assignee FOREIGN KEY (assignee_id)
		REFERENCES users (id),
	CONSTRAINT fk_support_tickets_follow_up FOREIGN KEY (follow_up_of)
		REFERENCES support_tickets (id),
	CONSTRAINT fk_support_tickets_policy FOREIGN KEY (sla_policy_id)
		REFERENCES support_sla_policies (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A message on a ticket. internal: a staff note, never shown to the
-- requester by any route, mail or export. author_id NULL: the system.
-- mail_message_id: the Message-ID of the e-mail it came from, so a
-- message delivered twice is added once.
CREATE TABLE IF NOT EXISTS support_ticket_messages (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	ticket_id BIGINT UNSIGNED NOT NULL,
	author_id BIGINT UNSIGNED NULL,
	body MEDIUMTEXT NOT NULL,
	internal TINYINT(1) NOT NULL DEFAULT 0,
	via ENUM('web', 'email', 'macro', 'system', 'assistant') NOT NULL
		DEFAULT 'web',
	mail_message_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY idx_support_messages_ticket (ticket_id, id),
	UNIQUE KEY uq_support_messages_mail (mail_message_id),
	CONSTRAINT fk_support_messages_ticket FOREIGN KEY (ticket_id)
		REFERENCES support_tickets (id) ON DELETE CASCADE,
	CONSTRAINT fk_support_messages_author FOREIGN KEY (author_id)
		REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A ticket's service-level targets. seq numbers the cycles of one metric
-- (each next reply, each resolution after a reopen). A running target
-- has due_at; a paused one (the ticket waits on the customer) has
-- paused_at and remaining_s, the business seconds it had left, and no
-- due_at. achieved_at and breached_at record what happened, with their
-- times: a target may be breached and achieved later.
CREATE TABLE IF NOT EXISTS support_sla_targets (
	ticket_id BIGINT UNSIGNED NOT NULL,
	metric ENUM('first_reply', 'next_reply', 'resolution') NOT NULL,
	seq SMALLINT UNSIGNED NOT NULL DEFAULT 1,
	target_minutes INT UNSIGNED NOT NULL,
	started_at DATETIME(6) NOT NULL,
	due_at DATETIME(6) NULL,
	paused_at DATETIME(6) NULL,
	remaining_s BIGINT NULL,
	achieved_at DATETIME(6) NULL,
	breached_at DATETIME(6) NULL,
	PRIMARY KEY (ticket_id, metric, seq),
	KEY idx_support_targets_due (breached_at, achieved_at, due_at),
	CONSTRAINT fk_support_targets_ticket FOREIGN KEY (ticket_id)
		REFERENCES support_tickets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Mail `devforgectl mail-receive` could not place on a ticket (no or a
-- forged token, a sender who is not the requester, a closed ticket's
-- follow-up that failed, unreadable MIME): kept whole, never dropped.
CREATE TABLE IF NOT EXISTS support_mail_dead_letters (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	received_at DATETIME(6) NOT NULL,
	reason VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	detail VARCHAR(500) NULL,
	from_addr VARCHAR(254) NULL,
	to_addr VARCHAR(254) NULL,
	subject VARCHAR(255) NULL,
	message_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	ticket_id BIGINT UNSIGNED NULL,
	raw MEDIUMBLOB NOT NULL,
	PRIMARY KEY (id),
	KEY idx_support_dead_letters_at (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Canned replies. The body may hold {{requester_name}}, {{ticket_id}}
-- and {{agent_name}}; applying one adds the reply (internal or public)
-- and sets status and priority when these are not NULL.
CREATE TABLE IF NOT EXISTS support_macros (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	name VARCHAR(100) NOT NULL,
	body TEXT NOT NULL,
	internal TINYINT(1) NOT NULL DEFAULT 0,
	set_status ENUM('open', 'in_progress', 'waiting_on_customer',
		'resolved', 'closed') NULL,
	set_priority ENUM('low', 'normal', 'high', 'urgent') NULL,
	created_by BIGINT UNSIGNED NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_support_macros_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Satisfaction surveys: one per ticket, sent 24 hours after it was
-- resolved; the link's token is found by its SHA-256, answered once
-- (answered_at), valid until expires_at. agent_id: the assignee when the
-- survey went out, so reports credit who handled the ticket.
CREATE TABLE IF NOT EXISTS support_csat (
	ticket_id BIGINT UNSIGNED NOT NULL,
	token_hash BINARY(32) NOT NULL,
	agent_id BIGINT UNSIGNED NULL,
	sent_at DATETIME(6) NOT NULL,
	expires_at DATETIME(6) NOT NULL,
	rating ENUM('good', 'bad') NULL,
	reason VARCHAR(1000) NULL,
	answered_at DATETIME(6) NULL,
	PRIMARY KEY (ticket_id),
	UNIQUE KEY uq_support_csat_token (token_hash),
	KEY idx_support_csat_answered (answered_at),
	CONSTRAINT fk_support_csat_ticket FOREIGN KEY (ticket_id)
		REFERENCES support_tickets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Knowledge-base articles. body is Markdown as written; body_text is the
-- same without Markdown syntax, what FULLTEXT search reads. revision
-- counts edits; every earlier state is in kb_article_revisions. views
-- is written in batches (the workers count in the shared segment).
CREATE TABLE IF NOT EXISTS kb_articles (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	slug VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	title VARCHAR(200) NOT NULL,
	body MEDIUMTEXT NOT NULL,
	body_text MEDIUMTEXT NOT NULL,
	category ENUM('technical', 'billing', 'account', 'extension', 'other')
		NOT NULL,
	tags VARCHAR(500) NOT NULL DEFAULT '',   -- space-separated, as given
	status ENUM('draft', 'published', 'archived') NOT NULL DEFAULT 'draft',
	revision INT UNSIGNED NOT NULL DEFAULT 1,
	views BIGINT UNSIGNED NOT NULL DEFAULT 0,
	helpful INT UNSIGNED NOT NULL DEFAULT 0,
	not_helpful INT UNSIGNED NOT NULL DEFAULT 0,
	author_id BIGINT UNSIGNED NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	published_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_kb_articles_slug (slug),
	KEY idx_kb_articles_status (status, category, updated_at),
	FULLTEXT KEY ft_kb_articles_title (title),
	FULLTEXT KEY ft_kb_articles_text (title, body_text)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS kb_article_tags (
	article_id BIGINT UNSIGNED NOT NULL,
	tag VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	PRIMARY KEY (article_id, tag),
	KEY idx_kb_tags_tag (tag, article_id),
	CONSTRAINT fk_kb_tags_article FOREIGN KEY (article_id)
		REFERENCES kb_articles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An article as it was before an edit (revision: the number it had).
CREATE TABLE IF NOT EXISTS kb_article_revisions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	article_id BIGINT UNSIGNED NOT NULL,
	revision INT UNSIGNED NOT NULL,
	title VARCHAR(200) NOT NULL,
	body MEDIUMTEXT NOT NULL,
	category VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	tags VARCHAR(500) NOT NULL,
	status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	editor_id BIGINT UNSIGNED NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_kb_revisions (article_id, revision),
	CONSTRAINT fk_kb_revisions_article FOREIGN KEY (article_id)
		REFERENCES kb_articles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Helpfulness: one vote per voter, a keyed hash of "u:<user id>" or of
-- "a:<client address>" for anonymous callers; a second vote replaces
-- the first.
CREATE TABLE IF NOT EXISTS kb_feedback (
	article_id BIGINT UNSIGNED NOT NULL,
	voter BINARY(32) NOT NULL,
	helpful TINYINT(1) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (article_id, voter),
	CONSTRAINT fk_kb_feedback_article FOREIGN KEY (article_id)
		REFERENCES kb_articles (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Deflection: what POST /support/tickets/suggestions offered (public_id
-- is the handle its caller marks "this solved it" with). solved_at and
-- solved_article_id: a self-served request, counted as deflected, never
-- a ticket.
CREATE TABLE IF NOT EXISTS support_suggestions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id BIGINT UNSIGNED NULL,
	subject VARCHAR(200) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	solved_at DATETIME(6) NULL,
	solved_article_id BIGINT UNSIGNED NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_support_suggestions_public (public_id),
	KEY idx_support_suggestions_created (created_at),
	KEY idx_support_suggestions_article (solved_article_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS support_suggestion_items (
	suggestion_id BIGINT UNSIGNED NOT NULL,
	ord TINYINT UNSIGNED NOT NULL,
	article_id BIGINT UNSIGNED NOT NULL,
	score DOUBLE NOT NULL,
	PRIMARY KEY (suggestion_id, ord),
	CONSTRAINT fk_support_suggestion_items FOREIGN KEY (suggestion_id)
		REFERENCES support_suggestions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The periodic jobs (`devforgectl jobs run`): when each last ran and how
-- it ended, for operators and the readiness checks. Runs are serialised
-- per job with GET_LOCK, not through this table.
CREATE TABLE IF NOT EXISTS job_runs (
	name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	started_at DATETIME(6) NOT NULL,
	finished_at DATETIME(6) NULL,
	ok TINYINT(1) NULL,
	detail VARCHAR(500) NULL,
	PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Ticket mail carries a reply address; the outbox keeps it.
ALTER TABLE mail_outbox
	ADD COLUMN IF NOT EXISTS reply_to VARCHAR(254) CHARACTER SET ascii
		COLLATE ascii_bin NULL AFTER to_addr;
