/* SQL behind a login: the lockout state every worker and host shares
 * (login_failures rows and users.locked_until / lockouts), the TOTP step
 * that may not be used twice, single-use recovery codes, and the
 * transparent upgrade of an old password hash. All times are the
 * database's clock, so hosts with drifting clocks agree. */
#ifndef DF_STORE_LOGINS_H
#define DF_STORE_LOGINS_H

#include <stdint.h>
#include "err.h"

struct arena;

/* Begins the transaction of every write about an account's credentials
 * (a login, a lockout count, a password or MFA change, a mailed link)
 * and takes the user's row (FOR UPDATE) before any other, so they all
 * lock in one order and concurrent attempts on one account are decided
 * one at a time. Reads the account's lock: *locked_s, whole seconds it
 * still runs, rounded up (0: not locked); *lockouts, locks so far (the
 * delay's exponent); either may be NULL. 0 with the transaction open
 * (end it with store_tx_end); DF_ENOTFOUND when the user is gone, or
 * another df_err, rolled back. */
DF_MUST_CHECK int store_logins_begin(struct arena *a, int64_t user_id,
	int64_t *locked_s, int64_t *lockouts);

/* Records an attempt as a failure (the success path deletes it again)
 * and counts the failures that weigh toward the next lock: those of the
 * last window_s seconds that came after the previous lock ended.
 * *attempt_id (may be NULL) names the new row. */
DF_MUST_CHECK int store_logins_add_failure(struct arena *a, int64_t user_id,
	const char *client_addr, unsigned window_s, int64_t *attempt_id,
	int64_t *count);

/* Counts like store_logins_add_failure without adding. */
DF_MUST_CHECK int store_logins_count_failures(struct arena *a, int64_t user_id,
	unsigned window_s, int64_t *count);

/* Forgets one recorded attempt (it turned out not to be a failure). */
DF_MUST_CHECK int store_logins_drop_attempt(int64_t attempt_id);

/* Locks the account for seconds from now and counts the lockout. */
DF_MUST_CHECK int store_logins_lock(int64_t user_id, unsigned seconds);

/* After a successful login, inside a transaction that holds the user's
 * row (store_logins_begin): no failures, no lock, lockouts back to
 * 0. Failures older than the window are pruned on the way by
 * store_logins_add_failure, so the table stays small. */
DF_MUST_CHECK int store_logins_clear(struct arena *a, int64_t user_id);

/* Accepts TOTP time step `step` for the user when it is later than the
 * last accepted one, atomically. 0 when accepted, DF_ECONFLICT when the
 * step (or a later one) was used already: a replayed code. */
DF_MUST_CHECK int store_logins_use_totp_step(int64_t user_id, int64_t step);

/* Spends the unused recovery code whose SHA-256 is hash. 0 when one was
 * spent, DF_ENOTFOUND otherwise. */
DF_MUST_CHECK int store_logins_use_recovery_code(int64_t user_id,
	const unsigned char hash[32]);

/* Replaces the password hash when it still is old_hash (a password
 * change racing the login wins). 0 whether or not it replaced it. */
DF_MUST_CHECK int store_logins_rehash(int64_t user_id, const char *old_hash,
	const char *new_hash);

#endif
