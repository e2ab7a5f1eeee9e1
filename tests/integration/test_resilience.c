/* The service survives its parts failing: a worker killed mid-load is
 * replaced and the others keep answering; a database outage gives fast
 * 503s and the service recovers by itself when MariaDB returns. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"

struct load {
	int total;
	int counts[600];
};

static void *run_load(void *arg)
{
	struct load *l = arg;

	client_load(client_url("/api/v1/health"), l->total, 8, NULL, l->counts);
	return NULL;
}

Test(resilience, worker_killed_mid_load_does_not_lose_the_service)
{
	int pids[64];
	size_t before = client_worker_pids(pids, 64), after = 0;
	struct load l = { .total = 3000 };
	pthread_t th;
	double r0 = client_metric_now("devforge_worker_restarts_total",
		NULL);

	cr_assert(before >= 2, "need a pool, found %zu workers", before);
	cr_assert(pthread_create(&th, NULL, run_load, &l) == 0);
	usleep(300 * 1000);
	cr_assert(kill(pids[0], SIGKILL) == 0);
	pthread_join(th, NULL);

	int failed = l.total - l.counts[200];
	/* At most the request the killed worker held is lost. */
	cr_assert(failed <= 2, "%d of %d requests failed (502: %d, 503: %d, "
		"none: %d)", failed, l.total, l.counts[502], l.counts[503],
		l.counts[0]);

	for (int i = 0; i < 50; i++) {
		after = client_worker_pids(pids, 64);
		if (after == before)
			break;
		usleep(100 * 1000);
	}
	cr_assert_eq(after, before, "pool not refilled: %zu of %zu", after, before);
	cr_assert(client_metric_now("devforge_worker_restarts_total", NULL) >=
		r0 + 1, "restart not counted");

	struct client_resp r;
	cr_assert(client_get(client_url("/api/v1/health/ready"), &r) == 0);
	cr_assert_eq(r.status, 200);
	client_free(&r);
}

Test(resilience, database_outage_gives_503_then_recovers, .timeout = 180)
{
	struct client_resp r;
	const char *ev = "{\"events\":[{\"name\":\"outage.test\"}]}";

	cr_assert(client_stack("db-stop") == 0, "db-stop failed");

	/* A worker answers readiness from a check up to a second old. */
	for (int i = 0; i < 30; i++) {
		cr_assert(client_get(client_url("/api/v1/health/ready"), &r) == 0);
		if (r.status == 503)
			break;
		client_free(&r);
		usleep(100 * 1000);
	}
	cr_assert_eq(r.status, 503, "ready while down: %ld %s", r.status, r.body);
	struct json_object *o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "status"), "unavailable");
	cr_assert_str_eq(client_json_str(o, "checks.database.status"), "unavailable");
	json_object_put(o);
	client_free(&r);

	/* A request that needs the database: a Problem, quickly. */
	for (int i = 0; i < 5; i++) {
		cr_assert(client_post_json(client_url("/api/v1/analytics/events"),
			ev, NULL, &r) == 0);
		cr_assert_eq(r.status, 503, "%ld %s", r.status, r.body);
		cr_assert(strstr(r.body, "service_unavailable") != NULL);
		cr_assert(r.seconds < 10.0, "took %.2f s", r.seconds);
		client_free(&r);
	}

	/* Liveness does not depend on the database. */
	cr_assert(client_get(client_url("/health"), &r) == 0);
	cr_assert_eq(r.status, 200);
	client_free(&r);

	cr_assert(client_stack("db-start") == 0, "db-start failed");
	/* Past the readiness answers a worker may keep from before the
	 * outage (a second at most): an ok from here on is a real check. */
	usleep(1100 * 1000);
	int ok = 0;
	for (int i = 0; i < 100 && !ok; i++) {
		cr_assert(client_get(client_url("/api/v1/health/ready"), &r) == 0);
		ok = r.status == 200;
		client_free(&r);
		if (!ok)
			usleep(200 * 1000);
	}
	cr_assert(ok, "not ready again after the database came back");

	/* Every worker recovers, not just one: several rounds of writes. A
	 * worker whose last connect failed waits DB_RETRY_AFTER_US (1 s)
	 * before it tries again, so one that failed just before the database
	 * came back may still answer 503 for that long; past 3 s it has not
	 * recovered. */
	for (int i = 0; i < 20; i++) {
		long status = 0;
		for (int t = 0; t < 15; t++) {
			cr_assert(client_post_json(
				client_url("/api/v1/analytics/events"), ev, NULL,
				&r) == 0);
			status = r.status;
			if (status == 503 && t < 14) {
				client_free(&r);
				usleep(200 * 1000);
				continue;
			}
			break;
		}
		cr_assert_eq(status, 202, "after recovery: %ld %s", status,
			r.body);
		client_free(&r);
	}
}

/* An idle worker blocked in accept() must notice SIGTERM at once (signal
 * handler without SA_RESTART + FCGX_ShutdownPending), stop cleanly, and
 * be replaced by the supervisor. */
Test(resilience, idle_worker_exits_cleanly_on_sigterm)
{
	int pids[64], victim;
	size_t n = client_worker_pids(pids, 64);
	char needle[64], line[8192];
	int gone = 0, clean = 0;

	cr_assert(n >= 2);
	victim = pids[n - 1];
	cr_assert(kill(victim, SIGTERM) == 0);
	for (int i = 0; i < 40 && !gone; i++) {
		int now[64];
		size_t m = client_worker_pids(now, 64);
		gone = 1;
		for (size_t k = 0; k < m; k++)
			gone &= now[k] != victim;
		if (!gone)
			usleep(50 * 1000);
	}
	cr_assert(gone, "worker %d still alive 2 s after SIGTERM", victim);

	/* It said goodbye in the log: a clean exit, not a kill. */
	FILE *f = fopen(client_env("DEVFORGE_TEST_WORKER_LOG"), "r");
	cr_assert(f != NULL);
	snprintf(needle, sizeof(needle), "\"pid\":%d,", victim);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle) && strstr(line, "worker stopped"))
			clean = 1;
	fclose(f);
	cr_assert(clean, "no 'worker stopped' line from %d", victim);

	size_t after = 0;
	for (int i = 0; i < 50; i++) {
		after = client_worker_pids(pids, 64);
		if (after == n)
			break;
		usleep(100 * 1000);
	}
	cr_assert_eq(after, n, "pool not refilled after a clean exit");
}
