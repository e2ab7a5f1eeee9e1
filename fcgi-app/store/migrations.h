/* SQL behind `devforgectl migrate` and `--status`: the schema_migrations
 * ledger, the lock that keeps two migrates apart, and one migration file
 * applied in one transaction with its ledger row. */
#ifndef DF_STORE_MIGRATIONS_H
#define DF_STORE_MIGRATIONS_H

#include <stddef.h>
#include "err.h"

struct arena;

/* One ledger row; strings in the arena, NULL for SQL NULL. */
struct store_migr_row {
	int version;
	const char *name;
	const char *sha256;
};

/* *exists = 1 when the ledger table is there (looking never creates
 * it). 0 or a negative df_err. */
DF_MUST_CHECK int store_migr_ledger_exists(struct arena *a, int *exists);
/* Creates the ledger when missing (the same statement as
 * sql/migrations/0001, so that a fresh database works). 0, or a negative
 * df_err with the server's message in err. */
DF_MUST_CHECK int store_migr_ledger_create(char *err, size_t errlen);
/* Every ledger row by version. 0 or a negative df_err. */
DF_MUST_CHECK int store_migr_ledger_read(struct arena *a, struct store_migr_row **rows,
	size_t *n);

/* Takes the server-wide migration lock, waiting at most wait_s seconds.
 * 0 when held, DF_ECONFLICT when another holder kept it, or a negative
 * df_err. */
DF_MUST_CHECK int store_migr_lock(struct arena *a, int wait_s);
void store_migr_unlock(struct arena *a);

/* Runs script (a migration file's text) and records version, name and
 * sha256 in the ledger, in one transaction. On failure rolls back and
 * puts what failed in err; MariaDB commits DDL implicitly, so earlier
 * statements of the script may stay applied. 0 or a negative df_err. */
DF_MUST_CHECK int store_migr_apply(const char *script, size_t len, int version,
	const char *name, const char *sha256, char *err, size_t errlen);

#endif
