-- Browse at the size of a real marketplace (see docs/QUERIES.md). A
-- category filter walks an index that leads with the category and ends
-- with the sort key, so a page stops at its LIMIT and a category with no
-- published extension is answered by one empty index seek; before, the
-- (status, <sort>, id) index was walked end to end (60,000 rows) looking
-- for rows of that category. One index per sort, in the order of the
-- statements of store/extensions.c (browse_sql).
ALTER TABLE extensions
	ADD KEY idx_extensions_status_category_downloads
		(status, category_id, downloads, id),
	ADD KEY idx_extensions_status_category_published
		(status, category_id, published_at, id),
	ADD KEY idx_extensions_status_category_rating
		(status, category_id, rating_avg, id),
	ADD KEY idx_extensions_status_category_price
		(status, category_id, price_amount, id);

-- Whether a package file is still used (deleting a version, replacing an
-- upload) and which versions lack their package (devforgectl
-- demo-packages) looked at every version: 600,000 rows at this size,
-- long enough for the client's read timeout to drop the connection.
ALTER TABLE extension_versions
	ADD KEY idx_extension_versions_package (package_sha256);

-- The admin's user list, newest first, filtered by role or status: an
-- index on the filter ending with the id gives both the rows and their
-- order, so "the suspended accounts" reads those, not all 200,000.
-- (role, status) already serves both filters together.
ALTER TABLE users
	ADD KEY idx_users_role_id (role, id),
	ADD KEY idx_users_status_id (status, id);
