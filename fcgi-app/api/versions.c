/* Stores: extensions, licenses, payments, tx, versions. */
/* Extension versions: a developer creates one, uploads its package
 * (streamed to disk, checked, stored by SHA-256) and submits it; an admin
 * approves (publishing it) or rejects it from the review queue; an owner
 * or admin yanks a bad release. Downloads are authorised and counted
 * here, then the front server sends the file (X-Sendfile). Update checks
 * answer a whole installed set with one query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "blob.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "pkg.h"
#include "problem.h"
#include "semver.h"
#include "validate.h"
#include "store/extensions.h"
#include "store/licenses.h"
#include "store/payments.h"
#include "store/tx.h"
#include "store/versions.h"

#define UPDATES_MAX 500   /* installed extensions in one update check */

static int v_semver(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		semver_valid(json_object_get_string(v)),
		"must be a SemVer 2.0 version such as 1.4.0 or 2.0.0-beta.1");
}

static int v_range(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		semver_range_valid(json_object_get_string(v)),
		"must be a SemVer range of IDE versions such as ^1.80.0 or "
		">=2.0.0 <3.0.0");
}

static const struct json_field create_fields[] = {
	{ .name = "version", .type = JF_STRING, .required = 1, .min = 1,
	  .max = SEMVER_MAX_LEN, .validate = v_semver },
	{ .name = "changelog", .type = JF_STRING, .max = 20000,
	  .validate = api_v_text },
	{ .name = "engine", .type = JF_STRING, .required = 1, .min = 1,
	  .max = SEMVER_RANGE_MAX_LEN, .validate = v_range },
};

static const struct json_field reason_fields[] = {
	{ .name = "reason", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 2000, .validate = api_v_notes },
};

static const struct json_field yank_fields[] = {
	{ .name = "reason", .type = JF_STRING, .min = 1, .max = 1000,
	  .validate = api_v_notes, .nullable = 1 },
};

static const struct json_field updates_fields[] = {
	{ .name = "installed", .type = JF_ARRAY, .required = 1,
	  .max = UPDATES_MAX },
	{ .name = "engine", .type = JF_STRING, .required = 1, .min = 1,
	  .max = SEMVER_MAX_LEN, .validate = v_semver },
};

static const struct json_field installed_fields[] = {
	{ .name = "slug", .type = JF_STRING, .required = 1, .min = 3,
	  .max = 64 },
	{ .name = "version", .type = JF_STRING, .required = 1, .min = 1,
	  .max = SEMVER_MAX_LEN, .validate = v_semver },
};

/* --- the version as clients see it */

static const char *download_url(struct request *req, const char *slug,
	const char *version)
{
	return arena_printf(req->arena,
		"/api/v1/extensions/%s/versions/%s/download", slug, version);
}

/* {version, changelog, engine, status, yanked, yanked_at, yank_reason,
 * package:{sha256, size}|null, downloads, created_at, published_at,
 * download_url}; the manager view adds the checks, the review state and
 * the times of upload and submission. */
static struct json_object *version_json(struct request *req,
	const struct store_version *v, int manager_view)
{
	struct json_object *o = json_new_object(req), *pkg = NULL;
	int published = strcmp(v->status, "published") == 0;

	if (o == NULL)
		return NULL;
	if (v->package_sha256 != NULL) {
		pkg = json_new_object(req);
		if (pkg == NULL || json_set(o, "package", pkg) ||
		    json_set_str(pkg, "sha256", v->package_sha256) ||
		    json_set_int(pkg, "size", v->package_size))
			return NULL;
	} else if (json_set(o, "package", NULL)) {
		return NULL;
	}
	if (json_set_str(o, "version", v->version) ||
	    json_set_str(o, "changelog", v->changelog) ||
	    json_set_str(o, "engine", v->engine) ||
	    json_set_str(o, "status", v->status) ||
	    json_set_bool(o, "yanked", v->yanked_at != NULL) ||
	    json_set_str(o, "yanked_at", v->yanked_at) ||
	    json_set_str(o, "yank_reason", v->yank_reason) ||
	    json_set_int(o, "downloads", v->downloads) ||
	    json_set_str(o, "created_at", v->created_at) ||
	    json_set_str(o, "published_at", v->published_at) ||
	    json_set_str(o, "download_url", published || manager_view ?
		download_url(req, v->slug, v->version) : NULL))
		return NULL;
	if (manager_view) {
		struct json_object *checks = NULL;

		if (v->checks != NULL)
			checks = json_own(req, json_tokener_parse(v->checks));
		if (json_set(o, "checks", checks) ||
		    json_set_str(o, "reject_reason", v->reject_reason) ||
		    json_set_str(o, "uploaded_at", v->uploaded_at) ||
		    json_set_str(o, "submitted_at", v->submitted_at) ||
		    json_set_str(o, "reviewed_at", v->reviewed_at))
			return NULL;
	}
	return o;
}

