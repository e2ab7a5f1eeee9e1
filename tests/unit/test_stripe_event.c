/* Unit tests for stripe_event.c: each event type Stripe sends us becomes
 * the pay_event the fold expects (kind, refs, amount, upper-case
 * currency), a charge's refund list becomes one event per refund, an
 * unknown type is kept as ignored, and every malformed envelope or field
 * is refused. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "stripe_event.h"

static struct arena *A;
static struct pay_event ev[STRIPE_EVENT_MAX];
static size_t nev;

static void setup(void)
{
	A = arena_new(4096);
	cr_assert_not_null(A);
}

static void teardown(void)
{
	arena_free(A);
}

TestSuite(stripe_event, .init = setup, .fini = teardown);

/* Parses an envelope of type around object; the rc. */
static int parse(const char *type, const char *object)
{
	char body[8192];
	const char *why;

	snprintf(body, sizeof(body), "{\"id\":\"evt_1Abc\",\"object\":\"event\","
		"\"type\":\"%s\",\"created\":1700000000,\"livemode\":false,"
		"\"data\":{\"object\":%s}}", type, object);
	return stripe_event_parse(A, body, strlen(body), ev, STRIPE_EVENT_MAX,
		&nev, &why);
}

static int parse_raw(const char *body)
{
	return stripe_event_parse(A, body, strlen(body), ev, STRIPE_EVENT_MAX,
		&nev, NULL);
}

Test(stripe_event, checkout_completed_paid_is_paid_with_amount_total)
{
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_test_1\","
		"\"object\":\"checkout.session\",\"amount_total\":1999,"
		"\"currency\":\"usd\",\"payment_status\":\"paid\","
		"\"payment_intent\":\"pi_9\",\"metadata\":{\"order_id\":"
		"\"0b6e1a52-6f4f-4a39-9c43-2f3c0a0b1c2d\"}}"), 0);
	cr_assert_eq(nev, 1);
	cr_assert_eq(ev[0].kind, PAY_PAID);
	cr_assert_str_eq(ev[0].event_id, "evt_1Abc");
	cr_assert_str_eq(ev[0].type, "checkout.session.completed");
	cr_assert_eq(ev[0].amount, 1999);
	cr_assert_str_eq(ev[0].currency, "USD");
	cr_assert_str_eq(ev[0].session_ref, "cs_test_1");
	cr_assert_str_eq(ev[0].payment_ref, "pi_9");
	cr_assert_str_eq(ev[0].order_id, "0b6e1a52-6f4f-4a39-9c43-2f3c0a0b1c2d");
	cr_assert_eq(ev[0].created, 1700000000);
	cr_assert_null(ev[0].ref);
}

Test(stripe_event, checkout_completed_unpaid_is_ignored)
{
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"amount_total\":1999,\"currency\":\"usd\","
		"\"payment_status\":\"unpaid\",\"payment_intent\":null}"), 0);
	cr_assert_eq(ev[0].kind, PAY_IGNORED);
}

Test(stripe_event, expanded_payment_intent_is_read_by_its_id)
{
	cr_assert_eq(parse("checkout.session.async_payment_succeeded",
		"{\"id\":\"cs_1\",\"amount_total\":5,\"currency\":\"eur\","
		"\"payment_status\":\"paid\",\"payment_intent\":{\"id\":"
		"\"pi_x\",\"object\":\"payment_intent\"}}"), 0);
	cr_assert_eq(ev[0].kind, PAY_PAID);
	cr_assert_str_eq(ev[0].payment_ref, "pi_x");
	cr_assert_str_eq(ev[0].currency, "EUR");
}

Test(stripe_event, failures_and_expiry)
{
	cr_assert_eq(parse("checkout.session.async_payment_failed",
		"{\"id\":\"cs_1\"}"), 0);
	cr_assert_eq(ev[0].kind, PAY_PAYMENT_FAILED);
	cr_assert_eq(parse("payment_intent.payment_failed",
		"{\"id\":\"pi_1\",\"amount\":100,\"currency\":\"usd\"}"), 0);
	cr_assert_eq(ev[0].kind, PAY_PAYMENT_FAILED);
	cr_assert_str_eq(ev[0].payment_ref, "pi_1");
	cr_assert_eq(parse("checkout.session.expired", "{\"id\":\"cs_2\"}"), 0);
	cr_assert_eq(ev[0].kind, PAY_EXPIRED);
	cr_assert_str_eq(ev[0].session_ref, "cs_2");
}

