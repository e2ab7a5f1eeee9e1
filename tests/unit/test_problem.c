/* Unit tests of Problem Details bodies: every field present, errors[]
 * collected, codes and titles, 5xx details kept generic, 401 challenge. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "arena.h"
#include "err.h"
#include "http.h"
#include "problem.h"
#include "kit.h"

static struct arena *A;
static struct request R;
static char *ENV[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x",
	"HTTP_X_REQUEST_ID=test-request-1", NULL };

static void setup(void)
{
	A = arena_new(0);
	cr_assert_not_null(A);
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, NULL, NULL), 0);
}

static void teardown(void)
{
	arena_free(A);
}

TestSuite(problem_send, .init = setup, .fini = teardown);
TestSuite(problem_add_error, .init = setup, .fini = teardown);

static void put_json(void *p)
{
	json_object_put(p);
}

/* Parses the response body (registered for release with the arena). */
static struct json_object *body_json(void)
{
	struct json_object *o;

	cr_assert_not_null(R.resp.body);
	cr_assert_eq(strlen(R.resp.body), R.resp.body_len);
	o = json_tokener_parse(R.resp.body);
	cr_assert_not_null(o, "body is not JSON: %s", R.resp.body);
	cr_assert_eq(arena_defer(A, put_json, o), 0);
	return o;
}

/* The body as JSON, asserting its type is the problem code. */
static struct json_object *body_of_type(const char *code)
{
	struct json_object *o = body_json();
	char want[128];

	snprintf(want, sizeof(want), "https://devforge.dev/problems/%s", code);
	cr_assert_str_eq(unit_str_field(o, "type"), want);
	return o;
}

Test(problem_send, writes_every_field)
{
	struct json_object *o, *v;

	cr_assert_eq(problem_send(&R, 404, NULL, "No extension named x."),
		DF_ERESPONDED);
	cr_assert_eq(R.resp.status, 404);
	cr_assert_str_eq(R.resp.content_type, "application/problem+json");
	o = body_of_type("not_found");
	cr_assert_str_eq(unit_str_field(o, "title"), "Not found");
	cr_assert_str_eq(unit_str_field(o, "detail"), "No extension named x.");
	cr_assert_str_eq(unit_str_field(o, "request_id"), "test-request-1");
	cr_assert_eq(unit_int_field(o, "status"), 404);
	cr_assert(json_object_object_get_ex(o, "errors", &v));
	cr_assert(json_object_is_type(v, json_type_array));
	cr_assert_eq(json_object_array_length(v), 0);
}

Test(problem_send, gives_a_default_detail_when_none)
{
	struct json_object *o;

	problem_send(&R, 415, NULL, NULL);
	o = body_of_type("unsupported_media_type");
	cr_assert_gt(strlen(unit_str_field(o, "detail")), 0);
}

Test(problem_send, escapes_caller_text_as_json)
{
	struct json_object *o;

	problem_send(&R, 400, NULL, "bad \"quote\" and\nnewline </script>");
	o = body_json();
	cr_assert_str_eq(unit_str_field(o, "detail"),
		"bad \"quote\" and\nnewline </script>");
	cr_assert_null(strchr(R.resp.body, '\n'), "raw newline in body");
}

Test(problem_send, hides_the_callers_detail_on_5xx)
{
	struct json_object *o;

	problem_send(&R, 500, NULL, "SQL error near 'users' at /srv/x.c:42");
	o = body_json();
	cr_assert_null(strstr(R.resp.body, "SQL"), "%s", R.resp.body);
	cr_assert_null(strstr(R.resp.body, "/srv"), "%s", R.resp.body);
	cr_assert_str_eq(unit_str_field(o, "type"),
		"https://devforge.dev/problems/internal");
	cr_assert_str_eq(unit_str_field(o, "title"), "Internal error");
	cr_assert_str_eq(unit_str_field(o, "request_id"), "test-request-1");
}

Test(problem_send, hides_the_callers_detail_on_503)
{
	struct json_object *o;

	problem_send(&R, 503, NULL, "connect to db01:3306 failed");
	o = body_json();
	cr_assert_null(strstr(R.resp.body, "db01"));
	cr_assert_str_eq(unit_str_field(o, "type"),
		"https://devforge.dev/problems/service_unavailable");
}

Test(problem_send, hides_the_callers_detail_on_502)
{
	struct json_object *o;

	problem_send(&R, 502, NULL, "POST api.stripe.com: timed out");
	o = body_json();
	cr_assert_null(strstr(R.resp.body, "stripe"));
	cr_assert_str_eq(unit_str_field(o, "type"),
		"https://devforge.dev/problems/bad_gateway");
	cr_assert_eq(json_object_get_int(json_object_object_get(o, "status")),
		502);
}

Test(problem_send, adds_a_bearer_challenge_to_401)
{
	problem_send(&R, 401, NULL, NULL);
	cr_assert_eq(R.resp.nheaders, 1);
	cr_assert_str_eq(R.resp.headers[0].name, "WWW-Authenticate");
	cr_assert_str_eq(R.resp.headers[0].value, "Bearer realm=\"devforge\"");
}

