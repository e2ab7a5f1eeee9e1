/* Unit tests of request/database recording into a segment in ordinary
 * memory and of the Prometheus text rendering: cumulative buckets, sum
 * and count, label escaping, only non-zero request series, counters. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "llm_chat.h"
#include "metrics.h"
#include "router.h"
#include "shm.h"

static struct arena *arena;
static struct shm_segment *seg;

static const struct route r_health = { .method = HTTP_GET,
	.pattern = "/api/v1/health" };
static const struct route r_odd = { .method = HTTP_POST,
	.pattern = "/api/v1/a\"b\\c\nd" };
static const struct route r_idle = { .method = HTTP_DELETE,
	.pattern = "/api/v1/idle/{slug}" };
static const struct route *const routes[] = { &r_health, &r_odd, &r_idle };
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static void setup(void)
{
	arena = arena_new(4096);
	cr_assert_not_null(arena);
	seg = malloc(sizeof(*seg));
	cr_assert_not_null(seg);
	shm_init_memory(seg);
	shm_current = seg;
}

static void teardown(void)
{
	shm_current = NULL;
	free(seg);
	arena_free(arena);
}

TestSuite(metrics, .init = setup, .fini = teardown);

static char *render(size_t *len)
{
	char *text = metrics_render(arena, routes, NROUTES, NULL, len);

	cr_assert_not_null(text);
	cr_assert_eq(strlen(text), *len);
	return text;
}

/* The line of text that starts with prefix, or NULL. */
static const char *line_starting(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, prefix, n) == 0)
			return p;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/* The value of the series whose name and labels are exactly `series`,
 * or -1 when there is no such line. */
static long long value_of(const char *text, const char *series)
{
	char prefix[512];
	const char *l;

	snprintf(prefix, sizeof(prefix), "%s ", series);
	l = line_starting(text, prefix);
	if (l == NULL)
		return -1;
	return strtoll(l + strlen(prefix), NULL, 10);
}

/* The value of devforge_http_requests_total for method, route (as
 * exposed, escapes included) and status; -1 when absent. */
static long long requests_total(const char *text, const char *method,
	const char *route, const char *status)
{
	char series[512];

	snprintf(series, sizeof(series), "devforge_http_requests_total"
		"{method=\"%s\",route=\"%s\",status=\"%s\"}", method, route,
		status);
	return value_of(text, series);
}

static size_t count_of(const char *text, const char *needle)
{
	size_t n = 0;
	const char *p = text;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static int is_name_char(int c, int first)
{
	return isalpha(c) || c == '_' || c == ':' || (!first && isdigit(c));
}

/* Checks one sample line against the 0.0.4 grammar: name, optional
 * {label="value",...} with only \\, \" and \n escapes, a space and a
 * number. Returns 1 when it conforms. */
static int sample_line_ok(const char *p, const char *end)
{
	if (p == end || !is_name_char(*p, 1))
		return 0;
	while (p < end && is_name_char(*p, 0))
		p++;
	if (p < end && *p == '{') {
		p++;
		for (;;) {
			if (p == end || !is_name_char(*p, 1))
				return 0;
			while (p < end && is_name_char(*p, 0))
				p++;
			if (end - p < 2 || p[0] != '=' || p[1] != '"')
				return 0;
			p += 2;
			while (p < end && *p != '"') {
				if (*p == '\\') {
					if (p + 1 == end ||
						strchr("\\\"n", p[1]) == NULL)
						return 0;
					p++;
				}
				p++;
			}
			if (p == end)
				return 0;
			p++;
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == '}') {
				p++;
				break;
			}
			return 0;
		}
	}
	if (p == end || *p != ' ')
		return 0;
	p++;
	if (p == end)
		return 0;
	if (end - p == 4 && memcmp(p, "+Inf", 4) == 0)
		return 1;
	for (; p < end; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return 0;
	return 1;
}

static void assert_exposition_ok(const char *text, size_t len)
{
	const char *p = text, *nl;

	cr_assert_gt(len, 0);
	cr_assert_eq(text[len - 1], '\n');
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl);
		if (strncmp(p, "# HELP ", 7) == 0 ||
				strncmp(p, "# TYPE ", 7) == 0)
			continue;
		cr_assert(sample_line_ok(p, nl), "bad line: %.*s",
			(int)(nl - p), p);
	}
}

Test(metrics, counts_requests_by_route_and_status)
{
	size_t len;
	char *text;

	metrics_observe_request(0, HTTP_GET, 200, 100);
	metrics_observe_request(0, HTTP_GET, 200, 100);
	metrics_observe_request(0, HTTP_GET, 404, 100);
	text = render(&len);
	cr_assert_eq(requests_total(text, "GET", "/api/v1/health", "200"), 2);
	cr_assert_eq(requests_total(text, "GET", "/api/v1/health", "404"), 1);
	assert_exposition_ok(text, len);
}

