/* Authentication hook: turns an Authorization header into req->auth.
 * A request without credentials stays anonymous; a bad token is refused
 * even on routes anyone may call, so a client learns its token is bad. */
#include <time.h>
#include <string.h>
#include "api.h"
#include "err.h"
#include "token.h"

int api_authenticate(struct request *req)
{
	struct token_claims c;
	const char *tok;

	if (req->authorization == NULL)
		return 0;
	tok = token_from_authorization(req->authorization);
	if (tok == NULL)
		return DF_EAUTH;
	if (token_verify(req->cfg, tok, (int64_t)time(NULL), &c) != 0)
		return DF_EAUTH;
	req->auth.authenticated = 1;
	memcpy(req->auth.sub, c.sub, sizeof(req->auth.sub));
	memcpy(req->auth.jti, c.jti, sizeof(req->auth.jti));
	req->auth.role = c.role;
	req->auth.iat = c.iat;
	req->auth.exp = c.exp;
	return 0;
}
