/* Local time in an IANA time zone (Europe/Berlin), for business-hour
 * calendars. The C library knows one zone per process, the one TZ
 * names; a worker runs one request at a time, so switching TZ (and
 * caching the zone last set) is safe and reads the system's own zoneinfo
 * rules, DST included. Nothing else in the program reads local time:
 * every other conversion is gmtime_r / strftime without %z / SQL in the
 * UTC session zone (checked with grep for localtime, mktime and %z when
 * this was written), so moving TZ changes no other answer. */
#ifndef DF_TZ_H
#define DF_TZ_H

#include <time.h>
#include "err.h"

#define TZ_NAME_MAX 64
#define TZ_DIR "/usr/share/zoneinfo"

/* 1 when name is a zone this system has: [A-Za-z0-9_+-/] with no ".."
 * part, no leading '/', at most TZ_NAME_MAX bytes, and a file under
 * TZ_DIR that starts with "TZif". glibc silently reads an unknown zone as
 * UTC, so every zone is checked before it is used. */
int tz_valid(const char *name);

/* The local time of t in zone: 0 with *out filled, DF_EINVAL for an
 * unknown zone. */
DF_MUST_CHECK int tz_local(const char *zone, time_t t, struct tm *out);

/* The instant of a local date and time in zone (tm_year, tm_mon,
 * tm_mday, tm_hour, tm_min, tm_sec read; out-of-range fields normalised
 * as mktime does; DST decided by the zone's rules). A local time that a
 * spring-forward skips lands after the gap. 0 or DF_EINVAL. */
DF_MUST_CHECK int tz_mktime(const char *zone, const struct tm *local,
	time_t *out);

#endif
