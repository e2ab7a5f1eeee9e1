/* The request and the response of one FastCGI exchange: strict checking of
 * the params (limits, percent-decoding, UTF-8, path normalisation, query,
 * Content-Length), the body read, and the CGI-style response block. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "arena.h"
#include "err.h"
#include "http.h"
#include "validate.h"

#define HTTP_METHOD_MAX 32
#define HTTP_CONTENT_LENGTH_MAX (1ull << 53)

uint64_t http_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64: only a fallback when getrandom() fails, seeded from
 * what differs between processes and moments. */
static uint64_t fallback_next(void)
{
	static uint64_t state;
	static pid_t state_pid;
	struct timespec ts;
	uint64_t z;

	if (state_pid != getpid()) {
		clock_gettime(CLOCK_REALTIME, &ts);
		state ^= (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
			((uint64_t)getpid() << 40);
		state_pid = getpid();
	}
	z = (state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The request id: a random 64-bit prefix drawn once per process and a
 * per-process counter passed through splitmix64's finaliser (a bijection,
 * so no two ids of one process are equal). A read of the kernel's
 * generator on every request was a syscall of its own; ids need to be
 * unique, not secret. A forked child draws its own prefix (see
 * rid_forked). */
static struct {
	int ready;
	uint64_t prefix;
	uint64_t seq;
} rid_state;

static void rid_forked(void)
{
	rid_state.ready = 0;
}

static void rid_init(void)
{
	static int registered;
	unsigned char raw[8];

	if (!registered && pthread_atfork(NULL, NULL, rid_forked) == 0)
		registered = 1;
	if (getrandom(raw, sizeof(raw), GRND_NONBLOCK) == (ssize_t)sizeof(raw))
		memcpy(&rid_state.prefix, raw, sizeof(raw));
	else
		rid_state.prefix = fallback_next();
	rid_state.seq = fallback_next();
	rid_state.ready = 1;
}

void http_new_request_id(char *buf)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t v[2], z;
	size_t i, j;

	if (!rid_state.ready)
		rid_init();
	z = rid_state.seq++;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	v[0] = rid_state.prefix;
	v[1] = z ^ (z >> 31);
	for (j = 0; j < 2; j++)
		for (i = 0; i < 16; i++)
			buf[16 * j + i] = digits[v[j] >> (60 - 4 * i) & 0x0f];
	buf[32] = '\0';
}

/* A param by name from a NULL-terminated "NAME=value" array. */
static const char *env_get(char **envp, const char *name)
{
	size_t n = strlen(name);
	char **e;

	if (envp == NULL)
		return NULL;
	for (e = envp; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

void http_request_init(struct request *req, struct arena *a, char **envp)
{
	const char *rid;

	memset(req, 0, sizeof(*req));
	req->arena = a;
	req->envp = envp;
	req->t_start_ns = http_now_ns();
	req->query = "";
	req->remote_addr = "";
	rid = env_get(envp, "HTTP_X_REQUEST_ID");
	if (rid != NULL && validate_request_id(rid))
		memcpy(req->request_id, rid, strlen(rid) + 1);
	else
		http_new_request_id(req->request_id);
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum decode_mode { DECODE_PATH, DECODE_QUERY };

/* Percent-decodes s[0..n) into out (room for n + 1). Refuses a broken
 * escape and a decoded NUL; for a path also an encoded '/' (it would
 * change which segments the router sees) and any control byte; for a
 * query '+' means space. Returns the decoded length or -1. */
static long pct_decode(const char *s, size_t n, char *out,
	enum decode_mode mode)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (n - i < 3)
				return -1;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			if (c == 0)
				return -1;
			if (mode == DECODE_PATH && c == '/')
				return -1;
		} else if (c == '+' && mode == DECODE_QUERY) {
			c = ' ';
		}
		if (mode == DECODE_PATH && (c < 0x20 || c == 0x7f))
			return -1;
		if (c == 0)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (long)o;
}

/* Rewrites the decoded path in place: collapses "//", drops ".", resolves
 * ".." and the trailing '/'. -1 when ".." climbs above the root. */
static int path_normalise(char *p)
{
	char *r = p, *w = p;

	if (*r != '/')
		return -1;
	while (*r != '\0') {
		char *seg;
		size_t len;

		while (*r == '/')
			r++;
		if (*r == '\0')
			break;
		seg = r;
		while (*r != '\0' && *r != '/')
			r++;
		len = (size_t)(r - seg);
		if (len == 1 && seg[0] == '.')
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			if (w == p)
				return -1;
			while (w > p && *--w != '/')
				;
			continue;
		}
		*w++ = '/';
		/* w never passes seg: memmove for the overlapping copy. */
		memmove(w, seg, len);
		w += len;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
	return 0;
}

static int parse_query(struct request *req, const char *q, const char **why)
{
	const char *p = q;

	while (*p != '\0') {
		const char *end = strchr(p, '&'), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct http_kv *kv;
		char *name, *value;
		long nl, vl;

		if (len == 0) {
			p++;
			continue;
		}
		if (req->nquery >= HTTP_MAX_QUERY_PARAMS) {
			*why = "The query string has too many parameters.";
			return 400;
		}
		eq = memchr(p, '=', len);
		if (eq == NULL)
			eq = p + len;
		name = arena_alloc(req->arena, (size_t)(eq - p) + 1);
		value = arena_alloc(req->arena,
			eq < p + len ? (size_t)(p + len - eq) : 1);
		if (name == NULL || value == NULL) {
			*why = "Out of memory.";
			return 500;
		}
		nl = pct_decode(p, (size_t)(eq - p), name, DECODE_QUERY);
		vl = eq < p + len ?
			pct_decode(eq + 1, (size_t)(p + len - eq - 1), value,
				DECODE_QUERY) :
			(value[0] = '\0', 0);
		if (nl < 0 || vl < 0 ||
		    !validate_utf8(name, (size_t)nl) ||
		    !validate_utf8(value, (size_t)vl)) {
			*why = "The query string is not validly encoded.";
			return 400;
		}
		kv = &req->query_params[req->nquery++];
		kv->name = name;
		kv->value = value;
		kv->value_len = (size_t)vl;
		p += len;
	}
	return 0;
}

static int method_token_ok(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= HTTP_METHOD_MAX)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c)))
			return 0;
	}
	return n > 0;
}

