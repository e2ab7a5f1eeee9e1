/* Unit tests of the signed-token format: what signed_make makes verifies
 * in its own domain only; anything tampered, malformed, oversized or
 * signed by a key the ring does not hold is refused with the right code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "arena.h"
#include "crypto.h"
#include "err.h"
#include "signed.h"

/* RFC 8032 TEST 1's key as PKCS#8 PEM. */
#define PEM1 "-----BEGIN PRIVATE KEY-----\n" \
	"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" \
	"-----END PRIVATE KEY-----\n"

static struct arena *a;
static struct signed_keyring ring;
static struct crypto_ed25519_key *key;
static char path[64];
static char kid[17];

static void setup(void)
{
	unsigned char pub[32];
	FILE *f;
	int fd;

	a = arena_new(8192);
	cr_assert_not_null(a);
	snprintf(path, sizeof(path), "/tmp/test_signed.XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs(PEM1, f);
	fclose(f);
	cr_assert_eq(signed_init(path), 0);
	cr_assert_eq(crypto_ed25519_load(PEM1, strlen(PEM1), &key, pub), 0);
	crypto_kid(pub, kid);
	memset(&ring, 0, sizeof(ring));
	ring.n = 1;
	memcpy(ring.kid[0], kid, 17);
	memcpy(ring.pub[0], pub, 32);
}

static void teardown(void)
{
	signed_done();
	crypto_ed25519_free(key);
	unlink(path);
	arena_free(a);
}

TestSuite(signed, .init = setup, .fini = teardown);

/* A token over any payload text, signed by the test key in domain name
 * (bypassing signed_make's checks). */
static char *forge(const char *domain, const char *payload)
{
	unsigned char sig[64];
	char *t = arena_alloc(a, 4 * strlen(payload) / 3 + 100);
	char *m = arena_alloc(a, 4 * strlen(payload) / 3 + 100);
	size_t n;

	n = crypto_b64url_encode((const unsigned char *)payload,
		strlen(payload), t);
	snprintf(m, 4 * strlen(payload) / 3 + 100, "%s/%s", domain, t);
	cr_assert_eq(crypto_ed25519_sign(key, m, strlen(m), sig), 0);
	t[n] = '.';
	crypto_b64url_encode(sig, 64, t + n + 1);
	return t;
}

static char *payload_with_kid(const char *rest)
{
	return arena_printf(a, "{\"kid\":\"%s\"%s}", kid, rest);
}

static char *make(enum signed_domain d, const char *payload)
{
	char *t = NULL;

	cr_assert_eq(signed_make(a, d, payload, strlen(payload), &t), 0);
	return t;
}

static int check(enum signed_domain d, const char *t)
{
	char *p = (char *)"unset";

	return signed_check(a, d, t, &ring, &p, NULL);
}

Test(signed, made_token_verifies_and_gives_the_payload_back)
{
	const char *p = payload_with_kid(",\"lid\":\"x\",\"features\":[\"a\"]");
	char *t = make(SIGNED_LICENSE, p), *out;
	size_t len;

	cr_assert_str_eq(signed_kid(), kid);
	cr_assert_eq(signed_check(a, SIGNED_LICENSE, t, &ring, &out, &len), 0);
	cr_assert_str_eq(out, p);
	cr_assert_eq(len, strlen(p));
	cr_assert_eq(signed_check_key(a, SIGNED_LICENSE, t, kid, ring.pub[0],
		&out, NULL), 0);
}

Test(signed, each_domain_refuses_the_others_signatures)
{
	enum signed_domain d[] = { SIGNED_LICENSE, SIGNED_MACHINE,
		SIGNED_RESPONSE };
	size_t i, j;

	for (i = 0; i < 3; i++) {
		char *t = make(d[i], payload_with_kid(""));

		for (j = 0; j < 3; j++)
			cr_assert_eq(check(d[j], t), i == j ? 0 : DF_EAUTH,
				"made %zu, checked %zu", i, j);
	}
	/* The format: a signature over "<domain>/<b64 payload>". */
	cr_assert_eq(check(SIGNED_MACHINE, forge("machine",
		payload_with_kid(""))), 0);
	cr_assert_eq(check(SIGNED_MACHINE, forge("machine.",
		payload_with_kid(""))), DF_EAUTH);
}

Test(signed, tampered_payload_or_signature_is_refused)
{
	char *t = make(SIGNED_LICENSE, payload_with_kid(",\"seats\":1"));
	char *u;
	size_t dot = (size_t)(strchr(t, '.') - t);

	/* Another payload under the same signature: seats 2. */
	u = arena_strdup(a, t);
	memcpy(u, forge("license", payload_with_kid(",\"seats\":2")), dot);
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EAUTH);
	/* One bit of the signature (a middle character keeps it canonical). */
	u = arena_strdup(a, t);
	u[dot + 40] = u[dot + 40] == 'A' ? 'B' : 'A';
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EAUTH);
	/* A valid signature of another payload. */
	u = arena_printf(a, "%.*s%s", (int)dot, t,
		strchr(forge("license", payload_with_kid(",\"seats\":2")), '.'));
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EAUTH);
}

