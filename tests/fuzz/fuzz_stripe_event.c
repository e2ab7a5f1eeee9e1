/* libFuzzer target for the Stripe event parser (the webhook's body after
 * its signature checked out). Whatever the input, the parser must answer
 * 0 with 1..STRIPE_EVENT_MAX events whose facts hold what the fold
 * relies on, or DF_EINVAL with a reason and no events. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "stripe_event.h"

static struct pay_event ev[STRIPE_EVENT_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(8192);
	const char *why;
	size_t n, i;
	int rc;

	if (a == NULL)
		return 0;
	rc = stripe_event_parse(a, (const char *)data, size, ev,
		STRIPE_EVENT_MAX, &n, &why);
	if (rc == DF_EINVAL) {
		if (n != 0 || why == NULL)
			__builtin_trap();
	} else if (rc == 0) {
		if (n < 1 || n > STRIPE_EVENT_MAX)
			__builtin_trap();
		for (i = 0; i < n; i++) {
			if (ev[i].event_id == NULL || ev[i].type == NULL ||
			    strncmp(ev[i].event_id, "evt_", 4) != 0 ||
			    ev[i].created <= 0 || ev[i].amount < -1 ||
			    (unsigned)ev[i].kind > PAY_IGNORED)
				__builtin_trap();
			if (ev[i].currency != NULL &&
			    (strlen(ev[i].currency) != 3 ||
			     !isupper((unsigned char)ev[i].currency[0]) ||
			     !isupper((unsigned char)ev[i].currency[2])))
				__builtin_trap();
			if ((ev[i].kind == PAY_PAID || ev[i].kind == PAY_REFUND ||
			     ev[i].kind >= PAY_DISPUTE_OPEN) &&
			    ev[i].kind != PAY_IGNORED && ev[i].amount < 0 &&
			    ev[i].kind != PAY_DISPUTE_OPEN)
				__builtin_trap();
			if ((ev[i].kind == PAY_REFUND_FAILED ||
			     ev[i].kind >= PAY_DISPUTE_OPEN) &&
			    ev[i].kind != PAY_IGNORED && ev[i].ref == NULL)
				__builtin_trap();
		}
	} else if (rc != DF_ENOMEM) {
		__builtin_trap();
	}
	arena_free(a);
	return 0;
}