Test(metrics, shows_only_non_zero_request_series)
{
	size_t len;
	char *text;

	metrics_observe_request(0, HTTP_GET, 201, 100);
	text = render(&len);
	cr_assert_eq(count_of(text, "devforge_http_requests_total{"), 1);
	cr_assert_eq(count_of(text, "status=\"200\""), 0);
	/* A route without traffic shows up nowhere. */
	cr_assert_eq(count_of(text, "/api/v1/idle"), 0);
}

Test(metrics, unmatched_and_other_status)
{
	size_t len;
	char *text;

	metrics_observe_request(-1, HTTP_GET, 404, 100);
	metrics_observe_request(5000, HTTP_GET, 404, 100);
	metrics_observe_request(0, HTTP_GET, 418, 100);
	metrics_observe_request(0, HTTP_GET, 502, 100);
	text = render(&len);
	cr_assert_eq(requests_total(text, "GET", "unmatched", "404"), 2);
	cr_assert_eq(requests_total(text, "GET", "/api/v1/health", "other"), 2);
	assert_exposition_ok(text, len);
}

Test(metrics, escapes_label_values)
{
	size_t len;
	char *text;

	metrics_observe_request(1, HTTP_GET, 201, 100);
	text = render(&len);
	cr_assert_eq(requests_total(text, "POST", "/api/v1/a\\\"b\\\\c\\nd",
		"201"), 1, "%s", text);
	assert_exposition_ok(text, len);
}

Test(metrics, latency_buckets_are_cumulative)
{
	static const char *const le[SHM_HIST_BUCKETS] = {
		"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
		"0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"
	};
	static const long long want[SHM_HIST_BUCKETS] = {
		1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4
	};
	char series[256];
	size_t len;
	char *text;
	int i;

	metrics_observe_request(0, HTTP_GET, 200, 400);
	metrics_observe_request(0, HTTP_GET, 200, 3000);
	metrics_observe_request(0, HTTP_GET, 500, 7000);
	metrics_observe_request(0, HTTP_GET, 200, 6000000);
	text = render(&len);
	for (i = 0; i < SHM_HIST_BUCKETS; i++) {
		snprintf(series, sizeof(series),
			"devforge_http_request_duration_seconds_bucket"
			"{method=\"GET\",route=\"/api/v1/health\",le=\"%s\"}",
			le[i]);
		cr_assert_eq(value_of(text, series), want[i], "le=%s", le[i]);
	}
	cr_assert_not_null(line_starting(text,
		"devforge_http_request_duration_seconds_sum"
		"{method=\"GET\",route=\"/api/v1/health\"} 6.0104\n"), "%s", text);
	cr_assert_eq(value_of(text, "devforge_http_request_duration_seconds_count"
		"{method=\"GET\",route=\"/api/v1/health\"}"), 4);
	/* Only routes with traffic get a histogram. */
	cr_assert_eq(count_of(text, "devforge_http_request_duration_seconds_count{"),
		1);
	assert_exposition_ok(text, len);
}

Test(metrics, database_round_trips)
{
	size_t len;
	char *text;

	metrics_observe_db(1500, 1);
	metrics_observe_db(2000000, 0);
	metrics_observe_db(300, 1);
	text = render(&len);
	cr_assert_eq(value_of(text, "devforge_db_queries_total"), 3);
	cr_assert_eq(value_of(text, "devforge_db_errors_total"), 1);
	cr_assert_eq(value_of(text,
		"devforge_db_query_duration_seconds_bucket{le=\"0.0005\"}"), 1);
	cr_assert_eq(value_of(text,
		"devforge_db_query_duration_seconds_bucket{le=\"0.0025\"}"), 2);
	cr_assert_eq(value_of(text,
		"devforge_db_query_duration_seconds_bucket{le=\"2.5\"}"), 3);
	cr_assert_not_null(line_starting(text,
		"devforge_db_query_duration_seconds_sum 2.0018\n"));
	cr_assert_eq(value_of(text, "devforge_db_query_duration_seconds_count"),
		3);
	assert_exposition_ok(text, len);
}

