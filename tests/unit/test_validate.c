/* Unit tests for validate.c: each rule with inputs just inside and just
 * outside what it accepts. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "validate.h"

#define U8(s) validate_utf8((s), sizeof(s) - 1)
#define TXT(s) validate_text((s), sizeof(s) - 1)

Test(validate_utf8, accepts_ascii_and_multibyte)
{
	cr_assert(U8(""));
	cr_assert(U8("plain ascii"));
	cr_assert(U8("caf\xc3\xa9"));                 /* U+00E9 */
	cr_assert(U8("\xe2\x82\xac"));                /* U+20AC */
	cr_assert(U8("\xf0\x9f\x98\x80"));            /* U+1F600 */
	cr_assert(U8("\xf4\x8f\xbf\xbf"));            /* U+10FFFF */
	cr_assert(U8("\xed\x9f\xbf"));                /* U+D7FF */
	cr_assert(U8("\xee\x80\x80"));                /* U+E000 */
}

Test(validate_utf8, refuses_overlong_forms)
{
	cr_assert_not(U8("\xc0\xaf"));                /* '/' in 2 bytes */
	cr_assert_not(U8("\xc1\xbf"));
	cr_assert_not(U8("\xe0\x80\xaf"));            /* '/' in 3 bytes */
	cr_assert_not(U8("\xe0\x9f\xbf"));            /* U+07FF in 3 bytes */
	cr_assert_not(U8("\xf0\x80\x80\xaf"));        /* '/' in 4 bytes */
	cr_assert_not(U8("\xf0\x8f\xbf\xbf"));        /* U+FFFF in 4 bytes */
	cr_assert_not(U8("\xc0\x80"));                /* modified-UTF-8 NUL */
}

Test(validate_utf8, refuses_surrogates)
{
	cr_assert_not(U8("\xed\xa0\x80"));            /* U+D800 */
	cr_assert_not(U8("\xed\xbf\xbf"));            /* U+DFFF */
	cr_assert_not(U8("\xed\xa0\xbd\xed\xb8\x80")); /* CESU-8 pair */
}

Test(validate_utf8, refuses_above_10ffff)
{
	cr_assert_not(U8("\xf4\x90\x80\x80"));        /* U+110000 */
	cr_assert_not(U8("\xf5\x80\x80\x80"));
	cr_assert_not(U8("\xf8\x88\x80\x80\x80"));    /* old 5-byte form */
	cr_assert_not(U8("\xff"));
}

Test(validate_utf8, refuses_truncated_and_stray_bytes)
{
	cr_assert_not(U8("\xc3"));
	cr_assert_not(U8("\xe2\x82"));
	cr_assert_not(U8("\xf0\x9f\x98"));
	cr_assert_not(U8("\x80"));
	cr_assert_not(U8("a\xbfz"));
	cr_assert_not(U8("\xe2\x28\xa1"));
	/* The length is honoured: the sequence is cut by len, not by NUL. */
	cr_assert_not(validate_utf8("\xc3\xa9", 1));
	cr_assert(validate_utf8("\xc3\xa9xyz", 2));
}

Test(validate_utf8, refuses_nul)
{
	cr_assert_not(U8("a\0b"));
	cr_assert_not(validate_utf8("\0", 1));
}

Test(validate_text, refuses_controls_but_keeps_whitespace)
{
	cr_assert(TXT("line one\nline two\r\n\tindented"));
	cr_assert(TXT("caf\xc3\xa9"));
	cr_assert_not(TXT("bell\x07"));
	cr_assert_not(TXT("esc\x1b[0m"));
	cr_assert_not(TXT("del\x7f"));
	cr_assert_not(TXT("nul\0"));
	cr_assert_not(TXT("\xc0\xaf"));
}

Test(validate_int, accepts_in_range_values)
{
	int64_t v = 0;

	cr_assert(validate_int("42", 0, 100, &v));
	cr_assert_eq(v, 42);
	cr_assert(validate_int("-7", -10, 10, &v));
	cr_assert_eq(v, -7);
	cr_assert(validate_int("9223372036854775807", INT64_MIN, INT64_MAX, &v));
	cr_assert_eq(v, INT64_MAX);
	cr_assert(validate_int("-9223372036854775808", INT64_MIN, INT64_MAX, &v));
	cr_assert_eq(v, INT64_MIN);
	cr_assert(validate_int("100", 1, 100, NULL));
	cr_assert(validate_int("1", 1, 100, NULL));
}

