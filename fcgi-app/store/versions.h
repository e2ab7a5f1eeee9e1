/* SQL for extension versions: creation, the package record of an upload,
 * submission, the admin review queue and decision, yanking, the download
 * log and the candidates of an update check. SemVer order is the api
 * layer's business (core/semver): rows come back in insertion order. */
#ifndef DF_STORE_VERSIONS_H
#define DF_STORE_VERSIONS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

struct store_version {
	int64_t id;                 /* row id: never shown */
	int64_t extension_id;
	const char *slug;           /* the extension's */
	const char *version;
	const char *changelog;
	const char *engine;
	const char *status;         /* draft, pending_review, published,
	                               rejected */
	const char *package_sha256; /* hex; NULL before a passing upload */
	int64_t package_size;
	const char *checks;         /* JSON array text or NULL */
	int checks_passed;          /* -1 before any upload */
	const char *reject_reason;
	const char *created_at;     /* RFC 3339 UTC; NULL when not yet */
	const char *uploaded_at;
	const char *submitted_at;
	const char *reviewed_at;
	const char *published_at;
	const char *yanked_at;
	const char *yank_reason;
	int64_t downloads;
};

/* Every version of extension_id (published_only: only published ones),
 * yanked included. */
DF_MUST_CHECK int store_ver_list(struct arena *a, int64_t extension_id, int published_only,
	struct store_version **out, size_t *n);
/* One version by its exact string. DF_ENOTFOUND. */
DF_MUST_CHECK int store_ver_get(struct arena *a, int64_t extension_id, const char *version,
	struct store_version *out);
/* A new draft version. DF_ECONFLICT when the string exists already. */
DF_MUST_CHECK int store_ver_create(struct arena *a, int64_t extension_id,
	const char *version, const char *changelog, const char *engine,
	struct store_version *out);

/* Records an upload's checks, and when they passed its package (sha256
 * NULL otherwise), on a version that is draft or rejected (a new upload
 * makes a rejected version a draft again). DF_ECONFLICT in any other
 * state. */
DF_MUST_CHECK int store_ver_set_package(int64_t id, const char *checks_json, int passed,
	const char *sha256, int64_t size);
/* draft with a package -> pending_review. DF_ECONFLICT otherwise: a
 * rejected version goes back to review only through a new upload (which
 * makes it a draft again), never with the package an admin refused. */
DF_MUST_CHECK int store_ver_submit(int64_t id);
/* pending_review -> published (approve) or rejected with reason.
 * DF_ECONFLICT when not pending. */
DF_MUST_CHECK int store_ver_review(int64_t id, int approve, const char *reason,
	const char *reviewer_pid);
/* Marks a published version yanked. DF_ECONFLICT when it is not
 * published or yanked already. */
DF_MUST_CHECK int store_ver_yank(int64_t id, const char *reason);

/* The admin review queue, oldest submission first, after row id after
 * (the cursor), at most limit + 1 rows. */
DF_MUST_CHECK int store_ver_queue(struct arena *a, int64_t after, int64_t limit,
	struct store_version **out, size_t *n);

/* Logs a signed-in user's download (user_id > 0) in extension_downloads,
 * which says who may review and who keeps an archived extension; the
 * handler logs only a user's first one. Counting is store/downloads.h. */
DF_MUST_CHECK int store_ver_download(int64_t extension_id, int64_t version_id,
	int64_t user_id);
/* 1 when user_id downloaded extension_id, 0 when not. */
DF_MUST_CHECK int store_ver_downloaded(struct arena *a, int64_t extension_id,
	int64_t user_id);

/* An update-check candidate: only what the choice needs. */
struct store_ver_cand {
	size_t ord;                 /* 0-based index of its slug in the list */
	int64_t id;
	const char *version;
	const char *engine;
};

/* Update-check candidates: the published, non-yanked versions of the
 * published extensions whose slugs are in slugs_json (a JSON array of
 * strings), in one query, each tagged with the position of its slug
 * (a slug listed twice gets its candidates twice). No order. */
DF_MUST_CHECK int store_ver_candidates(struct arena *a, const char *slugs_json,
	struct store_ver_cand **out, size_t *n);
/* The rows of the versions whose ids are in ids_json (a JSON array of
 * integers) that are still published and not yanked, in one query, as
 * anyone may see them: checks, reject_reason, uploaded_at, submitted_at
 * and reviewed_at are NULL. No order. */
DF_MUST_CHECK int store_ver_published_by_ids(struct arena *a, const char *ids_json,
	struct store_version **out, size_t *n);

/* Versions that should have a package and have none (the demo
 * catalogue's: published or pending review without a digest; not those
 * of a generated catalogue, whose slugs begin with "gen-"), for
 * devforgectl demo-packages. */
DF_MUST_CHECK int store_ver_without_package(struct arena *a, struct store_version **out,
	size_t *n);
/* Records a package on a version that has none, whatever its state. */
DF_MUST_CHECK int store_ver_fill_package(int64_t id, const char *checks_json,
	const char *sha256, int64_t size);

/* Whether any stored version still references the package sha256 (so
 * a file is deleted only when nothing points to it). 1, 0 or a negative
 * df_err. */
DF_MUST_CHECK int store_ver_package_used(struct arena *a, const char *sha256);

#endif
