/* The one signed-token format of licensing: licence keys, machine files
 * and signed validation answers. A token is
 *   base64url(payload) "." base64url(signature)
 * (no padding), the signature Ed25519 over "<domain>/" + base64url(payload)
 * with domain one of "license", "machine", "response", so a signature of
 * one kind never verifies as another. The payload is a JSON object with
 * at least "kid", the id of the key that signed it (crypto_kid). */
#ifndef DF_SIGNED_H
#define DF_SIGNED_H

#include <stddef.h>
#include "err.h"

struct arena;

/* The longest token signed_check looks at (and signed_make makes). */
#define SIGNED_MAX_TOKEN 4096
#define SIGNED_RING_MAX 8

enum signed_domain { SIGNED_LICENSE, SIGNED_MACHINE, SIGNED_RESPONSE };

/* The public keys that verify: the unretired rows of
 * license_signing_keys (store_sigkeys_ring). */
struct signed_keyring {
	size_t n;
	char kid[SIGNED_RING_MAX][17];
	unsigned char pub[SIGNED_RING_MAX][32];
};

/* The worker's signer: loaded once at start from license_signing_key_file
 * (api_init), before the workers fork. key_file NULL or "": no signer
 * (signed_kid() NULL; the signing routes answer 503). 0, or DF_EINVAL
 * (unreadable, too large, not an Ed25519 PKCS#8 PEM key; logged). */
DF_MUST_CHECK int signed_init(const char *key_file);
/* Forgets the signer (tests; a process that is done signing). */
void signed_done(void);
/* The signer's kid, or NULL when there is none. */
const char *signed_kid(void);

/* The domain's name ("license", ...), or NULL for a value out of range. */
const char *signed_domain_name(enum signed_domain d);

/* Signs payload (JSON text of len bytes, an object whose "kid" is
 * signed_kid()) into "<b64>.<b64>", NUL-terminated, in the arena.
 * DF_EINVAL when the payload is not such an object, DF_ETOOBIG when the
 * token would exceed SIGNED_MAX_TOKEN, DF_EINTERNAL without a signer. */
DF_MUST_CHECK int signed_make(struct arena *a, enum signed_domain d,
	const char *payload, size_t len, char **token);

/* Verifies a token against the keyring (the payload's kid picks the key):
 * 0 with the payload (NUL-terminated, in the arena; len may be NULL);
 * DF_EINVAL malformed (not two strict base64url parts, a signature not
 * 64 bytes, a payload that is not a JSON object with a 16-hex-digit
 * "kid", a NUL in it, over SIGNED_MAX_TOKEN); DF_EAUTH an unknown kid or
 * a wrong signature (another domain's included). */
DF_MUST_CHECK int signed_check(struct arena *a, enum signed_domain d,
	const char *token, const struct signed_keyring *ring, char **payload,
	size_t *len);

/* The same check with an explicit key, for tests and tools that hold
 * one key: kid must match the payload's. */
DF_MUST_CHECK int signed_check_key(struct arena *a, enum signed_domain d,
	const char *token, const char *kid, const unsigned char pub[32],
	char **payload, size_t *len);

#endif
