/* Unit tests of the database layer without a server: the statement cache
 * (keyed by the SQL pointer, linear probing, no caching beyond its limit),
 * the reconnect rules (what is retried, never inside a transaction, no
 * connect storm while down, no reconnect to a hung server), the answers
 * while the server is unreachable, and the cell accessors.
 *
 * Not here, because only a live MariaDB shows it: statements prepared
 * again after a reconnect, the session settings, a real deadlock retried,
 * long columns fetched again. tests/integration (test_resilience and the
 * rest) runs those against the real server. */
#include <criterion/criterion.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "../../fcgi-app/core/arena.h"
#include "../../fcgi-app/core/config.h"
#include "../../fcgi-app/core/db.h"
#include "../../fcgi-app/core/err.h"

/* Distinct addresses to use as statement keys. */
static char pool[1 << 16];

/* An address in pool whose home slot is home, other than not. */
static const char *key_at_home(size_t home, const char *not)
{
	size_t k;

	for (k = 0; k < sizeof(pool); k++)
		if (pool + k != not && db_stmt_home(pool + k) == home)
			return pool + k;
	cr_assert_fail("no address in the pool has home slot %zu", home);
	return NULL;
}

/* ---- the statement cache ------------------------------------------- */

Test(db_cache, every_home_slot_is_inside_the_table)
{
	size_t k;

	for (k = 0; k < sizeof(pool); k++)
		cr_assert_lt(db_stmt_home(pool + k), DB_STMT_SLOTS);
}

Test(db_cache, an_empty_table_offers_the_home_slot)
{
	static struct db_stmt_slot slots[DB_STMT_SLOTS];
	const char *sql = "SELECT 1";
	size_t idx = 999;

	cr_assert_eq(db_stmt_lookup(slots, 0, sql, &idx), 0);
	cr_assert_eq(idx, db_stmt_home(sql));
}

Test(db_cache, a_cached_statement_is_found_in_its_slot)
{
	static struct db_stmt_slot slots[DB_STMT_SLOTS];
	const char *sql = "SELECT id FROM users WHERE id = ?";
	size_t idx = 0, again = 999;

	cr_assert_eq(db_stmt_lookup(slots, 0, sql, &idx), 0);
	slots[idx].sql = sql;
	cr_assert_eq(db_stmt_lookup(slots, 1, sql, &again), 1);
	cr_assert_eq(again, idx);
}

Test(db_cache, the_same_text_at_another_address_is_another_statement)
{
	static struct db_stmt_slot slots[DB_STMT_SLOTS];
	/* Two arrays: the compiler may not merge them as it may literals. */
	static const char a[] = "SELECT 1", b[] = "SELECT 1";
	size_t ia = 0, ib = 0;

	cr_assert_eq(db_stmt_lookup(slots, 0, a, &ia), 0);
	slots[ia].sql = a;
	cr_assert_eq(db_stmt_lookup(slots, 1, b, &ib), 0,
		"a copy of the SQL text must not find the statement of the literal");
	cr_assert_eq(db_stmt_lookup(slots, 1, a, &ia), 1);
}

Test(db_cache, a_collision_takes_the_next_free_slot)
{
	static struct db_stmt_slot slots[DB_STMT_SLOTS];
	const char *first = key_at_home(17, NULL);
	const char *second = key_at_home(17, first);
	size_t idx = 0;

	slots[17].sql = first;
	cr_assert_eq(db_stmt_lookup(slots, 1, second, &idx), 0);
	cr_assert_eq(idx, 18);
	slots[18].sql = second;
	cr_assert_eq(db_stmt_lookup(slots, 2, second, &idx), 1);
	cr_assert_eq(idx, 18);
	/* The first one is still found at its home. */
	cr_assert_eq(db_stmt_lookup(slots, 2, first, &idx), 1);
	cr_assert_eq(idx, 17);
}

