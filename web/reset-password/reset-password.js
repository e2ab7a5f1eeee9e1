/* The page the password-reset mail links to, /reset-password?token=<token>
 * (api/shared/account_mail.c): asks for the new password twice and posts
 * {token, new_password} to POST /api/v1/auth/password-reset/confirm; the
 * policy's refusals (422, field new_password) are shown as they come, and
 * the token stays usable after them. The request and the status line are
 * /shared/api.js's (DFPage), loaded before this file. */
"use strict";
(function () {
	var form = document.getElementById("reset-form");
	var password = document.getElementById("password");
	var password2 = document.getElementById("password2");
	var submit = document.getElementById("submit");
	var status = document.getElementById("status");
	var token = new URLSearchParams(window.location.search).get("token") || "";
	var sending = false;

	function show(state, text) {
		DFPage.show(status, state, text);
	}

	function done(state, text) {
		form.hidden = true;
		show(state, text);
	}

	function tokenRefused(problem) {
		return DFPage.fieldErrors(problem).some(function (e) {
			return e.field === "token";
		});
	}

	async function send(event) {
		var r, why;

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
		r = await DFPage.post("/api/v1/auth/password-reset/confirm",
			{ token: token, new_password: password.value });
		sending = false;
		submit.disabled = false;
		if (r === null) {
			show("error", "Your password could not be set (no connection?). Please try again.");
			return;
		}
		why = DFPage.problemText(r.problem);
		if (r.status === 204)
			done("done", "Your password is changed, and every device signed in to your account was signed out. Sign in with the new password.");
		else if (r.status === 422 && tokenRefused(r.problem))
			done("invalid", why +
				" A link works once and for one hour; ask for a new one.");
		else if (r.status === 422)
			show("invalid", why);
		else
			show("error", "Your password could not be set (error " + r.status +
				(why ? ": " + why : "") + "). Please try again in a moment.");
	}

	if (!DFPage.tokenLooksRight(token)) {
		done("badlink", "This link is incomplete. Please open the link from the e-mail exactly as it was sent.");
		return;
	}
	form.hidden = false;
	form.addEventListener("submit", send);
})();
