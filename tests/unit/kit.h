/* The unit tests' shared fixtures: reading a file whole, finding a file
 * the project ships, a JSON string member that must be there, and a
 * request body handed out in pieces. */
#ifndef DF_TEST_UNIT_KIT_H
#define DF_TEST_UNIT_KIT_H

#include <stddef.h>

struct json_object;

/* The whole file (malloc'd); the test fails when it cannot be read. */
char *unit_slurp(const char *path);

/* The path of a file the project ships (rel from the top of the tree,
 * "conf/..."), found through automake's $srcdir, the directory of the
 * unit tests' sources, or the current directory. */
void unit_shipped_path(char *out, size_t cap, const char *rel);

/* Member k of o, which must be a string. */
const char *unit_str_field(struct json_object *o, const char *k);

/* Member k of o (which must be there) as an integer. */
long unit_int_field(struct json_object *o, const char *k);

/* A request body in memory for a reader callback: at most chunk bytes a
 * read (0: no limit); fail_at_end: -1 instead of the end of the data;
 * fail_now: -1 on the first read. */
struct unit_body {
	const char *data;
	size_t len, pos, chunk;
	int fail_at_end, fail_now;
};
/* The reader callback over a struct unit_body (ctx). */
long unit_body_read(void *ctx, char *buf, size_t len);

#endif
