/* Licences as admins and owners handle them, through the front server:
 * an admin grants (a signed key the public key verifies), revokes and
 * renews (a new key), all audited, bad input refused with nothing
 * changed; an owner lists and reads their licences (another's is 404)
 * and frees a lost machine's seat; a plan bought through the API and the
 * Stripe stand-in grants a licence with a key; and an extension included
 * with a plan feature is downloadable through a licence, an expired one
 * under perpetual fallback keeping only the versions published before
 * its expiry, under restrict nothing. SQL only reads, except to date
 * versions and licences into the past and to put a machine on a licence
 * (activation is another module's route). */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "market.h"
#include "stripe_kit.h"

#define ADMIN_LIC "/api/v1/admin/licenses"
#define LICS "/api/v1/licenses"

MARKET_SUITE(license_admin);

__attribute__((format(printf, 1, 2)))
static long num(const char *fmt, ...)
{
	char sql[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return client_sql_long(sql);
}

static long licences_of(const char *user_pid)
{
	return num("SELECT COUNT(*) FROM licenses l JOIN users u ON"
		" u.id = l.user_id WHERE u.public_id = '%s'", user_pid);
}

/* --- keys, verified here with OpenSSL and the stored public key -------- */

/* base64url without padding into out; the length, or -1. */
static long b64url_decode(const char *s, size_t n, unsigned char *out,
	size_t cap)
{
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ?
			c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 :
			c == '-' ? 62 : c == '_' ? 63 : -1;

		if (v < 0)
			return -1;
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/* Verifies key (license/ domain) with the public key of its kid as the
 * database holds it; returns the payload (put it when done). */
static struct json_object *verify_key(const char *key)
{
	const char *dot;
	unsigned char payload[4096], sig[128], pub[32];
	struct json_object *p;
	char msg[8192], *hex;
	long plen, slen;
	EVP_PKEY *pk;
	EVP_MD_CTX *md;
	int ok;

	cr_assert_not_null(key, "no key");
	dot = strchr(key, '.');
	cr_assert_not_null(dot, "not a key: %s", key);
	plen = b64url_decode(key, (size_t)(dot - key), payload,
		sizeof(payload) - 1);
	slen = b64url_decode(dot + 1, strlen(dot + 1), sig, sizeof(sig));
	cr_assert(plen > 0 && slen == 64, "%s", key);
	payload[plen] = '\0';
	p = json_tokener_parse((const char *)payload);
	cr_assert_not_null(p, "%s", payload);
	hex = client_sqlf("SELECT HEX(public_key) FROM license_signing_keys"
		" WHERE kid = '%s'", client_json_str(p, "kid"));
	cr_assert(hex != NULL && strlen(hex) == 64, "no public key for %s",
		(const char *)payload);
	for (int i = 0; i < 32; i++) {
		unsigned b;

		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &b), 1);
		pub[i] = (unsigned char)b;
	}
	free(hex);
	snprintf(msg, sizeof(msg), "license/%.*s", (int)(dot - key), key);
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	md = EVP_MD_CTX_new();
	cr_assert(pk != NULL && md != NULL);
	ok = EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1 &&
		EVP_DigestVerify(md, sig, 64, (const unsigned char *)msg,
		strlen(msg)) == 1;
	/* The same signature in another domain must not verify. */
	snprintf(msg, sizeof(msg), "machine/%.*s", (int)(dot - key), key);
	cr_assert(EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1);
	cr_assert_neq(EVP_DigestVerify(md, sig, 64, (const unsigned char *)msg,
		strlen(msg)), 1, "a license signature verified as machine/");
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	cr_assert(ok, "the key does not verify: %s", key);
	return p;
}

