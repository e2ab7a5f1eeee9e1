/* SQL for the forum's trust standing (see forum_trust.h). */
#include <string.h>

#include "arena.h"
#include "db.h"
#include "forum_rules.h"
#include "store/forum_trust.h"
#include "store/tx.h"

#define FROM_UNIX "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"
#define TO_UNIX(x) "TIMESTAMPDIFF(SECOND, TIMESTAMP'1970-01-01 00:00:00', " x ")"
#define DAY_S 86400
#define PERIOD_DAYS 100     /* trust level 3 looks this far back */

static uint64_t u64(const struct db_result *r, size_t col)
{
	int64_t v = db_int(r, 0, col, 0);

	return v > 0 ? (uint64_t)v : 0;
}

int store_forum_trust_get(struct arena *a, int64_t user_id, time_t now,
	int full, struct store_forum_standing *out)
{
	static const char sql[] =
		"SELECT COALESCE(s.trust_level, 0),"
		" COALESCE(s.trust_level_locked, 0),"
		" s.silenced_at IS NOT NULL,"
		" DATE_FORMAT(s.silenced_at, '%Y-%m-%dT%H:%i:%sZ'),"
		" TIMESTAMPDIFF(SECOND, u.created_at, " FROM_UNIX "),"
		" COALESCE(s.days_visited, 0), COALESCE(s.topics_entered, 0),"
		" COALESCE(s.posts_read, 0)"
		" FROM users u LEFT JOIN forum_user_stats s ON s.user_id = u.id"
		" WHERE u.id = ?";
	/* The counts a profile shows and level 2 reads: each an index
	 * range on the author (or voter) column. */
	static const char sql_full[] =
		"SELECT"
		" (SELECT COUNT(*) FROM forum_threads"
		"   WHERE author_id = ? AND deleted = 0),"
		" (SELECT COUNT(*) FROM forum_posts"
		"   WHERE author_id = ? AND is_first = 0 AND deleted = 0),"
		" (SELECT COUNT(*) FROM forum_votes WHERE user_id = ? AND value = 1),"
		" (SELECT COUNT(*) FROM forum_votes v JOIN forum_threads t"
		"   ON t.id = v.thread_id WHERE t.author_id = ? AND v.value = 1"
		"   AND v.user_id <> t.author_id),"
		" (SELECT COUNT(DISTINCT thread_id) FROM forum_posts"
		"   WHERE author_id = ? AND is_first = 0 AND deleted = 0)";
	struct db_result r;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_one(a, sql, DBP(DB_INT(now), DB_INT(user_id)), &r);
	if (rc != 0)
		return rc;
	out->user_id = user_id;
	out->trust_level = (unsigned)db_int(&r, 0, 0, 0);
	out->trust_level_locked = db_int(&r, 0, 1, 0) != 0;
	out->silenced = db_int(&r, 0, 2, 0) != 0;
	out->silenced_at = db_str(&r, 0, 3);
	out->account_age_s = db_int(&r, 0, 4, 0);
	out->days_visited = u64(&r, 5);
	out->topics_entered = u64(&r, 6);
	out->posts_read = u64(&r, 7);
	if (!full)
		return 0;
	rc = store_one(a, sql_full, DBP(DB_INT(user_id), DB_INT(user_id),
		DB_INT(user_id), DB_INT(user_id), DB_INT(user_id)), &r);
	if (rc != 0)
		return rc;
	out->topics_created = u64(&r, 0);
	out->posts_created = u64(&r, 1);
	out->likes_given = u64(&r, 2);
	out->likes_received = u64(&r, 3);
	out->replied_topics = u64(&r, 4);
	return 0;
}

/* The 100-day counts of level 3 (only read for a user whose all-time
 * counts could reach it: the two forum-wide counts scan the period). */
