/* SQL for forum flags and moderation reviews (see forum_flags.h). Times
 * come from the caller's clock. Every write runs under the post's row
 * lock, taken first, so two flags on one post add up exactly and a
 * decision never races a flag into a deadlock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/assist_dirty.h"
#include "store/forum_flags.h"
#include "store/tx.h"

#define ISO(c) "DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%sZ')"
/* A user's trust level as everyone sees it: moderators count as 4. */
#define TRUST(u, s) "IF(" u ".role IN ('support', 'admin'), 4," \
	" COALESCE(" s ".trust_level, 0))"

static void sql_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

double store_fflags_weight(int64_t agreed, int64_t disagreed)
{
	double bonus;

	if (agreed < 0 || disagreed < 0 ||
	    agreed + disagreed < STORE_FFLAGS_ACCURACY_MIN)
		return 1.0;
	bonus = 2.0 * (double)agreed / (double)(agreed + disagreed) - 1.0;
	if (bonus > 1.0)
		bonus = 1.0;
	if (bonus < -1.0)
		bonus = -1.0;
	return 1.0 + bonus;
}

/* Whether a review of score and flaggers hides its post. The score is a
 * sum of doubles; compared in tenths with a little slack so 4 flags of
 * weight 1.0 reach 4.0 whatever the rounding. */
static int hides(const struct store_fflags_rules *r, double score,
	int64_t flaggers)
{
	return score * 10.0 + 1e-6 >= (double)r->hide_score_tenths ||
		flaggers >= (int64_t)r->hide_flaggers;
}

/* Makes sure user_id has a forum_user_stats row (a missing one reads as
 * trust level 0) and holds it exclusively: an upsert locks the row it
 * finds exclusively at once (INSERT IGNORE would share-lock it, and two
 * such holders upgrading deadlock). */
static int stats_lock(int64_t user_id, const char *now_sql)
{
	static const char sql[] =
		"INSERT INTO forum_user_stats (user_id, updated_at)"
		" VALUES (?, ?) ON DUPLICATE KEY UPDATE user_id = user_id";

	return db_exec(sql, DBP(DB_INT(user_id), DB_STR(now_sql)), NULL,
		NULL);
}

/* After a flag, holding the author's stats row (stats_lock): silences
 * the post's author when they are trust level 0 (not a moderator, not
 * silenced yet) and rules->silence_flaggers distinct users flag their
 * open reviews. */
static int maybe_silence(struct arena *a, int64_t author_id,
	int64_t review_id, const struct store_fflags_rules *rules,
	const char *now_sql, int *silenced)
{
	static const char standing[] =
		"SELECT s.trust_level, s.silenced_at IS NOT NULL,"
		" u.role IN ('support', 'admin')"
		" FROM forum_user_stats s JOIN users u ON u.id = s.user_id"
		" WHERE s.user_id = ?";
	static const char count[] =
		"SELECT COUNT(DISTINCT f.flagger_id) FROM forum_flags f"
		" JOIN forum_reviews r ON r.id = f.review_id"
		" JOIN forum_posts p ON p.id = r.post_id"
		" WHERE p.author_id = ? AND r.status = 'pending'";
	static const char set[] =
		"UPDATE forum_user_stats SET silenced_at = ?,"
		" silenced_review_id = ?, updated_at = ?"
		" WHERE user_id = ? AND silenced_at IS NULL";
	struct db_result res;
	int rc;

	*silenced = 0;
	rc = store_one(a, standing, DBP(DB_INT(author_id)), &res);
	if (rc != 0)
		return rc;
	if (db_int(&res, 0, 0, 0) != 0 || db_int(&res, 0, 1, 0) != 0 ||
	    db_int(&res, 0, 2, 0) != 0)
		return 0;
	rc = db_query(a, count, DBP(DB_INT(author_id)), &res);
	if (rc != 0)
		return rc;
	if (res.nrows == 0 ||
	    db_int(&res, 0, 0, 0) < (int64_t)rules->silence_flaggers)
		return 0;
	rc = db_exec(set, DBP(DB_STR(now_sql), DB_INT(review_id),
		DB_STR(now_sql), DB_INT(author_id)), NULL, NULL);
	if (rc == 0)
		*silenced = 1;
	return rc;
}

/* Locks the post's row, then its author's stats row, before any plain
 * read: InnoDB takes a transaction's snapshot at its first plain read,
 * so every read here sees what the flags that held these locks before
 * committed (the review they opened, the flags the silence counts).
 * Flags on one post queue on the post; flags on one author's posts
 * queue on the author. The open review is looked up without a lock: a
 * locking read that finds nothing takes a gap lock, and two flags on
 * two new posts would then deadlock inserting their reviews. */
