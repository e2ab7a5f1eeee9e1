/* Markdown to plain text for search (see mdtext.h). Line by line: block
 * syntax (fences, headings, quotes, list markers, rules, reference
 * definitions) is recognised at the start of a line, inline syntax
 * (emphasis, code spans, links, images, tags, entities, escapes) inside
 * it. Decisions are taken on ASCII bytes only and every drop removes
 * whole ASCII-delimited ranges, so multi-byte characters pass through
 * untouched and are never split. */
#include <string.h>
#include "mdtext.h"

struct out {
	char *p;
	size_t cap, n;
	size_t line_start;   /* where the current output line starts */
	int space;           /* a blank is pending before the next byte */
	int nl;              /* a line break is pending before it */
	int full;
};

static void put(struct out *o, char c)
{
	if (o->full)
		return;
	if (o->n + 1 >= o->cap) {
		o->full = 1;
		return;
	}
	o->p[o->n++] = c;
}

/* A visible byte: the pending blank first, unless at a line start. */
static void emit(struct out *o, char c)
{
	if (o->nl) {
		put(o, '\n');
		o->line_start = o->n;
	} else if (o->space && o->n > o->line_start) {
		put(o, ' ');
	}
	o->nl = 0;
	o->space = 0;
	put(o, c);
}

static void blank(struct out *o)
{
	o->space = 1;
}

static void end_line(struct out *o)
{
	o->space = 0;
	/* Empty lines fold away: a line break only between lines of text,
	 * written when the next text comes (so none trails). */
	if (o->n > o->line_start)
		o->nl = 1;
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int is_punct(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !is_alnum(c);
}

/* A fence line: at least three ` or ~ (after up to three spaces). The
 * fence char in *ch and its length in *cnt. */
static int fence(const char *s, size_t len, char *ch, size_t *cnt)
{
	size_t i = 0, n = 0;

	while (i < len && i < 3 && s[i] == ' ')
		i++;
	if (i >= len || (s[i] != '`' && s[i] != '~'))
		return 0;
	*ch = s[i];
	while (i + n < len && s[i + n] == *ch)
		n++;
	*cnt = n;
	return n >= 3;
}

/* A thematic break or setext underline: only one of - * _ = (three or
 * more) and blanks. */
static int rule_line(const char *s, size_t len)
{
	size_t i, n = 0;
	char c = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (c == 0 && strchr("-*_=", s[i]) != NULL)
			c = s[i];
		if (s[i] != c)
			return 0;
		n++;
	}
	return n >= 3;
}

/* "[label]: target": a reference definition shows nothing. */
static int ref_def(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && i < 3 && s[i] == ' ')
		i++;
	if (i >= len || s[i] != '[')
		return 0;
	for (i++; i < len && s[i] != ']'; i++)
		if (s[i] == '[')
			return 0;
	return i + 1 < len && s[i + 1] == ':';
}

/* Skips block markers at a line's start: indentation, quote marks,
 * heading hashes, list bullets and ordinals. Returns the offset of the
 * text. */
static size_t block_prefix(const char *s, size_t len)
{
	size_t i = 0, j;

	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < len && s[i] == '>') {
			i++;
			continue;
		}
		break;
	}
	if (i < len && s[i] == '#') {
		for (j = i; j < len && s[j] == '#'; j++)
			;
		if (j - i <= 6 && (j == len || s[j] == ' ' || s[j] == '\t'))
			return j;
	}
	if (i + 1 < len && strchr("-*+", s[i]) != NULL &&
	    (s[i + 1] == ' ' || s[i + 1] == '\t'))
		return i + 2;
	for (j = i; j < len && j - i < 9 && s[j] >= '0' && s[j] <= '9'; j++)
		;
	if (j > i && j + 1 < len && (s[j] == '.' || s[j] == ')') &&
	    (s[j + 1] == ' ' || s[j + 1] == '\t'))
		return j + 2;
	return i;
}

static const struct {
	const char *name;
	char c;
} entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	{ "&quot;", '"' }, { "&#39;", '\'' }, { "&apos;", '\'' },
	{ "&nbsp;", ' ' },
};

/* Length of the entity at s decoded into *c, or 0. */
static size_t entity(const char *s, size_t len, char *c)
{
	size_t i, n;

	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
		n = strlen(entities[i].name);
		if (n <= len && memcmp(s, entities[i].name, n) == 0) {
			*c = entities[i].c;
			return n;
		}
	}
	return 0;
}

/* At '<': the length of a tag or autolink to drop (an autolink's
 * address is kept: *keep_from, *keep_len), or 0 when it is a literal. */
