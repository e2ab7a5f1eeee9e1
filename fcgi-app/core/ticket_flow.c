/* The ticket lifecycle table and reply rules (see ticket_flow.h). */
#include <stddef.h>
#include <string.h>
#include "ticket_flow.h"

const char *const ticket_status_names[TICKET_STATUS__MAX + 1] = {
	"open", "in_progress", "waiting_on_customer", "resolved", "closed",
	NULL
};
const char *const ticket_priority_names[] = {
	"low", "normal", "high", "urgent", NULL
};
const char *const ticket_category_names[] = {
	"technical", "billing", "account", "extension", "other", NULL
};

/* moves[from] has bit `to` set when staff may make the move. */
#define B(s) (1u << (s))
static const unsigned staff_moves[TICKET_STATUS__MAX] = {
	[TICKET_OPEN] = B(TICKET_IN_PROGRESS) | B(TICKET_WAITING) |
		B(TICKET_RESOLVED),
	[TICKET_IN_PROGRESS] = B(TICKET_WAITING) | B(TICKET_RESOLVED),
	[TICKET_WAITING] = B(TICKET_IN_PROGRESS) | B(TICKET_RESOLVED),
	[TICKET_RESOLVED] = B(TICKET_OPEN) | B(TICKET_CLOSED),
	[TICKET_CLOSED] = 0,
};
/* A requester only decides about a resolution: reopen or accept it. */
static const unsigned requester_moves[TICKET_STATUS__MAX] = {
	[TICKET_RESOLVED] = B(TICKET_OPEN) | B(TICKET_CLOSED),
};
static const unsigned system_moves[TICKET_STATUS__MAX] = {
	[TICKET_RESOLVED] = B(TICKET_CLOSED),
};

static int in_list(const char *const *names, const char *s)
{
	if (s == NULL)
		return -1;
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *ticket_status_name(int s)
{
	if (s < 0 || s >= TICKET_STATUS__MAX)
		return NULL;
	return ticket_status_names[s];
}

int ticket_status_parse(const char *s)
{
	return in_list(ticket_status_names, s);
}

int ticket_priority_ok(const char *s)
{
	return in_list(ticket_priority_names, s) >= 0;
}

int ticket_category_ok(const char *s)
{
	return in_list(ticket_category_names, s) >= 0;
}

int ticket_flow_allowed(enum ticket_actor who, int from, int to)
{
	const unsigned *t;

	if (from < 0 || from >= TICKET_STATUS__MAX || to < 0 ||
	    to >= TICKET_STATUS__MAX || from == to)
		return 0;
	switch (who) {
	case TICKET_ACTOR_STAFF: t = staff_moves; break;
	case TICKET_ACTOR_REQUESTER: t = requester_moves; break;
	case TICKET_ACTOR_SYSTEM: t = system_moves; break;
	default: return 0;
	}
	return (t[from] & B(to)) != 0;
}

enum ticket_reply ticket_flow_reply(enum ticket_actor who, int internal,
	int from, enum ticket_status *to)
{
	if (from < 0 || from >= TICKET_STATUS__MAX)
		return TICKET_REPLY_REFUSED;
	*to = (enum ticket_status)from;
	if (from == TICKET_CLOSED)
		/* Immutable: the requester's words are not lost, they open a
		 * linked ticket; staff have nothing to add to a closed one. */
		return who == TICKET_ACTOR_REQUESTER && !internal ?
			TICKET_REPLY_FOLLOW_UP : TICKET_REPLY_REFUSED;
	if (who == TICKET_ACTOR_REQUESTER) {
		if (from == TICKET_RESOLVED)
			*to = TICKET_OPEN;
		else if (from == TICKET_WAITING)
			*to = TICKET_IN_PROGRESS;
	} else if (who == TICKET_ACTOR_STAFF && !internal &&
	    from == TICKET_OPEN) {
		*to = TICKET_IN_PROGRESS;
	}
	return TICKET_REPLY_ADD;
}
