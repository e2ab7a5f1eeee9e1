/* Sessions through the front server: register, login (lockout, MFA,
 * rehash), refresh (rotation, reuse revoking the family, the cookie, two
 * requests racing), logout and logout-all; each success and each failure
 * class. Lockout expiry needs a short lockout_base_seconds in the stack
 * (scripts/test sets DEVFORGE_LOCKOUT_BASE_SECONDS=2). */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "crypto.h"
#include "password.h"
#include "totp.h"

#define REGISTER "/api/v1/auth/register"
#define LOGIN "/api/v1/auth/login"
#define REFRESH "/api/v1/auth/refresh"
#define LOGOUT "/api/v1/auth/logout"
#define LOGOUT_ALL "/api/v1/auth/logout-all"
#define METRICS "/api/v1/metrics"
#define PASSWORD "correct-Horse-battery-9"

/* ------------------------------------------------------------ helpers */

static int post(const char *path, const char *json, struct client_resp *r)
{
	return client_post_json(client_url(path), json, NULL, r);
}

/* POST json to REGISTER: refused with a 422 naming field with code. */
static void expect_register_error(const char *json, const char *field,
	const char *code)
{
	struct client_resp r;

	cr_assert(post(REGISTER, json, &r) == 0);
	client_assert_field_error(&r, field, code);
	client_free(&r);
}

static void do_register(const char *email, const char *username,
	const char *password, struct client_resp *r)
{
	char body[1024];

	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"username\":\"%s\","
		"\"password\":\"%s\"}", email, username, password);
	cr_assert(post(REGISTER, body, r) == 0);
}

static void do_login(const char *email, const char *password,
	const char *code, struct client_resp *r)
{
	char body[1024];

	if (code)
		snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":"
			"\"%s\",\"totp_code\":\"%s\"}", email, password, code);
	else
		snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":"
			"\"%s\"}", email, password);
	cr_assert(post(LOGIN, body, r) == 0);
}

/* Registers a fresh account (password PASSWORD) and keeps its session. */
static void new_account(struct client_account *a)
{
	client_account_new(a, "ses", "sessions.example", PASSWORD);
}

static void do_refresh(const char *token, struct client_resp *r)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"refresh_token\":\"%s\"}", token);
	cr_assert(post(REFRESH, body, r) == 0);
}

/* The refresh token is refused: 401 unauthorized. */
static void expect_refresh_refused(const char *token)
{
	struct client_resp r;

	do_refresh(token, &r);
	client_assert_problem(&r, 401, "unauthorized");
	client_free(&r);
}

/* POST "{}" to path with only a Cookie header: other cookies (may be
 * "") then df_refresh=token. */
static void post_cookie(const char *path, const char *others,
	const char *token, struct client_resp *r)
{
	char ck[256];
	const char *h[] = { ck, NULL };

	snprintf(ck, sizeof(ck), "Cookie: %sdf_refresh=%s", others, token);
	cr_assert(client_post_json(client_url(path), "{}", h, r) == 0);
}

/* post_cookie answered with status. */
static void expect_cookie_status(const char *path, const char *others,
	const char *token, long status)
{
	struct client_resp r;

	post_cookie(path, others, token, &r);
	cr_assert_eq(r.status, status, "%ld %s", r.status, r.body);
	client_free(&r);
}

/* Status of GET /metrics from the untrusted address with this access
 * token: 403 means the token was accepted (a user is not an admin), 401
 * that it was refused. */
static long token_status(const char *access)
{
	return client_status_untrusted("GET", METRICS, access);
}

/* ------------------------------------------------------------ register */

