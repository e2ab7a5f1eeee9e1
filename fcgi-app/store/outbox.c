/* SQL for the mail outbox. Claiming uses SELECT ... FOR UPDATE SKIP
 * LOCKED plus a lease on next_attempt_at, so concurrent senders (two
 * cron runs overlapping, two hosts) never deliver one row twice while
 * both are alive, and nothing is lost when one of them dies. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/outbox.h"
#include "store/tx.h"

int store_outbox_enqueue(const char *to, const char *subject,
	const char *body, const char *template)
{
	return store_outbox_enqueue_reply(to, NULL, subject, body, template);
}

int store_outbox_enqueue_reply(const char *to, const char *reply_to,
	const char *subject, const char *body, const char *template)
{
	static const char sql[] =
		"INSERT INTO mail_outbox (created_at, to_addr, reply_to, subject,"
		" body, template, attempts, next_attempt_at)"
		" VALUES (UTC_TIMESTAMP(6), ?, ?, ?, ?, ?, 0, UTC_TIMESTAMP(6))";

	if (to == NULL || *to == '\0' || subject == NULL || body == NULL ||
	    template == NULL || *template == '\0' ||
	    (reply_to != NULL && *reply_to == '\0'))
		return DF_EINVAL;
	return db_exec(sql, DBP(DB_STR(to), DB_STR(reply_to), DB_STR(subject),
		DB_STR(body), DB_STR(template)), NULL, NULL);
}

int store_outbox_claim(struct arena *a, size_t max, unsigned lease_s,
	struct store_outbox_mail **out, size_t *n)
{
	static const char sql_due[] =
		"SELECT id, to_addr, subject, body, template, attempts,"
		" FLOOR(UNIX_TIMESTAMP(created_at)), reply_to"
		" FROM mail_outbox"
		" WHERE sent_at IS NULL AND next_attempt_at <= UTC_TIMESTAMP(6)"
		" ORDER BY next_attempt_at, id LIMIT ?"
		" FOR UPDATE SKIP LOCKED";
	static const char sql_lease[] =
		"UPDATE mail_outbox"
		" SET next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND"
		" WHERE id = ? AND sent_at IS NULL";
	struct store_outbox_mail *m;
	struct db_result res;
	int rc;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_query(a, sql_due, DBP(DB_INT(max)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	m = arena_calloc(a, res.nrows ? res.nrows : 1, sizeof(*m));
	if (m == NULL)
		return store_tx_end(DF_ENOMEM);
	for (size_t i = 0; i < res.nrows; i++) {
		m[i].id = db_int(&res, i, 0, 0);
		m[i].to = db_str(&res, i, 1);
		m[i].subject = db_str(&res, i, 2);
		m[i].body = db_str(&res, i, 3);
		m[i].template = db_str(&res, i, 4);
		m[i].attempts = db_int(&res, i, 5, 0);
		m[i].created_unix = db_int(&res, i, 6, 0);
		m[i].reply_to = db_str(&res, i, 7);
		rc = db_exec(sql_lease, DBP(DB_INT(lease_s), DB_INT(m[i].id)),
			NULL, NULL);
		if (rc != 0)
			break;
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	*out = m;
	*n = res.nrows;
	return 0;
}

int store_outbox_mark_sent(int64_t id)
{
	static const char sql[] =
		"UPDATE mail_outbox SET sent_at = UTC_TIMESTAMP(6), last_error = NULL"
		" WHERE id = ? AND sent_at IS NULL";
	return store_exec_one(sql, DBP(DB_INT(id)), DF_ENOTFOUND);
}

/* The length of s cut to at most max bytes without splitting a UTF-8
 * sequence. */
static size_t cut_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	/* Back off continuation bytes, then the lead byte they belong to. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

int store_outbox_mark_failed(int64_t id, const char *error,
	int64_t retry_in_s)
{
	static const char sql[] =
		"UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?,"
		" next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND"
		" WHERE id = ? AND sent_at IS NULL";
	const char *e = error != NULL ? error : "delivery failed";

	if (retry_in_s < 0)
		retry_in_s = 0;
	return store_exec_one(sql, DBP(DB_STRN(e,
		cut_utf8(e, STORE_OUTBOX_ERROR_MAX)), DB_INT(retry_in_s),
		DB_INT(id)), DF_ENOTFOUND);
}
