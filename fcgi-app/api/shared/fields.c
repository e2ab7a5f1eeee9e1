/* Stores: none. */
/* Field validators shared by more than one route's json_field table, so
 * that the same input gets the same rule, code and message wherever it
 * is accepted (registration and PATCH /me both take a display name,
 * registration and the password reset an e-mail address; the
 * developer programme and the marketplace take free text and reasons),
 * and the from..to span check of the routes that report over a range. */
#include <string.h>
#include <json-c/json.h>
#include "api/api.h"
#include "json.h"
#include "problem.h"
#include "validate.h"

int api_v_display_name(struct json_object *v, const char **code,
	const char **msg)
{
	const char *s = json_object_get_string(v);

	/* Tabs and line breaks pass validate_text but would let a name
	 * break the layout of lists and mails that show it. */
	return json_v_format(code, msg,
		validate_text(s, strlen(s)) && strpbrk(s, "\t\r\n") == NULL,
		"must not contain control characters");
}

/* Free text: no control characters but tab and line breaks. */
int api_v_text(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg,
		validate_text(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)),
		"must not contain control characters");
}

/* Text that must say something: not only white space. */
int api_v_notes(struct json_object *v, const char **code, const char **msg)
{
	const char *s = json_object_get_string(v);

	if (api_v_text(v, code, msg) != 0)
		return -1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	*code = "too_short";
	*msg = "must not be empty";
	return -1;
}

/* One line: a name has no line breaks or tabs either. */
int api_v_line(struct json_object *v, const char **code, const char **msg)
{
	const char *s = json_object_get_string(v);

	if (api_v_notes(v, code, msg) != 0)
		return -1;
	return json_v_format(code, msg,
		strpbrk(s, "\t\r\n") == NULL,
		"must be a single line");
}

int api_v_email(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg,
		validate_email(json_object_get_string(v), NULL),
		"must be an e-mail address of at most 254 characters");
}

int api_v_url(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg,
		validate_http_url(json_object_get_string(v), 2048),
		"must be an http or https URL");
}

int64_t api_path_id(const struct request *req, const char *name)
{
	const char *s = router_param(req, name);
	uint64_t v = 0;

	/* One spelling per row: "07" is not 7, so caches keyed by the
	 * path never hold one row twice. */
	if (s == NULL || *s < '1' || *s > '9' ||
	    !validate_uint(s, INT64_MAX, &v))
		return 0;
	return (int64_t)v;
}

void api_check_span(struct request *req, int64_t from, int64_t to,
	int64_t max, const char *too_long)
{
	if (from > to)
		problem_add_error(req, "from", "out_of_range",
			"must not be after to");
	else if (to - from + 1 > max)
		problem_add_error(req, "to", "out_of_range", too_long);
}
