-- Demo knowledge base for the development stack: a few published help
-- articles so that GET /api/v1/support/kb, its search and the ticket
-- suggestions have something to show. body is the Markdown; body_text is
-- what core/mdtext makes of it (the text search reads), written out here.
-- INSERT IGNORE on the unique slug: a second run changes nothing.

INSERT IGNORE INTO kb_articles (slug, title, body, body_text, category, tags,
	status, revision, created_at, updated_at, published_at) VALUES
('reset-your-password', 'Reset your password',
 '# Reset your password\n\nForgot your password? On the sign-in page choose **Forgot password**, enter the e-mail address of your account, and follow the link we send you. The link works once and expires after an hour.\n\nIf no mail arrives within a few minutes, check your spam folder, then [contact support](https://devforge.dev/support).',
 'Reset your password\nForgot your password? On the sign-in page choose Forgot password, enter the e-mail address of your account, and follow the link we send you. The link works once and expires after an hour.\nIf no mail arrives within a few minutes, check your spam folder, then contact support.',
 'account', 'password login', 'published', 1,
 '2026-11-02 09:00:00', '2026-11-02 09:00:00', '2026-11-02 09:00:00'),
('activate-a-license-offline', 'Activate a licence on a machine without internet access',
 '## Offline activation\n\n1. On the offline machine, open **Help > Licence** and choose *Activate offline*.\n2. Copy the request file to a machine that is online and upload it on your account''s **Licences** page.\n3. Download the machine file and import it on the offline machine.\n\nA machine file is signed and tied to that machine''s fingerprint.',
 'Offline activation\nOn the offline machine, open Help > Licence and choose Activate offline.\nCopy the request file to a machine that is online and upload it on your account''s Licences page.\nDownload the machine file and import it on the offline machine.\nA machine file is signed and tied to that machine''s fingerprint.',
 'technical', 'license activation offline', 'published', 1,
 '2026-11-03 10:00:00', '2026-11-03 10:00:00', '2026-11-03 10:00:00'),
('refund-policy', 'Refunds for plans and paid extensions',
 '# Refunds\n\nYou can ask for a refund within **14 days** of a purchase from the order''s page. Refunds go back to the card you paid with; the bank may take 5-10 days to show it. A refunded licence stops working at once.',
 'Refunds\nYou can ask for a refund within 14 days of a purchase from the order''s page. Refunds go back to the card you paid with; the bank may take 5-10 days to show it. A refunded licence stops working at once.',
 'billing', 'refund payment', 'published', 1,
 '2026-11-04 11:00:00', '2026-11-04 11:00:00', '2026-11-04 11:00:00'),
('extension-fails-to-install', 'An extension fails to install',
 '## When an extension does not install\n\n- Check that your IDE version is within the extension''s `engines` range.\n- Remove the download cache: `devforge extensions clean`.\n- Install again; if it still fails, open a ticket with the log from **Help > Show logs**.',
 'When an extension does not install\nCheck that your IDE version is within the extension''s engines range.\nRemove the download cache: devforge extensions clean.\nInstall again; if it still fails, open a ticket with the log from Help > Show logs.',
 'extension', 'install extensions', 'published', 1,
 '2026-11-05 12:00:00', '2026-11-05 12:00:00', '2026-11-05 12:00:00'),
('enable-two-factor-authentication', 'Turn on two-factor authentication',
 '# Two-factor authentication\n\nOpen **Account > Security**, choose *Turn on*, scan the QR code with an authenticator app and enter the six-digit code. Keep the recovery codes somewhere safe: each works once if you lose your phone.',
 'Two-factor authentication\nOpen Account > Security, choose Turn on, scan the QR code with an authenticator app and enter the six-digit code. Keep the recovery codes somewhere safe: each works once if you lose your phone.',
 'account', 'security mfa', 'published', 1,
 '2026-11-06 13:00:00', '2026-11-06 13:00:00', '2026-11-06 13:00:00');

INSERT IGNORE INTO kb_article_tags (article_id, tag)
SELECT a.id, j.tag FROM kb_articles a
JOIN JSON_TABLE(CONCAT('["', REPLACE(a.tags, ' ', '","'), '"]'),
	'$[*]' COLUMNS (tag VARCHAR(32) PATH '$')) j
WHERE a.slug IN ('reset-your-password', 'activate-a-license-offline',
	'refund-policy', 'extension-fails-to-install',
	'enable-two-factor-authentication');
