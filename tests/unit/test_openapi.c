/* docs/openapi.yaml and the route tables must describe the same API:
 * every route in code is documented, every documented operation exists. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/api.h"
#include "http.h"
#include "router.h"

#define MAX_OPS 512

struct op {
	char method[8];
	char path[256];
};

static size_t read_spec(struct op *ops)
{
	const char *srcdir = getenv("srcdir");
	char path[1024], line[1024], cur[256] = "";
	int in_paths = 0;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", srcdir ? srcdir : ".");
	f = fopen(path, "r");
	cr_assert(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "paths:") == 0) {
			in_paths = 1;
			continue;
		}
		if (!in_paths)
			continue;
		if (line[0] != ' ' && line[0] != '\0')
			break;     /* the next top-level key ends paths */
		if (strncmp(line, "  /", 3) == 0) {
			size_t len = strlen(line);
			cr_assert(line[len - 1] == ':', "odd path line: %s", line);
			snprintf(cur, sizeof(cur), "%.*s", (int)(len - 3), line + 2);
			continue;
		}
		static const char *const methods[] = { "get", "post", "put",
			"patch", "delete" };
		for (size_t i = 0; i < 5; i++) {
			char want[32];
			snprintf(want, sizeof(want), "    %s:", methods[i]);
			if (strcmp(line, want) == 0) {
				cr_assert(n < MAX_OPS);
				cr_assert(cur[0] != '\0');
				for (size_t k = 0; methods[i][k]; k++)
					ops[n].method[k] = (char)(methods[i][k] - 32);
				ops[n].method[strlen(methods[i])] = '\0';
				snprintf(ops[n].path, sizeof(ops[n].path), "%s", cur);
				n++;
			}
		}
	}
	fclose(f);
	return n;
}

Test(openapi, every_route_is_documented_and_every_operation_exists)
{
	static struct op ops[MAX_OPS];
	size_t nops = read_spec(ops), nroutes = 0;

	cr_assert(nops > 0, "no operations found in the spec");
	for (size_t t = 0; t < api_ntables; t++) {
		for (size_t i = 0; i < api_tables[t]->n; i++) {
			const struct route *rt = &api_tables[t]->routes[i];
			const char *m = http_method_name(rt->method);
			int found = 0;
			for (size_t k = 0; k < nops; k++)
				found |= strcmp(ops[k].method, m) == 0 &&
					strcmp(ops[k].path, rt->pattern) == 0;
			cr_expect(found, "%s %s is in the route table but not in "
				"docs/openapi.yaml", m, rt->pattern);
			nroutes++;
		}
	}
	for (size_t k = 0; k < nops; k++) {
		int found = 0;
		for (size_t t = 0; t < api_ntables; t++)
			for (size_t i = 0; i < api_tables[t]->n; i++) {
				const struct route *rt = &api_tables[t]->routes[i];
				found |= strcmp(http_method_name(rt->method),
					ops[k].method) == 0 &&
					strcmp(rt->pattern, ops[k].path) == 0;
			}
		cr_expect(found, "%s %s is in docs/openapi.yaml but no route "
			"serves it", ops[k].method, ops[k].path);
	}
	cr_assert_eq(nroutes, nops, "%zu routes, %zu documented operations",
		nroutes, nops);
}
