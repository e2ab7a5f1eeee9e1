/* Unit tests for core/licpolicy.c: the validation codes in their fixed
 * precedence, seats times overage, expiry from the date, and what an
 * activation may do. */
#include <criterion/criterion.h>
#include <string.h>
#include "licpolicy.h"

#define NOW 1800000000

static struct licpolicy_licence floating(unsigned seats, unsigned pct)
{
	struct licpolicy_licence l = { .found = 1, .seats = seats,
		.overage_pct = pct };

	return l;
}

static const struct licpolicy_ask plain = { .entitled = 1 };

static const char *code(const struct licpolicy_licence *l,
	const struct licpolicy_ask *q)
{
	return licpolicy_code_name(licpolicy_validate(l, q, NOW));
}

Test(licpolicy, seats_times_overage_rounds_down)
{
	struct licpolicy_licence l = floating(3, 100);

	cr_assert_eq(licpolicy_max_machines(&l), 3);
	l.overage_pct = 125;
	cr_assert_eq(licpolicy_max_machines(&l), 3);
	l.seats = 10;
	cr_assert_eq(licpolicy_max_machines(&l), 12);
	l.overage_pct = 150;
	cr_assert_eq(licpolicy_max_machines(&l), 15);
	l.overage_pct = 200;
	cr_assert_eq(licpolicy_max_machines(&l), 20);
	l.seats = 65535;
	cr_assert_eq(licpolicy_max_machines(&l), 131070);
	l.node_locked = 1;
	cr_assert_eq(licpolicy_max_machines(&l), 1);
}

Test(licpolicy, expiry_is_the_date_against_now)
{
	struct licpolicy_licence l = floating(1, 100);

	cr_assert_eq(licpolicy_expired(&l, NOW), 0, "no expiry: never");
	l.has_expiry = 1;
	l.expires_at = NOW;
	cr_assert_eq(licpolicy_expired(&l, NOW), 0, "the last second counts");
	cr_assert_eq(licpolicy_expired(&l, NOW + 1), 1);
	l.expires_at = NOW + 86400;
	cr_assert_eq(licpolicy_expired(&l, NOW), 0);
}

Test(licpolicy, one_code_each)
{
	struct licpolicy_licence l = floating(2, 100);
	struct licpolicy_ask q = plain;

	cr_assert_str_eq(code(&l, &q), "VALID");
	l.found = 0;
	cr_assert_str_eq(code(&l, &q), "NOT_FOUND");
	l = floating(2, 100);
	l.revoked = 1;
	cr_assert_str_eq(code(&l, &q), "REVOKED");
	l = floating(2, 100);
	l.suspended = 1;
	cr_assert_str_eq(code(&l, &q), "SUSPENDED");
	l = floating(2, 100);
	l.has_expiry = 1;
	l.expires_at = NOW - 1;
	cr_assert_str_eq(code(&l, &q), "EXPIRED");
	l = floating(1, 100);
	l.node_locked = 1;
	cr_assert_str_eq(code(&l, &q), "FINGERPRINT_SCOPE_REQUIRED");
	l.active_machines = 1;
	q.machine_given = 1;
	cr_assert_str_eq(code(&l, &q), "FINGERPRINT_SCOPE_MISMATCH");
	q.machine_active = 1;
	cr_assert_str_eq(code(&l, &q), "VALID");
	l = floating(2, 100);
	q.machine_active = 0;
	cr_assert_str_eq(code(&l, &q), "NO_MACHINE");
	q = plain;
	l.active_machines = 3;
	cr_assert_str_eq(code(&l, &q), "TOO_MANY_MACHINES");
	l.active_machines = 2;
	q.entitled = 0;
	cr_assert_str_eq(code(&l, &q), "ENTITLEMENTS_MISSING");
}