static int answer_version(struct request *req, int status,
	const struct store_version *v, int manager_view)
{
	struct json_object *o = version_json(req, v, manager_view);

	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

/* After a committed change of v: the marketplace generation moves on,
 * and the owner or admin gets the version as it is now. */
static int answer_changed(struct request *req, const struct store_ext *e,
	struct store_version *v)
{
	int rc;

	api_market_changed();
	rc = store_ver_get(req->arena, e->id, v->version, v);
	if (rc != 0)
		return rc;
	return answer_version(req, 200, v, 1);
}

/* The route's extension (loaded by api_ext_load with manage and
 * owner_only) and its {version}. Non-managers see published versions
 * only; anything else is not found. */
static int load_version(struct request *req, int manage, int owner_only,
	struct store_ext *e, struct store_version *out)
{
	const char *ver = router_param(req, "version");
	int rc;

	rc = api_ext_load(req, manage, owner_only, e);
	if (rc != 0)
		return rc;
	if (!semver_valid(ver))
		return DF_ENOTFOUND;
	rc = store_ver_get(req->arena, e->id, ver, out);
	if (rc != 0)
		return rc;
	if (!api_ext_manager(req, e) && strcmp(out->status, "published") != 0)
		return DF_ENOTFOUND;
	return 0;
}

/* --- SemVer order */

struct ranked {
	struct semver sv;
	const struct store_version *v;
};

static int ranked_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return semver_cmp(&y->sv, &x->sv);
}

/* Sorts vers newest SemVer first into an arena array (rows whose string
 * does not parse, which creation prevents, are left out). */
static struct ranked *rank(struct request *req, const struct store_version *vers,
	size_t n, size_t *out_n)
{
	struct ranked *r;
	size_t i, k = 0;

	*out_n = 0;
	r = arena_calloc(req->arena, n > 0 ? n : 1, sizeof(*r));
	if (r == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (semver_parse(vers[i].version, &r[k].sv) != 0)
			continue;
		r[k++].v = &vers[i];
	}
	qsort(r, k, sizeof(*r), ranked_desc);
	*out_n = k;
	return r;
}

/* Inside the caller's transaction: sets the extension's latest_version
 * to its newest published, non-yanked version. */
static int refresh_latest(struct request *req, int64_t ext_id)
{
	struct store_version *vers;
	struct ranked *r;
	const char *latest = NULL;
	size_t n, k, i;
	int rc;

	rc = store_ver_list(req->arena, ext_id, 1, &vers, &n);
	if (rc != 0)
		return rc;
	r = rank(req, vers, n, &k);
	if (r == NULL)
		return DF_ENOMEM;
	for (i = 0; i < k && latest == NULL; i++)
		if (r[i].v->yanked_at == NULL)
			latest = r[i].v->version;
	return store_ext_set_latest(ext_id, latest);
}

/* --- routes */

