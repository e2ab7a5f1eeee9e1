/* Health, readiness, the API root, request ids and the headers every
 * answer carries, through the front server. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "client.h"

static void assert_common_headers(const struct client_resp *r)
{
	char *nosniff = client_header(r, "X-Content-Type-Options");
	char *rid = client_header(r, "X-Request-Id");

	cr_assert(nosniff != NULL && strcmp(nosniff, "nosniff") == 0,
		"X-Content-Type-Options: nosniff missing");
	cr_assert(rid != NULL && strlen(rid) >= 8, "X-Request-Id missing");
	free(nosniff);
	free(rid);
}

/* GET path: 200 with a JSON body, returned (put it when done). */
static struct json_object *get_json(const char *path)
{
	struct client_resp r;
	struct json_object *o;

	client_send("GET", path, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

Test(health, liveness_answers_ok_with_version)
{
	const char *paths[] = { "/health", "/api/v1/health" };

	for (size_t i = 0; i < 2; i++) {
		struct client_resp r;
		cr_assert(client_get(client_url(paths[i]), &r) == 0);
		cr_assert_eq(r.status, 200, "%s -> %ld", paths[i], r.status);
		struct json_object *o = client_json(&r);
		cr_assert(o != NULL, "body is not JSON: %s", r.body);
		cr_assert_str_eq(client_json_str(o, "status"), "ok");
		cr_assert(client_json_str(o, "version") != NULL);
		char *ct = client_header(&r, "Content-Type");
		cr_assert(ct && strncmp(ct, "application/json", 16) == 0);
		free(ct);
		assert_common_headers(&r);
		json_object_put(o);
		client_free(&r);
	}
}

Test(health, head_has_no_body)
{
	struct client_resp r;

	client_send("HEAD", "/health", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.body_len, 0);
	client_free(&r);
}

Test(health, readiness_reports_database_and_migrations)
{
	struct json_object *o = get_json("/api/v1/health/ready");

	cr_assert_str_eq(client_json_str(o, "status"), "ok");
	cr_assert_str_eq(client_json_str(o, "checks.database.status"), "ok");
	cr_assert(client_json_str(o, "checks.database.latency_ms") != NULL);
	cr_assert_str_eq(client_json_str(o, "checks.migrations.status"), "ok");
	cr_assert_str_eq(client_json_str(o, "checks.migrations.current"),
		client_json_str(o, "checks.migrations.expected"));
	cr_assert(atoi(client_json_str(o, "checks.migrations.expected")) >= 2);
	json_object_put(o);
}

Test(health, api_root_links_to_docs)
{
	struct json_object *o = get_json("/api/v1");

	cr_assert_str_eq(client_json_str(o, "name"), "Dev Forge API");
	cr_assert_str_eq(client_json_str(o, "links.openapi"), "/docs/openapi.yaml");
	json_object_put(o);
}

Test(health, docs_are_served_by_the_front_server)
{
	struct client_resp r;

	client_send("GET", "/docs/openapi.yaml", &r);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body, "openapi: 3.1") != NULL);
	/* Static files do not pass through the workers: no request id. */
	char *rid = client_header(&r, "X-Request-Id");
	cr_assert_null(rid);
	client_free(&r);
}

Test(request_id, valid_incoming_id_is_kept)
{
	const char *h[] = { "X-Request-Id: trace-abc.123_XYZ", NULL };
	struct client_resp r;

	cr_assert(client_request("GET", client_url("/health"), h, NULL, 0, &r) == 0);
	char *rid = client_header(&r, "X-Request-Id");
	cr_assert_str_eq(rid, "trace-abc.123_XYZ");
	free(rid);
	client_free(&r);
}

Test(request_id, invalid_incoming_id_is_replaced)
{
	const char *bad[] = {
		"X-Request-Id: short", /* under 8 */
		"X-Request-Id: has space in it",
		"X-Request-Id: <script>alert(1)</script>",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *h[] = { bad[i], NULL };
		struct client_resp r;
		cr_assert(client_request("GET", client_url("/health"), h, NULL,
			0, &r) == 0);
		char *rid = client_header(&r, "X-Request-Id");
		cr_assert(rid != NULL);
		cr_assert_eq(strlen(rid), 32, "%s kept as %s", bad[i], rid);
		cr_assert(strspn(rid, "0123456789abcdef") == 32);
		free(rid);
		client_free(&r);
	}
}

Test(request_id, each_request_gets_its_own)
{
	struct client_resp a, b;

	cr_assert(client_get(client_url("/health"), &a) == 0);
	cr_assert(client_get(client_url("/health"), &b) == 0);
	char *ra = client_header(&a, "X-Request-Id");
	char *rb = client_header(&b, "X-Request-Id");
	cr_assert(ra && rb && strcmp(ra, rb) != 0);
	free(ra);
	free(rb);
	client_free(&a);
	client_free(&b);
}

/* A value of the stack's config file as a number (dflt when absent). */
static long conf_long(const char *key, long dflt)
{
	char *v = client_config(key, NULL);
	long n = v ? atol(v) : dflt;

	free(v);
	return n;
}

static long questions(void)
{
	char *v = client_sql("SELECT VARIABLE_VALUE FROM "
		"information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
		"'QUESTIONS';");
	long n = v ? atol(v) : -1;

	free(v);
	cr_assert(n >= 0, "cannot read the server's Questions counter");
	return n;
}

/* Readiness is anonymous: if each call went to the database, anyone
 * could turn requests into database load. Each worker answers from a
 * check at most a second old, so a burst of calls costs at most one
 * check per worker per second, however many calls it holds. The bound
 * grows with the time the burst took, so a slow machine cannot fail it. */
Test(health, readiness_bursts_do_not_reach_the_database_per_call,
	.timeout = 120)
{
	const int calls = 300;
	long workers = conf_long("workers", 4), before, overhead, used;
	double t0, elapsed;
	struct client_resp r;

	/* What reading the counter itself costs. */
	before = questions();
	overhead = questions() - before;

	before = questions();
	t0 = client_now();
	for (int i = 0; i < calls; i++) {
		client_send("GET", "/api/v1/health/ready", &r);
		cr_assert_eq(r.status, 200, "ready -> %ld %s", r.status, r.body);
		client_free(&r);
	}
	elapsed = client_now() - t0;
	used = questions() - before - overhead;
	/* Two statements per check at most (a ping and the schema
	 * version), one check per worker per started second. */
	long bound = 2 * workers * ((long)elapsed + 2);
	cr_assert(used <= bound, "%d readiness calls in %.1fs cost %ld database "
		"statements (at most %ld for %ld workers)", calls, elapsed, used,
		bound, workers);
}
