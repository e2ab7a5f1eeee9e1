/* The forum's trust rules (see forum_rules.h). The counter is a small
 * scanner, not a Markdown renderer: it follows the constructs that make
 * a link or an image and the ones that hide them (code), and gives up on
 * anything else by reading it as text. Lookahead is bounded so a post
 * full of unmatched brackets stays linear in practice. */
#include <string.h>

#include "forum_rules.h"

#define REF_MAX 128        /* reference definitions remembered */
#define LABEL_MAX 999      /* CommonMark's bound on a link label */
#define TEXT_MAX 2000      /* link text looked through for its ']' */
#define DEST_MAX 4096      /* a destination looked through for its ')' */
#define NEST_MAX 8         /* link text inside link text */

struct span {
	const char *p;
	size_t n;
};

struct scan {
	const char *md;
	size_t len;
	struct span refs[REF_MAX];
	size_t nrefs;
	int refs_overflow;   /* more definitions than remembered: any label
	                        counts as defined (counts err high) */
	struct forum_rules_counts *out;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\f' || c == '\v';
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int prefix_ci(const char *p, size_t n, const char *word)
{
	size_t i;

	for (i = 0; word[i] != '\0'; i++)
		if (i >= n || lower(p[i]) != word[i])
			return 0;
	return 1;
}

/* Labels match case-insensitively with runs of white space as one. */
static int label_eq(struct span a, struct span b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a.n && is_space(a.p[i]) && (i == 0 ||
		    i + 1 == a.n || is_space(a.p[i + 1])))
			i++;
		while (j < b.n && is_space(b.p[j]) && (j == 0 ||
		    j + 1 == b.n || is_space(b.p[j + 1])))
			j++;
		if (i >= a.n || j >= b.n)
			return i >= a.n && j >= b.n;
		if (is_space(a.p[i]) && is_space(b.p[j])) {
			i++;
			j++;
			continue;
		}
		if (lower(a.p[i]) != lower(b.p[j]))
			return 0;
		i++;
		j++;
	}
}

static int ref_defined(const struct scan *s, struct span label)
{
	size_t i, k;

	for (k = 0; k < label.n && is_space(label.p[k]); k++)
		;
	if (k == label.n)
		return 0;
	if (s->refs_overflow)
		return 1;
	for (i = 0; i < s->nrefs; i++)
		if (label_eq(s->refs[i], label))
			return 1;
	return 0;
}

/* The end of the line starting at i (the index of its '\n' or len). */
static size_t line_end(const struct scan *s, size_t i)
{
	const char *nl = memchr(s->md + i, '\n', s->len - i);

	return nl != NULL ? (size_t)(nl - s->md) : s->len;
}

/* A fence opening or closing line: up to 3 spaces, then 3 or more '`'
 * or '~'. *ch and *n say which and how many. */
static int fence_at(const struct scan *s, size_t i, size_t end, char *ch,
	size_t *n)
{
	size_t k = 0, m = 0;

	while (k < 3 && i + k < end && s->md[i + k] == ' ')
		k++;
	if (i + k >= end || (s->md[i + k] != '`' && s->md[i + k] != '~'))
		return 0;
	*ch = s->md[i + k];
	while (i + k + m < end && s->md[i + k + m] == *ch)
		m++;
	*n = m;
	return m >= 3;
}

/* A reference definition line "[label]: destination": its label, or 0. */
static int definition_at(const struct scan *s, size_t i, size_t end,
	struct span *label)
{
	size_t k = 0, j;

	while (k < 3 && i + k < end && s->md[i + k] == ' ')
		k++;
	if (i + k >= end || s->md[i + k] != '[' ||
	    (i + k + 1 < end && s->md[i + k + 1] == '^'))
		return 0;
	for (j = i + k + 1; j < end && j - i < LABEL_MAX; j++) {
		if (s->md[j] == '\\') {
			j++;
			continue;
		}
		if (s->md[j] == '[')
			return 0;
		if (s->md[j] == ']')
			break;
	}
	if (j >= end || s->md[j] != ']' || j + 1 >= end || s->md[j + 1] != ':')
		return 0;
	label->p = s->md + i + k + 1;
	label->n = j - (i + k + 1);
	for (j += 2; j < end && is_space(s->md[j]); j++)
		;
	return j < end;
}

/* Fenced code followed across lines: the open fence's character and
 * length (n 0: outside a fence). */
