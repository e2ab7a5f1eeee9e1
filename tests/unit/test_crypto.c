/* Unit tests of the OpenSSL wrappers against published vectors (FIPS
 * 180-2 for SHA-256, RFC 4231 for HMAC-SHA256) and of strict base64url. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "crypto.h"
#include "err.h"
#include "validate.h"

static void hex_of(const unsigned char *md, size_t n, char *out)
{
	crypto_hex(md, n, out);
}

Test(crypto_sha256, matches_fips_vectors)
{
	char hex[65];

	crypto_sha256_hex("abc", 3, hex);
	cr_assert_str_eq(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_sha256_hex("", 0, hex);
	cr_assert_str_eq(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256_hex(
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	cr_assert_str_eq(hex,
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(crypto_hmac_sha256, matches_rfc4231_case_1)
{
	unsigned char key[20], out[32];
	char hex[65];

	memset(key, 0x0b, sizeof(key));
	crypto_hmac_sha256(key, sizeof(key), "Hi There", 8, out);
	hex_of(out, 32, hex);
	cr_assert_str_eq(hex,
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

/* The keyed context kept between calls: a key used again, another key,
 * then the first again (a key changed in place too) all give RFC 4231's
 * answers, never the previous key's. */
Test(crypto_hmac_sha256, a_kept_key_is_never_used_for_another)
{
	static const char *const c1 =
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
	static const char *const c2 =
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
	unsigned char key[20], out[32];
	char jefe[5] = "Jefe", hex[65];
	int round;

	for (round = 0; round < 2; round++) {
		memset(key, 0x0b, sizeof(key));
		crypto_hmac_sha256(key, sizeof(key), "Hi There", 8, out);
		hex_of(out, 32, hex);
		cr_assert_str_eq(hex, c1, "round %d", round);
		crypto_hmac_sha256(key, sizeof(key), "Hi There", 8, out);
		hex_of(out, 32, hex);
		cr_assert_str_eq(hex, c1, "round %d, again", round);
		crypto_hmac_sha256(jefe, 4, "what do ya want for nothing?", 28,
			out);
		hex_of(out, 32, hex);
		cr_assert_str_eq(hex, c2, "round %d", round);
		/* Same buffer, other bytes: not the kept key. */
		memcpy(jefe, "Jeff", 4);
		crypto_hmac_sha256(jefe, 4, "what do ya want for nothing?", 28,
			out);
		hex_of(out, 32, hex);
		cr_assert_str_neq(hex, c2, "round %d: a changed key", round);
		memcpy(jefe, "Jefe", 4);
	}
}

Test(crypto_hmac_sha256, matches_rfc4231_case_2_short_key)
{
	unsigned char out[32];
	char hex[65];

	crypto_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out);
	hex_of(out, 32, hex);
	cr_assert_str_eq(hex,
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

Test(crypto_hmac_sha256, matches_rfc4231_case_6_key_longer_than_block)
{
	static const char msg[] =
		"Test Using Larger Than Block-Size Key - Hash Key First";
	unsigned char key[131], out[32];
	char hex[65];

	memset(key, 0xaa, sizeof(key));
	crypto_hmac_sha256(key, sizeof(key), msg, sizeof(msg) - 1, out);
	hex_of(out, 32, hex);
	cr_assert_str_eq(hex,
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

Test(crypto_hmac_sha256, differs_with_the_key)
{
	unsigned char a[32], b[32];

	crypto_hmac_sha256("k1", 2, "msg", 3, a);
	crypto_hmac_sha256("k2", 2, "msg", 3, b);
	cr_assert_eq(crypto_equal(a, b, 32), 0);
	/* An empty key is a key, not "reuse the last one". */
	crypto_hmac_sha256("", 0, "msg", 3, b);
	cr_assert_eq(crypto_equal(a, b, 32), 0);
}

Test(crypto_equal, compares_every_byte)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 };

	cr_assert_eq(crypto_equal(a, b, 32), 1);
	b[31] = 1;
	cr_assert_eq(crypto_equal(a, b, 32), 0);
	b[31] = 0;
	b[0] = 0x80;
	cr_assert_eq(crypto_equal(a, b, 32), 0);
	cr_assert_eq(crypto_equal(a, b, 0), 1);
}

Test(crypto_random, fills_the_buffer_differently_each_time)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 }, zero[32] = { 0 };

	cr_assert_eq(crypto_random(a, sizeof(a)), 0);
	cr_assert_eq(crypto_random(b, sizeof(b)), 0);
	cr_assert_neq(memcmp(a, zero, 32), 0);
	cr_assert_neq(memcmp(a, b, 32), 0);
}

