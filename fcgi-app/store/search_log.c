/* The search index's SQL side: the change log (migration 0006) read in
 * batches and applied to the Xapian index, and the full rebuild. The
 * listings' rows are read with the same sort keys as the SQL browse
 * (store/extensions.c), so a page cursor means the same on both paths. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "search.h"
#include "store/search_log.h"
#include "store/tx.h"

/* Change ids per batch: one writer commit each, its rows in one arena. */
#define SYNC_BATCH 2000
/* Listings per batch of a rebuild. */
#define REINDEX_BATCH 1000
/* How long a search waits for another process's writer: a batch of the
 * log takes milliseconds; longer means a rebuild is running. */
#define SYNC_LOCK_WAIT_MS 300

#define DOC_COLUMNS \
	"e.status, e.name, e.summary, e.description, e.tags_text, c.slug," \
	" CAST(e.downloads AS SIGNED)," \
	" CAST(FLOOR(UNIX_TIMESTAMP(e.published_at) * 1000000) AS SIGNED)," \
	" CAST(FLOOR(e.rating_avg * 100) AS SIGNED)," \
	" CAST(e.price_amount AS SIGNED)"

/* Row `row` of a result whose column 0 is the id and 1.. DOC_COLUMNS:
 * put when published, removed otherwise (or when the row is gone). */
static int apply_row(const struct db_result *res, size_t row)
{
	struct search_doc d;
	const char *status = db_str(res, row, 1);

	memset(&d, 0, sizeof(d));
	d.id = db_int(res, row, 0, 0);
	if (status == NULL || strcmp(status, "published") != 0)
		return search_writer_del(d.id);
	d.name = db_str(res, row, 2);
	d.summary = db_str(res, row, 3);
	d.description = db_str(res, row, 4);
	d.tags_text = db_str(res, row, 5);
	d.category = db_str(res, row, 6);
	if (d.name == NULL || d.summary == NULL || d.description == NULL ||
	    d.tags_text == NULL || d.category == NULL)
		return DF_EDB;
	d.keys[SEARCH_SORT_POPULAR] = db_int(res, row, 7, 0);
	d.keys[SEARCH_SORT_NEWEST] = db_int(res, row, 8, 0);
	d.keys[SEARCH_SORT_RATING] = db_int(res, row, 9, 0);
	d.keys[SEARCH_SORT_PRICE] = db_int(res, row, 10, 0);
	return search_writer_put(&d);
}

int store_search_last_change(int64_t *last)
{
	return store_number("SELECT COALESCE(MAX(id), 0) FROM search_changes",
		last);
}

/* Applies changes (from, to] in batches, committing each with its end. */
static int apply_changes(struct arena *a, int64_t from, int64_t to)
{
	static const char sql[] =
		"SELECT s.extension_id, " DOC_COLUMNS
		" FROM (SELECT DISTINCT extension_id FROM search_changes"
		"   WHERE id > ? AND id <= ?) s"
		" LEFT JOIN extensions e ON e.id = s.extension_id"
		" LEFT JOIN categories c ON c.id = e.category_id";
	struct db_result res;
	int64_t end;
	size_t i;
	int rc = 0;

	while (rc == 0 && from < to) {
		end = to - from > SYNC_BATCH ? from + SYNC_BATCH : to;
		arena_reset(a);
		rc = db_query(a, sql, DBP(DB_INT(from), DB_INT(end)), &res);
		for (i = 0; rc == 0 && i < res.nrows; i++)
			rc = apply_row(&res, i);
		if (rc == 0)
			rc = search_writer_commit(end);
		from = end;
	}
	return rc;
}

