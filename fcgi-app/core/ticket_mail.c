/* Ticket mail text (see ticket_mail.h). */
#include <string.h>
#include "arena.h"
#include "ticket_mail.h"

int ticket_mail_reply(struct arena *a, int64_t id, const char *subject,
	const char *name, const char *agent, const char *text,
	struct ticket_mail *out)
{
	out->subject = arena_printf(a, "[Ticket #%lld] Re: %s", (long long)id,
		subject);
	out->body = arena_printf(a,
		"Hello %s,\n"
		"\n"
		"%s replied to your support request #%lld:\n"
		"\n"
		"%s\n"
		"\n"
		"You can answer by replying to this e-mail.\n"
		"\n"
		"-- \n"
		"Dev Forge Support\n", name, agent, (long long)id, text);
	return out->subject != NULL && out->body != NULL ? 0 : DF_ENOMEM;
}

static const char *status_sentence(const char *status)
{
	static const char *const map[][2] = {
		{ "open", "has been reopened" },
		{ "in_progress", "is being worked on" },
		{ "waiting_on_customer", "is waiting for your reply: answer by"
		  " replying to this e-mail" },
		{ "resolved", "has been resolved. If something is still not"
		  " right, reply to this e-mail and it opens again" },
		{ "closed", "has been closed. A reply to this e-mail starts"
		  " a new request linked to it" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], status) == 0)
			return map[i][1];
	return NULL;
}

int ticket_mail_status(struct arena *a, int64_t id, const char *subject,
	const char *name, const char *status, struct ticket_mail *out)
{
	const char *s = status != NULL ? status_sentence(status) : NULL;

	if (s == NULL)
		return DF_EINVAL;
	out->subject = arena_printf(a, "[Ticket #%lld] %s", (long long)id,
		subject);
	out->body = arena_printf(a,
		"Hello %s,\n"
		"\n"
		"your support request #%lld (\"%s\") %s.\n"
		"\n"
		"-- \n"
		"Dev Forge Support\n", name, (long long)id, subject, s);
	return out->subject != NULL && out->body != NULL ? 0 : DF_ENOMEM;
}
