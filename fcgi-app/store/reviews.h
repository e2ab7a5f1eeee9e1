/* SQL for extension reviews and the rating aggregate on the extension
 * row, which every change here keeps in step inside its transaction. */
#ifndef DF_STORE_REVIEWS_H
#define DF_STORE_REVIEWS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

struct store_review {
	int64_t id;                 /* row id: the list cursor, never shown */
	char public_id[37];
	int64_t extension_id;
	int64_t rating;
	const char *title;          /* NULL when not given */
	const char *body;
	const char *created_at;     /* RFC 3339 UTC */
	const char *updated_at;
	const char *username;       /* the author */
	const char *display_name;
};

/* Reviews of extension_id, newest first, after row id before (0: from
 * the newest), at most limit + 1 rows. */
DF_MUST_CHECK int store_rev_list(struct arena *a, int64_t extension_id, int64_t before,
	int64_t limit, struct store_review **out, size_t *n);

/* Creates or replaces user_id's review of extension_id and adjusts the
 * aggregate, in one transaction that locks the extension row first.
 * *created is 1 for a new review. DF_EFORBIDDEN when the user never
 * downloaded the extension. */
DF_MUST_CHECK int store_rev_put(struct arena *a, int64_t extension_id, int64_t user_id,
	int64_t rating, const char *title, const char *body,
	struct store_review *out, int *created);

/* Deletes user_id's review of extension_id (DF_ENOTFOUND when none). */
DF_MUST_CHECK int store_rev_delete_mine(struct arena *a, int64_t extension_id,
	int64_t user_id);
/* Deletes the review with public id pid (admin removal); *extension_id
 * receives its extension. DF_ENOTFOUND. */
DF_MUST_CHECK int store_rev_delete(struct arena *a, const char *pid,
	int64_t *extension_id);

#endif
