/* Stores: users. */
/* The one JSON shape of a user, shared by the auth, /me and admin
 * routes, so a field added or withheld is added or withheld everywhere. */
#include <json-c/json.h>
#include "api/api.h"
#include "json.h"
#include "store/users.h"

struct json_object *api_user_json(struct request *req,
	const struct store_user *u, int admin_view)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL)
		return NULL;
	if (json_set_str(o, "id", u->public_id) ||
	    json_set_str(o, "email", u->email) ||
	    json_set_str(o, "username", u->username) ||
	    json_set_str(o, "display_name", u->display_name) ||
	    json_set_str(o, "role", store_users_role_name(u->role)) ||
	    json_set_bool(o, "email_verified", u->email_verified) ||
	    json_set_bool(o, "mfa_enabled", u->mfa_enabled) ||
	    json_set_str(o, "created_at", u->created_at) ||
	    (admin_view && (json_set_str(o, "status",
		u->active ? "active" : "suspended") ||
	     json_set_str(o, "updated_at", u->updated_at))))
		return NULL;
	return o;
}
