/* The full-text search index: a Xapian database on local disk, one per
 * host, holding the published listings. MariaDB stays the truth; the
 * index is a copy kept in step through the change log (store/search.c).
 * This module knows nothing of SQL: it indexes documents it is given and
 * answers queries with listing ids. C interface to C++ (core/search.cc);
 * no exception crosses it. */
#ifndef DF_SEARCH_H
#define DF_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* In the order of store_ext_sort. Relevance ranks by BM25 weight; the
 * others by their key then the listing id, as the SQL browse does. */
enum search_sort {
	SEARCH_SORT_RELEVANCE = 0,
	SEARCH_SORT_POPULAR,
	SEARCH_SORT_NEWEST,
	SEARCH_SORT_RATING,
	SEARCH_SORT_PRICE,
	SEARCH_SORT__MAX
};

/* One published listing as the index holds it. keys[] are the sort keys
 * of the SQL browse (downloads, published_at in microseconds, rating x
 * 100, price); keys[SEARCH_SORT_RELEVANCE] is unused. */
struct search_doc {
	int64_t id;
	const char *name;
	const char *summary;
	const char *description;
	const char *tags_text;      /* space-separated */
	const char *category;       /* category slug */
	int64_t keys[SEARCH_SORT__MAX];
};

struct search_query {
	const char *q;              /* words: never query syntax */
	const char *category;       /* NULL: any */
	const char *tag;            /* NULL: any */
	int price;                  /* -1 any, 0 free, 1 paid */
	int64_t min_rating100;      /* rating x 100 at least */
	enum search_sort sort;
	int has_after;
	int64_t after_key;          /* relevance: rows already seen */
	int64_t after_id;
	size_t limit;               /* ids wanted */
};

/* Where the index lives (the search_index_dir key); before any other
 * call. The string is copied. */
DF_MUST_CHECK int search_set_dir(const char *dir);

/* Runs q on this process's reader (opened at the first call): up to
 * q->limit ids into ids[] with each one's page key into keys[] (for
 * relevance the row's position in the ranking, which pages carry as an
 * offset), *n the count, *applied the last change id the reader's
 * revision holds. DF_EINTERNAL when there is no index. */
DF_MUST_CHECK int search_find(const struct search_query *q, int64_t *ids,
	int64_t *keys, size_t *n, int64_t *applied);

/* Moves the reader to the newest committed revision; *applied as above. */
DF_MUST_CHECK int search_refresh(int64_t *applied);

/* The writer: one per host at a time. Opening waits up to wait_ms for
 * Xapian's lock (the holder is applying changes, usually for
 * milliseconds; a rebuild holds it for seconds), < 0 for as long as it
 * takes, then DF_ECONFLICT; it creates the index when there is none.
 * *applied is the last change id it holds.
 * put replaces a document (or adds it), del removes one (absent: fine),
 * commit makes the changes and the new last change id visible together;
 * close drops what was not committed and releases the lock. */
DF_MUST_CHECK int search_writer_open(int wait_ms, int64_t *applied);
DF_MUST_CHECK int search_writer_put(const struct search_doc *d);
DF_MUST_CHECK int search_writer_del(int64_t id);
/* Every document id in the index above after, ascending, up to max
 * (for a rebuild's removal of listings no longer published). */
DF_MUST_CHECK int search_writer_ids(int64_t after, int64_t *ids, size_t max,
	size_t *n);
DF_MUST_CHECK int search_writer_commit(int64_t applied);
void search_writer_close(void);

#ifdef __cplusplus
}
#endif

#endif
