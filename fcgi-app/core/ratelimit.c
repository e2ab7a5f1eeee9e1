/* Rate limits as GCRA over the shared segment: the arithmetic is one pure
 * function, and ratelimit_take finds the key's slot by open addressing
 * and moves its theoretical arrival time forward with compare-and-swap. */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "shm.h"

#define RL_US_PER_S 1000000ull
/* Rounds a take may lose to other workers before it lets the request
 * through undecided; it bounds the loop so a worker can not spin forever
 * on a contended slot. A round is a slot lookup or RL_SPINS lost
 * compare-and-swaps followed by sched_yield(): a worker that keeps the
 * slot's cache line can win thousands of CAS in a row against another
 * (a unit test hammering one key from 4 processes on 2 cores saw 1000
 * straight losses and let requests through); yielding hands the line
 * over, so the bound is never reached in practice. */
#define RL_MAX_ROUNDS 1000
#define RL_SPINS 64

static uint32_t rl_ceil_s(uint64_t us)
{
	uint64_t s = (us + RL_US_PER_S - 1) / RL_US_PER_S;

	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* The emission interval T is rounded up, and the tolerance is (limit-1)*T
 * rather than window-T: with a window that limit does not divide, a
 * rounded-down T would let a burst of more than `limit` through and a
 * rate above limit/window. Rounded up, exactly `limit` pass from a full
 * bucket and the sustained rate never exceeds the configured one. */
uint64_t ratelimit_gcra(uint64_t tat_us, uint32_t limit, uint32_t window_s,
	uint64_t now_us, struct ratelimit_result *res)
{
	uint64_t window_us, t, tau, base, ahead, new_tat, full_in;
	uint64_t headroom;

	if (limit == 0)
		limit = 1;
	if (window_s == 0)
		window_s = 1;
	window_us = (uint64_t)window_s * RL_US_PER_S;
	t = (window_us + limit - 1) / limit;
	tau = (uint64_t)(limit - 1) * t;
	base = tat_us > now_us ? tat_us : now_us;
	ahead = base - now_us;

	res->limit = limit;
	if (ahead > tau) {
		res->allowed = 0;
		res->remaining = 0;
		res->reset_s = rl_ceil_s(ahead);
		res->retry_after_s = rl_ceil_s(ahead - tau);
		if (res->retry_after_s == 0)
			res->retry_after_s = 1;
		return tat_us;
	}

	new_tat = base + t;
	full_in = new_tat - now_us;
	/* Tokens left after this one: how many more intervals fit under
	 * the tolerance. full_in <= tau + t, so this never underflows. */
	headroom = tau + t - full_in;
	res->allowed = 1;
	res->remaining = (uint32_t)(headroom / t > limit ? limit : headroom / t);
	res->reset_s = rl_ceil_s(full_in);
	res->retry_after_s = 0;
	return new_tat;
}

int ratelimit_addr_subject(const char *addr, unsigned v6_prefix, char *out,
	size_t len)
{
	unsigned char a6[16];
	char host[INET6_ADDRSTRLEN + 8], net[INET6_ADDRSTRLEN];
	const char *pct;
	size_t n;
	int w;

	if (addr == NULL)
		addr = "";
	if (v6_prefix == 0 || v6_prefix > 128)
		v6_prefix = RATELIMIT_DEFAULT_V6_PREFIX;
	/* A zone ("fe80::1%eth0") names the interface, not the client. */
	pct = strchr(addr, '%');
	n = pct != NULL ? (size_t)(pct - addr) : strlen(addr);
	if (strchr(addr, ':') != NULL && n < sizeof(host)) {
		memcpy(host, addr, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, a6) == 1) {
			static const unsigned char mapped[12] = { 0, 0, 0, 0, 0,
				0, 0, 0, 0, 0, 0xff, 0xff };

			if (memcmp(a6, mapped, sizeof(mapped)) == 0) {
				w = snprintf(out, len, "ip:%u.%u.%u.%u", a6[12],
					a6[13], a6[14], a6[15]);
				return w < 0 || (size_t)w >= len ? DF_ETOOBIG : 0;
			}
			/* Keep the first v6_prefix bits, clear the rest. */
			for (unsigned i = 0; i < 16; i++) {
				unsigned bits = v6_prefix > i * 8 ?
					v6_prefix - i * 8 : 0;

				if (bits < 8)
					a6[i] &= (unsigned char)(0xff00u >> bits);
			}
			if (inet_ntop(AF_INET6, a6, net, sizeof(net)) != NULL) {
				w = snprintf(out, len, "ip6:%s/%u", net, v6_prefix);
				return w < 0 || (size_t)w >= len ? DF_ETOOBIG : 0;
			}
		}
	}
	w = snprintf(out, len, "ip:%s", addr);
	return w < 0 || (size_t)w >= len ? DF_ETOOBIG : 0;
}

