-- Demo forum for the development stack (DF_SEED=1): eight threads by
-- the demo users in the five categories, four of them solved with an
-- accepted answer that really answers the question (the assistant
-- quotes them), one pinned welcome thread, one without a reply, and a
-- few votes. Fixed public ids; INSERT IGNORE on them, and the counts
-- recomputed from the rows: a second run changes nothing. Bodies are
-- plain text, so body_text is the body; body_hash is SHA-256 of the
-- body with white space collapsed, as the API computes it.

-- 1. Extension settings reset every time I restart the editor
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000001', c.id, u.id,
	'Extension settings reset every time I restart the editor',
	'I change the options of the Prettier Plus extension, they work for the session, and after a restart of Dev Forge everything is back to the defaults. Reinstalling the extension did not help. Am I doing something wrong?',
	'settings extensions', 0, '2026-11-03 09:14:00', '2026-11-03 09:14:00', '2026-11-03 09:14:00'
FROM forum_categories c, users u WHERE c.slug = 'extensions' AND u.username = 'priya-raman';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'settings' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000001';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'extensions' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000001';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000001000001', t.id, u.id, 1,
	'I change the options of the Prettier Plus extension, they work for the session, and after a restart of Dev Forge everything is back to the defaults. Reinstalling the extension did not help. Am I doing something wrong?',
	'', '', '2026-11-03 09:14:00', '2026-11-03 09:14:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000001' AND u.username = 'priya-raman';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000001000002', t.id, u.id, 0,
	'Check which scope you are saving to. Open Settings and look at the selector at the top: Workspace or User. Workspace settings are written to .devforge/settings.json inside the project folder. If that folder is read-only (a network share, a synced folder that locks its files) the save fails silently and the old values come back at the next start. Switch the selector to User and set the options again: user settings live in your profile and survive restarts. If you want them per project, make the project folder writable.',
	'', '', '2026-11-03 09:54:00', '2026-11-03 09:54:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000001' AND u.username = 'jonas-weber';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000001000003', t.id, u.id, 0,
	'That was it, the project sits on a read-only share. Saving at User scope works. Thanks!',
	'', '', '2026-11-03 10:29:00', '2026-11-03 10:29:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000001' AND u.username = 'priya-raman';
UPDATE forum_threads t JOIN forum_posts p ON p.public_id = 'f0a10000-0000-4000-8000-000001000002'
SET t.accepted_post_id = p.id WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000001';
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000001' AND u.username = 'jonas-weber' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000001' AND u.username = 'hana-kim' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000001' AND u.username = 'aiko-tanaka' AND u.id <> t.author_id;

-- 2. Can I move my licence from my old laptop to a new one?
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000002', c.id, u.id,
	'Can I move my licence from my old laptop to a new one?',
	'I bought a Pro licence last year and activated it on my old laptop. I now have a new laptop and activation says the licence has no free machine left. Do I have to buy a second licence?',
	'licence activation', 0, '2026-11-05 14:02:00', '2026-11-05 14:02:00', '2026-11-05 14:02:00'
FROM forum_categories c, users u WHERE c.slug = 'licensing' AND u.username = 'tkowalski';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'licence' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000002';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'activation' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000002';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000002000001', t.id, u.id, 1,
	'I bought a Pro licence last year and activated it on my old laptop. I now have a new laptop and activation says the licence has no free machine left. Do I have to buy a second licence?',
	'', '', '2026-11-05 14:02:00', '2026-11-05 14:02:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000002' AND u.username = 'tkowalski';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000002000002', t.id, u.id, 0,
	'No, you can move it yourself. Sign in on the website, open Account, then Licences, pick the licence and press Deactivate next to the old machine. That frees its seat at once. Then start Dev Forge on the new laptop, sign in and activate again. You do not need the old laptop for this: deactivating from the website works even if the old machine is broken or gone.',
	'', '', '2026-11-05 14:27:00', '2026-11-05 14:27:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000002' AND u.username = 'support-desk';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000002000003', t.id, u.id, 0,
	'Done in two minutes, the new laptop is activated. Thank you.',
	'', '', '2026-11-05 14:52:00', '2026-11-05 14:52:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000002' AND u.username = 'tkowalski';
