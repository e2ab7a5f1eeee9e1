/* Stores: developers, extensions, users. */
/* The developer programme: a user applies, an admin approves (the user
 * becomes a developer) or rejects with notes, and developers have a
 * public profile listing their published extensions. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/developers.h"
#include "store/extensions.h"
#include "store/users.h"

#define APP_LOCATION "/api/v1/developers/applications/me"

static int v_github(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_github_username(json_object_get_string(v)),
		"must be a GitHub user name: letters, digits and single "
		"hyphens, not at either end");
}

static const struct json_field apply_fields[] = {
	{ .name = "description", .type = JF_STRING, .required = 1, .min = 50,
	  .max = 5000, .validate = api_v_text },
	{ .name = "website", .type = JF_STRING, .min = 1, .max = 2048,
	  .validate = api_v_url, .nullable = 1 },
	{ .name = "github_username", .type = JF_STRING, .min = 1, .max = 39,
	  .validate = v_github, .nullable = 1 },
	{ .name = "company_name", .type = JF_STRING, .min = 1, .max = 200,
	  .validate = api_v_line, .nullable = 1 },
};

static const struct json_field approve_fields[] = {
	{ .name = "notes", .type = JF_STRING, .min = 1, .max = 5000,
	  .validate = api_v_notes, .nullable = 1 },
};

static const struct json_field reject_fields[] = {
	{ .name = "notes", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 5000, .validate = api_v_notes },
};

/* {id, status, description, website, github_username, company_name,
 * notes, created_at, reviewed_at} and, for admins, user:{id, username}.
 * The applicant sees the reviewer's notes too: they say why. */
static struct json_object *app_json(struct request *req,
	const struct store_developers_app *d, int admin_view)
{
	struct json_object *o = json_new_object(req), *u;

	if (o == NULL)
		return NULL;
	if (json_set_str(o, "id", d->public_id) ||
	    json_set_str(o, "status", d->status) ||
	    json_set_str(o, "description", d->description) ||
	    json_set_str(o, "website", d->website) ||
	    json_set_str(o, "github_username", d->github_username) ||
	    json_set_str(o, "company_name", d->company_name) ||
	    json_set_str(o, "notes", d->notes) ||
	    json_set_str(o, "created_at", d->created_at) ||
	    json_set_str(o, "reviewed_at", d->reviewed_at))
		return NULL;
	if (admin_view) {
		u = json_new_object(req);
		if (u == NULL || json_set_str(u, "id", d->user_public_id) ||
		    json_set_str(u, "username", d->username) ||
		    json_set(o, "user", u) != 0)
			return NULL;
	}
	return o;
}

static int answer_app(struct request *req, int status,
	const struct store_developers_app *d, int admin_view)
{
	struct json_object *o = app_json(req, d, admin_view);

	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

/* Inside the store's transaction: the audit record commits with the
 * change. */
static int audit_app(void *ctx, const struct store_developers_app *d,
	int role_changed)
{
	struct request *req = ctx;
	struct json_object *detail = json_new_object(req);
	const char *event;

	if (strcmp(d->status, "approved") == 0)
		event = "developer.application_approved";
	else if (strcmp(d->status, "rejected") == 0)
		event = "developer.application_rejected";
	else
		event = "developer.application_submitted";
	if (detail == NULL ||
	    json_set_str(detail, "application_id", d->public_id) != 0 ||
	    (strcmp(d->status, "approved") == 0 &&
	     json_set_bool(detail, "role_changed", role_changed) != 0))
		return DF_ENOMEM;
	return api_audit(req, event, d->user_public_id, detail);
}

static int apply_post(struct request *req)
{
	struct store_developers_app_input in;
	struct store_developers_app d;
	enum store_developers_refusal why;
	int rc;

	in.description = json_get_str(req->json, "description", NULL);
	in.website = json_get_str(req->json, "website", NULL);
	in.github_username = json_get_str(req->json, "github_username", NULL);
	in.company_name = json_get_str(req->json, "company_name", NULL);
	rc = store_developers_apply(req->arena, req->auth.sub, &in, audit_app,
		req, &d, &why);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL,
			why == STORE_DEVELOPERS_PENDING ?
			"An application of yours is waiting for review." :
			why == STORE_DEVELOPERS_APPROVED ?
			"Your application was approved already." :
			"Only accounts with the role user can apply: developers "
			"and admins publish already, support is a staff role.");
	if (rc == DF_ENOTFOUND)
		return DF_EAUTH; /* the account vanished since authentication */
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Location", APP_LOCATION) != 0)
		return DF_EINTERNAL;
	return answer_app(req, 201, &d, 0);
}

