/* Request metrics in the shared segment (so they add up across the
 * workers of a host), and their Prometheus text exposition. */
#ifndef DF_METRICS_H
#define DF_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct route;
struct request;
struct arena;

/* Records one finished request: its route (index, or -1 for none), status
 * and duration. Does nothing without a segment. */
void metrics_observe_request(int route_index, int status, uint64_t dur_us);
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
 * reconnects, process start time. Returns an arena string or NULL. */
char *metrics_render(struct arena *a, const struct route *const *routes,
	size_t nroutes, size_t *len);

#endif
