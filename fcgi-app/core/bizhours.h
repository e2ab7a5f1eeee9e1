/* Business time on a calendar: weekly opening hours in a time zone,
 * minus holidays (local dates closed all day). An SLA target of N
 * business minutes falls due where N minutes of opening time have run
 * from its start; a pause keeps the business time it had left. Pure
 * apart from the zone rules (core/tz). A NULL calendar is open around
 * the clock. */
#ifndef DF_BIZHOURS_H
#define DF_BIZHOURS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"
#include "tz.h"

#define BIZHOURS_PER_DAY 8        /* intervals on one weekday at most */
#define BIZHOURS_SPANS_MAX (7 * BIZHOURS_PER_DAY)
#define BIZHOURS_HOLIDAYS_MAX 1000
/* How far a computation walks, in local days: a calendar with at least
 * one interval a week and at most BIZHOURS_HOLIDAYS_MAX holidays always
 * ends well within it. Beyond: DF_ETOOBIG. */
#define BIZHOURS_DAYS_MAX 3700

/* One opening interval as given: ISO weekday 1 (Monday) .. 7, minutes
 * after local midnight, opens < closes <= 1440. */
struct bizhours_span {
	int weekday;
	int opens;
	int closes;
};

struct bizhours_cal {
	char zone[TZ_NAME_MAX + 1];
	/* day[0] Monday .. day[6] Sunday, intervals in ascending order */
	struct {
		size_t n;
		struct { int opens, closes; } iv[BIZHOURS_PER_DAY];
	} day[7];
	const int32_t *holidays;  /* local dates as YYYYMMDD, any order */
	size_t nholidays;
};

/* Which input was wrong, for a 422: index into the spans or holidays,
 * the field ("weekday", "opens", "closes", "hours", "time_zone",
 * "date"), a code and a sentence (static). */
struct bizhours_fault {
	size_t index;
	const char *field;
	const char *code;
	const char *message;
};

/* "HH:MM" (00:00..24:00) as minutes after midnight; DF_EINVAL otherwise. */
DF_MUST_CHECK int bizhours_parse_hhmm(const char *s, int *min);
/* minutes as "HH:MM" into out (at least 6 bytes). */
void bizhours_format_hhmm(int min, char out[6]);
/* "YYYY-MM-DD", a real date of years 1970-9999, as YYYYMMDD; DF_EINVAL. */
DF_MUST_CHECK int bizhours_parse_date(const char *s, int32_t *ymd);

/* Checks spans as given: every weekday 1-7, opens 0..1439, closes
 * after opens and at most 1440, no two overlapping on one weekday, at
 * least one and at most BIZHOURS_PER_DAY a day. 0 or DF_EINVAL with *f
 * naming the first fault (index of the span; "hours" with index 0 for
 * an empty list). */
DF_MUST_CHECK int bizhours_check(const struct bizhours_span *s, size_t n,
	struct bizhours_fault *f);

/* Fills c from a zone, checked spans and holidays (kept by pointer:
 * they must outlive c). DF_EINVAL with *f ("time_zone", or as
 * bizhours_check) for a bad zone or spans. */
DF_MUST_CHECK int bizhours_build(struct bizhours_cal *c, const char *zone,
	const struct bizhours_span *s, size_t n, const int32_t *holidays,
	size_t nholidays, struct bizhours_fault *f);

/* The instant at which `seconds` business seconds have run from start
 * (seconds <= 0: start itself). 0, DF_EINVAL (a zone the system lost),
 * DF_ETOOBIG (not within BIZHOURS_DAYS_MAX days). */
DF_MUST_CHECK int bizhours_add(const struct bizhours_cal *c, time_t start,
	int64_t seconds, time_t *due);

/* The business seconds between t0 and t1 (0 when t1 <= t0). 0,
 * DF_EINVAL, DF_ETOOBIG as bizhours_add. */
DF_MUST_CHECK int bizhours_between(const struct bizhours_cal *c, time_t t0,
	time_t t1, int64_t *seconds);

#endif
