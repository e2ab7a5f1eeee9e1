/* The caller's own account through the front server: /me (read, display
 * name, password change), password reset and e-mail verification with
 * the links read out of the stack's maildir after `devforgectl mail-send
 * --once`, and TOTP enrolment, confirmation and removal with codes
 * computed here. Each route's success and each failure class. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "totp.h"

#define ME "/api/v1/me"
#define ME_PASSWORD "/api/v1/me/password"
#define MFA "/api/v1/me/mfa/totp"
#define MFA_CONFIRM "/api/v1/me/mfa/totp/confirm"
#define RESET "/api/v1/auth/password-reset"
#define RESET_CONFIRM "/api/v1/auth/password-reset/confirm"
#define VERIFY "/api/v1/auth/verify-email"
#define REGISTER "/api/v1/auth/register"
#define LOGIN "/api/v1/auth/login"
#define REFRESH "/api/v1/auth/refresh"
#define PASSWORD "correct-Horse-battery-9"
#define NEW_PASSWORD "another-Staple-42-pencil"

/* ------------------------------------------------------------ helpers */

static void new_account(struct client_account *a)
{
	client_account_new(a, "acc", "account.example", PASSWORD);
}

/* Status of a login; *access gets the new access token on 200 when not
 * NULL. */
static long login(const char *email, const char *password, const char *code,
	char **access)
{
	struct client_resp r;
	char body[1024];
	long s;

	if (code != NULL)
		snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\","
			"\"totp_code\":\"%s\"}", email, password, code);
	else
		snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}",
			email, password);
	client_call_token("POST", LOGIN, NULL, body, &r);
	s = r.status;
	if (access != NULL)
		*access = s == 200 ? client_body_str(&r, "access_token") : NULL;
	client_free(&r);
	return s;
}

static long refresh_status(const char *refresh)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"refresh_token\":\"%s\"}", refresh);
	return client_status_token("POST", REFRESH, NULL, body);
}

/* ---------------------------------------------------------------- mail */

/* Delivers the outbox into the stack's maildir. Other tests' mail may be
 * in it too; what matters here is that ours arrives. */
static void mail_send(void)
{
	char cmd[2048], *out;

	/* The whole outbox, not the default 100 a pass: other programs
	 * (payments' receipts) may have queued many before this one. */
	snprintf(cmd, sizeof(cmd), "%s -c '%s' mail-send --once --limit 10000",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"));
	client_run(cmd, &out);
	free(out);
}

/* The token of the link "<public_url><path>?token=..." in a mail. */
static char *token_in(const char *mail, const char *path)
{
	char *url = client_config("public_url", NULL), want[512];
	const char *p;

	cr_assert(url != NULL);
	snprintf(want, sizeof(want), "\n%s%s?token=", url, path);
	free(url);
	p = strstr(mail, want);
	cr_assert(p != NULL, "no link %s in:\n%s", want + 1, mail);
	p += strlen(want);
	cr_assert(strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-_") == 43, "token not 43 base64url characters: %.60s", p);
	cr_assert_eq(p[43], '\n');
	return strndup(p, 43);
}

static void request_reset(const char *email)
{
	char body[512];
	struct client_resp r;

	snprintf(body, sizeof(body), "{\"email\":\"%s\"}", email);
	client_call_token("POST", RESET, NULL, body, &r);
	cr_assert_eq(r.status, 202, "%ld %s", r.status, r.body);
	client_free(&r);
}

/* Asks for a reset, delivers the outbox and returns the mailed token. */
static char *reset_token(const char *email)
{
	char *mail, *tok;

	request_reset(email);
	mail_send();
	cr_assert_eq(client_maildir_find(email, "Reset your Dev Forge password",
		&mail), 1,
		"expected one reset mail to %s", email);
	tok = token_in(mail, "/reset-password");
	free(mail);
	return tok;
}

/* GET /me with this access token says the address is verified. */
static void expect_email_verified(const char *access)
{
	struct client_resp r;
	struct json_object *o, *v;

	client_call_token("GET", ME, access, NULL, &r);
	o = client_json(&r);
	cr_assert(json_object_object_get_ex(o, "email_verified", &v) &&
		json_object_get_boolean(v), "%s", r.body);
	json_object_put(o);
	client_free(&r);
}

/* The body of POST /me/password (current and new password) in buf. */
static const char *password_body(char *buf, size_t cap, const char *current,
	const char *next)
{
	snprintf(buf, cap, "{\"current_password\":\"%s\","
		"\"new_password\":\"%s\"}", current, next);
	return buf;
}

/* The new password next is refused for a with a 422 naming code. */
static void expect_new_password_error(const struct client_account *a,
	const char *next, const char *code)
{
	char body[512];

	password_body(body, sizeof(body), PASSWORD, next);
	client_expect_field_error("POST", ME_PASSWORD, a->access, body,
		"new_password", code);
}

/* A new account with a mailed reset token (returned, malloc'd), and its
 * end. */
static char *new_account_reset(struct client_account *a)
{
	new_account(a);
	return reset_token(a->email);
}

static void account_reset_free(struct client_account *a, char *tok)
{
	free(tok);
	client_account_free(a);
}

static long confirm_reset(const char *token, const char *password,
	struct client_resp *out)
{
	char body[512];
	struct client_resp r;
	long s;

	snprintf(body, sizeof(body), "{\"token\":\"%s\",\"new_password\":\"%s\"}",
		token, password);
	client_call_token("POST", RESET_CONFIRM, NULL, body,
		out != NULL ? out : &r);
	s = out != NULL ? out->status : r.status;
	if (out == NULL)
		client_free(&r);
	return s;
}

/* ----------------------------------------------------------------- /me */

Test(me, shows_the_caller_and_nothing_else)
{
	struct client_account a, b;
	struct client_resp r;
	struct json_object *o, *v;
	char *cc;

	new_account(&a);
	new_account(&b);
	client_call_token("GET", ME, a.access, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "id"), a.id);
	cr_assert_str_eq(client_json_str(o, "email"), a.email);
	cr_assert_str_eq(client_json_str(o, "username"), a.username);
	cr_assert_str_eq(client_json_str(o, "role"), "user");
	cr_assert(json_object_object_get_ex(o, "display_name", &v) && v == NULL);
	cr_assert(json_object_object_get_ex(o, "email_verified", &v) &&
		!json_object_get_boolean(v));
	cr_assert(json_object_object_get_ex(o, "mfa_enabled", &v) &&
		!json_object_get_boolean(v));
	cr_assert_not_null(client_json_str(o, "created_at"));
	/* Nothing internal or secret. */
	cr_assert_not(json_object_object_get_ex(o, "password_hash", NULL));
	cr_assert_not(json_object_object_get_ex(o, "mfa_secret", NULL));
	cr_assert_not(json_object_object_get_ex(o, "token_version", NULL));
	cr_assert_null(strstr(r.body, "scrypt"));
	json_object_put(o);
	cc = client_header(&r, "Cache-Control");
	cr_assert(cc && strstr(cc, "no-store"), "Cache-Control %s", cc);
	free(cc);
	client_free(&r);

	/* The other user's token shows the other user; a query naming
	 * someone else changes nothing. */
	char path[256];
	snprintf(path, sizeof(path), ME "?id=%s&user=%s", a.id, a.username);
	client_call_token("GET", path, b.access, NULL, &r);
	cr_assert_eq(r.status, 200);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "id"), b.id);
	json_object_put(o);
	client_free(&r);
	client_account_free(&a);
	client_account_free(&b);
}

