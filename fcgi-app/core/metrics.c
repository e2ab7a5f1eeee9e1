/* Request and database metrics recorded in the shared segment, so every
 * worker of a host adds to the same numbers, and their rendering in the
 * Prometheus text exposition format (version 0.0.4). */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "http.h"
#include "llm_chat.h"
#include "router.h"
#include "shm.h"
#include "upload.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

#define METRICS_INITIAL_CAP 16384

_Static_assert(HTTP_OPTIONS < SHM_UNMATCHED_SLOTS,
	"every method has its unmatched slot");

void metrics_observe_request(int route_index, int method, int status,
	uint64_t dur_us)
{
	struct shm_route_stats *rs;

	if (shm_current == NULL)
		return;
	if (route_index < 0 || route_index >= SHM_MAX_ROUTES) {
		/* No route: counted under the request's own method, so a
		 * scan of DELETEs shows as DELETE (unknown methods OTHER). */
		if (method < 0 || method >= SHM_UNMATCHED_SLOTS)
			method = HTTP_OTHER;
		route_index = SHM_MAX_ROUTES + method;
	}
	rs = &shm_current->routes[route_index];
	shm_add(&rs->by_status[shm_status_slot(status)], 1);
	shm_hist_observe(&rs->latency, dur_us);
	shm_minute_observe((uint64_t)time(NULL), status, dur_us);
}

double metrics_quantile_us(const uint64_t *buckets, const uint64_t *bounds_us,
	int n, double q)
{
	uint64_t total = 0, cum = 0;
	double rank, lower = 0;
	int i;

	for (i = 0; i < n; i++)
		total += buckets[i];
	if (total == 0)
		return 0;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	rank = q * (double)total;
	for (i = 0; i < n; i++) {
		uint64_t c = buckets[i];

		if (c > 0 && (double)(cum + c) >= rank) {
			if (bounds_us[i] == UINT64_MAX)
				return lower;
			return lower + ((double)bounds_us[i] - lower) *
				((rank - (double)cum) / (double)c);
		}
		cum += c;
		if (bounds_us[i] != UINT64_MAX)
			lower = (double)bounds_us[i];
	}
	return lower;
}

/* 1 when the worker slot's pid is a live process. */
static int worker_alive(uint64_t pid)
{
	return pid != 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH);
}

void metrics_workers(unsigned *running, unsigned *busy)
{
	unsigned r = 0, b = 0;
	int i;

	for (i = 0; shm_current != NULL && i < SHM_WORKER_SLOTS; i++) {
		const struct shm_worker_slot *w = &shm_current->workers[i];

		if (!worker_alive(shm_load(&w->pid)))
			continue;
		r++;
		if (shm_load(&w->busy))
			b++;
	}
	*running = r;
	*busy = b;
}

void metrics_cache_lookup(int hit)
{
	shm_count(hit ? SHM_C_CACHE_HITS : SHM_C_CACHE_MISSES, 1);
}

_Static_assert(SHM_C_LLM_FALLBACKS + 8 <= SHM_C__MAX &&
	LLM_FAIL_COUNT <= 8, "the fallback counters fit their slots");

void metrics_llm_fallback(unsigned reason)
{
	if (reason > LLM_OK && reason < LLM_FAIL_COUNT)
		shm_count(SHM_C_LLM_FALLBACKS + reason, 1);
}

void metrics_observe_db(uint64_t dur_us, int ok)
{
	if (shm_current == NULL)
		return;
	shm_hist_observe(&shm_current->db_latency, dur_us);
	shm_count(SHM_C_DB_QUERIES, 1);
	if (!ok)
		shm_count(SHM_C_DB_ERRORS, 1);
}

/* A growing string in the arena. The arena cannot resize in place, so a
 * full buffer is copied into one twice the size; what is left behind is
 * at most the size of the final text and goes with the request. */
struct mbuf {
	struct arena *a;
	char *p;
	size_t len;
	size_t cap;
	int failed;
};

