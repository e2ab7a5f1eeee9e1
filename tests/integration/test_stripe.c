/* The Stripe stand-in and the kit over it (tests/stripe/, stripe_kit.h):
 * its signatures are Stripe's and verify with core/stripe_sig; deliveries
 * carry the body byte for byte; the stack's config points at it. And the
 * API module api/shared/stripe.c against it: what it sends (Stripe's
 * nested form fields, the pinned version, the Idempotency-Key), what it
 * reads back, and DF_EUPSTREAM for every way Stripe can fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <criterion/criterion.h>

#include "api/shared/stripe.h"
#include "arena.h"
#include "client.h"
#include "config.h"
#include "err.h"
#include "stripe_kit.h"
#include "stripe_sig.h"

static int verify_with(const char *header, const char *body, const char *secret)
{
	const char *secrets[] = { secret };

	return stripe_sig_verify(header, body, strlen(body), secrets, 1,
		time(NULL), STRIPE_SIG_TOLERANCE);
}

Test(stripe_standin, stack_config_points_at_the_standin)
{
	char *base = client_config("stripe_api_base", NULL);
	char *file = client_config("stripe_webhook_secret_file", NULL);
	char *secret;
	size_t n;

	cr_assert_not_null(base);
	cr_assert_str_eq(base, client_env("DEVFORGE_TEST_STRIPE_URL"));
	cr_assert_not_null(file);
	secret = client_file(file);
	cr_assert_not_null(secret);
	n = strcspn(secret, "\r\n");
	secret[n] = '\0';
	cr_assert_str_eq(secret, stripe_kit_secret());
	cr_assert_eq(strncmp(secret, "whsec_", 6), 0);
	free(base);
	free(file);
	free(secret);
}

Test(stripe_standin, its_signature_verifies_with_our_checker)
{
	const char *payload = "{\"id\":\"evt_1\",\"object\":\"event\"}";
	char *header = stripe_kit_sign(payload, NULL, 0);
	char *old = stripe_kit_sign(payload, NULL, (long)time(NULL) - 301);

	cr_assert_eq(verify_with(header, payload, stripe_kit_secret()), 0, "%s",
		header);
	cr_assert_eq(verify_with(header, payload, "whsec_other"), DF_EAUTH);
	cr_assert_eq(verify_with(header, "{\"id\":\"evt_2\",\"object\":\"event\"}",
		stripe_kit_secret()), DF_EAUTH);
	cr_assert_eq(verify_with(old, payload, stripe_kit_secret()), DF_EAUTH);
	free(header);
	free(old);
}

Test(stripe_standin, delivery_is_signed_and_byte_exact)
{
	struct json_object *ev = stripe_kit_event("charge.refunded",
		"{\"id\":\"ch_1\",\"object\":\"charge\",\"amount_refunded\":500}");
	/* Text as the test chose it: spacing and order are kept. */
	const char *text = "{ \"id\": \"evt_x\",  \"type\": \"a\" }";
	struct json_object *echo, *h;
	char *body;

	cr_assert_str_eq(client_json_str(ev, "object"), "event");
	cr_assert_str_eq(client_json_str(ev, "type"), "charge.refunded");
	cr_assert_str_eq(client_json_str(ev, "data.object.id"), "ch_1");
	cr_assert_eq(strncmp(client_json_str(ev, "id"), "evt_", 4), 0);
	json_object_put(ev);

	cr_assert_eq(stripe_kit_deliver(text, stripe_kit_url("/_test/echo"),
		NULL, 0, &body), 200);
	echo = json_tokener_parse(body);
	cr_assert_not_null(echo);
	cr_assert_str_eq(client_json_str(echo, "body"), text);
	cr_assert(json_object_object_get_ex(echo, "headers", &h));
	cr_assert_eq(verify_with(client_json_str(h, "stripe-signature"), text,
		stripe_kit_secret()), 0);
	json_object_put(echo);
	free(body);

	/* A forged header is sent as given. */
	cr_assert_eq(stripe_kit_deliver_header(text, stripe_kit_url("/_test/echo"),
		"t=1,v1=00", &body), 200);
	echo = json_tokener_parse(body);
	cr_assert(json_object_object_get_ex(echo, "headers", &h));
	cr_assert_str_eq(client_json_str(h, "stripe-signature"), "t=1,v1=00");
	json_object_put(echo);
	free(body);
}

