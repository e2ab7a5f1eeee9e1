/* HMAC tokens for reply addresses and survey links (see mactoken.h):
 * bounded scanners over NUL-terminated strings, no allocation. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crypto.h"
#include "err.h"
#include "mactoken.h"

#define MAC_BYTES 12
#define MAC_HEX (2 * MAC_BYTES)
/* The longest domain name: ours are short words. */
#define DOMAIN_MAX 64

static int payload_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' ||
		c == '-';
}

static int payload_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > MACTOKEN_PAYLOAD_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!payload_char(p[i]))
			return 0;
	return 1;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* The 24 hex digits of the MAC of domain "/" payload[0..n). */
static int mac_hex(const void *key, size_t keylen, const char *domain,
	const char *payload, size_t n, char out[MAC_HEX + 1])
{
	char buf[DOMAIN_MAX + 1 + MACTOKEN_PAYLOAD_MAX];
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t dl;

	dl = domain ? strnlen(domain, DOMAIN_MAX + 1) : 0;
	if (dl == 0 || dl > DOMAIN_MAX || !payload_ok(payload, n))
		return DF_EINVAL;
	memcpy(buf, domain, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, payload, n);
	crypto_hmac_sha256(key, keylen, buf, dl + 1 + n, mac);
	crypto_hex(mac, MAC_BYTES, out);
	crypto_wipe(mac, sizeof(mac));
	return 0;
}

int mactoken_make(const void *key, size_t keylen, const char *domain,
	const char *payload, char out[MACTOKEN_MAX])
{
	char hex[MAC_HEX + 1];
	size_t n;
	int rc;

	if (!payload)
		return DF_EINVAL;
	n = strnlen(payload, MACTOKEN_PAYLOAD_MAX + 1);
	rc = mac_hex(key, keylen, domain, payload, n, hex);
	if (rc)
		return rc;
	memcpy(out, payload, n);
	out[n] = '.';
	memcpy(out + n + 1, hex, MAC_HEX + 1);
	return 0;
}

int mactoken_check(const void *key, size_t keylen, const char *domain,
	const char *token, char *payload, size_t len)
{
	char want[MAC_HEX + 1], got[MAC_HEX];
	const char *dot;
	size_t tl, n, i;
	int rc;

	if (!token)
		return DF_EINVAL;
	tl = strnlen(token, MACTOKEN_MAX);
	if (tl >= MACTOKEN_MAX || tl < MAC_HEX + 2)
		return DF_EINVAL;
	/* The payload may hold dots; the MAC never does. */
	dot = token + tl - MAC_HEX - 1;
	if (*dot != '.')
		return DF_EINVAL;
	n = (size_t)(dot - token);
	for (i = 0; i < MAC_HEX; i++) {
		char c = lower(dot[1 + i]);

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return DF_EINVAL;
		got[i] = c;
	}
	rc = mac_hex(key, keylen, domain, token, n, want);
	if (rc)
		return rc;
	if (!crypto_equal(want, got, MAC_HEX))
		return DF_EAUTH;
	if (!payload || len <= n)
		return DF_EINVAL;
	memcpy(payload, token, n);
	payload[n] = '\0';
	return 0;
}

/* Splits a bare address at its last '@': 0 with the local part's length
 * and the host, or DF_EINVAL. */
static int split_addr(const char *addr, size_t *local_len, const char **host)
{
	const char *at;

	if (!addr)
		return DF_EINVAL;
	at = strrchr(addr, '@');
	if (!at || at == addr || at[1] == '\0')
		return DF_EINVAL;
	*local_len = (size_t)(at - addr);
	*host = at + 1;
	return 0;
}

int mactoken_reply_address(const void *key, size_t keylen,
	const char *base_addr, int64_t ticket_id, char *out, size_t len)
{
	char payload[32], tok[MACTOKEN_MAX];
	const char *host;
	size_t ll;
	int rc, n;

	if (ticket_id <= 0 || split_addr(base_addr, &ll, &host))
		return DF_EINVAL;
	snprintf(payload, sizeof(payload), "t%" PRId64, ticket_id);
	rc = mactoken_make(key, keylen, MACTOKEN_TICKET_REPLY, payload, tok);
	if (rc)
		return rc;
	n = snprintf(out, len, "%.*s+%s@%s", (int)ll, base_addr, tok, host);
	if (n < 0 || (size_t)n >= len)
		return DF_ETOOBIG;
	return 0;
}

int mactoken_reply_ticket(const void *key, size_t keylen,
	const char *base_addr, const char *addr, int64_t *ticket_id)
{
	char tok[MACTOKEN_MAX], payload[MACTOKEN_PAYLOAD_MAX + 1];
	const char *bhost, *host, *plus, *p;
	size_t bl, al, tl, i;
	int64_t id = 0;
	int rc;

	if (split_addr(base_addr, &bl, &bhost))
		return DF_EINVAL;
	if (split_addr(addr, &al, &host))
		return DF_ENOTFOUND;
	if (strcasecmp(host, bhost) != 0)
		return DF_ENOTFOUND;
	/* The tag follows the last '+' (a token holds none), so a base
	 * address with a '+' of its own still works. */
	plus = NULL;
	for (p = addr; p < addr + al; p++)
		if (*p == '+')
			plus = p;
	if (!plus || (size_t)(plus - addr) != bl ||
	    strncasecmp(addr, base_addr, bl) != 0)
		return DF_ENOTFOUND;
	tl = al - bl - 1;
	if (tl == 0)
		return DF_ENOTFOUND;
	if (tl >= sizeof(tok))
		return DF_EINVAL;
	for (i = 0; i < tl; i++)
		tok[i] = lower(plus[1 + i]);
	tok[tl] = '\0';
	rc = mactoken_check(key, keylen, MACTOKEN_TICKET_REPLY, tok, payload,
		sizeof(payload));
	if (rc)
		return rc;
	/* "t" and a positive decimal without leading zeros. */
	if (payload[0] != 't' || payload[1] < '1' || payload[1] > '9')
		return DF_EINVAL;
	for (p = payload + 1; *p; p++) {
		if (*p < '0' || *p > '9' || id > (INT64_MAX - 9) / 10)
			return DF_EINVAL;
		id = id * 10 + (*p - '0');
	}
	*ticket_id = id;
	return 0;
}
