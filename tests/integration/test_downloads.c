/* Download statistics through the real stack: counts per version and day
 * with a total and a unique count, written in batches off the request
 * path (so the tests poll, with a bound, for the flush), the owner's
 * /stats route and its rules, list reads that stay cached while
 * downloads go on, and no count lost when the pool stops cleanly. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "market.h"

/* downloads_flush_seconds (2) + cache_counts_max_age_seconds (10) is
 * the documented bound; polls give it ample room on a loaded machine. */
#define FLUSH_BOUND_S 40.0

/* The first column of the first row as a number (-1 when none); the
 * query names the test's slug once ('%s'). */
#define sql_long(fmt, slug) sql_num(client_sqlf(fmt, slug))
static long sql_num(char *v)
{
	long n = v != NULL ? strtol(v, NULL, 10) : -1;

	free(v);
	return n;
}

static void download(const char *slug, const char *version, const char *auth)
{
	struct client_resp r;
	char path[256];

	snprintf(path, sizeof(path), EXT "/%s/versions/%s/download", slug,
		version);
	cr_assert_eq(market_req("GET", path, auth, NULL, &r), 200, "%s",
		r.body);
	client_free(&r);
}

/* The stats answer for slug (query may be ""), as auth; fails the test
 * unless 200. The caller puts the object. */
static struct json_object *stats(const char *slug, const char *query,
	const char *auth)
{
	struct client_resp r;
	struct json_object *o;
	char path[256];

	snprintf(path, sizeof(path), EXT "/%s/stats%s", slug, query);
	cr_assert_eq(market_req("GET", path, auth, NULL, &r), 200, "%s",
		r.body);
	o = client_json(&r);
	cr_assert(o != NULL);
	client_free(&r);
	return o;
}

/* Polls the stats until their total reaches want (bounded: the flush
 * interval is documented); returns the last answer. */
static struct json_object *stats_when_total(const char *slug,
	const char *auth, long want)
{
	double until = client_now() + FLUSH_BOUND_S;
	struct json_object *o;

	for (;;) {
		o = stats(slug, "", auth);
		if (market_json_int(o, "total") >= want ||
		    client_now() > until)
			return o;
		json_object_put(o);
		usleep(200 * 1000);
	}
}

static const char *today(char buf[16])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
	return buf;
}

TestSuite(downloads, .timeout = 120);

Test(downloads, ten_from_one_client_count_ten_total_one_unique)
{
	struct market_cast c;
	const char *slug = market_slug("dlten");
	struct json_object *o, *items, *it;
	char day[16];

	market_cast(&c);
	market_create(c.dev, slug, "");
	market_publish(&c, slug, "1.0.0", "*");
	for (int i = 0; i < 10; i++)
		download(slug, "1.0.0", NULL);

	o = stats_when_total(slug, c.dev, 10);
	cr_assert_eq(market_json_int(o, "total"), 10, "%s",
		json_object_to_json_string(o));
	cr_assert_eq(market_json_int(o, "unique"), 1, "%s",
		json_object_to_json_string(o));
	items = json_object_object_get(o, "items");
	cr_assert_eq(json_object_array_length(items), 1);
	it = json_object_array_get_idx(items, 0);
	cr_assert_str_eq(client_json_str(it, "version"), "1.0.0");
	cr_assert_str_eq(client_json_str(it, "day"), today(day));
	cr_assert_eq(market_json_int(it, "total"), 10);
	cr_assert_eq(market_json_int(it, "unique"), 1);
	json_object_put(o);
	/* The listing's running total comes from the same flush. */
	cr_assert_eq(sql_long("SELECT downloads FROM extensions WHERE slug = '%s'",
		slug), 10);

	/* A signed-in user is another client than the anonymous address. */
	download(slug, "1.0.0", c.user);
	o = stats_when_total(slug, c.dev, 11);
	cr_assert_eq(market_json_int(o, "total"), 11);
	cr_assert_eq(market_json_int(o, "unique"), 2);
	json_object_put(o);
	market_cast_free(&c);
}

Test(downloads, day_series_adds_up_to_the_total)
{
	struct market_cast c;
	const char *slug = market_slug("dlseries");
	struct json_object *o, *items;
	long sum_total = 0, sum_unique = 0, ext_total;
	char q[64], day[16];
	size_t i;

	market_cast(&c);
	market_create(c.dev, slug, "");
	market_publish(&c, slug, "1.0.0", "*");
	market_publish(&c, slug, "1.1.0", "*");
	for (i = 0; i < 4; i++)
		download(slug, "1.0.0", NULL);
	for (i = 0; i < 3; i++)
		download(slug, "1.1.0", c.user);
	download(slug, "1.1.0", NULL);

	o = stats_when_total(slug, c.admin, 8);
	json_object_put(o);
	/* Admins read it too, for any range that holds today. */
	snprintf(q, sizeof(q), "?from=%s&to=%s", today(day), day);
	o = stats(slug, q, c.admin);
	items = json_object_object_get(o, "items");
	cr_assert_eq(json_object_array_length(items), 2, "%s",
		json_object_to_json_string(o));
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);

		sum_total += market_json_int(it, "total");
		sum_unique += market_json_int(it, "unique");
	}
	ext_total = sql_long("SELECT downloads FROM extensions WHERE slug = '%s'",
		slug);
	cr_assert_eq(sum_total, 8);
	cr_assert_eq(market_json_int(o, "total"), sum_total);
	cr_assert_eq(market_json_int(o, "unique"), sum_unique);
	/* 1.0.0: the anonymous address; 1.1.0: the user and the address. */
	cr_assert_eq(sum_unique, 3);
	cr_assert_eq(ext_total, sum_total);
	cr_assert_eq(sql_long("SELECT SUM(v.downloads) FROM extension_versions v"
		" JOIN extensions e ON e.id = v.extension_id WHERE e.slug = '%s'",
		slug), sum_total);
	json_object_put(o);

	/* A range without downloads is an empty series, not an error. */
	o = stats(slug, "?from=2020-01-01&to=2020-12-31", c.dev);
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"items")), 0);
	cr_assert_eq(market_json_int(o, "total"), 0);
	cr_assert_str_eq(client_json_str(o, "from"), "2020-01-01");
	json_object_put(o);
	market_cast_free(&c);
}

