/* The extension marketplace's publish flow and each of its refusals,
 * through the front server: create → version → upload → submit → approve
 * → listed → download (sent by the front server) → review; wrong owner,
 * unpublished for strangers, bad SemVer, non-zip, zip without manifest,
 * manifest mismatch, over-size upload, duplicate version, review without
 * download; yanking and update checks across IDE engine ranges. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"
#include "market.h"

MARKET_SUITE(market);

static void assert_problem_field(const struct client_resp *r, long status,
	const char *field, const char *code)
{
	struct json_object *o = client_json(r), *errs, *e;
	size_t i;
	int found = 0;

	cr_assert_eq(r->status, status, "want %ld, got %ld: %s", status,
		r->status, r->body);
	cr_assert(o != NULL, "not JSON: %s", r->body);
	cr_assert(json_object_object_get_ex(o, "errors", &errs),
		"no errors in %s", r->body);
	for (i = 0; i < json_object_array_length(errs); i++) {
		e = json_object_array_get_idx(errs, i);
		if (strcmp(client_json_str(e, "field") ?: "", field) == 0 &&
		    strcmp(client_json_str(e, "code") ?: "", code) == 0)
			found = 1;
	}
	cr_assert(found, "no %s/%s error in %s", field, code, r->body);
	json_object_put(o);
}

static long upload(const char *auth, const char *slug, const char *ver,
	const char *body, size_t len, struct client_resp *r)
{
	char path[256];

	snprintf(path, sizeof(path), EXT "/%s/versions/%s/package", slug, ver);
	return market_raw("PUT", path, auth, "application/zip", body, len, r);
}

static long new_version(const char *auth, const char *slug, const char *ver,
	const char *engine, struct client_resp *r)
{
	char path[256], body[512];

	snprintf(path, sizeof(path), EXT "/%s/versions", slug);
	snprintf(body, sizeof(body), "{\"version\": \"%s\", \"changelog\": "
		"\"notes\", \"engine\": \"%s\"}", ver, engine);
	return market_req("POST", path, auth, body, r);
}

Test(market, publish_flow_end_to_end)
{
	const char *slug = market_slug("flow");
	struct client_resp r;
	struct json_object *o;
	char path[256], sha[65], *zip, *cd, *digest, *v, want[64];
	unsigned char md[32];
	size_t len;

	market_create(cast.dev, slug, ", \"tags\": [\"flowtest\", \"demo\"]");
	snprintf(path, sizeof(path), EXT "/%s", slug);
	/* A draft is the owner's: strangers see nothing. */
	cr_assert_eq(market_status("GET", path, NULL, NULL), 404);
	cr_assert_eq(market_req("GET", path, cast.dev, NULL, &r), 200);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "status"), "draft");
	json_object_put(o);
	client_free(&r);

	cr_assert_eq(new_version(cast.dev, slug, "1.0.0", "^1.0.0", &r), 201,
		"%s", r.body);
	client_free(&r);
	zip = market_package(slug, "1.0.0", &len);
	market_sha256_hex(zip, len, sha);
	cr_assert_eq(upload(cast.dev, slug, "1.0.0", zip, len, &r), 200, "%s",
		r.body);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "package.sha256"), sha);
	cr_assert_eq(market_json_int(o, "package.size"), (long)len);
	cr_assert_str_eq(client_json_str(o, "status"), "draft");
	json_object_put(o);
	client_free(&r);
	/* Stored content-addressed, size and digest recorded. */
	v = client_sqlf("SELECT CONCAT(package_sha256, ' ', package_size, ' ',"
		" checks_passed) FROM extension_versions v JOIN extensions e ON"
		" e.id = v.extension_id WHERE e.slug = '%s'", slug);
	snprintf(want, sizeof(want), "%.10s", sha);
	cr_assert(v != NULL && strncmp(v, sha, 64) == 0, "row: %s", v);
	free(v);

	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/submit", slug);
	cr_assert_eq(market_req("POST", path, cast.dev, NULL, &r), 200);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "status"), "pending_review");
	json_object_put(o);
	client_free(&r);
	/* Submitted: the package no longer changes. */
	cr_assert_eq(upload(cast.dev, slug, "1.0.0", zip, len, &r), 409);
	client_free(&r);

	/* In the admin's queue. */
	cr_assert_eq(market_req("GET", "/api/v1/admin/review-queue?limit=100",
		cast.admin, NULL, &r), 200);
	cr_assert(strstr(r.body, slug) != NULL, "not queued: %s", r.body);
	client_free(&r);
	cr_assert_eq(market_status("GET", "/api/v1/admin/review-queue",
		cast.dev, NULL), 403);

	snprintf(path, sizeof(path),
		"/api/v1/admin/extensions/%s/versions/1.0.0/approve", slug);
	cr_assert_eq(market_status("POST", path, cast.dev, NULL), 403);
	cr_assert_eq(market_req("POST", path, cast.admin, NULL, &r), 200,
		"%s", r.body);
	client_free(&r);
	cr_assert_eq(market_status("POST", path, cast.admin, NULL), 409);

	/* Published: everyone sees it, with its latest version, and it is
	 * listed. */
	snprintf(path, sizeof(path), EXT "/%s", slug);
	cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "status"), "published");
	cr_assert_str_eq(client_json_str(o, "latest_version"), "1.0.0");
	cr_assert(client_json_str(o, "published_at") != NULL);
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(market_req("GET", EXT "?tag=flowtest&limit=100", NULL,
		NULL, &r), 200);
	cr_assert(strstr(r.body, slug) != NULL, "not listed: %s", r.body);
	client_free(&r);

	/* Download: the worker authorises and counts, the front server
	 * sends the very bytes uploaded. */
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/download", slug);
	cr_assert_eq(market_req("GET", path, cast.user, NULL, &r), 200,
		"%s", r.body);
	cr_assert_eq(r.body_len, len);
	cr_assert(memcmp(r.body, zip, len) == 0, "body differs from package");
	cd = client_header(&r, "Content-Disposition");
	snprintf(want, sizeof(want), "attachment; filename=\"%s-1.0.0.zip\"",
		slug);
	cr_assert(cd != NULL && strcmp(cd, want) == 0, "%s", cd);
	digest = client_header(&r, "Repr-Digest");
	EVP_Digest(zip, len, md, NULL, EVP_sha256(), NULL);
	{
		char b64[64], expect[80];

		EVP_EncodeBlock((unsigned char *)b64, md, 32);
		snprintf(expect, sizeof(expect), "sha-256=:%s:", b64);
		cr_assert(digest != NULL && strcmp(digest, expect) == 0,
			"Repr-Digest %s, want %s", digest, expect);
	}
	cr_assert_null(client_header(&r, "X-Sendfile"),
		"the front server must consume X-Sendfile");
	free(cd);
	free(digest);
	client_free(&r);
	/* A HEAD tells size and digest without counting a download. */
	cr_assert_eq(market_status("HEAD", path, cast.user, NULL), 200);
	/* Counts are written in batches (downloads_flush_seconds): wait for
	 * the flush, within a generous bound. */
	for (double until = client_now() + 30;;) {
		v = client_sqlf("SELECT downloads FROM extensions WHERE slug = '%s'",
			slug);
		if ((v != NULL && strcmp(v, "0") != 0) || client_now() > until)
			break;
		free(v);
		usleep(200 * 1000);
	}
	cr_assert(v != NULL && strcmp(v, "1") == 0, "downloads %s", v);
	free(v);

	/* Review: the downloader may; one per user, replaced by a second
	 * PUT, the aggregate in step. */
	snprintf(path, sizeof(path), EXT "/%s/reviews/me", slug);
	cr_assert_eq(market_req("PUT", path, cast.user, "{\"rating\": 4,"
		" \"title\": \"Good\", \"body\": \"Works well.\"}", &r), 201,
		"%s", r.body);
	client_free(&r);
	snprintf(path, sizeof(path), EXT "/%s", slug);
	cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200);
	o = client_json(&r);
	cr_assert_eq(market_json_int(o, "rating.count"), 1);
	cr_assert_str_eq(client_json_str(o, "rating.average"), "4.00");
	json_object_put(o);
	client_free(&r);
	snprintf(path, sizeof(path), EXT "/%s/reviews/me", slug);
	cr_assert_eq(market_req("PUT", path, cast.user, "{\"rating\": 2}", &r),
		200, "%s", r.body);
	client_free(&r);
	v = client_sqlf("SELECT CONCAT(rating_count, ' ', rating_sum, ' ', rating_avg)"
		" FROM extensions WHERE slug = '%s'", slug);
	cr_assert(v != NULL && strcmp(v, "1 2 2.00") == 0, "aggregate %s", v);
	free(v);
	snprintf(path, sizeof(path), EXT "/%s/reviews", slug);
	cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200);
	o = client_json(&r);
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"items")), 1);
	json_object_put(o);
	client_free(&r);
	snprintf(path, sizeof(path), EXT "/%s/reviews/me", slug);
	cr_assert_eq(market_status("DELETE", path, cast.user, NULL), 204);
	cr_assert_eq(market_status("DELETE", path, cast.user, NULL), 404);
	v = client_sqlf("SELECT CONCAT(rating_count, ' ', rating_avg) FROM extensions"
		" WHERE slug = '%s'", slug);
	cr_assert(v != NULL && strcmp(v, "0 0.00") == 0, "aggregate %s", v);
	free(v);

	/* The public developer profile lists it. */
	{
		char q[256], *name;

		snprintf(q, sizeof(q), "SELECT username FROM users WHERE"
			" public_id = '%s'", cast.dev_pid);
		name = client_sql(q);
		cr_assert(name != NULL);
		snprintf(path, sizeof(path), "/api/v1/developers/%s", name);
		cr_assert_eq(market_req("GET", path, NULL, NULL, &r), 200);
		cr_assert(strstr(r.body, slug) != NULL, "profile: %s", r.body);
		client_free(&r);
		free(name);
	}
	free(zip);
}

