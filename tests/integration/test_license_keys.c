/* The licence signing keys end to end: GET /licenses/public-key
 * publishes the stack's key (PEM and JWK); tokens made by the server's
 * own signer (core/signed.c with the stack's key file, the code and key
 * the workers sign with) verify with the published key through the IDE's
 * standalone verifier (tests/ide/verify) and through `openssl pkeyutl
 * -verify -rawin`, and nothing tampered does; a rotation with devforgectl
 * publishes the new key at once (no restart: the route reads the
 * database), the old one keeps verifying, and retiring takes a key off. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "arena.h"
#include "client.h"
#include "crypto.h"
#include "machfile.h"
#include "signed.h"

#define VERIFY "./tests/ide/verify"

static struct arena *a;

static void setup(void)
{
	a = arena_new(16384);
	cr_assert_not_null(a);
}

static void teardown(void)
{
	char cmd[512], *out;

	signed_done();
	arena_free(a);
	snprintf(cmd, sizeof(cmd), "rm -f '%s'/lk-%d-*",
		client_env("DEVFORGE_TEST_STACK_DIR"), (int)getpid());
	client_run(cmd, &out);
	free(out);
}

TestSuite(license_keys, .init = setup, .fini = teardown);

static char *scratch(const char *name)
{
	return arena_printf(a, "%s/lk-%d-%s", client_env("DEVFORGE_TEST_STACK_DIR"),
		(int)getpid(), name);
}

static void put_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* The public key and kid of a private key file. */
static void key_of(const char *path, unsigned char pub[32], char kid[17])
{
	struct crypto_ed25519_key *k;
	char *pem = client_file(path);

	cr_assert_not_null(pem, "cannot read %s", path);
	cr_assert_eq(crypto_ed25519_load(pem, strlen(pem), &k, pub), 0);
	crypto_kid(pub, kid);
	crypto_ed25519_free(k);
	free(pem);
}

static const char *stack_key(void)
{
	char *p = client_config("license_signing_key_file", NULL);

	cr_assert_not_null(p, "the stack config names no signing key");
	return arena_strdup(a, p);
}

/* GET /licenses/public-key's entry for kid (NULL: not listed); *all the
 * parsed answer (put by the caller). */
static struct json_object *published(const char *kid, struct json_object **all)
{
	struct client_resp r;
	struct json_object *keys;
	char *cc;
	size_t i;

	cr_assert_eq(client_get(client_url("/api/v1/licenses/public-key"), &r), 0);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cc = client_header(&r, "Cache-Control");
	cr_assert(cc != NULL && strstr(cc, "public") != NULL, "%s", cc);
	free(cc);
	*all = client_json(&r);
	client_free(&r);
	cr_assert_not_null(*all);
	cr_assert(json_object_object_get_ex(*all, "keys", &keys));
	for (i = 0; i < json_object_array_length(keys); i++) {
		struct json_object *k = json_object_array_get_idx(keys, i);

		if (strcmp(client_json_str(k, "kid"), kid) == 0)
			return k;
	}
	return NULL;
}

/* The published PEM of kid written to a file; its path. */
static const char *published_pem(const char *kid)
{
	struct json_object *all, *k = published(kid, &all);
	const char *path = scratch(arena_printf(a, "%s.pub.pem", kid));
	const char *pem;

	cr_assert_not_null(k, "key %s not published", kid);
	pem = client_json_str(k, "pem");
	put_file(path, pem, strlen(pem));
	json_object_put(all);
	return path;
}

/* A token signed the way the workers sign, with the key in key_file. */
static char *sign(const char *key_file, enum signed_domain d,
	const char *payload_rest)
{
	char *p, *t;

	cr_assert_eq(signed_init(key_file), 0);
	p = arena_printf(a, "{\"kid\":\"%s\"%s}", signed_kid(), payload_rest);
	cr_assert_eq(signed_make(a, d, p, strlen(p), &t), 0);
	signed_done();
	return t;
}

static int run(const char *cmd)
{
	char *out;
	int rc = client_run(cmd, &out);

	cr_log_info("%s -> %d: %s", cmd, rc, out);
	free(out);
	return rc;
}

/* openssl pkeyutl -verify -rawin over "<domain>/<payload part>". */
static int openssl_verify(const char *pubpem, const char *domain,
	const char *token)
{
	const char *dot = strchr(token, '.');
	unsigned char sig[64];
	char *msg = arena_printf(a, "%s/%.*s", domain, (int)(dot - token), token);
	const char *mf = scratch("msg"), *sf = scratch("sig");

	cr_assert_eq(crypto_b64url_decode(dot + 1, strlen(dot + 1), sig), 64);
	put_file(mf, msg, strlen(msg));
	put_file(sf, sig, sizeof(sig));
	return run(arena_printf(a, "openssl pkeyutl -verify -rawin -pubin "
		"-inkey '%s' -in '%s' -sigfile '%s'", pubpem, mf, sf));
}

