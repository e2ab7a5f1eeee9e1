-- The extension marketplace: the fixed category list, extensions (with a
-- FULLTEXT index for search and the rating aggregate kept beside the row),
-- their tags, versions with their packages and review state, the download
-- log (which also says who may review) and reviews.

CREATE TABLE IF NOT EXISTS categories (
	id SMALLINT UNSIGNED NOT NULL,
	slug VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	name VARCHAR(64) NOT NULL,
	description VARCHAR(255) NOT NULL,
	position SMALLINT UNSIGNED NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_categories_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO categories (id, slug, name, description, position) VALUES
	(1, 'languages', 'Programming Languages',
	 'Syntax, completion and tooling for a language.', 1),
	(2, 'themes', 'Themes', 'Colour themes and icon sets.', 2),
	(3, 'debuggers', 'Debuggers', 'Debug adapters and debugging aids.', 3),
	(4, 'linters', 'Linters', 'Static analysis and diagnostics.', 4),
	(5, 'formatters', 'Formatters', 'Code formatting on save or on demand.', 5),
	(6, 'snippets', 'Snippets', 'Reusable code templates.', 6),
	(7, 'scm', 'Source Control', 'Git and other version control tools.', 7),
	(8, 'testing', 'Testing', 'Test runners, coverage and explorers.', 8),
	(9, 'data-science', 'Data Science', 'Notebooks, data viewers and plotting.', 9),
	(10, 'ai', 'AI Assistants', 'Completion, chat and code generation.', 10),
	(11, 'keymaps', 'Keymaps', 'Key bindings from other editors.', 11),
	(12, 'other', 'Other', 'Everything else.', 12);

CREATE TABLE IF NOT EXISTS extensions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	slug VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	owner_id BIGINT UNSIGNED NOT NULL,
	name VARCHAR(100) NOT NULL,
	summary VARCHAR(200) NOT NULL,
	description MEDIUMTEXT NOT NULL,
	category_id SMALLINT UNSIGNED NOT NULL,
	-- The tags again as one space-separated string, so that the FULLTEXT
	-- index covers them; extension_tags is what filters by tag.
	tags_text VARCHAR(400) NOT NULL DEFAULT '',
	price_amount INT UNSIGNED NOT NULL DEFAULT 0,
	price_currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'USD',
	license VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	homepage VARCHAR(2048) NULL,
	repository VARCHAR(2048) NULL,
	status ENUM('draft', 'published', 'suspended', 'archived') NOT NULL DEFAULT 'draft',
	-- What reinstating a suspended extension returns it to.
	status_before_suspend ENUM('draft', 'published', 'archived') NULL,
	status_reason VARCHAR(1000) NULL,
	-- Newest published, non-yanked version (SemVer order, computed in
	-- the application when a version is approved or yanked).
	latest_version VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
	downloads BIGINT UNSIGNED NOT NULL DEFAULT 0,
	rating_sum INT UNSIGNED NOT NULL DEFAULT 0,
	rating_count INT UNSIGNED NOT NULL DEFAULT 0,
	-- rating_sum / rating_count, kept for sorting and filtering.
	rating_avg DECIMAL(3,2) NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	published_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_extensions_slug (slug),
	KEY idx_extensions_owner (owner_id),
	KEY idx_extensions_status_downloads (status, downloads, id),
	KEY idx_extensions_status_published (status, published_at, id),
	KEY idx_extensions_status_rating (status, rating_avg, id),
	KEY idx_extensions_status_price (status, price_amount, id),
	KEY idx_extensions_category (category_id, status),
	FULLTEXT KEY ft_extensions (name, summary, description, tags_text),
	CONSTRAINT fk_extensions_owner FOREIGN KEY (owner_id)
		REFERENCES users (id),
	CONSTRAINT fk_extensions_category FOREIGN KEY (category_id)
		REFERENCES categories (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS extension_tags (
	extension_id BIGINT UNSIGNED NOT NULL,
	tag VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	PRIMARY KEY (extension_id, tag),
	KEY idx_extension_tags_tag (tag, extension_id),
	CONSTRAINT fk_extension_tags_extension FOREIGN KEY (extension_id)
		REFERENCES extensions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS extension_versions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	extension_id BIGINT UNSIGNED NOT NULL,
	version VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	changelog MEDIUMTEXT NOT NULL,
	engine VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status ENUM('draft', 'pending_review', 'published', 'rejected') NOT NULL DEFAULT 'draft',
	-- Content address of the package under the storage directory.
	package_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	package_size BIGINT UNSIGNED NULL,
	uploaded_at DATETIME(6) NULL,
	-- The automated checks of the last upload: a JSON array of
	-- {check, passed, detail}.
	checks JSON NULL,
	checks_passed TINYINT(1) NULL,
	reject_reason VARCHAR(2000) NULL,
	submitted_at DATETIME(6) NULL,
	reviewed_at DATETIME(6) NULL,
	reviewed_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
	published_at DATETIME(6) NULL,
	yanked_at DATETIME(6) NULL,
	yank_reason VARCHAR(1000) NULL,
	downloads BIGINT UNSIGNED NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_extension_versions (extension_id, version),
	KEY idx_extension_versions_queue (status, submitted_at),
	CONSTRAINT fk_extension_versions_extension FOREIGN KEY (extension_id)
		REFERENCES extensions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row a download. user_id is NULL for anonymous downloads; a user with
-- a row here may review the extension.
CREATE TABLE IF NOT EXISTS extension_downloads (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	extension_id BIGINT UNSIGNED NOT NULL,
	version_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NULL,
	at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY idx_extension_downloads_user (extension_id, user_id),
	KEY idx_extension_downloads_at (at),
	CONSTRAINT fk_extension_downloads_extension FOREIGN KEY (extension_id)
		REFERENCES extensions (id) ON DELETE CASCADE,
	CONSTRAINT fk_extension_downloads_version FOREIGN KEY (version_id)
		REFERENCES extension_versions (id) ON DELETE CASCADE,
	CONSTRAINT fk_extension_downloads_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS extension_reviews (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	extension_id BIGINT UNSIGNED NOT NULL,
	user_id BIGINT UNSIGNED NOT NULL,
	rating TINYINT UNSIGNED NOT NULL,
	title VARCHAR(200) NULL,
	body TEXT NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_extension_reviews_public_id (public_id),
	UNIQUE KEY uq_extension_reviews_user (extension_id, user_id),
	KEY idx_extension_reviews_newest (extension_id, updated_at, id),
	CONSTRAINT fk_extension_reviews_extension FOREIGN KEY (extension_id)
		REFERENCES extensions (id) ON DELETE CASCADE,
	CONSTRAINT fk_extension_reviews_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
