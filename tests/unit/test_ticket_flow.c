/* Unit tests for ticket_flow.c: every (actor, from, to) pair of the
 * lifecycle, the allowed ones listed here and every other one refused,
 * and the reply rules for each actor and status. */
#include <criterion/criterion.h>
#include <string.h>

#include "ticket_flow.h"

enum { O = TICKET_OPEN, P = TICKET_IN_PROGRESS, W = TICKET_WAITING,
	R = TICKET_RESOLVED, C = TICKET_CLOSED };

struct move { enum ticket_actor who; int from, to; };

/* The whole table of allowed moves; everything else is refused. */
static const struct move allowed[] = {
	{ TICKET_ACTOR_STAFF, O, P }, { TICKET_ACTOR_STAFF, O, W },
	{ TICKET_ACTOR_STAFF, O, R }, { TICKET_ACTOR_STAFF, P, W },
	{ TICKET_ACTOR_STAFF, P, R }, { TICKET_ACTOR_STAFF, W, P },
	{ TICKET_ACTOR_STAFF, W, R }, { TICKET_ACTOR_STAFF, R, O },
	{ TICKET_ACTOR_STAFF, R, C },
	{ TICKET_ACTOR_REQUESTER, R, O }, { TICKET_ACTOR_REQUESTER, R, C },
	{ TICKET_ACTOR_SYSTEM, R, C },
};

static int listed(enum ticket_actor who, int from, int to)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].who == who && allowed[i].from == from &&
		    allowed[i].to == to)
			return 1;
	return 0;
}

Test(ticket_flow, every_move_allowed_or_refused_as_the_table_says)
{
	static const enum ticket_actor who[] = { TICKET_ACTOR_STAFF,
		TICKET_ACTOR_REQUESTER, TICKET_ACTOR_SYSTEM };
	int n_allowed = 0;

	for (size_t w = 0; w < 3; w++)
		for (int f = 0; f < TICKET_STATUS__MAX; f++)
			for (int t = 0; t < TICKET_STATUS__MAX; t++) {
				int got = ticket_flow_allowed(who[w], f, t);

				cr_expect_eq(got, listed(who[w], f, t),
					"actor %zu %s -> %s: got %d", w,
					ticket_status_name(f),
					ticket_status_name(t), got);
				n_allowed += got;
			}
	cr_expect_eq(n_allowed, 12);
}

Test(ticket_flow, closed_is_immutable_for_everyone)
{
	for (int t = 0; t < TICKET_STATUS__MAX; t++) {
		cr_expect_not(ticket_flow_allowed(TICKET_ACTOR_STAFF, C, t));
		cr_expect_not(ticket_flow_allowed(TICKET_ACTOR_REQUESTER, C, t));
		cr_expect_not(ticket_flow_allowed(TICKET_ACTOR_SYSTEM, C, t));
	}
}

Test(ticket_flow, out_of_range_statuses_are_refused)
{
	cr_expect_not(ticket_flow_allowed(TICKET_ACTOR_STAFF, -1, O));
	cr_expect_not(ticket_flow_allowed(TICKET_ACTOR_STAFF, O, 5));
	cr_expect_not(ticket_flow_allowed((enum ticket_actor)9, R, O));
}

static void reply(enum ticket_actor who, int internal, int from,
	enum ticket_reply want, int want_to)
{
	enum ticket_status to;
	enum ticket_reply got = ticket_flow_reply(who, internal, from, &to);

	cr_expect_eq(got, want, "reply by %d internal %d on %s", who,
		internal, ticket_status_name(from));
	if (want == TICKET_REPLY_ADD)
		cr_expect_eq((int)to, want_to, "reply by %d internal %d on %s:"
			" -> %s", who, internal, ticket_status_name(from),
			ticket_status_name(to));
}

Test(ticket_flow, requester_reply_reopens_resolved_and_ends_waiting)
{
	reply(TICKET_ACTOR_REQUESTER, 0, O, TICKET_REPLY_ADD, O);
	reply(TICKET_ACTOR_REQUESTER, 0, P, TICKET_REPLY_ADD, P);
	reply(TICKET_ACTOR_REQUESTER, 0, W, TICKET_REPLY_ADD, P);
	reply(TICKET_ACTOR_REQUESTER, 0, R, TICKET_REPLY_ADD, O);
	reply(TICKET_ACTOR_REQUESTER, 0, C, TICKET_REPLY_FOLLOW_UP, 0);
}

Test(ticket_flow, staff_public_reply_takes_an_open_ticket_in_progress)
{
	reply(TICKET_ACTOR_STAFF, 0, O, TICKET_REPLY_ADD, P);
	reply(TICKET_ACTOR_STAFF, 0, P, TICKET_REPLY_ADD, P);
	reply(TICKET_ACTOR_STAFF, 0, W, TICKET_REPLY_ADD, W);
	reply(TICKET_ACTOR_STAFF, 0, R, TICKET_REPLY_ADD, R);
	reply(TICKET_ACTOR_STAFF, 0, C, TICKET_REPLY_REFUSED, 0);
}

Test(ticket_flow, internal_note_changes_no_status_and_not_on_closed)
{
	for (int f = O; f < C; f++)
		reply(TICKET_ACTOR_STAFF, 1, f, TICKET_REPLY_ADD, f);
	reply(TICKET_ACTOR_STAFF, 1, C, TICKET_REPLY_REFUSED, 0);
	reply(TICKET_ACTOR_SYSTEM, 0, C, TICKET_REPLY_REFUSED, 0);
}

Test(ticket_flow, names_round_trip_and_unknown_ones_are_refused)
{
	for (int s = 0; s < TICKET_STATUS__MAX; s++)
		cr_expect_eq(ticket_status_parse(ticket_status_name(s)), s);
	cr_expect_eq(ticket_status_parse("pending"), -1);
	cr_expect_eq(ticket_status_parse(NULL), -1);
	cr_expect_null(ticket_status_name(TICKET_STATUS__MAX));
	cr_expect(ticket_priority_ok("urgent"));
	cr_expect_not(ticket_priority_ok("critical"));
	cr_expect(ticket_category_ok("billing"));
	cr_expect_not(ticket_category_ok("sales"));
}