/* ------------------------------------------------------------ the module */

static struct config cfg;
static struct arena *ar;

/* The stack's own config (its stand-in and secret key), a short timeout
 * so the failure tests end soon. */
static void module_init(void)
{
	char err[512];

	cr_assert_eq(config_load(&cfg, client_env("DEVFORGE_TEST_CONFIG"), NULL,
		err, sizeof(err)), 0, "%s", err);
	cfg.stripe_timeout_ms = 1500;
	cr_assert_eq(stripe_init(&cfg), 0);
	ar = arena_new(8192);
	cr_assert_not_null(ar);
	stripe_kit_fail("none", 0);
}

static void module_fini(void)
{
	stripe_kit_fail("none", 0);
	arena_free(ar);
	config_free(&cfg);
}

TestSuite(stripe_api, .init = module_init, .fini = module_fini, .timeout = 60);

static const struct stripe_line two_lines[] = {
	{ "Pro plan (monthly)", 1999 },
	{ "Extension: dark-theme & more", 500 },
};

/* A checkout request for a fresh order id and idempotency key. */
static void checkout_in(struct stripe_checkout_in *in, char *order_id,
	char *key)
{
	snprintf(order_id, 40, "%s", client_unique("order"));
	snprintf(key, 64, "order-%s-checkout", order_id);
	memset(in, 0, sizeof(*in));
	in->order_id = order_id;
	in->currency = "USD";
	in->lines = two_lines;
	in->nlines = 2;
	in->customer_email = "buyer@example.test";
	in->success_url = "http://127.0.0.1/api/v1/orders/return?session_id={CHECKOUT_SESSION_ID}";
	in->cancel_url = "http://127.0.0.1/cancelled";
	in->expires_at = time(NULL) + 3600;
	in->idempotency_key = key;
}

static const char *form_str(struct json_object *req, const char *path)
{
	char full[256];

	snprintf(full, sizeof(full), "form.%s", path);
	return client_json_str(req, full);
}

Test(stripe_api, checkout_create_sends_stripes_nested_form)
{
	struct stripe_checkout_in in;
	struct stripe_checkout out;
	struct json_object *all, *req, *items, *li;
	char order_id[40], key[64], exp[24];

	checkout_in(&in, order_id, key);
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), 0);
	cr_assert_eq(strncmp(out.id, "cs_", 3), 0, "%s", out.id);
	cr_assert_not_null(out.url);
	cr_assert_str_eq(out.status, "open");
	cr_assert_str_eq(out.payment_status, "unpaid");
	cr_assert_null(out.payment_intent);
	cr_assert_eq(out.amount_total, 2499);
	cr_assert_str_eq(out.currency, "USD");
	cr_assert_str_eq(out.order_id, order_id);

	cr_assert_geq(stripe_kit_find("POST", "/v1/checkout/sessions", &all, &req), 1);
	cr_assert_str_eq(client_json_str(req, "idempotency_key"), key);
	cr_assert_str_eq(client_json_str(req, "stripe_version"), STRIPE_API_VERSION);
	cr_assert_str_eq(client_json_str(req, "content_type"),
		"application/x-www-form-urlencoded");
	cr_assert_str_eq(form_str(req, "mode"), "payment");
	cr_assert_str_eq(form_str(req, "metadata.order_id"), order_id);
	cr_assert_str_eq(form_str(req, "payment_intent_data.metadata.order_id"),
		order_id);
	cr_assert_str_eq(form_str(req, "customer_email"), "buyer@example.test");
	cr_assert_str_eq(form_str(req, "success_url"), in.success_url);
	cr_assert_str_eq(form_str(req, "cancel_url"), in.cancel_url);
	snprintf(exp, sizeof(exp), "%lld", (long long)in.expires_at);
	cr_assert_str_eq(form_str(req, "expires_at"), exp);
	cr_assert(json_object_object_get_ex(json_object_object_get(req, "form"),
		"line_items", &items));
	cr_assert_eq(json_object_array_length(items), 2);
	li = json_object_array_get_idx(items, 1);
	cr_assert_str_eq(client_json_str(li, "price_data.currency"), "usd");
	cr_assert_str_eq(client_json_str(li, "price_data.unit_amount"), "500");
	cr_assert_str_eq(client_json_str(li, "price_data.product_data.name"),
		"Extension: dark-theme & more");
	cr_assert_str_eq(client_json_str(li, "quantity"), "1");
	json_object_put(all);
}

