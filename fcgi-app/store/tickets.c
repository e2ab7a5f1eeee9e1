/* SQL for support tickets (see tickets.h). Every change locks the
 * ticket row first (SELECT ... FOR UPDATE), so two agents answering at
 * once, or an agent and the requester's mail, apply the lifecycle one
 * after the other on the status each really sees. */
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "cache.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "mactoken.h"
#include "ticket_flow.h"
#include "ticket_mail.h"
#include "store/outbox.h"
#include "store/sla.h"
#include "store/tickets.h"
#include "store/tx.h"

#define ISO(c) "DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%sZ')"

/* The columns tk_from_row reads, on `support_tickets t` joined with its
 * requester ru and assignee au (TK_FROM). */
#define TK_COLUMNS \
	"t.id, t.requester_id, COALESCE(t.assignee_id, 0), t.subject," \
	" t.status, t.priority, t.category, t.via," \
	" ru.public_id, ru.username, ru.email," \
	" COALESCE(ru.display_name, ru.username)," \
	" au.public_id, au.username, COALESCE(t.follow_up_of, 0)," \
	" " ISO("t.first_response_due_at") ", " ISO("t.next_breach_at") "," \
	" " ISO("t.created_at") ", " ISO("t.updated_at") "," \
	" " ISO("t.resolved_at") ", " ISO("t.closed_at")
#define TK_NCOLUMNS 21
#define TK_FROM \
	" FROM support_tickets t JOIN users ru ON ru.id = t.requester_id" \
	" LEFT JOIN users au ON au.id = t.assignee_id"

static struct {
	const void *key;
	size_t keylen;
	const char *reply_base;
} mail_cfg;

void store_tickets_mail_setup(const void *key, size_t keylen,
	const char *reply_base)
{
	mail_cfg.key = key;
	mail_cfg.keylen = keylen;
	mail_cfg.reply_base = reply_base;
}

static void tk_from_row(const struct db_result *res, size_t i, void *out)
{
	struct store_ticket *t = out;

	memset(t, 0, sizeof(*t));
	t->id = db_int(res, i, 0, 0);
	t->requester_id = db_int(res, i, 1, 0);
	t->assignee_id = db_int(res, i, 2, 0);
	t->subject = db_str(res, i, 3);
	t->status = db_str(res, i, 4);
	t->priority = db_str(res, i, 5);
	t->category = db_str(res, i, 6);
	t->via = db_str(res, i, 7);
	t->requester_public_id = db_str(res, i, 8);
	t->requester_username = db_str(res, i, 9);
	t->requester_email = db_str(res, i, 10);
	t->requester_name = db_str(res, i, 11);
	t->assignee_public_id = db_str(res, i, 12);
	t->assignee_username = db_str(res, i, 13);
	t->follow_up_of = db_int(res, i, 14, 0);
	t->first_response_due_at = db_str(res, i, 15);
	t->next_breach_at = db_str(res, i, 16);
	t->created_at = db_str(res, i, 17);
	t->updated_at = db_str(res, i, 18);
	t->resolved_at = db_str(res, i, 19);
	t->closed_at = db_str(res, i, 20);
	t->sort_key = db_int(res, i, TK_NCOLUMNS, 0);
}

static void msg_from_row(const struct db_result *res, size_t i, void *out)
{
	struct store_ticket_msg *m = out;

	m->id = db_int(res, i, 0, 0);
	m->author_public_id = db_str(res, i, 1);
	m->author_username = db_str(res, i, 2);
	m->body = db_str(res, i, 3);
	m->internal = db_int(res, i, 4, 0) != 0;
	m->via = db_str(res, i, 5);
	m->created_at = db_str(res, i, 6);
}

static const char *ticket_via(enum store_ticket_via v)
{
	/* The ticket's column knows where requests come from; macros and
	 * the system only ever add messages. */
	switch (v) {
	case TICKET_VIA_EMAIL: return "email";
	case TICKET_VIA_ASSISTANT: return "assistant";
	default: return "web";
	}
}

