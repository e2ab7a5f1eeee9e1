/* Stores: ledger. */
/* GET /api/v1/developers/me/earnings: what the caller earned per month
 * and per extension, in each currency they sold in, with each month's
 * payout status under the payout rule (store/ledger.h; docs/OPERATIONS.md,
 * "Payouts"). A developer sees only their own ledger: the route takes no
 * developer from the request. */
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "store/ledger.h"
#include "store/users.h"

#define EARNINGS_DEFAULT_MONTHS 12
#define EARNINGS_MAX_MONTHS 36

static int v_period(const char *s, size_t len)
{
	int p;

	return store_ledger_period_parse(s, len, &p) == 0;
}

static const struct query_param earnings_query[] = {
	{ .name = "from", .kind = QP_TEXT, .min = 7, .max = 7,
	  .valid = v_period, .message = "must be a month, YYYY-MM" },
	{ .name = "to", .kind = QP_TEXT, .min = 7, .max = 7,
	  .valid = v_period, .message = "must be a month, YYYY-MM" },
};

/* The months asked for: to defaults to the current month, from to
 * EARNINGS_DEFAULT_MONTHS - 1 before to. Only called once the table
 * passed both. */
static void earnings_span(const struct request *req, int *from, int *to)
{
	const char *f = http_query(req, "from"), *t = http_query(req, "to");

	if (t == NULL || store_ledger_period_parse(t, strlen(t), to) != 0)
		*to = store_ledger_period_of((int64_t)time(NULL));
	if (f == NULL || store_ledger_period_parse(f, strlen(f), from) != 0)
		*from = *to - (EARNINGS_DEFAULT_MONTHS - 1);
}

static int earnings_check(struct request *req)
{
	int from, to;

	if (problem_error_count(req) > 0)
		return 0;
	earnings_span(req, &from, &to);
	api_check_span(req, from, to, EARNINGS_MAX_MONTHS, "the span is at most 36 months");
	return 0;
}

/* gross, fee, net and refunds of s into o. */
static int set_sums(struct request *req, struct json_object *o,
	const struct store_ledger_sums *s, const char *cur)
{
	if (json_set(o, "gross", api_money_json(req, s->gross, cur)) ||
	    json_set(o, "fee", api_money_json(req, s->fee, cur)) ||
	    json_set(o, "net", api_money_json(req, s->net, cur)) ||
	    json_set(o, "refunds", api_money_json(req, s->refunds, cur)))
		return DF_ENOMEM;
	return 0;
}

struct earnings {
	int from, to, current;
	int64_t minimum;
	struct store_ledger_month *months;
	size_t nmonths;
	struct store_ledger_ext *exts;
	size_t nexts;
	struct store_ledger_payout *payouts;
	size_t npayouts;
};

/* The month items of one currency: each month of the span with ledger
 * rows or a payout, oldest first. The balance runs from the net before
 * the span. */
static int month_items(struct request *req, const struct earnings *e,
	const struct store_ledger_balance *b, struct json_object *arr,
	struct store_ledger_sums *tot, int64_t *paid_in_span)
{
	const char *cur = b->currency;
	int64_t balance = b->net_before;

	for (int p = e->from; p <= e->to; p++) {
		struct store_ledger_sums s = { 0 };
		int64_t paid_before = 0, paid_amount = 0, payable;
		int has_rows = 0, paid = 0, later = 0;
		enum store_ledger_status st;
		struct json_object *it;
		char ps[8];

		for (size_t i = 0; i < e->nmonths; i++) {
			if (e->months[i].period == p &&
			    strcmp(e->months[i].currency, cur) == 0) {
				s = e->months[i].s;
				has_rows = 1;
			}
		}
		for (size_t i = 0; i < e->npayouts; i++) {
			const struct store_ledger_payout *po = &e->payouts[i];

			if (strcmp(po->currency, cur) != 0)
				continue;
			if (po->period < p)
				paid_before += po->amount;
			else if (po->period == p) {
				paid = 1;
				paid_amount = po->amount;
			} else
				later = 1;
		}
		balance += s.net;
		if (!has_rows && !paid)
			continue;
		tot->gross += s.gross;
		tot->refunds += s.refunds;
		tot->fee += s.fee;
		tot->net += s.net;
		*paid_in_span += paid_amount;
		payable = balance - paid_before;
		st = store_ledger_status(p, e->current, paid, later, payable,
			e->minimum);
		store_ledger_period_format(p, ps);
		it = json_new_object(req);
		if (json_push(arr, it) != 0 || json_set_str(it, "period", ps) ||
		    set_sums(req, it, &s, cur) != 0 ||
		    json_set(it, "payable", api_money_json(req, payable, cur)) ||
		    json_set(it, "paid_out", api_money_json(req, paid_amount, cur)) ||
		    json_set_str(it, "payout_status",
			store_ledger_status_name(st)))
			return DF_ENOMEM;
	}
	return 0;
}

