// The verification mail's link, {public_url}/verify-email?token=..., opened
// in Chromium confirms the address: the page says so and the user is
// verified in the database. The same link a second time, and a made-up
// token, show the API's refusal; nothing leaves the stack's origin.
'use strict';
const { base, watchedPage, register, sql, mailedLink, assert, test } = require('./lib');

function verifiedAt(username) {
	return sql(`SELECT COALESCE(email_verified_at, 'NULL') FROM users
		WHERE username = '${username}'`)[0][0];
}

async function outcome(page, path) {
	const r = await page.goto(base + path);
	assert(r && r.status() === 200, `GET ${path}: ${r && r.status()}`);
	const st = page.locator('#status:not([data-state="sending"]):not([hidden])');
	await st.waitFor({ timeout: 30000 });
	return { state: await st.getAttribute('data-state'), text: await st.textContent() };
}

test(__filename, async (browser) => {
	const user = await register('verify');
	const link = mailedLink(user.email, 'email_verify', '/verify-email');
	assert(verifiedAt(user.username) === 'NULL', 'verified before the link was opened');
	const { page, problems } = await watchedPage(browser);

	let o = await outcome(page, link.path);
	assert(o.state === 'done' && /confirmed/.test(o.text), `first visit: ${o.state}: ${o.text}`);
	assert(verifiedAt(user.username) !== 'NULL', 'the user is not verified in the database');

	o = await outcome(page, link.path);
	assert(o.state === 'invalid' && /unknown, expired or already used/.test(o.text),
		`second visit: ${o.state}: ${o.text}`);
	o = await outcome(page, `/verify-email?token=${'A'.repeat(43)}`);
	assert(o.state === 'invalid' && /unknown, expired or already used/.test(o.text),
		`made-up token: ${o.state}: ${o.text}`);
	o = await outcome(page, '/verify-email');
	assert(o.state === 'badlink', `no token: ${o.state}: ${o.text}`);
	assert(problems.filter((p) => !/status of 422/.test(p)).length === 0, problems.join('\n'));
});
