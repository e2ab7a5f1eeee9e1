-- A support agent for the development stack's help desk (README.md,
-- "Support desk"): support@demo.devforge.test, username support-desk,
-- the demo password demo-password-2026 like every demo account. Staff
-- queues, internal notes, macros and the KB editor need the support
-- role, which registration never gives.
-- INSERT IGNORE on the unique e-mail and username: a second run changes
-- nothing.

INSERT IGNORE INTO users (public_id, email, username, display_name,
	password_hash, role, status, email_verified_at, token_version,
	created_at, updated_at) VALUES
	('dbee0a22-4197-4f1e-98dc-2ed5baabd2a1', 'support@demo.devforge.test',
	 'support-desk', 'Dev Forge Support',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'support', 'active', '2026-11-01 09:00:00', 1, '2026-11-01 09:00:00',
	 '2026-11-01 09:00:00');
