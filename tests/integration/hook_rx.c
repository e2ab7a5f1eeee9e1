/* The developer-webhook receiver of the integration suites
 * (hook_rx.h): a thread on a loopback port that records each request
 * to its path and answers as told. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "hook_rx.h"

static struct {
	int fd, port, stop;
	char path[64];           /* only requests to it count */
	enum rx_mode mode;
	struct rx_req req[256];
	size_t n;
	pthread_mutex_t mu;
	pthread_t thread;
} rx = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void header_value(const char *head, const char *name, char *out,
	size_t cap)
{
	size_t nl = strlen(name);
	const char *p = head;

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1, *e;

			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			snprintf(out, cap, "%.*s", (int)(e ? e - v : (long)strlen(v)), v);
			return;
		}
	}
}

static void serve(int c)
{
	char head[8192], cl[32], line[300];
	size_t len = 0, want;
	char *body, *end;
	struct rx_req r;
	ssize_t k;
	int counts, slow;

	memset(&r, 0, sizeof(r));
	while (len < sizeof(head) - 1) {
		k = read(c, head + len, sizeof(head) - 1 - len);
		if (k <= 0)
			return;
		len += (size_t)k;
		head[len] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL)
			break;
	}
	end = strstr(head, "\r\n\r\n");
	if (end == NULL)
		return;
	header_value(head, "Content-Length", cl, sizeof(cl));
	want = (size_t)atol(cl);
	body = calloc(1, want + 1);
	len -= (size_t)(end + 4 - head);
	memcpy(body, end + 4, len < want ? len : want);
	while (len < want) {
		k = read(c, body + len, want - len);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	snprintf(line, sizeof(line), "POST %s HTTP/1.1", rx.path);
	counts = strncmp(head, line, strlen(line)) == 0;
	header_value(head, "DevForge-Signature", r.sig, sizeof(r.sig));
	header_value(head, "DevForge-Event-Id", r.event_id, sizeof(r.event_id));
	header_value(head, "DevForge-Delivery-Id", r.delivery_id,
		sizeof(r.delivery_id));
	header_value(head, "Content-Type", r.ctype, sizeof(r.ctype));
	r.body = body;
	pthread_mutex_lock(&rx.mu);
	r.answered = !counts ? 404 : rx.mode == RX_OK || rx.mode == RX_SLOW ?
		200 : rx.mode == RX_FAIL ? 500 : 0;
	slow = rx.mode == RX_SLOW;
	if (counts && rx.n < sizeof(rx.req) / sizeof(rx.req[0]))
		rx.req[rx.n++] = r;
	else
		free(body);
	pthread_mutex_unlock(&rx.mu);
	if (slow)
		nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	if (r.answered != 0) {
		char resp[200];
		int n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\n"
			"Content-Length: 2\r\nConnection: close\r\n\r\nok",
			r.answered);

		if (write(c, resp, (size_t)n) < 0)
			return;
	}
}

static void *rx_main(void *arg)
{
	(void)arg;
	while (!rx.stop) {
		struct pollfd p = { .fd = rx.fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept(rx.fd, NULL, NULL);
		if (c < 0)
			continue;
		serve(c);
		close(c);
	}
	return NULL;
}

/* Starts the receiver; its URL (static). */
const char *rx_start(enum rx_mode mode)
{
	static char url[128];
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);

	rx.fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(rx.fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(rx.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(rx.fd, 16), 0);
	cr_assert_eq(getsockname(rx.fd, (struct sockaddr *)&a, &al), 0);
	rx.port = ntohs(a.sin_port);
	/* A path of this run: a leftover delivery of an earlier run to a
	 * reused port is not counted. */
	snprintf(rx.path, sizeof(rx.path), "/%s", client_unique("hook"));
	rx.mode = mode;
	cr_assert_eq(pthread_create(&rx.thread, NULL, rx_main, NULL), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", rx.port, rx.path);
	return url;
}

void rx_set(enum rx_mode mode)
{
	pthread_mutex_lock(&rx.mu);
	rx.mode = mode;
	pthread_mutex_unlock(&rx.mu);
}

size_t rx_count(void)
{
	size_t n;

	pthread_mutex_lock(&rx.mu);
	n = rx.n;
	pthread_mutex_unlock(&rx.mu);
	return n;
}

/* Requests for event_id, and how many of them were answered 2xx. */
size_t rx_for(const char *event_id, size_t *ok)
{
	size_t n = 0;

	*ok = 0;
	pthread_mutex_lock(&rx.mu);
	for (size_t i = 0; i < rx.n; i++)
		if (strcmp(rx.req[i].event_id, event_id) == 0) {
			n++;
			*ok += rx.req[i].answered == 200;
		}
	pthread_mutex_unlock(&rx.mu);
	return n;
}

const struct rx_req *rx_req_at(size_t i)
{
	const struct rx_req *r;

	pthread_mutex_lock(&rx.mu);
	cr_assert(i < rx.n, "the receiver has %zu requests, not %zu", rx.n,
		i + 1);
	r = &rx.req[i];
	pthread_mutex_unlock(&rx.mu);
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