Test(me, needs_a_valid_token)
{
	struct client_resp r;

	client_call_token("GET", ME, NULL, NULL, &r);
	client_assert_problem(&r, 401, "unauthorized");
	client_free(&r);
	client_call_token("GET", ME, "not.a.token", NULL, &r);
	client_assert_problem(&r, 401, "invalid_token");
	client_free(&r);
	cr_assert_eq(client_status_token("PATCH", ME, NULL, "{}"), 401);
	cr_assert_eq(client_status_token("POST", ME_PASSWORD, NULL, "{}"), 401);
	cr_assert_eq(client_status_token("POST", MFA, NULL, NULL), 401);
	cr_assert_eq(client_status_token("POST", MFA_CONFIRM, NULL, "{}"), 401);
	cr_assert_eq(client_status_token("DELETE", MFA, NULL, "{}"), 401);
}

Test(me, a_token_of_a_deleted_user_is_refused)
{
	char id[40], *auth = client_auth_header("user", id), sql[256];
	const char *h[] = { auth, NULL };
	struct client_resp r;

	snprintf(sql, sizeof(sql), "DELETE FROM users WHERE public_id = '%s'", id);
	free(client_sql(sql));
	cr_assert(client_request("GET", client_url(ME), h, NULL, 0, &r) == 0);
	client_assert_problem(&r, 401, "invalid_token");
	client_free(&r);
	free(auth);
}

Test(me, patch_sets_keeps_and_clears_the_display_name)
{
	struct client_account a;
	struct client_resp r;
	struct json_object *o, *v;

	new_account(&a);
	client_call_token("PATCH", ME, a.access,
		"{\"display_name\":\"Ada Lovelace\"}", &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "display_name"), "Ada Lovelace");
	cr_assert_str_eq(client_json_str(o, "id"), a.id);
	json_object_put(o);
	client_free(&r);

	/* Absent: unchanged. */
	client_call_token("PATCH", ME, a.access, "{}", &r);
	cr_assert_eq(r.status, 200);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "display_name"), "Ada Lovelace");
	json_object_put(o);
	client_free(&r);

	/* null: cleared, as GET shows afterwards. */
	client_call_token("PATCH", ME, a.access, "{\"display_name\":null}", &r);
	cr_assert_eq(r.status, 200);
	client_free(&r);
	client_call_token("GET", ME, a.access, NULL, &r);
	o = client_json(&r);
	cr_assert(json_object_object_get_ex(o, "display_name", &v) && v == NULL,
		"%s", r.body);
	json_object_put(o);
	client_free(&r);
	client_account_free(&a);
}

Test(me, patch_stores_meta_characters_verbatim)
{
	static const char *const names[] = {
		"'; DROP TABLE users; --",
		"<script>alert(\"x\")</script>",
		"Robert\\\"); SELECT 1 /* \xc3\xa9\xe2\x82\xac \xf0\x9f\x92\xa9",
		"%s %n {{7*7}} ${x} `id`",
	};
	struct client_account a;

	new_account(&a);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct client_resp r;
		struct json_object *o;
		char body[512], *q = client_json_quote(names[i]), sql[256],
			*stored;

		snprintf(body, sizeof(body), "{\"display_name\":%s}", q);
		free(q);
		client_call_token("PATCH", ME, a.access, body, &r);
		cr_assert_eq(r.status, 200, "%s", r.body);
		client_free(&r);
		client_call_token("GET", ME, a.access, NULL, &r);
		o = client_json(&r);
		cr_assert(o != NULL, "GET /me is not JSON: %s", r.body);
		cr_assert_str_eq(client_json_str(o, "display_name"), names[i]);
		json_object_put(o);
		client_free(&r);
		/* Stored as sent, not escaped on the way in. */
		snprintf(sql, sizeof(sql), "SELECT HEX(display_name) FROM users "
			"WHERE public_id = '%s'", a.id);
		stored = client_sql(sql);
		cr_assert(stored != NULL);
		for (size_t k = 0; names[i][k] != '\0'; k++) {
			char hx[3];

			snprintf(hx, sizeof(hx), "%02X", (unsigned char)names[i][k]);
			cr_assert(strncmp(stored + 2 * k, hx, 2) == 0,
				"byte %zu differs: %s", k, stored);
		}
		cr_assert_eq(strlen(stored), 2 * strlen(names[i]));
		free(stored);
	}
	client_account_free(&a);
}