/* RFC 6750 3.1: a refused token is invalid_token either way; the problem
 * type tells expired (refresh) from invalid (sign in again). */
Test(problem_send, refused_tokens_carry_invalid_token_and_their_type)
{
	problem_send(&R, 401, "token_expired", NULL);
	body_of_type("token_expired");
	cr_assert_eq(R.resp.nheaders, 1);
	cr_assert_str_eq(R.resp.headers[0].name, "WWW-Authenticate");
	cr_assert(strncmp(R.resp.headers[0].value, "Bearer realm=\"devforge\", "
		"error=\"invalid_token\", error_description=\"", 67) == 0,
		"%s", R.resp.headers[0].value);
	cr_assert(strstr(R.resp.headers[0].value, "expired") != NULL);
}

Test(problem_send, invalid_token_has_its_own_type_and_description)
{
	problem_send(&R, 401, "invalid_token", NULL);
	body_of_type("invalid_token");
	cr_assert_str_eq(R.resp.headers[0].value, "Bearer realm=\"devforge\", "
		"error=\"invalid_token\", error_description=\"The access token is "
		"not valid: sign in again.\"");
}

Test(problem_send, no_challenge_on_403)
{
	problem_send(&R, 403, NULL, NULL);
	cr_assert_eq(R.resp.nheaders, 0);
}

Test(problem_send, uses_an_explicit_code)
{
	struct json_object *o;

	problem_send(&R, 403, "mfa_required", "Enter your one-time code.");
	o = body_of_type("mfa_required");
	cr_assert_str_eq(unit_str_field(o, "title"), "MFA required");
	cr_assert_eq(R.resp.status, 403);
}

Test(problem_send, maps_a_non_error_status_to_500)
{
	problem_send(&R, 200, NULL, "fine");
	cr_assert_eq(R.resp.status, 500);
}

Test(problem_add_error, collects_errors_into_the_body)
{
	struct json_object *o, *errs, *e;

	cr_assert_eq(problem_error_count(&R), 0);
	cr_assert_eq(problem_add_error(&R, "email", "invalid_format",
		"Not an e-mail address."), 0);
	cr_assert_eq(problem_add_error(&R, "username", "too_short",
		"At least 3 characters."), 0);
	cr_assert_eq(problem_error_count(&R), 2);
	cr_assert_eq(problem_send_validation(&R), DF_ERESPONDED);
	cr_assert_eq(R.resp.status, 422);
	o = body_of_type("validation_failed");
	cr_assert_str_eq(unit_str_field(o, "title"), "Validation failed");
	cr_assert(json_object_object_get_ex(o, "errors", &errs));
	cr_assert_eq(json_object_array_length(errs), 2);
	e = json_object_array_get_idx(errs, 0);
	cr_assert_str_eq(unit_str_field(e, "field"), "email");
	cr_assert_str_eq(unit_str_field(e, "code"), "invalid_format");
	cr_assert_str_eq(unit_str_field(e, "message"),
		"Not an e-mail address.");
	e = json_object_array_get_idx(errs, 1);
	cr_assert_str_eq(unit_str_field(e, "field"), "username");
	/* The collected errors stay usable after sending. */
	cr_assert_eq(problem_error_count(&R), 2);
}

Test(problem_add_error, field_may_be_null)
{
	struct json_object *o, *errs, *e, *f;

	problem_add_error(&R, NULL, "invalid", "The body as a whole.");
	problem_send_validation(&R);
	o = body_json();
	json_object_object_get_ex(o, "errors", &errs);
	e = json_object_array_get_idx(errs, 0);
	cr_assert(json_object_object_get_ex(e, "field", &f));
	cr_assert_null(f, "field should be JSON null");
}

Test(problem_code_for, maps_statuses_to_stable_codes)
{
	static const struct { int status; const char *code; } v[] = {
		{ 400, "bad_request" }, { 401, "unauthorized" },
		{ 403, "forbidden" }, { 404, "not_found" },
		{ 405, "method_not_allowed" }, { 409, "conflict" },
		{ 411, "length_required" }, { 413, "payload_too_large" },
		{ 414, "uri_too_long" }, { 415, "unsupported_media_type" },
		{ 422, "validation_failed" }, { 429, "rate_limited" },
		{ 431, "header_too_large" }, { 503, "service_unavailable" },
		{ 500, "internal" }, { 502, "bad_gateway" }, { 504, "internal" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		cr_assert_str_eq(problem_code_for(v[i].status), v[i].code,
			"status %d", v[i].status);
}

Test(problem_title_for, has_a_title_for_every_code)
{
	static const int statuses[] = { 400, 401, 403, 404, 405, 409, 411, 413,
		414, 415, 422, 429, 431, 500, 502, 503 };

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		cr_assert_str_neq(problem_title_for(problem_code_for(statuses[i])),
			"Error", "status %d", statuses[i]);
	cr_assert_str_eq(problem_title_for("no_such_code"), "Error");
}
