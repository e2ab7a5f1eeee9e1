/* The satisfaction survey page: the survey mail (job csat-send) links to
 * {public_url}/support/csat?ticket=<id>&token=<token>, which the front
 * server answers from web/support/csat/ (HTML, its script and styles)
 * under a CSP that allows this origin's files and nothing inline or from
 * elsewhere. The page's own script (csat.js), run in Node by
 * csat_page.js with the elements of index.html, answers real surveys
 * through the front server: the request it makes is exactly {token,
 * rating, reason?}, and it shows thanks, already answered or expired
 * (410, by the problem's code), not valid (404) or an incomplete link. Run through lighttpd and Apache (DF_FRONT). */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "desk_kit.h"

#define PAGE_CSP "default-src 'none'; script-src 'self'; style-src 'self';" \
	" connect-src 'self'; frame-ancestors 'none'; base-uri 'none';" \
	" form-action 'none'"

/* A file of the source tree: DEVFORGE_TEST_SRCDIR (make integration), or
 * beside this source when run by hand from the build tree. */
static const char *src_path(const char *rel)
{
	static char path[2][1024];
	static int slot;
	const char *src = getenv("DEVFORGE_TEST_SRCDIR");
	char *p = path[slot++ % 2];

	if (src != NULL)
		snprintf(p, sizeof(path[0]), "%s/%s", src, rel);
	else {
		/* __FILE__ is tests/integration/test_csat_page.c. */
		int dir = (int)(strrchr(__FILE__, '/') - __FILE__);

		snprintf(p, sizeof(path[0]), "%.*s/../../%s", dir, __FILE__, rel);
	}
	return p;
}

static void get(const char *path, struct client_resp *r)
{
	cr_assert_eq(client_get(client_url(path), r), 0, "GET %s", path);
}

static void assert_header(const struct client_resp *r, const char *name,
	const char *want, const char *what)
{
	char *v = client_header(r, name);

	cr_assert(v != NULL && strcmp(v, want) == 0, "%s: %s is %s, not %s",
		what, name, v ? v : "(none)", want);
	free(v);
}

/* 200 with a content type starting ctype and the page's headers. */
static void assert_served(const struct client_resp *r, const char *ctype,
	const char *what)
{
	char *ct = client_header(r, "Content-Type");

	cr_assert_eq(r->status, 200, "%s: %ld %.200s", what, r->status, r->body);
	cr_assert(ct != NULL && strncmp(ct, ctype, strlen(ctype)) == 0,
		"%s: content type %s", what, ct ? ct : "(none)");
	free(ct);
	assert_header(r, "X-Content-Type-Options", "nosniff", what);
	assert_header(r, "X-Frame-Options", "DENY", what);
	assert_header(r, "Referrer-Policy", "no-referrer", what);
	assert_header(r, "Content-Security-Policy", PAGE_CSP, what);
}

Test(csat_page, the_survey_link_answers_with_the_page_under_a_strict_csp)
{
	static const char *const pages[] = {
		"/support/csat?ticket=12&token=abcdef", "/support/csat",
		"/support/csat/", "/support/csat/index.html",
	};
	struct client_resp r;

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		get(pages[i], &r);
		assert_served(&r, "text/html", pages[i]);
		cr_assert(strstr(r.body, "<script src=\"/support/csat/csat.js\"")
			!= NULL, "%s: %.300s", pages[i], r.body);
		cr_assert(strstr(r.body, "id=\"csat-form\"") != NULL);
		client_free(&r);
	}
	get("/support/csat/csat.js", &r);
	assert_served(&r, "text/javascript", "csat.js");
	cr_assert(strstr(r.body, "/api/v1/support/tickets/") != NULL);
	client_free(&r);
	get("/support/csat/csat.css", &r);
	assert_served(&r, "text/css", "csat.css");
	client_free(&r);
}

/* The CSP would stop anything inline or from elsewhere; the page must
 * not need it. */
Test(csat_page, the_page_loads_nothing_from_elsewhere_and_nothing_inline)
{
	static const char *const files[] = {
		"/support/csat/index.html", "/support/csat/csat.js",
		"/support/csat/csat.css", "/shared/api.js", "/shared/page.css",
	};
	static const char *const external[] = {
		"http:", "https:", "\"//", "'//", "(//", "@import",
	};
	struct client_resp r;
	const char *p;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		get(files[i], &r);
		cr_assert_eq(r.status, 200, "%s", files[i]);
		for (size_t j = 0; j < sizeof(external) / sizeof(external[0]); j++)
			cr_assert(strstr(r.body, external[j]) == NULL,
				"%s names %s", files[i], external[j]);
		client_free(&r);
	}
	get("/support/csat/index.html", &r);
	for (p = r.body; (p = strstr(p, "<script")) != NULL; p++)
		cr_assert(strncmp(p, "<script src=\"/", 14) == 0,
			"inline or foreign script: %.80s", p);
	cr_assert(strstr(r.body, "<style") == NULL);
	cr_assert(strstr(r.body, " style=") == NULL);
	for (p = r.body; (p = strstr(p, " on")) != NULL; p++) {
		size_t n = strspn(p + 3, "abcdefghijklmnopqrstuvwxyz");

		cr_assert(n == 0 || p[3 + n] != '=', "inline handler %.40s", p);
	}
	client_free(&r);
}