int store_search_sync(int64_t need, int64_t max)
{
	struct arena *a;
	int64_t applied, last, pruned = 0;
	int rc;

	if (need < 0) {
		rc = store_search_last_change(&need);
		if (rc != 0)
			return rc;
	}
	/* Another worker of this host may have applied it already. */
	if (search_refresh(&applied) == 0 && applied >= need)
		return 0;
	rc = search_writer_open(SYNC_LOCK_WAIT_MS, &applied);
	/* A rebuild holds the lock: answer from the index as it is (its
	 * end records the log as it was at its start, and the next search
	 * after it applies the rest). */
	if (rc == DF_ECONFLICT)
		return 0;
	if (rc != 0)
		return rc;
	/* The job search-log-prune removed the log up to pruned_through:
	 * an index behind it cannot replay what is gone, so it is rebuilt
	 * from the listings (a host that was away for weeks; rare). */
	rc = store_number("SELECT COALESCE(MAX(pruned_through), 0)"
		" FROM search_log_state", &pruned);
	if (rc == 0 && applied < pruned) {
		int64_t count;

		search_writer_close();
		return store_search_reindex(&count);
	}
	if (rc != 0) {
		search_writer_close();
		return rc;
	}
	a = arena_new(64 * 1024);
	if (a == NULL) {
		search_writer_close();
		return DF_ENOMEM;
	}
	/* The whole log as it is now, not only what this caller needs:
	 * one writer's turn serves the workers queued behind it. */
	rc = store_search_last_change(&last);
	if (max > 0 && last - applied > max)
		last = applied + max;
	if (rc == 0 && last > applied)
		rc = apply_changes(a, applied, last);
	arena_free(a);
	search_writer_close();
	if (rc == 0)
		rc = search_refresh(&applied);
	return rc;
}

/* Removes index documents with ids in (from, to] that are not in the
 * ascending list keep[0..nkeep); to < 0: no upper bound. */
static int drop_others(struct arena *a, int64_t from, int64_t to,
	const int64_t *keep, size_t nkeep)
{
	int64_t *ids;
	size_t n, i, k = 0;
	int rc;

	ids = arena_alloc(a, REINDEX_BATCH * sizeof(*ids));
	if (ids == NULL)
		return DF_ENOMEM;
	do {
		rc = search_writer_ids(from, ids, REINDEX_BATCH, &n);
		for (i = 0; rc == 0 && i < n; i++) {
			if (to >= 0 && ids[i] > to)
				return 0;
			while (k < nkeep && keep[k] < ids[i])
				k++;
			if (k < nkeep && keep[k] == ids[i])
				continue;
			rc = search_writer_del(ids[i]);
		}
		if (n > 0)
			from = ids[n - 1];
	} while (rc == 0 && n == REINDEX_BATCH);
	return rc;
}

int store_search_reindex(int64_t *count)
{
	static const char sql[] =
		"SELECT e.id, " DOC_COLUMNS
		/* Walking the primary key in order: left to itself the
		 * optimizer starts from categories and sorts the rows,
		 * descriptions included, in a temporary table. */
		" FROM extensions e STRAIGHT_JOIN categories c"
		"   ON c.id = e.category_id"
		" WHERE e.status = 'published' AND e.id > ?"
		" ORDER BY e.id LIMIT ?";
	struct db_result res;
	struct arena *a;
	int64_t last, after = 0, applied, *keep;
	size_t i;
	int rc;

	*count = 0;
	/* Read first: a change committed during the rebuild is in the log
	 * above it, and the next sync applies it again. */
	rc = store_search_last_change(&last);
	if (rc != 0)
		return rc;
	rc = search_writer_open(-1, &applied);
	if (rc != 0)
		return rc;
	a = arena_new(256 * 1024);
	if (a == NULL) {
		search_writer_close();
		return DF_ENOMEM;
	}
	do {
		arena_reset(a);
		rc = db_query(a, sql, DBP(DB_INT(after),
			DB_INT(REINDEX_BATCH)), &res);
		if (rc != 0)
			break;
		keep = arena_alloc(a, (res.nrows + 1) * sizeof(*keep));
		if (keep == NULL) {
			rc = DF_ENOMEM;
			break;
		}
		for (i = 0; rc == 0 && i < res.nrows; i++) {
			keep[i] = db_int(&res, i, 0, 0);
			rc = apply_row(&res, i);
		}
		/* Listings between this batch's ids that are in the index
		 * but no longer published; after the last batch, all above. */
		if (rc == 0)
			rc = drop_others(a, after, res.nrows == REINDEX_BATCH ?
				keep[res.nrows - 1] : -1, keep, res.nrows);
		if (rc == 0 && res.nrows > 0)
			after = keep[res.nrows - 1];
		*count += (int64_t)res.nrows;
	} while (rc == 0 && res.nrows == REINDEX_BATCH);
	if (rc == 0)
		rc = search_writer_commit(last);
	arena_free(a);
	search_writer_close();
	return rc;
}
