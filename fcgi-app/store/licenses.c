/* SQL for licences: grants with their signed keys (one licence per plan
 * order item: the unique item key makes a repeated grant a no-op; an
 * admin's grant names no item), status moved by the payment fold or an
 * admin, renewals, the owner's list and machines, a term started by the
 * first activation, and extensions included with a plan feature. Times
 * are bound from the licensing clock (the caller's `now`), never NOW(),
 * so a test clock moves every decision at once. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "signed.h"
#include "store/licenses.h"
#include "store/tx.h"

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
/* Unix seconds to a DATETIME and back by arithmetic on the epoch:
 * FROM_UNIXTIME and UNIX_TIMESTAMP stop at 2038 (TIMESTAMP's range), and a
 * licence may well run past it. The session's zone is UTC (core/db.c). */
#define FROM_UNIX(x) "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL " x " SECOND)"
#define TO_UNIX(col) "TIMESTAMPDIFF(SECOND, TIMESTAMP'1970-01-01 00:00:00', " col ")"

/* A month and a year of a term that starts at the first activation
 * (a purchase-started term uses the calendar: INTERVAL 1 MONTH). */
#define TERM_MONTH_S (30 * 86400)
#define TERM_YEAR_S (365 * 86400)

#define LIC_COLUMNS \
	" l.id, l.public_id, l.user_id, u.public_id, l.license_key, p.code," \
	" p.features, l.status, l.status_reason, p.expiry_strategy," \
	" l.max_activations," \
	" (SELECT COUNT(*) FROM license_machines m" \
	"  WHERE m.license_id = l.id AND m.deactivated_at IS NULL)," \
	" " TS("l.expires_at") ", " TO_UNIX("l.expires_at") "," \
	" l.term_seconds, " TS("l.first_activated_at") "," \
	" " TS("l.created_at")
#define LIC_FROM " FROM licenses l JOIN plans p ON p.id = l.plan_id" \
	" JOIN users u ON u.id = l.user_id"

static void lic_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_license *l = out;

	memset(l, 0, sizeof(*l));
	l->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, l->public_id, sizeof(l->public_id));
	l->user_id = db_int(res, row, 2, 0);
	db_str_copy(res, row, 3, l->user_public_id, sizeof(l->user_public_id));
	l->key = db_str(res, row, 4);
	l->plan = db_str(res, row, 5);
	l->features = db_str(res, row, 6);
	l->status = db_str(res, row, 7);
	l->status_reason = db_str(res, row, 8);
	l->expiry_strategy = db_str(res, row, 9);
	l->max_activations = db_int(res, row, 10, 0);
	l->activations = db_int(res, row, 11, 0);
	l->expires_at = db_str(res, row, 12);
	l->expires_unix = db_int(res, row, 13, 0);
	l->term_seconds = db_int(res, row, 14, 0);
	l->first_activated_at = db_str(res, row, 15);
	l->created_at = db_str(res, row, 16);
}

const char *store_lic_state(const struct store_license *l, time_t now)
{
	if (strcmp(l->status, "revoked") == 0)
		return "revoked";
	if (strcmp(l->status, "suspended") == 0)
		return "suspended";
	/* 'expired' is a legacy status nothing sets any more. */
	if (strcmp(l->status, "expired") == 0 ||
	    (l->expires_at != NULL && l->expires_unix <= (int64_t)now))
		return "expired";
	return "active";
}

int store_lic_get(struct arena *a, const char *public_id, int lock,
	struct store_license *out)
{
	static const char sql[] = "SELECT" LIC_COLUMNS LIC_FROM
		" WHERE l.public_id = ?";
	static const char sql_lock[] = "SELECT" LIC_COLUMNS LIC_FROM
		" WHERE l.public_id = ? FOR UPDATE";

	return store_get(a, lock ? sql_lock : sql, DBP(DB_STR(public_id)),
		lic_from_row, out);
}

