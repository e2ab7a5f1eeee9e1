/* SQL for marketplace listings: categories, extensions and their tags,
 * the search/browse query, status changes and the counters shown on a
 * listing (downloads, rating aggregate, latest version). */
#ifndef DF_STORE_EXTENSIONS_H
#define DF_STORE_EXTENSIONS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

#define STORE_EXT_MAX_TAGS 10

struct store_ext {
	int64_t id;                 /* row id: never shown */
	const char *slug;
	const char *name;
	const char *summary;
	const char *description;
	const char *category;       /* category slug */
	const char *tags_text;      /* tags, space-separated */
	int64_t price_amount;
	const char *price_currency;
	const char *license;
	const char *homepage;       /* NULL when unset (likewise below) */
	const char *repository;
	const char *status;         /* draft, published, suspended, archived */
	const char *status_reason;
	const char *latest_version;
	int64_t downloads;
	int64_t rating_count;
	const char *rating_avg;     /* decimal text, "4.25" */
	const char *created_at;     /* RFC 3339 UTC */
	const char *updated_at;
	const char *published_at;   /* NULL until first published */
	int64_t owner_id;
	const char *owner_username;
	const char *owner_display_name;
	int64_t sort_key;           /* lists: the row's key in the sort */
};

struct store_category {
	const char *slug;
	const char *name;
	const char *description;
	int64_t count;              /* published extensions */
};

/* Fields of a create or an edit. For an edit, NULL strings and unset
 * flags leave a column as it is. */
struct store_ext_input {
	const char *slug;           /* create only */
	const char *name;
	const char *summary;
	const char *description;
	const char *category;
	int set_tags;
	const char *tags[STORE_EXT_MAX_TAGS];
	size_t ntags;
	int set_price;
	int64_t price_amount;
	const char *price_currency;
	const char *license;
	int set_homepage;           /* homepage may be NULL: clears it */
	const char *homepage;
	int set_repository;
	const char *repository;
};

/* The fixed category list with published counts, in display order. */
DF_MUST_CHECK int store_ext_categories(struct arena *a, struct store_category **out,
	size_t *n);
/* 1 when slug names a category, 0 when not, or a negative df_err. */
DF_MUST_CHECK int store_ext_category_exists(struct arena *a, const char *slug);

/* One extension by slug, whatever its status. DF_ENOTFOUND. */
DF_MUST_CHECK int store_ext_get(struct arena *a, const char *slug, struct store_ext *out);
/* The same, locking the row for the caller's transaction. */
DF_MUST_CHECK int store_ext_get_locked(struct arena *a, const char *slug,
	struct store_ext *out);

/* A new draft owned by owner_id. DF_ECONFLICT when the slug is taken. */
DF_MUST_CHECK int store_ext_create(struct arena *a, int64_t owner_id,
	const struct store_ext_input *in, struct store_ext *out);
/* Applies the set fields of in to extension id (tags replaced when
 * set_tags), inside the caller's transaction. */
DF_MUST_CHECK int store_ext_update(int64_t id, const struct store_ext_input *in);

/* Deletes a never-published extension (versions, tags and reviews go with
 * it). */
DF_MUST_CHECK int store_ext_delete(int64_t id);
/* Sets status (and the reason, NULL to clear); suspending records what
 * reinstating returns to. */
DF_MUST_CHECK int store_ext_set_status(int64_t id, const char *status, const char *reason);
/* Reinstates a suspended extension to its status before the suspension.
 * DF_ECONFLICT when it is not suspended. */
DF_MUST_CHECK int store_ext_reinstate(int64_t id);
/* Marks the extension published (first time: published_at) when it is a
 * draft; leaves other statuses alone. */
DF_MUST_CHECK int store_ext_publish(int64_t id);
/* Sets latest_version (NULL: none). */
DF_MUST_CHECK int store_ext_set_latest(int64_t id, const char *version);

enum store_ext_sort {
	STORE_EXT_SORT_RELEVANCE = 0, /* needs q */
	STORE_EXT_SORT_POPULAR,
	STORE_EXT_SORT_NEWEST,
	STORE_EXT_SORT_RATING,
	STORE_EXT_SORT_PRICE,
	STORE_EXT_SORT__MAX
};

struct store_ext_filter {
	const char *q;              /* full-text query or NULL */
	const char *category;       /* slug or NULL */
	const char *tag;            /* NULL: any */
	int price;                  /* -1 any, 0 free, 1 paid */
	double min_rating;          /* 0: any */
	enum store_ext_sort sort;
	int has_after;              /* keyset position of the previous page */
	int64_t after_key, after_id;
	int64_t limit;              /* rows wanted; one more is fetched */
};

/* Published extensions matching f, in f->sort order, after the cursor
 * (sort_key, id); at most limit + 1 rows. */
DF_MUST_CHECK int store_ext_search(struct arena *a, const struct store_ext_filter *f,
	struct store_ext **out, size_t *n);

/* Published extensions of one owner, most downloaded first (at most
 * limit). */
DF_MUST_CHECK int store_ext_by_owner(struct arena *a, int64_t owner_id, int64_t limit,
	struct store_ext **out, size_t *n);

/* Every extension of one owner, whatever its status, newest first, after
 * row id before (0: from the newest), at most limit + 1 rows. */
DF_MUST_CHECK int store_ext_mine(struct arena *a, int64_t owner_id, int64_t before,
	int64_t limit, struct store_ext **out, size_t *n);

/* Splits tags_text into at most STORE_EXT_MAX_TAGS arena strings. */
size_t store_ext_tags(struct arena *a, const char *tags_text,
	const char **out);

#endif
