/* Payments through the front server with the Stripe stand-in: events are
 * built in Stripe's envelope and signed by Stripe's own library
 * (stripe_kit), orders and their items are made directly in the database
 * (the order routes are another module's). Paying grants the paid
 * extension (download, review) with ledger rows, a developer event, a
 * receipt mail and an audit entry; an event id counts once however often
 * and however concurrently it comes; every order of the paid, refund and
 * dispute events ends in the same state; refunds before their payment
 * are held; bad signatures, old timestamps, tampered or malformed bodies
 * and unknown orders change nothing; a statement stopped by a row lock
 * answers 503 and Stripe's retry then counts once. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <mysql.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "market.h"
#include "stripe_kit.h"

#define PRICE 1999

MARKET_SUITE(payments);

struct order {
	char pid[40];
	char cs[64];
	char pi[64];
	char slug[80];
	long id;
};

static const char *uniq(const char *prefix)
{
	return client_unique(prefix);
}

/* The first column of sql (printf format) as a number, -1 for no row. */
__attribute__((format(printf, 1, 2)))
static long num(const char *fmt, ...)
{
	char sql[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return client_sql_long(sql);
}

/* The first column of sql as a string (malloc'd, "" for no row). */
__attribute__((format(printf, 1, 2)))
static char *str(const char *fmt, ...)
{
	char sql[4096], *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	v = client_sql(sql);
	return v != NULL ? v : strdup("");
}

static void expect_str(char *got, const char *want, const char *what)
{
	cr_expect_str_eq(got, want, "%s: %s, not %s", what, got, want);
	free(got);
}

/* A published extension of cast.dev priced PRICE USD. */
static void paid_extension(char *slug, size_t cap)
{
	snprintf(slug, cap, "%s", market_slug("paid"));
	market_create(cast.dev, slug, "");
	market_publish(&cast, slug, "1.0.0", "*");
	free(client_sqlf("UPDATE extensions SET price_amount = %d,"
		" price_currency = 'USD' WHERE slug = '%s'", PRICE, slug));
}

/* A pending order of cast.user for one paid extension, expiring after
 * expires_s seconds (negative: already expired). */
static void order_for(struct order *o, const char *slug, long expires_s)
{
	char *pid;

	memset(o, 0, sizeof(*o));
	snprintf(o->slug, sizeof(o->slug), "%s", slug);
	snprintf(o->cs, sizeof(o->cs), "cs_test_%s", uniq("s"));
	snprintf(o->pi, sizeof(o->pi), "pi_%s", uniq("p"));
	pid = client_sqlf("SET @pid = UUID();"
		"INSERT INTO orders (public_id, user_id, status, total_amount,"
		" currency, provider_session, expires_at, created_at, updated_at)"
		" SELECT @pid, id, 'pending', %d, 'USD', '%s',"
		" UTC_TIMESTAMP(6) + INTERVAL %ld SECOND, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM users WHERE public_id = '%s';"
		"INSERT INTO order_items (order_id, position, kind, extension_id,"
		" developer_id, amount, currency, fee_bps)"
		" SELECT LAST_INSERT_ID(), 1, 'extension', e.id, e.owner_id, %d,"
		" 'USD', 3000 FROM extensions e WHERE e.slug = '%s';"
		"SELECT @pid", PRICE, o->cs, expires_s, cast.user_pid, PRICE,
		o->slug);
	cr_assert_not_null(pid);
	cr_assert_eq(strlen(pid), 36, "order: %s", pid);
	snprintf(o->pid, sizeof(o->pid), "%s", pid);
	free(pid);
	o->id = num("SELECT id FROM orders WHERE public_id = '%s'", o->pid);
}

/* The same for a new paid extension of its own. */
static void order_new(struct order *o, long expires_s)
{
	char slug[80];

	paid_extension(slug, sizeof(slug));
	order_for(o, slug, expires_s);
}

/* --- events, as Stripe sends them ------------------------------------ */

/* The JSON text of a new event (malloc'd). */
static char *event(const char *type, const char *object)
{
	struct json_object *e = stripe_kit_event(type, object);
	char *t = strdup(stripe_kit_text(e));

	json_object_put(e);
	return t;
}

static char *ev_paid(const struct order *o, long amount, const char *cur)
{
	char obj[1024];

	snprintf(obj, sizeof(obj), "{\"id\":\"%s\",\"object\":"
		"\"checkout.session\",\"amount_total\":%ld,\"currency\":\"%s\","
		"\"payment_status\":\"paid\",\"status\":\"complete\","
		"\"payment_intent\":\"%s\",\"metadata\":{\"order_id\":\"%s\"}}",
		o->cs, amount, cur, o->pi, o->pid);
	return event("checkout.session.completed", obj);
}

/* charge.refunded with one refund re of amount (status). */
static char *ev_charge_refunded(const struct order *o, const char *re,
	long amount, const char *status)
{
	char obj[1024];

	snprintf(obj, sizeof(obj), "{\"id\":\"ch_%s\",\"object\":\"charge\","
		"\"payment_intent\":\"%s\",\"amount\":%d,\"amount_refunded\":%ld,"
		"\"currency\":\"usd\",\"refunds\":{\"object\":\"list\",\"data\":"
		"[{\"id\":\"%s\",\"object\":\"refund\",\"amount\":%ld,"
		"\"currency\":\"usd\",\"status\":\"%s\",\"payment_intent\":"
		"\"%s\"}]}}", o->pi + 3, o->pi, PRICE, amount, re, amount, status,
		o->pi);
	return event("charge.refunded", obj);
}

static char *ev_refund(const char *type, const struct order *o,
	const char *re, long amount, const char *status)
{
	char obj[512];

	snprintf(obj, sizeof(obj), "{\"id\":\"%s\",\"object\":\"refund\","
		"\"amount\":%ld,\"currency\":\"usd\",\"status\":\"%s\","
		"\"payment_intent\":\"%s\"}", re, amount, status, o->pi);
	return event(type, obj);
}

static char *ev_dispute(const struct order *o, const char *dp,
	const char *type, const char *status)
{
	char obj[512];

	snprintf(obj, sizeof(obj), "{\"id\":\"%s\",\"object\":\"dispute\","
		"\"amount\":%d,\"currency\":\"usd\",\"status\":\"%s\","
		"\"payment_intent\":\"%s\",\"reason\":\"fraudulent\"}", dp, PRICE,
		status, o->pi);
	return event(type, obj);
}

/* Delivers the event (signed by Stripe's library with the stack's
 * secret); asserts the status and, for 200, the outcome (NULL: any). */
static void deliver(const char *ev, long want, const char *outcome)
{
	char *body = NULL;
	long st = stripe_kit_deliver(ev, NULL, NULL, 0, &body);
	struct json_object *o;

	cr_assert_eq(st, want, "delivery: %ld, not %ld: %s", st, want,
		body ? body : "");
	if (want == 200 && outcome != NULL) {
		o = json_tokener_parse(body);
		cr_assert_not_null(o, "%s", body);
		cr_expect_str_eq(client_json_str(o, "outcome"), outcome,
			"outcome in %s", body);
		json_object_put(o);
	}
	free(body);
}

static char *dl_path(const struct order *o)
{
	static char p[256];

	snprintf(p, sizeof(p), EXT "/%s/versions/1.0.0/download", o->slug);
	return p;
}

static char *review_path(const struct order *o)
{
	static char p[256];

	snprintf(p, sizeof(p), EXT "/%s/reviews/me", o->slug);
	return p;
}

static char *ent(const struct order *o)
{
	return str("SELECT COALESCE((SELECT status FROM entitlements en"
		" JOIN order_items i ON i.id = en.order_item_id"
		" WHERE i.order_id = %ld), 'none')", o->id);
}

static long ledger_gross(const struct order *o)
{
	return num("SELECT COALESCE(SUM(gross), 0) FROM ledger_entries"
		" WHERE order_id = %ld", o->id);
}

static long ledger_fee(const struct order *o)
{
	return num("SELECT COALESCE(SUM(fee), 0) FROM ledger_entries"
		" WHERE order_id = %ld", o->id);
}

static long dev_events(const struct order *o, const char *type)
{
	return num("SELECT COUNT(*) FROM webhook_events WHERE type = '%s'"
		" AND JSON_VALUE(payload, '$.data.order_id') = '%s'", type,
		o->pid);
}

static char *order_col(const struct order *o, const char *col)
{
	return str("SELECT COALESCE(%s, 'NULL') FROM orders WHERE id = %ld",
		col, o->id);
}

/* --- paying ------------------------------------------------------------ */

Test(payments, paid_grants_download_and_review_with_ledger_event_mail_and_audit)
{
	struct order o;
	char *ev;

	order_new(&o, 3600);
	cr_assert_eq(market_status("GET", dl_path(&o), cast.user, NULL), 403);
	cr_assert_eq(market_status("PUT", review_path(&o), cast.user,
		"{\"rating\": 5}"), 403);

	ev = ev_paid(&o, PRICE, "usd");
	deliver(ev, 200, "processed");
	free(ev);

	expect_str(order_col(&o, "status"), "paid", "status");
	cr_expect_eq(num("SELECT paid_amount FROM orders WHERE id = %ld", o.id),
		PRICE);
	expect_str(order_col(&o, "provider_payment"), o.pi, "payment ref");
	expect_str(ent(&o), "active", "entitlement");
	cr_expect_eq(market_status("GET", dl_path(&o), cast.user, NULL), 200);
	cr_expect_eq(market_status("PUT", review_path(&o), cast.user,
		"{\"rating\": 5}"), 201);
	/* Another user bought nothing. */
	cr_expect_eq(market_status("GET", dl_path(&o), cast.dev2, NULL), 403);

	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld AND kind = 'sale' AND gross = %d AND fee = 600 AND"
		" net = 1399 AND developer_id = (SELECT id FROM users WHERE"
		" public_id = '%s')", o.id, PRICE, cast.dev_pid), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld", o.id), 1);
	cr_expect_eq(dev_events(&o, "sale.completed"), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM webhook_events WHERE"
		" JSON_VALUE(payload, '$.data.order_id') = '%s' AND"
		" JSON_VALUE(payload, '$.data.extension') = '%s' AND"
		" JSON_VALUE(payload, '$.data.net') = 1399 AND public_id LIKE"
		" 'evt\\_%%' AND user_id = (SELECT id FROM users WHERE public_id"
		" = '%s')", o.pid, o.slug, cast.dev_pid), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM mail_outbox WHERE template ="
		" 'order_receipt' AND to_addr = (SELECT email FROM users WHERE"
		" public_id = '%s') AND body LIKE '%%%s%%'", cast.user_pid, o.pid), 1);
	cr_expect_eq(client_audit_count("order.paid", o.pid), 1);
}

