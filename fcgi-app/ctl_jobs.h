/* devforgectl jobs: the licensing housekeeping (see ctl_jobs.c). */
#ifndef DF_CTL_JOBS_H
#define DF_CTL_JOBS_H

struct config;

struct ctl_jobs_opts {
	int once;            /* one pass, then exit (cron, tests) */
};

/* Parses the options after "jobs" from argv[*optind] on, advancing
 * *optind past them. 0, or -1 with a message on stderr. */
int ctl_jobs_parse(int argc, char **argv, int *optind,
	struct ctl_jobs_opts *o);

/* Runs the command: exit status 0 when the pass (--once) went through,
 * 1 when the database could not be reached or a batch failed (what it
 * held is rolled back and culled by a later pass). Without --once it
 * repeats until SIGTERM/SIGINT and then exits 0. */
int ctl_jobs_run(const struct config *cfg, const struct ctl_jobs_opts *o);

#endif
