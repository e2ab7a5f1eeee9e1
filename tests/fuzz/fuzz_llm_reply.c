/* libFuzzer target for a language model's reply (llm_chat.h): whatever
 * the endpoint sends, the parser gives a trimmed, non-empty text of at
 * most LLM_CHAT_MAX_ANSWER bytes or refuses it, and the citation check
 * either refuses it with a reason or keeps at least one of the three
 * sources and leaves no citation outside 1..(sources kept). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "llm_chat.h"

static const struct llm_source src[] = {
	{ "a", "Open Settings. See https://devforge.dev/a for more." },
	{ "b", "Deactivate the licence first." },
	{ "c", "Use the offline activation file." },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(8192);
	unsigned char cited[3];
	enum llm_fail why;
	char *text, *out;
	size_t kept = 0;
	int rc;

	if (a == NULL)
		return 0;
	rc = llm_chat_parse(a, (const char *)data, size, &text);
	if (rc == 0) {
		size_t n = strlen(text);

		if (n == 0 || n > LLM_CHAT_MAX_ANSWER || text[0] == ' ' ||
		    text[n - 1] == ' ')
			__builtin_trap();
		rc = llm_chat_check(a, text, src, 3, cited, &out, &why);
		if (rc == 0) {
			for (size_t i = 0; i < 3; i++)
				kept += cited[i];
			if (why != LLM_OK || out == NULL || kept == 0)
				__builtin_trap();
			/* every [k] left is a source kept */
			for (const char *p = out; (p = strchr(p, '[')) != NULL; p++)
				if (p[1] >= '0' && p[1] <= '9' && p[2] == ']' &&
				    (p[1] == '0' || (size_t)(p[1] - '0') > kept))
					__builtin_trap();
		} else if (rc != DF_EINVAL || out != NULL ||
		    (why != LLM_UNKNOWN_SOURCE && why != LLM_NO_CITATION)) {
			if (rc != DF_ENOMEM)
				__builtin_trap();
		}
	} else if (rc != DF_EINVAL && rc != DF_ENOMEM) {
		__builtin_trap();
	}
	arena_free(a);
	return 0;
}
