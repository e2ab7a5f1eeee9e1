/* SQL for administering accounts. Role and status changes run in one
 * transaction that locks the active admins first: the check "is this the
 * last active admin?" and the change it guards must not interleave with
 * another admin's change, or two admins demoting each other at the same
 * moment would both pass and leave nobody in charge. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/admin_users.h"
#include "store/sessions.h"
#include "store/tx.h"

char *store_admin_users_pattern(struct arena *a, const char *q)
{
	size_t len = strlen(q), i, o = 0;
	char *p;

	/* Worst case every byte escaped, plus the '%' and the NUL. */
	p = arena_alloc(a, 2 * len + 2);
	if (p == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (q[i] == '!' || q[i] == '%' || q[i] == '_')
			p[o++] = '!';
		p[o++] = q[i];
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}

/* A prefix that at least this many addresses or usernames share is
 * searched by walking the users newest first (at least one row in
 * 200 matches there at 200,000 users); a rarer one by its index ranges.
 * The walk runs on the index of the role and status filters when there
 * are any, so "the active admins" reads the admins, not every account;
 * the worst case left is a common prefix that (nearly) no account of the
 * role or status asked for has: one walk of that role's or status's
 * accounts. */
#define ADMIN_USERS_FEW 1000

/* The filters after the match, the keyset and the order: one text for
 * both statements. */
#define AU_TAIL \
	" AND (? IS NULL OR u.role = ?)" \
	" AND (? IS NULL OR u.status = ?)" \
	" AND (? = 0 OR u.id < ?)" \
	" ORDER BY u.id DESC LIMIT ?"

int store_admin_users_list(struct arena *a,
	const struct store_admin_users_filter *f, struct store_user **out,
	size_t *n)
{
	/* One statement for every combination of filters: an absent filter
	 * binds NULL (or 0) and its condition folds away. */
#define AU_WALK(IDX) "SELECT " STORE_USERS_COLUMNS \
		" FROM users u FORCE INDEX (" IDX ")" \
		" WHERE (? IS NULL OR u.email LIKE ? ESCAPE '!'" \
		"   OR u.username LIKE ? ESCAPE '!')" AU_TAIL
	/* By [role given][status given]: each index ends with the id. */
	static const char *const walk_sql[2][2] = {
		{ AU_WALK("PRIMARY"), AU_WALK("idx_users_status_id") },
		{ AU_WALK("idx_users_role_id"), AU_WALK("idx_users_role_status") },
	};
#undef AU_WALK
	/* A rare prefix: the matching ids from the two unique indexes (a
	 * range each), then their rows; the sort is of fewer than
	 * 2 * ADMIN_USERS_FEW ids. */
	static const char seek_sql[] = "SELECT " STORE_USERS_COLUMNS
		" FROM (SELECT id FROM users WHERE email LIKE ? ESCAPE '!'"
		"   UNION SELECT id FROM users WHERE username LIKE ? ESCAPE '!') m"
		" STRAIGHT_JOIN users u ON u.id = m.id"
		" WHERE 1" AU_TAIL;
	/* Index-only and bounded: at most ADMIN_USERS_FEW entries a side. */
	static const char count_sql[] =
		"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM users"
		"   WHERE email LIKE ? ESCAPE '!' LIMIT ?) x)"
		" + (SELECT COUNT(*) FROM (SELECT 1 FROM users"
		"   WHERE username LIKE ? ESCAPE '!' LIMIT ?) y)";
	struct db_result res;
	const char *pat = NULL;
	struct db_param p[12];
	size_t i, np = 0;
	int seek = 0, rc;

	*out = NULL;
	*n = 0;
	if (f->q != NULL) {
		if ((pat = store_admin_users_pattern(a, f->q)) == NULL)
			return DF_ENOMEM;
		rc = db_query(a, count_sql, DBP(DB_STR(pat),
			DB_INT(ADMIN_USERS_FEW), DB_STR(pat),
			DB_INT(ADMIN_USERS_FEW)), &res);
		if (rc != 0)
			return rc;
		if (res.nrows == 0 || db_int(&res, 0, 0, 0) == 0)
			return 0;
		seek = db_int(&res, 0, 0, 0) < ADMIN_USERS_FEW;
	}
	if (seek) {
		p[np++] = DB_STR(pat);
		p[np++] = DB_STR(pat);
	} else {
		p[np++] = DB_STR(pat);
		p[np++] = DB_STR(pat);
		p[np++] = DB_STR(pat);
	}
	p[np++] = DB_STR(f->role);
	p[np++] = DB_STR(f->role);
	p[np++] = DB_STR(f->status);
	p[np++] = DB_STR(f->status);
	p[np++] = DB_INT(f->before_id);
	p[np++] = DB_INT(f->before_id);
	p[np++] = DB_INT(f->limit + 1);
	rc = db_query(a, seek ? seek_sql :
		walk_sql[f->role != NULL][f->status != NULL], p, np, &res);
	if (rc != 0)
		return rc;
	if (res.nrows == 0)
		return 0;
	*out = arena_calloc(a, res.nrows, sizeof(**out));
	if (*out == NULL)
		return DF_ENOMEM;
	for (i = 0; i < res.nrows; i++)
		store_users_from_row(&res, i, 0, &(*out)[i]);
	*n = res.nrows;
	return 0;
}

