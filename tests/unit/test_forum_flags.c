/* Unit tests for the pure part of store/forum_flags.c: a flagger's
 * weight from the moderators' decisions on their earlier flags. */
#include <criterion/criterion.h>
#include "store/forum_flags.h"

Test(forum_flag_weight, is_one_until_five_flags_are_decided)
{
	cr_assert_float_eq(store_fflags_weight(0, 0), 1.0, 1e-12);
	cr_assert_float_eq(store_fflags_weight(4, 0), 1.0, 1e-12);
	cr_assert_float_eq(store_fflags_weight(0, 4), 1.0, 1e-12);
	cr_assert_float_eq(store_fflags_weight(2, 2), 1.0, 1e-12);
}

Test(forum_flag_weight, follows_the_agreed_share_from_0_to_2)
{
	cr_assert_float_eq(store_fflags_weight(5, 0), 2.0, 1e-12);
	cr_assert_float_eq(store_fflags_weight(0, 5), 0.0, 1e-12);
	cr_assert_float_eq(store_fflags_weight(3, 3), 1.0, 1e-12);
	cr_assert_float_eq(store_fflags_weight(1, 4), 0.4, 1e-12);
	cr_assert_float_eq(store_fflags_weight(9, 1), 1.8, 1e-12);
	cr_assert_float_eq(store_fflags_weight(1000000, 0), 2.0, 1e-12);
	cr_assert_float_eq(store_fflags_weight(-1, 9), 1.0, 1e-12);
}
