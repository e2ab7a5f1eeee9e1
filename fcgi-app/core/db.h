/* The worker's MariaDB connection (one per process: the worker pool is the
 * connection pool). Prepared statements only, every value bound with its
 * type; statements are cached by their SQL text pointer and prepared again
 * after a reconnect. When the server goes away the next call reconnects
 * (within the configured timeouts); while it stays down calls return
 * DF_EDBDOWN, which the router answers with 503. Only store/ and ctl.c
 * include this header. */
#ifndef DF_DB_H
#define DF_DB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "err.h"

struct arena;
struct config;

enum db_type { DB_T_NULL = 0, DB_T_INT, DB_T_DOUBLE, DB_T_STR, DB_T_BLOB };

struct db_param {
	enum db_type type;
	int64_t i;
	double d;
	const char *s;           /* DB_T_STR / DB_T_BLOB */
	size_t len;
};

/* Parameter constructors: db_exec(SQL, DBP(DB_INT(x), DB_STR(s))). */
#define DB_NULL() ((struct db_param){ .type = DB_T_NULL })
#define DB_INT(x) ((struct db_param){ .type = DB_T_INT, .i = (int64_t)(x) })
#define DB_DOUBLE(x) ((struct db_param){ .type = DB_T_DOUBLE, .d = (x) })
/* A NUL-terminated string; NULL binds SQL NULL. A function, so that x is
 * evaluated once and a char array does not trip -Waddress. */
static inline struct db_param db_param_str(const char *s)
{
	struct db_param p = { .type = s != NULL ? DB_T_STR : DB_T_NULL, .s = s,
		.len = s != NULL ? strlen(s) : 0 };

	return p;
}
#define DB_STR(x) db_param_str(x)
#define DB_STRN(x, n) ((struct db_param){ .type = DB_T_STR, .s = (x), .len = (n) })
#define DB_BLOB(x, n) ((struct db_param){ .type = DB_T_BLOB, .s = (const char *)(x), .len = (n) })

/* One fetched value: text form as the server sent it (numbers in decimal,
 * DATETIME as "YYYY-MM-DD HH:MM:SS[.ffffff]"), NUL-terminated, in the
 * arena; is_null set for SQL NULL. */
struct db_value {
	const char *s;
	size_t len;
	int is_null;
};

struct db_result {
	size_t nrows;
	size_t ncols;
	const char **names;       /* column names */
	struct db_value *cells;   /* nrows * ncols, row-major */
};

/* Sets up the process's connection parameters from cfg; does not connect
 * (the first query does). 0 or DF_ENOMEM. */
DF_MUST_CHECK int db_init(const struct config *cfg);
/* Closes statements and the connection. */
void db_close(void);
/* Bounds each statement of this process to ms milliseconds (MariaDB's
 * max_statement_time, set on every connect and reconnect); 0 leaves the
 * server's default. db_init clears it: only the workers call this, so
 * devforgectl's migrations, generators and backups are never bounded.
 * Call it after db_init and before the first statement. A statement the
 * bound stops (a row-lock wait included) returns DF_EDBTIMEOUT and counts
 * in devforge_db_statement_timeouts_total; the connection stays. */
void db_set_statement_bound(unsigned ms);
/* The bound in force (ms), 0 for none. */
unsigned db_statement_bound(void);
/* The SET SESSION statement for a bound of ms milliseconds into buf
 * ("" for 0). Exported for unit tests. */
void db_bound_sql(unsigned ms, char *buf, size_t len);
/* Connects now if not connected. 0 or DF_EDBDOWN. */
DF_MUST_CHECK int db_connect(void);

/* Runs a statement that returns no rows. affected / insert_id may be NULL.
 * DF_ECONFLICT on a duplicate key (ER_DUP_ENTRY), DF_EDBDOWN when the
 * server is unreachable, DF_EDBTIMEOUT when the statement bound stopped
 * it, DF_EDB on other errors (logged). */
DF_MUST_CHECK int db_exec(const char *sql, const struct db_param *params, size_t nparams,
	uint64_t *affected, uint64_t *insert_id);
/* Runs a query and copies every row into the arena. */
DF_MUST_CHECK int db_query(struct arena *a, const char *sql, const struct db_param *params,
	size_t nparams, struct db_result *out);

/* Cell accessors: NULL / dflt for SQL NULL or out of range. */
const char *db_str(const struct db_result *r, size_t row, size_t col);
/* The cell copied into a fixed buffer of size bytes (a public id, a
 * family), cut to fit; "" for SQL NULL. */