/* Only the survey's own files are opened: a neighbouring path is still
 * the front server's problem answer. */
Test(csat_page, paths_beside_the_page_stay_closed)
{
	static const char *const paths[] = {
		"/support/csatx", "/support/", "/support/csat/.hidden",
		"/support/csat/missing.js",
	};
	struct client_resp r;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *ct;

		get(paths[i], &r);
		ct = client_header(&r, "Content-Type");
		cr_assert(r.status == 404 || r.status == 403, "%s: %ld",
			paths[i], r.status);
		cr_assert(ct != NULL && strncmp(ct, "application/problem+json",
			24) == 0, "%s: %s", paths[i], ct ? ct : "(none)");
		free(ct);
		client_free(&r);
	}
}

/* ---- the page's script against the API ---- */

struct survey {
	struct desk_user req;
	long ticket;
	char token[48];
};

/* A resolved ticket with a survey whose token we know (the survey row as
 * store/csat.c writes it: the token's SHA-256), expiring in ttl_s. */
static void survey_new(struct survey *s, long ttl_s)
{
	const char *u = client_unique("P");
	size_t i, n;

	desk_user_new(&s->req, "user", NULL);
	s->ticket = desk_ticket_new(s->req.row, 0, "resolved", 3 * 86400);
	/* 43 characters of base64url, as the job's tokens. */
	n = (size_t)snprintf(s->token, sizeof(s->token), "%s", u);
	for (i = 0; i < n; i++)
		if (s->token[i] == '_')
			s->token[i] = '-';
	for (; n < 43; n++)
		s->token[n] = 'Q';
	s->token[43] = '\0';
	desk_sql("INSERT INTO support_csat (ticket_id, token_hash, agent_id,"
		" sent_at, expires_at) VALUES (%ld, UNHEX(SHA2('%s', 256)), NULL,"
		" UTC_TIMESTAMP() - INTERVAL 1 DAY, UTC_TIMESTAMP() + INTERVAL"
		" %ld SECOND)", s->ticket, s->token, ttl_s);
}

/* Runs the page's script as a customer who opens query, picks rating
 * (good, bad, none) and types reason ("" none), against the front
 * server. What the page did, as csat_page.js reports it. */
static struct json_object *use_page(const char *query, const char *rating,
	const char *reason)
{
	char cmd[4096], *out, *line;
	struct json_object *o;
	int rc;

	snprintf(cmd, sizeof(cmd), "node '%s' '%s' '%s' '%s' '%s' '%s'",
		src_path("tests/integration/csat_page.js"),
		src_path("web/support/csat/csat.js"), query, rating, reason,
		client_env("DEVFORGE_TEST_URL"));
	rc = client_run(cmd, &out);
	cr_assert_eq(rc, 0, "%s: %s", cmd, out);
	line = strstr(out, "{\"requests\"");
	cr_assert(line != NULL, "no report: %s", out);
	o = json_tokener_parse(line);
	cr_assert(o != NULL, "not JSON: %s", line);
	free(out);
	return o;
}

static const char *str_at(struct json_object *o, const char *key)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
	return json_object_get_string(v);
}

static size_t nrequests(struct json_object *o)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(o, "requests", &v));
	return json_object_array_length(v);
}

/* The one request the page made: POST to the ticket's csat route with a
 * JSON body of exactly these members, token and rating as
 * given (reason too when not NULL); its status. */
static long the_request(struct json_object *o, long ticket,
	const char *token, const char *rating, const char *reason)
{
	struct json_object *reqs, *req, *body, *hdrs, *v, *st;
	char url[128];
	size_t keys = 0;

	cr_assert_eq(nrequests(o), 1, "%s", json_object_to_json_string(o));
	json_object_object_get_ex(o, "requests", &reqs);
	req = json_object_array_get_idx(reqs, 0);
	cr_assert_str_eq(str_at(req, "method"), "POST");
	snprintf(url, sizeof(url), "/api/v1/support/tickets/%ld/csat", ticket);
	cr_assert_str_eq(str_at(req, "url"), url);
	cr_assert(json_object_object_get_ex(req, "headers", &hdrs));
	cr_assert_str_eq(str_at(hdrs, "Content-Type"), "application/json");
	cr_assert(json_object_object_get_ex(req, "body", &body) &&
		json_object_is_type(body, json_type_object));
	json_object_object_foreach(body, k, val) {
		(void)k;
		(void)val;
		keys++;
	}
	cr_assert_eq(keys, reason != NULL ? 3 : 2, "body %s",
		json_object_to_json_string(body));
	cr_assert_str_eq(str_at(body, "token"), token);
	cr_assert_str_eq(str_at(body, "rating"), rating);
	if (reason != NULL) {
		cr_assert(json_object_object_get_ex(body, "reason", &v));
		cr_assert_str_eq(json_object_get_string(v), reason);
	}
	cr_assert(json_object_object_get_ex(o, "statuses", &st));
	return json_object_get_int64(json_object_array_get_idx(st, 0));
}

