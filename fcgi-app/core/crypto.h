/* Thin wrappers over OpenSSL: random bytes, SHA-256, HMAC-SHA256,
 * constant-time comparison, memory clearing the compiler cannot drop,
 * base64url. */
#ifndef DF_CRYPTO_H
#define DF_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define CRYPTO_SHA256_LEN 32

/* 0 or DF_EINTERNAL. */
DF_MUST_CHECK int crypto_random(void *buf, size_t len);
void crypto_sha256(const void *data, size_t len, unsigned char out[32]);
/* 64 lower-case hex characters + NUL. */
void crypto_sha256_hex(const void *data, size_t len, char out[65]);
void crypto_hmac_sha256(const void *key, size_t keylen, const void *data,
	size_t len, unsigned char out[32]);
/* 1 when equal; time depends only on len. */
int crypto_equal(const void *a, const void *b, size_t len);
void crypto_wipe(void *p, size_t len);
/* Lower-case hex of len bytes into out (2*len+1). */
void crypto_hex(const unsigned char *in, size_t len, char *out);
/* A random (version 4) UUID in canonical lower-case form, 36 chars + NUL.
 * 0 or DF_EINTERNAL. */
DF_MUST_CHECK int crypto_uuid4(char out[37]);
/* base64url without padding; out needs 4*ceil(len/3)+1 bytes. Returns
 * the length written. */
size_t crypto_b64url_encode(const unsigned char *in, size_t len, char *out);
/* Decodes base64url (no padding, no other characters). Returns bytes
 * written or -1. out needs 3*len/4+3 bytes. */
long crypto_b64url_decode(const char *in, size_t len, unsigned char *out);
/* The same with the standard alphabet ("+/"), unpadded, as PHC strings
 * carry salts and keys; the decoder also refuses more than cap bytes. */
size_t crypto_b64_encode(const unsigned char *in, size_t len, char *out);
long crypto_b64_decode(const char *in, size_t len, unsigned char *out,
	size_t cap);
/* The value (0-63) of one character of the standard alphabet, -1 for
 * any other: for decoders with rules of their own (MIME skips strays). */
int crypto_b64_digit(char c);

/* Ed25519 (RFC 8032) through OpenSSL: the licence signing key. Public
 * keys travel raw (32 bytes), private keys as PKCS#8 PEM files. */
#define CRYPTO_ED25519_PUB 32
#define CRYPTO_ED25519_SIG 64
struct crypto_ed25519_key;   /* opaque: an OpenSSL EVP_PKEY (private) */
/* A new key pair: pub its raw public half, *pem_out the private key as
 * PKCS#8 PEM (malloc'd; the caller wipes and frees it). 0, DF_ENOMEM or
 * DF_EINTERNAL. */
DF_MUST_CHECK int crypto_ed25519_generate(unsigned char pub[32], char **pem_out);
/* Loads a PKCS#8 PEM private key of len bytes; DF_EINVAL when it is not
 * one or not Ed25519. pub (may be NULL) receives its public half. */
DF_MUST_CHECK int crypto_ed25519_load(const char *pem, size_t len,
	struct crypto_ed25519_key **out, unsigned char pub[32]);
void crypto_ed25519_free(struct crypto_ed25519_key *k);
DF_MUST_CHECK int crypto_ed25519_sign(const struct crypto_ed25519_key *k,
	const void *msg, size_t len, unsigned char sig[64]);
/* 0 when sig is pub's signature of msg, DF_EAUTH when not. */
DF_MUST_CHECK int crypto_ed25519_verify(const unsigned char pub[32],
	const void *msg, size_t len, const unsigned char sig[64]);
/* pub as a SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"...,
 * what `openssl pkeyutl -verify -pubin` reads), NUL-terminated. */
#define CRYPTO_ED25519_PEM_LEN 114
void crypto_ed25519_public_pem(const unsigned char pub[32],
	char out[CRYPTO_ED25519_PEM_LEN]);
/* A key's id: the first 16 hex digits of SHA-256(pub), + NUL. */
void crypto_kid(const unsigned char pub[32], char kid[17]);

#endif
