/* Purchases end to end, through the front server and the Stripe
 * stand-in only: every order is made by POST /orders under an
 * Idempotency-Key, every payment, refund and dispute is an event Stripe
 * would send, signed by Stripe's own library and delivered to the
 * webhook (stripe_kit), every refund is asked for by an admin through the
 * API. Nothing here writes an order or an event in SQL; SQL only reads.
 *
 * A paid extension: refused before payment (download, review), granted
 * after, the sale in the developer's earnings, a `sale.completed` sent to
 * the developer's endpoint by devforgectl webhooks-send, the receipt in
 * the mail outbox; the return route afterwards changes nothing. A plan:
 * a licence with the plan's activations, a second order of it 409. And a
 * randomised run of 500 purchases, refunds and disputes (events doubled
 * and out of order) after which the ledger, the orders, the earnings and
 * the grants agree with what this program computes from what it did. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "hook_rx.h"
#include "market.h"
#include "stripe_kit.h"

#define ORDERS "/api/v1/orders"
#define EARNINGS "/api/v1/developers/me/earnings"
#define HOOKS "/api/v1/developers/me/webhooks"
#define PRICE 2499

MARKET_SUITE(purchase);

/* --- small readers ----------------------------------------------------- */

/* The first column of sql (printf format) as a number, -1 for no row. */
__attribute__((format(printf, 1, 2)))
static long num(const char *fmt, ...)
{
	char sql[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return client_sql_long(sql);
}

/* The platform's share of an extension sale, in basis points. */
static long fee_bps(void)
{
	char *v = client_config("platform_fee_bps", "3000");
	long bps = strtol(v, NULL, 10);

	free(v);
	return bps;
}

/* The fee of an amount as the design states it: rounded half up, away
 * from zero for a reversal. Computed here, not taken from the server. */
static long fee_of(long amount, long bps)
{
	if (amount < 0)
		return -fee_of(-amount, bps);
	return (amount * bps + 5000) / 10000;
}

/* An {amount, currency} member at path: the amount, USD asserted. */
static long money(struct json_object *o, const char *path)
{
	char p[128];
	const char *cur;

	snprintf(p, sizeof(p), "%s.currency", path);
	cur = client_json_str(o, p);
	cr_assert(cur != NULL && strcmp(cur, "USD") == 0, "%s: %s", path,
		json_object_to_json_string(o));
	snprintf(p, sizeof(p), "%s.amount", path);
	return market_json_int(o, p);
}

/* GET path as auth, asserted 200; the JSON (put it when done). */
static struct json_object *get_json(const char *path, const char *auth)
{
	struct client_resp r;
	struct json_object *o;

	market_req("GET", path, auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

/* The order as its owner reads it (put it when done). */
static struct json_object *order_get(const char *auth, const char *id)
{
	char path[128];

	snprintf(path, sizeof(path), ORDERS "/%s", id);
	return get_json(path, auth);
}

/* The USD totals block of the developer's earnings. */
static struct json_object *earnings_totals(struct json_object *o)
{
	struct json_object *cur, *blk, *tot;

	cr_assert(json_object_object_get_ex(o, "currencies", &cur) &&
		json_object_array_length(cur) == 1, "%s",
		json_object_to_json_string(o));
	blk = json_object_array_get_idx(cur, 0);
	cr_assert_str_eq(client_json_str(blk, "currency"), "USD");
	cr_assert(json_object_object_get_ex(blk, "totals", &tot));
	return tot;
}

/* --- buying ------------------------------------------------------------- */

/* A paid extension (PRICE USD) of the developer dev_auth, published
 * through the API (version 1.0.0 approved by the cast's admin). */
static const char *paid_extension(const char *dev_auth, const char *stem,
	long price)
{
	struct market_cast c = cast;
	const char *slug = market_slug(stem);
	char extra[128];

	snprintf(extra, sizeof(extra), ", \"price\": {\"amount\": %ld,"
		" \"currency\": \"USD\"}", price);
	c.dev = (char *)dev_auth;
	market_create(dev_auth, slug, extra);
	market_publish(&c, slug, "1.0.0", "*");
	return slug;
}

struct bought {
	char id[40];             /* the order's public id */
	char cs[96];             /* the Checkout Session */
	char pi[96];             /* the payment intent, once paid */
	long total;
};

/* POST /orders of one item (JSON text) as auth under a new key: 201,
 * and b gets the order's id, session and total. With replay the same
 * key and body are sent again and must answer the same order. */
static void order_new(const char *auth, const char *item, int replay,
	struct bought *b)
{
	const char *key = client_unique("k");
	struct client_resp r;
	struct json_object *o;
	char body[512];

	snprintf(body, sizeof(body), "{\"items\": [%s]}", item);
	cr_assert_eq(market_order_post(auth, key, body, &r), 201, "%s: %s",
		body, r.body);
	o = client_expect_json(&r, 201);
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", client_json_str(o, "id"));
	snprintf(b->cs, sizeof(b->cs), "%s",
		client_json_str(o, "payment.reference"));
	b->total = money(o, "total");
	cr_assert_str_eq(client_json_str(o, "status"), "pending");
	json_object_put(o);
	client_free(&r);
	if (replay) {
		cr_assert_eq(market_order_post(auth, key, body, &r), 201, "%s",
			r.body);
		o = client_expect_json(&r, 201);
		cr_assert_str_eq(client_json_str(o, "id"), b->id,
			"the replay answered another order");
		json_object_put(o);
		client_free(&r);
	}
}

/* The customer pays at the stand-in: the checkout.session.completed
 * event Stripe would send (malloc'd JSON text); b->pi is learnt. */
static char *pay(struct bought *b)
{
	struct json_object *ev = stripe_kit_complete(b->cs);
	const char *pi;
	char *text;

	pi = client_json_str(ev, "data.object.payment_intent");
	cr_assert(pi != NULL && strncmp(pi, "pi_", 3) == 0, "%s",
		stripe_kit_text(ev));
	snprintf(b->pi, sizeof(b->pi), "%s", pi);
	text = strdup(stripe_kit_text(ev));
	json_object_put(ev);
	return text;
}

/* Delivers the event to the webhook like Stripe (signed by Stripe's
 * library): 200 and this outcome. */
static void deliver(const char *ev, const char *outcome)
{
	char *body = NULL;
	long st = stripe_kit_deliver(ev, NULL, NULL, 0, &body);
	struct json_object *o;

	cr_assert_eq(st, 200, "delivery: %ld %s", st, body ? body : "");
	o = json_tokener_parse(body);
	cr_assert_not_null(o, "%s", body);
	cr_assert_str_eq(client_json_str(o, "outcome"), outcome, "%s for %.200s",
		body, ev);
	json_object_put(o);
	free(body);
}

/* Everything a fulfilment writes for the order, as one number. */
static long footprint(const char *id)
{
	return num("SELECT (SELECT COUNT(*) FROM payment_events e JOIN orders o"
		" ON o.id = e.order_id WHERE o.public_id = '%s') +"
		" (SELECT COUNT(*) FROM ledger_entries l JOIN orders o ON"
		" o.id = l.order_id WHERE o.public_id = '%s') +"
		" (SELECT COUNT(*) FROM webhook_events WHERE JSON_VALUE(payload,"
		" '$.data.order_id') = '%s') +"
		" (SELECT COUNT(*) FROM mail_outbox WHERE body LIKE '%%%s%%') +"
		" (SELECT COUNT(*) FROM audit_log WHERE subject_id = '%s')",
		id, id, id, id, id);
}

/* Runs one pass of devforgectl webhooks-send at the clock t. */
static void webhooks_send(long t)
{
	char cmd[2048], *out = NULL;

	snprintf(cmd, sizeof(cmd), "%s -c '%s' webhooks-send --once --now %ld",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), t);
	cr_assert_eq(client_run(cmd, &out), 0, "webhooks-send: %s", out);
	free(out);
}

Test(purchase, a_paid_extension_end_to_end, .timeout = 300)
{
	const char *slug = paid_extension(cast.dev, "buy", PRICE);
	long bps = fee_bps(), fee = fee_of(PRICE, bps), t, before;
	char item[256], dl[256], review[256], ret[160], ep_secret[80];
	struct json_object *o, *tot;
	struct client_resp r;
	struct bought b;
	const char *url;
	char *ev, *s;
	size_t i, ok, found = 0;

	snprintf(dl, sizeof(dl), EXT "/%s/versions/1.0.0/download", slug);
	snprintf(review, sizeof(review), EXT "/%s/reviews/me", slug);
	/* The developer listens for sales before anything is sold. */
	url = rx_start(RX_OK);
	snprintf(item, sizeof(item), "{\"url\": \"%s\", \"events\":"
		" [\"sale.completed\"]}", url);
	client_call("POST", HOOKS, cast.dev, item, &r);
	json_object_put(client_expect_json(&r, 201));
	s = client_body_str(&r, "secret");
	cr_assert_not_null(s);
	snprintf(ep_secret, sizeof(ep_secret), "%s", s);
	free(s);
	client_free(&r);

	/* Not bought: neither download nor review. */
	cr_assert_eq(market_status("GET", dl, cast.user, NULL), 403);
	cr_assert_eq(market_status("PUT", review, cast.user,
		"{\"rating\": 5}"), 403);

	snprintf(item, sizeof(item), "{\"type\": \"extension\", \"slug\":"
		" \"%s\"}", slug);
	order_new(cast.user, item, 1, &b);
	cr_assert_eq(b.total, PRICE);
	ev = pay(&b);
	/* Paid at Stripe, not yet told: still nothing. */
	cr_assert_eq(market_status("GET", dl, cast.user, NULL), 403);
	deliver(ev, "processed");
	free(ev);

	o = order_get(cast.user, b.id);
	cr_assert_str_eq(client_json_str(o, "status"), "paid");
	cr_assert_eq(money(o, "paid"), PRICE);
	cr_assert_eq(money(o, "refunded"), 0);
	json_object_put(o);
	cr_assert_eq(market_status("GET", dl, cast.user, NULL), 200);
	cr_assert_eq(market_status("PUT", review, cast.user,
		"{\"rating\": 5}"), 201);
	/* Only the buyer. */
	cr_assert_eq(market_status("GET", dl, cast.dev2, NULL), 403);

	/* The sale in the developer's earnings, at the platform's fee. */
	o = get_json(EARNINGS, cast.dev);
	tot = earnings_totals(o);
	cr_assert_eq(money(tot, "gross"), PRICE);
	cr_assert_eq(money(tot, "fee"), fee, "fee at %ld bps", bps);
	cr_assert_eq(money(tot, "net"), PRICE - fee);
	cr_assert_eq(money(tot, "refunds"), 0);
	json_object_put(o);

	/* The receipt waits in the outbox for the buyer. */
	cr_assert_eq(num("SELECT COUNT(*) FROM mail_outbox WHERE template ="
		" 'order_receipt' AND to_addr = (SELECT email FROM users WHERE"
		" public_id = '%s') AND body LIKE '%%%s%%'", cast.user_pid, b.id),
		1);

	/* The developer's endpoint gets sale.completed, signed with its
	 * secret. */
	t = (long)time(NULL) + 5;
	webhooks_send(t);
	for (i = 0; i < rx_count(); i++) {
		const struct rx_req *q = rx_req_at(i);
		struct json_object *p = json_tokener_parse(q->body);

		cr_assert_not_null(p, "%s", q->body);
		if (strcmp(client_json_str(p, "type"), "sale.completed") == 0 &&
		    strcmp(client_json_str(p, "data.order_id"), b.id) == 0) {
			found++;
			cr_assert_str_eq(client_json_str(p, "data.extension"),
				slug);
			cr_assert_eq(market_json_int(p, "data.gross"), PRICE);
			cr_assert_eq(market_json_int(p, "data.fee"), fee);
			cr_assert_eq(market_json_int(p, "data.net"), PRICE - fee);
			cr_assert_str_eq(q->event_id, client_json_str(p, "id"));
			rx_assert_signed(q, ep_secret, t);
		}
		json_object_put(p);
	}
	cr_assert_eq(found, 1, "%zu sale.completed deliveries of %zu", found,
		rx_count());
	cr_assert_eq(rx_count(), 1);
	cr_assert_eq(rx_for(rx_req_at(0)->event_id, &ok), 1);
	cr_assert_eq(ok, 1, "the delivery was not answered 200");

	/* The customer's return after the webhook changes nothing more. */
	before = footprint(b.id);
	snprintf(ret, sizeof(ret), ORDERS "/%s/return", b.id);
	client_call("GET", ret, NULL, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "status"), "paid");
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(footprint(b.id), before);
	cr_assert_eq(num("SELECT COUNT(*) FROM ledger_entries l JOIN orders o"
		" ON o.id = l.order_id WHERE o.public_id = '%s'", b.id), 1);
}

/* The plans as GET /plans lists them (put it when done), and the entry
 * of code. */
static struct json_object *plan(const char *code, struct json_object **all)
{
	struct json_object *items;
	size_t i;

	*all = get_json("/api/v1/plans", NULL);
	cr_assert(json_object_object_get_ex(*all, "items", &items));
	for (i = 0; i < json_object_array_length(items); i++) {
		struct json_object *p = json_object_array_get_idx(items, i);

		if (strcmp(client_json_str(p, "code"), code) == 0)
			return p;
	}
	cr_assert_fail("no plan %s", code);
	return NULL;
}

Test(purchase, a_plan_end_to_end_grants_a_licence_once)
{
	const char *item = "{\"type\": \"plan\", \"plan\": \"team\","
		" \"interval\": \"year\"}";
	struct json_object *all, *p = plan("team", &all), *o;
	long price = market_json_int(p, "prices.year.amount");
	long acts = market_json_int(p, "max_activations");
	struct client_resp r;
	struct bought b;
	char body[256];
	char *ev;

	cr_assert(price > 0 && acts > 0);
	json_object_put(all);
	order_new(cast.user, item, 0, &b);
	cr_assert_eq(b.total, price);
	ev = pay(&b);
	deliver(ev, "processed");
	deliver(ev, "replayed");
	free(ev);

	o = order_get(cast.user, b.id);
	cr_assert_str_eq(client_json_str(o, "status"), "paid");
	cr_assert_eq(money(o, "paid"), price);
	json_object_put(o);
	cr_assert_eq(num("SELECT COUNT(*) FROM licenses l JOIN users u ON"
		" u.id = l.user_id JOIN plans p ON p.id = l.plan_id WHERE"
		" u.public_id = '%s' AND p.code = 'team' AND l.status = 'active'"
		" AND l.max_activations = %ld", cast.user_pid, acts), 1);
	/* The platform keeps a plan's price whole. */
	cr_assert_eq(num("SELECT COUNT(*) FROM ledger_entries l JOIN orders o"
		" ON o.id = l.order_id WHERE o.public_id = '%s' AND l.gross = %ld"
		" AND l.fee = %ld AND l.net = 0 AND l.developer_id IS NULL", b.id,
		price, price), 1);
	cr_assert_eq(num("SELECT COUNT(*) FROM mail_outbox WHERE template ="
		" 'order_receipt' AND body LIKE '%%%s%%'", b.id), 1);

	/* Owned: a second order of the plan is refused, and makes nothing. */
	snprintf(body, sizeof(body), "{\"items\": [%s]}", item);
	market_order_post(cast.user, client_unique("k"), body, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert_eq(num("SELECT COUNT(*) FROM orders o JOIN users u ON"
		" u.id = o.user_id WHERE u.public_id = '%s'", cast.user_pid), 1);
}

/* --- the randomised run ---------------------------------------------------- */

#define OPS 500
#define USERS 24
#define DEVS 3
#define EXTS_PER_DEV 3
#define PLAN_ITEMS 3
#define ITEMS (DEVS * EXTS_PER_DEV + PLAN_ITEMS)
#define MAX_ORDERS (USERS * ITEMS)
#define MAX_EVENTS 4096

/* splitmix64: the same sequence from the same seed on every machine. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 <= n < below. */
static long pick(long below)
{
	return (long)(rng() % (uint64_t)below);
}

static int chance(int percent)
{
	return pick(100) < percent;
}

struct item {
	char json[192];          /* the order item */
	int dev;                 /* its developer, -1 for a plan */
	long price;
};

struct refund {
	char re[96];
	long amount;
	int failed;              /* a refund.failed was made for it */
	int delivered;           /* its charge.refunded reached us */
};

/* What the test did to one order, and so what it must end as. */
struct ord {
	struct bought b;
	int user, item;
	int paid;                /* its payment event reached us */
	struct refund rf[8];
	int nrf;
	long requested;          /* refund_requested_amount, by the rule */
	int no_more_refunds;     /* after a refund.failed */
	char dp[96];
	int dispute;             /* 0 none, 1 opened, 2 won, 3 lost */
	long dispute_amount;
};

struct event {
	char *text;
	int ord;
	int kind;                /* EV_* */
	int ref;                 /* its refund's index */
	int delivered;
};

enum { EV_PAID, EV_REFUND, EV_REFUND_FAILED, EV_DISPUTE, EV_DISPUTE_CLOSED };

static struct {
	struct item items[ITEMS];
	char *users[USERS];
	char user_pid[USERS][37];
	char *devs[DEVS];
	char dev_pid[DEVS][37];
	struct ord o[MAX_ORDERS];
	int n;
	unsigned char owned[USERS][ITEMS];
	struct event ev[MAX_EVENTS];
	int nev;
	long bps;
	/* The counts printed at the end. */
	int purchases, order_replays, refunds_full, refunds_partial,
		refund_failures, disputes, disputes_won, disputes_lost,
		redeliveries, deferred, held;
} run;

/* The refunded amount by the fold's rule: distinct refunds not failed,
 * at most what was paid; over the events delivered so far (so_far) or
 * all that were made. */
static long refunded_of(const struct ord *o, int so_far, long *answered)
{
	long sum = 0, all = 0, paid = o->b.total;
	int i;

	for (i = 0; i < o->nrf; i++) {
		if (so_far && !o->rf[i].delivered)
			continue;
		all += o->rf[i].amount;
		if (!o->rf[i].failed)
			sum += o->rf[i].amount;
	}
	if (answered != NULL)
		*answered = all;
	return sum < paid ? sum : paid;
}

/* Records a new event; delivers it now, or keeps it for later (out of
 * order) when defer. */
static void event_add(char *text, int ord, int kind, int ref, int defer);

static void event_deliver(struct event *e)
{
	struct ord *o = &run.o[e->ord];
	int held = !o->paid && e->kind != EV_PAID;

	deliver(e->text, held ? "held" : "processed");
	run.held += held;
	e->delivered = 1;
	if (e->kind == EV_PAID)
		o->paid = 1;
	if (e->kind == EV_REFUND)
		o->rf[e->ref].delivered = 1;
}

static void event_add(char *text, int ord, int kind, int ref, int defer)
{
	struct event *e;

	cr_assert(run.nev < MAX_EVENTS);
	e = &run.ev[run.nev++];
	*e = (struct event){ .text = text, .ord = ord, .kind = kind,
		.ref = ref };
	if (defer) {
		run.deferred++;
		return;
	}
	event_deliver(e);
	/* Stripe delivers at least once: sometimes twice in a row. */
	if (chance(5)) {
		deliver(e->text, "replayed");
		run.redeliveries++;
	}
}

/* The JSON text of a new event of type around object (malloc'd). */
static char *event_of(const char *type, const char *object)
{
	struct json_object *e = stripe_kit_event(type, object);
	char *t = strdup(stripe_kit_text(e));

	json_object_put(e);
	return t;
}

static void op_purchase(void)
{
	int u, it, tries = 0, replay = chance(10);
	struct ord *o;

	do {
		u = (int)pick(USERS);
		it = (int)pick(ITEMS);
		cr_assert(++tries < 10000, "no pair left to buy");
	} while (run.owned[u][it]);
	run.owned[u][it] = 1;
	cr_assert(run.n < MAX_ORDERS);
	o = &run.o[run.n];
	memset(o, 0, sizeof(*o));
	o->user = u;
	o->item = it;
	order_new(run.users[u], run.items[it].json, replay, &o->b);
	cr_assert_eq(o->b.total, run.items[it].price);
	run.order_replays += replay;
	run.n++;
	run.purchases++;
	event_add(pay(&o->b), run.n - 1, EV_PAID, 0, chance(15));
}

/* An order the admin may refund now: paid as far as the server knows,
 * no refund waiting for its event, something left. */
static int refundable(const struct ord *o)
{
	long answered, refunded = refunded_of(o, 1, &answered);

	return o->paid && !o->no_more_refunds && answered >= o->requested &&
		refunded < o->b.total && o->nrf < 8;
}

static int op_refund(void)
{
	int cand[MAX_ORDERS], nc = 0, i, full;
	struct client_resp r;
	struct json_object *j;
	struct ord *o;
	long left, amount, answered;
	char path[160], body[256], obj[1024];
	struct refund *rf;

	for (i = 0; i < run.n; i++)
		if (refundable(&run.o[i]))
			cand[nc++] = i;
	if (nc == 0)
		return 0;
	i = cand[pick(nc)];
	o = &run.o[i];
	left = o->b.total - refunded_of(o, 1, &answered);
	full = left < 2 || chance(40);
	amount = full ? left : 1 + pick(left - 1);
	snprintf(path, sizeof(path), "/api/v1/admin/orders/%s/refund", o->b.id);
	if (full && chance(50))
		snprintf(body, sizeof(body), "{\"reason\": \"asked\"}");
	else
		snprintf(body, sizeof(body), "{\"reason\": \"asked\", \"amount\":"
			" {\"amount\": %ld, \"currency\": \"USD\"}}", amount);
	market_req("POST", path, cast.admin, body, &r);
	j = client_expect_json(&r, 200);
	cr_assert_eq(market_json_int(j, "refund_requested.amount"), amount,
		"%s", r.body);
	/* Waiting for Stripe's answer, unless a dispute says more. */
	cr_assert(strcmp(client_json_str(j, "status"), "refund_pending") == 0 ||
		(o->dispute != 0 && strcmp(client_json_str(j, "status"),
		"disputed") == 0), "%s", r.body);
	rf = &o->rf[o->nrf];
	memset(rf, 0, sizeof(*rf));
	snprintf(rf->re, sizeof(rf->re), "%s",
		client_json_str(j, "provider_refund"));
	cr_assert(strncmp(rf->re, "re_", 3) == 0, "%s", r.body);
	rf->amount = amount;
	json_object_put(j);
	client_free(&r);
	/* The fold's rule for what is asked: on top of what Stripe has
	 * answered. */
	o->requested = (o->requested > answered ? o->requested : answered) +
		amount;
	snprintf(obj, sizeof(obj), "{\"id\":\"ch_%s\",\"object\":\"charge\","
		"\"payment_intent\":\"%s\",\"amount\":%ld,\"amount_refunded\":%ld,"
		"\"currency\":\"usd\",\"refunded\":%s,\"refunds\":{\"object\":"
		"\"list\",\"data\":[{\"id\":\"%s\",\"object\":\"refund\","
		"\"amount\":%ld,\"currency\":\"usd\",\"status\":\"succeeded\","
		"\"payment_intent\":\"%s\"}]}}", o->b.pi + 3, o->b.pi,
		o->b.total, o->b.total - left + amount, full ? "true" : "false",
		rf->re, amount, o->b.pi);
	o->nrf++;
	if (full)
		run.refunds_full++;
	else
		run.refunds_partial++;
	event_add(event_of("charge.refunded", obj), i, EV_REFUND, o->nrf - 1,
		chance(20));
	return 1;
}

/* Stripe could not pay a refund back after all. */
static int op_refund_failed(void)
{
	int cand[MAX_ORDERS * 2], nc = 0, i, k;
	struct ord *o;
	char obj[512];

	for (i = 0; i < run.n; i++)
		for (k = 0; k < run.o[i].nrf; k++)
			if (!run.o[i].rf[k].failed && nc < MAX_ORDERS * 2)
				cand[nc++] = i * 8 + k;
	if (nc == 0)
		return 0;
	k = cand[pick(nc)];
	i = k / 8;
	k %= 8;
	o = &run.o[i];
	o->rf[k].failed = 1;
	/* The stand-in still counts it refunded: no more refunds of this
	 * order. */
	o->no_more_refunds = 1;
	snprintf(obj, sizeof(obj), "{\"id\":\"%s\",\"object\":\"refund\","
		"\"amount\":%ld,\"currency\":\"usd\",\"status\":\"failed\","
		"\"failure_reason\":\"expired_or_canceled_card\","
		"\"payment_intent\":\"%s\"}", o->rf[k].re, o->rf[k].amount,
		o->b.pi);
	run.refund_failures++;
	event_add(event_of("refund.failed", obj), i, EV_REFUND_FAILED, k,
		chance(20));
	return 1;
}

static char *dispute_event(const struct ord *o, const char *type,
	const char *status)
{
	char obj[512];

	snprintf(obj, sizeof(obj), "{\"id\":\"%s\",\"object\":\"dispute\","
		"\"amount\":%ld,\"currency\":\"usd\",\"status\":\"%s\","
		"\"payment_intent\":\"%s\",\"reason\":\"fraudulent\"}", o->dp,
		o->dispute_amount, status, o->b.pi);
	return event_of(type, obj);
}

static int op_dispute(int close)
{
	int cand[MAX_ORDERS], nc = 0, early[MAX_ORDERS], ne = 0, i, won;
	struct ord *o;

	for (i = 0; i < run.n; i++)
		if (run.o[i].dispute == (close ? 1 : 0)) {
			cand[nc++] = i;
			if (!run.o[i].paid)
				early[ne++] = i;
		}
	if (nc == 0)
		return 0;
	/* Half the time, when there is one, an order whose payment has not
	 * reached us yet: the dispute comes first and must be held. */
	i = ne > 0 && chance(50) ? early[pick(ne)] : cand[pick(nc)];
	o = &run.o[i];
	if (!close) {
		snprintf(o->dp, sizeof(o->dp), "dp_%s", client_unique("d"));
		/* Mostly the whole charge, sometimes a part of it. */
		o->dispute_amount = chance(70) ? o->b.total :
			1 + pick(o->b.total);
		o->dispute = 1;
		run.disputes++;
		event_add(dispute_event(o, "charge.dispute.created",
			"needs_response"), i, EV_DISPUTE, 0, chance(20));
		return 1;
	}
	won = chance(50);
	o->dispute = won ? 2 : 3;
	if (won)
		run.disputes_won++;
	else
		run.disputes_lost++;
	event_add(dispute_event(o, "charge.dispute.closed", won ? "won" :
		"lost"), i, EV_DISPUTE_CLOSED, 0, chance(20));
	return 1;
}

/* Stripe sends a delivered event again, any time later. */
static int op_redeliver(void)
{
	int cand[MAX_EVENTS], nc = 0, i;

	for (i = 0; i < run.nev; i++)
		if (run.ev[i].delivered)
			cand[nc++] = i;
	if (nc == 0)
		return 0;
	deliver(run.ev[cand[pick(nc)]].text, "replayed");
	run.redeliveries++;
	return 1;
}

/* One event kept back arrives now, after later ones. */
static int op_deliver_deferred(void)
{
	int cand[MAX_EVENTS], nc = 0, i;

	for (i = 0; i < run.nev; i++)
		if (!run.ev[i].delivered)
			cand[nc++] = i;
	if (nc == 0)
		return 0;
	event_deliver(&run.ev[cand[pick(nc)]]);
	return 1;
}

static void run_setup(void)
{
	static const char *const plans[PLAN_ITEMS][2] = {
		{ "pro", "month" }, { "team", "year" }, { "enterprise", "month" },
	};
	struct json_object *all, *p;
	char path[64];
	int d, k, u;

	run.bps = fee_bps();
	for (u = 0; u < USERS; u++)
		run.users[u] = client_auth_header("user", run.user_pid[u]);
	for (d = 0; d < DEVS; d++) {
		run.devs[d] = client_auth_header("developer", run.dev_pid[d]);
		for (k = 0; k < EXTS_PER_DEV; k++) {
			struct item *it = &run.items[d * EXTS_PER_DEV + k];

			/* Prices that make the fee's rounding matter. */
			it->price = 101 + pick(4900);
			it->dev = d;
			snprintf(it->json, sizeof(it->json), "{\"type\":"
				" \"extension\", \"slug\": \"%s\"}",
				paid_extension(run.devs[d], "rnd", it->price));
		}
	}
	for (k = 0; k < PLAN_ITEMS; k++) {
		struct item *it = &run.items[DEVS * EXTS_PER_DEV + k];

		p = plan(plans[k][0], &all);
		snprintf(path, sizeof(path), "prices.%s.amount", plans[k][1]);
		it->price = market_json_int(p, path);
		it->dev = -1;
		snprintf(it->json, sizeof(it->json), "{\"type\": \"plan\","
			" \"plan\": \"%s\", \"interval\": \"%s\"}", plans[k][0],
			plans[k][1]);
		json_object_put(all);
	}
}

/* What the order must end as, computed from what the test did. */
struct expect {
	long paid, refunded, lost, gross, fee;
	const char *status, *grant;
};

static void expect_of(const struct ord *o, long bps, struct expect *x)
{
	long answered;

	memset(x, 0, sizeof(*x));
	x->paid = o->b.total;
	x->refunded = refunded_of(o, 0, &answered);
	if (o->dispute == 3) {
		x->lost = o->dispute_amount;
		if (x->lost > x->paid - x->refunded)
			x->lost = x->paid - x->refunded;
	}
	x->gross = x->paid - x->refunded - x->lost;
	/* Each of the sale, the refunds and the loss is rounded apart. */
	x->fee = fee_of(x->paid, bps) - fee_of(x->refunded, bps) -
		fee_of(x->lost, bps);
	if (x->refunded >= x->paid)
		x->status = "refunded";
	else if (o->dispute == 1 || o->dispute == 3)
		x->status = "disputed";
	else if (o->requested > answered)
		x->status = "refund_pending";
	else
		x->status = "paid";
	x->grant = x->refunded >= x->paid || o->dispute == 3 ? "revoked" :
		o->dispute == 1 ? "suspended" : "active";
}

/* The order's row of a "public_id:a:b:c..." line list, or NULL. */
static const char *line_of(const char *lines, const char *id)
{
	const char *p = lines;
	size_t n = strlen(id);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, id, n) == 0 && p[n] == ':')
			return p + n + 1;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/* Every row of a query of the run's orders, one line each. */
static char *lines_sql(const char *sql)
{
	char *v = client_sql_rows(sql);

	cr_assert_not_null(v, "%s", sql);
	return v;
}

/* "u.public_id IN (...)" of the run's users. */
static const char *users_in(void)
{
	static char in[USERS * 40 + 64];
	size_t len;
	int u;

	len = (size_t)snprintf(in, sizeof(in), "u.public_id IN (");
	for (u = 0; u < USERS; u++)
		len += (size_t)snprintf(in + len, sizeof(in) - len, "%s'%s'",
			u ? "," : "", run.user_pid[u]);
	snprintf(in + len, sizeof(in) - len, ")");
	return in;
}

static void run_check(void)
{
	char sql[4096], *ledger, *grants, *v;
	long kept = 0, ledger_total = 0, dev_exp[DEVS][4];
	struct json_object *o, *tot;
	int i, d;

	memset(dev_exp, 0, sizeof(dev_exp));
	/* Every order's ledger: gross, fee, net summed, and the rows where
	 * fee + net is not gross. */
	snprintf(sql, sizeof(sql), "SELECT CONCAT(o.public_id, ':',"
		" COALESCE(SUM(l.gross), 0), ':', COALESCE(SUM(l.fee), 0), ':',"
		" COALESCE(SUM(l.net), 0), ':', COALESCE(SUM(l.fee + l.net <>"
		" l.gross), 0), ':', COUNT(l.id)) FROM orders o JOIN users u ON"
		" u.id = o.user_id LEFT JOIN ledger_entries l ON l.order_id ="
		" o.id WHERE %s GROUP BY o.id, o.public_id", users_in());
	ledger = lines_sql(sql);
	snprintf(sql, sizeof(sql), "SELECT CONCAT(o.public_id, ':',"
		" COALESCE(en.status, li.status, 'none')) FROM orders o JOIN"
		" users u ON u.id = o.user_id JOIN order_items i ON i.order_id ="
		" o.id LEFT JOIN entitlements en ON en.order_item_id = i.id"
		" LEFT JOIN licenses li ON li.order_item_id = i.id WHERE %s",
		users_in());
	grants = lines_sql(sql);

	for (i = 0; i < run.n; i++) {
		const struct ord *oo = &run.o[i];
		const char *l = line_of(ledger, oo->b.id), *g;
		long gross, fee, net, bad, rows;
		struct expect x;
		int dev = run.items[oo->item].dev;
		size_t gl;

		expect_of(oo, dev < 0 ? 10000 : run.bps, &x);
		cr_assert_not_null(l, "order %s has no ledger line", oo->b.id);
		cr_assert_eq(sscanf(l, "%ld:%ld:%ld:%ld:%ld", &gross, &fee, &net,
			&bad, &rows), 5, "%s", l);
		cr_expect_eq(gross, x.gross, "order %s: ledger gross %ld, not"
			" paid %ld - refunded %ld - lost %ld", oo->b.id, gross,
			x.paid, x.refunded, x.lost);
		cr_expect_eq(fee, x.fee, "order %s: ledger fee %ld, not %ld",
			oo->b.id, fee, x.fee);
		cr_expect_eq(bad, 0, "order %s: %ld rows where fee + net is not"
			" gross", oo->b.id, bad);
		cr_expect_eq(fee + net, gross);
		kept += x.gross;
		ledger_total += gross;
		if (dev >= 0) {
			dev_exp[dev][0] += x.paid;
			dev_exp[dev][1] += x.refunded + x.lost;
			dev_exp[dev][2] += x.fee;
			dev_exp[dev][3] += x.gross - x.fee;
		}

		g = line_of(grants, oo->b.id);
		cr_assert_not_null(g, "order %s grants nothing", oo->b.id);
		gl = strcspn(g, "\n");
		cr_expect(strlen(x.grant) == gl && strncmp(g, x.grant, gl) == 0,
			"order %s: grant %.*s, not %s", oo->b.id, (int)gl, g,
			x.grant);

		o = order_get(run.users[oo->user], oo->b.id);
		cr_expect_str_eq(client_json_str(o, "status"), x.status,
			"order %s", oo->b.id);
		cr_expect_eq(money(o, "paid"), x.paid, "order %s", oo->b.id);
		cr_expect_eq(money(o, "refunded"), x.refunded, "order %s",
			oo->b.id);
		json_object_put(o);
	}
	cr_expect_eq(ledger_total, kept, "the ledger holds %ld, the orders"
		" kept %ld", ledger_total, kept);
	/* And the run's users have no order the test did not make. */
	for (i = 0, d = 0; ledger[i] != '\0'; i++)
		d += ledger[i] == '\n';
	cr_expect_eq(d, run.n, "%d orders in the database, %d made", d, run.n);
	free(ledger);
	free(grants);

	/* Per developer: the earnings API, the ledger rows, and what the
	 * test made, all three the same. */
	for (d = 0; d < DEVS; d++) {
		long g, rf, fee, net;

		v = client_sqlf("SELECT CONCAT(COALESCE(SUM(IF(kind = 'sale',"
			" gross, 0)), 0), ' ', COALESCE(SUM(IF(kind <> 'sale',"
			" -gross, 0)), 0), ' ', COALESCE(SUM(fee), 0), ' ',"
			" COALESCE(SUM(net), 0)) FROM ledger_entries WHERE"
			" developer_id = (SELECT id FROM users WHERE public_id ="
			" '%s')", run.dev_pid[d]);
		cr_assert(v != NULL && sscanf(v, "%ld %ld %ld %ld", &g, &rf,
			&fee, &net) == 4, "%s", v ? v : "");
		free(v);
		o = get_json(EARNINGS, run.devs[d]);
		tot = earnings_totals(o);
		cr_expect_eq(money(tot, "gross"), g, "developer %d gross", d);
		cr_expect_eq(money(tot, "refunds"), rf, "developer %d refunds", d);
		cr_expect_eq(money(tot, "fee"), fee, "developer %d fee", d);
		cr_expect_eq(money(tot, "net"), net, "developer %d net", d);
		json_object_put(o);
		cr_expect_eq(g, dev_exp[d][0], "developer %d: sales %ld, the test"
			" sold %ld", d, g, dev_exp[d][0]);
		cr_expect_eq(rf, dev_exp[d][1], "developer %d: refunds %ld, not"
			" %ld", d, rf, dev_exp[d][1]);
		cr_expect_eq(fee, dev_exp[d][2], "developer %d: fee", d);
		cr_expect_eq(net, dev_exp[d][3], "developer %d: net", d);
	}
}

Test(purchase, randomised_purchases_refunds_and_disputes_keep_the_ledger_equal_to_the_orders,
	.timeout = 900)
{
	const char *env = getenv("DEVFORGE_TEST_PURCHASE_SEED");
	uint64_t seed = env != NULL && *env != '\0' ?
		strtoull(env, NULL, 10) : 20261206ULL;
	double t0 = client_now(), t1;
	int i, done;

	printf("test_purchase: seed %llu (set DEVFORGE_TEST_PURCHASE_SEED to"
		" repeat or vary it)\n", (unsigned long long)seed);
	fflush(stdout);
	rng_state = seed;
	run_setup();
	for (i = 0; i < OPS; i++) {
		long r = pick(100);

		done = 0;
		if (r < 15)
			done = op_refund();
		else if (r < 19)
			done = op_refund_failed();
		else if (r < 27)
			done = op_dispute(0);
		else if (r < 34)
			done = op_dispute(1);
		else if (r < 44)
			done = op_redeliver();
		else if (r < 56)
			done = op_deliver_deferred();
		if (!done)
			op_purchase();
	}
	/* What was kept back arrives at last, in no particular order. */
	while (op_deliver_deferred())
		;
	t1 = client_now();
	printf("test_purchase: %d operations in %.1f s: %d purchases (%d"
		" answered twice by their Idempotency-Key), %d full and %d"
		" partial refunds, %d refunds failed, %d disputes (%d won, %d"
		" lost), %d events delivered again, %d kept back and delivered"
		" late, %d held before their payment\n", OPS, t1 - t0,
		run.purchases, run.order_replays, run.refunds_full,
		run.refunds_partial, run.refund_failures, run.disputes,
		run.disputes_won, run.disputes_lost, run.redeliveries,
		run.deferred, run.held);
	fflush(stdout);
	run_check();
	printf("test_purchase: checked %d orders in %.1f s\n", run.n,
		client_now() - t1);
	for (i = 0; i < run.nev; i++)
		free(run.ev[i].text);
}
