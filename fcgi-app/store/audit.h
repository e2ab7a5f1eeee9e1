/* SQL for the audit log of security events. */
#ifndef DF_STORE_AUDIT_H
#define DF_STORE_AUDIT_H

#include "err.h"

/* Appends one event. Any argument but event may be NULL; detail is a
 * serialised JSON object. Runs inside the caller's transaction when there
 * is one, so the event and its record commit together. */
DF_MUST_CHECK int store_audit_add(const char *event, const char *actor_id,
	const char *subject_id, const char *client_addr,
	const char *request_id, const char *detail_json);

#endif
