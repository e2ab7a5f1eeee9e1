/* The marketplace's admin-imposed states hold against the owner, through
 * the front server: a suspended listing stays suspended, with its reason,
 * whatever its owner does (edit, delete, new versions, uploads, submits,
 * yanks answer 409 naming the suspension, and nothing changes); only the
 * admin's reinstate lifts it; its packages go to nobody but the owner and
 * admins. A rejected version returns to review only with a new upload, a
 * yanked one stays yanked, and an archived listing takes no new work. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "client.h"
#include "market.h"

#define ADMIN_EXT "/api/v1/admin/extensions"

MARKET_SUITE(rules);

/* A path for the very next calls: it lives in a ring of four buffers,
 * so one kept longer is copied into the test's own array. */
static const char *pathf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static const char *pathf(const char *fmt, ...)
{
	static char buf[4][512];
	static unsigned n;
	char *p = buf[n++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(buf[0]), fmt, ap);
	va_end(ap);
	return p;
}

/* The answer is a 409 conflict problem whose detail holds each of the
 * NULL-terminated phrases; frees r. */
static void assert_conflict(struct client_resp *r, const char *what, ...)
{
	struct json_object *o = client_json(r);
	const char *type, *detail, *s;
	va_list ap;

	cr_assert_eq(r->status, 409, "%s: want 409, got %ld: %s", what,
		r->status, r->body);
	cr_assert(o != NULL, "%s: not JSON: %s", what, r->body);
	type = client_json_str(o, "type");
	detail = client_json_str(o, "detail");
	cr_assert(type != NULL && strstr(type, "conflict") != NULL,
		"%s: type %s", what, r->body);
	va_start(ap, what);
	while ((s = va_arg(ap, const char *)) != NULL)
		cr_assert(detail != NULL && strstr(detail, s) != NULL,
			"%s: detail lacks \"%s\": %s", what, s, r->body);
	va_end(ap);
	json_object_put(o);
	client_free(r);
}

static long status_of(const char *method, const char *path, const char *auth,
	const char *json)
{
	struct client_resp r;
	long st = market_req(method, path, auth, json, &r);

	client_free(&r);
	return st;
}

static long new_version(const char *slug, const char *ver,
	struct client_resp *r)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"version\": \"%s\", \"changelog\":"
		" \"notes\", \"engine\": \"*\"}", ver);
	return market_req("POST", pathf(EXT "/%s/versions", slug), cast.dev,
		body, r);
}

static long upload(const char *slug, const char *ver, struct client_resp *r)
{
	size_t len;
	char *zip = market_package(slug, ver, &len);
	long st = market_raw("PUT", pathf(EXT "/%s/versions/%s/package", slug,
		ver), cast.dev, "application/zip", zip, len, r);

	free(zip);
	return st;
}

/* A draft version slug@ver with a package that passed the checks. */
static void staged_version(const char *slug, const char *ver)
{
	struct client_resp r;

	cr_assert_eq(new_version(slug, ver, &r), 201, "%s", r.body);
	client_free(&r);
	cr_assert_eq(upload(slug, ver, &r), 200, "%s", r.body);
	client_free(&r);
}

static void suspend(const char *slug, const char *reason)
{
	char body[256];
	struct client_resp r;

	snprintf(body, sizeof(body), "{\"reason\": \"%s\"}", reason);
	cr_assert_eq(market_req("POST", pathf(ADMIN_EXT "/%s/suspend", slug),
		cast.admin, body, &r), 200, "suspend: %s", r.body);
	client_free(&r);
}

/* "status|status_reason" of the listing row. */
static char *ext_row(const char *slug)
{
	return client_sqlf("SELECT CONCAT(status, '|', COALESCE(status_reason, '-'))"
		" FROM extensions WHERE slug = '%s'", slug);
}

static void assert_ext_row(const char *slug, const char *want)
{
	char *v = ext_row(slug);

	cr_assert(v != NULL && strcmp(v, want) == 0, "%s: want %s, have %s",
		slug, want, v);
	free(v);
}

/* "status|yanked|sha256 prefix" of a version row, "none" when absent. */
static char *ver_row(const char *slug, const char *ver)
{
	char *v = client_sqlf("SELECT CONCAT(v.status, '|', v.yanked_at IS NOT NULL,"
		" '|', COALESCE(LEFT(v.package_sha256, 8), '-'),"
		" '|', COALESCE(v.reject_reason, '-'))"
		" FROM extension_versions v JOIN extensions e"
		" ON e.id = v.extension_id WHERE e.slug = '%s'"
		" AND v.version = '%s'", slug, ver);

	if (v == NULL)
		v = strdup("none");
	return v;
}

