/* Unit tests of request parsing (limits, decoding, normalisation, query,
 * Content-Length, request ids), body reading and response framing, driven
 * through plain envp arrays and a string-buffer writer. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "arena.h"
#include "err.h"
#include "http.h"
#include "kit.h"

static struct arena *A;
static struct request R;
static char *ENV[128];
static const char *WHY;

static void setup(void)
{
	A = arena_new(0);
	cr_assert_not_null(A);
}

static void teardown(void)
{
	arena_free(A);
}

TestSuite(http_parse, .init = setup, .fini = teardown);
TestSuite(http_query, .init = setup, .fini = teardown);
TestSuite(http_cookie, .init = setup, .fini = teardown);
TestSuite(http_request_id, .init = setup, .fini = teardown);
TestSuite(http_read_body, .init = setup, .fini = teardown);
TestSuite(http_set_header, .init = setup, .fini = teardown);
TestSuite(http_write_response, .init = setup, .fini = teardown);

/* Builds envp from NULL-terminated "NAME=value" strings (copied into the
 * arena, as FCGX would hand over writable strings) and parses. */
static int parse_env(const char *first, ...)
{
	va_list ap;
	const char *s;
	size_t n = 0;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		cr_assert_lt(n, sizeof(ENV) / sizeof(ENV[0]) - 1);
		ENV[n++] = arena_strdup(A, s);
	}
	va_end(ap);
	ENV[n] = NULL;
	http_request_init(&R, A, ENV);
	return http_parse(&R, NULL, &WHY);
}

/* A GET of uri with nothing else. */
static int parse_uri(const char *uri)
{
	char *u = arena_printf(A, "REQUEST_URI=%s", uri);

	return parse_env("REQUEST_METHOD=GET", u, NULL);
}

Test(http_parse, accepts_a_plain_get)
{
	cr_assert_eq(parse_env("REQUEST_METHOD=GET",
		"REQUEST_URI=/api/v1/extensions?limit=5",
		"QUERY_STRING=limit=5", "REMOTE_ADDR=127.0.0.1",
		"HTTP_USER_AGENT=curl/8", NULL), 0, "why: %s", WHY);
	cr_assert_eq(R.method, HTTP_GET);
	cr_assert_str_eq(R.method_str, "GET");
	cr_assert_str_eq(R.uri, "/api/v1/extensions?limit=5");
	cr_assert_str_eq(R.path, "/api/v1/extensions");
	cr_assert_str_eq(R.query, "limit=5");
	cr_assert_str_eq(R.remote_addr, "127.0.0.1");
	cr_assert_str_eq(R.user_agent, "curl/8");
	cr_assert_null(R.authorization);
	cr_assert_null(R.content_type);
	cr_assert_eq(R.has_content_length, 0);
	cr_assert_neq(R.t_start_ns, 0);
}

Test(http_parse, refuses_missing_method_or_uri)
{
	cr_assert_eq(parse_env("REQUEST_URI=/", NULL), 400);
	cr_assert_not_null(WHY);
	cr_assert_eq(parse_env("REQUEST_METHOD=GET", NULL), 400);
	cr_assert_eq(parse_env("REQUEST_METHOD=GET", "REQUEST_URI=", NULL), 400);
	cr_assert_eq(parse_env("REQUEST_METHOD=G T", "REQUEST_URI=/", NULL), 400);
}

Test(http_parse, unknown_method_is_other_not_an_error)
{
	cr_assert_eq(parse_env("REQUEST_METHOD=PROPFIND", "REQUEST_URI=/x",
		NULL), 0);
	cr_assert_eq(R.method, HTTP_OTHER);
	cr_assert_str_eq(R.method_str, "PROPFIND");
	cr_assert_eq(parse_env("REQUEST_METHOD=get", "REQUEST_URI=/x", NULL), 0);
	cr_assert_eq(R.method, HTTP_OTHER, "methods are case-sensitive");
}

