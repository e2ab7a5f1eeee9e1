/* The support assistant's text work (see assist_text.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Phrases that address an assistant, and the verbs and objects of
 * "ignore (all|previous|...) instructions" within one sentence. */
static const char *const orders[] = {
	"system prompt", "system instruction", "system message",
	"you are now", "to the assistant", "as an ai", "language model",
	"developer mode", "jailbreak", "new instructions", NULL
};
static const char *const dismiss[] = {
	"ignore", "disregard", "forget", "override", NULL
};
static const char *const rules[] = {
	"instruction", "rules", "prompt", "guideline", NULL
};

/* Case-blind search of word (lower case) in s[0..len). */
static const char *find_ci(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word), i, k;

	for (i = 0; i + wl <= len; i++) {
		for (k = 0; k < wl &&
		     tolower((unsigned char)s[i + k]) == word[k]; k++)
			;
		if (k == wl)
			return s + i;
	}
	return NULL;
}

int assist_text_instruction(const char *s, size_t len)
{
	const char *d;
	size_t i, j;

	for (i = 0; orders[i] != NULL; i++)
		if (find_ci(s, len, orders[i]) != NULL)
			return 1;
	if (len >= 7 && find_ci(s, 7, "system:") != NULL)
		return 1;
	for (i = 0; dismiss[i] != NULL; i++) {
		d = find_ci(s, len, dismiss[i]);
		if (d == NULL)
			continue;
		for (j = 0; rules[j] != NULL; j++)
			if (find_ci(d, len - (size_t)(d - s), rules[j]) != NULL)
				return 1;
	}
	return 0;
}

