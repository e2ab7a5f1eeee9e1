/* Unit tests for semver.c: the SemVer 2.0.0 specification's own examples
 * of valid and invalid versions and of precedence, the limits, and npm
 * range expansion and matching, pre-release rule included. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "semver.h"

static struct semver ver(const char *s)
{
	struct semver v;

	cr_assert_eq(semver_parse(s, &v), 0, "semver_parse(\"%s\") failed", s);
	return v;
}

static int cmp(const char *a, const char *b)
{
	struct semver va = ver(a), vb = ver(b);

	return semver_cmp(&va, &vb);
}

static int match(const char *range, const char *version)
{
	struct semver_range r;
	struct semver v = ver(version);

	cr_assert_eq(semver_range_parse(range, &r), 0,
		"semver_range_parse(\"%s\") failed", range);
	return semver_range_match(&r, &v);
}

/* A parsed range written back as npm prints it: comparators of a set
 * separated by a space, sets by "||", an empty set as "*". */
static void expand(const char *range, char *out, size_t len)
{
	static const char *const ops[] = { "", "<", "<=", ">", ">=" };
	struct semver_range r;
	char v[SEMVER_MAX_LEN + 1];
	size_t n = 0;
	unsigned i, j;

	cr_assert_eq(semver_range_parse(range, &r), 0,
		"semver_range_parse(\"%s\") failed", range);
	out[0] = '\0';
	for (i = 0; i < r.nsets; i++) {
		if (i > 0)
			n += (size_t)snprintf(out + n, len - n, "||");
		if (r.sets[i].ncmps == 0)
			n += (size_t)snprintf(out + n, len - n, "*");
		for (j = 0; j < r.sets[i].ncmps; j++) {
			cr_assert_eq(semver_format(&r.sets[i].cmps[j].v, v,
				sizeof(v)), 0);
			n += (size_t)snprintf(out + n, len - n, "%s%s%s",
				j > 0 ? " " : "", ops[r.sets[i].cmps[j].op], v);
		}
		cr_assert_lt(n, len);
	}
}

#define assert_expands(range, want) do { \
	char got_[1024]; \
	expand((range), got_, sizeof(got_)); \
	cr_assert_str_eq(got_, (want), "\"%s\" expanded to \"%s\"", (range), got_); \
} while (0)

/* --- versions ------------------------------------------------------------ */

