/* Stores: orders, payments. */
/* Plans and orders: the public plan list, a user's order (priced by the
 * server, paid through a Stripe Checkout Session, made once per
 * Idempotency-Key), the user's orders, and the page Stripe sends the
 * customer back to. Payment state itself is the payments module's: it
 * folds the provider's events into the order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "api/shared/stripe.h"
#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "problem.h"
#include "validate.h"
#include "store/orders.h"
#include "store/payments.h"
#include "store/users.h"

#define ORDER_MAX_ITEMS 10
#define IDEM_KEY_MAX 255

/* --- views */

static struct json_object *plan_json(struct request *req,
	const struct store_plan *p)
{
	struct json_object *o = json_new_object(req), *prices, *f;

	prices = json_new_object(req);
	f = json_own(req, json_tokener_parse(p->features != NULL ?
		p->features : "[]"));
	if (o == NULL || prices == NULL || f == NULL ||
	    json_set_str(o, "code", p->code) ||
	    json_set_str(o, "name", p->name) ||
	    json_set_str(o, "description", p->description) ||
	    json_set(prices, "month", api_money_json(req, p->price_month, p->currency)) ||
	    json_set(prices, "year", api_money_json(req, p->price_year, p->currency)) ||
	    json_set(o, "prices", prices) ||
	    json_set_int(o, "max_activations", p->max_activations) ||
	    json_set(o, "features", f))
		return NULL;
	return o;
}

static struct json_object *item_json(struct request *req,
	const struct store_order_item *it)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL || json_set_str(o, "type", it->kind))
		return NULL;
	if (strcmp(it->kind, "plan") == 0) {
		if (json_set_str(o, "plan", it->plan_code) ||
		    json_set_str(o, "interval", it->interval) ||
		    json_set_str(o, "name", it->plan_name))
			return NULL;
	} else if (json_set_str(o, "slug", it->slug) ||
	    json_set_str(o, "name", it->ext_name)) {
		return NULL;
	}
	if (json_set(o, "price", api_money_json(req, it->amount, it->currency)))
		return NULL;
	return o;
}

/* {id, status, total, paid, refunded, items, payment:{provider,
 * reference, url}, expires_at, paid_at, created_at, updated_at} */
static struct json_object *order_json(struct request *req,
	const struct store_order *o)
{
	struct json_object *j = json_new_object(req), *items, *pay;
	size_t i;

	items = json_new_array(req);
	pay = json_new_object(req);
	if (j == NULL || items == NULL || pay == NULL)
		return NULL;
	for (i = 0; i < o->nitems; i++)
		if (json_push(items, item_json(req, &o->items[i])))
			return NULL;
	if (json_set_str(pay, "provider", o->provider) ||
	    json_set_str(pay, "reference", o->session) ||
	    /* The checkout page is of use only while payment is open. */
	    json_set_str(pay, "url", strcmp(o->status, "pending") == 0 ?
		o->checkout_url : NULL))
		return NULL;
	if (json_set_str(j, "id", o->public_id) ||
	    json_set_str(j, "status", o->status) ||
	    json_set(j, "total", api_money_json(req, o->total, o->currency)) ||
	    json_set(j, "paid", api_money_json(req, o->paid, o->currency)) ||
	    json_set(j, "refunded", api_money_json(req, o->refunded, o->currency)) ||
	    json_set(j, "items", items) ||
	    json_set(j, "payment", pay) ||
	    json_set_str(j, "expires_at", o->expires_at) ||
	    json_set_str(j, "paid_at", o->paid_at) ||
	    json_set_str(j, "created_at", o->created_at) ||
	    json_set_str(j, "updated_at", o->updated_at))
		return NULL;
	return j;
}

/* --- GET /plans */

