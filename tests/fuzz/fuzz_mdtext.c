/* libFuzzer target for the Markdown-free text of KB search
 * (mdtext_plain): never longer than the input, always NUL-terminated at
 * its length, valid UTF-8 whenever the input is, and a too-small buffer
 * gives a valid prefix of the full answer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mdtext.h"
#include "validate.h"

#define IN_MAX 65536

static char full[IN_MAX + 1], part[IN_MAX + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *md = (const char *)data;
	size_t n = size > IN_MAX ? IN_MAX : size, len, plen, cap;
	int rc, utf8 = validate_utf8(md, n);

	if (mdtext_plain(md, n, full, n + 1, &len) != 0)
		__builtin_trap();
	if (len > n || full[len] != '\0')
		__builtin_trap();
	if (utf8 && !validate_utf8(full, len))
		__builtin_trap();
	/* The first byte picks a smaller buffer. */
	cap = n > 0 ? (size_t)data[0] % (n + 1) + 1 : 1;
	rc = mdtext_plain(md, n, part, cap, &plen);
	if (rc != 0 && rc != DF_ETOOBIG)
		__builtin_trap();
	if (plen >= cap || part[plen] != '\0' || plen > len ||
	    memcmp(part, full, plen) != 0)
		__builtin_trap();
	if (rc == 0 && plen != len)
		__builtin_trap();
	if (utf8 && !validate_utf8(part, plen))
		__builtin_trap();
	return 0;
}
