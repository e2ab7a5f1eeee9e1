/* SQL for administering accounts: the searchable list, role and status
 * changes guarded by the last-admin rule, and the operator's first admin
 * (devforgectl create-admin). */
#ifndef DF_STORE_ADMIN_USERS_H
#define DF_STORE_ADMIN_USERS_H

#include <stddef.h>
#include <stdint.h>
#include "role.h"
#include "store/users.h"
#include "err.h"

struct arena;

struct store_admin_users_filter {
	const char *q;            /* raw search text (prefix of the e-mail
	                             or the username), NULL for none */
	const char *role;         /* "user".."admin", NULL for any */
	const char *status;       /* "active" / "suspended", NULL for any */
	int64_t before_id;        /* rows with a smaller id only; 0: from
	                             the newest */
	int64_t limit;            /* rows to return */
};

/* A LIKE pattern matching text that starts with q (so an index range
 * serves it), with '!' as the escape character
 * for '!', '%' and '_' in q, so the text is matched literally (use with
 * `LIKE ? ESCAPE '!'`). Arena string, NULL on OOM. */
char *store_admin_users_pattern(struct arena *a, const char *q);

/* Users matching f, newest first (by row id: stable while rows are
 * added), at most f->limit + 1 of them so the caller knows whether a next
 * page exists. *out is an arena array of *n users. */
DF_MUST_CHECK int store_admin_users_list(struct arena *a,
	const struct store_admin_users_filter *f, struct store_user **out,
	size_t *n);

/* Called inside the store's transaction, after the change and before the
 * commit, so that the audit record of a change commits with it or not at
 * all. before is NULL for a new account. A negative df_err rolls the
 * change back and is returned. */
typedef int (*store_admin_users_hook)(void *ctx,
	const struct store_user *before, const struct store_user *after);

/* Sets role (ROLE_NONE: unchanged) and status (-1 unchanged, 1 active,
 * 0 suspended) of the user with public id pid, in one transaction that
 * first locks every active admin row, so two concurrent demotions of the
 * last two admins cannot both pass. DF_ENOTFOUND for no such user,
 * DF_ECONFLICT when the change would leave no active admin. A suspension
 * also revokes the user's refresh tokens and raises token_version, which
 * ends every session at once. *before and *after receive the row around
 * the change (equal when nothing changed; hook is then not called). */
DF_MUST_CHECK int store_admin_users_update(struct arena *a, const char *pid,
	enum role role, int active, store_admin_users_hook hook, void *ctx,
	struct store_user *before, struct store_user *after);

/* Creates an active admin account in one transaction with hook. On a
 * duplicate returns DF_ECONFLICT and sets *conflict to "email" or
 * "username". */
DF_MUST_CHECK int store_admin_users_create_admin(struct arena *a, const char *email,
	const char *username, const char *password_hash,
	store_admin_users_hook hook, void *ctx, struct store_user *out,
	const char **conflict);

#endif
