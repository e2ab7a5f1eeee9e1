-- Demo catalogue for the development stack: eight developer accounts, 25
-- users who download and review, and a marketplace of extensions across
-- every category. Every demo account's password is demo-password-2026.
--
-- Loaded by scripts/stack.sh on each start with DF_SEED=1. Everything is
-- inserted in one transaction, and only when the first demo account does
-- not exist yet, so a second run changes nothing. Rows refer to each
-- other by public_id, username and slug, never by fixed auto-increment ids.
-- Download counts (and the per-day statistics), ratings and extension_tags
-- are derived from the rows at the end, so they agree by construction; latest_version is the highest
-- published, non-yanked SemVer, written by hand because SQL cannot order
-- SemVer. Packages (package_sha256, package_size, checks) are left NULL.

START TRANSACTION;

DELIMITER ;;
BEGIN NOT ATOMIC
IF NOT EXISTS (SELECT 1 FROM users WHERE public_id = 'f3f0a17d-d365-4511-b4eb-144bc54f25ec') THEN

-- Accounts: developers own the extensions; users download and review.
INSERT INTO users (public_id, email, username, display_name, password_hash, role,
	status, email_verified_at, token_version, created_at, updated_at) VALUES
	('f3f0a17d-d365-4511-b4eb-144bc54f25ec', 'acme-tools@demo.devforge.test', 'acme-tools', 'Acme Tools',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-02 09:12:00', 1, '2026-01-02 09:00:00', '2026-01-02 09:12:00'),
	('60e529aa-69da-47ff-afec-0142b5694af5', 'nova-studio@demo.devforge.test', 'nova-studio', 'Nova Studio',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-02 16:12:00', 1, '2026-01-02 16:00:00', '2026-01-02 16:12:00'),
	('0afd15c3-1939-40cf-a681-e93c402b2754', 'polyglot-labs@demo.devforge.test', 'polyglot-labs', 'Polyglot Labs',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-02 23:12:00', 1, '2026-01-02 23:00:00', '2026-01-02 23:12:00'),
	('70d4c506-bf0e-4402-b94f-281d0d5242a9', 'kestrel-software@demo.devforge.test', 'kestrel-software', 'Kestrel Software',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-03 06:12:00', 1, '2026-01-03 06:00:00', '2026-01-03 06:12:00'),
	('4eb3528d-3a9d-4cc6-9454-cd0c4b4cd52b', 'lumen-themes@demo.devforge.test', 'lumen-themes', 'Lumen Themes',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-03 13:12:00', 1, '2026-01-03 13:00:00', '2026-01-03 13:12:00'),
	('45fa459d-aa89-4f89-bded-7f54800d95b3', 'quill-and-byte@demo.devforge.test', 'quill-and-byte', 'Quill & Byte',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-03 20:12:00', 1, '2026-01-03 20:00:00', '2026-01-03 20:12:00'),
	('1580350a-fd81-4682-88b8-11580a6c7bc4', 'fjord-devtools@demo.devforge.test', 'fjord-devtools', 'Fjord Devtools',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-04 03:12:00', 1, '2026-01-04 03:00:00', '2026-01-04 03:12:00'),
	('f76f89a1-0156-4275-b958-054bd402c86f', 'sable-ai@demo.devforge.test', 'sable-ai', 'Sable AI',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'developer', 'active', '2026-01-04 10:12:00', 1, '2026-01-04 10:00:00', '2026-01-04 10:12:00'),
	('928e0d5f-2e51-4273-82d6-830c46dc985e', 'mira-okafor@demo.devforge.test', 'mira-okafor', 'Mira Okafor',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-01-10 10:12:00', 1, '2026-01-10 10:00:00', '2026-01-10 10:12:00'),
	('eceefa90-8da2-4a11-b422-08ec67eac3e8', 'jonas-weber@demo.devforge.test', 'jonas-weber', 'Jonas Weber',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-01-14 10:49:00', 1, '2026-01-14 10:37:00', '2026-01-14 10:49:00'),
	('952fe7cf-9422-4fda-9990-eaed3adaee18', 'priya-raman@demo.devforge.test', 'priya-raman', 'Priya Raman',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-01-18 11:26:00', 1, '2026-01-18 11:14:00', '2026-01-18 11:26:00'),
	('7da71b53-75b4-402e-b9ac-7d46f1d1f73c', 'tkowalski@demo.devforge.test', 'tkowalski', 'Tomasz Kowalski',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-01-22 12:03:00', 1, '2026-01-22 11:51:00', '2026-01-22 12:03:00'),
	('65a8f73f-a05e-4605-a8c0-a902daacb743', 'lena.fischer@demo.devforge.test', 'lena_fischer', 'Lena Fischer',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-01-26 12:40:00', 1, '2026-01-26 12:28:00', '2026-01-26 12:40:00'),
	('6f040c51-a1e9-4942-b122-c95ed4667420', 'diego-alvarez@demo.devforge.test', 'diego-alvarez', 'Diego Álvarez',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-01-30 13:17:00', 1, '2026-01-30 13:05:00', '2026-01-30 13:17:00'),
	('d47b3447-45ee-4b9b-8197-1589c82d3dd4', 'aiko-tanaka@demo.devforge.test', 'aiko-tanaka', 'Aiko Tanaka',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-02-03 13:54:00', 1, '2026-02-03 13:42:00', '2026-02-03 13:54:00'),
	('ea4339d5-71ae-4fb3-b786-6ed313ce0719', 'sam-obrien@demo.devforge.test', 'sam-obrien', 'Sam O''Brien',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-02-07 14:31:00', 1, '2026-02-07 14:19:00', '2026-02-07 14:31:00'),
	('f32dedc7-0fb6-4f7c-bf50-f4da362f9194', 'noor-haddad@demo.devforge.test', 'noor-haddad', 'Noor Haddad',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-02-11 15:08:00', 1, '2026-02-11 14:56:00', '2026-02-11 15:08:00'),
	('3b30e8b4-fe2f-4dd2-bf1f-4645dc9b8df3', 'felix-lindqvist@demo.devforge.test', 'felix-lindqvist', 'Felix Lindqvist',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-02-15 15:45:00', 1, '2026-02-15 15:33:00', '2026-02-15 15:45:00'),
	('2ab86353-6dc6-4861-9f9f-2eb474d9310c', 'chloe-martin@demo.devforge.test', 'chloe-martin', 'Chloé Martin',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-02-19 16:22:00', 1, '2026-02-19 16:10:00', '2026-02-19 16:22:00'),
	('0e702683-75de-45b1-9a63-e93f7552ae90', 'raj-patel@demo.devforge.test', 'raj-patel', 'Raj Patel',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-02-23 16:59:00', 1, '2026-02-23 16:47:00', '2026-02-23 16:59:00'),
	('87dc13f7-2386-4458-82d3-5b391b63dbbe', 'ingrid-berg@demo.devforge.test', 'ingrid-berg', 'Ingrid Berg',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-02-27 17:36:00', 1, '2026-02-27 17:24:00', '2026-02-27 17:36:00'),
	('db9faf13-a35c-445d-99a3-a6ac782733ae', 'marco.rossi@demo.devforge.test', 'marco_rossi', 'Marco Rossi',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-03 18:13:00', 1, '2026-03-03 18:01:00', '2026-03-03 18:13:00'),
	('48cab966-7f5f-4f3e-bf37-b4b48a5d4889', 'yusuf-demir@demo.devforge.test', 'yusuf-demir', 'Yusuf Demir',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-07 18:50:00', 1, '2026-03-07 18:38:00', '2026-03-07 18:50:00'),
	('6bcd0810-8f13-4588-852d-f433ae4f57ab', 'hana-kim@demo.devforge.test', 'hana-kim', 'Hana Kim',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-11 19:27:00', 1, '2026-03-11 19:15:00', '2026-03-11 19:27:00'),
	('f1920584-8e5a-469c-bd6f-1ebbe0e7d2de', 'oliver-grant@demo.devforge.test', 'oliver-grant', 'Oliver Grant',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-15 20:04:00', 1, '2026-03-15 19:52:00', '2026-03-15 20:04:00'),
	('24980982-6bb3-4dfb-bae5-42b4ceb7715e', 'sofia-costa@demo.devforge.test', 'sofia-costa', 'Sofia Costa',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-19 20:41:00', 1, '2026-03-19 20:29:00', '2026-03-19 20:41:00'),
	('2cf3f917-ad47-42d0-a290-4a1d42375f26', 'emeka-obi@demo.devforge.test', 'emeka-obi', 'Emeka Obi',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-23 21:18:00', 1, '2026-03-23 21:06:00', '2026-03-23 21:18:00'),
	('089f7498-f696-47a3-9f8c-c990f92da0bf', 'anna-novak@demo.devforge.test', 'anna-novak', 'Anna Novák',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-27 21:55:00', 1, '2026-03-27 21:43:00', '2026-03-27 21:55:00'),
	('00779739-5293-4364-97ab-d0ad191833d5', 'liam-byrne@demo.devforge.test', 'liam-byrne', 'Liam Byrne',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-03-31 22:32:00', 1, '2026-03-31 22:20:00', '2026-03-31 22:32:00'),
	('e20eddf2-b4bf-441b-b7e6-8f675decd326', 'wei-zhang@demo.devforge.test', 'wei-zhang', 'Wei Zhang',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-04-04 23:09:00', 1, '2026-04-04 22:57:00', '2026-04-04 23:09:00'),
	('c7326aa7-5f30-4263-bb3c-7409f754a57d', 'kofi-mensah@demo.devforge.test', 'kofi-mensah', 'Kofi Mensah',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-04-08 23:46:00', 1, '2026-04-08 23:34:00', '2026-04-08 23:46:00'),
	('fa7a6a7a-9534-4bea-a254-b28310cdd15d', 'elena-popescu@demo.devforge.test', 'elena-popescu', 'Elena Popescu',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-04-13 00:23:00', 1, '2026-04-13 00:11:00', '2026-04-13 00:23:00'),
	('e81b69b8-f126-483a-8551-c41891a42a0b', 'nils-hansen@demo.devforge.test', 'nils-hansen', 'Nils Hansen',
	 '$scrypt$ln=14,r=8,p=2$ZofWU/jx9JP6f1l/wcMFrg$GFjVfdzaVH080UrQ7NFWxINfnI+ReXMaphYjzypn0C0',
	 'user', 'active', '2026-04-17 01:00:00', 1, '2026-04-17 00:48:00', '2026-04-17 01:00:00');

-- Extensions. tags_text is the source of extension_tags (split below).
INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'rust-toolkit', u.id, 'Rust Toolkit',
	'Rust language support: rust-analyzer integration, Cargo tasks, Clippy diagnostics and inline type hints.',
	'# Rust Toolkit

Everything you need to write **Rust** in Dev Forge, built on rust-analyzer.

## Features

- Completion, go to definition, find references and rename for Rust crates, powered by rust-analyzer
- Inline type hints and parameter hints, lifetime elision hints on demand
- Clippy diagnostics on save, with quick fixes for the most common lints
- Cargo integration: build, check, run and `cargo test` straight from code lenses
- Macro expansion view for `macro_rules!` and procedural macros
- Works with Cargo workspaces of any size and with `rust-toolchain.toml` overrides

## Requirements

A Rust toolchain installed through rustup. The toolkit downloads a matching rust-analyzer binary on first start, or uses the one on your `PATH`.

## Settings

`rust.checkOnSave` picks `check` or `clippy`; `rust.features` lists the Cargo features to enable for analysis.',
	c.id, 'rust cargo clippy lsp', 0, 'USD', 'MIT',
	'https://rust-toolkit.example.com', 'https://git.example.org/polyglot-labs/rust-toolkit', 'published', '1.10.0',
	'2026-01-06 10:40:00', '2026-11-02 11:12:00', '2026-01-07 15:19:00'
FROM users u JOIN categories c ON c.slug = 'languages'
WHERE u.username = 'polyglot-labs';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'go-essentials', u.id, 'Go Essentials',
	'Golang support through gopls: completion, imports on save, test lenses and module-aware navigation.',
	'# Go Essentials

First-class **Golang** editing for Dev Forge, backed by the official gopls language server.

## Features

- Completion with automatic imports, signature help and hover documentation
- Organise imports and gofmt on save
- Run and debug `go test` from code lenses above each test function
- Module-aware navigation across `go.mod` replace directives and go.work workspaces
- govulncheck findings shown as diagnostics

Go Essentials installs gopls for you if it is missing and keeps it up to date.',
	c.id, 'golang gopls lsp modules', 0, 'USD', 'BSD-3-Clause',
	'https://go-essentials.example.com', 'https://git.example.org/polyglot-labs/go-essentials', 'published', '1.4.0',
	'2026-01-12 12:38:00', '2026-08-01 16:04:00', '2026-01-13 18:52:00'
FROM users u JOIN categories c ON c.slug = 'languages'
WHERE u.username = 'polyglot-labs';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'typescript-plus', u.id, 'TypeScript Plus',
	'Extra TypeScript and JavaScript refactorings, import sorting and a project-wide type error panel.',
	'# TypeScript Plus

The built-in **TypeScript** service covers the basics. TypeScript Plus adds the refactorings and overviews that large codebases need.

## What it adds

- A type error panel that runs `tsc --noEmit` over the whole project, not just open files
- Refactorings: convert CommonJS `require` to ES module imports, extract type alias, inline variable
- Import sorting and grouping that respects path aliases from `tsconfig.json`
- JavaScript files with JSDoc types get the same treatment

Works with npm, pnpm and Yarn workspaces.',
	c.id, 'typescript javascript refactoring', 0, 'USD', 'MIT',
	'https://typescript-plus.example.com', 'https://git.example.org/acme-tools/typescript-plus', 'published', '3.2.0',
	'2026-01-20 11:56:00', '2026-06-20 16:42:00', '2026-01-21 14:58:00'
FROM users u JOIN categories c ON c.slug = 'languages'
WHERE u.username = 'acme-tools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'zig-language', u.id, 'Zig Language Support',
	'Zig syntax highlighting, zls language server integration and zig build tasks.',
	'# Zig Language Support

Syntax highlighting and language intelligence for **Zig**, using the zls language server.

- Completion and go to definition through zls
- `zig build` steps discovered from build.zig and offered as tasks
- Formatting with `zig fmt` on save
- Hovers that show comptime-known values

Point `zig.path` at your Zig compiler if it is not on the `PATH`.',
	c.id, 'zig zls lsp', 0, 'USD', 'MIT',
	'https://zig-language.example.com', 'https://git.example.org/kestrel-software/zig-language', 'published', '0.5.0',
	'2026-02-02 09:36:00', '2026-06-03 14:53:00', '2026-02-03 15:30:00'
FROM users u JOIN categories c ON c.slug = 'languages'
WHERE u.username = 'kestrel-software';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'elixir-mix', u.id, 'Elixir Mix',
	'Elixir and Phoenix support: ElixirLS integration, mix tasks, HEEx templates and ExUnit lenses.',
	'# Elixir Mix

**Elixir** development on the BEAM, with first-class Phoenix support.

## Features

- ElixirLS: completion, Dialyzer warnings, go to definition into dependencies
- Run `mix` tasks from the command palette; `mix format` on save
- HEEx and EEx template highlighting for Phoenix LiveView
- ExUnit code lenses to run a single test or a whole describe block

Erlang projects built with rebar3 get highlighting as well.',
	c.id, 'elixir erlang phoenix mix', 0, 'USD', 'Apache-2.0',
	'https://elixir-mix.example.com', 'https://git.example.org/quill-and-byte/elixir-mix', 'published', '1.1.1',
	'2026-02-10 13:08:00', '2026-06-01 15:57:00', '2026-02-11 17:57:00'
FROM users u JOIN categories c ON c.slug = 'languages'
WHERE u.username = 'quill-and-byte';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'haskell-ide', u.id, 'Haskell IDE',
	'Haskell support with the Haskell Language Server: types on hover, holes, Cabal and Stack projects.',
	'# Haskell IDE

**Haskell** editing backed by the Haskell Language Server (HLS).

- Types on hover, including for sub-expressions
- Typed holes: see the expected type and suggested fills
- Evaluate `-- >>>` comments in place
- Cabal and Stack projects detected automatically; GHC versions picked through ghcup

Install HLS with ghcup before enabling the extension.',
	c.id, 'haskell ghc cabal stack', 0, 'USD', 'BSD-3-Clause',
	'https://haskell-ide.example.com', 'https://git.example.org/quill-and-byte/haskell-ide', 'published', '0.9.0',
	'2026-03-03 13:33:00', '2026-06-12 18:42:00', '2026-03-04 16:13:00'
FROM users u JOIN categories c ON c.slug = 'languages'
WHERE u.username = 'quill-and-byte';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'kotlin-companion', u.id, 'Kotlin Companion',
	'Kotlin language support for JVM and multiplatform projects, with Gradle sync and test running.',
	'# Kotlin Companion

**Kotlin** for JVM, Android libraries and Kotlin Multiplatform, inside Dev Forge.

- Completion and navigation through the Kotlin language server
- Gradle sync for build.gradle.kts, with source sets for multiplatform targets
- Run JUnit tests from the gutter
- Java interop: navigate from Kotlin into Java sources and back

Large Gradle builds can take a while on first sync; progress shows in the status bar.',
	c.id, 'kotlin jvm gradle', 0, 'USD', 'Apache-2.0',
	'https://kotlin-companion.example.com', 'https://git.example.org/fjord-devtools/kotlin-companion', 'published', '0.4.0',
	'2026-03-16 10:40:00', '2026-10-12 12:41:00', '2026-03-17 13:39:00'
FROM users u JOIN categories c ON c.slug = 'languages'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'midnight-dark', u.id, 'Midnight Dark',
	'A calm dark theme with deep blue backgrounds, tuned contrast and semantic highlighting for every language.',
	'# Midnight Dark

A **dark** theme for long nights: deep blue backgrounds, soft foregrounds and accents that stay readable without glowing.

## Variants

- **Midnight Dark**: the original
- **Midnight Dark Dimmed**: lower contrast for bright rooms turned dark

## Details

- Semantic highlighting tuned per language
- Terminal, diff and minimap colours that match
- Bracket pair colours that are distinguishable for colour-blind users',
	c.id, 'theme dark color-theme', 0, 'USD', 'MIT',
	'https://midnight-dark.example.com', 'https://git.example.org/lumen-themes/midnight-dark', 'published', '1.2.0',
	'2026-01-08 13:53:00', '2026-06-18 20:19:00', '2026-01-09 18:45:00'
FROM users u JOIN categories c ON c.slug = 'themes'
WHERE u.username = 'lumen-themes';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'solarized-pro', u.id, 'Solarized Pro',
	'The Solarized palette done carefully: light and dark variants, matching terminal and diff colours, icon tints.',
	'# Solarized Pro

Ethan Schoonover''s **Solarized** palette, applied to every surface of the IDE with the original sixteen colours and nothing else.

## Variants

- Solarized Light
- Solarized Dark
- Solarized Dark High Contrast

Terminal ANSI colours, diff backgrounds, search highlights and file icon tints all use the Solarized palette. A selective highlighting mode colours only keywords and strings for a quieter page.',
	c.id, 'theme solarized light dark', 499, 'USD', 'MIT',
	'https://solarized-pro.example.com', 'https://git.example.org/lumen-themes/solarized-pro', 'published', '2.1.0',
	'2026-02-14 10:02:00', '2026-06-25 15:47:00', '2026-02-15 15:46:00'
FROM users u JOIN categories c ON c.slug = 'themes'
WHERE u.username = 'lumen-themes';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'paper-light', u.id, 'Paper Light',
	'A warm, low-glare light theme that looks like ink on paper. Minimal colour, maximum legibility.',
	'# Paper Light

A **light** theme with an off-white background and near-black ink. Colour is used sparingly: comments fade, strings and keywords get a hint of tone, and everything else stays ink.

Good for printing screenshots into documentation and for sunny rooms.',
	c.id, 'theme light minimal', 0, 'USD', 'ISC',
	NULL, NULL, 'published', '1.0.0',
	'2026-04-01 13:04:00', '2026-04-02 16:38:00', '2026-04-02 16:38:00'
FROM users u JOIN categories c ON c.slug = 'themes'
WHERE u.username = 'lumen-themes';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'pixel-file-icons', u.id, 'Pixel File Icons',
	'Crisp pixel-art file and folder icons for over 400 file types, with folder icons for common project layouts.',
	'# Pixel File Icons

An **icon** theme drawn pixel by pixel at 16 and 32 pixels, so icons stay crisp at any zoom level.

- Icons for over 400 file types and well-known file names (Dockerfile, Makefile, Cargo.toml, package.json)
- Open and closed folder icons for src, tests, docs, assets and more
- Light and dark friendly palettes',
	c.id, 'icons file-icons pixel-art', 0, 'USD', 'CC-BY-4.0',
	'https://pixel-file-icons.example.com', 'https://git.example.org/nova-studio/pixel-file-icons', 'published', '1.5.0',
	'2026-02-20 13:43:00', '2026-06-01 17:09:00', '2026-02-21 16:16:00'
FROM users u JOIN categories c ON c.slug = 'themes'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'retro-terminal', u.id, 'Retro Terminal',
	'Amber and green phosphor colour themes with optional scanlines, for that 1983 terminal feeling.',
	'# Retro Terminal

Amber and green phosphor **CRT** colour themes, with an optional scanline overlay for the editor background.

Work in progress: the scanline overlay needs the IDE 2.x decoration API.',
	c.id, 'theme retro amber crt', 0, 'USD', 'MIT',
	NULL, NULL, 'draft', NULL,
	'2026-10-28 12:14:00', '2026-10-30 15:55:00', NULL
FROM users u JOIN categories c ON c.slug = 'themes'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'node-debug-bridge', u.id, 'Node Debug Bridge',
	'Debug Node.js, Deno and Bun programs: breakpoints, async stacks, attach to running processes.',
	'# Node Debug Bridge

A debug adapter for **Node.js**, Deno and Bun.

## Features

- Breakpoints, conditional breakpoints and logpoints
- Async stack traces across `await` and promise chains
- Attach to a process started with `--inspect`, locally or through an SSH tunnel
- Source maps for TypeScript and bundled code
- Debug npm scripts straight from package.json',
	c.id, 'nodejs debugger breakpoints deno bun', 0, 'USD', 'MIT',
	'https://node-debug-bridge.example.com', 'https://git.example.org/acme-tools/node-debug-bridge', 'published', '2.2.0',
	'2026-01-15 12:13:00', '2026-07-25 16:06:00', '2026-01-16 14:59:00'
FROM users u JOIN categories c ON c.slug = 'debuggers'
WHERE u.username = 'acme-tools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'native-debug', u.id, 'Native Debug',
	'LLDB and GDB debugging for C, C++ and Rust binaries, with memory view, registers and core dump loading.',
	'# Native Debug

Debug native binaries with **LLDB** or **GDB**.

- Breakpoints, watchpoints and stepping by line or by instruction
- Memory view and register panel
- Open core dumps for post-mortem debugging
- Pretty printers for the C++ standard library and Rust collections
- Remote debugging through gdbserver',
	c.id, 'lldb gdb c cpp debugger', 0, 'USD', 'GPL-3.0-only',
	'https://native-debug.example.com', 'https://git.example.org/kestrel-software/native-debug', 'published', '1.1.0',
	'2026-02-05 11:38:00', '2026-06-06 14:40:00', '2026-02-06 14:38:00'
FROM users u JOIN categories c ON c.slug = 'debuggers'
WHERE u.username = 'kestrel-software';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'xdebug-connector', u.id, 'Xdebug Connector',
	'PHP debugging with Xdebug 3: breakpoints, step debugging and variable inspection for web requests and CLI scripts.',
	'# Xdebug Connector

Step debugging for **PHP** with Xdebug 3.

- Listens for Xdebug connections from web requests and CLI scripts
- Path mappings for Docker containers and remote servers
- Inspect superglobals, objects and arrays lazily, even very large ones',
	c.id, 'php xdebug debugger', 0, 'USD', 'MIT',
	'https://xdebug-connector.example.com', 'https://git.example.org/fjord-devtools/xdebug-connector', 'published', '1.0.0',
	'2026-03-10 12:31:00', '2026-03-11 17:19:00', '2026-03-11 17:19:00'
FROM users u JOIN categories c ON c.slug = 'debuggers'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'python-lint', u.id, 'Python Lint',
	'Fast Python linter: PEP 8 style, unused imports, type-checking hints and security checks as you type.',
	'# Python Lint

A fast **Python linter** that checks as you type.

## Checks

- PEP 8 style: line length, naming, whitespace, import order
- Unused imports and variables, unreachable code, shadowed builtins
- Type-checking hints from annotations (missing return types, Optional misuse)
- Security rules: `eval`, unsafe pickle loads, `subprocess` with `shell=True`

## Configuration

Rules are read from `pyproject.toml` (`[tool.python-lint]`) or `setup.cfg`. Each Python lint diagnostic links to an explanation of the rule and how to fix it.

Works with virtualenv, Poetry and conda environments.',
	c.id, 'python linter pep8 type-checking', 0, 'USD', 'MIT',
	'https://python-lint.example.com', 'https://git.example.org/kestrel-software/python-lint', 'published', '4.2.0',
	'2026-01-10 11:10:00', '2026-11-06 12:50:00', '2026-01-11 15:39:00'
FROM users u JOIN categories c ON c.slug = 'linters'
WHERE u.username = 'kestrel-software';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'eslint-bridge', u.id, 'ESLint Bridge',
	'Runs ESLint in the editor with flat-config support, fix-on-save and per-workspace ESLint versions.',
	'# ESLint Bridge

Integrates **ESLint** into the editor.

- Uses the ESLint version installed in your workspace, never a bundled one
- Supports flat config (`eslint.config.js`) and legacy `.eslintrc`
- Fix on save, optionally only for problems your edit introduced
- Works for JavaScript, TypeScript, Vue and Svelte files',
	c.id, 'eslint javascript typescript linter', 0, 'USD', 'MIT',
	'https://eslint-bridge.example.com', 'https://git.example.org/acme-tools/eslint-bridge', 'published', '5.1.0',
	'2026-01-18 12:26:00', '2026-06-08 14:52:00', '2026-01-19 18:36:00'
FROM users u JOIN categories c ON c.slug = 'linters'
WHERE u.username = 'acme-tools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'shellcheck-runner', u.id, 'ShellCheck Runner',
	'ShellCheck diagnostics for Bash and POSIX sh scripts, with quick fixes and links to the wiki.',
	'# ShellCheck Runner

Runs **ShellCheck** on Bash and POSIX sh scripts as you edit.

- Diagnostics with the SC code and a link to its wiki page
- Quick fixes for the common quoting mistakes
- Honours `# shellcheck disable=` directives and `.shellcheckrc`',
	c.id, 'shellcheck bash shell linter', 0, 'USD', 'GPL-3.0-only',
	'https://shellcheck-runner.example.com', 'https://git.example.org/fjord-devtools/shellcheck-runner', 'published', '0.8.0',
	'2026-02-25 13:51:00', '2026-06-16 18:35:00', '2026-02-26 15:57:00'
FROM users u JOIN categories c ON c.slug = 'linters'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'spell-guard', u.id, 'Spell Guard',
	'A spell checker that understands code: checks comments, strings and identifiers split at camelCase.',
	'# Spell Guard

A **spell checker** for source code.

- Checks comments and string literals, and identifiers split at camelCase and snake_case
- Project word lists in `.spellguard.txt`, shared through version control
- Dictionaries for English, German, French and Spanish',
	c.id, 'spelling spellcheck comments', 0, 'USD', 'MPL-2.0',
	'https://spell-guard.example.com', 'https://git.example.org/quill-and-byte/spell-guard', 'published', '1.1.0',
	'2026-03-20 10:53:00', '2026-06-24 15:33:00', '2026-03-21 15:37:00'
FROM users u JOIN categories c ON c.slug = 'linters'
WHERE u.username = 'quill-and-byte';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'prettier-on-save', u.id, 'Prettier on Save',
	'Formats JavaScript, TypeScript, CSS, JSON and YAML with Prettier every time you save.',
	'# Prettier on Save

Runs **Prettier** on save for JavaScript, TypeScript, CSS, SCSS, JSON, YAML, Markdown and HTML.

- Uses the project''s Prettier version and `.prettierrc`
- Respects `.prettierignore`
- Optionally formats only the modified lines of a file, so legacy code is not reformatted wholesale',
	c.id, 'prettier formatter javascript css', 0, 'USD', 'MIT',
	'https://prettier-on-save.example.com', 'https://git.example.org/acme-tools/prettier-on-save', 'published', '1.2.0',
	'2026-01-22 11:44:00', '2026-07-12 17:01:00', '2026-01-23 18:02:00'
FROM users u JOIN categories c ON c.slug = 'formatters'
WHERE u.username = 'acme-tools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'clang-format-helper', u.id, 'Clang Format Helper',
	'clang-format for C, C++, Objective-C and protobuf, with a live preview of .clang-format style options.',
	'# Clang Format Helper

Formats C, C++, Objective-C and protobuf files with **clang-format**.

- Format on save, on paste, or a selection
- A live preview panel for `.clang-format` options: change `BreakBeforeBraces` and watch the sample reflow
- Picks the clang-format binary that matches your toolchain',
	c.id, 'clang-format c cpp formatter', 0, 'USD', 'Apache-2.0',
	'https://clang-format-helper.example.com', 'https://git.example.org/kestrel-software/clang-format-helper', 'published', '1.1.0',
	'2026-02-12 10:58:00', '2026-07-03 13:45:00', '2026-02-13 17:09:00'
FROM users u JOIN categories c ON c.slug = 'formatters'
WHERE u.username = 'kestrel-software';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'sql-beautifier', u.id, 'SQL Beautifier',
	'Formats SQL for MariaDB, MySQL, PostgreSQL and SQLite dialects, with keyword casing and alignment options.',
	'# SQL Beautifier

Formats **SQL** queries and migration files.

- Dialects: MariaDB, MySQL, PostgreSQL, SQLite
- Upper or lower keyword casing, aligned column lists, one join per line
- Formats SQL embedded in string literals when marked with a `-- sql` comment',
	c.id, 'sql formatter mariadb postgresql', 0, 'USD', 'MIT',
	'https://sql-beautifier.example.com', 'https://git.example.org/fjord-devtools/sql-beautifier', 'published', '1.0.0',
	'2026-04-06 10:30:00', '2026-06-26 14:42:00', '2026-04-07 16:00:00'
FROM users u JOIN categories c ON c.slug = 'formatters'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'react-snippets', u.id, 'React Snippets',
	'Snippets for React function components, hooks, context and tests, in JSX and TSX.',
	'# React Snippets

Type less **React** boilerplate.

- `rfc`: function component with props type
- `ush`, `uef`, `umm`: useState, useEffect, useMemo hooks
- `ctx`: context with provider and hook
- `rtl`: a React Testing Library test skeleton

Every snippet works in JSX and TSX files.',
	c.id, 'react jsx hooks snippets', 0, 'USD', 'MIT',
	'https://react-snippets.example.com', 'https://git.example.org/nova-studio/react-snippets', 'published', '2.1.0',
	'2026-01-25 10:59:00', '2026-05-26 15:06:00', '2026-01-26 16:14:00'
FROM users u JOIN categories c ON c.slug = 'snippets'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'html-boilerplate', u.id, 'HTML Boilerplate Snippets',
	'HTML5 page skeletons, accessible form patterns and CSS reset snippets.',
	'# HTML Boilerplate Snippets

Snippets for **HTML** pages that start right.

- `html5`: a page skeleton with viewport, charset and language set
- Accessible form field patterns with labels and error messages
- A modern CSS reset and a print stylesheet skeleton',
	c.id, 'html css snippets accessibility', 0, 'USD', 'MIT',
	NULL, NULL, 'published', '1.0.0',
	'2026-03-05 10:32:00', '2026-03-06 15:37:00', '2026-03-06 15:37:00'
FROM users u JOIN categories c ON c.slug = 'snippets'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'license-headers', u.id, 'License Header Snippets',
	'Insert SPDX licence headers with your name and year; checks that every file in the project has one.',
	'# License Header Snippets

Insert **SPDX** licence headers (`SPDX-License-Identifier: MIT`) in the comment style of each language, with author and year filled in.

A command lists the files of the project that lack a licence header.',
	c.id, 'license spdx headers snippets', 0, 'USD', '0BSD',
	'https://license-headers.example.com', 'https://git.example.org/quill-and-byte/license-headers', 'published', '1.0.1',
	'2026-04-14 13:49:00', '2026-05-15 17:24:00', '2026-04-15 18:52:00'
FROM users u JOIN categories c ON c.slug = 'snippets'
WHERE u.username = 'quill-and-byte';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'git-blame-inline', u.id, 'Git Blame Inline',
	'Shows git blame for the current line at the end of the line, with commit details on hover.',
	'# Git Blame Inline

See who changed a line and why, without leaving the editor: **git blame** for the current line appears at the end of the line.

## Features

- Author, date and commit summary of the current line
- Hover for the full commit message and a link to the commit on your forge
- Whole-file blame annotations in the gutter, coloured by age
- Ignores whitespace-only and formatting commits listed in `.git-blame-ignore-revs`',
	c.id, 'git blame annotations history', 0, 'USD', 'MIT',
	'https://git-blame-inline.example.com', 'https://git.example.org/acme-tools/git-blame-inline', 'published', '2.3.0',
	'2026-01-09 13:02:00', '2026-06-12 17:27:00', '2026-01-10 17:26:00'
FROM users u JOIN categories c ON c.slug = 'scm'
WHERE u.username = 'acme-tools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'git-graph', u.id, 'Git Graph',
	'An interactive commit graph of your repository: branches, tags, cherry-pick and rebase from the graph.',
	'# Git Graph

An interactive **commit graph** for Git repositories.

- Branches, tags and remotes drawn as a graph, with search by message, author or hash
- Checkout, cherry-pick, revert and create branches from the context menu
- An interactive rebase editor: reorder, squash and reword with drag and drop
- Compare any two commits',
	c.id, 'git graph branches history', 0, 'USD', 'MIT',
	'https://git-graph.example.com', 'https://git.example.org/nova-studio/git-graph', 'published', '1.2.0',
	'2026-01-28 13:08:00', '2026-07-28 18:35:00', '2026-01-29 17:28:00'
FROM users u JOIN categories c ON c.slug = 'scm'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'merge-conflict-helper', u.id, 'Merge Conflict Helper',
	'Resolve merge conflicts with a three-way view, accept-both actions and conflict navigation.',
	'# Merge Conflict Helper

Resolve **merge conflicts** faster.

- Three-way view: yours, theirs and the common ancestor side by side
- Accept ours, theirs or both per conflict, with undo
- Jump between conflicts across all files of the merge
- Works during merge, rebase and cherry-pick',
	c.id, 'git merge conflicts', 0, 'USD', 'Apache-2.0',
	'https://merge-conflict-helper.example.com', 'https://git.example.org/fjord-devtools/merge-conflict-helper', 'published', '1.2.0',
	'2026-03-12 09:23:00', '2026-08-10 12:58:00', '2026-03-13 13:09:00'
FROM users u JOIN categories c ON c.slug = 'scm'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'mercurial-support', u.id, 'Mercurial Support',
	'Mercurial (hg) source control: status, diff, commit and history. No longer maintained.',
	'# Mercurial Support

**Mercurial** (hg) integration for the source control panel: status, diff, commit, bookmarks and history.

This extension is archived and no longer maintained.',
	c.id, 'mercurial hg scm', 0, 'USD', 'GPL-3.0-only',
	'https://mercurial-support.example.com', 'https://git.example.org/kestrel-software/mercurial-support', 'archived', '0.7.0',
	'2026-01-14 13:46:00', '2026-09-01 11:00:00', '2026-01-15 20:10:00'
FROM users u JOIN categories c ON c.slug = 'scm'
WHERE u.username = 'kestrel-software';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'test-explorer', u.id, 'Test Explorer',
	'One panel for all your tests: discover, run, debug and filter tests from any supported test framework.',
	'# Test Explorer

A single **test explorer** panel for every framework with an adapter.

- Discover tests across the workspace and show them as a tree
- Run or debug one test, a suite, or only the failed ones
- Filter by name, tag or status; see durations and flaky history
- Adapters for pytest, Jest, Go test, Cargo test and JUnit',
	c.id, 'testing test-runner explorer', 0, 'USD', 'MIT',
	'https://test-explorer.example.com', 'https://git.example.org/acme-tools/test-explorer', 'published', '2.0.0',
	'2026-01-30 10:32:00', '2026-09-18 14:42:00', '2026-01-31 13:51:00'
FROM users u JOIN categories c ON c.slug = 'testing'
WHERE u.username = 'acme-tools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'pytest-runner', u.id, 'Pytest Runner',
	'Run and debug pytest tests from the editor with fixtures, parametrize ids and markers shown inline.',
	'# Pytest Runner

Run **pytest** from the editor.

- Run or debug a test function, class or module from the gutter
- Parametrized cases shown as separate items with their ids
- Go to fixture definition; see which fixtures a test uses
- Markers (`slow`, `integration`) as filters',
	c.id, 'pytest testing', 0, 'USD', 'MIT',
	'https://pytest-runner.example.com', 'https://git.example.org/kestrel-software/pytest-runner', 'published', '1.1.0',
	'2026-02-18 09:14:00', '2026-05-30 15:00:00', '2026-02-19 13:17:00'
FROM users u JOIN categories c ON c.slug = 'testing'
WHERE u.username = 'kestrel-software';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'coverage-gutters', u.id, 'Coverage Gutters',
	'Shows line coverage from lcov, Cobertura and JaCoCo reports in the editor gutter.',
	'# Coverage Gutters

See **code coverage** where you edit.

- Reads lcov, Cobertura XML and JaCoCo reports
- Covered, partly covered and uncovered lines marked in the gutter
- Watches the report file and refreshes after each test run',
	c.id, 'coverage lcov cobertura testing', 0, 'USD', 'MIT',
	'https://coverage-gutters.example.com', 'https://git.example.org/fjord-devtools/coverage-gutters', 'published', '1.0.1',
	'2026-03-25 11:24:00', '2026-04-15 16:00:00', '2026-03-26 17:19:00'
FROM users u JOIN categories c ON c.slug = 'testing'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'jest-companion', u.id, 'Jest Companion',
	'Jest integration: watch mode in the background, inline failures and snapshot updates.',
	'# Jest Companion

**Jest** in the background while you code.

- Runs Jest in watch mode and shows failures inline where the assertion failed
- Update snapshots from the hover of a failing snapshot test
- Works with Vitest projects that use the Jest-compatible reporter',
	c.id, 'jest javascript snapshots testing', 0, 'USD', 'MIT',
	'https://jest-companion.example.com', 'https://git.example.org/nova-studio/jest-companion', 'published', '0.10.0',
	'2026-04-10 12:38:00', '2026-07-10 18:20:00', '2026-04-11 15:18:00'
FROM users u JOIN categories c ON c.slug = 'testing'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'notebook-studio', u.id, 'Notebook Studio',
	'Open and run Jupyter notebooks (.ipynb) in the IDE, with kernels, variable explorer and rich outputs.',
	'# Notebook Studio

Work with **Jupyter notebooks** (`.ipynb`) without leaving Dev Forge.

- Run cells on local or remote Jupyter kernels (Python, R, Julia)
- Rich outputs: tables, images, HTML and interactive widgets
- Variable explorer and data frame viewer
- Diff notebooks cell by cell, ignoring outputs',
	c.id, 'jupyter notebooks ipynb kernels', 0, 'USD', 'BSD-3-Clause',
	'https://notebook-studio.example.com', 'https://git.example.org/sable-ai/notebook-studio', 'published', '1.2.0',
	'2026-02-08 12:57:00', '2026-08-28 18:31:00', '2026-02-09 18:07:00'
FROM users u JOIN categories c ON c.slug = 'data-science'
WHERE u.username = 'sable-ai';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'csv-table-view', u.id, 'CSV Table View',
	'View and edit CSV and TSV files as a sortable, filterable table, even with millions of rows.',
	'# CSV Table View

Open **CSV** and TSV files as a table.

- Sort and filter columns; column statistics (min, max, distinct values)
- Handles files with millions of rows by reading them lazily
- Edit cells and save back with the original delimiter and quoting',
	c.id, 'csv tsv table data-viewer', 0, 'USD', 'MIT',
	'https://csv-table-view.example.com', 'https://git.example.org/fjord-devtools/csv-table-view', 'published', '1.1.0',
	'2026-03-01 10:26:00', '2026-06-30 16:05:00', '2026-03-02 12:57:00'
FROM users u JOIN categories c ON c.slug = 'data-science'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'plot-preview', u.id, 'Plot Preview',
	'Preview matplotlib, Vega-Lite and Plotly charts in a side panel as your script runs.',
	'# Plot Preview

A side panel for **charts**: matplotlib figures, Vega-Lite specs and Plotly plots appear as your script produces them.

Export any chart as PNG or SVG.',
	c.id, 'plotting charts matplotlib vega', 0, 'USD', 'Apache-2.0',
	'https://plot-preview.example.com', 'https://git.example.org/sable-ai/plot-preview', 'published', '0.5.0',
	'2026-04-20 11:17:00', '2026-04-21 14:23:00', '2026-04-21 14:23:00'
FROM users u JOIN categories c ON c.slug = 'data-science'
WHERE u.username = 'sable-ai';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'sable-complete', u.id, 'Sable Complete',
	'AI code completion that predicts whole lines and functions, trained for 30 languages. Team plans available.',
	'# Sable Complete

**AI code completion** that writes the next line, or the next function, as you type.

## Features

- Whole-line and multi-line completions from a large language model tuned for code
- Repository context: the model sees related files, not just the open one
- Thirty languages, including Rust, Go, Python, TypeScript and Java
- Your code is never used for training; completions can be routed through your own endpoint on team plans',
	c.id, 'ai completion llm autocomplete', 1999, 'USD', 'BUSL-1.1',
	'https://sable-complete.example.com', 'https://git.example.org/sable-ai/sable-complete', 'published', '1.2.0',
	'2026-01-16 10:04:00', '2026-11-02 11:45:00', '2026-01-17 15:04:00'
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'sable-ai';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'sable-chat', u.id, 'Sable Chat',
	'Chat with an AI assistant about your code: explain, refactor and fix selections, with workspace context.',
	'# Sable Chat

An **AI chat assistant** beside your editor.

- Ask about the selection: explain, refactor, find bugs, write tests
- Slash commands: `/explain`, `/fix`, `/tests`, `/docs`
- Answers cite the files they used from your workspace
- Apply suggested edits as a reviewable diff',
	c.id, 'ai chat assistant llm', 999, 'USD', 'BUSL-1.1',
	'https://sable-chat.example.com', 'https://git.example.org/sable-ai/sable-chat', 'published', '1.0.0',
	'2026-03-02 13:45:00', '2026-06-01 18:48:00', '2026-03-03 16:11:00'
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'sable-ai';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'commit-scribe', u.id, 'Commit Scribe',
	'Drafts commit messages from your staged changes with an AI model, in your repository''s style.',
	'# Commit Scribe

Let an **AI** model draft your **commit messages**.

- Reads the staged diff and writes a subject line and body
- Follows the style of the repository''s recent history (Conventional Commits, or not)
- Works with any OpenAI-compatible endpoint, including local models',
	c.id, 'ai git commit-messages', 0, 'USD', 'MIT',
	'https://commit-scribe.example.com', 'https://git.example.org/nova-studio/commit-scribe', 'published', '1.1.0',
	'2026-02-22 11:59:00', '2026-06-13 14:55:00', '2026-02-23 15:29:00'
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'docstring-writer', u.id, 'Docstring Writer',
	'Generates docstrings and doc comments for functions from their signature and body, in your chosen style.',
	'# Docstring Writer

Generate **docstrings** and doc comments with AI.

- Google, NumPy and Sphinx styles for Python; JSDoc; Rustdoc; Javadoc
- Describes parameters, return values and raised errors from the function body
- Never overwrites an existing docstring without asking',
	c.id, 'ai documentation docstrings', 0, 'USD', 'Apache-2.0',
	'https://docstring-writer.example.com', 'https://git.example.org/quill-and-byte/docstring-writer', 'published', '1.0.0',
	'2026-03-08 12:05:00', '2026-08-15 15:57:00', '2026-03-09 16:54:00'
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'quill-and-byte';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'offline-assistant', u.id, 'Offline Assistant',
	'A private AI assistant that runs local LLM models on your machine. No code leaves your computer.',
	'# Offline Assistant

An AI assistant that runs **local LLM** models, entirely **offline**.

- Chat and completion with open-weight models in GGUF format
- Runs on CPU or GPU; nothing is sent over the network
- A model picker that shows memory needs before you download a model',
	c.id, 'ai llm local privacy offline', 0, 'USD', 'MIT',
	'https://offline-assistant.example.com', 'https://git.example.org/sable-ai/offline-assistant', 'published', '0.5.0',
	'2026-05-04 11:29:00', '2026-08-03 15:29:00', '2026-05-05 16:21:00'
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'sable-ai';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'review-buddy', u.id, 'Review Buddy',
	'AI code review for your branch before you open a pull request: bugs, risky changes and missing tests.',
	'# Review Buddy

**AI code review** for your branch, before a human sees it.

- Reviews the diff against the base branch and comments inline
- Flags likely bugs, risky changes and code without tests
- Summarises the change for the pull request description',
	c.id, 'ai code-review pull-requests', 1499, 'USD', 'BUSL-1.1',
	'https://review-buddy.example.com', 'https://git.example.org/sable-ai/review-buddy', 'published', '1.0.0',
	'2026-06-01 13:58:00', '2026-06-02 16:47:00', '2026-06-02 16:47:00'
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'sable-ai';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'regex-explainer', u.id, 'Regex Explainer',
	'Explains regular expressions in plain words with an AI model, and generates a regex from a description.',
	'# Regex Explainer

Hover a **regular expression** to read what it matches, in plain words. Or describe what you need and let the AI write the regex, with test strings that match and that do not.

Supports PCRE, JavaScript, Python and POSIX flavours.',
	c.id, 'ai regex regular-expressions', 0, 'USD', 'MIT',
	NULL, NULL, 'published', '1.0.0',
	'2026-05-20 10:58:00', '2026-05-21 13:33:00', '2026-05-21 13:33:00'
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'polyglot-labs';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'testgen-ai', u.id, 'TestGen AI',
	'Generates unit tests for the selected function with AI, matching your existing test framework and style.',
	'# TestGen AI

Generate **unit tests** for the selected function.

- Detects your test framework (pytest, Jest, Go test, JUnit) and mirrors the style of existing tests
- Covers edge cases it finds in the function body
- Runs the generated tests once and keeps only those that pass',
	c.id, 'ai testing unit-tests', 0, 'USD', 'MIT',
	'https://testgen-ai.example.com', 'https://git.example.org/sable-ai/testgen-ai', 'draft', NULL,
	'2026-11-02 09:16:00', '2026-11-07 10:52:00', NULL
FROM users u JOIN categories c ON c.slug = 'ai'
WHERE u.username = 'sable-ai';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'vim-keymap', u.id, 'Vim Keymap',
	'Vim emulation: modal editing, motions, text objects, registers, macros and ex commands.',
	'# Vim Keymap

**Vim** emulation for Dev Forge.

## Supported

- Normal, insert, visual and visual block modes
- Motions, operators and text objects (`ciw`, `da(`, `yi"`)
- Registers, marks, macros (`q`, `@`) and the dot command
- Ex commands: `:s`, `:g`, `:w`, `:sp`
- Surround and commentary built in
- A subset of `.vimrc`: mappings and `set` options

Vim users: press `:help devforge` for the differences from Vim.',
	c.id, 'vim keymap modal-editing', 0, 'USD', 'MIT',
	'https://vim-keymap.example.com', 'https://git.example.org/polyglot-labs/vim-keymap', 'published', '1.6.0',
	'2026-01-07 12:56:00', '2026-07-27 18:21:00', '2026-01-08 16:26:00'
FROM users u JOIN categories c ON c.slug = 'keymaps'
WHERE u.username = 'polyglot-labs';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'emacs-keybindings', u.id, 'Emacs Keybindings',
	'Emacs key bindings: C-x prefixes, the kill ring, mark and region, incremental search.',
	'# Emacs Keybindings

**Emacs** key bindings for Dev Forge.

- `C-x C-f`, `C-x b`, `C-x 2` and the other C-x prefixes
- Mark and region, `C-w`, `M-w`, `C-y` with a real kill ring and `M-y`
- Incremental search with `C-s` and `C-r`',
	c.id, 'emacs keymap', 0, 'USD', 'GPL-3.0-only',
	'https://emacs-keybindings.example.com', 'https://git.example.org/quill-and-byte/emacs-keybindings', 'published', '1.1.0',
	'2026-02-16 12:25:00', '2026-06-17 16:15:00', '2026-02-17 15:51:00'
FROM users u JOIN categories c ON c.slug = 'keymaps'
WHERE u.username = 'quill-and-byte';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'sublime-keys', u.id, 'Sublime Keys',
	'Sublime Text key bindings: multiple cursors, goto anything and the command palette where your fingers expect them.',
	'# Sublime Keys

The key bindings of **Sublime Text**: multiple cursors with `Ctrl+D`, goto anything with `Ctrl+P`, split selection into lines and the rest.',
	c.id, 'sublime keymap', 0, 'USD', 'MIT',
	NULL, NULL, 'published', '1.0.0',
	'2026-03-18 10:09:00', '2026-03-19 14:42:00', '2026-03-19 14:42:00'
FROM users u JOIN categories c ON c.slug = 'keymaps'
WHERE u.username = 'nova-studio';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'docker-tools', u.id, 'Docker Tools',
	'Build, run and inspect Docker containers and images; Dockerfile and Compose file support.',
	'# Docker Tools

Manage **Docker** from the IDE.

## Features

- Explorer for containers, images, volumes and networks
- Build images from a Dockerfile, with linting and completion for Dockerfile instructions
- Docker Compose: up, down, logs and service status
- Attach a shell to a running container; view image layers and their sizes',
	c.id, 'docker containers compose dockerfile', 0, 'USD', 'Apache-2.0',
	'https://docker-tools.example.com', 'https://git.example.org/fjord-devtools/docker-tools', 'published', '1.2.0',
	'2026-01-11 09:21:00', '2026-07-21 13:22:00', '2026-01-12 12:03:00'
FROM users u JOIN categories c ON c.slug = 'other'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'kubernetes-explorer', u.id, 'Kubernetes Explorer',
	'Browse clusters, pods and deployments, stream logs and apply manifests. Helm chart support included.',
	'# Kubernetes Explorer

Work with **Kubernetes** clusters from the IDE.

- Browse contexts, namespaces, pods, deployments, services and config maps
- Stream pod logs, exec into pods and forward ports
- Apply and diff manifests against the cluster, with schema validation
- Helm: install, upgrade and template charts

Uses your kubeconfig and kubectl contexts.',
	c.id, 'kubernetes k8s helm kubectl', 999, 'USD', 'Apache-2.0',
	'https://kubernetes-explorer.example.com', 'https://git.example.org/fjord-devtools/kubernetes-explorer', 'published', '1.0.0',
	'2026-02-27 12:48:00', '2026-10-06 15:31:00', '2026-02-28 17:51:00'
FROM users u JOIN categories c ON c.slug = 'other'
WHERE u.username = 'fjord-devtools';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'markdown-preview-plus', u.id, 'Markdown Preview Plus',
	'A live Markdown preview with Mermaid diagrams, math, scroll sync and export to HTML or PDF.',
	'# Markdown Preview Plus

A live **Markdown preview** beside the editor.

- Scroll sync between source and preview
- Mermaid diagrams, KaTeX math and GitHub-style alerts
- Export the preview to HTML or PDF
- Custom CSS for the preview',
	c.id, 'markdown preview mermaid', 0, 'USD', 'MIT',
	'https://markdown-preview-plus.example.com', 'https://git.example.org/quill-and-byte/markdown-preview-plus', 'published', '3.1.0',
	'2026-01-19 09:43:00', '2026-05-30 14:40:00', '2026-01-20 14:29:00'
FROM users u JOIN categories c ON c.slug = 'other'
WHERE u.username = 'quill-and-byte';

INSERT INTO extensions (slug, owner_id, name, summary, description, category_id,
	tags_text, price_amount, price_currency, license, homepage, repository, status,
	latest_version, created_at, updated_at, published_at)
SELECT 'rest-client', u.id, 'REST Client',
	'Send HTTP requests from .http files and see responses beside them; environments and variables supported.',
	'# REST Client

Write **HTTP requests** in `.http` files and send them with one click.

- Responses open beside the request, with headers and timing
- Environments and variables, request chaining from earlier responses
- Copy any request as curl',
	c.id, 'http rest api-client', 0, 'USD', 'MIT',
	'https://rest-client.example.com', 'https://git.example.org/acme-tools/rest-client', 'published', '1.1.0',
	'2026-02-03 12:47:00', '2026-06-24 15:53:00', '2026-02-04 15:32:00'
FROM users u JOIN categories c ON c.slug = 'other'
WHERE u.username = 'acme-tools';

-- Versions: published (one yanked), pending review (the admin queue),
-- one rejected, one draft without a package.
INSERT INTO extension_versions (extension_id, version, changelog, engine, status,
	uploaded_at, reject_reason, submitted_at, reviewed_at, published_at,
	yanked_at, yank_reason, created_at)
WITH v (slug, version, engine, status, changelog, created_at, uploaded_at,
	submitted_at, reviewed_at, published_at, yanked_at, yank_reason, reject_reason)
AS (VALUES
	('rust-toolkit', '0.9.0', '^1.80.0', 'published',
	 'First public release: rust-analyzer client, syntax highlighting and Cargo build tasks.',
	 '2026-01-06 13:05:00', '2026-01-06 13:25:00', '2026-01-06 13:40:00', '2026-01-07 15:19:00', '2026-01-07 15:19:00',
	 NULL, NULL, NULL),
	('rust-toolkit', '1.0.0', '^1.80.0', 'published',
	 'Stable release. Inlay type hints, Clippy on save, `cargo test` code lenses.',
	 '2026-02-15 14:10:00', '2026-02-15 14:30:00', '2026-02-15 14:45:00', '2026-02-16 16:39:00', '2026-02-16 16:39:00',
	 NULL, NULL, NULL),
	('rust-toolkit', '1.10.0', '>=1.90.0 <3.0.0', 'published',
	 'Macro expansion view, faster workspace indexing for large Cargo workspaces, proc-macro support.',
	 '2026-07-05 11:29:00', '2026-07-05 11:49:00', '2026-07-05 12:04:00', '2026-07-06 14:12:00', '2026-07-06 14:12:00',
	 NULL, NULL, NULL),
	('rust-toolkit', '2.0.0-beta.1', '>=2.0.0 <3.0.0', 'pending_review',
	 'Beta: rewritten Cargo task runner and crate dependency graph; needs IDE 2.x.',
	 '2026-11-02 11:12:00', '2026-11-02 11:32:00', '2026-11-02 11:47:00', NULL, NULL,
	 NULL, NULL, NULL),
	('go-essentials', '1.2.0', '^1.80.0', 'published',
	 'Initial release on the marketplace.',
	 '2026-01-12 16:06:00', '2026-01-12 16:26:00', '2026-01-12 16:41:00', '2026-01-13 18:52:00', '2026-01-13 18:52:00',
	 NULL, NULL, NULL),
	('go-essentials', '1.3.0', '^1.80.0', 'published',
	 'Generate table-driven tests; organise imports on save.',
	 '2026-03-28 13:16:00', '2026-03-28 13:36:00', '2026-03-28 13:51:00', '2026-03-29 15:26:00', '2026-03-29 15:26:00',
	 NULL, NULL, NULL),
	('go-essentials', '1.4.0', '^1.90.0 || ^2.0.0', 'published',
	 'Go workspaces (go.work) and vulnerability check via govulncheck.',
	 '2026-07-31 13:46:00', '2026-07-31 14:06:00', '2026-07-31 14:21:00', '2026-08-01 16:04:00', '2026-08-01 16:04:00',
	 NULL, NULL, NULL),
	('typescript-plus', '3.0.0', '^1.80.0', 'published',
	 'Ported to the Dev Forge extension API.',
	 '2026-01-20 12:19:00', '2026-01-20 12:39:00', '2026-01-20 12:54:00', '2026-01-21 14:58:00', '2026-01-21 14:58:00',
	 NULL, NULL, NULL),
	('typescript-plus', '3.1.0', '^1.85.0', 'published',
	 'Project-wide type error panel; convert to ES modules refactoring.',
	 '2026-03-21 13:38:00', '2026-03-21 13:58:00', '2026-03-21 14:13:00', '2026-03-22 15:52:00', '2026-03-22 15:52:00',
	 NULL, NULL, NULL),
	('typescript-plus', '3.2.0', '>=1.90.0', 'published',
	 'Sort and group imports, path alias completion from tsconfig.json.',
	 '2026-06-19 14:28:00', '2026-06-19 14:48:00', '2026-06-19 15:03:00', '2026-06-20 16:42:00', '2026-06-20 16:42:00',
	 NULL, NULL, NULL),
	('zig-language', '0.4.0', '^1.80.0', 'published',
	 'Highlighting for Zig 0.13 syntax, zls client.',
	 '2026-02-02 13:16:00', '2026-02-02 13:36:00', '2026-02-02 13:51:00', '2026-02-03 15:30:00', '2026-02-03 15:30:00',
	 NULL, NULL, NULL),
	('zig-language', '0.5.0', '^1.90.0 || ^2.0.0', 'published',
	 'zig build steps as tasks; comptime value hovers.',
	 '2026-06-02 12:43:00', '2026-06-02 13:03:00', '2026-06-02 13:18:00', '2026-06-03 14:53:00', '2026-06-03 14:53:00',
	 NULL, NULL, NULL),
	('elixir-mix', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-10 15:28:00', '2026-02-10 15:48:00', '2026-02-10 16:03:00', '2026-02-11 17:57:00', '2026-02-11 17:57:00',
	 NULL, NULL, NULL),
	('elixir-mix', '1.1.0', '^1.85.0', 'published',
	 'HEEx template highlighting for Phoenix LiveView.',
	 '2026-05-11 14:23:00', '2026-05-11 14:43:00', '2026-05-11 14:58:00', '2026-05-12 16:43:00', '2026-05-12 16:43:00',
	 NULL, NULL, NULL),
	('elixir-mix', '1.1.1', '^1.85.0', 'published',
	 'Fix dialyzer warnings shown twice.',
	 '2026-05-31 13:15:00', '2026-05-31 13:35:00', '2026-05-31 13:50:00', '2026-06-01 15:57:00', '2026-06-01 15:57:00',
	 NULL, NULL, NULL),
	('haskell-ide', '0.8.0', '^1.80.0', 'published',
	 'Initial release.',
	 '2026-03-03 13:46:00', '2026-03-03 14:06:00', '2026-03-03 14:21:00', '2026-03-04 16:13:00', '2026-03-04 16:13:00',
	 NULL, NULL, NULL),
	('haskell-ide', '0.9.0', '>=1.90.0', 'published',
	 'Typed holes with suggested fills; eval comments.',
	 '2026-06-11 16:28:00', '2026-06-11 16:48:00', '2026-06-11 17:03:00', '2026-06-12 18:42:00', '2026-06-12 18:42:00',
	 NULL, NULL, NULL),
	('kotlin-companion', '0.3.0', '^1.80.0', 'published',
	 'Preview release.',
	 '2026-03-16 11:00:00', '2026-03-16 11:20:00', '2026-03-16 11:35:00', '2026-03-17 13:39:00', '2026-03-17 13:39:00',
	 NULL, NULL, NULL),
	('kotlin-companion', '0.4.0', '^1.85.0', 'published',
	 'Gradle sync rewritten; Kotlin multiplatform source sets.',
	 '2026-05-25 13:33:00', '2026-05-25 13:53:00', '2026-05-25 14:08:00', '2026-05-26 15:47:00', '2026-05-26 15:47:00',
	 NULL, NULL, NULL),
	('kotlin-companion', '0.5.0-rc.1', '>=2.0.0 <3.0.0', 'pending_review',
	 'Release candidate: K2 compiler support.',
	 '2026-10-12 12:41:00', '2026-10-12 13:01:00', '2026-10-12 13:16:00', NULL, NULL,
	 NULL, NULL, NULL),
	('midnight-dark', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-01-08 16:16:00', '2026-01-08 16:36:00', '2026-01-08 16:51:00', '2026-01-09 18:45:00', '2026-01-09 18:45:00',
	 NULL, NULL, NULL),
	('midnight-dark', '1.1.0', '^1.80.0', 'published',
	 'Midnight Dark Dimmed variant.',
	 '2026-02-27 14:41:00', '2026-02-27 15:01:00', '2026-02-27 15:16:00', '2026-02-28 17:01:00', '2026-02-28 17:01:00',
	 NULL, NULL, NULL),
	('midnight-dark', '1.2.0', '^1.80.0', 'published',
	 'Semantic token colours for Rust, Go and TypeScript.',
	 '2026-06-17 17:33:00', '2026-06-17 17:53:00', '2026-06-17 18:08:00', '2026-06-18 20:19:00', '2026-06-18 20:19:00',
	 NULL, NULL, NULL),
	('solarized-pro', '2.0.0', '^1.80.0', 'published',
	 'Solarized Light and Solarized Dark.',
	 '2026-02-14 13:31:00', '2026-02-14 13:51:00', '2026-02-14 14:06:00', '2026-02-15 15:46:00', '2026-02-15 15:46:00',
	 NULL, NULL, NULL),
	('solarized-pro', '2.1.0', '^1.85.0', 'published',
	 'Selective highlighting mode: only keywords and strings coloured.',
	 '2026-06-24 13:30:00', '2026-06-24 13:50:00', '2026-06-24 14:05:00', '2026-06-25 15:47:00', '2026-06-25 15:47:00',
	 NULL, NULL, NULL),
	('paper-light', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-04-01 14:09:00', '2026-04-01 14:29:00', '2026-04-01 14:44:00', '2026-04-02 16:38:00', '2026-04-02 16:38:00',
	 NULL, NULL, NULL),
	('pixel-file-icons', '1.0.0', '^1.80.0', 'published',
	 'First release, 300 file types.',
	 '2026-02-20 13:47:00', '2026-02-20 14:07:00', '2026-02-20 14:22:00', '2026-02-21 16:16:00', '2026-02-21 16:16:00',
	 NULL, NULL, NULL),
	('pixel-file-icons', '1.5.0', '^1.80.0', 'published',
	 'Over 400 file types; folder icons for src, tests, docs.',
	 '2026-05-31 14:51:00', '2026-05-31 15:11:00', '2026-05-31 15:26:00', '2026-06-01 17:09:00', '2026-06-01 17:09:00',
	 NULL, NULL, NULL),
	('retro-terminal', '0.1.0', '^2.0.0', 'draft',
	 'Amber and green variants.',
	 '2026-10-30 15:55:00', NULL, NULL, NULL, NULL,
	 NULL, NULL, NULL),
	('node-debug-bridge', '2.0.0', '^1.80.0', 'published',
	 'Debug adapter rewritten on the Chrome DevTools Protocol.',
	 '2026-01-15 12:44:00', '2026-01-15 13:04:00', '2026-01-15 13:19:00', '2026-01-16 14:59:00', '2026-01-16 14:59:00',
	 NULL, NULL, NULL),
	('node-debug-bridge', '2.1.0', '^1.85.0', 'published',
	 'Attach to processes started with --inspect; Deno support.',
	 '2026-04-05 15:44:00', '2026-04-05 16:04:00', '2026-04-05 16:19:00', '2026-04-06 18:01:00', '2026-04-06 18:01:00',
	 NULL, NULL, NULL),
	('node-debug-bridge', '2.2.0', '>=1.90.0', 'published',
	 'Bun support; async stack traces across await.',
	 '2026-07-24 13:44:00', '2026-07-24 14:04:00', '2026-07-24 14:19:00', '2026-07-25 16:06:00', '2026-07-25 16:06:00',
	 NULL, NULL, NULL),
	('native-debug', '1.0.0', '^1.80.0', 'published',
	 'LLDB and GDB back ends.',
	 '2026-02-05 12:09:00', '2026-02-05 12:29:00', '2026-02-05 12:44:00', '2026-02-06 14:38:00', '2026-02-06 14:38:00',
	 NULL, NULL, NULL),
	('native-debug', '1.1.0', '^1.90.0 || ^2.0.0', 'published',
	 'Memory view, register panel, core dump loading.',
	 '2026-06-05 12:20:00', '2026-06-05 12:40:00', '2026-06-05 12:55:00', '2026-06-06 14:40:00', '2026-06-06 14:40:00',
	 NULL, NULL, NULL),
	('xdebug-connector', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-03-10 14:50:00', '2026-03-10 15:10:00', '2026-03-10 15:25:00', '2026-03-11 17:19:00', '2026-03-11 17:19:00',
	 NULL, NULL, NULL),
	('python-lint', '4.0.0', '^1.80.0', 'published',
	 'Rule engine rewritten, ten times faster on large Python projects.',
	 '2026-01-10 13:22:00', '2026-01-10 13:42:00', '2026-01-10 13:57:00', '2026-01-11 15:39:00', '2026-01-11 15:39:00',
	 NULL, NULL, NULL),
	('python-lint', '4.1.0', '^1.85.0', 'published',
	 'Security rules (eval, pickle, subprocess shell=True).',
	 '2026-04-10 12:02:00', '2026-04-10 12:22:00', '2026-04-10 12:37:00', '2026-04-11 14:12:00', '2026-04-11 14:12:00',
	 NULL, NULL, NULL),
	('python-lint', '4.2.0', '>=1.90.0', 'published',
	 'Reads rule configuration from pyproject.toml.',
	 '2026-08-08 12:06:00', '2026-08-08 12:26:00', '2026-08-08 12:41:00', '2026-08-09 14:50:00', '2026-08-09 14:50:00',
	 NULL, NULL, NULL),
	('python-lint', '4.3.0', '>=1.90.0', 'pending_review',
	 'Type-checking hints for Python 3.13 generics.',
	 '2026-11-06 12:50:00', '2026-11-06 13:10:00', '2026-11-06 13:25:00', NULL, NULL,
	 NULL, NULL, NULL),
	('eslint-bridge', '5.0.0', '^1.80.0', 'published',
	 'Flat config (eslint.config.js) support.',
	 '2026-01-18 16:01:00', '2026-01-18 16:21:00', '2026-01-18 16:36:00', '2026-01-19 18:36:00', '2026-01-19 18:36:00',
	 NULL, NULL, NULL),
	('eslint-bridge', '5.1.0', '^1.85.0', 'published',
	 'Fix on save limited to problems introduced in the edit.',
	 '2026-06-07 12:36:00', '2026-06-07 12:56:00', '2026-06-07 13:11:00', '2026-06-08 14:52:00', '2026-06-08 14:52:00',
	 NULL, NULL, NULL),
	('shellcheck-runner', '0.7.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-25 13:53:00', '2026-02-25 14:13:00', '2026-02-25 14:28:00', '2026-02-26 15:57:00', '2026-02-26 15:57:00',
	 NULL, NULL, NULL),
	('shellcheck-runner', '0.8.0', '^1.80.0', 'published',
	 'Quick fixes for quoting problems (SC2086).',
	 '2026-06-15 16:08:00', '2026-06-15 16:28:00', '2026-06-15 16:43:00', '2026-06-16 18:35:00', '2026-06-16 18:35:00',
	 NULL, NULL, NULL),
	('spell-guard', '1.0.0', '^1.80.0', 'published',
	 'English dictionary, camelCase and snake_case splitting.',
	 '2026-03-20 13:08:00', '2026-03-20 13:28:00', '2026-03-20 13:43:00', '2026-03-21 15:37:00', '2026-03-21 15:37:00',
	 NULL, NULL, NULL),
	('spell-guard', '1.1.0', '^1.80.0', 'published',
	 'German, French and Spanish dictionaries.',
	 '2026-06-23 13:13:00', '2026-06-23 13:33:00', '2026-06-23 13:48:00', '2026-06-24 15:33:00', '2026-06-24 15:33:00',
	 NULL, NULL, NULL),
	('prettier-on-save', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-01-22 15:33:00', '2026-01-22 15:53:00', '2026-01-22 16:08:00', '2026-01-23 18:02:00', '2026-01-23 18:02:00',
	 NULL, NULL, NULL),
	('prettier-on-save', '1.1.0', '^1.80.0', 'published',
	 'Respects .prettierignore.',
	 '2026-03-23 15:26:00', '2026-03-23 15:46:00', '2026-03-23 16:01:00', '2026-03-24 17:46:00', '2026-03-24 17:46:00',
	 NULL, NULL, NULL),
	('prettier-on-save', '1.2.0', '^1.85.0', 'published',
	 'Format only modified ranges, for legacy files.',
	 '2026-07-11 14:15:00', '2026-07-11 14:35:00', '2026-07-11 14:50:00', '2026-07-12 17:01:00', '2026-07-12 17:01:00',
	 NULL, NULL, NULL),
	('clang-format-helper', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-12 14:40:00', '2026-02-12 15:00:00', '2026-02-12 15:15:00', '2026-02-13 17:09:00', '2026-02-13 17:09:00',
	 NULL, NULL, NULL),
	('clang-format-helper', '1.1.0', '^1.85.0', 'published',
	 'Live style preview.',
	 '2026-07-02 11:25:00', '2026-07-02 11:45:00', '2026-07-02 12:00:00', '2026-07-03 13:45:00', '2026-07-03 13:45:00',
	 NULL, NULL, NULL),
	('sql-beautifier', '0.9.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-04-06 13:46:00', '2026-04-06 14:06:00', '2026-04-06 14:21:00', '2026-04-07 16:00:00', '2026-04-07 16:00:00',
	 NULL, NULL, NULL),
	('sql-beautifier', '1.0.0', '^1.85.0', 'published',
	 'Dialect detection; window function layout.',
	 '2026-06-25 12:13:00', '2026-06-25 12:33:00', '2026-06-25 12:48:00', '2026-06-26 14:42:00', '2026-06-26 14:42:00',
	 NULL, NULL, NULL),
	('react-snippets', '2.0.0', '^1.80.0', 'published',
	 'Hooks-first snippet set.',
	 '2026-01-25 13:59:00', '2026-01-25 14:19:00', '2026-01-25 14:34:00', '2026-01-26 16:14:00', '2026-01-26 16:14:00',
	 NULL, NULL, NULL),
	('react-snippets', '2.1.0', '^1.80.0', 'published',
	 'Server component snippets.',
	 '2026-05-25 12:49:00', '2026-05-25 13:09:00', '2026-05-25 13:24:00', '2026-05-26 15:06:00', '2026-05-26 15:06:00',
	 NULL, NULL, NULL),
	('html-boilerplate', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-03-05 13:08:00', '2026-03-05 13:28:00', '2026-03-05 13:43:00', '2026-03-06 15:37:00', '2026-03-06 15:37:00',
	 NULL, NULL, NULL),
	('license-headers', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-04-14 16:23:00', '2026-04-14 16:43:00', '2026-04-14 16:58:00', '2026-04-15 18:52:00', '2026-04-15 18:52:00',
	 NULL, NULL, NULL),
	('license-headers', '1.0.1', '^1.80.0', 'published',
	 'Fix comment style for Lua and SQL files.',
	 '2026-05-14 14:40:00', '2026-05-14 15:00:00', '2026-05-14 15:15:00', '2026-05-15 17:24:00', '2026-05-15 17:24:00',
	 NULL, NULL, NULL),
	('git-blame-inline', '2.2.0', '^1.80.0', 'published',
	 'Ported to Dev Forge.',
	 '2026-01-09 15:04:00', '2026-01-09 15:24:00', '2026-01-09 15:39:00', '2026-01-10 17:26:00', '2026-01-10 17:26:00',
	 NULL, NULL, NULL),
	('git-blame-inline', '2.3.0', '^1.85.0', 'published',
	 'Blame annotations for the whole file in the gutter.',
	 '2026-04-19 13:23:00', '2026-04-19 13:43:00', '2026-04-19 13:58:00', '2026-04-20 15:41:00', '2026-04-20 15:41:00',
	 NULL, NULL, NULL),
	('git-blame-inline', '2.3.1', '^1.85.0', 'published',
	 'Faster blame on files with long histories.',
	 '2026-06-08 14:46:00', '2026-06-08 15:06:00', '2026-06-08 15:21:00', '2026-06-09 17:27:00', '2026-06-09 17:27:00',
	 '2026-06-12 17:27:00', 'Crashes on files with no commits yet; use 2.3.0 until 2.3.2.', NULL),
	('git-graph', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-01-28 14:59:00', '2026-01-28 15:19:00', '2026-01-28 15:34:00', '2026-01-29 17:28:00', '2026-01-29 17:28:00',
	 NULL, NULL, NULL),
	('git-graph', '1.1.0', '^1.80.0', 'published',
	 'Cherry-pick and revert from the graph.',
	 '2026-04-08 16:31:00', '2026-04-08 16:51:00', '2026-04-08 17:06:00', '2026-04-09 18:51:00', '2026-04-09 18:51:00',
	 NULL, NULL, NULL),
	('git-graph', '1.2.0', '>=1.90.0', 'published',
	 'Interactive rebase editor.',
	 '2026-07-27 15:49:00', '2026-07-27 16:09:00', '2026-07-27 16:24:00', '2026-07-28 18:35:00', '2026-07-28 18:35:00',
	 NULL, NULL, NULL),
	('merge-conflict-helper', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-03-12 10:40:00', '2026-03-12 11:00:00', '2026-03-12 11:15:00', '2026-03-13 13:09:00', '2026-03-13 13:09:00',
	 NULL, NULL, NULL),
	('merge-conflict-helper', '1.2.0', '^1.85.0', 'published',
	 'Three-way view with the common ancestor.',
	 '2026-08-09 10:12:00', '2026-08-09 10:32:00', '2026-08-09 10:47:00', '2026-08-10 12:58:00', '2026-08-10 12:58:00',
	 NULL, NULL, NULL),
	('mercurial-support', '0.6.0', '^1.80.0', 'published',
	 'Status, diff and commit.',
	 '2026-01-14 17:26:00', '2026-01-14 17:46:00', '2026-01-14 18:01:00', '2026-01-15 20:10:00', '2026-01-15 20:10:00',
	 NULL, NULL, NULL),
	('mercurial-support', '0.7.0', '^1.80.0', 'published',
	 'History view and bookmarks.',
	 '2026-03-15 15:14:00', '2026-03-15 15:34:00', '2026-03-15 15:49:00', '2026-03-16 17:18:00', '2026-03-16 17:18:00',
	 NULL, NULL, NULL),
	('test-explorer', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-01-30 11:22:00', '2026-01-30 11:42:00', '2026-01-30 11:57:00', '2026-01-31 13:51:00', '2026-01-31 13:51:00',
	 NULL, NULL, NULL),
	('test-explorer', '1.1.0', '^1.85.0', 'published',
	 'Run only failed tests; test durations.',
	 '2026-04-30 11:22:00', '2026-04-30 11:42:00', '2026-04-30 11:57:00', '2026-05-01 13:42:00', '2026-05-01 13:42:00',
	 NULL, NULL, NULL),
	('test-explorer', '2.0.0-beta.2', '>=2.0.0 <3.0.0', 'published',
	 'Beta of the 2.x test tree.',
	 '2026-08-08 13:27:00', '2026-08-08 13:47:00', '2026-08-08 14:02:00', '2026-08-09 15:52:00', '2026-08-09 15:52:00',
	 NULL, NULL, NULL),
	('test-explorer', '2.0.0', '>=2.0.0 <3.0.0', 'published',
	 'Test tree grouped by file, suite and tag; adapters API v2.',
	 '2026-09-17 12:27:00', '2026-09-17 12:47:00', '2026-09-17 13:02:00', '2026-09-18 14:42:00', '2026-09-18 14:42:00',
	 NULL, NULL, NULL),
	('pytest-runner', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-18 10:48:00', '2026-02-18 11:08:00', '2026-02-18 11:23:00', '2026-02-19 13:17:00', '2026-02-19 13:17:00',
	 NULL, NULL, NULL),
	('pytest-runner', '1.1.0', '^1.85.0', 'published',
	 'Parametrize ids as separate test items.',
	 '2026-05-29 12:40:00', '2026-05-29 13:00:00', '2026-05-29 13:15:00', '2026-05-30 15:00:00', '2026-05-30 15:00:00',
	 NULL, NULL, NULL),
	('coverage-gutters', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-03-25 14:50:00', '2026-03-25 15:10:00', '2026-03-25 15:25:00', '2026-03-26 17:19:00', '2026-03-26 17:19:00',
	 NULL, NULL, NULL),
	('coverage-gutters', '1.0.1', '^1.80.0', 'published',
	 'Fix relative paths in Cobertura reports.',
	 '2026-04-14 13:16:00', '2026-04-14 13:36:00', '2026-04-14 13:51:00', '2026-04-15 16:00:00', '2026-04-15 16:00:00',
	 NULL, NULL, NULL),
	('jest-companion', '0.9.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-04-10 13:04:00', '2026-04-10 13:24:00', '2026-04-10 13:39:00', '2026-04-11 15:18:00', '2026-04-11 15:18:00',
	 NULL, NULL, NULL),
	('jest-companion', '0.10.0', '^1.85.0', 'published',
	 'Update snapshots from the failure hover.',
	 '2026-07-09 16:02:00', '2026-07-09 16:22:00', '2026-07-09 16:37:00', '2026-07-10 18:20:00', '2026-07-10 18:20:00',
	 NULL, NULL, NULL),
	('notebook-studio', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-08 15:38:00', '2026-02-08 15:58:00', '2026-02-08 16:13:00', '2026-02-09 18:07:00', '2026-02-09 18:07:00',
	 NULL, NULL, NULL),
	('notebook-studio', '1.1.0', '^1.85.0', 'published',
	 'Variable explorer.',
	 '2026-04-29 13:14:00', '2026-04-29 13:34:00', '2026-04-29 13:49:00', '2026-04-30 15:34:00', '2026-04-30 15:34:00',
	 NULL, NULL, NULL),
	('notebook-studio', '1.2.0', '>=1.90.0', 'published',
	 'Remote Jupyter servers.',
	 '2026-08-27 15:45:00', '2026-08-27 16:05:00', '2026-08-27 16:20:00', '2026-08-28 18:31:00', '2026-08-28 18:31:00',
	 NULL, NULL, NULL),
	('csv-table-view', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-03-01 10:28:00', '2026-03-01 10:48:00', '2026-03-01 11:03:00', '2026-03-02 12:57:00', '2026-03-02 12:57:00',
	 NULL, NULL, NULL),
	('csv-table-view', '1.1.0', '^1.80.0', 'published',
	 'Column statistics and filters.',
	 '2026-06-29 13:45:00', '2026-06-29 14:05:00', '2026-06-29 14:20:00', '2026-06-30 16:05:00', '2026-06-30 16:05:00',
	 NULL, NULL, NULL),
	('plot-preview', '0.5.0', '^1.85.0', 'published',
	 'First release.',
	 '2026-04-20 12:13:00', '2026-04-20 12:33:00', '2026-04-20 12:48:00', '2026-04-21 14:23:00', '2026-04-21 14:23:00',
	 NULL, NULL, NULL),
	('sable-complete', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-01-16 12:35:00', '2026-01-16 12:55:00', '2026-01-16 13:10:00', '2026-01-17 15:04:00', '2026-01-17 15:04:00',
	 NULL, NULL, NULL),
	('sable-complete', '1.1.0', '^1.85.0', 'published',
	 'Multi-line completions; latency halved.',
	 '2026-03-27 11:06:00', '2026-03-27 11:26:00', '2026-03-27 11:41:00', '2026-03-28 13:26:00', '2026-03-28 13:26:00',
	 NULL, NULL, NULL),
	('sable-complete', '1.2.0', '>=1.90.0', 'published',
	 'Repository context: completions see related files.',
	 '2026-06-25 13:40:00', '2026-06-25 14:00:00', '2026-06-25 14:15:00', '2026-06-26 16:26:00', '2026-06-26 16:26:00',
	 NULL, NULL, NULL),
	('sable-complete', '1.3.0', '>=2.0.0 <3.0.0', 'pending_review',
	 'Next-edit suggestions.',
	 '2026-11-02 11:45:00', '2026-11-02 12:05:00', '2026-11-02 12:20:00', NULL, NULL,
	 NULL, NULL, NULL),
	('sable-chat', '0.9.0', '^1.85.0', 'published',
	 'Preview release.',
	 '2026-03-02 13:57:00', '2026-03-02 14:17:00', '2026-03-02 14:32:00', '2026-03-03 16:11:00', '2026-03-03 16:11:00',
	 NULL, NULL, NULL),
	('sable-chat', '1.0.0', '^1.85.0', 'published',
	 'Workspace context and slash commands.',
	 '2026-05-31 16:19:00', '2026-05-31 16:39:00', '2026-05-31 16:54:00', '2026-06-01 18:48:00', '2026-06-01 18:48:00',
	 NULL, NULL, NULL),
	('commit-scribe', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-22 13:00:00', '2026-02-22 13:20:00', '2026-02-22 13:35:00', '2026-02-23 15:29:00', '2026-02-23 15:29:00',
	 NULL, NULL, NULL),
	('commit-scribe', '1.1.0', '^1.85.0', 'published',
	 'Learns the style of recent commit messages.',
	 '2026-06-12 12:35:00', '2026-06-12 12:55:00', '2026-06-12 13:10:00', '2026-06-13 14:55:00', '2026-06-13 14:55:00',
	 NULL, NULL, NULL),
	('docstring-writer', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-03-08 14:25:00', '2026-03-08 14:45:00', '2026-03-08 15:00:00', '2026-03-09 16:54:00', '2026-03-09 16:54:00',
	 NULL, NULL, NULL),
	('docstring-writer', '1.1.0', '^1.85.0', 'rejected',
	 'Batch mode for whole files.',
	 '2026-08-05 15:25:00', '2026-08-05 15:45:00', '2026-08-05 16:00:00', '2026-08-06 20:25:00', NULL,
	 NULL, NULL, 'The package bundles config/defaults.json with a live API key. Remove the key, read it from the user settings instead, and resubmit.'),
	('docstring-writer', '1.1.1', '^1.85.0', 'pending_review',
	 'Batch mode for whole files; no bundled credentials.',
	 '2026-08-15 15:57:00', '2026-08-15 16:17:00', '2026-08-15 16:32:00', NULL, NULL,
	 NULL, NULL, NULL),
	('offline-assistant', '0.4.0', '^1.90.0', 'published',
	 'First release.',
	 '2026-05-04 14:07:00', '2026-05-04 14:27:00', '2026-05-04 14:42:00', '2026-05-05 16:21:00', '2026-05-05 16:21:00',
	 NULL, NULL, NULL),
	('offline-assistant', '0.5.0', '>=1.90.0', 'published',
	 'GPU offload; model picker.',
	 '2026-08-02 13:19:00', '2026-08-02 13:39:00', '2026-08-02 13:54:00', '2026-08-03 15:29:00', '2026-08-03 15:29:00',
	 NULL, NULL, NULL),
	('review-buddy', '1.0.0', '>=1.90.0', 'published',
	 'First release.',
	 '2026-06-01 14:18:00', '2026-06-01 14:38:00', '2026-06-01 14:53:00', '2026-06-02 16:47:00', '2026-06-02 16:47:00',
	 NULL, NULL, NULL),
	('regex-explainer', '1.0.0', '^1.85.0', 'published',
	 'First release.',
	 '2026-05-20 11:04:00', '2026-05-20 11:24:00', '2026-05-20 11:39:00', '2026-05-21 13:33:00', '2026-05-21 13:33:00',
	 NULL, NULL, NULL),
	('testgen-ai', '0.1.0', '>=2.0.0 <3.0.0', 'pending_review',
	 'First preview.',
	 '2026-11-07 10:52:00', '2026-11-07 11:12:00', '2026-11-07 11:27:00', NULL, NULL,
	 NULL, NULL, NULL),
	('vim-keymap', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-01-07 13:57:00', '2026-01-07 14:17:00', '2026-01-07 14:32:00', '2026-01-08 16:26:00', '2026-01-08 16:26:00',
	 NULL, NULL, NULL),
	('vim-keymap', '1.5.0', '^1.80.0', 'published',
	 'Macros, marks and registers.',
	 '2026-04-07 13:20:00', '2026-04-07 13:40:00', '2026-04-07 13:55:00', '2026-04-08 15:38:00', '2026-04-08 15:38:00',
	 NULL, NULL, NULL),
	('vim-keymap', '1.6.0', '^1.90.0 || ^2.0.0', 'published',
	 'Surround and commentary plugins built in; .vimrc subset.',
	 '2026-07-26 15:56:00', '2026-07-26 16:16:00', '2026-07-26 16:31:00', '2026-07-27 18:21:00', '2026-07-27 18:21:00',
	 NULL, NULL, NULL),
	('emacs-keybindings', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-16 13:22:00', '2026-02-16 13:42:00', '2026-02-16 13:57:00', '2026-02-17 15:51:00', '2026-02-17 15:51:00',
	 NULL, NULL, NULL),
	('emacs-keybindings', '1.1.0', '^1.85.0', 'published',
	 'Kill ring with yank-pop.',
	 '2026-06-16 13:55:00', '2026-06-16 14:15:00', '2026-06-16 14:30:00', '2026-06-17 16:15:00', '2026-06-17 16:15:00',
	 NULL, NULL, NULL),
	('sublime-keys', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-03-18 12:13:00', '2026-03-18 12:33:00', '2026-03-18 12:48:00', '2026-03-19 14:42:00', '2026-03-19 14:42:00',
	 NULL, NULL, NULL),
	('docker-tools', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-01-11 09:34:00', '2026-01-11 09:54:00', '2026-01-11 10:09:00', '2026-01-12 12:03:00', '2026-01-12 12:03:00',
	 NULL, NULL, NULL),
	('docker-tools', '1.1.0', '^1.80.0', 'published',
	 'Compose file support.',
	 '2026-04-01 11:13:00', '2026-04-01 11:33:00', '2026-04-01 11:48:00', '2026-04-02 13:33:00', '2026-04-02 13:33:00',
	 NULL, NULL, NULL),
	('docker-tools', '1.2.0', '>=1.90.0', 'published',
	 'Attach a shell to a running container; image layer view.',
	 '2026-07-20 10:36:00', '2026-07-20 10:56:00', '2026-07-20 11:11:00', '2026-07-21 13:22:00', '2026-07-21 13:22:00',
	 NULL, NULL, NULL),
	('kubernetes-explorer', '0.8.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-27 15:24:00', '2026-02-27 15:44:00', '2026-02-27 15:59:00', '2026-02-28 17:51:00', '2026-02-28 17:51:00',
	 NULL, NULL, NULL),
	('kubernetes-explorer', '0.9.0', '^1.85.0', 'published',
	 'Helm chart support.',
	 '2026-06-07 14:58:00', '2026-06-07 15:18:00', '2026-06-07 15:33:00', '2026-06-08 17:12:00', '2026-06-08 17:12:00',
	 NULL, NULL, NULL),
	('kubernetes-explorer', '1.0.0', '>=1.90.0', 'published',
	 'Port forwarding and exec into pods.',
	 '2026-10-05 13:02:00', '2026-10-05 13:22:00', '2026-10-05 13:37:00', '2026-10-06 15:31:00', '2026-10-06 15:31:00',
	 NULL, NULL, NULL),
	('markdown-preview-plus', '3.0.0', '^1.80.0', 'published',
	 'First release on Dev Forge.',
	 '2026-01-19 11:50:00', '2026-01-19 12:10:00', '2026-01-19 12:25:00', '2026-01-20 14:29:00', '2026-01-20 14:29:00',
	 NULL, NULL, NULL),
	('markdown-preview-plus', '3.1.0', '^1.85.0', 'published',
	 'Export to PDF.',
	 '2026-05-29 12:26:00', '2026-05-29 12:46:00', '2026-05-29 13:01:00', '2026-05-30 14:40:00', '2026-05-30 14:40:00',
	 NULL, NULL, NULL),
	('rest-client', '1.0.0', '^1.80.0', 'published',
	 'First release.',
	 '2026-02-03 13:03:00', '2026-02-03 13:23:00', '2026-02-03 13:38:00', '2026-02-04 15:32:00', '2026-02-04 15:32:00',
	 NULL, NULL, NULL),
	('rest-client', '1.1.0', '^1.85.0', 'published',
	 'Environments and request chaining.',
	 '2026-06-23 13:33:00', '2026-06-23 13:53:00', '2026-06-23 14:08:00', '2026-06-24 15:53:00', '2026-06-24 15:53:00',
	 NULL, NULL, NULL))
SELECT e.id, v.version, v.changelog, v.engine, v.status, v.uploaded_at,
	v.reject_reason, v.submitted_at, v.reviewed_at, v.published_at, v.yanked_at,
	v.yank_reason, v.created_at
FROM v JOIN extensions e ON e.slug = v.slug;

-- The demo extensions and developers, for the derived rows below.
CREATE TEMPORARY TABLE demo_ext (id BIGINT UNSIGNED PRIMARY KEY)
	SELECT e.id FROM extensions e JOIN users u ON u.id = e.owner_id
	WHERE u.email LIKE '%@demo.devforge.test';

INSERT INTO extension_tags (extension_id, tag)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
SELECT e.id, SUBSTRING_INDEX(SUBSTRING_INDEX(e.tags_text, ' ', n.i), ' ', -1)
FROM extensions e JOIN demo_ext d ON d.id = e.id
JOIN n ON n.i <= 1 + LENGTH(e.tags_text) - LENGTH(REPLACE(e.tags_text, ' ', ''))
WHERE e.tags_text <> '';

-- Reviews; each reviewer gets a download row below, before the review.
INSERT INTO extension_reviews (public_id, extension_id, user_id, rating, title,
	body, created_at, updated_at)
WITH r (public_id, slug, username, rating, title, body, at) AS (VALUES
	('c450e26c-e2f4-4a00-b410-bb1f83cc6f49', 'typescript-plus', 'jonas-weber', 5,
	 'Five stars, no notes', 'Fast, well documented, and the maintainer answered my issue within a day.', '2026-02-08 23:49:19'),
	('594a04b0-6b8b-4788-bb02-03281623d8a0', 'eslint-bridge', 'tkowalski', 1,
	 'Broke my setup', 'After the last update nothing works any more. Had to uninstall.', '2026-02-11 06:44:54'),
	('5135566a-068e-4f31-9cfc-423239fbd2ea', 'notebook-studio', 'jonas-weber', 5,
	 'Five stars, no notes', 'Fast, well documented, and the maintainer answered my issue within a day.', '2026-02-13 05:23:20'),
	('f0b26569-0ac9-462f-b85c-ab75c65906d6', 'midnight-dark', 'felix-lindqvist', 5,
	 'Rock solid', 'Months of daily use and not a single crash. The changelog shows the author cares.', '2026-02-19 16:36:09'),
	('b2217a1b-99a3-4d52-a14a-d88551c65120', 'vim-keymap', 'felix-lindqvist', 5,
	 'Great work', NULL, '2026-02-23 09:48:53'),
	('0d01a822-6b7c-44ce-a765-9aa64ebbdd9f', 'clang-format-helper', 'jonas-weber', 5,
	 'Rock solid', 'Months of daily use and not a single crash. The changelog shows the author cares.', '2026-02-27 03:50:33'),
	('55ba648c-6d09-4f37-acc9-eaafc67cedc1', 'markdown-preview-plus', 'felix-lindqvist', 1,
	 'Broke my setup', 'After the last update nothing works any more. Had to uninstall.', '2026-03-01 23:55:03'),
	('e8cb2a83-3596-49c0-b41a-88faf8826248', 'elixir-mix', 'felix-lindqvist', 4,
	 'Good value', 'Works as advertised. The first setup took a couple of tries.', '2026-03-04 19:03:12'),
	('444ae7db-14e6-4ff1-b58c-eb889b06e746', 'midnight-dark', 'aiko-tanaka', 5,
	 'Indispensable', 'I install Midnight Dark on every machine now. It just works and stays out of the way.', '2026-03-06 23:33:59'),
	('a115deb0-4fba-4ed4-a1b1-e134a0189741', 'prettier-on-save', 'tkowalski', 5,
	 'Saves me time every day', 'Small thing, huge difference. The attention to detail in Prettier on Save is impressive.', '2026-03-09 08:16:40'),
	('ae6c4631-99a5-4677-9cfb-a784b635f82b', 'git-graph', 'diego-alvarez', 5,
	 'Indispensable', 'I install Git Graph on every machine now. It just works and stays out of the way.', '2026-03-22 10:34:27'),
	('4db246bf-10f2-4284-9790-70776966f508', 'merge-conflict-helper', 'raj-patel', 3,
	 'Mixed feelings', 'Useful when it works, but it slows the editor down on large files.', '2026-03-26 09:43:13'),
	('4296b2f0-c995-4052-b921-cb75d633bc4b', 'commit-scribe', 'polyglot-labs', 5,
	 'Best in its class', 'Tried three alternatives before this one. Commit Scribe is faster and the defaults are sensible.', '2026-03-30 13:54:12'),
	('fc630502-2c0e-4b49-a881-ea18059d7524', 'prettier-on-save', 'anna-novak', 4,
	 'Good value', 'Works as advertised. The first setup took a couple of tries.', '2026-04-01 04:23:09'),
	('a82dfdf3-cc77-4e96-9d71-95c3bea22afe', 'rest-client', 'yusuf-demir', 5,
	 'Great work', NULL, '2026-04-06 11:30:07'),
	('8b8cd1ed-9dd9-4efd-b8bc-af680ba93d08', 'react-snippets', 'yusuf-demir', 1,
	 'Does not work', 'Could not get React Snippets to start at all, and no error message to go on.', '2026-04-07 10:12:00'),
	('dd54fc80-b3cd-4d2c-bb62-e419c10024ed', 'docker-tools', 'lena_fischer', 5,
	 'Rock solid', 'Months of daily use and not a single crash. The changelog shows the author cares.', '2026-04-09 22:05:06'),
	('7234e936-2030-4a9d-93c4-fe50e6f90e4f', 'pixel-file-icons', 'wei-zhang', 5,
	 'Five stars, no notes', 'Fast, well documented, and the maintainer answered my issue within a day.', '2026-04-10 00:41:53'),
	('adad75ed-c60a-4cb6-b150-0db88f476015', 'mercurial-support', 'anna-novak', 4,
	 'Almost perfect', 'Mercurial Support is great; one star off for the occasional stale state after switching branches.', '2026-04-12 03:10:13'),
	('f2ae4680-3f66-4493-b27d-0d253cbf355c', 'rust-toolkit', 'wei-zhang', 5,
	 'Exactly what I needed', 'Set it up in two minutes, no configuration needed for our project.', '2026-04-16 17:00:52'),
	('b0d80a76-6486-47d8-a306-ebf231a293d2', 'coverage-gutters', 'hana-kim', 4,
	 'Good value', 'Works as advertised. The first setup took a couple of tries.', '2026-04-16 17:03:32'),
	('3b4271d3-87ea-473e-ae06-0f56ec2b2155', 'spell-guard', 'chloe-martin', 2,
	 'Disappointing', 'The description promises more than the extension delivers right now.', '2026-04-18 21:52:13'),
	('2bc4b964-c1ab-490c-ad4f-89b0c80ce5ac', 'git-graph', 'liam-byrne', 4,
	 'Very good, minor rough edges', 'Does what it says. Settings could be better documented, but nothing blocking.', '2026-04-19 05:40:20'),
	('8bb3d497-9f8e-4625-a9bf-776c52006d28', 'docker-tools', 'felix-lindqvist', 5,
	 'Great work', NULL, '2026-04-19 19:19:10'),
	('962f14ed-2de0-4e7a-a380-1b79bffee24d', 'git-blame-inline', 'marco_rossi', 5,
	 'Best in its class', 'Tried three alternatives before this one. Git Blame Inline is faster and the defaults are sensible.', '2026-04-21 11:53:39'),
	('422e6f03-5143-4eba-8566-b990d4a27f47', 'react-snippets', 'liam-byrne', 5,
	 'Finally', 'Been waiting for something like React Snippets since I switched to Dev Forge.', '2026-04-23 08:31:44'),
	('d0610c71-1d5d-486c-bb57-41afd28256c8', 'git-blame-inline', 'mira-okafor', 5,
	 'Great work', NULL, '2026-04-23 11:01:46'),
	('e2a80111-8d37-49d1-8059-784a0c4a4879', 'typescript-plus', 'nova-studio', 4,
	 'Useful', 'Replaced two other extensions for me. A keyboard shortcut for the main action would be nice.', '2026-04-23 11:33:47'),
	('c33c9839-babc-472d-8c75-d59eab16811d', 'shellcheck-runner', 'wei-zhang', 5,
	 'Saves me time every day', 'Small thing, huge difference. The attention to detail in ShellCheck Runner is impressive.', '2026-04-26 01:46:18'),
	('6c992086-b3a9-4812-936c-09425f0ac6bc', 'go-essentials', 'jonas-weber', 5,
	 NULL, 'Love it. Would pay for it.', '2026-04-26 04:09:20'),
	('816fc097-e9d1-407c-9a00-2edc9fa75342', 'commit-scribe', 'sam-obrien', 4,
	 'Almost perfect', 'Commit Scribe is great; one star off for the occasional stale state after switching branches.', '2026-04-26 11:26:54'),
	('086d7c41-997d-4630-a9f2-ea74231b5295', 'sable-chat', 'priya-raman', 1,
	 'Broke my setup', 'After the last update nothing works any more. Had to uninstall.', '2026-04-27 03:18:04'),
	('a7d54f3d-a5b9-410b-a282-d98bc990aac0', 'typescript-plus', 'yusuf-demir', 2,
	 'Too many rough edges', 'Crashed twice in the first hour. The idea is good but it needs polish.', '2026-04-27 12:11:42'),
	('d9ff8087-5acd-46f3-b27c-77fda9071364', 'prettier-on-save', 'nils-hansen', 5,
	 'Rock solid', 'Months of daily use and not a single crash. The changelog shows the author cares.', '2026-04-27 22:53:46'),
	('d8ecaa27-1b33-453b-907d-5c44cd8ede3a', 'git-graph', 'acme-tools', 5,
	 NULL, 'Love it. Would pay for it.', '2026-04-28 16:01:11'),
	('7847fa80-8d12-45df-ae2b-829daeccb64b', 'eslint-bridge', 'jonas-weber', 5,
	 'Indispensable', 'I install ESLint Bridge on every machine now. It just works and stays out of the way.', '2026-04-28 17:30:54'),
	('18379843-a7f8-4ef2-ab05-c99752f85ced', 'prettier-on-save', 'kofi-mensah', 4,
	 'Very good, minor rough edges', 'Does what it says. Settings could be better documented, but nothing blocking.', '2026-04-30 09:37:01'),
	('c6b78d07-123c-4520-a750-06311f65f424', 'jest-companion', 'kofi-mensah', 3,
	 'Mixed feelings', 'Useful when it works, but it slows the editor down on large files.', '2026-05-02 09:52:32'),
	('5018c8b4-8b88-47dd-9d0b-0f22c1271f5e', 'test-explorer', 'elena-popescu', 5,
	 'Finally', 'Been waiting for something like Test Explorer since I switched to Dev Forge.', '2026-05-02 16:58:25'),
	('69ff8391-ab54-4dc6-b567-2679478814f6', 'vim-keymap', 'emeka-obi', 5,
	 'Best in its class', 'Tried three alternatives before this one. Vim Keymap is faster and the defaults are sensible.', '2026-05-04 21:39:44'),
	('0233236b-a3bd-43b2-8bc9-f1a3488c4ed2', 'pixel-file-icons', 'yusuf-demir', 4,
	 'Very good, minor rough edges', 'Does what it says. Settings could be better documented, but nothing blocking.', '2026-05-05 19:52:09'),
	('9c99ee41-e206-4a59-8182-246fcb2f2062', 'node-debug-bridge', 'elena-popescu', 5,
	 'Great work', NULL, '2026-05-07 19:08:54'),
	('4486914c-3ab2-4747-8a27-aad31f85af99', 'docker-tools', 'marco_rossi', 5,
	 'Saves me time every day', 'Small thing, huge difference. The attention to detail in Docker Tools is impressive.', '2026-05-13 09:54:27'),
	('2a63b84a-8e18-4ccb-9108-aba0af3b8fc6', 'react-snippets', 'wei-zhang', 4,
	 'Very good, minor rough edges', 'Does what it says. Settings could be better documented, but nothing blocking.', '2026-05-14 12:11:24'),
	('8dc87f8c-ff3c-4c95-81e6-cfb954696e5d', 'sublime-keys', 'kofi-mensah', 4,
	 'Almost perfect', 'Sublime Keys is great; one star off for the occasional stale state after switching branches.', '2026-05-18 01:26:31'),
	('906d03dd-bdc3-49da-a067-8ba2bb579eb5', 'react-snippets', 'nils-hansen', 3,
	 'Decent', 'The basics are fine. The advanced features feel unfinished.', '2026-05-19 01:09:52'),
	('92838553-9603-4366-8fa7-73b78be5ef2c', 'notebook-studio', 'oliver-grant', 5,
	 'Finally', 'Been waiting for something like Notebook Studio since I switched to Dev Forge.', '2026-05-21 18:46:28'),
	('3a9f266d-41f3-4422-8c00-92cb57054c7e', 'offline-assistant', 'aiko-tanaka', 5,
	 'Rock solid', 'Months of daily use and not a single crash. The changelog shows the author cares.', '2026-05-23 12:27:26'),
	('ecfb3d0f-9cb2-4fa7-84a6-353c94a2a347', 'eslint-bridge', 'liam-byrne', 4,
	 'Good value', 'Works as advertised. The first setup took a couple of tries.', '2026-05-27 05:51:32'),
	('3b2da5ea-1518-4f42-a99a-3275c0ab7451', 'solarized-pro', 'emeka-obi', 5,
	 NULL, 'Love it. Would pay for it.', '2026-05-28 05:08:55'),
	('52d38a42-e9ef-431f-ae6e-dc06fc7a63a5', 'docstring-writer', 'polyglot-labs', 3,
	 'Average', 'Does the job. Documentation is thin and some settings do nothing visible.', '2026-05-28 06:42:46'),
	('eab440cc-337d-4f79-864e-2fd6996c2b3b', 'spell-guard', 'polyglot-labs', 4,
	 'Solid', 'Works well on our monorepo. Startup is a bit slow on a cold cache.', '2026-05-28 08:22:43'),
	('d067cb11-0f12-494a-882c-f2ce4dceb044', 'docker-tools', 'sofia-costa', 5,
	 'Saves me time every day', 'Small thing, huge difference. The attention to detail in Docker Tools is impressive.', '2026-05-31 03:52:05'),
	('e1152ae0-2a60-42d1-a263-d2aab65bc2e0', 'vim-keymap', 'elena-popescu', 5,
	 'Saves me time every day', 'Small thing, huge difference. The attention to detail in Vim Keymap is impressive.', '2026-06-04 11:23:36'),
	('040447b6-ae32-44c8-a8e0-53eb4d2e3433', 'docker-tools', 'emeka-obi', 5,
	 'Indispensable', 'I install Docker Tools on every machine now. It just works and stays out of the way.', '2026-06-06 07:40:00'),
	('09746048-e954-4200-8afc-399303e5b58d', 'solarized-pro', 'elena-popescu', 4,
	 'Useful', 'Replaced two other extensions for me. A keyboard shortcut for the main action would be nice.', '2026-06-07 01:26:41'),
	('00cb8252-d5cc-47f3-9917-eb727a18b50d', 'docstring-writer', 'noor-haddad', 3,
	 'Average', 'Does the job. Documentation is thin and some settings do nothing visible.', '2026-06-10 03:47:31'),
	('e1e60185-ac9a-4422-b961-88826c0e9b6c', 'python-lint', 'priya-raman', 5,
	 'Best in its class', 'Tried three alternatives before this one. Python Lint is faster and the defaults are sensible.', '2026-06-15 06:22:23'),
	('31fcda51-0dd9-4270-83fc-392c51664bab', 'sable-complete', 'aiko-tanaka', 4,
	 'Solid', 'Works well on our monorepo. Startup is a bit slow on a cold cache.', '2026-06-15 16:56:59'),
	('2509a55e-c4b0-4c02-9e68-87c731bebefa', 'markdown-preview-plus', 'acme-tools', 5,
	 'Finally', 'Been waiting for something like Markdown Preview Plus since I switched to Dev Forge.', '2026-06-18 06:03:14'),
	('a24caa7b-0d54-4498-b038-0d6718532088', 'merge-conflict-helper', 'sam-obrien', 3,
	 'OK but not great', 'Works, but I hit a couple of bugs that needed a restart of the IDE.', '2026-06-23 15:14:11'),
	('146926b0-d884-41a4-8ea6-5b0972c67a4b', 'vim-keymap', 'hana-kim', 3,
	 'Mixed feelings', 'Useful when it works, but it slows the editor down on large files.', '2026-06-23 18:11:16'),
	('dc54d5cf-920a-4201-a592-43b435d289d5', 'midnight-dark', 'hana-kim', 5,
	 'Rock solid', 'Months of daily use and not a single crash. The changelog shows the author cares.', '2026-06-29 03:53:34'),
	('fd7ad794-06a0-4a65-9240-1971b4c6bd70', 'xdebug-connector', 'diego-alvarez', 4,
	 'Recommended', 'Good defaults and a clean UI. I would like a few more configuration options.', '2026-06-29 06:12:09'),
	('94207247-d3d7-4e29-b01c-eef2d2622685', 'node-debug-bridge', 'marco_rossi', 3,
	 'Average', 'Does the job. Documentation is thin and some settings do nothing visible.', '2026-06-30 00:04:00'),
	('5691979d-4f41-4107-8b55-f1984d5edcf7', 'zig-language', 'polyglot-labs', 1,
	 'Broke my setup', 'After the last update nothing works any more. Had to uninstall.', '2026-07-01 17:33:11'),
	('1d5e92d3-9a30-4f38-8f34-c0c78efda6f0', 'git-blame-inline', 'aiko-tanaka', 5,
	 'Best in its class', 'Tried three alternatives before this one. Git Blame Inline is faster and the defaults are sensible.', '2026-07-01 23:46:52'),
	('e8be6fff-3241-4d42-b5c9-1f87382c595b', 'rust-toolkit', 'sam-obrien', 5,
	 NULL, 'Love it. Would pay for it.', '2026-07-03 13:05:43'),
	('0a20a58e-a731-4f51-af10-dd72bc96b73b', 'merge-conflict-helper', 'emeka-obi', 3,
	 'Average', 'Does the job. Documentation is thin and some settings do nothing visible.', '2026-07-06 01:00:08'),
	('32dc555e-389a-4124-8552-96b1068a75b9', 'sable-chat', 'felix-lindqvist', 5,
	 'Five stars, no notes', 'Fast, well documented, and the maintainer answered my issue within a day.', '2026-07-08 09:09:54'),
	('3d6be17a-cb33-4e83-bb31-4d3f3ca5b438', 'csv-table-view', 'emeka-obi', 5,
	 'Best in its class', 'Tried three alternatives before this one. CSV Table View is faster and the defaults are sensible.', '2026-07-14 13:01:55'),
	('84e12d7b-b131-4c41-90dd-049535dafb48', 'go-essentials', 'hana-kim', 5,
	 'Finally', 'Been waiting for something like Go Essentials since I switched to Dev Forge.', '2026-07-15 12:31:58'),
	('ca4b51c8-0f34-459b-8fb5-c9229682633a', 'coverage-gutters', 'aiko-tanaka', 3,
	 'OK but not great', 'Works, but I hit a couple of bugs that needed a restart of the IDE.', '2026-07-17 19:41:06'),
	('d75daeb3-a986-415f-b0f4-8b054ecb606f', 'pytest-runner', 'sam-obrien', 5,
	 'Five stars, no notes', 'Fast, well documented, and the maintainer answered my issue within a day.', '2026-07-19 05:07:42'),
	('8974e4bf-e244-4ee3-8fb6-f4b2f14076f9', 'python-lint', 'emeka-obi', 5,
	 NULL, 'Love it. Would pay for it.', '2026-07-23 12:15:54'),
	('7158b740-f35b-44d2-bab6-ec872f5351db', 'prettier-on-save', 'mira-okafor', 5,
	 'Best in its class', 'Tried three alternatives before this one. Prettier on Save is faster and the defaults are sensible.', '2026-08-02 22:46:21'),
	('10d54587-0c21-4c76-ae03-e432cb4d1a41', 'test-explorer', 'priya-raman', 4,
	 'Solid', 'Works well on our monorepo. Startup is a bit slow on a cold cache.', '2026-08-06 00:08:40'),
	('0a1e02cb-0ce7-4fa5-bfeb-c9d645dfc9cc', 'markdown-preview-plus', 'priya-raman', 4,
	 'Useful', 'Replaced two other extensions for me. A keyboard shortcut for the main action would be nice.', '2026-08-06 07:25:36'),
	('f1d9fdef-d7a1-4d13-b100-9c1888773a7b', 'vim-keymap', 'liam-byrne', 4,
	 'Solid', 'Works well on our monorepo. Startup is a bit slow on a cold cache.', '2026-08-07 23:45:51'),
	('723de43d-94cb-44bf-968b-f9e9d7fe957f', 'rust-toolkit', 'lena_fischer', 5,
	 'Indispensable', 'I install Rust Toolkit on every machine now. It just works and stays out of the way.', '2026-08-13 04:39:42'),
	('979eed28-bf71-45ec-add8-5c33f56b5021', 'csv-table-view', 'wei-zhang', 5,
	 'Five stars, no notes', 'Fast, well documented, and the maintainer answered my issue within a day.', '2026-08-21 05:18:57'),
	('1dc86639-4572-4db1-830e-d7411bca398d', 'docstring-writer', 'diego-alvarez', 5,
	 NULL, 'Love it. Would pay for it.', '2026-08-21 22:19:34'),
	('81ed2faa-ba6d-4707-beef-c8daad2cd500', 'kotlin-companion', 'nils-hansen', 2,
	 'Too many rough edges', 'Crashed twice in the first hour. The idea is good but it needs polish.', '2026-08-22 17:36:15'),
	('28453648-6bbc-4c1c-ae59-7f8c70702609', 'sql-beautifier', 'nils-hansen', 4,
	 'Very good, minor rough edges', 'Does what it says. Settings could be better documented, but nothing blocking.', '2026-08-23 07:19:06'),
	('b8d2e77b-9349-455d-a044-f09db01aa379', 'notebook-studio', 'felix-lindqvist', 4,
	 'Solid', 'Works well on our monorepo. Startup is a bit slow on a cold cache.', '2026-08-23 13:05:45'),
	('201410ed-cac3-4f8e-b8ad-fc8154df1476', 'node-debug-bridge', 'anna-novak', 2,
	 'Disappointing', 'The description promises more than the extension delivers right now.', '2026-08-30 10:06:20'),
	('64519626-4b3a-4e38-b58f-d2913bfef9fd', 'test-explorer', 'noor-haddad', 5,
	 'Great work', NULL, '2026-09-01 01:00:57'),
	('62b76770-aa35-4bf6-a496-e7394abd1b1c', 'rest-client', 'sam-obrien', 5,
	 'Saves me time every day', 'Small thing, huge difference. The attention to detail in REST Client is impressive.', '2026-09-01 10:24:22'),
	('5d3f83cf-535b-446a-8b31-f7094143c31f', 'elixir-mix', 'tkowalski', 4,
	 NULL, 'Nice extension, does the job.', '2026-09-09 11:21:10'),
	('f0b96086-203c-421c-90d6-6d241167ae31', 'python-lint', 'acme-tools', 5,
	 'Finally', 'Been waiting for something like Python Lint since I switched to Dev Forge.', '2026-09-09 20:50:31'),
	('70a25ab9-9417-4a97-b69d-9a10e5e5efd0', 'sable-chat', 'oliver-grant', 4,
	 'Good value', 'Works as advertised. The first setup took a couple of tries.', '2026-09-12 21:00:19'),
	('dbebf4e3-acd4-4b4e-a17a-9349cb2e471d', 'typescript-plus', 'felix-lindqvist', 4,
	 'Recommended', 'Good defaults and a clean UI. I would like a few more configuration options.', '2026-09-16 03:10:28'),
	('ec911fd0-7aae-4310-8893-b20854af6816', 'native-debug', 'mira-okafor', 5,
	 'Saves me time every day', 'Small thing, huge difference. The attention to detail in Native Debug is impressive.', '2026-09-19 18:40:45'),
	('6c15daf2-73ae-4ff9-944e-a59a8869d3e8', 'notebook-studio', 'elena-popescu', 5,
	 'Best in its class', 'Tried three alternatives before this one. Notebook Studio is faster and the defaults are sensible.', '2026-09-20 00:37:59'),
	('222bbf47-7441-447d-9c17-b2dd29c9fc52', 'clang-format-helper', 'elena-popescu', 5,
	 'Great work', NULL, '2026-09-21 08:53:43'),
	('da3667db-13ff-4f28-ad00-6feaa9c765ac', 'sable-complete', 'elena-popescu', 5,
	 'Best in its class', 'Tried three alternatives before this one. Sable Complete is faster and the defaults are sensible.', '2026-09-21 17:26:58'),
	('e134151e-79d1-443a-b671-7638032c65e0', 'python-lint', 'sam-obrien', 5,
	 'Indispensable', 'I install Python Lint on every machine now. It just works and stays out of the way.', '2026-09-23 21:19:56'),
	('544137af-2c7c-4382-b3f2-d35a137dea16', 'emacs-keybindings', 'nils-hansen', 3,
	 'Decent', 'The basics are fine. The advanced features feel unfinished.', '2026-09-29 05:45:58'),
	('48e1d505-b6ad-4316-a1df-f80292b59d9a', 'csv-table-view', 'noor-haddad', 4,
	 'Recommended', 'Good defaults and a clean UI. I would like a few more configuration options.', '2026-10-01 16:21:48'),
	('e35b0e3d-f1b4-43cc-9056-c9106c0db787', 'midnight-dark', 'nils-hansen', 5,
	 'Indispensable', 'I install Midnight Dark on every machine now. It just works and stays out of the way.', '2026-10-04 00:21:40'),
	('75e4cff8-d170-4d47-b605-c8a10b90e187', 'spell-guard', 'kofi-mensah', 5,
	 NULL, 'Love it. Would pay for it.', '2026-10-06 16:00:55'),
	('cfc9df01-b2de-45b1-bb59-e08bd5c1c955', 'node-debug-bridge', 'kestrel-software', 3,
	 'OK but not great', 'Works, but I hit a couple of bugs that needed a restart of the IDE.', '2026-10-09 05:42:04'),
	('c2165507-2cc6-4220-93dd-8960f55757da', 'kubernetes-explorer', 'jonas-weber', 4,
	 'Useful', 'Replaced two other extensions for me. A keyboard shortcut for the main action would be nice.', '2026-10-09 17:18:09'),
	('9ed48e1a-30d1-45f1-b1e6-c33e66403cc9', 'vim-keymap', 'raj-patel', 4,
	 'Useful', 'Replaced two other extensions for me. A keyboard shortcut for the main action would be nice.', '2026-10-18 22:59:29'),
	('a2c9208a-87bb-46f5-897b-df51d831253b', 'kotlin-companion', 'priya-raman', 1,
	 'Does not work', 'Could not get Kotlin Companion to start at all, and no error message to go on.', '2026-10-21 03:07:26'),
	('f84f7205-f446-4fab-8620-d1d91f1488c3', 'rust-toolkit', 'yusuf-demir', 4,
	 'Useful', 'Replaced two other extensions for me. A keyboard shortcut for the main action would be nice.', '2026-10-22 00:58:47'),
	('c002e1b0-98ec-49ad-8251-3f71512034cf', 'git-blame-inline', 'jonas-weber', 3,
	 'Mixed feelings', 'Useful when it works, but it slows the editor down on large files.', '2026-10-24 21:19:10'),
	('d39e5b77-3198-4262-ba36-9fb9aded4c12', 'rust-toolkit', 'jonas-weber', 5,
	 'Exactly what I needed', 'Set it up in two minutes, no configuration needed for our project.', '2026-10-30 08:55:38'),
	('742643e6-394a-4a55-a9d3-4a7306b63c4b', 'pytest-runner', 'felix-lindqvist', 4,
	 'Solid', 'Works well on our monorepo. Startup is a bit slow on a cold cache.', '2026-10-30 20:33:28'),
	('252c0211-8e17-4565-8857-a05ed4f616a4', 'regex-explainer', 'oliver-grant', 5,
	 NULL, 'Love it. Would pay for it.', '2026-10-31 12:06:32'),
	('72a1ca73-3b8b-48de-9eb7-b9aa2ab6d7a4', 'midnight-dark', 'ingrid-berg', 5,
	 'Indispensable', 'I install Midnight Dark on every machine now. It just works and stays out of the way.', '2026-11-01 06:58:11'),
	('67c5cd70-0ecc-4166-8c00-6e179d34854d', 'sublime-keys', 'mira-okafor', 4,
	 NULL, 'Nice extension, does the job.', '2026-11-02 04:34:39'),
	('6a438e95-3bbc-409c-84d9-9879c41db2cd', 'go-essentials', 'kofi-mensah', 4,
	 'Recommended', 'Good defaults and a clean UI. I would like a few more configuration options.', '2026-11-12 08:53:45'))
SELECT r.public_id, e.id, u.id, r.rating, r.title, r.body, r.at, r.at
FROM r JOIN extensions e ON e.slug = r.slug JOIN users u ON u.username = r.username;

-- A reviewer downloaded two days before reviewing: the newest version
-- published by then and not yet yanked.
INSERT INTO extension_downloads (extension_id, version_id, user_id, at)
SELECT r.extension_id,
	(SELECT v.id FROM extension_versions v
	 WHERE v.extension_id = r.extension_id AND v.status = 'published'
	   AND v.published_at <= r.created_at - INTERVAL 2 DAY
	   AND (v.yanked_at IS NULL OR v.yanked_at > r.created_at - INTERVAL 2 DAY)
	 ORDER BY v.published_at DESC LIMIT 1),
	r.user_id, r.created_at - INTERVAL 2 DAY
FROM extension_reviews r JOIN demo_ext d ON d.id = r.extension_id;

-- Published versions with the window in which each could be downloaded.
CREATE TEMPORARY TABLE demo_pv
	SELECT v.id, v.extension_id, v.published_at,
		COALESCE(v.yanked_at, '2026-11-20 00:00:00') AS until,
		ROW_NUMBER() OVER (PARTITION BY v.extension_id
			ORDER BY v.published_at DESC) AS rn,
		COUNT(*) OVER (PARTITION BY v.extension_id) AS cnt
	FROM extension_versions v JOIN demo_ext d ON d.id = v.extension_id
	WHERE v.status = 'published';

-- Users who downloaded without reviewing: a fixed pseudo-random fifth of
-- the (user, extension) pairs, taking the newest non-yanked version.
INSERT INTO extension_downloads (extension_id, version_id, user_id, at)
SELECT e.id, pv.id, u.id,
	pv.published_at + INTERVAL (CRC32(CONCAT(u.username, '/', e.slug))
		MOD GREATEST(1, TIMESTAMPDIFF(HOUR, pv.published_at, pv.until))) HOUR
FROM users u
JOIN extensions e ON e.status IN ('published', 'archived')
JOIN demo_ext d ON d.id = e.id
JOIN demo_pv pv ON pv.extension_id = e.id AND pv.rn = (
	SELECT MIN(p2.rn) FROM demo_pv p2 JOIN extension_versions v2 ON v2.id = p2.id
	WHERE p2.extension_id = e.id AND v2.yanked_at IS NULL)
WHERE u.email LIKE '%@demo.devforge.test' AND u.role = 'user'
	AND CRC32(CONCAT(u.username, '/', e.slug)) MOD 5 = 0
	AND NOT EXISTS (SELECT 1 FROM extension_reviews r
		WHERE r.extension_id = e.id AND r.user_id = u.id);

-- Anonymous downloads: how popular each extension is. Two in three go
-- to the newest published version, the rest spread over all of them.
INSERT INTO extension_downloads (extension_id, version_id, user_id, at)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400),
pop (slug, anon) AS (VALUES
	('rust-toolkit', 390),
	('go-essentials', 260),
	('typescript-plus', 240),
	('zig-language', 70),
	('elixir-mix', 95),
	('haskell-ide', 45),
	('kotlin-companion', 120),
	('midnight-dark', 340),
	('solarized-pro', 110),
	('paper-light', 60),
	('pixel-file-icons', 180),
	('node-debug-bridge', 210),
	('native-debug', 150),
	('xdebug-connector', 55),
	('python-lint', 320),
	('eslint-bridge', 280),
	('shellcheck-runner', 130),
	('spell-guard', 160),
	('prettier-on-save', 300),
	('clang-format-helper', 90),
	('sql-beautifier', 75),
	('react-snippets', 230),
	('html-boilerplate', 85),
	('license-headers', 35),
	('git-blame-inline', 360),
	('git-graph', 270),
	('merge-conflict-helper', 140),
	('mercurial-support', 25),
	('test-explorer', 250),
	('pytest-runner', 170),
	('coverage-gutters', 100),
	('jest-companion', 120),
	('notebook-studio', 230),
	('csv-table-view', 190),
	('plot-preview', 40),
	('sable-complete', 210),
	('sable-chat', 150),
	('commit-scribe', 200),
	('docstring-writer', 130),
	('offline-assistant', 160),
	('review-buddy', 65),
	('regex-explainer', 90),
	('vim-keymap', 370),
	('emacs-keybindings', 80),
	('sublime-keys', 60),
	('docker-tools', 310),
	('kubernetes-explorer', 140),
	('markdown-preview-plus', 290),
	('rest-client', 220))
SELECT e.id, pv.id, NULL,
	pv.published_at + INTERVAL ((n.i * 7919 + CRC32(e.slug))
		MOD GREATEST(1, TIMESTAMPDIFF(MINUTE, pv.published_at, pv.until))) MINUTE
FROM pop JOIN extensions e ON e.slug = pop.slug
JOIN n ON n.i <= pop.anon
JOIN demo_pv pv ON pv.extension_id = e.id AND pv.rn = CASE
	WHEN n.i MOD 3 <> 0 THEN 1 ELSE 1 + (n.i DIV 3) MOD pv.cnt END;

-- The counters, from the rows above.
UPDATE extension_versions v JOIN demo_ext d ON d.id = v.extension_id
LEFT JOIN (SELECT version_id, COUNT(*) AS n FROM extension_downloads
	GROUP BY version_id) c ON c.version_id = v.id
SET v.downloads = COALESCE(c.n, 0);

UPDATE extensions e JOIN demo_ext d ON d.id = e.id
LEFT JOIN (SELECT extension_id, COUNT(*) AS n FROM extension_downloads
	GROUP BY extension_id) c ON c.extension_id = e.id
LEFT JOIN (SELECT extension_id, SUM(rating) AS s, COUNT(*) AS n
	FROM extension_reviews GROUP BY extension_id) r ON r.extension_id = e.id
SET e.downloads = COALESCE(c.n, 0),
	e.rating_sum = COALESCE(r.s, 0),
	e.rating_count = COALESCE(r.n, 0),
	e.rating_avg = COALESCE(ROUND(r.s / r.n, 2), 0);

-- The owners' statistics (extension_download_days), derived from the
-- rows above as migration 0005 derives them: anonymous rows carry no
-- address, so each counts as its own unique client.
INSERT INTO extension_download_days (version_id, day, total, uniq)
SELECT dl.version_id, DATE(dl.at), COUNT(*),
	COUNT(DISTINCT dl.user_id) + SUM(dl.user_id IS NULL)
FROM extension_downloads dl JOIN demo_ext d ON d.id = dl.extension_id
GROUP BY dl.version_id, DATE(dl.at)
ON DUPLICATE KEY UPDATE total = VALUES(total), uniq = VALUES(uniq);

DROP TEMPORARY TABLE demo_pv;
DROP TEMPORARY TABLE demo_ext;
END IF;
END;;
DELIMITER ;

COMMIT;
