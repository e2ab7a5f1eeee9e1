/* Reply stripping (see reply_strip.h): one pass to find the first line
 * where history or a signature starts, one to copy what comes before. */
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "err.h"
#include "reply_strip.h"

struct line {
	const char *s;
	size_t n;            /* without the line end */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The line without blanks at either end, and without the '*' that
 * plain-text renderings of bold HTML put around "*From:*". */
static struct line trimmed(struct line l)
{
	while (l.n > 0 && (is_space(l.s[0]) || l.s[0] == '*'))
		l.s++, l.n--;
	while (l.n > 0 && is_space(l.s[l.n - 1]))
		l.n--;
	return l;
}

static int starts(struct line l, const char *p)
{
	size_t n = strlen(p);

	return l.n >= n && strncasecmp(l.s, p, n) == 0;
}

/* Case-sensitive start: "On " must not match "one" or "ONLY". */
static int starts_cs(struct line l, const char *p)
{
	size_t n = strlen(p);

	return l.n >= n && memcmp(l.s, p, n) == 0;
}

static int ends(struct line l, const char *p)
{
	size_t n = strlen(p);

	return l.n >= n && strncasecmp(l.s + l.n - n, p, n) == 0;
}

static int contains(struct line l, const char *p)
{
	size_t n = strlen(p), i;

	for (i = 0; i + n <= l.n; i++)
		if (strncasecmp(l.s + i, p, n) == 0)
			return 1;
	return 0;
}

/* Gmail, Apple Mail, Thunderbird and their translations: "On ...
 * wrote:", "Am ... schrieb ...:", "Le ... a écrit :", "El ... escribió:". */
static int attribution_start(struct line t)
{
	return starts_cs(t, "On ") || starts_cs(t, "Am ") ||
		starts_cs(t, "Le ") || starts_cs(t, "El ");
}

static int attribution_end(struct line t)
{
	return ends(t, "wrote:") || (ends(t, ":") && contains(t, "schrieb")) ||
		ends(t, "a \xC3\xA9" "crit :") || ends(t, "a \xC3\xA9" "crit:") ||
		ends(t, "escribi\xC3\xB3:");
}

static int all_of(struct line t, char c, size_t min)
{
	size_t i;

	if (t.n < min)
		return 0;
	for (i = 0; i < t.n; i++)
		if (t.s[i] != c)
			return 0;
	return 1;
}

/* The attribution line(s) at i: 0 none, 1, or 2 when wrapped over two
 * lines, as Gmail's plain text does with a long name and address. */
static size_t attribution_len(const struct line *ls, size_t i, size_t n)
{
	struct line t = trimmed(ls[i]);

	if (!attribution_start(t))
		return 0;
	if (attribution_end(t))
		return 1;
	if (i + 1 < n && attribution_end(trimmed(ls[i + 1])))
		return 2;
	return 0;
}

/* Is the first line after the attribution at i (of len lines) that is
 * not blank a quoted one? Then the attribution heads an inline quote
 * (Thunderbird writes its reply below it), not the end of the reply. */
static int quote_follows(const struct line *ls, size_t i, size_t len, size_t n)
{
	size_t k;

	for (k = i + len; k < n; k++) {
		struct line t = trimmed(ls[k]);

		if (t.n == 0)
			continue;
		return t.s[0] == '>';
	}
	return 1;
}

/* Does history or a signature start at line i of n? */
static int cut_here(const struct line *ls, size_t i, size_t n)
{
	struct line raw = ls[i], t = trimmed(ls[i]);
	size_t k;

	/* The signature separator "-- " (RFC 3676 4.3); many clients drop
	 * its blank. */
	if ((raw.n == 3 && memcmp(raw.s, "-- ", 3) == 0) ||
	    (raw.n == 2 && memcmp(raw.s, "--", 2) == 0))
		return 1;
	if (starts(t, "Sent from my ") || starts(t, "Get Outlook for ") ||
	    starts(t, "Sent from Outlook") || starts(t, "Sent from Mail for ") ||
	    starts(t, "Sent from Yahoo Mail") || starts(t, "Von meinem ") ||
	    starts(t, "Envoy\xC3\xA9 de mon "))
		return 1;
	if (t.n > 0 && t.s[0] == '-' && contains(t, "original message"))
		return 1;
	/* Outlook's rule above its quoted header block. */
	if (all_of(t, '_', 10))
		return 1;
	/* Outlook's header block: "From:" and, within a few lines, "Sent:"
	 * (or "Date:"). */
	if (starts(t, "From:") || starts(t, "Von:") || starts(t, "De :") ||
	    starts(t, "De:")) {
		for (k = i + 1; k < n && k <= i + 4; k++) {
			struct line u = trimmed(ls[k]);

			if (starts(u, "Sent:") || starts(u, "Date:") ||
			    starts(u, "Gesendet:") || starts(u, "Envoy\xC3\xA9 :"))
				return 1;
		}
	}
	if (attribution_len(ls, i, n) > 0)
		return 1;
	return 0;
}

int reply_strip(struct arena *a, const char *text, char **out)
{
	size_t n = 0, cap = 1, i, cut, first, last, o = 0, len;
	struct line *ls;
	const char *p;
	char *buf;

	len = strlen(text);
	for (p = text; *p; p++)
		if (*p == '\n')
			cap++;
	ls = arena_alloc(a, cap * sizeof(*ls));
	buf = arena_alloc(a, len + 1);
	if (!ls || !buf)
		return DF_ENOMEM;
	for (p = text; n < cap;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l > 0 && p[l - 1] == '\r')
			l--;
		ls[n].s = p;
		ls[n].n = l;
		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	for (cut = 0; cut < n; cut++) {
		size_t al = attribution_len(ls, cut, n);

		if (al > 0 && quote_follows(ls, cut, al, n)) {
			/* Left out with the quote it heads. */
			for (i = 0; i < al; i++)
				ls[cut + i].s = NULL;
			cut += al - 1;
			continue;
		}
		if (cut_here(ls, cut, n))
			break;
	}
	/* Quoted lines left out; blanks at each line's end dropped. */
	for (i = 0; i < cut; i++) {
		struct line l = ls[i], t;

		if (!l.s)
			continue;
		t = trimmed(l);
		if (t.n > 0 && t.s[0] == '>' && (l.s[0] == '>' || is_space(l.s[0]))) {
			ls[i].s = NULL;
			continue;
		}
		while (l.n > 0 && is_space(l.s[l.n - 1]))
			l.n--;
		ls[i] = l;
	}
	for (first = 0; first < cut && (!ls[first].s || ls[first].n == 0); first++)
		;
	for (last = cut; last > first && (!ls[last - 1].s || ls[last - 1].n == 0);
	     last--)
		;
	for (i = first; i < last; i++) {
		if (!ls[i].s)
			continue;
		if (o > 0)
			buf[o++] = '\n';
		memcpy(buf + o, ls[i].s, ls[i].n);
		o += ls[i].n;
	}
	buf[o] = '\0';
	*out = buf;
	return 0;
}

void reply_strip_controls(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++)
		if (!((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') &&
		    *s != 0x7F)
			*w++ = *s;
	*w = '\0';
}

int reply_strip_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return 0;
	return 1;
}
