/* Signed tokens (see signed.h). Parsing is strict and bounded before any
 * signature work: the input comes from anyone on the Internet, on the
 * busiest licensing route. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "arena.h"
#include "crypto.h"
#include "err.h"
#include "log.h"
#include "signed.h"

/* A PKCS#8 PEM Ed25519 key is about 120 bytes; anything much larger is
 * not one. */
#define KEY_FILE_MAX 4096
/* The payload JSON is flat apart from the features array. */
#define PAYLOAD_DEPTH 4

static struct {
	struct crypto_ed25519_key *key;
	char kid[17];
} signer;

static const char *const domain_names[] = { "license", "machine", "response" };

const char *signed_domain_name(enum signed_domain d)
{
	if ((unsigned)d >= sizeof(domain_names) / sizeof(domain_names[0]))
		return NULL;
	return domain_names[d];
}

static int read_key_file(const char *path, char *buf, size_t cap, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd;

	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		log_msg(LOG_ERROR, "license_signing_key_file: cannot read '%s': %s",
			path, strerror(errno));
		return DF_EINVAL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		log_msg(LOG_ERROR, "license_signing_key_file: '%s' is not a "
			"regular file", path);
		close(fd);
		return DF_EINVAL;
	}
	for (;;) {
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
		if (*len == cap) {
			n = -1;
			errno = EFBIG;
			break;
		}
	}
	close(fd);
	if (n < 0) {
		log_msg(LOG_ERROR, "license_signing_key_file: cannot read '%s': "
			"%s", path, strerror(errno));
		return DF_EINVAL;
	}
	return 0;
}

int signed_init(const char *key_file)
{
	char buf[KEY_FILE_MAX];
	unsigned char pub[CRYPTO_ED25519_PUB];
	struct crypto_ed25519_key *k = NULL;
	size_t len;
	int rc;

	signed_done();
	if (key_file == NULL || key_file[0] == '\0')
		return 0;
	rc = read_key_file(key_file, buf, sizeof(buf), &len);
	if (rc == 0) {
		rc = crypto_ed25519_load(buf, len, &k, pub);
		if (rc == DF_EINVAL)
			log_msg(LOG_ERROR, "license_signing_key_file: '%s' is not an "
				"Ed25519 private key (PKCS#8 PEM, unencrypted)",
				key_file);
	}
	crypto_wipe(buf, sizeof(buf));
	if (rc != 0)
		return rc;
	signer.key = k;
	crypto_kid(pub, signer.kid);
	return 0;
}

void signed_done(void)
{
	crypto_ed25519_free(signer.key);
	signer.key = NULL;
	signer.kid[0] = '\0';
}

const char *signed_kid(void)
{
	return signer.key != NULL ? signer.kid : NULL;
}

static int is_kid(const char *s, size_t len)
{
	size_t i;

	if (len != 16)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* The payload's kid into kid[17]: 0, or DF_EINVAL when the text is not
 * one JSON object (nothing around it) with a string kid of 16 lower-case
 * hex digits. */
static int payload_kid(const char *text, size_t len, char kid[17])
{
	struct json_tokener *tok;
	struct json_object *o, *k = NULL;
	int rc = DF_EINVAL;

	/* No space around the object: one payload, one spelling. */
	if (len < 2 || len > SIGNED_MAX_TOKEN || text[0] != '{' ||
	    text[len - 1] != '}' || memchr(text, '\0', len) != NULL)
		return DF_EINVAL;
	tok = json_tokener_new_ex(PAYLOAD_DEPTH);
	if (tok == NULL)
		return DF_ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o != NULL && json_tokener_get_error(tok) == json_tokener_success &&
	    json_tokener_get_parse_end(tok) == len &&
	    json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "kid", &k) &&
	    json_object_is_type(k, json_type_string) &&
	    is_kid(json_object_get_string(k), (size_t)json_object_get_string_len(k))) {
		memcpy(kid, json_object_get_string(k), 17);
		rc = 0;
	}
	json_object_put(o);
	json_tokener_free(tok);
	return rc;
}

/* "<domain>/" + b64 into the arena. */
static char *signing_input(struct arena *a, enum signed_domain d,
	const char *b64, size_t len, size_t *outlen)
{
	const char *name = signed_domain_name(d);
	size_t n;
	char *m;

	if (name == NULL)
		return NULL;
	n = strlen(name);
	m = arena_alloc(a, n + 1 + len + 1);
	if (m == NULL)
		return NULL;
	memcpy(m, name, n);
	m[n] = '/';
	memcpy(m + n + 1, b64, len);
	m[n + 1 + len] = '\0';
	*outlen = n + 1 + len;
	return m;
}

