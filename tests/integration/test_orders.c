/* Plans and orders through the front server, against real MariaDB and
 * the Stripe stand-in: the public plan list (cacheable), an order priced
 * by the server and backed by a Checkout Session, every refusal (422,
 * 409 already owned) storing nothing and leaving the Idempotency-Key
 * free, the key's replay, mismatch and race, Stripe failures answered
 * 502 with no order, who may read an order, and expiry (lazy and by
 * devforgectl orders-expire). */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "client.h"
#include "market.h"
#include "stripe_kit.h"

#define ORDERS "/api/v1/orders"

MARKET_SUITE(orders);

/* A fresh key for this run. */
static const char *new_key(void)
{
	return client_unique("k");
}

static long orders_of(const char *user_pid)
{
	return client_sql_longf("SELECT COUNT(*) FROM orders o JOIN users u"
		" ON u.id = o.user_id WHERE u.public_id = '%s'", user_pid);
}

static long keys_of(const char *user_pid)
{
	return client_sql_longf("SELECT COUNT(*) FROM idempotency_keys k JOIN users u"
		" ON u.id = k.user_id WHERE u.public_id = '%s'", user_pid);
}

/* A published paid extension of the cast's developer, slug returned
 * (static ring). */
static const char *paid_ext(const char *stem, long amount,
	const char *currency)
{
	const char *slug = market_slug(stem);
	char extra[128];

	snprintf(extra, sizeof(extra), ", \"price\": {\"amount\": %ld,"
		" \"currency\": \"%s\"}", amount, currency);
	market_create(cast.dev, slug, extra);
	free(client_sqlf("UPDATE extensions SET status = 'published',"
		" published_at = NOW(6) WHERE slug = '%s'", slug));
	return slug;
}

/* --- plans */

Test(orders, plans_are_listed_in_order_and_revalidate_with_304)
{
	struct client_resp r, r2;
	struct json_object *o, *items, *pro;
	char *etag, inm[300];
	const char *hs[2];

	client_call("GET", "/api/v1/plans", NULL, NULL, &r);
	o = client_expect_json(&r, 200);
	items = json_object_object_get(o, "items");
	cr_assert_eq(json_object_array_length(items), 4, "%s", r.body);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 0),
		"code"), "free");
	pro = json_object_array_get_idx(items, 1);
	cr_assert_str_eq(client_json_str(pro, "code"), "pro");
	cr_assert_eq(market_json_int(pro, "prices.month.amount"), 1200);
	cr_assert_eq(market_json_int(pro, "prices.year.amount"), 12000);
	cr_assert_str_eq(client_json_str(pro, "prices.year.currency"), "USD");
	cr_assert_eq(market_json_int(pro, "max_activations"),
		client_sql_long("SELECT max_activations FROM plans"
		" WHERE code = 'pro'"));
	cr_assert(json_object_array_length(json_object_object_get(pro,
		"features")) == 5, "%s", r.body);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 3),
		"code"), "enterprise");
	etag = client_header(&r, "ETag");
	cr_assert(etag != NULL, "no ETag");
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	hs[0] = inm;
	hs[1] = NULL;
	cr_assert(client_request("GET", client_url("/api/v1/plans"), hs, NULL,
		0, &r2) == 0);
	cr_assert_eq(r2.status, 304, "%ld %s", r2.status, r2.body);
	free(etag);
	json_object_put(o);
	client_free(&r);
	client_free(&r2);
}

/* --- create */

