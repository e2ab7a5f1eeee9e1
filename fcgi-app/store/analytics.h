/* SQL for analytics events. */
#ifndef DF_STORE_ANALYTICS_H
#define DF_STORE_ANALYTICS_H

#include <stddef.h>
#include "err.h"

struct store_analytics_event {
	const char *name;
	const char *occurred_at;   /* "YYYY-MM-DD HH:MM:SS.ffffff" UTC or NULL */
	const char *session_id;    /* NULL when absent */
	const char *anonymous_id;
	const char *properties;    /* serialised JSON object or NULL */
};

/* Inserts the batch in one transaction, stamped with the server's time.
 * user_id may be NULL. 0, DF_EDBDOWN or DF_EDB; nothing is stored on
 * failure. */
DF_MUST_CHECK int store_analytics_insert(const char *user_id, const char *client_addr,
	const struct store_analytics_event *ev, size_t n);

#endif
