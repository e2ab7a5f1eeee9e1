/* SQL for payments. An event is recorded once (its unique event id
 * decides a race between deliveries), under the lock of its order's row,
 * and then the order is folded from all of its events: the fold only
 * reads sets (is there a matching payment, which refunds and disputes
 * exist and how each ended), so any arrival order of the same events
 * ends in the same order state, grants and ledger sums. The ledger and
 * the developers' sale events are written as differences between what
 * the fold says and what is already there, so a fold that changes
 * nothing writes nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "arena.h"
#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "store/audit.h"
#include "store/devhooks.h"
#include "store/licenses.h"
#include "store/outbox.h"
#include "store/payments.h"
#include "store/tx.h"

#define MAX_ITEMS 64

int64_t store_pay_fee(int64_t amount, int64_t bps)
{
	if (amount < 0)
		return -store_pay_fee(-amount, bps);
	return (amount * bps + 5000) / 10000;
}

int64_t store_pay_share(int64_t total, const int64_t *amounts, size_t n,
	size_t i)
{
	int64_t sum = 0, given = 0;
	size_t k;

	for (k = 0; k < n; k++)
		sum += amounts[k];
	if (sum <= 0 || n == 0)
		return i == n - 1 ? total : 0;
	if (i + 1 < n)
		return total * amounts[i] / sum;
	for (k = 0; k + 1 < n; k++)
		given += total * amounts[k] / sum;
	return total - given;
}

/* The order row the fold reads and writes. */
struct order_row {
	int64_t id, user_id, total, paid, refunded, requested;
	char public_id[37];
	const char *status, *currency, *payment_ref, *dispute, *review,
		*email;
};

/* One order item with what the ledger already holds for it, per group. */
struct item_row {
	int64_t id, plan_id, extension_id, developer_id, amount, fee_bps;
	const char *kind, *interval, *currency, *slug;
	int64_t sale_gross, sale_fee, refund_gross, refund_fee, loss_gross,
		loss_fee;
};

/* What the fold concludes from an order's events. */
struct fold {
	int paid_ok, failed, expired;
	int64_t paid, refunded, answered, lost;
	const char *review;
	const char *dispute;      /* none, open, won, lost */
	const char *status;
	const char *grant;        /* active, suspended, revoked, NULL */
	const char *email;        /* the buyer's, for the receipt */
};

static int order_load(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, struct order_row *o)
{
	struct db_result r;
	int rc;

	rc = store_one(a, sql, p, np, &r);
	if (rc != 0)
		return rc;
	o->id = db_int(&r, 0, 0, 0);
	db_str_copy(&r, 0, 1, o->public_id, sizeof(o->public_id));
	o->user_id = db_int(&r, 0, 2, 0);
	o->status = db_str(&r, 0, 3);
	o->total = db_int(&r, 0, 4, 0);
	o->currency = db_str(&r, 0, 5);
	o->payment_ref = db_str(&r, 0, 6);
	o->paid = db_int(&r, 0, 7, 0);
	o->refunded = db_int(&r, 0, 8, 0);
	o->requested = db_int(&r, 0, 9, 0);
	o->dispute = db_str(&r, 0, 10);
	o->review = db_str(&r, 0, 11);
	o->email = NULL;  /* read by the fold, a plain read */
	return 0;
}

/* The order the event is about, its row locked: by our order id, else
 * the Checkout Session, else the PaymentIntent. Only the order's row: a
 * join would lock the buyer's users row too, and every payment of one
 * buyer (and anything else holding that row, even shared, as a foreign
 * key check does) would wait for the others. The locking reads also
 * order a held event against the payment that attaches it (a payment
 * setting provider_payment waits for, or is waited on by, a held event
 * looking the same PaymentIntent up). DF_ENOTFOUND when none. */