Test(db_cache, probing_wraps_past_the_end_of_the_table)
{
	static struct db_stmt_slot slots[DB_STMT_SLOTS];
	const char *last = key_at_home(DB_STMT_SLOTS - 1, NULL);
	const char *other = key_at_home(DB_STMT_SLOTS - 1, last);
	size_t idx = 999;

	slots[DB_STMT_SLOTS - 1].sql = other;
	cr_assert_eq(db_stmt_lookup(slots, 1, last, &idx), 0);
	cr_assert_eq(idx, 0);
	slots[0].sql = last;
	cr_assert_eq(db_stmt_lookup(slots, 2, last, &idx), 1);
	cr_assert_eq(idx, 0);
}

Test(db_cache, nothing_more_is_cached_at_the_limit)
{
	static struct db_stmt_slot slots[DB_STMT_SLOTS];
	const char *cached = pool + 1, *fresh = pool + 2;
	size_t idx = 0;

	cr_assert_eq(db_stmt_lookup(slots, 0, cached, &idx), 0);
	slots[idx].sql = cached;
	cr_assert_eq(db_stmt_lookup(slots, DB_STMT_MAX_CACHED - 1, fresh, &idx), 0);
	cr_assert_eq(db_stmt_lookup(slots, DB_STMT_MAX_CACHED, fresh, &idx), -1,
		"beyond the limit a statement is prepared for one call only");
	/* What is cached stays usable at the limit. */
	cr_assert_eq(db_stmt_lookup(slots, DB_STMT_MAX_CACHED, cached, &idx), 1);
}

Test(db_cache, a_full_table_offers_no_slot)
{
	static struct db_stmt_slot slots[DB_STMT_SLOTS];
	size_t i, idx = 0;

	/* Not reachable through db.c (the limit stops it first), but the
	 * probe must end rather than loop. */
	for (i = 0; i < DB_STMT_SLOTS; i++)
		slots[i].sql = pool + 100 + i;
	cr_assert_eq(db_stmt_lookup(slots, 0, pool, &idx), -1);
	cr_assert_eq(db_stmt_lookup(slots, 0, pool + 100 + 7, &idx), 1);
	cr_assert_eq(idx, 7);
}

/* ---- when to connect ----------------------------------------------- */

#define T0 5000000000ull

Test(db_connect_rule, connects_when_no_try_has_failed)
{
	cr_assert_eq(db_may_connect(0, 0, T0), 1);
}

Test(db_connect_rule, waits_after_a_failed_try)
{
	cr_assert_eq(db_may_connect(0, T0, T0), 0);
	cr_assert_eq(db_may_connect(0, T0, T0 + DB_RETRY_AFTER_US - 1), 0);
	cr_assert_eq(db_may_connect(0, T0, T0 + DB_RETRY_AFTER_US), 1);
}

Test(db_connect_rule, never_reconnects_inside_a_transaction)
{
	cr_assert_eq(db_may_connect(1, 0, T0), 0);
	cr_assert_eq(db_may_connect(1, T0, T0 + 100 * DB_RETRY_AFTER_US), 0);
}

/* ---- what follows a failed attempt --------------------------------- */

static const unsigned gone_errors[] = {
	CR_SERVER_GONE_ERROR, CR_SERVER_LOST, CR_CONNECTION_ERROR,
	CR_CONN_HOST_ERROR, CR_SERVER_LOST_EXTENDED, ER_CONNECTION_KILLED,
	ER_SERVER_SHUTDOWN,
};
#define NGONE (sizeof(gone_errors) / sizeof(gone_errors[0]))
#define FAST 1000u               /* 1 ms: far from a read timeout */
#define READ_TIMEOUT 10u         /* seconds */

Test(db_after_error, a_lost_connection_is_reconnected_once)
{
	size_t i;

	for (i = 0; i < NGONE; i++) {
		cr_assert_eq(db_after_error(gone_errors[i], 0, 0, FAST, READ_TIMEOUT),
			DB_NEXT_RECONNECT, "error %u on the first attempt", gone_errors[i]);
		cr_assert_eq(db_after_error(gone_errors[i], 0, 1, FAST, READ_TIMEOUT),
			DB_NEXT_DOWN, "error %u on the second attempt", gone_errors[i]);
	}
}

Test(db_after_error, a_lost_connection_inside_a_transaction_is_not_retried)
{
	size_t i;

	for (i = 0; i < NGONE; i++)
		cr_assert_eq(db_after_error(gone_errors[i], 1, 0, FAST, READ_TIMEOUT),
			DB_NEXT_DOWN, "error %u", gone_errors[i]);
}