Test(downloads, do_not_empty_the_listing_cache)
{
	struct market_cast c;
	const char *slug = market_slug("dlcache");
	double hits0, misses0, hits, misses, rate;

	market_cast(&c);
	market_create(c.dev, slug, "");
	market_publish(&c, slug, "1.0.0", "*");
	hits0 = client_metric_now("devforge_cache_hits_total", NULL);
	misses0 = client_metric_now("devforge_cache_misses_total", NULL);
	for (int i = 0; i < 100; i++) {
		download(slug, "1.0.0", NULL);
		cr_assert_eq(market_status("GET", EXT "?sort=popular&limit=5",
			NULL,
			NULL), 200);
	}
	hits = client_metric_now("devforge_cache_hits_total", NULL) - hits0;
	misses = client_metric_now("devforge_cache_misses_total",
		NULL) - misses0;
	cr_assert_eq(hits + misses, 100, "lookups %.0f + %.0f", hits, misses);
	rate = hits / (hits + misses);
	cr_assert(rate > 0.9, "hit rate %.2f (%.0f hits, %.0f misses)", rate,
		hits, misses);
	market_cast_free(&c);
}

Test(downloads, stats_are_for_the_owner_and_admins_with_checked_dates)
{
	struct market_cast c;
	const char *slug = market_slug("dlrules");
	struct client_resp r;
	char path[256];
	static const struct {
		const char *query, *field;
	} bad[] = {
		{ "?from=2026-13-01", "from" },
		{ "?from=2026-02-30", "from" },
		{ "?to=yesterday", "to" },
		{ "?from=2026-1-01", "from" },
		{ "?from=2026-03-02&to=2026-03-01", "from" },
		{ "?from=2024-01-01&to=2025-01-01", "to" },
	};

	market_cast(&c);
	market_create(c.dev, slug, "");
	market_publish(&c, slug, "1.0.0", "*");
	snprintf(path, sizeof(path), EXT "/%s/stats", slug);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 401);
	/* Everyone else: as if there were nothing to see. */
	cr_assert_eq(market_status("GET", path, c.user, NULL), 404);
	cr_assert_eq(market_status("GET", path, c.dev2, NULL), 404);
	cr_assert_eq(market_status("GET", EXT "/no-such-ext-dl/stats", c.admin,
		NULL), 404);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *o, *f;

		snprintf(path, sizeof(path), EXT "/%s/stats%s", slug,
			bad[i].query);
		cr_assert_eq(market_req("GET", path, c.dev, NULL, &r), 422,
			"%s: %s", bad[i].query, r.body);
		o = client_json(&r);
		f = json_object_array_get_idx(json_object_object_get(o,
			"errors"), 0);
		cr_assert(f != NULL && client_json_str(f, "field") != NULL &&
			strcmp(client_json_str(f, "field"), bad[i].field) == 0,
			"%s: %s", bad[i].query, r.body);
		json_object_put(o);
		client_free(&r);
	}
	/* 366 days, both ends included, is the longest span. */
	snprintf(path, sizeof(path), EXT "/%s/stats?from=2024-01-01&to=2024-12-31",
		slug);
	cr_assert_eq(market_req("GET", path, c.dev, NULL, &r), 200, "%s",
		r.body);
	client_free(&r);
	market_cast_free(&c);
}

/* A clean stop writes what is still queued: SIGTERM the supervisor right
 * after the downloads (the pool unlinks its segment on the way out), and
 * the table has every one. The stack is started again for the programs
 * that follow. */
Test(downloads_stop, clean_stop_loses_no_count, .timeout = 180)
{
	struct market_cast c;
	const char *slug = market_slug("dlstop");
	int sup, gone = 0;

	market_cast(&c);
	market_create(c.dev, slug, "");
	market_publish(&c, slug, "1.0.0", "*");
	for (int i = 0; i < 7; i++)
		download(slug, "1.0.0", NULL);
	sup = client_supervisor_pid();
	cr_assert(sup > 0);
	cr_assert(kill(sup, SIGTERM) == 0);
	for (int i = 0; i < 300 && !gone; i++) {
		gone = kill(sup, 0) != 0;
		if (!gone)
			usleep(50 * 1000);
	}
	cr_assert(gone, "the pool did not stop within 15 s");
	cr_assert_eq(sql_long("SELECT COALESCE(SUM(d.total), 0) FROM"
		" extension_download_days d JOIN extension_versions v ON"
		" v.id = d.version_id JOIN extensions e ON e.id = v.extension_id"
		" WHERE e.slug = '%s'", slug), 7);
	cr_assert_eq(sql_long("SELECT downloads FROM extensions WHERE slug = '%s'",
		slug), 7);
	/* The same front server again (the test command does not export
	 * DF_FRONT; stack.sh would otherwise pick its default). */
	cr_assert_eq(setenv("DF_FRONT", client_env("DEVFORGE_TEST_FRONT"), 1), 0);
	cr_assert_eq(client_stack("start"), 0, "the stack did not start again");
	market_cast_free(&c);
}