static int order_find(struct arena *a, const struct pay_event *ev,
	struct order_row *o)
{
	static const char by_pid[] = "SELECT o.id, o.public_id, o.user_id,"
		" o.status, o.total_amount, o.currency, o.provider_payment,"
		" o.paid_amount, o.refunded_amount, o.refund_requested_amount,"
		" o.dispute_status, o.review_reason FROM orders o"
		" WHERE o.public_id = ? FOR UPDATE";
	static const char by_session[] = "SELECT o.id, o.public_id,"
		" o.user_id, o.status, o.total_amount, o.currency,"
		" o.provider_payment, o.paid_amount, o.refunded_amount,"
		" o.refund_requested_amount, o.dispute_status, o.review_reason"
		" FROM orders o WHERE o.provider_session = ? FOR UPDATE";
	static const char by_payment[] = "SELECT o.id, o.public_id,"
		" o.user_id, o.status, o.total_amount, o.currency,"
		" o.provider_payment, o.paid_amount, o.refunded_amount,"
		" o.refund_requested_amount, o.dispute_status, o.review_reason"
		" FROM orders o WHERE o.provider_payment = ? FOR UPDATE";
	int rc = DF_ENOTFOUND;

	if (ev->order_id != NULL && strlen(ev->order_id) == 36)
		rc = order_load(a, by_pid, DBP(DB_STR(ev->order_id)), o);
	if (rc == DF_ENOTFOUND && ev->session_ref != NULL)
		rc = order_load(a, by_session, DBP(DB_STR(ev->session_ref)), o);
	if (rc == DF_ENOTFOUND && ev->payment_ref != NULL)
		rc = order_load(a, by_payment, DBP(DB_STR(ev->payment_ref)), o);
	return rc;
}

static int event_insert(const struct pay_event *ev, int64_t order_id)
{
	static const char sql[] =
		"INSERT INTO payment_events (event_id, type, kind, order_id,"
		" payment_ref, ref, amount, currency, event_created,"
		" received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
		" FROM_UNIXTIME(?), UTC_TIMESTAMP(6))";

	return db_exec(sql, DBP(DB_STR(ev->event_id), DB_STR(ev->type),
		DB_STR(stripe_event_kind_name(ev->kind)),
		order_id > 0 ? DB_INT(order_id) : DB_NULL(),
		DB_STR(ev->payment_ref), DB_STR(ev->ref),
		ev->amount >= 0 ? DB_INT(ev->amount) : DB_NULL(),
		DB_STR(ev->currency), DB_INT(ev->created)), NULL, NULL);
}

/* Per refund or dispute reference: its largest amount and how it ended. */
struct ref_state {
	const char *ref;
	int64_t amount;
	int failed, open, won, lost;
};

static struct ref_state *ref_slot(struct ref_state *refs, size_t *n,
	size_t cap, const char *ref)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(refs[i].ref, ref) == 0)
			return &refs[i];
	if (*n == cap)
		return NULL;
	memset(&refs[*n], 0, sizeof(refs[*n]));
	refs[*n].ref = ref;
	return &refs[(*n)++];
}

/* The fold over the order's events (the rules of DESIGN11.md). */
static int fold_events(struct arena *a, const struct order_row *o,
	struct fold *f)
{
	/* The buyer's address rides along (a plain read, no lock on the
	 * users row) rather than costing the receipt a query of its own. */
	static const char sql[] =
		"SELECT e.kind, e.ref, e.amount, e.currency,"
		" e.event_created < o.expires_at, u.email"
		" FROM payment_events e JOIN orders o ON o.id = e.order_id"
		" LEFT JOIN users u ON u.id = o.user_id WHERE e.order_id = ?";
	struct db_result r;
	struct ref_state *refunds, *disputes, *s;
	size_t nref = 0, ndis = 0, i;
	int64_t refs_ok = 0, refs_all = 0, cumulative = 0, lost = 0;
	int open = 0, won = 0, any_lost = 0, rc;

