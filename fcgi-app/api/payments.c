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
#include "arena.h"
#include "config.h"
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
	const struct config *cfg = req->cfg;
	const char *secrets[2], *why, *outcome = NULL, *sig;
	struct pay_event *ev;
	struct store_pay_result res, first;
	struct json_object *o;
	size_t nsec = 0, n, i;
	int rc, all_replayed = 1;

	if (!is_json(req->content_type))
		return problem_send(req, 415, NULL, "Stripe sends "
			"application/json.");
	if (cfg->stripe_webhook_secret != NULL &&
	    *cfg->stripe_webhook_secret != '\0')
		secrets[nsec++] = cfg->stripe_webhook_secret;
	if (cfg->stripe_webhook_secret_previous != NULL &&
	    *cfg->stripe_webhook_secret_previous != '\0')
		secrets[nsec++] = cfg->stripe_webhook_secret_previous;
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

static const struct route routes[] = {
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