Test(me, patch_refuses_bad_fields)
{
	struct client_account a;
	char body[512], name[102];

	new_account(&a);
	memset(name, 'x', 101);
	name[101] = '\0';
	snprintf(body, sizeof(body), "{\"display_name\":\"%s\"}", name);
	client_expect_field_error("PATCH", ME, a.access, body, "display_name",
		"too_long");
	/* 100 characters, several bytes each, are fine. */
	body[0] = '\0';
	strcat(body, "{\"display_name\":\"");
	for (int i = 0; i < 100; i++)
		strcat(body, "\xc3\xa9");
	strcat(body, "\"}");
	cr_assert_eq(client_status_token("PATCH", ME, a.access, body), 200);

	client_expect_field_error("PATCH", ME, a.access,
		"{\"display_name\":\"\"}",
		"display_name", "too_short");
	client_expect_field_error("PATCH", ME, a.access,
		"{\"display_name\":\"a\\nb\"}", "display_name",
		"invalid_format");
	client_expect_field_error("PATCH", ME, a.access,
		"{\"display_name\":42}",
		"display_name", "invalid_type");
	client_expect_field_error("PATCH", ME, a.access,
		"{\"email\":\"x@y.example\"}",
		"email", "unknown_field");
	client_expect_field_error("PATCH", ME, a.access, "{\"role\":\"admin\"}",
		"role", "unknown_field");
	cr_assert_eq(client_status_token("PATCH", ME, a.access, "[1]"), 400);
	cr_assert_eq(client_status_token("PATCH", ME, a.access, "{bad"), 400);
	client_account_free(&a);
}

Test(me, patch_needs_json)
{
	struct client_account a;
	struct client_resp r;
	char auth[2048];
	const char *h[] = { auth, "Content-Type: text/plain", NULL };

	new_account(&a);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", a.access);
	cr_assert(client_request("PATCH", client_url(ME), h, "{}", 2, &r) == 0);
	client_assert_problem(&r, 415, "unsupported_media_type");
	client_free(&r);
	client_account_free(&a);
}

/* ------------------------------------------------------ /me/password */

Test(me_password, change_ends_every_session)
{
	struct client_account a;
	struct client_resp r;
	char body[256], *fresh = NULL, sql[256];

	new_account(&a);
	password_body(body, sizeof(body), PASSWORD, NEW_PASSWORD);
	client_call_token("POST", ME_PASSWORD, a.access, body, &r);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body);
	cr_assert_eq(r.body_len, 0);
	client_free(&r);

	/* The token that made the change is refused too: log in again. */
	cr_assert_eq(client_status_token("GET", ME, a.access, NULL), 401);
	cr_assert_eq(refresh_status(a.refresh), 401);
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 401);
	cr_assert_eq(login(a.email, NEW_PASSWORD, NULL, &fresh), 200);
	cr_assert_eq(client_status_token("GET", ME, fresh, NULL), 200);
	free(fresh);

	cr_assert_eq(client_audit_count("auth.password_changed", a.id), 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mail_outbox WHERE "
		"to_addr = '%s' AND template = 'password_changed'", a.email);
	cr_assert_eq(client_sql_long(sql), 1,
		"no password-changed notice queued");
	client_account_free(&a);
}

Test(me_password, a_wrong_current_password_changes_nothing)
{
	struct client_account a;
	char body[256];

	new_account(&a);
	password_body(body, sizeof(body), "not-it-at-all-9", NEW_PASSWORD);
	client_expect_field_error("POST", ME_PASSWORD, a.access, body,
		"current_password", "invalid");
	cr_assert_eq(client_status_token("GET", ME, a.access, NULL), 200);
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 200);
	cr_assert_eq(client_audit_count("auth.password_changed", a.id), 0);
	client_account_free(&a);
}

/* A stolen access token must not be a way to guess the password past
 * the login lockout: wrong current passwords count toward the same lock
 * as failed logins (five, the stack's lockout_threshold), and a locked
 * account is refused here too, right password or not. */
Test(me_password, wrong_current_passwords_count_toward_the_login_lockout)
{
	struct client_account a;
	struct client_resp r;
	char wrong[256], right[256];

	new_account(&a);
	password_body(wrong, sizeof(wrong), "not-it-at-all-9", NEW_PASSWORD);
	password_body(right, sizeof(right), PASSWORD, NEW_PASSWORD);
	cr_assert_eq(login(a.email, "wrong-password-x", NULL, NULL), 401);
	cr_assert_eq(login(a.email, "wrong-password-x", NULL, NULL), 401);
	for (int i = 0; i < 2; i++) {
		client_expect_field_error("POST", ME_PASSWORD, a.access, wrong,
			"current_password", "invalid");
	}
	/* The fifth failure, whichever route it came through, locks. */
	client_call_token("POST", ME_PASSWORD, a.access, wrong, &r);
	client_assert_problem(&r, 429, "account_locked");
	client_free(&r);
	cr_assert_eq(client_audit_count("auth.lockout", a.id), 1);
	cr_assert_eq(client_audit_count("auth.password_change_failed", a.id),
		3);
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 429);
	client_call_token("POST", ME_PASSWORD, a.access, right, &r);
	client_assert_problem(&r, 429, "account_locked");
	client_free(&r);
	cr_assert_eq(client_audit_count("auth.password_changed", a.id), 0);
	client_account_free(&a);
}

