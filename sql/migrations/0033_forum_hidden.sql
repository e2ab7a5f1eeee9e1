-- The posts flags hid, found without reading every post: a thread whose
-- first post is hidden is unlisted but for its author and moderators,
-- and the list asks which authors have one (few rows are ever hidden:
-- the index holds the NULLs of the others, which the range skips).
CREATE INDEX IF NOT EXISTS idx_forum_posts_hidden
	ON forum_posts (hidden_at, is_first);
