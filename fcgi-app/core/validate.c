/* Field rules as small pure functions (see validate.h): no allocation, no
 * global state, bounded loops, so every rule is easy to unit test and safe
 * to call on hostile input. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "validate.h"
#include "civil.h"

/* Length of the well-formed UTF-8 sequence at s (at most avail bytes), or
 * 0 when it is malformed: overlong forms, UTF-16 surrogates and anything
 * above U+10FFFF are refused, as RFC 3629 requires. */
static size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n, i;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

static int utf8_check(const char *s, size_t len, int text)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		n = utf8_seq(p + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return 0;
		if (text && ((cp < 0x20 && cp != '\t' && cp != '\n' &&
		    cp != '\r') || cp == 0x7F))
			return 0;
		i += n;
	}
	return 1;
}

int validate_utf8(const char *s, size_t len)
{
	return utf8_check(s, len, 0);
}

size_t validate_utf8_prefix(const char *s, size_t max)
{
	size_t i = 0, n = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	return i;
}

int validate_text(const char *s, size_t len)
{
	return utf8_check(s, len, 1);
}

/* Digits only into *out, refusing overflow of max. */
static int parse_digits(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

int validate_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	uint64_t mag;
	int64_t v;

	if (s == NULL || min > max)
		return 0;
	if (*s == '-') {
		/* The magnitude of INT64_MIN is INT64_MAX + 1. */
		if (!parse_digits(s + 1, (uint64_t)INT64_MAX + 1, &mag))
			return 0;
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (!parse_digits(s, (uint64_t)INT64_MAX, &mag))
			return 0;
		v = (int64_t)mag;
	}
	if (v < min || v > max)
		return 0;
	if (out != NULL)
		*out = v;
	return 1;
}

int validate_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (s == NULL || !parse_digits(s, max, &v))
		return 0;
	if (out != NULL)
		*out = v;
	return 1;
}

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* One DNS label of letters, digits and hyphens, 1-63 long, hyphen
 * neither first nor last. */
static int ldh_label(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

int validate_email(const char *s, char *out)
{
	size_t len, at = 0, i, start, dots = 0;
	int nat = 0;

	if (s == NULL)
		return 0;
	len = strnlen(s, 255);
	if (len == 0 || len > 254)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '@') {
			nat++;
			at = i;
		} else if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7F) {
			return 0;
		}
	}
	if (nat != 1 || at == 0 || at + 1 >= len)
		return 0;
	start = at + 1;
	for (i = at + 1; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (!ldh_label(s + start, i - start))
				return 0;
			if (i < len)
				dots++;
			start = i + 1;
		}
	}
	if (dots == 0)
		return 0;
	if (out != NULL) {
		for (i = 0; i < len; i++)
			out[i] = (s[i] >= 'A' && s[i] <= 'Z') ?
				(char)(s[i] - 'A' + 'a') : s[i];
		out[len] = '\0';
	}
	return 1;
}

int validate_username(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 32)
			return 0;
		if (!is_lower_alnum(s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	}
	return i >= 3;
}

int validate_slug(const char *s, size_t lo, size_t hi)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= hi)
			return 0;
		if (s[i] == '-') {
			if (i == 0 || s[i + 1] == '-' || s[i + 1] == '\0')
				return 0;
		} else if (!is_lower_alnum(s[i])) {
			return 0;
		}
	}
	return i >= lo && i > 0;
}

int validate_request_id(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 128)
			return 0;
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	}
	return i >= 8;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

int validate_uuid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_hex(s[i])) {
			return 0; /* also stops at an early NUL */
		}
	}
	return s[36] == '\0';
}

int validate_enum(const char *s, const char *const *allowed)
{
	if (s == NULL || allowed == NULL)
		return 0;
	for (; *allowed != NULL; allowed++)
		if (strcmp(s, *allowed) == 0)
			return 1;
	return 0;
}

int validate_event_name(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 64)
			return 0;
		if (!is_lower_alnum(s[i]) && s[i] != '_' && s[i] != '.')
			return 0;
	}
	return i >= 1;
}

