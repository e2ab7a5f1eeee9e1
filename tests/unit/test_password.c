/* Unit tests of password hashing (RFC 7914 vectors, PHC strings, tampering,
 * parameter bounds, rehash detection), the password policy and the
 * common-password list loader. Small scrypt costs (ln=10) keep them fast. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

/* Every scrypt run goes through EVP_KDF_derive: recording the parameters
 * of each call shows what a verification costs without timing anything
 * on a shared, noisy machine. */
static int kdf_calls;
static uint64_t kdf_n;
static uint32_t kdf_r, kdf_p;
static size_t kdf_keylen;

static int recording_kdf_derive(EVP_KDF_CTX *ctx, unsigned char *key,
	size_t keylen, const OSSL_PARAM params[])
{
	const OSSL_PARAM *q;

	kdf_calls++;
	kdf_keylen = keylen;
	if ((q = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_SCRYPT_N)))
		OSSL_PARAM_get_uint64(q, &kdf_n);
	if ((q = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_SCRYPT_R)))
		OSSL_PARAM_get_uint32(q, &kdf_r);
	if ((q = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_SCRYPT_P)))
		OSSL_PARAM_get_uint32(q, &kdf_p);
	return EVP_KDF_derive(ctx, key, keylen, params);
}

/* The statics (scrypt_derive, the base64 codec) are tested directly. */
#define EVP_KDF_derive recording_kdf_derive
#include "../../fcgi-app/core/password.c"
#include "kit.h"
#undef EVP_KDF_derive

static const struct password_params fast = { 10, 8, 1 };
static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pwh-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	password_list_free();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(password, .init = setup, .fini = teardown);
TestSuite(policy, .init = setup, .fini = teardown);
TestSuite(password_list, .init = setup, .fini = teardown);

static void hex_to(const char *hex, unsigned char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;

		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
}

/* --- scrypt and PHC strings --------------------------------------------- */

Test(password, scrypt_matches_rfc7914_vector_with_parallelism)
{
	struct password_params pp = { 10, 8, 16 };
	unsigned char got[64], want[64];

	hex_to("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
		"2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
		want, sizeof(want));
	cr_assert_eq(scrypt_derive("password", 8, (const unsigned char *)"NaCl",
		4, &pp, got, sizeof(got)), 0);
	cr_assert_eq(memcmp(got, want, sizeof(want)), 0);
}

/* RFC 7914's N=16384 vector as a stored string: proves the PHC encoding
 * and the ln -> N mapping end to end through the public API. */
Test(password, verify_accepts_rfc7914_vector_as_phc_string)
{
	const char *phc = "$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$"
		"cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6"
		"F3A1lHkDfzwF7RVdYhw";

	cr_assert_eq(password_verify("pleaseletmein", 13, phc, NULL, NULL), 0);
	cr_assert_eq(password_verify("pleaseletmeout", 14, phc, NULL, NULL),
		DF_EAUTH);
}

Test(password, default_cost_needs_more_than_openssl_default_maxmem)
{
	/* ln=15, r=8 is 32 MiB of V plus B: above OpenSSL's 32 MiB default
	 * cap, so this passes only because maxmem is passed explicitly. */
	struct password_params pp = { 15, 8, 1 };
	char phc[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash("x", 1, &pp, phc, sizeof(phc)), 0);
	cr_assert_eq(password_verify("x", 1, phc, NULL, &pp), 0);
}

Test(password, hash_then_verify_round_trips)
{
	char phc[PASSWORD_PHC_MAX];
	int rehash = -1;

	cr_assert_eq(password_hash("correct horse battery", 21, &fast, phc,
		sizeof(phc)), 0);
	cr_assert_eq(password_verify("correct horse battery", 21, phc, &rehash,
		&fast), 0);
	cr_assert_eq(rehash, 0);
}