Test(validate_int, refuses_malformed_and_out_of_range)
{
	cr_assert_not(validate_int("", 0, 100, NULL));
	cr_assert_not(validate_int("-", 0, 100, NULL));
	cr_assert_not(validate_int("+5", 0, 100, NULL));
	cr_assert_not(validate_int(" 5", 0, 100, NULL));
	cr_assert_not(validate_int("5 ", 0, 100, NULL));
	cr_assert_not(validate_int("5a", 0, 100, NULL));
	cr_assert_not(validate_int("1e3", 0, 10000, NULL));
	cr_assert_not(validate_int("0x10", 0, 100, NULL));
	cr_assert_not(validate_int("101", 0, 100, NULL));
	cr_assert_not(validate_int("0", 1, 100, NULL));
	cr_assert_not(validate_int("9223372036854775808", INT64_MIN, INT64_MAX, NULL));
	cr_assert_not(validate_int("-9223372036854775809", INT64_MIN, INT64_MAX, NULL));
	cr_assert_not(validate_int("99999999999999999999999", INT64_MIN, INT64_MAX, NULL));
	cr_assert_not(validate_int(NULL, 0, 1, NULL));
}

Test(validate_uint, digits_only_up_to_max)
{
	uint64_t v = 0;

	cr_assert(validate_uint("0", 10, &v));
	cr_assert_eq(v, 0);
	cr_assert(validate_uint("18446744073709551615", UINT64_MAX, &v));
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_not(validate_uint("18446744073709551616", UINT64_MAX, NULL));
	cr_assert_not(validate_uint("11", 10, NULL));
	cr_assert_not(validate_uint("-1", 10, NULL));
	cr_assert_not(validate_uint("+1", 10, NULL));
	cr_assert_not(validate_uint("", 10, NULL));
	cr_assert_not(validate_uint("1 ", 10, NULL));
}

/* A string of n bytes: local part of 'a's, then "@" and the domain. */
static void make_email(char *buf, size_t n, const char *domain)
{
	size_t dl = strlen(domain), ll = n - dl - 1;

	memset(buf, 'a', ll);
	buf[ll] = '@';
	memcpy(buf + ll + 1, domain, dl + 1);
}

Test(validate_email, accepts_and_lowercases)
{
	char out[255];

	cr_assert(validate_email("Alice.Smith+tag@Example.COM", out));
	cr_assert_str_eq(out, "alice.smith+tag@example.com");
	cr_assert(validate_email("a@b.co", NULL));
	cr_assert(validate_email("x@sub-domain.example.org", NULL));
}

Test(validate_email, length_limit_is_254_bytes)
{
	char buf[300], out[255];

	make_email(buf, 254, "example.com");
	cr_assert_eq(strlen(buf), 254);
	cr_assert(validate_email(buf, out));
	cr_assert_eq(strlen(out), 254);
	make_email(buf, 255, "example.com");
	cr_assert_eq(strlen(buf), 255);
	cr_assert_not(validate_email(buf, out));
}

Test(validate_email, refuses_malformed)
{
	cr_assert_not(validate_email("", NULL));
	cr_assert_not(validate_email("plain", NULL));
	cr_assert_not(validate_email("@example.com", NULL));
	cr_assert_not(validate_email("a@", NULL));
	cr_assert_not(validate_email("a@b@example.com", NULL));
	cr_assert_not(validate_email("a b@example.com", NULL));
	cr_assert_not(validate_email("a@localhost", NULL));
	cr_assert_not(validate_email("a@-example.com", NULL));
	cr_assert_not(validate_email("a@example-.com", NULL));
	cr_assert_not(validate_email("a@example..com", NULL));
	cr_assert_not(validate_email("a@.example.com", NULL));
	cr_assert_not(validate_email("a@example.com.", NULL));
	cr_assert_not(validate_email("a@exa_mple.com", NULL));
	cr_assert_not(validate_email("caf\xc3\xa9@example.com", NULL));
	cr_assert_not(validate_email("a\r\n@example.com", NULL));
	cr_assert_not(validate_email(NULL, NULL));
}

