// Runs the survey page's scripts (web/shared/api.js, then
// web/support/csat/csat.js, as index.html loads them) in Node with
// the few DOM elements of index.html, as a customer would use the page:
// choose a rating, maybe write a reason, send. Prints one JSON line: the
// requests the script made (method, URL, headers, parsed body), the
// answers' statuses, and the outcome the page shows (data-state, text).
// test_csat_page.c runs it against the stack's front server.
//
//   node csat_page.js SCRIPT QUERY RATING REASON TARGET
//     QUERY   the page's query string ("?ticket=1&token=...")
//     RATING  good, bad or none (nothing chosen)
//     REASON  the text typed into the reason box ("" for none)
//     TARGET  a base URL (http://127.0.0.1:8080): the requests go there;
//             or "status:N": each request is answered N, no network
"use strict";
const fs = require("fs");
const vm = require("vm");

const [script, query, rating, reasonText, target] = process.argv.slice(2);
if (target === undefined) {
	console.error("usage: node csat_page.js SCRIPT QUERY RATING REASON TARGET");
	process.exit(2);
}

function element(id) {
	return {
		id, hidden: false, textContent: "", value: "", checked: false,
		disabled: false, attrs: {}, listeners: {},
		setAttribute(k, v) { this.attrs[k] = String(v); },
		getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
		addEventListener(type, fn) {
			(this.listeners[type] = this.listeners[type] || []).push(fn);
		},
		// Runs the listeners; resolves when async ones are done.
		dispatch(type, event) {
			return Promise.all((this.listeners[type] || []).map(
				(fn) => fn.call(this, event)));
		},
	};
}

// The ids of index.html; a script asking for any other id fails here.
const html = fs.readFileSync(script.replace(/csat\.js$/, "index.html"), "utf8");
const els = {};
for (const m of html.matchAll(/\bid="([^"]+)"/g))
	els[m[1]] = element(m[1]);
els["csat-form"].hidden = html.includes('id="csat-form" hidden');
const document = {
	getElementById(id) {
		if (!(id in els))
			throw new Error("no element #" + id + " in index.html");
		return els[id];
	},
};

const requests = [];
const statuses = [];
async function fetch(url, init) {
	const req = {
		method: init.method, url, headers: init.headers,
		body: init.body === undefined ? null : JSON.parse(init.body),
	};
	requests.push(req);
	let resp;
	if (target.startsWith("status:")) {
		const n = Number(target.slice(7));
		resp = new Response(n === 204 ? null : JSON.stringify({ status: n,
			type: "https://devforge.dev/problems/x", title: "x" }),
			{ status: n, headers: { "Content-Type": "application/problem+json" } });
	} else {
		resp = await globalThis.fetch(new URL(url, target), init);
	}
	statuses.push(resp.status);
	return resp;
}

async function main() {
	const context = {
		window: { location: { search: query } }, document, fetch,
		URLSearchParams, console,
	};
	// The scripts index.html loads, in its order (the shared
	// /shared/api.js first, then SCRIPT), from the web/ directory.
	const web = script.replace(/support\/csat\/csat\.js$/, "");
	const srcs = [...html.matchAll(/<script src="\/([^"]+)"/g)].map(
		(m) => web + m[1]);
	if (!srcs.includes(script))
		throw new Error("index.html does not load " + script);
	vm.createContext(context);
	for (const src of srcs)
		vm.runInContext(fs.readFileSync(src, "utf8"), context,
			{ filename: src });
	if (rating === "good" || rating === "bad") {
		els["csat-" + rating].checked = true;
		await els["csat-" + rating].dispatch("change", {});
	}
	if (reasonText !== "") {
		els["csat-reason"].value = reasonText;
		await els["csat-reason"].dispatch("input", {});
	}
	const event = { prevented: false, preventDefault() { this.prevented = true; } };
	const submitted = (els["csat-form"].listeners.submit || []).length > 0;
	if (submitted)
		await els["csat-form"].dispatch("submit", event);
	const s = els["csat-status"];
	console.log(JSON.stringify({
		requests, statuses, submitted, prevented: event.prevented,
		state: s.getAttribute("data-state"), text: s.textContent,
		form_hidden: els["csat-form"].hidden,
		reason_hidden: els["csat-reason-field"].hidden,
		ticket_label: els["csat-ticket"].textContent,
	}));
}

main().catch((e) => {
	console.error(e && e.stack ? e.stack : String(e));
	process.exit(1);
});
