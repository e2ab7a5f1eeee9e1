/* SQL for satisfaction surveys (CSAT): one per ticket, mailed 24 hours
 * after it was resolved by `devforgectl jobs run` (job csat-send), with
 * a random single-use token kept only as its SHA-256, valid 28 days;
 * answered once, good or bad (a reason when bad). */
#ifndef DF_STORE_CSAT_H
#define DF_STORE_CSAT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

#define STORE_CSAT_DELAY_S (24 * 3600)       /* after resolved_at */
#define STORE_CSAT_TTL_S (28 * 24 * 3600)    /* after sent_at */

/* The job: up to max tickets resolved at least STORE_CSAT_DELAY_S before
 * now (and less than STORE_CSAT_TTL_S: older ones are not asked about),
 * still resolved or closed, without a survey, each get one (agent
 * = the assignee) and a mail to the requester, through the outbox in the
 * same transaction, with the link
 * {public_url}/support/csat?ticket=<id>&token=<token>. The survey row's
 * primary key decides: a ticket another runner is surveying at the same
 * time is skipped, so two runs at once send one survey. *n surveys sent.
 * Must not be called inside a transaction. */
DF_MUST_CHECK int store_csat_send_batch(struct arena *a,
	const char *public_url, time_t now, size_t max, size_t *n);

/* Why a survey refused an answer (DF_ECONFLICT), for the customer. */
enum store_csat_gone {
	STORE_CSAT_ANSWERED = 1, /* answered already (expired or not) */
	STORE_CSAT_EXPIRED       /* never answered, past expires_at */
};

/* Records the answer to ticket_id's survey for the holder of token: one
 * UPDATE that requires the token's hash, no earlier answer and
 * expires_at > now decides, so two answers at once record one.
 * rating "good" or "bad", reason may be NULL. 0; DF_ENOTFOUND (no survey
 * with that token for the ticket); DF_ECONFLICT (gone: *why says whether
 * it was answered already or has expired). */
DF_MUST_CHECK int store_csat_answer(struct arena *a, int64_t ticket_id,
	const char *token, const char *rating, const char *reason, time_t now,
	enum store_csat_gone *why);

#endif
