/* Analytics ingest: batches are stored whole or not at all, hostile text
 * is stored verbatim, and the server stamps time, address and user. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"

#define EVENTS "/api/v1/analytics/events"

static long count_named(const char *name)
{
	char sql[512];
	char *v;
	long n;

	snprintf(sql, sizeof(sql),
		"SELECT COUNT(*) FROM analytics_events WHERE name = '%s'", name);
	v = client_sql(sql);
	cr_assert(v != NULL, "SQL failed: %s", sql);
	n = atol(v);
	free(v);
	return n;
}

/* A name unique to this run, so reruns do not see old rows. */
static const char *unique(const char *base)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s.%ld%d", base, (long)time(NULL) % 100000,
		getpid() % 1000);
	return buf;
}

/* POSTs body to EVENTS (no token); asserts that an answer came. */
static void post_events(const char *body, struct client_resp *r)
{
	cr_assert(client_post_json(client_url(EVENTS), body, NULL, r) == 0);
}

/* POSTs body to EVENTS: answered with status (what names the case). */
static void expect_events_status(const char *body, long status,
	const char *what)
{
	struct client_resp r;

	post_events(body, &r);
	cr_assert_eq(r.status, status, "%s: %ld %s", what, r.status, r.body);
	client_free(&r);
}

/* A batch of one event name whose properties are {"p":"aaa..."} with
 * len a's (serialised: len + 8 bytes) into body of cap bytes. */
static void props_body(char *body, size_t cap, const char *name,
	size_t len)
{
	size_t n = (size_t)snprintf(body, cap, "{\"events\":[{\"name\":\"%s\","
		"\"properties\":{\"p\":\"", name);

	cr_assert(n + len + 8 < cap);
	memset(body + n, 'a', len);
	n += len;
	snprintf(body + n, cap - n, "\"}}]}");
}

Test(analytics, batch_is_accepted_and_stored)
{
	char name[64], body[1024];
	struct client_resp r;

	snprintf(name, sizeof(name), "%s", unique("t.accept"));
	snprintf(body, sizeof(body), "{\"events\":["
		"{\"name\":\"%s\",\"ts\":\"2026-11-27T20:15:00Z\","
		"\"session_id\":\"s-1\",\"properties\":{\"k\":1}},"
		"{\"name\":\"%s\",\"anonymous_id\":\"anon-7\"},"
		"{\"name\":\"%s\",\"ts\":null}]}", name, name, name);
	post_events(body, &r);
	struct json_object *o = client_expect_json(&r, 202);
	cr_assert_str_eq(client_json_str(o, "accepted"), "3");
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(count_named(name), 3);

	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT CONCAT(DATE_FORMAT(occurred_at, "
		"'%%Y-%%m-%%dT%%H:%%i:%%s'), '|', client_addr) FROM analytics_events "
		"WHERE name = '%s' AND session_id = 's-1'", name);
	char *v = client_sql(sql);
	cr_assert_str_eq(v, "2026-11-27T20:15:00|127.0.0.1");
	free(v);
}

Test(analytics, one_bad_event_rejects_the_whole_batch)
{
	char name[64], body[1024];
	struct client_resp r;

	snprintf(name, sizeof(name), "%s", unique("t.reject"));
	snprintf(body, sizeof(body), "{\"events\":["
		"{\"name\":\"%s\"},"
		"{\"name\":\"Bad Name!\"},"
		"{\"name\":\"%s\",\"ts\":\"yesterday\"},"
		"{\"name\":\"%s\",\"color\":\"red\"}]}", name, name, name);
	post_events(body, &r);
	struct json_object *o = client_expect_json(&r, 422), *errs;
	cr_assert(json_object_object_get_ex(o, "errors", &errs));
	cr_assert_eq(json_object_array_length(errs), 3, "%s", r.body);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(errs, 0),
		"field"), "events[1].name");
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(errs, 1),
		"field"), "events[2].ts");
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(errs, 2),
		"field"), "events[3].color");
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(count_named(name), 0, "a rejected batch left rows behind");
}

