/* The licence rules: see licpolicy.h. Pure, so each rule and the
 * precedence between them are unit-tested without a stack. */
#include <string.h>
#include "licpolicy.h"

static const char *const names[] = {
	[LICPOLICY_NOT_FOUND] = "NOT_FOUND",
	[LICPOLICY_REVOKED] = "REVOKED",
	[LICPOLICY_SUSPENDED] = "SUSPENDED",
	[LICPOLICY_EXPIRED] = "EXPIRED",
	[LICPOLICY_FINGERPRINT_SCOPE_REQUIRED] = "FINGERPRINT_SCOPE_REQUIRED",
	[LICPOLICY_FINGERPRINT_SCOPE_MISMATCH] = "FINGERPRINT_SCOPE_MISMATCH",
	[LICPOLICY_NO_MACHINE] = "NO_MACHINE",
	[LICPOLICY_TOO_MANY_MACHINES] = "TOO_MANY_MACHINES",
	[LICPOLICY_ENTITLEMENTS_MISSING] = "ENTITLEMENTS_MISSING",
	[LICPOLICY_VALID] = "VALID",
};

const char *licpolicy_code_name(enum licpolicy_code c)
{
	if ((unsigned)c >= sizeof(names) / sizeof(names[0]))
		return names[LICPOLICY_NOT_FOUND];
	return names[c];
}

unsigned licpolicy_max_machines(const struct licpolicy_licence *l)
{
	if (l->node_locked)
		return 1;
	/* Floor: an allowance never grants a part of a machine. 64 bits so
	 * an absurd seat count cannot wrap. */
	return (unsigned)(((uint64_t)l->seats * l->overage_pct) / 100u);
}

int licpolicy_expired(const struct licpolicy_licence *l, int64_t now)
{
	return l->has_expiry && l->expires_at < now;
}

/* The checks every answer starts with: the licence itself. */
static enum licpolicy_code standing(const struct licpolicy_licence *l,
	int64_t now)
{
	if (!l->found)
		return LICPOLICY_NOT_FOUND;
	if (l->revoked)
		return LICPOLICY_REVOKED;
	if (l->suspended)
		return LICPOLICY_SUSPENDED;
	if (licpolicy_expired(l, now))
		return LICPOLICY_EXPIRED;
	return LICPOLICY_VALID;
}

enum licpolicy_code licpolicy_validate(const struct licpolicy_licence *l,
	const struct licpolicy_ask *q, int64_t now)
{
	enum licpolicy_code c = standing(l, now);

	if (c != LICPOLICY_VALID)
		return c;
	if (l->node_locked && !q->machine_given)
		return LICPOLICY_FINGERPRINT_SCOPE_REQUIRED;
	/* Node-locked: another machine holds the one place. */
	if (l->node_locked && q->machine_given && !q->machine_active &&
	    l->active_machines > 0)
		return LICPOLICY_FINGERPRINT_SCOPE_MISMATCH;
	if (q->machine_given && !q->machine_active)
		return LICPOLICY_NO_MACHINE;
	/* Over only when seats were lowered under the machines already
	 * active: activation never goes past the allowance. */
	if (l->active_machines > licpolicy_max_machines(l))
		return LICPOLICY_TOO_MANY_MACHINES;
	if (!q->entitled)
		return LICPOLICY_ENTITLEMENTS_MISSING;
	return LICPOLICY_VALID;
}

enum licpolicy_code licpolicy_activate(const struct licpolicy_licence *l,
	int already_active, int64_t now)
{
	enum licpolicy_code c = standing(l, now);

	if (c != LICPOLICY_VALID || already_active)
		return c;
	if (l->active_machines >= licpolicy_max_machines(l))
		return LICPOLICY_TOO_MANY_MACHINES;
	return LICPOLICY_VALID;
}

int licpolicy_has_all(const char *const *have, size_t nh,
	const char *const *want, size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		size_t j = 0;

		while (j < nh && strcmp(have[j], want[i]) != 0)
			j++;
		if (j == nh)
			return 0;
	}
	return 1;
}

int licpolicy_fingerprint_ok(const char *s, size_t len)
{
	if (s == NULL || len < LICPOLICY_FP_MIN || len > LICPOLICY_FP_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == ':' || ch == '-'))
			return 0;
	}
	return 1;
}
