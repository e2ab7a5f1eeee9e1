/* The one clock licensing decides by: expiries, heartbeat windows, the
 * cull, machine file times and signed answers' ts all read clock_now(),
 * and licensing SQL compares against a parameter bound from it (never
 * NOW()), so a test can move them all at once with the config key
 * clock_offset_seconds (refused in production mode). */
#ifndef DF_CLOCK_H
#define DF_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Sets the offset (seconds, may be negative) clock_now() adds; a program
 * calls it once after loading its config. 0 until then. */
void clock_set_offset(int64_t seconds);

/* time(NULL) plus the offset. */
time_t clock_now(void);

/* The same clock in microseconds, from a single reading of the real-time
 * clock (for orders within a second, such as a forum's latest list). */
int64_t clock_now_us(void);

#endif
