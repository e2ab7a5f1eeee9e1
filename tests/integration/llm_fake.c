/* The chat-completions stand-in of the assistant's integration program
 * (llm_fake.h), built like hook_rx.c: one thread, one connection at a
 * time, an answer as the test chose. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "llm_fake.h"

static struct {
	int fd, stop;
	enum llm_fake_mode mode;
	char *content, *last_body, *last_auth;
	size_t n;
	pthread_mutex_t mu;
	pthread_t thread;
} fk = { .fd = -1, .mu = PTHREAD_MUTEX_INITIALIZER };

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

static void reply(int c, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\n"
		"Content-Type: application/json\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", status, strlen(body));

	/* The worker may have given up (the slow case): no SIGPIPE. */
	if (send(c, head, (size_t)n, MSG_NOSIGNAL) == n)
		(void)!send(c, body, strlen(body), MSG_NOSIGNAL);
}

/* A chat-completions answer holding content, as llama-server sends it. */
static char *completion(const char *content)
{
	json_object *o = json_object_new_object(), *ch = json_object_new_array(),
		*c = json_object_new_object(), *m = json_object_new_object();
	char *s;

	json_object_object_add(m, "role", json_object_new_string("assistant"));
	json_object_object_add(m, "content", json_object_new_string(content));
	json_object_object_add(c, "index", json_object_new_int(0));
	json_object_object_add(c, "message", m);
	json_object_object_add(c, "finish_reason", json_object_new_string("stop"));
	json_object_array_add(ch, c);
	json_object_object_add(o, "id", json_object_new_string("chatcmpl-fake"));
	json_object_object_add(o, "object", json_object_new_string("chat.completion"));
	json_object_object_add(o, "choices", ch);
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static void serve(int c)
{
	char head[8192], cl[32], auth[512];
	size_t len = 0, want;
	char *body, *end, *content, *out;
	enum llm_fake_mode mode;
	ssize_t k;
	int counts;

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
	header_value(head, "Authorization", auth, sizeof(auth));
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
	counts = strncmp(head, "POST /v1/chat/completions ", 26) == 0;
	pthread_mutex_lock(&fk.mu);
	if (counts) {
		fk.n++;
		free(fk.last_body);
		free(fk.last_auth);
		fk.last_body = body;
		fk.last_auth = strdup(auth);
		body = NULL;
	}
	mode = fk.mode;
	content = strdup(fk.content ? fk.content : "");
	pthread_mutex_unlock(&fk.mu);
	free(body);
	if (!counts) {
		reply(c, 404, "{\"error\":{\"message\":\"not found\"}}");
	} else if (mode == LLM_FAKE_MALFORMED) {
		reply(c, 200, "{\"choices\":[{\"message\":{\"content\":\"Open [1");
	} else if (mode == LLM_FAKE_STATUS) {
		reply(c, 500, "{\"error\":{\"message\":\"model crashed\","
			"\"type\":\"server_error\"}}");
	} else {
		if (mode == LLM_FAKE_SLOW)
			nanosleep(&(struct timespec){ .tv_sec = 4 }, NULL);
		out = completion(content);
		reply(c, 200, out);
		free(out);
	}
	free(content);
}

static void *fake_main(void *arg)
{
	(void)arg;
	while (!fk.stop) {
		struct pollfd p = { .fd = fk.fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept(fk.fd, NULL, NULL);
		if (c < 0)
			continue;
		serve(c);
		close(c);
	}
	return NULL;
}

void llm_fake_start(void)
{
	const char *url = getenv("DEVFORGE_ASSISTANT_LLM_URL");
	struct sockaddr_in a = { .sin_family = AF_INET };
	int port = 0, one = 1;

	cr_assert(url != NULL && sscanf(url, "http://127.0.0.1:%d/v1", &port) == 1,
		"DEVFORGE_ASSISTANT_LLM_URL must be http://127.0.0.1:<port>/v1 "
		"for the stack and this program (scripts/test sets it)");
	fk.fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(fk.fd >= 0);
	setsockopt(fk.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	cr_assert_eq(bind(fk.fd, (struct sockaddr *)&a, sizeof(a)), 0,
		"port %d (the model stand-in's) is taken", port);
	cr_assert_eq(listen(fk.fd, 16), 0);
	fk.mode = LLM_FAKE_ANSWER;
	cr_assert_eq(pthread_create(&fk.thread, NULL, fake_main, NULL), 0);
}

void llm_fake_set(enum llm_fake_mode mode, const char *content)
{
	pthread_mutex_lock(&fk.mu);
	fk.mode = mode;
	free(fk.content);
	fk.content = content ? strdup(content) : NULL;
	pthread_mutex_unlock(&fk.mu);
}

size_t llm_fake_count(void)
{
	size_t n;

	pthread_mutex_lock(&fk.mu);
	n = fk.n;
	pthread_mutex_unlock(&fk.mu);
	return n;
}

char *llm_fake_last_body(void)
{
	char *s;

	pthread_mutex_lock(&fk.mu);
	s = strdup(fk.last_body ? fk.last_body : "");
	pthread_mutex_unlock(&fk.mu);
	return s;
}

char *llm_fake_last_auth(void)
{
	char *s;

	pthread_mutex_lock(&fk.mu);
	s = strdup(fk.last_auth ? fk.last_auth : "");
	pthread_mutex_unlock(&fk.mu);
	return s;
}
