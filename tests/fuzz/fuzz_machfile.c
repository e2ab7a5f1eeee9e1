/* libFuzzer target for machine files. The input's first line is the
 * fingerprint, the rest the file. Whatever it is, machfile_decrypt
 * answers 0, DF_EINVAL or DF_EAUTH (never reads out of bounds), a
 * decrypted token is NUL-free text, and the input encrypted as a token
 * decrypts back with its key and fingerprint and with no other. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "machfile.h"
#include "signed.h"

#define IN_MAX (MACHFILE_MAX + 256)
#define LKEY "eyJraWQiOiJmdXp6In0.ZnV6eg"

static char fp[IN_MAX + 1], file[IN_MAX + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl;
	struct arena *a;
	size_t flen, blen;
	char *tok, *f;
	int rc;

	if (size > IN_MAX)
		return 0;
	nl = memchr(data, '\n', size);
	flen = nl != NULL ? (size_t)(nl - data) : size;
	blen = nl != NULL ? size - flen - 1 : 0;
	memcpy(fp, data, flen);
	fp[flen] = '\0';
	if (blen > 0)
		memcpy(file, nl + 1, blen);
	file[blen] = '\0';
	a = arena_new(4 * IN_MAX);
	if (a == NULL)
		abort();

	rc = machfile_decrypt(a, file, LKEY, fp[0] != '\0' ? fp : "f", &tok);
	if (rc != 0 && rc != DF_EINVAL && rc != DF_EAUTH)
		abort();
	if (rc == 0 && (tok == NULL || tok[0] == '\0'))
		abort();

	/* The file part as a token: round trip, and only for this machine. */
	if (file[0] != '\0' && strlen(file) <= SIGNED_MAX_TOKEN &&
	    fp[0] != '\0') {
		if (machfile_encrypt(a, file, LKEY, fp, &f) != 0)
			abort();
		if (strlen(f) > MACHFILE_MAX)
			abort();
		if (machfile_decrypt(a, f, LKEY, fp, &tok) != 0 ||
		    strcmp(tok, file) != 0)
			abort();
		if (machfile_decrypt(a, f, LKEY, "another-machine", &tok) !=
		    (strcmp(fp, "another-machine") == 0 ? 0 : DF_EAUTH))
			abort();
	}
	arena_free(a);
	return 0;
}
