/* Machine files: a machine token (signed.h, domain machine) encrypted
 * for one licence on one machine, so a copied file is useless on
 * another machine or with another key:
 *   "enc1." base64url(iv[12] | ciphertext | tag[16])
 * AES-256-GCM of the token text under the key
 * SHA-256(license_key || fingerprint), AAD "devforge-machine-file". The
 * IDE decrypts it with what it already holds and then verifies the
 * token's signature. */
#ifndef DF_MACHFILE_H
#define DF_MACHFILE_H

#include "err.h"

struct arena;

#define MACHFILE_PREFIX "enc1."
#define MACHFILE_AAD "devforge-machine-file"
/* The longest machine file: an encrypted SIGNED_MAX_TOKEN token. */
#define MACHFILE_MAX 5600

/* Encrypts token (NUL-terminated, at most SIGNED_MAX_TOKEN bytes) into
 * *out, NUL-terminated, in the arena. 0, DF_EINVAL (empty arguments),
 * DF_ETOOBIG, DF_ENOMEM or DF_EINTERNAL. */
DF_MUST_CHECK int machfile_encrypt(struct arena *a, const char *token,
	const char *license_key, const char *fingerprint, char **out);
/* Decrypts file into *token (NUL-terminated, in the arena). DF_EINVAL
 * malformed (prefix, base64url, lengths, over MACHFILE_MAX), DF_EAUTH
 * when the key, the fingerprint or a byte of the file is wrong. */
DF_MUST_CHECK int machfile_decrypt(struct arena *a, const char *file,
	const char *license_key, const char *fingerprint, char **token);

#endif
