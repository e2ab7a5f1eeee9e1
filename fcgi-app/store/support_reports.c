/* SQL for the support reports. Every measure is read over the span
 * [first day of from, first day after to) with the span bound as two
 * parameters, grouped in MariaDB, and put together here. Medians are
 * exact and computed in MariaDB without fetching every ticket: each
 * group's values numbered in order, the middle one (or the mean of the
 * middle two) kept. Not MEDIAN(): MariaDB 10.11's MEDIAN() OVER
 * (PARTITION BY ...) answered 100 s for {100, 300, 200, 1000} s
 * (test_support_reports caught it). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/support_reports.h"
#include "store/tx.h"

/* Seconds between a ticket's creation and its first public staff
 * reply, in microseconds so that sub-second replies count. */
#define FIRST_REPLY_US \
	"TIMESTAMPDIFF(MICROSECOND, t.created_at, t.first_replied_at)"

/* The exact median first reply (us) per value of the key expression,
 * over the tickets created in [?, ?) with a first reply: rows (key,
 * median). */
#define MEDIAN_BY(key) \
	"SELECT k, AVG(v) AS med FROM (SELECT " key " AS k, " FIRST_REPLY_US \
	" AS v, ROW_NUMBER() OVER (PARTITION BY " key " ORDER BY " \
	FIRST_REPLY_US ") AS rn, COUNT(*) OVER (PARTITION BY " key ") AS c" \
	" FROM support_tickets t WHERE t.first_replied_at IS NOT NULL" \
	" AND t.created_at >= ? AND t.created_at < ?) x" \
	" WHERE rn IN (FLOOR((c + 1) / 2), CEIL((c + 1) / 2)) GROUP BY k"

int store_sreport_period_parse(const char *s, int *period)
{
	int y, m;

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return DF_EINVAL;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return DF_EINVAL;
	y = atoi(s);
	m = atoi(s + 5);
	if (y < 1970 || m < 1 || m > 12)
		return DF_EINVAL;
	*period = y * 12 + m - 1;
	return 0;
}

void store_sreport_period_format(int period, char out[8])
{
	unsigned p = period > 0 ? (unsigned)period : 0;

	snprintf(out, 8, "%04u-%02u", p / 12 % 10000, p % 12 + 1);
}

/* The first instant of a period as DATETIME text. */
static void period_start(int period, char out[32])
{
	snprintf(out, 32, "%04d-%02d-01 00:00:00", period / 12 % 10000,
		period % 12 + 1);
}

/* The agent with id in r, added when new (cap is the room the caller
 * made); NULL when there is no room. */
static struct store_sreport_agent *agent_of(struct store_sreport *r,
	size_t cap, const struct db_result *res, size_t row)
{
	int64_t id = db_int(res, row, 0, 0);
	struct store_sreport_agent *g;

	for (size_t i = 0; i < r->nagents; i++)
		if (r->agents[i].id == id)
			return &r->agents[i];
	if (r->nagents == cap)
		return NULL;
	g = &r->agents[r->nagents++];
	memset(g, 0, sizeof(*g));
	g->id = id;
	db_str_copy(res, row, 1, g->public_id, sizeof(g->public_id));
	g->username = db_str(res, row, 2);
	return g;
}

static int agent_cmp(const void *x, const void *y)
{
	const struct store_sreport_agent *a = x, *b = y;

	return strcmp(a->username, b->username);
}

static int agents(struct arena *a, const char *lo, const char *hi,
	struct store_sreport *r)
{
	static const char solved[] =
		"SELECT t.assignee_id, u.public_id, u.username, COUNT(*)"
		" FROM support_tickets t JOIN users u ON u.id = t.assignee_id"
		" WHERE t.status IN ('resolved', 'closed')"
		" AND t.resolved_at >= ? AND t.resolved_at < ?"
		" GROUP BY t.assignee_id, u.public_id, u.username";
	static const char csat[] =
		"SELECT c.agent_id, u.public_id, u.username,"
		" SUM(c.rating = 'good'), SUM(c.rating = 'bad')"
		" FROM support_csat c JOIN users u ON u.id = c.agent_id"
		" WHERE c.answered_at >= ? AND c.answered_at < ?"
		" GROUP BY c.agent_id, u.public_id, u.username";
	static const char median[] =
		"SELECT m.k, u.public_id, u.username, m.med FROM ("
		MEDIAN_BY("t.assignee_id")
		") m JOIN users u ON u.id = m.k";
	struct db_result rs, rc_, rm;
	size_t cap;
	int rc;

