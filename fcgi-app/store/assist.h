/* SQL for the support assistant: retrieval over its passages, and its
 * conversations with their transcript. */
#ifndef DF_STORE_ASSIST_H
#define DF_STORE_ASSIST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

#define STORE_ASSIST_CANDIDATES 40   /* passages read per question */

/* A passage that matched: its source (kind "kb" or "forum", source_id
 * the row id, ref the article's slug or the thread's public id), the
 * source's title, the passage and its FULLTEXT relevance. */
struct store_assist_hit {
	char kind[8];
	int64_t source_id;
	char ref[101];
	const char *title, *text;
	double rel;
};

/* Up to max passages matching q (a boolean-mode query made by
 * assist_text_query: no text the user typed goes there as is), best first, of sources that are
 * quotable now (a published article, a thread not deleted). */
DF_MUST_CHECK int store_assist_search(struct arena *a, const char *q,
	size_t max, struct store_assist_hit **out, size_t *n);

struct store_assist_conv {
	int64_t id;
	char public_id[37];
	int64_t user_id;             /* 0: anonymous */
	char status[16];
	int64_t messages, ticket_id;
	const char *created_at, *updated_at, *ended_at;
};

/* The conversation with public id pid. DF_ENOTFOUND. */
DF_MUST_CHECK int store_assist_conv_get(struct arena *a, const char *pid,
	struct store_assist_conv *out);

/* The same, its row locked until the caller's transaction ends. */
DF_MUST_CHECK int store_assist_conv_lock(struct arena *a, const char *pid,
	struct store_assist_conv *out);

/* One exchange: the user's question and the assistant's reply. */
struct store_assist_turn {
	const char *question;
	const char *reply;
	const char *sources_json;    /* the reply's sources as answered */
	int confidence;              /* percent (the API shows 0-1) */
	const char *mode;            /* "retrieval", "model" or "none" */
};

/* Appends the turn to the conversation pid (NULL: a new one, owned by
 * user_id, 0 anonymous, whose public id goes to new_pid) in one
 * transaction that locks the conversation row. An existing one that is
 * no longer open: DF_ECONFLICT; unknown: DF_ENOTFOUND. */
DF_MUST_CHECK int store_assist_append(struct arena *a, const char *pid,
	int64_t user_id, const struct store_assist_turn *t, time_t now,
	char new_pid[37]);

struct store_assist_msg {
	int64_t ord;
	const char *role, *text, *sources_json, *mode, *created_at;
	int has_confidence;
	double confidence;           /* percent, as stored */
};

/* The transcript of conversation id, oldest first. */
DF_MUST_CHECK int store_assist_messages(struct arena *a, int64_t conv_id,
	struct store_assist_msg **out, size_t *n);

/* Marks the open conversation id escalated to ticket_id (the caller's
 * transaction, if any); an anonymous one becomes user_id's (who filed
 * the ticket). DF_ECONFLICT when it is not open. */
DF_MUST_CHECK int store_assist_escalated(int64_t conv_id, int64_t ticket_id,
	int64_t user_id, time_t now);

#endif
