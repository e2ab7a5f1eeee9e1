/* SQL behind the licence signing keys' public halves
 * (license_signing_keys): the keyring every worker verifies with, the
 * public-key route's list, devforgectl keys. */
#ifndef DF_STORE_SIGNING_KEYS_H
#define DF_STORE_SIGNING_KEYS_H

#include <stddef.h>
#include "err.h"
#include "signed.h"

struct arena;

struct store_sigkey {
	char kid[17];
	unsigned char pub[32];
	char created_at[32];       /* "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC) */
	char retired_at[32];       /* "" while in use */
};

/* Records a new key's public half (created now). 0, DF_ECONFLICT when
 * the kid is there already, or a db error. */
DF_MUST_CHECK int store_sigkeys_insert(const char *kid,
	const unsigned char pub[32]);
/* The unretired keys, newest first, at most SIGNED_RING_MAX (the newest
 * ones), into out. Needs no arena of the caller's. */
DF_MUST_CHECK int store_sigkeys_ring(struct signed_keyring *out);
/* Every key, retired ones included, newest first (*out NULL when none). */
DF_MUST_CHECK int store_sigkeys_list(struct arena *a,
	struct store_sigkey **out, size_t *n);
/* Retires kid (it stops verifying). 0, DF_ENOTFOUND when there is no
 * such unretired key. */
DF_MUST_CHECK int store_sigkeys_retire(const char *kid);

#endif
