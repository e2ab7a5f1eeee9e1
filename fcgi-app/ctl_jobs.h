/* devforgectl jobs run: the periodic work, one job at a time, each under
 * a MariaDB named lock (see ctl_jobs.c). */
#ifndef DF_CTL_JOBS_H
#define DF_CTL_JOBS_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct arena;
struct config;

/* One job: does its work as of now (clock_now() at its start) and says
 * what it did in detail (a short line, "" for nothing to say; recorded
 * in job_runs and printed). The arena is the job's own, reset before it
 * runs. 0, or a negative df_err (the run is recorded as failed, with
 * detail or the error's text). Each job must be idempotent and safe
 * against a runner on another host: the lock keeps two runs of one job
 * apart, but a job that dies halfway is run again from the start. */
typedef int (*ctl_job_fn)(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len);

struct ctl_jobs_opts {
	int once;            /* one pass, then exit (cron, timers, tests) */
	int help;            /* --help: print the usage, exit 0 */
	const char *only;    /* run this job alone; NULL: every job */
};

/* Parses the options after "jobs" from argv[*optind] on ("run" first, or
 * nothing: the older "jobs [--once]" still works), advancing *optind past
 * them. 0, or -1 with a message on stderr, -2 for an unknown job name
 * (the message names the jobs; no need for the whole usage). */
int ctl_jobs_parse(int argc, char **argv, int *optind,
	struct ctl_jobs_opts *o);

/* Prints the job names, one a line, indented, to f. */
void ctl_jobs_list(FILE *f);

/* Runs the command: exit status 0 when every job (--once) ran or was
 * skipped because another runner held it, 1 when a job failed or the
 * database could not be reached. Without --once it makes a pass every
 * 30 s until SIGTERM/SIGINT and then exits 0. */
int ctl_jobs_run(const struct config *cfg, const struct ctl_jobs_opts *o);

#endif
