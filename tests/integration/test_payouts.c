/* Earnings and payouts through the front server: a developer's earnings
 * per month and extension, the admin's monthly payout report under the
 * payout rule (due, carried forward below the minimum, a debt after a
 * refund), and marking a month paid once. The ledger rows are fixtures
 * written straight into MariaDB (orders, order_items, ledger_entries
 * dated in past months), as the payments module would have written
 * them; each test has developers of its own. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "market.h"

#define EARNINGS "/api/v1/developers/me/earnings"
#define PAYOUTS "/api/v1/admin/payouts"

MARKET_SUITE(payouts);

/* The current UTC month as year * 12 + month - 1, and back to text. */
static int period_now(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* "YYYY-MM" of the month `ago` months before this one (static, four
 * deep). */
static const char *month_ago(int ago)
{
	static char buf[4][16];
	static int k;
	int p = period_now() - ago;
	char *b = buf[k++ % 4];

	snprintf(b, 16, "%04d-%02d", p / 12, p % 12 + 1);
	return b;
}

/* The first column of the first row of a printf-formatted query as a
 * number (the row must exist). */
#define SQL_NUM(...) sql_value(client_sqlf(__VA_ARGS__))

static long sql_value(char *v)
{
	long n;

	cr_assert_not_null(v, "no row");
	n = strtol(v, NULL, 10);
	free(v);
	return n;
}

static long user_id(const char *pid)
{
	return SQL_NUM("SELECT id FROM users WHERE public_id = '%s'", pid);
}

static char *username(const char *pid)
{
	char *v = client_sqlf("SELECT username FROM users WHERE public_id = '%s'",
		pid);

	cr_assert_not_null(v);
	return v;
}

/* A draft extension of auth's; its row id. */
static long extension(const char *auth, const char *stem)
{
	const char *slug = market_slug(stem);

	market_create(auth, slug, "");
	return SQL_NUM("SELECT id FROM extensions WHERE slug = '%s'", slug);
}

static long payout_minimum(void)
{
	char *v = client_config("payout_minimum", "10000");
	long m = strtol(v, NULL, 10);

	free(v);
	return m;
}

/* A paid order of buyer for one item of dev's extension, with its sale
 * row, dated the 10th of the month `ago` months back; the item's id. */
static long sale(long buyer, long dev, long ext, long gross, long fee,
	int ago)
{
	const char *m = month_ago(ago);
	char *v;
	long item;

	v = client_sqlf(
		"INSERT INTO orders (public_id, user_id, status, total_amount,"
		" currency, expires_at, paid_at, paid_amount, created_at,"
		" updated_at) VALUES (UUID(), %ld, 'paid', %ld, 'USD',"
		" '%s-10 13:00:00', '%s-10 12:05:00', %ld, '%s-10 12:00:00',"
		" '%s-10 12:05:00');\n"
		"SET @o = LAST_INSERT_ID();\n"
		"INSERT INTO order_items (order_id, position, kind, extension_id,"
		" developer_id, amount, currency, fee_bps) VALUES (@o, 1,"
		" 'extension', %ld, %ld, %ld, 'USD', 3000);\n"
		"SET @i = LAST_INSERT_ID();\n"
		"INSERT INTO ledger_entries (order_id, order_item_id,"
		" developer_id, kind, gross, fee, net, currency, created_at)"
		" VALUES (@o, @i, %ld, 'sale', %ld, %ld, %ld, 'USD',"
		" '%s-10 12:05:00');\n"
		"SELECT @i;",
		buyer, gross, m, m, gross, m, m, ext, dev, gross, dev, gross,
		fee, gross - fee, m);
	cr_assert_not_null(v, "sale fixture");
	item = strtol(v, NULL, 10);
	free(v);
	cr_assert_gt(item, 0);
	return item;
}

/* A refund row (negative amounts) for item, dated the 20th of the month
 * `ago` months back. */
static void refund(long item, long gross, long fee, int ago)
{
	const char *m = month_ago(ago);
	char *v = client_sqlf(
		"INSERT INTO ledger_entries (order_id, order_item_id,"
		" developer_id, kind, gross, fee, net, currency, created_at)"
		" SELECT oi.order_id, oi.id, oi.developer_id, 'refund', %ld, %ld,"
		" %ld, 'USD', '%s-20 09:00:00' FROM order_items oi"
		" WHERE oi.id = %ld;\n"
		"SELECT ROW_COUNT();",
		-gross, -fee, -(gross - fee), m, item);

	cr_assert(v != NULL && strcmp(v, "1") == 0, "refund fixture");
	free(v);
}

/* --- reading answers ------------------------------------------------ */

static struct json_object *get_json(const char *path, const char *auth)
{
	struct client_resp r;
	struct json_object *o;

	market_req("GET", path, auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	cr_assert(o != NULL && json_object_object_get_ex(o, k, &v),
		"no member %s", k);
	return v;
}

/* An amount {amount, currency} member: the amount, USD asserted. */
static long amount(struct json_object *o, const char *k)
{
	struct json_object *m = member(o, k);

	cr_assert_str_eq(json_object_get_string(member(m, "currency")), "USD");
	return (long)json_object_get_int64(member(m, "amount"));
}

static const char *str(struct json_object *o, const char *k)
{
	return json_object_get_string(member(o, k));
}

/* The element of array arr whose member k is v, or NULL. */
static struct json_object *find(struct json_object *arr, const char *k,
	const char *v)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *it = json_object_array_get_idx(arr, i);
		struct json_object *x;

		if (json_object_object_get_ex(it, k, &x) &&
		    strcmp(json_object_get_string(x), v) == 0)
			return it;
	}
	return NULL;
}

