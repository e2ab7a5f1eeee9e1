/* The licence routes the IDE calls (validate, activate, deactivate,
 * heartbeat) through the front server against the real workers and
 * MariaDB. Licences are rows made by SQL (plan policies are the seeded
 * plans': free node-locked with its term from the first activation, pro
 * node-locked, team floating at 125 %), and their keys are signed here
 * with the stack's own signing key (license_signing_key_file), as the
 * server's issuer would: the routes find a licence by verifying its key,
 * so a key signed with the right key and a made-up one differ only in
 * the signature. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "arena.h"
#include "client.h"
#include "crypto.h"
#include "machfile.h"
#include "signed.h"

#define VALIDATE "/api/v1/licenses/validate"
#define ACTIVATE "/api/v1/licenses/activate"
#define DEACTIVATE "/api/v1/licenses/deactivate"

static struct arena *A;

static void suite_init(void)
{
	char *file = client_config("license_signing_key_file", NULL);

	cr_assert(file != NULL, "the stack must name license_signing_key_file");
	cr_assert_eq(signed_init(file), 0, "cannot load %s", file);
	free(file);
	A = arena_new(16384);
	cr_assert(A != NULL);
}

static void suite_fini(void)
{
	signed_done();
	arena_free(A);
}

TestSuite(licenses, .init = suite_init, .fini = suite_fini);

struct lic {
	char lid[37];
	long id;
	char *key;
};

/* A licence key for lid signed in domain d with the stack's key. */
static char *key_for(const char *lid, const char *plan, enum signed_domain d)
{
	char payload[512], *tok = NULL;
	int n = snprintf(payload, sizeof(payload),
		"{\"kid\":\"%s\",\"lid\":\"%s\",\"plan\":\"%s\",\"features\":[],"
		"\"seats\":3,\"exp\":null,\"iat\":%ld}", signed_kid(), lid, plan,
		(long)time(NULL));

	cr_assert_eq(signed_make(A, d, payload, (size_t)n, &tok), 0);
	return tok;
}

/* A licence of plan with seats, status, expires_at and term_seconds as
 * SQL expressions ("NULL", "UTC_TIMESTAMP() + INTERVAL 1 DAY"). */
static void lic_make(struct lic *L, const char *plan, int seats,
	const char *status, const char *expires, const char *term)
{
	char upid[37], *s;

	cr_assert_eq(client_user("user", upid), 0);
	s = client_sql("SELECT UUID()");
	cr_assert(s != NULL && strlen(s) == 36);
	memcpy(L->lid, s, 37);
	free(s);
	free(client_sqlf("INSERT INTO licenses (public_id, user_id, plan_id,"
		" status, max_activations, expires_at, term_seconds, created_at,"
		" updated_at) SELECT '%s', u.id, p.id, '%s', %d, %s, %s,"
		" UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM users u, plans p"
		" WHERE u.public_id = '%s' AND p.code = '%s'", L->lid, status,
		seats, expires, term, upid, plan));
	s = client_sqlf("SELECT id FROM licenses WHERE public_id = '%s'",
		L->lid);
	cr_assert(s != NULL, "licence row not made");
	L->id = atol(s);
	free(s);
	L->key = key_for(L->lid, plan, SIGNED_LICENSE);
}

static const char *fp_new(void)
{
	static char buf[8][64];
	static unsigned slot;
	char *b = buf[slot++ % 8];

	snprintf(b, sizeof(buf[0]), "fp-%s-machine", client_unique("m"));
	return b;
}

static long machines(const struct lic *L)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM license_machines"
		" WHERE license_id = %ld AND deactivated_at IS NULL", L->id);
	return client_sql_long(sql);
}

static long post(const char *path, const char *json, struct client_resp *r)
{
	client_call("POST", path, NULL, json, r);
	return r->status;
}

static long activate(const struct lic *L, const char *fp,
	struct client_resp *r)
{
	char body[4600];

	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"%s\"}", L->key, fp);
	return post(ACTIVATE, body, r);
}

static long activate_status(const struct lic *L, const char *fp)
{
	struct client_resp r;
	long st = activate(L, fp, &r);

	client_free(&r);
	return st;
}

/* The code a validation answers (200 asserted); extra: more members. */
static char *validate_code(const char *key, const char *extra)
{
	struct client_resp r;
	char body[4800], *code;

	snprintf(body, sizeof(body), "{\"license_key\":\"%s\"%s}", key, extra);
	cr_assert_eq(post(VALIDATE, body, &r), 200, "validate: %ld %s",
		r.status, r.body);
	code = client_body_str(&r, "code");
	client_free(&r);
	return code;
}

static void expect_code(const char *key, const char *extra, const char *want)
{
	char *code = validate_code(key, extra);

	cr_assert_str_eq(code, want);
	free(code);
}

