/* SQL for the forum (see forum.h). A thread and its first post are
 * written in one transaction; a reply locks its thread's row, so that a
 * lock by a moderator and the reply cannot cross (a reply either came
 * before the lock or is refused). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "cache.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "validate.h"
#include "store/forum.h"
#include "store/tags.h"
#include "store/tx.h"

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
/* Unix seconds to DATETIME by arithmetic (the session zone is UTC). */
#define FROM_UNIX "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"
/* Microseconds since the epoch, both ways: the cursors' time keys. */
#define US(col) "TIMESTAMPDIFF(MICROSECOND, TIMESTAMP'1970-01-01 00:00:00', " \
	col ")"
#define FROM_US "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? MICROSECOND)"
#define NL_MODE " IN NATURAL LANGUAGE MODE)"

/* Staff count as trust level 4 everywhere (DESIGN14). */
#define TRUST(u, s) "IF(" u ".role IN ('support', 'admin'), 4," \
	" COALESCE(" s ".trust_level, 0))"

void store_forum_changed(void)
{
	cache_invalidate(STORE_FORUM_CACHE_GEN);
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
		c == '\v';
}

int store_forum_body_hash(struct arena *a, const char *body,
	unsigned char out[32])
{
	size_t len = strlen(body), n = 0, i;
	char *buf = arena_alloc(a, len + 1);
	int gap = 0;

	if (buf == NULL)
		return DF_ENOMEM;
	for (i = 0; i < len; i++) {
		if (is_space((unsigned char)body[i])) {
			gap = 1;
			continue;
		}
		if (gap && n > 0)
			buf[n++] = ' ';
		gap = 0;
		buf[n++] = body[i];
	}
	crypto_sha256(buf, n, out);
	return 0;
}

/* --- thread state -------------------------------------------------- */

static void state_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_forum_state *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->author_id = db_int(res, row, 2, 0);
	o->first_post_id = db_int(res, row, 3, 0);
	o->accepted_post_id = db_int(res, row, 4, 0);
	o->locked = db_int(res, row, 5, 0) != 0;
	o->pinned = db_int(res, row, 6, 0) != 0;
	o->deleted = db_int(res, row, 7, 0) != 0;
}

#define STATE_SQL "SELECT id, public_id, author_id, COALESCE(first_post_id, 0)," \
	" COALESCE(accepted_post_id, 0), locked, pinned, deleted" \
	" FROM forum_threads WHERE public_id = ?"

int store_forum_thread_state(const char *pid, int for_update,
	struct store_forum_state *out)
{
	static const char plain[] = STATE_SQL;
	static const char locking[] = STATE_SQL " FOR UPDATE";
	struct arena *a;
	int rc;

	if (pid == NULL || !validate_uuid(pid))
		return DF_ENOTFOUND;
	a = arena_new(4096);
	if (a == NULL)
		return DF_ENOMEM;
	rc = store_get(a, for_update ? locking : plain, DBP(DB_STR(pid)),
		state_from_row, out);
	arena_free(a);
	return rc;
}

/* --- categories ---------------------------------------------------- */

/* A thread is listed only while its first post is not hidden by flags
 * (Discourse unlists such a topic): a lookup of that post by primary
 * key, rows of hidden first posts being few. */
#define FIRST_SHOWN_EXPR " NOT EXISTS (SELECT 1 FROM forum_posts fp" \
	" WHERE fp.id = t.first_post_id AND fp.hidden_at IS NOT NULL)"
#define FIRST_SHOWN " AND" FIRST_SHOWN_EXPR

static void category_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_forum_category *o = out;

	o->slug = db_str(res, row, 0);
	o->name = db_str(res, row, 1);
	o->description = db_str(res, row, 2);
	o->threads = db_int(res, row, 3, 0);
}

