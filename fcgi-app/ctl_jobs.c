/* devforgectl jobs run: the periodic work of the site, as a table of
 * jobs run one after the other. Each job runs under the MariaDB named
 * lock "devforge.job.<name>" taken with a zero timeout on this process's
 * connection, so runners on several hosts (a timer on each) never run
 * one job twice at once: the one that does not get the lock skips the
 * job and says so, it does not wait. Each run is recorded in job_runs
 * (started_at, finished_at, ok, detail). The clock is clock_now(), so a
 * test runs one pass "in the future" with DEVFORGE_CLOCK_OFFSET_SECONDS
 * set for this process only. With --once it makes one pass (cron, the
 * systemd timer); without, a pass every 30 s until SIGTERM/SIGINT. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "ctl_jobs.h"
#include "ctl_loop.h"
#include "ctl_mail.h"
#include "db.h"
#include "err.h"
#include "shm.h"
#include "store/jobs.h"
#include "store/license_cull.h"
#include "store/purge.h"
#include "store/sla.h"
#include "store/tickets.h"
#include "store/csat.h"
#include "store/forum_trust.h"
#include "store/assist_index.h"
#include "store/assist_outcomes.h"
#include "store/analytics_rollup.h"

#define JOBS_POLL_S 30              /* between passes: a fraction of the
                                       least heartbeat window (60 s) */
#define CULL_BATCH 100              /* machines per transaction */
#define MAIL_JOB_LIMIT 1000         /* messages per mail-send run */
#define PURGE_BATCH 500             /* rows per DELETE */
#define AUTOCLOSE_BATCH 100         /* tickets per transaction */
#define SLA_BREACH_BATCH 200        /* targets per transaction */

/* One batch of a job: up to max items with the arena a, *n of them
 * done (what the store committed, also when it fails part way). */
typedef int (*batch_fn)(struct arena *a, void *ctx, size_t max, size_t *n);

/* Runs fn a batch of max at a time, the arena reset before each, until
 * a batch comes back short, one fails or the runner is told to stop.
 * *total: the items done, a failed batch's included. */
static int run_batches(struct arena *a, size_t max, batch_fn fn, void *ctx,
	size_t *total)
{
	size_t n = max;
	int rc = 0;

	*total = 0;
	/* >=: a prune may delete a few more than max (search_log_prune
	 * deletes up to an id), and that still means more may be left. */
	while (n >= max && !ctl_loop_stopped()) {
		arena_reset(a);
		rc = fn(a, ctx, max, &n);
		*total += n;
		if (rc != 0)
			break;
	}
	return rc;
}

/* license-cull: floating machines silent past their plan's heartbeat
 * window (store/license_cull.h says the rule), each one locked with SKIP
 * LOCKED and checked again before it is culled. */
static int job_license_cull(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct store_cull_tally t = { 0 };
	int64_t cursor = 0;
	int rc = 0;

	(void)cfg;
	while (!ctl_loop_stopped()) {
		size_t n;

		arena_reset(a);
		rc = store_cull_batch(a, now, CULL_BATCH, &cursor, &n, &t);
		if (rc != 0 || n < CULL_BATCH)
			break;
	}
	snprintf(detail, len, "%zu machines culled (%zu seats freed, %zu "
		"kept), %zu skipped", t.freed + t.kept, t.freed, t.kept,
		t.skipped);
	return rc;
}

/* mail-send: one delivery pass over the outbox, as devforgectl mail-send
 * --once makes it. A failed delivery stays queued (retried with backoff)
 * and fails the run, so job_runs shows it. */
static int job_mail_send(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct ctl_mail_tally t = { 0 };
	int rc;

	(void)now;   /* the outbox keeps the database's clock */
	rc = ctl_mail_pass(cfg, a, MAIL_JOB_LIMIT, &t);
	snprintf(detail, len, "%u sent, %u failed", t.sent, t.failed);
	if (rc == 0 && (t.failed > 0 || t.lost_marks > 0))
		rc = DF_EIO;
	return rc;
}

/* purge-tokens: account tokens nobody can use any more
 * (store/purge.h), a batch at a time. */
