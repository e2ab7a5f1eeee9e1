/* SQL for the users table: creation, lookups, and the one indexed read
 * every authenticated request makes. Other store files that return users
 * (admin lists) select STORE_USERS_COLUMNS and parse rows with
 * store_users_from_row so there is one mapping from row to struct. */
#ifndef DF_STORE_USERS_H
#define DF_STORE_USERS_H

#include <stddef.h>
#include <stdint.h>
#include "role.h"
#include "err.h"

struct arena;
struct db_result;

struct store_user {
	int64_t id;                /* internal row id: never leaves the server */
	char public_id[37];        /* UUID: the id clients see */
	const char *email;
	const char *username;
	const char *display_name;  /* NULL when unset */
	const char *password_hash; /* PHC string */
	enum role role;
	int active;                /* status = 'active' */
	int email_verified;
	int mfa_enabled;
	const char *mfa_secret;    /* base32, NULL when none */
	int64_t mfa_last_step;     /* -1 when none */
	int64_t token_version;
	int64_t locked_until_us;   /* unix microseconds, 0 when not locked */
	int64_t lockouts;
	const char *created_at;    /* RFC 3339 UTC */
	const char *updated_at;
};

/* Column list (in the order store_users_from_row reads) for SELECTs on
 * `users u`. */
#define STORE_USERS_COLUMNS \
	"u.id, u.public_id, u.email, u.username, u.display_name," \
	" u.password_hash, u.role, u.status, u.email_verified_at IS NOT NULL," \
	" u.mfa_enabled, u.mfa_secret, COALESCE(u.mfa_last_step, -1)," \
	" u.token_version," \
	" COALESCE(FLOOR(UNIX_TIMESTAMP(u.locked_until) * 1000000), 0)," \
	" u.lockouts," \
	" DATE_FORMAT(u.created_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(u.updated_at, '%Y-%m-%dT%H:%i:%sZ')"
#define STORE_USERS_NCOLUMNS 17

/* Fills out from row `row` of res, which selected STORE_USERS_COLUMNS
 * starting at column col0. Strings point into res (the arena). */
void store_users_from_row(const struct db_result *res, size_t row,
	size_t col0, struct store_user *out);

struct db_param;

/* Runs a query selecting STORE_USERS_COLUMNS (first) for one user: 0 with
 * out filled, DF_ENOTFOUND unless exactly one row came back, another
 * df_err on failure. */
DF_MUST_CHECK int store_users_read(struct arena *a, const char *sql,
	const struct db_param *p, size_t np, struct store_user *out);

/* Creates an active user with role 'user' and a fresh public id. On a
 * duplicate returns DF_ECONFLICT and sets *conflict to "email" or
 * "username". */
DF_MUST_CHECK int store_users_create(struct arena *a, const char *email,
	const char *username, const char *display_name,
	const char *password_hash, struct store_user *out,
	const char **conflict);

enum store_users_key { STORE_USERS_BY_PUBLIC_ID, STORE_USERS_BY_EMAIL,
	STORE_USERS_BY_USERNAME, STORE_USERS_BY_ID };
/* One user by key (for BY_ID, key is the decimal row id). DF_ENOTFOUND
 * when absent. */
DF_MUST_CHECK int store_users_get(struct arena *a, enum store_users_key by,
	const char *key, struct store_user *out);

/* Raises token_version: every access token issued before is refused. */
DF_MUST_CHECK int store_users_bump_token_version(int64_t user_id);

/* The auth hook's read: the user by public id, from this worker's cache
 * while its copy is younger than max_age_s and no change to the user was
 * made on this host since (0: always read). The row comes without
 * password_hash and mfa_secret (NULL): a handler that needs them reads
 * the row itself. */
DF_MUST_CHECK int store_users_get_cached(struct arena *a, const char *pid,
	unsigned max_age_s, struct store_user *out);

/* Every store function that writes a users row calls this with its id
 * (after the write): the worker caches of this host drop their copy. A
 * transaction's changes are bumped again when store_tx_end or
 * store_tx_rollback ends it (they call store_users_changes_settle). */
void store_users_changed(int64_t user_id);
void store_users_changes_settle(void);

/* Role names as stored ("user", "developer", "support", "admin"). */
const char *store_users_role_name(enum role r);

#endif
