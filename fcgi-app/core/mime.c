/* The mail reader of `devforgectl mail-receive` (see mime.h). Works on
 * (pointer, length) slices of the raw message, accepts both CRLF and
 * bare LF line ends (MTAs hand pipes either), and copies out only what
 * it returns. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "crypto.h"
#include "err.h"
#include "mime.h"

#define SUBJECT_MAX 4096
/* An encoded-word is at most 75 characters (RFC 2047 2); mailers that
 * exceed it stay well under this, which bounds the scan for "?=". */
#define EW_MAX 256

/* --- a growable string in the arena ------------------------------------ */

struct sb {
	struct arena *a;
	char *p;
	size_t len, cap;
	int oom;
};

static void sb_init(struct sb *b, struct arena *a, size_t cap)
{
	b->a = a;
	b->len = 0;
	b->oom = 0;
	b->cap = cap < 64 ? 64 : cap;
	b->p = arena_alloc(a, b->cap);
	if (!b->p)
		b->oom = 1;
}

static void sb_put(struct sb *b, const void *d, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap;
		char *np;

		while (b->len + n + 1 > cap) {
			if (cap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			cap *= 2;
		}
		np = arena_alloc(b->a, cap);
		if (!np) {
			b->oom = 1;
			return;
		}
		memcpy(np, b->p, b->len);
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_putc(struct sb *b, char c)
{
	sb_put(b, &c, 1);
}

/* NUL-terminated (also when nothing was put), or NULL after OOM. */
static char *sb_done(struct sb *b)
{
	if (b->oom)
		return NULL;
	b->p[b->len] = '\0';
	return b->p;
}

/* --- small helpers ------------------------------------------------------- */

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The next line of [*p, end): its start and length without CR/LF; *p
 * moves past the line end. NULL at the end. */
static const char *next_line(const char **p, const char *end, size_t *ll)
{
	const char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl) {
		*ll = (size_t)(end - s);
		*p = end;
	} else {
		*ll = (size_t)(nl - s);
		*p = nl + 1;
	}
	if (*ll > 0 && s[*ll - 1] == '\r')
		(*ll)--;
	return s;
}

static int slice_ieq(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n == l && strncasecmp(s, lit, l) == 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

/* --- base64 and quoted-printable ---------------------------------------- */

/* Decodes base64 into out (room for 3*len/4+3), skipping characters
 * outside the alphabet as RFC 2045 says and stopping at '='. Bytes
 * written. */
static size_t b64_decode(const char *in, size_t len, unsigned char *out)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		int v;

		if (in[i] == '=')
			break;
		v = crypto_b64_digit(in[i]);
		if (v < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

/* Quoted-printable (RFC 2045 6.7) into out (room for len): soft line
 * breaks removed, "=XX" decoded, a malformed '=' kept as it is, trailing
 * blanks of a line dropped. q: the RFC 2047 "Q" form ('_' is a space).
 * Bytes written. */
static size_t qp_decode(const char *in, size_t len, char *out, int q)
{
	size_t i = 0, o = 0;

	while (i < len) {
		char c = in[i];

		if (c == '=') {
			size_t j = i + 1;
			int h, l;

			/* A soft break: '=' then blanks then the line end. */
			while (!q && j < len && is_wsp(in[j]))
				j++;
			if (!q && (j == len || in[j] == '\r' || in[j] == '\n')) {
				if (j < len && in[j] == '\r')
					j++;
				if (j < len && in[j] == '\n')
					j++;
				i = j;
				continue;
			}
			if (i + 2 < len + 0 && (h = hexval(in[i + 1])) >= 0 &&
			    (l = hexval(in[i + 2])) >= 0) {
				out[o++] = (char)(h * 16 + l);
				i += 3;
				continue;
			}
			out[o++] = c;
			i++;
			continue;
		}
		if (q && c == '_') {
			out[o++] = ' ';
			i++;
			continue;
		}
		if (!q && is_wsp(c)) {
			/* Blanks before a line end are transport padding. */
			size_t j = i;

			while (j < len && is_wsp(in[j]))
				j++;
			if (j == len || in[j] == '\r' || in[j] == '\n') {
				i = j;
				continue;
			}
		}
		out[o++] = c;
		i++;
	}
	return o;
}

/* --- charsets ------------------------------------------------------------ */

static const uint16_t cp1252_hi[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static void put_cp(struct sb *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		sb_put(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		sb_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		sb_put(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		sb_put(b, u, 4);
	}
}

/* The length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t l, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		l = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		l = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		l = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < l)
		return 0;
	for (i = 1; i < l; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((l == 3 && cp < 0x800) || (l == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return l;
}

static int utf8_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t l = utf8_seq((const unsigned char *)s + i, n - i);

		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

/* Appends UTF-8 text, each invalid byte as U+FFFD, NULs dropped. */
static void put_utf8(struct sb *b, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	while (i < n) {
		size_t l = s[i] ? utf8_seq((const unsigned char *)s + i, n - i) : 0;

		if (l == 0) {
			sb_put(b, s + run, i - run);
			if (s[i])
				put_cp(b, 0xFFFD);
			i++;
			run = i;
			continue;
		}
		i += l;
	}
	sb_put(b, s + run, n - run);
}

static void put_single_byte(struct sb *b, const char *s, size_t n, int cp1252)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			continue;
		if (c < 0x80)
			sb_put(b, s + i, 1);
		else if (cp1252 && c < 0xA0)
			put_cp(b, cp1252_hi[c - 0x80]);
		else
			put_cp(b, c);
	}
}

/* Text of an unknown or absent charset: UTF-8 when it is, else the
 * windows-1252 that mislabelled mail mostly is. */
static void put_guess(struct sb *b, const char *s, size_t n)
{
	if (utf8_valid(s, n))
		put_utf8(b, s, n);
	else
		put_single_byte(b, s, n, 1);
}

static int charset_is(const char *cs, const char *const *names)
{
	for (; *names; names++)
		if (strcasecmp(cs, *names) == 0)
			return 1;
	return 0;
}

static const char *const cs_utf8[] = { "utf-8", "utf8", NULL };
static const char *const cs_ascii[] = { "us-ascii", "ascii", "", "ansi_x3.4-1968",
	"iso646-us", NULL };
static const char *const cs_latin1[] = { "iso-8859-1", "iso_8859-1", "latin1",
	"l1", "iso8859-1", "iso-ir-100", NULL };
static const char *const cs_1252[] = { "windows-1252", "cp1252", "x-cp1252", NULL };

/* Through iconv for the charsets not handled above. */
static int put_iconv(struct sb *b, const char *cs, const char *s, size_t n)
{
	char name[48], *in = (char *)(uintptr_t)s, *out, *buf;
	size_t i, inleft = n, cap, outleft;
	iconv_t cd;

	/* Only a plain name reaches iconv: no "//TRANSLIT" suffixes. */
	for (i = 0; cs[i]; i++) {
		char c = cs[i];

		if (i + 1 >= sizeof(name) || !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == ':'))
			return DF_EINVAL;
		name[i] = c;
	}
	name[i] = '\0';
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return DF_EINVAL;
	if (n > (SIZE_MAX - 16) / 8) {
		iconv_close(cd);
		return DF_ENOMEM;
	}
	cap = 8 * n + 16;
	buf = arena_alloc(b->a, cap);
	if (!buf) {
		iconv_close(cd);
		return DF_ENOMEM;
	}
	out = buf;
	outleft = cap;
	while (inleft > 0) {
		size_t r = iconv(cd, &in, &inleft, &out, &outleft);

		if (r != (size_t)-1)
			break;
		if (errno == EILSEQ && outleft >= 3) {
			/* U+FFFD for the byte it cannot read, then go on. */
			memcpy(out, "\xEF\xBF\xBD", 3);
			out += 3;
			outleft -= 3;
			in++;
			inleft--;
			continue;
		}
		/* EINVAL: a sequence cut at the end; E2BIG cannot happen
		 * with 8 bytes a byte, and is refused if it does. */
		if (errno == EINVAL)
			break;
		iconv_close(cd);
		return DF_EINVAL;
	}
	iconv_close(cd);
	put_utf8(b, buf, (size_t)(out - buf));
	return 0;
}

static int put_charset(struct sb *b, const char *cs, const char *s, size_t n)
{
	if (charset_is(cs, cs_utf8))
		put_utf8(b, s, n);
	else if (charset_is(cs, cs_ascii))
		put_guess(b, s, n);
	else if (charset_is(cs, cs_latin1) || charset_is(cs, cs_1252))
		/* As browsers do (WHATWG Encoding): mail labelled
		 * iso-8859-1 is windows-1252 more often than not, and the
		 * C1 controls it would otherwise mean are never text. */
		put_single_byte(b, s, n, 1);
	else
		return put_iconv(b, cs, s, n);
	return 0;
}

int mime_to_utf8(struct arena *a, const char *charset, const char *bytes,
	size_t len, char **out, size_t *outlen)
{
	struct sb b;
	int rc;

	sb_init(&b, a, len + len / 4 + 16);
	rc = put_charset(&b, charset ? charset : "", bytes, len);
	if (rc)
		return rc;
	*out = sb_done(&b);
	if (!*out)
		return DF_ENOMEM;
	if (outlen)
		*outlen = b.len;
	return 0;
}

/* --- RFC 2047 encoded-words --------------------------------------------- */

/* An encoded-word at s[0..n): "=?charset[*lang]?B|Q?text?=". Its length,
 * or 0 when there is none. */
static size_t encoded_word(const char *s, size_t n, const char **cs,
	size_t *csl, char *enc, const char **text, size_t *tl)
{
	size_t i = 2, q1, q2;

	if (n > EW_MAX)
		n = EW_MAX;
	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	while (i < n && s[i] != '?' && !is_space(s[i]))
		i++;
	if (i >= n || s[i] != '?' || i == 2)
		return 0;
	q1 = i;
	if (q1 + 3 >= n || s[q1 + 2] != '?')
		return 0;
	*enc = lower(s[q1 + 1]);
	if (*enc != 'b' && *enc != 'q')
		return 0;
	i = q1 + 3;
	while (i + 1 < n && !(s[i] == '?' && s[i + 1] == '=') && !is_space(s[i]))
		i++;
	if (i + 1 >= n || s[i] != '?' || s[i + 1] != '=')
		return 0;
	q2 = i;
	*cs = s + 2;
	*csl = q1 - 2;
	/* RFC 2231 language suffix. */
	{
		const char *star = memchr(*cs, '*', *csl);

		if (star)
			*csl = (size_t)(star - *cs);
	}
	*text = s + q1 + 3;
	*tl = q2 - (q1 + 3);
	return q2 + 2;
}

/* Flushes the bytes of adjacent encoded-words of one charset: a
 * multi-byte character may be split between two words. */
static void flush_pending(struct sb *b, const char *cs, const char *p,
	size_t n, const char *ew, size_t ewl)
{
	if (n == 0)
		return;
	if (put_charset(b, cs, p, n) != 0)
		/* A charset nobody knows: the word stays as it was sent. */
		put_guess(b, ew, ewl);
}

char *mime_decode_header(struct arena *a, const char *v, size_t n)
{
	char cs[48] = "", ncs[48];
	const char *lit = v, *first_ew = NULL;
	size_t i = 0, pl = 0;
	char *pend;
	int last_ew = 0;
	struct sb b;

	sb_init(&b, a, n + 16);
	pend = arena_alloc(a, n + 1);
	if (!pend)
		return NULL;
	while (i < n) {
		const char *ecs, *text;
		size_t ecsl, tl, wl;
		char enc;

		wl = encoded_word(v + i, n - i, &ecs, &ecsl, &enc, &text, &tl);
		if (wl == 0 || ecsl >= sizeof(ncs)) {
			i++;
			continue;
		}
		memcpy(ncs, ecs, ecsl);
		ncs[ecsl] = '\0';
		{
			/* Only blanks between two encoded-words: dropped. */
			const char *g = lit;
			int blank = 1;

			for (; g < v + i; g++)
				if (!is_space(*g))
					blank = 0;
			if (!(last_ew && blank) || strcasecmp(ncs, cs) != 0) {
				flush_pending(&b, cs, pend, pl, first_ew,
					first_ew ? (size_t)(lit - first_ew) : 0);
				pl = 0;
				first_ew = v + i;
				if (!(last_ew && blank))
					put_guess(&b, lit, (size_t)(v + i - lit));
			}
		}
		memcpy(cs, ncs, ecsl + 1);
		if (enc == 'b') {
			/* base64 of tl chars is at most 3*tl/4 bytes: pend has
			 * room, being as long as the whole value. */
			pl += b64_decode(text, tl, (unsigned char *)pend + pl);
		} else {
			pl += qp_decode(text, tl, pend + pl, 1);
		}
		i += wl;
		lit = v + i;
		last_ew = 1;
	}
	flush_pending(&b, cs, pend, pl, first_ew,
		first_ew ? (size_t)(lit - first_ew) : 0);
	put_guess(&b, lit, (size_t)(v + n - lit));
	return sb_done(&b);
}

/* --- addresses ------------------------------------------------------------ */

/* The address in one element of an address list (no top-level commas):
 * what is inside <>, else the element without comments and blanks. */
static const char *one_address(struct arena *a, const char *s, size_t n)
{
	char buf[MIME_MAX_ADDR + 1];
	size_t i, o = 0, start = 0, end = n;
	int inq = 0, depth = 0, has_at = 0;
	int found_angle = 0;

	/* A group's display name ends at a top-level ':'. */
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			i++;
			continue;
		}
		if (c == '"' && depth == 0)
			inq = !inq;
		else if (!inq && c == '(')
			depth++;
		else if (!inq && c == ')' && depth > 0)
			depth--;
		else if (!inq && depth == 0 && c == '<') {
			const char *gt = memchr(s + i + 1, '>', n - i - 1);

			if (!gt)
				return NULL;
			start = i + 1;
			end = (size_t)(gt - s);
			found_angle = 1;
			break;
		} else if (!inq && depth == 0 && c == ':')
			start = i + 1;
	}
	inq = 0;
	depth = 0;
	for (i = start; i < end; i++) {
		char c = s[i];

		if (!found_angle && !inq && c == '(') {
			depth++;
			continue;
		}
		if (!found_angle && !inq && c == ')' && depth > 0) {
			depth--;
			continue;
		}
		if (depth > 0)
			continue;
		if (c == '"') {
			inq = !inq;
			continue;
		}
		if (is_space(c) || c == ';')
			continue;
		if ((unsigned char)c < 0x21 || c == 0x7F || c == '<' || c == '>' ||
		    c == ',')
			return NULL;
		if (o >= MIME_MAX_ADDR)
			return NULL;
		if (c == '@')
			has_at++;
		buf[o++] = c;
	}
	if (has_at == 0 || o < 3 || buf[0] == '@' || buf[o - 1] == '@')
		return NULL;
	/* A route "<@a,@b:x@y>" keeps its last part. */
	{
		char *colon = memchr(buf, ':', o);

		if (colon && buf[0] == '@') {
			size_t k = (size_t)(colon - buf) + 1;

			memmove(buf, buf + k, o - k);
			o -= k;
		}
	}
	return arena_strndup(a, buf, o);
}

