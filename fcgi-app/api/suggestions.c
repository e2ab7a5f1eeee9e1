/* Stores: assist_index, suggestions (ranking: assist_rank). */
/* Ticket deflection: before a ticket is filed, its subject and body are
 * matched by the assistant's ranking (api/shared/assist_rank) against
 * the published knowledge base and the solved forum threads, and up to
 * three are offered; the caller who says one solved it records a
 * self-served request (counted as deflected in the staff reports), and
 * no ticket, so no service level, follows. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/assist_rank.h"
#include "arena.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "router.h"
#include "validate.h"
#include "store/assist_index.h"
#include "store/suggestions.h"
#include "store/users.h"

#define REINDEX_PER_OFFER 20      /* marked sources rebuilt first */

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
	struct assist_source src[STORE_SUGG_MAX];
	struct json_object *o, *arr;
	char pid[37];
	const char *text;
	time_t now = clock_now();
	size_t n, i;
	int forum, rc;

	text = body != NULL && body[0] != '\0' ?
		arena_printf(req->arena, "%s\n%s", subject, body) : subject;
	if (text == NULL)
		return DF_ENOMEM;
	/* What was written since the last look is offered from now on. */
	rc = store_assist_reindex_dirty(req->arena, REINDEX_PER_OFFER, now,
		NULL);
	if (rc != 0)
		return rc;
	/* Any source holding one of the terms may be offered (the
	 * assistant's "I don't know" threshold is for answering). */
	rc = assist_rank(req, text, STORE_SUGG_MAX, 1, src, &n);
	if (rc != 0)
		return rc;
	for (i = 0; i < n; i++) {
		forum = strcmp(src[i].kind, "forum") == 0;
		items[i].article_id = forum ? 0 : src[i].source_id;
		items[i].thread_id = forum ? src[i].source_id : 0;
		items[i].score = src[i].score;
	}
	rc = store_sugg_create(req->auth.authenticated && u != NULL ? u->id : 0,
		subject, items, n, now, pid);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	arr = json_new_array(req);
	if (o == NULL || arr == NULL || json_set_str(o, "suggestion_id", pid) ||
	    json_set(o, "items", arr))
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_new_object(req);

		forum = strcmp(src[i].kind, "forum") == 0;
		if (it == NULL ||
		    json_set_str(it, "kind", src[i].kind) ||
		    json_set_str(it, "slug", forum ? NULL : src[i].ref) ||
		    json_set_str(it, "thread_id", forum ? src[i].ref : NULL) ||
		    json_set_str(it, "title", src[i].title) ||
		    json_set(it, "score", assist_rank_score_json(req,
			src[i].score)) ||
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

static int v_thread(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg, validate_uuid(json_object_get_string(v)),
		"must be the id of a thread this suggestion offered");
}

static const struct json_field solved_fields[] = {
	{ .name = "slug", .type = JF_STRING, .min = 1, .max = 100,
	  .validate = v_slug },
	{ .name = "thread_id", .type = JF_STRING, .min = 36, .max = 36,
	  .validate = v_thread },
};

/* "This solved it": {slug} for an article, {thread_id} for a thread. */
static int solved(struct request *req)
{
	const char *id = router_param(req, "id");
	const char *slug = json_get_str(req->json, "slug", NULL);
	const char *thread = json_get_str(req->json, "thread_id", NULL);
	const char *field = thread != NULL ? "thread_id" : "slug";
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	if ((slug == NULL) == (thread == NULL)) {
		problem_add_error(req, "slug", slug == NULL ? "required" :
			"conflict", "give the slug of an article or the"
			" thread_id of a thread it offered, one of them");
		return problem_send_validation(req);
	}
	rc = store_sugg_solve(req->arena, id, slug, thread, clock_now());
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"This suggestion was already marked as solved.");
	if (rc == DF_EINVAL) {
		problem_add_error(req, field, "not_suggested",
			"is not among the sources this suggestion offered");
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
