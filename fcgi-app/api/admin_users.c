/* Stores: admin_users, users. */
/* Admin user management: the searchable list, one user, and role and
 * status changes. A role change needs no token_version bump:
 * api_authenticate reads the role from the database on every request, so
 * it applies to the caller's very next request. A suspension does bump it
 * (and revokes refresh tokens), so sessions end and stay ended even after
 * the account is reactivated. Admins may change their own account like
 * any other: the last-admin rule (checked under a lock in the store)
 * covers the one dangerous case, a system left without an active admin. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/admin_users.h"
#include "store/users.h"

#define Q_MAX 254 /* the longest e-mail address */

static const char *const role_names[] = {
	"user", "developer", "support", "admin", NULL
};
static const char *const status_names[] = { "active", "suspended", NULL };

static int v_role(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), role_names),
		"must be one of user, developer, support, admin");
}

static int v_status(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), status_names),
		"must be active or suspended");
}

static const struct json_field patch_fields[] = {
	{ .name = "role", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_role },
	{ .name = "status", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_status },
};

/* Search text as stored: addresses and usernames are kept in lower case
 * and in ASCII, so a search for anything else cannot match. NULL when q
 * holds a byte outside printable ASCII. */
static char *search_text(struct request *req, const char *q)
{
	char *s = arena_strdup(req->arena, q);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F)
			return NULL;
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	}
	return s;
}

static const struct query_param users_list_query[] = {
	API_PAGE_ROWS("users"),
	{ .name = "role", .kind = QP_ENUM, .values = role_names,
	  .message = "must be one of user, developer, support, admin" },
	{ .name = "status", .kind = QP_ENUM, .values = status_names,
	  .message = "must be active or suspended" },
	{ .name = "q", .kind = QP_TEXT, .max = Q_MAX, .code = "too_long",
	  .message = "must be at most 254 characters long" },
};

static struct json_object *user_item(struct request *req, const void *row)
{
	return api_user_json(req, row, 1);
}

static int users_list(struct request *req)
{
	struct store_admin_users_filter f = { 0 };
	const char *q = http_query(req, "q");
	struct store_user *users = NULL;
	size_t n = 0;
	int none = 0, rc;

	f.role = http_query(req, "role");
	f.status = http_query(req, "status");
	if (q != NULL && q[0] != '\0') {
		f.q = search_text(req, q);
		if (f.q == NULL)
			none = 1;
	}
	f.before_id = req->q.after;
	f.limit = req->q.limit;
	if (!none) {
		rc = store_admin_users_list(req->arena, &f, &users, &n);
		if (rc != 0)
			return rc;
	}

	return api_list_page(req, "users", users, n, sizeof(*users),
		offsetof(struct store_user, id), user_item);
}

/* The user named by the {id} path parameter; DF_ENOTFOUND for anything
 * that is not a stored public id. */
static int path_user(struct request *req, struct store_user *u)
{
	const char *id = router_param(req, "id");

	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	return store_users_get(req->arena, STORE_USERS_BY_PUBLIC_ID, id, u);
}

static int answer_user(struct request *req, const struct store_user *u)
{
	struct json_object *o = api_user_json(req, u, 1);

	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int users_get(struct request *req)
{
	struct store_user u;
	int rc;

	rc = path_user(req, &u);
	if (rc != 0)
		return rc;
	return answer_user(req, &u);
}

static struct json_object *role_status(struct request *req,
	const struct store_user *u)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL ||
	    json_set_str(o, "role", store_users_role_name(u->role)) != 0 ||
	    json_set_str(o, "status", u->active ? "active" : "suspended") != 0)
		return NULL;
	return o;
}

/* Inside the store's transaction: the audit record commits with the
 * change. */
static int audit_update(void *ctx, const struct store_user *before,
	const struct store_user *after)
{
	struct request *req = ctx;
	struct json_object *d = json_new_object(req);
	struct json_object *was = role_status(req, before);
	struct json_object *now = role_status(req, after);

	if (d == NULL || was == NULL || now == NULL ||
	    json_set(d, "old", was) != 0 || json_set(d, "new", now) != 0)
		return DF_ENOMEM;
	return api_audit(req, "admin.user_updated", after->public_id, d);
}

static int users_patch(struct request *req)
{
	struct store_user before, after;
	const char *role_s, *status_s, *id;
	enum role role = ROLE_NONE;
	int active = -1, rc;

	role_s = json_get_str(req->json, "role", NULL);
	status_s = json_get_str(req->json, "status", NULL);
	if (role_s != NULL && role_parse(role_s, &role) != 0)
		return DF_EINTERNAL; /* v_role let it through: cannot happen */
	if (status_s != NULL)
		active = strcmp(status_s, "active") == 0;
	id = router_param(req, "id");
	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_admin_users_update(req->arena, id, role, active,
		audit_update, req, &before, &after);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL, "The last active admin "
			"cannot be demoted or suspended; make another account "
			"admin first.");
	if (rc != 0)
		return rc;
	return answer_user(req, &after);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/users",
	  .handler = users_list, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(users_list_query) },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/users/{id}",
	  .handler = users_get, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_PATCH, .pattern = "/api/v1/admin/users/{id}",
	  .handler = users_patch, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(patch_fields) },
};

const struct route_table api_admin_users_table = {
	"admin_users", routes, sizeof(routes) / sizeof(routes[0])
};
