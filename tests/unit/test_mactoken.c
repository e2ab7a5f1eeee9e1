/* Unit tests of the HMAC tokens behind ticket reply addresses and survey
 * links: a made token checks in its own domain only, any change to it is
 * refused with the right code, and reply addresses round-trip while
 * other hosts, other local parts and missing tags are not ours. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "mactoken.h"

static const char key[] = "0123456789abcdef0123456789abcdef";
#define K key, sizeof(key) - 1
#define BASE "support@devforge.dev"

Test(mactoken, round_trip)
{
	char tok[MACTOKEN_MAX], p[MACTOKEN_PAYLOAD_MAX + 1];

	cr_assert_eq(mactoken_make(K, "csat", "t42.x-1", tok), 0);
	cr_assert_eq(strlen(tok), strlen("t42.x-1") + 1 + 24);
	cr_assert_eq(strncmp(tok, "t42.x-1.", 8), 0);
	cr_assert_eq(mactoken_check(K, "csat", tok, p, sizeof(p)), 0);
	cr_assert_str_eq(p, "t42.x-1");
}

Test(mactoken, longest_payload_fits)
{
	char tok[MACTOKEN_MAX], p[MACTOKEN_PAYLOAD_MAX + 1], pl[66];

	memset(pl, 'a', 64);
	pl[64] = '\0';
	cr_assert_eq(mactoken_make(K, "csat", pl, tok), 0);
	cr_assert_eq(mactoken_check(K, "csat", tok, p, sizeof(p)), 0);
	cr_assert_str_eq(p, pl);
	/* A buffer too small for the payload is refused, not overrun. */
	cr_assert_eq(mactoken_check(K, "csat", tok, p, 64), DF_EINVAL);
	pl[64] = 'a';
	pl[65] = '\0';
	cr_assert_eq(mactoken_make(K, "csat", pl, tok), DF_EINVAL);
}

Test(mactoken, tampered_mac_or_payload_is_eauth)
{
	char tok[MACTOKEN_MAX], p[MACTOKEN_PAYLOAD_MAX + 1];
	size_t n;

	cr_assert_eq(mactoken_make(K, "csat", "t42", tok), 0);
	n = strlen(tok);
	tok[n - 1] = tok[n - 1] == '0' ? '1' : '0';
	cr_assert_eq(mactoken_check(K, "csat", tok, p, sizeof(p)), DF_EAUTH);
	cr_assert_eq(mactoken_make(K, "csat", "t42", tok), 0);
	tok[2] = '3';   /* t43 with t42's mac */
	cr_assert_eq(mactoken_check(K, "csat", tok, p, sizeof(p)), DF_EAUTH);
	/* Another key. */
	cr_assert_eq(mactoken_make(K, "csat", "t42", tok), 0);
	cr_assert_eq(mactoken_check("other", 5, "csat", tok, p, sizeof(p)), DF_EAUTH);
}

Test(mactoken, other_domain_is_eauth)
{
	char tok[MACTOKEN_MAX], p[MACTOKEN_PAYLOAD_MAX + 1];

	cr_assert_eq(mactoken_make(K, "csat", "t42", tok), 0);
	cr_assert_eq(mactoken_check(K, "ticket-reply", tok, p, sizeof(p)), DF_EAUTH);
}

Test(mactoken, malformed_is_einval)
{
	static const char *bad[] = {
		"", "t42", "t42.", ".0123456789abcdef01234567",
		"t42.0123456789abcdef0123456",     /* 23 hex */
		"t42.0123456789abcdef012345678",   /* 25 hex: "t42.0" payload, bad length */
		"t42x0123456789abcdef01234567",    /* no dot */
		"T42.0123456789abcdef01234567",    /* upper-case payload */
		"t 2.0123456789abcdef01234567",
		"t42.0123456789abcdef0123456g",
		"t42/0123456789abcdef01234567",
	};
	char p[MACTOKEN_PAYLOAD_MAX + 1], tok[MACTOKEN_MAX], longtok[300];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = mactoken_check(K, "csat", bad[i], p, sizeof(p));

		cr_assert_eq(rc, DF_EINVAL, "\"%s\" gave %d", bad[i], rc);
	}
	cr_assert_eq(mactoken_check(K, "csat", NULL, p, sizeof(p)), DF_EINVAL);
	cr_assert_eq(mactoken_make(K, "csat", "", tok), DF_EINVAL);
	cr_assert_eq(mactoken_make(K, "csat", "A", tok), DF_EINVAL);
	cr_assert_eq(mactoken_make(K, "csat", "a+b", tok), DF_EINVAL);
	cr_assert_eq(mactoken_make(K, "", "t1", tok), DF_EINVAL);
	/* Far too long input is refused without reading it all. */
	memset(longtok, 'a', sizeof(longtok) - 1);
	longtok[sizeof(longtok) - 1] = '\0';
	cr_assert_eq(mactoken_check(K, "csat", longtok, p, sizeof(p)), DF_EINVAL);
}