static char *machine_extra(const char *fp)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), ",\"machine_id\":\"%s\"", fp);
	return buf;
}

Test(licenses, one_fixture_per_validation_code)
{
	struct lic L;
	const char *fp = fp_new(), *fp2 = fp_new();
	char *other;

	/* VALID and ENTITLEMENTS_MISSING: team (floating) has ai_assist,
	 * not sso. */
	lic_make(&L, "team", 2, "active", "UTC_TIMESTAMP() + INTERVAL 1 DAY",
		"NULL");
	expect_code(L.key, "", "VALID");
	expect_code(L.key, ",\"entitlements\":[\"ai_assist\",\"editor\"]",
		"VALID");
	expect_code(L.key, ",\"entitlements\":[\"ai_assist\",\"sso\"]",
		"ENTITLEMENTS_MISSING");
	/* NO_MACHINE: a fingerprint never activated on it. */
	expect_code(L.key, machine_extra(fp), "NO_MACHINE");
	cr_assert_eq(activate_status(&L, fp), 201);
	expect_code(L.key, machine_extra(fp), "VALID");
	/* TOO_MANY_MACHINES: seats lowered under the machines active. */
	cr_assert_eq(activate_status(&L, fp2), 201);
	free(client_sqlf("UPDATE licenses SET max_activations = 1 WHERE id = %ld",
		L.id));
	expect_code(L.key, "", "TOO_MANY_MACHINES");

	/* FINGERPRINT_SCOPE_REQUIRED and _MISMATCH: pro is node-locked. */
	lic_make(&L, "pro", 1, "active", "UTC_TIMESTAMP() + INTERVAL 1 DAY",
		"NULL");
	expect_code(L.key, "", "FINGERPRINT_SCOPE_REQUIRED");
	cr_assert_eq(activate_status(&L, fp), 201);
	expect_code(L.key, machine_extra(fp), "VALID");
	expect_code(L.key, machine_extra(fp2), "FINGERPRINT_SCOPE_MISMATCH");

	/* REVOKED, SUSPENDED, EXPIRED. */
	lic_make(&L, "team", 2, "revoked", "NULL", "NULL");
	expect_code(L.key, "", "REVOKED");
	lic_make(&L, "team", 2, "suspended", "NULL", "NULL");
	expect_code(L.key, "", "SUSPENDED");
	lic_make(&L, "free", 1, "active", "UTC_TIMESTAMP() - INTERVAL 1 HOUR",
		"NULL");
	expect_code(L.key, "", "EXPIRED");

	/* NOT_FOUND: no such licence, a wrong signature, another domain's
	 * signature, a key signed by a key the server does not know. */
	other = key_for("00000000-0000-4000-8000-000000000000", "team",
		SIGNED_LICENSE);
	expect_code(other, "", "NOT_FOUND");
	lic_make(&L, "team", 2, "active", "NULL", "NULL");
	{
		char *bad = arena_strdup(A, L.key);
		size_t n = strlen(bad);

		bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
		expect_code(bad, "", "NOT_FOUND");
	}
	expect_code(key_for(L.lid, "team", SIGNED_MACHINE), "", "NOT_FOUND");
	expect_code(key_for(L.lid, "team", SIGNED_RESPONSE), "", "NOT_FOUND");
	{
		unsigned char pub[32];
		char *pem = NULL, *tok = NULL, kid[17], payload[256];
		struct crypto_ed25519_key *k = NULL;
		int n;

		cr_assert_eq(crypto_ed25519_generate(pub, &pem), 0);
		cr_assert_eq(crypto_ed25519_load(pem, strlen(pem), &k, pub), 0);
		crypto_kid(pub, kid);
		n = snprintf(payload, sizeof(payload), "{\"kid\":\"%s\","
			"\"lid\":\"%s\"}", kid, L.lid);
		/* Signed by hand: signed_make signs with the stack's key. */
		{
			unsigned char sig[64];
			char msg[512], p64[400], s64[100];

			crypto_b64url_encode((const unsigned char *)payload,
				(size_t)n, p64);
			snprintf(msg, sizeof(msg), "license/%s", p64);
			cr_assert_eq(crypto_ed25519_sign(k, msg, strlen(msg),
				sig), 0);
			crypto_b64url_encode(sig, 64, s64);
			tok = arena_printf(A, "%s.%s", p64, s64);
		}
		expect_code(tok, "", "NOT_FOUND");
		crypto_ed25519_free(k);
		free(pem);
	}
	expect_code(L.key, "", "VALID");
}