Test(me_password, the_new_password_follows_the_policy)
{
	struct client_account a;
	char with_name[256];

	new_account(&a);
	expect_new_password_error(&a, "short", "too_short");
	expect_new_password_error(&a, "1234567890", "common_password");
	snprintf(with_name, sizeof(with_name), "x-%s-2024x", a.username);
	expect_new_password_error(&a, with_name, "contains_username");
	expect_new_password_error(&a, PASSWORD, "same_as_current");

	client_expect_field_error("POST", ME_PASSWORD, a.access,
		"{\"new_password\":\"x\"}", "current_password", "required");
	cr_assert_eq(client_status_token("GET", ME, a.access, NULL), 200,
		"a refused change must not end the session");
	client_account_free(&a);
}

Test(me_password, is_limited_like_the_auth_routes)
{
	struct client_account a;
	struct client_resp r, reg;
	char *l1, *l2;

	new_account(&a);
	client_call_token("POST", ME_PASSWORD, a.access, "{}", &r);
	client_call_token("POST", RESET, NULL, "{}", &reg);
	l1 = client_header(&r, "RateLimit-Limit");
	l2 = client_header(&reg, "RateLimit-Limit");
	cr_assert(l1 && l2, "RateLimit-Limit missing");
	cr_assert_str_eq(l1, l2, "/me/password is not in the auth class");
	free(l1);
	free(l2);
	client_free(&r);
	client_free(&reg);
	client_account_free(&a);
}

/* ------------------------------------------------------ password reset */

Test(reset, answers_the_same_for_known_and_unknown_addresses)
{
	struct client_account a;
	struct client_resp known, unknown;
	char body[256], sql[512], unknown_email[128];

	new_account(&a);
	snprintf(unknown_email, sizeof(unknown_email), "%s@nowhere.example",
		client_unique("nobody"));
	snprintf(body, sizeof(body), "{\"email\":\"%s\"}", a.email);
	client_call_token("POST", RESET, NULL, body, &known);
	snprintf(body, sizeof(body), "{\"email\":\"%s\"}", unknown_email);
	client_call_token("POST", RESET, NULL, body, &unknown);
	cr_assert_eq(known.status, 202, "%s", known.body);
	cr_assert_eq(unknown.status, 202, "%s", unknown.body);
	cr_assert_str_eq(known.body, unknown.body);
	cr_assert_str_eq(known.body, "{\"status\":\"accepted\"}");
	client_free(&known);
	client_free(&unknown);

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mail_outbox WHERE "
		"to_addr = '%s' AND template = 'password_reset'", a.email);
	cr_assert_eq(client_sql_long(sql), 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mail_outbox WHERE "
		"to_addr = '%s'", unknown_email);
	cr_assert_eq(client_sql_long(sql), 0);
	cr_assert_eq(client_audit_count("auth.password_reset_requested", a.id),
		1);

	/* Upper case finds the same account; a second request within the
	 * minute queues no second mail but answers the same. */
	char upper[128];
	snprintf(upper, sizeof(upper), "%s", a.email);
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	snprintf(body, sizeof(body), "{\"email\":\"%s\"}", upper);
	cr_assert_eq(client_status_token("POST", RESET, NULL, body), 202);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mail_outbox WHERE "
		"to_addr = '%s' AND template = 'password_reset'", a.email);
	cr_assert_eq(client_sql_long(sql), 1,
		"a second mail within the minute");
	cr_assert_eq(client_audit_count("auth.password_reset_requested", a.id),
		2);
	client_account_free(&a);
}

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

Test(reset, takes_about_the_same_time_for_unknown_addresses, .timeout = 60)
{
	enum { N = 7 };
	double tk[N], tu[N];
	char body[256];

	for (int i = 0; i < N; i++) {
		struct client_account a;
		struct client_resp r;

		new_account(&a);
		snprintf(body, sizeof(body), "{\"email\":\"%s\"}", a.email);
		client_call_token("POST", RESET, NULL, body, &r);
		cr_assert_eq(r.status, 202);
		tk[i] = r.seconds;
		client_free(&r);
		snprintf(body, sizeof(body), "{\"email\":\"%s@nowhere.example\"}",
			client_unique("ghost"));
		client_call_token("POST", RESET, NULL, body, &r);
		cr_assert_eq(r.status, 202);
		tu[i] = r.seconds;
		client_free(&r);
		client_account_free(&a);
	}
	double mk = median(tk, N), mu = median(tu, N);
	/* Both answers wait for the same floor (100 ms from arrival), far
	 * above the few statements a known address costs more. Only the
	 * floor is asserted: it is a lower bound the server enforces, while
	 * a closeness bound would measure this shared machine's noise. */
	cr_assert(mk >= 0.1 && mu >= 0.1, "known %.4f s, unknown %.4f s: "
		"below the floor", mk, mu);
}

