/* libFuzzer target for the mail reader and reply stripping. Whatever the
 * input, mime_parse answers 0, DF_EINVAL (with a reason) or DF_ETOOBIG,
 * never reads out of bounds; what it returns (subject, body text) is
 * valid UTF-8; reply_strip never makes the text longer; and the header
 * decoder, the address list reader and the HTML to text conversion give
 * valid UTF-8 for any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "mime.h"
#include "reply_strip.h"

#define IN_MAX (256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t l, i;
		uint32_t cp;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xC2 && *p <= 0xDF)
			l = 2, cp = *p & 0x1F;
		else if (*p >= 0xE0 && *p <= 0xEF)
			l = 3, cp = *p & 0x0F;
		else if (*p >= 0xF0 && *p <= 0xF4)
			l = 4, cp = *p & 0x07;
		else
			return 0;
		for (i = 1; i < l; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((l == 3 && cp < 0x800) || (l == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += l;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *addrs[8];
	struct mime_msg m;
	struct arena *a;
	char *copy, *s, *out;
	size_t n;
	int rc;

	if (size > IN_MAX)
		return 0;
	a = arena_new(64 * 1024);
	if (a == NULL)
		abort();
	/* An exact-size copy, so ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);

	rc = mime_parse(a, copy, size, &m);
	if (rc != 0 && rc != DF_EINVAL)
		abort();
	if (rc == DF_EINVAL && m.error == NULL)
		abort();
	if (rc == 0) {
		if (m.text == NULL || !utf8_ok(m.text))
			abort();
		if (m.subject != NULL && !utf8_ok(m.subject))
			abort();
		if (m.n_rcpt > MIME_MAX_RCPTS)
			abort();
		if (reply_strip(a, m.text, &out) != 0)
			abort();
		if (strlen(out) > strlen(m.text) || !utf8_ok(out))
			abort();
	}

	s = mime_decode_header(a, copy, size);
	if (s == NULL || !utf8_ok(s))
		abort();
	if (mime_addresses(a, s, addrs, 8, &n) != 0 || n > 8)
		abort();
	s = mime_html_text(a, s, strlen(s));
	if (s == NULL || !utf8_ok(s))
		abort();

	free(copy);
	arena_free(a);
	return 0;
}
