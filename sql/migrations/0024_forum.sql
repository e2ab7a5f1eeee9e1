-- Community forums: categories, threads and their posts (Markdown as
-- written, with a plain-text copy for FULLTEXT search), edit revisions,
-- one vote per user and thread, flags and the moderation reviews they
-- open, and each user's forum standing (trust level, reading activity,
-- flag accuracy, silencing). Times are UTC from the application's clock.

CREATE TABLE IF NOT EXISTS forum_categories (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	slug VARCHAR(50) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(100) NOT NULL,
	description VARCHAR(500) NOT NULL DEFAULT '',
	position INT UNSIGNED NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_forum_categories_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The categories every installation starts with (an operator may add
-- more with SQL; the API lists them, it does not edit them).
INSERT IGNORE INTO forum_categories (slug, name, description, position,
	created_at) VALUES
('general', 'General', 'Questions and talk about Dev Forge.', 1,
	UTC_TIMESTAMP(6)),
('extensions', 'Extensions', 'Using, building and publishing extensions.', 2,
	UTC_TIMESTAMP(6)),
('licensing', 'Licences and billing', 'Plans, licences, activation, payments.', 3,
	UTC_TIMESTAMP(6)),
('bugs', 'Bug reports', 'Something does not work as it should.', 4,
	UTC_TIMESTAMP(6)),
('ideas', 'Ideas', 'Feature requests and suggestions.', 5,
	UTC_TIMESTAMP(6));

-- A thread. title and body_text (the first post without Markdown) are
-- what search reads; tags as given, space-separated (forum_thread_tags
-- holds them one per row for filtering). score = votes_up - votes_down,
-- kept exact by recounting under the thread's row lock. replies counts
-- the visible posts after the first. accepted_post_id: the accepted
-- answer (NULL: unsolved). deleted: soft delete (moderators still see
-- it; everyone else gets 404).
CREATE TABLE IF NOT EXISTS forum_threads (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	category_id BIGINT UNSIGNED NOT NULL,
	author_id BIGINT UNSIGNED NOT NULL,
	title VARCHAR(200) NOT NULL,
	body_text MEDIUMTEXT NOT NULL,
	tags VARCHAR(500) NOT NULL DEFAULT '',
	first_post_id BIGINT UNSIGNED NULL,
	accepted_post_id BIGINT UNSIGNED NULL,
	locked TINYINT(1) NOT NULL DEFAULT 0,
	pinned TINYINT(1) NOT NULL DEFAULT 0,
	deleted TINYINT(1) NOT NULL DEFAULT 0,
	score INT NOT NULL DEFAULT 0,
	votes_up INT UNSIGNED NOT NULL DEFAULT 0,
	votes_down INT UNSIGNED NOT NULL DEFAULT 0,
	replies INT UNSIGNED NOT NULL DEFAULT 0,
	last_post_at DATETIME(6) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	deleted_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_forum_threads_public (public_id),
	KEY idx_forum_threads_latest (deleted, pinned, last_post_at, id),
	KEY idx_forum_threads_cat_latest (category_id, deleted, pinned,
		last_post_at, id),
	KEY idx_forum_threads_top (deleted, score, id),
	KEY idx_forum_threads_unanswered (deleted, replies, created_at, id),
	KEY idx_forum_threads_author (author_id, created_at),
	FULLTEXT KEY ft_forum_threads_title (title),
	FULLTEXT KEY ft_forum_threads_text (title, body_text),
	CONSTRAINT fk_forum_threads_category FOREIGN KEY (category_id)
		REFERENCES forum_categories (id),
	CONSTRAINT fk_forum_threads_author FOREIGN KEY (author_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS forum_thread_tags (
	thread_id BIGINT UNSIGNED NOT NULL,
	tag VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	PRIMARY KEY (thread_id, tag),
	KEY idx_forum_tags_tag (tag, thread_id),
	CONSTRAINT fk_forum_tags_thread FOREIGN KEY (thread_id)
		REFERENCES forum_threads (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A post (is_first: the thread's opening post). body_hash is SHA-256 of
-- the body with its whitespace collapsed: the same author posting the
-- same text again within the duplicate window is refused. hidden_at:
-- hidden by flags (hidden_until: before then its author may not edit
-- it back). revision counts edits; forum_post_revisions holds the
-- earlier bodies.
CREATE TABLE IF NOT EXISTS forum_posts (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	thread_id BIGINT UNSIGNED NOT NULL,
	author_id BIGINT UNSIGNED NOT NULL,
	is_first TINYINT(1) NOT NULL DEFAULT 0,
	body MEDIUMTEXT NOT NULL,
	body_text MEDIUMTEXT NOT NULL,
	body_hash BINARY(32) NOT NULL,
	revision INT UNSIGNED NOT NULL DEFAULT 1,
	hidden_at DATETIME(6) NULL,
	hidden_until DATETIME(6) NULL,
	deleted TINYINT(1) NOT NULL DEFAULT 0,
	deleted_at DATETIME(6) NULL,
	deleted_by BIGINT UNSIGNED NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	edited_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_forum_posts_public (public_id),
	KEY idx_forum_posts_thread (thread_id, id),
	KEY idx_forum_posts_author (author_id, created_at),
	KEY idx_forum_posts_dup (author_id, body_hash, created_at),
	CONSTRAINT fk_forum_posts_thread FOREIGN KEY (thread_id)
		REFERENCES forum_threads (id) ON DELETE CASCADE,
	CONSTRAINT fk_forum_posts_author FOREIGN KEY (author_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A post as it was before an edit (revision: the number it had then).
CREATE TABLE IF NOT EXISTS forum_post_revisions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	post_id BIGINT UNSIGNED NOT NULL,
	revision INT UNSIGNED NOT NULL,
	title VARCHAR(200) NULL,             -- the thread's, for a first post
	body MEDIUMTEXT NOT NULL,
	editor_id BIGINT UNSIGNED NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_forum_revisions (post_id, revision),
	CONSTRAINT fk_forum_revisions_post FOREIGN KEY (post_id)
		REFERENCES forum_posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One vote per user and thread: value -1 or 1 (a vote of 0 deletes the
-- row).
CREATE TABLE IF NOT EXISTS forum_votes (
	thread_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	value TINYINT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (thread_id, user_id),
	KEY idx_forum_votes_user (user_id, value),
	CONSTRAINT ck_forum_votes_value CHECK (value IN (-1, 1)),
	CONSTRAINT fk_forum_votes_thread FOREIGN KEY (thread_id)
		REFERENCES forum_threads (id) ON DELETE CASCADE,
	CONSTRAINT fk_forum_votes_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A moderation review: what the queue shows, one per flagged post while
-- pending (pending_post_id = post_id until decided, then NULL, so a
-- post has at most one open review). score sums the flags' weights.
CREATE TABLE IF NOT EXISTS forum_reviews (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	post_id BIGINT UNSIGNED NOT NULL,
	pending_post_id BIGINT UNSIGNED NULL,
	status ENUM('pending', 'agreed', 'disagreed', 'ignored') NOT NULL
		DEFAULT 'pending',
	score DOUBLE NOT NULL DEFAULT 0,
	flaggers INT UNSIGNED NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	decided_at DATETIME(6) NULL,
	decided_by BIGINT UNSIGNED NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_forum_reviews_public (public_id),
	UNIQUE KEY uq_forum_reviews_pending (pending_post_id),
	KEY idx_forum_reviews_status (status, created_at, id),
	KEY idx_forum_reviews_post (post_id),
	CONSTRAINT fk_forum_reviews_post FOREIGN KEY (post_id)
		REFERENCES forum_posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A flag: one per user and post. weight is what it added to its
-- review's score (from the flagger's accuracy when it was cast).
CREATE TABLE IF NOT EXISTS forum_flags (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	review_id BIGINT UNSIGNED NOT NULL,
	post_id BIGINT UNSIGNED NOT NULL,
	flagger_id BIGINT UNSIGNED NOT NULL,
	reason ENUM('spam', 'off_topic', 'inappropriate', 'illegal', 'other')
		NOT NULL,
	detail VARCHAR(1000) NULL,
	weight DOUBLE NOT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_forum_flags_once (post_id, flagger_id),
	KEY idx_forum_flags_review (review_id),
	KEY idx_forum_flags_flagger (flagger_id),
	CONSTRAINT fk_forum_flags_review FOREIGN KEY (review_id)
		REFERENCES forum_reviews (id) ON DELETE CASCADE,
	CONSTRAINT fk_forum_flags_post FOREIGN KEY (post_id)
		REFERENCES forum_posts (id) ON DELETE CASCADE,
	CONSTRAINT fk_forum_flags_flagger FOREIGN KEY (flagger_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A user's forum standing. trust_level 0-4 is computed from activity
-- (trust_level_locked: set by a moderator, not recomputed). The flag
-- counts are the moderators' decisions on this user's flags (their
-- accuracy weights later flags). silenced_at: may not post or flag
-- until a moderator decides (silenced_review_id: the review that did
-- it, NULL when a moderator silenced by hand).
CREATE TABLE IF NOT EXISTS forum_user_stats (
	user_id BIGINT UNSIGNED NOT NULL,
	trust_level TINYINT UNSIGNED NOT NULL DEFAULT 0,
	trust_level_locked TINYINT(1) NOT NULL DEFAULT 0,
	days_visited INT UNSIGNED NOT NULL DEFAULT 0,
	last_visit_day DATE NULL,
	topics_entered INT UNSIGNED NOT NULL DEFAULT 0,
	posts_read INT UNSIGNED NOT NULL DEFAULT 0,
	flags_agreed INT UNSIGNED NOT NULL DEFAULT 0,
	flags_disagreed INT UNSIGNED NOT NULL DEFAULT 0,
	flags_ignored INT UNSIGNED NOT NULL DEFAULT 0,
	silenced_at DATETIME(6) NULL,
	silenced_review_id BIGINT UNSIGNED NULL,
	promoted_at DATETIME(6) NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (user_id),
	CONSTRAINT ck_forum_trust_level CHECK (trust_level <= 4),
	CONSTRAINT fk_forum_user_stats_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Reading: per user and thread, the most posts of it they have seen
-- (topics entered = rows, posts read = the sum), and the days they
-- visited (trust level 3 looks at the last 100).
CREATE TABLE IF NOT EXISTS forum_thread_reads (
	user_id BIGINT UNSIGNED NOT NULL,
	thread_id BIGINT UNSIGNED NOT NULL,
	posts_read INT UNSIGNED NOT NULL DEFAULT 0,
	first_at DATETIME(6) NOT NULL,
	last_at DATETIME(6) NOT NULL,
	PRIMARY KEY (user_id, thread_id),
	CONSTRAINT fk_forum_reads_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE,
	CONSTRAINT fk_forum_reads_thread FOREIGN KEY (thread_id)
		REFERENCES forum_threads (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS forum_user_days (
	user_id BIGINT UNSIGNED NOT NULL,
	day DATE NOT NULL,
	PRIMARY KEY (user_id, day),
	CONSTRAINT fk_forum_days_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
