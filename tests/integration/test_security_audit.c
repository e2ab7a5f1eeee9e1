/* The security audit (GET /api/v1/admin/security/audit and `devforgectl
 * audit`) and the audit log's admin list. Each check flips when its
 * condition is made true and false: the configuration and file checks
 * through devforgectl with DEVFORGE_* overrides, copied secrets and a
 * copied migrations directory; the database checks through the API (an
 * admin without MFA, an old-parameter hash) or devforgectl (a second
 * database account with chosen grants, a failed-login spike under a
 * threshold of the test's choosing). The database is shared with other
 * programs: assertions name this test's own accounts, never totals. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "client.h"

#define AUDIT "/api/v1/admin/security/audit"
#define EVENTS "/api/v1/admin/security/events"

/* `devforgectl -c CONFIG audit --json` with env (e.g. "DEVFORGE_X=y",
 * may be ""): its exit status, and its JSON in *out (put it). */
static int ctl_audit(struct json_object **out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int ctl_audit(struct json_object **out, const char *fmt, ...)
{
	char env[2048], *text = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(env, sizeof(env), fmt, ap);
	va_end(ap);
	rc = client_ctl_run_env(env, &text, "audit --json 2>/dev/null");
	*out = json_tokener_parse(text != NULL ? text : "");
	cr_assert(*out != NULL || rc == 1, "%s: exit %d, not JSON: %s", env, rc,
		text);
	free(text);
	return rc;
}

/* The finding of check id in a report, or NULL when it is not one. */
static struct json_object *finding(struct json_object *report,
	const char *id)
{
	struct json_object *fs = json_object_object_get(report, "findings");

	for (size_t i = 0; i < json_object_array_length(fs); i++) {
		struct json_object *f = json_object_array_get_idx(fs, i);

		if (strcmp(client_json_str(f, "id"), id) == 0)
			return f;
	}
	return NULL;
}

static int passed(struct json_object *report, const char *id)
{
	struct json_object *ps = json_object_object_get(report, "passed");

	for (size_t i = 0; i < json_object_array_length(ps); i++)
		if (strcmp(json_object_get_string(
		    json_object_array_get_idx(ps, i)), id) == 0)
			return 1;
	return 0;
}

/* Asserts that check id is a finding of severity sev (and not passed). */
static void expect_finding(struct json_object *report, const char *id,
	const char *sev)
{
	struct json_object *f = finding(report, id);

	cr_assert(f != NULL, "%s is not a finding: %s", id,
		json_object_to_json_string(report));
	cr_expect_str_eq(client_json_str(f, "severity"), sev, "%s", id);
	cr_expect(strlen(client_json_str(f, "title")) > 0);
	cr_expect(strlen(client_json_str(f, "detail")) > 0);
	cr_expect(strlen(client_json_str(f, "remediation")) > 0);
	cr_expect(!passed(report, id), "%s both found and passed", id);
}

static void expect_passed(struct json_object *report, const char *id)
{
	cr_assert(passed(report, id) && finding(report, id) == NULL,
		"%s did not pass: %s", id, json_object_to_json_string(report));
}

static long score(struct json_object *report)
{
	return json_object_get_int64(json_object_object_get(report,
		"risk_score"));
}

/* The stack's secret file for key (a path in its config). */
static char *secret_path(const char *key)
{
	char *p = client_config(key, NULL);

	cr_assert(p != NULL && p[0] != '\0', "the stack names no %s", key);
	return p;
}

/* A copy of file in a private temporary directory, mode 0600. */
static char *copy_secret(const char *file, char dir[64])
{
	char cmd[1024], *out = NULL, *path;

	snprintf(dir, 64, "/tmp/dfaudit.XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	path = malloc(strlen(dir) + 16);
	cr_assert(path != NULL);
	sprintf(path, "%s/secret", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 600 '%s'", file, path,
		path);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);
	return path;
}

static void remove_dir(const char *dir)
{
	char cmd[256], *out = NULL;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	client_run(cmd, &out);
	free(out);
}

Test(security_audit, jwt_example_key_is_critical_and_exit_3)
{
	struct json_object *r;

	cr_assert_eq(ctl_audit(&r, "DEVFORGE_JWT_SECRET_FILE= "
		"DEVFORGE_JWT_SECRET=example-jwt-secret-not-secret-change-me-"
		"0123456789"), 3, "a critical finding exits 3");
	expect_finding(r, "jwt_key_example", "critical");
	json_object_put(r);

	/* The stack's own random key: no critical finding, exit 0. */
	cr_assert_eq(ctl_audit(&r, "%s", ""), 0);
	expect_passed(r, "jwt_key_example");
	expect_passed(r, "jwt_key_weak");
	json_object_put(r);
}

Test(security_audit, short_or_repetitive_jwt_key_is_weak)
{
	struct json_object *r;

	ctl_audit(&r, "DEVFORGE_JWT_SECRET_FILE= DEVFORGE_JWT_SECRET=short1");
	expect_finding(r, "jwt_key_weak", "high");
	json_object_put(r);
	/* Long but of two symbols. */
	ctl_audit(&r, "DEVFORGE_JWT_SECRET_FILE= DEVFORGE_JWT_SECRET="
		"abababababababababababababababababababab");
	expect_finding(r, "jwt_key_weak", "high");
	json_object_put(r);
	ctl_audit(&r, "DEVFORGE_JWT_SECRET_FILE= DEVFORGE_JWT_SECRET="
		"Qm9vdGgK7xY2pLw9ZrT4vNc8sHd3fJk1aGe6uBi0oMq5");
	expect_passed(r, "jwt_key_weak");
	json_object_put(r);
}

Test(security_audit, plain_http_public_url_flips_https_and_lowers_score)
{
	struct json_object *plain, *tls;

	ctl_audit(&plain, "DEVFORGE_PUBLIC_URL=http://api.example.test");
	expect_finding(plain, "https_not_enforced", "high");
	ctl_audit(&tls, "DEVFORGE_PUBLIC_URL=https://api.example.test");
	expect_passed(tls, "https_not_enforced");
	/* Fixing a high finding takes its 20 off the score (below the
	 * cap); nothing else differs between the two runs. */
	if (score(plain) < 100)
		cr_expect_eq(score(plain) - score(tls), 20, "%ld -> %ld",
			score(plain), score(tls));
	else
		cr_expect(score(tls) <= score(plain));
	json_object_put(plain);
	json_object_put(tls);
}

/* Production mode loads with the stack's random secrets once public_url
 * is https; then local or plain-HTTP CORS origins are findings. */
#define PROD "DEVFORGE_MODE=production DEVFORGE_PUBLIC_URL=https://api.example.test"

Test(security_audit, production_mode_and_cors_origins)
{
	struct json_object *r;

	ctl_audit(&r, "%s", "DEVFORGE_MODE=development");
	expect_finding(r, "not_production_mode", "medium");
	/* Development allows the front end's local origin. */
	expect_passed(r, "cors_origins");
	json_object_put(r);

	ctl_audit(&r, PROD " DEVFORGE_CORS_ORIGINS=http://localhost:3000");
	expect_passed(r, "not_production_mode");
	expect_finding(r, "cors_origins", "medium");
	cr_expect(strstr(client_json_str(finding(r, "cors_origins"), "detail"),
		"http://localhost:3000") != NULL);
	json_object_put(r);

	ctl_audit(&r, PROD " DEVFORGE_CORS_ORIGINS=http://app.example.test");
	expect_finding(r, "cors_origins", "medium");
	json_object_put(r);

	ctl_audit(&r, PROD " DEVFORGE_CORS_ORIGINS=https://app.example.test");
	expect_passed(r, "cors_origins");
	json_object_put(r);
}

Test(security_audit, group_readable_secret_file_is_a_finding)
{
	struct json_object *r;
	char dir[64];
	char *secret = secret_path("jwt_secret_file");
	char *copy = copy_secret(secret, dir);

	ctl_audit(&r, "DEVFORGE_JWT_SECRET_FILE=%s", copy);
	expect_passed(r, "secret_file_permissions");
	json_object_put(r);

	cr_assert_eq(chmod(copy, 0640), 0);
	ctl_audit(&r, "DEVFORGE_JWT_SECRET_FILE=%s", copy);
	expect_finding(r, "secret_file_permissions", "high");
	cr_expect(strstr(client_json_str(finding(r, "secret_file_permissions"),
		"detail"), copy) != NULL, "the detail names the file");
	json_object_put(r);

	cr_assert_eq(chmod(copy, 0600), 0);
	ctl_audit(&r, "DEVFORGE_JWT_SECRET_FILE=%s", copy);
	expect_passed(r, "secret_file_permissions");
	json_object_put(r);
	free(copy);
	free(secret);
	remove_dir(dir);
}

Test(security_audit, a_migration_file_not_applied_is_pending)
{
	struct json_object *r;
	char dir[64] = "/tmp/dfaudit.XXXXXX", cmd[1024], *out = NULL;
	char *mig = secret_path("migrations_dir");

	cr_assert(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd), "cp '%s'/*.sql '%s'/", mig, dir);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);
	ctl_audit(&r, "DEVFORGE_MIGRATIONS_DIR=%s", dir);
	expect_passed(r, "pending_migrations");
	json_object_put(r);

	snprintf(cmd, sizeof(cmd), "echo 'SELECT 1;' > '%s'/9999_audit_test.sql",
		dir);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);
	ctl_audit(&r, "DEVFORGE_MIGRATIONS_DIR=%s", dir);
	expect_finding(r, "pending_migrations", "high");
	cr_expect(strstr(client_json_str(finding(r, "pending_migrations"),
		"detail"), "9999") != NULL);
	json_object_put(r);
	remove_dir(dir);
	free(mig);
}