static int lic_get_by_id(struct arena *a, int64_t id, struct store_license *out)
{
	static const char sql[] = "SELECT" LIC_COLUMNS LIC_FROM
		" WHERE l.id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(id)), &res);
	if (rc == 0)
		lic_from_row(&res, 0, out);
	return rc;
}

int store_lic_list(struct arena *a, int64_t user_id, int64_t before,
	int64_t limit, struct store_license **out, size_t *n)
{
	static const char sql[] = "SELECT" LIC_COLUMNS LIC_FROM
		" WHERE l.user_id = ? AND (? = 0 OR l.id < ?)"
		" ORDER BY l.id DESC LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(user_id), DB_INT(before),
		DB_INT(before), DB_INT(limit + 1)), sizeof(**out),
		lic_from_row, &rows, n);
	*out = rows;
	return rc;
}

static void machine_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_lic_machine *m = out;

	memset(m, 0, sizeof(*m));
	m->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, m->public_id, sizeof(m->public_id));
	m->fingerprint = db_str(res, row, 2);
	m->name = db_str(res, row, 3);
	m->activated_at = db_str(res, row, 4);
	m->last_heartbeat_at = db_str(res, row, 5);
}

int store_lic_machines(struct arena *a, int64_t license_id,
	struct store_lic_machine **out, size_t *n)
{
	static const char sql[] = "SELECT id, public_id, fingerprint, name, "
		TS("activated_at") ", " TS("last_heartbeat_at")
		" FROM license_machines"
		" WHERE license_id = ? AND deactivated_at IS NULL ORDER BY id";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(license_id)), sizeof(**out),
		machine_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_lic_machine_remove(int64_t license_id, const char *machine_id,
	time_t now)
{
	static const char sql[] = "UPDATE license_machines"
		" SET deactivated_at = " FROM_UNIX("?") ""
		" WHERE license_id = ? AND public_id = ? AND deactivated_at IS NULL";

	return store_exec_one(sql, DBP(DB_INT(now), DB_INT(license_id),
		DB_STR(machine_id)), DF_ENOTFOUND);
}

/* --- keys */

/* The payload: {"kid","lid","plan","features","seats","exp","iat"}. */
static int key_payload(struct arena *a, const struct store_license *l,
	const char *kid, time_t now, char **out)
{
	struct json_object *o = json_object_new_object(), *f;
	const char *s;
	int rc = DF_ENOMEM;

	if (o == NULL)
		return DF_ENOMEM;
	f = json_tokener_parse(l->features != NULL ? l->features : "[]");
	if (f == NULL || !json_object_is_type(f, json_type_array)) {
		json_object_put(f);
		json_object_put(o);
		return DF_EINTERNAL;
	}
	if (json_object_object_add(o, "kid", json_object_new_string(kid)) ||
	    json_object_object_add(o, "lid",
		json_object_new_string(l->public_id)) ||
	    json_object_object_add(o, "plan", json_object_new_string(l->plan)) ||
	    json_object_object_add(o, "features", f) ||
	    json_object_object_add(o, "seats",
		json_object_new_int64(l->max_activations)) ||
	    json_object_object_add(o, "exp", l->expires_at != NULL ?
		json_object_new_int64(l->expires_unix) : NULL) ||
	    json_object_object_add(o, "iat", json_object_new_int64(now)))
		goto out;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (s != NULL && (*out = arena_strdup(a, s)) != NULL)
		rc = 0;
out:
	json_object_put(o);
	return rc;
}

int store_lic_issue_key(struct arena *a, int64_t license_id, time_t now,
	const char **key)
{
	static const char sql[] = "UPDATE licenses SET license_key = ?,"
		" key_hash = ?, key_id = ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ?";
	struct store_license l;
	unsigned char hash[32];
	const char *kid = signed_kid();
	char *payload, *token;
	int rc;

	if (kid == NULL)
		return DF_EINTERNAL;
	rc = lic_get_by_id(a, license_id, &l);
	if (rc == 0)
		rc = key_payload(a, &l, kid, now, &payload);
	if (rc == 0)
		rc = signed_make(a, SIGNED_LICENSE, payload, strlen(payload),
			&token);
	if (rc != 0)
		return rc;
	/* Found by its hash: the key itself is never compared in SQL. */
	crypto_sha256(token, strlen(token), hash);
	rc = store_exec_one(sql, DBP(DB_STR(token), DB_BLOB(hash, sizeof(hash)),
		DB_STR(kid), DB_INT(license_id)), DF_ENOTFOUND);
	if (rc == 0 && key != NULL)
		*key = token;
	return rc;
}