Test(register, creates_the_account_and_a_session)
{
	struct client_resp r;
	const char *name = client_unique("reg");
	char email[128], lower[128], sql[512];

	snprintf(email, sizeof(email), "%s@Sessions.EXAMPLE", name);
	snprintf(lower, sizeof(lower), "%s@sessions.example", name);
	do_register(email, name, PASSWORD, &r);
	cr_assert_eq(r.status, 201, "%ld %s", r.status, r.body);
	char *loc = client_header(&r, "Location");
	cr_assert_str_eq(loc, "/api/v1/me");
	free(loc);
	char *cc = client_header(&r, "Cache-Control");
	cr_assert_str_eq(cc, "no-store");
	free(cc);

	struct json_object *o = client_json(&r);
	cr_assert_not_null(o);
	cr_assert_str_eq(client_json_str(o, "user.email"), lower);
	cr_assert_str_eq(client_json_str(o, "user.username"), name);
	cr_assert_str_eq(client_json_str(o, "user.role"), "user");
	cr_assert_str_eq(client_json_str(o, "user.email_verified"), "false");
	cr_assert_str_eq(client_json_str(o, "user.mfa_enabled"), "false");
	cr_assert_str_eq(client_json_str(o, "token_type"), "Bearer");
	cr_assert(atoi(client_json_str(o, "expires_in")) > 0);
	const char *refresh = client_json_str(o, "refresh_token");
	cr_assert_eq(strlen(refresh), 43, "refresh token %s", refresh);
	cr_assert_null(client_json_str(o, "user.password_hash"));

	/* The cookie carries the same refresh token, locked down. */
	char *ck = client_header(&r, "Set-Cookie"), want[128];
	cr_assert_not_null(ck);
	snprintf(want, sizeof(want), "df_refresh=%s;", refresh);
	cr_assert(strncmp(ck, want, strlen(want)) == 0, "%s", ck);
	cr_assert(strstr(ck, "Path=/api/v1/auth") && strstr(ck, "HttpOnly") &&
		strstr(ck, "Secure") && strstr(ck, "SameSite=Strict") &&
		strstr(ck, "Max-Age="), "%s", ck);
	free(ck);

	/* The access token is good (403: a user, not an admin). */
	cr_assert_eq(token_status(client_json_str(o, "access_token")), 403);

	/* Stored: a scrypt hash, never the password; the refresh token
	 * only as a hash; a verification mail in the outbox; audited. */
	snprintf(sql, sizeof(sql), "SELECT password_hash FROM users WHERE "
		"email = '%s';", lower);
	char *ph = client_sql(sql);
	cr_assert(ph && strncmp(ph, "$scrypt$ln=", 11) == 0, "%s", ph);
	cr_assert_null(strstr(ph, "Horse"));
	free(ph);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM refresh_tokens t "
		"JOIN users u ON u.id = t.user_id WHERE u.email = '%s' AND "
		"t.token_hash = UNHEX(SHA2('%s', 256));", lower, refresh);
	cr_assert_eq(client_sql_long(sql), 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mail_outbox WHERE "
		"to_addr = '%s' AND template = 'email_verify';", lower);
	cr_assert_eq(client_sql_long(sql), 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM user_tokens t JOIN "
		"users u ON u.id = t.user_id WHERE u.email = '%s' AND "
		"t.purpose = 'email_verify';", lower);
	cr_assert_eq(client_sql_long(sql), 1);
	cr_assert_eq(client_audit_count("auth.register",
		client_json_str(o, "user.id")), 1);
	json_object_put(o);
	client_free(&r);
}

Test(register, refuses_each_bad_field_with_422)
{
	struct client_resp r;
	const char *n = client_unique("val");
	char body[1024], longname[160];

	/* Everything wrong at once: each field named. */
	cr_assert(post(REGISTER, "{\"email\":\"not-an-email\",\"username\":"
		"\"No Spaces\",\"password\":\"short\",\"display_name\":\"\","
		"\"role\":\"admin\"}", &r) == 0);
	client_assert_problem(&r, 422, "validation_failed");
	cr_assert(client_has_error(&r, "email", "invalid_format"), "%s",
		r.body);
	cr_assert(client_has_error(&r, "username", "invalid_format"), "%s",
		r.body);
	cr_assert(client_has_error(&r, "password", "too_short"), "%s", r.body);
	cr_assert(client_has_error(&r, "display_name", "too_short"), "%s",
		r.body);
	cr_assert(client_has_error(&r, "role", "unknown_field"), "%s", r.body);
	client_free(&r);

	/* A literal route segment beside /developers/{username}. */
	expect_register_error("{\"email\":\"reserved@example.com\","
		"\"username\":\"applications\",\"password\":\"a quite long pass phrase\"}",
		"username", "reserved");

	cr_assert(post(REGISTER, "{}", &r) == 0);
	client_assert_problem(&r, 422, "validation_failed");
	cr_assert(client_has_error(&r, "email", "required"));
	cr_assert(client_has_error(&r, "username", "required"));
	cr_assert(client_has_error(&r, "password", "required"));
	client_free(&r);

	expect_register_error("{\"email\":7,\"username\":\"abc\","
		"\"password\":null}", "email", "invalid_type");

	/* A common password, in another case than the list's. */
	snprintf(body, sizeof(body), "{\"email\":\"%s@x.example\",\"username\":"
		"\"%s\",\"password\":\"PassWord123\"}", n, n);
	expect_register_error(body, "password", "common_password");

	/* Containing the username or the e-mail's local part. */
	snprintf(body, sizeof(body), "{\"email\":\"%s@x.example\",\"username\":"
		"\"%s\",\"password\":\"xx-%s-yy\"}", n, n, n);
	expect_register_error(body, "password", "contains_username");
	snprintf(body, sizeof(body), "{\"email\":\"kx7mailbox@x.example\","
		"\"username\":\"%s\",\"password\":\"Zz-KX7MAILBOX-zz9\"}", n);
	expect_register_error(body, "password", "contains_email");

	/* Too long: password 129 characters, display name 101. */
	memset(longname, 'a', 129);
	longname[129] = '\0';
	snprintf(body, sizeof(body), "{\"email\":\"%s@x.example\",\"username\":"
		"\"%s\",\"password\":\"%s\"}", n, n, longname);
	expect_register_error(body, "password", "too_long");
	longname[101] = '\0';
	snprintf(body, sizeof(body), "{\"email\":\"%s@x.example\",\"username\":"
		"\"%s\",\"password\":\"" PASSWORD "\",\"display_name\":\"%s\"}",
		n, n, longname);
	expect_register_error(body, "display_name", "too_long");
	snprintf(body, sizeof(body), "{\"email\":\"%s@x.example\",\"username\":"
		"\"%s\",\"password\":\"" PASSWORD "\",\"display_name\":"
		"\"a\\u0007b\"}", n, n);
	expect_register_error(body, "display_name", "invalid_format");

	/* An e-mail address over 254 characters. */
	char big[400];
	memset(big, 'e', 250);
	snprintf(big + 250, sizeof(big) - 250, "@x.example");
	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"username\":\"%s\","
		"\"password\":\"" PASSWORD "\"}", big, n);
	expect_register_error(body, "email", "invalid_format");

	/* Nothing of all that was stored. */
	snprintf(body, sizeof(body), "SELECT COUNT(*) FROM users WHERE "
		"username = '%s';", n);
	cr_assert_eq(client_sql_long(body), 0);
}