static void query_of(const struct survey *s, const char *token, char *q,
	size_t cap)
{
	snprintf(q, cap, "?ticket=%ld&token=%s", s->ticket, token);
}

Test(csat_page, a_good_rating_is_recorded_once_and_the_page_says_thanks)
{
	struct json_object *o;
	struct survey s;
	char q[128];

	survey_new(&s, 20 * 86400);
	query_of(&s, s.token, q, sizeof(q));
	o = use_page(q, "good", "");
	cr_assert_eq(the_request(o, s.ticket, s.token, "good", NULL), 204);
	cr_assert_str_eq(str_at(o, "state"), "thanks");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id = %ld AND rating = 'good' AND reason IS NULL AND"
		" answered_at IS NOT NULL", s.ticket), 1);
	json_object_put(o);

	/* The link again: 410, said as such; the first answer stands. */
	o = use_page(q, "bad", "Changed my mind.");
	cr_assert_eq(the_request(o, s.ticket, s.token, "bad",
		"Changed my mind."), 410);
	cr_assert_str_eq(str_at(o, "state"), "gone");
	cr_assert(strstr(str_at(o, "text"), "already answered") != NULL,
		"%s", str_at(o, "text"));
	cr_assert(strstr(str_at(o, "text"), "expired") == NULL,
		"%s", str_at(o, "text"));
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id = %ld AND rating = 'good'", s.ticket), 1);
	json_object_put(o);
	desk_user_free(&s.req);
}

Test(csat_page, a_bad_rating_needs_a_reason_and_sends_it)
{
	struct json_object *o;
	struct survey s;
	char q[128];

	survey_new(&s, 20 * 86400);
	query_of(&s, s.token, q, sizeof(q));
	/* Bad without a reason (or only blanks): the page asks, sends
	 * nothing. */
	o = use_page(q, "bad", "   ");
	cr_assert_eq(nrequests(o), 0);
	cr_assert_str_eq(str_at(o, "state"), "invalid");
	json_object_put(o);
	o = use_page(q, "none", "");
	cr_assert_eq(nrequests(o), 0);
	cr_assert_str_eq(str_at(o, "state"), "invalid");
	json_object_put(o);
	cr_assert_eq(client_sql_longf("SELECT answered_at IS NULL FROM support_csat"
		" WHERE ticket_id = %ld", s.ticket), 1);

	/* The reason goes as typed, without the blanks around it. */
	o = use_page(q, "bad", "  Took three days.\n");
	cr_assert_eq(the_request(o, s.ticket, s.token, "bad",
		"Took three days."), 204);
	cr_assert_str_eq(str_at(o, "state"), "thanks");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id = %ld AND rating = 'bad' AND reason ="
		" 'Took three days.'", s.ticket), 1);
	json_object_put(o);
	desk_user_free(&s.req);
}

Test(csat_page, an_expired_a_wrong_or_a_cut_link_says_so)
{
	struct json_object *o;
	struct survey s, old;
	char q[128];

	/* Expired a minute ago: 410. */
	survey_new(&old, -60);
	query_of(&old, old.token, q, sizeof(q));
	o = use_page(q, "good", "");
	cr_assert_eq(the_request(o, old.ticket, old.token, "good", NULL), 410);
	cr_assert_str_eq(str_at(o, "state"), "gone");
	cr_assert(strstr(str_at(o, "text"), "has expired") != NULL,
		"%s", str_at(o, "text"));
	cr_assert(strstr(str_at(o, "text"), "answered") == NULL,
		"%s", str_at(o, "text"));
	json_object_put(o);

	/* Another survey's token on this ticket: 404, not valid. */
	survey_new(&s, 20 * 86400);
	query_of(&s, old.token, q, sizeof(q));
	o = use_page(q, "good", "");
	cr_assert_eq(the_request(o, s.ticket, old.token, "good", NULL), 404);
	cr_assert_str_eq(str_at(o, "state"), "notfound");
	json_object_put(o);

	/* A link cut before its token: no form, no request. */
	snprintf(q, sizeof(q), "?ticket=%ld&tok", s.ticket);
	o = use_page(q, "good", "");
	cr_assert_eq(nrequests(o), 0);
	cr_assert_str_eq(str_at(o, "state"), "badlink");
	json_object_put(o);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id IN (%ld, %ld) AND answered_at IS NOT NULL", s.ticket,
		old.ticket), 0);
	desk_user_free(&s.req);
	desk_user_free(&old.req);
}
