/* Stores: extensions, tx, versions. */
/* Marketplace listings: categories, search and browse, one listing, and
 * a developer's create / edit / archive-or-delete, plus the admin's
 * suspend and reinstate. Public reads are cacheable (ETag, per-worker
 * cache); every write bumps the marketplace generation after it commits. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "blob.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "problem.h"
#include "validate.h"
#include "store/extensions.h"
#include "store/tx.h"
#include "store/versions.h"

#define PRICE_MAX 100000000 /* minor units: 1,000,000.00 */

static const char *const currencies[] = { "USD", "EUR", "GBP", NULL };

static int v_currency(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), currencies),
		"must be one of USD, EUR, GBP");
}

static int v_license(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_spdx_id(json_object_get_string(v)) != NULL,
		"must be an SPDX licence identifier (e.g. MIT, Apache-2.0) "
		"or LicenseRef-<name>");
}

static int v_slug(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg,
		validate_slug(json_object_get_string(v), 3, 64),
		"must be 3-64 of a-z, 0-9 and single hyphens, not at either "
		"end");
}

static int v_category(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_slug(json_object_get_string(v), 1, 32),
		"must be a category slug from GET /api/v1/categories");
}

/* Create and edit take the same fields; an edit takes no slug. */
#define LISTING_FIELDS \
	{ .name = "name", .type = JF_STRING, .required = 1, .min = 1, \
	  .max = 100, .validate = api_v_line }, \
	{ .name = "summary", .type = JF_STRING, .required = 1, .min = 1, \
	  .max = 200, .validate = api_v_line }, \
	{ .name = "description", .type = JF_STRING, .max = 20000, \
	  .validate = api_v_text }, \
	{ .name = "category", .type = JF_STRING, .required = 1, .min = 1, \
	  .max = 32, .validate = v_category }, \
	{ .name = "tags", .type = JF_ARRAY, .max = STORE_EXT_MAX_TAGS }, \
	{ .name = "price", .type = JF_OBJECT }, \
	{ .name = "license", .type = JF_STRING, .required = 1, .min = 1, \
	  .max = 64, .validate = v_license }, \
	{ .name = "homepage", .type = JF_STRING, .min = 1, .max = 2048, \
	  .validate = api_v_url, .nullable = 1 }, \
	{ .name = "repository", .type = JF_STRING, .min = 1, .max = 2048, \
	  .validate = api_v_url, .nullable = 1 }

static const struct json_field create_fields[] = {
	{ .name = "slug", .type = JF_STRING, .required = 1, .min = 3,
	  .max = 64, .validate = v_slug },
	LISTING_FIELDS
};

/* The same, nothing required. */
static const struct json_field edit_fields[] = {
	{ .name = "name", .type = JF_STRING, .min = 1, .max = 100,
	  .validate = api_v_line },
	{ .name = "summary", .type = JF_STRING, .min = 1, .max = 200,
	  .validate = api_v_line },
	{ .name = "description", .type = JF_STRING, .max = 20000,
	  .validate = api_v_text },
	{ .name = "category", .type = JF_STRING, .min = 1, .max = 32,
	  .validate = v_category },
	{ .name = "tags", .type = JF_ARRAY, .max = STORE_EXT_MAX_TAGS },
	{ .name = "price", .type = JF_OBJECT },
	{ .name = "license", .type = JF_STRING, .min = 1, .max = 64,
	  .validate = v_license },
	{ .name = "homepage", .type = JF_STRING, .min = 1, .max = 2048,
	  .validate = api_v_url, .nullable = 1 },
	{ .name = "repository", .type = JF_STRING, .min = 1, .max = 2048,
	  .validate = api_v_url, .nullable = 1 },
};

static const struct json_field price_fields[] = {
	{ .name = "amount", .type = JF_INT, .required = 1, .max = PRICE_MAX },
	{ .name = "currency", .type = JF_STRING, .required = 1, .min = 3,
	  .max = 3, .validate = v_currency },
};

static const struct json_field reason_fields[] = {
	{ .name = "reason", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 1000, .validate = api_v_notes },
};

/* Reads the listing fields of body into in (after the table check);
 * adds errors for the parts tables cannot say: each tag, duplicates, the
 * price object, an unknown category. */
