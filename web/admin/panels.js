/* The console's panels. Each loads its own route(s) and shows the route's
 * error plainly in its own .problem line (a route that is missing answers
 * 404, which is shown as such: no invented data). Every dynamic text is
 * set with textContent (DF.el, DF.row, DF.kv). */
"use strict";

DF.panels = (function () {
	var $ = function (id) { return document.getElementById(id); };
	var cursors = {};

	function section(id) { return $("panel-" + id); }

	/* ---------------------------------------------------------- health */
	function health() {
		var sec = section("health");
		DF.problem(sec, null);
		/* /health/ready answers 503 with a body when not ready: show it. */
		var ready = fetch("/api/v1/health/ready", { headers: { Accept: "application/json" }, cache: "no-store" })
			.then(function (r) {
				return r.json().catch(function () { return {}; }).then(function (b) {
					var pairs = [["ready", r.ok ? "yes" : "no (HTTP " + r.status + ")"]];
					if (b && typeof b === "object") {
						Object.keys(b).forEach(function (k) {
							var v = b[k];
							if (k === "checks" && v && typeof v === "object") {
								/* {name: {status, latency_ms?, ...}}: one line each */
								Object.keys(v).forEach(function (c) {
									var x = v[c] || {};
									pairs.push([c, [x.status, x.latency_ms !== undefined ? x.latency_ms + " ms" : null,
										x.current !== undefined ? "schema " + x.current + "/" + x.expected : null,
										x.detail].filter(function (y) { return y !== null && y !== undefined; }).join(", ")]);
								});
								return;
							}
							pairs.push([k, typeof v === "object" && v !== null ? JSON.stringify(v) : v]);
						});
					}
					DF.kv($("health-ready"), pairs);
				});
			}, function (e) { DF.problem(sec, e); });
		var sys = DF.api.get("/api/v1/admin/system").then(function (s) {
			var w = s.workers || {}, db = s.database || {};
			DF.kv($("health-system"), [
				["version", s.version],
				["mode", s.mode],
				["started", DF.when(s.started_at)],
				["uptime", s.uptime_seconds !== undefined ? s.uptime_seconds + " s" : null],
				["workers", (w.running !== undefined ? w.running : "?") + " running of " +
					(w.configured !== undefined ? w.configured : "?") + ", " +
					(w.busy !== undefined ? w.busy : "?") + " busy"],
				["database", db.server_version],
				["schema", db.schema_version],
				["public_url", s.config ? s.config.public_url : null]
			]);
		}, function (e) {
			DF.clear($("health-system"));
			DF.problem(sec, e);
		});
		return Promise.all([ready, sys]);
	}

	/* ----------------------------------------------------- performance */
	function performance() {
		var sec = section("performance");
		DF.problem(sec, null);
		return DF.api.get("/api/v1/admin/performance").then(function (p) {
			var series = Array.isArray(p.series) ? p.series : [];
			DF.chart.line($("chart-rate"), series.map(function (s) {
				return { t: s.t, v: Number(s.requests) || 0 };
			}), "Requests per minute", "requests");
			DF.chart.line($("chart-p95"), series.map(function (s) {
				return { t: s.t, v: Number(s.p95_ms) || 0 };
			}), "p95 latency per minute (ms)", "ms");
		}, function (e) {
			DF.clear($("chart-rate"));
			DF.clear($("chart-p95"));
			DF.problem(sec, e);
		});
	}

	/* ---------------------------------------------------- review queue */
	function versionPath(item, action) {
		return "/api/v1/admin/extensions/" + encodeURIComponent(item.extension) +
			"/versions/" + encodeURIComponent(item.version) + "/" + action;
	}

	function reviewRow(item) {
		var sec = section("review");
		var actions = DF.el("div", null, "actions");
		var approve = DF.el("button", "Approve", "approve");
		var reject = DF.el("button", "Reject", "reject");
		approve.type = reject.type = "button";
		[approve, reject].forEach(function (b) {
			b.setAttribute("data-extension", item.extension);
			b.setAttribute("data-version", item.version);
		});
		actions.appendChild(approve);
		actions.appendChild(reject);
		var checks = Array.isArray(item.checks) ? item.checks.length + " check(s)" : "—";
		var tr = DF.row([item.extension, item.version, DF.when(item.submitted_at), checks, actions]);
		function done(verb) {
			return function (v) {
				DF.problem(sec, null);
				$("review-note").textContent = item.extension + " " + item.version + " " + verb +
					" (now " + (v && v.status ? v.status : "?") + ").";
				tr.parentNode && tr.parentNode.removeChild(tr);
			};
		}
		function fail(e) {
			approve.disabled = reject.disabled = false;
			DF.problem(sec, e);
		}
		approve.addEventListener("click", function () {
			approve.disabled = reject.disabled = true;
			DF.api.post(versionPath(item, "approve")).then(done("approved"), fail);
		});
		reject.addEventListener("click", function () {
			var reason = window.prompt("Reason for rejecting " + item.extension + " " +
				item.version + " (shown to the developer):");
			if (reason === null) return;
			approve.disabled = reject.disabled = true;
			DF.api.post(versionPath(item, "reject"), { reason: reason }).then(done("rejected"), fail);
		});
		return tr;
	}

	/* A paged list: first page replaces the rows, "More" appends. */
	function paged(name, url, rows, render, more) {
		var sec = section(name);
		return function (next) {
			DF.problem(sec, null);
			var u = url();
			if (next && cursors[name]) u += (u.indexOf("?") < 0 ? "?" : "&") + "cursor=" + encodeURIComponent(cursors[name]);
			return DF.api.get(u).then(function (page) {
				if (!next) DF.clear($(rows));
				if (!next && !(page.items || []).length) {
					var empty = DF.el("td", "Nothing here.", "note");
					empty.colSpan = 9;
					$(rows).appendChild(DF.el("tr")).appendChild(empty);
				}
				(page.items || []).forEach(function (it) { $(rows).appendChild(render(it)); });
				cursors[name] = page.next_cursor || null;
				$(more).hidden = !cursors[name];
			}, function (e) {
				if (!next) DF.clear($(rows));
				$(more).hidden = true;
				DF.problem(sec, e);
			});
		};
	}

	var review = paged("review", function () { return "/api/v1/admin/review-queue?limit=50"; },
		"review-rows", reviewRow, "review-more");

	/* ----------------------------------------------------------- users */
	var users = paged("users", function () {
		var q = [], v;
		q.push("limit=25");
		if ((v = $("users-q").value.trim())) q.push("q=" + encodeURIComponent(v));
		if ((v = $("users-role").value)) q.push("role=" + encodeURIComponent(v));
		if ((v = $("users-status").value)) q.push("status=" + encodeURIComponent(v));
		return "/api/v1/admin/users?" + q.join("&");
	}, "users-rows", function (u) {
		return DF.row([u.username, u.email, u.role, u.status, u.mfa_enabled ? "yes" : "no", DF.when(u.created_at)]);
	}, "users-more");

	/* --------------------------------------------------------- tickets */
	function tickets() {
		var sec = section("tickets");
		DF.problem(sec, null);
		var errs = [];
		var summary = DF.api.get("/api/v1/admin/analytics/summary").then(function (s) {
			var sup = s.support || {};
			var med = sup.median_first_response_seconds;
			DF.kv($("tickets-summary"), [
				["open tickets", sup.open_tickets],
				["median first response (" + s.from + " – " + s.to + ")",
					med === null || med === undefined ? "no first reply in range" : Math.round(med / 60) + " min"]
			]);
		}, function (e) { DF.clear($("tickets-summary")); errs.push("summary: " + e.message); });
		var list = DF.api.get("/api/v1/support/tickets?status=open&limit=25").then(function (page) {
			DF.clear($("tickets-rows"));
			if (!(page.items || []).length) $("tickets-rows").appendChild(DF.row(["", "No open tickets.", "", "", "", ""]));
			(page.items || []).forEach(function (t) {
				$("tickets-rows").appendChild(DF.row([t.id, t.subject, t.status, t.priority,
					DF.when(t.next_breach_at), DF.when(t.created_at)]));
			});
		}, function (e) { DF.clear($("tickets-rows")); errs.push("open tickets: " + e.message); });
		return Promise.all([summary, list]).then(function () {
			if (errs.length) DF.problem(sec, new Error(errs.join("; ")));
		});
	}

	/* ----------------------------------------------------------- audit */
	function audit() {
		var sec = section("audit");
		DF.problem(sec, null);
		return DF.api.get("/api/v1/admin/security/audit").then(function (a) {
			var score = $("audit-score");
			score.textContent = "Risk score " + a.risk_score + " / 100 (checked " + DF.when(a.checked_at) + ")";
			score.setAttribute("data-score", String(a.risk_score));
			var ul = $("audit-findings");
			DF.clear(ul);
			(a.findings || []).forEach(function (f) {
				var li = DF.el("li", null, "finding sev-" + String(f.severity).replace(/[^a-z]/g, ""));
				li.setAttribute("data-id", String(f.id));
				li.appendChild(DF.el("span", f.severity, "sev"));
				li.appendChild(DF.el("strong", f.title));
				li.appendChild(DF.el("code", f.id));
				if (f.detail) li.appendChild(DF.el("p", f.detail));
				if (f.remediation) li.appendChild(DF.el("p", "Remediation: " + f.remediation, "remedy"));
				ul.appendChild(li);
			});
			if (!(a.findings || []).length) ul.appendChild(DF.el("li", "No findings."));
			$("audit-passed").textContent = (a.passed || []).length ?
				"Passed: " + a.passed.join(", ") : "";
		}, function (e) {
			$("audit-score").textContent = "";
			DF.clear($("audit-findings"));
			$("audit-passed").textContent = "";
			DF.problem(sec, e);
		});
	}

	/* ---------------------------------------------------------- events */
	var events = paged("events", function () {
		var v = $("events-event").value.trim();
		return "/api/v1/admin/security/events?limit=25" + (v ? "&event=" + encodeURIComponent(v) : "");
	}, "events-rows", function (ev) {
		return DF.row([DF.when(ev.at), ev.event, ev.actor_id, ev.subject_id, ev.client_addr]);
	}, "events-more");

	function all() {
		return Promise.all([health(), performance(), review(false), users(false),
			tickets(), audit(), events(false)]);
	}

	function wire() {
		$("review-more").addEventListener("click", function () { review(true); });
		$("users-more").addEventListener("click", function () { users(true); });
		$("events-more").addEventListener("click", function () { events(true); });
		$("users-form").addEventListener("submit", function (ev) { ev.preventDefault(); users(false); });
		$("events-form").addEventListener("submit", function (ev) { ev.preventDefault(); events(false); });
	}

	return { all: all, wire: wire, performance: performance, health: health };
})();
