/* SQL for developers' webhooks. The routes only ever touch the caller's
 * own endpoints (every statement names user_id). The sender claims with
 * SELECT ... FOR UPDATE SKIP LOCKED plus a lease on next_attempt_at, as
 * the mail outbox does, so two senders never send one delivery at once
 * and a dead one's work comes due again. */
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/devhooks.h"
#include "store/tx.h"

#define EP_COLUMNS \
	"id, public_id, url, events, status," \
	" DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(disabled_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(failing_since, '%Y-%m-%dT%H:%i:%sZ')"

static void ep_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_devhooks_endpoint *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->url = db_str(res, row, 2);
	o->events = db_str(res, row, 3);
	o->status = db_str(res, row, 4);
	o->created_at = db_str(res, row, 5);
	o->disabled_at = db_str(res, row, 6);
	o->failing_since = db_str(res, row, 7);
}

static int read_ep(struct arena *a, const char *sql, const struct db_param *p,
	size_t np, struct store_devhooks_endpoint *out)
{
	struct db_result res;
	int rc = store_one(a, sql, p, np, &res);

	if (rc == 0)
		ep_from_row(&res, 0, out);
	return rc;
}

int store_devhooks_create(struct arena *a, int64_t user_id,
	const char *url, const char *events, const char *secret,
	struct store_devhooks_endpoint *out)
{
	static const char lock_user[] =
		"SELECT id FROM users WHERE id = ? FOR UPDATE";
	static const char count[] =
		"SELECT COUNT(*) FROM webhook_endpoints"
		" WHERE user_id = ? AND deleted_at IS NULL";
	static const char insert[] =
		"INSERT INTO webhook_endpoints (public_id, user_id, url, events,"
		" secret, status, created_at)"
		" VALUES (?, ?, ?, ?, ?, 'active', UTC_TIMESTAMP(6))";
	static const char by_pid[] = "SELECT " EP_COLUMNS
		" FROM webhook_endpoints WHERE public_id = ?";
	struct db_result res;
	char pid[37];
	int rc;

	rc = store_tx_begin_new(pid);
	if (rc != 0)
		return rc;
	rc = store_one(a, lock_user, DBP(DB_INT(user_id)), &res);
	if (rc == 0)
		rc = db_query(a, count, DBP(DB_INT(user_id)), &res);
	if (rc == 0 && db_int(&res, 0, 0, 0) >= STORE_DEVHOOKS_MAX_ENDPOINTS)
		rc = DF_ECONFLICT;
	if (rc == 0)
		rc = db_exec(insert, DBP(DB_STR(pid), DB_INT(user_id),
			DB_STR(url), DB_STR(events), DB_STR(secret)), NULL, NULL);
	if (rc == 0)
		rc = read_ep(a, by_pid, DBP(DB_STR(pid)), out);
	return store_tx_end(rc);
}

int store_devhooks_list(struct arena *a, int64_t user_id,
	struct store_devhooks_endpoint **out, size_t *n)
{
	static const char sql[] = "SELECT " EP_COLUMNS
		" FROM webhook_endpoints WHERE user_id = ? AND deleted_at IS NULL"
		" ORDER BY id";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(user_id)), sizeof(**out),
		ep_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_devhooks_get(struct arena *a, int64_t user_id, const char *pid,
	struct store_devhooks_endpoint *out)
{
	static const char sql[] = "SELECT " EP_COLUMNS
		" FROM webhook_endpoints"
		" WHERE public_id = ? AND user_id = ? AND deleted_at IS NULL";

	return read_ep(a, sql, DBP(DB_STR(pid), DB_INT(user_id)), out);
}

int store_devhooks_delete(int64_t user_id, const char *pid)
{
	static const char mark[] =
		"UPDATE webhook_endpoints SET deleted_at = UTC_TIMESTAMP(6)"
		" WHERE public_id = ? AND user_id = ? AND deleted_at IS NULL";
	static const char give_up[] =
		"UPDATE webhook_deliveries d JOIN webhook_endpoints e"
		" ON e.id = d.endpoint_id"
		" SET d.status = 'failed', d.next_attempt_at = NULL"
		" WHERE e.public_id = ? AND d.status = 'pending'";
	int rc;

	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_exec_one(mark, DBP(DB_STR(pid), DB_INT(user_id)),
		DF_ENOTFOUND);
	if (rc == 0)
		rc = db_exec(give_up, DBP(DB_STR(pid)), NULL, NULL);
	return store_tx_end(rc);
}

