/* SQL for the single-use tokens of user_tokens. A presented token is
 * decoded (exactly 43 base64url characters, 32 bytes) and looked up by
 * the SHA-256 of its bytes through the unique index, so the lookup does
 * not compare secrets character by character. */
#include <string.h>
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "store/tokens.h"
#include "store/tx.h"
#include "store/users.h"

static const char *purpose_name(enum store_tokens_purpose p)
{
	return p == STORE_TOKENS_EMAIL_VERIFY ? "email_verify" : "password_reset";
}

int store_tokens_create(int64_t user_id, enum store_tokens_purpose purpose,
	unsigned ttl_s, char token[STORE_TOKENS_CHARS + 1])
{
	static const char sql[] =
		"INSERT INTO user_tokens (user_id, purpose, token_hash, created_at,"
		" expires_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) + INTERVAL ? SECOND)";
	unsigned char raw[STORE_TOKENS_BYTES], hash[CRYPTO_SHA256_LEN];
	int rc;

	if (crypto_random(raw, sizeof(raw)) != 0)
		return DF_EINTERNAL;
	crypto_sha256(raw, sizeof(raw), hash);
	crypto_b64url_encode(raw, sizeof(raw), token);
	crypto_wipe(raw, sizeof(raw));
	rc = db_exec(sql, DBP(DB_INT(user_id), DB_STR(purpose_name(purpose)),
		DB_BLOB(hash, sizeof(hash)), DB_INT(ttl_s)), NULL, NULL);
	if (rc != 0)
		crypto_wipe(token, STORE_TOKENS_CHARS + 1);
	return rc;
}

/* The SHA-256 of a well-formed token's bytes. 0 or DF_ENOTFOUND. */
static int token_hash(const char *token, unsigned char hash[CRYPTO_SHA256_LEN])
{
	unsigned char raw[STORE_TOKENS_BYTES + 3];

	if (token == NULL || strlen(token) != STORE_TOKENS_CHARS ||
	    crypto_b64url_decode(token, STORE_TOKENS_CHARS, raw) !=
	    STORE_TOKENS_BYTES)
		return DF_ENOTFOUND;
	crypto_sha256(raw, STORE_TOKENS_BYTES, hash);
	crypto_wipe(raw, sizeof(raw));
	return 0;
}

int store_tokens_peek(struct arena *a, enum store_tokens_purpose purpose,
	const char *token, struct store_user *out)
{
	static const char sql[] = "SELECT " STORE_USERS_COLUMNS
		" FROM user_tokens t JOIN users u ON u.id = t.user_id"
		" WHERE t.token_hash = ? AND t.purpose = ? AND t.used_at IS NULL"
		" AND t.expires_at > UTC_TIMESTAMP(6)";
	unsigned char hash[CRYPTO_SHA256_LEN];

	if (token_hash(token, hash) != 0)
		return DF_ENOTFOUND;
	return store_users_read(a, sql, DBP(DB_BLOB(hash, sizeof(hash)),
		DB_STR(purpose_name(purpose))), out);
}

int store_tokens_consume(struct arena *a, enum store_tokens_purpose purpose,
	const char *token, struct store_user *out)
{
	static const char sql_spend[] =
		"UPDATE user_tokens SET used_at = UTC_TIMESTAMP(6)"
		" WHERE token_hash = ? AND purpose = ? AND used_at IS NULL"
		" AND expires_at > UTC_TIMESTAMP(6)";
	static const char sql_user[] = "SELECT " STORE_USERS_COLUMNS
		" FROM user_tokens t JOIN users u ON u.id = t.user_id"
		" WHERE t.token_hash = ?";
	unsigned char hash[CRYPTO_SHA256_LEN];
	int rc;

	if (token_hash(token, hash) != 0)
		return DF_ENOTFOUND;
	rc = store_exec_one(sql_spend, DBP(DB_BLOB(hash, sizeof(hash)),
		DB_STR(purpose_name(purpose))), DF_ENOTFOUND);
	if (rc != 0)
		return rc;
	return store_users_read(a, sql_user, DBP(DB_BLOB(hash, sizeof(hash))),
		out);
}

int store_tokens_revoke_all(int64_t user_id, enum store_tokens_purpose purpose)
{
	static const char sql[] =
		"UPDATE user_tokens SET used_at = UTC_TIMESTAMP(6)"
		" WHERE user_id = ? AND purpose = ? AND used_at IS NULL"
		" AND expires_at > UTC_TIMESTAMP(6)";

	return db_exec(sql, DBP(DB_INT(user_id), DB_STR(purpose_name(purpose))),
		NULL, NULL);
}

int store_tokens_recent(struct arena *a, int64_t user_id,
	enum store_tokens_purpose purpose, unsigned window_s, int64_t *count)
{
	static const char sql[] =
		"SELECT COUNT(*) FROM user_tokens WHERE user_id = ? AND purpose = ?"
		" AND created_at > UTC_TIMESTAMP(6) - INTERVAL ? SECOND";
	struct db_result res;
	int rc;

	rc = db_query(a, sql, DBP(DB_INT(user_id), DB_STR(purpose_name(purpose)),
		DB_INT(window_s)), &res);
	if (rc == 0)
		*count = db_int(&res, 0, 0, 0);
	return rc;
}