static int read_listing(struct request *req, struct json_object *body,
	struct store_ext_input *in)
{
	struct json_object *tags = json_get(body, "tags");
	struct json_object *price = json_get(body, "price");
	const char *lic;
	size_t i, j, n;
	int rc;

	in->name = json_get_str(body, "name", NULL);
	in->summary = json_get_str(body, "summary", NULL);
	in->description = json_get_str(body, "description", NULL);
	in->category = json_get_str(body, "category", NULL);
	lic = json_get_str(body, "license", NULL);
	in->license = lic != NULL ? validate_spdx_id(lic) : NULL;
	if (json_object_object_get_ex(body, "homepage", NULL)) {
		in->set_homepage = 1;
		in->homepage = json_get_str(body, "homepage", NULL);
	}
	if (json_object_object_get_ex(body, "repository", NULL)) {
		in->set_repository = 1;
		in->repository = json_get_str(body, "repository", NULL);
	}
	if (json_object_is_type(tags, json_type_array)) {
		in->set_tags = 1;
		n = json_object_array_length(tags);
		for (i = 0; i < n && i < STORE_EXT_MAX_TAGS; i++) {
			struct json_object *t = json_object_array_get_idx(tags, i);
			const char *s = json_object_is_type(t, json_type_string) ?
				json_object_get_string(t) : NULL;
			char field[16];

			snprintf(field, sizeof(field), "tags[%zu]", i);
			if (!validate_slug(s, 1, 32)) {
				problem_add_error(req, field, "invalid_format",
					"must be 1-32 of a-z, 0-9 and single "
					"hyphens");
				continue;
			}
			for (j = 0; j < in->ntags; j++)
				if (strcmp(in->tags[j], s) == 0)
					break;
			if (j < in->ntags) {
				problem_add_error(req, field, "duplicate",
					"appears twice");
				continue;
			}
			in->tags[in->ntags++] = s;
		}
	}
	if (json_object_is_type(price, json_type_object) &&
	    json_fields_check_at(req, price, price_fields,
	    JSON_NFIELDS(price_fields), "price") == 0) {
		in->set_price = 1;
		in->price_amount = json_get_int(price, "amount", 0);
		in->price_currency = json_get_str(price, "currency", "USD");
	}
	if (in->category != NULL && validate_slug(in->category, 1, 32)) {
		rc = store_ext_category_exists(req->arena, in->category);
		if (rc < 0)
			return rc;
		if (rc == 0)
			problem_add_error(req, "category", "unknown",
				"is not a category of GET /api/v1/categories");
	}
	return 0;
}

static int answer_ext(struct request *req, int status,
	const struct store_ext *e)
{
	int mgr = api_ext_manager(req, e);
	struct json_object *o;
	int rc;

	/* A published listing reads the same for everyone (the manager
	 * fields are only for other states), so it may be cached. */
	o = api_ext_json(req, e, mgr && strcmp(e->status, "published") != 0);
	if (o == NULL)
		return DF_ENOMEM;
	rc = http_set_json(req, status, o);
	if (rc == 0 && status == 200 && strcmp(e->status, "published") == 0)
		http_set_cacheable(req);
	return rc;
}

/* After a committed change of e: the marketplace generation moves on,
 * and the owner or admin gets the listing as it is now. */
static int answer_changed(struct request *req, struct store_ext *e)
{
	int rc;

	api_market_changed();
	rc = store_ext_get(req->arena, e->slug, e);
	if (rc != 0)
		return rc;
	return answer_ext(req, 200, e);
}

/* --- reads */

static int categories_get(struct request *req)
{
	struct store_category *c;
	struct json_object *o, *items;
	size_t n, i;
	int rc;

	rc = store_ext_categories(req->arena, &c, &n);
	if (rc != 0)
		return rc;
	o = api_list_new(req, &items);
	if (o == NULL)
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_new_object(req);

		if (api_list_add(items, it) != 0)
			return DF_ENOMEM;
		if (json_set_str(it, "slug", c[i].slug) ||
		    json_set_str(it, "name", c[i].name) ||
		    json_set_str(it, "description", c[i].description) ||
		    json_set_int(it, "count", c[i].count))
			return DF_ENOMEM;
	}
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		http_set_cacheable(req);
	return rc;
}

