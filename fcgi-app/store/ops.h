/* SQL behind the operations routes (integration validation, performance,
 * system) and the scrape-time series of GET /api/v1/metrics. */
#ifndef DF_STORE_OPS_H
#define DF_STORE_OPS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

/* Undelivered mail: how many, and the oldest one's age in seconds (0
 * when none). 0 or a db error. */
DF_MUST_CHECK int store_ops_outbox(int64_t *pending, int64_t *oldest_age_s);

/* The database's clock (NOW(6) in the session's UTC) as unix seconds. */
DF_MUST_CHECK int store_ops_db_clock(double *unix_s);

/* The server's version string (VERSION()), in the arena. */
DF_MUST_CHECK int store_ops_server_version(struct arena *a, char **out);

/* Jobs that have succeeded at least once: name and when the last success
 * finished (job_runs.last_ok_at, unix seconds). *out NULL when none. */
struct store_ops_job {
	char name[65];
	int64_t last_ok_unix;
};
DF_MUST_CHECK int store_ops_jobs(struct arena *a, struct store_ops_job **out,
	size_t *n);

/* The statements of this database with the highest mean time, from
 * performance_schema.events_statements_summary_by_digest (at most max).
 * DF_ENOTFOUND when performance_schema is off; a db error when it cannot
 * be read (no grant). Times in milliseconds. */
struct store_ops_stmt {
	const char *statement;
	int64_t calls;
	double avg_ms, max_ms, total_ms;
};
DF_MUST_CHECK int store_ops_slow_statements(struct arena *a, size_t max,
	struct store_ops_stmt **out, size_t *n);

#endif
