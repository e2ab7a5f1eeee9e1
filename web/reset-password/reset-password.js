/* The page the password-reset mail links to, /reset-password?token=<token>
 * (api/shared/account_mail.c): asks for the new password twice and posts
 * {token, new_password} to POST /api/v1/auth/password-reset/confirm; the
 * policy's refusals (422, field new_password) are shown as they come, and
 * the token stays usable after them. A file of its own: the front
 * servers' CSP allows scripts from this origin only. Text is set with
 * textContent, never as HTML. */
"use strict";
(function () {
	var form = document.getElementById("reset-form");
	var password = document.getElementById("password");
	var password2 = document.getElementById("password2");
	var submit = document.getElementById("submit");
	var status = document.getElementById("status");
	var token = new URLSearchParams(window.location.search).get("token") || "";
	var sending = false;

	/* data-state names the outcome for the styles (and the tests). */
	function show(state, text) {
		status.setAttribute("data-state", state);
		status.textContent = text;
		status.hidden = false;
	}

	function done(state, text) {
		form.hidden = true;
		show(state, text);
	}

	/* What a problem says: its field errors (the password policy's are
	 * whole sentences), else its detail. */
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

	function tokenRefused(problem) {
		return problem && Array.isArray(problem.errors) &&
			problem.errors.some(function (e) { return e.field === "token"; });
	}

	async function send(event) {
		var resp, problem = null;

		event.preventDefault();
		if (sending)
			return;
		if (password.value === "") {
			show("invalid", "Please enter the new password.");
			return;
		}
		if (password.value !== password2.value) {
			show("invalid", "The two passwords differ: please type the same password twice.");
			return;
		}
		sending = true;
		submit.disabled = true;
		show("sending", "Setting your password...");
		try {
			resp = await fetch("/api/v1/auth/password-reset/confirm", {
				method: "POST",
				headers: {
					"Content-Type": "application/json",
					"Accept": "application/problem+json"
				},
				body: JSON.stringify({ token: token, new_password: password.value }),
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
			resp = null;
		}
		sending = false;
		submit.disabled = false;
		if (resp === null)
			show("error", "Your password could not be set (no connection?). Please try again.");
		else if (resp.status === 204)
			done("done", "Your password is changed, and every device signed in to your account was signed out. Sign in with the new password.");
		else if (resp.status === 422 && tokenRefused(problem))
			done("invalid", problemText(problem) +
				" A link works once and for one hour; ask for a new one.");
		else if (resp.status === 422)
			show("invalid", problemText(problem));
		else
			show("error", "Your password could not be set (error " + resp.status +
				(problemText(problem) ? ": " + problemText(problem) : "") +
				"). Please try again in a moment.");
	}

	/* The link as the mail writes it carries a base64url token; anything
	 * else was cut or altered on its way. */
	if (!/^[A-Za-z0-9_-]{1,128}$/.test(token)) {
		done("badlink", "This link is incomplete. Please open the link from the e-mail exactly as it was sent.");
		return;
	}
	form.hidden = false;
	form.addEventListener("submit", send);
})();
