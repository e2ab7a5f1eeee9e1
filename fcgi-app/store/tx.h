/* Transactions for the api layer: a handler that writes through several
 * stores (a user, its session, its audit event, its mail) makes them one
 * unit of work without including db.h. Also the one row-mapping loop
 * every store's list queries share, and the one "exactly one row or not
 * found" read of its lookups. */
#ifndef DF_STORE_TX_H
#define DF_STORE_TX_H

/* Each returns 0 or a negative df_err like db_begin/db_rollback. */
DF_MUST_CHECK int store_tx_begin(void);
/* Begins the transaction that inserts a row with a new public id: pid
 * gets a fresh UUID first. 0, or a negative df_err with nothing begun. */
DF_MUST_CHECK int store_tx_begin_new(char pid[37]);
/* Abandons the transaction when the caller answers without writing (a
 * refused token, a conflict it reports itself). Unmarked, as
 * db_rollback: the error that led here is the one to report. */
int store_tx_rollback(void);

/* Ends the transaction by rc: commits when rc is 0, otherwise rolls back
 * and hands rc on. Returns rc, or the commit's failure (rolled back). It
 * is the one way a transaction that may have written ends, so every exit
 * of a multi-step write is one `return store_tx_end(rc)` instead of a
 * commit and a rollback on each path. */
DF_MUST_CHECK int store_tx_end(int rc);

#include <stddef.h>
#include "err.h"

struct arena;
struct db_param;
struct db_result;

/* Maps row `row` of res into the struct at out. */
typedef void (*store_row_fn)(const struct db_result *res, size_t row,
	void *out);

/* Runs a query and maps every row into a new arena array of n structs of
 * `size` bytes each (*out NULL when there is none). 0 or a negative
 * df_err. */
DF_MUST_CHECK int store_rows(struct arena *a, const char *sql, const struct db_param *p,
	size_t np, size_t size, store_row_fn fn, void **out, size_t *n);

/* Runs a write that must change exactly one row: 0 when it did, `none`
 * when it did not (DF_ENOTFOUND or DF_ECONFLICT: the caller says what no
 * row means), another df_err on failure. */
DF_MUST_CHECK int store_exec_one(const char *sql, const struct db_param *p,
	size_t np, int none);
/* Runs a query that names one row (by a key): 0 with res filled when
 * exactly one row came back, DF_ENOTFOUND when none or several did,
 * another df_err on failure. */
DF_MUST_CHECK int store_one(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, struct db_result *res);
/* store_one, then the row mapped into out by fn: the read of one
 * struct by its key. */
DF_MUST_CHECK int store_get(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, store_row_fn fn, void *out);

/* The first column of the first row of a parameterless sql as a number
 * (0 without rows), read with an arena of its own: for the callers that
 * have no request (health checks, the search index's sync). */
DF_MUST_CHECK int store_number(const char *sql, int64_t *out);
/* store_number of a parameterised sql (one value of a row a caller
 * without an arena of its own asks for: a forum vote, an entitlement). */
DF_MUST_CHECK int store_number_of(const char *sql, const struct db_param *p,
	size_t np, int64_t *out);

/* Appends s to the statement text in buf (cap bytes, *len used so
 * far): lists whose filters vary build each combination's text once
 * (the database layer caches prepared statements by the text's address,
 * so the texts live for the process). 0, or DF_EINTERNAL when it would
 * not fit: the caller's buffer is sized for its longest combination. */
DF_MUST_CHECK int store_sql_add(char *buf, size_t cap, size_t *len,
	const char *s);

#endif
