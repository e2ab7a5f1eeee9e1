/* Admin analytics: the rollups the job analytics-rollup writes equal the
 * raw rows they sum, the series have every bucket (zeros included), CSV
 * comes when asked for, only admins get in, and bad spans are 422. Also
 * the two prune jobs: search_changes past its keep and old download
 * client hashes go, the per-day download totals stay. Other programs
 * share the database: each test compares its own event names, or totals
 * read from the raw tables right after its own rollup run. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "client.h"

#define SUMMARY "/api/v1/admin/analytics/summary"
#define EVENTS "/api/v1/admin/analytics/events"

/* An event name no other run uses: [a-z0-9_.] only. */
static void event_name(char *out, size_t len, const char *tag)
{
	snprintf(out, len, "t.adm.%s", client_unique(tag));
	for (char *p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

/* POSTs n events named name (as auth, or anonymously). */
static void send_events(const char *name, int n, const char *auth)
{
	size_t cap = (size_t)n * 96 + 32, len = 0;
	char *body = malloc(cap);
	const char *hdr[] = { auth, NULL };
	struct client_resp r;

	len += (size_t)snprintf(body + len, cap - len, "{\"events\":[");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(body + len, cap - len,
			"%s{\"name\":\"%s\"}", i ? "," : "", name);
	snprintf(body + len, cap - len, "]}");
	cr_assert(client_post_json(client_url("/api/v1/analytics/events"),
		body, auth != NULL ? hdr : NULL, &r) == 0);
	cr_assert_eq(r.status, 202, "%ld %s", r.status, r.body);
	client_free(&r);
	free(body);
}

static void run_job(const char *job)
{
	char *out = NULL;
	int rc = client_ctl_run(0, &out, "jobs run --once --only %s", job);

	cr_assert_eq(rc, 0, "jobs %s: %s", job, out);
	cr_assert(strstr(out, "ok") != NULL, "jobs %s: %s", job, out);
	free(out);
}

static void today_str(char out[11], int minus_days)
{
	time_t t = time(NULL) - (time_t)minus_days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static struct json_object *get_json(const char *path, const char *auth,
	struct client_resp *r)
{
	client_call("GET", path, auth, NULL, r);
	return client_expect_json(r, 200);
}

/* The raw count of name's events received in [from, to) (SQL datetimes). */
static long raw_count(const char *name, const char *from, const char *to)
{
	return client_sql_longf("SELECT COUNT(*) FROM analytics_events"
		" WHERE name = '%s' AND received_at >= '%s'"
		" AND received_at < '%s'", name, from, to);
}

Test(analytics_admin, day_series_equals_raw_counts_with_zero_days)
{
	char name[96], from[11], to[11], path[256], *auth;
	struct client_resp r;
	struct json_object *o, *pts;

	event_name(name, sizeof(name), "day");
	send_events(name, 7, NULL);
	send_events(name, 5, NULL);
	run_job("analytics-rollup");
	today_str(from, 2);
	today_str(to, 0);
	auth = client_auth_header("admin", NULL);
	snprintf(path, sizeof(path), EVENTS "?name=%s&from=%s&to=%s", name,
		from, to);
	o = get_json(path, auth, &r);
	cr_assert_str_eq(client_json_str(o, "granularity"), "day");
	cr_assert_str_eq(client_json_str(o, "name"), name);
	cr_assert(json_object_object_get_ex(o, "points", &pts));
	cr_assert_eq(json_object_array_length(pts), 3, "%s", r.body);
	for (size_t i = 0; i < 3; i++) {
		struct json_object *p = json_object_array_get_idx(pts, i);
		char day[11], next[11], f[32], t[32];
		long want;

		today_str(day, 2 - (int)i);
		today_str(next, 1 - (int)i);
		snprintf(f, sizeof(f), "%s 00:00:00", day);
		snprintf(t, sizeof(t), "%s 00:00:00", next);
		want = raw_count(name, f, t);
		snprintf(f, sizeof(f), "%sT00:00:00Z", day);
		cr_assert_str_eq(client_json_str(p, "t"), f);
		cr_assert_eq(atol(client_json_str(p, "count")), want,
			"%s: %s", day, r.body);
	}
	/* The events were sent today: the two days before are zero
	 * buckets that are present. */
	cr_assert_str_eq(client_json_str(o, "points[0].count"), "0");
	cr_assert_str_eq(client_json_str(o, "points[2].count"), "12");
	json_object_put(o);
	client_free(&r);
	free(auth);
}

Test(analytics_admin, hour_series_has_every_hour_and_equals_raw_counts)
{
	char name[96], day[11], path[256], *auth;
	struct client_resp r;
	struct json_object *o, *pts;
	long sum = 0;

	event_name(name, sizeof(name), "hour");
	send_events(name, 4, NULL);
	run_job("analytics-rollup");
	today_str(day, 0);
	auth = client_auth_header("admin", NULL);
	/* A date as `to` includes its whole day: 24 hours. */
	snprintf(path, sizeof(path), EVENTS "?name=%s&granularity=hour"
		"&from=%s&to=%s", name, day, day);
	o = get_json(path, auth, &r);
	cr_assert_str_eq(client_json_str(o, "granularity"), "hour");
	cr_assert(json_object_object_get_ex(o, "points", &pts));
	cr_assert_eq(json_object_array_length(pts), 24, "%s", r.body);
	for (int h = 0; h < 24; h++) {
		struct json_object *p = json_object_array_get_idx(pts, (size_t)h);
		char want_t[32], f[32], t[32];
		long count = atol(client_json_str(p, "count"));

		snprintf(want_t, sizeof(want_t), "%sT%02d:00:00Z", day, h);
		cr_assert_str_eq(client_json_str(p, "t"), want_t);
		snprintf(f, sizeof(f), "%s %02d:00:00", day, h);
		snprintf(t, sizeof(t), "%s %02d:59:59.999999", day, h);
		cr_assert_eq(count, client_sql_longf("SELECT COUNT(*) FROM"
			" analytics_events WHERE name = '%s' AND received_at"
			" BETWEEN '%s' AND '%s'", name, f, t), "hour %d", h);
		sum += count;
	}
	cr_assert_eq(sum, 4);
	json_object_put(o);
	client_free(&r);
	free(auth);
}

Test(analytics_admin, rerun_gives_the_same_rows)
{
	char name[96], path[256], *auth, *before;
	struct client_resp r;

	event_name(name, sizeof(name), "idem");
	send_events(name, 3, NULL);
	run_job("analytics-rollup");
	auth = client_auth_header("admin", NULL);
	snprintf(path, sizeof(path), EVENTS "?name=%s&granularity=hour",
		name);
	client_call("GET", path, auth, NULL, &r);
	cr_assert_eq(r.status, 200);
	before = strdup(r.body);
	client_free(&r);
	run_job("analytics-rollup");
	client_call("GET", path, auth, NULL, &r);
	cr_assert_str_eq(r.body, before);
	cr_assert_eq(client_sql_longf("SELECT COALESCE(SUM(count), 0) FROM"
		" analytics_event_days WHERE name = '%s'", name), 3);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM"
		" analytics_event_hours WHERE name = '%s'", name) >= 1, 1);
	client_free(&r);
	free(before);
	free(auth);
}

/* The summary's figures against the raw tables read right after the
 * rollup run. */
Test(analytics_admin, summary_equals_raw_counts)
{
	char name[96], from[11], to[11], path[256], *auth, *user_auth;
	char pid[40];
	struct client_resp r;
	struct json_object *o, *arr;
	long raw_total, raw_new, raw_today, raw_dl, raw_active, n;

	event_name(name, sizeof(name), "sum");
	user_auth = client_auth_header("user", pid);
	/* Every user this test makes exists before the run. */
	auth = client_auth_header("admin", NULL);
	send_events(name, 100, user_auth);
	run_job("analytics-rollup");
	today_str(from, 29);
	today_str(to, 0);
	raw_total = client_sql_long("SELECT COUNT(*) FROM users");
	raw_new = client_sql_longf("SELECT COUNT(*) FROM users WHERE"
		" created_at >= '%s'", from);
	raw_today = client_sql_longf("SELECT COUNT(*) FROM users WHERE"
		" created_at >= '%s'", to);
	raw_dl = client_sql_longf("SELECT COALESCE(SUM(total), 0) FROM"
		" extension_download_days WHERE day >= '%s' AND day <= '%s'",
		from, to);
	raw_active = client_sql_longf("SELECT COUNT(DISTINCT user_id) FROM"
		" analytics_events WHERE received_at >= '%s'"
		" AND user_id IS NOT NULL", to);

	o = get_json(SUMMARY, auth, &r);
	cr_assert_str_eq(client_json_str(o, "from"), from);
	cr_assert_str_eq(client_json_str(o, "to"), to);
	cr_assert_eq(atol(client_json_str(o, "users.total")), raw_total);
	cr_assert_eq(atol(client_json_str(o, "users.new")), raw_new);
	cr_assert_eq(atol(client_json_str(o, "downloads.total")), raw_dl);
	cr_assert(json_object_object_get_ex(json_object_object_get(o, "users"),
		"daily_active", &arr));
	cr_assert_eq(json_object_array_length(arr), 30, "%s", r.body);
	cr_assert_str_eq(client_json_str(o, "users.daily_active[29].date"), to);
	cr_assert_eq(atol(client_json_str(o, "users.daily_active[29].count")),
		raw_active);
	cr_assert_eq(json_object_array_length(json_object_object_get(
		json_object_object_get(o, "downloads"), "by_day")), 30);
	/* The name's 100 events, by name. */
	cr_assert(json_object_object_get_ex(json_object_object_get(o, "events"),
		"by_name", &arr));
	n = -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);

		if (strcmp(client_json_str(e, "name"), name) == 0)
			n = atol(client_json_str(e, "count"));
	}
	cr_assert_eq(n, 100, "%s", r.body);
	/* Revenue per currency: the ledger's gross over the span. */
	cr_assert(json_object_object_get_ex(json_object_object_get(o, "revenue"),
		"total", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *m = json_object_array_get_idx(arr, i);

		cr_assert_eq(atol(client_json_str(m, "amount")),
			/* Up to the end of to: other programs book entries
			 * days ahead (clock offsets) in the shared database. */
			client_sql_longf("SELECT COALESCE(SUM(gross), 0) FROM"
			" ledger_entries WHERE created_at >= '%s' AND created_at"
			" < '%s' + INTERVAL 1 DAY AND currency = '%s'", from, to,
			client_json_str(m, "currency")));
	}
	cr_assert_eq((long)json_object_array_length(arr), client_sql_longf(
		"SELECT COUNT(DISTINCT currency) FROM ledger_entries"
		" WHERE created_at >= '%s'", from));
	cr_assert_eq(atol(client_json_str(o, "support.open_tickets")),
		client_sql_long("SELECT COUNT(*) FROM support_tickets WHERE"
		" status IN ('open', 'in_progress', 'waiting_on_customer')"));
	cr_assert(json_object_object_get_ex(json_object_object_get(o,
		"support"), "median_first_response_seconds", NULL));
	json_object_put(o);
	client_free(&r);

	/* An explicit span: today alone. */
	snprintf(path, sizeof(path), SUMMARY "?from=%s&to=%s", to, to);
	o = get_json(path, auth, &r);
	cr_assert_eq(atol(client_json_str(o, "users.new")), raw_today);
	json_object_put(o);
	client_free(&r);
	free(auth);
	free(user_auth);
}