Test(http_parse, refuses_percent_00)
{
	cr_assert_eq(parse_uri("/api/a%00b"), 400);
	cr_assert_null(R.path);
}

Test(http_parse, refuses_encoded_slash)
{
	cr_assert_eq(parse_uri("/api/a%2Fb"), 400);
	cr_assert_eq(parse_uri("/api/a%2fb"), 400);
}

Test(http_parse, refuses_invalid_escapes)
{
	cr_assert_eq(parse_uri("/api/%zz"), 400);
	cr_assert_eq(parse_uri("/api/%4"), 400);
	cr_assert_eq(parse_uri("/api/%"), 400);
	cr_assert_eq(parse_uri("/api/%g0"), 400);
}

Test(http_parse, refuses_control_bytes_in_path)
{
	cr_assert_eq(parse_uri("/api/a%0Ab"), 400);
	cr_assert_eq(parse_uri("/api/a%0db"), 400);
	cr_assert_eq(parse_uri("/api/a%7Fb"), 400);
	cr_assert_eq(parse_uri("/api/a\tb"), 400);
}

Test(http_parse, refuses_overlong_utf8_in_path)
{
	/* C0 AF is an overlong '/', E0 80 AF another. */
	cr_assert_eq(parse_uri("/api/%C0%AF"), 400);
	cr_assert_eq(parse_uri("/api/%E0%80%AF"), 400);
	/* A surrogate (ED A0 80) and a lone continuation byte. */
	cr_assert_eq(parse_uri("/api/%ED%A0%80"), 400);
	cr_assert_eq(parse_uri("/api/%80"), 400);
	/* Above U+10FFFF. */
	cr_assert_eq(parse_uri("/api/%F4%90%80%80"), 400);
}

Test(http_parse, accepts_valid_utf8_in_path)
{
	cr_assert_eq(parse_uri("/api/caf%C3%A9"), 0, "why: %s", WHY);
	cr_assert_str_eq(R.path, "/api/caf\xc3\xa9");
	cr_assert_eq(parse_uri("/api/%F0%9F%98%80"), 0);
	cr_assert_str_eq(R.path, "/api/\xf0\x9f\x98\x80");
}

Test(http_parse, refuses_dot_dot_above_root)
{
	cr_assert_eq(parse_uri("/.."), 400);
	cr_assert_eq(parse_uri("/api/../../etc"), 400);
	cr_assert_eq(parse_uri("/%2e%2e/x"), 400);
}

Test(http_parse, normalises_the_path)
{
	static const struct { const char *in, *out; } v[] = {
		{ "/", "/" },
		{ "//", "/" },
		{ "/api//v1///x", "/api/v1/x" },
		{ "/api/./v1/.", "/api/v1" },
		{ "/api/v1/../v2/", "/api/v2" },
		{ "/api/v1/", "/api/v1" },
		{ "/a/b/c/../../d", "/a/d" },
		{ "/a/..", "/" },
		{ "/a/%2e/b", "/a/b" },
		{ "/a/..b/.c", "/a/..b/.c" },
		{ "/%61pi", "/api" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cr_assert_eq(parse_uri(v[i].in), 0, "%s: %s", v[i].in, WHY);
		cr_assert_str_eq(R.path, v[i].out, "input %s", v[i].in);
	}
}

Test(http_parse, refuses_relative_uri)
{
	cr_assert_eq(parse_uri("api/v1"), 400);
	cr_assert_eq(parse_uri("?x=1"), 400);
	cr_assert_eq(parse_uri("http://example.com/"), 400);
}

Test(http_parse, answers_414_for_a_long_uri)
{
	struct http_limits lim = { .max_uri = 32 };
	char *u = arena_printf(A, "REQUEST_URI=/%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

	ENV[0] = "REQUEST_METHOD=GET";
	ENV[1] = u;
	ENV[2] = NULL;
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 0, "32 bytes is allowed");
	u[strlen(u) - 1] = '\0';
	ENV[1] = arena_printf(A, "%s%s", u, "bb");
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 414);
}