Test(payments, replay_of_one_event_id_changes_nothing)
{
	struct order o;
	long events;
	char *ev;

	order_new(&o, 3600);
	ev = ev_paid(&o, PRICE, "usd");
	deliver(ev, 200, "processed");
	events = num("SELECT COUNT(*) FROM payment_events");
	deliver(ev, 200, "replayed");
	deliver(ev, 200, "replayed");
	free(ev);
	cr_expect_eq(num("SELECT COUNT(*) FROM payment_events"), events);
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld", o.id), 1);
	cr_expect_eq(dev_events(&o, "sale.completed"), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM mail_outbox WHERE template ="
		" 'order_receipt' AND body LIKE '%%%s%%'", o.pid), 1);
	cr_expect_eq(client_audit_count("order.paid", o.pid), 1);
}

/* --- 100 deliveries of one event at once ------------------------------ */

#define RACERS 100

struct racer {
	const char *url, *body, *sig;
	long status;
};

static void *race(void *p)
{
	struct racer *r = p;
	struct client_resp resp;
	const char *h[] = { r->sig, "Content-Type: application/json", NULL };

	if (client_request("POST", r->url, h, r->body, strlen(r->body),
	    &resp) == 0) {
		r->status = resp.status;
		client_free(&resp);
	}
	return NULL;
}