Test(semver_parse, accepts_the_specifications_valid_examples)
{
	static const char *const ok[] = {
		"0.0.0", "1.9.0", "1.10.0", "1.11.0", "1.0.0",
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
		"1.0.0-x-y-z.--", "1.0.0-alpha+001", "1.0.0+20130313144700",
		"1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD",
		"1.0.0-alpha.beta", "1.0.0-beta.11", "1.0.0-rc.1",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert(semver_valid(ok[i]), "%s refused", ok[i]);
}

Test(semver_parse, refuses_the_specifications_invalid_forms)
{
	static const char *const bad[] = {
		"01.0.0", "1.01.0", "1.0.01", "1.0.0-01", "1.0.0-alpha.01",
		"1.0", "1", "1.0.0-", "1.0.0+", "1.0.0-alpha..1", "1.0.0-alpha.",
		"1.0.0-.alpha", "1.0.0+build..1", "1.0.0+build.", "v1.0.0",
		"V1.0.0", " 1.0.0", "1.0.0 ", "1.0.0\n", "1 .0.0", "1.0.0.0",
		"", "-1.0.0", "+1.0.0", "1..0", ".1.0.0", "1.0.0-al_pha",
		"1.0.0+b+c", "1.0.0-a+b-c+d", "1.0.0-caf\xc3\xa9", "a.b.c",
		"1.0.x", "1.0.0-alpha beta", "=1.0.0",
	};
	struct semver v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(semver_parse(bad[i], &v), DF_EINVAL,
			"\"%s\" accepted", bad[i]);
	cr_assert_eq(semver_parse(NULL, &v), DF_EINVAL);
	cr_assert_not(semver_valid(NULL));
	cr_assert_eq(semver_parse("1.0.0", NULL), DF_EINVAL);
}

Test(semver_parse, splits_fields_without_their_introducers)
{
	struct semver v = ver("1.2.3-beta.4+exp.sha.5114f85");

	cr_assert_eq(v.major, 1);
	cr_assert_eq(v.minor, 2);
	cr_assert_eq(v.patch, 3);
	cr_assert_str_eq(v.pre, "beta.4");
	cr_assert_str_eq(v.build, "exp.sha.5114f85");
	v = ver("10.20.30");
	cr_assert_eq(v.major, 10);
	cr_assert_str_eq(v.pre, "");
	cr_assert_str_eq(v.build, "");
	v = ver("1.0.0+001");
	cr_assert_str_eq(v.pre, "");
	cr_assert_str_eq(v.build, "001");
}

Test(semver_parse, allows_leading_zeros_only_where_the_spec_does)
{
	/* Build identifiers and alphanumeric pre-release identifiers may
	 * start with 0; numeric pre-release identifiers may not. */
	cr_assert(semver_valid("1.0.0+001.0002"));
	cr_assert(semver_valid("1.0.0-0a.00b"));
	cr_assert(semver_valid("1.0.0-0"));
	cr_assert(semver_valid("0.0.0-0.0"));
	cr_assert_not(semver_valid("1.0.0-00"));
	cr_assert_not(semver_valid("00.0.0"));
}

Test(semver_parse, takes_numbers_up_to_uint64_max_and_refuses_overflow)
{
	struct semver v = ver("18446744073709551615.18446744073709551615."
		"18446744073709551615");

	cr_assert_eq(v.major, UINT64_MAX);
	cr_assert_eq(v.minor, UINT64_MAX);
	cr_assert_eq(v.patch, UINT64_MAX);
	cr_assert_not(semver_valid("18446744073709551616.0.0"));
	cr_assert_not(semver_valid("0.18446744073709551616.0"));
	cr_assert_not(semver_valid("0.0.18446744073709551616"));
	cr_assert_not(semver_valid("99999999999999999999.0.0"));
	/* Pre-release numbers have no such limit: they compare as text. */
	cr_assert(semver_valid("1.0.0-99999999999999999999999999"));
}

Test(semver_parse, accepts_exactly_semver_max_len_bytes)
{
	char s[SEMVER_MAX_LEN + 2];
	struct semver v;

	memcpy(s, "1.0.0-", 6);
	memset(s + 6, 'a', SEMVER_MAX_LEN - 6);
	s[SEMVER_MAX_LEN] = '\0';
	cr_assert_eq(semver_parse(s, &v), 0);
	cr_assert_eq(strlen(v.pre), SEMVER_MAX_LEN - 6);
	s[SEMVER_MAX_LEN] = 'a';
	s[SEMVER_MAX_LEN + 1] = '\0';
	cr_assert_eq(semver_parse(s, &v), DF_EINVAL);

	memcpy(s, "1.0.0+", 6);
	memset(s + 6, 'b', SEMVER_MAX_LEN - 6);
	s[SEMVER_MAX_LEN] = '\0';
	cr_assert_eq(semver_parse(s, &v), 0);
	cr_assert_eq(strlen(v.build), SEMVER_MAX_LEN - 6);
}

Test(semver_parse, zeroes_the_output_on_failure)
{
	struct semver v = ver("1.2.3-rc.1+b");

	cr_assert_eq(semver_parse("1.2.3-", &v), DF_EINVAL);
	cr_assert_eq(v.major, 0);
	cr_assert_eq(v.minor, 0);
	cr_assert_eq(v.patch, 0);
	cr_assert_str_eq(v.pre, "");
	cr_assert_str_eq(v.build, "");
}

Test(semver_cmp, follows_the_specifications_precedence_chain)
{
	static const char *const chain[] = {
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
		"1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",
		"1.0.0", "2.0.0", "2.1.0", "2.1.1",
	};
	size_t n = sizeof(chain) / sizeof(chain[0]), i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int r = cmp(chain[i], chain[j]);

			if (i < j)
				cr_assert_lt(r, 0, "%s vs %s", chain[i], chain[j]);
			else if (i > j)
				cr_assert_gt(r, 0, "%s vs %s", chain[i], chain[j]);
			else
				cr_assert_eq(r, 0, "%s vs itself", chain[i]);
		}
}

