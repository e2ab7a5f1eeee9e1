/* SQL behind the readiness check. */
#ifndef DF_STORE_HEALTH_H
#define DF_STORE_HEALTH_H

#include <stdint.h>
#include "err.h"

/* The newest applied migration version (0 when none). 0, DF_EDBDOWN or
 * DF_EDB (e.g. the bookkeeping table is missing). */
DF_MUST_CHECK int store_health_schema_version(int64_t *version);

#endif