Test(market, strangers_and_other_owners_are_refused)
{
	const char *slug = market_slug("owner");
	struct client_resp r;
	char path[256];

	market_create(cast.dev, slug, "");
	snprintf(path, sizeof(path), EXT "/%s", slug);
	/* Unpublished: not found for strangers, whatever the route. */
	cr_assert_eq(market_status("GET", path, cast.dev2, NULL), 404);
	cr_assert_eq(market_req("PATCH", path, cast.dev2, "{\"name\": \"Mine\"}",
		&r), 404);
	client_free(&r);
	snprintf(path, sizeof(path), EXT "/%s/versions", slug);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 404);
	cr_assert_eq(new_version(cast.dev2, slug, "1.0.0", "*", &r), 404);
	client_free(&r);
	snprintf(path, sizeof(path), EXT "/%s/reviews", slug);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 404);
	/* The owner finds the draft among their own; nobody else does. */
	cr_assert_eq(market_req("GET", "/api/v1/developers/me/extensions?limit=100",
		cast.dev, NULL, &r), 200);
	cr_assert(strstr(r.body, slug) != NULL, "own draft missing: %s", r.body);
	client_free(&r);
	cr_assert_eq(market_req("GET", "/api/v1/developers/me/extensions?limit=100",
		cast.dev2, NULL, &r), 200);
	cr_assert(strstr(r.body, slug) == NULL, "another's draft listed");
	client_free(&r);
	cr_assert_eq(market_status("GET", "/api/v1/developers/me/extensions",
		cast.user, NULL), 403);
	/* The admin sees and manages it. */
	snprintf(path, sizeof(path), EXT "/%s", slug);
	cr_assert_eq(market_status("GET", path, cast.admin, NULL), 200);

	/* Published: visible, but still not another developer's to edit. */
	market_publish(&cast, slug, "1.0.0", "*");
	cr_assert_eq(market_req("PATCH", path, cast.dev2, "{\"name\": \"Mine\"}",
		&r), 403);
	client_free(&r);
	cr_assert_eq(market_status("DELETE", path, cast.dev2, NULL), 403);
	cr_assert_eq(new_version(cast.dev2, slug, "2.0.0", "*", &r), 403);
	client_free(&r);
	/* Uploads are the owner's alone, not even an admin's. */
	cr_assert_eq(new_version(cast.admin, slug, "2.0.0", "*", &r), 403);
	client_free(&r);
	/* Roles: anonymous 401, a plain user 403. */
	cr_assert_eq(market_status("POST", EXT, NULL, "{}"), 401);
	cr_assert_eq(market_status("POST", EXT, cast.user, "{}"), 403);
	/* The owner edits; the slug never changes. */
	cr_assert_eq(market_req("PATCH", path, cast.dev, "{\"name\": \"Renamed\","
		" \"tags\": [\"a\", \"b\"], \"homepage\": null}", &r), 200,
		"%s", r.body);
	cr_assert(strstr(r.body, "\"Renamed\"") != NULL);
	client_free(&r);
	cr_assert_eq(market_req("PATCH", path, cast.dev, "{\"slug\": \"x-y-z\"}",
		&r), 422);
	assert_problem_field(&r, 422, "slug", "read_only");
	client_free(&r);
}

