/* SQL for the jobs runner: see jobs.h. */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/jobs.h"

static int lock_name(const char *name, char out[80])
{
	size_t len = name != NULL ? strlen(name) : 0;

	if (len == 0 || len > STORE_JOBS_NAME_MAX)
		return DF_EINVAL;
	snprintf(out, 80, "devforge.job.%s", name);
	return 0;
}

/* The lock functions answer 1, 0 or NULL (no such lock / an error). */
static int lock_call(struct arena *a, const char *sql, const char *name,
	int *yes)
{
	struct db_result res;
	char lock[80];
	int rc;

	*yes = 0;
	rc = lock_name(name, lock);
	if (rc != 0)
		return rc;
	rc = db_query(a, sql, DBP(DB_STR(lock)), &res);
	if (rc != 0)
		return rc;
	if (res.nrows != 1)
		return DF_EDB;
	*yes = db_int(&res, 0, 0, 0) == 1;
	return 0;
}

int store_jobs_lock(struct arena *a, const char *name, int *got)
{
	static const char sql[] = "SELECT GET_LOCK(?, 0)";

	return lock_call(a, sql, name, got);
}

int store_jobs_unlock(struct arena *a, const char *name, int *held)
{
	static const char sql[] = "SELECT RELEASE_LOCK(?)";

	return lock_call(a, sql, name, held);
}

int store_jobs_started(const char *name, time_t t, long us)
{
	static const char sql[] =
		"INSERT INTO job_runs (name, started_at, finished_at, ok, detail)"
		" VALUES (?, FROM_UNIXTIME(?) + INTERVAL ? MICROSECOND,"
		" NULL, NULL, NULL)"
		" ON DUPLICATE KEY UPDATE started_at = VALUES(started_at),"
		" finished_at = NULL, ok = NULL, detail = NULL";

	return db_exec(sql, DBP(DB_STR(name), DB_INT(t), DB_INT(us)), NULL,
		NULL);
}

int store_jobs_finished(const char *name, time_t t, long us, int ok,
	const char *detail)
{
	static const char sql[] =
		"UPDATE job_runs SET finished_at = FROM_UNIXTIME(?)"
		" + INTERVAL ? MICROSECOND, ok = ?, detail = ?,"
		/* Assignments run left to right: ok and finished_at are
		 * this run's here. A failure keeps the last success. */
		" last_ok_at = IF(ok = 1, finished_at, last_ok_at)"
		" WHERE name = ?";
	char cut[STORE_JOBS_DETAIL_MAX + 1];
	size_t len;

	if (detail != NULL) {
		len = strlen(detail);
		if (len > STORE_JOBS_DETAIL_MAX) {
			len = STORE_JOBS_DETAIL_MAX;
			/* Back off a UTF-8 continuation byte. */
			while (len > 0 && ((unsigned char)detail[len] & 0xC0) == 0x80)
				len--;
		}
		memcpy(cut, detail, len);
		cut[len] = '\0';
		detail = cut;
	}
	return db_exec(sql, DBP(DB_INT(t), DB_INT(us), DB_INT(ok != 0),
		DB_STR(detail), DB_STR(name)), NULL, NULL);
}