	memset(f, 0, sizeof(*f));
	rc = db_query(a, sql, DBP(DB_INT(o->id)), &r);
	if (rc != 0)
		return rc;
	f->email = r.nrows > 0 ? db_str(&r, 0, 5) : NULL;
	refunds = arena_calloc(a, r.nrows + 1, sizeof(*refunds));
	disputes = arena_calloc(a, r.nrows + 1, sizeof(*disputes));
	if (refunds == NULL || disputes == NULL)
		return DF_ENOMEM;
	for (i = 0; i < r.nrows; i++) {
		const char *kind = db_str(&r, i, 0), *ref = db_str(&r, i, 1);
		const char *cur = db_str(&r, i, 3);
		int64_t amount = db_int(&r, i, 2, -1);
		int in_time = db_int(&r, i, 4, 0) == 1;

		if (strcmp(kind, "paid") == 0) {
			if (amount != o->total || cur == NULL ||
			    strcmp(cur, o->currency) != 0)
				f->review = "The payment's amount or currency "
					"does not match the order.";
			else if (!in_time) {
				if (f->review == NULL)
					f->review = "The payment was made after "
						"the order expired.";
			} else
				f->paid_ok = 1;
		} else if (strcmp(kind, "payment_failed") == 0) {
			f->failed = 1;
		} else if (strcmp(kind, "expired") == 0) {
			f->expired = 1;
		} else if (strcmp(kind, "refund") == 0 ||
		    strcmp(kind, "refund_failed") == 0) {
			if (ref == NULL) {
				if (amount > cumulative)
					cumulative = amount;
				continue;
			}
			s = ref_slot(refunds, &nref, r.nrows, ref);
			if (s == NULL)
				return DF_EINTERNAL;
			if (amount > s->amount)
				s->amount = amount;
			if (kind[6] == '_')
				s->failed = 1;
		} else if (strncmp(kind, "dispute_", 8) == 0) {
			if (ref == NULL)
				continue;
			s = ref_slot(disputes, &ndis, r.nrows, ref);
			if (s == NULL)
				return DF_EINTERNAL;
			if (amount > s->amount)
				s->amount = amount;
			if (strcmp(kind, "dispute_open") == 0)
				s->open = 1;
			else if (strcmp(kind, "dispute_won") == 0)
				s->won = 1;
			else
				s->lost = 1;
		}
	}
	for (i = 0; i < nref; i++) {
		refs_all += refunds[i].amount;
		if (!refunds[i].failed)
			refs_ok += refunds[i].amount;
	}
	/* A dispute closed beats it open; lost beats won. */
	for (i = 0; i < ndis; i++) {
		if (disputes[i].lost) {
			any_lost = 1;
			lost += disputes[i].amount;
		} else if (disputes[i].won) {
			won = 1;
		} else {
			open = 1;
		}
	}
	f->paid = f->paid_ok ? o->total : 0;
	/* A charge.refunded without its refund list tells only the
	 * charge's cumulative refunded amount: the largest one stands. */
	f->refunded = refs_ok > cumulative ? refs_ok : cumulative;
	if (f->refunded > f->paid)
		f->refunded = f->paid;
	f->answered = refs_all > cumulative ? refs_all : cumulative;
	f->lost = lost;
	if (f->lost > f->paid - f->refunded)
		f->lost = f->paid - f->refunded;
	f->dispute = any_lost ? "lost" : open ? "open" : won ? "won" : "none";
	if (!f->paid_ok) {
		f->refunded = 0;
		f->lost = 0;
		f->status = f->failed ? "failed" : f->expired ||
			strcmp(o->status, "expired") == 0 ? "expired" :
			"pending";
		f->grant = NULL;
		return 0;
	}
	if (f->refunded >= f->paid)
		f->status = "refunded";
	else if (open || any_lost)
		f->status = "disputed";
	else if (o->requested > f->answered)
		f->status = "refund_pending";
	else
		f->status = "paid";
	/* A partial refund revokes nothing: the buyer keeps what a part of
	 * the price still pays for. */
	if (f->refunded >= f->paid || any_lost)
		f->grant = "revoked";
	else if (open)
		f->grant = "suspended";
	else
		f->grant = "active";
	return 0;
}

static int items_load(struct arena *a, int64_t order_id,
	struct item_row **out, size_t *n)
{
	static const char sql[] =
		"SELECT i.id, i.kind, i.plan_id, i.billing_interval,"
		" i.extension_id, i.developer_id, i.amount, i.currency,"
		" i.fee_bps, x.slug,"
		" COALESCE(SUM(IF(l.kind = 'sale', l.gross, 0)), 0),"
		" COALESCE(SUM(IF(l.kind = 'sale', l.fee, 0)), 0),"
		" COALESCE(SUM(IF(l.kind IN ('refund', 'refund_reversal'),"
		"  l.gross, 0)), 0),"
		" COALESCE(SUM(IF(l.kind IN ('refund', 'refund_reversal'),"
		"  l.fee, 0)), 0),"
		" COALESCE(SUM(IF(l.kind IN ('dispute_loss',"
		"  'dispute_reversal'), l.gross, 0)), 0),"
		" COALESCE(SUM(IF(l.kind IN ('dispute_loss',"
		"  'dispute_reversal'), l.fee, 0)), 0)"
		" FROM order_items i"
		" LEFT JOIN extensions x ON x.id = i.extension_id"
		" LEFT JOIN ledger_entries l ON l.order_item_id = i.id"
		" WHERE i.order_id = ? GROUP BY i.id ORDER BY i.position";
	struct db_result r;
	struct item_row *it;
	size_t i;
	int rc;

