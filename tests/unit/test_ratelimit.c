/* Unit tests of the GCRA arithmetic with fixed clocks, of slot finding and
 * eviction in a segment in ordinary memory, and of the limit holding
 * across processes hammering one key in a real shared segment. */
#include <criterion/criterion.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "ratelimit.h"
#include "shm.h"

#define NOW 1700000000000000ull /* a fixed unix time in microseconds */
#define S 1000000ull

static struct shm_segment *mem_segment(void)
{
	struct shm_segment *seg = malloc(sizeof(*seg));

	cr_assert_not_null(seg);
	shm_init_memory(seg);
	return seg;
}

Test(ratelimit_gcra, burst_of_limit_passes_then_refuses)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	uint32_t i;

	for (i = 0; i < 10; i++) {
		tat = ratelimit_gcra(tat, 10, 60, NOW, &r);
		cr_assert_eq(r.allowed, 1, "request %u", i);
		cr_assert_eq(r.limit, 10);
		cr_assert_eq(r.retry_after_s, 0);
	}
	ratelimit_gcra(tat, 10, 60, NOW, &r);
	cr_assert_eq(r.allowed, 0);
	cr_assert_eq(r.remaining, 0);
	/* One token comes back every 6 s. */
	cr_assert_eq(r.retry_after_s, 6);
	cr_assert_eq(r.reset_s, 60);
}

Test(ratelimit_gcra, remaining_counts_down_to_zero)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	uint32_t i;

	for (i = 0; i < 5; i++) {
		tat = ratelimit_gcra(tat, 5, 1, NOW, &r);
		cr_assert_eq(r.allowed, 1);
		cr_assert_eq(r.remaining, 4 - i, "after %u: %u", i + 1,
			r.remaining);
	}
}

Test(ratelimit_gcra, refused_request_leaves_tat_unchanged)
{
	struct ratelimit_result r;
	uint64_t tat = 0, after;

	tat = ratelimit_gcra(tat, 1, 60, NOW, &r);
	after = ratelimit_gcra(tat, 1, 60, NOW + 1, &r);
	cr_assert_eq(r.allowed, 0);
	cr_assert_eq(after, tat);
}

Test(ratelimit_gcra, refills_one_token_per_interval)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	int i;

	for (i = 0; i < 10; i++)
		tat = ratelimit_gcra(tat, 10, 60, NOW, &r);
	ratelimit_gcra(tat, 10, 60, NOW + 6 * S - 1, &r);
	cr_assert_eq(r.allowed, 0);
	cr_assert_eq(r.retry_after_s, 1);
	tat = ratelimit_gcra(tat, 10, 60, NOW + 6 * S, &r);
	cr_assert_eq(r.allowed, 1);
	cr_assert_eq(r.remaining, 0);
	ratelimit_gcra(tat, 10, 60, NOW + 6 * S, &r);
	cr_assert_eq(r.allowed, 0);
	/* After two intervals of quiet, two requests pass. */
	tat = ratelimit_gcra(tat, 10, 60, NOW + 18 * S, &r);
	cr_assert_eq(r.allowed, 1);
	cr_assert_eq(r.remaining, 1);
}

Test(ratelimit_gcra, reset_is_time_until_full)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	int i;

	tat = ratelimit_gcra(tat, 10, 60, NOW, &r);
	cr_assert_eq(r.reset_s, 6);
	for (i = 0; i < 4; i++)
		tat = ratelimit_gcra(tat, 10, 60, NOW, &r);
	cr_assert_eq(r.reset_s, 30);
	/* Half a second later the bucket is still 29.5 s from full. */
	ratelimit_gcra(tat, 10, 60, NOW + S / 2, &r);
	cr_assert_eq(r.reset_s, 36);
}

Test(ratelimit_gcra, idle_key_is_full_again)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	int i;

	for (i = 0; i < 10; i++)
		tat = ratelimit_gcra(tat, 10, 60, NOW, &r);
	ratelimit_gcra(tat, 10, 60, NOW + 3600 * S, &r);
	cr_assert_eq(r.allowed, 1);
	cr_assert_eq(r.remaining, 9);
	cr_assert_eq(r.reset_s, 6);
}

