/* Unit tests of the shared response cache: hits, stale stamps, eviction
 * of a bucket's least recently used way, refusal of answers bigger than
 * a slot, torn copies never served, one cache seen by forked processes,
 * stored headers, the ETag of a body and If-None-Match
 * matching; and the stamp over a segment in ordinary memory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cache.h"
#include "err.h"
#include "http.h"
#include "shm.h"

static void teardown(void)
{
	cache_free();
}

TestSuite(cache, .fini = teardown);
TestSuite(cache_etag, .fini = teardown);

static int store(const char *key, uint64_t gen, const char *body)
{
	return cache_store(key, gen, "text/plain", body, strlen(body),
		"\"tag\"", NULL, 0);
}

static void expect_body(const char *key, uint64_t gen, const char *want)
{
	const struct cache_entry *e = cache_lookup(key, gen);

	cr_assert_not_null(e, "miss for %s", key);
	cr_assert_eq(e->body_len, strlen(want));
	cr_assert_eq(memcmp(e->body, want, e->body_len), 0);
}

Test(cache, stored_answer_is_a_hit_with_everything_kept)
{
	struct http_kv h[] = { { "Link", "</next>; rel=\"next\"", 19 } };
	const struct cache_entry *e;

	cr_assert_eq(cache_init(16, 1 << 20), 0);
	cr_assert_eq(cache_store("/a?x=1", 7, "application/json", "{\"a\":1}", 7,
		"\"e1\"", h, 1), 0);
	e = cache_lookup("/a?x=1", 7);
	cr_assert_not_null(e);
	cr_assert_str_eq(e->content_type, "application/json");
	cr_assert_eq(e->body_len, 7);
	cr_assert_eq(memcmp(e->body, "{\"a\":1}", 7), 0);
	cr_assert_str_eq(e->etag, "\"e1\"");
	cr_assert_eq(e->nheaders, 1);
	cr_assert_str_eq(e->headers[0].name, "Link");
	cr_assert_str_eq(e->headers[0].value, "</next>; rel=\"next\"");
	cr_assert_null(cache_lookup("/a?x=2", 7), "another query is another key");
	cr_assert_null(cache_lookup("/a", 7));
	cr_assert_eq(cache_count(), 1);
}

Test(cache, stale_stamp_misses_and_a_new_store_replaces_it)
{
	cr_assert_eq(cache_init(16, 1 << 20), 0);
	cr_assert_eq(store("/k?", 3, "old"), 0);
	cr_assert_null(cache_lookup("/k?", 4), "another generation: a miss");
	cr_assert_eq(store("/k?", 4, "new"), 0);
	cr_assert_eq(cache_count(), 1, "the stale copy was replaced");
	expect_body("/k?", 4, "new");
	cr_assert_null(cache_lookup("/k?", 3));
}

Test(cache, store_replaces_an_entry_of_the_same_key)
{
	cr_assert_eq(cache_init(16, 1 << 20), 0);
	cr_assert_eq(store("/k?", 1, "first"), 0);
	cr_assert_eq(store("/k?", 2, "second"), 0);
	cr_assert_eq(cache_count(), 1);
	expect_body("/k?", 2, "second");
}

/* Recency is kept in milliseconds of a coarse clock: the pauses only
 * make the order of the uses visible to it. */
static void pause_ms(unsigned ms)
{
	usleep(ms * 1000u);
}

Test(cache, full_bucket_evicts_its_least_recently_used_way)
{
	/* 8 KiB of 2 KiB slots: one bucket of four ways. */
	cr_assert_eq(cache_init(4, 8192), 0);
	cr_assert_eq(store("/a?", 0, "a"), 0);
	pause_ms(30);
	cr_assert_eq(store("/b?", 0, "b"), 0);
	pause_ms(30);
	cr_assert_eq(store("/c?", 0, "c"), 0);
	pause_ms(30);
	cr_assert_eq(store("/d?", 0, "d"), 0);
	pause_ms(30);
	/* A use makes /a the most recent: /b is now the oldest. */
	expect_body("/a?", 0, "a");
	pause_ms(30);
	cr_assert_eq(store("/e?", 0, "e"), 0);
	cr_assert_eq(cache_count(), 4);
	cr_assert_null(cache_lookup("/b?", 0));
	expect_body("/a?", 0, "a");
	expect_body("/c?", 0, "c");
	expect_body("/d?", 0, "d");
	expect_body("/e?", 0, "e");
}