Test(http_parse, answers_414_with_the_default_uri_cap)
{
	char *u = arena_alloc(A, HTTP_MAX_URI_DEFAULT + 2);

	memset(u, 'a', HTTP_MAX_URI_DEFAULT + 1);
	u[0] = '/';
	u[HTTP_MAX_URI_DEFAULT + 1] = '\0';
	cr_assert_eq(parse_uri(u), 414);
}

Test(http_parse, answers_414_for_a_long_query_string)
{
	struct http_limits lim = { .max_query = 10 };

	ENV[0] = "REQUEST_METHOD=GET";
	ENV[1] = "REQUEST_URI=/x?a=123456789";
	ENV[2] = "QUERY_STRING=a=123456789";
	ENV[3] = NULL;
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 414);
	ENV[1] = "REQUEST_URI=/x?a=1234567";
	ENV[2] = "QUERY_STRING=a=1234567";
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 0);
}

Test(http_parse, answers_431_for_one_large_header)
{
	struct http_limits lim = { .max_header = 16 };

	ENV[0] = "REQUEST_METHOD=GET";
	ENV[1] = "REQUEST_URI=/";
	ENV[2] = "HTTP_X_BIG=0123456789abcdefg";
	ENV[3] = NULL;
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 431);
	ENV[2] = "HTTP_X_BIG=0123456789abcdef";
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 0);
}

Test(http_parse, answers_431_when_headers_together_are_too_large)
{
	struct http_limits lim = { .max_header = 16, .max_headers_total = 25 };

	ENV[0] = "REQUEST_METHOD=GET";
	ENV[1] = "REQUEST_URI=/";
	ENV[2] = "HTTP_A=0123456789";
	ENV[3] = "HTTP_B=0123456789";
	ENV[4] = "HTTP_C=0123456789";
	ENV[5] = NULL;
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 431);
	ENV[4] = "SERVER_NAME=0123456789";
	http_request_init(&R, A, ENV);
	cr_assert_eq(http_parse(&R, &lim, &WHY), 0, "non-HTTP_ params count");
}

Test(http_parse, parses_content_length_strictly)
{
	static const char *const bad[] = {
		"12a", "-1", " 5", "5 ", "+5", "0x10", "9007199254740993",
		"99999999999999999999999", "1.5",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *cl = arena_printf(A, "CONTENT_LENGTH=%s", bad[i]);

		cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
			cl, NULL), 400, "accepted \"%s\"", bad[i]);
	}
	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=9007199254740992", NULL), 0);
	cr_assert_eq(R.content_length, 9007199254740992ull);
	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=0", NULL), 0);
	cr_assert_eq(R.has_content_length, 1);
	cr_assert_eq(R.content_length, 0);
	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=42", NULL), 0);
	cr_assert_eq(R.content_length, 42);
}

Test(http_parse, empty_or_absent_content_length_means_none)
{
	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=", NULL), 0);
	cr_assert_eq(R.has_content_length, 0);
	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/", NULL), 0);
	cr_assert_eq(R.has_content_length, 0);
}

Test(http_parse, keeps_the_headers_it_names)
{
	cr_assert_eq(parse_env("REQUEST_METHOD=OPTIONS", "REQUEST_URI=/x",
		"CONTENT_TYPE=application/json", "HTTP_AUTHORIZATION=Bearer t",
		"HTTP_ORIGIN=https://a.example", "HTTP_IF_NONE_MATCH=\"e1\"",
		"HTTP_COOKIE=a=1", "HTTP_ACCESS_CONTROL_REQUEST_METHOD=PUT",
		"HTTP_ACCESS_CONTROL_REQUEST_HEADERS=content-type", NULL), 0);
	cr_assert_eq(R.method, HTTP_OPTIONS);
	cr_assert_str_eq(R.content_type, "application/json");
	cr_assert_str_eq(R.authorization, "Bearer t");
	cr_assert_str_eq(R.origin, "https://a.example");
	cr_assert_str_eq(R.if_none_match, "\"e1\"");
	cr_assert_str_eq(R.cookie, "a=1");
	cr_assert_str_eq(R.acr_method, "PUT");
	cr_assert_str_eq(R.acr_headers, "content-type");
	cr_assert_str_eq(R.remote_addr, "");
}

