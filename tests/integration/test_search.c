/* Full-text search through the Xapian index of the host (core/search.cc,
 * store/search_log.c): a write is found by the very next search, on any
 * worker, edits and suspensions reach the index, a rebuild from nothing
 * answers as the index kept in step did, and query syntax in q is text. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"
#include "market.h"

MARKET_SUITE(search);

/* A word no listing has: letters only, so every tokenizer keeps it whole. */
static const char *new_word(void)
{
	static char w[4][32];
	static int k;
	unsigned long n = (unsigned long)getpid() * 7919UL + (unsigned long)
		(client_now() * 1000.0) + (unsigned long)k * 104729UL;
	char *p = w[k++ % 4];
	int i;

	p[0] = 'q';
	p[1] = 'x';
	for (i = 2; i < 14; i++) {
		p[i] = (char)('a' + n % 26);
		n /= 26;
	}
	p[i] = '\0';
	return p;
}

static int found(const char *q, const char *slug)
{
	char *s = market_search_slugs(q, "");
	char want[128];
	int hit;

	snprintf(want, sizeof(want), "%s ", slug);
	hit = strncmp(s, want, strlen(want)) == 0 || strstr(s, want) != NULL;
	free(s);
	return hit;
}

static void set_summary(const char *slug, const char *word)
{
	char path[256], body[256];

	snprintf(path, sizeof(path), EXT "/%s", slug);
	snprintf(body, sizeof(body), "{\"summary\": \"Search test %s listing\"}",
		word);
	cr_assert_eq(market_status("PATCH", path, cast.dev, body), 200);
}

/* Every worker must know at once: 12 searches in a row reach them all. */
static void assert_found_everywhere(const char *q, const char *slug, int want)
{
	int i;

	for (i = 0; i < 12; i++)
		cr_assert_eq(found(q, slug), want, "q=%s slug=%s round %d",
			q, slug, i);
}

Test(search, a_published_listing_is_found_by_the_next_search)
{
	const char *slug = market_slug("srch-pub");
	const char *w = new_word();

	market_create(cast.dev, slug, "");
	set_summary(slug, w);
	/* A draft is not in the index. */
	assert_found_everywhere(w, slug, 0);
	market_publish(&cast, slug, "1.0.0", "^1.80.0");
	assert_found_everywhere(w, slug, 1);
}

Test(search, an_edited_summary_is_found_by_its_new_word_only)
{
	const char *slug = market_slug("srch-edit");
	const char *w1 = new_word(), *w2 = new_word();

	market_create(cast.dev, slug, "");
	set_summary(slug, w1);
	market_publish(&cast, slug, "1.0.0", "^1.80.0");
	assert_found_everywhere(w1, slug, 1);
	set_summary(slug, w2);
	assert_found_everywhere(w2, slug, 1);
	assert_found_everywhere(w1, slug, 0);
}

Test(search, a_suspended_listing_disappears_and_returns_when_reinstated)
{
	const char *slug = market_slug("srch-susp");
	const char *w = new_word();
	char path[256];

	market_create(cast.dev, slug, "");
	set_summary(slug, w);
	market_publish(&cast, slug, "1.0.0", "^1.80.0");
	assert_found_everywhere(w, slug, 1);
	snprintf(path, sizeof(path), "/api/v1/admin/extensions/%s/suspend", slug);
	cr_assert_eq(market_status("POST", path, cast.admin,
		"{\"reason\": \"search test\"}"), 200);
	assert_found_everywhere(w, slug, 0);
	snprintf(path, sizeof(path), "/api/v1/admin/extensions/%s/reinstate",
		slug);
	cr_assert_eq(market_status("POST", path, cast.admin,
		"{\"reason\": \"cleared\"}"), 200);
	assert_found_everywhere(w, slug, 1);
}

Test(search, filters_and_sorts_apply_to_a_search)
{
	const char *a = market_slug("srch-fa"), *b = market_slug("srch-fb");
	const char *w = new_word();
	char *s;

	market_create(cast.dev, a, ", \"tags\": [\"srchtag\"]");
	market_create(cast.dev, b, "");
	set_summary(a, w);
	set_summary(b, w);
	market_publish(&cast, a, "1.0.0", "^1.80.0");
	market_publish(&cast, b, "1.0.0", "^1.80.0");
	s = market_search_slugs(w, "&tag=srchtag");
	cr_assert(strstr(s, a) != NULL && strstr(s, b) == NULL, "%s", s);
	free(s);
	s = market_search_slugs(w, "&category=themes");
	cr_assert_str_eq(s, "");
	free(s);
	/* Newest first: b was published after a. */
	s = market_search_slugs(w, "&sort=newest");
	cr_assert(strstr(s, b) != NULL && strstr(s, a) > strstr(s, b), "%s", s);
	free(s);
	s = market_search_slugs(w, "&price=paid");
	cr_assert_str_eq(s, "");
	free(s);
}