int mime_addresses(struct arena *a, const char *v, const char **out,
	size_t max, size_t *n)
{
	size_t i, start = 0, len = strlen(v);
	int inq = 0, depth = 0, angle = 0;

	*n = 0;
	for (i = 0; i <= len && *n < max; i++) {
		char c = i < len ? v[i] : ',';

		if (i < len && c == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (c == '"' && depth == 0 && i < len)
			inq = !inq;
		else if (!inq && c == '(')
			depth++;
		else if (!inq && c == ')' && depth > 0)
			depth--;
		else if (!inq && depth == 0 && c == '<')
			angle = 1;
		else if (!inq && depth == 0 && c == '>')
			angle = 0;
		else if ((c == ',' && !inq && depth == 0 && !angle) || i == len) {
			const char *addr = one_address(a, v + start, i - start);

			if (addr)
				out[(*n)++] = addr;
			start = i + 1;
			angle = 0;
		}
	}
	return 0;
}

/* The first "<id>" of a Message-ID / In-Reply-To value, without the
 * brackets; a value without brackets taken whole. Printable ASCII of at
 * most 250 characters, else NULL. */
static const char *msg_id(struct arena *a, const char *v)
{
	const char *s = v, *lt = strchr(v, '<'), *e;
	size_t n, i;

	if (lt) {
		s = lt + 1;
		e = strchr(s, '>');
		if (!e)
			return NULL;
		n = (size_t)(e - s);
	} else {
		n = strlen(s);
		trim(&s, &n);
	}
	if (n == 0 || n > 250)
		return NULL;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7F)
			return NULL;
	return arena_strndup(a, s, n);
}

