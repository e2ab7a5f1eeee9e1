/* RFC 6238 TOTP and RFC 4226 HOTP over OpenSSL's HMAC, base32 secrets,
 * otpauth:// URIs for authenticator apps, and recovery codes. Pure
 * functions of their inputs (and crypto_random), so the RFC's published
 * vectors test them directly. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"
#include "err.h"
#include "totp.h"
#include "validate.h"

#define KEY_MIN 10     /* 80 bits: the shortest secret apps still issue */
#define KEY_MAX 128
#define WINDOW_MAX 10

const struct totp_params totp_default = {
	.alg = TOTP_SHA1, .digits = 6, .step = 30, .window = 1
};

static const uint32_t mod10[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};

static int params_ok(const struct totp_params *tp, size_t keylen)
{
	return tp != NULL && tp->digits >= 6 && tp->digits <= TOTP_MAX_DIGITS &&
		tp->step > 0 && tp->window <= WINDOW_MAX &&
		(tp->alg == TOTP_SHA1 || tp->alg == TOTP_SHA256 ||
		 tp->alg == TOTP_SHA512) &&
		keylen >= KEY_MIN && keylen <= KEY_MAX;
}

static const EVP_MD *alg_md(enum totp_alg alg)
{
	switch (alg) {
	case TOTP_SHA256:
		return EVP_sha256();
	case TOTP_SHA512:
		return EVP_sha512();
	case TOTP_SHA1:
		break;
	}
	return EVP_sha1();
}

/* RFC 4226 section 5.3: HMAC of the big-endian counter, dynamic
 * truncation, modulo 10^digits; written zero-padded into out. */
static int hotp(const struct totp_params *tp, const unsigned char *key,
	size_t keylen, uint64_t counter, char out[TOTP_MAX_DIGITS + 1])
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, off;
	uint32_t bin;
	unsigned i;

	for (i = 0; i < 8; i++)
		msg[i] = (unsigned char)(counter >> (56 - 8 * i));
	if (HMAC(alg_md(tp->alg), key, (int)keylen, msg, sizeof(msg), mac,
	    &maclen) == NULL || maclen < 20)
		return DF_EINTERNAL;
	off = mac[maclen - 1] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
		(uint32_t)mac[off + 2] << 8 | mac[off + 3];
	bin %= mod10[tp->digits];
	for (i = tp->digits; i > 0; i--) {
		out[i - 1] = (char)('0' + bin % 10);
		bin /= 10;
	}
	out[tp->digits] = '\0';
	crypto_wipe(mac, sizeof(mac));
	return 0;
}

int64_t totp_step(const struct totp_params *tp, int64_t now)
{
	if (tp == NULL || tp->step == 0 || now < 0)
		return -1;
	return now / (int64_t)tp->step;
}

int totp_generate(const struct totp_params *tp, const unsigned char *key,
	size_t keylen, int64_t now, char *out, size_t outlen)
{
	char code[TOTP_MAX_DIGITS + 1];
	int rc;

	if (!params_ok(tp, keylen) || key == NULL || now < 0 || out == NULL ||
	    outlen < tp->digits + 1)
		return DF_EINVAL;
	rc = hotp(tp, key, keylen, (uint64_t)totp_step(tp, now), code);
	if (rc == 0)
		memcpy(out, code, tp->digits + 1);
	return rc;
}

int totp_verify(const struct totp_params *tp, const unsigned char *key,
	size_t keylen, const char *code, int64_t now, int64_t *matched_step)
{
	char want[TOTP_MAX_DIGITS + 1], got[TOTP_MAX_DIGITS + 1];
	int64_t t, s, matched = -1;
	unsigned n = 0;
	int found = 0, rc = 0;

	if (!params_ok(tp, keylen) || key == NULL || code == NULL || now < 0)
		return DF_EINVAL;
	for (; *code != '\0'; code++) {
		if (*code == ' ')
			continue;
		if (*code < '0' || *code > '9' || n == tp->digits)
			return DF_EINVAL;
		want[n++] = *code;
	}
	if (n != tp->digits)
		return DF_EINVAL;
	want[n] = '\0';

	/* All candidates, no early exit: the time taken does not say which
	 * step (if any) matched. */
	t = totp_step(tp, now);
	for (s = t - (int64_t)tp->window; s <= t + (int64_t)tp->window; s++) {
		int64_t mask;
		int eq;

		if (s < 0)
			continue;
		rc = hotp(tp, key, keylen, (uint64_t)s, got);
		if (rc != 0)
			break;
		eq = crypto_equal(got, want, tp->digits);
		mask = -(int64_t)eq;
		matched = (matched & ~mask) | (s & mask);
		found |= eq;
	}
	crypto_wipe(got, sizeof(got));
	crypto_wipe(want, sizeof(want));
	if (rc != 0)
		return rc;
	if (!found)
		return DF_EAUTH;
	if (matched_step != NULL)
		*matched_step = matched;
	return 0;
}

/* --- base32 (RFC 4648 section 6) ------------------------------------------ */

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

