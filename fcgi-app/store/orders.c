/* SQL for plans, orders, order items and Idempotency-Key claims. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/orders.h"
#include "store/tx.h"

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"

static void plan_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_plan *p = out;

	memset(p, 0, sizeof(*p));
	p->id = db_int(res, row, 0, 0);
	p->code = db_str(res, row, 1);
	p->name = db_str(res, row, 2);
	p->description = db_str(res, row, 3);
	p->price_month = db_int(res, row, 4, 0);
	p->price_year = db_int(res, row, 5, 0);
	db_str_copy(res, row, 6, p->currency, sizeof(p->currency));
	p->max_activations = db_int(res, row, 7, 0);
	p->features = db_str(res, row, 8);
}

#define PLAN_COLUMNS "id, code, name, description, price_month, price_year," \
	" currency, max_activations, features"

int store_ord_plans(struct arena *a, struct store_plan **out, size_t *n)
{
	static const char sql[] = "SELECT " PLAN_COLUMNS
		" FROM plans ORDER BY sort_order, id";
	void *rows;
	int rc;

	rc = store_rows(a, sql, NULL, 0, sizeof(**out), plan_from_row,
		&rows, n);
	*out = rows;
	return rc;
}

int store_ord_plan(struct arena *a, const char *code, struct store_plan *out)
{
	static const char sql[] = "SELECT " PLAN_COLUMNS
		" FROM plans WHERE code = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(code)), &res);
	if (rc == 0)
		plan_from_row(&res, 0, out);
	return rc;
}

int store_ord_extension(struct arena *a, const char *slug,
	struct store_ord_ext *out)
{
	static const char sql[] = "SELECT id, owner_id, slug, name, status,"
		" price_amount, price_currency FROM extensions WHERE slug = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(slug)), &res);
	if (rc != 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = db_int(&res, 0, 0, 0);
	out->owner_id = db_int(&res, 0, 1, 0);
	out->slug = db_str(&res, 0, 2);
	out->name = db_str(&res, 0, 3);
	out->status = db_str(&res, 0, 4);
	out->price = db_int(&res, 0, 5, 0);
	db_str_copy(&res, 0, 6, out->currency, sizeof(out->currency));
	return 0;
}

static int exists(struct arena *a, const char *sql, int64_t x, int64_t y)
{
	struct db_result res;
	int rc;

	rc = db_query(a, sql, DBP(DB_INT(x), DB_INT(y)), &res);
	if (rc != 0)
		return rc;
	return res.nrows > 0;
}

int store_ord_owns_extension(struct arena *a, int64_t user_id,
	int64_t extension_id)
{
	/* A suspended entitlement (a dispute is open) is still the user's:
	 * buying again would take the money twice. */
	static const char sql[] = "SELECT 1 FROM entitlements"
		" WHERE user_id = ? AND extension_id = ?"
		" AND status IN ('active', 'suspended') LIMIT 1";

	return exists(a, sql, user_id, extension_id);
}

int store_ord_owns_plan(struct arena *a, int64_t user_id, int64_t plan_id)
{
	static const char sql[] = "SELECT 1 FROM licenses"
		" WHERE user_id = ? AND plan_id = ? AND status = 'active'"
		" AND (expires_at IS NULL OR expires_at > NOW(6)) LIMIT 1";

	return exists(a, sql, user_id, plan_id);
}

/* --- Idempotency-Key claims */

int store_ord_idem_claim(struct arena *a, int64_t user_id, const char *key,
	const unsigned char hash[32], struct store_idem *out)
{
	/* A done answer older than a day is forgotten, and so is a claim
	 * whose worker died before it answered: the key is free again. */
	static const char drop[] = "DELETE FROM idempotency_keys"
		" WHERE user_id = ? AND idem_key = ? AND ("
		"  (state = 'done' AND created_at < NOW(6) - INTERVAL ? SECOND)"
		"  OR (state = 'running'"
		"   AND created_at < NOW(6) - INTERVAL ? SECOND))";
	static const char ins[] = "INSERT INTO idempotency_keys"
		" (user_id, idem_key, request_hash, state, created_at)"
		" VALUES (?, ?, ?, 'running', NOW(6))";
	static const char get[] = "SELECT request_hash, state, status_code,"
		" location, response FROM idempotency_keys"
		" WHERE user_id = ? AND idem_key = ?";
	struct db_result res;
	const struct db_value *h;
	uint64_t id = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_exec(drop, DBP(DB_INT(user_id), DB_STR(key),
		DB_INT(STORE_IDEM_KEEP_S), DB_INT(STORE_IDEM_STALE_S)),
		NULL, NULL);
	if (rc != 0)
		return rc;
	rc = db_exec(ins, DBP(DB_INT(user_id), DB_STR(key), DB_BLOB(hash, 32)),
		NULL, &id);
	if (rc == 0) {
		out->state = STORE_IDEM_CLAIMED;
		out->claim_id = (int64_t)id;
		return 0;
	}
	if (rc != DF_ECONFLICT)
		return rc;
	rc = store_one(a, get, DBP(DB_INT(user_id), DB_STR(key)), &res);
	if (rc == DF_ENOTFOUND) {
		/* Released between our insert and this read: the other
		 * request is just ending; ask the client to come again. */
		out->state = STORE_IDEM_RUNNING;
		return 0;
	}
	if (rc != 0)
		return rc;
	h = &res.cells[0];
	if (h->is_null || h->len != 32 || memcmp(h->s, hash, 32) != 0)
		out->state = STORE_IDEM_MISMATCH;
	else if (strcmp(db_str(&res, 0, 1), "running") == 0)
		out->state = STORE_IDEM_RUNNING;
	else {
		out->state = STORE_IDEM_REPLAY;
		out->status = (int)db_int(&res, 0, 2, 500);
		out->location = db_str(&res, 0, 3);
		out->response = db_str(&res, 0, 4);
	}
	return 0;
}

