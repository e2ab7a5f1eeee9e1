/* Unit tests for the pure part of store/admin_users.c: the LIKE pattern
 * of a search, in which the user's '%', '_' and the escape character
 * itself only ever match themselves. */
#include <criterion/criterion.h>
#include "arena.h"
#include "store/admin_users.h"

static struct arena *arena;

static void setup(void)
{
	arena = arena_new(4096);
	cr_assert(arena != NULL);
}

static void teardown(void)
{
	arena_free(arena);
}

TestSuite(admin_users_pattern, .init = setup, .fini = teardown);

Test(admin_users_pattern, matches_text_that_starts_with_q)
{
	cr_assert_str_eq(store_admin_users_pattern(arena, "alice"), "alice%");
	cr_assert_str_eq(store_admin_users_pattern(arena, ""), "%");
}

Test(admin_users_pattern, escapes_wildcards_and_the_escape_character)
{
	cr_assert_str_eq(store_admin_users_pattern(arena, "a%b"), "a!%b%");
	cr_assert_str_eq(store_admin_users_pattern(arena, "a_b"), "a!_b%");
	cr_assert_str_eq(store_admin_users_pattern(arena, "a!b"), "a!!b%");
	cr_assert_str_eq(store_admin_users_pattern(arena, "%_!"), "!%!_!!%");
}

Test(admin_users_pattern, leaves_sql_quotes_and_backslashes_alone)
{
	/* They travel as a bound value: nothing to escape for SQL, and '!'
	 * (not '\\') is the LIKE escape, whatever the server's sql_mode. */
	cr_assert_str_eq(store_admin_users_pattern(arena, "o'b\\r\"x"),
		"o'b\\r\"x%");
}