static int ver_create(struct request *req)
{
	struct store_version *vers, v;
	struct semver want, have;
	struct store_ext e;
	const char *ver, *why;
	size_t n, i;
	int rc;

	ver = json_get_str(req->json, "version", NULL);
	if (semver_parse(ver, &want) != 0)
		return DF_EINVAL;
	rc = api_ext_load(req, 1, 1, &e);
	if (rc != 0)
		return rc;
	/* The lock makes the precedence check and the insert one step:
	 * 1.0.0+a and 1.0.0+b are the same version to SemVer. */
	rc = api_ext_begin_write(req, &e, API_EXT_ADDS, &why);
	if (rc == 0)
		rc = store_ver_list(req->arena, e.id, 0, &vers, &n);
	for (i = 0; rc == 0 && i < n; i++)
		if (semver_parse(vers[i].version, &have) == 0 &&
		    semver_cmp(&have, &want) == 0)
			rc = DF_ECONFLICT;
	if (rc == 0)
		rc = store_ver_create(req->arena, e.id, ver,
			json_get_str(req->json, "changelog", ""),
			json_get_str(req->json, "engine", NULL), &v);
	rc = store_tx_end(rc);
	if (why != NULL)
		return problem_send(req, 409, NULL, why);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL, "That version exists "
			"already (versions differing only in build metadata "
			"count as the same).");
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Location", arena_printf(req->arena,
	    "/api/v1/extensions/%s/versions/%s", e.slug, v.version)) != 0)
		return DF_ENOMEM;
	return answer_version(req, 201, &v, 1);
}

#define VER_CURSOR_KIND "ver."

static const struct query_param ver_list_query[] = {
	{ .name = "limit", .kind = QP_LIMIT },
};

/* The route's check: a cursor of this list names the version the
 * previous page ended at (req->checked, for the handler). */
static int ver_list_check(struct request *req)
{
	const char *cursor = http_query(req, "cursor");
	unsigned char raw[SEMVER_MAX_LEN + 8];
	struct semver *after;
	size_t cl;
	long dn = -1;

	if (cursor == NULL)
		return 0;
	after = arena_calloc(req->arena, 1, sizeof(*after));
	if (after == NULL)
		return DF_ENOMEM;
	cl = strlen(cursor);
	if (cl > 0 && cl <= ((SEMVER_MAX_LEN + 4) * 4) / 3)
		dn = crypto_b64url_decode(cursor, cl, raw);
	if (dn > 4 && dn < (long)sizeof(raw)) {
		raw[dn] = '\0';
		if (memcmp(raw, VER_CURSOR_KIND, 4) == 0 &&
		    semver_parse((const char *)raw + 4, after) == 0) {
			req->checked = after;
			return 0;
		}
	}
	problem_add_error(req, "cursor", "invalid_format",
		"must be a next_cursor this list returned");
	return 0;
}

static int ver_list(struct request *req)
{
	const struct semver *after = req->checked;
	struct store_version *vers;
	struct json_object *o, *items;
	struct ranked *r;
	struct store_ext e;
	const char *next = NULL;
	int64_t lim = req->q.limit;
	size_t n, k, i, shown = 0;
	int rc, mgr;

	rc = api_ext_load(req, 0, 0, &e);
	if (rc != 0)
		return rc;
	mgr = api_ext_manager(req, &e);
	rc = store_ver_list(req->arena, e.id, !mgr, &vers, &n);
	if (rc != 0)
		return rc;
	r = rank(req, vers, n, &k);
	if (r == NULL)
		return DF_ENOMEM;
	o = api_list_new(req, &items);
	if (o == NULL)
		return DF_ENOMEM;
	for (i = 0; i < k; i++) {
		struct json_object *it;

		if (after != NULL && semver_cmp(&r[i].sv, after) >= 0)
			continue;
		if (shown == (size_t)lim) {
			next = arena_printf(req->arena, VER_CURSOR_KIND "%s",
				r[i - 1].v->version);
			break;
		}
		it = version_json(req, r[i].v, mgr);
		if (api_list_add(items, it) != 0)
			return DF_ENOMEM;
		shown++;
	}
	if (next != NULL && (next = api_cursor_encode(req, next)) == NULL)
		return DF_ENOMEM;
	rc = api_list_send(req, o, next);
	if (rc == 0 && !mgr)
		http_set_cacheable(req);
	return rc;
}

