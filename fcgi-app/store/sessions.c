/* SQL for refresh tokens. The token itself never reaches the database:
 * rows hold its SHA-256, so a copy of the table opens no session. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/sessions.h"
#include "store/tx.h"

int store_sessions_token_ok(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];
		if (i >= STORE_SESSIONS_TOKEN_LEN ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return i == STORE_SESSIONS_TOKEN_LEN;
}

int store_sessions_issue(int64_t user_id, const char *family,
	unsigned ttl_s, const char *client_addr, const char *user_agent,
	char token_out[STORE_SESSIONS_TOKEN_LEN + 1],
	char family_out[STORE_SESSIONS_FAMILY_LEN + 1])
{
	static const char sql[] =
		"INSERT INTO refresh_tokens (user_id, family_id, token_hash,"
		" created_at, expires_at, client_addr, user_agent)"
		" VALUES (?, ?, ?, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) + INTERVAL ? SECOND, ?, ?)";
	unsigned char raw[STORE_SESSIONS_TOKEN_BYTES], hash[CRYPTO_SHA256_LEN];
	unsigned char fam_raw[STORE_SESSIONS_FAMILY_LEN / 2];
	char fam[STORE_SESSIONS_FAMILY_LEN + 1];
	char tok[STORE_SESSIONS_TOKEN_LEN + 2];
	int rc;

	if (family == NULL) {
		if (crypto_random(fam_raw, sizeof(fam_raw)) != 0)
			return DF_EINTERNAL;
		crypto_hex(fam_raw, sizeof(fam_raw), fam);
	} else {
		if (strlen(family) != STORE_SESSIONS_FAMILY_LEN)
			return DF_EINVAL;
		memcpy(fam, family, sizeof(fam));
	}
	if (crypto_random(raw, sizeof(raw)) != 0)
		return DF_EINTERNAL;
	if (crypto_b64url_encode(raw, sizeof(raw), tok) !=
	    STORE_SESSIONS_TOKEN_LEN) {
		crypto_wipe(raw, sizeof(raw));
		return DF_EINTERNAL;
	}
	crypto_sha256(tok, STORE_SESSIONS_TOKEN_LEN, hash);
	crypto_wipe(raw, sizeof(raw));
	rc = db_exec(sql, DBP(DB_INT(user_id), DB_STR(fam),
		DB_BLOB(hash, sizeof(hash)), DB_INT(ttl_s), DB_STR(client_addr),
		DB_STR(user_agent)), NULL, NULL);
	if (rc != 0) {
		crypto_wipe(tok, sizeof(tok));
		return rc;
	}
	memcpy(token_out, tok, STORE_SESSIONS_TOKEN_LEN + 1);
	crypto_wipe(tok, sizeof(tok));
	if (family_out != NULL)
		memcpy(family_out, fam, sizeof(fam));
	return 0;
}

int store_sessions_find(struct arena *a, const char *token, int for_update,
	struct store_refresh *out)
{
	/* Two texts rather than one built at run time: statements are
	 * cached by their SQL pointer. */
#define FIND_COLUMNS \
	"SELECT id, user_id, family_id, used_at IS NOT NULL," \
	" revoked_at IS NOT NULL, expires_at <= UTC_TIMESTAMP(6)" \
	" FROM refresh_tokens WHERE token_hash = ?"
	static const char sql[] = FIND_COLUMNS;
	static const char sql_lock[] = FIND_COLUMNS " FOR UPDATE";
#undef FIND_COLUMNS
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct db_result res;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!store_sessions_token_ok(token))
		return DF_ENOTFOUND;
	crypto_sha256(token, STORE_SESSIONS_TOKEN_LEN, hash);
	rc = store_one(a, for_update ? sql_lock : sql,
		DBP(DB_BLOB(hash, sizeof(hash))), &res);
	if (rc != 0)
		return rc;
	out->id = db_int(&res, 0, 0, 0);
	out->user_id = db_int(&res, 0, 1, 0);
	db_str_copy(&res, 0, 2, out->family, sizeof(out->family));
	/* A revoked family outranks a spent token: reuse of a token whose
	 * family has already ended needs no second revocation. */
	if (db_int(&res, 0, 4, 1))
		out->state = STORE_SESSIONS_REFRESH_REVOKED;
	else if (db_int(&res, 0, 3, 1))
		out->state = STORE_SESSIONS_REFRESH_SPENT;
	else if (db_int(&res, 0, 5, 1))
		out->state = STORE_SESSIONS_REFRESH_EXPIRED;
	else
		out->state = STORE_SESSIONS_REFRESH_LIVE;
	return 0;
}

int store_sessions_mark_spent(int64_t id)
{
	static const char sql[] =
		"UPDATE refresh_tokens SET used_at = UTC_TIMESTAMP(6)"
		" WHERE id = ? AND used_at IS NULL";
	return store_exec_one(sql, DBP(DB_INT(id)), DF_ECONFLICT);
}

int store_sessions_revoke_family(const char *family, uint64_t *n)
{
	static const char sql[] =
		"UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(6)"
		" WHERE family_id = ? AND revoked_at IS NULL";

	return db_exec(sql, DBP(DB_STR(family)), n, NULL);
}

int store_sessions_revoke_user(int64_t user_id, uint64_t *n)
{
	static const char sql[] =
		"UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(6)"
		" WHERE user_id = ? AND revoked_at IS NULL";

	return db_exec(sql, DBP(DB_INT(user_id)), n, NULL);
}