int store_ord_idem_finish(int64_t claim_id, int status, const char *location,
	const char *response)
{
	static const char sql[] = "UPDATE idempotency_keys SET state = 'done',"
		" status_code = ?, location = ?, response = ?"
		" WHERE id = ? AND state = 'running'";

	return store_exec_one(sql, DBP(DB_INT(status), DB_STR(location),
		DB_STR(response), DB_INT(claim_id)), DF_ENOTFOUND);
}

int store_ord_idem_release(int64_t claim_id)
{
	static const char sql[] = "DELETE FROM idempotency_keys"
		" WHERE id = ? AND state = 'running'";

	return db_exec(sql, DBP(DB_INT(claim_id)), NULL, NULL);
}

/* --- orders */

int store_ord_create(const struct store_order *o, time_t expires_at)
{
	static const char ins[] = "INSERT INTO orders (public_id, user_id,"
		" status, total_amount, currency, provider, provider_session,"
		" checkout_url, expires_at, created_at, updated_at)"
		" VALUES (?, ?, 'pending', ?, ?, 'stripe', ?, ?,"
		" FROM_UNIXTIME(?), NOW(6), NOW(6))";
	static const char item[] = "INSERT INTO order_items (order_id,"
		" position, kind, plan_id, billing_interval, extension_id,"
		" developer_id, amount, currency, fee_bps)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	uint64_t id = 0;
	size_t i;
	int rc;

	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = db_exec(ins, DBP(DB_STR(o->public_id), DB_INT(o->user_id),
		DB_INT(o->total), DB_STR(o->currency), DB_STR(o->session),
		DB_STR(o->checkout_url), DB_INT((int64_t)expires_at)),
		NULL, &id);
	for (i = 0; rc == 0 && i < o->nitems; i++) {
		const struct store_order_item *it = &o->items[i];

		rc = db_exec(item, DBP(DB_INT(id), DB_INT(i + 1),
			DB_STR(it->kind),
			it->plan_id ? DB_INT(it->plan_id) : DB_NULL(),
			DB_STR(it->interval),
			it->extension_id ? DB_INT(it->extension_id) : DB_NULL(),
			it->developer_id ? DB_INT(it->developer_id) : DB_NULL(),
			DB_INT(it->amount), DB_STR(it->currency),
			DB_INT(it->fee_bps)), NULL, NULL);
	}
	return store_tx_end(rc);
}

#define ORD_COLUMNS "o.id, o.public_id, o.user_id, o.status," \
	" o.total_amount, o.currency, o.provider, o.provider_session," \
	" o.provider_payment, o.checkout_url, o.paid_amount," \
	" o.refunded_amount, o.refund_requested_amount, o.dispute_status," \
	" " TS("o.expires_at") ", " TS("o.paid_at") ", " \
	TS("o.created_at") ", " TS("o.updated_at")

static void ord_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_order *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->user_id = db_int(res, row, 2, 0);
	o->status = db_str(res, row, 3);
	o->total = db_int(res, row, 4, 0);
	db_str_copy(res, row, 5, o->currency, sizeof(o->currency));
	o->provider = db_str(res, row, 6);
	o->session = db_str(res, row, 7);
	o->payment = db_str(res, row, 8);
	o->checkout_url = db_str(res, row, 9);
	o->paid = db_int(res, row, 10, 0);
	o->refunded = db_int(res, row, 11, 0);
	o->refund_requested = db_int(res, row, 12, 0);
	o->dispute_status = db_str(res, row, 13);
	o->expires_at = db_str(res, row, 14);
	o->paid_at = db_str(res, row, 15);
	o->created_at = db_str(res, row, 16);
	o->updated_at = db_str(res, row, 17);
}

static void item_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_order_item *it = out;

	memset(it, 0, sizeof(*it));
	it->id = db_int(res, row, 0, 0);
	it->position = (int)db_int(res, row, 1, 0);
	it->kind = db_str(res, row, 2);
	it->plan_id = db_int(res, row, 3, 0);
	it->plan_code = db_str(res, row, 4);
	it->plan_name = db_str(res, row, 5);
	it->interval = db_str(res, row, 6);
	it->extension_id = db_int(res, row, 7, 0);
	it->slug = db_str(res, row, 8);
	it->ext_name = db_str(res, row, 9);
	it->developer_id = db_int(res, row, 10, 0);
	it->amount = db_int(res, row, 11, 0);
	db_str_copy(res, row, 12, it->currency, sizeof(it->currency));
	it->fee_bps = (int)db_int(res, row, 13, 0);
	/* The order id rides in column 14 for store_ord_list. */
}