Test(payments, concurrent_deliveries_of_one_event_grant_once)
{
	static struct racer r[RACERS];
	pthread_t t[RACERS];
	struct order o;
	char url[512], sig[4200], *ev, *h;
	int i, ok = 0;

	order_new(&o, 3600);
	ev = ev_paid(&o, PRICE, "usd");
	h = stripe_kit_sign(ev, NULL, 0);
	snprintf(sig, sizeof(sig), "Stripe-Signature: %s", h);
	snprintf(url, sizeof(url), "%s", client_url(STRIPE_KIT_WEBHOOK));
	for (i = 0; i < RACERS; i++) {
		r[i] = (struct racer){ .url = url, .body = ev, .sig = sig };
		cr_assert_eq(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].status == 200;
	}
	free(h);
	free(ev);
	cr_expect_eq(ok, RACERS, "%d of %d answered 200", ok, RACERS);
	cr_expect_eq(num("SELECT COUNT(*) FROM entitlements en JOIN order_items"
		" i ON i.id = en.order_item_id WHERE i.order_id = %ld", o.id), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld", o.id), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM payment_events WHERE order_id"
		" = %ld", o.id), 1);
	cr_expect_eq(dev_events(&o, "sale.completed"), 1);
	cr_expect_eq(client_audit_count("order.paid", o.pid), 1);
}

/* --- any order of the events ends alike ------------------------------- */

/* Every ordering of {paid, a partial refund, dispute opened, dispute
 * closed as `closed`} on a fresh order of one extension; each must end
 * in the given state, grant and ledger sums. */
static void permutations(const char *closed, const char *status,
	const char *dispute, const char *grant, long gross, long fee)
{
	static const int perm[24][4] = {
		{0,1,2,3},{0,1,3,2},{0,2,1,3},{0,2,3,1},{0,3,1,2},{0,3,2,1},
		{1,0,2,3},{1,0,3,2},{1,2,0,3},{1,2,3,0},{1,3,0,2},{1,3,2,0},
		{2,0,1,3},{2,0,3,1},{2,1,0,3},{2,1,3,0},{2,3,0,1},{2,3,1,0},
		{3,0,1,2},{3,0,2,1},{3,1,0,2},{3,1,2,0},{3,2,0,1},{3,2,1,0},
	};
	char slug[80], re[64], dp[64], *ev[4];
	struct order o;
	int p, k;

	paid_extension(slug, sizeof(slug));
	for (p = 0; p < 24; p++) {
		order_for(&o, slug, 3600);
		snprintf(re, sizeof(re), "re_%s", uniq("r"));
		snprintf(dp, sizeof(dp), "dp_%s", uniq("d"));
		ev[0] = ev_paid(&o, PRICE, "usd");
		ev[1] = ev_charge_refunded(&o, re, 500, "succeeded");
		ev[2] = ev_dispute(&o, dp, "charge.dispute.created",
			"needs_response");
		ev[3] = ev_dispute(&o, dp, "charge.dispute.closed", closed);
		for (k = 0; k < 4; k++)
			deliver(ev[perm[p][k]], 200, NULL);
		for (k = 0; k < 4; k++)
			free(ev[k]);
		expect_str(order_col(&o, "status"), status, "status");
		expect_str(order_col(&o, "dispute_status"), dispute, "dispute");
		cr_expect_eq(num("SELECT refunded_amount FROM orders WHERE id ="
			" %ld", o.id), 500, "ordering %d", p);
		expect_str(ent(&o), grant, "entitlement");
		cr_expect_eq(ledger_gross(&o), gross, "ordering %d: gross %ld",
			p, ledger_gross(&o));
		cr_expect_eq(ledger_fee(&o), fee, "ordering %d: fee %ld", p,
			ledger_fee(&o));
		cr_expect_eq(num("SELECT COUNT(*) FROM payment_events WHERE"
			" order_id = %ld", o.id), 4, "ordering %d: events", p);
		cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE"
			" order_id = %ld AND fee + net <> gross", o.id), 0);
	}
}