static int flag_tx(struct arena *a, const char *post_pid, int64_t flagger_id,
	int moderator, const char *reason, const char *detail,
	const struct store_fflags_rules *rules, time_t now,
	struct store_fflags_flagged *out, enum store_fflags_refusal *why)
{
	/* The post's row alone (MariaDB has no FOR UPDATE OF): flags and
	 * decisions on one post queue here. */
	static const char post[] =
		"SELECT id, author_id, hidden_at IS NOT NULL, deleted, thread_id"
		" FROM forum_posts WHERE public_id = ? FOR UPDATE";
	static const char me[] =
		"SELECT trust_level, silenced_at IS NOT NULL, flags_agreed,"
		" flags_disagreed FROM forum_user_stats WHERE user_id = ?";
	static const char open[] =
		"SELECT id, public_id, score, flaggers FROM forum_reviews"
		" WHERE pending_post_id = ?";
	static const char add_review[] =
		"INSERT INTO forum_reviews (public_id, post_id, pending_post_id,"
		" status, score, flaggers, created_at, updated_at)"
		" VALUES (?, ?, ?, 'pending', 0, 0, ?, ?)";
	static const char add_flag[] =
		"INSERT INTO forum_flags (review_id, post_id, flagger_id,"
		" reason, detail, weight, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
	static const char bump[] =
		"UPDATE forum_reviews SET score = score + ?,"
		" flaggers = flaggers + 1, updated_at = ? WHERE id = ?";
	static const char hide[] =
		"UPDATE forum_posts SET hidden_at = ?,"
		" hidden_until = ? + INTERVAL ? MINUTE"
		" WHERE id = ? AND hidden_at IS NULL";
	static const char thread[] =
		"SELECT deleted FROM forum_threads WHERE id = ?";
	struct db_result res;
	char now_sql[32];
	int64_t post_id, author_id, thread_id, review_id;
	uint64_t rid = 0;
	double weight = 1.0, score = 0.0;
	int64_t flaggers = 0;
	const char *sc;
	int hidden, rc;

	sql_time(now, now_sql);
	rc = db_query(a, post, DBP(DB_STR(post_pid)), &res);
	if (rc != 0)
		return rc;
	if (res.nrows != 1 || db_int(&res, 0, 3, 1) != 0)
		return DF_ENOTFOUND;
	post_id = db_int(&res, 0, 0, 0);
	author_id = db_int(&res, 0, 1, 0);
	hidden = db_int(&res, 0, 2, 0) != 0;
	thread_id = db_int(&res, 0, 4, 0);
	if (author_id == flagger_id) {
		*why = STORE_FFLAGS_OWN_POST;
		return DF_EFORBIDDEN;
	}
	rc = stats_lock(author_id, now_sql);
	if (rc != 0)
		return rc;
	/* A post of a deleted thread is gone too. */
	rc = store_one(a, thread, DBP(DB_INT(thread_id)), &res);
	if (rc != 0)
		return rc;
	if (db_int(&res, 0, 0, 1) != 0)
		return DF_ENOTFOUND;

	rc = db_query(a, me, DBP(DB_INT(flagger_id)), &res);
	if (rc != 0)
		return rc;
	if (!moderator) {
		if (res.nrows == 0 || db_int(&res, 0, 0, 0) < 1) {
			*why = STORE_FFLAGS_LOW_TRUST;
			return DF_EFORBIDDEN;
		}
		if (db_int(&res, 0, 1, 0) != 0) {
			*why = STORE_FFLAGS_SILENCED;
			return DF_EFORBIDDEN;
		}
	}
	if (res.nrows == 1)
		weight = store_fflags_weight(db_int(&res, 0, 2, 0),
			db_int(&res, 0, 3, 0));