Test(semver_cmp, compares_numbers_numerically)
{
	cr_assert_lt(cmp("1.9.0", "1.10.0"), 0);
	cr_assert_lt(cmp("1.10.0", "1.11.0"), 0);
	cr_assert_lt(cmp("0.0.9", "0.0.10"), 0);
	cr_assert_lt(cmp("9.0.0", "10.0.0"), 0);
	cr_assert_lt(cmp("18446744073709551614.0.0",
		"18446744073709551615.0.0"), 0);
	cr_assert_lt(cmp("1.0.0-2", "1.0.0-10"), 0);
}

Test(semver_cmp, compares_long_numeric_identifiers_without_overflow)
{
	cr_assert_lt(cmp("1.0.0-99999999999999999999",
		"1.0.0-100000000000000000000"), 0);
	cr_assert_gt(cmp("1.0.0-18446744073709551616",
		"1.0.0-18446744073709551615"), 0);
	cr_assert_eq(cmp("1.0.0-123456789012345678901234567890",
		"1.0.0-123456789012345678901234567890"), 0);
}

Test(semver_cmp, ranks_numeric_identifiers_below_alphanumeric)
{
	cr_assert_lt(cmp("1.0.0-999", "1.0.0-a"), 0);
	cr_assert_lt(cmp("1.0.0-1", "1.0.0-1a"), 0);
	cr_assert_lt(cmp("1.0.0-0", "1.0.0--"), 0);
	cr_assert_lt(cmp("1.0.0-alpha.9", "1.0.0-alpha.a"), 0);
}

Test(semver_cmp, compares_alphanumeric_identifiers_in_ascii_order)
{
	cr_assert_lt(cmp("1.0.0-Beta", "1.0.0-alpha"), 0);
	cr_assert_lt(cmp("1.0.0--", "1.0.0-0a"), 0);
	cr_assert_lt(cmp("1.0.0-alpha", "1.0.0-alphb"), 0);
	cr_assert_lt(cmp("1.0.0-alp", "1.0.0-alpha"), 0);
	cr_assert_lt(cmp("1.0.0-rc", "1.0.0-rc-1"), 0);
}

Test(semver_cmp, lets_the_longer_identifier_list_win)
{
	cr_assert_lt(cmp("1.0.0-alpha", "1.0.0-alpha.0"), 0);
	cr_assert_lt(cmp("1.0.0-a.b.c", "1.0.0-a.b.c.d"), 0);
	cr_assert_gt(cmp("1.0.0-a.b.c.1", "1.0.0-a.b.c"), 0);
}

Test(semver_cmp, ranks_a_prerelease_below_its_release)
{
	cr_assert_lt(cmp("1.0.0-0", "1.0.0"), 0);
	cr_assert_lt(cmp("1.0.0-zzz", "1.0.0"), 0);
	cr_assert_gt(cmp("1.0.1-0", "1.0.0"), 0);
}

Test(semver_cmp, ignores_build_metadata)
{
	cr_assert_eq(cmp("1.0.0+a", "1.0.0+b"), 0);
	cr_assert_eq(cmp("1.0.0", "1.0.0+20130313144700"), 0);
	cr_assert_eq(cmp("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta"), 0);
	cr_assert_lt(cmp("1.0.0-alpha+zzz", "1.0.0-beta+aaa"), 0);
}