/* The USD block of an earnings answer (the only currency here). */
static struct json_object *usd(struct json_object *o)
{
	struct json_object *cur = member(o, "currencies");

	cr_assert_eq(json_object_array_length(cur), 1, "%s",
		json_object_to_json_string(o));
	cr_assert_str_eq(str(json_object_array_get_idx(cur, 0), "currency"),
		"USD");
	return json_object_array_get_idx(cur, 0);
}

static struct json_object *month(struct json_object *block, int ago)
{
	struct json_object *m = find(member(block, "months"), "period",
		month_ago(ago));

	cr_assert_not_null(m, "no month %s", month_ago(ago));
	return m;
}

/* The report row of a username in the admin payout report of a month. */
static struct json_object *report_row(struct json_object **doc,
	const char *admin, const char *user, int ago)
{
	char path[128];

	snprintf(path, sizeof(path), PAYOUTS "?period=%s", month_ago(ago));
	*doc = get_json(path, admin);
	cr_assert_str_eq(str(*doc, "period"), month_ago(ago));
	return find(member(*doc, "items"), "username", user);
}

static long mark_paid(const char *admin, const char *user, int ago,
	struct client_resp *r)
{
	char path[256];

	snprintf(path, sizeof(path), PAYOUTS "/%s/%s/paid", user,
		month_ago(ago));
	return market_req("POST", path, admin, NULL, r);
}

/* --- the tests ------------------------------------------------------ */