Test(db_after_error, a_read_timeout_means_a_hung_server_and_no_reconnect_now)
{
	/* 90% of the read timeout counts as having hit it. */
	cr_assert_eq(db_after_error(CR_SERVER_LOST, 0, 0,
		READ_TIMEOUT * 1000000ull, READ_TIMEOUT), DB_NEXT_DOWN_HUNG);
	cr_assert_eq(db_after_error(CR_SERVER_LOST, 0, 0,
		READ_TIMEOUT * 900000ull, READ_TIMEOUT), DB_NEXT_DOWN_HUNG);
	cr_assert_eq(db_after_error(CR_SERVER_LOST, 0, 0,
		READ_TIMEOUT * 900000ull - 1, READ_TIMEOUT), DB_NEXT_RECONNECT);
	/* Inside a transaction it is down all the same. */
	cr_assert_eq(db_after_error(CR_SERVER_LOST, 1, 0,
		READ_TIMEOUT * 1000000ull, READ_TIMEOUT), DB_NEXT_DOWN);
}

Test(db_after_error, a_duplicate_key_is_a_conflict_and_not_retried)
{
	cr_assert_eq(db_after_error(ER_DUP_ENTRY, 0, 0, FAST, READ_TIMEOUT),
		DB_NEXT_CONFLICT);
	cr_assert_eq(db_after_error(ER_DUP_ENTRY_WITH_KEY_NAME, 0, 0, FAST,
		READ_TIMEOUT), DB_NEXT_CONFLICT);
	cr_assert_eq(db_after_error(ER_DUP_ENTRY, 1, 0, FAST, READ_TIMEOUT),
		DB_NEXT_CONFLICT);
}

Test(db_after_error, a_statement_stopped_by_the_bound_is_a_timeout_and_keeps_the_connection)
{
	/* max_statement_time (1969): never retried (a retry would hold the
	 * database as long again), never a reconnect, inside a transaction
	 * or not. */
	cr_assert_eq(db_after_error(ER_STATEMENT_TIMEOUT, 0, 0, FAST,
		READ_TIMEOUT), DB_NEXT_TIMEOUT);
	cr_assert_eq(db_after_error(ER_STATEMENT_TIMEOUT, 1, 0, FAST,
		READ_TIMEOUT), DB_NEXT_TIMEOUT);
	/* Even one that took as long as the read timeout. */
	cr_assert_eq(db_after_error(ER_STATEMENT_TIMEOUT, 0, 0,
		READ_TIMEOUT * 1000000ull, READ_TIMEOUT), DB_NEXT_TIMEOUT);
}

Test(db_bound, the_session_statement_gives_seconds_with_fractions)
{
	char buf[64];

	db_bound_sql(2000, buf, sizeof(buf));
	cr_assert_str_eq(buf, "SET SESSION max_statement_time = 2.000");
	db_bound_sql(300, buf, sizeof(buf));
	cr_assert_str_eq(buf, "SET SESSION max_statement_time = 0.300");
	db_bound_sql(1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "SET SESSION max_statement_time = 0.001");
	db_bound_sql(299999, buf, sizeof(buf));
	cr_assert_str_eq(buf, "SET SESSION max_statement_time = 299.999");
	/* 0: no statement at all, the server's own default stays. */
	db_bound_sql(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
}

Test(db_after_error, a_deadlock_is_retried_once_outside_a_transaction)
{
	cr_assert_eq(db_after_error(ER_LOCK_DEADLOCK, 0, 0, FAST, READ_TIMEOUT),
		DB_NEXT_RETRY);
	cr_assert_eq(db_after_error(ER_LOCK_DEADLOCK, 0, 1, FAST, READ_TIMEOUT),
		DB_NEXT_FAIL);
	/* The server rolled the transaction back: its caller must start over. */
	cr_assert_eq(db_after_error(ER_LOCK_DEADLOCK, 1, 0, FAST, READ_TIMEOUT),
		DB_NEXT_FAIL);
}

Test(db_after_error, other_errors_fail_without_a_retry)
{
	static const unsigned others[] = {
		0, ER_PARSE_ERROR, ER_NO_SUCH_TABLE, ER_BAD_NULL_ERROR,
		ER_DATA_TOO_LONG, ER_LOCK_WAIT_TIMEOUT, ER_ROW_IS_REFERENCED_2,
		CR_OUT_OF_MEMORY, CR_COMMANDS_OUT_OF_SYNC,
	};
	size_t i;

	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		cr_assert_eq(db_after_error(others[i], 0, 0, FAST, READ_TIMEOUT),
			DB_NEXT_FAIL, "error %u", others[i]);
		cr_assert_eq(db_after_error(others[i], 1, 0, FAST, READ_TIMEOUT),
			DB_NEXT_FAIL, "error %u in a transaction", others[i]);
	}
}

