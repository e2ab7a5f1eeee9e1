/* SQL for the analytics rollups (migration 0034) and the log prunes.
 *
 * A run recomputes whole UTC days: each day's rollup rows are deleted
 * and summed again from the raw tables in one transaction, so a rerun
 * (or two runs over the same day) writes the same rows, and a row that
 * committed late (a batch stamped 23:59:59.9 committed after midnight)
 * is counted by the next run, which always redoes the previous day. The
 * raw reads are ranges of indexed stamps (analytics_events.received_at,
 * users.created_at, ledger_entries.created_at,
 * extension_download_days.day), half-open [day, next day). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/analytics_rollup.h"
#include "store/tx.h"

/* Days per transaction: a backfill of years commits as it goes, and no
 * statement scans more than a week of events (the statement bound). */
#define CHUNK_DAYS 7
#define NO_DAY ((int64_t)1 << 40)

void store_rollup_day_format(int64_t day, char out[11])
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}

/* The first column of the first row as a number, dflt when there is no
 * row or it is NULL. */
static int number_or(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, int64_t dflt, int64_t *out)
{
	struct db_result res;
	int rc = db_query(a, sql, p, np, &res);

	if (rc != 0)
		return rc;
	*out = res.nrows > 0 ? db_int(&res, 0, 0, dflt) : dflt;
	return 0;
}

/* users_total of the days [from, end): the users created before from,
 * then each day's new users added. */
static int users_totals(struct arena *a, const char *from, const char *end)
{
	static const char base_sql[] =
		"SELECT COUNT(*) FROM users WHERE created_at < ?";
	static const char days_sql[] =
		"SELECT DATE_FORMAT(day, '%Y-%m-%d'), new_users FROM analytics_days"
		" WHERE day >= ? AND day < ? ORDER BY day";
	static const char set_sql[] =
		"UPDATE analytics_days SET users_total = ? WHERE day = ?";
	struct db_result res;
	int64_t total;
	int rc;

	rc = number_or(a, base_sql, DBP(DB_STR(from)), 0, &total);
	if (rc == 0)
		rc = db_query(a, days_sql, DBP(DB_STR(from), DB_STR(end)), &res);
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		total += db_int(&res, i, 1, 0);
		rc = db_exec(set_sql, DBP(DB_INT(total),
			DB_STR(db_str(&res, i, 0))), NULL, NULL);
	}
	return rc;
}

/* Recomputes the days [first, last] in the current transaction. */
static int recompute(struct arena *a, int64_t first, int64_t last)
{
	static const char *const deletes[] = {
		"DELETE FROM analytics_event_days WHERE day >= ? AND day < ?",
		"DELETE FROM analytics_event_hours WHERE hour >= ? AND hour < ?",
		"DELETE FROM analytics_days WHERE day >= ? AND day < ?",
		"DELETE FROM analytics_revenue_days WHERE day >= ? AND day < ?",
		"DELETE FROM analytics_extension_days WHERE day >= ? AND day < ?",
	};
	static const char day_sql[] =
		"INSERT INTO analytics_days (day) VALUES (?)";
	/* Each reads [from, end) of its source. */
	static const char *const sums[] = {
		"INSERT INTO analytics_event_days (day, name, count)"
		" SELECT DATE(received_at), name, COUNT(*) FROM analytics_events"
		" WHERE received_at >= ? AND received_at < ?"
		" GROUP BY DATE(received_at), name",

		"INSERT INTO analytics_event_hours (hour, name, count)"
		" SELECT DATE_FORMAT(received_at, '%Y-%m-%d %H:00:00'), name,"
		"  COUNT(*) FROM analytics_events"
		" WHERE received_at >= ? AND received_at < ?"
		" GROUP BY DATE_FORMAT(received_at, '%Y-%m-%d %H:00:00'), name",

		"INSERT INTO analytics_days (day, events)"
		" SELECT day, SUM(count) FROM analytics_event_days"
		" WHERE day >= ? AND day < ? GROUP BY day"
		" ON DUPLICATE KEY UPDATE events = VALUES(events)",

		"INSERT INTO analytics_days (day, daily_active)"
		" SELECT DATE(received_at), COUNT(DISTINCT user_id)"
		" FROM analytics_events"
		" WHERE received_at >= ? AND received_at < ?"
		"  AND user_id IS NOT NULL GROUP BY DATE(received_at)"
		" ON DUPLICATE KEY UPDATE daily_active = VALUES(daily_active)",

		"INSERT INTO analytics_days (day, new_users)"
		" SELECT DATE(created_at), COUNT(*) FROM users"
		" WHERE created_at >= ? AND created_at < ?"
		" GROUP BY DATE(created_at)"
		" ON DUPLICATE KEY UPDATE new_users = VALUES(new_users)",

		"INSERT INTO analytics_days (day, downloads)"
		" SELECT day, SUM(total) FROM extension_download_days"
		" WHERE day >= ? AND day < ? GROUP BY day"
		" ON DUPLICATE KEY UPDATE downloads = VALUES(downloads)",

		"INSERT INTO analytics_extension_days (day, extension_id, downloads)"
		" SELECT d.day, v.extension_id, SUM(d.total)"
		" FROM extension_download_days d"
		" JOIN extension_versions v ON v.id = d.version_id"
		" WHERE d.day >= ? AND d.day < ? GROUP BY d.day, v.extension_id",

		/* The ledger's gross: refunds and lost disputes are negative
		 * rows on the day they happened. */
		"INSERT INTO analytics_revenue_days (day, currency, amount)"
		" SELECT DATE(created_at), currency, SUM(gross)"
		" FROM ledger_entries WHERE created_at >= ? AND created_at < ?"
		" GROUP BY DATE(created_at), currency",
	};
	char from[11], end[11];
	int rc = 0;

	store_rollup_day_format(first, from);
	store_rollup_day_format(last + 1, end);
	for (size_t i = 0; rc == 0 && i < sizeof(deletes) / sizeof(*deletes); i++)
		rc = db_exec(deletes[i], DBP(DB_STR(from), DB_STR(end)), NULL,
			NULL);
	/* Every day gets its row, zeros included: a day without activity
	 * is a fact the summary shows. */
	for (int64_t d = first; rc == 0 && d <= last; d++) {
		char day[11];

		store_rollup_day_format(d, day);
		rc = db_exec(day_sql, DBP(DB_STR(day)), NULL, NULL);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(sums) / sizeof(*sums); i++)
		rc = db_exec(sums[i], DBP(DB_STR(from), DB_STR(end)), NULL, NULL);
	if (rc == 0)
		rc = users_totals(a, from, end);
	return rc;
}