static int job_purge_tokens(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct store_purge_tally t = { 0 };
	int more = 1, rc = 0;

	(void)a;
	(void)cfg;
	while (more && !ctl_loop_stopped()) {
		rc = store_purge_tokens_batch(now, PURGE_BATCH, &t, &more);
		if (rc != 0)
			break;
	}
	snprintf(detail, len, "%llu user tokens, %llu refresh tokens deleted",
		(unsigned long long)t.user_tokens,
		(unsigned long long)t.refresh_tokens);
	return rc;
}

/* tickets-autoclose: resolved tickets close support_autoclose_days after
 * their resolution (store_tickets_autoclose_batch: SKIP LOCKED, and the
 * status checked again in the UPDATE, so a reply that reopens one
 * first wins). */
static int job_tickets_autoclose(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	size_t total = 0, n = AUTOCLOSE_BATCH;
	int rc = 0;

	while (n == AUTOCLOSE_BATCH && !ctl_loop_stopped()) {
		arena_reset(a);
		rc = store_tickets_autoclose_batch(a, now,
			cfg->support_autoclose_days, AUTOCLOSE_BATCH, &n);
		if (rc != 0)
			break;
		total += n;
	}
	snprintf(detail, len, "%zu tickets closed (resolved over %u days ago)",
		total, cfg->support_autoclose_days);
	return rc;
}

/* sla-breach: running SLA targets past their due time are marked
 * breached, each with an audit row (store_sla_breach_batch: SKIP LOCKED,
 * never twice). Each one marked counts in the workers' shared segment:
 * devforge_support_sla_breaches_total on /metrics. */
static int job_sla_breach(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	size_t total = 0, n = SLA_BREACH_BATCH;
	int rc = 0;

	(void)cfg;
	while (n == SLA_BREACH_BATCH && !ctl_loop_stopped()) {
		arena_reset(a);
		rc = store_sla_breach_batch(a, now, SLA_BREACH_BATCH, &n);
		if (rc != 0)
			break;
		total += n;
		/* Counted per committed batch: a later batch's failure does
		 * not undo these. */
		shm_count(SHM_C_SLA_BREACHES, n);
	}
	snprintf(detail, len, "%zu SLA targets marked breached%s", total,
		shm_current == NULL ? " (no shared segment: not counted in "
		"/metrics)" : "");
	return rc;
}

/* csat-send: the satisfaction survey of each ticket resolved 24 h ago
 * (store_csat_send_batch: one survey per ticket, decided by its row's
 * primary key, so two runners send one), mailed through the outbox. */
#define CSAT_BATCH 100
struct csat_ctx {
	const char *public_url;
	time_t now;
};

static int csat_batch(struct arena *a, void *ctx, size_t max, size_t *n)
{
	const struct csat_ctx *c = ctx;

	return store_csat_send_batch(a, c->public_url, c->now, max, n);
}

static int job_csat_send(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct csat_ctx c = { cfg->public_url, now };
	size_t total;
	int rc;

	rc = run_batches(a, CSAT_BATCH, csat_batch, &c, &total);
	snprintf(detail, len, "%zu surveys sent", total);
	return rc;
}

/* forum-trust: raises the trust level of every forum user whose
 * activity now earns more (level 3 looks at the last 100 days, which
 * only this pass sees move), a batch of users per transaction. Levels
 * are not lowered; locked ones are left alone. */
#define FORUM_TRUST_BATCH 200
struct trust_ctx {
	time_t now;
	int64_t after;               /* the last user done */
	size_t up;                   /* promoted so far */
};

static int trust_batch(struct arena *a, void *ctx, size_t max, size_t *n)
{
	struct trust_ctx *c = ctx;
	size_t p = 0;
	int rc;

	rc = store_forum_trust_batch(a, c->now, max, &c->after, n, &p);
	c->up += p;
	return rc;
}

static int job_forum_trust(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct trust_ctx c = { now, 0, 0 };
	size_t total;
	int rc;

	(void)cfg;
	rc = run_batches(a, FORUM_TRUST_BATCH, trust_batch, &c, &total);
	snprintf(detail, len, "%zu forum users looked at, %zu promoted", total,
		c.up);
	return rc;
}