Test(analytics_admin, median_first_response_of_the_span)
{
	char day[11], path[128], *auth;
	struct client_resp r;
	struct json_object *o;
	long want;

	/* Tickets a year and a week ago: a span nobody else writes to. The
	 * requester is any user. */
	today_str(day, 372);
	client_sqlf("INSERT INTO support_tickets (requester_id, subject,"
		" category, status, created_at, updated_at, first_replied_at)"
		" SELECT id, 'median', 'other', 'closed', '%s 10:00:00',"
		" '%s 10:00:00', '%s 10:00:00' + INTERVAL s SECOND FROM users,"
		" (SELECT 60 s UNION SELECT 120 UNION SELECT 3600) x"
		" ORDER BY id LIMIT 3", day, day, day);
	want = client_sql_longf("SELECT COUNT(*) FROM support_tickets WHERE"
		" first_replied_at >= '%s' AND first_replied_at < '%s' +"
		" INTERVAL 1 DAY", day, day);
	auth = client_auth_header("admin", NULL);
	snprintf(path, sizeof(path), SUMMARY "?from=%s&to=%s", day, day);
	o = get_json(path, auth, &r);
	if (want == 3)
		cr_assert_str_eq(client_json_str(o,
			"support.median_first_response_seconds"), "120", "%s",
			r.body);
	json_object_put(o);
	client_free(&r);
	/* A span without first replies: null. */
	today_str(day, 380);
	snprintf(path, sizeof(path), SUMMARY "?from=%s&to=%s", day, day);
	o = get_json(path, auth, &r);
	cr_assert(strstr(r.body, "\"median_first_response_seconds\":null")
		!= NULL, "%s", r.body);
	json_object_put(o);
	client_free(&r);
	free(auth);
}

