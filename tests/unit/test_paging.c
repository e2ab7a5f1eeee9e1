/* Unit tests for the list convention: ?limit= bounds and defaults,
 * cursors (api/shared/paging.c makes them, the router's API_PAGE_ROWS reads
 * them) that round-trip, and refusal of every cursor the list did not
 * hand out. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "api/api.h"
#include "arena.h"
#include "err.h"
#include "http.h"
#include "problem.h"
#include "router.h"

static struct arena *arena;
static struct request req;

static void setup(void)
{
	arena = arena_new(8192);
	cr_assert(arena != NULL);
}

static void teardown(void)
{
	arena_free(arena);
}

TestSuite(paging, .init = setup, .fini = teardown);

/* Parses a GET of uri into req. */
static void request(const char *uri)
{
	struct http_limits lim = { 0 };
	char *envp[4];
	const char *why = NULL;

	arena_reset(arena);
	lim.max_uri = HTTP_MAX_URI_DEFAULT;
	lim.max_query = HTTP_MAX_QUERY_DEFAULT;
	lim.max_header = HTTP_MAX_HEADER_DEFAULT;
	lim.max_headers_total = HTTP_MAX_HEADERS_TOTAL_DEFAULT;
	envp[0] = arena_strdup(arena, "REQUEST_METHOD=GET");
	envp[1] = arena_printf(arena, "REQUEST_URI=%s", uri);
	envp[2] = arena_strdup(arena, "REMOTE_ADDR=127.0.0.1");
	envp[3] = NULL;
	http_request_init(&req, arena, envp);
	cr_assert_eq(http_parse(&req, &lim, &why), 0, "parse: %s", why);
}

struct page {
	int64_t limit, after;
};

static const struct query_param users_query[] = { API_PAGE_ROWS("users") };
static const struct route_query users_table = QUERY_PARAMS(users_query);

static int parse(const char *uri, struct page *p)
{
	int rc;

	request(uri);
	rc = router_query_check(&req, &users_table);
	p->limit = req.q.limit;
	p->after = req.q.after;
	return rc;
}

Test(paging, defaults_without_parameters)
{
	struct page p;

	cr_assert_eq(parse("/x", &p), 0);
	cr_assert_eq(p.limit, API_LIMIT_DEFAULT);
	cr_assert_eq(p.after, 0);
	cr_assert_eq(problem_error_count(&req), 0);
}

Test(paging, limit_is_1_to_100)
{
	struct page p;

	cr_assert_eq(parse("/x?limit=1", &p), 0);
	cr_assert_eq(p.limit, 1);
	cr_assert_eq(parse("/x?limit=100", &p), 0);
	cr_assert_eq(p.limit, 100);
	static const char *bad[] = {
		"/x?limit=0", "/x?limit=101", "/x?limit=-5", "/x?limit=",
		"/x?limit=ten", "/x?limit=1e2", "/x?limit=%2010",
		"/x?limit=99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse(bad[i], &p), DF_EINVAL, "%s", bad[i]);
		cr_assert_eq(problem_error_count(&req), 1, "%s", bad[i]);
	}
}

Test(paging, cursor_round_trips)
{
	static const int64_t ids[] = { 1, 9, 10, 12345, INT64_MAX };
	struct page p;
	char uri[256];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const char *c;

		request("/x");
		c = api_page_cursor(&req, "users", ids[i]);
		cr_assert_not_null(c);
		/* Opaque and safe in a URL as it is. */
		cr_assert_eq(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
			"qrstuvwxyz0123456789-_"), strlen(c), "%s", c);
		snprintf(uri, sizeof(uri), "/x?cursor=%s&limit=5", c);
		cr_assert_eq(parse(uri, &p), 0, "%s", uri);
		cr_assert_eq(p.after, ids[i]);
		cr_assert_eq(p.limit, 5);
	}
}

Test(paging, foreign_and_forged_cursors_are_refused)
{
	struct page p;
	const char *c;
	char uri[256];

	/* Another list's cursor. */
	request("/x");
	c = api_page_cursor(&req, "devapps", 7);
	snprintf(uri, sizeof(uri), "/x?cursor=%s", c);
	cr_assert_eq(parse(uri, &p), DF_EINVAL);
	static const char *bad[] = {
		"/x?cursor=",
		"/x?cursor=dXNlcnMuMA",      /* users.0 */
		"/x?cursor=dXNlcnMuMDE",     /* users.01 */
		"/x?cursor=dXNlcnMuLTE",     /* users.-1 */
		"/x?cursor=dXNlcnMu",        /* users. */
		"/x?cursor=dXNlcnM",         /* users */
		"/x?cursor=dXNlcnMuMXg",     /* users.1x */
		"/x?cursor=dXNlcnMuMQA",     /* users.1 and a NUL */
		"/x?cursor=dXNlcnMuOTIyMzM3MjAzNjg1NDc3NTgwOA", /* 2^63 */
		"/x?cursor=dXNlcnMuMQ==",    /* padding */
		"/x?cursor=dXNlcnMuMR",      /* non-canonical tail */
		"/x?cursor=users.1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse(bad[i], &p), DF_EINVAL, "%s", bad[i]);
		cr_assert_eq(problem_error_count(&req), 1, "%s", bad[i]);
	}
	/* Long input is refused without decoding it. */
	char longc[200];
	memset(longc, 'A', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = '\0';
	snprintf(uri, sizeof(uri), "/x?cursor=%s", longc);
	cr_assert_eq(parse(uri, &p), DF_EINVAL);
}

Test(paging, both_errors_are_reported_together)
{
	struct page p;

	cr_assert_eq(parse("/x?limit=0&cursor=zz", &p), DF_EINVAL);
	cr_assert_eq(problem_error_count(&req), 2);
}
