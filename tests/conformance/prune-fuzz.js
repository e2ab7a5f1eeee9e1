// Drops the fuzz variations of a Portman collection that change nothing in
// their request (Portman cannot break a rule of a field whose example is
// null, and then sends the example itself): a request that breaks no rule
// tests nothing, and the server rightly answers it as a valid one.
// usage: node prune-fuzz.js COLLECTION.json  (rewritten in place)
'use strict';
const fs = require("fs");
const file = process.argv[2];
const c = JSON.parse(fs.readFileSync(file, "utf8"));
const MARK = "[breaking one rule of the request schema]";
const sig = (r) => JSON.stringify([r.method, (r.body && r.body.raw) || "",
	((r.url && r.url.query) || []).filter((q) => !q.disabled).map((q) => [q.key, q.value])]);
const base = new Map();
(function walk(items) {
	for (const it of items) {
		if (it.item) walk(it.item);
		else if (!it.name.includes("[")) base.set(it.name, sig(it.request));
	}
})(c.item);
let dropped = 0;
(function prune(items) {
	for (let i = items.length - 1; i >= 0; i--) {
		const it = items[i];
		if (it.item) { prune(it.item); continue; }
		if (!it.name.includes(MARK)) continue;
		const b = base.get(it.name.slice(0, it.name.indexOf("[")));
		if (b !== undefined && b === sig(it.request)) { items.splice(i, 1); dropped++; }
	}
})(c.item);
fs.writeFileSync(file, JSON.stringify(c));
console.log(`conformance: ${dropped} fuzz variations changed nothing in their request and were dropped`);
