/* SQL for analytics events: a batch goes in as one multi-row INSERT, so
 * a client that retries after an error never leaves half a batch behind
 * and a batch of 100 costs one round trip, not 100. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/analytics.h"

#define COLS 7   /* bound values per row */
#define INSERT_HEAD \
	"INSERT INTO analytics_events (name, occurred_at, received_at," \
	" user_id, session_id, anonymous_id, client_addr, properties) VALUES "
#define INSERT_ROW "(?, ?, UTC_TIMESTAMP(6), ?, ?, ?, ?, ?)"

/* The statement text for a batch of n rows. The texts live for the
 * process: the database layer caches prepared statements by the text's
 * address. Built on first use (a worker handles one request at a time). */
static const char *insert_sql(size_t n)
{
	static char *texts[STORE_ANALYTICS_MAX_BATCH + 1];
	size_t len;
	char *s, *p;

	if (n == 0 || n > STORE_ANALYTICS_MAX_BATCH)
		return NULL;
	if (texts[n] != NULL)
		return texts[n];
	len = sizeof(INSERT_HEAD) + n * (sizeof(INSERT_ROW) + 2);
	s = malloc(len);
	if (s == NULL)
		return NULL;
	p = s + snprintf(s, len, "%s", INSERT_HEAD);
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, len - (size_t)(p - s), "%s%s", i > 0 ? ", " : "",
			INSERT_ROW);
	texts[n] = s;
	return s;
}

int store_analytics_insert(struct arena *a, const char *user_id,
	const char *client_addr, const struct store_analytics_event *ev,
	size_t n)
{
	const char *sql = insert_sql(n);
	struct db_param *p;

	if (n == 0 || n > STORE_ANALYTICS_MAX_BATCH)
		return DF_EINVAL;
	p = arena_alloc(a, n * COLS * sizeof(*p));
	if (sql == NULL || p == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct db_param *r = p + i * COLS;

		r[0] = DB_STR(ev[i].name);
		r[1] = DB_STR(ev[i].occurred_at);
		r[2] = DB_STR(user_id);
		r[3] = DB_STR(ev[i].session_id);
		r[4] = DB_STR(ev[i].anonymous_id);
		r[5] = DB_STR(client_addr);
		r[6] = DB_STR(ev[i].properties);
	}
	return db_exec(sql, p, n * COLS, NULL, NULL);
}
