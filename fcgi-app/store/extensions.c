/* SQL for marketplace listings. Browse is one prepared statement per
 * sort: ORDER BY cannot be bound, and a statement per shape keeps every
 * value bound. A search with words is answered by the search index
 * (core/search.h, kept in step by store/search_log.c) and only its page
 * of rows is read here. Pages are keyset ranges on (sort key, id), so
 * rows inserted meanwhile neither repeat nor hide rows of the pages that
 * follow; relevance pages carry an offset instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "search.h"
#include "store/extensions.h"
#include "store/tags.h"
#include "store/search_log.h"
#include "store/tx.h"

#define EXT_COLUMNS \
	"e.id, e.slug, e.name, e.summary, e.description, c.slug, e.tags_text," \
	" e.price_amount, e.price_currency, e.license, e.homepage," \
	" e.repository, e.status, e.status_reason, e.latest_version," \
	" e.downloads, e.rating_count, e.rating_avg," \
	" DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(e.updated_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(e.published_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" e.owner_id, u.username, u.display_name"
#define EXT_NCOLS 24
/* STRAIGHT_JOIN: extensions drive the join, so a sort can walk the
 * (status, <sort column>, id) index and stop at the LIMIT; left to
 * itself the optimizer starts from the 12 categories and sorts every
 * matching row, descriptions included, in a temporary table (2-4 times
 * slower on the demo catalogue, worse as it grows). */
#define EXT_FROM \
	" FROM extensions e STRAIGHT_JOIN categories c ON c.id = e.category_id" \
	" STRAIGHT_JOIN users u ON u.id = e.owner_id"

static void ext_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_ext *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	o->slug = db_str(res, row, 1);
	o->name = db_str(res, row, 2);
	o->summary = db_str(res, row, 3);
	o->description = db_str(res, row, 4);
	o->category = db_str(res, row, 5);
	o->tags_text = db_str(res, row, 6);
	o->price_amount = db_int(res, row, 7, 0);
	o->price_currency = db_str(res, row, 8);
	o->license = db_str(res, row, 9);
	o->homepage = db_str(res, row, 10);
	o->repository = db_str(res, row, 11);
	o->status = db_str(res, row, 12);
	o->status_reason = db_str(res, row, 13);
	o->latest_version = db_str(res, row, 14);
	o->downloads = db_int(res, row, 15, 0);
	o->rating_count = db_int(res, row, 16, 0);
	o->rating_avg = db_str(res, row, 17);
	o->created_at = db_str(res, row, 18);
	o->updated_at = db_str(res, row, 19);
	o->published_at = db_str(res, row, 20);
	o->owner_id = db_int(res, row, 21, 0);
	o->owner_username = db_str(res, row, 22);
	o->owner_display_name = db_str(res, row, 23);
	if (res->ncols > EXT_NCOLS)
		o->sort_key = db_int(res, row, EXT_NCOLS, 0);
}

/* Every row of sql as extensions. */
static int ext_rows(struct arena *a, const char *sql, const struct db_param *p,
	size_t np, struct store_ext **out, size_t *n)
{
	void *rows;
	int rc;

	rc = store_rows(a, sql, p, np, sizeof(**out), ext_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_ext_categories(struct arena *a, struct store_category **out,
	size_t *n)
{
	static const char sql[] =
		"SELECT c.slug, c.name, c.description,"
		" (SELECT COUNT(*) FROM extensions e WHERE e.category_id = c.id"
		"  AND e.status = 'published')"
		" FROM categories c ORDER BY c.position";
	struct db_result res;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_query(a, sql, NULL, 0, &res);
	if (rc != 0 || res.nrows == 0)
		return rc;
	*out = arena_calloc(a, res.nrows, sizeof(**out));
	if (*out == NULL)
		return DF_ENOMEM;
	for (i = 0; i < res.nrows; i++) {
		(*out)[i].slug = db_str(&res, i, 0);
		(*out)[i].name = db_str(&res, i, 1);
		(*out)[i].description = db_str(&res, i, 2);
		(*out)[i].count = db_int(&res, i, 3, 0);
	}
	*n = res.nrows;
	return 0;
}

int store_ext_category_exists(struct arena *a, const char *slug)
{
	static const char sql[] = "SELECT 1 FROM categories WHERE slug = ?";
	struct db_result res;
	int rc;

	rc = db_query(a, sql, DBP(DB_STR(slug)), &res);
	if (rc != 0)
		return rc;
	return res.nrows == 1;
}

static int get_one(struct arena *a, const char *sql, const char *slug,
	struct store_ext *out)
{
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(slug)), &res);
	if (rc != 0)
		return rc;
	ext_from_row(&res, 0, out);
	return 0;
}

