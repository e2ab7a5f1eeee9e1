/* Request metrics in the shared segment (so they add up across the
 * workers of a host), and their Prometheus text exposition. */
#ifndef DF_METRICS_H
#define DF_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct route;
struct request;
struct arena;

/* Records one finished request: its route (index, or -1 for none), its
 * method (enum http_method: an unmatched request keeps it), status and
 * duration; also counts it in the current minute of the per-minute ring.
 * Does nothing without a segment. */
void metrics_observe_request(int route_index, int method, int status,
	uint64_t dur_us);

/* The q-quantile (0..1) of a histogram of n non-cumulative buckets with
 * upper bounds bounds_us (the last UINT64_MAX), interpolated linearly
 * within its bucket as Prometheus' histogram_quantile does (a rank in
 * the +Inf bucket answers the last finite bound). Microseconds; 0 when
 * the histogram is empty. */
double metrics_quantile_us(const uint64_t *buckets, const uint64_t *bounds_us,
	int n, double q);

/* The pool's live workers (slots whose pid is alive) and how many of
 * them are answering a request now. */
void metrics_workers(unsigned *running, unsigned *busy);

/* Method and route labels of route slot i (0 .. SHM_MAX_ROUTES +
 * SHM_UNMATCHED_SLOTS - 1): 1, or 0 when the slot has none to show. */
int metrics_route_labels(const struct route *const *routes, size_t nroutes,
	size_t i, const char **method, const char **route);

/* What the scrape itself reads from the database (api/metrics.c fills
 * it; NULL, or have_* 0, leaves the series out). */
struct metrics_job {
	const char *name;
	int64_t last_ok_unix;        /* 0: never succeeded */
};
struct metrics_scrape {
	int have_ready;
	int ready;                   /* database reachable, no pending migration */
	int have_outbox;
	int64_t outbox_pending;
	const struct metrics_job *jobs;
	size_t njobs;
};
/* Records one response-cache lookup: hit 1, miss 0. */
void metrics_cache_lookup(int hit);
/* Records one answer of the assistant's language model that was not
 * used (reason: an enum llm_fail other than LLM_OK). */
void metrics_llm_fallback(unsigned reason);
/* Records one database round trip. */
void metrics_observe_db(uint64_t dur_us, int ok);

/* Renders the Prometheus text format (version 0.0.4). routes[i] is the
 * route whose metrics index is i (struct router's flat array):
 * devforge_http_requests_total{route,method,status} (only non-zero
 * series; requests that matched no route get route="unmatched"),
 * devforge_http_request_duration_seconds{route,method} histogram,
 * devforge_db_query_duration_seconds histogram, cache hits/misses,
 * rate-limit refusals by class, logins, worker restarts, db errors and
 * reconnects, process start time; build info, the workers' CPU and
 * resident memory, busy/idle workers, and sc's readiness, outbox and
 * job freshness. Returns an arena string or NULL. */
char *metrics_render(struct arena *a, const struct route *const *routes,
	size_t nroutes, const struct metrics_scrape *sc, size_t *len);

#endif
