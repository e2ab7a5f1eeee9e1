/* HTTP client over libcurl (httpc.h). One easy handle per process,
 * created on first use (after fork: a handle must not be shared by the
 * workers) and reset between requests, so its connection cache keeps the
 * TLS connection to the provider alive across requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "arena.h"
#include "httpc.h"

static CURL *handle;

int httpc_global_init(void)
{
	static int done;

	if (done)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return DF_EINTERNAL;
	done = 1;
	return 0;
}

struct sink {
	char *p;
	size_t len, cap;
	int over;
};

static size_t sink_write(char *data, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t add = size * n;

	/* Refusing the data makes curl stop with CURLE_WRITE_ERROR: an answer
	 * this large is not one we expect from the provider. */
	if (add > HTTPC_MAX_BODY - s->len) {
		s->over = 1;
		return 0;
	}
	if (s->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *p;

		while (cap < s->len + add + 1)
			cap *= 2;
		p = realloc(s->p, cap);
		if (p == NULL)
			return 0;
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p + s->len, data, add);
	s->len += add;
	s->p[s->len] = '\0';
	return add;
}

static int append_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (l == NULL)
		return DF_ENOMEM;
	*list = l;
	return 0;
}

static int build_headers(struct arena *a, const struct httpc_req *req,
	struct curl_slist **list)
{
	int rc = 0;

	/* No "Expect: 100-continue" round trip before a larger body. */
	rc = append_header(list, "Expect:");
	if (rc == 0 && req->bearer != NULL) {
		char *line = arena_printf(a, "Authorization: Bearer %s", req->bearer);

		rc = line == NULL ? DF_ENOMEM : append_header(list, line);
		/* The key lives on in curl's copy only until the list is freed. */
		if (line != NULL)
			explicit_bzero(line, strlen(line));
	}
	if (rc == 0 && req->body != NULL) {
		char *line = arena_printf(a, "Content-Type: %s",
			req->content_type ? req->content_type :
			"application/x-www-form-urlencoded");

		rc = line == NULL ? DF_ENOMEM : append_header(list, line);
	}
	for (size_t i = 0; rc == 0 && req->headers && req->headers[i]; i++)
		rc = append_header(list, req->headers[i]);
	return rc;
}

static void wipe_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

static int setup(CURL *c, const struct httpc_req *req, struct curl_slist *hdrs,
	struct sink *s, char *errbuf)
{
	int is_post = strcmp(req->method, "POST") == 0;
	CURLcode e = CURLE_OK;

#define SET(opt, val) do { if (e == CURLE_OK) e = curl_easy_setopt(c, opt, val); } while (0)
	SET(CURLOPT_URL, req->url);
	/* Only the web: no file://, no other scheme from a bad config. */
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)req->timeout_ms);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_WRITEFUNCTION, sink_write);
	SET(CURLOPT_WRITEDATA, s);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_USERAGENT, "devforge-httpc");
	if (is_post) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE,
			(curl_off_t)(req->body != NULL ? req->body_len : 0));
	} else {
		SET(CURLOPT_HTTPGET, 1L);
	}
#undef SET
	return e == CURLE_OK ? 0 : DF_EINTERNAL;
}

int httpc_request(struct arena *a, const struct httpc_req *req,
	struct httpc_resp *out)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	struct sink s = { 0 };
	CURLcode e;
	int rc;

	memset(out, 0, sizeof(*out));
	if (req->url == NULL || req->method == NULL || req->timeout_ms == 0 ||
	    (strcmp(req->method, "GET") != 0 && strcmp(req->method, "POST") != 0))
		return DF_EINVAL;
	if (handle == NULL && (handle = curl_easy_init()) == NULL)
		return DF_ENOMEM;
	curl_easy_reset(handle);
	errbuf[0] = '\0';
	rc = build_headers(a, req, &hdrs);
	if (rc == 0)
		rc = setup(handle, req, hdrs, &s, errbuf);
	if (rc != 0) {
		wipe_headers(hdrs);
		return rc;
	}
	e = curl_easy_perform(handle);
	/* The options point at our stack and the list: drop them now. */
	curl_easy_setopt(handle, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, NULL);
	wipe_headers(hdrs);
	if (e != CURLE_OK) {
		out->error = arena_printf(a, "%s", s.over ?
			"the answer is larger than 1 MiB" :
			errbuf[0] ? errbuf : curl_easy_strerror(e));
		free(s.p);
		return out->error == NULL && e == CURLE_OUT_OF_MEMORY ? DF_ENOMEM :
			DF_EUPSTREAM;
	}
	curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &out->status);
	out->body = arena_memdup(a, s.p != NULL ? s.p : "", s.len);
	out->body_len = s.len;
	free(s.p);
	if (out->body == NULL)
		return DF_ENOMEM;
	return 0;
}

/* ------------------------------------------------------------ forms */

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		c == '~';
}

/* Bytes s needs encoded. */
static size_t escaped_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += unreserved((unsigned char)*s) ? 1 : 3;
	return n;
}

static char *escape_into(char *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (unreserved(c)) {
			*out++ = (char)c;
		} else {
			*out++ = '%';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 15];
		}
	}
	*out = '\0';
	return out;
}

char *httpc_escape(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, escaped_len(s) + 1);

	if (out != NULL)
		escape_into(out, s);
	return out;
}

void httpc_form_init(struct httpc_form *f, struct arena *a)
{
	memset(f, 0, sizeof(*f));
	f->a = a;
	f->body = (char *)"";
}

int httpc_form_add(struct httpc_form *f, const char *key, const char *value)
{
	size_t need = (f->len > 0) + escaped_len(key) + 1 + escaped_len(value);
	char *p;

	if (f->len + need + 1 > f->cap) {
		size_t cap = f->cap ? f->cap : 512;
		char *nb;

		while (cap < f->len + need + 1)
			cap *= 2;
		nb = arena_alloc(f->a, cap);
		if (nb == NULL)
			return DF_ENOMEM;
		memcpy(nb, f->body, f->len + 1);
		f->body = nb;
		f->cap = cap;
	}
	p = f->body + f->len;
	if (f->len > 0)
		*p++ = '&';
	p = escape_into(p, key);
	*p++ = '=';
	p = escape_into(p, value);
	f->len = (size_t)(p - f->body);
	return 0;
}

int httpc_form_add_int(struct httpc_form *f, const char *key, long long value)
{
	char v[24];

	snprintf(v, sizeof(v), "%lld", value);
	return httpc_form_add(f, key, v);
}
