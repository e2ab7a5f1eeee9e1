/* Stores: logins, sessions, tx, users. */
/* Sessions: register, login, refresh, logout, logout-all. A session is an
 * access JWT (short, checked on every request against the user's token
 * version) plus a refresh token (opaque, stored hashed, rotated on every
 * use, grouped in a family so that a replayed token ends the login it
 * belongs to). Logins are guarded by a lockout kept in the database, so
 * every worker on every host sees the same count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "password.h"
#include "problem.h"
#include "shm.h"
#include "token.h"
#include "totp.h"
#include "validate.h"
#include "store/logins.h"
#include "store/sessions.h"
#include "store/tx.h"
#include "store/users.h"

#define REFRESH_COOKIE "df_refresh"
#define REFRESH_COOKIE_PATH "/api/v1/auth"
/* A login password longer than any the policy accepts cannot match; the
 * cap keeps absurd bodies from reaching scrypt. */
#define LOGIN_PASSWORD_MAX 1024
#define USER_AGENT_MAX 255        /* refresh_tokens.user_agent */
#define CLIENT_ADDR_MAX 45        /* refresh_tokens.client_addr */

/* One sentence for every credential failure, so the answer never tells
 * an unknown address from a wrong password. */
static const char bad_credentials[] =
	"The e-mail address or the password is wrong.";

/* ------------------------------------------------------------ fields */

/* Names that are literal segments beside /developers/{username}: a user
 * holding one would have a public profile no URL reaches. */
static const char *const reserved_usernames[] = { "applications", NULL };

static int v_username(struct json_object *v, const char **code,
	const char **msg)
{
	const char *s = json_object_get_string(v);

	if (!validate_username(s)) {
		*code = "invalid_format";
		*msg = "must be 3-32 characters of a-z, 0-9, '_' and '-'";
		return -1;
	}
	if (validate_enum(s, reserved_usernames)) {
		*code = "reserved";
		*msg = "is reserved";
		return -1;
	}
	return 0;
}

static const struct json_field register_fields[] = {
	{ .name = "email", .type = JF_STRING, .required = 1,
	  .validate = api_v_email },
	{ .name = "username", .type = JF_STRING, .required = 1,
	  .validate = v_username },
	/* Length and content: password_policy_check, with its own codes. */
	{ .name = "password", .type = JF_STRING, .required = 1 },
	{ .name = "display_name", .type = JF_STRING, .min = 1,
	  .max = API_DISPLAY_NAME_MAX, .validate = api_v_display_name,
	  .nullable = 1 },
};

static const struct json_field login_fields[] = {
	{ .name = "email", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 254 },
	{ .name = "password", .type = JF_STRING, .required = 1, .min = 1,
	  .max = LOGIN_PASSWORD_MAX },
	{ .name = "totp_code", .type = JF_STRING, .min = 1, .max = 32,
	  .nullable = 1 },
};

static const struct json_field refresh_fields[] = {
	{ .name = "refresh_token", .type = JF_STRING, .min = 1, .max = 256,
	  .nullable = 1 },
};

/* ------------------------------------------------------------ helpers */

/* The User-Agent as stored beside a refresh token: printable ASCII up to
 * the column's size, or nothing. */
static const char *user_agent(struct request *req)
{
	const char *ua = req->user_agent;
	size_t n;

	if (ua == NULL)
		return NULL;
	for (n = 0; ua[n] != '\0' && n < USER_AGENT_MAX; n++)
		if ((unsigned char)ua[n] < 0x20 || (unsigned char)ua[n] > 0x7e)
			break;
	return n > 0 ? arena_strndup(req->arena, ua, n) : NULL;
}

static const char *client_addr(const struct request *req)
{
	const char *a = req->remote_addr;

	return a != NULL && *a != '\0' && strlen(a) <= CLIENT_ADDR_MAX ? a : NULL;
}

/* df_refresh=<token> for browsers (Max-Age 0 and no token: cleared).
 * Secure always: a browser keeps it only over HTTPS, which is how the
 * product is served. */
static int set_refresh_cookie(struct request *req, const char *token,
	unsigned max_age)
{
	char *c = arena_printf(req->arena, REFRESH_COOKIE "=%s; Path="
		REFRESH_COOKIE_PATH "; HttpOnly; Secure; SameSite=Strict;"
		" Max-Age=%u", token != NULL ? token : "", max_age);

	if (c == NULL)
		return DF_ENOMEM;
	return http_set_header(req, "Set-Cookie", c);
}

