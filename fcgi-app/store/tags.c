/* Tag rows and the space-joined tag text: see tags.h. */
#include <string.h>

#include "arena.h"
#include "db.h"
#include "store/tags.h"

const char *store_tags_join(struct arena *a, const char *const *tags,
	size_t n)
{
	size_t len = 1, i;
	char *s, *p;

	for (i = 0; i < n; i++)
		len += strlen(tags[i]) + 1;
	s = arena_alloc(a, len);
	if (s == NULL)
		return NULL;
	p = s;
	*p = '\0';
	for (i = 0; i < n; i++) {
		size_t l = strlen(tags[i]);

		if (i > 0)
			*p++ = ' ';
		memcpy(p, tags[i], l);
		p += l;
		*p = '\0';
	}
	return s;
}

int store_tags_replace(const char *del, const char *ins, int64_t id,
	const char *const *tags, size_t n)
{
	int rc = db_exec(del, DBP(DB_INT(id)), NULL, NULL);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = db_exec(ins, DBP(DB_INT(id), DB_STR(tags[i])), NULL,
			NULL);
	return rc;
}
