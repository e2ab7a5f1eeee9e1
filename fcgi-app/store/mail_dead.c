/* SQL for the mail dead letters (see mail_dead.h). */
#include <string.h>
#include <strings.h>

#include "db.h"
#include "store/mail_dead.h"
#include "store/tickets.h"
#include "store/tx.h"

/* The bytes of s's first max UTF-8 characters (s is valid UTF-8). */
static size_t utf8_prefix(const char *s, size_t max)
{
	size_t i = 0, n = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	return i;
}

static struct db_param text_param(const char *s, size_t max)
{
	if (s == NULL)
		return DB_NULL();
	return DB_STRN(s, utf8_prefix(s, max));
}

int store_mail_dead_add(const struct store_mail_dead *d, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO support_mail_dead_letters (received_at, reason,"
		" detail, from_addr, to_addr, subject, message_id, ticket_id,"
		" raw) VALUES (FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?)";
	uint64_t iid = 0;
	int rc;

	rc = db_exec(sql, DBP(DB_INT(d->now), DB_STR(d->reason),
		text_param(d->detail, 500), text_param(d->from_addr, 254),
		text_param(d->to_addr, 254), text_param(d->subject, 255),
		text_param(d->message_id, 255),
		d->ticket_id > 0 ? DB_INT(d->ticket_id) : DB_NULL(),
		DB_BLOB(d->raw != NULL ? d->raw : "", d->raw_len)), NULL, &iid);
	if (rc == 0 && id != NULL)
		*id = (int64_t)iid;
	return rc;
}

/* --- staff handling ----------------------------------------------------- */

#define DEAD_COLUMNS \
	"d.id, DATE_FORMAT(d.received_at, '%Y-%m-%dT%H:%i:%sZ'), d.reason," \
	" d.detail, d.from_addr, d.to_addr, d.subject, d.message_id," \
	" d.ticket_id, OCTET_LENGTH(d.raw)," \
	" DATE_FORMAT(d.resolved_at, '%Y-%m-%dT%H:%i:%sZ'), u.public_id," \
	" u.username, d.resolution, d.attached_ticket_id"
#define DEAD_FROM \
	" FROM support_mail_dead_letters d" \
	" LEFT JOIN users u ON u.id = d.resolved_by"
/* 0 as the first page's "before": every id is below it. */
#define DEAD_PAGE \
	" AND (? IS NULL OR d.reason = ?) AND (? = 0 OR d.id < ?)" \
	" ORDER BY d.id DESC LIMIT ?"

static void dead_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_mail_dead_row *d = out;

	memset(d, 0, sizeof(*d));
	d->id = db_int(res, row, 0, 0);
	d->received_at = db_str(res, row, 1);
	d->reason = db_str(res, row, 2);
	d->detail = db_str(res, row, 3);
	d->from_addr = db_str(res, row, 4);
	d->to_addr = db_str(res, row, 5);
	d->subject = db_str(res, row, 6);
	d->message_id = db_str(res, row, 7);
	d->ticket_id = db_int(res, row, 8, 0);
	d->raw_size = db_int(res, row, 9, 0);
	d->resolved_at = db_str(res, row, 10);
	d->resolved_by_public_id = db_str(res, row, 11);
	d->resolved_by_username = db_str(res, row, 12);
	d->resolution = db_str(res, row, 13);
	d->attached_ticket_id = db_int(res, row, 14, 0);
}

int store_mail_dead_list(struct arena *a, const char *reason,
	enum store_mail_dead_state state, int64_t before, int64_t limit,
	struct store_mail_dead_row **out, size_t *n)
{
	/* One statement per state, so the open list (the one staff work
	 * from) reads idx_support_dead_letters_open in order. */
	static const char *const sql[] = {
		[STORE_MAIL_DEAD_OPEN] = "SELECT " DEAD_COLUMNS DEAD_FROM
			" WHERE d.resolved_at IS NULL" DEAD_PAGE,
		[STORE_MAIL_DEAD_RESOLVED] = "SELECT " DEAD_COLUMNS DEAD_FROM
			" WHERE d.resolved_at IS NOT NULL" DEAD_PAGE,
		[STORE_MAIL_DEAD_ALL] = "SELECT " DEAD_COLUMNS DEAD_FROM
			" WHERE 1 = 1" DEAD_PAGE,
	};
	void *rows;
	int rc;

