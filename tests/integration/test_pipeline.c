/* The router's pipeline, one status per test, each produced by a real
 * request through the front server and answered as Problem Details. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "client.h"

#define EVENTS "/api/v1/analytics/events"

/* Asserts a problem answer: status, content type, type URL with code,
 * and a request_id equal to the X-Request-Id header. */
static void assert_problem(struct client_resp *r, long status, const char *code)
{
	client_assert_problem(r, status, code);
	struct json_object *o = client_json(r);
	cr_assert_eq(atoi(client_json_str(o, "status")), status);
	cr_assert(client_json_str(o, "title") != NULL);
	char *rid = client_header(r, "X-Request-Id");
	cr_assert_str_eq(client_json_str(o, "request_id"), rid);
	free(rid);
	char *nosniff = client_header(r, "X-Content-Type-Options");
	cr_assert_str_eq(nosniff, "nosniff");
	free(nosniff);
	json_object_put(o);
}

/* The RFC 6750 challenge of a 401 as the front server passed it on: the
 * bare realm without a token, error="invalid_token" with the given
 * description for a refused one. */
static void assert_challenge(struct client_resp *r, const char *description)
{
	char want[512];
	char *www = client_header(r, "WWW-Authenticate");

	if (description == NULL)
		snprintf(want, sizeof(want), "Bearer realm=\"devforge\"");
	else
		snprintf(want, sizeof(want), "Bearer realm=\"devforge\", "
			"error=\"invalid_token\", error_description=\"%s\"",
			description);
	cr_assert(www != NULL, "no WWW-Authenticate on the %ld", r->status);
	cr_assert_str_eq(www, want);
	free(www);
}

Test(pipeline, unknown_path_is_404)
{
	struct client_resp r;

	client_send("GET", "/api/v1/no-such-thing", &r);
	assert_problem(&r, 404, "not_found");
	client_free(&r);
}

Test(pipeline, wrong_method_is_405_with_allow)
{
	struct client_resp r;

	client_send("DELETE", "/api/v1/health", &r);
	assert_problem(&r, 405, "method_not_allowed");
	char *allow = client_header(&r, "Allow");
	cr_assert(allow && strstr(allow, "GET") && strstr(allow, "HEAD"),
		"Allow: %s", allow ? allow : "(none)");
	cr_assert(strstr(allow, "DELETE") == NULL);
	free(allow);
	client_free(&r);
}

Test(pipeline, dot_segments_cannot_escape_the_root)
{
	struct client_resp r;

	/* curl would normalise the path itself: send it as is. */
	client_send("GET", "/api/v1/%2e%2e/%2e%2e/%2e%2e/etc/passwd", &r);
	cr_assert(r.status == 400 || r.status == 404, "got %ld", r.status);
	client_free(&r);
}

Test(pipeline, percent_00_in_path_never_reaches_a_route)
{
	struct client_resp r;

	/* lighttpd refuses it with 400 and Apache with 404 before the
	 * workers see it; the worker's own refusal is unit-tested. */
	client_send("GET", "/api/v1/health%00x", &r);
	cr_assert(r.status == 400 || r.status == 404, "got %ld", r.status);
	client_free(&r);
}

Test(pipeline, body_without_length_is_411_or_buffered_by_the_front)
{
	/* A chunked body has no Content-Length. lighttpd buffers it and
	 * passes the length on; Apache's mod_proxy_fcgi streams a large one
	 * without CONTENT_LENGTH, and the worker answers 411 rather than
	 * read an unbounded body. */
	const char *h[] = { "Content-Type: application/json",
		"Transfer-Encoding: chunked", NULL };
	size_t n = 64 * 1024;
	char *body = malloc(n + 1);
	struct client_resp r;
	const char *front = getenv("DEVFORGE_TEST_FRONT");

	memset(body, ' ', n);
	memcpy(body, "{\"events\":[{\"name\":\"chunked.body\"}]", 35);
	body[n - 1] = '}';
	body[n] = '\0';
	cr_assert(client_request("POST", client_url(EVENTS), h, body, n, &r) == 0);
	if (front && strcmp(front, "apache") == 0)
		assert_problem(&r, 411, "length_required");
	else
		cr_assert_eq(r.status, 202, "%ld %s", r.status, r.body);
	client_free(&r);
	free(body);
}

Test(cors, preflight_from_listed_origin_is_answered)
{
	const char *h[] = { "Origin: http://localhost:3000",
		"Access-Control-Request-Method: POST",
		"Access-Control-Request-Headers: content-type, authorization", NULL };
	struct client_resp r;

	cr_assert(client_request("OPTIONS", client_url(EVENTS), h, NULL, 0,
		&r) == 0);
	cr_assert_eq(r.status, 204, "got %ld %s", r.status, r.body);
	char *ao = client_header(&r, "Access-Control-Allow-Origin");
	char *am = client_header(&r, "Access-Control-Allow-Methods");
	char *ac = client_header(&r, "Access-Control-Allow-Credentials");
	cr_assert_str_eq(ao, "http://localhost:3000");
	cr_assert(am && strstr(am, "POST"));
	cr_assert_str_eq(ac, "true");
	free(ao);
	free(am);
	free(ac);
	client_free(&r);
}

