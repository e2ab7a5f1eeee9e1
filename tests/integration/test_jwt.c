/* The access-token attack set, through the front server: every forged,
 * altered, stale or orphaned token is refused with 401. The target is
 * GET /api/v1/metrics from the untrusted address (admins only there), so
 * a token that passes answers 403 for a user and 200 for an admin, and a
 * refused one 401; logout-all checks the same on a route that acts. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "crypto.h"

#define METRICS "/api/v1/metrics"
#define LOGOUT_ALL "/api/v1/auth/logout-all"

static char secret[4096];
static size_t secret_len;
static char issuer[256], audience[256];

static void setup(void)
{
	char *iss = client_config("jwt_issuer", ""), *aud =
		client_config("jwt_audience", "");

	secret_len = client_jwt_secret(secret, sizeof(secret));
	snprintf(issuer, sizeof(issuer), "%s", iss);
	snprintf(audience, sizeof(audience), "%s", aud);
	free(iss);
	free(aud);
	cr_assert(issuer[0] && audience[0], "the stack config must name "
		"jwt_issuer and jwt_audience");
}

TestSuite(jwt, .init = setup);

struct claims {
	const char *sub;
	const char *role;
	long exp_off;        /* exp = now + exp_off; 0: no exp claim */
	long iat_off;
	const char *iss;     /* NULL: the stack's */
	const char *aud;
	long ver;
};

/* Signs claims with alg and key through libjwt (malloc'd). */
static char *mint(const struct claims *c, jwt_alg_t alg,
	const unsigned char *key, size_t keylen)
{
	jwt_t *j = NULL;
	long now = (long)time(NULL);
	char *out;

	cr_assert_eq(jwt_new(&j), 0);
	jwt_add_grant(j, "sub", c->sub);
	jwt_add_grant(j, "role", c->role);
	jwt_add_grant(j, "iss", c->iss ? c->iss : issuer);
	jwt_add_grant(j, "aud", c->aud ? c->aud : audience);
	jwt_add_grant(j, "jti", "attack-set");
	jwt_add_grant_int(j, "iat", now + c->iat_off);
	if (c->exp_off != 0)
		jwt_add_grant_int(j, "exp", now + c->exp_off);
	jwt_add_grant_int(j, "ver", c->ver);
	cr_assert_eq(jwt_set_alg(j, alg, key, (int)keylen), 0);
	out = jwt_encode_str(j);
	jwt_free(j);
	cr_assert_not_null(out);
	return out;
}

static char *good(const char *sub, const char *role)
{
	struct claims c = { sub, role, 600, 0, NULL, NULL, 1 };

	return mint(&c, JWT_ALG_HS256, (const unsigned char *)secret,
		secret_len);
}

static char *b64(const char *s)
{
	char *out = malloc(strlen(s) * 4 / 3 + 8);

	crypto_b64url_encode((const unsigned char *)s, strlen(s), out);
	return out;
}

/* The status GET /metrics from the untrusted address answers to the
 * raw Authorization value. */
static long status_with(const char *authorization)
{
	char h[8192];
	struct client_resp r;
	long s;

	snprintf(h, sizeof(h), "Authorization: %s", authorization);
	client_call_untrusted("GET", METRICS, h, NULL, &r);
	s = r.status;
	if (s == 401) {
		char *ct = client_header(&r, "Content-Type");
		cr_assert(ct && strncmp(ct, "application/problem+json", 24) == 0);
		free(ct);
		/* Only a genuine token past its exp is token_expired. */
		cr_assert(strstr(r.body, "problems/invalid_token") != NULL ||
			strstr(r.body, "problems/token_expired") != NULL, "%s",
			r.body);
		char *www = client_header(&r, "WWW-Authenticate");
		cr_assert(www && strstr(www, "error=\"invalid_token\"") != NULL,
			"WWW-Authenticate: %s", www ? www : "(none)");
		free(www);
	}
	client_free(&r);
	return s;
}

static long status_token(const char *tok)
{
	char a[8192];

	snprintf(a, sizeof(a), "Bearer %s", tok);
	return status_with(a);
}

static void user(const char *role, char pid[37])
{
	cr_assert_eq(client_user(role, pid), 0, "cannot create a %s user", role);
}

/* A good token of sub claiming role gets want from GET /metrics. */
static void expect_good_status(const char *sub, const char *role, long want)
{
	char *t = good(sub, role);

	cr_assert_eq(status_token(t), want, "%s as %s", sub, role);
	free(t);
}

Test(jwt, control_good_tokens_pass)
{
	char u[37], adm[37];

	user("user", u);
	user("admin", adm);
	expect_good_status(u, "user", 403);
	expect_good_status(adm, "admin", 200);
}

