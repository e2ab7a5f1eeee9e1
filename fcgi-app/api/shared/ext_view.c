/* Stores: extensions, tx. */
/* The marketplace's shared rules: who sees and who manages a listing,
 * and the listing's JSON. One place, so the listing routes, the version
 * routes and the review routes cannot disagree about visibility. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "api/api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "cache.h"
#include "err.h"
#include "json.h"
#include "router.h"
#include "validate.h"
#include "store/tx.h"
#include "store/users.h"

void api_market_changed(void)
{
	cache_invalidate(API_GEN_MARKET);
}

int api_market_audit(struct request *req, const char *event,
	const char *slug, const char *version, const char *reason)
{
	struct json_object *d = json_new_object(req);

	if (d == NULL || json_set_str(d, "slug", slug) ||
	    (version != NULL && json_set_str(d, "version", version)) ||
	    (reason != NULL && json_set_str(d, "reason", reason)))
		return DF_ENOMEM;
	return api_audit(req, event, NULL, d);
}

int64_t api_caller_id(const struct request *req)
{
	const struct store_user *u = req->auth.user;

	return req->auth.authenticated && u != NULL ? u->id : 0;
}

int api_ext_manager(const struct request *req, const struct store_ext *e)
{
	int64_t me = api_caller_id(req);

	if (me == 0)
		return 0;
	return req->auth.role == ROLE_ADMIN || me == e->owner_id;
}

int api_ext_load(struct request *req, int manage, int owner_only,
	struct store_ext *out)
{
	const char *slug = router_param(req, "slug");
	int rc, mgr;

	if (!validate_slug(slug, 3, 64))
		return DF_ENOTFOUND;
	rc = store_ext_get(req->arena, slug, out);
	if (rc != 0)
		return rc;
	mgr = api_ext_manager(req, out);
	if (!mgr && strcmp(out->status, "published") != 0)
		return DF_ENOTFOUND;
	if (manage && owner_only)
		mgr = api_caller_id(req) == out->owner_id;
	if (manage && !mgr)
		return DF_EFORBIDDEN;
	return 0;
}

const char *api_ext_frozen(struct request *req, const struct store_ext *e,
	int flags)
{
	const char *why;

	if (strcmp(e->status, "suspended") == 0) {
		if (req->auth.role == ROLE_ADMIN && !(flags & API_EXT_EVEN_ADMIN))
			return NULL;
		why = arena_printf(req->arena, "This extension is suspended by "
			"an administrator%s%s. It stays suspended, whatever its "
			"owner does, until an administrator reinstates it.",
			e->status_reason != NULL ? ": " : "",
			e->status_reason != NULL ? e->status_reason : "");
		/* Out of memory must still refuse, never wave through. */
		return why != NULL ? why : "This extension is suspended by an "
			"administrator until an administrator reinstates it.";
	}
	if ((flags & API_EXT_ADDS) && strcmp(e->status, "archived") == 0)
		return "This extension is archived: it takes no new versions, "
			"packages or submissions.";
	return NULL;
}

int api_ext_begin_write(struct request *req, struct store_ext *e,
	int flags, const char **why)
{
	int rc;

	*why = NULL;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_ext_get_locked(req->arena, e->slug, e);
	if (rc != 0)
		return rc;
	*why = api_ext_frozen(req, e, flags);
	if (*why == NULL)
		return 0;
	return DF_ECONFLICT;
}

static struct json_object *decimal(struct request *req, const char *text)
{
	/* The aggregate as MariaDB holds it ("4.25"): printed as is, not
	 * through a binary double ("4.2499999..."). */
	return json_own(req, json_object_new_double_s(text != NULL ?
		strtod(text, NULL) : 0, text != NULL ? text : "0"));
}

struct json_object *api_ext_json(struct request *req,
	const struct store_ext *e, int manager_view)
{
	struct json_object *o = json_new_object(req);
	struct json_object *pub = json_new_object(req);
	struct json_object *price = json_new_object(req);
	struct json_object *rating = json_new_object(req);
	struct json_object *tags = json_new_array(req);
	struct json_object *avg = decimal(req, e->rating_avg);
	const char *tag[STORE_EXT_MAX_TAGS];
	size_t n, i;

	if (o == NULL || pub == NULL || price == NULL || rating == NULL ||
	    tags == NULL || avg == NULL ||
	    json_set(o, "publisher", pub) || json_set(o, "price", price) ||
	    json_set(o, "rating", rating) || json_set(o, "tags", tags))
		return NULL;
	n = store_ext_tags(req->arena, e->tags_text, tag);
	for (i = 0; i < n; i++)
		if (json_push_str(tags, tag[i]) != 0)
			return NULL;
	if (json_set_str(o, "slug", e->slug) ||
	    json_set_str(o, "name", e->name) ||
	    json_set_str(o, "summary", e->summary) ||
	    json_set_str(o, "description", e->description) ||
	    json_set_str(o, "category", e->category) ||
	    json_set_str(pub, "username", e->owner_username) ||
	    json_set_str(pub, "display_name", e->owner_display_name) ||
	    json_set_int(price, "amount", e->price_amount) ||
	    json_set_str(price, "currency", e->price_currency) ||
	    json_set_str(o, "status", e->status) ||
	    json_set_str(o, "latest_version", e->latest_version) ||
	    json_set_int(o, "downloads", e->downloads) ||
	    json_set(rating, "average", avg) ||
	    json_set_int(rating, "count", e->rating_count) ||
	    json_set_str(o, "homepage", e->homepage) ||
	    json_set_str(o, "repository", e->repository) ||
	    json_set_str(o, "license", e->license) ||
	    json_set_str(o, "created_at", e->created_at) ||
	    json_set_str(o, "updated_at", e->updated_at) ||
	    json_set_str(o, "published_at", e->published_at))
		return NULL;
	if (manager_view && json_set_str(o, "status_reason", e->status_reason))
		return NULL;
	return o;
}
