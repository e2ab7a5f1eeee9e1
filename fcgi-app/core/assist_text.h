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
#define ASSIST_TERMS_MAX 32      /* terms of one question */

/* Cuts text (plain text: paragraphs separated by line breaks) into
 * passages of about ASSIST_PASSAGE_MIN..ASSIST_PASSAGE_MAX bytes: a
 * paragraph shorter than the minimum is joined with the next, a longer
 * one than the maximum is cut after a sentence end (". ", "? ", "! ")
 * or, failing one, at a space; never inside a UTF-8 sequence. *out is an
 * arena array of *n trimmed strings (none for blank text). */
DF_MUST_CHECK int assist_text_split(struct arena *a, const char *text,
	char ***out, size_t *n);

/* The terms of a question: lower-cased ASCII words of 3 or more letters
 * or digits (other bytes separate words), common English words left out,
 * each once, at most ASSIST_TERMS_MAX. */
DF_MUST_CHECK int assist_text_terms(struct arena *a, const char *q,
	char ***out, size_t *n);

/* The share (0..1) of the n terms found in text as the start of a word,
 * a term of 6 letters or more also when only its first 5 match (a crude
 * stem: "installing" finds "install", "licences" "licenses"). */
double assist_text_coverage(char *const *terms, size_t n, const char *text);

/* The confidence (0..100) of a best passage: cover is its term coverage
 * over title and text, title_cover over the title alone. Coverage
 * decides: a passage that holds few of the question's words answers
 * another question, however high the engine ranks it. */
int assist_text_confidence(double cover, double title_cover);

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
