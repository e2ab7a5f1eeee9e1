/* Browsing the marketplace on the seeded catalogue (sql/seed, loaded by
 * the test stack): full-text relevance, filters and sorts, cursor pages
 * that stay stable while extensions are published, category counts, and
 * the response cache: ETag / 304, hits counted, and no stale answer from
 * any worker after a write. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"
#include "market.h"

/* The slugs of a list answer, in order, as one space-separated string
 * (malloc'd); *next gets next_cursor (malloc'd or NULL). */
static char *slugs_of(const char *path, char **next)
{
	struct client_resp r;
	struct json_object *o, *items;
	size_t i, n;
	char *out;
	size_t cap = 8192, len = 0;

	cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200, "%s: %s",
		path, r.body);
	o = client_json(&r);
	cr_assert(o != NULL);
	items = json_object_object_get(o, "items");
	n = json_object_array_length(items);
	out = calloc(1, cap);
	cr_assert(out != NULL);
	for (i = 0; i < n; i++) {
		const char *s = client_json_str(json_object_array_get_idx(items,
			i), "slug");

		len += (size_t)snprintf(out + len, cap - len, "%s%s",
			i > 0 ? " " : "", s);
		cr_assert(len < cap);
	}
	if (next != NULL) {
		const char *c = client_json_str(o, "next_cursor");

		*next = c != NULL ? strdup(c) : NULL;
	}
	json_object_put(o);
	client_free(&r);
	return out;
}

static void first_hit(const char *q, const char *want)
{
	char path[256], *s;

	snprintf(path, sizeof(path), EXT "?q=%s&limit=5", q);
	s = slugs_of(path, NULL);
	cr_assert(strncmp(s, want, strlen(want)) == 0 &&
		(s[strlen(want)] == ' ' || s[strlen(want)] == '\0'),
		"q=%s: want %s first, got [%s]", q, want, s);
	free(s);
}

Test(browse, search_ranks_the_obvious_match_first)
{
	first_hit("rust", "rust-toolkit");
	first_hit("docker", "docker-tools");
	first_hit("kubernetes", "kubernetes-explorer");
	first_hit("git%20blame", "git-blame-inline");
	first_hit("markdown+preview", "markdown-preview-plus");
	first_hit("solarized", "solarized-pro");
	first_hit("vim", "vim-keymap");
	first_hit("python", "python-lint");
}

Test(browse, search_shows_only_published)
{
	char *s;

	/* The only extension about Mercurial is archived. */
	s = slugs_of(EXT "?q=mercurial", NULL);
	cr_assert_str_eq(s, "");
	free(s);
}

Test(browse, filters_and_sorts)
{
	struct client_resp r;
	struct json_object *o, *items;
	size_t i, n;
	long prev;

	cr_assert_eq(market_req("GET", EXT "?price=paid&limit=100", NULL, NULL,
		&r), 200);
	o = client_json(&r);
	items = json_object_object_get(o, "items");
	n = json_object_array_length(items);
	cr_assert(n >= 3, "paid: %zu", n);
	for (i = 0; i < n; i++)
		cr_assert(market_json_int(json_object_array_get_idx(items, i),
			"price.amount") > 0);
	json_object_put(o);
	client_free(&r);

	cr_assert_eq(market_req("GET", EXT "?sort=price&price=free&category=themes"
		"&limit=100", NULL, NULL, &r), 200);
	o = client_json(&r);
	items = json_object_object_get(o, "items");
	n = json_object_array_length(items);
	cr_assert(n >= 1);
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);

		cr_assert_eq(market_json_int(it, "price.amount"), 0);
		cr_assert_str_eq(client_json_str(it, "category"), "themes");
	}
	json_object_put(o);
	client_free(&r);

	cr_assert_eq(market_req("GET", EXT "?sort=popular&limit=100", NULL,
		NULL, &r), 200);
	o = client_json(&r);
	items = json_object_object_get(o, "items");
	prev = -1;
	for (i = 0; i < json_object_array_length(items); i++) {
		long d = market_json_int(json_object_array_get_idx(items, i),
			"downloads");

		cr_assert(prev < 0 || d <= prev, "popular not descending");
		prev = d;
	}
	json_object_put(o);
	client_free(&r);

	cr_assert_eq(market_req("GET", EXT "?min_rating=4.5&sort=rating&limit=100",
		NULL, NULL, &r), 200);
	o = client_json(&r);
	items = json_object_object_get(o, "items");
	for (i = 0; i < json_object_array_length(items); i++) {
		const char *avg = client_json_str(json_object_array_get_idx(items,
			i), "rating.average");

		cr_assert(avg != NULL && strtod(avg, NULL) >= 4.5, "%s", avg);
	}
	json_object_put(o);
	client_free(&r);

	cr_assert_eq(market_req("GET", EXT "?tag=rust", NULL, NULL, &r), 200);
	cr_assert(strstr(r.body, "rust-toolkit") != NULL, "%s", r.body);
	client_free(&r);

	/* Refusals: each names its parameter. */
	cr_assert_eq(market_req("GET", EXT "?sort=relevance", NULL, NULL, &r),
		422);
	cr_assert(strstr(r.body, "requires_q") != NULL);
	client_free(&r);
	cr_assert_eq(market_req("GET", EXT "?sort=cheapest", NULL, NULL, &r),
		422);
	client_free(&r);
	cr_assert_eq(market_status("GET", EXT "?min_rating=6", NULL, NULL),
		422);
	cr_assert_eq(market_status("GET", EXT "?price=gratis", NULL, NULL),
		422);
	cr_assert_eq(market_req("GET", EXT "?cursor=bm9wZQ", NULL, NULL, &r),
		422);
	client_free(&r);
}