UPDATE forum_threads t JOIN forum_posts p ON p.public_id = 'f0a10000-0000-4000-8000-000002000002'
SET t.accepted_post_id = p.id WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000002';
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000002' AND u.username = 'tkowalski' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000002' AND u.username = 'diego-alvarez' AND u.id <> t.author_id;

-- 3. Editor freezes when opening a very large JSON file
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000003', c.id, u.id,
	'Editor freezes when opening a very large JSON file',
	'Opening a 150 MB JSON log export makes the editor hang for minutes and sometimes the window stops responding. Smaller files are fine. Is there a limit?',
	'performance json', 0, '2026-11-08 11:30:00', '2026-11-08 11:30:00', '2026-11-08 11:30:00'
FROM forum_categories c, users u WHERE c.slug = 'bugs' AND u.username = 'diego-alvarez';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'performance' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000003';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'json' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000003';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000003000001', t.id, u.id, 1,
	'Opening a 150 MB JSON log export makes the editor hang for minutes and sometimes the window stops responding. Smaller files are fine. Is there a limit?',
	'', '', '2026-11-08 11:30:00', '2026-11-08 11:30:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'diego-alvarez';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000003000002', t.id, u.id, 0,
	'Same here with big CSV files.',
	'', '', '2026-11-08 12:00:00', '2026-11-08 12:00:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'wei-zhang';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000003000003', t.id, u.id, 0,
	'Large files are opened in full with highlighting, folding and schema validation unless they are above the large file threshold. Set editor.largeFileThresholdMB in your user settings to something like 20: files above it open as plain text without folding or validation, and a 150 MB file then opens in a few seconds. For a one-off, use File, Open as plain text. If it still hangs, turn off JSON schema validation for that file type, it is the slowest part on huge documents.',
	'', '', '2026-11-08 13:00:00', '2026-11-08 13:00:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'hana-kim';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000003000004', t.id, u.id, 0,
	'Setting the threshold to 20 fixed it, the file opens in about three seconds now.',
	'', '', '2026-11-08 13:40:00', '2026-11-08 13:40:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'diego-alvarez';
UPDATE forum_threads t JOIN forum_posts p ON p.public_id = 'f0a10000-0000-4000-8000-000003000003'
SET t.accepted_post_id = p.id WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003';
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'diego-alvarez' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'wei-zhang' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'emeka-obi' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000003' AND u.username = 'sofia-costa' AND u.id <> t.author_id;

-- 4. How do I take my settings and keybindings to another computer?
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000004', c.id, u.id,
	'How do I take my settings and keybindings to another computer?',
	'I work on a desktop at the office and a laptop at home. Is there a way to have the same settings, keyboard shortcuts and extensions on both without copying files around every week?',
	'settings sync', 0, '2026-11-10 08:45:00', '2026-11-10 08:45:00', '2026-11-10 08:45:00'
FROM forum_categories c, users u WHERE c.slug = 'general' AND u.username = 'aiko-tanaka';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'settings' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000004';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'sync' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000004';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000004000001', t.id, u.id, 1,
	'I work on a desktop at the office and a laptop at home. Is there a way to have the same settings, keyboard shortcuts and extensions on both without copying files around every week?',
	'', '', '2026-11-10 08:45:00', '2026-11-10 08:45:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000004' AND u.username = 'aiko-tanaka';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000004000002', t.id, u.id, 0,
	'Turn on Settings Sync: File, Preferences, Turn on Settings Sync, sign in with your Dev Forge account and tick Settings, Keybindings and Extensions. Do the same on the second computer with the same account and it pulls everything down; later changes on either machine follow automatically. Without sync you can copy settings.json and keybindings.json from the user configuration folder: ~/.config/devforge/User on Linux, %APPDATA%\\DevForge\\User on Windows and ~/Library/Application Support/DevForge/User on macOS.',
	'', '', '2026-11-10 09:20:00', '2026-11-10 09:20:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000004' AND u.username = 'felix-lindqvist';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000004000003', t.id, u.id, 0,
	'Settings Sync is exactly what I needed.',
	'', '', '2026-11-10 09:45:00', '2026-11-10 09:45:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000004' AND u.username = 'aiko-tanaka';
