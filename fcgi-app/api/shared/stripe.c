/* Stores: none. */
/* Stripe's API (stripe.h): build the form, send it with httpc, check and
 * copy the answer into the arena. Nothing here retries: the caller decides,
 * and the Idempotency-Key makes its retry safe. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "api/shared/stripe.h"
#include "arena.h"
#include "config.h"
#include "httpc.h"
#include "log.h"

static const struct config *scfg;

int stripe_init(const struct config *cfg)
{
	scfg = cfg;
	return httpc_global_init();
}

size_t stripe_webhook_secrets(const char *out[2])
{
	size_t n = 0;

	if (scfg == NULL)
		return 0;
	if (scfg->stripe_webhook_secret != NULL && scfg->stripe_webhook_secret[0])
		out[n++] = scfg->stripe_webhook_secret;
	if (scfg->stripe_webhook_secret_previous != NULL &&
	    scfg->stripe_webhook_secret_previous[0])
		out[n++] = scfg->stripe_webhook_secret_previous;
	return n;
}

/* ------------------------------------------------------------ the call */

/* A copy of the string member name of o in the arena; NULL when absent,
 * null or not a string. */
static const char *dup_str(struct arena *a, struct json_object *o,
	const char *name, int *oom)
{
	struct json_object *v;
	char *s;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = arena_strndup(a, json_object_get_string(v),
		(size_t)json_object_get_string_len(v));
	if (s == NULL)
		*oom = 1;
	return s;
}

/* Stripe's error, for the log: type and message (which never hold the
 * key; Stripe shows at most its first characters). */
static void log_error_body(const char *what, long status, const char *body)
{
	struct json_object *o = json_tokener_parse(body), *e;
	const char *type = NULL, *msg = NULL;

	if (o != NULL && json_object_object_get_ex(o, "error", &e)) {
		struct json_object *v;

		if (json_object_object_get_ex(e, "type", &v))
			type = json_object_get_string(v);
		if (json_object_object_get_ex(e, "message", &v))
			msg = json_object_get_string(v);
	}
	/* Stripe's 401 message quotes part of the key we sent. */
	if (status == 401)
		msg = "the secret key was refused (stripe_secret_key_file)";
	log_msg(LOG_ERROR, "stripe: %s: HTTP %ld %s: %.300s", what, status,
		type ? type : "(no error type)", msg ? msg : "(no message)");
	json_object_put(o);
}

/* Sends method path (form body for POST) and returns the answer's JSON
 * object when Stripe answered 2xx with an object whose "object" is kind.
 * The caller puts *res. */
static int call(struct arena *a, const char *method, const char *path,
	const struct httpc_form *form, const char *idempotency_key,
	const char *kind, struct json_object **res)
{
	const char *hdrs[3];
	size_t nh = 0;
	struct httpc_req req = { 0 };
	struct httpc_resp resp;
	struct json_tokener *tok;
	struct json_object *o, *k;
	char what[128];
	int rc;

	*res = NULL;
	snprintf(what, sizeof(what), "%s %s", method, path);
	if (scfg == NULL || scfg->stripe_secret_key == NULL ||
	    scfg->stripe_secret_key[0] == '\0') {
		log_msg(LOG_ERROR, "stripe: %s: no secret key (stripe_secret_key_file)",
			what);
		return DF_EUPSTREAM;
	}
	hdrs[nh++] = "Stripe-Version: " STRIPE_API_VERSION;
	if (idempotency_key != NULL) {
		hdrs[nh] = arena_printf(a, "Idempotency-Key: %s", idempotency_key);
		if (hdrs[nh++] == NULL)
			return DF_ENOMEM;
	}
	hdrs[nh] = NULL;
	req.method = method;
	req.url = arena_printf(a, "%s%s", scfg->stripe_api_base, path);
	if (req.url == NULL)
		return DF_ENOMEM;
	req.bearer = scfg->stripe_secret_key;
	req.headers = hdrs;
	if (form != NULL) {
		req.body = form->body;
		req.body_len = form->len;
	}
	req.timeout_ms = scfg->stripe_timeout_ms;
	rc = httpc_request(a, &req, &resp);
	if (rc == DF_EUPSTREAM) {
		log_msg(LOG_ERROR, "stripe: %s: no answer: %s", what,
			resp.error ? resp.error : "?");
		return rc;
	}
	if (rc != 0)
		return rc;
	if (resp.status < 200 || resp.status > 299) {
		log_error_body(what, resp.status, resp.body);
		return DF_EUPSTREAM;
	}
	tok = json_tokener_new();
	if (tok == NULL)
		return DF_ENOMEM;
	o = json_tokener_parse_ex(tok, resp.body, (int)resp.body_len);
	if (o != NULL && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "object", &k) ||
	    !json_object_is_type(k, json_type_string) ||
	    strcmp(json_object_get_string(k), kind) != 0) {
		log_msg(LOG_ERROR, "stripe: %s: HTTP %ld but not a %s: %.200s",
			what, resp.status, kind, resp.body);
		json_object_put(o);
		return DF_EUPSTREAM;
	}
	*res = o;
	return 0;
}