Test(mactoken, hex_is_case_insensitive)
{
	char tok[MACTOKEN_MAX], p[MACTOKEN_PAYLOAD_MAX + 1];
	size_t i;

	cr_assert_eq(mactoken_make(K, "csat", "t7", tok), 0);
	for (i = 3; tok[i]; i++)
		if (tok[i] >= 'a' && tok[i] <= 'f')
			tok[i] = (char)(tok[i] - 'a' + 'A');
	cr_assert_eq(mactoken_check(K, "csat", tok, p, sizeof(p)), 0);
	cr_assert_str_eq(p, "t7");
}

Test(mactoken, reply_address_round_trip)
{
	char addr[256];
	int64_t id = 0;

	cr_assert_eq(mactoken_reply_address(K, BASE, 42, addr, sizeof(addr)), 0);
	cr_assert_eq(strncmp(addr, "support+t42.", 12), 0);
	cr_assert(strstr(addr, "@devforge.dev") != NULL);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, addr, &id), 0);
	cr_assert_eq(id, 42);
}

Test(mactoken, reply_address_case_folded_by_mta)
{
	char addr[256];
	int64_t id = 0;
	size_t i;

	cr_assert_eq(mactoken_reply_address(K, BASE, 9001, addr, sizeof(addr)), 0);
	for (i = 0; addr[i]; i++)
		if (addr[i] >= 'a' && addr[i] <= 'z')
			addr[i] = (char)(addr[i] - 'a' + 'A');
	cr_assert_eq(mactoken_reply_ticket(K, BASE, addr, &id), 0);
	cr_assert_eq(id, 9001);
}

Test(mactoken, reply_address_base_with_plus)
{
	char addr[256];
	int64_t id = 0;

	cr_assert_eq(mactoken_reply_address(K, "help+desk@x.test", 5, addr,
		sizeof(addr)), 0);
	cr_assert_eq(mactoken_reply_ticket(K, "help+desk@x.test", addr, &id), 0);
	cr_assert_eq(id, 5);
	cr_assert_eq(mactoken_reply_ticket(K, "help@x.test", addr, &id),
		DF_ENOTFOUND);
}

Test(mactoken, reply_ticket_other_host_or_missing_tag_is_not_ours)
{
	char addr[256], other[256];
	int64_t id = 0;
	char *at;

	cr_assert_eq(mactoken_reply_address(K, BASE, 42, addr, sizeof(addr)), 0);
	at = strchr(addr, '@');
	snprintf(other, sizeof(other), "%.*s@evil.test", (int)(at - addr), addr);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, other, &id), DF_ENOTFOUND);
	snprintf(other, sizeof(other), "sales%s", strchr(addr, '+'));
	cr_assert_eq(mactoken_reply_ticket(K, BASE, other, &id), DF_ENOTFOUND);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, "support@devforge.dev", &id),
		DF_ENOTFOUND);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, "support+@devforge.dev", &id),
		DF_ENOTFOUND);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, "someone@example.com", &id),
		DF_ENOTFOUND);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, "no-at-sign", &id),
		DF_ENOTFOUND);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, "", &id), DF_ENOTFOUND);
}

Test(mactoken, reply_ticket_forged_or_malformed)
{
	char addr[256], tok[MACTOKEN_MAX];
	int64_t id = 0;
	char *at;

	cr_assert_eq(mactoken_reply_address(K, BASE, 42, addr, sizeof(addr)), 0);
	at = strchr(addr, '@');
	at[-1] = at[-1] == '0' ? '1' : '0';
	cr_assert_eq(mactoken_reply_ticket(K, BASE, addr, &id), DF_EAUTH);
	/* Made with another key. */
	cr_assert_eq(mactoken_reply_address("k2", 2, BASE, 42, addr, sizeof(addr)), 0);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, addr, &id), DF_EAUTH);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, "support+hello@devforge.dev",
		&id), DF_EINVAL);
	/* A genuine token of another domain or payload shape is no ticket. */
	cr_assert_eq(mactoken_make(K, "csat", "t42", tok), 0);
	snprintf(addr, sizeof(addr), "support+%s@devforge.dev", tok);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, addr, &id), DF_EAUTH);
	cr_assert_eq(mactoken_make(K, MACTOKEN_TICKET_REPLY, "t042", tok), 0);
	snprintf(addr, sizeof(addr), "support+%s@devforge.dev", tok);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, addr, &id), DF_EINVAL);
	cr_assert_eq(mactoken_make(K, MACTOKEN_TICKET_REPLY, "u42", tok), 0);
	snprintf(addr, sizeof(addr), "support+%s@devforge.dev", tok);
	cr_assert_eq(mactoken_reply_ticket(K, BASE, addr, &id), DF_EINVAL);
	cr_assert_eq(mactoken_reply_address(K, "nobody", 1, addr, sizeof(addr)),
		DF_EINVAL);
	cr_assert_eq(mactoken_reply_address(K, BASE, 0, addr, sizeof(addr)),
		DF_EINVAL);
	cr_assert_eq(mactoken_reply_address(K, BASE, 1, addr, 10), DF_ETOOBIG);
	cr_assert_eq(mactoken_reply_ticket(K, "bad", "support+x@y", &id), DF_EINVAL);
}