Test(reset, refuses_a_malformed_address)
{

	client_expect_field_error("POST", RESET, NULL,
		"{\"email\":\"not an address\"}", "email", "invalid_format");
	client_expect_field_error("POST", RESET, NULL, "{}", "email",
		"required");
	client_expect_field_error("POST", RESET, NULL,
		"{\"email\":\"a@b.example\",\"x\":1}", "x", "unknown_field");
}

Test(reset, full_flow_through_the_mailed_link, .timeout = 60)
{
	struct client_account a;
	struct client_resp r;
	char *mail, *tok, *fresh = NULL, *url, want[512], sql[256];

	new_account(&a);
	request_reset(a.email);
	mail_send();
	cr_assert_eq(client_maildir_find(a.email,
		"Reset your Dev Forge password", &mail),
		1);
	/* A whole RFC 5322 message. */
	cr_assert_eq(strncmp(mail, "Date: ", 6), 0, "%s", mail);
	cr_assert_not_null(strstr(mail, "\nFrom: "));
	cr_assert_not_null(strstr(mail, "\nMessage-ID: <"));
	cr_assert_not_null(strstr(mail, "\nMIME-Version: 1.0\n"));
	cr_assert_not_null(strstr(mail, "\nContent-Type: text/plain; "
		"charset=utf-8\n"));
	cr_assert_not_null(strstr(mail, a.username));
	url = client_config("public_url", NULL);
	snprintf(want, sizeof(want), "%s/reset-password?token=", url);
	free(url);
	cr_assert_not_null(strstr(mail, want), "%s", mail);
	tok = token_in(mail, "/reset-password");
	free(mail);
	/* Only the hash is stored. */
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM user_tokens WHERE "
		"token_hash = '%s'", tok);
	cr_assert_eq(client_sql_long(sql), 0);

	cr_assert_eq(confirm_reset(tok, NEW_PASSWORD, &r), 204, "%s", r.body);
	client_free(&r);
	cr_assert_eq(client_status_token("GET", ME, a.access, NULL), 401,
		"an access token from before the reset still works");
	cr_assert_eq(refresh_status(a.refresh), 401);
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 401);
	cr_assert_eq(login(a.email, NEW_PASSWORD, NULL, &fresh), 200);
	/* The link reached the mailbox: the address counts as verified. */
	expect_email_verified(fresh);
	cr_assert_eq(client_audit_count("auth.password_reset", a.id), 1);

	/* Used once: refused the second time. */
	cr_assert_eq(confirm_reset(tok, "yet-another-Pass-77", &r), 422);
	client_assert_field_error(&r, "token", "invalid");
	client_free(&r);
	cr_assert_eq(login(a.email, NEW_PASSWORD, NULL, NULL), 200);
	free(tok);
	free(fresh);
	client_account_free(&a);
}

Test(reset, an_expired_token_is_refused, .timeout = 60)
{
	struct client_account a;
	struct client_resp r;
	char sql[512];
	char *tok = new_account_reset(&a);

	snprintf(sql, sizeof(sql), "UPDATE user_tokens SET expires_at = "
		"UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE user_id = (SELECT id "
		"FROM users WHERE public_id = '%s') AND purpose = 'password_reset'",
		a.id);
	free(client_sql(sql));
	cr_assert_eq(confirm_reset(tok, NEW_PASSWORD, &r), 422);
	client_assert_field_error(&r, "token", "invalid");
	client_free(&r);
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 200);
	account_reset_free(&a, tok);
}

Test(reset, a_refused_new_password_does_not_spend_the_token, .timeout = 60)
{
	struct client_account a;
	struct client_resp r;
	char *tok = new_account_reset(&a);

	cr_assert_eq(confirm_reset(tok, "short", &r), 422);
	client_assert_field_error(&r, "new_password", "too_short");
	client_free(&r);
	cr_assert_eq(confirm_reset(tok, a.username, &r), 422);
	client_free(&r);
	cr_assert_eq(confirm_reset(tok, NEW_PASSWORD, NULL), 204);
	account_reset_free(&a, tok);
}

Test(reset, refuses_malformed_and_unknown_tokens)
{
	char body[256];

	client_expect_field_error("POST", RESET_CONFIRM, NULL,
		"{\"token\":\"abc\",\"new_password\":"
		"\"" NEW_PASSWORD "\"}", "token", "invalid");
	/* Well formed, never issued. */
	snprintf(body, sizeof(body), "{\"token\":\"%s\",\"new_password\":\"%s\"}",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NEW_PASSWORD);
	client_expect_field_error("POST", RESET_CONFIRM, NULL, body, "token",
		"invalid");
	client_expect_field_error("POST", RESET_CONFIRM, NULL,
		"{\"new_password\":\"x\"}", "token", "required");
	client_expect_field_error("POST", RESET_CONFIRM, NULL,
		"{\"token\":\"' OR 1=1 -- \","
		"\"new_password\":\"" NEW_PASSWORD "\"}", "token", "invalid");
}

Test(reset, lifts_a_lockout, .timeout = 60)
{
	struct client_account a;
	char *tok, sql[512];

	new_account(&a);
	snprintf(sql, sizeof(sql), "UPDATE users SET locked_until = "
		"UTC_TIMESTAMP(6) + INTERVAL 1 HOUR, lockouts = 3 WHERE "
		"public_id = '%s'", a.id);
	free(client_sql(sql));
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 429);
	tok = reset_token(a.email);
	cr_assert_eq(confirm_reset(tok, NEW_PASSWORD, NULL), 204);
	cr_assert_eq(login(a.email, NEW_PASSWORD, NULL, NULL), 200);
	snprintf(sql, sizeof(sql), "SELECT lockouts FROM users WHERE "
		"public_id = '%s'", a.id);
	cr_assert_eq(client_sql_long(sql), 0);
	free(tok);
	client_account_free(&a);
}

