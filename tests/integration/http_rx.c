/* The loopback HTTP server thread of the integration stand-ins
 * (http_rx.h). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_rx.h"

void http_rx_header(const char *head, const char *name, char *out,
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

void http_rx_reply(int c, int status, const char *ctype, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\n%s%s%s"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n", status,
		ctype ? "Content-Type: " : "", ctype ? ctype : "",
		ctype ? "\r\n" : "", strlen(body));

	if (send(c, head, (size_t)n, MSG_NOSIGNAL) == n)
		(void)!send(c, body, strlen(body), MSG_NOSIGNAL);
}

/* Reads one request from c and hands it on; a connection closed before
 * the end of its head is dropped. */
static void serve(struct http_rx *s, int c)
{
	char head[8192], cl[32];
	size_t len = 0, want;
	char *body, *end;
	ssize_t k;

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
	http_rx_header(head, "Content-Length", cl, sizeof(cl));
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
	end[4] = '\0';
	s->handle(c, head, body);
}

static void *rx_main(void *arg)
{
	struct http_rx *s = arg;

	while (!s->stop) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		serve(s, c);
		close(c);
	}
	return NULL;
}

void http_rx_start(struct http_rx *s, int port, const char *what,
	http_rx_handler handle)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int one = 1;

	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(s->fd >= 0);
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	cr_assert_eq(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0,
		"port %d (%s) is taken", port, what);
	cr_assert_eq(listen(s->fd, 16), 0);
	cr_assert_eq(getsockname(s->fd, (struct sockaddr *)&a, &al), 0);
	s->port = ntohs(a.sin_port);
	s->handle = handle;
	cr_assert_eq(pthread_create(&s->thread, NULL, rx_main, s), 0);
}

size_t http_rx_count(struct http_rx *s)
{
	size_t n;

	pthread_mutex_lock(&s->mu);
	n = s->n;
	pthread_mutex_unlock(&s->mu);
	return n;
}