Test(metrics, counters_from_segment)
{
	size_t len;
	char *text;

	shm_count(SHM_C_CACHE_HITS, 11);
	shm_count(SHM_C_CACHE_MISSES, 12);
	shm_count(SHM_C_RL_REFUSED + RL_AUTH, 3);
	shm_count(SHM_C_RL_REFUSED + RL_ANALYTICS, 4);
	shm_count(SHM_C_LOGINS_OK, 5);
	shm_count(SHM_C_LOGINS_FAILED, 6);
	shm_count(SHM_C_WORKER_STARTS, 7);
	shm_count(SHM_C_WORKER_RESTARTS, 8);
	shm_count(SHM_C_DB_RECONNECTS, 9);
	shm_count(SHM_C_DB_UNAVAILABLE, 10);
	shm_count(SHM_C_DB_STMT_TIMEOUTS, 13);
	shm_count(SHM_C_SLA_BREACHES, 14);
	seg->created_unix = 1764270000;
	text = render(&len);
	cr_assert_eq(value_of(text, "devforge_cache_hits_total"), 11);
	cr_assert_eq(value_of(text, "devforge_cache_misses_total"), 12);
	cr_assert_eq(value_of(text,
		"devforge_ratelimit_refused_total{class=\"default\"}"), 0);
	cr_assert_eq(value_of(text,
		"devforge_ratelimit_refused_total{class=\"auth\"}"), 3);
	cr_assert_eq(value_of(text,
		"devforge_ratelimit_refused_total{class=\"license\"}"), 0);
	cr_assert_eq(value_of(text,
		"devforge_ratelimit_refused_total{class=\"analytics\"}"), 4);
	cr_assert_eq(value_of(text, "devforge_logins_total{result=\"ok\"}"), 5);
	cr_assert_eq(value_of(text, "devforge_logins_total{result=\"failed\"}"),
		6);
	cr_assert_eq(value_of(text, "devforge_worker_starts_total"), 7);
	cr_assert_eq(value_of(text, "devforge_worker_restarts_total"), 8);
	cr_assert_eq(value_of(text, "devforge_db_reconnects_total"), 9);
	cr_assert_eq(value_of(text, "devforge_db_unavailable_total"), 10);
	cr_assert_eq(value_of(text, "devforge_db_statement_timeouts_total"), 13);
	cr_assert_eq(value_of(text, "devforge_support_sla_breaches_total"), 14);
	cr_assert_eq(value_of(text, "devforge_shm_created_timestamp_seconds"),
		1764270000);
	assert_exposition_ok(text, len);
}

Test(metrics, llm_fallbacks_are_counted_by_reason)
{
	size_t len;
	char *text;

	metrics_llm_fallback(LLM_TIMEOUT);
	metrics_llm_fallback(LLM_TIMEOUT);
	metrics_llm_fallback(LLM_UNKNOWN_SOURCE);
	metrics_llm_fallback(LLM_OK);          /* not a fallback: ignored */
	metrics_llm_fallback(LLM_FAIL_COUNT);  /* out of range: ignored */
	text = render(&len);
	cr_assert_eq(value_of(text, "devforge_assistant_llm_fallbacks_total"
		"{reason=\"timeout\"}"), 2);
	cr_assert_eq(value_of(text, "devforge_assistant_llm_fallbacks_total"
		"{reason=\"unknown_source\"}"), 1);
	cr_assert_eq(value_of(text, "devforge_assistant_llm_fallbacks_total"
		"{reason=\"malformed\"}"), 0);
	cr_assert_null(strstr(text, "reason=\"ok\""));
	assert_exposition_ok(text, len);
}

Test(metrics, every_family_has_help_and_type_once)
{
	static const char *const families[] = {
		"devforge_http_requests_total counter",
		"devforge_http_request_duration_seconds histogram",
		"devforge_db_query_duration_seconds histogram",
		"devforge_db_queries_total counter",
		"devforge_db_errors_total counter",
		"devforge_db_reconnects_total counter",
		"devforge_db_unavailable_total counter",
		"devforge_db_statement_timeouts_total counter",
		"devforge_cache_hits_total counter",
		"devforge_cache_misses_total counter",
		"devforge_downloads_sync_writes_total counter",
		"devforge_downloads_flush_failures_total counter",
		"devforge_support_sla_breaches_total counter",
		"devforge_assistant_llm_fallbacks_total counter",
		"devforge_downloads_pending gauge",
		"devforge_ratelimit_refused_total counter",
		"devforge_logins_total counter",
		"devforge_worker_starts_total counter",
		"devforge_worker_restarts_total counter",
		"devforge_shm_created_timestamp_seconds gauge",
		"devforge_uploads_in_progress gauge",
		"devforge_build_info gauge",
		"devforge_process_cpu_seconds_total counter",
		"devforge_process_resident_memory_bytes gauge",
		"devforge_workers gauge",
		"devforge_workers_configured gauge"
	};
	char want[128];
	size_t i, len;
	char *text;

	metrics_observe_request(0, HTTP_GET, 200, 100);
	text = render(&len);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		snprintf(want, sizeof(want), "# TYPE %s\n", families[i]);
		cr_assert_eq(count_of(text, want), 1, "%s", want);
		snprintf(want, sizeof(want), "# HELP %.*s ",
			(int)strcspn(families[i], " "), families[i]);
		cr_assert_eq(count_of(text, want), 1, "%s", want);
	}
	cr_assert_eq(count_of(text, "# TYPE "), i);
}