Test(jwt, alg_none_is_refused)
{
	char u[37], payload[1024], tok[4096];
	char *h, *p;
	long now = (long)time(NULL);

	user("admin", u);
	snprintf(payload, sizeof(payload), "{\"sub\":\"%s\",\"role\":\"admin\","
		"\"iss\":\"%s\",\"aud\":\"%s\",\"jti\":\"x\",\"iat\":%ld,"
		"\"exp\":%ld,\"ver\":1}", u, issuer, audience, now, now + 600);
	p = b64(payload);
	const char *headers[] = { "{\"alg\":\"none\",\"typ\":\"JWT\"}",
		"{\"alg\":\"None\"}", "{\"alg\":\"NONE\",\"typ\":\"JWT\"}",
		"{\"typ\":\"JWT\"}" };
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		h = b64(headers[i]);
		snprintf(tok, sizeof(tok), "%s.%s.", h, p);
		cr_assert_eq(status_token(tok), 401, "%s", headers[i]);
		snprintf(tok, sizeof(tok), "%s.%s", h, p);
		cr_assert_eq(status_token(tok), 401, "%s (two parts)", headers[i]);
		free(h);
	}
	free(p);
}

Test(jwt, other_algorithms_with_the_same_key_are_refused)
{
	char u[37];
	struct claims c = { u, "admin", 600, 0, NULL, NULL, 1 };
	char *t;

	user("admin", u);
	t = mint(&c, JWT_ALG_HS512, (const unsigned char *)secret, secret_len);
	cr_assert_eq(status_token(t), 401, "HS512");
	free(t);
	t = mint(&c, JWT_ALG_HS384, (const unsigned char *)secret, secret_len);
	cr_assert_eq(status_token(t), 401, "HS384");
	free(t);
}

Test(jwt, a_wrong_key_is_refused)
{
	char u[37], other[64];
	struct claims c = { u, "admin", 600, 0, NULL, NULL, 1 };
	char *t;

	user("admin", u);
	memset(other, 'k', sizeof(other));
	t = mint(&c, JWT_ALG_HS256, (const unsigned char *)other, sizeof(other));
	cr_assert_eq(status_token(t), 401);
	free(t);
	/* The right key with one more byte. */
	char longer[sizeof(secret) + 1];
	memcpy(longer, secret, secret_len);
	longer[secret_len] = 'x';
	t = mint(&c, JWT_ALG_HS256, (const unsigned char *)longer,
		secret_len + 1);
	cr_assert_eq(status_token(t), 401);
	free(t);
}

Test(jwt, a_tampered_payload_or_signature_is_refused)
{
	char u[37], *t, *p, *dot1, *dot2, payload[1024], tok[4096];
	unsigned char raw[1024];
	long n;

	user("user", u);
	t = good(u, "user");
	cr_assert_eq(status_token(t), 403);
	dot1 = strchr(t, '.');
	dot2 = strchr(dot1 + 1, '.');
	n = crypto_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), raw);
	cr_assert(n > 0);
	snprintf(payload, sizeof(payload), "%.*s", (int)n, (const char *)raw);
	/* Promote ourselves, keep the signature. */
	char *role = strstr(payload, "\"role\":\"user\"");
	cr_assert_not_null(role, "%s", payload);
	char promoted[1100];
	snprintf(promoted, sizeof(promoted), "%.*s\"role\":\"admin\"%s",
		(int)(role - payload), payload, role + strlen("\"role\":\"user\""));
	p = b64(promoted);
	snprintf(tok, sizeof(tok), "%.*s.%s%s", (int)(dot1 - t), t, p, dot2);
	cr_assert_eq(status_token(tok), 401, "tampered payload");
	free(p);

	/* One flipped signature character; a truncated signature. */
	snprintf(tok, sizeof(tok), "%s", t);
	char *last = tok + strlen(tok) - 2;
	*last = *last == 'A' ? 'B' : 'A';
	cr_assert_eq(status_token(tok), 401, "flipped signature");
	snprintf(tok, sizeof(tok), "%.*s", (int)strlen(t) - 4, t);
	cr_assert_eq(status_token(tok), 401, "short signature");
	free(t);
}

Test(jwt, stale_or_misaddressed_tokens_are_refused)
{
	char u[37];
	char *t;

	user("user", u);
	struct claims expired = { u, "user", -5, -700, NULL, NULL, 1 };
	struct claims no_exp = { u, "user", 0, 0, NULL, NULL, 1 };
	struct claims future = { u, "user", 7200, 3600, NULL, NULL, 1 };
	struct claims wrong_aud = { u, "user", 600, 0, NULL, "someone-else", 1 };
	struct claims wrong_iss = { u, "user", 600, 0, "https://evil.example",
		NULL, 1 };
	const struct claims *bad[] = { &expired, &no_exp, &future, &wrong_aud,
		&wrong_iss };
	const char *what[] = { "expired", "no exp", "iat in the future",
		"wrong aud", "wrong iss" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = mint(bad[i], JWT_ALG_HS256, (const unsigned char *)secret,
			secret_len);
		cr_assert_eq(status_token(t), 401, "%s", what[i]);
		free(t);
	}
}

