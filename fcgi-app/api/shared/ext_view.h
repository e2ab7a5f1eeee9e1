/* Stores: extensions (the listing row it hands around). */
/* What the marketplace's api files (extensions.c, versions.c,
 * reviews.c) share: who may see and manage a listing, the listing as
 * clients see it, and the cache generation their writes bump. */
#ifndef DF_API_SHARED_EXT_VIEW_H
#define DF_API_SHARED_EXT_VIEW_H

#include <stdint.h>
#include "http.h"
#include "store/extensions.h"
#include "err.h"

struct json_object;

/* Shared-segment cache generation of everything the marketplace shows
 * (listings, categories and their counts, versions, reviews): every
 * write bumps it after its commit, so no worker answers from a cached
 * page that the write changed. */
#define API_GEN_MARKET 0u
#define API_GENS_MARKET (UINT64_C(1) << API_GEN_MARKET)

/* Call after a marketplace write committed. */
void api_market_changed(void);

/* Audits a marketplace decision ({slug, version?, reason?}) inside the
 * caller's transaction. 0 or a negative df_err. */
DF_MUST_CHECK int api_market_audit(struct request *req, const char *event,
	const char *slug, const char *version, const char *reason);

/* The caller's user row id, 0 when anonymous. */
int64_t api_caller_id(const struct request *req);

/* 1 when the caller owns e or is an admin. */
int api_ext_manager(const struct request *req, const struct store_ext *e);

/* Loads the extension named by the route's {slug} as the caller may see
 * it: published ones for everyone, others only for their owner and
 * admins (DF_ENOTFOUND for the rest, as if absent). With manage set the
 * caller must also be the owner or an admin: DF_EFORBIDDEN otherwise.
 * With owner_only, admins are refused too (uploads are the owner's). */
DF_MUST_CHECK int api_ext_load(struct request *req, int manage, int owner_only,
	struct store_ext *out);

/* What the owner routes may not do to a listing an administrator holds:
 * a suspension stops every change but an admin's (only an admin lifts
 * it, by reinstating), with API_EXT_EVEN_ADMIN admins' too (DELETE never
 * lifts it); with API_EXT_ADDS an archived listing also takes no new
 * versions, packages or submissions. */
#define API_EXT_ADDS 1
#define API_EXT_EVEN_ADMIN 2

/* The 409 detail saying why the caller may not change e by an owner
 * route now (naming the suspension and its reason), or NULL when it may. */
const char *api_ext_frozen(struct request *req, const struct store_ext *e,
	int flags);

/* Begins the transaction of a change to e: locks and re-reads e's row
 * first (so an admin's suspension cannot land between this check and the
 * write that follows), then applies api_ext_frozen. Whatever it returns,
 * the caller ends the transaction with store_tx_end(rc). DF_ECONFLICT
 * with *why set when the caller may not change it; 0 with *why NULL when
 * it may; another negative df_err on failure. */
DF_MUST_CHECK int api_ext_begin_write(struct request *req,
	struct store_ext *e, int flags, const char **why);

/* The listing as clients see it; manager_view adds status_reason. An
 * object of the request; NULL on OOM. */
struct json_object *api_ext_json(struct request *req,
	const struct store_ext *e, int manager_view);

#endif