struct fence {
	char ch;
	size_t n;
};

enum line_kind {
	LINE_TEXT,          /* outside fenced code */
	LINE_FENCE_OPEN,    /* opens a fence */
	LINE_FENCED         /* inside a fence, or the line closing it */
};

/* The line [i, end) with f, which it updates. */
static enum line_kind fence_line(const struct scan *s, size_t i, size_t end,
	struct fence *f)
{
	size_t m;
	char ch;

	if (f->n > 0) {
		if (fence_at(s, i, end, &ch, &m) && ch == f->ch && m >= f->n)
			f->n = 0;
		return LINE_FENCED;
	}
	if (!fence_at(s, i, end, &ch, &m))
		return LINE_TEXT;
	f->ch = ch;
	f->n = m;
	return LINE_FENCE_OPEN;
}

/* The first pass: the reference definitions outside fenced code, so
 * that a reference used before its definition counts. */
static void collect_refs(struct scan *s)
{
	struct fence f = { 0, 0 };
	size_t i = 0, end;
	struct span label;

	while (i < s->len) {
		end = line_end(s, i);
		if (fence_line(s, i, end, &f) == LINE_TEXT &&
		    definition_at(s, i, end, &label)) {
			if (s->nrefs < REF_MAX)
				s->refs[s->nrefs++] = label;
			else
				s->refs_overflow = 1;
		}
		i = end + 1;
	}
}

/* The ']' closing the bracket opened at i ('[' at md[i]), within
 * [i, stop), nested brackets balanced and escapes skipped; 0 when none
 * (a ']' is never at index 0). */
static size_t close_bracket(const struct scan *s, size_t i, size_t stop,
	size_t max)
{
	size_t j, depth = 0;

	for (j = i; j < stop && j - i <= max; j++) {
		if (s->md[j] == '\\') {
			j++;
		} else if (s->md[j] == '[') {
			depth++;
		} else if (s->md[j] == ']') {
			if (--depth == 0)
				return j;
		} else if (s->md[j] == '\n' && j + 1 < stop &&
		    s->md[j + 1] == '\n') {
			return 0;   /* a blank line ends the paragraph */
		}
	}
	return 0;
}

/* The inline destination "(...)" opening at i: the index after its ')'
 * or 0; *empty when there is no destination in it. */
static size_t close_dest(const struct scan *s, size_t i, size_t stop,
	int *empty)
{
	size_t j = i + 1, depth = 1;

	while (j < stop && s->md[j] != '\n' && is_space(s->md[j]))
		j++;
	*empty = j < stop && s->md[j] == ')';
	if (j < stop && s->md[j] == '<') {
		while (j < stop && s->md[j] != '>' && s->md[j] != '\n')
			j++;
		if (j >= stop || s->md[j] != '>')
			return 0;
		*empty = j == i + 2 || (j > i + 2 && s->md[j - 1] == '<');
	}
	for (; j < stop && j - i <= DEST_MAX; j++) {
		if (s->md[j] == '\\') {
			j++;
		} else if (s->md[j] == '(') {
			depth++;
		} else if (s->md[j] == ')') {
			if (--depth == 0)
				return j + 1;
		} else if (s->md[j] == '\n' && j + 1 < stop &&
		    s->md[j + 1] == '\n') {
			return 0;
		}
	}
	return 0;
}

/* After the text "[...]" ending at close: an inline destination, a
 * full or collapsed reference, or a shortcut reference. Returns the
 * index after the construct and sets *is (1 when it is a link or image
 * with a destination), or 0 when it is none of them. */
static size_t after_text(const struct scan *s, size_t open, size_t close,
	size_t stop, int *is)
{
	struct span text = { s->md + open + 1, close - open - 1 };
	size_t j = close + 1, k;
	int empty = 0;

	*is = 0;
	if (j < stop && s->md[j] == '(') {
		k = close_dest(s, j, stop, &empty);
		if (k != 0) {
			*is = !empty;
			return k;
		}
	}
	if (j < stop && s->md[j] == '[') {
		k = close_bracket(s, j, stop, LABEL_MAX);
		if (k != 0) {
			struct span ref = { s->md + j + 1, k - j - 1 };

			if (ref.n == 0)
				ref = text;
			if (ref_defined(s, ref)) {
				*is = 1;
				return k + 1;
			}
			return 0;
		}
	}
	if (text.n > 0 && text.p[0] != '^' && ref_defined(s, text)) {
		*is = 1;
		return close + 1;
	}
	return 0;
}

