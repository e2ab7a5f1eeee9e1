/* devforgectl webhooks-send: delivers the events payments records about
 * developers' sales (webhook_events) to their endpoints. A pass fans new
 * events out (one delivery per subscribed active endpoint), then claims
 * due deliveries under a lease and POSTs each event's payload, signed
 * "DevForge-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t.body)>"
 * (Stripe's scheme, core/stripe_sig.h). A 2xx within WEBHOOK_TIMEOUT_MS
 * is a success; anything else is recorded and retried on a growing
 * schedule until 3 days after the series' first try, then the delivery
 * is failed. An endpoint that has failed without a success for 3 days
 * is disabled and its owner mailed. Delivery is at least once: a sender
 * killed between a POST and its record sends it again after the lease,
 * and receivers deduplicate by DevForge-Event-Id.
 *
 * libcurl is used directly, not core/httpc: a developer's URL needs what
 * a call to a known provider does not (refusing internal addresses at
 * connect time in production, discarding the answer's body unread). */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "ctl_opts.h"
#include "ctl_loop.h"
#include "ctl_webhooks.h"
#include "db.h"
#include "err.h"
#include "stripe_sig.h"
#include "store/devhooks.h"
#include "store/outbox.h"

#define WEBHOOK_BATCH 10              /* deliveries claimed at a time */
#define WEBHOOK_TIMEOUT_MS 10000      /* one POST, connect included */
#define WEBHOOK_CONNECT_MS 5000
#define WEBHOOK_FANOUT_BATCH 100
#define WEBHOOK_POLL_S 5              /* idle wait between passes */
#define WEBHOOK_WINDOW_S (3 * 86400)  /* retries, and failing, stop here */
#define WEBHOOK_USER_AGENT "DevForge-Webhooks/1"

static int verbose;


int ctl_webhooks_parse_time(const char *s, time_t *out)
{
	struct tm tm;
	char *end;
	int n = 0;

	if (s == NULL || *s == '\0')
		return -1;
	if (strspn(s, "0123456789") == strlen(s)) {
		unsigned long long v;

		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno != 0 || *end != '\0' || v > (unsigned long long)INT32_MAX * 4)
			return -1;
		*out = (time_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n == 0 || s[n] != '\0' || strlen(s) != 20)
		return -1;
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

int ctl_webhooks_parse(int argc, char **argv, int *optind,
	struct ctl_webhooks_opts *o)
{
	o->once = 0;
	o->now = 0;
	while (*optind < argc) {
		const char *a = argv[*optind], *v = NULL;
		int rc;

		if (strcmp(a, "--once") == 0) {
			o->once = 1;
			(*optind)++;
			continue;
		}
		rc = ctl_opt_value(argc, argv, optind, "webhooks-send", "--now",
			&v);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			fprintf(stderr, "devforgectl: webhooks-send: unknown option "
				"'%s'\n", a);
			return -1;
		}
		if (ctl_webhooks_parse_time(v, &o->now) != 0 || o->now == 0) {
			fprintf(stderr, "devforgectl: webhooks-send: --now must be "
				"unix seconds or RFC 3339 UTC "
				"(2026-01-02T03:04:05Z), not '%s'\n", v);
			return -1;
		}
	}
	/* A frozen clock in a service would never move on. */
	if (o->now != 0 && !o->once) {
		fprintf(stderr, "devforgectl: webhooks-send: --now needs --once\n");
		return -1;
	}
	return 0;
}

long ctl_webhooks_backoff_s(long attempts)
{
	static const long steps[] = { 60, 300, 1800, 7200, 18000, 36000, 43200 };
	size_t n = sizeof(steps) / sizeof(steps[0]);

	if (attempts < 1)
		attempts = 1;
	return (size_t)attempts <= n ? steps[attempts - 1] : steps[n - 1];
}

