/* Stripe-Signature: parse (bounded), recompute, compare in constant time.
 * See https://docs.stripe.com/webhooks#verify-manually for the scheme. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "stripe_sig.h"

#define SIG_LEN CRYPTO_SHA256_LEN
/* 18 digits cannot overflow an int64_t; a real Unix time has 10. */
#define T_MAX_DIGITS 18

struct parsed {
	int64_t t;
	int have_t;
	unsigned char v1[STRIPE_SIG_MAX_ELEMENTS][SIG_LEN];
	size_t nv1;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 64 hex characters into 32 bytes; -1 for anything else. */
static int unhex_sig(const char *s, size_t n, unsigned char out[SIG_LEN])
{
	if (n != 2 * SIG_LEN)
		return -1;
	for (size_t i = 0; i < SIG_LEN; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* Digits only (no sign, no space: strtoll would take both), bounded. */
static int parse_t(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > T_MAX_DIGITS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* One "key=value" element [s, s+n). Keys other than t and v1 (v0, the
 * test-mode scheme, or any future one) are skipped, as Stripe asks. */
static int parse_element(const char *s, size_t n, struct parsed *p)
{
	const char *eq = memchr(s, '=', n);
	size_t klen, vlen;
	const char *v;

	if (eq == NULL || eq == s)
		return -1;
	klen = (size_t)(eq - s);
	v = eq + 1;
	vlen = n - klen - 1;
	if (klen == 1 && s[0] == 't') {
		if (p->have_t || parse_t(v, vlen, &p->t) != 0)
			return -1;
		p->have_t = 1;
	} else if (klen == 2 && s[0] == 'v' && s[1] == '1') {
		if (unhex_sig(v, vlen, p->v1[p->nv1]) != 0)
			return -1;
		p->nv1++;
	}
	return 0;
}

static int parse_header(const char *h, struct parsed *p)
{
	size_t len, nelem = 0;
	const char *s, *end;

	memset(p, 0, sizeof(*p));
	if (h == NULL)
		return -1;
	len = strnlen(h, STRIPE_SIG_MAX_HEADER + 1);
	if (len == 0 || len > STRIPE_SIG_MAX_HEADER)
		return -1;
	s = h;
	end = h + len;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *e = comma != NULL ? comma : end;

		/* Checked before parsing so nv1 stays inside p->v1. */
		if (++nelem > STRIPE_SIG_MAX_ELEMENTS)
			return -1;
		if (parse_element(s, (size_t)(e - s), p) != 0)
			return -1;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	if (!p->have_t || p->nv1 == 0)
		return -1;
	return 0;
}

/* HMAC-SHA256(secret, "<t>." body). The signed payload is one buffer
 * because core/crypto's HMAC takes one; a webhook body is small. */
static int sign(const char *secret, int64_t t, const void *body, size_t len,
	unsigned char out[SIG_LEN])
{
	char prefix[32];
	int plen = snprintf(prefix, sizeof(prefix), "%lld.", (long long)t);
	unsigned char *msg;

	if (plen < 0 || (size_t)plen >= sizeof(prefix))
		return DF_EINVAL;
	if (len > SIZE_MAX - (size_t)plen)
		return DF_ETOOBIG;
	msg = malloc((size_t)plen + len + 1);
	if (msg == NULL)
		return DF_ENOMEM;
	memcpy(msg, prefix, (size_t)plen);
	if (len > 0)
		memcpy(msg + plen, body, len);
	crypto_hmac_sha256(secret, strlen(secret), msg, (size_t)plen + len, out);
	free(msg);
	return 0;
}

int stripe_sig_verify(const char *header, const void *body, size_t len,
	const char *const *secrets, size_t nsecrets, time_t now,
	unsigned tolerance)
{
	struct parsed p;
	int match = 0;
	uint64_t age;

	if (parse_header(header, &p) != 0)
		return DF_EINVAL;
	if (body == NULL && len > 0)
		return DF_EINVAL;
	for (size_t i = 0; i < nsecrets; i++) {
		unsigned char want[SIG_LEN];
		int rc;

		if (secrets[i] == NULL || secrets[i][0] == '\0')
			continue;
		rc = sign(secrets[i], p.t, body, len, want);
		if (rc < 0)
			return rc;
		/* Every candidate is compared, so the time does not tell
		 * which secret or which v1 matched. */
		for (size_t j = 0; j < p.nv1; j++)
			match |= crypto_equal(want, p.v1[j], SIG_LEN);
		crypto_wipe(want, sizeof(want));
	}
	if (!match)
		return DF_EAUTH;
	/* Both ways: an old header is a replay, a future one a clock we do
	 * not trust. Unsigned difference: no overflow for any int64 pair. */
	age = (int64_t)now >= p.t ? (uint64_t)(int64_t)now - (uint64_t)p.t
		: (uint64_t)p.t - (uint64_t)(int64_t)now;
	if (age > tolerance)
		return DF_EAUTH;
	return 0;
}

int stripe_sig_header(const char *secret, time_t t, const void *body,
	size_t len, char *out, size_t outlen)
{
	unsigned char mac[SIG_LEN];
	char hex[2 * SIG_LEN + 1];
	int n, rc;

	if (secret == NULL || secret[0] == '\0' || t < 0 ||
	    (body == NULL && len > 0) || out == NULL)
		return DF_EINVAL;
	rc = sign(secret, (int64_t)t, body, len, mac);
	if (rc < 0)
		return rc;
	crypto_hex(mac, SIG_LEN, hex);
	n = snprintf(out, outlen, "t=%lld,v1=%s", (long long)t, hex);
	if (n < 0 || (size_t)n >= outlen)
		return DF_ETOOBIG;
	return 0;
}
