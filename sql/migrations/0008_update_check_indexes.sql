-- The update check (POST /extensions/updates) at the size of a real
-- marketplace (see docs/QUERIES.md): for each installed slug, its
-- extension's status, then the published, non-yanked versions with their
-- version and engine strings. Both indexes cover what the candidates
-- statement reads, so it touches no table row: with 200 installed
-- extensions of 10 versions each that was 2,200 primary-key look-ups
-- into rows holding descriptions, change logs and checks JSON, most of
-- the statement's time.
ALTER TABLE extension_versions
	ADD KEY idx_extension_versions_update
		(extension_id, status, yanked_at, version, engine);

ALTER TABLE extensions
	ADD KEY idx_extensions_slug_status (slug, status);
