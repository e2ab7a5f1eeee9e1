/* What the front server answers itself: its own errors (body over its cap,
 * 411, 414, 431, a path outside /api/, 403, control characters in the
 * request line, 503 with the pool unreachable) are Problem Details like
 * the workers' own, never the server's HTML page. And package uploads
 * reach a worker as they stream in: a caller without the right is refused
 * from the headers before the front has collected a 60 MiB body, and one
 * client holds at most max_concurrent_uploads (2 in the stack) workers
 * with uploads at once. Run through lighttpd and Apache (DF_FRONT). */
#define _GNU_SOURCE /* strcasestr */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "client.h"
#include "market.h"

#define PROBLEM_BASE "https://devforge.dev/problems/"

static int is_apache(void)
{
	return strcmp(client_env("DEVFORGE_TEST_FRONT"), "apache") == 0;
}

/* r is a Problem Details answer whose "status" is the HTTP status. */
static void assert_problem(const struct client_resp *r, const char *what)
{
	char *ct = client_header(r, "Content-Type");
	struct json_object *o, *v;

	cr_assert(ct != NULL && strncmp(ct, "application/problem+json", 24) == 0,
		"%s: content type %s, body %.200s", what, ct ? ct : "(none)",
		r->body);
	free(ct);
	o = client_json(r);
	cr_assert_not_null(o, "%s: not JSON: %.200s", what, r->body);
	cr_assert(json_object_object_get_ex(o, "status", &v) &&
		json_object_get_int(v) == (int)r->status,
		"%s: status member differs from %ld: %s", what, r->status, r->body);
	cr_assert(json_object_object_get_ex(o, "type", &v) &&
		strncmp(json_object_get_string(v), PROBLEM_BASE,
		strlen(PROBLEM_BASE)) == 0, "%s: type: %s", what, r->body);
	cr_assert(json_object_object_get_ex(o, "title", &v) &&
		json_object_get_string_len(v) > 0, "%s: title: %s", what, r->body);
	json_object_put(o);
}

/* ---- raw HTTP, for what libcurl will not send or wait for ---- */

static int raw_connect(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)atoi(client_env("DEVFORGE_TEST_PORT")));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0,
		"connect: %s", strerror(errno));
	return fd;
}