/* assistant-index: the assistant's passages of every source marked
 * since (store_assist_mark), in batches; each answer rebuilds a few
 * itself, so this only keeps a burst of edits from landing on one
 * answer. */
#define ASSIST_INDEX_BATCH 100
static int job_assistant_index(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	size_t total = 0, n = ASSIST_INDEX_BATCH;
	int rc = 0;

	(void)cfg;
	while (n > 0 && !ctl_loop_stopped()) {
		arena_reset(a);
		rc = store_assist_reindex_dirty(a, ASSIST_INDEX_BATCH, now, &n);
		if (rc != 0)
			break;
		total += n;
	}
	snprintf(detail, len, "%zu assistant sources re-indexed", total);
	return rc;
}

/* assistant-abandon: open assistant conversations with no message for
 * assistant_abandon_minutes end as abandoned (they count against the
 * deflection rate in the staff reports). SKIP LOCKED, and the idle test
 * again in the UPDATE, so a message that arrives meanwhile wins. */
#define ABANDON_BATCH 200
struct abandon_ctx {
	time_t now;
	unsigned minutes;
};

/* A failed batch rolled back and reports 0 (store_assist_abandon_batch). */
static int abandon_batch(struct arena *a, void *ctx, size_t max, size_t *n)
{
	const struct abandon_ctx *c = ctx;

	return store_assist_abandon_batch(a, c->now, c->minutes, max, n);
}

static int job_assistant_abandon(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct abandon_ctx c = { now, cfg->assistant_abandon_minutes };
	size_t total;
	int rc;

	rc = run_batches(a, ABANDON_BATCH, abandon_batch, &c, &total);
	snprintf(detail, len, "%zu conversations abandoned (idle %u minutes)",
		total, cfg->assistant_abandon_minutes);
	return rc;
}

/* analytics-rollup: the admin analytics' daily and hourly rollups
 * (store/analytics_rollup.h), recomputed for the days since the last
 * run (at least today and yesterday; everything the first time). */
static int job_analytics_rollup(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct store_rollup_tally t;
	char first[11], last[11];
	int rc;

	(void)cfg;
	rc = store_rollup_run(a, now, &t);
	store_rollup_day_format(t.first_day, first);
	store_rollup_day_format(t.last_day, last);
	if (t.days > 0)
		snprintf(detail, len, "%zu days recomputed (%s to %s)%s", t.days,
			first, last, t.backfill ? ", first run: backfilled" : "");
	else
		snprintf(detail, len, "no day recomputed");
	return rc;
}

/* search-log-prune: search_changes rows older than
 * search_changes_keep_days (each host's position is in its own index,
 * which the database cannot see; a host behind the pruned part
 * rebuilds its index), a batch per transaction. */
#define PRUNE_BATCH 1000
struct prune_ctx {
	time_t now;
	unsigned keep_days;
};

/* Both prunes report 0 for a failed batch (it rolled back). */
static int search_prune_batch(struct arena *a, void *ctx, size_t max,
	size_t *n)
{
	const struct prune_ctx *c = ctx;

	(void)a;
	return store_search_log_prune(c->now, c->keep_days, max, n);
}

static int job_search_log_prune(struct arena *a, const struct config *cfg,
	time_t now, char *detail, size_t len)
{
	struct prune_ctx c = { now, cfg->search_changes_keep_days };
	size_t total;
	int rc;

	rc = run_batches(a, PRUNE_BATCH, search_prune_batch, &c, &total);
	snprintf(detail, len, "%zu search log rows deleted (older than %u "
		"days)", total, cfg->search_changes_keep_days);
	return rc;
}

/* download-clients-prune: the per-day unique-client hashes of days the
 * download flush can no longer count (the flush prunes a bounded share
 * itself; this catches up when downloads stop). The per-day totals stay. */
static int clients_prune_batch(struct arena *a, void *ctx, size_t max,
	size_t *n)
{
	const struct prune_ctx *c = ctx;

	(void)a;
	return store_download_clients_prune(c->now, max, n);
}

