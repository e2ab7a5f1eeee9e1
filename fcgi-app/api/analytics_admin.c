/* Stores: analytics_report. */
/* GET /api/v1/admin/analytics/summary and /admin/analytics/events: what
 * the admin console charts, read from the rollups that the job
 * analytics-rollup keeps (store/analytics_rollup.h), so they are as
 * fresh as its last run. Each answers CSV instead of JSON when the
 * caller prefers text/csv (Accept): the router does not negotiate
 * content, so these routes read Accept themselves and say Vary: Accept. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/analytics_report.h"
#include "store/analytics_rollup.h"

#define SUMMARY_DEFAULT_DAYS 30
#define SUMMARY_MAX_DAYS 366
#define DAY_MAX_BUCKETS 366
#define HOUR_MAX_BUCKETS (31 * 24)
#define HOUR_DEFAULT_BUCKETS 24
#define CSV_TYPE "text/csv; charset=utf-8"

/* The q-value of media type `type` in an Accept header (its best
 * matching range: exact, "text/ *" style or "* / *" when wild is set);
 * -1 when nothing matches. */
static double accept_q(const char *accept, const char *type, int wild)
{
	double best = -1;
	const char *p = accept;
	size_t tlen = strlen(type);
	const char *slash = strchr(type, '/');
	size_t major = slash != NULL ? (size_t)(slash - type) : tlen;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ','), *semi, *q;
		size_t len, mlen;
		double v = 1.0;
		int match;

		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		semi = memchr(p, ';', len);
		mlen = semi != NULL ? (size_t)(semi - p) : len;
		while (mlen > 0 && (p[mlen - 1] == ' ' || p[mlen - 1] == '\t'))
			mlen--;
		match = (mlen == tlen && strncasecmp(p, type, tlen) == 0) ||
			(wild && mlen == major + 2 &&
			 strncasecmp(p, type, major + 1) == 0 && p[major + 1] == '*') ||
			(wild && mlen == 3 && strncmp(p, "*/*", 3) == 0);
		for (q = semi; match && q != NULL && q < p + len; ) {
			const char *s = q + 1;

			while (s < p + len && (*s == ' ' || *s == '\t'))
				s++;
			if (p + len - s >= 2 && (s[0] == 'q' || s[0] == 'Q') &&
			    s[1] == '=') {
				char buf[8] = { 0 };
				size_t n = (size_t)(p + len - s - 2);

				memcpy(buf, s + 2, n < sizeof(buf) - 1 ? n :
					sizeof(buf) - 1);
				if (sscanf(buf, "%lf", &v) != 1)
					v = 0;
			}
			q = memchr(s, ';', (size_t)(p + len - s));
		}
		if (match && v > best)
			best = v;
		p = end != NULL ? end + 1 : NULL;
	}
	return best;
}

/* 1 when the caller asked for text/csv at least as much as for JSON
 * (an Accept of "* / *" or none at all gets JSON). */
static int wants_csv(const struct request *req)
{
	const char *accept = NULL;
	double csv, json;

	for (char **e = req->envp; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, "HTTP_ACCEPT=", 12) == 0) {
			accept = *e + 12;
			break;
		}
	}
	if (accept == NULL)
		return 0;
	csv = accept_q(accept, "text/csv", 0);
	json = accept_q(accept, "application/json", 1);
	return csv > 0 && csv >= json;
}

/* The answer as CSV, downloaded as filename. */
static int send_csv(struct request *req, const char *body, size_t len,
	const char *filename)
{
	int rc;

	rc = http_set_header(req, "Content-Disposition",
		arena_printf(req->arena, "attachment; filename=\"%s\"", filename));
	if (rc == 0)
		rc = http_set_header(req, "Vary", "Accept");
	if (rc == 0)
		rc = http_set_body(req, 200, CSV_TYPE, body, len);
	return rc;
}

/* The same URL answers CSV or JSON by Accept: Vary tells caches to keep
 * them apart. */
static int send_json(struct request *req, struct json_object *o)
{
	int rc = http_set_header(req, "Vary", "Accept");

	return rc != 0 ? rc : http_set_json(req, 200, o);
}

/* An appendable text in the request's arena. */
struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct request *req, struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int buf_add(struct request *req, struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s != NULL ? b->s + b->len : NULL,
			b->s != NULL ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return DF_EINTERNAL;
		if (b->s != NULL && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return 0;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *s = arena_alloc(req->arena, cap);

		if (s == NULL)
			return DF_ENOMEM;
		if (b->len > 0)
			memcpy(s, b->s, b->len);
		b->s = s;
		b->cap = cap;
	}
}