/* Every route busy with every status: far more text than the first
 * buffer, so the buffer must grow and stay intact. */
Test(metrics, large_output_grows_buffer)
{
	static struct route many[SHM_MAX_ROUTES];
	static char patterns[SHM_MAX_ROUTES][32];
	const struct route *table[SHM_MAX_ROUTES];
	size_t i, len;
	char *text;
	int s;

	for (i = 0; i < SHM_MAX_ROUTES; i++) {
		snprintf(patterns[i], sizeof(patterns[i]), "/api/v1/r%zu", i);
		many[i].method = HTTP_GET;
		many[i].pattern = patterns[i];
		table[i] = &many[i];
		for (s = 0; s < SHM_STATUS_SLOTS - 1; s++)
			metrics_observe_request((int)i, HTTP_GET, shm_status_codes[s],
				i * 1000);
	}
	text = metrics_render(arena, table, SHM_MAX_ROUTES, NULL, &len);
	cr_assert_not_null(text);
	cr_assert_gt(len, 500000);
	cr_assert_eq(strlen(text), len);
	cr_assert_eq(count_of(text, "devforge_http_requests_total{"),
		(size_t)SHM_MAX_ROUTES * (SHM_STATUS_SLOTS - 1));
	cr_assert_eq(value_of(text, "devforge_http_request_duration_seconds_count"
		"{method=\"GET\",route=\"/api/v1/r255\"}"), SHM_STATUS_SLOTS - 1);
	assert_exposition_ok(text, len);
}

/* Slots past the router's table are from no route this binary knows. */
Test(metrics, skips_slots_without_route)
{
	size_t len;
	char *text;

	metrics_observe_request(7, HTTP_GET, 200, 100);
	text = render(&len);
	cr_assert_eq(count_of(text, "devforge_http_requests_total{"), 0);
	cr_assert_eq(count_of(text, "_bucket{method="), 0);
}

Test(metrics_nosegment, records_nothing_and_renders_zeros)
{
	struct arena *a = arena_new(4096);
	size_t len;
	char *text;

	cr_assert_not_null(a);
	shm_current = NULL;
	metrics_observe_request(0, HTTP_GET, 200, 100);
	metrics_observe_db(100, 0);
	text = metrics_render(a, routes, NROUTES, NULL, &len);
	cr_assert_not_null(text);
	cr_assert_eq(count_of(text, "devforge_http_requests_total{"), 0);
	cr_assert_eq(value_of(text, "devforge_db_queries_total"), 0);
	cr_assert_eq(value_of(text,
		"devforge_db_query_duration_seconds_bucket{le=\"+Inf\"}"), 0);
	assert_exposition_ok(text, len);
	arena_free(a);
}

/* A request that matched no route keeps its own method label (a scan of
 * DELETEs shows as DELETE); a method the server does not know is OTHER,
 * never the empty label it used to get. */
Test(metrics, unmatched_requests_keep_their_method)
{
	size_t len;
	char *text;

	metrics_observe_request(-1, HTTP_DELETE, 404, 100);
	metrics_observe_request(-1, HTTP_DELETE, 404, 100);
	metrics_observe_request(-1, HTTP_POST, 404, 100);
	metrics_observe_request(-1, HTTP_OTHER, 405, 100);
	metrics_observe_request(-1, 99, 404, 100);
	text = render(&len);
	cr_assert_eq(requests_total(text, "DELETE", "unmatched", "404"), 2);
	cr_assert_eq(requests_total(text, "POST", "unmatched", "404"), 1);
	cr_assert_eq(requests_total(text, "OTHER", "unmatched", "405"), 1);
	cr_assert_eq(requests_total(text, "OTHER", "unmatched", "404"), 1);
	cr_assert_eq(count_of(text, "method=\"\""), 0);
	assert_exposition_ok(text, len);
}

/* Quantiles interpolate within the bucket the rank falls in, from its
 * lower bound to its upper one, as histogram_quantile does. */