	rc = db_query(a, open, DBP(DB_INT(post_id)), &res);
	if (rc != 0)
		return rc;
	if (res.nrows == 1) {
		review_id = db_int(&res, 0, 0, 0);
		db_str_copy(&res, 0, 1, out->review_id,
			sizeof(out->review_id));
		sc = db_str(&res, 0, 2);
		score = sc != NULL ? strtod(sc, NULL) : 0.0;
		flaggers = db_int(&res, 0, 3, 0);
	} else {
		if (crypto_uuid4(out->review_id) != 0)
			return DF_EINTERNAL;
		rc = db_exec(add_review, DBP(DB_STR(out->review_id),
			DB_INT(post_id), DB_INT(post_id), DB_STR(now_sql),
			DB_STR(now_sql)), NULL, &rid);
		if (rc != 0)
			return rc == DF_ECONFLICT ? DF_EDB : rc;
		review_id = (int64_t)rid;
	}
	rc = db_exec(add_flag, DBP(DB_INT(review_id), DB_INT(post_id),
		DB_INT(flagger_id), DB_STR(reason), DB_STR(detail),
		DB_DOUBLE(weight), DB_STR(now_sql)), NULL, NULL);
	if (rc != 0)
		return rc;          /* DF_ECONFLICT: flagged this post already */
	rc = db_exec(bump, DBP(DB_DOUBLE(weight), DB_STR(now_sql),
		DB_INT(review_id)), NULL, NULL);
	if (rc != 0)
		return rc;
	/* The row is ours under the lock: its new values are known. */
	out->score = score + weight;
	out->flaggers = flaggers + 1;
	if (!hidden && hides(rules, out->score, out->flaggers)) {
		rc = db_exec(hide, DBP(DB_STR(now_sql), DB_STR(now_sql),
			DB_INT(rules->cooldown_minutes), DB_INT(post_id)),
			NULL, NULL);
		/* The assistant may quote the post's thread: re-index it. */
		if (rc == 0)
			rc = store_assist_mark(STORE_ASSIST_FORUM, thread_id,
				now);
		if (rc != 0)
			return rc;
		hidden = 1;
	}
	out->hidden = hidden;
	snprintf(out->post_id, sizeof(out->post_id), "%s", post_pid);
	return maybe_silence(a, author_id, review_id, rules, now_sql,
		&out->silenced);
}

int store_fflags_flag(struct arena *a, const char *post_pid,
	int64_t flagger_id, int moderator, const char *reason,
	const char *detail, const struct store_fflags_rules *rules, time_t now,
	struct store_fflags_flagged *out, enum store_fflags_refusal *why)
{
	int rc;

	memset(out, 0, sizeof(*out));
	*why = STORE_FFLAGS_OK;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = flag_tx(a, post_pid, flagger_id, moderator, reason, detail,
		rules, now, out, why);
	return store_tx_end(rc);
}

/* --- the queue ------------------------------------------------------- */

#define REVIEW_SELECT \
	"SELECT r.id, r.public_id, r.status, r.score, r.flaggers," \
	" " ISO("r.created_at") ", " ISO("r.decided_at") "," \
	" r.decided_by IS NOT NULL, du.username, du.display_name," \
	" " TRUST("du", "dus") "," \
	" p.public_id, t.public_id, t.title, au.username, au.display_name," \
	" " TRUST("au", "aus") ", p.body, p.hidden_at IS NOT NULL," \
	" t.accepted_post_id <=> p.id, p.is_first, p.deleted, p.revision," \
	" " ISO("p.created_at") ", " ISO("p.updated_at") ", " \
	ISO("p.edited_at") \
	" FROM forum_reviews r JOIN forum_posts p ON p.id = r.post_id" \
	" JOIN forum_threads t ON t.id = p.thread_id" \
	" JOIN users au ON au.id = p.author_id" \
	" LEFT JOIN forum_user_stats aus ON aus.user_id = au.id" \
	" LEFT JOIN users du ON du.id = r.decided_by" \
	" LEFT JOIN forum_user_stats dus ON dus.user_id = du.id"

static void user_at(const struct db_result *res, size_t row, size_t col,
	struct store_fflags_user *u)
{
	u->username = db_str(res, row, col);
	u->display_name = db_str(res, row, col + 1);
	if (u->display_name != NULL && u->display_name[0] == '\0')
		u->display_name = NULL;
	u->trust_level = (int)db_int(res, row, col + 2, 0);
}