int store_devhooks_enable(struct arena *a, int64_t user_id, const char *pid,
	struct store_devhooks_endpoint *out)
{
	static const char lock[] = "SELECT " EP_COLUMNS
		" FROM webhook_endpoints"
		" WHERE public_id = ? AND user_id = ? AND deleted_at IS NULL"
		" FOR UPDATE";
	static const char enable[] =
		"UPDATE webhook_endpoints SET status = 'active',"
		" failing_since = NULL, disabled_at = NULL WHERE id = ?";
	static const char restart[] =
		"UPDATE webhook_deliveries SET next_attempt_at = UTC_TIMESTAMP(6),"
		" attempts = 0, series_started_at = NULL"
		" WHERE endpoint_id = ? AND status = 'pending'";
	static const char by_id[] = "SELECT " EP_COLUMNS
		" FROM webhook_endpoints WHERE id = ?";
	int rc;

	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = read_ep(a, lock, DBP(DB_STR(pid), DB_INT(user_id)), out);
	/* Only a disabled endpoint's deliveries wait for this; an active
	 * one's keep their schedule. */
	if (rc == 0 && strcmp(out->status, "disabled") == 0)
		rc = db_exec(restart, DBP(DB_INT(out->id)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(enable, DBP(DB_INT(out->id)), NULL, NULL);
	if (rc == 0)
		rc = read_ep(a, by_id, DBP(DB_INT(out->id)), out);
	return store_tx_end(rc);
}

#define TS_MS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%fZ')"

static void del_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_devhooks_delivery *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->event_id = db_str(res, row, 2);
	o->event_type = db_str(res, row, 3);
	o->status = db_str(res, row, 4);
	o->next_attempt_at = db_str(res, row, 5);
	o->created_at = db_str(res, row, 6);
}

/* DATE_FORMAT's %f gives microseconds; clients get milliseconds. */
static const char *to_ms(struct arena *a, const char *s)
{
	size_t len;
	char *t;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	/* "YYYY-MM-DDTHH:MM:SS.ffffffZ" -> "YYYY-MM-DDTHH:MM:SS.fffZ" */
	if (len != 27)
		return s;
	t = arena_alloc(a, 25);
	if (t == NULL)
		return NULL;
	memcpy(t, s, 23);
	t[23] = 'Z';
	t[24] = '\0';
	return t;
}

int store_devhooks_deliveries(struct arena *a, int64_t endpoint_id,
	int64_t before_id, int64_t limit, struct store_devhooks_delivery **out,
	size_t *n)
{
	static const char sql[] =
		"SELECT d.id, d.public_id, ev.public_id, ev.type, d.status,"
		" " TS_MS("d.next_attempt_at") ", " TS_MS("d.created_at")
		" FROM webhook_deliveries d"
		" JOIN webhook_events ev ON ev.id = d.event_id"
		" WHERE d.endpoint_id = ? AND (? = 0 OR d.id < ?)"
		" ORDER BY d.id DESC LIMIT ?";
	/* The attempts of the page's deliveries in one read: the page is a
	 * range of row ids of this endpoint. */
	static const char attempts[] =
		"SELECT t.delivery_id, " TS_MS("t.attempted_at") ","
		" t.status_code, t.error, t.duration_ms"
		" FROM webhook_attempts t"
		" JOIN webhook_deliveries d ON d.id = t.delivery_id"
		" WHERE d.endpoint_id = ? AND t.delivery_id BETWEEN ? AND ?"
		" ORDER BY t.delivery_id, t.id";
	struct store_devhooks_delivery *d;
	struct db_result res;
	void *rows;
	size_t i, j;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(endpoint_id), DB_INT(before_id),
		DB_INT(before_id), DB_INT(limit + 1)), sizeof(**out),
		del_from_row, &rows, n);
	*out = d = rows;
	if (rc != 0 || *n == 0)
		return rc;
	for (i = 0; i < *n; i++) {
		d[i].next_attempt_at = strcmp(d[i].status, "pending") == 0 ?
			to_ms(a, d[i].next_attempt_at) : NULL;
		d[i].created_at = to_ms(a, d[i].created_at);
	}
	rc = db_query(a, attempts, DBP(DB_INT(endpoint_id), DB_INT(d[*n - 1].id),
		DB_INT(d[0].id)), &res);
	if (rc != 0)
		return rc;
	/* Deliveries run newest first, attempts by delivery id ascending:
	 * walk the deliveries backwards. */
	j = 0;
	for (i = *n; i-- > 0;) {
		size_t first = j, k;

		while (j < res.nrows && db_int(&res, j, 0, 0) < d[i].id)
			first = ++j;
		while (j < res.nrows && db_int(&res, j, 0, 0) == d[i].id)
			j++;
		if (j == first)
			continue;
		d[i].attempts = arena_calloc(a, j - first, sizeof(*d[i].attempts));
		if (d[i].attempts == NULL)
			return DF_ENOMEM;
		d[i].nattempts = j - first;
		for (k = first; k < j; k++) {
			struct store_devhooks_attempt *t = &d[i].attempts[k - first];

			t->at = to_ms(a, db_str(&res, k, 1));
			t->status_code = (int)db_int(&res, k, 2, 0);
			t->error = db_str(&res, k, 3);
			t->duration_ms = db_int(&res, k, 4, 0);
		}
	}
	return 0;
}