Test(licenses, precedence_first_rule_wins)
{
	struct lic L;

	/* Suspended and expired: SUSPENDED. */
	lic_make(&L, "team", 2, "suspended", "UTC_TIMESTAMP() - INTERVAL 1 DAY",
		"NULL");
	expect_code(L.key, ",\"entitlements\":[\"sso\"]", "SUSPENDED");
	/* Revoked and expired: REVOKED. */
	lic_make(&L, "pro", 1, "revoked", "UTC_TIMESTAMP() - INTERVAL 1 DAY",
		"NULL");
	expect_code(L.key, "", "REVOKED");
	/* Expired, node-locked and no machine: EXPIRED. */
	lic_make(&L, "pro", 1, "active", "UTC_TIMESTAMP() - INTERVAL 1 DAY",
		"NULL");
	expect_code(L.key, "", "EXPIRED");
	/* Unknown machine and a missing entitlement: NO_MACHINE. */
	lic_make(&L, "team", 2, "active", "NULL", "NULL");
	expect_code(L.key, ",\"machine_id\":\"never-activated-01\","
		"\"entitlements\":[\"sso\"]", "NO_MACHINE");
}

Test(licenses, expired_under_perpetual_fallback_says_until_when)
{
	struct lic L;
	struct client_resp r;
	struct json_object *o;
	char body[4600];

	lic_make(&L, "team", 2, "active",
		"'2026-06-01 00:00:00'", "NULL");
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\"}", L.key);
	post(VALIDATE, body, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "code"), "EXPIRED");
	cr_assert_str_eq(client_json_str(o, "status"), "expired");
	cr_assert_str_eq(client_json_str(o, "fallback_until"),
		"2026-06-01T00:00:00Z");
	json_object_put(o);
	client_free(&r);
	/* restrict (free): no fallback. */
	lic_make(&L, "free", 1, "active", "'2026-06-01 00:00:00'", "NULL");
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\"}", L.key);
	post(VALIDATE, body, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "code"), "EXPIRED");
	cr_assert_null(client_json_str(o, "fallback_until"));
	json_object_put(o);
	client_free(&r);
}

Test(licenses, answer_says_nothing_about_the_owner)
{
	struct lic L;
	struct client_resp r;
	char body[4600];

	lic_make(&L, "team", 2, "active", "NULL", "NULL");
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\"}", L.key);
	post(VALIDATE, body, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_null(strstr(r.body, "user"));
	cr_assert_null(strstr(r.body, "email"));
	cr_assert_null(strstr(r.body, "@test.example"));
	client_free(&r);
}

/* The stack's public key (hex from license_signing_keys) for kid. */
static void stack_pub(const char *kid, unsigned char pub[32])
{
	char *hex = client_sqlf("SELECT HEX(public_key) FROM"
		" license_signing_keys WHERE kid = '%s'", kid);

	cr_assert(hex != NULL && strlen(hex) == 64, "no public key for %s", kid);
	for (int i = 0; i < 32; i++) {
		unsigned v;

		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		pub[i] = (unsigned char)v;
	}
	free(hex);
}

/* Writes pub as a SubjectPublicKeyInfo PEM file at path. */
static void pub_pem_file(const unsigned char pub[32], const char *path)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
		32);
	FILE *f = fopen(path, "w");

	cr_assert(k != NULL && f != NULL && PEM_write_PUBKEY(f, k) == 1);
	fclose(f);
	EVP_PKEY_free(k);
}

/* openssl pkeyutl -verify -rawin of token's signature (domain/ +
 * payload part) with the raw public key pub, as the docs show it: the
 * IDE needs nothing but the public key. 1 when openssl says it verifies. */
