/* The loopback HTTP server thread that the integration programs' stand-ins
 * share (hook_rx.c: developers' webhooks; llm_fake.c: the model's
 * chat-completions endpoint): one thread, one connection at a time; it
 * reads a request's head and body and hands them to the stand-in, which
 * records what it needs and answers. */
#ifndef DF_TEST_HTTP_RX_H
#define DF_TEST_HTTP_RX_H

#include <pthread.h>
#include <stddef.h>

/* Called on the server thread for each request: head is the request
 * line and headers (NUL-terminated, ends with "\r\n\r\n"), body the
 * Content-Length bytes that came (malloc'd, NUL-terminated: the handler
 * owns it). The handler answers on c (or closes without answering by
 * sending nothing); c is closed after it returns. */
typedef void (*http_rx_handler)(int c, const char *head, char *body);

struct http_rx {
	int fd, port, stop;
	http_rx_handler handle;
	pthread_t thread;
	/* The stand-in's lock (initialise with PTHREAD_MUTEX_INITIALIZER)
	 * and the requests it counted as its own, under that lock. */
	pthread_mutex_t mu;
	size_t n;
};

/* Listens on 127.0.0.1:port (0: any free port; s->port tells which) and
 * starts the thread; the test fails when the port is taken, naming what
 * as the server that wanted it. */
void http_rx_start(struct http_rx *s, int port, const char *what,
	http_rx_handler handle);
/* s->n, read under s->mu. */
size_t http_rx_count(struct http_rx *s);
/* The value of header name in head (case-insensitive), "" when absent. */
void http_rx_header(const char *head, const char *name, char *out,
	size_t cap);
/* Sends a whole answer: status, Content-Type when ctype is not NULL,
 * body, Connection: close. The caller may have given up: no SIGPIPE. */
void http_rx_reply(int c, int status, const char *ctype, const char *body);

#endif