Test(analytics, batch_limits_are_enforced)
{
	size_t cap = 101 * 20 + 64;
	char *body = malloc(cap);
	size_t n = 0;

	expect_events_status("{\"events\":[]}", 422, "empty batch");

	n += (size_t)sprintf(body + n, "{\"events\":[");
	for (int i = 0; i < 101; i++)
		n += (size_t)sprintf(body + n, "%s{\"name\":\"x\"}", i ? "," : "");
	sprintf(body + n, "]}");
	expect_events_status(body, 422, "101 events");
	free(body);

	/* properties over 4 KiB */
	size_t big = 5000;
	body = malloc(big + 128);
	props_body(body, big + 128, "x", big);
	expect_events_status(body, 422, "big properties");
	free(body);
}

/* Ids are one line of text: a control character (or a tab or line
 * break) in session_id or anonymous_id refuses the batch with 422, and a
 * NUL anywhere in the body is a malformed document (400). */
Test(analytics, control_characters_in_ids_refuse_the_batch)
{
	static const char *const bad[] = { "a\\u0001b", "a\\u007fb",
		"a\\tb", "a\\nb", "\\u001b[31m" };
	char name[64], body[512];
	struct client_resp r;

	snprintf(name, sizeof(name), "%s", unique("t.ctrl"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int f = 0; f < 2; f++) {
			const char *field = f ? "anonymous_id" : "session_id";
			snprintf(body, sizeof(body), "{\"events\":[{\"name\":"
				"\"%s\",\"%s\":\"%s\"}]}", name, field, bad[i]);
			post_events(body, &r);
			cr_expect_eq(r.status, 422, "%s %s: %ld %s", field,
				bad[i], r.status, r.body);
			if (r.status == 422)
				cr_expect(strstr(r.body, "invalid_format") != NULL,
					"%s", r.body);
			client_free(&r);
		}
	}
	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\","
		"\"session_id\":\"a\\u0000b\"}]}", name);
	post_events(body, &r);
	cr_expect_eq(r.status, 400, "NUL: %ld %s", r.status, r.body);
	client_free(&r);
	cr_assert_eq(count_named(name), 0, "a refused batch left rows behind");
}

Test(analytics, hostile_text_is_stored_verbatim)
{
	char name[64], body[1024], sql[512];
	const char *hostile = "'; DROP TABLE analytics_events; -- <script>alert(1)</script>";

	snprintf(name, sizeof(name), "%s", unique("t.hostile"));
	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\","
		"\"session_id\":\"%s\"}]}", name,
		"'; DROP TABLE analytics_events; -- <script>alert(1)</script>");
	expect_events_status(body, 202, "hostile text");
	snprintf(sql, sizeof(sql), "SELECT session_id FROM analytics_events "
		"WHERE name = '%s'", name);
	char *v = client_sql(sql);
	cr_assert_str_eq(v, hostile);
	free(v);
}

Test(analytics, user_is_attached_when_a_token_is_sent)
{
	char name[64], body[256], sql[512], pid[37];
	struct client_resp r;
	char *hdr = client_auth_header("user", pid);
	const char *h[] = { hdr, NULL };
	snprintf(name, sizeof(name), "%s", unique("t.user"));
	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\"}]}", name);
	cr_assert(client_post_json(client_url(EVENTS), body, h, &r) == 0);
	cr_assert_eq(r.status, 202, "%ld %s", r.status, r.body);
	client_free(&r);
	snprintf(sql, sizeof(sql), "SELECT user_id FROM analytics_events "
		"WHERE name = '%s'", name);
	char *v = client_sql(sql);
	cr_assert_str_eq(v, pid);
	free(v);
	free(hdr);
}

