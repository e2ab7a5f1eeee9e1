/* devforgectl search-reindex: an index rebuilt from nothing answers as the
 * one kept in step did. Its own program: a rebuild holds the index's
 * writer lock for seconds, while searches answer from the index as it is,
 * which the tests of test_search (run in parallel) must not meet. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"
#include "market.h"

TestSuite(search_rebuild);


static const char *path_q(const char *q, const char *extra)
{
	static char path[1024];
	char *p;
	size_t i;

	p = path + snprintf(path, sizeof(path), EXT "?q=");
	for (i = 0; q[i] != '\0'; i++) {
		unsigned char c = (unsigned char)q[i];

		if (isalnum(c))
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	snprintf(p, sizeof(path) - (size_t)(p - path), "%s", extra);
	return path;
}

/* The slugs a search answers, in order, joined by spaces (malloc'd). */
static char *slugs_of(const char *q, const char *extra)
{
	struct client_resp r;
	struct json_object *o, *items;
	char *out = calloc(1, 1);
	size_t i, len = 0;
	char more[256];

	snprintf(more, sizeof(more), "&limit=100%s", extra);
	cr_assert_eq(market_req("GET", path_q(q, more), NULL, NULL, &r), 200,
		"q=%s: %s", q, r.body);
	o = client_json(&r);
	items = json_object_object_get(o, "items");
	for (i = 0; i < json_object_array_length(items); i++) {
		const char *s = client_json_str(
			json_object_array_get_idx(items, i), "slug");

		out = realloc(out, len + strlen(s) + 2);
		len += (size_t)sprintf(out + len, "%s ", s);
	}
	json_object_put(o);
	client_free(&r);
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The slugs of slugs_of in byte order: BM25 weights move a little with
 * every listing other tests add meanwhile, the set found does not. */
static char *slug_set(const char *q)
{
	char *s = slugs_of(q, ""), *v[100], *tok, *save = NULL, *out;
	size_t n = 0, i, len = 0, total = strlen(s) + 2;

	for (tok = strtok_r(s, " ", &save); tok && n < 100;
	     tok = strtok_r(NULL, " ", &save))
		v[n++] = tok;
	qsort(v, n, sizeof(v[0]), cmp_str);
	out = calloc(1, total);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%s ", v[i]);
	free(s);
	return out;
}

Test(search_rebuild, a_rebuild_from_nothing_answers_the_same)
{
	static const char *const qs[] = {
		"git", "theme dark", "python", "format code", "runner coverage",
	};
	char *before[5], *after, cmd[1024], *out = NULL;
	char *dir = client_config("search_index_dir", NULL);
	size_t i;

	cr_assert(dir != NULL && *dir == '/');
	for (i = 0; i < 5; i++) {
		before[i] = slug_set(qs[i]);
		cr_assert_str_neq(before[i], "", "%s finds nothing", qs[i]);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir '%s' && %s -c '%s' "
		"search-reindex", dir, dir, client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out ? out : "");
	free(out);
	for (i = 0; i < 5; i++) {
		after = slug_set(qs[i]);
		cr_assert_str_eq(after, before[i], "q=%s", qs[i]);
		free(after);
		free(before[i]);
	}
	free(dir);
}

