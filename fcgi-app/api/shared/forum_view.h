/* Stores: forum (the thread row it shows). */
/* The forum's threads and posts as clients see them (DESIGN14's
 * shapes), written once for every forum api file: the thread list and
 * detail (forum.c), what post edits, accepts and votes answer
 * (forum_posts.c) and the moderation queue's posts (forum_flags.c).
 * Each store reads its own row; the callers fill a forum_view_post. */
#ifndef DF_API_SHARED_FORUM_VIEW_H
#define DF_API_SHARED_FORUM_VIEW_H

#include <stdint.h>
#include "http.h"
#include "store/forum.h"

struct json_object;

/* 1 when the caller is a forum moderator (role support or admin). */
int forum_view_is_mod(const struct request *req);

/* The caller's user row id, 0 when anonymous. */
int64_t forum_view_caller(const struct request *req);

/* 1 when the caller may read the body of a post by author_id: any
 * post not hidden, and hidden ones for their author and moderators. */
int forum_view_may_read(const struct request *req, int hidden,
	int64_t author_id);

/* {"username", "display_name", "trust_level"}; NULL on no memory. */
struct json_object *forum_view_author_json(struct request *req,
	const char *username, const char *display_name, int64_t trust_level);

struct forum_view_post {
	const char *id, *thread_id;     /* public ids */
	int with_thread_title;          /* the queue names the thread */
	const char *thread_title;
	const char *username, *display_name;
	int64_t trust_level;
	const char *body;               /* NULL: hidden from this viewer */
	int hidden, accepted, first, deleted;
	int64_t revision;
	const char *created_at, *updated_at, *edited_at;
};

/* The post shape: "deleted" only when true (the callers give deleted
 * posts to moderators only). NULL on no memory. */
struct json_object *forum_view_post_json(struct request *req,
	const struct forum_view_post *p);

/* The thread shape: in lists with its excerpt (and its relevance in
 * searches); outside lists "deleted" for moderators when true. NULL
 * on no memory. */
struct json_object *forum_view_thread_json(struct request *req,
	const struct store_forum_thread *t, int in_list, int with_relevance);

#endif
