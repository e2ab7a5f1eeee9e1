/* Stripe webhook signatures: the Stripe-Signature header Stripe puts on
 * every webhook delivery, "t=<unix>,v1=<hex>[,v1=...]", an HMAC-SHA256
 * keyed with the endpoint's signing secret over "<t>.<raw body>". The
 * parser is bounded (STRIPE_SIG_MAX_HEADER bytes, STRIPE_SIG_MAX_ELEMENTS
 * elements) because the header comes from anyone who can reach the
 * webhook route. */
#ifndef DF_STRIPE_SIG_H
#define DF_STRIPE_SIG_H

#include <stddef.h>
#include <time.h>
#include "err.h"

#define STRIPE_SIG_TOLERANCE 300 /* seconds */
#define STRIPE_SIG_MAX_HEADER 4096
#define STRIPE_SIG_MAX_ELEMENTS 16

/* Verifies a Stripe-Signature header ("t=<unix>,v1=<hex>[,v1=...][,v0=...]",
 * any order, unknown schemes ignored) over the raw body against any of the
 * secrets (a rotation has two): 0 when one v1 matches one secret (constant
 * time) and |now - t| <= tolerance; DF_EAUTH for a wrong signature or an
 * old/future timestamp; DF_EINVAL for a malformed header (NULL, empty,
 * over 4 KiB, more than 16 elements, an element without '=', no t or two,
 * t not all digits, no v1). The secret is the HMAC key as given, the
 * whole string with its "whsec_" prefix, as Stripe's libraries use it. */
DF_MUST_CHECK int stripe_sig_verify(const char *header, const void *body,
	size_t len, const char *const *secrets, size_t nsecrets, time_t now,
	unsigned tolerance);
/* Writes "t=<t>,v1=<hex HMAC-SHA256(secret, "<t>." body)>" into out.
 * 0, DF_EINVAL (no secret, t < 0) or DF_ETOOBIG (out too small). */
DF_MUST_CHECK int stripe_sig_header(const char *secret, time_t t,
	const void *body, size_t len, char *out, size_t outlen);

#endif
