/* SQL for edits, deletes, votes and accepted answers of forum posts (see
 * forum_posts.h). Lock order everywhere: the thread row, then the post
 * row, so two writers of one thread queue instead of deadlocking. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/assist_dirty.h"
#include "store/forum_posts.h"
#include "store/tx.h"

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
/* Unix seconds to DATETIME by arithmetic (the session zone is UTC). */
#define FROM_UNIX "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"
/* DATETIME to Unix seconds without the session zone (NULL stays NULL). */
#define TO_UNIX(col) "TIMESTAMPDIFF(SECOND, TIMESTAMP'1970-01-01 00:00:00', " \
	col ")"

#define POST_SELECT \
	"SELECT p.id, p.public_id, p.thread_id, t.public_id, p.author_id," \
	" u.username, u.display_name, u.role, COALESCE(s.trust_level, 0)," \
	" p.is_first, p.body, p.revision, p.hidden_at IS NOT NULL," \
	" COALESCE(" TO_UNIX("p.hidden_until") ", 0), p.deleted," \
	" t.accepted_post_id <=> p.id, " TO_UNIX("p.created_at") "," \
	" " TS("p.created_at") ", " TS("p.updated_at") ", " TS("p.edited_at") "," \
	" t.author_id, t.deleted, t.locked, t.replies" \
	" FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id" \
	" JOIN users u ON u.id = p.author_id" \
	" LEFT JOIN forum_user_stats s ON s.user_id = p.author_id"

static void post_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_fpost *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->thread_id = db_int(res, row, 2, 0);
	db_str_copy(res, row, 3, o->thread_public_id,
		sizeof(o->thread_public_id));
	o->author_id = db_int(res, row, 4, 0);
	o->author_username = db_str(res, row, 5);
	o->author_display_name = db_str(res, row, 6);
	o->author_role = db_str(res, row, 7);
	o->author_trust = db_int(res, row, 8, 0);
	o->first = db_int(res, row, 9, 0) != 0;
	o->body = db_str(res, row, 10);
	o->revision = db_int(res, row, 11, 1);
	o->hidden = db_int(res, row, 12, 0) != 0;
	o->hidden_until = (time_t)db_int(res, row, 13, 0);
	o->deleted = db_int(res, row, 14, 0) != 0;
	o->accepted = db_int(res, row, 15, 0) != 0;
	o->created_unix = (time_t)db_int(res, row, 16, 0);
	o->created_at = db_str(res, row, 17);
	o->updated_at = db_str(res, row, 18);
	o->edited_at = db_str(res, row, 19);
	o->thread_author_id = db_int(res, row, 20, 0);
	o->thread_deleted = db_int(res, row, 21, 0) != 0;
	o->thread_locked = db_int(res, row, 22, 0) != 0;
	o->thread_replies = db_int(res, row, 23, 0);
}

int store_fpost_get(struct arena *a, const char *public_id,
	struct store_fpost *out)
{
	static const char sql[] = POST_SELECT " WHERE p.public_id = ?";

	return store_get(a, sql, DBP(DB_STR(public_id)), post_from_row, out);
}

static int post_by_id(struct arena *a, int64_t id, struct store_fpost *out)
{
	static const char sql[] = POST_SELECT " WHERE p.id = ?";

	return store_get(a, sql, DBP(DB_INT(id)), post_from_row, out);
}

/* Inside a transaction: takes the row locks of post_id's thread and of
 * the post (in that order) and reads the post as it now is. The thread
 * of a post never changes, so reading it unlocked first is safe. */
static int lock_post(struct arena *a, int64_t post_id,
	struct store_fpost *out)
{
	static const char thread_of[] =
		"SELECT thread_id FROM forum_posts WHERE id = ?";
	static const char lock_thread[] =
		"SELECT id FROM forum_threads WHERE id = ? FOR UPDATE";
	static const char lock_one[] =
		"SELECT id FROM forum_posts WHERE id = ? FOR UPDATE";
	struct db_result res;
	int64_t thread_id;
	int rc;