	rc = db_query(a, solved, DBP(DB_STR(lo), DB_STR(hi)), &rs);
	if (rc == 0)
		rc = db_query(a, csat, DBP(DB_STR(lo), DB_STR(hi)), &rc_);
	if (rc == 0)
		rc = db_query(a, median, DBP(DB_STR(lo), DB_STR(hi)), &rm);
	if (rc != 0)
		return rc;
	cap = rs.nrows + rc_.nrows + rm.nrows;
	r->nagents = 0;
	r->agents = cap == 0 ? NULL : arena_calloc(a, cap, sizeof(*r->agents));
	if (cap > 0 && r->agents == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < rs.nrows; i++)
		agent_of(r, cap, &rs, i)->solved = db_int(&rs, i, 3, 0);
	for (size_t i = 0; i < rc_.nrows; i++) {
		struct store_sreport_agent *g = agent_of(r, cap, &rc_, i);

		g->good = db_int(&rc_, i, 3, 0);
		g->bad = db_int(&rc_, i, 4, 0);
	}
	for (size_t i = 0; i < rm.nrows; i++) {
		struct store_sreport_agent *g = agent_of(r, cap, &rm, i);
		const char *v = db_str(&rm, i, 3);

		if (v != NULL) {
			g->has_median = 1;
			g->median_s = strtod(v, NULL) / 1e6;
		}
	}
	if (r->nagents > 1)
		qsort(r->agents, r->nagents, sizeof(*r->agents), agent_cmp);
	return 0;
}

static struct store_sreport_month *month_of(struct store_sreport *r,
	const char *ym)
{
	int p;

	if (store_sreport_period_parse(ym, &p) != 0 || r->nmonths == 0 ||
	    p < r->months[0].period ||
	    p > r->months[r->nmonths - 1].period)
		return NULL;
	return &r->months[p - r->months[0].period];
}

/* A monthly count query's rows (kind, month, count) into the months'
 * fields: which field each kind names. Unknown kinds and months outside
 * the report are passed over. */
struct month_count {
	const char *kind;
	size_t field;               /* offsetof(struct store_sreport_month, ...) */
};

static const struct month_count ticket_counts[] = {
	{ "created", offsetof(struct store_sreport_month, created) },
	{ "solved", offsetof(struct store_sreport_month, solved) },
	{ "good", offsetof(struct store_sreport_month, good) },
	{ "bad", offsetof(struct store_sreport_month, bad) },
	{ "suggested", offsetof(struct store_sreport_month, suggested) },
	{ "deflected", offsetof(struct store_sreport_month, deflected) },
};

static const struct month_count assistant_counts[] = {
	{ "conversations",
	  offsetof(struct store_sreport_month, conversations) },
	{ "self_served", offsetof(struct store_sreport_month, self_served) },
	{ "escalated", offsetof(struct store_sreport_month, escalated) },
	{ "abandoned", offsetof(struct store_sreport_month, abandoned) },
};

static void fold_counts(const struct db_result *res, struct store_sreport *r,
	const struct month_count *map, size_t nmap)
{
	for (size_t i = 0; i < res->nrows; i++) {
		struct store_sreport_month *m = month_of(r, db_str(res, i, 1));
		const char *kind = db_str(res, i, 0);

		if (m == NULL || kind == NULL)
			continue;
		for (size_t k = 0; k < nmap; k++)
			if (strcmp(kind, map[k].kind) == 0) {
				*(int64_t *)(void *)((char *)m + map[k].field) =
					db_int(res, i, 2, 0);
				break;
			}
	}
}

static int months(struct arena *a, const char *lo, const char *hi,
	struct store_sreport *r)
{
	/* One pass for every monthly count: each branch labels its rows. */
#define MONTH(col) "DATE_FORMAT(" col ", '%Y-%m')"
	static const char counts[] =
		"SELECT 'created', " MONTH("created_at") ", COUNT(*)"
		" FROM support_tickets WHERE created_at >= ? AND created_at < ?"
		" GROUP BY 2"
		" UNION ALL SELECT 'solved', " MONTH("resolved_at") ", COUNT(*)"
		" FROM support_tickets WHERE status IN ('resolved', 'closed')"
		" AND resolved_at >= ? AND resolved_at < ? GROUP BY 2"
		" UNION ALL SELECT rating, " MONTH("answered_at") ", COUNT(*)"
		" FROM support_csat WHERE answered_at >= ? AND answered_at < ?"
		" GROUP BY 1, 2"
		" UNION ALL SELECT 'suggested', " MONTH("created_at") ", COUNT(*)"
		" FROM support_suggestions"
		" WHERE created_at >= ? AND created_at < ? GROUP BY 2"
		" UNION ALL SELECT 'deflected', " MONTH("solved_at") ", COUNT(*)"
		" FROM support_suggestions"
		" WHERE solved_at >= ? AND solved_at < ? GROUP BY 2";
	static const char median[] =
		MEDIAN_BY(MONTH("t.created_at"));
#undef MONTH
	struct db_result res;
	int rc;

	rc = db_query(a, counts, DBP(DB_STR(lo), DB_STR(hi), DB_STR(lo),
		DB_STR(hi), DB_STR(lo), DB_STR(hi), DB_STR(lo), DB_STR(hi),
		DB_STR(lo), DB_STR(hi)), &res);
	if (rc != 0)
		return rc;
	fold_counts(&res, r, ticket_counts,
		sizeof(ticket_counts) / sizeof(ticket_counts[0]));
	rc = db_query(a, median, DBP(DB_STR(lo), DB_STR(hi)), &res);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < res.nrows; i++) {
		struct store_sreport_month *m = month_of(r, db_str(&res, i, 0));
		const char *v = db_str(&res, i, 1);

		if (m != NULL && v != NULL) {
			m->has_median = 1;
			m->median_s = strtod(v, NULL) / 1e6;
		}
	}
	return 0;
}

