/* SQL for the knowledge base (see kb.h). Edits lock the article row and
 * write its revision in the same transaction; votes recount from the
 * vote rows under that lock, so counts stay exact however many vote at
 * once. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/assist_dirty.h"
#include "store/kb.h"
#include "store/tags.h"
#include "store/tx.h"

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
/* Unix seconds to DATETIME by arithmetic (the session zone is UTC). */
#define FROM_UNIX "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"
#define NL_MODE " IN NATURAL LANGUAGE MODE)"

#define KB_COLUMNS \
	"a.id, a.slug, a.title, a.body, NULL, a.category, a.tags, a.status," \
	" a.revision, a.views, a.helpful, a.not_helpful," \
	" " TS("a.created_at") ", " TS("a.updated_at") "," \
	" " TS("a.published_at") ", 0, 0"

static void kb_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_kb_article *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->slug, sizeof(o->slug));
	o->title = db_str(res, row, 2);
	o->body = db_str(res, row, 3);
	o->excerpt = db_str(res, row, 4);
	o->category = db_str(res, row, 5);
	o->tags = db_str(res, row, 6);
	o->status = db_str(res, row, 7);
	o->revision = db_int(res, row, 8, 0);
	o->views = db_int(res, row, 9, 0);
	o->helpful = db_int(res, row, 10, 0);
	o->not_helpful = db_int(res, row, 11, 0);
	o->created_at = db_str(res, row, 12);
	o->updated_at = db_str(res, row, 13);
	o->published_at = db_str(res, row, 14);
	o->score = db_int(res, row, 15, 0);
	o->upto = db_int(res, row, 16, 0);
}

int store_kb_get(struct arena *a, const char *slug,
	struct store_kb_article *out)
{
	static const char sql[] = "SELECT " KB_COLUMNS
		" FROM kb_articles a WHERE a.slug = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(slug)), &res);
	if (rc == 0)
		kb_from_row(&res, 0, out);
	return rc;
}

/* The filters every list shares, in this parameter order: all_status,
 * status, status, category, category, tag, tag. */
#define KB_FILTERS \
	" AND (a.status = 'published' OR ? = 1)" \
	" AND (? IS NULL OR a.status = ?)" \
	" AND (? IS NULL OR a.category = ?)" \
	" AND (? IS NULL OR EXISTS (SELECT 1 FROM kb_article_tags t" \
	"  WHERE t.article_id = a.id AND t.tag = ?))"

static int list_plain(struct arena *a, const struct store_kb_filter *f,
	struct store_kb_article **out, size_t *n)
{
	static const char sql[] = "SELECT a.id, a.slug, a.title, NULL,"
		" LEFT(a.body_text, 200), a.category, a.tags, a.status,"
		" a.revision, a.views, a.helpful, a.not_helpful,"
		" " TS("a.created_at") ", " TS("a.updated_at") ","
		" " TS("a.published_at") ", 0, 0"
		" FROM kb_articles a WHERE 1 = 1" KB_FILTERS
		" AND (? = 0 OR a.id < ?) ORDER BY a.id DESC LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(f->all_status), DB_STR(f->status),
		DB_STR(f->status), DB_STR(f->category), DB_STR(f->category),
		DB_STR(f->tag), DB_STR(f->tag), DB_INT(f->after_id),
		DB_INT(f->after_id), DB_INT(f->limit + 1)), sizeof(**out),
		kb_from_row, &rows, n);
	*out = rows;
	return rc;
}

/* Relevance, made stable for paging: th is 1 when the title matches;
 * rel the FULLTEXT relevance over title and text, divided by the best
 * rel of the same search (a window over every match), rounded to
 * 1/STORE_KB_SCORE_SCALE and kept as an integer, so the cursor compares
 * exactly what ORDER BY sorts on. InnoDB's raw relevance moves with the
 * size of the corpus (its IDF), which scales every match alike; the
 * ratio to the best does not move with it. Ids above the first page's
 * highest match (upto) are left out, so articles written meanwhile
 * (always higher ids) cannot enter or reorder a paged search.
 * One statement, two FULLTEXT lookups (the text index, and the title
 * index for th; MariaDB runs one lookup for equal MATCH expressions):
 * the window and the sort carry the narrow rows (id, th, rel) of every match, and only the page's rows
 * are read whole (the excerpt reads body_text, a MEDIUMTEXT off the
 * row), not every match's. */
