/* Keeping this host's search index (core/search.h) in step with MariaDB
 * through the change log of migration 0006, and rebuilding it. */
#ifndef DF_STORE_SEARCH_LOG_H
#define DF_STORE_SEARCH_LOG_H

#include <stdint.h>
#include "err.h"

/* The change log's newest id (0 when empty) into *last. */
DF_MUST_CHECK int store_search_last_change(int64_t *last);

/* Applies the change log to the index up to change id `need` at least
 * (all of it when need < 0) unless the index holds it already; waits for
 * another process's writer to finish first. At most `max` change ids
 * (max <= 0: no bound): a request applies a bounded share of a bulk
 * load's backlog, and the searches after it the rest. The reader of this
 * process sees the result when it returns. */
DF_MUST_CHECK int store_search_sync(int64_t need, int64_t max);

/* Rebuilds the index from the extensions table: every published listing
 * put, every other one removed; the index then holds the change log up
 * to the id read before the rebuild began (changes made during it are
 * applied again by the next sync). *count: listings indexed. */
DF_MUST_CHECK int store_search_reindex(int64_t *count);

#endif
