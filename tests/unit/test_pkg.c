/* Unit tests of the package check: each failure code, a passing package,
 * and the edges (subfolder manifest, manifest at and over the cap, empty
 * and random input, truncation, "../" and NUL names). The archives are
 * written here with libzip's writing API, in memory. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "err.h"
#include "pkg.h"

#define WANT_NAME "demo-ext"
#define WANT_VERSION "1.2.3"
#define GOOD_MANIFEST "{\"name\": \"demo-ext\", \"version\": \"1.2.3\"}\n"

static const char *const all_checks[] = {
	"not_zip", "too_many_entries", "unsafe_path", "too_large_uncompressed",
	"manifest_missing", "manifest_invalid", "manifest_name_mismatch",
	"manifest_version_mismatch",
};

struct zent {
	const char *name;
	const char *data;       /* NULL: a directory entry */
	size_t len;             /* 0: strlen(data) */
	int store;              /* no compression */
	int symlink;            /* Unix mode of a symbolic link */
	zip_source_t *zsrc;     /* the data from this source instead */
	int set_attr;           /* "made by" host and attributes below */
	zip_uint8_t opsys;
	zip_uint32_t attr;
	int asi;                /* an ASi Unix extra field with this mode */
	zip_uint16_t asi_mode;
};

/* The "made by" host and external attributes, and the ASi Unix extra
 * field (CRC, mode, size, uid, gid, link target), as e asks. */
static void set_meta(zip_t *za, zip_int64_t idx, const struct zent *e)
{
	zip_uint8_t asi[14 + 4] = { 0 };

	if (e->set_attr)
		cr_assert_eq(zip_file_set_external_attributes(za,
			(zip_uint64_t)idx, 0, e->opsys, e->attr), 0);
	if (e->asi) {
		asi[4] = (zip_uint8_t)(e->asi_mode & 0xff);
		asi[5] = (zip_uint8_t)(e->asi_mode >> 8);
		memcpy(asi + 14, "/etc", 4);
		cr_assert_eq(zip_file_extra_field_set(za, (zip_uint64_t)idx,
			0x756e, ZIP_EXTRA_FIELD_NEW, asi, sizeof(asi),
			ZIP_FL_LOCAL | ZIP_FL_CENTRAL), 0, "%s",
			zip_strerror(za));
	}
}

struct zbuf {
	unsigned char *data;
	size_t len;
};

/* Writes the entries as a zip into memory. */
static struct zbuf build(const struct zent *e, size_t n)
{
	struct zbuf out = { NULL, 0 };
	zip_source_t *src, *fs;
	zip_error_t err;
	zip_stat_t st;
	zip_int64_t idx;
	zip_t *za;
	size_t i;

