/* SQL behind the security audit and the audit log's admin list. The
 * checks that only read the configuration and files run first (core/
 * audit_checks.c); those here read the database. Each adds its id to
 * the report's findings or passed list (docs/SECURITY.md lists them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "config.h"
#include "db.h"
#include "store/security_audit.h"

/* Names listed in a finding's detail at most (newest accounts first, so
 * a fresh problem is the one named). */
#define NAMES_MAX 25
#define MIGRATIONS_MAX 4096

/* "a, b, c" from column 0 of res, as much as fits. */
static void join_names(const struct db_result *res, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < res->nrows; i++) {
		const char *s = db_str(res, i, 0);

		if (audit_list_add(buf, len, &used, ", ", "%s",
		    s != NULL ? s : "") != 0)
			break;
	}
}

static int count_of(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, int64_t *n)
{
	struct db_result res;
	int rc = db_query(a, sql, p, np, &res);

	if (rc == 0)
		*n = db_int(&res, 0, 0, 0);
	return rc;
}

/* How many rows count_sql counts, and when any, the names names_sql
 * lists (both take the same parameters) joined into names: the checks
 * that name the accounts they found. */
static int count_and_names(struct arena *a, const char *count_sql,
	const char *names_sql, const struct db_param *p, size_t np,
	int64_t *n, char *names, size_t len)
{
	struct db_result res;
	int rc = count_of(a, count_sql, p, np, n);

	names[0] = '\0';
	if (rc != 0 || *n == 0)
		return rc;
	rc = db_query(a, names_sql, p, np, &res);
	if (rc == 0)
		join_names(&res, names, len);
	return rc;
}

/* A grant line up to " TO ": what and where, never the account's
 * password hash that follows. */
static void grant_head(const char *g, char *out, size_t len)
{
	const char *to = strstr(g, " TO ");
	size_t n = to != NULL ? (size_t)(to - g) : strlen(g);

	if (n >= len)
		n = len - 1;
	memcpy(out, g, n);
	out[n] = '\0';
}

/* The account's grants against what the workers need (DEPLOYMENT: SELECT,
 * INSERT, UPDATE, DELETE on the application's database). */
static int check_grants(struct arena *a, struct audit_report *r)
{
	static const char sql[] = "SHOW GRANTS FOR CURRENT_USER";
	static const char *const ddl[] = {
		"ALL PRIVILEGES", "CREATE", "DROP", "ALTER", "INDEX",
		"REFERENCES", "TRIGGER", "EVENT", NULL
	};
	char global[600] = "", broad[600] = "";
	size_t gused = 0, bused = 0;
	struct db_result res;
	int rc = db_query(a, sql, NULL, 0, &res);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < res.nrows; i++) {
		const char *g = db_str(&res, i, 0);
		char head[256];
		int is_global, danger = 0, wide = 0;

		if (g == NULL || strncmp(g, "GRANT ", 6) != 0)
			continue; /* roles, proxies */
		grant_head(g, head, sizeof(head));
		is_global = strstr(head, " ON *.*") != NULL;
		if (is_global && strncmp(head, "GRANT USAGE ON", 14) != 0)
			danger = 1;
		if (strstr(head, "SUPER") != NULL || strstr(head, "FILE") != NULL ||
		    strstr(g, "WITH GRANT OPTION") != NULL)
			danger = 1;
		for (size_t k = 0; !danger && ddl[k] != NULL; k++)
			if (strstr(head, ddl[k]) != NULL)
				wide = 1;
		if (danger)
			audit_list_add(global, sizeof(global), &gused, "; ",
				"%s%s", head, strstr(g, "WITH GRANT OPTION") ?
				" WITH GRANT OPTION" : "");
		else if (wide)
			audit_list_add(broad, sizeof(broad), &bused, "; ",
				"%s", head);
	}
	if (gused > 0)
		audit_fail(r, "db_privileges_excessive", AUDIT_HIGH,
			"The database account holds server-wide privileges",
			"Give the workers' account only SELECT, INSERT, UPDATE, "
			"DELETE on the application's database (docs/DEPLOYMENT.md) "
			"and run migrations with a separate account.",
			"SHOW GRANTS FOR CURRENT_USER: %s", global);
	else
		audit_pass(r, "db_privileges_excessive");
	if (bused > 0)
		audit_fail(r, "db_privileges_broad", AUDIT_MEDIUM,
			"The database account may change the schema",
			"REVOKE ALL and GRANT SELECT, INSERT, UPDATE, DELETE ON "
			"the database to the workers' account; migrations run as "
			"devforge_migrate (docs/DEPLOYMENT.md).",
			"SHOW GRANTS FOR CURRENT_USER: %s", broad);
	else
		audit_pass(r, "db_privileges_broad");
	return 0;
}