static const char *msg_via(enum store_ticket_via v)
{
	switch (v) {
	case TICKET_VIA_EMAIL: return "email";
	case TICKET_VIA_MACRO: return "macro";
	case TICKET_VIA_SYSTEM: return "system";
	case TICKET_VIA_ASSISTANT: return "assistant";
	default: return "web";
	}
}

/* Begins a transaction unless the caller has one open (macros apply a
 * reply and a status change as one unit). */
static int tx_open(int *own)
{
	*own = !db_in_tx();
	return *own ? db_begin() : 0;
}

void store_tickets_changed(void)
{
	cache_invalidate(STORE_TICKETS_CACHE_GEN);
}

/* Ends the transaction tx_open began, and after a commit makes the
 * cached queues stale (never before the commit: a reader in between
 * would cache the old rows under the new generation). */
static int tx_close(int own, int rc)
{
	if (!own)
		return rc;
	rc = store_tx_end(rc);
	if (rc == 0)
		store_tickets_changed();
	return rc;
}

static int read_ticket(struct arena *a, int64_t id, struct store_ticket *out)
{
	static const char sql[] = "SELECT " TK_COLUMNS ", 0" TK_FROM
		" WHERE t.id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(id)), &res);
	if (rc != 0)
		return rc;
	tk_from_row(&res, 0, out);
	return 0;
}

/* Locks the ticket row and reads it. */
static int lock_ticket(struct arena *a, int64_t id, struct store_ticket *out)
{
	static const char sql[] =
		"SELECT id FROM support_tickets WHERE id = ? FOR UPDATE";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(id)), &res);
	if (rc != 0)
		return rc;
	return read_ticket(a, id, out);
}