/* An HTML tag at i ('<'): a link (<a href>), an image (<img>), an
 * autolink (<scheme:...>) or none; returns the index after '>' or 0. */
static size_t html_at(const struct scan *s, size_t i, size_t stop,
	int in_link)
{
	const char *p = s->md + i + 1;
	size_t n = stop - i - 1, j;
	int autolink = prefix_ci(p, n, "http://") ||
		prefix_ci(p, n, "https://") || prefix_ci(p, n, "ftp://") ||
		prefix_ci(p, n, "mailto:");

	for (j = i + 1; j < stop && j - i <= DEST_MAX; j++) {
		if (s->md[j] == '>')
			break;
		if (s->md[j] == '<' || (autolink && is_space(s->md[j])))
			return 0;
	}
	if (j >= stop || s->md[j] != '>')
		return 0;
	if (autolink) {
		if (!in_link)
			s->out->links++;
	} else if (prefix_ci(p, n, "img") && n > 3 &&
	    (is_space(p[3]) || p[3] == '/' || p[3] == '>')) {
		s->out->images++;
	} else if (prefix_ci(p, n, "a") && n > 1 && is_space(p[1])) {
		size_t k;

		/* <a name="x"> is an anchor, not a link. */
		for (k = 1; k + 5 <= j - i - 1; k++)
			if (prefix_ci(p + k, j - i - 1 - k, "href") &&
			    is_space(p[k - 1])) {
				if (!in_link)
					s->out->links++;
				break;
			}
	} else {
		return 0;
	}
	return j + 1;
}

/* A bare URL at i (http://, https:// or www. after a non-word
 * character) as a linkifier would see it: the index after it, or 0. */
static size_t bare_url_at(const struct scan *s, size_t i, size_t stop)
{
	const char *p = s->md + i;
	size_t n = stop - i, k;

	if (i > 0 && (is_alnum(s->md[i - 1]) || s->md[i - 1] == '/' ||
	    s->md[i - 1] == '.' || s->md[i - 1] == '@'))
		return 0;
	if (prefix_ci(p, n, "http://"))
		k = 7;
	else if (prefix_ci(p, n, "https://"))
		k = 8;
	else if (prefix_ci(p, n, "www."))
		k = 4;
	else
		return 0;
	if (k >= n || !is_alnum(p[k]))
		return 0;
	while (k < n && !is_space(p[k]) && p[k] != '<' && p[k] != '>')
		k++;
	return i + k;
}

static void scan_range(struct scan *s, size_t from, size_t stop,
	int in_link, int depth);

/* Skips a code span whose opening backtick run starts at i: the index
 * after its closing run, or after the opening run when it has none (the
 * backticks are then text). */
static size_t code_span(const struct scan *s, size_t i, size_t stop)
{
	size_t n = 0, j, m;

	while (i + n < stop && s->md[i + n] == '`')
		n++;
	for (j = i + n; j < stop; j++) {
		if (s->md[j] != '`')
			continue;
		for (m = 0; j + m < stop && s->md[j + m] == '`'; m++)
			;
		if (m == n)
			return j + m;
		j += m - 1;
	}
	return i + n;
}

/* Scans [from, stop) of text (no fences or definitions in it, see
 * scan_lines), counting into s->out. in_link: inside a link's text,
 * where links do not nest (but images do). */
static void scan_range(struct scan *s, size_t from, size_t stop,
	int in_link, int depth)
{
	size_t i = from, close, next;
	int is;

	while (i < stop) {
		char c = s->md[i];

		if (c == '\\') {
			i += 2;
		} else if (c == '`') {
			i = code_span(s, i, stop);
		} else if (c == '!' && i + 1 < stop && s->md[i + 1] == '[' &&
		    (close = close_bracket(s, i + 1, stop, TEXT_MAX)) != 0 &&
		    (next = after_text(s, i + 1, close, stop, &is)) != 0) {
			if (is)
				s->out->images++;
			i = next;
		} else if (c == '[' && (close = close_bracket(s, i, stop,
		    TEXT_MAX)) != 0 && (next = after_text(s, i, close, stop,
		    &is)) != 0) {
			if (is && !in_link)
				s->out->links++;
			if (depth < NEST_MAX)
				scan_range(s, i + 1, close, 1, depth + 1);
			i = next;
		} else if (c == '<' && (next = html_at(s, i, stop,
		    in_link)) != 0) {
			i = next;
		} else if (!in_link && (c == 'h' || c == 'H' || c == 'w' ||
		    c == 'W') && (next = bare_url_at(s, i, stop)) != 0) {
			s->out->links++;
			i = next;
		} else {
			i++;
		}
	}
}

