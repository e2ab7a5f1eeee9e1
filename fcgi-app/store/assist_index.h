/* The assistant's indexer: rebuilds the passages of the sources marked
 * in assistant_dirty (store_assist_mark). A knowledge-base article is
 * quoted while it is published (a draft or an archived one loses its
 * passages); a forum thread while it is not deleted and has an accepted
 * answer that is neither deleted nor hidden (its passages: the accepted
 * answer's text under the thread's title). */
#ifndef DF_STORE_ASSIST_INDEX_H
#define DF_STORE_ASSIST_INDEX_H

#include <stddef.h>
#include <time.h>
#include "err.h"

struct arena;

/* Rebuilds up to max marked sources, oldest mark first, each in its own
 * transaction that holds its mark (SKIP LOCKED: two workers never build
 * the same source); a source marked again meanwhile keeps its mark. *done
 * counts the sources rebuilt (may be NULL). Cheap when nothing is
 * marked: one indexed read. */
DF_MUST_CHECK int store_assist_reindex_dirty(struct arena *a, size_t max,
	time_t now, size_t *done);

/* Marks every source there is (articles, threads with an accepted post,
 * and whatever has passages now) for a full rebuild. */
DF_MUST_CHECK int store_assist_mark_all(time_t now);

#endif