/* The contract's limits at their edges: a batch of exactly 100 events is
 * stored whole, in one statement's worth of rows (each row different);
 * a 64-character name is accepted and 65 is not; properties must be an
 * object of at most 4096 serialised bytes; ts more than a day ahead is
 * refused, and an offset is stored as UTC. */
Test(analytics, limits_at_their_edges)
{
	char name[64], n64[70], body[8192], sql[512], *v;
	size_t n = 0;

	snprintf(name, sizeof(name), "%s", unique("t.edge"));
	n += (size_t)sprintf(body + n, "{\"events\":[");
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(body + n, "%s{\"name\":\"%s\","
			"\"session_id\":\"s%d\"}", i ? "," : "", name, i);
	sprintf(body + n, "]}");
	expect_events_status(body, 202, "100 events");
	cr_assert_eq(count_named(name), 100);
	snprintf(sql, sizeof(sql), "SELECT COUNT(DISTINCT session_id) FROM "
		"analytics_events WHERE name = '%s'", name);
	v = client_sql(sql);
	cr_assert_str_eq(v, "100", "each event its own row");
	free(v);

	memset(n64, 'a', 64);
	n64[64] = '\0';
	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\"}]}", n64);
	expect_events_status(body, 202, "64-character name");
	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%sa\"}]}", n64);
	expect_events_status(body, 422, "65-character name");

	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\","
		"\"properties\":[1,2]}]}", name);
	expect_events_status(body, 422, "properties as an array");
	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\","
		"\"properties\":\"x\"}]}", name);
	expect_events_status(body, 422, "properties as a string");
	/* {"p":"aaa..."} serialises to exactly 4096 bytes: 8 + 4088. */
	props_body(body, sizeof(body), name, 4088);
	expect_events_status(body, 202, "properties of 4096 bytes");
	props_body(body, sizeof(body), name, 4089);
	expect_events_status(body, 422, "properties of 4097 bytes");

	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\","
		"\"ts\":\"2999-01-01T00:00:00Z\"}]}", name);
	expect_events_status(body, 422, "ts far ahead");
	snprintf(body, sizeof(body), "{\"events\":[{\"name\":\"%s\","
		"\"session_id\":\"tz\",\"ts\":\"2026-11-27T20:15:00.5+01:00\"}]}",
		name);
	expect_events_status(body, 202, "ts with an offset");
	snprintf(sql, sizeof(sql), "SELECT DATE_FORMAT(occurred_at, "
		"'%%Y-%%m-%%d %%H:%%i:%%s.%%f') FROM analytics_events "
		"WHERE name = '%s' AND session_id = 'tz'", name);
	v = client_sql(sql);
	cr_assert_str_eq(v, "2026-11-27 19:15:00.500000");
	free(v);
	cr_assert_eq(count_named(name), 102, "a refused batch left rows");
}

/* A batch is one INSERT of all its rows, not a statement per event: a
 * batch of 100 runs a handful of prepared statements server-wide, where
 * a statement per event would run at least 100 (other sessions add a
 * few at most in the meantime). */
Test(analytics, a_batch_is_one_statement)
{
	static const char stmts[] = "SELECT VARIABLE_VALUE FROM"
		" information_schema.GLOBAL_STATUS"
		" WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'";
	char name[64], *body = malloc(101 * 48 + 64);
	size_t n = 0;
	long before, after;

	snprintf(name, sizeof(name), "%s", unique("t.one"));
	n += (size_t)sprintf(body + n, "{\"events\":[");
	for (int i = 0; i < 100; i++)
		n += (size_t)sprintf(body + n, "%s{\"name\":\"%s\"}", i ? "," : "",
			name);
	sprintf(body + n, "]}");
	before = client_sql_long(stmts);
	expect_events_status(body, 202, "100 events");
	after = client_sql_long(stmts);
	cr_assert_eq(count_named(name), 100);
	cr_assert_lt(after - before, 50, "%ld statements for one batch",
		after - before);
	free(body);
}
