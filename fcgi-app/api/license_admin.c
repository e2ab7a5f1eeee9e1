/* Stores: licenses, users, tx. */
/* Licences as people see them: an admin grants (with a signed key),
 * revokes and renews (re-signing the key), all audited; an owner lists
 * their licences with the machines they run on and frees the seat of a
 * lost machine; an admin includes an extension with a plan feature (the
 * download route lets that plan's licences have it). The licence's state
 * is computed from its dates at each answer, never stored. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "signed.h"
#include "clock.h"
#include "validate.h"
#include "store/licenses.h"
#include "store/tx.h"
#include "store/users.h"

/* --- the view */

static struct json_object *machine_json(struct request *req,
	const struct store_lic_machine *m)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL || json_set_str(o, "id", m->public_id) ||
	    json_set_str(o, "fingerprint", m->fingerprint) ||
	    json_set_str(o, "name", m->name) ||
	    json_set_str(o, "activated_at", m->activated_at) ||
	    json_set_str(o, "last_heartbeat_at", m->last_heartbeat_at))
		return NULL;
	return o;
}

/* {id, key, plan, features, status, state, max_activations, activations,
 * machines, expires_at, created_at} (+ user_id for an admin). */
static struct json_object *license_json(struct request *req,
	const struct store_license *l)
{
	struct json_object *o = json_new_object(req), *ms, *f;
	struct store_lic_machine *m;
	size_t n;

	ms = json_new_array(req);
	f = json_own(req, json_tokener_parse(l->features != NULL ?
		l->features : "[]"));
	if (o == NULL || ms == NULL || f == NULL ||
	    store_lic_machines(req->arena, l->id, &m, &n) != 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (json_push(ms, machine_json(req, &m[i])) != 0)
			return NULL;
	if (json_set_str(o, "id", l->public_id) ||
	    json_set_str(o, "key", l->key) ||
	    json_set_str(o, "plan", l->plan) ||
	    json_set(o, "features", f) ||
	    json_set_str(o, "status", l->status) ||
	    json_set_str(o, "state", store_lic_state(l, clock_now())) ||
	    json_set_int(o, "max_activations", l->max_activations) ||
	    json_set_int(o, "activations", l->activations) ||
	    json_set(o, "machines", ms) ||
	    json_set_str(o, "expires_at", l->expires_at) ||
	    json_set_str(o, "created_at", l->created_at))
		return NULL;
	if (req->auth.role == ROLE_ADMIN &&
	    json_set_str(o, "user_id", l->user_public_id))
		return NULL;
	return o;
}

static struct json_object *license_item(struct request *req, const void *row)
{
	return license_json(req, row);
}

static int send_license(struct request *req, int status, const char *pid)
{
	struct store_license l;
	struct json_object *o;
	int rc;

	rc = store_lic_get(req->arena, pid, 0, &l);
	if (rc != 0)
		return rc;
	o = license_json(req, &l);
	if (o == NULL)
		return DF_ENOMEM;
	rc = http_set_json(req, status, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "private, no-store");
	return rc;
}

/* Signing routes without a signer (no license_signing_key_file): 503,
 * nothing written. */
static int no_signer(struct request *req)
{
	return problem_send(req, 503, NULL, "Licence keys cannot be signed "
		"now: the server has no signing key.");
}

/* --- input */

static int v_uuid(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg,
		validate_uuid(json_object_get_string(v)), "must be a UUID");
}

static int v_time(struct json_object *v, const char **code, const char **msg)
{
	int64_t us;

	return json_v_format(code, msg,
		validate_rfc3339(json_object_get_string(v), &us),
		"must be an RFC 3339 date-time");
}

/* A date-time field that is present, as unix seconds (0: absent). */
static int64_t field_time(struct request *req, const char *name)
{
	const char *s = json_get_str(req->json, name, NULL);
	int64_t us;

	if (s == NULL || !validate_rfc3339(s, &us))
		return 0;
	return us / 1000000;
}

static const struct json_field grant_fields[] = {
	{ .name = "user_id", .type = JF_STRING, .required = 1, .min = 36,
	  .max = 36, .validate = v_uuid },
	{ .name = "plan", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 32 },
	{ .name = "expires_at", .type = JF_STRING, .min = 1, .max = 40,
	  .validate = v_time, .nullable = 1 },
	{ .name = "max_activations", .type = JF_INT, .min = 1,
	  .max = STORE_LIC_SEATS_MAX, .nullable = 1 },
};

