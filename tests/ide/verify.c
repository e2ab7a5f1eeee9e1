/* What an IDE does offline with what the licensing routes hand out, in
 * one standalone program that uses only OpenSSL and json-c (no code of
 * the server's), so it proves the formats are usable as documented:
 *
 *   verify key PUBPEM TOKEN
 *       TOKEN is a licence key: an Ed25519 signature by PUBPEM's key in
 *       domain "license", its payload naming that key's kid.
 *   verify response PUBPEM JSON NONCE
 *       JSON (text, or a file) is a POST /licenses/validate answer: its
 *       "signature" is a "response" token whose payload is the answer
 *       itself (every other field, equal) plus kid; nonce echoed; ts
 *       within 5 minutes of now.
 *   verify machine PUBPEM FILE LICENSE_KEY FINGERPRINT
 *       FILE holds a machine file ("enc1." AES-256-GCM under
 *       SHA-256(LICENSE_KEY || FINGERPRINT), AAD "devforge-machine-file")
 *       or a bare machine token: decrypted, a "machine" token of the
 *       key, its fp the FINGERPRINT, now within [iat - 5 min, exp).
 *
 * PUBPEM is a file with the SubjectPublicKeyInfo PEM of
 * GET /licenses/public-key. Exit 0 valid, 1 invalid (the reason on
 * stderr), 2 usage. The payload is printed on stdout when valid. */
#define _GNU_SOURCE  /* strptime, timegm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define MAX_TOKEN 4096
#define SKEW 300

static int bad(const char *why)
{
	fprintf(stderr, "invalid: %s\n", why);
	return 1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(65536);
	if (buf == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, 65535, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

/* Strict unpadded base64url; -1 on any other character or length. */
static long b64url(const char *in, size_t len, unsigned char *out)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		char c = in[i];
		int v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-')
			v = 62;
		else if (c == '_')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1ul << bits) - 1;
		}
	}
	return acc != 0 ? -1 : (long)o;
}

static EVP_PKEY *load_pub(const char *path, char kid[17])
{
	unsigned char raw[32], md[32];
	size_t n = sizeof(raw);
	FILE *f = fopen(path, "r");
	EVP_PKEY *pk;
	int i;

	if (f == NULL)
		return NULL;
	pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (pk == NULL || EVP_PKEY_get_id(pk) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(pk, raw, &n) != 1 || n != 32) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	/* kid: the first 16 hex digits of SHA-256 of the raw key. */
	EVP_Digest(raw, 32, md, NULL, EVP_sha256(), NULL);
	for (i = 0; i < 8; i++)
		snprintf(kid + 2 * i, 3, "%02x", md[i]);
	return pk;
}

