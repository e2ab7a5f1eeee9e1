/* SQL for the support assistant (see assist.h). */
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/assist.h"
#include "store/tx.h"

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
#define FROM_UNIX "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"
#define BOOL_MODE " IN BOOLEAN MODE)"

static void hit_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_assist_hit *o = out;
	const char *rel;

	memset(o, 0, sizeof(*o));
	db_str_copy(res, row, 0, o->kind, sizeof(o->kind));
	o->source_id = db_int(res, row, 1, 0);
	db_str_copy(res, row, 2, o->ref, sizeof(o->ref));
	o->title = db_str(res, row, 3);
	o->text = db_str(res, row, 4);
	rel = db_str(res, row, 5);
	o->rel = rel != NULL ? strtod(rel, NULL) : 0.0;
}

/* One FULLTEXT lookup over (title, text) ranks the passages, each
 * joined to its source (the ref, and a second look at whether it is
 * still quotable: the index lags a write by one answer at most, and a
 * source that just went away must neither be cited nor take one of the
 * max places from a quotable passage). */
int store_assist_search(struct arena *a, const char *q, size_t max,
	struct store_assist_hit **out, size_t *n)
{
	static const char sql[] =
		"SELECT p.kind, p.source_id, COALESCE(k.slug, t.public_id),"
		" p.title, p.text,"
		" MATCH (p.title, p.text) AGAINST (?" BOOL_MODE " AS rel"
		" FROM assistant_passages p"
		" LEFT JOIN kb_articles k ON p.kind = 'kb' AND k.id = p.source_id"
		"  AND k.status = 'published'"
		" LEFT JOIN forum_threads t ON p.kind = 'forum'"
		"  AND t.id = p.source_id AND t.deleted = 0"
		"  AND t.accepted_post_id IS NOT NULL"
		/* Its question and its answer both still shown: each post by
		 * its primary key (an IN over the two columns would read the
		 * whole posts table for every forum passage). */
		" LEFT JOIN forum_posts fq ON fq.id = t.first_post_id"
		"  AND fq.deleted = 0 AND fq.hidden_at IS NULL"
		" LEFT JOIN forum_posts fa ON fa.id = t.accepted_post_id"
		"  AND fa.deleted = 0 AND fa.hidden_at IS NULL"
		" WHERE MATCH (p.title, p.text) AGAINST (?" BOOL_MODE " > 0"
		"  AND (k.id IS NOT NULL OR (fq.id IS NOT NULL"
		"  AND fa.id IS NOT NULL))"
		" ORDER BY rel DESC, p.id LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_STR(q), DB_STR(q),
		DB_INT((int64_t)max)), sizeof(**out), hit_from_row, &rows, n);
	*out = rows;
	return rc;
}

#define CONV_COLUMNS "id, public_id, COALESCE(user_id, 0), status," \
	" messages, COALESCE(ticket_id, 0), " TS("created_at") "," \
	" " TS("updated_at") ", " TS("ended_at")

static void conv_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_assist_conv *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->user_id = db_int(res, row, 2, 0);
	db_str_copy(res, row, 3, o->status, sizeof(o->status));
	o->messages = db_int(res, row, 4, 0);
	o->ticket_id = db_int(res, row, 5, 0);
	o->created_at = db_str(res, row, 6);
	o->updated_at = db_str(res, row, 7);
	o->ended_at = db_str(res, row, 8);
}

int store_assist_conv_get(struct arena *a, const char *pid,
	struct store_assist_conv *out)
{
	static const char sql[] = "SELECT " CONV_COLUMNS
		" FROM assistant_conversations WHERE public_id = ?";

	return store_get(a, sql, DBP(DB_STR(pid)), conv_from_row, out);
}

int store_assist_conv_lock(struct arena *a, const char *pid,
	struct store_assist_conv *out)
{
	static const char sql[] = "SELECT " CONV_COLUMNS
		" FROM assistant_conversations WHERE public_id = ? FOR UPDATE";

	return store_get(a, sql, DBP(DB_STR(pid)), conv_from_row, out);
}