/* A second database account with chosen grants, used through
 * DEVFORGE_DB_USER: the workers' own account is left alone. */
Test(security_audit, database_account_privileges)
{
	const char *user = client_unique("dfa");
	char *db = client_config("db_name", "devforge"), *v;
	const char pw[] = "audit-test-pw-7Hq2";
	struct json_object *r;

	v = client_sqlf("CREATE USER '%s'@'localhost' IDENTIFIED BY '%s';"
		" GRANT SELECT ON `%s`.* TO '%s'@'localhost'; SELECT 1", user, pw,
		db, user);
	cr_assert(v != NULL, "cannot create the account");
	free(v);
#define AS_USER "DEVFORGE_DB_USER=%s DEVFORGE_DB_PASSWORD_FILE= " \
	"DEVFORGE_DB_PASSWORD=%s"
	cr_assert_eq(ctl_audit(&r, AS_USER, user, pw), 0);
	expect_passed(r, "db_privileges_excessive");
	expect_passed(r, "db_privileges_broad");
	json_object_put(r);

	free(client_sqlf("GRANT FILE ON *.* TO '%s'@'localhost'; SELECT 1",
		user));
	ctl_audit(&r, AS_USER, user, pw);
	expect_finding(r, "db_privileges_excessive", "high");
	json_object_put(r);
	free(client_sqlf("REVOKE FILE ON *.* FROM '%s'@'localhost'; SELECT 1",
		user));

	free(client_sqlf("GRANT CREATE, DROP ON `%s`.* TO '%s'@'localhost';"
		" SELECT 1", db, user));
	ctl_audit(&r, AS_USER, user, pw);
	expect_passed(r, "db_privileges_excessive");
	expect_finding(r, "db_privileges_broad", "medium");
	json_object_put(r);

	free(client_sqlf("REVOKE CREATE, DROP ON `%s`.* FROM '%s'@'localhost';"
		" SELECT 1", db, user));
	ctl_audit(&r, AS_USER, user, pw);
	expect_passed(r, "db_privileges_broad");
	json_object_put(r);
	free(client_sqlf("DROP USER '%s'@'localhost'; SELECT 1", user));
	free(db);
#undef AS_USER
}