	rc = store_one(a, thread_of, DBP(DB_INT(post_id)), &res);
	if (rc != 0)
		return rc;
	thread_id = db_int(&res, 0, 0, 0);
	rc = store_one(a, lock_thread, DBP(DB_INT(thread_id)), &res);
	if (rc == 0)
		rc = store_one(a, lock_one, DBP(DB_INT(post_id)), &res);
	if (rc == 0)
		rc = post_by_id(a, post_id, out);
	return rc;
}

/* Begins the transaction of a change to post_id: its row locks taken
 * (lock_post) and *out read; a deleted post, or one of a deleted thread,
 * is DF_ENOTFOUND. On any failure the transaction is already ended. */
static int begin_on_post(struct arena *a, int64_t post_id,
	struct store_fpost *out)
{
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = lock_post(a, post_id, out);
	if (rc == 0 && (out->deleted || out->thread_deleted))
		rc = DF_ENOTFOUND;
	return rc != 0 ? store_tx_end(rc) : 0;
}

/* The thread's accepted answer, 0 when unsolved. */
static int accepted_of(struct arena *a, int64_t thread_id, int64_t *accepted)
{
	static const char sql[] = "SELECT COALESCE(accepted_post_id, 0)"
		" FROM forum_threads WHERE id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(thread_id)), &res);
	if (rc == 0)
		*accepted = db_int(&res, 0, 0, 0);
	return rc;
}

/* What the assistant quotes of a solved thread is its question (title
 * and first post) and its accepted answer: a change to either marks it. */
static int mark_if_quoted(struct arena *a, const struct store_fpost *p,
	time_t now)
{
	int64_t accepted = 0;
	int rc;

	rc = accepted_of(a, p->thread_id, &accepted);
	if (rc != 0 || accepted == 0 || !(p->first || p->id == accepted))
		return rc;
	return store_assist_mark(STORE_ASSIST_FORUM, p->thread_id, now);
}

