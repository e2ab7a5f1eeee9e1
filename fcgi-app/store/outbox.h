/* SQL for the transactional mail outbox: handlers queue a message in the
 * same transaction as the event it reports (a reset token, a new
 * account), and `devforgectl mail-send` claims due rows, delivers them
 * and records the outcome. Unsent mail is never deleted. */
#ifndef DF_STORE_OUTBOX_H
#define DF_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

/* Longest last_error kept (the column holds 512 characters). */
#define STORE_OUTBOX_ERROR_MAX 500

struct store_outbox_mail {
	int64_t id;
	const char *to;            /* one address, checked when queued */
	const char *reply_to;      /* Reply-To address, NULL when none */
	const char *subject;       /* UTF-8 */
	const char *body;          /* UTF-8 plain text */
	const char *template;      /* what kind of mail ("email_verify") */
	int64_t attempts;          /* failed deliveries so far */
	int64_t created_unix;      /* seconds: the message's Date */
};

/* Queues one message, due at once. Runs inside the caller's transaction
 * when there is one, so the mail exists exactly when the event that
 * sends it committed. 0, DF_EINVAL (an argument NULL or empty), or a
 * database error. */
DF_MUST_CHECK int store_outbox_enqueue(const char *to, const char *subject,
	const char *body, const char *template);

/* The same with a Reply-To address (ticket mail: a signed address that
 * routes the answer back to its ticket); reply_to NULL is
 * store_outbox_enqueue. */
DF_MUST_CHECK int store_outbox_enqueue_reply(const char *to,
	const char *reply_to, const char *subject, const char *body,
	const char *template);

/* Claims up to max due messages (unsent, next_attempt_at reached) in
 * their own transaction: each one's next_attempt_at moves lease_s
 * seconds ahead, so a second sender running at the same time skips
 * them, and a sender that dies before recording an outcome leaves them
 * due again once the lease ends. *out (arena) gets *n messages, oldest
 * due first. Must not be called inside a transaction. */
DF_MUST_CHECK int store_outbox_claim(struct arena *a, size_t max, unsigned lease_s,
	struct store_outbox_mail **out, size_t *n);

/* Delivered: sent_at = now. DF_ENOTFOUND when the row is gone or was
 * already marked sent. */
DF_MUST_CHECK int store_outbox_mark_sent(int64_t id);

/* Delivery failed: attempts + 1, last_error (cut to
 * STORE_OUTBOX_ERROR_MAX bytes at a character boundary), and the next
 * attempt retry_in_s seconds from now. The row stays unsent. */
DF_MUST_CHECK int store_outbox_mark_failed(int64_t id, const char *error,
	int64_t retry_in_s);

#endif