Test(payments, every_ordering_with_a_dispute_won_ends_alike, .timeout = 600)
{
	/* 1999 paid, 500 refunded: 1499 kept, fee 600 - 150. */
	permutations("won", "paid", "won", "active", 1499, 450);
}

Test(payments, every_ordering_with_a_dispute_lost_ends_alike, .timeout = 600)
{
	/* The lost dispute takes what the refund left. */
	permutations("lost", "disputed", "lost", "revoked", 0, 0);
}

/* --- refunds ------------------------------------------------------------ */

Test(payments, refund_before_payment_is_held_then_applied)
{
	struct order o;
	char re[64], *ev;

	order_new(&o, 3600);
	snprintf(re, sizeof(re), "re_%s", uniq("r"));
	ev = ev_charge_refunded(&o, re, PRICE, "succeeded");
	deliver(ev, 200, "held");
	free(ev);
	cr_expect_eq(num("SELECT COUNT(*) FROM payment_events WHERE ref = '%s'"
		" AND order_id IS NULL", re), 1);
	expect_str(order_col(&o, "status"), "pending", "status before");
	ev = ev_paid(&o, PRICE, "usd");
	deliver(ev, 200, "processed");
	free(ev);
	cr_expect_eq(num("SELECT COUNT(*) FROM payment_events WHERE ref = '%s'"
		" AND order_id = %ld", re, o.id), 1);
	expect_str(order_col(&o, "status"), "refunded", "status");
	expect_str(ent(&o), "revoked", "entitlement");
	cr_expect_eq(ledger_gross(&o), 0);
	cr_expect_eq(ledger_fee(&o), 0);
	cr_expect_eq(dev_events(&o, "sale.completed"), 1);
	cr_expect_eq(dev_events(&o, "sale.refunded"), 1);
	cr_expect_eq(market_status("GET", dl_path(&o), cast.user, NULL), 403);
}

Test(payments, refund_failed_restores_what_the_refund_revoked)
{
	struct order o;
	char re[64], *ev;

	order_new(&o, 3600);
	snprintf(re, sizeof(re), "re_%s", uniq("r"));
	ev = ev_paid(&o, PRICE, "usd");
	deliver(ev, 200, "processed");
	free(ev);
	ev = ev_refund("refund.created", &o, re, PRICE, "pending");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o, "status"), "refunded", "status");
	expect_str(ent(&o), "revoked", "entitlement");
	cr_expect_eq(ledger_gross(&o), 0);
	ev = ev_refund("refund.failed", &o, re, PRICE, "failed");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o, "status"), "paid", "status after");
	expect_str(ent(&o), "active", "entitlement after");
	cr_expect_eq(ledger_gross(&o), PRICE);
	cr_expect_eq(ledger_fee(&o), 600);
	cr_expect_eq(dev_events(&o, "sale.refund_reversed"), 1);
	cr_expect_eq(market_status("GET", dl_path(&o), cast.user, NULL), 200);
}

Test(payments, partial_refund_keeps_the_grant)
{
	struct order o;
	char re[64], *ev;

	order_new(&o, 3600);
	snprintf(re, sizeof(re), "re_%s", uniq("r"));
	ev = ev_paid(&o, PRICE, "usd");
	deliver(ev, 200, "processed");
	free(ev);
	ev = ev_charge_refunded(&o, re, 500, "succeeded");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o, "status"), "paid", "status");
	cr_expect_eq(num("SELECT refunded_amount FROM orders WHERE id = %ld",
		o.id), 500);
	expect_str(ent(&o), "active", "entitlement");
	cr_expect_eq(ledger_gross(&o), PRICE - 500);
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld AND kind = 'refund' AND gross = -500 AND fee = -150",
		o.id), 1);
	cr_expect_eq(market_status("GET", dl_path(&o), cast.user, NULL), 200);
}

