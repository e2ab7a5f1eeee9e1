/* Unit tests of TOTP (RFC 6238 appendix B and RFC 4226 appendix D
 * vectors, the verification window and step reporting), base32 (RFC 4648
 * vectors), otpauth:// URIs and recovery codes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "totp.h"

static const unsigned char seed1[] = "12345678901234567890";
static const unsigned char seed256[] = "12345678901234567890123456789012";
static const unsigned char seed512[] =
	"1234567890123456789012345678901234567890123456789012345678901234";

struct vector {
	int64_t t;
	const char *sha1, *sha256, *sha512;
};

/* RFC 6238 appendix B, 8 digits, 30 s steps. */
static const struct vector rfc6238[] = {
	{ 59, "94287082", "46119246", "90693936" },
	{ 1111111109, "07081804", "68084774", "25091201" },
	{ 1111111111, "14050471", "67062674", "99943326" },
	{ 1234567890, "89005924", "91819424", "93441116" },
	{ 2000000000, "69279037", "90698825", "38618901" },
	{ 20000000000LL, "65353130", "77737706", "47863826" },
};

static void expect_code(enum totp_alg alg, const unsigned char *key,
	size_t keylen, int64_t t, const char *want)
{
	struct totp_params tp = { alg, 8, 30, 1 };
	char got[16];
	int64_t step = -1;

	cr_assert_eq(totp_generate(&tp, key, keylen, t, got, sizeof(got)), 0);
	cr_assert_str_eq(got, want, "alg %d t %lld", (int)alg, (long long)t);
	cr_assert_eq(totp_verify(&tp, key, keylen, want, t, &step), 0);
	cr_assert_eq(step, t / 30);
}

Test(totp, rfc6238_sha1_vectors)
{
	size_t i;

	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++)
		expect_code(TOTP_SHA1, seed1, 20, rfc6238[i].t, rfc6238[i].sha1);
}

Test(totp, rfc6238_sha256_vectors)
{
	size_t i;

	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++)
		expect_code(TOTP_SHA256, seed256, 32, rfc6238[i].t,
			rfc6238[i].sha256);
}

Test(totp, rfc6238_sha512_vectors)
{
	size_t i;

	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++)
		expect_code(TOTP_SHA512, seed512, 64, rfc6238[i].t,
			rfc6238[i].sha512);
}

Test(totp, rfc4226_hotp_vectors_with_six_digits)
{
	static const char *const want[] = { "755224", "287082", "359152",
		"969429", "338314", "254676", "287922", "162583", "399871",
		"520489" };
	/* A one-second step makes the time the HOTP counter. */
	struct totp_params tp = { TOTP_SHA1, 6, 1, 0 };
	char got[8];
	int64_t c;

	for (c = 0; c < 10; c++) {
		cr_assert_eq(totp_generate(&tp, seed1, 20, c, got, sizeof(got)), 0);
		cr_assert_str_eq(got, want[c], "counter %lld", (long long)c);
	}
}

Test(totp, default_is_sha1_six_digits_thirty_seconds)
{
	char got[8];

	cr_assert_eq(totp_default.alg, TOTP_SHA1);
	cr_assert_eq(totp_default.digits, 6);
	cr_assert_eq(totp_default.step, 30);
	cr_assert_eq(totp_default.window, 1);
	/* The last 6 digits of the 8-digit vector at t=59. */
	cr_assert_eq(totp_generate(&totp_default, seed1, 20, 59, got,
		sizeof(got)), 0);
	cr_assert_str_eq(got, "287082");
}

Test(totp, verify_accepts_one_step_either_side_and_reports_it)
{
	const int64_t now = 1700000015;  /* step 56666667 */
	int64_t t = now / 30, step;
	char code[8];
	int d;

	for (d = -1; d <= 1; d++) {
		cr_assert_eq(totp_generate(&totp_default, seed1, 20, now + 30 * d,
			code, sizeof(code)), 0);
		step = -1;
		cr_assert_eq(totp_verify(&totp_default, seed1, 20, code, now, &step),
			0, "offset %d", d);
		cr_assert_eq(step, t + d);
	}
}