static int ver_get(struct request *req)
{
	struct store_version v;
	struct store_ext e;
	int rc, mgr;

	rc = load_version(req, 0, 0, &e, &v);
	if (rc != 0)
		return rc;
	mgr = api_ext_manager(req, &e);
	rc = answer_version(req, 200, &v, mgr);
	if (rc == 0 && !mgr)
		http_set_cacheable(req);
	return rc;
}

static int is_zip_type(const char *ct)
{
	size_t n = strlen("application/zip");

	return ct != NULL && strncasecmp(ct, "application/zip", n) == 0 &&
		(ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Removes the stored file of sha256 once no version points to it. */
static void drop_if_unused(struct request *req, const char *sha256)
{
	if (sha256 != NULL &&
	    store_ver_package_used(req->arena, sha256) == 0 &&
	    blob_remove(req->cfg->storage_dir, sha256) != 0)
		log_req_msg(req, LOG_WARN, "unused package %s left in storage",
			sha256);
}

static int ver_package(struct request *req)
{
	struct store_version v;
	struct store_ext e;
	struct pkg_report rep;
	struct blob_tmp tmp;
	const char *checks, *old, *why;
	int rc;

	if (!is_zip_type(req->content_type))
		return problem_send(req, 415, NULL, "A package is sent as "
			"application/zip.");
	rc = load_version(req, 1, 1, &e, &v);
	if (rc != 0)
		return rc;
	/* Refused before the body is read; checked again under the lock
	 * below, where it counts. */
	why = api_ext_frozen(req, &e, API_EXT_ADDS);
	if (why != NULL)
		return problem_send(req, 409, NULL, why);
	if (strcmp(v.status, "draft") != 0 && strcmp(v.status, "rejected") != 0)
		return problem_send(req, 409, NULL, "The version was submitted "
			"already: its package can no longer change.");
	old = v.package_sha256;

	/* Streamed to disk and hashed on the way: the body never sits in
	 * memory. */
	rc = blob_receive(req->cfg->storage_dir, router_read_body, req,
		req->content_length, &tmp);
	if (rc == DF_EIO)
		return problem_send(req, 400, NULL, "The request body is "
			"shorter than its Content-Length.");
	if (rc != 0)
		return rc;
	memset(&rep, 0, sizeof(rep));
	rc = pkg_check_file(tmp.path, e.slug, v.version, &rep);
	if (rc != 0) {
		blob_discard(&tmp);
		pkg_report_free(&rep);
		return rc;
	}
	checks = json_object_to_json_string_ext(rep.checks,
		JSON_C_TO_STRING_PLAIN);
	checks = arena_strdup(req->arena, checks != NULL ? checks : "[]");
	if (rep.ok)
		rc = blob_commit(req->cfg->storage_dir, &tmp);
	blob_discard(&tmp);
	if (rc == 0) {
		rc = api_ext_begin_write(req, &e, API_EXT_ADDS, &why);
		if (rc == 0)
			rc = store_ver_set_package(v.id, checks, rep.ok,
				rep.ok ? tmp.sha256 : NULL, (int64_t)tmp.size);
		rc = store_tx_end(rc);
	}
	if (rc != 0) {
		pkg_report_free(&rep);
		if (rep.ok)
			drop_if_unused(req, tmp.sha256);
		if (why != NULL)
			return problem_send(req, 409, NULL, why);
		if (rc == DF_ECONFLICT)
			return problem_send(req, 409, NULL, "The version was "
				"submitted meanwhile.");
		return rc;
	}
	if (old != NULL && (!rep.ok || strcmp(old, tmp.sha256) != 0))
		drop_if_unused(req, old);
	if (!rep.ok) {
		problem_add_error(req, "package", rep.failed, rep.message);
		pkg_report_free(&rep);
		return problem_send_validation(req);
	}
	pkg_report_free(&rep);
	return answer_changed(req, &e, &v);
}

/* Why a submission of v found it in no state to leave for review. */
static const char *submit_conflict(struct request *req,
	const struct store_version *v)
{
	const char *why;

	if (strcmp(v->status, "rejected") == 0) {
		why = arena_printf(req->arena, "This version was rejected by an "
			"administrator%s%s. Upload a new package, then submit it "
			"again.", v->reject_reason != NULL ? ": " : "",
			v->reject_reason != NULL ? v->reject_reason : "");
		return why != NULL ? why : "This version was rejected by an "
			"administrator. Upload a new package, then submit it again.";
	}
	if (strcmp(v->status, "draft") != 0)
		return "The version was submitted already.";
	return "Upload a package that passes the checks first.";
}

static int ver_submit(struct request *req)
{
	struct store_version v;
	struct store_ext e;
	const char *why;
	int rc;

	rc = load_version(req, 1, 1, &e, &v);
	if (rc != 0)
		return rc;
	rc = api_ext_begin_write(req, &e, API_EXT_ADDS, &why);
	if (rc == 0)
		rc = store_ver_submit(v.id);
	rc = store_tx_end(rc);
	if (why != NULL)
		return problem_send(req, 409, NULL, why);
	if (rc == DF_ECONFLICT) {
		/* Re-read: the state that refused it, not the one before. */
		if (store_ver_get(req->arena, e.id, v.version, &v) != 0)
			return problem_send(req, 409, NULL, "The version "
				"cannot be submitted in its present state.");
		return problem_send(req, 409, NULL, submit_conflict(req, &v));
	}
	if (rc != 0)
		return rc;
	return answer_changed(req, &e, &v);
}

static int ver_yank(struct request *req)
{
	struct store_version v;
	struct store_ext e;
	const char *reason, *why;
	int rc;

	reason = json_get_str(req->json, "reason", NULL);
	rc = load_version(req, 1, 0, &e, &v);
	if (rc != 0)
		return rc;
	/* Admins still yank in a suspended listing (moderation); its
	 * owner waits for the reinstatement like for every other change. */
	rc = api_ext_begin_write(req, &e, 0, &why);
	if (rc == 0)
		rc = store_ver_yank(v.id, reason);
	if (rc == 0)
		rc = refresh_latest(req, e.id);
	if (rc == 0)
		rc = api_market_audit(req, "extension.version_yanked", v.slug,
			v.version, reason);
	rc = store_tx_end(rc);
	if (why != NULL)
		return problem_send(req, 409, NULL, why);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL, "Only a published version "
			"that is not yanked yet can be yanked.");
	if (rc != 0)
		return rc;
	return answer_changed(req, &e, &v);
}

static int review(struct request *req, int approve)
{
	struct store_version v;
	struct store_ext e;
	const char *reason = NULL;
	int rc;

	if (!approve)
		reason = json_get_str(req->json, "reason", NULL);
	rc = load_version(req, 1, 0, &e, &v);
	if (rc != 0)
		return rc;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_ver_review(v.id, approve, reason, req->auth.sub);
	if (rc == 0 && approve)
		rc = store_ext_publish(e.id);
	if (rc == 0 && approve)
		rc = refresh_latest(req, e.id);
	if (rc == 0)
		rc = api_market_audit(req, approve ?
			"extension.version_approved" :
			"extension.version_rejected", v.slug, v.version, reason);
	rc = store_tx_end(rc);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL, "Only a version pending "
			"review can be approved or rejected.");
	if (rc != 0)
		return rc;
	return answer_changed(req, &e, &v);
}

