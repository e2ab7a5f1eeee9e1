/* SQL for the heartbeat cull: see license_cull.h for the rule. The
 * candidates are read without locks (a join over plans and licences
 * must not lock those rows, nor every node-locked machine an index
 * range scan would touch); each one is then locked alone by its primary
 * key with SKIP LOCKED and checked again, so a heartbeat or another
 * runner in between wins and nothing is culled or announced twice. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/devhooks.h"
#include "store/license_cull.h"
#include "store/tx.h"

#define CULL_EVENT "license.machine_culled"

/* "YYYY-MM-DD HH:MM:SS" (UTC), as DATETIME columns hold it. */
static void sql_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

struct due {
	int64_t id;
	const char *machine_pid;
	const char *fingerprint;
	const char *license_pid;
	int64_t owner;
	int keep;              /* cull_strategy = keep_seat */
	int64_t window_s;
};

/* The owner's event: data {license_id, machine_id, fingerprint,
 * last_heartbeat_at}, dated by the job's clock. */
static int cull_event(struct arena *a, const struct due *d,
	const char *last_hb, time_t now)
{
	struct json_object *data = json_object_new_object();

	if (data == NULL)
		return DF_ENOMEM;
	json_object_object_add(data, "license_id",
		json_object_new_string(d->license_pid));
	json_object_object_add(data, "machine_id",
		json_object_new_string(d->machine_pid));
	json_object_object_add(data, "fingerprint",
		json_object_new_string(d->fingerprint));
	json_object_object_add(data, "last_heartbeat_at",
		json_object_new_string(last_hb));
	return store_devhooks_emit(a, d->owner, CULL_EVENT, data, now);
}

/* Locks one candidate, checks it is still due, culls it and writes its
 * event; *done is 0 when it was skipped. Inside the batch's
 * transaction. */
static int cull_one(struct arena *a, const struct due *d, time_t now,
	const char *now_sql, int *done)
{
	static const char lock[] =
		"SELECT DATE_FORMAT(last_heartbeat_at, '%Y-%m-%dT%H:%i:%sZ')"
		" FROM license_machines"
		" WHERE id = ? AND deactivated_at IS NULL AND culled = 0"
		" AND last_heartbeat_at < ?"
		" FOR UPDATE SKIP LOCKED";
	static const char free_seat[] =
		"UPDATE license_machines SET deactivated_at = ?, culled = 1"
		" WHERE id = ?";
	static const char keep_seat[] =
		"UPDATE license_machines SET culled = 1 WHERE id = ?";
	struct db_result res;
	char cutoff[32];
	int rc;

	*done = 0;
	sql_time(now - (time_t)d->window_s, cutoff);
	rc = db_query(a, lock, DBP(DB_INT(d->id), DB_STR(cutoff)), &res);
	if (rc != 0 || res.nrows == 0)
		return rc;
	if (d->keep)
		rc = db_exec(keep_seat, DBP(DB_INT(d->id)), NULL, NULL);
	else
		rc = db_exec(free_seat, DBP(DB_STR(now_sql), DB_INT(d->id)), NULL,
			NULL);
	if (rc == 0)
		rc = cull_event(a, d, db_str(&res, 0, 0), now);
	if (rc == 0)
		*done = 1;
	return rc;
}

int store_cull_batch(struct arena *a, time_t now, size_t max,
	int64_t *cursor, size_t *nread, struct store_cull_tally *t)
{
	/* The 60 s bound (the least window the schema allows) lets the
	 * (deactivated_at, last_heartbeat_at) index narrow the scan before
	 * each plan's own window is applied. */
	static const char sql_due[] =
		"SELECT m.id, m.public_id, m.fingerprint, l.public_id, l.user_id,"
		" p.cull_strategy = 'keep_seat', p.heartbeat_window_s"
		" FROM license_machines m"
		" JOIN licenses l ON l.id = m.license_id"
		" JOIN plans p ON p.id = l.plan_id"
		" WHERE m.deactivated_at IS NULL AND m.culled = 0 AND m.id > ?"
		" AND m.last_heartbeat_at < CAST(? AS DATETIME) - INTERVAL 60 SECOND"
		" AND p.machine_scope = 'floating'"
		" AND m.last_heartbeat_at < CAST(? AS DATETIME)"
		" - INTERVAL p.heartbeat_window_s SECOND"
		" ORDER BY m.id LIMIT ?";
	struct db_result res;
	char now_sql[32];
	size_t freed = 0, kept = 0, skipped = 0;
	int rc;

	*nread = 0;
	if (max == 0)
		return 0;
	sql_time(now, now_sql);
	rc = db_query(a, sql_due, DBP(DB_INT(*cursor), DB_STR(now_sql),
		DB_STR(now_sql), DB_INT(max)), &res);
	if (rc != 0 || res.nrows == 0)
		return rc;
	rc = db_begin();
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		struct due d = {
			.id = db_int(&res, i, 0, 0),
			.machine_pid = db_str(&res, i, 1),
			.fingerprint = db_str(&res, i, 2),
			.license_pid = db_str(&res, i, 3),
			.owner = db_int(&res, i, 4, 0),
			.keep = db_int(&res, i, 5, 0) == 1,
			.window_s = db_int(&res, i, 6, 600),
		};
		int done;

		rc = cull_one(a, &d, now, now_sql, &done);
		if (rc == 0 && !done)
			skipped++;
		else if (rc == 0 && d.keep)
			kept++;
		else if (rc == 0)
			freed++;
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	/* Counted only once committed: a rolled-back batch culled nothing. */
	t->freed += freed;
	t->kept += kept;
	t->skipped += skipped;
	*cursor = db_int(&res, res.nrows - 1, 0, *cursor);
	*nread = res.nrows;
	return 0;
}