	zip_error_init(&err);
	src = zip_source_buffer_create(NULL, 0, 0, &err);
	cr_assert_not_null(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	cr_assert_not_null(za, "%s", zip_error_strerror(&err));
	zip_source_keep(src);
	for (i = 0; i < n; i++) {
		if (e[i].data == NULL && e[i].zsrc == NULL) {
			idx = zip_dir_add(za, e[i].name, 0);
			cr_assert_geq(idx, 0, "%s", zip_strerror(za));
			set_meta(za, idx, &e[i]);
			continue;
		}
		fs = e[i].zsrc;
		if (fs == NULL)
			fs = zip_source_buffer(za, e[i].data,
				e[i].len ? e[i].len : strlen(e[i].data), 0);
		cr_assert_not_null(fs);
		idx = zip_file_add(za, e[i].name, fs, 0);
		cr_assert_geq(idx, 0, "%s: %s", e[i].name, zip_strerror(za));
		if (e[i].store)
			cr_assert_eq(zip_set_file_compression(za, (zip_uint64_t)idx,
				ZIP_CM_STORE, 0), 0);
		else if (e[i].zsrc != NULL)
			cr_assert_eq(zip_set_file_compression(za, (zip_uint64_t)idx,
				ZIP_CM_DEFLATE, 1), 0);
		if (e[i].symlink)
			cr_assert_eq(zip_file_set_external_attributes(za,
				(zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
				(zip_uint32_t)(S_IFLNK | 0777) << 16), 0);
		set_meta(za, idx, &e[i]);
	}
	cr_assert_eq(zip_close(za), 0, "%s", zip_strerror(za));

	cr_assert_eq(zip_source_open(src), 0);
	cr_assert_eq(zip_source_stat(src, &st), 0);
	out.len = (size_t)st.size;
	out.data = malloc(out.len ? out.len : 1);
	cr_assert_not_null(out.data);
	cr_assert_eq(zip_source_read(src, out.data, out.len), (zip_int64_t)out.len);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&err);
	return out;
}

/* Replaces every occurrence of `from' (same length as `to') in the zip's
 * bytes, for what the writing API refuses to produce; returns the count. */
static int patch(struct zbuf *z, const char *from, const char *to, size_t len)
{
	size_t i;
	int n = 0;

	for (i = 0; i + len <= z->len; i++) {
		if (memcmp(z->data + i, from, len) == 0) {
			memcpy(z->data + i, to, len);
			n++;
		}
	}
	return n;
}

static void check_buf(const struct zbuf *z, struct pkg_report *rep)
{
	cr_assert_eq(pkg_check_buffer(z->data, z->len, WANT_NAME, WANT_VERSION,
		rep), 0);
}

/* Asserts the report failed with code, and that checks lists every check
 * up to it, each passed but the last. */
static void assert_failed(struct pkg_report *rep, const char *code)
{
	struct json_object *c, *v;
	size_t i, n;

	cr_assert_eq(rep->ok, 0);
	cr_assert_not_null(rep->failed, "expected %s", code);
	cr_assert_str_eq(rep->failed, code, "%s: %s", rep->failed, rep->message);
	cr_assert_neq(rep->message[0], '\0');
	for (i = 0; rep->message[i] != '\0'; i++)
		cr_assert(rep->message[i] >= 0x20 && rep->message[i] < 0x7f,
			"message byte %zu is not printable ASCII", i);
	cr_assert_not_null(rep->checks);
	n = json_object_array_length(rep->checks);
	cr_assert_geq(n, 1);
	cr_assert_leq(n, 8);
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(rep->checks, i);
		cr_assert(json_object_object_get_ex(c, "check", &v));
		cr_assert_str_eq(json_object_get_string(v), all_checks[i]);
		cr_assert(json_object_object_get_ex(c, "passed", &v));
		cr_assert_eq(json_object_get_boolean(v), i + 1 < n);
		cr_assert(json_object_object_get_ex(c, "detail", &v));
		cr_assert(json_object_is_type(v, json_type_string));
	}
	cr_assert_str_eq(all_checks[n - 1], code);
	c = json_object_array_get_idx(rep->checks, n - 1);
	json_object_object_get_ex(c, "detail", &v);
	cr_assert_str_eq(json_object_get_string(v), rep->message);
}

/* One archive of the entries, checked from memory, must fail with code
 * (and its message hold `says' when that is not NULL). */
static void expect_says(const struct zent *e, size_t n, const char *code,
	const char *says)
{
	struct pkg_report rep;
	struct zbuf z = build(e, n);

	check_buf(&z, &rep);
	assert_failed(&rep, code);
	if (says != NULL)
		cr_assert(strstr(rep.message, says) != NULL, "%s", rep.message);
	pkg_report_free(&rep);
	free(z.data);
}

/* One archive of the entries, checked from memory, passes. */
static void expect_ok(const struct zent *e, size_t n)
{
	struct pkg_report rep;
	struct zbuf z = build(e, n);

	check_buf(&z, &rep);
	cr_assert_eq(rep.ok, 1, "%s: %s", rep.failed, rep.message);
	pkg_report_free(&rep);
	free(z.data);
}

static void expect(const struct zent *e, size_t n, const char *code)
{
	expect_says(e, n, code, NULL);
}

static void expect_manifest(const char *text, size_t len, const char *code)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = text, .len = len },
	};

	expect(e, 1, code);
}

/* Checks a package holding manifest.json with text alone: it fails
 * with code after nchecks checks; the report is left in rep. */
static void manifest_only_fails(const char *text, const char *code,
	size_t nchecks, struct pkg_report *rep)
{
	struct zent e[] = { { .name = "manifest.json", .data = text } };
	struct zbuf z = build(e, 1);

	check_buf(&z, rep);
	free(z.data);
	assert_failed(rep, code);
	cr_assert_eq(json_object_array_length(rep->checks), nchecks);
}

/* --- passing -------------------------------------------------------------- */