int store_admin_users_update(struct arena *a, const char *pid,
	enum role role, int active, store_admin_users_hook hook, void *ctx,
	struct store_user *before, struct store_user *after)
{
	/* Taken in index order by every change that could remove an admin,
	 * so such changes queue behind each other; the count read under the
	 * lock is the committed one. Through the (role, status) index, so
	 * that only admin rows are locked, never a scan of every user. */
	static const char lock_admins[] =
		"SELECT id FROM users FORCE INDEX (idx_users_role_status)"
		" WHERE role = 'admin' AND status = 'active' FOR UPDATE";
	static const char lock_user[] = "SELECT " STORE_USERS_COLUMNS
		" FROM users u WHERE u.public_id = ? FOR UPDATE";
	static const char by_id[] = "SELECT " STORE_USERS_COLUMNS
		" FROM users u WHERE u.id = ?";
	static const char update[] =
		"UPDATE users SET role = ?, status = ?,"
		" token_version = token_version + ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ?";
	int may_remove_admin = (role != ROLE_NONE && role != ROLE_ADMIN) ||
		active == 0;
	struct db_result res;
	size_t nadmins = 0;
	enum role new_role;
	int new_active, suspending, rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	if (may_remove_admin) {
		rc = db_query(a, lock_admins, NULL, 0, &res);
		if (rc != 0)
			return store_tx_end(rc);
		nadmins = res.nrows;
	}
	rc = store_users_read(a, lock_user, DBP(DB_STR(pid)), before);
	if (rc != 0)
		return store_tx_end(rc);
	new_role = role != ROLE_NONE ? role : before->role;
	new_active = active >= 0 ? (active != 0) : before->active;
	if (new_role == before->role && new_active == before->active) {
		*after = *before;
		return store_tx_end(0);
	}
	if (before->role == ROLE_ADMIN && before->active &&
	    !(new_role == ROLE_ADMIN && new_active) && nadmins <= 1)
		return store_tx_end(DF_ECONFLICT);
	suspending = before->active && !new_active;
	rc = db_exec(update, DBP(DB_STR(store_users_role_name(new_role)),
		DB_STR(new_active ? "active" : "suspended"),
		DB_INT(suspending ? 1 : 0), DB_INT(before->id)), NULL, NULL);
	store_users_changed(before->id);
	/* The revocation logout-all performs: the suspended user's refresh
	 * tokens can no longer mint access tokens. */
	if (rc == 0 && suspending)
		rc = store_sessions_revoke_user(before->id, NULL);
	if (rc == 0)
		rc = store_users_read(a, by_id, DBP(DB_INT(before->id)),
			after);
	if (rc == 0 && hook != NULL)
		rc = hook(ctx, before, after);
	return store_tx_end(rc);
}

int store_admin_users_create_admin(struct arena *a, const char *email,
	const char *username, const char *password_hash,
	store_admin_users_hook hook, void *ctx, struct store_user *out,
	const char **conflict)
{
	static const char insert[] =
		"INSERT INTO users (public_id, email, username, password_hash,"
		" role, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, 'admin', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))";
	static const char by_pid[] = "SELECT " STORE_USERS_COLUMNS
		" FROM users u WHERE u.public_id = ?";
	static const char taken[] =
		"SELECT (SELECT COUNT(*) FROM users WHERE email = ?)";
	struct db_result res;
	char pid[37];
	int rc;

	*conflict = NULL;
	rc = store_tx_begin_new(pid);
	if (rc != 0)
		return rc;
	rc = db_exec(insert, DBP(DB_STR(pid), DB_STR(email), DB_STR(username),
		DB_STR(password_hash)), NULL, NULL);
	if (rc == DF_ECONFLICT) {
		store_tx_rollback();
		/* Which one was taken, so the message names it. */
		if (db_query(a, taken, DBP(DB_STR(email)), &res) == 0 &&
		    res.nrows == 1 && db_int(&res, 0, 0, 0) == 0)
			*conflict = "username";
		else
			*conflict = "email";
		return DF_ECONFLICT;
	}
	if (rc == 0)
		rc = store_users_read(a, by_pid, DBP(DB_STR(pid)), out);
	if (rc == 0 && hook != NULL)
		rc = hook(ctx, NULL, out);
	return store_tx_end(rc);
}