Test(rules, an_owner_cannot_delete_a_suspended_listing)
{
	const char *slug = market_slug("susdel");
	char dl[256];
	struct client_resp r;

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	snprintf(dl, sizeof(dl), EXT "/%s/versions/1.0.0/download", slug);
	cr_assert_eq(status_of("GET", dl, cast.user, NULL), 200);
	suspend(slug, "Malware report 17");

	/* The owner's DELETE would archive it, wipe the reason and hand the
	 * package back to earlier downloaders. */
	market_req("DELETE", pathf(EXT "/%s", slug), cast.dev, NULL, &r);
	assert_conflict(&r, "owner delete", "suspended by an administrator",
		"Malware report 17", NULL);
	assert_ext_row(slug, "suspended|Malware report 17");
	/* Not an admin's way to lift it either: that is reinstate. */
	market_req("DELETE", pathf(EXT "/%s", slug), cast.admin, NULL, &r);
	assert_conflict(&r, "admin delete", "suspended", "reinstate", NULL);
	assert_ext_row(slug, "suspended|Malware report 17");

	cr_assert_eq(status_of("GET", dl, cast.user, NULL), 404);
	cr_assert_eq(status_of("GET", dl, NULL, NULL), 404);
	cr_assert_eq(status_of("GET", dl, cast.dev, NULL), 200);
	cr_assert_eq(status_of("GET", dl, cast.admin, NULL), 200);

	cr_assert_eq(market_req("POST", pathf(ADMIN_EXT "/%s/reinstate", slug),
		cast.admin, "{\"reason\": \"Cleared\"}", &r), 200, "%s", r.body);
	cr_assert(strstr(r.body, "\"published\"") != NULL, "%s", r.body);
	client_free(&r);
	assert_ext_row(slug, "published|-");
	cr_assert_eq(status_of("GET", dl, cast.user, NULL), 200);
}

Test(rules, a_suspended_listing_refuses_every_owner_write)
{
	const char *slug = market_slug("suswr");
	const char *reason = "Trademark complaint";
	struct client_resp r;
	char *before, *after;

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	staged_version(slug, "1.1.0");
	suspend(slug, reason);
	before = ver_row(slug, "1.1.0");

	market_req("PATCH", pathf(EXT "/%s", slug), cast.dev,
		"{\"name\": \"Renamed while suspended\"}", &r);
	assert_conflict(&r, "patch", "suspended by an administrator", reason,
		NULL);
	after = client_sqlf("SELECT name FROM extensions WHERE slug = '%s'",
		slug);
	cr_assert(after != NULL && strstr(after, "Renamed") == NULL, "%s",
		after);
	free(after);

	new_version(slug, "2.0.0", &r);
	assert_conflict(&r, "new version", "suspended by an administrator",
		reason, NULL);
	after = ver_row(slug, "2.0.0");
	cr_assert_str_eq(after, "none");
	free(after);

	upload(slug, "1.1.0", &r);
	assert_conflict(&r, "upload", "suspended by an administrator", reason,
		NULL);
	market_req("POST", pathf(EXT "/%s/versions/1.1.0/submit", slug),
		cast.dev, NULL, &r);
	assert_conflict(&r, "submit", "suspended by an administrator", reason,
		NULL);
	after = ver_row(slug, "1.1.0");
	cr_assert_str_eq(after, before);
	free(after);
	free(before);

	market_req("POST", pathf(EXT "/%s/versions/1.0.0/yank", slug),
		cast.dev, "{}", &r);
	assert_conflict(&r, "owner yank", "suspended by an administrator",
		reason, NULL);
	after = ver_row(slug, "1.0.0");
	cr_assert(strncmp(after, "published|0|", 12) == 0, "%s", after);
	free(after);
	assert_ext_row(slug, "suspended|Trademark complaint");

	/* Admins still act on it: a yank is moderation too. */
	cr_assert_eq(status_of("POST", pathf(EXT "/%s/versions/1.0.0/yank",
		slug), cast.admin, "{}"), 200);
	assert_ext_row(slug, "suspended|Trademark complaint");
	cr_assert_eq(status_of("POST", pathf(ADMIN_EXT "/%s/reinstate", slug),
		cast.admin, "{\"reason\": \"Settled\"}"), 200);
	/* Lifted: the owner works again. */
	cr_assert_eq(status_of("POST", pathf(EXT "/%s/versions/1.1.0/submit",
		slug), cast.dev, NULL), 200);
}