/* Relevance does not weigh a listing down for a long description (BM25
 * with b = 0, core/search.cc): two listings with the word once in the
 * same field weigh the same, and equal weights go newest first. */
Test(search, a_long_description_does_not_push_a_listing_down)
{
	const char *a = market_slug("srch-short"), *b = market_slug("srch-long");
	const char *w = new_word();
	char path[256], body[2048], *s, *p;
	int i;

	market_create(cast.dev, a, "");
	market_create(cast.dev, b, "");
	set_summary(a, w);
	set_summary(b, w);
	/* b, the newer, also describes itself at length. */
	p = body + sprintf(body, "{\"description\": \"");
	for (i = 0; i < 40; i++)
		p += sprintf(p, "lengthy words about other things ");
	sprintf(p, "\"}");
	snprintf(path, sizeof(path), EXT "/%s", b);
	cr_assert_eq(market_status("PATCH", path, cast.dev, body), 200);
	market_publish(&cast, a, "1.0.0", "^1.80.0");
	market_publish(&cast, b, "1.0.0", "^1.80.0");
	s = market_search_slugs(w, "&sort=relevance");
	cr_assert(strstr(s, a) != NULL && strstr(s, b) == s, "%s", s);
	free(s);
}

/* Relevance pages carry an offset: walking them gives each match once. */
Test(search, relevance_pages_walk_every_match_once)
{
	const char *w = new_word();
	char slugs[5][64], *all, next[512] = "";
	int i, seen = 0;

	for (i = 0; i < 5; i++) {
		snprintf(slugs[i], sizeof(slugs[i]), "%s",
			market_slug("srch-page"));
		market_create(cast.dev, slugs[i], "");
		set_summary(slugs[i], w);
		market_publish(&cast, slugs[i], "1.0.0", "^1.80.0");
	}
	all = calloc(1, 1);
	for (i = 0; i < 10; i++) {
		struct client_resp r;
		struct json_object *o, *items, *nc;
		char path[1024];
		size_t k;

		snprintf(path, sizeof(path), "%s%s%s",
			market_search_path(w, "&sort=relevance&limit=2"),
			*next ? "&cursor=" : "", next);
		cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200, "%s",
			r.body);
		o = client_json(&r);
		items = json_object_object_get(o, "items");
		for (k = 0; k < json_object_array_length(items); k++) {
			const char *s = client_json_str(
				json_object_array_get_idx(items, k), "slug");

			cr_assert(strstr(all, s) == NULL, "%s twice", s);
			all = realloc(all, strlen(all) + strlen(s) + 2);
			strcat(strcat(all, s), " ");
			seen++;
		}
		nc = json_object_object_get(o, "next_cursor");
		snprintf(next, sizeof(next), "%s",
			nc ? json_object_get_string(nc) : "");
		json_object_put(o);
		client_free(&r);
		if (*next == '\0')
			break;
	}
	cr_assert_eq(seen, 5, "%s", all);
	free(all);
}

/* Query syntax of MariaDB's boolean mode and of Xapian's parser is text:
 * no error, and no operator takes effect. */
Test(search, query_syntax_in_q_is_searched_as_words)
{
	static const char *const qs[] = {
		"\"git", "git\"", "\"git blame\"", "git AND qxnothing",
		"git OR", "NOT git", "git NEAR blame", "git*", "-git", "+git",
		"~git", "(git", "git)", "git -blame", "git' OR '1'='1",
		"git; DROP TABLE extensions", "@git", "git<blame", "*",
		"\\", "AND", "NEAR/3", "git ADJ blame", "title:git",
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		s = market_search_slugs(qs[i], "");
		free(s);
	}
	/* AND of Xapian (and + of MariaDB) would require the missing word;
	 * as text it is one more word of an OR. */
	cr_assert(found("git AND qxnothing", "git-blame-inline"));
	cr_assert(found("+git +qxnothing", "git-blame-inline"));
	/* A leading minus would exclude git; as text it finds it. */
	cr_assert(found("-git", "git-blame-inline"));
	cr_assert(found("NOT git", "git-blame-inline"));
	/* A wildcard would expand gi to git. */
	cr_assert(!found("gi*", "git-blame-inline"));
}
