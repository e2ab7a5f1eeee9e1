/* Stores: payments. */
/* The payment provider's webhook and the admin refund. The webhook
 * trusts a body only once its Stripe-Signature verifies over the raw
 * bytes with one of the configured secrets (two during a rotation), then
 * does nothing but MariaDB work: each event is recorded once and its
 * order folded (store/payments.c). Answers follow Stripe's contract: 2xx
 * for anything recorded (a replay too, an unknown type too) so Stripe
 * stops resending; 400 for a bad signature or a malformed event; 503
 * when the database is away, so Stripe retries later. */
#include <ctype.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/stripe.h"
#include "arena.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "problem.h"
#include "stripe_event.h"
#include "stripe_sig.h"
#include "validate.h"
#include "store/payments.h"

/* A request header by its CGI name (HTTP_...), from the raw params. */
static const char *header(const struct request *req, const char *name)
{
	size_t n = strlen(name);
	char **e;

	for (e = req->envp; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static int is_json(const char *ct)
{
	static const char want[] = "application/json";

	if (ct == NULL || strncasecmp(ct, want, sizeof(want) - 1) != 0)
		return 0;
	ct += sizeof(want) - 1;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int webhook(struct request *req)
{
	const char *secrets[2], *why, *outcome = NULL, *sig;
	struct pay_event *ev;
	struct store_pay_result res, first;
	struct json_object *o;
	size_t nsec = 0, n, i;
	int rc, all_replayed = 1;

	if (!is_json(req->content_type))
		return problem_send(req, 415, NULL, "Stripe sends "
			"application/json.");
	nsec = stripe_webhook_secrets(secrets);
	if (nsec == 0) {
		log_msg(LOG_ERROR, "payments webhook: no webhook secret "
			"configured (stripe_webhook_secret_file)");
		return problem_send(req, 503, NULL, NULL);
	}
	sig = header(req, "HTTP_STRIPE_SIGNATURE");
	rc = stripe_sig_verify(sig, req->body != NULL ? req->body : "",
		req->body_len, secrets, nsec, time(NULL), STRIPE_SIG_TOLERANCE);
	if (rc == DF_EINVAL)
		return problem_send(req, 400, "invalid_signature", sig == NULL ?
			"The Stripe-Signature header is missing." :
			"The Stripe-Signature header is malformed.");
	if (rc != 0)
		return problem_send(req, 400, "invalid_signature", "The "
			"Stripe-Signature does not verify with the endpoint's "
			"secret, or its timestamp is outside the tolerance.");

	ev = arena_calloc(req->arena, STRIPE_EVENT_MAX, sizeof(*ev));
	if (ev == NULL)
		return DF_ENOMEM;
	rc = stripe_event_parse(req->arena, req->body != NULL ? req->body : "",
		req->body_len, ev, STRIPE_EVENT_MAX, &n, &why);
	if (rc == DF_EINVAL)
		return problem_send(req, 400, "malformed_event", why);
	if (rc != 0)
		return rc;
	memset(&first, 0, sizeof(first));
	for (i = 0; i < n; i++) {
		rc = store_pay_record(req->arena, &ev[i], &res);
		if (rc != 0)
			return rc;
		if (strcmp(res.outcome, "replayed") != 0) {
			if (all_replayed)
				first = res;
			all_replayed = 0;
		}
		if (i == 0 && n == 1)
			first = res;
	}
	outcome = all_replayed ? "replayed" : first.outcome;
	log_msg(LOG_INFO, "payments webhook: %s %s: %s%s%s", ev[0].event_id,
		ev[0].type, outcome, first.order_id[0] ? " order " : "",
		first.order_id);
	o = json_new_object(req);
	if (o == NULL || json_set_bool(o, "received", 1) != 0 ||
	    json_set_str(o, "outcome", outcome) != 0 ||
	    (first.order_id[0] != '\0' &&
	     json_set_str(o, "order_id", first.order_id) != 0) ||
	    (first.status != NULL && !all_replayed &&
	     json_set_str(o, "order_status", first.status) != 0))
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct json_field money_fields[] = {
	{ .name = "amount", .type = JF_INT, .required = 1, .min = 1,
	  .max = INT32_MAX },
	{ .name = "currency", .type = JF_STRING, .required = 1, .min = 3,
	  .max = 3 },
};

static const struct json_field refund_fields[] = {
	{ .name = "reason", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 1000, .validate = api_v_text },
	{ .name = "amount", .type = JF_OBJECT, .nullable = 1 },
};

static int refund_check(struct request *req)
{
	struct json_object *m = json_get(req->json, "amount");

	if (m != NULL && json_object_is_type(m, json_type_object))
		(void)json_fields_check_at(req, m, money_fields,
			JSON_NFIELDS(money_fields), "amount");
	return 0;
}

/* An admin refunds a paid (or disputed) order, whole or in part: Stripe
 * is asked first (a failure there changes nothing: 502), then the
 * request is recorded and the order is refund_pending until Stripe's
 * refund events answer it, which the webhook folds like any other. */
static int admin_refund(struct request *req)
{
	const char *id = router_param(req, "id");
	const char *reason = json_get_str(req->json, "reason", NULL);
	struct json_object *m = json_get(req->json, "amount"), *o, *d;
	struct store_pay_result res;
	struct store_pay_order ord;
	struct stripe_refund rf;
	const char *key;
	int64_t amount;
	int rc;

	if (!validate_uuid(id))
		return DF_ENOTFOUND;
	rc = store_pay_order_get(req->arena, id, &ord);
	if (rc != 0)
		return rc;
	if ((strcmp(ord.status, "paid") != 0 &&
	    strcmp(ord.status, "disputed") != 0) || ord.payment_ref == NULL)
		return problem_send(req, 409, "conflict", "Only a paid or "
			"disputed order can be refunded.");
	amount = ord.paid - ord.refunded;
	if (m != NULL && json_object_is_type(m, json_type_object)) {
		const char *cur = json_get_str(m, "currency", "");

		if (strcasecmp(cur, ord.currency) != 0) {
			problem_add_error(req, "amount.currency",
				"currency_mismatch", "must be the order's "
				"currency");
			return problem_send_validation(req);
		}
		if (json_get_int(m, "amount", 0) > amount)
			return problem_send(req, 409, "conflict", "The amount is "
				"more than what is left to refund of the "
				"order.");
		amount = json_get_int(m, "amount", 0);
	}
	if (amount <= 0)
		return problem_send(req, 409, "conflict", "Nothing is left to "
			"refund of this order.");
	/* The same request retried (after a 502, say) is the same refund
	 * for Stripe: the key names the order, what it had refunded and
	 * requested, and the amount. */
	key = arena_printf(req->arena, "refund-%s-%lld-%lld-%lld", ord.public_id,
		(long long)ord.refunded, (long long)ord.requested,
		(long long)amount);
	if (key == NULL)
		return DF_ENOMEM;
	rc = stripe_refund_create(req->arena, ord.payment_ref, amount,
		ord.public_id, key, &rf);
	if (rc != 0)
		return rc;
	rc = store_pay_refund_requested(req->arena, ord.public_id, amount,
		reason, &res);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict", "The order changed "
			"while the refund was asked for; Stripe's events will "
			"settle it.");
	if (rc != 0)
		return rc;
	d = json_object_new_object();
	if (d == NULL || json_object_object_add(d, "amount",
	    json_object_new_int64(amount)) != 0 ||
	    json_object_object_add(d, "currency",
	    json_object_new_string(ord.currency)) != 0 ||
	    json_object_object_add(d, "reason",
	    json_object_new_string(reason)) != 0 ||
	    json_object_object_add(d, "refund_id",
	    json_object_new_string(rf.id != NULL ? rf.id : "")) != 0) {
		json_object_put(d);
		return DF_ENOMEM;
	}
	rc = api_audit(req, "admin.order_refund_requested", ord.public_id, d);
	json_object_put(d);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "id", ord.public_id) != 0 ||
	    json_set_str(o, "status", res.status) != 0 ||
	    json_set(o, "refund_requested", api_money_json(req, amount,
	    ord.currency)) != 0 ||
	    json_set_str(o, "provider_refund", rf.id != NULL ? rf.id : "") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/admin/orders/{id}/refund",
	  .handler = admin_refund, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(refund_fields),
	  .check = refund_check },
	/* Not limited: Stripe's retries of a backlog must not be refused,
	 * and every call is signed before it costs more than an HMAC. */
	{ .method = HTTP_POST, .pattern = "/api/v1/payments/webhook",
	  .handler = webhook, .role = ROLE_NONE, .rl = RL_NONE,
	  .flags = ROUTE_BODY_RAW, .max_body = STRIPE_EVENT_MAX_BYTES },
};

const struct route_table api_payments_table = {
	.name = "payments",
	.routes = routes,
	.n = sizeof(routes) / sizeof(routes[0]),
};