Test(market, create_refuses_bad_fields_and_taken_slugs)
{
	const char *slug = market_slug("dup");
	struct client_resp r;

	market_create(cast.dev, slug, "");
	cr_assert_eq(market_req("POST", EXT, cast.dev2, "{\"slug\": \"dup-x\"}",
		&r), 422);
	client_free(&r);
	{
		char body[512];

		snprintf(body, sizeof(body), "{\"slug\": \"%s\", \"name\": \"N\","
			" \"summary\": \"S\", \"category\": \"other\","
			" \"license\": \"MIT\"}", slug);
		cr_assert_eq(market_status("POST", EXT, cast.dev2, body), 409);
	}
	market_req("POST", EXT, cast.dev, "{\"slug\": \"Bad_Slug\", \"name\": "
		"\"N\", \"summary\": \"S\", \"category\": \"other\", \"license\":"
		" \"MIT\"}", &r);
	assert_problem_field(&r, 422, "slug", "invalid_format");
	client_free(&r);
	market_req("POST", EXT, cast.dev, "{\"slug\": \"updates\", \"name\": "
		"\"N\", \"summary\": \"S\", \"category\": \"other\", \"license\":"
		" \"MIT\"}", &r);
	assert_problem_field(&r, 422, "slug", "reserved");
	client_free(&r);
	market_req("POST", EXT, cast.dev, "{\"slug\": \"okay-slug-1\", \"name\": "
		"\"N\", \"summary\": \"S\", \"category\": \"nope\", \"license\":"
		" \"Beerware-ish\", \"tags\": [\"ok\", \"ok\", \"Not OK\"],"
		" \"price\": {\"amount\": -1, \"currency\": \"XXX\"}}", &r);
	assert_problem_field(&r, 422, "license", "invalid_format");
	assert_problem_field(&r, 422, "category", "unknown");
	assert_problem_field(&r, 422, "tags[1]", "duplicate");
	assert_problem_field(&r, 422, "tags[2]", "invalid_format");
	assert_problem_field(&r, 422, "price.amount", "out_of_range");
	assert_problem_field(&r, 422, "price.currency", "invalid_format");
	client_free(&r);
	/* Nothing was stored by the refusals. */
	{
		char *v = client_sql("SELECT COUNT(*) FROM extensions WHERE slug"
			" IN ('okay-slug-1', 'updates', 'Bad_Slug')");

		cr_assert(v != NULL && strcmp(v, "0") == 0);
		free(v);
	}
}