/* GETs path with the headers h: a 200 answer in *r, and its
 * Content-Type (malloc'd). */
static char *get_typed(const char *path, const char **h,
	struct client_resp *r)
{
	cr_assert(client_request("GET", client_url(path), h, NULL, 0, r) == 0);
	cr_assert_eq(r->status, 200, "%s", r->body);
	return client_header(r, "Content-Type");
}

Test(analytics_admin, csv_when_asked_for)
{
	char name[96], from[11], to[11], path[256], *auth, *v, hdr[160];
	const char *h[3];
	struct client_resp r;
	int lines = 0;

	event_name(name, sizeof(name), "csv");
	send_events(name, 2, NULL);
	run_job("analytics-rollup");
	auth = client_auth_header("admin", NULL);
	today_str(from, 2);
	today_str(to, 0);
	h[0] = auth;
	h[1] = "Accept: text/csv";
	h[2] = NULL;

	snprintf(path, sizeof(path), SUMMARY "?from=%s&to=%s", from, to);
	v = get_typed(path, h, &r);
	cr_assert_str_eq(v, "text/csv; charset=utf-8");
	free(v);
	v = client_header(&r, "Content-Disposition");
	snprintf(hdr, sizeof(hdr), "attachment; filename=\"analytics-summary-"
		"%s-%s.csv\"", from, to);
	cr_assert_str_eq(v, hdr);
	free(v);
	cr_assert(strncmp(r.body, "date,new_users,daily_active,revenue_amount,"
		"currency,downloads,events\r\n", 61) == 0, "%s", r.body);
	for (const char *p = r.body; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	/* The header and at least a line per day (one per currency on a
	 * day with revenue in several). */
	cr_assert_geq(lines, 4, "%s", r.body);
	cr_assert(strstr(r.body, from) != NULL && strstr(r.body, to) != NULL);
	client_free(&r);

	snprintf(path, sizeof(path), EVENTS "?name=%s&from=%s&to=%s", name,
		from, to);
	v = get_typed(path, h, &r);
	cr_assert_str_eq(v, "text/csv; charset=utf-8");
	free(v);
	snprintf(hdr, sizeof(hdr), "t,count\r\n%sT00:00:00Z,0\r\n", from);
	cr_assert(strncmp(r.body, hdr, strlen(hdr)) == 0, "%s", r.body);
	snprintf(hdr, sizeof(hdr), "%sT00:00:00Z,2\r\n", to);
	cr_assert(strstr(r.body, hdr) != NULL, "%s", r.body);
	client_free(&r);

	/* JSON preferred, or anything: JSON. */
	h[1] = "Accept: application/json, text/csv;q=0.5";
	v = get_typed(path, h, &r);
	cr_assert(strncmp(v, "application/json", 16) == 0, "%s", v);
	free(v);
	client_free(&r);
	h[1] = "Accept: */*";
	v = get_typed(path, h, &r);
	cr_assert(strncmp(v, "application/json", 16) == 0, "%s", v);
	free(v);
	client_free(&r);
	free(auth);
}

Test(analytics_admin, every_route_refuses_non_admins)
{
	static const char *const paths[] = { SUMMARY, EVENTS };
	static const char *const roles[] = { "user", "developer", "support" };

	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(client_status("GET", paths[i], NULL, NULL), 401,
			"%s anonymous", paths[i]);
		for (size_t j = 0; j < 3; j++) {
			char *auth = client_auth_header(roles[j], NULL);

			cr_assert_eq(client_status("GET", paths[i], auth, NULL), 403,
				"%s as %s", paths[i], roles[j]);
			free(auth);
		}
	}
}