Test(browse, category_counts_match_the_catalogue)
{
	struct client_resp r;
	struct json_object *o, *items;
	size_t i;

	cr_assert_eq(market_req("GET", "/api/v1/categories", NULL, NULL, &r),
		200);
	o = client_json(&r);
	items = json_object_object_get(o, "items");
	cr_assert_eq(json_object_array_length(items), 12);
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *c = json_object_array_get_idx(items, i);
		char sql[256], *v;

		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM extensions e"
			" JOIN categories c ON c.id = e.category_id WHERE c.slug ="
			" '%s' AND e.status = 'published'",
			client_json_str(c, "slug"));
		v = client_sql(sql);
		cr_assert(v != NULL);
		cr_assert_eq(market_json_int(c, "count"), atol(v), "%s",
			client_json_str(c, "slug"));
		free(v);
	}
	json_object_put(o);
	client_free(&r);
}

/* Adds each slug of page (space-separated) to seen, " a  b " and so on,
 * failing the test when one is there already; returns how many. */
static long note_slugs(char *page, char *seen, size_t cap, const char *where)
{
	char *tok, *save;
	long n = 0;

	for (tok = strtok_r(page, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		char needle[80];

		snprintf(needle, sizeof(needle), " %s ", tok);
		cr_assert(strstr(seen, needle) == NULL, "%s repeated on %s",
			tok, where);
		cr_assert(strlen(seen) + strlen(needle) < cap);
		strcat(seen, needle);
		n++;
	}
	return n;
}

/* Walks every page of path (which ends in "limit=N"), publishing a new
 * extension after the first page, and checks that no slug repeats and
 * every extension published before the walk was seen. */
static void walk_stable(const char *base)
{
	struct market_cast c;
	char path[512], *page, *next = NULL, *seen, *before;
	size_t cap = 1 << 16;
	const char *fresh = market_slug("walk");
	int pages = 0;
	char *tok, *save;

	before = client_sql("SET SESSION group_concat_max_len = 1048576;"
		" SELECT GROUP_CONCAT(slug ORDER BY slug SEPARATOR ' ')"
		" FROM extensions WHERE status = 'published'");
	cr_assert(before != NULL);
	market_cast(&c);
	seen = calloc(1, cap);
	cr_assert(seen != NULL);
	snprintf(path, sizeof(path), "%s", base);
	for (;;) {
		page = slugs_of(path, &next);
		note_slugs(page, seen, cap, path);
		free(page);
		if (pages++ == 0) {
			market_create(c.dev, fresh, "");
			market_publish(&c, fresh, "1.0.0", "*");
		}
		if (next == NULL)
			break;
		snprintf(path, sizeof(path), "%s&cursor=%s", base, next);
		free(next);
	}
	cr_assert(pages > 3, "only %d pages", pages);
	for (tok = strtok_r(before, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		char needle[80];

		snprintf(needle, sizeof(needle), " %s ", tok);
		cr_assert(strstr(seen, needle) != NULL, "%s missed by %s", tok,
			base);
	}
	free(before);
	free(seen);
	market_cast_free(&c);
}

Test(browse, pages_stay_stable_while_extensions_are_published)
{
	walk_stable(EXT "?sort=newest&limit=7");
	walk_stable(EXT "?sort=popular&limit=9");
	walk_stable(EXT "?sort=price&limit=11");
	walk_stable(EXT "?sort=rating&limit=8");
}

/* Relevance pages: an offset into the search index's ranking. The
 * listings with the word "code" anywhere, counted without the index. */
Test(browse, relevance_pages_cover_every_match_once)
{
	char path[256], *page, *next = NULL, *want;
	char seen[8192] = " ";
	long total = 0, pages = 0;

	want = client_sql("SELECT COUNT(*) FROM extensions WHERE status ="
		" 'published' AND CONCAT_WS(' ', name, summary, description,"
		" tags_text) REGEXP '\\\\bcode\\\\b'");
	cr_assert(want != NULL && atol(want) > 6, "few matches: %s", want);
	snprintf(path, sizeof(path), EXT "?q=code&limit=3");
	for (;;) {
		page = slugs_of(path, &next);
		total += note_slugs(page, seen, sizeof(seen), path);
		free(page);
		pages++;
		if (next == NULL)
			break;
		snprintf(path, sizeof(path), EXT "?q=code&limit=3&cursor=%s",
			next);
		free(next);
	}
	cr_assert_eq(total, atol(want), "pages held %ld of %s matches", total,
		want);
	cr_assert(pages > 2);
	free(want);
}

Test(browse, etag_answers_304_and_changes_with_the_listing)
{
	struct market_cast c;
	const char *slug = market_slug("etag");
	struct client_resp r;
	char path[256], inm[256], *etag, *cc;
	const char *h[2] = { inm, NULL };

	market_cast(&c);
	market_create(c.dev, slug, "");
	market_publish(&c, slug, "1.0.0", "*");
	snprintf(path, sizeof(path), EXT "/%s", slug);
	cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200);
	etag = client_header(&r, "ETag");
	cc = client_header(&r, "Cache-Control");
	cr_assert(etag != NULL && cc != NULL);
	cr_assert(strstr(cc, "public") != NULL, "%s", cc);
	client_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	cr_assert_eq(client_request("GET", client_url(path), h, NULL, 0, &r), 0);
	cr_assert_eq(r.status, 304);
	cr_assert_eq(r.body_len, 0);
	client_free(&r);
	cr_assert_eq(market_status("PATCH", path, c.dev, "{\"summary\": \"New"
		" summary\"}"), 200);
	cr_assert_eq(client_request("GET", client_url(path), h, NULL, 0, &r), 0);
	cr_assert_eq(r.status, 200, "stale 304 after a change");
	cr_assert(strstr(r.body, "New summary") != NULL);
	client_free(&r);
	free(etag);
	free(cc);
	market_cast_free(&c);
}

Test(browse, no_worker_answers_stale_after_a_write)
{
	struct market_cast c;
	const char *slug = market_slug("cache");
	struct client_resp r;
	char path[256], body[256], want[64];
	double hits0, hits1;
	int round, i, pids[64];

	cr_assert(client_worker_pids(pids, 64) >= 2, "needs several workers");
	market_cast(&c);
	market_create(c.dev, slug, "");
	market_publish(&c, slug, "1.0.0", "*");
	snprintf(path, sizeof(path), EXT "/%s", slug);
	hits0 = client_metric_now("devforge_cache_hits_total", NULL);
	for (round = 0; round < 5; round++) {
		/* Fill every worker's cache with the current answer... */
		for (i = 0; i < 40; i++) {
			cr_assert_eq(market_status("GET", path, NULL, NULL),
				200);
		}
		/* ...then change it: no worker may serve the old one. */
		snprintf(want, sizeof(want), "Round %d name", round);
		snprintf(body, sizeof(body), "{\"name\": \"%s\"}", want);
		cr_assert_eq(market_status("PATCH", path, c.dev, body), 200);
		for (i = 0; i < 40; i++) {
			cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200);
			cr_assert(strstr(r.body, want) != NULL,
				"stale answer in round %d: %s", round, r.body);
			client_free(&r);
		}
	}
	hits1 = client_metric_now("devforge_cache_hits_total", NULL);
	cr_assert(hits1 - hits0 >= 200, "cache hits rose by %.0f only",
		hits1 - hits0);

	/* Downloads change what a listing shows too, within a bound. */
	snprintf(path, sizeof(path), EXT "?q=%s", slug);
	for (i = 0; i < 20; i++) {
		cr_assert_eq(market_status("GET", EXT "?sort=newest&limit=5",
			NULL, NULL), 200);
	}
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/download", slug);
	cr_assert_eq(market_status("GET", path, c.user, NULL), 200);
	/* A download changes no cache generation: its count shows within
	 * downloads_flush_seconds + cache_counts_max_age_seconds, and then
	 * on every worker (20 reads in a row). */
	{
		double until = client_now() + 40;
		int fresh = 0;

		while (fresh < 20 && client_now() < until) {
			struct json_object *o, *first;

			cr_assert_eq(market_req("GET", EXT "?sort=newest&limit=5",
				NULL, NULL, &r), 200);
			o = client_json(&r);
			first = json_object_array_get_idx(
				json_object_object_get(o, "items"), 0);
			cr_assert_str_eq(client_json_str(first, "slug"), slug);
			if (market_json_int(first, "downloads") == 1) {
				fresh++;
			} else {
				fresh = 0;
				usleep(100 * 1000);
			}
			json_object_put(o);
			client_free(&r);
		}
		cr_assert_eq(fresh, 20, "download count still stale after 40 s");
	}
	market_cast_free(&c);
}

