/* libFuzzer target for the link and image counting of forum posts
 * (forum_rules_count): any bytes, read only within their length (the
 * input is not NUL-terminated), and the same counts every time; a link
 * or an image takes at least one byte of the post, so neither count
 * (nor their sum) exceeds its length. */
#include <stddef.h>
#include <stdint.h>

#include "forum_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct forum_rules_counts c, again;

	forum_rules_count((const char *)data, size, &c);
	if ((size_t)c.links + c.images > size)
		__builtin_trap();
	forum_rules_count((const char *)data, size, &again);
	if (again.links != c.links || again.images != c.images)
		__builtin_trap();
	return 0;
}