Test(analytics_admin, bad_spans_are_422_naming_the_field)
{
	char *auth = client_auth_header("admin", NULL);

	client_expect_field_error_auth("GET", SUMMARY "?from=2026-13-01", auth,
		NULL, "from", "invalid_format");
	client_expect_field_error_auth("GET", SUMMARY "?to=yesterday", auth,
		NULL, "to", "invalid_format");
	client_expect_field_error_auth("GET", SUMMARY "?from=2026-02-02"
		"&to=2026-02-01", auth, NULL, "from", "out_of_range");
	client_expect_field_error_auth("GET", SUMMARY "?from=2025-01-01"
		"&to=2026-01-02", auth, NULL, "to", "out_of_range");
	client_expect_field_error_auth("GET", EVENTS "?granularity=minute",
		auth, NULL, "granularity", "invalid_format");
	client_expect_field_error_auth("GET", EVENTS "?from=last%20week",
		auth, NULL, "from", "invalid_format");
	client_expect_field_error_auth("GET", EVENTS "?name=Bad%20Name",
		auth, NULL, "name", "invalid_format");
	client_expect_field_error_auth("GET", EVENTS "?from=2026-03-02"
		"&to=2026-03-01", auth, NULL, "from", "out_of_range");
	client_expect_field_error_auth("GET", EVENTS "?granularity=hour"
		"&from=2026-01-01&to=2026-02-01", auth, NULL, "to",
		"out_of_range");
	client_expect_field_error_auth("GET", EVENTS "?from=2025-01-01"
		"&to=2026-01-02", auth, NULL, "to", "out_of_range");
	/* The limits themselves are fine: 31 days of hours, 366 days. */
	cr_assert_eq(client_status("GET", EVENTS "?granularity=hour"
		"&from=2026-01-01&to=2026-01-31", auth, NULL), 200);
	cr_assert_eq(client_status("GET", EVENTS "?from=2025-01-01"
		"&to=2026-01-01", auth, NULL), 200);
	cr_assert_eq(client_status("GET", SUMMARY "?from=2025-01-01"
		"&to=2026-01-01", auth, NULL), 200);
	cr_assert_eq(client_status("GET", EVENTS "?from=2026-01-01T10:30:00%2B02:00"
		"&to=2026-01-02T00:00:00Z&granularity=hour", auth, NULL), 200);
	free(auth);
}

