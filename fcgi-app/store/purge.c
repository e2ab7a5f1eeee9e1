/* SQL for the purge-tokens job: see purge.h for what goes. Each
 * statement deletes at most a batch, so no transaction holds many row
 * locks against logins and refreshes running at the same time. */
#include <stdio.h>
#include <time.h>

#include "db.h"
#include "err.h"
#include "store/purge.h"

/* "YYYY-MM-DD HH:MM:SS" (UTC), as the DATETIME columns hold it. */
static void sql_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

int store_purge_tokens_batch(time_t now, size_t max,
	struct store_purge_tally *t, int *more)
{
	static const char sql_user_expired[] =
		"DELETE FROM user_tokens WHERE expires_at < ? LIMIT ?";
	static const char sql_user_used[] =
		"DELETE FROM user_tokens WHERE used_at < ? LIMIT ?";
	static const char sql_refresh_revoked[] =
		"DELETE FROM refresh_tokens WHERE revoked_at < ? LIMIT ?";
	/* Expired, and no token of the family could still be refreshed:
	 * only then is a spent one of no use for detecting reuse. */
	static const char sql_refresh_dead[] =
		"DELETE FROM refresh_tokens WHERE expires_at < ?"
		" AND revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM"
		" refresh_tokens f WHERE f.family_id = refresh_tokens.family_id"
		" AND f.revoked_at IS NULL AND f.expires_at >= ?) LIMIT ?";
	char cutoff[32];
	uint64_t n;
	int rc;

	*more = 0;
	sql_time(now - STORE_PURGE_GRACE_S, cutoff);
	rc = db_exec(sql_user_expired, DBP(DB_STR(cutoff), DB_INT(max)), &n,
		NULL);
	if (rc != 0)
		return rc;
	t->user_tokens += n;
	*more |= n >= max;
	rc = db_exec(sql_user_used, DBP(DB_STR(cutoff), DB_INT(max)), &n,
		NULL);
	if (rc != 0)
		return rc;
	t->user_tokens += n;
	*more |= n >= max;
	rc = db_exec(sql_refresh_revoked, DBP(DB_STR(cutoff), DB_INT(max)),
		&n, NULL);
	if (rc != 0)
		return rc;
	t->refresh_tokens += n;
	*more |= n >= max;
	rc = db_exec(sql_refresh_dead, DBP(DB_STR(cutoff), DB_STR(cutoff),
		DB_INT(max)), &n, NULL);
	if (rc != 0)
		return rc;
	t->refresh_tokens += n;
	*more |= n >= max;
	return 0;
}
