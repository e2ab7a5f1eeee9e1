/* What a package and a JSON body may not smuggle past the checks, through
 * the front server: link and special-file entries whatever "made by" host
 * type the archive claims (and in an ASi Unix extra field), entry names
 * Windows treats specially, and member names given twice, in a manifest
 * (422) or in a request body (400, nothing changed). The zips are built
 * here with libzip, their attributes set entry by entry. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>
#include "client.h"
#include "market.h"

MARKET_SUITE(market_pkg);

static long upload(const char *slug, const char *ver, const char *body,
	size_t len, struct client_resp *r)
{
	char path[256];

	snprintf(path, sizeof(path), EXT "/%s/versions/%s/package", slug, ver);
	return market_raw("PUT", path, cast.dev, "application/zip", body, len, r);
}

/* A draft extension with version 1.0.0, ready for uploads. */
static const char *draft(const char *stem)
{
	const char *slug = market_slug(stem);
	struct client_resp r;
	char path[256];

	market_create(cast.dev, slug, "");
	snprintf(path, sizeof(path), EXT "/%s/versions", slug);
	cr_assert_eq(market_req("POST", path, cast.dev, "{\"version\": \"1.0.0\","
		" \"changelog\": \"notes\", \"engine\": \"*\"}", &r), 201,
		"%s", r.body);
	client_free(&r);
	return slug;
}

/* Asserts a 422 whose first error is package/code with says in its
 * message. */
static void assert_package_refused(const struct client_resp *r,
	const char *what, const char *code, const char *says)
{
	struct json_object *o, *errs, *e;

	cr_assert_eq(r->status, 422, "%s: want 422, got %ld: %s", what,
		r->status, r->body);
	o = client_json(r);
	cr_assert(o != NULL, "%s: not JSON: %s", what, r->body);
	cr_assert(json_object_object_get_ex(o, "errors", &errs) &&
		json_object_array_length(errs) >= 1, "%s: %s", what, r->body);
	e = json_object_array_get_idx(errs, 0);
	cr_assert_str_eq(client_json_str(e, "field") ?: "", "package", "%s",
		what);
	cr_assert_str_eq(client_json_str(e, "code") ?: "", code, "%s: %s", what,
		r->body);
	if (says != NULL)
		cr_assert(strstr(client_json_str(e, "message") ?: "", says) != NULL,
			"%s: %s", what, r->body);
	json_object_put(o);
}

/* The archive of entries e uploaded as slug@1.0.0 is refused as
 * assert_package_refused says. */
static void expect_entries_refused(const char *slug,
	const struct market_entry *e, size_t n, const char *what,
	const char *code, const char *says)
{
	struct client_resp r;
	size_t len;
	char *zip = market_zip_entries(e, n, &len);

	upload(slug, "1.0.0", zip, len, &r);
	assert_package_refused(&r, what, code, says);
	client_free(&r);
	free(zip);
}

/* The archive of entries e uploaded as slug@1.0.0 is accepted. */
static void expect_entries_accepted(const char *slug,
	const struct market_entry *e, size_t n)
{
	struct client_resp r;
	size_t len;
	char *zip = market_zip_entries(e, n, &len);

	cr_assert_eq(upload(slug, "1.0.0", zip, len, &r), 200, "%s", r.body);
	client_free(&r);
	free(zip);
}

/* The refused uploads kept no package. */
static void assert_no_package(const char *slug)
{
	char *v = client_sqlf("SELECT COALESCE(package_sha256, 'none') FROM"
		" extension_versions v JOIN extensions e ON e.id ="
		" v.extension_id WHERE e.slug = '%s'", slug);

	cr_assert(v != NULL && strcmp(v, "none") == 0, "package %s", v);
	free(v);
}

static void manifest_for(char *buf, size_t size, const char *slug)
{
	snprintf(buf, size, "{\"name\": \"%s\", \"version\": \"1.0.0\"}", slug);
}

