/* The licence rules, pure (no clock, no database): which validation code
 * a licence answers in the fixed precedence, how many machines its seats
 * and overage allow, whether it has expired (from its date, never from a
 * stored status that goes stale), and whether an activation may add a
 * machine. The api layer reads the rows, this decides. */
#ifndef DF_LICPOLICY_H
#define DF_LICPOLICY_H

#include <stddef.h>
#include <stdint.h>

/* In precedence order: the first that applies is the answer. */
enum licpolicy_code {
	LICPOLICY_NOT_FOUND = 0,
	LICPOLICY_REVOKED,
	LICPOLICY_SUSPENDED,
	LICPOLICY_EXPIRED,
	LICPOLICY_FINGERPRINT_SCOPE_REQUIRED,
	LICPOLICY_FINGERPRINT_SCOPE_MISMATCH,
	LICPOLICY_NO_MACHINE,
	LICPOLICY_TOO_MANY_MACHINES,
	LICPOLICY_ENTITLEMENTS_MISSING,
	LICPOLICY_VALID
};

/* "NOT_FOUND" ... "VALID" (the API's codes); "VALID" for anything else
 * is never answered: an unknown value names "NOT_FOUND". */
const char *licpolicy_code_name(enum licpolicy_code c);

/* What a licence is, as read from its row and its plan. */
struct licpolicy_licence {
	int found;                 /* 0: no licence (bad key, unknown id) */
	int revoked, suspended;    /* the status people decided */
	int has_expiry;            /* 0: no end (or a term not yet started) */
	int64_t expires_at;        /* unix seconds, when has_expiry */
	int node_locked;           /* else floating */
	unsigned seats;            /* the licence's max_activations */
	unsigned overage_pct;      /* 100, 125, 150 or 200 */
	unsigned active_machines;
};

/* The question a validation asks. */
struct licpolicy_ask {
	int machine_given;         /* a machine_id was sent */
	int machine_active;        /* ...and is an active machine of it */
	int entitled;              /* every asked entitlement is a feature */
};

/* How many machines may be active: 1 when node-locked, else
 * floor(seats × overage_pct / 100) (3 seats at 125 %: 3). */
unsigned licpolicy_max_machines(const struct licpolicy_licence *l);

/* 1 when the licence has an expiry before now. */
int licpolicy_expired(const struct licpolicy_licence *l, int64_t now);

/* The validation code for l asked q at now, in the fixed precedence. */
enum licpolicy_code licpolicy_validate(const struct licpolicy_licence *l,
	const struct licpolicy_ask *q, int64_t now);

/* Whether an activation of a new fingerprint (already_active 0) or of one
 * already active on the licence (1: idempotent, takes no seat) may go on:
 * LICPOLICY_VALID, or the refusal: NOT_FOUND, REVOKED, SUSPENDED, EXPIRED
 * (perpetual fallback keeps versions, not new machines) or
 * TOO_MANY_MACHINES (every allowed seat taken). */
enum licpolicy_code licpolicy_activate(const struct licpolicy_licence *l,
	int already_active, int64_t now);

/* 1 when every one of want (nw strings) is among have (nh strings). */
int licpolicy_has_all(const char *const *have, size_t nh,
	const char *const *want, size_t nw);

/* 1 when s (len bytes) is a machine fingerprint: 16-128 characters of
 * [A-Za-z0-9_.:-]. */
#define LICPOLICY_FP_MIN 16
#define LICPOLICY_FP_MAX 128
int licpolicy_fingerprint_ok(const char *s, size_t len);

#endif