static int plans_get(struct request *req)
{
	struct store_plan *p;
	struct json_object *o, *items;
	size_t n, i;
	int rc;

	rc = store_ord_plans(req->arena, &p, &n);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	items = json_new_array(req);
	if (o == NULL || items == NULL || json_set(o, "items", items))
		return DF_ENOMEM;
	for (i = 0; i < n; i++)
		if (json_push(items, plan_json(req, &p[i])))
			return DF_ENOMEM;
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		http_set_cacheable(req);
	return rc;
}

/* --- POST /orders: the input check */

static const char *const item_types[] = { "plan", "extension", NULL };
static const char *const intervals[] = { "month", "year", NULL };

static int v_item_type(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), item_types),
		"must be plan or extension");
}

static int v_interval(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), intervals),
		"must be month or year");
}

static const struct json_field order_fields[] = {
	{ .name = "items", .type = JF_ARRAY, .required = 1, .min = 1,
	  .max = ORDER_MAX_ITEMS },
};

static const struct json_field item_fields[] = {
	{ .name = "type", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 16, .validate = v_item_type },
	{ .name = "plan", .type = JF_STRING, .min = 1, .max = 32 },
	{ .name = "interval", .type = JF_STRING, .min = 1, .max = 8,
	  .validate = v_interval },
	{ .name = "slug", .type = JF_STRING, .min = 1, .max = 64 },
};

/* What the check derived, for the handler (req->checked). */
struct order_input {
	const char *key;            /* the Idempotency-Key */
	struct store_order_item items[ORDER_MAX_ITEMS];
	const char *names[ORDER_MAX_ITEMS]; /* the line on the checkout page */
	size_t n;
	int64_t total;
	const char *currency;
	char canon[ORDER_MAX_ITEMS * 110]; /* the body, canonical */
};

