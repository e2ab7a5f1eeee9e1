/* Stripe event bodies into struct pay_event: the envelope (id, type,
 * created, data.object) is checked for every event, the object's fields
 * only for the types the fold uses, and any other type is kept as
 * PAY_IGNORED so that it is recorded and answered 200 (Stripe disables
 * an endpoint that keeps refusing what it sends). */
#include <ctype.h>
#include <string.h>
#include <json-c/json.h>
#include "arena.h"
#include "json.h"
#include "stripe_event.h"
#include "validate.h"

#define REF_MAX 255
#define TYPE_MAX 64

struct parse {
	struct arena *a;
	const char *why;
};

static int bad(struct parse *p, const char *why)
{
	p->why = why;
	return DF_EINVAL;
}

static json_object *member(json_object *o, const char *k)
{
	json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

/* A reference Stripe hands out (evt_, cs_, pi_, re_, dp_, ch_): printable
 * ASCII without spaces, 1..REF_MAX bytes. */
static int ref_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > REF_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	return 1;
}

/* Member k of o as a reference: absent or null gives NULL (0), a string
 * that is not one is malformed. An expanded object (Stripe's `expand[]`)
 * is read through its id. */
static int get_ref(struct parse *p, json_object *o, const char *k,
	const char **out, const char *why)
{
	json_object *v = member(o, k);
	const char *s;

	*out = NULL;
	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	if (json_object_is_type(v, json_type_object))
		v = member(v, "id");
	if (v == NULL || !json_object_is_type(v, json_type_string))
		return bad(p, why);
	s = json_object_get_string(v);
	if (!ref_ok(s, (size_t)json_object_get_string_len(v)))
		return bad(p, why);
	*out = arena_strdup(p->a, s);
	return *out != NULL ? 0 : DF_ENOMEM;
}

/* A non-negative integer amount in minor units; required when need. */
static int get_amount(struct parse *p, json_object *o, const char *k,
	int need, int64_t *out)
{
	json_object *v = member(o, k);

	*out = -1;
	if (v == NULL || json_object_is_type(v, json_type_null))
		return need ? bad(p, "The event's amount is missing.") : 0;
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0 ||
	    json_object_get_int64(v) > INT64_C(1000000000000))
		return bad(p, "The event's amount is not a whole number of "
			"minor units.");
	*out = json_object_get_int64(v);
	return 0;
}

/* A three-letter currency code, upper-cased; required when need. */
static int get_currency(struct parse *p, json_object *o, int need,
	const char **out)
{
	json_object *v = member(o, "currency");
	const char *s;
	char *c;
	int i;

	*out = NULL;
	if (v == NULL || json_object_is_type(v, json_type_null))
		return need ? bad(p, "The event's currency is missing.") : 0;
	s = json_object_is_type(v, json_type_string) ?
		json_object_get_string(v) : NULL;
	if (s == NULL || json_object_get_string_len(v) != 3)
		return bad(p, "The event's currency is not a currency code.");
	c = arena_strndup(p->a, s, 3);
	if (c == NULL)
		return DF_ENOMEM;
	for (i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)c[i]))
			return bad(p, "The event's currency is not a currency "
				"code.");
		c[i] = (char)toupper((unsigned char)c[i]);
	}
	*out = c;
	return 0;
}

/* A string member k of o, NULL when absent or null. */
static int get_word(struct parse *p, json_object *o, const char *k,
	const char **out)
{
	json_object *v = member(o, k);

	*out = NULL;
	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) > TYPE_MAX)
		return bad(p, "A status in the event is not a short string.");
	*out = json_object_get_string(v);
	return 0;
}

/* metadata.order_id when the object carries one (our public id; the
 * store looks it up, so any reference-shaped string is taken). */