/* --- grants */

int store_lic_grant_for_item(struct arena *a, int64_t order_item_id,
	int64_t user_id, int plan_id, const char *billing_interval, time_t now)
{
	/* A purchase-started term runs a calendar interval from now; one
	 * started by the first activation waits with expires_at NULL. */
	static const char sql[] =
		"INSERT IGNORE INTO licenses (public_id, user_id, plan_id,"
		" order_item_id, status, max_activations, expires_at,"
		" term_seconds, created_at, updated_at)"
		" SELECT ?, ?, p.id, ?, 'active', p.max_activations,"
		" IF(p.term_start = 'first_activation', NULL,"
		"  IF(? = 'year', " FROM_UNIX("?") " + INTERVAL 1 YEAR,"
		"  " FROM_UNIX("?") " + INTERVAL 1 MONTH)),"
		" ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)"
		" FROM plans p WHERE p.id = ?";
	uint64_t affected = 0, id = 0;
	char pid[37];
	int rc;

	if (billing_interval == NULL ||
	    (strcmp(billing_interval, "month") != 0 &&
	     strcmp(billing_interval, "year") != 0))
		return DF_EINVAL;
	if (crypto_uuid4(pid) != 0)
		return DF_EINTERNAL;
	rc = db_exec(sql, DBP(DB_STR(pid), DB_INT(user_id),
		DB_INT(order_item_id), DB_STR(billing_interval), DB_INT(now),
		DB_INT(now), DB_INT(strcmp(billing_interval, "year") == 0 ?
		TERM_YEAR_S : TERM_MONTH_S), DB_INT(plan_id)), &affected, &id);
	if (rc != 0 || affected == 0)
		return rc;  /* granted before: its key stands */
	return store_lic_issue_key(a, (int64_t)id, now, NULL);
}

int store_lic_set_item_status(int64_t order_item_id, const char *status,
	const char *reason)
{
	static const char sql[] =
		"UPDATE licenses SET status = ?, status_reason = ?,"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE order_item_id = ?";

	if (status == NULL || (strcmp(status, "active") != 0 &&
	    strcmp(status, "suspended") != 0 &&
	    strcmp(status, "revoked") != 0))
		return DF_EINVAL;
	return db_exec(sql, DBP(DB_STR(status), DB_STR(reason),
		DB_INT(order_item_id)), NULL, NULL);
}

int store_lic_grant(struct arena *a, int64_t user_id, const char *plan,
	int64_t expires_at, int64_t seats, const char *granted_by, time_t now,
	char pid[37])
{
	static const char sql[] =
		"INSERT INTO licenses (public_id, user_id, plan_id, status,"
		" max_activations, expires_at, granted_by, created_at, updated_at)"
		" SELECT ?, ?, p.id, 'active', IF(? > 0, ?, p.max_activations),"
		" IF(? > 0, " FROM_UNIX("?") ", NULL), ?,"
		" UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)"
		" FROM plans p WHERE p.code = ?";
	uint64_t affected = 0, id = 0;
	int rc;

	if (seats < 0 || seats > STORE_LIC_SEATS_MAX)
		return DF_EINVAL;
	if (crypto_uuid4(pid) != 0)
		return DF_EINTERNAL;
	rc = db_exec(sql, DBP(DB_STR(pid), DB_INT(user_id), DB_INT(seats),
		DB_INT(seats), DB_INT(expires_at), DB_INT(expires_at),
		DB_STR(granted_by), DB_STR(plan)), &affected, &id);
	if (rc != 0)
		return rc;
	if (affected == 0)
		return DF_ENOTFOUND;
	return store_lic_issue_key(a, (int64_t)id, now, NULL);
}