Test(semver_cmp, sorts_null_first)
{
	struct semver v = ver("0.0.0");

	cr_assert_lt(semver_cmp(NULL, &v), 0);
	cr_assert_gt(semver_cmp(&v, NULL), 0);
	cr_assert_eq(semver_cmp(NULL, NULL), 0);
}

Test(semver_format, writes_back_what_was_parsed)
{
	static const char *const vs[] = {
		"0.0.0", "1.0.0-alpha+001", "1.0.0+21AF26D3----117B344092BD",
		"1.0.0-x-y-z.--", "18446744073709551615.0.1-rc.1",
	};
	char buf[SEMVER_MAX_LEN + 1];
	struct semver v;
	size_t i;

	for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		v = ver(vs[i]);
		cr_assert_eq(semver_format(&v, buf, sizeof(buf)), 0);
		cr_assert_str_eq(buf, vs[i]);
	}
}

Test(semver_format, refuses_a_buffer_too_small)
{
	struct semver v = ver("1.2.3-rc.1+b7");
	char buf[16];

	cr_assert_eq(semver_format(&v, buf, 14), 0);  /* 13 chars + NUL */
	cr_assert_str_eq(buf, "1.2.3-rc.1+b7");
	cr_assert_eq(semver_format(&v, buf, 13), DF_EINVAL);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(semver_format(&v, buf, 0), DF_EINVAL);
	cr_assert_eq(semver_format(&v, NULL, 16), DF_EINVAL);
	cr_assert_eq(semver_format(NULL, buf, sizeof(buf)), DF_EINVAL);
}

