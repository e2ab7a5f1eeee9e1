/* The console's API client: the session and every request.
 *
 * The access token lives in this closure only (never in storage): a script
 * of another page cannot read it and it is gone with the tab.
 *
 * The refresh token: over https (how the product is served) the console
 * never keeps it. The API sets it as the df_refresh cookie at sign-in
 * (HttpOnly, Secure, SameSite=Strict, Path=/api/v1/auth), and refresh and
 * logout post {} with credentials "same-origin", so the browser sends the
 * cookie and api/auth.c takes the token from it (a body's refresh_token
 * would come first). A script cannot read it, and a reload resumes with it.
 * Only over plain http (the development and test stack), where a browser
 * drops a Secure cookie, is the token kept in sessionStorage instead, so
 * that a reload does not sign the admin out: single use (every refresh
 * spends it), gone with the tab, never localStorage. docs/SECURITY.md. */
"use strict";

var DF = window.DF || {};
window.DF = DF;

DF.api = (function () {
	var KEY = "devforge.admin.refresh";
	var access = null;
	var timer = null;
	var refreshing = null;
	var onSignedOut = function () {};
	/* The df_refresh cookie carries the refresh token (https only). */
	var COOKIE = window.location.protocol === "https:";

	function storedRefresh() {
		if (COOKIE) return null;
		try { return window.sessionStorage.getItem(KEY); } catch (e) { return null; }
	}
	function storeRefresh(t) {
		try {
			if (t && !COOKIE) window.sessionStorage.setItem(KEY, t);
			else window.sessionStorage.removeItem(KEY);
		} catch (e) { /* storage refused: the session lasts the page */ }
	}
	/* Whether a refresh may work: a stored token, or the cookie (which a
	 * script cannot see: the API says whether it came). */
	function canRefresh() {
		return COOKIE || storedRefresh() !== null;
	}
	/* The body of refresh and logout: the stored token, or {} for the
	 * cookie. */
	function refreshBody() {
		return COOKIE ? {} : { refresh_token: storedRefresh() };
	}

	/* A failed request as an Error carrying the Problem Details fields
	 * (RFC 9457) the API answered, or a plain description when the answer
	 * was not one (a front server's HTML page, a network failure). */
	function problemError(status, body, fallback) {
		var e = new Error(fallback);
		e.status = status;
		if (body && typeof body === "object") {
			e.problem = body;
			var parts = [];
			if (body.title) parts.push(body.title);
			if (body.detail && body.detail !== body.title) parts.push(body.detail);
			if (Array.isArray(body.errors)) {
				body.errors.forEach(function (x) {
					parts.push((x.field || "?") + ": " + (x.message || x.code || ""));
				});
			}
			if (parts.length) e.message = parts.join(" — ");
			/* type is https://devforge.dev/problems/<code> */
			e.code = typeof body.type === "string" ? body.type.replace(/^.*\//, "") : null;
		}
		e.message = "HTTP " + status + ": " + e.message;
		return e;
	}

	function raw(method, path, body, token) {
		var headers = { "Accept": "application/json" };
		var init = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
		if (token) headers["Authorization"] = "Bearer " + token;
		if (body !== undefined) {
			headers["Content-Type"] = "application/json";
			init.body = JSON.stringify(body);
		}
		return fetch(path, init).then(function (r) {
			var ct = r.headers.get("Content-Type") || "";
			var parse = /json/.test(ct) ? r.json().catch(function () { return null; })
				: r.text().then(function () { return null; });
			return parse.then(function (data) {
				if (!r.ok) throw problemError(r.status, data, r.statusText || "request failed");
				return data;
			});
		}, function (err) {
			throw problemError(0, null, "network error: " + err.message);
		});
	}

	function schedule(expiresIn) {
		if (timer) window.clearTimeout(timer);
		/* A minute before expiry, at least 10 s from now. */
		var ms = Math.max(10, (Number(expiresIn) || 900) - 60) * 1000;
		timer = window.setTimeout(function () { refresh().catch(function () {}); }, ms);
	}

	function accept(session) {
		access = session.access_token;
		storeRefresh(session.refresh_token);
		schedule(session.expires_in);
		return session;
	}

	function clear() {
		access = null;
		storeRefresh(null);
		if (timer) window.clearTimeout(timer);
		timer = null;
	}

	/* One refresh at a time: requests failing together share it (a refresh
	 * token spent twice would end the session as a replay). */
	function refresh() {
		if (refreshing) return refreshing;
		if (!canRefresh()) return Promise.reject(problemError(401, null, "not signed in"));
		refreshing = raw("POST", "/api/v1/auth/refresh", refreshBody()).then(function (s) {
			refreshing = null;
			return accept(s);
		}, function (e) {
			refreshing = null;
			/* 401: the token is spent or revoked; 422: no cookie came. */
			if (e.status === 401 || (COOKIE && e.status === 422)) { clear(); onSignedOut(); }
			throw e;
		});
		return refreshing;
	}

	/* An authorised request; on a 401 the access token is refreshed once
	 * and the request tried again. */
	function call(method, path, body) {
		var go = function () { return raw(method, path, body, access); };
		var first = access ? go() : refresh().then(go);
		return first.catch(function (e) {
			if (e.status !== 401 || !canRefresh()) throw e;
			return refresh().then(go);
		});
	}

	return {
		get: function (path) { return call("GET", path); },
		post: function (path, body) { return call("POST", path, body); },
		/* {email, password, totp_code?} → the session, or a thrown error
		 * whose code is "mfa_required" when a code is needed. */
		login: function (fields) {
			return raw("POST", "/api/v1/auth/login", fields).then(accept);
		},
		logout: function () {
			var body = canRefresh() ? refreshBody() : null;
			clear();
			if (!body) return Promise.resolve();
			/* Over https the answer also clears the cookie. */
			return raw("POST", "/api/v1/auth/logout", body).catch(function () {});
		},
		resume: function () { return canRefresh() ? refresh() : Promise.reject(new Error("no session")); },
		signedIn: function () { return access !== null; },
		onSignedOut: function (f) { onSignedOut = f; }
	};
})();

/* Small DOM helpers shared by the panels: text only, never HTML. */
DF.el = function (tag, text, cls) {
	var e = document.createElement(tag);
	if (text !== undefined && text !== null) e.textContent = String(text);
	if (cls) e.className = cls;
	return e;
};
DF.clear = function (node) {
	while (node.firstChild) node.removeChild(node.firstChild);
};
DF.row = function (cells) {
	var tr = document.createElement("tr");
	cells.forEach(function (c) {
		var td = document.createElement("td");
		if (c instanceof Node) td.appendChild(c);
		else td.textContent = c === null || c === undefined ? "—" : String(c);
		tr.appendChild(td);
	});
	return tr;
};
DF.when = function (iso) {
	if (!iso) return "—";
	return String(iso).replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC");
};
/* A panel's error line: the Problem Details title/detail as sent. */
DF.problem = function (section, err) {
	var p = section.querySelector(".problem");
	if (!p) return;
	if (err) {
		p.textContent = err.message;
		p.hidden = false;
	} else {
		p.textContent = "";
		p.hidden = true;
	}
};
DF.kv = function (dl, pairs) {
	DF.clear(dl);
	pairs.forEach(function (kv) {
		dl.appendChild(DF.el("dt", kv[0]));
		dl.appendChild(DF.el("dd", kv[1] === null || kv[1] === undefined ? "—" : kv[1]));
	});
};
