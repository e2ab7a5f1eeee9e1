/* SQL for licences and their machines, for the licence routes: see
 * store/license_machines.h. */
#include <string.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/license_machines.h"
#include "store/tx.h"

/* Whole seconds of a DATETIME(6): the session runs in UTC (core/db.c). */
#define UNIX_S(col) "CAST(FLOOR(UNIX_TIMESTAMP(" col ")) AS SIGNED)"

#define LICENSE_COLS \
	"SELECT l.id, l.public_id, l.status, " UNIX_S("l.expires_at") "," \
	" l.max_activations, p.code, p.features, p.machine_scope," \
	" p.overage_pct, p.term_start, p.expiry_strategy, l.term_seconds," \
	" l.first_activated_at IS NOT NULL, p.heartbeat_window_s," \
	" p.machine_file_ttl_s," \
	" (SELECT COUNT(*) FROM license_machines m WHERE m.license_id = l.id" \
	"  AND m.deactivated_at IS NULL)" \
	" FROM licenses l JOIN plans p ON p.id = l.plan_id" \
	" WHERE l.public_id = ?"

static void map_license(const struct db_result *r, struct store_lm_license *o)
{
	const char *s;

	memset(o, 0, sizeof(*o));
	o->id = db_int(r, 0, 0, 0);
	db_str_copy(r, 0, 1, o->public_id, sizeof(o->public_id));
	db_str_copy(r, 0, 2, o->status, sizeof(o->status));
	o->has_expiry = !db_is_null(r, 0, 3);
	o->expires_at = db_int(r, 0, 3, 0);
	o->max_activations = (unsigned)db_int(r, 0, 4, 0);
	db_str_copy(r, 0, 5, o->plan, sizeof(o->plan));
	s = db_str(r, 0, 6);
	o->features = s != NULL ? s : "[]";
	s = db_str(r, 0, 7);
	o->node_locked = s == NULL || strcmp(s, "floating") != 0;
	o->overage_pct = (unsigned)db_int(r, 0, 8, 100);
	s = db_str(r, 0, 9);
	o->term_first_activation = s != NULL &&
		strcmp(s, "first_activation") == 0;
	s = db_str(r, 0, 10);
	o->perpetual_fallback = s != NULL &&
		strcmp(s, "perpetual_fallback") == 0;
	o->has_term = !db_is_null(r, 0, 11);
	o->term_seconds = db_int(r, 0, 11, 0);
	o->first_activated = db_int(r, 0, 12, 0) != 0;
	o->heartbeat_window_s = (unsigned)db_int(r, 0, 13, 600);
	o->machine_file_ttl_s = (unsigned)db_int(r, 0, 14, 1209600);
	o->active_machines = (unsigned)db_int(r, 0, 15, 0);
}

int store_lm_license_get(struct arena *a, const char *lid, int for_update,
	struct store_lm_license *out)
{
	static const char sql[] = LICENSE_COLS;
	/* The licence row alone (MariaDB has no FOR UPDATE OF: locking the
	 * join would lock the plan's row too, queueing every activation of
	 * every licence of the plan). Taken first in the transaction, so
	 * the snapshot the read below makes starts after the lock: every
	 * activation of one licence passes here one at a time and the count
	 * of active machines cannot change under it. */
	static const char lock[] =
		"SELECT id FROM licenses WHERE public_id = ? FOR UPDATE";
	struct db_result r;
	int rc;

	if (for_update) {
		rc = store_one(a, lock, DBP(DB_STR(lid)), &r);
		if (rc != 0)
			return rc;
	}
	rc = store_one(a, sql, DBP(DB_STR(lid)), &r);
	if (rc != 0)
		return rc;
	map_license(&r, out);
	return 0;
}

#define MACHINE_COLS \
	"SELECT id, public_id, fingerprint, " UNIX_S("activated_at") "," \
	" " UNIX_S("last_heartbeat_at") ", deactivated_at IS NULL, culled" \
	" FROM license_machines"

static void map_machine(const struct db_result *r, struct store_lm_machine *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_int(r, 0, 0, 0);
	db_str_copy(r, 0, 1, o->public_id, sizeof(o->public_id));
	db_str_copy(r, 0, 2, o->fingerprint, sizeof(o->fingerprint));
	o->activated_at = db_int(r, 0, 3, 0);
	o->last_heartbeat_at = db_int(r, 0, 4, 0);
	o->active = db_int(r, 0, 5, 0) != 0;
	o->culled = db_int(r, 0, 6, 0) != 0;
}