static int insert_message(int64_t ticket_id, int64_t author_id,
	const char *body, int internal, enum store_ticket_via via,
	const char *mail_message_id, time_t now, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO support_ticket_messages (ticket_id, author_id, body,"
		" internal, via, mail_message_id, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?))";
	uint64_t iid = 0;
	int rc;

	rc = db_exec(sql, DBP(DB_INT(ticket_id),
		author_id > 0 ? DB_INT(author_id) : DB_NULL(), DB_STR(body),
		DB_INT(internal ? 1 : 0), DB_STR(msg_via(via)),
		DB_STR(mail_message_id), DB_INT(now)), NULL, &iid);
	if (rc == 0 && id != NULL)
		*id = (int64_t)iid;
	return rc;
}

/* The ticket and its first message, and the SLA's start. */
static int create_in_tx(struct arena *a, const struct store_ticket_new *in,
	const char *mail_message_id, int64_t *id, int64_t *msg_id)
{
	static const char sql[] =
		"INSERT INTO support_tickets (requester_id, subject, category,"
		" priority, status, via, follow_up_of, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, 'open', ?, ?, FROM_UNIXTIME(?),"
		" FROM_UNIXTIME(?))";
	uint64_t tid = 0;
	int rc;

	rc = db_exec(sql, DBP(DB_INT(in->requester_id), DB_STR(in->subject),
		DB_STR(in->category),
		DB_STR(in->priority != NULL ? in->priority : "normal"),
		DB_STR(ticket_via(in->via)),
		in->follow_up_of > 0 ? DB_INT(in->follow_up_of) : DB_NULL(),
		DB_INT(in->now), DB_INT(in->now)), NULL, &tid);
	if (rc != 0)
		return rc;
	*id = (int64_t)tid;
	rc = insert_message(*id, in->requester_id, in->body, 0, in->via,
		mail_message_id, in->now, msg_id);
	if (rc != 0)
		return rc;
	return store_sla_ticket_created(a, *id, in->now);
}

int store_tickets_create(struct arena *a, const struct store_ticket_new *in,
	int64_t *id)
{
	int own, rc;

	rc = tx_open(&own);
	if (rc != 0)
		return rc;
	rc = create_in_tx(a, in, NULL, id, NULL);
	return tx_close(own, rc);
}

int store_tickets_get(struct arena *a, int64_t id, int staff,
	struct store_ticket *out)
{
	/* A requester's read leaves internal notes in the database: the
	 * filter is in the query, not in code that could forget it. */
	static const char sql_msgs[] =
		"SELECT m.id, u.public_id, u.username, m.body, m.internal, m.via,"
		" " ISO("m.created_at")
		" FROM support_ticket_messages m"
		" LEFT JOIN users u ON u.id = m.author_id"
		" WHERE m.ticket_id = ? AND (m.internal = 0 OR ? = 1)"
		" ORDER BY m.id";
	void *rows;
	int rc;

	rc = read_ticket(a, id, out);
	if (rc != 0)
		return rc;
	if (!staff)
		out->next_breach_at = NULL;
	rc = store_rows(a, sql_msgs, DBP(DB_INT(id), DB_INT(staff ? 1 : 0)),
		sizeof(struct store_ticket_msg), msg_from_row, &rows,
		&out->nmsgs);
	out->msgs = rows;
	return rc;
}

/* The queues. Each statement is built from fixed fragments for the
 * filters a list actually has (only placeholders carry values), so
 * MariaDB sees plain conditions on the columns of an index: a status
 * and the sort walk (status, key, id) from the cursor on and stop after
 * limit + 1 rows, whatever the number of closed tickets. Written as
 * "? IS NULL OR t.status = ?" with the key an expression of the time,
 * every list read and sorted the whole table. The sort key is
 * microseconds since the epoch of the plain column (sessions are UTC),
 * so the cursor carries it exactly and TIMESTAMPADD turns it back into
 * the column's value; a ticket without a breach time has breach_sort
 * 2999-12-31 (sql/migrations/0017_ticket_queue.sql). */
#define EPOCH "'1970-01-01 00:00:00'"
#define KEY_VALUE "TIMESTAMPADD(MICROSECOND, ?, " EPOCH ")"

static const struct {
	const char *col;
	const char *idx_status;   /* (status, col, id) */
	const char *idx_all;      /* (col, id) */
	int desc;
} list_sorts[STORE_TICKET_SORT__MAX] = {
	[STORE_TICKET_SORT_BREACH] = { "t.breach_sort",
		"idx_support_tickets_status_breach",
		"idx_support_tickets_breach", 0 },
	[STORE_TICKET_SORT_CREATED] = { "t.created_at",
		"idx_support_tickets_status_created",
		"idx_support_tickets_created", 1 },
	[STORE_TICKET_SORT_UPDATED] = { "t.updated_at",
		"idx_support_tickets_status_updated",
		"idx_support_tickets_updated", 1 },
};

/* Which fragments a list has: one statement per combination. */
#define LF_REQUESTER 1u
#define LF_STATUS 2u
#define LF_PRIORITY 4u
#define LF_CATEGORY 8u
#define LF_UNASSIGNED 16u
#define LF_ASSIGNED_TO 32u
#define LF_AFTER 64u
#define LF__COMBOS 128u
#define LIST_SQL_MAX 2048

/* The statement texts live for the process: the database layer caches
 * prepared statements by the text's address. Built on first use. */
static char *list_sql[STORE_TICKET_SORT__MAX][LF__COMBOS];

static const char *list_build(enum store_ticket_sort s, unsigned flags)
{
	const char *col = list_sorts[s].col;
	const char *lt = list_sorts[s].desc ? " < " : " > ";
	const char *dir = list_sorts[s].desc ? " DESC" : "";
	char buf[LIST_SQL_MAX];
	size_t len = 0;
	int rc = 0;

	if (list_sql[s][flags] != NULL)
		return list_sql[s][flags];
	buf[0] = '\0';
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, "SELECT " TK_COLUMNS ", TIMESTAMPDIFF("
		"MICROSECOND, " EPOCH ", ");
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, col);
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, ") FROM support_tickets t");
	/* A requester's own tickets come from the requester index; staff
	 * queues walk the sort's index (the optimizer, left alone, may
	 * take a ref on status and sort every ticket of that status). */
	if (!(flags & LF_REQUESTER)) {
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " FORCE INDEX (");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, (flags & LF_STATUS) ?
			list_sorts[s].idx_status : list_sorts[s].idx_all);
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, ")");
	}
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " STRAIGHT_JOIN users ru ON ru.id ="
		" t.requester_id LEFT JOIN users au ON au.id = t.assignee_id"
		" WHERE 1 = 1");
	if (flags & LF_REQUESTER)
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND t.requester_id = ?");
	if (flags & LF_STATUS)
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND t.status = ?");
	if (flags & LF_PRIORITY)
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND t.priority = ?");
	if (flags & LF_CATEGORY)
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND t.category = ?");
	if (flags & LF_UNASSIGNED)
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND t.assignee_id IS NULL");
	if (flags & LF_ASSIGNED_TO)
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND t.assignee_id = ?");
	if (flags & LF_AFTER) {
		/* (key, id) after the cursor's, as two ranges of the index. */
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " AND (");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, col);
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, lt);
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, KEY_VALUE " OR (");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, col);
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " = " KEY_VALUE " AND t.id");
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, lt);
		rc |= store_sql_add(buf, LIST_SQL_MAX, &len, "?))");
	}
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " ORDER BY ");
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, col);
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, dir);
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, ", t.id");
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, dir);
	rc |= store_sql_add(buf, LIST_SQL_MAX, &len, " LIMIT ?");
	if (rc != 0)
		return NULL;
	list_sql[s][flags] = strdup(buf);
	return list_sql[s][flags];
}

