/* SemVer 2.0.0 versions and npm-style ranges (see semver.h): hand-written
 * scanners over bounded lengths, no allocation, so hostile package
 * manifests and query strings cannot make them read or write past a field. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "semver.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident_char(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') ||
		(c >= 'a' && c <= 'z') || c == '-';
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* A number without leading zeros that fits uint64, from s[*i] up to end.
 * 0 or DF_EINVAL. */
static int scan_num(const char *s, size_t end, size_t *i, uint64_t *out)
{
	size_t start = *i;
	uint64_t v = 0;

	while (*i < end && is_digit(s[*i])) {
		unsigned d = (unsigned)(s[*i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return DF_EINVAL;
		v = v * 10 + d;
		(*i)++;
	}
	if (*i == start || (s[start] == '0' && *i - start > 1))
		return DF_EINVAL;
	*out = v;
	return 0;
}

/* Dot-separated identifiers from s[*i] to the first character that is
 * neither an identifier character nor a dot (or end). numeric_strict
 * refuses leading zeros in all-digit identifiers (pre-release rule). The
 * text goes to dst without its introducer. 0 or DF_EINVAL. */
static int scan_idents(const char *s, size_t end, size_t *i, int numeric_strict,
	char *dst)
{
	size_t start = *i, id;
	int digits;

	for (;;) {
		id = *i;
		digits = 1;
		while (*i < end && is_ident_char(s[*i])) {
			if (!is_digit(s[*i]))
				digits = 0;
			(*i)++;
		}
		if (*i == id)
			return DF_EINVAL;
		if (numeric_strict && digits && s[id] == '0' && *i - id > 1)
			return DF_EINVAL;
		if (*i < end && s[*i] == '.') {
			(*i)++;
			continue;
		}
		break;
	}
	/* The caller bounds end - start by SEMVER_MAX_LEN. */
	memcpy(dst, s + start, *i - start);
	dst[*i - start] = '\0';
	return 0;
}

/* Exactly len bytes of s as a strict version. */
static int parse_n(const char *s, size_t len, struct semver *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (len > SEMVER_MAX_LEN)
		return DF_EINVAL;
	if (scan_num(s, len, &i, &out->major) != 0 || i >= len || s[i++] != '.')
		return DF_EINVAL;
	if (scan_num(s, len, &i, &out->minor) != 0 || i >= len || s[i++] != '.')
		return DF_EINVAL;
	if (scan_num(s, len, &i, &out->patch) != 0)
		return DF_EINVAL;
	if (i < len && s[i] == '-') {
		i++;
		if (scan_idents(s, len, &i, 1, out->pre) != 0)
			return DF_EINVAL;
	}
	if (i < len && s[i] == '+') {
		i++;
		if (scan_idents(s, len, &i, 0, out->build) != 0)
			return DF_EINVAL;
	}
	return i == len ? 0 : DF_EINVAL;
}

int semver_parse(const char *s, struct semver *out)
{
	struct semver v;
	size_t len;

	if (out == NULL)
		return DF_EINVAL;
	if (s == NULL) {
		memset(out, 0, sizeof(*out));
		return DF_EINVAL;
	}
	len = strnlen(s, SEMVER_MAX_LEN + 1);
	if (parse_n(s, len, &v) != 0) {
		memset(out, 0, sizeof(*out));
		return DF_EINVAL;
	}
	*out = v;
	return 0;
}

int semver_valid(const char *s)
{
	struct semver v;

	return semver_parse(s, &v) == 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* Two pre-release identifiers: numeric ones by value (longer digit string
 * is larger once leading zeros are skipped, so any length works), numeric
 * below alphanumeric, otherwise bytewise ASCII with the shorter prefix
 * first. */
static int cmp_ident(const char *a, size_t an, const char *b, size_t bn)
{
	int ad = an > 0 && all_digits(a, an), bd = bn > 0 && all_digits(b, bn);
	size_t n;
	int r;

	if (ad && bd) {
		/* A parsed version has no leading zeros; a struct filled by
		 * hand might, and they must not change the value. */
		while (an > 1 && *a == '0') {
			a++;
			an--;
		}
		while (bn > 1 && *b == '0') {
			b++;
			bn--;
		}
		if (an != bn)
			return an < bn ? -1 : 1;
		r = memcmp(a, b, an);
		return r < 0 ? -1 : r > 0;
	}
	if (ad != bd)
		return ad ? -1 : 1;
	n = an < bn ? an : bn;
	r = memcmp(a, b, n);
	if (r != 0)
		return r < 0 ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

static int cmp_pre(const char *a, const char *b)
{
	size_t al = strnlen(a, SEMVER_MAX_LEN + 1);
	size_t bl = strnlen(b, SEMVER_MAX_LEN + 1);
	size_t ai = 0, bi = 0, ae, be;
	int r;

	/* A release ranks above every pre-release of it. */
	if (al == 0 || bl == 0)
		return al == bl ? 0 : (al == 0 ? 1 : -1);
	for (;;) {
		ae = ai;
		while (ae < al && a[ae] != '.')
			ae++;
		be = bi;
		while (be < bl && b[be] != '.')
			be++;
		r = cmp_ident(a + ai, ae - ai, b + bi, be - bi);
		if (r != 0)
			return r;
		ai = ae + 1;
		bi = be + 1;
		if (ae >= al || be >= bl)
			return ae >= al && be >= bl ? 0 : (ae >= al ? -1 : 1);
	}
}

int semver_cmp(const struct semver *a, const struct semver *b)
{
	int r;

	/* NULL sorts first, so a sort over partly filled slots stays total. */
	if (a == NULL || b == NULL)
		return a == b ? 0 : (a == NULL ? -1 : 1);
	if ((r = cmp_u64(a->major, b->major)) != 0 ||
	    (r = cmp_u64(a->minor, b->minor)) != 0 ||
	    (r = cmp_u64(a->patch, b->patch)) != 0)
		return r;
	return cmp_pre(a->pre, b->pre);
}

int semver_format(const struct semver *v, char *buf, size_t len)
{
	int pl, bl, n;

	if (buf == NULL || len == 0)
		return DF_EINVAL;
	buf[0] = '\0';
	if (v == NULL)
		return DF_EINVAL;
	pl = (int)strnlen(v->pre, sizeof(v->pre));
	bl = (int)strnlen(v->build, sizeof(v->build));
	n = snprintf(buf, len,
		"%" PRIu64 ".%" PRIu64 ".%" PRIu64 "%s%.*s%s%.*s", v->major, v->minor, v->patch, pl ? "-" : "", pl, v->pre,
		bl ? "+" : "", bl, v->build);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return DF_EINVAL;
	}
	return 0;
}

/* --- ranges ------------------------------------------------------------ */

/* A range term's version: how many of MAJOR.MINOR.PATCH are given before
 * an X or the end (0-3); with all three, v may carry pre and build. */
struct partial {
	unsigned given;
	struct semver v;
};

static int is_x(const char *s, size_t n)
{
	return n == 1 && (s[0] == 'x' || s[0] == 'X' || s[0] == '*');
}

static int parse_partial(const char *s, size_t len, struct partial *out)
{
	uint64_t *part[3];
	size_t i = 0, start;
	unsigned k;
	int seen_x = 0;

	memset(out, 0, sizeof(*out));
	if (len > 0 && parse_n(s, len, &out->v) == 0) {
		out->given = 3;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	part[0] = &out->v.major;
	part[1] = &out->v.minor;
	part[2] = &out->v.patch;
	for (k = 0; k < 3; k++) {
		start = i;
		while (i < len && s[i] != '.')
			i++;
		if (is_x(s + start, i - start)) {
			seen_x = 1;
		} else {
			size_t j = start;

			/* Nothing concrete may follow an X: "1.x.3" is
			 * refused rather than read as 1.x. */
			if (seen_x || scan_num(s, i, &j, part[k]) != 0 ||
			    j != i)
				return DF_EINVAL;
			out->given = k + 1;
		}
		if (i == len)
			return 0;
		i++; /* the '.' */
		if (i == len)
			return DF_EINVAL;
	}
	/* Three parts and more text: a fourth part, or a pre-release or
	 * build on a partial. */
	return DF_EINVAL;
}

static int add_cmp(struct semver_comparator_set *set, enum semver_op op,
	const struct semver *v)
{
	if (set->ncmps >= SEMVER_RANGE_MAX_CMPS)
		return DF_EINVAL;
	set->cmps[set->ncmps].op = op;
	set->cmps[set->ncmps].v = *v;
	set->ncmps++;
	return 0;
}

/* Adds op M.m.p[-0]: lowest says the bound is the -0 pre-release, the
 * lowest version with that triple. */
static int add_bound(struct semver_comparator_set *set, enum semver_op op,
	uint64_t M, uint64_t m, uint64_t p, int lowest)
{
	struct semver v;

	memset(&v, 0, sizeof(v));
	v.major = M;
	v.minor = m;
	v.patch = p;
	if (lowest)
		v.pre[0] = '0';
	return add_cmp(set, op, &v);
}

/* x + 1, refusing to wrap: a bound past 2^64-1 cannot be written. */
static int inc(uint64_t x, uint64_t *out)
{
	if (x == UINT64_MAX)
		return DF_EINVAL;
	*out = x + 1;
	return 0;
}

/* The first MAJOR.MINOR above every version a one- or two-part partial
 * covers: M+1.0 for "M", M.m+1 for "M.m". */
static int next_after(const struct partial *pt, uint64_t *M, uint64_t *m)
{
	if (pt->given == 1) {
		*m = 0;
		return inc(pt->v.major, M);
	}
	*M = pt->v.major;
	return inc(pt->v.minor, m);
}

/* The exclusive upper bound of a one- or two-part partial: <M+1.0.0-0
 * or <M.m+1.0-0, which leaves out the next version's pre-releases too. */
static int add_upper_partial(struct semver_comparator_set *set,
	const struct partial *pt)
{
	uint64_t M, m;

	if (next_after(pt, &M, &m) != 0)
		return DF_EINVAL;
	return add_bound(set, SEMVER_LT, M, m, 0, 1);
}

/* The inclusive lower bound: >=M.0.0 or >=M.m.0, or >=v when complete. */
static int add_lower_partial(struct semver_comparator_set *set,
	const struct partial *pt)
{
	if (pt->given == 3)
		return add_cmp(set, SEMVER_GE, &pt->v);
	return add_bound(set, SEMVER_GE, pt->v.major,
		pt->given == 2 ? pt->v.minor : 0, 0, 0);
}

/* A partial with no operator or "=": exact when complete, else the
 * versions it covers. */
static int expand_plain(struct semver_comparator_set *set,
	const struct partial *pt)
{
	if (pt->given == 0)
		return 0;
	if (pt->given == 3)
		return add_cmp(set, SEMVER_EQ, &pt->v);
	if (add_lower_partial(set, pt) != 0)
		return DF_EINVAL;
	return add_upper_partial(set, pt);
}

static int expand_op(struct semver_comparator_set *set, enum semver_op op,
	const struct partial *pt)
{
	uint64_t M, m;

	if (pt->given == 3)
		return add_cmp(set, op, &pt->v);
	if (pt->given == 0) {
		/* >* and <* admit nothing; >=* and <=* everything. */
		if (op == SEMVER_GT || op == SEMVER_LT)
			return add_bound(set, SEMVER_LT, 0, 0, 0, 1);
		return 0;
	}
	switch (op) {
	case SEMVER_GT:
		/* Above every version the partial covers. */
		if (next_after(pt, &M, &m) != 0)
			return DF_EINVAL;
		return add_bound(set, SEMVER_GE, M, m, 0, 0);
	case SEMVER_GE:
		return add_lower_partial(set, pt);
	case SEMVER_LT:
		return add_bound(set, SEMVER_LT, pt->v.major,
			pt->given == 2 ? pt->v.minor : 0, 0, 1);
	case SEMVER_LE:
		return add_upper_partial(set, pt);
	case SEMVER_EQ:
		break;
	}
	return expand_plain(set, pt);
}

static int expand_tilde(struct semver_comparator_set *set,
	const struct partial *pt)
{
	uint64_t n;

	if (pt->given == 0)
		return 0;
	if (pt->given < 3)
		return expand_plain(set, pt);
	if (add_cmp(set, SEMVER_GE, &pt->v) != 0 || inc(pt->v.minor, &n) != 0)
		return DF_EINVAL;
	return add_bound(set, SEMVER_LT, pt->v.major, n, 0, 1);
}

/* Changes below the first non-zero part given are compatible. */
static int expand_caret(struct semver_comparator_set *set,
	const struct partial *pt)
{
	const struct semver *v = &pt->v;
	uint64_t n;

	if (pt->given == 0)
		return 0;
	if (add_lower_partial(set, pt) != 0)
		return DF_EINVAL;
	if (pt->given == 1 || v->major != 0) {
		if (inc(v->major, &n) != 0)
			return DF_EINVAL;
		return add_bound(set, SEMVER_LT, n, 0, 0, 1);
	}
	if (pt->given == 2 || v->minor != 0) {
		if (inc(v->minor, &n) != 0)
			return DF_EINVAL;
		return add_bound(set, SEMVER_LT, 0, n, 0, 1);
	}
	if (inc(v->patch, &n) != 0)
		return DF_EINVAL;
	return add_bound(set, SEMVER_LT, 0, 0, n, 1);
}

static int expand_hyphen(struct semver_comparator_set *set,
	const struct partial *from, const struct partial *to)
{
	if (from->given > 0 && add_lower_partial(set, from) != 0)
		return DF_EINVAL;
	if (to->given == 0)
		return 0;
	if (to->given == 3)
		return add_cmp(set, SEMVER_LE, &to->v);
	return add_upper_partial(set, to);
}

/* The extent of a version token at s[i]: up to whitespace, '|' or end. */
static size_t token_end(const char *s, size_t len, size_t i)
{
	while (i < len && !is_ws(s[i]) && s[i] != '|')
		i++;
	return i;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && is_ws(s[i]))
		i++;
	return i;
}

/* One term of a set at s[*i] (not whitespace, not '|', not end). */
static int parse_term(const char *s, size_t len, size_t *i,
	struct semver_comparator_set *set)
{
	struct partial pt, to;
	enum semver_op op = SEMVER_EQ;
	size_t e, j, k;
	char kind = 0; /* '^', '~', 'o' for an operator, 0 for none */

	switch (s[*i]) {
	case '^':
	case '~':
		kind = s[(*i)++];
		break;
	case '<':
	case '>':
		kind = 'o';
		op = s[*i] == '<' ? SEMVER_LT : SEMVER_GT;
		(*i)++;
		if (*i < len && s[*i] == '=') {
			op = op == SEMVER_LT ? SEMVER_LE : SEMVER_GE;
			(*i)++;
		}
		break;
	case '=':
		kind = 'o';
		(*i)++;
		break;
	}
	if (kind != 0)
		*i = skip_ws(s, len, *i);
	e = token_end(s, len, *i);
	if (e == *i || parse_partial(s + *i, e - *i, &pt) != 0)
		return DF_EINVAL;
	*i = e;
	switch (kind) {
	case '^':
		return expand_caret(set, &pt);
	case '~':
		return expand_tilde(set, &pt);
	case 'o':
		return expand_op(set, op, &pt);
	}
	/* A bare partial may open a hyphen range: ws+ '-' ws+ partial. */
	j = skip_ws(s, len, e);
	if (j > e && j < len && s[j] == '-') {
		k = skip_ws(s, len, j + 1);
		if (k > j + 1) {
			e = token_end(s, len, k);
			if (e == k || parse_partial(s + k, e - k, &to) != 0)
				return DF_EINVAL;
			*i = e;
			return expand_hyphen(set, &pt, &to);
		}
	}
	return expand_plain(set, &pt);
}

static int parse_range(const char *s, size_t len, struct semver_range *r)
{
	struct semver_comparator_set *set;
	size_t i = 0;
	unsigned terms;

	for (;;) {
		if (r->nsets >= SEMVER_RANGE_MAX_SETS)
			return DF_EINVAL;
		set = &r->sets[r->nsets++];
		terms = 0;
		for (;;) {
			size_t before;

			i = skip_ws(s, len, i);
			if (i >= len || s[i] == '|')
				break;
			/* Terms are separated by whitespace. */
			if (terms > 0 && !is_ws(s[i - 1]))
				return DF_EINVAL;
			before = i;
			if (parse_term(s, len, &i, set) != 0 || i == before)
				return DF_EINVAL;
			terms++;
		}
		if (terms == 0)
			return DF_EINVAL;
		if (i >= len)
			return 0;
		if (i + 1 >= len || s[i + 1] != '|')
			return DF_EINVAL;
		i += 2;
	}
}

int semver_range_parse(const char *s, struct semver_range *out)
{
	size_t len;

	if (out == NULL)
		return DF_EINVAL;
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return DF_EINVAL;
	len = strnlen(s, SEMVER_RANGE_MAX_LEN + 1);
	if (len > SEMVER_RANGE_MAX_LEN || parse_range(s, len, out) != 0) {
		memset(out, 0, sizeof(*out));
		return DF_EINVAL;
	}
	return 0;
}

int semver_range_valid(const char *s)
{
	struct semver_range r;

	return semver_range_parse(s, &r) == 0;
}

static int cmp_test(const struct semver_comparator *c, const struct semver *v)
{
	int r = semver_cmp(v, &c->v);

	switch (c->op) {
	case SEMVER_EQ:
		return r == 0;
	case SEMVER_LT:
		return r < 0;
	case SEMVER_LE:
		return r <= 0;
	case SEMVER_GT:
		return r > 0;
	case SEMVER_GE:
		return r >= 0;
	}
	return 0;
}

static int set_match(const struct semver_comparator_set *set,
	const struct semver *v)
{
	unsigned i, n = set->ncmps;

	if (n > SEMVER_RANGE_MAX_CMPS)
		return 0;
	for (i = 0; i < n; i++)
		if (!cmp_test(&set->cmps[i], v))
			return 0;
	if (v->pre[0] == '\0')
		return 1;
	/* A pre-release only where the set names one of the same triple. */
	for (i = 0; i < n; i++) {
		const struct semver *c = &set->cmps[i].v;

		if (c->pre[0] != '\0' && c->major == v->major &&
		    c->minor == v->minor && c->patch == v->patch)
			return 1;
	}
	return 0;
}

int semver_range_match(const struct semver_range *r, const struct semver *v)
{
	unsigned i;

	if (r == NULL || v == NULL || r->nsets > SEMVER_RANGE_MAX_SETS)
		return 0;
	for (i = 0; i < r->nsets; i++)
		if (set_match(&r->sets[i], v))
			return 1;
	return 0;
}