Test(orders, an_order_is_priced_by_the_server_and_backed_by_a_session)
{
	const char *slug = paid_ext("ordx", 750, "USD");
	const char *key = new_key();
	struct client_resp r;
	struct json_object *o, *reqs, *lines;
	char body[256], *loc, want[128];
	const char *id, *cs;
	size_t i, n;
	int seen = 0;

	snprintf(body, sizeof(body), "{\"items\": [{\"type\": \"plan\","
		" \"plan\": \"pro\", \"interval\": \"year\"}, {\"type\":"
		" \"extension\", \"slug\": \"%s\"}]}", slug);
	cr_assert_eq(market_order_post(cast.user, key, body, &r), 201, "%s", r.body);
	o = client_expect_json(&r, 201);
	id = client_json_str(o, "id");
	cr_assert(id != NULL);
	loc = client_header(&r, "Location");
	snprintf(want, sizeof(want), "/api/v1/orders/%s", id);
	cr_assert(loc != NULL && strcmp(loc, want) == 0, "Location %s", loc);
	cr_assert_str_eq(client_json_str(o, "status"), "pending");
	cr_assert_eq(market_json_int(o, "total.amount"), 12750);
	cr_assert_str_eq(client_json_str(o, "total.currency"), "USD");
	cr_assert_str_eq(client_json_str(o, "payment.provider"), "stripe");
	cs = client_json_str(o, "payment.reference");
	cr_assert(cs != NULL && strncmp(cs, "cs_", 3) == 0, "%s", r.body);
	cr_assert(client_json_str(o, "payment.url") != NULL);
	cr_assert(client_json_str(o, "expires_at") != NULL);
	cr_assert(client_json_str(o, "created_at") != NULL);
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"items")), 2);
	cr_assert_eq(market_json_int(json_object_array_get_idx(
		json_object_object_get(o, "items"), 1), "price.amount"), 750);
	/* Stored as answered, priced from the catalogue, with the fee. */
	cr_assert_eq(client_sql_longf("SELECT total_amount FROM orders WHERE"
		" public_id = '%s' AND provider_session = '%s'", id, cs), 12750);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM order_items i JOIN orders"
		" o ON o.id = i.order_id WHERE o.public_id = '%s' AND ((i.kind ="
		" 'plan' AND i.fee_bps = 10000 AND i.developer_id IS NULL AND"
		" i.amount = 12000 AND i.billing_interval = 'year') OR (i.kind ="
		" 'extension' AND i.amount = 750 AND i.developer_id = (SELECT id"
		" FROM users WHERE public_id = '%s')))", id, cast.dev_pid), 2);
	/* What Stripe was asked: the amount, the lines, the order id in
	 * the metadata, under an Idempotency-Key. */
	reqs = stripe_kit_requests();
	n = json_object_array_length(reqs);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(reqs, i);
		const char *path = client_json_str(e, "path");
		struct json_object *f = json_object_object_get(e, "form");
		const char *oid, *k;

		if (path == NULL || strcmp(path, "/v1/checkout/sessions") != 0 ||
		    f == NULL)
			continue;
		oid = client_json_str(f, "metadata.order_id");
		if (oid == NULL || strcmp(oid, id) != 0)
			continue;
		seen++;
		k = client_json_str(e, "idempotency_key");
		cr_assert(k != NULL && *k != '\0', "no Idempotency-Key");
		cr_assert_str_eq(client_json_str(f,
			"payment_intent_data.metadata.order_id"), id);
		cr_assert(strstr(client_json_str(f, "success_url"), id) != NULL);
		lines = json_object_object_get(f, "line_items");
		cr_assert_eq(json_object_array_length(lines), 2);
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(lines,
			0), "price_data.unit_amount"), "12000");
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(lines,
			1), "price_data.unit_amount"), "750");
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(lines,
			0), "quantity"), "1");
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(lines,
			1), "price_data.currency"), "usd");
	}
	cr_assert(seen >= 1, "the stand-in saw no session for %s: %s", id,
		json_object_to_json_string(reqs));
	free(loc);
	json_object_put(reqs);
	json_object_put(o);
	client_free(&r);
}

/* Each body is refused with 422 naming field/code, and nothing is kept:
 * no order, no key. */
static void refused(const char *auth, const char *pid, const char *key,
	const char *json, const char *field, const char *code)
{
	struct client_resp r;
	long before = orders_of(pid), kbefore = keys_of(pid);

	market_order_post(auth, key, json, &r);
	cr_assert(r.status == 422 && client_has_error(&r, field, code),
		"%s: want 422 %s/%s, got %ld %s", json, field, code, r.status,
		r.body);
	client_assert_problem(&r, 422, "validation_failed");
	client_free(&r);
	cr_assert_eq(orders_of(pid), before, "%s stored an order", json);
	cr_assert_eq(keys_of(pid), kbefore, "%s stored its key", json);
}