int store_fpost_edit(struct arena *a, int64_t post_id,
	const struct store_fpost_edit_in *in, struct store_fpost *out)
{
	static const char keep[] =
		"INSERT INTO forum_post_revisions (post_id, revision, title, body,"
		" editor_id, created_at)"
		" SELECT p.id, p.revision, IF(p.is_first, t.title, NULL), p.body,"
		" NULLIF(?, 0), " FROM_UNIX
		" FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id"
		" WHERE p.id = ?";
	static const char upd[] =
		"UPDATE forum_posts SET body = ?, body_text = ?, body_hash = ?,"
		" revision = revision + 1, updated_at = " FROM_UNIX ","
		" edited_at = " FROM_UNIX ","
		" hidden_at = IF(? = 1, NULL, hidden_at),"
		" hidden_until = IF(? = 1, NULL, hidden_until) WHERE id = ?";
	static const char upd_thread[] =
		"UPDATE forum_threads SET title = COALESCE(?, title),"
		" body_text = ?, updated_at = " FROM_UNIX " WHERE id = ?";
	struct store_fpost p;
	int unhide = 0;
	int rc;

	rc = begin_on_post(a, post_id, &p);
	if (rc != 0)
		return rc;
	if (in->by_author) {
		if ((int64_t)in->now > (int64_t)p.created_unix +
		    (int64_t)in->window_s)
			return store_tx_end(DF_EFORBIDDEN);
		/* Hidden by flags: the author may fix it only once the
		 * cool-down is over, and fixing it shows it again (the
		 * review stays pending for a moderator). */
		if (p.hidden) {
			if (p.hidden_until > in->now)
				return store_tx_end(DF_ECONFLICT);
			unhide = 1;
		}
	}
	rc = db_exec(keep, DBP(DB_INT(in->editor_id), DB_INT(in->now),
		DB_INT(post_id)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(upd, DBP(DB_STR(in->body), DB_STR(in->body_text),
			DB_BLOB(in->body_hash, 32), DB_INT(in->now),
			DB_INT(in->now), DB_INT(unhide), DB_INT(unhide),
			DB_INT(post_id)), NULL, NULL);
	if (rc == 0 && p.first)
		rc = db_exec(upd_thread, DBP(DB_STR(in->title),
			DB_STR(in->body_text), DB_INT(in->now),
			DB_INT(p.thread_id)), NULL, NULL);
	if (rc == 0)
		rc = mark_if_quoted(a, &p, in->now);
	if (rc == 0)
		rc = post_by_id(a, post_id, out);
	return store_tx_end(rc);
}

int store_fpost_delete(struct arena *a, int64_t post_id,
	int64_t editor_id, int refuse_replies, time_t now)
{
	static const char others[] =
		"SELECT COUNT(*) FROM forum_posts WHERE thread_id = ?"
		" AND is_first = 0 AND deleted = 0 AND author_id <> ?";
	static const char del[] =
		"UPDATE forum_posts SET deleted = 1, deleted_at = " FROM_UNIX ","
		" deleted_by = NULLIF(?, 0), updated_at = " FROM_UNIX
		" WHERE id = ? AND deleted = 0";
	static const char del_thread[] =
		"UPDATE forum_threads SET deleted = 1, deleted_at = " FROM_UNIX ","
		" updated_at = " FROM_UNIX " WHERE id = ?";
	/* replies counts the posts after the first that are not deleted;
	 * a deleted accepted answer leaves the thread unsolved. */
	static const char recount[] =
		"UPDATE forum_threads SET replies = (SELECT COUNT(*)"
		"  FROM forum_posts WHERE thread_id = ? AND is_first = 0"
		"  AND deleted = 0),"
		" accepted_post_id = IF(accepted_post_id <=> ?, NULL,"
		"  accepted_post_id)"
		" WHERE id = ?";
	struct store_fpost p;
	struct db_result res;
	int rc;

	rc = begin_on_post(a, post_id, &p);
	if (rc != 0)
		return rc;
	if (p.first && refuse_replies) {
		rc = store_one(a, others, DBP(DB_INT(p.thread_id),
			DB_INT(p.author_id)), &res);
		if (rc == 0 && db_int(&res, 0, 0, 0) > 0)
			rc = DF_ECONFLICT;
		if (rc != 0)
			return store_tx_end(rc);
	}
	/* Before the write: whether the thread is solved and this post is
	 * what the assistant quotes of it. */
	rc = mark_if_quoted(a, &p, now);
	if (rc == 0)
		rc = store_exec_one(del, DBP(DB_INT(now), DB_INT(editor_id),
			DB_INT(now), DB_INT(post_id)), DF_ENOTFOUND);
	if (rc == 0 && p.first)
		rc = db_exec(del_thread, DBP(DB_INT(now), DB_INT(now),
			DB_INT(p.thread_id)), NULL, NULL);
	if (rc == 0 && !p.first)
		rc = db_exec(recount, DBP(DB_INT(p.thread_id), DB_INT(post_id),
			DB_INT(p.thread_id)), NULL, NULL);
	return store_tx_end(rc);
}

static void rev_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_fpost_revision *o = out;

	memset(o, 0, sizeof(*o));
	o->revision = db_int(res, row, 0, 0);
	o->title = db_str(res, row, 1);
	o->body = db_str(res, row, 2);
	o->editor_username = db_str(res, row, 3);
	o->created_at = db_str(res, row, 4);
}

int store_fpost_revisions(struct arena *a, int64_t post_id,
	struct store_fpost_revision **out, size_t *n)
{
	static const char sql[] =
		"SELECT r.revision, r.title, r.body, u.username, "
		TS("r.created_at") " FROM forum_post_revisions r"
		" LEFT JOIN users u ON u.id = r.editor_id"
		" WHERE r.post_id = ? ORDER BY r.revision DESC";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(post_id)), sizeof(**out),
		rev_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_fpost_vote(struct arena *a, const char *thread, int64_t user_id,
	int value, time_t now, struct store_fpost_votes *out)
{
	static const char lock[] = "SELECT id, author_id, deleted"
		" FROM forum_threads WHERE public_id = ? FOR UPDATE";
	static const char unvote[] =
		"DELETE FROM forum_votes WHERE thread_id = ? AND user_id = ?";
	static const char vote[] =
		"INSERT INTO forum_votes (thread_id, user_id, value, created_at,"
		" updated_at) VALUES (?, ?, ?, " FROM_UNIX ", " FROM_UNIX ")"
		" ON DUPLICATE KEY UPDATE value = VALUES(value),"
		" updated_at = VALUES(updated_at)";
	/* Recounted from the rows under the thread's lock: an increment
	 * would drift with a vote changed from -1 to 1 or sent twice. */
	static const char recount[] =
		"UPDATE forum_threads SET"
		" votes_up = (SELECT COUNT(*) FROM forum_votes"
		"  WHERE thread_id = ? AND value = 1),"
		" votes_down = (SELECT COUNT(*) FROM forum_votes"
		"  WHERE thread_id = ? AND value = -1),"
		" score = (SELECT COALESCE(SUM(value), 0) FROM forum_votes"
		"  WHERE thread_id = ?)"
		" WHERE id = ?";
	static const char counts[] =
		"SELECT t.score, t.votes_up, t.votes_down,"
		" COALESCE((SELECT v.value FROM forum_votes v"
		"  WHERE v.thread_id = t.id AND v.user_id = ?), 0)"
		" FROM forum_threads t WHERE t.id = ?";
	struct db_result res;
	int64_t id;
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = store_one(a, lock, DBP(DB_STR(thread)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	id = db_int(&res, 0, 0, 0);
	if (db_int(&res, 0, 2, 0) != 0)
		return store_tx_end(DF_ENOTFOUND);
	/* A vote is a "like": one's own thread does not earn one. */
	if (db_int(&res, 0, 1, 0) == user_id)
		return store_tx_end(DF_EFORBIDDEN);
	if (value == 0)
		rc = db_exec(unvote, DBP(DB_INT(id), DB_INT(user_id)), NULL,
			NULL);
	else
		rc = db_exec(vote, DBP(DB_INT(id), DB_INT(user_id),
			DB_INT(value), DB_INT(now), DB_INT(now)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(recount, DBP(DB_INT(id), DB_INT(id), DB_INT(id),
			DB_INT(id)), NULL, NULL);
	if (rc == 0)
		rc = store_one(a, counts, DBP(DB_INT(user_id), DB_INT(id)),
			&res);
	if (rc == 0) {
		out->score = db_int(&res, 0, 0, 0);
		out->up = db_int(&res, 0, 1, 0);
		out->down = db_int(&res, 0, 2, 0);
		out->mine = db_int(&res, 0, 3, 0);
	}
	return store_tx_end(rc);
}

int store_fpost_accept(struct arena *a, int64_t post_id, int64_t actor_id,
	int moderator, int accept, time_t now, int64_t *thread_id)
{
	static const char set[] =
		"UPDATE forum_threads SET accepted_post_id = NULLIF(?, 0),"
		" updated_at = " FROM_UNIX " WHERE id = ?";
	struct store_fpost p;
	int64_t accepted = 0;
	int rc;

	rc = begin_on_post(a, post_id, &p);
	if (rc != 0)
		return rc;
	*thread_id = p.thread_id;
	if (!moderator && p.thread_author_id != actor_id)
		return store_tx_end(DF_EFORBIDDEN);
	rc = accepted_of(a, p.thread_id, &accepted);
	if (rc != 0)
		return store_tx_end(rc);
	if (accept) {
		if (p.first || p.hidden)
			return store_tx_end(DF_ECONFLICT);
		if (accepted == post_id)     /* already: nothing changes */
			return store_tx_end(0);
	} else if (accepted != post_id) {
		return store_tx_end(DF_ECONFLICT);
	}
	rc = db_exec(set, DBP(DB_INT(accept ? post_id : 0), DB_INT(now),
		DB_INT(p.thread_id)), NULL, NULL);
	if (rc == 0)
		rc = store_assist_mark(STORE_ASSIST_FORUM, p.thread_id, now);
	return store_tx_end(rc);
}