static size_t lim_or(size_t v, size_t dflt)
{
	return v != 0 ? v : dflt;
}

/* The params http_parse reads, found in one pass over envp: looking
 * each one up on its own scanned the thirty-odd params fourteen times
 * (a few per cent of a cached answer's time). */
enum pv {
	PV_REMOTE_ADDR, PV_REQUEST_METHOD, PV_REQUEST_URI, PV_QUERY_STRING,
	PV_CONTENT_LENGTH, PV_CONTENT_TYPE, PV_AUTHORIZATION, PV_ORIGIN,
	PV_IF_NONE_MATCH, PV_COOKIE, PV_USER_AGENT, PV_ACR_METHOD,
	PV_ACR_HEADERS, PV__N
};

#define PV_NAME(s) { s, sizeof(s) - 1 }
static const struct {
	const char *name;
	size_t len;
} pv_names[PV__N] = {
	[PV_REMOTE_ADDR] = PV_NAME("REMOTE_ADDR"),
	[PV_REQUEST_METHOD] = PV_NAME("REQUEST_METHOD"),
	[PV_REQUEST_URI] = PV_NAME("REQUEST_URI"),
	[PV_QUERY_STRING] = PV_NAME("QUERY_STRING"),
	[PV_CONTENT_LENGTH] = PV_NAME("CONTENT_LENGTH"),
	[PV_CONTENT_TYPE] = PV_NAME("CONTENT_TYPE"),
	[PV_AUTHORIZATION] = PV_NAME("HTTP_AUTHORIZATION"),
	[PV_ORIGIN] = PV_NAME("HTTP_ORIGIN"),
	[PV_IF_NONE_MATCH] = PV_NAME("HTTP_IF_NONE_MATCH"),
	[PV_COOKIE] = PV_NAME("HTTP_COOKIE"),
	[PV_USER_AGENT] = PV_NAME("HTTP_USER_AGENT"),
	[PV_ACR_METHOD] = PV_NAME("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
	[PV_ACR_HEADERS] = PV_NAME("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
};

/* Fills v[] (the first value of each name, as env_get would find) and
 * tells whether a header field (HTTP_*) is over max_header or all of
 * them together over max_total. */
static int scan_params(char **envp, const char *v[PV__N], size_t max_header,
	size_t max_total)
{
	size_t total = 0, n, vl, k;
	int too_large = 0;
	char **e;

	memset(v, 0, PV__N * sizeof(v[0]));
	for (e = envp; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');

		if (eq == NULL)
			continue;
		n = (size_t)(eq - *e);
		if (n >= 5 && memcmp(*e, "HTTP_", 5) == 0) {
			vl = strlen(eq + 1);
			total += vl;
			if (vl > max_header || total > max_total)
				too_large = 1;
		}
		for (k = 0; k < PV__N; k++)
			if (pv_names[k].len == n && v[k] == NULL &&
			    memcmp(*e, pv_names[k].name, n) == 0) {
				v[k] = eq + 1;
				break;
			}
	}
	return too_large;
}

/* Copies an optional param into the arena; empty counts as absent. */
static int keep_param(struct request *req, const char *v, const char **dst)
{
	*dst = NULL;
	if (v == NULL || v[0] == '\0')
		return 0;
	*dst = arena_strdup(req->arena, v);
	return *dst == NULL ? -1 : 0;
}

int http_parse(struct request *req, const struct http_limits *lim,
	const char **why)
{
	static const char *dummy_why;
	size_t max_uri, max_query, max_header, max_total;
	const char *method, *uri, *qs, *qmark, *cl, *addr, *pv[PV__N];
	char *path;
	long plen;
	int rc, too_large;

	if (why == NULL)
		why = &dummy_why;
	*why = NULL;
	max_uri = lim_or(lim ? lim->max_uri : 0, HTTP_MAX_URI_DEFAULT);
	max_query = lim_or(lim ? lim->max_query : 0, HTTP_MAX_QUERY_DEFAULT);
	max_header = lim_or(lim ? lim->max_header : 0, HTTP_MAX_HEADER_DEFAULT);
	max_total = lim_or(lim ? lim->max_headers_total : 0,
		HTTP_MAX_HEADERS_TOTAL_DEFAULT);

	too_large = scan_params(req->envp, pv, max_header, max_total);
	/* The address first, so even a refused request is logged with it. */
	addr = pv[PV_REMOTE_ADDR];
	req->remote_addr = arena_strdup(req->arena, addr ? addr : "");
	if (req->remote_addr == NULL)
		goto oom;

	method = pv[PV_REQUEST_METHOD];
	if (method == NULL || !method_token_ok(method)) {
		*why = "The request method is missing or malformed.";
		return 400;
	}
	req->method_str = arena_strdup(req->arena, method);
	if (req->method_str == NULL)
		goto oom;
	req->method = http_method_parse(method);

	uri = pv[PV_REQUEST_URI];
	if (uri == NULL || uri[0] == '\0') {
		*why = "The request URI is missing.";
		return 400;
	}
	/* Limits first: nothing oversized is decoded or copied. */
	if (strlen(uri) > max_uri) {
		*why = "The request URI is too long.";
		return 414;
	}
	qmark = strchr(uri, '?');
	qs = pv[PV_QUERY_STRING];
	if ((qs != NULL && strlen(qs) > max_query) ||
	    (qmark != NULL && strlen(qmark + 1) > max_query)) {
		*why = "The query string is too long.";
		return 414;
	}
	if (too_large) {
		*why = "A request header field is too large.";
		return 431;
	}

	req->uri = arena_strdup(req->arena, uri);
	if (req->uri == NULL)
		goto oom;
	/* Route on REQUEST_URI: lighttpd and Apache split SCRIPT_NAME and
	 * PATH_INFO differently, the raw URI is the same under both. */
	plen = qmark ? (long)(qmark - uri) : (long)strlen(uri);
	path = arena_alloc(req->arena, (size_t)plen + 1);
	if (path == NULL)
		goto oom;
	plen = pct_decode(uri, (size_t)plen, path, DECODE_PATH);
	if (plen < 0) {
		*why = "The request path is not validly encoded.";
		return 400;
	}
	if (!validate_utf8(path, (size_t)plen)) {
		*why = "The request path is not valid UTF-8.";
		return 400;
	}
	if (path_normalise(path) < 0) {
		*why = "The request path is not a valid absolute path.";
		return 400;
	}
	req->path = path;

	req->query = arena_strdup(req->arena, qmark ? qmark + 1 : "");
	if (req->query == NULL)
		goto oom;
	rc = parse_query(req, req->query, why);
	if (rc != 0)
		return rc;

	cl = pv[PV_CONTENT_LENGTH];
	req->has_content_length = 0;
	req->content_length = 0;
	if (cl != NULL && cl[0] != '\0') {
		/* Digits only, no sign or space, at most 2^53 (what a JSON
		 * number holds exactly). */
		if (!validate_uint(cl, HTTP_CONTENT_LENGTH_MAX,
		    &req->content_length)) {
			*why = "The Content-Length is not a valid length.";
			return 400;
		}
		req->has_content_length = 1;
	}

	if (keep_param(req, pv[PV_CONTENT_TYPE], &req->content_type) < 0 ||
	    keep_param(req, pv[PV_AUTHORIZATION], &req->authorization) < 0 ||
	    keep_param(req, pv[PV_ORIGIN], &req->origin) < 0 ||
	    keep_param(req, pv[PV_IF_NONE_MATCH], &req->if_none_match) < 0 ||
	    keep_param(req, pv[PV_COOKIE], &req->cookie) < 0 ||
	    keep_param(req, pv[PV_USER_AGENT], &req->user_agent) < 0 ||
	    keep_param(req, pv[PV_ACR_METHOD], &req->acr_method) < 0 ||
	    keep_param(req, pv[PV_ACR_HEADERS], &req->acr_headers) < 0)
		goto oom;
	return 0;
oom:
	*why = "Out of memory.";
	return 500;
}

const char *http_query(const struct request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nquery; i++)
		if (strcmp(req->query_params[i].name, name) == 0)
			return req->query_params[i].value;
	return NULL;
}

const char *http_cookie(struct request *req, const char *name)
{
	const char *p = req->cookie;
	size_t nlen = strlen(name);

	if (p == NULL || nlen == 0)
		return NULL;
	while (*p != '\0') {
		const char *end, *eq, *v;
		size_t vlen;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0) {
			v = eq + 1;
			vlen = (size_t)(end - v);
			while (vlen > 0 && (v[vlen - 1] == ' ' ||
			    v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			return arena_strndup(req->arena, v, vlen);
		}
		p = end;
	}
	return NULL;
}

int http_read_body(struct request *req, http_read_fn rd, void *ctx)
{
	uint64_t want = req->has_content_length ? req->content_length : 0;
	size_t got = 0;
	char *buf;

	if (want > HTTP_CONTENT_LENGTH_MAX || want >= SIZE_MAX)
		return DF_ENOMEM;
	buf = arena_alloc(req->arena, (size_t)want + 1);
	if (buf == NULL)
		return DF_ENOMEM;
	while (got < want) {
		long n = rd(ctx, buf + got, (size_t)want - got);

		if (n <= 0 || (uint64_t)n > want - got)
			return DF_EIO;
		got += (size_t)n;
	}
	buf[got] = '\0';
	req->body = buf;
	req->body_len = got;
	return 0;
}

static int header_name_ok(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c)))
			return 0;
	}
	return n > 0;
}