int store_devhooks_redeliver(struct arena *a,
	const struct store_devhooks_endpoint *ep, const char *delivery_pid)
{
	static const char sql[] =
		"UPDATE webhook_deliveries SET status = 'pending',"
		" next_attempt_at = UTC_TIMESTAMP(6), attempts = 0,"
		" series_started_at = NULL"
		" WHERE public_id = ? AND endpoint_id = ?";
	static const char exists[] =
		"SELECT id FROM webhook_deliveries"
		" WHERE public_id = ? AND endpoint_id = ?";
	struct db_result res;
	uint64_t matched = 0;
	int rc;

	if (strcmp(ep->status, "active") != 0)
		return DF_ECONFLICT;
	rc = db_exec(sql, DBP(DB_STR(delivery_pid), DB_INT(ep->id)), &matched,
		NULL);
	if (rc != 0 || matched == 1)
		return rc;
	/* Nothing changed: no such delivery, or one already pending and due
	 * (affected rows count changes, not matches). */
	return store_one(a, exists, DBP(DB_STR(delivery_pid), DB_INT(ep->id)),
		&res);
}

/* --- the sender ---------------------------------------------------- */

int store_devhooks_fan_out(const char *now, size_t max, size_t *events,
	size_t *deliveries)
{
	static const char due[] =
		"SELECT id, user_id, type FROM webhook_events"
		" WHERE fanned_out_at IS NULL ORDER BY id LIMIT ?"
		" FOR UPDATE SKIP LOCKED";
	/* Types are single words: a space-padded search finds a whole one. */
	static const char targets[] =
		"SELECT id FROM webhook_endpoints"
		" WHERE user_id = ? AND status = 'active' AND deleted_at IS NULL"
		" AND (events = '*' OR"
		" LOCATE(CONCAT(' ', ?, ' '), CONCAT(' ', events, ' ')) > 0)"
		" ORDER BY id";
	static const char insert[] =
		"INSERT IGNORE INTO webhook_deliveries (public_id, endpoint_id,"
		" event_id, status, attempts, next_attempt_at, created_at)"
		" VALUES (?, ?, ?, 'pending', 0, ?, ?)";
	static const char mark[] =
		"UPDATE webhook_events SET fanned_out_at = ? WHERE id = ?";
	struct db_result ev, ep;
	struct arena *a;
	int rc;

	*events = *deliveries = 0;
	a = arena_new(16384);
	if (a == NULL)
		return DF_ENOMEM;
	rc = db_begin();
	if (rc != 0) {
		arena_free(a);
		return rc;
	}
	rc = db_query(a, due, DBP(DB_INT(max)), &ev);
	for (size_t i = 0; rc == 0 && i < ev.nrows; i++) {
		int64_t id = db_int(&ev, i, 0, 0);

		rc = db_query(a, targets, DBP(DB_INT(db_int(&ev, i, 1, 0)),
			DB_STR(db_str(&ev, i, 2))), &ep);
		for (size_t k = 0; rc == 0 && k < ep.nrows; k++) {
			uint64_t added = 0;
			char pid[37];

			if (crypto_uuid4(pid) != 0) {
				rc = DF_EINTERNAL;
				break;
			}
			rc = db_exec(insert, DBP(DB_STR(pid),
				DB_INT(db_int(&ep, k, 0, 0)), DB_INT(id), DB_STR(now),
				DB_STR(now)), &added, NULL);
			*deliveries += (size_t)added;
		}
		if (rc == 0)
			rc = db_exec(mark, DBP(DB_STR(now), DB_INT(id)), NULL, NULL);
		if (rc == 0)
			(*events)++;
	}
	arena_free(a);
	rc = store_tx_end(rc);
	if (rc != 0)
		*events = *deliveries = 0;
	return rc;
}