static int period_stats(struct arena *a, int64_t user_id, time_t now,
	struct forum_rules_stats *s)
{
	static const char sql[] =
		"SELECT"
		" (SELECT COUNT(*) FROM forum_user_days"
		"   WHERE user_id = ? AND day >= DATE(" FROM_UNIX ")),"
		" (SELECT COUNT(DISTINCT thread_id) FROM forum_posts"
		"   WHERE author_id = ? AND is_first = 0 AND deleted = 0"
		"   AND created_at >= " FROM_UNIX "),"
		" (SELECT COUNT(*) FROM forum_thread_reads"
		"   WHERE user_id = ? AND last_at >= " FROM_UNIX "),"
		" (SELECT COUNT(*) FROM forum_threads"
		"   WHERE deleted = 0 AND created_at >= " FROM_UNIX "),"
		" (SELECT COALESCE(SUM(posts_read), 0) FROM forum_thread_reads"
		"   WHERE user_id = ? AND last_at >= " FROM_UNIX "),"
		" (SELECT COUNT(*) FROM forum_posts"
		"   WHERE deleted = 0 AND created_at >= " FROM_UNIX "),"
		" (SELECT COUNT(*) FROM forum_votes WHERE user_id = ? AND value = 1"
		"   AND created_at >= " FROM_UNIX "),"
		" (SELECT COUNT(*) FROM forum_votes v JOIN forum_threads t"
		"   ON t.id = v.thread_id WHERE t.author_id = ? AND v.value = 1"
		"   AND v.user_id <> t.author_id AND v.created_at >= " FROM_UNIX "),"
		" (SELECT COUNT(*) FROM forum_reviews r JOIN forum_posts p"
		"   ON p.id = r.post_id WHERE p.author_id = ?"
		"   AND r.status = 'agreed' AND r.decided_at >= " FROM_UNIX ")";
	time_t since = now - (time_t)PERIOD_DAYS * DAY_S;
	struct db_result r;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(user_id), DB_INT(since),
		DB_INT(user_id), DB_INT(since), DB_INT(user_id), DB_INT(since),
		DB_INT(since), DB_INT(user_id), DB_INT(since), DB_INT(since),
		DB_INT(user_id), DB_INT(since), DB_INT(user_id), DB_INT(since),
		DB_INT(user_id), DB_INT(since)), &r);
	if (rc != 0)
		return rc;
	s->days_visited_100d = u64(&r, 0);
	s->replied_topics_100d = u64(&r, 1);
	s->topics_entered_100d = u64(&r, 2);
	s->topics_created_100d = u64(&r, 3);
	s->posts_read_100d = u64(&r, 4);
	s->posts_created_100d = u64(&r, 5);
	s->likes_given_100d = u64(&r, 6);
	s->likes_received_100d = u64(&r, 7);
	s->flags_agreed_100d = u64(&r, 8);
	return 0;
}

static int recompute(struct arena *a, int64_t user_id, time_t now,
	unsigned *level, int *promoted)
{
	static const char sql_raise[] =
		"UPDATE forum_user_stats SET trust_level = ?,"
		" promoted_at = " FROM_UNIX ", updated_at = " FROM_UNIX
		" WHERE user_id = ? AND trust_level < ? AND trust_level_locked = 0";
	struct store_forum_standing st;
	struct forum_rules_stats s;
	unsigned earned;
	uint64_t changed = 0;
	int rc;

	if (promoted != NULL)
		*promoted = 0;
	rc = store_forum_trust_get(a, user_id, now, 0, &st);
	if (rc != 0)
		return rc;
	if (level != NULL)
		*level = st.trust_level;
	if (st.trust_level_locked || st.trust_level >= 3)
		return 0;
	memset(&s, 0, sizeof(s));
	s.days_visited = st.days_visited;
	s.topics_entered = st.topics_entered;
	s.posts_read = st.posts_read;
	/* Level 2 and up need the likes and replies: read them only when
	 * the reading counters already meet level 2 (cheap on every read). */
	if (st.days_visited >= FORUM_TL2_DAYS_VISITED &&
	    st.topics_entered >= FORUM_TL2_TOPICS_ENTERED &&
	    st.posts_read >= FORUM_TL2_POSTS_READ) {
		rc = store_forum_trust_get(a, user_id, now, 1, &st);
		if (rc != 0)
			return rc;
		s.likes_given = st.likes_given;
		s.likes_received = st.likes_received;
		s.replied_topics = st.replied_topics;
		if (forum_rules_tl3_possible(&s)) {
			rc = period_stats(a, user_id, now, &s);
			if (rc != 0)
				return rc;
		}
	}
	earned = forum_rules_level(&s);
	if (earned <= st.trust_level)
		return 0;
	rc = db_exec(sql_raise, DBP(DB_INT(earned), DB_INT(now), DB_INT(now),
		DB_INT(user_id), DB_INT(earned)), &changed, NULL);
	if (rc != 0)
		return rc;
	if (changed > 0) {
		if (level != NULL)
			*level = earned;
		if (promoted != NULL)
			*promoted = 1;
	}
	return 0;
}