/* ---- the calls without a server ------------------------------------ */

Test(db_calls, refuse_missing_arguments)
{
	struct arena *a = arena_new(4096);
	struct db_result r;

	cr_assert_not_null(a);
	cr_assert_eq(db_exec(NULL, NULL, 0, NULL, NULL), DF_EINVAL);
	cr_assert_eq(db_exec("SELECT ?", NULL, 1, NULL, NULL), DF_EINVAL);
	cr_assert_eq(db_query(NULL, "SELECT 1", NULL, 0, &r), DF_EINVAL);
	cr_assert_eq(db_query(a, "SELECT 1", NULL, 0, NULL), DF_EINVAL);
	cr_assert_eq(db_query(a, NULL, NULL, 0, &r), DF_EINVAL);
	arena_free(a);
}

Test(db_calls, answer_db_down_before_db_init)
{
	struct arena *a = arena_new(4096);
	struct db_result r;

	cr_assert_not_null(a);
	memset(&r, 0x5a, sizeof(r));
	cr_assert_eq(db_connect(), DF_EDBDOWN);
	cr_assert_eq(db_exec("SELECT 1", NULL, 0, NULL, NULL), DF_EDBDOWN);
	cr_assert_eq(db_query(a, "SELECT 1", NULL, 0, &r), DF_EDBDOWN);
	cr_assert_eq(r.nrows, 0);
	cr_assert_null(r.cells);
	cr_assert_eq(db_begin(), DF_EDBDOWN);
	cr_assert_eq(db_ping(NULL), DF_EDBDOWN);
	arena_free(a);
}

Test(db_calls, an_unreachable_server_answers_db_down)
{
	/* No server listens here: the connect fails at once. */
	static char sock[] = "/nonexistent/devforge-test-mysqld.sock";
	static char name[] = "devforge";
	struct config cfg;
	struct db_stats st;
	char err[128];

	memset(&cfg, 0, sizeof(cfg));
	cfg.db_socket = sock;
	cfg.db_user = name;
	cfg.db_name = name;
	cfg.db_connect_timeout = 1;
	cfg.db_read_timeout = 1;
	cfg.db_write_timeout = 1;
	cr_assert_eq(db_init(&cfg), 0);
	cr_assert_eq(db_connect(), DF_EDBDOWN);
	cr_assert_eq(db_exec("SELECT 1", NULL, 0, NULL, NULL), DF_EDBDOWN);
	cr_assert_eq(db_exec_script("SELECT 1", 8, err, sizeof(err)), DF_EDBDOWN);
	cr_assert_str_eq(err, "the database is unreachable");
	/* A failed START TRANSACTION leaves no transaction open: a second
	 * db_begin is refused for the outage, not for nesting. */
	cr_assert_eq(db_begin(), DF_EDBDOWN);
	cr_assert_eq(db_begin(), DF_EDBDOWN);
	/* Without a connection there is nothing to roll back... */
	cr_assert_eq(db_rollback(), 0);
	/* ...and nothing was committed. */
	cr_assert_eq(db_commit(), DF_EDBDOWN);
	/* No statement ran. */
	db_get_stats(&st);
	cr_assert_eq(st.queries, 0);
	cr_assert_eq(st.reconnects, 0);
	db_close();
}