int store_forum_categories(struct arena *a,
	struct store_forum_category **out, size_t *n)
{
	static const char sql[] = "SELECT c.slug, c.name, c.description,"
		" (SELECT COUNT(*) FROM forum_threads t WHERE t.category_id = c.id"
		"  AND t.deleted = 0" FIRST_SHOWN ") FROM forum_categories c"
		" ORDER BY c.position, c.id";
	void *rows;
	int rc;

	rc = store_rows(a, sql, NULL, 0, sizeof(**out), category_from_row,
		&rows, n);
	*out = rows;
	return rc;
}

/* --- threads ------------------------------------------------------- */

#define THREAD_COLUMNS \
	"t.id, t.public_id, c.slug, t.title, t.tags, LEFT(t.body_text, 200)," \
	" t.author_id, u.username, u.display_name, " TRUST("u", "s") "," \
	" t.score, t.votes_up, t.votes_down, t.replies, ap.public_id," \
	" t.locked, t.pinned, t.deleted, " TS("t.created_at") "," \
	" " TS("t.last_post_at") ", " US("t.created_at") "," \
	" " US("t.last_post_at")
#define THREAD_FROM \
	" FROM forum_threads t JOIN forum_categories c ON c.id = t.category_id" \
	" JOIN users u ON u.id = t.author_id" \
	" LEFT JOIN forum_user_stats s ON s.user_id = t.author_id" \
	" LEFT JOIN forum_posts ap ON ap.id = t.accepted_post_id"

static void thread_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_forum_thread *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->category = db_str(res, row, 2);
	o->title = db_str(res, row, 3);
	o->tags = db_str(res, row, 4);
	o->excerpt = db_str(res, row, 5);
	o->author_id = db_int(res, row, 6, 0);
	o->author.username = db_str(res, row, 7);
	o->author.display_name = db_str(res, row, 8);
	o->author.trust_level = db_int(res, row, 9, 0);
	o->score = db_int(res, row, 10, 0);
	o->votes_up = db_int(res, row, 11, 0);
	o->votes_down = db_int(res, row, 12, 0);
	o->replies = db_int(res, row, 13, 0);
	o->accepted_post_id = db_str(res, row, 14);
	o->locked = db_int(res, row, 15, 0) != 0;
	o->pinned = db_int(res, row, 16, 0) != 0;
	o->deleted = db_int(res, row, 17, 0) != 0;
	o->created_at = db_str(res, row, 18);
	o->last_post_at = db_str(res, row, 19);
	o->created_us = db_int(res, row, 20, 0);
	o->last_post_us = db_int(res, row, 21, 0);
	o->relevance = db_int(res, row, 22, 0);
	o->upto = db_int(res, row, 23, 0);
}

int store_forum_thread_get(struct arena *a, const char *pid,
	struct store_forum_thread *out)
{
	static const char sql[] = "SELECT " THREAD_COLUMNS ", 0, 0"
		THREAD_FROM " WHERE t.public_id = ?";

	if (pid == NULL || !validate_uuid(pid))
		return DF_ENOTFOUND;
	return store_get(a, sql, DBP(DB_STR(pid)), thread_from_row, out);
}

/* The lists. Each statement is built from fixed fragments for what a
 * list actually has, as store/tickets.c builds its queues (only
 * bound parameters carry values): the category as its id, the tag's EXISTS
 * only with a tag, the cursor only after the first page and the hidden
 * first posts' test only for callers who may not see them. Written as
 * "? IS NULL OR c.slug = ?" and "? = 0 OR <cursor>", MariaDB could not
 * tell which held, read every thread (with its excerpt) into a
 * temporary table and sorted it; now it walks the sort's index
 * (idx_forum_threads_latest / _cat_latest / _top / _unanswered) from the
 * cursor on and stops after limit + 1 listed rows. */
#define LF_CATEGORY 1u
#define LF_TAG 2u
#define LF_HIDE 4u            /* first posts hidden by flags left out */
#define LF_HIDE_BUT_OWN 8u    /* ... but the viewer's own */
#define LF_AFTER 16u          /* not the first page */
#define LF_UPTO 32u           /* search: ids up to the first page's top */
#define LF__COMBOS 64u
#define LIST_SQL_MAX 4096