/* A request header the front server passed as a FastCGI param. */
static const char *req_header(const struct request *req, const char *param)
{
	size_t len = strlen(param);
	char **e;

	for (e = req->envp; e != NULL && *e != NULL; e++)
		if (strncmp(*e, param, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static int idem_key_ok(const char *k)
{
	size_t n = strlen(k), i;

	if (n < 1 || n > IDEM_KEY_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = k[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == ':' || c == '.'))
			return 0;
	}
	return 1;
}

/* Prices are the server's: a client that sends one is told so (and it
 * is removed, so the field table does not report it again). */
static void refuse_money(struct request *req, struct json_object *o,
	const char *prefix)
{
	static const char *const names[] = { "total", "amount", "price",
		"currency", NULL };
	char field[48];
	size_t i;

	if (!json_object_is_type(o, json_type_object))
		return;
	for (i = 0; names[i] != NULL; i++) {
		if (!json_object_object_get_ex(o, names[i], NULL))
			continue;
		snprintf(field, sizeof(field), "%s%s", prefix, names[i]);
		problem_add_error(req, arena_strdup(req->arena, field),
			"server_priced", "prices are set by the server from "
			"the catalogue; send only what to buy");
		json_object_object_del(o, names[i]);
	}
}

static int check_plan(struct request *req, struct order_input *in,
	struct json_object *it, const char *field)
{
	struct store_order_item *o = &in->items[in->n];
	const char *code = json_get_str(it, "plan", NULL);
	const char *interval = json_get_str(it, "interval", NULL);
	struct store_plan p;
	size_t j;
	int rc;

	if (code == NULL || interval == NULL || json_get(it, "slug") != NULL)
		return problem_add_error(req, field, "invalid_item",
			"a plan item has plan and interval, and no slug"), 0;
	for (j = 0; j < in->n; j++)
		if (in->items[j].plan_code != NULL &&
		    strcmp(in->items[j].plan_code, code) == 0)
			return problem_add_error(req, field, "duplicate",
				"the order names this plan twice"), 0;
	rc = store_ord_plan(req->arena, code, &p);
	if (rc == DF_ENOTFOUND)
		return problem_add_error(req, field, "unknown",
			"is not a plan of GET /api/v1/plans"), 0;
	if (rc != 0)
		return rc;
	o->kind = "plan";
	o->plan_id = p.id;
	o->plan_code = p.code;
	o->plan_name = p.name;
	o->interval = strcmp(interval, "year") == 0 ? "year" : "month";
	o->amount = o->interval[0] == 'y' ? p.price_year : p.price_month;
	memcpy(o->currency, p.currency, sizeof(o->currency));
	/* A plan is the platform's own: all of it is the platform's. */
	o->fee_bps = 10000;
	if (o->amount <= 0)
		return problem_add_error(req, field, "free",
			"the free plan needs no order"), 0;
	in->names[in->n] = arena_printf(req->arena, "DevForge %s (%s)",
		p.name, o->interval[0] == 'y' ? "yearly" : "monthly");
	in->n++;
	return 0;
}

static int check_extension(struct request *req, struct order_input *in,
	struct json_object *it, const char *field)
{
	struct store_order_item *o = &in->items[in->n];
	const char *slug = json_get_str(it, "slug", NULL);
	struct store_ord_ext e;
	size_t j;
	int rc;

	if (slug == NULL || json_get(it, "plan") != NULL ||
	    json_get(it, "interval") != NULL)
		return problem_add_error(req, field, "invalid_item",
			"an extension item has a slug, and no plan or "
			"interval"), 0;
	for (j = 0; j < in->n; j++)
		if (in->items[j].slug != NULL &&
		    strcmp(in->items[j].slug, slug) == 0)
			return problem_add_error(req, field, "duplicate",
				"the order names this extension twice"), 0;
	rc = validate_slug(slug, 3, 64) ?
		store_ord_extension(req->arena, slug, &e) : DF_ENOTFOUND;
	/* A listing that is not published is as unknown to a buyer as a
	 * missing one. */
	if (rc == DF_ENOTFOUND || (rc == 0 && strcmp(e.status, "published")))
		return problem_add_error(req, field, "unknown",
			"is not a published extension"), 0;
	if (rc != 0)
		return rc;
	if (e.price <= 0)
		return problem_add_error(req, field, "free",
			"is a free extension: download it, no order needed"), 0;
	if (e.owner_id == api_caller_id(req))
		return problem_add_error(req, field, "own_extension",
			"is your own extension"), 0;
	o->kind = "extension";
	o->extension_id = e.id;
	o->slug = e.slug;
	o->ext_name = e.name;
	o->developer_id = e.owner_id;
	o->amount = e.price;
	memcpy(o->currency, e.currency, sizeof(o->currency));
	o->fee_bps = (int)req->cfg->platform_fee_bps;
	in->names[in->n] = e.name;
	in->n++;
	return 0;
}

static int create_check(struct request *req)
{
	struct order_input *in;
	struct json_object *items;
	size_t i, n, len = 0;
	int rc;

	in = arena_calloc(req->arena, 1, sizeof(*in));
	if (in == NULL)
		return DF_ENOMEM;
	req->checked = in;
	in->key = req_header(req, "HTTP_IDEMPOTENCY_KEY");
	if (in->key == NULL)
		problem_add_error(req, "Idempotency-Key", "required",
			"the header is required: a fresh random key per "
			"order, sent again on a retry");
	else if (!idem_key_ok(in->key))
		problem_add_error(req, "Idempotency-Key", "invalid_format",
			"must be 1-255 of A-Z, a-z, 0-9, _, -, : and .");
	refuse_money(req, req->json, "");
	items = json_get(req->json, "items");
	n = json_object_is_type(items, json_type_array) ?
		json_object_array_length(items) : 0;
	for (i = 0; i < n && i < ORDER_MAX_ITEMS; i++) {
		char prefix[24];

		snprintf(prefix, sizeof(prefix), "items[%zu].", i);
		refuse_money(req, json_object_array_get_idx(items, i),
			arena_strdup(req->arena, prefix));
	}
	json_fields_check(req, req->json, order_fields,
		JSON_NFIELDS(order_fields));
	if (n > 0 && n <= ORDER_MAX_ITEMS)
		json_fields_check_each(req, req->json, "items", item_fields,
			JSON_NFIELDS(item_fields), "must be an object");
	if (problem_error_count(req) != 0 || n > ORDER_MAX_ITEMS)
		return 0;
	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		char *field = arena_printf(req->arena, "items[%zu]", i);
		size_t before = in->n;

		if (field == NULL)
			return DF_ENOMEM;
		rc = strcmp(json_get_str(it, "type", ""), "plan") == 0 ?
			check_plan(req, in, it, field) :
			check_extension(req, in, it, field);
		if (rc != 0)
			return rc;
		if (in->n == before)
			continue;
		if (in->currency == NULL)
			in->currency = in->items[before].currency;
		else if (strcmp(in->currency, in->items[before].currency))
			problem_add_error(req, field, "mixed_currency",
				"an order is paid in one currency: order "
				"this item separately");
		in->total += in->items[before].amount;
		len += (size_t)snprintf(in->canon + len, sizeof(in->canon) - len,
			"%s:%s:%s\n", in->items[before].kind,
			in->items[before].plan_code != NULL ?
			in->items[before].plan_code : in->items[before].slug,
			in->items[before].interval != NULL ?
			in->items[before].interval : "");
	}
	return 0;
}

/* --- POST /orders */

static int replay(struct request *req, const struct store_idem *id)
{
	if (id->location != NULL &&
	    http_set_header(req, "Location", id->location) != 0)
		return DF_ENOMEM;
	if (http_set_header(req, "Idempotent-Replayed", "true") != 0)
		return DF_ENOMEM;
	return http_set_body(req, id->status, "application/json; charset=utf-8",
		id->response != NULL ? id->response : "",
		id->response != NULL ? strlen(id->response) : 0);
}

/* 409 when the caller already owns an item (nothing stored). */
static int owned_item(struct request *req, const struct order_input *in,
	const char **what)
{
	size_t i;
	int rc;

	for (i = 0; i < in->n; i++) {
		const struct store_order_item *it = &in->items[i];

		rc = it->plan_id ?
			store_ord_owns_plan(req->arena, api_caller_id(req),
				it->plan_id) :
			store_ord_owns_extension(req->arena,
				api_caller_id(req), it->extension_id);
		if (rc != 0) {
			*what = it->plan_id ? it->plan_code : it->slug;
			return rc;
		}
	}
	return 0;
}

/* The Stripe idempotency key: one per claim of (user, key), so a retry
 * of our own call is one session while a reclaimed key (its worker
 * died) asks for a new one rather than an idempotency error. */
static const char *stripe_key(struct request *req, const char *key,
	int64_t claim)
{
	char *s = arena_printf(req->arena, "%lld:%s:%lld",
		(long long)api_caller_id(req), key, (long long)claim);
	char hex[65];

	if (s == NULL)
		return NULL;
	crypto_sha256_hex(s, strlen(s), hex);
	return arena_printf(req->arena, "df-order-%s", hex);
}

static int create_session(struct request *req, const struct order_input *in,
	const char *pid, const char *key, time_t expires,
	struct stripe_checkout *cs)
{
	const struct store_user *u = req->auth.user;
	struct stripe_line lines[ORDER_MAX_ITEMS];
	struct stripe_checkout_in ci;
	size_t i;

	memset(&ci, 0, sizeof(ci));
	for (i = 0; i < in->n; i++) {
		lines[i].name = in->names[i];
		lines[i].amount = in->items[i].amount;
	}
	ci.order_id = pid;
	ci.currency = in->currency;
	ci.lines = lines;
	ci.nlines = in->n;
	ci.customer_email = u != NULL ? u->email : NULL;
	ci.success_url = arena_printf(req->arena, "%s/api/v1/orders/%s/return",
		req->cfg->public_url, pid);
	ci.cancel_url = arena_printf(req->arena,
		"%s/api/v1/orders/%s/return?canceled=1", req->cfg->public_url,
		pid);
	ci.expires_at = expires;
	ci.idempotency_key = key;
	if (ci.success_url == NULL || ci.cancel_url == NULL || key == NULL)
		return DF_ENOMEM;
	return stripe_checkout_create(req->arena, &ci, cs);
}

static int order_create(struct request *req)
{
	struct order_input *in = req->checked;
	struct stripe_checkout cs;
	struct store_order o, got;
	struct store_idem idem;
	unsigned char hash[32];
	const char *what = NULL, *body, *loc;
	struct json_object *j;
	time_t expires;
	int rc;

	crypto_sha256(in->canon, strlen(in->canon), hash);
	rc = store_ord_idem_claim(req->arena, api_caller_id(req), in->key,
		hash, &idem);
	if (rc != 0)
		return rc;
	switch (idem.state) {
	case STORE_IDEM_REPLAY:
		return replay(req, &idem);
	case STORE_IDEM_MISMATCH:
		return problem_send(req, 422, "idempotency_key_mismatch",
			"This Idempotency-Key was used with another body: "
			"use a new key for a new order.");
	case STORE_IDEM_RUNNING:
		return problem_send(req, 409, NULL, "A request with this "
			"Idempotency-Key is still running: retry shortly to "
			"get its answer.");
	case STORE_IDEM_CLAIMED:
		break;
	}
	/* From here every way out that is not the stored answer frees the
	 * key: a refusal or a failure is not the key's outcome. */
	rc = owned_item(req, in, &what);
	if (rc != 0) {
		if (store_ord_idem_release(idem.claim_id) != 0)
			log_req_msg(req, LOG_WARN, "idempotency claim %lld "
				"not released", (long long)idem.claim_id);
		if (rc < 0)
			return rc;
		return problem_send(req, 409, NULL, arena_printf(req->arena,
			"You already own %s.", what));
	}
	memset(&o, 0, sizeof(o));
	if (crypto_uuid4(o.public_id) != 0) {
		rc = DF_EINTERNAL;
		goto fail;
	}
	expires = time(NULL) + (time_t)req->cfg->order_expiry_seconds;
	/* The session first: an order row always has a way to be paid, and
	 * a provider failure leaves nothing behind. */
	rc = create_session(req, in, o.public_id,
		stripe_key(req, in->key, idem.claim_id), expires, &cs);
	if (rc != 0)
		goto fail;
	o.user_id = api_caller_id(req);
	o.total = in->total;
	memcpy(o.currency, in->currency, sizeof(o.currency));
	o.session = cs.id;
	o.checkout_url = cs.url;
	o.items = (struct store_order_item *)in->items;
	o.nitems = in->n;
	rc = store_ord_create(&o, expires);
	if (rc == 0)
		rc = store_ord_get(req->arena, o.public_id, &got);
	if (rc != 0)
		goto fail;
	j = order_json(req, &got);
	if (j == NULL) {
		rc = DF_ENOMEM;
		goto fail;
	}
	body = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE);
	loc = arena_printf(req->arena, "/api/v1/orders/%s", o.public_id);
	if (body == NULL || loc == NULL)
		return DF_ENOMEM;
	/* The order exists now: should storing the answer fail, the claim
	 * stays running and the key frees itself after
	 * STORE_IDEM_STALE_S. */
	if (store_ord_idem_finish(idem.claim_id, 201, loc, body) != 0)
		log_req_msg(req, LOG_WARN, "answer of order %s not stored "
			"for its Idempotency-Key", o.public_id);
	if (http_set_header(req, "Location", loc) != 0)
		return DF_ENOMEM;
	return http_set_body(req, 201, "application/json; charset=utf-8",
		body, strlen(body));
fail:
	if (store_ord_idem_release(idem.claim_id) != 0)
		log_req_msg(req, LOG_WARN, "idempotency claim %lld not "
			"released", (long long)idem.claim_id);
	return rc;
}