	rc = db_query(a, sql, DBP(DB_INT(order_id)), &r);
	if (rc != 0)
		return rc;
	if (r.nrows > MAX_ITEMS)
		return DF_EINTERNAL;
	it = arena_calloc(a, r.nrows + 1, sizeof(*it));
	if (it == NULL)
		return DF_ENOMEM;
	for (i = 0; i < r.nrows; i++) {
		it[i].id = db_int(&r, i, 0, 0);
		it[i].kind = db_str(&r, i, 1);
		it[i].plan_id = db_int(&r, i, 2, 0);
		it[i].interval = db_str(&r, i, 3);
		it[i].extension_id = db_int(&r, i, 4, 0);
		it[i].developer_id = db_int(&r, i, 5, 0);
		it[i].amount = db_int(&r, i, 6, 0);
		it[i].currency = db_str(&r, i, 7);
		it[i].fee_bps = db_int(&r, i, 8, 0);
		it[i].slug = db_str(&r, i, 9);
		it[i].sale_gross = db_int(&r, i, 10, 0);
		it[i].sale_fee = db_int(&r, i, 11, 0);
		it[i].refund_gross = db_int(&r, i, 12, 0);
		it[i].refund_fee = db_int(&r, i, 13, 0);
		it[i].loss_gross = db_int(&r, i, 14, 0);
		it[i].loss_fee = db_int(&r, i, 15, 0);
	}
	*out = it;
	*n = r.nrows;
	return 0;
}

static int ledger_add(const struct order_row *o, const struct item_row *it,
	const char *kind, int64_t gross, int64_t fee)
{
	static const char sql[] =
		"INSERT INTO ledger_entries (order_id, order_item_id,"
		" developer_id, kind, gross, fee, net, currency, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))";

	return db_exec(sql, DBP(DB_INT(o->id), DB_INT(it->id),
		it->developer_id > 0 ? DB_INT(it->developer_id) : DB_NULL(),
		DB_STR(kind), DB_INT(gross), DB_INT(fee), DB_INT(gross - fee),
		DB_STR(it->currency)), NULL, NULL);
}

/* A developer's sale event (the durable outbox devhooks fans out). */
static int dev_event(struct arena *a, const struct order_row *o,
	const struct item_row *it, const char *type, int64_t gross,
	int64_t fee)
{
	struct json_object *data;

	if (it->developer_id <= 0)
		return 0;
	data = json_object_new_object();
	if (data == NULL)
		return DF_ENOMEM;
	json_object_object_add(data, "order_id",
		json_object_new_string(o->public_id));
	json_object_object_add(data, "extension",
		json_object_new_string(it->slug != NULL ? it->slug : ""));
	json_object_object_add(data, "gross", json_object_new_int64(gross));
	json_object_object_add(data, "fee", json_object_new_int64(fee));
	json_object_object_add(data, "net", json_object_new_int64(gross - fee));
	json_object_object_add(data, "currency",
		json_object_new_string(it->currency));
	return store_devhooks_emit(a, it->developer_id, type, data, time(NULL));
}

/* One ledger group of an item brought to its target: a row for the
 * difference (kind by its sign) and the developer's event for it. */
static int ledger_group(struct arena *a, const struct order_row *o,
	const struct item_row *it, int64_t target, int64_t have_gross,
	int64_t have_fee, const char *down, const char *up,
	const char *ev_down, const char *ev_up)
{
	int64_t fee = store_pay_fee(target, it->fee_bps);
	int64_t dg = target - have_gross, df = fee - have_fee;
	int rc;

	if (dg == 0 && df == 0)
		return 0;
	rc = ledger_add(o, it, dg < 0 ? down : up, dg, df);
	if (rc == 0 && (dg < 0 ? ev_down : ev_up) != NULL &&
	    strcmp(it->kind, "extension") == 0)
		rc = dev_event(a, o, it, dg < 0 ? ev_down : ev_up, dg, df);
	return rc;
}

