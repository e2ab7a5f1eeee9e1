/* Stores: license_machines, signing_keys, tx. */
/* The licence routes the IDE calls with its licence key: validate (always
 * 200 for a well-formed request, a code in the fixed precedence of
 * core/licpolicy.h, the answer signed in the response domain so a
 * replayed or forged one is refused), activate (the licence row locked:
 * seats cannot be oversold by parallel activations; the machine file),
 * deactivate and the floating seat's heartbeat. The key is found by its
 * signature and its "lid", never by a lookup of the text: a key re-signed
 * after a renewal and an older one both name the licence, and the row is
 * the truth. Nothing about the owner is ever answered. */
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "clock.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "licpolicy.h"
#include "machfile.h"
#include "problem.h"
#include "signed.h"
#include "validate.h"
#include "store/license_machines.h"
#include "store/signing_keys.h"
#include "store/tx.h"

#define NONCE_MIN 8
#define NONCE_MAX 64
#define ENTITLEMENTS_MAX 32
#define FEATURE_MAX 64
#define MACHINE_NAME_MAX 255
/* How long a worker keeps the keyring it read (a rotation reaches every
 * worker within this; an unknown kid re-reads it at once anyway). */
#define RING_TTL_S 5

static int b64url_part(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* A licence key's shape: two base64url parts. What they hold is the
 * signature check's (a well-formed key that does not verify is a
 * NOT_FOUND answer, not a bad request). */
static int v_key(struct json_object *v, const char **code, const char **msg)
{
	const char *s = json_object_get_string(v);
	const char *dot = strchr(s, '.');
	size_t len = strlen(s);

	return json_v_format(code, msg, dot != NULL &&
		b64url_part(s, (size_t)(dot - s)) &&
		b64url_part(dot + 1, len - (size_t)(dot - s) - 1),
		"must be a licence key: two base64url parts joined by a dot");
}

static int v_machine(struct json_object *v, const char **code,
	const char **msg)
{
	const char *s = json_object_get_string(v);

	return json_v_format(code, msg, licpolicy_fingerprint_ok(s, strlen(s)),
		"must be 16-128 characters of A-Z a-z 0-9 _ . : -");
}

static int v_nonce(struct json_object *v, const char **code, const char **msg)
{
	const char *s = json_object_get_string(v);

	return json_v_format(code, msg, b64url_part(s, strlen(s)),
		"must be 8-64 characters of A-Z a-z 0-9 _ -");
}

#define KEY_FIELD \
	{ .name = "license_key", .type = JF_STRING, .required = 1, .min = 3, \
	  .max = SIGNED_MAX_TOKEN, .validate = v_key }
#define MACHINE_FIELD(req) \
	{ .name = "machine_id", .type = JF_STRING, .required = (req), \
	  .min = LICPOLICY_FP_MIN, .max = LICPOLICY_FP_MAX, \
	  .validate = v_machine }

static const struct json_field validate_fields[] = {
	KEY_FIELD,
	MACHINE_FIELD(0),
	{ .name = "nonce", .type = JF_STRING, .min = NONCE_MIN,
	  .max = NONCE_MAX, .validate = v_nonce },
	{ .name = "entitlements", .type = JF_ARRAY, .max = ENTITLEMENTS_MAX },
};

static const struct json_field activate_fields[] = {
	KEY_FIELD,
	MACHINE_FIELD(1),
	{ .name = "machine_name", .type = JF_STRING, .min = 1,
	  .max = MACHINE_NAME_MAX, .validate = api_v_line, .nullable = 1 },
	{ .name = "encrypt", .type = JF_BOOL },
};

static const struct json_field deactivate_fields[] = {
	KEY_FIELD,
	MACHINE_FIELD(1),
};

static const struct json_field heartbeat_fields[] = {
	KEY_FIELD,
};