Test(crypto_wipe, clears_memory)
{
	unsigned char buf[16];

	memset(buf, 0x5a, sizeof(buf));
	crypto_wipe(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0);
}

Test(crypto_b64url, encodes_rfc4648_vectors_without_padding)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	char out[16];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = crypto_b64url_encode((const unsigned char *)v[i].in,
			strlen(v[i].in), out);

		cr_assert_str_eq(out, v[i].out);
		cr_assert_eq(n, strlen(v[i].out));
	}
}

Test(crypto_b64url, uses_the_url_alphabet)
{
	static const unsigned char in[] = { 0xfb, 0xff, 0xfe };
	char out[8];

	crypto_b64url_encode(in, 3, out);
	cr_assert_str_eq(out, "-__-");
}

Test(crypto_b64url, round_trips_every_length)
{
	unsigned char in[70], back[70 + 3];
	char enc[100];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof(in); len++) {
		size_t n = crypto_b64url_encode(in, len, enc);
		long m = crypto_b64url_decode(enc, n, back);

		cr_assert_eq(m, (long)len, "length %zu", len);
		cr_assert_eq(memcmp(in, back, len), 0, "length %zu", len);
	}
}

Test(crypto_b64url, refuses_padding_and_standard_alphabet)
{
	unsigned char out[16];

	cr_assert_eq(crypto_b64url_decode("Zg==", 4, out), -1);
	cr_assert_eq(crypto_b64url_decode("Zm9v+A", 6, out), -1);
	cr_assert_eq(crypto_b64url_decode("Zm9v/A", 6, out), -1);
	cr_assert_eq(crypto_b64url_decode("Zm 9v", 5, out), -1);
	cr_assert_eq(crypto_b64url_decode("Zm9v\n", 5, out), -1);
	/* A single leftover character cannot encode a byte. */
	cr_assert_eq(crypto_b64url_decode("Zm9vY", 5, out), -1);
	cr_assert_eq(crypto_b64url_decode("Zm9v", 4, out), 3);
}

Test(crypto_b64url, refuses_non_canonical_trailing_bits)
{
	unsigned char out[4];

	/* "Zg" is 'f'; "Zh" spells the same byte with a stray low bit. */
	cr_assert_eq(crypto_b64url_decode("Zg", 2, out), 1);
	cr_assert_eq(crypto_b64url_decode("Zh", 2, out), -1);
}

Test(crypto, uuid4_is_canonical_random_and_versioned)
{
	char a[37], b[37];

	cr_assert_eq(crypto_uuid4(a), 0);
	cr_assert_eq(crypto_uuid4(b), 0);
	cr_assert_eq(strlen(a), 36);
	cr_assert(validate_uuid(a));
	cr_assert_eq(a[14], '4');
	cr_assert(strchr("89ab", a[19]) != NULL);
	cr_assert_str_neq(a, b);
}

/* RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte). */
#define RFC8032_SK1 "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define RFC8032_PK1 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define RFC8032_SIG1 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155" \
	"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
#define RFC8032_PK2 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
#define RFC8032_SIG2 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" \
	"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
/* TEST 1's secret key as PKCS#8 PEM (RFC 8410's framing of it). */
#define RFC8032_PEM1 "-----BEGIN PRIVATE KEY-----\n" \
	"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" \
	"-----END PRIVATE KEY-----\n"