Test(pkg, passes_a_good_package_and_lists_every_check)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "src/" },
		{ .name = "src/main.js", .data = "export default 1;\n" },
		{ .name = "..a/b..c/./x", .data = "dots inside names are fine" },
	};
	struct zbuf z = build(e, 4);
	struct json_object *c, *v;
	struct pkg_report rep;
	size_t i;

	check_buf(&z, &rep);
	cr_assert_eq(rep.ok, 1, "%s: %s", rep.failed, rep.message);
	cr_assert_null(rep.failed);
	cr_assert_str_eq(rep.message, "");
	cr_assert_eq(rep.entries, 4);
	cr_assert_eq(rep.uncompressed, strlen(GOOD_MANIFEST) + 18 + 26);
	cr_assert_str_eq(rep.name, WANT_NAME);
	cr_assert_str_eq(rep.version, WANT_VERSION);
	cr_assert_eq(json_object_array_length(rep.checks), 8);
	for (i = 0; i < 8; i++) {
		c = json_object_array_get_idx(rep.checks, i);
		json_object_object_get_ex(c, "check", &v);
		cr_assert_str_eq(json_object_get_string(v), all_checks[i]);
		json_object_object_get_ex(c, "passed", &v);
		cr_assert(json_object_get_boolean(v));
	}
	pkg_report_free(&rep);
	cr_assert_null(rep.checks);
	pkg_report_free(&rep); /* a second free is harmless */
	free(z.data);
}

Test(pkg, checks_a_file_on_disk)
{
	struct zent e[] = { { .name = "manifest.json", .data = GOOD_MANIFEST } };
	struct zbuf z = build(e, 1);
	char path[] = "/tmp/devforge-test-pkg.XXXXXX";
	struct pkg_report rep;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, z.data, z.len), (ssize_t)z.len);
	close(fd);
	cr_assert_eq(pkg_check_file(path, WANT_NAME, WANT_VERSION, &rep), 0);
	cr_assert_eq(rep.ok, 1, "%s: %s", rep.failed, rep.message);
	pkg_report_free(&rep);

	/* The same bytes cut short. */
	cr_assert_eq(truncate(path, (off_t)(z.len - 7)), 0);
	cr_assert_eq(pkg_check_file(path, WANT_NAME, WANT_VERSION, &rep), 0);
	assert_failed(&rep, "not_zip");
	pkg_report_free(&rep);

	/* And empty: libzip would call it an empty archive; it is no zip. */
	cr_assert_eq(truncate(path, 0), 0);
	cr_assert_eq(pkg_check_file(path, WANT_NAME, WANT_VERSION, &rep), 0);
	assert_failed(&rep, "not_zip");
	pkg_report_free(&rep);
	unlink(path);
	free(z.data);
}

Test(pkg, a_missing_file_or_a_directory_is_our_failure)
{
	struct pkg_report rep;

	cr_assert_eq(pkg_check_file("/nonexistent/devforge.zip", WANT_NAME,
		WANT_VERSION, &rep), DF_EIO);
	cr_assert_null(rep.checks);
	cr_assert_eq(rep.ok, 0);
	pkg_report_free(&rep);
	cr_assert_eq(pkg_check_file("/tmp", WANT_NAME, WANT_VERSION, &rep), DF_EIO);
	cr_assert_null(rep.checks);
}

/* --- not_zip ---------------------------------------------------------------- */

/* The len bytes at data, checked from memory, fail as not_zip. */
static void expect_not_zip(const void *data, size_t len)
{
	struct pkg_report rep;

	cr_assert_eq(pkg_check_buffer(data, len, WANT_NAME, WANT_VERSION,
		&rep), 0);
	assert_failed(&rep, "not_zip");
	pkg_report_free(&rep);
}

Test(pkg, empty_input_is_not_a_zip)
{
	struct pkg_report rep;

	cr_assert_eq(pkg_check_buffer("", 0, WANT_NAME, WANT_VERSION, &rep), 0);
	assert_failed(&rep, "not_zip");
	cr_assert_eq(json_object_array_length(rep.checks), 1);
	pkg_report_free(&rep);
	expect_not_zip(NULL, 0);
}

Test(pkg, random_bytes_are_not_a_zip)
{
	unsigned char buf[4096];
	uint32_t x = 2463534242u;
	size_t i;

	for (i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	expect_not_zip(buf, sizeof(buf));
	/* Text is not a zip either, however short. */
	expect_not_zip("PK", 2);
}

Test(pkg, a_truncated_zip_is_not_a_zip)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "src/main.js", .data = "export default 1;\n" },
	};
	struct zbuf z = build(e, 2);
	size_t cut[] = { 1, 10, 22, z.len / 2, z.len - 1 };
	size_t i;

	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++)
		expect_not_zip(z.data, cut[i]);
	free(z.data);
}

Test(pkg, an_inconsistent_central_directory_is_not_a_zip)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "aaaa.txt", .data = "one" },
		{ .name = "bbbb.txt", .data = "two" },
	};
	struct zbuf z = build(e, 3);

	/* Two entries of one name: extractors would disagree on which. */
	cr_assert_eq(patch(&z, "bbbb.txt", "aaaa.txt", 8), 2);
	{
		struct pkg_report rep;

		check_buf(&z, &rep);
		assert_failed(&rep, "not_zip");
		pkg_report_free(&rep);
	}
	free(z.data);
}

