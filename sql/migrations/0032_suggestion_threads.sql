-- Ticket deflection offers solved forum threads as well as articles
-- (the assistant's ranking): an offered item names an article or a
-- thread, exactly one, and a suggestion is solved by either. The staff
-- reports' "articles that solved requests" keep counting articles only;
-- `deflected` counts both.
ALTER TABLE support_suggestion_items
	MODIFY COLUMN article_id BIGINT UNSIGNED NULL,
	ADD COLUMN IF NOT EXISTS thread_id BIGINT UNSIGNED NULL;
ALTER TABLE support_suggestions
	ADD COLUMN IF NOT EXISTS solved_thread_id BIGINT UNSIGNED NULL;