char *assist_text_clean(struct arena *a, const char *q)
{
	char *out = arena_alloc(a, strlen(q) + 1);
	size_t n = 0, len;

	if (out == NULL)
		return NULL;
	while (*q != '\0') {
		len = strcspn(q, ".?!;\n");
		if (q[len] != '\0')
			len++;            /* the sentence keeps its end */
		if (!assist_text_instruction(q, len)) {
			memcpy(out + n, q, len);
			n += len;
		}
		q += len;
	}
	out[n] = '\0';
	return out;
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
		if (len > 0 && !assist_text_instruction(p, len)) {
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
		/* A paragraph that fits joins this one: an answer often runs
		 * over two (a step, then what follows from it). */
		e = strchr(p, '\n');
		if (*p != '\0' && blen + 1 + (e != NULL ? (size_t)(e - p) :
		    strlen(p)) <= ASSIST_PASSAGE_JOIN)
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

/* The help center's vocabulary: the words its articles and answers use
 * for a thing (first) with the words people also say for it (all as
 * assist_text_stem leaves them; two-word phrases glued, see phrases).
 * A term matches any word of its group, in a question and in the
 * sources alike, and the full-text query asks for every word of the
 * group. Only general product vocabulary belongs here (never words
 * picked to make one question find one article): a word with another
 * common meaning in the help center stays out. */
#define GROUP_MAX 8
static const char *const thesaurus[][GROUP_MAX] = {
	{ "extens", "plugin", "addon", "addin", NULL },
	{ "refund", "reimburs", "reimbursement", "moneyback", NULL },
	{ "slow", "slowness", "performans", "lag", "laggy", "sluggish",
	  "takesforev", NULL },
	{ "email", "mail", NULL },
	{ "twofactor", "2fa", "mfa", "authenticator", "otp", "totp", NULL },
	{ "comput", "laptop", "machin", "desktop", "workst", NULL },
	{ "credential", NULL },
	{ "invois", "receipt", NULL },
	{ "cancel", "unsubscrib", NULL },
	{ "subscript", "membership", NULL },
	{ "password", "passphras", NULL },
	{ "purchas", "buy", "bought", NULL },
};

/* Two words people write for one word of the thesaurus, and the glued
 * form the thesaurus knows them by. */
static const struct { const char *first, *second, *glued; } phrases[] = {
	{ "money", "back", "moneyback" },
	{ "take", "forever", "takesforev" },
	{ "takes", "forever", "takesforev" },
	{ "taking", "forever", "takesforev" },
	{ "took", "forever", "takesforev" },
	{ "add", "on", "addon" },
	{ "add", "ons", "addon" },
	{ "two", "factor", "twofactor" },
	{ "login", "details", "credential" },
	{ "username", "password", "credential" },
	{ "login", "password", "credential" },
};

#define NGROUPS (sizeof(thesaurus) / sizeof(thesaurus[0]))

/* Every word of the thesaurus with its group, sorted by word (made on
 * first use): every word of every passage the ranking reads is looked
 * up here, so by binary search rather than along the table. */
static struct thes_word {
	const char *word;
	int group;
} thes_index[NGROUPS * GROUP_MAX];
static size_t thes_n;

static int cmp_thes(const void *a, const void *b)
{
	return strcmp(((const struct thes_word *)a)->word,
		((const struct thes_word *)b)->word);
}

/* The thesaurus group of the stem s (its row), or -1. */
static int group_of(const char *s)
{
	struct thes_word key = { s, -1 }, *hit;
	size_t g, k;

	if (thes_n == 0) {
		for (g = 0; g < NGROUPS; g++)
			for (k = 0; k < GROUP_MAX && thesaurus[g][k] != NULL; k++)
				thes_index[thes_n++] = (struct thes_word){
					thesaurus[g][k], (int)g };
		qsort(thes_index, thes_n, sizeof(thes_index[0]), cmp_thes);
	}
	hit = bsearch(&key, thes_index, thes_n, sizeof(thes_index[0]),
		cmp_thes);
	return hit != NULL ? hit->group : -1;
}

/* The stem that stands for s's group (s itself outside the thesaurus). */
static const char *canon(const char *s)
{
	int g = group_of(s);

	return g < 0 ? s : thesaurus[g][0];
}

/* The glued word of the phrase "first second", or NULL. */
static const char *phrase(const char *first, const char *second)
{
	size_t i;

	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (strcmp(first, phrases[i].first) == 0 &&
		    strcmp(second, phrases[i].second) == 0)
			return phrases[i].glued;
	return NULL;
}

/* Adds w to the n terms unless it is there already or a stop word; its
 * place (or -1) in *at. */
static int add_term(struct arena *a, char **terms, size_t *n, const char *w,
	int *at)
{
	size_t i;

	*at = -1;
	for (i = 0; i < *n && strcmp(terms[i], w) != 0; i++)
		;
	if (i < *n || is_stop(w) || *n >= ASSIST_TERMS_MAX)
		return 0;
	terms[*n] = arena_strdup(a, w);
	if (terms[*n] == NULL)
		return DF_ENOMEM;
	*at = (int)(*n)++;
	return 0;
}

int assist_text_terms(struct arena *a, const char *q, char ***out,
	size_t *n)
{
	char **terms, w[64], prev[64] = "";
	const char *glued;
	size_t len, k;
	int ascii, at, prev_at = -1, rc;

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
		if (len == 0)
			break;
		if (len >= sizeof(w)) {
			prev[0] = '\0';
			q += len;
			continue;
		}
		ascii = 1;
		for (k = 0; k < len; k++) {
			if ((unsigned char)q[k] >= 0x80)
				ascii = 0;
			w[k] = (char)tolower((unsigned char)q[k]);
		}
		w[len] = '\0';
		q += len;
		/* "and" / "or" join the two words of a phrase ("username
		 * and password") without standing between them. */
		if (strcmp(w, "and") == 0 || strcmp(w, "or") == 0)
			continue;
		/* Two words the thesaurus knows as one ("money back"): the
		 * glued word instead of both. */
		glued = ascii && prev[0] != '\0' ? phrase(prev, w) : NULL;
		if (glued != NULL) {
			if (prev_at >= 0 && prev_at == (int)*n - 1)
				(*n)--;
			rc = add_term(a, terms, n, glued, &at);
			if (rc != 0)
				return rc;
			prev[0] = '\0';
			prev_at = -1;
			continue;
		}
		at = -1;
		if (ascii && len >= 3) {
			rc = add_term(a, terms, n, w, &at);
			if (rc != 0)
				return rc;
		}
		memcpy(prev, w, len + 1);
		prev_at = at;
	}
	*out = terms;
	return 0;
}

/* Suffixes a stem drops (the longest that leaves enough of the word),
 * with what must remain. */
static const struct { const char *suffix; size_t keep; } suffixes[] = {
	{ "ations", 4 }, { "ation", 4 }, { "ating", 4 }, { "ated", 4 },
	{ "ates", 4 }, { "ions", 4 }, { "ings", 4 }, { "ion", 4 },
	{ "ing", 4 }, { "ate", 4 }, { "ers", 4 }, { "er", 4 }, { "ed", 4 },
	{ "es", 4 }, { "ly", 4 }, { "s", 3 }, { "e", 4 },
};

size_t assist_text_stem(const char *w, size_t len, char *out, size_t cap)
{
	size_t i, n = 0, sl;

	/* Lower-cased, hyphens inside the word dropped ("e-mail"). */
	for (i = 0; i < len && n + 1 < cap; i++)
		if (w[i] != '-')
			out[n++] = (char)tolower((unsigned char)w[i]);
	out[n] = '\0';
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		sl = strlen(suffixes[i].suffix);
		if (n >= sl + suffixes[i].keep &&
		    memcmp(out + n - sl, suffixes[i].suffix, sl) == 0) {
			n -= sl;
			break;
		}
	}
	/* British and American spellings meet: licenc(e) / licens(e),
	 * practic(e) / practis(e). */
	if (n >= 6 && out[n - 1] == 'c')
		out[n - 1] = 's';
	out[n] = '\0';
	return n;
}

/* The next word of text from *p as the matching sees it (its stem in
 * its thesaurus group's form) into got; 0 at the end. */