Test(cors, preflight_from_unlisted_origin_is_refused)
{
	const char *h[] = { "Origin: https://evil.example",
		"Access-Control-Request-Method: POST", NULL };
	struct client_resp r;

	cr_assert(client_request("OPTIONS", client_url(EVENTS), h, NULL, 0,
		&r) == 0);
	assert_problem(&r, 403, "forbidden");
	char *ao = client_header(&r, "Access-Control-Allow-Origin");
	cr_assert_null(ao);
	client_free(&r);
}

Test(cors, simple_request_gets_origin_only_when_listed)
{
	const char *good[] = { "Origin: http://localhost:3000", NULL };
	const char *bad[] = { "Origin: https://evil.example", NULL };
	struct client_resp r;

	cr_assert(client_request("GET", client_url("/api/v1/health"), good,
		NULL, 0, &r) == 0);
	char *ao = client_header(&r, "Access-Control-Allow-Origin");
	cr_assert_str_eq(ao, "http://localhost:3000");
	free(ao);
	client_free(&r);

	cr_assert(client_request("GET", client_url("/api/v1/health"), bad,
		NULL, 0, &r) == 0);
	cr_assert_eq(r.status, 200);
	ao = client_header(&r, "Access-Control-Allow-Origin");
	cr_assert_null(ao);
	client_free(&r);
}

/* An event batch sent with this Content-Type line is refused with 415. */
static void expect_415(const char *content_type)
{
	const char *h[] = { content_type, NULL };
	struct client_resp r;
	const char *body = "{\"events\":[{\"name\":\"x\"}]}";

	cr_assert(client_request("POST", client_url(EVENTS), h, body,
		strlen(body), &r) == 0);
	assert_problem(&r, 415, "unsupported_media_type");
	client_free(&r);
}

Test(pipeline, wrong_content_type_is_415)
{
	expect_415("Content-Type: text/plain");
}

Test(pipeline, json_with_other_charset_is_415)
{
	expect_415("Content-Type: application/json; charset=latin1");
}

Test(pipeline, body_over_the_cap_is_413)
{
	size_t n = 2 * 1024 * 1024;
	char *body = malloc(n + 1);
	struct client_resp r;

	memset(body, ' ', n);
	body[0] = '{';
	body[n - 1] = '}';
	body[n] = '\0';
	cr_assert(client_post_json(client_url(EVENTS), body, NULL, &r) == 0);
	assert_problem(&r, 413, "payload_too_large");
	client_free(&r);
	free(body);
}

Test(pipeline, malformed_json_is_400)
{
	const char *bodies[] = {
		"{\"events\": [",            /* truncated */
		"[1, 2, 3]",                 /* not an object */
		"{\"a\":1} trailing",        /* garbage after the value */
		"{\"a\":\"\xc3\x28\"}",      /* invalid UTF-8 */
		"",                          /* empty */
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct client_resp r;
		cr_assert(client_post_json(client_url(EVENTS), bodies[i], NULL,
			&r) == 0);
		cr_assert(r.status == 400 || (i == 4 && r.status == 411),
			"body %zu: %ld %s", i, r.status, r.body);
		if (r.status == 400)
			assert_problem(&r, 400, "bad_request");
		client_free(&r);
	}
}

Test(pipeline, json_nested_too_deep_is_400)
{
	char body[2100];
	size_t n = 0;

	body[n++] = '{';
	body[n++] = '"';
	body[n++] = 'a';
	body[n++] = '"';
	body[n++] = ':';
	for (int i = 0; i < 1000; i++)
		body[n++] = '[';
	for (int i = 0; i < 1000; i++)
		body[n++] = ']';
	body[n++] = '}';
	body[n] = '\0';
	struct client_resp r;
	cr_assert(client_post_json(client_url(EVENTS), body, NULL, &r) == 0);
	assert_problem(&r, 400, "bad_request");
	client_free(&r);
}

Test(pipeline, unknown_field_is_422_naming_it)
{
	struct client_resp r;

	cr_assert(client_post_json(client_url(EVENTS),
		"{\"events\":[{\"name\":\"ok\"}],\"evnets\":1}", NULL, &r) == 0);
	assert_problem(&r, 422, "validation_failed");
	struct json_object *o = client_json(&r), *errs, *e0;
	cr_assert(json_object_object_get_ex(o, "errors", &errs));
	cr_assert(json_object_array_length(errs) >= 1);
	e0 = json_object_array_get_idx(errs, 0);
	cr_assert_str_eq(client_json_str(e0, "field"), "evnets");
	cr_assert_str_eq(client_json_str(e0, "code"), "unknown_field");
	json_object_put(o);
	client_free(&r);
}

