/* SQL for the read side of the money ledger and for marking payouts
 * paid. Months are UTC calendar months of ledger_entries.created_at
 * (the server's times are UTC); a span is bound as the half-open range
 * [first day of from, first day after to) so the created_at index
 * serves it. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/ledger.h"
#include "store/tx.h"

#define PERIOD_MIN (1970 * 12)
#define PERIOD_MAX (9999 * 12 + 11)

int store_ledger_period_parse(const char *s, size_t len, int *period)
{
	int y = 0, m;

	if (s == NULL || len != 7 || s[4] != '-')
		return DF_EINVAL;
	for (size_t i = 0; i < 7; i++) {
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return DF_EINVAL;
	}
	for (size_t i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 1970 || m < 1 || m > 12)
		return DF_EINVAL;
	*period = y * 12 + m - 1;
	return 0;
}

void store_ledger_period_format(int period, char out[8])
{
	if (period < PERIOD_MIN || period > PERIOD_MAX)
		period = PERIOD_MIN;
	snprintf(out, 8, "%04d-%02d", period / 12, period % 12 + 1);
}

int store_ledger_period_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		return PERIOD_MIN;
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

enum store_ledger_status store_ledger_status(int period, int current,
	int paid, int paid_later, int64_t payable, int64_t minimum)
{
	if (period >= current)
		return STORE_LEDGER_OPEN;
	if (paid)
		return STORE_LEDGER_PAID;
	/* A later payout took this month's balance with it: paying this
	 * month now would pay the same money twice. */
	if (paid_later)
		return STORE_LEDGER_CARRIED_FORWARD;
	if (payable > 0 && payable >= minimum)
		return STORE_LEDGER_DUE;
	return STORE_LEDGER_CARRIED_FORWARD;
}

const char *store_ledger_status_name(enum store_ledger_status st)
{
	switch (st) {
	case STORE_LEDGER_OPEN: return "open";
	case STORE_LEDGER_PAID: return "paid";
	case STORE_LEDGER_DUE: return "due";
	case STORE_LEDGER_CARRIED_FORWARD: return "carried_forward";
	}
	return "open";
}

/* The first instant of period as a DATETIME literal (arena). */
static const char *period_start(struct arena *a, int period)
{
	char p[8];

	store_ledger_period_format(period, p);
	return arena_printf(a, "%s-01 00:00:00", p);
}

/* The sums of a span, as the four columns every query here selects. */
#define SUMS_COLUMNS(t) \
	" SUM(IF(" t "kind = 'sale', " t "gross, 0))," \
	" SUM(IF(" t "kind <> 'sale', -" t "gross, 0))," \
	" SUM(" t "fee), SUM(" t "net)"

static void sums_from_row(const struct db_result *res, size_t row,
	size_t col0, struct store_ledger_sums *s)
{
	s->gross = db_int(res, row, col0, 0);
	s->refunds = db_int(res, row, col0 + 1, 0);
	s->fee = db_int(res, row, col0 + 2, 0);
	s->net = db_int(res, row, col0 + 3, 0);
}

static int period_cell(const struct db_result *res, size_t row, size_t col)
{
	const char *s = db_str(res, row, col);
	int p = PERIOD_MIN;

	if (s == NULL || store_ledger_period_parse(s, strlen(s), &p) != 0)
		return PERIOD_MIN;
	return p;
}

static void month_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_ledger_month *o = out;

	memset(o, 0, sizeof(*o));
	db_str_copy(res, row, 0, o->currency, sizeof(o->currency));
	o->period = period_cell(res, row, 1);
	sums_from_row(res, row, 2, &o->s);
}

int store_ledger_months(struct arena *a, int64_t dev_id, int from, int to,
	struct store_ledger_month **out, size_t *n)
{
	static const char sql[] = "SELECT currency,"
		" DATE_FORMAT(created_at, '%Y-%m')," SUMS_COLUMNS("")
		" FROM ledger_entries"
		" WHERE developer_id = ? AND created_at >= ? AND created_at < ?"
		" GROUP BY currency, DATE_FORMAT(created_at, '%Y-%m')"
		" ORDER BY currency, DATE_FORMAT(created_at, '%Y-%m')";
	const char *lo = period_start(a, from), *hi = period_start(a, to + 1);
	void *rows;
	int rc;

	if (lo == NULL || hi == NULL)
		return DF_ENOMEM;
	rc = store_rows(a, sql, DBP(DB_INT(dev_id), DB_STR(lo), DB_STR(hi)),
		sizeof(**out), month_from_row, &rows, n);
	*out = rows;
	return rc;
}

static void ext_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_ledger_ext *o = out;

	memset(o, 0, sizeof(*o));
	db_str_copy(res, row, 0, o->currency, sizeof(o->currency));
	o->slug = db_str(res, row, 1);
	o->name = db_str(res, row, 2);
	sums_from_row(res, row, 3, &o->s);
}