static int check_admins_mfa(struct arena *a, struct audit_report *r)
{
	static const char count_sql[] =
		"SELECT COUNT(*) FROM users WHERE role = 'admin'"
		" AND status = 'active' AND mfa_enabled = 0";
	static const char names_sql[] =
		"SELECT username FROM users WHERE role = 'admin'"
		" AND status = 'active' AND mfa_enabled = 0"
		" ORDER BY id DESC LIMIT " "25";
	char names[700];
	int64_t n = 0;
	int rc = count_and_names(a, count_sql, names_sql, NULL, 0, &n, names,
		sizeof(names));

	if (rc != 0)
		return rc;
	if (n == 0) {
		audit_pass(r, "admins_without_mfa");
		return 0;
	}
	audit_fail(r, "admins_without_mfa", AUDIT_HIGH,
		"Admin accounts without two-factor authentication",
		"Have each admin enable TOTP (POST /api/v1/me/mfa/setup), or "
		"demote accounts that need no admin role.",
		"%lld active admin account(s) sign in with a password alone "
		"(newest first, at most %d named): %s", (long long)n, NAMES_MAX,
		names);
	return 0;
}

/* The stored "$scrypt$ln=L,r=R,p=P$salt$key" parameters, read in SQL so
 * a large user table is counted without being fetched. A hash of another
 * scheme counts as outdated; "$scrypt$" without parameters is the
 * stand-in hash of an account with no usable password (nothing to
 * upgrade), and so is an empty one. */
#define PHC_LN "CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash, 'ln=', -1), ',', 1) AS UNSIGNED)"
#define PHC_R "CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash, ',r=', -1), ',', 1) AS UNSIGNED)"
#define PHC_P "CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash, ',p=', -1), '$', 1) AS UNSIGNED)"
#define OUTDATED \
	" ((password_hash NOT LIKE '$scrypt$%' AND password_hash <> '') OR" \
	" (password_hash LIKE '$scrypt$ln=%,r=%,p=%$%' AND (" PHC_LN " < ?" \
	" OR " PHC_R " < ? OR " PHC_P " < ?)))"

static int check_hashes(struct arena *a, const struct config *cfg,
	struct audit_report *r)
{
	static const char count_sql[] =
		"SELECT COUNT(*) FROM users WHERE" OUTDATED;
	static const char names_sql[] =
		"SELECT username FROM users WHERE" OUTDATED
		" ORDER BY id DESC LIMIT 25";
	const struct password_params *pp = &cfg->password;
	char names[700];
	int64_t n = 0;
	int rc = count_and_names(a, count_sql, names_sql, DBP(DB_INT(pp->ln),
		DB_INT(pp->r), DB_INT(pp->p)), &n, names, sizeof(names));

	if (rc != 0)
		return rc;
	if (n == 0) {
		audit_pass(r, "password_hashes_outdated");
		return 0;
	}
	audit_fail(r, "password_hashes_outdated", AUDIT_LOW,
		"Password hashes below the current scrypt cost",
		"Nothing to run: each is rehashed at the account's next "
		"successful login. Accounts unused for long can be asked to "
		"reset their password.",
		"%lld account(s) store a hash with lower scrypt parameters than "
		"ln=%u, r=%u, p=%u (newest first, at most %d named): %s",
		(long long)n, pp->ln, pp->r, pp->p, NAMES_MAX, names);
	return 0;
}

static int check_login_spike(struct arena *a, const struct config *cfg,
	struct audit_report *r)
{
	static const char sql[] =
		"SELECT COUNT(*) FROM audit_log WHERE event = 'auth.login_failed'"
		" AND at > UTC_TIMESTAMP(6) - INTERVAL 1 HOUR";
	int64_t n = 0;
	int rc = count_of(a, sql, NULL, 0, &n);

	if (rc != 0)
		return rc;
	if (n > (int64_t)cfg->audit_login_failures_per_hour)
		audit_fail(r, "login_failures_spike", AUDIT_HIGH,
			"A spike of failed logins",
			"Look at GET /api/v1/admin/security/events?event=auth. for "
			"the addresses and accounts; block abusive networks at the "
			"front server; lower ratelimit.auth if it persists.",
			"%lld failed logins in the last hour (threshold "
			"audit_login_failures_per_hour = %u).", (long long)n,
			cfg->audit_login_failures_per_hour);
	else
		audit_pass(r, "login_failures_spike");
	return 0;
}

static int check_migrations(struct arena *a, const struct config *cfg,
	struct audit_report *r)
{
	static const char sql[] = "SELECT version FROM schema_migrations";
	int *files = arena_alloc(a, MIGRATIONS_MAX * sizeof(*files));
	char list[400] = "";
	size_t used = 0, pending = 0;
	struct db_result res;
	long nf;
	int rc;