/* Exactly n digits at s as a number, or -1. */
static int fixed_digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int validate_rfc3339(const char *s, int64_t *out_us)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, nfrac = 0;
	int64_t frac_us = 0, scale = 100000, t;
	const char *p;

	if (s == NULL)
		return 0;
	/* Fixed positions: every check reads only bytes before a NUL. */
	if ((y = fixed_digits(s, 4)) < 0 || s[4] != '-' ||
	    (mo = fixed_digits(s + 5, 2)) < 0 || s[7] != '-' ||
	    (d = fixed_digits(s + 8, 2)) < 0 ||
	    (s[10] != 'T' && s[10] != 't') ||
	    (h = fixed_digits(s + 11, 2)) < 0 || s[13] != ':' ||
	    (mi = fixed_digits(s + 14, 2)) < 0 || s[16] != ':' ||
	    (sec = fixed_digits(s + 17, 2)) < 0)
		return 0;
	if (mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
		return 0;
	/* Leap second 60 has no unix time; refusing it is the safe side. */
	if (h > 23 || mi > 59 || sec > 59)
		return 0;
	p = s + 19;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (++nfrac > 9)
				return 0;
			if (scale > 0) {
				frac_us += (*p - '0') * scale;
				scale /= 10;
			}
			p++;
		}
		if (nfrac == 0)
			return 0;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if ((oh = fixed_digits(p + 1, 2)) < 0 || p[3] != ':' ||
		    (om = fixed_digits(p + 4, 2)) < 0 || oh > 23 || om > 59)
			return 0;
		p += 6;
	} else {
		return 0;
	}
	if (*p != '\0')
		return 0;
	t = civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	/* Local time = UTC + offset, so UTC = local - offset. */
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	if (out_us != NULL)
		*out_us = t * 1000000 + frac_us;
	return 1;
}

int validate_cidr_parse(const char *s, struct validate_cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash;
	struct validate_cidr c;
	uint64_t prefix;
	size_t alen, nbytes, i;
	unsigned maxp;

	if (s == NULL || out == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return 0;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, c.addr) == 1) {
		c.family = AF_INET;
		maxp = 32;
	} else if (inet_pton(AF_INET6, buf, c.addr) == 1) {
		c.family = AF_INET6;
		maxp = 128;
	} else {
		return 0;
	}
	prefix = maxp;
	if (slash != NULL) {
		/* No sign, no space, no leading zeros ("/08" is a typo). */
		if ((slash[1] == '0' && slash[2] != '\0') ||
		    !validate_uint(slash + 1, maxp, &prefix))
			return 0;
	}
	c.prefix = (unsigned)prefix;
	/* Keep only the network bits so membership is a plain compare. */
	nbytes = c.family == AF_INET ? 4 : 16;
	for (i = 0; i < nbytes; i++) {
		if (i * 8 >= c.prefix)
			c.addr[i] = 0;
		else if (i * 8 + 8 > c.prefix)
			c.addr[i] &= (unsigned char)(0xFF << (8 - (c.prefix - i * 8)));
	}
	*out = c;
	return 1;
}

static int prefix_equal(const unsigned char *a, const unsigned char *b,
	unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;
	unsigned char mask;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xFF << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

int validate_cidr_contains(const struct validate_cidr *c, const char *addr)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0xFF, 0xFF };
	unsigned char a[16];

	if (c == NULL || addr == NULL)
		return 0;
	if (inet_pton(AF_INET, addr, a) == 1) {
		if (c->family != AF_INET)
			return 0;
		return prefix_equal(a, c->addr, c->prefix);
	}
	if (inet_pton(AF_INET6, addr, a) != 1)
		return 0;
	if (c->family == AF_INET6)
		return prefix_equal(a, c->addr, c->prefix);
	/* A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d. */
	if (c->family == AF_INET && memcmp(a, v4mapped, 12) == 0)
		return prefix_equal(a + 12, c->addr, c->prefix);
	return 0;
}

/* RFC 3986 characters that may appear in a path, query or fragment as
 * they are (unreserved, sub-delims, ':', '@', '/', '?', '#'); '%' is
 * checked separately. */
