/* Placeholder substitution for support macros: one left-to-right pass
 * over the body, so a value that itself contains "{{...}}" (a user may
 * call themselves "{{agent_name}}") is copied, never expanded. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "err.h"
#include "macrotext.h"

/* The value of the placeholder name (len bytes, braces excluded) into
 * num when it is a number; NULL when the name is not one we know. */
static const char *lookup(const struct macrotext_vars *v, const char *name,
	size_t len, char num[24])
{
	if (len == 14 && memcmp(name, "requester_name", 14) == 0)
		return v->requester_name != NULL ? v->requester_name : "";
	if (len == 10 && memcmp(name, "agent_name", 10) == 0)
		return v->agent_name != NULL ? v->agent_name : "";
	if (len == 9 && memcmp(name, "ticket_id", 9) == 0) {
		snprintf(num, 24, "%" PRId64, v->ticket_id);
		return num;
	}
	return NULL;
}

int macrotext_fill(struct arena *a, const char *body,
	const struct macrotext_vars *v, char **out)
{
	size_t cap, n = 0, blen;
	const char *p;
	char *buf;

	if (a == NULL || body == NULL || v == NULL || out == NULL)
		return DF_EINVAL;
	blen = strlen(body);
	/* Two passes would do; one generous bound is simpler: every
	 * placeholder is at least 13 bytes ("{{ticket_id}}") and a value
	 * at most the longer of the names or 20 digits. */
	{
		size_t rn = v->requester_name ? strlen(v->requester_name) : 0;
		size_t an = v->agent_name ? strlen(v->agent_name) : 0;
		size_t longest = rn > an ? rn : an;

		if (longest < 20)
			longest = 20;
		cap = blen + (blen / 13 + 1) * longest + 1;
	}
	buf = arena_alloc(a, cap);
	if (buf == NULL)
		return DF_ENOMEM;
	p = body;
	while (*p != '\0') {
		const char *end, *val;
		char num[24];

		if (p[0] == '{' && p[1] == '{' &&
		    (end = strstr(p + 2, "}}")) != NULL &&
		    (val = lookup(v, p + 2, (size_t)(end - (p + 2)), num)) != NULL) {
			size_t vl = strlen(val);

			memcpy(buf + n, val, vl);
			n += vl;
			p = end + 2;
			continue;
		}
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}