int store_lm_machine_by_fp(struct arena *a, int64_t license_id,
	const char *fp, struct store_lm_machine *out)
{
	static const char sql[] = MACHINE_COLS
		" WHERE license_id = ? AND active_fingerprint = ?";
	struct db_result r;
	int rc = store_one(a, sql, DBP(DB_INT(license_id), DB_STR(fp)), &r);

	if (rc == 0)
		map_machine(&r, out);
	return rc;
}

int store_lm_machine_get(struct arena *a, int64_t license_id,
	const char *mid, struct store_lm_machine *out)
{
	static const char sql[] = MACHINE_COLS
		" WHERE public_id = ? AND license_id = ?";
	struct db_result r;
	int rc = store_one(a, sql, DBP(DB_STR(mid), DB_INT(license_id)), &r);

	if (rc == 0)
		map_machine(&r, out);
	return rc;
}

int store_lm_activate(struct arena *a, int64_t license_id, const char *fp,
	const char *name, int64_t now, struct store_lm_machine *out)
{
	static const char sql[] =
		"INSERT INTO license_machines (public_id, license_id,"
		" fingerprint, name, activated_at, last_heartbeat_at)"
		" VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))";
	char pid[37];
	int rc;

	if (crypto_uuid4(pid) != 0)
		return DF_EINTERNAL;
	/* The unique (licence, active fingerprint) key answers a duplicate
	 * with DF_ECONFLICT. */
	rc = db_exec(sql, DBP(DB_STR(pid), DB_INT(license_id), DB_STR(fp),
		DB_STR(name), DB_INT(now), DB_INT(now)), NULL, NULL);
	if (rc != 0)
		return rc;
	return store_lm_machine_get(a, license_id, pid, out);
}

int store_lm_start_term(int64_t license_id, int start_term, int64_t now)
{
	static const char sql[] =
		"UPDATE licenses SET first_activated_at = FROM_UNIXTIME(?),"
		" expires_at = IF(? <> 0 AND expires_at IS NULL"
		"  AND term_seconds IS NOT NULL,"
		"  FROM_UNIXTIME(? + term_seconds), expires_at),"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND first_activated_at IS NULL";

	return db_exec(sql, DBP(DB_INT(now), DB_INT(start_term != 0),
		DB_INT(now), DB_INT(license_id)), NULL, NULL);
}

int store_lm_deactivate(int64_t license_id, const char *fp, int64_t now)
{
	static const char sql[] =
		"UPDATE license_machines SET deactivated_at = FROM_UNIXTIME(?)"
		" WHERE license_id = ? AND active_fingerprint = ?";

	return store_exec_one(sql, DBP(DB_INT(now), DB_INT(license_id),
		DB_STR(fp)), DF_ENOTFOUND);
}

int store_lm_heartbeat(struct arena *a, int64_t license_id, const char *mid,
	int64_t now)
{
	/* GREATEST: a heartbeat never moves the time back (two in flight
	 * at once, a clock offset lowered). */
	static const char sql[] =
		"UPDATE license_machines SET last_heartbeat_at ="
		" GREATEST(last_heartbeat_at, FROM_UNIXTIME(?))"
		" WHERE public_id = ? AND license_id = ?"
		" AND deactivated_at IS NULL";
	static const char still[] =
		"SELECT 1 FROM license_machines WHERE public_id = ?"
		" AND license_id = ? AND deactivated_at IS NULL";
	struct db_result r;
	uint64_t n = 0;
	int64_t one = 0;
	int rc;

	rc = db_exec(sql, DBP(DB_INT(now), DB_STR(mid), DB_INT(license_id)),
		&n, NULL);
	if (rc != 0 || n == 1)
		return rc;
	/* Affected rows count changed rows only: a second heartbeat within
	 * the same second changes nothing and is still a heartbeat of an
	 * active machine. */
	rc = store_one(a, still, DBP(DB_STR(mid), DB_INT(license_id)), &r);
	if (rc == 0)
		one = db_int(&r, 0, 0, 0);
	return rc != 0 ? rc : one == 1 ? 0 : DF_ENOTFOUND;
}