static void review_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_fflags_review *r = out;
	const char *score;

	memset(r, 0, sizeof(*r));
	r->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, r->public_id, sizeof(r->public_id));
	r->status = db_str(res, row, 2);
	score = db_str(res, row, 3);
	r->score = score != NULL ? strtod(score, NULL) : 0.0;
	r->flaggers = db_int(res, row, 4, 0);
	r->created_at = db_str(res, row, 5);
	r->decided_at = db_str(res, row, 6);
	r->has_decider = db_int(res, row, 7, 0) != 0;
	if (r->has_decider)
		user_at(res, row, 8, &r->decided_by);
	db_str_copy(res, row, 11, r->post_id, sizeof(r->post_id));
	db_str_copy(res, row, 12, r->thread_id, sizeof(r->thread_id));
	r->thread_title = db_str(res, row, 13);
	user_at(res, row, 14, &r->author);
	r->body = db_str(res, row, 17);
	r->hidden = db_int(res, row, 18, 0) != 0;
	r->accepted = db_int(res, row, 19, 0) != 0;
	r->first = db_int(res, row, 20, 0) != 0;
	r->deleted = db_int(res, row, 21, 0) != 0;
	r->revision = db_int(res, row, 22, 1);
	r->post_created_at = db_str(res, row, 23);
	r->post_updated_at = db_str(res, row, 24);
	r->post_edited_at = db_str(res, row, 25);
}

static void flag_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_fflags_flag_row *f = out;
	const char *w;

	memset(f, 0, sizeof(*f));
	f->review_id = db_int(res, row, 0, 0);
	f->reason = db_str(res, row, 1);
	f->detail = db_str(res, row, 2);
	w = db_str(res, row, 3);
	f->weight = w != NULL ? strtod(w, NULL) : 0.0;
	f->created_at = db_str(res, row, 4);
	user_at(res, row, 5, &f->flagger);
}

static int review_flags(struct arena *a, struct store_fflags_review *r)
{
	static const char sql[] =
		"SELECT f.review_id, f.reason, f.detail, f.weight, "
		ISO("f.created_at") ", u.username, u.display_name, "
		TRUST("u", "s") " FROM forum_flags f"
		" JOIN users u ON u.id = f.flagger_id"
		" LEFT JOIN forum_user_stats s ON s.user_id = u.id"
		" WHERE f.review_id = ? ORDER BY f.id";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(r->id)), sizeof(*r->flags),
		flag_from_row, &rows, &r->nflags);
	r->flags = rows;
	return rc;
}

int store_fflags_queue(struct arena *a, const char *status, int64_t before,
	int64_t limit, struct store_fflags_review **out, size_t *n)
{
	static const char sql[] = REVIEW_SELECT
		" WHERE r.status = ? AND (? = 0 OR r.id < ?)"
		" ORDER BY r.id DESC LIMIT ?";
	struct store_fflags_review *rows;
	void *v;
	int rc;

	rc = store_rows(a, sql, DBP(DB_STR(status), DB_INT(before),
		DB_INT(before), DB_INT(limit + 1)), sizeof(*rows),
		review_from_row, &v, n);
	rows = v;
	*out = rows;
	/* The flags of the rows shown (the extra one only says more
	 * follow): one short read each, at most a page of them. */
	for (size_t i = 0; rc == 0 && i < *n && (int64_t)i < limit; i++)
		rc = review_flags(a, &rows[i]);
	return rc;
}

int store_fflags_review_get(struct arena *a, const char *pid,
	struct store_fflags_review *out)
{
	static const char sql[] = REVIEW_SELECT " WHERE r.public_id = ?";
	int rc;

	rc = store_get(a, sql, DBP(DB_STR(pid)), review_from_row, out);
	if (rc != 0)
		return rc;
	return review_flags(a, out);
}

/* --- decisions ------------------------------------------------------- */

