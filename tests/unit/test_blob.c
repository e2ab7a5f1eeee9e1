/* Unit tests of the content-addressed package store against a temporary
 * directory: an upload streamed into a temporary file and hashed, renamed
 * to <dir>/<2 hex>/<sha256>, the same content stored once, the temporary
 * file gone after every failure, and digests that are not 64 lower-case
 * hex digits refused before they reach a path.
 *
 * Not here: permission-denied paths. The tests run as root, for whom
 * mkdir/open/rename do not fail on permissions, so such a test could not
 * fail. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../fcgi-app/core/blob.h"
#include "../../fcgi-app/core/crypto.h"
#include "../../fcgi-app/core/err.h"
#include "kit.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static char base[64];        /* the temporary directory of one test */
static char store[128];      /* base/store: the blob directory */

static int rm_one(const char *path, const struct stat *sb, int flag,
	struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void setup(void)
{
	umask(022);
	strcpy(base, "/tmp/df-test-blob.XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	snprintf(store, sizeof(store), "%s/store", base);
}

static void teardown(void)
{
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(blob, .init = setup, .fini = teardown);

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The number of entries in dir, "." and ".." aside; -1 when it cannot be
 * read. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static size_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	cr_assert_geq(fd, 0, "cannot open %s", path);
	n = read(fd, buf, len);
	close(fd);
	cr_assert_geq(n, 0);
	return (size_t)n;
}

static void receive_text(const char *dir, const char *text, struct blob_tmp *t)
{
	struct unit_body b = { .data = text, .len = strlen(text) };

	cr_assert_eq(blob_receive(dir, unit_body_read, &b, b.len, t), 0);
}

static void tmpdir_of(char *buf, size_t len)
{
	snprintf(buf, len, "%s/tmp", store);
}

/* The store's temporary directory is empty. */
static void assert_no_temporary(void)
{
	char tmpdir[256];

	tmpdir_of(tmpdir, sizeof(tmpdir));
	cr_assert_eq(entries(tmpdir), 0, "a temporary file was left");
}

/* Receiving body b (at most max bytes) fails with DF_EIO and leaves no
 * temporary file. */
static void expect_receive_eio(struct unit_body *b, size_t max)
{
	struct blob_tmp t;

	cr_assert_eq(blob_receive(store, unit_body_read, b, max, &t), DF_EIO);
	cr_assert_str_eq(t.path, "");
	assert_no_temporary();
}

/* ---- receiving ----------------------------------------------------- */

Test(blob, receive_hashes_the_body_into_a_temporary_file)
{
	struct blob_tmp t;
	char tmpdir[256], got[16];

	receive_text(store, "abc", &t);
	cr_assert_str_eq(t.sha256, SHA_ABC);
	cr_assert_eq(t.size, 3);
	tmpdir_of(tmpdir, sizeof(tmpdir));
	cr_assert_eq(strncmp(t.path, tmpdir, strlen(tmpdir)), 0,
		"%s is not under %s", t.path, tmpdir);
	cr_assert_eq(slurp(t.path, got, sizeof(got)), 3);
	cr_assert_eq(memcmp(got, "abc", 3), 0);
}

Test(blob, receive_creates_the_store_and_its_tmp_directory)
{
	struct blob_tmp t;
	char tmpdir[256];

	cr_assert(!exists(store));
	receive_text(store, "abc", &t);
	tmpdir_of(tmpdir, sizeof(tmpdir));
	cr_assert(exists(store));
	cr_assert_eq(entries(tmpdir), 1);
}

Test(blob, receive_reads_exactly_the_announced_length)
{
	struct unit_body b = { .data = "abcdefghij", .len = 10 };
	struct blob_tmp t;
	char expect[65];

	cr_assert_eq(blob_receive(store, unit_body_read, &b, 4, &t), 0);
	cr_assert_eq(b.pos, 4, "read %zu bytes of a body of 4", b.pos);
	cr_assert_eq(t.size, 4);
	crypto_sha256_hex("abcd", 4, expect);
	cr_assert_str_eq(t.sha256, expect);
}

Test(blob, a_large_body_in_short_reads_is_hashed_whole)
{
	size_t len = 200000, i;
	char *data = malloc(len), *back = malloc(len + 1), expect[65];
	struct unit_body b = { .len = len, .chunk = 999 };
	struct blob_tmp t;

	cr_assert_not_null(data);
	cr_assert_not_null(back);
	for (i = 0; i < len; i++)
		data[i] = (char)(i * 31 + i / 251);
	b.data = data;
	cr_assert_eq(blob_receive(store, unit_body_read, &b, len, &t), 0);
	crypto_sha256_hex(data, len, expect);
	cr_assert_str_eq(t.sha256, expect);
	cr_assert_eq(t.size, len);
	cr_assert_eq(slurp(t.path, back, len + 1), len);
	cr_assert_eq(memcmp(back, data, len), 0);
	free(data);
	free(back);
}

Test(blob, an_empty_body_is_an_empty_file)
{
	struct blob_tmp t;
	char got[4];

	receive_text(store, "", &t);
	cr_assert_str_eq(t.sha256, SHA_EMPTY);
	cr_assert_eq(t.size, 0);
	cr_assert_eq(slurp(t.path, got, sizeof(got)), 0);
}

Test(blob, a_body_that_ends_early_is_eio_and_leaves_nothing)
{
	struct unit_body b = { .data = "abc", .len = 3 };

	expect_receive_eio(&b, 10);
}

Test(blob, a_read_error_is_eio_and_leaves_nothing)
{
	struct unit_body b = { .data = "abc", .len = 3, .fail_at_end = 1 };

	expect_receive_eio(&b, 4);
}

Test(blob, a_store_whose_parent_is_missing_is_refused)
{
	struct unit_body b = { .data = "abc", .len = 3 };
	struct blob_tmp t;
	char dir[320], parent[256];

	snprintf(parent, sizeof(parent), "%s/missing", base);
	snprintf(dir, sizeof(dir), "%s/store", parent);
	cr_assert_eq(blob_receive(dir, unit_body_read, &b, 3, &t),
		DF_EINTERNAL);
	cr_assert_str_eq(t.path, "");
	cr_assert(!exists(parent), "only the store itself is created");
	cr_assert_eq(b.pos, 0, "nothing was read");
}

Test(blob, a_store_path_that_is_a_file_is_refused)
{
	struct unit_body b = { .data = "abc", .len = 3 };
	struct blob_tmp t;
	int fd = open(store, O_WRONLY | O_CREAT | O_EXCL, 0600);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(blob_receive(store, unit_body_read, &b, 3, &t),
		DF_EINTERNAL);
	cr_assert_str_eq(t.path, "");
}

/* Makes real directories under base until the path is exactly len
 * characters long, into out. */
static void deep_dir(char *out, size_t outlen, size_t len)
{
	size_t n = strlen(base);

	cr_assert_lt(len, outlen);
	memcpy(out, base, n + 1);
	while (n < len) {
		size_t part = len - n - 1 > 200 ? 200 : len - n - 1;

		cr_assert_gt(part, 0);
		out[n++] = '/';
		memset(out + n, 'd', part);
		n += part;
		out[n] = '\0';
		cr_assert_eq(mkdir(out, 0700), 0, "mkdir at length %zu", n);
	}
}

Test(blob, a_temporary_name_that_does_not_fit_is_refused_not_cut)
{
	static char dir[BLOB_PATH_MAX];
	char tmpdir[BLOB_PATH_MAX + 8];
	struct unit_body b = { .data = "abc", .len = 3 };
	struct blob_tmp t;

	/* <dir>/tmp fits, <dir>/tmp/upload-<24 hex> does not. */
	deep_dir(dir, sizeof(dir), BLOB_PATH_MAX - 30);
	cr_assert_eq(blob_receive(dir, unit_body_read, &b, 3, &t),
		DF_EINTERNAL);
	cr_assert_str_eq(t.path, "");
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	cr_assert_eq(entries(tmpdir), 0, "a file with a cut name was created");
}

Test(blob, the_temporary_file_is_readable_by_the_group_only)
{
	struct blob_tmp t;
	struct stat st;

	receive_text(store, "abc", &t);
	cr_assert_eq(stat(t.path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);
}

/* ---- committing ---------------------------------------------------- */

Test(blob, commit_moves_the_upload_to_its_content_address)
{
	struct blob_tmp t;
	char dest[BLOB_PATH_MAX], expect[BLOB_PATH_MAX], tmp[BLOB_PATH_MAX];
	char got[16];

	receive_text(store, "abc", &t);
	strcpy(tmp, t.path);
	cr_assert_eq(blob_commit(store, &t), 0);
	cr_assert_str_eq(t.path, "");
	cr_assert(!exists(tmp), "the temporary file is still there");
	snprintf(expect, sizeof(expect), "%s/ba/%s", store, SHA_ABC);
	cr_assert_eq(blob_path(store, SHA_ABC, dest, sizeof(dest)), 0);
	cr_assert_str_eq(dest, expect);
	cr_assert_eq(slurp(dest, got, sizeof(got)), 3);
	cr_assert_eq(memcmp(got, "abc", 3), 0);
}

Test(blob, the_same_content_is_stored_once_and_not_replaced)
{
	struct blob_tmp t1, t2;
	struct stat before, after;
	char dest[BLOB_PATH_MAX], sub[256], tmp2[BLOB_PATH_MAX];

	receive_text(store, "abc", &t1);
	receive_text(store, "abc", &t2);
	strcpy(tmp2, t2.path);
	cr_assert_eq(blob_commit(store, &t1), 0);
	cr_assert_eq(blob_path(store, SHA_ABC, dest, sizeof(dest)), 0);
	cr_assert_eq(stat(dest, &before), 0);
	cr_assert_eq(blob_commit(store, &t2), 0);
	cr_assert_str_eq(t2.path, "");
	cr_assert(!exists(tmp2), "the second upload was not dropped");
	cr_assert_eq(stat(dest, &after), 0);
	/* A download in progress keeps reading the same file. */
	cr_assert_eq(after.st_ino, before.st_ino, "the stored file was replaced");
	assert_no_temporary();
	snprintf(sub, sizeof(sub), "%s/ba", store);
	cr_assert_eq(entries(sub), 1);
}

Test(blob, commit_without_an_upload_fails)
{
	struct blob_tmp t;

	memset(&t, 0, sizeof(t));
	strcpy(t.sha256, SHA_ABC);
	cr_assert_eq(mkdir(store, 0700), 0);
	cr_assert_eq(blob_commit(store, &t), DF_EINTERNAL);
	cr_assert_eq(entries(store), 0, "a failed commit changed the store");
}

Test(blob, commit_with_a_malformed_digest_fails_and_keeps_the_upload)
{
	struct blob_tmp t;

	receive_text(store, "abc", &t);
	t.sha256[0] = 'B';
	cr_assert_eq(blob_commit(store, &t), DF_EINTERNAL);
	cr_assert(exists(t.path), "the caller discards the upload, not commit");
	blob_discard(&t);
}

Test(blob, commit_that_cannot_place_the_file_fails_and_keeps_the_upload)
{
	struct blob_tmp t;
	char sub[256];
	int fd;

	receive_text(store, "abc", &t);
	/* A file where the "ba" directory belongs. */
	snprintf(sub, sizeof(sub), "%s/ba", store);
	fd = open(sub, O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(blob_commit(store, &t), DF_EINTERNAL);
	cr_assert_neq(t.path[0], '\0');
	cr_assert(exists(t.path));
	blob_discard(&t);
	cr_assert_str_eq(t.path, "");
}

/* ---- discarding and removing --------------------------------------- */

Test(blob, discard_deletes_the_upload_and_may_be_repeated)
{
	struct blob_tmp t;
	char tmp[BLOB_PATH_MAX], tmpdir[256];

	receive_text(store, "abc", &t);
	strcpy(tmp, t.path);
	blob_discard(&t);
	cr_assert_str_eq(t.path, "");
	cr_assert(!exists(tmp));
	blob_discard(&t);
	cr_assert_str_eq(t.path, "");
	/* Also when the file went some other way. */
	receive_text(store, "abc", &t);
	cr_assert_eq(unlink(t.path), 0);
	blob_discard(&t);
	cr_assert_str_eq(t.path, "");
	tmpdir_of(tmpdir, sizeof(tmpdir));
	cr_assert_eq(entries(tmpdir), 0);
}

Test(blob, remove_deletes_a_stored_file_and_may_be_repeated)
{
	struct blob_tmp t;
	char dest[BLOB_PATH_MAX];

	receive_text(store, "abc", &t);
	cr_assert_eq(blob_commit(store, &t), 0);
	cr_assert_eq(blob_path(store, SHA_ABC, dest, sizeof(dest)), 0);
	cr_assert(exists(dest));
	cr_assert_eq(blob_remove(store, SHA_ABC), 0);
	cr_assert(!exists(dest));
	cr_assert_eq(blob_remove(store, SHA_ABC), 0, "already gone is done");
}

Test(blob, remove_refuses_a_malformed_digest)
{
	cr_assert_eq(blob_remove(store, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
		DF_EINVAL);
	cr_assert_eq(blob_remove(store, "../../../../../../../../etc/passwd"), DF_EINVAL);
	cr_assert_eq(blob_remove(store, NULL), DF_EINVAL);
}

Test(blob, remove_reports_what_it_cannot_delete)
{
	char dest[BLOB_PATH_MAX], sub[256];

	/* A directory where the file should be: unlink(2) fails with EISDIR,
	 * for root too. */
	snprintf(sub, sizeof(sub), "%s/ba", store);
	cr_assert_eq(mkdir(store, 0700), 0);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(blob_path(store, SHA_ABC, dest, sizeof(dest)), 0);
	cr_assert_eq(mkdir(dest, 0700), 0);
	cr_assert_eq(blob_remove(store, SHA_ABC), DF_EINTERNAL);
}

/* ---- paths --------------------------------------------------------- */

Test(blob, path_is_dir_prefix_digest)
{
	char out[256];

	cr_assert_eq(blob_path("/srv/pk", SHA_EMPTY, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/srv/pk/e3/" SHA_EMPTY);
}

Test(blob, path_refuses_what_is_not_64_lower_case_hex_digits)
{
	char out[256], d[80];

	strcpy(d, SHA_ABC);
	d[63] = '\0';
	cr_assert_eq(blob_path("/s", d, out, sizeof(out)), DF_EINVAL, "63 digits");
	strcpy(d, SHA_ABC "0");
	cr_assert_eq(blob_path("/s", d, out, sizeof(out)), DF_EINVAL, "65 digits");
	strcpy(d, SHA_ABC);
	d[10] = 'A';
	cr_assert_eq(blob_path("/s", d, out, sizeof(out)), DF_EINVAL, "upper case");
	d[10] = 'g';
	cr_assert_eq(blob_path("/s", d, out, sizeof(out)), DF_EINVAL, "not hex");
	d[10] = '/';
	cr_assert_eq(blob_path("/s", d, out, sizeof(out)), DF_EINVAL, "a slash");
	cr_assert_eq(blob_path("/s", "", out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(blob_path("/s", NULL, out, sizeof(out)), DF_EINVAL);
}

Test(blob, path_refuses_a_result_that_does_not_fit)
{
	static char dir[BLOB_PATH_MAX];
	char out[BLOB_PATH_MAX];

	/* "/s/ab/" and 64 digits need 71 bytes with the NUL. */
	cr_assert_eq(blob_path("/s", SHA_ABC, out, 71), 0);
	cr_assert_eq(blob_path("/s", SHA_ABC, out, 70), DF_EINVAL);
	memset(dir, 'x', BLOB_PATH_MAX - 60);
	dir[BLOB_PATH_MAX - 60] = '\0';
	cr_assert_eq(blob_path(dir, SHA_ABC, out, sizeof(out)), DF_EINVAL);
}
