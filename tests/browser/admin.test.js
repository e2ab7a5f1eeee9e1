// The admin console (/admin/) end to end against the real stack: an admin
// with TOTP signs in through the page (password, then the authenticator
// code the API asks for), the request-rate and p95 charts are drawn from
// the performance route's series, a version a developer submitted is
// approved from the review queue (and is then published), another rejected
// with a reason, the security audit shows the test stack's finding (its
// public_url is plain http), the approval is listed among the security
// events, and signing out leaves no token behind.
'use strict';
const crypto = require('crypto');
const zlib = require('zlib');
const { base, run, watchedPage, call, expectStatus, register, sql, assert,
	test } = require('./lib');

// RFC 6238 TOTP (RFC 4226 HOTP over HMAC-SHA1, 30 s steps, 6 digits), as
// the server's totp_default; the secret is RFC 4648 base32.
function base32(s) {
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, value = 0;
	const out = [];
	for (const c of s.replace(/=+$/, '').toUpperCase()) {
		const i = abc.indexOf(c);
		if (i < 0) throw new Error(`not base32: ${c}`);
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}
function totp(secret, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const h = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
	const o = h[h.length - 1] & 0x0f;
	const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
	return String(bin % 1000000).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 1000 / 30);

// A zip of stored (uncompressed) entries: the smallest package the
// upload checks accept (manifest.json naming its main file).
function zip(files) {
	const locals = [], centrals = [];
	let offset = 0;
	for (const [name, text] of Object.entries(files)) {
		const n = Buffer.from(name), d = Buffer.from(text);
		const crc = zlib.crc32(d);
		const lh = Buffer.alloc(30);
		lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4);
		lh.writeUInt16LE(0x0800, 6); lh.writeUInt16LE(0, 8);
		lh.writeUInt32LE(0, 10); lh.writeUInt32LE(crc, 14);
		lh.writeUInt32LE(d.length, 18); lh.writeUInt32LE(d.length, 22);
		lh.writeUInt16LE(n.length, 26); lh.writeUInt16LE(0, 28);
		const ch = Buffer.alloc(46);
		ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4);
		ch.writeUInt16LE(20, 6); ch.writeUInt16LE(0x0800, 8);
		ch.writeUInt16LE(0, 10); ch.writeUInt32LE(0, 12);
		ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(d.length, 20);
		ch.writeUInt32LE(d.length, 24); ch.writeUInt16LE(n.length, 28);
		ch.writeUInt32LE(0, 30); ch.writeUInt32LE(0, 34);
		ch.writeUInt32LE(0o100644 * 65536, 38); ch.writeUInt32LE(offset, 42);
		locals.push(lh, n, d);
		centrals.push(ch, n);
		offset += lh.length + n.length + d.length;
	}
	const cd = Buffer.concat(centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
	end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cd, end]);
}

async function login(u, totp_code) {
	const body = { email: u.email, password: u.password };
	if (totp_code) body.totp_code = totp_code;
	return (await expectStatus(200, 'POST', '/api/v1/auth/login', null, body)).access_token;
}

// An admin with TOTP on: registered through the API, made admin in the
// database (as the integration tests' client_user does), enrolled through
// /me/mfa/totp. The enrolment spends the previous step's code, so the
// page's sign-in with the current step's is not a replay.
async function adminWithTotp() {
	const u = await register('adm');
	sql(`UPDATE users SET role = 'admin' WHERE public_id = '${u.id}'`);
	const token = await login(u);
	const e = await expectStatus(200, 'POST', '/api/v1/me/mfa/totp', token, undefined);
	assert(e && e.secret, 'no TOTP secret');
	await expectStatus(200, 'POST', '/api/v1/me/mfa/totp/confirm', token,
		{ code: totp(e.secret, stepNow() - 1) });
	u.secret = e.secret;
	return u;
}