/* --- headers and parts -------------------------------------------------- */

struct hdr {
	const char *name;
	size_t nl;
	char *value;            /* unfolded, NUL-terminated */
	size_t vl;
};

struct part {
	struct hdr *h;
	size_t nh;
	const char *body;
	size_t blen;
};

struct ctype {
	char type[32], sub[64], charset[48], boundary[80];
	int has_boundary, flowed, delsp;
};

struct walk {
	struct arena *a;
	size_t parts;
	const char *error;
	struct part plain, html;
	int have_plain, have_html;
};

static int fail(struct walk *w, const char *why)
{
	if (!w->error)
		w->error = why;
	return DF_EINVAL;
}

/* Unfolded header fields of data[0..len) and where the body starts.
 * top: a leading mbox "From " line is allowed. */
static int parse_headers(struct walk *w, const char *data, size_t len,
	int top, struct part *p)
{
	const char *cur = data, *end = data + len, *line;
	const char *fstart = NULL, *fend = NULL;
	size_t ll, cap = 16, nh = 0;
	struct hdr *h;
	int first = 1;

	h = arena_alloc(w->a, cap * sizeof(*h));
	if (!h)
		return DF_ENOMEM;
	p->body = end;
	p->blen = 0;
	for (;;) {
		line = next_line(&cur, end, &ll);
		if (line && ll > 0 && is_wsp(line[0]) && fstart) {
			fend = line + ll;       /* a continuation */
			continue;
		}
		if (fstart) {
			/* Ends the field before: copy it without line ends. */
			const char *colon = memchr(fstart, ':', (size_t)(fend - fstart));
			const char *v = colon + 1;
			size_t k, o = 0;
			char *val;

			val = arena_alloc(w->a, (size_t)(fend - v) + 1);
			if (!val)
				return DF_ENOMEM;
			for (; v < fend; v++)
				if (*v != '\r' && *v != '\n')
					val[o++] = *v;
			k = 0;
			while (k < o && is_wsp(val[k]))
				k++;
			while (o > k && is_wsp(val[o - 1]))
				o--;
			if (nh == cap) {
				struct hdr *nhp = arena_alloc(w->a, 2 * cap * sizeof(*h));

				if (!nhp)
					return DF_ENOMEM;
				memcpy(nhp, h, cap * sizeof(*h));
				h = nhp;
				cap *= 2;
			}
			h[nh].name = fstart;
			h[nh].nl = (size_t)(colon - fstart);
			h[nh].value = val + k;
			h[nh].vl = o - k;
			val[o] = '\0';
			nh++;
			if (nh > MIME_MAX_HEADERS)
				return fail(w, "too many header fields");
			fstart = NULL;
		}
		if (!line)
			break;
		if (ll == 0) {
			p->body = cur;
			p->blen = (size_t)(end - cur);
			break;
		}
		if (top && first && ll >= 5 && memcmp(line, "From ", 5) == 0) {
			first = 0;
			continue;
		}
		first = 0;
		if (is_wsp(line[0])) {
			if (nh == 0 && !top)
				return fail(w, "part headers begin with a continuation line");
			if (nh == 0)
				return fail(w, "message begins with a continuation line");
			continue;
		}
		{
			const char *colon = memchr(line, ':', ll);
			const char *q;

			if (!colon || colon == line)
				return fail(w, "header line without a field name and colon");
			for (q = line; q < colon; q++)
				if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7F) {
					/* "Name :" is obsolete syntax; allow blanks
					 * before the colon only. */
					const char *r = q;

					while (r < colon && is_wsp(*r))
						r++;
					if (r != colon)
						return fail(w, "header field name with invalid characters");
					break;
				}
		}
		fstart = line;
		fend = line + ll;
	}
	p->h = h;
	p->nh = nh;
	return 0;
}