Test(reset, a_suspended_account_gets_no_mail)
{
	struct client_account a;
	char sql[512];

	new_account(&a);
	free(client_sqlf("UPDATE users SET status = 'suspended' WHERE"
		" public_id = '%s'", a.id));
	request_reset(a.email);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mail_outbox WHERE "
		"to_addr = '%s' AND template = 'password_reset'", a.email);
	cr_assert_eq(client_sql_long(sql), 0);
	client_account_free(&a);
}

Test(reset, older_links_die_with_a_password_change, .timeout = 60)
{
	struct client_account a;
	char body[256];
	char *tok = new_account_reset(&a);

	password_body(body, sizeof(body), PASSWORD, NEW_PASSWORD);
	cr_assert_eq(client_status_token("POST", ME_PASSWORD, a.access, body),
		204);
	cr_assert_eq(confirm_reset(tok, "yet-another-Pass-77", NULL), 422);
	cr_assert_eq(login(a.email, NEW_PASSWORD, NULL, NULL), 200);
	account_reset_free(&a, tok);
}

/* ---------------------------------------------------- e-mail verification */

Test(verify_email, flow_through_the_mailed_link, .timeout = 60)
{
	struct client_account a;
	struct client_resp r;
	char *mail, *tok, body[256];

	new_account(&a);
	mail_send();
	cr_assert_eq(client_maildir_find(a.email,
		"Confirm your Dev Forge e-mail address",
		&mail), 1);
	tok = token_in(mail, "/verify-email");
	free(mail);

	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", tok);
	client_call_token("POST", VERIFY, NULL, body, &r);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body);
	client_free(&r);
	expect_email_verified(a.access);
	cr_assert_eq(client_audit_count("auth.email_verified", a.id), 1);

	client_expect_field_error("POST", VERIFY, NULL, body, "token",
		"invalid");
	/* Verification does not end sessions. */
	cr_assert_eq(client_status_token("GET", ME, a.access, NULL), 200);
	free(tok);
	client_account_free(&a);
}

Test(verify_email, a_reset_token_does_not_verify, .timeout = 60)
{
	struct client_account a;
	char body[256];
	char *tok = new_account_reset(&a);

	snprintf(body, sizeof(body), "{\"token\":\"%s\"}", tok);
	client_expect_field_error("POST", VERIFY, NULL, body, "token",
		"invalid");
	/* ...and the reset token still works for its purpose. */
	cr_assert_eq(confirm_reset(tok, NEW_PASSWORD, NULL), 204);
	account_reset_free(&a, tok);
}

Test(verify_email, refuses_bad_input)
{

	client_expect_field_error("POST", VERIFY, NULL, "{}", "token",
		"required");
	client_expect_field_error("POST", VERIFY, NULL, "{\"token\":12}",
		"token",
		"invalid_type");
	client_expect_field_error("POST", VERIFY, NULL, "{\"token\":\"nope\"}",
		"token", "invalid");
	cr_assert_eq(client_status_token("POST", VERIFY, NULL, "nope"), 400);
}

/* ---------------------------------------------------------------- TOTP */

/* The code of secret (base32) for time t. */
static void totp_code(const char *secret, int64_t t, char out[8])
{
	unsigned char key[64];
	long n = totp_b32_decode(secret, strlen(secret), key, sizeof(key));

	cr_assert(n > 0, "secret %s is not base32", secret);
	cr_assert_eq(totp_generate(&totp_default, key, (size_t)n, t, out, 8), 0);
}

/* Starts enrolment; returns the secret (malloc'd). */
static char *enrol(const struct client_account *a)
{
	struct client_resp r;
	char *secret, *uri;

	client_call_token("POST", MFA, a->access, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	secret = client_body_str(&r, "secret");
	uri = client_body_str(&r, "otpauth_uri");
	cr_assert(secret && uri);
	cr_assert_eq(strlen(secret), 32);
	cr_assert_eq(strncmp(uri, "otpauth://totp/Dev%20Forge:", 27), 0, "%s",
		uri);
	cr_assert(strstr(uri, secret) != NULL, "%s", uri);
	cr_assert(strstr(uri, "issuer=Dev%20Forge") != NULL, "%s", uri);
	free(uri);
	client_free(&r);
	return secret;
}

/* Confirms with a correct code; returns the recovery codes array. */
static struct json_object *confirm(const struct client_account *a,
	const char *secret)
{
	struct client_resp r;
	struct json_object *o, *codes;
	char code[8], body[64];

	totp_code(secret, time(NULL), code);
	snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
	client_call_token("POST", MFA_CONFIRM, a->access, body, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	o = client_json(&r);
	cr_assert(json_object_object_get_ex(o, "recovery_codes", &codes));
	json_object_get(codes);
	json_object_put(o);
	client_free(&r);
	return codes;
}

static int mfa_enabled(const struct client_account *a, const char *access)
{
	struct client_resp r;
	struct json_object *o, *v;
	int on;

	client_call_token("GET", ME, access ? access : a->access, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	o = client_json(&r);
	cr_assert(json_object_object_get_ex(o, "mfa_enabled", &v));
	on = json_object_get_boolean(v);
	json_object_put(o);
	client_free(&r);
	return on;
}

/* DELETE /me/mfa for a with its password and this second factor. */
static void delete_mfa(const struct client_account *a, const char *code,
	struct client_resp *r)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"password\":\"%s\",\"code\":\"%s\"}",
		PASSWORD, code);
	client_call_token("DELETE", MFA, a->access, body, r);
}

/* The code removes a's second factor: 204, and MFA is off. */
static void expect_mfa_removed(const struct client_account *a,
	const char *code)
{
	struct client_resp r;

	delete_mfa(a, code, &r);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body);
	client_free(&r);
	cr_assert_not(mfa_enabled(a, NULL));
}

