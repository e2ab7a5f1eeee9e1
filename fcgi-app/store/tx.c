/* Transactions for the api layer: thin calls through to core/db so that
 * only store/ touches the connection. */
#include "db.h"
#include "store/tx.h"

int store_tx_begin(void)
{
	return db_begin();
}

int store_tx_commit(void)
{
	int rc = db_commit();

	if (rc != 0)
		db_rollback();
	return rc;
}

int store_tx_rollback(void)
{
	return db_rollback();
}

int store_tx_end(int rc)
{
	if (rc != 0) {
		db_rollback();
		return rc;
	}
	return store_tx_commit();
}
