/* Unit tests for the payment fold's arithmetic: the platform fee rounds
 * half up (and symmetrically for the negative rows of refunds), and an
 * amount split over an order's items always sums to the amount exactly,
 * so the ledger adds up to the orders to the cent. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "store/payments.h"

Test(payments, fee_rounds_half_up_and_symmetrically)
{
	cr_assert_eq(store_pay_fee(1999, 3000), 600);   /* 599.7 */
	cr_assert_eq(store_pay_fee(5, 3000), 2);        /* 1.5 */
	cr_assert_eq(store_pay_fee(1, 3000), 0);        /* 0.3 */
	cr_assert_eq(store_pay_fee(-5, 3000), -2);
	cr_assert_eq(store_pay_fee(1200, 10000), 1200); /* a plan: all fee */
	cr_assert_eq(store_pay_fee(0, 3000), 0);
}

Test(payments, shares_sum_to_the_total_exactly)
{
	static const int64_t amounts[] = { 333, 333, 334 };
	int64_t total, sum;
	size_t i;

	for (total = 0; total <= 1000; total += 7) {
		sum = 0;
		for (i = 0; i < 3; i++)
			sum += store_pay_share(total, amounts, 3, i);
		cr_assert_eq(sum, total, "shares of %lld", (long long)total);
	}
	cr_assert_eq(store_pay_share(1000, amounts, 3, 0), 333);
	cr_assert_eq(store_pay_share(500, amounts, 1, 0), 500);
}