static int get_order(struct parse *p, json_object *obj, const char **out)
{
	json_object *md = member(obj, "metadata");

	*out = NULL;
	if (md == NULL || json_object_is_type(md, json_type_null))
		return 0;
	if (!json_object_is_type(md, json_type_object))
		return bad(p, "The event's metadata is not an object.");
	return get_ref(p, md, "order_id", out,
		"The event's metadata.order_id is not an order id.");
}

/* The PaymentIntent an object belongs to: the object itself for a
 * payment_intent, else its payment_intent member. */
static int get_payment(struct parse *p, json_object *obj, int is_pi,
	const char **out)
{
	if (is_pi)
		return get_ref(p, obj, "id", out,
			"The PaymentIntent has no valid id.");
	return get_ref(p, obj, "payment_intent", out,
		"The event's payment_intent is not a reference.");
}

/* The refund object r (of a refund.* event, or of a charge's list). */
static int refund_of(struct parse *p, json_object *r, struct pay_event *e)
{
	const char *status;
	int rc;

	rc = get_ref(p, r, "id", &e->ref, "The refund has no valid id.");
	if (rc == 0 && e->ref == NULL)
		rc = bad(p, "The refund has no id.");
	if (rc == 0)
		rc = get_amount(p, r, "amount", 1, &e->amount);
	if (rc == 0)
		rc = get_currency(p, r, 1, &e->currency);
	if (rc == 0)
		rc = get_word(p, r, "status", &status);
	if (rc != 0)
		return rc;
	if (e->payment_ref == NULL) {
		rc = get_payment(p, r, 0, &e->payment_ref);
		if (rc != 0)
			return rc;
	}
	if (e->order_id == NULL) {
		rc = get_order(p, r, &e->order_id);
		if (rc != 0)
			return rc;
	}
	e->kind = status != NULL && (strcmp(status, "failed") == 0 ||
		strcmp(status, "canceled") == 0) ? PAY_REFUND_FAILED :
		PAY_REFUND;
	return 0;
}

/* charge.refunded: one event per refund in refunds.data when the charge
 * carries its list (each refund counted once by its id, whichever event
 * names it), else one with the charge's cumulative amount_refunded. */
static int charge_refunded(struct parse *p, json_object *obj,
	struct pay_event *out, size_t max, size_t *n)
{
	json_object *list = member(member(obj, "refunds"), "data"), *r;
	struct pay_event base = out[0];
	size_t i, len;
	int rc;

	rc = get_currency(p, obj, 1, &base.currency);
	if (rc != 0)
		return rc;
	if (list == NULL || json_object_is_type(list, json_type_null) ||
	    (json_object_is_type(list, json_type_array) &&
	     json_object_array_length(list) == 0)) {
		out[0] = base;
		out[0].kind = PAY_REFUND;
		*n = 1;
		return get_amount(p, obj, "amount_refunded", 1,
			&out[0].amount);
	}
	if (!json_object_is_type(list, json_type_array))
		return bad(p, "The charge's refunds.data is not a list.");
	len = json_object_array_length(list);
	if (len > max || len > STRIPE_EVENT_MAX)
		return bad(p, "The charge lists too many refunds.");
	for (i = 0; i < len; i++) {
		r = json_object_array_get_idx(list, i);
		if (!json_object_is_type(r, json_type_object))
			return bad(p, "A refund in the charge is not an "
				"object.");
		out[i] = base;
		rc = refund_of(p, r, &out[i]);
		if (rc != 0)
			return rc;
		out[i].event_id = arena_printf(p->a, "%s:%s", base.event_id,
			out[i].ref);
		if (out[i].event_id == NULL)
			return DF_ENOMEM;
	}
	*n = len;
	return 0;
}

static int dispute_of(struct parse *p, json_object *obj, int closed,
	struct pay_event *e)
{
	const char *status;
	int rc;

