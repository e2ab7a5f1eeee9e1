/* SQL for payments: the provider's events recorded once each, and the
 * fold that makes an order, its grants (entitlements, licences), the
 * insert-only ledger and the developers' sale events agree with the set
 * of events, whatever order they arrived in. */
#ifndef DF_STORE_PAYMENTS_H
#define DF_STORE_PAYMENTS_H

#include <stdint.h>
#include "err.h"
#include "stripe_event.h"

struct arena;

struct store_pay_result {
	/* "processed" (the order's events were folded), "replayed" (the
	 * event id was recorded before: nothing changed), "held" (no order
	 * has the event's payment yet: kept for it), "unknown_order"
	 * (recorded, nothing to hold it by), "ignored" (a type the fold does
	 * not use: recorded). */
	const char *outcome;
	char order_id[37];      /* the order's public id, "" when none */
	const char *status;     /* the order's status after, NULL: none */
	const char *review_reason; /* set when the order needs a person */
};

/* Records the event once (the unique event id decides any race) and, in
 * the same transaction, folds the order's events into its state and makes
 * grants, ledger and developer events agree with it. 0 (also for a
 * replay) or a df_err (nothing written). */
DF_MUST_CHECK int store_pay_record(struct arena *a, const struct pay_event *ev,
	struct store_pay_result *out);

/* 1 when the user holds an active entitlement to the extension, 0 when
 * not, or a negative df_err. */
DF_MUST_CHECK int store_pay_entitled(int64_t user_id, int64_t extension_id);

/* What an admin refund needs to know of an order. */
struct store_pay_order {
	int64_t id;
	char public_id[37];
	const char *status;
	const char *currency;
	const char *payment_ref;   /* pi_..., NULL before payment */
	int64_t total, paid, refunded, requested;
};
/* The order with that public id. 0, DF_ENOTFOUND or a df_err. */
DF_MUST_CHECK int store_pay_order_get(struct arena *a, const char *public_id,
	struct store_pay_order *out);

/* An admin asked the provider to refund amount of the order (the
 * provider accepted): records the request (refund_requested_amount,
 * refund_reason) and folds, so the order is refund_pending until the
 * provider's events answer it. DF_ECONFLICT when the order is no longer
 * paid or disputed (checked again under the row lock), or amount exceeds what is left. out as for
 * store_pay_record. */
DF_MUST_CHECK int store_pay_refund_requested(struct arena *a, const char *public_id,
	int64_t amount, const char *reason, struct store_pay_result *out);

/* Pure helpers, exported for unit tests. */

/* round-half-up of amount * bps / 10000, symmetric for negatives. */
int64_t store_pay_fee(int64_t amount, int64_t bps);
/* Item i's share of total split over the n item amounts (proportional,
 * rounded down, the last item taking the remainder so the shares sum to
 * total exactly). */
int64_t store_pay_share(int64_t total, const int64_t *amounts, size_t n,
	size_t i);

#endif