/* --- too_many_entries -------------------------------------------------------- */

static void many(size_t files, const char *want_fail)
{
	struct zent *e = calloc(files + 1, sizeof(*e));
	char (*names)[16] = calloc(files, sizeof(*names));
	struct pkg_report rep;
	struct zbuf z;
	size_t i;

	cr_assert_not_null(e);
	cr_assert_not_null(names);
	e[0].name = "manifest.json";
	e[0].data = GOOD_MANIFEST;
	for (i = 0; i < files; i++) {
		snprintf(names[i], sizeof(names[i]), "f%05zu", i);
		e[i + 1].name = names[i];
		e[i + 1].data = "x";
		e[i + 1].store = 1; /* a deflate state per entry is slow under ASan */
	}
	z = build(e, files + 1);
	check_buf(&z, &rep);
	cr_assert_eq(rep.entries, files + 1);
	if (want_fail != NULL)
		assert_failed(&rep, want_fail);
	else
		cr_assert_eq(rep.ok, 1, "%s: %s", rep.failed, rep.message);
	pkg_report_free(&rep);
	free(z.data);
	free(names);
	free(e);
}

Test(pkg, refuses_more_than_the_entry_limit)
{
	many(PKG_MAX_ENTRIES, "too_many_entries");
}

Test(pkg, accepts_exactly_the_entry_limit)
{
	many(PKG_MAX_ENTRIES - 1, NULL);
}

/* --- unsafe_path ------------------------------------------------------------- */

Test(pkg, refuses_a_parent_directory_entry)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "../evil", .data = "overwrite something" },
	};
	struct pkg_report rep;
	struct zbuf z = build(e, 2);

	check_buf(&z, &rep);
	assert_failed(&rep, "unsafe_path");
	cr_assert_eq(json_object_array_length(rep.checks), 3);
	cr_assert(strstr(rep.message, "../evil") != NULL, "%s", rep.message);
	cr_assert(strstr(rep.message, "\"..\"") != NULL, "%s", rep.message);
	pkg_report_free(&rep);
	free(z.data);
}

/* Each name beside a good manifest is refused as unsafe_path, named as
 * the entry at fault, not as a whole-archive doubt. */
static void expect_unsafe_names(const char *const *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct zent e[] = {
			{ .name = "manifest.json", .data = GOOD_MANIFEST },
			{ .name = bad[i], .data = "x" },
		};

		expect_says(e, 2, "unsafe_path", "Entry 1 (");
	}
}

Test(pkg, refuses_every_kind_of_unsafe_name)
{
	static const char *const bad[] = {
		"/etc/passwd", "a/../../b", "a/..", "..", "dir\\file",
		"C:/windows/x", "c:relative", "ctl\x01name", "tab\tname",
		"new\nline", "del\x7fname", "esc\x1b[2Jname",
	};

	expect_unsafe_names(bad, sizeof(bad) / sizeof(bad[0]));
}

Test(pkg, refuses_a_nul_byte_hidden_in_a_name)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "okname@evil", .data = "x" },
	};
	struct zbuf z = build(e, 2);
	struct pkg_report rep;

	/* The writing API takes C strings; the NUL goes in afterwards, in the
	 * local header and the central directory alike. */
	cr_assert_eq(patch(&z, "okname@", "okname\0", 7), 2);
	check_buf(&z, &rep);
	assert_failed(&rep, "unsafe_path");
	cr_assert(strstr(rep.message, "NUL") != NULL, "%s", rep.message);
	pkg_report_free(&rep);
	free(z.data);
}

Test(pkg, refuses_a_symbolic_link)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "lib", .data = "/etc", .symlink = 1 },
	};

	expect(e, 2, "unsafe_path");
}

Test(pkg, refuses_a_link_whatever_host_type_the_archive_claims)
{
	unsigned host;

	/* Info-ZIP unzip makes a link of an entry "made by" MS-DOS when its
	 * owner bits agree with the DOS attributes (0644 with none set);
	 * other extractors read the mode on other hosts: none passes. */
	for (host = 0; host < 256; host++) {
		struct zent e[] = {
			{ .name = "manifest.json", .data = GOOD_MANIFEST },
			{ .name = "lib", .data = "/etc", .set_attr = 1,
			  .opsys = (zip_uint8_t)host,
			  .attr = (zip_uint32_t)(S_IFLNK | 0644) << 16 },
		};

		expect_says(e, 2, "unsafe_path", "symbolic link");
	}
}

