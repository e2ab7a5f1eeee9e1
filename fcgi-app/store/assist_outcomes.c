/* SQL for how the assistant's conversations end (see
 * assist_outcomes.h). Times are bound as Unix seconds; the session's
 * time zone is UTC (core/db.c), so FROM_UNIXTIME is UTC. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/assist_outcomes.h"
#include "store/tx.h"

int store_assist_outcome_conv(struct arena *a, const char *public_id,
	struct store_assist_outcome *out)
{
	static const char sql_conv[] =
		"SELECT id, user_id, status FROM assistant_conversations"
		" WHERE public_id = ?";
	static const char sql_replies[] =
		"SELECT sources FROM assistant_messages"
		" WHERE conversation_id = ? AND role = 'assistant' ORDER BY ord";
	struct db_result res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_one(a, sql_conv, DBP(DB_STR(public_id)), &res);
	if (rc != 0)
		return rc;
	out->id = db_int(&res, 0, 0, 0);
	out->user_id = db_int(&res, 0, 1, 0);
	db_str_copy(&res, 0, 2, out->status, sizeof(out->status));
	rc = db_query(a, sql_replies, DBP(DB_INT(out->id)), &res);
	if (rc != 0)
		return rc;
	if (res.nrows == 0)
		return 0;
	out->sources = arena_calloc(a, res.nrows, sizeof(*out->sources));
	if (out->sources == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < res.nrows; i++)
		out->sources[i] = db_str(&res, i, 0);
	out->nreplies = res.nrows;
	return 0;
}

int store_assist_source_id(struct arena *a, const char *kind,
	const char *slug_or_id, int64_t *id)
{
	static const char sql_kb[] =
		"SELECT id FROM kb_articles WHERE slug = ?";
	static const char sql_forum[] =
		"SELECT id FROM forum_threads WHERE public_id = ?";
	struct db_result res;
	int rc;

	*id = 0;
	if (strcmp(kind, "kb") != 0 && strcmp(kind, "forum") != 0)
		return DF_ENOTFOUND;
	rc = store_one(a, strcmp(kind, "kb") == 0 ? sql_kb : sql_forum,
		DBP(DB_STR(slug_or_id)), &res);
	if (rc == 0)
		*id = db_int(&res, 0, 0, 0);
	return rc;
}

int store_assist_resolve(int64_t id, const char *kind, int64_t source_id,
	time_t now)
{
	/* The status test in the UPDATE decides a race: of two "solved"
	 * (or a "solved" and an escalation) one changes the row. */
	static const char sql[] =
		"UPDATE assistant_conversations SET status = 'self_served',"
		" resolved_kind = ?, resolved_source_id = ?,"
		" ended_at = FROM_UNIXTIME(?), updated_at = FROM_UNIXTIME(?)"
		" WHERE id = ? AND status = 'open'";

	return store_exec_one(sql, DBP(DB_STR(kind),
		kind != NULL ? DB_INT(source_id) : DB_NULL(), DB_INT(now),
		DB_INT(now), DB_INT(id)), DF_ECONFLICT);
}

int store_assist_abandon_batch(struct arena *a, time_t now,
	unsigned minutes, size_t max, size_t *n)
{
	static const char sql_idle[] =
		"SELECT id FROM assistant_conversations"
		" WHERE status = 'open' AND updated_at <= FROM_UNIXTIME(?)"
		" ORDER BY updated_at, id LIMIT ?"
		" FOR UPDATE SKIP LOCKED";
	/* updated_at stays the last message's time: abandonment is not
	 * activity. The status and idle tests again: a message that came
	 * in between keeps the conversation open. */
	static const char sql_end[] =
		"UPDATE assistant_conversations SET status = 'abandoned',"
		" ended_at = FROM_UNIXTIME(?)"
		" WHERE id = ? AND status = 'open'"
		" AND updated_at <= FROM_UNIXTIME(?)";
	time_t cut = now - (time_t)minutes * 60;
	struct db_result res;
	uint64_t affected;
	int rc;

	*n = 0;
	if (max == 0)
		return 0;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_query(a, sql_idle, DBP(DB_INT(cut), DB_INT(max)), &res);
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		affected = 0;
		rc = db_exec(sql_end, DBP(DB_INT(now),
			DB_INT(db_int(&res, i, 0, 0)), DB_INT(cut)), &affected,
			NULL);
		if (rc == 0 && affected == 1)
			(*n)++;
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		*n = 0;
	return rc;
}
