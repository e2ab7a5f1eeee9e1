/* libFuzzer target for the assistant's text work on untrusted text (a
 * question, or a KB article or forum answer being indexed):
 * assist_text_split gives non-empty passages without leading or
 * trailing blanks, valid UTF-8 whenever the text is;
 * assist_text_terms gives at most ASSIST_TERMS_MAX distinct lower-case
 * ASCII words of 3 or more letters or digits; assist_text_clean,
 * assist_text_query, assist_text_coverage and assist_text_reply accept
 * whatever those give. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "assist_text.h"
#include "err.h"
#include "validate.h"

#define IN_MAX 65536

static char text[IN_MAX + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	size_t n = size > IN_MAX ? IN_MAX : size, np = 0, nt = 0, hits, len;
	char **pass, **terms, *s;
	int utf8, rc;
	double cover;

	memcpy(text, data, n);
	text[n] = '\0';
	len = strlen(text);  /* a NUL in the input ends the text */
	utf8 = validate_utf8(text, len);
	a = arena_new(8192);
	if (a == NULL)
		return 0;

	rc = assist_text_split(a, text, &pass, &np);
	if (rc != 0 && rc != DF_ENOMEM)
		__builtin_trap();
	for (size_t i = 0; rc == 0 && i < np; i++) {
		size_t pl = strlen(pass[i]);

		if (pl == 0 || blank(pass[i][0]) || blank(pass[i][pl - 1]))
			__builtin_trap();
		if (utf8 && !validate_utf8(pass[i], pl))
			__builtin_trap();
	}

	rc = assist_text_terms(a, text, &terms, &nt);
	if (rc != 0 && rc != DF_ENOMEM)
		__builtin_trap();
	if (rc == 0) {
		if (nt > ASSIST_TERMS_MAX)
			__builtin_trap();
		for (size_t i = 0; i < nt; i++) {
			if (strlen(terms[i]) < 3)
				__builtin_trap();
			for (const char *p = terms[i]; *p; p++)
				if (!((*p >= 'a' && *p <= 'z') ||
				      (*p >= '0' && *p <= '9')))
					__builtin_trap();
			for (size_t j = 0; j < i; j++)
				if (strcmp(terms[i], terms[j]) == 0)
					__builtin_trap();
		}
		cover = assist_text_coverage(terms, NULL, nt, text, &hits);
		if (!(cover >= 0.0 && cover <= 1.0) || hits > nt)
			__builtin_trap();
		(void)assist_text_query(a, terms, nt);
		rc = assist_text_confidence(cover, cover, hits);
		if (rc < 0 || rc > 100)
			__builtin_trap();
	}

	s = assist_text_clean(a, text);
	if (s != NULL && strlen(s) > len)
		__builtin_trap();
	(void)assist_text_instruction(text, len);
	if (np > 0) {
		struct assist_text_source src[2] = {
			{ "A title", pass[0] },
			{ text, pass[np - 1] },
		};

		(void)assist_text_reply(a, src, 2);
	}
	arena_free(a);
	return 0;
}