int store_lic_start_term(int64_t license_id, time_t now)
{
	/* expires_at is assigned before first_activated_at, which it reads
	 * (MariaDB assigns left to right): only the first activation of a
	 * licence still waiting for its term starts it. */
	static const char sql[] = "UPDATE licenses SET"
		" expires_at = IF(first_activated_at IS NULL AND expires_at IS NULL"
		"  AND term_seconds IS NOT NULL,"
		"  " FROM_UNIX("(? + term_seconds)") ", expires_at),"
		" first_activated_at = COALESCE(first_activated_at, " FROM_UNIX("?") "),"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND first_activated_at IS NULL";

	return db_exec(sql, DBP(DB_INT(now), DB_INT(now), DB_INT(license_id)),
		NULL, NULL);
}

int store_lic_revoke(int64_t license_id, const char *reason)
{
	static const char sql[] = "UPDATE licenses SET status = 'revoked',"
		" status_reason = ?, updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND status <> 'revoked'";

	return store_exec_one(sql, DBP(DB_STR(reason), DB_INT(license_id)),
		DF_ECONFLICT);
}

int store_lic_renew(int64_t license_id, int64_t expires_at)
{
	static const char sql[] = "UPDATE licenses SET"
		" expires_at = " FROM_UNIX("?") ", updated_at = UTC_TIMESTAMP(6)"
		" WHERE id = ?";

	return store_exec_one(sql, DBP(DB_INT(expires_at), DB_INT(license_id)),
		DF_ENOTFOUND);
}

/* --- extensions included with a plan feature */

int store_lic_set_included_feature(const char *slug, const char *feature)
{
	static const char sql[] = "UPDATE extensions SET included_feature = ?"
		" WHERE slug = ?";
	static const char exists[] = "SELECT id FROM extensions WHERE slug = ?";
	uint64_t affected = 0;
	struct arena *a;
	struct db_result res;
	int rc;

	rc = db_exec(sql, DBP(DB_STR(feature), DB_STR(slug)), &affected, NULL);
	if (rc != 0 || affected > 0)
		return rc;
	/* No row changed: the same value again, or no such extension. */
	a = arena_new(512);
	if (a == NULL)
		return DF_ENOMEM;
	rc = store_one(a, exists, DBP(DB_STR(slug)), &res);
	arena_free(a);
	return rc;
}

int store_lic_feature_download(int64_t user_id, int64_t extension_id,
	int64_t version_id, time_t now)
{
	/* Suspended (a dispute) and revoked licences give nothing; an
	 * expired one under perpetual fallback keeps what was published
	 * before it expired. */
	static const char sql[] = "SELECT 1 FROM licenses l"
		" JOIN plans p ON p.id = l.plan_id"
		" JOIN extensions e ON e.id = ?"
		" JOIN extension_versions v ON v.id = ? AND v.extension_id = e.id"
		" WHERE l.user_id = ? AND l.status = 'active'"
		" AND e.included_feature IS NOT NULL"
		" AND JSON_CONTAINS(p.features, JSON_QUOTE(e.included_feature))"
		" AND (l.expires_at IS NULL OR l.expires_at > " FROM_UNIX("?") ""
		"  OR (p.expiry_strategy = 'perpetual_fallback'"
		"   AND v.published_at IS NOT NULL"
		"   AND v.published_at < l.expires_at))"
		" LIMIT 1";
	struct db_result res;
	struct arena *a;
	int rc;

	if (user_id <= 0)
		return 0;
	a = arena_new(512);
	if (a == NULL)
		return DF_ENOMEM;
	rc = db_query(a, sql, DBP(DB_INT(extension_id), DB_INT(version_id),
		DB_INT(user_id), DB_INT(now)), &res);
	if (rc == 0)
		rc = res.nrows > 0;
	arena_free(a);
	return rc;
}