#define LIST_PARAMS_MAX 10

int store_tickets_list(struct arena *a, const struct store_ticket_filter *f,
	struct store_ticket **out, size_t *n)
{
	struct db_param p[LIST_PARAMS_MAX];
	unsigned flags = 0;
	size_t np = 0;
	const char *sql;
	void *rows;
	int rc;

	if ((unsigned)f->sort >= STORE_TICKET_SORT__MAX)
		return DF_EINVAL;
	if (f->requester_id != 0) {
		flags |= LF_REQUESTER;
		p[np++] = DB_INT(f->requester_id);
	}
	if (f->status != NULL) {
		flags |= LF_STATUS;
		p[np++] = DB_STR(f->status);
	}
	if (f->priority != NULL) {
		flags |= LF_PRIORITY;
		p[np++] = DB_STR(f->priority);
	}
	if (f->category != NULL) {
		flags |= LF_CATEGORY;
		p[np++] = DB_STR(f->category);
	}
	if (f->assignee == STORE_TICKET_UNASSIGNED) {
		flags |= LF_UNASSIGNED;
	} else if (f->assignee == STORE_TICKET_ASSIGNED_TO) {
		flags |= LF_ASSIGNED_TO;
		p[np++] = DB_INT(f->assignee_id);
	}
	if (f->has_after) {
		flags |= LF_AFTER;
		p[np++] = DB_INT(f->after_key);
		p[np++] = DB_INT(f->after_key);
		p[np++] = DB_INT(f->after_id);
	}
	p[np++] = DB_INT(f->limit + 1);
	sql = list_build(f->sort, flags);
	if (sql == NULL)
		return DF_ENOMEM;
	rc = store_rows(a, sql, p, np, sizeof(**out), tk_from_row, &rows, n);
	*out = rows;
	return rc;
}

int store_tickets_user(struct arena *a, const char *public_id, int64_t *id,
	int *staff)
{
	static const char sql[] =
		"SELECT id, role IN ('support', 'admin') AND status = 'active'"
		" FROM users WHERE public_id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(public_id)), &res);
	if (rc != 0)
		return rc;
	*id = db_int(&res, 0, 0, 0);
	*staff = db_int(&res, 0, 1, 0) != 0;
	return 0;
}

/* Queues m to the requester with the ticket's signed reply address, so
 * an answer by mail finds its way back (devforgectl mail-receive). */
