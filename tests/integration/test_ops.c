/* The operator's routes through the front server: integration
 * validation (every check, in order, and checks that flip when their
 * condition is made true), performance (per-route counts and quantiles,
 * the per-minute series, MariaDB's statement digests) and system (what
 * runs, without secrets); latencies printed to 0.001 ms; admins only. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"

#define VALIDATE "/api/v1/admin/integration/validate"
#define PERFORMANCE "/api/v1/admin/performance"
#define SYSTEM "/api/v1/admin/system"

static const char *const check_names[] = {
	"database", "database_replica", "migrations", "shared_segment",
	"storage", "mail_outbox", "signing_keys", "webhook_secret", "clock"
};
#define NCHECKS (sizeof(check_names) / sizeof(check_names[0]))

static char *admin;

static void setup(void)
{
	admin = client_auth_header("admin", NULL);
}

static void teardown(void)
{
	free(admin);
}

TestSuite(ops, .init = setup, .fini = teardown);

/* The admin's answer to method path (200 expected), parsed; the raw body
 * into *body when body is not NULL (malloc'd). */
static struct json_object *admin_json(const char *method, const char *path,
	char **body)
{
	struct client_resp r;
	struct json_object *o;

	client_call(method, path, admin, NULL, &r);
	o = client_expect_json(&r, 200);
	if (body != NULL)
		*body = strdup(r.body);
	client_free(&r);
	return o;
}

static int rank(const char *status)
{
	if (strcmp(status, "pass") == 0)
		return 0;
	if (strcmp(status, "warn") == 0)
		return 1;
	cr_assert_str_eq(status, "fail", "unknown status %s", status);
	return 2;
}

/* The status of check name in a validate answer (asserts it is there). */
static const char *check_status(struct json_object *o, const char *name)
{
	struct json_object *checks = json_object_object_get(o, "checks");

	for (size_t i = 0; i < json_object_array_length(checks); i++) {
		struct json_object *c = json_object_array_get_idx(checks, i);

		if (strcmp(json_object_get_string(
				json_object_object_get(c, "name")), name) == 0)
			return json_object_get_string(
				json_object_object_get(c, "status"));
	}
	cr_assert_fail("no check %s", name);
	return NULL;
}

/* What mail_outbox must say for the outbox as it is: the oldest
 * undelivered mail's age against 15 minutes and an hour. Other programs
 * sharing the database may leave mail behind; the check must agree with
 * the table, whatever is in it. */
static const char *outbox_expected(void)
{
	long age = client_sql_long("SELECT COALESCE(TIMESTAMPDIFF(SECOND,"
		" MIN(created_at), UTC_TIMESTAMP(6)), 0) FROM mail_outbox"
		" WHERE sent_at IS NULL");

	return age >= 3600 ? "fail" : age >= 900 ? "warn" : "pass";
}

Test(ops, validate_answers_every_check_in_order)
{
	char *out = NULL;
	struct json_object *o, *checks;
	int worst = 0;

	/* Deliver what other programs queued, so the outbox is as a
	 * running system's jobs keep it. */
	client_ctl_run(0, &out, "jobs run --once --only mail-send");
	free(out);
	o = admin_json("POST", VALIDATE, NULL);
	checks = json_object_object_get(o, "checks");
	cr_assert_eq(json_object_array_length(checks), NCHECKS);
	for (size_t i = 0; i < NCHECKS; i++) {
		struct json_object *c = json_object_array_get_idx(checks, i);
		const char *st = json_object_get_string(
			json_object_object_get(c, "status"));
		const char *detail = json_object_get_string(
			json_object_object_get(c, "detail"));

		cr_assert_str_eq(json_object_get_string(
			json_object_object_get(c, "name")), check_names[i]);
		cr_assert(json_object_object_get(c, "latency_ms") != NULL);
		cr_assert(detail != NULL && detail[0] != '\0');
		if (strcmp(check_names[i], "database_replica") == 0) {
			cr_assert_str_eq(st, "warn");
			cr_assert_str_eq(detail, "not configured");
		} else if (strcmp(check_names[i], "mail_outbox") == 0) {
			cr_assert_str_eq(st, outbox_expected(), "%s", detail);
		} else {
			cr_assert_str_eq(st, "pass", "%s: %s: %s",
				check_names[i], st, detail);
		}
		if (rank(st) > worst)
			worst = rank(st);
	}
	cr_assert_eq(rank(client_json_str(o, "status")), worst,
		"the overall status is the worst check's");
	cr_assert(client_json_str(o, "checked_at") != NULL);
	json_object_put(o);
}

/* An undelivered mail two hours old fails mail_outbox and the whole
 * validation; gone, the check agrees with the table again. */
