/* Stores: kb, suggestions. */
/* Ticket deflection: before a ticket is filed, its subject and body are
 * matched against the published knowledge base and up to three
 * articles are offered; the caller who says one solved it records a
 * self-served request (counted as deflected in the staff reports), and
 * no ticket, so no service level, follows. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "router.h"
#include "validate.h"
#include "store/kb.h"
#include "store/suggestions.h"
#include "store/users.h"

static const struct json_field suggest_fields[] = {
	{ .name = "subject", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 200, .validate = api_v_line },
	{ .name = "body", .type = JF_STRING, .max = 10000,
	  .validate = api_v_text, .nullable = 1 },
};

static int suggest(struct request *req)
{
	const char *subject = json_get_str(req->json, "subject", NULL);
	const char *body = json_get_str(req->json, "body", NULL);
	const struct store_user *u = req->auth.user;
	struct store_sugg_item items[STORE_SUGG_MAX];
	struct store_kb_article *rows;
	struct json_object *o, *arr;
	char pid[37];
	const char *text;
	size_t n, i;
	int rc;

	text = body != NULL && body[0] != '\0' ?
		arena_printf(req->arena, "%s\n%s", subject, body) : subject;
	if (text == NULL)
		return DF_ENOMEM;
	rc = store_kb_search(req->arena, text, STORE_SUGG_MAX, &rows, &n);
	if (rc != 0)
		return rc;
	for (i = 0; i < n; i++) {
		items[i].article_id = rows[i].id;
		items[i].score = (double)rows[i].score / STORE_KB_SCORE_SCALE;
	}
	rc = store_sugg_create(req->auth.authenticated && u != NULL ? u->id : 0,
		subject, items, n, clock_now(), pid);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	arr = json_new_array(req);
	if (o == NULL || arr == NULL || json_set_str(o, "suggestion_id", pid) ||
	    json_set(o, "items", arr))
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_new_object(req), *score;

		score = api_kb_score_json(req, rows[i].score);
		if (it == NULL || score == NULL ||
		    json_set_str(it, "kind", "kb") ||
		    json_set_str(it, "slug", rows[i].slug) ||
		    json_set_str(it, "title", rows[i].title) ||
		    json_set(it, "score", score) ||
		    json_push(arr, it) != 0)
			return DF_ENOMEM;
	}
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int v_slug(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg, validate_slug(json_object_get_string(v),
		1, 100), "must be the slug of an article this suggestion "
		"offered");
}

static const struct json_field solved_fields[] = {
	{ .name = "slug", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 100, .validate = v_slug },
};

static int solved(struct request *req)
{
	const char *id = router_param(req, "id");
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_sugg_solve(req->arena, id,
		json_get_str(req->json, "slug", NULL), clock_now());
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"This suggestion was already marked as solved.");
	if (rc == DF_EINVAL) {
		problem_add_error(req, "slug", "not_suggested",
			"is not among the articles this suggestion offered");
		return problem_send_validation(req);
	}
	if (rc != 0)
		return rc;
	return api_no_content(req);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/support/tickets/suggestions",
	  .handler = suggest, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(suggest_fields) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/support/tickets/suggestions/{id}/solved",
	  .handler = solved, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(solved_fields) },
};

const struct route_table api_suggestions_table = {
	"suggestions", routes, sizeof(routes) / sizeof(routes[0])
};
