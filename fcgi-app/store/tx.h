/* Transactions for the api layer: a handler that writes through several
 * stores (a user, its session, its audit event, its mail) makes them one
 * unit of work without including db.h. Also the one row-mapping loop
 * every store's list queries share. */
#ifndef DF_STORE_TX_H
#define DF_STORE_TX_H

/* Each returns 0 or a negative df_err like db_begin/db_commit/db_rollback.
 * After any failure inside the transaction the caller rolls back; a
 * failed commit has been rolled back already. */
DF_MUST_CHECK int store_tx_begin(void);
DF_MUST_CHECK int store_tx_commit(void);
/* Unmarked, as db_rollback: the error that led here is the one to
 * report. */
int store_tx_rollback(void);

/* Ends the transaction by rc: commits when rc is 0, otherwise rolls back
 * and hands rc on. Returns rc, or the commit's failure (rolled back). It
 * lets every exit of a multi-step write be one `return store_tx_end(rc)`
 * instead of a rollback on each error path. */
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

#endif