Test(password, hash_is_a_phc_string_with_its_parameters)
{
	struct password_params pp = { 11, 4, 2 };
	char phc[PASSWORD_PHC_MAX], *salt, *key;
	unsigned char buf[64];

	cr_assert_eq(password_hash("pw", 2, &pp, phc, sizeof(phc)), 0);
	cr_assert_eq(strncmp(phc, "$scrypt$ln=11,r=4,p=2$", 22), 0, "%s", phc);
	salt = phc + 22;
	key = strchr(salt, '$');
	cr_assert_not_null(key);
	cr_assert_eq(crypto_b64_decode(salt, (size_t)(key - salt), buf, sizeof(buf)),
		PASSWORD_SALT_LEN);
	key++;
	cr_assert_eq(crypto_b64_decode(key, strlen(key), buf, sizeof(buf)),
		PASSWORD_KEY_LEN);
	cr_assert_null(strchr(salt, '='), "padding in %s", phc);
	cr_assert(strlen(phc) < PASSWORD_PHC_MAX);
}

Test(password, same_password_gets_a_fresh_salt_each_time)
{
	char a[PASSWORD_PHC_MAX], b[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash("same password", 13, &fast, a, sizeof(a)), 0);
	cr_assert_eq(password_hash("same password", 13, &fast, b, sizeof(b)), 0);
	cr_assert_str_neq(a, b);
}

Test(password, wrong_password_is_refused)
{
	char phc[PASSWORD_PHC_MAX];
	int rehash = -1;

	cr_assert_eq(password_hash("right password", 14, &fast, phc,
		sizeof(phc)), 0);
	cr_assert_eq(password_verify("wrong password", 14, phc, &rehash, &fast),
		DF_EAUTH);
	cr_assert_eq(rehash, 0);
	cr_assert_eq(password_verify("right passwor", 13, phc, NULL, NULL),
		DF_EAUTH);
	cr_assert_eq(password_verify("Right password", 14, phc, NULL, NULL),
		DF_EAUTH);
}

Test(password, password_bytes_after_a_nul_count)
{
	char phc[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash("ab\0cd", 5, &fast, phc, sizeof(phc)), 0);
	cr_assert_eq(password_verify("ab\0cd", 5, phc, NULL, NULL), 0);
	cr_assert_eq(password_verify("ab\0ce", 5, phc, NULL, NULL), DF_EAUTH);
	cr_assert_eq(password_verify("ab", 2, phc, NULL, NULL), DF_EAUTH);
}

/* Replaces the character at off by another base64 character. */
static void flip(char *phc, size_t off)
{
	phc[off] = phc[off] == 'A' ? 'B' : 'A';
}

Test(password, tampered_salt_is_refused)
{
	char phc[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash("a password", 10, &fast, phc, sizeof(phc)), 0);
	flip(phc, strlen("$scrypt$ln=10,r=8,p=1$") + 3);
	cr_assert_eq(password_verify("a password", 10, phc, NULL, NULL), DF_EAUTH);
}

Test(password, tampered_hash_is_refused)
{
	char phc[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash("a password", 10, &fast, phc, sizeof(phc)), 0);
	flip(phc, strrchr(phc, '$') - phc + 5);
	cr_assert_eq(password_verify("a password", 10, phc, NULL, NULL), DF_EAUTH);
}

Test(password, tampered_parameters_are_refused)
{
	char phc[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash("a password", 10, &fast, phc, sizeof(phc)), 0);
	phc[strlen("$scrypt$ln=1")] = '1';   /* ln=10 -> ln=11 */
	cr_assert_eq(password_verify("a password", 10, phc, NULL, NULL), DF_EAUTH);
}

Test(password, malformed_strings_are_refused)
{
	static const char *const bad[] = {
		"",
		"$scrypt$",
		"scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$r=8,ln=10,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=010,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1,x=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=-1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"$scrypt$ln=10,r=8,p=1$c2Fsd-NhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$",
		"$scrypt$ln=10,r=8,p=1$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$scrypt$ln=10,r=8,p=1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* 4-byte salt */
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAA", /* 8-byte key */
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdB$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* non-canonical */
		"$SCRYPT$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(password_verify("pw", 2, bad[i], NULL, NULL),
			DF_EINVAL, "accepted [%zu] %s", i, bad[i]);
	cr_assert_eq(password_verify("pw", 2, NULL, NULL, NULL), DF_EINVAL);
}