static int mb_reserve(struct mbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (more < b->cap - b->len)
		return 0;
	cap = b->cap != 0 ? b->cap : METRICS_INITIAL_CAP;
	while (more >= cap - b->len) {
		if (cap > SIZE_MAX / 2) {
			b->failed = 1;
			return -1;
		}
		cap *= 2;
	}
	p = arena_alloc(b->a, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	if (b->len > 0)
		memcpy(p, b->p, b->len);
	b->p = p;
	b->cap = cap;
	return 0;
}

static void mb_put(struct mbuf *b, const char *s, size_t n)
{
	if (mb_reserve(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void mb_puts(struct mbuf *b, const char *s)
{
	mb_put(b, s, strlen(s));
}

static void mb_u64(struct mbuf *b, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

	mb_put(b, tmp, (size_t)n);
}

/* Microseconds as exact decimal seconds ("0.0025", "1", "12.000301"):
 * no floating point, so bucket bounds print the same everywhere. buf
 * holds at least 32 bytes; returns the length. */
static size_t fmt_seconds(char *buf, size_t size, uint64_t us)
{
	uint64_t whole = us / 1000000, frac = us % 1000000;
	int n;

	if (frac == 0)
		return (size_t)snprintf(buf, size, "%" PRIu64, whole);
	n = snprintf(buf, size, "%" PRIu64 ".%06" PRIu64, whole, frac);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	return (size_t)n;
}

static void mb_seconds(struct mbuf *b, uint64_t us)
{
	char tmp[32];

	mb_put(b, tmp, fmt_seconds(tmp, sizeof(tmp), us));
}

/* A label value escaped per the exposition format: backslash, double
 * quote and line feed are the only characters it reserves. */
static void mb_label_value(struct mbuf *b, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc;

		switch (*s) {
		case '\\': esc = "\\\\"; break;
		case '"': esc = "\\\""; break;
		case '\n': esc = "\\n"; break;
		default: continue;
		}
		mb_put(b, run, (size_t)(s - run));
		mb_puts(b, esc);
		run = s + 1;
	}
	mb_put(b, run, (size_t)(s - run));
}

/* The labels of one series; NULL names are left out, and with none at
 * all no braces are written. */
struct labels {
	const char *method;      /* with route: both or neither */
	const char *route;
	const char *key;         /* one more label, e.g. status or le */
	const char *value;
};

static void mb_labels(struct mbuf *b, const struct labels *l)
{
	int any = 0;

	if (l->route != NULL) {
		mb_puts(b, "{method=\"");
		mb_label_value(b, l->method != NULL ? l->method : "");
		mb_puts(b, "\",route=\"");
		mb_label_value(b, l->route);
		mb_puts(b, "\"");
		any = 1;
	}
	if (l->key != NULL) {
		mb_puts(b, any ? "," : "{");
		mb_puts(b, l->key);
		mb_puts(b, "=\"");
		mb_label_value(b, l->value);
		mb_puts(b, "\"");
		any = 1;
	}
	if (any)
		mb_puts(b, "}");
}

static void mb_family(struct mbuf *b, const char *name, const char *type,
	const char *help)
{
	mb_puts(b, "# HELP ");
	mb_puts(b, name);
	mb_puts(b, " ");
	mb_puts(b, help);
	mb_puts(b, "\n# TYPE ");
	mb_puts(b, name);
	mb_puts(b, " ");
	mb_puts(b, type);
	mb_puts(b, "\n");
}

static void mb_sample(struct mbuf *b, const char *name, const char *suffix,
	const struct labels *l, uint64_t v)
{
	mb_puts(b, name);
	mb_puts(b, suffix);
	mb_labels(b, l);
	mb_puts(b, " ");
	mb_u64(b, v);
	mb_puts(b, "\n");
}

/* One histogram's series. Buckets are stored per interval and rendered
 * cumulatively; _count is the +Inf bucket rather than the stored count,
 * so the two agree even while other workers are adding to them. */
static void mb_histogram(struct mbuf *b, const char *name,
	const char *method, const char *route, const struct shm_hist *h)
{
	struct labels l = { method, route, "le", NULL };
	uint64_t cum = 0;
	char le[32];
	int i;

	for (i = 0; i < SHM_HIST_BUCKETS; i++) {
		cum += shm_load(&h->buckets[i]);
		if (shm_hist_bounds_us[i] == UINT64_MAX) {
			l.value = "+Inf";
		} else {
			fmt_seconds(le, sizeof(le), shm_hist_bounds_us[i]);
			l.value = le;
		}
		mb_sample(b, name, "_bucket", &l, cum);
	}
	l.key = NULL;
	mb_puts(b, name);
	mb_puts(b, "_sum");
	mb_labels(b, &l);
	mb_puts(b, " ");
	mb_seconds(b, shm_load(&h->sum_us));
	mb_puts(b, "\n");
	mb_sample(b, name, "_count", &l, cum);
}

static uint64_t hist_total(const struct shm_hist *h)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < SHM_HIST_BUCKETS; i++)
		n += shm_load(&h->buckets[i]);
	return n;
}

/* The labels of route slot i, or 0 when it has none to show: slots past
 * the router's table belong to no route this binary knows. */
int metrics_route_labels(const struct route *const *routes, size_t nroutes,
	size_t i, const char **method, const char **route)
{
	if (i >= SHM_MAX_ROUTES + SHM_UNMATCHED_SLOTS)
		return 0;
	if (i >= SHM_MAX_ROUTES) {
		*method = http_method_name((enum http_method)(i -
			SHM_MAX_ROUTES));
		*route = "unmatched";
		return 1;
	}
	if (routes == NULL || i >= nroutes || routes[i] == NULL ||
			routes[i]->pattern == NULL)
		return 0;
	*method = http_method_name(routes[i]->method);
	*route = routes[i]->pattern;
	return 1;
}

static void render_requests(struct mbuf *b, const struct shm_segment *seg,
	const struct route *const *routes, size_t nroutes)
{
	static const char name[] = "devforge_http_requests_total";
	struct labels l = { NULL, NULL, "status", NULL };
	char status[16];
	size_t i;
	int s;

	mb_family(b, name, "counter",
		"HTTP requests answered, by method, route pattern and status.");
	for (i = 0; seg != NULL && i < SHM_MAX_ROUTES + SHM_UNMATCHED_SLOTS; i++) {
		if (!metrics_route_labels(routes, nroutes, i, &l.method, &l.route))
			continue;
		for (s = 0; s < SHM_STATUS_SLOTS; s++) {
			uint64_t v = shm_load(&seg->routes[i].by_status[s]);

			if (v == 0)
				continue;
			if (s == SHM_STATUS_SLOTS - 1) {
				l.value = "other";
			} else {
				snprintf(status, sizeof(status), "%d",
					shm_status_codes[s]);
				l.value = status;
			}
			mb_sample(b, name, "", &l, v);
		}
	}
}

static void render_latency(struct mbuf *b, const struct shm_segment *seg,
	const struct route *const *routes, size_t nroutes)
{
	static const char name[] = "devforge_http_request_duration_seconds";
	const char *method, *route;
	size_t i;

	mb_family(b, name, "histogram",
		"Time from the start of a request to its answer, by method and route pattern.");
	for (i = 0; seg != NULL && i < SHM_MAX_ROUTES + SHM_UNMATCHED_SLOTS; i++) {
		if (!metrics_route_labels(routes, nroutes, i, &method, &route))
			continue;
		if (hist_total(&seg->routes[i].latency) == 0)
			continue;
		mb_histogram(b, name, method, route, &seg->routes[i].latency);
	}
}

static uint64_t counter(const struct shm_segment *seg, unsigned c)
{
	return seg != NULL ? shm_load(&seg->counters[c]) : 0;
}

static void render_counter(struct mbuf *b, const struct shm_segment *seg,
	const char *name, const char *help, unsigned c)
{
	struct labels none = { NULL, NULL, NULL, NULL };

	mb_family(b, name, "counter", help);
	mb_sample(b, name, "", &none, counter(seg, c));
}

static const char *const rl_class_names[] = {
	[RL_DEFAULT] = "default", [RL_AUTH] = "auth",
	[RL_LICENSE] = "license", [RL_ANALYTICS] = "analytics",
	[RL_ASSISTANT] = "assistant"
};

static void render_counters(struct mbuf *b, const struct shm_segment *seg)
{
	static const struct shm_hist no_hist;
	struct labels l = { NULL, NULL, NULL, NULL };
	const char *name;
	unsigned i;

	name = "devforge_db_query_duration_seconds";
	mb_family(b, name, "histogram", "Database round trips, by duration.");
	mb_histogram(b, name, NULL, NULL,
		seg != NULL ? &seg->db_latency : &no_hist);

	render_counter(b, seg, "devforge_db_queries_total",
		"Database statements run.", SHM_C_DB_QUERIES);
	render_counter(b, seg, "devforge_db_errors_total",
		"Database statements that failed.", SHM_C_DB_ERRORS);
	render_counter(b, seg, "devforge_db_reconnects_total",
		"Reconnections to the database.", SHM_C_DB_RECONNECTS);
	render_counter(b, seg, "devforge_db_unavailable_total",
		"Requests answered 503 because the database was unreachable.",
		SHM_C_DB_UNAVAILABLE);
	render_counter(b, seg, "devforge_db_statement_timeouts_total",
		"Database statements stopped by the statement bound "
		"(db_statement_timeout_ms).",
		SHM_C_DB_STMT_TIMEOUTS);
	render_counter(b, seg, "devforge_cache_hits_total",
		"Answers served from the response cache.", SHM_C_CACHE_HITS);
	render_counter(b, seg, "devforge_cache_misses_total",
		"Cacheable answers that had to be computed.",
		SHM_C_CACHE_MISSES);
	render_counter(b, seg, "devforge_downloads_sync_writes_total",
		"Downloads written by their request: the queue was full.",
		SHM_C_DL_SYNC_WRITES);
	render_counter(b, seg, "devforge_downloads_flush_failures_total",
		"Batches of download counts rolled back (kept for the next).",
		SHM_C_DL_FLUSH_FAILED);
	render_counter(b, seg, "devforge_support_sla_breaches_total",
		"Support SLA targets marked breached by the sla-breach job.",
		SHM_C_SLA_BREACHES);
	name = "devforge_assistant_llm_fallbacks_total";
	mb_family(b, name, "counter",
		"Assistant answers where the language model's was not used and "
		"the retrieval answer went out instead, by reason.");
	l.key = "reason";
	for (i = LLM_OK + 1; i < LLM_FAIL_COUNT; i++) {
		l.value = llm_fail_name((enum llm_fail)i);
		mb_sample(b, name, "", &l, counter(seg, SHM_C_LLM_FALLBACKS + i));
	}
	l.key = NULL;
	l.value = NULL;
	name = "devforge_downloads_pending";
	mb_family(b, name, "gauge",
		"Downloads queued in the shared segment, not yet written.");
	mb_sample(b, name, "", &l, seg != NULL ? shm_load(&seg->dl_pending) : 0);

	name = "devforge_ratelimit_refused_total";
	mb_family(b, name, "counter",
		"Requests refused with 429 by a rate limit, by limit class.");
	l.key = "class";
	for (i = 0; i < sizeof(rl_class_names) / sizeof(rl_class_names[0]);
			i++) {
		l.value = rl_class_names[i];
		mb_sample(b, name, "", &l, counter(seg, SHM_C_RL_REFUSED + i));
	}

	name = "devforge_logins_total";
	mb_family(b, name, "counter", "Login attempts, by result.");
	l.key = "result";
	l.value = "ok";
	mb_sample(b, name, "", &l, counter(seg, SHM_C_LOGINS_OK));
	l.value = "failed";
	mb_sample(b, name, "", &l, counter(seg, SHM_C_LOGINS_FAILED));

	render_counter(b, seg, "devforge_worker_starts_total",
		"Worker processes started.", SHM_C_WORKER_STARTS);
	render_counter(b, seg, "devforge_worker_restarts_total",
		"Worker processes restarted after dying.",
		SHM_C_WORKER_RESTARTS);

	/* A reset of every counter above shows as a change of this one. */
	name = "devforge_shm_created_timestamp_seconds";
	mb_family(b, name, "gauge",
		"When the shared metrics segment was created (unix time).");
	l.key = NULL;
	mb_sample(b, name, "", &l, seg != NULL ? seg->created_unix : 0);
}

/* Package uploads stream to the workers and hold one each meanwhile. */
static void render_uploads(struct mbuf *b, struct shm_segment *seg)
{
	struct labels l = { NULL, NULL, NULL, NULL };
	const char *name = "devforge_uploads_in_progress";
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	mb_family(b, name, "gauge",
		"Package uploads being received by the workers now.");
	mb_sample(b, name, "", &l, upload_in_progress(seg,
		(uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u,
		upload_pid_alive));
}

/* utime + stime (clock ticks) and resident pages of one process, from
 * /proc/<pid>/stat and statm: 0, or -1 when it is gone or unreadable. */
static int proc_usage(uint64_t pid, uint64_t *ticks, uint64_t *pages)
{
	char path[64], buf[1024];
	unsigned long long ut, st, size, rss;
	const char *p;
	FILE *f;
	size_t n;
	int field;

	snprintf(path, sizeof(path), "/proc/%" PRIu64 "/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and parentheses: the
	 * fields after it start after its last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL)
		return -1;
	p++;
	/* Field 3 (state) follows; utime and stime are fields 14 and 15. */
	for (field = 2; field < 13 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	snprintf(path, sizeof(path), "/proc/%" PRIu64 "/statm", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%llu %llu", &size, &rss) != 2) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*ticks = ut + st;
	*pages = rss;
	return 0;
}

static void mb_gauge_double(struct mbuf *b, const char *name, double v)
{
	char tmp[48];
	int n = snprintf(tmp, sizeof(tmp), " %.3f\n", v);

	mb_puts(b, name);
	mb_put(b, tmp, (size_t)n);
}

/* Build, the pool's processes and what the scrape read from the
 * database. */
static void render_pool(struct mbuf *b, const struct shm_segment *seg,
	const struct metrics_scrape *sc)
{
	struct labels l = { NULL, NULL, "version", PACKAGE_VERSION };
	uint64_t ticks = 0, pages = 0;
	unsigned running = 0, busy = 0;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	const char *name;
	size_t i;

	name = "devforge_build_info";
	mb_family(b, name, "gauge", "The running build: always 1, by version.");
	mb_sample(b, name, "", &l, 1);

	for (i = 0; seg != NULL && i < SHM_WORKER_SLOTS; i++) {
		uint64_t pid = shm_load(&seg->workers[i].pid), t, p;

		if (!worker_alive(pid) || proc_usage(pid, &t, &p) != 0)
			continue;
		ticks += t;
		pages += p;
	}
	if (hz <= 0)
		hz = 100;
	if (page <= 0)
		page = 4096;
	l.key = NULL;
	l.value = NULL;
	name = "devforge_process_cpu_seconds_total";
	mb_family(b, name, "counter",
		"User and system CPU time of the pool's live workers, summed.");
	mb_gauge_double(b, name, (double)ticks / (double)hz);
	name = "devforge_process_resident_memory_bytes";
	mb_family(b, name, "gauge",
		"Resident memory of the pool's live workers, summed.");
	mb_sample(b, name, "", &l, pages * (uint64_t)page);

	metrics_workers(&running, &busy);
	name = "devforge_workers";
	mb_family(b, name, "gauge",
		"Live workers, by state: busy answering a request, or idle.");
	l.key = "state";
	l.value = "busy";
	mb_sample(b, name, "", &l, busy);
	l.value = "idle";
	mb_sample(b, name, "", &l, running - busy);
	l.key = NULL;
	l.value = NULL;
	name = "devforge_workers_configured";
	mb_family(b, name, "gauge", "Worker processes the pool is set to run.");
	mb_sample(b, name, "", &l,
		seg != NULL ? shm_load(&seg->workers_configured) : 0);

	if (sc == NULL)
		return;
	if (sc->have_ready) {
		name = "devforge_ready";
		mb_family(b, name, "gauge", "1 when the database answers and "
			"no migration is pending (checked at scrape), else 0.");
		mb_sample(b, name, "", &l, sc->ready ? 1 : 0);
	}
	if (sc->have_outbox) {
		name = "devforge_mail_outbox_pending";
		mb_family(b, name, "gauge",
			"Mails in the outbox not yet delivered (at scrape).");
		mb_sample(b, name, "", &l, sc->outbox_pending > 0 ?
			(uint64_t)sc->outbox_pending : 0);
	}
	if (sc->jobs != NULL) {
		name = "devforge_job_last_success_timestamp_seconds";
		mb_family(b, name, "gauge", "When each periodic job last "
			"finished successfully (unix time; from job_runs).");
		l.key = "name";
		for (i = 0; i < sc->njobs; i++) {
			if (sc->jobs[i].last_ok_unix <= 0)
				continue;
			l.value = sc->jobs[i].name;
			mb_sample(b, name, "", &l,
				(uint64_t)sc->jobs[i].last_ok_unix);
		}
	}
}

char *metrics_render(struct arena *a, const struct route *const *routes,
	size_t nroutes, const struct metrics_scrape *sc, size_t *len)
{
	struct mbuf b = { a, NULL, 0, 0, 0 };
	const struct shm_segment *seg = shm_current;

	if (mb_reserve(&b, METRICS_INITIAL_CAP / 2) != 0)
		return NULL;
	b.p[0] = '\0';
	render_requests(&b, seg, routes, nroutes);
	render_latency(&b, seg, routes, nroutes);
	render_counters(&b, seg);
	render_uploads(&b, shm_current);
	render_pool(&b, seg, sc);
	if (b.failed)
		return NULL;
	if (len != NULL)
		*len = b.len;
	return b.p;
}
