/* SQL for how the assistant's conversations end: "this solved it"
 * (self_served, crediting one of the sources it cited) and the jobs
 * runner's abandonment of idle ones. Escalation is store/assist's. */
#ifndef DF_STORE_ASSIST_OUTCOMES_H
#define DF_STORE_ASSIST_OUTCOMES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* A conversation as the resolved route needs it. */
struct store_assist_outcome {
	int64_t id;
	int64_t user_id;           /* 0: anonymous */
	char status[16];           /* open, self_served, escalated, abandoned */
	const char **sources;      /* each reply's sources (the JSON array
	                              the API answered with, NULL when none),
	                              oldest first */
	size_t nreplies;
};

/* The conversation with this public id and its replies' sources. 0,
 * DF_ENOTFOUND or another df_err. */
DF_MUST_CHECK int store_assist_outcome_conv(struct arena *a,
	const char *public_id, struct store_assist_outcome *out);

/* The row id of a source as a reply names it: kind "kb" and an
 * article's slug, or "forum" and a thread's public id. 0, DF_ENOTFOUND
 * (gone since, or never) or another df_err. */
DF_MUST_CHECK int store_assist_source_id(struct arena *a, const char *kind,
	const char *slug_or_id, int64_t *id);

/* Marks the open conversation id self_served at now, crediting the
 * source (kind NULL: none). DF_ECONFLICT when it is no longer open (a
 * second "solved", an escalation or abandonment got there first). */
DF_MUST_CHECK int store_assist_resolve(int64_t id, const char *kind,
	int64_t source_id, time_t now);

/* Up to max open conversations idle (no message) for minutes or more at
 * now become abandoned, in one transaction (SKIP LOCKED: a conversation
 * a request is writing is left for the next run). *n: how many. */
DF_MUST_CHECK int store_assist_abandon_batch(struct arena *a, time_t now,
	unsigned minutes, size_t max, size_t *n);

#endif