Test(rules, a_suspended_draft_cannot_be_deleted_by_its_owner)
{
	const char *slug = market_slug("susdr");
	struct client_resp r;

	market_create(cast.dev, slug, "");
	suspend(slug, "Impersonates another publisher");
	market_req("DELETE", pathf(EXT "/%s", slug), cast.dev, NULL, &r);
	assert_conflict(&r, "delete draft", "suspended by an administrator",
		"Impersonates another publisher", NULL);
	assert_ext_row(slug, "suspended|Impersonates another publisher");
}

Test(rules, a_suspended_listing_is_served_to_nobody_but_owner_and_admins)
{
	const char *slug = market_slug("sushide");
	const char *tag = market_slug("t");
	const char *who[] = { NULL, cast.user, cast.dev2 };
	char extra[128], body[256];
	struct client_resp r;
	size_t i;

	snprintf(extra, sizeof(extra), ", \"tags\": [\"%s\"]", tag);
	market_create(cast.dev, slug, extra);
	market_publish(&cast, slug, "1.0.0", "*");
	market_publish(&cast, slug, "1.1.0", "*");
	/* The plain user downloaded it before: that earns nothing once it
	 * is suspended. */
	cr_assert_eq(status_of("GET", pathf(EXT "/%s/versions/1.0.0/download",
		slug), cast.user, NULL), 200);
	snprintf(body, sizeof(body), "{\"installed\": [{\"slug\": \"%s\","
		" \"version\": \"1.0.0\"}], \"engine\": \"1.0.0\"}", slug);
	cr_assert_eq(market_req("POST", EXT "/updates", NULL, body, &r), 200);
	cr_assert(strstr(r.body, "1.1.0") != NULL, "%s", r.body);
	client_free(&r);
	cr_assert_eq(market_req("GET", pathf(EXT "?tag=%s", tag), NULL, NULL,
		&r), 200);
	cr_assert(strstr(r.body, slug) != NULL, "%s", r.body);
	client_free(&r);

	suspend(slug, "Ships a miner");
	for (i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		cr_assert_eq(status_of("GET", pathf(EXT "/%s", slug), who[i],
			NULL), 404, "listing, caller %zu", i);
		cr_assert_eq(status_of("GET", pathf(EXT "/%s/versions", slug),
			who[i], NULL), 404, "versions, caller %zu", i);
		cr_assert_eq(status_of("GET", pathf(EXT "/%s/versions/1.0.0",
			slug), who[i], NULL), 404, "version, caller %zu", i);
		cr_assert_eq(status_of("GET", pathf(EXT
			"/%s/versions/1.0.0/download", slug), who[i], NULL), 404,
			"download 1.0.0, caller %zu", i);
		cr_assert_eq(status_of("GET", pathf(EXT
			"/%s/versions/1.1.0/download", slug), who[i], NULL), 404,
			"download 1.1.0, caller %zu", i);
		cr_assert_eq(status_of("HEAD", pathf(EXT
			"/%s/versions/1.1.0/download", slug), who[i], NULL), 404,
			"HEAD download, caller %zu", i);
	}
	cr_assert_eq(market_req("POST", EXT "/updates", cast.user, body, &r),
		200);
	cr_assert(strstr(r.body, slug) == NULL, "update offered: %s", r.body);
	client_free(&r);
	cr_assert_eq(market_req("GET", pathf(EXT "?tag=%s", tag), NULL, NULL,
		&r), 200);
	cr_assert(strstr(r.body, slug) == NULL, "listed: %s", r.body);
	client_free(&r);
	cr_assert_eq(status_of("GET", pathf(EXT "/%s/versions/1.0.0/download",
		slug), cast.dev, NULL), 200);
	cr_assert_eq(status_of("GET", pathf(EXT "/%s/versions/1.0.0/download",
		slug), cast.admin, NULL), 200);
}

Test(rules, suspending_an_archived_listing_hides_it_from_earlier_downloaders)
{
	const char *slug = market_slug("susarc");
	char dl[256];

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	snprintf(dl, sizeof(dl), EXT "/%s/versions/1.0.0/download", slug);
	cr_assert_eq(status_of("GET", dl, cast.user, NULL), 200);
	cr_assert_eq(status_of("DELETE", pathf(EXT "/%s", slug), cast.dev,
		NULL), 204);
	cr_assert_eq(status_of("GET", dl, cast.user, NULL), 200);
	suspend(slug, "Found malicious later");
	cr_assert_eq(status_of("GET", dl, cast.user, NULL), 404);
	assert_ext_row(slug, "suspended|Found malicious later");
	cr_assert_eq(status_of("POST", pathf(ADMIN_EXT "/%s/reinstate", slug),
		cast.admin, "{\"reason\": \"Cleared\"}"), 200);
	assert_ext_row(slug, "archived|-");
}