/* ------------------------------------------------------------ sessions */

static int session_from(struct arena *a, struct json_object *o,
	struct stripe_checkout *out)
{
	struct json_object *v, *md;
	int oom = 0;
	char *cur;

	memset(out, 0, sizeof(*out));
	out->id = dup_str(a, o, "id", &oom);
	out->url = dup_str(a, o, "url", &oom);
	out->status = dup_str(a, o, "status", &oom);
	out->payment_status = dup_str(a, o, "payment_status", &oom);
	/* A string, or the expanded object carrying its id. */
	if (json_object_object_get_ex(o, "payment_intent", &v)) {
		if (json_object_is_type(v, json_type_string))
			out->payment_intent = dup_str(a, o, "payment_intent", &oom);
		else if (json_object_is_type(v, json_type_object))
			out->payment_intent = dup_str(a, v, "id", &oom);
	}
	if (json_object_object_get_ex(o, "amount_total", &v) &&
	    json_object_is_type(v, json_type_int))
		out->amount_total = json_object_get_int64(v);
	else
		out->amount_total = -1;
	cur = (char *)dup_str(a, o, "currency", &oom);
	if (cur != NULL)
		for (char *p = cur; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	out->currency = cur;
	if (json_object_object_get_ex(o, "metadata", &md) &&
	    json_object_is_type(md, json_type_object))
		out->order_id = dup_str(a, md, "order_id", &oom);
	if (oom)
		return DF_ENOMEM;
	if (out->id == NULL || strncmp(out->id, "cs_", 3) != 0 ||
	    out->status == NULL || out->payment_status == NULL) {
		log_msg(LOG_ERROR, "stripe: a checkout session without id, status "
			"or payment_status");
		return DF_EUPSTREAM;
	}
	return 0;
}

static int form_line(struct httpc_form *f, size_t i,
	const struct stripe_line *l, const char *currency)
{
	char key[96];
	int rc;

	if (l->name == NULL || l->name[0] == '\0' || l->amount < 0)
		return DF_EINVAL;
	snprintf(key, sizeof(key), "line_items[%zu][price_data][currency]", i);
	rc = httpc_form_add(f, key, currency);
	snprintf(key, sizeof(key), "line_items[%zu][price_data][unit_amount]", i);
	if (rc == 0)
		rc = httpc_form_add_int(f, key, (long long)l->amount);
	snprintf(key, sizeof(key),
		"line_items[%zu][price_data][product_data][name]", i);
	if (rc == 0)
		rc = httpc_form_add(f, key, l->name);
	snprintf(key, sizeof(key), "line_items[%zu][quantity]", i);
	if (rc == 0)
		rc = httpc_form_add(f, key, "1");
	return rc;
}

int stripe_checkout_create(struct arena *a, const struct stripe_checkout_in *in,
	struct stripe_checkout *out)
{
	struct httpc_form f;
	struct json_object *o;
	char cur[4];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (in->order_id == NULL || in->currency == NULL || in->nlines == 0 ||
	    in->lines == NULL || in->success_url == NULL ||
	    strlen(in->currency) != 3)
		return DF_EINVAL;
	for (int i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)in->currency[i]))
			return DF_EINVAL;
		cur[i] = (char)tolower((unsigned char)in->currency[i]);
	}
	cur[3] = '\0';
	httpc_form_init(&f, a);
	rc = httpc_form_add(&f, "mode", "payment");
	for (size_t i = 0; rc == 0 && i < in->nlines; i++)
		rc = form_line(&f, i, &in->lines[i], cur);
	if (rc == 0)
		rc = httpc_form_add(&f, "metadata[order_id]", in->order_id);
	/* On the payment intent too: refunds and disputes are events of the
	 * intent and its charge, and must lead back to the order. */
	if (rc == 0)
		rc = httpc_form_add(&f, "payment_intent_data[metadata][order_id]",
			in->order_id);
	if (rc == 0)
		rc = httpc_form_add(&f, "client_reference_id", in->order_id);
	if (rc == 0 && in->customer_email != NULL && in->customer_email[0])
		rc = httpc_form_add(&f, "customer_email", in->customer_email);
	if (rc == 0)
		rc = httpc_form_add(&f, "success_url", in->success_url);
	if (rc == 0 && in->cancel_url != NULL)
		rc = httpc_form_add(&f, "cancel_url", in->cancel_url);
	if (rc == 0 && in->expires_at > 0)
		rc = httpc_form_add_int(&f, "expires_at", (long long)in->expires_at);
	if (rc != 0)
		return rc;
	rc = call(a, "POST", "/v1/checkout/sessions", &f, in->idempotency_key,
		"checkout.session", &o);
	if (rc != 0)
		return rc;
	rc = session_from(a, o, out);
	json_object_put(o);
	if (rc == 0 && out->url == NULL) {
		log_msg(LOG_ERROR, "stripe: a new checkout session without url");
		rc = DF_EUPSTREAM;
	}
	return rc;
}

