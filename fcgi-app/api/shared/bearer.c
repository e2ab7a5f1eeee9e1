/* Stores: users. */
/* Authentication hook: turns an Authorization header into req->auth.
 * A request without credentials stays anonymous; a bad token is refused
 * even on routes anyone may call, so a client learns its token is bad.
 * A good signature is not enough: the user must still exist and be
 * active, and the token must carry the user's current token version
 * (logout-all and password changes raise it). The role comes from the
 * database (through the worker's user cache, which every change on this
 * host invalidates), so a demotion takes effect at once. A refusal names its kind
 * in req->auth.refused: "token_expired" only for a genuine token past
 * its exp (the client refreshes), "invalid_token" for everything else
 * (the client signs in again). */
#include <time.h>
#include <string.h>
#include "api/api.h"
#include "arena.h"
#include "config.h"
#include "err.h"
#include "token.h"
#include "store/users.h"

int api_authenticate(struct request *req)
{
	struct token_claims c;
	struct store_user *u;
	const char *tok;
	int expired = 0, rc;

	if (req->authorization == NULL)
		return 0;
	req->auth.refused = "invalid_token";
	tok = token_from_authorization(req->authorization);
	if (tok == NULL)
		return DF_EAUTH;
	if (token_verify_ex(req->cfg, tok, (int64_t)time(NULL), &c,
	    &expired) != 0) {
		if (expired)
			req->auth.refused = "token_expired";
		return DF_EAUTH;
	}
	/* One lookup on the unique public id loads the whole row: the check
	 * needs three of its columns, and handlers of the caller's own data
	 * (GET /me) then answer without a second round trip. The worker's
	 * cache answers it while no change to the user was made on this
	 * host and the copy is younger than user_cache_seconds (the bound
	 * for changes made on other hosts). */
	u = arena_alloc(req->arena, sizeof(*u));
	if (u == NULL)
		return DF_ENOMEM;
	rc = store_users_get_cached(req->arena, c.sub,
		req->cfg->user_cache_seconds, u);
	if (rc == DF_ENOTFOUND)
		return DF_EAUTH;
	if (rc != 0)
		return rc;
	if (!u->active || c.ver != u->token_version)
		return DF_EAUTH;
	req->auth.refused = NULL;
	req->auth.authenticated = 1;
	req->auth.user = u;
	memcpy(req->auth.sub, c.sub, sizeof(req->auth.sub));
	memcpy(req->auth.jti, c.jti, sizeof(req->auth.jti));
	req->auth.role = u->role;
	req->auth.iat = c.iat;
	req->auth.exp = c.exp;
	return 0;
}

int api_caller(struct request *req, struct store_user *u)
{
	int rc = store_users_get(req->arena, STORE_USERS_BY_PUBLIC_ID,
		req->auth.sub, u);

	return rc == DF_ENOTFOUND ? DF_EAUTH : rc;
}