Test(license_keys, the_stack_key_is_published_as_pem_and_jwk)
{
	unsigned char pub[32];
	char kid[17], pem[CRYPTO_ED25519_PEM_LEN], x[44];
	struct json_object *all, *k;

	key_of(stack_key(), pub, kid);
	k = published(kid, &all);
	cr_assert_not_null(k, "the stack's key %s is not listed", kid);
	crypto_ed25519_public_pem(pub, pem);
	crypto_b64url_encode(pub, 32, x);
	cr_assert_str_eq(client_json_str(k, "pem"), pem);
	cr_assert_str_eq(client_json_str(k, "alg"), "EdDSA");
	cr_assert_str_eq(client_json_str(k, "crv"), "Ed25519");
	cr_assert_str_eq(client_json_str(k, "jwk.kty"), "OKP");
	cr_assert_str_eq(client_json_str(k, "jwk.crv"), "Ed25519");
	cr_assert_str_eq(client_json_str(k, "jwk.x"), x);
	cr_assert_str_eq(client_json_str(k, "jwk.kid"), kid);
	cr_assert_str_eq(client_json_str(k, "jwk.use"), "sig");
	cr_assert_not_null(client_json_str(k, "created_at"));
	{
		struct json_object *cur;

		cr_assert(json_object_object_get_ex(k, "current", &cur));
		cr_assert(json_object_get_boolean(cur), "the workers sign with it");
	}
	json_object_put(all);
	/* And it is what openssl derives from the private key file. */
	cr_assert_eq(run(arena_printf(a, "openssl pkey -in '%s' -pubout | cmp -s "
		"- '%s'", stack_key(), published_pem(kid))), 0);
}

Test(license_keys, a_licence_key_verifies_with_the_published_key_only)
{
	unsigned char pub[32];
	char kid[17], *t, *u;
	const char *pem;

	key_of(stack_key(), pub, kid);
	pem = published_pem(kid);
	t = sign(stack_key(), SIGNED_LICENSE, ",\"lid\":\"x\",\"plan\":\"pro\","
		"\"features\":[\"ai\"],\"seats\":1,\"exp\":null,\"iat\":1");
	cr_assert_eq(run(arena_printf(a, VERIFY " key '%s' '%s'", pem, t)), 0);
	cr_assert_eq(openssl_verify(pem, "license", t), 0);
	/* In another domain the same signature is no good. */
	cr_assert_neq(openssl_verify(pem, "machine", t), 0);
	/* Tampered: another payload under the signature. */
	u = sign(stack_key(), SIGNED_LICENSE, ",\"lid\":\"y\"");
	u = arena_printf(a, "%.*s%s", (int)(strchr(u, '.') - u), u,
		strchr(t, '.'));
	cr_assert_eq(run(arena_printf(a, VERIFY " key '%s' '%s'", pem, u)), 1);
	/* A machine token is not a licence key. */
	u = sign(stack_key(), SIGNED_MACHINE, "");
	cr_assert_eq(run(arena_printf(a, VERIFY " key '%s' '%s'", pem, u)), 1);
}

/* A validation answer as the route gives it: the signed fields plus
 * signature (the payload is the same JSON with kid). */
static const char *answer(const char *key, long ts, const char *nonce)
{
	char *fields = arena_printf(a, ",\"valid\":true,\"code\":\"VALID\","
		"\"plan\":\"pro\",\"status\":\"active\",\"expires_at\":null,"
		"\"features\":[\"ai\"],\"nonce\":\"%s\",\"ts\":%ld", nonce, ts);
	char *t = sign(key, SIGNED_RESPONSE, fields);

	return arena_printf(a, "{%s,\"signature\":\"%s\"}", fields + 1, t);
}

Test(license_keys, a_signed_validation_answer_verifies_offline)
{
	unsigned char pub[32];
	char kid[17];
	const char *pem, *ans, *file = scratch("answer.json");
	long now = (long)time(NULL);

	key_of(stack_key(), pub, kid);
	pem = published_pem(kid);
	ans = answer(stack_key(), now, "nonce-12345678");
	put_file(file, ans, strlen(ans));
	cr_assert_eq(run(arena_printf(a, VERIFY " response '%s' '%s' "
		"nonce-12345678", pem, file)), 0);
	/* Another nonce (a replayed answer), a stale one, a changed field. */
	cr_assert_eq(run(arena_printf(a, VERIFY " response '%s' '%s' "
		"nonce-87654321", pem, file)), 1);
	ans = answer(stack_key(), now - 3600, "nonce-12345678");
	put_file(file, ans, strlen(ans));
	cr_assert_eq(run(arena_printf(a, VERIFY " response '%s' '%s' "
		"nonce-12345678", pem, file)), 1);
	ans = answer(stack_key(), now, "nonce-12345678");
	{
		char *b = arena_strdup(a, ans), *v = strstr(b, "\"valid\":true");

		memcpy(v, "\"valid\":1   ", 12);
		put_file(file, b, strlen(b));
	}
	cr_assert_eq(run(arena_printf(a, VERIFY " response '%s' '%s' "
		"nonce-12345678", pem, file)), 1);
}

