/* SQL for the heartbeat cull (devforgectl jobs): a floating machine
 * whose last heartbeat is more than its plan's heartbeat_window_s before
 * the job's clock is culled, and its licence owner gets a
 * license.machine_culled event (webhook_events, fanned out by
 * devforgectl webhooks-send).
 *
 * The rule, by the plan's cull_strategy:
 * - free_seat: deactivated_at = the job's clock and culled = 1: the seat
 *   is free and the fingerprint may be activated again (a new machine).
 * - keep_seat: culled = 1 only: the machine still holds its seat (it
 *   counts against the seats and its fingerprint stays taken) until its
 *   owner deactivates it; it is never culled (nor announced) twice.
 * Silence exactly as long as the window is not yet too long. Node-locked
 * machines are never culled: they need no heartbeat. */
#ifndef DF_STORE_LICENSE_CULL_H
#define DF_STORE_LICENSE_CULL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

struct store_cull_tally {
	size_t freed;     /* free_seat machines deactivated */
	size_t kept;      /* keep_seat machines marked culled */
	size_t skipped;   /* due but locked by someone else, or revived
	                     by a heartbeat since they were read */
};

/* One batch: reads up to max floating machines due at now (unix
 * seconds, the licensing clock) with row id above *cursor, then, in one
 * transaction, locks each one (FOR UPDATE SKIP LOCKED: a machine another
 * runner or a heartbeat holds is left for the next pass), checks it is
 * still due, culls it and writes its owner's event. *cursor moves past
 * the rows read, *nread says how many there were (0: the pass is done).
 * Adds to t. 0 or a negative df_err (the batch rolled back). */
DF_MUST_CHECK int store_cull_batch(struct arena *a, time_t now, size_t max,
	int64_t *cursor, size_t *nread, struct store_cull_tally *t);

#endif
