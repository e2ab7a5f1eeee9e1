// The reset mail's link, {public_url}/reset-password?token=..., opened in
// Chromium: the page asks for the password twice, shows the policy's
// refusal (and the link still works after it), sets the new password,
// and the API logs in with it (not with the old one). A made-up token
// shows the API's refusal; nothing leaves the stack's origin.
'use strict';
const { base, watchedPage, register, call, expectStatus, mailedLink, run,
	assert, test } = require('./lib');

async function submit(page, pw, pw2) {
	await page.fill('#password', pw);
	await page.fill('#password2', pw2);
	await page.click('#submit');
	const st = page.locator('#status:not([data-state="sending"]):not([hidden])');
	await st.waitFor({ timeout: 30000 });
	return { state: await st.getAttribute('data-state'), text: await st.textContent() };
}

test(__filename, async (browser) => {
	const user = await register('reset');
	await expectStatus(202, 'POST', '/api/v1/auth/password-reset', null, { email: user.email });
	const link = mailedLink(user.email, 'password_reset', '/reset-password');
	const { page, problems } = await watchedPage(browser);
	const fresh = `Renewed-${run}-secret?`;

	const r = await page.goto(base + link.path);
	assert(r && r.status() === 200, `GET ${link.path}: ${r && r.status()}`);
	let o = await submit(page, fresh, `${fresh}x`);
	assert(o.state === 'invalid' && /differ/.test(o.text), `mismatch: ${o.state}: ${o.text}`);
	o = await submit(page, 'short', 'short');
	assert(o.state === 'invalid' && /at least 10 characters/.test(o.text),
		`too short: ${o.state}: ${o.text}`);
	o = await submit(page, fresh, fresh);
	assert(o.state === 'done' && /password is changed/.test(o.text), `reset: ${o.state}: ${o.text}`);

	const ok = await call('POST', '/api/v1/auth/login', null, { email: user.email, password: fresh });
	assert(ok.status === 200 && ok.json && ok.json.access_token,
		`login with the new password: ${ok.status} ${ok.text}`);
	const old = await call('POST', '/api/v1/auth/login', null, { email: user.email, password: user.password });
	assert(old.status === 401, `login with the old password: ${old.status}`);

	await page.goto(`${base}/reset-password?token=${'B'.repeat(43)}`);
	o = await submit(page, fresh, fresh);
	assert(o.state === 'invalid' && /unknown, expired or already used/.test(o.text),
		`made-up token: ${o.state}: ${o.text}`);
	assert(problems.filter((p) => !/status of 422/.test(p)).length === 0, problems.join('\n'));
});