Test(pkg, refuses_special_files_of_every_type)
{
	static const zip_uint32_t types[] = { S_IFIFO, S_IFCHR, S_IFBLK,
		S_IFSOCK, 0170000, 0110000 };
	static const zip_uint8_t hosts[] = { ZIP_OPSYS_UNIX, ZIP_OPSYS_DOS,
		ZIP_OPSYS_WINDOWS_NTFS, ZIP_OPSYS_OS_X };
	size_t t, h;

	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		for (h = 0; h < sizeof(hosts); h++) {
			struct zent e[] = {
				{ .name = "manifest.json", .data = GOOD_MANIFEST },
				{ .name = "dev", .data = "x", .set_attr = 1,
				  .opsys = hosts[h],
				  .attr = (types[t] | 0644) << 16 },
			};

			expect_says(e, 2, "unsafe_path", "Entry 1 (\"dev\")");
		}
	}
}

Test(pkg, refuses_a_link_stated_in_an_asi_unix_extra_field)
{
	/* Upper attribute bits 0: unzip then reads the ASi field's mode. */
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "lib", .data = "/etc", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = 0, .asi = 1,
		  .asi_mode = S_IFLNK | 0777 },
	};

	expect_says(e, 2, "unsafe_path", "Unix extra field");
}

Test(pkg, refuses_a_directory_that_is_not_named_as_one)
{
	struct zent by_mode[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "src", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = (S_IFDIR | 0755u) << 16 },
	};
	struct zent by_dos_bit[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "src", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_DOS, .attr = 0x10 },
	};

	expect_says(by_mode, 2, "unsafe_path", "directory");
	expect_says(by_dos_bit, 2, "unsafe_path", "directory");
}

Test(pkg, accepts_plain_files_and_directories_from_any_host)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST, .set_attr = 1,
		  .opsys = ZIP_OPSYS_DOS, .attr = 0x20 },
		{ .name = "unix.js", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = (S_IFREG | 0644u) << 16 },
		{ .name = "notype.js", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = 0644u << 16 },
		{ .name = "zero.js", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = 0 },
		{ .name = "ntfs.js", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_WINDOWS_NTFS, .attr = 0x01 },
		{ .name = "mac.js", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_OS_X, .attr = (S_IFREG | 0755u) << 16 },
		{ .name = "asi.js", .data = "x", .set_attr = 1,
		  .opsys = ZIP_OPSYS_UNIX, .attr = 0, .asi = 1,
		  .asi_mode = S_IFREG | 0644 },
		{ .name = "d1/", .set_attr = 1, .opsys = ZIP_OPSYS_UNIX,
		  .attr = (S_IFDIR | 0755u) << 16 | 0x10 },
		{ .name = "d2/", .set_attr = 1, .opsys = ZIP_OPSYS_DOS,
		  .attr = 0x10 },
		{ .name = "d3/", .set_attr = 1, .opsys = ZIP_OPSYS_UNIX,
		  .attr = (S_IFREG | 0644u) << 16 },
	};

	expect_ok(e, sizeof(e) / sizeof(e[0]));
}

Test(pkg, refuses_names_windows_treats_specially)
{
	static const char *const bad[] = {
		"CON", "con", "nul.txt", "NUL.tar.gz", "COM1", "com9.js",
		"LPT9.js", "lpt0", "AUX", "prn.md", "src/CON/x.js", "con .txt",
		"CONIN$", "conout$.log", "COM\xc2\xb9", "lpt\xc2\xb3.js",
		"a:b", "file.js:stream", "src/a:b/c", "name.", "name ", "dir./x",
		"dir /x", "x..", "a<b", "a>b", "a\"b", "a|b", "a?b", "a*b",
	};

	expect_unsafe_names(bad, sizeof(bad) / sizeof(bad[0]));
}

Test(pkg, accepts_names_that_only_resemble_windows_devices)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "console.js", .data = "x" },
		{ .name = "CONTRIBUTING.md", .data = "x" },
		{ .name = "com10.txt", .data = "x" },
		{ .name = "lpt/nul_x", .data = "x" },
		{ .name = "auxiliary/.hidden", .data = "x" },
		{ .name = "COM\xc2\xb9x", .data = "x" },
		{ .name = "a b/c d.js", .data = "x" },
		{ .name = "./x.js", .data = "x" },
	};

	expect_ok(e, sizeof(e) / sizeof(e[0]));
}

Test(pkg, unsafe_message_shows_only_printable_ascii)
{
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "caf\xc3\xa9/\x1b[31m/../x", .data = "x" },
	};

	/* expect_says asserts the message is printable ASCII. */
	expect_says(e, 2, "unsafe_path", "caf?\?/?[31m");
}

/* --- too_large_uncompressed -------------------------------------------------- */

