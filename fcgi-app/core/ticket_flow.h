/* The support ticket lifecycle as one table, pure so that its every
 * allowed and refused move is unit-tested:
 *
 *   open -> in_progress | waiting_on_customer | resolved
 *   in_progress -> waiting_on_customer | resolved
 *   waiting_on_customer -> in_progress | resolved
 *   resolved -> open | closed
 *   closed -> nothing (immutable)
 *
 * Staff may make every move of the table; a requester only reopens or
 * closes a resolved ticket; the system (auto-close) only closes a
 * resolved one. The reply rules say what a new message does to a
 * ticket's status. Names are the status/priority/category columns'. */
#ifndef DF_TICKET_FLOW_H
#define DF_TICKET_FLOW_H

enum ticket_status {
	TICKET_OPEN = 0,
	TICKET_IN_PROGRESS,
	TICKET_WAITING,            /* waiting_on_customer */
	TICKET_RESOLVED,
	TICKET_CLOSED,
	TICKET_STATUS__MAX
};

enum ticket_actor {
	TICKET_ACTOR_STAFF = 0,
	TICKET_ACTOR_REQUESTER,
	TICKET_ACTOR_SYSTEM
};

/* NULL-terminated name lists, in enum order for statuses (query tables
 * and validators read them). */
extern const char *const ticket_status_names[TICKET_STATUS__MAX + 1];
extern const char *const ticket_priority_names[];
extern const char *const ticket_category_names[];

/* The status's name, or NULL out of range. */
const char *ticket_status_name(int s);
/* The status named s, or -1 for NULL or an unknown name. */
int ticket_status_parse(const char *s);
/* 1 when s is a priority / category name. */
int ticket_priority_ok(const char *s);
int ticket_category_ok(const char *s);

/* 1 when who may move a ticket from `from` to `to` (enum ticket_status
 * values), 0 otherwise: also for from == to ("no change" is the
 * caller's rule) and statuses out of range. */
int ticket_flow_allowed(enum ticket_actor who, int from, int to);

enum ticket_reply {
	TICKET_REPLY_ADD = 0,      /* the message goes on the ticket; *to is
	                              its status after */
	TICKET_REPLY_FOLLOW_UP,    /* closed: a new ticket follows it up */
	TICKET_REPLY_REFUSED       /* closed and not the requester: 409 */
};
/* What a message by who (internal: a staff note) does to a ticket in
 * status from. Requester: resolved reopens (open), waiting_on_customer
 * goes back to in_progress; staff public reply: open goes to
 * in_progress; a note changes nothing. */
enum ticket_reply ticket_flow_reply(enum ticket_actor who, int internal,
	int from, enum ticket_status *to);

#endif