static int ext_items(struct request *req, const struct earnings *e,
	const char *cur, struct json_object *arr)
{
	for (size_t i = 0; i < e->nexts; i++) {
		const struct store_ledger_ext *x = &e->exts[i];
		struct json_object *it;

		if (strcmp(x->currency, cur) != 0)
			continue;
		it = json_new_object(req);
		if (json_push(arr, it) != 0 || json_set_str(it, "slug", x->slug) ||
		    json_set_str(it, "name", x->name) ||
		    set_sums(req, it, &x->s, cur) != 0)
			return DF_ENOMEM;
	}
	return 0;
}

/* One currency's block: totals over the span (paid_out: the span's
 * payouts; pending: all net earned minus all paid out, as of now),
 * months and extensions. */
static struct json_object *currency_block(struct request *req,
	const struct earnings *e, const struct store_ledger_balance *b)
{
	const char *cur = b->currency;
	struct json_object *o = json_new_object(req);
	struct json_object *tot = json_new_object(req);
	struct json_object *months = json_new_array(req);
	struct json_object *exts = json_new_array(req);
	struct store_ledger_sums s = { 0 };
	int64_t paid_in_span = 0, paid_all = 0;

	if (o == NULL || tot == NULL || months == NULL || exts == NULL)
		return NULL;
	if (month_items(req, e, b, months, &s, &paid_in_span) != 0 ||
	    ext_items(req, e, cur, exts) != 0)
		return NULL;
	for (size_t i = 0; i < e->npayouts; i++) {
		if (strcmp(e->payouts[i].currency, cur) == 0)
			paid_all += e->payouts[i].amount;
	}
	if (json_set_str(o, "currency", cur) ||
	    set_sums(req, tot, &s, cur) != 0 ||
	    json_set(tot, "paid_out", api_money_json(req, paid_in_span, cur)) ||
	    json_set(tot, "pending", api_money_json(req, b->net_all - paid_all, cur)) ||
	    json_set(o, "totals", tot) ||
	    json_set(o, "payout_minimum", api_money_json(req, e->minimum, cur)) ||
	    json_set(o, "months", months) || json_set(o, "extensions", exts))
		return NULL;
	return o;
}

static int earnings_get(struct request *req)
{
	const struct store_user *me = req->auth.user;
	struct store_ledger_balance *bal;
	struct json_object *o, *arr;
	struct earnings e = { 0 };
	size_t nbal;
	char fs[8], ts[8];
	int rc;

	if (me == NULL)
		return DF_EAUTH;
	earnings_span(req, &e.from, &e.to);
	e.current = store_ledger_period_of((int64_t)time(NULL));
	e.minimum = (int64_t)req->cfg->payout_minimum;
	rc = store_ledger_balances(req->arena, me->id, e.from, &bal, &nbal);
	if (rc == 0)
		rc = store_ledger_months(req->arena, me->id, e.from, e.to,
			&e.months, &e.nmonths);
	if (rc == 0)
		rc = store_ledger_extensions(req->arena, me->id, e.from, e.to,
			&e.exts, &e.nexts);
	if (rc == 0)
		rc = store_ledger_payouts(req->arena, me->id, &e.payouts,
			&e.npayouts);
	if (rc != 0)
		return rc;

	o = json_new_object(req);
	arr = json_new_array(req);
	store_ledger_period_format(e.from, fs);
	store_ledger_period_format(e.to, ts);
	if (o == NULL || arr == NULL || json_set_str(o, "from", fs) ||
	    json_set_str(o, "to", ts) || json_set(o, "currencies", arr))
		return DF_ENOMEM;
	for (size_t i = 0; i < nbal; i++) {
		if (json_push(arr, currency_block(req, &e, &bal[i])) != 0)
			return DF_ENOMEM;
	}
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "private, no-store");
	return rc;
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/developers/me/earnings",
	  .handler = earnings_get, .role = ROLE_DEVELOPER, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(earnings_query), .check = earnings_check },
};

const struct route_table api_earnings_table = {
	"earnings", routes, sizeof(routes) / sizeof(routes[0])
};