static const char *const sort_names[STORE_EXT_SORT__MAX + 1] = {
	"relevance", "popular", "newest", "rating", "price", NULL
};

/* The list cursor: "ext.<sort>.<key>.<id>", base64url. */
static const char *cursor_make(struct request *req, enum store_ext_sort s,
	const struct store_ext *last)
{
	return api_cursor_keyed(req, "ext", (int)s, last->sort_key, last->id);
}

static int cursor_read(const char *cursor, struct store_ext_filter *f)
{
	int rc = api_cursor_keyed_read(cursor, "ext", (int)f->sort,
		&f->after_key, &f->after_id);

	if (rc == 0)
		f->has_after = 1;
	return rc;
}

static int q_slug(const char *s, size_t len)
{
	(void)len;
	return validate_slug(s, 1, 32);
}

static const char *const price_names[] = { "free", "paid", NULL };

static const struct query_param list_query[] = {
	{ .name = "q", .kind = QP_TEXT, .min = 1, .max = 200,
	  .valid = validate_text,
	  .message = "must be 1-200 characters of text" },
	{ .name = "category", .kind = QP_TEXT, .valid = q_slug,
	  .message = "must be a category slug" },
	{ .name = "tag", .kind = QP_TEXT, .valid = q_slug,
	  .message = "must be 1-32 of a-z, 0-9 and single hyphens" },
	{ .name = "price", .kind = QP_ENUM, .values = price_names,
	  .message = "must be free or paid" },
	{ .name = "min_rating", .kind = QP_NUMBER, .min = 0, .max = 5,
	  .message = "must be a number from 0 to 5" },
	{ .name = "sort", .kind = QP_ENUM, .values = sort_names,
	  .message = "must be relevance, popular, newest, rating or price" },
	{ .name = "limit", .kind = QP_LIMIT },
};

/* The route's check: what the table cannot say (relevance needs q, a
 * cursor belongs to its sort), and the filter for the handler
 * (req->checked). */
static int list_check(struct request *req)
{
	const char *q = http_query(req, "q");
	const char *cursor = http_query(req, "cursor");
	struct store_ext_filter *f;
	int64_t sort;

	f = arena_calloc(req->arena, 1, sizeof(*f));
	if (f == NULL)
		return DF_ENOMEM;
	req->checked = f;
	f->q = q;
	f->category = http_query(req, "category");
	f->tag = http_query(req, "tag");
	f->price = (int)router_query_int(req, "price", -1);
	f->min_rating = router_query_num(req, "min_rating", 0);
	f->limit = req->q.limit;
	f->sort = q != NULL ? STORE_EXT_SORT_RELEVANCE : STORE_EXT_SORT_POPULAR;
	sort = router_query_int(req, "sort", -1);
	if (sort == STORE_EXT_SORT_RELEVANCE && q == NULL)
		problem_add_error(req, "sort", "requires_q",
			"relevance needs a search query q");
	else if (sort >= 0)
		f->sort = (enum store_ext_sort)sort;
	if (cursor != NULL && cursor_read(cursor, f) != 0)
		problem_add_error(req, "cursor", "invalid_format",
			"must be a next_cursor this list returned with the "
			"same sort");
	return 0;
}

static int ext_list(struct request *req)
{
	const struct store_ext_filter *f = req->checked;
	struct store_ext *rows;
	struct json_object *o, *items;
	const char *next = NULL;
	size_t n, i;
	int rc;

	rc = store_ext_search(req->arena, f, &rows, &n);
	if (rc != 0)
		return rc;
	o = api_list_new(req, &items);
	if (o == NULL)
		return DF_ENOMEM;
	for (i = 0; i < n && i < (size_t)f->limit; i++) {
		struct json_object *e = api_ext_json(req, &rows[i], 0);

		if (api_list_add(items, e) != 0)
			return DF_ENOMEM;
	}
	if (n > (size_t)f->limit &&
	    (next = cursor_make(req, f->sort, &rows[f->limit - 1])) == NULL)
		return DF_ENOMEM;
	rc = api_list_send(req, o, next);
	if (rc == 0)
		http_set_cacheable(req);
	return rc;
}