Test(market_pkg, link_entries_are_refused_whatever_host_type_is_claimed)
{
	/* MS-DOS is the hole Info-ZIP unzip leaves open (0644 agrees with no
	 * DOS attribute, so the mode is used); the others read the mode too
	 * or may. */
	static const zip_uint8_t hosts[] = { ZIP_OPSYS_UNIX, ZIP_OPSYS_DOS,
		ZIP_OPSYS_WINDOWS_NTFS, ZIP_OPSYS_VFAT, ZIP_OPSYS_OS_X,
		ZIP_OPSYS_OPENVMS, ZIP_OPSYS_BEOS, 30 /* AtheOS */ };
	const char *slug = draft("link");
	char manifest[256], what[64];
	size_t i;

	manifest_for(manifest, sizeof(manifest), slug);
	for (i = 0; i < sizeof(hosts); i++) {
		struct market_entry e[] = {
			{ .name = "manifest.json", .data = manifest },
			{ .name = "lib", .data = "/etc", .set_attr = 1,
			  .opsys = hosts[i],
			  .attr = (zip_uint32_t)(S_IFLNK | 0644) << 16 },
			{ .name = "lib/passwd", .data = "written through the link" },
		};

		snprintf(what, sizeof(what), "link made by host %u", hosts[i]);
		expect_entries_refused(slug, e, 3, what, "unsafe_path",
			"symbolic link");
	}
	assert_no_package(slug);
}

Test(market_pkg, special_files_and_mismarked_directories_are_refused)
{
	const char *slug = draft("special");
	char manifest[256];
	size_t i;
	struct market_entry bad[] = {
		{ .name = "fifo", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_DOS, .attr = (S_IFIFO | 0644u) << 16 },
		{ .name = "tty", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = (S_IFCHR | 0644u) << 16 },
		{ .name = "disk", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_WINDOWS_NTFS, .attr = (S_IFBLK | 0644u) << 16 },
		/* Attribute bits 0: unzip reads the ASi Unix field's mode. */
		{ .name = "lib", .data = "/etc", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = 0, .asi = 1,
		  .asi_mode = S_IFLNK | 0777 },
		/* A file to unzip (by name), a directory to libarchive. */
		{ .name = "src", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = (S_IFDIR | 0755u) << 16 },
	};

	manifest_for(manifest, sizeof(manifest), slug);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct market_entry e[] = { { .name = "manifest.json",
			.data = manifest },
			bad[i] };

		expect_entries_refused(slug, e, 2, bad[i].name, "unsafe_path",
			"Entry 1");
	}
	assert_no_package(slug);

	/* Plain files from any host still pass. */
	{
		struct market_entry e[] = {
			{ .name = "manifest.json", .data = manifest },
			{ .name = "dos.js", .data = "x", .set_attr = 1,
			  .opsys = ZIP_OPSYS_DOS, .attr = 0x20 },
			{ .name = "unix.js", .data = "x", .set_attr = 1,
			  .opsys = ZIP_OPSYS_UNIX, .attr = (S_IFREG | 0755u) << 16 },
		};

		expect_entries_accepted(slug, e, 3);
	}
}

Test(market_pkg, names_windows_treats_specially_are_refused)
{
	static const char *const bad[] = {
		"CON", "nul.txt", "COM1", "LPT9.js", "src/aux/x.js", "con .txt",
		"a:b", "main.js:hidden", "name.", "name ", "dir./x.js", "a?b",
	};
	const char *slug = draft("winname");
	char manifest[256];
	size_t i;

	manifest_for(manifest, sizeof(manifest), slug);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct market_entry e[] = {
			{ .name = "manifest.json", .data = manifest },
			{ .name = bad[i], .data = "x" },
		};

		expect_entries_refused(slug, e, 2, bad[i], "unsafe_path",
			"Entry 1");
	}
	assert_no_package(slug);

	/* Names that merely resemble devices are fine. */
	{
		struct market_entry e[] = {
			{ .name = "manifest.json", .data = manifest },
			{ .name = "console.js", .data = "x" },
			{ .name = "CONTRIBUTING.md", .data = "x" },
			{ .name = "com10/nul_x.txt", .data = "x" },
		};

		expect_entries_accepted(slug, e, 4);
	}
}