Test(mfa, enrol_confirm_and_log_in_with_codes, .timeout = 60)
{
	struct client_account a;
	struct json_object *codes;
	struct client_resp r;
	char *secret, sql[512], code[8], body[64];

	new_account(&a);
	secret = enrol(&a);
	/* Pending: MFA is still off and logins do not ask for a code. */
	cr_assert_not(mfa_enabled(&a, NULL));
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 200);

	/* A wrong code (a neighbour far outside the window) is refused. */
	totp_code(secret, time(NULL) - 300, code);
	snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
	client_expect_field_error("POST", MFA_CONFIRM, a.access, body, "code",
		"invalid");
	client_expect_field_error("POST", MFA_CONFIRM, a.access,
		"{\"code\":\"12ab56\"}", "code", "invalid");
	cr_assert_not(mfa_enabled(&a, NULL));

	codes = confirm(&a, secret);
	cr_assert_eq(json_object_array_length(codes), 10);
	for (size_t i = 0; i < 10; i++) {
		const char *c = json_object_get_string(
			json_object_array_get_idx(codes, i));

		cr_assert_eq(strlen(c), 9, "%s", c);
		cr_assert_eq(c[4], '-', "%s", c);
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(c, json_object_get_string(
				json_object_array_get_idx(codes, j)));
		/* Stored only as SHA-256 of the canonical form. */
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mfa_recovery_codes "
			"r JOIN users u ON u.id = r.user_id WHERE u.public_id = '%s' "
			"AND r.code_hash = UNHEX(SHA2('%.4s%.4s', 256)) AND "
			"r.used_at IS NULL", a.id, c, c + 5);
		cr_assert_eq(client_sql_long(sql), 1,
			"code %s not stored hashed", c);
	}
	cr_assert(mfa_enabled(&a, NULL));
	cr_assert_eq(client_audit_count("auth.mfa_enabled", a.id), 1);

	/* Login now needs the second factor. */
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 401);
	totp_code(secret, time(NULL) + 30, code);
	cr_assert_eq(login(a.email, PASSWORD, code, NULL), 200);
	/* A recovery code works once. */
	const char *rc0 = json_object_get_string(json_object_array_get_idx(codes,
		0));
	cr_assert_eq(login(a.email, PASSWORD, rc0, NULL), 200);
	cr_assert_eq(login(a.email, PASSWORD, rc0, NULL), 401,
		"a recovery code logged in twice");
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mfa_recovery_codes r "
		"JOIN users u ON u.id = r.user_id WHERE u.public_id = '%s' AND "
		"r.used_at IS NULL", a.id);
	cr_assert_eq(client_sql_long(sql), 9);

	/* On already: no second enrolment, no second confirmation. */
	client_call_token("POST", MFA, a.access, NULL, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	client_call_token("POST", MFA_CONFIRM, a.access,
		"{\"code\":\"123456\"}", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	json_object_put(codes);
	free(secret);
	client_account_free(&a);
}

Test(mfa, the_confirming_code_cannot_log_in_again, .timeout = 60)
{
	struct client_account a;
	char *secret, code[8], body[64];
	struct client_resp r;
	int64_t now = time(NULL);

	new_account(&a);
	secret = enrol(&a);
	totp_code(secret, now, code);
	snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
	client_call_token("POST", MFA_CONFIRM, a.access, body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	client_free(&r);
	/* Same 30-second step (or the one before, when the clock turned
	 * over meanwhile): spent. */
	if (time(NULL) / 30 == now / 30)
		cr_assert_eq(login(a.email, PASSWORD, code, NULL), 401);
	free(secret);
	client_account_free(&a);
}

Test(mfa, confirm_without_an_enrolment_is_a_conflict)
{
	struct client_account a;
	struct client_resp r;

	new_account(&a);
	client_call_token("POST", MFA_CONFIRM, a.access,
		"{\"code\":\"123456\"}", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	client_expect_field_error("POST", MFA_CONFIRM, a.access, "{}", "code",
		"required");
	client_account_free(&a);
}

Test(mfa, a_new_enrolment_replaces_the_pending_secret)
{
	struct client_account a;
	struct client_resp r;
	char *first, *second, code[8], body[64];

	new_account(&a);
	first = enrol(&a);
	second = enrol(&a);
	cr_assert_str_neq(first, second);
	totp_code(first, time(NULL), code);
	snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
	client_call_token("POST", MFA_CONFIRM, a.access, body, &r);
	/* A collision of the two 6-digit codes is one in a million. */
	client_assert_field_error(&r, "code", "invalid");
	client_free(&r);
	json_object_put(confirm(&a, second));
	cr_assert(mfa_enabled(&a, NULL));
	free(first);
	free(second);
	client_account_free(&a);
}

Test(mfa, disable_needs_password_and_code, .timeout = 60)
{
	struct client_account a;
	struct client_resp r;
	char *secret, code[8], body[256], sql[256];

	new_account(&a);
	secret = enrol(&a);
	json_object_put(confirm(&a, secret));
	/* A code of the next step: the confirming one is spent. */
	totp_code(secret, time(NULL) + 30, code);

	snprintf(body, sizeof(body), "{\"password\":\"wrong-Password-11\","
		"\"code\":\"%s\"}", code);
	client_expect_field_error("DELETE", MFA, a.access, body, "password",
		"invalid");
	delete_mfa(&a, "000000", &r);
	if (strcmp(code, "000000") != 0)
		client_assert_field_error(&r, "code", "invalid");
	client_free(&r);
	client_expect_field_error("DELETE", MFA, a.access,
		"{\"password\":\"x\"}",
		"code", "required");
	cr_assert(mfa_enabled(&a, NULL));

	expect_mfa_removed(&a, code);
	cr_assert_eq(client_audit_count("auth.mfa_disabled", a.id), 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mfa_recovery_codes r "
		"JOIN users u ON u.id = r.user_id WHERE u.public_id = '%s'", a.id);
	cr_assert_eq(client_sql_long(sql), 0);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM users WHERE public_id "
		"= '%s' AND mfa_secret IS NULL", a.id);
	cr_assert_eq(client_sql_long(sql), 1);
	cr_assert_eq(login(a.email, PASSWORD, NULL, NULL), 200);

	/* Off already. */
	client_call_token("DELETE", MFA, a.access, body, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	free(secret);
	client_account_free(&a);
}

/* Turning MFA off checks the password and a code: wrong ones of either
 * count toward the login lockout, and a locked account cannot turn it
 * off even with both right. */
Test(mfa, wrong_passwords_and_codes_when_turning_it_off_count_toward_the_lockout,
	.timeout = 60)
{
	struct client_account a;
	struct client_resp r;
	char *secret, body[256], code[8];

	new_account(&a);
	secret = enrol(&a);
	json_object_put(confirm(&a, secret));
	snprintf(body, sizeof(body), "{\"password\":\"wrong-Password-11\","
		"\"code\":\"abcd-efgh\"}");
	for (int i = 0; i < 2; i++) {
		client_expect_field_error("DELETE", MFA, a.access, body,
			"password",
			"invalid");
	}
	snprintf(body, sizeof(body), "{\"password\":\"%s\",\"code\":"
		"\"abcd-efgh\"}", PASSWORD);
	for (int i = 0; i < 2; i++) {
		client_expect_field_error("DELETE", MFA, a.access, body, "code",
			"invalid");
	}
	cr_assert_eq(client_audit_count("auth.mfa_disable_failed", a.id), 4);
	/* The fifth failure is a login's, and it locks. */
	cr_assert_eq(login(a.email, "wrong-password-x", NULL, NULL), 429);
	cr_assert_eq(client_audit_count("auth.lockout", a.id), 1);

	totp_code(secret, time(NULL) + 30, code);
	delete_mfa(&a, code, &r);
	client_assert_problem(&r, 429, "account_locked");
	client_free(&r);
	cr_assert(mfa_enabled(&a, NULL));
	free(secret);
	client_account_free(&a);
}

Test(mfa, disable_with_a_recovery_code, .timeout = 60)
{
	struct client_account a;
	struct json_object *codes;
	char *secret, code[16];

	new_account(&a);
	secret = enrol(&a);
	codes = confirm(&a, secret);
	/* Typed the way people copy it: upper case, no dash. */
	snprintf(code, sizeof(code), "%s", json_object_get_string(
		json_object_array_get_idx(codes, 3)));
	memmove(code + 4, code + 5, 5);
	for (char *p = code; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	expect_mfa_removed(&a, code);
	json_object_put(codes);
	free(secret);
	client_account_free(&a);
}

/* Bug: the second-factor check of MFA removal was a drifted copy of the
 * login's, and its audit event did not say which factor was used. */
Test(mfa, mfa_disabled_audit_names_the_factor_as_the_login_does,
	.timeout = 60)
{
	struct client_account a;
	struct json_object *codes;
	struct client_resp r;
	char *secret, *how, body[256];

	new_account(&a);
	secret = enrol(&a);
	codes = confirm(&a, secret);
	snprintf(body, sizeof(body), "{\"password\":\"%s\",\"code\":\"%s\"}",
		PASSWORD, json_object_get_string(
		json_object_array_get_idx(codes, 0)));
	client_call_token("DELETE", MFA, a.access, body, &r);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body);
	client_free(&r);
	how = client_sqlf("SELECT COALESCE(JSON_VALUE(detail, '$.mfa'), "
		"'none') FROM audit_log WHERE event = 'auth.mfa_disabled' AND "
		"subject_id = '%s'", a.id);
	cr_assert(how != NULL);
	cr_assert_str_eq(how, "recovery_code");
	free(how);
	json_object_put(codes);
	free(secret);
	client_account_free(&a);
}

/* Bug: the login's copy of the second-factor check took a stored secret
 * that does not decode for a wrong code (401, a failure audited against
 * the user); it is the server's fault, as MFA removal already said. */
Test(mfa, undecodable_stored_secret_is_a_server_error_at_login,
	.timeout = 60)
{
	struct client_account a;
	char *secret;

	new_account(&a);
	secret = enrol(&a);
	json_object_put(confirm(&a, secret));
	free(client_sqlf("UPDATE users SET mfa_secret = '!!!!' WHERE "
		"public_id = '%s'", a.id));
	cr_assert_eq(login(a.email, PASSWORD, "123456", NULL), 500);
	cr_assert_eq(client_audit_count("auth.login_failed", a.id), 0);
	free(secret);
	client_account_free(&a);
}

Test(mfa, disabling_when_off_is_a_conflict)
{
	struct client_account a;
	struct client_resp r;

	new_account(&a);
	delete_mfa(&a, "123456", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	client_account_free(&a);
}