long totp_b32_encode(const unsigned char *in, size_t len, char *out,
	size_t outlen)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0;

	if (len > (SIZE_MAX - 5) / 8 || outlen < (len * 8 + 4) / 5 + 1)
		return DF_ETOOBIG;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_alphabet[(acc >> bits) & 31];
		}
		acc &= (1ul << bits) - 1;
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return (long)o;
}

static int b32_value(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

long totp_b32_decode(const char *in, size_t len, unsigned char *out,
	size_t outlen)
{
	unsigned long acc = 0;
	size_t i, o = 0, chars = 0;
	int bits = 0, padding = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == ' ')
			continue;
		if (c == '=') {
			padding = 1;
			continue;
		}
		v = b32_value(c);
		if (v < 0 || padding)
			return DF_EINVAL;
		chars++;
		acc = (acc << 5) | (unsigned long)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == outlen)
				return DF_ETOOBIG;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1ul << bits) - 1;
		}
	}
	/* 1, 3 or 6 characters in the last group cannot come from whole
	 * bytes; leftover bits must be zero for one spelling per value. */
	if (chars % 8 == 1 || chars % 8 == 3 || chars % 8 == 6 || acc != 0)
		return DF_EINVAL;
	return (long)o;
}

int totp_secret_new(unsigned char key[TOTP_SECRET_LEN],
	char b32[TOTP_SECRET_B32_LEN + 1])
{
	if (crypto_random(key, TOTP_SECRET_LEN) != 0)
		return DF_EINTERNAL;
	totp_b32_encode(key, TOTP_SECRET_LEN, b32, TOTP_SECRET_B32_LEN + 1);
	return 0;
}

/* --- otpauth:// ------------------------------------------------------------ */

struct out {
	char *p;
	size_t len, used;
	int full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n >= o->len - o->used) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->used, s, n);
	o->used += n;
	o->p[o->used] = '\0';
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_encoded(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char e[3];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			put(o, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		put(o, e, 3);
	}
}

static int label_ok(const char *s)
{
	const char *p;

	if (s == NULL || *s == '\0' || !validate_utf8(s, strlen(s)))
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int totp_uri(const char *issuer, const char *account, const char *secret_b32,
	char *out, size_t len)
{
	struct out o = { out, len, 0, 0 };
	const char *p;

	if (!label_ok(issuer) || !label_ok(account) || secret_b32 == NULL ||
	    *secret_b32 == '\0' || out == NULL || len == 0)
		return DF_EINVAL;
	for (p = secret_b32; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '2' && *p <= '7')))
			return DF_EINVAL;
	out[0] = '\0';
	put_str(&o, "otpauth://totp/");
	put_encoded(&o, issuer);
	put_str(&o, ":");
	put_encoded(&o, account);
	put_str(&o, "?secret=");
	put_str(&o, secret_b32);
	put_str(&o, "&issuer=");
	put_encoded(&o, issuer);
	put_str(&o, "&algorithm=SHA1&digits=6&period=30");
	if (o.full) {
		out[0] = '\0';
		return DF_ETOOBIG;
	}
	return 0;
}

/* --- recovery codes -------------------------------------------------------- */

static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
#define RECOVERY_ALPHABET_LEN (sizeof(recovery_alphabet) - 1)

/* One code from rejection-sampled random bytes, so every character is
 * equally likely. */
static int recovery_one(char code[TOTP_RECOVERY_LEN + 1])
{
	const unsigned limit = 256 - 256 % RECOVERY_ALPHABET_LEN;
	unsigned char buf[32];
	size_t used = sizeof(buf), n = 0;

	while (n < TOTP_RECOVERY_CHARS) {
		if (used == sizeof(buf)) {
			if (crypto_random(buf, sizeof(buf)) != 0)
				return DF_EINTERNAL;
			used = 0;
		}
		if (buf[used] < limit) {
			if (n == TOTP_RECOVERY_CHARS / 2)
				*code++ = '-';
			*code++ = recovery_alphabet[buf[used] %
				RECOVERY_ALPHABET_LEN];
			n++;
		}
		used++;
	}
	*code = '\0';
	crypto_wipe(buf, sizeof(buf));
	return 0;
}

int totp_recovery_codes(char codes[][TOTP_RECOVERY_LEN + 1], size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (recovery_one(codes[i]) != 0)
			return DF_EINTERNAL;
		for (j = 0; j < i; j++) {
			if (strcmp(codes[i], codes[j]) == 0) {
				i--;  /* a repeat: draw this one again */
				break;
			}
		}
	}
	return 0;
}

int totp_recovery_normalize(const char *in, char out[TOTP_RECOVERY_CHARS + 1])
{
	size_t n = 0;

	if (in == NULL)
		return DF_EINVAL;
	for (; *in != '\0'; in++) {
		char c = *in;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '\0' || strchr(recovery_alphabet, c) == NULL ||
		    n == TOTP_RECOVERY_CHARS)
			return DF_EINVAL;
		out[n++] = c;
	}
	if (n != TOTP_RECOVERY_CHARS)
		return DF_EINVAL;
	out[n] = '\0';
	return 0;
}