Test(analytics_admin, search_log_prune_removes_old_rows_and_marks_them)
{
	long ext, old_id, newest, before_mark;

	ext = client_sql_long("SELECT MIN(id) FROM extensions");
	cr_assert_gt(ext, 0);
	client_sqlf("INSERT INTO search_changes (extension_id) VALUES (%ld)",
		ext);
	old_id = client_sql_long("SELECT MAX(id) FROM search_changes");
	client_sqlf("INSERT INTO search_changes (extension_id) VALUES (%ld)",
		ext);
	newest = client_sql_long("SELECT MAX(id) FROM search_changes");
	/* Let this host's index apply both (a search syncs it), then age
	 * the first past the keep (30 days). */
	cr_assert_eq(client_status("GET", "/api/v1/extensions?q=zz", NULL, NULL) / 100,
		2);
	client_sqlf("UPDATE search_changes SET created_at = NOW() - INTERVAL"
		" 40 DAY WHERE id = %ld", old_id);
	before_mark = client_sql_long("SELECT pruned_through FROM"
		" search_log_state");
	run_job("search-log-prune");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM search_changes"
		" WHERE id = %ld", old_id), 0, "the aged row stayed");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM search_changes"
		" WHERE id = %ld", newest), 1, "the newest row went");
	cr_assert_geq(client_sql_long("SELECT pruned_through FROM"
		" search_log_state"), old_id);
	cr_assert_geq(client_sql_long("SELECT pruned_through FROM"
		" search_log_state"), before_mark);
	/* Search still answers. */
	cr_assert_eq(client_status("GET", "/api/v1/extensions?q=zz", NULL, NULL) / 100,
		2);
}

Test(analytics_admin, download_clients_prune_keeps_the_totals)
{
	long ver, totals;

	ver = client_sql_long("SELECT MIN(id) FROM extension_versions");
	cr_assert_gt(ver, 0);
	client_sqlf("INSERT IGNORE INTO extension_download_clients (version_id,"
		" day, client_hash) VALUES (%ld, UTC_DATE() - INTERVAL 5 DAY,"
		" UNHEX(MD5(RAND()))), (%ld, UTC_DATE(), UNHEX(MD5('keep-%ld')))",
		ver, ver, ver);
	totals = client_sql_long("SELECT COUNT(*) FROM extension_download_days");
	run_job("download-clients-prune");
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM"
		" extension_download_clients WHERE day < UTC_DATE() - INTERVAL"
		" 2 DAY"), 0);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM"
		" extension_download_clients WHERE version_id = %ld AND day ="
		" UTC_DATE()", ver) >= 1, 1);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM"
		" extension_download_days"), totals);
}

/* A host whose index is behind the pruned part of the log cannot replay
 * it: its next search rebuilds the index, so a change that only the
 * pruned rows carried is still found. */
