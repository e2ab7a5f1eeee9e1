/* Stores: logins, mfa, tx, users. */
/* TOTP multi-factor authentication for the caller's account: start an
 * enrolment (a pending secret and its otpauth:// URI), confirm it with a
 * code from the app (MFA on, ten single-use recovery codes shown once),
 * and turn it off again with the password and a code. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "password.h"
#include "problem.h"
#include "totp.h"
#include "store/logins.h"
#include "store/mfa.h"
#include "store/tx.h"
#include "store/users.h"

#define MFA_ISSUER "Dev Forge"
#define PASSWORD_INPUT_MAX 1024
#define CODE_INPUT_MAX 32
#define OTPAUTH_URI_MAX 1024

static const struct json_field confirm_fields[] = {
	{ .name = "code", .type = JF_STRING, .required = 1, .min = 1,
	  .max = CODE_INPUT_MAX },
};

static const struct json_field disable_fields[] = {
	{ .name = "password", .type = JF_STRING, .required = 1, .min = 1,
	  .max = PASSWORD_INPUT_MAX },
	{ .name = "code", .type = JF_STRING, .required = 1, .min = 1,
	  .max = CODE_INPUT_MAX },
};

static int send_code_invalid(struct request *req)
{
	problem_add_error(req, "code", "invalid",
		"is not a current code of this account's authenticator");
	return problem_send_validation(req);
}

/* The caller's row when its MFA is on (on 1) or off (on 0) as the route
 * needs; else the 409 saying so (DF_ERESPONDED). */
static int caller_with_mfa(struct request *req, struct store_user *u,
	int on, const char *conflict)
{
	int rc = api_caller(req, u);

	if (rc == 0 && (u->mfa_enabled != 0) != on)
		rc = problem_send(req, 409, "conflict", conflict);
	return rc;
}