static const struct hdr *find_hdr(const struct part *p, const char *name)
{
	size_t i, l = strlen(name);

	for (i = 0; i < p->nh; i++) {
		size_t nl = p->h[i].nl;

		while (nl > 0 && is_wsp(p->h[i].name[nl - 1]))
			nl--;
		if (nl == l && strncasecmp(p->h[i].name, name, l) == 0)
			return &p->h[i];
	}
	return NULL;
}

/* Skips blanks and (comments) from s[*i]. */
static void skip_cfws(const char *s, size_t n, size_t *i)
{
	int depth = 0;

	while (*i < n) {
		char c = s[*i];

		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (!(depth > 0 || is_space(c)))
			break;
		(*i)++;
	}
}

static int tspecial(char c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* A token or quoted string into out (cap bytes, truncated: the caller
 * checks lengths it cares about through *full). */
static void value_token(const char *s, size_t n, size_t *i, char *out,
	size_t cap, size_t *full)
{
	size_t o = 0;

	*full = 0;
	if (*i < n && s[*i] == '"') {
		(*i)++;
		while (*i < n && s[*i] != '"') {
			if (s[*i] == '\\' && *i + 1 < n)
				(*i)++;
			if (o + 1 < cap)
				out[o++] = s[*i];
			(*full)++;
			(*i)++;
		}
		if (*i < n)
			(*i)++;
	} else {
		while (*i < n && !is_space(s[*i]) && s[*i] != ';') {
			if (o + 1 < cap)
				out[o++] = s[*i];
			(*full)++;
			(*i)++;
		}
	}
	out[o] = '\0';
}

/* Content-Type (RFC 2045 5.1); text/plain; charset=us-ascii when absent
 * or unreadable. mp_default: the default inside multipart/digest is
 * message/rfc822, which we never read, so it only matters as "not
 * text". */
static int parse_ctype(struct walk *w, const struct part *p, struct ctype *ct)
{
	const struct hdr *h = find_hdr(p, "Content-Type");
	const char *s;
	size_t n, i = 0, k;

	memset(ct, 0, sizeof(*ct));
	strcpy(ct->type, "text");
	strcpy(ct->sub, "plain");
	strcpy(ct->charset, "us-ascii");
	if (!h)
		return 0;
	s = h->value;
	n = h->vl;
	skip_cfws(s, n, &i);
	{
		char t[32], st[64];
		size_t o = 0;

		while (i < n && !tspecial(s[i]) && !is_space(s[i]) && o + 1 < sizeof(t))
			t[o++] = lower(s[i++]);
		t[o] = '\0';
		skip_cfws(s, n, &i);
		if (i >= n || s[i] != '/' || o == 0)
			return 0;          /* unreadable: the default */
		i++;
		skip_cfws(s, n, &i);
		o = 0;
		while (i < n && !tspecial(s[i]) && !is_space(s[i]) && o + 1 < sizeof(st))
			st[o++] = lower(s[i++]);
		st[o] = '\0';
		if (o == 0)
			return 0;
		memcpy(ct->type, t, sizeof(t));
		memcpy(ct->sub, st, sizeof(st));
	}
	while (i < n) {
		char name[32], val[128];
		size_t o = 0, full;

		while (i < n && s[i] != ';')
			i++;
		if (i >= n)
			break;
		i++;
		skip_cfws(s, n, &i);
		while (i < n && s[i] != '=' && s[i] != ';' && !is_space(s[i])) {
			if (o + 1 < sizeof(name))
				name[o++] = lower(s[i]);
			i++;
		}
		name[o] = '\0';
		skip_cfws(s, n, &i);
		if (i >= n || s[i] != '=')
			continue;
		i++;
		skip_cfws(s, n, &i);
		value_token(s, n, &i, val, sizeof(val), &full);
		if (strcmp(name, "boundary") == 0) {
			/* RFC 2046 allows 70; some mailers exceed it a little. */
			if (full == 0 || full >= sizeof(ct->boundary))
				return fail(w, "multipart boundary empty or too long");
			memcpy(ct->boundary, val, full + 1);
			ct->has_boundary = 1;
		} else if (strcmp(name, "charset") == 0) {
			for (k = 0; val[k] && k + 1 < sizeof(ct->charset); k++)
				ct->charset[k] = val[k];
			ct->charset[k] = '\0';
		} else if (strcmp(name, "format") == 0) {
			ct->flowed = strcasecmp(val, "flowed") == 0;
		} else if (strcmp(name, "delsp") == 0) {
			ct->delsp = strcasecmp(val, "yes") == 0;
		}
	}
	return 0;
}

static int is_attachment(const struct part *p)
{
	const struct hdr *h = find_hdr(p, "Content-Disposition");

	return h && h->vl >= 10 && strncasecmp(h->value, "attachment", 10) == 0;
}

/* Does line[0..ll) delimit boundary b? 1 a part delimiter, 2 the close
 * delimiter, 0 neither. */
static int delimiter(const char *line, size_t ll, const char *b, size_t bl)
{
	size_t i;

	if (ll < 2 + bl || line[0] != '-' || line[1] != '-' ||
	    memcmp(line + 2, b, bl) != 0)
		return 0;
	i = 2 + bl;
	if (ll >= i + 2 && line[i] == '-' && line[i + 1] == '-') {
		for (i += 2; i < ll; i++)
			if (!is_wsp(line[i]))
				return 0;
		return 2;
	}
	for (; i < ll; i++)
		if (!is_wsp(line[i]))
			return 0;
	return 1;
}

static int walk_part(struct walk *w, const char *data, size_t len, int depth,
	int top);

static int walk_multipart(struct walk *w, const struct part *p,
	const struct ctype *ct, int depth)
{
	const char *cur = p->body, *end = p->body + p->blen, *line;
	const char *pstart = NULL;
	size_t ll, bl = strlen(ct->boundary);
	int seen = 0, rc;

	while ((line = next_line(&cur, end, &ll)) != NULL) {
		int d = delimiter(line, ll, ct->boundary, bl);

		if (!d)
			continue;
		if (pstart) {
			/* The line end before a delimiter belongs to it. */
			const char *pend = line;

			if (pend > pstart && pend[-1] == '\n')
				pend--;
			if (pend > pstart && pend[-1] == '\r')
				pend--;
			rc = walk_part(w, pstart, (size_t)(pend - pstart), depth + 1, 0);
			if (rc)
				return rc;
		}
		seen = 1;
		pstart = d == 1 ? cur : NULL;
		if (d == 2)
			break;
	}
	if (!seen)
		return fail(w, "multipart boundary never appears");
	/* A last part without its close delimiter: read to the end. */
	if (pstart)
		return walk_part(w, pstart, (size_t)(end - pstart), depth + 1, 0);
	return 0;
}

static int walk_part(struct walk *w, const char *data, size_t len, int depth,
	int top)
{
	struct part p;
	struct ctype ct;
	int rc;

	if (depth > MIME_MAX_DEPTH)
		return fail(w, "multipart nested too deeply");
	if (++w->parts > MIME_MAX_PARTS)
		return fail(w, "too many MIME parts");
	rc = parse_headers(w, data, len, top, &p);
	if (rc)
		return rc;
	rc = parse_ctype(w, &p, &ct);
	if (rc)
		return rc;
	if (strcmp(ct.type, "multipart") == 0) {
		if (!ct.has_boundary)
			return fail(w, "multipart without a boundary");
		return walk_multipart(w, &p, &ct, depth);
	}
	if (strcmp(ct.type, "text") != 0 || is_attachment(&p))
		return 0;
	if (strcmp(ct.sub, "plain") == 0 && !w->have_plain) {
		w->plain = p;
		w->have_plain = 1;
	} else if (strcmp(ct.sub, "html") == 0 && !w->have_html) {
		w->html = p;
		w->have_html = 1;
	}
	return 0;
}

/* --- the text of the chosen part ----------------------------------------- */

/* RFC 3676: joins soft-broken lines (ending in a space) of one quote
 * depth, undoes space-stuffing; quoted lines come out as "> " prefixed. */
static char *unflow(struct arena *a, const char *s, size_t n, int delsp)
{
	const char *cur = s, *end = s + n, *line;
	struct sb b;
	size_t ll;
	int open = 0, open_depth = 0;

	sb_init(&b, a, n + 16);
	while ((line = next_line(&cur, end, &ll)) != NULL) {
		int depth = 0, sig, soft;

		while ((size_t)depth < ll && line[depth] == '>')
			depth++;
		line += depth;
		ll -= (size_t)depth;
		if (ll > 0 && line[0] == ' ')
			line++, ll--;
		sig = ll == 3 && memcmp(line, "-- ", 3) == 0;
		soft = !sig && ll > 0 && line[ll - 1] == ' ';
		if (open && depth != open_depth) {
			sb_putc(&b, '\n');   /* a broken paragraph ends here */
			open = 0;
		}
		if (!open) {
			int k;

			for (k = 0; k < depth; k++)
				sb_putc(&b, '>');
			if (depth)
				sb_putc(&b, ' ');
		}
		if (soft && delsp)
			ll--;
		sb_put(&b, line, ll);
		if (soft) {
			open = 1;
			open_depth = depth;
		} else {
			sb_putc(&b, '\n');
			open = 0;
		}
	}
	if (open)
		sb_putc(&b, '\n');
	return sb_done(&b);
}

static int decode_text(struct walk *w, const struct part *p, int html,
	struct mime_msg *msg)
{
	const struct hdr *cte = find_hdr(p, "Content-Transfer-Encoding");
	struct ctype ct;
	char *raw, *utf, *out;
	size_t rl, ul, i, o;
	int rc;

	rc = parse_ctype(w, p, &ct);
	if (rc)
		return rc;
	raw = arena_alloc(w->a, p->blen + 4);
	if (!raw)
		return DF_ENOMEM;
	if (!cte || slice_ieq(cte->value, cte->vl, "7bit") ||
	    slice_ieq(cte->value, cte->vl, "8bit") ||
	    slice_ieq(cte->value, cte->vl, "binary") || cte->vl == 0) {
		memcpy(raw, p->body, p->blen);
		rl = p->blen;
	} else if (slice_ieq(cte->value, cte->vl, "quoted-printable")) {
		rl = qp_decode(p->body, p->blen, raw, 0);
	} else if (slice_ieq(cte->value, cte->vl, "base64")) {
		rl = b64_decode(p->body, p->blen, (unsigned char *)raw);
	} else {
		return fail(w, "unknown Content-Transfer-Encoding");
	}
	rc = mime_to_utf8(w->a, ct.charset, raw, rl, &utf, &ul);
	if (rc == DF_EINVAL)
		return fail(w, "unknown charset");
	if (rc)
		return rc;
	/* LF line ends only. */
	for (i = o = 0; i < ul; i++) {
		if (utf[i] == '\r') {
			if (i + 1 < ul && utf[i + 1] == '\n')
				continue;
			utf[o++] = '\n';
			continue;
		}
		utf[o++] = utf[i];
	}
	utf[o] = '\0';
	if (html)
		out = mime_html_text(w->a, utf, o);
	else if (ct.flowed)
		out = unflow(w->a, utf, o, ct.delsp);
	else
		out = utf;
	if (!out)
		return DF_ENOMEM;
	msg->text = out;
	msg->html = html;
	return 0;
}

/* --- HTML to text ------------------------------------------------------- */

static const struct { const char *name; const char *utf8; } entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "ndash", "\xE2\x80\x93" },
	{ "mdash", "\xE2\x80\x94" }, { "hellip", "\xE2\x80\xA6" },
	{ "rsquo", "\xE2\x80\x99" }, { "lsquo", "\xE2\x80\x98" },
	{ "rdquo", "\xE2\x80\x9D" }, { "ldquo", "\xE2\x80\x9C" },
	{ "copy", "\xC2\xA9" }, { "euro", "\xE2\x82\xAC" },
};

