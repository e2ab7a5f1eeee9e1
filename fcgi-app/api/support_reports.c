/* Stores: support_reports. */
/* GET /admin/support/reports?from=YYYY-MM&to=YYYY-MM (support, admin):
 * per agent and per month, tickets solved, CSAT (good, bad, score =
 * good / (good + bad), null without answers), the median first reply in
 * seconds, and deflection (requests the knowledge base solved, against
 * tickets filed) with the articles that solved them, and the support
 * assistant's conversations and how they ended. At most 24 months
 * at once; to defaults to the current month (UTC), from to 11 months
 * before it. */
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "store/support_reports.h"

#define REPORT_DEFAULT_MONTHS 12
#define REPORT_MAX_MONTHS 24

static int v_month(const char *s, size_t len)
{
	int p;

	(void)len;
	return store_sreport_period_parse(s, &p) == 0;
}

static const struct query_param report_query[] = {
	{ .name = "from", .kind = QP_TEXT, .min = 7, .max = 7,
	  .valid = v_month, .message = "must be a month, YYYY-MM" },
	{ .name = "to", .kind = QP_TEXT, .min = 7, .max = 7,
	  .valid = v_month, .message = "must be a month, YYYY-MM" },
};

/* The span asked for (only called once the query table passed). */
static void report_span(const struct request *req, int *from, int *to)
{
	const char *f = http_query(req, "from"), *t = http_query(req, "to");

	if (t == NULL || store_sreport_period_parse(t, to) != 0) {
		time_t now = clock_now();
		struct tm tm;

		gmtime_r(&now, &tm);
		*to = (tm.tm_year + 1900) * 12 + tm.tm_mon;
	}
	if (f == NULL || store_sreport_period_parse(f, from) != 0)
		*from = *to - (REPORT_DEFAULT_MONTHS - 1);
}

static int report_check(struct request *req)
{
	int from, to;

	if (problem_error_count(req) > 0)
		return 0;
	report_span(req, &from, &to);
	api_check_span(req, from, to, REPORT_MAX_MONTHS, "the span is at most 24 months");
	return 0;
}

/* {good, bad, score} */
static struct json_object *csat_json(struct request *req, int64_t good,
	int64_t bad)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL || json_set_int(o, "good", good) ||
	    json_set_int(o, "bad", bad))
		return NULL;
	if (good + bad == 0)
		return json_set(o, "score", NULL) ? NULL : o;
	return json_set_double(o, "score", (double)good / (double)(good + bad))
		? NULL : o;
}

static int set_median(struct json_object *o, int has, double v)
{
	return has ? json_set_double(o, "median_first_reply_s", v) :
		json_set(o, "median_first_reply_s", NULL);
}

static int set_rate(struct json_object *o, const char *k, int64_t part,
	int64_t whole)
{
	return whole == 0 ? json_set(o, k, NULL) :
		json_set_double(o, k, (double)part / (double)whole);
}

static struct json_object *agent_json(struct request *req,
	const struct store_sreport_agent *g)
{
	struct json_object *o = json_new_object(req);
	struct json_object *who = json_new_object(req);

	if (o == NULL || who == NULL || json_set_str(who, "id", g->public_id) ||
	    json_set_str(who, "username", g->username) ||
	    json_set(o, "agent", who) ||
	    json_set_int(o, "tickets_solved", g->solved) ||
	    json_set(o, "csat", csat_json(req, g->good, g->bad)) ||
	    set_median(o, g->has_median, g->median_s))
		return NULL;
	return o;
}

/* The month's assistant measures: {conversations, self_served,
 * escalated, abandoned, deflection_rate (self-served of the ended,
 * null when none ended), top_sources[{kind, slug_or_id, title,
 * resolved}]}. */