static int ext_get(struct request *req)
{
	struct store_ext e;
	int rc;

	rc = api_ext_load(req, 0, 0, &e);
	if (rc != 0)
		return rc;
	return answer_ext(req, 200, &e);
}

/* A developer's own extensions, drafts and archived ones included: the
 * public list shows published ones only. */
static const struct query_param ext_mine_query[] = {
	API_PAGE_ROWS("mine"),
};

static struct json_object *own_item(struct request *req, const void *row)
{
	return api_ext_json(req, row, 1);
}

static int ext_mine(struct request *req)
{
	struct store_ext *rows;
	size_t n;
	int rc;

	rc = store_ext_mine(req->arena, api_caller_id(req), req->q.after,
		req->q.limit, &rows, &n);
	if (rc != 0)
		return rc;
	return api_list_page(req, "mine", rows, n, sizeof(*rows),
		offsetof(struct store_ext, id), own_item);
}

/* --- writes */

/* The listing the checks below read, for the handler (req->checked). */
static struct store_ext_input *listing_input(struct request *req)
{
	struct store_ext_input *in;

	in = arena_calloc(req->arena, 1, sizeof(*in));
	req->checked = in;
	return in;
}

/* The route's check of a new listing: beside the table's errors (every
 * error at once), a reserved slug and those read_listing finds (it looks
 * only at members of the right type). */
static int create_check(struct request *req)
{
	struct store_ext_input *in = listing_input(req);

	if (in == NULL)
		return DF_ENOMEM;
	in->price_currency = "USD";
	in->slug = json_get_str(req->json, "slug", NULL);
	/* A literal segment beside /extensions/{slug}: that listing could
	 * never be reached. */
	if (in->slug != NULL && strcmp(in->slug, "updates") == 0)
		problem_add_error(req, "slug", "reserved",
			"is reserved by the API");
	return read_listing(req, req->json, in);
}

static int ext_create(struct request *req)
{
	struct store_ext_input *in = req->checked;
	struct store_ext e;
	char loc[128];
	int rc;

	if (in->description == NULL)
		in->description = "";
	rc = store_ext_create(req->arena, api_caller_id(req), in, &e);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL,
			"That slug is taken: extensions are addressed by it, "
			"so each one is unique.");
	if (rc != 0)
		return rc;
	snprintf(loc, sizeof(loc), "/api/v1/extensions/%s", e.slug);
	if (http_set_header(req, "Location", loc) != 0)
		return DF_ENOMEM;
	return answer_ext(req, 201, &e);
}

/* The route's check of an edit. It runs the field table itself: a slug
 * is refused as read_only (not as an unknown field), whatever its
 * value, before the table looks at the rest. */
static int edit_check(struct request *req)
{
	struct store_ext_input *in = listing_input(req);

	if (in == NULL)
		return DF_ENOMEM;
	if (json_object_object_get_ex(req->json, "slug", NULL)) {
		/* Clients address the listing by its slug: it never
		 * changes, or links and installs would break. */
		json_object_object_del(req->json, "slug");
		problem_add_error(req, "slug", "read_only",
			"cannot be changed after creation");
	}
	json_fields_check(req, req->json, edit_fields,
		JSON_NFIELDS(edit_fields));
	return read_listing(req, req->json, in);
}

static int ext_patch(struct request *req)
{
	struct store_ext_input *in = req->checked;
	struct store_ext e;
	const char *why;
	int rc;

	rc = api_ext_load(req, 1, 0, &e);
	if (rc != 0)
		return rc;
	/* A suspended listing's text and price wait for the admin: an edit
	 * would go live unreviewed the moment it is reinstated. */
	rc = api_ext_begin_write(req, &e, 0, &why);
	if (rc == 0)
		rc = store_ext_update(e.id, in);
	rc = store_tx_end(rc);
	if (why != NULL)
		return problem_send(req, 409, NULL, why);
	if (rc != 0)
		return rc;
	return answer_changed(req, &e);
}

