/* SQL for the users table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "role.h"
#include "store/tx.h"
#include "store/users.h"

int store_users_read(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, struct store_user *out)
{
	struct db_result res;
	int rc = store_one(a, sql, p, np, &res);

	if (rc == 0)
		store_users_from_row(&res, 0, 0, out);
	return rc;
}

const char *store_users_role_name(enum role r)
{
	return role_name(r);
}

void store_users_from_row(const struct db_result *res, size_t row,
	size_t c, struct store_user *u)
{
	const char *s;

	memset(u, 0, sizeof(*u));
	u->id = db_int(res, row, c + 0, 0);
	db_str_copy(res, row, c + 1, u->public_id, sizeof(u->public_id));
	u->email = db_str(res, row, c + 2);
	u->username = db_str(res, row, c + 3);
	u->display_name = db_str(res, row, c + 4);
	u->password_hash = db_str(res, row, c + 5);
	s = db_str(res, row, c + 6);
	if (s == NULL || role_parse(s, &u->role) != 0)
		u->role = ROLE_USER;
	s = db_str(res, row, c + 7);
	u->active = s != NULL && strcmp(s, "active") == 0;
	u->email_verified = db_int(res, row, c + 8, 0) != 0;
	u->mfa_enabled = db_int(res, row, c + 9, 0) != 0;
	u->mfa_secret = db_str(res, row, c + 10);
	u->mfa_last_step = db_int(res, row, c + 11, -1);
	u->token_version = db_int(res, row, c + 12, 1);
	u->locked_until_us = db_int(res, row, c + 13, 0);
	u->lockouts = db_int(res, row, c + 14, 0);
	u->created_at = db_str(res, row, c + 15);
	u->updated_at = db_str(res, row, c + 16);
}

int store_users_create(struct arena *a, const char *email,
	const char *username, const char *display_name,
	const char *password_hash, struct store_user *out,
	const char **conflict)
{
	static const char sql[] =
		"INSERT INTO users (public_id, email, username, display_name,"
		" password_hash, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))";
	static const char sql_taken[] =
		"SELECT (SELECT COUNT(*) FROM users WHERE email = ?),"
		" (SELECT COUNT(*) FROM users WHERE username = ?)";
	char pid[37];
	int rc;

	*conflict = NULL;
	if (crypto_uuid4(pid) != 0)
		return DF_EINTERNAL;
	rc = db_exec(sql, DBP(DB_STR(pid), DB_STR(email), DB_STR(username),
		DB_STR(display_name), DB_STR(password_hash)), NULL, NULL);
	if (rc == DF_ECONFLICT) {
		struct db_result res;
		/* Which one was taken: the answer names the field. */
		if (db_query(a, sql_taken, DBP(DB_STR(email), DB_STR(username)),
		    &res) == 0 && res.nrows == 1)
			*conflict = db_int(&res, 0, 0, 0) ? "email" : "username";
		else
			*conflict = "email";
		return DF_ECONFLICT;
	}
	if (rc != 0)
		return rc;
	return store_users_get(a, STORE_USERS_BY_PUBLIC_ID, pid, out);
}

int store_users_get(struct arena *a, enum store_users_key by,
	const char *key, struct store_user *out)
{
	static const char by_pid[] = "SELECT " STORE_USERS_COLUMNS
		" FROM users u WHERE u.public_id = ?";
	static const char by_email[] = "SELECT " STORE_USERS_COLUMNS
		" FROM users u WHERE u.email = ?";
	static const char by_name[] = "SELECT " STORE_USERS_COLUMNS
		" FROM users u WHERE u.username = ?";
	static const char by_id[] = "SELECT " STORE_USERS_COLUMNS
		" FROM users u WHERE u.id = ?";
	const char *sql;

	switch (by) {
	case STORE_USERS_BY_PUBLIC_ID: sql = by_pid; break;
	case STORE_USERS_BY_EMAIL: sql = by_email; break;
	case STORE_USERS_BY_USERNAME: sql = by_name; break;
	case STORE_USERS_BY_ID: sql = by_id; break;
	default: return DF_EINVAL;
	}
	if (by == STORE_USERS_BY_ID)
		return store_users_read(a, sql,
			DBP(DB_INT(strtoll(key, NULL, 10))), out);
	return store_users_read(a, sql, DBP(DB_STR(key)), out);
}

int store_users_bump_token_version(int64_t user_id)
{
	static const char sql[] =
		"UPDATE users SET token_version = token_version + 1,"
		" updated_at = UTC_TIMESTAMP(6) WHERE id = ?";

	return db_exec(sql, DBP(DB_INT(user_id)), NULL, NULL);
}