Test(orders, every_invalid_order_is_422_and_stores_nothing)
{
	const char *paid = paid_ext("ordv", 500, "USD");
	const char *eur = paid_ext("orde", 400, "EUR");
	const char *freex = paid_ext("ordf", 0, "USD");
	const char *draft = market_slug("ordd");
	const char *u = cast.user, *p = cast.user_pid;
	const char *pro = "{\"type\": \"plan\", \"plan\": \"pro\","
		" \"interval\": \"month\"}";
	const char *key = new_key();
	char b[2048], ext[128], eurx[128];
	struct client_resp r;
	int i;

	market_create(cast.dev, draft, ", \"price\": {\"amount\": 300,"
		" \"currency\": \"USD\"}");
	snprintf(ext, sizeof(ext), "{\"type\": \"extension\", \"slug\": \"%s\"}",
		paid);
	snprintf(eurx, sizeof(eurx), "{\"type\": \"extension\", \"slug\":"
		" \"%s\"}", eur);
	snprintf(b, sizeof(b), "{\"items\": [%s]}", pro);
	refused(u, p, NULL, b, "Idempotency-Key", "required");
	refused(u, p, "bad key!", b, "Idempotency-Key", "invalid_format");
	refused(u, p, key, "{\"items\": []}", "items", "too_short");
	strcpy(b, "{\"items\": [");
	for (i = 0; i < 11; i++)
		strcat(b, i ? ", {\"type\": \"plan\"}" : "{\"type\": \"plan\"}");
	strcat(b, "]}");
	refused(u, p, key, b, "items", "too_long");
	refused(u, p, key, "{}", "items", "required");
	snprintf(b, sizeof(b), "{\"items\": [%s], \"coupon\": \"x\"}", pro);
	refused(u, p, key, b, "coupon", "unknown_field");
	snprintf(b, sizeof(b), "{\"items\": [%s], \"total\": 1}", pro);
	refused(u, p, key, b, "total", "server_priced");
	refused(u, p, key, "{\"items\": [{\"type\": \"plan\", \"plan\":"
		" \"pro\", \"interval\": \"month\", \"amount\": 1}]}",
		"items[0].amount", "server_priced");
	refused(u, p, key, "{\"items\": [{\"type\": \"coupon\"}]}",
		"items[0].type", "invalid_format");
	refused(u, p, key, "{\"items\": [{\"type\": \"plan\", \"plan\":"
		" \"pro\", \"interval\": \"week\"}]}", "items[0].interval",
		"invalid_format");
	refused(u, p, key, "{\"items\": [{\"type\": \"plan\", \"plan\":"
		" \"gold\", \"interval\": \"month\"}]}", "items[0]", "unknown");
	refused(u, p, key, "{\"items\": [{\"type\": \"plan\", \"plan\":"
		" \"pro\"}]}", "items[0]", "invalid_item");
	refused(u, p, key, "{\"items\": [{\"type\": \"plan\", \"plan\":"
		" \"free\", \"interval\": \"month\"}]}", "items[0]", "free");
	snprintf(b, sizeof(b), "{\"items\": [%s, {\"type\": \"plan\","
		" \"plan\": \"pro\", \"interval\": \"year\"}]}", pro);
	refused(u, p, key, b, "items[1]", "duplicate");
	snprintf(b, sizeof(b), "{\"items\": [%s, %s]}", ext, ext);
	refused(u, p, key, b, "items[1]", "duplicate");
	snprintf(b, sizeof(b), "{\"items\": [{\"type\": \"extension\","
		" \"slug\": \"%s\"}]}", freex);
	refused(u, p, key, b, "items[0]", "free");
	snprintf(b, sizeof(b), "{\"items\": [{\"type\": \"extension\","
		" \"slug\": \"%s\"}]}", draft);
	refused(u, p, key, b, "items[0]", "unknown");
	refused(u, p, key, "{\"items\": [{\"type\": \"extension\","
		" \"slug\": \"no-such-extension-here\"}]}", "items[0]", "unknown");
	snprintf(b, sizeof(b), "{\"items\": [%s, %s]}", pro, eurx);
	refused(u, p, key, b, "items[1]", "mixed_currency");
	snprintf(b, sizeof(b), "{\"items\": [%s]}", ext);
	refused(cast.dev, cast.dev_pid, key, b, "items[0]", "own_extension");
	/* None of it was stored: the key is still free for a good body. */
	snprintf(b, sizeof(b), "{\"items\": [%s]}", ext);
	cr_assert_eq(market_order_post(u, key, b, &r), 201, "%s", r.body);
	client_free(&r);
	/* No token: 401; nothing stored either. */
	cr_assert_eq(client_status("POST", ORDERS, NULL, b), 401);
}