/* After deleting a never-published listing: packages nothing else
 * points to are removed from the storage directory. */
static void drop_packages(struct request *req, struct store_version *v,
	size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].package_sha256 == NULL ||
		    store_ver_package_used(req->arena, v[i].package_sha256) != 0)
			continue;
		if (blob_remove(req->cfg->storage_dir, v[i].package_sha256) != 0)
			log_req_msg(req, LOG_WARN, "package %s of a deleted "
				"listing left in storage", v[i].package_sha256);
	}
}

static int ext_delete(struct request *req)
{
	struct store_version *vers = NULL;
	struct store_ext e;
	const char *why;
	size_t nvers = 0;
	int rc, never = 0;

	rc = api_ext_load(req, 1, 0, &e);
	if (rc != 0)
		return rc;
	/* Archiving a suspended listing would wipe the reason and hand its
	 * packages back to earlier downloaders; deleting it would erase the
	 * evidence. Not even an admin lifts a suspension this way: that is
	 * what reinstate is for. */
	rc = api_ext_begin_write(req, &e, API_EXT_EVEN_ADMIN, &why);
	if (rc == 0) {
		never = e.published_at == NULL;
		if (never)
			rc = store_ver_list(req->arena, e.id, 0, &vers, &nvers);
	}
	if (rc == 0)
		rc = never ? store_ext_delete(e.id) :
			strcmp(e.status, "archived") == 0 ? 0 :
			store_ext_set_status(e.id, "archived", NULL);
	if (rc == 0)
		rc = api_market_audit(req, never ? "extension.deleted" :
			"extension.archived", e.slug, NULL, NULL);
	if (why != NULL) {
		/* Refused (rc is DF_ECONFLICT): nothing was written. */
		store_tx_rollback();
		return problem_send(req, 409, NULL, why);
	}
	rc = api_commit_no_content(req, rc);
	if (rc == 0) {
		api_market_changed();
		if (never)
			drop_packages(req, vers, nvers);
	}
	return rc;
}

static int moderate(struct request *req, int suspend)
{
	const char *reason;
	struct store_ext e;
	int rc;

	reason = json_get_str(req->json, "reason", NULL);
	rc = api_ext_load(req, 1, 0, &e);
	if (rc != 0)
		return rc;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	if (suspend)
		rc = strcmp(e.status, "suspended") == 0 ? DF_ECONFLICT :
			store_ext_set_status(e.id, "suspended", reason);
	else
		rc = store_ext_reinstate(e.id);
	if (rc == 0)
		rc = api_market_audit(req, suspend ? "extension.suspended" :
			"extension.reinstated", e.slug, NULL, reason);
	rc = store_tx_end(rc);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, NULL, suspend ?
			"The extension is suspended already." :
			"Only a suspended extension can be reinstated.");
	if (rc != 0)
		return rc;
	return answer_changed(req, &e);
}

static int ext_suspend(struct request *req)
{
	return moderate(req, 1);
}

static int ext_reinstate(struct request *req)
{
	return moderate(req, 0);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/categories",
	  .handler = categories_get, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_MARKET },
	{ .method = HTTP_GET, .pattern = "/api/v1/extensions",
	  .handler = ext_list, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_MARKET,
	  .query = QUERY_PARAMS(list_query), .check = list_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/developers/me/extensions",
	  .handler = ext_mine, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(ext_mine_query) },
	{ .method = HTTP_POST, .pattern = "/api/v1/extensions",
	  .handler = ext_create, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(create_fields),
	  .check = create_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/extensions/{slug}",
	  .handler = ext_get, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_MARKET },
	{ .method = HTTP_PATCH, .pattern = "/api/v1/extensions/{slug}",
	  .handler = ext_patch, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .check = edit_check },
	{ .method = HTTP_DELETE, .pattern = "/api/v1/extensions/{slug}",
	  .handler = ext_delete, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/extensions/{slug}/suspend",
	  .handler = ext_suspend, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(reason_fields) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/extensions/{slug}/reinstate",
	  .handler = ext_reinstate, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(reason_fields) },
};

const struct route_table api_extensions_table = {
	"extensions", routes, sizeof(routes) / sizeof(routes[0])
};
