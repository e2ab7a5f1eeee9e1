/* SQL for the admin analytics reports. Everything but the support
 * figures reads the rollups, so a year is a few hundred rows: one per
 * day, one per day and currency with revenue, one per name (summed in
 * the database over the day index) and the extensions' days. The open
 * tickets are counted live on the queue index; the median first response
 * reads the tickets' first-reply index (migration 0034), since a median
 * cannot be summed from daily figures. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/analytics_report.h"
#include "store/analytics_rollup.h"
#include "store/tx.h"

static void map_day(const struct db_result *r, size_t row, void *out)
{
	struct store_an_day *d = out;

	d->day = db_int(r, row, 0, 0);
	d->new_users = db_int(r, row, 1, 0);
	d->daily_active = db_int(r, row, 2, 0);
	d->downloads = db_int(r, row, 3, 0);
	d->events = db_int(r, row, 4, 0);
}

static void map_money(const struct db_result *r, size_t row, void *out)
{
	struct store_an_money *m = out;

	m->day = db_int(r, row, 0, 0);
	db_str_copy(r, row, 1, m->currency, sizeof(m->currency));
	m->amount = db_int(r, row, 2, 0);
}

static void map_ext(const struct db_result *r, size_t row, void *out)
{
	struct store_an_ext *e = out;

	e->slug = db_str(r, row, 0);
	e->name = db_str(r, row, 1);
	e->downloads = db_int(r, row, 2, 0);
}

static void map_name(const struct db_result *r, size_t row, void *out)
{
	struct store_an_name *n = out;

	n->name = db_str(r, row, 0);
	n->count = db_int(r, row, 1, 0);
}

static void map_point(const struct db_result *r, size_t row, void *out)
{
	struct store_an_point *p = out;

	p->bucket = db_int(r, row, 0, 0);
	p->count = db_int(r, row, 1, 0);
}

/* The median of the seconds from opening to first reply of the tickets
 * whose first reply fell in [from, end): the middle one, or the mean of
 * the two middle ones rounded down. */
static int median_first_response(struct arena *a, const char *from,
	const char *end, struct store_an_summary *s)
{
	static const char count_sql[] =
		"SELECT COUNT(*) FROM support_tickets"
		" WHERE first_replied_at >= ? AND first_replied_at < ?";
	static const char mid_sql[] =
		"SELECT TIMESTAMPDIFF(SECOND, created_at, first_replied_at) s"
		" FROM support_tickets"
		" WHERE first_replied_at >= ? AND first_replied_at < ?"
		" ORDER BY s LIMIT 2 OFFSET ?";
	struct db_result res;
	int64_t n = 0;
	int rc;

	rc = db_query(a, count_sql, DBP(DB_STR(from), DB_STR(end)), &res);
	if (rc != 0)
		return rc;
	if (res.nrows > 0)
		n = db_int(&res, 0, 0, 0);
	if (n <= 0)
		return 0;
	rc = db_query(a, mid_sql, DBP(DB_STR(from), DB_STR(end),
		DB_INT((n - 1) / 2)), &res);
	if (rc != 0 || res.nrows == 0)
		return rc;
	s->has_median = 1;
	s->median_first_response_s = db_int(&res, 0, 0, 0);
	if (n % 2 == 0 && res.nrows > 1)
		s->median_first_response_s = (s->median_first_response_s +
			db_int(&res, 1, 0, 0)) / 2;
	return 0;
}

int store_an_summary(struct arena *a, int64_t from, int64_t to,
	struct store_an_summary *s)
{
	static const char days_sql[] =
		"SELECT DATEDIFF(day, '1970-01-01'), new_users, daily_active,"
		" downloads, events FROM analytics_days"
		" WHERE day >= ? AND day <= ? ORDER BY day";
	static const char total_sql[] =
		"SELECT users_total FROM analytics_days WHERE day <= ?"
		" ORDER BY day DESC LIMIT 1";
	static const char revenue_sql[] =
		"SELECT DATEDIFF(day, '1970-01-01'), currency, amount"
		" FROM analytics_revenue_days WHERE day >= ? AND day <= ?"
		" ORDER BY day, currency";
	static const char revenue_total_sql[] =
		"SELECT 0, currency, SUM(amount) FROM analytics_revenue_days"
		" WHERE day >= ? AND day <= ? GROUP BY currency ORDER BY currency";
	static const char top_sql[] =
		"SELECT e.slug, e.name, t.n FROM (SELECT extension_id,"
		"  SUM(downloads) n FROM analytics_extension_days"
		"  WHERE day >= ? AND day <= ? GROUP BY extension_id"
		"  ORDER BY n DESC, extension_id LIMIT ?) t"
		" JOIN extensions e ON e.id = t.extension_id"
		" ORDER BY t.n DESC, e.slug";
	static const char names_sql[] =
		"SELECT name, SUM(count) n FROM analytics_event_days"
		" WHERE day >= ? AND day <= ? GROUP BY name"
		" ORDER BY n DESC, name LIMIT ?";
	static const char open_sql[] =
		"SELECT COUNT(*) FROM support_tickets"
		" WHERE status IN ('open', 'in_progress', 'waiting_on_customer')";
	char f[11], t[11], end[11];
	struct db_result res;
	int rc;

