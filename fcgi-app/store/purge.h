/* SQL for the purge-tokens job: deletes account tokens nobody can use
 * any more, in batches, so user_tokens and refresh_tokens stay the size
 * of what is live. Everything is measured against the job's clock minus
 * STORE_PURGE_GRACE_S (a week of rows kept for investigating an
 * incident).
 *
 * - user_tokens (password reset, e-mail verification): expired, or used.
 * - refresh_tokens: revoked; or expired when the token's whole family is
 *   dead (no unrevoked token of it still unexpired). A spent token (used
 *   by rotation) is what detects reuse: presenting it again ends its
 *   family (api/auth.c), so it is kept while its family has a token that
 *   could still be used, whatever its own expiry. */
#ifndef DF_STORE_PURGE_H
#define DF_STORE_PURGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

#define STORE_PURGE_GRACE_S (7 * 86400)

struct store_purge_tally {
	uint64_t user_tokens;
	uint64_t refresh_tokens;
};

/* One batch: deletes up to max rows of each kind as of now (unix
 * seconds), adding to t; *more 1 when a statement hit max (call again).
 * Each DELETE commits on its own. 0 or a negative df_err. */
DF_MUST_CHECK int store_purge_tokens_batch(time_t now, size_t max,
	struct store_purge_tally *t, int *more);

#endif
