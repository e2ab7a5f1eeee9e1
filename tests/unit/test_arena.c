/* Unit tests of the per-request arena: alignment, overflow refusal,
 * growth past a chunk, reset and the order of deferred cleanups. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "arena.h"
#include "err.h"

Test(arena_alloc, returns_16_byte_aligned_pointers)
{
	struct arena *a = arena_new(512);
	size_t sizes[] = { 1, 3, 7, 16, 17, 33, 100, 1, 255, 1000, 5 };
	size_t i;

	cr_assert_not_null(a);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = arena_alloc(a, sizes[i]);

		cr_assert_not_null(p);
		cr_assert_eq((uintptr_t)p % 16, 0, "size %zu misaligned", sizes[i]);
		memset(p, 0xab, sizes[i]);
	}
	arena_free(a);
}

Test(arena_alloc, refuses_size_overflow)
{
	struct arena *a = arena_new(0);

	cr_assert_null(arena_alloc(a, SIZE_MAX));
	cr_assert_null(arena_alloc(a, SIZE_MAX - 8));
	cr_assert_eq(arena_used(a), 0);
	arena_free(a);
}

Test(arena_calloc, refuses_multiplication_overflow)
{
	struct arena *a = arena_new(0);

	cr_assert_null(arena_calloc(a, SIZE_MAX / 2, 3));
	cr_assert_null(arena_calloc(a, (size_t)1 << (sizeof(size_t) * 4),
		(size_t)1 << (sizeof(size_t) * 4)));
	arena_free(a);
}

Test(arena_calloc, returns_zeroed_memory_after_reuse)
{
	struct arena *a = arena_new(256);
	unsigned char *p;
	size_t i;

	p = arena_alloc(a, 200);
	memset(p, 0xff, 200);
	arena_reset(a);
	p = arena_calloc(a, 50, 4);
	cr_assert_not_null(p);
	for (i = 0; i < 200; i++)
		cr_assert_eq(p[i], 0, "byte %zu not zeroed", i);
	arena_free(a);
}

Test(arena_alloc, grows_past_one_chunk_and_keeps_earlier_data)
{
	struct arena *a = arena_new(256);
	char *ptrs[100];
	int i;

	for (i = 0; i < 100; i++) {
		ptrs[i] = arena_printf(a, "item-%d", i);
		cr_assert_not_null(ptrs[i]);
	}
	/* A piece larger than a chunk gets its own. */
	char *big = arena_alloc(a, 10000);
	cr_assert_not_null(big);
	memset(big, 'x', 10000);
	for (i = 0; i < 100; i++) {
		char want[16];

		snprintf(want, sizeof(want), "item-%d", i);
		cr_assert_str_eq(ptrs[i], want);
	}
	cr_assert_geq(arena_used(a), 100 * 16 + 10000);
	arena_free(a);
}

Test(arena_reset, empties_the_arena_and_reuses_the_first_chunk)
{
	struct arena *a = arena_new(1024);
	void *first, *again;

	first = arena_alloc(a, 10);
	arena_alloc(a, 5000);
	arena_alloc(a, 800);
	cr_assert_gt(arena_used(a), 5000);
	arena_reset(a);
	cr_assert_eq(arena_used(a), 0);
	again = arena_alloc(a, 10);
	cr_assert_eq(again, first, "first chunk not reused after reset");
	arena_free(a);
}

static char order_log[16];
static size_t order_n;

static void record(void *p)
{
	order_log[order_n++] = *(char *)p;
}

Test(arena_defer, runs_cleanups_last_in_first_out_at_reset)
{
	static char tags[] = "abc";
	struct arena *a = arena_new(0);

	order_n = 0;
	cr_assert_eq(arena_defer(a, record, &tags[0]), 0);
	cr_assert_eq(arena_defer(a, record, &tags[1]), 0);
	cr_assert_eq(arena_defer(a, record, &tags[2]), 0);
	cr_assert_eq(order_n, 0, "cleanup ran before reset");
	arena_reset(a);
	cr_assert_eq(order_n, 3);
	cr_assert_eq(memcmp(order_log, "cba", 3), 0, "order was %.3s", order_log);
	/* A reset arena holds no stale cleanups. */
	arena_reset(a);
	cr_assert_eq(order_n, 3);
	arena_free(a);
}

Test(arena_defer, runs_cleanups_at_free)
{
	static char tag = 'z';
	struct arena *a = arena_new(0);

	order_n = 0;
	cr_assert_eq(arena_defer(a, record, &tag), 0);
	arena_free(a);
	cr_assert_eq(order_n, 1);
	cr_assert_eq(order_log[0], 'z');
}

Test(arena_strndup, copies_at_most_n_bytes_and_terminates)
{
	struct arena *a = arena_new(0);
	char *s;

	s = arena_strndup(a, "abcdef", 3);
	cr_assert_str_eq(s, "abc");
	s = arena_strndup(a, "ab", 10);
	cr_assert_str_eq(s, "ab");
	s = arena_memdup(a, "x\0y", 3);
	cr_assert_eq(memcmp(s, "x\0y", 4), 0);
	cr_assert_str_eq(arena_strdup(a, ""), "");
	arena_free(a);
}

Test(arena_printf, formats_long_strings)
{
	struct arena *a = arena_new(256);
	char big[3000];
	char *s;

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_printf(a, "<%s|%d>", big, 42);
	cr_assert_not_null(s);
	cr_assert_eq(strlen(s), sizeof(big) - 1 + 5);
	cr_assert_eq(s[0], '<');
	cr_assert_str_eq(s + sizeof(big), "|42>");
	arena_free(a);
}

Test(arena_alloc, zero_size_gives_distinct_pointers)
{
	struct arena *a = arena_new(0);
	void *p = arena_alloc(a, 0), *q = arena_alloc(a, 0);

	cr_assert_not_null(p);
	cr_assert_not_null(q);
	cr_assert_neq(p, q);
	arena_free(a);
}

/* The next request of a worker reuses the regular chunks of the last one
 * (no malloc/free round trip per request), in the same order; large
 * pieces are given back. */
Test(arena_reset, keeps_regular_chunks_for_the_next_round)
{
	struct arena *a = arena_new(1024);
	void *first[8], *again[8], *big;
	size_t i;

	for (i = 0; i < 8; i++)
		first[i] = arena_alloc(a, 400);
	big = arena_alloc(a, 8192);
	cr_assert_not_null(big);
	memset(big, 1, 8192);
	arena_reset(a);
	for (i = 0; i < 8; i++) {
		again[i] = arena_alloc(a, 400);
		cr_assert_eq(again[i], first[i], "piece %zu moved", i);
		memset(again[i], 2, 400);
	}
	arena_free(a);
}