/* Every page of base (limit 2, so the cursor is used on each), the slugs
 * as one space-separated string (malloc'd). */
static char *walk_all(const char *base)
{
	char path[512], *page, *next = NULL, *all;
	size_t cap = 1 << 16;

	all = calloc(1, cap);
	cr_assert(all != NULL);
	snprintf(path, sizeof(path), "%s&limit=2", base);
	for (;;) {
		page = slugs_of(path, &next);
		cr_assert(strlen(all) + strlen(page) + 2 < cap);
		if (page[0] != '\0') {
			if (all[0] != '\0')
				strcat(all, " ");
			strcat(all, page);
		}
		free(page);
		if (next == NULL)
			break;
		snprintf(path, sizeof(path), "%s&limit=2&cursor=%s", base, next);
		free(next);
	}
	return all;
}

/* The slugs the catalogue holds for a filter, in a sort's order. */
static char *expected_slugs(const char *where, const char *order)
{
	char *s = client_sqlf("SET SESSION group_concat_max_len = 1048576;"
		" SELECT IFNULL(GROUP_CONCAT(e.slug ORDER BY %s SEPARATOR ' '), '')"
		" FROM extensions e WHERE e.status = 'published' AND %s",
		order, where);

	cr_assert(s != NULL);
	return s;
}