Test(signed, unknown_kid_is_refused)
{
	char *t = make(SIGNED_LICENSE, payload_with_kid(""));
	struct signed_keyring other = ring;

	memcpy(other.kid[0], "0123456789abcdef", 17);
	cr_assert_eq(signed_check(a, SIGNED_LICENSE, t, &other, &(char *){ 0 },
		NULL), DF_EAUTH);
	other.n = 0;
	cr_assert_eq(signed_check(a, SIGNED_LICENSE, t, &other, &(char *){ 0 },
		NULL), DF_EAUTH);
	/* Right kid, wrong public key. */
	other = ring;
	other.pub[0][0] ^= 1;
	cr_assert_eq(signed_check(a, SIGNED_LICENSE, t, &other, &(char *){ 0 },
		NULL), DF_EAUTH);
	/* A well-formed kid the ring lacks, signed by the right key. */
	cr_assert_eq(check(SIGNED_LICENSE, forge("license",
		"{\"kid\":\"0123456789abcdef\"}")), DF_EAUTH);
}

Test(signed, bad_base64_is_malformed)
{
	char *t = make(SIGNED_LICENSE, payload_with_kid(""));
	char *u;

	u = arena_printf(a, "%s=", t);                     /* padding */
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EINVAL);
	u = arena_strdup(a, t);
	u[2] = '+';                                       /* other alphabet */
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EINVAL);
	u = arena_strdup(a, t);
	u[strlen(u) - 1] = '/';
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EINVAL);
	u = arena_printf(a, " %s", t);
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EINVAL);
	/* A non-canonical last character (unused bits set). */
	u = arena_strdup(a, t);
	u[strlen(u) - 1] = (char)(u[strlen(u) - 1] == 'B' ? 'C' : 'B');
	cr_assert_eq(check(SIGNED_LICENSE, u), DF_EINVAL);
}

Test(signed, wrong_lengths_and_shapes_are_malformed)
{
	char *t = make(SIGNED_LICENSE, payload_with_kid(""));
	char *dot = strchr(t, '.');

	cr_assert_eq(check(SIGNED_LICENSE, ""), DF_EINVAL);
	cr_assert_eq(check(SIGNED_LICENSE, "."), DF_EINVAL);
	cr_assert_eq(check(SIGNED_LICENSE, NULL), DF_EINVAL);
	cr_assert_eq(check(SIGNED_LICENSE, dot), DF_EINVAL);      /* no payload */
	cr_assert_eq(check(SIGNED_LICENSE, arena_strndup(a, t,
		(size_t)(dot - t))), DF_EINVAL);                      /* no dot */
	cr_assert_eq(check(SIGNED_LICENSE, arena_strndup(a, t,
		strlen(t) - 1)), DF_EINVAL);                          /* short sig */
	cr_assert_eq(check(SIGNED_LICENSE, arena_printf(a, "%sAA", t)),
		DF_EINVAL);                                           /* long sig */
	cr_assert_eq(check(SIGNED_LICENSE, arena_printf(a, "%s.%s", t,
		dot + 1)), DF_EINVAL);                                /* 3 parts */
	cr_assert_eq(check(SIGNED_LICENSE, arena_printf(a, "%.*s.%s",
		(int)(dot - t), t, t)), DF_EINVAL);
}

Test(signed, payload_must_be_one_object_with_a_hex_kid)
{
	static const char *const bad[] = {
		"[1]", "\"x\"", "{}", "{\"kid\":1}", "{\"kid\":\"ABCDEF0123456789\"}",
		"{\"kid\":\"0123456789abcde\"}", "{\"kid\":\"0123456789abcdef0\"}",
		" {\"kid\":\"0123456789abcdef\"}",
		"{\"kid\":\"0123456789abcdef\"} ",
		"{\"kid\":\"0123456789abcdef\"}{}",
		"{\"kid\":\"0123456789abcdef\"", "{'kid':'0123456789abcdef'}",
		"{\"a\":[[[[[[1]]]]]],\"kid\":\"0123456789abcdef\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(check(SIGNED_LICENSE, forge("license", bad[i])),
			DF_EINVAL, "%s", bad[i]);
}