Test(totp, verify_refuses_codes_two_steps_away)
{
	const int64_t now = 1700000015;
	char code[8];
	int64_t step = 42;

	cr_assert_eq(totp_generate(&totp_default, seed1, 20, now - 60, code,
		sizeof(code)), 0);
	cr_assert_eq(totp_verify(&totp_default, seed1, 20, code, now, &step),
		DF_EAUTH);
	cr_assert_eq(step, 42, "step written on failure");
	cr_assert_eq(totp_generate(&totp_default, seed1, 20, now + 60, code,
		sizeof(code)), 0);
	cr_assert_eq(totp_verify(&totp_default, seed1, 20, code, now, NULL),
		DF_EAUTH);
}

Test(totp, verify_refuses_a_wrong_code_and_another_key)
{
	const int64_t now = 1700000015;
	char code[8];

	cr_assert_eq(totp_generate(&totp_default, seed1, 20, now, code,
		sizeof(code)), 0);
	cr_assert_eq(totp_verify(&totp_default,
		(const unsigned char *)"abcdefghijklmnopqrst", 20, code, now, NULL),
		DF_EAUTH);
	code[5] = code[5] == '9' ? '0' : (char)(code[5] + 1);
	cr_assert_eq(totp_verify(&totp_default, seed1, 20, code, now, NULL),
		DF_EAUTH);
}

Test(totp, verify_ignores_spaces_but_refuses_malformed_codes)
{
	static const char *const bad[] = { "", "28708", "2870822", "28708a",
		"287-082", "+287082", "２87082", "287082\n" };
	int64_t step = -1;
	size_t i;

	cr_assert_eq(totp_verify(&totp_default, seed1, 20, "287 082", 59, &step),
		0);
	cr_assert_eq(step, 1);
	cr_assert_eq(totp_verify(&totp_default, seed1, 20, " 287082 ", 59, NULL),
		0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(totp_verify(&totp_default, seed1, 20, bad[i], 59, NULL),
			DF_EINVAL, "accepted '%s'", bad[i]);
	cr_assert_eq(totp_verify(&totp_default, seed1, 20, NULL, 59, NULL),
		DF_EINVAL);
}

Test(totp, window_does_not_reach_before_time_zero)
{
	char code[8];
	int64_t step = -1;

	cr_assert_eq(totp_generate(&totp_default, seed1, 20, 5, code,
		sizeof(code)), 0);
	cr_assert_eq(totp_verify(&totp_default, seed1, 20, code, 5, &step), 0);
	cr_assert_eq(step, 0);
}

Test(totp, bad_parameters_are_refused)
{
	struct totp_params tp = totp_default;
	char code[16];

	cr_assert_eq(totp_generate(&tp, seed1, 20, -1, code, sizeof(code)),
		DF_EINVAL);
	cr_assert_eq(totp_generate(&tp, seed1, 9, 59, code, sizeof(code)),
		DF_EINVAL);
	cr_assert_eq(totp_generate(&tp, seed1, 20, 59, code, 6), DF_EINVAL);
	tp.digits = 9;
	cr_assert_eq(totp_generate(&tp, seed1, 20, 59, code, sizeof(code)),
		DF_EINVAL);
	tp = totp_default;
	tp.step = 0;
	cr_assert_eq(totp_generate(&tp, seed1, 20, 59, code, sizeof(code)),
		DF_EINVAL);
	tp = totp_default;
	tp.alg = (enum totp_alg)7;
	cr_assert_eq(totp_verify(&tp, seed1, 20, "287082", 59, NULL), DF_EINVAL);
	cr_assert_eq(totp_step(&totp_default, 59), 1);
	cr_assert_eq(totp_step(&totp_default, -5), -1);
}

/* --- base32 ------------------------------------------------------------- */

Test(base32, rfc4648_vectors_encode_without_padding)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob",
		"fooba", "foobar" };
	static const char *const want[] = { "", "MY", "MZXQ", "MZXW6",
		"MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI" };
	char out[32];
	size_t i;

	for (i = 0; i < 7; i++) {
		cr_assert_eq(totp_b32_encode((const unsigned char *)in[i],
			strlen(in[i]), out, sizeof(out)), (long)strlen(want[i]));
		cr_assert_str_eq(out, want[i]);
	}
}