int store_ledger_extensions(struct arena *a, int64_t dev_id, int from,
	int to, struct store_ledger_ext **out, size_t *n)
{
	static const char sql[] = "SELECT l.currency, e.slug, e.name,"
		SUMS_COLUMNS("l.")
		" FROM ledger_entries l"
		" JOIN order_items oi ON oi.id = l.order_item_id"
		" JOIN extensions e ON e.id = oi.extension_id"
		" WHERE l.developer_id = ? AND l.created_at >= ?"
		" AND l.created_at < ?"
		" GROUP BY l.currency, e.id, e.slug, e.name"
		" ORDER BY l.currency, SUM(IF(l.kind = 'sale', l.gross, 0)) DESC,"
		" e.slug";
	const char *lo = period_start(a, from), *hi = period_start(a, to + 1);
	void *rows;
	int rc;

	if (lo == NULL || hi == NULL)
		return DF_ENOMEM;
	rc = store_rows(a, sql, DBP(DB_INT(dev_id), DB_STR(lo), DB_STR(hi)),
		sizeof(**out), ext_from_row, &rows, n);
	*out = rows;
	return rc;
}

static void balance_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_ledger_balance *o = out;

	memset(o, 0, sizeof(*o));
	db_str_copy(res, row, 0, o->currency, sizeof(o->currency));
	o->net_before = db_int(res, row, 1, 0);
	o->net_all = db_int(res, row, 2, 0);
}

int store_ledger_balances(struct arena *a, int64_t dev_id, int from,
	struct store_ledger_balance **out, size_t *n)
{
	static const char sql[] = "SELECT currency,"
		" SUM(IF(created_at < ?, net, 0)), SUM(net)"
		" FROM ledger_entries WHERE developer_id = ?"
		" GROUP BY currency ORDER BY currency";
	const char *lo = period_start(a, from);
	void *rows;
	int rc;

	if (lo == NULL)
		return DF_ENOMEM;
	rc = store_rows(a, sql, DBP(DB_STR(lo), DB_INT(dev_id)),
		sizeof(**out), balance_from_row, &rows, n);
	*out = rows;
	return rc;
}

#define PAYOUT_COLUMNS "currency, period, amount," \
	" DATE_FORMAT(paid_at, '%Y-%m-%dT%H:%i:%sZ'), paid_by"

static void payout_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_ledger_payout *o = out;

	memset(o, 0, sizeof(*o));
	db_str_copy(res, row, 0, o->currency, sizeof(o->currency));
	o->period = period_cell(res, row, 1);
	o->amount = db_int(res, row, 2, 0);
	o->paid_at = db_str(res, row, 3);
	o->paid_by = db_str(res, row, 4);
}

int store_ledger_payouts(struct arena *a, int64_t dev_id,
	struct store_ledger_payout **out, size_t *n)
{
	static const char sql[] = "SELECT " PAYOUT_COLUMNS
		" FROM payouts WHERE developer_id = ?"
		" ORDER BY currency, period";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(dev_id)), sizeof(**out),
		payout_from_row, &rows, n);
	*out = rows;
	return rc;
}

static void account_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_ledger_account *o = out;

	memset(o, 0, sizeof(*o));
	o->dev_id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->dev_public_id, sizeof(o->dev_public_id));
	o->username = db_str(res, row, 2);
	o->display_name = db_str(res, row, 3);
	db_str_copy(res, row, 4, o->currency, sizeof(o->currency));
	sums_from_row(res, row, 5, &o->month);
	o->month_rows = db_int(res, row, 9, 0);
	o->balance = db_int(res, row, 10, 0);
	o->paid_before = db_int(res, row, 11, 0);
	o->paid = db_int(res, row, 12, 0) != 0;
	o->paid_amount = db_int(res, row, 13, 0);
	o->paid_at = db_str(res, row, 14);
	o->paid_later = db_int(res, row, 15, 0) != 0;
}

/* Balances to the end of the period and that period's own sums per
 * developer and currency in one pass over the rows up to its end, with
 * the developer's payouts before, of and after it beside them. */
static const char accounts_sql[] = "SELECT b.developer_id, u.public_id,"
	" u.username, u.display_name, b.currency,"
	" b.m_gross, b.m_refunds, b.m_fee, b.m_net, b.m_rows, b.balance,"
	" COALESCE(p.before_amt, 0), p.this_amt IS NOT NULL,"
	" COALESCE(p.this_amt, 0),"
	" DATE_FORMAT(p.this_at, '%Y-%m-%dT%H:%i:%sZ'), COALESCE(p.later, 0)"
	" FROM (SELECT developer_id, currency,"
	"  SUM(IF(created_at >= ? AND kind = 'sale', gross, 0)) m_gross,"
	"  SUM(IF(created_at >= ? AND kind <> 'sale', -gross, 0)) m_refunds,"
	"  SUM(IF(created_at >= ?, fee, 0)) m_fee,"
	"  SUM(IF(created_at >= ?, net, 0)) m_net,"
	"  SUM(created_at >= ?) m_rows,"
	"  SUM(net) balance"
	"  FROM ledger_entries"
	"  WHERE developer_id IS NOT NULL AND (? = 0 OR developer_id = ?)"
	"  AND created_at < ?"
	"  GROUP BY developer_id, currency) b"
	" JOIN users u ON u.id = b.developer_id"
	" LEFT JOIN (SELECT developer_id, currency,"
	"  SUM(IF(period < ?, amount, 0)) before_amt,"
	"  MAX(IF(period = ?, amount, NULL)) this_amt,"
	"  MAX(IF(period = ?, paid_at, NULL)) this_at,"
	"  MAX(period > ?) later"
	"  FROM payouts WHERE (? = 0 OR developer_id = ?)"
	"  GROUP BY developer_id, currency) p"
	" ON p.developer_id = b.developer_id AND p.currency = b.currency"
	" ORDER BY u.username, b.currency";

