/* SQL for support macros (canned replies): staff-defined texts with
 * placeholders that one call adds to a ticket, optionally setting its
 * status and priority. Names are unique. */
#ifndef DF_STORE_MACROS_H
#define DF_STORE_MACROS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

struct store_macro {
	int64_t id;
	const char *name;
	const char *body;
	int internal;
	const char *set_status;     /* NULL: leaves the status */
	const char *set_priority;   /* NULL: leaves the priority */
	const char *created_at;     /* RFC 3339 */
	const char *updated_at;
};

/* What a create or an edit writes. For an edit, a member's has_ flag
 * says it was sent (set_status and set_priority may be sent as NULL to
 * clear them). */
struct store_macro_in {
	const char *name;
	const char *body;
	int internal;
	const char *set_status;
	const char *set_priority;
	int has_name, has_body, has_internal, has_status, has_priority;
};

/* Oldest first, ids above after, limit + 1 rows (so the caller knows
 * whether more follow). */
DF_MUST_CHECK int store_macros_list(struct arena *a, int64_t after,
	int64_t limit, struct store_macro **out, size_t *n);
/* 0 or DF_ENOTFOUND. */
DF_MUST_CHECK int store_macros_get(struct arena *a, int64_t id,
	struct store_macro *out);
/* 0 with out filled, DF_ECONFLICT when the name is taken. */
DF_MUST_CHECK int store_macros_create(struct arena *a,
	const struct store_macro_in *in, int64_t created_by, time_t now,
	struct store_macro *out);
/* Writes the members sent; DF_ENOTFOUND, DF_ECONFLICT (name taken). */
DF_MUST_CHECK int store_macros_update(struct arena *a, int64_t id,
	const struct store_macro_in *in, time_t now, struct store_macro *out);
/* 0 or DF_ENOTFOUND. */
DF_MUST_CHECK int store_macros_delete(int64_t id);

/* Longest reply a macro may make once filled, in characters (a ticket
 * message's bound). */
#define STORE_MACRO_REPLY_MAX 10000

/* Applies macro_id to ticket_id as agent_id (staff; agent_name fills
 * {{agent_name}}) in ONE transaction: the filled reply is added
 * (internal or public, as the macro says; via "macro") with the ticket
 * rules of store_tickets_add_message, then the macro's status and
 * priority are set (store_tickets_set). Any failure leaves the ticket
 * as it was. 0; DF_ENOTFOUND (no such ticket or macro); DF_ECONFLICT (a
 * closed ticket, or a status move outside the lifecycle); DF_ETOOBIG
 * (the filled reply is over STORE_MACRO_REPLY_MAX). */
DF_MUST_CHECK int store_macros_apply(struct arena *a, int64_t ticket_id,
	int64_t macro_id, int64_t agent_id, const char *agent_name,
	time_t now);

#endif