static int64_t today(void)
{
	return (int64_t)clock_now() / 86400;
}

static char *day_str(struct request *req, int64_t day)
{
	char *s = arena_alloc(req->arena, 11);

	if (s != NULL)
		store_rollup_day_format(day, s);
	return s;
}

/* "2026-11-07T13:00:00Z" of hour h (hourly) or day h. */
static char *bucket_str(struct request *req, int64_t h, int hourly)
{
	char day[11];

	store_rollup_day_format(hourly ? h / 24 : h, day);
	return arena_printf(req->arena, "%sT%02d:00:00Z", day,
		hourly ? (int)(h % 24) : 0);
}

/* ---- GET /admin/analytics/summary ---- */

static const struct query_param summary_query[] = {
	{ .name = "from", .kind = QP_DATE },
	{ .name = "to", .kind = QP_DATE },
};

static void summary_span(const struct request *req, int64_t *from,
	int64_t *to)
{
	*to = router_query_int(req, "to", today());
	*from = router_query_int(req, "from", *to - (SUMMARY_DEFAULT_DAYS - 1));
}

static int summary_check(struct request *req)
{
	int64_t from, to;

	if (problem_error_count(req) > 0)
		return 0;
	summary_span(req, &from, &to);
	api_check_span(req, from, to, SUMMARY_MAX_DAYS, "the span is at most 366 days");
	return 0;
}

/* The day's row of the summary (zeros when the day was not rolled up):
 * *i walks s->days, which is in day order. */
static struct store_an_day day_row(const struct store_an_summary *s,
	size_t *i, int64_t day)
{
	struct store_an_day z = { .day = day };

	while (*i < s->ndays && s->days[*i].day < day)
		(*i)++;
	if (*i < s->ndays && s->days[*i].day == day)
		return s->days[*i];
	return z;
}

static int summary_csv(struct request *req, const struct store_an_summary *s,
	int64_t from, int64_t to)
{
	struct buf b = { 0 };
	size_t di = 0, ri = 0;
	int rc;

	rc = buf_add(req, &b, "date,new_users,daily_active,revenue_amount,"
		"currency,downloads,events\r\n");
	for (int64_t d = from; rc == 0 && d <= to; d++) {
		struct store_an_day r = day_row(s, &di, d);
		char day[11];
		int any = 0;

		store_rollup_day_format(d, day);
		while (ri < s->nrevenue && s->revenue[ri].day < d)
			ri++;
		/* A day with revenue in several currencies has a line per
		 * currency; a day without any, one line with 0 and no
		 * currency. */
		for (; rc == 0 && ri < s->nrevenue && s->revenue[ri].day == d;
		     ri++, any = 1)
			rc = buf_add(req, &b, "%s,%lld,%lld,%lld,%s,%lld,%lld\r\n",
				day, (long long)r.new_users,
				(long long)r.daily_active,
				(long long)s->revenue[ri].amount,
				s->revenue[ri].currency, (long long)r.downloads,
				(long long)r.events);
		if (rc == 0 && !any)
			rc = buf_add(req, &b, "%s,%lld,%lld,0,,%lld,%lld\r\n", day,
				(long long)r.new_users, (long long)r.daily_active,
				(long long)r.downloads, (long long)r.events);
	}
	if (rc != 0)
		return rc;
	return send_csv(req, b.s, b.len, arena_printf(req->arena,
		"analytics-summary-%s-%s.csv", day_str(req, from),
		day_str(req, to)));
}

