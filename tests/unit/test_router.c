/* Unit tests for router.c: real route tables and handlers, a hand-filled
 * config, requests parsed from envp arrays, and a real shared segment in
 * ordinary memory; each pipeline step is checked for its exact status,
 * headers and problem code, and for never reaching the handler when it
 * refuses. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "cache.h"
#include "config.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "problem.h"
#include "router.h"
#include "shm.h"
#include "token.h"
#include "validate.h"

#define ORIGIN "https://app.example"
#define UNTRUSTED "198.51.100.7"
#define SECRET "0123456789abcdef0123456789abcdef-router-test"

static struct arena *arena;
static struct config cfg;
static struct router router;
static struct request req;
static struct shm_segment *seg;
static int calls;              /* handler runs */
static int fail_rc;            /* what h_fail returns */
static const char *remote;     /* REMOTE_ADDR of the next request */

/* Body source: the bytes of the next request, and how many were read. */
static const char *body_data;
static size_t body_len, body_pos, body_read;

static long mem_read(void *ctx, char *buf, size_t len)
{
	size_t n = body_len - body_pos;

	(void)ctx;
	if (n > len)
		n = len;
	memcpy(buf, body_data + body_pos, n);
	body_pos += n;
	body_read += n;
	return (long)n;
}

/* ---- handlers ---- */

static int h_ok(struct request *r)
{
	calls++;
	return http_set_body(r, 200, "text/plain", "ok", 2);
}

static int h_item(struct request *r)
{
	const char *id = router_param(r, "id");

	calls++;
	return http_set_body(r, 200, "text/plain", id, strlen(id));
}

static int h_json(struct request *r)
{
	calls++;
	cr_assert_not_null(r->json);
	return http_set_body(r, 200, "text/plain", json_get_str(r->json, "name",
		"-"), strlen(json_get_str(r->json, "name", "-")));
}

static int h_raw(struct request *r)
{
	calls++;
	return http_set_body(r, 200, "text/plain", r->body, r->body_len);
}

static int h_fail(struct request *r)
{
	calls++;
	cr_assert_eq(http_set_header(r, "Location", "/somewhere"), 0);
	if (fail_rc == DF_EINVAL)
		problem_add_error(r, "name", "too_long", "is too long");
	if (fail_rc == DF_ERESPONDED)
		problem_send(r, 409, "conflict", "Already there.");
	return fail_rc;
}

static int h_invalid_plain(struct request *r)
{
	(void)r;
	calls++;
	return DF_EINVAL;
}

static int h_silent(struct request *r)
{
	(void)r;
	calls++;
	return 0;
}

static const struct route items_routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/items", .handler = h_ok,
	  .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_POST, .pattern = "/api/v1/items", .handler = h_json,
	  .role = ROLE_USER, .rl = RL_NONE, .flags = ROUTE_BODY_JSON },
	{ .method = HTTP_GET, .pattern = "/api/v1/items/{id}",
	  .handler = h_item, .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_DELETE, .pattern = "/api/v1/items/{id}",
	  .handler = h_item, .role = ROLE_ADMIN, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/items/special",
	  .handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE },
};

static const struct route misc_routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/login",
	  .handler = h_ok, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON },
	{ .method = HTTP_PUT, .pattern = "/api/v1/blob", .handler = h_raw,
	  .role = ROLE_NONE, .rl = RL_NONE, .flags = ROUTE_BODY_RAW,
	  .max_body = 8 },
	{ .method = HTTP_GET, .pattern = "/api/v1/metrics", .handler = h_ok,
	  .role = ROLE_ADMIN, .rl = RL_NONE, .flags = ROUTE_TRUSTED },
	{ .method = HTTP_GET, .pattern = "/api/v1/fail", .handler = h_fail,
	  .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/invalid",
	  .handler = h_invalid_plain, .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/silent", .handler = h_silent,
	  .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/dev", .handler = h_ok,
	  .role = ROLE_DEVELOPER, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/user", .handler = h_ok,
	  .role = ROLE_USER, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/optional", .handler = h_ok,
	  .role = ROLE_USER, .rl = RL_NONE, .flags = ROUTE_AUTH_OPTIONAL },
	{ .method = HTTP_GET, .pattern = "/api/v1/limited", .handler = h_ok,
	  .role = ROLE_NONE, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/", .handler = h_ok,
	  .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/other",
	  .handler = h_ok, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON },
};

static const struct route_table items_table = { "items", items_routes,
	sizeof(items_routes) / sizeof(items_routes[0]) };
static const struct route_table misc_table = { "misc", misc_routes,
	sizeof(misc_routes) / sizeof(misc_routes[0]) };
static const struct route_table *const tables[] = { &items_table,
	&misc_table };

/* Test credentials: "Bearer <role>" authenticates as that role,
 * "Bearer dbdown" finds the database gone, "Bearer mfa" answers itself,
 * anything else is a bad token. */
static int fake_auth(struct request *r)
{
	const char *t;
	enum role role;

	if (r->authorization == NULL)
		return 0;
	t = token_from_authorization(r->authorization);
	if (t == NULL)
		return DF_EAUTH;
	if (strcmp(t, "dbdown") == 0)
		return DF_EDBDOWN;
	if (strcmp(t, "mfa") == 0)
		return problem_send(r, 401, "mfa_required", "Second factor.");
	if (strcmp(t, "expired") == 0) {
		r->auth.refused = "token_expired";
		return DF_EAUTH;
	}
	if (strncmp(t, "u2-", 3) == 0) {
		t += 3;
		snprintf(r->auth.sub, sizeof(r->auth.sub), "second");
	} else {
		snprintf(r->auth.sub, sizeof(r->auth.sub), "first");
	}
	if (role_parse(t, &role) != 0)
		return DF_EAUTH;
	r->auth.authenticated = 1;
	r->auth.role = role;
	return 0;
}

/* The production shape of the hook, over real tokens. */
static int token_auth(struct request *r)
{
	struct token_claims c;
	const char *t;

	if (r->authorization == NULL)
		return 0;
	t = token_from_authorization(r->authorization);
	if (t == NULL || token_verify(r->cfg, t, time(NULL), &c) != 0)
		return DF_EAUTH;
	r->auth.authenticated = 1;
	r->auth.role = c.role;
	memcpy(r->auth.sub, c.sub, sizeof(r->auth.sub));
	return 0;
}

static void setup(void)
{
	static char *origins[] = { ORIGIN, "http://localhost:3000" };

	cr_assert_eq(log_open("/dev/null", LOG_ERROR), 0);
	arena = arena_new(8192);
	cr_assert_not_null(arena);
	memset(&cfg, 0, sizeof(cfg));
	cfg.limits.max_body = 1024;
	cfg.json_max_depth = 4;
	cfg.cors_origins[0] = origins[0];
	cfg.cors_origins[1] = origins[1];
	cfg.ncors_origins = 2;
	cr_assert(validate_cidr_parse("127.0.0.0/8", &cfg.trusted[0]));
	cr_assert(validate_cidr_parse("::1/128", &cfg.trusted[1]));
	cfg.ntrusted = 2;
	cfg.ratelimit[RL_DEFAULT] = (struct config_ratelimit){ 3, 60 };
	cfg.ratelimit[RL_AUTH] = (struct config_ratelimit){ 2, 60 };
	cfg.ratelimit[RL_LICENSE] = (struct config_ratelimit){ 60, 60 };
	cfg.ratelimit[RL_ANALYTICS] = (struct config_ratelimit){ 60, 60 };
	cfg.jwt_secret = SECRET;
	cfg.jwt_secret_len = strlen(SECRET);
	cfg.jwt_issuer = "https://devforge.example";
	cfg.jwt_audience = "devforge-api";
	cfg.access_token_ttl = 900;

	seg = calloc(1, sizeof(*seg));
	cr_assert_not_null(seg);
	shm_init_memory(seg);
	shm_current = seg;

	memset(&router, 0, sizeof(router));
	router.cfg = &cfg;
	router.tables = tables;
	router.ntables = 2;
	router.hooks.authenticate = fake_auth;
	router.read_body = mem_read;
	cr_assert_eq(router_init(&router), 0);
	cr_assert_eq(cache_init(64, 1 << 20), 0);
	calls = 0;
	fail_rc = 0;
	remote = UNTRUSTED;
}

static void teardown(void)
{
	cache_free();
	shm_current = NULL;
	free(seg);
	arena_free(arena);
	log_close();
}

TestSuite(router_dispatch, .init = setup, .fini = teardown);
TestSuite(router_init, .init = setup, .fini = teardown);
TestSuite(router_match, .init = setup, .fini = teardown);

/* Runs one request: method, uri, body (NULL: none), then "NAME=value"
 * params, NULL-terminated. The arena is reset first, so each call
 * starts clean and the previous answer is gone. */
