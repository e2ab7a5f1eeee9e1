/* Unit tests for the pure part of store/ledger.c: the YYYY-MM periods
 * (the only months the routes accept) and the payout rule the earnings
 * and payout routes share. */
#include <criterion/criterion.h>
#include <string.h>
#include "store/ledger.h"

static int parse(const char *s)
{
	int p = -1;

	if (store_ledger_period_parse(s, strlen(s), &p) != 0)
		return -1;
	return p;
}

Test(ledger_period, parses_real_months_only)
{
	char out[8];

	cr_assert_eq(parse("2026-01"), 2026 * 12);
	cr_assert_eq(parse("2026-12"), 2026 * 12 + 11);
	cr_assert_eq(parse("1970-01"), 1970 * 12);
	store_ledger_period_format(parse("2026-09"), out);
	cr_assert_str_eq(out, "2026-09");
	cr_assert_eq(parse("2026-13"), -1);
	cr_assert_eq(parse("2026-00"), -1);
	cr_assert_eq(parse("1969-12"), -1);
	cr_assert_eq(parse("2026-1"), -1);
	cr_assert_eq(parse("2026-011"), -1);
	cr_assert_eq(parse("2026/01"), -1);
	cr_assert_eq(parse("+026-01"), -1);
	cr_assert_eq(parse(""), -1);
}

Test(ledger_period, consecutive_months_cross_the_year)
{
	char out[8];

	store_ledger_period_format(parse("2026-12") + 1, out);
	cr_assert_str_eq(out, "2027-01");
	cr_assert_eq(store_ledger_period_of(0), 1970 * 12);
	/* 2026-12-06T08:00:00Z */
	cr_assert_eq(store_ledger_period_of(1796544000), 2026 * 12 + 11);
}

#define NOW (2026 * 12 + 11)

static const char *st(int period, int paid, int later, long payable)
{
	return store_ledger_status_name(store_ledger_status(period, NOW, paid,
		later, payable, 10000));
}

Test(ledger_status, a_month_is_open_until_it_has_ended)
{
	cr_assert_str_eq(st(NOW, 0, 0, 50000), "open");
	cr_assert_str_eq(st(NOW + 1, 0, 0, 50000), "open");
	cr_assert_str_eq(st(NOW - 1, 0, 0, 50000), "due");
}

Test(ledger_status, due_from_the_minimum_else_carried_forward)
{
	cr_assert_str_eq(st(NOW - 1, 0, 0, 10000), "due");
	cr_assert_str_eq(st(NOW - 1, 0, 0, 9999), "carried_forward");
	cr_assert_str_eq(st(NOW - 1, 0, 0, 0), "carried_forward");
	cr_assert_str_eq(st(NOW - 1, 0, 0, -500), "carried_forward",
		"a debt carries forward");
	cr_assert_str_eq(store_ledger_status_name(store_ledger_status(NOW - 1,
		NOW, 0, 0, 0, 0)), "carried_forward", "nothing is never due");
}

Test(ledger_status, paid_and_paid_later_months_are_not_due)
{
	cr_assert_str_eq(st(NOW - 2, 1, 0, 50000), "paid");
	cr_assert_str_eq(st(NOW - 2, 0, 1, 50000), "carried_forward",
		"a later payout took it");
}