enum list_kind { LK_LATEST, LK_TOP, LK_UNANSWERED, LK_SEARCH, LK__MAX };

/* The statement texts live for the process: the database layer caches
 * prepared statements by the text's address (an arena's text could come
 * back at the same address with other clauses). Built on first use. */
static char *list_sql[LK__MAX][LF__COMBOS];

/* The filters every list shares, in this parameter order: category,
 * tag, viewer. */
static int filters_add(char *buf, size_t *len, unsigned flags)
{
	int rc = 0;

	if (flags & LF_CATEGORY)
		rc |= store_sql_add(buf, LIST_SQL_MAX, len, " AND t.category_id = (SELECT id FROM"
			" forum_categories WHERE slug = ?)");
	if (flags & LF_TAG)
		rc |= store_sql_add(buf, LIST_SQL_MAX, len, " AND EXISTS (SELECT 1 FROM"
			" forum_thread_tags g WHERE g.thread_id = t.id"
			" AND g.tag = ?)");
	if (flags & LF_HIDE_BUT_OWN)
		rc |= store_sql_add(buf, LIST_SQL_MAX, len, " AND (t.author_id = ? OR"
			FIRST_SHOWN_EXPR ")");
	else if (flags & LF_HIDE)
		rc |= store_sql_add(buf, LIST_SQL_MAX, len, FIRST_SHOWN);
	return rc;
}

/* Relevance made stable for paging, as the knowledge base's search
 * (store/kb.c) does it: the FULLTEXT relevance divided by the best of
 * the same search (InnoDB's raw relevance moves with the corpus, the
 * ratio does not), rounded and kept as an integer so the cursor
 * compares what ORDER BY sorts on, and ids above the first page's
 * highest (upto) left out, so threads written meanwhile cannot shift a
 * paged search. A solved thread gets STORE_FORUM_SOLVED_BONUS: an
 * accepted answer is what a searcher most likely wants. Parameters:
 * upto, q, q, q, the filters, upto (LF_UPTO), the cursor's k, k, id
 * (LF_AFTER), limit. */
static int search_build(char *buf, size_t *len, unsigned flags)
{
	int rc = 0;

	rc |= store_sql_add(buf, LIST_SQL_MAX, len, "SELECT " THREAD_COLUMNS ", r.k, r.top"
		" FROM ("
		" SELECT x.id, x.k, x.top FROM ("
		"  SELECT w.id, w.th * 10000 + CAST(ROUND(IF(w.mx > 0,"
		"   w.rel / w.mx, 0) * 10000) AS SIGNED) + w.solved * 5000 AS k,"
		"   w.top FROM ("
		"   SELECT m.id, m.th, m.rel, m.solved, MAX(m.rel) OVER () AS mx,"
		"    COALESCE(NULLIF(?, 0), MAX(m.id) OVER ()) AS top FROM ("
		"    SELECT t.id,"
		"     (MATCH (t.title) AGAINST (?" NL_MODE " > 0) AS th,"
		"     MATCH (t.title, t.body_text) AGAINST (?" NL_MODE " AS rel,"
		"     (t.accepted_post_id IS NOT NULL) AS solved"
		"    FROM forum_threads t"
		"    WHERE MATCH (t.title, t.body_text) AGAINST (?" NL_MODE " > 0"
		" AND t.deleted = 0");
	rc |= filters_add(buf, len, flags);
	if (flags & LF_UPTO)
		rc |= store_sql_add(buf, LIST_SQL_MAX, len, " AND t.id <= ?");
	rc |= store_sql_add(buf, LIST_SQL_MAX, len, "   ) m  ) w ) x");
	if (flags & LF_AFTER)
		rc |= store_sql_add(buf, LIST_SQL_MAX, len, " WHERE x.k < ? OR (x.k = ? AND x.id < ?)");
	rc |= store_sql_add(buf, LIST_SQL_MAX, len,
		" ORDER BY x.k DESC, x.id DESC LIMIT ?"
		") r JOIN forum_threads t ON t.id = r.id"
		" JOIN forum_categories c ON c.id = t.category_id"
		" JOIN users u ON u.id = t.author_id"
		" LEFT JOIN forum_user_stats s ON s.user_id = t.author_id"
		" LEFT JOIN forum_posts ap ON ap.id = t.accepted_post_id"
		" ORDER BY r.k DESC, r.id DESC");
	return rc;
}

