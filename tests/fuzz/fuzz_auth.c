/* libFuzzer target for the Authorization header path: the input is the
 * header value, handed to token_from_authorization and token_verify with
 * a fixed configuration, as api_authenticate does. Inputs starting with
 * '!' instead carry a token payload: it is signed with the right key
 * under a fixed HS256 header, so the claim checks behind the signature
 * are fuzzed too, not only the refusal of bad signatures. A token that
 * verifies must carry what token_verify promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "err.h"
#include "role.h"
#include "token.h"

#define NOW 1900000000LL           /* a fixed clock: runs are repeatable */
#define MAX_INPUT 8192

static char secret[] = "fuzz-key-0123456789abcdef0123456789abcdef";
static char issuer[] = "https://api.devforge.test";
static char audience[] = "devforge-api";
static struct config cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_claims(const struct token_claims *c)
{
	/* What token_verify promises about a token it accepts. */
	if (c->exp <= NOW || c->iat > NOW + 60 || c->sub[0] == '\0' ||
	    memchr(c->sub, '\0', sizeof(c->sub)) == NULL ||
	    memchr(c->jti, '\0', sizeof(c->jti)) == NULL ||
	    role_name(c->role) == NULL)
		abort();
}

/* "Bearer " + b64url({"alg":"HS256","typ":"JWT"}) "." b64url(payload)
 * "." b64url(HMAC-SHA256) into out. */
static void sign(const uint8_t *payload, size_t len, char *out)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	unsigned char mac[32];
	size_t n = 0;

	memcpy(out, "Bearer ", 7);
	n = 7;
	n += crypto_b64url_encode((const unsigned char *)header,
		sizeof(header) - 1, out + n);
	out[n++] = '.';
	n += crypto_b64url_encode(payload, len, out + n);
	crypto_hmac_sha256(secret, sizeof(secret) - 1, out + 7, n - 7, mac);
	out[n++] = '.';
	n += crypto_b64url_encode(mac, sizeof(mac), out + n);
	out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[4 * MAX_INPUT / 3 + 256];
	struct token_claims c;
	const char *tok;

	if (cfg.jwt_secret == NULL) {
		cfg.jwt_secret = secret;
		cfg.jwt_secret_len = sizeof(secret) - 1;
		cfg.jwt_issuer = issuer;
		cfg.jwt_audience = audience;
		cfg.access_token_ttl = 900;
	}
	if (size > MAX_INPUT)
		return 0;
	if (size > 0 && data[0] == '!') {
		sign(data + 1, size - 1, buf);
	} else {
		/* A header value is a C string: stop at the first NUL, as
		 * the FastCGI params would. */
		size_t n = strnlen((const char *)data, size);
		memcpy(buf, data, n);
		buf[n] = '\0';
	}

	tok = token_from_authorization(buf);
	if (tok == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	if (token_verify(&cfg, tok, NOW, &c) == 0)
		check_claims(&c);
	return 0;
}
