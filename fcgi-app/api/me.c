/* Stores: account, logins, tx, users. */
/* The caller's own account: GET/PATCH /api/v1/me and POST
 * /api/v1/me/password. Every route reads the user named by the verified
 * token and nothing else, so there is no id to tamper with. A password
 * change ends every session, the caller's own included: the answer is
 * 204 without new tokens, and the client logs in again. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "password.h"
#include "problem.h"
#include "store/account.h"
#include "store/logins.h"
#include "store/tx.h"
#include "store/users.h"

/* Longest password accepted for checking (a new one is bounded by the
 * policy); more is refused before any hashing. */
#define PASSWORD_INPUT_MAX 1024

static const struct json_field patch_fields[] = {
	{ .name = "display_name", .type = JF_STRING, .min = 1,
	  .max = API_DISPLAY_NAME_MAX, .validate = api_v_display_name,
	  .nullable = 1 },
};

static const struct json_field password_fields[] = {
	{ .name = "current_password", .type = JF_STRING, .required = 1,
	  .min = 1, .max = PASSWORD_INPUT_MAX },
	/* Length and content: password_policy_check, with its own codes. */
	{ .name = "new_password", .type = JF_STRING, .required = 1 },
};

static int send_user(struct request *req, const struct store_user *u)
{
	struct json_object *o = api_user_json(req, u, 0);

	if (o == NULL)
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int me_get(struct request *req)
{
	/* The auth hook has just read the caller's row: no second query. */
	const struct store_user *u = req->auth.user;

	return u != NULL ? send_user(req, u) : DF_EAUTH;
}

static int me_patch(struct request *req)
{
	struct json_object *v;
	struct store_user u;
	int rc;

	rc = api_caller(req, &u);
	if (rc != 0)
		return rc;
	/* Absent: unchanged; null: cleared; a string: set. */
	if (json_object_object_get_ex(req->json, "display_name", &v)) {
		rc = store_account_set_display_name(u.id,
			v != NULL ? json_object_get_string(v) : NULL);
		if (rc == DF_ENOTFOUND)
			return DF_EAUTH;
		if (rc != 0)
			return rc;
		rc = api_caller(req, &u);
		if (rc != 0)
			return rc;
	}
	return send_user(req, &u);
}

static int password_post(struct request *req)
{
	const char *current, *fresh, *code, *msg;
	char phc[PASSWORD_PHC_MAX];
	struct store_user u;
	uint64_t revoked = 0;
	int64_t attempt = 0;
	int rc;

	current = json_get_str(req->json, "current_password", NULL);
	fresh = json_get_str(req->json, "new_password", NULL);
	rc = api_caller(req, &u);
	if (rc != 0)
		return rc;
	if (password_policy_check(fresh, u.username, u.email, &code, &msg) != 0) {
		problem_add_error(req, "new_password", code, msg);
		return problem_send_validation(req);
	}

	/* A stolen access token must not be a way to guess the password
	 * past the login lockout: this check counts toward the same one. */
	rc = api_attempt_begin(req, &u, "auth.password_change_failed",
		&attempt);
	if (rc != 0)
		return rc;
	/* A wrong current password is a field error, not a 401: the
	 * caller's token is fine, and a 401 would send clients to log in. */
	rc = password_verify(current, strlen(current), u.password_hash, NULL,
		&req->cfg->password);
	if (rc == DF_EAUTH || rc == DF_EINVAL) {
		rc = api_attempt_failed(req, &u, "auth.password_change_failed",
			"password");
		if (rc != 0)
			return rc;
		problem_add_error(req, "current_password", "invalid",
			"is not the password of this account");
		return problem_send_validation(req);
	}
	if (rc != 0)
		return rc;
	rc = store_logins_drop_attempt(attempt);
	if (rc != 0)
		return rc;
	if (password_verify(fresh, strlen(fresh), u.password_hash, NULL,
	    &req->cfg->password) == 0) {
		problem_add_error(req, "new_password", "same_as_current",
			"must differ from the current password");
		return problem_send_validation(req);
	}
	rc = password_hash(fresh, strlen(fresh), &req->cfg->password, phc,
		sizeof(phc));
	if (rc != 0)
		return rc;

	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_account_set_password(u.id, phc, u.password_hash);
	if (rc == DF_ECONFLICT) {
		store_tx_rollback();
		return problem_send(req, 409, "conflict", "The password was "
			"changed by another request meanwhile.");
	}
	/* Every session ends, and old reset links stop working. */
	if (rc == 0)
		rc = api_sessions_end(u.id, 1, &revoked);
	if (rc == 0)
		rc = api_account_send_password_changed(req, &u);
	if (rc == 0)
		rc = api_audit_sessions_ended(req, "auth.password_changed",
			u.public_id, revoked);
	return api_commit_no_content(req, rc);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/me", .handler = me_get,
	  .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_PATCH, .pattern = "/api/v1/me", .handler = me_patch,
	  .role = ROLE_USER, .rl = RL_DEFAULT, .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(patch_fields) },
	/* It checks a password: limited per address like the auth routes,
	 * so a stolen access token cannot guess the password at speed. */
	{ .method = HTTP_POST, .pattern = "/api/v1/me/password",
	  .handler = password_post, .role = ROLE_USER, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(password_fields) },
};

const struct route_table api_me_table = {
	"me", routes, sizeof(routes) / sizeof(routes[0])
};