Test(rules, a_rejected_version_returns_to_review_only_with_a_new_upload)
{
	const char *slug = market_slug("rej");
	struct client_resp r;
	char submit[256];
	char *v;

	market_create(cast.dev, slug, "");
	staged_version(slug, "1.0.0");
	snprintf(submit, sizeof(submit), EXT "/%s/versions/1.0.0/submit",
		slug);
	cr_assert_eq(status_of("POST", submit, cast.dev, NULL), 200);
	cr_assert_eq(status_of("POST", pathf(ADMIN_EXT
		"/%s/versions/1.0.0/reject", slug), cast.admin,
		"{\"reason\": \"Telemetry without consent\"}"), 200);
	/* The owner cannot decide for the admin. */
	cr_assert_eq(status_of("POST", pathf(ADMIN_EXT
		"/%s/versions/1.0.0/approve", slug), cast.dev, NULL), 403);

	/* The same bytes straight back into the queue would ignore the
	 * decision. */
	market_req("POST", submit, cast.dev, NULL, &r);
	assert_conflict(&r, "resubmit", "rejected by an administrator",
		"Telemetry without consent", "Upload", NULL);
	v = ver_row(slug, "1.0.0");
	cr_assert(strstr(v, "rejected|0|") == v &&
		strstr(v, "|Telemetry without consent") != NULL, "%s", v);
	free(v);

	/* The intended way: a new upload, then a submission. */
	cr_assert_eq(upload(slug, "1.0.0", &r), 200, "%s", r.body);
	client_free(&r);
	cr_assert_eq(market_req("POST", submit, cast.dev, NULL, &r), 200, "%s",
		r.body);
	cr_assert(strstr(r.body, "\"pending_review\"") != NULL, "%s", r.body);
	client_free(&r);
}

Test(rules, a_yanked_version_stays_yanked_whatever_its_owner_does)
{
	const char *slug = market_slug("yk");
	struct client_resp r;
	char *v;

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	cr_assert_eq(status_of("POST", pathf(EXT "/%s/versions/1.0.0/yank",
		slug), cast.admin, "{\"reason\": \"Data loss\"}"), 200);

	cr_assert_eq(status_of("POST", pathf(EXT "/%s/versions/1.0.0/submit",
		slug), cast.dev, NULL), 409);
	cr_assert_eq(upload(slug, "1.0.0", &r), 409, "%s", r.body);
	client_free(&r);
	cr_assert_eq(new_version(slug, "1.0.0", &r), 409, "%s", r.body);
	client_free(&r);
	cr_assert_eq(new_version(slug, "1.0.0+rebuilt", &r), 409, "%s", r.body);
	client_free(&r);
	cr_assert_eq(status_of("POST", pathf(EXT "/%s/versions/1.0.0/yank",
		slug), cast.dev, "{}"), 409);
	cr_assert_eq(status_of("PATCH", pathf(EXT "/%s", slug), cast.dev,
		"{\"summary\": \"Still here\"}"), 200);
	cr_assert_eq(status_of("DELETE", pathf(EXT "/%s", slug), cast.dev,
		NULL), 204);
	v = ver_row(slug, "1.0.0");
	cr_assert(strncmp(v, "published|1|", 12) == 0, "%s", v);
	free(v);
	v = client_sqlf("SELECT yank_reason FROM extension_versions v JOIN extensions"
		" e ON e.id = v.extension_id WHERE e.slug = '%s'", slug);
	cr_assert(v != NULL && strcmp(v, "Data loss") == 0, "%s", v);
	free(v);
}

Test(rules, an_archived_listing_takes_no_new_packages_or_submissions)
{
	const char *slug = market_slug("arcw");
	struct client_resp r;
	char *before, *after;

	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	staged_version(slug, "1.1.0");
	cr_assert_eq(status_of("DELETE", pathf(EXT "/%s", slug), cast.dev,
		NULL), 204);
	before = ver_row(slug, "1.1.0");

	new_version(slug, "2.0.0", &r);
	assert_conflict(&r, "new version", "archived", NULL);
	upload(slug, "1.1.0", &r);
	assert_conflict(&r, "upload", "archived", NULL);
	market_req("POST", pathf(EXT "/%s/versions/1.1.0/submit", slug),
		cast.dev, NULL, &r);
	assert_conflict(&r, "submit", "archived", NULL);
	after = ver_row(slug, "1.1.0");
	cr_assert_str_eq(after, before);
	free(after);
	free(before);
}
