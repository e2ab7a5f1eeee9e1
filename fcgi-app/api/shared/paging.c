/* Stores: none. */
/* The list convention every collection route follows: ?limit= (1-100,
 * default 20) and an opaque ?cursor= naming the row the previous page
 * ended at, so a page is a keyset range that rows inserted meanwhile
 * cannot shift (no duplicates, no gaps among the rows that existed).
 * The router reads both (API_PAGE_ROWS); here the answers are built. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "api/api.h"
#include "arena.h"
#include "crypto.h"
#include "json.h"
#include "err.h"
#include "problem.h"
#include "validate.h"

/* "<kind>.<row id>" before encoding; kinds are short words (the router
 * reads it back: QP_CURSOR, CURSOR_RAW_MAX). */
#define PAGE_RAW_MAX 64

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

long api_cursor_decode(const char *cursor, char raw[API_CURSOR_RAW_MAX])
{
	/* Room for what the longest accepted cursor decodes to, so an
	 * over-long one is refused below rather than overflowing. */
	unsigned char buf[API_CURSOR_RAW_MAX + 4];
	size_t len = strlen(cursor);
	long n;

	if (len == 0 || len > (API_CURSOR_RAW_MAX * 4) / 3)
		return DF_EINVAL;
	n = crypto_b64url_decode(cursor, len, buf);
	if (n <= 0 || n >= API_CURSOR_RAW_MAX)
		return DF_EINVAL;
	memcpy(raw, buf, (size_t)n);
	raw[n] = '\0';
	return n;
}

const char *api_cursor_keyed(struct request *req, const char *kind,
	int sort, int64_t key, int64_t id)
{
	char raw[API_CURSOR_RAW_MAX];
	int n;

	n = snprintf(raw, sizeof(raw), "%s.%d.%lld.%lld", kind, sort,
		(long long)key, (long long)id);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return NULL;
	return api_cursor_encode(req, raw);
}

int api_cursor_keyed_read(const char *cursor, const char *kind, int sort,
	int64_t *key, int64_t *id)
{
	char raw[API_CURSOR_RAW_MAX];
	size_t klen = strlen(kind);
	long long k, i;
	int s, used = 0;
	long n = api_cursor_decode(cursor, raw);

	if (n < 0 || (size_t)n <= klen || strncmp(raw, kind, klen) != 0 ||
	    raw[klen] != '.')
		return DF_EINVAL;
	if (sscanf(raw + klen + 1, "%d.%lld.%lld%n", &s, &k, &i, &used) != 3 ||
	    (long)(klen + 1) + used != n || s != sort || i <= 0)
		return DF_EINVAL;
	*key = k;
	*id = i;
	return 0;
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

	*items = json_new_array(req);
	if (o == NULL || *items == NULL || json_set(o, "items", *items) != 0)
		return NULL;
	return o;
}

int api_list_add(struct json_object *items, struct json_object *it)
{
	return json_push(items, it);
}

int api_list_send(struct request *req, struct json_object *list,
	const char *next)
{
	if (json_set_str(list, "next_cursor", next) != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, list);
}

int api_list_page(struct request *req, const char *kind,
	const void *rows, size_t n, size_t size, size_t id_offset,
	api_item_fn item)
{
	const char *row = rows, *next = NULL;
	struct json_object *o, *items;
	size_t shown = n < (size_t)req->q.limit ? n : (size_t)req->q.limit;
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