Test(http_parse, routes_on_request_uri_not_script_name)
{
	cr_assert_eq(parse_env("REQUEST_METHOD=GET",
		"REQUEST_URI=/api/v1/health", "SCRIPT_NAME=/api",
		"PATH_INFO=/v1/other", NULL), 0);
	cr_assert_str_eq(R.path, "/api/v1/health");
}

Test(http_query, decodes_plus_and_percent)
{
	cr_assert_eq(parse_uri("/s?q=hello+world&x=%41%42&e=caf%C3%A9"), 0);
	cr_assert_eq(R.nquery, 3);
	cr_assert_str_eq(http_query(&R, "q"), "hello world");
	cr_assert_str_eq(http_query(&R, "x"), "AB");
	cr_assert_str_eq(http_query(&R, "e"), "caf\xc3\xa9");
	cr_assert_eq(R.query_params[0].value_len, 11);
	cr_assert_null(http_query(&R, "missing"));
}

Test(http_query, returns_first_occurrence_and_skips_empty_pieces)
{
	cr_assert_eq(parse_uri("/s?&&a=1&&a=2&flag&b=&"), 0);
	cr_assert_eq(R.nquery, 4);
	cr_assert_str_eq(http_query(&R, "a"), "1");
	cr_assert_str_eq(http_query(&R, "flag"), "");
	cr_assert_str_eq(http_query(&R, "b"), "");
}

Test(http_query, decodes_names_and_keeps_equals_in_values)
{
	cr_assert_eq(parse_uri("/s?my%20key=a=b"), 0);
	cr_assert_str_eq(http_query(&R, "my key"), "a=b");
}

Test(http_query, refuses_bad_escapes_nul_and_invalid_utf8)
{
	cr_assert_eq(parse_uri("/s?a=%zz"), 400);
	cr_assert_eq(parse_uri("/s?a=%2"), 400);
	cr_assert_eq(parse_uri("/s?a=%00"), 400);
	cr_assert_eq(parse_uri("/s?a%00=1"), 400);
	cr_assert_eq(parse_uri("/s?a=%C0%AF"), 400);
	cr_assert_eq(parse_uri("/s?a=%FF"), 400);
}

Test(http_query, allows_an_encoded_slash_in_values)
{
	cr_assert_eq(parse_uri("/s?next=%2Fapi%2Fv1"), 0);
	cr_assert_str_eq(http_query(&R, "next"), "/api/v1");
}

Test(http_query, refuses_more_than_the_maximum_parameters)
{
	char *q = arena_strdup(A, "/s?");
	int i;

	for (i = 0; i < HTTP_MAX_QUERY_PARAMS; i++)
		q = arena_printf(A, "%sp%d=%d&", q, i, i);
	cr_assert_eq(parse_uri(q), 0, "why: %s", WHY);
	cr_assert_eq(R.nquery, HTTP_MAX_QUERY_PARAMS);
	q = arena_printf(A, "%sone=more", q);
	cr_assert_eq(parse_uri(q), 400);
}

Test(http_cookie, finds_a_cookie_among_several)
{
	cr_assert_eq(parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_COOKIE=a=1; session=abc123;b=\"quoted\" ; empty=", NULL), 0);
	cr_assert_str_eq(http_cookie(&R, "session"), "abc123");
	cr_assert_str_eq(http_cookie(&R, "a"), "1");
	cr_assert_str_eq(http_cookie(&R, "b"), "quoted");
	cr_assert_str_eq(http_cookie(&R, "empty"), "");
	cr_assert_null(http_cookie(&R, "sess"));
	cr_assert_null(http_cookie(&R, "ession"));
	cr_assert_null(http_cookie(&R, "c"));
}