	memset(s, 0, sizeof(*s));
	store_rollup_day_format(from, f);
	store_rollup_day_format(to, t);
	store_rollup_day_format(to + 1, end);
	rc = store_rows(a, days_sql, DBP(DB_STR(f), DB_STR(t)), sizeof(*s->days),
		map_day, (void **)&s->days, &s->ndays);
	if (rc == 0)
		rc = db_query(a, total_sql, DBP(DB_STR(t)), &res);
	if (rc == 0 && res.nrows > 0)
		s->users_total = db_int(&res, 0, 0, 0);
	if (rc == 0)
		rc = store_rows(a, revenue_sql, DBP(DB_STR(f), DB_STR(t)),
			sizeof(*s->revenue), map_money, (void **)&s->revenue,
			&s->nrevenue);
	if (rc == 0)
		rc = store_rows(a, revenue_total_sql, DBP(DB_STR(f), DB_STR(t)),
			sizeof(*s->revenue_total), map_money,
			(void **)&s->revenue_total, &s->nrevenue_total);
	if (rc == 0)
		rc = store_rows(a, top_sql, DBP(DB_STR(f), DB_STR(t),
			DB_INT(STORE_AN_TOP_MAX)), sizeof(*s->top), map_ext,
			(void **)&s->top, &s->ntop);
	if (rc == 0)
		rc = store_rows(a, names_sql, DBP(DB_STR(f), DB_STR(t),
			DB_INT(STORE_AN_NAMES_MAX)), sizeof(*s->names), map_name,
			(void **)&s->names, &s->nnames);
	if (rc == 0)
		rc = db_query(a, open_sql, NULL, 0, &res);
	if (rc == 0 && res.nrows > 0)
		s->open_tickets = db_int(&res, 0, 0, 0);
	if (rc == 0)
		rc = median_first_response(a, f, end, s);
	return rc;
}

/* "YYYY-MM-DD HH:00:00" of hour number h. */
static void hour_format(int64_t h, char out[24])
{
	char day[11];

	store_rollup_day_format(h / 24, day);
	snprintf(out, 24, "%s %02d:00:00", day, (int)(h % 24));
}

int store_an_series(struct arena *a, const char *name, int hourly,
	int64_t first, int64_t last, struct store_an_point **pts, size_t *n)
{
	static const char day_all[] =
		"SELECT DATEDIFF(day, '1970-01-01'), SUM(count)"
		" FROM analytics_event_days WHERE day >= ? AND day <= ?"
		" GROUP BY day ORDER BY day";
	static const char day_one[] =
		"SELECT DATEDIFF(day, '1970-01-01'), count"
		" FROM analytics_event_days"
		" WHERE name = ? AND day >= ? AND day <= ? ORDER BY day";
	static const char hour_all[] =
		"SELECT TIMESTAMPDIFF(HOUR, '1970-01-01 00:00:00', hour),"
		" SUM(count) FROM analytics_event_hours"
		" WHERE hour >= ? AND hour <= ? GROUP BY hour ORDER BY hour";
	static const char hour_one[] =
		"SELECT TIMESTAMPDIFF(HOUR, '1970-01-01 00:00:00', hour), count"
		" FROM analytics_event_hours"
		" WHERE name = ? AND hour >= ? AND hour <= ? ORDER BY hour";
	char f[24], t[24];

	if (hourly) {
		hour_format(first, f);
		hour_format(last, t);
	} else {
		store_rollup_day_format(first, f);
		store_rollup_day_format(last, t);
	}
	if (name == NULL)
		return store_rows(a, hourly ? hour_all : day_all,
			DBP(DB_STR(f), DB_STR(t)), sizeof(**pts), map_point,
			(void **)pts, n);
	return store_rows(a, hourly ? hour_one : day_one,
		DBP(DB_STR(name), DB_STR(f), DB_STR(t)), sizeof(**pts),
		map_point, (void **)pts, n);
}
