/* SQL for support tickets and their messages: creation, the one read
 * with messages (internal notes filtered in SQL for non-staff readers),
 * the queues (filters, sorts, keyset cursors), status / priority /
 * assignee changes under a row lock with the lifecycle of
 * core/ticket_flow.h, messages with the reply rules (follow-up of a
 * closed ticket, reopen on a requester's reply, e-mail dedupe), and the
 * auto-close job. Every change calls the SLA hooks (store/sla.h) inside
 * its transaction, and the mails to the requester (a staff public reply,
 * a status change by staff) are queued in the outbox in the same
 * transaction, each with a signed Reply-To (core/mactoken.h). Internal
 * notes never bump updated_at and never make mail, so nothing a
 * requester sees moves when staff write one. */
#ifndef DF_STORE_TICKETS_H
#define DF_STORE_TICKETS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* The mail settings ticket mail needs: the key of the reply tokens
 * (the config's jwt_secret), the reply base address
 * (support_reply_address). Called
 * once per process before the first change that mails (api_init);
 * copies nothing: the strings must outlive the process's use. Without
 * it, a change that would mail fails with DF_EINTERNAL. */
void store_tickets_mail_setup(const void *key, size_t keylen,
	const char *reply_base);

/* The shared cache generation of everything tickets show (the staff
 * queues' cached answers, ROUTE_STAFF_CACHE). Every committed change to
 * a ticket bumps it: the functions below that open their own
 * transaction do so after committing; a caller that runs them inside
 * its own transaction (macros) calls store_tickets_changed after its
 * commit. A process without the shared segment (devforgectl without
 * shm_attach_existing) bumps nothing: the cache's
 * cache_counts_max_age bounds what it leaves stale. (The knowledge
 * base uses generation 8, the marketplace 0.) */
#define STORE_TICKETS_CACHE_GEN 9u
void store_tickets_changed(void);

enum store_ticket_via { TICKET_VIA_WEB, TICKET_VIA_EMAIL, TICKET_VIA_MACRO,
	TICKET_VIA_SYSTEM, TICKET_VIA_ASSISTANT };

struct store_ticket_msg {
	int64_t id;
	const char *author_public_id;   /* NULL: the system */
	const char *author_username;
	const char *body;
	int internal;
	const char *via;
	const char *created_at;         /* RFC 3339 UTC */
};

struct store_ticket {
	int64_t id;
	int64_t requester_id;
	int64_t assignee_id;            /* 0: none */
	const char *subject;
	const char *status;
	const char *priority;
	const char *category;
	const char *via;
	const char *requester_public_id;
	const char *requester_username;
	const char *requester_email;    /* for mail; never in answers */
	const char *requester_name;     /* display_name, else username */
	const char *assignee_public_id; /* NULL: none */
	const char *assignee_username;
	int64_t follow_up_of;           /* 0: none */
	const char *first_response_due_at; /* NULL when none */
	const char *next_breach_at;
	const char *created_at;
	const char *updated_at;
	const char *resolved_at;
	const char *closed_at;
	int64_t sort_key;               /* the list's sort key (cursor) */
	struct store_ticket_msg *msgs;  /* store_tickets_get only */
	size_t nmsgs;
};

struct store_ticket_new {
	int64_t requester_id;
	const char *subject;            /* validated by the caller */
	const char *body;
	const char *category;
	const char *priority;           /* NULL: normal */
	enum store_ticket_via via;      /* web, email or assistant */
	int64_t follow_up_of;           /* 0: none */
	time_t now;
};
/* Creates a ticket and its first message (by the requester), starts its
 * SLA (store_sla_ticket_created), in one transaction (or the caller's
 * when one is open). *id its id. 0 or a negative df_err. */
DF_MUST_CHECK int store_tickets_create(struct arena *a,
	const struct store_ticket_new *in, int64_t *id);

/* The ticket id with its messages, oldest first; staff 0 leaves out
 * internal notes (in SQL) and next_breach_at. DF_ENOTFOUND. */
DF_MUST_CHECK int store_tickets_get(struct arena *a, int64_t id, int staff,
	struct store_ticket *out);

enum store_ticket_sort {
	STORE_TICKET_SORT_BREACH = 0,   /* next_breach_at asc, NULLs last, id */
	STORE_TICKET_SORT_CREATED,      /* created_at desc, id desc */
	STORE_TICKET_SORT_UPDATED,      /* updated_at desc, id desc */
	STORE_TICKET_SORT__MAX
};
enum store_ticket_assignee { STORE_TICKET_ANY_ASSIGNEE = 0,
	STORE_TICKET_UNASSIGNED, STORE_TICKET_ASSIGNED_TO };
struct store_ticket_filter {
	int64_t requester_id;           /* 0: every requester (staff) */
	const char *status;             /* NULL: any */
	const char *priority;
	const char *category;
	enum store_ticket_assignee assignee;
	int64_t assignee_id;            /* STORE_TICKET_ASSIGNED_TO */
	int assignee_me;                /* assignee_id is the caller's own */
	enum store_ticket_sort sort;
	int has_after;                  /* a cursor: after (key, id) */
	int64_t after_key;
	int64_t after_id;
	int64_t limit;                  /* one more row is read */
};
/* The page of tickets (no messages) in the filter's order; up to
 * limit + 1 rows, each with sort_key set for the cursor. */
DF_MUST_CHECK int store_tickets_list(struct arena *a,
	const struct store_ticket_filter *f, struct store_ticket **out,
	size_t *n);

/* users.id and whether the account of public_id is staff (support or
 * admin, active). DF_ENOTFOUND when there is no such user. */
DF_MUST_CHECK int store_tickets_user(struct arena *a, const char *public_id,
	int64_t *id, int *staff);

struct store_ticket_change {
	int64_t ticket_id;
	int64_t actor_id;
	int actor_staff;                /* 0: the requester (status only) */
	const char *status;             /* NULL: unchanged */
	const char *priority;           /* NULL: unchanged (staff) */
	int set_assignee;               /* staff: assignee_id applies */
	int64_t assignee_id;            /* 0: unassign */
	time_t now;
};
/* Applies c under a lock of the ticket row (FOR UPDATE): a status move
 * outside the lifecycle for the actor is DF_ECONFLICT with nothing
 * changed; the same status is no move. Calls the SLA hook and queues
 * the requester's status mail (staff changes) inside the transaction.
 * *changed (may be NULL) says whether anything changed. DF_ENOTFOUND,
 * DF_ECONFLICT (also: the ticket is closed and c changes anything). */
DF_MUST_CHECK int store_tickets_update(struct arena *a,
	const struct store_ticket_change *c, int *changed);

struct store_ticket_msg_in {
	int64_t ticket_id;
	int64_t author_id;        /* users.id */
	int author_staff;         /* the author acts as staff */
	const char *body;         /* validated by the caller */
	int internal;             /* staff only */
	enum store_ticket_via via;
	const char *mail_message_id; /* NULL unless from mail: dedupe key */
	time_t now;
};
struct store_ticket_msg_out {
	int64_t message_id;
	int64_t ticket_id;        /* the ticket it landed on: a follow-up's
	                             id when the original was closed */
	int follow_up;            /* 1 when a follow-up ticket was made */
	int duplicate;            /* 1: mail_message_id seen before; nothing
	                             added */
	const char *status;       /* the ticket's status after */
};
/* One transaction (or inside the caller's when one is open: macros):
 * locks the ticket, adds the message, applies the reply rules (a
 * requester's reply reopens a resolved ticket, moves
 * waiting_on_customer to in_progress; a reply to a closed ticket makes a
 * follow-up; a staff public reply to an open ticket moves it to
 * in_progress), calls the SLA hooks, queues the requester's mail for a
 * staff public reply or a status change. DF_ENOTFOUND, DF_ECONFLICT
 * (staff writing to a closed ticket), or a database error. */
DF_MUST_CHECK int store_tickets_add_message(struct arena *a,
	const struct store_ticket_msg_in *in, struct store_ticket_msg_out *out);
/* Status / priority change by staff (NULL: unchanged), same rules and
 * 409 (DF_ECONFLICT) for transitions outside the lifecycle. */
DF_MUST_CHECK int store_tickets_set(struct arena *a, int64_t ticket_id,
	int64_t actor_id, const char *status, const char *priority, time_t now);
/* Jobs: closes up to max tickets resolved before now - days*86400;
 * SKIP LOCKED; *n closed. */
DF_MUST_CHECK int store_tickets_autoclose_batch(struct arena *a, time_t now,
	unsigned days, size_t max, size_t *n);

#endif