static int header_value_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		/* CR and LF would end the header and start another one. */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* Headers http_write_response writes itself; a second copy from a
 * handler would make the framing ambiguous. */
static int header_reserved(const char *name)
{
	static const char *const reserved[] = {
		"Status", "Content-Type", "Content-Length", "X-Request-Id",
		"X-Content-Type-Options", "Transfer-Encoding", NULL
	};
	size_t i;

	for (i = 0; reserved[i] != NULL; i++)
		if (strcasecmp(name, reserved[i]) == 0)
			return 1;
	return 0;
}

int http_set_header(struct request *req, const char *name, const char *value)
{
	struct response *r = &req->resp;
	struct http_kv *kv = NULL;
	char *n, *v;
	size_t i;

	if (name == NULL || value == NULL || !header_name_ok(name) ||
	    !header_value_ok(value) || header_reserved(name))
		return DF_EINVAL;
	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			kv = &r->headers[i];
	if (kv == NULL && r->nheaders >= HTTP_MAX_RESP_HEADERS)
		return DF_ETOOBIG;
	n = arena_strdup(req->arena, name);
	v = arena_strdup(req->arena, value);
	if (n == NULL || v == NULL)
		return DF_ENOMEM;
	if (kv == NULL)
		kv = &r->headers[r->nheaders++];
	kv->name = n;
	kv->value = v;
	kv->value_len = strlen(v);
	return 0;
}

