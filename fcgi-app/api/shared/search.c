/* Stores: none. */
/* What the FULLTEXT-searched lists (the knowledge base, the forum)
 * share: their rows' space-separated tags as a JSON array, and the
 * search cursor that keeps pages stable while rows are added: the last
 * row's relevance key and id, and the highest row id the first page saw
 * (later rows are left out of the following pages); and the plain text
 * of a Markdown body that their FULLTEXT indexes read. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "api/api.h"
#include "arena.h"
#include "mdtext.h"
#include "json.h"
#include "err.h"
#include "problem.h"
#include "validate.h"

struct json_object *api_tags_json(struct request *req, const char *tags)
{
	struct json_object *arr = json_new_array(req);
	const char *p = tags != NULL ? tags : "", *e;

	if (arr == NULL)
		return NULL;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		if (e > p && json_push(arr, json_own(req,
		    json_object_new_string_len(p, (int)(e - p)))) != 0)
			return NULL;
		p = e;
	}
	return arr;
}

const char *api_cursor_ranked(struct request *req, const char *kind,
	int64_t key, int64_t id, int64_t upto)
{
	char raw[API_CURSOR_RAW_MAX];
	int n;

	n = snprintf(raw, sizeof(raw), "%s.%lld.%lld.%lld", kind,
		(long long)key, (long long)id, (long long)upto);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return NULL;
	return api_cursor_encode(req, raw);
}

int api_cursor_ranked_read(const char *raw, long n, const char *kind,
	int64_t *key, int64_t *id, int64_t *upto)
{
	size_t klen = strlen(kind);
	long long k, i, x;
	int used = 0;

	if (n < 0 || (size_t)n <= klen || strncmp(raw, kind, klen) != 0 ||
	    raw[klen] != '.')
		return DF_EINVAL;
	if (sscanf(raw + klen + 1, "%lld.%lld.%lld%n", &k, &i, &x,
	    &used) != 3 || (long)(klen + 1) + used != n || k < 0 || i <= 0 ||
	    x < i)
		return DF_EINVAL;
	*key = k;
	*id = i;
	*upto = x;
	return 0;
}

int api_list_rows(struct request *req, const void *rows, size_t n,
	size_t size, int64_t limit, api_row_fn item, api_row_cursor_fn cursor,
	const void *ctx)
{
	const char *row = rows, *next = NULL;
	struct json_object *list, *items;
	size_t shown = n > (size_t)limit ? (size_t)limit : n;

	list = api_list_new(req, &items);
	if (list == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < shown; i++)
		if (api_list_add(items, item(req, row + i * size, ctx)) != 0)
			return DF_ENOMEM;
	if (n > shown && (next = cursor(req, row + (shown - 1) * size,
	    ctx)) == NULL)
		return DF_ENOMEM;
	return api_list_send(req, list, next);
}

int api_plain_text(struct request *req, const char *md, const char **out)
{
	size_t len = strlen(md), outlen;
	char *text = arena_alloc(req->arena, len + 1);
	int rc;

	if (text == NULL)
		return DF_ENOMEM;
	rc = mdtext_plain(md, len, text, len + 1, &outlen);
	if (rc == 0)
		*out = text;
	return rc;
}

int api_tag_ok(const char *s)
{
	return validate_slug(s, 1, API_TAG_MAX);
}

size_t api_tags_read(struct request *req, struct json_object *tags,
	size_t max, const char **list)
{
	size_t i, j, n, kept = 0;

	if (!json_object_is_type(tags, json_type_array))
		return 0;
	n = json_object_array_length(tags);
	for (i = 0; i < n && i < max; i++) {
		struct json_object *t = json_object_array_get_idx(tags, i);
		const char *s = json_object_is_type(t, json_type_string) ?
			json_object_get_string(t) : NULL;
		char field[32];

		snprintf(field, sizeof(field), "tags[%zu]", i);
		if (s == NULL || !api_tag_ok(s)) {
			problem_add_error(req, field, "invalid_format",
				"must be 1-32 of a-z, 0-9 and single hyphens");
			continue;
		}
		for (j = 0; j < kept && strcmp(list[j], s) != 0; j++)
			;
		if (j < kept) {
			problem_add_error(req, field, "duplicate",
				"appears twice");
			continue;
		}
		list[kept++] = s;
	}
	return kept;
}
