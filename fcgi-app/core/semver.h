/* Semantic Versioning 2.0.0 for the extension marketplace: strict version
 * parsing, precedence, canonical text, and npm-style ranges (the engine
 * range a package declares). Fixed-size structs, no allocation. */
#ifndef DF_SEMVER_H
#define DF_SEMVER_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define SEMVER_MAX_LEN 128        /* longest version string accepted */
#define SEMVER_RANGE_MAX_LEN 256  /* longest range string accepted */
#define SEMVER_RANGE_MAX_SETS 8   /* comparator sets joined by "||" */
#define SEMVER_RANGE_MAX_CMPS 8   /* comparators in one set */

/* pre and build are "" when absent and are stored without the leading
 * '-' or '+'. */
struct semver {
	uint64_t major, minor, patch;
	char pre[SEMVER_MAX_LEN + 1];
	char build[SEMVER_MAX_LEN + 1];
};

/* Strict SemVer 2.0.0: MAJOR.MINOR.PATCH[-PRE][+BUILD], no leading 'v',
 * no whitespace, no leading zeros in the numbers or in numeric pre-release
 * identifiers, identifiers non-empty [0-9A-Za-z-], each number <= 2^64-1,
 * the whole string <= SEMVER_MAX_LEN bytes. 0, or DF_EINVAL (s or out
 * NULL included); on failure *out is zeroed. */
DF_MUST_CHECK int semver_parse(const char *s, struct semver *out);
/* <0, 0 or >0 by SemVer precedence (spec section 11): build metadata is
 * ignored, a pre-release is lower than its release, pre-release
 * identifiers compare numerically when both are digits (any length),
 * ASCII-lexically otherwise, digits below letters, and the longer list
 * wins when all before are equal. NULL sorts before any version. */
int semver_cmp(const struct semver *a, const struct semver *b);
/* The canonical text (with pre-release and build) into buf. 0, or
 * DF_EINVAL when it does not fit (buf then holds "" if len > 0). A
 * version semver_parse accepted always fits in SEMVER_MAX_LEN + 1 bytes
 * and formats back to exactly the string it was parsed from. */
DF_MUST_CHECK int semver_format(const struct semver *v, char *buf, size_t len);
/* 1 when semver_parse accepts s, else 0. */
int semver_valid(const char *s);

/*
 * Ranges, in the syntax of npm's node-semver (strict mode):
 *
 *   range  := set ( "||" set )*          at most SEMVER_RANGE_MAX_SETS
 *   set    := term ( ws+ term )*         terms are ANDed
 *   term   := op? ws* partial | "^" ws* partial | "~" ws* partial
 *           | partial ws+ "-" ws+ partial               (hyphen range)
 *   op     := "=" | "<" | "<=" | ">" | ">="
 *   partial:= "*" | "x" | "X" | N | N "." X | N "." N | N "." N "." X
 *           | a full version (pre-release and build allowed)
 *
 * where N is a number without leading zeros, X one of "*", "x", "X", and
 * ws a space or tab. Whitespace around the whole range and around "||"
 * is allowed. Refused with DF_EINVAL: an empty or all-whitespace range,
 * an empty set ("1.0.0 ||"), a range longer than SEMVER_RANGE_MAX_LEN,
 * more than SEMVER_RANGE_MAX_SETS sets or more than SEMVER_RANGE_MAX_CMPS
 * comparators in a set after expansion (a caret, tilde, hyphen or plain
 * partial term takes two), a leading 'v', a number after an X ("1.x.3"),
 * a pre-release or build on a partial, anything left over, and a bound
 * that would pass 2^64-1 (^18446744073709551615.0.0).
 *
 * Expansion, as npm does it (-0 is the lowest pre-release of a version):
 *   1.2.3, =1.2.3     =1.2.3            *, x, >=*, <=*   any version
 *   1, 1.x, =1        >=1.0.0 <2.0.0-0  1.2, 1.2.x       >=1.2.0 <1.3.0-0
 *   >1                >=2.0.0           >1.2             >=1.3.0
 *   >=1               >=1.0.0           >=1.2            >=1.2.0
 *   <1                <1.0.0-0          <1.2             <1.2.0-0
 *   <=1               <2.0.0-0          <=1.2            <1.3.0-0
 *   >*, <*            nothing
 *   ~1.2.3            >=1.2.3 <1.3.0-0  ~1.2, ~1.2.x     >=1.2.0 <1.3.0-0
 *   ~1                >=1.0.0 <2.0.0-0  ~*               any version
 *   ^1.2.3            >=1.2.3 <2.0.0-0  ^0.2.3           >=0.2.3 <0.3.0-0
 *   ^0.0.3            >=0.0.3 <0.0.4-0  ^1.2             >=1.2.0 <2.0.0-0
 *   ^0.2              >=0.2.0 <0.3.0-0  ^0.0, ^0.0.x     >=0.0.0 <0.1.0-0
 *   ^1, ^0            >=M.0.0 <M+1.0.0-0                 ^*  any version
 *   1.2.3 - 2.3.4     >=1.2.3 <=2.3.4
 *   1.2 - 2.3         >=1.2.0 <2.4.0-0  1 - 2            >=1.0.0 <3.0.0-0
 *   * - 2, 1 - *      only the bound that is given
 *
 * Pre-releases: a version with a pre-release tag satisfies a set only if
 * it satisfies every comparator and at least one comparator of the set
 * names a pre-release of the same MAJOR.MINOR.PATCH. So ">=1.0.0" and "*"
 * do not match "2.0.0-beta", while ">=2.0.0-alpha" does: asking for one
 * pre-release opts into that version's pre-releases only.
 */
enum semver_op {
	SEMVER_EQ = 0,
	SEMVER_LT,
	SEMVER_LE,
	SEMVER_GT,
	SEMVER_GE
};

struct semver_comparator {
	enum semver_op op;
	struct semver v;
};

/* A set with no comparators ("*") admits every version without a
 * pre-release tag. */
struct semver_comparator_set {
	unsigned ncmps;
	struct semver_comparator cmps[SEMVER_RANGE_MAX_CMPS];
};

/* About 19 KB: keep one per request, not one per call frame in a loop. */
struct semver_range {
	unsigned nsets;
	struct semver_comparator_set sets[SEMVER_RANGE_MAX_SETS];
};

/* 0, or DF_EINVAL (s or out NULL included); on failure *out is zeroed. */
DF_MUST_CHECK int semver_range_parse(const char *s, struct semver_range *out);
/* 1 when v satisfies r (some set admits it), else 0; 0 for NULL. */
int semver_range_match(const struct semver_range *r, const struct semver *v);
/* 1 when semver_range_parse accepts s, else 0. */
int semver_range_valid(const char *s);

#endif
