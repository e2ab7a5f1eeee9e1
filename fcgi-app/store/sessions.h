/* SQL for refresh tokens: opaque 256-bit random strings handed to the
 * client once and stored only as their SHA-256, grouped in families (one
 * per login) so that presenting a spent token ends the whole family. */
#ifndef DF_STORE_SESSIONS_H
#define DF_STORE_SESSIONS_H

#include <stdint.h>
#include "err.h"

struct arena;

#define STORE_SESSIONS_TOKEN_BYTES 32
#define STORE_SESSIONS_TOKEN_LEN 43   /* base64url of 32 bytes, no padding */
#define STORE_SESSIONS_FAMILY_LEN 32  /* hex of 16 random bytes */

/* 1 when s has the shape of a refresh token (43 base64url characters);
 * anything else is refused without a database round trip. */
DF_MUST_CHECK int store_sessions_token_ok(const char *s);

/* Issues a refresh token for user_id, valid ttl_s seconds, in family
 * (NULL: a new family, whose id goes to family_out when not NULL).
 * client_addr and user_agent may be NULL. token_out receives the token
 * the client keeps. 0 or a negative df_err. */
DF_MUST_CHECK int store_sessions_issue(int64_t user_id, const char *family,
	unsigned ttl_s, const char *client_addr, const char *user_agent,
	char token_out[STORE_SESSIONS_TOKEN_LEN + 1],
	char family_out[STORE_SESSIONS_FAMILY_LEN + 1]);

enum store_sessions_refresh_state {
	STORE_SESSIONS_REFRESH_LIVE = 0,   /* unspent, unrevoked, unexpired */
	STORE_SESSIONS_REFRESH_SPENT,      /* rotated before: presenting it is reuse */
	STORE_SESSIONS_REFRESH_REVOKED,    /* logged out or its family ended */
	STORE_SESSIONS_REFRESH_EXPIRED
};

struct store_refresh {
	int64_t id;
	int64_t user_id;
	char family[STORE_SESSIONS_FAMILY_LEN + 1];
	enum store_sessions_refresh_state state;
};

/* Finds the token by its hash. With for_update (inside a transaction)
 * the row stays locked until commit, so two requests presenting the same
 * token are served one after the other and only the first finds it
 * live. DF_ENOTFOUND for an unknown or malformed token. */
DF_MUST_CHECK int store_sessions_find(struct arena *a, const char *token, int for_update,
	struct store_refresh *out);

/* Marks a token spent (rotation). */
DF_MUST_CHECK int store_sessions_mark_spent(int64_t id);
/* Revokes every live token of a family; *n (may be NULL) counts them. */
DF_MUST_CHECK int store_sessions_revoke_family(const char *family, uint64_t *n);
/* Revokes every live token of a user (logout-all, password change). */
DF_MUST_CHECK int store_sessions_revoke_user(int64_t user_id, uint64_t *n);

#endif