static void unhex(const char *h, unsigned char *out)
{
	size_t i, n = strlen(h) / 2;

	for (i = 0; i < n; i++) {
		unsigned v;

		cr_assert_eq(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
}

Test(crypto_ed25519, signs_rfc8032_test1_from_its_pkcs8_pem)
{
	struct crypto_ed25519_key *k;
	unsigned char pub[32], sig[64];
	char hex[129];

	cr_assert_eq(crypto_ed25519_load(RFC8032_PEM1, strlen(RFC8032_PEM1),
		&k, pub), 0);
	crypto_hex(pub, 32, hex);
	cr_assert_str_eq(hex, RFC8032_PK1);
	cr_assert_eq(crypto_ed25519_sign(k, "", 0, sig), 0);
	crypto_hex(sig, 64, hex);
	cr_assert_str_eq(hex, RFC8032_SIG1);
	crypto_ed25519_free(k);
}

Test(crypto_ed25519, verifies_rfc8032_vectors_and_refuses_changes)
{
	unsigned char pub[32], sig[64], msg[1] = { 0x72 };

	unhex(RFC8032_PK1, pub);
	unhex(RFC8032_SIG1, sig);
	cr_assert_eq(crypto_ed25519_verify(pub, "", 0, sig), 0);
	cr_assert_eq(crypto_ed25519_verify(pub, "x", 1, sig), DF_EAUTH);
	sig[10] ^= 1;
	cr_assert_eq(crypto_ed25519_verify(pub, "", 0, sig), DF_EAUTH);

	unhex(RFC8032_PK2, pub);
	unhex(RFC8032_SIG2, sig);
	cr_assert_eq(crypto_ed25519_verify(pub, msg, 1, sig), 0);
	msg[0] = 0x73;
	cr_assert_eq(crypto_ed25519_verify(pub, msg, 1, sig), DF_EAUTH);
	/* Another key's signature. */
	unhex(RFC8032_PK1, pub);
	msg[0] = 0x72;
	cr_assert_eq(crypto_ed25519_verify(pub, msg, 1, sig), DF_EAUTH);
}

Test(crypto_ed25519, generated_key_round_trips_through_its_pem)
{
	struct crypto_ed25519_key *k;
	unsigned char pub[32], pub2[32], sig[64];
	char *pem;

	cr_assert_eq(crypto_ed25519_generate(pub, &pem), 0);
	cr_assert_not_null(strstr(pem, "-----BEGIN PRIVATE KEY-----"));
	cr_assert_eq(crypto_ed25519_load(pem, strlen(pem), &k, pub2), 0);
	cr_assert_eq(memcmp(pub, pub2, 32), 0);
	cr_assert_eq(crypto_ed25519_sign(k, "hello", 5, sig), 0);
	cr_assert_eq(crypto_ed25519_verify(pub, "hello", 5, sig), 0);
	crypto_ed25519_free(k);
	free(pem);
}

Test(crypto_ed25519, refuses_what_is_not_an_ed25519_private_key)
{
	/* An EC P-256 key (PKCS#8), a public key, and garbage. */
	static const char ec[] = "-----BEGIN PRIVATE KEY-----\n"
		"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgs5lzIWfTvTqyQE2V\n"
		"oy1Vvwva+bL3C+q9NMFeZvnnzt6hRANCAATlfcnLjfLqZxyZCl19DA+ymD91L6EY\n"
		"PJoA0BSBQ7B3OoY5odBbnBlsfF8vRlA/2A9EjQWH4NSprCwrB8TNTZHE\n"
		"-----END PRIVATE KEY-----\n";
	static const char pubpem[] = "-----BEGIN PUBLIC KEY-----\n"
		"MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
		"-----END PUBLIC KEY-----\n";
	struct crypto_ed25519_key *k = (void *)1;

	cr_assert_eq(crypto_ed25519_load(ec, strlen(ec), &k, NULL), DF_EINVAL);
	cr_assert_null(k);
	cr_assert_eq(crypto_ed25519_load(pubpem, strlen(pubpem), &k, NULL),
		DF_EINVAL);
	cr_assert_eq(crypto_ed25519_load("nope", 4, &k, NULL), DF_EINVAL);
	cr_assert_eq(crypto_ed25519_load(RFC8032_PEM1, 40, &k, NULL), DF_EINVAL);
}

Test(crypto_ed25519, kid_is_16_hex_of_sha256_of_the_raw_key)
{
	unsigned char pub[32];
	char kid[17], full[65];

	unhex(RFC8032_PK1, pub);
	crypto_kid(pub, kid);
	crypto_sha256_hex(pub, 32, full);
	cr_assert_eq(strlen(kid), 16);
	cr_assert_eq(strncmp(kid, full, 16), 0);
}