Test(payouts, earnings_sum_the_ledger_rows_per_month_and_extension)
{
	long buyer = user_id(cast.user_pid);
	long dev = user_id(cast.dev_pid), dev2 = user_id(cast.dev2_pid);
	long a = extension(cast.dev, "earn-a"), b = extension(cast.dev, "earn-b");
	long c = extension(cast.dev2, "earn-c");
	struct json_object *o, *blk, *tot, *m, *ea, *eb;
	long item;

	item = sale(buyer, dev, a, 1000, 300, 3);
	sale(buyer, dev, b, 2000, 600, 3);
	sale(buyer, dev, a, 500, 150, 2);
	refund(item, 1000, 300, 2);
	sale(buyer, dev2, c, 7000, 2100, 3);    /* another developer's */

	o = get_json(EARNINGS, cast.dev);
	blk = usd(o);
	m = month(blk, 3);
	cr_expect_eq(amount(m, "gross"), 3000);
	cr_expect_eq(amount(m, "fee"), 900);
	cr_expect_eq(amount(m, "net"), 2100);
	cr_expect_eq(amount(m, "refunds"), 0);
	m = month(blk, 2);
	cr_expect_eq(amount(m, "gross"), 500);
	cr_expect_eq(amount(m, "refunds"), 1000, "the refund is shown");
	cr_expect_eq(amount(m, "fee"), 150 - 300);
	cr_expect_eq(amount(m, "net"), 350 - 700);
	cr_expect_eq(json_object_array_length(member(blk, "months")), 2);

	tot = member(blk, "totals");
	cr_expect_eq(amount(tot, "gross"), 3500);
	cr_expect_eq(amount(tot, "refunds"), 1000);
	cr_expect_eq(amount(tot, "fee"), 750);
	cr_expect_eq(amount(tot, "net"), 1750);
	cr_expect_eq(amount(tot, "net"), SQL_NUM("SELECT SUM(net) FROM"
		" ledger_entries WHERE developer_id = %ld", dev), "the rows' sum");
	cr_expect_eq(amount(tot, "paid_out"), 0);
	cr_expect_eq(amount(tot, "pending"), 1750);

	cr_assert_eq(json_object_array_length(member(blk, "extensions")), 2);
	/* Largest gross first: b (2000), then a (1500). */
	eb = json_object_array_get_idx(member(blk, "extensions"), 0);
	ea = json_object_array_get_idx(member(blk, "extensions"), 1);
	cr_expect_eq(amount(eb, "gross"), 2000);
	cr_expect_eq(amount(eb, "fee"), 600);
	cr_expect_eq(amount(eb, "net"), 1400);
	cr_expect_eq(amount(eb, "refunds"), 0);
	cr_expect_eq(amount(ea, "gross"), 1500);
	cr_expect_eq(amount(ea, "refunds"), 1000);
	cr_expect_eq(amount(ea, "fee"), 150);
	cr_expect_eq(amount(ea, "net"), 350);
	cr_expect_eq(SQL_NUM("SELECT id FROM extensions WHERE slug = '%s'",
		str(ea, "slug")), a);
	json_object_put(o);

	/* Another developer sees only their own. */
	o = get_json(EARNINGS, cast.dev2);
	blk = usd(o);
	cr_expect_eq(amount(member(blk, "totals"), "gross"), 7000);
	cr_expect_eq(amount(member(blk, "totals"), "net"), 4900);
	cr_expect_eq(json_object_array_length(member(blk, "extensions")), 1);
	json_object_put(o);
}

Test(payouts, earnings_span_follows_from_and_to)
{
	long buyer = user_id(cast.user_pid), dev = user_id(cast.dev_pid);
	long a = extension(cast.dev, "span");
	struct json_object *o, *blk;
	char path[128];

	sale(buyer, dev, a, 1000, 300, 3);
	sale(buyer, dev, a, 2000, 600, 1);
	snprintf(path, sizeof(path), EARNINGS "?from=%s&to=%s", month_ago(1),
		month_ago(1));
	o = get_json(path, cast.dev);
	cr_expect_str_eq(str(o, "from"), month_ago(1));
	blk = usd(o);
	cr_expect_eq(json_object_array_length(member(blk, "months")), 1);
	cr_expect_eq(amount(member(blk, "totals"), "gross"), 2000);
	/* pending is what is owed now, whatever the span. */
	cr_expect_eq(amount(member(blk, "totals"), "pending"), 2100);
	json_object_put(o);
}

Test(payouts, earnings_is_for_developers_only)
{
	struct client_resp r;

	market_req("GET", EARNINGS, NULL, NULL, &r);
	client_assert_problem(&r, 401, "unauthorized");
	client_free(&r);
	market_req("GET", EARNINGS, cast.user, NULL, &r);
	client_assert_problem(&r, 403, "forbidden");
	client_free(&r);
}

/* A 422 naming field with code for GET path as auth. */
static void expect_422(const char *path, const char *auth,
	const char *field, const char *code)
{
	struct client_resp r;

	market_req("GET", path, auth, NULL, &r);
	client_assert_field_error(&r, field, code);
	client_free(&r);
}