/* entitlements: feature codes, each a non-empty string. */
static int validate_check(struct request *req)
{
	struct json_object *e = json_get(req->json, "entitlements");

	if (e == NULL || !json_object_is_type(e, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(e); i++) {
		struct json_object *it = json_object_array_get_idx(e, i);
		size_t len;

		if (!json_object_is_type(it, json_type_string) ||
		    (len = (size_t)json_object_get_string_len(it)) == 0 ||
		    len > FEATURE_MAX ||
		    !b64url_part(json_object_get_string(it), len)) {
			problem_add_error(req, "entitlements", "invalid_format",
				"must be feature codes: 1-64 characters of "
				"A-Z a-z 0-9 _ -");
			break;
		}
	}
	return 0;
}

/* The worker's copy of the keyring, read again after RING_TTL_S or when
 * a key names a kid it does not hold (a key signed by a key made since). */
static struct signed_keyring ring;
static int64_t ring_at;
static int ring_ok;

static int ring_load(int force)
{
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (!force && ring_ok && now - ring_at < RING_TTL_S)
		return 0;
	rc = store_sigkeys_ring(&ring);
	ring_ok = rc == 0;
	ring_at = now;
	return rc;
}

/* Keys this worker has verified, by the SHA-256 of the whole key: a key
 * never changes, so its Ed25519 verification (0.12 ms, most of a
 * validation's CPU) need not be repeated. An entry counts only while its
 * kid is still in the keyring, so retiring a key ends its keys here too
 * (at the next ring reload). Direct-mapped: a collision just verifies
 * again. */
#define VERIFIED_SLOTS 512
struct verified_key {
	unsigned char hash[32];
	char kid[17];
	char lid[37];
};
static struct verified_key verified[VERIFIED_SLOTS];

static int ring_has(const char *kid)
{
	size_t i;

	for (i = 0; i < ring.n; i++)
		if (strcmp(ring.kid[i], kid) == 0)
			return 1;
	return 0;
}

static struct verified_key *verified_slot(const unsigned char h[32])
{
	return &verified[((size_t)h[0] << 8 | h[1]) % VERIFIED_SLOTS];
}

/* The licence a key names: 0 with *l; DF_ENOTFOUND for a key that does
 * not verify (unknown kid, wrong signature, another domain's, malformed
 * inside) or names no licence; another df_err on failure. lock: the
 * licence row stays locked until the caller's transaction ends. */
static int key_licence(struct request *req, const char *key, int lock,
	struct store_lm_license *l)
{
	struct json_object *p, *lid, *kid;
	struct verified_key *v;
	unsigned char h[32];
	char *payload = NULL;
	size_t len = 0;
	int rc;

	rc = ring_load(0);
	if (rc != 0)
		return rc;
	crypto_sha256(key, strlen(key), h);
	v = verified_slot(h);
	if (v->kid[0] != '\0' && memcmp(v->hash, h, sizeof(h)) == 0 &&
	    ring_has(v->kid))
		return store_lm_license_get(req->arena, v->lid, lock, l);
	rc = signed_check(req->arena, SIGNED_LICENSE, key, &ring, &payload,
		&len);
	if (rc == DF_EAUTH) {
		rc = ring_load(1);
		if (rc != 0)
			return rc;
		rc = signed_check(req->arena, SIGNED_LICENSE, key, &ring,
			&payload, &len);
	}
	if (rc == DF_EAUTH || rc == DF_EINVAL)
		return DF_ENOTFOUND;
	if (rc != 0)
		return rc;
	if (json_parse_body(req, payload, len, 4, &p) != 0)
		return DF_ENOTFOUND;
	lid = json_get(p, "lid");
	if (lid == NULL || !json_object_is_type(lid, json_type_string) ||
	    !validate_uuid(json_object_get_string(lid)))
		return DF_ENOTFOUND;
	/* signed_check has checked kid's form (16 hex digits). */
	kid = json_get(p, "kid");
	if (kid != NULL && json_object_is_type(kid, json_type_string) &&
	    strlen(json_object_get_string(kid)) == 16) {
		memcpy(v->hash, h, sizeof(h));
		memcpy(v->kid, json_object_get_string(kid), 17);
		memcpy(v->lid, json_object_get_string(lid), 37);
	}
	return store_lm_license_get(req->arena, json_object_get_string(lid),
		lock, l);
}

static struct licpolicy_licence policy_of(const struct store_lm_license *l)
{
	struct licpolicy_licence p = {
		.found = 1,
		.revoked = strcmp(l->status, "revoked") == 0,
		.suspended = strcmp(l->status, "suspended") == 0,
		.has_expiry = l->has_expiry,
		.expires_at = l->expires_at,
		.node_locked = l->node_locked,
		.seats = l->max_activations,
		.overage_pct = l->overage_pct,
		.active_machines = l->active_machines,
	};

	/* A status written "expired" by an older release: expired now, as
	 * if its date had passed. */
	if (strcmp(l->status, "expired") == 0) {
		p.has_expiry = 1;
		if (!l->has_expiry || l->expires_at >= (int64_t)clock_now())
			p.expires_at = INT64_MIN;
	}
	return p;
}

/* The state a licence is in now, as clients see it. */
static const char *state_of(const struct licpolicy_licence *p, int64_t now)
{
	return p->revoked ? "revoked" : p->suspended ? "suspended" :
		licpolicy_expired(p, now) ? "expired" : "active";
}

static const char *iso(struct request *req, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[32];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	return arena_strdup(req->arena, buf);
}

/* The plan's features, as the request's array and as strings. */
static int load_features(struct request *req, const struct store_lm_license *l,
	struct json_object **arr_out, const char ***names, size_t *n)
{
	struct json_object *arr = json_new_array(req), *parsed;
	size_t len;

	*arr_out = arr;
	*n = 0;
	*names = NULL;
	if (arr == NULL)
		return DF_ENOMEM;
	if (l == NULL)
		return 0;
	parsed = json_tokener_parse(l->features);
	if (parsed == NULL || !json_object_is_type(parsed,
	    json_type_array)) {
		json_object_put(parsed);
		return 0;
	}
	len = json_object_array_length(parsed);
	*names = arena_calloc(req->arena, len + 1, sizeof(**names));
	if (*names == NULL) {
		json_object_put(parsed);
		return DF_ENOMEM;
	}
	for (size_t i = 0; i < len; i++) {
		struct json_object *it = json_object_array_get_idx(parsed, i);
		const char *s;

		if (!json_object_is_type(it, json_type_string))
			continue;
		s = arena_strdup(req->arena, json_object_get_string(it));
		if (s == NULL || json_push_str(arr, s) != 0) {
			json_object_put(parsed);
			return DF_ENOMEM;
		}
		(*names)[(*n)++] = s;
	}
	json_object_put(parsed);
	return 0;
}

/* The problem type of a licence refusal: the validation code, lower
 * case ("TOO_MANY_MACHINES" → too_many_machines). */
static int refuse(struct request *req, int status, enum licpolicy_code c)
{
	static const char *const types[] = {
		[LICPOLICY_NOT_FOUND] = "license_not_found",
		[LICPOLICY_REVOKED] = "license_revoked",
		[LICPOLICY_SUSPENDED] = "license_suspended",
		[LICPOLICY_EXPIRED] = "license_expired",
		[LICPOLICY_TOO_MANY_MACHINES] = "too_many_machines",
	};
	static const char *const details[] = {
		[LICPOLICY_NOT_FOUND] = "No licence has this key (NOT_FOUND).",
		[LICPOLICY_REVOKED] = "The licence is revoked (REVOKED).",
		[LICPOLICY_SUSPENDED] = "The licence is suspended while a "
			"payment is disputed (SUSPENDED).",
		[LICPOLICY_EXPIRED] = "The licence has expired (EXPIRED); an "
			"expired licence activates no new machine.",
		[LICPOLICY_TOO_MANY_MACHINES] = "Every seat of the licence is "
			"taken (TOO_MANY_MACHINES): deactivate a machine first.",
	};

	if ((size_t)c >= sizeof(types) / sizeof(types[0]) || types[c] == NULL)
		return DF_EINTERNAL;
	return problem_send(req, status, types[c], details[c]);
}

static int no_signer(struct request *req)
{
	return problem_send(req, 503, NULL,
		"Licence signing is not configured on this server.");
}

/* Serialises o with "kid" into a token of domain d (o is left as it
 * was). */
static int sign_object(struct request *req, struct json_object *o,
	enum signed_domain d, char **token)
{
	const char *text;
	size_t len = 0;
	int rc;

	rc = json_set_str(o, "kid", signed_kid());
	if (rc != 0)
		return rc;
	text = json_object_to_json_string_length(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	rc = text == NULL ? DF_ENOMEM :
		signed_make(req->arena, d, text, len, token);
	json_object_object_del(o, "kid");
	return rc;
}

static int validate_post(struct request *req)
{
	const char *key = json_get_str(req->json, "license_key", NULL);
	const char *fp = json_get_str(req->json, "machine_id", NULL);
	const char *nonce = json_get_str(req->json, "nonce", NULL);
	struct json_object *ents = json_get(req->json, "entitlements");
	struct licpolicy_licence p = { 0 };
	struct licpolicy_ask q = { .machine_given = fp != NULL };
	struct store_lm_license l = { 0 };
	struct store_lm_machine m;
	struct json_object *o, *feats;
	const char **names, **want = NULL;
	enum licpolicy_code c;
	int64_t now = (int64_t)clock_now();
	size_t nn, nw = 0;
	char *sig;
	int rc;

	if (signed_kid() == NULL)
		return no_signer(req);
	rc = key_licence(req, key, 0, &l);
	if (rc != 0 && rc != DF_ENOTFOUND)
		return rc;
	if (rc == 0)
		p = policy_of(&l);
	rc = load_features(req, p.found ? &l : NULL, &feats, &names, &nn);
	if (rc != 0)
		return rc;
	if (p.found && fp != NULL) {
		rc = store_lm_machine_by_fp(req->arena, l.id, fp, &m);
		if (rc != 0 && rc != DF_ENOTFOUND)
			return rc;
		/* Culled with its seat kept: not running until it is
		 * activated again. */
		q.machine_active = rc == 0 && !m.culled;
	}
	if (ents != NULL && json_object_is_type(ents, json_type_array)) {
		nw = json_object_array_length(ents);
		want = arena_calloc(req->arena, nw + 1, sizeof(*want));
		if (want == NULL)
			return DF_ENOMEM;
		for (size_t i = 0; i < nw; i++)
			want[i] = json_object_get_string(
				json_object_array_get_idx(ents, i));
	}
	q.entitled = licpolicy_has_all(names, nn, want, nw);
	c = licpolicy_validate(&p, &q, now);

	o = json_new_object(req);
	if (o == NULL || json_set_bool(o, "valid", c == LICPOLICY_VALID) ||
	    json_set_str(o, "code", licpolicy_code_name(c)) ||
	    json_set_str(o, "plan", p.found ? l.plan : NULL) ||
	    json_set_str(o, "status", p.found ? state_of(&p, now) : NULL) ||
	    json_set_str(o, "expires_at", p.found && l.has_expiry ?
		iso(req, l.expires_at) : NULL) ||
	    json_set(o, "features", feats))
		return DF_ENOMEM;
	/* Perpetual fallback: still EXPIRED, and what was released before
	 * this moment stays the customer's. */
	if (c == LICPOLICY_EXPIRED && l.perpetual_fallback && l.has_expiry &&
	    json_set_str(o, "fallback_until", iso(req, l.expires_at)))
		return DF_ENOMEM;
	if ((nonce != NULL && json_set_str(o, "nonce", nonce)) ||
	    json_set_int(o, "ts", now))
		return DF_ENOMEM;
	rc = sign_object(req, o, SIGNED_RESPONSE, &sig);
	if (rc != 0)
		return rc;
	if (json_set_str(o, "signature", sig))
		return DF_ENOMEM;
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "no-store");
	return rc;
}

/* The machine file's token: what the IDE may trust offline until exp
 * (the plan's TTL, never past the licence's own expiry). */
static int machine_token(struct request *req, const struct store_lm_license *l,
	const struct store_lm_machine *m, struct json_object *feats,
	int64_t now, char **token)
{
	struct json_object *o = json_new_object(req);
	int64_t exp = now + (int64_t)l->machine_file_ttl_s;

	if (l->has_expiry && l->expires_at < exp)
		exp = l->expires_at;
	if (o == NULL || json_set_str(o, "lid", l->public_id) ||
	    json_set_str(o, "mid", m->public_id) ||
	    json_set_str(o, "fp", m->fingerprint) ||
	    json_set_str(o, "plan", l->plan) ||
	    json_set(o, "features", feats) ||
	    json_set_int(o, "iat", now) || json_set_int(o, "exp", exp))
		return DF_ENOMEM;
	if (l->has_expiry ? json_set_int(o, "lexp", l->expires_at) :
	    json_set(o, "lexp", NULL))
		return DF_ENOMEM;
	return sign_object(req, o, SIGNED_MACHINE, token);
}

static struct json_object *license_view(struct request *req,
	const struct store_lm_license *l, int64_t now)
{
	struct licpolicy_licence p = policy_of(l);
	struct json_object *o = json_new_object(req);

	if (o == NULL || json_set_str(o, "id", l->public_id) ||
	    json_set_str(o, "plan", l->plan) ||
	    json_set_str(o, "status", state_of(&p, now)) ||
	    json_set_int(o, "max_activations", l->max_activations) ||
	    json_set_int(o, "activations", l->active_machines) ||
	    json_set_str(o, "expires_at", l->has_expiry ?
		iso(req, l->expires_at) : NULL))
		return NULL;
	return o;
}

/* Inside the transaction, the licence row locked: the seat count read
 * cannot change until the machine is added and committed, so parallel
 * activations take the free seats one at a time and the rest get 409. */
static int activate_tx(struct request *req, const char *key, const char *fp,
	const char *name, struct store_lm_license *l,
	struct store_lm_machine *m, int *created, int64_t now)
{
	struct licpolicy_licence p;
	enum licpolicy_code c;
	int rc;

	rc = key_licence(req, key, 1, l);
	if (rc == DF_ENOTFOUND)
		return refuse(req, 404, LICPOLICY_NOT_FOUND);
	if (rc != 0)
		return rc;
	rc = store_lm_machine_by_fp(req->arena, l->id, fp, m);
	if (rc != 0 && rc != DF_ENOTFOUND)
		return rc;
	*created = rc == DF_ENOTFOUND;
	p = policy_of(l);
	c = licpolicy_activate(&p, !*created, now);
	if (c != LICPOLICY_VALID)
		return refuse(req, 409, c);
	if (!*created)
		return m->culled ? store_lm_revive(m->id, now) : 0;
	rc = store_lm_activate(req->arena, l->id, fp, name, now, m);
	if (rc != 0)
		return rc;
	l->active_machines++;
	if (l->first_activated)
		return 0;
	rc = store_lm_start_term(l->id, l->term_first_activation, now);
	if (rc == 0 && l->term_first_activation && !l->has_expiry &&
	    l->has_term) {
		l->has_expiry = 1;
		l->expires_at = now + l->term_seconds;
	}
	return rc;
}

static int activate_post(struct request *req)
{
	const char *key = json_get_str(req->json, "license_key", NULL);
	const char *fp = json_get_str(req->json, "machine_id", NULL);
	const char *name = json_get_str(req->json, "machine_name", NULL);
	struct json_object *enc = json_get(req->json, "encrypt");
	struct store_lm_license l;
	struct store_lm_machine m;
	struct json_object *o, *feats, *lic;
	const char **names;
	char *token, *file = NULL;
	int64_t now = (int64_t)clock_now();
	int created = 0, rc;
	size_t nn;

	if (signed_kid() == NULL)
		return no_signer(req);
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = activate_tx(req, key, fp, name, &l, &m, &created, now);
	/* The answer is made before the commit: a token that cannot be
	 * signed leaves no machine behind. */
	if (rc == 0)
		rc = load_features(req, &l, &feats, &names, &nn);
	if (rc == 0)
		rc = machine_token(req, &l, &m, feats, now, &token);
	if (rc == 0 && enc != NULL && json_object_get_boolean(enc))
		rc = machfile_encrypt(req->arena, token, key, fp, &file);
	if (rc == DF_ERESPONDED) {
		store_tx_rollback();
		return rc;
	}
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	lic = license_view(req, &l, now);
	o = json_new_object(req);
	if (lic == NULL || o == NULL || json_set(o, "license", lic) ||
	    json_set_str(o, "activation_id", m.public_id) ||
	    json_set(o, "features", feats) ||
	    json_set_str(o, "offline_token", token) ||
	    (file != NULL && json_set_str(o, "machine_file", file)))
		return DF_ENOMEM;
	rc = http_set_json(req, created ? 201 : 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "no-store");
	return rc;
}

static int deactivate_post(struct request *req)
{
	const char *key = json_get_str(req->json, "license_key", NULL);
	const char *fp = json_get_str(req->json, "machine_id", NULL);
	struct store_lm_license l;
	int rc;

	rc = key_licence(req, key, 0, &l);
	if (rc == DF_ENOTFOUND)
		return refuse(req, 404, LICPOLICY_NOT_FOUND);
	if (rc != 0)
		return rc;
	rc = store_lm_deactivate(l.id, fp, (int64_t)clock_now());
	if (rc == DF_ENOTFOUND)
		return problem_send(req, 404, "machine_not_found",
			"No active machine of this licence has this machine_id.");
	if (rc != 0)
		return rc;
	http_set_status(req, 204);
	return http_set_header(req, "Cache-Control", "no-store");
}

static int heartbeat_post(struct request *req)
{
	const char *key = json_get_str(req->json, "license_key", NULL);
	const char *mid = router_param(req, "id");
	struct store_lm_license l;
	struct store_lm_machine m;
	struct licpolicy_licence p;
	enum licpolicy_code c;
	struct json_object *o;
	int64_t now = (int64_t)clock_now();
	int rc;

	rc = key_licence(req, key, 0, &l);
	if (rc == DF_ENOTFOUND)
		return refuse(req, 404, LICPOLICY_NOT_FOUND);
	if (rc != 0)
		return rc;
	rc = mid != NULL && validate_uuid(mid) ?
		store_lm_machine_get(req->arena, l.id, mid, &m) : DF_ENOTFOUND;
	if (rc == DF_ENOTFOUND)
		return problem_send(req, 404, "machine_not_found",
			"The licence has no machine with this id.");
	if (rc != 0)
		return rc;
	if (!m.active || m.culled)
		return problem_send(req, 404, m.culled ? "machine_culled" :
			"machine_deactivated", m.culled ?
			"The machine missed its heartbeats and was culled: "
			"activate it again." :
			"The machine was deactivated: activate it again.");
	p = policy_of(&l);
	c = licpolicy_activate(&p, 1, now);
	if (c != LICPOLICY_VALID)
		return refuse(req, 409, c);
	rc = store_lm_heartbeat(req->arena, l.id, mid, now);
	if (rc == DF_ENOTFOUND)
		return problem_send(req, 404, "machine_deactivated",
			"The machine was deactivated: activate it again.");
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "id", m.public_id) ||
	    json_set_str(o, "last_heartbeat_at", iso(req, now)) ||
	    json_set_str(o, "next_heartbeat_before",
		iso(req, now + (int64_t)l.heartbeat_window_s)))
		return DF_ENOMEM;
	rc = http_set_json(req, 200, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "no-store");
	return rc;
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/licenses/validate",
	  .handler = validate_post, .role = ROLE_NONE, .rl = RL_LICENSE,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(validate_fields),
	  .check = validate_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/licenses/activate",
	  .handler = activate_post, .role = ROLE_NONE, .rl = RL_LICENSE,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(activate_fields) },
	{ .method = HTTP_POST, .pattern = "/api/v1/licenses/deactivate",
	  .handler = deactivate_post, .role = ROLE_NONE, .rl = RL_LICENSE,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(deactivate_fields) },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/licenses/machines/{id}/heartbeat",
	  .handler = heartbeat_post, .role = ROLE_NONE, .rl = RL_LICENSE,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(heartbeat_fields) },
};

const struct route_table api_licenses_table = {
	"licenses", routes, sizeof(routes) / sizeof(routes[0])
};
