/* The page the verification mail links to, /verify-email?token=<token>
 * (api/shared/account_mail.c): posts the token to POST
 * /api/v1/auth/verify-email once the page is open and says what came of
 * it. The request and the status line are /shared/api.js's (DFPage),
 * loaded before this file. */
"use strict";
(function () {
	var status = document.getElementById("status");
	var token = new URLSearchParams(window.location.search).get("token") || "";

	function show(state, text) {
		DFPage.show(status, state, text);
	}

	async function verify() {
		var r, why;

		show("sending", "Confirming your address...");
		r = await DFPage.post("/api/v1/auth/verify-email", { token: token });
		if (r === null) {
			show("error", "Your address could not be confirmed (no connection?). Please reload the page to try again.");
			return;
		}
		why = DFPage.problemText(r.problem);
		if (r.status === 204)
			show("done", "Thank you: your e-mail address is confirmed.");
		else if (r.status === 422)
			show("invalid", why +
				" A link works once and for 48 hours; sign in to ask for a new one.");
		else
			show("error", "Your address could not be confirmed (error " + r.status +
				(why ? ": " + why : "") + "). Please try again in a moment.");
	}

	if (!DFPage.tokenLooksRight(token)) {
		show("badlink", "This link is incomplete. Please open the link from the e-mail exactly as it was sent.");
		return;
	}
	verify();
})();
