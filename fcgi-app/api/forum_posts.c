/* Stores: forum_posts, forum. */
/* What is done to forum posts after they are written: their authors
 * edit them (inside forum_edit_window_minutes; each edit keeps the
 * earlier body as a revision) and delete them (soft; the first post
 * takes its thread with it), anyone signed in votes on a thread (a
 * "like"; not one's own), and a thread's author picks its accepted
 * answer. Moderators (support, admin) may do all of it to anyone's
 * posts without the limits, and what they do to others' posts is
 * audited. The rules that need the rows' current state are checked by
 * the store under the thread's row lock, so racing requests cannot get
 * past them. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "problem.h"
#include "role.h"
#include "router.h"
#include "validate.h"
#include "api/shared/forum_view.h"
#include "store/forum.h"
#include "store/forum_posts.h"
#include "store/users.h"

#define POST_BODY_MAX 20000     /* characters, as when posting */
#define TITLE_MIN 5
#define TITLE_MAX 200

/* The post as the forum shows it; its author's trust level: staff
 * count as level 4. */
static struct json_object *post_json(struct request *req,
	const struct store_fpost *p)
{
	enum role r = ROLE_NONE;
	struct forum_view_post v = {
		.id = p->public_id, .thread_id = p->thread_public_id,
		.username = p->author_username,
		.display_name = p->author_display_name,
		.trust_level = p->author_trust,
		.body = forum_view_may_read(req, p->hidden, p->author_id) ?
			p->body : NULL,
		.hidden = p->hidden, .accepted = p->accepted,
		.first = p->first, .deleted = p->deleted,
		.revision = p->revision, .created_at = p->created_at,
		.updated_at = p->updated_at, .edited_at = p->edited_at,
	};

	if (p->author_role != NULL && role_parse(p->author_role, &r) == 0 &&
	    role_allows(r, ROLE_SUPPORT))
		v.trust_level = 4;
	return forum_view_post_json(req, &v);
}

static int answer(struct request *req, int status, struct json_object *o)
{
	if (o == NULL || http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

/* The post of the route's {id}: a malformed id is absent, and so is a
 * deleted post (or one of a deleted thread) for all but moderators. */
static int load(struct request *req, struct store_fpost *p)
{
	const char *id = router_param(req, "id");
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_fpost_get(req->arena, id, p);
	if (rc != 0)
		return rc;
	if ((p->deleted || p->thread_deleted) && !forum_view_is_mod(req))
		return DF_ENOTFOUND;
	return 0;
}

/* The post of the route's {id} for its author or a moderator to edit
 * or delete: even a moderator changes only what exists (restoring is
 * not an edit), so a deleted post is absent; anyone else:
 * DF_EFORBIDDEN. *own: the caller wrote it. */
static int load_live(struct request *req, struct store_fpost *p, int *own)
{
	int rc = load(req, p);

	if (rc != 0)
		return rc;
	if (p->deleted || p->thread_deleted)
		return DF_ENOTFOUND;
	*own = p->author_id == forum_view_caller(req);
	return *own || forum_view_is_mod(req) ? 0 : DF_EFORBIDDEN;
}

/* Audits a moderator's action on someone else's post. */
static int audit_mod(struct request *req, const char *event,
	const struct store_fpost *p)
{
	struct json_object *d = json_new_object(req);

	if (d == NULL || json_set_str(d, "post_id", p->public_id) ||
	    json_set_str(d, "thread_id", p->thread_public_id))
		return DF_ENOMEM;
	return api_audit(req, event, p->public_id, d);
}

/* --- edit ----------------------------------------------------------- */

static const struct json_field edit_fields[] = {
	{ .name = "body", .type = JF_STRING, .required = 1, .min = 1,
	  .max = POST_BODY_MAX, .validate = api_v_notes },
	{ .name = "title", .type = JF_STRING, .min = TITLE_MIN,
	  .max = TITLE_MAX, .validate = api_v_line },
};

static int post_edit(struct request *req)
{
	struct store_fpost p;
	struct store_fpost_edit_in in;
	unsigned char hash[32];
	int own, mod = forum_view_is_mod(req);
	int rc;

	rc = load_live(req, &p, &own);
	if (rc == DF_EFORBIDDEN)
		return problem_send(req, 403, "forbidden",
			"Only the author or a moderator may edit this post.");
	if (rc != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.title = json_get_str(req->json, "title", NULL);
	if (in.title != NULL && !p.first) {
		problem_add_error(req, "title", "not_allowed",
			"only the first post of a thread has a title");
		return problem_send_validation(req);
	}
	if (p.thread_locked && !mod)
		return problem_send(req, 409, "conflict",
			"The thread is locked.");
	in.body = json_get_str(req->json, "body", NULL);
	rc = api_plain_text(req, in.body, &in.body_text);
	if (rc == 0)
		rc = store_forum_body_hash(req->arena, in.body, hash);
	if (rc != 0)
		return rc;
	in.body_hash = hash;
	in.editor_id = forum_view_caller(req);
	in.by_author = !mod;
	in.window_s = req->cfg->forum_edit_window_minutes * 60u;
	in.now = clock_now();
	rc = store_fpost_edit(req->arena, p.id, &in, &p);
	if (rc == DF_EFORBIDDEN)
		return problem_send(req, 403, "forbidden",
			"The time to edit this post is over.");
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"The post is hidden by flags; it can be edited once"
			" its cool-down is over.");
	if (rc != 0)
		return rc;
	store_forum_changed();
	if (!own && (rc = audit_mod(req, "forum.post_edit", &p)) != 0)
		return rc;
	return answer(req, 200, post_json(req, &p));
}

/* --- delete --------------------------------------------------------- */

static int post_delete(struct request *req)
{
	struct store_fpost p;
	int own, mod = forum_view_is_mod(req);
	int rc;

	rc = load_live(req, &p, &own);
	if (rc == DF_EFORBIDDEN)
		return problem_send(req, 403, "forbidden",
			"Only the author or a moderator may delete this post.");
	if (rc != 0)
		return rc;
	if (p.thread_locked && !mod)
		return problem_send(req, 409, "conflict",
			"The thread is locked.");
	rc = store_fpost_delete(req->arena, p.id, forum_view_caller(req), !mod,
		clock_now());
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"Others have replied: the question stays; edit it"
			" instead, or ask a moderator.");
	if (rc != 0)
		return rc;
	store_forum_changed();
	if (!own && (rc = audit_mod(req, "forum.post_delete", &p)) != 0)
		return rc;
	return api_no_content(req);
}

/* --- revisions ------------------------------------------------------ */

static int post_revisions(struct request *req)
{
	struct store_fpost p;
	struct store_fpost_revision *r;
	struct json_object *list, *items;
	size_t n, i;
	int rc;

	rc = load(req, &p);
	if (rc != 0)
		return rc;
	if (p.author_id != forum_view_caller(req) && !forum_view_is_mod(req))
		return problem_send(req, 403, "forbidden",
			"Only the author or a moderator may read the revisions.");
	rc = store_fpost_revisions(req->arena, p.id, &r, &n);
	if (rc != 0)
		return rc;
	list = api_list_new(req, &items);
	if (list == NULL)
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_new_object(req);
		struct json_object *ed = NULL;

		if (r[i].editor_username != NULL) {
			ed = json_new_object(req);
			if (ed == NULL || json_set_str(ed, "username",
			    r[i].editor_username))
				return DF_ENOMEM;
		}
		if (o == NULL || json_set_int(o, "revision", r[i].revision) ||
		    json_set_str(o, "title", r[i].title) ||
		    json_set_str(o, "body", r[i].body) ||
		    json_set(o, "editor", ed) ||
		    json_set_str(o, "created_at", r[i].created_at) ||
		    api_list_add(items, o) != 0)
			return DF_ENOMEM;
	}
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return api_list_send(req, list, NULL);
}