int signed_make(struct arena *a, enum signed_domain d, const char *payload,
	size_t len, char **token)
{
	unsigned char sig[CRYPTO_ED25519_SIG];
	char kid[17], *t, *msg;
	size_t b64len, msglen;
	int rc;

	*token = NULL;
	if (signer.key == NULL)
		return DF_EINTERNAL;
	if (signed_domain_name(d) == NULL)
		return DF_EINVAL;
	/* payload + '.' + signature, base64url */
	if (len > SIGNED_MAX_TOKEN ||
	    (len + 2) / 3 * 4 + 1 + 86 > SIGNED_MAX_TOKEN)
		return DF_ETOOBIG;
	rc = payload_kid(payload, len, kid);
	if (rc != 0)
		return rc;
	/* A token naming another key would never verify: a caller's bug. */
	if (strcmp(kid, signer.kid) != 0)
		return DF_EINVAL;
	t = arena_alloc(a, (len + 2) / 3 * 4 + 1 + 88 + 1);
	if (t == NULL)
		return DF_ENOMEM;
	b64len = crypto_b64url_encode((const unsigned char *)payload, len, t);
	msg = signing_input(a, d, t, b64len, &msglen);
	if (msg == NULL)
		return DF_ENOMEM;
	rc = crypto_ed25519_sign(signer.key, msg, msglen, sig);
	if (rc != 0)
		return rc;
	t[b64len] = '.';
	crypto_b64url_encode(sig, sizeof(sig), t + b64len + 1);
	*token = t;
	return 0;
}

/* Splits and decodes a token: the payload text (in the arena) and the
 * signature, and the payload's kid. */
static int parse(struct arena *a, const char *token, char **payload,
	size_t *plen, unsigned char sig[64], char kid[17], size_t *b64len)
{
	const char *dot;
	size_t tlen, slen;
	unsigned char *p;
	long n;
	int rc;

	if (token == NULL)
		return DF_EINVAL;
	tlen = strnlen(token, SIGNED_MAX_TOKEN + 1);
	if (tlen > SIGNED_MAX_TOKEN)
		return DF_EINVAL;
	dot = memchr(token, '.', tlen);
	if (dot == NULL || dot == token)
		return DF_EINVAL;
	*b64len = (size_t)(dot - token);
	slen = tlen - *b64len - 1;
	/* 64 bytes are 86 characters unpadded; this also refuses a second
	 * '.' (not in the alphabet) in the signature part. */
	if (slen != 86 || crypto_b64url_decode(dot + 1, slen, sig) != 64)
		return DF_EINVAL;
	p = arena_alloc(a, *b64len / 4 * 3 + 4);
	if (p == NULL)
		return DF_ENOMEM;
	n = crypto_b64url_decode(token, *b64len, p);
	if (n <= 0)
		return DF_EINVAL;
	p[n] = '\0';
	rc = payload_kid((const char *)p, (size_t)n, kid);
	if (rc != 0)
		return rc;
	*payload = (char *)p;
	*plen = (size_t)n;
	return 0;
}

static int check(struct arena *a, enum signed_domain d, const char *token,
	const struct signed_keyring *ring, const char *kid1,
	const unsigned char *pub1, char **payload, size_t *len)
{
	unsigned char sig[CRYPTO_ED25519_SIG];
	const unsigned char *pub = NULL;
	char kid[17], *p, *msg;
	size_t plen, b64len, msglen, i;
	int rc;

	*payload = NULL;
	if (len != NULL)
		*len = 0;
	if (signed_domain_name(d) == NULL)
		return DF_EINVAL;
	rc = parse(a, token, &p, &plen, sig, kid, &b64len);
	if (rc != 0)
		return rc;
	if (ring != NULL) {
		for (i = 0; i < ring->n && i < SIGNED_RING_MAX; i++)
			if (strcmp(ring->kid[i], kid) == 0) {
				pub = ring->pub[i];
				break;
			}
	} else if (kid1 != NULL && strcmp(kid1, kid) == 0) {
		pub = pub1;
	}
	if (pub == NULL)
		return DF_EAUTH;
	msg = signing_input(a, d, token, b64len, &msglen);
	if (msg == NULL)
		return DF_ENOMEM;
	rc = crypto_ed25519_verify(pub, msg, msglen, sig);
	if (rc != 0)
		return rc;
	*payload = p;
	if (len != NULL)
		*len = plen;
	return 0;
}

int signed_check(struct arena *a, enum signed_domain d, const char *token,
	const struct signed_keyring *ring, char **payload, size_t *len)
{
	if (ring == NULL) {
		*payload = NULL;
		return DF_EAUTH;
	}
	return check(a, d, token, ring, NULL, NULL, payload, len);
}

int signed_check_key(struct arena *a, enum signed_domain d,
	const char *token, const char *kid, const unsigned char pub[32],
	char **payload, size_t *len)
{
	return check(a, d, token, NULL, kid, pub, payload, len);
}