Test(payments, dispute_open_suspends_download_and_review)
{
	struct order o;
	char dp[64], *ev;

	order_new(&o, 3600);
	snprintf(dp, sizeof(dp), "dp_%s", uniq("d"));
	ev = ev_paid(&o, PRICE, "usd");
	deliver(ev, 200, "processed");
	free(ev);
	ev = ev_dispute(&o, dp, "charge.dispute.created", "needs_response");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o, "status"), "disputed", "status");
	expect_str(ent(&o), "suspended", "entitlement");
	cr_expect_eq(market_status("GET", dl_path(&o), cast.user, NULL), 403);
	cr_expect_eq(market_status("PUT", review_path(&o), cast.user,
		"{\"rating\": 1}"), 403);
	cr_expect_eq(dev_events(&o, "sale.disputed"), 1);
	cr_expect_eq(client_audit_count("order.disputed", o.pid), 1);
}

/* --- what must change nothing ------------------------------------------- */

Test(payments, amount_or_currency_mismatch_flags_and_grants_nothing)
{
	struct order o, o2;
	char *ev;

	order_new(&o, 3600);
	ev = ev_paid(&o, PRICE - 1000, "usd");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o, "status"), "pending", "status");
	expect_str(order_col(&o, "review_reason IS NOT NULL"), "1", "review");
	expect_str(ent(&o), "none", "entitlement");
	cr_expect_eq(ledger_gross(&o), 0);
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld", o.id), 0);

	order_new(&o2, 3600);
	ev = ev_paid(&o2, PRICE, "eur");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o2, "status"), "pending", "status");
	expect_str(order_col(&o2, "review_reason IS NOT NULL"), "1", "review");
	expect_str(ent(&o2), "none", "entitlement");
	cr_expect_eq(market_status("GET", dl_path(&o2), cast.user, NULL), 403);
}

Test(payments, payment_after_expiry_grants_nothing)
{
	struct order o;
	char *ev;

	order_new(&o, -60);
	ev = ev_paid(&o, PRICE, "usd");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o, "paid_amount"), "0", "paid");
	expect_str(order_col(&o, "review_reason IS NOT NULL"), "1", "review");
	expect_str(ent(&o), "none", "entitlement");
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld", o.id), 0);
}

/* Everything the webhook may write, summed into one fingerprint. */
static long footprint(void)
{
	return num("SELECT (SELECT COUNT(*) FROM payment_events) +"
		" (SELECT COUNT(*) FROM ledger_entries) +"
		" (SELECT COUNT(*) FROM entitlements) +"
		" (SELECT COUNT(*) FROM webhook_events) +"
		" (SELECT COUNT(*) FROM orders WHERE status <> 'pending')");
}

Test(payments, bad_signatures_and_bodies_change_nothing)
{
	struct client_resp r;
	struct order o;
	char *ev, *h, hdr[4200], *tampered, *p;
	long before;

	order_new(&o, 3600);
	ev = ev_paid(&o, PRICE, "usd");
	before = footprint();

	/* Another secret. */
	cr_expect_eq(stripe_kit_deliver(ev, NULL, "whsec_not_the_secret", 0,
		NULL), 400);
	/* Signed ten minutes ago: outside the 300 s tolerance. */
	cr_expect_eq(stripe_kit_deliver(ev, NULL, NULL, (long)time(NULL) - 600,
		NULL), 400);
	/* The body changed after signing (the amount). */
	h = stripe_kit_sign(ev, NULL, 0);
	tampered = strdup(ev);
	p = strstr(tampered, "1999");
	cr_assert_not_null(p);
	p[0] = '9';
	cr_expect_eq(stripe_kit_deliver_header(tampered, NULL, h, NULL), 400);
	free(tampered);
	/* No header, a malformed one. */
	cr_expect_eq(market_raw("POST", STRIPE_KIT_WEBHOOK, NULL,
		"application/json", ev, strlen(ev), &r), 400);
	client_assert_problem(&r, 400, "invalid_signature");
	client_free(&r);
	snprintf(hdr, sizeof(hdr), "Stripe-Signature: v1=%s", strchr(h, '=') + 1);
	cr_expect_eq(market_raw("POST", STRIPE_KIT_WEBHOOK, hdr,
		"application/json", ev, strlen(ev), &r), 400);
	client_assert_problem(&r, 400, "invalid_signature");
	client_free(&r);
	free(h);
	/* Signed properly but not an event. */
	cr_expect_eq(stripe_kit_deliver("{\"id\":\"evt_1\",\"type\":"
		"\"charge.refunded\",\"created\":1700000000,\"data\":{\"object\":"
		"{\"id\":\"ch_1\"}}}", NULL, NULL, 0, NULL), 400);
	cr_expect_eq(stripe_kit_deliver("[1, 2]", NULL, NULL, 0, NULL), 400);

	cr_expect_eq(footprint(), before, "a refused delivery wrote");
	expect_str(order_col(&o, "status"), "pending", "status");
	free(ev);
}