Test(analytics_admin, index_behind_the_pruned_log_is_rebuilt)
{
	char word[17], path[128], *old_name;
	long a, b, x;
	struct client_resp r;

	a = client_sql_long("SELECT MIN(id) FROM extensions WHERE status ="
		" 'published'");
	b = client_sql_long("SELECT MAX(id) FROM extensions WHERE status ="
		" 'published'");
	cr_assert(a > 0 && b > a);
	old_name = client_sqlf("SELECT name FROM extensions WHERE id = %ld", a);
	client_word(word, 'q');
	/* Logged by the trigger as row x; no search in between, so this
	 * host's index has not applied it. */
	client_sqlf("UPDATE extensions SET name = '%s' WHERE id = %ld", word, a);
	x = client_sql_long("SELECT MAX(id) FROM search_changes");
	client_sqlf("INSERT INTO search_changes (extension_id) VALUES (%ld)", b);
	client_sqlf("UPDATE search_changes SET created_at = NOW() - INTERVAL"
		" 40 DAY WHERE id <= %ld", x);
	run_job("search-log-prune");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM search_changes"
		" WHERE id = %ld", x), 0);
	snprintf(path, sizeof(path), "/api/v1/extensions?q=%s", word);
	client_call("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert(strstr(r.body, word) != NULL, "the renamed listing is not "
		"found: %s", r.body);
	client_free(&r);
	client_sqlf("UPDATE extensions SET name = '%s' WHERE id = %ld",
		old_name, a);
	free(old_name);
}

/* Events of past days (a run that recomputes from an earlier day, as
 * after a restore): by name over a span of whole months and partial
 * ones alike equals the raw count, and the day series has them on
 * their day. */
Test(analytics_admin, by_name_over_whole_and_partial_months_equals_raw)
{
	char name[96], day[11], from[11], to[11], path[256], *auth;
	struct client_resp r;
	struct json_object *o, *arr;
	static const int back[] = { 0, 45, 75 };
	long want, got;

	event_name(name, sizeof(name), "months");
	for (size_t i = 0; i < 3; i++) {
		today_str(day, back[i]);
		free(client_sqlf("INSERT INTO analytics_events (name, received_at,"
			" client_addr) VALUES ('%s', '%s 12:00:00', '127.0.0.1'),"
			" ('%s', '%s 13:00:00', '127.0.0.1')", name, day, name, day));
	}
	/* The next run recomputes from 80 days back. */
	today_str(day, 80);
	free(client_sqlf("UPDATE analytics_rollup_state SET ran_at = '%s'",
		day));
	run_job("analytics-rollup");
	auth = client_auth_header("admin", NULL);
	for (int span = 0; span < 3; span++) {
		/* A year; 60 days; the month before last, whole. */
		if (span == 0) {
			today_str(from, 365);
			today_str(to, 0);
		} else if (span == 1) {
			today_str(from, 60);
			today_str(to, 0);
		} else {
			time_t t = time(NULL);
			struct tm tm;

			gmtime_r(&t, &tm);
			tm.tm_mday = 1;
			tm.tm_mon -= 2;
			t = timegm(&tm);
			gmtime_r(&t, &tm);
			strftime(from, sizeof(from), "%Y-%m-%d", &tm);
			tm.tm_mon++;
			t = timegm(&tm) - 86400;
			gmtime_r(&t, &tm);
			strftime(to, sizeof(to), "%Y-%m-%d", &tm);
		}
		want = client_sql_longf("SELECT COUNT(*) FROM analytics_events"
			" WHERE name = '%s' AND received_at >= '%s' AND"
			" received_at < '%s' + INTERVAL 1 DAY", name, from, to);
		snprintf(path, sizeof(path), SUMMARY "?from=%s&to=%s", from, to);
		o = get_json(path, auth, &r);
		cr_assert(json_object_object_get_ex(json_object_object_get(o,
			"events"), "by_name", &arr));
		got = 0;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *e = json_object_array_get_idx(arr, i);

			if (strcmp(client_json_str(e, "name"), name) == 0)
				got = atol(client_json_str(e, "count"));
		}
		cr_assert_eq(got, want, "%s to %s: %s", from, to, r.body);
		json_object_put(o);
		client_free(&r);
	}
	today_str(from, 45);
	snprintf(path, sizeof(path), EVENTS "?name=%s&from=%s&to=%s", name,
		from, from);
	o = get_json(path, auth, &r);
	cr_assert_str_eq(client_json_str(o, "points[0].count"), "2");
	json_object_put(o);
	client_free(&r);
	free(auth);
}
