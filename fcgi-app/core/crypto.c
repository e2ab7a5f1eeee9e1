/* Thin wrappers over OpenSSL 3 for the few primitives the program needs,
 * plus hex and strict base64url (the JWT and token encodings), written
 * here because OpenSSL's base64 is the padded '+/' alphabet. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "err.h"

/* A digest that cannot be computed means the library is broken; carrying
 * on with an unset buffer could make two secrets compare equal. */
static void crypto_fatal(const char *what)
{
	fprintf(stderr, "devforge: %s failed in OpenSSL\n", what);
	abort();
}

int crypto_random(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (RAND_bytes(p, n) != 1)
			return DF_EINTERNAL;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void crypto_sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int outlen = 0;

	if (EVP_Digest(data, len, out, &outlen, EVP_sha256(), NULL) != 1 ||
	    outlen != CRYPTO_SHA256_LEN)
		crypto_fatal("SHA-256");
}

void crypto_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[CRYPTO_SHA256_LEN];

	crypto_sha256(data, len, md);
	crypto_hex(md, sizeof(md), out);
}

/* The last key's HMAC context, kept keyed: HMAC() fetched the algorithm,
 * built a context and hashed the key's pads again on every call (half
 * the cost of checking a token, once per authenticated request, nearly
 * always with the same key). Per process; a forked child has its own
 * copy. The key is kept to tell it is the same one. */
static struct {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	unsigned char *key;
	size_t keylen;
} hmac_last;

/* hmac_last keyed with key; 0 when OpenSSL refuses (the caller falls
 * back to HMAC()). */
static int hmac_rekey(const unsigned char *key, size_t keylen)
{
	OSSL_PARAM params[2];
	unsigned char *copy;

	if (hmac_last.mac == NULL &&
	    (hmac_last.mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return 0;
	if (hmac_last.ctx == NULL &&
	    (hmac_last.ctx = EVP_MAC_CTX_new(hmac_last.mac)) == NULL)
		return 0;
	copy = malloc(keylen);
	if (copy == NULL)
		return 0;
	memcpy(copy, key, keylen);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		(char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(hmac_last.ctx, copy, keylen, params) != 1) {
		OPENSSL_clear_free(copy, keylen);
		return 0;
	}
	if (hmac_last.key != NULL)
		OPENSSL_clear_free(hmac_last.key, hmac_last.keylen);
	hmac_last.key = copy;
	hmac_last.keylen = keylen;
	return 1;
}

void crypto_hmac_sha256(const void *key, size_t keylen, const void *data,
	size_t len, unsigned char out[32])
{
	/* OpenSSL reads a NULL key as "reuse the previous one": never pass
	 * NULL, even for an empty key. */
	static const unsigned char empty[1];
	unsigned int outlen = 0;
	size_t mlen = 0;

	if (keylen > INT_MAX)
		crypto_fatal("HMAC key length");
	if (key == NULL || keylen == 0) {
		key = empty;
		keylen = 0;
	}
	if (keylen > 0) {
		int same = hmac_last.key != NULL && hmac_last.keylen == keylen &&
			CRYPTO_memcmp(hmac_last.key, key, keylen) == 0;

		/* The same key: init without one restarts from its pads. */
		if ((same ? EVP_MAC_init(hmac_last.ctx, NULL, 0, NULL) == 1 :
		    hmac_rekey(key, keylen)) &&
		    EVP_MAC_update(hmac_last.ctx, data, len) == 1 &&
		    EVP_MAC_final(hmac_last.ctx, out, &mlen,
		    CRYPTO_SHA256_LEN) == 1 && mlen == CRYPTO_SHA256_LEN)
			return;
	}
	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out,
	    &outlen) == NULL || outlen != CRYPTO_SHA256_LEN)
		crypto_fatal("HMAC-SHA256");
}

int crypto_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void crypto_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

void crypto_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