/* The assistant's monthly measures: conversations by the month they
 * started, outcomes and the credited sources (top
 * STORE_SREPORT_SOURCES_MAX, ties by kind and slug or id) by the month
 * they ended. A source deleted since is left out of the top list (its
 * conversations still count as self-served). */
static int assistant_months(struct arena *a, const char *lo,
	const char *hi, struct store_sreport *r)
{
#define MONTH(col) "DATE_FORMAT(" col ", '%Y-%m')"
	static const char counts[] =
		"SELECT 'conversations', " MONTH("created_at") ", COUNT(*)"
		" FROM assistant_conversations"
		" WHERE created_at >= ? AND created_at < ? GROUP BY 2"
		" UNION ALL SELECT status, " MONTH("ended_at") ", COUNT(*)"
		" FROM assistant_conversations"
		" WHERE status IN ('self_served', 'escalated', 'abandoned')"
		" AND ended_at >= ? AND ended_at < ? GROUP BY 1, 2";
	static const char sources[] =
		"SELECT m, kind, sid, title, n FROM ("
		" SELECT x.m, x.kind, COALESCE(k.slug,"
		" CONVERT(t.public_id USING utf8mb4)) AS sid,"
		" COALESCE(k.title, t.title) AS title, x.n,"
		" ROW_NUMBER() OVER (PARTITION BY x.m ORDER BY x.n DESC, x.kind,"
		" COALESCE(k.slug, CONVERT(t.public_id USING utf8mb4))) AS rn"
		" FROM (SELECT " MONTH("ended_at") " AS m, resolved_kind AS kind,"
		" resolved_source_id AS src, COUNT(*) AS n"
		" FROM assistant_conversations WHERE status = 'self_served'"
		" AND resolved_source_id IS NOT NULL"
		" AND ended_at >= ? AND ended_at < ? GROUP BY 1, 2, 3) x"
		" LEFT JOIN kb_articles k ON x.kind = 'kb' AND k.id = x.src"
		" LEFT JOIN forum_threads t ON x.kind = 'forum' AND t.id = x.src"
		" WHERE k.id IS NOT NULL OR t.id IS NOT NULL) y"
		" WHERE rn <= ? ORDER BY m, rn";
#undef MONTH
	struct db_result res;
	int rc;

	rc = db_query(a, counts, DBP(DB_STR(lo), DB_STR(hi), DB_STR(lo),
		DB_STR(hi)), &res);
	if (rc != 0)
		return rc;
	fold_counts(&res, r, assistant_counts,
		sizeof(assistant_counts) / sizeof(assistant_counts[0]));
	rc = db_query(a, sources, DBP(DB_STR(lo), DB_STR(hi),
		DB_INT(STORE_SREPORT_SOURCES_MAX)), &res);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < res.nrows; i++) {
		struct store_sreport_month *m = month_of(r, db_str(&res, i, 0));
		struct store_sreport_source *s;

		if (m == NULL || m->nsources == STORE_SREPORT_SOURCES_MAX)
			continue;
		s = &m->sources[m->nsources++];
		s->kind = db_str(&res, i, 1);
		s->slug_or_id = db_str(&res, i, 2);
		s->title = db_str(&res, i, 3);
		s->resolved = db_int(&res, i, 4, 0);
	}
	return 0;
}

static void article_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_sreport_article *o = out;

	o->slug = db_str(res, row, 0);
	o->title = db_str(res, row, 1);
	o->resolved = db_int(res, row, 2, 0);
}

int store_sreport_build(struct arena *a, int from, int to,
	struct store_sreport *out)
{
	static const char articles[] =
		"SELECT k.slug, k.title, COUNT(*) FROM support_suggestions s"
		" JOIN kb_articles k ON k.id = s.solved_article_id"
		" WHERE s.solved_at >= ? AND s.solved_at < ?"
		" GROUP BY k.id, k.slug, k.title ORDER BY 3 DESC, k.slug LIMIT ?";
	char lo[32], hi[32];
	void *rows;
	int rc;

	memset(out, 0, sizeof(*out));
	if (from > to)
		return DF_EINVAL;
	period_start(from, lo);
	period_start(to + 1, hi);
	out->nmonths = (size_t)(to - from + 1);
	out->months = arena_calloc(a, out->nmonths, sizeof(*out->months));
	if (out->months == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < out->nmonths; i++)
		out->months[i].period = from + (int)i;
	rc = agents(a, lo, hi, out);
	if (rc == 0)
		rc = months(a, lo, hi, out);
	if (rc == 0)
		rc = assistant_months(a, lo, hi, out);
	if (rc != 0)
		return rc;
	rc = store_rows(a, articles, DBP(DB_STR(lo), DB_STR(hi),
		DB_INT(STORE_SREPORT_ARTICLES_MAX)), sizeof(*out->articles),
		article_from_row, &rows, &out->narticles);
	out->articles = rows;
	return rc;
}
