/* The staff reports (GET /admin/support/reports) against what this
 * program writes into one past month (2004-02), with times chosen so
 * every measure is known: per agent (fresh accounts, so exact) tickets
 * solved, CSAT and the median first reply; per month the increase of
 * each count over the month's figures read before, and the median
 * computed here from the month's tickets; deflection and the articles
 * that solved requests (fresh slugs, so exact). Tickets, surveys and
 * suggestions are written with SQL because their times must lie in
 * the past. Also the span rules (at most 24 months) and the roles. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "desk_kit.h"

#define REPORTS "/api/v1/admin/support/reports"

/* A ticket created at `created` (DATETIME text) with a first reply
 * reply_s seconds later (< 0: none), in status, resolved at `resolved`
 * (NULL: not). Its id. */
static long ticket_at(long requester, long assignee, const char *created,
	long reply_s, const char *status, const char *resolved)
{
	char as[32], reply[128], res[64], *s;
	long id;

	snprintf(as, sizeof(as), assignee > 0 ? "%ld" : "NULL", assignee);
	if (reply_s >= 0)
		snprintf(reply, sizeof(reply), "'%s' + INTERVAL %ld SECOND",
			created, reply_s);
	else
		snprintf(reply, sizeof(reply), "NULL");
	snprintf(res, sizeof(res), resolved ? "'%s'" : "NULL",
		resolved ? resolved : "");
	s = client_sqlf("INSERT INTO support_tickets (requester_id, assignee_id,"
		" subject, category, status, via, created_at, updated_at,"
		" first_replied_at, resolved_at) VALUES (%ld, %s, 'Report case',"
		" 'billing', '%s', 'web', '%s', '%s', %s, %s);"
		" SELECT LAST_INSERT_ID()", requester, as, status, created,
		created, reply, res);
	cr_assert(s != NULL);
	id = atol(s);
	free(s);
	cr_assert(id > 0);
	return id;
}

static void survey_at(long ticket, long agent, const char *rating,
	const char *answered)
{
	desk_sql("INSERT INTO support_csat (ticket_id, token_hash, agent_id,"
		" sent_at, expires_at, rating, reason, answered_at) VALUES (%ld,"
		" UNHEX(SHA2(CONCAT('r', %ld, RAND()), 256)), %ld,"
		" '%s' - INTERVAL 1 DAY, '%s' + INTERVAL 27 DAY, '%s', %s, '%s')",
		ticket, ticket, agent, answered, answered, rating,
		strcmp(rating, "bad") == 0 ? "'slow'" : "NULL", answered);
}

static void suggestion_at(const char *created, const char *solved,
	long article)
{
	char sol[64], art[32];

	snprintf(sol, sizeof(sol), solved ? "'%s'" : "NULL",
		solved ? solved : "");
	snprintf(art, sizeof(art), article > 0 ? "%ld" : "NULL", article);
	desk_sql("INSERT INTO support_suggestions (public_id, subject,"
		" created_at, solved_at, solved_article_id) VALUES (UUID(),"
		" 'How do I', '%s', %s, %s)", created, sol, art);
}

static long article_new(const char *slug)
{
	desk_sql("INSERT INTO kb_articles (slug, title, body, body_text,"
		" category, status, created_at, updated_at) VALUES ('%s',"
		" 'Title %s', 'b', 'b', 'billing', 'published', UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6))", slug, slug);
	return client_sql_longf("SELECT id FROM kb_articles WHERE slug = '%s'",
		slug);
}