Test(payouts, earnings_span_must_be_ordered_and_at_most_36_months)
{
	char path[128];

	expect_422(EARNINGS "?from=2026-13", cast.dev, "from", "invalid_format");
	expect_422(EARNINGS "?to=26-01", cast.dev, "to", "invalid_format");
	expect_422(EARNINGS "?from=1969-12", cast.dev, "from", "invalid_format");
	expect_422(EARNINGS "?to=2026-1", cast.dev, "to", "invalid_format");
	snprintf(path, sizeof(path), EARNINGS "?from=%s&to=%s", month_ago(1),
		month_ago(2));
	expect_422(path, cast.dev, "from", "out_of_range");
	snprintf(path, sizeof(path), EARNINGS "?from=%s&to=%s", month_ago(36),
		month_ago(0));
	expect_422(path, cast.dev, "to", "out_of_range");
	snprintf(path, sizeof(path), EARNINGS "?from=%s&to=%s", month_ago(35),
		month_ago(0));
	json_object_put(get_json(path, cast.dev));
}

Test(payouts, below_the_minimum_carries_forward_until_the_sum_is_due)
{
	long minimum = payout_minimum();
	long buyer = user_id(cast.user_pid);
	long dev = user_id(cast.dev_pid), dev2 = user_id(cast.dev2_pid);
	char *name = username(cast.dev_pid), *name2 = username(cast.dev2_pid);
	struct json_object *doc, *row;
	long half;

	cr_assert_geq(minimum, 2, "the test needs a payout minimum");
	half = minimum / 2;
	/* Net half in month -3 and minimum - half in month -2: fee 100. */
	sale(buyer, dev, extension(cast.dev, "carry"), half + 100, 100, 3);
	sale(buyer, dev, extension(cast.dev, "carry2"), minimum - half + 100,
		100, 2);
	sale(buyer, dev2, extension(cast.dev2, "due"), minimum + 100, 100, 3);

	row = report_row(&doc, cast.admin, name, 3);
	cr_assert_not_null(row, "developer with activity listed");
	cr_expect_str_eq(str(row, "status"), "carried_forward");
	cr_expect_eq(amount(row, "payable"), half);
	cr_expect_eq(amount(row, "net"), half);
	cr_expect_eq(amount(row, "gross"), half + 100);
	cr_expect_eq(amount(row, "fee"), 100);
	cr_expect_eq(amount(row, "carried_in"), 0);
	row = find(member(doc, "items"), "username", name2);
	cr_assert_not_null(row);
	cr_expect_str_eq(str(row, "status"), "due");
	cr_expect_eq(amount(row, "payable"), minimum);
	json_object_put(doc);

	row = report_row(&doc, cast.admin, name, 2);
	cr_assert_not_null(row);
	cr_expect_str_eq(str(row, "status"), "due");
	cr_expect_eq(amount(row, "carried_in"), half);
	cr_expect_eq(amount(row, "net"), minimum - half);
	cr_expect_eq(amount(row, "payable"), minimum);
	/* dev2 has no activity in -2 but a balance: listed, still due. */
	row = find(member(doc, "items"), "username", name2);
	cr_assert_not_null(row, "a developer with a balance is listed");
	cr_expect_str_eq(str(row, "status"), "due");
	cr_expect_eq(amount(row, "net"), 0);
	json_object_put(doc);

	/* The same statuses in the developer's own view. */
	doc = get_json(EARNINGS, cast.dev);
	cr_expect_str_eq(str(month(usd(doc), 3), "payout_status"),
		"carried_forward");
	cr_expect_str_eq(str(month(usd(doc), 2), "payout_status"), "due");
	json_object_put(doc);
	free(name);
	free(name2);
}