/* --- the Idempotency-Key */

Test(orders, the_same_key_and_body_replays_the_first_answer)
{
	const char *key = new_key();
	const char *b = "{\"items\": [{\"type\": \"plan\", \"plan\": \"team\","
		" \"interval\": \"month\"}]}";
	const char *b2 = "{ \"items\" : [ {\"interval\": \"month\", \"plan\":"
		" \"team\", \"type\": \"plan\"} ] }";
	struct client_resp r1, r2, r3;
	char *id1, *id2, *l1, *l2;

	cr_assert_eq(market_order_post(cast.user, key, b, &r1), 201, "%s", r1.body);
	/* The same items written differently are the same body. */
	cr_assert_eq(market_order_post(cast.user, key, b2, &r2), 201, "%s", r2.body);
	id1 = client_body_str(&r1, "id");
	id2 = client_body_str(&r2, "id");
	cr_assert_str_eq(id1, id2);
	l1 = client_header(&r1, "Location");
	l2 = client_header(&r2, "Location");
	cr_assert(l1 && l2 && strcmp(l1, l2) == 0);
	cr_assert_eq(orders_of(cast.user_pid), 1);
	/* Another body under the key: refused, nothing made. */
	market_order_post(cast.user, key, "{\"items\": [{\"type\": \"plan\","
		" \"plan\": \"team\", \"interval\": \"year\"}]}", &r3);
	client_assert_problem(&r3, 422, "idempotency_key_mismatch");
	cr_assert_eq(orders_of(cast.user_pid), 1);
	/* Keys are the user's own: another user's same key is a new order. */
	client_free(&r3);
	cr_assert_eq(market_order_post(cast.dev2, key, b, &r3), 201, "%s", r3.body);
	free(id1);
	free(id2);
	free(l1);
	free(l2);
	client_free(&r1);
	client_free(&r2);
	client_free(&r3);
}

#define RACERS 6

Test(orders, one_order_when_the_same_key_races)
{
	const char *key = new_key();
	const char *b = "{\"items\": [{\"type\": \"plan\", \"plan\":"
		" \"enterprise\", \"interval\": \"month\"}]}";
	pid_t pids[RACERS];
	int i, created = 0, busy = 0, st;

	for (i = 0; i < RACERS; i++) {
		pids[i] = fork();
		cr_assert(pids[i] >= 0);
		if (pids[i] == 0) {
			struct client_resp r;
			long s = market_order_post(cast.user, key, b, &r);

			_exit(s == 201 ? 0 : s == 409 ? 1 : 2);
		}
	}
	for (i = 0; i < RACERS; i++) {
		cr_assert(waitpid(pids[i], &st, 0) == pids[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) < 2,
			"a racer got neither 201 nor 409");
		if (WEXITSTATUS(st) == 0)
			created++;
		else
			busy++;
	}
	cr_assert(created >= 1);
	/* Whatever the timing: one order, one session. */
	cr_assert_eq(orders_of(cast.user_pid), 1);
}