/* Verifies token in domain with pk; the payload parsed into *out. */
static int check_token(EVP_PKEY *pk, const char *kid, const char *domain,
	const char *token, struct json_object **out)
{
	unsigned char sig[64], payload[MAX_TOKEN];
	char msg[MAX_TOKEN + 16];
	const char *dot;
	struct json_object *o, *k;
	EVP_MD_CTX *ctx;
	size_t tlen = strlen(token), plen;
	long n;
	int ok;

	*out = NULL;
	if (tlen > MAX_TOKEN)
		return bad("token over 4 KiB");
	dot = strchr(token, '.');
	if (dot == NULL || dot == token)
		return bad("not base64url.base64url");
	plen = (size_t)(dot - token);
	if (strlen(dot + 1) != 86 || b64url(dot + 1, 86, sig) != 64)
		return bad("signature is not 64 bytes of base64url");
	n = b64url(token, plen, payload);
	if (n <= 0)
		return bad("payload is not base64url");
	payload[n] = '\0';
	snprintf(msg, sizeof(msg), "%s/%.*s", domain, (int)plen, token);
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL &&
		EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1 &&
		EVP_DigestVerify(ctx, sig, 64, (unsigned char *)msg,
			strlen(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return bad("signature does not verify (key or domain)");
	if (strlen((char *)payload) != (size_t)n)
		return bad("NUL in the payload");
	o = json_tokener_parse((char *)payload);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return bad("payload is not a JSON object");
	}
	if (!json_object_object_get_ex(o, "kid", &k) ||
	    !json_object_is_type(k, json_type_string) ||
	    strcmp(json_object_get_string(k), kid) != 0) {
		json_object_put(o);
		return bad("payload's kid is not this key's");
	}
	*out = o;
	return 0;
}

static int64_t int_field(struct json_object *o, const char *name, int *ok)
{
	struct json_object *v;

	*ok = json_object_object_get_ex(o, name, &v) &&
		json_object_is_type(v, json_type_int);
	return *ok ? json_object_get_int64(v) : 0;
}

/* ts as unix seconds or RFC 3339 UTC ("...Z"). */
static int ts_field(struct json_object *o, time_t *out)
{
	struct json_object *v;
	struct tm tm;
	const char *s, *end;

	if (!json_object_object_get_ex(o, "ts", &v))
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		*out = (time_t)json_object_get_int64(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		return -1;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	if (strcmp(end, "Z") != 0)
		return -1;
	*out = timegm(&tm);
	return 0;
}

static int cmd_key(EVP_PKEY *pk, const char *kid, const char *token)
{
	struct json_object *p;

	if (check_token(pk, kid, "license", token, &p) != 0)
		return 1;
	puts(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN));
	json_object_put(p);
	return 0;
}

static int cmd_response(EVP_PKEY *pk, const char *kid, const char *json,
	const char *nonce)
{
	struct json_object *a, *p = NULL, *sig, *v, *w;
	char *text = NULL;
	time_t ts;
	int rc = 1;

	if (json[0] != '{')
		json = text = slurp(json, NULL);
	a = json != NULL ? json_tokener_parse(json) : NULL;
	free(text);
	if (a == NULL || !json_object_is_type(a, json_type_object)) {
		json_object_put(a);
		return bad("the answer is not a JSON object");
	}
	if (!json_object_object_get_ex(a, "signature", &sig) ||
	    !json_object_is_type(sig, json_type_string)) {
		rc = bad("the answer has no signature");
		goto out;
	}
	if (check_token(pk, kid, "response", json_object_get_string(sig), &p))
		goto out;
	/* The payload is the answer: each field of one equal in the other
	 * (the answer's signature and the payload's kid aside). */
	{
		json_object_object_foreach(a, k1, v1) {
			if (strcmp(k1, "signature") == 0)
				continue;
			if (!json_object_object_get_ex(p, k1, &w) ||
			    !json_object_equal(v1, w)) {
				fprintf(stderr, "invalid: field %s differs from the "
					"signed one\n", k1);
				goto out;
			}
		}
	}
	{
		json_object_object_foreach(p, k2, v2) {
			(void)v2;
			if (strcmp(k2, "kid") != 0 &&
			    !json_object_object_get_ex(a, k2, NULL)) {
				fprintf(stderr, "invalid: signed field %s is missing "
					"from the answer\n", k2);
				goto out;
			}
		}
	}
	if (nonce[0] != '\0' && (!json_object_object_get_ex(a, "nonce", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), nonce) != 0)) {
		rc = bad("nonce not echoed");
		goto out;
	}
	if (ts_field(a, &ts) != 0) {
		rc = bad("no ts");
		goto out;
	}
	if (ts > time(NULL) + SKEW || ts < time(NULL) - SKEW) {
		rc = bad("ts not fresh (a replayed answer?)");
		goto out;
	}
	puts(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN));
	rc = 0;
out:
	json_object_put(p);
	json_object_put(a);
	return rc;
}