Test(metrics, quantiles_interpolate_within_buckets)
{
	static const uint64_t bounds[3] = { 1000, 2000, UINT64_MAX };
	uint64_t b1[3] = { 0, 10, 0 };
	uint64_t b2[3] = { 5, 5, 0 };
	uint64_t b3[3] = { 0, 0, 4 };
	uint64_t none[3] = { 0, 0, 0 };

	/* All ten in (1000, 2000]: the median is half way through. */
	cr_assert_float_eq(metrics_quantile_us(b1, bounds, 3, 0.5), 1500, 1e-9);
	cr_assert_float_eq(metrics_quantile_us(b1, bounds, 3, 0.9), 1900, 1e-9);
	/* Half in the first bucket: p50 is its upper bound, p95 is 90% of
	 * the way through the second. */
	cr_assert_float_eq(metrics_quantile_us(b2, bounds, 3, 0.5), 1000, 1e-9);
	cr_assert_float_eq(metrics_quantile_us(b2, bounds, 3, 0.95), 1900, 1e-9);
	/* Beyond the last finite bound: that bound. */
	cr_assert_float_eq(metrics_quantile_us(b3, bounds, 3, 0.99), 2000, 1e-9);
	cr_assert_float_eq(metrics_quantile_us(none, bounds, 3, 0.5), 0, 1e-9);
}

/* Each request counts in its minute of the ring; a minute's slot met
 * again an hour later starts from zero. */
Test(metrics, minute_ring_counts_and_resets)
{
	uint64_t m = 29000000;  /* a minute number */
	const struct shm_minute *slot = &seg->minutes[m % SHM_MINUTES];

	shm_minute_observe(m * 60 + 5, 200, 300);
	shm_minute_observe(m * 60 + 59, 503, 3000);
	cr_assert_eq(slot->minute, m);
	cr_assert_eq(slot->requests, 2);
	cr_assert_eq(slot->errors, 1);
	cr_assert_eq(slot->buckets[0], 1);
	cr_assert_eq(slot->buckets[1], 1);
	/* The same slot an hour on: cleared, then counted. */
	shm_minute_observe((m + SHM_MINUTES) * 60, 200, 100);
	cr_assert_eq(slot->minute, m + SHM_MINUTES);
	cr_assert_eq(slot->requests, 1);
	cr_assert_eq(slot->errors, 0);
	/* A clock stepped back does not reopen the old minute. */
	shm_minute_observe(m * 60 + 1, 200, 100);
	cr_assert_eq(slot->requests, 1);
}

/* Build info, the workers' gauges and what the scrape read from the
 * database; series it did not read are left out, not shown as 0. */
Test(metrics, pool_and_scrape_series)
{
	struct metrics_job jobs[2] = { { "backup", 1700000000 },
		{ "never", 0 } };
	struct metrics_scrape sc = { 1, 1, 1, 7, jobs, 2 };
	size_t len;
	char *text;
	int slot;

	seg->workers_configured = 4;
	slot = shm_worker_register((uint64_t)getpid(), 1);
	cr_assert_geq(slot, 0);
	shm_worker_busy(slot, 1);
	text = metrics_render(arena, routes, NROUTES, &sc, &len);
	cr_assert_not_null(text);
	cr_assert_not_null(strstr(text, "\ndevforge_build_info{version=\""));
	cr_assert_not_null(strstr(text, "\ndevforge_workers{state=\"busy\"} 1\n"));
	cr_assert_not_null(strstr(text, "\ndevforge_workers{state=\"idle\"} 0\n"));
	cr_assert_not_null(strstr(text, "\ndevforge_workers_configured 4\n"));
	cr_assert_not_null(strstr(text, "\ndevforge_ready 1\n"));
	cr_assert_not_null(strstr(text, "\ndevforge_mail_outbox_pending 7\n"));
	cr_assert_not_null(strstr(text,
		"\ndevforge_job_last_success_timestamp_seconds{name=\"backup\"} 1700000000\n"));
	cr_assert_null(strstr(text, "job=\"never\""));
	/* This process is the one live worker: its memory shows. */
	cr_assert_null(strstr(text, "\ndevforge_process_resident_memory_bytes 0\n"));
	cr_assert_not_null(strstr(text, "\ndevforge_process_cpu_seconds_total "));
	assert_exposition_ok(text, len);
	shm_worker_unregister(slot);
	text = metrics_render(arena, routes, NROUTES, NULL, &len);
	cr_assert_not_null(strstr(text, "\ndevforge_workers{state=\"busy\"} 0\n"));
	cr_assert_null(strstr(text, "devforge_ready"));
	cr_assert_null(strstr(text, "devforge_mail_outbox_pending"));
}