/* A source of zeros made as it is read, so the test holds no big buffer. */
struct zeros {
	zip_uint64_t size, pos;
};

static zip_int64_t zeros_cb(void *ud, void *data, zip_uint64_t len,
	zip_source_cmd_t cmd)
{
	struct zeros *z = ud;
	zip_stat_t *st;
	zip_uint64_t n;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		z->pos = 0;
		return 0;
	case ZIP_SOURCE_READ:
		n = z->size - z->pos < len ? z->size - z->pos : len;
		memset(data, 0, n);
		z->pos += n;
		return (zip_int64_t)n;
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_STAT:
		st = data;
		zip_stat_init(st);
		st->size = z->size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	case ZIP_SOURCE_ERROR:
		memset(data, 0, 2 * sizeof(int));
		return 2 * sizeof(int);
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN,
			ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
			ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		return -1;
	}
}

Test(pkg, refuses_entries_that_add_up_past_the_limit, .timeout = 120)
{
	/* Each under the limit, together over it. */
	struct zeros a = { PKG_MAX_UNCOMPRESSED / 2 + 1, 0 };
	struct zeros b = { PKG_MAX_UNCOMPRESSED / 2 + 1, 0 };
	zip_error_t err;
	struct zent e[] = {
		{ .name = "manifest.json", .data = GOOD_MANIFEST },
		{ .name = "zeros-a.bin" },
		{ .name = "zeros-b.bin" },
	};
	struct pkg_report rep;
	struct zbuf z;

	zip_error_init(&err);
	e[1].zsrc = zip_source_function_create(zeros_cb, &a, &err);
	e[2].zsrc = zip_source_function_create(zeros_cb, &b, &err);
	cr_assert_not_null(e[1].zsrc);
	cr_assert_not_null(e[2].zsrc);
	z = build(e, 3);
	cr_assert_lt(z.len, 4 * 1024 * 1024);
	check_buf(&z, &rep);
	assert_failed(&rep, "too_large_uncompressed");
	cr_assert_eq(rep.uncompressed, PKG_MAX_UNCOMPRESSED + 2 +
		strlen(GOOD_MANIFEST));
	cr_assert_eq(json_object_array_length(rep.checks), 4);
	pkg_report_free(&rep);
	free(z.data);
	zip_error_fini(&err);
}

/* --- manifest_missing -------------------------------------------------------- */

Test(pkg, refuses_a_package_without_a_manifest)
{
	struct zent e[] = { { .name = "src/main.js", .data = "1;" } };
	struct pkg_report rep;
	struct zbuf z = build(e, 1);

	check_buf(&z, &rep);
	assert_failed(&rep, "manifest_missing");
	cr_assert_eq(json_object_array_length(rep.checks), 5);
	cr_assert_str_eq(rep.name, "");
	pkg_report_free(&rep);
	free(z.data);
}

Test(pkg, a_manifest_in_a_subfolder_does_not_count)
{
	struct zent e[] = {
		{ .name = "demo-ext/" },
		{ .name = "demo-ext/manifest.json", .data = GOOD_MANIFEST },
	};

	expect(e, 2, "manifest_missing");
}

Test(pkg, a_directory_named_manifest_json_is_not_a_manifest)
{
	struct zent e[] = {
		{ .name = "manifest.json/" },
		{ .name = "manifest.json/x", .data = GOOD_MANIFEST },
	};

	expect(e, 2, "manifest_missing");
}

Test(pkg, the_manifest_name_is_matched_exactly)
{
	struct zent e[] = { { .name = "Manifest.json", .data = GOOD_MANIFEST } };

	expect(e, 1, "manifest_missing");
}

Test(pkg, an_archive_without_entries_has_no_manifest)
{
	/* The smallest zip: an end record alone. */
	static const unsigned char eocd[22] = { 'P', 'K', 5, 6 };
	struct pkg_report rep;

	cr_assert_eq(pkg_check_buffer(eocd, sizeof(eocd), WANT_NAME,
		WANT_VERSION, &rep), 0);
	assert_failed(&rep, "manifest_missing");
	cr_assert_eq(rep.entries, 0);
	pkg_report_free(&rep);
}

/* --- manifest_invalid -------------------------------------------------------- */

#define M(s) (s), sizeof(s) - 1

Test(pkg, refuses_a_manifest_that_is_not_a_json_object)
{
	expect_manifest(M("name=demo-ext\nversion=1.2.3\n"), "manifest_invalid");
	expect_manifest(M("[\"demo-ext\", \"1.2.3\"]"), "manifest_invalid");
	expect_manifest(M("\"demo-ext\""), "manifest_invalid");
	expect_manifest(M("42"), "manifest_invalid");
	expect_manifest(M("{\"name\": \"demo-ext\", \"version\": \"1.2.3\""),
		"manifest_invalid");
	expect_manifest(M("{'name': 'demo-ext', 'version': '1.2.3'}"),
		"manifest_invalid");
	expect_manifest(M("\xef\xbb\xbf" GOOD_MANIFEST), "manifest_invalid");
}

