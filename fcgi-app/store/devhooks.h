/* SQL for developers' webhooks: their endpoints (the API routes), and
 * the sender's work (devforgectl webhooks-send): fanning the events
 * payments writes out to endpoints, claiming due deliveries under a
 * lease, and recording each attempt. The sender's functions take its
 * clock ("YYYY-MM-DD HH:MM:SS" UTC) as a parameter, so a test can run
 * days of retries in seconds. */
#ifndef DF_STORE_DEVHOOKS_H
#define DF_STORE_DEVHOOKS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

#define STORE_DEVHOOKS_MAX_ENDPOINTS 10     /* per developer */
#define STORE_DEVHOOKS_ERROR_MAX 250        /* an attempt's error kept */

struct store_devhooks_endpoint {
	int64_t id;                  /* row id, never shown */
	char public_id[37];
	const char *url;
	const char *events;          /* space-separated types, or "*" */
	const char *status;          /* "active", "disabled" */
	const char *created_at;      /* RFC 3339 UTC */
	const char *disabled_at;     /* NULL unless disabled */
	const char *failing_since;   /* NULL unless failing */
};

/* Creates an endpoint for the user with row id user_id, inside one
 * transaction that locks the user row so two creations at once cannot
 * pass the limit together. DF_ECONFLICT when the user has
 * STORE_DEVHOOKS_MAX_ENDPOINTS (not deleted) already. */
DF_MUST_CHECK int store_devhooks_create(struct arena *a, int64_t user_id,
	const char *url, const char *events, const char *secret,
	struct store_devhooks_endpoint *out);

/* The user's endpoints (not deleted), oldest first (at most
 * STORE_DEVHOOKS_MAX_ENDPOINTS). */
DF_MUST_CHECK int store_devhooks_list(struct arena *a, int64_t user_id,
	struct store_devhooks_endpoint **out, size_t *n);

/* One of the user's endpoints by public id. DF_ENOTFOUND when there is
 * none, it is deleted, or it is another user's. */
DF_MUST_CHECK int store_devhooks_get(struct arena *a, int64_t user_id,
	const char *pid, struct store_devhooks_endpoint *out);

/* Deletes (marks deleted) one of the user's endpoints; its pending
 * deliveries are given up (failed) in the same transaction, so nothing
 * more is sent to it. DF_ENOTFOUND as for get. */
DF_MUST_CHECK int store_devhooks_delete(int64_t user_id, const char *pid);

/* Re-enables one of the user's endpoints and clears its failure state
 * (failing_since, disabled_at); its pending deliveries are due at once
 * and start a new series of tries. DF_ENOTFOUND as for get. */
DF_MUST_CHECK int store_devhooks_enable(struct arena *a, int64_t user_id,
	const char *pid, struct store_devhooks_endpoint *out);

struct store_devhooks_attempt {
	const char *at;              /* RFC 3339 UTC, with milliseconds */
	int status_code;             /* 0: no answer */
	const char *error;           /* NULL when none */
	int64_t duration_ms;
};

struct store_devhooks_delivery {
	int64_t id;                  /* row id: the list cursor */
	char public_id[37];
	const char *event_id;        /* evt_... */
	const char *event_type;
	const char *status;          /* pending, succeeded, failed */
	const char *next_attempt_at; /* NULL unless pending */
	const char *created_at;
	struct store_devhooks_attempt *attempts; /* oldest first */
	size_t nattempts;
};

/* The endpoint's deliveries, newest first, with row id below before_id
 * (0: from the newest), at most limit + 1 of them, each with its
 * attempts. */
DF_MUST_CHECK int store_devhooks_deliveries(struct arena *a, int64_t endpoint_id,
	int64_t before_id, int64_t limit, struct store_devhooks_delivery **out,
	size_t *n);

/* Makes a delivery of the endpoint pending and due now, whatever its
 * status, as a new series of tries. DF_ENOTFOUND when the delivery is
 * not the endpoint's, DF_ECONFLICT when the endpoint is disabled. */
DF_MUST_CHECK int store_devhooks_redeliver(struct arena *a,
	const struct store_devhooks_endpoint *ep, const char *delivery_pid);

/* --- the sender ---------------------------------------------------- */

/* Fans out up to max events not yet fanned out, oldest first: one
 * pending delivery, due at now, for each active endpoint of the event's
 * developer subscribed to its type (the unique (endpoint, event) key
 * makes a repeat harmless), and marks the events fanned out, in one
 * transaction that skips events another sender holds. *events and
 * *deliveries count what was done. */
DF_MUST_CHECK int store_devhooks_fan_out(const char *now, size_t max,
	size_t *events, size_t *deliveries);

struct store_devhooks_job {
	int64_t delivery_id;
	char delivery_pid[37];
	int64_t attempts;            /* tries in the current series so far */
	int64_t series_started;      /* unix seconds; 0: not started */
	int64_t endpoint_id;
	const char *url;
	const char *secret;
	const char *event_id;        /* evt_... */
	const char *payload;         /* the JSON body, as payments wrote it */
};

/* Claims up to max due deliveries (pending, next_attempt_at <= now, on
 * an active endpoint) in their own transaction, moving each one's
 * next_attempt_at lease_s past now: a second sender skips them, and a
 * sender that dies leaves them due again after the lease. */
DF_MUST_CHECK int store_devhooks_claim(struct arena *a, const char *now, size_t max,
	unsigned lease_s, struct store_devhooks_job **out, size_t *n);

/* Called inside store_devhooks_record's transaction when the endpoint
 * was just disabled, with its owner's address and the endpoint's URL:
 * the notice (store/outbox.h) commits with the change or not at all. */
typedef int (*store_devhooks_disabled_fn)(void *ctx, const char *email,
	const char *username, const char *url);

struct store_devhooks_outcome {
	int status_code;             /* 0: no HTTP answer */
	const char *error;           /* NULL on success */
	int64_t duration_ms;
	int succeeded;
	/* On failure: "pending" with the next try retry_at, or "failed". */
	const char *status;
	const char *retry_at;        /* NULL unless pending */
	int64_t disable_after_s;     /* failing this long disables the
	                                endpoint */
};

/* Records one attempt of a claimed delivery at now: the attempt row, the
 * delivery's new state, and the endpoint's failure state (cleared on a
 * success; on a failure failing_since set when unset, and the endpoint
 * disabled, calling on_disabled, once it is o->disable_after_s old).
 * *disabled is 1 when this call disabled it. One transaction. */
DF_MUST_CHECK int store_devhooks_record(struct arena *a, const struct store_devhooks_job *j,
	const char *now, const struct store_devhooks_outcome *o,
	store_devhooks_disabled_fn on_disabled, void *ctx, int *disabled);

/* Writes one event for user_id's endpoints into the durable outbox
 * (webhook_events), in the caller's transaction; webhooks-send fans it
 * out. The body delivered is {"id": "evt_<32 hex>", "type", "created"
 * (now, RFC 3339), "data"}, the one shape of every event. data is a
 * json-c object this takes over (freed here, whatever happens). */
struct json_object;
DF_MUST_CHECK int store_devhooks_emit(struct arena *a, int64_t user_id,
	const char *type, struct json_object *data, time_t now);

#endif