Test(payments, unknown_order_is_recorded_and_changes_no_order)
{
	char obj[512], *ev, *body = NULL;
	struct json_object *j;
	long orders = num("SELECT COUNT(*) FROM orders WHERE status <> 'pending'");

	snprintf(obj, sizeof(obj), "{\"id\":\"cs_%s\",\"object\":"
		"\"checkout.session\",\"amount_total\":100,\"currency\":\"usd\","
		"\"payment_status\":\"paid\",\"payment_intent\":null,\"metadata\":"
		"{\"order_id\":\"00000000-0000-4000-8000-000000000000\"}}",
		uniq("x"));
	ev = event("checkout.session.completed", obj);
	cr_assert_eq(stripe_kit_deliver(ev, NULL, NULL, 0, &body), 200);
	j = json_tokener_parse(body);
	cr_expect_str_eq(client_json_str(j, "outcome"), "unknown_order");
	json_object_put(j);
	free(body);
	free(ev);
	cr_expect_eq(num("SELECT COUNT(*) FROM orders WHERE status <> 'pending'"),
		orders);
}

Test(payments, the_previous_secret_of_a_rotation_verifies)
{
	/* The stack runs in a rotation: scripts/stack.sh names a previous
	 * secret too (stripe_webhook_secret_previous_file). */
	const char *previous = stripe_kit_previous_secret();
	struct order o;
	char *ev;

	cr_assert(strncmp(previous, "whsec_", 6) == 0, "%s", previous);
	cr_assert_str_neq(previous, stripe_kit_secret());
	order_new(&o, 3600);
	ev = ev_paid(&o, PRICE, "usd");
	cr_expect_eq(stripe_kit_deliver(ev, NULL, previous, 0, NULL), 200);
	expect_str(order_col(&o, "status"), "paid", "status");
	free(ev);
}

/* --- the database away ---------------------------------------------------- */

static MYSQL *locker;

/* Opens a transaction of its own that holds the row of table with this
 * id, in mode "FOR UPDATE" or "LOCK IN SHARE MODE", until unlock_order. */
static void lock_row(const char *table, long id, const char *mode)
{
	char *db = client_config("db_name", "devforge");
	char sql[256];
	MYSQL_RES *res;

	locker = mysql_init(NULL);
	cr_assert_not_null(locker);
	cr_assert_not_null(mysql_real_connect(locker, "localhost",
		client_env("DEVFORGE_TEST_DB_ADMIN"), NULL, db, 0,
		client_env("DEVFORGE_TEST_DB_SOCKET"), 0),
		"connect: %s", mysql_error(locker));
	free(db);
	cr_assert_eq(mysql_query(locker, "SET SESSION max_statement_time = 0"), 0);
	cr_assert_eq(mysql_query(locker, "START TRANSACTION"), 0);
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE id = %ld %s",
		table, id, mode);
	cr_assert_eq(mysql_query(locker, sql), 0, "%s", mysql_error(locker));
	res = mysql_store_result(locker);
	cr_assert_not_null(res);
	mysql_free_result(res);
}

static void lock_order(long id)
{
	lock_row("orders", id, "FOR UPDATE");
}

static void unlock_order(void)
{
	if (locker == NULL)
		return;
	mysql_query(locker, "ROLLBACK");
	mysql_close(locker);
	locker = NULL;
}

Test(payments, statement_stopped_answers_503_and_the_retry_counts_once,
	.fini = unlock_order)
{
	struct order o;
	char *ev;

	order_new(&o, 3600);
	ev = ev_paid(&o, PRICE, "usd");
	lock_order(o.id);
	deliver(ev, 503, NULL);
	cr_expect_eq(num("SELECT COUNT(*) FROM payment_events WHERE order_id"
		" = %ld", o.id), 0);
	unlock_order();
	deliver(ev, 200, "processed");
	deliver(ev, 200, "replayed");
	free(ev);
	expect_str(order_col(&o, "status"), "paid", "status");
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id"
		" = %ld", o.id), 1);
}

/* Another transaction that holds the buyer's users row shared (as a
 * foreign key check of any row naming the user does: another of their
 * payments, say) must not hold up a payment: the order's lock is on the
 * order alone. With the buyer's row in the lock, the delivery waited out
 * the statement time and answered 503. */
Test(payments, a_lock_on_the_buyers_account_does_not_hold_up_a_payment,
	.fini = unlock_order)
{
	struct order o;
	char *ev;

	order_new(&o, 3600);
	ev = ev_paid(&o, PRICE, "usd");
	lock_row("users", num("SELECT user_id FROM orders WHERE id = %ld", o.id),
		"LOCK IN SHARE MODE");
	deliver(ev, 200, "processed");
	unlock_order();
	free(ev);
	expect_str(order_col(&o, "status"), "paid", "status");
	cr_expect_eq(num("SELECT COUNT(*) FROM mail_outbox WHERE template ="
		" 'order_receipt' AND body LIKE '%%%s%%'", o.pid), 1);
}

/* --- the admin refund ------------------------------------------------------ */

static size_t keep(char *p, size_t sz, size_t n, void *ctx)
{
	char **buf = ctx;
	size_t len = *buf ? strlen(*buf) : 0;
	char *b = realloc(*buf, len + sz * n + 1);

	cr_assert_not_null(b);
	memcpy(b + len, p, sz * n);
	b[len + sz * n] = '\0';
	*buf = b;
	return sz * n;
}

