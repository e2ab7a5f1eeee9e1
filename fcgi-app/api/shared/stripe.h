/* Stripe's HTTP API over libcurl (core/httpc): the three calls the
 * payment routes make, form-encoded the way Stripe reads nested
 * parameters, with the secret key as bearer, a pinned Stripe-Version and
 * an Idempotency-Key so a retried call never charges or refunds twice.
 * Any failure of Stripe (unreachable, slower than stripe_timeout_ms, an
 * answer other than 2xx or not the object asked for) is DF_EUPSTREAM and
 * logged without the key. */
#ifndef DF_API_STRIPE_H
#define DF_API_STRIPE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;
struct config;

/* The API version every call asks for: the shapes below are this
 * version's (the one the stand-in's pinned stripe npm package speaks). */
#define STRIPE_API_VERSION "2026-02-25.clover"

struct stripe_line { const char *name; int64_t amount; }; /* quantity 1 */
struct stripe_checkout_in {
	const char *order_id;        /* our public id: metadata[order_id] and
	                                payment_intent_data[metadata][order_id] */
	const char *currency;        /* "USD": sent lower-case */
	const struct stripe_line *lines; size_t nlines;
	const char *customer_email;
	const char *success_url, *cancel_url;
	time_t expires_at;
	const char *idempotency_key; /* sent as Idempotency-Key */
};
struct stripe_checkout {
	const char *id;             /* cs_... */
	const char *url;            /* where the customer pays */
	const char *status;         /* open, complete, expired */
	const char *payment_status; /* paid, unpaid, no_payment_required */
	const char *payment_intent; /* pi_... or NULL */
	int64_t amount_total;
	const char *currency;       /* upper-cased */
	const char *order_id;       /* metadata.order_id or NULL */
};
struct stripe_refund { const char *id; const char *status; int64_t amount; };

/* Keeps cfg (which must outlive every call) for the calls below; once
 * per process, before the workers fork (api_init). 0 or DF_EINTERNAL. */
DF_MUST_CHECK int stripe_init(const struct config *cfg);

/* Each: 0, or DF_EUPSTREAM when Stripe is unreachable, times out
 * (stripe_timeout_ms), or answers other than 2xx / an unexpected body;
 * DF_EINVAL for arguments Stripe would refuse (no lines, a currency that
 * is not three letters, a negative amount); DF_ENOMEM. Strings live in
 * the arena. */
DF_MUST_CHECK int stripe_checkout_create(struct arena *a,
	const struct stripe_checkout_in *in, struct stripe_checkout *out);
DF_MUST_CHECK int stripe_checkout_get(struct arena *a, const char *session_id,
	struct stripe_checkout *out);
DF_MUST_CHECK int stripe_refund_create(struct arena *a, const char *payment_intent,
	int64_t amount /* 0: the rest */, const char *order_id,
	const char *idempotency_key, struct stripe_refund *out);
/* The webhook secrets from the config (1 or 2), for stripe_sig_verify. */
size_t stripe_webhook_secrets(const char *out[2]);

#endif
