/* GET /licenses/public-key: the public halves of the licence signing
 * keys in use, as PEM and JWK (RFC 8037), so an IDE or a customer's
 * server verifies licence keys, machine files and validation answers
 * offline. Every unretired key is listed (a token signed before a
 * rotation still verifies); `current` marks the one this worker signs
 * with. Read from the database each time: keys change through
 * devforgectl, outside the workers' response cache. */
#include <string.h>
#include "api.h"
#include "arena.h"
#include "crypto.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "signed.h"
#include "store/signing_keys.h"

static struct json_object *key_json(struct request *req,
	const struct store_sigkey *k, const char *current)
{
	struct json_object *o = json_new_object(req), *jwk = json_new_object(req);
	char pem[CRYPTO_ED25519_PEM_LEN], x[44];

	if (o == NULL || jwk == NULL)
		return NULL;
	crypto_ed25519_public_pem(k->pub, pem);
	crypto_b64url_encode(k->pub, sizeof(k->pub), x);
	if (json_set_str(jwk, "kty", "OKP") || json_set_str(jwk, "crv", "Ed25519") ||
	    json_set_str(jwk, "x", x) || json_set_str(jwk, "kid", k->kid) ||
	    json_set_str(jwk, "use", "sig") ||
	    json_set_str(o, "kid", k->kid) || json_set_str(o, "alg", "EdDSA") ||
	    json_set_str(o, "crv", "Ed25519") || json_set_str(o, "pem", pem) ||
	    json_set(o, "jwk", jwk) ||
	    json_set_str(o, "created_at", k->created_at) ||
	    json_set_bool(o, "current", current != NULL &&
		strcmp(current, k->kid) == 0))
		return NULL;
	return o;
}

static int public_key_get(struct request *req)
{
	struct store_sigkey *k = NULL;
	struct json_object *o, *keys, *j;
	const char *current = signed_kid();
	size_t n = 0, i;
	int rc;

	rc = store_sigkeys_list(req->arena, &k, &n);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	keys = json_new_array(req);
	if (o == NULL || keys == NULL || json_set(o, "keys", keys))
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		if (k[i].retired_at[0] != '\0')
			continue;
		j = key_json(req, &k[i], current);
		if (j == NULL || json_push(keys, j))
			return DF_ENOMEM;
	}
	/* The same for everyone and rarely changed: caches may keep it a
	 * few minutes (a new key is published before it signs). */
	if (http_set_header(req, "Cache-Control", "public, max-age=300") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/licenses/public-key",
	  .handler = public_key_get, .role = ROLE_NONE, .rl = RL_DEFAULT },
};

const struct route_table api_license_keys_table = {
	"license_keys", routes, sizeof(routes) / sizeof(routes[0])
};