static int summary(struct request *req)
{
	struct store_an_summary s;
	struct json_object *o, *users, *active, *rev, *rtotal, *rday, *dl,
		*dlday, *top, *ev, *names, *sup;
	int64_t from, to, new_users = 0, downloads = 0;
	size_t di = 0;
	int rc;

	summary_span(req, &from, &to);
	rc = store_an_summary(req->arena, from, to, &s);
	if (rc != 0)
		return rc;
	if (wants_csv(req))
		return summary_csv(req, &s, from, to);

	o = json_new_object(req);
	users = json_new_object(req);
	active = json_new_array(req);
	rev = json_new_object(req);
	rtotal = json_new_array(req);
	rday = json_new_array(req);
	dl = json_new_object(req);
	dlday = json_new_array(req);
	top = json_new_array(req);
	ev = json_new_object(req);
	names = json_new_array(req);
	sup = json_new_object(req);
	if (json_set_str(o, "from", day_str(req, from)) ||
	    json_set_str(o, "to", day_str(req, to)) ||
	    json_set(o, "users", users) || json_set(o, "revenue", rev) ||
	    json_set(o, "downloads", dl) || json_set(o, "events", ev) ||
	    json_set(o, "support", sup))
		return DF_ENOMEM;
	/* Every day of the span, zeros included. */
	for (int64_t d = from; d <= to; d++) {
		struct store_an_day r = day_row(&s, &di, d);
		struct json_object *a = json_new_object(req);
		struct json_object *b = json_new_object(req);

		new_users += r.new_users;
		downloads += r.downloads;
		if (json_push(active, a) || json_push(dlday, b) ||
		    json_set_str(a, "date", day_str(req, d)) ||
		    json_set_int(a, "count", r.daily_active) ||
		    json_set_str(b, "date", day_str(req, d)) ||
		    json_set_int(b, "count", r.downloads))
			return DF_ENOMEM;
	}
	if (json_set_int(users, "total", s.users_total) ||
	    json_set_int(users, "new", new_users) ||
	    json_set(users, "daily_active", active))
		return DF_ENOMEM;
	for (size_t i = 0; i < s.nrevenue_total; i++) {
		struct json_object *m = json_new_object(req);

		if (json_push(rtotal, m) ||
		    json_set_int(m, "amount", s.revenue_total[i].amount) ||
		    json_set_str(m, "currency", s.revenue_total[i].currency))
			return DF_ENOMEM;
	}
	for (size_t i = 0; i < s.nrevenue; i++) {
		struct json_object *m = json_new_object(req);

		if (json_push(rday, m) ||
		    json_set_str(m, "date", day_str(req, s.revenue[i].day)) ||
		    json_set_int(m, "amount", s.revenue[i].amount) ||
		    json_set_str(m, "currency", s.revenue[i].currency))
			return DF_ENOMEM;
	}
	if (json_set(rev, "total", rtotal) || json_set(rev, "by_day", rday))
		return DF_ENOMEM;
	for (size_t i = 0; i < s.ntop; i++) {
		struct json_object *e = json_new_object(req);

		if (json_push(top, e) || json_set_str(e, "slug", s.top[i].slug) ||
		    json_set_str(e, "name", s.top[i].name) ||
		    json_set_int(e, "downloads", s.top[i].downloads))
			return DF_ENOMEM;
	}
	if (json_set_int(dl, "total", downloads) ||
	    json_set(dl, "by_day", dlday) || json_set(dl, "top_extensions", top))
		return DF_ENOMEM;
	for (size_t i = 0; i < s.nnames; i++) {
		struct json_object *e = json_new_object(req);

		if (json_push(names, e) || json_set_str(e, "name", s.names[i].name) ||
		    json_set_int(e, "count", s.names[i].count))
			return DF_ENOMEM;
	}
	if (json_set(ev, "by_name", names) ||
	    json_set_int(sup, "open_tickets", s.open_tickets))
		return DF_ENOMEM;
	if (s.has_median ? json_set_int(sup, "median_first_response_seconds",
		s.median_first_response_s) :
	    json_set(sup, "median_first_response_seconds", NULL))
		return DF_ENOMEM;
	return send_json(req, o);
}

/* ---- GET /admin/analytics/events ---- */

static const char *const granularities[] = { "day", "hour", NULL };

/* A date (YYYY-MM-DD) or an RFC 3339 date-time: *us its start (a date:
 * its midnight UTC), *date_only 1 for a date. */
static int parse_when(const char *s, size_t len, int64_t *us, int *date_only)
{
	char buf[32];

	*date_only = 0;
	if (len == 10) {
		snprintf(buf, sizeof(buf), "%.10sT00:00:00Z", s);
		*date_only = 1;
		return validate_rfc3339(buf, us);
	}
	return validate_rfc3339(s, us);
}

static int valid_when(const char *s, size_t len)
{
	int64_t us;
	int d;

	return parse_when(s, len, &us, &d);
}

static int valid_name(const char *s, size_t len)
{
	(void)len;
	return validate_event_name(s);
}