/* The refresh token a request presents (req->checked). */
struct refresh_in {
	const char *token;
	int from_cookie;
};

/* The check of the refresh and logout routes, once the body's table
 * passed: the refresh token from the body, else from the cookie; a 422
 * naming the field when neither has one. */
static int refresh_check(struct request *req)
{
	struct refresh_in *in;

	if (problem_error_count(req) > 0)
		return 0;
	in = arena_calloc(req->arena, 1, sizeof(*in));
	if (in == NULL)
		return DF_ENOMEM;
	req->checked = in;
	in->token = json_get_str(req->json, "refresh_token", NULL);
	if (in->token == NULL) {
		in->token = http_cookie(req, REFRESH_COOKIE);
		in->from_cookie = in->token != NULL;
	}
	if (in->token == NULL)
		problem_add_error(req, "refresh_token", "required",
			"is required (in the body or the " REFRESH_COOKIE
			" cookie)");
	return 0;
}

static struct json_object *detail_obj(struct request *req, const char *k,
	const char *v)
{
	struct json_object *o = json_new_object(req);

	if (o != NULL && k != NULL && json_set_str(o, k, v) != 0)
		return NULL;
	return o;
}

/* An access token for u, minted before the transaction that creates its
 * refresh token commits, so a failure here leaves nothing behind. */
static int access_token(struct request *req, const struct store_user *u,
	const char **out)
{
	char *tok = NULL;
	int rc;

	rc = token_issue(req->cfg, u->public_id, u->role, u->token_version,
		(int64_t)time(NULL), &tok);
	if (rc != 0)
		return rc;
	*out = arena_strdup(req->arena, tok);
	free(tok);
	return *out != NULL ? 0 : DF_ENOMEM;
}

/* {user?, access_token, refresh_token, token_type, expires_in}, the
 * cookie, and no caching anywhere on the way. */
