-- The support assistant: the passages it retrieves from (knowledge-base
-- articles and the accepted answers of solved forum threads, split into
-- paragraphs), the sources waiting to be re-indexed, and its
-- conversations with how each ended.

-- A passage: one paragraph of a source. kind 'kb': source_id is
-- kb_articles.id; kind 'forum': forum_threads.id (its question's title
-- and the accepted answer). title is the source's title, searched with
-- the text.
CREATE TABLE IF NOT EXISTS assistant_passages (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	kind ENUM('kb', 'forum') NOT NULL,
	source_id BIGINT UNSIGNED NOT NULL,
	ord SMALLINT UNSIGNED NOT NULL,
	title VARCHAR(200) NOT NULL,
	text TEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_assistant_passages (kind, source_id, ord),
	FULLTEXT KEY ft_assistant_passages (title, text),
	FULLTEXT KEY ft_assistant_passages_text (text)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sources whose passages are stale: a write to an article or to a
-- thread's accepted answer marks it here in its own transaction
-- (store_assist_mark); the indexer rebuilds and removes the mark.
CREATE TABLE IF NOT EXISTS assistant_dirty (
	kind ENUM('kb', 'forum') NOT NULL,
	source_id BIGINT UNSIGNED NOT NULL,
	marked_at DATETIME(6) NOT NULL,
	PRIMARY KEY (kind, source_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A conversation (user_id NULL: anonymous, its id is then its only
-- key). status: open until the user says it solved their problem
-- (self_served, with the source credited), it is escalated to a ticket,
-- or it goes idle (abandoned, by the jobs runner).
CREATE TABLE IF NOT EXISTS assistant_conversations (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	public_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id BIGINT UNSIGNED NULL,
	status ENUM('open', 'self_served', 'escalated', 'abandoned') NOT NULL
		DEFAULT 'open',
	messages INT UNSIGNED NOT NULL DEFAULT 0,
	ticket_id BIGINT UNSIGNED NULL,
	resolved_kind ENUM('kb', 'forum') NULL,
	resolved_source_id BIGINT UNSIGNED NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	ended_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_assistant_conversations_public (public_id),
	KEY idx_assistant_conversations_status (status, updated_at),
	KEY idx_assistant_conversations_user (user_id, created_at),
	KEY idx_assistant_conversations_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The transcript. sources: the reply's sources as the JSON array the
-- API answered with; mode: how the reply was made ('retrieval',
-- 'model', or 'none' when nothing matched).
CREATE TABLE IF NOT EXISTS assistant_messages (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	conversation_id BIGINT UNSIGNED NOT NULL,
	ord INT UNSIGNED NOT NULL,
	role ENUM('user', 'assistant') NOT NULL,
	text TEXT NOT NULL,
	sources TEXT NULL,
	confidence DOUBLE NULL,
	mode ENUM('retrieval', 'model', 'none') NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_assistant_messages (conversation_id, ord),
	CONSTRAINT fk_assistant_messages_conversation FOREIGN KEY
		(conversation_id) REFERENCES assistant_conversations (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