UPDATE forum_threads t JOIN forum_posts p ON p.public_id = 'f0a10000-0000-4000-8000-000004000002'
SET t.accepted_post_id = p.id WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000004';
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000004' AND u.username = 'aiko-tanaka' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000004' AND u.username = 'liam-byrne' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000004' AND u.username = 'kofi-mensah' AND u.id <> t.author_id;

-- 5. A dark theme for the marketplace website
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000005', c.id, u.id,
	'A dark theme for the marketplace website',
	'The editor has a great dark theme but the marketplace website is bright white. Could it follow the system colour scheme?',
	'marketplace theme', 0, '2026-11-12 19:20:00', '2026-11-12 19:20:00', '2026-11-12 19:20:00'
FROM forum_categories c, users u WHERE c.slug = 'ideas' AND u.username = 'sam-obrien';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'marketplace' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000005';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'theme' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000005';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000005000001', t.id, u.id, 1,
	'The editor has a great dark theme but the marketplace website is bright white. Could it follow the system colour scheme?',
	'', '', '2026-11-12 19:20:00', '2026-11-12 19:20:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'sam-obrien';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000005000002', t.id, u.id, 0,
	'Yes please, browsing extensions at night is painful.',
	'', '', '2026-11-12 20:20:00', '2026-11-12 20:20:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'chloe-martin';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000005000003', t.id, u.id, 0,
	'Plus one, ideally with a toggle on the page as well.',
	'', '', '2026-11-12 22:40:00', '2026-11-12 22:40:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'ingrid-berg';
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'chloe-martin' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'ingrid-berg' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'yusuf-demir' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'oliver-grant' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000005' AND u.username = 'anna-novak' AND u.id <> t.author_id;

-- 6. How long does the review of a new extension take?
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000006', c.id, u.id,
	'How long does the review of a new extension take?',
	'I submitted my first extension three days ago and it still says in review. Is that normal, and is there anything I can do to speed it up?',
	'publishing review', 0, '2026-11-15 10:05:00', '2026-11-15 10:05:00', '2026-11-15 10:05:00'
FROM forum_categories c, users u WHERE c.slug = 'extensions' AND u.username = 'noor-haddad';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'publishing' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000006';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'review' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000006';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000006000001', t.id, u.id, 1,
	'I submitted my first extension three days ago and it still says in review. Is that normal, and is there anything I can do to speed it up?',
	'', '', '2026-11-15 10:05:00', '2026-11-15 10:05:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000006' AND u.username = 'noor-haddad';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000006000002', t.id, u.id, 0,
	'Mine took about four working days last month. I do not think you can speed it up.',
	'', '', '2026-11-15 13:05:00', '2026-11-15 13:05:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000006' AND u.username = 'raj-patel';
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000006' AND u.username = 'noor-haddad' AND u.id <> t.author_id;

-- 7. Welcome to the Dev Forge community forum
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000007', c.id, u.id,
	'Welcome to the Dev Forge community forum',
	'Welcome! Ask questions, share tips and report problems here. Search first: many questions already have an accepted answer. Be kind, stay on topic, and flag posts that break the rules so moderators can look at them.',
	'welcome', 1, '2026-11-01 09:30:00', '2026-11-01 09:30:00', '2026-11-01 09:30:00'
