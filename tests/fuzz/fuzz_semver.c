/* libFuzzer target for SemVer versions and ranges. The input is one text,
 * or two split at the first newline (else at the middle). Every version
 * that parses must format back to exactly its text and compare equal to
 * its re-parse, must satisfy the ranges made of itself, and two versions
 * must compare antisymmetrically; every range that parses must match
 * without harm. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "semver.h"

#define IN_MAX 1024

static char whole[IN_MAX + 1], left[IN_MAX + 1], right[IN_MAX + 1];
static struct semver_range range;

static int sign(int r)
{
	return (r > 0) - (r < 0);
}

static int same(const struct semver *a, const struct semver *b)
{
	return a->major == b->major && a->minor == b->minor &&
		a->patch == b->patch && strcmp(a->pre, b->pre) == 0 &&
		strcmp(a->build, b->build) == 0;
}

/* op + s (+ tail + s) as a range must (want = 1) or must not (want = 0)
 * admit v, the version s parsed to. A caret or tilde bound past 2^64-1 is
 * refused, so those may fail to parse when a number is at the maximum. */
static void expect_self(const char *op, const char *s, const char *tail,
	const struct semver *v, int want)
{
	int at_max = v->major == UINT64_MAX || v->minor == UINT64_MAX ||
		v->patch == UINT64_MAX;
	char text[SEMVER_RANGE_MAX_LEN + 1];
	int n = snprintf(text, sizeof(text), "%s%s%s%s", op, s, tail,
		tail[0] ? s : "");

	if (n < 0 || (size_t)n >= sizeof(text))
		return;
	if (semver_range_parse(text, &range) != 0) {
		if (at_max && (op[0] == '^' || op[0] == '~'))
			return;
		__builtin_trap();
	}
	if (semver_range_match(&range, v) != want)
		__builtin_trap();
}

/* Parses s as a version and checks what must hold; 1 when it parsed. */
static int check_version(const char *s, struct semver *v)
{
	struct semver again;
	char buf[SEMVER_MAX_LEN + 1];
	int rc = semver_parse(s, v);

	if (semver_valid(s) != (rc == 0))
		__builtin_trap();
	if (rc != 0) {
		if (v->major || v->minor || v->patch || v->pre[0] || v->build[0])
			__builtin_trap();
		return 0;
	}
	if (semver_format(v, buf, sizeof(buf)) != 0 || strcmp(buf, s) != 0)
		__builtin_trap();
	if (semver_parse(buf, &again) != 0 || !same(v, &again) ||
	    semver_cmp(v, &again) != 0 || semver_cmp(v, v) != 0)
		__builtin_trap();

	expect_self("", s, "", v, 1);
	expect_self("=", s, "", v, 1);
	expect_self(">=", s, "", v, 1);
	expect_self("<=", s, "", v, 1);
	expect_self("^", s, "", v, 1);
	expect_self("~", s, "", v, 1);
	expect_self("<", s, "", v, 0);
	expect_self(">", s, "", v, 0);
	expect_self("", s, " - ", v, 1);
	expect_self(">=", s, " <=", v, 1);
	expect_self("<", s, " || ", v, 1);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"0.0.0", "1.0.0", "1.2.3", "1.2.3-beta", "2.0.0-0",
		"18446744073709551615.18446744073709551615.18446744073709551615",
	};
	struct semver a, b, p;
	size_t n = size > IN_MAX ? IN_MAX : size, cut, len;
	const char *nl;
	int have_a, have_b, r1, r2, m, i;

	memcpy(whole, data, n);
	whole[n] = '\0';
	len = strlen(whole);
	nl = memchr(whole, '\n', len);
	cut = nl != NULL ? (size_t)(nl - whole) : len / 2;
	memcpy(left, whole, cut);
	left[cut] = '\0';
	len -= cut + (nl != NULL);
	memcpy(right, whole + cut + (nl != NULL), len);
	right[len] = '\0';

	(void)check_version(whole, &p);
	have_a = check_version(left, &a);
	have_b = check_version(right, &b);
	if (have_a && have_b) {
		r1 = semver_cmp(&a, &b);
		r2 = semver_cmp(&b, &a);
		if (sign(r1) != -sign(r2))
			__builtin_trap();
		/* Strict text is canonical: equal precedence is equal
		 * triple and equal pre-release text. */
		if ((r1 == 0) != (a.major == b.major && a.minor == b.minor &&
		    a.patch == b.patch && strcmp(a.pre, b.pre) == 0))
			__builtin_trap();
	}

	/* The whole input and the left half as ranges. */
	if (semver_range_valid(whole) != (semver_range_parse(whole, &range) == 0))
		__builtin_trap();
	if (semver_range_parse(left, &range) == 0) {
		if (range.nsets == 0 || range.nsets > SEMVER_RANGE_MAX_SETS)
			__builtin_trap();
		if (have_b) {
			m = semver_range_match(&range, &b);
			if (m != 0 && m != 1)
				__builtin_trap();
		}
		for (i = 0; i < (int)(sizeof(probes) / sizeof(probes[0])); i++) {
			if (semver_parse(probes[i], &p) != 0)
				__builtin_trap();
			(void)semver_range_match(&range, &p);
		}
	} else if (range.nsets != 0) {
		__builtin_trap();
	}
	return 0;
}