Test(ratelimit_gcra, limit_one_per_window)
{
	struct ratelimit_result r;
	uint64_t tat;

	tat = ratelimit_gcra(0, 1, 60, NOW, &r);
	cr_assert_eq(r.allowed, 1);
	cr_assert_eq(r.remaining, 0);
	cr_assert_eq(r.reset_s, 60);
	ratelimit_gcra(tat, 1, 60, NOW, &r);
	cr_assert_eq(r.allowed, 0);
	cr_assert_eq(r.retry_after_s, 60);
	ratelimit_gcra(tat, 1, 60, NOW + 59 * S + 1, &r);
	cr_assert_eq(r.allowed, 0);
	cr_assert_eq(r.retry_after_s, 1);
	ratelimit_gcra(tat, 1, 60, NOW + 60 * S, &r);
	cr_assert_eq(r.allowed, 1);
}

Test(ratelimit_gcra, million_per_hour)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	uint32_t i;

	for (i = 0; i < 1000000; i++) {
		tat = ratelimit_gcra(tat, 1000000, 3600, NOW, &r);
		if (!r.allowed || r.remaining != 999999 - i)
			cr_assert_fail("request %u: allowed %d remaining %u",
				i, r.allowed, r.remaining);
	}
	cr_assert_eq(r.reset_s, 3600);
	ratelimit_gcra(tat, 1000000, 3600, NOW, &r);
	cr_assert_eq(r.allowed, 0);
	/* 3.6 ms to the next token, rounded up to whole seconds. */
	cr_assert_eq(r.retry_after_s, 1);
	ratelimit_gcra(tat, 1000000, 3600, NOW + 3600, &r);
	cr_assert_eq(r.allowed, 1);
}

/* 7 does not divide a second in microseconds: still exactly 7 pass. */
Test(ratelimit_gcra, uneven_interval_burst_is_exact)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	int i, allowed = 0;

	for (i = 0; i < 20; i++) {
		tat = ratelimit_gcra(tat, 7, 1, NOW, &r);
		allowed += r.allowed;
	}
	cr_assert_eq(allowed, 7);
}

/* More requests per window than microseconds in it. */
Test(ratelimit_gcra, limit_above_clock_resolution)
{
	struct ratelimit_result r;
	uint64_t tat = 0;
	int i, allowed = 0;

	for (i = 0; i < 3000; i++) {
		tat = ratelimit_gcra(tat, 2000000, 1, NOW, &r);
		allowed += r.allowed;
	}
	cr_assert_eq(allowed, 3000);
	cr_assert_gt(tat, NOW);
}

Test(ratelimit_key, never_zero_and_depends_on_both_parts)
{
	uint64_t a = ratelimit_key(0, "10.0.0.1");

	cr_assert_neq(a, 0);
	cr_assert_eq(a, ratelimit_key(0, "10.0.0.1"));
	cr_assert_neq(a, ratelimit_key(1, "10.0.0.1"));
	cr_assert_neq(a, ratelimit_key(0, "10.0.0.2"));
	cr_assert_neq(ratelimit_key(0, NULL), 0);
	cr_assert_eq(ratelimit_key(0, NULL), ratelimit_key(0, ""));
}

/* Neighbouring addresses must spread over slots, not share a run. */
Test(ratelimit_key, low_bits_spread)
{
	static unsigned char used[SHM_RL_SLOTS];
	char subject[32];
	int i, distinct = 0;

	for (i = 0; i < 1000; i++) {
		snprintf(subject, sizeof(subject), "192.168.0.%d", i);
		uint64_t idx = ratelimit_key(0, subject) & (SHM_RL_SLOTS - 1);
		if (!used[idx]++)
			distinct++;
	}
	cr_assert_gt(distinct, 950);
}

/* The subject of addr, in one of four rotating buffers so that two
 * calls can be compared. */
static const char *subject(const char *addr, unsigned prefix)
{
	static char buf[4][128];
	static unsigned n;
	char *out = buf[n++ % 4];

	cr_assert_eq(ratelimit_addr_subject(addr, prefix, out, 128), 0,
		"%s", addr);
	return out;
}