	rc = get_ref(p, obj, "id", &e->ref, "The dispute has no valid id.");
	if (rc == 0 && e->ref == NULL)
		rc = bad(p, "The dispute has no id.");
	if (rc == 0)
		rc = get_amount(p, obj, "amount", 1, &e->amount);
	if (rc == 0)
		rc = get_currency(p, obj, 1, &e->currency);
	if (rc == 0)
		rc = get_word(p, obj, "status", &status);
	if (rc != 0)
		return rc;
	if (!closed)
		e->kind = PAY_DISPUTE_OPEN;
	else if (status != NULL && (strcmp(status, "won") == 0 ||
	    strcmp(status, "warning_closed") == 0))
		e->kind = PAY_DISPUTE_WON;
	else if (status != NULL && strcmp(status, "lost") == 0)
		e->kind = PAY_DISPUTE_LOST;
	else
		return bad(p, "A closed dispute must be won, lost or "
			"warning_closed.");
	return 0;
}

/* The object's facts for the types the fold reads; out[0] carries the
 * envelope already. */
static int object_of(struct parse *p, const char *type, json_object *obj,
	struct pay_event *out, size_t max, size_t *n)
{
	struct pay_event *e = &out[0];
	const char *status;
	int rc, is_pi = strncmp(type, "payment_intent.", 15) == 0;
	int is_cs = strncmp(type, "checkout.session.", 17) == 0;

	*n = 1;
	e->kind = PAY_IGNORED;
	if (strcmp(type, "checkout.session.completed") != 0 &&
	    strcmp(type, "checkout.session.async_payment_succeeded") != 0 &&
	    strcmp(type, "checkout.session.async_payment_failed") != 0 &&
	    strcmp(type, "checkout.session.expired") != 0 &&
	    strcmp(type, "payment_intent.succeeded") != 0 &&
	    strcmp(type, "payment_intent.payment_failed") != 0 &&
	    strcmp(type, "charge.refunded") != 0 &&
	    strcmp(type, "refund.created") != 0 &&
	    strcmp(type, "refund.updated") != 0 &&
	    strcmp(type, "refund.failed") != 0 &&
	    strcmp(type, "charge.dispute.created") != 0 &&
	    strcmp(type, "charge.dispute.closed") != 0)
		return 0;

	rc = get_order(p, obj, &e->order_id);
	if (rc == 0)
		rc = get_payment(p, obj, is_pi, &e->payment_ref);
	if (rc == 0 && is_cs) {
		rc = get_ref(p, obj, "id", &e->session_ref,
			"The Checkout Session has no valid id.");
		if (rc == 0 && e->session_ref == NULL)
			rc = bad(p, "The Checkout Session has no id.");
	}
	if (rc != 0)
		return rc;

	if (strcmp(type, "checkout.session.completed") == 0 ||
	    strcmp(type, "checkout.session.async_payment_succeeded") == 0) {
		rc = get_word(p, obj, "payment_status", &status);
		if (rc == 0)
			rc = get_amount(p, obj, "amount_total", 1, &e->amount);
		if (rc == 0)
			rc = get_currency(p, obj, 1, &e->currency);
		if (rc != 0)
			return rc;
		/* A completed session whose payment is still on its way
		 * (a bank debit) is paid by async_payment_succeeded. */
		e->kind = status != NULL && strcmp(status, "paid") == 0 ?
			PAY_PAID : PAY_IGNORED;
		return 0;
	}
	if (strcmp(type, "checkout.session.async_payment_failed") == 0 ||
	    strcmp(type, "payment_intent.payment_failed") == 0) {
		e->kind = PAY_PAYMENT_FAILED;
		return 0;
	}
	if (strcmp(type, "checkout.session.expired") == 0) {
		e->kind = PAY_EXPIRED;
		return 0;
	}
	if (strcmp(type, "payment_intent.succeeded") == 0) {
		rc = get_amount(p, obj, "amount_received", 0, &e->amount);
		if (rc == 0 && e->amount < 0)
			rc = get_amount(p, obj, "amount", 1, &e->amount);
		if (rc == 0)
			rc = get_currency(p, obj, 1, &e->currency);
		e->kind = PAY_PAID;
		return rc;
	}
	if (strcmp(type, "charge.refunded") == 0)
		return charge_refunded(p, obj, out, max, n);
	if (strncmp(type, "refund.", 7) == 0) {
		rc = refund_of(p, obj, e);
		if (rc == 0 && strcmp(type, "refund.failed") == 0)
			e->kind = PAY_REFUND_FAILED;
		return rc;
	}
	return dispute_of(p, obj,
		strcmp(type, "charge.dispute.closed") == 0, e);
}