/* The spike threshold is the test's: above what the last hour already
 * holds, so rows of other programs do not decide the outcome. */
Test(security_audit, failed_login_spike)
{
	const char *rid = client_unique("auditspike");
	struct json_object *r;
	long base = client_sql_long("SELECT COUNT(*) FROM audit_log WHERE"
		" event = 'auth.login_failed'"
		" AND at > UTC_TIMESTAMP(6) - INTERVAL 1 HOUR");
	long threshold = base + 25;

	ctl_audit(&r, "DEVFORGE_AUDIT_LOGIN_FAILURES_PER_HOUR=%ld", threshold);
	expect_passed(r, "login_failures_spike");
	json_object_put(r);

	free(client_sqlf("INSERT INTO audit_log (at, event, client_addr,"
		" request_id, detail) SELECT UTC_TIMESTAMP(6), 'auth.login_failed',"
		" '192.0.2.7', '%s', '{\"reason\":\"unknown_email\"}'"
		" FROM seq_1_to_50; SELECT 1", rid));
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM audit_log WHERE"
		" request_id = '%s'", rid), 50, "the failures were not written");
	ctl_audit(&r, "DEVFORGE_AUDIT_LOGIN_FAILURES_PER_HOUR=%ld", threshold);
	expect_finding(r, "login_failures_spike", "high");
	json_object_put(r);

	free(client_sqlf("DELETE FROM audit_log WHERE request_id = '%s';"
		" SELECT 1", rid));
	ctl_audit(&r, "DEVFORGE_AUDIT_LOGIN_FAILURES_PER_HOUR=%ld", threshold);
	expect_passed(r, "login_failures_spike");
	json_object_put(r);
}

