/* Metrics live in the shared segment, so counters from every worker of
 * the host add up: N requests spread over the pool show as exactly N.
 * The response cache is shared the same way: one miss fills it for every
 * worker. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"

static double health_count(void)
{
	return client_metric_now("devforge_http_requests_total",
		"method=\"GET\",route=\"/api/v1/health\",status=\"200\"");
}

/* Distinct worker pids in the access log lines whose request id starts
 * with prefix. */
static int pids_serving(const char *prefix)
{
	FILE *f = fopen(client_env("DEVFORGE_TEST_WORKER_LOG"), "r");
	char line[8192], needle[160];
	int pids[64], n = 0;

	cr_assert(f != NULL, "cannot read the worker log");
	snprintf(needle, sizeof(needle), "\"request_id\":\"%s-", prefix);
	while (fgets(line, sizeof(line), f)) {
		const char *p;
		int pid;
		if (strstr(line, needle) == NULL)
			continue;
		p = strstr(line, "\"pid\":");
		if (p == NULL)
			continue;
		pid = atoi(p + 6);
		int seen = 0;
		for (int i = 0; i < n; i++)
			seen |= pids[i] == pid;
		if (!seen && n < 64)
			pids[n++] = pid;
	}
	fclose(f);
	return n;
}

Test(metrics, counters_add_up_across_workers)
{
	const int total = 400;
	int counts[600];
	char prefix[64];
	double before, after;
	int workers;

	snprintf(prefix, sizeof(prefix), "mt%ld%d", (long)time(NULL), getpid());
	before = health_count();
	cr_assert_eq(client_load(client_url("/api/v1/health"), total, 16, prefix,
		counts), total);
	cr_assert_eq(counts[200], total);
	after = health_count();
	cr_assert_eq((long)(after - before), total, "before %.0f after %.0f",
		before, after);
	workers = pids_serving(prefix);
	cr_assert(workers >= 4, "only %d workers served the load", workers);
}

Test(metrics, exposition_has_histograms_and_process_counters)
{
	struct client_resp r;

	client_send("GET", "/api/v1/metrics", &r);
	cr_assert_eq(r.status, 200);
	char *ct = client_header(&r, "Content-Type");
	cr_assert(ct && strncmp(ct, "text/plain; version=0.0.4", 25) == 0);
	free(ct);
	cr_assert(strstr(r.body, "# TYPE devforge_http_request_duration_seconds histogram"));
	cr_assert(strstr(r.body, "devforge_http_request_duration_seconds_bucket{"
		"method=\"GET\",route=\"/health\",le=\"+Inf\"}") ||
		strstr(r.body, "devforge_http_request_duration_seconds_bucket{"
		"method=\"GET\",route=\"/api/v1/health\",le=\"+Inf\"}"));
	cr_assert(strstr(r.body, "devforge_db_query_duration_seconds_count"));
	cr_assert(strstr(r.body, "devforge_worker_starts_total"));
	cr_assert(strstr(r.body, "devforge_ratelimit_refused_total"));
	client_free(&r);
}

Test(metrics, unmatched_requests_are_counted_without_their_path)
{
	struct client_resp r;
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/secret-%d", getpid());
	client_send("GET", path, &r);
	cr_assert_eq(r.status, 404);
	client_free(&r);
	client_send("GET", "/api/v1/metrics", &r);
	cr_assert(strstr(r.body, "route=\"unmatched\""));
	cr_assert(strstr(r.body, path + 8) == NULL,
		"a raw path leaked into the labels");
	client_free(&r);
}

/* Each worker in turn answers the same new URL alone (the others are
 * stopped): with one cache for the pool, only the first is a miss. With
 * a cache per worker every worker would miss once. */
Test(metrics, one_miss_fills_the_cache_for_every_worker)
{
	int pids[64], status[64], n, i, j, sent[64];
	double misses0, misses1, hits0, hits1;
	struct client_resp r;
	char path[160];

	n = (int)client_worker_pids(pids, 64);
	cr_assert(n >= 2, "needs several workers, found %d", n);
	/* A search nobody has made: a key no earlier run cached. */
	snprintf(path, sizeof(path), "/api/v1/extensions?q=nomatch%ldx%d&limit=3",
		(long)time(NULL), getpid());
	misses0 = client_metric_now("devforge_cache_misses_total", NULL);
	hits0 = client_metric_now("devforge_cache_hits_total", NULL);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (j != i)
				(void)client_stop_process(pids[j]);
		/* No assertion while others are stopped: a failed test must
		 * not leave the pool frozen. */
		sent[i] = client_request("GET", client_url(path), NULL, NULL, 0,
			&r) == 0;
		status[i] = sent[i] ? r.status : 0;
		if (sent[i])
			client_free(&r);
		for (j = 0; j < n; j++)
			if (j != i)
				kill(pids[j], SIGCONT);
	}
	for (i = 0; i < n; i++)
		cr_assert(sent[i] && status[i] == 200,
			"worker %d (pid %d): status %d", i, pids[i], status[i]);
	misses1 = client_metric_now("devforge_cache_misses_total", NULL);
	hits1 = client_metric_now("devforge_cache_hits_total", NULL);
	cr_assert_eq((long)(misses1 - misses0), 1,
		"%d workers, %.0f misses: each worker filled its own cache",
		n, misses1 - misses0);
	cr_assert_geq((long)(hits1 - hits0), n - 1);
}

/* An unmatched request keeps its real method label: a scan of DELETEs
 * shows as DELETE, not as an empty or GET method. */