Test(semver_format, fits_any_parsed_version_in_max_len_plus_one)
{
	char s[SEMVER_MAX_LEN + 1], buf[SEMVER_MAX_LEN + 1];
	struct semver v;

	memcpy(s, "1.0.0-a+", 8);
	memset(s + 8, 'b', SEMVER_MAX_LEN - 8);
	s[SEMVER_MAX_LEN] = '\0';
	v = ver(s);
	cr_assert_eq(semver_format(&v, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, s);
}

/* --- ranges -------------------------------------------------------------- */

Test(semver_range, applies_each_operator_to_a_full_version)
{
	cr_assert(match("1.2.3", "1.2.3"));
	cr_assert(match("1.2.3", "1.2.3+build"));
	cr_assert_not(match("1.2.3", "1.2.4"));
	cr_assert(match("=1.2.3", "1.2.3"));
	cr_assert_not(match("=1.2.3", "1.2.2"));

	cr_assert(match("<1.2.3", "1.2.2"));
	cr_assert_not(match("<1.2.3", "1.2.3"));
	cr_assert(match("<=1.2.3", "1.2.3"));
	cr_assert_not(match("<=1.2.3", "1.2.4"));
	cr_assert(match(">1.2.3", "1.2.4"));
	cr_assert_not(match(">1.2.3", "1.2.3"));
	cr_assert(match(">=1.2.3", "1.2.3"));
	cr_assert(match(">=1.2.3", "10.0.0"));
	cr_assert_not(match(">=1.2.3", "1.2.2"));
	assert_expands(">=1.2.3", ">=1.2.3");
	assert_expands("<=1.2.3", "<=1.2.3");
}

Test(semver_range, allows_whitespace_after_an_operator)
{
	cr_assert(match(">= 1.2.3", "1.2.3"));
	cr_assert(match("<\t2.0.0", "1.9.9"));
	cr_assert(match("= 1.2.3", "1.2.3"));
	cr_assert(match("^ 1.2.3", "1.9.0"));
	cr_assert(match("~  1.2.3", "1.2.9"));
	cr_assert(match("  >=1.0.0   <2.0.0  ", "1.5.0"));
	assert_expands(">= 1.2.3 < 2", ">=1.2.3 <2.0.0-0");
}

Test(semver_range, ands_comparators_within_a_set)
{
	cr_assert(match(">=1.2.3 <2.0.0", "1.5.0"));
	cr_assert_not(match(">=1.2.3 <2.0.0", "2.0.0"));
	cr_assert_not(match(">=1.2.3 <2.0.0", "1.2.2"));
	cr_assert_not(match(">1.0.0 <1.0.0", "1.0.0"));
}

Test(semver_range, ors_sets_joined_by_double_bar)
{
	cr_assert(match("1.2.7 || >=1.2.9 <2.0.0", "1.2.7"));
	cr_assert(match("1.2.7 || >=1.2.9 <2.0.0", "1.4.6"));
	cr_assert_not(match("1.2.7 || >=1.2.9 <2.0.0", "1.2.8"));
	cr_assert_not(match("1.2.7 || >=1.2.9 <2.0.0", "2.0.0"));
	cr_assert(match("1.x||2.x", "2.3.0"));
	cr_assert(match("<1||>=3", "3.0.0"));
	assert_expands("1.x || >=2.5.0", ">=1.0.0 <2.0.0-0||>=2.5.0");
}

Test(semver_range, expands_caret_as_npm_does)
{
	assert_expands("^1.2.3", ">=1.2.3 <2.0.0-0");
	assert_expands("^0.2.3", ">=0.2.3 <0.3.0-0");
	assert_expands("^0.0.3", ">=0.0.3 <0.0.4-0");
	assert_expands("^1.2.3-beta.2", ">=1.2.3-beta.2 <2.0.0-0");
	assert_expands("^0.0.3-beta", ">=0.0.3-beta <0.0.4-0");
	assert_expands("^1.2.x", ">=1.2.0 <2.0.0-0");
	assert_expands("^1.2", ">=1.2.0 <2.0.0-0");
	assert_expands("^0.0.x", ">=0.0.0 <0.1.0-0");
	assert_expands("^0.0", ">=0.0.0 <0.1.0-0");
	assert_expands("^0.2", ">=0.2.0 <0.3.0-0");
	assert_expands("^1.x", ">=1.0.0 <2.0.0-0");
	assert_expands("^0.x", ">=0.0.0 <1.0.0-0");
	assert_expands("^0", ">=0.0.0 <1.0.0-0");
	assert_expands("^*", "*");
}

Test(semver_range, matches_caret_ranges)
{
	cr_assert(match("^1.2.3", "1.9.9"));
	cr_assert_not(match("^1.2.3", "2.0.0"));
	cr_assert_not(match("^1.2.3", "1.2.2"));
	cr_assert(match("^0.2.3", "0.2.9"));
	cr_assert_not(match("^0.2.3", "0.3.0"));
	cr_assert(match("^0.0.3", "0.0.3"));
	cr_assert_not(match("^0.0.3", "0.0.4"));
	cr_assert_not(match("^1.2.3", "2.0.0-0"));
}

Test(semver_range, expands_tilde_as_npm_does)
{
	assert_expands("~1.2.3", ">=1.2.3 <1.3.0-0");
	assert_expands("~1.2", ">=1.2.0 <1.3.0-0");
	assert_expands("~1.2.x", ">=1.2.0 <1.3.0-0");
	assert_expands("~1", ">=1.0.0 <2.0.0-0");
	assert_expands("~1.x", ">=1.0.0 <2.0.0-0");
	assert_expands("~0.2.3", ">=0.2.3 <0.3.0-0");
	assert_expands("~0", ">=0.0.0 <1.0.0-0");
	assert_expands("~1.2.3-beta.2", ">=1.2.3-beta.2 <1.3.0-0");
	assert_expands("~*", "*");
	cr_assert(match("~1.2.3", "1.2.99"));
	cr_assert_not(match("~1.2.3", "1.3.0"));
	cr_assert(match("~0.0.1", "0.0.9"));
}

Test(semver_range, expands_x_ranges_and_partials)
{
	assert_expands("*", "*");
	assert_expands("x", "*");
	assert_expands("X", "*");
	assert_expands("x.x.x", "*");
	assert_expands("1", ">=1.0.0 <2.0.0-0");
	assert_expands("1.x", ">=1.0.0 <2.0.0-0");
	assert_expands("1.X.*", ">=1.0.0 <2.0.0-0");
	assert_expands("1.2", ">=1.2.0 <1.3.0-0");
	assert_expands("1.2.*", ">=1.2.0 <1.3.0-0");
	assert_expands("=1.2", ">=1.2.0 <1.3.0-0");
	assert_expands("* >=1.0.0", ">=1.0.0");
	cr_assert(match("*", "0.0.0"));
	cr_assert(match("*", "18446744073709551615.0.0"));
	cr_assert(match("1.x", "1.99.0"));
	cr_assert_not(match("1.x", "2.0.0"));
	cr_assert_not(match("1.2.x", "1.3.0"));
	cr_assert(match("1.2.x", "1.2.0"));
}

Test(semver_range, applies_operators_to_partials_as_npm_does)
{
	assert_expands(">1", ">=2.0.0");
	assert_expands(">1.2", ">=1.3.0");
	assert_expands(">1.2.x", ">=1.3.0");
	assert_expands(">=1", ">=1.0.0");
	assert_expands(">=1.2", ">=1.2.0");
	assert_expands("<1", "<1.0.0-0");
	assert_expands("<1.2", "<1.2.0-0");
	assert_expands("<=1", "<2.0.0-0");
	assert_expands("<=1.2", "<1.3.0-0");
	assert_expands(">=*", "*");
	assert_expands("<=*", "*");
	assert_expands(">*", "<0.0.0-0");
	assert_expands("<*", "<0.0.0-0");
	cr_assert(match(">1.2", "1.3.0"));
	cr_assert_not(match(">1.2", "1.2.99"));
	/* >=1.3.0 names no pre-release, so 1.3.0's are out. */
	cr_assert_not(match(">1.2", "1.3.0-beta"));
	cr_assert(match("<=1.2", "1.2.99"));
	cr_assert_not(match("<=1.2", "1.3.0"));
	cr_assert_not(match("<1.2", "1.2.0"));
	cr_assert(match("<1.2", "1.1.99"));
	cr_assert_not(match(">*", "0.0.0"));
	cr_assert_not(match("<*", "0.0.0"));
}

Test(semver_range, expands_hyphen_ranges_with_partials)
{
	assert_expands("1.2.3 - 2.3.4", ">=1.2.3 <=2.3.4");
	assert_expands("1.2 - 2.3.4", ">=1.2.0 <=2.3.4");
	assert_expands("1.2.3 - 2.3", ">=1.2.3 <2.4.0-0");
	assert_expands("1.2.3 - 2", ">=1.2.3 <3.0.0-0");
	assert_expands("1 - 2", ">=1.0.0 <3.0.0-0");
	assert_expands("* - 2", "<3.0.0-0");
	assert_expands("1.2.3 - *", ">=1.2.3");
	assert_expands("* - *", "*");
	assert_expands("1.0.0-rc.1 - 2.0.0-rc.2", ">=1.0.0-rc.1 <=2.0.0-rc.2");
	assert_expands("1.2.3\t-\t2.3.4 || 5", ">=1.2.3 <=2.3.4||>=5.0.0 <6.0.0-0");
	assert_expands("1 - 2 <2.5", ">=1.0.0 <3.0.0-0 <2.5.0-0");
	cr_assert(match("1.2.3 - 2.3.4", "2.3.4"));
	cr_assert(match("1.2.3 - 2.3.4", "1.2.3"));
	cr_assert_not(match("1.2.3 - 2.3.4", "2.3.5"));
	cr_assert(match("1.2.3 - 2.3", "2.3.99"));
	cr_assert_not(match("1.2.3 - 2.3", "2.4.0"));
}

Test(semver_range, admits_prereleases_only_where_a_comparator_names_one)
{
	cr_assert_not(match(">=1.0.0", "2.0.0-beta"));
	cr_assert(match(">=2.0.0-alpha", "2.0.0-beta"));
	cr_assert_not(match(">=2.0.0-alpha", "2.0.1-beta"));
	cr_assert(match(">=2.0.0-alpha", "2.0.1"));
	cr_assert_not(match("*", "1.0.0-beta"));
	/* The same triple without a tag does not opt in either. */
	cr_assert_not(match("<2.0.0", "2.0.0-beta"));
	cr_assert_not(match("<=2.0.0", "2.0.0-beta"));
	cr_assert_not(match("1.2.3 - 2.0.0", "2.0.0-rc.1"));
	cr_assert_not(match("1.x", "1.2.0-beta"));
	cr_assert_not(match("^1.2.3", "1.3.0-beta"));
	cr_assert(match("^1.2.3-beta.2", "1.2.3-beta.4"));
	cr_assert_not(match("^1.2.3-beta.2", "1.2.3-beta.1"));
	cr_assert_not(match("^1.2.3-beta.2", "1.2.4-beta.2"));
	cr_assert(match("~1.2.3-beta.2", "1.2.3-rc"));
	cr_assert(match("1.0.0-rc.1", "1.0.0-rc.1+b"));
	cr_assert_not(match("1.0.0-rc.1", "1.0.0-rc.2"));
	cr_assert(match("<1.0.0-rc.1", "1.0.0-beta"));
	/* Each set on its own: the other set's pre-release does not count. */
	cr_assert_not(match(">=0.9.0 || 3.0.0-beta", "1.0.0-beta"));
	cr_assert(match(">=0.9.0 || 3.0.0-beta", "3.0.0-beta"));
	/* The tag opts into the pre-releases, the bounds still hold. */
	cr_assert_not(match(">2.0.0-beta <3", "2.0.0-alpha"));
}

Test(semver_range, refuses_empty_and_malformed_ranges)
{
	static const char *const bad[] = {
		"", " ", "\t  ", "||", "1.0.0 ||", "|| 1.0.0", "1.0.0 || || 2.0.0",
		"1.0.0 | 2.0.0", "1.0.0 |||| 2.0.0", ">", ">=", ">= ", "^", "~",
		"=", "=>1.0.0", "==1.0.0", "<>1.0.0", "!1.0.0", "v1.2.3",
		">=v1.2.3", "01.2.3", "1.02", ">=1.0.0-01", "1.2.3.4",
		"1.x.3", "x.1", "1.2.x-beta", "1.2-beta", "1-beta", "1.2+b",
		"1.2.", "1.", ".1", "1..2", "a", "latest", "1.0.0 garbage",
		">=1.0.0,<2.0.0", ">=1.0.0<2.0.0", "1.2.3 -", "1.2.3 - ",
		"1.2.3 -2.0.0", "- 1.2.3", "1.2.3 - 2.3.4 - 3", "1.2.3 - >2",
		"^1.2.3 - 2", "~>1.2", "1.0.0\n", "x.x.x.x", "**",
		"18446744073709551616", ">=0.0.0-",
	};
	struct semver_range r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(semver_range_parse(bad[i], &r), DF_EINVAL,
			"\"%s\" accepted", bad[i]);
	cr_assert_eq(semver_range_parse(NULL, &r), DF_EINVAL);
	cr_assert_eq(semver_range_parse("1.0.0", NULL), DF_EINVAL);
	cr_assert_not(semver_range_valid(NULL));
	cr_assert_not(semver_range_valid(""));
	cr_assert(semver_range_valid("^1.0.0"));
}

Test(semver_range, refuses_bounds_past_uint64_max)
{
	cr_assert_not(semver_range_valid("^18446744073709551615.0.0"));
	cr_assert_not(semver_range_valid("~0.18446744073709551615.0"));
	cr_assert_not(semver_range_valid("^0.0.18446744073709551615"));
	cr_assert_not(semver_range_valid(">18446744073709551615"));
	cr_assert_not(semver_range_valid("<=0.18446744073709551615"));
	cr_assert_not(semver_range_valid("1 - 18446744073709551615"));
	cr_assert(semver_range_valid(">=18446744073709551615.0.0"));
	cr_assert(match("^18446744073709551614.0.0", "18446744073709551614.9.9"));
}

Test(semver_range, holds_eight_sets_and_no_more)
{
	cr_assert(semver_range_valid("1||2||3||4||5||6||7||8"));
	cr_assert(match("1||2||3||4||5||6||7||8", "8.1.0"));
	cr_assert_not(semver_range_valid("1||2||3||4||5||6||7||8||9"));
}

Test(semver_range, holds_eight_comparators_per_set_and_no_more)
{
	/* A caret is two comparators, a full version one. */
	cr_assert(semver_range_valid("^1.0.0 ^1.1.0 ^1.2.0 ^1.3.0"));
	cr_assert_not(semver_range_valid("^1.0.0 ^1.1.0 ^1.2.0 ^1.3.0 ^1.4.0"));
	cr_assert(semver_range_valid(">0 >1 >2 >3 >4 >5 >6 >7"));
	cr_assert_not(semver_range_valid(">0 >1 >2 >3 >4 >5 >6 >7 >8"));
	/* X-ranges add none. */
	cr_assert(semver_range_valid("* * * * * * * * * * "
		">0 >1 >2 >3 >4 >5 >6 >7"));
	/* The limit is per set. */
	cr_assert(semver_range_valid(">0 >1 >2 >3 >4 >5 >6 >7 || "
		">0 >1 >2 >3 >4 >5 >6 >7"));
}

Test(semver_range, accepts_exactly_range_max_len_bytes)
{
	char s[SEMVER_RANGE_MAX_LEN + 2];

	memset(s, ' ', sizeof(s));
	memcpy(s, "^1.2.3", 6);
	s[SEMVER_RANGE_MAX_LEN] = '\0';
	cr_assert(semver_range_valid(s));
	s[SEMVER_RANGE_MAX_LEN] = ' ';
	s[SEMVER_RANGE_MAX_LEN + 1] = '\0';
	cr_assert_not(semver_range_valid(s));
}

Test(semver_range, refuses_a_version_longer_than_semver_max_len)
{
	char s[SEMVER_RANGE_MAX_LEN + 1];

	memcpy(s, ">=1.0.0-", 8);
	memset(s + 8, 'a', SEMVER_MAX_LEN - 5);
	s[8 + SEMVER_MAX_LEN - 5] = '\0';    /* the version is 129 bytes */
	cr_assert_not(semver_range_valid(s));
	s[8 + SEMVER_MAX_LEN - 6] = '\0';    /* and now 128 */
	cr_assert(semver_range_valid(s));
}

Test(semver_range, zeroes_the_output_on_failure)
{
	struct semver_range r;

	cr_assert_eq(semver_range_parse("^1.0.0", &r), 0);
	cr_assert_eq(r.nsets, 1);
	cr_assert_eq(semver_range_parse("^1.0.0 ||", &r), DF_EINVAL);
	cr_assert_eq(r.nsets, 0);
}

Test(semver_range, match_refuses_null)
{
	struct semver_range r;
	struct semver v = ver("1.0.0");

	cr_assert_eq(semver_range_parse("*", &r), 0);
	cr_assert(semver_range_match(&r, &v));
	cr_assert_not(semver_range_match(NULL, &v));
	cr_assert_not(semver_range_match(&r, NULL));
}
