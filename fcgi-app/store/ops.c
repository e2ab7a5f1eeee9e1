/* SQL behind the operations routes and the metrics scrape. */
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/ops.h"
#include "store/tx.h"

/* Runs sql, a single row and no parameters, in an arena of its own (the
 * scrape and the validate checks have no request arena to lend), and
 * hands the row to read. */
static int one_row(const char *sql, int (*read)(const struct db_result *r,
	void *out), void *out)
{
	struct arena *a = arena_new(1024);
	struct db_result r;
	int rc;

	if (a == NULL)
		return DF_ENOMEM;
	rc = db_query(a, sql, NULL, 0, &r);
	if (rc == 0)
		rc = read(&r, out);
	arena_free(a);
	return rc;
}

static int read_outbox(const struct db_result *r, void *out)
{
	int64_t *v = out;

	v[0] = db_int(r, 0, 0, 0);
	v[1] = db_int(r, 0, 1, 0);
	return 0;
}

int store_ops_outbox(int64_t *pending, int64_t *oldest_age_s)
{
	static const char sql[] =
		"SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(created_at),"
		" UTC_TIMESTAMP(6)), 0) FROM mail_outbox WHERE sent_at IS NULL";
	int64_t v[2];
	int rc = one_row(sql, read_outbox, v);

	if (rc == 0) {
		*pending = v[0];
		*oldest_age_s = v[1];
	}
	return rc;
}

static int read_clock(const struct db_result *r, void *out)
{
	const char *s = db_str(r, 0, 0);

	if (s == NULL)
		return DF_EDB;
	*(double *)out = strtod(s, NULL);
	return 0;
}

int store_ops_db_clock(double *unix_s)
{
	return one_row("SELECT UNIX_TIMESTAMP(NOW(6))", read_clock, unix_s);
}

int store_ops_server_version(struct arena *a, char **out)
{
	struct db_result r;
	const char *s;
	int rc = db_query(a, "SELECT VERSION()", NULL, 0, &r);

	if (rc != 0)
		return rc;
	s = db_str(&r, 0, 0);
	*out = arena_strdup(a, s != NULL ? s : "");
	return *out != NULL ? 0 : DF_ENOMEM;
}

static void job_row(const struct db_result *r, size_t row, void *out)
{
	struct store_ops_job *j = out;

	db_str_copy(r, row, 0, j->name, sizeof(j->name));
	j->last_ok_unix = db_int(r, row, 1, 0);
}

int store_ops_jobs(struct arena *a, struct store_ops_job **out, size_t *n)
{
	static const char sql[] =
		"SELECT name, UNIX_TIMESTAMP(last_ok_at) DIV 1 FROM job_runs"
		" WHERE last_ok_at IS NOT NULL ORDER BY name";

	return store_rows(a, sql, NULL, 0, sizeof(struct store_ops_job),
		job_row, (void **)out, n);
}

/* Timer columns are picoseconds. */
static void stmt_row(const struct db_result *r, size_t row, void *out)
{
	struct store_ops_stmt *s = out;
	const char *v;

	s->statement = db_str(r, row, 0);
	if (s->statement == NULL)
		s->statement = "";
	s->calls = db_int(r, row, 1, 0);
	v = db_str(r, row, 2);
	s->avg_ms = v != NULL ? strtod(v, NULL) / 1e9 : 0;
	v = db_str(r, row, 3);
	s->max_ms = v != NULL ? strtod(v, NULL) / 1e9 : 0;
	v = db_str(r, row, 4);
	s->total_ms = v != NULL ? strtod(v, NULL) / 1e9 : 0;
}

int store_ops_slow_statements(struct arena *a, size_t max,
	struct store_ops_stmt **out, size_t *n)
{
	static const char on_sql[] = "SELECT @@GLOBAL.performance_schema";
	static const char sql[] =
		"SELECT DIGEST_TEXT, COUNT_STAR, AVG_TIMER_WAIT, MAX_TIMER_WAIT,"
		" SUM_TIMER_WAIT"
		" FROM performance_schema.events_statements_summary_by_digest"
		" WHERE SCHEMA_NAME = DATABASE() AND DIGEST_TEXT IS NOT NULL"
		" ORDER BY AVG_TIMER_WAIT DESC LIMIT ?";
	int64_t on = 0;
	int rc = store_number(on_sql, &on);

	*out = NULL;
	*n = 0;
	if (rc != 0)
		return rc;
	if (!on)
		return DF_ENOTFOUND;
	return store_rows(a, sql, DBP(DB_INT(max)), sizeof(struct store_ops_stmt),
		stmt_row, (void **)out, n);
}