Test(register, taken_email_or_username_is_409_naming_the_field)
{
	struct client_account a;
	struct client_resp r;
	char email[160];

	new_account(&a);
	/* The same address in other letter case is the same address. */
	snprintf(email, sizeof(email), "%s@SESSIONS.example", a.username);
	do_register(email, client_unique("oth"), PASSWORD, &r);
	client_assert_problem(&r, 409, "conflict");
	cr_assert(client_has_error(&r, "email", "taken"), "%s", r.body);
	client_free(&r);

	do_register("someone-else@sessions.example", a.username, PASSWORD, &r);
	client_assert_problem(&r, 409, "conflict");
	cr_assert(client_has_error(&r, "username", "taken"), "%s", r.body);
	client_free(&r);
	client_account_free(&a);
}

Test(register, text_is_stored_verbatim_and_returned_escaped)
{
	static const char nasty[] = "Robert'); DROP TABLE users;-- "
		"<script>alert(\"x\")</script> \\ %_ `$(id)` \xc3\xa9\xe2\x9c\x93";
	struct client_resp r;
	const char *n = client_unique("esc");
	char body[1024], sql[256];
	char *q = client_json_quote(nasty);

	snprintf(body, sizeof(body), "{\"email\":\"%s@x.example\",\"username\":"
		"\"%s\",\"password\":\"" PASSWORD "\",\"display_name\":%s}", n, n, q);
	free(q);
	cr_assert(post(REGISTER, body, &r) == 0);
	cr_assert_eq(r.status, 201, "%ld %s", r.status, r.body);
	/* The raw body is JSON: quotes and backslashes escaped, and it
	 * parses back to the very same text. */
	cr_assert_null(strstr(r.body, "alert(\"x\")"), "%s", r.body);
	char *dn = client_body_str(&r, "user.display_name");
	cr_assert_str_eq(dn, nasty);
	free(dn);
	client_free(&r);

	/* In the database, byte for byte (HEX sidesteps the client's own
	 * escaping of the output). */
	snprintf(sql, sizeof(sql), "SELECT HEX(display_name) FROM users WHERE "
		"username = '%s';", n);
	char *hex = client_sql(sql), want[sizeof(nasty) * 2 + 1];
	crypto_hex((const unsigned char *)nasty, strlen(nasty), want);
	for (char *p = want; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 32);
	cr_assert_str_eq(hex, want);
	free(hex);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM users;");
	cr_assert(client_sql_long(sql) > 0, "the users table is still there");
}

/* ------------------------------------------------------------ login */

Test(login, succeeds_with_the_same_shape_as_register)
{
	struct client_account a;
	struct client_resp r;

	new_account(&a);
	do_login(a.email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	struct json_object *o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "user.id"), a.id);
	cr_assert_str_eq(client_json_str(o, "token_type"), "Bearer");
	cr_assert_eq(strlen(client_json_str(o, "refresh_token")), 43);
	cr_assert_str_neq(client_json_str(o, "refresh_token"), a.refresh);
	cr_assert_eq(token_status(client_json_str(o, "access_token")), 403);
	char *ck = client_header(&r, "Set-Cookie");
	cr_assert(ck && strncmp(ck, "df_refresh=", 11) == 0);
	free(ck);
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(client_audit_count("auth.login", a.id), 1);

	/* The address is matched whatever its letter case. */
	char upper[160];
	snprintf(upper, sizeof(upper), "%s@SESSIONS.EXAMPLE", a.username);
	do_login(upper, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	client_account_free(&a);
}

/* Private memory of a process in KiB (Private_Clean + Private_Dirty of
 * smaps_rollup: what no other process shares); -1 when unreadable. */
