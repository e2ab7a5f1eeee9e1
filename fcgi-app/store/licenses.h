/* SQL for licences: grants (a plan purchase through the payment fold, or
 * an admin), each with a signed key; revoke, renew, the owner's list and
 * view with its machines; the start of a term at the first activation;
 * extensions included with a plan feature and who may download them. A
 * licence's expiry is computed from its dates against the licensing
 * clock, never stored as a status. */
#ifndef DF_STORE_LICENSES_H
#define DF_STORE_LICENSES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* Admin bounds on a licence's seats (the column is a SMALLINT). */
#define STORE_LIC_SEATS_MAX 10000

struct store_license {
	int64_t id;                /* internal row id: never leaves the server */
	char public_id[37];
	int64_t user_id;
	char user_public_id[37];
	const char *key;           /* NULL: no key issued */
	const char *plan;          /* the plan's code */
	const char *features;      /* the plan's features, a JSON array */
	const char *status;        /* active / suspended / revoked (as stored) */
	const char *status_reason; /* may be NULL */
	const char *expiry_strategy; /* restrict / perpetual_fallback */
	int64_t max_activations;
	int64_t activations;       /* active machines */
	const char *expires_at;    /* RFC 3339, NULL: none (yet) */
	int64_t expires_unix;      /* 0 when expires_at is NULL */
	int64_t term_seconds;      /* 0: none */
	const char *first_activated_at; /* may be NULL */
	const char *created_at;
};

struct store_lic_machine {
	int64_t id;
	char public_id[37];
	const char *fingerprint;
	const char *name;          /* may be NULL */
	const char *activated_at, *last_heartbeat_at;
};

/* The state a licence is in at `now`, computed: "revoked", "suspended",
 * "expired" (expires_at passed) or "active". Never NULL. */
const char *store_lic_state(const struct store_license *l, time_t now);

/* Signs a new key for the licence (payload per DESIGN12: kid, lid, plan,
 * features, seats, exp, iat = now) and stores it (license_key, key_hash,
 * key_id), replacing the one before; *key (may be NULL) gets it, in the
 * arena. Runs inside the caller's transaction. 0, DF_ENOTFOUND,
 * DF_EINTERNAL when this process has no signing key (the grant rolls
 * back and the provider retries the event), or a df_err. */
DF_MUST_CHECK int store_lic_issue_key(struct arena *a, int64_t license_id, time_t now,
	const char **key);

/* Grants the licence a plan order item buys (once per item: unique key;
 * a second call changes nothing), with its key. Runs inside the caller's
 * transaction. A plan whose term starts at purchase runs one billing
 * interval from now; one whose term starts at the first activation keeps
 * expires_at NULL and records the term (store_lic_start_term). 0 or a
 * df_err. */
DF_MUST_CHECK int store_lic_grant_for_item(struct arena *a, int64_t order_item_id,
	int64_t user_id, int plan_id, const char *billing_interval, time_t now);
/* active / suspended / revoked for the licence of an order item, with the
 * reason (NULL: none). 0 also when the item has no licence (nothing to
 * set); DF_EINVAL for another status. */
DF_MUST_CHECK int store_lic_set_item_status(int64_t order_item_id, const char *status,
	const char *reason);

/* An admin's grant, with its key, inside the caller's transaction:
 * expires_at unix seconds (0: never expires), seats 0 for the plan's
 * max_activations. pid receives the licence's public id. 0, DF_ENOTFOUND
 * (no such plan), or a df_err. */
DF_MUST_CHECK int store_lic_grant(struct arena *a, int64_t user_id, const char *plan,
	int64_t expires_at, int64_t seats, const char *granted_by, time_t now,
	char pid[37]);

/* A first activation starts the term of a licence granted with
 * term_start = first_activation: expires_at = now + term_seconds, once
 * (later calls and licences with a fixed expiry change nothing); the key
 * keeps its "exp": null, the row is the truth. 0 or a df_err. */
DF_MUST_CHECK int store_lic_start_term(int64_t license_id, time_t now);

/* One licence by public id (lock: FOR UPDATE, inside a transaction). 0,
 * DF_ENOTFOUND, or a df_err. */
DF_MUST_CHECK int store_lic_get(struct arena *a, const char *public_id, int lock,
	struct store_license *out);
/* The user's licences, newest first, before row id `before` (0: from the
 * newest), at most limit + 1 (the caller learns whether more follow). */
DF_MUST_CHECK int store_lic_list(struct arena *a, int64_t user_id, int64_t before,
	int64_t limit, struct store_license **out, size_t *n);
/* The licence's active machines, in activation order. */
DF_MUST_CHECK int store_lic_machines(struct arena *a, int64_t license_id,
	struct store_lic_machine **out, size_t *n);
/* Deactivates one active machine of the licence (frees its seat). 0,
 * DF_ENOTFOUND (no such active machine on it), or a df_err. */
DF_MUST_CHECK int store_lic_machine_remove(int64_t license_id, const char *machine_id,
	time_t now);

/* status revoked with the reason: DF_ECONFLICT when it already is. */
DF_MUST_CHECK int store_lic_revoke(int64_t license_id, const char *reason);
/* A new expiry (unix seconds); the caller re-signs the key. */
DF_MUST_CHECK int store_lic_renew(int64_t license_id, int64_t expires_at);

/* Sets (NULL: clears) the plan feature an extension is included with.
 * 0, DF_ENOTFOUND, or a df_err. */
DF_MUST_CHECK int store_lic_set_included_feature(const char *slug, const char *feature);
/* 1 when the user holds a licence that lets them download the version
 * of the extension through its included feature: not suspended or
 * revoked, its plan having the feature, and either not expired at now or
 * expired under perpetual_fallback with the version published before
 * the expiry. 0 when not (or the extension has no included feature), or
 * a negative df_err. */
DF_MUST_CHECK int store_lic_feature_download(int64_t user_id, int64_t extension_id,
	int64_t version_id, time_t now);

#endif
