/* SQL for what happens to forum posts after they are written: edits
 * (each keeps the earlier body as a revision), soft deletes, the votes
 * of a thread and its accepted answer. Every write takes the thread's
 * row lock first (then the post's), so counts recounted under it are
 * exact and the accepted answer switches in one step however many
 * callers race. Writes that change what the assistant may quote (the
 * accepted answer or the question of a solved thread) mark the thread
 * with store_assist_mark in the same transaction. */
#ifndef DF_STORE_FORUM_POSTS_H
#define DF_STORE_FORUM_POSTS_H

#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* A post with what its routes decide on. Strings belong to the arena. */
struct store_fpost {
	int64_t id;
	char public_id[37];
	int64_t thread_id;
	char thread_public_id[37];
	int64_t author_id;
	const char *author_username;
	const char *author_display_name;
	const char *author_role;     /* users.role: staff show as level 4 */
	int64_t author_trust;        /* forum_user_stats (missing: 0) */
	int first;
	const char *body;
	int64_t revision;
	int hidden;
	time_t hidden_until;         /* 0: none */
	int deleted;
	int accepted;                /* the thread's accepted answer */
	time_t created_unix;
	const char *created_at, *updated_at, *edited_at; /* edited_at NULL */
	/* the thread */
	int64_t thread_author_id;
	int thread_deleted;
	int thread_locked;
	int64_t thread_replies;      /* visible posts after the first */
};

/* The post of a public id, deleted or not (the caller decides who may
 * see it). 0, DF_ENOTFOUND or another df_err. */
DF_MUST_CHECK int store_fpost_get(struct arena *a, const char *public_id,
	struct store_fpost *out);

struct store_fpost_edit_in {
	const char *body, *body_text;
	const unsigned char *body_hash;   /* 32 bytes */
	const char *title;                /* NULL: unchanged (first post) */
	int64_t editor_id;
	int by_author;     /* 1: the author's own edit, the limits apply */
	unsigned window_s; /* the author's edit window after created_at */
	time_t now;
};

/* Edits post_id under the thread's and the post's row locks: the old
 * body (and a first post's thread title) becomes revision `revision`,
 * the post gets revision + 1. With by_author: DF_EFORBIDDEN after the
 * edit window; a post hidden by flags answers DF_ECONFLICT before its
 * hidden_until and is unhidden after it (its review stays pending).
 * Deleted post or thread: DF_ENOTFOUND. out is the post afterwards. */
DF_MUST_CHECK int store_fpost_edit(struct arena *a, int64_t post_id,
	const struct store_fpost_edit_in *in, struct store_fpost *out);

/* Soft-deletes post_id (deleted_by editor_id). A first post deletes its
 * thread. An accepted answer leaves its thread unsolved. With
 * refuse_replies, a first post whose thread has replies by others is
 * DF_ECONFLICT (a user may not take a discussion away with the
 * question). Already deleted: DF_ENOTFOUND. */
DF_MUST_CHECK int store_fpost_delete(struct arena *a, int64_t post_id,
	int64_t editor_id, int refuse_replies, time_t now);

/* The earlier versions of a post, newest first. */
struct store_fpost_revision {
	int64_t revision;
	const char *title;            /* NULL: not a first post */
	const char *body;
	const char *editor_username;  /* NULL: unknown */
	const char *created_at;
};
DF_MUST_CHECK int store_fpost_revisions(struct arena *a, int64_t post_id,
	struct store_fpost_revision **out, size_t *n);

/* The thread's vote counts after a vote. */
struct store_fpost_votes {
	int64_t score, up, down, mine;
};

/* thread: public id. Sets user_id's vote on it (value -1, 0 = none, 1)
 * under the thread's row lock and recounts score, votes_up and
 * votes_down from the vote rows, so concurrent votes all count.
 * Deleted or unknown thread: DF_ENOTFOUND; the thread's own author:
 * DF_EFORBIDDEN. */
DF_MUST_CHECK int store_fpost_vote(struct arena *a, const char *thread,
	int64_t user_id, int value, time_t now, struct store_fpost_votes *out);

/* Makes post_id its thread's accepted answer (accept 1) or, when it is
 * the accepted one, none (accept 0), under the thread's row lock:
 * concurrent accepts leave exactly one. actor_id must be the thread's
 * author unless moderator (else DF_EFORBIDDEN). The first post, a
 * hidden post, and unaccepting a post that is not the accepted answer:
 * DF_ECONFLICT; a deleted post or thread: DF_ENOTFOUND. *thread_id is
 * the thread's row id (set unless the post is missing or deleted). */
DF_MUST_CHECK int store_fpost_accept(struct arena *a, int64_t post_id,
	int64_t actor_id, int moderator, int accept, time_t now,
	int64_t *thread_id);

#endif