/* The browse statements choose their index by the filters (category
 * index, rare tag, rare rating; store/extensions.c): each choice pages
 * through exactly the matching extensions, in order, with the cursor. */
Test(browse, every_filter_plan_pages_in_sort_order)
{
	static const struct {
		const char *query, *where, *order;
	} cases[] = {
		{ EXT "?category=themes&sort=newest",
		  "e.category_id = 2", "e.published_at DESC, e.id DESC" },
		{ EXT "?category=languages&sort=price",
		  "e.category_id = 1", "e.price_amount, e.id" },
		{ EXT "?tag=rust&sort=popular",
		  "e.id IN (SELECT extension_id FROM extension_tags"
		  " WHERE tag = 'rust')", "e.downloads DESC, e.id DESC" },
		{ EXT "?min_rating=4&sort=newest",
		  "e.rating_avg >= 4", "e.published_at DESC, e.id DESC" },
		{ EXT "?min_rating=3.5&sort=rating&category=themes",
		  "e.rating_avg >= 3.5 AND e.category_id = 2",
		  "e.rating_avg DESC, e.id DESC" },
		{ EXT "?price=paid&sort=price",
		  "e.price_amount > 0", "e.price_amount, e.id" },
		{ EXT "?sort=popular", "1", "e.downloads DESC, e.id DESC" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = walk_all(cases[i].query);
		char *want = expected_slugs(cases[i].where, cases[i].order);

		cr_assert_str_eq(got, want, "%s", cases[i].query);
		free(got);
		free(want);
	}
}

/* Every worker loads its browse facts (store/extensions.c br_facts)
 * before a test counts rows: a distinct URL each time, so the shared
 * response cache answers none of them and each worker that has no facts
 * yet loads them now, not inside the count. */
static void warm_workers(void)
{
	char path[128];
	int i;

	for (i = 0; i < 12; i++) {
		snprintf(path, sizeof(path), EXT "?category=themes&limit=1"
			"&warm=%s", client_unique("w"));
		cr_assert_eq(market_status("GET", path, NULL, NULL), 200);
	}
}

/* A category or tag that matches nothing is answered from an index: at
 * 60,000 extensions walking the sort index for it took a second and any
 * client can send one. Each distinct request (no cache can help) used to
 * read every published extension; now it reads none. */
Test(browse, a_filter_that_matches_nothing_reads_no_catalogue_rows)
{
	char *s = client_sql("SELECT COUNT(*) FROM extensions"
		" WHERE status = 'published'");
	const char *m = market_slug("none");
	long published, before, read;
	char path[256];
	int i;

	cr_assert(s != NULL);
	published = strtol(s, NULL, 10);
	free(s);
	cr_assert(published >= 20, "%ld", published);
	/* Each worker reads its facts for choosing plans (the category ids,
	 * at most `published` rating index entries) once a minute: let the
	 * workers load them first; a refresh inside the loop stays within
	 * the bound below. */
	warm_workers();
	before = client_rows_read();
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), EXT "?category=%s-%d&sort=%s", m, i,
			i % 2 ? "newest" : "popular");
		cr_assert_eq(market_status("GET", path, NULL, NULL), 200);
		snprintf(path, sizeof(path), EXT "?tag=%s-%d&sort=%s", m, i,
			i % 2 ? "rating" : "price");
		cr_assert_eq(market_status("GET", path, NULL, NULL), 200);
	}
	read = client_rows_read() - before;
	/* 20 walks would read at least 20 * published rows; what other
	 * sessions and the workers' facts read meanwhile stays far below. */
	cr_assert(read < 10 * published, "%ld rows read for 20 empty answers"
		" (%ld published)", read, published);
}

