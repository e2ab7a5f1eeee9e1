/* Stores: forum (the thread row it shows). */
/* The forum's threads and posts as clients see them: one writer of
 * each shape for every forum api file (see forum_view.h). */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "api/api.h"
#include "json.h"
#include "role.h"
#include "api/shared/forum_view.h"
#include "store/kb.h"
#include "store/users.h"

int forum_view_is_mod(const struct request *req)
{
	return req->auth.authenticated &&
		role_allows(req->auth.role, ROLE_SUPPORT);
}

int64_t forum_view_caller(const struct request *req)
{
	const struct store_user *u = req->auth.user;

	return req->auth.authenticated && u != NULL ? u->id : 0;
}

int forum_view_may_read(const struct request *req, int hidden,
	int64_t author_id)
{
	int64_t me = forum_view_caller(req);

	return !hidden || forum_view_is_mod(req) ||
		(me != 0 && me == author_id);
}

struct json_object *forum_view_author_json(struct request *req,
	const char *username, const char *display_name, int64_t trust_level)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL || json_set_str(o, "username", username) ||
	    json_set_str(o, "display_name", display_name) ||
	    json_set_int(o, "trust_level", trust_level))
		return NULL;
	return o;
}

struct json_object *forum_view_post_json(struct request *req,
	const struct forum_view_post *p)
{
	struct json_object *o = json_new_object(req);
	struct json_object *author = forum_view_author_json(req, p->username,
		p->display_name, p->trust_level);

	if (o == NULL || author == NULL ||
	    json_set_str(o, "id", p->id) ||
	    json_set_str(o, "thread_id", p->thread_id) ||
	    (p->with_thread_title &&
	     json_set_str(o, "thread_title", p->thread_title)) ||
	    json_set(o, "author", author) ||
	    json_set_str(o, "body", p->body) ||
	    json_set_bool(o, "hidden", p->hidden) ||
	    json_set_bool(o, "accepted", p->accepted) ||
	    json_set_bool(o, "first", p->first) ||
	    json_set_int(o, "revision", p->revision) ||
	    json_set_str(o, "created_at", p->created_at) ||
	    json_set_str(o, "updated_at", p->updated_at) ||
	    json_set_str(o, "edited_at", p->edited_at) ||
	    (p->deleted && json_set_bool(o, "deleted", 1)))
		return NULL;
	return o;
}

/* The forum's relevance is in the KB score's unit: one writer prints
 * both. */
_Static_assert(STORE_FORUM_SCORE_SCALE == STORE_KB_SCORE_SCALE,
	"forum relevance and KB score differ in scale");

struct json_object *forum_view_thread_json(struct request *req,
	const struct store_forum_thread *t, int in_list, int with_relevance)
{
	struct json_object *o = json_new_object(req);
	struct json_object *tags = api_tags_json(req, t->tags);
	struct json_object *author = forum_view_author_json(req,
		t->author.username, t->author.display_name,
		t->author.trust_level);

	if (o == NULL || tags == NULL || author == NULL ||
	    json_set_str(o, "id", t->public_id) ||
	    json_set_str(o, "category", t->category) ||
	    json_set_str(o, "title", t->title) ||
	    json_set(o, "tags", tags) ||
	    json_set(o, "author", author) ||
	    (in_list && json_set_str(o, "excerpt",
		t->excerpt != NULL ? t->excerpt : "")) ||
	    json_set_int(o, "score", t->score) ||
	    json_set_int(o, "replies", t->replies) ||
	    json_set_bool(o, "solved", t->accepted_post_id != NULL) ||
	    json_set_str(o, "accepted_post_id", t->accepted_post_id) ||
	    json_set_bool(o, "locked", t->locked) ||
	    json_set_bool(o, "pinned", t->pinned) ||
	    json_set_str(o, "created_at", t->created_at) ||
	    json_set_str(o, "last_post_at", t->last_post_at))
		return NULL;
	if (with_relevance && json_set(o, "relevance", api_kb_score_json(req,
	    t->relevance < 0 ? 0 : t->relevance)))
		return NULL;
	if (!in_list && t->deleted && forum_view_is_mod(req) &&
	    json_set_bool(o, "deleted", 1))
		return NULL;
	return o;
}