Test(stripe_api, checkout_get_reads_the_paid_session)
{
	struct stripe_checkout_in in;
	struct stripe_checkout out, got;
	struct json_object *ev;
	char order_id[40], key[64];

	checkout_in(&in, order_id, key);
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), 0);
	cr_assert_eq(stripe_checkout_get(ar, out.id, &got), 0);
	cr_assert_str_eq(got.id, out.id);
	cr_assert_str_eq(got.status, "open");
	cr_assert_null(got.payment_intent);

	ev = stripe_kit_complete(out.id);
	cr_assert_str_eq(client_json_str(ev, "type"), "checkout.session.completed");
	cr_assert_eq(stripe_checkout_get(ar, out.id, &got), 0);
	cr_assert_str_eq(got.status, "complete");
	cr_assert_str_eq(got.payment_status, "paid");
	cr_assert_str_eq(got.payment_intent,
		client_json_str(ev, "data.object.payment_intent"));
	cr_assert_eq(got.amount_total, 2499);
	cr_assert_str_eq(got.currency, "USD");
	cr_assert_str_eq(got.order_id, order_id);
	json_object_put(ev);
}

Test(stripe_api, refund_partial_then_the_rest)
{
	struct stripe_checkout_in in;
	struct stripe_checkout out, got;
	struct stripe_refund re;
	struct json_object *all, *req;
	char order_id[40], key[64], rkey[80];

	checkout_in(&in, order_id, key);
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), 0);
	json_object_put(stripe_kit_complete(out.id));
	cr_assert_eq(stripe_checkout_get(ar, out.id, &got), 0);

	snprintf(rkey, sizeof(rkey), "%s-refund-1", key);
	cr_assert_eq(stripe_refund_create(ar, got.payment_intent, 500, order_id,
		rkey, &re), 0);
	cr_assert_eq(strncmp(re.id, "re_", 3), 0, "%s", re.id);
	cr_assert_str_eq(re.status, "succeeded");
	cr_assert_eq(re.amount, 500);
	cr_assert_geq(stripe_kit_find("POST", "/v1/refunds", &all, &req), 1);
	cr_assert_str_eq(client_json_str(req, "idempotency_key"), rkey);
	cr_assert_str_eq(form_str(req, "payment_intent"), got.payment_intent);
	cr_assert_str_eq(form_str(req, "amount"), "500");
	cr_assert_str_eq(form_str(req, "metadata.order_id"), order_id);
	json_object_put(all);

	/* 0: the rest, and no amount field sent. */
	snprintf(rkey, sizeof(rkey), "%s-refund-2", key);
	cr_assert_eq(stripe_refund_create(ar, got.payment_intent, 0, order_id,
		rkey, &re), 0);
	cr_assert_eq(re.amount, 1999);
	cr_assert_geq(stripe_kit_find("POST", "/v1/refunds", &all, &req), 2);
	cr_assert_null(form_str(req, "amount"));
	json_object_put(all);

	/* Nothing left: Stripe says 400, we say upstream failure. */
	snprintf(rkey, sizeof(rkey), "%s-refund-3", key);
	cr_assert_eq(stripe_refund_create(ar, got.payment_intent, 0, order_id,
		rkey, &re), DF_EUPSTREAM);
}

Test(stripe_api, repeat_with_the_same_idempotency_key_is_replayed)
{
	struct stripe_checkout_in in;
	struct stripe_checkout a, b;
	char order_id[40], key[64];

	checkout_in(&in, order_id, key);
	cr_assert_eq(stripe_checkout_create(ar, &in, &a), 0);
	cr_assert_eq(stripe_checkout_create(ar, &in, &b), 0);
	cr_assert_str_eq(a.id, b.id, "a repeat made a second session");
	/* The same key with other parameters is Stripe's idempotency_error. */
	in.nlines = 1;
	cr_assert_eq(stripe_checkout_create(ar, &in, &b), DF_EUPSTREAM);
}