Test(market, versions_refuse_bad_semver_duplicates_and_bad_packages)
{
	const char *slug = market_slug("pkg");
	const char *no_manifest[] = { "README.md", "hello", "sub/manifest.json",
		"{\"name\": \"x\", \"version\": \"1.0.0\"}", NULL };
	struct client_resp r;
	char path[256], *zip, manifest[256];
	size_t len;

	market_create(cast.dev, slug, "");
	new_version(cast.dev, slug, "1.0", "^1.0.0", &r);
	assert_problem_field(&r, 422, "version", "invalid_format");
	client_free(&r);
	new_version(cast.dev, slug, "1.0.0", "=>banana", &r);
	assert_problem_field(&r, 422, "engine", "invalid_format");
	client_free(&r);
	cr_assert_eq(new_version(cast.dev, slug, "1.0.0-beta.1", "^1.0.0", &r),
		201);
	client_free(&r);
	cr_assert_eq(new_version(cast.dev, slug, "1.0.0-beta.1", "^1.0.0", &r),
		409);
	client_free(&r);
	/* Build metadata does not make a different version. */
	cr_assert_eq(new_version(cast.dev, slug, "1.0.0-beta.1+build.7",
		"^1.0.0", &r), 409);
	client_free(&r);

	/* Submitting without a package. */
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0-beta.1/submit",
		slug);
	cr_assert_eq(market_status("POST", path, cast.dev, NULL), 409);

	/* Not a zip; the wrong media type; no manifest at the root. */
	upload(cast.dev, slug, "1.0.0-beta.1", "plain text, not a zip", 21, &r);
	assert_problem_field(&r, 422, "package", "not_zip");
	client_free(&r);
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0-beta.1/package",
		slug);
	cr_assert_eq(market_raw("PUT", path, cast.dev, "text/plain", "x", 1,
		&r), 415);
	client_free(&r);
	zip = market_zip(&len, no_manifest);
	upload(cast.dev, slug, "1.0.0-beta.1", zip, len, &r);
	assert_problem_field(&r, 422, "package", "manifest_missing");
	client_free(&r);
	free(zip);
	/* Manifests naming another extension or version. */
	{
		const char *files[] = { "manifest.json", manifest, NULL };

		snprintf(manifest, sizeof(manifest), "{\"name\": \"someone-else\","
			" \"version\": \"1.0.0-beta.1\"}");
		zip = market_zip(&len, files);
		upload(cast.dev, slug, "1.0.0-beta.1", zip, len, &r);
		assert_problem_field(&r, 422, "package", "manifest_name_mismatch");
		client_free(&r);
		free(zip);
		snprintf(manifest, sizeof(manifest), "{\"name\": \"%s\","
			" \"version\": \"9.9.9\"}", slug);
		zip = market_zip(&len, files);
		upload(cast.dev, slug, "1.0.0-beta.1", zip, len, &r);
		assert_problem_field(&r, 422, "package",
			"manifest_version_mismatch");
		client_free(&r);
		free(zip);
	}
	/* The refusals left no package and recorded the failed checks. */
	{
		char *v = client_sqlf("SELECT CONCAT(COALESCE(package_sha256, 'none'),"
			" ' ', checks_passed) FROM extension_versions v JOIN"
			" extensions e ON e.id = v.extension_id WHERE e.slug ="
			" '%s'", slug);

		cr_assert(v != NULL && strcmp(v, "none 0") == 0, "row %s", v);
		free(v);
	}
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0-beta.1", slug);
	cr_assert_eq(market_req("GET", path, cast.dev, NULL, &r), 200);
	cr_assert(strstr(r.body, "manifest_version_mismatch") != NULL,
		"checks not shown: %s", r.body);
	client_free(&r);

	/* Over the 50 MiB cap: 413 before the worker reads a byte. */
	{
		size_t big = 50u * 1024 * 1024 + 1;
		char *junk = calloc(1, big);

		cr_assert(junk != NULL);
		cr_assert_eq(upload(cast.dev, slug, "1.0.0-beta.1", junk, big,
			&r), 413, "%ld", r.status);
		client_free(&r);
		free(junk);
	}
	/* And a good package is accepted after all that. */
	zip = market_package(slug, "1.0.0-beta.1", &len);
	cr_assert_eq(upload(cast.dev, slug, "1.0.0-beta.1", zip, len, &r), 200,
		"%s", r.body);
	client_free(&r);
	free(zip);
}

