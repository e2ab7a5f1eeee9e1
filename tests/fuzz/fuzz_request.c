/* libFuzzer target for request handling: the input is "KEY=VALUE" lines
 * (the FastCGI params), a blank line, then the body. Parses, looks up
 * query parameters and cookies, reads the body, writes a response and a
 * problem, then resets the arena as the worker does between requests. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "problem.h"

#define FUZZ_MAX_PARAMS 64
#define FUZZ_MAX_BODY 65536

struct body_src {
	const char *p;
	size_t len;
	size_t step;
};

/* Hands out the body in uneven pieces, as a socket would. */
static long body_read(void *ctx, char *buf, size_t len)
{
	struct body_src *s = ctx;
	size_t n = s->len < len ? s->len : len;

	if (n > s->step)
		n = s->step;
	memcpy(buf, s->p, n);
	s->p += n;
	s->len -= n;
	s->step = s->step * 2 + 1;
	return (long)n;
}

/* The first write is the header block: CRLF line ends only, one blank
 * line, at its end. Anything else would let input split the response. */
static int check_write(void *ctx, const char *buf, size_t len)
{
	int *calls = ctx;
	size_t i;

	if ((*calls)++ > 0) {
		volatile const char *sink = buf;

		/* The body: touch both ends so ASan checks the range. */
		if (len > 0)
			(void)sink[0], (void)sink[len - 1];
		return 0;
	}
	if (len < 4 || memcmp(buf + len - 4, "\r\n\r\n", 4) != 0)
		__builtin_trap();
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))
			__builtin_trap();
		if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
			__builtin_trap();
		if (buf[i] == '\0')
			__builtin_trap();
		if (i + 4 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0)
			__builtin_trap();
	}
	return 0;
}

/* What http.h promises about a parsed path. */
static void check_path(const char *p)
{
	size_t i, n = strlen(p);

	if (p[0] != '/' || (n > 1 && p[n - 1] == '/'))
		__builtin_trap();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7f)
			__builtin_trap();
		if (c == '/' && p[i + 1] == '/')
			__builtin_trap();
		if (c == '/' && p[i + 1] == '.' &&
		    (p[i + 2] == '/' || p[i + 2] == '\0' ||
		     (p[i + 2] == '.' && (p[i + 3] == '/' || p[i + 3] == '\0'))))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Refusals are expected here (most header values from the input are
 * refused); they are counted, never ignored. */
static volatile unsigned long refusals;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;
	static struct request req;
	struct http_limits lim = {
		.max_uri = HTTP_MAX_URI_DEFAULT,
		.max_query = HTTP_MAX_QUERY_DEFAULT,
		.max_header = HTTP_MAX_HEADER_DEFAULT,
		.max_headers_total = HTTP_MAX_HEADERS_TOTAL_DEFAULT,
		.max_body = FUZZ_MAX_BODY,
	};
	char *envp[FUZZ_MAX_PARAMS + 1];
	size_t nenv = 0, pos = 0;
	struct body_src src;
	const char *why = NULL;
	int calls = 0;
	char *text;
	int rc;

	if (a == NULL) {
		a = arena_new(4096);
		if (a == NULL)
			return 0;
	}
	/* A private NUL-terminated copy: params are C strings, and a NUL
	 * inside the input simply ends that param early. */
	text = arena_memdup(a, data, size);
	if (text == NULL)
		goto out;

	while (pos < size) {
		char *line = text + pos;
		char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;

		pos += len + (nl ? 1 : 0);
		if (len == 0)
			break;          /* blank line: the body follows */
		line[len] = '\0';
		if (strchr(line, '=') != NULL && nenv < FUZZ_MAX_PARAMS)
			envp[nenv++] = line;
	}
	envp[nenv] = NULL;

	http_request_init(&req, a, envp);
	rc = http_parse(&req, &lim, &why);
	if (rc == 0) {
		size_t i;

		check_path(req.path);
		(void)http_query(&req, "limit");
		(void)http_query(&req, "cursor");
		(void)http_query(&req, "");
		for (i = 0; i < req.nquery; i++)
			(void)http_query(&req, req.query_params[i].name);
		(void)http_cookie(&req, "session");
		(void)http_cookie(&req, "refresh_token");
		if (req.has_content_length &&
		    req.content_length <= FUZZ_MAX_BODY) {
			src.p = (const char *)data + pos;
			src.len = size - pos;
			src.step = 1;
			if (http_read_body(&req, body_read, &src) == 0 &&
			    req.body_len > 0 &&
			    http_set_body(&req, 200,
			    req.content_type ? req.content_type :
			    "application/octet-stream",
			    req.body, req.body_len) != 0)
				refusals++;
		}
		if (req.resp.status == 0)
			http_set_status(&req, req.method == HTTP_HEAD ? 200 : 204);
		/* Header values from the input: most are refused, none may
		 * reach the output with a line break. */
		if (req.user_agent != NULL &&
		    http_set_header(&req, "X-Echo", req.user_agent) != 0)
			refusals++;
	} else {
		problem_add_error(&req, "uri", "invalid", why ? why : "");
		problem_send(&req, rc, NULL, why);
	}
	if (http_write_response(&req, check_write, &calls) != 0)
		refusals++;
out:
	arena_reset(a);
	return 0;
}
