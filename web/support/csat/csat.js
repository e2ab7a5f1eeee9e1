/* The satisfaction survey page, /support/csat?ticket=<id>&token=<token>:
 * the link of the survey mail (store/csat.c, job csat-send). Posts the
 * answer, {token, rating, reason?}, to POST
 * /api/v1/support/tickets/{id}/csat and says what came of it. A file of
 * its own because the front servers' Content-Security-Policy allows
 * scripts from this origin only, nothing inline. The request and the
 * status line are /shared/api.js's (DFPage), loaded before this file.
 * tests/integration/csat_page.js runs both in Node with a small DOM. */
"use strict";
(function () {
	var REASON_MAX = 1000; /* the API's limit, in characters */
	var form = document.getElementById("csat-form");
	var good = document.getElementById("csat-good");
	var bad = document.getElementById("csat-bad");
	var reasonField = document.getElementById("csat-reason-field");
	var reason = document.getElementById("csat-reason");
	var count = document.getElementById("csat-count");
	var submit = document.getElementById("csat-submit");
	var status = document.getElementById("csat-status");
	var params = new URLSearchParams(window.location.search);
	var ticket = params.get("ticket") || "";
	var token = params.get("token") || "";
	var sending = false;

	function show(state, text) {
		DFPage.show(status, state, text);
	}

	/* Characters as the API counts them (code points, not UTF-16 units). */
	function length(s) {
		return Array.from(s).length;
	}

	function update() {
		reasonField.hidden = !bad.checked;
		count.textContent = length(reason.value) + " / " + REASON_MAX;
	}

	/* The messages of a 422 problem, one sentence. */
	function fieldErrors(problem) {
		var out = DFPage.fieldErrors(problem).map(function (e) {
			return (e.field ? e.field + ": " : "") + (e.message || e.code);
		});
		return out.length > 0 ? out.join("; ") :
			(problem && problem.detail) || "the answer was refused";
	}

	function done(state, text) {
		form.hidden = true;
		show(state, text);
	}

	async function send(event) {
		var body, r, rating, text, code;

		event.preventDefault();
		if (sending)
			return;
		rating = good.checked ? "good" : bad.checked ? "bad" : "";
		if (rating === "") {
			show("invalid", "Please choose good or bad.");
			return;
		}
		body = { token: token, rating: rating };
		if (rating === "bad") {
			text = reason.value.trim();
			if (text === "") {
				show("invalid", "Please tell us what went wrong.");
				return;
			}
			if (length(text) > REASON_MAX) {
				show("invalid", "Please keep the reason to " +
					REASON_MAX + " characters.");
				return;
			}
			body.reason = text;
		}
		sending = true;
		submit.disabled = true;
		show("sending", "Sending your answer...");
		r = await DFPage.post("/api/v1/support/tickets/" + ticket + "/csat",
			body);
		sending = false;
		submit.disabled = false;
		if (r === null) {
			show("error", "Your answer could not be sent (no connection?). Please try again.");
			return;
		}
		code = DFPage.problemCode(r.problem);
		if (r.status === 204)
			done("thanks", "Thank you! Your answer was recorded.");
		else if (r.status === 410 && code === "csat_answered")
			done("gone", "This survey was already answered: your first answer stands. Thank you!");
		else if (r.status === 410 && code === "csat_expired")
			done("gone", "This survey link has expired (a survey link works for 28 days).");
		else if (r.status === 410)
			done("gone", "This survey is closed: it was answered already, or its link has expired (a survey link works once, for 28 days).");
		else if (r.status === 404)
			done("notfound", "This survey link is not valid. Please open the link from the e-mail exactly as it was sent.");
		else if (r.status === 422)
			show("invalid", "Please check your answer: " + fieldErrors(r.problem) + ".");
		else
			show("error", "Your answer could not be sent (error " + r.status + "). Please try again in a moment.");
	}

	/* The link as the job writes it: a positive ticket id and a
	 * base64url token; anything else was cut or altered on its way. */
	if (!/^[1-9][0-9]{0,17}$/.test(ticket) ||
	    !DFPage.tokenLooksRight(token)) {
		done("badlink", "This survey link is incomplete. Please open the link from the e-mail exactly as it was sent.");
		return;
	}
	document.getElementById("csat-ticket").textContent = " #" + ticket;
	good.addEventListener("change", update);
	bad.addEventListener("change", update);
	reason.addEventListener("input", update);
	form.addEventListener("submit", send);
	update();
	form.hidden = false;
})();
