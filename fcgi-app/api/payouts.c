/* Stores: ledger, users. */
/* Developer payouts for admins: the month's report (every developer with
 * activity in the month or a balance at its end, with the status the
 * payout rule gives: store/ledger.h, docs/OPERATIONS.md "Payouts") and
 * marking a due month paid, once, audited. */
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/ledger.h"
#include "store/users.h"

static int v_period(const char *s, size_t len)
{
	int p;

	return store_ledger_period_parse(s, len, &p) == 0;
}

static const struct query_param report_query[] = {
	{ .name = "period", .kind = QP_TEXT, .min = 7, .max = 7,
	  .valid = v_period, .message = "must be a month, YYYY-MM" },
};

static int current_period(void)
{
	return store_ledger_period_of((int64_t)time(NULL));
}

/* The table checked the form when it was sent; required and not in the
 * future are the route's. */
static int report_check(struct request *req)
{
	const char *s = http_query(req, "period");
	int p;

	if (problem_error_count(req) > 0)
		return 0;
	if (s == NULL)
		problem_add_error(req, "period", "required", "is required");
	else if (store_ledger_period_parse(s, strlen(s), &p) == 0 &&
	    p > current_period())
		problem_add_error(req, "period", "out_of_range",
			"must not be in the future");
	return 0;
}

static int report_get(struct request *req)
{
	const char *ps = http_query(req, "period");
	struct store_ledger_account *acct;
	struct json_object *o, *items;
	int period, current = current_period();
	size_t n;
	int rc;

	if (ps == NULL || store_ledger_period_parse(ps, strlen(ps), &period) != 0)
		return DF_EINTERNAL; /* the check let it through: cannot happen */
	rc = store_ledger_accounts(req->arena, period, 0, &acct, &n);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	items = json_new_array(req);
	if (o == NULL || items == NULL || json_set_str(o, "period", ps) ||
	    json_set(o, "items", items))
		return DF_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct store_ledger_account *a = &acct[i];
		const char *cur = a->currency;
		int64_t payable = a->balance - a->paid_before;
		int64_t carried_in = payable - a->month.net;
		enum store_ledger_status st;
		struct json_object *it;

		/* Neither activity nor a balance: nothing to report. */
		if (a->month_rows == 0 && payable == 0 && !a->paid)
			continue;
		st = store_ledger_status(period, current, a->paid,
			a->paid_later, payable, req->cfg->payout_minimum);
		it = json_new_object(req);
		if (json_push(items, it) != 0 ||
		    json_set_str(it, "username", a->username) ||
		    json_set_str(it, "display_name", a->display_name) ||
		    json_set_str(it, "currency", cur) ||
		    json_set(it, "gross", api_money_json(req, a->month.gross, cur)) ||
		    json_set(it, "fee", api_money_json(req, a->month.fee, cur)) ||
		    json_set(it, "net", api_money_json(req, a->month.net, cur)) ||
		    json_set(it, "refunds", api_money_json(req, a->month.refunds, cur)) ||
		    json_set(it, "carried_in", api_money_json(req, carried_in, cur)) ||
		    json_set(it, "payable", api_money_json(req, payable, cur)) ||
		    json_set_str(it, "status", store_ledger_status_name(st)) ||
		    json_set(it, "paid_amount", a->paid ?
			api_money_json(req, a->paid_amount, cur) : NULL) ||
		    json_set_str(it, "paid_at", a->paid ? a->paid_at : NULL))
			return DF_ENOMEM;
	}
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "private, no-store");
	return rc;
}

struct pay_ctx {
	struct request *req;
	const char *period;
};

/* Inside the store's transaction: the audit record commits with the
 * payout or not at all. */
static int audit_payout(void *ctx, const struct store_ledger_account *acct,
	const struct store_ledger_payout *p)
{
	struct pay_ctx *c = ctx;
	struct json_object *d = json_new_object(c->req);

	if (d == NULL || json_set_str(d, "period", c->period) ||
	    json_set_int(d, "amount", p->amount) ||
	    json_set_str(d, "currency", p->currency) ||
	    json_set_str(d, "username", acct->username))
		return DF_ENOMEM;
	return api_audit(c->req, "payout.marked_paid", acct->dev_public_id, d);
}

static int pay_post(struct request *req)
{
	const char *name = router_param(req, "username");
	const char *ps = router_param(req, "period");
	struct store_ledger_payout *made;
	enum store_ledger_refusal why;
	struct json_object *o, *arr;
	struct pay_ctx ctx = { req, ps };
	struct store_user u;
	size_t n;
	int period, rc;

	/* Neither names anything unless well formed. */
	if (name == NULL || !validate_username(name) || ps == NULL ||
	    store_ledger_period_parse(ps, strlen(ps), &period) != 0)
		return DF_ENOTFOUND;
	rc = store_users_get(req->arena, STORE_USERS_BY_USERNAME, name, &u);
	if (rc != 0)
		return rc;
	rc = store_ledger_pay(req->arena, u.id, period, current_period(),
		req->cfg->payout_minimum, req->auth.sub, audit_payout, &ctx,
		&made, &n, &why);
	if (rc == DF_ECONFLICT) {
		const char *detail =
			why == STORE_LEDGER_NOT_ENDED ?
			"The period has not ended (UTC): it is still open." :
			why == STORE_LEDGER_ALREADY_PAID ?
			"The period is already paid." :
			"Nothing is due for the period: the payable amount is "
			"below the payout minimum, or was carried into a later "
			"payout.";
		return problem_send(req, 409, NULL, detail);
	}
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	arr = json_new_array(req);
	if (o == NULL || arr == NULL || json_set_str(o, "username", u.username) ||
	    json_set_str(o, "display_name", u.display_name) ||
	    json_set_str(o, "period", ps) || json_set(o, "payouts", arr))
		return DF_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *it = json_new_object(req);

		if (json_push(arr, it) != 0 ||
		    json_set(it, "amount", api_money_json(req, made[i].amount,
			made[i].currency)) ||
		    json_set_str(it, "paid_at", made[i].paid_at) ||
		    json_set_str(it, "paid_by", made[i].paid_by))
			return DF_ENOMEM;
	}
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "no-store");
	return rc;
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/payouts",
	  .handler = report_get, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(report_query), .check = report_check },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/payouts/{username}/{period}/paid",
	  .handler = pay_post, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
};

const struct route_table api_payouts_table = {
	"payouts", routes, sizeof(routes) / sizeof(routes[0])
};
