/* Unit tests for mdtext.c: each Markdown construct an article uses comes
 * out as the words a reader sees, output stays within the input's size,
 * and a cut never splits a UTF-8 character. */
#include <criterion/criterion.h>
#include <string.h>

#include "err.h"
#include "mdtext.h"
#include "validate.h"

static char buf[4096];

static const char *plain(const char *md)
{
	size_t n;

	cr_assert_eq(mdtext_plain(md, strlen(md), buf, sizeof(buf), &n), 0);
	cr_assert_eq(n, strlen(buf));
	return buf;
}

#define EXPECT(md, want) cr_expect_str_eq(plain(md), want, "md: %s", md)

Test(mdtext, headings_and_emphasis_lose_their_marks)
{
	EXPECT("# Reset your password", "Reset your password");
	EXPECT("### Step **two**: _click_ ~~here~~", "Step two: click here");
	EXPECT("#hashtag is text", "#hashtag is text");
	EXPECT("snake_case_name stays", "snake_case_name stays");
}

Test(mdtext, links_keep_their_text_images_their_alt)
{
	EXPECT("See [the docs](https://x.test/a_(b)) now",
		"See the docs now");
	EXPECT("![Settings dialog](img/s.png \"t\")", "Settings dialog");
	EXPECT("A [ref link][1] here\n\n[1]: https://x.test", "A ref link here");
	EXPECT("Mail <help@devforge.dev> or <https://devforge.dev>",
		"Mail help@devforge.dev or https://devforge.dev");
}

Test(mdtext, code_is_text)
{
	EXPECT("Run `devforge login` first", "Run devforge login first");
	EXPECT("```sh\nexport   TOKEN=abc\n```\nDone", "export TOKEN=abc\nDone");
	EXPECT("~~~\ncode\n~~~", "code");
}

Test(mdtext, blocks_lists_quotes_rules)
{
	EXPECT("- one\n* two\n+ three\n1. four\n2) five",
		"one\ntwo\nthree\nfour\nfive");
	EXPECT("> quoted\n> > twice", "quoted\ntwice");
	EXPECT("Title\n=====\n\n\n---\nbody", "Title\nbody");
}

Test(mdtext, html_dropped_entities_decoded)
{
	EXPECT("a<br>b <span class=\"x\">c</span>", "a b c");
	EXPECT("Tom &amp; Jerry &lt;3 &quot;q&quot; &#39;s&nbsp;x &copy;",
		"Tom & Jerry <3 \"q\" 's x &copy;");
	EXPECT("1 < 2 and a <b", "1 < 2 and a <b");
	EXPECT("\\*not emphasis\\*", "*not emphasis*");
}

Test(mdtext, blanks_fold)
{
	EXPECT("  a \t  b  \r\n\n\n  c  ", "a b\nc");
	EXPECT("", "");
	EXPECT("**", "");
}

Test(mdtext, utf8_passes_through)
{
	EXPECT("## Über *Größe* — 日本語", "Über Größe — 日本語");
}

Test(mdtext, too_small_cuts_on_a_character_boundary)
{
	const char *md = "ab\xc3\xa9" "cd";
	char small[4];
	size_t n = 99;

	/* Room for "ab" and half of é: the half goes. */
	cr_assert_eq(mdtext_plain(md, strlen(md), small, sizeof(small), &n),
		DF_ETOOBIG);
	cr_assert_str_eq(small, "ab");
	cr_assert_eq(n, 2);
	cr_assert(validate_utf8(small, n));
}

Test(mdtext, output_fits_len_plus_one)
{
	const char *md = "x y\nz";
	char out[6];
	size_t n;

	cr_assert_eq(mdtext_plain(md, strlen(md), out, strlen(md) + 1, &n), 0);
	cr_assert_str_eq(out, "x y\nz");
	cr_assert_eq(mdtext_plain(NULL, 0, out, sizeof(out), &n), DF_EINVAL);
}