/* An expiry must be in the future; the table checked its form. */
static int future_check(struct request *req)
{
	if (problem_error_count(req) > 0)
		return 0;
	if (json_get_str(req->json, "expires_at", NULL) != NULL &&
	    field_time(req, "expires_at") <= (int64_t)clock_now())
		problem_add_error(req, "expires_at", "out_of_range",
			"must be in the future");
	return 0;
}

static const struct json_field revoke_fields[] = {
	{ .name = "reason", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 1000, .validate = api_v_notes },
};

static const struct json_field renew_fields[] = {
	{ .name = "expires_at", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 40, .validate = v_time },
};

/* --- POST /admin/licenses */

static int audit_license(struct request *req, const char *event,
	const char *pid, const char *k1, const char *v1, const char *k2,
	int64_t v2)
{
	struct json_object *d = json_new_object(req);

	if (d == NULL || (k1 != NULL && json_set_str(d, k1, v1)) ||
	    (k2 != NULL && json_set_int(d, k2, v2)))
		return DF_ENOMEM;
	return api_audit(req, event, pid, d);
}

static int grant_post(struct request *req)
{
	const char *uid = json_get_str(req->json, "user_id", "");
	const char *plan = json_get_str(req->json, "plan", "");
	int64_t exp = field_time(req, "expires_at");
	int64_t seats = json_get_int(req->json, "max_activations", 0);
	struct store_user u;
	char pid[37];
	int rc;

	if (signed_kid() == NULL)
		return no_signer(req);
	rc = store_users_get(req->arena, STORE_USERS_BY_PUBLIC_ID, uid, &u);
	if (rc == DF_ENOTFOUND) {
		problem_add_error(req, "user_id", "not_found", "no such user");
		return problem_send_validation(req);
	}
	if (rc != 0)
		return rc;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_lic_grant(req->arena, u.id, plan, exp, seats,
		req->auth.sub, clock_now(), pid);
	if (rc == DF_ENOTFOUND) {
		store_tx_rollback();
		problem_add_error(req, "plan", "not_found", "no such plan");
		return problem_send_validation(req);
	}
	if (rc == 0)
		rc = audit_license(req, "admin.license_granted", pid, "plan",
			plan, "max_activations", seats);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	rc = send_license(req, 201, pid);
	if (rc == 0)
		rc = http_set_header(req, "Location", arena_printf(req->arena,
			"/api/v1/licenses/%s", pid));
	return rc;
}

/* --- POST /admin/licenses/{id}/revoke, /renew */

static int revoke_post(struct request *req)
{
	const char *id = router_param(req, "id");
	const char *reason = json_get_str(req->json, "reason", "");
	struct store_license l;
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_lic_get(req->arena, id, 1, &l);
	if (rc == 0)
		rc = store_lic_revoke(l.id, reason);
	if (rc == DF_ECONFLICT) {
		store_tx_rollback();
		return problem_send(req, 409, "conflict", "The licence is "
			"already revoked.");
	}
	if (rc == 0)
		rc = audit_license(req, "admin.license_revoked", id, "reason",
			reason, NULL, 0);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	return send_license(req, 200, id);
}

static int renew_post(struct request *req)
{
	const char *id = router_param(req, "id");
	const char *when = json_get_str(req->json, "expires_at", "");
	int64_t exp = field_time(req, "expires_at");
	struct store_license l;
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	if (signed_kid() == NULL)
		return no_signer(req);
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_lic_get(req->arena, id, 1, &l);
	if (rc != 0)
		return store_tx_end(rc);
	if (strcmp(l.status, "revoked") == 0) {
		store_tx_rollback();
		return problem_send(req, 409, "conflict", "A revoked licence "
			"cannot be renewed.");
	}
	if (l.expires_at == NULL && l.term_seconds == 0) {
		store_tx_rollback();
		return problem_send(req, 409, "conflict", "The licence does "
			"not expire.");
	}
	if (exp <= (int64_t)clock_now() ||
	    (l.expires_at != NULL && exp <= l.expires_unix)) {
		store_tx_rollback();
		problem_add_error(req, "expires_at", "out_of_range",
			"must be in the future and after the current expiry");
		return problem_send_validation(req);
	}
	rc = store_lic_renew(l.id, exp);
	if (rc == 0)
		rc = store_lic_issue_key(req->arena, l.id, clock_now(), NULL);
	if (rc == 0)
		rc = audit_license(req, "admin.license_renewed", id,
			"expires_at", when, "previous_expires_unix",
			l.expires_unix);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	return send_license(req, 200, id);
}