static int list_search(struct arena *a, const struct store_kb_filter *f,
	struct store_kb_article **out, size_t *n)
{
	static const char sql[] =
		"SELECT a.id, a.slug, a.title, NULL, LEFT(a.body_text, 200),"
		" a.category, a.tags, a.status, a.revision, a.views, a.helpful,"
		" a.not_helpful, " TS("a.created_at") ", " TS("a.updated_at") ","
		" " TS("a.published_at") ", r.k, r.top FROM ("
		" SELECT s.id, s.k, s.top FROM ("
		" SELECT w.id, w.th * 10000 + CAST(ROUND(IF(w.mx > 0,"
		"  w.rel / w.mx, 0) * 10000) AS SIGNED) AS k, w.top FROM ("
		"  SELECT m.id, m.th, m.rel, MAX(m.rel) OVER () AS mx,"
		"   COALESCE(NULLIF(?, 0), MAX(m.id) OVER ()) AS top FROM ("
		"   SELECT a.id,"
		"    (MATCH (a.title) AGAINST (?" NL_MODE " > 0) AS th,"
		"    MATCH (a.title, a.body_text) AGAINST (?" NL_MODE " AS rel"
		"   FROM kb_articles a"
		"   WHERE MATCH (a.title, a.body_text) AGAINST (?" NL_MODE " > 0"
		KB_FILTERS
		"   AND (? = 0 OR a.id <= ?)"
		"  ) m"
		" ) w"
		" ) s WHERE (? = 0 OR s.k < ? OR (s.k = ? AND s.id < ?))"
		" ORDER BY s.k DESC, s.id DESC LIMIT ?"
		") r JOIN kb_articles a ON a.id = r.id"
		" ORDER BY r.k DESC, r.id DESC";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(f->upto), DB_STR(f->q),
		DB_STR(f->q), DB_STR(f->q), DB_INT(f->all_status),
		DB_STR(f->status), DB_STR(f->status), DB_STR(f->category),
		DB_STR(f->category), DB_STR(f->tag), DB_STR(f->tag),
		DB_INT(f->upto), DB_INT(f->upto), DB_INT(f->after_id),
		DB_INT(f->after_score), DB_INT(f->after_score),
		DB_INT(f->after_id), DB_INT(f->limit + 1)), sizeof(**out),
		kb_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_kb_list(struct arena *a, const struct store_kb_filter *f,
	struct store_kb_article **out, size_t *n)
{
	return f->q != NULL ? list_search(a, f, out, n) :
		list_plain(a, f, out, n);
}

static int put_tags(int64_t id, const struct store_kb_input *in)
{
	static const char del[] = "DELETE FROM kb_article_tags WHERE article_id = ?";
	static const char ins[] =
		"INSERT IGNORE INTO kb_article_tags (article_id, tag) VALUES (?, ?)";

	return store_tags_replace(del, ins, id, in->tags, in->ntags);
}

int store_kb_create(struct arena *a, const struct store_kb_input *in,
	struct store_kb_article *out)
{
	static const char sql[] =
		"INSERT INTO kb_articles (slug, title, body, body_text, category,"
		" tags, status, author_id, created_at, updated_at, published_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), " FROM_UNIX ", "
		FROM_UNIX ", IF(? = 'published', " FROM_UNIX ", NULL))";
	const char *tags = store_tags_join(a, in->tags, in->ntags);
	uint64_t id = 0;
	int rc;

	if (tags == NULL)
		return DF_ENOMEM;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_exec(sql, DBP(DB_STR(in->slug), DB_STR(in->title),
		DB_STR(in->body), DB_STR(in->body_text), DB_STR(in->category),
		DB_STR(tags), DB_STR(in->status), DB_INT(in->editor_id),
		DB_INT(in->now), DB_INT(in->now), DB_STR(in->status),
		DB_INT(in->now)), NULL, &id);
	if (rc == 0)
		rc = put_tags((int64_t)id, in);
	if (rc == 0)   /* the assistant re-reads it before its next answer */
		rc = store_assist_mark(STORE_ASSIST_KB, (int64_t)id, in->now);
	if (rc == 0)
		rc = store_kb_get(a, in->slug, out);
	return store_tx_end(rc);
}

