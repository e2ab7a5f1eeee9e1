/* Stores: forum_flags, forum, users. */
/* Forum flags and the moderation queue. POST /forum/posts/{id}/flags
 * (and its older alias /report) needs trust level 1 (moderators count as
 * 4): each flag adds its weight to the post's open review, which hides
 * the post past a threshold and may silence a new author. Moderators
 * read the queue (GET /admin/moderation-queue) and decide a review
 * (POST /admin/moderation-queue/{id}/decision): agree, disagree or
 * ignore, each audited as forum.review_decision. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "api/shared/forum_view.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "role.h"
#include "validate.h"
#include "store/forum.h"
#include "store/forum_flags.h"
#include "store/tx.h"
#include "store/users.h"

static const char *const reasons[] = { "spam", "off_topic", "inappropriate",
	"illegal", "other", NULL };
static const char *const decisions[] = { "agree", "disagree", "ignore",
	NULL };
static const char *const statuses[] = { "pending", "agreed", "disagreed",
	"ignored", NULL };

static int v_reason(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), reasons),
		"must be one of spam, off_topic, inappropriate, illegal, other");
}

static int v_decision(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), decisions),
		"must be one of agree, disagree, ignore");
}

static const struct json_field flag_fields[] = {
	{ .name = "reason", .type = JF_STRING, .required = 1,
	  .validate = v_reason },
	{ .name = "detail", .type = JF_STRING, .nullable = 1, .min = 1,
	  .max = 1000, .validate = api_v_notes },
};

static const struct json_field decision_fields[] = {
	{ .name = "decision", .type = JF_STRING, .required = 1,
	  .validate = v_decision },
};

static const struct query_param queue_query[] = {
	{ .name = "status", .kind = QP_ENUM, .values = statuses,
	  .message = "must be one of pending, agreed, disagreed, ignored" },
	API_PAGE_ROWS("moderation_queue"),
};

static void rules_of(const struct request *req, struct store_fflags_rules *r)
{
	r->hide_score_tenths = req->cfg->forum_flag_hide_score_tenths;
	r->hide_flaggers = req->cfg->forum_flag_hide_flaggers;
	r->cooldown_minutes = req->cfg->forum_hidden_edit_cooldown_minutes;
	r->silence_flaggers = req->cfg->forum_flag_silence_flaggers;
}

/* The {id} path parameter when it is a UUID as the store writes them
 * (lower case); NULL otherwise, answered as 404. */
static const char *path_uuid(const struct request *req)
{
	const char *id = router_param(req, "id");

	if (id == NULL || !validate_uuid(id))
		return NULL;
	for (const char *p = id; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'F')
			return NULL;
	return id;
}

static int flag_post(struct request *req)
{
	struct store_fflags_rules rules;
	struct store_fflags_flagged f;
	enum store_fflags_refusal why = STORE_FFLAGS_OK;
	const char *pid = path_uuid(req);
	int64_t me = api_caller_id(req);
	struct json_object *o;
	int rc;

	if (pid == NULL || me == 0)
		return DF_ENOTFOUND;
	rules_of(req, &rules);
	rc = store_fflags_flag(req->arena, pid, me, forum_view_is_mod(req),
		json_get_str(req->json, "reason", ""),
		json_get_str(req->json, "detail", NULL), &rules, clock_now(),
		&f, &why);
	if (rc == DF_EFORBIDDEN && why == STORE_FFLAGS_LOW_TRUST)
		return problem_send(req, 403, "forbidden", "Flagging posts "
			"needs trust level 1: read a few more topics first.");
	if (rc == DF_EFORBIDDEN && why == STORE_FFLAGS_SILENCED)
		return problem_send(req, 403, "forbidden", "Your account is "
			"silenced until a moderator reviews the flags on your "
			"posts.");
	if (rc == DF_EFORBIDDEN && why == STORE_FFLAGS_OWN_POST)
		return problem_send(req, 403, "forbidden",
			"You cannot flag your own post.");
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"You have flagged this post already.");
	if (rc != 0)
		return rc;
	/* Committed: what the forum shows anonymously may have changed. */
	if (f.hidden)
		store_forum_changed();
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "id", f.review_id) ||
	    json_set_str(o, "post_id", f.post_id) ||
	    json_set_bool(o, "hidden", f.hidden) ||
	    json_set_double(o, "score", f.score) ||
	    http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 201, o);
}

static struct json_object *user_json(struct request *req,
	const struct store_fflags_user *u)
{
	return forum_view_author_json(req, u->username, u->display_name,
		u->trust_level);
}

/* The post as the forum shows it to a moderator (body always), with
 * its thread's title. */
