/* The support assistant's text work, pure (no I/O): a source cut into
 * passages (what the assistant quotes), a question cut into the terms it
 * is matched by, how well a passage covers those terms, the confidence
 * that follows, and the words of the reply. */
#ifndef DF_ASSIST_TEXT_H
#define DF_ASSIST_TEXT_H

#include <stddef.h>
#include "err.h"

struct arena;

#define ASSIST_PASSAGE_MIN 120   /* shorter paragraphs join the next */
#define ASSIST_PASSAGE_MAX 600   /* longer ones are cut at sentence ends */
#define ASSIST_PASSAGE_JOIN 420  /* paragraphs that fit together stay so */
#define ASSIST_TERMS_MAX 32      /* terms of one question */

/* Cuts text (plain text: paragraphs separated by line breaks) into
 * passages of about ASSIST_PASSAGE_MIN..ASSIST_PASSAGE_MAX bytes: a
 * paragraph shorter than the minimum is joined with the next (and so is
 * one that fits with the next within ASSIST_PASSAGE_JOIN; a paragraph
 * that assist_text_instruction flags is left out), a longer
 * one than the maximum is cut after a sentence end (". ", "? ", "! ")
 * or, failing one, at a space; never inside a UTF-8 sequence. *out is an
 * arena array of *n trimmed strings (none for blank text). */
DF_MUST_CHECK int assist_text_split(struct arena *a, const char *text,
	char ***out, size_t *n);

/* Whether s (len bytes: a paragraph or a sentence) reads as orders to
 * an assistant rather than help for a person: "ignore all previous
 * instructions", "you are now ...", "system prompt", "instruction to
 * the assistant" and the like (case-blind). Such text is data, never
 * obeyed; the indexer leaves those paragraphs out of the passages and
 * the question's such sentences are not searched for, so planted
 * instructions can neither get a source cited nor be quoted. */
int assist_text_instruction(const char *s, size_t len);

/* The question without its sentences that assist_text_instruction
 * flags (sentences end at . ? ! ; or a line break). */
char *assist_text_clean(struct arena *a, const char *q);

/* The terms of a question: lower-cased ASCII words of 3 or more letters
 * or digits (other bytes separate words), common English words left out,
 * each once, at most ASSIST_TERMS_MAX. */
DF_MUST_CHECK int assist_text_terms(struct arena *a, const char *q,
	char ***out, size_t *n);

/* The stem of the word w (len bytes) into out (cap bytes): lower-cased,
 * hyphens dropped ("e-mail" is "email"), one common English suffix cut
 * ("installing", "installation" -> "install"; "keys" -> "key"), and the
 * British and American spellings met ("licence", "license" -> "licens").
 * Its length. */
size_t assist_text_stem(const char *w, size_t len, char *out, size_t cap);

/* Whether a word of text has the stem of term, or (the thesaurus) a
 * stem of the same group: "plugins" holds "extension". A question's
 * two-word phrases the thesaurus knows ("money back", "takes forever",
 * "add on", "two factor"; "username and password": an "and" or "or"
 * between them does not part them) are one term (assist_text_terms); in sources
 * only single words meet. */
int assist_text_has(const char *term, const char *text);

/* The weighted share (0..1) of the n terms that text holds: a term
 * found somewhere in the corpus (known[i] != 0; known NULL: all) weighs
 * 1, one found nowhere 1/2 (a word the help center never uses says
 * less against a passage than one it uses elsewhere). *hits (may be
 * NULL) counts the terms found. */
double assist_text_coverage(char *const *terms, const double *weight,
	size_t n, const char *text, size_t *hits);

/* The words of a text as assist_text_has reads them (stems in their
 * thesaurus group's form), sorted and each once: made once per text,
 * so that the ranking looks every term up in a passage without reading
 * and stemming the passage again for each. */
struct assist_text_bag {
	char **words;
	size_t n;
};
DF_MUST_CHECK int assist_text_bag(struct arena *a, const char *text,
	struct assist_text_bag *out);
/* assist_text_has over a bag. */
int assist_text_bag_has(const struct assist_text_bag *b, const char *term);
/* assist_text_coverage over a bag. */
double assist_text_bag_coverage(char *const *terms, const double *weight,
	size_t n, const struct assist_text_bag *b, size_t *hits);

/* The boolean-mode FULLTEXT query for the terms: each one as a prefix
 * by the first 5 letters of its stem ("licen*"), no operator otherwise, so
 * any term retrieves and nothing the user typed is ever an operator; a
 * term of the thesaurus (the help center's own words and what people
 * say for them: "plugin" and "extension") adds the other words of its
 * group (as prefixes too). */
char *assist_text_query(struct arena *a, char *const *terms, size_t n);

/* The confidence (0..100) of a best passage: cover is its weighted term
 * coverage over title and text, title_cover over the title alone, hits
 * the terms it holds. A passage that shares a single word with the
 * question is weak evidence, even in its title: its confidence is
 * halved. */
int assist_text_confidence(double cover, double title_cover, size_t hits);

/* One source of a reply, numbered from 1 in the order given. */
struct assist_text_source {
	const char *title;
	const char *passage;
};

/* The reply made of the sources (n > 0): the best passage quoted under
 * its title, the others named as further reading, each with its number
 * [k]. n == 0: the plain "I don't know" sentence. */
char *assist_text_reply(struct arena *a, const struct assist_text_source *s,
	size_t n);

/* The first sentence of every "I don't know" reply (tests look for it). */
#define ASSIST_TEXT_UNKNOWN "I don't know the answer to that."

#endif
