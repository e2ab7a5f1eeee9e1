/* Boot: the sign-in form (password, then an authenticator code when the
 * API answers mfa_required), the console once signed in, sign-out, and a
 * light periodic reload of the health and chart panels. */
"use strict";

(function () {
	var $ = function (id) { return document.getElementById(id); };
	var poll = null;
	var wired = false;

	function showLogin(message) {
		if (poll) window.clearInterval(poll);
		poll = null;
		$("console").hidden = true;
		$("who").hidden = true;
		$("login").hidden = false;
		$("login-totp").hidden = true;
		$("login-credentials").hidden = false;
		$("login-code").value = "";
		$("login-password").value = "";
		var p = $("login-problem");
		p.textContent = message || "";
		p.hidden = !message;
	}

	function showConsole(user) {
		$("login").hidden = true;
		$("console").hidden = false;
		$("who").hidden = false;
		$("who-name").textContent = user ? "Signed in as " + user.username + " (" + user.role + ")" : "Signed in";
		if (!wired) { DF.panels.wire(); wired = true; }
		DF.panels.all();
		if (poll) window.clearInterval(poll);
		poll = window.setInterval(function () {
			DF.panels.health();
			DF.panels.performance();
		}, 30000);
	}

	function loginProblem(text) {
		var p = $("login-problem");
		p.textContent = text;
		p.hidden = false;
	}

	$("login-form").addEventListener("submit", function (ev) {
		ev.preventDefault();
		var fields = { email: $("login-email").value.trim(), password: $("login-password").value };
		var needCode = !$("login-totp").hidden;
		if (needCode) fields.totp_code = $("login-code").value.trim();
		$("login-submit").disabled = true;
		DF.api.login(fields).then(function (s) {
			$("login-submit").disabled = false;
			if (!s.user || s.user.role !== "admin") {
				DF.api.logout();
				showLogin("This account is not an admin.");
				return;
			}
			showConsole(s.user);
		}, function (e) {
			$("login-submit").disabled = false;
			if (e.code === "mfa_required") {
				/* Password accepted so far: ask for the code, keep the
				 * credentials for the second request. */
				$("login-credentials").hidden = true;
				$("login-totp").hidden = false;
				$("login-problem").hidden = true;
				$("login-code").focus();
				return;
			}
			loginProblem(e.message);
		});
	});

	$("sign-out").addEventListener("click", function () {
		DF.api.logout().then(function () { showLogin("Signed out."); });
	});
	$("refresh-all").addEventListener("click", function () { DF.panels.all(); });
	DF.api.onSignedOut(function () { showLogin("Your session ended: sign in again."); });

	/* A reload within the tab resumes the session with the stored refresh
	 * token; the user is then read from /me. */
	DF.api.resume().then(function () {
		return DF.api.get("/api/v1/me");
	}).then(function (me) {
		if (!me || me.role !== "admin") { DF.api.logout(); showLogin("This account is not an admin."); return; }
		showConsole(me);
	}, function () { showLogin(""); });
})();
