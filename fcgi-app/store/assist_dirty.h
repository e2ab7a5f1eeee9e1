/* SQL for the assistant's re-index marks: a write that changes what the
 * assistant may quote (a knowledge-base article, a thread's accepted
 * answer) marks its source in assistant_dirty, in the writer's own
 * transaction, and the indexer rebuilds the source's passages before
 * the next answer (or the jobs runner does). Kept apart from the
 * indexer so that the stores that write sources need only this. */
#ifndef DF_STORE_ASSIST_DIRTY_H
#define DF_STORE_ASSIST_DIRTY_H

#include <stdint.h>
#include <time.h>
#include "err.h"

#define STORE_ASSIST_KB "kb"          /* source_id: kb_articles.id */
#define STORE_ASSIST_FORUM "forum"    /* source_id: forum_threads.id */

/* Marks source (kind one of the two above) stale; marking a marked
 * source again only moves its time. 0 or a negative df_err. */
DF_MUST_CHECK int store_assist_mark(const char *kind, int64_t source_id,
	time_t now);

#endif
