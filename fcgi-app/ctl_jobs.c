/* devforgectl jobs: culls floating machines that stopped sending
 * heartbeats (store/license_cull.h says the rule), each with a
 * license.machine_culled event for its licence owner. The clock is
 * clock_now(), so a test runs one pass "in the future" with
 * DEVFORGE_CLOCK_OFFSET_SECONDS set for this process only. With --once
 * it makes one pass (for cron); without, it keeps polling until
 * SIGTERM/SIGINT. Several runners at once are safe: each machine is
 * locked with SKIP LOCKED and checked again before it is culled. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "ctl_loop.h"
#include "ctl_jobs.h"
#include "db.h"
#include "err.h"
#include "store/license_cull.h"

#define JOBS_BATCH 100              /* machines per transaction */
#define JOBS_POLL_S 30              /* between passes: a fraction of the
                                       least heartbeat window (60 s) */



int ctl_jobs_parse(int argc, char **argv, int *optind,
	struct ctl_jobs_opts *o)
{
	o->once = 0;
	while (*optind < argc) {
		if (strcmp(argv[*optind], "--once") == 0) {
			o->once = 1;
			(*optind)++;
			continue;
		}
		fprintf(stderr, "devforgectl: jobs: unknown option '%s'\n",
			argv[*optind]);
		return -1;
	}
	return 0;
}

/* One pass over every machine due at the clock of its start. 0, or the
 * database error that ended it. */
static int pass(struct arena *a, struct store_cull_tally *t)
{
	time_t now = clock_now();
	int64_t cursor = 0;

	while (!ctl_loop_stopped()) {
		size_t n;
		int rc;

		arena_reset(a);
		rc = store_cull_batch(a, now, JOBS_BATCH, &cursor, &n, t);
		if (rc != 0) {
			fprintf(stderr, "devforgectl: jobs: the cull failed: %s\n",
				df_strerror(rc));
			return rc;
		}
		if (n < JOBS_BATCH)
			break;
	}
	return 0;
}

int ctl_jobs_run(const struct config *cfg, const struct ctl_jobs_opts *o)
{
	struct store_cull_tally t = { 0 };
	struct arena *a;
	int rc = 0;

	ctl_loop_signals();
	a = arena_new(65536);
	if (a == NULL || db_init(cfg) != 0) {
		fprintf(stderr, "devforgectl: out of memory\n");
		arena_free(a);
		return 1;
	}
	if (o->once) {
		if (db_connect() != 0) {
			fprintf(stderr, "devforgectl: cannot connect to database "
				"'%s' (see the message above)\n", cfg->db_name);
			rc = DF_EDBDOWN;
		} else {
			rc = pass(a, &t);
		}
	} else {
		/* A service: a database outage is waited out, not fatal. */
		while (!ctl_loop_stopped()) {
			struct store_cull_tally before = t;

			pass(a, &t);
			if (t.freed != before.freed || t.kept != before.kept)
				printf("jobs: culled %zu (seats freed %zu, kept %zu)\n",
					t.freed + t.kept - before.freed - before.kept,
					t.freed - before.freed, t.kept - before.kept);
			fflush(stdout);
			ctl_loop_idle(JOBS_POLL_S);
		}
	}
	db_close();
	arena_free(a);
	printf("jobs: %zu machines culled (%zu seats freed, %zu kept), "
		"%zu skipped\n", t.freed + t.kept, t.freed, t.kept, t.skipped);
	if (!o->once)
		return 0;
	return rc != 0 ? 1 : 0;
}