/* A cursor inside a run of equal sort values (the unrated extensions,
 * sorted by rating) starts the walk at the cursor's row: the keyset is a
 * range on (rating, id) of the index. It used to bound only the rating,
 * so a page read every row of that rating above the cursor and dropped
 * them (at 60,000 extensions, 91 rows for a page of 20 at page 500 of
 * popular). */
/* Ten pages of one from the cursor ctx, each URL new to the cache. */
static void ten_pages_at(void *ctx, int trial)
{
	char path[512];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), EXT "?sort=rating&limit=1"
			"&cursor=%s&nc=%d-%d", (const char *)ctx, trial, i);
		cr_assert_eq(market_status("GET", path, NULL, NULL), 200);
	}
}

Test(browse, a_cursor_among_equal_sort_values_reads_from_the_cursor_on)
{
	char *s = client_sql("SELECT CONCAT(COUNT(*), ' ',"
		" SUM(rating_avg = 0)) FROM extensions WHERE status = 'published'");
	char path[512], *page, *next = NULL;
	long published, unrated, left, read;

	cr_assert(s != NULL);
	cr_assert_eq(sscanf(s, "%ld %ld", &published, &unrated), 2, "%s", s);
	free(s);
	/* A run of at least 12 equal ratings: the demo catalogue alone may
	 * have fewer unrated listings; new ones are unrated. */
	if (unrated < 12) {
		struct market_cast c;

		market_cast(&c);
		for (; unrated < 12; unrated++, published++) {
			const char *slug = market_slug("unrated");

			market_create(c.dev, slug, "");
			market_publish(&c, slug, "1.0.0", "*");
		}
		market_cast_free(&c);
	}
	/* To 3 rows before the end: unrated - 3 equal ratings above. */
	for (left = published - 3; left > 0; left -= 100) {
		if (next == NULL)
			snprintf(path, sizeof(path), EXT "?sort=rating&limit=%ld",
				left > 100 ? 100 : left);
		else
			snprintf(path, sizeof(path), EXT "?sort=rating&limit=%ld"
				"&cursor=%s", left > 100 ? 100 : left, next);
		free(next);
		next = NULL;
		page = slugs_of(path, &next);
		free(page);
		cr_assert(next != NULL);
	}
	/* The workers' facts first (see the test above). */
	warm_workers();
	read = client_rows_read_least(ten_pages_at, next, 3);
	/* Before: at least unrated - 3 rows a page; now about 2. */
	cr_assert(read < 5 * (unrated - 3), "%ld rows read for 10 pages of 1"
		" behind %ld equal ratings", read, unrated - 3);
	free(next);
}

