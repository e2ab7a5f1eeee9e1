/* SQL for a user's own account changes (users table: display name,
 * password hash, e-mail verification). */
#include "db.h"
#include "err.h"
#include "store/account.h"
#include "store/tx.h"
#include "store/users.h"

int store_account_set_display_name(int64_t user_id, const char *name)
{
	static const char sql[] =
		"UPDATE users SET display_name = ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ?";
	int rc = store_exec_one(sql, DBP(DB_STR(name), DB_INT(user_id)),
		DF_ENOTFOUND);

	store_users_changed(user_id);
	return rc;
}

int store_account_set_password(int64_t user_id, const char *new_hash,
	const char *old_hash)
{
	static const char sql[] =
		"UPDATE users SET password_hash = ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ?";
	static const char sql_if[] =
		"UPDATE users SET password_hash = ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND password_hash = ?";
	int rc;

	if (old_hash == NULL)
		rc = store_exec_one(sql, DBP(DB_STR(new_hash),
			DB_INT(user_id)), DF_ENOTFOUND);
	else
		rc = store_exec_one(sql_if, DBP(DB_STR(new_hash),
			DB_INT(user_id), DB_STR(old_hash)), DF_ECONFLICT);
	store_users_changed(user_id);
	return rc;
}

int store_account_mark_verified(int64_t user_id)
{
	static const char sql[] =
		"UPDATE users SET email_verified_at = UTC_TIMESTAMP(6),"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND email_verified_at IS NULL";
	int rc = db_exec(sql, DBP(DB_INT(user_id)), NULL, NULL);

	store_users_changed(user_id);
	return rc;
}
