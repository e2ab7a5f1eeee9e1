/* Stores: downloads. */
/* Download statistics. A download is counted off the hot path: the
 * request only queues (version, UTC day, keyed hash of the user or the
 * client address) in the shared segment; a worker writes the queue in a
 * batch at most every downloads_flush_seconds (after a request, or when
 * idle: see main.c), and all of it on a clean stop. Counts never bump a
 * cache generation: a shown count lags by at most the flush interval
 * plus cache_counts_max_age_seconds. The owner and admins read the
 * per-version, per-day series from GET .../stats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "problem.h"
#include "router.h"
#include "shm.h"
#include "store/downloads.h"

#define STATS_DEFAULT_DAYS 30
#define STATS_MAX_DAYS 366

/* The key of the client hashes, derived from the JWT secret so there is
 * no further secret to manage; rotating that secret only starts the
 * day's unique counts afresh. */
static unsigned char dl_key[32];

int api_dl_init(const struct config *cfg)
{
	config_derive_key(cfg, "devforge download-unique v1", dl_key);
	return 0;
}

static int group_cmp(const void *a, const void *b)
{
	const struct store_dl_group *x = a, *y = b;

	if (x->version_id != y->version_id)
		return x->version_id < y->version_id ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return memcmp(x->client, y->client, sizeof(x->client));
}

/* Sorts events into groups in place: equal (version, day, client)
 * become one group with their count. Returns the number of groups. */
static size_t group_events(struct store_dl_group *g, size_t n)
{
	size_t i, out = 0;

	qsort(g, n, sizeof(*g), group_cmp);
	for (i = 0; i < n; i++) {
		if (out > 0 && group_cmp(&g[out - 1], &g[i]) == 0) {
			g[out - 1].count += g[i].count;
			continue;
		}
		g[out++] = g[i];
	}
	return out;
}

/* One batch: claims what is pending, writes it, and frees the slots, or
 * gives them back when the write failed. 1 when a batch was written, 0
 * when nothing was pending, or a negative df_err. */
static int flush_batch(struct arena *a)
{
	struct shm_dl_event *ev;
	struct store_dl_group *g;
	uint32_t *idx;
	size_t n, ng, i;
	int rc;

	ev = arena_alloc(a, SHM_DL_SLOTS * sizeof(*ev));
	idx = arena_alloc(a, SHM_DL_SLOTS * sizeof(*idx));
	g = arena_alloc(a, SHM_DL_SLOTS * sizeof(*g));
	if (ev == NULL || idx == NULL || g == NULL)
		return DF_ENOMEM;
	n = shm_dl_claim(ev, idx, SHM_DL_SLOTS);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		g[i].extension_id = ev[i].extension_id;
		g[i].version_id = ev[i].version_id;
		g[i].day = ev[i].day;
		memcpy(g[i].client, ev[i].client, sizeof(g[i].client));
		g[i].count = 1;
	}
	ng = group_events(g, n);
	rc = store_dl_write(a, g, ng);
	shm_dl_release(idx, n, rc == 0);
	if (rc != 0) {
		shm_count(SHM_C_DL_FLUSH_FAILED, 1);
		log_msg(LOG_WARN, "download counts not written (%s); %zu kept "
			"for the next flush", df_strerror(rc), n);
		return rc;
	}
	return 1;
}

int api_dl_flush(struct arena *a, int all)
{
	int rc;

	do
		rc = flush_batch(a);
	while (all && rc == 1);
	return rc < 0 ? rc : 0;
}

int api_dl_tick(struct arena *a, unsigned interval_s, int *wait_ms)
{
	return api_flush_tick(a, interval_s, wait_ms, shm_dl_due, shm_dl_pending,
		api_dl_flush);
}