/* --- the owner's reads */

static int list_get(struct request *req)
{
	struct store_license *rows;
	size_t n;
	int rc;

	rc = store_lic_list(req->arena, api_caller_id(req), req->q.after,
		req->q.limit, &rows, &n);
	if (rc != 0)
		return rc;
	rc = api_list_page(req, "licenses", rows, n, sizeof(*rows),
		offsetof(struct store_license, id),
		license_item);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "private, no-store");
	return rc;
}

/* The licence named in the path if the caller may see it: another's is
 * not found, as if it did not exist. */
static int load_visible(struct request *req, int lock,
	struct store_license *l)
{
	const char *id = router_param(req, "id");
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_lic_get(req->arena, id, lock, l);
	if (rc != 0)
		return rc;
	if (l->user_id != api_caller_id(req) && req->auth.role != ROLE_ADMIN)
		return DF_ENOTFOUND;
	return 0;
}

static int one_get(struct request *req)
{
	struct store_license l;
	struct json_object *o;
	int rc;

	rc = load_visible(req, 0, &l);
	if (rc != 0)
		return rc;
	o = license_json(req, &l);
	if (o == NULL)
		return DF_ENOMEM;
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "private, no-store");
	return rc;
}

/* The owner frees the seat of a machine they lost (no key to deactivate
 * it from the machine itself). */
static int machine_delete(struct request *req)
{
	const char *mid = router_param(req, "machine_id");
	struct store_license l;
	int rc;

	if (mid == NULL || !validate_uuid(mid))
		return DF_ENOTFOUND;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = load_visible(req, 1, &l);
	if (rc == 0)
		rc = store_lic_machine_remove(l.id, mid, clock_now());
	if (rc == 0)
		rc = audit_license(req, "license.machine_removed", l.public_id,
			"machine_id", mid, NULL, 0);
	return api_commit_no_content(req, rc);
}

/* --- POST /admin/extensions/{slug}/included-feature */

static int v_feature(struct json_object *v, const char **code,
	const char **msg)
{
	const char *s = json_object_get_string(v);
	int ok = s != NULL && *s != '\0';

	for (; ok && *s != '\0'; s++)
		ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			*s == '_' || *s == '-';
	return json_v_format(code, msg, ok, "must be 1-64 of [a-z0-9_-]");
}

static const struct json_field feature_fields[] = {
	{ .name = "feature", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 64, .validate = v_feature, .nullable = 1 },
};

static int feature_post(struct request *req)
{
	const char *slug = router_param(req, "slug");
	const char *f = json_get_str(req->json, "feature", NULL);
	struct json_object *o;
	int rc;

	if (slug == NULL || !validate_slug(slug, 3, 64))
		return DF_ENOTFOUND;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_lic_set_included_feature(slug, f);
	if (rc == 0)
		rc = audit_license(req, "admin.extension_included_feature",
			slug, "feature", f, NULL, 0);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "slug", slug) ||
	    json_set_str(o, "included_feature", f))
		return DF_ENOMEM;
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "no-store");
	return rc;
}

static const struct query_param list_query[] = {
	API_PAGE_ROWS("licenses"),
};

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/admin/licenses",
	  .handler = grant_post, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(grant_fields),
	  .check = future_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/admin/licenses/{id}/revoke",
	  .handler = revoke_post, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(revoke_fields) },
	{ .method = HTTP_POST, .pattern = "/api/v1/admin/licenses/{id}/renew",
	  .handler = renew_post, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(renew_fields) },
	{ .method = HTTP_GET, .pattern = "/api/v1/licenses",
	  .handler = list_get, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(list_query) },
	{ .method = HTTP_GET, .pattern = "/api/v1/licenses/{id}",
	  .handler = one_get, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_DELETE,
	  .pattern = "/api/v1/licenses/{id}/machines/{machine_id}",
	  .handler = machine_delete, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/extensions/{slug}/included-feature",
	  .handler = feature_post, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(feature_fields) },
};

const struct route_table api_license_admin_table = {
	"license_admin", routes, sizeof(routes) / sizeof(routes[0])
};
