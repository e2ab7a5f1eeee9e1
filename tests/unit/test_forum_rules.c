/* Unit tests for forum_rules.c: links and images counted as a reader
 * would see them rendered (code hides them, tricky Markdown does not
 * fool the count), and the trust levels at Discourse's thresholds. */
#include <criterion/criterion.h>
#include <string.h>

#include "forum_rules.h"

static struct forum_rules_counts count(const char *md)
{
	struct forum_rules_counts c;

	forum_rules_count(md, strlen(md), &c);
	return c;
}

#define LINKS(md, n) cr_expect_eq(count(md).links, (n), "links in %s", md)
#define IMAGES(md, n) cr_expect_eq(count(md).images, (n), "images in %s", md)

Test(forum_rules, counts_inline_auto_and_bare_links)
{
	LINKS("see [the docs](https://a.example/x) and [more](/y)", 2);
	LINKS("<https://a.example> and <mailto:me@x.example>", 2);
	LINKS("go to https://a.example/path?q=1 or http://b.example", 2);
	LINKS("or www.example.com today", 1);
	LINKS("plain text with no link, an e-mail me@x.example", 0);
	LINKS("HTTPS://SHOUT.EXAMPLE", 1);
	LINKS("<a href=\"https://x.example\">x</a>", 1);
	LINKS("<a name=\"anchor\">here</a>", 0);
}

Test(forum_rules, counts_reference_links_only_when_defined)
{
	LINKS("[one][r] and [two][R] and [r][] and [r]\n\n[r]: https://x.example",
		4);
	LINKS("[undefined][nope] and [text]", 0);
	/* A definition alone renders nothing. */
	LINKS("[r]: https://x.example", 0);
	/* Used before it is defined still counts. */
	LINKS("[x][later]\n\n[later]: http://x.example \"title\"", 1);
	/* Labels match case-insensitively with white space collapsed. */
	LINKS("[x][Two  Words]\n\n[two words]: /y", 1);
	/* Footnotes are not links. */
	LINKS("a note[^1]\n\n[^1]: the note", 0);
}

Test(forum_rules, counts_images_apart_from_links)
{
	IMAGES("![a cat](https://x.example/cat.png)", 1);
	LINKS("![a cat](https://x.example/cat.png)", 0);
	IMAGES("<img src=\"x.png\"> <IMG/src=y.png>", 2);
	IMAGES("![r][pic] ![pic]\n\n[pic]: /p.png", 2);
	/* An image inside a link: one of each. */
	IMAGES("[![badge](/b.svg)](https://ci.example)", 1);
	LINKS("[![badge](/b.svg)](https://ci.example)", 1);
}

Test(forum_rules, a_link_whose_text_is_a_url_counts_once)
{
	LINKS("[https://a.example](https://a.example)", 1);
	LINKS("[<https://a.example>](https://b.example)", 1);
	LINKS("[www.a.example](https://a.example)", 1);
}

Test(forum_rules, code_hides_links)
{
	LINKS("`https://in.code.example` and ``[x](y) ` more``", 0);
	LINKS("```\nhttps://a.example [x](y) ![i](j)\n```\nafter", 0);
	IMAGES("~~~~md\n![i](j)\n~~~\nstill code ![i](k)\n~~~~\n![i](l)", 1);
	/* An unclosed backtick is text: what follows still counts. */
	LINKS("a ` then https://a.example", 1);
	/* An unclosed fence runs to the end. */
	LINKS("```\nhttps://a.example", 0);
}

Test(forum_rules, escapes_and_empty_destinations_are_not_links)
{
	LINKS("\\[not a link\\](https://a.example)", 1); /* the bare URL */
	LINKS("[empty]() and ![](<>) and [x]( )", 0);
	IMAGES("![empty]()", 0);
	/* A destination with balanced parentheses and a title. */
	LINKS("[w](https://en.example/Foo_(bar) \"t\") after", 1);
	/* Brackets that never close are text, the URL after them counts. */
	LINKS("[[[[ https://a.example", 1);
	/* Word-glued "http" is no URL. */
	LINKS("xhttp://a.example", 0);
}