/* --- reads */

static const struct query_param orders_query[] = {
	API_PAGE_ROWS("orders"),
};

static struct json_object *order_item(struct request *req, const void *row)
{
	return order_json(req, row);
}

static int orders_list(struct request *req)
{
	struct store_order *rows;
	size_t n;
	int rc;

	rc = store_ord_list(req->arena, api_caller_id(req), req->q.after,
		req->q.limit, &rows, &n);
	if (rc != 0)
		return rc;
	return api_list_page(req, "orders", rows, n, sizeof(*rows),
		offsetof(struct store_order, id), order_item);
}

/* The order of the route's {id} as the caller may see it: the owner's
 * or, for an admin, anyone's; another user's reads as absent. */
static int load_order(struct request *req, struct store_order *o)
{
	const char *id = router_param(req, "id");
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_ord_get(req->arena, id, o);
	if (rc != 0)
		return rc;
	if (o->user_id != api_caller_id(req) && req->auth.role != ROLE_ADMIN)
		return DF_ENOTFOUND;
	return 0;
}

static int order_get(struct request *req)
{
	struct store_order o;
	struct json_object *j;
	int rc;

	rc = load_order(req, &o);
	if (rc != 0)
		return rc;
	j = order_json(req, &o);
	if (j == NULL)
		return DF_ENOMEM;
	return http_set_json(req, 200, j);
}

