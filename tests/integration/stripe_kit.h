/* Helpers for the payment suites over the Stripe stand-in's control
 * endpoints (tests/stripe/standin.js; scripts/stack.sh starts it and
 * exports DEVFORGE_TEST_STRIPE_URL and DEVFORGE_TEST_STRIPE_WEBHOOK_SECRET):
 * signatures made by Stripe's own library, events in Stripe's envelope,
 * signed deliveries to the stack, injected failures and the log of the
 * API calls the application made. Each helper fails the test when the
 * stand-in does not answer as expected. */
#ifndef DF_TEST_STRIPE_KIT_H
#define DF_TEST_STRIPE_KIT_H

#include <stddef.h>

struct json_object;

/* The route Stripe is told to deliver to (docs/DEPLOYMENT.md). */
#define STRIPE_KIT_WEBHOOK "/api/v1/payments/webhook"

/* The stand-in's URL with path appended (static, until the next call). */
const char *stripe_kit_url(const char *path);
/* The stack's webhook signing secret (whsec_...). */
const char *stripe_kit_secret(void);
/* The previous one of the rotation the stack runs in (both verify):
 * DEVFORGE_TEST_STRIPE_WEBHOOK_SECRET_PREVIOUS. */
const char *stripe_kit_previous_secret(void);

/* POSTs the JSON text to the stand-in's path, asserts 200 and returns the
 * answer parsed (put it when done). */
struct json_object *stripe_kit_post(const char *path, const char *json);

/* A Stripe-Signature header for payload computed by Stripe's library,
 * with secret (NULL: the stack's) at timestamp (0: now). malloc'd. */
char *stripe_kit_sign(const char *payload, const char *secret, long timestamp);
/* An event envelope {id: "evt_...", object: "event", type, created,
 * data: {object}, livemode: false, api_version} around object (JSON
 * text). Put it when done. */
struct json_object *stripe_kit_event(const char *type, const char *object_json);
/* Marks the checkout session paid (a new pi_) and returns the
 * checkout.session.completed event Stripe would send; expire likewise
 * with checkout.session.expired. Put them when done. */
struct json_object *stripe_kit_complete(const char *session_id);
struct json_object *stripe_kit_expire(const char *session_id);
/* The JSON text of an object, as delivered (belongs to o). */
const char *stripe_kit_text(struct json_object *o);

/* The stand-in signs event_json (as is, byte for byte) with secret (NULL:
 * the stack's) at timestamp (0: now) and POSTs it like Stripe to target:
 * a path on the stack's trusted URL (NULL: STRIPE_KIT_WEBHOOK) or a full
 * URL. Returns the HTTP status; the answer's body in *body (malloc'd)
 * when body is not NULL. */
long stripe_kit_deliver(const char *event_json, const char *target,
	const char *secret, long timestamp, char **body);
/* The same with this exact Stripe-Signature header (a forged one). */
long stripe_kit_deliver_header(const char *event_json, const char *target,
	const char *header, char **body);

/* The next count calls to the stand-in's API fail: "500" (Stripe's
 * api_error), "hang" (no answer), "close" (the connection is dropped);
 * "none" ends it. */
void stripe_kit_fail(const char *mode, int count);
/* Forgets the request log and any failure mode. */
void stripe_kit_reset(void);
/* The API calls received so far, oldest first: an array of {method,
 * path, idempotency_key, stripe_version, content_type, form}. Put it
 * when done. */
struct json_object *stripe_kit_requests(void);
/* How many API calls with this method and path the stand-in received,
 * and the newest one (a borrowed reference into *all, which the caller
 * puts; NULL when none). */
size_t stripe_kit_find(const char *method, const char *path,
	struct json_object **all, struct json_object **newest);

#endif