Test(market, review_needs_a_download)
{
	const char *slug = market_slug("rev");
	struct client_resp r;
	char path[256];

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	snprintf(path, sizeof(path), EXT "/%s/reviews/me", slug);
	cr_assert_eq(market_req("PUT", path, cast.user, "{\"rating\": 5}", &r),
		403, "%s", r.body);
	client_free(&r);
	cr_assert_eq(market_status("PUT", path, NULL, "{\"rating\": 5}"), 401);
	/* The owner does not review their own. */
	cr_assert_eq(market_req("PUT", path, cast.dev, "{\"rating\": 5}", &r),
		403);
	client_free(&r);
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/download", slug);
	cr_assert_eq(market_status("GET", path, cast.user, NULL), 200);
	snprintf(path, sizeof(path), EXT "/%s/reviews/me", slug);
	market_req("PUT", path, cast.user, "{\"rating\": 6}", &r);
	assert_problem_field(&r, 422, "rating", "out_of_range");
	client_free(&r);
	cr_assert_eq(market_req("PUT", path, cast.user, "{\"rating\": 1,"
		" \"body\": \"Spam spam spam\"}", &r), 201);
	{
		struct json_object *o = client_json(&r);
		char rpath[128];

		snprintf(rpath, sizeof(rpath), "/api/v1/admin/reviews/%s",
			client_json_str(o, "id"));
		json_object_put(o);
		client_free(&r);
		cr_assert_eq(market_status("DELETE", rpath, cast.dev, NULL),
			403);
		cr_assert_eq(market_req("DELETE", rpath, cast.admin, NULL, &r),
			204);
		client_free(&r);
		cr_assert_eq(market_req("DELETE", rpath, cast.admin, NULL, &r),
			404);
		client_free(&r);
	}
	{
		char *v = client_sqlf("SELECT rating_count FROM extensions WHERE slug"
			" = '%s'", slug);

		cr_assert(v != NULL && strcmp(v, "0") == 0);
		free(v);
	}
}

