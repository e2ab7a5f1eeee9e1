/* Unit tests for token.c: a token we issue verifies; every kind of forged,
 * stale or foreign token is refused, including the ones libjwt 1.10 on
 * its own would accept (alg none, HS512 under the same key, no exp). */
#include <criterion/criterion.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "router.h"
#include "token.h"
/* Included to reach header_ok(): the build links this test without
 * token.o. */
#include "../../fcgi-app/core/token.c"

#define NOW INT64_C(1795810500)
#define SECRET "0123456789abcdef0123456789abcdef-test-secret"

static struct config cfg;

static void setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.jwt_secret = SECRET;
	cfg.jwt_secret_len = strlen(SECRET);
	cfg.jwt_issuer = "https://devforge.example";
	cfg.jwt_audience = "devforge-api";
	cfg.access_token_ttl = 900;
}

TestSuite(token, .init = setup);

/* A token signed by libjwt with alg and key, carrying the standard
 * claims, minus the one named in skip, with overrides as JSON. */
static char *forge(jwt_alg_t alg, const char *key, const char *skip,
	const char *extra_json)
{
	char json[512];
	jwt_t *jwt = NULL;
	char *s;

	snprintf(json, sizeof(json), "{%s%s%s%s%s%s}",
		strcmp(skip, "sub") ? "\"sub\":\"u-123\"," : "",
		strcmp(skip, "role") ? "\"role\":\"developer\"," : "",
		strcmp(skip, "iss") ? "\"iss\":\"https://devforge.example\"," : "",
		strcmp(skip, "aud") ? "\"aud\":\"devforge-api\"," : "",
		strcmp(skip, "iat") ? "\"iat\":1795810400," : "",
		strcmp(skip, "exp") ? "\"exp\":1795811000" : "\"jti\":\"x\"");
	cr_assert_eq(jwt_new(&jwt), 0);
	cr_assert_eq(jwt_add_grants_json(jwt, json), 0, "%s", json);
	if (extra_json != NULL) {
		/* An override replaces the standard claim of that name. */
		static const char *const keys[] = { "sub", "role", "iss",
			"aud", "iat", "exp", "nbf", "jti", NULL };
		size_t i;

		for (i = 0; keys[i] != NULL; i++)
			if (strstr(extra_json, keys[i]) != NULL)
				jwt_del_grants(jwt, keys[i]);
		cr_assert_eq(jwt_add_grants_json(jwt, extra_json), 0);
	}
	if (alg != JWT_ALG_NONE)
		cr_assert_eq(jwt_set_alg(jwt, alg, (const unsigned char *)key,
			(int)strlen(key)), 0);
	s = jwt_encode_str(jwt);
	cr_assert_not_null(s);
	jwt_free(jwt);
	return s;
}

static void refused(const char *tok)
{
	struct token_claims c;

	cr_assert_eq(token_verify(&cfg, tok, NOW, &c), DF_EAUTH,
		"accepted: %s", tok);
}

static void refused_free(char *tok)
{
	refused(tok);
	free(tok);
}

/* b64url(json) into out. */
static void b64(const char *json, char *out)
{
	crypto_b64url_encode((const unsigned char *)json, strlen(json), out);
}

Test(token, issued_token_round_trips)
{
	struct token_claims c;
	char *tok = NULL;

	cr_assert_eq(token_issue(&cfg, "u-123", ROLE_SUPPORT, 7, NOW, &tok), 0);
	cr_assert_not_null(tok);
	cr_assert_eq(token_verify(&cfg, tok, NOW, &c), 0);
	cr_assert_str_eq(c.sub, "u-123");
	cr_assert_eq(c.ver, 7);
	cr_assert_eq(c.role, ROLE_SUPPORT);
	cr_assert_eq(c.iat, NOW);
	cr_assert_eq(c.exp, NOW + 900);
	cr_assert_eq(strlen(c.jti), 32);
	/* Still good one second before expiry, refused at it. */
	cr_assert_eq(token_verify(&cfg, tok, NOW + 899, &c), 0);
	cr_assert_eq(token_verify(&cfg, tok, NOW + 900, &c), DF_EAUTH);
	free(tok);
}

