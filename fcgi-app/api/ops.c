/* Stores: ops, signing_keys. */
/* What an operator checks and watches, admins only:
 * POST /api/v1/admin/integration/validate runs every check of the
 * deployment now (database, replica, migrations, shared segment, package
 * storage, mail outbox, signing keys, webhook secret, clock) and answers
 * each with pass / warn / fail; GET /api/v1/admin/performance reads the
 * shared segment's per-route histograms and per-minute ring and MariaDB's
 * statement digests; GET /api/v1/admin/system says what runs where, the
 * configuration without its secrets. Nothing here is cached: each answer
 * is a measurement. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "metrics.h"
#include "shm.h"
#include "signed.h"
#include "store/ops.h"
#include "store/signing_keys.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

/* Thresholds, documented in docs/OPERATIONS.md. */
#define OPS_STORAGE_WARN_FREE 0.10      /* share of the file system */
#define OPS_OUTBOX_WARN_AGE_S 900       /* oldest undelivered mail */
#define OPS_OUTBOX_FAIL_AGE_S 3600
#define OPS_CLOCK_WARN_S 2.0
#define OPS_SLOW_STATEMENTS 10
/* The example webhook secret shipped in conf/secrets.example. */
static const char example_webhook_secret[] =
	"whsec_example-not-secret-change-me";

enum ops_status { OPS_PASS = 0, OPS_WARN, OPS_FAIL };
static const char *const status_names[] = { "pass", "warn", "fail" };