static int openssl_verifies(const char *domain, const char *token,
	const unsigned char pub[32])
{
	char dir[] = "/tmp/lictestXXXXXX", path[128], cmd[512];
	const char *dot = strchr(token, '.');
	unsigned char sig[80];
	FILE *f;
	long n;
	int rc;

	cr_assert(dot != NULL && mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/pub.pem", dir);
	pub_pem_file(pub, path);
	snprintf(path, sizeof(path), "%s/msg", dir);
	f = fopen(path, "w");
	cr_assert(f != NULL);
	fprintf(f, "%s/%.*s", domain, (int)(dot - token), token);
	fclose(f);
	n = crypto_b64url_decode(dot + 1, strlen(dot + 1), sig);
	cr_assert_eq(n, 64);
	snprintf(path, sizeof(path), "%s/sig", dir);
	f = fopen(path, "w");
	cr_assert(f != NULL && fwrite(sig, 1, 64, f) == 64);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "openssl pkeyutl -verify -pubin -inkey"
		" %s/pub.pem -rawin -in %s/msg -sigfile %s/sig >/dev/null 2>&1;"
		" s=$?; rm -rf %s; exit $s", dir, dir, dir, dir);
	rc = system(cmd);
	return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

Test(licenses, response_is_signed_with_nonce_and_time)
{
	struct lic L;
	struct client_resp r;
	struct json_object *o, *p, *want;
	unsigned char pub[32];
	char body[4600], *payload;
	const char *sig;
	size_t len;
	time_t before = time(NULL);

	lic_make(&L, "team", 2, "active", "NULL", "NULL");
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"nonce\":\"n0nce-abc_123\"}", L.key);
	post(VALIDATE, body, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "nonce"), "n0nce-abc_123");
	cr_assert_geq(json_object_get_int64(json_object_object_get(o, "ts")),
		before - 5);
	sig = client_json_str(o, "signature");
	cr_assert(sig != NULL);
	stack_pub(signed_kid(), pub);
	cr_assert_eq(signed_check_key(A, SIGNED_RESPONSE, sig, signed_kid(),
		pub, &payload, &len), 0, "the answer's signature verifies");
	/* The payload is the answer without its signature, plus kid. */
	p = json_tokener_parse(payload);
	cr_assert(p != NULL);
	cr_assert_str_eq(client_json_str(p, "kid"), signed_kid());
	json_object_object_del(p, "kid");
	want = json_tokener_parse(r.body);
	json_object_object_del(want, "signature");
	cr_assert(json_object_equal(p, want), "payload %s vs answer %s",
		payload, r.body);
	cr_assert(openssl_verifies("response", sig, pub));
	/* A changed field no longer matches what was signed. */
	json_object_object_add(want, "valid", json_object_new_boolean(0));
	cr_assert_not(json_object_equal(p, want));
	/* Neither does a changed token, nor another domain's check. */
	{
		char *bad = arena_strdup(A, sig);

		bad[3] = bad[3] == 'A' ? 'B' : 'A';
		cr_assert_neq(signed_check_key(A, SIGNED_RESPONSE, bad,
			signed_kid(), pub, &payload, &len), 0);
		cr_assert_neq(signed_check_key(A, SIGNED_LICENSE, sig,
			signed_kid(), pub, &payload, &len), 0);
	}
	json_object_put(p);
	json_object_put(want);
	json_object_put(o);
	client_free(&r);
}

/* 50 parallel activations of a 3-seat licence (team: 3 × 125 % = 3):
 * exactly 3 machines and 47 refusals. */
Test(licenses, fifty_parallel_activations_leave_exactly_the_seats,
	.timeout = 120)
{
	struct lic L;
	pid_t kids[50];
	int ok = 0, full = 0, other = 0;

	lic_make(&L, "team", 3, "active", "NULL", "NULL");
	for (int i = 0; i < 50; i++) {
		char fp[64];

		snprintf(fp, sizeof(fp), "race-%s-%02d", client_unique("r"), i);
		kids[i] = fork();
		cr_assert(kids[i] >= 0);
		if (kids[i] == 0) {
			struct client_resp r;
			char body[4600];
			int rc;

			snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
				"\"machine_id\":\"%s\"}", L.key, fp);
			rc = client_post_json(client_url(ACTIVATE), body, NULL,
				&r);
			_exit(rc != 0 ? 3 : r.status == 201 ? 0 :
				r.status == 409 && strstr(r.body,
				"too_many_machines") ? 1 : 2);
		}
	}
	for (int i = 0; i < 50; i++) {
		int st = 0;

		cr_assert_eq(waitpid(kids[i], &st, 0), kids[i]);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
			full++;
		else
			other++;
	}
	cr_assert_eq(ok, 3, "201s: %d (409: %d, other: %d)", ok, full, other);
	cr_assert_eq(full, 47);
	cr_assert_eq(machines(&L), 3);
}

Test(licenses, reactivation_is_idempotent_and_fingerprints_distinct)
{
	struct lic L;
	struct client_resp r;
	const char *fp = fp_new(), *fp2 = fp_new();
	char *id1, *id2, *id3;

	lic_make(&L, "team", 3, "active", "NULL", "NULL");
	cr_assert_eq(activate(&L, fp, &r), 201);
	id1 = client_body_str(&r, "activation_id");
	client_free(&r);
	cr_assert_eq(activate(&L, fp, &r), 200, "again: %s", r.body);
	id2 = client_body_str(&r, "activation_id");
	client_free(&r);
	cr_assert_str_eq(id1, id2);
	cr_assert_eq(machines(&L), 1);
	cr_assert_eq(activate(&L, fp2, &r), 201);
	id3 = client_body_str(&r, "activation_id");
	client_free(&r);
	cr_assert_str_neq(id1, id3);
	cr_assert_eq(machines(&L), 2);
	free(id1);
	free(id2);
	free(id3);
}

Test(licenses, deactivation_frees_the_seat)
{
	struct lic L;
	struct client_resp r;
	const char *a = fp_new(), *b = fp_new();
	char body[4600];

	lic_make(&L, "pro", 1, "active", "NULL", "NULL");
	cr_assert_eq(activate_status(&L, a), 201);
	cr_assert_eq(activate(&L, b, &r), 409);
	client_assert_problem(&r, 409, "too_many_machines");
	client_free(&r);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"%s\"}", L.key, a);
	cr_assert_eq(post(DEACTIVATE, body, &r), 204, "%s", r.body);
	client_free(&r);
	cr_assert_eq(activate_status(&L, b), 201);
	/* a is no longer active: 404, nothing changed. */
	cr_assert_eq(post(DEACTIVATE, body, &r), 404);
	client_assert_problem(&r, 404, "machine_not_found");
	client_free(&r);
	cr_assert_eq(machines(&L), 1);
}

