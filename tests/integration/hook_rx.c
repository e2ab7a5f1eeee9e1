/* The developer-webhook receiver of the integration suites
 * (hook_rx.h): a thread on a loopback port that records each request
 * to its path and answers as told. */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "hook_rx.h"
#include "http_rx.h"

static struct {
	struct http_rx srv;
	char path[64];           /* only requests to it count */
	enum rx_mode mode;
	struct rx_req req[256];
} rx = { .srv.mu = PTHREAD_MUTEX_INITIALIZER };

static void serve(int c, const char *head, char *body)
{
	char line[300];
	struct rx_req r;
	int counts, slow;

	memset(&r, 0, sizeof(r));
	snprintf(line, sizeof(line), "POST %s HTTP/1.1", rx.path);
	counts = strncmp(head, line, strlen(line)) == 0;
	http_rx_header(head, "DevForge-Signature", r.sig, sizeof(r.sig));
	http_rx_header(head, "DevForge-Event-Id", r.event_id,
		sizeof(r.event_id));
	http_rx_header(head, "DevForge-Delivery-Id", r.delivery_id,
		sizeof(r.delivery_id));
	http_rx_header(head, "Content-Type", r.ctype, sizeof(r.ctype));
	r.body = body;
	pthread_mutex_lock(&rx.srv.mu);
	r.answered = !counts ? 404 : rx.mode == RX_OK || rx.mode == RX_SLOW ?
		200 : rx.mode == RX_FAIL ? 500 : 0;
	slow = rx.mode == RX_SLOW;
	if (counts && rx.srv.n < sizeof(rx.req) / sizeof(rx.req[0]))
		rx.req[rx.srv.n++] = r;
	else
		free(body);
	pthread_mutex_unlock(&rx.srv.mu);
	if (slow)
		nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	if (r.answered != 0)
		http_rx_reply(c, r.answered, NULL, "ok");
}

/* Starts the receiver; its URL (static). */
const char *rx_start(enum rx_mode mode)
{
	static char url[128];

	/* A path of this run: a leftover delivery of an earlier run to a
	 * reused port is not counted. */
	snprintf(rx.path, sizeof(rx.path), "/%s", client_unique("hook"));
	rx.mode = mode;
	http_rx_start(&rx.srv, 0, "the webhook receiver's", serve);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", rx.srv.port,
		rx.path);
	return url;
}

void rx_set(enum rx_mode mode)
{
	pthread_mutex_lock(&rx.srv.mu);
	rx.mode = mode;
	pthread_mutex_unlock(&rx.srv.mu);
}

size_t rx_count(void)
{
	return http_rx_count(&rx.srv);
}

/* Requests for event_id, and how many of them were answered 2xx. */
size_t rx_for(const char *event_id, size_t *ok)
{
	size_t n = 0;

	*ok = 0;
	pthread_mutex_lock(&rx.srv.mu);
	for (size_t i = 0; i < rx.srv.n; i++)
		if (strcmp(rx.req[i].event_id, event_id) == 0) {
			n++;
			*ok += rx.req[i].answered == 200;
		}
	pthread_mutex_unlock(&rx.srv.mu);
	return n;
}

const struct rx_req *rx_req_at(size_t i)
{
	const struct rx_req *r;

	pthread_mutex_lock(&rx.srv.mu);
	cr_assert(i < rx.srv.n, "the receiver has %zu requests, not %zu",
		rx.srv.n, i + 1);
	r = &rx.req[i];
	pthread_mutex_unlock(&rx.srv.mu);
	return r;
}

static void hmac_hex(const char *key, const char *msg, char out[65])
{
	unsigned char md[32];
	unsigned len = 0;

	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)msg,
		strlen(msg), md, &len);
	for (unsigned i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* The signature header "t=<t>,v1=<hex>" verifies over body with secret,
 * and t is the sender's clock. */
void rx_assert_signed(const struct rx_req *r, const char *secret,
	long t)
{
	char want[65], *msg, v1[65] = "";
	long ts = -1;

	cr_assert(sscanf(r->sig, "t=%ld,v1=%64[0-9a-f]", &ts, v1) == 2,
		"signature header '%s'", r->sig);
	cr_assert_eq(ts, t);
	msg = malloc(strlen(r->body) + 32);
	sprintf(msg, "%ld.%s", ts, r->body);
	hmac_hex(secret, msg, want);
	free(msg);
	cr_assert_str_eq(v1, want, "the signature does not verify");
}
