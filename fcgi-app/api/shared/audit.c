/* Stores: audit. */
/* Writes security events with the request's context (actor, client
 * address, request id) so handlers name only what happened. */
#include <json-c/json.h>
#include "api/api.h"
#include "store/audit.h"

int api_audit(struct request *req, const char *event, const char *subject_id,
	struct json_object *detail)
{
	const char *actor = req->auth.authenticated ? req->auth.sub : NULL;
	const char *d = detail ? json_object_to_json_string_ext(detail,
		JSON_C_TO_STRING_PLAIN) : NULL;

	return store_audit_add(event, actor, subject_id, req->remote_addr,
		req->request_id, d);
}
