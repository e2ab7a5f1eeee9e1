/* Password hashing (scrypt through OpenSSL, parameters stored with the
 * hash in a PHC-style string so they can be raised later), the password
 * policy, and the common-password list it consults. */
#ifndef DF_PASSWORD_H
#define DF_PASSWORD_H

#include <stddef.h>
#include "err.h"

/* scrypt cost: N = 2^ln, block size r, parallelism p. */
struct password_params {
	unsigned ln;
	unsigned r;
	unsigned p;
};

/* The default cost (see docs/SECURITY.md for the measurement behind it)
 * and the ranges the configuration accepts. */
#define PASSWORD_DEFAULT_LN 14
#define PASSWORD_DEFAULT_R 8
#define PASSWORD_DEFAULT_P 2

/* Ranges accepted from a stored string, so a tampered row cannot make a
 * login allocate gigabytes or spin for minutes. On top of these, scrypt's
 * memory 128*r*2^ln must stay within PASSWORD_MAX_MEMORY. */
#define PASSWORD_LN_MIN 10
#define PASSWORD_LN_MAX 22
#define PASSWORD_R_MIN 1
#define PASSWORD_R_MAX 32
#define PASSWORD_P_MIN 1
#define PASSWORD_P_MAX 16
#define PASSWORD_MAX_MEMORY (1ull << 30)

#define PASSWORD_SALT_LEN 16
#define PASSWORD_KEY_LEN 32
/* Longest string password_hash writes, NUL included; a database column
 * of 128 characters holds it. */
#define PASSWORD_PHC_MAX 128

/* Policy: length in code points. */
#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_CHARS 128

/* 1 when pp is within the ranges above (and the memory bound). */
int password_params_ok(const struct password_params *pp);

/* Hashes pw (len bytes, any content) with a fresh 16-byte salt into out:
 * "$scrypt$ln=14,r=8,p=2$<salt>$<key>" (standard base64 without padding).
 * 0, DF_EINVAL (params out of range), DF_ETOOBIG (outlen too small),
 * DF_ENOMEM or DF_EINTERNAL. */
DF_MUST_CHECK int password_hash(const char *pw, size_t len, const struct password_params *pp,
	char *out, size_t outlen);

/* Checks pw against a stored string. 0 when it matches, DF_EAUTH when it
 * does not, DF_EINVAL when phc is malformed or its parameters are out of
 * range (nothing is computed then), DF_ENOMEM / DF_EINTERNAL. On a match,
 * *needs_rehash (when not NULL) is 1 when the stored parameters are below
 * current (any of ln, r, p lower) or the salt or key length differs from
 * today's, so the caller can store a new hash; otherwise 0. The key is
 * compared in constant time. */
DF_MUST_CHECK int password_verify(const char *pw, size_t len, const char *phc,
	int *needs_rehash, const struct password_params *current);

/* Spends the time of a password_verify at the current parameters and
 * always fails: for a login naming an unknown account, so the answer's
 * timing does not tell whether the account exists. DF_EAUTH, or
 * DF_EINVAL / DF_ENOMEM / DF_EINTERNAL like password_verify. */
DF_MUST_CHECK int password_dummy_verify(const char *pw, size_t len,
	const struct password_params *current);

/* The policy for a new password (NUL-terminated): valid UTF-8 of
 * PASSWORD_MIN_CHARS..PASSWORD_MAX_CHARS code points, not in the
 * common-password list (case-insensitive), and not containing the
 * username or the e-mail's local part (case-insensitive; each only when
 * it has at least 3 characters; username and email may be NULL). 0 when
 * acceptable; otherwise DF_EINVAL with *code (a stable word:
 * "invalid_format", "too_short", "too_long", "common_password",
 * "contains_username", "contains_email") and *message (a static
 * sentence for the client). */
DF_MUST_CHECK int password_policy_check(const char *pw, const char *username,
	const char *email, const char **code, const char **message);

/* Loads the common-password list (one password per line; lines starting
 * with '#' and blank lines skipped; CRLF accepted; entries lower-cased)
 * into a sorted array, replacing a list loaded before. Called once at
 * start-up, before workers fork, so they share it. 0, DF_EIO (cannot
 * read path), DF_EINVAL (a NUL byte, or no entries at all) or DF_ENOMEM;
 * on failure the previous list stays. */
DF_MUST_CHECK int password_list_load(const char *path);
void password_list_free(void);
/* Entries in the loaded list (0: none loaded). */
size_t password_list_count(void);
/* 1 when pw (len bytes) is in the list, compared case-insensitively. */
int password_list_contains(const char *pw, size_t len);

#endif
