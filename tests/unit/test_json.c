/* Unit tests for json.c: strict body parsing (what json-c alone lets
 * through is refused here), the field table check with its error codes,
 * and the typed getters and setters. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "problem.h"

static struct arena *arena;
static struct request req;
static char *envp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x", NULL };

static void setup(void)
{
	arena = arena_new(4096);
	cr_assert_not_null(arena);
	http_request_init(&req, arena, envp);
}

static void teardown(void)
{
	arena_free(arena);
}

TestSuite(json_parse_body, .init = setup, .fini = teardown);
TestSuite(json_fields_check, .init = setup, .fini = teardown);
TestSuite(json_build, .init = setup, .fini = teardown);

static int parse(const char *s, struct json_object **o, const char **why)
{
	return json_parse_body_ex(&req, s, strlen(s), 32, o, why);
}

static void refused(const char *s, const char *why_part)
{
	struct json_object *o = (void *)1;
	const char *why = NULL;

	cr_assert_eq(parse(s, &o, &why), DF_EINVAL, "accepted: %s", s);
	cr_assert_null(o);
	cr_assert_not_null(why);
	cr_assert_not_null(strstr(why, why_part), "%s: why was '%s'", s, why);
}

Test(json_parse_body, accepts_an_object)
{
	struct json_object *o = NULL;
	const char *why = NULL;

	cr_assert_eq(parse(" {\"a\": [1, 2.5, -3e2, true, null, \"x\\u00e9\"],"
		" \"b\": {\"c\": \"\\ud83d\\ude00\"}}\r\n", &o, &why), 0);
	cr_assert_null(why);
	cr_assert(json_object_is_type(o, json_type_object));
	cr_assert_eq(json_object_array_length(json_get(o, "a")), 6);
	cr_assert_str_eq(json_get_str(json_get(o, "b"), "c", NULL),
		"\xf0\x9f\x98\x80");
	cr_assert_eq(json_parse_body(&req, "{}", 2, 32, &o), 0);
}

Test(json_parse_body, refuses_empty)
{
	struct json_object *o;

	refused("", "empty");
	refused("   \n", "empty");
	cr_assert_eq(json_parse_body(&req, NULL, 0, 32, &o), DF_EINVAL);
}

Test(json_parse_body, top_level_must_be_object)
{
	refused("[1]", "JSON object");
	refused("\"x\"", "JSON object");
	refused("1", "JSON object");
	refused("null", "JSON object");
}

Test(json_parse_body, refuses_trailing_garbage)
{
	refused("{}x", "after");
	refused("{} {}", "after");
	refused("{\"a\":1}}", "after");
}

Test(json_parse_body, refuses_truncated)
{
	refused("{", "complete");
	refused("{\"a\":1", "complete");
	refused("{\"a\":[1,2", "complete");
	refused("{\"a", "ends inside a string");
}

Test(json_parse_body, refuses_what_json_c_strict_lets_through)
{
	refused("{'a':1}", "double-quoted");
	refused("{\"a\":NaN}", "value");
	refused("{\"a\":Infinity}", "value");
	refused("{\"a\":-Infinity}", "number");
	refused("{\"a\":\"x\x01y\"}", "control character");
	refused("{\"a\":\"tab\there\"}", "control character");
}

Test(json_parse_body, refuses_bad_syntax)
{
	refused("{\"a\":1,}", "double-quoted");
	refused("{\"a\":[1,]}", "value");
	refused("{\"a\" 1}", "':'");
	refused("{\"a\":1 \"b\":2}", "','");
	refused("{\"a\":01}", "number");
	refused("{\"a\":1.}", "number");
	refused("{\"a\":.5}", "value");
	refused("{\"a\":1e}", "number");
	refused("{\"a\":+1}", "value");
	refused("{\"a\":tru}", "value");
	refused("{\"a\":\"\\x41\"}", "escape");
	refused("{\"a\":\"\\u12\"}", "\\u escape");
	refused("{/*c*/}", "double-quoted");
}

