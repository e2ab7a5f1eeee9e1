/* Time zones through the C library's own TZ handling: see tz.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"

/* The zone TZ was last set to ("" before the first), so a run of
 * conversions in one calendar's zone sets TZ once. */
static char cur_zone[TZ_NAME_MAX + 1];

static int name_ok(const char *name)
{
	size_t n = 0;

	if (name == NULL || name[0] == '\0' || name[0] == '/')
		return 0;
	for (const char *p = name; *p != '\0'; p++, n++) {
		char c = *p;

		if (n >= TZ_NAME_MAX)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '+' ||
		    c == '-' || c == '/'))
			return 0;
		/* A component that starts with '.' cannot occur (the
		 * charset has no '.'), so ".." is out; an empty component
		 * ("a//b", a trailing '/') is refused too. */
		if (c == '/' && (p[1] == '/' || p[1] == '\0'))
			return 0;
	}
	return 1;
}

int tz_valid(const char *name)
{
	char path[sizeof(TZ_DIR) + TZ_NAME_MAX + 2];
	char magic[4];
	FILE *f;
	int ok;

	if (!name_ok(name))
		return 0;
	if (strcmp(name, cur_zone) == 0)
		return 1;
	snprintf(path, sizeof(path), "%s/%s", TZ_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

static int use_zone(const char *zone)
{
	char val[TZ_NAME_MAX + 2];

	if (strcmp(zone, cur_zone) == 0)
		return 0;
	if (!tz_valid(zone))
		return DF_EINVAL;
	/* ":" makes glibc read the file by name, never parse a POSIX rule. */
	snprintf(val, sizeof(val), ":%s", zone);
	if (setenv("TZ", val, 1) != 0)
		return DF_ENOMEM;
	tzset();
	snprintf(cur_zone, sizeof(cur_zone), "%s", zone);
	return 0;
}

int tz_local(const char *zone, time_t t, struct tm *out)
{
	int rc = use_zone(zone);

	if (rc != 0)
		return rc;
	return localtime_r(&t, out) != NULL ? 0 : DF_EINVAL;
}

int tz_mktime(const char *zone, const struct tm *local, time_t *out)
{
	struct tm tm = *local;
	int rc = use_zone(zone);

	if (rc != 0)
		return rc;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	/* -1 is also a valid instant (1969-12-31 23:59:59 UTC); no
	 * calendar reaches back there. */
	return *out == (time_t)-1 ? DF_EINVAL : 0;
}