Test(stripe_event, payment_intent_succeeded_prefers_amount_received)
{
	cr_assert_eq(parse("payment_intent.succeeded", "{\"id\":\"pi_1\","
		"\"amount\":100,\"amount_received\":90,\"currency\":\"usd\"}"), 0);
	cr_assert_eq(ev[0].kind, PAY_PAID);
	cr_assert_eq(ev[0].amount, 90);
	cr_assert_str_eq(ev[0].payment_ref, "pi_1");
	cr_assert_eq(parse("payment_intent.succeeded", "{\"id\":\"pi_1\","
		"\"amount\":100,\"currency\":\"usd\"}"), 0);
	cr_assert_eq(ev[0].amount, 100);
}

Test(stripe_event, charge_refunded_gives_one_event_per_refund)
{
	cr_assert_eq(parse("charge.refunded", "{\"id\":\"ch_1\","
		"\"payment_intent\":\"pi_1\",\"amount_refunded\":700,"
		"\"currency\":\"usd\",\"refunds\":{\"object\":\"list\",\"data\":["
		"{\"id\":\"re_a\",\"amount\":300,\"currency\":\"usd\","
		"\"status\":\"succeeded\",\"payment_intent\":\"pi_1\"},"
		"{\"id\":\"re_b\",\"amount\":400,\"currency\":\"usd\","
		"\"status\":\"failed\"}]}}"), 0);
	cr_assert_eq(nev, 2);
	cr_assert_eq(ev[0].kind, PAY_REFUND);
	cr_assert_str_eq(ev[0].ref, "re_a");
	cr_assert_eq(ev[0].amount, 300);
	cr_assert_str_eq(ev[0].event_id, "evt_1Abc:re_a");
	cr_assert_eq(ev[1].kind, PAY_REFUND_FAILED);
	cr_assert_str_eq(ev[1].ref, "re_b");
	cr_assert_str_eq(ev[1].payment_ref, "pi_1");
	cr_assert_str_eq(ev[1].event_id, "evt_1Abc:re_b");
}

Test(stripe_event, charge_refunded_without_list_is_cumulative)
{
	cr_assert_eq(parse("charge.refunded", "{\"id\":\"ch_1\","
		"\"payment_intent\":\"pi_1\",\"amount_refunded\":700,"
		"\"currency\":\"usd\"}"), 0);
	cr_assert_eq(nev, 1);
	cr_assert_eq(ev[0].kind, PAY_REFUND);
	cr_assert_null(ev[0].ref);
	cr_assert_eq(ev[0].amount, 700);
	cr_assert_str_eq(ev[0].event_id, "evt_1Abc");
}

Test(stripe_event, refund_events_by_status)
{
	cr_assert_eq(parse("refund.created", "{\"id\":\"re_1\",\"amount\":5,"
		"\"currency\":\"usd\",\"status\":\"pending\","
		"\"payment_intent\":\"pi_1\"}"), 0);
	cr_assert_eq(ev[0].kind, PAY_REFUND);
	cr_assert_str_eq(ev[0].ref, "re_1");
	cr_assert_eq(parse("refund.updated", "{\"id\":\"re_1\",\"amount\":5,"
		"\"currency\":\"usd\",\"status\":\"canceled\"}"), 0);
	cr_assert_eq(ev[0].kind, PAY_REFUND_FAILED);
	cr_assert_eq(parse("refund.failed", "{\"id\":\"re_1\",\"amount\":5,"
		"\"currency\":\"usd\",\"status\":\"succeeded\"}"), 0);
	cr_assert_eq(ev[0].kind, PAY_REFUND_FAILED);
}

Test(stripe_event, disputes_open_won_lost)
{
#define DISPUTE "{\"id\":\"dp_1\",\"amount\":1999," \
		"\"currency\":\"usd\",\"status\":\"%s\",\"payment_intent\":\"pi_1\"}"
	char o[256];

	snprintf(o, sizeof(o), DISPUTE, "needs_response");
	cr_assert_eq(parse("charge.dispute.created", o), 0);
	cr_assert_eq(ev[0].kind, PAY_DISPUTE_OPEN);
	cr_assert_str_eq(ev[0].ref, "dp_1");
	snprintf(o, sizeof(o), DISPUTE, "won");
	cr_assert_eq(parse("charge.dispute.closed", o), 0);
	cr_assert_eq(ev[0].kind, PAY_DISPUTE_WON);
	snprintf(o, sizeof(o), DISPUTE, "warning_closed");
	cr_assert_eq(parse("charge.dispute.closed", o), 0);
	cr_assert_eq(ev[0].kind, PAY_DISPUTE_WON);
	snprintf(o, sizeof(o), DISPUTE, "lost");
	cr_assert_eq(parse("charge.dispute.closed", o), 0);
	cr_assert_eq(ev[0].kind, PAY_DISPUTE_LOST);
	snprintf(o, sizeof(o), DISPUTE, "under_review");
	cr_assert_eq(parse("charge.dispute.closed", o), DF_EINVAL);
}