Test(ops, old_undelivered_mail_fails_mail_outbox)
{
	const char *to = client_unique("ops-outbox");
	struct json_object *o;

	client_sqlf("INSERT INTO mail_outbox (created_at, to_addr, subject,"
		" body, template, attempts, next_attempt_at) VALUES"
		" (UTC_TIMESTAMP(6) - INTERVAL 2 HOUR, '%s@example.test', 's',"
		" 'b', 'test', 0, UTC_TIMESTAMP(6) + INTERVAL 1 DAY)", to);
	o = admin_json("POST", VALIDATE, NULL);
	cr_assert_str_eq(check_status(o, "mail_outbox"), "fail");
	cr_assert_str_eq(client_json_str(o, "status"), "fail");
	json_object_put(o);
	client_sqlf("DELETE FROM mail_outbox WHERE to_addr = '%s@example.test'",
		to);
	o = admin_json("POST", VALIDATE, NULL);
	cr_assert_str_eq(check_status(o, "mail_outbox"), outbox_expected());
	json_object_put(o);
}

static char storage_dir[1024], storage_away[1100];

static void storage_restore(void)
{
	client_dir_put_back(storage_dir, storage_away);
}

/* The storage check writes a file: a storage_dir the workers cannot
 * create files in (here a plain file where the directory was; the tests
 * run as root, so a mode would not stop them) fails it. */
Test(ops, unwritable_storage_fails_the_storage_check, .fini = storage_restore)
{
	char *dir = client_config("storage_dir", NULL);
	struct json_object *o;

	cr_assert(dir != NULL);
	snprintf(storage_dir, sizeof(storage_dir), "%s", dir);
	free(dir);
	o = admin_json("POST", VALIDATE, NULL);
	cr_assert_str_eq(check_status(o, "storage"), "pass");
	json_object_put(o);

	client_dir_replace_by_file(storage_dir, storage_away,
		sizeof(storage_away));
	o = admin_json("POST", VALIDATE, NULL);
	cr_assert_str_eq(check_status(o, "storage"), "fail");
	cr_assert_str_eq(client_json_str(o, "status"), "fail");
	json_object_put(o);
	storage_restore();
	cr_assert_eq(storage_away[0], '\0', "storage_dir not put back");
	o = admin_json("POST", VALIDATE, NULL);
	cr_assert_str_eq(check_status(o, "storage"), "pass");
	json_object_put(o);
}

/* The entry of route (GET) in a performance answer, or NULL. */
static struct json_object *route_entry(struct json_object *o,
	const char *method, const char *route)
{
	struct json_object *routes = json_object_object_get(o, "routes");

	for (size_t i = 0; i < json_object_array_length(routes); i++) {
		struct json_object *r = json_object_array_get_idx(routes, i);

		if (strcmp(json_object_get_string(json_object_object_get(r,
				"route")), route) == 0 &&
		    strcmp(json_object_get_string(json_object_object_get(r,
				"method")), method) == 0)
			return r;
	}
	return NULL;
}

static double num(struct json_object *o, const char *k)
{
	struct json_object *v = json_object_object_get(o, k);

	cr_assert(v != NULL, "no %s", k);
	return json_object_get_double(v);
}

Test(ops, performance_counts_a_route_with_ordered_quantiles)
{
	const int n = 6;
	struct json_object *before, *after, *r, *series, *last, *prev;
	double count0 = 0;
	long min0, min1;

	before = admin_json("GET", PERFORMANCE, NULL);
	r = route_entry(before, "GET", "/api/v1");
	if (r != NULL)
		count0 = num(r, "requests");
	json_object_put(before);

	min0 = (long)time(NULL) / 60;
	for (int i = 0; i < n; i++) {
		struct client_resp resp;

		client_send("GET", "/api/v1", &resp);
		cr_assert_eq(resp.status, 200);
		client_free(&resp);
	}
	after = admin_json("GET", PERFORMANCE, NULL);
	min1 = (long)time(NULL) / 60;
	r = route_entry(after, "GET", "/api/v1");
	cr_assert(r != NULL, "GET /api/v1 missing from routes");
	cr_assert_geq(num(r, "requests"), count0 + n);
	cr_assert(num(r, "p50_ms") > 0);
	cr_assert_leq(num(r, "p50_ms"), num(r, "p95_ms"));
	cr_assert_leq(num(r, "p95_ms"), num(r, "p99_ms"));
	cr_assert(num(r, "error_rate") >= 0 && num(r, "error_rate") <= 1);

	/* Sixty minutes, every one present, the current one last and
	 * counting the requests just made (the minute may have turned
	 * between them and the answer: then the two last share them). */
	series = json_object_object_get(after, "series");
	cr_assert_eq(json_object_array_length(series), 60);
	last = json_object_array_get_idx(series, 59);
	prev = json_object_array_get_idx(series, 58);
	if (min0 == min1)
		cr_assert_geq(num(last, "requests"), n);
	else
		cr_assert_geq(num(last, "requests") + num(prev, "requests"), n);
	{
		char want[32];
		time_t t = (time_t)(min1 * 60);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		cr_assert_str_eq(json_object_get_string(
			json_object_object_get(last, "t")), want);
	}
	cr_assert(json_object_object_get(json_object_object_get(after, "cache"),
		"hit_rate") != NULL);
	json_object_put(after);
}