Test(forum_rules, three_links_however_written)
{
	struct forum_rules_counts c = count(
		"1. [a](https://a.example)\n"
		"2. <https://b.example>\n"
		"3. https://c.example\n");

	cr_assert_eq(c.links, 3);
	cr_assert_eq(c.images, 0);
}

Test(forum_rules, unmatched_brackets_stay_fast)
{
	static char big[20001];

	memset(big, '[', sizeof(big) - 1);
	cr_assert_eq(count(big).links, 0);
	memset(big, '(', sizeof(big) - 1);
	big[0] = '[';
	big[1] = ']';
	cr_assert_eq(count(big).links, 0);
}

Test(forum_rules, trust_level_one_at_five_topics_and_thirty_posts)
{
	struct forum_rules_stats s = { .topics_entered = 5, .posts_read = 29 };

	cr_assert_eq(forum_rules_level(&s), 0);
	s.posts_read = 30;
	cr_assert_eq(forum_rules_level(&s), 1);
	s.topics_entered = 4;
	cr_assert_eq(forum_rules_level(&s), 0);
}

static struct forum_rules_stats tl2_stats(void)
{
	struct forum_rules_stats s = { .days_visited = 15, .likes_given = 1,
		.likes_received = 1, .replied_topics = 3,
		.topics_entered = 20, .posts_read = 100 };

	return s;
}

Test(forum_rules, trust_level_two_needs_every_requirement)
{
	struct forum_rules_stats s = tl2_stats();

	cr_assert_eq(forum_rules_level(&s), 2);
	s.likes_received = 0;
	cr_assert_eq(forum_rules_level(&s), 1);
	s = tl2_stats();
	s.days_visited = 14;
	cr_assert_eq(forum_rules_level(&s), 1);
	s = tl2_stats();
	s.replied_topics = 2;
	cr_assert_eq(forum_rules_level(&s), 1);
}

static struct forum_rules_stats tl3_stats(void)
{
	struct forum_rules_stats s = tl2_stats();

	s.days_visited = s.days_visited_100d = 50;
	s.replied_topics = s.replied_topics_100d = 10;
	s.topics_created_100d = 400;
	s.topics_entered = s.topics_entered_100d = 100;  /* 25 % of 400 */
	s.posts_created_100d = 200000;
	s.posts_read = s.posts_read_100d = 20000;        /* the cap */
	s.likes_given = s.likes_given_100d = 30;
	s.likes_received = s.likes_received_100d = 20;
	s.flags_agreed_100d = 5;
	return s;
}

Test(forum_rules, trust_level_three_over_the_last_hundred_days)
{
	struct forum_rules_stats s = tl3_stats();

	cr_assert(forum_rules_tl3_possible(&s));
	cr_assert_eq(forum_rules_level(&s), 3);
	s.flags_agreed_100d = 6;
	cr_assert_eq(forum_rules_level(&s), 2);
	s = tl3_stats();
	s.topics_entered_100d = 99;
	cr_assert_eq(forum_rules_level(&s), 2);
	s = tl3_stats();
	s.topics_created_100d = 100000;                 /* cap 500 */
	s.topics_entered_100d = 500;
	cr_assert_eq(forum_rules_level(&s), 3);
	s = tl3_stats();
	s.posts_read_100d = 19999;
	cr_assert_eq(forum_rules_level(&s), 2);
	/* The period's counts without the all-time ones: level 1 only. */
	s = tl3_stats();
	s.days_visited = 14;
	cr_assert_eq(forum_rules_level(&s), 1);
	cr_assert_not(forum_rules_tl3_possible(&s));
}

Test(forum_rules, daily_caps_scale_with_the_level)
{
	cr_assert_eq(forum_rules_scaled_cap(20, 100), 20);
	cr_assert_eq(forum_rules_scaled_cap(20, 150), 30);
	cr_assert_eq(forum_rules_scaled_cap(100, 300), 300);
	cr_assert_eq(forum_rules_scaled_cap(1, 10), 1);
	cr_assert_eq(forum_rules_scaled_cap(0, 300), 0);
}