int store_fflags_decide(struct arena *a, const char *pid,
	const char *decision, int64_t moderator_id,
	const struct store_fflags_rules *rules, time_t now,
	struct store_fflags_decided *out)
{
	static const char find[] =
		"SELECT r.id, r.post_id, p.public_id, p.author_id, p.thread_id"
		" FROM forum_reviews r"
		" JOIN forum_posts p ON p.id = r.post_id WHERE r.public_id = ?";
	static const char lock_post[] =
		"SELECT hidden_at IS NOT NULL FROM forum_posts WHERE id = ?"
		" FOR UPDATE";
	static const char lock_review[] =
		"SELECT status, flaggers FROM forum_reviews WHERE id = ?"
		" FOR UPDATE";
	static const char close[] =
		"UPDATE forum_reviews SET status = ?, pending_post_id = NULL,"
		" decided_at = ?, decided_by = ?, updated_at = ? WHERE id = ?";
	/* Each flagger's count, creating their stats row when missing. */
	static const char agreed[] =
		"INSERT INTO forum_user_stats (user_id, flags_agreed, updated_at)"
		" SELECT flagger_id, 1, ? FROM forum_flags WHERE review_id = ?"
		" ORDER BY flagger_id ON DUPLICATE KEY UPDATE flags_agreed = flags_agreed + 1,"
		" updated_at = VALUES(updated_at)";
	static const char disagreed[] =
		"INSERT INTO forum_user_stats (user_id, flags_disagreed,"
		" updated_at)"
		" SELECT flagger_id, 1, ? FROM forum_flags WHERE review_id = ?"
		" ORDER BY flagger_id ON DUPLICATE KEY UPDATE flags_disagreed = flags_disagreed + 1,"
		" updated_at = VALUES(updated_at)";
	static const char ignored[] =
		"INSERT INTO forum_user_stats (user_id, flags_ignored, updated_at)"
		" SELECT flagger_id, 1, ? FROM forum_flags WHERE review_id = ?"
		" ORDER BY flagger_id ON DUPLICATE KEY UPDATE flags_ignored = flags_ignored + 1,"
		" updated_at = VALUES(updated_at)";
	/* hidden_until first: SET assigns left to right. */
	static const char hide[] =
		"UPDATE forum_posts SET hidden_until = IF(hidden_at IS NULL,"
		" ? + INTERVAL ? MINUTE, hidden_until),"
		" hidden_at = COALESCE(hidden_at, ?) WHERE id = ?";
	static const char show[] =
		"UPDATE forum_posts SET hidden_at = NULL, hidden_until = NULL"
		" WHERE id = ?";
	static const char unsilence[] =
		"UPDATE forum_user_stats SET silenced_at = NULL,"
		" silenced_review_id = NULL, updated_at = ?"
		" WHERE user_id = ? AND silenced_review_id = ?";
	struct db_result res;
	const char *status, *count;
	char now_sql[32];
	int64_t review_id, post_id, author_id, thread_id;
	uint64_t changed = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strcmp(decision, "agree") == 0) {
		status = "agreed";
		count = agreed;
	} else if (strcmp(decision, "disagree") == 0) {
		status = "disagreed";
		count = disagreed;
	} else if (strcmp(decision, "ignore") == 0) {
		status = "ignored";
		count = ignored;
	} else {
		return DF_EINVAL;
	}
	sql_time(now, now_sql);
	rc = store_one(a, find, DBP(DB_STR(pid)), &res);
	if (rc != 0)
		return rc;
	review_id = db_int(&res, 0, 0, 0);
	post_id = db_int(&res, 0, 1, 0);
	db_str_copy(&res, 0, 2, out->post_id, sizeof(out->post_id));
	author_id = db_int(&res, 0, 3, 0);
	thread_id = db_int(&res, 0, 4, 0);
	out->review_id = review_id;
	rc = store_one(a, lock_post, DBP(DB_INT(post_id)), &res);
	if (rc != 0)
		return rc;
	out->hidden = db_int(&res, 0, 0, 0) != 0;
	rc = store_one(a, lock_review, DBP(DB_INT(review_id)), &res);
	if (rc != 0)
		return rc;
	if (strcmp(db_str(&res, 0, 0), "pending") != 0)
		return DF_ECONFLICT;
	out->flaggers = db_int(&res, 0, 1, 0);
	rc = store_exec_one(close, DBP(DB_STR(status), DB_STR(now_sql),
		DB_INT(moderator_id), DB_STR(now_sql), DB_INT(review_id)),
		DF_ECONFLICT);
	if (rc != 0)
		return rc;
	if (strcmp(status, "agreed") == 0) {
		rc = db_exec(hide, DBP(DB_STR(now_sql),
			DB_INT(rules->cooldown_minutes), DB_STR(now_sql),
			DB_INT(post_id)), NULL, NULL);
		out->hidden = 1;
	} else if (strcmp(status, "disagreed") == 0) {
		rc = db_exec(show, DBP(DB_INT(post_id)), NULL, NULL);
		/* The author's stats row before the flaggers' (in id
		 * order): fewer ways for two decisions to deadlock. */
		if (rc == 0)
			rc = db_exec(unsilence, DBP(DB_STR(now_sql),
				DB_INT(author_id), DB_INT(review_id)), &changed,
				NULL);
		out->hidden = 0;
		out->unsilenced = changed > 0;
	}
	/* Hidden or shown again: the assistant may quote its thread. */
	if (rc == 0 && strcmp(status, "ignored") != 0)
		rc = store_assist_mark(STORE_ASSIST_FORUM, thread_id, now);
	if (rc == 0)
		rc = db_exec(count, DBP(DB_STR(now_sql), DB_INT(review_id)),
			NULL, NULL);
	return rc;
}