static void run(const char *method, const char *uri, const char *body, ...)
{
	const char *why = NULL, *p;
	char **envp;
	size_t n = 0;
	va_list ap;

	arena_reset(arena);
	envp = arena_calloc(arena, 32, sizeof(char *));
	envp[n++] = arena_printf(arena, "REQUEST_METHOD=%s", method);
	envp[n++] = arena_printf(arena, "REQUEST_URI=%s", uri);
	envp[n++] = arena_printf(arena, "REMOTE_ADDR=%s", remote);
	va_start(ap, body);
	while ((p = va_arg(ap, const char *)) != NULL && n < 31)
		envp[n++] = arena_strdup(arena, p);
	va_end(ap);
	envp[n] = NULL;
	body_data = body ? body : "";
	body_len = strlen(body_data);
	body_pos = 0;
	body_read = 0;
	http_request_init(&req, arena, envp);
	cr_assert_eq(http_parse(&req, &cfg.limits, &why), 0, "parse: %s", why);
	router_dispatch(&router, &req);
}

/* run() of a GET with "Authorization: Bearer <token>". */
static void get_as(const char *uri, const char *token)
{
	char h[256];

	snprintf(h, sizeof(h), "HTTP_AUTHORIZATION=Bearer %s", token);
	run("GET", uri, NULL, h, NULL);
}

static const char *hdr(const char *name)
{
	size_t i;

	for (i = 0; i < req.resp.nheaders; i++)
		if (strcasecmp(req.resp.headers[i].name, name) == 0)
			return req.resp.headers[i].value;
	return NULL;
}

static void hdr_is(const char *name, const char *want)
{
	const char *v = hdr(name);

	cr_assert_not_null(v, "no %s header (status %d)", name, req.resp.status);
	cr_assert_str_eq(v, want, "%s: '%s'", name, v);
}

/* The problem's code word, from its "type" URI. */
static void problem_is(int status, const char *code)
{
	struct json_object *o, *t;
	const char *type;

	cr_assert_eq(req.resp.status, status, "status %d, want %d: %.*s",
		req.resp.status, status, (int)req.resp.body_len,
		req.resp.body ? req.resp.body : "");
	cr_assert_str_eq(req.resp.content_type, "application/problem+json");
	o = json_tokener_parse(req.resp.body);
	cr_assert_not_null(o);
	cr_assert(json_object_object_get_ex(o, "type", &t));
	type = json_object_get_string(t);
	cr_assert_eq(strncmp(type, PROBLEM_TYPE_BASE, strlen(PROBLEM_TYPE_BASE)), 0);
	cr_assert_str_eq(type + strlen(PROBLEM_TYPE_BASE), code);
	json_object_put(o);
}

static const char *detail(void)
{
	static char buf[512];
	struct json_object *o = json_tokener_parse(req.resp.body), *d;

	buf[0] = '\0';
	if (o != NULL && json_object_object_get_ex(o, "detail", &d))
		snprintf(buf, sizeof(buf), "%s", json_object_get_string(d));
	json_object_put(o);
	return buf;
}

static void no_cors(void)
{
	cr_assert_null(hdr("Access-Control-Allow-Origin"));
	cr_assert_null(hdr("Access-Control-Allow-Credentials"));
	cr_assert_null(hdr("Access-Control-Expose-Headers"));
}

static void has_cors(void)
{
	hdr_is("Access-Control-Allow-Origin", ORIGIN);
	hdr_is("Access-Control-Allow-Credentials", "true");
	hdr_is("Vary", "Origin");
	hdr_is("Access-Control-Expose-Headers", "X-Request-Id, RateLimit-Limit, "
		"RateLimit-Remaining, RateLimit-Reset, Retry-After, ETag, Location, "
		"WWW-Authenticate");
}

#define JSON_CT "CONTENT_TYPE=application/json"

/* ---- 1. route matching ---- */

Test(router_dispatch, unknown_path_is_404)
{
	run("GET", "/api/v1/nope", NULL, NULL);
	problem_is(404, "not_found");
	cr_assert_null(req.route);
	run("GET", "/api/v1/items/a/b", NULL, NULL);
	problem_is(404, "not_found");
	run("POST", "/api/v1/nope", "{}", JSON_CT, "CONTENT_LENGTH=2",
		"HTTP_ORIGIN=" ORIGIN, NULL);
	problem_is(404, "not_found");
	cr_assert_eq(calls, 0);
	cr_assert_eq(body_read, 0);
}

