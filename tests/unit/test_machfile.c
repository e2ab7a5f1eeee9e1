/* Unit tests of machine files: a file decrypts back to its token only
 * with the licence key and fingerprint it was made for, and any changed
 * byte or malformed file is refused. */
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/evp.h>

#include "arena.h"
#include "crypto.h"
#include "err.h"
#include "machfile.h"
#include "signed.h"

#define TOKEN "eyJraWQiOiIwMTIzNDU2Nzg5YWJjZGVmIn0.c2ln"
#define LKEY "eyJraWQiOiJsaWNlbnNlIn0.bGljZW5zZQ"
#define FP "machine-fingerprint-0123456789"

static struct arena *a;

static void setup(void)
{
	a = arena_new(8192);
	cr_assert_not_null(a);
}

static void teardown(void)
{
	arena_free(a);
}

TestSuite(machfile, .init = setup, .fini = teardown);

static char *enc(const char *token)
{
	char *f = NULL;

	cr_assert_eq(machfile_encrypt(a, token, LKEY, FP, &f), 0);
	return f;
}

Test(machfile, round_trip_gives_the_token_back)
{
	char *f = enc(TOKEN), *t = NULL, *g;

	cr_assert_eq(strncmp(f, "enc1.", 5), 0);
	cr_assert_eq(machfile_decrypt(a, f, LKEY, FP, &t), 0);
	cr_assert_str_eq(t, TOKEN);
	/* A fresh IV each time. */
	g = enc(TOKEN);
	cr_assert_str_neq(f, g);
	cr_assert_eq(machfile_decrypt(a, g, LKEY, FP, &t), 0);
	cr_assert_str_eq(t, TOKEN);
}

Test(machfile, layout_is_iv_ciphertext_tag_under_sha256_of_key_and_fingerprint)
{
	/* Decrypted here with EVP straight from the documented recipe, the
	 * one the IDE (tests/ide/verify.c) follows. */
	char *f = enc(TOKEN);
	unsigned char raw[256], key[32], out[256];
	const char *kf = LKEY FP;
	long n = crypto_b64url_decode(f + 5, strlen(f + 5), raw);
	int m = 0, fin = 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	cr_assert_eq(n, 12 + (long)strlen(TOKEN) + 16);
	crypto_sha256(kf, strlen(kf), key);
	cr_assert_eq(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw), 1);
	cr_assert_eq(EVP_DecryptUpdate(ctx, NULL, &m,
		(const unsigned char *)"devforge-machine-file", 21), 1);
	cr_assert_eq(EVP_DecryptUpdate(ctx, out, &m, raw + 12, (int)n - 28), 1);
	cr_assert_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
		raw + n - 16), 1);
	cr_assert_eq(EVP_DecryptFinal_ex(ctx, out + m, &fin), 1);
	EVP_CIPHER_CTX_free(ctx);
	cr_assert_eq(m, (int)strlen(TOKEN));
	cr_assert_eq(memcmp(out, TOKEN, strlen(TOKEN)), 0);
}

Test(machfile, wrong_fingerprint_or_key_fails)
{
	char *f = enc(TOKEN), *t = (char *)"unset";

	cr_assert_eq(machfile_decrypt(a, f, LKEY, FP "x", &t), DF_EAUTH);
	cr_assert_null(t);
	cr_assert_eq(machfile_decrypt(a, f, LKEY "x", FP, &t), DF_EAUTH);
	cr_assert_eq(machfile_decrypt(a, f, "x", FP, &t), DF_EAUTH);
}

Test(machfile, any_tampered_byte_fails)
{
	char *f = enc(TOKEN), *u, *t;
	unsigned char raw[256];
	char *re = arena_alloc(a, 512);
	long n = crypto_b64url_decode(f + 5, strlen(f + 5), raw), i;

	for (i = 0; i < n; i++) {
		raw[i] ^= 0x01;
		memcpy(re, "enc1.", 5);
		crypto_b64url_encode(raw, (size_t)n, re + 5);
		cr_assert_eq(machfile_decrypt(a, re, LKEY, FP, &t), DF_EAUTH,
			"byte %ld", i);
		raw[i] ^= 0x01;
	}
	/* Cut short: a tag of fewer bytes is not accepted. */
	u = arena_alloc(a, 512);
	memcpy(u, "enc1.", 5);
	crypto_b64url_encode(raw, (size_t)n - 3, u + 5);
	cr_assert_eq(machfile_decrypt(a, u, LKEY, FP, &t), DF_EAUTH);
}

Test(machfile, malformed_files_are_refused)
{
	char *f = enc(TOKEN), *t, *big;

	cr_assert_eq(machfile_decrypt(a, "", LKEY, FP, &t), DF_EINVAL);
	cr_assert_eq(machfile_decrypt(a, "enc1.", LKEY, FP, &t), DF_EINVAL);
	cr_assert_eq(machfile_decrypt(a, f + 1, LKEY, FP, &t), DF_EINVAL);
	cr_assert_eq(machfile_decrypt(a, arena_printf(a, "enc2.%s", f + 5),
		LKEY, FP, &t), DF_EINVAL);
	cr_assert_eq(machfile_decrypt(a, arena_printf(a, "%s=", f), LKEY, FP,
		&t), DF_EINVAL);
	cr_assert_eq(machfile_decrypt(a, "enc1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		LKEY, FP, &t), DF_EINVAL);   /* 29 bytes: no room for a token */
	cr_assert_eq(machfile_decrypt(a, NULL, LKEY, FP, &t), DF_EINVAL);
	big = arena_alloc(a, MACHFILE_MAX + 8);
	memcpy(big, "enc1.", 5);
	memset(big + 5, 'A', MACHFILE_MAX);
	big[MACHFILE_MAX + 4] = '\0';
	cr_assert_eq(machfile_decrypt(a, big, LKEY, FP, &t), DF_EINVAL);
}

Test(machfile, encrypt_refuses_empty_or_oversized_input)
{
	char *f, *big = arena_alloc(a, SIGNED_MAX_TOKEN + 2);

	cr_assert_eq(machfile_encrypt(a, "", LKEY, FP, &f), DF_EINVAL);
	cr_assert_eq(machfile_encrypt(a, TOKEN, "", FP, &f), DF_EINVAL);
	cr_assert_eq(machfile_encrypt(a, TOKEN, LKEY, "", &f), DF_EINVAL);
	memset(big, 'a', SIGNED_MAX_TOKEN + 1);
	big[SIGNED_MAX_TOKEN + 1] = '\0';
	cr_assert_eq(machfile_encrypt(a, big, LKEY, FP, &f), DF_ETOOBIG);
	big[SIGNED_MAX_TOKEN] = '\0';
	cr_assert_eq(machfile_encrypt(a, big, LKEY, FP, &f), 0);
	cr_assert_leq(strlen(f), MACHFILE_MAX);
}