/* "YYYY-MM-DD HH:MM:SS" (UTC) of t, as the store takes the clock. */
static void sql_time(time_t t, char out[20])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static time_t clock_now(const struct ctl_webhooks_opts *o)
{
	return o->now != 0 ? o->now : time(NULL);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The answer's body is not kept: a receiver's text is no business of
 * ours, and this bounds what a hostile endpoint can make us hold. */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* In production an endpoint may not be this host or its private
 * networks (a URL is the developer's to choose: without this, webhooks
 * would let anyone probe the inside). Development delivers to loopback
 * for the tests and the dev stack. */
static int internal_address(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)(const void *)sa)
			->sin_addr.s_addr);

		return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
			(a >> 16) == 0xA9FE || (a >> 20) == 0xAC1 ||
			(a >> 16) == 0xC0A8 || (a >> 22) == (100u << 2 | 1) ||
			a >= 0xE0000000u;
	}
	if (sa->sa_family == AF_INET6) {
		const unsigned char *b = ((const struct sockaddr_in6 *)
			(const void *)sa)->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0xff, 0xff };
		int zero = 1;

		for (int i = 0; i < 15; i++)
			if (b[i] != 0)
				zero = 0;
		if (zero)    /* :: and ::1 */
			return 1;
		if (memcmp(b, mapped, 12) == 0) {
			struct sockaddr_in v4 = { .sin_family = AF_INET };

			memcpy(&v4.sin_addr, b + 12, 4);
			return internal_address((const struct sockaddr *)
				(const void *)&v4);
		}
		return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe &&
			(b[1] & 0xc0) == 0x80) || b[0] == 0xff;
	}
	return 1;
}

static curl_socket_t open_public(void *ctx, curlsocktype purpose,
	struct curl_sockaddr *addr)
{
	(void)ctx;
	if (purpose != CURLSOCKTYPE_IPCXN || internal_address(&addr->addr))
		return CURL_SOCKET_BAD;
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* POSTs the job's payload; fills o (status_code, error, duration,
 * succeeded). err holds o->error's text. */
static void post(const struct config *cfg, const struct store_devhooks_job *j,
	time_t now, struct store_devhooks_outcome *o, char *err, size_t errlen)
{
	char sig[160], h_sig[200], h_evt[300], h_del[80];
	struct curl_slist *hdr = NULL, *h;
	size_t len = strlen(j->payload);
	long code = 0;
	int64_t t0;
	CURLcode cc;
	CURL *c;

	memset(o, 0, sizeof(*o));
	err[0] = '\0';
	if (stripe_sig_header(j->secret, now, j->payload, len, sig,
	    sizeof(sig)) != 0) {
		snprintf(err, errlen, "cannot sign the payload");
		o->error = err;
		return;
	}
	snprintf(h_sig, sizeof(h_sig), "DevForge-Signature: %s", sig);
	snprintf(h_evt, sizeof(h_evt), "DevForge-Event-Id: %s", j->event_id);
	snprintf(h_del, sizeof(h_del), "DevForge-Delivery-Id: %s",
		j->delivery_pid);
	c = curl_easy_init();
	h = curl_slist_append(hdr, "Content-Type: application/json");
	if (h != NULL)
		h = curl_slist_append(hdr = h, h_sig);
	if (h != NULL)
		h = curl_slist_append(hdr = h, h_evt);
	if (h != NULL)
		h = curl_slist_append(hdr = h, h_del);
	if (h != NULL)
		h = curl_slist_append(hdr = h, "Expect:");
	if (c == NULL || h == NULL) {
		curl_slist_free_all(h != NULL ? h : hdr);
		if (c != NULL)
			curl_easy_cleanup(c);
		snprintf(err, errlen, "out of memory");
		o->error = err;
		return;
	}
	hdr = h;
	curl_easy_setopt(c, CURLOPT_URL, j->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, j->payload);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_USERAGENT, WEBHOOK_USER_AGENT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)WEBHOOK_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)WEBHOOK_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* A redirect is an answer (3xx: failed), never followed: it could
	 * lead anywhere. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (cfg->mode == CONFIG_PRODUCTION)
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public);
	t0 = mono_ms();
	cc = curl_easy_perform(c);
	o->duration_ms = mono_ms() - t0;
	if (o->duration_ms < 0)
		o->duration_ms = 0;
	if (cc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		o->status_code = (int)code;
		if (code >= 200 && code <= 299) {
			o->succeeded = 1;
		} else {
			snprintf(err, errlen, "HTTP %ld", code);
			o->error = err;
		}
	} else {
		snprintf(err, errlen, "%s", cc == CURLE_COULDNT_CONNECT &&
			cfg->mode == CONFIG_PRODUCTION ?
			"could not connect (internal addresses are refused)" :
			curl_easy_strerror(cc));
		o->error = err;
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
}

