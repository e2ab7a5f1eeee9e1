/* The security audit's report and its configuration and file checks
 * (store/security_audit.c adds the database ones): one implementation
 * that GET /api/v1/admin/security/audit and `devforgectl audit` share.
 * Every check, its severity and what flips it: docs/SECURITY.md. */
#ifndef DF_AUDIT_CHECKS_H
#define DF_AUDIT_CHECKS_H

#include <stddef.h>

struct config;
struct json_object;

enum audit_severity {
	AUDIT_INFO = 0, AUDIT_LOW, AUDIT_MEDIUM, AUDIT_HIGH, AUDIT_CRITICAL
};

#define AUDIT_MAX_CHECKS 32
#define AUDIT_DETAIL_MAX 1024

struct audit_finding {
	const char *id;           /* a literal, stable */
	enum audit_severity severity;
	const char *title;        /* literals */
	const char *remediation;
	char detail[AUDIT_DETAIL_MAX];
};

struct audit_report {
	struct audit_finding findings[AUDIT_MAX_CHECKS];
	size_t nfindings;
	const char *passed[AUDIT_MAX_CHECKS]; /* ids of checks that passed */
	size_t npassed;
};

/* Adds a finding (detail printf-style); ignored beyond AUDIT_MAX_CHECKS. */
void audit_fail(struct audit_report *r, const char *id,
	enum audit_severity sev, const char *title, const char *remediation,
	const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Records that check id passed. */
void audit_pass(struct audit_report *r, const char *id);

/* Appends sep (unless buf is still empty) and the printf-style item to
 * buf of len bytes, *used long, when the whole fits: a finding's detail
 * lists what failed as far as it fits, never half an item. 0, or -1
 * when it did not fit (buf unchanged). */
int audit_list_add(char *buf, size_t len, size_t *used, const char *sep,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "critical", "high", "medium", "low", "info". */
const char *audit_severity_name(enum audit_severity s);
/* min(100, sum of the findings' weights): critical 40, high 20, medium
 * 10, low 3, info 0. */
int audit_risk_score(const struct audit_report *r);
/* 1 when some finding is critical. */
int audit_has_critical(const struct audit_report *r);
/* The report as JSON, {risk_score, checked_at, findings[{id, severity,
 * title, detail, remediation}], passed[]}: the one shape of GET
 * /admin/security/audit and `devforgectl audit --json`. A new json-c
 * object the caller puts, or NULL when out of memory. */
struct json_object *audit_report_json(const struct audit_report *r,
	const char *checked_at);

/* The checks that read only the configuration and the files it names:
 * jwt_key_example, jwt_key_weak, https_not_enforced, cors_origins,
 * secret_file_permissions, not_production_mode.
 * The file checks compare owners with the effective user of the caller
 * (the workers, or whoever runs devforgectl). */
void audit_config_checks(const struct config *cfg, struct audit_report *r);

/* The versions of the migration files (NNNN_name.sql) in dir, at most
 * max of them, into v: how many, or -1 when dir cannot be read. */
long audit_migration_files(const char *dir, int *v, size_t max);

#endif
