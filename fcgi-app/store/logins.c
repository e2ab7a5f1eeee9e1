/* SQL behind a login: lockout state, TOTP replay guard, recovery codes,
 * rehashing. Lock decisions use the database clock (UTC_TIMESTAMP) only.
 * Rows of login_failures are deleted by primary key after a plain read,
 * never by a range: a ranged DELETE takes gap locks, and two logins (even
 * of different users, whose rows are neighbours in the index) inserting
 * into each other's locked gap deadlock. Attempts on one account are
 * serialised by the lock on its users row, taken first every time. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/logins.h"
#include "store/tx.h"
#include "store/users.h"

int store_logins_begin(struct arena *a, int64_t user_id,
	int64_t *locked_s, int64_t *lockouts)
{
	/* Remaining lock in microseconds, rounded up to whole seconds so a
	 * client that waits Retry-After finds the lock gone. */
	static const char sql[] =
		"SELECT lockouts, COALESCE(GREATEST(0, CEIL(TIMESTAMPDIFF("
		"MICROSECOND, UTC_TIMESTAMP(6), locked_until) / 1000000)), 0)"
		" FROM users WHERE id = ? FOR UPDATE";
	struct db_result res;
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = store_one(a, sql, DBP(DB_INT(user_id)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	if (lockouts != NULL)
		*lockouts = db_int(&res, 0, 0, 0);
	if (locked_s != NULL)
		*locked_s = db_int(&res, 0, 1, 0);
	return 0;
}

int store_logins_count_failures(struct arena *a, int64_t user_id,
	unsigned window_s, int64_t *count)
{
	/* Failures during a lock are never recorded (a locked account is
	 * refused before its password is checked), so "after the previous
	 * lock ended" is "after locked_until". */
	static const char sql[] =
		"SELECT COUNT(*) FROM login_failures f JOIN users u"
		" ON u.id = f.user_id"
		" WHERE f.user_id = ?"
		" AND f.at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND"
		" AND (u.locked_until IS NULL OR f.at >= u.locked_until)";
	struct db_result res;
	int rc;

	rc = db_query(a, sql, DBP(DB_INT(user_id), DB_INT(window_s)), &res);
	if (rc != 0)
		return rc;
	*count = res.nrows == 1 ? db_int(&res, 0, 0, 0) : 0;
	return 0;
}

/* Deletes, one by one by primary key, the rows res lists in column 0. */
static int delete_rows(const struct db_result *res)
{
	static const char sql[] = "DELETE FROM login_failures WHERE id = ?";
	int rc = 0;

	for (size_t i = 0; i < res->nrows && rc == 0; i++)
		rc = db_exec(sql, DBP(DB_INT(db_int(res, i, 0, 0))), NULL, NULL);
	return rc;
}

int store_logins_add_failure(struct arena *a, int64_t user_id,
	const char *client_addr, unsigned window_s, int64_t *attempt_id,
	int64_t *count)
{
	/* Rows that left the window no longer count: pruned a few at a
	 * time on every attempt, so the table stays small. */
	static const char sql_old[] =
		"SELECT id FROM login_failures WHERE user_id = ?"
		" AND at <= UTC_TIMESTAMP(6) - INTERVAL ? SECOND LIMIT 50";
	static const char sql_add[] =
		"INSERT INTO login_failures (user_id, at, client_addr)"
		" VALUES (?, UTC_TIMESTAMP(6), ?)";
	struct db_result res;
	uint64_t id = 0;
	int rc;

	rc = db_query(a, sql_old, DBP(DB_INT(user_id), DB_INT(window_s)), &res);
	if (rc == 0)
		rc = delete_rows(&res);
	if (rc == 0)
		rc = db_exec(sql_add, DBP(DB_INT(user_id), DB_STR(client_addr)),
			NULL, &id);
	if (rc == 0 && attempt_id != NULL)
		*attempt_id = (int64_t)id;
	if (rc == 0)
		rc = store_logins_count_failures(a, user_id, window_s, count);
	return rc;
}

int store_logins_drop_attempt(int64_t attempt_id)
{
	static const char sql[] = "DELETE FROM login_failures WHERE id = ?";

	return db_exec(sql, DBP(DB_INT(attempt_id)), NULL, NULL);
}

int store_logins_lock(int64_t user_id, unsigned seconds)
{
	static const char sql[] =
		"UPDATE users SET locked_until = UTC_TIMESTAMP(6)"
		" + INTERVAL ? SECOND, lockouts = lockouts + 1 WHERE id = ?";
	int rc = db_exec(sql, DBP(DB_INT(seconds), DB_INT(user_id)), NULL,
		NULL);

	store_users_changed(user_id);
	return rc;
}

int store_logins_clear(struct arena *a, int64_t user_id)
{
	static const char sql_rows[] =
		"SELECT id FROM login_failures WHERE user_id = ? LIMIT 1000";
	static const char sql_reset[] =
		"UPDATE users SET locked_until = NULL, lockouts = 0"
		" WHERE id = ? AND (locked_until IS NOT NULL OR lockouts <> 0)";
	struct db_result res;
	int rc;

	rc = db_query(a, sql_rows, DBP(DB_INT(user_id)), &res);
	if (rc == 0)
		rc = delete_rows(&res);
	if (rc == 0) {
		rc = db_exec(sql_reset, DBP(DB_INT(user_id)), NULL, NULL);
		store_users_changed(user_id);
	}
	return rc;
}

int store_logins_use_totp_step(int64_t user_id, int64_t step)
{
	static const char sql[] =
		"UPDATE users SET mfa_last_step = ?"
		" WHERE id = ? AND (mfa_last_step IS NULL OR mfa_last_step < ?)";
	int rc = store_exec_one(sql, DBP(DB_INT(step), DB_INT(user_id),
		DB_INT(step)), DF_ECONFLICT);

	store_users_changed(user_id);
	return rc;
}

int store_logins_use_recovery_code(int64_t user_id,
	const unsigned char hash[32])
{
	static const char sql[] =
		"UPDATE mfa_recovery_codes SET used_at = UTC_TIMESTAMP(6)"
		" WHERE user_id = ? AND code_hash = ? AND used_at IS NULL"
		" LIMIT 1";
	return store_exec_one(sql, DBP(DB_INT(user_id), DB_BLOB(hash, 32)),
		DF_ENOTFOUND);
}

int store_logins_rehash(int64_t user_id, const char *old_hash,
	const char *new_hash)
{
	static const char sql[] =
		"UPDATE users SET password_hash = ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND password_hash = ?";
	int rc = db_exec(sql, DBP(DB_STR(new_hash), DB_INT(user_id),
		DB_STR(old_hash)), NULL, NULL);

	store_users_changed(user_id);
	return rc;
}
