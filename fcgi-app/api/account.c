/* Stores: account, logins, tokens, tx, users. */
/* Account recovery and e-mail verification, for callers without a
 * session: POST /api/v1/auth/password-reset (always 202, so the answer
 * does not tell whether an address has an account), .../confirm (a new
 * password for a single-use token; every session ends) and
 * /api/v1/auth/verify-email. A bad, used or expired token is one 422 on
 * the field "token". */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "password.h"
#include "problem.h"
#include "validate.h"
#include "store/account.h"
#include "store/logins.h"
#include "store/tokens.h"
#include "store/tx.h"
#include "store/users.h"

/* At most one reset mail per account per this many seconds: a flood of
 * requests (from many addresses) cannot fill a victim's mailbox. */
#define RESET_MAIL_INTERVAL_S 60
/* A reset request is answered no sooner than this after it arrived, so
 * the few extra statements an existing account costs (a token, a mail)
 * do not show in the answer's timing; the database work is far below it. */
#define RESET_ANSWER_FLOOR_MS 100
#define TOKEN_INPUT_MAX 128

static const struct json_field reset_fields[] = {
	{ .name = "email", .type = JF_STRING, .required = 1,
	  .validate = api_v_email },
};

static const struct json_field confirm_fields[] = {
	{ .name = "token", .type = JF_STRING, .required = 1, .min = 1,
	  .max = TOKEN_INPUT_MAX },
	/* Length and content: password_policy_check, with its own codes. */
	{ .name = "new_password", .type = JF_STRING, .required = 1 },
};

static const struct json_field verify_fields[] = {
	{ .name = "token", .type = JF_STRING, .required = 1, .min = 1,
	  .max = TOKEN_INPUT_MAX },
};

static int send_token_invalid(struct request *req)
{
	problem_add_error(req, "token", "invalid",
		"is unknown, expired or already used");
	return problem_send_validation(req);
}

/* Begins the transaction that acts on a mailed link: the user's row
 * first, as a login takes it (one lock order), then the token is spent,
 * which only one of two requests racing with it gets. 0 with the
 * transaction open; the 422 sent (rolled back) when the token is spent,
 * expired, another user's or the user is gone; another df_err (rolled
 * back) on failure. */
static int spend_token(struct request *req, enum store_tokens_purpose purpose,
	const char *token, const struct store_user *u)
{
	struct store_user spent;
	int rc;

	rc = store_logins_begin(req->arena, u->id, NULL, NULL);
	if (rc == 0) {
		rc = store_tokens_consume(req->arena, purpose, token, &spent);
		if (rc == 0 && spent.id != u->id)
			rc = DF_ENOTFOUND;
		if (rc != 0)
			rc = store_tx_end(rc);
	}
	return rc == DF_ENOTFOUND ? send_token_invalid(req) : rc;
}

/* Waits until floor_ms after the request arrived. */
static void answer_not_before(const struct request *req, unsigned floor_ms)
{
	uint64_t due = req->t_start_ns + (uint64_t)floor_ms * 1000000u;
	uint64_t now = http_now_ns();
	struct timespec ts;

	if (now >= due)
		return;
	ts.tv_sec = (time_t)((due - now) / 1000000000u);
	ts.tv_nsec = (long)((due - now) % 1000000000u);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Known and unknown addresses take the same path through the database
 * (a lookup, then a transaction that writes and commits an audit row),
 * get the same answer, and get it after the same time: the answer waits
 * for RESET_ANSWER_FLOOR_MS. */
static int reset_post(struct request *req)
{
	char email[255];
	struct store_user u;
	struct json_object *o, *d;
	int64_t recent = 0;
	int rc, known;

	if (!validate_email(json_get_str(req->json, "email", ""), email))
		return DF_EINVAL;
	rc = store_users_get(req->arena, STORE_USERS_BY_EMAIL, email, &u);
	if (rc != 0 && rc != DF_ENOTFOUND)
		return rc;
	/* A suspended account gets no mail: it could not log in anyway. */
	known = rc == 0 && u.active;
	if (known) {
		rc = store_tokens_recent(req->arena, u.id,
			STORE_TOKENS_PASSWORD_RESET, RESET_MAIL_INTERVAL_S, &recent);
		if (rc != 0)
			return rc;
	}
	d = json_new_object(req);
	if (d == NULL)
		return DF_ENOMEM;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	if (known && recent == 0)
		rc = api_account_send_reset(req, &u);
	if (rc == 0 && (json_set_bool(d, "known_account", known) ||
	    (known && json_set_bool(d, "mail_queued", recent == 0))))
		rc = DF_ENOMEM;
	if (rc == 0)
		rc = api_audit(req, "auth.password_reset_requested",
			known ? u.public_id : NULL, d);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "status", "accepted"))
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	answer_not_before(req, RESET_ANSWER_FLOOR_MS);
	return http_set_json(req, 202, o);
}

