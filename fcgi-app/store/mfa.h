/* SQL for enrolling and removing TOTP multi-factor authentication: the
 * pending secret, the switch, and the single-use recovery codes (stored
 * as SHA-256 of their canonical form, as totp_recovery_normalize gives
 * it; a login spends them through store/logins.h). */
#ifndef DF_STORE_MFA_H
#define DF_STORE_MFA_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

/* Stores a new pending secret (base32) while MFA is off, replacing an
 * earlier pending one and forgetting the last used step. DF_ECONFLICT
 * when MFA is on. */
DF_MUST_CHECK int store_mfa_set_pending(int64_t user_id, const char *secret_b32);

/* Turns MFA on for the pending secret secret_b32, recording step as the
 * last one used (the confirming code cannot log in again). DF_ECONFLICT
 * when MFA is on already or the pending secret is another one (a second
 * enrolment started meanwhile). */
DF_MUST_CHECK int store_mfa_enable(int64_t user_id, const char *secret_b32, int64_t step);

/* Turns MFA off: no secret, no step, no recovery codes. DF_ECONFLICT
 * when it was off. */
DF_MUST_CHECK int store_mfa_disable(int64_t user_id);

/* Replaces the user's recovery codes with these n SHA-256 hashes. */
DF_MUST_CHECK int store_mfa_recovery_replace(int64_t user_id,
	const unsigned char (*hashes)[32], size_t n);

#endif