static int ver_approve(struct request *req)
{
	return review(req, 1);
}

static int ver_reject(struct request *req)
{
	return review(req, 0);
}

static const struct query_param queue_list_query[] = {
	API_PAGE_ROWS("queue"),
};

/* A version in the review queue also names its extension. */
static struct json_object *queue_item(struct request *req, const void *row)
{
	const struct store_version *v = row;
	struct json_object *it = version_json(req, v, 1);

	if (it == NULL || json_set_str(it, "extension", v->slug) != 0)
		return NULL;
	return it;
}

static int queue_list(struct request *req)
{
	struct store_version *vers;
	size_t n;
	int rc;

	rc = store_ver_queue(req->arena, req->q.after, req->q.limit, &vers, &n);
	if (rc != 0)
		return rc;
	return api_list_page(req, "queue", vers, n, sizeof(*vers),
		offsetof(struct store_version, id), queue_item);
}

/* Who may download: free published extensions anyone; paid ones their
 * owner and admins (buyers once orders exist); an archived extension
 * those who downloaded it before (it stays available to them); suspended
 * and draft ones only their owner and admins. */
static int may_download(struct request *req, const struct store_ext *e,
	const struct store_version *v, int *why_status)
{
	int mgr = api_ext_manager(req, e), rc;

	*why_status = 404;
	if (mgr)
		return 1;
	if (strcmp(v->status, "published") != 0)
		return 0;
	if (strcmp(e->status, "archived") == 0) {
		if (api_caller_id(req) == 0)
			return 0;
		rc = store_ver_downloaded(req->arena, e->id, api_caller_id(req));
		if (rc < 0)
			return rc;
		if (rc == 0)
			return 0;
	} else if (strcmp(e->status, "published") != 0) {
		return 0;
	}
	if (e->price_amount > 0) {
		/* A paid extension: its buyers, while what they bought is
		 * active (a suspended entitlement, under a dispute, is not). */
		rc = store_pay_entitled(api_caller_id(req), e->id);
		if (rc != 0)
			return rc;
		/* Or a licence whose plan includes it (store/licenses.h:
		 * an expired one under perpetual fallback keeps the versions
		 * published before its expiry). */
		rc = store_lic_feature_download(api_caller_id(req), e->id,
			v->id, clock_now());
		if (rc != 0)
			return rc;
		*why_status = api_caller_id(req) == 0 ? 401 : 403;
		return 0;
	}
	return 1;
}