int store_ext_get(struct arena *a, const char *slug, struct store_ext *out)
{
	static const char sql[] = "SELECT " EXT_COLUMNS EXT_FROM
		" WHERE e.slug = ?";

	return get_one(a, sql, slug, out);
}

int store_ext_get_locked(struct arena *a, const char *slug,
	struct store_ext *out)
{
	static const char sql[] = "SELECT " EXT_COLUMNS EXT_FROM
		" WHERE e.slug = ? FOR UPDATE";

	return get_one(a, sql, slug, out);
}

/* The tag rows of a listing (the FULLTEXT column's copy is
 * store_tags_join's). */
static int tags_replace(int64_t id, const struct store_ext_input *in)
{
	static const char del[] = "DELETE FROM extension_tags WHERE extension_id = ?";
	static const char ins[] =
		"INSERT IGNORE INTO extension_tags (extension_id, tag) VALUES (?, ?)";

	return store_tags_replace(del, ins, id, in->tags, in->ntags);
}

int store_ext_create(struct arena *a, int64_t owner_id,
	const struct store_ext_input *in, struct store_ext *out)
{
	static const char sql[] =
		"INSERT INTO extensions (slug, owner_id, name, summary,"
		" description, category_id, tags_text, price_amount,"
		" price_currency, license, homepage, repository, status,"
		" created_at, updated_at)"
		" SELECT ?, ?, ?, ?, ?, c.id, ?, ?, ?, ?, ?, ?, 'draft',"
		" UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM categories c"
		" WHERE c.slug = ?";
	uint64_t affected = 0, id = 0;
	const char *tags;
	int rc;

	tags = store_tags_join(a, in->tags, in->ntags);
	if (tags == NULL)
		return DF_ENOMEM;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_exec(sql, DBP(DB_STR(in->slug), DB_INT(owner_id),
		DB_STR(in->name), DB_STR(in->summary), DB_STR(in->description),
		DB_STR(tags), DB_INT(in->price_amount),
		DB_STR(in->price_currency), DB_STR(in->license),
		DB_STR(in->homepage), DB_STR(in->repository),
		DB_STR(in->category)), &affected, &id);
	if (rc == 0 && affected != 1)
		rc = DF_EINVAL; /* the category vanished: the caller checked */
	if (rc == 0)
		rc = tags_replace((int64_t)id, in);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	return store_ext_get(a, in->slug, out);
}

int store_ext_update(int64_t id, const struct store_ext_input *in)
{
	/* Absent fields bind NULL and keep their column; the two that may
	 * be cleared carry a flag. */
	static const char sql[] =
		"UPDATE extensions e SET"
		" e.name = COALESCE(?, e.name),"
		" e.summary = COALESCE(?, e.summary),"
		" e.description = COALESCE(?, e.description),"
		" e.category_id = COALESCE((SELECT c.id FROM categories c"
		"   WHERE c.slug = ?), e.category_id),"
		" e.tags_text = COALESCE(?, e.tags_text),"
		" e.price_amount = IF(?, ?, e.price_amount),"
		" e.price_currency = IF(?, ?, e.price_currency),"
		" e.license = COALESCE(?, e.license),"
		" e.homepage = IF(?, ?, e.homepage),"
		" e.repository = IF(?, ?, e.repository),"
		" e.updated_at = UTC_TIMESTAMP(6)"
		" WHERE e.id = ?";
	char tags_buf[STORE_EXT_MAX_TAGS * 33 + 1];
	const char *tags = NULL;
	size_t i, o = 0;
	int rc;

	if (in->set_tags) {
		tags_buf[0] = '\0';
		for (i = 0; i < in->ntags; i++) {
			int w = snprintf(tags_buf + o, sizeof(tags_buf) - o,
				"%s%s", i > 0 ? " " : "", in->tags[i]);

			if (w < 0 || (size_t)w >= sizeof(tags_buf) - o)
				return DF_EINVAL;
			o += (size_t)w;
		}
		tags = tags_buf;
	}
	rc = db_exec(sql, DBP(DB_STR(in->name), DB_STR(in->summary),
		DB_STR(in->description), DB_STR(in->category), DB_STR(tags),
		DB_INT(in->set_price), DB_INT(in->price_amount),
		DB_INT(in->set_price), DB_STR(in->price_currency),
		DB_STR(in->license),
		DB_INT(in->set_homepage), DB_STR(in->homepage),
		DB_INT(in->set_repository), DB_STR(in->repository),
		DB_INT(id)), NULL, NULL);
	if (rc == 0 && in->set_tags)
		rc = tags_replace(id, in);
	return rc;
}