int http_set_body(struct request *req, int status, const char *content_type,
	const char *body, size_t len)
{
	char *ct = NULL, *b;

	if (content_type != NULL) {
		if (!header_value_ok(content_type))
			return DF_EINVAL;
		ct = arena_strdup(req->arena, content_type);
		if (ct == NULL)
			return DF_ENOMEM;
	}
	b = arena_memdup(req->arena, body != NULL ? body : "", len);
	if (b == NULL)
		return DF_ENOMEM;
	req->resp.status = status;
	req->resp.content_type = ct;
	req->resp.body = b;
	req->resp.body_len = len;
	return 0;
}

int http_set_body_ref(struct request *req, int status,
	const char *content_type, const char *body, size_t len)
{
	if (content_type != NULL && !header_value_ok(content_type))
		return DF_EINVAL;
	req->resp.status = status;
	req->resp.content_type = content_type;
	req->resp.body = body != NULL ? body : "";
	req->resp.body_len = body != NULL ? len : 0;
	return 0;
}

int http_set_json(struct request *req, int status, struct json_object *obj)
{
	const char *s;
	size_t len;

	s = json_object_to_json_string_length(obj,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL)
		return DF_ENOMEM;
	return http_set_body(req, status, "application/json; charset=utf-8",
		s, len);
}