Test(password, out_of_range_parameters_are_refused_without_computing)
{
	static const char *const params[] = {
		"ln=9,r=8,p=1", "ln=23,r=8,p=1", "ln=10,r=0,p=1", "ln=10,r=33,p=1",
		"ln=10,r=8,p=0", "ln=10,r=8,p=17", "ln=999,r=8,p=1",
		"ln=1000,r=8,p=1",
		/* each in range, but 128*r*2^ln is 4 GiB and 16 GiB */
		"ln=22,r=8,p=1", "ln=22,r=32,p=16",
	};
	char phc[256];
	size_t i;

	kdf_calls = 0;
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(phc, sizeof(phc), "$scrypt$%s$c2FsdHNhbHRzYWx0c2FsdA$"
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", params[i]);
		cr_assert_eq(password_verify("pw", 2, phc, NULL, NULL), DF_EINVAL,
			"accepted %s", phc);
	}
	/* Refused before any scrypt: a tampered row costs nothing. */
	cr_assert_eq(kdf_calls, 0, "scrypt ran %d times", kdf_calls);
}

Test(password, parameter_bounds_are_inclusive)
{
	struct password_params lo = { PASSWORD_LN_MIN, PASSWORD_R_MIN,
		PASSWORD_P_MIN };
	struct password_params big_p = { 10, 1, PASSWORD_P_MAX };
	struct password_params big_r = { 10, PASSWORD_R_MAX, 1 };
	struct password_params mem = { 20, 8, 1 };     /* exactly 1 GiB */
	struct password_params over = { 20, 9, 1 };

	cr_assert(password_params_ok(&lo));
	cr_assert(password_params_ok(&big_p));
	cr_assert(password_params_ok(&big_r));
	cr_assert(password_params_ok(&mem));
	cr_assert_not(password_params_ok(&over));
	cr_assert_not(password_params_ok(NULL));
}

Test(password, hash_refuses_bad_parameters_and_small_buffers)
{
	struct password_params low = { 9, 8, 1 }, zero_r = { 10, 0, 1 };
	char phc[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash("pw", 2, &low, phc, sizeof(phc)), DF_EINVAL);
	cr_assert_eq(password_hash("pw", 2, &zero_r, phc, sizeof(phc)),
		DF_EINVAL);
	cr_assert_eq(password_hash("pw", 2, NULL, phc, sizeof(phc)), DF_EINVAL);
	cr_assert_eq(password_hash("pw", 2, &fast, phc, 40), DF_ETOOBIG);
	cr_assert_eq(password_hash(NULL, 3, &fast, phc, sizeof(phc)), DF_EINVAL);
}

Test(password, empty_password_hashes_and_verifies)
{
	char phc[PASSWORD_PHC_MAX];

	cr_assert_eq(password_hash(NULL, 0, &fast, phc, sizeof(phc)), 0);
	cr_assert_eq(password_verify("", 0, phc, NULL, NULL), 0);
	cr_assert_eq(password_verify(" ", 1, phc, NULL, NULL), DF_EAUTH);
}

static int rehash_for(const struct password_params *stored,
	const struct password_params *current)
{
	char phc[PASSWORD_PHC_MAX];
	int rehash = -1;

	cr_assert_eq(password_hash("pw-for-rehash", 13, stored, phc,
		sizeof(phc)), 0);
	cr_assert_eq(password_verify("pw-for-rehash", 13, phc, &rehash,
		current), 0);
	return rehash;
}

Test(password, needs_rehash_when_stored_parameters_are_lower)
{
	struct password_params s = { 10, 2, 1 };
	struct password_params more_ln = { 11, 2, 1 }, more_r = { 10, 4, 1 };
	struct password_params more_p = { 10, 2, 2 }, less = { 10, 1, 1 };

	cr_assert_eq(rehash_for(&s, &s), 0);
	cr_assert_eq(rehash_for(&s, &more_ln), 1);
	cr_assert_eq(rehash_for(&s, &more_r), 1);
	cr_assert_eq(rehash_for(&s, &more_p), 1);
	cr_assert_eq(rehash_for(&s, &less), 0);
	cr_assert_eq(rehash_for(&s, NULL), 0);
}