/* Both alphabets differ only in their last two characters: base64url
 * ("-_") for tokens and cursors, the standard one ("+/") for PHC strings.
 * Neither is padded. */
static const char b64url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const char *alphabet, const unsigned char *in,
	size_t len, char *out)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = alphabet[(acc >> bits) & 63];
		}
		acc &= (1ul << bits) - 1;
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (6 - bits)) & 63];
	out[o] = '\0';
	return o;
}

static int b64_value(const char *alphabet, unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (unsigned char)alphabet[62])
		return 62;
	if (c == (unsigned char)alphabet[63])
		return 63;
	return -1;
}

/* Strict: no padding, no stray characters, unused trailing bits zero. */
static long b64_decode(const char *alphabet, const char *in, size_t len,
	unsigned char *out, size_t cap)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0;

	/* One leftover character carries only 6 bits: never a valid tail. */
	if (len % 4 == 1 || len > (size_t)LONG_MAX / 3 * 4 - 4 ||
	    len / 4 * 3 > cap)
		return -1;
	for (i = 0; i < len; i++) {
		int v = b64_value(alphabet, (unsigned char)in[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1ul << bits) - 1;
		}
	}
	/* Leftover bits must be zero: only the canonical encoding of a
	 * value is accepted, so one token has exactly one spelling. */
	if (acc != 0)
		return -1;
	return (long)o;
}

size_t crypto_b64url_encode(const unsigned char *in, size_t len, char *out)
{
	return b64_encode(b64url_alphabet, in, len, out);
}

long crypto_b64url_decode(const char *in, size_t len, unsigned char *out)
{
	return b64_decode(b64url_alphabet, in, len, out, SIZE_MAX);
}

size_t crypto_b64_encode(const unsigned char *in, size_t len, char *out)
{
	return b64_encode(b64_alphabet, in, len, out);
}

long crypto_b64_decode(const char *in, size_t len, unsigned char *out,
	size_t cap)
{
	return b64_decode(b64_alphabet, in, len, out, cap);
}

int crypto_b64_digit(char c)
{
	return b64_value(b64_alphabet, (unsigned char)c);
}

int crypto_uuid4(char out[37])
{
	unsigned char b[16];
	char hex[33];

	if (crypto_random(b, sizeof(b)) != 0)
		return DF_EINTERNAL;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	crypto_hex(b, sizeof(b), hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		hex + 16, hex + 20);
	return 0;
}

/* Ed25519. The struct wraps the EVP_PKEY so the header needs no OpenSSL
 * type. */
struct crypto_ed25519_key {
	EVP_PKEY *pk;
};

static EVP_PKEY *ed_pkey(const struct crypto_ed25519_key *k)
{
	return k->pk;
}

static int ed_raw_public(EVP_PKEY *pk, unsigned char pub[32])
{
	size_t n = CRYPTO_ED25519_PUB;

	if (EVP_PKEY_get_raw_public_key(pk, pub, &n) != 1 ||
	    n != CRYPTO_ED25519_PUB)
		return DF_EINTERNAL;
	return 0;
}

int crypto_ed25519_generate(unsigned char pub[32], char **pem_out)
{
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	BUF_MEM *mem = NULL;
	int rc = DF_EINTERNAL;

	*pem_out = NULL;
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (pk == NULL)
		return DF_EINTERNAL;
	if (ed_raw_public(pk, pub) != 0)
		goto out;
	bio = BIO_new(BIO_s_secmem());
	if (bio == NULL ||
	    PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1)
		goto out;
	BIO_get_mem_ptr(bio, &mem);
	if (mem == NULL || mem->length == 0)
		goto out;
	*pem_out = malloc(mem->length + 1);
	if (*pem_out == NULL) {
		rc = DF_ENOMEM;
		goto out;
	}
	memcpy(*pem_out, mem->data, mem->length);
	(*pem_out)[mem->length] = '\0';
	rc = 0;
out:
	BIO_free(bio);
	EVP_PKEY_free(pk);
	return rc;
}