struct htext {
	struct sb b;
	int quote;          /* blockquote depth */
	int bol;            /* at the beginning of an output line */
	int space;          /* a blank is pending */
	int pre;
};

static void ht_newline(struct htext *t)
{
	sb_putc(&t->b, '\n');
	t->bol = 1;
	t->space = 0;
}

static void ht_text(struct htext *t, const char *s, size_t n)
{
	if (t->bol) {
		int k;

		for (k = 0; k < t->quote; k++)
			sb_putc(&t->b, '>');
		if (t->quote)
			sb_putc(&t->b, ' ');
		t->bol = 0;
		t->space = 0;
	} else if (t->space) {
		sb_putc(&t->b, ' ');
		t->space = 0;
	}
	sb_put(&t->b, s, n);
}

static int tag_is(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

static const char *const block_tags[] = { "p", "div", "tr", "table", "h1",
	"h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "hr",
	"blockquote", "section", "article", "header", "footer", "address",
	"dl", "dt", "dd", "center", "tbody", "thead", NULL };

/* Skips to the end of element name's content ("</name"), from i. */
static size_t skip_element(const char *s, size_t n, size_t i, const char *name)
{
	size_t l = strlen(name);

	for (; i + 2 + l <= n; i++)
		if (s[i] == '<' && s[i + 1] == '/' &&
		    strncasecmp(s + i + 2, name, l) == 0) {
			const char *gt = memchr(s + i, '>', n - i);

			return gt ? (size_t)(gt - s) + 1 : n;
		}
	return n;
}

char *mime_html_text(struct arena *a, const char *s, size_t n)
{
	struct htext t;
	size_t i = 0;
	char *out, *r, *w;

	memset(&t, 0, sizeof(t));
	sb_init(&t.b, a, n + 16);
	t.bol = 1;
	while (i < n) {
		char c = s[i];

		if (c == '<') {
			char name[16];
			size_t j = i + 1, o = 0;
			int close = 0;
			const char *gt;

			if (i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
				const char *e = NULL;
				size_t k;

				for (k = i + 4; k + 2 < n; k++)
					if (memcmp(s + k, "-->", 3) == 0) {
						e = s + k;
						break;
					}
				i = e ? (size_t)(e - s) + 3 : n;
				continue;
			}
			if (j < n && s[j] == '/') {
				close = 1;
				j++;
			}
			while (j < n && ((s[j] >= 'a' && s[j] <= 'z') ||
			       (s[j] >= 'A' && s[j] <= 'Z') ||
			       (s[j] >= '0' && s[j] <= '9')) && o + 1 < sizeof(name))
				name[o++] = lower(s[j++]);
			name[o] = '\0';
			if (o == 0 && !(j < n && s[j] == '!')) {
				/* A lone '<' is text. */
				ht_text(&t, "<", 1);
				i++;
				continue;
			}
			/* The tag's end, quotes in attributes respected. */
			{
				char q = 0;

				gt = NULL;
				for (; j < n; j++) {
					if (q) {
						if (s[j] == q)
							q = 0;
					} else if (s[j] == '"' || s[j] == '\'') {
						q = s[j];
					} else if (s[j] == '>') {
						gt = s + j;
						break;
					}
				}
			}
			i = gt ? (size_t)(gt - s) + 1 : n;
			if (!close && (strcmp(name, "script") == 0 ||
			    strcmp(name, "style") == 0 || strcmp(name, "head") == 0 ||
			    strcmp(name, "title") == 0)) {
				i = skip_element(s, n, i, name);
				continue;
			}
			if (strcmp(name, "br") == 0) {
				ht_newline(&t);
			} else if ((strcmp(name, "td") == 0 ||
			    strcmp(name, "th") == 0) && !t.bol) {
				t.space = 1;    /* cells of a row apart */
			} else if (tag_is(name, block_tags)) {
				if (!t.bol)
					ht_newline(&t);
				if (strcmp(name, "blockquote") == 0) {
					if (close && t.quote > 0)
						t.quote--;
					else if (!close && t.quote < 32)
						t.quote++;
				} else if (strcmp(name, "pre") == 0) {
					t.pre = !close;
				} else if (strcmp(name, "li") == 0 && !close) {
					ht_text(&t, "- ", 2);
				}
			}
			continue;
		}
		if (c == '&') {
			size_t j = i + 1, k;
			const char *semi;

			semi = memchr(s + j, ';', (n - j) < 12 ? n - j : 12);
			if (semi && j < n && s[j] == '#') {
				uint32_t cp = 0;
				int hex = j + 1 < n && (s[j + 1] == 'x' || s[j + 1] == 'X');
				size_t d = j + 1 + (size_t)hex;
				int ok = d < (size_t)(semi - s);

				for (; d < (size_t)(semi - s); d++) {
					int v = hex ? hexval(s[d]) :
						(s[d] >= '0' && s[d] <= '9' ? s[d] - '0' : -1);

					if (v < 0 || cp > 0x10FFFF) {
						ok = 0;
						break;
					}
					cp = cp * (hex ? 16 : 10) + (uint32_t)v;
				}
				if (ok) {
					struct sb tmp;

					if (cp == 0 || cp > 0x10FFFF ||
					    (cp >= 0xD800 && cp <= 0xDFFF))
						cp = 0xFFFD;
					if (cp == 0xA0)
						cp = ' ';
					sb_init(&tmp, a, 8);
					put_cp(&tmp, cp);
					if (tmp.oom)
						return NULL;
					ht_text(&t, tmp.p, tmp.len);
					i = (size_t)(semi - s) + 1;
					continue;
				}
			} else if (semi) {
				size_t el = (size_t)(semi - s) - j;

				for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++)
					if (strlen(entities[k].name) == el &&
					    memcmp(entities[k].name, s + j, el) == 0)
						break;
				if (k < sizeof(entities) / sizeof(entities[0])) {
					ht_text(&t, entities[k].utf8,
						strlen(entities[k].utf8));
					i = (size_t)(semi - s) + 1;
					continue;
				}
			}
			ht_text(&t, "&", 1);
			i++;
			continue;
		}
		if (is_space(c) && !t.pre) {
			if (!t.bol)
				t.space = 1;
			i++;
			continue;
		}
		if (c == '\n' && t.pre) {
			ht_newline(&t);
			i++;
			continue;
		}
		{
			size_t j = i + 1;

			while (j < n && s[j] != '<' && s[j] != '&' &&
			       (t.pre ? s[j] != '\n' : !is_space(s[j])))
				j++;
			ht_text(&t, s + i, j - i);
			i = j;
		}
	}
	/* Every line ends in '\n', so the pass below never writes past
	 * what it reads. */
	sb_putc(&t.b, '\n');
	out = sb_done(&t.b);
	if (!out)
		return NULL;
	/* Trailing blanks of each line dropped, at most one blank line in a
	 * row, none at the start or end. */
	r = w = out;
	{
		int nl_run = 2;

		while (*r) {
			char *e = strchr(r, '\n');
			size_t l = e ? (size_t)(e - r) : strlen(r);
			size_t tl = l;

			while (tl > 0 && is_space(r[tl - 1]))
				tl--;
			if (tl == 0) {
				nl_run++;
			} else {
				if (nl_run >= 2 && w != out)
					*w++ = '\n';
				memmove(w, r, tl);
				w += tl;
				*w++ = '\n';
				nl_run = 1;
			}
			r += l + (e ? 1 : 0);
		}
		*w = '\0';
		/* "nl_run >= 2" above inserts the one blank line kept. */
	}
	return out;
}

