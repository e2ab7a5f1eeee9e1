/* Unit tests of JSON-lines logging: each line parses as one object with
 * the promised fields, escaping is right, levels filter, the access line
 * leaks no query or header, and concurrent writers never interleave. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "arena.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "kit.h"

static char PATH[64];

static void setup(void)
{
	int fd;

	strcpy(PATH, "/tmp/httph-test-log-XXXXXX");
	fd = mkstemp(PATH);
	cr_assert_geq(fd, 0);
	close(fd);
}

static void teardown(void)
{
	log_close();
	unlink(PATH);
}

TestSuite(log, .init = setup, .fini = teardown);

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

/* Parses the log's only line; the caller puts the object. */
static struct json_object *only_line(void)
{
	char *text = unit_slurp(PATH);
	struct json_object *o;

	cr_assert_eq(count_lines(text), 1, "log holds: %s", text);
	cr_assert_eq(text[strlen(text) - 1], '\n');
	o = json_tokener_parse(text);
	cr_assert_not_null(o, "not JSON: %s", text);
	cr_assert(json_object_is_type(o, json_type_object));
	free(text);
	return o;
}

static int is_null_field(struct json_object *o, const char *k)
{
	struct json_object *v = (struct json_object *)1;

	return json_object_object_get_ex(o, k, &v) && v == NULL;
}

Test(log, writes_one_json_object_per_line)
{
	struct json_object *o;

	cr_assert_eq(log_open(PATH, LOG_DEBUG), 0);
	log_msg(LOG_INFO, "worker %d started", 7);
	o = only_line();
	cr_assert_str_eq(unit_str_field(o, "msg"), "worker 7 started");
	cr_assert_str_eq(unit_str_field(o, "level"), "info");
	cr_assert_eq(unit_int_field(o, "pid"), getpid());
	cr_assert_eq(strlen(unit_str_field(o, "ts")), 27);
	cr_assert(!json_object_object_get_ex(o, "request_id", NULL));
	json_object_put(o);
}

Test(log, escapes_quotes_and_control_characters)
{
	static const char nasty[] = "a \"quoted\" \\ line\nwith\ttabs\x01 and </x>";
	struct json_object *o;

	cr_assert_eq(log_open(PATH, LOG_DEBUG), 0);
	log_msg(LOG_WARN, "%s", nasty);
	o = only_line();
	cr_assert_str_eq(unit_str_field(o, "msg"), nasty);
	cr_assert_str_eq(unit_str_field(o, "level"), "warn");
	json_object_put(o);
}

Test(log, replaces_invalid_utf8)
{
	struct json_object *o;
	char *text;

	cr_assert_eq(log_open(PATH, LOG_DEBUG), 0);
	log_msg(LOG_ERROR, "bad \xff\xc0\xaf byte, good \xc3\xa9");
	text = unit_slurp(PATH);
	cr_assert_null(strchr(text, '\xff'), "raw invalid byte: %s", text);
	cr_assert_null(strchr(text, '\xc0'), "raw overlong: %s", text);
	free(text);
	o = only_line();
	cr_assert_str_eq(unit_str_field(o, "msg"),
		"bad ??? byte, good \xc3\xa9");
	json_object_put(o);
}

Test(log, filters_below_the_level)
{
	char *text;

	cr_assert_eq(log_open(PATH, LOG_WARN), 0);
	log_msg(LOG_DEBUG, "debug");
	log_msg(LOG_INFO, "info");
	log_msg(LOG_WARN, "warn");
	log_msg(LOG_ERROR, "error");
	text = unit_slurp(PATH);
	cr_assert_eq(count_lines(text), 2, "%s", text);
	cr_assert_null(strstr(text, "\"msg\":\"info\""));
	cr_assert_not_null(strstr(text, "\"msg\":\"warn\""));
	cr_assert_not_null(strstr(text, "\"msg\":\"error\""));
	free(text);
}

Test(log, appends_to_an_existing_file)
{
	FILE *f = fopen(PATH, "w");
	char *text;

	fputs("earlier line\n", f);
	fclose(f);
	cr_assert_eq(log_open(PATH, LOG_INFO), 0);
	log_msg(LOG_INFO, "later");
	text = unit_slurp(PATH);
	cr_assert_eq(strncmp(text, "earlier line\n{", 14), 0, "%s", text);
	free(text);
}

