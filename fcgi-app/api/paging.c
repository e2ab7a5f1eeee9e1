/* Stores: none. */
/* The list convention every collection route follows: ?limit= (1-100,
 * default 20) and an opaque ?cursor= naming the row the previous page
 * ended at, so a page is a keyset range that rows inserted meanwhile
 * cannot shift (no duplicates, no gaps among the rows that existed). */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "crypto.h"
#include "json.h"
#include "err.h"
#include "problem.h"
#include "validate.h"

/* "<kind>.<row id>" before encoding; kinds are short words. */
#define PAGE_RAW_MAX 64

int api_page_parse(struct request *req, const char *kind,
	struct api_page *out)
{
	const char *limit = http_query(req, "limit");
	const char *cursor = http_query(req, "cursor");
	size_t klen = strlen(kind), clen;
	int64_t v;
	int bad = 0;

	out->limit = API_LIMIT_DEFAULT;
	out->after = 0;
	if (limit != NULL) {
		if (!validate_int(limit, 1, API_LIMIT_MAX, &v)) {
			problem_add_error(req, "limit", "out_of_range",
				"must be an integer from 1 to 100");
			bad = 1;
		} else {
			out->limit = v;
		}
	}
	if (cursor != NULL) {
		unsigned char raw[PAGE_RAW_MAX + 3];
		char digits[PAGE_RAW_MAX + 1];
		uint64_t id;
		long n = -1;

		clen = strlen(cursor);
		if (clen > 0 && clen <= PAGE_RAW_MAX)
			n = crypto_b64url_decode(cursor, clen, raw);
		/* Only a cursor this list handed out: its kind, a dot, and a
		 * row id without sign or leading zero. */
		if (n > (long)klen + 1 && n <= PAGE_RAW_MAX &&
		    memcmp(raw, kind, klen) == 0 && raw[klen] == '.' &&
		    raw[klen + 1] != '0') {
			memcpy(digits, raw + klen + 1, (size_t)n - klen - 1);
			digits[(size_t)n - klen - 1] = '\0';
		} else {
			digits[0] = '\0';
		}
		if (n <= (long)klen + 1 ||
		    strlen(digits) != (size_t)n - klen - 1 ||
		    !validate_uint(digits, INT64_MAX, &id) || id == 0) {
			problem_add_error(req, "cursor", "invalid_format",
				"must be a next_cursor this list returned");
			bad = 1;
		} else {
			out->after = (int64_t)id;
		}
	}
	return bad ? DF_EINVAL : 0;
}

const char *api_cursor_encode(struct request *req, const char *raw)
{
	size_t n = strlen(raw);
	char *out;

	out = arena_alloc(req->arena, 4 * ((n + 2) / 3) + 1);
	if (out == NULL)
		return NULL;
	crypto_b64url_encode((const unsigned char *)raw, n, out);
	return out;
}

const char *api_page_cursor(struct request *req, const char *kind,
	int64_t last)
{
	char raw[PAGE_RAW_MAX + 1];
	int n;

	n = snprintf(raw, sizeof(raw), "%s.%lld", kind, (long long)last);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return NULL;
	return api_cursor_encode(req, raw);
}

struct json_object *api_list_new(struct request *req, struct json_object **items)
{
	struct json_object *o = json_new_object(req);

	*items = json_object_new_array();
	/* json_set takes the array even when it fails. */
	if (*items == NULL || json_set(o, "items", *items) != 0 || o == NULL)
		return NULL;
	return o;
}

int api_list_add(struct json_object *items, struct json_object *it)
{
	if (it == NULL || json_object_array_add(items, it) != 0) {
		json_object_put(it);
		return DF_ENOMEM;
	}
	return 0;
}

int api_list_send(struct request *req, struct json_object *list,
	const char *next)
{
	if (json_set_str(list, "next_cursor", next) != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, list);
}

int api_list_page(struct request *req, const char *kind,
	const struct api_page *page, const void *rows, size_t n, size_t size,
	size_t id_offset, api_item_fn item)
{
	const char *row = rows, *next = NULL;
	struct json_object *o, *items;
	size_t shown = n < (size_t)page->limit ? n : (size_t)page->limit;
	int64_t last;

	o = api_list_new(req, &items);
	if (o == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < shown; i++)
		if (api_list_add(items, item(req, row + i * size)) != 0)
			return DF_ENOMEM;
	if (n > shown) {
		memcpy(&last, row + (shown - 1) * size + id_offset, sizeof(last));
		next = api_page_cursor(req, kind, last);
		if (next == NULL)
			return DF_ENOMEM;
	}
	return api_list_send(req, o, next);
}