Test(orders, the_same_key_while_the_first_runs_is_409)
{
	const char *key = new_key();
	const char *b = "{\"items\": [{\"type\": \"plan\", \"plan\": \"pro\","
		" \"interval\": \"month\"}]}";
	struct client_resp r;
	pid_t pid;
	int st;

	/* Stripe hangs the first call: the first request holds the key
	 * until it gives up. */
	stripe_kit_fail("hang", 1);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct client_resp c;

		_exit(market_order_post(cast.user, key, b, &c) == 502 ? 0 : 1);
	}
	/* Until the first has claimed the key. */
	for (int i = 0; i < 200 && keys_of(cast.user_pid) == 0; i++)
		usleep(20000);
	cr_assert_eq(market_order_post(cast.user, key, b, &r), 409, "%s", r.body);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert(waitpid(pid, &st, 0) == pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		"the hung request did not answer 502");
	/* The 502 freed the key. */
	cr_assert_eq(orders_of(cast.user_pid), 0);
	cr_assert_eq(market_order_post(cast.user, key, b, &r), 201, "%s", r.body);
	client_free(&r);
}

Test(orders, a_key_of_a_dead_worker_or_a_day_old_answer_is_free_again)
{
	const char *b = "{\"items\": [{\"type\": \"plan\", \"plan\": \"pro\","
		" \"interval\": \"month\"}]}";
	const char *k1 = new_key(), *k2 = new_key();
	long uid = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'",
		cast.user_pid);
	struct client_resp r;
	char *id1, *id3;

	/* Claimed by a request for the same items still running: 409.
	 * (The hash is of the canonical items, one "type:what:interval"
	 * line each.) */
	free(client_sqlf("INSERT INTO idempotency_keys (user_id, idem_key,"
		" request_hash, state, created_at) VALUES (%ld, '%s',"
		" UNHEX(SHA2(CONCAT('plan:pro:month', CHAR(10)), 256)),"
		" 'running', NOW(6) - INTERVAL 5 SECOND)", uid, k1));
	cr_assert_eq(market_order_post(cast.user, k1, b, &r), 409, "%s", r.body);
	client_free(&r);
	/* Claimed over a minute ago and never answered (its worker died):
	 * taken over. */
	free(client_sqlf("UPDATE idempotency_keys SET created_at = NOW(6) -"
		" INTERVAL 61 SECOND WHERE user_id = %ld AND idem_key = '%s'",
		uid, k1));
	cr_assert_eq(market_order_post(cast.user, k1, b, &r), 201, "%s", r.body);
	id1 = client_body_str(&r, "id");
	client_free(&r);
	/* A day-old answer is forgotten: the key makes a new order. */
	cr_assert_eq(market_order_post(cast.user, k2, "{\"items\": [{\"type\":"
		" \"plan\", \"plan\": \"team\", \"interval\": \"year\"}]}", &r),
		201, "%s", r.body);
	client_free(&r);
	free(client_sqlf("UPDATE idempotency_keys SET created_at = NOW(6) -"
		" INTERVAL 25 HOUR WHERE user_id = %ld AND idem_key = '%s'", uid,
		k1));
	cr_assert_eq(market_order_post(cast.user, k1, b, &r), 201, "%s", r.body);
	id3 = client_body_str(&r, "id");
	cr_assert_str_neq(id1, id3);
	client_free(&r);
	/* A done answer younger than a day is replayed. */
	cr_assert_eq(market_order_post(cast.user, k1, b, &r), 201, "%s", r.body);
	cr_assert(strstr(r.body, id3) != NULL, "%s", r.body);
	client_free(&r);
	cr_assert_eq(orders_of(cast.user_pid), 3);
	free(id1);
	free(id3);
}

/* --- Stripe down */

static void stripe_down(const char *mode)
{
	const char *key = new_key();
	const char *b = "{\"items\": [{\"type\": \"plan\", \"plan\": \"pro\","
		" \"interval\": \"year\"}]}";
	struct client_resp r;

	/* More than once: a dropped connection may be retried (under the
	 * same Stripe Idempotency-Key, so safely). */
	stripe_kit_fail(mode, 3);
	market_order_post(cast.user, key, b, &r);
	client_assert_problem(&r, 502, "bad_gateway");
	client_free(&r);
	stripe_kit_fail("none", 0);
	cr_assert_eq(orders_of(cast.user_pid), 0, "%s left an order", mode);
	cr_assert_eq(keys_of(cast.user_pid), 0, "%s kept the key", mode);
	/* The key is free: the retry makes the order. */
	cr_assert_eq(market_order_post(cast.user, key, b, &r), 201, "%s", r.body);
	client_free(&r);
}

