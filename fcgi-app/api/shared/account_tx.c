/* Stores: sessions, tokens, tx, users. */
/* Transaction steps the account routes (auth, me, account) share: ending
 * every session of a user and auditing how many ended, and the
 * commit-then-204 tail. Kept in one place so that logout-all, a password
 * change and a password reset cannot drift apart in what "every session
 * ends" means. */
#include <stdint.h>
#include <json-c/json.h>
#include "api/api.h"
#include "http.h"
#include "json.h"
#include "store/sessions.h"
#include "store/tokens.h"
#include "store/tx.h"
#include "store/users.h"

int api_sessions_end(int64_t user_id, int reset_links, uint64_t *revoked)
{
	/* Refresh tokens are revoked so no new access token is minted; the
	 * version bump makes api_authenticate refuse the access tokens
	 * already out, which are otherwise valid until they expire. */
	int rc = store_sessions_revoke_user(user_id, revoked);

	if (rc == 0)
		rc = store_users_bump_token_version(user_id);
	if (rc == 0 && reset_links)
		rc = store_tokens_revoke_all(user_id,
			STORE_TOKENS_PASSWORD_RESET);
	return rc;
}

int api_audit_sessions_ended(struct request *req, const char *event,
	const char *subject_id, uint64_t revoked)
{
	struct json_object *d = json_new_object(req);

	/* Without memory for the detail the event is still recorded,
	 * bare rather than with half a detail. */
	if (d != NULL &&
	    json_set_int(d, "refresh_tokens_revoked", (int64_t)revoked) != 0)
		d = NULL;
	return api_audit(req, event, subject_id, d);
}

int api_no_content(struct request *req)
{
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	http_set_status(req, 204);
	return 0;
}

int api_commit_no_content(struct request *req, int rc)
{
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	return api_no_content(req);
}