void http_set_status(struct request *req, int status)
{
	req->resp.status = status;
	req->resp.content_type = NULL;
	req->resp.body = NULL;
	req->resp.body_len = 0;
}

void http_set_cacheable(struct request *req)
{
	req->resp.cacheable = 1;
}

/* Appends to the header block; the size was computed beforehand, so
 * running out of room is a bug caught here rather than a cut header. */
struct hbuf {
	char *p;
	size_t len, cap;
	int overflow;
};

static void hb_put(struct hbuf *b, const char *s, size_t n)
{
	if (b->overflow || n > b->cap - b->len) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void hb_line(struct hbuf *b, const char *name, const char *value)
{
	hb_put(b, name, strlen(name));
	hb_put(b, ": ", 2);
	hb_put(b, value, strlen(value));
	hb_put(b, "\r\n", 2);
}

int http_write_response(struct request *req, http_write_fn wr, void *ctx)
{
	struct response *r = &req->resp;
	int status = r->status;
	int no_body_status, send_body;
	char line[64];
	struct hbuf b = { 0 };
	size_t i, cap;

	if (status < 100 || status > 599)
		status = 500;
	/* 204 and 304 carry no body and no length; HEAD carries the length
	 * of what GET would send but not the bytes. */
	no_body_status = status == 204 || status == 304 ||
		(status >= 100 && status < 200);
	send_body = !no_body_status && req->method != HTTP_HEAD &&
		r->body != NULL && r->body_len > 0;

	cap = 192 + sizeof(req->request_id);
	if (r->content_type != NULL)
		cap += strlen(r->content_type) + 16;
	for (i = 0; i < r->nheaders; i++)
		cap += strlen(r->headers[i].name) + r->headers[i].value_len + 4;
	b.cap = cap;
	b.p = arena_alloc(req->arena, cap);
	if (b.p == NULL)
		return DF_EIO;

	snprintf(line, sizeof(line), "%d %s", status, http_reason(status));
	hb_line(&b, "Status", line);
	if (!no_body_status) {
		if (r->content_type != NULL)
			hb_line(&b, "Content-Type", r->content_type);
		snprintf(line, sizeof(line), "%zu", r->body != NULL ?
			r->body_len : (size_t)0);
		if (!r->omit_length)
			hb_line(&b, "Content-Length", line);
	}
	hb_line(&b, "X-Request-Id", req->request_id);
	hb_line(&b, "X-Content-Type-Options", "nosniff");
	for (i = 0; i < r->nheaders; i++)
		hb_line(&b, r->headers[i].name, r->headers[i].value);
	hb_put(&b, "\r\n", 2);
	if (b.overflow)
		return DF_EIO;

	req->bytes_out = 0;
	if (wr(ctx, b.p, b.len) != 0)
		return DF_EIO;
	req->bytes_out = b.len;
	if (send_body) {
		if (wr(ctx, r->body, r->body_len) != 0)
			return DF_EIO;
		req->bytes_out += r->body_len;
	}
	return 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	return "Unknown";
}

static const char *const method_names[] = {
	[HTTP_OTHER] = "OTHER", [HTTP_GET] = "GET", [HTTP_HEAD] = "HEAD",
	[HTTP_POST] = "POST", [HTTP_PUT] = "PUT", [HTTP_PATCH] = "PATCH",
	[HTTP_DELETE] = "DELETE", [HTTP_OPTIONS] = "OPTIONS"
};

enum http_method http_method_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return HTTP_OTHER;
	/* Methods are case-sensitive (RFC 9110 9.1): "get" is not GET. */
	for (i = HTTP_GET; i < sizeof(method_names) / sizeof(method_names[0]);
	    i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

const char *http_method_name(enum http_method m)
{
	if ((size_t)m >= sizeof(method_names) / sizeof(method_names[0]))
		return "OTHER";
	return method_names[m];
}