int store_kb_update(struct arena *a, const char *slug,
	const struct store_kb_input *in, struct store_kb_article *out)
{
	static const char lock[] = "SELECT id FROM kb_articles WHERE slug = ?"
		" FOR UPDATE";
	static const char keep[] =
		"INSERT INTO kb_article_revisions (article_id, revision, title,"
		" body, category, tags, status, editor_id, created_at)"
		" SELECT id, revision, title, body, category, tags, status,"
		" NULLIF(?, 0), " FROM_UNIX " FROM kb_articles WHERE id = ?";
	static const char upd[] =
		"UPDATE kb_articles SET title = COALESCE(?, title),"
		" body = COALESCE(?, body), body_text = COALESCE(?, body_text),"
		" category = COALESCE(?, category), tags = COALESCE(?, tags),"
		" published_at = IF(COALESCE(?, status) = 'published'"
		"  AND published_at IS NULL, " FROM_UNIX ", published_at),"
		" status = COALESCE(?, status), revision = revision + 1,"
		" updated_at = " FROM_UNIX " WHERE id = ?";
	const char *tags = NULL;
	struct db_result res;
	int64_t id;
	int rc;

	if (in->tags_set && (tags = store_tags_join(a, in->tags, in->ntags)) == NULL)
		return DF_ENOMEM;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = store_one(a, lock, DBP(DB_STR(slug)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	id = db_int(&res, 0, 0, 0);
	rc = db_exec(keep, DBP(DB_INT(in->editor_id), DB_INT(in->now),
		DB_INT(id)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(upd, DBP(DB_STR(in->title), DB_STR(in->body),
			DB_STR(in->body_text), DB_STR(in->category),
			DB_STR(tags), DB_STR(in->status), DB_INT(in->now),
			DB_STR(in->status), DB_INT(in->now), DB_INT(id)),
			NULL, NULL);
	if (rc == 0 && in->tags_set)
		rc = put_tags(id, in);
	if (rc == 0)   /* edited, archived or published: re-indexed */
		rc = store_assist_mark(STORE_ASSIST_KB, id, in->now);
	if (rc == 0)
		rc = store_kb_get(a, slug, out);
	return store_tx_end(rc);
}

static void rev_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_kb_revision *o = out;

	memset(o, 0, sizeof(*o));
	o->revision = db_int(res, row, 0, 0);
	o->title = db_str(res, row, 1);
	o->body = db_str(res, row, 2);
	o->category = db_str(res, row, 3);
	o->tags = db_str(res, row, 4);
	o->status = db_str(res, row, 5);
	o->editor_id = db_str(res, row, 6);
	o->editor_username = db_str(res, row, 7);
	o->created_at = db_str(res, row, 8);
}

int store_kb_revisions(struct arena *a, int64_t article_id,
	struct store_kb_revision **out, size_t *n)
{
	static const char sql[] =
		"SELECT r.revision, r.title, r.body, r.category, r.tags,"
		" r.status, u.public_id, u.username, " TS("r.created_at")
		" FROM kb_article_revisions r"
		" LEFT JOIN users u ON u.id = r.editor_id"
		" WHERE r.article_id = ? ORDER BY r.revision DESC";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(article_id)), sizeof(**out),
		rev_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_kb_vote(struct arena *a, int64_t article_id,
	const unsigned char voter[32], int helpful, time_t now,
	int64_t *helpful_n, int64_t *not_helpful_n)
{
	static const char lock[] =
		"SELECT id FROM kb_articles WHERE id = ? FOR UPDATE";
	static const char vote[] =
		"INSERT INTO kb_feedback (article_id, voter, helpful, created_at,"
		" updated_at) VALUES (?, ?, ?, " FROM_UNIX ", " FROM_UNIX ")"
		" ON DUPLICATE KEY UPDATE helpful = VALUES(helpful),"
		" updated_at = VALUES(updated_at)";
	static const char recount[] =
		"UPDATE kb_articles SET"
		" helpful = (SELECT COUNT(*) FROM kb_feedback"
		"  WHERE article_id = ? AND helpful = 1),"
		" not_helpful = (SELECT COUNT(*) FROM kb_feedback"
		"  WHERE article_id = ? AND helpful = 0)"
		" WHERE id = ?";
	static const char counts[] =
		"SELECT helpful, not_helpful FROM kb_articles WHERE id = ?";
	struct db_result res;
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = store_one(a, lock, DBP(DB_INT(article_id)), &res);
	if (rc == 0)
		rc = db_exec(vote, DBP(DB_INT(article_id), DB_BLOB(voter, 32),
			DB_INT(helpful ? 1 : 0), DB_INT(now), DB_INT(now)),
			NULL, NULL);
	if (rc == 0)
		rc = db_exec(recount, DBP(DB_INT(article_id),
			DB_INT(article_id), DB_INT(article_id)), NULL, NULL);
	if (rc == 0)
		rc = store_one(a, counts, DBP(DB_INT(article_id)), &res);
	if (rc == 0) {
		*helpful_n = db_int(&res, 0, 0, 0);
		*not_helpful_n = db_int(&res, 0, 1, 0);
	}
	return store_tx_end(rc);
}

int store_kb_add_views(const int64_t *ids, const uint64_t *counts, size_t n)
{
	static const char sql[] =
		"UPDATE kb_articles SET views = views + ? WHERE id = ?";
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	rc = db_begin();
	if (rc != 0)
		return rc;
	for (i = 0; rc == 0 && i < n; i++)
		rc = db_exec(sql, DBP(DB_INT((int64_t)counts[i]), DB_INT(ids[i])),
			NULL, NULL);
	return store_tx_end(rc);
}
