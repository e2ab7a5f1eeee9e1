/* Stores: payments, reviews. */
/* Extension reviews: one per user per extension, only from users who
 * downloaded it, replaced by a second PUT; admins remove abusive ones.
 * The store keeps the listing's rating aggregate in step in the same
 * transaction. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "problem.h"
#include "validate.h"
#include "store/payments.h"
#include "store/reviews.h"

static const struct json_field put_fields[] = {
	{ .name = "rating", .type = JF_INT, .required = 1, .min = 1,
	  .max = 5 },
	{ .name = "title", .type = JF_STRING, .min = 1, .max = 200,
	  .validate = api_v_line, .nullable = 1 },
	{ .name = "body", .type = JF_STRING, .min = 1, .max = 5000,
	  .validate = api_v_text, .nullable = 1 },
};

/* {id, rating, title, body, author:{username, display_name},
 * created_at, updated_at} */
static struct json_object *review_json(struct request *req,
	const struct store_review *r)
{
	struct json_object *o = json_new_object(req);
	struct json_object *a = json_new_object(req);

	if (o == NULL || a == NULL || json_set(o, "author", a) ||
	    json_set_str(o, "id", r->public_id) ||
	    json_set_int(o, "rating", r->rating) ||
	    json_set_str(o, "title", r->title) ||
	    json_set_str(o, "body", r->body) ||
	    json_set_str(a, "username", r->username) ||
	    json_set_str(a, "display_name", r->display_name) ||
	    json_set_str(o, "created_at", r->created_at) ||
	    json_set_str(o, "updated_at", r->updated_at))
		return NULL;
	return o;
}

static const struct query_param rev_list_query[] = {
	API_PAGE_ROWS("reviews"),
};

static struct json_object *review_item(struct request *req, const void *row)
{
	return review_json(req, row);
}

static int rev_list(struct request *req)
{
	struct store_review *rows;
	struct store_ext e;
	size_t n;
	int rc;

	rc = api_ext_load(req, 0, 0, &e);
	if (rc != 0)
		return rc;
	rc = store_rev_list(req->arena, e.id, req->q.after, req->q.limit,
		&rows, &n);
	if (rc != 0)
		return rc;
	rc = api_list_page(req, "reviews", rows, n, sizeof(*rows),
		offsetof(struct store_review, id), review_item);
	if (rc == 0 && strcmp(e.status, "published") == 0)
		http_set_cacheable(req);
	return rc;
}

static int rev_put(struct request *req)
{
	struct store_review r;
	struct store_ext e;
	struct json_object *o;
	int rc, created;

	rc = api_ext_load(req, 0, 0, &e);
	if (rc != 0)
		return rc;
	if (e.owner_id == api_caller_id(req))
		return problem_send(req, 403, NULL, "Publishers do not review "
			"their own extensions.");
	if (e.price_amount > 0) {
		rc = store_pay_entitled(api_caller_id(req), e.id);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return problem_send(req, 403, NULL, "This is a paid "
				"extension: only buyers whose purchase is active "
				"(not refunded, not under a dispute) can review "
				"it.");
	}
	rc = store_rev_put(req->arena, e.id, api_caller_id(req),
		json_get_int(req->json, "rating", 0),
		json_get_str(req->json, "title", NULL),
		json_get_str(req->json, "body", NULL), &r, &created);
	if (rc == DF_EFORBIDDEN)
		return problem_send(req, 403, NULL, "Only users who downloaded "
			"the extension can review it.");
	if (rc != 0)
		return rc;
	api_market_changed();
	if (created && http_set_header(req, "Location", arena_printf(req->arena,
	    "/api/v1/extensions/%s/reviews/me", e.slug)) != 0)
		return DF_ENOMEM;
	o = review_json(req, &r);
	if (o == NULL)
		return DF_ENOMEM;
	return http_set_json(req, created ? 201 : 200, o);
}

static int rev_delete_mine(struct request *req)
{
	struct store_ext e;
	int rc;

	rc = api_ext_load(req, 0, 0, &e);
	if (rc != 0)
		return rc;
	rc = store_rev_delete_mine(req->arena, e.id, api_caller_id(req));
	if (rc != 0)
		return rc;
	api_market_changed();
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	http_set_status(req, 204);
	return 0;
}

static int rev_remove(struct request *req)
{
	const char *id = router_param(req, "id");
	struct json_object *d;
	int64_t ext_id = 0;
	int rc;

	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_rev_delete(req->arena, id, &ext_id);
	if (rc != 0)
		return rc;
	api_market_changed();
	/* After the commit: the removal stands even if the audit write
	 * fails; the failure is logged. */
	d = json_new_object(req);
	rc = d == NULL || json_set_str(d, "review_id", id) != 0 ? DF_ENOMEM :
		api_audit(req, "extension.review_removed", NULL, d);
	if (rc != 0)
		log_req_msg(req, LOG_WARN, "review %s removed without its "
			"audit record: %s", id, df_strerror(rc));
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	http_set_status(req, 204);
	return 0;
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/extensions/{slug}/reviews",
	  .handler = rev_list, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_MARKET,
	  .query = QUERY_PARAMS(rev_list_query) },
	{ .method = HTTP_PUT,
	  .pattern = "/api/v1/extensions/{slug}/reviews/me",
	  .handler = rev_put, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON,
	  .body = JSON_FIELDS(put_fields) },
	{ .method = HTTP_DELETE,
	  .pattern = "/api/v1/extensions/{slug}/reviews/me",
	  .handler = rev_delete_mine, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_DELETE, .pattern = "/api/v1/admin/reviews/{id}",
	  .handler = rev_remove, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
};

const struct route_table api_reviews_table = {
	"reviews", routes, sizeof(routes) / sizeof(routes[0])
};
