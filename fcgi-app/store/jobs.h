/* SQL for devforgectl jobs run: the MariaDB named lock each job runs
 * under, and its row in job_runs (one per job name: the last run).
 *
 * A named lock (GET_LOCK) belongs to the connection that took it, so the
 * jobs process takes it on its own connection and runs the job on the
 * same one; another host or process asking for it with a zero timeout
 * is told at once that it is taken and skips the job. The lock goes away
 * with the connection, so a runner that dies never leaves a job locked. */
#ifndef DF_STORE_JOBS_H
#define DF_STORE_JOBS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* Longest job name (the lock name "devforge.job.<name>" stays within
 * MariaDB's 64 characters) and detail kept (the column holds 500). */
#define STORE_JOBS_NAME_MAX 48
#define STORE_JOBS_DETAIL_MAX 500

/* Tries the lock "devforge.job.<name>" without waiting: *got 1 when this
 * connection now holds it, 0 when another session does. 0, DF_EINVAL
 * (name empty or too long), or a database error. */
DF_MUST_CHECK int store_jobs_lock(struct arena *a, const char *name,
	int *got);

/* Releases it: *held 1 when this connection still held it, 0 when it
 * did not (the connection was lost and made again during the job, so
 * the job ran unlocked for part of it). */
DF_MUST_CHECK int store_jobs_unlock(struct arena *a, const char *name,
	int *held);

/* The run began at t (unix seconds) + us microseconds: the job's row
 * gets started_at, and finished_at, ok and detail go NULL. */
DF_MUST_CHECK int store_jobs_started(const char *name, time_t t, long us);

/* The run ended at t + us: finished_at, ok (0/1), last_ok_at (= finished_at
 * when ok; a failure keeps the last success's), detail (cut to
 * STORE_JOBS_DETAIL_MAX bytes at a character boundary; NULL for none). */
DF_MUST_CHECK int store_jobs_finished(const char *name, time_t t, long us,
	int ok, const char *detail);

#endif