Test(password, needs_rehash_is_not_set_on_a_wrong_password)
{
	struct password_params s = { 10, 2, 1 }, cur = { 12, 8, 1 };
	char phc[PASSWORD_PHC_MAX];
	int rehash = -1;

	cr_assert_eq(password_hash("pw-one", 6, &s, phc, sizeof(phc)), 0);
	cr_assert_eq(password_verify("pw-two", 6, phc, &rehash, &cur), DF_EAUTH);
	cr_assert_eq(rehash, 0);
}

Test(password, other_salt_or_key_lengths_verify_and_ask_for_rehash)
{
	/* A 24-byte salt and 64-byte key, as another implementation may
	 * have written: accepted, then replaced by today's format. */
	unsigned char salt[24], key[64];
	char phc[256];
	int rehash = -1;

	memset(salt, 7, sizeof(salt));
	cr_assert_eq(scrypt_derive("pw", 2, salt, sizeof(salt), &fast, key,
		sizeof(key)), 0);
	cr_assert_eq(format_phc(&fast, salt, sizeof(salt), key, sizeof(key), phc,
		sizeof(phc)), 0);
	cr_assert_eq(password_verify("pw", 2, phc, &rehash, &fast), 0);
	cr_assert_eq(rehash, 1);
}

static const struct password_params timing = { 12, 8, 1 };
static char timing_phc[PASSWORD_PHC_MAX];

static int real_wrong(const char *pw)
{
	return password_verify(pw, strlen(pw), timing_phc, NULL, &timing);
}

static int dummy(const char *pw)
{
	return password_dummy_verify(pw, strlen(pw), &timing);
}

Test(password, dummy_verify_fails_and_runs_the_scrypt_of_a_real_verify)
{
	uint64_t n;
	uint32_t r, p;
	size_t klen;

	cr_assert_eq(password_hash("stored", 6, &timing, timing_phc,
		sizeof(timing_phc)), 0);
	kdf_calls = 0;
	cr_assert_eq(real_wrong("guess"), DF_EAUTH);
	cr_assert_eq(kdf_calls, 1);
	n = kdf_n;
	r = kdf_r;
	p = kdf_p;
	klen = kdf_keylen;
	cr_assert_eq(n, 1ull << timing.ln);

	/* An unknown e-mail must cost what a wrong password costs: one
	 * scrypt with the same N, r, p and key length. */
	kdf_calls = 0;
	kdf_n = 0;
	kdf_r = kdf_p = 0;
	kdf_keylen = 0;
	cr_assert_eq(dummy("guess"), DF_EAUTH);
	cr_assert_eq(kdf_calls, 1, "the dummy ran scrypt %d times", kdf_calls);
	cr_assert_eq(kdf_n, n);
	cr_assert_eq(kdf_r, r);
	cr_assert_eq(kdf_p, p);
	cr_assert_eq(kdf_keylen, klen);

	cr_assert_eq(password_dummy_verify("stored", 6, &timing), DF_EAUTH);
	cr_assert_eq(password_dummy_verify("x", 1, NULL), DF_EINVAL);
}

Test(password, base64_is_strict_and_round_trips)
{
	unsigned char in[40], out[40];
	char enc[64];
	size_t n;

	for (n = 0; n <= sizeof(in); n++) {
		memset(in, (int)(0xa5 ^ n), n);
		if (n > 0)
			in[n - 1] = 0xff;
		cr_assert_eq(crypto_b64_encode(in, n, enc), (n * 4 + 2) / 3);
		cr_assert_eq(crypto_b64_decode(enc, strlen(enc), out, sizeof(out)),
			(long)n);
		cr_assert_eq(memcmp(in, out, n), 0);
	}
	cr_assert_eq(crypto_b64_encode((const unsigned char *)"\xfb\xff", 2, enc),
		3);
	cr_assert_str_eq(enc, "+/8");
	cr_assert_eq(crypto_b64_decode("A", 1, out, sizeof(out)), -1);
	/* stray bits, then cap */
	cr_assert_eq(crypto_b64_decode("AB", 2, out, sizeof(out)), -1);
	cr_assert_eq(crypto_b64_decode("AAAAAA", 6, out, 3), -1);
}

/* --- policy ---------------------------------------------------------------- */

static const char *code, *message;

static int check(const char *pw, const char *user, const char *email)
{
	return password_policy_check(pw, user, email, &code, &message);
}

