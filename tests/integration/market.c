/* Shared steps of the marketplace suites (see market.h). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <json-c/json.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include "market.h"

void market_cast(struct market_cast *c)
{
	memset(c, 0, sizeof(*c));
	c->dev = client_auth_header("developer", c->dev_pid);
	c->dev2 = client_auth_header("developer", c->dev2_pid);
	c->admin = client_auth_header("admin", c->admin_pid);
	c->user = client_auth_header("user", c->user_pid);
	cr_assert(c->dev && c->dev2 && c->admin && c->user);
}

void market_cast_free(struct market_cast *c)
{
	free(c->dev);
	free(c->dev2);
	free(c->admin);
	free(c->user);
}

long market_raw(const char *method, const char *path, const char *auth,
	const char *content_type, const char *body, size_t len,
	struct client_resp *r)
{
	const char *h[3] = { NULL, NULL, NULL };
	char ct[128];
	size_t n = 0;

	if (auth != NULL)
		h[n++] = auth;
	if (content_type != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
		h[n++] = ct;
	}
	cr_assert_eq(client_request(method, client_url(path), h, body, len, r),
		0, "%s %s: no answer", method, path);
	return r->status;
}

long market_req(const char *method, const char *path, const char *auth,
	const char *json, struct client_resp *r)
{
	/* A POST without a body still says Content-Length: 0, as clients
	 * do (lighttpd answers 411 otherwise). */
	if (json == NULL && strcmp(method, "POST") == 0)
		return market_raw(method, path, auth, NULL, "", 0, r);
	return market_raw(method, path, auth,
		json != NULL ? "application/json" : NULL, json,
		json != NULL ? strlen(json) : 0, r);
}

long market_status(const char *method, const char *path, const char *auth,
	const char *json)
{
	struct client_resp r;
	long s = market_req(method, path, auth, json, &r);

	client_free(&r);
	return s;
}

long market_order_post(const char *auth, const char *key, const char *json,
	struct client_resp *r)
{
	char kh[400];
	const char *hs[4];
	size_t n = 0;

	hs[n++] = auth;
	if (key != NULL) {
		snprintf(kh, sizeof(kh), "Idempotency-Key: %s", key);
		hs[n++] = kh;
	}
	hs[n] = NULL;
	cr_assert(client_post_json(client_url("/api/v1/orders"), json, hs,
		r) == 0, "POST /orders: no answer");
	return r->status;
}

