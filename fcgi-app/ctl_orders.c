/* devforgectl orders-expire: a pending order whose payment window passed
 * is expired when it is read anyway; this sweep, run from cron, expires
 * those nobody reads, so lists and reports of pending orders stay true.
 * devforgectl pay: the dev stack's customer, so an order can be paid
 * end to end (stand-in, signed webhook, fulfilment) without a browser. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "config.h"
#include "ctl_orders.h"
#include "db.h"
#include "err.h"
#include "httpc.h"
#include "stripe_sig.h"
#include "validate.h"
#include "store/orders.h"

int ctl_orders_expire(const struct config *cfg)
{
	uint64_t n = 0, keys = 0;
	int rc;

	if (db_init(cfg) != 0) {
		fprintf(stderr, "orders-expire: out of memory\n");
		return 1;
	}
	rc = store_ord_expire_due(&n);
	if (rc == 0)
		rc = store_ord_idem_prune(&keys);
	db_close();
	if (rc != 0) {
		fprintf(stderr, "orders-expire: %s\n", df_strerror(rc));
		return 1;
	}
	printf("orders-expire: %llu pending order%s expired, %llu "
		"idempotency key%s older than a day removed\n",
		(unsigned long long)n, n == 1 ? "" : "s",
		(unsigned long long)keys, keys == 1 ? "" : "s");
	return 0;
}

#define PAY_TIMEOUT_MS 10000
#define WEBHOOK_PATH "/api/v1/payments/webhook"

/* Asks the stand-in to complete the session: the event Stripe would
 * send, as text. */
static int complete_session(struct arena *a, const struct config *cfg,
	const char *session, struct httpc_resp *resp)
{
	struct httpc_req rq = { 0 };
	char *url, *body;

	url = arena_printf(a, "%s/_test/complete", cfg->stripe_api_base);
	body = arena_printf(a, "{\"session\": \"%s\"}", session);
	if (url == NULL || body == NULL)
		return DF_ENOMEM;
	rq.method = "POST";
	rq.url = url;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.content_type = "application/json";
	rq.timeout_ms = PAY_TIMEOUT_MS;
	return httpc_request(a, &rq, resp);
}

/* Delivers the event signed with the configured webhook secret, as
 * Stripe would. */
static int deliver(struct arena *a, const struct config *cfg,
	const char *event, size_t len, struct httpc_resp *resp)
{
	struct httpc_req rq = { 0 };
	const char *hs[2];
	char sig[256], *h, *url;
	int rc;

	rc = stripe_sig_header(cfg->stripe_webhook_secret, time(NULL), event,
		len, sig, sizeof(sig));
	if (rc != 0)
		return rc;
	h = arena_printf(a, "Stripe-Signature: %s", sig);
	url = arena_printf(a, "%s" WEBHOOK_PATH, cfg->public_url);
	if (h == NULL || url == NULL)
		return DF_ENOMEM;
	hs[0] = h;
	hs[1] = NULL;
	rq.method = "POST";
	rq.url = url;
	rq.headers = hs;
	rq.body = event;
	rq.body_len = len;
	rq.content_type = "application/json";
	rq.timeout_ms = PAY_TIMEOUT_MS;
	return httpc_request(a, &rq, resp);
}

int ctl_orders_pay(const struct config *cfg, const char *order_id)
{
	struct httpc_resp ev, got;
	struct store_order o;
	struct arena *a;
	int rc, ret = 1;

	/* It pays without paying: only ever against the stand-in. */
	if (cfg->mode == CONFIG_PRODUCTION) {
		fprintf(stderr, "pay: refused with mode = production (it "
			"plays the customer against the Stripe stand-in)\n");
		return 2;
	}
	if (!validate_uuid(order_id)) {
		fprintf(stderr, "pay: '%s' is not an order id\n", order_id);
		return 1;
	}
	if (cfg->stripe_webhook_secret == NULL ||
	    cfg->stripe_api_base == NULL) {
		fprintf(stderr, "pay: no Stripe stand-in configured "
			"(stripe_api_base, stripe_webhook_secret_file)\n");
		return 1;
	}
	a = arena_new(64 * 1024);
	if (a == NULL || db_init(cfg) != 0 || httpc_global_init() != 0) {
		fprintf(stderr, "pay: out of memory\n");
		arena_free(a);
		return 1;
	}
	rc = store_ord_get(a, order_id, &o);
	if (rc != 0) {
		fprintf(stderr, "pay: order %s: %s\n", order_id,
			rc == DF_ENOTFOUND ? "no such order" : df_strerror(rc));
		goto out;
	}
	if (o.session == NULL || strcmp(o.status, "pending") != 0) {
		fprintf(stderr, "pay: order %s is %s, not pending\n", order_id,
			o.status);
		goto out;
	}
	rc = complete_session(a, cfg, o.session, &ev);
	if (rc != 0 || ev.status != 200) {
		fprintf(stderr, "pay: the stand-in did not complete %s: %s\n",
			o.session, rc != 0 ? (ev.error ? ev.error :
			df_strerror(rc)) : ev.body);
		goto out;
	}
	rc = deliver(a, cfg, ev.body, ev.body_len, &got);
	if (rc != 0) {
		fprintf(stderr, "pay: the webhook did not answer: %s\n",
			got.error ? got.error : df_strerror(rc));
		goto out;
	}
	printf("pay: webhook answered %ld %s\n", got.status, got.body);
	ret = got.status >= 200 && got.status < 300 ? 0 : 1;
out:
	db_close();
	arena_free(a);
	return ret;
}
