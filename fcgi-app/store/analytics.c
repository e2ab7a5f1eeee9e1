/* SQL for analytics events: a batch goes in as one transaction so a
 * client that retries after an error never leaves half a batch behind. */
#include <string.h>
#include "db.h"
#include "err.h"
#include "store/analytics.h"
#include "store/tx.h"

int store_analytics_insert(const char *user_id, const char *client_addr,
	const struct store_analytics_event *ev, size_t n)
{
	static const char sql[] =
		"INSERT INTO analytics_events (name, occurred_at, received_at,"
		" user_id, session_id, anonymous_id, client_addr, properties)"
		" VALUES (?, ?, UTC_TIMESTAMP(6), ?, ?, ?, ?, ?)";
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		rc = db_exec(sql, DBP(DB_STR(ev[i].name),
			DB_STR(ev[i].occurred_at), DB_STR(user_id),
			DB_STR(ev[i].session_id), DB_STR(ev[i].anonymous_id),
			DB_STR(client_addr), DB_STR(ev[i].properties)),
			NULL, NULL);
		if (rc != 0)
			break;
	}
	return store_tx_end(rc);
}