static struct json_object *post_json(struct request *req,
	const struct store_fflags_review *r)
{
	struct forum_view_post v = {
		.id = r->post_id, .thread_id = r->thread_id,
		.with_thread_title = 1, .thread_title = r->thread_title,
		.username = r->author.username,
		.display_name = r->author.display_name,
		.trust_level = r->author.trust_level, .body = r->body,
		.hidden = r->hidden, .accepted = r->accepted,
		.first = r->first, .deleted = r->deleted,
		.revision = r->revision, .created_at = r->post_created_at,
		.updated_at = r->post_updated_at,
		.edited_at = r->post_edited_at,
	};

	return forum_view_post_json(req, &v);
}

static struct json_object *review_json(struct request *req,
	const struct store_fflags_review *r)
{
	struct json_object *o = json_new_object(req);
	struct json_object *flags = json_new_array(req);

	if (o == NULL || flags == NULL)
		return NULL;
	for (size_t i = 0; i < r->nflags; i++) {
		const struct store_fflags_flag_row *f = &r->flags[i];
		struct json_object *fo = json_new_object(req);

		if (fo == NULL || json_set_str(fo, "reason", f->reason) ||
		    json_set_str(fo, "detail", f->detail) ||
		    json_set(fo, "flagger", user_json(req, &f->flagger)) ||
		    json_set_double(fo, "weight", f->weight) ||
		    json_set_str(fo, "created_at", f->created_at) ||
		    json_push(flags, fo))
			return NULL;
	}
	if (json_set_str(o, "id", r->public_id) ||
	    json_set_str(o, "status", r->status) ||
	    json_set_double(o, "score", r->score) ||
	    json_set_int(o, "flaggers", r->flaggers) ||
	    json_set(o, "post", post_json(req, r)) ||
	    json_set(o, "flags", flags) ||
	    json_set_str(o, "created_at", r->created_at) ||
	    json_set_str(o, "decided_at", r->decided_at))
		return NULL;
	if (r->has_decider ? json_set(o, "decided_by",
	    user_json(req, &r->decided_by)) :
	    json_set_str(o, "decided_by", NULL))
		return NULL;
	return o;
}

static struct json_object *review_item(struct request *req, const void *row)
{
	return review_json(req, row);
}

static int queue_list(struct request *req)
{
	struct store_fflags_review *rows;
	size_t n;
	int64_t st = router_query_int(req, "status", 0);
	int rc;

	rc = store_fflags_queue(req->arena, statuses[st], req->q.after,
		req->q.limit, &rows, &n);
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return api_list_page(req, "moderation_queue", rows, n, sizeof(*rows),
		offsetof(struct store_fflags_review, id), review_item);
}

static int decide(struct request *req)
{
	struct store_fflags_rules rules;
	struct store_fflags_decided d;
	struct store_fflags_review r;
	const char *pid = path_uuid(req);
	const char *decision = json_get_str(req->json, "decision", "");
	struct json_object *detail, *o;
	int rc;

	if (pid == NULL)
		return DF_ENOTFOUND;
	rules_of(req, &rules);
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_fflags_decide(req->arena, pid, decision,
		api_caller_id(req), &rules, clock_now(), &d);
	if (rc == 0) {
		/* The audit event commits with the decision or not at all. */
		detail = json_new_object(req);
		if (detail == NULL || json_set_str(detail, "review_id", pid) ||
		    json_set_str(detail, "post_id", d.post_id) ||
		    json_set_str(detail, "decision", decision) ||
		    json_set_int(detail, "flaggers", d.flaggers) ||
		    json_set_bool(detail, "hidden", d.hidden) ||
		    json_set_bool(detail, "unsilenced", d.unsilenced))
			rc = DF_ENOMEM;
		else
			rc = api_audit(req, "forum.review_decision", pid,
				detail);
	}
	rc = store_tx_end(rc);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"This review was decided already.");
	if (rc != 0)
		return rc;
	store_forum_changed();
	rc = store_fflags_review_get(req->arena, pid, &r);
	if (rc != 0)
		return rc;
	o = review_json(req, &r);
	if (o == NULL || http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/posts/{id}/flags",
	  .handler = flag_post, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(flag_fields) },
	/* The older name of the same thing (API.md keeps it). */
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/posts/{id}/report",
	  .handler = flag_post, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(flag_fields) },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/moderation-queue",
	  .handler = queue_list, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(queue_query) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/moderation-queue/{id}/decision",
	  .handler = decide, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(decision_fields) },
};

const struct route_table api_forum_flags_table = {
	"forum_flags", routes, sizeof(routes) / sizeof(routes[0])
};