Test(token, issued_tokens_have_distinct_jti)
{
	struct token_claims a, b;
	char *t1, *t2;

	cr_assert_eq(token_issue(&cfg, "u-1", ROLE_USER, 1, NOW, &t1), 0);
	cr_assert_eq(token_issue(&cfg, "u-1", ROLE_USER, 1, NOW, &t2), 0);
	cr_assert_eq(token_verify(&cfg, t1, NOW, &a), 0);
	cr_assert_eq(token_verify(&cfg, t2, NOW, &b), 0);
	cr_assert_str_neq(a.jti, b.jti);
	free(t1);
	free(t2);
}

Test(token, issue_refuses_bad_input)
{
	char *tok = (char *)1;

	cr_assert_eq(token_issue(&cfg, "", ROLE_USER, 1, NOW, &tok), DF_EINVAL);
	cr_assert_null(tok);
	cr_assert_eq(token_issue(&cfg, "has space", ROLE_USER, 1, NOW, &tok), DF_EINVAL);
	cr_assert_eq(token_issue(&cfg, "u", ROLE_NONE, 1, NOW, &tok), DF_EINVAL);
	cfg.jwt_secret = NULL;
	cr_assert_eq(token_issue(&cfg, "u", ROLE_USER, 1, NOW, &tok), DF_EINVAL);
}

Test(token, forged_with_libjwt_same_claims_verifies)
{
	struct token_claims c;
	char *tok = forge(JWT_ALG_HS256, SECRET, "", NULL);

	/* Proves forge() builds acceptable tokens, so refusals below are
	 * caused by the one thing each test changes. */
	cr_assert_eq(token_verify(&cfg, tok, NOW, &c), 0);
	cr_assert_eq(c.role, ROLE_DEVELOPER);
	cr_assert_str_eq(c.jti, "");
	free(tok);
}

Test(token, refuses_alg_none)
{
	char h[128], p[512], tok[800];

	b64("{\"alg\":\"none\",\"typ\":\"JWT\"}", h);
	b64("{\"sub\":\"u-123\",\"role\":\"admin\",\"iss\":\"https://devforge.example\","
		"\"aud\":\"devforge-api\",\"iat\":1795810400,\"exp\":1795811000}", p);
	snprintf(tok, sizeof(tok), "%s.%s.", h, p);
	refused(tok);
	refused_free(forge(JWT_ALG_NONE, "", "", NULL));
	/* none with a signature-shaped third part. */
	snprintf(tok, sizeof(tok), "%s.%s.%s", h, p,
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	refused(tok);
}

static int header_of(const char *json)
{
	char b[256];
	struct json_object *h;
	int ok;

	b64(json, b);
	h = part_json(b, strlen(b));
	if (h == NULL)
		return -1;
	ok = header_ok(h);
	json_object_put(h);
	return ok;
}

Test(token, header_pins_hs256)
{
	cr_assert_eq(header_of("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"), 1);
	cr_assert_eq(header_of("{\"alg\":\"HS256\"}"), 1);
	cr_assert_eq(header_of("{\"alg\":\"HS512\",\"typ\":\"JWT\"}"), 0);
	cr_assert_eq(header_of("{\"alg\":\"none\"}"), 0);
	cr_assert_eq(header_of("{\"alg\":\"hs256\"}"), 0);
	cr_assert_eq(header_of("{\"alg\":\"RS256\"}"), 0);
	cr_assert_eq(header_of("{\"typ\":\"JWT\"}"), 0);
	cr_assert_eq(header_of("{\"alg\":[\"HS256\"]}"), 0);
	cr_assert_eq(header_of("{\"alg\":\"HS256\",\"typ\":\"JWS\"}"), 0);
	cr_assert_eq(header_of("{\"alg\":\"HS256\",\"crit\":[\"b64\"]}"), 0);
	cr_assert_eq(header_of("[\"HS256\"]"), -1);
	cr_assert_eq(header_of("{\"alg\":\"HS256\"} x"), -1);
}

/* An HS512 header over a valid HS256 MAC: only the alg pin can refuse
 * it, since the signature itself checks out under HS256. */
Test(token, refuses_hs512_header_with_hs256_mac)
{
	char h[128], p[512], sig[64], tok[800];
	unsigned char mac[32];
	size_t n;

	b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", h);
	b64("{\"sub\":\"u-123\",\"role\":\"admin\",\"iss\":\"https://devforge.example\","
		"\"aud\":\"devforge-api\",\"iat\":1795810400,\"exp\":1795811000}", p);
	n = (size_t)snprintf(tok, sizeof(tok), "%s.%s", h, p);
	crypto_hmac_sha256(SECRET, strlen(SECRET), tok, n, mac);
	crypto_b64url_encode(mac, sizeof(mac), sig);
	snprintf(tok + n, sizeof(tok) - n, ".%s", sig);
	refused(tok);
}

Test(token, refuses_hs512_with_same_key)
{
	refused_free(forge(JWT_ALG_HS512, SECRET, "", NULL));
	refused_free(forge(JWT_ALG_HS384, SECRET, "", NULL));
}

Test(token, refuses_wrong_key)
{
	refused_free(forge(JWT_ALG_HS256,
		"another-secret-of-sufficient-length-000", "", NULL));
}

Test(token, refuses_tampered_payload)
{
	char *tok = NULL, *p, *dot;
	char body[512], hdr[128], out[1024];
	const char *sig;

	cr_assert_eq(token_issue(&cfg, "u-123", ROLE_USER, 1, NOW, &tok), 0);
	dot = strchr(tok, '.');
	sig = strrchr(tok, '.') + 1;
	memcpy(hdr, tok, (size_t)(dot - tok));
	hdr[dot - tok] = '\0';
	/* Same signature, payload re-encoded with role admin. */
	b64("{\"sub\":\"u-123\",\"role\":\"admin\",\"iat\":1795810500,"
		"\"exp\":1795811400,\"iss\":\"https://devforge.example\","
		"\"aud\":\"devforge-api\"}", body);
	snprintf(out, sizeof(out), "%s.%s.%s", hdr, body, sig);
	refused(out);
	/* One flipped character in the original payload. */
	p = dot + 5;
	*p = *p == 'A' ? 'B' : 'A';
	refused(tok);
	free(tok);
}

Test(token, refuses_tampered_signature)
{
	char *tok = NULL;
	size_t n;

	cr_assert_eq(token_issue(&cfg, "u-123", ROLE_USER, 1, NOW, &tok), 0);
	n = strlen(tok);
	tok[n - 2] = tok[n - 2] == 'A' ? 'B' : 'A';
	refused(tok);
	free(tok);
}

Test(token, refuses_expired)
{
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"exp\":1795810499}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"exp\":1795810500}"));
}