Test(metrics, unmatched_requests_keep_their_method)
{
	static const char labels[] =
		"method=\"DELETE\",route=\"unmatched\",status=\"404\"";
	struct client_resp r;
	double before = client_metric_now("devforge_http_requests_total",
		labels);

	client_send("DELETE", "/api/v1/nope", &r);
	cr_assert_eq(r.status, 404);
	client_free(&r);
	cr_assert_eq(client_metric_now("devforge_http_requests_total", labels),
		before + 1);
}

/* The build, the pool's processes and the scrape-time readings: the
 * worker answering the scrape counts itself busy, the stack is ready. */
Test(metrics, pool_build_and_readiness_series)
{
	struct client_resp r;

	client_send("GET", "/api/v1/metrics", &r);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body, "\ndevforge_build_info{version=\"") != NULL);
	cr_assert_geq(client_metric(r.body, "devforge_workers",
		"state=\"busy\""), 1);
	cr_assert_geq(client_metric(r.body, "devforge_workers_configured", ""),
		1);
	cr_assert_leq(client_metric(r.body, "devforge_workers", "state=\"busy\"")
		+ client_metric(r.body, "devforge_workers", "state=\"idle\""),
		client_metric(r.body, "devforge_workers_configured", ""));
	cr_assert_eq(client_metric(r.body, "devforge_ready", ""), 1);
	cr_assert(strstr(r.body, "\ndevforge_mail_outbox_pending ") != NULL);
	cr_assert_gt(client_metric(r.body,
		"devforge_process_resident_memory_bytes", ""), 1e6);
	client_free(&r);
}

/* The pool's CPU time grows as the workers answer. The kernel counts it
 * in ticks of 10 ms, so a freshly started pool may still read 0: work
 * until it moves (bounded), then it must have. */
Test(metrics, process_cpu_grows_with_work)
{
	double before = client_metric_now("devforge_process_cpu_seconds_total",
		"");
	double after = before;

	cr_assert_geq(before, 0);
	for (int round = 0; round < 20 && after <= before; round++) {
		for (int i = 0; i < 100; i++)
			cr_assert_eq(client_status("GET",
				"/api/v1/extensions?limit=50", NULL, NULL), 200);
		after = client_metric_now("devforge_process_cpu_seconds_total",
			"");
	}
	cr_assert_gt(after, before, "2000 requests took no CPU time");
}

/* A job run through devforgectl shows its last success's time. */
Test(metrics, job_success_time_is_exported)
{
	static const char labels[] = "name=\"purge-tokens\"";
	long t0 = (long)time(NULL);
	char *out = NULL;

	cr_assert_eq(client_ctl_run(0, &out, "jobs run --once --only "
		"purge-tokens"), 0, "%s", out);
	free(out);
	cr_assert_geq(client_metric_now(
		"devforge_job_last_success_timestamp_seconds", labels), t0 - 1);
}

static char maildir[1024], maildir_away[1100];

static void maildir_restore(void)
{
	client_dir_put_back(maildir, maildir_away);
}

/* A failed run leaves the last success's time alone: the freshness an
 * alert reads must not vanish (or move) because the latest run failed.
 * mail-send fails when a mail cannot be delivered: here the maildir is
 * a plain file (the tests run as root, so a mode would not stop it). */
Test(metrics, job_success_time_survives_a_failed_run, .fini = maildir_restore)
{
	static const char labels[] = "name=\"mail-send\"";
	const char *to = client_unique("mfail");
	char *dir = client_config("mail_maildir", NULL);
	char *out = NULL;
	char *ok_exact, *after;
	double ok_at;
	int rc;

	cr_assert(dir != NULL);
	snprintf(maildir, sizeof(maildir), "%s", dir);
	free(dir);
	rc = client_ctl_run(0, &out, "jobs run --once --only mail-send");
	cr_assert_eq(rc, 0, "%s", out);
	free(out);
	ok_at = client_metric_now("devforge_job_last_success_timestamp_seconds",
		labels);
	cr_assert_gt(ok_at, 0);
	/* To the microsecond: the failed run below may end in the same
	 * second as this one. */
	ok_exact = client_sql("SELECT last_ok_at FROM job_runs"
		" WHERE name = 'mail-send'");
	cr_assert(ok_exact != NULL);

	/* A fresh stack has delivered nothing yet: no maildir to move
	 * (created first). */
	client_dir_replace_by_file(maildir, maildir_away, sizeof(maildir_away));
	client_sqlf("INSERT INTO mail_outbox (created_at, to_addr, subject,"
		" body, template, attempts, next_attempt_at) VALUES"
		" (UTC_TIMESTAMP(6), '%s@example.test', 's', 'b', 'test', 0,"
		" UTC_TIMESTAMP(6))", to);
	rc = client_ctl_run(0, &out, "jobs run --once --only mail-send");
	maildir_restore();
	client_sqlf("DELETE FROM mail_outbox WHERE to_addr = '%s@example.test'",
		to);
	cr_assert_neq(rc, 0, "mail-send did not fail: %s", out);
	free(out);
	cr_assert_eq(client_sql_long("SELECT ok FROM job_runs"
		" WHERE name = 'mail-send'"), 0);
	after = client_sql("SELECT last_ok_at FROM job_runs"
		" WHERE name = 'mail-send'");
	cr_assert(after != NULL);
	cr_assert_str_eq(after, ok_exact);
	cr_assert_eq(client_metric_now(
		"devforge_job_last_success_timestamp_seconds", labels), ok_at);
	free(after);
	free(ok_exact);
}
