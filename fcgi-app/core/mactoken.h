/* Short HMAC-SHA256 tokens for links and addresses that must be typed
 * back by a mail client or a browser: the ticket reply address
 * ("support+t42.<mac>@host") and the CSAT survey link. A token is
 *   payload "." hex(first 12 bytes of HMAC(key, domain "/" payload))
 * (24 lowercase hex digits); payload is [0-9a-z.-]{1,64}. The key is the
 * config's jwt_secret (so no new secret file); domain separates uses
 * ("ticket-reply", "csat"), so a token of one kind never checks as
 * another. 96 bits of MAC: forging one takes 2^96 tries online. */
#ifndef DF_MACTOKEN_H
#define DF_MACTOKEN_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

/* Longest token + NUL (64 payload + "." + 24 hex + NUL = 90). */
#define MACTOKEN_MAX 96
/* The payload's longest length (without NUL). */
#define MACTOKEN_PAYLOAD_MAX 64
/* The domain of ticket reply addresses. */
#define MACTOKEN_TICKET_REPLY "ticket-reply"

/* 0, or DF_EINVAL when payload is not [0-9a-z.-]{1,64} or domain is
 * empty. */
DF_MUST_CHECK int mactoken_make(const void *key, size_t keylen,
	const char *domain, const char *payload, char out[MACTOKEN_MAX]);
/* 0 with the payload copied into payload (len bytes); DF_EINVAL
 * malformed (or payload too small for it); DF_EAUTH wrong mac. Hex
 * compared case-insensitively, in constant time. */
DF_MUST_CHECK int mactoken_check(const void *key, size_t keylen,
	const char *domain, const char *token, char *payload, size_t len);
/* The reply address of a ticket: local "+" token "@" host from
 * support_reply_address, token = mactoken(domain "ticket-reply",
 * payload "t<ticket id>"). DF_EINVAL when base_addr is not local@host
 * or ticket_id <= 0; DF_ETOOBIG when out is too small. */
DF_MUST_CHECK int mactoken_reply_address(const void *key, size_t keylen,
	const char *base_addr, int64_t ticket_id, char *out, size_t len);
/* The ticket id from an address "local+token@host" whose local and host
 * equal base_addr's (case-insensitive): 0, DF_ENOTFOUND (not ours / no
 * tag), DF_EINVAL (a tag that is not a token, or a token that is not a
 * ticket's), DF_EAUTH (forged). The tag is compared lowercased: some
 * mail systems fold the case of local parts. */
DF_MUST_CHECK int mactoken_reply_ticket(const void *key, size_t keylen,
	const char *base_addr, const char *addr, int64_t *ticket_id);

#endif