static struct json_object *assistant_json(struct request *req,
	const struct store_sreport_month *m)
{
	struct json_object *o = json_new_object(req);
	struct json_object *top = json_new_array(req);
	int64_t ended = m->self_served + m->escalated + m->abandoned;

	if (o == NULL || top == NULL ||
	    json_set_int(o, "conversations", m->conversations) ||
	    json_set_int(o, "self_served", m->self_served) ||
	    json_set_int(o, "escalated", m->escalated) ||
	    json_set_int(o, "abandoned", m->abandoned) ||
	    set_rate(o, "deflection_rate", m->self_served, ended))
		return NULL;
	for (size_t i = 0; i < m->nsources; i++) {
		const struct store_sreport_source *s = &m->sources[i];
		struct json_object *it = json_new_object(req);

		if (it == NULL || json_set_str(it, "kind", s->kind) ||
		    json_set_str(it, "slug_or_id", s->slug_or_id) ||
		    json_set_str(it, "title", s->title) ||
		    json_set_int(it, "resolved", s->resolved) ||
		    json_push(top, it))
			return NULL;
	}
	return json_set(o, "top_sources", top) ? NULL : o;
}

static struct json_object *month_json(struct request *req,
	const struct store_sreport_month *m)
{
	struct json_object *o = json_new_object(req);
	char ym[8];

	store_sreport_period_format(m->period, ym);
	if (o == NULL || json_set_str(o, "month", ym) ||
	    json_set_int(o, "tickets_created", m->created) ||
	    json_set_int(o, "tickets_solved", m->solved) ||
	    json_set(o, "csat", csat_json(req, m->good, m->bad)) ||
	    set_median(o, m->has_median, m->median_s) ||
	    json_set_int(o, "suggested", m->suggested) ||
	    json_set_int(o, "deflected", m->deflected) ||
	    set_rate(o, "deflection_rate", m->deflected,
		m->deflected + m->created) ||
	    json_set(o, "assistant", assistant_json(req, m)))
		return NULL;
	return o;
}

static int report_get(struct request *req)
{
	struct json_object *o = json_new_object(req);
	struct json_object *by_agent = json_new_array(req);
	struct json_object *by_month = json_new_array(req);
	struct json_object *arts = json_new_array(req);
	struct json_object *defl = json_new_object(req);
	struct store_sreport r;
	int64_t suggested = 0, solved = 0, tickets = 0;
	char fs[8], ts[8];
	int from, to, rc;

	if (o == NULL || by_agent == NULL || by_month == NULL || arts == NULL ||
	    defl == NULL)
		return DF_ENOMEM;
	report_span(req, &from, &to);
	rc = store_sreport_build(req->arena, from, to, &r);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < r.nagents; i++)
		if (json_push(by_agent, agent_json(req, &r.agents[i])) != 0)
			return DF_ENOMEM;
	for (size_t i = 0; i < r.nmonths; i++) {
		if (json_push(by_month, month_json(req, &r.months[i])) != 0)
			return DF_ENOMEM;
		suggested += r.months[i].suggested;
		solved += r.months[i].deflected;
		tickets += r.months[i].created;
	}
	for (size_t i = 0; i < r.narticles; i++) {
		struct json_object *a = json_new_object(req);

		if (a == NULL || json_set_str(a, "slug", r.articles[i].slug) ||
		    json_set_str(a, "title", r.articles[i].title) ||
		    json_set_int(a, "resolved_count", r.articles[i].resolved) ||
		    json_push(arts, a))
			return DF_ENOMEM;
	}
	store_sreport_period_format(from, fs);
	store_sreport_period_format(to, ts);
	if (json_set_int(defl, "suggested", suggested) ||
	    json_set_int(defl, "solved", solved) ||
	    json_set_int(defl, "tickets", tickets) ||
	    set_rate(defl, "rate", solved, solved + tickets) ||
	    json_set_str(o, "from", fs) || json_set_str(o, "to", ts) ||
	    json_set(o, "by_agent", by_agent) ||
	    json_set(o, "by_month", by_month) ||
	    json_set(o, "articles", arts) ||
	    json_set(o, "deflection", defl))
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/support/reports",
	  .handler = report_get, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(report_query), .check = report_check },
};

const struct route_table api_support_reports_table = {
	"support_reports", routes, sizeof(routes) / sizeof(routes[0])
};
