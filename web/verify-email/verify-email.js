/* The page the verification mail links to, /verify-email?token=<token>
 * (api/shared/account_mail.c): posts the token to POST
 * /api/v1/auth/verify-email once the page is open and says what came of
 * it. A file of its own: the front servers' CSP allows scripts from this
 * origin only. Text is set with textContent, never as HTML. */
"use strict";
(function () {
	var status = document.getElementById("status");
	var token = new URLSearchParams(window.location.search).get("token") || "";

	/* data-state names the outcome for the styles (and the tests). */
	function show(state, text) {
		status.setAttribute("data-state", state);
		status.textContent = text;
		status.hidden = false;
	}

	/* What a problem says: its field errors, else its detail. */
	function problemText(problem) {
		var list = problem && Array.isArray(problem.errors) ? problem.errors : [];
		var out = list.map(function (e) {
			var m = e.message || e.code || "";
			return e.field === "token" ? "The link " + m + "." : m;
		});
		if (out.length > 0)
			return out.join(" ");
		return (problem && (problem.detail || problem.title)) || "";
	}

	async function verify() {
		var resp, problem = null;

		show("sending", "Confirming your address...");
		try {
			resp = await fetch("/api/v1/auth/verify-email", {
				method: "POST",
				headers: {
					"Content-Type": "application/json",
					"Accept": "application/problem+json"
				},
				body: JSON.stringify({ token: token }),
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
			show("error", "Your address could not be confirmed (no connection?). Please reload the page to try again.");
			return;
		}
		if (resp.status === 204)
			show("done", "Thank you: your e-mail address is confirmed.");
		else if (resp.status === 422)
			show("invalid", problemText(problem) +
				" A link works once and for 48 hours; sign in to ask for a new one.");
		else
			show("error", "Your address could not be confirmed (error " + resp.status +
				(problemText(problem) ? ": " + problemText(problem) : "") +
				"). Please try again in a moment.");
	}

	/* The link as the mail writes it carries a base64url token; anything
	 * else was cut or altered on its way. */
	if (!/^[A-Za-z0-9_-]{1,128}$/.test(token)) {
		show("badlink", "This link is incomplete. Please open the link from the e-mail exactly as it was sent.");
		return;
	}
	verify();
})();
