/* SQL for support macros. Times come from the caller's clock
 * (clock_now()), like everything on the support desk, so tests can move
 * them. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "macrotext.h"
#include "store/macros.h"
#include "store/tickets.h"
#include "store/tx.h"

#define MACRO_COLUMNS \
	"id, name, body, internal, set_status, set_priority," \
	" DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%sZ')"

static void sql_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

static void macro_from_row(const struct db_result *res, size_t row,
	void *out)
{
	struct store_macro *m = out;

	memset(m, 0, sizeof(*m));
	m->id = db_int(res, row, 0, 0);
	m->name = db_str(res, row, 1);
	m->body = db_str(res, row, 2);
	m->internal = db_int(res, row, 3, 0) != 0;
	m->set_status = db_str(res, row, 4);
	m->set_priority = db_str(res, row, 5);
	m->created_at = db_str(res, row, 6);
	m->updated_at = db_str(res, row, 7);
}

int store_macros_list(struct arena *a, int64_t after, int64_t limit,
	struct store_macro **out, size_t *n)
{
	static const char sql[] = "SELECT " MACRO_COLUMNS
		" FROM support_macros WHERE id > ? ORDER BY id LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_INT(after), DB_INT(limit + 1)),
		sizeof(**out), macro_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_macros_get(struct arena *a, int64_t id, struct store_macro *out)
{
	static const char sql[] = "SELECT " MACRO_COLUMNS
		" FROM support_macros WHERE id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(id)), &res);
	if (rc == 0)
		macro_from_row(&res, 0, out);
	return rc;
}

int store_macros_create(struct arena *a, const struct store_macro_in *in,
	int64_t created_by, time_t now, struct store_macro *out)
{
	static const char sql[] =
		"INSERT INTO support_macros (name, body, internal, set_status,"
		" set_priority, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	uint64_t id = 0;
	char ts[32];
	int rc;

	sql_time(now, ts);
	rc = db_exec(sql, DBP(DB_STR(in->name), DB_STR(in->body),
		DB_INT(in->internal ? 1 : 0), DB_STR(in->set_status),
		DB_STR(in->set_priority),
		created_by > 0 ? DB_INT(created_by) : DB_NULL(), DB_STR(ts),
		DB_STR(ts)), NULL, &id);
	if (rc != 0)
		return rc;
	return store_macros_get(a, (int64_t)id, out);
}

int store_macros_update(struct arena *a, int64_t id,
	const struct store_macro_in *in, time_t now, struct store_macro *out)
{
	/* One statement for any subset of members: each is written when
	 * its flag is set, else kept. */
	static const char sql[] =
		"UPDATE support_macros SET"
		" name = IF(?, ?, name), body = IF(?, ?, body),"
		" internal = IF(?, ?, internal),"
		" set_status = IF(?, ?, set_status),"
		" set_priority = IF(?, ?, set_priority), updated_at = ?"
		" WHERE id = ?";
	char ts[32];
	int rc;

	sql_time(now, ts);
	rc = store_exec_one(sql, DBP(DB_INT(in->has_name), DB_STR(in->name),
		DB_INT(in->has_body), DB_STR(in->body),
		DB_INT(in->has_internal), DB_INT(in->internal ? 1 : 0),
		DB_INT(in->has_status), DB_STR(in->set_status),
		DB_INT(in->has_priority), DB_STR(in->set_priority),
		DB_STR(ts), DB_INT(id)), DF_ENOTFOUND);
	/* updated_at changes on every call, so "no row changed" is a
	 * missing id, except within the same second with equal values:
	 * look the row up before calling it gone. */
	if (rc == DF_ENOTFOUND)
		return store_macros_get(a, id, out);
	if (rc != 0)
		return rc;
	return store_macros_get(a, id, out);
}

int store_macros_delete(int64_t id)
{
	static const char sql[] = "DELETE FROM support_macros WHERE id = ?";

	return store_exec_one(sql, DBP(DB_INT(id)), DF_ENOTFOUND);
}

int store_macros_apply(struct arena *a, int64_t ticket_id, int64_t macro_id,
	int64_t agent_id, const char *agent_name, time_t now)
{
	struct store_ticket_msg_out mo;
	struct store_ticket t;
	struct store_macro m;
	char *text = NULL;
	int rc;

	rc = store_macros_get(a, macro_id, &m);
	if (rc != 0)
		return rc;
	rc = store_tickets_get(a, ticket_id, 1, &t);
	if (rc != 0)
		return rc;
	{
		struct macrotext_vars v = {
			.requester_name = t.requester_name,
			.ticket_id = ticket_id, .agent_name = agent_name,
		};

		rc = macrotext_fill(a, m.body, &v, &text);
	}
	if (rc != 0)
		return rc;
	if (json_utf8_length(text, strlen(text)) > STORE_MACRO_REPLY_MAX)
		return DF_ETOOBIG;
	rc = db_begin();
	if (rc != 0)
		return rc;
	{
		struct store_ticket_msg_in in = {
			.ticket_id = ticket_id, .author_id = agent_id,
			.author_staff = 1, .body = text, .internal = m.internal,
			.via = TICKET_VIA_MACRO, .now = now,
		};

		rc = store_tickets_add_message(a, &in, &mo);
	}
	/* A staff reply never makes a follow-up (a closed ticket is
	 * DF_ECONFLICT), so the message is on ticket_id. */
	if (rc == 0 && (m.set_status != NULL || m.set_priority != NULL))
		rc = store_tickets_set(a, ticket_id, agent_id, m.set_status,
			m.set_priority, now);
	return store_tx_end(rc);
}
