/* SQL for the assistant's indexer (see assist_index.h). */
#include <string.h>
#include "arena.h"
#include "assist_text.h"
#include "db.h"
#include "err.h"
#include "store/assist_dirty.h"
#include "store/assist_index.h"
#include "store/tx.h"

#define FROM_UNIX "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"

/* The title and plain text of a quotable source; DF_ENOTFOUND when it is
 * gone or no longer quotable. */
static int read_source(struct arena *a, const char *kind, int64_t id,
	struct db_result *res)
{
	static const char kb[] =
		"SELECT title, body_text FROM kb_articles"
		" WHERE id = ? AND status = 'published'";
	/* The question is quoted too (its title): a thread whose first post
	 * is hidden or deleted is no source either. */
	static const char forum[] =
		"SELECT t.title, p.body_text FROM forum_threads t"
		" JOIN forum_posts p ON p.id = t.accepted_post_id"
		" JOIN forum_posts fp ON fp.id = t.first_post_id"
		" WHERE t.id = ? AND t.deleted = 0 AND p.deleted = 0"
		" AND p.hidden_at IS NULL AND fp.deleted = 0"
		" AND fp.hidden_at IS NULL";

	return store_one(a, strcmp(kind, STORE_ASSIST_KB) == 0 ? kb : forum,
		DBP(DB_INT(id)), res);
}

static int rebuild(struct arena *a, const char *kind, int64_t id, time_t now,
	int *built)
{
	static const char hold[] =
		"SELECT 1 FROM assistant_dirty WHERE kind = ? AND source_id = ?"
		" FOR UPDATE SKIP LOCKED";
	static const char drop[] =
		"DELETE FROM assistant_passages WHERE kind = ? AND source_id = ?";
	static const char put[] =
		"INSERT INTO assistant_passages (kind, source_id, ord, title,"
		" text, created_at) VALUES (?, ?, ?, ?, ?, " FROM_UNIX ")";
	static const char unmark[] =
		"DELETE FROM assistant_dirty WHERE kind = ? AND source_id = ?";
	struct db_result res;
	char **parts = NULL;
	size_t n = 0, i;
	int rc;

	*built = 0;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_query(a, hold, DBP(DB_STR(kind), DB_INT(id)), &res);
	if (rc != 0 || res.nrows == 0)
		return store_tx_end(rc);     /* another worker holds it */
	rc = db_exec(drop, DBP(DB_STR(kind), DB_INT(id)), NULL, NULL);
	if (rc == 0) {
		rc = read_source(a, kind, id, &res);
		if (rc == 0) {
			rc = assist_text_split(a, db_str(&res, 0, 1), &parts, &n);
			for (i = 0; rc == 0 && i < n && i < 65535; i++)
				rc = db_exec(put, DBP(DB_STR(kind), DB_INT(id),
					DB_INT(i + 1), DB_STR(db_str(&res, 0, 0)),
					DB_STR(parts[i]), DB_INT(now)), NULL, NULL);
		} else if (rc == DF_ENOTFOUND) {
			rc = 0;              /* not quotable: no passages */
		}
	}
	if (rc == 0)
		rc = db_exec(unmark, DBP(DB_STR(kind), DB_INT(id)), NULL, NULL);
	if (rc == 0)
		*built = 1;
	return store_tx_end(rc);
}

int store_assist_reindex_dirty(struct arena *a, size_t max, time_t now,
	size_t *done)
{
	static const char sql[] =
		"SELECT kind, source_id FROM assistant_dirty"
		" ORDER BY marked_at LIMIT ?";
	struct db_result res;
	size_t i, count = 0;
	int built, rc;

	if (done != NULL)
		*done = 0;
	rc = db_query(a, sql, DBP(DB_INT((int64_t)max)), &res);
	for (i = 0; rc == 0 && i < res.nrows; i++) {
		rc = rebuild(a, db_str(&res, i, 0), db_int(&res, i, 1, 0), now,
			&built);
		count += (size_t)built;
	}
	if (done != NULL)
		*done = count;
	return rc;
}

int store_assist_mark_all(time_t now)
{
	static const char kb[] =
		"INSERT INTO assistant_dirty (kind, source_id, marked_at)"
		" SELECT 'kb', id, " FROM_UNIX " FROM kb_articles"
		" ON DUPLICATE KEY UPDATE marked_at = VALUES(marked_at)";
	static const char forum[] =
		"INSERT INTO assistant_dirty (kind, source_id, marked_at)"
		" SELECT 'forum', id, " FROM_UNIX " FROM forum_threads"
		" WHERE accepted_post_id IS NOT NULL"
		" ON DUPLICATE KEY UPDATE marked_at = VALUES(marked_at)";
	static const char have[] =
		"INSERT INTO assistant_dirty (kind, source_id, marked_at)"
		" SELECT DISTINCT kind, source_id, " FROM_UNIX
		" FROM assistant_passages"
		" ON DUPLICATE KEY UPDATE marked_at = VALUES(marked_at)";
	int rc;

	rc = db_exec(kb, DBP(DB_INT(now)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(forum, DBP(DB_INT(now)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(have, DBP(DB_INT(now)), NULL, NULL);
	return rc;
}