void db_str_copy(const struct db_result *r, size_t row, size_t col,
	char *dst, size_t size);
int64_t db_int(const struct db_result *r, size_t row, size_t col, int64_t dflt);
int db_is_null(const struct db_result *r, size_t row, size_t col);

/* Transactions. db_begin fails with DF_EDBDOWN like any call; once inside
 * a transaction a lost connection is not retried (the caller rolls back
 * and answers 503). */
DF_MUST_CHECK int db_begin(void);
DF_MUST_CHECK int db_commit(void);
/* Unmarked: a rollback runs on a path that already carries an error,
 * which is what the caller reports; a failed ROLLBACK is logged here
 * (and a lost connection dropped). */
int db_rollback(void);
/* 1 between db_begin and its commit or rollback: a store function that
 * may run inside its caller's transaction (or its own) asks. */
int db_in_tx(void);

/* 1 when the last statement that failed, failed as a deadlock victim:
 * InnoDB rolled back its whole transaction, which the caller may run
 * again from the start (a statement outside a transaction is retried by
 * the call itself). */
int db_last_deadlocked(void);

/* A round trip (SELECT 1) timed in milliseconds. 0 or DF_EDBDOWN. */
DF_MUST_CHECK int db_ping(double *latency_ms);

/* Runs SQL text with several statements (migrations only: never with
 * input). 0 or DF_EDB with the server's message in err. */
DF_MUST_CHECK int db_exec_script(const char *sql, size_t len, char *err, size_t errlen);

/* Statistics for metrics: queries run and their total time (us). */
struct db_stats {
	uint64_t queries;
	uint64_t errors;
	uint64_t reconnects;
};
void db_get_stats(struct db_stats *out);

/* Pure helpers, exported for unit tests. */

/* The statement cache: an open-addressing table keyed by the SQL text
 * pointer (the literal in store/), probed linearly from its home slot. */
#define DB_STMT_SLOTS 256        /* power of two; store/ has far fewer */
#define DB_STMT_MAX_CACHED 192   /* keep probes short: beyond, no caching */
struct st_mysql_stmt;            /* MYSQL_STMT */
struct db_stmt_slot {
	const char *sql;          /* the key: the caller's literal */
	struct st_mysql_stmt *st;
};
/* The home slot of sql, below DB_STMT_SLOTS. */
size_t db_stmt_home(const char *sql);
/* Looks sql up in slots (DB_STMT_SLOTS of them, nused taken): 1 with *idx
 * its slot; 0 with *idx the free slot where it is to be cached; -1 when
 * it is not cached and may not be (no free slot, or DB_STMT_MAX_CACHED
 * reached): the caller prepares it for this one call. */
int db_stmt_lookup(const struct db_stmt_slot *slots, size_t nused,
	const char *sql, size_t *idx);

/* While the server is down, one connect try per this many microseconds. */
#define DB_RETRY_AFTER_US 1000000
/* Whether to try connecting now (there is no connection): never inside a
 * transaction whose connection died, nor sooner than DB_RETRY_AFTER_US
 * after the last failed try (last_fail_us 0: none). */
int db_may_connect(int in_tx, uint64_t last_fail_us, uint64_t now_us);

/* What a statement call does after an attempt failed with the server or
 * client error e. */
enum db_next {
	DB_NEXT_FAIL = 0,         /* DF_EDB, logged */
	DB_NEXT_CONFLICT,         /* DF_ECONFLICT: a duplicate key */
	DB_NEXT_RETRY,            /* again on the same connection (deadlock) */
	DB_NEXT_RECONNECT,        /* connection lost: drop it, connect, again */
	DB_NEXT_DOWN,             /* connection lost: drop it, DF_EDBDOWN */
	DB_NEXT_DOWN_HUNG,        /* lost on a read timeout: as DOWN, and no
	                             connect try for DB_RETRY_AFTER_US */
	DB_NEXT_TIMEOUT           /* DF_EDBTIMEOUT: the statement bound
	                             stopped it; the connection is kept,
	                             nothing retried */
};
/* attempt counts from 0 (a call runs at most twice); dur_us is how long
 * the failed attempt took, read_timeout_s the configured read timeout. */
enum db_next db_after_error(unsigned e, int in_tx, int attempt,
	uint64_t dur_us, unsigned read_timeout_s);

/* Array-count helper for DB params. */
#define DBP(...) ((const struct db_param[]){ __VA_ARGS__ }), \
	(sizeof((const struct db_param[]){ __VA_ARGS__ }) / sizeof(struct db_param))

#endif