static size_t angle(const char *s, size_t len, size_t *keep_from,
	size_t *keep_len)
{
	size_t i;
	int sp = 0, link = 0;

	*keep_len = 0;
	if (len < 3 || !(s[1] == '/' || s[1] == '!' || s[1] == '?' ||
	    (s[1] >= 'a' && s[1] <= 'z') || (s[1] >= 'A' && s[1] <= 'Z')))
		return 0;
	for (i = 1; i < len && s[i] != '>'; i++) {
		if (s[i] == '<')
			return 0;
		if (s[i] == ' ' || s[i] == '\t')
			sp = 1;
		if (s[i] == '@' || (s[i] == ':' && i + 2 < len &&
		    s[i + 1] == '/' && s[i + 2] == '/'))
			link = 1;
	}
	if (i >= len)
		return 0;
	if (link && !sp) {
		*keep_from = 1;
		*keep_len = i - 1;
	}
	return i + 1;
}

/* At ']': a link's destination "(...)" or reference "[...]" right after
 * it, its length to drop (0: none). Parentheses nest. */
static size_t link_tail(const char *s, size_t len)
{
	size_t i, depth = 0;

	if (len < 2)
		return 0;
	if (s[1] == '[') {
		for (i = 2; i < len && s[i] != ']'; i++)
			if (s[i] == '[')
				return 0;
		return i < len ? i + 1 : 0;
	}
	if (s[1] != '(')
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

static void inline_text(struct out *o, const char *s, size_t len)
{
	size_t i = 0, n, kf, kl, k;
	char c;

	while (i < len && !o->full) {
		unsigned char u = (unsigned char)s[i];

		if (u == ' ' || u == '\t' || u == '\r') {
			blank(o);
			i++;
		} else if (u == '\\' && i + 1 < len &&
		    is_punct((unsigned char)s[i + 1])) {
			emit(o, s[i + 1]);
			i += 2;
		} else if (u == '`') {
			/* Code spans keep their text; the ticks go. */
			while (i < len && s[i] == '`')
				i++;
		} else if (u == '*' || (u == '~' && i + 1 < len &&
		    s[i + 1] == '~')) {
			while (i < len && s[i] == (char)u)
				i++;
		} else if (u == '_' && (i == 0 ||
		    !is_alnum((unsigned char)s[i - 1]) || i + 1 >= len ||
		    !is_alnum((unsigned char)s[i + 1]))) {
			/* Emphasis; an underscore inside a word (snake_case)
			 * is text. */
			i++;
		} else if (u == '!' && i + 1 < len && s[i + 1] == '[') {
			i++;
		} else if (u == '[') {
			i++;
		} else if (u == ']') {
			n = link_tail(s + i, len - i);
			i += n > 0 ? n : 1;
		} else if (u == '<' && (n = angle(s + i, len - i, &kf, &kl)) > 0) {
			for (k = 0; k < kl; k++)
				emit(o, s[i + kf + k]);
			/* A tag separates words ("a<br>b"). */
			if (kl == 0)
				blank(o);
			i += n;
		} else if (u == '&' && (n = entity(s + i, len - i, &c)) > 0) {
			if (c == ' ')
				blank(o);
			else
				emit(o, c);
			i += n;
		} else {
			emit(o, s[i]);
			i++;
		}
	}
}

int mdtext_plain(const char *md, size_t len, char *out, size_t cap,
	size_t *outlen)
{
	struct out o = { .p = out, .cap = cap };
	size_t pos = 0, fence_len = 0, cnt;
	char fence_ch = 0, ch;

	if (md == NULL || out == NULL || outlen == NULL || cap == 0)
		return DF_EINVAL;
	while (pos < len && !o.full) {
		const char *nl = memchr(md + pos, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - (md + pos)) : len - pos;
		const char *line = md + pos;
		size_t at;

		pos += ll + (nl != NULL);
		if (fence(line, ll, &ch, &cnt)) {
			if (fence_len == 0) {
				fence_ch = ch;
				fence_len = cnt;
				end_line(&o);
				continue;
			}
			if (ch == fence_ch && cnt >= fence_len) {
				fence_len = 0;
				end_line(&o);
				continue;
			}
		}
		if (fence_len > 0) {
			/* Code is kept as written, blanks folded. */
			for (at = 0; at < ll && !o.full; at++) {
				if (line[at] == ' ' || line[at] == '\t' ||
				    line[at] == '\r')
					blank(&o);
				else
					emit(&o, line[at]);
			}
			end_line(&o);
			continue;
		}
		if (rule_line(line, ll) || ref_def(line, ll)) {
			end_line(&o);
			continue;
		}
		at = block_prefix(line, ll);
		inline_text(&o, line + at, ll - at);
		end_line(&o);
	}
	if (o.full) {
		/* Never end inside a character: drop a cut sequence. */
		size_t k = o.n, need;
		unsigned char lead;

		while (k > 0 && o.n - k < 3 &&
		    ((unsigned char)o.p[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (lead = (unsigned char)o.p[k - 1]) >= 0xC0) {
			need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
			if (o.n - (k - 1) < need)
				o.n = k - 1;
		}
	}
	o.p[o.n] = '\0';
	*outlen = o.n;
	return o.full ? DF_ETOOBIG : 0;
}