static int entitlement_set(const struct order_row *o,
	const struct item_row *it, const char *status)
{
	static const char sql[] =
		"INSERT INTO entitlements (user_id, extension_id, order_item_id,"
		" status, created_at, updated_at) VALUES (?, ?, ?, ?,"
		" UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
		" ON DUPLICATE KEY UPDATE"
		" updated_at = IF(status = VALUES(status), updated_at,"
		"  VALUES(updated_at)), status = VALUES(status)";

	return db_exec(sql, DBP(DB_INT(o->user_id), DB_INT(it->extension_id),
		DB_INT(it->id), DB_STR(status)), NULL, NULL);
}

static int audit_change(const struct order_row *o, const char *to,
	const struct fold *f, const char *event_id)
{
	struct json_object *d = json_object_new_object();
	char event[48];
	int rc;

	if (d == NULL)
		return DF_ENOMEM;
	json_object_object_add(d, "from", json_object_new_string(o->status));
	json_object_object_add(d, "to", json_object_new_string(to));
	json_object_object_add(d, "paid", json_object_new_int64(f->paid));
	json_object_object_add(d, "refunded",
		json_object_new_int64(f->refunded));
	json_object_object_add(d, "currency",
		json_object_new_string(o->currency));
	if (event_id != NULL)
		json_object_object_add(d, "event_id",
			json_object_new_string(event_id));
	snprintf(event, sizeof(event), "order.%s", to);
	rc = store_audit_add(event, NULL, o->public_id, NULL, NULL,
		json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
	json_object_put(d);
	return rc;
}

static int receipt(struct arena *a, const struct order_row *o,
	const struct item_row *it, size_t n)
{
	char *body;
	size_t i;

	body = arena_printf(a, "Thank you for your purchase.\n\n"
		"Order %s\n", o->public_id);
	for (i = 0; body != NULL && i < n; i++)
		body = arena_printf(a, "%s  %s %s: %lld.%02lld %s\n", body,
			it[i].kind, strcmp(it[i].kind, "plan") == 0 ?
			(it[i].interval != NULL ? it[i].interval : "") :
			(it[i].slug != NULL ? it[i].slug : ""),
			(long long)(it[i].amount / 100),
			(long long)(it[i].amount % 100), it[i].currency);
	if (body != NULL)
		body = arena_printf(a, "%sTotal paid: %lld.%02lld %s\n", body,
			(long long)(o->total / 100), (long long)(o->total % 100),
			o->currency);
	if (body == NULL)
		return DF_ENOMEM;
	if (o->email == NULL || *o->email == '\0')
		return 0;
	return store_outbox_enqueue(o->email, "Your Dev Forge receipt", body,
		"order_receipt");
}

/* Folds the locked order o and writes every difference. */
static int fold_order(struct arena *a, struct order_row *o,
	const char *event_id, struct store_pay_result *out)
{
	static const char upd[] =
		"UPDATE orders SET status = ?, paid_amount = ?,"
		" refunded_amount = ?, dispute_status = ?, review_reason = ?,"
		" paid_at = IF(? > 0, COALESCE(paid_at, UTC_TIMESTAMP(6)),"
		"  paid_at), updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct item_row *it;
	int64_t amounts[MAX_ITEMS], share;
	struct fold f;
	size_t n, i;
	int rc, changed;

	rc = fold_events(a, o, &f);
	if (rc != 0)
		return rc;
	if (f.review == NULL && o->review != NULL)
		f.review = o->review;  /* a person clears it, not the fold */
	changed = strcmp(f.status, o->status) != 0 || f.paid != o->paid ||
		f.refunded != o->refunded || strcmp(f.dispute, o->dispute) != 0 ||
		(f.review != NULL) != (o->review != NULL);
	out->status = f.status;
	out->review_reason = f.review;
	if (changed) {
		rc = db_exec(upd, DBP(DB_STR(f.status), DB_INT(f.paid),
			DB_INT(f.refunded), DB_STR(f.dispute), DB_STR(f.review),
			DB_INT(f.paid), DB_INT(o->id)), NULL, NULL);
		if (rc != 0)
			return rc;
	}
	if (strcmp(f.status, o->status) != 0) {
		rc = audit_change(o, f.status, &f, event_id);
		if (rc != 0)
			return rc;
	}
	if (!f.paid_ok)
		return 0;

	rc = items_load(a, o->id, &it, &n);
	if (rc != 0)
		return rc;
	for (i = 0; i < n; i++)
		amounts[i] = it[i].amount;
	for (i = 0; i < n; i++) {
		/* Grants. */
		if (strcmp(it[i].kind, "extension") == 0 &&
		    it[i].extension_id > 0) {
			rc = entitlement_set(o, &it[i], f.grant);
		} else if (strcmp(it[i].kind, "plan") == 0) {
			rc = store_lic_grant_for_item(a, it[i].id, o->user_id,
				(int)it[i].plan_id, it[i].interval, clock_now());
			if (rc == 0)
				rc = store_lic_set_item_status(it[i].id, f.grant,
					strcmp(f.grant, "active") == 0 ? NULL :
					strcmp(f.grant, "suspended") == 0 ?
					"payment disputed" : f.refunded >= f.paid ?
					"order refunded" : "dispute lost");
		}
		if (rc != 0)
			return rc;
		/* Ledger, per cause. */
		share = store_pay_share(f.paid, amounts, n, i);
		rc = ledger_group(a, o, &it[i], share, it[i].sale_gross,
			it[i].sale_fee, "sale", "sale", NULL, "sale.completed");
		if (rc == 0)
			rc = ledger_group(a, o, &it[i],
				-store_pay_share(f.refunded, amounts, n, i),
				it[i].refund_gross, it[i].refund_fee, "refund",
				"refund_reversal", "sale.refunded",
				"sale.refund_reversed");
		if (rc == 0)
			rc = ledger_group(a, o, &it[i],
				-store_pay_share(f.lost, amounts, n, i),
				it[i].loss_gross, it[i].loss_fee, "dispute_loss",
				"dispute_reversal", "sale.dispute_lost", NULL);
		if (rc != 0)
			return rc;
		/* Dispute news with the item's own amounts. */
		if (strcmp(it[i].kind, "extension") == 0 &&
		    strcmp(f.dispute, o->dispute) != 0 &&
		    (strcmp(f.dispute, "open") == 0 ||
		     strcmp(f.dispute, "won") == 0)) {
			rc = dev_event(a, o, &it[i], strcmp(f.dispute, "open") == 0 ?
				"sale.disputed" : "sale.dispute_won", share,
				store_pay_fee(share, it[i].fee_bps));
			if (rc != 0)
				return rc;
		}
	}
	if (o->paid == 0 && f.paid > 0) {
		o->email = f.email;
		return receipt(a, o, it, n);
	}
	return 0;
}

/* A PaymentIntent learnt from a payment: stored on the order, and the
 * events held for it attached. */
static int attach_payment(struct order_row *o, const struct pay_event *ev)
{
	static const char set[] =
		"UPDATE orders SET provider_payment = ? WHERE id = ?"
		" AND provider_payment IS NULL";
	static const char held[] =
		"UPDATE payment_events SET order_id = ?"
		" WHERE payment_ref = ? AND order_id IS NULL";
	int rc;

	if (o->payment_ref == NULL) {
		if (ev->kind != PAY_PAID || ev->payment_ref == NULL)
			return 0;
		rc = db_exec(set, DBP(DB_STR(ev->payment_ref), DB_INT(o->id)),
			NULL, NULL);
		if (rc != 0)
			return rc;
		o->payment_ref = ev->payment_ref;
	}
	return db_exec(held, DBP(DB_INT(o->id), DB_STR(o->payment_ref)),
		NULL, NULL);
}

int store_pay_record(struct arena *a, const struct pay_event *ev,
	struct store_pay_result *out)
{
	struct order_row o;
	int rc, found;

	memset(out, 0, sizeof(*out));
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = order_find(a, ev, &o);
	found = rc == 0;
	if (rc == DF_ENOTFOUND)
		rc = 0;
	if (rc == 0)
		rc = event_insert(ev, found ? o.id : 0);
	if (rc == DF_ECONFLICT) {
		/* Recorded before (or by a delivery racing this one, whose
		 * commit the unique key waited for): nothing to do. */
		store_tx_rollback();
		out->outcome = "replayed";
		return 0;
	}
	if (rc != 0)
		return store_tx_end(rc);
	if (!found) {
		out->outcome = ev->kind == PAY_IGNORED ? "ignored" :
			ev->payment_ref != NULL ? "held" : "unknown_order";
		log_msg(LOG_WARN, "payment event %s (%s): no order; %s",
			ev->event_id, ev->type, out->outcome);
		return store_tx_end(0);
	}
	memcpy(out->order_id, o.public_id, sizeof(out->order_id));
	rc = attach_payment(&o, ev);
	if (rc == 0 && ev->kind == PAY_IGNORED) {
		out->outcome = "ignored";
		out->status = arena_strdup(a, o.status);
		return store_tx_end(0);
	}
	if (rc == 0)
		rc = fold_order(a, &o, ev->event_id, out);
	out->outcome = "processed";
	return store_tx_end(rc);
}

int store_pay_entitled(int64_t user_id, int64_t extension_id)
{
	static const char sql[] =
		"SELECT EXISTS (SELECT 1 FROM entitlements WHERE user_id = ?"
		" AND extension_id = ? AND status = 'active')";
	int64_t v;
	int rc;

	if (user_id <= 0)
		return 0;
	rc = store_number_of(sql, DBP(DB_INT(user_id), DB_INT(extension_id)),
		&v);
	return rc != 0 ? rc : v == 1;
}

int store_pay_order_get(struct arena *a, const char *public_id,
	struct store_pay_order *out)
{
	static const char sql[] =
		"SELECT id, public_id, status, currency, provider_payment,"
		" total_amount, paid_amount, refunded_amount,"
		" refund_requested_amount FROM orders WHERE public_id = ?";
	struct db_result r;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(public_id)), &r);
	if (rc != 0)
		return rc;
	out->id = db_int(&r, 0, 0, 0);
	db_str_copy(&r, 0, 1, out->public_id, sizeof(out->public_id));
	out->status = db_str(&r, 0, 2);
	out->currency = db_str(&r, 0, 3);
	out->payment_ref = db_str(&r, 0, 4);
	out->total = db_int(&r, 0, 5, 0);
	out->paid = db_int(&r, 0, 6, 0);
	out->refunded = db_int(&r, 0, 7, 0);
	out->requested = db_int(&r, 0, 8, 0);
	return 0;
}