/* Parameters: the filters, the cursor (LF_AFTER: latest pinned, pinned,
 * key, key, id; top key, key, id; unanswered key, key, id), limit. The
 * cursor is "before (key, id)" spelt out as ranges of the sort's index,
 * which MariaDB reads from the cursor on. */
static const char *list_build(enum list_kind k, unsigned flags)
{
	char buf[LIST_SQL_MAX];
	size_t len = 0;
	int rc = 0;

	if (list_sql[k][flags] != NULL)
		return list_sql[k][flags];
	buf[0] = '\0';
	if (k == LK_SEARCH) {
		rc = search_build(buf, &len, flags);
		goto done;
	}
	if (flags & LF_TAG) {
		/* A tag's threads may be few: the optimizer may start from
		 * the tag's index rows and sort them. */
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, "SELECT " THREAD_COLUMNS ", 0, 0"
			THREAD_FROM " WHERE t.deleted = 0");
	} else {
		/* Left alone, MariaDB starts from the five categories and
		 * sorts every thread; t first, along the sort's index. */
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, "SELECT " THREAD_COLUMNS ", 0, 0"
			" FROM forum_threads t FORCE INDEX (");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, k == LK_TOP ? "idx_forum_threads_top" :
			k == LK_UNANSWERED ? "idx_forum_threads_unanswered" :
			(flags & LF_CATEGORY) ? "idx_forum_threads_cat_latest" :
			"idx_forum_threads_latest");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, ") STRAIGHT_JOIN forum_categories c"
			" ON c.id = t.category_id STRAIGHT_JOIN users u"
			" ON u.id = t.author_id LEFT JOIN forum_user_stats s"
			" ON s.user_id = t.author_id LEFT JOIN forum_posts ap"
			" ON ap.id = t.accepted_post_id WHERE t.deleted = 0");
	}
	if (k == LK_UNANSWERED)
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND t.replies = 0");
	rc |= filters_add(buf, &len, flags);
	switch (k) {
	case LK_TOP:
		if (flags & LF_AFTER)
			rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND (t.score < ? OR"
				" (t.score = ? AND t.id < ?))");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " ORDER BY t.score DESC, t.id DESC");
		break;
	case LK_UNANSWERED:
		if (flags & LF_AFTER)
			rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND (t.created_at < " FROM_US
				" OR (t.created_at = " FROM_US " AND t.id < ?))");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len,
			" ORDER BY t.created_at DESC, t.id DESC");
		break;
	default:
		if (flags & LF_AFTER)
			rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND (t.pinned < ? OR"
				" (t.pinned = ? AND (t.last_post_at < " FROM_US
				" OR (t.last_post_at = " FROM_US
				" AND t.id < ?))))");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " ORDER BY t.pinned DESC,"
			" t.last_post_at DESC, t.id DESC");
		break;
	}
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " LIMIT ?");
done:
	if (rc != 0)
		return NULL;
	list_sql[k][flags] = strdup(buf);
	return list_sql[k][flags];
}

#define LIST_PARAMS_MAX 12

int store_forum_list(struct arena *a, const struct store_forum_filter *f,
	struct store_forum_thread **out, size_t *n)
{
	struct db_param p[LIST_PARAMS_MAX];
	enum list_kind k;
	unsigned flags = 0;
	size_t np = 0;
	const char *sql;
	void *rows;
	int rc;