Test(http_cookie, is_null_without_a_cookie_header)
{
	cr_assert_eq(parse_uri("/"), 0);
	cr_assert_null(http_cookie(&R, "a"));
}

Test(http_request_id, keeps_a_well_formed_incoming_id)
{
	cr_assert_eq(parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_X_REQUEST_ID=front-1234.abc_Z", NULL), 0);
	cr_assert_str_eq(R.request_id, "front-1234.abc_Z");
}

static int is_generated_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 32;
}

Test(http_request_id, replaces_a_malformed_or_missing_id)
{
	char big[200];

	parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_X_REQUEST_ID=short", NULL);
	cr_assert(is_generated_id(R.request_id), "kept %s", R.request_id);
	parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_X_REQUEST_ID=has space in it", NULL);
	cr_assert(is_generated_id(R.request_id), "kept %s", R.request_id);
	parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_X_REQUEST_ID=abc\r\nX-Evil: 1", NULL);
	cr_assert(is_generated_id(R.request_id), "kept %s", R.request_id);
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP_X_REQUEST_ID=", 18);
	big[18 + 129] = '\0';
	parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/", big, NULL);
	cr_assert(is_generated_id(R.request_id), "kept a 129-byte id");
	parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/", NULL);
	cr_assert(is_generated_id(R.request_id), "got %s", R.request_id);
}

Test(http_request_id, generates_different_ids)
{
	char first[HTTP_REQUEST_ID_MAX + 1];

	parse_uri("/");
	strcpy(first, R.request_id);
	parse_uri("/");
	cr_assert_str_neq(first, R.request_id);
}

Test(http_read_body, reads_exactly_content_length_in_pieces)
{
	struct unit_body src = { .data = "{\"a\":1}EXTRA", .len = 12,
		.chunk = 3 };

	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=7", NULL), 0);
	cr_assert_eq(http_read_body(&R, unit_body_read, &src), 0);
	cr_assert_eq(R.body_len, 7);
	cr_assert_str_eq(R.body, "{\"a\":1}");
}

Test(http_read_body, fails_when_the_stream_ends_early)
{
	struct unit_body src = { .data = "abc", .len = 3, .chunk = 2 };

	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=10", NULL), 0);
	cr_assert_eq(http_read_body(&R, unit_body_read, &src), DF_EIO);
	cr_assert_null(R.body);
}

Test(http_read_body, fails_when_the_reader_fails)
{
	struct unit_body src = { .data = "abc", .len = 3, .chunk = 2,
		.fail_now = 1 };

	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=3", NULL), 0);
	cr_assert_eq(http_read_body(&R, unit_body_read, &src), DF_EIO);
}

Test(http_read_body, empty_body_is_an_empty_string)
{
	struct unit_body src = { .data = "", .len = 0, .chunk = 1 };

	cr_assert_eq(parse_env("REQUEST_METHOD=POST", "REQUEST_URI=/",
		"CONTENT_LENGTH=0", NULL), 0);
	cr_assert_eq(http_read_body(&R, unit_body_read, &src), 0);
	cr_assert_str_eq(R.body, "");
	cr_assert_eq(R.body_len, 0);
}

Test(http_set_header, refuses_header_injection)
{
	parse_uri("/");
	cr_assert_eq(http_set_header(&R, "X-A", "ok\r\nSet-Cookie: x=1"),
		DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "X-A", "ok\nx"), DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "X-A", "ok\rx"), DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "X-A\r\nX-B", "v"), DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "X A", "v"), DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "X-A:", "v"), DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "", "v"), DF_EINVAL);
	cr_assert_eq(R.resp.nheaders, 0);
}