int stripe_checkout_get(struct arena *a, const char *session_id,
	struct stripe_checkout *out)
{
	struct json_object *o;
	const char *path;
	char *id;
	int rc;

	memset(out, 0, sizeof(*out));
	if (session_id == NULL || session_id[0] == '\0')
		return DF_EINVAL;
	id = httpc_escape(a, session_id);
	if (id == NULL)
		return DF_ENOMEM;
	path = arena_printf(a, "/v1/checkout/sessions/%s", id);
	if (path == NULL)
		return DF_ENOMEM;
	rc = call(a, "GET", path, NULL, NULL, "checkout.session", &o);
	if (rc != 0)
		return rc;
	rc = session_from(a, o, out);
	json_object_put(o);
	return rc;
}

/* ------------------------------------------------------------ refunds */

int stripe_refund_create(struct arena *a, const char *payment_intent,
	int64_t amount, const char *order_id, const char *idempotency_key,
	struct stripe_refund *out)
{
	struct httpc_form f;
	struct json_object *o, *v;
	int rc, oom = 0;

	memset(out, 0, sizeof(*out));
	if (payment_intent == NULL || payment_intent[0] == '\0' || amount < 0)
		return DF_EINVAL;
	httpc_form_init(&f, a);
	rc = httpc_form_add(&f, "payment_intent", payment_intent);
	if (rc == 0 && amount > 0)
		rc = httpc_form_add_int(&f, "amount", (long long)amount);
	if (rc == 0 && order_id != NULL)
		rc = httpc_form_add(&f, "metadata[order_id]", order_id);
	if (rc != 0)
		return rc;
	rc = call(a, "POST", "/v1/refunds", &f, idempotency_key, "refund", &o);
	if (rc != 0)
		return rc;
	out->id = dup_str(a, o, "id", &oom);
	out->status = dup_str(a, o, "status", &oom);
	if (json_object_object_get_ex(o, "amount", &v) &&
	    json_object_is_type(v, json_type_int))
		out->amount = json_object_get_int64(v);
	else
		out->amount = -1;
	json_object_put(o);
	if (oom)
		return DF_ENOMEM;
	if (out->id == NULL || strncmp(out->id, "re_", 3) != 0 ||
	    out->status == NULL || out->amount < 0) {
		log_msg(LOG_ERROR, "stripe: a refund without id, status or amount");
		return DF_EUPSTREAM;
	}
	return 0;
}