static int next_word(const char **p, char got[64])
{
	const char *w, *c;
	size_t len;

	while (**p != '\0') {
		while (**p != '\0' && !is_word_byte((unsigned char)**p))
			(*p)++;
		/* A word, hyphens inside it included. */
		for (w = *p, len = 0; is_word_byte((unsigned char)w[len]) ||
		     (w[len] == '-' && len > 0 &&
		      is_word_byte((unsigned char)w[len + 1])); len++)
			;
		if (len == 0)
			return 0;
		*p += len;
		if (len < 64 && assist_text_stem(w, len, got, 64) > 0) {
			c = canon(got);
			memmove(got, c, strlen(c) + 1);
			return 1;
		}
	}
	return 0;
}

/* term as the matching sees it (see next_word) into want; 0 when it has
 * no stem. */
static int term_form(const char *term, char want[64])
{
	const char *c;

	if (assist_text_stem(term, strlen(term), want, 64) == 0)
		return 0;
	c = canon(want);
	memmove(want, c, strlen(c) + 1);
	return 1;
}

int assist_text_has(const char *term, const char *text)
{
	char want[64], got[64];
	const char *p = text;

	if (text == NULL || !term_form(term, want))
		return 0;
	while (next_word(&p, got))
		if (strcmp(want, got) == 0)
			return 1;
	return 0;
}

static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int assist_text_bag(struct arena *a, const char *text,
	struct assist_text_bag *out)
{
	const char *p = text != NULL ? text : "";
	size_t cap = 0, n = 0, i, k;
	char got[64], **words = NULL, **grown;

	out->words = NULL;
	out->n = 0;
	while (next_word(&p, got)) {
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			grown = arena_alloc(a, cap * sizeof(*grown));
			if (grown == NULL)
				return DF_ENOMEM;
			if (n > 0)
				memcpy(grown, words, n * sizeof(*words));
			words = grown;
		}
		words[n] = arena_strdup(a, got);
		if (words[n] == NULL)
			return DF_ENOMEM;
		n++;
	}
	/* Sorted and each once: a lookup is a binary search. */
	if (n > 1)
		qsort(words, n, sizeof(*words), cmp_words);
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp(words[k - 1], words[i]) != 0)
			words[k++] = words[i];
	out->words = words;
	out->n = k;
	return 0;
}

int assist_text_bag_has(const struct assist_text_bag *b, const char *term)
{
	char want[64];
	const char *key = want;

	if (b->n == 0 || !term_form(term, want))
		return 0;
	return bsearch(&key, b->words, b->n, sizeof(*b->words),
		cmp_words) != NULL;
}

/* The weighted share of the n terms that has(term, ctx) finds: the one
 * rule of both coverage functions. */
static double coverage_of(char *const *terms, const double *weight,
	size_t n, int (*has)(const char *, const void *), const void *ctx,
	size_t *hits)
{
	double all = 0.0, got = 0.0, w;
	size_t i, h = 0;

	for (i = 0; i < n; i++) {
		w = weight == NULL ? 1.0 : weight[i];
		all += w;
		if (has(terms[i], ctx)) {
			got += w;
			h++;
		}
	}
	if (hits != NULL)
		*hits = h;
	return all > 0.0 ? got / all : 0.0;
}

static int text_has(const char *term, const void *text)
{
	return assist_text_has(term, text);
}

static int bag_has(const char *term, const void *bag)
{
	return assist_text_bag_has(bag, term);
}

double assist_text_coverage(char *const *terms, const double *weight,
	size_t n, const char *text, size_t *hits)
{
	if (text == NULL) {
		if (hits != NULL)
			*hits = 0;
		return 0.0;
	}
	return coverage_of(terms, weight, n, text_has, text, hits);
}

double assist_text_bag_coverage(char *const *terms, const double *weight,
	size_t n, const struct assist_text_bag *b, size_t *hits)
{
	return coverage_of(terms, weight, n, bag_has, b, hits);
}

char *assist_text_query(struct arena *a, char *const *terms, size_t n)
{
	char *out = arena_strdup(a, "");
	size_t i, k;
	char stem[64];
	size_t len;
	int g;

	for (i = 0; out != NULL && i < n; i++) {
		len = assist_text_stem(terms[i], strlen(terms[i]), stem,
			sizeof(stem));
		/* At most 5 letters: "licen*" finds both spellings; the
		 * coverage (by stems) sorts out what this lets in. */
		out = arena_printf(a, "%s%s%.*s*", out, i > 0 ? " " : "",
			len > 5 ? 5 : (int)len, stem);
		/* A word of the thesaurus retrieves its whole group (an
		 * operator such as "<" to weigh them less would let a
		 * passage holding only those drop out of the match). */
		g = group_of(stem);
		for (k = 0; g >= 0 && out != NULL && k < GROUP_MAX &&
		     thesaurus[g][k] != NULL; k++)
			if (strcmp(thesaurus[g][k], stem) != 0 &&
			    strchr(thesaurus[g][k], ' ') == NULL)
				out = arena_printf(a, "%s %.5s*", out,
					thesaurus[g][k]);
	}
	return out;
}

int assist_text_confidence(double cover, double title_cover, size_t hits)
{
	double c;

	if (cover <= 0.0)
		return 0;
	(void)title_cover;
	c = 100.0 * cover;
	if (hits < 2)
		c /= 2.0;
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
