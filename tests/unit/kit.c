/* The unit tests' shared fixtures (see kit.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <json-c/json.h>
#include "kit.h"

char *unit_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

void unit_shipped_path(char *out, size_t cap, const char *rel)
{
	char here[PATH_MAX];
	const char *top = getenv("srcdir");
	char *slash;

	snprintf(out, cap, "%s/%s", top != NULL ? top : ".", rel);
	if (access(out, R_OK) == 0)
		return;
	/* This file sits in tests/unit/ beside the tests. */
	snprintf(here, sizeof(here), "%s", __FILE__);
	slash = strrchr(here, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		snprintf(here, sizeof(here), ".");
	snprintf(out, cap, "%s/../../%s", here, rel);
}

const char *unit_str_field(struct json_object *o, const char *k)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(o, k, &v), "no \"%s\"", k);
	cr_assert(json_object_is_type(v, json_type_string), "\"%s\" type", k);
	return json_object_get_string(v);
}

long unit_int_field(struct json_object *o, const char *k)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(o, k, &v), "no \"%s\"", k);
	return (long)json_object_get_int64(v);
}

long unit_body_read(void *ctx, char *buf, size_t len)
{
	struct unit_body *b = ctx;
	size_t n = b->len - b->pos;

	if (b->fail_now)
		return -1;
	if (n == 0)
		return b->fail_at_end ? -1 : 0;
	if (n > len)
		n = len;
	if (b->chunk > 0 && n > b->chunk)
		n = b->chunk;
	memcpy(buf, b->data + b->pos, n);
	b->pos += n;
	return (long)n;
}
