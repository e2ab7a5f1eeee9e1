/* SQL for TOTP enrolment: users.mfa_* and mfa_recovery_codes. Each
 * change is conditional on the state it expects, so concurrent requests
 * on one account cannot interleave into an odd state. */
#include "db.h"
#include "err.h"
#include "store/mfa.h"
#include "store/tx.h"
#include "store/users.h"

int store_mfa_set_pending(int64_t user_id, const char *secret_b32)
{
	static const char sql[] =
		"UPDATE users SET mfa_secret = ?, mfa_last_step = NULL,"
		" updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND mfa_enabled = 0";
	int rc = store_exec_one(sql, DBP(DB_STR(secret_b32), DB_INT(user_id)),
		DF_ECONFLICT);

	store_users_changed(user_id);
	return rc;
}

int store_mfa_enable(int64_t user_id, const char *secret_b32, int64_t step)
{
	static const char sql[] =
		"UPDATE users SET mfa_enabled = 1, mfa_last_step = ?,"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND mfa_enabled = 0 AND mfa_secret = ?";
	int rc = store_exec_one(sql, DBP(DB_INT(step), DB_INT(user_id),
		DB_STR(secret_b32)), DF_ECONFLICT);

	store_users_changed(user_id);
	return rc;
}

int store_mfa_disable(int64_t user_id)
{
	static const char sql[] =
		"UPDATE users SET mfa_enabled = 0, mfa_secret = NULL,"
		" mfa_last_step = NULL, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND mfa_enabled = 1";
	static const char sql_codes[] =
		"DELETE FROM mfa_recovery_codes WHERE user_id = ?";
	int rc;

	rc = store_exec_one(sql, DBP(DB_INT(user_id)), DF_ECONFLICT);
	store_users_changed(user_id);
	if (rc == 0)
		rc = db_exec(sql_codes, DBP(DB_INT(user_id)), NULL, NULL);
	return rc;
}

int store_mfa_recovery_replace(int64_t user_id,
	const unsigned char (*hashes)[32], size_t n)
{
	static const char sql_del[] =
		"DELETE FROM mfa_recovery_codes WHERE user_id = ?";
	static const char sql_add[] =
		"INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (?, ?)";
	int rc;

	rc = db_exec(sql_del, DBP(DB_INT(user_id)), NULL, NULL);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = db_exec(sql_add, DBP(DB_INT(user_id), DB_BLOB(hashes[i], 32)),
			NULL, NULL);
	return rc;
}
