// /docs/ draws the API reference of docs/openapi.yaml in Chromium with
// the vendored Redoc: the API's title and a known operation appear, no
// console error, nothing fetched from outside the stack (no CDN, no
// fonts from elsewhere).
'use strict';
const { base, watchedPage, assert, test } = require('./lib');

test(__filename, async (browser) => {
	const { page, problems } = await watchedPage(browser);
	const r = await page.goto(`${base}/docs/`);
	assert(r && r.status() === 200, `GET /docs/: ${r && r.status()}`);
	const csp = r.headers()['content-security-policy'] || '';
	assert(/script-src 'self'(;|$)/.test(csp), `CSP lets other scripts run: ${csp}`);
	await page.getByText('Dev Forge API', { exact: false }).first()
		.waitFor({ timeout: 60000 });
	// The operation's heading (its summary) and its method and path.
	await page.locator('h2', { hasText:
		'Log in with e-mail and password (and a second factor when MFA is on).' })
		.first().waitFor({ timeout: 30000 });
	const text = await page.evaluate(() => document.body.innerText);
	assert(/post\s*\/api\/v1\/auth\/login/i.test(text),
		'POST /api/v1/auth/login is not drawn');
	assert(problems.length === 0, problems.join('\n'));
});