Test(stripe_event, unknown_type_is_ignored_not_refused)
{
	cr_assert_eq(parse("customer.created", "{\"id\":\"cus_1\"}"), 0);
	cr_assert_eq(nev, 1);
	cr_assert_eq(ev[0].kind, PAY_IGNORED);
	cr_assert_str_eq(stripe_event_kind_name(ev[0].kind), "ignored");
	cr_assert_str_eq(stripe_event_kind_name(PAY_DISPUTE_LOST), "dispute_lost");
}

Test(stripe_event, malformed_envelopes_are_refused)
{
	static const char *const bodies[] = {
		"", "[]", "null", "{", "{\"id\":\"evt_1\"}",
		"{\"id\":\"x_1\",\"type\":\"a\",\"created\":1,\"data\":{\"object\":{}}}",
		"{\"id\":\"evt_ 1\",\"type\":\"a\",\"created\":1,\"data\":{\"object\":{}}}",
		"{\"id\":7,\"type\":\"a\",\"created\":1,\"data\":{\"object\":{}}}",
		"{\"id\":\"evt_1\",\"type\":\"A B\",\"created\":1,\"data\":{\"object\":{}}}",
		"{\"id\":\"evt_1\",\"type\":\"a\",\"created\":\"1\",\"data\":{\"object\":{}}}",
		"{\"id\":\"evt_1\",\"type\":\"a\",\"created\":0,\"data\":{\"object\":{}}}",
		"{\"id\":\"evt_1\",\"type\":\"a\",\"created\":1,\"data\":{}}",
		"{\"id\":\"evt_1\",\"type\":\"a\",\"created\":1,\"data\":{\"object\":[]}}",
		"{\"id\":\"evt_1\",\"id\":\"evt_2\",\"type\":\"a\",\"created\":1,\"data\":{\"object\":{}}}",
	};
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		cr_assert_eq(parse_raw(bodies[i]), DF_EINVAL, "accepted %s",
			bodies[i]);
		cr_assert_eq(nev, 0);
	}
	cr_assert_eq(stripe_event_parse(A, "{\"id\":\"evt_1\"\0}", 16, ev,
		STRIPE_EVENT_MAX, &nev, NULL), DF_EINVAL);
}

Test(stripe_event, malformed_fields_of_known_types_are_refused)
{
	/* amount missing, negative, fractional; currency wrong; refs. */
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"currency\":\"usd\",\"payment_status\":\"paid\"}"), DF_EINVAL);
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"amount_total\":-1,\"currency\":\"usd\","
		"\"payment_status\":\"paid\"}"), DF_EINVAL);
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"amount_total\":1.5,\"currency\":\"usd\","
		"\"payment_status\":\"paid\"}"), DF_EINVAL);
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"amount_total\":1,\"currency\":\"usdx\","
		"\"payment_status\":\"paid\"}"), DF_EINVAL);
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"amount_total\":1,\"currency\":\"u1d\","
		"\"payment_status\":\"paid\"}"), DF_EINVAL);
	cr_assert_eq(parse("checkout.session.completed", "{\"amount_total\":1,"
		"\"currency\":\"usd\",\"payment_status\":\"paid\"}"), DF_EINVAL);
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"amount_total\":1,\"currency\":\"usd\",\"payment_status\":"
		"\"paid\",\"metadata\":{\"order_id\":\"a b\"}}"), DF_EINVAL);
	cr_assert_eq(parse("checkout.session.completed", "{\"id\":\"cs_1\","
		"\"amount_total\":1,\"currency\":\"usd\",\"payment_status\":"
		"\"paid\",\"metadata\":[]}"), DF_EINVAL);
	cr_assert_eq(parse("refund.created", "{\"amount\":1,"
		"\"currency\":\"usd\"}"), DF_EINVAL);
	cr_assert_eq(parse("charge.refunded", "{\"id\":\"ch_1\","
		"\"currency\":\"usd\",\"refunds\":{\"data\":[7]}}"), DF_EINVAL);
	cr_assert_eq(parse("charge.dispute.created", "{\"id\":\"dp_1\","
		"\"currency\":\"usd\"}"), DF_EINVAL);
}