static int queue_mail(const struct store_ticket *t,
	const struct ticket_mail *m, const char *template)
{
	char reply_to[256];
	int rc;

	if (mail_cfg.reply_base == NULL || mail_cfg.key == NULL) {
		log_msg(LOG_ERROR, "ticket mail: store_tickets_mail_setup was "
			"not called");
		return DF_EINTERNAL;
	}
	rc = mactoken_reply_address(mail_cfg.key, mail_cfg.keylen,
		mail_cfg.reply_base, t->id, reply_to, sizeof(reply_to));
	if (rc != 0) {
		log_msg(LOG_ERROR, "ticket mail: no reply address from "
			"support_reply_address: %s", df_strerror(rc));
		return rc;
	}
	return store_outbox_enqueue_reply(t->requester_email, reply_to,
		m->subject, m->body, template);
}

static int mail_status(struct arena *a, const struct store_ticket *t,
	const char *status)
{
	struct ticket_mail m;
	int rc;

	rc = ticket_mail_status(a, t->id, t->subject, t->requester_name,
		status, &m);
	return rc != 0 ? rc : queue_mail(t, &m, "ticket_status");
}

static int mail_reply(struct arena *a, const struct store_ticket *t,
	int64_t agent_id, const char *text)
{
	static const char sql[] =
		"SELECT COALESCE(display_name, username) FROM users WHERE id = ?";
	struct db_result res;
	struct ticket_mail m;
	int rc;

	rc = store_one(a, sql, DBP(DB_INT(agent_id)), &res);
	if (rc != 0)
		return rc;
	rc = ticket_mail_reply(a, t->id, t->subject, t->requester_name,
		db_str(&res, 0, 0), text, &m);
	return rc != 0 ? rc : queue_mail(t, &m, "ticket_reply");
}

/* The status column moves to `to` at now, with its resolved/closed
 * times, and the SLA follows. */
static int move_status(struct arena *a, int64_t id, const char *from,
	const char *to, time_t now)
{
	static const char sql[] =
		"UPDATE support_tickets SET status = ?,"
		" updated_at = FROM_UNIXTIME(?),"
		" resolved_at = IF(? = 'resolved', FROM_UNIXTIME(?), resolved_at),"
		" closed_at = IF(? = 'closed', FROM_UNIXTIME(?), closed_at)"
		" WHERE id = ?";
	int rc;

	rc = db_exec(sql, DBP(DB_STR(to), DB_INT(now), DB_STR(to), DB_INT(now),
		DB_STR(to), DB_INT(now), DB_INT(id)), NULL, NULL);
	if (rc != 0)
		return rc;
	return store_sla_status_changed(a, id, from, to, now);
}

static int update_in_tx(struct arena *a, const struct store_ticket_change *c,
	int *changed)
{
	static const char sql_prio[] =
		"UPDATE support_tickets SET priority = ?,"
		" updated_at = FROM_UNIXTIME(?) WHERE id = ?";
	static const char sql_assignee[] =
		"UPDATE support_tickets SET assignee_id = ?,"
		" updated_at = FROM_UNIXTIME(?) WHERE id = ?";
	enum ticket_actor who = c->actor_staff ? TICKET_ACTOR_STAFF :
		TICKET_ACTOR_REQUESTER;
	struct store_ticket t;
	int from, to, rc, status_move, prio_move, assign_move;

	rc = lock_ticket(a, c->ticket_id, &t);
	if (rc != 0)
		return rc;
	if (!c->actor_staff && t.requester_id != c->actor_id)
		return DF_ENOTFOUND;
	if (!c->actor_staff && (c->priority != NULL || c->set_assignee))
		return DF_EFORBIDDEN;
	from = ticket_status_parse(t.status);
	to = c->status != NULL ? ticket_status_parse(c->status) : from;
	if (from < 0 || to < 0 ||
	    (c->priority != NULL && !ticket_priority_ok(c->priority)))
		return DF_EINVAL;
	status_move = to != from;
	prio_move = c->priority != NULL && strcmp(c->priority, t.priority) != 0;
	assign_move = c->set_assignee && c->assignee_id != t.assignee_id;
	if (!status_move && !prio_move && !assign_move)
		return 0;
	/* Closed is immutable, whatever the change. */
	if (from == TICKET_CLOSED)
		return DF_ECONFLICT;
	if (status_move && !ticket_flow_allowed(who, from, to))
		return DF_ECONFLICT;
	if (prio_move) {
		rc = db_exec(sql_prio, DBP(DB_STR(c->priority), DB_INT(c->now),
			DB_INT(t.id)), NULL, NULL);
		/* Before a status move, which then counts on the new
		 * policy's calendar. */
		if (rc == 0)
			rc = store_sla_ticket_changed(a, t.id, c->now);
		if (rc != 0)
			return rc;
	}
	if (assign_move) {
		rc = db_exec(sql_assignee, DBP(c->assignee_id > 0 ?
			DB_INT(c->assignee_id) : DB_NULL(), DB_INT(c->now),
			DB_INT(t.id)), NULL, NULL);
		if (rc != 0)
			return rc;
	}
	if (status_move) {
		rc = move_status(a, t.id, t.status, ticket_status_name(to),
			c->now);
		/* The requester knows what they did themselves. */
		if (rc == 0 && c->actor_staff)
			rc = mail_status(a, &t, ticket_status_name(to));
		if (rc != 0)
			return rc;
	}
	if (changed != NULL)
		*changed = 1;
	return 0;
}

