/* libFuzzer target for the package check: the input is an uploaded
 * package, checked from memory against a fixed listing. Whatever the
 * bytes, the report must be self-consistent: a known failure code with a
 * printable message that is also the last listed check, or every check
 * passed. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "pkg.h"

static const char *const codes[] = {
	"not_zip", "too_many_entries", "unsafe_path", "too_large_uncompressed",
	"manifest_missing", "manifest_invalid", "manifest_name_mismatch",
	"manifest_version_mismatch",
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_report rep;
	struct json_object *last, *v;
	size_t n, i;
	int rc;

	rc = pkg_check_buffer(data, size, "demo-ext", "1.2.3", &rep);
	if (rc == DF_ENOMEM) {
		if (rep.checks != NULL)
			__builtin_trap();
		return 0;
	}
	if (rc != 0 || rep.checks == NULL)
		__builtin_trap();
	n = json_object_array_length(rep.checks);
	if (n < 1 || n > NCODES)
		__builtin_trap();
	for (i = 0; rep.message[i] != '\0'; i++)
		if (rep.message[i] < 0x20 || rep.message[i] >= 0x7f)
			__builtin_trap();
	last = json_object_array_get_idx(rep.checks, n - 1);
	if (!json_object_object_get_ex(last, "check", &v) ||
	    strcmp(json_object_get_string(v), codes[n - 1]) != 0)
		__builtin_trap();
	if (rep.ok) {
		if (rep.failed != NULL || rep.message[0] != '\0' || n != NCODES ||
		    strcmp(rep.name, "demo-ext") != 0 ||
		    strcmp(rep.version, "1.2.3") != 0 ||
		    rep.entries > PKG_MAX_ENTRIES ||
		    rep.uncompressed > PKG_MAX_UNCOMPRESSED)
			__builtin_trap();
	} else {
		if (rep.failed == NULL || strcmp(rep.failed, codes[n - 1]) != 0 ||
		    rep.message[0] == '\0' ||
		    !json_object_object_get_ex(last, "detail", &v) ||
		    strcmp(json_object_get_string(v), rep.message) != 0)
			__builtin_trap();
	}
	pkg_report_free(&rep);
	return 0;
}
