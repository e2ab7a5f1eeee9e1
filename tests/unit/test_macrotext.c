/* Unit tests for macrotext.c: the three placeholders of a support macro
 * are filled, anything else between braces is left as written, and a
 * value is never expanded again. */
#include <criterion/criterion.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "macrotext.h"

static const char *fill(struct arena *a, const char *body,
	const char *requester, int64_t id, const char *agent)
{
	struct macrotext_vars v = { .requester_name = requester,
		.ticket_id = id, .agent_name = agent };
	char *out = NULL;

	cr_assert_eq(macrotext_fill(a, body, &v, &out), 0);
	return out;
}

Test(macrotext, fills_the_three_placeholders)
{
	struct arena *a = arena_new(1024);

	cr_assert_str_eq(fill(a, "Hi {{requester_name}}, ticket #{{ticket_id}}"
		" is fixed. -- {{agent_name}}", "Ada", 42, "Bob"),
		"Hi Ada, ticket #42 is fixed. -- Bob");
	cr_assert_str_eq(fill(a, "{{ticket_id}}{{ticket_id}}", "x", 9007199254740993,
		"y"), "90071992547409939007199254740993");
	arena_free(a);
}

Test(macrotext, leaves_unknown_and_malformed_placeholders_as_written)
{
	struct arena *a = arena_new(1024);

	cr_assert_str_eq(fill(a, "{{requester}} {{ ticket_id }} {{Agent_Name}}"
		" {{ticket_id} {ticket_id}} {{}} {{", "Ada", 1, "Bob"),
		"{{requester}} {{ ticket_id }} {{Agent_Name}}"
		" {{ticket_id} {ticket_id}} {{}} {{");
	/* The innermost pair of braces around a known name counts. */
	cr_assert_str_eq(fill(a, "{{{ticket_id}}}", "Ada", 7, "Bob"),
		"{7}");
	cr_assert_str_eq(fill(a, "{{x}}{{ticket_id}}", "Ada", 7, "Bob"),
		"{{x}}7");
	cr_assert_str_eq(fill(a, "no placeholders", "Ada", 7, "Bob"),
		"no placeholders");
	cr_assert_str_eq(fill(a, "", "Ada", 7, "Bob"), "");
	arena_free(a);
}

Test(macrotext, never_expands_a_value_again)
{
	struct arena *a = arena_new(1024);

	cr_assert_str_eq(fill(a, "Dear {{requester_name}} from {{agent_name}}",
		"{{agent_name}}", 3, "Bob"), "Dear {{agent_name}} from Bob");
	arena_free(a);
}

Test(macrotext, long_values_fit)
{
	struct arena *a = arena_new(1024);
	char name[301], body[10001], *want;
	const char *got;
	size_t i;

	memset(name, 'n', 300);
	name[300] = '\0';
	for (i = 0; i + 18 <= 10000; i += 18)
		memcpy(body + i, "{{requester_name}}", 18);
	body[i] = '\0';
	got = fill(a, body, name, 1, "b");
	cr_assert_eq(strlen(got), (i / 18) * 300);
	want = arena_alloc(a, (i / 18) * 300 + 1);
	memset(want, 'n', (i / 18) * 300);
	want[(i / 18) * 300] = '\0';
	cr_assert_str_eq(got, want);
	arena_free(a);
}

Test(macrotext, refuses_null_arguments)
{
	struct arena *a = arena_new(64);
	struct macrotext_vars v = { 0 };
	char *out;

	cr_assert_eq(macrotext_fill(a, NULL, &v, &out), DF_EINVAL);
	cr_assert_eq(macrotext_fill(a, "x", NULL, &out), DF_EINVAL);
	/* NULL names read as empty. */
	cr_assert_eq(macrotext_fill(a, "[{{agent_name}}]", &v, &out), 0);
	cr_assert_str_eq(out, "[]");
	arena_free(a);
}