/* FNV-1a over the class byte and the subject, then a final avalanche:
 * the slot index uses the low bits, which plain FNV-1a mixes poorly for
 * short inputs such as addresses that differ in one digit. */
uint64_t ratelimit_key(unsigned cls, const char *subject)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const unsigned char *p;

	h ^= (unsigned char)cls;
	h *= 0x100000001b3ull;
	if (subject != NULL) {
		for (p = (const unsigned char *)subject; *p != '\0'; p++) {
			h ^= *p;
			h *= 0x100000001b3ull;
		}
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

/* Finds or claims the slot of key. Never fails: when every probed slot
 * belongs to another key, the one with the oldest tat is taken over. A
 * tat in the past means that bucket is full anyway, so the evicted key
 * loses nothing it would not have regained by waiting.
 *
 * The takeover is two steps (key, then tat) and not atomic as a pair. A
 * worker that found the old key just before the swap may still move the
 * tat, or a worker that found the new key may move it before the reset;
 * the reset then overwrites either. At worst a bucket restarts full,
 * which over-admits by a few requests, never under-admits. */
static struct shm_rl_slot *rl_slot(struct shm_segment *seg, uint64_t key)
{
	size_t base = (size_t)(key & (SHM_RL_SLOTS - 1)), i;
	struct shm_rl_slot *s, *victim = NULL;
	uint64_t k, tat, victim_tat = UINT64_MAX;

	for (i = 0; i < SHM_RL_PROBES; i++) {
		s = &seg->rl[(base + i) & (SHM_RL_SLOTS - 1)];
		k = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);
		if (k == 0) {
			if (__atomic_compare_exchange_n(&s->key, &k, key, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return s;
			/* k now holds whoever won the slot. */
		}
		if (k == key)
			return s;
		tat = __atomic_load_n(&s->tat_us, __ATOMIC_RELAXED);
		if (victim == NULL || tat < victim_tat) {
			victim_tat = tat;
			victim = s;
		}
	}

	k = __atomic_load_n(&victim->key, __ATOMIC_ACQUIRE);
	if (k == key)
		return victim;
	if (!__atomic_compare_exchange_n(&victim->key, &k, key, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return k == key ? victim : NULL;
	__atomic_store_n(&victim->tat_us, 0, __ATOMIC_RELEASE);
	return victim;
}

int ratelimit_take(struct shm_segment *seg, uint64_t key, uint32_t limit,
	uint32_t window_s, uint64_t now_us, struct ratelimit_result *res)
{
	struct shm_rl_slot *s;
	uint64_t old, next;
	int round, spins;

	if (key == 0)
		key = 1;
	if (seg == NULL) {
		ratelimit_gcra(0, limit, window_s, now_us, res);
		return 0;
	}

	for (round = 0; round < RL_MAX_ROUNDS; round++) {
		s = rl_slot(seg, key);
		if (s == NULL)
			continue;
		old = __atomic_load_n(&s->tat_us, __ATOMIC_ACQUIRE);
		for (spins = 0; round < RL_MAX_ROUNDS; spins++) {
			/* The slot changed hands since we found it: look
			 * again rather than charge another key's bucket. */
			if (__atomic_load_n(&s->key, __ATOMIC_ACQUIRE) != key)
				break;
			next = ratelimit_gcra(old, limit, window_s, now_us, res);
			if (!res->allowed)
				return 0;
			if (__atomic_compare_exchange_n(&s->tat_us, &old, next,
					0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return 0;
			if (spins + 1 >= RL_SPINS) {
				spins = 0;
				round++;
				sched_yield();
				old = __atomic_load_n(&s->tat_us,
					__ATOMIC_ACQUIRE);
			}
		}
	}
	/* Contention beyond any real load: fail open rather than hang the
	 * worker, and report a full bucket. */
	ratelimit_gcra(0, limit, window_s, now_us, res);
	return 0;
}