static int enrol_post(struct request *req)
{
	unsigned char key[TOTP_SECRET_LEN];
	char b32[TOTP_SECRET_B32_LEN + 1], uri[OTPAUTH_URI_MAX];
	struct json_object *o;
	struct store_user u;
	int rc;

	rc = caller_with_mfa(req, &u, 0, "Two-factor authentication is on "
		"already; turn it off first to enrol another authenticator.");
	if (rc != 0)
		return rc;
	rc = totp_secret_new(key, b32);
	crypto_wipe(key, sizeof(key));
	if (rc != 0)
		return rc;
	rc = totp_uri(MFA_ISSUER, u.email, b32, uri, sizeof(uri));
	if (rc != 0)
		return DF_EINTERNAL;
	/* Pending until confirmed: a login does not ask for it yet. */
	rc = store_mfa_set_pending(u.id, b32);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict", "Two-factor "
			"authentication is on already.");
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "secret", b32) ||
	    json_set_str(o, "otpauth_uri", uri))
		return DF_ENOMEM;
	crypto_wipe(b32, sizeof(b32));
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int confirm_post(struct request *req)
{
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1];
	unsigned char hashes[TOTP_RECOVERY_COUNT][32];
	struct json_object *o, *arr;
	struct store_user u;
	int64_t step = 0;
	int rc;

	rc = caller_with_mfa(req, &u, 0, "Two-factor authentication is on "
		"already.");
	if (rc != 0)
		return rc;
	if (u.mfa_secret == NULL)
		return problem_send(req, 409, "conflict", "No enrolment is "
			"pending: start one with POST /api/v1/me/mfa/totp.");
	rc = api_totp_check(u.mfa_secret, json_get_str(req->json, "code", ""),
		&step);
	if (rc == DF_EAUTH)
		return send_code_invalid(req);
	if (rc != 0)
		return rc;

	rc = totp_recovery_codes(codes, TOTP_RECOVERY_COUNT);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++) {
		char norm[TOTP_RECOVERY_CHARS + 1];

		if (totp_recovery_normalize(codes[i], norm) != 0)
			return DF_EINTERNAL;
		crypto_sha256(norm, strlen(norm), hashes[i]);
		crypto_wipe(norm, sizeof(norm));
	}
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	/* The secret must still be the one the code was checked against:
	 * a second enrolment started meanwhile makes this a conflict. */
	rc = store_mfa_enable(u.id, u.mfa_secret, step);
	if (rc == DF_ECONFLICT) {
		store_tx_rollback();
		return problem_send(req, 409, "conflict", "The enrolment changed "
			"meanwhile; start it again.");
	}
	if (rc == 0)
		rc = store_mfa_recovery_replace(u.id,
			(const unsigned char (*)[32])hashes, TOTP_RECOVERY_COUNT);
	if (rc == 0)
		rc = api_audit(req, "auth.mfa_enabled", u.public_id, NULL);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;

	o = json_new_object(req);
	arr = json_new_array(req);
	rc = o == NULL || arr == NULL ? DF_ENOMEM : 0;
	for (size_t i = 0; rc == 0 && i < TOTP_RECOVERY_COUNT; i++)
		rc = json_push_str(arr, codes[i]);
	crypto_wipe(codes, sizeof(codes));
	if (rc != 0 || json_set(o, "recovery_codes", arr) != 0)
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int disable_delete(struct request *req)
{
	const char *password, *how = NULL;
	struct json_object *d;
	struct store_user u;
	int64_t attempt = 0;
	int rc;

	rc = caller_with_mfa(req, &u, 1, "Two-factor authentication is off.");
	if (rc != 0)
		return rc;
	password = json_get_str(req->json, "password", "");
	/* Both the password and the code count toward the login lockout:
	 * a stolen access token must not be a way round it. */
	rc = api_attempt_begin(req, &u, "auth.mfa_disable_failed", &attempt);
	if (rc != 0)
		return rc;
	rc = password_verify(password, strlen(password), u.password_hash, NULL,
		&req->cfg->password);
	if (rc == DF_EAUTH || rc == DF_EINVAL) {
		rc = api_attempt_failed(req, &u, "auth.mfa_disable_failed",
			"password");
		if (rc != 0)
			return rc;
		problem_add_error(req, "password", "invalid",
			"is not the password of this account");
		return problem_send_validation(req);
	}
	if (rc != 0)
		return rc;

	/* The user's row first, as a login takes it, then the code. */
	rc = store_logins_begin(req->arena, u.id, NULL, NULL);
	if (rc != 0)
		return rc;
	rc = api_second_factor(&u, json_get_str(req->json, "code", ""), &how);
	if (rc == DF_EAUTH) {
		store_tx_rollback();
		rc = api_attempt_failed(req, &u, "auth.mfa_disable_failed",
			"mfa");
		return rc != 0 ? rc : send_code_invalid(req);
	}
	/* Password and code were right: not a failure after all. */
	if (rc == 0)
		rc = store_logins_drop_attempt(attempt);
	if (rc == 0)
		rc = store_mfa_disable(u.id);
	if (rc == DF_ECONFLICT) {
		store_tx_rollback();
		return problem_send(req, 409, "conflict", "Two-factor "
			"authentication is off.");
	}
	/* Which factor turned it off, as the login records it: a recovery
	 * code here is worth a look. */
	if (rc == 0) {
		d = json_new_object(req);
		if (d != NULL && json_set_str(d, "mfa", how) != 0)
			d = NULL; /* recorded bare, as without memory */
		rc = api_audit(req, "auth.mfa_disabled", u.public_id, d);
	}
	return api_commit_no_content(req, rc);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/me/mfa/totp",
	  .handler = enrol_post, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/me/mfa/totp/confirm",
	  .handler = confirm_post, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(confirm_fields) },
	/* It checks a password and a code: limited per address like the
	 * auth routes. */
	{ .method = HTTP_DELETE, .pattern = "/api/v1/me/mfa/totp",
	  .handler = disable_delete, .role = ROLE_USER, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(disable_fields) },
};

const struct route_table api_mfa_table = {
	"mfa", routes, sizeof(routes) / sizeof(routes[0])
};
