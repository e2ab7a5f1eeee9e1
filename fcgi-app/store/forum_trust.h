/* SQL for the forum's trust standing: a user's level and silence, the
 * counts the post limits read (recent topics and replies, duplicates),
 * read tracking (forum_thread_reads, forum_user_days and the counters of
 * forum_user_stats) and promotion by activity (core/forum_rules.h says
 * the thresholds). A user without a forum_user_stats row stands at
 * level 0, not silenced. Levels are only ever raised by activity; a
 * moderator may set any level and lock it. */
#ifndef DF_STORE_FORUM_TRUST_H
#define DF_STORE_FORUM_TRUST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

struct store_forum_standing {
	int64_t user_id;
	unsigned trust_level;        /* as stored: staff are not raised here */
	int trust_level_locked;
	int silenced;
	const char *silenced_at;     /* RFC 3339, NULL when not silenced */
	int64_t account_age_s;       /* seconds since the account was made */
	uint64_t days_visited;
	uint64_t topics_entered;
	uint64_t posts_read;
	/* Filled by store_forum_trust_get with full set, else 0. */
	uint64_t topics_created;     /* threads started, not deleted */
	uint64_t posts_created;      /* replies written, not deleted */
	uint64_t likes_given;        /* up-votes on threads */
	uint64_t likes_received;     /* up-votes on the user's threads */
	uint64_t replied_topics;     /* distinct threads replied in */
};

/* The standing of user_id (DF_ENOTFOUND for no such user) at now; full
 * adds the created/likes counts. */
DF_MUST_CHECK int store_forum_trust_get(struct arena *a, int64_t user_id,
	time_t now, int full, struct store_forum_standing *out);

/* Recomputes the level of user_id from its activity and raises the
 * stored one when it earns more (never lowers it; a locked level stays).
 * *level receives the level now stored, *promoted whether it rose (both
 * may be NULL). Runs in the caller's transaction when there is one,
 * else alone. */
DF_MUST_CHECK int store_forum_trust_recompute(struct arena *a, int64_t user_id,
	time_t now, unsigned *level, int *promoted);

/* Records that user_id read thread_id up to the post last_post_id (the
 * visible posts up to it count as read; reading fewer later does not
 * lower it), the day's visit, and the user's counters, then recomputes
 * the level; in one transaction. *level as above (may be NULL). */
DF_MUST_CHECK int store_forum_trust_read(struct arena *a, int64_t user_id,
	int64_t thread_id, int64_t last_post_id, time_t now, unsigned *level);

/* Whether author_id wrote a post (not deleted) with this body hash
 * (SHA-256 of the normalised body, as forum_posts.body_hash) at or
 * after since. */
DF_MUST_CHECK int store_forum_trust_duplicate(struct arena *a, int64_t author_id,
	const unsigned char hash[32], time_t since, int *found);

/* How many topics (topics set) or replies author_id created at or after
 * since, deleted ones included (deleting does not give a post back);
 * *oldest: when the first of them was made (0 when none). */
DF_MUST_CHECK int store_forum_trust_recent(struct arena *a, int64_t author_id,
	int topics, time_t since, uint64_t *n, time_t *oldest);

/* Called inside store_forum_trust_set's transaction after the change,
 * before the commit (the audit records commit with it). */
typedef int (*store_forum_trust_hook)(void *ctx,
	const struct store_forum_standing *before,
	const struct store_forum_standing *after);

/* A moderator's change to user_id's standing: level 0-4 (-1 unchanged),
 * locked 0/1 (-1 unchanged), silenced 0/1 (-1 unchanged; silencing by
 * hand leaves silenced_review_id NULL, lifting clears it). *before and
 * *after (full) around the change; hook is called even when nothing
 * changed (the caller decides what to audit). */
DF_MUST_CHECK int store_forum_trust_set(struct arena *a, int64_t user_id,
	int level, int locked, int silenced, time_t now,
	store_forum_trust_hook hook, void *ctx,
	struct store_forum_standing *before,
	struct store_forum_standing *after);

/* The forum-trust job: recomputes up to max users with a standing row,
 * not locked and under level 3 by activity, with a row id above
 * *after_id (the last one done is written back). *n users looked at,
 * *promoted of them raised. */
DF_MUST_CHECK int store_forum_trust_batch(struct arena *a, time_t now,
	size_t max, int64_t *after_id, size_t *n, size_t *promoted);

#endif