// A developer's extension with one version submitted for review, as
// tests/integration/market.c's market_publish up to the approval.
async function submittedVersion(stem) {
	const d = await register(`dev${stem}`);
	sql(`UPDATE users SET role = 'developer' WHERE public_id = '${d.id}'`);
	const token = await login(d);
	const slug = `br-${stem}-${run}`;
	await expectStatus(201, 'POST', '/api/v1/extensions', token, { slug,
		name: `Browser ${slug}`, summary: 'A test extension',
		description: 'Made by the admin console browser test.',
		category: 'other', license: 'MIT' });
	await expectStatus(201, 'POST', `/api/v1/extensions/${slug}/versions`, token,
		{ version: '1.0.0', changelog: 'First', engine: '^1.0.0' });
	const pkg = zip({
		'manifest.json': JSON.stringify({ name: slug, version: '1.0.0', main: 'src/main.js' }),
		'README.md': '# An extension for the Dev Forge IDE\n',
		'src/main.js': 'export function activate() { return 42; }\n',
	});
	const r = await fetch(`${base}/api/v1/extensions/${slug}/versions/1.0.0/package`, {
		method: 'PUT', body: pkg,
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/zip' } });
	assert(r.status === 200, `upload: ${r.status} ${await r.text()}`);
	await expectStatus(200, 'POST', `/api/v1/extensions/${slug}/versions/1.0.0/submit`, token, undefined);
	return { slug, token };
}

test(__filename, async (browser) => {
	const admin = await adminWithTotp();
	const ext = await submittedVersion('ok');
	const bad = await submittedVersion('no');
	// Requests this minute for the charts to draw.
	for (let i = 0; i < 10; i++)
		await call('GET', '/api/v1/extensions?limit=5');

	const { page, problems } = await watchedPage(browser);
	const r = await page.goto(`${base}/admin/`);
	assert(r && r.status() === 200, `GET /admin/: ${r && r.status()}`);
	const csp = r.headers()['content-security-policy'] || '';
	assert(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), `CSP: ${csp}`);

	// Sign in: the password first, then the code the API asks for.
	await page.waitForSelector('#login-form', { state: 'visible' });
	await page.fill('#login-email', admin.email);
	await page.fill('#login-password', admin.password);
	await page.click('#login-submit');
	await page.waitForSelector('#login-code', { state: 'visible' });
	await page.fill('#login-code', totp(admin.secret, stepNow()));
	await page.click('#login-submit');
	await page.waitForSelector('#console', { state: 'visible' });
	const who = await page.textContent('#who-name');
	assert(who.includes(admin.username), `signed in as: ${who}`);

	// Approve the submitted version from the queue.
	const button = `#review-rows button.approve[data-extension="${ext.slug}"]`;
	await page.waitForSelector(button, { timeout: 15000 }).catch(async () => {
		throw new Error(`not in the review queue: ${await page.textContent('#panel-review')}`);
	});
	await page.click(button);
	await page.waitForFunction((slug) =>
		document.getElementById('review-note').textContent.includes(slug + ' 1.0.0 approved'),
	ext.slug, { timeout: 15000 });
	assert(await page.$(button) === null, 'the approved version is still listed');
	const v = await expectStatus(200, 'GET', `/api/v1/extensions/${ext.slug}/versions/1.0.0`, ext.token);
	assert(v.status === 'published', `version status after approval: ${v.status}`);

	// Reject another with a reason (asked in a prompt).
	page.once('dialog', (d) => d.accept(`Not this one ${run}`));
	await page.click(`#review-rows button.reject[data-extension="${bad.slug}"]`);
	await page.waitForFunction((slug) =>
		document.getElementById('review-note').textContent.includes(slug + ' 1.0.0 rejected'),
	bad.slug, { timeout: 15000 });
	const rv = await expectStatus(200, 'GET', `/api/v1/extensions/${bad.slug}/versions/1.0.0`, bad.token);
	assert(rv.status === 'rejected' && rv.reject_reason === `Not this one ${run}`,
		`rejected version: ${rv.status} ${rv.reject_reason}`);

	// The charts: a drawn line over 60 points with at least one minute's
	// requests marked, and the same for p95.
	for (const id of ['chart-rate', 'chart-p95']) {
		await page.waitForSelector(`#${id} svg path.line`, { timeout: 15000 }).catch(async () => {
			throw new Error(`${id} not drawn: ${await page.textContent('#panel-performance')}`);
		});
		const drawn = await page.$eval(`#${id} svg`, (s) => ({
			points: Number(s.getAttribute('data-points')),
			d: s.querySelector('path.line').getAttribute('d'),
			dots: s.querySelectorAll('circle.dot').length,
		}));
		assert(drawn.points >= 2, `${id}: ${drawn.points} points`);
		assert((drawn.d.match(/[ML]/g) || []).length === drawn.points, `${id}: path ${drawn.d}`);
		assert(drawn.dots >= 1, `${id}: no minute with data drawn`);
	}

	// The security audit shows the stack's plain-http public_url.
	await page.waitForSelector('#audit-findings li.finding', { timeout: 15000 }).catch(async () => {
		throw new Error(`no audit finding shown: ${await page.textContent('#panel-audit')}`);
	});
	const findings = await page.$$eval('#audit-findings li.finding', (l) => l.map((x) => x.textContent));
	assert(findings.some((t) => /public_url|https/i.test(t)),
		`no public_url finding among: ${findings.join(' | ')}`);
	const score = await page.getAttribute('#audit-score', 'data-score');
	assert(Number(score) > 0, `risk score ${score}`);

	// The approval is among the recent security events, by this admin.
	await page.fill('#events-event', 'extension.version_approved');
	await page.click('#events-form button[type=submit]');
	await page.waitForFunction((id) => Array.from(document.querySelectorAll('#events-rows tr'))
		.some((tr) => tr.textContent.includes('extension.version_approved') && tr.textContent.includes(id)),
	admin.id, { timeout: 15000 }).catch(async () => {
		throw new Error(`approval not among the events: ${await page.textContent('#panel-events')}`);
	});

	// No panel shows an error (every route answered).
	const errors = await page.$$eval('.card .problem', (l) => l.filter((p) => !p.hidden).map((p) => p.textContent));
	assert(errors.length === 0, `panel errors: ${errors.join(' | ')}`);

	// Over plain http (this stack) a browser drops the API's Secure
	// df_refresh cookie, so the console keeps the refresh token in
	// sessionStorage (over https it never stores it): a reload resumes
	// the session with it.
	assert(await page.evaluate(() => window.location.protocol) === 'http:', 'not plain http');
	assert(await page.evaluate(() => sessionStorage.getItem('devforge.admin.refresh')) !== null,
		'no refresh token kept over plain http');
	await page.reload();
	await page.waitForSelector('#console', { state: 'visible', timeout: 15000 });
	assert((await page.textContent('#who-name')).includes(admin.username), 'not resumed after a reload');

	// Tokens: nothing in localStorage, no access token (a JWT) in
	// sessionStorage; signing out empties it.
	const stored = await page.evaluate(() => ({ local: localStorage.length,
		session: Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k)) }));
	assert(stored.local === 0, 'localStorage used');
	assert(!stored.session.some((x) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(x)), 'a JWT in sessionStorage');
	await page.click('#sign-out');
	await page.waitForSelector('#login-form', { state: 'visible' });
	assert(await page.evaluate(() => sessionStorage.length) === 0, 'sessionStorage kept after sign-out');

	// The sign-in's first answer is 401 mfa_required by design; Chromium
	// logs every non-2xx fetch as a console error. Anything else fails.
	const unexpected = problems.filter((p) => !/status of 401/.test(p));
	assert(unexpected.length === 0, unexpected.join('\n'));

	// Over https the console stores no refresh token: the API's Secure
	// df_refresh cookie carries it. The stack is plain http, so the page
	// is opened at an https address whose every request the test passes
	// to the stack as the browser made it (Cookie included) and answers
	// with the stack's answer (Set-Cookie included).
	sql(`UPDATE users SET mfa_last_step = NULL WHERE public_id = '${admin.id}'`);
	const secure = 'https://console.devforge.test';
	const context = await browser.newContext();
	await context.route('**/*', async (route) => {
		const req = route.request();
		const u = new URL(req.url());
		if (u.origin !== secure)
			return route.abort();
		const headers = await req.allHeaders();
		delete headers.host;
		const r = await fetch(base + u.pathname + u.search, { method: req.method(),
			headers, body: req.postDataBuffer() || undefined, redirect: 'manual' });
		const out = {};
		r.headers.forEach((v, k) => { out[k] = v; });
		if (r.headers.getSetCookie().length > 0)
			out['set-cookie'] = r.headers.getSetCookie().join('\n');
		return route.fulfill({ status: r.status, headers: out,
			body: Buffer.from(await r.arrayBuffer()) });
	});
	const sp = await context.newPage();
	await sp.goto(`${secure}/admin/`);
	await sp.waitForSelector('#login-form', { state: 'visible' });
	await sp.fill('#login-email', admin.email);
	await sp.fill('#login-password', admin.password);
	await sp.click('#login-submit');
	await sp.waitForSelector('#login-code', { state: 'visible' });
	await sp.fill('#login-code', totp(admin.secret, stepNow()));
	await sp.click('#login-submit');
	await sp.waitForSelector('#console', { state: 'visible', timeout: 15000 });
	const kept = await sp.evaluate(() => Object.keys(sessionStorage).length + localStorage.length);
	assert(kept === 0, `over https the console stored ${kept} item(s)`);
	const jar = () => context.cookies(`${secure}/api/v1/auth/refresh`)
		.then((l) => l.filter((c) => c.name === 'df_refresh' && c.value !== ''));
	assert((await jar()).length === 1, 'no df_refresh cookie over https');
	// A reload resumes with the cookie alone.
	await sp.reload();
	await sp.waitForSelector('#console', { state: 'visible', timeout: 15000 });
	assert((await sp.textContent('#who-name')).includes(admin.username), 'not resumed with the cookie');
	// Signing out ends the session: the cookie is cleared, a reload asks
	// for a sign-in.
	await sp.click('#sign-out');
	await sp.waitForSelector('#login-form', { state: 'visible' });
	assert((await jar()).length === 0, 'df_refresh kept after sign-out');
	await sp.reload();
	await sp.waitForSelector('#login-form', { state: 'visible', timeout: 15000 });
	await context.close();
});