int store_ext_delete(int64_t id)
{
	static const char sql[] = "DELETE FROM extensions WHERE id = ?";

	return db_exec(sql, DBP(DB_INT(id)), NULL, NULL);
}

int store_ext_set_status(int64_t id, const char *status, const char *reason)
{
	static const char sql[] =
		"UPDATE extensions SET"
		" status_before_suspend = IF(? = 'suspended' AND status <> 'suspended',"
		"   status, status_before_suspend),"
		" status = ?, status_reason = ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ?";

	return db_exec(sql, DBP(DB_STR(status), DB_STR(status), DB_STR(reason),
		DB_INT(id)), NULL, NULL);
}

int store_ext_reinstate(int64_t id)
{
	static const char sql[] =
		"UPDATE extensions SET"
		" status = COALESCE(status_before_suspend, 'draft'),"
		" status_before_suspend = NULL, status_reason = NULL,"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND status = 'suspended'";
	return store_exec_one(sql, DBP(DB_INT(id)), DF_ECONFLICT);
}

int store_ext_publish(int64_t id)
{
	static const char sql[] =
		"UPDATE extensions SET status = 'published',"
		" published_at = COALESCE(published_at, UTC_TIMESTAMP(6)),"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND status = 'draft'";

	return db_exec(sql, DBP(DB_INT(id)), NULL, NULL);
}

int store_ext_set_latest(int64_t id, const char *version)
{
	static const char sql[] =
		"UPDATE extensions SET latest_version = ? WHERE id = ?";

	return db_exec(sql, DBP(DB_STR(version), DB_INT(id)), NULL, NULL);
}

/* --- search and browse */

/* Each sort's key as a BIGINT, so one cursor form serves them all. */
#define SK_POPULAR "CAST(e.downloads AS SIGNED)"
#define SK_NEWEST \
	"CAST(FLOOR(UNIX_TIMESTAMP(e.published_at) * 1000000) AS SIGNED)"
#define SK_RATING "CAST(FLOOR(e.rating_avg * 100) AS SIGNED)"
#define SK_PRICE "CAST(e.price_amount AS SIGNED)"

/* --- browse: the catalogue without a search text
 *
 * At 60,000 extensions a filter must not make a page walk the catalogue
 * (docs/QUERIES.md has the plans). Each page runs on one of four drivers,
 * chosen from per-worker facts (br_facts) and, for a tag, a bounded
 * count, and names its index (the optimizer,
 * left alone, prefers a ref on status and walks everything):
 * - ALL: the (status, <sort>, id) index, stopping at the LIMIT;
 * - CAT: (status, category_id, <sort>, id), the same for one category;
 *   an unknown category is answered before any of this;
 * - TAG: a tag on fewer than BROWSE_FEW extensions drives from
 *   extension_tags and sorts those few rows (bounded by BROWSE_FEW); a
 *   tag on none answers an empty page at once;
 * - RATING: a min_rating that fewer than BROWSE_FEW published extensions
 *   reach (above br_facts.few_rating), with another sort, reads that
 *   range of the rating index and sorts it.
 * A common tag (or a non-selective rating) rides on ALL or CAT: it is on
 * at least BROWSE_FEW rows, so a page of 20 walks about 20 * N /
 * BROWSE_FEW rows on average. The worst case left: a tag common overall
 * but absent from the category asked for walks that category's index
 * once (the largest category's size). The keyset adds a plain bound on
 * the sort column, so a deep cursor seeks instead of walking from the
 * top. Every filter that is absent binds so that its condition folds
 * away when MariaDB optimizes the execution. */
#define BROWSE_FEW 1000

/* The tag test is a scalar subquery, one primary-key probe per row
 * walked: written as EXISTS, MariaDB turns it into a semi-join and
 * materializes every extension of the tag first (18,562 index entries
 * for a page of tag1 at 60,000 extensions). */
