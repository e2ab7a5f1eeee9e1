/* The tags of a row (a KB article, a marketplace listing): one row per
 * tag in a tag table for exact filters, and the same tags joined by
 * spaces in the row itself for FULLTEXT search. Both writers keep the
 * two in step the same way, so it is done here once. */
#ifndef DF_STORE_TAGS_H
#define DF_STORE_TAGS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

/* The n tags joined by single spaces, in the given order (an arena
 * string; "" for none); NULL on OOM. */
const char *store_tags_join(struct arena *a, const char *const *tags,
	size_t n);

/* Inside the caller's transaction: del (one parameter, the row id)
 * removes the row's tags, then ins (the row id and a tag) adds each of
 * the n tags. 0 or a database error. */
DF_MUST_CHECK int store_tags_replace(const char *del, const char *ins,
	int64_t id, const char *const *tags, size_t n);

#endif
