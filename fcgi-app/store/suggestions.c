/* SQL for ticket deflection (see suggestions.h). Solving locks the
 * suggestion row, so two "this solved it" at once record one. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/suggestions.h"
#include "store/tx.h"

#define FROM_UNIX "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"

int store_sugg_create(int64_t user_id, const char *subject,
	const struct store_sugg_item *items, size_t n, time_t now,
	char pid[37])
{
	static const char head[] =
		"INSERT INTO support_suggestions (public_id, user_id, subject,"
		" created_at) VALUES (?, NULLIF(?, 0), ?, " FROM_UNIX ")";
	static const char item[] =
		"INSERT INTO support_suggestion_items (suggestion_id, ord,"
		" article_id, thread_id, score)"
		" VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0), ?)";
	uint64_t id = 0;
	size_t i;
	int rc;

	rc = store_tx_begin_new(pid);
	if (rc != 0)
		return rc;
	rc = db_exec(head, DBP(DB_STR(pid), DB_INT(user_id), DB_STR(subject),
		DB_INT(now)), NULL, &id);
	for (i = 0; rc == 0 && i < n; i++)
		rc = db_exec(item, DBP(DB_INT(id), DB_INT(i + 1),
			DB_INT(items[i].article_id), DB_INT(items[i].thread_id),
			DB_DOUBLE(items[i].score)),
			NULL, NULL);
	return store_tx_end(rc);
}

int store_sugg_solve(struct arena *a, const char *pid, const char *slug,
	const char *thread, time_t now)
{
	static const char lock[] =
		"SELECT id, solved_at IS NOT NULL FROM support_suggestions"
		" WHERE public_id = ? FOR UPDATE";
	static const char offered[] =
		"SELECT i.article_id FROM support_suggestion_items i"
		" JOIN kb_articles k ON k.id = i.article_id"
		" WHERE i.suggestion_id = ? AND k.slug = ?";
	static const char offered_thread[] =
		"SELECT i.thread_id FROM support_suggestion_items i"
		" JOIN forum_threads t ON t.id = i.thread_id"
		" WHERE i.suggestion_id = ? AND t.public_id = ?";
	static const char solve[] =
		"UPDATE support_suggestions SET solved_at = " FROM_UNIX ","
		" solved_article_id = ? WHERE id = ?";
	static const char solve_thread[] =
		"UPDATE support_suggestions SET solved_at = " FROM_UNIX ","
		" solved_thread_id = ? WHERE id = ?";
	struct db_result res;
	int64_t id, item;
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = store_one(a, lock, DBP(DB_STR(pid)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	id = db_int(&res, 0, 0, 0);
	if (db_int(&res, 0, 1, 0) != 0)
		return store_tx_end(DF_ECONFLICT);
	rc = store_one(a, thread != NULL ? offered_thread : offered,
		DBP(DB_INT(id), DB_STR(thread != NULL ? thread : slug)), &res);
	if (rc == DF_ENOTFOUND)
		rc = DF_EINVAL;
	if (rc != 0)
		return store_tx_end(rc);
	item = db_int(&res, 0, 0, 0);
	rc = store_exec_one(thread != NULL ? solve_thread : solve,
		DBP(DB_INT(now), DB_INT(item), DB_INT(id)), DF_ENOTFOUND);
	return store_tx_end(rc);
}