static struct json_object *report(const struct desk_user *staff,
	const char *query)
{
	char path[256];
	struct client_resp r;
	struct json_object *o;

	snprintf(path, sizeof(path), REPORTS "%s", query);
	client_call("GET", path, staff->auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

static long num(struct json_object *o, const char *k)
{
	return (long)json_object_get_int64(json_object_object_get(o, k));
}

static double dbl(struct json_object *o, const char *k)
{
	return json_object_get_double(json_object_object_get(o, k));
}

/* The item of the report's list whose string at path is value, or
 * NULL. */
static struct json_object *item_of(struct json_object *rep,
	const char *list, const char *path, const char *value)
{
	struct json_object *a = json_object_object_get(rep, list);

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *it = json_object_array_get_idx(a, i);

		if (strcmp(client_json_str(it, path), value) == 0)
			return it;
	}
	return NULL;
}

/* The by_month item of month, or NULL. */
static struct json_object *month_of(struct json_object *rep, const char *m)
{
	return item_of(rep, "by_month", "month", m);
}

static struct json_object *agent_of(struct json_object *rep, const char *id)
{
	return item_of(rep, "by_agent", "agent.id", id);
}

static long article_count(struct json_object *rep, const char *slug)
{
	struct json_object *it = item_of(rep, "articles", "slug", slug);

	return it != NULL ? num(it, "resolved_count") : 0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* The median first reply of every ticket created in 2004-02, computed
 * here from the rows. */
static double month_median(void)
{
	char *rows = client_sql_rows("SELECT TIMESTAMPDIFF(MICROSECOND,"
		" created_at, first_replied_at) FROM support_tickets WHERE"
		" created_at >= '2004-02-01' AND created_at < '2004-03-01'"
		" AND first_replied_at IS NOT NULL");
	double v[4096];
	size_t n = 0;
	char *p = rows, *save = NULL;

	cr_assert(rows != NULL);
	for (char *line = strtok_r(p, "\n", &save); line != NULL && n < 4096;
	     line = strtok_r(NULL, "\n", &save))
		v[n++] = atof(line) / 1e6;
	free(rows);
	cr_assert(n > 0);
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Test(reports, counts_medians_and_deflection_match_what_was_written)
{
	struct desk_user staff, a, b, req;
	struct json_object *before, *after, *m0, *m1, *ga, *gb, *d0, *d1, *csat;
	const char *x = client_unique("kb-x"), *y;
	char slug_x[64], slug_y[64];
	long ax, ay, t;

	/* client_unique's letters and '_' as a slug. */
	snprintf(slug_x, sizeof(slug_x), "%s", x);
	for (char *c = slug_x; *c; c++)
		*c = *c == '_' ? '-' : (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	y = client_unique("kb-y");
	snprintf(slug_y, sizeof(slug_y), "%s", y);
	for (char *c = slug_y; *c; c++)
		*c = *c == '_' ? '-' : (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);

	desk_user_new(&staff, "support", NULL);
	desk_user_new(&a, "support", NULL);
	desk_user_new(&b, "admin", NULL);
	desk_user_new(&req, "user", NULL);
	before = report(&staff, "?from=2004-02&to=2004-02");
	m0 = month_of(before, "2004-02");
	cr_assert(m0 != NULL);
	d0 = json_object_object_get(before, "deflection");

	/* Agent a: first replies after 100, 300, 200 and 1000 s (median
	 * 250); three of these solved in February, and one ticket from
	 * January solved in February (solved: 4; created in Feb: 4). */
	t = ticket_at(req.row, a.row, "2004-02-03 10:00:00", 100, "resolved",
		"2004-02-04 10:00:00");
	survey_at(t, a.row, "good", "2004-02-06 10:00:00");
	t = ticket_at(req.row, a.row, "2004-02-05 10:00:00", 300, "closed",
		"2004-02-06 10:00:00");
	survey_at(t, a.row, "good", "2004-02-08 10:00:00");
	t = ticket_at(req.row, a.row, "2004-02-07 10:00:00", 200, "resolved",
		"2004-02-08 10:00:00");
	survey_at(t, a.row, "bad", "2004-02-10 10:00:00");
	ticket_at(req.row, a.row, "2004-02-09 10:00:00", 1000, "in_progress",
		NULL);
	t = ticket_at(req.row, a.row, "2004-01-20 10:00:00", 30, "resolved",
		"2004-02-02 10:00:00");
	/* Answered in March: outside the span. */
	survey_at(t, a.row, "good", "2004-03-02 10:00:00");
	/* Agent b: 50, 70 and 10 s (median 50), one solved. */
	t = ticket_at(req.row, b.row, "2004-02-11 10:00:00", 50, "resolved",
		"2004-02-12 10:00:00");
	survey_at(t, b.row, "bad", "2004-02-14 10:00:00");
	ticket_at(req.row, b.row, "2004-02-13 10:00:00", 70, "open", NULL);
	ticket_at(req.row, b.row, "2004-02-15 10:00:00", 10, "open", NULL);
	/* Unassigned and unanswered. */
	ticket_at(req.row, 0, "2004-02-16 10:00:00", -1, "open", NULL);
	/* Deflection: three suggestions in February, two solved by x; one
	 * from January solved in February by y. */
	ax = article_new(slug_x);
	ay = article_new(slug_y);
	suggestion_at("2004-02-03 09:00:00", "2004-02-03 09:05:00", ax);
	suggestion_at("2004-02-04 09:00:00", "2004-02-04 09:05:00", ax);
	suggestion_at("2004-02-05 09:00:00", NULL, 0);
	suggestion_at("2004-01-31 09:00:00", "2004-02-01 09:05:00", ay);

	after = report(&staff, "?from=2004-02&to=2004-02");
	m1 = month_of(after, "2004-02");
	cr_assert(m1 != NULL);
	cr_assert_eq(json_object_array_length(json_object_object_get(after,
		"by_month")), 1);

	ga = agent_of(after, a.id);
	cr_assert(ga != NULL);
	cr_assert_str_eq(client_json_str(ga, "agent.username"), a.username);
	cr_assert_eq(num(ga, "tickets_solved"), 4);
	csat = json_object_object_get(ga, "csat");
	cr_assert_eq(num(csat, "good"), 2);
	cr_assert_eq(num(csat, "bad"), 1);
	cr_assert(fabs(dbl(csat, "score") - 2.0 / 3.0) < 1e-9);
	/* Tickets created in the span only: the January one's 30 s is not
	 * in it. */
	cr_assert(fabs(dbl(ga, "median_first_reply_s") - 250.0) < 1e-6,
		"median %f", dbl(ga, "median_first_reply_s"));

	gb = agent_of(after, b.id);
	cr_assert(gb != NULL);
	cr_assert_eq(num(gb, "tickets_solved"), 1);
	csat = json_object_object_get(gb, "csat");
	cr_assert_eq(num(csat, "good"), 0);
	cr_assert_eq(num(csat, "bad"), 1);
	cr_assert(fabs(dbl(csat, "score")) < 1e-9);
	cr_assert(fabs(dbl(gb, "median_first_reply_s") - 50.0) < 1e-6);
	cr_assert(agent_of(after, staff.id) == NULL);

	/* The month: what was added, by the month of each event. */
	cr_assert_eq(num(m1, "tickets_created") - num(m0, "tickets_created"), 8);
	cr_assert_eq(num(m1, "tickets_solved") - num(m0, "tickets_solved"), 5);
	cr_assert_eq(num(json_object_object_get(m1, "csat"), "good") -
		num(json_object_object_get(m0, "csat"), "good"), 2);
	cr_assert_eq(num(json_object_object_get(m1, "csat"), "bad") -
		num(json_object_object_get(m0, "csat"), "bad"), 2);
	cr_assert_eq(num(m1, "suggested") - num(m0, "suggested"), 3);
	cr_assert_eq(num(m1, "deflected") - num(m0, "deflected"), 3);
	cr_assert(fabs(dbl(m1, "deflection_rate") - (double)num(m1, "deflected")
		/ (double)(num(m1, "deflected") + num(m1, "tickets_created")))
		< 1e-9);
	cr_assert(fabs(dbl(m1, "median_first_reply_s") - month_median()) < 1e-6,
		"month median %f, computed %f", dbl(m1, "median_first_reply_s"),
		month_median());

	d1 = json_object_object_get(after, "deflection");
	cr_assert_eq(num(d1, "suggested") - num(d0, "suggested"), 3);
	cr_assert_eq(num(d1, "solved") - num(d0, "solved"), 3);
	cr_assert_eq(num(d1, "tickets") - num(d0, "tickets"), 8);
	cr_assert(fabs(dbl(d1, "rate") - (double)num(d1, "solved") /
		(double)(num(d1, "solved") + num(d1, "tickets"))) < 1e-9);
	cr_assert_eq(article_count(after, slug_x), 2);
	cr_assert_eq(article_count(after, slug_y), 1);
	json_object_put(before);
	json_object_put(after);

	/* Over three months: one item each, in order; the March answer
	 * counts now. */
	after = report(&staff, "?from=2004-01&to=2004-03");
	{
		struct json_object *ms = json_object_object_get(after, "by_month");

		cr_assert_eq(json_object_array_length(ms), 3);
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(ms, 0),
			"month"), "2004-01");
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(ms, 2),
			"month"), "2004-03");
	}
	ga = agent_of(after, a.id);
	cr_assert_eq(num(json_object_object_get(ga, "csat"), "good"), 3);
	cr_assert(fabs(dbl(ga, "median_first_reply_s") - 200.0) < 1e-6,
		"median over 30, 100, 200, 300, 1000: %f",
		dbl(ga, "median_first_reply_s"));
	json_object_put(after);
	desk_user_free(&staff);
	desk_user_free(&a);
	desk_user_free(&b);
	desk_user_free(&req);
}