/* "enc1." file -> token text into out (cap bytes). */
static int decrypt_file(const char *file, const char *lkey, const char *fp,
	char *out, size_t cap)
{
	unsigned char *raw, key[32];
	EVP_CIPHER_CTX *ctx;
	EVP_MD_CTX *md;
	size_t flen = strlen(file) - 5;
	long n;
	int m = 0, fin = 0, ok;

	raw = malloc(flen);
	if (raw == NULL)
		return -1;
	n = b64url(file + 5, flen, raw);
	if (n < 12 + 16 + 1 || (size_t)n - 28 >= cap) {
		free(raw);
		return bad("machine file is not base64url(iv | ciphertext | tag)");
	}
	md = EVP_MD_CTX_new();
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
		EVP_DigestUpdate(md, lkey, strlen(lkey)) == 1 &&
		EVP_DigestUpdate(md, fp, strlen(fp)) == 1 &&
		EVP_DigestFinal_ex(md, key, NULL) == 1;
	EVP_MD_CTX_free(md);
	ctx = EVP_CIPHER_CTX_new();
	ok = ok && ctx != NULL &&
		EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) == 1 &&
		EVP_DecryptUpdate(ctx, NULL, &m,
			(const unsigned char *)"devforge-machine-file", 21) == 1 &&
		EVP_DecryptUpdate(ctx, (unsigned char *)out, &m, raw + 12,
			(int)(n - 28)) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
			raw + n - 16) == 1 &&
		EVP_DecryptFinal_ex(ctx, (unsigned char *)out + m, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	free(raw);
	if (!ok)
		return bad("machine file does not decrypt (key, fingerprint or "
			"a changed byte)");
	out[n - 28] = '\0';
	return 0;
}

static int cmd_machine(EVP_PKEY *pk, const char *kid, const char *path,
	const char *lkey, const char *fp)
{
	char token[MAX_TOKEN + 1], *file;
	struct json_object *p, *v;
	int64_t iat, exp;
	int ok1, ok2, rc = 1;
	time_t now = time(NULL);

	file = slurp(path, NULL);
	if (file == NULL)
		return bad("cannot read the machine file");
	if (strncmp(file, "enc1.", 5) == 0)
		rc = decrypt_file(file, lkey, fp, token, sizeof(token));
	else if (strlen(file) <= MAX_TOKEN)
		rc = (snprintf(token, sizeof(token), "%s", file), 0);
	else
		rc = bad("token over 4 KiB");
	free(file);
	if (rc != 0)
		return 1;
	if (check_token(pk, kid, "machine", token, &p) != 0)
		return 1;
	rc = 1;
	if (!json_object_object_get_ex(p, "fp", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), fp) != 0)
		bad("the machine file is another machine's");
	else if (iat = int_field(p, "iat", &ok1), exp = int_field(p, "exp", &ok2),
	    !ok1 || !ok2)
		bad("no iat/exp");
	else if (now < iat - SKEW)
		bad("issued in the future (clock?)");
	else if (now >= exp)
		bad("expired: check in with the server");
	else {
		puts(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN));
		rc = 0;
	}
	json_object_put(p);
	return rc;
}

int main(int argc, char **argv)
{
	EVP_PKEY *pk;
	char kid[17];
	int rc;

	if (argc < 4 || (strcmp(argv[1], "key") == 0 && argc != 4) ||
	    (strcmp(argv[1], "response") == 0 && argc != 5) ||
	    (strcmp(argv[1], "machine") == 0 && argc != 6) ||
	    (strcmp(argv[1], "key") != 0 && strcmp(argv[1], "response") != 0 &&
	     strcmp(argv[1], "machine") != 0)) {
		fprintf(stderr, "usage: verify key PUBPEM TOKEN\n"
			"       verify response PUBPEM JSON NONCE\n"
			"       verify machine PUBPEM FILE LICENSE_KEY FINGERPRINT\n");
		return 2;
	}
	pk = load_pub(argv[2], kid);
	if (pk == NULL)
		return bad("PUBPEM is not an Ed25519 public key PEM");
	if (strcmp(argv[1], "key") == 0)
		rc = cmd_key(pk, kid, argv[3]);
	else if (strcmp(argv[1], "response") == 0)
		rc = cmd_response(pk, kid, argv[3], argv[4]);
	else
		rc = cmd_machine(pk, kid, argv[3], argv[4], argv[5]);
	EVP_PKEY_free(pk);
	return rc;
}
