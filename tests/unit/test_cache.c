/* Unit tests of the response cache's pure parts: hits, stale stamps,
 * eviction by entries and by bytes in LRU order, refusal of oversize
 * answers, stored headers, the ETag of a body and If-None-Match
 * matching; and the stamp over a segment in ordinary memory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

Test(cache, stale_stamp_misses_and_drops_the_entry)
{
	cr_assert_eq(cache_init(16, 1 << 20), 0);
	cr_assert_eq(store("/k?", 3, "old"), 0);
	cr_assert_null(cache_lookup("/k?", 4));
	cr_assert_eq(cache_count(), 0, "the stale entry is gone");
	cr_assert_eq(cache_bytes(), 0);
	/* Gone for good: even its own stamp no longer finds it. */
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

Test(cache, eviction_by_entries_drops_the_least_recently_used)
{
	cr_assert_eq(cache_init(3, 1 << 20), 0);
	cr_assert_eq(store("/a?", 0, "a"), 0);
	cr_assert_eq(store("/b?", 0, "b"), 0);
	cr_assert_eq(store("/c?", 0, "c"), 0);
	/* A use makes /a the most recent: /b is now the oldest. */
	expect_body("/a?", 0, "a");
	cr_assert_eq(store("/d?", 0, "d"), 0);
	cr_assert_eq(cache_count(), 3);
	cr_assert_null(cache_lookup("/b?", 0));
	expect_body("/a?", 0, "a");
	expect_body("/c?", 0, "c");
	expect_body("/d?", 0, "d");
}

Test(cache, eviction_by_bytes_drops_oldest_until_it_fits)
{
	char body[1000];
	size_t one;

	memset(body, 'x', sizeof(body));
	cr_assert_eq(cache_init(100, 1 << 20), 0);
	cr_assert_eq(cache_store("/1?", 0, NULL, body, sizeof(body), "\"t\"",
		NULL, 0), 0);
	one = cache_bytes();
	cr_assert_gt(one, sizeof(body));
	cache_free();

	/* Room for three such entries, not four. */
	cr_assert_eq(cache_init(100, 3 * one + one / 2), 0);
	cr_assert_eq(cache_store("/1?", 0, NULL, body, sizeof(body), "\"t\"",
		NULL, 0), 0);
	cr_assert_eq(cache_store("/2?", 0, NULL, body, sizeof(body), "\"t\"",
		NULL, 0), 0);
	cr_assert_eq(cache_store("/3?", 0, NULL, body, sizeof(body), "\"t\"",
		NULL, 0), 0);
	cr_assert_not_null(cache_lookup("/1?", 0));
	cr_assert_eq(cache_store("/4?", 0, NULL, body, sizeof(body), "\"t\"",
		NULL, 0), 0);
	cr_assert_eq(cache_count(), 3);
	cr_assert_leq(cache_bytes(), 3 * one + one / 2);
	cr_assert_null(cache_lookup("/2?", 0), "the oldest unused goes first");
	cr_assert_not_null(cache_lookup("/1?", 0));
	cr_assert_not_null(cache_lookup("/3?", 0));
	cr_assert_not_null(cache_lookup("/4?", 0));
}

Test(cache, answer_larger_than_the_budget_is_refused_and_evicts_nothing)
{
	char *big;

	cr_assert_eq(cache_init(16, 8192), 0);
	cr_assert_eq(store("/small?", 0, "s"), 0);
	big = malloc(8192);
	cr_assert_not_null(big);
	memset(big, 'b', 8192);
	cr_assert_eq(cache_store("/big?", 0, NULL, big, 8192, "\"t\"", NULL, 0),
		DF_ETOOBIG);
	free(big);
	cr_assert_null(cache_lookup("/big?", 0));
	expect_body("/small?", 0, "s");
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
