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

#endif