char *market_zip_entries(const struct market_entry *e, size_t n, size_t *len)
{
	zip_uint8_t asi[18] = { 0 };
	zip_error_t err;
	zip_source_t *src, *f;
	zip_stat_t st;
	zip_int64_t idx;
	zip_t *za;
	char *out;
	size_t i;

	zip_error_init(&err);
	src = zip_source_buffer_create(NULL, 0, 0, &err);
	cr_assert(src != NULL);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	cr_assert(za != NULL);
	zip_source_keep(src);
	for (i = 0; i < n; i++) {
		f = zip_source_buffer(za, e[i].data, strlen(e[i].data), 0);
		cr_assert(f != NULL);
		idx = zip_file_add(za, e[i].name, f, ZIP_FL_ENC_UTF_8);
		cr_assert(idx >= 0, "zip add %s: %s", e[i].name, zip_strerror(za));
		if (e[i].set_attr)
			cr_assert_eq(zip_file_set_external_attributes(za,
				(zip_uint64_t)idx, 0, e[i].opsys, e[i].attr), 0);
		if (e[i].asi) {
			/* CRC, mode, size, uid, gid, then the link target. */
			asi[4] = (zip_uint8_t)(e[i].asi_mode & 0xff);
			asi[5] = (zip_uint8_t)(e[i].asi_mode >> 8);
			memcpy(asi + 14, "/etc", 4);
			cr_assert_eq(zip_file_extra_field_set(za,
				(zip_uint64_t)idx, 0x756e, ZIP_EXTRA_FIELD_NEW, asi,
				sizeof(asi), ZIP_FL_LOCAL | ZIP_FL_CENTRAL), 0);
		}
	}
	cr_assert_eq(zip_close(za), 0);
	cr_assert_eq(zip_source_stat(src, &st), 0);
	cr_assert_eq(zip_source_open(src), 0);
	out = malloc(st.size + 1);
	cr_assert(out != NULL);
	cr_assert_eq(zip_source_read(src, out, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&err);
	*len = st.size;
	return out;
}

char *market_zip(size_t *len, const char *const *files)
{
	struct market_entry e[16];
	size_t n = 0;

	for (size_t i = 0; files[i] != NULL; i += 2) {
		cr_assert(n < 16, "too many files for market_zip");
		e[n++] = (struct market_entry){ .name = files[i],
			.data = files[i + 1] };
	}
	return market_zip_entries(e, n, len);
}

char *market_package(const char *slug, const char *version, size_t *len)
{
	char manifest[512];
	const char *files[] = { "manifest.json", manifest, "README.md",
		"# An extension for the Dev Forge IDE\n", "src/main.js",
		"export function activate() { return 42; }\n", NULL };

	snprintf(manifest, sizeof(manifest),
		"{\"name\": \"%s\", \"version\": \"%s\", \"main\": \"src/main.js\"}",
		slug, version);
	return market_zip(len, files);
}

const char *market_slug(const char *stem)
{
	static char buf[8][64];
	static unsigned seq;
	char *s = buf[seq % 8];

	snprintf(s, 64, "%s-%ld%d%u", stem, (long)time(NULL) % 1000000,
		getpid() % 10000, seq);
	seq++;
	return s;
}

void market_create(const char *auth, const char *slug, const char *extra)
{
	struct client_resp r;
	char body[2048];

	snprintf(body, sizeof(body), "{\"slug\": \"%s\", \"name\": \"Test %s\","
		" \"summary\": \"A test extension\", \"description\": \"Made by"
		" the marketplace suite.\", \"category\": \"other\","
		" \"license\": \"MIT\"%s}", slug, slug, extra);
	cr_assert_eq(market_req("POST", EXT, auth, body, &r), 201,
		"create %s: %ld %s", slug, r.status, r.body);
	client_free(&r);
}

void market_publish(const struct market_cast *c, const char *slug,
	const char *version, const char *engine)
{
	struct client_resp r;
	char path[256], body[512];
	size_t len;
	char *zip;

	snprintf(path, sizeof(path), EXT "/%s/versions", slug);
	snprintf(body, sizeof(body), "{\"version\": \"%s\", \"changelog\":"
		" \"Release %s\", \"engine\": \"%s\"}", version, version, engine);
	cr_assert_eq(market_req("POST", path, c->dev, body, &r), 201,
		"version %s@%s: %ld %s", slug, version, r.status, r.body);
	client_free(&r);
	zip = market_package(slug, version, &len);
	snprintf(path, sizeof(path), EXT "/%s/versions/%s/package", slug,
		version);
	cr_assert_eq(market_raw("PUT", path, c->dev, "application/zip", zip,
		len, &r), 200, "upload %s@%s: %ld %s", slug, version, r.status,
		r.body);
	client_free(&r);
	free(zip);
	snprintf(path, sizeof(path), EXT "/%s/versions/%s/submit", slug,
		version);
	cr_assert_eq(market_req("POST", path, c->dev, NULL, &r), 200,
		"submit: %ld %s", r.status, r.body);
	client_free(&r);
	snprintf(path, sizeof(path), "/api/v1/admin/extensions/%s/versions/%s"
		"/approve", slug, version);
	cr_assert_eq(market_req("POST", path, c->admin, NULL, &r), 200,
		"approve: %ld %s", r.status, r.body);
	client_free(&r);
}

void market_sha256_hex(const void *buf, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t i;

	SHA256(buf, len, md);
	for (i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

long market_json_int(struct json_object *o, const char *path)
{
	char key[128];
	const char *dot;

	while (o != NULL && (dot = strchr(path, '.')) != NULL) {
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(key))
			return -1;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return -1;
		path = dot + 1;
	}
	if (o == NULL || !json_object_object_get_ex(o, path, &o) ||
	    !json_object_is_type(o, json_type_int))
		return -1;
	return (long)json_object_get_int64(o);
}

const char *market_search_path(const char *q, const char *extra)
{
	static char path[1024];
	char *p;
	size_t i;

	p = path + snprintf(path, sizeof(path), EXT "?q=");
	for (i = 0; q[i] != '\0'; i++) {
		unsigned char c = (unsigned char)q[i];

		if (isalnum(c))
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	snprintf(p, sizeof(path) - (size_t)(p - path), "%s", extra);
	return path;
}

char *market_search_slugs(const char *q, const char *extra)
{
	struct client_resp r;
	struct json_object *o, *items;
	char *out = calloc(1, 1);
	size_t i, len = 0;
	char more[256];

	snprintf(more, sizeof(more), "&limit=100%s", extra);
	cr_assert_eq(market_req("GET", market_search_path(q, more), NULL, NULL, &r), 200,
		"q=%s: %s", q, r.body);
	o = client_json(&r);
	items = json_object_object_get(o, "items");
	for (i = 0; i < json_object_array_length(items); i++) {
		const char *s = client_json_str(
			json_object_array_get_idx(items, i), "slug");

		out = realloc(out, len + strlen(s) + 2);
		len += (size_t)sprintf(out + len, "%s ", s);
	}
	json_object_put(o);
	client_free(&r);
	return out;
}