static void expect(const char *pw, const char *user, const char *email,
	const char *want)
{
	cr_assert_eq(check(pw, user, email), DF_EINVAL, "'%s' accepted", pw);
	cr_assert_str_eq(code, want, "'%s': %s", pw, code);
	cr_assert_not_null(message);
	cr_assert_gt(strlen(message), 10);
}

static void load_list(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/list.txt", tmpdir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(password_list_load(path), 0);
}

Test(policy, good_password_passes)
{
	load_list("# test list\npassword123\nqwertyuiop\n");
	code = message = "unset";
	cr_assert_eq(check("Tr0ub4dor&3-horse", "alice", "alice@example.com"), 0);
	cr_assert_null(code);
	cr_assert_null(message);
	cr_assert_eq(check("correct horse battery staple", NULL, NULL), 0);
}

Test(policy, too_short_counts_code_points_not_bytes)
{
	/* Nine two-byte characters are 18 bytes but 9 characters. */
	expect("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9", NULL, NULL, "too_short");
	/* Three 4-byte emoji and six letters: 9 code points. */
	expect("\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91" "abcdef", NULL, NULL,
		"too_short");
	expect("", NULL, NULL, "too_short");
	expect("123456789", NULL, NULL, "too_short");
	cr_assert_eq(check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL, NULL), 0);
}

Test(policy, too_long_counts_code_points)
{
	char pw[4 * 130 + 1];
	size_t i;

	/* 128 three-byte characters (384 bytes) pass; 129 do not. */
	for (i = 0; i < 128; i++)
		memcpy(pw + 3 * i, "\xe2\x82\xac", 3);
	pw[3 * 128] = '\0';
	cr_assert_eq(check(pw, NULL, NULL), 0, "%s", code);
	memcpy(pw + 3 * 128, "\xe2\x82\xac", 4);
	expect(pw, NULL, NULL, "too_long");
	memset(pw, 'k', 200);
	pw[200] = '\0';
	expect(pw, NULL, NULL, "too_long");
}

Test(policy, invalid_utf8_is_refused)
{
	expect("abcdefghij\xff", NULL, NULL, "invalid_format");
	expect("abcdefghij\xc0\xaf", NULL, NULL, "invalid_format");   /* overlong */
	expect("abcdefghij\xed\xa0\x80", NULL, NULL, "invalid_format"); /* surrogate */
	expect(NULL, NULL, NULL, "invalid_format");
}

Test(policy, common_password_is_refused_in_any_case)
{
	load_list("# test list\npassword123\nqwertyuiop\n");
	expect("password123", NULL, NULL, "common_password");
	expect("PASSWORD123", NULL, NULL, "common_password");
	expect("PassWord123", NULL, NULL, "common_password");
	expect("QwertyUIOP", NULL, NULL, "common_password");
	cr_assert_eq(check("password1234", NULL, NULL), 0);
}

Test(policy, containing_the_username_is_refused)
{
	expect("my-alice-secret-9", "alice", NULL, "contains_username");
	expect("MyALICEsecret-9", "alice", "a@example.com", "contains_username");
	expect("bob_the_builder!", "bob", NULL, "contains_username");
	/* Two characters are too few to judge. */
	cr_assert_eq(check("xy-is-in-here-somewhere", "xy", NULL), 0);
	cr_assert_eq(check("nothing-in-common", "alice", NULL), 0);
}

Test(policy, containing_the_email_local_part_is_refused)
{
	expect("xxBob.Smithxx22", NULL, "bob.smith@example.com", "contains_email");
	expect("john-is-great-2024", "someone", "John+forge@example.com",
		"contains_email");
	expect("jo+hn@rocks-2024", NULL, "jo+hn@example.com", "contains_email");
	/* The domain is not the name; short local parts are not checked. */
	cr_assert_eq(check("example-fortress-77", NULL, "bob@example.com"), 0);
	cr_assert_eq(check("my-al-password-77", NULL, "al@example.com"), 0);
}

