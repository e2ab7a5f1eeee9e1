/* The assistant's retrieval, shared by the routes that offer help-center
 * sources for a question: POST /support/assistant/messages (the reply's
 * sources) and POST /support/tickets/suggestions (what to try before
 * filing a ticket), so both rank alike. */
#ifndef DF_API_ASSIST_RANK_H
#define DF_API_ASSIST_RANK_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct request;
struct json_object;

#define ASSIST_RANK_MAX 10        /* sources one call returns at most */

/* A source that answers a question. */
struct assist_source {
	const char *kind;             /* "kb" or "forum" */
	int64_t source_id;            /* the article's or thread's row id */
	const char *ref;              /* article slug or thread public id */
	const char *title;
	const char *passage;          /* the passage the answer rests on */
	double score;                 /* 0..1, its rank for the question */
	int confidence;               /* 0..100, this source alone */
};

/* The published articles and solved threads that answer q, best first,
 * one passage each: at most max (<= ASSIST_RANK_MAX), only those whose
 * confidence (percent) reaches min_confidence (none: *n = 0). Ranking:
 * the question's terms (assist_text) a passage holds, weighted by how
 * few candidates hold them, over title and text then the title alone,
 * the engine's relevance breaking ties. Sentences giving orders to an
 * assistant are not searched for. */
DF_MUST_CHECK int assist_rank(struct request *req, const char *q,
	size_t max, int min_confidence, struct assist_source *out, size_t *n);

/* A score or confidence (0..1) as JSON: three decimals at most, the
 * shortest exact form ("0.5", "1.0"). */
struct json_object *assist_rank_score_json(struct request *req, double s);

#endif