/* RFC 3339 UTC of unix seconds t into buf (>= 21 bytes). */
static void fmt_time(char *buf, size_t size, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One check's verdict: its status and a line saying what was found. */
struct check {
	enum ops_status status;
	char detail[256];
};

typedef void (*check_fn)(struct request *req, struct check *c);

static void verdict(struct check *c, enum ops_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verdict(struct check *c, enum ops_status s, const char *fmt, ...)
{
	va_list ap;

	c->status = s;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

static void check_database(struct request *req, struct check *c)
{
	double ms = 0;

	(void)req;
	if (db_ping(&ms) != 0)
		verdict(c, OPS_FAIL, "the database does not answer");
	else
		verdict(c, OPS_PASS, "SELECT 1 answered in %.3f ms", ms);
}

static void check_replica(struct request *req, struct check *c)
{
	(void)req;
	/* The configuration has no replica key: reads and writes go to
	 * the one server. Said as a warning, so an operator who believes
	 * there is one sees that the application does not use it. */
	verdict(c, OPS_WARN, "not configured");
}

static void check_migrations(struct request *req, struct check *c)
{
	int db_ok, mig_ok;
	double ms;
	int64_t current;
	const char *st;

	(void)req;
	api_health_check(&db_ok, &ms, &current, &mig_ok, &st);
	if (mig_ok)
		verdict(c, OPS_PASS, "schema at version %lld, as this build "
			"expects", (long long)current);
	else if (!db_ok)
		verdict(c, OPS_FAIL, "the database does not answer");
	else
		verdict(c, OPS_FAIL, "schema %s: at version %lld, this build "
			"expects %lld", st, (long long)current,
			(long long)api_health_expected_version());
}

static void check_shm(struct request *req, struct check *c)
{
	const struct shm_segment *seg = shm_current;
	char at[32];
	time_t now = time(NULL);

	(void)req;
	if (seg == NULL) {
		verdict(c, OPS_FAIL, "not attached: rate limits, metrics and "
			"the cache are per worker");
		return;
	}
	fmt_time(at, sizeof(at), (time_t)seg->created_unix);
	verdict(c, OPS_PASS, "attached: %llu bytes, created %s (%lld s ago)",
		(unsigned long long)seg->size, at,
		(long long)(now - (time_t)seg->created_unix));
}

static void check_storage(struct request *req, struct check *c)
{
	const char *dir = req->cfg->storage_dir;
	char path[4096];
	struct statvfs vfs;
	double free_share;
	int fd;

	if (dir == NULL || dir[0] == '\0') {
		verdict(c, OPS_FAIL, "storage_dir is not set");
		return;
	}
	/* Writable is proved by writing: a mode bit says nothing about a
	 * read-only mount, a full disk or a foreign owner. */
	if ((size_t)snprintf(path, sizeof(path), "%s/.validate-XXXXXX", dir) >=
			sizeof(path)) {
		verdict(c, OPS_FAIL, "storage_dir is too long");
		return;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		verdict(c, OPS_FAIL, "cannot create a file in storage_dir: %s",
			strerror(errno));
		return;
	}
	if (write(fd, "ok\n", 3) != 3) {
		int e = errno;

		close(fd);
		unlink(path);
		verdict(c, OPS_FAIL, "cannot write to storage_dir: %s",
			strerror(e));
		return;
	}
	close(fd);
	if (unlink(path) != 0) {
		verdict(c, OPS_FAIL, "cannot remove a file from storage_dir: %s",
			strerror(errno));
		return;
	}
	if (statvfs(dir, &vfs) != 0 || vfs.f_blocks == 0) {
		verdict(c, OPS_WARN, "writable; free space unknown");
		return;
	}
	free_share = (double)vfs.f_bavail / (double)vfs.f_blocks;
	verdict(c, free_share < OPS_STORAGE_WARN_FREE ? OPS_WARN : OPS_PASS,
		"writable; %llu MiB free (%.1f%%)",
		(unsigned long long)((uint64_t)vfs.f_bavail * vfs.f_frsize /
			(1024 * 1024)), free_share * 100.0);
}

static void check_outbox(struct request *req, struct check *c)
{
	int64_t pending = 0, age = 0;

	(void)req;
	if (store_ops_outbox(&pending, &age) != 0) {
		verdict(c, OPS_FAIL, "cannot read the outbox");
		return;
	}
	verdict(c, age >= OPS_OUTBOX_FAIL_AGE_S ? OPS_FAIL :
		age >= OPS_OUTBOX_WARN_AGE_S ? OPS_WARN : OPS_PASS,
		"%lld undelivered, the oldest %lld s old",
		(long long)pending, pending > 0 ? (long long)age : 0ll);
}

static void check_keys(struct request *req, struct check *c)
{
	const struct config *cfg = req->cfg;
	struct signed_keyring ring;
	const char *kid = signed_kid();
	size_t i;
	int active = 0;

	if (cfg->jwt_secret == NULL || cfg->jwt_secret_len < 32) {
		verdict(c, OPS_FAIL, "the JWT key is missing or shorter than "
			"32 bytes");
		return;
	}
	if (kid == NULL) {
		verdict(c, OPS_FAIL, "JWT key present; no licence signing key "
			"loaded (license_signing_key_file)");
		return;
	}
	if (store_sigkeys_ring(&ring) != 0) {
		verdict(c, OPS_FAIL, "cannot read the signing keys");
		return;
	}
	for (i = 0; i < ring.n; i++)
		active |= strcmp(ring.kid[i], kid) == 0;
	if (!active)
		verdict(c, OPS_FAIL, "the loaded licence signing key %s is not "
			"an active key (retired or never registered)", kid);
	else
		verdict(c, OPS_PASS, "JWT key present; licence signing key %s "
			"loaded and active (%zu active)", kid, ring.n);
}

static void check_webhook(struct request *req, struct check *c)
{
	const char *s = req->cfg->stripe_webhook_secret;

	if (s == NULL || s[0] == '\0')
		verdict(c, OPS_WARN, "not configured: Stripe webhooks are "
			"refused");
	else if (strcmp(s, example_webhook_secret) == 0)
		verdict(c, OPS_FAIL, "the example secret from "
			"conf/secrets.example");
	else if (strncmp(s, "whsec_", 6) != 0)
		verdict(c, OPS_WARN, "configured, but not a Stripe signing "
			"secret (whsec_...)");
	else
		verdict(c, OPS_PASS, "configured");
}

static void check_clock(struct request *req, struct check *c)
{
	double before, db_s = 0, after, skew;

	(void)req;
	before = wall_now();
	if (store_ops_db_clock(&db_s) != 0) {
		verdict(c, OPS_FAIL, "cannot read the database's clock");
		return;
	}
	after = wall_now();
	/* The database read its clock somewhere within the round trip:
	 * compare with the middle of it. */
	skew = db_s - (before + after) / 2;
	if (skew > -0.0005 && skew < 0.0005)
		skew = 0; /* no "-0.000" */
	verdict(c, (skew > OPS_CLOCK_WARN_S || skew < -OPS_CLOCK_WARN_S) ? OPS_WARN : OPS_PASS,
		"the database's clock is %+.3f s from this worker's", skew);
}

static const struct {
	const char *name;
	check_fn fn;
} checks[] = {
	{ "database", check_database },
	{ "database_replica", check_replica },
	{ "migrations", check_migrations },
	{ "shared_segment", check_shm },
	{ "storage", check_storage },
	{ "mail_outbox", check_outbox },
	{ "signing_keys", check_keys },
	{ "webhook_secret", check_webhook },
	{ "clock", check_clock },
};

static int validate(struct request *req)
{
	struct json_object *o = json_new_object(req);
	struct json_object *arr = json_new_array(req);
	enum ops_status worst = OPS_PASS;
	char at[32];
	size_t i;

	if (o == NULL || arr == NULL)
		return DF_ENOMEM;
	fmt_time(at, sizeof(at), time(NULL));
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		struct json_object *co = json_new_object(req);
		struct check c = { OPS_PASS, "" };
		double t0 = mono_ms();

		checks[i].fn(req, &c);
		if (c.status > worst)
			worst = c.status;
		if (co == NULL ||
		    json_set_str(co, "name", checks[i].name) ||
		    json_set_str(co, "status", status_names[c.status]) ||
		    json_set_ms(co, "latency_ms", mono_ms() - t0) ||
		    json_set_str(co, "detail", c.detail) ||
		    json_push(arr, co))
			return DF_ENOMEM;
	}
	if (json_set_str(o, "status", status_names[worst]) ||
	    json_set_str(o, "checked_at", at) ||
	    json_set(o, "checks", arr))
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

/* ---- performance ---- */

struct route_row {
	const char *method, *route;
	uint64_t requests, errors;
	uint64_t buckets[SHM_HIST_BUCKETS];
};

static int by_requests(const void *a, const void *b)
{
	const struct route_row *x = a, *y = b;

	if (x->requests != y->requests)
		return x->requests < y->requests ? 1 : -1;
	return strcmp(x->route, y->route);
}

static int perf_routes(struct request *req, struct json_object *o)
{
	const struct shm_segment *seg = shm_current;
	struct json_object *arr = json_new_array(req);
	struct route_row *rows;
	size_t i, n = 0, slots = SHM_MAX_ROUTES + SHM_UNMATCHED_SLOTS;
	int s, b;

	if (arr == NULL)
		return DF_ENOMEM;
	rows = arena_alloc(req->arena, slots * sizeof(*rows));
	if (rows == NULL)
		return DF_ENOMEM;
	for (i = 0; seg != NULL && i < slots; i++) {
		const struct shm_route_stats *rs = &seg->routes[i];
		struct route_row *r = &rows[n];

		if (!metrics_route_labels(req->router->flat,
				req->router->nroutes, i, &r->method, &r->route))
			continue;
		r->requests = r->errors = 0;
		for (s = 0; s < SHM_STATUS_SLOTS; s++) {
			uint64_t v = shm_load(&rs->by_status[s]);

			r->requests += v;
			/* The last slot holds every other status, 5xx or
			 * not: only the named 5xx slots count as errors. */
			if (s < SHM_STATUS_SLOTS - 1 &&
			    shm_status_codes[s] >= 500)
				r->errors += v;
		}
		if (r->requests == 0)
			continue;
		for (b = 0; b < SHM_HIST_BUCKETS; b++)
			r->buckets[b] = shm_load(&rs->latency.buckets[b]);
		n++;
	}
	qsort(rows, n, sizeof(*rows), by_requests);
	for (i = 0; i < n; i++) {
		struct json_object *ro = json_new_object(req);
		const struct route_row *r = &rows[i];

		if (ro == NULL ||
		    json_set_str(ro, "method", r->method) ||
		    json_set_str(ro, "route", r->route) ||
		    json_set_int(ro, "requests", (int64_t)r->requests) ||
		    json_set_int(ro, "errors", (int64_t)r->errors) ||
		    json_set_ratio(ro, "error_rate",
			(double)r->errors / (double)r->requests) ||
		    json_set_ms(ro, "p50_ms", metrics_quantile_us(r->buckets,
			shm_hist_bounds_us, SHM_HIST_BUCKETS, 0.50) / 1000.0) ||
		    json_set_ms(ro, "p95_ms", metrics_quantile_us(r->buckets,
			shm_hist_bounds_us, SHM_HIST_BUCKETS, 0.95) / 1000.0) ||
		    json_set_ms(ro, "p99_ms", metrics_quantile_us(r->buckets,
			shm_hist_bounds_us, SHM_HIST_BUCKETS, 0.99) / 1000.0) ||
		    json_push(arr, ro))
			return DF_ENOMEM;
	}
	return json_set(o, "routes", arr);
}

static int perf_cache(struct request *req, struct json_object *o)
{
	const struct shm_segment *seg = shm_current;
	struct json_object *c = json_new_object(req);
	uint64_t hits = seg ? shm_load(&seg->counters[SHM_C_CACHE_HITS]) : 0;
	uint64_t misses = seg ? shm_load(&seg->counters[SHM_C_CACHE_MISSES]) : 0;

	if (c == NULL ||
	    json_set_int(c, "hits", (int64_t)hits) ||
	    json_set_int(c, "misses", (int64_t)misses) ||
	    json_set_ratio(c, "hit_rate", hits + misses == 0 ? 0.0 :
		(double)hits / (double)(hits + misses)))
		return DF_ENOMEM;
	return json_set(o, "cache", c);
}

/* The last SHM_MINUTES minutes, oldest first, the current one last; a
 * slot still holding an older minute (no request since) reads as zeros. */
static int perf_series(struct request *req, struct json_object *o)
{
	const struct shm_segment *seg = shm_current;
	struct json_object *arr = json_new_array(req);
	uint64_t now_min = (uint64_t)time(NULL) / 60, m;
	char at[32];

	if (arr == NULL)
		return DF_ENOMEM;
	for (m = now_min - (SHM_MINUTES - 1); m <= now_min; m++) {
		struct json_object *p = json_new_object(req);
		uint64_t buckets[SHM_MINUTE_BUCKETS] = { 0 };
		uint64_t req_n = 0, err_n = 0;
		int b;

		if (seg != NULL) {
			const struct shm_minute *sm =
				&seg->minutes[m % SHM_MINUTES];

			if (shm_load(&sm->minute) == m) {
				req_n = shm_load(&sm->requests);
				err_n = shm_load(&sm->errors);
				for (b = 0; b < SHM_MINUTE_BUCKETS; b++)
					buckets[b] = shm_load(&sm->buckets[b]);
			}
		}
		fmt_time(at, sizeof(at), (time_t)(m * 60));
		if (p == NULL ||
		    json_set_str(p, "t", at) ||
		    json_set_int(p, "requests", (int64_t)req_n) ||
		    json_set_int(p, "errors", (int64_t)err_n) ||
		    json_set_ms(p, "p95_ms", metrics_quantile_us(buckets,
			shm_minute_bounds_us, SHM_MINUTE_BUCKETS, 0.95) /
			1000.0) ||
		    json_push(arr, p))
			return DF_ENOMEM;
	}
	return json_set(o, "series", arr);
}

static int perf_slow(struct request *req, struct json_object *o)
{
	struct json_object *so = json_new_object(req);
	struct json_object *arr = json_new_array(req);
	struct store_ops_stmt *st = NULL;
	size_t n = 0, i;
	int rc;

	if (so == NULL || arr == NULL)
		return DF_ENOMEM;
	rc = store_ops_slow_statements(req->arena, OPS_SLOW_STATEMENTS, &st,
		&n);
	if (rc == DF_ENOMEM)
		return rc;
	/* Off, or no grant on performance_schema: the rest of the answer
	 * stands, and the source says why this part is empty. */
	if (json_set_str(so, "source", rc == 0 ? "performance_schema" :
		"unavailable"))
		return DF_ENOMEM;
	for (i = 0; rc == 0 && i < n; i++) {
		struct json_object *it = json_new_object(req);

		if (it == NULL ||
		    json_set_str(it, "statement", st[i].statement) ||
		    json_set_int(it, "calls", st[i].calls) ||
		    json_set_ms(it, "avg_ms", st[i].avg_ms) ||
		    json_set_ms(it, "max_ms", st[i].max_ms) ||
		    json_set_ms(it, "total_ms", st[i].total_ms) ||
		    json_push(arr, it))
			return DF_ENOMEM;
	}
	if (json_set(so, "items", arr))
		return DF_ENOMEM;
	return json_set(o, "slow_queries", so);
}

static int performance(struct request *req)
{
	struct json_object *o = json_new_object(req);
	char since[32];
	int rc;

	if (o == NULL)
		return DF_ENOMEM;
	if (shm_current != NULL)
		fmt_time(since, sizeof(since),
			(time_t)shm_current->created_unix);
	if ((shm_current != NULL ? json_set_str(o, "since", since) :
	     json_set(o, "since", NULL)))
		return DF_ENOMEM;
	rc = perf_routes(req, o);
	if (rc == 0)
		rc = perf_cache(req, o);
	if (rc == 0)
		rc = perf_series(req, o);
	if (rc == 0)
		rc = perf_slow(req, o);
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

/* ---- system ---- */

static const char *const log_level_names[] = {
	"debug", "info", "warn", "error"
};

/* The configuration an operator needs to see, never a secret: the
 * secrets' files are named (paths are not secret), their contents never
 * leave the worker; for each secret only whether it is set. */
static struct json_object *config_summary(struct request *req)
{
	const struct config *cfg = req->cfg;
	struct json_object *c = json_new_object(req);
	struct json_object *origins = json_new_array(req);
	struct json_object *db = json_new_object(req);
	struct json_object *tok = json_new_object(req);
	struct json_object *cache = json_new_object(req);
	struct json_object *pay = json_new_object(req);
	struct json_object *mail = json_new_object(req);
	size_t i;

	if (c == NULL || origins == NULL || db == NULL || tok == NULL ||
	    cache == NULL || pay == NULL || mail == NULL)
		return NULL;
	for (i = 0; i < cfg->ncors_origins; i++)
		if (json_push_str(origins, cfg->cors_origins[i]))
			return NULL;
	if (json_set_str(c, "public_url", cfg->public_url) ||
	    json_set(c, "cors_origins", origins) ||
	    json_set_int(c, "workers", cfg->workers) ||
	    json_set_str(db, "host", cfg->db_host) ||
	    json_set_int(db, "port", cfg->db_port) ||
	    json_set_str(db, "socket", cfg->db_socket) ||
	    json_set_str(db, "name", cfg->db_name) ||
	    json_set_str(db, "user", cfg->db_user) ||
	    json_set_str(db, "password_file", cfg->db_password_file) ||
	    json_set_int(db, "statement_timeout_ms",
		cfg->db_statement_timeout_ms) ||
	    json_set(c, "database", db) ||
	    json_set_str(tok, "issuer", cfg->jwt_issuer) ||
	    json_set_str(tok, "audience", cfg->jwt_audience) ||
	    json_set_str(tok, "secret_file", cfg->jwt_secret_file) ||
	    json_set_int(tok, "access_token_ttl", cfg->access_token_ttl) ||
	    json_set_int(tok, "refresh_token_ttl", cfg->refresh_token_ttl) ||
	    json_set(c, "tokens", tok) ||
	    json_set_int(cache, "max_entries", (int64_t)cfg->cache_max_entries) ||
	    json_set_int(cache, "max_bytes", (int64_t)cfg->cache_max_bytes) ||
	    json_set_int(cache, "max_age", cfg->cache_max_age) ||
	    json_set(c, "cache", cache) ||
	    json_set_str(c, "storage_dir", cfg->storage_dir) ||
	    json_set_str(c, "search_index_dir", cfg->search_index_dir) ||
	    json_set_int(c, "max_package_bytes", cfg->max_package_bytes) ||
	    json_set_str(c, "license_signing_key_file",
		cfg->license_signing_key_file) ||
	    json_set_str(pay, "api_base", cfg->stripe_api_base) ||
	    json_set_str(pay, "secret_key_file", cfg->stripe_secret_key_file) ||
	    json_set_str(pay, "webhook_secret_file",
		cfg->stripe_webhook_secret_file) ||
	    json_set_bool(pay, "webhook_secret_set",
		cfg->stripe_webhook_secret != NULL) ||
	    json_set_int(pay, "timeout_ms", cfg->stripe_timeout_ms) ||
	    json_set(c, "stripe", pay) ||
	    json_set_str(mail, "transport",
		cfg->mail_transport == CONFIG_MAIL_MAILDIR ? "maildir" :
		"sendmail") ||
	    json_set_str(mail, "from", cfg->mail_from) ||
	    json_set(c, "mail", mail) ||
	    json_set_str(c, "migrations_dir", cfg->migrations_dir) ||
	    json_set_str(c, "shm_name", cfg->shm_name) ||
	    json_set_str(c, "log_file", cfg->log_file) ||
	    json_set_str(c, "log_level", cfg->log_level >= 0 &&
		(size_t)cfg->log_level < sizeof(log_level_names) /
		sizeof(log_level_names[0]) ?
		log_level_names[cfg->log_level] : "unknown"))
		return NULL;
	return c;
}

static int system_get(struct request *req)
{
	const struct shm_segment *seg = shm_current;
	struct json_object *o = json_new_object(req);
	struct json_object *w = json_new_object(req);
	struct json_object *db = json_new_object(req);
	struct json_object *cfgj;
	unsigned running = 0, busy = 0;
	time_t now = time(NULL), started;
	int db_ok, mig_ok;
	double ms;
	int64_t version = 0;
	const char *mig;
	char *server = NULL;
	char at[32];

	if (o == NULL || w == NULL || db == NULL)
		return DF_ENOMEM;
	started = seg != NULL && seg->pool_started_unix != 0 ?
		(time_t)shm_load(&seg->pool_started_unix) : now;
	fmt_time(at, sizeof(at), started);
	metrics_workers(&running, &busy);
	api_health_check(&db_ok, &ms, &version, &mig_ok, &mig);
	if (db_ok && store_ops_server_version(req->arena, &server) != 0)
		server = NULL;
	cfgj = config_summary(req);
	if (cfgj == NULL ||
	    json_set_str(o, "version", PACKAGE_VERSION) ||
	    json_set_str(o, "mode", req->cfg->mode == CONFIG_PRODUCTION ?
		"production" : "development") ||
	    json_set_str(o, "started_at", at) ||
	    json_set_int(o, "uptime_seconds", (int64_t)(now - started)) ||
	    json_set_int(w, "configured", seg != NULL &&
		seg->workers_configured != 0 ?
		(int64_t)shm_load(&seg->workers_configured) :
		(int64_t)req->cfg->workers) ||
	    json_set_int(w, "running", running) ||
	    json_set_int(w, "busy", busy) ||
	    json_set(o, "workers", w) ||
	    json_set_str(db, "server_version", server) ||
	    (db_ok ? json_set_int(db, "schema_version", version) :
	     json_set(db, "schema_version", NULL)) ||
	    json_set(o, "database", db) ||
	    json_set(o, "config", cfgj))
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/admin/integration/validate",
	  .handler = validate, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/performance",
	  .handler = performance, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/system",
	  .handler = system_get, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
};

const struct route_table api_ops_table = {
	"ops", routes, sizeof(routes) / sizeof(routes[0])
};