Test(pkg, refuses_a_manifest_that_names_a_key_twice)
{
	/* json-c keeps the last "name"; a reader keeping the first would
	 * see another extension. */
	expect_says((struct zent[]){ { .name = "manifest.json",
		.data = "{\"name\": \"demo-ext\", \"version\": \"1.2.3\", "
		"\"name\": \"other\"}" } }, 1, "manifest_invalid", "twice");
	expect_says((struct zent[]){ { .name = "manifest.json",
		.data = "{\"name\": \"other\", \"version\": \"1.2.3\", "
		"\"\\u006eame\": \"demo-ext\"}" } }, 1, "manifest_invalid",
		"twice");
	expect_says((struct zent[]){ { .name = "manifest.json",
		.data = "{\"name\": \"demo-ext\", \"version\": \"1.2.3\", "
		"\"contributes\": {\"commands\": [{\"id\": 1, \"id\": 2}]}}" } },
		1, "manifest_invalid", "twice");
}

Test(pkg, refuses_what_the_strict_syntax_pass_refuses)
{
	expect_manifest(M("{\"name\": \"demo-ext\", \"version\": \"1.2.3\", "
		"\"n\": NaN}"), "manifest_invalid");
	expect_manifest(M("{\"name\": \"demo-ext\", \"version\": \"1.2.3\", "
		"\"n\": 01}"), "manifest_invalid");
}

Test(pkg, refuses_an_empty_manifest)
{
	struct zent e[] = { { .name = "manifest.json", .data = "", .len = 0,
		.store = 1 } };

	/* len 0 means strlen: "" is empty either way. */
	expect(e, 1, "manifest_invalid");
}

Test(pkg, refuses_anything_after_the_object)
{
	expect_manifest(M(GOOD_MANIFEST "x"), "manifest_invalid");
	expect_manifest(M(GOOD_MANIFEST GOOD_MANIFEST), "manifest_invalid");
	expect_manifest(M(GOOD_MANIFEST "\0"), "manifest_invalid");
}

Test(pkg, refuses_name_or_version_missing_or_not_a_string)
{
	expect_manifest(M("{\"name\": \"demo-ext\"}"), "manifest_invalid");
	expect_manifest(M("{\"version\": \"1.2.3\"}"), "manifest_invalid");
	expect_manifest(M("{\"name\": \"demo-ext\", \"version\": 1.2}"),
		"manifest_invalid");
	expect_manifest(M("{\"name\": [\"demo-ext\"], \"version\": \"1.2.3\"}"),
		"manifest_invalid");
	expect_manifest(M("{\"name\": null, \"version\": \"1.2.3\"}"),
		"manifest_invalid");
	expect_manifest(M("{\"name\": \"\", \"version\": \"1.2.3\"}"),
		"manifest_invalid");
	expect_manifest(M("{\"name\": \"demo\\u0000ext\", \"version\": \"1.2.3\"}"),
		"manifest_invalid");
	expect_manifest(M("{\"name\": \"demo\\u001bext\", \"version\": \"1.2.3\"}"),
		"manifest_invalid");
	expect_manifest(M("{\"name\": \"demo-ext\", \"version\": \"1.2.3\xff\"}"),
		"manifest_invalid");
}

Test(pkg, refuses_a_name_longer_than_the_report_holds)
{
	char text[512];

	snprintf(text, sizeof(text), "{\"name\": \"%0129d\", \"version\": "
		"\"1.2.3\"}", 0);
	expect_manifest(text, strlen(text), "manifest_invalid");
}

Test(pkg, refuses_deep_nesting)
{
	char text[256] = "{\"name\": \"demo-ext\", \"version\": \"1.2.3\", \"x\": ";
	size_t i, n = strlen(text);

	for (i = 0; i < 40; i++)
		text[n++] = '[';
	for (i = 0; i < 40; i++)
		text[n++] = ']';
	text[n++] = '}';
	text[n] = '\0';
	expect_manifest(text, n, "manifest_invalid");
}

/* A valid manifest of exactly len bytes (padded with spaces inside). */
static char *sized_manifest(size_t len)
{
	char *text = malloc(len + 1);
	size_t head = strlen("{\"name\": \"demo-ext\", \"version\": \"1.2.3\"");

	cr_assert_not_null(text);
	memcpy(text, "{\"name\": \"demo-ext\", \"version\": \"1.2.3\"", head);
	memset(text + head, ' ', len - head - 1);
	text[len - 1] = '}';
	text[len] = '\0';
	return text;
}

