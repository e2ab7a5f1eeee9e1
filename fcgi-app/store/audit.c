/* SQL for the audit log: append-only. */
#include <string.h>
#include "db.h"
#include "store/audit.h"

int store_audit_add(const char *event, const char *actor_id,
	const char *subject_id, const char *client_addr,
	const char *request_id, const char *detail_json)
{
	static const char sql[] =
		"INSERT INTO audit_log (at, event, actor_id, subject_id,"
		" client_addr, request_id, detail)"
		" VALUES (UTC_TIMESTAMP(6), ?, ?, ?, ?, ?, ?)";

	return db_exec(sql, DBP(DB_STR(event), DB_STR(actor_id),
		DB_STR(subject_id), DB_STR(client_addr), DB_STR(request_id),
		DB_STR(detail_json)), NULL, NULL);
}
