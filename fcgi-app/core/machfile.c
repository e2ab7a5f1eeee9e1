/* Machine files (see machfile.h), AES-256-GCM through OpenSSL's EVP. */
#include <limits.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "arena.h"
#include "crypto.h"
#include "err.h"
#include "machfile.h"
#include "signed.h"

#define IV_LEN 12
#define TAG_LEN 16
#define PREFIX_LEN (sizeof(MACHFILE_PREFIX) - 1)
#define AAD_LEN (sizeof(MACHFILE_AAD) - 1)

/* SHA-256 of the licence key followed by the fingerprint. */
static int derive(struct arena *a, const char *license_key,
	const char *fingerprint, unsigned char key[32])
{
	size_t kl, fl;
	char *m;

	if (license_key == NULL || fingerprint == NULL)
		return DF_EINVAL;
	kl = strlen(license_key);
	fl = strlen(fingerprint);
	if (kl == 0 || fl == 0 || kl > SIGNED_MAX_TOKEN || fl > SIGNED_MAX_TOKEN)
		return DF_EINVAL;
	m = arena_alloc(a, kl + fl);
	if (m == NULL)
		return DF_ENOMEM;
	memcpy(m, license_key, kl);
	memcpy(m + kl, fingerprint, fl);
	crypto_sha256(m, kl + fl, key);
	crypto_wipe(m, kl + fl);
	return 0;
}

int machfile_encrypt(struct arena *a, const char *token,
	const char *license_key, const char *fingerprint, char **out)
{
	unsigned char key[32], *buf;
	EVP_CIPHER_CTX *ctx;
	size_t tl, blen;
	int n = 0, fin = 0, ok, rc;
	char *o;

	*out = NULL;
	if (token == NULL)
		return DF_EINVAL;
	tl = strlen(token);
	if (tl == 0)
		return DF_EINVAL;
	if (tl > SIGNED_MAX_TOKEN)
		return DF_ETOOBIG;
	rc = derive(a, license_key, fingerprint, key);
	if (rc != 0)
		return rc;
	blen = IV_LEN + tl + TAG_LEN;
	buf = arena_alloc(a, blen);
	o = arena_alloc(a, PREFIX_LEN + (blen + 2) / 3 * 4 + 1);
	if (buf == NULL || o == NULL) {
		crypto_wipe(key, sizeof(key));
		return DF_ENOMEM;
	}
	/* A fresh random IV per file: the same key (licence, machine) is
	 * used again at every activation and refresh. */
	if (crypto_random(buf, IV_LEN) != 0) {
		crypto_wipe(key, sizeof(key));
		return DF_EINTERNAL;
	}
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx != NULL &&
		EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, IV_LEN, NULL) == 1 &&
		EVP_EncryptInit_ex(ctx, NULL, NULL, key, buf) == 1 &&
		EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)MACHFILE_AAD,
			(int)AAD_LEN) == 1 &&
		EVP_EncryptUpdate(ctx, buf + IV_LEN, &n,
			(const unsigned char *)token, (int)tl) == 1 &&
		(size_t)n == tl &&
		EVP_EncryptFinal_ex(ctx, buf + IV_LEN + n, &fin) == 1 && fin == 0 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
			buf + IV_LEN + tl) == 1;
	EVP_CIPHER_CTX_free(ctx);
	crypto_wipe(key, sizeof(key));
	if (!ok) {
		ERR_clear_error();
		return DF_EINTERNAL;
	}
	memcpy(o, MACHFILE_PREFIX, PREFIX_LEN);
	crypto_b64url_encode(buf, blen, o + PREFIX_LEN);
	*out = o;
	return 0;
}

int machfile_decrypt(struct arena *a, const char *file,
	const char *license_key, const char *fingerprint, char **token)
{
	unsigned char key[32], *buf;
	EVP_CIPHER_CTX *ctx;
	size_t fl, ctl;
	char *t;
	long blen;
	int n = 0, fin = 0, ok, rc;

	*token = NULL;
	if (file == NULL)
		return DF_EINVAL;
	fl = strnlen(file, MACHFILE_MAX + 1);
	if (fl > MACHFILE_MAX || fl <= PREFIX_LEN ||
	    memcmp(file, MACHFILE_PREFIX, PREFIX_LEN) != 0)
		return DF_EINVAL;
	buf = arena_alloc(a, (fl - PREFIX_LEN) / 4 * 3 + 3);
	if (buf == NULL)
		return DF_ENOMEM;
	blen = crypto_b64url_decode(file + PREFIX_LEN, fl - PREFIX_LEN, buf);
	if (blen < IV_LEN + TAG_LEN + 1)
		return DF_EINVAL;
	ctl = (size_t)blen - IV_LEN - TAG_LEN;
	if (ctl > SIGNED_MAX_TOKEN)
		return DF_EINVAL;
	rc = derive(a, license_key, fingerprint, key);
	if (rc != 0)
		return rc;
	t = arena_alloc(a, ctl + 1);
	if (t == NULL) {
		crypto_wipe(key, sizeof(key));
		return DF_ENOMEM;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL) {
		crypto_wipe(key, sizeof(key));
		return DF_ENOMEM;
	}
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, IV_LEN, NULL) == 1 &&
		EVP_DecryptInit_ex(ctx, NULL, NULL, key, buf) == 1 &&
		EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)MACHFILE_AAD,
			(int)AAD_LEN) == 1 &&
		EVP_DecryptUpdate(ctx, (unsigned char *)t, &n, buf + IV_LEN,
			(int)ctl) == 1 &&
		(size_t)n == ctl &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
			buf + IV_LEN + ctl) == 1 &&
		/* The tag is checked here: nothing decrypted is used before. */
		EVP_DecryptFinal_ex(ctx, (unsigned char *)t + n, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	crypto_wipe(key, sizeof(key));
	ERR_clear_error();
	if (!ok) {
		crypto_wipe(t, ctl);
		return DF_EAUTH;
	}
	t[ctl] = '\0';
	/* The plaintext is a token: text without NUL. */
	if (memchr(t, '\0', ctl) != NULL)
		return DF_EINVAL;
	*token = t;
	return 0;
}