int store_ledger_accounts(struct arena *a, int period, int64_t dev_id,
	struct store_ledger_account **out, size_t *n)
{
	const char *lo = period_start(a, period);
	const char *hi = period_start(a, period + 1);
	char p[8];
	void *rows;
	int rc;

	if (lo == NULL || hi == NULL)
		return DF_ENOMEM;
	store_ledger_period_format(period, p);
	rc = store_rows(a, accounts_sql, DBP(DB_STR(lo), DB_STR(lo),
		DB_STR(lo), DB_STR(lo), DB_STR(lo), DB_INT(dev_id),
		DB_INT(dev_id), DB_STR(hi), DB_STR(p), DB_STR(p), DB_STR(p),
		DB_STR(p), DB_INT(dev_id), DB_INT(dev_id)), sizeof(**out),
		account_from_row, &rows, n);
	*out = rows;
	return rc;
}

/* Inside the transaction: inserts the payout of acct and reads it back
 * (paid_at is the server's clock). */
static int pay_one(struct arena *a, const struct store_ledger_account *acct,
	int period, int64_t amount, const char *paid_by,
	struct store_ledger_payout *out)
{
	static const char ins[] = "INSERT INTO payouts (developer_id, period,"
		" currency, amount, paid_at, paid_by)"
		" VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), ?)";
	static const char get[] = "SELECT " PAYOUT_COLUMNS
		" FROM payouts WHERE id = ?";
	struct db_result res;
	uint64_t id = 0;
	char p[8];
	int rc;

	store_ledger_period_format(period, p);
	rc = db_exec(ins, DBP(DB_INT(acct->dev_id), DB_STR(p),
		DB_STR(acct->currency), DB_INT(amount), DB_STR(paid_by)),
		NULL, &id);
	if (rc != 0)
		return rc;
	rc = store_one(a, get, DBP(DB_INT((int64_t)id)), &res);
	if (rc != 0)
		return rc == DF_ENOTFOUND ? DF_EINTERNAL : rc;
	payout_from_row(&res, 0, out);
	return 0;
}

int store_ledger_pay(struct arena *a, int64_t dev_id, int period,
	int current, int64_t minimum, const char *paid_by, store_ledger_hook hook,
	void *ctx, struct store_ledger_payout **out, size_t *n,
	enum store_ledger_refusal *why)
{
	/* Two admins (or one double click) marking the same developer
	 * queue here; the second then reads the first one's payout. */
	static const char lock[] = "SELECT id FROM users WHERE id = ? FOR UPDATE";
	struct store_ledger_account *acct;
	struct store_ledger_payout *made;
	struct db_result res;
	size_t nacct = 0, nmade = 0, npaid = 0;
	int rc;

	*out = NULL;
	*n = 0;
	*why = STORE_LEDGER_NOT_DUE;
	if (period >= current) {
		*why = STORE_LEDGER_NOT_ENDED;
		return DF_ECONFLICT;
	}
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_one(a, lock, DBP(DB_INT(dev_id)), &res);
	if (rc == 0)
		rc = store_ledger_accounts(a, period, dev_id, &acct, &nacct);
	if (rc != 0)
		return store_tx_end(rc);
	made = arena_calloc(a, nacct > 0 ? nacct : 1, sizeof(*made));
	if (made == NULL)
		return store_tx_end(DF_ENOMEM);
	for (size_t i = 0; i < nacct && rc == 0; i++) {
		int64_t payable = acct[i].balance - acct[i].paid_before;
		enum store_ledger_status st = store_ledger_status(period,
			current, acct[i].paid, acct[i].paid_later, payable,
			minimum);

		if (st == STORE_LEDGER_PAID)
			npaid++;
		if (st != STORE_LEDGER_DUE)
			continue;
		rc = pay_one(a, &acct[i], period, payable, paid_by,
			&made[nmade]);
		if (rc == 0 && hook != NULL)
			rc = hook(ctx, &acct[i], &made[nmade]);
		if (rc == 0)
			nmade++;
	}
	if (rc == DF_ECONFLICT) {
		/* Only the unique key of (developer, period, currency) can
		 * say this: a payout made meanwhile. */
		*why = STORE_LEDGER_ALREADY_PAID;
		return store_tx_end(rc);
	}
	if (rc == 0 && nmade == 0) {
		if (npaid > 0)
			*why = STORE_LEDGER_ALREADY_PAID;
		rc = DF_ECONFLICT;
	}
	rc = store_tx_end(rc);
	if (rc == 0) {
		*out = made;
		*n = nmade;
	}
	return rc;
}
