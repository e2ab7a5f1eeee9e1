/* Stores: assist_outcomes, users. */
/* POST /support/assistant/conversations/{id}/resolved {kind?,
 * slug_or_id?}: "this solved it". The conversation ends self-served and
 * credits one source: the one named, which must be among the sources its
 * replies cited (422 otherwise), or else the top source of its last reply
 * that cited any (none when no reply cited a source: it still counts as
 * self-served). Who may: the owner of a signed-in user's conversation;
 * anyone holding the id of an anonymous one (the id is its only key, as
 * for continuing it). Someone else's is 404, not 403: its existence is
 * not told. A conversation no longer open (solved already, escalated,
 * abandoned) is 409 and changes nothing. The staff reports count it
 * (api/support_reports.c). */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "router.h"
#include "validate.h"
#include "store/assist_outcomes.h"
#include "store/users.h"

static int v_kind(struct json_object *v, const char **code,
	const char **msg)
{
	const char *s = json_object_get_string(v);

	return json_v_format(code, msg, strcmp(s, "kb") == 0 ||
		strcmp(s, "forum") == 0, "must be kb or forum");
}

static const struct json_field resolved_fields[] = {
	{ .name = "kind", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_kind, .nullable = 1 },
	{ .name = "slug_or_id", .type = JF_STRING, .min = 1, .max = 200,
	  .validate = api_v_line, .nullable = 1 },
};

/* The source to credit: in *kind and *sid, NULL when there is none to
 * find. want_kind/want_sid NULL: the top source of the last reply citing
 * any; else that source when a reply cited it (*found 0 when none did). */
static void pick_source(struct request *req,
	const struct store_assist_outcome *c, const char *want_kind,
	const char *want_sid, const char **kind, const char **sid, int *found)
{
	*kind = *sid = NULL;
	*found = 0;
	for (size_t i = c->nreplies; i-- > 0;) {
		struct json_object *arr;
		size_t n;

		if (c->sources[i] == NULL)
			continue;
		arr = json_own(req, json_tokener_parse(c->sources[i]));
		if (arr == NULL || !json_object_is_type(arr, json_type_array))
			continue;
		n = json_object_array_length(arr);
		for (size_t j = 0; j < n; j++) {
			struct json_object *s = json_object_array_get_idx(arr, j);
			const char *k = json_get_str(s, "kind", NULL);
			const char *id = json_get_str(s, "slug_or_id", NULL);

			if (k == NULL || id == NULL)
				continue;
			if (want_kind == NULL || (strcmp(k, want_kind) == 0 &&
			    strcmp(id, want_sid) == 0)) {
				*kind = k;
				*sid = id;
				*found = 1;
				return;
			}
		}
	}
}

static int resolved(struct request *req)
{
	const char *pid = router_param(req, "id");
	const char *want_kind = json_get_str(req->json, "kind", NULL);
	const char *want_sid = json_get_str(req->json, "slug_or_id", NULL);
	const struct store_user *u = req->auth.user;
	struct store_assist_outcome c;
	const char *kind, *sid;
	struct json_object *o, *credited;
	int64_t source_id = 0;
	int found, rc;

	if ((want_kind == NULL) != (want_sid == NULL)) {
		problem_add_error(req, want_kind == NULL ? "kind" : "slug_or_id",
			"required", "kind and slug_or_id go together");
		return problem_send_validation(req);
	}
	if (pid == NULL || !validate_uuid(pid))
		return DF_ENOTFOUND;
	rc = store_assist_outcome_conv(req->arena, pid, &c);
	if (rc != 0)
		return rc;
	if (c.user_id != 0 && (!req->auth.authenticated || u == NULL ||
	    u->id != c.user_id))
		return DF_ENOTFOUND;
	if (strcmp(c.status, "open") != 0)
		return problem_send(req, 409, "conflict", "This conversation "
			"has already ended.");
	pick_source(req, &c, want_kind, want_sid, &kind, &sid, &found);
	if (want_kind != NULL && !found) {
		problem_add_error(req, "slug_or_id", "not_cited",
			"is not among the sources this conversation cited");
		return problem_send_validation(req);
	}
	if (kind != NULL) {
		rc = store_assist_source_id(req->arena, kind, sid, &source_id);
		/* A source deleted since it was cited: the conversation is
		 * still self-served, with nothing to credit. */
		if (rc == DF_ENOTFOUND)
			kind = sid = NULL;
		else if (rc != 0)
			return rc;
	}
	rc = store_assist_resolve(c.id, kind, source_id, clock_now());
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict", "This conversation "
			"has already ended.");
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	credited = kind != NULL ? json_new_object(req) : NULL;
	if (o == NULL || (kind != NULL && (credited == NULL ||
	    json_set_str(credited, "kind", kind) ||
	    json_set_str(credited, "slug_or_id", sid))) ||
	    json_set_str(o, "conversation_id", pid) ||
	    json_set_str(o, "status", "self_served") ||
	    json_set(o, "credited", credited))
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/support/assistant/conversations/{id}/resolved",
	  .handler = resolved, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(resolved_fields) },
};

const struct route_table api_assistant_outcomes_table = {
	"assistant_outcomes", routes, sizeof(routes) / sizeof(routes[0])
};
