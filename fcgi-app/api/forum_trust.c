/* Stores: forum_trust, users. */
/* A user's forum standing: the public view (GET /forum/users/{username}:
 * trust level and activity counts, what a Discourse profile shows) and
 * the moderators' change of it (PATCH /admin/forum/users/{username}:
 * level, its lock, silence), audited as forum.trust_level,
 * forum.silence and forum.unsilence in the change's transaction. */
#include <string.h>
#include <json-c/json.h>

#include "api.h"
#include "api/shared/forum_guard.h"
#include "clock.h"
#include "json.h"
#include "problem.h"
#include "role.h"
#include "store/forum_trust.h"
#include "store/users.h"

#define USERNAME_MAX 64

static const struct json_field patch_fields[] = {
	{ .name = "trust_level", .type = JF_INT, .min = 0, .max = 4 },
	{ .name = "trust_level_locked", .type = JF_BOOL },
	{ .name = "silenced", .type = JF_BOOL },
};

/* The user named by {username} (stored in lower case); DF_ENOTFOUND for
 * no such user or a name no user can have. */
static int path_user(struct request *req, struct store_user *u)
{
	const char *p = router_param(req, "username");
	char name[USERNAME_MAX + 1];
	size_t i;

	if (p == NULL || p[0] == '\0' || strlen(p) > USERNAME_MAX)
		return DF_ENOTFOUND;
	for (i = 0; p[i] != '\0'; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= 0x20 || c >= 0x7f)
			return DF_ENOTFOUND;
		name[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	name[i] = '\0';
	return store_users_get(req->arena, STORE_USERS_BY_USERNAME, name, u);
}

static struct json_object *standing_json(struct request *req,
	const struct store_user *u, const struct store_forum_standing *st,
	int mod_view)
{
	int moderator = role_allows(u->role, ROLE_SUPPORT);
	struct json_object *o = json_new_object(req);
	struct json_object *c = json_new_object(req);

	if (o == NULL || c == NULL ||
	    json_set_str(o, "username", u->username) != 0 ||
	    json_set_str(o, "display_name", u->display_name) != 0 ||
	    json_set_int(o, "trust_level", forum_guard_shown_level(moderator,
		st->trust_level)) != 0 ||
	    json_set_bool(o, "moderator", moderator) != 0 ||
	    json_set_bool(o, "silenced", st->silenced) != 0 ||
	    json_set_str(o, "member_since", u->created_at) != 0 ||
	    json_set_int(c, "days_visited", (int64_t)st->days_visited) != 0 ||
	    json_set_int(c, "topics_entered", (int64_t)st->topics_entered) != 0 ||
	    json_set_int(c, "posts_read", (int64_t)st->posts_read) != 0 ||
	    json_set_int(c, "topics_created", (int64_t)st->topics_created) != 0 ||
	    json_set_int(c, "posts_created", (int64_t)st->posts_created) != 0 ||
	    json_set_int(c, "likes_given", (int64_t)st->likes_given) != 0 ||
	    json_set_int(c, "likes_received", (int64_t)st->likes_received) != 0 ||
	    json_set(o, "stats", c) != 0)
		return NULL;
	if (mod_view &&
	    (json_set_int(o, "stored_trust_level", st->trust_level) != 0 ||
	     json_set_bool(o, "trust_level_locked",
		st->trust_level_locked) != 0 ||
	     json_set_str(o, "silenced_at", st->silenced_at) != 0))
		return NULL;
	return o;
}

static int standing_get(struct request *req)
{
	struct store_user u;
	struct store_forum_standing st;
	struct json_object *o;
	int rc;

	rc = path_user(req, &u);
	if (rc != 0)
		return rc;
	rc = store_forum_trust_get(req->arena, u.id, clock_now(), 1, &st);
	if (rc != 0)
		return rc;
	o = standing_json(req, &u, &st, 0);
	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

struct patch_ctx {
	struct request *req;
	const struct store_user *u;
};

/* In the change's transaction: one audit event per kind of change. */
static int audit_patch(void *ctx, const struct store_forum_standing *b,
	const struct store_forum_standing *a)
{
	struct patch_ctx *pc = ctx;
	struct request *req = pc->req;
	struct json_object *d;
	int rc;

	if (b->trust_level != a->trust_level ||
	    b->trust_level_locked != a->trust_level_locked) {
		d = json_new_object(req);
		if (d == NULL ||
		    json_set_str(d, "username", pc->u->username) != 0 ||
		    json_set_int(d, "old", b->trust_level) != 0 ||
		    json_set_int(d, "new", a->trust_level) != 0 ||
		    json_set_bool(d, "locked", a->trust_level_locked) != 0)
			return DF_ENOMEM;
		rc = api_audit(req, "forum.trust_level", pc->u->public_id, d);
		if (rc != 0)
			return rc;
	}
	if (b->silenced != a->silenced) {
		d = json_new_object(req);
		if (d == NULL ||
		    json_set_str(d, "username", pc->u->username) != 0)
			return DF_ENOMEM;
		rc = api_audit(req, a->silenced ? "forum.silence" :
			"forum.unsilence", pc->u->public_id, d);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int standing_patch(struct request *req)
{
	struct json_object *lv = json_get(req->json, "trust_level");
	struct json_object *lk = json_get(req->json, "trust_level_locked");
	struct json_object *si = json_get(req->json, "silenced");
	struct store_forum_standing before, after;
	struct store_user u;
	struct patch_ctx pc = { req, &u };
	struct json_object *o;
	int level = -1, locked = -1, silenced = -1, rc;

	if (lv == NULL && lk == NULL && si == NULL) {
		problem_add_error(req, "trust_level", "required", "give "
			"trust_level, trust_level_locked or silenced");
		return problem_send_validation(req);
	}
	if (lv != NULL)
		level = json_object_get_int(lv);
	if (lk != NULL)
		locked = json_object_get_boolean(lk) ? 1 : 0;
	else if (lv != NULL)
		locked = 1;  /* a level set by hand stands unless unlocked */
	if (si != NULL)
		silenced = json_object_get_boolean(si) ? 1 : 0;
	rc = path_user(req, &u);
	if (rc != 0)
		return rc;
	rc = store_forum_trust_set(req->arena, u.id, level, locked, silenced,
		clock_now(), audit_patch, &pc, &before, &after);
	if (rc != 0)
		return rc;
	o = standing_json(req, &u, &after, 1);
	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/forum/users/{username}",
	  .handler = standing_get, .role = ROLE_NONE, .rl = RL_DEFAULT },
	{ .method = HTTP_PATCH,
	  .pattern = "/api/v1/admin/forum/users/{username}",
	  .handler = standing_patch, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(patch_fields) },
};

const struct route_table api_forum_trust_table = {
	"forum_trust", routes, sizeof(routes) / sizeof(routes[0])
};
