/* The support assistant's text work (see assist_text.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "assist_text.h"

/* Words that say nothing about what a question is about. Kept sorted
 * only for the reader. */
static const char *const stop_words[] = {
	"about", "after", "again", "all", "also", "and", "any", "anyone",
	"are", "aren", "because", "been", "before", "but", "can", "cannot",
	"could", "did", "didn", "does", "doesn", "doing", "don", "each",
	"even", "ever", "for", "from", "get", "getting", "got", "had",
	"has", "have", "hello", "help", "her", "here", "hey", "him", "his",
	"how", "into", "isn", "its", "just", "know", "like", "many", "may",
	"might", "more", "most", "much", "must", "need", "not", "now",
	"off", "once", "one", "only", "other", "our", "out", "own",
	"please", "really", "same", "she", "should", "some", "someone",
	"something", "still", "such", "than", "thank", "thanks", "that",
	"the", "their", "them", "then", "there", "these", "they", "thing",
	"this", "those", "too", "trying", "very", "want", "was", "wasn",
	"way", "were", "what", "when", "where", "which", "while", "who",
	"why", "will", "with", "won", "would", "yes", "yet", "you", "your",
	NULL
};

static int is_stop(const char *w)
{
	size_t i;

	for (i = 0; stop_words[i] != NULL; i++)
		if (strcmp(w, stop_words[i]) == 0)
			return 1;
	return 0;
}

static int is_word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Cut position in s (len > max): after the last sentence end at or
 * before max, else at the last space, else at max moved back to a UTF-8
 * boundary. */
static size_t cut_at(const char *s, size_t len, size_t max)
{
	size_t i, space = 0;

	if (max > len)
		max = len;
	for (i = max; i > ASSIST_PASSAGE_MIN / 2; i--) {
		if (i < len && is_space(s[i]) &&
		    (s[i - 1] == '.' || s[i - 1] == '?' || s[i - 1] == '!'))
			return i;
		if (space == 0 && i < len && is_space(s[i]))
			space = i;
	}
	if (space > 0)
		return space;
	for (i = max; i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80; i--)
		;
	return i > 0 ? i : max;
}

static int push(struct arena *a, char ***arr, size_t *n, size_t *cap,
	const char *s, size_t len)
{
	char **grown;

	while (len > 0 && is_space(s[len - 1]))
		len--;
	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	if (len == 0)
		return 0;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		grown = arena_alloc(a, *cap * sizeof(*grown));
		if (grown == NULL)
			return DF_ENOMEM;
		if (*n > 0)
			memcpy(grown, *arr, *n * sizeof(*grown));
		*arr = grown;
	}
	(*arr)[*n] = arena_strndup(a, s, len);
	if ((*arr)[*n] == NULL)
		return DF_ENOMEM;
	(*n)++;
	return 0;
}

int assist_text_split(struct arena *a, const char *text, char ***out,
	size_t *n)
{
	size_t cap = 0, blen = 0, len, cut;
	const char *p = text, *e;
	char *buf;
	int rc;

	*out = NULL;
	*n = 0;
	if (text == NULL)
		return 0;
	/* buf collects short paragraphs until the minimum is reached. */
	buf = arena_alloc(a, strlen(text) + 2);
	if (buf == NULL)
		return DF_ENOMEM;
	while (*p != '\0') {
		e = strchr(p, '\n');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		while (len > 0 && is_space(*p)) {
			p++;
			len--;
		}
		if (len > 0) {
			if (blen > 0)
				buf[blen++] = '\n';
			memcpy(buf + blen, p, len);
			blen += len;
			buf[blen] = '\0';
		}
		p += len;
		if (*p == '\n')
			p++;
		if (blen < ASSIST_PASSAGE_MIN && *p != '\0')
			continue;
		/* Long: cut at sentence ends, the rest waits for more. */
		while (blen > ASSIST_PASSAGE_MAX) {
			cut = cut_at(buf, blen, ASSIST_PASSAGE_MAX);
			rc = push(a, out, n, &cap, buf, cut);
			if (rc != 0)
				return rc;
			memmove(buf, buf + cut, blen - cut + 1);
			blen -= cut;
		}
		if (blen >= ASSIST_PASSAGE_MIN || *p == '\0') {
			rc = push(a, out, n, &cap, buf, blen);
			if (rc != 0)
				return rc;
			blen = 0;
		}
	}
	return 0;
}

int assist_text_terms(struct arena *a, const char *q, char ***out,
	size_t *n)
{
	char **terms, w[64];
	size_t i, len, k;

	*out = NULL;
	*n = 0;
	terms = arena_alloc(a, ASSIST_TERMS_MAX * sizeof(*terms));
	if (terms == NULL)
		return DF_ENOMEM;
	while (q != NULL && *q != '\0' && *n < ASSIST_TERMS_MAX) {
		while (*q != '\0' && !is_word_byte((unsigned char)*q))
			q++;
		for (len = 0; is_word_byte((unsigned char)q[len]); len++)
			;
		if (len >= 3 && len < sizeof(w)) {
			int ascii = 1;

			for (k = 0; k < len; k++) {
				if ((unsigned char)q[k] >= 0x80)
					ascii = 0;
				w[k] = (char)tolower((unsigned char)q[k]);
			}
			w[len] = '\0';
			for (i = 0; i < *n && strcmp(terms[i], w) != 0; i++)
				;
			if (ascii && i == *n && !is_stop(w)) {
				terms[*n] = arena_strdup(a, w);
				if (terms[*n] == NULL)
					return DF_ENOMEM;
				(*n)++;
			}
		}
		q += len;
	}
	*out = terms;
	return 0;
}

/* Whether term occurs in text at the start of a word (case-blind), in
 * full or, for a long term, by its first 5 letters. */
static int has_term(const char *term, const char *text)
{
	size_t tl = strlen(term), need = tl >= 6 ? 5 : tl, i;
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (p != text && is_word_byte((unsigned char)p[-1]))
			continue;
		for (i = 0; i < need && p[i] != '\0' &&
		     tolower((unsigned char)p[i]) == term[i]; i++)
			;
		if (i == need)
			return 1;
	}
	return 0;
}

double assist_text_coverage(char *const *terms, size_t n, const char *text)
{
	size_t i, hit = 0;

	if (n == 0 || text == NULL)
		return 0.0;
	for (i = 0; i < n; i++)
		hit += (size_t)has_term(terms[i], text);
	return (double)hit / (double)n;
}

int assist_text_confidence(double cover, double title_cover)
{
	double c;

	if (cover <= 0.0)
		return 0;
	/* Squared: half the words found is a weak answer (25), not a fair
	 * one; the title's words add at most 20. */
	c = 80.0 * cover * cover + 20.0 * title_cover;
	if (c > 100.0)
		c = 100.0;
	return (int)(c + 0.5);
}

char *assist_text_reply(struct arena *a, const struct assist_text_source *s,
	size_t n)
{
	char *out, *more;
	size_t i;

	if (n == 0)
		return arena_strdup(a, ASSIST_TEXT_UNKNOWN " Nothing in the help"
			" center or the solved forum threads matches your"
			" question. Try other words, or ask our support team.");
	out = arena_printf(a, "From \"%s\" [1]:\n\n%s", s[0].title,
		s[0].passage);
	for (i = 1; out != NULL && i < n; i++) {
		more = arena_printf(a, "%s%s\"%s\" [%zu]", out,
			i == 1 ? "\n\nSee also: " : ", ", s[i].title, i + 1);
		out = more;
	}
	return out;
}