Test(market, paid_extensions_download_for_owner_and_admin_only)
{
	const char *slug = market_slug("paid");
	char path[256];

	market_create(cast.dev, slug, ", \"price\": {\"amount\": 999,"
		" \"currency\": \"USD\"}");
	market_publish(&cast, slug, "1.0.0", "*");
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/download", slug);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 401);
	cr_assert_eq(market_status("GET", path, cast.user, NULL), 403);
	cr_assert_eq(market_status("GET", path, cast.dev, NULL), 200);
	cr_assert_eq(market_status("GET", path, cast.admin, NULL), 200);
}

Test(market, yanked_versions_leave_latest_and_updates_but_stay_downloadable)
{
	const char *slug = market_slug("yank");
	struct client_resp r;
	struct json_object *o;
	char path[256], body[256];

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	market_publish(&cast, slug, "1.1.0", "*");
	snprintf(path, sizeof(path), EXT "/%s", slug);
	market_req("GET", path, NULL, NULL, &r);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "latest_version"), "1.1.0");
	json_object_put(o);
	client_free(&r);

	snprintf(path, sizeof(path), EXT "/%s/versions/1.1.0/yank", slug);
	cr_assert_eq(market_status("POST", path, cast.dev2, "{}"), 403);
	cr_assert_eq(market_req("POST", path, cast.dev, "{\"reason\": \"Crashes"
		" on start\"}", &r), 200, "%s", r.body);
	client_free(&r);
	cr_assert_eq(market_status("POST", path, cast.dev, "{}"), 409);

	snprintf(path, sizeof(path), EXT "/%s", slug);
	market_req("GET", path, NULL, NULL, &r);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "latest_version"), "1.0.0");
	json_object_put(o);
	client_free(&r);

	snprintf(body, sizeof(body), "{\"installed\": [{\"slug\": \"%s\","
		" \"version\": \"1.0.0\"}], \"engine\": \"1.0.0\"}", slug);
	cr_assert_eq(market_req("POST", EXT "/updates", NULL, body, &r), 200);
	cr_assert(strstr(r.body, "1.1.0") == NULL, "yanked offered: %s", r.body);
	client_free(&r);

	/* By exact version it still downloads, for those who have it. */
	snprintf(path, sizeof(path), EXT "/%s/versions/1.1.0/download", slug);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 200);
	/* The public list still shows it, marked. */
	snprintf(path, sizeof(path), EXT "/%s/versions", slug);
	market_req("GET", path, NULL, NULL, &r);
	o = client_json(&r);
	{
		struct json_object *items = json_object_object_get(o, "items");

		cr_assert_eq(json_object_array_length(items), 2);
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(items,
			0), "version"), "1.1.0");
		cr_assert(json_object_get_boolean(json_object_object_get(
			json_object_array_get_idx(items, 0), "yanked")));
	}
	json_object_put(o);
	client_free(&r);
}

