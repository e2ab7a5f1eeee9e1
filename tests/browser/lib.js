// Shared pieces of the browser tests (tests/browser/*.test.js): the
// stack's address, Debian's Chromium driven by playwright-core, users made
// through the API, SQL against the test database over the stack's admin
// socket, and the test's own verdict line.
// Every test runs against the stack that is up (the DEVFORGE_TEST_*
// variables of `scripts/stack.sh env') and ends with exactly one line
// `browser NAME: ok' or `browser NAME: FAILED' (run.sh and scripts/test
// count those).
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');

const base = process.env.DEVFORGE_TEST_URL;
if (!base) {
	process.stderr.write('no stack: run scripts/stack.sh start and eval "$(scripts/stack.sh env)" first\n');
	process.exit(2);
}
const origin = new URL(base).origin;
const chromiumPath = process.env.DF_CHROMIUM || '/usr/bin/chromium';
// A name unique to this run, for users and data (the stack is shared).
const run = `${Date.now() % 100000000}${process.pid % 1000}`;

// Debian's chromium, headless. --no-sandbox: the tests run as root on CI,
// where Chromium refuses its sandbox; the pages are our own.
async function launch() {
	const { chromium } = require('playwright-core');
	return chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
	});
}

// A page that records what would make a test fail: console errors,
// uncaught exceptions and any request that leaves the stack's origin
// (a vendored page must not reach a CDN). Such requests are aborted.
async function watchedPage(browser) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const problems = [];
	page.on('console', (m) => {
		if (m.type() === 'error')
			problems.push(`console error: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	await context.route('**/*', (route) => {
		const u = route.request().url();
		if (u.startsWith('blob:') || u.startsWith('data:') || new URL(u).origin === origin)
			return route.continue();
		problems.push(`request outside the stack: ${u}`);
		return route.abort();
	});
	return { context, page, problems };
}

async function call(method, p, token, body) {
	const headers = { Accept: 'application/json' };
	if (token) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(base + p, { method, headers,
		body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
	return { status: r.status, json, text, headers: r.headers };
}

async function expectStatus(want, method, p, token, body) {
	const r = await call(method, p, token, body);
	if (r.status !== want)
		throw new Error(`${method} ${p}: ${r.status} (want ${want}) ${r.text}`);
	return r.json;
}

// Registers a user through the API: { username, email, password, token, id }.
async function register(kind) {
	const username = `br-${kind}-${run}`;
	const email = `${username}@browser.example`;
	const password = `Browser-${run}-pass!`;
	const s = await expectStatus(201, 'POST', '/api/v1/auth/register', null,
		{ email, username, password });
	return { username, email, password, token: s.access_token, id: s.user.id };
}

// Runs one SQL statement in the test database as the stack's admin
// account over its socket (the mariadb client, like the integration
// tests' client_sql); returns the rows as arrays of strings.
function sql(statement) {
	const sock = process.env.DEVFORGE_TEST_DB_SOCKET;
	const user = process.env.DEVFORGE_TEST_DB_ADMIN || 'root';
	const out = execFileSync('mariadb', ['--no-defaults', '--socket', sock,
		'-u', user, '--batch', '--skip-column-names', '--raw', 'devforge',
		'-e', statement],
	{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// The link of the newest mail of TEMPLATE to ADDRESS in the outbox
// (e.g. 'email_verify', 'password_reset'): the path and query of the URL
// that starts with PATH, as the mail has it ({public_url}PATH?token=...).
function mailedLink(address, template, path) {
	const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
	const rows = sql(`SELECT REPLACE(REPLACE(body, '\\n', ' '), '\\t', ' ') FROM mail_outbox
		WHERE to_addr = ${q(address)} AND template = ${q(template)}
		ORDER BY id DESC LIMIT 1`);
	assert(rows.length === 1, `no ${template} mail to ${address} in the outbox`);
	const m = rows[0][0].match(new RegExp(`(https?://\\S+)(${path}\\?token=[A-Za-z0-9_-]+)`));
	assert(m, `no ${path}?token= link in the ${template} mail: ${rows[0][0]}`);
	return { url: m[1] + m[2], path: m[2] };
}

function assert(cond, what) {
	if (!cond) throw new Error(what);
}

// Runs the test body with a browser and prints the verdict line. NAME is
// the file's name without .test.js.
function test(file, body) {
	const name = path.basename(file).replace(/\.test\.js$/, '');
	(async () => {
		const browser = await launch();
		try {
			await body(browser);
		} finally {
			await browser.close();
		}
	})().then(() => {
		process.stdout.write(`browser ${name}: ok\n`);
	}, (e) => {
		process.stderr.write(`browser ${name}: ${e && e.stack ? e.stack : e}\n`);
		process.stdout.write(`browser ${name}: FAILED\n`);
		process.exitCode = 1;
	});
}

module.exports = { base, origin, run, launch, watchedPage, call, expectStatus,
	register, sql, mailedLink, assert, test };