static int expired_flag(char *tok)
{
	struct token_claims c;
	int expired = -1;

	cr_assert_eq(token_verify_ex(&cfg, tok, NOW, &c, &expired), DF_EAUTH);
	free(tok);
	return expired;
}

/* Only a genuine token past its exp reads as expired: the client may then
 * refresh; anything else wrong with it means signing in again. */
Test(token, expiry_is_told_apart_from_other_faults)
{
	cr_assert_eq(expired_flag(forge(JWT_ALG_HS256, SECRET, "",
		"{\"exp\":1795810499}")), 1);
	/* Expired and also forged, misaddressed or malformed: invalid. */
	cr_assert_eq(expired_flag(forge(JWT_ALG_HS256,
		"another-secret-of-sufficient-length-000", "",
		"{\"exp\":1795810499}")), 0);
	cr_assert_eq(expired_flag(forge(JWT_ALG_HS256, SECRET, "",
		"{\"exp\":1795810499,\"iss\":\"https://evil.example\"}")), 0);
	cr_assert_eq(expired_flag(forge(JWT_ALG_HS256, SECRET, "",
		"{\"exp\":1795810499,\"role\":\"root\"}")), 0);
	cr_assert_eq(expired_flag(forge(JWT_ALG_HS256, SECRET, "exp", NULL)), 0);
	cr_assert_eq(expired_flag(forge(JWT_ALG_HS256, SECRET, "",
		"{\"exp\":\"1795810499\"}")), 0);
}

Test(token, refuses_missing_exp)
{
	refused_free(forge(JWT_ALG_HS256, SECRET, "exp", NULL));
}

Test(token, refuses_non_integer_exp)
{
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"exp\":\"1795811000\"}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"exp\":1795811000.5}"));
}

