/* SQL behind the readiness check: which schema version is applied. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/health.h"
#include "store/tx.h"

int store_health_schema_version(int64_t *version)
{
	return store_number(
		"SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
		version);
}