Test(router_dispatch, sets_router_cfg_route_and_params)
{
	run("GET", "/api/v1/items/42", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(req.router, &router);
	cr_assert_eq(req.cfg, &cfg);
	cr_assert_eq(req.route, &items_routes[2]);
	cr_assert_str_eq(router_param(&req, "id"), "42");
	cr_assert_null(router_param(&req, "slug"));
	cr_assert_eq(router_route_index(&router, req.route), 2);
	cr_assert_eq(strncmp(req.resp.body, "42", 2), 0);
}

Test(router_dispatch, root_path_matches_root_pattern)
{
	run("GET", "/", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(req.route, &misc_routes[10]);
}

Test(router_dispatch, percent_decoded_param)
{
	run("GET", "/api/v1/items/caf%C3%A9", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_str_eq(router_param(&req, "id"), "caf\xc3\xa9");
}

Test(router_dispatch, literal_segment_beats_parameter)
{
	run("GET", "/api/v1/items/special", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(req.route, &items_routes[4]);
	cr_assert_eq(req.npath, 0);
	/* "special" is its own resource: DELETE on {id} does not apply. */
	run("DELETE", "/api/v1/items/special", NULL,
		"HTTP_AUTHORIZATION=Bearer admin", NULL);
	problem_is(405, "method_not_allowed");
	hdr_is("Allow", "GET, HEAD, OPTIONS");
}

Test(router_dispatch, head_runs_get_route)
{
	run("HEAD", "/api/v1/items", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(req.route, &items_routes[0]);
	cr_assert_eq(calls, 1);
}

/* ---- 2. OPTIONS and CORS preflight ---- */

Test(router_dispatch, preflight_allowed)
{
	run("OPTIONS", "/api/v1/items", NULL, "HTTP_ORIGIN=" ORIGIN,
		"HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST",
		"HTTP_ACCESS_CONTROL_REQUEST_HEADERS=content-type,authorization",
		NULL);
	cr_assert_eq(req.resp.status, 204);
	cr_assert_null(req.resp.body);
	hdr_is("Access-Control-Allow-Origin", ORIGIN);
	hdr_is("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
	hdr_is("Access-Control-Allow-Headers", "Authorization, Content-Type, "
		"If-None-Match, Idempotency-Key, X-Request-Id");
	hdr_is("Access-Control-Allow-Credentials", "true");
	hdr_is("Access-Control-Max-Age", "600");
	hdr_is("Vary", "Origin");
	cr_assert_eq(calls, 0);
}

Test(router_dispatch, preflight_for_get_and_head)
{
	run("OPTIONS", "/api/v1/items/7", NULL, "HTTP_ORIGIN=" ORIGIN,
		"HTTP_ACCESS_CONTROL_REQUEST_METHOD=HEAD", NULL);
	cr_assert_eq(req.resp.status, 204);
	hdr_is("Access-Control-Allow-Methods", "GET, HEAD, DELETE, OPTIONS");
}

Test(router_dispatch, preflight_origin_not_allowed)
{
	run("OPTIONS", "/api/v1/items", NULL, "HTTP_ORIGIN=https://evil.example",
		"HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST", NULL);
	problem_is(403, "forbidden");
	no_cors();
	cr_assert_null(hdr("Access-Control-Allow-Methods"));
	cr_assert_eq(calls, 0);
}

Test(router_dispatch, preflight_method_not_allowed)
{
	run("OPTIONS", "/api/v1/items", NULL, "HTTP_ORIGIN=" ORIGIN,
		"HTTP_ACCESS_CONTROL_REQUEST_METHOD=PUT", NULL);
	problem_is(405, "method_not_allowed");
	hdr_is("Allow", "GET, HEAD, POST, OPTIONS");
	cr_assert_null(hdr("Access-Control-Allow-Methods"));
	run("OPTIONS", "/api/v1/items", NULL, "HTTP_ORIGIN=" ORIGIN,
		"HTTP_ACCESS_CONTROL_REQUEST_METHOD=BREW", NULL);
	problem_is(405, "method_not_allowed");
	cr_assert_eq(calls, 0);
}

Test(router_dispatch, plain_options_lists_methods)
{
	run("OPTIONS", "/api/v1/blob", NULL, NULL);
	cr_assert_eq(req.resp.status, 204);
	hdr_is("Allow", "PUT, OPTIONS");
	no_cors();
	/* An Origin without Access-Control-Request-Method is no preflight. */
	run("OPTIONS", "/api/v1/items", NULL, "HTTP_ORIGIN=https://evil.example",
		NULL);
	cr_assert_eq(req.resp.status, 204);
	hdr_is("Allow", "GET, HEAD, POST, OPTIONS");
	no_cors();
	cr_assert_eq(calls, 0);
}

/* ---- 3. 405 ---- */

Test(router_dispatch, wrong_method_is_405_with_allow)
{
	run("PUT", "/api/v1/items", NULL, NULL);
	problem_is(405, "method_not_allowed");
	hdr_is("Allow", "GET, HEAD, POST, OPTIONS");
	run("PATCH", "/api/v1/items/3", NULL, NULL);
	problem_is(405, "method_not_allowed");
	hdr_is("Allow", "GET, HEAD, DELETE, OPTIONS");
	run("GET", "/api/v1/auth/login", NULL, NULL);
	hdr_is("Allow", "POST, OPTIONS");
	run("BREW", "/api/v1/items", NULL, NULL);
	problem_is(405, "method_not_allowed");
	cr_assert_eq(calls, 0);
	cr_assert_null(req.route);
}

/* ---- 4. CORS on ordinary answers ---- */

Test(router_dispatch, cors_on_success_and_problems)
{
	run("GET", "/api/v1/items", NULL, "HTTP_ORIGIN=" ORIGIN, NULL);
	cr_assert_eq(req.resp.status, 200);
	has_cors();
	run("GET", "/api/v1/user", NULL, "HTTP_ORIGIN=" ORIGIN, NULL);
	problem_is(401, "unauthorized");
	has_cors();
	fail_rc = DF_EDBDOWN;
	run("GET", "/api/v1/fail", NULL, "HTTP_ORIGIN=" ORIGIN, NULL);
	problem_is(503, "service_unavailable");
	has_cors();
}

Test(router_dispatch, disallowed_origin_gets_no_cors)
{
	run("GET", "/api/v1/items", NULL, "HTTP_ORIGIN=https://evil.example", NULL);
	cr_assert_eq(req.resp.status, 200);
	no_cors();
	cr_assert_null(hdr("Vary"));
	/* Case matters in an origin: no loose matching. */
	run("GET", "/api/v1/items", NULL, "HTTP_ORIGIN=https://APP.example", NULL);
	no_cors();
	run("GET", "/api/v1/items", NULL, "HTTP_ORIGIN=null", NULL);
	no_cors();
}

Test(router_dispatch, never_a_wildcard_origin)
{
	size_t i;

	run("GET", "/api/v1/items", NULL, "HTTP_ORIGIN=" ORIGIN, NULL);
	for (i = 0; i < req.resp.nheaders; i++)
		cr_assert_str_neq(req.resp.headers[i].value, "*");
}

/* ---- 5. rate limits ---- */

#define LOGIN(...) run("POST", "/api/v1/auth/login", "{}", JSON_CT, \
	"CONTENT_LENGTH=2", ##__VA_ARGS__, NULL)

/* A login from addr passes the limits: 200. */
static void login_ok_from(const char *addr)
{
	remote = addr;
	LOGIN();
	cr_assert_eq(req.resp.status, 200, "login from %s", addr);
}

Test(router_dispatch, per_address_limit_refuses_with_429)
{
	LOGIN();
	cr_assert_eq(req.resp.status, 200);
	hdr_is("RateLimit-Limit", "2");
	hdr_is("RateLimit-Remaining", "1");
	cr_assert_not_null(hdr("RateLimit-Reset"));
	LOGIN();
	cr_assert_eq(req.resp.status, 200);
	hdr_is("RateLimit-Remaining", "0");
	LOGIN("HTTP_ORIGIN=" ORIGIN);
	problem_is(429, "rate_limited");
	hdr_is("RateLimit-Limit", "2");
	hdr_is("RateLimit-Remaining", "0");
	cr_assert_not_null(hdr("Retry-After"));
	cr_assert_geq(atoi(hdr("Retry-After")), 1);
	cr_assert_leq(atoi(hdr("Retry-After")), 60);
	has_cors();
	cr_assert_eq(calls, 2);
	cr_assert_eq(body_read, 0, "the refused body was read");
	cr_assert_eq(seg->counters[SHM_C_RL_REFUSED + RL_AUTH], 1);
	cr_assert_eq(seg->counters[SHM_C_RL_REFUSED + RL_DEFAULT], 0);

	/* Another address has its own bucket. */
	login_ok_from("203.0.113.9");
	cr_assert_eq(calls, 3);
}

/* Many addresses together meet the route's global ceiling. */
Test(router_dispatch, auth_routes_have_a_ceiling_over_all_addresses)
{
	cfg.ratelimit_auth_global = (struct config_ratelimit){ 3, 60 };
	login_ok_from("198.51.100.1");
	login_ok_from("198.51.100.2");
	hdr_is("RateLimit-Limit", "2");
	hdr_is("RateLimit-Remaining", "1");
	login_ok_from("198.51.100.3");
	/* This address has one more, all of them together none: the
	 * bucket nearer empty is the one shown. */
	hdr_is("RateLimit-Limit", "3");
	hdr_is("RateLimit-Remaining", "0");
	remote = "198.51.100.4";
	LOGIN();
	problem_is(429, "rate_limited");
	cr_assert(strstr(detail(), "all clients together") != NULL, "%s",
		detail());
	hdr_is("RateLimit-Limit", "3");
	hdr_is("RateLimit-Remaining", "0");
	cr_assert_geq(atoi(hdr("Retry-After")), 1);
	cr_assert_eq(calls, 3);
	cr_assert_eq(seg->counters[SHM_C_RL_REFUSED + RL_AUTH], 1);
	/* Per route: another auth route has its own global bucket. */
	run("POST", "/api/v1/auth/other", "{}", JSON_CT, "CONTENT_LENGTH=2",
		NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(calls, 4);
}

/* Addresses of one IPv6 /64 share the per-address bucket; another /64
 * has its own. */
Test(router_dispatch, ipv6_clients_are_limited_per_network)
{
	cfg.ratelimit_ipv6_prefix = 64;
	login_ok_from("2001:db8:5:6::1");
	login_ok_from("2001:db8:5:6::2");
	remote = "2001:db8:5:6:ffff::3";
	LOGIN();
	problem_is(429, "rate_limited");
	login_ok_from("2001:db8:5:7::1");
}

Test(router_dispatch, address_class_ignores_credentials)
{
	LOGIN("HTTP_AUTHORIZATION=Bearer user");
	LOGIN("HTTP_AUTHORIZATION=Bearer u2-user");
	LOGIN("HTTP_AUTHORIZATION=Bearer admin");
	problem_is(429, "rate_limited");
	cr_assert_eq(calls, 2);
}

Test(router_dispatch, rate_limit_headers_on_every_answer_of_the_route)
{
	/* A 415 on a limited route still tells the client its budget. */
	run("POST", "/api/v1/auth/login", "{}", "CONTENT_TYPE=text/plain",
		"CONTENT_LENGTH=2", NULL);
	problem_is(415, "unsupported_media_type");
	hdr_is("RateLimit-Limit", "2");
	hdr_is("RateLimit-Remaining", "1");
	/* Unlimited routes carry none. */
	run("GET", "/api/v1/items", NULL, NULL);
	cr_assert_null(hdr("RateLimit-Limit"));
	cr_assert_null(hdr("RateLimit-Remaining"));
	cr_assert_null(hdr("RateLimit-Reset"));
}

Test(router_dispatch, default_class_is_per_user_when_authenticated)
{
	int i;

	for (i = 0; i < 3; i++) {
		run("GET", "/api/v1/limited", NULL, NULL);
		cr_assert_eq(req.resp.status, 200);
	}
	run("GET", "/api/v1/limited", NULL, NULL);
	problem_is(429, "rate_limited");
	cr_assert_eq(seg->counters[SHM_C_RL_REFUSED + RL_DEFAULT], 1);

	/* Same address, but users count on their own buckets. */
	for (i = 0; i < 3; i++) {
		run("GET", "/api/v1/limited", NULL,
			"HTTP_AUTHORIZATION=Bearer user", NULL);
		cr_assert_eq(req.resp.status, 200);
		hdr_is("RateLimit-Remaining", i == 0 ? "2" : i == 1 ? "1" : "0");
	}
	get_as("/api/v1/limited", "user");
	problem_is(429, "rate_limited");
	get_as("/api/v1/limited", "u2-user");
	cr_assert_eq(req.resp.status, 200);
	hdr_is("RateLimit-Remaining", "2");
	cr_assert_eq(calls, 7);
}

Test(router_dispatch, bad_token_counts_against_the_address)
{
	get_as("/api/v1/limited", "bogus");
	problem_is(401, "unauthorized");
	hdr_is("RateLimit-Remaining", "2");
	run("GET", "/api/v1/limited", NULL, NULL);
	run("GET", "/api/v1/limited", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	get_as("/api/v1/limited", "bogus");
	problem_is(429, "rate_limited");
	cr_assert_eq(calls, 2);
}

Test(router_dispatch, zero_limit_means_unlimited)
{
	int i;

	cfg.ratelimit[RL_AUTH].limit = 0;
	for (i = 0; i < 5; i++) {
		LOGIN();
		cr_assert_eq(req.resp.status, 200);
	}
	cr_assert_null(hdr("RateLimit-Limit"));
}

/* ---- 6. authentication ---- */

Test(router_dispatch, bad_token_is_401_even_on_open_route)
{
	get_as("/api/v1/items", "bogus");
	problem_is(401, "unauthorized");
	hdr_is("WWW-Authenticate", "Bearer realm=\"devforge\"");
	run("GET", "/api/v1/items", NULL, "HTTP_AUTHORIZATION=Basic dTpw", NULL);
	problem_is(401, "unauthorized");
	cr_assert_eq(calls, 0);
}

/* The hook's reason for refusing a token reaches the 401: a client
 * refreshes on token_expired and signs in again on anything else. */
Test(router_dispatch, refused_token_kind_names_the_401)
{
	get_as("/api/v1/items", "expired");
	problem_is(401, "token_expired");
	hdr_is("WWW-Authenticate", "Bearer realm=\"devforge\", "
		"error=\"invalid_token\", error_description=\"The access token "
		"has expired: get a new one with the refresh token.\"");
	cr_assert_eq(calls, 0);
}

Test(router_dispatch, auth_hook_database_down_is_503)
{
	get_as("/api/v1/items", "dbdown");
	problem_is(503, "service_unavailable");
	hdr_is("Retry-After", "5");
	cr_assert_eq(seg->counters[SHM_C_DB_UNAVAILABLE], 1);
	cr_assert_eq(calls, 0);
}

Test(router_dispatch, auth_hook_own_answer_is_kept)
{
	get_as("/api/v1/items", "mfa");
	problem_is(401, "mfa_required");
	cr_assert_str_eq(detail(), "Second factor.");
	cr_assert_eq(calls, 0);
}

Test(router_dispatch, real_tokens_through_the_hook)
{
	static char h[1024];
	char *tok = NULL;

	router.hooks.authenticate = token_auth;
	cr_assert_eq(token_issue(&cfg, "u-77", ROLE_DEVELOPER, 1, time(NULL), &tok), 0);
	snprintf(h, sizeof(h), "HTTP_AUTHORIZATION=Bearer %s", tok);
	free(tok);
	run("GET", "/api/v1/dev", NULL, h, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert(req.auth.authenticated);
	cr_assert_str_eq(req.auth.sub, "u-77");
	cr_assert_eq(calls, 1);
	/* The same token under another key is refused. */
	cr_assert_eq(token_issue(&cfg, "u-77", ROLE_ADMIN, 1, time(NULL), &tok), 0);
	cfg.jwt_secret = "another-secret-another-secret-000";
	cfg.jwt_secret_len = strlen(cfg.jwt_secret);
	snprintf(h, sizeof(h), "HTTP_AUTHORIZATION=Bearer %s", tok);
	free(tok);
	run("GET", "/api/v1/dev", NULL, h, NULL);
	problem_is(401, "unauthorized");
	cr_assert_eq(calls, 1);
}

Test(router_dispatch, no_hook_leaves_callers_anonymous)
{
	router.hooks.authenticate = NULL;
	get_as("/api/v1/items", "admin");
	cr_assert_eq(req.resp.status, 200);
	get_as("/api/v1/user", "admin");
	problem_is(401, "unauthorized");
}

/* ---- 7. roles ---- */

Test(router_dispatch, role_required)
{
	run("GET", "/api/v1/user", NULL, NULL);
	problem_is(401, "unauthorized");
	hdr_is("WWW-Authenticate", "Bearer realm=\"devforge\"");
	get_as("/api/v1/dev", "user");
	problem_is(403, "forbidden");
	get_as("/api/v1/dev", "support");
	problem_is(403, "forbidden");
	cr_assert_eq(calls, 0);
	get_as("/api/v1/user", "developer");
	cr_assert_eq(req.resp.status, 200);
	get_as("/api/v1/user", "support");
	cr_assert_eq(req.resp.status, 200);
	get_as("/api/v1/dev", "admin");
	cr_assert_eq(req.resp.status, 200);
	get_as("/api/v1/dev", "developer");
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(calls, 4);
}

Test(router_dispatch, trusted_network_passes_role_check)
{
	remote = "127.0.0.1";
	run("GET", "/api/v1/metrics", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	remote = "::1";
	run("GET", "/api/v1/metrics", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	remote = UNTRUSTED;
	run("GET", "/api/v1/metrics", NULL, NULL);
	problem_is(401, "unauthorized");
	get_as("/api/v1/metrics", "user");
	problem_is(403, "forbidden");
	get_as("/api/v1/metrics", "admin");
	cr_assert_eq(req.resp.status, 200);
	/* Trust is only for routes that ask for it. */
	remote = "127.0.0.1";
	run("GET", "/api/v1/user", NULL, NULL);
	problem_is(401, "unauthorized");
	cr_assert_eq(calls, 3);
}

Test(router_dispatch, optional_auth)
{
	run("GET", "/api/v1/optional", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_not(req.auth.authenticated);
	get_as("/api/v1/optional", "user");
	cr_assert_eq(req.resp.status, 200);
	cr_assert(req.auth.authenticated);
	get_as("/api/v1/optional", "bogus");
	problem_is(401, "unauthorized");
	cr_assert_eq(calls, 2);
}

Test(role_allows, hierarchy)
{
	cr_assert(role_allows(ROLE_NONE, ROLE_NONE));
	cr_assert(role_allows(ROLE_USER, ROLE_NONE));
	cr_assert(role_allows(ROLE_USER, ROLE_USER));
	cr_assert(role_allows(ROLE_DEVELOPER, ROLE_USER));
	cr_assert(role_allows(ROLE_SUPPORT, ROLE_USER));
	cr_assert(role_allows(ROLE_ADMIN, ROLE_USER));
	cr_assert(role_allows(ROLE_ADMIN, ROLE_DEVELOPER));
	cr_assert(role_allows(ROLE_ADMIN, ROLE_SUPPORT));
	cr_assert(role_allows(ROLE_ADMIN, ROLE_ADMIN));
	cr_assert_not(role_allows(ROLE_NONE, ROLE_USER));
	cr_assert_not(role_allows(ROLE_USER, ROLE_DEVELOPER));
	cr_assert_not(role_allows(ROLE_DEVELOPER, ROLE_SUPPORT));
	cr_assert_not(role_allows(ROLE_SUPPORT, ROLE_DEVELOPER));
	cr_assert_not(role_allows(ROLE_DEVELOPER, ROLE_ADMIN));
	cr_assert_not(role_allows(ROLE_SUPPORT, ROLE_ADMIN));
}

Test(role, names_round_trip)
{
	static const enum role roles[] = { ROLE_USER, ROLE_DEVELOPER,
		ROLE_SUPPORT, ROLE_ADMIN };
	enum role r;
	size_t i;

	for (i = 0; i < 4; i++) {
		cr_assert_eq(role_parse(role_name(roles[i]), &r), 0);
		cr_assert_eq(r, roles[i]);
	}
	cr_assert_str_eq(role_name(ROLE_DEVELOPER), "developer");
	cr_assert_neq(role_parse("none", &r), 0);
	cr_assert_neq(role_parse("Admin", &r), 0);
	cr_assert_neq(role_parse("", &r), 0);
	cr_assert_neq(role_parse(NULL, &r), 0);
}

/* ---- 8. bodies ---- */

#define USER "HTTP_AUTHORIZATION=Bearer user"

Test(router_dispatch, json_body_reaches_handler)
{
	run("POST", "/api/v1/items", "{\"name\":\"widget\"}", USER, JSON_CT,
		"CONTENT_LENGTH=17", NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(strncmp(req.resp.body, "widget", 6), 0);
	run("POST", "/api/v1/items", "{}", USER,
		"CONTENT_TYPE=Application/JSON; charset=UTF-8", "CONTENT_LENGTH=2",
		NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(calls, 2);
}

Test(router_dispatch, wrong_content_type_is_415)
{
	run("POST", "/api/v1/items", "{}", USER, "CONTENT_TYPE=text/plain",
		"CONTENT_LENGTH=2", NULL);
	problem_is(415, "unsupported_media_type");
	run("POST", "/api/v1/items", "{}", USER,
		"CONTENT_TYPE=application/json; charset=iso-8859-1",
		"CONTENT_LENGTH=2", NULL);
	problem_is(415, "unsupported_media_type");
	run("POST", "/api/v1/items", "{}", USER, "CONTENT_LENGTH=2", NULL);
	problem_is(415, "unsupported_media_type");
	cr_assert_eq(calls, 0);
	cr_assert_eq(body_read, 0);
}

Test(router_dispatch, role_is_checked_before_the_body)
{
	run("POST", "/api/v1/items", "{}", "CONTENT_TYPE=text/plain",
		"CONTENT_LENGTH=2", NULL);
	problem_is(401, "unauthorized");
}

Test(router_dispatch, missing_length_is_411)
{
	run("POST", "/api/v1/items", "{}", USER, JSON_CT, NULL);
	problem_is(411, "length_required");
	run("PUT", "/api/v1/blob", "abc", NULL);
	problem_is(411, "length_required");
	cr_assert_eq(calls, 0);
	cr_assert_eq(body_read, 0);
}

Test(router_dispatch, oversized_is_413_before_reading)
{
	static char big[1100];

	memset(big, 'x', sizeof(big) - 1);
	run("POST", "/api/v1/items", big, USER, JSON_CT, "CONTENT_LENGTH=1025",
		NULL);
	problem_is(413, "payload_too_large");
	cr_assert_eq(body_read, 0);
	/* The route's own cap wins over the config's. */
	run("PUT", "/api/v1/blob", "123456789", "CONTENT_LENGTH=9", NULL);
	problem_is(413, "payload_too_large");
	cr_assert_eq(body_read, 0);
	cr_assert_eq(calls, 0);
	run("PUT", "/api/v1/blob", "12345678", "CONTENT_LENGTH=8",
		"CONTENT_TYPE=application/octet-stream", NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(body_read, 8);
	cr_assert_eq(memcmp(req.resp.body, "12345678", 8), 0);
}

Test(router_dispatch, short_body_is_400)
{
	run("POST", "/api/v1/items", "{}", USER, JSON_CT, "CONTENT_LENGTH=10",
		NULL);
	problem_is(400, "bad_request");
	cr_assert_eq(calls, 0);
}

static void bad_json(const char *body, const char *why_part)
{
	char cl[48];

	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", strlen(body));
	run("POST", "/api/v1/items", body, USER, JSON_CT, cl, NULL);
	problem_is(400, "bad_request");
	cr_assert_not_null(strstr(detail(), why_part), "%s -> %s", body, detail());
}

Test(router_dispatch, bad_json_is_400_with_detail)
{
	bad_json("", "empty");
	bad_json("{\"a\":", "complete");
	bad_json("[1]", "JSON object");
	bad_json("{\"a\":1}x", "after");
	bad_json("{\"a\":[[[[1]]]]}", "deeper");     /* depth 5 > 4 */
	bad_json("{\"a\":\"\xc0\xaf\"}", "UTF-8");
	bad_json("{'a':1}", "double-quoted");
	cr_assert_eq(calls, 0);
	run("POST", "/api/v1/items", "{\"a\":[[[1]]]}", USER, JSON_CT,
		"CONTENT_LENGTH=13", NULL);
	cr_assert_eq(req.resp.status, 200);
}

Test(router_dispatch, no_body_reader_is_500)
{
	router.read_body = NULL;
	run("PUT", "/api/v1/blob", "abc", "CONTENT_LENGTH=3", NULL);
	problem_is(500, "internal");
	cr_assert_eq(calls, 0);
}

/* ---- 9. handler results ---- */

static void fails_as(int rc, int status, const char *code)
{
	fail_rc = rc;
	run("GET", "/api/v1/fail", NULL, NULL);
	problem_is(status, code);
	if (rc != DF_ERESPONDED)
		cr_assert_null(hdr("Location"), "%d kept the handler's Location", rc);
}

Test(router_dispatch, handler_errors_map_to_statuses)
{
	fails_as(DF_ENOTFOUND, 404, "not_found");
	fails_as(DF_ECONFLICT, 409, "conflict");
	fails_as(DF_EAUTH, 401, "unauthorized");
	hdr_is("WWW-Authenticate", "Bearer realm=\"devforge\"");
	fails_as(DF_EFORBIDDEN, 403, "forbidden");
	fails_as(DF_ETOOBIG, 413, "payload_too_large");
	fails_as(DF_EINVAL, 422, "validation_failed");
	cr_assert_not_null(strstr(req.resp.body, "\"field\":\"name\""));
	fails_as(DF_EDB, 500, "internal");
	fails_as(DF_ENOMEM, 500, "internal");
	fails_as(DF_EINTERNAL, 500, "internal");
	fails_as(-999, 500, "internal");
	cr_assert_eq(calls, 10);
}

Test(router_dispatch, handler_database_down_is_503)
{
	fails_as(DF_EDBDOWN, 503, "service_unavailable");
	hdr_is("Retry-After", "5");
	cr_assert_eq(seg->counters[SHM_C_DB_UNAVAILABLE], 1);
}

Test(router_dispatch, handler_statement_bound_is_503_with_retry_after)
{
	fails_as(DF_EDBTIMEOUT, 503, "service_unavailable");
	hdr_is("Retry-After", "5");
	/* Counted where the statement stopped (core/db.c), not as an
	 * unreachable database. */
	cr_assert_eq(seg->counters[SHM_C_DB_UNAVAILABLE], 0);
}

Test(router_dispatch, handler_own_problem_is_kept)
{
	fails_as(DF_ERESPONDED, 409, "conflict");
	cr_assert_str_eq(detail(), "Already there.");
	hdr_is("Location", "/somewhere");
}

Test(router_dispatch, einval_without_errors_is_400)
{
	run("GET", "/api/v1/invalid", NULL, NULL);
	problem_is(400, "bad_request");
}

Test(router_dispatch, no_answer_is_500)
{
	run("GET", "/api/v1/silent", NULL, NULL);
	problem_is(500, "internal");
	cr_assert_eq(calls, 1);
}

Test(router_dispatch, internal_error_carries_no_detail)
{
	fails_as(DF_EDB, 500, "internal");
	cr_assert_null(strstr(req.resp.body, "database"), "%s", req.resp.body);
	cr_assert_null(strstr(req.resp.body, df_strerror(DF_EDB)));
}

/* ---- router_init, matching, media types ---- */

static int init_with(const struct route *routes, size_t n)
{
	static struct route_table t;
	static const struct route_table *tl[1];
	struct router rr;

	t.name = "t";
	t.routes = routes;
	t.n = n;
	tl[0] = &t;
	memset(&rr, 0, sizeof(rr));
	rr.cfg = &cfg;
	rr.tables = tl;
	rr.ntables = 1;
	return router_init(&rr);
}

#define R(m, p) { .method = (m), .pattern = (p), .handler = h_ok, \
	.role = ROLE_NONE, .rl = RL_NONE }

Test(router_init, counts_and_indexes_routes)
{
	cr_assert_eq(router.nroutes, 17);
	cr_assert_eq(router_route_at(&router, 0), &items_routes[0]);
	cr_assert_eq(router_route_at(&router, 5), &misc_routes[0]);
	cr_assert_null(router_route_at(&router, 17));
	cr_assert_eq(router_route_index(&router, &misc_routes[3]), 8);
	cr_assert_eq(router_route_index(&router, NULL), -1);
}

Test(router_init, accepts_good_patterns)
{
	const struct route ok[] = {
		R(HTTP_GET, "/"), R(HTTP_GET, "/a"), R(HTTP_GET, "/a/{b}"),
		R(HTTP_POST, "/a/{b}"), R(HTTP_GET, "/a/{b}/c/{d_2}"),
		R(HTTP_GET, "/a/b"),
	};

	cr_assert_eq(init_with(ok, sizeof(ok) / sizeof(ok[0])), 0);
}

Test(router_init, refuses_bad_patterns)
{
	static const char *const bad[] = { "", "a", "/a/", "/a//b", "/{}",
		"/{A}", "/{a}/{a}", "/a b", "/x{a}", "/{a-b}", "/{a", "//", NULL };
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		const struct route r[] = { R(HTTP_GET, bad[i]) };

		cr_assert_eq(init_with(r, 1), DF_EINVAL, "accepted '%s'", bad[i]);
	}
}

Test(router_init, refuses_duplicates_and_bad_routes)
{
	const struct route dup[] = { R(HTTP_GET, "/a/{x}"), R(HTTP_GET, "/a/{y}") };
	const struct route head[] = { R(HTTP_HEAD, "/a") };
	const struct route opts[] = { R(HTTP_OPTIONS, "/a") };
	const struct route other[] = { R(HTTP_OTHER, "/a") };
	const struct route nohandler[] = { {
		.method = HTTP_GET, .pattern = "/a",
		.handler = NULL, .role = ROLE_NONE, .rl = RL_NONE } };
	const struct route both[] = { {
		.method = HTTP_POST, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE,
		.flags = ROUTE_BODY_JSON | ROUTE_BODY_RAW } };
	const struct route badrl[] = { {
		.method = HTTP_GET, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL__MAX } };

	cr_assert_eq(init_with(dup, 2), DF_EINVAL);
	cr_assert_eq(init_with(head, 1), DF_EINVAL);
	cr_assert_eq(init_with(opts, 1), DF_EINVAL);
	cr_assert_eq(init_with(other, 1), DF_EINVAL);
	cr_assert_eq(init_with(nohandler, 1), DF_EINVAL);
	cr_assert_eq(init_with(both, 1), DF_EINVAL);
	cr_assert_eq(init_with(badrl, 1), DF_EINVAL);
}

Test(router_init, public_cache_needs_get_and_generations)
{
	const struct route nogens[] = { {
		.method = HTTP_GET, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE,
		.flags = ROUTE_PUBLIC_CACHE } };
	const struct route post[] = { {
		.method = HTTP_POST, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE,
		.flags = ROUTE_PUBLIC_CACHE, .cache_gens = 1 } };
	const struct route good[] = { {
		.method = HTTP_GET, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE,
		.flags = ROUTE_PUBLIC_CACHE, .cache_gens = 1ull << 63 } };

	cr_assert_eq(init_with(nogens, 1), DF_EINVAL);
	cr_assert_eq(init_with(post, 1), DF_EINVAL);
	cr_assert_eq(init_with(good, 1), 0);
}

Test(router_init, refuses_too_many_routes)
{
	static struct route many[ROUTER_MAX_ROUTES + 1];
	static char pats[ROUTER_MAX_ROUTES + 1][16];
	size_t i;

	for (i = 0; i <= ROUTER_MAX_ROUTES; i++) {
		snprintf(pats[i], sizeof(pats[i]), "/r%zu", i);
		many[i] = (struct route)R(HTTP_GET, pats[i]);
	}
	cr_assert_eq(init_with(many, ROUTER_MAX_ROUTES), 0);
	cr_assert_eq(init_with(many, ROUTER_MAX_ROUTES + 1), DF_EINVAL);
}

Test(router_match, fills_params)
{
	struct http_kv p[HTTP_MAX_PATH_PARAMS];
	size_t n = 99;

	cr_assert(router_match("/a/{x}/c/{y}", "/a/1/c/two", arena, p, &n));
	cr_assert_eq(n, 2);
	cr_assert_str_eq(p[0].name, "x");
	cr_assert_str_eq(p[0].value, "1");
	cr_assert_str_eq(p[1].name, "y");
	cr_assert_str_eq(p[1].value, "two");
	cr_assert_eq(p[1].value_len, 3);
	cr_assert(router_match("/", "/", arena, p, &n));
	cr_assert_eq(n, 0);
	cr_assert(router_match("/a", "/a", NULL, NULL, NULL));
}

Test(router_match, refuses_other_shapes)
{
	cr_assert_not(router_match("/a/{x}", "/a", NULL, NULL, NULL));
	cr_assert_not(router_match("/a/{x}", "/a/", NULL, NULL, NULL));
	cr_assert_not(router_match("/a/{x}", "/a/b/c", NULL, NULL, NULL));
	cr_assert_not(router_match("/a", "/ab", NULL, NULL, NULL));
	cr_assert_not(router_match("/ab", "/a", NULL, NULL, NULL));
	cr_assert_not(router_match("/a", "/A", NULL, NULL, NULL));
	cr_assert_not(router_match("/", "/a", NULL, NULL, NULL));
	cr_assert_not(router_match("/a", "/", NULL, NULL, NULL));
	cr_assert_not(router_match("/a", "a", NULL, NULL, NULL));
}

Test(router_is_json_type, media_types)
{
	cr_assert(router_is_json_type("application/json"));
	cr_assert(router_is_json_type("application/json; charset=utf-8"));
	cr_assert(router_is_json_type("application/json;charset=UTF-8"));
	cr_assert(router_is_json_type("APPLICATION/JSON ; Charset=\"utf-8\""));
	cr_assert(router_is_json_type("application/json; foo=bar"));
	cr_assert(router_is_json_type("application/json;"));
	cr_assert_not(router_is_json_type(NULL));
	cr_assert_not(router_is_json_type(""));
	cr_assert_not(router_is_json_type("text/json"));
	cr_assert_not(router_is_json_type("application/jsonx"));
	cr_assert_not(router_is_json_type("application/json-patch+json"));
	cr_assert_not(router_is_json_type("application/problem+json"));
	cr_assert_not(router_is_json_type("application/json; charset=latin1"));
	cr_assert_not(router_is_json_type("application/json; charset=utf-16"));
	cr_assert_not(router_is_json_type("application/json; charset=\"utf-8"));
	cr_assert_not(router_is_json_type("application/json; charset="));
	cr_assert_not(router_is_json_type("application/json; charset=utf-8x"));
	cr_assert_not(router_is_json_type("application/json x"));
	cr_assert_not(router_is_json_type("application/json; =utf-8"));
}

/* ---- the response cache of ROUTE_PUBLIC_CACHE routes ---- */

#define GEN_A 2u
#define GEN_B 5u
#define GEN_OTHER 7u

/* A public read: the body counts the handler's runs, so an answer from
 * the cache shows as an old count. "draft" is an owner's view (never
 * cacheable), "missing" a 404 that claims to be cacheable, "racing" a
 * read during which a write commits. */
static int h_pub(struct request *r)
{
	const char *slug = router_param(r, "slug");
	char body[64];
	int n;

	calls++;
	if (slug == NULL)
		slug = http_query(r, "q") ? http_query(r, "q") : "-";
	if (strcmp(slug, "missing") == 0) {
		http_set_cacheable(r);
		return DF_ENOTFOUND;
	}
	if (strcmp(slug, "racing") == 0)
		shm_cache_bump(GEN_A);
	if (strcmp(slug, "draft") != 0)
		http_set_cacheable(r);
	cr_assert_eq(http_set_header(r, "Link", "</next>; rel=\"next\""), 0);
	n = snprintf(body, sizeof(body), "{\"slug\":\"%s\",\"run\":%d}", slug,
		calls);
	return http_set_body(r, 200, "application/json", body, (size_t)n);
}

static const struct route cached_routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/pub", .handler = h_pub,
	  .role = ROLE_NONE, .rl = RL_NONE, .flags = ROUTE_PUBLIC_CACHE,
	  .cache_gens = 1ull << GEN_A },
	{ .method = HTTP_GET, .pattern = "/api/v1/pub/{slug}",
	  .handler = h_pub, .role = ROLE_NONE, .rl = RL_NONE,
	  .flags = ROUTE_PUBLIC_CACHE,
	  .cache_gens = (1ull << GEN_A) | (1ull << GEN_B) },
	{ .method = HTTP_GET, .pattern = "/api/v1/members/{slug}",
	  .handler = h_pub, .role = ROLE_USER, .rl = RL_NONE,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = 1ull << GEN_A },
};
static const struct route_table cached_table = { "cached", cached_routes,
	sizeof(cached_routes) / sizeof(cached_routes[0]) };
static const struct route_table *const cache_tables[] = { &items_table,
	&misc_table, &cached_table };

static void cache_setup(void)
{
	setup();
	router.tables = cache_tables;
	router.ntables = 3;
	cr_assert_eq(router_init(&router), 0);
}

TestSuite(router_cache, .init = cache_setup, .fini = teardown);

static uint64_t hits(void)
{
	return seg->counters[SHM_C_CACHE_HITS];
}

static uint64_t misses(void)
{
	return seg->counters[SHM_C_CACHE_MISSES];
}

static const char *body_str(void)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%.*s", (int)req.resp.body_len,
		req.resp.body ? req.resp.body : "");
	return buf;
}

/* The validators a 200 of a public-cache route carries. */
static void validated(const char *cache_control)
{
	char want[CACHE_ETAG_SIZE];

	cr_assert_eq(req.resp.status, 200, "status %d", req.resp.status);
	cache_etag(req.resp.body, req.resp.body_len, want);
	hdr_is("ETag", want);
	hdr_is("Cache-Control", cache_control);
}

Test(router_cache, answer_carries_etag_and_public_cache_control)
{
	run("GET", "/api/v1/pub/a", NULL, NULL);
	validated("public, no-cache");
	cr_assert_str_eq(body_str(), "{\"slug\":\"a\",\"run\":1}");
	cr_assert_str_eq(req.resp.content_type, "application/json");
	hdr_is("Link", "</next>; rel=\"next\"");
	cr_assert_eq(misses(), 1);
	cr_assert_eq(hits(), 0);
}

Test(router_cache, routes_without_the_flag_get_no_validators)
{
	run("GET", "/api/v1/items/1", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_null(hdr("ETag"));
	cr_assert_null(hdr("Cache-Control"));
	cr_assert_eq(misses() + hits(), 0);
}

/* Collects what http_write_response sends. */
static char wire[4096];
static size_t wire_len;

static int collect(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	if (len > sizeof(wire) - 1 - wire_len)
		return -1;
	memcpy(wire + wire_len, buf, len);
	wire_len += len;
	wire[wire_len] = '\0';
	return 0;
}

Test(router_cache, matching_if_none_match_is_304_without_body)
{
	/* Each If-None-Match is prefix + our tag + suffix; "*" alone. */
	static const char *const forms[][2] = { { "", "" }, { "W/", "" },
		{ "\"zz\", ", " ,\"yy\"" }, { "*", NULL } };
	char etag[CACHE_ETAG_SIZE], inm[128];
	size_t i;

	run("GET", "/api/v1/pub/a", NULL, NULL);
	snprintf(etag, sizeof(etag), "%s", hdr("ETag"));
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(inm, sizeof(inm), "%s%s%s", forms[i][0],
			forms[i][1] != NULL ? etag : "",
			forms[i][1] != NULL ? forms[i][1] : "");
		run("GET", "/api/v1/pub/a", NULL,
			arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", inm), NULL);
		cr_assert_eq(req.resp.status, 304, "If-None-Match: %s", inm);
		cr_assert_null(req.resp.body);
		cr_assert_eq(req.resp.body_len, 0);
		hdr_is("ETag", etag);
		hdr_is("Cache-Control", "public, no-cache");
	}
	cr_assert_eq(calls, 1, "every conditional request was a hit");
	/* On the wire: no length, no body. */
	wire_len = 0;
	cr_assert_eq(http_write_response(&req, collect, NULL), 0);
	cr_assert_eq(strncmp(wire, "Status: 304 Not Modified\r\n", 26), 0,
		"%s", wire);
	cr_assert_null(strstr(wire, "Content-Length"));
	cr_assert_not_null(strstr(wire, "\r\nETag: "));
	cr_assert(wire_len >= 4 &&
		strcmp(wire + wire_len - 4, "\r\n\r\n") == 0, "%s", wire);

	/* HEAD revalidates the same way. */
	run("HEAD", "/api/v1/pub/a", NULL,
		arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", etag), NULL);
	cr_assert_eq(req.resp.status, 304);

	run("GET", "/api/v1/pub/a", NULL, "HTTP_IF_NONE_MATCH=\"other\"",
		NULL);
	validated("public, no-cache");
	run("GET", "/api/v1/pub/a", NULL, "HTTP_IF_NONE_MATCH=garbage", NULL);
	validated("public, no-cache");
	cr_assert_eq(calls, 1);
}

Test(router_cache, second_request_is_served_from_cache)
{
	char first[256], etag[CACHE_ETAG_SIZE];

	run("GET", "/api/v1/pub/a", NULL, NULL);
	snprintf(first, sizeof(first), "%s", body_str());
	snprintf(etag, sizeof(etag), "%s", hdr("ETag"));
	run("GET", "/api/v1/pub/a", NULL, "HTTP_ORIGIN=" ORIGIN, NULL);
	cr_assert_eq(calls, 1, "the handler ran again");
	validated("public, no-cache");
	cr_assert_str_eq(body_str(), first);
	cr_assert_str_eq(req.resp.content_type, "application/json");
	hdr_is("ETag", etag);
	hdr_is("Link", "</next>; rel=\"next\"");
	has_cors();
	cr_assert_eq(hits(), 1);
	cr_assert_eq(misses(), 1);
	/* Each request keeps its own id. */
	cr_assert_eq(req.request_id[0] != '\0', 1);

	run("HEAD", "/api/v1/pub/a", NULL, NULL);
	cr_assert_eq(calls, 1, "HEAD shares the GET answer");
	validated("public, no-cache");
	cr_assert_eq(hits(), 2);
}

Test(router_cache, keys_differ_by_path_and_query)
{
	run("GET", "/api/v1/pub?q=x", NULL, NULL);
	run("GET", "/api/v1/pub?q=y", NULL, NULL);
	cr_assert_eq(calls, 2);
	run("GET", "/api/v1/pub/x", NULL, NULL);
	cr_assert_eq(calls, 3);
	run("GET", "/api/v1/pub?q=x", NULL, NULL);
	cr_assert_eq(calls, 3);
	cr_assert_str_eq(body_str(), "{\"slug\":\"x\",\"run\":1}");
	/* A decoded '?' in the path is not the query separator: path
	 * "/pub/a?b" with query "c" is not path "/pub/a" with "b?c". */
	run("GET", "/api/v1/pub/a%3Fb?c", NULL, NULL);
	run("GET", "/api/v1/pub/a?b?c", NULL, NULL);
	cr_assert_eq(calls, 5);
	cr_assert_str_eq(body_str(), "{\"slug\":\"a\",\"run\":5}");
}

Test(router_cache, bump_of_a_route_generation_runs_the_handler_again)
{
	run("GET", "/api/v1/pub/a", NULL, NULL);
	cache_invalidate(GEN_OTHER);
	run("GET", "/api/v1/pub/a", NULL, NULL);
	cr_assert_eq(calls, 1, "a generation the route does not name");

	cache_invalidate(GEN_B);
	run("GET", "/api/v1/pub/a", NULL, NULL);
	cr_assert_eq(calls, 2);
	cr_assert_str_eq(body_str(), "{\"slug\":\"a\",\"run\":2}");
	validated("public, no-cache");

	shm_cache_bump(GEN_A);
	run("GET", "/api/v1/pub/a", NULL, NULL);
	cr_assert_eq(calls, 3);
	run("GET", "/api/v1/pub/a", NULL, NULL);
	cr_assert_eq(calls, 3, "cached again under the new stamp");
	cr_assert_eq(misses(), 3);
	cr_assert_eq(hits(), 2);
}

Test(router_cache, write_during_the_handler_leaves_its_answer_stale)
{
	run("GET", "/api/v1/pub/racing", NULL, NULL);
	validated("public, no-cache");
	run("GET", "/api/v1/pub/racing", NULL, NULL);
	cr_assert_eq(calls, 2, "an answer read before the write was served");
}

Test(router_cache, handler_not_marking_cacheable_is_never_cached)
{
	char etag[CACHE_ETAG_SIZE];

	run("GET", "/api/v1/pub/draft", NULL, NULL);
	validated("private, no-cache");
	snprintf(etag, sizeof(etag), "%s", hdr("ETag"));
	run("GET", "/api/v1/pub/draft", NULL, NULL);
	cr_assert_eq(calls, 2);
	cr_assert_eq(hits(), 0);
	validated("private, no-cache");
	/* Conditional GET still saves the body. */
	run("GET", "/api/v1/pub/draft", NULL,
		arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", etag), NULL);
	cr_assert_eq(req.resp.status, 200, "run 3 has another body");
	run("GET", "/api/v1/pub/draft", NULL,
		arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", hdr("ETag")), NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(calls, 4);
}

Test(router_cache, non_200_answers_are_never_cached)
{
	run("GET", "/api/v1/pub/missing", NULL, NULL);
	problem_is(404, "not_found");
	cr_assert_null(hdr("ETag"));
	cr_assert_null(hdr("Cache-Control"));
	run("GET", "/api/v1/pub/missing", NULL, NULL);
	problem_is(404, "not_found");
	cr_assert_eq(calls, 2);
	cr_assert_eq(hits(), 0);
	cr_assert_eq(cache_count(), 0);
}

Test(router_cache, authentication_and_role_still_apply_to_hits)
{
	get_as("/api/v1/members/a", "user");
	validated("public, no-cache");
	run("GET", "/api/v1/members/a", NULL, NULL);
	problem_is(401, "unauthorized");
	get_as("/api/v1/members/a", "junk");
	problem_is(401, "unauthorized");
	cr_assert_eq(calls, 1);
	get_as("/api/v1/members/a", "user");
	validated("public, no-cache");
	cr_assert_eq(calls, 1);
	cr_assert_eq(hits(), 1);
}

/* An admin (or developer) may be reading something they manage, whose
 * answer to them differs from the public one: never from the cache. */
Test(router_cache, admins_are_answered_by_the_handler)
{
	get_as("/api/v1/members/a", "user");
	cr_assert_eq(calls, 1);
	get_as("/api/v1/members/a", "admin");
	validated("public, no-cache");
	cr_assert_eq(calls, 2);
	cr_assert_eq(hits(), 0);
}

Test(router_cache, disabled_cache_still_sends_validators)
{
	cache_free();
	cr_assert_eq(cache_init(0, 1 << 20), 0);
	run("GET", "/api/v1/pub/a", NULL, NULL);
	run("GET", "/api/v1/pub/a", NULL, NULL);
	cr_assert_eq(calls, 2);
	validated("public, no-cache");
	run("GET", "/api/v1/pub/a", NULL,
		arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", hdr("ETag")), NULL);
	cr_assert_eq(req.resp.status, 200, "run 3 differs from run 2");
}

/* ---- 11. the declared shape: body fields, query, the route's check ---- */

static const struct json_field shaped_fields[] = {
	{ .name = "name", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 8 },
	{ .name = "count", .type = JF_INT, .min = 1, .max = 10 },
};

static const char *const colours[] = { "red", "green", NULL };

static const struct query_param shaped_query[] = {
	{ .name = "limit", .kind = QP_LIMIT },
	{ .name = "cursor", .kind = QP_CURSOR, .cursor_kind = "things" },
	{ .name = "colour", .kind = QP_ENUM, .values = colours,
	  .message = "must be red or green" },
	{ .name = "q", .kind = QP_TEXT, .min = 1, .max = 5,
	  .message = "must be 1-5 characters" },
	{ .name = "day", .kind = QP_DATE },
	{ .name = "score", .kind = QP_NUMBER, .min = 0, .max = 5 },
};

/* What the handler saw, to show that only valid input reaches it. */
static int64_t seen_limit, seen_after, seen_colour, seen_day;
static double seen_score;

static int h_shaped(struct request *r)
{
	calls++;
	/* Never an unchecked body: name is there and short. */
	cr_assert_not_null(json_get_str(r->json, "name", NULL));
	cr_assert_leq(strlen(json_get_str(r->json, "name", NULL)), 8);
	cr_assert_str_eq(r->checked, "checked");
	return http_set_body(r, 200, "text/plain", "ok", 2);
}

static int h_listed(struct request *r)
{
	calls++;
	seen_limit = r->q.limit;
	seen_after = r->q.after;
	seen_colour = router_query_int(r, "colour", -1);
	seen_day = router_query_int(r, "day", -1);
	seen_score = router_query_num(r, "score", -1);
	return http_set_body(r, 200, "text/plain", "ok", 2);
}

/* The route's own rule: a name of "same" needs a count, and what it
 * derived reaches the handler. */
static int c_shaped(struct request *r)
{
	const char *name = json_get_str(r->json, "name", NULL);

	if (name != NULL && strcmp(name, "same") == 0 &&
	    json_get(r->json, "count") == NULL)
		problem_add_error(r, "count", "required", "is required with same");
	r->checked = (void *)"checked";
	return 0;
}

static const struct route shaped_routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/shaped", .handler = h_shaped,
	  .role = ROLE_NONE, .rl = RL_NONE, .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(shaped_fields), .check = c_shaped },
	{ .method = HTTP_GET, .pattern = "/api/v1/shaped", .handler = h_listed,
	  .role = ROLE_NONE, .rl = RL_NONE,
	  .query = QUERY_PARAMS(shaped_query) },
};

static void shaped_setup(void)
{
	static struct route_table t = { "shaped", shaped_routes,
		sizeof(shaped_routes) / sizeof(shaped_routes[0]) };
	static const struct route_table *tl[] = { &t };

	setup();
	router.tables = tl;
	router.ntables = 1;
	cr_assert_eq(router_init(&router), 0);
}

TestSuite(router_shape, .init = shaped_setup, .fini = teardown);

/* The errors[] entries of the answer, as "field:code" joined by spaces. */
static const char *errors_list(void)
{
	static char buf[512];
	struct json_object *o = json_tokener_parse(req.resp.body), *errs;
	size_t i, n = 0;

	buf[0] = '\0';
	if (o != NULL && json_object_object_get_ex(o, "errors", &errs)) {
		for (i = 0; i < json_object_array_length(errs); i++) {
			struct json_object *e = json_object_array_get_idx(errs, i);
			struct json_object *f, *c;

			json_object_object_get_ex(e, "field", &f);
			json_object_object_get_ex(e, "code", &c);
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s:%s",
				n ? " " : "", json_object_get_string(f),
				json_object_get_string(c));
		}
	}
	json_object_put(o);
	return buf;
}

static void post_shaped(const char *body)
{
	char cl[48];

	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", strlen(body));
	run("POST", "/api/v1/shaped", body, JSON_CT, cl, NULL);
}

Test(router_shape, bad_body_is_422_before_the_handler)
{
	post_shaped("{\"count\":11,\"extra\":1}");
	problem_is(422, "validation_failed");
	cr_assert_str_eq(errors_list(), "extra:unknown_field name:required "
		"count:out_of_range");
	post_shaped("{\"name\":\"much too long\"}");
	problem_is(422, "validation_failed");
	cr_assert_str_eq(errors_list(), "name:too_long");
	cr_assert_eq(calls, 0);
}

Test(router_shape, the_route_check_adds_its_errors_to_the_tables)
{
	/* Every error at once: the table's and the check's. */
	post_shaped("{\"name\":\"same\",\"extra\":1}");
	problem_is(422, "validation_failed");
	cr_assert_str_eq(errors_list(), "extra:unknown_field count:required");
	cr_assert_eq(calls, 0);
	post_shaped("{\"name\":\"same\",\"count\":2}");
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(calls, 1);
}

Test(router_shape, valid_body_reaches_the_handler)
{
	post_shaped("{\"name\":\"widget\",\"count\":3}");
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(calls, 1);
}

Test(router_shape, bad_query_is_422_before_the_handler)
{
	run("GET", "/api/v1/shaped?limit=0&cursor=zz&colour=blue&q=toolong"
		"&day=2024-02-30&score=6", NULL, NULL);
	problem_is(422, "validation_failed");
	cr_assert_str_eq(errors_list(), "limit:out_of_range "
		"cursor:invalid_format colour:invalid_format q:invalid_format "
		"day:invalid_format score:out_of_range");
	run("GET", "/api/v1/shaped?score=nan", NULL, NULL);
	problem_is(422, "validation_failed");
	cr_assert_eq(calls, 0);
}

Test(router_shape, handler_reads_parsed_query_values)
{
	/* base64url("things.42") */
	run("GET", "/api/v1/shaped?limit=7&cursor=dGhpbmdzLjQy&colour=green"
		"&q=abc&day=1970-01-03&score=4.5&other=ignored", NULL, NULL);
	cr_assert_eq(req.resp.status, 200, "%.*s", (int)req.resp.body_len,
		req.resp.body);
	cr_assert_eq(seen_limit, 7);
	cr_assert_eq(seen_after, 42);
	cr_assert_eq(seen_colour, 1);
	cr_assert_eq(seen_day, 2);
	cr_assert_float_eq(seen_score, 4.5, 1e-9);
	/* Absent: the defaults. */
	run("GET", "/api/v1/shaped", NULL, NULL);
	cr_assert_eq(req.resp.status, 200);
	cr_assert_eq(seen_limit, ROUTER_LIMIT_DEFAULT);
	cr_assert_eq(seen_after, 0);
	cr_assert_eq(seen_colour, -1);
	cr_assert_eq(seen_day, -1);
	cr_assert_float_eq(seen_score, -1, 1e-9);
	cr_assert_eq(calls, 2);
}

Test(router_init, refuses_a_shape_that_cannot_be_checked)
{
	static const struct query_param nomsg[] = {
		{ .name = "colour", .kind = QP_ENUM, .values = colours },
	};
	static const struct query_param nokind[] = {
		{ .name = "cursor", .kind = QP_CURSOR },
	};
	const struct route body_on_get[] = { {
		.method = HTTP_GET, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE,
		.body = JSON_FIELDS(shaped_fields) } };
	const struct route enum_without_message[] = { {
		.method = HTTP_GET, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE,
		.query = QUERY_PARAMS(nomsg) } };
	const struct route cursor_without_kind[] = { {
		.method = HTTP_GET, .pattern = "/a",
		.handler = h_ok, .role = ROLE_NONE, .rl = RL_NONE,
		.query = QUERY_PARAMS(nokind) } };

	cr_assert_eq(init_with(body_on_get, 1), DF_EINVAL);
	cr_assert_eq(init_with(enum_without_message, 1), DF_EINVAL);
	cr_assert_eq(init_with(cursor_without_kind, 1), DF_EINVAL);
	cr_assert_eq(init_with(shaped_routes, 2), 0);
}