Test(cache, answer_bigger_than_a_slot_is_refused_and_evicts_nothing)
{
	size_t max;
	char *big;

	/* 8 KiB buys 2 KiB slots only. */
	cr_assert_eq(cache_init(16, 8192), 0);
	max = cache_max_answer();
	cr_assert_eq(max, 2048 - 64);
	cr_assert_eq(store("/small?", 0, "s"), 0);
	big = malloc(max);
	cr_assert_not_null(big);
	memset(big, 'b', max);
	cr_assert_eq(cache_store("/big?", 0, NULL, big, max, "\"t\"", NULL, 0),
		DF_ETOOBIG);
	/* Key, tag and NULs count too: this one just fits. */
	cr_assert_eq(cache_store("/big?", 0, NULL, big,
		max - strlen("/big?") - 1 - 1 - strlen("\"t\"") - 1 - 1,
		"\"t\"", NULL, 0), 0);
	free(big);
	expect_body("/small?", 0, "s");
	cr_assert_not_null(cache_lookup("/big?", 0));
}

Test(cache, default_budget_keeps_answers_up_to_128_kib)
{
	char *body = malloc(120 * 1024);

	cr_assert_not_null(body);
	memset(body, 'x', 120 * 1024);
	cr_assert_eq(cache_init(1024, 16u << 20), 0);
	cr_assert_eq(cache_max_answer(), 128 * 1024 - 64);
	cr_assert_eq(cache_store("/big?", 5, "application/json", body,
		120 * 1024, "\"t\"", NULL, 0), 0);
	cr_assert_eq(cache_store("/small?", 5, "application/json", body, 100,
		"\"t\"", NULL, 0), 0);
	cr_assert_not_null(cache_lookup("/big?", 5));
	cr_assert_eq(cache_lookup("/small?", 5)->body_len, 100);
	/* An answer that outgrows its class moves, leaving no old copy. */
	cr_assert_eq(cache_store("/small?", 6, "application/json", body, 5000,
		"\"t\"", NULL, 0), 0);
	cr_assert_eq(cache_count(), 2);
	cr_assert_eq(cache_lookup("/small?", 6)->body_len, 5000);
	free(body);
}

Test(cache, torn_slot_is_a_miss_and_is_taken_over_when_stuck)
{
	/* One slot only, so the stuck one is the only place to write. */
	cr_assert_eq(cache_init(1, 2048), 0);
	cr_assert_eq(store("/t?", 1, "whole"), 0);
	expect_body("/t?", 1, "whole");
	cr_assert_eq(cache_test_tear("/t?"), 1);
	cr_assert_null(cache_lookup("/t?", 1), "a torn copy must never hit");
	/* Its writer may still be at work: nobody else writes it... */
	cr_assert_eq(store("/t?", 1, "again"), 0);
	cr_assert_null(cache_lookup("/t?", 1));
	/* ...until it has been odd for longer than a writer ever takes. */
	sleep(3);
	cr_assert_eq(store("/t?", 2, "taken over"), 0);
	expect_body("/t?", 2, "taken over");
}

Test(cache, processes_forked_after_init_share_every_entry)
{
	int to_child[2], status;
	char c = 0;
	pid_t pid;

	cr_assert_eq(cache_init(64, 1 << 20), 0);
	cr_assert_eq(pipe(to_child), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		const struct cache_entry *e;

		/* Wait for the parent's store made after the fork. */
		if (read(to_child[0], &c, 1) != 1)
			_exit(2);
		e = cache_lookup("/parent?", 9);
		if (e == NULL || e->body_len != 4 ||
		    memcmp(e->body, "mine", 4) != 0)
			_exit(3);
		_exit(store("/child?", 9, "theirs") == 0 ? 0 : 4);
	}
	cr_assert_null(cache_lookup("/child?", 9));
	cr_assert_eq(store("/parent?", 9, "mine"), 0);
	cr_assert_eq(write(to_child[1], "g", 1), 1);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"the child did not see the parent's entry (%d)", status);
	expect_body("/child?", 9, "theirs");
	close(to_child[0]);
	close(to_child[1]);
}

Test(cache, disabled_cache_keeps_nothing)
{
	cr_assert_eq(cache_init(0, 1 << 20), 0);
	cr_assert_eq(store("/a?", 0, "a"), 0);
	cr_assert_null(cache_lookup("/a?", 0));
	cr_assert_eq(cache_count(), 0);
	cache_free();
	/* Never initialised (tools, tests) behaves the same. */
	cr_assert_eq(store("/a?", 0, "a"), 0);
	cr_assert_null(cache_lookup("/a?", 0));
}

Test(cache, empty_body_and_no_content_type_are_kept)
{
	const struct cache_entry *e;

	cr_assert_eq(cache_init(4, 1 << 20), 0);
	cr_assert_eq(cache_store("/e?", 1, NULL, NULL, 0, "\"t\"", NULL, 0), 0);
	e = cache_lookup("/e?", 1);
	cr_assert_not_null(e);
	cr_assert_null(e->content_type);
	cr_assert_eq(e->body_len, 0);
	cr_assert_eq(cache_store("/f?", 1, NULL, NULL, 3, "\"t\"", NULL, 0),
		DF_EINVAL, "a length without a body");
}

