/* The security audit's configuration and file checks, and the report
 * they fill (see audit_checks.h; the list is in docs/SECURITY.md). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include "audit_checks.h"
#include "config.h"

void audit_fail(struct audit_report *r, const char *id,
	enum audit_severity sev, const char *title, const char *remediation,
	const char *fmt, ...)
{
	struct audit_finding *f;
	va_list ap;

	if (r->nfindings >= AUDIT_MAX_CHECKS)
		return;
	f = &r->findings[r->nfindings++];
	f->id = id;
	f->severity = sev;
	f->title = title;
	f->remediation = remediation;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

void audit_pass(struct audit_report *r, const char *id)
{
	if (r->npassed < AUDIT_MAX_CHECKS)
		r->passed[r->npassed++] = id;
}

int audit_list_add(char *buf, size_t len, size_t *used, const char *sep,
	const char *fmt, ...)
{
	size_t at = *used;
	va_list ap;
	int n;

	if (at > 0) {
		n = snprintf(buf + at, len - at, "%s", sep);
		if (n < 0 || (size_t)n >= len - at)
			goto full;
		at += (size_t)n;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - at)
		goto full;
	*used = at + (size_t)n;
	return 0;
full:
	buf[*used] = '\0';
	return -1;
}

const char *audit_severity_name(enum audit_severity s)
{
	static const char *const names[] = {
		"info", "low", "medium", "high", "critical"
	};

	return (unsigned)s < 5 ? names[s] : "info";
}

/* The weights docs/SECURITY.md gives, by severity. */
static int severity_weight(enum audit_severity s)
{
	static const int weights[] = { 0, 3, 10, 20, 40 };

	return (unsigned)s < 5 ? weights[s] : 0;
}

int audit_risk_score(const struct audit_report *r)
{
	int sum = 0;

	for (size_t i = 0; i < r->nfindings; i++)
		sum += severity_weight(r->findings[i].severity);
	return sum > 100 ? 100 : sum;
}

/* Adds v under k, v consumed either way; nonzero when v or the add
 * failed. */
