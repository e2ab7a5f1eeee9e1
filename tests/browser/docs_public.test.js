// The public host serves the rendered reference and the spec under
// /docs/, nothing else of docs/: the runbooks (OPERATIONS.md and the
// others) are for operators and answer 404 here.
'use strict';
const { call, assert, test } = require('./lib');

test(__filename, async () => {
	const spec = await call('GET', '/docs/openapi.yaml');
	assert(spec.status === 200, `GET /docs/openapi.yaml: ${spec.status}`);
	assert(/^application\/yaml/.test(spec.headers.get('content-type') || ''),
		`content type ${spec.headers.get('content-type')}`);
	assert(/^openapi: 3\.1/m.test(spec.text), 'not the OpenAPI document');
	for (const doc of ['OPERATIONS.md', 'DEPLOYMENT.md', 'SECURITY.md',
		'TROUBLESHOOTING.md', 'DEVELOPING.md', 'PERFORMANCE.md', 'QUERIES.md']) {
		const r = await call('GET', `/docs/${doc}`);
		assert(r.status === 404, `GET /docs/${doc}: ${r.status} (want 404)`);
	}
});