/* Inside the record's transaction: the owner's notice commits with the
 * endpoint's disabling. */
static int mail_disabled(void *ctx, const char *email, const char *username,
	const char *url)
{
	const struct config *cfg = ctx;
	char body[4096];

	snprintf(body, sizeof(body),
		"Hello %s,\n\n"
		"every delivery to your webhook endpoint\n\n  %s\n\n"
		"has failed for 3 days, so it has been disabled: no more events "
		"are sent to it.\n\n"
		"Once it answers again, re-enable it with\n"
		"PATCH %s/api/v1/developers/me/webhooks/{id} "
		"{\"status\": \"active\"};\n"
		"its pending deliveries are then retried. GET .../deliveries "
		"lists every attempt and its error.\n\n-- Dev Forge\n",
		username != NULL ? username : "developer", url,
		cfg->public_url != NULL ? cfg->public_url : "");
	return store_outbox_enqueue(email, "Your Dev Forge webhook endpoint "
		"was disabled", body, "webhook_disabled");
}

struct tally {
	size_t events, fanned, sent, failed, gave_up, disabled, db_errors;
};

/* The state after a failed attempt at now: the next try, or failed once
 * the series' window is over. */
static void schedule(const struct store_devhooks_job *j, time_t now,
	struct store_devhooks_outcome *o, char retry[20])
{
	time_t start = j->series_started != 0 ? (time_t)j->series_started : now;
	time_t end = start + WEBHOOK_WINDOW_S, next;

	o->disable_after_s = WEBHOOK_WINDOW_S;
	if (now >= end) {
		o->status = "failed";
		o->retry_at = NULL;
		return;
	}
	next = now + ctl_webhooks_backoff_s((long)j->attempts + 1);
	/* The last try falls on the window's end, not past it. */
	if (next > end)
		next = end;
	sql_time(next, retry);
	o->status = "pending";
	o->retry_at = retry;
}

static int pass(const struct config *cfg, const struct ctl_webhooks_opts *opt,
	struct arena *a, struct tally *t)
{
	char now_s[20];
	size_t ev, del;
	int rc;

	/* Fan out everything new first, so this pass delivers it. */
	do {
		sql_time(clock_now(opt), now_s);
		rc = store_devhooks_fan_out(now_s, WEBHOOK_FANOUT_BATCH, &ev, &del);
		if (rc != 0) {
			fprintf(stderr, "devforgectl: webhooks-send: cannot fan "
				"events out: %s\n", df_strerror(rc));
			t->db_errors++;
			return rc;
		}
		t->events += ev;
		t->fanned += del;
	} while (ev == WEBHOOK_FANOUT_BATCH && !ctl_loop_stopped());