Test(orders, stripe_answering_500_is_502_and_no_order)
{
	stripe_down("500");
}

Test(orders, stripe_hanging_is_502_and_no_order)
{
	stripe_down("hang");
}

Test(orders, stripe_closing_the_connection_is_502_and_no_order)
{
	stripe_down("close");
}

/* --- already owned */

Test(orders, an_owned_extension_or_plan_is_409_and_frees_the_key)
{
	const char *slug = paid_ext("ordo", 900, "USD");
	const char *k1 = new_key(), *k2 = new_key(), *k3 = new_key();
	char b[256];
	struct client_resp r;
	long uid = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'",
		cast.user_pid);
	long item;

	snprintf(b, sizeof(b), "{\"items\": [{\"type\": \"extension\","
		" \"slug\": \"%s\"}]}", slug);
	cr_assert_eq(market_order_post(cast.user, k1, b, &r), 201, "%s", r.body);
	client_free(&r);
	item = client_sql_longf("SELECT i.id FROM order_items i JOIN orders o ON"
		" o.id = i.order_id WHERE o.user_id = %ld", uid);
	/* Paid for (as the payments module would record it). */
	free(client_sqlf("INSERT INTO entitlements (user_id, extension_id,"
		" order_item_id, status, created_at, updated_at) SELECT %ld,"
		" id, %ld, 'suspended', NOW(6), NOW(6) FROM extensions WHERE"
		" slug = '%s'", uid, item, slug));
	market_order_post(cast.user, k2, b, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert_eq(orders_of(cast.user_pid), 1);
	cr_assert_eq(keys_of(cast.user_pid), 1, "the 409 kept its key");
	/* A revoked one is no longer owned: the same key now works. */
	free(client_sqlf("UPDATE entitlements SET status = 'revoked' WHERE"
		" order_item_id = %ld", item));
	cr_assert_eq(market_order_post(cast.user, k2, b, &r), 201, "%s", r.body);
	client_free(&r);
	/* An active licence of a plan. */
	free(client_sqlf("INSERT INTO licenses (public_id, user_id, plan_id,"
		" status, max_activations, expires_at, created_at, updated_at)"
		" SELECT UUID(), %ld, id, 'active', 3, NOW(6) + INTERVAL 1 DAY,"
		" NOW(6), NOW(6) FROM plans WHERE code = 'team'", uid));
	market_order_post(cast.user, k3, "{\"items\": [{\"type\": \"plan\", \"plan\":"
		" \"team\", \"interval\": \"year\"}]}", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	/* An expired one is not. */
	free(client_sqlf("UPDATE licenses SET expires_at = NOW(6) -"
		" INTERVAL 1 SECOND WHERE user_id = %ld", uid));
	cr_assert_eq(market_order_post(cast.user, k3, "{\"items\": [{\"type\":"
		" \"plan\", \"plan\": \"team\", \"interval\": \"year\"}]}", &r),
		201, "%s", r.body);
	client_free(&r);
}

/* --- reads */

Test(orders, orders_are_read_by_their_owner_and_admins_only)
{
	const char *b = "{\"items\": [{\"type\": \"plan\", \"plan\": \"pro\","
		" \"interval\": \"month\"}]}";
	struct client_resp r;
	struct json_object *o;
	char *id1, *id2, path[128], *next;

	cr_assert_eq(market_order_post(cast.user, new_key(), b, &r), 201);
	id1 = client_body_str(&r, "id");
	client_free(&r);
	cr_assert_eq(market_order_post(cast.user, new_key(), "{\"items\": [{\"type\":"
		" \"plan\", \"plan\": \"team\", \"interval\": \"month\"}]}", &r),
		201);
	id2 = client_body_str(&r, "id");
	client_free(&r);
	snprintf(path, sizeof(path), ORDERS "/%s", id1);
	client_call("GET", path, cast.user, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "id"), id1);
	cr_assert_str_eq(client_json_str(o, "status"), "pending");
	cr_assert_eq(market_json_int(o, "total.amount"), 1200);
	cr_assert_eq(market_json_int(o, "paid.amount"), 0);
	cr_assert_eq(market_json_int(o, "refunded.amount"), 0);
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(client_status("GET", path, cast.dev2, NULL), 404);
	cr_assert_eq(client_status("GET", path, cast.admin, NULL), 200);
	cr_assert_eq(client_status("GET", path, NULL, NULL), 401);
	cr_assert_eq(client_status("GET", ORDERS "/not-a-uuid", cast.user,
		NULL), 404);
	/* Newest first, a page at a time. */
	client_call("GET", ORDERS "?limit=1", cast.user, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(
		json_object_object_get(o, "items"), 0), "id"), id2);
	next = strdup(client_json_str(o, "next_cursor"));
	json_object_put(o);
	client_free(&r);
	snprintf(path, sizeof(path), ORDERS "?limit=1&cursor=%s", next);
	client_call("GET", path, cast.user, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(
		json_object_object_get(o, "items"), 0), "id"), id1);
	cr_assert(json_object_get_type(json_object_object_get(o,
		"next_cursor")) == json_type_null, "%s", r.body);
	json_object_put(o);
	client_free(&r);
	/* Another user's list has none of them. */
	client_call("GET", ORDERS, cast.dev2, NULL, &r);
	cr_assert(strstr(r.body, id1) == NULL && strstr(r.body, id2) == NULL);
	client_free(&r);
	free(next);
	free(id1);
	free(id2);
}

