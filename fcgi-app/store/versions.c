/* SQL for extension versions. Every state change is one conditional
 * UPDATE naming the states it may leave, so two clicks (or an owner and
 * an admin) racing cannot both move a version: the second finds no row in
 * the expected state and gets DF_ECONFLICT. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/tx.h"
#include "store/versions.h"

#define VER_COLUMNS \
	"v.id, v.extension_id, e.slug, v.version, v.changelog, v.engine," \
	" v.status, v.package_sha256, v.package_size, v.checks," \
	" COALESCE(v.checks_passed, -1), v.reject_reason," \
	" DATE_FORMAT(v.created_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(v.uploaded_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(v.submitted_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(v.reviewed_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(v.published_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(v.yanked_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" v.yank_reason, v.downloads"
/* VER_COLUMNS without what only an owner or admin sees (checks JSON,
 * reject reason, upload, submission and review times: NULL), in the
 * same places, for answers to anyone: the checks alone are about 900
 * bytes a version. */
#define VER_PUBLIC_COLUMNS \
	"v.id, v.extension_id, e.slug, v.version, v.changelog, v.engine," \
	" v.status, v.package_sha256, v.package_size, NULL," \
	" COALESCE(v.checks_passed, -1), NULL," \
	" DATE_FORMAT(v.created_at, '%Y-%m-%dT%H:%i:%sZ'), NULL, NULL, NULL," \
	" DATE_FORMAT(v.published_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(v.yanked_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" v.yank_reason, v.downloads"
#define VER_FROM \
	" FROM extension_versions v JOIN extensions e ON e.id = v.extension_id"

static void ver_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_version *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	o->extension_id = db_int(res, row, 1, 0);
	o->slug = db_str(res, row, 2);
	o->version = db_str(res, row, 3);
	o->changelog = db_str(res, row, 4);
	o->engine = db_str(res, row, 5);
	o->status = db_str(res, row, 6);
	o->package_sha256 = db_str(res, row, 7);
	o->package_size = db_int(res, row, 8, 0);
	o->checks = db_str(res, row, 9);
	o->checks_passed = (int)db_int(res, row, 10, -1);
	o->reject_reason = db_str(res, row, 11);
	o->created_at = db_str(res, row, 12);
	o->uploaded_at = db_str(res, row, 13);
	o->submitted_at = db_str(res, row, 14);
	o->reviewed_at = db_str(res, row, 15);
	o->published_at = db_str(res, row, 16);
	o->yanked_at = db_str(res, row, 17);
	o->yank_reason = db_str(res, row, 18);
	o->downloads = db_int(res, row, 19, 0);
}