/* write() and writev() calls the pool's workers have made so far (the
 * syscw of /proc/PID/io: counts, not timings). */
static long pool_write_calls(void)
{
	int pids[64];
	size_t n = client_worker_pids(pids, 64), i;
	long sum = 0;

	cr_assert_gt(n, 0, "no worker of the pool found");
	for (i = 0; i < n; i++) {
		char path[64], line[128];
		long v = -1;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/io", pids[i]);
		f = fopen(path, "r");
		cr_assert(f != NULL, "%s", path);
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "syscw: %ld", &v) == 1)
				break;
		fclose(f);
		cr_assert_geq(v, 0, "no syscw in %s", path);
		sum += v;
	}
	return sum;
}

#define BIG_ITEMS 4
#define BIG_DESC 19000

/* An answer of several FastCGI records (over 64 KiB: four listings whose
 * descriptions are all '"', sent escaped) arrives whole, cached or not,
 * and a cached one is sent in one writev with its end records, plus the
 * access-log line: libfcgi's own stream wrote every 8 KiB (19 writes for
 * this answer). */
Test(browse, a_large_answer_arrives_whole_in_few_writes, .timeout = 180)
{
	struct market_cast c;
	const char *tag = market_slug("bigtag");
	struct client_resp r;
	struct json_object *o, *items;
	char path[256], *body, *p;
	long before, writes;
	size_t i, j;
	int round;

	market_cast(&c);
	body = malloc(2 * BIG_DESC + 512);
	cr_assert(body != NULL);
	for (i = 0; i < BIG_ITEMS; i++) {
		const char *slug = market_slug("big");

		p = body + sprintf(body, "{\"slug\": \"%s\", \"name\": \"Big %s\","
			" \"summary\": \"A large listing\", \"category\": \"other\","
			" \"license\": \"MIT\", \"tags\": [\"%s\"], \"description\":"
			" \"", slug, slug, tag);
		for (j = 0; j < BIG_DESC; j++) {
			*p++ = '\\';
			*p++ = '"';
		}
		strcpy(p, "\"}");
		cr_assert_eq(market_req("POST", EXT, c.dev, body, &r), 201,
			"create %s: %ld %s", slug, r.status, r.body);
		client_free(&r);
		market_publish(&c, slug, "1.0.0", "*");
	}
	free(body);
	snprintf(path, sizeof(path), EXT "?tag=%s&limit=100", tag);
	/* A miss (from the handler), then hits (from the shared cache). */
	for (round = 0; round < 3; round++) {
		cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200,
			"%s", r.body);
		cr_assert_gt(r.body_len, 65536);
		o = client_json(&r);
		cr_assert(o != NULL, "round %d: not JSON (%zu bytes)", round,
			r.body_len);
		items = json_object_object_get(o, "items");
		cr_assert_eq(json_object_array_length(items), BIG_ITEMS);
		for (i = 0; i < BIG_ITEMS; i++) {
			const char *d = client_json_str(
				json_object_array_get_idx(items, i), "description");

			cr_assert(d != NULL && strlen(d) == BIG_DESC &&
				strspn(d, "\"") == BIG_DESC, "round %d item %zu",
				round, i);
		}
		json_object_put(o);
		client_free(&r);
	}
	before = pool_write_calls();
	for (round = 0; round < 10; round++) {
		cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200);
		client_free(&r);
	}
	writes = pool_write_calls() - before;
	cr_expect_leq(writes, 10 * 3, "%ld write calls for 10 cached answers "
		"of %d KiB", writes, 2 * BIG_ITEMS * BIG_DESC / 1024);
	market_cast_free(&c);
}