Test(licenses, refused_activations_name_their_code)
{
	struct lic L;
	struct client_resp r;
	const char *fp = fp_new();

	lic_make(&L, "team", 3, "revoked", "NULL", "NULL");
	activate(&L, fp, &r);
	client_assert_problem(&r, 409, "license_revoked");
	client_free(&r);
	lic_make(&L, "team", 3, "suspended", "NULL", "NULL");
	activate(&L, fp, &r);
	client_assert_problem(&r, 409, "license_suspended");
	client_free(&r);
	/* Perpetual fallback keeps versions, not new machines. */
	lic_make(&L, "team", 3, "active", "UTC_TIMESTAMP() - INTERVAL 1 DAY",
		"NULL");
	activate(&L, fp, &r);
	client_assert_problem(&r, 409, "license_expired");
	client_free(&r);
	cr_assert_eq(machines(&L), 0);
	L.key = key_for("00000000-0000-4000-8000-000000000000", "team",
		SIGNED_LICENSE);
	activate(&L, fp, &r);
	client_assert_problem(&r, 404, "license_not_found");
	client_free(&r);
}

Test(licenses, first_activation_starts_the_term)
{
	struct lic L;
	char sql[256];

	/* free: term_start = first_activation, no expiry until then. */
	lic_make(&L, "free", 1, "active", "NULL", "3600");
	expect_code(L.key, machine_extra("not-yet-activated-01"), "NO_MACHINE");
	cr_assert_eq(activate_status(&L, fp_new()), 201);
	snprintf(sql, sizeof(sql), "SELECT TIMESTAMPDIFF(SECOND,"
		" first_activated_at, expires_at) FROM licenses WHERE id = %ld",
		L.id);
	cr_assert_eq(client_sql_long(sql), 3600);
}

Test(licenses, heartbeat_of_active_machines_only)
{
	struct lic L;
	struct client_resp r;
	struct json_object *o;
	const char *fp = fp_new();
	char path[160], body[4600], *mid;

	lic_make(&L, "team", 3, "active", "NULL", "NULL");
	cr_assert_eq(activate(&L, fp, &r), 201);
	mid = client_body_str(&r, "activation_id");
	client_free(&r);
	snprintf(path, sizeof(path), "/api/v1/licenses/machines/%s/heartbeat",
		mid);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\"}", L.key);
	post(path, body, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "id"), mid);
	cr_assert(client_json_str(o, "last_heartbeat_at") != NULL);
	cr_assert(client_json_str(o, "next_heartbeat_before") != NULL);
	json_object_put(o);
	client_free(&r);
	/* Twice in a second is still a heartbeat. */
	cr_assert_eq(post(path, body, &r), 200);
	client_free(&r);
	/* Unknown id. */
	post("/api/v1/licenses/machines/00000000-0000-4000-8000-000000000000"
		"/heartbeat", body, &r);
	client_assert_problem(&r, 404, "machine_not_found");
	client_free(&r);
	/* Another licence's key does not reach this machine. */
	{
		struct lic M;
		char b2[4600];

		lic_make(&M, "team", 3, "active", "NULL", "NULL");
		snprintf(b2, sizeof(b2), "{\"license_key\":\"%s\"}", M.key);
		post(path, b2, &r);
		client_assert_problem(&r, 404, "machine_not_found");
		client_free(&r);
	}
	/* A licence no longer valid: 409. */
	free(client_sqlf("UPDATE licenses SET status = 'revoked' WHERE id = %ld",
		L.id));
	post(path, body, &r);
	client_assert_problem(&r, 409, "license_revoked");
	client_free(&r);
	free(client_sqlf("UPDATE licenses SET status = 'active' WHERE id = %ld",
		L.id));
	/* Deactivated: 404 with its own type, last heartbeat unchanged. */
	{
		char d[4600];

		snprintf(d, sizeof(d), "{\"license_key\":\"%s\","
			"\"machine_id\":\"%s\"}", L.key, fp);
		cr_assert_eq(post(DEACTIVATE, d, &r), 204);
		client_free(&r);
	}
	post(path, body, &r);
	client_assert_problem(&r, 404, "machine_deactivated");
	client_free(&r);
	/* Culled (as the jobs runner marks it). */
	cr_assert_eq(activate(&L, fp, &r), 201);
	free(mid);
	mid = client_body_str(&r, "activation_id");
	client_free(&r);
	free(client_sqlf("UPDATE license_machines SET culled = 1,"
		" deactivated_at = UTC_TIMESTAMP(6) WHERE public_id = '%s'", mid));
	snprintf(path, sizeof(path), "/api/v1/licenses/machines/%s/heartbeat",
		mid);
	post(path, body, &r);
	client_assert_problem(&r, 404, "machine_culled");
	client_free(&r);
	free(mid);
}