static void put_json(void *o)
{
	json_object_put(o);
}

int stripe_event_parse(struct arena *a, const char *body, size_t len,
	struct pay_event *out, size_t max, size_t *n, const char **why)
{
	struct parse p = { .a = a, .why = "The event is malformed." };
	struct json_tokener *tok;
	json_object *root, *v, *data, *obj;
	const char *id, *type;
	size_t i;
	int rc;

	*n = 0;
	if (why != NULL)
		*why = NULL;
	if (max == 0 || len == 0 || len > STRIPE_EVENT_MAX_BYTES ||
	    memchr(body, '\0', len) != NULL || !validate_utf8(body, len)) {
		rc = bad(&p, "The event is not a JSON text.");
		goto out;
	}
	rc = json_check_syntax(body, len, STRIPE_EVENT_MAX_DEPTH, &p.why);
	if (rc != 0)
		goto out;
	tok = json_tokener_new_ex(STRIPE_EVENT_MAX_DEPTH + 1);
	if (tok == NULL) {
		rc = DF_ENOMEM;
		goto out;
	}
	root = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	if (root == NULL) {
		rc = bad(&p, "The event is not a JSON text.");
		goto out;
	}
	rc = arena_defer(a, put_json, root);
	if (rc != 0)
		goto out;

	memset(&out[0], 0, sizeof(out[0]));
	out[0].amount = -1;
	v = member(root, "id");
	if (v == NULL || !json_object_is_type(v, json_type_string) ||
	    strncmp(json_object_get_string(v), "evt_", 4) != 0 ||
	    !ref_ok(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v))) {
		rc = bad(&p, "The event has no evt_ id.");
		goto out;
	}
	id = json_object_get_string(v);
	v = member(root, "type");
	if (v == NULL || !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) < 1 ||
	    json_object_get_string_len(v) > TYPE_MAX) {
		rc = bad(&p, "The event has no type.");
		goto out;
	}
	type = json_object_get_string(v);
	for (i = 0; type[i] != '\0'; i++)
		if (!islower((unsigned char)type[i]) &&
		    !isdigit((unsigned char)type[i]) && type[i] != '.' &&
		    type[i] != '_') {
			rc = bad(&p, "The event's type is not a Stripe type.");
			goto out;
		}
	v = member(root, "created");
	if (v == NULL || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) <= 0 ||
	    json_object_get_int64(v) > INT64_C(253402300799)) {
		rc = bad(&p, "The event has no valid created time.");
		goto out;
	}
	out[0].created = (time_t)json_object_get_int64(v);
	data = member(root, "data");
	obj = member(data, "object");
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		rc = bad(&p, "The event has no data.object.");
		goto out;
	}
	out[0].event_id = arena_strdup(a, id);
	out[0].type = arena_strdup(a, type);
	if (out[0].event_id == NULL || out[0].type == NULL) {
		rc = DF_ENOMEM;
		goto out;
	}
	rc = object_of(&p, type, obj, out, max, n);
out:
	if (rc != 0) {
		*n = 0;
		if (why != NULL && rc == DF_EINVAL)
			*why = p.why;
	}
	return rc;
}

const char *stripe_event_kind_name(enum pay_kind k)
{
	static const char *const names[] = { "paid", "payment_failed",
		"expired", "refund", "refund_failed", "dispute_open",
		"dispute_won", "dispute_lost", "ignored" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ?
		names[k] : "ignored";
}