static const struct query_param events_query[] = {
	{ .name = "name", .kind = QP_TEXT, .min = 1, .max = 64,
	  .valid = valid_name,
	  .message = "must be 1-64 characters of a-z, 0-9, '_' and '.'" },
	{ .name = "from", .kind = QP_TEXT, .min = 1, .max = 64,
	  .valid = valid_when,
	  .message = "must be a date (YYYY-MM-DD) or an RFC 3339 date-time" },
	{ .name = "to", .kind = QP_TEXT, .min = 1, .max = 64,
	  .valid = valid_when,
	  .message = "must be a date (YYYY-MM-DD) or an RFC 3339 date-time" },
	{ .name = "granularity", .kind = QP_ENUM, .values = granularities,
	  .message = "must be day or hour" },
};

/* The buckets asked for, numbered from 1970-01-01 (days or hours). */
struct series_span {
	int hourly;
	int64_t first, last;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int events_check(struct request *req)
{
	struct series_span *sp;
	const char *from = http_query(req, "from"), *to = http_query(req, "to");
	int64_t unit, max, dflt, us;
	int date_only;

	if (problem_error_count(req) > 0)
		return 0;
	sp = arena_calloc(req->arena, 1, sizeof(*sp));
	if (sp == NULL)
		return DF_ENOMEM;
	sp->hourly = router_query_int(req, "granularity", 0) == 1;
	unit = sp->hourly ? 3600 : 86400;
	max = sp->hourly ? HOUR_MAX_BUCKETS : DAY_MAX_BUCKETS;
	dflt = sp->hourly ? HOUR_DEFAULT_BUCKETS : SUMMARY_DEFAULT_DAYS;
	if (to != NULL && parse_when(to, strlen(to), &us, &date_only)) {
		sp->last = floor_div(us / 1000000, unit);
		/* A date as `to` includes its whole day. */
		if (date_only && sp->hourly)
			sp->last += 23;
	} else {
		sp->last = floor_div((int64_t)clock_now(), unit);
	}
	if (from != NULL && parse_when(from, strlen(from), &us, &date_only))
		sp->first = floor_div(us / 1000000, unit);
	else
		sp->first = sp->last - (dflt - 1);
	api_check_span(req, sp->first, sp->last, max, sp->hourly ?
		"an hourly span is at most 31 days" :
		"a daily span is at most 366 days");
	req->checked = sp;
	return 0;
}

static int events(struct request *req)
{
	const struct series_span *sp = req->checked;
	const char *name = http_query(req, "name");
	struct store_an_point *pts;
	struct json_object *o, *points;
	size_t n, j = 0;
	int csv = wants_csv(req);
	struct buf b = { 0 };
	int rc;

	rc = store_an_series(req->arena, name, sp->hourly, sp->first, sp->last,
		&pts, &n);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	points = json_new_array(req);
	if (json_set_str(o, "name", name) ||
	    json_set_str(o, "granularity", sp->hourly ? "hour" : "day") ||
	    json_set_str(o, "from", bucket_str(req, sp->first, sp->hourly)) ||
	    json_set_str(o, "to", bucket_str(req, sp->last, sp->hourly)) ||
	    json_set(o, "points", points))
		return DF_ENOMEM;
	if (csv)
		rc = buf_add(req, &b, "t,count\r\n");
	/* Every bucket of the span, zeros included. */
	for (int64_t t = sp->first; rc == 0 && t <= sp->last; t++) {
		int64_t count = 0;
		const char *ts = bucket_str(req, t, sp->hourly);

		while (j < n && pts[j].bucket < t)
			j++;
		if (j < n && pts[j].bucket == t)
			count = pts[j].count;
		if (ts == NULL)
			return DF_ENOMEM;
		if (csv) {
			rc = buf_add(req, &b, "%s,%lld\r\n", ts, (long long)count);
		} else {
			struct json_object *p = json_new_object(req);

			if (json_push(points, p) || json_set_str(p, "t", ts) ||
			    json_set_int(p, "count", count))
				return DF_ENOMEM;
		}
	}
	if (rc != 0)
		return rc;
	if (csv)
		return send_csv(req, b.s, b.len, arena_printf(req->arena,
			"analytics-events-%s-%s.csv",
			day_str(req, sp->hourly ? sp->first / 24 : sp->first),
			day_str(req, sp->hourly ? sp->last / 24 : sp->last)));
	return send_json(req, o);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/analytics/summary",
	  .handler = summary, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(summary_query), .check = summary_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/analytics/events",
	  .handler = events, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(events_query), .check = events_check },
};

const struct route_table api_analytics_admin_table = {
	"analytics_admin", routes, sizeof(routes) / sizeof(routes[0])
};
