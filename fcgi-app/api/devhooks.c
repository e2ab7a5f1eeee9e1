/* Stores: devhooks. */
/* Developers' webhooks: a developer registers endpoints that receive
 * the events about their extensions' sales (devforgectl webhooks-send
 * delivers them), reads each endpoint's deliveries and attempts, asks
 * for one again, and re-enables an endpoint the sender disabled. Only
 * the caller's own endpoints exist for them: another's is 404. The
 * signing secret is shown once, when the endpoint is made. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/devhooks.h"
#include "store/users.h"

#define HOOKS_PATH "/api/v1/developers/me/webhooks"
#define SECRET_BYTES 24          /* "whsec_" + 48 hex characters */

static const char *const event_types[] = {
	"sale.completed", "sale.refunded", "sale.refund_reversed",
	"sale.disputed", "sale.dispute_won", "sale.dispute_lost",
	"license.machine_culled", NULL
};

static const struct json_field create_fields[] = {
	{ .name = "url", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 2048, .validate = api_v_url },
	{ .name = "events", .type = JF_ARRAY, .required = 1, .min = 1,
	  .max = 16 },
};

static int v_status(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		strcmp(json_object_get_string(v), "active") == 0,
		"must be \"active\": only re-enabling is possible");
}

static const struct json_field patch_fields[] = {
	{ .name = "status", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 16, .validate = v_status },
};

static int known_type(const char *s)
{
	for (size_t i = 0; event_types[i] != NULL; i++)
		if (strcmp(s, event_types[i]) == 0)
			return 1;
	return 0;
}

/* The rules the field table cannot say: no fragment, https in
 * production, and events a set of known types or ["*"] alone. Leaves
 * the space-separated events for the handler in req->checked. */
static int create_check(struct request *req)
{
	const char *url = json_get_str(req->json, "url", NULL);
	struct json_object *events = json_get(req->json, "events");
	char *joined = NULL;
	size_t n, len = 0;

	if (url != NULL && validate_http_url(url, 2048)) {
		if (strchr(url, '#') != NULL)
			problem_add_error(req, "url", "invalid_format",
				"must not have a fragment (#...)");
		else if (req->cfg->mode == CONFIG_PRODUCTION &&
		    strncasecmp(url, "https://", 8) != 0)
			problem_add_error(req, "url", "https_required",
				"must be an https URL");
	}
	if (events == NULL || !json_object_is_type(events, json_type_array))
		return 0;
	n = json_object_array_length(events);
	joined = arena_alloc(req->arena, n * 32 + 1);
	if (joined == NULL)
		return DF_ENOMEM;
	joined[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(events, i);
		const char *s = json_object_is_type(e, json_type_string) ?
			json_object_get_string(e) : NULL;
		char pad[40], probe[600];

		if (s == NULL || (strcmp(s, "*") != 0 && !known_type(s))) {
			problem_add_error(req, "events", "invalid_value",
				"must list event types from sale.completed, "
				"sale.refunded, sale.refund_reversed, sale.disputed, "
				"sale.dispute_won, sale.dispute_lost, "
				"license.machine_culled, or be [\"*\"]");
			return 0;
		}
		if (strcmp(s, "*") == 0 && n != 1) {
			problem_add_error(req, "events", "invalid_value",
				"\"*\" (every type) must be the only entry");
			return 0;
		}
		/* joined is at most 6 types of under 32 characters. */
		snprintf(pad, sizeof(pad), " %s ", s);
		snprintf(probe, sizeof(probe), " %s ", joined);
		if (strstr(probe, pad) != NULL) {
			problem_add_error(req, "events", "duplicate",
				"must not list a type twice");
			return 0;
		}
		if (len > 0)
			joined[len++] = ' ';
		memcpy(joined + len, s, strlen(s) + 1);
		len += strlen(s);
	}
	req->checked = joined;
	return 0;
}

/* {id, url, events, status, created_at, disabled_at, failing_since}. */
static struct json_object *ep_json(struct request *req,
	const struct store_devhooks_endpoint *e)
{
	struct json_object *o = json_new_object(req), *ev = json_new_array(req);
	const char *s = e->events, *sp;

	if (o == NULL || ev == NULL)
		return NULL;
	while (*s != '\0') {
		sp = strchr(s, ' ');
		if (sp == NULL)
			sp = s + strlen(s);
		if (json_push_str(ev, arena_strndup(req->arena, s,
		    (size_t)(sp - s))) != 0)
			return NULL;
		s = *sp == ' ' ? sp + 1 : sp;
	}
	if (json_set_str(o, "id", e->public_id) ||
	    json_set_str(o, "url", e->url) ||
	    json_set(o, "events", ev) ||
	    json_set_str(o, "status", e->status) ||
	    json_set_str(o, "created_at", e->created_at) ||
	    json_set_str(o, "disabled_at", e->disabled_at) ||
	    json_set_str(o, "failing_since", e->failing_since))
		return NULL;
	return o;
}

static int64_t caller_id(struct request *req)
{
	const struct store_user *u = req->auth.user;

	return u != NULL ? u->id : 0;
}

static int hooks_create(struct request *req)
{
	unsigned char raw[SECRET_BYTES];
	char secret[6 + 2 * SECRET_BYTES + 1], loc[sizeof(HOOKS_PATH) + 40];
	struct store_devhooks_endpoint e;
	struct json_object *o;
	int rc;

	if (crypto_random(raw, sizeof(raw)) != 0)
		return DF_EINTERNAL;
	memcpy(secret, "whsec_", 6);
	crypto_hex(raw, sizeof(raw), secret + 6);
	rc = store_devhooks_create(req->arena, caller_id(req),
		json_get_str(req->json, "url", NULL), req->checked, secret, &e);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL,
			"You have 10 webhook endpoints already: delete one first.");
	if (rc != 0)
		return rc;
	o = ep_json(req, &e);
	/* The only time the secret leaves the server. */
	if (o == NULL || json_set_str(o, "secret", secret) != 0)
		return DF_ENOMEM;
	snprintf(loc, sizeof(loc), HOOKS_PATH "/%s", e.public_id);
	if (http_set_header(req, "Location", loc) != 0 ||
	    http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 201, o);
}