static int send_session(struct request *req, int status,
	const struct store_user *u, const char *access, const char *refresh,
	int with_user)
{
	struct json_object *o = json_new_object(req), *uj;

	if (o == NULL)
		return DF_ENOMEM;
	if (with_user) {
		uj = api_user_json(req, u, 0);
		if (uj == NULL || json_set(o, "user", uj) != 0)
			return DF_ENOMEM;
	}
	if (json_set_str(o, "access_token", access) ||
	    json_set_str(o, "refresh_token", refresh) ||
	    json_set_str(o, "token_type", "Bearer") ||
	    json_set_int(o, "expires_in", req->cfg->access_token_ttl))
		return DF_ENOMEM;
	if (set_refresh_cookie(req, refresh, req->cfg->refresh_token_ttl) ||
	    http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

/* ------------------------------------------------------------ register */

/* The route's check: the password policy, which may name the username
 * and address when those are valid; it runs beside the table's errors so
 * that every error is answered at once. */
static int register_check(struct request *req)
{
	const char *email_in = json_get_str(req->json, "email", NULL);
	const char *username = json_get_str(req->json, "username", NULL);
	const char *password = json_get_str(req->json, "password", NULL);
	const char *code, *msg;
	char email[255];
	int email_ok, name_ok;

	email_ok = email_in != NULL && validate_email(email_in, email);
	name_ok = username != NULL && validate_username(username);
	if (password != NULL && password_policy_check(password,
	    name_ok ? username : NULL, email_ok ? email : NULL, &code,
	    &msg) != 0)
		problem_add_error(req, "password", code, msg);
	return 0;
}

static int register_post(struct request *req)
{
	const char *email_in, *username, *password, *display_name;
	const char *conflict = NULL, *access;
	char email[255], phc[PASSWORD_PHC_MAX];
	char refresh[STORE_SESSIONS_TOKEN_LEN + 1];
	struct store_user u;
	int rc;

	email_in = json_get_str(req->json, "email", NULL);
	username = json_get_str(req->json, "username", NULL);
	password = json_get_str(req->json, "password", NULL);
	display_name = json_get_str(req->json, "display_name", NULL);
	if (!validate_email(email_in, email))
		return DF_EINTERNAL; /* api_v_email let it through: cannot happen */

	/* The slow part, before any row is locked. */
	rc = password_hash(password, strlen(password), &req->cfg->password,
		phc, sizeof(phc));
	if (rc != 0)
		return rc;

	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_users_create(req->arena, email, username, display_name, phc,
		&u, &conflict);
	if (rc == DF_ECONFLICT) {
		store_tx_rollback();
		problem_add_error(req, conflict, "taken", strcmp(conflict,
			"email") == 0 ? "is already registered" : "is taken");
		return problem_send(req, 409, "conflict", strcmp(conflict,
			"email") == 0 ? "An account with this e-mail address "
			"already exists." : "This username is taken.");
	}
	if (rc != 0)
		return store_tx_end(rc);
	/* The verification mail commits with the account or not at all. */
	rc = api_account_send_verification(req, &u);
	if (rc == 0)
		rc = store_sessions_issue(u.id, NULL,
			req->cfg->refresh_token_ttl, client_addr(req),
			user_agent(req), refresh, NULL);
	if (rc == 0)
		rc = api_audit(req, "auth.register", u.public_id, NULL);
	if (rc == 0)
		rc = access_token(req, &u, &access);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Location", "/api/v1/me") != 0)
		return DF_ENOMEM;
	return send_session(req, 201, &u, access, refresh, 1);
}

/* ------------------------------------------------------------ login */

/* min(base * 2^lockouts, max) without overflow. */
static unsigned lock_seconds(const struct config *cfg, int64_t lockouts)
{
	uint64_t d = cfg->lockout_base_seconds;

	for (int64_t i = 0; i < lockouts && d < cfg->lockout_max_seconds; i++)
		d *= 2;
	if (d > cfg->lockout_max_seconds)
		d = cfg->lockout_max_seconds;
	return (unsigned)d;
}

/* Ends the lockout's transaction by rc and, once it committed, answers
 * 429 account_locked with Retry-After: seconds. */
static int end_locked(struct request *req, int rc, int64_t seconds)
{
	char ra[24];

	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	shm_count(SHM_C_LOGINS_FAILED, 1);
	problem_send(req, 429, "account_locked", "Too many failed logins: "
		"this account is locked for a while. Retry-After says how long.");
	snprintf(ra, sizeof(ra), "%lld", (long long)(seconds > 0 ? seconds : 1));
	if (http_set_header(req, "Retry-After", ra) != 0)
		return DF_ENOMEM;
	return DF_ERESPONDED;
}

static int send_bad_credentials(struct request *req)
{
	shm_count(SHM_C_LOGINS_FAILED, 1);
	return problem_send(req, 401, "unauthorized", bad_credentials);
}

/* Locks u now, inside the caller's transaction, and records it. */
static int lock_now(struct request *req, const struct store_user *u,
	int64_t lockouts, int64_t failures, unsigned *seconds)
{
	struct json_object *d = json_new_object(req);
	int rc;

	*seconds = lock_seconds(req->cfg, lockouts);
	rc = store_logins_lock(u->id, *seconds);
	/* Without memory for the detail the event is still recorded,
	 * bare rather than with half a detail. */
	if (d != NULL && (json_set_int(d, "failures", failures) ||
	    json_set_int(d, "seconds", *seconds) ||
	    json_set_int(d, "lockouts", lockouts + 1)))
		d = NULL;
	if (rc == 0)
		rc = api_audit(req, "auth.lockout", u->public_id, d);
	if (rc == 0)
		log_req_msg(req, LOG_WARN, "account %s locked for %us after %lld "
			"failed logins", u->public_id, *seconds,
			(long long)failures);
	return rc;
}

/* Before the password is checked: a locked account is refused outright,
 * and the attempt is recorded as a failure up front (the success path
 * deletes it), so requests racing on one account cannot check more than
 * the threshold of passwords between two locks. 0 to go on with
 * *attempt set; DF_ERESPONDED when the 429 has been sent. Every route
 * that checks the account's password goes through here (api.h). */
int api_attempt_begin(struct request *req, const struct store_user *u,
	const char *event, int64_t *attempt)
{
	int64_t locked_s, lockouts, count;
	unsigned secs;
	int rc;

	rc = store_logins_begin(req->arena, u->id, &locked_s, &lockouts);
	if (rc != 0)
		return rc;
	if (locked_s > 0) {
		rc = api_audit(req, event, u->public_id,
			detail_obj(req, "reason", "locked"));
		return end_locked(req, rc, locked_s);
	}
	rc = store_logins_add_failure(req->arena, u->id, client_addr(req),
		req->cfg->lockout_window_seconds, attempt, &count);
	if (rc != 0)
		return store_tx_end(rc);
	if (count > (int64_t)req->cfg->lockout_threshold) {
		rc = lock_now(req, u, lockouts, count, &secs);
		return end_locked(req, rc, secs);
	}
	return store_tx_end(0);
}

/* A wrong password or second factor: counted, and at the threshold the
 * account locks (this answer already says so). 0 when counted and the
 * caller answers; DF_ERESPONDED when the 429 has been sent. */
int api_attempt_failed(struct request *req, const struct store_user *u,
	const char *event, const char *reason)
{
	int64_t locked_s, lockouts, count;
	unsigned secs;
	int rc;

	rc = store_logins_begin(req->arena, u->id, &locked_s, &lockouts);
	if (rc != 0)
		return rc;
	rc = api_audit(req, event, u->public_id,
		detail_obj(req, "reason", reason));
	if (rc != 0)
		return store_tx_end(rc);
	if (locked_s > 0) {
		/* A request racing this one locked the account. */
		return end_locked(req, 0, locked_s);
	}
	rc = store_logins_count_failures(req->arena, u->id,
		req->cfg->lockout_window_seconds, &count);
	if (rc != 0)
		return store_tx_end(rc);
	if (count >= (int64_t)req->cfg->lockout_threshold) {
		rc = lock_now(req, u, lockouts, count, &secs);
		return end_locked(req, rc, secs);
	}
	return store_tx_end(0);
}

static int login_failed(struct request *req, const struct store_user *u,
	const char *reason)
{
	int rc = api_attempt_failed(req, u, "auth.login_failed", reason);

	return rc != 0 ? rc : send_bad_credentials(req);
}

int api_totp_check(const char *secret_b32, const char *code, int64_t *step)
{
	unsigned char key[64];
	long klen;
	int rc;

	if (secret_b32 == NULL)
		return DF_EAUTH;
	/* A stored secret that does not decode is our fault, not a wrong
	 * code: a 500 in the error log, not a failure audited against the
	 * user. */
	klen = totp_b32_decode(secret_b32, strlen(secret_b32), key, sizeof(key));
	if (klen <= 0)
		return DF_EINTERNAL;
	rc = totp_verify(&totp_default, key, (size_t)klen, code,
		(int64_t)time(NULL), step);
	crypto_wipe(key, sizeof(key));
	return rc == DF_EINVAL ? DF_EAUTH : rc;
}

int api_second_factor(const struct store_user *u, const char *code,
	const char **how)
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	char norm[TOTP_RECOVERY_CHARS + 1];
	int digits = 0, other = 0, rc;
	int64_t step;

	for (const char *p = code; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ')
			other++;
	}
	if (digits > 0 && other == 0) {
		*how = "totp";
		rc = api_totp_check(u->mfa_secret, code, &step);
		if (rc == 0)
			rc = store_logins_use_totp_step(u->id, step);
		return rc == DF_ECONFLICT ? DF_EAUTH : rc;
	}
	*how = "recovery_code";
	if (totp_recovery_normalize(code, norm) != 0)
		return DF_EAUTH;
	crypto_sha256(norm, strlen(norm), hash);
	crypto_wipe(norm, sizeof(norm));
	rc = store_logins_use_recovery_code(u->id, hash);
	return rc == DF_ENOTFOUND ? DF_EAUTH : rc;
}

static int login_post(struct request *req)
{
	const char *email_in, *password, *code, *how = NULL, *access;
	char email[255], phc[PASSWORD_PHC_MAX];
	char refresh[STORE_SESSIONS_TOKEN_LEN + 1];
	struct store_user u;
	struct json_object *d;
	int64_t attempt = 0;
	int needs_rehash = 0, rehashed = 0, rc;
	size_t pwlen;

	email_in = json_get_str(req->json, "email", NULL);
	password = json_get_str(req->json, "password", NULL);
	code = json_get_str(req->json, "totp_code", NULL);
	pwlen = strlen(password);

	rc = DF_ENOTFOUND;
	if (validate_email(email_in, email))
		rc = store_users_get(req->arena, STORE_USERS_BY_EMAIL, email, &u);
	if (rc == DF_ENOTFOUND) {
		/* The time of a real check, so timing does not tell whether
		 * the address has an account. */
		rc = password_dummy_verify(password, pwlen, &req->cfg->password);
		if (rc != DF_EAUTH)
			return rc < 0 ? rc : DF_EINTERNAL;
		rc = api_audit(req, "auth.login_failed", NULL,
			detail_obj(req, "reason", "unknown_email"));
		if (rc != 0)
			return rc;
		return send_bad_credentials(req);
	}
	if (rc != 0)
		return rc;

	rc = api_attempt_begin(req, &u, "auth.login_failed", &attempt);
	if (rc != 0)
		return rc;

	rc = password_verify(password, pwlen, u.password_hash, &needs_rehash,
		&req->cfg->password);
	if (rc == DF_EINVAL) {
		/* A hash we cannot read (an account without a usable
		 * password): as slow as a real check, then a failure;
		 * only running out of resources is another answer. */
		rc = password_dummy_verify(password, pwlen,
			&req->cfg->password);
		if (rc != DF_ENOMEM && rc != DF_EINTERNAL)
			rc = DF_EAUTH;
	}
	if (rc == DF_EAUTH)
		return login_failed(req, &u, "password");
	if (rc != 0)
		return rc;

	/* The password is right from here on. */
	if (!u.active) {
		rc = store_logins_drop_attempt(attempt);
		if (rc == 0)
			rc = api_audit(req, "auth.login_failed", u.public_id,
				detail_obj(req, "reason", "suspended"));
		if (rc != 0)
			return rc;
		shm_count(SHM_C_LOGINS_FAILED, 1);
		return problem_send(req, 403, "forbidden",
			"This account is suspended.");
	}
	if (u.mfa_enabled) {
		if (code == NULL) {
			rc = store_logins_drop_attempt(attempt);
			if (rc != 0)
				return rc;
			return problem_send(req, 401, "mfa_required", "This "
				"account uses two-factor authentication: send "
				"totp_code (an authenticator code or a recovery "
				"code).");
		}
		rc = api_second_factor(&u, code, &how);
		if (rc == DF_EAUTH)
			return login_failed(req, &u, "mfa");
		if (rc != 0)
			return rc;
	}

	/* Parameters raised since this hash was made: store a new one, now
	 * that the password is known. */
	if (needs_rehash && password_hash(password, pwlen, &req->cfg->password,
	    phc, sizeof(phc)) == 0)
		rehashed = 1;

	rc = access_token(req, &u, &access);
	if (rc != 0)
		return rc;
	rc = store_logins_begin(req->arena, u.id, NULL, NULL);
	if (rc != 0)
		return rc;
	rc = store_logins_clear(req->arena, u.id);
	if (rc == 0 && rehashed)
		rc = store_logins_rehash(u.id, u.password_hash, phc);
	if (rc == 0)
		rc = store_sessions_issue(u.id, NULL, req->cfg->refresh_token_ttl,
			client_addr(req), user_agent(req), refresh, NULL);
	if (rc == 0) {
		d = json_new_object(req);
		if (d != NULL && ((how != NULL && json_set_str(d, "mfa", how)) ||
		    (rehashed && json_set_bool(d, "rehashed", 1))))
			d = NULL; /* recorded bare, as without memory */
		rc = api_audit(req, "auth.login", u.public_id, d);
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	shm_count(SHM_C_LOGINS_OK, 1);
	return send_session(req, 200, &u, access, refresh, 1);
}

/* ------------------------------------------------------------ refresh */

static int send_refresh_refused(struct request *req, int from_cookie,
	const char *detail)
{
	problem_send(req, 401, "unauthorized", detail);
	if (from_cookie && set_refresh_cookie(req, NULL, 0) != 0)
		return DF_ENOMEM;
	return DF_ERESPONDED;
}

/* Begins the transaction of a refresh or a logout: the session of the
 * presented token (req->checked), locked until commit (of two requests
 * with one token, the second waits and then finds it spent), and its
 * user. 0 with the transaction open; DF_ENOTFOUND, also with it open,
 * for a token or user that is not known; another df_err, rolled back. */
static int session_begin(struct request *req, struct store_refresh *rt,
	struct store_user *u)
{
	const struct refresh_in *in = req->checked;
	char idbuf[24];
	int rc;

	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_sessions_find(req->arena, in->token, 1, rt);
	if (rc == 0) {
		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)rt->user_id);
		rc = store_users_get(req->arena, STORE_USERS_BY_ID, idbuf, u);
	}
	if (rc != 0 && rc != DF_ENOTFOUND)
		return store_tx_end(rc);
	return rc;
}