/* The shipped list. */
Test(policy, shipped_list_loads_and_refuses_common_passwords)
{
	const char *rel = "conf/common-passwords.txt";
	char path[PATH_MAX + 64];

	unit_shipped_path(path, sizeof(path), rel);
	cr_assert_eq(password_list_load(path), 0, "%s", path);
	cr_assert_geq(password_list_count(), 10000);
	expect("1234567890", NULL, NULL, "common_password");
	expect("QwertyUiop", NULL, NULL, "common_password");
	expect("1q2w3e4r5t", NULL, NULL, "common_password");
	cr_assert_eq(check("violet-anvil-harbour-93", NULL, NULL), 0);
}

/* --- the list loader --------------------------------------------------------- */

static const char *write_file(const char *name, const char *text, size_t len)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0, "%s", strerror(errno));
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

Test(password_list, comments_blank_lines_and_crlf_are_handled)
{
	static const char text[] =
		"# Source: a test. Licence: none.\r\n"
		"\r\n"
		"alpha\r\n"
		"   \n"
		"Bravo\n"
		"# charlie is a comment\n"
		"delta x\r\n"
		"\n"
		"echo";      /* no final newline */

	cr_assert_eq(password_list_load(write_file("l", text, sizeof(text) - 1)),
		0);
	cr_assert_eq(password_list_count(), 4);
	cr_assert(password_list_contains("alpha", 5));
	cr_assert(password_list_contains("bravo", 5));
	cr_assert(password_list_contains("BRAVO", 5));
	cr_assert(password_list_contains("delta x", 7));
	cr_assert(password_list_contains("echo", 4));
	cr_assert_not(password_list_contains("alpha\r", 6));
	cr_assert_not(password_list_contains("charlie", 7));
	cr_assert_not(password_list_contains("# charlie is a comment", 22));
	cr_assert_not(password_list_contains("", 0));
	cr_assert_not(password_list_contains("alph", 4));
	cr_assert_not(password_list_contains("alphaa", 6));
}

Test(password_list, duplicates_in_any_case_count_once)
{
	static const char text[] = "zeta\nalpha\nZETA\nAlpha\nmid\n";

	cr_assert_eq(password_list_load(write_file("l", text, sizeof(text) - 1)),
		0);
	cr_assert_eq(password_list_count(), 3);
	cr_assert(password_list_contains("Zeta", 4));
	cr_assert(password_list_contains("mid", 3));
}

Test(password_list, lookups_are_exact_over_many_entries)
{
	char *text = malloc(20000 * 12 + 1), word[16];
	size_t used = 0;
	int i;

	cr_assert_not_null(text);
	for (i = 19999; i >= 0; i--)
		used += (size_t)sprintf(text + used, "w%d\n", i * 3);
	cr_assert_eq(password_list_load(write_file("l", text, used)), 0);
	free(text);
	cr_assert_eq(password_list_count(), 20000);
	for (i = 0; i < 60000; i++) {
		snprintf(word, sizeof(word), "W%d", i);
		cr_assert_eq(password_list_contains(word, strlen(word)), i % 3 == 0,
			"%s", word);
	}
}

Test(password_list, missing_file_nul_byte_and_empty_list_are_errors)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/none.txt", tmpdir);
	cr_assert_eq(password_list_load(path), DF_EIO);
	cr_assert_eq(password_list_load(write_file("nul", "abc\0def\n", 8)),
		DF_EINVAL);
	cr_assert_eq(password_list_load(write_file("empty", "# only\n\n", 8)),
		DF_EINVAL);
	cr_assert_eq(password_list_count(), 0);
}

Test(password_list, failed_reload_keeps_the_previous_list)
{
	cr_assert_eq(password_list_load(write_file("a", "first\n", 6)), 0);
	cr_assert_eq(password_list_load(write_file("nul", "x\0y\n", 4)),
		DF_EINVAL);
	cr_assert(password_list_contains("first", 5));
	cr_assert_eq(password_list_load(write_file("b", "second\nthird\n", 13)),
		0);
	cr_assert_eq(password_list_count(), 2);
	cr_assert_not(password_list_contains("first", 5));
	cr_assert(password_list_contains("third", 5));
}

Test(password_list, free_empties_the_list)
{
	cr_assert_eq(password_list_load(write_file("a", "first\n", 6)), 0);
	password_list_free();
	cr_assert_eq(password_list_count(), 0);
	cr_assert_not(password_list_contains("first", 5));
	password_list_free();
}