static long private_kib(int pid)
{
	char path[64], line[256];
	long sum = -1, v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Private_Clean: %ld", &v) == 1 ||
		    sscanf(line, "Private_Dirty: %ld", &v) == 1)
			sum = (sum < 0 ? 0 : sum) + v;
	fclose(f);
	return sum;
}

/* A sanitizer build keeps freed memory in quarantine: no figure of its
 * workers says anything about the release build's. */
static int sanitized(int pid)
{
	char path[64], *maps;
	int found;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = client_file(path);
	found = maps != NULL && strstr(maps, "libasan") != NULL;
	free(maps);
	return found;
}

/* Each login's scrypt takes a 16 MiB buffer; a worker must give it back
 * rather than keep it in its heap (glibc's dynamic mmap threshold once
 * kept it: 17 MB private per worker after a login). The bound
 * is 8 MB per worker with the cache full; the cache lives in the shared
 * segment, so it counts as nobody's private memory. */
Test(login, worker_gives_back_the_password_hash_memory, .timeout = 120)
{
	struct client_account a;
	struct client_resp r;
	int pids[64];
	size_t n, i;

	n = client_worker_pids(pids, 64);
	cr_assert_gt(n, 0, "no worker of the pool found");
	if (sanitized(pids[0]))
		cr_skip_test("sanitizer build: its allocator keeps freed memory");
	new_account(&a);
	/* Twice as many as workers, so most of the pool has hashed. */
	for (i = 0; i < 2 * n; i++) {
		do_login(a.email, PASSWORD, NULL, &r);
		cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
		client_free(&r);
	}
	n = client_worker_pids(pids, 64);
	for (i = 0; i < n; i++) {
		long kib = private_kib(pids[i]);

		cr_assert_geq(kib, 0, "smaps_rollup of worker %d", pids[i]);
		cr_expect_lt(kib, 8 * 1024, "worker %d holds %ld KiB private "
			"after logins", pids[i], kib);
	}
	client_account_free(&a);
}