int store_rollup_run(struct arena *a, time_t now,
	struct store_rollup_tally *t)
{
	static const char ran_sql[] =
		"SELECT DATEDIFF(ran_at, '1970-01-01') FROM analytics_rollup_state"
		" WHERE id = 1 AND ran_at IS NOT NULL";
	/* The oldest day any source has a row for. */
	static const char oldest_sql[] =
		"SELECT DATEDIFF(LEAST("
		" COALESCE((SELECT MIN(received_at) FROM analytics_events),"
		"  '9999-12-31'),"
		" COALESCE((SELECT MIN(created_at) FROM users), '9999-12-31'),"
		" COALESCE((SELECT MIN(created_at) FROM ledger_entries),"
		"  '9999-12-31'),"
		" COALESCE((SELECT MIN(day) FROM extension_download_days),"
		"  '9999-12-31')), '1970-01-01')";
	static const char done_sql[] =
		"UPDATE analytics_rollup_state SET ran_at = ? WHERE id = 1";
	int64_t today = (int64_t)now / 86400, ran, first;
	char stamp[32];
	struct tm tm;
	time_t tt = now;
	int rc;

	*t = (struct store_rollup_tally){ 0 };
	rc = number_or(a, ran_sql, NULL, 0, NO_DAY, &ran);
	if (rc != 0)
		return rc;
	if (ran == NO_DAY) {
		t->backfill = 1;
		rc = number_or(a, oldest_sql, NULL, 0, today, &first);
		if (rc != 0)
			return rc;
	} else {
		first = ran - 1;
	}
	/* At least the current and the previous day, every run. */
	if (first > today - 1)
		first = today - 1;
	if (first < 0)
		first = 0;
	t->first_day = first;
	for (int64_t d = first; d <= today; d += CHUNK_DAYS) {
		int64_t last = d + CHUNK_DAYS - 1 < today ? d + CHUNK_DAYS - 1 :
			today;

		arena_reset(a);
		rc = db_begin();
		if (rc != 0)
			return rc;
		rc = store_tx_end(recompute(a, d, last));
		if (rc != 0)
			return rc;
		t->last_day = last;
		t->days += (size_t)(last - d + 1);
	}
	if (gmtime_r(&tt, &tm) == NULL)
		return DF_EINTERNAL;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	return db_exec(done_sql, DBP(DB_STR(stamp)), NULL, NULL);
}

int store_search_log_prune(time_t now, unsigned keep_days, size_t max,
	size_t *n)
{
	/* The highest id of the oldest max rows past the cut, never the
	 * newest row: the log's MAX(id) is every host's target, and a log
	 * emptied to nothing would read as 0. */
	static const char upto_sql[] =
		"SELECT COALESCE(MAX(id), 0) FROM (SELECT id FROM search_changes"
		" WHERE created_at < ?"
		"  AND id < (SELECT MAX(id) FROM search_changes)"
		" ORDER BY id LIMIT ?) t";
	static const char mark_sql[] =
		"UPDATE search_log_state"
		" SET pruned_through = GREATEST(pruned_through, ?) WHERE id = 1";
	static const char del_sql[] =
		"DELETE FROM search_changes WHERE id <= ?";
	struct arena *a;
	time_t cut = now - (time_t)keep_days * 86400;
	char stamp[32];
	struct tm tm;
	int64_t upto = 0;
	uint64_t deleted = 0;
	int rc;

	*n = 0;
	if (gmtime_r(&cut, &tm) == NULL)
		return DF_EINTERNAL;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	a = arena_new(4096);
	if (a == NULL)
		return DF_ENOMEM;
	rc = number_or(a, upto_sql, DBP(DB_STR(stamp), DB_INT(max)), 0, &upto);
	arena_free(a);
	if (rc != 0 || upto <= 0)
		return rc;
	/* The mark first, in the same transaction: no host can see the
	 * hole without seeing the mark that makes it rebuild. */
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_exec(mark_sql, DBP(DB_INT(upto)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(del_sql, DBP(DB_INT(upto)), &deleted, NULL);
	rc = store_tx_end(rc);
	if (rc == 0)
		*n = (size_t)deleted;
	return rc;
}

int store_download_clients_prune(time_t now, size_t max, size_t *n)
{
	/* Uniqueness is per version and day, and the flush writes only
	 * today's and yesterday's downloads: older hashes can never match
	 * again. The day index serves the range. */
	static const char sql[] =
		"DELETE FROM extension_download_clients WHERE day < ? LIMIT ?";
	char day[11];
	uint64_t deleted = 0;
	int rc;

	store_rollup_day_format((int64_t)now / 86400 - 2, day);
	rc = db_exec(sql, DBP(DB_STR(day), DB_INT(max)), &deleted, NULL);
	*n = rc == 0 ? (size_t)deleted : 0;
	return rc;
}