Test(db_calls, only_an_explicit_call_bounds_statements_never_the_config_alone)
{
	/* devforgectl (migrations, generators, backups) calls db_init with
	 * the same config as the workers and must stay unbounded: the
	 * config's db_statement_timeout_ms is applied by the worker's own
	 * call, and a new db_init forgets it. */
	static char sock[] = "/nonexistent/devforge-test-mysqld.sock";
	static char name[] = "devforge";
	struct config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.db_socket = sock;
	cfg.db_user = name;
	cfg.db_name = name;
	cfg.db_connect_timeout = 1;
	cfg.db_read_timeout = 5;
	cfg.db_write_timeout = 1;
	cfg.db_statement_timeout_ms = 2000;
	cr_assert_eq(db_init(&cfg), 0);
	cr_assert_eq(db_statement_bound(), 0);
	db_set_statement_bound(cfg.db_statement_timeout_ms);
	cr_assert_eq(db_statement_bound(), 2000);
	cr_assert_eq(db_init(&cfg), 0);
	cr_assert_eq(db_statement_bound(), 0);
	db_close();
}

/* ---- cell accessors ------------------------------------------------ */

static struct db_value cells[] = {
	{ .s = "42", .len = 2 }, { .s = "alice", .len = 5 },
	{ .s = "-7", .len = 2 }, { .is_null = 1 },
	{ .s = "", .len = 0 }, { .s = "12abc", .len = 5 },
	{ .s = "99999999999999999999", .len = 20 }, { .s = "0", .len = 1 },
};
static const struct db_result res = { .nrows = 4, .ncols = 2, .cells = cells };

Test(db_cells, strings_by_row_and_column)
{
	cr_assert_str_eq(db_str(&res, 0, 0), "42");
	cr_assert_str_eq(db_str(&res, 0, 1), "alice");
	cr_assert_str_eq(db_str(&res, 3, 1), "0");
	cr_assert_null(db_str(&res, 1, 1), "SQL NULL");
	cr_assert_null(db_str(&res, 4, 0), "row out of range");
	cr_assert_null(db_str(&res, 0, 2), "column out of range");
	cr_assert_null(db_str(NULL, 0, 0));
}

Test(db_cells, integers_or_the_default)
{
	cr_assert_eq(db_int(&res, 0, 0, -1), 42);
	cr_assert_eq(db_int(&res, 1, 0, -1), -7);
	cr_assert_eq(db_int(&res, 3, 1, -1), 0);
	cr_assert_eq(db_int(&res, 0, 1, -1), -1, "not a number");
	cr_assert_eq(db_int(&res, 1, 1, -1), -1, "SQL NULL");
	cr_assert_eq(db_int(&res, 2, 0, -1), -1, "empty");
	cr_assert_eq(db_int(&res, 2, 1, -1), -1, "trailing characters");
	cr_assert_eq(db_int(&res, 3, 0, -1), -1, "out of range of int64");
	cr_assert_eq(db_int(&res, 9, 0, -1), -1, "row out of range");
}

Test(db_cells, null_tells_sql_null_and_missing_cells)
{
	cr_assert_eq(db_is_null(&res, 1, 1), 1);
	cr_assert_eq(db_is_null(&res, 0, 0), 0);
	cr_assert_eq(db_is_null(&res, 2, 0), 0, "an empty string is not NULL");
	cr_assert_eq(db_is_null(&res, 4, 0), 1);
	cr_assert_eq(db_is_null(NULL, 0, 0), 1);
}

/* ---- parameters ---------------------------------------------------- */

Test(db_params, a_null_string_binds_sql_null)
{
	const char *none = NULL;
	struct db_param p = DB_STR(none), q = DB_STR("ab");

	cr_assert_eq(p.type, DB_T_NULL);
	cr_assert_eq(q.type, DB_T_STR);
	cr_assert_eq(q.len, 2);
}

static size_t count_of(const struct db_param *p, size_t n)
{
	(void)p;
	return n;
}

Test(db_params, dbp_counts_its_parameters)
{
	cr_assert_eq(count_of(DBP(DB_INT(1))), 1);
	cr_assert_eq(count_of(DBP(DB_INT(1), DB_STR("x"), DB_NULL())), 3);
}