static int refresh_post(struct request *req)
{
	static const char refused[] = "The refresh token is not valid.";
	char refresh[STORE_SESSIONS_TOKEN_LEN + 1];
	struct store_refresh rt;
	struct store_user u;
	const struct refresh_in *in = req->checked;
	int from_cookie = in->from_cookie, rc;
	const char *access;
	uint64_t n = 0;

	rc = session_begin(req, &rt, &u);
	if (rc == DF_ENOTFOUND) {
		store_tx_rollback();
		return send_refresh_refused(req, from_cookie, refused);
	}
	if (rc != 0)
		return rc;

	switch (rt.state) {
	case STORE_SESSIONS_REFRESH_SPENT:
		/* Someone holds a copy of a token that was already rotated:
		 * the thief or the owner, and we cannot tell which, so the
		 * whole login ends for both. The thief may also hold access
		 * tokens minted from the stolen one: the version bump refuses
		 * every access token of the user, as logout-all does. */
		rc = store_sessions_revoke_family(rt.family, &n);
		if (rc == 0)
			rc = store_users_bump_token_version(u.id);
		if (rc == 0) {
			struct json_object *d = detail_obj(req, "family",
				rt.family);
			if (d != NULL &&
			    json_set_int(d, "revoked", (int64_t)n) != 0)
				d = NULL;
			rc = api_audit(req, "auth.refresh_reuse", u.public_id, d);
		}
		rc = store_tx_end(rc);
		if (rc != 0)
			return rc;
		log_req_msg(req, LOG_WARN, "refresh token reuse for %s: family "
			"%s revoked", u.public_id, rt.family);
		return send_refresh_refused(req, from_cookie, "This refresh "
			"token was used before: this login has been ended and "
			"every access token of the account refused. Log in "
			"again.");
	case STORE_SESSIONS_REFRESH_REVOKED:
	case STORE_SESSIONS_REFRESH_EXPIRED:
		store_tx_rollback();
		return send_refresh_refused(req, from_cookie, refused);
	case STORE_SESSIONS_REFRESH_LIVE:
		break;
	}
	if (!u.active) {
		store_tx_rollback();
		return send_refresh_refused(req, from_cookie, refused);
	}
	rc = store_sessions_mark_spent(rt.id);
	if (rc == 0)
		rc = store_sessions_issue(u.id, rt.family,
			req->cfg->refresh_token_ttl, client_addr(req),
			user_agent(req), refresh, NULL);
	if (rc == 0)
		rc = access_token(req, &u, &access);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	return send_session(req, 200, &u, access, refresh, 0);
}

