/* SQL for single-use e-mail tokens (password reset, e-mail verification):
 * the user receives 32 random bytes as base64url, the table keeps only
 * their SHA-256, so a read of the database does not hand out working
 * links. Consuming is one conditional UPDATE: two requests racing with
 * the same token cannot both succeed. */
#ifndef DF_STORE_TOKENS_H
#define DF_STORE_TOKENS_H

#include <stdint.h>
#include "err.h"

struct arena;
struct store_user;

#define STORE_TOKENS_BYTES 32
#define STORE_TOKENS_CHARS 43     /* base64url of 32 bytes, no padding */

enum store_tokens_purpose {
	STORE_TOKENS_PASSWORD_RESET = 0,
	STORE_TOKENS_EMAIL_VERIFY
};

/* Creates a token for user_id valid ttl_s seconds and writes the text the
 * user receives into token. Inside the caller's transaction when there is
 * one. 0, DF_EINTERNAL (no randomness) or a database error. */
DF_MUST_CHECK int store_tokens_create(int64_t user_id, enum store_tokens_purpose purpose,
	unsigned ttl_s, char token[STORE_TOKENS_CHARS + 1]);

/* The user a token belongs to while it is unused and unexpired, without
 * spending it (to check a new password against the user's name before
 * the token is consumed). DF_ENOTFOUND for a malformed, unknown, used or
 * expired token. */
DF_MUST_CHECK int store_tokens_peek(struct arena *a, enum store_tokens_purpose purpose,
	const char *token, struct store_user *out);

/* Spends the token (used_at = now) when it is unused and unexpired and
 * fills out with its user. DF_ENOTFOUND otherwise, also when another
 * request spent it first. */
DF_MUST_CHECK int store_tokens_consume(struct arena *a, enum store_tokens_purpose purpose,
	const char *token, struct store_user *out);

/* Spends every outstanding token of that purpose of user_id (after a
 * password reset or change, older reset links stop working). */
DF_MUST_CHECK int store_tokens_revoke_all(int64_t user_id, enum store_tokens_purpose purpose);

/* Tokens of that purpose created for user_id in the last window_s
 * seconds (to refuse a flood of reset mail to one mailbox). */
DF_MUST_CHECK int store_tokens_recent(struct arena *a, int64_t user_id,
	enum store_tokens_purpose purpose, unsigned window_s, int64_t *count);

#endif