Test(json_parse_body, refuses_invalid_utf8)
{
	refused("{\"a\":\"\xc0\xaf\"}", "UTF-8");           /* overlong */
	refused("{\"a\":\"\xed\xa0\x80\"}", "UTF-8");       /* surrogate */
	refused("{\"a\":\"\xf4\x90\x80\x80\"}", "UTF-8");   /* > U+10FFFF */
	refused("{\"a\":\"\xff\"}", "UTF-8");
	refused("{\"\xc3\":1}", "UTF-8");
}

Test(json_parse_body, refuses_unpaired_surrogate_escapes)
{
	refused("{\"a\":\"\\ud800\"}", "surrogate");
	refused("{\"a\":\"\\ud800x\"}", "surrogate");
	refused("{\"a\":\"\\ude00\"}", "surrogate");
	refused("{\"a\":\"\\ud800\\u0041\"}", "surrogate");
}

Test(json_parse_body, refuses_nul_raw_and_escaped)
{
	struct json_object *o;
	const char *why = NULL;

	cr_assert_eq(json_parse_body_ex(&req, "{\"a\":\"\0\"}", 9, 32, &o, &why),
		DF_EINVAL);
	cr_assert_not_null(strstr(why, "NUL"));
	/* "a\u0000b" would become the member name "a" inside json-c. */
	refused("{\"a\\u0000b\":1}", "NUL");
}

static char *nest(int levels)
{
	size_t n = (size_t)levels;
	char *s = arena_alloc(arena, 2 * n + 16);
	size_t i, p = 0;

	s[p++] = '{';
	memcpy(s + p, "\"k\":", 4);
	p += 4;
	for (i = 1; i < n; i++)
		s[p++] = '[';
	s[p++] = '1';
	for (i = 1; i < n; i++)
		s[p++] = ']';
	s[p++] = '}';
	s[p] = '\0';
	return s;
}

Test(json_parse_body, depth_limit_counts_containers)
{
	struct json_object *o;
	const char *why = NULL;
	char *ok = nest(32), *deep = nest(33);

	cr_assert_eq(json_parse_body_ex(&req, ok, strlen(ok), 32, &o, &why), 0,
		"%s", why ? why : "");
	cr_assert_eq(json_parse_body_ex(&req, deep, strlen(deep), 32, &o, &why),
		DF_EINVAL);
	cr_assert_not_null(strstr(why, "deeper"));
	cr_assert_eq(json_parse_body_ex(&req, "{\"a\":{}}", 8, 1, &o, &why),
		DF_EINVAL);
	cr_assert_eq(json_parse_body_ex(&req, "{\"a\":1}", 7, 1, &o, &why), 0);
}

Test(json_parse_body, huge_nesting_refused_without_recursion)
{
	size_t n = 200000, i;
	char *s = arena_alloc(arena, n + 2);
	struct json_object *o;
	const char *why = NULL;

	memcpy(s, "{\"k\":", 5);
	for (i = 5; i < n; i++)
		s[i] = '[';
	s[n] = '\0';
	cr_assert_eq(json_parse_body_ex(&req, s, n, 32, &o, &why), DF_EINVAL);
	cr_assert_not_null(strstr(why, "deeper"), "why: %s", why);
}

Test(json_parse_body, refuses_a_member_named_twice)
{
	refused("{\"a\":1,\"a\":2}", "twice");
	refused("{\"a\":1,\"b\":2,\"a\":1}", "twice");
	/* At every depth, in objects inside arrays too. */
	refused("{\"x\":{\"a\":1,\"a\":2}}", "twice");
	refused("{\"x\":[{\"b\":1},{\"a\":1,\"c\":3,\"a\":2}]}", "twice");
	refused("{\"x\":{},\"y\":[],\"x\":null}", "twice");
}

