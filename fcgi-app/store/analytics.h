/* SQL for analytics events. */
#ifndef DF_STORE_ANALYTICS_H
#define DF_STORE_ANALYTICS_H

#include <stddef.h>
#include "err.h"

struct arena;

/* The most events a batch holds (the contract's limit). */
#define STORE_ANALYTICS_MAX_BATCH 100

struct store_analytics_event {
	const char *name;
	const char *occurred_at;   /* "YYYY-MM-DD HH:MM:SS.ffffff" UTC or NULL */
	const char *session_id;    /* NULL when absent */
	const char *anonymous_id;
	const char *properties;    /* serialised JSON object or NULL */
};

/* Inserts the batch of 1..STORE_ANALYTICS_MAX_BATCH events as one
 * multi-row INSERT (all or nothing), stamped with the server's time.
 * user_id may be NULL. 0, DF_EINVAL (n out of range), DF_ENOMEM,
 * DF_EDBDOWN or DF_EDB; nothing is stored on failure. */
DF_MUST_CHECK int store_analytics_insert(struct arena *a, const char *user_id,
	const char *client_addr, const struct store_analytics_event *ev,
	size_t n);

#endif