Test(http_set_header, refuses_headers_the_writer_owns)
{
	parse_uri("/");
	cr_assert_eq(http_set_header(&R, "content-length", "5"), DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "Status", "200 OK"), DF_EINVAL);
	cr_assert_eq(http_set_header(&R, "X-Request-Id", "x"), DF_EINVAL);
}

Test(http_set_header, replaces_a_header_case_insensitively)
{
	parse_uri("/");
	cr_assert_eq(http_set_header(&R, "Cache-Control", "no-store"), 0);
	cr_assert_eq(http_set_header(&R, "cache-control", "max-age=60"), 0);
	cr_assert_eq(R.resp.nheaders, 1);
	cr_assert_str_eq(R.resp.headers[0].value, "max-age=60");
}

Test(http_set_header, refuses_more_than_the_maximum)
{
	int i;

	parse_uri("/");
	for (i = 0; i < HTTP_MAX_RESP_HEADERS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "X-H%d", i);
		cr_assert_eq(http_set_header(&R, name, "v"), 0);
	}
	cr_assert_eq(http_set_header(&R, "X-One-More", "v"), DF_ETOOBIG);
	/* Replacing an existing one still works when full. */
	cr_assert_eq(http_set_header(&R, "X-H0", "w"), 0);
}

struct sbuf {
	char data[8192];
	size_t len;
	int calls;
	int fail;
};

static int sbuf_write(void *ctx, const char *buf, size_t len)
{
	struct sbuf *s = ctx;

	s->calls++;
	if (s->fail || len > sizeof(s->data) - 1 - s->len)
		return -1;
	memcpy(s->data + s->len, buf, len);
	s->len += len;
	s->data[s->len] = '\0';
	return 0;
}

Test(http_write_response, frames_a_json_body)
{
	struct sbuf out = { .len = 0 };
	struct json_object *o = json_object_new_object();
	const char *expect;

	parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_X_REQUEST_ID=req-00000001", NULL);
	json_object_object_add(o, "url", json_object_new_string("a/b"));
	cr_assert_eq(http_set_json(&R, 200, o), 0);
	json_object_put(o);
	cr_assert_eq(http_set_header(&R, "Cache-Control", "no-store"), 0);
	cr_assert_eq(http_write_response(&R, sbuf_write, &out), 0);
	expect = "Status: 200 OK\r\n"
		"Content-Type: application/json; charset=utf-8\r\n"
		"Content-Length: 13\r\n"
		"X-Request-Id: req-00000001\r\n"
		"X-Content-Type-Options: nosniff\r\n"
		"Cache-Control: no-store\r\n"
		"\r\n"
		"{\"url\":\"a/b\"}";
	cr_assert_str_eq(out.data, expect);
	cr_assert_eq(R.bytes_out, strlen(expect));
	cr_assert_leq(out.calls, 2);
}

Test(http_write_response, head_sends_the_get_length_without_the_body)
{
	struct sbuf out = { .len = 0 };

	parse_env("REQUEST_METHOD=HEAD", "REQUEST_URI=/", NULL);
	cr_assert_eq(http_set_body(&R, 200, "text/plain", "hello", 5), 0);
	cr_assert_eq(http_write_response(&R, sbuf_write, &out), 0);
	cr_assert_not_null(strstr(out.data, "Content-Length: 5\r\n"));
	cr_assert_not_null(strstr(out.data, "Content-Type: text/plain\r\n"));
	cr_assert_eq(strcmp(out.data + out.len - 4, "\r\n\r\n"), 0,
		"HEAD answer carries a body: %s", out.data);
	cr_assert_eq(R.bytes_out, out.len);
}

