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
#include "bizhours.h"
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

/* The ticket's priority (the only matching field that can change) was
 * changed: the policy is matched again, as help desks re-apply SLA
 * policies. The same policy: nothing changes. Another policy:
 * - an open target not yet breached of a metric it measures gets the
 *   new target minutes: the business time it has consumed (its old
 *   target minus what it had left, on the calendar it ran on, so earlier
 *   pauses stay out) counts against the new target, the rest runs on
 *   the new policy's calendar from now; a paused one keeps that rest as
 *   remaining_s. Unpaused and on one calendar this is exactly
 *   started_at + new target. One already past its new target is due
 *   where it reached it (at the latest now), for the breach job;
 * - achieved and stopped targets, and breached ones, keep their times;
 * - an open target of a metric the new policy does not measure, and
 *   every open target when no policy matches any more (sla_policy_id
 *   NULL), is stopped (stopped_at now, no due time; a breach stays
 *   recorded), and first_response_due_at is cleared with the first
 *   reply's;
 * - first reply (when none was given nor measured) and resolution
 *   targets the old policy did not run start now, in full (paused when
 *   the ticket waits on the customer); time before a policy applied is
 *   not counted, and a next reply is measured from the requester's next
 *   message;
 * - first_response_due_at follows the first reply (a paused one: when it
 *   would fall due if the customer answered now), next_breach_at the
 *   earliest running due time. */
DF_MUST_CHECK int store_sla_ticket_changed(struct arena *a, int64_t ticket_id,
	time_t now);

/* Jobs: marks breached_at = due_at on running targets whose due_at <=
 * now (SKIP LOCKED, up to max), an audit row "support.sla_breached" per
 * target; *n marked. Idempotent: a marked target is not marked again.
 * Its own transaction. */
DF_MUST_CHECK int store_sla_breach_batch(struct arena *a, time_t now,
	size_t max, size_t *n);

/* --- the admin's calendars and policies */

struct store_sla_holiday {
	const char *date;          /* YYYY-MM-DD (local) */
	const char *name;          /* may be NULL */
};

struct store_sla_calendar {
	int64_t id;
	const char *name;
	const char *time_zone;
	struct bizhours_span *hours;
	size_t nhours;
	struct store_sla_holiday *holidays;
	size_t nholidays;
	const char *created_at;    /* RFC 3339 */
	const char *updated_at;
};

/* Every calendar with its hours and holidays, by id. */
DF_MUST_CHECK int store_sla_calendars(struct arena *a,
	struct store_sla_calendar **out, size_t *n);
/* One calendar; DF_ENOTFOUND. lock: FOR UPDATE (inside a transaction). */
DF_MUST_CHECK int store_sla_calendar_get(struct arena *a, int64_t id,
	int lock, struct store_sla_calendar *out);
/* Writes a checked calendar whole, inside the caller's transaction:
 * in->id 0 inserts (*id the new id), else replaces that calendar's name,
 * zone, hours and holidays. DF_ECONFLICT: the name is taken;
 * DF_ENOTFOUND: no such calendar. */
DF_MUST_CHECK int store_sla_calendar_save(const struct store_sla_calendar *in,
	time_t now, int64_t *id);
/* DF_ENOTFOUND, or DF_ECONFLICT while a policy uses it. */
DF_MUST_CHECK int store_sla_calendar_delete(int64_t id);

#define STORE_SLA_NO_TARGET (-1)

struct store_sla_policy {
	int64_t id;
	const char *name;
	int64_t position;
	int64_t calendar_id;       /* 0: around the clock */
	const char *match_priority; /* NULL: any */
	const char *match_category;
	const char *match_plan;    /* a plan code or "none" */
	int64_t first_reply_minutes; /* STORE_SLA_NO_TARGET: not measured */
	int64_t next_reply_minutes;
	int64_t resolution_minutes;
	const char *created_at;
	const char *updated_at;
};

/* Every policy in matching order. */
DF_MUST_CHECK int store_sla_policies(struct arena *a,
	struct store_sla_policy **out, size_t *n);
DF_MUST_CHECK int store_sla_policy_get(struct arena *a, int64_t id, int lock,
	struct store_sla_policy *out);
/* in->id 0 inserts (*id the new id), else updates every field of it.
 * DF_ECONFLICT: the name or position is taken; DF_ENOTFOUND. The caller
 * has checked calendar_id exists. */
DF_MUST_CHECK int store_sla_policy_save(const struct store_sla_policy *in,
	time_t now, int64_t *id);
/* DF_ENOTFOUND. Tickets under it keep their targets as they are
 * (sla_policy_id becomes NULL; later cycles are not measured until a
 * priority change matches a policy again). Its calendar is no longer
 * known to them: a target paused then resumes around the clock. */
DF_MUST_CHECK int store_sla_policy_delete(int64_t id);

/* --- one ticket's service levels, for staff */

struct store_sla_target {
	const char *metric;        /* first_reply / next_reply / resolution */
	int64_t seq;
	int64_t target_minutes;
	const char *started_at;    /* RFC 3339 */
	const char *due_at;        /* NULL while paused or stopped */
	const char *paused_at;     /* non-NULL: paused */
	int64_t remaining_s;       /* while paused */
	const char *achieved_at;
	const char *breached_at;
	const char *stopped_at;    /* no longer measured (resolved, closed) */
};

/* The ticket's policy (*policy_id 0 and *policy_name NULL when none)
 * and its targets by metric and cycle. DF_ENOTFOUND: no such ticket. */
DF_MUST_CHECK int store_sla_ticket(struct arena *a, int64_t ticket_id,
	int64_t *policy_id, const char **policy_name,
	struct store_sla_target **out, size_t *n);

#endif
