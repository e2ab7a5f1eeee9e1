// Makes the callers of the conformance run through the API itself: a
// plain user, a developer (applies, and the admin approves) and an admin
// (registered, then promoted with `devforgectl create-admin --promote`),
// and picks a published extension, a forum thread and an anonymous
// conversation with the assistant for the path parameters. Prints
// `name=value' lines (tokens, ids) for run.sh.
// usage: node accounts.js BASE_URL DEVFORGECTL CONFIG
'use strict';
const { execFileSync } = require('child_process');
const [base, ctl, conf] = process.argv.slice(2);
const run = `${Date.now() % 100000000}${process.pid % 1000}`;

async function call(method, path, token, body) {
	const headers = { Accept: 'application/json' };
	if (token) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(base + path, { method, headers,
		body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
	return { status: r.status, json, text };
}

async function expect(want, method, path, token, body) {
	const r = await call(method, path, token, body);
	if (r.status !== want)
		throw new Error(`${method} ${path}: ${r.status} (want ${want}) ${r.text}`);
	return r.json;
}

async function register(kind) {
	const username = `cf-${kind}-${run}`;
	const s = await expect(201, 'POST', '/api/v1/auth/register', null, {
		email: `${username}@conformance.example`, username,
		password: `Conformance-${run}-pass!` });
	return { username, token: s.access_token, id: s.user.id };
}

(async () => {
	const user = await register('user');
	const dev = await register('dev');
	const admin = await register('admin');
	execFileSync(ctl, ['-c', conf, 'create-admin', '--promote',
		'--username', admin.username], { stdio: ['ignore', 'ignore', 'inherit'] });
	await expect(201, 'POST', '/api/v1/developers/applications', dev.token, {
		description: 'Conformance run: a developer account that the admin approves through the API.' });
	const apps = await expect(200, 'GET',
		'/api/v1/admin/developer-applications?status=pending&limit=100', admin.token);
	const app = apps.items.find((a) => a.user.id === dev.id);
	if (!app) throw new Error('the developer application is not in the queue');
	await expect(200, 'POST',
		`/api/v1/admin/developer-applications/${app.id}/approve`, admin.token, {});
	const list = await expect(200, 'GET', '/api/v1/extensions?limit=100', null);
	const ext = list.items.find((e) => e.latest_version !== null);
	if (!ext) throw new Error('no published extension with a version (DF_SEED=1 seeds the demo catalogue)');
	const threads = await expect(200, 'GET', '/api/v1/forum/threads?limit=1', null);
	if (!threads.items.length) throw new Error('no forum thread (DF_SEED=1 seeds the demo forum)');
	const conv = await call('POST', '/api/v1/support/assistant/messages', null,
		{ message: 'How do I install an extension?' });
	if (conv.status !== 200 && conv.status !== 201)
		throw new Error(`POST /api/v1/support/assistant/messages: ${conv.status} ${conv.text}`);
	const out = {
		userToken: user.token, userId: user.id,
		developerToken: dev.token, adminToken: admin.token,
		slug: ext.slug, version: ext.latest_version,
		publisher: ext.publisher.username,
		threadId: threads.items[0].id,
		conversationId: conv.json.conversation_id,
	};
	for (const [k, v] of Object.entries(out))
		process.stdout.write(`${k}=${v}\n`);
})().catch((e) => {
	process.stderr.write(`accounts: ${e.message}\n`);
	process.exit(1);
});