static int ver_download(struct request *req)
{
	const char *slug = router_param(req, "slug");
	const char *ver = router_param(req, "version");
	unsigned char digest[32];
	char path[BLOB_PATH_MAX], b64[48];
	struct store_version v;
	struct store_ext e;
	size_t i;
	int rc, status;

	if (!validate_slug(slug, 3, 64) || !semver_valid(ver))
		return DF_ENOTFOUND;
	rc = store_ext_get(req->arena, slug, &e);
	if (rc == 0)
		rc = store_ver_get(req->arena, e.id, ver, &v);
	if (rc != 0)
		return rc;
	rc = may_download(req, &e, &v, &status);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (status == 401)
			return DF_EAUTH;
		if (status == 403)
			return problem_send(req, 403, NULL, "This is a paid "
				"extension: it is downloadable by its buyers.");
		return DF_ENOTFOUND;
	}
	if (v.package_sha256 == NULL ||
	    blob_path(req->cfg->storage_dir, v.package_sha256, path,
	    sizeof(path)) != 0)
		return problem_send(req, 404, NULL, "This version has no "
			"package.");
	if (access(path, R_OK) != 0) {
		log_msg(LOG_ERROR, "download: package file %s missing", path);
		return problem_send(req, 404, NULL, "The package file is not "
			"available.");
	}
	/* A HEAD (a client checking size or digest) is not a download.
	 * The count is queued, not written, and changes no cache
	 * generation (api/downloads.c). A signed-in user's first download
	 * of the extension is logged at once, since it is what lets them
	 * review it (and keep an archived one): once per user, so it
	 * cannot be used to load the database. */
	if (req->method != HTTP_HEAD) {
		if (api_caller_id(req) > 0) {
			rc = store_ver_downloaded(req->arena, e.id,
				api_caller_id(req));
			if (rc == 0)
				rc = store_ver_download(e.id, v.id,
					api_caller_id(req));
			if (rc < 0)
				return rc;
		}
		rc = api_dl_record(req, e.id, v.id);
		if (rc != 0)
			return rc;
	}

	for (i = 0; i < 32; i++) {
		unsigned hi, lo;

		sscanf(v.package_sha256 + 2 * i, "%1x%1x", &hi, &lo);
		digest[i] = (unsigned char)(hi << 4 | lo);
	}
	EVP_EncodeBlock((unsigned char *)b64, digest, sizeof(digest));
	if (http_set_header(req, req->cfg->sendfile_header ==
	    CONFIG_SENDFILE_LIGHTTPD ? "X-LIGHTTPD-send-file" : "X-Sendfile",
	    path) ||
	    http_set_header(req, "Content-Disposition", arena_printf(req->arena,
	    "attachment; filename=\"%s-%s.zip\"", e.slug, v.version)) ||
	    http_set_header(req, "Repr-Digest", arena_printf(req->arena,
	    "sha-256=:%s:", b64)) ||
	    http_set_header(req, "Cache-Control", "private, no-store"))
		return DF_ENOMEM;
	/* The front server supplies the body and its length. */
	http_set_status(req, 200);
	req->resp.content_type = "application/zip";
	req->resp.omit_length = 1;
	return 0;
}

