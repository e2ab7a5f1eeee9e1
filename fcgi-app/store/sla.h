/* Service levels of support tickets: which policy applies to a ticket,
 * its targets (first reply, next reply, resolution) on the policy's
 * business calendar, their pause while the ticket waits on the
 * customer, and the breach marking of `devforgectl jobs run`.
 *
 * The ticket code (store/tickets.c) calls the hooks below inside its own
 * transaction, after it has locked the ticket row and written the
 * change, with the one time of the change (clock_now()). Each hook
 * writes support_sla_targets and keeps the ticket's sla_policy_id,
 * first_response_due_at and next_breach_at in step. */
#ifndef DF_STORE_SLA_H
#define DF_STORE_SLA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* A new ticket: picks the first matching policy and starts its first
 * reply and resolution targets. */
DF_MUST_CHECK int store_sla_ticket_created(struct arena *a, int64_t ticket_id,
	time_t now);
/* A public staff reply: achieves the running first-reply or next-reply
 * target. */
DF_MUST_CHECK int store_sla_staff_replied(struct arena *a, int64_t ticket_id,
	time_t now);
/* A requester's message: after the first reply, starts a next-reply
 * target unless one is running. */
DF_MUST_CHECK int store_sla_requester_replied(struct arena *a,
	int64_t ticket_id, time_t now);
/* A status change (names as in the status column): into
 * waiting_on_customer pauses the running targets, out of it resumes
 * them; resolved achieves the resolution target; a reopen starts a new
 * resolution cycle; closed stops what still runs. */
DF_MUST_CHECK int store_sla_status_changed(struct arena *a, int64_t ticket_id,
	const char *from, const char *to, time_t now);

#endif
