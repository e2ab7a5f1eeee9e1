/* Access tokens (HS256 JWTs). libjwt 1.10 signs them. It would check
 * a signature with the algorithm the token names and no claim, so the
 * check is all ours: the header is read and alg pinned, the HMAC over
 * "header.payload" compared in constant time, then every claim checked.
 * libjwt's jwt_decode once repeated the signature check after ours (its
 * own base64, JSON parse and HMAC): it could refuse nothing ours lets
 * through, and it was a fifth of the worker's time on GET /me. */
#include <jwt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "role.h"
#include "token.h"

/* Our tokens are a few hundred bytes; anything much longer is not ours. */
#define TOKEN_MAX_LEN 4096
/* base64url of an HMAC-SHA256 (32 bytes, no padding). */
#define TOKEN_SIG_B64_LEN 43
#define TOKEN_IAT_SKEW_S 60

/* Printable ASCII without space, 1..63 bytes: sub and jti. */
static int claim_id_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 63 || (unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7F)
			return 0;
	return i > 0;
}

int token_issue(const struct config *cfg, const char *sub, enum role role,
	int64_t ver, int64_t now_s, char **out)
{
	unsigned char rnd[16];
	char jti[33];
	jwt_t *jwt = NULL;
	char *s;
	int rc = DF_EINTERNAL;

	*out = NULL;
	if (cfg == NULL || cfg->jwt_secret == NULL || cfg->jwt_secret_len == 0 ||
	    cfg->jwt_secret_len > 0x7fffffff || cfg->jwt_issuer == NULL ||
	    cfg->jwt_audience == NULL || sub == NULL || !claim_id_ok(sub) ||
	    role_parse(role_name(role), NULL) != 0)
		return DF_EINVAL;
	if (crypto_random(rnd, sizeof(rnd)) != 0)
		return DF_EINTERNAL;
	crypto_hex(rnd, sizeof(rnd), jti);
	if (jwt_new(&jwt) != 0)
		return DF_ENOMEM;
	if (jwt_set_alg(jwt, JWT_ALG_HS256,
	    (const unsigned char *)cfg->jwt_secret, (int)cfg->jwt_secret_len) ||
	    jwt_add_grant(jwt, "sub", sub) ||
	    jwt_add_grant(jwt, "role", role_name(role)) ||
	    jwt_add_grant_int(jwt, "iat", (long)now_s) ||
	    jwt_add_grant_int(jwt, "exp",
		(long)(now_s + (int64_t)cfg->access_token_ttl)) ||
	    jwt_add_grant(jwt, "iss", cfg->jwt_issuer) ||
	    jwt_add_grant(jwt, "aud", cfg->jwt_audience) ||
	    jwt_add_grant(jwt, "jti", jti) ||
	    jwt_add_grant_int(jwt, "ver", (long)ver))
		goto out;
	s = jwt_encode_str(jwt);
	if (s == NULL) {
		rc = DF_ENOMEM;
		goto out;
	}
	*out = s;
	rc = 0;
out:
	jwt_free(jwt);
	return rc;
}

static int b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Decodes one base64url part and parses it as a JSON object. */
static struct json_object *part_json(const char *s, size_t len)
{
	unsigned char buf[TOKEN_MAX_LEN];
	struct json_tokener *tok;
	struct json_object *o;
	long n;

	if (len == 0 || 3 * len / 4 + 3 > sizeof(buf))
		return NULL;
	n = crypto_b64url_decode(s, len, buf);
	if (n <= 0 || memchr(buf, '\0', (size_t)n) != NULL)
		return NULL;
	tok = json_tokener_new_ex(8);
	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
		JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, (const char *)buf, (int)n);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != (size_t)n ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *get_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An integer claim; 0 when absent or of another type. */
static int get_int(struct json_object *o, const char *k, int64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	*out = json_object_get_int64(v);
	return 1;
}

static int header_ok(struct json_object *h)
{
	const char *alg = get_str(h, "alg"), *typ;
	struct json_object *v;

	if (alg == NULL || strcmp(alg, "HS256") != 0)
		return 0;
	if (json_object_object_get_ex(h, "typ", &v)) {
		typ = get_str(h, "typ");
		if (typ == NULL || strcmp(typ, "JWT") != 0)
			return 0;
	}
	/* Extensions we would have to understand: we understand none. */
	if (json_object_object_get_ex(h, "crit", &v))
		return 0;
	return 1;
}

static int aud_ok(struct json_object *p, const char *ours)
{
	struct json_object *v, *e;
	size_t i, n;

	if (!json_object_object_get_ex(p, "aud", &v))
		return 0;
	if (json_object_is_type(v, json_type_string))
		return strcmp(json_object_get_string(v), ours) == 0;
	if (!json_object_is_type(v, json_type_array))
		return 0;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_string) &&
		    strcmp(json_object_get_string(e), ours) == 0)
			return 1;
	}
	return 0;
}

/* 1 when every claim is good; 0 otherwise, with *expired set when the
 * only fault is an exp in the past (checked last, so a token that is
 * wrong in any other way never reads as merely expired). */
