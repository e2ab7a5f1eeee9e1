/* SQL for the assistant's re-index marks (see assist_dirty.h). */
#include "db.h"
#include "store/assist_dirty.h"

int store_assist_mark(const char *kind, int64_t source_id, time_t now)
{
	static const char sql[] =
		"INSERT INTO assistant_dirty (kind, source_id, marked_at)"
		" VALUES (?, ?, TIMESTAMP'1970-01-01 00:00:00' + INTERVAL ? SECOND)"
		" ON DUPLICATE KEY UPDATE marked_at = VALUES(marked_at)";

	if (source_id <= 0)
		return DF_EINVAL;
	return db_exec(sql, DBP(DB_STR(kind), DB_INT(source_id), DB_INT(now)),
		NULL, NULL);
}