static int add(struct json_object *o, const char *k, struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, k, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static int push(struct json_object *a, struct json_object *v)
{
	if (v == NULL || json_object_array_add(a, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

struct json_object *audit_report_json(const struct audit_report *r,
	const char *checked_at)
{
	struct json_object *o = json_object_new_object();
	struct json_object *findings = json_object_new_array();
	struct json_object *passed = json_object_new_array();
	int bad;

	if (o == NULL) {
		json_object_put(findings);
		json_object_put(passed);
		return NULL;
	}
	bad = add(o, "risk_score", json_object_new_int(audit_risk_score(r))) |
		add(o, "checked_at", json_object_new_string(checked_at)) |
		add(o, "findings", findings) | add(o, "passed", passed);
	for (size_t i = 0; !bad && i < r->nfindings; i++) {
		const struct audit_finding *f = &r->findings[i];
		struct json_object *fo = json_object_new_object();

		bad = push(findings, fo);
		if (!bad)
			bad = add(fo, "id", json_object_new_string(f->id)) |
				add(fo, "severity", json_object_new_string(
				audit_severity_name(f->severity))) |
				add(fo, "title", json_object_new_string(f->title)) |
				add(fo, "detail", json_object_new_string(f->detail)) |
				add(fo, "remediation",
				json_object_new_string(f->remediation));
	}
	for (size_t i = 0; !bad && i < r->npassed; i++)
		bad = push(passed, json_object_new_string(r->passed[i]));
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int audit_has_critical(const struct audit_report *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity == AUDIT_CRITICAL)
			return 1;
	return 0;
}

/* Distinct byte values: a long key of few symbols ("aaaa...") is as weak
 * as a short one. */
static size_t distinct_bytes(const char *s, size_t len)
{
	unsigned char seen[256] = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (!seen[(unsigned char)s[i]]++)
			n++;
	return n;
}

#define JWT_MIN_DISTINCT 16

static void check_jwt(const struct config *cfg, struct audit_report *r)
{
	size_t len = cfg->jwt_secret != NULL ? cfg->jwt_secret_len : 0;
	size_t distinct = distinct_bytes(cfg->jwt_secret, len);

	if (len > 0 && config_secret_is_example(cfg->jwt_secret, len))
		audit_fail(r, "jwt_key_example", AUDIT_CRITICAL,
			"The JWT signing key is the example one",
			"Generate a key (openssl rand -base64 48 > jwt_secret), "
			"point jwt_secret_file at it (mode 0600) and restart; "
			"every session signs in again.",
			"The JWT secret contains an example marker (example, "
			"change-me, not-secret): anyone with the repository can "
			"mint admin tokens.");
	else
		audit_pass(r, "jwt_key_example");
	if (len < CONFIG_SECRET_MIN || distinct < JWT_MIN_DISTINCT)
		audit_fail(r, "jwt_key_weak", AUDIT_HIGH,
			"The JWT signing key is weak",
			"Use at least 32 random bytes (openssl rand -base64 48) "
			"in jwt_secret_file and restart.",
			"The JWT secret has %zu bytes and %zu distinct byte "
			"values; at least %d bytes and %d distinct values are "
			"expected.", len, distinct, CONFIG_SECRET_MIN,
			JWT_MIN_DISTINCT);
	else
		audit_pass(r, "jwt_key_weak");
}

static void check_https(const struct config *cfg, struct audit_report *r)
{
	if (cfg->public_url == NULL ||
	    strncasecmp(cfg->public_url, "https://", 8) != 0)
		audit_fail(r, "https_not_enforced", AUDIT_HIGH,
			"The public URL is not HTTPS",
			"Serve the API over TLS only: set public_url to the "
			"https:// address, redirect port 80 to it and send "
			"Strict-Transport-Security from the front server (see "
			"docs/DEPLOYMENT.md).",
			"public_url is '%s': tokens and passwords would cross "
			"the network in clear, and mails link to plain HTTP.",
			cfg->public_url != NULL ? cfg->public_url : "");
	else
		audit_pass(r, "https_not_enforced");
}

/* 1 when origin names this machine (localhost, 127.x, [::1]). */
static int local_origin(const char *o)
{
	const char *h = strstr(o, "://");

	h = h != NULL ? h + 3 : o;
	return strncasecmp(h, "localhost", 9) == 0 ||
		strncmp(h, "127.", 4) == 0 || strncmp(h, "[::1]", 5) == 0;
}

/* One check, cors_origins: a wildcard is high (config_load refuses '*'
 * today; the audit does not rely on that), plain-HTTP or local origins
 * in production are medium. */
static void check_cors(const struct config *cfg, struct audit_report *r)
{
	char bad[512] = "";
	size_t used = 0;
	int wildcard = 0;

	for (size_t i = 0; i < cfg->ncors_origins; i++) {
		const char *o = cfg->cors_origins[i];

		if (strchr(o, '*') != NULL || strcmp(o, "null") == 0)
			wildcard = 1;
		else if (cfg->mode == CONFIG_PRODUCTION &&
		    (strncasecmp(o, "https://", 8) != 0 || local_origin(o)))
			audit_list_add(bad, sizeof(bad), &used, ", ", "%s",
				o);
	}
	if (wildcard)
		audit_fail(r, "cors_origins", AUDIT_HIGH,
			"CORS allows any origin",
			"List each front-end origin exactly in cors_origins "
			"(https://app.example.com); never '*' or 'null'.",
			"cors_origins holds a wildcard or 'null': any web page "
			"could call the API with a user's browser.");
	else if (used > 0)
		audit_fail(r, "cors_origins", AUDIT_MEDIUM,
			"CORS allows plain-HTTP or local origins in production",
			"Keep only the production front ends' https:// origins "
			"in cors_origins.",
			"In production, cors_origins lists: %s", bad);
	else
		audit_pass(r, "cors_origins");
}

/* Every key naming a secret file. */
static void check_secret_files(const struct config *cfg,
	struct audit_report *r)
{
	const struct { const char *key, *path; } files[] = {
		{ "db_password_file", cfg->db_password_file },
		{ "jwt_secret_file", cfg->jwt_secret_file },
		{ "stripe_secret_key_file", cfg->stripe_secret_key_file },
		{ "stripe_webhook_secret_file", cfg->stripe_webhook_secret_file },
		{ "stripe_webhook_secret_previous_file",
		  cfg->stripe_webhook_secret_previous_file },
		{ "license_signing_key_file", cfg->license_signing_key_file },
		{ "assistant_llm_key_file", cfg->assistant_llm_key_file },
	};
	char bad[AUDIT_DETAIL_MAX - 64] = "";
	size_t used = 0;
	uid_t me = geteuid();

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *p = files[i].path;
		struct stat st;
		char why[96];

		if (p == NULL || p[0] == '\0')
			continue;
		if (stat(p, &st) != 0)
			snprintf(why, sizeof(why), "cannot be read: %s",
				strerror(errno));
		else if ((st.st_mode & 077) != 0)
			snprintf(why, sizeof(why), "mode %04o, readable beyond "
				"its owner", (unsigned)(st.st_mode & 07777));
		else if (st.st_uid != me)
			snprintf(why, sizeof(why), "owned by uid %u, not the "
				"running user (uid %u)", (unsigned)st.st_uid,
				(unsigned)me);
		else
			continue;
		audit_list_add(bad, sizeof(bad), &used, "; ",
			"%s (%s): %s", files[i].key, p, why);
	}
	if (used > 0)
		audit_fail(r, "secret_file_permissions", AUDIT_HIGH,
			"Secret files are readable by others",
			"chown each secret file to the service user and chmod "
			"0600 (its directory 0700).",
			"%s", bad);
	else
		audit_pass(r, "secret_file_permissions");
}

static void check_mode(const struct config *cfg, struct audit_report *r)
{
	if (cfg->mode != CONFIG_PRODUCTION)
		audit_fail(r, "not_production_mode", AUDIT_MEDIUM,
			"The server runs in development mode",
			"Set mode = production: it refuses example or short "
			"secrets, plain-HTTP public_url, loose secret files and "
			"a moved clock at start.",
			"mode is development: the start-up refusals of unsafe "
			"settings are off and development-only commands work.");
	else
		audit_pass(r, "not_production_mode");
}

void audit_config_checks(const struct config *cfg, struct audit_report *r)
{
	check_jwt(cfg, r);
	check_https(cfg, r);
	check_cors(cfg, r);
	check_secret_files(cfg, r);
	check_mode(cfg, r);
}

long audit_migration_files(const char *dir, int *v, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && (size_t)n < max) {
		const char *s = e->d_name;
		size_t len = strlen(s);
		int ver = 0, ok = len >= 10 && s[4] == '_' &&
			strcmp(s + len - 4, ".sql") == 0;

		for (int i = 0; ok && i < 4; i++) {
			ok = s[i] >= '0' && s[i] <= '9';
			ver = ver * 10 + (s[i] - '0');
		}
		if (ok)
			v[n++] = ver;
	}
	closedir(d);
	return n;
}
