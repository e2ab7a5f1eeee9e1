/* SQL for the mail dead letters: every message `devforgectl
 * mail-receive` cannot place on a ticket is kept whole in
 * support_mail_dead_letters with why, so staff can read it and nothing
 * a customer wrote is dropped. */
#ifndef DF_STORE_MAIL_DEAD_H
#define DF_STORE_MAIL_DEAD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* The reasons (the reason column). */
#define MAIL_DEAD_NO_TOKEN "no_token"
#define MAIL_DEAD_FORGED_TOKEN "forged_token"
#define MAIL_DEAD_UNKNOWN_TICKET "unknown_ticket"
#define MAIL_DEAD_SENDER_MISMATCH "sender_mismatch"
#define MAIL_DEAD_MALFORMED "malformed"
#define MAIL_DEAD_EMPTY_BODY "empty_body"
#define MAIL_DEAD_TOO_LARGE "too_large"
/* An out-of-office or other program's answer (RFC 3834): kept, never
 * added, so it cannot reopen a ticket or start a mail loop. */
#define MAIL_DEAD_AUTO_REPLY "auto_reply"

struct store_mail_dead {
	const char *reason;       /* one of the MAIL_DEAD_* */
	const char *detail;       /* NULL or text; cut to 500 characters */
	const char *from_addr;    /* NULL or an address; cut to 254 */
	const char *to_addr;      /* the reply address it was sent to */
	const char *subject;      /* decoded; cut to 255 characters */
	const char *message_id;   /* printable ASCII; cut to 255 */
	int64_t ticket_id;        /* 0: none */
	const void *raw;          /* the message as received */
	size_t raw_len;
	time_t now;
};

/* Adds one dead letter; *id (may be NULL) its id. 0, DF_EDBDOWN,
 * DF_EDBTIMEOUT or DF_EDB. */
DF_MUST_CHECK int store_mail_dead_add(const struct store_mail_dead *d,
	int64_t *id);

/* --- staff handling (GET/POST/DELETE /admin/support/dead-letters) ---
 * A dead letter is resolved once, by attaching it to a ticket or by
 * dismissing it; the row and its raw bytes stay either way. */

/* One dead letter as staff read it; strings in the arena, times RFC
 * 3339 UTC. */
struct store_mail_dead_row {
	int64_t id;
	const char *received_at;
	const char *reason;
	const char *detail;           /* NULL: none */
	const char *from_addr;
	const char *to_addr;
	const char *subject;
	const char *message_id;
	int64_t ticket_id;            /* the token's ticket; 0: none */
	int64_t raw_size;             /* bytes */
	const char *resolved_at;      /* NULL: open */
	const char *resolved_by_public_id; /* NULL: open, or the user is gone */
	const char *resolved_by_username;
	const char *resolution;       /* "attached", "dismissed" or NULL */
	int64_t attached_ticket_id;   /* 0: none */
	const char *raw;              /* store_mail_dead_get with_raw only */
	size_t raw_len;
};

enum store_mail_dead_state { STORE_MAIL_DEAD_OPEN = 0,
	STORE_MAIL_DEAD_RESOLVED, STORE_MAIL_DEAD_ALL };

/* Newest first (id descending) without the raw bytes: ids below before
 * (0: from the newest), reason NULL for any, limit + 1 rows (so the
 * caller knows whether more follow). */
DF_MUST_CHECK int store_mail_dead_list(struct arena *a, const char *reason,
	enum store_mail_dead_state state, int64_t before, int64_t limit,
	struct store_mail_dead_row **out, size_t *n);
/* One, with the raw bytes when with_raw. 0 or DF_ENOTFOUND. */
DF_MUST_CHECK int store_mail_dead_get(struct arena *a, int64_t id,
	int with_raw, struct store_mail_dead_row *out);

/* What an attach or a dismissal came to (the store's answer when it
 * returns 0; anything but DONE changed nothing). */
enum store_mail_dead_outcome {
	STORE_MAIL_DEAD_DONE = 0,
	STORE_MAIL_DEAD_NO_LETTER,    /* no such dead letter */
	STORE_MAIL_DEAD_RESOLVED_ALREADY,
	STORE_MAIL_DEAD_NO_TICKET,    /* no such ticket */
	STORE_MAIL_DEAD_TICKET_CLOSED,
	STORE_MAIL_DEAD_DUPLICATE     /* its Message-ID is on a ticket already */
};

struct store_mail_dead_attach_in {
	int64_t id;                   /* the dead letter */
	int64_t ticket_id;
	int64_t agent_id;             /* the staff member (users.id) */
	const char *reply;            /* the text as the requester's reply */
	const char *note;             /* the text as the agent's internal note */
	time_t now;
};
struct store_mail_dead_attach_out {
	enum store_mail_dead_outcome outcome;
	int as_requester;             /* 1: added as the requester's reply */
	int64_t message_id;
	const char *status;           /* the ticket's status after */
};
/* Inside the caller's transaction (it audits, then commits; or rolls
 * back on any outcome but DONE): locks the dead letter and the ticket,
 * then adds one message through store_tickets_add_message via email.
 * The rule: when the dead letter's From address is the ticket
 * requester's e-mail (case-insensitive), reply is added as the
 * requester's reply (with the ticket rules: a resolved ticket reopens);
 * otherwise note is added as an internal note by the agent. A closed
 * ticket takes nothing (TICKET_CLOSED: a requester's reply would make a
 * follow-up nobody asked for). The letter's Message-ID is the message's
 * mail dedupe key, so a later delivery of the same mail adds nothing.
 * Then the letter is resolved ("attached", by agent_id, now). 0 with
 * out->outcome, or a database error. */
DF_MUST_CHECK int store_mail_dead_attach(struct arena *a,
	const struct store_mail_dead_attach_in *in,
	struct store_mail_dead_attach_out *out);
/* Inside the caller's transaction: resolves the dead letter as
 * "dismissed" by agent_id. 0 with *outcome DONE, NO_LETTER or
 * RESOLVED_ALREADY; or a database error. */
DF_MUST_CHECK int store_mail_dead_dismiss(struct arena *a, int64_t id,
	int64_t agent_id, time_t now, enum store_mail_dead_outcome *outcome);

#endif
