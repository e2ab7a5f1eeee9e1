-- The staff reports count the assistant's outcomes by the month each
-- conversation ended (status, ended_at); without this index every
-- report read every conversation.
ALTER TABLE assistant_conversations
	ADD KEY IF NOT EXISTS idx_assistant_conversations_ended (status, ended_at);
