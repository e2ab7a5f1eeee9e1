/* Field rules as small pure functions: each returns 1 when the input is
 * acceptable and 0 otherwise, never allocates, never trusts a NUL it was
 * not promised. Easy to unit test and to fuzz. */
#ifndef DF_VALIDATE_H
#define DF_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF), no NUL. */
int validate_utf8(const char *s, size_t len);
/* The bytes of the first max characters of s (valid UTF-8, NUL-ended):
 * where to cut it without splitting a character. */
size_t validate_utf8_prefix(const char *s, size_t max);
/* Same, and no C0 control characters other than \t \n \r, no DEL. */
int validate_text(const char *s, size_t len);
/* Decimal integer, optional leading '-', no spaces, in [min,max]. */
int validate_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* Unsigned decimal, digits only (no sign, no space), <= max. */
int validate_uint(const char *s, uint64_t max, uint64_t *out);
/* An e-mail address: <= 254 bytes, one '@', a non-empty local part of
 * printable ASCII without spaces, a domain of dot-separated LDH labels
 * with at least one dot. Writes the lower-cased form to out (size >= 255)
 * when out is not NULL. */
int validate_email(const char *s, char *out);
/* 3-32 of [a-z0-9_-]. */
int validate_username(const char *s);
/* lo-hi of [a-z0-9-], not starting or ending with '-', no "--". */
int validate_slug(const char *s, size_t lo, size_t hi);
/* 8-128 of [A-Za-z0-9._-]. */
int validate_request_id(const char *s);
/* A canonical UUID (8-4-4-4-12 hex, any case). */
int validate_uuid(const char *s);
/* One of the NULL-terminated list. */
int validate_enum(const char *s, const char *const *allowed);
/* Lower-case analytics event name: [a-z0-9_.]{1,64}. */
int validate_event_name(const char *s);
/* RFC 3339 date-time ("2026-11-27T20:15:00Z", fractional seconds and
 * +hh:mm offsets allowed); writes the UTC unix time in microseconds. */
int validate_rfc3339(const char *s, int64_t *out_us);
/* An IPv4 or IPv6 CIDR ("127.0.0.0/8", "::1/128", bare address = host). */
struct validate_cidr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
};
int validate_cidr_parse(const char *s, struct validate_cidr *out);
/* 1 when the textual address addr lies inside c. */
int validate_cidr_contains(const struct validate_cidr *c, const char *addr);

/* An absolute http or https URL of at most max bytes: scheme (any case),
 * "//", a host of dot-separated LDH labels with at least one dot or a
 * bracketed IPv6 address, an optional port 1-65535, then path, query and
 * fragment of RFC 3986 characters with well-formed %XX escapes. User
 * information ("user@host") is refused: it only serves to disguise the
 * real host. */
int validate_http_url(const char *s, size_t max);
/* A GitHub user name: 1-39 of [A-Za-z0-9-], no leading or trailing
 * hyphen, no two hyphens in a row. */
int validate_github_username(const char *s);
/* An SPDX licence identifier from the common list (matched without
 * regard to case) or LicenseRef-<letters, digits, '.', '-'> up to 64
 * characters: the canonical spelling (a static string, or s itself for a
 * LicenseRef), or NULL. */
const char *validate_spdx_id(const char *s);

#endif
