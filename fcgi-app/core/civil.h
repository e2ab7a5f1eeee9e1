/* Civil (proleptic Gregorian) dates as day numbers: day 0 is
 * 1970-01-01. Timestamps (core/validate) and business-hour calendars
 * (core/bizhours) both count days this way, so the arithmetic is here
 * once. */
#ifndef DF_CIVIL_H
#define DF_CIVIL_H

#include <stdint.h>

/* The day number of y-m-d (m 1-12, d 1-31; not range checked). */
int64_t civil_days(int64_t y, int m, int d);

/* The date of day number z. */
void civil_date(int64_t z, int *y, int *m, int *d);

#endif