/* --- the message ---------------------------------------------------------- */

static int add_rcpts(struct walk *w, const struct part *top, const char *name,
	enum mime_rcpt_from from, struct mime_msg *msg)
{
	size_t i;

	for (i = 0; i < top->nh; i++) {
		const char *addrs[MIME_MAX_RCPTS];
		size_t n, k, nl = top->h[i].nl;
		int rc;

		while (nl > 0 && is_wsp(top->h[i].name[nl - 1]))
			nl--;
		if (!(nl == strlen(name) && strncasecmp(top->h[i].name, name, nl) == 0))
			continue;
		rc = mime_addresses(w->a, top->h[i].value, addrs,
			MIME_MAX_RCPTS - msg->n_rcpt, &n);
		if (rc)
			return rc;
		for (k = 0; k < n; k++) {
			msg->rcpt[msg->n_rcpt].from = from;
			msg->rcpt[msg->n_rcpt].addr = addrs[k];
			msg->n_rcpt++;
		}
		if (msg->n_rcpt >= MIME_MAX_RCPTS)
			break;
	}
	return 0;
}

int mime_parse(struct arena *a, const char *raw, size_t len, struct mime_msg *msg)
{
	struct walk w;
	struct part top;
	const struct hdr *h;
	int rc;

	memset(msg, 0, sizeof(*msg));
	msg->text = "";
	if (len > MIME_MAX_INPUT) {
		msg->error = "message over 10 MiB";
		return DF_ETOOBIG;
	}
	memset(&w, 0, sizeof(w));
	w.a = a;
	rc = parse_headers(&w, raw, len, 1, &top);
	if (rc)
		goto out;
	if (top.nh == 0) {
		rc = fail(&w, "no header fields");
		goto out;
	}
	msg->rcpt = arena_calloc(a, MIME_MAX_RCPTS, sizeof(*msg->rcpt));
	if (!msg->rcpt)
		return DF_ENOMEM;
	h = find_hdr(&top, "Subject");
	if (h) {
		/* A subject is a line of text: the first 4 KiB of one are
		 * plenty, and bound the decoder's work. */
		char *s = mime_decode_header(a, h->value,
			h->vl < SUBJECT_MAX ? h->vl : SUBJECT_MAX), *p;

		if (!s)
			return DF_ENOMEM;
		for (p = s; *p; p++)
			if (*p == '\r' || *p == '\n' || *p == '\t')
				*p = ' ';
		msg->subject = s;
	}
	h = find_hdr(&top, "From");
	if (h) {
		const char *addrs[1];
		size_t n;

		rc = mime_addresses(a, h->value, addrs, 1, &n);
		if (rc)
			return rc;
		if (n == 1)
			msg->from = addrs[0];
	}
	h = find_hdr(&top, "Auto-Submitted");
	if (h && !(h->vl >= 2 && strncasecmp(h->value, "no", 2) == 0 &&
	    (h->vl == 2 || h->value[2] == ';' || is_wsp(h->value[2]))))
		msg->auto_reply = 1;
	if (find_hdr(&top, "X-Autoreply") != NULL)
		msg->auto_reply = 1;
	h = find_hdr(&top, "Precedence");
	if (h && slice_ieq(h->value, h->vl, "auto_reply"))
		msg->auto_reply = 1;
	h = find_hdr(&top, "Message-ID");
	if (h)
		msg->message_id = msg_id(a, h->value);
	h = find_hdr(&top, "In-Reply-To");
	if (h)
		msg->in_reply_to = msg_id(a, h->value);
	if ((rc = add_rcpts(&w, &top, "To", MIME_TO, msg)) ||
	    (rc = add_rcpts(&w, &top, "Cc", MIME_CC, msg)) ||
	    (rc = add_rcpts(&w, &top, "Delivered-To", MIME_DELIVERED_TO, msg)) ||
	    (rc = add_rcpts(&w, &top, "X-Original-To", MIME_X_ORIGINAL_TO, msg)))
		return rc;
	/* The body structure: the whole message is the top part. */
	rc = walk_part(&w, raw, len, 0, 1);
	if (rc)
		goto out;
	if (w.have_plain)
		rc = decode_text(&w, &w.plain, 0, msg);
	else if (w.have_html)
		rc = decode_text(&w, &w.html, 1, msg);
out:
	if (rc == DF_EINVAL)
		msg->error = w.error ? w.error : "malformed message";
	return rc;
}
