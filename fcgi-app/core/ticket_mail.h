/* The text of the mails a ticket's requester gets (a staff reply, a
 * status change), pure so that store/tickets.c queues them without
 * calling up into api/. Internal notes never reach these: the caller
 * passes only public text. */
#ifndef DF_TICKET_MAIL_H
#define DF_TICKET_MAIL_H

#include <stdint.h>
#include "err.h"

struct arena;

struct ticket_mail {
	const char *subject;
	const char *body;
};

/* A staff reply: "[Ticket #<id>] Re: <subject>", the reply text and how
 * to answer: reply to the mail (its Reply-To is the ticket's signed
 * address). No web link: the server has no ticket page; showing tickets
 * on the web is the client's (the IDE's). Arena strings. 0 or
 * DF_ENOMEM. */
DF_MUST_CHECK int ticket_mail_reply(struct arena *a, int64_t id,
	const char *subject, const char *name, const char *agent,
	const char *text, struct ticket_mail *out);
/* A status change to status (a status column name). 0, DF_EINVAL (an
 * unknown status) or DF_ENOMEM. */
DF_MUST_CHECK int ticket_mail_status(struct arena *a, int64_t id,
	const char *subject, const char *name, const char *status,
	struct ticket_mail *out);

#endif