/* keep_seat: the cull marks the machine and keeps its seat; it does not
 * count as running until it activates again, which revives it. */
Test(licenses, machine_culled_with_its_seat_kept_comes_back_on_activation)
{
	struct lic L;
	struct client_resp r;
	const char *fp = fp_new();
	char path[160], body[4600], *mid, *again;

	lic_make(&L, "team", 1, "active", "NULL", "NULL");
	cr_assert_eq(activate(&L, fp, &r), 201);
	mid = client_body_str(&r, "activation_id");
	client_free(&r);
	free(client_sqlf("UPDATE license_machines SET culled = 1"
		" WHERE public_id = '%s'", mid));
	snprintf(path, sizeof(path), "/api/v1/licenses/machines/%s/heartbeat",
		mid);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\"}", L.key);
	post(path, body, &r);
	client_assert_problem(&r, 404, "machine_culled");
	client_free(&r);
	expect_code(L.key, machine_extra(fp), "NO_MACHINE");
	/* Its seat is still taken by it: another machine cannot have it. */
	cr_assert_eq(activate_status(&L, fp_new()), 409);
	cr_assert_eq(activate(&L, fp, &r), 200, "%s", r.body);
	again = client_body_str(&r, "activation_id");
	client_free(&r);
	cr_assert_str_eq(again, mid);
	cr_assert_eq(post(path, body, &r), 200, "%s", r.body);
	client_free(&r);
	expect_code(L.key, machine_extra(fp), "VALID");
	free(again);
	free(mid);
}

Test(licenses, machine_file_verifies_and_decrypts_for_its_machine_only)
{
	struct lic L;
	struct client_resp r;
	struct json_object *o, *p;
	unsigned char pub[32];
	const char *fp = fp_new();
	char body[4600], *tok, *file, *plain = NULL, *payload, *mid;
	size_t len;

	lic_make(&L, "team", 3, "active", "UTC_TIMESTAMP() + INTERVAL 1 DAY",
		"NULL");
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"%s\",\"machine_name\":\"Build box\","
		"\"encrypt\":true}", L.key, fp);
	post(ACTIVATE, body, &r);
	o = client_expect_json(&r, 201);
	tok = arena_strdup(A, client_json_str(o, "offline_token"));
	file = arena_strdup(A, client_json_str(o, "machine_file"));
	mid = arena_strdup(A, client_json_str(o, "activation_id"));
	cr_assert_str_eq(client_json_str(o, "license.id"), L.lid);
	cr_assert_str_eq(client_json_str(o, "license.plan"), "team");
	json_object_put(o);
	client_free(&r);
	cr_assert(strncmp(file, "enc1.", 5) == 0);
	/* Decrypted with the key and this fingerprint: the token. */
	cr_assert_eq(machfile_decrypt(A, file, L.key, fp, &plain), 0);
	cr_assert_str_eq(plain, tok);
	cr_assert_eq(machfile_decrypt(A, file, L.key, "another-machine-fp-01",
		&plain), DF_EAUTH);
	/* The token verifies as a machine token, names this machine, and
	 * its exp is within the plan's TTL and the licence's expiry. */
	stack_pub(signed_kid(), pub);
	cr_assert_eq(signed_check_key(A, SIGNED_MACHINE, tok, signed_kid(), pub,
		&payload, &len), 0);
	cr_assert_neq(signed_check_key(A, SIGNED_LICENSE, tok, signed_kid(),
		pub, &payload, &len), 0, "not as another domain");
	cr_assert_eq(signed_check_key(A, SIGNED_MACHINE, tok, signed_kid(), pub,
		&payload, &len), 0);
	p = json_tokener_parse(payload);
	cr_assert_str_eq(client_json_str(p, "fp"), fp);
	cr_assert_str_eq(client_json_str(p, "mid"), mid);
	cr_assert_str_eq(client_json_str(p, "lid"), L.lid);
	{
		int64_t iat = json_object_get_int64(json_object_object_get(p,
			"iat"));
		int64_t exp = json_object_get_int64(json_object_object_get(p,
			"exp"));
		int64_t lexp = json_object_get_int64(json_object_object_get(p,
			"lexp"));

		cr_assert_eq(exp, lexp, "capped by the licence's expiry");
		cr_assert_leq(exp - iat, 86400);
	}
	json_object_put(p);
	/* openssl verifies it with the public key alone; not as another
	 * domain's. */
	cr_assert(openssl_verifies("machine", tok, pub));
	cr_assert_not(openssl_verifies("license", tok, pub));
	/* A tampered token fails. */
	tok[10] = tok[10] == 'A' ? 'B' : 'A';
	cr_assert_neq(signed_check_key(A, SIGNED_MACHINE, tok, signed_kid(),
		pub, &payload, &len), 0);
	cr_assert_not(openssl_verifies("machine", tok, pub));
}