static int job_download_clients_prune(struct arena *a,
	const struct config *cfg, time_t now, char *detail, size_t len)
{
	struct prune_ctx c = { now, 0 };
	size_t total;
	int rc;

	(void)cfg;
	rc = run_batches(a, PRUNE_BATCH, clients_prune_batch, &c, &total);
	snprintf(detail, len, "%zu download client hashes deleted", total);
	return rc;
}

struct ctl_job {
	const char *name;
	ctl_job_fn fn;
};

/* The jobs, in the order a pass runs them. Add a row per job. */
static const struct ctl_job jobs[] = {
	{ "license-cull", job_license_cull },
	{ "mail-send", job_mail_send },
	{ "purge-tokens", job_purge_tokens },
	{ "tickets-autoclose", job_tickets_autoclose },
	{ "sla-breach", job_sla_breach },
	{ "csat-send", job_csat_send },
	{ "forum-trust", job_forum_trust },
	{ "assistant-index", job_assistant_index },
	{ "assistant-abandon", job_assistant_abandon },
	{ "analytics-rollup", job_analytics_rollup },
	{ "search-log-prune", job_search_log_prune },
	{ "download-clients-prune", job_download_clients_prune },
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

static const struct ctl_job *job_find(const char *name)
{
	for (size_t i = 0; i < NJOBS; i++)
		if (strcmp(jobs[i].name, name) == 0)
			return &jobs[i];
	return NULL;
}

void ctl_jobs_list(FILE *f)
{
	for (size_t i = 0; i < NJOBS; i++)
		fprintf(f, "                       %s\n", jobs[i].name);
}

int ctl_jobs_parse(int argc, char **argv, int *optind,
	struct ctl_jobs_opts *o)
{
	*o = (struct ctl_jobs_opts){ 0 };
	/* "jobs run ...", or the older "jobs [--once]". */
	if (*optind < argc && strcmp(argv[*optind], "run") == 0)
		(*optind)++;
	while (*optind < argc) {
		const char *arg = argv[*optind];

		if (strcmp(arg, "--once") == 0) {
			o->once = 1;
			(*optind)++;
		} else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			o->help = 1;
			(*optind)++;
		} else if (strcmp(arg, "--only") == 0) {
			if (*optind + 1 >= argc) {
				fprintf(stderr, "devforgectl: jobs: --only needs a job "
					"name\n");
				return -1;
			}
			o->only = argv[*optind + 1];
			*optind += 2;
			if (job_find(o->only) == NULL) {
				fprintf(stderr, "devforgectl: jobs: no job named '%s' "
					"(the jobs:", o->only);
				for (size_t i = 0; i < NJOBS; i++)
					fprintf(stderr, " %s", jobs[i].name);
				fprintf(stderr, ")\n");
				return -2;
			}
		} else {
			fprintf(stderr, "devforgectl: jobs: unknown option '%s'\n",
				arg);
			return -1;
		}
	}
	return 0;
}

/* The job clock with microseconds (clock_now_us() carries the test
 * offset). */
static void job_time(time_t *t, long *us)
{
	int64_t now = clock_now_us();

	*t = (time_t)(now / 1000000);
	*us = (long)(now % 1000000);
}

/* What a loop pass printed last per job: a service logs a job's line
 * when it changes (or fails), not every 30 s. */
static char last_line[sizeof(jobs) / sizeof(jobs[0])][STORE_JOBS_DETAIL_MAX + 64];

/* Runs one job under its lock. 0 when it ran or another runner held it,
 * else the error (reported). */