FROM forum_categories c, users u WHERE c.slug = 'general' AND u.username = 'support-desk';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'welcome' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000007';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000007000001', t.id, u.id, 1,
	'Welcome! Ask questions, share tips and report problems here. Search first: many questions already have an accepted answer. Be kind, stay on topic, and flag posts that break the rules so moderators can look at them.',
	'', '', '2026-11-01 09:30:00', '2026-11-01 09:30:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000007' AND u.username = 'support-desk';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000007000002', t.id, u.id, 0,
	'Hello everyone, glad this exists.',
	'', '', '2026-11-01 11:30:00', '2026-11-01 11:30:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000007' AND u.username = 'elena-popescu';
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000007' AND u.username = 'elena-popescu' AND u.id <> t.author_id;
INSERT IGNORE INTO forum_votes (thread_id, user_id, value, created_at, updated_at)
SELECT t.id, u.id, 1, t.created_at, t.created_at FROM forum_threads t, users u
WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000007' AND u.username = 'mira-okafor' AND u.id <> t.author_id;

-- 8. Crash on startup after the December update on Linux
INSERT IGNORE INTO forum_threads (public_id, category_id, author_id,
	title, body_text, tags, pinned, last_post_at, created_at, updated_at)
SELECT 'f0a00000-0000-4000-8000-000000000008', c.id, u.id,
	'Crash on startup after the December update on Linux',
	'Since the update Dev Forge closes right after the splash screen on Ubuntu 24.04 with Wayland. Starting it from a terminal prints nothing useful. Anyone else?',
	'crash linux', 0, '2026-11-28 21:40:00', '2026-11-28 21:40:00', '2026-11-28 21:40:00'
FROM forum_categories c, users u WHERE c.slug = 'bugs' AND u.username = 'mira-okafor';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'crash' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000008';
INSERT IGNORE INTO forum_thread_tags (thread_id, tag)
SELECT id, 'linux' FROM forum_threads WHERE public_id = 'f0a00000-0000-4000-8000-000000000008';
INSERT IGNORE INTO forum_posts (public_id, thread_id, author_id, is_first,
	body, body_text, body_hash, created_at, updated_at)
SELECT 'f0a10000-0000-4000-8000-000008000001', t.id, u.id, 1,
	'Since the update Dev Forge closes right after the splash screen on Ubuntu 24.04 with Wayland. Starting it from a terminal prints nothing useful. Anyone else?',
	'', '', '2026-11-28 21:40:00', '2026-11-28 21:40:00'
FROM forum_threads t, users u WHERE t.public_id = 'f0a00000-0000-4000-8000-000000000008' AND u.username = 'mira-okafor';

-- What the rows above imply: each post's text and hash, each thread's
-- first post, reply count, last post time and score.
UPDATE forum_posts p JOIN forum_threads t ON t.id = p.thread_id
SET p.body_text = p.body,
	p.body_hash = UNHEX(SHA2(TRIM(REGEXP_REPLACE(p.body, '[[:space:]]+', ' ')), 256))
WHERE t.public_id LIKE 'f0a00000-%';
UPDATE forum_threads t
SET t.first_post_id = (SELECT p.id FROM forum_posts p WHERE p.thread_id = t.id
		AND p.is_first = 1),
	t.replies = (SELECT COUNT(*) - 1 FROM forum_posts p WHERE p.thread_id = t.id
		AND p.deleted = 0),
	t.last_post_at = (SELECT MAX(p.created_at) FROM forum_posts p
		WHERE p.thread_id = t.id AND p.deleted = 0),
	t.votes_up = (SELECT COUNT(*) FROM forum_votes v WHERE v.thread_id = t.id
		AND v.value = 1),
	t.votes_down = (SELECT COUNT(*) FROM forum_votes v WHERE v.thread_id = t.id
		AND v.value = -1)
WHERE t.public_id LIKE 'f0a00000-%';
UPDATE forum_threads SET score = CAST(votes_up AS SIGNED) - CAST(votes_down AS SIGNED)
WHERE public_id LIKE 'f0a00000-%';

-- The solved threads for the assistant's index (its indexer reads the
-- marks; a second run only moves their time).
INSERT INTO assistant_dirty (kind, source_id, marked_at)
SELECT 'forum', id, UTC_TIMESTAMP(6) FROM forum_threads
WHERE public_id LIKE 'f0a00000-%' AND accepted_post_id IS NOT NULL
ON DUPLICATE KEY UPDATE marked_at = VALUES(marked_at);
