/* Stores: none. */
/* The one JSON shape of money, {"amount": <minor units>, "currency":
 * "USD"}, shared by plans, orders, refunds, earnings and payouts. */
#include <json-c/json.h>
#include "api/api.h"
#include "json.h"

struct json_object *api_money_json(struct request *req, int64_t amount,
	const char *currency)
{
	struct json_object *m = json_new_object(req);

	if (m == NULL || json_set_int(m, "amount", amount) ||
	    json_set_str(m, "currency", currency))
		return NULL;
	return m;
}