static int run_one(struct arena *a, const struct config *cfg, size_t i,
	int quiet_unchanged)
{
	const struct ctl_job *j = &jobs[i];
	char detail[STORE_JOBS_DETAIL_MAX + 1], line[sizeof(last_line[0])];
	int got = 0, held = 0, rc, rc2;
	time_t t;
	long us;

	arena_reset(a);
	rc = store_jobs_lock(a, j->name, &got);
	if (rc != 0) {
		snprintf(line, sizeof(line), "jobs: %s: failed: cannot take its "
			"lock: %s", j->name, df_strerror(rc));
		goto report;
	}
	if (!got) {
		snprintf(line, sizeof(line), "jobs: %s: skipped (another runner "
			"holds its lock)", j->name);
		goto report;
	}
	job_time(&t, &us);
	rc = store_jobs_started(j->name, t, us);
	if (rc == 0) {
		detail[0] = '\0';
		arena_reset(a);
		rc = j->fn(a, cfg, t, detail, sizeof(detail));
		if (rc != 0 && detail[0] == '\0')
			snprintf(detail, sizeof(detail), "%s", df_strerror(rc));
		else if (rc != 0) {
			size_t n = strlen(detail);

			snprintf(detail + n, sizeof(detail) - n, " (%s)",
				df_strerror(rc));
		}
		job_time(&t, &us);
		rc2 = store_jobs_finished(j->name, t, us, rc == 0, detail);
		if (rc == 0)
			rc = rc2;
	} else {
		snprintf(detail, sizeof(detail), "cannot record its start: %s",
			df_strerror(rc));
	}
	arena_reset(a);
	rc2 = store_jobs_unlock(a, j->name, &held);
	if (rc2 == 0 && !held) {
		/* The connection was made again during the run: the lock went
		 * with the old one. The job is idempotent, so at worst another
		 * runner did the same work; say so. */
		size_t n = strlen(detail);

		snprintf(detail + n, sizeof(detail) - n, "%s(its lock was lost "
			"with a dropped connection)", n > 0 ? " " : "");
	}
	snprintf(line, sizeof(line), "jobs: %s: %s%s%s", j->name,
		rc == 0 ? "ok" : "failed", detail[0] != '\0' ? ": " : "", detail);
report:
	if (rc != 0)
		fprintf(stderr, "%s\n", line);
	else if (!quiet_unchanged || strcmp(line, last_line[i]) != 0)
		printf("%s\n", line);
	snprintf(last_line[i], sizeof(last_line[i]), "%s", line);
	fflush(stdout);
	return rc;
}

/* One pass over the jobs (or the one asked for). 0, or the last error. */
static int pass(struct arena *a, const struct config *cfg,
	const struct ctl_jobs_opts *o)
{
	int rc = 0;

	for (size_t i = 0; i < NJOBS && !ctl_loop_stopped(); i++) {
		int r;

		if (o->only != NULL && strcmp(o->only, jobs[i].name) != 0)
			continue;
		r = run_one(a, cfg, i, !o->once);
		if (r != 0)
			rc = r;
		if (r == DF_EDBDOWN)
			break;       /* the next jobs would only say the same */
	}
	return rc;
}

int ctl_jobs_run(const struct config *cfg, const struct ctl_jobs_opts *o)
{
	struct arena *a;
	int rc = 0;

	ctl_loop_signals();
	a = arena_new(65536);
	if (a == NULL || db_init(cfg) != 0) {
		fprintf(stderr, "devforgectl: out of memory\n");
		arena_free(a);
		return 1;
	}
	/* The workers' shared segment, when this host runs them: jobs add
	 * to its counters (/metrics). Without it they count nothing. */
	if (cfg->shm_name != NULL && cfg->shm_name[0] != '\0' &&
	    shm_attach_existing(cfg->shm_name, &shm_current) != 0)
		shm_current = NULL;
	if (o->once) {
		if (db_connect() != 0) {
			fprintf(stderr, "devforgectl: cannot connect to database "
				"'%s' (see the message above)\n", cfg->db_name);
			rc = DF_EDBDOWN;
		} else {
			rc = pass(a, cfg, o);
		}
	} else {
		printf("jobs: a pass every %d s until SIGTERM\n", JOBS_POLL_S);
		fflush(stdout);
		/* A service: a database outage is waited out, not fatal. */
		while (!ctl_loop_stopped()) {
			(void)pass(a, cfg, o);
			ctl_loop_idle(JOBS_POLL_S);
		}
	}
	shm_detach(shm_current);
	db_close();
	arena_free(a);
	if (!o->once)
		return 0;
	return rc != 0 ? 1 : 0;
}