	if (f->q != NULL)
		k = LK_SEARCH;
	else if (f->sort == STORE_FORUM_TOP)
		k = LK_TOP;
	else if (f->sort == STORE_FORUM_UNANSWERED)
		k = LK_UNANSWERED;
	else
		k = LK_LATEST;
	if (k == LK_SEARCH) {
		p[np++] = DB_INT(f->upto);
		p[np++] = DB_STR(f->q);
		p[np++] = DB_STR(f->q);
		p[np++] = DB_STR(f->q);
	}
	if (f->category != NULL) {
		flags |= LF_CATEGORY;
		p[np++] = DB_STR(f->category);
	}
	if (f->tag != NULL) {
		flags |= LF_TAG;
		p[np++] = DB_STR(f->tag);
	}
	if (f->all_hidden) {
		/* a moderator sees every thread */
	} else if (f->viewer != 0) {
		flags |= LF_HIDE_BUT_OWN;
		p[np++] = DB_INT(f->viewer);
	} else {
		flags |= LF_HIDE;
	}
	if (k == LK_SEARCH && f->upto != 0) {
		flags |= LF_UPTO;
		p[np++] = DB_INT(f->upto);
	}
	if (f->after_id != 0) {
		flags |= LF_AFTER;
		if (k == LK_LATEST) {
			p[np++] = DB_INT(f->after_pinned);
			p[np++] = DB_INT(f->after_pinned);
		}
		p[np++] = DB_INT(f->after_key);
		p[np++] = DB_INT(f->after_key);
		p[np++] = DB_INT(f->after_id);
	}
	p[np++] = DB_INT(f->limit + 1);
	sql = list_build(k, flags);
	if (sql == NULL)
		return DF_ENOMEM;
	rc = store_rows(a, sql, p, np, sizeof(**out), thread_from_row,
		&rows, n);
	*out = rows;
	return rc;
}

/* --- posts --------------------------------------------------------- */

#define POST_COLUMNS \
	"p.id, p.public_id, t.public_id, p.author_id, u.username," \
	" u.display_name, " TRUST("u", "s") ", p.body," \
	" p.hidden_at IS NOT NULL, COALESCE(t.accepted_post_id = p.id, 0)," \
	" p.is_first, p.deleted, p.revision, " TS("p.created_at") "," \
	" " TS("p.updated_at") ", " TS("p.edited_at")
#define POST_FROM \
	" FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id" \
	" JOIN users u ON u.id = p.author_id" \
	" LEFT JOIN forum_user_stats s ON s.user_id = p.author_id"

static void post_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_forum_post *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	db_str_copy(res, row, 2, o->thread_id, sizeof(o->thread_id));
	o->author_id = db_int(res, row, 3, 0);
	o->author.username = db_str(res, row, 4);
	o->author.display_name = db_str(res, row, 5);
	o->author.trust_level = db_int(res, row, 6, 0);
	o->body = db_str(res, row, 7);
	o->hidden = db_int(res, row, 8, 0) != 0;
	o->accepted = db_int(res, row, 9, 0) != 0;
	o->first = db_int(res, row, 10, 0) != 0;
	o->deleted = db_int(res, row, 11, 0) != 0;
	o->revision = db_int(res, row, 12, 1);
	o->created_at = db_str(res, row, 13);
	o->updated_at = db_str(res, row, 14);
	o->edited_at = db_str(res, row, 15);
}

int store_forum_posts(struct arena *a, int64_t thread_id, int with_deleted,
	int64_t after_id, int64_t limit, struct store_forum_post **out,
	size_t *n)
{
	static const char sql[] = "SELECT " POST_COLUMNS POST_FROM
		" WHERE p.thread_id = ? AND (p.deleted = 0 OR ? = 1)"
		" AND p.id > ? ORDER BY p.id LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(thread_id),
		DB_INT(with_deleted ? 1 : 0), DB_INT(after_id),
		DB_INT(limit + 1)), sizeof(**out), post_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_forum_post_get(struct arena *a, const char *pid,
	struct store_forum_post *out)
{
	static const char sql[] = "SELECT " POST_COLUMNS POST_FROM
		" WHERE p.public_id = ?";

