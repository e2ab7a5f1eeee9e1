/* Helpers the marketplace suites share: JSON requests with a bearer
 * header, package zips built in memory with libzip, and the steps of
 * publishing (create, version, upload, submit, approve) through the API. */
#ifndef DF_TEST_MARKET_H
#define DF_TEST_MARKET_H

#include <stddef.h>
#include <zip.h>
#include "client.h"

#define EXT "/api/v1/extensions"

/* The people of a test: a developer (owner), a second developer, an admin
 * and a plain user, each with an Authorization header. */
struct market_cast {
	char dev_pid[37], dev2_pid[37], admin_pid[37], user_pid[37];
	char *dev, *dev2, *admin, *user;
};
void market_cast(struct market_cast *c);
void market_cast_free(struct market_cast *c);

/* A Criterion suite whose tests each get a fresh cast in the static
 * `cast`, made before the test and freed after it. */
#define MARKET_SUITE(name)						\
	static struct market_cast cast;					\
	static void market_suite_init(void) { market_cast(&cast); }	\
	static void market_suite_fini(void) { market_cast_free(&cast); } \
	TestSuite(name, .init = market_suite_init, .fini = market_suite_fini)

/* A request with an optional Authorization header line (auth may be
 * NULL) and a JSON body (may be NULL). Returns the status. */
long market_req(const char *method, const char *path, const char *auth,
	const char *json, struct client_resp *r);
/* The status of market_req, the answer dropped. */
long market_status(const char *method, const char *path, const char *auth,
	const char *json);
/* POST /orders as auth (an Authorization header line) with an
 * Idempotency-Key (NULL: none) and a JSON body; the test fails when no
 * answer came. Returns the status. */
long market_order_post(const char *auth, const char *key, const char *json,
	struct client_resp *r);
/* The same with a raw body and content type. */
long market_raw(const char *method, const char *path, const char *auth,
	const char *content_type, const char *body, size_t len,
	struct client_resp *r);

/* One entry: its data, and when set_attr the "made by" host and the
 * external attributes; when asi an ASi Unix extra field with that mode. */
struct market_entry {
	const char *name, *data;
	int set_attr;
	zip_uint8_t opsys;
	zip_uint32_t attr;
	int asi;
	zip_uint16_t asi_mode;
};
/* The entries as a zip in memory (malloc'd, *len bytes). */
char *market_zip_entries(const struct market_entry *e, size_t n,
	size_t *len);
/* A zip in memory (malloc'd, *len bytes) holding each name/content pair
 * of files (NULL-terminated, alternating). */
char *market_zip(size_t *len, const char *const *files);
/* A valid package for slug/version: manifest.json and a README. */
char *market_package(const char *slug, const char *version, size_t *len);

/* A unique slug for this run with the given stem. */
const char *market_slug(const char *stem);

/* Creates a draft extension as auth (fails the test otherwise). extra
 * is more JSON members (", \"price\": {...}") or "". */
void market_create(const char *auth, const char *slug, const char *extra);
/* Creates, uploads, submits and (admin) approves slug@version. */
void market_publish(const struct market_cast *c, const char *slug,
	const char *version, const char *engine);

/* Lower-case hex SHA-256 of buf into out[65]. */
void market_sha256_hex(const void *buf, size_t len, char out[65]);

/* An integer member at a dotted path of a JSON body ("rating.count"),
 * or -1. */
long market_json_int(struct json_object *o, const char *path);

/* The path of a search for q (percent-encoded) with extra query
 * parameters ("&sort=newest" or ""); a static buffer. */
const char *market_search_path(const char *q, const char *extra);
/* The slugs a search for q answers (limit 100), in order, each followed
 * by a space (malloc'd); fails the test unless it answers 200. */
char *market_search_slugs(const char *q, const char *extra);

#endif