/* The version an update check offers slug at engine, or "" for none. */
static const char *offered(const char *slug, const char *installed,
	const char *engine)
{
	static char ver[64];
	struct client_resp r;
	struct json_object *o, *u;
	char body[512];

	snprintf(body, sizeof(body), "{\"installed\": [{\"slug\": \"%s\","
		" \"version\": \"%s\"}, {\"slug\": \"no-such-extension-here\","
		" \"version\": \"1.0.0\"}], \"engine\": \"%s\"}", slug, installed,
		engine);
	cr_assert_eq(market_req("POST", EXT "/updates", NULL, body, &r), 200,
		"%s", r.body);
	o = client_json(&r);
	u = json_object_object_get(o, "updates");
	cr_assert(json_object_array_length(u) <= 1, "%s", r.body);
	ver[0] = '\0';
	if (json_object_array_length(u) == 1) {
		struct json_object *it = json_object_array_get_idx(u, 0);

		cr_assert_str_eq(client_json_str(it, "slug"), slug);
		cr_assert_str_eq(client_json_str(it, "installed_version"),
			installed);
		snprintf(ver, sizeof(ver), "%s", client_json_str(it, "version"));
	}
	json_object_put(o);
	client_free(&r);
	return ver;
}

Test(market, update_checks_follow_engine_ranges)
{
	const char *slug = market_slug("upd");
	struct client_resp r;

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "^1.0.0");
	market_publish(&cast, slug, "1.5.0", ">=1.4.0 <2.0.0");
	market_publish(&cast, slug, "2.0.0", ">=2.0.0 <3.0.0 || ^3.1.0");
	market_publish(&cast, slug, "2.1.0-beta.1", "^2.0.0");

	cr_assert_str_eq(offered(slug, "0.9.0", "1.2.0"), "1.0.0");
	cr_assert_str_eq(offered(slug, "0.9.0", "1.4.2"), "1.5.0");
	cr_assert_str_eq(offered(slug, "1.5.0", "1.9.9"), "");
	cr_assert_str_eq(offered(slug, "1.0.0", "2.3.0"), "2.0.0");
	cr_assert_str_eq(offered(slug, "1.0.0", "3.0.5"), "");
	cr_assert_str_eq(offered(slug, "1.0.0", "3.1.0"), "2.0.0");
	/* Pre-releases only for those already on one. */
	cr_assert_str_eq(offered(slug, "2.1.0-alpha.1", "2.3.0"),
		"2.1.0-beta.1");
	cr_assert_str_eq(offered(slug, "2.0.0", "2.3.0"), "");

	market_req("POST", EXT "/updates", NULL, "{\"installed\": [{\"slug\":"
		" \"x-y\", \"version\": \"one\"}], \"engine\": \"2.0.0\"}", &r);
	assert_problem_field(&r, 422, "installed[0].version", "invalid_format");
	client_free(&r);
	market_req("POST", EXT "/updates", NULL, "{\"installed\": [],"
		" \"engine\": \"latest\"}", &r);
	assert_problem_field(&r, 422, "engine", "invalid_format");
	client_free(&r);
}

/* Several installed entries in one check: each is answered from its
 * own extension's versions (the candidates are grouped per entry), in
 * the order asked, with the chosen version's full row. */
