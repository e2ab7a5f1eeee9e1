/* libFuzzer target for the Stripe-Signature parser and check. The input's
 * first line is the header, the rest the body. Whatever the header, the
 * verifier answers 0, DF_EAUTH or DF_EINVAL (never reads out of bounds);
 * a header over the size cap is DF_EINVAL; and a header we make for the
 * body verifies at its own time and not for a body one byte different. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "stripe_sig.h"

#define IN_MAX (2 * STRIPE_SIG_MAX_HEADER)

static char header[IN_MAX + 1];
static unsigned char body[IN_MAX + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const secrets[] = { "whsec_fuzz_one", "whsec_fuzz_two" };
	const uint8_t *nl;
	size_t hlen, blen;
	char made[160];
	time_t t;
	int rc;

	if (size > IN_MAX)
		return 0;
	nl = memchr(data, '\n', size);
	hlen = nl != NULL ? (size_t)(nl - data) : size;
	blen = nl != NULL ? size - hlen - 1 : 0;
	memcpy(header, data, hlen);
	header[hlen] = '\0';
	if (blen > 0)
		memcpy(body, nl + 1, blen);

	/* A NUL inside the header ends it there, as for a C string. */
	rc = stripe_sig_verify(header, body, blen, secrets, 2, 1767225600,
		STRIPE_SIG_TOLERANCE);
	if (rc != 0 && rc != DF_EAUTH && rc != DF_EINVAL)
		abort();
	if (strlen(header) > STRIPE_SIG_MAX_HEADER && rc != DF_EINVAL)
		abort();

	/* Our own header over this body, at a time taken from the input. */
	t = (time_t)(hlen * 7919u + blen);
	if (stripe_sig_header(secrets[1], t, body, blen, made, sizeof(made)) != 0)
		abort();
	if (stripe_sig_verify(made, body, blen, secrets, 2, t,
		STRIPE_SIG_TOLERANCE) != 0)
		abort();
	if (blen > 0) {
		body[blen / 2] ^= 1;
		if (stripe_sig_verify(made, body, blen, secrets, 2, t,
			STRIPE_SIG_TOLERANCE) != DF_EAUTH)
			abort();
	}
	/* One secret alone that is not the signer's never matches. */
	if (stripe_sig_verify(made, body, blen, secrets, 1, t,
		STRIPE_SIG_TOLERANCE) == 0)
		abort();
	return 0;
}