Test(base32, decodes_rfc4648_vectors_in_any_case_with_padding)
{
	unsigned char out[16];

	cr_assert_eq(totp_b32_decode("MZXW6YTBOI", 10, out, sizeof(out)), 6);
	cr_assert_eq(memcmp(out, "foobar", 6), 0);
	cr_assert_eq(totp_b32_decode("mzxw6ytboi", 10, out, sizeof(out)), 6);
	cr_assert_eq(memcmp(out, "foobar", 6), 0);
	cr_assert_eq(totp_b32_decode("MZXW6YQ=", 8, out, sizeof(out)), 4);
	cr_assert_eq(memcmp(out, "foob", 4), 0);
	cr_assert_eq(totp_b32_decode("MZXW 6ytb", 9, out, sizeof(out)), 5);
	cr_assert_eq(memcmp(out, "fooba", 5), 0);
	cr_assert_eq(totp_b32_decode("MY======", 8, out, sizeof(out)), 1);
	cr_assert_eq(out[0], 'f');
}

Test(base32, refuses_bad_characters_lengths_and_stray_bits)
{
	unsigned char out[16];

	cr_assert_eq(totp_b32_decode("MZXW6YQ1", 8, out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(totp_b32_decode("MZXW0YQ", 7, out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(totp_b32_decode("M", 1, out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(totp_b32_decode("MZX", 3, out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(totp_b32_decode("MZXW6Y", 6, out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(totp_b32_decode("MZ", 2, out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(totp_b32_decode("MY=A", 4, out, sizeof(out)), DF_EINVAL);
	cr_assert_eq(totp_b32_decode("MZXW6YTBOI", 10, out, 5), DF_ETOOBIG);
}

Test(base32, small_output_buffer_is_reported)
{
	char out[8];

	cr_assert_eq(totp_b32_encode((const unsigned char *)"foobar", 6, out,
		10), DF_ETOOBIG);
	cr_assert_eq(totp_b32_encode((const unsigned char *)"fooba", 5, out,
		sizeof(out)), DF_ETOOBIG);
	cr_assert_eq(totp_b32_encode((const unsigned char *)"foob", 4, out,
		sizeof(out)), 7);
}

Test(base32, new_secret_round_trips)
{
	unsigned char key[TOTP_SECRET_LEN], back[TOTP_SECRET_LEN + 4];
	char b32[TOTP_SECRET_B32_LEN + 1], other[TOTP_SECRET_B32_LEN + 1];

	cr_assert_eq(totp_secret_new(key, b32), 0);
	cr_assert_eq(strlen(b32), TOTP_SECRET_B32_LEN);
	cr_assert_eq(totp_b32_decode(b32, strlen(b32), back, sizeof(back)),
		TOTP_SECRET_LEN);
	cr_assert_eq(memcmp(key, back, TOTP_SECRET_LEN), 0);
	cr_assert_eq(totp_secret_new(key, other), 0);
	cr_assert_str_neq(b32, other);
}

/* --- otpauth:// ------------------------------------------------------------ */

Test(totp_uri, builds_a_percent_encoded_uri)
{
	char uri[256];

	cr_assert_eq(totp_uri("Dev Forge", "alice@example.com",
		"JBSWY3DPEHPK3PXP", uri, sizeof(uri)), 0);
	cr_assert_str_eq(uri, "otpauth://totp/Dev%20Forge:alice%40example.com"
		"?secret=JBSWY3DPEHPK3PXP&issuer=Dev%20Forge&algorithm=SHA1"
		"&digits=6&period=30");
}

Test(totp_uri, encodes_reserved_and_non_ascii_characters)
{
	char uri[256];

	cr_assert_eq(totp_uri("A&B:C", "j\xc3\xb6rg?#/x~y_z.-", "MZXW6", uri,
		sizeof(uri)), 0);
	cr_assert_str_eq(uri, "otpauth://totp/A%26B%3AC:j%C3%B6rg%3F%23%2Fx~y_z.-"
		"?secret=MZXW6&issuer=A%26B%3AC&algorithm=SHA1&digits=6&period=30");
}

Test(totp_uri, refuses_bad_input_and_small_buffers)
{
	char uri[256];

	cr_assert_eq(totp_uri("", "alice", "MZXW6", uri, sizeof(uri)), DF_EINVAL);
	cr_assert_eq(totp_uri("Dev Forge", NULL, "MZXW6", uri, sizeof(uri)),
		DF_EINVAL);
	cr_assert_eq(totp_uri("Dev Forge", "al\nice", "MZXW6", uri, sizeof(uri)),
		DF_EINVAL);
	cr_assert_eq(totp_uri("Dev Forge", "al\xffice", "MZXW6", uri,
		sizeof(uri)), DF_EINVAL);
	cr_assert_eq(totp_uri("Dev Forge", "alice", "mzxw6", uri, sizeof(uri)),
		DF_EINVAL);
	cr_assert_eq(totp_uri("Dev Forge", "alice", "MZXW6=", uri, sizeof(uri)),
		DF_EINVAL);
	cr_assert_eq(totp_uri("Dev Forge", "alice", "MZXW6", uri, 40),
		DF_ETOOBIG);
	cr_assert_str_eq(uri, "");
}

/* --- recovery codes -------------------------------------------------------- */

Test(recovery, ten_distinct_codes_from_the_unambiguous_alphabet)
{
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN + 1];
	size_t i, j;

	cr_assert_eq(totp_recovery_codes(codes, TOTP_RECOVERY_COUNT), 0);
	for (i = 0; i < TOTP_RECOVERY_COUNT; i++) {
		cr_assert_eq(strlen(codes[i]), TOTP_RECOVERY_LEN);
		cr_assert_eq(codes[i][4], '-', "%s", codes[i]);
		for (j = 0; j < TOTP_RECOVERY_LEN; j++) {
			if (j == 4)
				continue;
			cr_assert_not_null(strchr("23456789abcdefghjkmnpqrstuvwxyz",
				codes[i][j]), "%s", codes[i]);
		}
		for (j = 0; j < i; j++)
			cr_assert_str_neq(codes[i], codes[j]);
	}
}

Test(recovery, every_alphabet_character_turns_up)
{
	char codes[200][TOTP_RECOVERY_LEN + 1];
	int seen[256] = { 0 };
	const char *a;
	size_t i, j;

	/* 1600 characters over 31 symbols: each is missing with odds far
	 * below one in a billion, so a skewed sampler shows here. */
	cr_assert_eq(totp_recovery_codes(codes, 200), 0);
	for (i = 0; i < 200; i++)
		for (j = 0; j < TOTP_RECOVERY_LEN; j++)
			seen[(unsigned char)codes[i][j]]++;
	for (a = "23456789abcdefghjkmnpqrstuvwxyz"; *a != '\0'; a++)
		cr_assert_gt(seen[(unsigned char)*a], 0, "'%c' never drawn", *a);
	for (a = "01iloIO"; *a != '\0'; a++)
		cr_assert_eq(seen[(unsigned char)*a], 0, "'%c' drawn", *a);
}

Test(recovery, normalize_ignores_case_dashes_and_spaces)
{
	char out[TOTP_RECOVERY_CHARS + 1];
	char codes[1][TOTP_RECOVERY_LEN + 1];

	cr_assert_eq(totp_recovery_normalize("ABCD-EFGH", out), 0);
	cr_assert_str_eq(out, "abcdefgh");
	cr_assert_eq(totp_recovery_normalize(" abcd efgh ", out), 0);
	cr_assert_str_eq(out, "abcdefgh");
	cr_assert_eq(totp_recovery_codes(codes, 1), 0);
	cr_assert_eq(totp_recovery_normalize(codes[0], out), 0);
	cr_assert_eq(strlen(out), TOTP_RECOVERY_CHARS);
}

Test(recovery, normalize_refuses_other_characters_and_lengths)
{
	static const char *const bad[] = { "abcd-efg0", "abcd-efgi", "abcd-efgo",
		"abcd-efg", "abcd-efghj", "", "abcd_efgh", "abcd-\xc3\xa9" "fgh" };
	char out[TOTP_RECOVERY_CHARS + 1];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(totp_recovery_normalize(bad[i], out), DF_EINVAL,
			"accepted '%s'", bad[i]);
	cr_assert_eq(totp_recovery_normalize(NULL, out), DF_EINVAL);
}