/* Walks the lines: fenced code and reference definitions are skipped,
 * each run of other lines is scanned as one range (a link's text may
 * span lines of a paragraph). */
static void scan_lines(struct scan *s)
{
	struct fence f = { 0, 0 };
	size_t i = 0, end, run = 0;
	enum line_kind k;
	struct span label;

	while (i < s->len) {
		end = line_end(s, i);
		k = fence_line(s, i, end, &f);
		if (k == LINE_FENCED) {
			run = end + 1;
		} else if (k == LINE_FENCE_OPEN ||
		    definition_at(s, i, end, &label)) {
			scan_range(s, run, i, 0, 0);
			run = end + 1;
		}
		i = end + 1;
	}
	if (f.n == 0 && run < s->len)
		scan_range(s, run, s->len, 0, 0);
}

void forum_rules_count(const char *md, size_t len,
	struct forum_rules_counts *out)
{
	struct scan s;

	memset(out, 0, sizeof(*out));
	if (md == NULL || len == 0)
		return;
	memset(&s, 0, sizeof(s));
	s.md = md;
	s.len = len;
	s.out = out;
	collect_refs(&s);
	scan_lines(&s);
}

static uint64_t percent_capped(uint64_t total, unsigned percent,
	uint64_t cap)
{
	uint64_t need = total * percent / 100;

	return need < cap ? need : cap;
}

static int tl1(const struct forum_rules_stats *s)
{
	return s->topics_entered >= FORUM_TL1_TOPICS_ENTERED &&
		s->posts_read >= FORUM_TL1_POSTS_READ;
}

static int tl2(const struct forum_rules_stats *s)
{
	return s->days_visited >= FORUM_TL2_DAYS_VISITED &&
		s->likes_given >= FORUM_TL2_LIKES_GIVEN &&
		s->likes_received >= FORUM_TL2_LIKES_RECEIVED &&
		s->replied_topics >= FORUM_TL2_REPLIED_TOPICS &&
		s->topics_entered >= FORUM_TL2_TOPICS_ENTERED &&
		s->posts_read >= FORUM_TL2_POSTS_READ;
}

int forum_rules_tl3_possible(const struct forum_rules_stats *s)
{
	return tl2(s) && s->days_visited >= FORUM_TL3_DAYS_VISITED &&
		s->replied_topics >= FORUM_TL3_REPLIED_TOPICS &&
		s->likes_given >= FORUM_TL3_LIKES_GIVEN &&
		s->likes_received >= FORUM_TL3_LIKES_RECEIVED;
}

static int tl3(const struct forum_rules_stats *s)
{
	return s->days_visited_100d >= FORUM_TL3_DAYS_VISITED &&
		s->replied_topics_100d >= FORUM_TL3_REPLIED_TOPICS &&
		s->topics_entered_100d >= percent_capped(
			s->topics_created_100d, FORUM_TL3_TOPICS_PERCENT,
			FORUM_TL3_TOPICS_CAP) &&
		s->posts_read_100d >= percent_capped(s->posts_created_100d,
			FORUM_TL3_POSTS_PERCENT, FORUM_TL3_POSTS_CAP) &&
		s->likes_given_100d >= FORUM_TL3_LIKES_GIVEN &&
		s->likes_received_100d >= FORUM_TL3_LIKES_RECEIVED &&
		s->flags_agreed_100d <= FORUM_TL3_FLAGS_AGREED_MAX;
}

unsigned forum_rules_level(const struct forum_rules_stats *s)
{
	if (!tl1(s))
		return 0;
	if (!tl2(s))
		return 1;
	if (!tl3(s))
		return 2;
	return 3;
}

unsigned forum_rules_scaled_cap(unsigned base, unsigned percent)
{
	uint64_t v = (uint64_t)base * percent / 100;

	if (base > 0 && v == 0)
		v = 1;
	return v > 0xffffffffu ? 0xffffffffu : (unsigned)v;
}