int store_tickets_update(struct arena *a, const struct store_ticket_change *c,
	int *changed)
{
	int own, rc;

	if (changed != NULL)
		*changed = 0;
	rc = tx_open(&own);
	if (rc != 0)
		return rc;
	rc = update_in_tx(a, c, changed);
	return tx_close(own, rc);
}

int store_tickets_set(struct arena *a, int64_t ticket_id, int64_t actor_id,
	const char *status, const char *priority, time_t now)
{
	struct store_ticket_change c = {
		.ticket_id = ticket_id, .actor_id = actor_id, .actor_staff = 1,
		.status = status, .priority = priority, .now = now,
	};

	return store_tickets_update(a, &c, NULL);
}

/* A message seen before (by its mail Message-ID): where it landed. */
static int find_duplicate(struct arena *a, const char *mail_message_id,
	struct store_ticket_msg_out *out)
{
	static const char sql[] =
		"SELECT m.id, m.ticket_id, t.status"
		" FROM support_ticket_messages m"
		" JOIN support_tickets t ON t.id = m.ticket_id"
		" WHERE m.mail_message_id = ?";
	struct db_result res;
	int rc;

	rc = store_one(a, sql, DBP(DB_STR(mail_message_id)), &res);
	if (rc != 0)
		return rc;
	out->message_id = db_int(&res, 0, 0, 0);
	out->ticket_id = db_int(&res, 0, 1, 0);
	out->status = db_str(&res, 0, 2);
	out->duplicate = 1;
	return 0;
}

static int add_in_tx(struct arena *a, const struct store_ticket_msg_in *in,
	struct store_ticket_msg_out *out)
{
	static const char sql_touch[] =
		"UPDATE support_tickets SET updated_at = FROM_UNIXTIME(?),"
		" first_replied_at = IF(? = 1, COALESCE(first_replied_at,"
		" FROM_UNIXTIME(?)), first_replied_at)"
		" WHERE id = ?";
	enum ticket_actor who;
	enum ticket_status to;
	enum ticket_reply r;
	struct store_ticket t;
	int from, rc, staff_public;

