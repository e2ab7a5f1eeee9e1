/* devforgectl demo-packages: the demo catalogue (sql/seed) describes
 * versions without their files; this builds a small package for each
 * version that has none (manifest.json and a README, zipped with
 * libzip), runs the same checks as an upload, stores it content-addressed
 * under storage_dir and records digest, size and checks on the version.
 * Development stacks only: scripts/stack.sh runs it after seeding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <zip.h>
#include "arena.h"
#include "blob.h"
#include "config.h"
#include "ctl_packages.h"
#include "db.h"
#include "err.h"
#include "pkg.h"
#include "store/versions.h"

struct membuf {
	const char *p;
	size_t len, off;
};

static long mem_read(void *ctx, char *buf, size_t len)
{
	struct membuf *m = ctx;
	size_t n = m->len - m->off < len ? m->len - m->off : len;

	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (long)n;
}

/* The zip of one demo package, malloc'd into *out. 0 or -1. */
static int build_zip(const char *slug, const char *version,
	const char *changelog, char **out, size_t *len)
{
	char manifest[512];
	char *readme = NULL;
	zip_error_t err;
	zip_source_t *src, *f;
	zip_stat_t st;
	zip_t *za;
	int rc = -1;

	*out = NULL;
	snprintf(manifest, sizeof(manifest), "{\"name\": \"%s\", \"version\":"
		" \"%s\", \"main\": \"main.js\"}\n", slug, version);
	{
		size_t n = strlen(slug) + strlen(version) +
			(changelog != NULL ? strlen(changelog) : 0) + 16;

		readme = malloc(n);
		if (readme == NULL)
			return -1;
		snprintf(readme, n, "# %s %s\n\n%s\n", slug, version,
			changelog != NULL ? changelog : "");
	}
	zip_error_init(&err);
	src = zip_source_buffer_create(NULL, 0, 0, &err);
	if (src == NULL)
		goto done;
	za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	if (za == NULL) {
		zip_source_free(src);
		goto done;
	}
	zip_source_keep(src);
	if ((f = zip_source_buffer(za, manifest, strlen(manifest), 0)) == NULL ||
	    zip_file_add(za, "manifest.json", f, 0) < 0 ||
	    (f = zip_source_buffer(za, readme, strlen(readme), 0)) == NULL ||
	    zip_file_add(za, "README.md", f, 0) < 0 ||
	    (f = zip_source_buffer(za, "exports.activate = () => {};\n", 29,
	    0)) == NULL || zip_file_add(za, "main.js", f, 0) < 0) {
		zip_discard(za);
		zip_source_free(src);
		goto done;
	}
	if (zip_close(za) != 0 || zip_source_stat(src, &st) != 0 ||
	    zip_source_open(src) != 0) {
		zip_source_free(src);
		goto done;
	}
	*out = malloc(st.size > 0 ? st.size : 1);
	if (*out != NULL &&
	    zip_source_read(src, *out, st.size) == (zip_int64_t)st.size) {
		*len = st.size;
		rc = 0;
	}
	zip_source_close(src);
	zip_source_free(src);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
done:
	free(readme);
	return rc;
}

static int fill_one(const struct config *cfg, const struct store_version *v)
{
	struct pkg_report rep;
	struct blob_tmp tmp;
	struct membuf m;
	const char *checks;
	char *zip = NULL;
	size_t len = 0;
	int rc;

	if (build_zip(v->slug, v->version, v->changelog, &zip, &len) != 0)
		return DF_ENOMEM;
	m = (struct membuf){ zip, len, 0 };
	rc = blob_receive(cfg->storage_dir, mem_read, &m, len, &tmp);
	free(zip);
	if (rc != 0)
		return rc;
	memset(&rep, 0, sizeof(rep));
	rc = pkg_check_file(tmp.path, v->slug, v->version, &rep);
	if (rc == 0 && !rep.ok) {
		fprintf(stderr, "demo-packages: %s %s: %s\n", v->slug,
			v->version, rep.message);
		rc = DF_EINVAL;
	}
	if (rc == 0)
		rc = blob_commit(cfg->storage_dir, &tmp);
	blob_discard(&tmp);
	if (rc == 0) {
		checks = json_object_to_json_string_ext(rep.checks,
			JSON_C_TO_STRING_PLAIN);
		rc = store_ver_fill_package(v->id, checks, tmp.sha256,
			(int64_t)tmp.size);
	}
	pkg_report_free(&rep);
	return rc;
}

int ctl_packages_demo(const struct config *cfg)
{
	struct store_version *vers;
	struct arena *a;
	size_t n, i, done = 0;
	int rc;

	if (db_init(cfg) != 0)
		return 1;
	a = arena_new(65536);
	if (a == NULL) {
		db_close();
		return 1;
	}
	rc = store_ver_without_package(a, &vers, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = fill_one(cfg, &vers[i]);
		if (rc == 0)
			done++;
	}
	if (rc != 0)
		fprintf(stderr, "demo-packages: %s\n", df_strerror(rc));
	else
		printf("demo-packages: %zu package(s) built and stored\n", done);
	arena_free(a);
	db_close();
	return rc == 0 ? 0 : 1;
}