static int apply_me(struct request *req)
{
	struct store_developers_app d;
	int rc;

	rc = store_developers_latest(req->arena, req->auth.sub, &d);
	if (rc != 0)
		return rc;
	return answer_app(req, 200, &d, 0);
}

static const char *const app_statuses[] = {
	"pending", "approved", "rejected", NULL
};

static const struct query_param apps_list_query[] = {
	API_PAGE_ROWS("devapps"),
	{ .name = "status", .kind = QP_ENUM, .values = app_statuses,
	  .message = "must be pending, approved or rejected" },
};

static struct json_object *app_item(struct request *req, const void *row)
{
	return app_json(req, row, 1);
}

static int apps_list(struct request *req)
{
	const char *status = http_query(req, "status");
	struct store_developers_app *apps = NULL;
	size_t n = 0;
	int rc;

	rc = store_developers_list(req->arena, status, req->q.after,
		req->q.limit, &apps, &n);
	if (rc != 0)
		return rc;

	return api_list_page(req, "devapps", apps, n, sizeof(*apps),
		offsetof(struct store_developers_app, id), app_item);
}

static int review(struct request *req, int approve)
{
	const char *id = router_param(req, "id");
	struct store_developers_app d;
	int rc;

	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_developers_review(req->arena, id, approve,
		json_get_str(req->json, "notes", NULL), req->auth.sub,
		audit_app, req, &d);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL,
			"Only a pending application can be approved or rejected.");
	if (rc != 0)
		return rc;
	return answer_app(req, 200, &d, 1);
}

static int app_approve(struct request *req)
{
	return review(req, 1);
}

static int app_reject(struct request *req)
{
	return review(req, 0);
}

/* {username, display_name, role, member_since, extensions} of an active
 * developer or admin, with their published extensions (most downloaded
 * first, at most PROFILE_EXTENSIONS); everyone else, suspended accounts
 * included, is not found, so the route does not tell which accounts
 * exist. */
#define PROFILE_EXTENSIONS 100

static int profile_get(struct request *req)
{
	const char *name = router_param(req, "username");
	struct json_object *o, *list;
	struct store_ext *exts;
	struct store_user u;
	size_t n, i;
	int rc;

	if (!validate_username(name))
		return DF_ENOTFOUND;
	rc = store_users_get(req->arena, STORE_USERS_BY_USERNAME, name, &u);
	if (rc != 0)
		return rc;
	if (!u.active || (u.role != ROLE_DEVELOPER && u.role != ROLE_ADMIN))
		return DF_ENOTFOUND;
	rc = store_ext_by_owner(req->arena, u.id, PROFILE_EXTENSIONS, &exts, &n);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	list = json_new_array(req);
	if (o == NULL || json_set(o, "extensions", list) ||
	    json_set_str(o, "username", u.username) ||
	    json_set_str(o, "display_name", u.display_name) ||
	    json_set_str(o, "role", store_users_role_name(u.role)) ||
	    json_set_str(o, "member_since", u.created_at))
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *e = api_ext_json(req, &exts[i], 0);

		if (json_push(list, e) != 0)
			return DF_ENOMEM;
	}
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/developers/applications",
	  .handler = apply_post, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(apply_fields) },
	{ .method = HTTP_GET, .pattern = "/api/v1/developers/applications/me",
	  .handler = apply_me, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/developers/{username}",
	  .handler = profile_get, .role = ROLE_NONE, .rl = RL_DEFAULT },
	{ .method = HTTP_GET,
	  .pattern = "/api/v1/admin/developer-applications",
	  .handler = apps_list, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(apps_list_query) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/developer-applications/{id}/approve",
	  .handler = app_approve, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(approve_fields) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/developer-applications/{id}/reject",
	  .handler = app_reject, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(reject_fields) },
};

const struct route_table api_developers_table = {
	"developers", routes, sizeof(routes) / sizeof(routes[0])
};
