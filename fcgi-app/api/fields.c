/* Field validators shared by more than one route's json_field table, so
 * that the same input gets the same rule, code and message wherever it
 * is accepted (registration and PATCH /me both take a display name). */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "validate.h"

int api_v_display_name(struct json_object *v, const char **code,
	const char **msg)
{
	const char *s = json_object_get_string(v);

	/* Tabs and line breaks pass validate_text but would let a name
	 * break the layout of lists and mails that show it. */
	if (validate_text(s, strlen(s)) && strpbrk(s, "\t\r\n") == NULL)
		return 0;
	*code = "invalid_format";
	*msg = "must not contain control characters";
	return -1;
}