/* --- GET /orders/{id}/return */

/* The customer's browser comes back from Stripe: no token, so nothing
 * private is answered. When Stripe reports the session paid, the order
 * is fulfilled now, by the same idempotent record-and-fold the webhook
 * runs (whichever arrives first does the work; the other changes
 * nothing). */
static int order_return(struct request *req)
{
	const char *id = router_param(req, "id");
	struct stripe_checkout cs;
	struct store_pay_result res;
	struct store_order o;
	struct pay_event ev;
	struct json_object *j;
	int rc;

	if (id == NULL || !validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_ord_get(req->arena, id, &o);
	if (rc != 0)
		return rc;
	if (strcmp(o.status, "pending") == 0 && o.session != NULL) {
		rc = stripe_checkout_get(req->arena, o.session, &cs);
		if (rc == DF_EUPSTREAM) {
			/* The webhook will tell: answer what is known. */
			log_req_msg(req, LOG_WARN, "order %s: the return could "
				"not ask Stripe about its session", id);
		} else if (rc != 0) {
			return rc;
		} else if (cs.payment_status != NULL &&
		    strcmp(cs.payment_status, "paid") == 0 &&
		    cs.id != NULL && strcmp(cs.id, o.session) == 0) {
			memset(&ev, 0, sizeof(ev));
			ev.event_id = arena_printf(req->arena, "session:%s",
				cs.id);
			if (ev.event_id == NULL)
				return DF_ENOMEM;
			ev.type = "checkout.session.completed";
			ev.kind = PAY_PAID;
			ev.order_id = o.public_id;
			ev.session_ref = cs.id;
			ev.payment_ref = cs.payment_intent;
			ev.amount = cs.amount_total;
			ev.currency = cs.currency;
			ev.created = time(NULL);
			rc = store_pay_record(req->arena, &ev, &res);
			if (rc != 0)
				return rc;
			rc = store_ord_get(req->arena, id, &o);
			if (rc != 0)
				return rc;
		}
	}
	j = json_new_object(req);
	if (j == NULL || json_set_str(j, "id", o.public_id) ||
	    json_set_str(j, "status", o.status))
		return DF_ENOMEM;
	return http_set_json(req, 200, j);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/plans",
	  .handler = plans_get, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_MARKET },
	{ .method = HTTP_POST, .pattern = "/api/v1/orders",
	  .handler = order_create, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .check = create_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/orders",
	  .handler = orders_list, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(orders_query) },
	{ .method = HTTP_GET, .pattern = "/api/v1/orders/{id}",
	  .handler = order_get, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/orders/{id}/return",
	  .handler = order_return, .role = ROLE_NONE, .rl = RL_DEFAULT },
};

const struct route_table api_orders_table = {
	"orders", routes, sizeof(routes) / sizeof(routes[0])
};