Test(ratelimit_subject, ipv4_is_keyed_on_the_address)
{
	cr_assert_str_eq(subject("192.0.2.7", 64), "ip:192.0.2.7");
	cr_assert_str_neq(subject("192.0.2.7", 64), subject("192.0.2.8", 64));
	/* An IPv4-mapped IPv6 address is the same client as its IPv4 one. */
	cr_assert_str_eq(subject("::ffff:192.0.2.7", 64), "ip:192.0.2.7");
}

/* One IPv6 client usually holds a whole /64: every address of it must
 * land in one bucket, or it has 2^64 of them. */
Test(ratelimit_subject, ipv6_is_keyed_on_the_network)
{
	cr_assert_str_eq(subject("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64),
		"ip6:2001:db8:1:2::/64");
	cr_assert_str_eq(subject("2001:db8:1:2::1", 64),
		subject("2001:db8:1:2:ffff:ffff:ffff:ffff", 64));
	cr_assert_str_neq(subject("2001:db8:1:2::1", 64),
		subject("2001:db8:1:3::1", 64));
	/* Zones and spellings of one address agree. */
	cr_assert_str_eq(subject("fe80::1%eth0", 64), "ip6:fe80::/64");
	cr_assert_str_eq(subject("2001:DB8:1:2:0:0:0:1", 64),
		"ip6:2001:db8:1:2::/64");
	/* The prefix is the operator's: 0 means the default. */
	cr_assert_str_eq(subject("2001:db8:1:2::1", 0), "ip6:2001:db8:1:2::/64");
	cr_assert_str_eq(subject("2001:db8:1:2::1", 128),
		"ip6:2001:db8:1:2::1/128");
	cr_assert_str_eq(subject("2001:db8:1:2ff::1", 56),
		"ip6:2001:db8:1:200::/56");
	cr_assert_str_eq(subject("2001:db8:abcd:12::1", 48),
		"ip6:2001:db8:abcd::/48");
	cr_assert_str_eq(subject("2001:db8:abcd:12::1", 33),
		"ip6:2001:db8:8000::/33");
	cr_assert_str_eq(subject("2001:db9:abcd:12::1", 32),
		"ip6:2001:db9::/32");
}

Test(ratelimit_subject, other_text_is_kept_and_short_buffers_refused)
{
	char small[8];

	cr_assert_str_eq(subject("", 64), "ip:");
	cr_assert_str_eq(subject("not:an:address", 64), "ip:not:an:address");
	cr_assert_eq(ratelimit_addr_subject(NULL, 64, small, sizeof(small)), 0);
	cr_assert_str_eq(small, "ip:");
	cr_assert_eq(ratelimit_addr_subject("2001:db8::1", 64, small,
		sizeof(small)), DF_ETOOBIG);
}

Test(ratelimit_take, without_segment_allows_all)
{
	struct ratelimit_result r;
	int i;

	for (i = 0; i < 5; i++) {
		cr_assert_eq(ratelimit_take(NULL, 42, 1, 60, NOW, &r), 0);
		cr_assert_eq(r.allowed, 1);
	}
}

Test(ratelimit_take, limits_each_key_separately)
{
	struct shm_segment *seg = mem_segment();
	struct ratelimit_result r;
	uint64_t a = ratelimit_key(0, "a"), b = ratelimit_key(0, "b");
	uint32_t i;

	for (i = 0; i < 3; i++) {
		ratelimit_take(seg, a, 3, 60, NOW, &r);
		cr_assert_eq(r.allowed, 1);
		cr_assert_eq(r.remaining, 2 - i);
	}
	ratelimit_take(seg, a, 3, 60, NOW, &r);
	cr_assert_eq(r.allowed, 0);
	cr_assert_eq(r.retry_after_s, 20);
	ratelimit_take(seg, b, 3, 60, NOW, &r);
	cr_assert_eq(r.allowed, 1);
	cr_assert_eq(r.remaining, 2);
	free(seg);
}

/* Keys that share their low bits all probe the same run of slots. */
static uint64_t colliding_key(unsigned n)
{
	return 77 + (uint64_t)(n + 1) * SHM_RL_SLOTS;
}

Test(ratelimit_take, full_run_evicts_oldest_bucket)
{
	struct shm_segment *seg = mem_segment();
	struct ratelimit_result r;
	unsigned i, j;

	/* Fill the run; key 3 is the one idle longest. */
	for (i = 0; i < SHM_RL_PROBES; i++) {
		uint64_t at = i == 3 ? NOW - 100 * S : NOW + i;
		ratelimit_take(seg, colliding_key(i), 2, 60, at, &r);
		cr_assert_eq(r.allowed, 1);
	}
	for (i = 0; i < SHM_RL_PROBES; i++)
		cr_assert_eq(seg->rl[77 + i].key, colliding_key(i));

	ratelimit_take(seg, colliding_key(100), 2, 60, NOW + 10, &r);
	cr_assert_eq(r.allowed, 1);
	cr_assert_eq(r.remaining, 1);
	cr_assert_eq(seg->rl[77 + 3].key, colliding_key(100));

	/* The others kept their buckets: one token left each. */
	for (i = 0; i < SHM_RL_PROBES; i++) {
		if (i == 3)
			continue;
		ratelimit_take(seg, colliding_key(i), 2, 60, NOW + 10, &r);
		cr_assert_eq(r.allowed, 1, "key %u", i);
		cr_assert_eq(r.remaining, 0, "key %u", i);
	}
	/* The evicted key comes back with a full bucket, evicting in turn. */
	ratelimit_take(seg, colliding_key(3), 2, 60, NOW + 10, &r);
	cr_assert_eq(r.allowed, 1);
	cr_assert_eq(r.remaining, 1);
	for (i = 0, j = 0; i < SHM_RL_PROBES; i++)
		j += seg->rl[77 + i].key == colliding_key(3);
	cr_assert_eq(j, 1);
	free(seg);
}

Test(ratelimit_take, run_wraps_at_end_of_table)
{
	struct shm_segment *seg = mem_segment();
	struct ratelimit_result r;
	uint64_t base = SHM_RL_SLOTS - 2;
	unsigned i;

	for (i = 0; i < SHM_RL_PROBES; i++) {
		ratelimit_take(seg, base + (uint64_t)(i + 1) * SHM_RL_SLOTS, 1,
			60, NOW, &r);
		cr_assert_eq(r.allowed, 1);
	}
	cr_assert_eq(seg->rl[0].key, base + 3 * SHM_RL_SLOTS);
	cr_assert_eq(seg->rl[SHM_RL_PROBES - 3].key,
		base + SHM_RL_PROBES * SHM_RL_SLOTS);
	free(seg);
}

#define RL_PROCS 4
#define RL_TRIES 20000
#define RL_LIMIT 50000

/* Shared with the children: their total and a start line, so that they
 * all race for the same bucket at once. */
struct rl_race {
	uint64_t allowed;
	uint64_t ready;
};

Test(ratelimit_take, limit_holds_across_processes)
{
	char name[64];
	struct shm_segment *seg;
	struct rl_race *race;
	pid_t pids[RL_PROCS];
	int i, status, failed;

	snprintf(name, sizeof(name), "/dftest-rl-%ld", (long)getpid());
	cr_assert_eq(shm_unlink_name(name), 0);
	cr_assert_eq(shm_attach(name, &seg), 0);
	race = mmap(NULL, sizeof(*race), PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(race, MAP_FAILED);
	memset(race, 0, sizeof(*race));

	for (i = 0; i < RL_PROCS; i++) {
		pids[i] = fork();
		cr_assert_geq(pids[i], 0);
		if (pids[i] == 0) {
			struct shm_segment *mine;
			struct ratelimit_result r;
			uint64_t n = 0, key = ratelimit_key(0, "hammer");
			int j;

			if (shm_attach(name, &mine) != 0)
				_exit(2);
			shm_add(&race->ready, 1);
			while (shm_load(&race->ready) < RL_PROCS)
				sched_yield();
			for (j = 0; j < RL_TRIES; j++) {
				ratelimit_take(mine, key, RL_LIMIT, 3600, NOW,
					&r);
				n += (uint64_t)r.allowed;
			}
			shm_add(&race->allowed, n);
			_exit(0);
		}
	}
	for (i = 0, failed = 0; i < RL_PROCS; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] ||
				!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	cr_assert_eq(shm_unlink_name(name), 0);
	cr_assert_eq(failed, 0);
	cr_assert_eq(race->allowed, RL_LIMIT, "allowed %llu of %d",
		(unsigned long long)race->allowed, RL_LIMIT);
	shm_detach(seg);
	munmap(race, sizeof(*race));
}