/* The audit through the API: its shape and the report's detail. */
static struct json_object *api_audit(const char *auth)
{
	struct client_resp resp;
	struct json_object *o;

	client_call("GET", AUDIT, auth, NULL, &resp);
	o = client_expect_json(&resp, 200);
	client_free(&resp);
	cr_assert(json_object_is_type(json_object_object_get(o, "findings"),
		json_type_array));
	cr_assert(json_object_is_type(json_object_object_get(o, "passed"),
		json_type_array));
	cr_assert(json_object_is_type(json_object_object_get(o, "risk_score"),
		json_type_int));
	cr_assert(client_json_str(o, "checked_at") != NULL);
	return o;
}

static char *username_of(const char *pid)
{
	return client_sqlf("SELECT username FROM users WHERE public_id = '%s'",
		pid);
}

/* 1 when the finding id names name in its detail. */
static int names(struct json_object *report, const char *id,
	const char *name)
{
	struct json_object *f = finding(report, id);

	return f != NULL && strstr(client_json_str(f, "detail"), name) != NULL;
}

/* The API's audit names name under id, in a finding of severity; with
 * severity NULL, does not name it. */
static void expect_named(const char *auth, const char *id, const char *name,
	const char *severity)
{
	struct json_object *r = api_audit(auth);

	if (severity != NULL) {
		expect_finding(r, id, severity);
		cr_expect(names(r, id, name), "%s not named: %s", name,
			json_object_to_json_string(r));
	} else {
		cr_expect(!names(r, id, name), "%s named: %s", name,
			json_object_to_json_string(r));
	}
	json_object_put(r);
}

/* Stores hash (a printf format) as the password hash of the account
 * pid. */
