/* Unit tests of reply stripping: the history and signature shapes of
 * the common mail clients are cut, the writer's text is kept exactly. */
#include <criterion/criterion.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "reply_strip.h"

static struct arena *a;

static void setup(void)
{
	a = arena_new(8192);
	cr_assert_not_null(a);
}

static void teardown(void)
{
	arena_free(a);
}

TestSuite(reply_strip, .init = setup, .fini = teardown);

static const char *strip(const char *s)
{
	char *out;

	cr_assert_eq(reply_strip(a, s, &out), 0);
	return out;
}

Test(reply_strip, on_wrote_one_line)
{
	cr_assert_str_eq(strip("Thanks!\n\nOn Mon, Dec 7, 2026 at 10:15 AM Support "
		"<s@x.y> wrote:\n> old\n> older\n"), "Thanks!");
}

Test(reply_strip, on_wrote_wrapped_over_two_lines)
{
	cr_assert_str_eq(strip("Thanks!\r\n\r\nOn Mon, Dec 7, 2026 at 10:15 AM Dev "
		"Forge Support <\r\nsupport+t1.abc@devforge.dev> wrote:\r\n\r\n> old\r\n"),
		"Thanks!");
}

Test(reply_strip, on_wrote_without_quote_marks_cuts_the_rest)
{
	/* Some clients quote without "> ": the attribution ends the reply. */
	cr_assert_str_eq(strip("New text\nOn 7 Dec 2026, Support wrote:\nold text\n"),
		"New text");
}

Test(reply_strip, apple_and_thunderbird_attributions)
{
	cr_assert_str_eq(strip("A\n\n> On 7. Dec 2026, at 10:15, S <s@x.y> wrote:\n> q\n"),
		"A");
	cr_assert_str_eq(strip("On 07/12/2026 10:15, S wrote:\n> q\n> q2\n\nBelow the "
		"quote.\n"), "Below the quote.");
	cr_assert_str_eq(strip("Ja.\n\nAm 07.12.2026 um 10:15 schrieb Support <s@x.y>:\n> q\n"),
		"Ja.");
}

Test(reply_strip, original_message_and_outlook_blocks)
{
	cr_assert_str_eq(strip("Fixed.\n\n-----Original Message-----\nFrom: S\nhi\n"),
		"Fixed.");
	cr_assert_str_eq(strip("Fixed.\n\n________________________________\nFrom: S "
		"<s@x.y>\nSent: Monday\nTo: J\n\nold\n"), "Fixed.");
	cr_assert_str_eq(strip("Fixed.\n\nFrom: Dev Forge Support <s@x.y>\nSent: Monday, "
		"December 7, 2026 10:15 AM\nTo: Jane\nSubject: x\n\nold\n"), "Fixed.");
	cr_assert_str_eq(strip("Fixed.\n*From:* S <s@x.y>\n*Date:* Monday\n\nold\n"),
		"Fixed.");
}

Test(reply_strip, from_line_in_the_text_is_kept)
{
	/* "From:" without a "Sent:"/"Date:" line under it is the writer's. */
	cr_assert_str_eq(strip("From: my side it works.\nThanks\n"),
		"From: my side it works.\nThanks");
}

Test(reply_strip, signatures_and_mobile_footers)
{
	cr_assert_str_eq(strip("Text\n-- \nJane Doe\nACME\n"), "Text");
	cr_assert_str_eq(strip("Text\n--\nJane\n"), "Text");
	cr_assert_str_eq(strip("Text\n\nSent from my iPhone\n\n> On x wrote:\n"), "Text");
	cr_assert_str_eq(strip("Text\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n"),
		"Text");
	/* "--" inside a line is text. */
	cr_assert_str_eq(strip("use --force -- then retry\n"), "use --force -- then retry");
}

Test(reply_strip, interleaved_quotes_keep_the_answers)
{
	cr_assert_str_eq(strip("> Which version?\n2.4.1\n\n> Which OS?\nWindows 11\n"),
		"2.4.1\n\nWindows 11");
}

Test(reply_strip, only_history_leaves_nothing)
{
	cr_assert_str_eq(strip("\n\nOn Mon, S wrote:\n> old\n"), "");
	cr_assert_str_eq(strip(""), "");
	cr_assert_str_eq(strip("-- \nsig only\n"), "");
}

Test(reply_strip, lines_keep_their_text_trailing_blanks_dropped)
{
	cr_assert_str_eq(strip("  indented line   \n\n\nsecond\t\n"),
		"  indented line\n\n\nsecond");
	/* "On" inside a sentence is not an attribution. */
	cr_assert_str_eq(strip("One more thing: it wrote:\nnothing\n"),
		"One more thing: it wrote:\nnothing");
}

Test(reply_strip, drops_controls_but_keeps_tab_and_newline)
{
	char s[] = "a\x01" "b\tc\nd\x7f" "e\r";

	reply_strip_controls(s);
	cr_assert_str_eq(s, "ab\tc\nde");
}

Test(reply_strip, blank_is_only_spaces_tabs_and_newlines)
{
	cr_assert(reply_strip_blank(""));
	cr_assert(reply_strip_blank(" \t\n "));
	cr_assert_not(reply_strip_blank(" x "));
	cr_assert_not(reply_strip_blank("\r"));
}