#define BR_FILTERS \
	" AND (? = 0 OR e.category_id = ?)" \
	" AND (? IS NULL OR (SELECT COUNT(*) FROM extension_tags t" \
	"   WHERE t.extension_id = e.id AND t.tag = ?) > 0)" \
	" AND (? < 0 OR (? = 1 AND e.price_amount > 0)" \
	"   OR (? = 0 AND e.price_amount = 0))" \
	" AND e.rating_avg >= ?"
/* The keyset on the plain column (COL) and the cursor's key turned back
 * into the column's value (VAL, one ? each), so both halves are ranges
 * of the (..., COL, id) index: the walk starts at the cursor's row.
 * Compared through the BIGINT key instead, only a superset bound on COL
 * was sargable and every row sharing the cursor's value above it was
 * read and dropped (at page 500 of popular, 91 rows for 20). */
#define BR_KEYSET_DESC(COL, VAL) \
	" AND (? = 0 OR " COL " < " VAL " OR (" COL " = " VAL \
	" AND e.id < ?))"
#define BR_KEYSET_ASC(COL, VAL) \
	" AND (? = 0 OR " COL " > " VAL " OR (" COL " = " VAL \
	" AND e.id > ?))"
#define BR_FROM_INDEX(IDX) " FROM extensions e FORCE INDEX (" IDX ")"
#define BR_FROM_TAG \
	" FROM extension_tags bt STRAIGHT_JOIN extensions e" \
	" FORCE INDEX (PRIMARY) ON e.id = bt.extension_id AND bt.tag = ?"
#define BROWSE(SK, FROM_E, KEYSET, ORDER) \
	"SELECT " EXT_COLUMNS ", " SK FROM_E \
	" STRAIGHT_JOIN categories c ON c.id = e.category_id" \
	" STRAIGHT_JOIN users u ON u.id = e.owner_id" \
	" WHERE e.status = 'published'" BR_FILTERS KEYSET \
	" ORDER BY " ORDER " LIMIT ?"
#define BROWSE_ALL4(SK, IDX, KEYSET, ORDER) { \
	BROWSE(SK, BR_FROM_INDEX("idx_extensions_status_" IDX), KEYSET, ORDER), \
	BROWSE(SK, BR_FROM_INDEX("idx_extensions_status_category_" IDX), \
		KEYSET, ORDER), \
	BROWSE(SK, BR_FROM_TAG, KEYSET, ORDER), \
	BROWSE(SK, BR_FROM_INDEX("idx_extensions_status_rating"), KEYSET, \
		ORDER) }

enum br_driver { BR_ALL, BR_CAT, BR_TAG, BR_RATING, BR__MAX };

static const char *const browse_sql[STORE_EXT_SORT__MAX][BR__MAX] = {
	[STORE_EXT_SORT_POPULAR] = BROWSE_ALL4(SK_POPULAR, "downloads",
		BR_KEYSET_DESC("e.downloads", "?"),
		"e.downloads DESC, e.id DESC"),
	/* The key is microseconds since the epoch (UTC, the session's
	 * zone); TIMESTAMPADD turns it back exactly. */
	[STORE_EXT_SORT_NEWEST] = BROWSE_ALL4(SK_NEWEST, "published",
		BR_KEYSET_DESC("e.published_at",
			"TIMESTAMPADD(MICROSECOND, ?, '1970-01-01 00:00:00')"),
		"e.published_at DESC, e.id DESC"),
	/* rating_avg is DECIMAL(3,2): the key is it times 100, exactly. */
	[STORE_EXT_SORT_RATING] = BROWSE_ALL4(SK_RATING, "rating",
		BR_KEYSET_DESC("e.rating_avg", "? / 100"),
		"e.rating_avg DESC, e.id DESC"),
	[STORE_EXT_SORT_PRICE] = BROWSE_ALL4(SK_PRICE, "price",
		BR_KEYSET_ASC("e.price_amount", "?"),
		"e.price_amount ASC, e.id ASC"),
};

/* The first column of the first row of sql as a number; 0 without rows. */
static int br_number(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, int64_t *out)
{
	struct db_result res;
	int rc;

	*out = 0;
	rc = db_query(a, sql, p, np, &res);
	if (rc == 0 && res.nrows > 0)
		*out = db_int(&res, 0, 0, 0);
	return rc;
}