	if (pid == NULL || !validate_uuid(pid))
		return DF_ENOTFOUND;
	return store_get(a, sql, DBP(DB_STR(pid)), post_from_row, out);
}

/* --- writes -------------------------------------------------------- */

static int64_t input_us(const struct store_forum_input *in)
{
	return in->now_us > 0 ? in->now_us : (int64_t)in->now * 1000000;
}

static int insert_post(struct arena *a, int64_t thread_id,
	const struct store_forum_input *in, int first, char pid[37],
	int64_t *post_id)
{
	static const char sql[] =
		"INSERT INTO forum_posts (public_id, thread_id, author_id,"
		" is_first, body, body_text, body_hash, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, " FROM_US ", " FROM_US ")";
	unsigned char hash[32];
	uint64_t id = 0;
	int rc;

	rc = store_forum_body_hash(a, in->body, hash);
	if (rc == 0)
		rc = crypto_uuid4(pid);
	if (rc == 0)
		rc = db_exec(sql, DBP(DB_STR(pid), DB_INT(thread_id),
			DB_INT(in->author_id), DB_INT(first), DB_STR(in->body),
			DB_STR(in->body_text), DB_BLOB(hash, sizeof(hash)),
			DB_INT(input_us(in)), DB_INT(input_us(in))), NULL, &id);
	*post_id = (int64_t)id;
	return rc;
}

int store_forum_thread_create(struct arena *a,
	const struct store_forum_input *in, struct store_forum_thread *out)
{
	static const char cat[] = "SELECT id FROM forum_categories"
		" WHERE slug = ?";
	static const char ins[] =
		"INSERT INTO forum_threads (public_id, category_id, author_id,"
		" title, body_text, tags, last_post_at, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, " FROM_US ", " FROM_US ", "
		FROM_US ")";
	static const char first[] = "UPDATE forum_threads SET first_post_id = ?"
		" WHERE id = ?";
	static const char del[] = "DELETE FROM forum_thread_tags"
		" WHERE thread_id = ?";
	static const char tag[] = "INSERT IGNORE INTO forum_thread_tags"
		" (thread_id, tag) VALUES (?, ?)";
	const char *tags = store_tags_join(a, in->tags, in->ntags);
	char pid[37], post_pid[37];
	struct db_result res;
	uint64_t id = 0;
	int64_t post_id = 0;
	int rc;

	if (tags == NULL)
		return DF_ENOMEM;
	rc = store_tx_begin_new(pid);
	if (rc != 0)
		return rc;
	rc = store_one(a, cat, DBP(DB_STR(in->category)), &res);
	if (rc == DF_ENOTFOUND)
		rc = DF_EINVAL;
	if (rc == 0)
		rc = db_exec(ins, DBP(DB_STR(pid), DB_INT(db_int(&res, 0, 0, 0)),
			DB_INT(in->author_id), DB_STR(in->title),
			DB_STR(in->body_text), DB_STR(tags), DB_INT(input_us(in)),
			DB_INT(input_us(in)), DB_INT(input_us(in))), NULL, &id);
	if (rc == 0)
		rc = insert_post(a, (int64_t)id, in, 1, post_pid, &post_id);
	if (rc == 0)
		rc = db_exec(first, DBP(DB_INT(post_id), DB_INT(id)), NULL,
			NULL);
	if (rc == 0)
		rc = store_tags_replace(del, tag, (int64_t)id, in->tags,
			in->ntags);
	if (rc == 0)
		rc = store_forum_thread_get(a, pid, out);
	return store_tx_end(rc);
}