static int url_char(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("-._~!$&'()*+,;=:@/?#", c));
}

static int ascii_ieq(const char *s, const char *lower, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lower[i])
			return 0;
	}
	return 1;
}

/* host[:port] of len bytes. */
static int url_authority(const char *s, size_t len)
{
	size_t hlen = len, i, start, dots = 0;
	uint64_t port;
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];

	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL)
			return 0;
		hlen = (size_t)(close - s) + 1;
		if (hlen - 2 == 0 || hlen - 2 >= sizeof(buf))
			return 0;
		memcpy(buf, s + 1, hlen - 2);
		buf[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, buf, addr) != 1)
			return 0;
	} else {
		const char *colon = memchr(s, ':', len);

		if (colon != NULL)
			hlen = (size_t)(colon - s);
		if (hlen == 0 || hlen > 253)
			return 0;
		start = 0;
		for (i = 0; i <= hlen; i++) {
			if (i == hlen || s[i] == '.') {
				if (!ldh_label(s + start, i - start))
					return 0;
				if (i < hlen)
					dots++;
				start = i + 1;
			}
		}
		if (dots == 0)
			return 0;
	}
	if (hlen == len)
		return 1;
	if (s[hlen] != ':' || len - hlen - 1 == 0 || len - hlen - 1 > 5)
		return 0;
	memcpy(buf, s + hlen + 1, len - hlen - 1);
	buf[len - hlen - 1] = '\0';
	return validate_uint(buf, 65535, &port) && port > 0 && buf[0] != '0';
}

int validate_http_url(const char *s, size_t max)
{
	size_t len, i, auth;

	if (s == NULL)
		return 0;
	len = strnlen(s, max + 1);
	if (len > max)
		return 0;
	if (len > 7 && ascii_ieq(s, "http://", 7))
		i = 7;
	else if (len > 8 && ascii_ieq(s, "https://", 8))
		i = 8;
	else
		return 0;
	for (auth = i; auth < len && s[auth] != '/' && s[auth] != '?' &&
	    s[auth] != '#'; auth++)
		if (s[auth] == '@')
			return 0;
	if (!url_authority(s + i, auth - i))
		return 0;
	for (i = auth; i < len; i++) {
		if (s[i] == '%') {
			if (i + 2 >= len || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
				return 0;
			i += 2;
		} else if (!url_char(s[i])) {
			return 0;
		}
	}
	return 1;
}

int validate_github_username(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 39)
			return 0;
		if (s[i] == '-') {
			if (i == 0 || s[i + 1] == '-' || s[i + 1] == '\0')
				return 0;
		} else if (!is_alnum(s[i])) {
			return 0;
		}
	}
	return i > 0;
}

/* The SPDX licence identifiers extensions commonly use (SPDX License
 * List 3.x), in their canonical spelling. Licences outside the list go
 * through LicenseRef-<idstring>, as the SPDX specification provides. */
static const char *const spdx_ids[] = {
	"0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0",
	"Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause",
	"BSD-3-Clause-Clear", "BSL-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0",
	"CDDL-1.0", "CDDL-1.1", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2",
	"GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
	"ISC", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
	"LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "MS-PL",
	"MS-RL", "MulanPSL-2.0", "NCSA", "OFL-1.1", "OSL-3.0", "PostgreSQL",
	"Python-2.0", "Unlicense", "UPL-1.0", "WTFPL", "Zlib", "ZPL-2.1",
	NULL
};

const char *validate_spdx_id(const char *s)
{
	size_t i, n;

	if (s == NULL)
		return NULL;
	for (i = 0; spdx_ids[i] != NULL; i++)
		if (strcasecmp(s, spdx_ids[i]) == 0)
			return spdx_ids[i];
	/* LicenseRef-<idstring>: letters, digits, '.' and '-'. */
	if (strncmp(s, "LicenseRef-", 11) != 0)
		return NULL;
	n = strlen(s);
	if (n == 11 || n > 64)
		return NULL;
	for (i = 11; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '-')
			return NULL;
	return s;
}