/* Per-worker facts, refreshed every BR_FACTS_SECONDS: the category ids
 * (fixed by migration: a category a migration adds is seen within that
 * time) and the rating the BROWSE_FEW-th best-rated published extension
 * has, which only steers the choice of plan, never what a page holds, so
 * a stale value costs time, not correctness. */
#define BR_FACTS_SECONDS 60
#define BR_MAX_CATEGORIES 64

static struct {
	int64_t loaded_at;          /* monotonic seconds; 0: never */
	size_t ncat;
	char cat_slug[BR_MAX_CATEGORIES][33];
	int64_t cat_id[BR_MAX_CATEGORIES];
	/* A min_rating above this is reached by fewer than BROWSE_FEW
	 * published extensions; -1: fewer than that are published. */
	double few_rating;
} br_facts;

static int64_t br_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static int br_facts_load(struct arena *a)
{
	static const char cat_sql[] = "SELECT id, slug FROM categories";
	/* Reads BROWSE_FEW index entries, once a minute, instead of a count
	 * of up to that many on every page. */
	static const char few_sql[] =
		"SELECT rating_avg FROM extensions"
		" FORCE INDEX (idx_extensions_status_rating)"
		" WHERE status = 'published'"
		" ORDER BY rating_avg DESC, id DESC LIMIT 1 OFFSET ?";
	struct db_result res;
	int64_t now = br_now();
	size_t i;
	int rc;

	if (br_facts.loaded_at != 0 &&
	    now - br_facts.loaded_at < BR_FACTS_SECONDS)
		return 0;
	rc = db_query(a, cat_sql, NULL, 0, &res);
	if (rc != 0)
		return rc;
	br_facts.ncat = 0;
	for (i = 0; i < res.nrows && i < BR_MAX_CATEGORIES; i++) {
		const char *slug = db_str(&res, i, 1);

		if (slug == NULL || strlen(slug) >= sizeof(br_facts.cat_slug[0]))
			continue;
		strcpy(br_facts.cat_slug[br_facts.ncat], slug);
		br_facts.cat_id[br_facts.ncat++] = db_int(&res, i, 0, 0);
	}
	rc = db_query(a, few_sql, DBP(DB_INT(BROWSE_FEW - 1)), &res);
	if (rc != 0)
		return rc;
	br_facts.few_rating = res.nrows > 0 ?
		strtod(db_str(&res, 0, 0) != NULL ? db_str(&res, 0, 0) : "-1",
			NULL) : -1;
	br_facts.loaded_at = now;
	return 0;
}

/* Sets *driver for f; *none when nothing can match (no query needed). */
static int br_choose(struct arena *a, const struct store_ext_filter *f,
	int64_t *cat_id, enum br_driver *driver, int *none)
{
	/* Index-only and bounded: at most BROWSE_FEW entries are counted. */
	static const char tag_sql[] =
		"SELECT COUNT(*) FROM (SELECT 1 FROM extension_tags"
		" WHERE tag = ? LIMIT ?) x";
	int64_t count;
	size_t i;
	int rc;

	*cat_id = 0;
	*none = 0;
	*driver = BR_ALL;
	rc = br_facts_load(a);
	if (rc != 0)
		return rc;
	if (f->category != NULL) {
		for (i = 0; i < br_facts.ncat; i++)
			if (strcmp(br_facts.cat_slug[i], f->category) == 0)
				*cat_id = br_facts.cat_id[i];
		if (*cat_id == 0) {
			*none = 1;
			return 0;
		}
		*driver = BR_CAT;
	}
	if (f->tag != NULL) {
		rc = br_number(a, tag_sql, DBP(DB_STR(f->tag),
			DB_INT(BROWSE_FEW)), &count);
		if (rc != 0 || count == 0) {
			*none = rc == 0;
			return rc;
		}
		if (count < BROWSE_FEW) {
			*driver = BR_TAG;
			return 0;
		}
	}
	/* Sorted by rating, the rating index already bounds the range. */
	if (f->min_rating > 0 && f->sort != STORE_EXT_SORT_RATING &&
	    f->min_rating > br_facts.few_rating)
		*driver = BR_RATING;
	return 0;
}

static int store_ext_browse(struct arena *a, const struct store_ext_filter *f,
	struct store_ext **out, size_t *n)
{
	struct db_param p[20];
	enum br_driver driver;
	int64_t cat_id;
	size_t np = 0;
	int none, rc;

