/* SQL for satisfaction surveys. The sender reads candidates without
 * locks, then surveys each in a transaction of its own: the ticket row
 * locked with SKIP LOCKED (a runner that holds it is surveying it, or a
 * person is changing it: the next pass takes it), the survey row
 * inserted (its primary key refuses a second), the mail queued. The
 * token leaves the process only in the mail. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/csat.h"
#include "store/outbox.h"
#include "store/tx.h"

#define CSAT_TOKEN_BYTES 32

static void sql_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The survey mail: plain text, one link. Written here rather than in
 * api/ because the job that sends it has no request. */
static const char *mail_body(struct arena *a, const char *name,
	int64_t ticket_id, const char *subject, const char *link)
{
	return arena_printf(a,
		"Hello %s,\n\n"
		"your support request #%" PRId64 " (\"%s\") was resolved.\n"
		"How did we do? Tell us in one click, good or bad:\n\n"
		"%s\n\n"
		"The link works once and for 28 days.\n\n"
		"-- Dev Forge support\n", name, ticket_id, subject, link);
}

/* Surveys one ticket in its own transaction; *sent 1 when it did. */
static int survey_one(struct arena *a, const char *public_url,
	int64_t ticket_id, time_t now, int *sent)
{
	/* The ticket row alone is locked (MariaDB has no FOR UPDATE OF:
	 * a join would lock the requester's row too). */
	static const char lock[] =
		"SELECT assignee_id, requester_id, subject FROM support_tickets"
		" WHERE id = ? AND status IN ('resolved', 'closed')"
		" AND resolved_at <= ? FOR UPDATE SKIP LOCKED";
	static const char who[] =
		"SELECT email, COALESCE(NULLIF(display_name, ''), username)"
		" FROM users WHERE id = ?";
	static const char ins[] =
		"INSERT IGNORE INTO support_csat (ticket_id, token_hash,"
		" agent_id, sent_at, expires_at) VALUES (?, ?, ?, ?, ?)";
	unsigned char raw[CSAT_TOKEN_BYTES], hash[32];
	char token[4 * ((CSAT_TOKEN_BYTES + 2) / 3) + 1];
	char now_sql[32], due_sql[32], exp_sql[32];
	struct db_result res, usr;
	uint64_t affected = 0;
	const char *link, *body, *subject;
	int rc;

	*sent = 0;
	if (crypto_random(raw, sizeof(raw)) != 0)
		return DF_EINTERNAL;
	crypto_b64url_encode(raw, sizeof(raw), token);
	crypto_sha256(token, strlen(token), hash);
	sql_time(now, now_sql);
	sql_time(now - STORE_CSAT_DELAY_S, due_sql);
	sql_time(now + STORE_CSAT_TTL_S, exp_sql);
	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = db_query(a, lock, DBP(DB_INT(ticket_id), DB_STR(due_sql)), &res);
	if (rc != 0 || res.nrows == 0)
		return store_tx_end(rc);
	rc = db_exec(ins, DBP(DB_INT(ticket_id), DB_BLOB(hash, sizeof(hash)),
		db_is_null(&res, 0, 0) ? DB_NULL() :
		DB_INT(db_int(&res, 0, 0, 0)), DB_STR(now_sql),
		DB_STR(exp_sql)), &affected, NULL);
	if (rc != 0 || affected == 0)
		return store_tx_end(rc);
	rc = store_one(a, who, DBP(DB_INT(db_int(&res, 0, 1, 0))), &usr);
	if (rc != 0)
		return store_tx_end(rc);
	link = arena_printf(a, "%s/support/csat?ticket=%" PRId64 "&token=%s",
		public_url, ticket_id, token);
	subject = arena_printf(a, "How did we do? Request #%" PRId64,
		ticket_id);
	body = link == NULL || subject == NULL ? NULL :
		mail_body(a, db_str(&usr, 0, 1), ticket_id, db_str(&res, 0, 2),
		link);
	rc = body == NULL ? DF_ENOMEM : store_outbox_enqueue(
		db_str(&usr, 0, 0), subject, body, "support_csat");
	rc = store_tx_end(rc);
	if (rc == 0)
		*sent = 1;
	return rc;
}

int store_csat_send_batch(struct arena *a, const char *public_url,
	time_t now, size_t max, size_t *n)
{
	static const char due[] =
		"SELECT t.id FROM support_tickets t"
		" LEFT JOIN support_csat c ON c.ticket_id = t.id"
		" WHERE t.status IN ('resolved', 'closed')"
		" AND t.resolved_at <= ? AND t.resolved_at > ?"
		" AND c.ticket_id IS NULL"
		" ORDER BY t.resolved_at, t.id LIMIT ?";
	struct db_result res;
	char due_sql[32], old_sql[32];
	int rc;

	*n = 0;
	if (max == 0)
		return 0;
	sql_time(now - STORE_CSAT_DELAY_S, due_sql);
	/* A ticket resolved longer ago than a survey lives is not asked
	 * about (nor, on the day this job first runs, the whole history). */
	sql_time(now - STORE_CSAT_TTL_S, old_sql);
	rc = db_query(a, due, DBP(DB_STR(due_sql), DB_STR(old_sql),
		DB_INT(max)), &res);
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		int sent;

		rc = survey_one(a, public_url, db_int(&res, i, 0, 0), now,
			&sent);
		if (rc == 0)
			*n += (size_t)sent;
	}
	return rc;
}

int store_csat_answer(struct arena *a, int64_t ticket_id, const char *token,
	const char *rating, const char *reason, time_t now,
	enum store_csat_gone *why)
{
	static const char answer[] =
		"UPDATE support_csat SET rating = ?, reason = ?, answered_at = ?"
		" WHERE ticket_id = ? AND token_hash = ?"
		" AND answered_at IS NULL AND expires_at > ?";
	static const char exists[] =
		"SELECT answered_at IS NOT NULL FROM support_csat"
		" WHERE ticket_id = ? AND token_hash = ?";
	unsigned char hash[32];
	struct db_result res;
	char now_sql[32];
	int rc;

	crypto_sha256(token, strlen(token), hash);
	sql_time(now, now_sql);
	rc = store_exec_one(answer, DBP(DB_STR(rating), DB_STR(reason),
		DB_STR(now_sql), DB_INT(ticket_id), DB_BLOB(hash, sizeof(hash)),
		DB_STR(now_sql)), DF_ENOTFOUND);
	if (rc != DF_ENOTFOUND)
		return rc;
	/* Nothing changed: a token of this ticket that was used or has
	 * expired is gone; anything else was never a survey link. The
	 * UPDATE decided; this read only says why, for the customer: an
	 * answer is never taken back, so a row still unanswered now was
	 * expired when the UPDATE refused it. */
	rc = db_query(a, exists, DBP(DB_INT(ticket_id),
		DB_BLOB(hash, sizeof(hash))), &res);
	if (rc != 0)
		return rc;
	if (res.nrows == 0)
		return DF_ENOTFOUND;
	*why = db_int(&res, 0, 0, 0) != 0 ? STORE_CSAT_ANSWERED :
		STORE_CSAT_EXPIRED;
	return DF_ECONFLICT;
}