Test(signed, nul_in_the_payload_is_malformed)
{
	/* {"kid":"<kid>"} with a NUL before the closing brace. */
	char p[64], *t = arena_alloc(a, 200), *m = arena_alloc(a, 200);
	unsigned char sig[64];
	size_t n, len;

	len = (size_t)snprintf(p, sizeof(p), "{\"kid\":\"%s\"x}", kid);
	p[len - 2] = '\0';
	n = crypto_b64url_encode((unsigned char *)p, len, t);
	snprintf(m, 200, "license/%s", t);
	cr_assert_eq(crypto_ed25519_sign(key, m, strlen(m), sig), 0);
	t[n] = '.';
	crypto_b64url_encode(sig, 64, t + n + 1);
	cr_assert_eq(check(SIGNED_LICENSE, t), DF_EINVAL);
}

Test(signed, tokens_over_4_kib_are_refused)
{
	char *big = arena_alloc(a, SIGNED_MAX_TOKEN + 1), *t = NULL;
	char *fill = arena_alloc(a, SIGNED_MAX_TOKEN);
	size_t lo = 0, hi = SIGNED_MAX_TOKEN, mid;

	/* The largest payload signed_make takes makes a token of at most
	 * 4 KiB, which verifies; one byte more is DF_ETOOBIG. */
	while (lo + 1 < hi) {
		char *p;

		mid = (lo + hi) / 2;
		memset(fill, 'a', mid);
		fill[mid] = '\0';
		p = payload_with_kid(arena_printf(a, ",\"f\":\"%s\"", fill));
		if (signed_make(a, SIGNED_LICENSE, p, strlen(p), &t) == 0)
			lo = mid;
		else
			hi = mid;
	}
	memset(fill, 'a', lo);
	fill[lo] = '\0';
	t = make(SIGNED_LICENSE, payload_with_kid(arena_printf(a,
		",\"f\":\"%s\"", fill)));
	cr_assert_leq(strlen(t), SIGNED_MAX_TOKEN);
	cr_assert_gt(strlen(t), SIGNED_MAX_TOKEN - 8);
	cr_assert_eq(check(SIGNED_LICENSE, t), 0);
	fill[lo] = 'a';
	fill[lo + 1] = '\0';
	{
		char *p = payload_with_kid(arena_printf(a, ",\"f\":\"%s\"", fill));

		cr_assert_eq(signed_make(a, SIGNED_LICENSE, p, strlen(p), &t),
			DF_ETOOBIG);
	}
	/* A longer forged token is refused before anything else. */
	memset(big, 'A', SIGNED_MAX_TOKEN);
	big[SIGNED_MAX_TOKEN] = '\0';
	big[SIGNED_MAX_TOKEN - 87] = '.';
	cr_assert_eq(check(SIGNED_LICENSE, arena_printf(a, "A%s", big)),
		DF_EINVAL);
}

Test(signed, make_refuses_a_payload_without_the_signers_kid)
{
	char *t;

	cr_assert_eq(signed_make(a, SIGNED_LICENSE, "{}", 2, &t), DF_EINVAL);
	cr_assert_eq(signed_make(a, SIGNED_LICENSE,
		"{\"kid\":\"0123456789abcdef\"}", 26, &t), DF_EINVAL);
	cr_assert_eq(signed_make(a, SIGNED_LICENSE, "nope", 4, &t), DF_EINVAL);
	cr_assert_eq(signed_make(a, (enum signed_domain)7,
		payload_with_kid(""), strlen(payload_with_kid("")), &t), DF_EINVAL);
}

Test(signed, without_a_signer_nothing_is_signed)
{
	char *t, *p = payload_with_kid("");

	signed_done();
	cr_assert_null(signed_kid());
	cr_assert_eq(signed_make(a, SIGNED_LICENSE, p, strlen(p), &t),
		DF_EINTERNAL);
	cr_assert_eq(signed_init(NULL), 0);
	cr_assert_null(signed_kid());
	cr_assert_eq(signed_init("/nonexistent/key.pem"), DF_EINVAL);
	cr_assert_null(signed_kid());
}