Test(http_write_response, no_content_has_no_length_and_no_body)
{
	static const int statuses[] = { 204, 304 };

	for (size_t i = 0; i < 2; i++) {
		struct sbuf out = { .len = 0 };

		parse_uri("/");
		cr_assert_eq(http_set_body(&R, statuses[i], "application/json",
			"{}", 2), 0);
		cr_assert_eq(http_write_response(&R, sbuf_write, &out), 0);
		cr_assert_null(strstr(out.data, "\nContent-Length"), "%s", out.data);
		cr_assert_null(strstr(out.data, "\nContent-Type"), "%s", out.data);
		cr_assert_eq(strcmp(out.data + out.len - 4, "\r\n\r\n"), 0,
			"%d carries a body", statuses[i]);
		cr_assert_not_null(strstr(out.data, "X-Request-Id: "));
	}
}

Test(http_write_response, status_only_has_zero_length)
{
	struct sbuf out = { .len = 0 };

	parse_uri("/");
	http_set_status(&R, 202);
	cr_assert_eq(http_write_response(&R, sbuf_write, &out), 0);
	cr_assert_eq(strncmp(out.data, "Status: 202 Accepted\r\n", 22), 0);
	cr_assert_not_null(strstr(out.data, "Content-Length: 0\r\n"));
	cr_assert_null(strstr(out.data, "\nContent-Type"));
}

Test(http_write_response, unset_status_becomes_500)
{
	struct sbuf out = { .len = 0 };

	parse_uri("/");
	cr_assert_eq(http_write_response(&R, sbuf_write, &out), 0);
	cr_assert_eq(strncmp(out.data, "Status: 500 ", 12), 0);
}

Test(http_write_response, reports_a_failed_write)
{
	struct sbuf out = { .fail = 1 };

	parse_uri("/");
	cr_assert_eq(http_set_body(&R, 200, "text/plain", "x", 1), 0);
	cr_assert_eq(http_write_response(&R, sbuf_write, &out), DF_EIO);
}

Test(http_reason, names_common_statuses)
{
	cr_assert_str_eq(http_reason(404), "Not Found");
	cr_assert_str_eq(http_reason(431), "Request Header Fields Too Large");
	cr_assert_str_eq(http_reason(799), "Unknown");
}

Test(http_method, parses_and_names_every_method)
{
	static const enum http_method all[] = { HTTP_GET, HTTP_HEAD, HTTP_POST,
		HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OPTIONS };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cr_assert_eq(http_method_parse(http_method_name(all[i])), all[i]);
	cr_assert_eq(http_method_parse("TRACE"), HTTP_OTHER);
	cr_assert_eq(http_method_parse(NULL), HTTP_OTHER);
}

Test(http_new_request_id, is_32_lower_hex_and_fresh)
{
	char a[33], b[33];

	http_new_request_id(a);
	http_new_request_id(b);
	cr_assert_eq(strlen(a), 32);
	cr_assert_eq(strspn(a, "0123456789abcdef"), 32, "%s", a);
	cr_assert_str_neq(a, b);
}

/* A cached answer is sent from the cache's own copy: the body is
 * referenced, not copied into the arena, and a content type that could
 * break the header block is still refused. */
Test(http_write_response, a_referenced_body_is_sent_without_a_copy)
{
	static const char body[] = "{\"cached\":true}";
	struct sbuf out = { .len = 0 };

	parse_env("REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_X_REQUEST_ID=req-00000002", NULL);
	cr_assert_eq(http_set_body_ref(&R, 200, "text/plain\r\nX: y", body,
		sizeof(body) - 1), DF_EINVAL);
	cr_assert_eq(http_set_body_ref(&R, 200, "application/json", body,
		sizeof(body) - 1), 0);
	cr_assert_eq(R.resp.body, body);
	cr_assert_eq(http_write_response(&R, sbuf_write, &out), 0);
	cr_assert(strstr(out.data, "Content-Length: 15\r\n") != NULL);
	cr_assert(strstr(out.data, "\r\n\r\n{\"cached\":true}") != NULL);
}