Test(json_parse_body, compares_member_names_after_unescaping)
{
	refused("{\"a\":1,\"\\u0061\":2}", "twice");
	refused("{\"\\u0041b\":1,\"A\\u0062\":2}", "twice");
	refused("{\"\\/\":1,\"/\":2}", "twice");
	refused("{\"q\\\"\":1,\"q\\u0022\":2}", "twice");
	refused("{\"\\n\":1,\"\\u000a\":2}", "twice");
	/* Raw UTF-8 against \u escapes, including a surrogate pair. */
	refused("{\"caf\xc3\xa9\":1,\"caf\\u00e9\":2}", "twice");
	refused("{\"\xe2\x82\xac\":1,\"\\u20AC\":2}", "twice");
	refused("{\"\xf0\x9f\x98\x80\":1,\"\\ud83d\\ude00\":2}", "twice");
}

Test(json_parse_body, accepts_distinct_and_repeated_names_in_other_objects)
{
	struct json_object *o;
	const char *why = NULL;
	static const char *const ok[] = {
		"{\"a\":1,\"b\":2,\"ab\":3,\"a \":4,\"A\":5}",
		/* The same name in sibling and nested objects is fine. */
		"{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}",
		"{\"x\":{\"k\":1},\"y\":{\"k\":2}}",
		/* Prefixes and escapes that differ after unescaping. */
		"{\"\\u0061\":1,\"\\u0061\\u0061\":2,\"\\u00e9\":3,\"e\":4}",
		"{\"\\ud83d\\ude00\":1,\"\\ud83d\\ude01\":2}",
		"{}",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert_eq(parse(ok[i], &o, &why), 0, "%s: %s", ok[i],
			why ? why : "");
}

Test(json_parse_body, finds_a_repeat_among_many_names)
{
	/* More names than the inline buffer holds, the repeat far apart:
	 * the sort must bring them together. */
	size_t n = 5000, i, p = 0;
	char *s = arena_alloc(arena, n * 16 + 32);
	struct json_object *o;
	const char *why = NULL;

	s[p++] = '{';
	for (i = 0; i < n; i++)
		p += (size_t)sprintf(s + p, "%s\"k%zu\":%zu", i ? "," : "",
			(i * 7919) % n, i);
	s[p++] = '}';
	s[p] = '\0';
	cr_assert_eq(json_parse_body_ex(&req, s, p, 32, &o, &why), 0, "%s",
		why ? why : "");
	/* Now name k0 once more at the end. */
	memcpy(s + p - 1, ",\"k0\":1}", 9);
	p += 7;
	cr_assert_eq(json_parse_body_ex(&req, s, p, 32, &o, &why), DF_EINVAL);
	cr_assert_not_null(strstr(why, "twice"), "%s", why);
}

Test(json_parse_body, check_syntax_alone_refuses_duplicates)
{
	const char *why = NULL;

	cr_assert_eq(json_check_syntax("{\"a\":1}", 7, 16, &why), 0);
	cr_assert_eq(json_check_syntax("{\"a\":1,\"a\":1}", 13, 16, &why),
		DF_EINVAL);
	cr_assert_not_null(strstr(why, "twice"));
}

/* ---- json_fields_check ---- */

static int no_admin(struct json_object *v, const char **code, const char **msg)
{
	if (strcmp(json_object_get_string(v), "admin") == 0) {
		*code = "reserved";
		*msg = "is reserved";
		return -1;
	}
	return 0;
}

static const struct json_field fields[] = {
	{ .name = "name", .type = JF_STRING, .required = 1, .min = 2, .max = 5,
	  .validate = no_admin },
	{ .name = "count", .type = JF_INT, .min = 1, .max = 10 },
	{ .name = "big", .type = JF_INT },
	{ .name = "flag", .type = JF_BOOL },
	{ .name = "meta", .type = JF_OBJECT, .nullable = 1 },
	{ .name = "tags", .type = JF_ARRAY, .min = 1, .max = 2 },
	{ .name = "ratio", .type = JF_NUMBER, .max = 1 },
	{ .name = "note", .type = JF_STRING, .nullable = 1 },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Parses s, checks it and returns the number of errors; the errors stay
 * in req.problem_errors. */
static size_t check(const char *s)
{
	struct json_object *o = NULL;
	const char *why = NULL;

	cr_assert_eq(parse(s, &o, &why), 0, "%s: %s", s, why ? why : "");
	return json_fields_check(&req, o, fields, NFIELDS);
}

/* Whether error i has this field and code. */
static void has_error(size_t i, const char *field, const char *code)
{
	struct json_object *e = json_object_array_get_idx(req.problem_errors, i);

	cr_assert_not_null(e, "no error %zu", i);
	cr_assert_str_eq(json_get_str(e, "field", ""), field);
	cr_assert_str_eq(json_get_str(e, "code", ""), code);
	cr_assert_str_neq(json_get_str(e, "message", ""), "");
}

Test(json_fields_check, accepts_a_good_object)
{
	cr_assert_eq(check("{\"name\":\"b\xc3\xa9" "bo\",\"count\":10,"
		"\"big\":-5,\"flag\":false,\"meta\":{\"x\":1},\"tags\":[1],"
		"\"ratio\":0.5,\"note\":null}"), 0);
	cr_assert_eq(problem_error_count(&req), 0);
	cr_assert_eq(check("{\"name\":\"ab\",\"meta\":null,\"ratio\":1}"), 0);
}

Test(json_fields_check, unknown_field_named)
{
	cr_assert_eq(check("{\"name\":\"abc\",\"nmae\":\"abc\"}"), 1);
	has_error(0, "nmae", "unknown_field");
}

Test(json_fields_check, required_missing_or_null)
{
	cr_assert_eq(check("{}"), 1);
	has_error(0, "name", "required");
	cr_assert_eq(check("{\"name\":null}"), 1);
	has_error(1, "name", "required");
}

Test(json_fields_check, null_only_when_nullable)
{
	cr_assert_eq(check("{\"name\":\"abc\",\"count\":null}"), 1);
	has_error(0, "count", "invalid_type");
}

Test(json_fields_check, string_length_in_code_points)
{
	/* 5 characters, 10 bytes: fits max 5. */
	cr_assert_eq(check("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}"), 0);
	cr_assert_eq(check("{\"name\":\"abcdef\"}"), 1);
	has_error(0, "name", "too_long");
	cr_assert_eq(check("{\"name\":\"\xf0\x9f\x98\x80\"}"), 1);
	has_error(1, "name", "too_short");
}

Test(json_fields_check, wrong_types)
{
	cr_assert_eq(check("{\"name\":5,\"count\":\"3\",\"flag\":1,"
		"\"meta\":[],\"tags\":{},\"ratio\":\"1\"}"), 6);
	has_error(0, "name", "invalid_type");
	has_error(1, "count", "invalid_type");
	has_error(2, "flag", "invalid_type");
	has_error(3, "meta", "invalid_type");
	has_error(4, "tags", "invalid_type");
	has_error(5, "ratio", "invalid_type");
}

Test(json_fields_check, int_is_not_a_double)
{
	cr_assert_eq(check("{\"name\":\"abc\",\"count\":1.0}"), 1);
	has_error(0, "count", "invalid_type");
	cr_assert_eq(check("{\"name\":\"abc\",\"count\":1e0}"), 1);
	has_error(1, "count", "invalid_type");
}

Test(json_fields_check, int_bounds_inclusive)
{
	cr_assert_eq(check("{\"name\":\"abc\",\"count\":1}"), 0);
	cr_assert_eq(check("{\"name\":\"abc\",\"count\":10}"), 0);
	cr_assert_eq(check("{\"name\":\"abc\",\"count\":0}"), 1);
	has_error(0, "count", "out_of_range");
	cr_assert_eq(check("{\"name\":\"abc\",\"count\":11}"), 1);
	has_error(1, "count", "out_of_range");
}

Test(json_fields_check, int_beyond_int64_is_out_of_range)
{
	cr_assert_eq(check("{\"name\":\"abc\",\"big\":9223372036854775806}"), 0);
	cr_assert_eq(check("{\"name\":\"abc\",\"big\":9223372036854775808}"), 1);
	has_error(0, "big", "out_of_range");
	cr_assert_eq(check("{\"name\":\"abc\",\"big\":-99999999999999999999}"), 1);
	has_error(1, "big", "out_of_range");
}

Test(json_fields_check, array_element_count)
{
	cr_assert_eq(check("{\"name\":\"abc\",\"tags\":[]}"), 1);
	has_error(0, "tags", "too_short");
	cr_assert_eq(check("{\"name\":\"abc\",\"tags\":[1,2,3]}"), 1);
	has_error(1, "tags", "too_long");
}

Test(json_fields_check, number_bounds)
{
	cr_assert_eq(check("{\"name\":\"abc\",\"ratio\":1.5}"), 1);
	has_error(0, "ratio", "out_of_range");
	cr_assert_eq(check("{\"name\":\"abc\",\"ratio\":1e400}"), 1);
	has_error(1, "ratio", "out_of_range");
}

Test(json_fields_check, validator_code_used)
{
	cr_assert_eq(check("{\"name\":\"admin\"}"), 1);
	has_error(0, "name", "reserved");
}

Test(json_fields_check, string_with_escaped_nul_never_reaches_check)
{
	struct json_object *o = json_new_object(&req);

	/* Built in code rather than parsed: the check still refuses it. */
	cr_assert_eq(json_set(o, "name", json_own(&req,
		json_object_new_string_len("a\0b", 3))), 0);
	cr_assert_eq(json_fields_check(&req, o, fields, NFIELDS), 1);
	has_error(0, "name", "invalid_type");
}

Test(json_fields_check, unknown_errors_are_capped)
{
	char buf[8192];
	size_t p = 0, i;

	p += (size_t)snprintf(buf + p, sizeof(buf) - p, "{\"name\":\"abc\"");
	for (i = 0; i < 100; i++)
		p += (size_t)snprintf(buf + p, sizeof(buf) - p, ",\"u%zu\":1", i);
	snprintf(buf + p, sizeof(buf) - p, "}");
	cr_assert_eq(check(buf), 32);
	cr_assert_eq(problem_error_count(&req), 32);
}

Test(json_fields_check, nested_errors_carry_the_prefix)
{
	struct json_object *o = NULL;

	cr_assert_eq(parse("{\"name\":\"abcdefgh\",\"x\":1,\"count\":\"1\"}",
		&o, NULL), 0);
	cr_assert_eq(json_fields_check_at(&req, o, fields, NFIELDS,
		"events[2]"), 3);
	has_error(0, "events[2].x", "unknown_field");
	has_error(1, "events[2].name", "too_long");
	has_error(2, "events[2].count", "invalid_type");
	cr_assert_eq(parse("{}", &o, NULL), 0);
	cr_assert_eq(json_fields_check_at(&req, o, fields, NFIELDS, ""), 1);
	has_error(3, "name", "required");
}

Test(json_fields_check, errors_reach_the_problem)
{
	const char *body;

	check("{\"name\":\"abcdefgh\",\"x\":1}");
	problem_send_validation(&req);
	cr_assert_eq(req.resp.status, 422);
	body = req.resp.body;
	cr_assert_not_null(strstr(body, "\"field\":\"x\""), "%s", body);
	cr_assert_not_null(strstr(body, "\"code\":\"too_long\""), "%s", body);
}

/* ---- getters and builders ---- */

Test(json_build, getters_with_defaults)
{
	struct json_object *o = NULL;

	cr_assert_eq(parse("{\"s\":\"v\",\"i\":-4,\"b\":true,\"n\":null}", &o, NULL), 0);
	cr_assert_str_eq(json_get_str(o, "s", "d"), "v");
	cr_assert_str_eq(json_get_str(o, "n", "d"), "d");
	cr_assert_str_eq(json_get_str(o, "missing", "d"), "d");
	cr_assert_str_eq(json_get_str(o, "i", "d"), "d");
	cr_assert_eq(json_get_int(o, "i", 7), -4);
	cr_assert_eq(json_get_int(o, "s", 7), 7);
	cr_assert_null(json_get(o, "n"));
	cr_assert_null(json_get(NULL, "n"));
}

Test(json_build, setters_and_serialisation)
{
	struct json_object *o = json_new_object(&req);
	struct json_object *a = json_new_array(&req);
	const char *s;

	cr_assert_not_null(o);
	cr_assert_not_null(a);
	cr_assert_eq(json_set_str(o, "s", "x\"y"), 0);
	cr_assert_eq(json_set_str(o, "null", NULL), 0);
	cr_assert_eq(json_set_int(o, "i", INT64_C(-9007199254740993)), 0);
	cr_assert_eq(json_set_bool(o, "b", 5), 0);
	cr_assert_eq(json_set_double(o, "d", 0.25), 0);
	cr_assert_eq(json_set_double(o, "nan", 0.0 / 0.0), 0);
	cr_assert_eq(json_set(o, "arr", json_new_array(&req)), 0);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	cr_assert_str_eq(s, "{\"s\":\"x\\\"y\",\"null\":null,"
		"\"i\":-9007199254740993,\"b\":true,\"d\":0.25,\"nan\":null,"
		"\"arr\":[]}");
}

Test(json_build, utf8_length_counts_code_points)
{
	cr_assert_eq(json_utf8_length("", 0), 0);
	cr_assert_eq(json_utf8_length("abc", 3), 3);
	cr_assert_eq(json_utf8_length("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9), 3);
}

/* Response JSON belongs to the request: one value may sit in several
 * parents, and the arena releases everything once, whichever goes first
 * (under --enable-sanitizers a double free or a leak fails the run). */
Test(json_build, request_objects_nest_without_an_owner_to_free_them)
{
	struct json_object *o = json_new_object(&req);
	struct json_object *child = json_new_object(&req);
	struct json_object *list = json_new_array(&req);
	struct json_object *parsed = json_own(&req,
		json_tokener_parse("{\"k\":[1,2]}"));

	cr_assert_not_null(o);
	cr_assert_not_null(parsed);
	cr_assert_eq(json_set_int(child, "n", 1), 0);
	cr_assert_eq(json_set(o, "child", child), 0);
	cr_assert_eq(json_push(list, child), 0);
	cr_assert_eq(json_push_str(list, "s"), 0);
	cr_assert_eq(json_set(o, "list", list), 0);
	cr_assert_eq(json_set(o, "parsed", parsed), 0);
	/* A builder that failed (NULL) is an error, not a JSON null. */
	cr_assert_eq(json_push(list, NULL), DF_ENOMEM);
	cr_assert_str_eq(json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN), "{\"child\":{\"n\":1},"
		"\"list\":[{\"n\":1},\"s\"],\"parsed\":{\"k\":[1,2]}}");
	/* The parents may outlive the arena's reference, or not. */
	json_object_get(o);
	arena_reset(arena);
	cr_assert_str_eq(json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN), "{\"child\":{\"n\":1},"
		"\"list\":[{\"n\":1},\"s\"],\"parsed\":{\"k\":[1,2]}}");
	json_object_put(o);
}

/* Latencies print to 0.001 ms and ratios to 0.0001 with no float noise
 * (json-c's own printing gives 0.41200000000000003), trailing zeros
 * dropped. */
Test(json, rounded_numbers_print_their_decimals_only)
{
	struct json_object *o = json_object_new_object();
	char buf[64];

	json_fmt_rounded(buf, sizeof(buf), 0.41200000000000003, 3);
	cr_assert_str_eq(buf, "0.412");
	json_fmt_rounded(buf, sizeof(buf), 1.23456789, 3);
	cr_assert_str_eq(buf, "1.235");
	json_fmt_rounded(buf, sizeof(buf), 3.0, 3);
	cr_assert_str_eq(buf, "3");
	json_fmt_rounded(buf, sizeof(buf), 2.0 / 3.0, 4);
	cr_assert_str_eq(buf, "0.6667");
	json_fmt_rounded(buf, sizeof(buf), -0.00001, 3);
	cr_assert_str_eq(buf, "0");
	cr_assert_eq(json_set_ms(o, "a", 0.1 + 0.2), 0);
	cr_assert_eq(json_set_ratio(o, "b", 1.0 / 3.0), 0);
	cr_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"a\":0.3,\"b\":0.3333}");
	json_object_put(o);
}
