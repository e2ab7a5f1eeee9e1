/* SQL behind devforgectl's migrations: the ledger, the lock, and one
 * migration file with its ledger row. */
#include <stdio.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "store/migrations.h"
#include "store/tx.h"

/* The same statement as sql/migrations/0001_schema_migrations.sql: run
 * before the ledger is read so that a fresh database works. */
static const char ledger_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations (\n"
	"\tversion INT NOT NULL PRIMARY KEY,\n"
	"\tname VARCHAR(255) NOT NULL,\n"
	"\tsha256 CHAR(64) NOT NULL,\n"
	"\tapplied_at DATETIME(6) NOT NULL\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

int store_migr_ledger_exists(struct arena *a, int *exists)
{
	static const char sql[] =
		"SELECT COUNT(*) FROM information_schema.tables "
		"WHERE table_schema = DATABASE() "
		"AND table_name = 'schema_migrations'";
	struct db_result r;
	int rc = db_query(a, sql, NULL, 0, &r);

	if (rc == 0)
		*exists = db_int(&r, 0, 0, 0) > 0;
	return rc;
}

int store_migr_ledger_create(char *err, size_t errlen)
{
	return db_exec_script(ledger_sql, sizeof(ledger_sql) - 1, err, errlen);
}

static void row_map(const struct db_result *r, size_t i, void *out)
{
	struct store_migr_row *m = out;

	m->version = (int)db_int(r, i, 0, -1);
	m->name = db_str(r, i, 1);
	m->sha256 = db_str(r, i, 2);
}

int store_migr_ledger_read(struct arena *a, struct store_migr_row **rows,
	size_t *n)
{
	static const char sql[] =
		"SELECT version, name, sha256 FROM schema_migrations "
		"ORDER BY version";

	return store_rows(a, sql, NULL, 0, sizeof(**rows), row_map,
		(void **)rows, n);
}

int store_migr_lock(struct arena *a, int wait_s)
{
	static const char sql[] = "SELECT GET_LOCK('devforge_migrate', ?)";
	struct db_result r;
	int rc = db_query(a, sql, DBP(DB_INT(wait_s)), &r);

	if (rc != 0)
		return rc;
	/* 0 on timeout, NULL on an error: either way not ours. */
	return db_int(&r, 0, 0, 0) == 1 ? 0 : DF_ECONFLICT;
}

void store_migr_unlock(struct arena *a)
{
	static const char sql[] = "SELECT RELEASE_LOCK('devforge_migrate')";
	struct db_result r;

	/* Closing the connection releases it too: a failed release is
	 * only worth a note. */
	if (db_query(a, sql, NULL, 0, &r) != 0)
		log_msg(LOG_WARN, "migrate: releasing the migration lock "
			"failed; closing the connection releases it");
}

int store_migr_apply(const char *script, size_t len, int version,
	const char *name, const char *sha256, char *err, size_t errlen)
{
	static const char record_sql[] =
		"INSERT INTO schema_migrations (version, name, sha256, applied_at) "
		"VALUES (?, ?, ?, UTC_TIMESTAMP(6))";
	int rc;

	rc = db_begin();
	if (rc == 0)
		rc = db_exec_script(script, len, err, errlen);
	else
		snprintf(err, errlen, "cannot start a transaction: %s",
			df_strerror(rc));
	if (rc == 0) {
		rc = db_exec(record_sql, DBP(DB_INT(version), DB_STR(name),
			DB_STR(sha256)), NULL, NULL);
		if (rc != 0)
			snprintf(err, errlen, "cannot record it in "
				"schema_migrations: %s", df_strerror(rc));
	}
	if (rc != 0)
		return store_tx_end(rc);
	rc = store_tx_end(0);
	if (rc != 0)
		snprintf(err, errlen, "commit failed: %s", df_strerror(rc));
	return rc;
}
