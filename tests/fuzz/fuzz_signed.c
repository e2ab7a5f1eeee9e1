/* libFuzzer target for signed tokens. Whatever the input, signed_check
 * answers 0, DF_EINVAL or DF_EAUTH in every domain (never reads out of
 * bounds), at most one domain accepts it, anything over SIGNED_MAX_TOKEN
 * is DF_EINVAL, and an accepted payload is the NUL-free object it was
 * signed as. A token we make carrying the input verifies in its own
 * domain only. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "crypto.h"
#include "err.h"
#include "signed.h"

#define IN_MAX (2 * SIGNED_MAX_TOKEN)

/* RFC 8032 TEST 1's key: the seeds in corpus/signed are signed with it. */
#define PEM1 "-----BEGIN PRIVATE KEY-----\n" \
	"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" \
	"-----END PRIVATE KEY-----\n"

static struct signed_keyring ring;
static char text[IN_MAX + 1];

static void init_once(void)
{
	struct crypto_ed25519_key *k;
	char path[] = "/tmp/fuzz_signed.XXXXXX";
	FILE *f;
	int fd;

	if (ring.n == 1)
		return;
	fd = mkstemp(path);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fputs(PEM1, f);
	fclose(f);
	if (signed_init(path) != 0)
		abort();
	unlink(path);
	if (crypto_ed25519_load(PEM1, strlen(PEM1), &k, ring.pub[0]) != 0)
		abort();
	crypto_ed25519_free(k);
	crypto_kid(ring.pub[0], ring.kid[0]);
	ring.n = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	char *p, *t, *payload, hex[65];
	size_t len;
	int d, rc, ok = 0;

	if (size > IN_MAX)
		return 0;
	init_once();
	a = arena_new(4 * IN_MAX);
	if (a == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	for (d = SIGNED_LICENSE; d <= SIGNED_RESPONSE; d++) {
		rc = signed_check(a, (enum signed_domain)d, text, &ring, &payload,
			&len);
		if (rc != 0 && rc != DF_EINVAL && rc != DF_EAUTH)
			abort();
		if (strlen(text) > SIGNED_MAX_TOKEN && rc != DF_EINVAL)
			abort();
		if (rc == 0) {
			ok++;
			if (strlen(payload) != len || payload[0] != '{' ||
			    payload[len - 1] != '}' || strstr(payload, ring.kid[0]) == NULL)
				abort();
		}
	}
	if (ok > 1)
		abort();

	/* Our own token over the input (as hex in a field). */
	crypto_sha256_hex(data, size, hex);
	p = arena_printf(a, "{\"kid\":\"%s\",\"h\":\"%s\",\"n\":%zu}",
		signed_kid(), hex, size);
	if (p == NULL || signed_make(a, (enum signed_domain)(size % 3), p,
	    strlen(p), &t) != 0)
		abort();
	for (d = SIGNED_LICENSE; d <= SIGNED_RESPONSE; d++) {
		rc = signed_check(a, (enum signed_domain)d, t, &ring, &payload, &len);
		if (rc != (d == (int)(size % 3) ? 0 : DF_EAUTH))
			abort();
		if (rc == 0 && strcmp(payload, p) != 0)
			abort();
	}
	arena_free(a);
	return 0;
}