Test(payouts, mark_paid_pays_a_due_month_once)
{
	long minimum = payout_minimum();
	long buyer = user_id(cast.user_pid), dev = user_id(cast.dev_pid);
	long ext = extension(cast.dev, "paid");
	char *name = username(cast.dev_pid);
	struct json_object *o, *p, *blk, *row, *doc;
	struct client_resp r;
	long item;

	item = sale(buyer, dev, ext, minimum + 100, 100, 2);
	sale(buyer, dev, ext, 300, 100, 0);     /* this month: open */

	o = get_json(EARNINGS, cast.dev);
	cr_expect_eq(amount(member(usd(o), "totals"), "pending"), minimum + 200);
	cr_expect_eq(amount(member(usd(o), "totals"), "paid_out"), 0);
	cr_expect_str_eq(str(month(usd(o), 0), "payout_status"), "open");
	json_object_put(o);

	cr_assert_eq(mark_paid(cast.admin, name, 2, &r), 200, "%s", r.body);
	o = client_expect_json(&r, 200);
	client_free(&r);
	cr_expect_str_eq(str(o, "username"), name);
	cr_expect_str_eq(str(o, "period"), month_ago(2));
	cr_assert_eq(json_object_array_length(member(o, "payouts")), 1);
	p = json_object_array_get_idx(member(o, "payouts"), 0);
	cr_expect_eq(amount(p, "amount"), minimum);
	cr_expect_not_null(str(p, "paid_at"));
	json_object_put(o);
	cr_expect_eq(client_audit_count("payout.marked_paid", cast.dev_pid), 1);
	cr_expect_eq(SQL_NUM("SELECT amount FROM payouts WHERE developer_id"
		" = %ld", dev), minimum);

	/* A second click: 409, nothing more paid or audited. */
	cr_expect_eq(mark_paid(cast.admin, name, 2, &r), 409);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_expect_eq(client_audit_count("payout.marked_paid", cast.dev_pid), 1);
	cr_expect_eq(SQL_NUM("SELECT COUNT(*) FROM payouts WHERE developer_id"
		" = %ld", dev), 1);

	/* The open month, an earlier month with nothing due, a month of
	 * nothing at all: 409. */
	cr_expect_eq(mark_paid(cast.admin, name, 0, &r), 409);
	client_free(&r);
	cr_expect_eq(mark_paid(cast.admin, name, 3, &r), 409);
	client_free(&r);

	/* Unknown developer and a malformed period: 404; not an admin: 403. */
	cr_expect_eq(mark_paid(cast.admin, "no-such-user-xyz", 2, &r), 404);
	client_assert_problem(&r, 404, "not_found");
	client_free(&r);
	{
		char path[256];

		snprintf(path, sizeof(path), PAYOUTS "/%s/2026-13/paid", name);
		cr_expect_eq(market_status("POST", path, cast.admin, NULL), 404);
	}
	cr_expect_eq(mark_paid(cast.dev, name, 2, &r), 403);
	client_free(&r);
	cr_expect_eq(mark_paid(NULL, name, 2, &r), 401);
	client_free(&r);

	/* The developer's view moves: paid out, nothing pending but the
	 * open month. */
	o = get_json(EARNINGS, cast.dev);
	blk = usd(o);
	cr_expect_eq(amount(member(blk, "totals"), "paid_out"), minimum);
	cr_expect_eq(amount(member(blk, "totals"), "pending"), 200);
	cr_expect_str_eq(str(month(blk, 2), "payout_status"), "paid");
	cr_expect_eq(amount(month(blk, 2), "paid_out"), minimum);
	json_object_put(o);

	row = report_row(&doc, cast.admin, name, 2);
	cr_assert_not_null(row);
	cr_expect_str_eq(str(row, "status"), "paid");
	cr_expect_eq(amount(row, "paid_amount"), minimum);
	cr_expect_not_null(str(row, "paid_at"));
	json_object_put(doc);

	/* A refund after the payout is a debt carried forward. */
	refund(item, minimum + 100, 100, 1);
	row = report_row(&doc, cast.admin, name, 1);
	cr_assert_not_null(row);
	cr_expect_str_eq(str(row, "status"), "carried_forward");
	cr_expect_eq(amount(row, "payable"), -minimum);
	cr_expect_eq(amount(row, "refunds"), minimum + 100);
	json_object_put(doc);
	cr_expect_eq(mark_paid(cast.admin, name, 1, &r), 409);
	client_free(&r);
	free(name);
}

Test(payouts, report_needs_a_past_or_current_period_and_an_admin)
{
	char path[128];
	struct json_object *doc;

	expect_422(PAYOUTS, cast.admin, "period", "required");
	expect_422(PAYOUTS "?period=2026-00", cast.admin, "period",
		"invalid_format");
	snprintf(path, sizeof(path), PAYOUTS "?period=%s", month_ago(-1));
	expect_422(path, cast.admin, "period", "out_of_range");
	snprintf(path, sizeof(path), PAYOUTS "?period=%s", month_ago(0));
	doc = get_json(path, cast.admin);
	json_object_put(doc);
	cr_expect_eq(market_status("GET", path, cast.dev, NULL), 403);
	cr_expect_eq(market_status("GET", path, cast.user, NULL), 403);
	cr_expect_eq(market_status("GET", path, NULL, NULL), 401);
}
