/* SQL behind license_signing_keys (see signing_keys.h). The key is read
 * as HEX() so that binary bytes never depend on the text protocol's
 * handling of BINARY columns. */
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/signing_keys.h"
#include "store/tx.h"

static int unhex32(const char *s, unsigned char out[32])
{
	size_t i;

	if (s == NULL || strlen(s) != 64)
		return DF_EDB;
	for (i = 0; i < 64; i++) {
		char c = s[i];
		int v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return DF_EDB;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

int store_sigkeys_insert(const char *kid, const unsigned char pub[32])
{
	return db_exec("INSERT INTO license_signing_keys (kid, public_key, "
		"created_at) VALUES (?, ?, UTC_TIMESTAMP(6))",
		DBP(DB_STR(kid), DB_BLOB(pub, 32)), NULL, NULL);
}

int store_sigkeys_ring(struct signed_keyring *out)
{
	struct db_result r;
	struct arena *a;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	a = arena_new(4096);
	if (a == NULL)
		return DF_ENOMEM;
	rc = db_query(a, "SELECT kid, HEX(public_key) FROM license_signing_keys "
		"WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 8",
		NULL, 0, &r);
	for (i = 0; rc == 0 && i < r.nrows && i < SIGNED_RING_MAX; i++) {
		db_str_copy(&r, i, 0, out->kid[i], sizeof(out->kid[i]));
		rc = unhex32(db_str(&r, i, 1), out->pub[i]);
		if (rc == 0)
			out->n = i + 1;
	}
	arena_free(a);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

static void map_key(const struct db_result *r, size_t row, void *out)
{
	struct store_sigkey *k = out;

	db_str_copy(r, row, 0, k->kid, sizeof(k->kid));
	if (unhex32(db_str(r, row, 1), k->pub) != 0)
		memset(k->pub, 0, sizeof(k->pub));
	db_str_copy(r, row, 2, k->created_at, sizeof(k->created_at));
	db_str_copy(r, row, 3, k->retired_at, sizeof(k->retired_at));
}

int store_sigkeys_list(struct arena *a, struct store_sigkey **out, size_t *n)
{
	return store_rows(a, "SELECT kid, HEX(public_key), created_at, "
		"retired_at FROM license_signing_keys "
		"ORDER BY created_at DESC, kid", NULL, 0,
		sizeof(struct store_sigkey), map_key, (void **)out, n);
}

int store_sigkeys_retire(const char *kid)
{
	return store_exec_one("UPDATE license_signing_keys SET retired_at = "
		"UTC_TIMESTAMP(6) WHERE kid = ? AND retired_at IS NULL",
		DBP(DB_STR(kid)), DF_ENOTFOUND);
}
