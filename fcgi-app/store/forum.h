/* SQL for the community forum: categories, threads with their first
 * post, replies, the list (latest, top, unanswered) and its FULLTEXT
 * search, locking and pinning. The other forum stores (posts, trust,
 * flags) reuse the thread lookup by public id, the body hash and the
 * cache generation from here. Times come from the caller (clock_now()). */
#ifndef DF_STORE_FORUM_H
#define DF_STORE_FORUM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* The response-cache generation of everything the forum shows
 * anonymously (the thread list, the categories): every forum write
 * bumps it after its commit with store_forum_changed(). */
#define STORE_FORUM_CACHE_GEN 10u
#define STORE_FORUM_TAGS_MAX 5
#define STORE_FORUM_EXCERPT 200      /* characters of body_text in lists */
/* The search's sort key, in 1/STORE_FORUM_SCORE_SCALE: 1 when a word of
 * the query is in the title, plus the FULLTEXT relevance relative to
 * the best match of the same search (0..1), plus
 * STORE_FORUM_SOLVED_BONUS for a thread with an accepted answer. */
#define STORE_FORUM_SCORE_SCALE 10000
#define STORE_FORUM_SOLVED_BONUS 5000

/* Makes the cached anonymous forum answers stale on every worker. Call
 * it after the write's transaction committed, never inside it. */
void store_forum_changed(void);

/* SHA-256 of body with every run of white space collapsed to one space
 * and the ends trimmed: what the duplicate check compares
 * (forum_posts.body_hash). 0 or DF_ENOMEM. */
DF_MUST_CHECK int store_forum_body_hash(struct arena *a, const char *body,
	unsigned char out[32]);

/* A thread's state, for the writers that must check it (and lock it)
 * before they change the thread or one of its posts. */
struct store_forum_state {
	int64_t id;                 /* forum_threads.id */
	char public_id[37];
	int64_t author_id;          /* users.id */
	int64_t first_post_id;      /* forum_posts.id, 0: none */
	int64_t accepted_post_id;   /* forum_posts.id, 0: unsolved */
	int locked, pinned, deleted;
};
/* The thread with public id pid (deleted ones too: the caller decides);
 * with for_update inside the caller's transaction, its row locked.
 * DF_ENOTFOUND (also for a malformed id). */
DF_MUST_CHECK int store_forum_thread_state(const char *pid, int for_update,
	struct store_forum_state *out);

struct store_forum_author {
	const char *username, *display_name;
	int64_t trust_level;        /* staff: 4; no standing row: 0 */
};

struct store_forum_category {
	const char *slug, *name, *description;
	int64_t threads;            /* listed for everyone: not deleted, first
	                               post not hidden */
};
/* Every category in its position order. */
DF_MUST_CHECK int store_forum_categories(struct arena *a,
	struct store_forum_category **out, size_t *n);

struct store_forum_thread {
	int64_t id;                 /* row id: cursors, never shown */
	char public_id[37];
	const char *category;       /* slug */
	const char *title;
	const char *tags;           /* space-separated */
	const char *excerpt;        /* first STORE_FORUM_EXCERPT characters */
	int64_t author_id;
	struct store_forum_author author;
	int64_t score, votes_up, votes_down, replies;
	const char *accepted_post_id; /* public id, NULL: unsolved */
	int locked, pinned, deleted;
	const char *created_at, *last_post_at;
	int64_t created_us, last_post_us; /* cursors */
	int64_t relevance;          /* searches: the sort key (see above) */
	int64_t upto;               /* searches: the highest id seen */
};

/* The thread with public id pid, deleted ones too. DF_ENOTFOUND. */
DF_MUST_CHECK int store_forum_thread_get(struct arena *a, const char *pid,
	struct store_forum_thread *out);

enum store_forum_sort {
	STORE_FORUM_LATEST = 0,     /* pinned first, then last_post_at desc */
	STORE_FORUM_TOP,            /* score desc */
	STORE_FORUM_UNANSWERED      /* replies = 0, newest first */
};