static void set_hash(const char *pid, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_hash(const char *pid, const char *fmt, ...)
{
	char hash[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hash, sizeof(hash), fmt, ap);
	va_end(ap);
	free(client_sqlf("UPDATE users SET password_hash = '%s' WHERE"
		" public_id = '%s'; SELECT 1", hash, pid));
}

Test(security_audit, admin_without_mfa_is_named)
{
	char pid[37], *auth, *name;

	auth = client_auth_header("admin", pid);
	name = username_of(pid);
	cr_assert(name != NULL);
	expect_named(auth, "admins_without_mfa", name, "high");

	free(client_sqlf("UPDATE users SET mfa_secret = 'JBSWY3DPEHPK3PXP',"
		" mfa_enabled = 1 WHERE public_id = '%s'; SELECT 1", pid));
	expect_named(auth, "admins_without_mfa", name, NULL);
	free(name);
	free(auth);
}

/* A salt and key after "$scrypt$ln=L,r=R,p=P". */
#define PHC_TAIL "$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5" \
	"a2V5a2U"

Test(security_audit, old_parameter_hash_is_named)
{
	char pid[37], *auth, *name, *ln, *r_s, *p_s;

	auth = client_auth_header("admin", pid);
	free(client_sqlf("UPDATE users SET mfa_enabled = 1,"
		" mfa_secret = 'JBSWY3DPEHPK3PXP' WHERE public_id = '%s'; SELECT 1",
		pid));
	name = username_of(pid);
	ln = client_config("password_scrypt_ln", "14");
	r_s = client_config("password_scrypt_r", "8");
	p_s = client_config("password_scrypt_p", "2");

	/* The cost of today: not named. */
	set_hash(pid, "$scrypt$ln=%s,r=%s,p=%s" PHC_TAIL, ln, r_s, p_s);
	expect_named(auth, "password_hashes_outdated", name, NULL);

	/* One parameter lower (r = 1 below any allowed current r only when
	 * the stack's r is above 1; ln - 1 is always lower). */
	set_hash(pid, "$scrypt$ln=%d,r=%s,p=%s" PHC_TAIL, atoi(ln) - 1, r_s,
		p_s);
	expect_named(auth, "password_hashes_outdated", name, "low");

	/* Another scheme altogether counts too. */
	set_hash(pid, "%s", "$2y$10$abcdefghijklmnopqrstuv");
	expect_named(auth, "password_hashes_outdated", name, "low");
	set_hash(pid, "%s", "$scrypt$unusable");
	free(ln);
	free(r_s);
	free(p_s);
	free(name);
	free(auth);
}

Test(security_audit, cli_and_api_report_the_same_checks)
{
	char *auth = client_auth_header("admin", NULL);
	struct json_object *api = api_audit(auth), *cli;
	struct json_object *ps;
	size_t total_api, total_cli;

	cr_assert_neq(ctl_audit(&cli, "%s", ""), 1);
	total_api = json_object_array_length(json_object_object_get(api,
		"findings")) + json_object_array_length(json_object_object_get(api,
		"passed"));
	total_cli = json_object_array_length(json_object_object_get(cli,
		"findings")) + json_object_array_length(json_object_object_get(cli,
		"passed"));
	cr_expect_eq(total_api, total_cli);
	cr_expect(total_api >= 12, "%zu checks", total_api);
	/* Each passed check of one run is a check of the other. */
	ps = json_object_object_get(cli, "passed");
	for (size_t i = 0; i < json_object_array_length(ps); i++) {
		const char *id = json_object_get_string(
			json_object_array_get_idx(ps, i));
		cr_expect(passed(api, id) || finding(api, id) != NULL, "%s", id);
	}
	json_object_put(api);
	json_object_put(cli);
	free(auth);
}

Test(security_audit, cli_table_and_errors)
{
	char *out = NULL;
	int rc;

	rc = client_ctl_run(0, &out, "audit");
	cr_expect(rc == 0 || rc == 3, "exit %d", rc);
	cr_expect(strstr(out, "risk score") != NULL, "%s", out);
	cr_expect(strstr(out, "passed:") != NULL, "%s", out);
	free(out);

	/* A database that cannot be reached: exit 1. */
	cr_expect_eq(client_ctl_run_env("DEVFORGE_DB_SOCKET=/nonexistent/sock "
		"DEVFORGE_DB_CONNECT_TIMEOUT=1", &out, "audit"), 1, "%s", out);
	free(out);
	cr_expect_eq(client_ctl_run(0, &out, "audit --bogus"), 2, "%s", out);
	free(out);
}

Test(security_audit, admin_routes_refuse_users_and_anonymous)
{
	static const char *const paths[] = { AUDIT, EVENTS };
	char *user = client_auth_header("user", NULL);
	char *support = client_auth_header("support", NULL);

	for (size_t i = 0; i < 2; i++) {
		cr_expect_eq(client_status("GET", paths[i], NULL, NULL), 401,
			"%s", paths[i]);
		cr_expect_eq(client_status("GET", paths[i], user, NULL), 403,
			"%s", paths[i]);
		cr_expect_eq(client_status("GET", paths[i], support, NULL), 403,
			"%s", paths[i]);
	}
	free(user);
	free(support);
}

Test(security_audit, events_filter_by_prefix_and_page_with_a_cursor)
{
	char subject[37], *auth = client_auth_header("admin", NULL), path[512];
	const char *rid = client_unique("auditev");
	struct client_resp resp;
	struct json_object *o, *items;
	int seen = 0;
	long prev = 0;

	cr_assert_eq(client_user("user", subject), 0);
	/* Five events about one subject: three auth., two other. */
	free(client_sqlf("INSERT INTO audit_log (at, event, subject_id,"
		" request_id, detail) VALUES"
		" (UTC_TIMESTAMP(6), 'auth.login_failed', '%s', '%s', '{\"n\":1}'),"
		" (UTC_TIMESTAMP(6), 'admin.user_updated', '%s', '%s', NULL),"
		" (UTC_TIMESTAMP(6), 'auth.lockout', '%s', '%s', '{\"n\":3}'),"
		" (UTC_TIMESTAMP(6), 'authx.other', '%s', '%s', NULL),"
		" (UTC_TIMESTAMP(6), 'auth.login', '%s', '%s', '{\"n\":5}');"
		" SELECT 1", subject, rid, subject, rid, subject, rid, subject,
		rid, subject, rid));

	/* auth. is a prefix up to its dot: authx.other is not in it. Pages
	 * of two, newest first, until next_cursor is null. */
	snprintf(path, sizeof(path), EVENTS "?event=auth.&subject_id=%s&limit=2",
		subject);
	for (;;) {
		client_call("GET", path, auth, NULL, &resp);
		o = client_expect_json(&resp, 200);
		client_free(&resp);
		items = json_object_object_get(o, "items");
		cr_assert(json_object_array_length(items) <= 2);
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			struct json_object *it = json_object_array_get_idx(items, i);
			long id = atol(client_json_str(it, "id"));

			cr_expect(strncmp(client_json_str(it, "event"), "auth.", 5)
				== 0, "%s", client_json_str(it, "event"));
			cr_expect_str_eq(client_json_str(it, "subject_id"), subject);
			cr_expect(prev == 0 || id < prev, "newest first");
			cr_expect(json_object_is_type(json_object_object_get(it,
				"detail"), json_type_object));
			cr_expect(client_json_str(it, "at") != NULL);
			prev = id;
			seen++;
		}
		if (json_object_get_type(json_object_object_get(o,
		    "next_cursor")) != json_type_string) {
			json_object_put(o);
			break;
		}
		snprintf(path, sizeof(path), EVENTS "?event=auth.&subject_id=%s"
			"&limit=2&cursor=%s", subject, client_json_str(o,
			"next_cursor"));
		json_object_put(o);
		cr_assert(seen < 10, "the cursor does not advance");
	}
	cr_expect_eq(seen, 3);

	/* An exact name. */
	snprintf(path, sizeof(path), EVENTS "?event=auth.lockout&subject_id=%s",
		subject);
	client_call("GET", path, auth, NULL, &resp);
	o = client_expect_json(&resp, 200);
	client_free(&resp);
	items = json_object_object_get(o, "items");
	cr_expect_eq(json_object_array_length(items), 1);
	json_object_put(o);

	/* A time window in the future holds none of them. */
	snprintf(path, sizeof(path), EVENTS "?subject_id=%s&from=2999-01-01",
		subject);
	client_call("GET", path, auth, NULL, &resp);
	o = client_expect_json(&resp, 200);
	client_free(&resp);
	cr_expect_eq(json_object_array_length(json_object_object_get(o,
		"items")), 0);
	json_object_put(o);

	/* Bad parameters: 422 naming the field. */
	client_expect_field_error_auth("GET", EVENTS "?event=Auth*", auth, NULL,
		"event", "invalid_format");
	client_expect_field_error_auth("GET", EVENTS "?from=yesterday", auth,
		NULL, "from", "invalid_format");
	client_expect_field_error_auth("GET", EVENTS "?subject_id=nope", auth,
		NULL, "subject_id", "invalid_format");
	free(client_sqlf("DELETE FROM audit_log WHERE request_id = '%s';"
		" SELECT 1", rid));
	free(auth);
}