static int claims_ok(const struct config *cfg, struct json_object *p,
	int64_t now_s, struct token_claims *out, int *expired)
{
	const char *sub, *role, *iss, *jti;
	struct json_object *v;
	int64_t exp, iat, nbf, ver = 0;
	enum role r;

	if (!get_int(p, "exp", &exp))
		return 0;
	if (!get_int(p, "iat", &iat) || iat > now_s + TOKEN_IAT_SKEW_S)
		return 0;
	if (json_object_object_get_ex(p, "nbf", &v) &&
	    (!get_int(p, "nbf", &nbf) || nbf > now_s + TOKEN_IAT_SKEW_S))
		return 0;
	iss = get_str(p, "iss");
	if (iss == NULL || strcmp(iss, cfg->jwt_issuer) != 0)
		return 0;
	if (!aud_ok(p, cfg->jwt_audience))
		return 0;
	sub = get_str(p, "sub");
	if (sub == NULL || !claim_id_ok(sub))
		return 0;
	role = get_str(p, "role");
	if (role == NULL || role_parse(role, &r) != 0)
		return 0;
	jti = get_str(p, "jti");
	if (json_object_object_get_ex(p, "jti", &v) &&
	    (jti == NULL || !claim_id_ok(jti)))
		return 0;

	if (json_object_object_get_ex(p, "ver", &v) &&
	    (!get_int(p, "ver", &ver) || ver < 0))
		return 0;
	if (exp <= now_s) {
		*expired = 1;
		return 0;
	}

	memset(out, 0, sizeof(*out));
	out->ver = ver;
	strcpy(out->sub, sub);                 /* <= 63 bytes, checked */
	if (jti != NULL)
		strcpy(out->jti, jti);
	out->role = r;
	out->iat = iat;
	out->exp = exp;
	return 1;
}

int token_verify(const struct config *cfg, const char *token, int64_t now_s,
	struct token_claims *out)
{
	return token_verify_ex(cfg, token, now_s, out, NULL);
}

int token_verify_ex(const struct config *cfg, const char *token,
	int64_t now_s, struct token_claims *out, int *expired)
{
	struct json_object *head = NULL, *payload = NULL;
	unsigned char mac[CRYPTO_SHA256_LEN], sig[CRYPTO_SHA256_LEN + 3];
	const char *dot1, *dot2;
	size_t len, i, ndots = 0;
	int rc = DF_EAUTH, exp_only = 0;

	if (expired != NULL)
		*expired = 0;

	if (cfg == NULL || token == NULL || out == NULL ||
	    cfg->jwt_secret == NULL || cfg->jwt_secret_len == 0 ||
	    cfg->jwt_secret_len > 0x7fffffff ||
	    cfg->jwt_issuer == NULL || cfg->jwt_audience == NULL)
		return DF_EAUTH;
	len = strnlen(token, TOKEN_MAX_LEN + 1);
	if (len == 0 || len > TOKEN_MAX_LEN)
		return DF_EAUTH;
	for (i = 0; i < len; i++) {
		if (token[i] == '.')
			ndots++;
		else if (!b64url_char(token[i]))
			return DF_EAUTH;
	}
	if (ndots != 2)
		return DF_EAUTH;
	dot1 = strchr(token, '.');
	dot2 = strchr(dot1 + 1, '.');
	if (dot1 == token || dot2 == dot1 + 1 ||
	    strlen(dot2 + 1) != TOKEN_SIG_B64_LEN)
		return DF_EAUTH;

	/* alg is pinned first: nothing below trusts the header's choice. */
	head = part_json(token, (size_t)(dot1 - token));
	if (head == NULL || !header_ok(head))
		goto out;

	/* The constant-time check of the HMAC over "header.payload". */
	if (crypto_b64url_decode(dot2 + 1, TOKEN_SIG_B64_LEN, sig) !=
	    CRYPTO_SHA256_LEN)
		goto out;
	crypto_hmac_sha256(cfg->jwt_secret, cfg->jwt_secret_len, token,
		(size_t)(dot2 - token), mac);
	if (!crypto_equal(mac, sig, sizeof(mac)))
		goto out;

	payload = part_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (payload == NULL || !claims_ok(cfg, payload, now_s, out,
	    &exp_only)) {
		/* Genuine (signature and every other claim good) but old:
		 * the client can refresh instead of signing in again. */
		if (expired != NULL)
			*expired = exp_only;
		goto out;
	}
	rc = 0;
out:
	crypto_wipe(mac, sizeof(mac));
	json_object_put(head);
	json_object_put(payload);
	return rc;
}

static int b64token_char(char c)
{
	return b64url_char(c) || c == '.' || c == '~' || c == '+' || c == '/';
}

/* credentials = "Bearer" 1SP b64token, RFC 6750 2.1. */
const char *token_from_authorization(const char *header)
{
	const char *t;
	size_t i;

	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	t = header + 7;
	for (i = 0; b64token_char(t[i]); i++)
		;
	if (i == 0)
		return NULL;
	while (t[i] == '=')
		i++;
	return t[i] == '\0' ? t : NULL;
}
