/* SQL for ticket deflection: what POST /support/tickets/suggestions
 * offered (support_suggestions and its items) and the "this solved it"
 * that makes one a self-served request. The staff reports read these
 * tables themselves. */
#ifndef DF_STORE_SUGGESTIONS_H
#define DF_STORE_SUGGESTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

#define STORE_SUGG_MAX 3

/* An offered item: an article (thread_id 0) or a solved forum thread
 * (article_id 0). */
struct store_sugg_item {
	int64_t article_id, thread_id;
	double score;
};

/* Records a suggestion shown to user_id (0: anonymous) for subject,
 * with its n items in order; pid receives its public id. */
DF_MUST_CHECK int store_sugg_create(int64_t user_id, const char *subject,
	const struct store_sugg_item *items, size_t n, time_t now,
	char pid[37]);

/* Marks the suggestion pid solved, once, by the article slug (thread
 * NULL) or the thread whose public id is thread (slug NULL): 0,
 * DF_ENOTFOUND (no such suggestion), DF_ECONFLICT (already solved),
 * DF_EINVAL (it was not among its items). */
DF_MUST_CHECK int store_sugg_solve(struct arena *a, const char *pid,
	const char *slug, const char *thread, time_t now);

#endif