int crypto_ed25519_load(const char *pem, size_t len,
	struct crypto_ed25519_key **out, unsigned char pub[32])
{
	EVP_PKEY *pk = NULL;
	unsigned char tmp[CRYPTO_ED25519_PUB];
	BIO *bio;

	*out = NULL;
	if (len > INT_MAX)
		return DF_EINVAL;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL)
		return DF_ENOMEM;
	/* No passphrase callback: an encrypted key is refused, not prompted
	 * for on a worker's stdin. */
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	BIO_free(bio);
	ERR_clear_error();
	if (pk == NULL)
		return DF_EINVAL;
	if (EVP_PKEY_get_id(pk) != EVP_PKEY_ED25519 ||
	    ed_raw_public(pk, tmp) != 0) {
		EVP_PKEY_free(pk);
		return DF_EINVAL;
	}
	*out = malloc(sizeof(**out));
	if (*out == NULL) {
		EVP_PKEY_free(pk);
		return DF_ENOMEM;
	}
	(*out)->pk = pk;
	if (pub != NULL)
		memcpy(pub, tmp, sizeof(tmp));
	return 0;
}

void crypto_ed25519_free(struct crypto_ed25519_key *k)
{
	if (k != NULL) {
		EVP_PKEY_free(k->pk);
		free(k);
	}
}

int crypto_ed25519_sign(const struct crypto_ed25519_key *k, const void *msg,
	size_t len, unsigned char sig[64])
{
	EVP_MD_CTX *ctx;
	size_t n = CRYPTO_ED25519_SIG;
	int ok;

	if (k == NULL)
		return DF_EINVAL;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return DF_ENOMEM;
	/* Pure Ed25519: no digest, one shot over the whole message. */
	ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, ed_pkey(k)) == 1 &&
		EVP_DigestSign(ctx, sig, &n, msg, len) == 1 &&
		n == CRYPTO_ED25519_SIG;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return DF_EINTERNAL;
	}
	return 0;
}

int crypto_ed25519_verify(const unsigned char pub[32], const void *msg,
	size_t len, const unsigned char sig[64])
{
	EVP_PKEY *pk;
	EVP_MD_CTX *ctx;
	int ok = 0;

	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
		CRYPTO_ED25519_PUB);
	if (pk == NULL) {
		ERR_clear_error();
		return DF_EAUTH;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx != NULL)
		ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1 &&
			EVP_DigestVerify(ctx, sig, CRYPTO_ED25519_SIG, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	if (ctx == NULL)
		return DF_ENOMEM;
	return ok ? 0 : DF_EAUTH;
}

void crypto_kid(const unsigned char pub[32], char kid[17])
{
	unsigned char md[CRYPTO_SHA256_LEN];

	crypto_sha256(pub, CRYPTO_ED25519_PUB, md);
	crypto_hex(md, 8, kid);
}

void crypto_ed25519_public_pem(const unsigned char pub[32],
	char out[CRYPTO_ED25519_PEM_LEN])
{
	/* RFC 8410: SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING }. */
	static const unsigned char spki[12] = { 0x30, 0x2a, 0x30, 0x05, 0x06,
		0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
	unsigned char der[44];
	size_t n;

	memcpy(der, spki, sizeof(spki));
	memcpy(der + sizeof(spki), pub, CRYPTO_ED25519_PUB);
	n = (size_t)snprintf(out, CRYPTO_ED25519_PEM_LEN,
		"-----BEGIN PUBLIC KEY-----\n");
	/* 44 bytes: 59 characters unpadded, one '=' (PEM pads). */
	n += crypto_b64_encode(der, sizeof(der), out + n);
	snprintf(out + n, CRYPTO_ED25519_PEM_LEN - n,
		"=\n-----END PUBLIC KEY-----\n");
}