Test(jwt, malformed_authorization_headers_are_refused)
{
	char u[37], a[4096];
	char *t;

	user("user", u);
	t = good(u, "user");
	const char *bad[] = { "Bearer", "Bearer ", "Basic dXNlcjpwYXNz",
		"Bearer a.b", "Bearer ...", "Bearer a.b.c.d", "Token abc" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(status_with(bad[i]), 401, "'%s'", bad[i]);
	snprintf(a, sizeof(a), "Bearer  %s", t);
	cr_assert_eq(status_with(a), 401, "two spaces");
	snprintf(a, sizeof(a), "bearer %s", t);
	cr_assert_eq(status_with(a), 403, "scheme is case-insensitive");
	free(t);
}

Test(jwt, the_role_comes_from_the_database)
{
	char u[37];

	/* A user's genuine token claiming admin: signed by us, but the
	 * account is a plain user, so the claim is ignored. */
	user("user", u);
	expect_good_status(u, "admin", 403);
}

Test(jwt, tokens_of_deleted_or_suspended_users_are_refused)
{
	char u[37], v[37], sql[256];
	char *t, *s;

	user("admin", u);
	t = good(u, "admin");
	cr_assert_eq(status_token(t), 200);
	snprintf(sql, sizeof(sql), "DELETE FROM users WHERE public_id = '%s';", u);
	free(client_sql(sql));
	cr_assert_eq(status_token(t), 401, "deleted user");
	free(t);

	user("admin", v);
	s = good(v, "admin");
	cr_assert_eq(status_token(s), 200);
	snprintf(sql, sizeof(sql), "UPDATE users SET status = 'suspended' "
		"WHERE public_id = '%s';", v);
	free(client_sql(sql));
	cr_assert_eq(status_token(s), 401, "suspended user");
	snprintf(sql, sizeof(sql), "UPDATE users SET status = 'active' "
		"WHERE public_id = '%s';", v);
	free(client_sql(sql));
	cr_assert_eq(status_token(s), 200, "reinstated");
	free(s);
}

Test(jwt, tokens_issued_before_logout_all_are_refused)
{
	char u[37], h[4096];
	const char *hdr[] = { h, NULL };
	struct client_resp r;
	char *old, *other;

	user("user", u);
	old = good(u, "user");
	other = good(u, "user");
	cr_assert_eq(status_token(old), 403);
	snprintf(h, sizeof(h), "Authorization: Bearer %s", old);
	cr_assert(client_request("POST", client_url(LOGOUT_ALL), hdr, "", 0,
		&r) == 0);
	cr_assert_eq(r.status, 204, "%ld %s", r.status, r.body);
	client_free(&r);
	cr_assert_eq(status_token(old), 401);
	cr_assert_eq(status_token(other), 401, "another token of the old ver");
	/* A token carrying the new version passes. */
	struct claims c = { u, "user", 600, 0, NULL, NULL, 2 };
	char *fresh = mint(&c, JWT_ALG_HS256, (const unsigned char *)secret,
		secret_len);
	cr_assert_eq(status_token(fresh), 403);
	free(fresh);
	free(old);
	free(other);
}

/* POST /auth/logout-all with the token of c signed by alg: 401. */
static void expect_logout_all_refused(const struct claims *c, jwt_alg_t alg)
{
	char h[4096];
	const char *hdr[] = { h, NULL };
	struct client_resp r;
	char *t = mint(c, alg, (const unsigned char *)secret, secret_len);

	snprintf(h, sizeof(h), "Authorization: Bearer %s", t);
	cr_assert(client_request("POST", client_url(LOGOUT_ALL), hdr, "", 0,
		&r) == 0);
	cr_assert_eq(r.status, 401, "%ld %s", r.status, r.body);
	client_free(&r);
	free(t);
}

Test(jwt, logout_all_refuses_forged_tokens_and_does_nothing)
{
	char u[37], sql[256];
	struct claims c = { u, "user", 600, 0, NULL, NULL, 1 };

	user("user", u);
	expect_logout_all_refused(&c, JWT_ALG_HS512);
	c.exp_off = -1;
	c.iat_off = -900;
	expect_logout_all_refused(&c, JWT_ALG_HS256);
	snprintf(sql, sizeof(sql), "SELECT token_version FROM users WHERE "
		"public_id = '%s';", u);
	char *ver = client_sql(sql);
	cr_assert_str_eq(ver, "1");
	free(ver);
}