Test(licenses, malformed_bodies_refused_and_nothing_changes)
{
	struct lic L;
	struct client_resp r;
	const char *fp = fp_new();
	char body[4600];

	lic_make(&L, "team", 3, "active", "NULL", "NULL");
	cr_assert_eq(post(ACTIVATE, "{not json", &r), 400);
	client_free(&r);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"%s\",\"seats\":9}", L.key, fp);
	cr_assert_eq(post(ACTIVATE, body, &r), 422);
	client_free(&r);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"short-15-chars0\"}", L.key);
	cr_assert_eq(post(ACTIVATE, body, &r), 422);
	client_assert_field_error(&r, "machine_id", "too_short");
	client_free(&r);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"%0129d\"}", L.key, 0);
	cr_assert_eq(post(ACTIVATE, body, &r), 422);
	client_free(&r);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"space in the id 0123\"}", L.key);
	cr_assert_eq(post(ACTIVATE, body, &r), 422);
	client_assert_field_error(&r, "machine_id", "invalid_format");
	client_free(&r);
	cr_assert_eq(post(ACTIVATE, "{\"license_key\":\"nodot\","
		"\"machine_id\":\"abcdefghijklmnop\"}", &r), 422);
	client_assert_field_error(&r, "license_key", "invalid_format");
	client_free(&r);
	cr_assert_eq(post(VALIDATE, "{\"license_key\":\"a.b.c\"}", &r), 422);
	client_assert_field_error(&r, "license_key", "invalid_format");
	client_free(&r);
	cr_assert_eq(post(VALIDATE, "{\"license_key\":\"a+b.c\"}", &r), 422);
	client_free(&r);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"nonce\":\"short\"}", L.key);
	cr_assert_eq(post(VALIDATE, body, &r), 422);
	client_free(&r);
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"entitlements\":[\"sso\", 3]}", L.key);
	cr_assert_eq(post(VALIDATE, body, &r), 422);
	client_assert_field_error(&r, "entitlements", "invalid_format");
	client_free(&r);
	cr_assert_eq(post(VALIDATE, "{}", &r), 422);
	client_free(&r);
	cr_assert_eq(machines(&L), 0, "nothing was activated");
}

/* The rate-limit class: RateLimit-Limit is ratelimit.license's. */
Test(licenses, rate_class_is_licence)
{
	const char *env = getenv("DEVFORGE_RATELIMIT_LICENSE");
	char *conf = env != NULL ? strdup(env) :
		client_config("ratelimit.license", "60/min");
	struct client_resp r;
	char *limit, want[32];
	const char *paths[] = { VALIDATE, ACTIVATE, DEACTIVATE,
		"/api/v1/licenses/machines/x/heartbeat" };

	cr_assert(conf != NULL);
	snprintf(want, sizeof(want), "%ld", strtol(conf, NULL, 10));
	for (size_t i = 0; i < 4; i++) {
		post(paths[i], "{}", &r);
		cr_assert_eq(r.status, 422, "%s: %ld", paths[i], r.status);
		limit = client_header(&r, "RateLimit-Limit");
		cr_assert(limit != NULL, "%s: no RateLimit-Limit", paths[i]);
		cr_assert_str_eq(limit, want, "%s", paths[i]);
		free(limit);
		client_free(&r);
	}
	free(conf);
}

/* The IDE's own verifier (tests/ide/verify: OpenSSL and json-c only)
 * runs the program with the arguments; its exit status (0 valid, 1
 * not). */
static int ide_verify(const char *args)
{
	const char *bd = getenv("DF_BUILD_DIR");
	char *cmd = arena_printf(A, "%s/tests/ide/verify %s >/dev/null 2>&1",
		bd != NULL ? bd : ".", args);
	int rc = system(cmd);

	return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f != NULL && fputs(text, f) >= 0);
	fclose(f);
}

