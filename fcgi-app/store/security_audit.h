/* The security audit: the configuration and file checks of
 * core/audit_checks.c, then the ones that read the database (the
 * account's grants, admins without MFA, outdated password hashes,
 * failed-login spikes, pending migrations). Shared by GET
 * /api/v1/admin/security/audit and `devforgectl audit`. */
#ifndef DF_STORE_SECURITY_AUDIT_H
#define DF_STORE_SECURITY_AUDIT_H

#include <stdint.h>
#include "audit_checks.h"
#include "err.h"

struct arena;
struct config;

/* Runs every check into r (zeroed first). 0, or a negative df_err when
 * the database could not answer (DF_EDBDOWN...). */
DF_MUST_CHECK int store_security_audit(struct arena *a,
	const struct config *cfg, struct audit_report *r);

/* One audit_log row; strings in the arena, NULL for SQL NULL. */
struct store_audit_event {
	int64_t id;
	const char *at;           /* "YYYY-MM-DD HH:MM:SS.ffffff" UTC */
	const char *event;
	const char *actor_id;
	const char *subject_id;
	const char *client_addr;
	const char *request_id;
	const char *detail;       /* JSON text */
};

struct store_audit_filter {
	const char *event;        /* exact, or a prefix when it ends in '.' */
	const char *actor_id;
	const char *subject_id;
	const char *from;         /* "YYYY-MM-DD HH:MM:SS.ffffff", inclusive */
	const char *to;           /* exclusive */
	int64_t before_id;        /* 0: from the newest */
	int64_t limit;            /* rows wanted; one more is read */
};

/* The audit log newest first (by id). 0 or a negative df_err. */
DF_MUST_CHECK int store_audit_events(struct arena *a,
	const struct store_audit_filter *f, struct store_audit_event **rows,
	size_t *n);

#endif
