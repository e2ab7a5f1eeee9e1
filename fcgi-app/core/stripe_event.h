/* The payment provider's (Stripe's) event bodies, read strictly into the
 * few facts the payment fold needs. The webhook verifies the signature
 * first; this parser then trusts nothing about the shape. */
#ifndef DF_STRIPE_EVENT_H
#define DF_STRIPE_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

enum pay_kind { PAY_PAID, PAY_PAYMENT_FAILED, PAY_EXPIRED, PAY_REFUND,
	PAY_REFUND_FAILED, PAY_DISPUTE_OPEN, PAY_DISPUTE_WON, PAY_DISPUTE_LOST,
	PAY_IGNORED };

struct pay_event {            /* what core/stripe_event.c parses out */
	const char *event_id;     /* evt_...; unique */
	const char *type;         /* Stripe's type */
	enum pay_kind kind;
	const char *order_id;     /* metadata.order_id (our public id) or NULL */
	const char *session_ref;  /* cs_... or NULL */
	const char *payment_ref;  /* pi_... or NULL */
	const char *ref;          /* re_... / dp_... or NULL */
	int64_t amount;           /* minor units; -1: none */
	const char *currency;     /* upper-case, or NULL */
	time_t created;
};

/* A charge.refunded names every refund of the charge: one pay_event each,
 * at most this many (a charge with more is refused as malformed). */
#define STRIPE_EVENT_MAX 64
/* Longest event body read (Stripe's are a few kilobytes). */
#define STRIPE_EVENT_MAX_BYTES (256u * 1024)
#define STRIPE_EVENT_MAX_DEPTH 32

/* Parses one event body (len bytes, need not be NUL-terminated) into
 * out[0..*n-1] (max at least 1; STRIPE_EVENT_MAX is always enough).
 * Usually one event; a charge.refunded with a refund list gives one per
 * refund, each with event_id "<evt id>:<refund id>" so that each is
 * recorded once. An unknown type is one PAY_IGNORED event. Strings live
 * in a. 0, DF_EINVAL with *why a static sentence (why may be NULL), or
 * DF_ENOMEM. */
DF_MUST_CHECK int stripe_event_parse(struct arena *a, const char *body, size_t len,
	struct pay_event *out, size_t max, size_t *n, const char **why);

/* The payment_events.kind name of k ("paid", "refund", ...). */
const char *stripe_event_kind_name(enum pay_kind k);

#endif