static int reset_confirm_post(struct request *req)
{
	const char *token, *fresh, *code, *msg;
	char phc[PASSWORD_PHC_MAX];
	struct store_user u;
	uint64_t revoked = 0;
	int rc;

	token = json_get_str(req->json, "token", "");
	fresh = json_get_str(req->json, "new_password", "");
	/* Look first, spend later: a new password the policy refuses must
	 * not use the link up. */
	rc = store_tokens_peek(req->arena, STORE_TOKENS_PASSWORD_RESET, token, &u);
	if (rc == DF_ENOTFOUND || (rc == 0 && !u.active))
		return send_token_invalid(req);
	if (rc != 0)
		return rc;
	if (password_policy_check(fresh, u.username, u.email, &code, &msg) != 0) {
		problem_add_error(req, "new_password", code, msg);
		return problem_send_validation(req);
	}
	rc = password_hash(fresh, strlen(fresh), &req->cfg->password, phc,
		sizeof(phc));
	if (rc != 0)
		return rc;

	rc = spend_token(req, STORE_TOKENS_PASSWORD_RESET, token, &u);
	if (rc != 0)
		return rc;
	rc = store_account_set_password(u.id, phc, NULL);
	/* Every session ends, the lockout is lifted (the mailbox owner has
	 * proven who they are), other reset links die, and the address
	 * counts as verified: the link reached it. */
	if (rc == 0)
		rc = api_sessions_end(u.id, 1, &revoked);
	if (rc == 0)
		rc = store_logins_clear(req->arena, u.id);
	if (rc == 0)
		rc = store_account_mark_verified(u.id);
	if (rc == 0)
		rc = api_audit_sessions_ended(req, "auth.password_reset",
			u.public_id, revoked);
	return api_commit_no_content(req, rc);
}

static int verify_post(struct request *req)
{
	struct store_user u;
	const char *token;
	int rc;

	token = json_get_str(req->json, "token", "");
	rc = store_tokens_peek(req->arena, STORE_TOKENS_EMAIL_VERIFY, token, &u);
	if (rc == DF_ENOTFOUND)
		return send_token_invalid(req);
	if (rc != 0)
		return rc;
	rc = spend_token(req, STORE_TOKENS_EMAIL_VERIFY, token, &u);
	if (rc != 0)
		return rc;
	rc = store_account_mark_verified(u.id);
	if (rc == 0)
		rc = api_audit(req, "auth.email_verified", u.public_id, NULL);
	return api_commit_no_content(req, rc);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/password-reset",
	  .handler = reset_post, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(reset_fields) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/auth/password-reset/confirm",
	  .handler = reset_confirm_post, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(confirm_fields) },
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/verify-email",
	  .handler = verify_post, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(verify_fields) },
};

const struct route_table api_account_table = {
	"account", routes, sizeof(routes) / sizeof(routes[0])
};