Test(license_keys, a_machine_file_verifies_on_its_machine_only)
{
	unsigned char pub[32];
	char kid[17], *lkey, *token, *mf;
	const char *pem, *file = scratch("machine.lic"), *fp = "fp-0123456789abcdef";
	long now = (long)time(NULL);

	key_of(stack_key(), pub, kid);
	pem = published_pem(kid);
	lkey = sign(stack_key(), SIGNED_LICENSE, ",\"lid\":\"l1\"");
	token = sign(stack_key(), SIGNED_MACHINE, arena_printf(a, ",\"lid\":\"l1\","
		"\"mid\":\"m1\",\"fp\":\"%s\",\"plan\":\"pro\",\"features\":[],"
		"\"iat\":%ld,\"exp\":%ld,\"lexp\":null", fp, now, now + 3600));
	cr_assert_eq(machfile_encrypt(a, token, lkey, fp, &mf), 0);
	put_file(file, mf, strlen(mf));
	cr_assert_eq(run(arena_printf(a, VERIFY " machine '%s' '%s' '%s' '%s'",
		pem, file, lkey, fp)), 0);
	cr_assert_eq(run(arena_printf(a, VERIFY " machine '%s' '%s' '%s' '%s'",
		pem, file, lkey, "fp-another-machine0")), 1);
	cr_assert_eq(run(arena_printf(a, VERIFY " machine '%s' '%s' '%s' '%s'",
		pem, file, sign(stack_key(), SIGNED_LICENSE, ",\"lid\":\"l2\""),
		fp)), 1);
	/* The bare token too (without "encrypt"), and not once expired. */
	put_file(file, token, strlen(token));
	cr_assert_eq(run(arena_printf(a, VERIFY " machine '%s' '%s' '%s' '%s'",
		pem, file, lkey, fp)), 0);
	token = sign(stack_key(), SIGNED_MACHINE, arena_printf(a, ",\"fp\":\"%s\","
		"\"iat\":%ld,\"exp\":%ld", fp, now - 7200, now - 3600));
	put_file(file, token, strlen(token));
	cr_assert_eq(run(arena_printf(a, VERIFY " machine '%s' '%s' '%s' '%s'",
		pem, file, lkey, fp)), 1);
}

Test(license_keys, rotation_publishes_the_new_key_and_retire_removes_one)
{
	unsigned char pub[32], pub2[32];
	char kid[17], kid2[17], *out, *t_old, *t_new;
	const char *k2 = scratch("k2.pem"), *pem, *pem2;
	struct json_object *all, *e;
	struct stat st;
	int rc;

	key_of(stack_key(), pub, kid);
	t_old = sign(stack_key(), SIGNED_LICENSE, ",\"lid\":\"before\"");
	unlink(k2);
	rc = client_run(arena_printf(a, "%s -c '%s' keys generate --out '%s'",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), k2), &out);
	cr_assert_eq(rc, 0, "%s", out);
	key_of(k2, pub2, kid2);
	cr_assert_eq(strncmp(out, kid2, 16), 0, "prints the kid: %s", out);
	free(out);
	cr_assert_eq(stat(k2, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	/* Never over an existing key. */
	rc = client_run(arena_printf(a, "%s -c '%s' keys generate --out '%s'",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), k2), &out);
	cr_assert_eq(rc, 2, "%s", out);
	free(out);
	{
		unsigned char again[32];
		char kid3[17];

		key_of(k2, again, kid3);
		cr_assert_str_eq(kid3, kid2);
	}

	/* Both published at once, the workers still signing with the old. */
	e = published(kid2, &all);
	cr_assert_not_null(e, "the new key is not published");
	cr_assert_not(json_object_get_boolean(json_object_object_get(e,
		"current")));
	json_object_put(all);
	cr_assert_not_null(published(kid, &all));
	json_object_put(all);
	pem = published_pem(kid);
	pem2 = published_pem(kid2);
	t_new = sign(k2, SIGNED_LICENSE, ",\"lid\":\"after\"");
	cr_assert_eq(run(arena_printf(a, VERIFY " key '%s' '%s'", pem, t_old)), 0);
	cr_assert_eq(run(arena_printf(a, VERIFY " key '%s' '%s'", pem2, t_new)), 0);
	cr_assert_eq(run(arena_printf(a, VERIFY " key '%s' '%s'", pem2, t_old)), 1);
	cr_assert_eq(openssl_verify(pem2, "license", t_new), 0);

	rc = client_run(arena_printf(a, "%s -c '%s' keys list", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG")), &out);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert_not_null(strstr(out, kid2), "%s", out);
	cr_assert_not_null(strstr(out, kid), "%s", out);
	free(out);

	/* Retired (the stack's own key stays, so the stack keeps signing):
	 * no longer published, so what it signed no longer verifies. */
	rc = client_run(arena_printf(a, "%s -c '%s' keys retire %s", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"), kid2), &out);
	cr_assert_eq(rc, 0, "%s", out);
	free(out);
	cr_assert_null(published(kid2, &all));
	json_object_put(all);
	cr_assert_not_null(published(kid, &all));
	json_object_put(all);
	rc = client_run(arena_printf(a, "%s -c '%s' keys retire %s", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"), kid2), &out);
	cr_assert_eq(rc, 1, "%s", out);
	free(out);
	unlink(k2);
}
