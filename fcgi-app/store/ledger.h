/* The read side of the money ledger (ledger_entries, payouts): what a
 * developer earned per month, currency and extension, and the payout
 * rule that decides which months are due. Rows of ledger_entries are
 * written only by store/payments.c; the one write here is the payouts
 * row an admin marks paid.
 *
 * A period is a calendar month in UTC, counted as year * 12 + month - 1
 * (so consecutive months are consecutive integers). */
#ifndef DF_STORE_LEDGER_H
#define DF_STORE_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

/* Sums of ledger rows, minor units. gross: the sales; refunds: what
 * refunds and lost disputes took back, net of their reversals, as a
 * positive number; fee and net: every row's, so net = gross - refunds -
 * fee. */
struct store_ledger_sums {
	int64_t gross, refunds, fee, net;
};

/* One developer's month in one currency. */
struct store_ledger_month {
	char currency[4];
	int period;
	struct store_ledger_sums s;
};

/* One developer's extension over a span, in one currency. */
struct store_ledger_ext {
	char currency[4];
	const char *slug, *name;
	struct store_ledger_sums s;
};

/* A developer's net per currency: before a period and in all. */
struct store_ledger_balance {
	char currency[4];
	int64_t net_before;       /* rows before the span's first month */
	int64_t net_all;          /* every row */
};

struct store_ledger_payout {
	char currency[4];
	int period;
	int64_t amount;
	const char *paid_at;      /* RFC 3339 UTC */
	const char *paid_by;      /* the admin's public id */
};

/* "YYYY-MM" (year 1970-9999, month 01-12) of exactly len bytes to a
 * period: 0, or DF_EINVAL. */
DF_MUST_CHECK int store_ledger_period_parse(const char *s, size_t len, int *period);
/* The period as "YYYY-MM" into out (8 bytes). */
void store_ledger_period_format(int period, char out[8]);
/* The period of unix time t (UTC). */
int store_ledger_period_of(int64_t t);

/* The payout rule (docs/OPERATIONS.md, "Payouts"). A month is open
 * until it has ended; an ended month with a payouts row is paid; one
 * whose balance was carried into a later month's payout is
 * carried_forward; otherwise its payable (the net balance up to its end
 * minus every payout of an earlier month) is due when positive and at
 * least the minimum, and carried_forward when below it or negative (a
 * debt). */
enum store_ledger_status {
	STORE_LEDGER_OPEN, STORE_LEDGER_PAID, STORE_LEDGER_DUE,
	STORE_LEDGER_CARRIED_FORWARD
};
enum store_ledger_status store_ledger_status(int period, int current,
	int paid, int paid_later, int64_t payable, int64_t minimum);
/* "open", "paid", "due", "carried_forward". */
const char *store_ledger_status_name(enum store_ledger_status st);

/* The developer's sums per currency and month from period from to to
 * (both included), months with rows only, by currency then period. */
DF_MUST_CHECK int store_ledger_months(struct arena *a, int64_t dev_id, int from, int to,
	struct store_ledger_month **out, size_t *n);
/* The same per extension (through the order item), by currency, then
 * gross (largest first), then slug. */
DF_MUST_CHECK int store_ledger_extensions(struct arena *a, int64_t dev_id, int from,
	int to, struct store_ledger_ext **out, size_t *n);
/* Every currency the developer has ledger rows in, with the net before
 * period from and in all, by currency. */
DF_MUST_CHECK int store_ledger_balances(struct arena *a, int64_t dev_id, int from,
	struct store_ledger_balance **out, size_t *n);
/* Every payout of the developer, by currency then period. */
DF_MUST_CHECK int store_ledger_payouts(struct arena *a, int64_t dev_id,
	struct store_ledger_payout **out, size_t *n);

/* One developer and currency as of the end of one period. */
struct store_ledger_account {
	int64_t dev_id;
	char dev_public_id[37];
	const char *username, *display_name;
	char currency[4];
	struct store_ledger_sums month;  /* the period's rows */
	int64_t month_rows;              /* how many */
	int64_t balance;                 /* net of every row up to its end */
	int64_t paid_before;             /* payouts of earlier periods */
	int paid;                        /* a payout of this period exists */
	int64_t paid_amount;             /* its amount */
	const char *paid_at;             /* its time, RFC 3339, or NULL */
	int paid_later;                  /* a payout of a later period exists */
};

/* Every developer and currency with ledger rows up to the end of period,
 * by username then currency (dev_id 0), or one developer's (dev_id). The
 * caller keeps those with activity or a balance. */
DF_MUST_CHECK int store_ledger_accounts(struct arena *a, int period, int64_t dev_id,
	struct store_ledger_account **out, size_t *n);

/* Called inside the transaction for each payout made, before the commit
 * (the audit record commits with it); a negative df_err rolls all back. */
typedef int (*store_ledger_hook)(void *ctx, const struct store_ledger_account *acct,
	const struct store_ledger_payout *p);

enum store_ledger_refusal {
	STORE_LEDGER_NOT_ENDED = 1,   /* the period is open */
	STORE_LEDGER_ALREADY_PAID,    /* every currency due was paid */
	STORE_LEDGER_NOT_DUE          /* nothing reaches the minimum, or it
	                                 was carried into a later payout */
};

/* Marks the developer's period paid: in one transaction that first locks
 * the developer's row (so a double click pays once), every currency
 * whose status is due gets a payouts row of its payable, paid_by the
 * admin, then hook. *out holds the payouts made (*n >= 1). DF_ECONFLICT
 * with *why when none is due. */
DF_MUST_CHECK int store_ledger_pay(struct arena *a, int64_t dev_id, int period,
	int current, int64_t minimum, const char *paid_by, store_ledger_hook hook,
	void *ctx, struct store_ledger_payout **out, size_t *n,
	enum store_ledger_refusal *why);

#endif