static int ver_rows(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, struct store_version **out,
	size_t *n)
{
	void *rows;
	int rc;

	rc = store_rows(a, sql, p, np, sizeof(**out), ver_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_ver_list(struct arena *a, int64_t extension_id, int published_only,
	struct store_version **out, size_t *n)
{
	static const char sql[] = "SELECT " VER_COLUMNS VER_FROM
		" WHERE v.extension_id = ? AND (? = 0 OR v.status = 'published')"
		" ORDER BY v.id";

	return ver_rows(a, sql, DBP(DB_INT(extension_id),
		DB_INT(published_only)), out, n);
}

int store_ver_get(struct arena *a, int64_t extension_id, const char *version,
	struct store_version *out)
{
	static const char sql[] = "SELECT " VER_COLUMNS VER_FROM
		" WHERE v.extension_id = ? AND v.version = ?";
	struct store_version *rows;
	size_t n;
	int rc;

	rc = ver_rows(a, sql, DBP(DB_INT(extension_id), DB_STR(version)),
		&rows, &n);
	if (rc != 0)
		return rc;
	if (n != 1)
		return DF_ENOTFOUND;
	*out = rows[0];
	return 0;
}

int store_ver_create(struct arena *a, int64_t extension_id,
	const char *version, const char *changelog, const char *engine,
	struct store_version *out)
{
	static const char sql[] =
		"INSERT INTO extension_versions (extension_id, version, changelog,"
		" engine, status, created_at)"
		" VALUES (?, ?, ?, ?, 'draft', UTC_TIMESTAMP(6))";
	int rc;

	rc = db_exec(sql, DBP(DB_INT(extension_id), DB_STR(version),
		DB_STR(changelog), DB_STR(engine)), NULL, NULL);
	if (rc != 0)
		return rc;
	return store_ver_get(a, extension_id, version, out);
}

/* Runs a state change; no row changed means the version was not in a
 * state the change may leave. */
static int change(const char *sql, const struct db_param *p, size_t np)
{
	return store_exec_one(sql, p, np, DF_ECONFLICT);
}

int store_ver_set_package(int64_t id, const char *checks_json, int passed,
	const char *sha256, int64_t size)
{
	static const char sql[] =
		"UPDATE extension_versions SET checks = ?, checks_passed = ?,"
		" package_sha256 = ?, package_size = ?,"
		" uploaded_at = UTC_TIMESTAMP(6), status = 'draft',"
		" reject_reason = NULL"
		" WHERE id = ? AND status IN ('draft', 'rejected')";

	return change(sql, DBP(DB_STR(checks_json), DB_INT(passed != 0),
		DB_STR(sha256), sha256 != NULL ? DB_INT(size) : DB_NULL(),
		DB_INT(id)));
}

int store_ver_submit(int64_t id)
{
	static const char sql[] =
		"UPDATE extension_versions SET status = 'pending_review',"
		" submitted_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND status = 'draft'"
		" AND package_sha256 IS NOT NULL";

	return change(sql, DBP(DB_INT(id)));
}

int store_ver_review(int64_t id, int approve, const char *reason,
	const char *reviewer_pid)
{
	static const char sql[] =
		"UPDATE extension_versions SET"
		" status = IF(?, 'published', 'rejected'),"
		" reject_reason = ?, reviewed_by = ?,"
		" reviewed_at = UTC_TIMESTAMP(6),"
		" published_at = IF(?, UTC_TIMESTAMP(6), NULL)"
		" WHERE id = ? AND status = 'pending_review'";

	return change(sql, DBP(DB_INT(approve != 0),
		approve ? DB_NULL() : DB_STR(reason), DB_STR(reviewer_pid),
		DB_INT(approve != 0), DB_INT(id)));
}

int store_ver_yank(int64_t id, const char *reason)
{
	static const char sql[] =
		"UPDATE extension_versions SET yanked_at = UTC_TIMESTAMP(6),"
		" yank_reason = ?"
		" WHERE id = ? AND status = 'published' AND yanked_at IS NULL";

	return change(sql, DBP(DB_STR(reason), DB_INT(id)));
}

int store_ver_queue(struct arena *a, int64_t after, int64_t limit,
	struct store_version **out, size_t *n)
{
	/* The cursor is the row id; submission order and id order differ
	 * only for resubmitted versions, and a keyset on the id keeps
	 * pages free of repeats. */
	static const char sql[] = "SELECT " VER_COLUMNS VER_FROM
		" WHERE v.status = 'pending_review' AND v.id > ?"
		" ORDER BY v.id LIMIT ?";

	return ver_rows(a, sql, DBP(DB_INT(after), DB_INT(limit + 1)), out, n);
}

int store_ver_download(int64_t extension_id, int64_t version_id,
	int64_t user_id)
{
	static const char sql[] =
		"INSERT INTO extension_downloads (extension_id, version_id,"
		" user_id, at) VALUES (?, ?, ?, UTC_TIMESTAMP(6))";

	return db_exec(sql, DBP(DB_INT(extension_id), DB_INT(version_id),
		DB_INT(user_id)), NULL, NULL);
}

int store_ver_downloaded(struct arena *a, int64_t extension_id,
	int64_t user_id)
{
	static const char sql[] =
		"SELECT 1 FROM extension_downloads"
		" WHERE extension_id = ? AND user_id = ? LIMIT 1";
	struct db_result res;
	int rc;

	rc = db_query(a, sql, DBP(DB_INT(extension_id), DB_INT(user_id)), &res);
	if (rc != 0)
		return rc;
	return res.nrows > 0;
}

static void cand_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_ver_cand *o = out;

	o->ord = (size_t)db_int(res, row, 0, 1) - 1;
	o->id = db_int(res, row, 1, 0);
	o->version = db_str(res, row, 2);
	o->engine = db_str(res, row, 3);
}

int store_ver_candidates(struct arena *a, const char *slugs_json,
	struct store_ver_cand **out, size_t *n)
{
	/* JSON_TABLE turns the bound array into rows: one statement for any
	 * number of extensions, and no SQL text built from the input. Only
	 * the four columns the choice reads: the full rows (change logs,
	 * checks, dates) of ten versions per extension were most of the
	 * bytes, for the one version per extension that is answered
	 * (store_ver_published_by_ids). STRAIGHT_JOIN keeps the list
	 * driving; both indexes of migration 0008 cover what is read, so
	 * no table row is touched (the optimizer prefers the unique slug
	 * index, which is not covering: hence FORCE INDEX). */
	static const char sql[] = "SELECT j.ord, v.id, v.version, v.engine"
		" FROM JSON_TABLE(?, '$[*]' COLUMNS (ord FOR ORDINALITY,"
		"   slug VARCHAR(64) CHARACTER SET ascii PATH '$')) j"
		" STRAIGHT_JOIN extensions e"
		"   FORCE INDEX (idx_extensions_slug_status) ON e.slug = j.slug"
		" STRAIGHT_JOIN extension_versions v"
		"   FORCE INDEX (idx_extension_versions_update)"
		"   ON v.extension_id = e.id"
		" WHERE e.status = 'published' AND v.status = 'published'"
		" AND v.yanked_at IS NULL";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_STR(slugs_json)), sizeof(**out),
		cand_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_ver_published_by_ids(struct arena *a, const char *ids_json,
	struct store_version **out, size_t *n)
{
	/* Still published and not yanked: one yanked between the choice
	 * and this read is not offered. The public columns: an update is
	 * shown as anyone sees the version. */
	static const char sql[] = "SELECT " VER_PUBLIC_COLUMNS
		" FROM JSON_TABLE(?, '$[*]' COLUMNS (vid BIGINT PATH '$')) j"
		" STRAIGHT_JOIN extension_versions v ON v.id = j.vid"
		" STRAIGHT_JOIN extensions e ON e.id = v.extension_id"
		" WHERE e.status = 'published' AND v.status = 'published'"
		" AND v.yanked_at IS NULL";

	return ver_rows(a, sql, DBP(DB_STR(ids_json)), out, n);
}

int store_ver_package_used(struct arena *a, const char *sha256)
{
	static const char sql[] =
		"SELECT 1 FROM extension_versions WHERE package_sha256 = ? LIMIT 1";
	struct db_result res;
	int rc;

	rc = db_query(a, sql, DBP(DB_STR(sha256)), &res);
	if (rc != 0)
		return rc;
	return res.nrows > 0;
}

int store_ver_without_package(struct arena *a, struct store_version **out,
	size_t *n)
{
	/* Not the generated catalogue's (demo-catalogue, gen-*): hundreds
	 * of thousands of versions that only the benchmark reads. */
	static const char sql[] = "SELECT " VER_COLUMNS VER_FROM
		" WHERE v.package_sha256 IS NULL"
		" AND v.status IN ('published', 'pending_review')"
		" AND e.slug NOT LIKE 'gen-%' ORDER BY v.id";

	return ver_rows(a, sql, NULL, 0, out, n);
}

int store_ver_fill_package(int64_t id, const char *checks_json,
	const char *sha256, int64_t size)
{
	static const char sql[] =
		"UPDATE extension_versions SET checks = ?, checks_passed = 1,"
		" package_sha256 = ?, package_size = ?,"
		" uploaded_at = COALESCE(uploaded_at, created_at)"
		" WHERE id = ? AND package_sha256 IS NULL";

	return change(sql, DBP(DB_STR(checks_json), DB_STR(sha256),
		DB_INT(size), DB_INT(id)));
}
