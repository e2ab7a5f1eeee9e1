/* SQL for licences granted by payments: one row per plan order item (the
 * unique item key makes a repeated grant a no-op), status moved by the
 * payment fold. */
#include <string.h>
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/licenses.h"

int store_lic_grant_for_item(int64_t order_item_id, int64_t user_id,
	int plan_id, const char *billing_interval)
{
	static const char sql[] =
		"INSERT IGNORE INTO licenses (public_id, user_id, plan_id,"
		" order_item_id, status, max_activations, expires_at,"
		" created_at, updated_at)"
		" SELECT ?, ?, p.id, ?, 'active', p.max_activations,"
		" IF(? = 'year', UTC_TIMESTAMP(6) + INTERVAL 1 YEAR,"
		" UTC_TIMESTAMP(6) + INTERVAL 1 MONTH),"
		" UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)"
		" FROM plans p WHERE p.id = ?";
	char pid[37];

	if (billing_interval == NULL ||
	    (strcmp(billing_interval, "month") != 0 &&
	     strcmp(billing_interval, "year") != 0))
		return DF_EINVAL;
	if (crypto_uuid4(pid) != 0)
		return DF_EINTERNAL;
	return db_exec(sql, DBP(DB_STR(pid), DB_INT(user_id),
		DB_INT(order_item_id), DB_STR(billing_interval),
		DB_INT(plan_id)), NULL, NULL);
}

int store_lic_set_item_status(int64_t order_item_id, const char *status,
	const char *reason)
{
	static const char sql[] =
		"UPDATE licenses SET status = ?, status_reason = ?,"
		" updated_at = UTC_TIMESTAMP(6)"
		" WHERE order_item_id = ?";

	if (status == NULL || (strcmp(status, "active") != 0 &&
	    strcmp(status, "suspended") != 0 &&
	    strcmp(status, "revoked") != 0))
		return DF_EINVAL;
	return db_exec(sql, DBP(DB_STR(status), DB_STR(reason),
		DB_INT(order_item_id)), NULL, NULL);
}
