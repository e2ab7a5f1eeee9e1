/* SQL behind the readiness check: which schema version is applied. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/health.h"

int store_health_schema_version(int64_t *version)
{
	static const char sql[] =
		"SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
	struct db_result res;
	struct arena *a;
	int rc;

	a = arena_new(1024);
	if (a == NULL)
		return DF_ENOMEM;
	rc = db_query(a, sql, NULL, 0, &res);
	if (rc == 0)
		*version = res.nrows == 1 ? db_int(&res, 0, 0, 0) : 0;
	arena_free(a);
	return rc;
}