Test(pkg, accepts_a_manifest_at_the_cap)
{
	char *text = sized_manifest(PKG_MANIFEST_MAX);
	struct zent e[] = { { .name = "manifest.json", .data = text } };

	expect_ok(e, 1);
	free(text);
}

Test(pkg, refuses_a_manifest_over_the_cap)
{
	char *text = sized_manifest(PKG_MANIFEST_MAX + 1);

	expect_manifest(text, PKG_MANIFEST_MAX + 1, "manifest_invalid");
	free(text);
}

Test(pkg, reads_no_more_than_the_cap_whatever_the_header_says)
{
	/* The manifest's stated size is rewritten to 64 while the stored data
	 * stays 200 KiB: the check must stop reading at the cap. */
	char *text = sized_manifest(200 * 1024);
	struct zent e[] = { { .name = "manifest.json", .data = text,
		.store = 1 } };
	struct zbuf z = build(e, 1);
	struct pkg_report rep;
	unsigned char real[4] = { 0x00, 0x20, 0x03, 0x00 }; /* 204800 LE */
	unsigned char lie[4] = { 64, 0, 0, 0 };
	size_t i;
	int n = 0;

	/* The uncompressed size follows the compressed one, both 204800:
	 * rewrite the second of each pair (local header and directory). */
	for (i = 0; i + 8 <= z.len; i++) {
		if (memcmp(z.data + i, real, 4) == 0 &&
		    memcmp(z.data + i + 4, real, 4) == 0) {
			memcpy(z.data + i + 4, lie, 4);
			n++;
		}
	}
	cr_assert_eq(n, 2);
	check_buf(&z, &rep);
	assert_failed(&rep, "manifest_invalid");
	cr_assert(strstr(rep.message, "larger than") != NULL, "%s", rep.message);
	cr_assert_eq(rep.uncompressed, 64);
	pkg_report_free(&rep);
	free(z.data);
	free(text);
}

Test(pkg, refuses_a_damaged_manifest)
{
	struct zent e[] = { { .name = "manifest.json", .data = GOOD_MANIFEST,
		.store = 1 } };
	struct zbuf z = build(e, 1);

	/* Stored data changed after the CRC was taken. */
	cr_assert_eq(patch(&z, "\"1.2.3\"", "\"1.2.4\"", 7), 1);
	{
		struct pkg_report rep;

		check_buf(&z, &rep);
		assert_failed(&rep, "manifest_invalid");
		cr_assert(strstr(rep.message, "could not be read") != NULL,
			"%s", rep.message);
		pkg_report_free(&rep);
	}
	free(z.data);
}

Test(pkg, accepts_whitespace_around_the_object)
{
	struct zent e[] = { { .name = "manifest.json",
		.data = " \r\n\t" GOOD_MANIFEST "\r\n\n  \t" } };

	expect_ok(e, 1);
}

/* --- manifest_name_mismatch / manifest_version_mismatch ---------------------- */

Test(pkg, refuses_a_manifest_for_another_extension)
{
	struct pkg_report rep;

	manifest_only_fails("{\"name\": \"other-ext\", \"version\": \"1.2.3\"}",
		"manifest_name_mismatch", 7, &rep);
	cr_assert_str_eq(rep.name, "other-ext");
	cr_assert_str_eq(rep.version, "1.2.3");
	cr_assert(strstr(rep.message, "other-ext") != NULL, "%s", rep.message);
	pkg_report_free(&rep);

	/* Exactly: no case folding, no trimming. */
	expect_manifest(M("{\"name\": \"Demo-Ext\", \"version\": \"1.2.3\"}"),
		"manifest_name_mismatch");
	expect_manifest(M("{\"name\": \"demo-ext \", \"version\": \"1.2.3\"}"),
		"manifest_name_mismatch");
}

Test(pkg, refuses_a_manifest_for_another_version)
{
	struct pkg_report rep;

	manifest_only_fails("{\"name\": \"demo-ext\", \"version\": \"1.2.4\"}",
		"manifest_version_mismatch", 8, &rep);
	cr_assert_str_eq(rep.version, "1.2.4");
	pkg_report_free(&rep);

	expect_manifest(M("{\"name\": \"demo-ext\", \"version\": \"v1.2.3\"}"),
		"manifest_version_mismatch");
	expect_manifest(M("{\"name\": \"demo-ext\", \"version\": \"1.2.3+b1\"}"),
		"manifest_version_mismatch");
}