static void raw_send(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		cr_assert(n > 0, "send: %s", strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
}

/* Reads until the peer closes, the header block and Content-Length bytes
 * have arrived, or `seconds` pass. Returns the bytes read (NUL-ended in
 * buf), 0 if nothing came. */
static size_t raw_read(int fd, char *buf, size_t cap, double seconds)
{
	double end = client_now() + seconds;
	size_t got = 0;

	while (got + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = end - client_now();
		const char *hdr_end, *cl;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			break;
		n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		hdr_end = strstr(buf, "\r\n\r\n");
		cl = strcasestr(buf, "\r\nContent-Length:");
		if (hdr_end != NULL && cl != NULL && cl < hdr_end &&
		    got >= (size_t)(hdr_end + 4 - buf) + strtoul(cl + 17, NULL, 10))
			break;
	}
	buf[got] = '\0';
	return got;
}

static long raw_status(const char *resp)
{
	if (strncmp(resp, "HTTP/1.", 7) != 0)
		return 0;
	return strtol(resp + 9, NULL, 10);
}

/* Turns a raw answer into a client_resp for assert_problem. */
static void raw_to_resp(char *resp, struct client_resp *r)
{
	char *sep = strstr(resp, "\r\n\r\n");

	memset(r, 0, sizeof(*r));
	cr_assert_not_null(sep, "no header block in: %.200s", resp);
	r->status = raw_status(resp);
	*sep = '\0';
	r->headers = strdup(resp);
	r->body = strdup(sep + 4);
	r->body_len = strlen(r->body);
}

/* One request sent as is; the answer as a client_resp. */
static void raw_request(const char *req, struct client_resp *r)
{
	char buf[16384];
	int fd = raw_connect();

	raw_send(fd, req, strlen(req));
	cr_assert(raw_read(fd, buf, sizeof(buf), 10) > 0, "no answer to %.60s",
		req);
	close(fd);
	raw_to_resp(buf, r);
}

/* The request req, sent as is, is answered with status as a problem
 * (what names the case in a failure). */
static void expect_raw_problem(const char *req, long status,
	const char *what)
{
	struct client_resp r;

	raw_request(req, &r);
	cr_assert_eq(r.status, status, "%ld %s", r.status, r.body);
	assert_problem(&r, what);
	client_free(&r);
}

/* GET path is answered with status one or two (the front servers
 * differ) as a problem. */
static void expect_get_problem(const char *path, long one, long two,
	const char *what)
{
	struct client_resp r;

	client_send("GET", path, &r);
	cr_assert(r.status == one || r.status == two, "status %ld", r.status);
	assert_problem(&r, what);
	client_free(&r);
}

/* ---- the front server's own errors ---- */

Test(front_errors, a_path_outside_the_api_is_a_problem)
{
	/* lighttpd: nothing in its empty document root; Apache denies every
	 * path it does not serve. */
	expect_get_problem("/no-such-page", 404, 403, "outside /api/");

	expect_get_problem("/docs/no-such-file.html", 404, 404,
		"missing document");
}

Test(front_errors, a_dotfile_is_a_403_problem)
{
	expect_get_problem("/.hidden", 403, 403, "dotfile");
}

Test(front_errors, a_body_over_the_fronts_cap_is_a_413_problem)
{
	size_t len = 3u << 20; /* above the 2 MiB cap, below max_body x 4 */
	char *body = malloc(len);
	const char *h[] = { "Content-Type: application/json", "Expect:", NULL };
	struct client_resp r;

	cr_assert_not_null(body);
	memset(body, ' ', len);
	cr_assert(client_request("POST", client_url("/api/v1/auth/login"), h,
		body, len, &r) == 0);
	cr_assert_eq(r.status, 413);
	assert_problem(&r, "413");
	client_free(&r);
	free(body);
}

Test(front_errors, a_post_without_length_is_a_411_problem)
{
	expect_raw_problem("POST /api/v1/auth/login HTTP/1.0\r\nHost: x\r\n"
		"Content-Type: application/json\r\n\r\n",
		411, "411");
}

Test(front_errors, an_overlong_uri_is_a_problem)
{
	const char *base = client_env("DEVFORGE_TEST_URL");
	size_t n = 70000, blen = strlen(base);
	char *url = malloc(blen + n + 16);
	struct client_resp r;

	/* Built here: client_url() keeps 4 KiB, which the workers' own
	 * 414 would answer. */
	cr_assert_not_null(url);
	memcpy(url, base, blen);
	strcpy(url + blen, "/api/v1/");
	memset(url + blen + 8, 'a', n);
	url[blen + 8 + n] = '\0';
	cr_assert(client_get(url, &r) == 0);
	/* Apache says 414; lighttpd counts the request line with the
	 * headers and says 431. */
	cr_assert(r.status == 414 || r.status == 431, "status %ld", r.status);
	assert_problem(&r, "long URI");
	client_free(&r);
	free(url);
}

Test(front_errors, an_overlong_header_is_a_problem)
{
	size_t n = 40000;
	char *h0 = malloc(n + 16);
	const char *h[] = { h0, NULL };
	struct client_resp r;

	cr_assert_not_null(h0);
	strcpy(h0, "X-Big: ");
	memset(h0 + 7, 'a', n);
	h0[7 + n] = '\0';
	cr_assert(client_request("GET", client_url("/api/v1/health"), h, NULL,
		0, &r) == 0);
	/* lighttpd: 431; Apache: 400 (its answer to LimitRequestFieldSize). */
	cr_assert(r.status == 431 || r.status == 400, "status %ld", r.status);
	assert_problem(&r, "long header");
	client_free(&r);
	free(h0);
}

Test(front_errors, a_control_character_in_the_request_line_is_a_400_problem)
{
	expect_raw_problem("GET /api/v1/he\x01lth HTTP/1.1\r\nHost: x\r\n"
		"Connection: close\r\n\r\n",
		400, "control character");
}

Test(front_errors, a_body_on_a_get_refused_by_the_front_is_a_problem)
{
	const char *h[] = { "Content-Type: text/plain", NULL };
	struct client_resp r;

	cr_assert(client_request("GET", client_url("/api/v1/health"), h, "abc",
		3, &r) == 0);
	/* lighttpd refuses it itself (400); Apache passes it on and the
	 * worker decides. Whoever refuses answers with a problem. */
	if (!is_apache())
		cr_assert_eq(r.status, 400, "status %ld", r.status);
	if (r.status >= 400)
		assert_problem(&r, "GET with a body");
	client_free(&r);
}

Test(front_errors, an_unknown_method_is_a_problem)
{
	struct client_resp r;

	client_send("BREW", "/docs/openapi.yaml", &r);
	cr_assert(r.status >= 400, "status %ld", r.status);
	assert_problem(&r, "unknown method");
	client_free(&r);
}

Test(front_errors, the_error_documents_are_not_served_as_pages)
{
	expect_get_problem("/devforge-errors/problem-404.html", 403, 404,
		"error document asked for");
}

/* ---- the pool unreachable ---- */

static char sock_path[512], away_path[512];

static void pool_hide(void)
{
	snprintf(sock_path, sizeof(sock_path), "%s/fcgi.sock",
		client_env("DEVFORGE_TEST_STACK_DIR"));
	snprintf(away_path, sizeof(away_path), "%s/fcgi.sock.front-test",
		client_env("DEVFORGE_TEST_STACK_DIR"));
	/* The workers keep their listening socket; only its name goes, so
	 * the front server finds no pool, as after the pool stopped. */
	cr_assert(rename(sock_path, away_path) == 0, "rename %s: %s",
		sock_path, strerror(errno));
}

static void pool_back(void)
{
	struct client_resp r = { 0 };
	int i;

	if (away_path[0] == '\0')
		return;
	unlink(sock_path);
	if (rename(away_path, sock_path) != 0)
		fprintf(stderr, "front: cannot put %s back: %s\n", sock_path,
			strerror(errno));
	away_path[0] = '\0';
	/* lighttpd keeps a backend that failed disabled for a second or
	 * two, /health and /api/ each on its own. */
	for (i = 0; i < 100; i++) {
		int ok = client_get(client_url("/health"), &r) == 0 &&
			r.status == 200;

		client_free(&r);
		ok = ok && client_get(client_url("/api/v1/health"), &r) == 0 &&
			r.status == 200;
		client_free(&r);
		if (ok)
			return;
		usleep(200 * 1000);
	}
}

TestSuite(front_pool, .fini = pool_back);

Test(front_pool, no_pool_socket_is_a_503_problem)
{
	pool_hide();
	expect_get_problem("/api/v1/health", 503, 502, "pool gone");
}

Test(front_pool, a_pool_socket_nobody_listens_on_is_a_503_problem)
{
	struct sockaddr_un a;
	struct client_resp r;
	int fd;

	pool_hide();
	/* A socket file left behind by a stopped pool: connect is refused. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	cr_assert(strlen(sock_path) < sizeof(a.sun_path));
	memcpy(a.sun_path, sock_path, strlen(sock_path) + 1);
	cr_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: %s",
		strerror(errno));
	client_send("GET", "/health", &r);
	close(fd);
	cr_assert(r.status == 503 || r.status == 502, "status %ld", r.status);
	assert_problem(&r, "pool refuses");
	client_free(&r);
}

/* ---- package uploads stream to a worker ---- */

/* 1 once the worker log has a line for request id rid with that status. */
static int worker_logged(const char *rid, long status, double seconds)
{
	char want_rid[160], want_status[32], line[8192];
	double end = client_now() + seconds;

	snprintf(want_rid, sizeof(want_rid), "\"request_id\":\"%s\"", rid);
	snprintf(want_status, sizeof(want_status), "\"status\":%ld,", status);
	do {
		FILE *f = fopen(client_env("DEVFORGE_TEST_WORKER_LOG"), "r");

		if (f != NULL) {
			while (fgets(line, sizeof(line), f) != NULL)
				if (strstr(line, want_rid) != NULL &&
				    strstr(line, want_status) != NULL) {
					fclose(f);
					return 1;
				}
			fclose(f);
		}
		usleep(100 * 1000);
	} while (client_now() < end);
	return 0;
}

/* Sends the headers of a PUT package upload announcing `announced` bytes,
 * then `sent` bytes of it; returns the socket (the rest never comes). */
static int upload_start(const char *path, const char *auth, const char *rid,
	size_t announced, size_t sent)
{
	char head[2048], chunk[4096];
	int fd = raw_connect();

	snprintf(head, sizeof(head), "PUT %s HTTP/1.1\r\nHost: x\r\n"
		"Content-Type: application/zip\r\nContent-Length: %zu\r\n"
		"X-Request-Id: %s\r\n%s%s\r\n", path, announced, rid,
		auth ? auth : "", auth ? "\r\n" : "");
	raw_send(fd, head, strlen(head));
	memset(chunk, 'P', sizeof(chunk));
	while (sent > 0) {
		size_t n = sent < sizeof(chunk) ? sent : sizeof(chunk);

		raw_send(fd, chunk, n);
		sent -= n;
	}
	return fd;
}

static void upload_refused_from_the_headers(const char *auth, long status)
{
	char rid[64], buf[16384];
	struct client_resp r;
	int fd;

	snprintf(rid, sizeof(rid), "front-upload-%ld-%d", status, (int)getpid());
	fd = upload_start(EXT "/any-ext/versions/1.0.0/package", auth, rid,
		60u << 20, 1000);
	/* The worker saw the request and refused it while 60 MiB less
	 * 1000 bytes are still to come: the front did not wait for them. */
	cr_assert(worker_logged(rid, status, 20), "the worker did not answer "
		"%ld to the upload %s before its body was sent", status, rid);
	if (!is_apache()) {
		/* lighttpd passes the answer on at once. Apache's mod_proxy_fcgi
		 * answers once the client has sent (or stopped sending) the body,
		 * which it discards without keeping it. */
		cr_assert(raw_read(fd, buf, sizeof(buf), 20) > 0,
			"no answer while the body is pending");
		raw_to_resp(buf, &r);
		cr_assert_eq(r.status, status, "%ld %s", r.status, r.body);
		assert_problem(&r, "early refusal");
		client_free(&r);
	}
	close(fd);
}

Test(front_upload, an_upload_without_a_token_is_refused_before_its_body,
	.timeout = 90)
{
	upload_refused_from_the_headers(NULL, 401);
}

Test(front_upload, an_upload_by_a_plain_user_is_refused_before_its_body,
	.timeout = 90)
{
	char *user = client_auth_header("user", NULL);

	upload_refused_from_the_headers(user, 403);
	free(user);
}

/* The workers' gauge of uploads in progress. */
static double uploads_in_progress(void)
{
	struct client_resp r;
	double v;

	client_send("GET", "/api/v1/metrics", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body, "\ndevforge_uploads_in_progress "),
		"no gauge devforge_uploads_in_progress");
	v = client_metric(r.body, "devforge_uploads_in_progress", NULL);
	client_free(&r);
	return v;
}

/* Waits (bounded) until the gauge is n. */
static void wait_uploads(double n)
{
	int i;

	for (i = 0; i < 200 && uploads_in_progress() != n; i++)
		usleep(100 * 1000);
	cr_assert(uploads_in_progress() == n, "uploads in progress: %.0f, "
		"expected %.0f", uploads_in_progress(), n);
}

/* A small complete upload to an extension that does not exist: 429 when
 * the client is at its cap (the check comes before the handler), else
 * the handler's 404. */
static long probe_upload(const char *auth)
{
	char path[256];
	struct client_resp r;
	long st;

	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/package",
		market_slug("no-such-ext"));
	st = market_raw("PUT", path, auth, "application/zip", "PK\x05\x06", 4,
		&r);
	if (st == 429) {
		char *ra = client_header(&r, "Retry-After");

		cr_assert(ra != NULL && atoi(ra) >= 1, "429 without Retry-After");
		free(ra);
		assert_problem(&r, "429");
	}
	client_free(&r);
	return st;
}