int store_devhooks_claim(struct arena *a, const char *now, size_t max,
	unsigned lease_s, struct store_devhooks_job **out, size_t *n)
{
	/* Only the delivery rows are locked: the endpoint's state is
	 * checked in a subquery, which a locking read does not lock. A join
	 * locked (and so, with SKIP LOCKED, skipped) the endpoint row too,
	 * and a sender recording an attempt holds that row: the other
	 * sender then found nothing due and ended its pass early, leaving
	 * due deliveries for the next one. */
	static const char due[] =
		"SELECT d.id FROM webhook_deliveries d"
		" WHERE d.status = 'pending' AND d.next_attempt_at <= ?"
		" AND EXISTS (SELECT 1 FROM webhook_endpoints e"
		"  WHERE e.id = d.endpoint_id AND e.status = 'active'"
		"  AND e.deleted_at IS NULL)"
		" ORDER BY d.next_attempt_at, d.id LIMIT ?"
		" FOR UPDATE SKIP LOCKED";
	static const char one[] =
		"SELECT d.id, d.public_id, d.attempts,"
		" COALESCE(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00',"
		" d.series_started_at), 0),"
		" e.id, e.url, e.secret, ev.public_id, ev.payload"
		" FROM webhook_deliveries d"
		" JOIN webhook_endpoints e ON e.id = d.endpoint_id"
		" JOIN webhook_events ev ON ev.id = d.event_id"
		" WHERE d.id = ?";
	static const char lease[] =
		"UPDATE webhook_deliveries"
		" SET next_attempt_at = ? + INTERVAL ? SECOND"
		" WHERE id = ? AND status = 'pending'";
	struct store_devhooks_job *j;
	struct db_result ids, res;
	size_t i, k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_query(a, due, DBP(DB_STR(now), DB_INT(max)), &ids);
	if (rc != 0)
		return store_tx_end(rc);
	j = arena_calloc(a, ids.nrows ? ids.nrows : 1, sizeof(*j));
	if (j == NULL)
		return store_tx_end(DF_ENOMEM);
	for (i = 0; i < ids.nrows && rc == 0; i++) {
		int64_t id = db_int(&ids, i, 0, 0);

		rc = db_query(a, one, DBP(DB_INT(id)), &res);
		if (rc != 0 || res.nrows == 0)
			continue;
		j[k].delivery_id = db_int(&res, 0, 0, 0);
		db_str_copy(&res, 0, 1, j[k].delivery_pid,
			sizeof(j[k].delivery_pid));
		j[k].attempts = db_int(&res, 0, 2, 0);
		j[k].series_started = db_int(&res, 0, 3, 0);
		j[k].endpoint_id = db_int(&res, 0, 4, 0);
		j[k].url = db_str(&res, 0, 5);
		j[k].secret = db_str(&res, 0, 6);
		j[k].event_id = db_str(&res, 0, 7);
		j[k].payload = db_str(&res, 0, 8);
		rc = db_exec(lease, DBP(DB_STR(now), DB_INT(lease_s),
			DB_INT(j[k].delivery_id)), NULL, NULL);
		k++;
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	*out = j;
	*n = k;
	return 0;
}

/* The length of s cut to at most max bytes without splitting a UTF-8
 * sequence. */
static size_t cut_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

int store_devhooks_record(struct arena *a, const struct store_devhooks_job *j,
	const char *now, const struct store_devhooks_outcome *o,
	store_devhooks_disabled_fn on_disabled, void *ctx, int *disabled)
{
	/* The endpoint first, as the routes lock it (re-enable, delete)
	 * before its deliveries: one order, so they never deadlock. */
	static const char lock[] =
		"SELECT id FROM webhook_endpoints WHERE id = ? FOR UPDATE";
	static const char attempt[] =
		"INSERT INTO webhook_attempts (delivery_id, attempted_at,"
		" status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)";
	static const char delivered[] =
		"UPDATE webhook_deliveries SET status = 'succeeded',"
		" attempts = attempts + 1, last_attempt_at = ?,"
		" series_started_at = COALESCE(series_started_at, ?),"
		" next_attempt_at = NULL WHERE id = ?";
	static const char failed[] =
		"UPDATE webhook_deliveries SET status = ?,"
		" attempts = attempts + 1, last_attempt_at = ?,"
		" series_started_at = COALESCE(series_started_at, ?),"
		" next_attempt_at = ? WHERE id = ?";
	static const char healthy[] =
		"UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?";
	static const char failing[] =
		"UPDATE webhook_endpoints"
		" SET failing_since = COALESCE(failing_since, ?) WHERE id = ?";
	/* Disabled only while active: a second sender's failure finds it
	 * disabled already and sends no second mail. */
	static const char disable[] =
		"UPDATE webhook_endpoints SET status = 'disabled', disabled_at = ?"
		" WHERE id = ? AND status = 'active'"
		" AND failing_since <= ? - INTERVAL ? SECOND";
	static const char owner[] =
		"SELECT u.email, u.username, e.url FROM webhook_endpoints e"
		" JOIN users u ON u.id = e.user_id WHERE e.id = ?";
	const char *err = o->error;
	struct db_result res;
	uint64_t changed = 0;
	int rc;

	*disabled = 0;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = store_one(a, lock, DBP(DB_INT(j->endpoint_id)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	rc = db_exec(attempt, DBP(DB_INT(j->delivery_id), DB_STR(now),
		o->status_code > 0 ? DB_INT(o->status_code) : DB_NULL(),
		err != NULL ? DB_STRN(err, cut_utf8(err, STORE_DEVHOOKS_ERROR_MAX)) :
		DB_NULL(), DB_INT(o->duration_ms)), NULL, NULL);
	if (rc != 0)
		return store_tx_end(rc);
	if (o->succeeded) {
		rc = db_exec(delivered, DBP(DB_STR(now), DB_STR(now),
			DB_INT(j->delivery_id)), NULL, NULL);
		if (rc == 0)
			rc = db_exec(healthy, DBP(DB_INT(j->endpoint_id)), NULL, NULL);
		return store_tx_end(rc);
	}
	rc = db_exec(failed, DBP(DB_STR(o->status), DB_STR(now), DB_STR(now),
		DB_STR(o->retry_at), DB_INT(j->delivery_id)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(failing, DBP(DB_STR(now), DB_INT(j->endpoint_id)),
			NULL, NULL);
	if (rc == 0)
		rc = db_exec(disable, DBP(DB_STR(now), DB_INT(j->endpoint_id),
			DB_STR(now), DB_INT(o->disable_after_s)), &changed, NULL);
	if (rc == 0 && changed == 1) {
		*disabled = 1;
		rc = store_one(a, owner, DBP(DB_INT(j->endpoint_id)), &res);
		if (rc == 0 && on_disabled != NULL)
			rc = on_disabled(ctx, db_str(&res, 0, 0), db_str(&res, 0, 1),
				db_str(&res, 0, 2));
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		*disabled = 0;
	return rc;
}

int store_devhooks_emit(struct arena *a, int64_t user_id, const char *type,
	struct json_object *data, time_t now)
{
	static const char sql[] =
		"INSERT INTO webhook_events (public_id, user_id, type, payload,"
		" created_at) VALUES (?, ?, ?, ?, ?)";
	unsigned char rnd[16];
	char pid[4 + 33], created[32], at[32];
	struct json_object *root;
	const char *payload;
	struct tm tm;

	root = json_object_new_object();
	if (data == NULL || root == NULL || crypto_random(rnd, sizeof(rnd)) != 0) {
		json_object_put(root);
		json_object_put(data);
		return data == NULL || root == NULL ? DF_ENOMEM : DF_EINTERNAL;
	}
	memcpy(pid, "evt_", 4);
	crypto_hex(rnd, sizeof(rnd), pid + 4);
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", &tm);
	json_object_object_add(root, "id", json_object_new_string(pid));
	json_object_object_add(root, "type", json_object_new_string(type));
	json_object_object_add(root, "created", json_object_new_string(created));
	json_object_object_add(root, "data", data);
	payload = arena_strdup(a, json_object_to_json_string_ext(root,
		JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	if (payload == NULL)
		return DF_ENOMEM;
	return db_exec(sql, DBP(DB_STR(pid), DB_INT(user_id), DB_STR(type),
		DB_STR(payload), DB_STR(at)), NULL, NULL);
}
