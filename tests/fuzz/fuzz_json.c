/* libFuzzer target for JSON bodies: the input is a request body. It is
 * parsed as the router does (depth 32); whatever parses is checked
 * against a sample field table (and its "meta" object under a prefix),
 * read through the typed getters, put into a problem answer, and must
 * survive a serialise/re-parse round trip: anything our strict pass
 * accepts, json-c must print as JSON the strict pass accepts again. The
 * arena is reset after every input. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "json.h"
#include "problem.h"
#include "validate.h"

static int v_slug(struct json_object *v, const char **code, const char **msg)
{
	if (!validate_slug(json_object_get_string(v), 3, 64)) {
		*code = "invalid_format";
		*msg = "must be a slug";
		return -1;
	}
	return 0;
}

static const struct json_field fields[] = {
	{ .name = "name", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 64 },
	{ .name = "slug", .type = JF_STRING, .validate = v_slug },
	{ .name = "count", .type = JF_INT, .min = -5, .max = 1000 },
	{ .name = "big", .type = JF_INT, .nullable = 1 },
	{ .name = "flag", .type = JF_BOOL },
	{ .name = "meta", .type = JF_OBJECT, .nullable = 1 },
	{ .name = "tags", .type = JF_ARRAY, .max = 8 },
	{ .name = "price", .type = JF_NUMBER, .max = 100000 },
};

static char *envp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/fuzz", NULL };
static struct arena *arena;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *obj = NULL, *again = NULL;
	struct request req;
	const char *why = NULL, *s;
	size_t len;
	int rc;

	if (arena == NULL) {
		arena = arena_new(16384);
		if (arena == NULL)
			return 0;
	}
	http_request_init(&req, arena, envp);

	rc = json_parse_body_ex(&req, (const char *)data, size, 32, &obj, &why);
	if (rc != 0) {
		/* A refusal always says why, and leaves nothing behind. */
		if (why == NULL || obj != NULL)
			__builtin_trap();
		problem_send(&req, 400, NULL, why);
		arena_reset(arena);
		return 0;
	}
	if (obj == NULL || !json_object_is_type(obj, json_type_object) ||
	    !validate_utf8((const char *)data, size))
		__builtin_trap();

	json_fields_check(&req, obj, fields, sizeof(fields) / sizeof(fields[0]));
	if (json_object_is_type(json_get(obj, "meta"), json_type_object))
		json_fields_check_at(&req, json_get(obj, "meta"), fields,
			sizeof(fields) / sizeof(fields[0]), "meta");
	(void)json_get_str(obj, "name", NULL);
	(void)json_get_int(obj, "count", 0);
	(void)json_get(obj, "meta");
	problem_send_validation(&req);

	s = json_object_to_json_string_length(obj,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL)
		__builtin_trap();
	if (json_parse_body_ex(&req, s, len, 32, &again, &why) != 0)
		__builtin_trap();

	arena_reset(arena);
	return 0;
}