Test(market, update_check_answers_each_installed_entry_from_its_own_versions)
{
	const char *a = market_slug("upa");
	const char *b = market_slug("upb");
	static const char *const want[][3] = {
		{ "a", "1.0.0", "1.2.0" }, { "b", "2.0.0", "2.5.0" },
		{ "a", "1.1.0", "1.2.0" },
	};
	struct json_object *o, *u;
	struct client_resp r;
	char body[1024];
	size_t i;

	market_create(cast.dev, a, "");
	market_create(cast.dev, b, "");
	market_publish(&cast, a, "1.0.0", "*");
	market_publish(&cast, b, "2.0.0", "*");
	market_publish(&cast, a, "1.2.0", "*");
	market_publish(&cast, b, "2.5.0", "*");
	market_publish(&cast, a, "1.1.0", "*");

	snprintf(body, sizeof(body), "{\"installed\": ["
		"{\"slug\": \"%s\", \"version\": \"1.0.0\"},"
		" {\"slug\": \"no-such-extension-here\", \"version\": \"1.0.0\"},"
		" {\"slug\": \"%s\", \"version\": \"2.0.0\"},"
		" {\"slug\": \"%s\", \"version\": \"1.2.0\"},"
		" {\"slug\": \"%s\", \"version\": \"1.1.0\"}],"
		" \"engine\": \"1.0.0\"}", a, b, a, a);
	cr_assert_eq(market_req("POST", EXT "/updates", NULL, body, &r), 200,
		"%s", r.body);
	o = client_json(&r);
	u = json_object_object_get(o, "updates");
	cr_assert_eq(json_object_array_length(u), 3, "%s", r.body);
	for (i = 0; i < 3; i++) {
		struct json_object *it = json_object_array_get_idx(u, i);
		const char *slug = want[i][0][0] == 'a' ? a : b;

		cr_assert_str_eq(client_json_str(it, "slug"), slug);
		cr_assert_str_eq(client_json_str(it, "installed_version"),
			want[i][1]);
		cr_assert_str_eq(client_json_str(it, "version"), want[i][2]);
		cr_assert_str_eq(client_json_str(it, "status"), "published");
		cr_assert(client_json_str(it, "changelog") != NULL, "%s", r.body);
		cr_assert(client_json_str(it, "download_url") != NULL &&
			strstr(client_json_str(it, "download_url"), slug) != NULL,
			"%s", r.body);
	}
	json_object_put(o);
	client_free(&r);
}

Test(market, delete_removes_drafts_and_archives_published)
{
	const char *draft = market_slug("gone");
	const char *pub = market_slug("arch");
	struct client_resp r;
	char path[256], *v;

	market_create(cast.dev, draft, "");
	snprintf(path, sizeof(path), EXT "/%s", draft);
	cr_assert_eq(market_status("DELETE", path, cast.dev, NULL), 204);
	v = client_sqlf("SELECT COUNT(*) FROM extensions WHERE slug = '%s'",
		draft);
	cr_assert(v != NULL && strcmp(v, "0") == 0);
	free(v);

	market_create(cast.dev, pub, "");
	market_publish(&cast, pub, "1.0.0", "*");
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/download", pub);
	cr_assert_eq(market_status("GET", path, cast.user, NULL), 200);
	snprintf(path, sizeof(path), EXT "/%s", pub);
	cr_assert_eq(market_status("DELETE", path, cast.dev, NULL), 204);
	v = client_sqlf("SELECT status FROM extensions WHERE slug = '%s'", pub);
	cr_assert(v != NULL && strcmp(v, "archived") == 0, "%s", v);
	free(v);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 404);
	/* Archived stays downloadable for those who had it. */
	snprintf(path, sizeof(path), EXT "/%s/versions/1.0.0/download", pub);
	cr_assert_eq(market_status("GET", path, cast.user, NULL), 200);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 404);

	/* Suspension by an admin hides it from everyone but owner and
	 * admins; reinstating restores what it was. */
	snprintf(path, sizeof(path), "/api/v1/admin/extensions/%s/suspend", pub);
	cr_assert_eq(market_status("POST", path, cast.admin, "{}"), 422);
	cr_assert_eq(market_req("POST", path, cast.admin, "{\"reason\": "
		"\"Malware report\"}", &r), 200, "%s", r.body);
	client_free(&r);
	cr_assert_eq(market_status("POST", path, cast.admin, "{\"reason\": "
		"\"again\"}"), 409);
	snprintf(path, sizeof(path), "/api/v1/admin/extensions/%s/reinstate",
		pub);
	cr_assert_eq(market_req("POST", path, cast.admin, "{\"reason\": "
		"\"Cleared\"}", &r), 200, "%s", r.body);
	cr_assert(strstr(r.body, "\"archived\"") != NULL, "%s", r.body);
	client_free(&r);
}