/* The stack's MariaDB runs with performance_schema on and the API's
 * account may read it: the slowest statements are this database's. */
Test(ops, slow_queries_come_from_performance_schema)
{
	struct json_object *o = admin_json("GET", PERFORMANCE, NULL);
	struct json_object *items;

	cr_assert_str_eq(client_json_str(o, "slow_queries.source"),
		"performance_schema");
	items = json_object_object_get(json_object_object_get(o,
		"slow_queries"), "items");
	cr_assert_gt(json_object_array_length(items), 0);
	cr_assert(client_json_str(o, "slow_queries.items[0].statement") != NULL);
	cr_assert(atof(client_json_str(o, "slow_queries.items[0].calls")) >= 1);
	json_object_put(o);
}

/* The contents of the stack's secret file name, trimmed (malloc'd). */
static char *secret(const char *name)
{
	char path[1024];
	char *s;
	size_t n;

	snprintf(path, sizeof(path), "%s/secrets/%s",
		client_env("DEVFORGE_TEST_STACK_DIR"), name);
	s = client_file(path);
	cr_assert(s != NULL, "cannot read %s", path);
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

Test(ops, system_reports_the_pool_and_hides_secrets)
{
	static const char *const files[] = { "db_password", "jwt_secret",
		"stripe_secret_key", "stripe_webhook_secret",
		"stripe_webhook_secret_previous", "license_signing_key.pem" };
	char *body = NULL;
	struct json_object *o = admin_json("GET", SYSTEM, &body);
	struct json_object *ready;
	struct client_resp r;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *s = secret(files[i]);
		char probe[33];

		cr_assert_gt(strlen(s), 16);
		/* A PEM's first line is its label: probe its key bytes. */
		snprintf(probe, sizeof(probe), "%s",
			strchr(s, '\n') != NULL ? strchr(s, '\n') + 1 : s);
		cr_assert_null(strstr(body, probe), "%s leaks", files[i]);
		free(s);
	}
	cr_assert(client_json_str(o, "version") != NULL);
	cr_assert_str_eq(client_json_str(o, "mode"), "development");
	cr_assert(atol(client_json_str(o, "uptime_seconds")) >= 0);
	cr_assert_geq(atol(client_json_str(o, "workers.configured")), 1);
	cr_assert_geq(atol(client_json_str(o, "workers.running")), 1);
	/* The worker answering counts itself busy. */
	cr_assert_geq(atol(client_json_str(o, "workers.busy")), 1);
	cr_assert(client_json_str(o, "database.server_version") != NULL);
	client_send("GET", "/api/v1/health/ready", &r);
	ready = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "database.schema_version"),
		client_json_str(ready, "checks.migrations.expected"));
	json_object_put(ready);
	client_free(&r);
	cr_assert(client_json_str(o, "config.public_url") != NULL);
	json_object_put(o);
	free(body);
}

/* Every member named *_ms in text is a number with at most 3
 * decimals; returns how many there were. */
static int assert_ms_decimals(const char *text)
{
	const char *p = text;
	int seen = 0;

	while ((p = strstr(p, "_ms\":")) != NULL) {
		const char *v = p + 5, *dot;
		size_t digits;

		p = v;
		if (strncmp(v, "null", 4) == 0)
			continue;
		cr_assert(*v == '-' || isdigit((unsigned char)*v),
			"not a number: %.40s", v);
		digits = strspn(v + (*v == '-'), "0123456789");
		dot = v + (*v == '-') + digits;
		if (*dot == '.')
			cr_assert_leq(strspn(dot + 1, "0123456789"), 3,
				"too many decimals: %.40s", v);
		cr_assert(*dot != 'e' && *dot != 'E', "exponent: %.40s", v);
		seen++;
	}
	return seen;
}

Test(ops, latencies_have_at_most_three_decimals)
{
	struct json_object *o;
	struct client_resp r;
	char *body = NULL;

	o = admin_json("POST", VALIDATE, &body);
	cr_assert_geq(assert_ms_decimals(body), (int)NCHECKS);
	json_object_put(o);
	free(body);
	o = admin_json("GET", PERFORMANCE, &body);
	cr_assert_geq(assert_ms_decimals(body), 60);
	json_object_put(o);
	free(body);
	client_send("GET", "/api/v1/health/ready", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(assert_ms_decimals(r.body), 1);
	client_free(&r);
}

Test(ops, admin_routes_refuse_users_and_anonymous)
{
	static const char *const routes[][2] = {
		{ "POST", VALIDATE }, { "GET", PERFORMANCE }, { "GET", SYSTEM }
	};
	char *user = client_auth_header("user", NULL);

	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(client_status(routes[i][0], routes[i][1], user,
			NULL), 403, "%s %s", routes[i][0], routes[i][1]);
		cr_assert_eq(client_status(routes[i][0], routes[i][1], NULL,
			NULL), 401, "%s %s", routes[i][0], routes[i][1]);
	}
	free(user);
}