/* ------------------------------------------------------------ logout */

static int logout_post(struct request *req)
{
	struct store_refresh rt;
	struct store_user u;
	int rc;

	/* Unknown, expired or already revoked: the answer is the same 204,
	 * so logging out twice is harmless and nothing is revealed. */
	rc = session_begin(req, &rt, &u);
	if (rc == 0) {
		rc = store_sessions_revoke_family(rt.family, NULL);
		if (rc == 0)
			rc = api_audit(req, "auth.logout", u.public_id, NULL);
	}
	if (rc != 0 && rc != DF_ENOTFOUND)
		return store_tx_end(rc);
	rc = store_tx_end(0);
	if (rc != 0)
		return rc;
	if (set_refresh_cookie(req, NULL, 0) != 0 ||
	    http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	http_set_status(req, 204);
	return 0;
}

static int logout_all_post(struct request *req)
{
	struct store_user u;
	uint64_t n = 0;
	int rc;

	rc = store_users_get(req->arena, STORE_USERS_BY_PUBLIC_ID,
		req->auth.sub, &u);
	if (rc == DF_ENOTFOUND)
		return DF_EAUTH;
	if (rc != 0)
		return rc;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	/* Sessions only: unused password-reset links stay as they were. */
	rc = api_sessions_end(u.id, 0, &n);
	if (rc == 0)
		rc = api_audit_sessions_ended(req, "auth.logout_all",
			u.public_id, n);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	if (set_refresh_cookie(req, NULL, 0) != 0 ||
	    http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	http_set_status(req, 204);
	return 0;
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/register",
	  .handler = register_post, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(register_fields),
	  .check = register_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/login",
	  .handler = login_post, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(login_fields) },
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/refresh",
	  .handler = refresh_post, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(refresh_fields),
	  .check = refresh_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/logout",
	  .handler = logout_post, .role = ROLE_NONE, .rl = RL_AUTH,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(refresh_fields),
	  .check = refresh_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/auth/logout-all",
	  .handler = logout_all_post, .role = ROLE_USER, .rl = RL_DEFAULT },
};

const struct route_table api_auth_table = {
	"auth", routes, sizeof(routes) / sizeof(routes[0])
};
