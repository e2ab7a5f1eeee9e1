/* devforgectl search-reindex: an index rebuilt from nothing answers as the
 * one kept in step did. Its own program: a rebuild holds the index's
 * writer lock for seconds, while searches answer from the index as it is,
 * which the tests of test_search (run in parallel) must not meet. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"
#include "market.h"

TestSuite(search_rebuild);


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The slugs of market_search_slugs in byte order: BM25 weights move a little with
 * every listing other tests add meanwhile, the set found does not. */
static char *slug_set(const char *q)
{
	char *s = market_search_slugs(q, ""), *v[100], *tok, *save = NULL, *out;
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