/* The route's check: each entry of a valid list is an object of
 * installed_fields (the list's own errors come alone). */
static int updates_check(struct request *req)
{
	if (problem_error_count(req) == 0)
		json_fields_check_each(req, req->json, "installed",
			installed_fields, JSON_NFIELDS(installed_fields),
			"must be an object {slug, version}");
	return 0;
}

/* qsort/bsearch order of full rows by id. */
static int ver_id_cmp(const void *a, const void *b)
{
	const struct store_version *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int updates(struct request *req)
{
	struct json_object *installed, *slugs, *o, *items;
	struct store_ver_cand *cand;
	struct store_version *full, key;
	struct semver ide, *have, best_sv, sv;
	struct semver_range range;
	const char *slugs_json;
	char *ids_json, *p;
	size_t n, ncand, nfull, i, j, *start, *by_ord;
	int64_t *chosen;
	int rc;

	installed = json_get(req->json, "installed");
	n = json_object_array_length(installed);
	if (semver_parse(json_get_str(req->json, "engine", NULL), &ide) != 0)
		return DF_EINVAL;
	have = arena_calloc(req->arena, n > 0 ? n : 1, sizeof(*have));
	chosen = arena_calloc(req->arena, n > 0 ? n : 1, sizeof(*chosen));
	start = arena_calloc(req->arena, n + 1, sizeof(*start));
	slugs = json_new_array(req);
	if (have == NULL || chosen == NULL || start == NULL || slugs == NULL)
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(installed, i);

		if (semver_parse(json_get_str(it, "version", ""), &have[i]) != 0)
			return DF_EINVAL;
		if (json_push_str(slugs, json_get_str(it, "slug", "")) != 0)
			return DF_ENOMEM;
	}
	slugs_json = json_object_to_json_string_ext(slugs,
		JSON_C_TO_STRING_PLAIN);
	if (slugs_json == NULL)
		return DF_ENOMEM;
	/* One query for the candidates of the whole set (id, version and
	 * engine only); the SemVer work happens here. */
	rc = store_ver_candidates(req->arena, slugs_json, &cand, &ncand);
	if (rc != 0)
		return rc;

	/* Group the candidates by installed entry (a counting sort on
	 * their slug's position): each entry reads its own, not all of
	 * them. */
	by_ord = arena_calloc(req->arena, ncand > 0 ? ncand : 1,
		sizeof(*by_ord));
	if (by_ord == NULL)
		return DF_ENOMEM;
	for (j = 0; j < ncand; j++)
		if (cand[j].ord < n)
			start[cand[j].ord + 1]++;
	for (i = 0; i < n; i++)
		start[i + 1] += start[i];
	{
		size_t *fill = arena_calloc(req->arena, n > 0 ? n : 1,
			sizeof(*fill));

		if (fill == NULL)
			return DF_ENOMEM;
		for (j = 0; j < ncand; j++)
			if (cand[j].ord < n)
				by_ord[start[cand[j].ord] +
					fill[cand[j].ord]++] = j;
	}

	/* The choice, then one query for the full rows of the chosen
	 * versions alone. */
	ids_json = arena_alloc(req->arena, n * 21 + 3);
	if (ids_json == NULL)
		return DF_ENOMEM;
	p = ids_json;
	*p++ = '[';
	for (i = 0; i < n; i++) {
		const struct store_ver_cand *best = NULL;

		for (j = start[i]; j < start[i + 1]; j++) {
			const struct store_ver_cand *c = &cand[by_ord[j]];

			if (semver_parse(c->version, &sv) != 0 ||
			    semver_cmp(&sv, &have[i]) <= 0 ||
			    /* pre-releases only for those on one already */
			    (sv.pre[0] != '\0' && have[i].pre[0] == '\0') ||
			    (best != NULL && semver_cmp(&sv, &best_sv) <= 0) ||
			    semver_range_parse(c->engine, &range) != 0 ||
			    !semver_range_match(&range, &ide))
				continue;
			best = c;
			best_sv = sv;
		}
		if (best == NULL)
			continue;
		chosen[i] = best->id;
		p += sprintf(p, p > ids_json + 1 ? ",%lld" : "%lld",
			(long long)best->id);
	}
	*p++ = ']';
	*p = '\0';
	full = NULL;
	nfull = 0;
	if (p - ids_json > 2) {
		rc = store_ver_published_by_ids(req->arena, ids_json, &full,
			&nfull);
		if (rc != 0)
			return rc;
		qsort(full, nfull, sizeof(*full), ver_id_cmp);
	}

	o = json_new_object(req);
	items = json_new_array(req);
	if (o == NULL || json_set(o, "updates", items) != 0)
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(installed, i);
		const struct store_version *best;
		struct json_object *u;

		if (chosen[i] == 0 || nfull == 0)
			continue;
		key.id = chosen[i];
		best = bsearch(&key, full, nfull, sizeof(*full), ver_id_cmp);
		if (best == NULL)
			continue;   /* yanked since the choice */
		u = version_json(req, best, 0);
		if (api_list_add(items, u) != 0)
			return DF_ENOMEM;
		if (json_set_str(u, "slug", json_get_str(it, "slug", "")) ||
		    json_set_str(u, "installed_version",
			json_get_str(it, "version", "")))
			return DF_ENOMEM;
	}
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/extensions/updates",
	  .handler = updates, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(updates_fields), .check = updates_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/extensions/{slug}/versions",
	  .handler = ver_create, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(create_fields) },
	{ .method = HTTP_GET, .pattern = "/api/v1/extensions/{slug}/versions",
	  .handler = ver_list, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_MARKET,
	  .query = QUERY_PARAMS(ver_list_query), .check = ver_list_check },
	{ .method = HTTP_GET,
	  .pattern = "/api/v1/extensions/{slug}/versions/{version}",
	  .handler = ver_get, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_MARKET },
	{ .method = HTTP_PUT,
	  .pattern = "/api/v1/extensions/{slug}/versions/{version}/package",
	  .handler = ver_package, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_STREAM },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/extensions/{slug}/versions/{version}/submit",
	  .handler = ver_submit, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/extensions/{slug}/versions/{version}/yank",
	  .handler = ver_yank, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(yank_fields) },
	{ .method = HTTP_GET,
	  .pattern = "/api/v1/extensions/{slug}/versions/{version}/download",
	  .handler = ver_download, .role = ROLE_NONE, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/review-queue",
	  .handler = queue_list, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(queue_list_query) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/extensions/{slug}/versions/{version}/approve",
	  .handler = ver_approve, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/extensions/{slug}/versions/{version}/reject",
	  .handler = ver_reject, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(reason_fields) },
};

const struct route_table api_versions_table = {
	"versions", routes, sizeof(routes) / sizeof(routes[0])
};