/* The stored hash and kid are the key's. */
static void assert_key_stored(const char *lid, const char *key,
	const char *kid)
{
	unsigned char h[32];
	char hex[65];

	SHA256((const unsigned char *)key, strlen(key), h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02X", h[i]);
	cr_assert_eq(num("SELECT COUNT(*) FROM licenses WHERE public_id = '%s'"
		" AND HEX(key_hash) = '%s' AND key_id = '%s' AND license_key ="
		" '%s'", lid, hex, kid, key), 1);
}

/* --- granting ----------------------------------------------------------- */

/* An RFC 3339 time t seconds from now. */
static const char *at(long t, char *buf, size_t len)
{
	time_t when = time(NULL) + t;
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static long unix_of(const char *rfc3339)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	cr_assert_not_null(strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ", &tm),
		"%s", rfc3339);
	return (long)timegm(&tm);
}

/* Grants plan to user_pid as the cast's admin (201 asserted); the answer
 * (put it when done). extra: more JSON members or "". */
static struct json_object *grant(const char *user_pid, const char *plan,
	const char *extra)
{
	struct client_resp r;
	struct json_object *o;
	char body[512];

	snprintf(body, sizeof(body), "{\"user_id\": \"%s\", \"plan\": \"%s\"%s}",
		user_pid, plan, extra);
	market_req("POST", ADMIN_LIC, cast.admin, body, &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	return o;
}

Test(license_admin, an_admin_grant_answers_a_licence_whose_key_verifies)
{
	struct json_object *o, *p, *f;
	const char *lid, *key;
	char exp[32], extra[128];

	snprintf(extra, sizeof(extra), ", \"expires_at\": \"%s\","
		" \"max_activations\": 3", at(86400 * 30, exp, sizeof(exp)));
	o = grant(cast.user_pid, "pro", extra);
	lid = client_json_str(o, "id");
	key = client_json_str(o, "key");
	cr_assert(lid != NULL && key != NULL, "%s", json_object_to_json_string(o));
	cr_assert_str_eq(client_json_str(o, "plan"), "pro");
	cr_assert_str_eq(client_json_str(o, "status"), "active");
	cr_assert_str_eq(client_json_str(o, "state"), "active");
	cr_assert_eq(market_json_int(o, "max_activations"), 3);
	cr_assert_eq(market_json_int(o, "activations"), 0);
	cr_assert_str_eq(client_json_str(o, "expires_at"), exp);
	cr_assert_str_eq(client_json_str(o, "user_id"), cast.user_pid);

	p = verify_key(key);
	cr_assert_str_eq(client_json_str(p, "lid"), lid);
	cr_assert_str_eq(client_json_str(p, "plan"), "pro");
	cr_assert_eq(market_json_int(p, "seats"), 3);
	cr_assert_eq(market_json_int(p, "exp"), unix_of(exp));
	cr_assert(market_json_int(p, "iat") >= (long)time(NULL) - 600);
	cr_assert(json_object_object_get_ex(p, "features", &f) &&
		json_object_array_length(f) == 5, "%s",
		json_object_to_json_string(p));
	assert_key_stored(lid, key, client_json_str(p, "kid"));
	cr_assert_eq(client_audit_count("admin.license_granted", lid), 1);
	cr_assert_eq(num("SELECT COUNT(*) FROM licenses WHERE public_id = '%s'"
		" AND granted_by = '%s' AND order_item_id IS NULL", lid,
		cast.admin_pid), 1);
	json_object_put(p);
	json_object_put(o);

	/* Without expiry or seats: the plan's seats, no expiry. */
	o = grant(cast.user_pid, "team", "");
	cr_assert_eq(market_json_int(o, "max_activations"), 10);
	cr_assert(json_object_object_get_ex(o, "expires_at", &f) && f == NULL);
	p = verify_key(client_json_str(o, "key"));
	cr_assert(json_object_object_get_ex(p, "exp", &f) && f == NULL);
	json_object_put(p);
	json_object_put(o);
}

Test(license_admin, a_grant_refuses_bad_input_and_changes_nothing)
{
	static const char *const seats[] = { "0", "-1", "10001", "1000000",
		"99999999999", "\"3\"", "2.5" };
	long before = licences_of(cast.user_pid);
	char body[512], past[32];
	struct client_resp r;
	size_t i;

	for (i = 0; i < sizeof(seats) / sizeof(seats[0]); i++) {
		snprintf(body, sizeof(body), "{\"user_id\": \"%s\", \"plan\":"
			" \"pro\", \"max_activations\": %s}", cast.user_pid,
			seats[i]);
		market_req("POST", ADMIN_LIC, cast.admin, body, &r);
		cr_assert_eq(r.status, 422, "%s: %ld", seats[i], r.status);
		cr_assert(strstr(r.body, "max_activations") != NULL, "%s",
			r.body);
		client_free(&r);
	}
	snprintf(body, sizeof(body), "{\"user_id\": \"%s\", \"plan\": \"pro\","
		" \"expires_at\": \"%s\"}", cast.user_pid,
		at(-3600, past, sizeof(past)));
	market_req("POST", ADMIN_LIC, cast.admin, body, &r);
	client_assert_field_error(&r, "expires_at", "out_of_range");
	client_free(&r);
	snprintf(body, sizeof(body), "{\"user_id\": \"%s\", \"plan\": \"pro\","
		" \"expires_at\": \"next week\"}", cast.user_pid);
	market_req("POST", ADMIN_LIC, cast.admin, body, &r);
	cr_assert_eq(r.status, 422, "%s", r.body);
	client_free(&r);
	snprintf(body, sizeof(body), "{\"user_id\": \"%s\", \"plan\":"
		" \"platinum\"}", cast.user_pid);
	market_req("POST", ADMIN_LIC, cast.admin, body, &r);
	client_assert_field_error(&r, "plan", "not_found");
	client_free(&r);
	market_req("POST", ADMIN_LIC, cast.admin, "{\"user_id\":"
		" \"00000000-0000-4000-8000-000000000000\", \"plan\": \"pro\"}", &r);
	client_assert_field_error(&r, "user_id", "not_found");
	client_free(&r);
	snprintf(body, sizeof(body), "{\"user_id\": \"%s\", \"plan\": \"pro\","
		" \"seats\": 2}", cast.user_pid);
	market_req("POST", ADMIN_LIC, cast.admin, body, &r);
	client_assert_field_error(&r, "seats", "unknown_field");
	client_free(&r);

	/* Only admins. */
	snprintf(body, sizeof(body), "{\"user_id\": \"%s\", \"plan\": \"pro\"}",
		cast.user_pid);
	cr_assert_eq(market_status("POST", ADMIN_LIC, cast.user, body), 403);
	cr_assert_eq(market_status("POST", ADMIN_LIC, cast.dev, body), 403);
	cr_assert_eq(market_status("POST", ADMIN_LIC, NULL, body), 401);
	cr_assert_eq(licences_of(cast.user_pid), before);
}

/* --- revoke and renew ----------------------------------------------------- */

static long post(const char *path, const char *auth, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static long post(const char *path, const char *auth, const char *fmt, ...)
{
	char body[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	return market_status("POST", path, auth, body);
}

Test(license_admin, revoke_once_by_an_admin_with_a_reason_audited)
{
	struct json_object *o = grant(cast.user_pid, "pro", "");
	char path[160], *lid = strdup(client_json_str(o, "id"));
	struct client_resp r;

	json_object_put(o);
	snprintf(path, sizeof(path), ADMIN_LIC "/%s/revoke", lid);
	cr_assert_eq(post(path, cast.user, "{\"reason\": \"x\"}"), 403);
	cr_assert_eq(post(path, NULL, "{\"reason\": \"x\"}"), 401);
	market_req("POST", path, cast.admin, "{}", &r);
	client_assert_field_error(&r, "reason", "required");
	client_free(&r);
	cr_assert_eq(post(ADMIN_LIC "/00000000-0000-4000-8000-000000000000"
		"/revoke", cast.admin, "{\"reason\": \"x\"}"), 404);
	cr_assert_eq(post(ADMIN_LIC "/not-a-uuid/revoke", cast.admin,
		"{\"reason\": \"x\"}"), 404);
	cr_assert_eq(num("SELECT COUNT(*) FROM licenses WHERE public_id = '%s'"
		" AND status = 'active'", lid), 1);

	market_req("POST", path, cast.admin, "{\"reason\": \"chargeback fraud\"}",
		&r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "status"), "revoked");
	cr_assert_str_eq(client_json_str(o, "state"), "revoked");
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(num("SELECT COUNT(*) FROM licenses WHERE public_id = '%s'"
		" AND status = 'revoked' AND status_reason = 'chargeback fraud'",
		lid), 1);
	market_req("POST", path, cast.admin, "{\"reason\": \"again\"}", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert_eq(client_audit_count("admin.license_revoked", lid), 1);

	/* A revoked licence is not renewed. */
	snprintf(path, sizeof(path), ADMIN_LIC "/%s/renew", lid);
	cr_assert_eq(post(path, cast.admin, "{\"expires_at\":"
		" \"2099-01-01T00:00:00Z\"}"), 409);
	free(lid);
}

/* POST path {"expires_at": <t seconds from now>} as the admin; the RFC
 * 3339 time sent into when. */
static void renew_req(const char *path, long t, char when[32],
	struct client_resp *r)
{
	char body[96];

	snprintf(body, sizeof(body), "{\"expires_at\": \"%s\"}",
		at(t, when, 32));
	market_req("POST", path, cast.admin, body, r);
}

Test(license_admin, renew_moves_the_expiry_later_and_resigns_the_key)
{
	char exp[32], later[32], soon[32], extra[96], path[160];
	struct json_object *o, *p;
	struct client_resp r;
	char *lid, *key1;

	snprintf(extra, sizeof(extra), ", \"expires_at\": \"%s\"",
		at(86400 * 10, exp, sizeof(exp)));
	o = grant(cast.user_pid, "pro", extra);
	lid = strdup(client_json_str(o, "id"));
	key1 = strdup(client_json_str(o, "key"));
	json_object_put(o);
	snprintf(path, sizeof(path), ADMIN_LIC "/%s/renew", lid);

	/* Not after the current expiry, in the past, malformed: 422. */
	renew_req(path, 86400 * 5, soon, &r);
	client_assert_field_error(&r, "expires_at", "out_of_range");
	client_free(&r);
	renew_req(path, -60, soon, &r);
	client_assert_field_error(&r, "expires_at", "out_of_range");
	client_free(&r);
	cr_assert_eq(post(path, cast.admin, "{\"expires_at\": 5}"), 422);
	cr_assert_eq(post(path, cast.user, "{\"expires_at\":"
		" \"2099-01-01T00:00:00Z\"}"), 403);
	cr_assert_eq(num("SELECT COUNT(*) FROM licenses WHERE public_id = '%s'"
		" AND license_key = '%s'", lid, key1), 1);
	cr_assert_eq(client_audit_count("admin.license_renewed", lid), 0);

	renew_req(path, 86400 * 400, later, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	cr_assert_str_eq(client_json_str(o, "expires_at"), later);
	cr_assert_str_neq(client_json_str(o, "key"), key1);
	p = verify_key(client_json_str(o, "key"));
	cr_assert_str_eq(client_json_str(p, "lid"), lid);
	cr_assert_eq(market_json_int(p, "exp"), unix_of(later));
	assert_key_stored(lid, client_json_str(o, "key"),
		client_json_str(p, "kid"));
	json_object_put(p);
	json_object_put(o);
	/* The older key still verifies and still names the licence. */
	p = verify_key(key1);
	cr_assert_str_eq(client_json_str(p, "lid"), lid);
	json_object_put(p);
	cr_assert_eq(client_audit_count("admin.license_renewed", lid), 1);

	/* A licence that does not expire has nothing to renew. */
	o = grant(cast.user_pid, "pro", "");
	snprintf(path, sizeof(path), ADMIN_LIC "/%s/renew",
		client_json_str(o, "id"));
	json_object_put(o);
	cr_assert_eq(post(path, cast.admin, "{\"expires_at\":"
		" \"2099-01-01T00:00:00Z\"}"), 409);
	free(lid);
	free(key1);
}

/* --- the owner's view ----------------------------------------------------- */

Test(license_admin, owners_list_and_read_their_own_licences_only)
{
	struct json_object *o, *items;
	struct client_resp r;
	char path[160], first[40], second[40], *next;

	o = grant(cast.user_pid, "pro", "");
	snprintf(first, sizeof(first), "%s", client_json_str(o, "id"));
	json_object_put(o);
	o = grant(cast.user_pid, "team", "");
	snprintf(second, sizeof(second), "%s", client_json_str(o, "id"));
	json_object_put(o);
	o = grant(cast.dev2_pid, "pro", "");
	snprintf(path, sizeof(path), LICS "/%s", client_json_str(o, "id"));
	json_object_put(o);

	/* Another's licence is not found, for the owner of others too. */
	cr_assert_eq(market_status("GET", path, cast.user, NULL), 404);
	cr_assert_eq(market_status("GET", path, cast.dev2, NULL), 200);
	cr_assert_eq(market_status("GET", path, cast.admin, NULL), 200);
	cr_assert_eq(market_status("GET", path, NULL, NULL), 401);
	cr_assert_eq(market_status("GET", LICS "/nope", cast.user, NULL), 404);

	/* Newest first, a page at a time, own only. */
	market_req("GET", LICS "?limit=1", cast.user, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	cr_assert(json_object_object_get_ex(o, "items", &items) &&
		json_object_array_length(items) == 1);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 0),
		"id"), second);
	cr_assert_null(client_json_str(json_object_array_get_idx(items, 0),
		"user_id"), "the owner's view names no user id");
	next = strdup(client_json_str(o, "next_cursor"));
	json_object_put(o);
	snprintf(path, sizeof(path), LICS "?limit=1&cursor=%s", next);
	free(next);
	market_req("GET", path, cast.user, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	cr_assert(json_object_object_get_ex(o, "items", &items) &&
		json_object_array_length(items) == 1);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 0),
		"id"), first);
	cr_assert_null(client_json_str(o, "next_cursor"));
	json_object_put(o);
	cr_assert_eq(market_status("GET", LICS "?limit=0", cast.user, NULL),
		422);
}

Test(license_admin, an_owner_frees_a_lost_machines_seat)
{
	struct json_object *o, *ms;
	char lid[40], path[256], *mid;
	const char *fp = client_unique("fp_lost_machine_");

	o = grant(cast.user_pid, "team", "");
	snprintf(lid, sizeof(lid), "%s", client_json_str(o, "id"));
	json_object_put(o);
	/* A machine activated on it (activation is the validate module's). */
	free(client_sqlf("INSERT INTO license_machines (public_id, license_id,"
		" fingerprint, name, activated_at, last_heartbeat_at)"
		" SELECT UUID(), id, '%s', 'laptop', UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM licenses WHERE public_id = '%s'", fp, lid));
	mid = client_sqlf("SELECT m.public_id FROM license_machines m JOIN licenses"
		" l ON l.id = m.license_id WHERE l.public_id = '%s'", lid);
	cr_assert_not_null(mid);

	snprintf(path, sizeof(path), LICS "/%s", lid);
	o = NULL;
	{
		struct client_resp r;

		market_req("GET", path, cast.user, NULL, &r);
		o = client_expect_json(&r, 200);
		client_free(&r);
	}
	cr_assert_eq(market_json_int(o, "activations"), 1);
	cr_assert(json_object_object_get_ex(o, "machines", &ms) &&
		json_object_array_length(ms) == 1);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(ms, 0),
		"id"), mid);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(ms, 0),
		"fingerprint"), fp);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(ms, 0),
		"name"), "laptop");
	json_object_put(o);

	snprintf(path, sizeof(path), LICS "/%s/machines/%s", lid, mid);
	cr_assert_eq(market_status("DELETE", path, cast.dev2, NULL), 404);
	cr_assert_eq(market_status("DELETE", path, NULL, NULL), 401);
	cr_assert_eq(num("SELECT COUNT(*) FROM license_machines WHERE"
		" public_id = '%s' AND deactivated_at IS NULL", mid), 1);
	cr_assert_eq(market_status("DELETE", path, cast.user, NULL), 204);
	cr_assert_eq(num("SELECT COUNT(*) FROM license_machines WHERE"
		" public_id = '%s' AND deactivated_at IS NOT NULL", mid), 1);
	cr_assert_eq(market_status("DELETE", path, cast.user, NULL), 404);
	cr_assert_eq(client_audit_count("license.machine_removed", lid), 1);
	snprintf(path, sizeof(path), LICS "/%s", lid);
	{
		struct client_resp r;

		market_req("GET", path, cast.user, NULL, &r);
		o = client_expect_json(&r, 200);
		client_free(&r);
	}
	cr_assert_eq(market_json_int(o, "activations"), 0);
	json_object_put(o);
	free(mid);
}

