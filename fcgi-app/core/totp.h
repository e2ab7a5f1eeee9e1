/* Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), the base32
 * encoding authenticator apps use for the secret (RFC 4648), otpauth://
 * enrolment URIs, and one-time recovery codes. */
#ifndef DF_TOTP_H
#define DF_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

enum totp_alg { TOTP_SHA1 = 0, TOTP_SHA256, TOTP_SHA512 };

struct totp_params {
	enum totp_alg alg;
	unsigned digits;     /* 6-8 */
	unsigned step;       /* seconds, > 0 */
	unsigned window;     /* steps accepted either side of now, 0-10 */
};

/* What every authenticator app understands: SHA-1, 6 digits, 30 s, and
 * one step either side for clock drift. */
extern const struct totp_params totp_default;

#define TOTP_SECRET_LEN 20       /* bytes: 160 bits, RFC 4226's advice */
#define TOTP_SECRET_B32_LEN 32   /* base32 characters for 20 bytes */
#define TOTP_MAX_DIGITS 8

/* The code for time now (unix seconds, >= 0) into out (digits + 1 bytes,
 * zero-padded). 0, or DF_EINVAL for bad parameters or time. */
DF_MUST_CHECK int totp_generate(const struct totp_params *tp, const unsigned char *key,
	size_t keylen, int64_t now, char *out, size_t outlen);

/* Checks code (exactly tp->digits ASCII digits; ASCII spaces anywhere
 * are ignored, as users copy "123 456") against the steps now-window ..
 * now+window. Every candidate is computed and compared in constant time.
 * 0 and *matched_step (the time step counter, when not NULL; the latest
 * of several matches) so the caller can refuse a step already used;
 * DF_EAUTH when no step matches; DF_EINVAL for a malformed code or bad
 * parameters. */
DF_MUST_CHECK int totp_verify(const struct totp_params *tp, const unsigned char *key,
	size_t keylen, const char *code, int64_t now, int64_t *matched_step);

/* The time step counter for now: floor(now / step). */
int64_t totp_step(const struct totp_params *tp, int64_t now);

/* RFC 4648 base32, upper case, no padding, NUL-terminated. Returns the
 * length written, or DF_ETOOBIG when out (outlen bytes) is too small:
 * it needs ceil(len * 8 / 5) + 1. */
long totp_b32_encode(const unsigned char *in, size_t len, char *out,
	size_t outlen);
/* Decodes base32, accepting lower case, spaces and trailing '=' padding.
 * Returns bytes written, DF_EINVAL (other characters, an impossible
 * length, non-zero unused bits) or DF_ETOOBIG (more than outlen). */
long totp_b32_decode(const char *in, size_t len, unsigned char *out,
	size_t outlen);

/* A fresh random secret: TOTP_SECRET_LEN bytes into key and their base32
 * into b32. 0 or DF_EINTERNAL. */
DF_MUST_CHECK int totp_secret_new(unsigned char key[TOTP_SECRET_LEN],
	char b32[TOTP_SECRET_B32_LEN + 1]);

/* otpauth://totp/<issuer>:<account>?secret=..&issuer=..&algorithm=SHA1
 * &digits=6&period=30 with issuer and account percent-encoded (everything
 * but RFC 3986 unreserved characters). issuer and account must be
 * non-empty valid UTF-8 without control characters, secret_b32 base32.
 * 0, DF_EINVAL, or DF_ETOOBIG when out (len bytes) is too small. */
DF_MUST_CHECK int totp_uri(const char *issuer, const char *account, const char *secret_b32,
	char *out, size_t len);

/* Recovery codes: "xxxx-xxxx" from a 31-character alphabet without
 * look-alikes (no 0/o, 1/i/l), about 39.6 bits each. */
#define TOTP_RECOVERY_COUNT 10
#define TOTP_RECOVERY_CHARS 8
#define TOTP_RECOVERY_LEN 9      /* with the '-' */

/* Fills codes[0..n-1] with distinct codes. 0 or DF_EINTERNAL. */
DF_MUST_CHECK int totp_recovery_codes(char codes[][TOTP_RECOVERY_LEN + 1], size_t n);
/* The canonical form of a code a user typed (case, '-' and spaces
 * ignored) into out: TOTP_RECOVERY_CHARS lower-case characters + NUL,
 * what a store hashes and compares. 0 or DF_EINVAL. */
DF_MUST_CHECK int totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_CHARS + 1]);

#endif