int store_forum_trust_recompute(struct arena *a, int64_t user_id,
	time_t now, unsigned *level, int *promoted)
{
	int rc;

	if (db_in_tx())
		return recompute(a, user_id, now, level, promoted);
	rc = db_begin();
	if (rc != 0)
		return rc;
	return store_tx_end(recompute(a, user_id, now, level, promoted));
}

int store_forum_trust_read(struct arena *a, int64_t user_id,
	int64_t thread_id, int64_t last_post_id, time_t now, unsigned *level)
{
	/* The visible posts of the thread up to the last one shown: the
	 * (thread_id, id) index range. */
	static const char sql_read[] =
		"INSERT INTO forum_thread_reads (user_id, thread_id, posts_read,"
		" first_at, last_at)"
		" SELECT ?, ?, COUNT(*), " FROM_UNIX ", " FROM_UNIX
		" FROM forum_posts WHERE thread_id = ? AND id <= ? AND deleted = 0"
		" ON DUPLICATE KEY UPDATE"
		" posts_read = GREATEST(forum_thread_reads.posts_read,"
		"  VALUES(posts_read)), last_at = VALUES(last_at)";
	static const char sql_day[] =
		"INSERT IGNORE INTO forum_user_days (user_id, day)"
		" VALUES (?, DATE(" FROM_UNIX "))";
	static const char sql_stats[] =
		"INSERT INTO forum_user_stats (user_id, days_visited,"
		" last_visit_day, topics_entered, posts_read, updated_at)"
		" SELECT ?,"
		" (SELECT COUNT(*) FROM forum_user_days WHERE user_id = ?),"
		" DATE(" FROM_UNIX "),"
		" (SELECT COUNT(*) FROM forum_thread_reads WHERE user_id = ?),"
		" (SELECT COALESCE(SUM(posts_read), 0) FROM forum_thread_reads"
		"   WHERE user_id = ?), " FROM_UNIX
		" ON DUPLICATE KEY UPDATE days_visited = VALUES(days_visited),"
		" last_visit_day = VALUES(last_visit_day),"
		" topics_entered = VALUES(topics_entered),"
		" posts_read = VALUES(posts_read), updated_at = VALUES(updated_at)";
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_exec(sql_read, DBP(DB_INT(user_id), DB_INT(thread_id),
		DB_INT(now), DB_INT(now), DB_INT(thread_id),
		DB_INT(last_post_id)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(sql_day, DBP(DB_INT(user_id), DB_INT(now)), NULL,
			NULL);
	if (rc == 0)
		rc = db_exec(sql_stats, DBP(DB_INT(user_id), DB_INT(user_id),
			DB_INT(now), DB_INT(user_id), DB_INT(user_id),
			DB_INT(now)), NULL, NULL);
	if (rc == 0)
		rc = recompute(a, user_id, now, level, NULL);
	return store_tx_end(rc);
}

int store_forum_trust_duplicate(struct arena *a, int64_t author_id,
	const unsigned char hash[32], time_t since, int *found)
{
	static const char sql[] =
		"SELECT EXISTS (SELECT 1 FROM forum_posts WHERE author_id = ?"
		" AND body_hash = ? AND created_at >= " FROM_UNIX
		" AND deleted = 0)";
	struct db_result r;
	int rc;

	*found = 0;
	rc = store_one(a, sql, DBP(DB_INT(author_id), DB_BLOB(hash, 32),
		DB_INT(since)), &r);
	if (rc != 0)
		return rc;
	*found = db_int(&r, 0, 0, 0) != 0;
	return 0;
}

int store_forum_trust_recent(struct arena *a, int64_t author_id,
	int topics, time_t since, uint64_t *n, time_t *oldest)
{
	static const char sql_topics[] =
		"SELECT COUNT(*), COALESCE(" TO_UNIX("MIN(created_at)") ", 0)"
		" FROM forum_threads WHERE author_id = ? AND created_at >= "
		FROM_UNIX;
	static const char sql_replies[] =
		"SELECT COUNT(*), COALESCE(" TO_UNIX("MIN(created_at)") ", 0)"
		" FROM forum_posts WHERE author_id = ? AND is_first = 0"
		" AND created_at >= " FROM_UNIX;
	struct db_result r;
	int rc;

	*n = 0;
	*oldest = 0;
	rc = store_one(a, topics ? sql_topics : sql_replies,
		DBP(DB_INT(author_id), DB_INT(since)), &r);
	if (rc != 0)
		return rc;
	*n = u64(&r, 0);
	*oldest = (time_t)db_int(&r, 0, 1, 0);
	return 0;
}

int store_forum_trust_set(struct arena *a, int64_t user_id, int level,
	int locked, int silenced, time_t now, store_forum_trust_hook hook,
	void *ctx, struct store_forum_standing *before,
	struct store_forum_standing *after)
{
	static const char sql_row[] =
		"INSERT INTO forum_user_stats (user_id, updated_at)"
		" VALUES (?, " FROM_UNIX ")"
		" ON DUPLICATE KEY UPDATE user_id = user_id";
	static const char sql_lock[] =
		"SELECT user_id FROM forum_user_stats WHERE user_id = ? FOR UPDATE";
	static const char sql_set[] =
		"UPDATE forum_user_stats SET"
		" trust_level = IF(? < 0, trust_level, ?),"
		" promoted_at = IF(? <> 0, " FROM_UNIX ", promoted_at),"
		" trust_level_locked = IF(? < 0, trust_level_locked, ?),"
		" silenced_review_id = IF(? < 0, silenced_review_id, NULL),"
		" silenced_at = CASE WHEN ? < 0 THEN silenced_at"
		"  WHEN ? = 0 THEN NULL"
		"  ELSE COALESCE(silenced_at, " FROM_UNIX ") END,"
		" updated_at = " FROM_UNIX
		" WHERE user_id = ?";
	struct db_result r;
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_exec(sql_row, DBP(DB_INT(user_id), DB_INT(now)), NULL, NULL);
	if (rc == 0)
		rc = store_one(a, sql_lock, DBP(DB_INT(user_id)), &r);
	if (rc == 0)
		rc = store_forum_trust_get(a, user_id, now, 1, before);
	/* A raise by hand is a promotion too (promoted_at). */
	if (rc == 0)
		rc = db_exec(sql_set, DBP(DB_INT(level), DB_INT(level),
			DB_INT(level >= 0 &&
			(unsigned)level > before->trust_level), DB_INT(now),
			DB_INT(locked), DB_INT(locked),
			DB_INT(silenced), DB_INT(silenced), DB_INT(silenced),
			DB_INT(now), DB_INT(now), DB_INT(user_id)), NULL, NULL);
	if (rc == 0)
		rc = store_forum_trust_get(a, user_id, now, 1, after);
	if (rc == 0 && hook != NULL)
		rc = hook(ctx, before, after);
	return store_tx_end(rc);
}

int store_forum_trust_batch(struct arena *a, time_t now, size_t max,
	int64_t *after_id, size_t *n, size_t *promoted)
{
	static const char sql[] =
		"SELECT user_id FROM forum_user_stats WHERE user_id > ?"
		" AND trust_level < 3 AND trust_level_locked = 0"
		" ORDER BY user_id LIMIT ?";
	struct db_result r;
	size_t i;
	int rc, up;

	*n = 0;
	*promoted = 0;
	rc = db_query(a, sql, DBP(DB_INT(*after_id), DB_INT(max)), &r);
	if (rc != 0)
		return rc;
	for (i = 0; i < r.nrows; i++) {
		int64_t uid = db_int(&r, i, 0, 0);

		rc = store_forum_trust_recompute(a, uid, now, NULL, &up);
		if (rc != 0)
			return rc;
		*after_id = uid;
		(*n)++;
		if (up)
			(*promoted)++;
	}
	return 0;
}