int api_dl_record(struct request *req, int64_t extension_id,
	int64_t version_id)
{
	struct shm_dl_event ev;
	struct store_dl_group g;
	unsigned char mac[32];
	char who[96];
	int64_t uid = api_caller_id(req);
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.extension_id = extension_id;
	ev.version_id = version_id;
	ev.day = (uint32_t)(time(NULL) / 86400);
	/* The day goes into the hash: the same client on two days gives
	 * two unrelated values. */
	if (uid > 0)
		snprintf(who, sizeof(who), "%u|u:%lld", (unsigned)ev.day,
			(long long)uid);
	else
		snprintf(who, sizeof(who), "%u|a:%s", (unsigned)ev.day,
			req->remote_addr != NULL ? req->remote_addr : "");
	crypto_hmac_sha256(dl_key, sizeof(dl_key), who, strlen(who), mac);
	memcpy(ev.client, mac, sizeof(ev.client));

	if (shm_dl_push(&ev) == 0)
		return 0;
	/* The queue is full (or there is no segment): make room by writing
	 * it now, and when that is not enough write this one directly. Slow,
	 * but a count is never dropped. */
	shm_count(SHM_C_DL_SYNC_WRITES, 1);
	/* A flush that fails leaves this one to the direct write. */
	if (shm_current != NULL && api_dl_flush(req->arena, 0) == 0 &&
	    shm_dl_push(&ev) == 0)
		return 0;
	memset(&g, 0, sizeof(g));
	g.extension_id = ev.extension_id;
	g.version_id = ev.version_id;
	g.day = ev.day;
	memcpy(g.client, ev.client, sizeof(g.client));
	g.count = 1;
	rc = store_dl_write(req->arena, &g, 1);
	return rc;
}

static const char *format_day(struct request *req, int64_t day)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;
	char buf[16];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) != 10)
		return NULL;
	return arena_strdup(req->arena, buf);
}

static const struct query_param stats_query[] = {
	{ .name = "to", .kind = QP_DATE },
	{ .name = "from", .kind = QP_DATE },
};

/* The days asked for: to defaults to today, from to STATS_DEFAULT_DAYS
 * before to. */
static void stats_span(const struct request *req, int64_t *from, int64_t *to)
{
	*to = router_query_int(req, "to", (int64_t)(time(NULL) / 86400));
	*from = router_query_int(req, "from", *to - (STATS_DEFAULT_DAYS - 1));
}

/* The route's check: the span, once both days are read. */
static int stats_check(struct request *req)
{
	int64_t from, to;

	if (problem_error_count(req) > 0)
		return 0;
	stats_span(req, &from, &to);
	api_check_span(req, from, to, STATS_MAX_DAYS, "the span is at most 366 days");
	return 0;
}

static int stats(struct request *req)
{
	const char *from_s, *to_s;
	struct json_object *o, *items;
	struct store_dl_day *rows;
	struct store_ext e;
	int64_t from, to;
	int64_t total = 0, uniq = 0;
	size_t n, i;
	int rc;

	stats_span(req, &from, &to);

	/* The visibility rule of the listing, then the owner's: everyone
	 * else gets the 404 of a listing they may not manage. */
	rc = api_ext_load(req, 0, 0, &e);
	if (rc != 0)
		return rc;
	if (!api_ext_manager(req, &e))
		return DF_ENOTFOUND;
	from_s = format_day(req, from);
	to_s = format_day(req, to);
	if (from_s == NULL || to_s == NULL)
		return DF_ENOMEM;
	rc = store_dl_series(req->arena, e.id, from_s, to_s, &rows, &n);
	if (rc != 0)
		return rc;

	o = json_new_object(req);
	items = json_new_array(req);
	if (o == NULL || json_set(o, "items", items))
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_new_object(req);

		if (json_push(items, it) != 0 ||
		    json_set_str(it, "version", rows[i].version) ||
		    json_set_str(it, "day", rows[i].day) ||
		    json_set_int(it, "total", rows[i].total) ||
		    json_set_int(it, "unique", rows[i].unique))
			return DF_ENOMEM;
		total += rows[i].total;
		uniq += rows[i].unique;
	}
	if (json_set_str(o, "extension", e.slug) ||
	    json_set_str(o, "from", from_s) || json_set_str(o, "to", to_s) ||
	    json_set_int(o, "total", total) || json_set_int(o, "unique", uniq))
		return DF_ENOMEM;
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "private, no-store");
	return rc;
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/extensions/{slug}/stats",
	  .handler = stats, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(stats_query), .check = stats_check },
};

const struct route_table api_downloads_table = {
	"downloads", routes, sizeof(routes) / sizeof(routes[0])
};