Test(log, reopen_follows_a_rotated_file)
{
	char rotated[80];
	char *text;

	snprintf(rotated, sizeof(rotated), "%s.1", PATH);
	cr_assert_eq(log_open(PATH, LOG_INFO), 0);
	log_msg(LOG_INFO, "before");
	cr_assert_eq(rename(PATH, rotated), 0);
	cr_assert_eq(log_reopen(), 0);
	log_msg(LOG_INFO, "after");
	text = unit_slurp(rotated);
	cr_assert_not_null(strstr(text, "before"));
	cr_assert_null(strstr(text, "after"));
	free(text);
	text = unit_slurp(PATH);
	cr_assert_not_null(strstr(text, "after"));
	cr_assert_null(strstr(text, "before"));
	free(text);
	unlink(rotated);
}

Test(log, open_fails_for_an_unwritable_path)
{
	cr_assert_eq(log_open("/nonexistent-dir/x/y.log", LOG_INFO), DF_EIO);
}

static void request_for_log(struct request *req, struct arena *a, char **env)
{
	http_request_init(req, a, env);
	cr_assert_eq(http_parse(req, NULL, NULL), 0);
	req->resp.status = 201;
	req->bytes_out = 321;
}

/* Opens the log at PATH (level info) and, in a new arena (returned:
 * free it), the request of env as request_for_log makes it. */
static struct arena *log_request(struct request *req, char **env)
{
	struct arena *a = arena_new(0);

	cr_assert_eq(log_open(PATH, LOG_INFO), 0);
	request_for_log(req, a, env);
	return a;
}

Test(log, access_line_has_the_fields_and_no_query_or_headers)
{
	char *env[] = { "REQUEST_METHOD=POST",
		"REQUEST_URI=/api/v1/tickets?token=SECRETQUERY",
		"QUERY_STRING=token=SECRETQUERY", "REMOTE_ADDR=192.0.2.7",
		"HTTP_AUTHORIZATION=Bearer SECRETTOKEN",
		"HTTP_COOKIE=sid=SECRETCOOKIE", "HTTP_X_REQUEST_ID=abcdefgh-123",
		NULL };
	struct request req;
	struct arena *a;
	struct json_object *o, *v;
	char *text;

	a = log_request(&req, env);
	req.auth.authenticated = 1;
	strcpy(req.auth.sub, "usr_42");
	log_access(&req, "/api/v1/tickets");
	text = unit_slurp(PATH);
	cr_assert_null(strstr(text, "SECRET"), "leaked: %s", text);
	free(text);
	o = only_line();
	cr_assert_str_eq(unit_str_field(o, "request_id"), "abcdefgh-123");
	cr_assert_str_eq(unit_str_field(o, "method"), "POST");
	cr_assert_str_eq(unit_str_field(o, "path"), "/api/v1/tickets");
	cr_assert_str_eq(unit_str_field(o, "route"), "/api/v1/tickets");
	cr_assert_str_eq(unit_str_field(o, "remote"), "192.0.2.7");
	cr_assert_str_eq(unit_str_field(o, "user"), "usr_42");
	cr_assert_str_eq(unit_str_field(o, "level"), "info");
	cr_assert_eq(unit_int_field(o, "status"), 201);
	cr_assert_eq(unit_int_field(o, "bytes_out"), 321);
	cr_assert(json_object_object_get_ex(o, "duration_ms", &v));
	cr_assert(json_object_is_type(v, json_type_double));
	cr_assert_geq(json_object_get_double(v), 0.0);
	json_object_put(o);
	arena_free(a);
}

Test(log, access_line_has_nulls_for_no_route_and_anonymous)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/nowhere", NULL };
	struct request req;
	struct arena *a;
	struct json_object *o;

	a = log_request(&req, env);
	req.resp.status = 404;
	log_access(&req, NULL);
	o = only_line();
	cr_assert(is_null_field(o, "route"));
	cr_assert(is_null_field(o, "user"));
	json_object_put(o);
	arena_free(a);
}

Test(log, access_line_of_a_refused_request_has_null_path)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a%00",
		"REMOTE_ADDR=::1", NULL };
	struct arena *a = arena_new(0);
	struct request req;
	struct json_object *o;

	cr_assert_eq(log_open(PATH, LOG_INFO), 0);
	http_request_init(&req, a, env);
	cr_assert_eq(http_parse(&req, NULL, NULL), 400);
	req.resp.status = 400;
	log_access(&req, NULL);
	o = only_line();
	cr_assert(is_null_field(o, "path"));
	cr_assert_str_eq(unit_str_field(o, "remote"), "::1");
	cr_assert_str_eq(unit_str_field(o, "method"), "GET");
	json_object_put(o);
	arena_free(a);
}

/* The access line is formatted by hand (it is written on every request):
 * it must be byte for byte what json-c makes of the same values. */