Test(validate_email, refuses_label_over_63)
{
	char buf[128];

	memcpy(buf, "a@", 2);
	memset(buf + 2, 'b', 64);
	memcpy(buf + 66, ".com", 5);
	cr_assert_not(validate_email(buf, NULL));
	memcpy(buf + 65, ".com", 5); /* now 63 b's */
	cr_assert(validate_email(buf, NULL));
}

Test(validate_username, bounds_and_alphabet)
{
	cr_assert(validate_username("abc"));
	cr_assert(validate_username("user_name-42"));
	cr_assert(validate_username("abcdefghijklmnopqrstuvwxyz012345")); /* 32 */
	cr_assert_not(validate_username("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
	cr_assert_not(validate_username("ab"));
	cr_assert_not(validate_username("Abc"));
	cr_assert_not(validate_username("a.bc"));
	cr_assert_not(validate_username("a bc"));
	cr_assert_not(validate_username(""));
}

Test(validate_slug, hyphen_rules_and_bounds)
{
	cr_assert(validate_slug("my-extension", 3, 64));
	cr_assert(validate_slug("a1", 2, 2));
	cr_assert_not(validate_slug("abc", 2, 2));
	cr_assert_not(validate_slug("a", 2, 64));
	cr_assert_not(validate_slug("-abc", 1, 64));
	cr_assert_not(validate_slug("abc-", 1, 64));
	cr_assert_not(validate_slug("a--b", 1, 64));
	cr_assert_not(validate_slug("a_b", 1, 64));
	cr_assert_not(validate_slug("ABC", 1, 64));
	cr_assert_not(validate_slug("", 0, 64));
}

Test(validate_request_id, bounds_and_alphabet)
{
	char buf[130];

	cr_assert(validate_request_id("abcd.EF_-9"));
	cr_assert(validate_request_id("12345678"));
	cr_assert_not(validate_request_id("1234567"));
	memset(buf, 'x', 128);
	buf[128] = '\0';
	cr_assert(validate_request_id(buf));
	buf[128] = 'x';
	buf[129] = '\0';
	cr_assert_not(validate_request_id(buf));
	cr_assert_not(validate_request_id("abcdefgh ij"));
	cr_assert_not(validate_request_id("abcdefgh/ij"));
}

Test(validate_uuid, canonical_form_only)
{
	cr_assert(validate_uuid("123e4567-e89b-12d3-a456-426614174000"));
	cr_assert(validate_uuid("123E4567-E89B-12D3-A456-426614174000"));
	cr_assert_not(validate_uuid("123e4567e89b12d3a456426614174000"));
	cr_assert_not(validate_uuid("123e4567-e89b-12d3-a456-42661417400"));
	cr_assert_not(validate_uuid("123e4567-e89b-12d3-a456-4266141740000"));
	cr_assert_not(validate_uuid("123e4567-e89b-12d3-a456_426614174000"));
	cr_assert_not(validate_uuid("g23e4567-e89b-12d3-a456-426614174000"));
	cr_assert_not(validate_uuid(""));
}

Test(validate_enum, member_of_list)
{
	static const char *const colours[] = { "red", "green", NULL };

	cr_assert(validate_enum("red", colours));
	cr_assert(validate_enum("green", colours));
	cr_assert_not(validate_enum("Red", colours));
	cr_assert_not(validate_enum("", colours));
	cr_assert_not(validate_enum(NULL, colours));
}

Test(validate_event_name, alphabet_and_bounds)
{
	char buf[80];

	cr_assert(validate_event_name("ide.start"));
	cr_assert(validate_event_name("file_open.2"));
	cr_assert_not(validate_event_name(""));
	cr_assert_not(validate_event_name("Ide.start"));
	cr_assert_not(validate_event_name("ide-start"));
	memset(buf, 'e', 64);
	buf[64] = '\0';
	cr_assert(validate_event_name(buf));
	buf[64] = 'e';
	buf[65] = '\0';
	cr_assert_not(validate_event_name(buf));
}

Test(validate_rfc3339, utc_and_fraction)
{
	int64_t us = 0;

	cr_assert(validate_rfc3339("1970-01-01T00:00:00Z", &us));
	cr_assert_eq(us, 0);
	cr_assert(validate_rfc3339("2026-11-27T20:15:00Z", &us));
	cr_assert_eq(us, INT64_C(1795810500) * 1000000);
	cr_assert(validate_rfc3339("2026-11-27T20:15:00.5Z", &us));
	cr_assert_eq(us, INT64_C(1795810500) * 1000000 + 500000);
	cr_assert(validate_rfc3339("2026-11-27T20:15:00.123456789Z", &us));
	cr_assert_eq(us, INT64_C(1795810500) * 1000000 + 123456);
	cr_assert(validate_rfc3339("1969-12-31T23:59:59Z", &us));
	cr_assert_eq(us, -1000000);
	cr_assert(validate_rfc3339("2026-11-27t20:15:00z", &us));
}

Test(validate_rfc3339, offsets_convert_to_utc)
{
	int64_t us = 0, utc = INT64_C(1795810500) * 1000000;

	cr_assert(validate_rfc3339("2026-11-27T21:15:00+01:00", &us));
	cr_assert_eq(us, utc);
	cr_assert(validate_rfc3339("2026-11-27T15:45:00-04:30", &us));
	cr_assert_eq(us, utc);
	cr_assert(validate_rfc3339("2026-11-28T01:45:00.25+05:30", &us));
	cr_assert_eq(us, utc + 250000);
	cr_assert(validate_rfc3339("2026-11-27T20:15:00-00:00", &us));
	cr_assert_eq(us, utc);
}

Test(validate_rfc3339, leap_year_days)
{
	int64_t a = 0, b = 0;

	cr_assert(validate_rfc3339("2024-02-29T00:00:00Z", &a));
	cr_assert(validate_rfc3339("2024-03-01T00:00:00Z", &b));
	cr_assert_eq(b - a, INT64_C(86400) * 1000000);
	cr_assert(validate_rfc3339("2000-02-29T12:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("1900-02-29T12:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("2023-02-29T12:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("2024-02-30T12:00:00Z", NULL));
	cr_assert(validate_rfc3339("2023-12-31T23:59:59Z", NULL));
	cr_assert_not(validate_rfc3339("2023-04-31T00:00:00Z", NULL));
}

Test(validate_rfc3339, refuses_malformed)
{
	cr_assert_not(validate_rfc3339("", NULL));
	cr_assert_not(validate_rfc3339("2026-11-27", NULL));
	cr_assert_not(validate_rfc3339("2026-11-27T20:15:00", NULL));
	cr_assert_not(validate_rfc3339("2026-11-27 20:15:00Z", NULL));
	cr_assert_not(validate_rfc3339("2026-13-01T00:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("2026-00-01T00:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("2026-01-00T00:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T24:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:60:00Z", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:00:60Z", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:00:00.Z", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:00:00.1234567890Z", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:00:00+0100", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:00:00+24:00", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:00:00+01:60", NULL));
	cr_assert_not(validate_rfc3339("2026-01-01T00:00:00Zjunk", NULL));
	cr_assert_not(validate_rfc3339("26-01-01T00:00:00Z", NULL));
	cr_assert_not(validate_rfc3339("2026-1-01T00:00:00Z", NULL));
}

Test(validate_cidr, ipv4_membership)
{
	struct validate_cidr c;

	cr_assert(validate_cidr_parse("127.0.0.0/8", &c));
	cr_assert_eq(c.family, AF_INET);
	cr_assert_eq(c.prefix, 8);
	cr_assert(validate_cidr_contains(&c, "127.0.0.1"));
	cr_assert(validate_cidr_contains(&c, "127.255.255.255"));
	cr_assert_not(validate_cidr_contains(&c, "128.0.0.1"));
	cr_assert_not(validate_cidr_contains(&c, "::1"));
	cr_assert_not(validate_cidr_contains(&c, "not an address"));
	cr_assert_not(validate_cidr_contains(&c, ""));

	cr_assert(validate_cidr_parse("10.1.2.0/23", &c));
	cr_assert(validate_cidr_contains(&c, "10.1.3.200"));
	cr_assert_not(validate_cidr_contains(&c, "10.1.4.0"));
	cr_assert_not(validate_cidr_contains(&c, "10.1.1.255"));
}

Test(validate_cidr, ipv4_edge_prefixes)
{
	struct validate_cidr c;

	cr_assert(validate_cidr_parse("0.0.0.0/0", &c));
	cr_assert(validate_cidr_contains(&c, "1.2.3.4"));
	cr_assert(validate_cidr_contains(&c, "255.255.255.255"));
	cr_assert_not(validate_cidr_contains(&c, "2001:db8::1"));

	cr_assert(validate_cidr_parse("192.0.2.7/32", &c));
	cr_assert(validate_cidr_contains(&c, "192.0.2.7"));
	cr_assert_not(validate_cidr_contains(&c, "192.0.2.6"));

	cr_assert(validate_cidr_parse("192.0.2.7", &c)); /* bare = host */
	cr_assert_eq(c.prefix, 32);
	cr_assert(validate_cidr_contains(&c, "192.0.2.7"));
	cr_assert_not(validate_cidr_contains(&c, "192.0.2.8"));
}

Test(validate_cidr, ipv6_membership_and_edges)
{
	struct validate_cidr c;

	cr_assert(validate_cidr_parse("::1/128", &c));
	cr_assert_eq(c.family, AF_INET6);
	cr_assert(validate_cidr_contains(&c, "::1"));
	cr_assert(validate_cidr_contains(&c, "0:0:0:0:0:0:0:1"));
	cr_assert_not(validate_cidr_contains(&c, "::2"));
	cr_assert_not(validate_cidr_contains(&c, "127.0.0.1"));

	cr_assert(validate_cidr_parse("2001:db8::/32", &c));
	cr_assert(validate_cidr_contains(&c, "2001:db8:ffff::1"));
	cr_assert_not(validate_cidr_contains(&c, "2001:db9::1"));

	cr_assert(validate_cidr_parse("fe80::/10", &c));
	cr_assert(validate_cidr_contains(&c, "febf::1"));
	cr_assert_not(validate_cidr_contains(&c, "fec0::1"));

	cr_assert(validate_cidr_parse("::/0", &c));
	cr_assert(validate_cidr_contains(&c, "2001:db8::1"));
	cr_assert(validate_cidr_contains(&c, "::"));

	cr_assert(validate_cidr_parse("2001:db8::5", &c));
	cr_assert_eq(c.prefix, 128);
}

Test(validate_cidr, v4_mapped_client_matches_v4_network)
{
	struct validate_cidr c;

	cr_assert(validate_cidr_parse("127.0.0.0/8", &c));
	cr_assert(validate_cidr_contains(&c, "::ffff:127.0.0.1"));
	cr_assert_not(validate_cidr_contains(&c, "::ffff:10.0.0.1"));
}

Test(validate_cidr, refuses_malformed)
{
	struct validate_cidr c;

	cr_assert_not(validate_cidr_parse("", &c));
	cr_assert_not(validate_cidr_parse("/8", &c));
	cr_assert_not(validate_cidr_parse("127.0.0.0/", &c));
	cr_assert_not(validate_cidr_parse("127.0.0.0/33", &c));
	cr_assert_not(validate_cidr_parse("::1/129", &c));
	cr_assert_not(validate_cidr_parse("127.0.0.0/-1", &c));
	cr_assert_not(validate_cidr_parse("127.0.0.0/+8", &c));
	cr_assert_not(validate_cidr_parse("127.0.0.0/08", &c));
	cr_assert_not(validate_cidr_parse("127.0.0.0/8 ", &c));
	cr_assert_not(validate_cidr_parse("127.0.0/8", &c));
	cr_assert_not(validate_cidr_parse("256.0.0.0/8", &c));
	cr_assert_not(validate_cidr_parse("localhost", &c));
	cr_assert_not(validate_cidr_parse("1.2.3.4/8/8", &c));
}

Test(validate_http_url, accepts_http_and_https)
{
	cr_assert(validate_http_url("https://example.com", 2048));
	cr_assert(validate_http_url("http://example.com/", 2048));
	cr_assert(validate_http_url("HTTPS://Dev.Example.org:8443/a/b?q=1&r=%2F#top", 2048));
	cr_assert(validate_http_url("https://[2001:db8::1]/x", 2048));
	cr_assert(validate_http_url("https://[::1]:8080", 2048));
	cr_assert(validate_http_url("https://example.com/~user/it's(1)", 2048));
}

Test(validate_http_url, refuses_other_schemes_and_shapes)
{
	cr_assert_not(validate_http_url(NULL, 2048));
	cr_assert_not(validate_http_url("", 2048));
	cr_assert_not(validate_http_url("javascript:alert(1)", 2048));
	cr_assert_not(validate_http_url("ftp://example.com", 2048));
	cr_assert_not(validate_http_url("https://", 2048));
	cr_assert_not(validate_http_url("https:example.com", 2048));
	cr_assert_not(validate_http_url("//example.com", 2048));
	cr_assert_not(validate_http_url("https://localhost/", 2048));
	cr_assert_not(validate_http_url("https://-bad.example/", 2048));
	cr_assert_not(validate_http_url("https://exa_mple.com/", 2048));
	cr_assert_not(validate_http_url("https://example..com/", 2048));
	cr_assert_not(validate_http_url("https://example.com./", 2048));
	cr_assert_not(validate_http_url("https://[::1/", 2048));
	cr_assert_not(validate_http_url("https://[]/", 2048));
	cr_assert_not(validate_http_url("https://[example.com]/", 2048));
}

Test(validate_http_url, refuses_user_information)
{
	cr_assert_not(validate_http_url("https://bank.example@evil.example/", 2048));
	cr_assert_not(validate_http_url("https://user:pw@example.com/", 2048));
	/* '@' after the authority is an ordinary path character. */
	cr_assert(validate_http_url("https://example.com/@user", 2048));
}

Test(validate_http_url, checks_the_port)
{
	cr_assert(validate_http_url("https://example.com:1/", 2048));
	cr_assert(validate_http_url("https://example.com:65535/", 2048));
	cr_assert_not(validate_http_url("https://example.com:0/", 2048));
	cr_assert_not(validate_http_url("https://example.com:65536/", 2048));
	cr_assert_not(validate_http_url("https://example.com:/", 2048));
	cr_assert_not(validate_http_url("https://example.com:080/", 2048));
	cr_assert_not(validate_http_url("https://example.com:+80/", 2048));
	cr_assert_not(validate_http_url("https://example.com:123456/", 2048));
}

Test(validate_http_url, refuses_spaces_controls_and_bad_escapes)
{
	cr_assert_not(validate_http_url("https://example.com/a b", 2048));
	cr_assert_not(validate_http_url("https://example.com/a\tb", 2048));
	cr_assert_not(validate_http_url("https://example.com/<script>", 2048));
	cr_assert_not(validate_http_url("https://example.com/\"x\"", 2048));
	cr_assert_not(validate_http_url("https://example.com/%", 2048));
	cr_assert_not(validate_http_url("https://example.com/%4", 2048));
	cr_assert_not(validate_http_url("https://example.com/%zz", 2048));
	cr_assert_not(validate_http_url("https://example.com/caf\xc3\xa9", 2048));
	cr_assert_not(validate_http_url("https://b\xc3\xbccher.example/", 2048));
	cr_assert(validate_http_url("https://example.com/caf%C3%A9", 2048));
}

Test(validate_http_url, bounds_the_length)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "https://example.com/%s", "abcdefghij");
	cr_assert(validate_http_url(buf, strlen(buf)));
	cr_assert_not(validate_http_url(buf, strlen(buf) - 1));
}

Test(validate_github_username, follows_githubs_rules)
{
	cr_assert(validate_github_username("a"));
	cr_assert(validate_github_username("Octo-Cat"));
	cr_assert(validate_github_username("abc123"));
	cr_assert(validate_github_username("a23456789012345678901234567890123456789"));
	cr_assert_not(validate_github_username("a234567890123456789012345678901234567890"));
	cr_assert_not(validate_github_username(""));
	cr_assert_not(validate_github_username(NULL));
	cr_assert_not(validate_github_username("-octo"));
	cr_assert_not(validate_github_username("octo-"));
	cr_assert_not(validate_github_username("oc--to"));
	cr_assert_not(validate_github_username("oc_to"));
	cr_assert_not(validate_github_username("oc.to"));
	cr_assert_not(validate_github_username("oc to"));
}

Test(validate_utf8, prefix_counts_characters_not_bytes)
{
	cr_assert_eq(validate_utf8_prefix("h\xc3\xa9llo", 2), 3);
	cr_assert_eq(validate_utf8_prefix("\xe2\x82\xac\xe2\x82\xac", 1), 3);
	cr_assert_eq(validate_utf8_prefix("ab", 5), 2);
	cr_assert_eq(validate_utf8_prefix("", 3), 0);
}