/* A Checkout Session at the stand-in for the order (created with the
 * stack's secret key, as the order module does), paid there; o->cs and
 * o->pi become Stripe's and the order learns the session. */
static void pay_at_standin(struct order *o)
{
	char *keyf = client_config("stripe_secret_key_file", ""), *sk;
	char form[1024], auth[256], *answer = NULL;
	struct curl_slist *h = NULL;
	struct json_object *a, *ev, *obj, *v;
	CURL *c = curl_easy_init();

	sk = client_file(keyf);
	cr_assert_not_null(sk, "secret key file %s", keyf);
	sk[strcspn(sk, "\r\n")] = '\0';
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", sk);
	snprintf(form, sizeof(form), "mode=payment&success_url=http%%3A%%2F%%2F"
		"localhost%%2Fok&line_items[0][price_data][currency]=usd&"
		"line_items[0][price_data][unit_amount]=%d&line_items[0]"
		"[price_data][product_data][name]=ext&line_items[0][quantity]=1&"
		"metadata[order_id]=%s&payment_intent_data[metadata][order_id]=%s",
		PRICE, o->pid, o->pid);
	h = curl_slist_append(h, auth);
	curl_easy_setopt(c, CURLOPT_URL, stripe_kit_url("/v1/checkout/sessions"));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	cr_assert_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	free(sk);
	free(keyf);
	a = json_tokener_parse(answer);
	cr_assert_not_null(a, "session: %s", answer);
	snprintf(o->cs, sizeof(o->cs), "%s", client_json_str(a, "id"));
	json_object_put(a);
	free(answer);
	free(client_sqlf("UPDATE orders SET provider_session = '%s' WHERE id ="
		" %ld", o->cs, o->id));
	ev = stripe_kit_complete(o->cs);
	cr_assert(json_object_object_get_ex(ev, "data", &v) &&
		json_object_object_get_ex(v, "object", &obj) &&
		json_object_object_get_ex(obj, "payment_intent", &v));
	snprintf(o->pi, sizeof(o->pi), "%s", json_object_get_string(v));
	deliver(stripe_kit_text(ev), 200, "processed");
	json_object_put(ev);
	expect_str(order_col(o, "status"), "paid", "paid at the stand-in");
}

static char *refund_path(const struct order *o)
{
	static char p[256];

	snprintf(p, sizeof(p), "/api/v1/admin/orders/%s/refund", o->pid);
	return p;
}

Test(payments, admin_refund_asks_stripe_once_and_the_refund_event_completes_it)
{
	struct client_resp r;
	struct json_object *all, *newest, *form, *body;
	struct order o;
	char re[96], *ev;

	order_new(&o, 3600);
	pay_at_standin(&o);
	stripe_kit_reset();
	cr_assert_eq(market_req("POST", refund_path(&o), cast.admin,
		"{\"reason\": \"The buyer asked within 14 days.\"}", &r), 200,
		"%s", r.body);
	body = client_expect_json(&r, 200);
	cr_expect_str_eq(client_json_str(body, "status"), "refund_pending");
	cr_expect_eq(market_json_int(body, "refund_requested.amount"), PRICE);
	snprintf(re, sizeof(re), "%s", client_json_str(body, "provider_refund"));
	json_object_put(body);
	client_free(&r);
	expect_str(order_col(&o, "status"), "refund_pending", "status");
	expect_str(ent(&o), "active", "entitlement while pending");

	cr_assert_eq(stripe_kit_find("POST", "/v1/refunds", &all, &newest), 1);
	cr_expect_str_eq(client_json_str(newest, "form.payment_intent"), o.pi);
	cr_expect_str_eq(client_json_str(newest, "form.amount"), "1999");
	cr_expect(json_object_object_get_ex(newest, "form", &form));
	cr_expect_not_null(client_json_str(newest, "idempotency_key"));
	cr_expect(strlen(client_json_str(newest, "idempotency_key")) > 0);
	json_object_put(all);
	cr_expect_eq(client_audit_count("admin.order_refund_requested", o.pid), 1);

	ev = ev_charge_refunded(&o, re, PRICE, "succeeded");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(order_col(&o, "status"), "refunded", "status");
	expect_str(ent(&o), "revoked", "entitlement");
	cr_expect_eq(ledger_gross(&o), 0);
	cr_expect_eq(client_audit_count("order.refunded", o.pid), 1);
}