Test(front_upload, a_client_holds_at_most_two_uploads_at_once, .timeout = 120)
{
	struct market_cast c;
	struct client_resp r;
	const char *slug;
	char path[2][256], body[256], rid[64];
	int fd[2], i;

	market_cast(&c);
	slug = market_slug("front-up");
	market_create(c.dev, slug, "");
	for (i = 0; i < 2; i++) {
		snprintf(path[i], sizeof(path[i]), EXT "/%s/versions", slug);
		snprintf(body, sizeof(body), "{\"version\": \"1.0.%d\", "
			"\"changelog\": \"c\", \"engine\": \"^1.0.0\"}", i);
		cr_assert_eq(market_req("POST", path[i], c.dev, body, &r), 201,
			"%ld %s", r.status, r.body);
		client_free(&r);
		snprintf(path[i], sizeof(path[i]), EXT "/%s/versions/1.0.%d/package",
			slug, i);
	}
	cr_assert_eq(probe_upload(c.dev), 404, "before any upload");

	wait_uploads(0);

	/* Two uploads that stall after their first bytes: each holds a
	 * worker that reads its body (the front passes the body on as it
	 * comes, so the workers have them from their headers on). */
	for (i = 0; i < 2; i++) {
		snprintf(rid, sizeof(rid), "front-held-%d-%d", i, (int)getpid());
		fd[i] = upload_start(path[i], c.dev, rid, 1u << 20, 1000);
	}
	wait_uploads(2);
	cr_assert_eq(probe_upload(c.dev), 429,
		"a third upload while two are in progress");
	/* Another client is not held back by this one's uploads. */
	cr_assert_eq(probe_upload(c.dev2), 404);

	/* The stalled uploads end (the client goes away): their places are
	 * given back. */
	close(fd[0]);
	close(fd[1]);
	wait_uploads(0);
	cr_assert_eq(probe_upload(c.dev), 404, "after the uploads ended");
	market_cast_free(&c);
}