	rc = lock_ticket(a, in->ticket_id, &t);
	if (rc != 0)
		return rc;
	/* After the lock: a second delivery of the same mail racing the
	 * first waits for it here, then finds what it added (the read's
	 * snapshot starts after the lock was granted). */
	if (in->mail_message_id != NULL) {
		rc = find_duplicate(a, in->mail_message_id, out);
		if (rc != DF_ENOTFOUND)
			return rc;
	}
	if (in->via == TICKET_VIA_SYSTEM)
		who = TICKET_ACTOR_SYSTEM;
	else if (in->author_staff)
		who = TICKET_ACTOR_STAFF;
	else if (in->author_id == t.requester_id)
		who = TICKET_ACTOR_REQUESTER;
	else
		return DF_ENOTFOUND;
	if (in->internal && who != TICKET_ACTOR_STAFF)
		return DF_EINVAL;
	from = ticket_status_parse(t.status);
	if (from < 0)
		return DF_EINTERNAL;
	r = ticket_flow_reply(who, in->internal, from, &to);
	if (r == TICKET_REPLY_REFUSED)
		return DF_ECONFLICT;
	if (r == TICKET_REPLY_FOLLOW_UP) {
		struct store_ticket_new n = {
			.requester_id = t.requester_id, .subject = t.subject,
			.body = in->body, .category = t.category,
			.priority = t.priority, .via = in->via,
			.follow_up_of = t.id, .now = in->now,
		};

		rc = create_in_tx(a, &n, in->mail_message_id, &out->ticket_id,
			&out->message_id);
		out->follow_up = 1;
		out->status = "open";
		return rc;
	}
	rc = insert_message(t.id, in->author_id, in->body, in->internal,
		in->via, in->mail_message_id, in->now, &out->message_id);
	if (rc != 0)
		return rc;
	out->ticket_id = t.id;
	out->status = ticket_status_name(to);
	/* A note stays out of everything the requester sees, updated_at
	 * included. */
	if (in->internal)
		return 0;
	staff_public = who == TICKET_ACTOR_STAFF;
	rc = db_exec(sql_touch, DBP(DB_INT(in->now), DB_INT(staff_public),
		DB_INT(in->now), DB_INT(t.id)), NULL, NULL);
	if (rc == 0 && (int)to != from)
		rc = move_status(a, t.id, t.status, out->status, in->now);
	if (rc != 0)
		return rc;
	if (who == TICKET_ACTOR_STAFF) {
		rc = store_sla_staff_replied(a, t.id, in->now);
		/* One mail: the reply says it all (its status move from open
		 * is the agent picking it up). */
		return rc != 0 ? rc : mail_reply(a, &t, in->author_id, in->body);
	}
	if (who == TICKET_ACTOR_REQUESTER)
		return store_sla_requester_replied(a, t.id, in->now);
	return 0;
}

int store_tickets_add_message(struct arena *a,
	const struct store_ticket_msg_in *in, struct store_ticket_msg_out *out)
{
	int own, rc;

	memset(out, 0, sizeof(*out));
	rc = tx_open(&own);
	if (rc != 0)
		return rc;
	rc = add_in_tx(a, in, out);
	return tx_close(own, rc);
}

int store_tickets_autoclose_batch(struct arena *a, time_t now, unsigned days,
	size_t max, size_t *n)
{
	static const char sql_due[] =
		"SELECT id FROM support_tickets"
		" WHERE status = 'resolved' AND resolved_at <= FROM_UNIXTIME(?)"
		" ORDER BY resolved_at, id LIMIT ?"
		" FOR UPDATE SKIP LOCKED";
	static const char sql_close[] =
		"UPDATE support_tickets SET status = 'closed',"
		" closed_at = FROM_UNIXTIME(?), updated_at = FROM_UNIXTIME(?)"
		" WHERE id = ? AND status = 'resolved'";
	struct db_result res;
	uint64_t affected;
	int rc;

	*n = 0;
	if (max == 0)
		return 0;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_query(a, sql_due, DBP(DB_INT(now - (time_t)days * 86400),
		DB_INT(max)), &res);
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		int64_t id = db_int(&res, i, 0, 0);

		affected = 0;
		rc = db_exec(sql_close, DBP(DB_INT(now), DB_INT(now), DB_INT(id)),
			&affected, NULL);
		if (rc == 0 && affected == 1) {
			rc = store_sla_status_changed(a, id, "resolved", "closed",
				now);
			(*n)++;
		}
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		*n = 0;
	else if (*n > 0)
		store_tickets_changed();
	return rc;
}
