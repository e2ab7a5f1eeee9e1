/* SQL for the changes a user makes to their own account: profile,
 * password, e-mail verification. Every call runs inside the caller's
 * transaction when there is one. */
#ifndef DF_STORE_ACCOUNT_H
#define DF_STORE_ACCOUNT_H

#include <stdint.h>
#include "err.h"

/* Sets display_name (NULL clears it). DF_ENOTFOUND when the user is
 * gone. */
DF_MUST_CHECK int store_account_set_display_name(int64_t user_id, const char *name);

/* Replaces the password hash. With old_hash (not NULL) only while the
 * stored hash still is old_hash, so two changes racing each other cannot
 * both win: DF_ECONFLICT when it changed meanwhile. */
DF_MUST_CHECK int store_account_set_password(int64_t user_id, const char *new_hash,
	const char *old_hash);

/* Stamps email_verified_at unless it is set already. */
DF_MUST_CHECK int store_account_mark_verified(int64_t user_id);

#endif