/* --- the payments path ---------------------------------------------------- */

Test(license_admin, a_bought_plan_grants_a_licence_with_a_key)
{
	struct json_object *o, *ev, *items, *l, *p;
	struct client_resp r;
	char *body = NULL;
	const char *cs;
	long st;

	market_order_post(cast.user, client_unique("k"), "{\"items\":"
		" [{\"type\": \"plan\", \"plan\": \"pro\", \"interval\":"
		" \"month\"}]}", &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	cs = client_json_str(o, "payment.reference");
	ev = stripe_kit_complete(cs);
	json_object_put(o);
	st = stripe_kit_deliver(stripe_kit_text(ev), NULL, NULL, 0, &body);
	cr_assert_eq(st, 200, "%ld %s", st, body ? body : "");
	free(body);
	json_object_put(ev);

	market_req("GET", LICS, cast.user, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	cr_assert(json_object_object_get_ex(o, "items", &items) &&
		json_object_array_length(items) == 1, "%s",
		json_object_to_json_string(o));
	l = json_object_array_get_idx(items, 0);
	cr_assert_str_eq(client_json_str(l, "plan"), "pro");
	cr_assert_str_eq(client_json_str(l, "state"), "active");
	cr_assert_not_null(client_json_str(l, "expires_at"));
	p = verify_key(client_json_str(l, "key"));
	cr_assert_str_eq(client_json_str(p, "lid"), client_json_str(l, "id"));
	cr_assert_eq(market_json_int(p, "exp"),
		unix_of(client_json_str(l, "expires_at")));
	json_object_put(p);
	json_object_put(o);
}

/* --- included with a plan feature ----------------------------------------- */

static long download(const char *slug, const char *ver, const char *auth)
{
	char path[256];

	snprintf(path, sizeof(path), EXT "/%s/versions/%s/download", slug, ver);
	return market_status("GET", path, auth, NULL);
}

/* A paid extension with versions 2.3.0 (published 15 May 2026) and
 * 2.4.0 (published 10 July 2026), included with feature. */
static const char *dated_extension(const char *feature)
{
	const char *slug = market_slug("incl");
	char path[160];
	struct client_resp r;

	market_create(cast.dev, slug, ", \"price\": {\"amount\": 900,"
		" \"currency\": \"USD\"}");
	market_publish(&cast, slug, "2.3.0", "*");
	market_publish(&cast, slug, "2.4.0", "*");
	free(client_sqlf("UPDATE extension_versions v JOIN extensions e ON"
		" e.id = v.extension_id SET v.published_at = IF(v.version ="
		" '2.3.0', '2026-05-15 12:00:00', '2026-07-10 12:00:00')"
		" WHERE e.slug = '%s'", slug));
	snprintf(path, sizeof(path), "/api/v1/admin/extensions/%s"
		"/included-feature", slug);
	cr_assert_eq(post(path, cast.dev, "{\"feature\": \"%s\"}", feature),
		403);
	cr_assert_eq(post(path, cast.admin, "{\"feature\": \"Bad Feature\"}"),
		422);
	market_req("POST", path, cast.admin, "{}", &r);
	client_assert_field_error(&r, "feature", "required");
	client_free(&r);
	cr_assert_eq(post(path, cast.admin, "{\"feature\": \"%s\"}", feature),
		200);
	cr_assert_eq(num("SELECT COUNT(*) FROM extensions WHERE slug = '%s'"
		" AND included_feature = '%s'", slug, feature), 1);
	cr_assert_eq(client_audit_count("admin.extension_included_feature",
		slug), 1);
	return slug;
}

/* The licence lapsed on 1 June 2026. */
static void lapse(const char *lid)
{
	free(client_sqlf("UPDATE licenses SET expires_at = '2026-06-01 00:00:00'"
		" WHERE public_id = '%s'", lid));
}

Test(license_admin, perpetual_fallback_keeps_the_versions_released_before_expiry)
{
	const char *slug = dated_extension("marketplace");
	struct json_object *o;
	char lid[40];

	/* No licence, no purchase: the paid extension is refused. */
	cr_assert_eq(download(slug, "2.3.0", cast.user), 403);
	/* Pro (perpetual fallback) has the feature: while it runs, all. */
	o = grant(cast.user_pid, "pro", ", \"expires_at\":"
		" \"2099-01-01T00:00:00Z\"");
	snprintf(lid, sizeof(lid), "%s", client_json_str(o, "id"));
	json_object_put(o);
	cr_assert_eq(download(slug, "2.3.0", cast.user), 200);
	cr_assert_eq(download(slug, "2.4.0", cast.user), 200);
	/* Lapsed on 1 June: May's 2.3.0 stays, July's 2.4.0 does not. */
	lapse(lid);
	cr_assert_eq(download(slug, "2.3.0", cast.user), 200);
	cr_assert_eq(download(slug, "2.4.0", cast.user), 403);
	cr_assert_eq(download(slug, "2.3.0", cast.dev2), 403);
	/* A suspended licence (a dispute) gives nothing. */
	free(client_sqlf("UPDATE licenses SET status = 'suspended' WHERE"
		" public_id = '%s'", lid));
	cr_assert_eq(download(slug, "2.3.0", cast.user), 403);
}

Test(license_admin, restrict_gives_nothing_once_expired_and_features_must_match)
{
	const char *slug = dated_extension("marketplace");
	char path[160], lid[40];
	struct json_object *o;

	/* Free (restrict) has the feature: while it runs, all. */
	o = grant(cast.user_pid, "free", ", \"expires_at\":"
		" \"2099-01-01T00:00:00Z\"");
	snprintf(lid, sizeof(lid), "%s", client_json_str(o, "id"));
	json_object_put(o);
	cr_assert_eq(download(slug, "2.3.0", cast.user), 200);
	cr_assert_eq(download(slug, "2.4.0", cast.user), 200);
	/* Included with a feature Free lacks: nothing. */
	snprintf(path, sizeof(path), "/api/v1/admin/extensions/%s"
		"/included-feature", slug);
	cr_assert_eq(post(path, cast.admin, "{\"feature\": \"ai_assist\"}"), 200);
	cr_assert_eq(download(slug, "2.3.0", cast.user), 403);
	cr_assert_eq(post(path, cast.admin, "{\"feature\": \"marketplace\"}"),
		200);
	/* Lapsed under restrict: nothing, not even what it had. */
	lapse(lid);
	cr_assert_eq(download(slug, "2.3.0", cast.user), 403);
	cr_assert_eq(download(slug, "2.4.0", cast.user), 403);
	/* Without an expiry it runs again; once the feature is cleared no
	 * licence includes the extension. */
	free(client_sqlf("UPDATE licenses SET expires_at = NULL WHERE public_id ="
		" '%s'", lid));
	cr_assert_eq(download(slug, "2.3.0", cast.user), 200);
	cr_assert_eq(post(path, cast.admin, "{\"feature\": null}"), 200);
	cr_assert_eq(download(slug, "2.3.0", cast.user), 403);
}
