/* SQL for reviews. Each change locks the extension row, changes the
 * review, and recomputes the aggregate from the reviews themselves in the
 * same transaction: recomputing (rather than adding deltas) keeps the
 * numbers right by construction, and the lock serialises writers of one
 * extension so two reviews at once cannot both read an old sum. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/reviews.h"
#include "store/tx.h"

#define REV_COLUMNS \
	"r.id, r.public_id, r.extension_id, r.rating, r.title, r.body," \
	" DATE_FORMAT(r.created_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(r.updated_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" u.username, u.display_name"
#define REV_FROM " FROM extension_reviews r JOIN users u ON u.id = r.user_id"

static void rev_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_review *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->extension_id = db_int(res, row, 2, 0);
	o->rating = db_int(res, row, 3, 0);
	o->title = db_str(res, row, 4);
	o->body = db_str(res, row, 5);
	o->created_at = db_str(res, row, 6);
	o->updated_at = db_str(res, row, 7);
	o->username = db_str(res, row, 8);
	o->display_name = db_str(res, row, 9);
}

int store_rev_list(struct arena *a, int64_t extension_id, int64_t before,
	int64_t limit, struct store_review **out, size_t *n)
{
	/* Newest first by row id: a replaced review keeps its place, so
	 * pages stay stable while reviews are edited. */
	static const char sql[] = "SELECT " REV_COLUMNS REV_FROM
		" WHERE r.extension_id = ? AND (? = 0 OR r.id < ?)"
		" ORDER BY r.id DESC LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(extension_id), DB_INT(before),
		DB_INT(before), DB_INT(limit + 1)), sizeof(**out), rev_from_row,
		&rows, n);
	*out = rows;
	return rc;
}

static int lock_extension(struct arena *a, int64_t extension_id)
{
	static const char sql[] =
		"SELECT id FROM extensions WHERE id = ? FOR UPDATE";
	struct db_result res;

	return store_one(a, sql, DBP(DB_INT(extension_id)), &res);
}

static int recompute(int64_t extension_id)
{
	static const char sql[] =
		"UPDATE extensions e JOIN (SELECT COUNT(*) AS n,"
		"  COALESCE(SUM(rating), 0) AS s FROM extension_reviews"
		"  WHERE extension_id = ?) r"
		" SET e.rating_count = r.n, e.rating_sum = r.s,"
		" e.rating_avg = IF(r.n = 0, 0, ROUND(r.s / r.n, 2))"
		" WHERE e.id = ?";

	return db_exec(sql, DBP(DB_INT(extension_id), DB_INT(extension_id)),
		NULL, NULL);
}

int store_rev_put(struct arena *a, int64_t extension_id, int64_t user_id,
	int64_t rating, const char *title, const char *body,
	struct store_review *out, int *created)
{
	static const char downloaded[] =
		"SELECT 1 FROM extension_downloads"
		" WHERE extension_id = ? AND user_id = ? LIMIT 1";
	static const char upsert[] =
		"INSERT INTO extension_reviews (public_id, extension_id, user_id,"
		" rating, title, body, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
		" ON DUPLICATE KEY UPDATE rating = VALUES(rating),"
		" title = VALUES(title), body = VALUES(body),"
		" updated_at = VALUES(updated_at)";
	static const char mine[] = "SELECT " REV_COLUMNS REV_FROM
		" WHERE r.extension_id = ? AND r.user_id = ?";
	struct db_result res;
	uint64_t affected = 0;
	char pid[37];
	int rc;

	*created = 0;
	rc = store_tx_begin_new(pid);
	if (rc != 0)
		return rc;
	rc = lock_extension(a, extension_id);
	if (rc == 0)
		rc = db_query(a, downloaded, DBP(DB_INT(extension_id),
			DB_INT(user_id)), &res);
	if (rc == 0 && res.nrows == 0)
		rc = DF_EFORBIDDEN;
	if (rc == 0)
		rc = db_exec(upsert, DBP(DB_STR(pid), DB_INT(extension_id),
			DB_INT(user_id), DB_INT(rating), DB_STR(title),
			DB_STR(body)), &affected, NULL);
	if (rc == 0)
		rc = recompute(extension_id);
	if (rc == 0)
		rc = db_query(a, mine, DBP(DB_INT(extension_id),
			DB_INT(user_id)), &res);
	if (rc == 0 && res.nrows != 1)
		rc = DF_EINTERNAL;
	if (rc == 0) {
		rev_from_row(&res, 0, out);
		/* MariaDB counts an insert as 1 affected row and an update
		 * of an existing row as 2. */
		*created = affected == 1;
	}
	return store_tx_end(rc);
}

int store_rev_delete_mine(struct arena *a, int64_t extension_id,
	int64_t user_id)
{
	static const char sql[] =
		"DELETE FROM extension_reviews WHERE extension_id = ? AND user_id = ?";
	uint64_t affected = 0;
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = lock_extension(a, extension_id);
	if (rc == 0)
		rc = db_exec(sql, DBP(DB_INT(extension_id), DB_INT(user_id)),
			&affected, NULL);
	if (rc == 0 && affected == 0)
		rc = DF_ENOTFOUND;
	if (rc == 0)
		rc = recompute(extension_id);
	return store_tx_end(rc);
}

int store_rev_delete(struct arena *a, const char *pid, int64_t *extension_id)
{
	static const char find[] =
		"SELECT extension_id FROM extension_reviews WHERE public_id = ?";
	static const char del[] =
		"DELETE FROM extension_reviews WHERE public_id = ?";
	struct db_result res;
	uint64_t affected = 0;
	int rc;

	rc = store_one(a, find, DBP(DB_STR(pid)), &res);
	if (rc != 0)
		return rc;
	*extension_id = db_int(&res, 0, 0, 0);
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = lock_extension(a, *extension_id);
	if (rc == 0)
		rc = db_exec(del, DBP(DB_STR(pid)), &affected, NULL);
	if (rc == 0 && affected == 0)
		rc = DF_ENOTFOUND;
	if (rc == 0)
		rc = recompute(*extension_id);
	return store_tx_end(rc);
}
