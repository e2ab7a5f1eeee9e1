/* Token-bucket rate limits shared by all workers of a host, computed with
 * GCRA (the generic cell rate algorithm): one 64-bit "theoretical arrival
 * time" per key, updated with compare-and-swap in the shared segment, so
 * limits hold across workers and a worker dying mid-update corrupts
 * nothing. */
#ifndef DF_RATELIMIT_H
#define DF_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct shm_segment;

struct ratelimit_result {
	int allowed;
	uint32_t limit;          /* RateLimit-Limit */
	uint32_t remaining;      /* RateLimit-Remaining (after this request) */
	uint32_t reset_s;        /* RateLimit-Reset: seconds until full */
	uint32_t retry_after_s;  /* Retry-After when refused (>= 1) */
};

/* Pure GCRA step: given the stored tat (0 = fresh), the limit per window
 * and now, decides and returns the new tat (unchanged when refused).
 * limit >= 1, window_s >= 1. */
uint64_t ratelimit_gcra(uint64_t tat_us, uint32_t limit, uint32_t window_s,
	uint64_t now_us, struct ratelimit_result *res);

/* The subject an anonymous client is limited under, from its textual
 * address: "ip:<address>" for IPv4 (an IPv4-mapped IPv6 address counts
 * as its IPv4 one), "ip6:<network>/<prefix>" for IPv6, so that every
 * address of one network shares a bucket (v6_prefix 32-128; 0 means
 * the default, 64). Text that is no address is kept as "ip:<text>".
 * 0, or DF_ETOOBIG when out (len) is too small. */
#define RATELIMIT_DEFAULT_V6_PREFIX 64
DF_MUST_CHECK int ratelimit_addr_subject(const char *addr, unsigned v6_prefix, char *out,
	size_t len);

/* A 64-bit key for (class, subject), never 0. */
uint64_t ratelimit_key(unsigned cls, const char *subject);

/* Takes one token for key in seg. Without a segment (seg NULL) every
 * request is allowed. Slots are found by open addressing over
 * SHM_RL_PROBES places; when all are taken by other live keys the one
 * idle longest is reused. Returns 0 (result in *res): it cannot fail,
 * so its result is not marked for checking. */
int ratelimit_take(struct shm_segment *seg, uint64_t key, uint32_t limit,
	uint32_t window_s, uint64_t now_us, struct ratelimit_result *res);

#endif