/* The problem body without its request id, to compare two answers. */
static char *problem_sans_id(struct client_resp *r)
{
	struct json_object *o = client_json(r);
	char *s;

	cr_assert_not_null(o);
	json_object_object_del(o, "request_id");
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

Test(login, unknown_email_and_wrong_password_get_one_answer)
{
	struct client_account a;
	struct client_resp r1, r2, r3;
	char *b1, *b2, *b3, sql[256];

	new_account(&a);
	do_login(a.email, "not-the-password-1", NULL, &r1);
	do_login("nobody-at-all@sessions.example", "not-the-password-1", NULL,
		&r2);
	do_login("not even an address", "not-the-password-1", NULL, &r3);
	client_assert_problem(&r1, 401, "unauthorized");
	client_assert_problem(&r2, 401, "unauthorized");
	client_assert_problem(&r3, 401, "unauthorized");
	b1 = problem_sans_id(&r1);
	b2 = problem_sans_id(&r2);
	b3 = problem_sans_id(&r3);
	cr_assert_str_eq(b1, b2);
	cr_assert_str_eq(b1, b3);
	/* Both paths run scrypt: neither answers in a fraction of a hash. */
	cr_assert(r2.seconds > r1.seconds / 4, "unknown %.3fs, wrong %.3fs",
		r2.seconds, r1.seconds);
	free(b1);
	free(b2);
	free(b3);
	client_free(&r1);
	client_free(&r2);
	client_free(&r3);
	cr_assert_eq(client_audit_count("auth.login_failed", a.id), 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM login_failures f JOIN "
		"users u ON u.id = f.user_id WHERE u.public_id = '%s';", a.id);
	cr_assert_eq(client_sql_long(sql), 1);

	/* A success clears the count. */
	do_login(a.email, PASSWORD, NULL, &r1);
	cr_assert_eq(r1.status, 200);
	client_free(&r1);
	cr_assert_eq(client_sql_long(sql), 0);
	client_account_free(&a);
}

Test(login, refuses_bad_fields_with_422)
{
	struct client_resp r;

	cr_assert(post(LOGIN, "{\"email\":\"a@b.example\"}", &r) == 0);
	client_assert_problem(&r, 422, "validation_failed");
	cr_assert(client_has_error(&r, "password", "required"));
	client_free(&r);
	cr_assert(post(LOGIN, "{\"email\":\"a@b.example\",\"password\":1,"
		"\"remember\":true}", &r) == 0);
	client_assert_problem(&r, 422, "validation_failed");
	cr_assert(client_has_error(&r, "password", "invalid_type"));
	cr_assert(client_has_error(&r, "remember", "unknown_field"));
	client_free(&r);
}

static long retry_after(struct client_resp *r)
{
	char *ra = client_header(r, "Retry-After");
	long n = ra ? atol(ra) : -1;

	free(ra);
	return n;
}

/* Four wrong passwords for email answered 401, then a fifth that locks
 * the account (429); returns the lock's Retry-After. */
static long fail_until_locked(const char *email)
{
	struct client_resp r;
	long s;

	for (int i = 1; i <= 4; i++) {
		do_login(email, "wrong-password-x", NULL, &r);
		client_assert_problem(&r, 401, "unauthorized");
		client_free(&r);
	}
	do_login(email, "wrong-password-x", NULL, &r);
	client_assert_problem(&r, 429, "account_locked");
	s = retry_after(&r);
	client_free(&r);
	return s;
}

Test(login, five_failures_lock_with_growing_delay_then_expire,
	.timeout = 120)
{
	struct client_account a;
	struct client_resp r;
	long first, second;

	new_account(&a);
	/* The fifth failure locks, and says so. */
	first = fail_until_locked(a.email);
	cr_assert(first >= 1, "Retry-After %ld", first);
	cr_assert(first <= 10, "Retry-After %ld: run the stack with "
		"DEVFORGE_LOCKOUT_BASE_SECONDS=2 (scripts/test does)", first);
	/* Locked means locked: the right password too. */
	do_login(a.email, PASSWORD, NULL, &r);
	client_assert_problem(&r, 429, "account_locked");
	cr_assert(retry_after(&r) >= 1 && retry_after(&r) <= first);
	client_free(&r);
	cr_assert_eq(client_audit_count("auth.lockout", a.id), 1);

	/* After the lock: five more failures lock for longer. */
	sleep((unsigned)first + 1);
	second = fail_until_locked(a.email);
	cr_assert(second > first, "second lock %lds, first %lds", second, first);
	cr_assert_eq(client_audit_count("auth.lockout", a.id), 2);

	/* Once it has run out, the right password gets in and the count
	 * starts again. */
	sleep((unsigned)second + 1);
	do_login(a.email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT CONCAT(lockouts, ',', "
		"locked_until IS NULL) FROM users WHERE public_id = '%s';", a.id);
	char *st = client_sql(sql);
	cr_assert_str_eq(st, "0,1");
	free(st);
	client_account_free(&a);
}

Test(login, suspended_account_is_told_only_with_the_right_password)
{
	struct client_account a;
	struct client_resp r;

	new_account(&a);
	free(client_sqlf("UPDATE users SET status = 'suspended' WHERE"
		" public_id = '%s';", a.id));
	do_login(a.email, "wrong-password-x", NULL, &r);
	client_assert_problem(&r, 401, "unauthorized");
	client_free(&r);
	do_login(a.email, PASSWORD, NULL, &r);
	client_assert_problem(&r, 403, "forbidden");
	client_free(&r);
	client_account_free(&a);
}

/* RFC 6238's SHA-1 test key "12345678901234567890" in base32. */
#define TOTP_KEY "12345678901234567890"
#define TOTP_KEY_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void enable_mfa(const char *id)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "UPDATE users SET mfa_secret = '%s', "
		"mfa_enabled = 1, mfa_last_step = NULL WHERE public_id = '%s';",
		TOTP_KEY_B32, id);
	free(client_sql(sql));
}

