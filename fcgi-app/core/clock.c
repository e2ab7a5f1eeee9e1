/* See clock.h. The offset is set once at start, before any thread or
 * request, so a plain static is enough. */
#include "clock.h"

static int64_t offset;

void clock_set_offset(int64_t seconds)
{
	offset = seconds;
}

time_t clock_now(void)
{
	return time(NULL) + (time_t)offset;
}

int64_t clock_now_us(void)
{
	struct timespec ts;

	/* One reading: time(NULL) reads the coarse clock, which may still
	 * show the last second when the fine one has passed it, so a second
	 * from one and microseconds from the other can step backwards. */
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return ((int64_t)time(NULL) + offset) * 1000000;
	return ((int64_t)ts.tv_sec + offset) * 1000000 + ts.tv_nsec / 1000;
}