Test(market_pkg, a_manifest_naming_a_key_twice_is_refused)
{
	const char *slug = draft("dupkey");
	char manifest[3][512];
	size_t i;

	/* json-c keeps the last name: the listing's slug wins there,
	 * "someone-else" for a reader keeping the first. */
	snprintf(manifest[0], sizeof(manifest[0]), "{\"name\": \"someone-else\","
		" \"version\": \"1.0.0\", \"name\": \"%s\"}", slug);
	snprintf(manifest[1], sizeof(manifest[1]), "{\"name\": \"someone-else\","
		" \"version\": \"1.0.0\", \"\\u006eame\": \"%s\"}", slug);
	/* Deep inside, where only the extension's own reader looks. */
	snprintf(manifest[2], sizeof(manifest[2]), "{\"name\": \"%s\","
		" \"version\": \"1.0.0\", \"contributes\": {\"commands\":"
		" [{\"id\": \"a\", \"id\": \"b\"}]}}", slug);
	for (i = 0; i < 3; i++) {
		struct market_entry e[] = { { .name = "manifest.json",
			.data = manifest[i] } };

		expect_entries_refused(slug, e, 1, manifest[i],
			"manifest_invalid", "twice");
	}
	assert_no_package(slug);
}

/* Asserts a 400 problem answer that names the repeat. */
static void assert_body_refused(const struct client_resp *r, const char *what)
{
	char *ct = client_header(r, "Content-Type");

	cr_assert_eq(r->status, 400, "%s: want 400, got %ld: %s", what,
		r->status, r->body);
	cr_assert(ct != NULL && strstr(ct, "application/problem+json") != NULL,
		"%s: %s", what, ct ? ct : "no Content-Type");
	cr_assert(strstr(r->body, "twice") != NULL, "%s: %s", what, r->body);
	free(ct);
}

/* method path with body (as the developer) is refused as
 * assert_body_refused says. */
static void expect_body_refused(const char *method, const char *path,
	const char *body, const char *what)
{
	struct client_resp r;

	market_req(method, path, cast.dev, body, &r);
	assert_body_refused(&r, what);
	client_free(&r);
}

Test(market_pkg, json_bodies_naming_a_key_twice_are_refused_and_change_nothing)
{
	const char *s1 = market_slug("first"), *s2 = market_slug("second");
	const char *slug = draft("body");
	char body[1024], path[256], *v;

	/* A create whose two slugs would be two different extensions. */
	snprintf(body, sizeof(body), "{\"slug\": \"%s\", \"name\": \"Dup\","
		" \"summary\": \"A test extension\", \"description\": \"Twice.\","
		" \"category\": \"other\", \"license\": \"MIT\", \"slug\": \"%s\"}",
		s1, s2);
	expect_body_refused("POST", EXT, body, "create");
	/* Escaped, and nested in the price object. */
	snprintf(body, sizeof(body), "{\"slug\": \"%s\", \"name\": \"Dup\","
		" \"summary\": \"A test extension\", \"description\": \"Twice.\","
		" \"category\": \"other\", \"license\": \"MIT\", \"price\":"
		" {\"amount\": 0, \"currency\": \"USD\", \"\\u0061mount\": 500}}",
		s1);
	expect_body_refused("POST", EXT, body, "create with price");
	v = client_sqlf("SELECT COUNT(*) FROM extensions WHERE slug IN ('%s', '%s')",
		s1, s2);
	cr_assert(v != NULL && strcmp(v, "0") == 0, "created: %s", v);
	free(v);

	/* An edit naming the field twice leaves the listing as it was. */
	snprintf(path, sizeof(path), EXT "/%s", slug);
	expect_body_refused("PATCH", path, "{\"name\": \"First\", \"name\":"
		" \"Second\"}", "patch");
	v = client_sqlf("SELECT name FROM extensions WHERE slug = '%s'", slug);
	cr_assert(v != NULL && strncmp(v, "Test ", 5) == 0 &&
		strcmp(v + 5, slug) == 0, "renamed: %s", v);
	free(v);

	/* A version whose two numbers would be two versions. */
	snprintf(path, sizeof(path), EXT "/%s/versions", slug);
	expect_body_refused("POST", path, "{\"version\": \"2.0.0\","
		" \"changelog\": \"x\", \"engine\": \"*\", \"version\":"
		" \"3.0.0\"}", "version");
	v = client_sqlf("SELECT COUNT(*) FROM extension_versions v JOIN extensions e"
		" ON e.id = v.extension_id WHERE e.slug = '%s'", slug);
	cr_assert(v != NULL && strcmp(v, "1") == 0, "versions: %s", v);
	free(v);
}