Test(reports, an_agent_without_answers_has_null_score_and_median)
{
	struct desk_user staff, a, req;
	struct json_object *rep, *ga;

	desk_user_new(&staff, "support", NULL);
	desk_user_new(&a, "support", NULL);
	desk_user_new(&req, "user", NULL);
	ticket_at(req.row, a.row, "2004-06-03 10:00:00", -1, "resolved",
		"2004-06-04 10:00:00");
	rep = report(&staff, "?from=2004-06&to=2004-06");
	ga = agent_of(rep, a.id);
	cr_assert(ga != NULL);
	cr_assert_eq(num(ga, "tickets_solved"), 1);
	cr_assert(json_object_get_type(json_object_object_get(
		json_object_object_get(ga, "csat"), "score")) == json_type_null);
	cr_assert(json_object_get_type(json_object_object_get(ga,
		"median_first_reply_s")) == json_type_null);
	json_object_put(rep);
	desk_user_free(&staff);
	desk_user_free(&a);
	desk_user_free(&req);
}

Test(reports, the_span_is_bounded_and_checked)
{
	struct desk_user staff, user;
	struct client_resp r;
	struct json_object *o;

	desk_user_new(&staff, "support", NULL);
	desk_user_new(&user, "user", NULL);
	client_call("GET", REPORTS "?from=2004-01&to=2006-01", staff.auth, NULL,
		&r);
	client_assert_field_error(&r, "to", "out_of_range");
	client_free(&r);
	client_call("GET", REPORTS "?from=2004-03&to=2004-02", staff.auth, NULL,
		&r);
	client_assert_field_error(&r, "from", "out_of_range");
	client_free(&r);
	client_call("GET", REPORTS "?from=2004-13&to=2004-12", staff.auth, NULL,
		&r);
	client_assert_field_error(&r, "from", "invalid_format");
	client_free(&r);
	client_call("GET", REPORTS "?to=2004/12", staff.auth, NULL, &r);
	client_assert_field_error(&r, "to", "invalid_format");
	client_free(&r);
	/* 24 months is the most. */
	o = report(&staff, "?from=2004-01&to=2005-12");
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"by_month")), 24);
	json_object_put(o);
	/* Without a span: the twelve months to the current one. */
	o = report(&staff, "");
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"by_month")), 12);
	json_object_put(o);
	cr_assert_eq(client_status("GET", REPORTS, user.auth, NULL), 403);
	cr_assert_eq(client_status("GET", REPORTS, NULL, NULL), 401);
	desk_user_free(&staff);
	desk_user_free(&user);
}