Test(orders, a_pending_order_past_its_window_is_expired)
{
	const char *b = "{\"items\": [{\"type\": \"plan\", \"plan\": \"pro\","
		" \"interval\": \"month\"}]}";
	struct client_resp r;
	char *id1, *id2, path[128], cmd[1024], *out = NULL;

	cr_assert_eq(market_order_post(cast.user, new_key(), b, &r), 201);
	id1 = client_body_str(&r, "id");
	client_free(&r);
	cr_assert_eq(market_order_post(cast.user, new_key(), "{\"items\": [{\"type\":"
		" \"plan\", \"plan\": \"team\", \"interval\": \"month\"}]}", &r),
		201);
	id2 = client_body_str(&r, "id");
	client_free(&r);
	free(client_sqlf("UPDATE orders SET expires_at = NOW(6) - INTERVAL 1"
		" SECOND WHERE public_id IN ('%s', '%s')", id1, id2));
	/* Read: expired, and stored so. */
	snprintf(path, sizeof(path), ORDERS "/%s", id1);
	client_call("GET", path, cast.user, NULL, &r);
	cr_assert(strstr(r.body, "\"status\":\"expired\"") != NULL, "%s",
		r.body);
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM orders WHERE public_id ="
		" '%s' AND status = 'expired'", id1), 1);
	/* Unread: the sweep expires it. */
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM orders WHERE public_id ="
		" '%s' AND status = 'pending'", id2), 1);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' orders-expire", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM orders WHERE public_id ="
		" '%s' AND status = 'expired'", id2), 1, "%s", out);
	free(out);
	free(id1);
	free(id2);
}

/* The sweep also removes Idempotency-Key rows past their day (nothing
 * else would: a claim deletes a stale row only when its own key comes
 * back), and keeps the younger ones. */