Test(auth, bad_bearer_token_is_401)
{
	const char *h[] = { "Authorization: Bearer not.a.token", NULL };
	struct client_resp r;

	cr_assert(client_post_json(client_url(EVENTS),
		"{\"events\":[{\"name\":\"x\"}]}", h, &r) == 0);
	assert_problem(&r, 401, "invalid_token");
	assert_challenge(&r, "The access token is not valid: sign in again.");
	client_free(&r);
}

Test(auth, metrics_from_untrusted_address_without_token_is_401)
{
	struct client_resp r;

	cr_assert(client_get(client_untrusted_url("/api/v1/metrics"), &r) == 0);
	assert_problem(&r, 401, "unauthorized");
	/* No token at all: the bare challenge, no error code (RFC 6750 3.1). */
	assert_challenge(&r, NULL);
	client_free(&r);
}

/* GET /api/v1/metrics from the untrusted address with this token. */
static void metrics_with_token(const char *tok, struct client_resp *r)
{
	char hdr[4096];

	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", tok);
	client_call_untrusted("GET", "/api/v1/metrics", hdr, NULL, r);
}

Test(auth, metrics_for_a_user_token_is_403)
{
	char *hdr = client_auth_header("user", NULL);
	struct client_resp r;

	client_call_untrusted("GET", "/api/v1/metrics", hdr, NULL, &r);
	assert_problem(&r, 403, "forbidden");
	client_free(&r);
	free(hdr);
}

Test(auth, metrics_for_an_admin_token_from_anywhere_is_200)
{
	char *hdr = client_auth_header("admin", NULL);
	struct client_resp r;

	client_call_untrusted("GET", "/api/v1/metrics", hdr, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	cr_assert(strstr(r.body, "devforge_http_requests_total") != NULL);
	client_free(&r);
	free(hdr);
}

Test(auth, token_of_an_unknown_user_is_401)
{
	char *tok = client_token("00000000-0000-4000-8000-000000000000",
		"admin", 300, 0);
	struct client_resp r;

	metrics_with_token(tok, &r);
	assert_problem(&r, 401, "invalid_token");
	client_free(&r);
	free(tok);
}

/* A genuine token past its exp: the client refreshes rather than
 * signing in again, and can tell so from the type and the challenge. */
Test(auth, expired_token_is_401)
{
	char pid[37];
	cr_assert_eq(client_user("admin", pid), 0);
	char *tok = client_token(pid, "admin", -10, -100);
	struct client_resp r;

	metrics_with_token(tok, &r);
	assert_problem(&r, 401, "token_expired");
	assert_challenge(&r, "The access token has expired: get a new one "
		"with the refresh token.");
	client_free(&r);
	free(tok);
}

Test(ratelimit, analytics_batches_are_limited_per_address)
{
	/* The untrusted address has its own bucket, so this test does not
	 * starve the others. Bodies are malformed on purpose: the limit is
	 * taken before the body is read, so nothing is stored. */
	struct client_resp r;
	int limited = 0, passed = 0, limit = 0;
	double t0 = client_now();

	for (int i = 0; i < 2000 && !limited; i++) {
		cr_assert(client_post_json(client_untrusted_url(EVENTS), "{", NULL,
			&r) == 0);
		if (r.status == 429) {
			limited = 1;
			assert_problem(&r, 429, "rate_limited");
			char *ra = client_header(&r, "Retry-After");
			char *rl = client_header(&r, "RateLimit-Limit");
			char *rr = client_header(&r, "RateLimit-Remaining");
			char *rs = client_header(&r, "RateLimit-Reset");
			cr_assert(ra && atoi(ra) >= 1, "Retry-After %s", ra);
			cr_assert(rl && atoi(rl) >= 1);
			limit = atoi(rl);
			cr_assert_str_eq(rr, "0");
			cr_assert(rs != NULL);
			free(ra);
			free(rl);
			free(rr);
			free(rs);
		} else {
			cr_assert_eq(r.status, 400, "%ld %s", r.status, r.body);
			char *rr = client_header(&r, "RateLimit-Remaining");
			cr_assert(rr != NULL, "RateLimit-Remaining missing");
			free(rr);
			passed++;
		}
		client_free(&r);
	}
	cr_assert(limited, "no 429 after 2000 batches");
	/* Never more than the burst plus what refilled meanwhile (the
	 * analytics class is per minute) got through. */
	double refill = (client_now() - t0) * limit / 60.0;
	cr_assert(passed <= limit + (int)refill + 1, "%d passed, limit %d, "
		"refill %.1f", passed, limit, refill);
}