int store_pay_refund_requested(struct arena *a, const char *public_id,
	int64_t amount, const char *reason, struct store_pay_result *out)
{
	static const char by_pid[] = "SELECT o.id, o.public_id, o.user_id,"
		" o.status, o.total_amount, o.currency, o.provider_payment,"
		" o.paid_amount, o.refunded_amount, o.refund_requested_amount,"
		" o.dispute_status, o.review_reason FROM orders o"
		" WHERE o.public_id = ? FOR UPDATE";
	static const char upd[] =
		"UPDATE orders SET refund_requested_amount = ?,"
		" refund_reason = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct order_row o;
	struct fold f;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = order_load(a, by_pid, DBP(DB_STR(public_id)), &o);
	if (rc == 0)
		rc = fold_events(a, &o, &f);
	if (rc == 0 && ((strcmp(o.status, "paid") != 0 &&
	    strcmp(o.status, "disputed") != 0) || amount <= 0 ||
	    amount > o.paid - o.refunded))
		rc = DF_ECONFLICT;
	if (rc == 0) {
		/* What the provider has answered so far plus this request:
		 * the order is refund_pending until its events reach it. */
		int64_t base = o.requested > f.answered ? o.requested :
			f.answered;

		rc = db_exec(upd, DBP(DB_INT(base + amount), DB_STR(reason),
			DB_INT(o.id)), NULL, NULL);
		o.requested = base + amount;
	}
	if (rc == 0) {
		memcpy(out->order_id, o.public_id, sizeof(out->order_id));
		rc = fold_order(a, &o, NULL, out);
		out->outcome = "processed";
	}
	return store_tx_end(rc);
}