	rc = br_choose(a, f, &cat_id, &driver, &none);
	if (rc != 0 || none)
		return rc;
	/* Binds in the order of the statement's ? markers. */
	if (driver == BR_TAG)
		p[np++] = DB_STR(f->tag);
	p[np++] = DB_INT(cat_id);
	p[np++] = DB_INT(cat_id);
	/* Driven by the tag, the tag test would only repeat it. */
	p[np++] = DB_STR(driver == BR_TAG ? NULL : f->tag);
	p[np++] = DB_STR(driver == BR_TAG ? NULL : f->tag);
	p[np++] = DB_INT(f->price);
	p[np++] = DB_INT(f->price);
	p[np++] = DB_INT(f->price);
	p[np++] = DB_DOUBLE(f->min_rating);
	p[np++] = DB_INT(f->has_after);
	p[np++] = DB_INT(f->after_key);
	p[np++] = DB_INT(f->after_key);
	p[np++] = DB_INT(f->after_id);
	p[np++] = DB_INT(f->limit + 1);
	return ext_rows(a, browse_sql[f->sort][driver], p, np, out, n);
}

/* Rows of the listings the index found, with the change log's newest id
 * as the last column (no ORDER BY: a filesort of whole rows, descriptions
 * included, for an order index_page restores in C): one round trip both fetches the
 * page and tells whether the index was behind. Only published ones: the
 * index never shows what MariaDB no longer publishes. */
static const char index_rows_sql[] = "SELECT " EXT_COLUMNS ","
	" (SELECT COALESCE(MAX(id), 0) FROM search_changes)"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY,"
	"   xid BIGINT PATH '$')) j"
	" STRAIGHT_JOIN extensions e ON e.id = j.xid"
	" STRAIGHT_JOIN categories c ON c.id = e.category_id"
	" STRAIGHT_JOIN users u ON u.id = e.owner_id"
	" WHERE e.status = 'published'";

/* Change ids one search applies at most (a few milliseconds of work):
 * after a bulk load the backlog drains over the next searches, or at
 * once with devforgectl search-reindex. */
#define SEARCH_SYNC_MAX 500

/* The ids as a JSON array, the statement's one parameter. */
static char *ids_json(struct arena *a, const int64_t *ids, size_t k)
{
	char *s = arena_alloc(a, k * 21 + 3), *p;
	size_t i;

	if (s == NULL)
		return NULL;
	p = s;
	*p++ = '[';
	for (i = 0; i < k; i++)
		p += sprintf(p, i ? ",%lld" : "%lld", (long long)ids[i]);
	*p++ = ']';
	*p = '\0';
	return s;
}

/* One look-up: the index's page, its rows, and whether the change log
 * was ahead of the index (*behind: the log's newest id, else 0). */
static int index_page(struct arena *a, const struct search_query *sq,
	int64_t *ids, int64_t *keys, struct store_ext **out, size_t *n,
	int64_t *behind)
{
	const char *json;
	int64_t applied, last = 0;
	size_t k, i, j;
	int rc;

	*behind = 0;
	rc = search_find(sq, ids, keys, &k, &applied);
	if (rc != 0)
		return rc;
	json = ids_json(a, ids, k);
	if (json == NULL)
		return DF_ENOMEM;
	if (k > 0) {
		rc = ext_rows(a, index_rows_sql, DBP(DB_STR(json)), out, n);
		if (rc != 0)
			return rc;
	}
	/* The rows' last column is the log's newest id; with no row (none
	 * found, or all unpublished meanwhile) ask for it. */
	if (*n > 0)
		last = (*out)[0].sort_key;
	else if ((rc = store_search_last_change(&last)) != 0)
		return rc;
	if (last > applied)
		*behind = last;
	/* The rows in the index's order, each with its page key. */
	if (*n > 0) {
		struct store_ext *rows = *out, *sorted;
		size_t m = 0;

		sorted = arena_alloc(a, *n * sizeof(*sorted));
		if (sorted == NULL)
			return DF_ENOMEM;
		for (j = 0; j < k; j++)
			for (i = 0; i < *n; i++)
				if (rows[i].id == ids[j]) {
					sorted[m] = rows[i];
					sorted[m++].sort_key = keys[j];
					break;
				}
		*out = sorted;
		*n = m;
	}
	return 0;
}