Test(payments, admin_refund_partial_and_its_refusals)
{
	struct client_resp r;
	struct order o, pending;
	long before;

	order_new(&o, 3600);
	pay_at_standin(&o);
	/* Stripe fails: 502 and nothing changed. */
	stripe_kit_fail("500", 1);
	cr_expect_eq(market_req("POST", refund_path(&o), cast.admin,
		"{\"reason\": \"r\"}", &r), 502, "%s", r.body);
	client_assert_problem(&r, 502, "bad_gateway");
	client_free(&r);
	stripe_kit_fail("none", 0);
	expect_str(order_col(&o, "status"), "paid", "after a 502");
	cr_expect_eq(num("SELECT refund_requested_amount FROM orders WHERE id ="
		" %ld", o.id), 0);
	/* Not an admin; no such order; a bad body; another currency; too
	 * much. */
	cr_expect_eq(market_status("POST", refund_path(&o), cast.user,
		"{\"reason\": \"r\"}"), 403);
	cr_expect_eq(market_status("POST", "/api/v1/admin/orders/"
		"00000000-0000-4000-8000-000000000000/refund", cast.admin,
		"{\"reason\": \"r\"}"), 404);
	cr_expect_eq(market_status("POST", refund_path(&o), cast.admin,
		"{}"), 422);
	cr_expect_eq(market_status("POST", refund_path(&o), cast.admin,
		"{\"reason\": \"r\", \"amount\": {\"amount\": 5, \"currency\":"
		" \"EUR\"}}"), 422);
	cr_expect_eq(market_status("POST", refund_path(&o), cast.admin,
		"{\"reason\": \"r\", \"amount\": {\"amount\": 5000, \"currency\":"
		" \"USD\"}}"), 409);
	/* A partial refund. */
	cr_expect_eq(market_status("POST", refund_path(&o), cast.admin,
		"{\"reason\": \"r\", \"amount\": {\"amount\": 500, \"currency\":"
		" \"USD\"}}"), 200);
	cr_expect_eq(num("SELECT refund_requested_amount FROM orders WHERE id ="
		" %ld", o.id), 500);
	expect_str(order_col(&o, "status"), "refund_pending", "partial");
	/* A pending order cannot be refunded. */
	order_new(&pending, 3600);
	before = footprint();
	cr_expect_eq(market_status("POST", refund_path(&pending), cast.admin,
		"{\"reason\": \"r\"}"), 409);
	cr_expect_eq(footprint(), before);
}

/* --- a plan ----------------------------------------------------------------- */

Test(payments, a_plan_order_grants_a_licence_and_the_platform_keeps_it_all)
{
	struct order o;
	char re[64], *pid, *ev;

	memset(&o, 0, sizeof(o));
	snprintf(o.cs, sizeof(o.cs), "cs_test_%s", uniq("s"));
	snprintf(o.pi, sizeof(o.pi), "pi_%s", uniq("p"));
	pid = client_sqlf("SET @pid = UUID();"
		"INSERT INTO orders (public_id, user_id, status, total_amount,"
		" currency, provider_session, expires_at, created_at, updated_at)"
		" SELECT @pid, id, 'pending', 1200, 'USD', '%s',"
		" UTC_TIMESTAMP(6) + INTERVAL 1 HOUR, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM users WHERE public_id = '%s';"
		"INSERT INTO order_items (order_id, position, kind, plan_id,"
		" billing_interval, amount, currency, fee_bps)"
		" SELECT LAST_INSERT_ID(), 1, 'plan', id, 'month', price_month,"
		" 'USD', 10000 FROM plans WHERE code = 'pro';"
		"SELECT @pid", o.cs, cast.user_pid);
	cr_assert_not_null(pid);
	snprintf(o.pid, sizeof(o.pid), "%s", pid);
	free(pid);
	o.id = num("SELECT id FROM orders WHERE public_id = '%s'", o.pid);

	ev = ev_paid(&o, 1200, "usd");
	deliver(ev, 200, "processed");
	deliver(ev, 200, "replayed");
	free(ev);
	expect_str(order_col(&o, "status"), "paid", "status");
	/* The plan's activations, a month from now. */
	expect_str(str("SELECT CONCAT(l.status, ' ', l.max_activations ="
		" p.max_activations, ' ', l.expires_at > UTC_TIMESTAMP(6) +"
		" INTERVAL 27 DAY) FROM licenses l JOIN order_items i ON i.id ="
		" l.order_item_id JOIN plans p ON p.id = l.plan_id WHERE"
		" i.order_id = %ld", o.id), "active 1 1", "licence");
	cr_expect_eq(num("SELECT COUNT(*) FROM licenses l JOIN order_items i ON"
		" i.id = l.order_item_id WHERE i.order_id = %ld", o.id), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM ledger_entries WHERE order_id ="
		" %ld AND gross = 1200 AND fee = 1200 AND net = 0 AND developer_id"
		" IS NULL", o.id), 1);
	cr_expect_eq(num("SELECT COUNT(*) FROM webhook_events WHERE"
		" JSON_VALUE(payload, '$.data.order_id') = '%s'", o.pid), 0);

	snprintf(re, sizeof(re), "re_%s", uniq("r"));
	ev = ev_charge_refunded(&o, re, 1200, "succeeded");
	deliver(ev, 200, "processed");
	free(ev);
	expect_str(str("SELECT l.status FROM licenses l JOIN order_items i ON"
		" i.id = l.order_item_id WHERE i.order_id = %ld", o.id), "revoked",
		"licence after the refund");
	cr_expect_eq(ledger_gross(&o), 0);
}