int store_forum_reply(struct arena *a, const char *pid,
	const struct store_forum_input *in, int may_locked,
	struct store_forum_post *out)
{
	static const char upd[] = "UPDATE forum_threads SET"
		" replies = replies + 1, last_post_at = " FROM_US ","
		" updated_at = " FROM_US " WHERE id = ?";
	struct store_forum_state st;
	char post_pid[37];
	int64_t post_id = 0;
	int rc;

	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_forum_thread_state(pid, 1, &st);
	if (rc == 0 && st.deleted)
		rc = DF_ENOTFOUND;
	if (rc == 0 && st.locked && !may_locked)
		rc = DF_ECONFLICT;
	if (rc == 0)
		rc = insert_post(a, st.id, in, 0, post_pid, &post_id);
	if (rc == 0)
		rc = db_exec(upd, DBP(DB_INT(input_us(in)),
			DB_INT(input_us(in)), DB_INT(st.id)), NULL, NULL);
	if (rc == 0)
		rc = store_forum_post_get(a, post_pid, out);
	return store_tx_end(rc);
}

int store_forum_set(int64_t thread_id, enum store_forum_flag what, int value,
	time_t now, int *changed)
{
	static const char lock[] = "UPDATE forum_threads SET locked = ?,"
		" updated_at = " FROM_UNIX " WHERE id = ? AND deleted = 0"
		" AND locked <> ?";
	static const char pin[] = "UPDATE forum_threads SET pinned = ?,"
		" updated_at = " FROM_UNIX " WHERE id = ? AND deleted = 0"
		" AND pinned <> ?";
	uint64_t n = 0;
	int rc;

	value = value ? 1 : 0;
	rc = db_exec(what == STORE_FORUM_LOCKED ? lock : pin,
		DBP(DB_INT(value), DB_INT(now), DB_INT(thread_id),
		DB_INT(value)), &n, NULL);
	*changed = rc == 0 && n > 0;
	return rc;
}

int store_forum_own_hidden(int64_t user_id, int *yes)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1"
		" FROM forum_threads t JOIN forum_posts fp"
		" ON fp.id = t.first_post_id WHERE t.author_id = ?"
		" AND t.deleted = 0 AND fp.hidden_at IS NOT NULL)";
	struct db_result res;
	struct arena *a;
	int rc;

	*yes = 0;
	if (user_id <= 0)
		return 0;
	a = arena_new(1024);
	if (a == NULL)
		return DF_ENOMEM;
	rc = store_one(a, sql, DBP(DB_INT(user_id)), &res);
	if (rc == 0)
		*yes = db_int(&res, 0, 0, 0) != 0;
	arena_free(a);
	return rc;
}

static void id_from_row(const struct db_result *res, size_t row, void *out)
{
	*(int64_t *)out = db_int(res, row, 0, 0);
}

int store_forum_hidden_authors(struct arena *a, size_t max, int64_t **ids,
	size_t *n)
{
	/* From the few hidden posts (idx_forum_posts_hidden) to their
	 * threads by primary key, whatever the statistics say. */
	static const char sql[] = "SELECT DISTINCT t.author_id"
		" FROM forum_posts fp STRAIGHT_JOIN forum_threads t"
		" ON t.id = fp.thread_id WHERE fp.hidden_at IS NOT NULL"
		" AND fp.is_first = 1 AND t.deleted = 0"
		" ORDER BY t.author_id LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT((int64_t)max + 1)), sizeof(**ids),
		id_from_row, &rows, n);
	*ids = rows;
	return rc;
}

int store_forum_my_vote(int64_t thread_id, int64_t user_id, int64_t *value)
{
	static const char sql[] = "SELECT value FROM forum_votes"
		" WHERE thread_id = ? AND user_id = ?";

	*value = 0;
	if (user_id <= 0)
		return 0;
	/* No vote: no row, 0. */
	return store_number_of(sql, DBP(DB_INT(thread_id), DB_INT(user_id)),
		value);
}