Test(licpolicy, precedence_first_rule_wins)
{
	struct licpolicy_licence l = floating(1, 100);
	struct licpolicy_ask q = { .machine_given = 1, .entitled = 0 };

	/* Everything wrong at once: each step down removes the first. */
	l.revoked = l.suspended = 1;
	l.has_expiry = 1;
	l.expires_at = NOW - 10;
	l.node_locked = 1;
	l.active_machines = 5;
	cr_assert_str_eq(code(&l, &q), "REVOKED");
	l.revoked = 0;
	cr_assert_str_eq(code(&l, &q), "SUSPENDED", "suspended and expired");
	l.suspended = 0;
	cr_assert_str_eq(code(&l, &q), "EXPIRED");
	l.has_expiry = 0;
	cr_assert_str_eq(code(&l, &q), "FINGERPRINT_SCOPE_MISMATCH");
	l.node_locked = 0;
	cr_assert_str_eq(code(&l, &q), "NO_MACHINE");
	q.machine_given = 0;
	cr_assert_str_eq(code(&l, &q), "TOO_MANY_MACHINES");
	l.active_machines = 1;
	cr_assert_str_eq(code(&l, &q), "ENTITLEMENTS_MISSING");
	q.entitled = 1;
	cr_assert_str_eq(code(&l, &q), "VALID");
}

Test(licpolicy, node_locked_without_machines_asks_activation)
{
	struct licpolicy_licence l = floating(1, 100);
	struct licpolicy_ask q = { .machine_given = 1, .entitled = 1 };

	l.node_locked = 1;
	cr_assert_str_eq(code(&l, &q), "NO_MACHINE");
}

Test(licpolicy, activation_takes_free_seats_only)
{
	struct licpolicy_licence l = floating(3, 125);

	for (unsigned i = 0; i < 3; i++) {
		l.active_machines = i;
		cr_assert_eq(licpolicy_activate(&l, 0, NOW), LICPOLICY_VALID);
	}
	l.active_machines = 3;
	cr_assert_eq(licpolicy_activate(&l, 0, NOW),
		LICPOLICY_TOO_MANY_MACHINES);
	cr_assert_eq(licpolicy_activate(&l, 1, NOW), LICPOLICY_VALID,
		"the same fingerprint again takes no seat");
	l.node_locked = 1;
	l.active_machines = 1;
	cr_assert_eq(licpolicy_activate(&l, 0, NOW),
		LICPOLICY_TOO_MANY_MACHINES, "node-locked: one machine");
}

Test(licpolicy, activation_refused_for_a_licence_not_in_force)
{
	struct licpolicy_licence l = floating(3, 100);

	l.suspended = 1;
	cr_assert_eq(licpolicy_activate(&l, 1, NOW), LICPOLICY_SUSPENDED);
	l.suspended = 0;
	l.revoked = 1;
	cr_assert_eq(licpolicy_activate(&l, 0, NOW), LICPOLICY_REVOKED);
	l.revoked = 0;
	l.has_expiry = 1;
	l.expires_at = NOW - 1;
	cr_assert_eq(licpolicy_activate(&l, 0, NOW), LICPOLICY_EXPIRED);
	l.found = 0;
	cr_assert_eq(licpolicy_activate(&l, 0, NOW), LICPOLICY_NOT_FOUND);
}

Test(licpolicy, entitlements_all_or_missing)
{
	const char *have[] = { "editor", "ai_assist", "sso" };
	const char *ok[] = { "sso", "editor" };
	const char *bad[] = { "editor", "team_admin" };

	cr_assert(licpolicy_has_all(have, 3, ok, 2));
	cr_assert(licpolicy_has_all(have, 3, NULL, 0));
	cr_assert_not(licpolicy_has_all(have, 3, bad, 2));
	cr_assert_not(licpolicy_has_all(NULL, 0, ok, 1));
}

Test(licpolicy, fingerprints)
{
	cr_assert(licpolicy_fingerprint_ok("abcdefABCDEF0123", 16));
	cr_assert(licpolicy_fingerprint_ok("a.b:c-d_e.f:g-h_", 16));
	cr_assert_not(licpolicy_fingerprint_ok("abcdefABCDEF012", 15));
	cr_assert_not(licpolicy_fingerprint_ok("abcdefABCDEF012 ", 16));
	cr_assert_not(licpolicy_fingerprint_ok("abcdefABCDEF012/", 16));
	char big[130];
	memset(big, 'a', sizeof(big));
	cr_assert(licpolicy_fingerprint_ok(big, 128));
	cr_assert_not(licpolicy_fingerprint_ok(big, 129));
	cr_assert_eq(strcmp(licpolicy_code_name((enum licpolicy_code)99),
		"NOT_FOUND"), 0);
}
