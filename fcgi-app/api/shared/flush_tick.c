/* Stores: none (the flush it is handed writes). */
/* One turn of a counter batched in the shared segment (downloads, KB
 * views): flush when the host's turn is due, and say how long the
 * worker may sleep before asking again. */
#include <time.h>
#include "api/api.h"

int api_flush_tick(struct arena *a, unsigned interval_s, int *wait_ms,
	int (*due)(uint64_t now_us, uint64_t interval_us, uint64_t *wait_us),
	uint64_t (*pending)(void), int (*flush)(struct arena *a, int all))
{
	struct timespec ts;
	uint64_t now_us, wait_us;
	uint64_t interval_us = (uint64_t)interval_s * 1000000u;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	now_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	if (due(now_us, interval_us, &wait_us)) {
		rc = flush(a, 0);
		wait_us = pending() > 0 ? interval_us : 0;
	}
	/* -1: nothing pending, wait for a request as long as it takes. */
	*wait_ms = wait_us == 0 ? -1 : (int)(wait_us / 1000u) + 1;
	return rc;
}
