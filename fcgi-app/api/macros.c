/* Stores: macros, tickets. */
/* Support macros (canned replies), staff only: list, read, create, edit
 * and delete them. Applying one to a ticket is at the end of this file.
 * A macro is {id, name, body, internal, set_status, set_priority,
 * created_at, updated_at}. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/macros.h"
#include "store/tickets.h"
#include "store/users.h"

static const char *const statuses[] = { "open", "in_progress",
	"waiting_on_customer", "resolved", "closed", NULL };
static const char *const priorities[] = { "low", "normal", "high",
	"urgent", NULL };

static int v_status(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), statuses),
		"must be one of open, in_progress, waiting_on_customer, "
		"resolved, closed");
}

static int v_priority(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), priorities),
		"must be one of low, normal, high, urgent");
}

#define MACRO_FIELDS(req) \
	{ .name = "name", .type = JF_STRING, .required = (req), .min = 1, \
	  .max = 100, .validate = api_v_line }, \
	{ .name = "body", .type = JF_STRING, .required = (req), .min = 1, \
	  .max = 10000, .validate = api_v_text }, \
	{ .name = "internal", .type = JF_BOOL }, \
	{ .name = "set_status", .type = JF_STRING, .nullable = 1, \
	  .validate = v_status }, \
	{ .name = "set_priority", .type = JF_STRING, .nullable = 1, \
	  .validate = v_priority }

static const struct json_field create_fields[] = { MACRO_FIELDS(1) };
static const struct json_field patch_fields[] = { MACRO_FIELDS(0) };

static const struct query_param list_query[] = {
	API_PAGE_ROWS("macros"),
};

static struct json_object *macro_json(struct request *req,
	const struct store_macro *m)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL || json_set_int(o, "id", m->id) ||
	    json_set_str(o, "name", m->name) ||
	    json_set_str(o, "body", m->body) ||
	    json_set_bool(o, "internal", m->internal) ||
	    json_set_str(o, "set_status", m->set_status) ||
	    json_set_str(o, "set_priority", m->set_priority) ||
	    json_set_str(o, "created_at", m->created_at) ||
	    json_set_str(o, "updated_at", m->updated_at))
		return NULL;
	return o;
}

static struct json_object *macro_item(struct request *req, const void *row)
{
	return macro_json(req, row);
}

static int send_macro(struct request *req, int status,
	const struct store_macro *m)
{
	struct json_object *o = macro_json(req, m);

	if (o == NULL)
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	if (status == 201 && http_set_header(req, "Location",
	    arena_printf(req->arena, "/api/v1/support/macros/%lld",
	    (long long)m->id)) != 0)
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

static int name_taken(struct request *req)
{
	return problem_send(req, 409, "conflict",
		"A macro with this name exists already.");
}

/* The body's members into in, each has_ flag set when it was sent. */
static void read_in(struct request *req, struct store_macro_in *in)
{
	struct json_object *b = req->json;

	memset(in, 0, sizeof(*in));
	in->has_name = json_object_object_get_ex(b, "name", NULL);
	in->has_body = json_object_object_get_ex(b, "body", NULL);
	in->has_internal = json_object_object_get_ex(b, "internal", NULL);
	in->has_status = json_object_object_get_ex(b, "set_status", NULL);
	in->has_priority = json_object_object_get_ex(b, "set_priority", NULL);
	in->name = json_get_str(b, "name", NULL);
	in->body = json_get_str(b, "body", NULL);
	in->internal = json_object_get_boolean(json_get(b, "internal"));
	in->set_status = json_get_str(b, "set_status", NULL);
	in->set_priority = json_get_str(b, "set_priority", NULL);
	/* name and body are not nullable: sent as null they read as not
	 * sent (the field table refused them already). */
	in->has_name = in->has_name && in->name != NULL;
	in->has_body = in->has_body && in->body != NULL;
}

static int macro_list(struct request *req)
{
	struct store_macro *rows;
	size_t n;
	int rc;

	rc = store_macros_list(req->arena, req->q.after, req->q.limit, &rows,
		&n);
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return api_list_page(req, "macros", rows, n, sizeof(*rows),
		offsetof(struct store_macro, id), macro_item);
}

static int macro_create(struct request *req)
{
	struct store_macro_in in;
	struct store_macro m;
	int rc;

	read_in(req, &in);
	rc = store_macros_create(req->arena, &in, api_caller_id(req),
		clock_now(), &m);
	if (rc == DF_ECONFLICT)
		return name_taken(req);
	if (rc != 0)
		return rc;
	return send_macro(req, 201, &m);
}

static int macro_get(struct request *req)
{
	struct store_macro m;
	int64_t id = api_path_id(req, "id");
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	rc = store_macros_get(req->arena, id, &m);
	if (rc != 0)
		return rc;
	return send_macro(req, 200, &m);
}

static int macro_patch(struct request *req)
{
	struct store_macro_in in;
	struct store_macro m;
	int64_t id = api_path_id(req, "id");
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	read_in(req, &in);
	rc = store_macros_update(req->arena, id, &in, clock_now(), &m);
	if (rc == DF_ECONFLICT)
		return name_taken(req);
	if (rc != 0)
		return rc;
	return send_macro(req, 200, &m);
}

static int macro_delete(struct request *req)
{
	int64_t id = api_path_id(req, "id");
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	rc = store_macros_delete(id);
	if (rc != 0)
		return rc;
	return api_no_content(req);
}

/* --- applying a macro ------------------------------------------------ */

static int macro_apply(struct request *req)
{
	const struct store_user *me = req->auth.user;
	int64_t ticket_id = api_path_id(req, "id");
	int64_t macro_id = api_path_id(req, "macro_id");
	struct store_ticket t;
	struct json_object *o;
	const char *agent;
	int rc;

	if (ticket_id == 0 || macro_id == 0 || me == NULL)
		return DF_ENOTFOUND;
	agent = me->display_name != NULL && me->display_name[0] != '\0' ?
		me->display_name : me->username;
	rc = store_macros_apply(req->arena, ticket_id, macro_id, me->id, agent,
		clock_now());
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "invalid_transition", "The "
			"ticket's status cannot change that way (a closed ticket "
			"cannot change at all).");
	if (rc == DF_ETOOBIG)
		return problem_send(req, 422, "macro_too_long", "The reply "
			"this macro makes for this ticket is over 10000 "
			"characters.");
	if (rc != 0)
		return rc;
	/* Committed in the store's one transaction: the queues now. */
	store_tickets_changed();
	rc = store_tickets_get(req->arena, ticket_id, 1, &t);
	if (rc != 0)
		return rc;
	o = api_ticket_json(req, &t, 1, 1);
	if (o == NULL || http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/support/macros",
	  .handler = macro_list, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(list_query) },
	{ .method = HTTP_POST, .pattern = "/api/v1/support/macros",
	  .handler = macro_create, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(create_fields) },
	{ .method = HTTP_GET, .pattern = "/api/v1/support/macros/{id}",
	  .handler = macro_get, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_PATCH, .pattern = "/api/v1/support/macros/{id}",
	  .handler = macro_patch, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(patch_fields) },
	{ .method = HTTP_DELETE, .pattern = "/api/v1/support/macros/{id}",
	  .handler = macro_delete, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/support/tickets/{id}/macros/{macro_id}",
	  .handler = macro_apply, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
};

const struct route_table api_macros_table = {
	"macros", routes, sizeof(routes) / sizeof(routes[0])
};
