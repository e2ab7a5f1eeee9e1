/* The Stripe stand-in and the kit over it (tests/stripe/, stripe_kit.h):
 * its signatures are Stripe's and verify with core/stripe_sig; deliveries
 * carry the body byte for byte; the stack's config points at it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <criterion/criterion.h>

#include "client.h"
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