	while (!ctl_loop_stopped()) {
		struct store_devhooks_job *j;
		size_t n;
		/* Long enough for every POST of the batch to time out. */
		unsigned lease = WEBHOOK_BATCH * (WEBHOOK_TIMEOUT_MS / 1000) + 60;

		arena_reset(a);
		sql_time(clock_now(opt), now_s);
		rc = store_devhooks_claim(a, now_s, WEBHOOK_BATCH, lease, &j, &n);
		if (rc != 0) {
			fprintf(stderr, "devforgectl: webhooks-send: cannot claim "
				"deliveries: %s\n", df_strerror(rc));
			t->db_errors++;
			return rc;
		}
		for (size_t i = 0; i < n; i++) {
			struct store_devhooks_outcome o;
			char err[256], retry[20];
			time_t now = clock_now(opt);
			int disabled = 0;

			post(cfg, &j[i], now, &o, err, sizeof(err));
			if (!o.succeeded)
				schedule(&j[i], now, &o, retry);
			sql_time(now, now_s);
			rc = store_devhooks_record(a, &j[i], now_s, &o, mail_disabled,
				(void *)cfg, &disabled);
			if (rc != 0) {
				/* Sent or not, it is tried again after its lease. */
				t->db_errors++;
				fprintf(stderr, "devforgectl: webhooks-send: delivery %s: "
					"the attempt could not be recorded (%s); it is "
					"tried again after its lease\n", j[i].delivery_pid,
					df_strerror(rc));
				continue;
			}
			if (o.succeeded)
				t->sent++;
			else if (strcmp(o.status, "failed") == 0)
				t->gave_up++;
			else
				t->failed++;
			t->disabled += (size_t)disabled;
			if (verbose || !o.succeeded)
				fprintf(o.succeeded ? stdout : stderr, "%sdelivery %s "
					"(%s) to %s: %s%s%s\n", o.succeeded ? "" :
					"devforgectl: webhooks-send: ", j[i].delivery_pid,
					j[i].event_id, j[i].url, o.succeeded ? "delivered" :
					err, o.succeeded ? "" : strcmp(o.status, "failed") == 0 ?
					"; given up after 3 days" : "; will retry",
					disabled ? "; endpoint disabled, owner mailed" : "");
		}
		fflush(stdout);
		if (n < WEBHOOK_BATCH)
			break;
	}
	return 0;
}

int ctl_webhooks_send(const struct config *cfg,
	const struct ctl_webhooks_opts *o)
{
	struct tally t = { 0 };
	struct arena *a;
	int rc = 0;

	if (o->now != 0 && cfg->mode == CONFIG_PRODUCTION) {
		fprintf(stderr, "devforgectl: webhooks-send: --now is for tests "
			"and refused in production mode\n");
		return 2;
	}
	verbose = !o->once;
	ctl_loop_signals();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "devforgectl: webhooks-send: cannot initialise "
			"libcurl\n");
		return 1;
	}
	a = arena_new(65536);
	if (a == NULL || db_init(cfg) != 0) {
		fprintf(stderr, "devforgectl: out of memory\n");
		arena_free(a);
		curl_global_cleanup();
		return 1;
	}
	if (o->once) {
		if (db_connect() != 0) {
			fprintf(stderr, "devforgectl: cannot connect to database "
				"'%s' (see the message above)\n", cfg->db_name);
			rc = DF_EDBDOWN;
		} else {
			rc = pass(cfg, o, a, &t);
		}
	} else {
		printf("webhooks-send: delivering developer webhooks\n");
		fflush(stdout);
		/* A service: a database outage is waited out, not fatal. */
		while (!ctl_loop_stopped()) {
			struct tally before = t;

			(void)pass(cfg, o, a, &t);
			if (t.events == before.events && t.sent + t.failed + t.gave_up
			    == before.sent + before.failed + before.gave_up)
				ctl_loop_idle(WEBHOOK_POLL_S);
		}
	}
	db_close();
	arena_free(a);
	curl_global_cleanup();
	printf("webhooks-send: %zu events fanned out (%zu deliveries), "
		"%zu delivered, %zu failed (will retry), %zu given up, "
		"%zu endpoints disabled\n", t.events, t.fanned, t.sent, t.failed,
		t.gave_up, t.disabled);
	if (!o->once)
		return 0;
	return rc != 0 || t.db_errors > 0 ? 1 : 0;
}