Test(token, refuses_future_iat)
{
	struct token_claims c;
	char *ok = forge(JWT_ALG_HS256, SECRET, "", "{\"iat\":1795810560}");

	/* 60 s of clock skew is allowed, 61 is not. */
	cr_assert_eq(token_verify(&cfg, ok, NOW, &c), 0);
	free(ok);
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"iat\":1795810561}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "iat", NULL));
}

Test(token, refuses_future_nbf)
{
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"nbf\":1795811000}"));
}

Test(token, refuses_wrong_iss)
{
	refused_free(forge(JWT_ALG_HS256, SECRET, "",
		"{\"iss\":\"https://evil.example\"}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "iss", NULL));
}

Test(token, aud_string_or_array)
{
	struct token_claims c;
	char *tok = forge(JWT_ALG_HS256, SECRET, "",
		"{\"aud\":[\"other\",\"devforge-api\"]}");

	cr_assert_eq(token_verify(&cfg, tok, NOW, &c), 0);
	free(tok);
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"aud\":\"other-api\"}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"aud\":[\"other\"]}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "aud", NULL));
}

Test(token, refuses_bad_sub_and_role)
{
	refused_free(forge(JWT_ALG_HS256, SECRET, "sub", NULL));
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"sub\":\"\"}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "",
		"{\"sub\":\"0123456789012345678901234567890123456789012345678901234567890123\"}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "role", NULL));
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"role\":\"root\"}"));
	refused_free(forge(JWT_ALG_HS256, SECRET, "", "{\"role\":\"none\"}"));
}

Test(token, sub_of_63_chars_is_fine)
{
	struct token_claims c;
	char *tok = forge(JWT_ALG_HS256, SECRET, "",
		"{\"sub\":\"012345678901234567890123456789012345678901234567890123456789012\"}");

	cr_assert_eq(token_verify(&cfg, tok, NOW, &c), 0);
	cr_assert_eq(strlen(c.sub), 63);
	free(tok);
}

Test(token, refuses_malformed_text)
{
	char *tok = NULL, buf[2048];

	refused("");
	refused("garbage");
	refused("a.b.c");
	refused("..");
	refused("\xff\xfe.\x01.x");
	cr_assert_eq(token_issue(&cfg, "u-123", ROLE_USER, 1, NOW, &tok), 0);
	snprintf(buf, sizeof(buf), "%s.AAAA", tok);
	refused(buf);                                  /* 4 parts */
	snprintf(buf, sizeof(buf), "%s=", tok);
	refused(buf);                                  /* padding */
	snprintf(buf, sizeof(buf), " %s", tok);
	refused(buf);
	free(tok);
	cr_assert_eq(token_verify(&cfg, NULL, NOW, NULL), DF_EAUTH);
}

Test(token, refuses_when_no_secret_configured)
{
	char *tok = NULL;
	struct token_claims c;

	cr_assert_eq(token_issue(&cfg, "u-123", ROLE_USER, 1, NOW, &tok), 0);
	cfg.jwt_secret = NULL;
	cfg.jwt_secret_len = 0;
	cr_assert_eq(token_verify(&cfg, tok, NOW, &c), DF_EAUTH);
	free(tok);
}

Test(token_from_authorization, bearer_scheme)
{
	const char *h = "Bearer abc.def-_~+/.ghi==";

	cr_assert_eq(token_from_authorization(h), h + 7);
	cr_assert_str_eq(token_from_authorization("bearer x.y.z"), "x.y.z");
	cr_assert_str_eq(token_from_authorization("BEARER x"), "x");
	cr_assert_null(token_from_authorization(NULL));
	cr_assert_null(token_from_authorization(""));
	cr_assert_null(token_from_authorization("Bearer"));
	cr_assert_null(token_from_authorization("Bearer "));
	cr_assert_null(token_from_authorization("Bearer  x.y.z"));
	cr_assert_null(token_from_authorization("Bearer x.y.z "));
	cr_assert_null(token_from_authorization("Bearer x y"));
	cr_assert_null(token_from_authorization("Bearer x=y"));
	cr_assert_null(token_from_authorization("Basic dXNlcjpwdw=="));
	cr_assert_null(token_from_authorization("Bearerx.y.z"));
	cr_assert_null(token_from_authorization("Bearer\tx.y.z"));
}