	if ((unsigned)state > STORE_MAIL_DEAD_ALL)
		return DF_EINVAL;
	rc = store_rows(a, sql[state], DBP(DB_STR(reason), DB_STR(reason),
		DB_INT(before), DB_INT(before), DB_INT(limit + 1)),
		sizeof(**out), dead_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_mail_dead_get(struct arena *a, int64_t id, int with_raw,
	struct store_mail_dead_row *out)
{
	static const char sql[] = "SELECT " DEAD_COLUMNS DEAD_FROM
		" WHERE d.id = ?";
	static const char sql_raw[] = "SELECT " DEAD_COLUMNS ", d.raw"
		DEAD_FROM " WHERE d.id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, with_raw ? sql_raw : sql, DBP(DB_INT(id)), &res);
	if (rc != 0)
		return rc;
	dead_from_row(&res, 0, out);
	if (with_raw) {
		/* The cell's length, not strlen: a message may hold NULs. */
		const struct db_value *v = &res.cells[15];

		out->raw = v->is_null ? "" : v->s;
		out->raw_len = v->is_null ? 0 : v->len;
	}
	return 0;
}

/* Locks the dead letter: its From address; NO_LETTER or
 * RESOLVED_ALREADY in *outcome when it cannot be resolved. */
static int lock_letter(struct arena *a, int64_t id, const char **from,
	const char **message_id, enum store_mail_dead_outcome *outcome)
{
	static const char sql[] =
		"SELECT from_addr, message_id, resolved_at IS NOT NULL"
		" FROM support_mail_dead_letters WHERE id = ? FOR UPDATE";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(id)), &res);
	if (rc == DF_ENOTFOUND) {
		*outcome = STORE_MAIL_DEAD_NO_LETTER;
		return 0;
	}
	if (rc != 0)
		return rc;
	if (from != NULL)
		*from = db_str(&res, 0, 0);
	if (message_id != NULL)
		*message_id = db_str(&res, 0, 1);
	*outcome = db_int(&res, 0, 2, 0) ? STORE_MAIL_DEAD_RESOLVED_ALREADY :
		STORE_MAIL_DEAD_DONE;
	return 0;
}

static int resolve(int64_t id, const char *how, int64_t agent_id,
	int64_t ticket_id, time_t now)
{
	static const char sql[] =
		"UPDATE support_mail_dead_letters SET"
		" resolved_at = FROM_UNIXTIME(?), resolved_by = ?,"
		" resolution = ?, attached_ticket_id = ?"
		" WHERE id = ? AND resolved_at IS NULL";

	return store_exec_one(sql, DBP(DB_INT(now),
		agent_id > 0 ? DB_INT(agent_id) : DB_NULL(), DB_STR(how),
		ticket_id > 0 ? DB_INT(ticket_id) : DB_NULL(), DB_INT(id)),
		DF_ECONFLICT);
}

int store_mail_dead_attach(struct arena *a,
	const struct store_mail_dead_attach_in *in,
	struct store_mail_dead_attach_out *out)
{
	/* Only the ticket row is locked (FOR UPDATE of a join would lock
	 * the requester's users row too); the address is read after. */
	static const char sql_ticket[] =
		"SELECT status, requester_id FROM support_tickets"
		" WHERE id = ? FOR UPDATE";
	static const char sql_email[] = "SELECT email FROM users WHERE id = ?";
	struct store_ticket_msg_out mo;
	struct store_ticket_msg_in mi;
	struct db_result res;
	const char *from = NULL, *mid = NULL, *status, *email;
	int64_t requester;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lock_letter(a, in->id, &from, &mid, &out->outcome);
	if (rc != 0 || out->outcome != STORE_MAIL_DEAD_DONE)
		return rc;
	/* The ticket's row lock first (store_tickets_add_message takes it
	 * again): its status cannot move between this check and the add. */
	rc = store_one(a, sql_ticket, DBP(DB_INT(in->ticket_id)), &res);
	if (rc == DF_ENOTFOUND) {
		out->outcome = STORE_MAIL_DEAD_NO_TICKET;
		return 0;
	}
	if (rc != 0)
		return rc;
	status = db_str(&res, 0, 0);
	requester = db_int(&res, 0, 1, 0);
	if (status != NULL && strcmp(status, "closed") == 0) {
		out->outcome = STORE_MAIL_DEAD_TICKET_CLOSED;
		return 0;
	}
	rc = store_one(a, sql_email, DBP(DB_INT(requester)), &res);
	if (rc != 0)
		return rc;
	email = db_str(&res, 0, 0);
	out->as_requester = from != NULL && email != NULL &&
		strcasecmp(from, email) == 0;
	memset(&mi, 0, sizeof(mi));
	mi.ticket_id = in->ticket_id;
	mi.via = TICKET_VIA_EMAIL;
	mi.mail_message_id = mid;
	mi.now = in->now;
	if (out->as_requester) {
		mi.author_id = requester;
		mi.body = in->reply;
	} else {
		mi.author_id = in->agent_id;
		mi.author_staff = 1;
		mi.internal = 1;
		mi.body = in->note;
	}
	rc = store_tickets_add_message(a, &mi, &mo);
	if (rc == DF_ENOTFOUND) {
		out->outcome = STORE_MAIL_DEAD_NO_TICKET;
		return 0;
	}
	if (rc != 0)
		return rc;
	if (mo.duplicate || mo.follow_up) {
		/* Neither can happen on a locked open ticket with a new
		 * Message-ID; a duplicate means the mail is placed already. */
		out->outcome = STORE_MAIL_DEAD_DUPLICATE;
		return 0;
	}
	out->message_id = mo.message_id;
	out->status = mo.status;
	return resolve(in->id, "attached", in->agent_id, in->ticket_id,
		in->now);
}

int store_mail_dead_dismiss(struct arena *a, int64_t id, int64_t agent_id,
	time_t now, enum store_mail_dead_outcome *outcome)
{
	int rc;

	rc = lock_letter(a, id, NULL, NULL, outcome);
	if (rc != 0 || *outcome != STORE_MAIL_DEAD_DONE)
		return rc;
	return resolve(id, "dismissed", agent_id, 0, now);
}