int store_assist_append(struct arena *a, const char *pid, int64_t user_id,
	const struct store_assist_turn *t, time_t now, char new_pid[37])
{
	static const char lock[] =
		"SELECT id, status = 'open', messages FROM assistant_conversations"
		" WHERE public_id = ? FOR UPDATE";
	static const char create[] =
		"INSERT INTO assistant_conversations (public_id, user_id,"
		" messages, created_at, updated_at) VALUES (?, NULLIF(?, 0), 2, "
		FROM_UNIX ", " FROM_UNIX ")";
	static const char msgs[] =
		"INSERT INTO assistant_messages (conversation_id, ord, role,"
		" text, sources, confidence, mode, created_at) VALUES"
		" (?, ?, 'user', ?, NULL, NULL, NULL, " FROM_UNIX "),"
		" (?, ?, 'assistant', ?, ?, ?, ?, " FROM_UNIX ")";
	static const char bump[] =
		"UPDATE assistant_conversations SET messages = messages + 2,"
		" updated_at = " FROM_UNIX " WHERE id = ?";
	struct db_result res;
	uint64_t id = 0;
	int64_t ord = 0;
	int rc;

	if (pid == NULL) {
		rc = store_tx_begin_new(new_pid);
		if (rc != 0)
			return rc;
		rc = db_exec(create, DBP(DB_STR(new_pid), DB_INT(user_id),
			DB_INT(now), DB_INT(now)), NULL, &id);
	} else {
		rc = db_begin();
		if (rc != 0)
			return rc;
		rc = store_one(a, lock, DBP(DB_STR(pid)), &res);
		if (rc == 0 && db_int(&res, 0, 1, 0) != 1)
			rc = DF_ECONFLICT;
		if (rc == 0) {
			id = (uint64_t)db_int(&res, 0, 0, 0);
			ord = db_int(&res, 0, 2, 0);
		}
	}
	if (rc == 0)
		rc = db_exec(msgs, DBP(DB_INT(id), DB_INT(ord + 1),
			DB_STR(t->question), DB_INT(now), DB_INT(id),
			DB_INT(ord + 2), DB_STR(t->reply), DB_STR(t->sources_json),
			DB_DOUBLE((double)t->confidence), DB_STR(t->mode),
			DB_INT(now)), NULL, NULL);
	/* A new one was created with its count (one statement less). */
	if (rc == 0 && pid != NULL)
		rc = db_exec(bump, DBP(DB_INT(now), DB_INT(id)), NULL, NULL);
	return store_tx_end(rc);
}

static void msg_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_assist_msg *o = out;
	const char *c;

	memset(o, 0, sizeof(*o));
	o->ord = db_int(res, row, 0, 0);
	o->role = db_str(res, row, 1);
	o->text = db_str(res, row, 2);
	o->sources_json = db_str(res, row, 3);
	c = db_str(res, row, 4);
	o->has_confidence = c != NULL;
	o->confidence = c != NULL ? strtod(c, NULL) : 0.0;
	o->mode = db_str(res, row, 5);
	o->created_at = db_str(res, row, 6);
}

int store_assist_messages(struct arena *a, int64_t conv_id,
	struct store_assist_msg **out, size_t *n)
{
	static const char sql[] =
		"SELECT ord, role, text, sources, confidence, mode, "
		TS("created_at") " FROM assistant_messages"
		" WHERE conversation_id = ? ORDER BY ord";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(conv_id)), sizeof(**out),
		msg_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_assist_escalated(int64_t conv_id, int64_t ticket_id,
	int64_t user_id, time_t now)
{
	static const char sql[] =
		"UPDATE assistant_conversations SET status = 'escalated',"
		" ticket_id = ?, user_id = COALESCE(user_id, NULLIF(?, 0)),"
		" ended_at = " FROM_UNIX ", updated_at = " FROM_UNIX
		" WHERE id = ? AND status = 'open'";

	return store_exec_one(sql, DBP(DB_INT(ticket_id), DB_INT(user_id),
		DB_INT(now), DB_INT(now), DB_INT(conv_id)), DF_ECONFLICT);
}
