/* Access tokens: JWTs signed with HS256 through libjwt. libjwt 1.10 takes
 * the algorithm from the token and checks no claims, so verification here
 * pins HS256 and checks exp, iat, iss and aud itself. */
#ifndef DF_TOKEN_H
#define DF_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include "role.h"
#include "err.h"

struct config;

struct token_claims {
	char sub[64];
	enum role role;
	int64_t iat;
	int64_t exp;
	char jti[64];
	int64_t ver;     /* the user's token_version when issued (claim "ver");
	                    0 when the token has none */
};

/* Issues a token for sub/role valid for cfg->access_token_ttl seconds
 * from now_s, carrying ver (the user's token_version, so that raising it
 * refuses every token issued before). *out is malloc'd (free() it).
 * 0 or DF_EINVAL/DF_ENOMEM/DF_EINTERNAL. */
DF_MUST_CHECK int token_issue(const struct config *cfg, const char *sub, enum role role,
	int64_t ver, int64_t now_s, char **out);

/* Verifies a compact JWT: three base64url parts, header alg exactly
 * HS256 (and typ JWT when present), signature valid under the key, exp in
 * the future, iat present and not more than 60 s in the future, iss and
 * aud equal to the config's, sub and role present and well formed. 0 with
 * *out filled, or DF_EAUTH. Never logs the token. */
DF_MUST_CHECK int token_verify(const struct config *cfg, const char *jwt, int64_t now_s,
	struct token_claims *out);

/* token_verify, and on DF_EAUTH *expired (may be NULL) tells a genuine
 * token whose only fault is an exp in the past (1) from any other
 * refusal (0), so the answer can say "refresh" rather than "sign in". */
DF_MUST_CHECK int token_verify_ex(const struct config *cfg, const char *jwt, int64_t now_s,
	struct token_claims *out, int *expired);

/* Extracts the token from "Bearer <token>" (scheme case-insensitive, one
 * space). NULL when absent or malformed. */
const char *token_from_authorization(const char *header);

#endif