/* A search with words: the index (core/search.h) finds and orders the
 * ids, MariaDB gives their rows. When the change log is ahead of the
 * index (a write on this or another host), the log is applied and the
 * page asked again, so a search never misses a committed change. */
static int ext_search_index(struct arena *a, const struct store_ext_filter *f,
	struct store_ext **out, size_t *n)
{
	struct search_query sq;
	int64_t *ids, *keys, behind;
	double r = f->min_rating * 100 - 1e-9;
	int rc;

	memset(&sq, 0, sizeof(sq));
	sq.q = f->q;
	sq.category = f->category;
	sq.tag = f->tag;
	sq.price = f->price;
	/* rating_avg has two decimals: >= min is >= ceil(min * 100). */
	sq.min_rating100 = (int64_t)r;
	if ((double)sq.min_rating100 < r)
		sq.min_rating100++;
	sq.sort = (enum search_sort)f->sort;
	sq.has_after = f->has_after;
	sq.after_key = f->after_key;
	sq.after_id = f->after_id;
	/* A relevance cursor carries an offset: a forged one beyond any
	 * real page finds nothing rather than walking the whole ranking. */
	if (sq.sort == SEARCH_SORT_RELEVANCE && f->has_after &&
	    (f->after_key < 0 || f->after_key > 1000000))
		return 0;
	sq.limit = (size_t)f->limit + 1;
	ids = arena_alloc(a, sq.limit * sizeof(*ids));
	keys = arena_alloc(a, sq.limit * sizeof(*keys));
	if (ids == NULL || keys == NULL)
		return DF_ENOMEM;
	rc = index_page(a, &sq, ids, keys, out, n, &behind);
	if (rc == DF_EINTERNAL) {
		/* No index yet on this host: build it from the log. */
		rc = store_search_sync(-1, SEARCH_SYNC_MAX);
		if (rc == 0)
			rc = index_page(a, &sq, ids, keys, out, n, &behind);
	}
	if (rc != 0 || behind == 0)
		return rc;
	*out = NULL;
	*n = 0;
	rc = store_search_sync(behind, SEARCH_SYNC_MAX);
	if (rc == 0)
		rc = index_page(a, &sq, ids, keys, out, n, &behind);
	return rc;
}

int store_ext_search(struct arena *a, const struct store_ext_filter *f,
	struct store_ext **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if ((unsigned)f->sort >= STORE_EXT_SORT__MAX)
		return DF_EINVAL;
	/* Words go to the index; the browse statements have no relevance. */
	if (f->q != NULL)
		return ext_search_index(a, f, out, n);
	if (f->sort == STORE_EXT_SORT_RELEVANCE)
		return DF_EINVAL;
	return store_ext_browse(a, f, out, n);
}

int store_ext_by_owner(struct arena *a, int64_t owner_id, int64_t limit,
	struct store_ext **out, size_t *n)
{
	static const char sql[] = "SELECT " EXT_COLUMNS EXT_FROM
		" WHERE e.owner_id = ? AND e.status = 'published'"
		" ORDER BY e.downloads DESC, e.id DESC LIMIT ?";

	return ext_rows(a, sql, DBP(DB_INT(owner_id), DB_INT(limit)), out, n);
}

int store_ext_mine(struct arena *a, int64_t owner_id, int64_t before,
	int64_t limit, struct store_ext **out, size_t *n)
{
	static const char sql[] = "SELECT " EXT_COLUMNS EXT_FROM
		" WHERE e.owner_id = ? AND (? = 0 OR e.id < ?)"
		" ORDER BY e.id DESC LIMIT ?";

	return ext_rows(a, sql, DBP(DB_INT(owner_id), DB_INT(before),
		DB_INT(before), DB_INT(limit + 1)), out, n);
}

size_t store_ext_tags(struct arena *a, const char *tags_text,
	const char **out)
{
	const char *s = tags_text, *e;
	size_t n = 0;
	char *t;

	while (s != NULL && *s != '\0' && n < STORE_EXT_MAX_TAGS) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, ' ');
		if (e == NULL)
			e = s + strlen(s);
		t = arena_alloc(a, (size_t)(e - s) + 1);
		if (t == NULL)
			return n;
		memcpy(t, s, (size_t)(e - s));
		t[e - s] = '\0';
		out[n++] = t;
		s = e;
	}
	return n;
}