static void expect_access_line_as_json_c(const char *path)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x",
		"REMOTE_ADDR=192.0.2.9", NULL };
	struct request req;
	struct arena *a;
	struct json_object *o;
	const char *again;
	char *text, *nl;

	a = log_request(&req, env);
	req.path = path;
	req.auth.authenticated = 1;
	strcpy(req.auth.sub, "usr_\"q\"");
	log_access(&req, "/r/{id}");
	text = unit_slurp(PATH);
	nl = strchr(text, '\n');
	cr_assert(nl != NULL && nl[1] == '\0', "one line: %s", text);
	*nl = '\0';
	o = json_tokener_parse(text);
	cr_assert(o != NULL, "not JSON: %s", text);
	again = json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	cr_assert_str_eq(text, again);
	json_object_put(o);
	free(text);
	arena_free(a);
	cr_assert_eq(unlink(PATH), 0);
}

Test(log, access_line_is_what_json_c_writes)
{
	static char big[3000];

	expect_access_line_as_json_c("/plain/path");
	expect_access_line_as_json_c("/q\"b\\s/\x01\x1f\x7f\b\f\n\r\t"
		"/\xc3\xa9/\xff\xe2\x82/\xf0\x9f\x98\x80");
	/* Too long for the stack buffer once escaped: json-c writes it. */
	memset(big, 0x01, sizeof(big) - 1);
	big[0] = '/';
	expect_access_line_as_json_c(big);
}

Test(log, request_message_carries_the_request_id)
{
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
		"HTTP_X_REQUEST_ID=trace-0001", NULL };
	struct request req;
	struct arena *a;
	struct json_object *o;

	a = log_request(&req, env);
	log_req_msg(&req, LOG_ERROR, "db failed: %s", "timeout");
	o = only_line();
	cr_assert_str_eq(unit_str_field(o, "request_id"), "trace-0001");
	cr_assert_str_eq(unit_str_field(o, "msg"), "db failed: timeout");
	cr_assert_str_eq(unit_str_field(o, "level"), "error");
	json_object_put(o);
	arena_free(a);
}

Test(log, concurrent_writers_never_interleave)
{
	enum { KIDS = 4, LINES = 200 };
	char filler[3000];
	char *text, *line, *save = NULL;
	size_t n = 0;
	int i;

	memset(filler, 'x', sizeof(filler) - 1);
	filler[sizeof(filler) - 1] = '\0';
	cr_assert_eq(log_open(PATH, LOG_INFO), 0);
	for (i = 0; i < KIDS; i++) {
		pid_t pid = fork();

		cr_assert_geq(pid, 0);
		if (pid == 0) {
			for (int j = 0; j < LINES; j++)
				log_msg(LOG_INFO, "%d %d %s", i, j, filler);
			_exit(0);
		}
	}
	for (i = 0; i < KIDS; i++)
		wait(NULL);
	text = unit_slurp(PATH);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line);

		cr_assert_not_null(o, "line %zu is not one JSON object", n);
		json_object_put(o);
		n++;
	}
	cr_assert_eq(n, KIDS * LINES);
	free(text);
}

Test(log_timestamp, is_rfc3339_utc_with_microseconds)
{
	char ts[32];
	int y, mo, d, h, mi, s;
	long us;
	char z;

	log_timestamp(ts, sizeof(ts));
	cr_assert_eq(strlen(ts), 27, "%s", ts);
	cr_assert_eq(sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d.%6ld%c", &y, &mo, &d,
		&h, &mi, &s, &us, &z), 8, "%s", ts);
	cr_assert_eq(z, 'Z');
	cr_assert_geq(y, 2024);
	cr_assert(mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
	cr_assert(h < 24 && mi < 60 && s <= 60 && us < 1000000);
}

Test(log_level_parse, knows_the_four_levels)
{
	int lv = -1;

	cr_assert_eq(log_level_parse("debug", &lv), 0);
	cr_assert_eq(lv, LOG_DEBUG);
	cr_assert_eq(log_level_parse("info", &lv), 0);
	cr_assert_eq(lv, LOG_INFO);
	cr_assert_eq(log_level_parse("warn", &lv), 0);
	cr_assert_eq(lv, LOG_WARN);
	cr_assert_eq(log_level_parse("ERROR", &lv), 0);
	cr_assert_eq(lv, LOG_ERROR);
	cr_assert_eq(log_level_parse("verbose", &lv), DF_EINVAL);
	cr_assert_eq(log_level_parse("", &lv), DF_EINVAL);
}