static int hooks_list(struct request *req)
{
	struct store_devhooks_endpoint *e;
	struct json_object *list, *items;
	size_t n;
	int rc;

	rc = store_devhooks_list(req->arena, caller_id(req), &e, &n);
	if (rc != 0)
		return rc;
	list = api_list_new(req, &items);
	if (list == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (api_list_add(items, ep_json(req, &e[i])) != 0)
			return DF_ENOMEM;
	return api_list_send(req, list, NULL);
}

/* The caller's endpoint named by the path, or DF_ENOTFOUND. */
static int path_endpoint(struct request *req,
	struct store_devhooks_endpoint *e)
{
	const char *id = router_param(req, "id");

	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	return store_devhooks_get(req->arena, caller_id(req), id, e);
}

static int hook_get(struct request *req)
{
	struct store_devhooks_endpoint e;
	struct json_object *o;
	int rc = path_endpoint(req, &e);

	if (rc != 0)
		return rc;
	o = ep_json(req, &e);
	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int hook_delete(struct request *req)
{
	const char *id = router_param(req, "id");
	int rc;

	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_devhooks_delete(caller_id(req), id);
	if (rc != 0)
		return rc;
	return api_no_content(req);
}

static int hook_patch(struct request *req)
{
	const char *id = router_param(req, "id");
	struct store_devhooks_endpoint e;
	struct json_object *o;
	int rc;

	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_devhooks_enable(req->arena, caller_id(req), id, &e);
	if (rc != 0)
		return rc;
	o = ep_json(req, &e);
	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct query_param deliveries_query[] = {
	API_PAGE_ROWS("hook_deliveries"),
};

/* {id, event_id, event_type, status, attempts: [{at, status_code, error,
 * duration_ms}], next_attempt_at, created_at}. */
static struct json_object *delivery_item(struct request *req,
	const void *row)
{
	const struct store_devhooks_delivery *d = row;
	struct json_object *o = json_new_object(req), *att = json_new_array(req);

	if (o == NULL || att == NULL)
		return NULL;
	for (size_t i = 0; i < d->nattempts; i++) {
		const struct store_devhooks_attempt *t = &d->attempts[i];
		struct json_object *a = json_new_object(req);

		if (a == NULL || json_set_str(a, "at", t->at) ||
		    (t->status_code > 0 ?
		     json_set_int(a, "status_code", t->status_code) :
		     json_set(a, "status_code", NULL)) ||
		    json_set_str(a, "error", t->error) ||
		    json_set_int(a, "duration_ms", t->duration_ms) ||
		    json_push(att, a) != 0)
			return NULL;
	}
	if (json_set_str(o, "id", d->public_id) ||
	    json_set_str(o, "event_id", d->event_id) ||
	    json_set_str(o, "event_type", d->event_type) ||
	    json_set_str(o, "status", d->status) ||
	    json_set(o, "attempts", att) ||
	    json_set_str(o, "next_attempt_at", d->next_attempt_at) ||
	    json_set_str(o, "created_at", d->created_at))
		return NULL;
	return o;
}

static int hook_deliveries(struct request *req)
{
	struct store_devhooks_endpoint e;
	struct store_devhooks_delivery *d;
	size_t n;
	int rc = path_endpoint(req, &e);

	if (rc != 0)
		return rc;
	rc = store_devhooks_deliveries(req->arena, e.id, req->q.after,
		req->q.limit, &d, &n);
	if (rc != 0)
		return rc;
	return api_list_page(req, "hook_deliveries", d, n, sizeof(*d),
		offsetof(struct store_devhooks_delivery, id), delivery_item);
}

static int hook_redeliver(struct request *req)
{
	const char *did = router_param(req, "delivery_id");
	struct store_devhooks_endpoint e;
	struct json_object *o;
	int rc = path_endpoint(req, &e);

	if (rc != 0)
		return rc;
	if (!validate_uuid(did))
		return DF_ENOTFOUND;
	rc = store_devhooks_redeliver(req->arena, &e, did);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL,
			"The endpoint is disabled: re-enable it (PATCH with "
			"{\"status\": \"active\"}) first.");
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "id", did) ||
	    json_set_str(o, "status", "pending"))
		return DF_ENOMEM;
	return http_set_json(req, 202, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = HOOKS_PATH,
	  .handler = hooks_create, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(create_fields),
	  .check = create_check },
	{ .method = HTTP_GET, .pattern = HOOKS_PATH,
	  .handler = hooks_list, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = HOOKS_PATH "/{id}",
	  .handler = hook_get, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT },
	{ .method = HTTP_PATCH, .pattern = HOOKS_PATH "/{id}",
	  .handler = hook_patch, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(patch_fields) },
	{ .method = HTTP_DELETE, .pattern = HOOKS_PATH "/{id}",
	  .handler = hook_delete, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = HOOKS_PATH "/{id}/deliveries",
	  .handler = hook_deliveries, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(deliveries_query) },
	{ .method = HTTP_POST,
	  .pattern = HOOKS_PATH "/{id}/deliveries/{delivery_id}/redeliver",
	  .handler = hook_redeliver, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT },
};

const struct route_table api_devhooks_table = {
	"devhooks", routes, sizeof(routes) / sizeof(routes[0])
};