/* --- votes ---------------------------------------------------------- */

static const struct json_field vote_fields[] = {
	{ .name = "value", .type = JF_INT, .required = 1, .min = -1,
	  .max = 1 },
};

static int thread_vote(struct request *req)
{
	const char *id = router_param(req, "id");
	struct store_fpost_votes v;
	struct json_object *o;
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_fpost_vote(req->arena, id, forum_view_caller(req),
		(int)json_get_int(req->json, "value", 0), clock_now(), &v);
	if (rc == DF_EFORBIDDEN)
		return problem_send(req, 403, "forbidden",
			"You cannot vote on your own thread.");
	if (rc != 0)
		return rc;
	store_forum_changed();
	o = json_new_object(req);
	if (o == NULL || json_set_int(o, "score", v.score) ||
	    json_set_int(o, "votes_up", v.up) ||
	    json_set_int(o, "votes_down", v.down) ||
	    json_set_int(o, "my_vote", v.mine))
		return DF_ENOMEM;
	return answer(req, 200, o);
}

/* --- accepted answer ------------------------------------------------ */

static int accept_set(struct request *req, int accept)
{
	struct store_fpost p;
	struct store_forum_thread t;
	int64_t thread_id = 0;
	int rc;

	rc = load(req, &p);
	if (rc != 0)
		return rc;
	if (p.deleted || p.thread_deleted)
		return DF_ENOTFOUND;
	rc = store_fpost_accept(req->arena, p.id, forum_view_caller(req),
		forum_view_is_mod(req), accept, clock_now(), &thread_id);
	if (rc == DF_EFORBIDDEN)
		return problem_send(req, 403, "forbidden",
			"Only the thread's author or a moderator may choose"
			" its accepted answer.");
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict", !accept ?
			"This post is not the thread's accepted answer." :
			p.first ? "The question itself cannot be its answer." :
			"A post hidden by flags cannot be accepted.");
	if (rc != 0)
		return rc;
	store_forum_changed();
	if (p.thread_author_id != forum_view_caller(req) &&
	    (rc = audit_mod(req, accept ? "forum.accept" : "forum.unaccept",
	    &p)) != 0)
		return rc;
	rc = store_forum_thread_get(req->arena, p.thread_public_id, &t);
	if (rc != 0)
		return rc;
	return answer(req, 200, forum_view_thread_json(req, &t, 0, 0));
}

static int post_accept(struct request *req)
{
	return accept_set(req, 1);
}

static int post_unaccept(struct request *req)
{
	return accept_set(req, 0);
}

static const struct route routes[] = {
	{ .method = HTTP_PATCH, .pattern = "/api/v1/forum/posts/{id}",
	  .handler = post_edit, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(edit_fields) },
	{ .method = HTTP_DELETE, .pattern = "/api/v1/forum/posts/{id}",
	  .handler = post_delete, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/forum/posts/{id}/revisions",
	  .handler = post_revisions, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/posts/{id}/accept",
	  .handler = post_accept, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_DELETE, .pattern = "/api/v1/forum/posts/{id}/accept",
	  .handler = post_unaccept, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/threads/{id}/vote",
	  .handler = thread_vote, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(vote_fields) },
};

const struct route_table api_forum_posts_table = {
	"forum_posts", routes, sizeof(routes) / sizeof(routes[0])
};
