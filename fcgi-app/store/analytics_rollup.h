/* SQL for the analytics rollups (migration 0034): the job that keeps
 * them, and the prunes of two logs that otherwise grow forever. */
#ifndef DF_STORE_ANALYTICS_ROLLUP_H
#define DF_STORE_ANALYTICS_ROLLUP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* What a rollup run did. */
struct store_rollup_tally {
	int64_t first_day, last_day;   /* days since 1970-01-01 recomputed */
	size_t days;                   /* how many */
	int backfill;                  /* 1: the first run, from the oldest
	                                  row of every source */
};

/* Recomputes every rollup for the UTC days from the day before the last
 * successful run's (or, the first time, from the oldest source row) up
 * to now's day, a few days per transaction: each day's rows are deleted
 * and summed again from the raw tables, so a rerun writes the same rows.
 * Then records now as the run's time. 0 or a negative df_err (the days
 * committed before a failure stay, and the next run does them again). */
DF_MUST_CHECK int store_rollup_run(struct arena *a, time_t now,
	struct store_rollup_tally *t);

/* Deletes up to max search_changes rows created more than keep_days
 * before now, never the newest row, recording the highest id removed in
 * search_log_state first (store_search_sync rebuilds an index behind
 * it). *n: rows deleted. */
DF_MUST_CHECK int store_search_log_prune(time_t now, unsigned keep_days,
	size_t max, size_t *n);

/* Deletes up to max extension_download_clients rows of days the
 * download flush can no longer count (older than the day before
 * yesterday, as its own prune). The per-day totals
 * (extension_download_days) are never touched. *n: rows deleted. */
DF_MUST_CHECK int store_download_clients_prune(time_t now, size_t max,
	size_t *n);

/* "YYYY-MM-DD" of days since 1970-01-01 into out (11 bytes). */
void store_rollup_day_format(int64_t day, char out[11]);

#endif