Test(licenses, ide_verifier_accepts_answers_and_machine_files_only_as_issued,
	.timeout = 120)
{
	struct lic L;
	struct client_resp r;
	struct json_object *o, *p;
	unsigned char pub[32];
	const char *fp = fp_new();
	char dir[] = "/tmp/licideXXXXXX", *pem, *ans, *file, *bad, *tok,
		*payload, body[4600];
	int64_t exp;
	size_t len;

	cr_assert(mkdtemp(dir) != NULL);
	stack_pub(signed_kid(), pub);
	pem = arena_printf(A, "%s/pub.pem", dir);
	pub_pem_file(pub, pem);
	lic_make(&L, "team", 3, "active", "UTC_TIMESTAMP() + INTERVAL 1 DAY",
		"NULL");
	cr_assert_eq(ide_verify(arena_printf(A, "key %s '%s'", pem, L.key)), 0);

	/* A signed answer: its nonce, not another; not a changed one. */
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"nonce\":\"ide-nonce-0001\"}", L.key);
	cr_assert_eq(post(VALIDATE, body, &r), 200);
	ans = arena_printf(A, "%s/answer.json", dir);
	put_file(ans, r.body);
	cr_assert_eq(ide_verify(arena_printf(A, "response %s %s ide-nonce-0001",
		pem, ans)), 0);
	cr_assert_eq(ide_verify(arena_printf(A, "response %s %s ide-nonce-0002",
		pem, ans)), 1, "another nonce: a replayed answer");
	cr_assert(strstr(r.body, "\"valid\":true") != NULL);
	bad = arena_strdup(A, r.body);
	memcpy(strstr(bad, "\"valid\":true"), "\"valid\":0   ", 12);
	put_file(ans, bad);
	cr_assert_eq(ide_verify(arena_printf(A, "response %s %s ide-nonce-0001",
		pem, ans)), 1, "a changed field");
	client_free(&r);

	/* An encrypted machine file: for its fingerprint and key only. */
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"%s\",\"encrypt\":true}", L.key, fp);
	post(ACTIVATE, body, &r);
	o = client_expect_json(&r, 201);
	file = arena_printf(A, "%s/machine", dir);
	put_file(file, client_json_str(o, "machine_file"));
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(ide_verify(arena_printf(A, "machine %s %s '%s' %s", pem,
		file, L.key, fp)), 0);
	cr_assert_eq(ide_verify(arena_printf(A, "machine %s %s '%s' %s", pem,
		file, L.key, "another-machine-fp-0001")), 1);
	{
		char *text = client_file(file);
		size_t n = strlen(text);

		text[n / 2] = text[n / 2] == 'A' ? 'B' : 'A';
		put_file(file, text);
		free(text);
	}
	cr_assert_eq(ide_verify(arena_printf(A, "machine %s %s '%s' %s", pem,
		file, L.key, fp)), 1, "a tampered file");

	/* A file past its TTL (capped by a licence that ends in seconds):
	 * refused once its exp has passed. */
	lic_make(&L, "team", 3, "active", "UTC_TIMESTAMP() + INTERVAL 3 SECOND",
		"NULL");
	snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
		"\"machine_id\":\"%s\"}", L.key, fp);
	post(ACTIVATE, body, &r);
	o = client_expect_json(&r, 201);
	tok = arena_strdup(A, client_json_str(o, "offline_token"));
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(signed_check_key(A, SIGNED_MACHINE, tok, signed_kid(), pub,
		&payload, &len), 0);
	p = json_tokener_parse(payload);
	exp = json_object_get_int64(json_object_object_get(p, "exp"));
	json_object_put(p);
	while (time(NULL) <= exp)
		sleep(1);
	put_file(file, tok);
	cr_assert_eq(ide_verify(arena_printf(A, "machine %s %s '%s' %s", pem,
		file, L.key, fp)), 1, "past its exp");
	cr_assert_eq(system(arena_printf(A, "rm -rf %s", dir)), 0);
}

/* A licence key signed by a signing key that is later retired stops
 * validating, on every worker: workers remember the keys they have
 * verified (to spare the Ed25519 check), but only while the key's kid is
 * still in the keyring, which they read again within 5 s. */
Test(licenses, keys_of_a_retired_signing_key_stop_validating)
{
	struct lic L;
	char path[512], cmd[2048], kid2[17], *out = NULL, *stack, *tok;
	int i;

	lic_make(&L, "team", 2, "active", "UTC_TIMESTAMP() + INTERVAL 1 DAY",
		"NULL");
	snprintf(path, sizeof(path), "%s/retire-%d.pem",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	unlink(path);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' keys generate --out '%s'",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), path);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	cr_assert(strlen(out) >= 16, "%s", out);
	memcpy(kid2, out, 16);
	kid2[16] = '\0';
	free(out);
	/* The licence key, signed by the new key. */
	stack = client_config("license_signing_key_file", NULL);
	signed_done();
	cr_assert_eq(signed_init(path), 0);
	tok = key_for(L.lid, "team", SIGNED_LICENSE);
	signed_done();
	cr_assert_eq(signed_init(stack), 0);
	free(stack);
	/* Enough requests to reach every worker, each now remembering it. */
	for (i = 0; i < 16; i++)
		expect_code(tok, "", "VALID");
	snprintf(cmd, sizeof(cmd), "%s -c '%s' keys retire %s", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"), kid2);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);
	sleep(6);
	for (i = 0; i < 16; i++)
		expect_code(tok, "", "NOT_FOUND");
	unlink(path);
}