	if (files == NULL)
		return DF_ENOMEM;
	nf = audit_migration_files(cfg->migrations_dir, files, MIGRATIONS_MAX);
	rc = db_query(a, sql, NULL, 0, &res);
	if (rc != 0)
		return rc;
	if (nf < 0) {
		audit_fail(r, "pending_migrations", AUDIT_HIGH,
			"The migrations directory cannot be read",
			"Point migrations_dir at the installed sql/migrations.",
			"migrations_dir '%s' cannot be read, so pending "
			"migrations cannot be ruled out.", cfg->migrations_dir);
		return 0;
	}
	for (long i = 0; i < nf; i++) {
		int seen = 0;

		for (size_t k = 0; k < res.nrows && !seen; k++)
			seen = db_int(&res, k, 0, -1) == files[i];
		if (!seen) {
			int n = snprintf(list + used, sizeof(list) - used, "%s%04d",
				used ? ", " : "", files[i]);
			if (n > 0 && (size_t)n < sizeof(list) - used)
				used += (size_t)n;
			pending++;
		}
	}
	if (pending > 0)
		audit_fail(r, "pending_migrations", AUDIT_HIGH,
			"Migrations are not applied",
			"Run devforgectl migrate (after a backup), then restart "
			"the workers.",
			"%zu migration file(s) in %s are not in schema_migrations: "
			"%s", pending, cfg->migrations_dir, list);
	else
		audit_pass(r, "pending_migrations");
	return 0;
}

int store_security_audit(struct arena *a, const struct config *cfg,
	struct audit_report *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	audit_config_checks(cfg, r);
	rc = check_grants(a, r);
	if (rc == 0)
		rc = check_admins_mfa(a, r);
	if (rc == 0)
		rc = check_hashes(a, cfg, r);
	if (rc == 0)
		rc = check_login_spike(a, cfg, r);
	if (rc == 0)
		rc = check_migrations(a, cfg, r);
	return rc;
}

int store_audit_events(struct arena *a, const struct store_audit_filter *f,
	struct store_audit_event **rows, size_t *n)
{
	/* A prefix ending in '.' is the range [prefix, prefix with its
	 * last '.' made '/'), which the (event, at) index serves; ascii_bin
	 * compares bytes. */
	static const char sql[] =
		"SELECT id, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%fZ'), event,"
		" actor_id, subject_id, client_addr, request_id, detail"
		" FROM audit_log"
		" WHERE (? = 0 OR id < ?)"
		" AND (? IS NULL OR event = ?)"
		" AND (? IS NULL OR (event >= ? AND event < ?))"
		" AND (? IS NULL OR actor_id = ?)"
		" AND (? IS NULL OR subject_id = ?)"
		" AND (? IS NULL OR at >= ?)"
		" AND (? IS NULL OR at < ?)"
		" ORDER BY id DESC LIMIT ?";
	const char *exact = NULL, *lo = NULL;
	char *hi = NULL;
	struct db_result res;
	int rc;

	if (f->event != NULL) {
		size_t len = strlen(f->event);

		if (len > 0 && f->event[len - 1] == '.') {
			lo = f->event;
			hi = arena_strdup(a, f->event);
			if (hi == NULL)
				return DF_ENOMEM;
			hi[len - 1] = '/';
		} else {
			exact = f->event;
		}
	}
	rc = db_query(a, sql, DBP(DB_INT(f->before_id), DB_INT(f->before_id),
		DB_STR(exact), DB_STR(exact), DB_STR(lo), DB_STR(lo), DB_STR(hi),
		DB_STR(f->actor_id), DB_STR(f->actor_id), DB_STR(f->subject_id),
		DB_STR(f->subject_id), DB_STR(f->from), DB_STR(f->from),
		DB_STR(f->to), DB_STR(f->to), DB_INT(f->limit + 1)), &res);
	if (rc != 0)
		return rc;
	*n = res.nrows;
	*rows = arena_calloc(a, res.nrows ? res.nrows : 1, sizeof(**rows));
	if (*rows == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < res.nrows; i++) {
		struct store_audit_event *e = &(*rows)[i];

		e->id = db_int(&res, i, 0, 0);
		e->at = db_str(&res, i, 1);
		e->event = db_str(&res, i, 2);
		e->actor_id = db_str(&res, i, 3);
		e->subject_id = db_str(&res, i, 4);
		e->client_addr = db_str(&res, i, 5);
		e->request_id = db_str(&res, i, 6);
		e->detail = db_str(&res, i, 7);
	}
	return 0;
}
