/* The text of a canned reply (a support macro) for one ticket: its
 * placeholders {{requester_name}}, {{ticket_id}} and {{agent_name}}
 * replaced. Pure, so the substitution rules are unit-tested apart from
 * the database. */
#ifndef DF_MACROTEXT_H
#define DF_MACROTEXT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

struct macrotext_vars {
	const char *requester_name;   /* display name, else username */
	int64_t ticket_id;
	const char *agent_name;       /* the staff member applying it */
};

/* body with every known placeholder replaced (exact spelling, no inner
 * spaces); anything else between braces, unknown names included, is
 * left as written, so a typo shows in the reply instead of vanishing.
 * Values are inserted as they are and never scanned again. *out is an
 * arena string. 0, DF_EINVAL (a NULL argument), DF_ENOMEM. */
DF_MUST_CHECK int macrotext_fill(struct arena *a, const char *body,
	const struct macrotext_vars *v, char **out);

#endif