Test(orders, the_sweep_removes_keys_older_than_a_day)
{
	long uid = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'",
		cast.user_pid);
	const char *old = new_key(), *young = new_key();
	char cmd[1024], *out = NULL;

	free(client_sqlf("INSERT INTO idempotency_keys (user_id, idem_key,"
		" request_hash, state, status_code, response, created_at) VALUES"
		" (%ld, '%s', UNHEX(SHA2('a', 256)), 'done', 201, '{}',"
		" NOW(6) - INTERVAL 25 HOUR), (%ld, '%s', UNHEX(SHA2('b', 256)),"
		" 'done', 201, '{}', NOW(6) - INTERVAL 23 HOUR)", uid, old, uid,
		young));
	snprintf(cmd, sizeof(cmd), "%s -c '%s' orders-expire", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	cr_assert(strstr(out, "idempotency key") != NULL, "%s", out);
	free(out);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM idempotency_keys WHERE"
		" user_id = %ld AND idem_key = '%s'", uid, old), 0);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM idempotency_keys WHERE"
		" user_id = %ld AND idem_key = '%s'", uid, young), 1);
}

/* --- the way back from Stripe, and devforgectl pay */

/* A new pending order of cast.user for a paid extension: its id and
 * session (malloc'd). */
static void new_order(const char *slug, char **id, char **cs)
{
	struct client_resp r;
	char b[256];

	snprintf(b, sizeof(b), "{\"items\": [{\"type\": \"extension\","
		" \"slug\": \"%s\"}]}", slug);
	cr_assert_eq(market_order_post(cast.user, new_key(), b, &r), 201, "%s",
		r.body);
	*id = client_body_str(&r, "id");
	*cs = client_body_str(&r, "payment.reference");
	client_free(&r);
}

Test(orders, the_return_from_a_paid_session_fulfils_the_order)
{
	const char *slug = paid_ext("ordr", 650, "USD");
	struct client_resp r;
	struct json_object *o, *ev;
	char *id, *cs, path[160];

	new_order(slug, &id, &cs);
	snprintf(path, sizeof(path), ORDERS "/%s/return", id);
	/* Not paid yet: still pending, nothing recorded. */
	client_call("GET", path, NULL, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "status"), "pending");
	cr_assert_eq(json_object_object_length(o), 2, "%s", r.body);
	json_object_put(o);
	client_free(&r);
	/* Paid at Stripe (no webhook sent): the return learns it. */
	ev = stripe_kit_complete(cs);
	json_object_put(ev);
	client_call("GET", path, NULL, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "id"), id);
	cr_assert_str_eq(client_json_str(o, "status"), "paid", "%s", r.body);
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM payment_events WHERE"
		" event_id = 'session:%s'", cs), 1);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM entitlements t JOIN"
		" users u ON u.id = t.user_id WHERE u.public_id = '%s' AND"
		" t.status = 'active'", cast.user_pid), 1);
	/* Coming back again changes nothing. */
	client_call("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM payment_events WHERE"
		" event_id = 'session:%s'", cs), 1);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM ledger_entries l JOIN"
		" orders o ON o.id = l.order_id WHERE o.public_id = '%s'", id),
		1);
	cr_assert_eq(client_status("GET", ORDERS "/7f0c3a52-0000-4000-8000-"
		"000000000000/return", NULL, NULL), 404);
	free(id);
	free(cs);
}

Test(orders, devforgectl_pay_pays_an_order_through_the_webhook)
{
	const char *slug = paid_ext("ordp", 820, "USD");
	char *id, *cs, cmd[1024], *out = NULL;

	new_order(slug, &id, &cs);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' pay %s", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"), id);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM orders WHERE public_id ="
		" '%s' AND status = 'paid' AND paid_amount = 820", id), 1);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM payment_events WHERE"
		" event_id LIKE 'evt_%%' AND payment_ref IN (SELECT"
		" provider_payment FROM orders WHERE public_id = '%s')", id), 1);
	/* A paid order is not paid twice. */
	cr_assert_neq(client_run(cmd, &out), 0, "%s", out);
	free(out);
	/* Never in production. */
	snprintf(cmd, sizeof(cmd), "DEVFORGE_MODE=production"
		" DEVFORGE_PUBLIC_URL=https://devforge.test %s -c '%s' pay %s",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), id);
	cr_assert_eq(client_run(cmd, &out), 2, "%s", out);
	cr_assert(strstr(out, "refused") != NULL, "%s", out);
	free(out);
	free(id);
	free(cs);
}
