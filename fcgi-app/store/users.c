/* SQL for the users table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "role.h"
#include "shm.h"
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
	int rc = db_exec(sql, DBP(DB_INT(user_id)), NULL, NULL);

	store_users_changed(user_id);
	return rc;
}

/* ---- changes: the generations the cache below checks ---- */

/* Changes made inside a transaction are bumped again when it ends: a
 * reader in another worker that reloaded between the first bump and the
 * commit read the old row and recorded the new generation. A handful of
 * rows change per request; a full list is bumped at once (a spare bump
 * only costs a reload). */
#define USERS_PENDING_MAX 8
static int64_t users_pending[USERS_PENDING_MAX];
static size_t users_npending;

void store_users_changed(int64_t user_id)
{
	size_t i;

	shm_user_bump(user_id);
	for (i = 0; i < users_npending; i++)
		if (users_pending[i] == user_id)
			return;
	if (users_npending == USERS_PENDING_MAX)
		store_users_changes_settle();
	users_pending[users_npending++] = user_id;
}

void store_users_changes_settle(void)
{
	size_t i;

	for (i = 0; i < users_npending; i++)
		shm_user_bump(users_pending[i]);
	users_npending = 0;
}

/* ---- the per-worker cache of the auth hook's rows ---- */

#define USERS_CACHE_SLOTS 1024      /* power of two */
#define USERS_CACHE_BYTES 640       /* the row's strings; a longer row is
                                       not cached */

struct users_cache_entry {
	uint64_t gen;                /* the user's generation before the read */
	uint64_t loaded_us;          /* monotonic */
	struct store_user u;         /* public_id[0] == 0: empty; strings in buf */
	char buf[USERS_CACHE_BYTES];
};

static struct users_cache_entry users_cache[USERS_CACHE_SLOTS];

static uint64_t users_now_us(void)
{
	struct timespec ts;

	/* Coarse is enough for a bound in seconds, and never a syscall. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static size_t users_slot(const char *pid)
{
	uint64_t h = 1469598103934665603ull;

	for (; *pid != '\0'; pid++)
		h = (h ^ (unsigned char)*pid) * 1099511628211ull;
	return (size_t)(h & (USERS_CACHE_SLOTS - 1));
}

/* dst = src with its strings copied into buf (cap bytes), without the
 * password hash and MFA secret: they are never kept in the cache, and so
 * never in the hook's row either. DF_ETOOBIG when they do not fit. */
static int users_pack(const struct store_user *src, struct store_user *dst,
	char *buf, size_t cap)
{
	const char **f[] = { &dst->email, &dst->username, &dst->display_name,
		&dst->created_at, &dst->updated_at };
	size_t i, n, used = 0;

	*dst = *src;
	dst->password_hash = NULL;
	dst->mfa_secret = NULL;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (*f[i] == NULL)
			continue;
		n = strlen(*f[i]) + 1;
		if (n > cap - used)
			return DF_ETOOBIG;
		memcpy(buf + used, *f[i], n);
		*f[i] = buf + used;
		used += n;
	}
	return 0;
}

int store_users_get_cached(struct arena *a, const char *pid,
	unsigned max_age_s, struct store_user *out)
{
	struct users_cache_entry *e = &users_cache[users_slot(pid)];
	uint64_t now = users_now_us(), all, gen;
	char *buf;
	int rc;

	if (max_age_s > 0 && e->u.public_id[0] != '\0' &&
	    strcmp(e->u.public_id, pid) == 0 &&
	    now - e->loaded_us < (uint64_t)max_age_s * 1000000u &&
	    e->gen == shm_user_gen(e->u.id)) {
		buf = arena_alloc(a, USERS_CACHE_BYTES);
		if (buf == NULL)
			return DF_ENOMEM;
		return users_pack(&e->u, out, buf, USERS_CACHE_BYTES);
	}
	/* The id (and so its generation) is known only after the read: the
	 * host-wide generation, unchanged across the read, shows that no
	 * change committed meanwhile on this host. */
	all = shm_user_gen_all();
	rc = store_users_get(a, STORE_USERS_BY_PUBLIC_ID, pid, out);
	if (rc != 0)
		return rc;
	out->password_hash = NULL;
	out->mfa_secret = NULL;
	if (max_age_s == 0)
		return 0;
	gen = shm_user_gen(out->id);
	if (shm_user_gen_all() != all)
		return 0;
	if (users_pack(out, &e->u, e->buf, sizeof(e->buf)) != 0) {
		e->u.public_id[0] = '\0';
		return 0;
	}
	e->gen = gen;
	e->loaded_us = now;
	return 0;
}
