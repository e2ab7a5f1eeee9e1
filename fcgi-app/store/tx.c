/* Transactions for the api layer: thin calls through to core/db so that
 * only store/ touches the connection. */
#include <string.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/tx.h"
#include "store/users.h"

int store_tx_begin(void)
{
	return db_begin();
}

int store_tx_begin_new(char pid[37])
{
	if (crypto_uuid4(pid) != 0)
		return DF_EINTERNAL;
	return db_begin();
}

int store_tx_rollback(void)
{
	int rc = db_rollback();

	store_users_changes_settle();
	return rc;
}

int store_tx_end(int rc)
{
	if (rc != 0) {
		db_rollback();
		store_users_changes_settle();
		return rc;
	}
	rc = db_commit();
	if (rc != 0)
		db_rollback();
	/* After the commit: see store_users_changed. */
	store_users_changes_settle();
	return rc;
}

int store_rows(struct arena *a, const char *sql, const struct db_param *p,
	size_t np, size_t size, store_row_fn fn, void **out, size_t *n)
{
	struct db_result res;
	char *rows;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_query(a, sql, p, np, &res);
	if (rc != 0 || res.nrows == 0)
		return rc;
	rows = arena_calloc(a, res.nrows, size);
	if (rows == NULL)
		return DF_ENOMEM;
	for (i = 0; i < res.nrows; i++)
		fn(&res, i, rows + i * size);
	*out = rows;
	*n = res.nrows;
	return 0;
}

int store_one(struct arena *a, const char *sql, const struct db_param *p,
	size_t np, struct db_result *res)
{
	int rc = db_query(a, sql, p, np, res);

	if (rc == 0 && res->nrows != 1)
		rc = DF_ENOTFOUND;
	return rc;
}

int store_get(struct arena *a, const char *sql, const struct db_param *p,
	size_t np, store_row_fn fn, void *out)
{
	struct db_result res;
	int rc = store_one(a, sql, p, np, &res);

	if (rc == 0)
		fn(&res, 0, out);
	return rc;
}

int store_number_of(const char *sql, const struct db_param *p, size_t np,
	int64_t *out)
{
	struct db_result res;
	struct arena *a;
	int rc;

	*out = 0;
	a = arena_new(1024);
	if (a == NULL)
		return DF_ENOMEM;
	rc = db_query(a, sql, p, np, &res);
	if (rc == 0 && res.nrows > 0)
		*out = db_int(&res, 0, 0, 0);
	arena_free(a);
	return rc;
}

int store_number(const char *sql, int64_t *out)
{
	return store_number_of(sql, NULL, 0, out);
}

int store_exec_one(const char *sql, const struct db_param *p, size_t np,
	int none)
{
	uint64_t n = 0;
	int rc = db_exec(sql, p, np, &n, NULL);

	if (rc == 0 && n != 1)
		rc = none;
	return rc;
}

int store_sql_add(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= cap)
		return DF_EINTERNAL;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return 0;
}