Test(cache, many_keys_stay_within_both_bounds)
{
	char key[32], body[64];
	int i;

	cr_assert_eq(cache_init(50, 6000), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/k/%d?", i);
		snprintf(body, sizeof(body), "body %d", i);
		cr_assert_eq(store(key, (uint64_t)i, body), 0);
		cr_assert_leq(cache_count(), 50);
		cr_assert_leq(cache_bytes(), 6000);
	}
	expect_body("/k/999?", 999, "body 999");
}

/* ---- ETag ---- */

Test(cache_etag, is_quoted_hex_stable_and_depends_on_the_body)
{
	char a[CACHE_ETAG_SIZE], b[CACHE_ETAG_SIZE], c[CACHE_ETAG_SIZE];
	size_t i;

	cache_etag("hello", 5, a);
	cache_etag("hello", 5, b);
	cache_etag("hellp", 5, c);
	cr_assert_eq(strlen(a), 34);
	cr_assert_eq(a[0], '"');
	cr_assert_eq(a[33], '"');
	for (i = 1; i < 33; i++)
		cr_assert(strchr("0123456789abcdef", a[i]) != NULL);
	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c);
	/* SHA-256("hello") starts 2cf24dba5fb0a30e26e83b2ac5b9e29e. */
	cr_assert_str_eq(a, "\"2cf24dba5fb0a30e26e83b2ac5b9e29e\"");
}

Test(cache_etag, if_none_match_single_and_list)
{
	cr_assert(cache_etag_matches("\"abc\"", "\"abc\""));
	cr_assert_not(cache_etag_matches("\"abd\"", "\"abc\""));
	cr_assert(cache_etag_matches("\"x\", \"abc\"", "\"abc\""));
	cr_assert(cache_etag_matches("\"x\",\"y\" ,\t\"abc\"", "\"abc\""));
	cr_assert_not(cache_etag_matches("\"x\", \"y\"", "\"abc\""));
	/* Empty list elements are allowed (RFC 9110 5.6.1). */
	cr_assert(cache_etag_matches(" , \"abc\", ,", "\"abc\""));
}

Test(cache_etag, if_none_match_compares_weakly)
{
	cr_assert(cache_etag_matches("W/\"abc\"", "\"abc\""));
	cr_assert(cache_etag_matches("\"abc\"", "W/\"abc\""));
	cr_assert(cache_etag_matches("\"q\", W/\"abc\"", "\"abc\""));
	cr_assert_not(cache_etag_matches("w/\"abc\"", "\"abc\""),
		"the weak prefix is case-sensitive");
}

Test(cache_etag, if_none_match_star_matches_any)
{
	cr_assert(cache_etag_matches("*", "\"abc\""));
	cr_assert(cache_etag_matches(" * ", "\"abc\""));
	cr_assert_not(cache_etag_matches("*, \"abc\"", "\"abc\""));
}

Test(cache_etag, if_none_match_garbage_and_empty_never_match)
{
	cr_assert_not(cache_etag_matches(NULL, "\"abc\""));
	cr_assert_not(cache_etag_matches("", "\"abc\""));
	cr_assert_not(cache_etag_matches("   ", "\"abc\""));
	cr_assert_not(cache_etag_matches(",", "\"abc\""));
	cr_assert_not(cache_etag_matches("abc", "\"abc\""), "unquoted");
	cr_assert_not(cache_etag_matches("\"abc", "\"abc\""), "unterminated");
	cr_assert_not(cache_etag_matches("\"abc\" \"abc\"", "\"abc\""),
		"no comma");
	cr_assert_not(cache_etag_matches("\"abc\", junk", "\"abc\""),
		"one bad element spoils the field");
	cr_assert_not(cache_etag_matches("\"a bc\"", "\"a bc\""),
		"space is not an etagc");
	cr_assert_not(cache_etag_matches("\"abc\"", "abc"),
		"our own tag malformed");
	cr_assert_not(cache_etag_matches("\"abc\"", NULL));
}

/* ---- stamps over a segment ---- */

Test(cache, stamp_sums_the_route_generations_and_moves_on_bump)
{
	struct shm_segment *seg = calloc(1, sizeof(*seg));
	uint64_t s0, s1, other;

	cr_assert_not_null(seg);
	cr_assert_eq(cache_stamp(1u << 3), 0, "no segment: 0");
	shm_init_memory(seg);
	shm_current = seg;
	s0 = cache_stamp((1ull << 3) | (1ull << 63));
	other = cache_stamp(1ull << 5);
	cache_invalidate(3);
	s1 = cache_stamp((1ull << 3) | (1ull << 63));
	cr_assert_gt(s1, s0);
	cr_assert_eq(cache_stamp(1ull << 5), other,
		"a generation the route does not name is unchanged");
	cache_invalidate(63);
	cr_assert_gt(cache_stamp((1ull << 3) | (1ull << 63)), s1);
	cache_invalidate(SHM_CACHE_GENERATIONS); /* out of range: ignored */
	shm_current = NULL;
	free(seg);
}
