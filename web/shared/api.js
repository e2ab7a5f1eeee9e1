/* What the customer pages share (the survey, /support/csat, and the
 * account mails' pages, /verify-email and /reset-password): the status
 * line, the POST to the API and reading its Problem Details (RFC 9457).
 * Each page loads this file before its own script (both deferred, so
 * they run in that order); a file of its own because the front servers'
 * CSP allows scripts from this origin only. Text is set with
 * textContent, never as HTML. tests/integration/csat_page.js runs it in
 * Node before csat.js. */
"use strict";
var DFPage = (function () {
	/* data-state names the outcome for the styles (and the tests). */
	function show(status, state, text) {
		status.setAttribute("data-state", state);
		status.textContent = text;
		status.hidden = false;
	}

	/* POSTs body as JSON to path on this origin, without cookies. Resolves
	 * to {status, problem}: problem is the answer's Problem Details (null
	 * on 204 or when the answer is not JSON); to null when no answer came
	 * (no connection). */
	async function post(path, body) {
		var resp, problem = null;

		try {
			resp = await fetch(path, {
				method: "POST",
				headers: {
					"Content-Type": "application/json",
					"Accept": "application/problem+json"
				},
				body: JSON.stringify(body),
				credentials: "omit",
				cache: "no-store"
			});
			if (resp.status !== 204) {
				try {
					problem = await resp.json();
				} catch (e) {
					problem = null;
				}
			}
		} catch (e) {
			return null;
		}
		return { status: resp.status, problem: problem };
	}

	/* The problem's field errors (errors[]), [] when none. */
	function fieldErrors(problem) {
		return problem && Array.isArray(problem.errors) ? problem.errors : [];
	}

	/* What a problem says, as the account pages show it: its field
	 * errors' messages (the password policy's are whole sentences; the
	 * token's is about the link), else its detail. */
	function problemText(problem) {
		var out = fieldErrors(problem).map(function (e) {
			var m = e.message || e.code || "";
			return e.field === "token" ? "The link " + m + "." : m;
		});
		if (out.length > 0)
			return out.join(" ");
		return (problem && (problem.detail || problem.title)) || "";
	}

	/* The problem's code: the last part of its type URI. */
	function problemCode(problem) {
		var type = problem && typeof problem.type === "string" ?
			problem.type : "";
		return type.slice(type.lastIndexOf("/") + 1);
	}

	/* The link as the mails write it carries a base64url token; anything
	 * else was cut or altered on its way. */
	function tokenLooksRight(token) {
		return /^[A-Za-z0-9_-]{1,128}$/.test(token);
	}

	return {
		show: show, post: post, fieldErrors: fieldErrors,
		problemText: problemText, problemCode: problemCode, tokenLooksRight: tokenLooksRight
	};
})();