Test(login, mfa_needs_a_fresh_code_or_a_recovery_code, .timeout = 120)
{
	struct client_account a;
	struct client_resp r;
	char code[16], sql[512];
	int64_t now;

	new_account(&a);
	enable_mfa(a.id);

	do_login(a.email, PASSWORD, NULL, &r);
	client_assert_problem(&r, 401, "mfa_required");
	client_free(&r);
	/* mfa_required only once the password is right. */
	do_login(a.email, "wrong-password-x", NULL, &r);
	client_assert_problem(&r, 401, "unauthorized");
	client_free(&r);

	/* A wrong code is a failed login. */
	now = (int64_t)time(NULL);
	cr_assert_eq(totp_generate(&totp_default,
		(const unsigned char *)TOTP_KEY, 20, now - 600, code,
		sizeof(code)), 0);
	do_login(a.email, PASSWORD, code, &r);
	cr_assert_eq(r.status, 401, "%ld %s", r.status, r.body);
	client_free(&r);

	/* The current code gets in, once: the same step is refused. */
	now = (int64_t)time(NULL);
	cr_assert_eq(totp_generate(&totp_default,
		(const unsigned char *)TOTP_KEY, 20, now, code, sizeof(code)), 0);
	do_login(a.email, PASSWORD, code, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	do_login(a.email, PASSWORD, code, &r);
	cr_assert_eq(r.status, 401, "replayed code: %ld %s", r.status, r.body);
	client_free(&r);

	/* A recovery code, typed loosely, works once. */
	snprintf(sql, sizeof(sql), "INSERT INTO mfa_recovery_codes (user_id, "
		"code_hash) SELECT id, UNHEX(SHA2('abcdefgh', 256)) FROM users "
		"WHERE public_id = '%s';", a.id);
	free(client_sql(sql));
	do_login(a.email, PASSWORD, "ABCD-efgh", &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	do_login(a.email, PASSWORD, "abcd-efgh", &r);
	cr_assert_eq(r.status, 401, "recovery code reused: %ld %s", r.status,
		r.body);
	client_free(&r);
	client_account_free(&a);
}

Test(login, old_hash_parameters_are_upgraded_at_login)
{
	struct client_account a;
	struct client_resp r;
	struct password_params old = { 12, 8, 1 };
	char phc[PASSWORD_PHC_MAX], sql[512];

	new_account(&a);
	cr_assert_eq(password_hash(PASSWORD, strlen(PASSWORD), &old, phc,
		sizeof(phc)), 0);
	snprintf(sql, sizeof(sql), "UPDATE users SET password_hash = '%s' "
		"WHERE public_id = '%s';", phc, a.id);
	free(client_sql(sql));

	do_login(a.email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	snprintf(sql, sizeof(sql), "SELECT password_hash FROM users WHERE "
		"public_id = '%s';", a.id);
	char *now = client_sql(sql);
	cr_assert(now && strncmp(now, "$scrypt$ln=12,", 14) != 0, "%s", now);
	cr_assert(strncmp(now, "$scrypt$", 8) == 0, "%s", now);
	free(now);
	/* And the new hash still opens the account. */
	do_login(a.email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	client_account_free(&a);
}

/* ------------------------------------------------------------ refresh */

Test(refresh, reuse_ends_the_family_and_every_access_token)
{
	struct client_account a;
	struct client_resp r;
	char *second, *third;

	new_account(&a);
	do_refresh(a.refresh, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	second = client_body_str(&r, "refresh_token");
	char *access = client_body_str(&r, "access_token");
	char *tt = client_body_str(&r, "token_type");
	cr_assert_str_eq(tt, "Bearer");
	free(tt);
	cr_assert(second && strcmp(second, a.refresh) != 0);
	cr_assert_eq(token_status(access), 403);
	free(access);
	client_free(&r);

	do_refresh(second, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	third = client_body_str(&r, "refresh_token");
	char *third_access = client_body_str(&r, "access_token");
	client_free(&r);
	cr_assert_eq(token_status(third_access), 403);

	/* The first token again: reuse. Refused, and it takes the live
	 * token of its family down with it. */
	expect_refresh_refused(a.refresh);
	expect_refresh_refused(third);
	cr_assert_eq(client_audit_count("auth.refresh_reuse", a.id), 1);
	/* And every access token already out, minted from the stolen chain
	 * or not, stops working at once rather than at its exp. */
	cr_assert_eq(token_status(third_access), 401);
	cr_assert_eq(token_status(a.access), 401);
	free(third_access);

	/* Another login of the same user is another family: untouched. */
	struct client_resp l;
	do_login(a.email, PASSWORD, NULL, &l);
	cr_assert_eq(l.status, 200);
	char *other = client_body_str(&l, "refresh_token");
	client_free(&l);
	do_refresh(other, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	free(other);
	free(second);
	free(third);
	client_account_free(&a);
}

Test(refresh, works_with_the_cookie)
{
	struct client_account a;
	struct client_resp r;

	new_account(&a);
	post_cookie(REFRESH, "theme=dark; ", a.refresh, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	char *set = client_header(&r, "Set-Cookie");
	char *tok = client_body_str(&r, "refresh_token");
	char want[128];
	snprintf(want, sizeof(want), "df_refresh=%s;", tok);
	cr_assert(set && strncmp(set, want, strlen(want)) == 0, "%s", set);
	free(set);
	free(tok);
	client_free(&r);

	/* The spent cookie: refused, and the browser told to drop it. */
	post_cookie(REFRESH, "theme=dark; ", a.refresh, &r);
	client_assert_problem(&r, 401, "unauthorized");
	set = client_header(&r, "Set-Cookie");
	cr_assert(set && strstr(set, "df_refresh=;") && strstr(set, "Max-Age=0"),
		"%s", set ? set : "(none)");
	free(set);
	client_free(&r);
	client_account_free(&a);
}

Test(refresh, refuses_unknown_expired_revoked_and_missing_tokens)
{
	struct client_account a;
	struct client_resp r;
	char sql[512];

	expect_refresh_refused("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_refresh_refused("short");
	cr_assert(post(REFRESH, "{}", &r) == 0);
	client_assert_problem(&r, 422, "validation_failed");
	cr_assert(client_has_error(&r, "refresh_token", "required"));
	client_free(&r);
	cr_assert(post(REFRESH, "{\"refresh_token\":5}", &r) == 0);
	client_assert_problem(&r, 422, "validation_failed");
	client_free(&r);

	new_account(&a);
	snprintf(sql, sizeof(sql), "UPDATE refresh_tokens SET expires_at = "
		"UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = "
		"UNHEX(SHA2('%s', 256));", a.refresh);
	free(client_sql(sql));
	expect_refresh_refused(a.refresh);
	client_account_free(&a);

	/* A suspended user's token stops working. */
	new_account(&a);
	snprintf(sql, sizeof(sql), "UPDATE users SET status = 'suspended' "
		"WHERE public_id = '%s';", a.id);
	free(client_sql(sql));
	expect_refresh_refused(a.refresh);
	client_account_free(&a);
}

static size_t sink(char *d, size_t s, size_t n, void *ctx)
{
	(void)d;
	(void)ctx;
	return s * n;
}

Test(refresh, two_racing_requests_with_one_token_do_not_both_win)
{
	enum { N = 4 };
	struct client_account a;
	CURL *e[N];
	CURLM *m = curl_multi_init();
	struct curl_slist *h = curl_slist_append(NULL,
		"Content-Type: application/json");
	char body[128];
	int running, ok = 0, refused = 0;
	long code;

	new_account(&a);
	snprintf(body, sizeof(body), "{\"refresh_token\":\"%s\"}", a.refresh);
	for (int i = 0; i < N; i++) {
		e[i] = curl_easy_init();
		curl_easy_setopt(e[i], CURLOPT_URL, client_url(REFRESH));
		curl_easy_setopt(e[i], CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(e[i], CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e[i], CURLOPT_WRITEFUNCTION, sink);
		curl_multi_add_handle(m, e[i]);
	}
	do {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	} while (running);
	for (int i = 0; i < N; i++) {
		curl_easy_getinfo(e[i], CURLINFO_RESPONSE_CODE, &code);
		if (code == 200)
			ok++;
		else if (code == 401)
			refused++;
		curl_multi_remove_handle(m, e[i]);
		curl_easy_cleanup(e[i]);
	}
	curl_multi_cleanup(m);
	curl_slist_free_all(h);
	cr_assert(ok <= 1, "%d of %d racing refreshes won", ok, N);
	cr_assert_eq(ok + refused, N, "%d won, %d refused", ok, refused);
	client_account_free(&a);
}

/* ------------------------------------------------------------ logout */

Test(logout, ends_the_family_and_clears_the_cookie)
{
	struct client_account a;
	struct client_resp r;
	char body[128], *second;

	new_account(&a);
	do_refresh(a.refresh, &r);
	cr_assert_eq(r.status, 200);
	second = client_body_str(&r, "refresh_token");
	client_free(&r);

	snprintf(body, sizeof(body), "{\"refresh_token\":\"%s\"}", second);
	cr_assert(post(LOGOUT, body, &r) == 0);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body);
	char *set = client_header(&r, "Set-Cookie");
	cr_assert(set && strstr(set, "df_refresh=;") && strstr(set, "Max-Age=0"),
		"%s", set ? set : "(none)");
	free(set);
	client_free(&r);
	expect_refresh_refused(second);
	cr_assert_eq(client_audit_count("auth.logout", a.id), 1);

	/* Twice, or with a token nobody has: the same 204. */
	cr_assert(post(LOGOUT, body, &r) == 0);
	cr_assert_eq(r.status, 204);
	client_free(&r);
	cr_assert(post(LOGOUT, "{\"refresh_token\":\"nothing-like-a-token\"}",
		&r) == 0);
	cr_assert_eq(r.status, 204);
	client_free(&r);
	cr_assert(post(LOGOUT, "{}", &r) == 0);
	client_assert_problem(&r, 422, "validation_failed");
	client_free(&r);
	free(second);
	client_account_free(&a);
}

Test(logout, takes_the_cookie)
{
	struct client_account a;

	new_account(&a);
	expect_cookie_status(LOGOUT, "", a.refresh, 204);
	expect_refresh_refused(a.refresh);
	client_account_free(&a);
}

Test(logout_all, ends_every_session_and_every_older_access_token)
{
	struct client_account a;
	struct client_resp r;
	char h[2048];
	const char *hdr[] = { h, NULL };
	char *other_refresh, *other_access;

	new_account(&a);
	do_login(a.email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200);
	other_refresh = client_body_str(&r, "refresh_token");
	other_access = client_body_str(&r, "access_token");
	client_free(&r);
	cr_assert_eq(token_status(other_access), 403);

	snprintf(h, sizeof(h), "Authorization: Bearer %s", a.access);
	cr_assert(client_request("POST", client_url(LOGOUT_ALL), hdr, "", 0,
		&r) == 0);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body);
	client_free(&r);

	/* Every refresh token and every access token issued before. */
	expect_refresh_refused(a.refresh);
	expect_refresh_refused(other_refresh);
	cr_assert_eq(token_status(a.access), 401);
	cr_assert_eq(token_status(other_access), 401);
	cr_assert_eq(client_audit_count("auth.logout_all", a.id), 1);
	/* The same token cannot do it again. */
	cr_assert(client_request("POST", client_url(LOGOUT_ALL), hdr, "", 0,
		&r) == 0);
	client_assert_problem(&r, 401, "invalid_token");
	client_free(&r);

	/* A new login works and its token is good. */
	do_login(a.email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200);
	char *fresh = client_body_str(&r, "access_token");
	client_free(&r);
	cr_assert_eq(token_status(fresh), 403);
	free(fresh);
	free(other_refresh);
	free(other_access);
	client_account_free(&a);
}

Test(logout_all, needs_a_token)
{
	struct client_resp r;

	cr_assert(client_request("POST", client_url(LOGOUT_ALL), NULL, "", 0,
		&r) == 0);
	client_assert_problem(&r, 401, "unauthorized");
	client_free(&r);
}

/* ------------------------------------------------------------ limits */

/* N of an "N/min" value in the environment (what the stack was started
 * with: scripts/test exports it), else dflt. */
static long per_min(const char *name, long dflt)
{
	const char *v = getenv(name);

	if (v == NULL || strstr(v, "/min") == NULL)
		return dflt;
	return atol(v);
}

/* Many addresses together meet a ceiling on each auth route: requests
 * from two addresses in turn are refused once they reach the route's
 * global limit, while neither has used its own. The route is DELETE
 * /me/mfa/totp without a token (limited, then 401, no work), which no
 * later test uses; this test sorts before the flood test below, whose
 * bucket it shares. */
Test(ratelimit, a_route_has_a_ceiling_over_all_addresses, .timeout = 180)
{
	long per_addr = per_min("DEVFORGE_RATELIMIT_AUTH", 10);
	long global = per_min("DEVFORGE_RATELIMIT_AUTH_GLOBAL", 600);
	char *url[2] = { strdup(client_url("/api/v1/me/mfa/totp")),
		strdup(client_untrusted_url("/api/v1/me/mfa/totp")) };
	long passed[2] = { 0, 0 };
	struct client_resp r;
	int refused = 0;
	double t0 = client_now();

	if (global >= 2 * per_addr)
		cr_skip_test("needs ratelimit.auth_global below twice "
			"ratelimit.auth, both N/min (scripts/test sets 1500/min "
			"and 1000/min); have %ld and %ld", global, per_addr);
	for (long i = 0; i < 2 * per_addr + 10 && !refused; i++) {
		int k = (int)(i % 2);

		cr_assert(client_request("DELETE", url[k], NULL, NULL, 0,
			&r) == 0);
		if (r.status == 429) {
			refused = 1;
			client_assert_problem(&r, 429, "rate_limited");
			cr_assert(strstr(r.body, "all clients together") != NULL,
				"refused by an address's own limit: %s (passed %ld "
				"and %ld)", r.body, passed[0], passed[1]);
			char *rl = client_header(&r, "RateLimit-Limit");
			cr_assert(rl && atol(rl) == global, "RateLimit-Limit %s",
				rl ? rl : "(none)");
			free(rl);
			cr_assert(retry_after(&r) >= 1);
		} else {
			cr_assert_eq(r.status, 401, "%ld %s", r.status, r.body);
			passed[k]++;
		}
		client_free(&r);
	}
	free(url[0]);
	free(url[1]);
	cr_assert(refused, "no 429 after %ld + %ld requests (global %ld)",
		passed[0], passed[1], global);
	cr_assert(passed[0] < per_addr && passed[1] < per_addr);
	double refill = (client_now() - t0) * global / 60.0;
	cr_assert(passed[0] + passed[1] <= global + (long)refill + 1,
		"%ld + %ld passed, ceiling %ld", passed[0], passed[1], global);
}

Test(ratelimit, auth_routes_are_limited_per_address, .timeout = 120)
{
	struct client_resp r;
	int limited = 0, passed = 0, limit = 0;
	double t0 = client_now();

	/* From the untrusted address: its own bucket, so the other tests
	 * (on 127.0.0.1) keep theirs. A malformed body costs no scrypt. */
	for (int i = 0; i < 5000 && !limited; i++) {
		cr_assert(client_post_json(client_untrusted_url(LOGIN), "{", NULL,
			&r) == 0);
		char *rl = client_header(&r, "RateLimit-Limit");
		cr_assert(rl != NULL, "RateLimit-Limit missing: %ld", r.status);
		limit = atoi(rl);
		free(rl);
		if (r.status == 429) {
			limited = 1;
			client_assert_problem(&r, 429, "rate_limited");
			cr_assert(retry_after(&r) >= 1);
		} else {
			cr_assert_eq(r.status, 400, "%ld %s", r.status, r.body);
			passed++;
		}
		client_free(&r);
	}
	cr_assert(limited, "no 429 after 5000 logins (limit %d)", limit);
	double refill = (client_now() - t0) * limit / 60.0;
	cr_assert(passed <= limit + (int)refill + 1, "%d passed, limit %d",
		passed, limit);
}
