/* SQL for plans, orders and their items, and the Idempotency-Key claims
 * of POST /orders. An order's payment state is folded by store/payments.c
 * from the provider's events; here an order is only made, read, and
 * expired when its payment window passed unpaid. */
#ifndef DF_STORE_ORDERS_H
#define DF_STORE_ORDERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

struct store_plan {
	int64_t id;
	const char *code, *name, *description;
	int64_t price_month, price_year;
	char currency[4];
	int64_t max_activations;
	const char *features;      /* a JSON array, as stored */
};

/* Every plan in sort_order. 0 or a negative df_err. */
DF_MUST_CHECK int store_ord_plans(struct arena *a, struct store_plan **out, size_t *n);
/* One plan by code: 0, DF_ENOTFOUND, or a negative df_err. */
DF_MUST_CHECK int store_ord_plan(struct arena *a, const char *code, struct store_plan *out);

/* What an order needs of an extension to sell it. */
struct store_ord_ext {
	int64_t id, owner_id;
	const char *slug, *name, *status;
	int64_t price;
	char currency[4];
};
/* An extension by slug (any status): 0, DF_ENOTFOUND, or a negative
 * df_err. */
DF_MUST_CHECK int store_ord_extension(struct arena *a, const char *slug,
	struct store_ord_ext *out);

/* 1 when the user already owns the extension (an active or suspended
 * entitlement) / the plan (an active licence not expired), 0 when not,
 * or a negative df_err. */
DF_MUST_CHECK int store_ord_owns_extension(struct arena *a, int64_t user_id,
	int64_t extension_id);
DF_MUST_CHECK int store_ord_owns_plan(struct arena *a, int64_t user_id, int64_t plan_id);

/* --- Idempotency-Key claims */

enum store_idem_state {
	STORE_IDEM_CLAIMED = 0,  /* the caller runs the request */
	STORE_IDEM_REPLAY,       /* done before with the same body: replay */
	STORE_IDEM_MISMATCH,     /* used before with another body */
	STORE_IDEM_RUNNING       /* another request holds it right now */
};
/* A done answer is kept this long; a claim still running after
 * STORE_IDEM_STALE_S belongs to a worker that died and may be taken. */
#define STORE_IDEM_KEEP_S (24 * 3600)
#define STORE_IDEM_STALE_S 60

struct store_idem {
	enum store_idem_state state;
	int64_t claim_id;          /* CLAIMED: the row's id */
	int status;                /* REPLAY: the stored answer */
	const char *location;      /* may be NULL */
	const char *response;
};
/* Claims (user, key) for a request whose canonical body hashes to hash.
 * The unique key decides a race between two requests. 0 with out->state
 * set, or a negative df_err. */
DF_MUST_CHECK int store_ord_idem_claim(struct arena *a, int64_t user_id, const char *key,
	const unsigned char hash[32], struct store_idem *out);
/* Stores the answer of the claim (state done). 0 or a negative df_err. */
DF_MUST_CHECK int store_ord_idem_finish(int64_t claim_id, int status,
	const char *location, const char *response);
/* Frees the claim: the request's outcome is not to be replayed (it
 * failed). 0 or a negative df_err. */
DF_MUST_CHECK int store_ord_idem_release(int64_t claim_id);

/* --- orders */

struct store_order_item {
	int64_t id;
	int position;
	const char *kind;          /* plan, extension */
	int64_t plan_id;           /* 0 for none */
	const char *plan_code, *plan_name;
	const char *interval;      /* month, year or NULL */
	int64_t extension_id;      /* 0 for none */
	const char *slug, *ext_name;
	int64_t developer_id;      /* 0 for none */
	int64_t amount;
	char currency[4];
	int fee_bps;
};

struct store_order {
	int64_t id;
	char public_id[37];
	int64_t user_id;
	const char *status;
	int64_t total;
	char currency[4];
	const char *provider, *session, *payment, *checkout_url;
	int64_t paid, refunded, refund_requested;
	const char *dispute_status;
	const char *expires_at, *paid_at, *created_at, *updated_at; /* RFC 3339 */
	struct store_order_item *items;
	size_t nitems;
};

/* Inserts the order (public_id, user_id, total, currency, session,
 * checkout_url) pending until expires_at, and its items, in one
 * transaction. 0, DF_ECONFLICT (the session or id is taken), or a
 * negative df_err. */
DF_MUST_CHECK int store_ord_create(const struct store_order *o, time_t expires_at);
/* An order and its items by public id. A pending order past its
 * expires_at is stored as expired first (lazy expiry). 0, DF_ENOTFOUND,
 * or a negative df_err. */
DF_MUST_CHECK int store_ord_get(struct arena *a, const char *public_id,
	struct store_order *out);
/* The user's orders newest first, rows with id below before (0: from
 * the newest), limit + 1 rows at most, each with its items; expired
 * lazily as store_ord_get. 0 or a negative df_err. */
DF_MUST_CHECK int store_ord_list(struct arena *a, int64_t user_id, int64_t before,
	int64_t limit, struct store_order **out, size_t *n);
/* Marks every pending order past its expires_at expired; *n counts
 * them (may be NULL). 0 or a negative df_err. */
DF_MUST_CHECK int store_ord_expire_due(uint64_t *n);
/* Deletes the Idempotency-Key rows older than a day (their answers can
 * no longer be replayed); *n counts them. 0 or a df_err. */
DF_MUST_CHECK int store_ord_idem_prune(uint64_t *n);

#endif