static int load_items(struct arena *a, int64_t order_id,
	struct store_order *o)
{
	static const char sql[] = "SELECT i.id, i.position, i.kind,"
		" i.plan_id, p.code, p.name, i.billing_interval,"
		" i.extension_id, e.slug, e.name, i.developer_id, i.amount,"
		" i.currency, i.fee_bps FROM order_items i"
		" LEFT JOIN plans p ON p.id = i.plan_id"
		" LEFT JOIN extensions e ON e.id = i.extension_id"
		" WHERE i.order_id = ? ORDER BY i.position";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(order_id)), sizeof(*o->items),
		item_from_row, &rows, &o->nitems);
	o->items = rows;
	return rc;
}

/* Lazy expiry: a pending order whose window passed is expired for good
 * (store/payments.c's fold still wins should a payment made in time
 * arrive late). */
static int expire_one(int64_t id)
{
	static const char sql[] = "UPDATE orders SET status = 'expired',"
		" updated_at = NOW(6) WHERE id = ? AND status = 'pending'"
		" AND expires_at <= NOW(6)";

	return db_exec(sql, DBP(DB_INT(id)), NULL, NULL);
}

static int expire_lazily(struct arena *a, struct store_order *o)
{
	static const char sql[] = "SELECT status, " TS("updated_at")
		" FROM orders WHERE id = ?";
	struct db_result res;
	int rc;

	if (strcmp(o->status, "pending") != 0)
		return 0;
	rc = expire_one(o->id);
	if (rc != 0)
		return rc;
	rc = store_one(a, sql, DBP(DB_INT(o->id)), &res);
	if (rc != 0)
		return rc;
	o->status = db_str(&res, 0, 0);
	o->updated_at = db_str(&res, 0, 1);
	return 0;
}

int store_ord_get(struct arena *a, const char *public_id,
	struct store_order *out)
{
	static const char sql[] = "SELECT " ORD_COLUMNS
		" , o.expires_at <= NOW(6) FROM orders o WHERE o.public_id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(public_id)), &res);
	if (rc != 0)
		return rc;
	ord_from_row(&res, 0, out);
	if (db_int(&res, 0, 18, 0) == 1) {
		rc = expire_lazily(a, out);
		if (rc != 0)
			return rc;
	}
	return load_items(a, out->id, out);
}

int store_ord_list(struct arena *a, int64_t user_id, int64_t before,
	int64_t limit, struct store_order **out, size_t *n)
{
	static const char sql[] = "SELECT " ORD_COLUMNS
		" , o.expires_at <= NOW(6) FROM orders o WHERE o.user_id = ?"
		" AND (? = 0 OR o.id < ?) ORDER BY o.id DESC LIMIT ?";
	struct db_result res;
	struct store_order *o;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_query(a, sql, DBP(DB_INT(user_id), DB_INT(before),
		DB_INT(before), DB_INT(limit + 1)), &res);
	if (rc != 0)
		return rc;
	if (res.nrows == 0)
		return 0;
	o = arena_calloc(a, res.nrows, sizeof(*o));
	if (o == NULL)
		return DF_ENOMEM;
	for (i = 0; i < res.nrows; i++) {
		ord_from_row(&res, i, &o[i]);
		if (db_int(&res, i, 18, 0) == 1 &&
		    (rc = expire_lazily(a, &o[i])) != 0)
			return rc;
		/* A page is at most 101 orders of a few items each: one
		 * query per order keeps the mapping simple. */
		rc = load_items(a, o[i].id, &o[i]);
		if (rc != 0)
			return rc;
	}
	*out = o;
	*n = res.nrows;
	return 0;
}

int store_ord_idem_prune(uint64_t *n)
{
	/* Keys past their day are dead weight: the claim above deletes
	 * a stale row only when its own key comes back. In batches, so a
	 * large backlog never holds many locks at once. */
	static const char sql[] = "DELETE FROM idempotency_keys"
		" WHERE created_at < NOW(6) - INTERVAL ? SECOND LIMIT 5000";
	uint64_t affected, total = 0;
	int rc;

	do {
		affected = 0;
		rc = db_exec(sql, DBP(DB_INT(STORE_IDEM_KEEP_S)), &affected, NULL);
		total += affected;
	} while (rc == 0 && affected == 5000);
	if (n != NULL)
		*n = total;
	return rc;
}

int store_ord_expire_due(uint64_t *n)
{
	static const char sql[] = "UPDATE orders SET status = 'expired',"
		" updated_at = NOW(6) WHERE status = 'pending'"
		" AND expires_at <= NOW(6)";
	uint64_t affected = 0;
	int rc;

	rc = db_exec(sql, NULL, 0, &affected, NULL);
	if (n != NULL)
		*n = affected;
	return rc;
}
