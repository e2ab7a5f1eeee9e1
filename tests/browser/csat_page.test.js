// The survey page the survey mail links to loads in Chromium: its
// heading is drawn and, with no ticket in the link, it says so; no
// console error, nothing fetched from outside the stack.
'use strict';
const { base, watchedPage, assert, test } = require('./lib');

test(__filename, async (browser) => {
	const { page, problems } = await watchedPage(browser);
	const r = await page.goto(`${base}/support/csat`);
	assert(r && r.status() === 200, `GET /support/csat: ${r && r.status()}`);
	const h1 = await page.textContent('h1');
	assert(h1 === 'How did we do?', `heading: ${h1}`);
	await page.waitForSelector('#csat-status:not([hidden])');
	assert(problems.length === 0, problems.join('\n'));
});