static void expect_upstream_failure(const char *mode)
{
	struct stripe_checkout_in in;
	struct stripe_checkout out;
	struct stripe_refund re;
	char order_id[40], key[64];

	checkout_in(&in, order_id, key);
	stripe_kit_fail(mode, 3);
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), DF_EUPSTREAM, "%s", mode);
	cr_assert_eq(stripe_checkout_get(ar, "cs_test_whatever", &out),
		DF_EUPSTREAM, "%s", mode);
	cr_assert_eq(stripe_refund_create(ar, "pi_test_whatever", 0, order_id,
		key, &re), DF_EUPSTREAM, "%s", mode);
	/* The stand-in is fine again: the same call now works. */
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), 0, "%s", mode);
}

Test(stripe_api, stripe_500_is_upstream_failure)
{
	expect_upstream_failure("500");
}

Test(stripe_api, dropped_connection_is_upstream_failure)
{
	expect_upstream_failure("close");
}

/* The suite's watchdog (.timeout) fails this if the client waits for
 * ever; 1.5 s each is the configured bound. */
Test(stripe_api, no_answer_is_upstream_failure_after_the_timeout)
{
	expect_upstream_failure("hang");
}

Test(stripe_api, unreachable_stripe_is_upstream_failure)
{
	struct stripe_checkout out;
	char *base = cfg.stripe_api_base;

	/* Port 1 on loopback: nothing listens there. */
	cfg.stripe_api_base = (char *)"http://127.0.0.1:1";
	cr_assert_eq(stripe_checkout_get(ar, "cs_test_x", &out), DF_EUPSTREAM);
	cfg.stripe_api_base = base;
}

Test(stripe_api, wrong_key_and_unknown_session_are_upstream_failures)
{
	struct stripe_checkout out;
	char *key = cfg.stripe_secret_key;

	cr_assert_eq(stripe_checkout_get(ar, "cs_test_no_such_session", &out),
		DF_EUPSTREAM);
	cfg.stripe_secret_key = (char *)"sk_test_wrong";
	cr_assert_eq(stripe_checkout_get(ar, "cs_test_x", &out), DF_EUPSTREAM);
	cfg.stripe_secret_key = NULL;
	cr_assert_eq(stripe_checkout_get(ar, "cs_test_x", &out), DF_EUPSTREAM);
	cfg.stripe_secret_key = key;
}

Test(stripe_api, arguments_stripe_would_refuse_are_einval_and_not_sent)
{
	struct stripe_checkout_in in;
	struct stripe_checkout out;
	struct stripe_refund re;
	struct json_object *all, *req;
	char order_id[40], key[64];
	size_t before = stripe_kit_find("POST", "/v1/checkout/sessions", &all, &req);

	json_object_put(all);
	checkout_in(&in, order_id, key);
	in.currency = "US";
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), DF_EINVAL);
	in.currency = "U$D";
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), DF_EINVAL);
	in.currency = "usd";
	in.nlines = 0;
	cr_assert_eq(stripe_checkout_create(ar, &in, &out), DF_EINVAL);
	cr_assert_eq(stripe_refund_create(ar, "pi_x", -1, order_id, key, &re),
		DF_EINVAL);
	cr_assert_eq(stripe_kit_find("POST", "/v1/checkout/sessions", &all, &req),
		before);
	json_object_put(all);
}

Test(stripe_api, webhook_secrets_are_the_configs)
{
	const char *s[2];
	char *prev = cfg.stripe_webhook_secret_previous;

	/* The stack runs in a rotation (it names a previous secret too):
	 * first without it. */
	cfg.stripe_webhook_secret_previous = NULL;
	cr_assert_eq(stripe_webhook_secrets(s), 1);
	cr_assert_str_eq(s[0], stripe_kit_secret());
	cfg.stripe_webhook_secret_previous = (char *)"whsec_previous";
	cr_assert_eq(stripe_webhook_secrets(s), 2);
	cr_assert_str_eq(s[1], "whsec_previous");
	cfg.stripe_webhook_secret_previous = prev;
}
