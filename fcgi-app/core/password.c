/* Password hashing with scrypt (OpenSSL 3 EVP_KDF), stored as PHC-style
 * strings that carry their own parameters; the policy for new passwords
 * and the common-password list it checks against. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto.h"
#include "err.h"
#include "password.h"
#include "validate.h"

#define PHC_PREFIX "$scrypt$"
/* What a stored string may carry: other implementations pick other
 * lengths, and a hash is only ever compared with its own length. */
#define SALT_MIN 8
#define SALT_MAX 64
#define KEY_MIN 16
#define KEY_MAX 64

/* --- scrypt ------------------------------------------------------------ */

int password_params_ok(const struct password_params *pp)
{
	if (pp == NULL)
		return 0;
	if (pp->ln < PASSWORD_LN_MIN || pp->ln > PASSWORD_LN_MAX ||
	    pp->r < PASSWORD_R_MIN || pp->r > PASSWORD_R_MAX ||
	    pp->p < PASSWORD_P_MIN || pp->p > PASSWORD_P_MAX)
		return 0;
	return 128ull * pp->r * (1ull << pp->ln) <= PASSWORD_MAX_MEMORY;
}

static int scrypt_derive(const char *pw, size_t len,
	const unsigned char *salt, size_t saltlen,
	const struct password_params *pp, unsigned char *key, size_t keylen)
{
	static const char empty[1];
	uint64_t n = 1ull << pp->ln;
	uint32_t r = pp->r, p = pp->p;
	/* OpenSSL refuses anything above its default 32 MiB cap unless told:
	 * B (128*r*p) plus V (128*r*(N+2)), with room for the small rest. */
	uint64_t maxmem = 128ull * r * (n + 2) + 128ull * r * p + (1u << 20);
	OSSL_PARAM params[7];
	EVP_KDF_CTX *ctx;
	EVP_KDF *kdf;
	int ok;

	if (pw == NULL && len != 0)
		return DF_EINVAL;
	if (pw == NULL)
		pw = empty;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
		(void *)pw, len);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		(void *)salt, saltlen);
	params[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	params[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	params[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	params[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM,
		&maxmem);
	params[6] = OSSL_PARAM_construct_end();

	kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	if (kdf == NULL)
		return DF_EINTERNAL;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		return DF_ENOMEM;
	ok = EVP_KDF_derive(ctx, key, keylen, params) == 1;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : DF_EINTERNAL;
}

static int format_phc(const struct password_params *pp,
	const unsigned char *salt, size_t saltlen, const unsigned char *key,
	size_t keylen, char *out, size_t outlen)
{
	char s64[SALT_MAX * 4 / 3 + 4], k64[KEY_MAX * 4 / 3 + 4];
	int n;

	crypto_b64_encode(salt, saltlen, s64);
	crypto_b64_encode(key, keylen, k64);
	n = snprintf(out, outlen, PHC_PREFIX "ln=%u,r=%u,p=%u$%s$%s", pp->ln,
		pp->r, pp->p, s64, k64);
	crypto_wipe(k64, sizeof(k64));
	if (n < 0 || (size_t)n >= outlen) {
		crypto_wipe(out, outlen);
		return DF_ETOOBIG;
	}
	return 0;
}

int password_hash(const char *pw, size_t len, const struct password_params *pp,
	char *out, size_t outlen)
{
	unsigned char salt[PASSWORD_SALT_LEN], key[PASSWORD_KEY_LEN];
	int rc;

	if (!password_params_ok(pp) || out == NULL)
		return DF_EINVAL;
	rc = crypto_random(salt, sizeof(salt));
	if (rc == 0)
		rc = scrypt_derive(pw, len, salt, sizeof(salt), pp, key, sizeof(key));
	if (rc == 0)
		rc = format_phc(pp, salt, sizeof(salt), key, sizeof(key), out,
			outlen);
	crypto_wipe(key, sizeof(key));
	return rc;
}

/* "name=<1-3 digits, no leading zero>" at *s, advancing past it. */
static int parse_param(const char **s, const char *name, unsigned *out)
{
	size_t nlen = strlen(name);
	const char *p = *s;
	unsigned v = 0;
	int digits = 0;

	if (strncmp(p, name, nlen) != 0 || p[nlen] != '=')
		return 0;
	p += nlen + 1;
	if (*p == '0')
		return 0;
	while (*p >= '0' && *p <= '9' && digits < 3) {
		v = v * 10 + (unsigned)(*p++ - '0');
		digits++;
	}
	if (digits == 0 || (*p >= '0' && *p <= '9'))
		return 0;
	*out = v;
	*s = p;
	return 1;
}

struct phc {
	struct password_params pp;
	unsigned char salt[SALT_MAX];
	size_t saltlen;
	unsigned char key[KEY_MAX];
	size_t keylen;
};

static int parse_phc(const char *s, struct phc *h)
{
	const char *salt, *dollar, *key;
	long n;

	if (s == NULL || strncmp(s, PHC_PREFIX, strlen(PHC_PREFIX)) != 0)
		return DF_EINVAL;
	s += strlen(PHC_PREFIX);
	if (!parse_param(&s, "ln", &h->pp.ln) || *s++ != ',' ||
	    !parse_param(&s, "r", &h->pp.r) || *s++ != ',' ||
	    !parse_param(&s, "p", &h->pp.p) || *s++ != '$')
		return DF_EINVAL;
	salt = s;
	dollar = strchr(salt, '$');
	if (dollar == NULL)
		return DF_EINVAL;
	key = dollar + 1;
	n = crypto_b64_decode(salt, (size_t)(dollar - salt), h->salt,
		sizeof(h->salt));
	if (n < SALT_MIN)
		return DF_EINVAL;
	h->saltlen = (size_t)n;
	n = crypto_b64_decode(key, strlen(key), h->key, sizeof(h->key));
	if (n < KEY_MIN)
		return DF_EINVAL;
	h->keylen = (size_t)n;
	if (!password_params_ok(&h->pp))
		return DF_EINVAL;
	return 0;
}

static int below(const struct password_params *have,
	const struct password_params *want)
{
	return have->ln < want->ln || have->r < want->r || have->p < want->p;
}

int password_verify(const char *pw, size_t len, const char *phc,
	int *needs_rehash, const struct password_params *current)
{
	unsigned char got[KEY_MAX];
	struct phc h;
	int rc;

	if (needs_rehash != NULL)
		*needs_rehash = 0;
	rc = parse_phc(phc, &h);
	if (rc == 0)
		rc = scrypt_derive(pw, len, h.salt, h.saltlen, &h.pp, got,
			h.keylen);
	if (rc == 0)
		rc = crypto_equal(got, h.key, h.keylen) ? 0 : DF_EAUTH;
	if (rc == 0 && needs_rehash != NULL && current != NULL)
		*needs_rehash = below(&h.pp, current) ||
			h.saltlen != PASSWORD_SALT_LEN ||
			h.keylen != PASSWORD_KEY_LEN;
	crypto_wipe(got, sizeof(got));
	crypto_wipe(&h, sizeof(h));
	return rc;
}

int password_dummy_verify(const char *pw, size_t len,
	const struct password_params *current)
{
	unsigned char salt[PASSWORD_SALT_LEN], key[PASSWORD_KEY_LEN];
	char phc[PASSWORD_PHC_MAX];
	int rc;

	/* A random stored key: the same parsing, derivation and comparison
	 * as a real account whose password is wrong. */
	if (!password_params_ok(current))
		return DF_EINVAL;
	rc = crypto_random(salt, sizeof(salt));
	if (rc == 0)
		rc = crypto_random(key, sizeof(key));
	if (rc == 0)
		rc = format_phc(current, salt, sizeof(salt), key, sizeof(key), phc,
			sizeof(phc));
	if (rc == 0)
		rc = password_verify(pw, len, phc, NULL, current);
	crypto_wipe(phc, sizeof(phc));
	return rc == 0 ? DF_EAUTH : rc;
}

/* --- the common-password list ------------------------------------------ */

static struct {
	char *blob;          /* the entries, NUL-separated */
	const char **items;  /* sorted, unique */
	size_t n;
} list;

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int cmp_items(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct needle {
	const char *s;
	size_t len;
};

/* Orders like strcmp over the lower-cased needle, which may hold NULs
 * and has no terminator of its own. */
static int cmp_needle(const void *k, const void *item)
{
	const struct needle *nd = k;
	const unsigned char *e = *(const unsigned char *const *)item;
	size_t i;

	for (i = 0; i < nd->len; i++) {
		int c = lower((unsigned char)nd->s[i]);

		if (e[i] == '\0')
			return 1;
		if (c != e[i])
			return c - e[i];
	}
	return e[i] == '\0' ? 0 : -1;
}

int password_list_contains(const char *pw, size_t len)
{
	struct needle nd = { pw, len };

	if (list.n == 0 || pw == NULL)
		return 0;
	return bsearch(&nd, list.items, list.n, sizeof(list.items[0]),
		cmp_needle) != NULL;
}

size_t password_list_count(void)
{
	return list.n;
}

void password_list_free(void)
{
	free(list.items);
	free(list.blob);
	memset(&list, 0, sizeof(list));
}

static int blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

int password_list_load(const char *path)
{
	char *line = NULL, *blob = NULL, *grown;
	const char **items = NULL;
	size_t cap = 0, used = 0, blobcap = 0, n = 0, i, o;
	ssize_t got;
	int rc = 0;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return errno == ENOMEM ? DF_ENOMEM : DF_EIO;
	while ((got = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)got;

		if (memchr(line, '\0', len) != NULL) {
			rc = DF_EINVAL;
			break;
		}
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (line[0] == '#' || blank(line, len))
			continue;
		if (used + len + 1 > blobcap) {
			size_t want = blobcap ? blobcap * 2 : 65536;

			while (want < used + len + 1)
				want *= 2;
			grown = realloc(blob, want);
			if (grown == NULL) {
				rc = DF_ENOMEM;
				break;
			}
			blob = grown;
			blobcap = want;
		}
		for (i = 0; i < len; i++)
			blob[used + i] = (char)lower((unsigned char)line[i]);
		blob[used + len] = '\0';
		used += len + 1;
		n++;
	}
	if (rc == 0 && ferror(f))
		rc = DF_EIO;
	free(line);
	fclose(f);
	if (rc == 0 && n == 0)
		rc = DF_EINVAL;
	if (rc == 0 && (items = malloc(n * sizeof(*items))) == NULL)
		rc = DF_ENOMEM;
	if (rc != 0) {
		free(blob);
		return rc;
	}
	for (i = 0, o = 0; i < n; i++) {
		items[i] = blob + o;
		o += strlen(blob + o) + 1;
	}
	qsort(items, n, sizeof(*items), cmp_items);
	for (i = 0, o = 0; i < n; i++)
		if (o == 0 || strcmp(items[o - 1], items[i]) != 0)
			items[o++] = items[i];
	password_list_free();
	list.blob = blob;
	list.items = items;
	list.n = o;
	return 0;
}

/* --- policy -------------------------------------------------------------- */

static size_t code_points(const char *s, size_t len)
{
	size_t i, n = 0;

	/* Valid UTF-8 already: every byte that is not a continuation byte
	 * starts a code point. */
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* ASCII case-insensitive: usernames and the list are ASCII, and folding
 * other scripts would need the locale tables a worker does not load. */
static int contains_ci(const char *hay, size_t hlen, const char *needle,
	size_t nlen)
{
	size_t i, j;

	if (nlen == 0 || nlen > hlen)
		return 0;
	for (i = 0; i + nlen <= hlen; i++) {
		for (j = 0; j < nlen; j++)
			if (lower((unsigned char)hay[i + j]) !=
			    lower((unsigned char)needle[j]))
				break;
		if (j == nlen)
			return 1;
	}
	return 0;
}

/* The needle is worth checking when it has at least 3 characters. */
static int contains_part(const char *pw, size_t len, const char *part,
	size_t plen)
{
	if (!validate_utf8(part, plen) || code_points(part, plen) < 3)
		return 0;
	return contains_ci(pw, len, part, plen);
}

static int fail(const char **code, const char **message, const char *c,
	const char *m)
{
	if (code != NULL)
		*code = c;
	if (message != NULL)
		*message = m;
	return DF_EINVAL;
}

int password_policy_check(const char *pw, const char *username,
	const char *email, const char **code, const char **message)
{
	size_t len, chars;

	if (code != NULL)
		*code = NULL;
	if (message != NULL)
		*message = NULL;
	if (pw == NULL || !validate_utf8(pw, len = strlen(pw)))
		return fail(code, message, "invalid_format",
			"The password must be valid UTF-8 text.");
	chars = code_points(pw, len);
	if (chars < PASSWORD_MIN_CHARS)
		return fail(code, message, "too_short",
			"The password must have at least 10 characters.");
	if (chars > PASSWORD_MAX_CHARS)
		return fail(code, message, "too_long",
			"The password must have at most 128 characters.");
	if (password_list_contains(pw, len))
		return fail(code, message, "common_password",
			"This password is one of the most common passwords; "
			"choose another.");
	if (username != NULL &&
	    contains_part(pw, len, username, strlen(username)))
		return fail(code, message, "contains_username",
			"The password must not contain the username.");
	if (email != NULL) {
		const char *at = strrchr(email, '@');
		size_t local = at != NULL ? (size_t)(at - email) : strlen(email);
		const char *plus = memchr(email, '+', local);

		/* "name+tag@": the name alone is what people reuse. */
		if (contains_part(pw, len, email, local) ||
		    (plus != NULL && contains_part(pw, len, email,
		     (size_t)(plus - email))))
			return fail(code, message, "contains_email",
				"The password must not contain the e-mail "
				"address's name.");
	}
	return 0;
}
