/* SQL for licences: the minimal part payments need (a plan purchase
 * grants a licence; refunds and disputes set its status). The licence
 * issue adds keys, activations and machines. */
#ifndef DF_STORE_LICENSES_H
#define DF_STORE_LICENSES_H

#include <stdint.h>
#include "err.h"

/* Grants the licence a plan order item buys (once per item: unique key;
 * a second call changes nothing). Runs inside the caller's transaction.
 * The licence runs one billing interval from now. 0 or a df_err. */
DF_MUST_CHECK int store_lic_grant_for_item(int64_t order_item_id, int64_t user_id,
	int plan_id, const char *billing_interval);
/* active / suspended / revoked for the licence of an order item, with the
 * reason (NULL: none). 0 also when the item has no licence (nothing to
 * set); DF_EINVAL for another status. */
DF_MUST_CHECK int store_lic_set_item_status(int64_t order_item_id, const char *status,
	const char *reason);

#endif