struct store_forum_filter {
	const char *q;              /* set: by relevance, sort ignored */
	const char *category;       /* slug, NULL: any */
	const char *tag;            /* NULL: any */
	enum store_forum_sort sort;
	int64_t limit;              /* rows wanted; limit + 1 are read */
	/* Where the previous page ended (after_id 0: first page): latest
	 * uses pinned, key (last_post_at in microseconds) and id; top key
	 * (score) and id; unanswered key (created_at in microseconds) and
	 * id; q key (relevance), id and upto. */
	int64_t after_pinned, after_key, after_id, upto;
	/* A thread whose first post flags hid is unlisted (as Discourse
	 * does) but for its author (viewer, users.id; 0: anonymous) and
	 * for moderators (all_hidden). */
	int64_t viewer;
	int all_hidden;
};
/* A page of threads not deleted (excerpt set), without those whose first
 * post is hidden unless f lets the viewer see them. */
DF_MUST_CHECK int store_forum_list(struct arena *a,
	const struct store_forum_filter *f,
	struct store_forum_thread **out, size_t *n);

struct store_forum_post {
	int64_t id;                 /* row id: cursors */
	char public_id[37];
	char thread_id[37];         /* the thread's public id */
	int64_t author_id;
	struct store_forum_author author;
	const char *body;
	int hidden, accepted, first, deleted;
	int64_t revision;
	const char *created_at, *updated_at, *edited_at;
};
/* A page of thread_id's posts, oldest first, after row id after_id;
 * deleted ones only with with_deleted. limit + 1 are read. */
DF_MUST_CHECK int store_forum_posts(struct arena *a, int64_t thread_id,
	int with_deleted, int64_t after_id, int64_t limit,
	struct store_forum_post **out, size_t *n);
/* The post with public id pid (deleted ones too). DF_ENOTFOUND. */
DF_MUST_CHECK int store_forum_post_get(struct arena *a, const char *pid,
	struct store_forum_post *out);

struct store_forum_input {
	const char *category;       /* slug (threads) */
	const char *title;          /* threads */
	const char *body, *body_text;
	const char *const *tags;    /* ntags of them (threads) */
	size_t ntags;
	int64_t author_id;
	time_t now;
	int64_t now_us;             /* microseconds since the epoch (0: now
	                               seconds): orders posts of one second */
};
/* A thread and its first post, in one transaction. DF_EINVAL for a
 * category that does not exist. *out is the new thread. */
DF_MUST_CHECK int store_forum_thread_create(struct arena *a,
	const struct store_forum_input *in, struct store_forum_thread *out);
/* A reply to the thread with public id pid, under its row lock:
 * DF_ENOTFOUND when it is absent or deleted, DF_ECONFLICT when it is
 * locked (unless may_locked: moderators). *out is the new post. */
DF_MUST_CHECK int store_forum_reply(struct arena *a, const char *pid,
	const struct store_forum_input *in, int may_locked,
	struct store_forum_post *out);

/* Sets the thread's locked (what "locked") or pinned flag to value;
 * *changed 1 when it was not already so. DF_ENOTFOUND (deleted too). */
enum store_forum_flag { STORE_FORUM_LOCKED, STORE_FORUM_PINNED };
DF_MUST_CHECK int store_forum_set(int64_t thread_id, enum store_forum_flag
	what, int value, time_t now, int *changed);

/* *yes 1 when user_id wrote a thread (not deleted) whose first post is
 * hidden by flags: their list differs from everyone else's. */
DF_MUST_CHECK int store_forum_own_hidden(int64_t user_id, int *yes);

/* The users who wrote a thread (not deleted) whose first post is hidden,
 * at most max of them (ascending ids; *n = max + 1 when there are more):
 * few at any time, so a worker may keep the list between forum writes. */
DF_MUST_CHECK int store_forum_hidden_authors(struct arena *a, size_t max,
	int64_t **ids, size_t *n);

/* The user's vote on the thread: -1, 0 or 1. */
DF_MUST_CHECK int store_forum_my_vote(int64_t thread_id, int64_t user_id,
	int64_t *value);

#endif
