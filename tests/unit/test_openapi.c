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

/* docs/openapi.yaml of the source tree ($srcdir, else the current
 * directory). */
static FILE *open_spec(void)
{
	const char *srcdir = getenv("srcdir");
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", srcdir ? srcdir : ".");
	f = fopen(path, "r");
	cr_assert(f != NULL, "cannot open %s", path);
	return f;
}

static size_t read_spec(struct op *ops)
{
	char line[1024], cur[256] = "";
	int in_paths = 0;
	size_t n = 0;
	FILE *f;

	f = open_spec();
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

/* ---- the statuses each operation documents ---- */

#define MAX_STATUS 24

struct op_status {
	char method[8];
	char path[256];
	int status[MAX_STATUS];
	size_t n;
	int limited_headers; /* its 429 documents Retry-After */
};

static size_t read_statuses(struct op_status *ops)
{
	char line[1024], cur[256] = "";
	int in_paths = 0, in_resp = 0, in_429 = 0;
	size_t n = 0;
	FILE *f;

	f = open_spec();
	while (fgets(line, sizeof(line), f)) {
		size_t indent = strspn(line, " ");
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "paths:") == 0) {
			in_paths = 1;
			continue;
		}
		if (!in_paths || line[0] == '\0')
			continue;
		if (line[0] != ' ')
			break;
		if (indent == 2) {
			size_t len = strlen(line);
			snprintf(cur, sizeof(cur), "%.*s", (int)(len - 3), line + 2);
			in_resp = in_429 = 0;
			continue;
		}
		if (indent == 4) {
			static const char *const methods[] = { "get", "post",
				"put", "patch", "delete" };
			in_resp = in_429 = 0;
			for (size_t i = 0; i < 5; i++) {
				char want[32];
				snprintf(want, sizeof(want), "    %s:", methods[i]);
				if (strcmp(line, want) != 0)
					continue;
				cr_assert(n < MAX_OPS);
				memset(&ops[n], 0, sizeof(ops[n]));
				for (size_t k = 0; methods[i][k]; k++)
					ops[n].method[k] = (char)(methods[i][k] - 32);
				snprintf(ops[n].path, sizeof(ops[n].path), "%s", cur);
				n++;
			}
			continue;
		}
		if (n == 0)
			continue;
		if (indent == 6) {
			in_resp = strcmp(line, "      responses:") == 0;
			in_429 = 0;
			continue;
		}
		if (!in_resp)
			continue;
		if (indent == 8 && line[8] == '"') {
			struct op_status *o = &ops[n - 1];
			int code = atoi(line + 9);
			cr_assert(o->n < MAX_STATUS);
			o->status[o->n++] = code;
			in_429 = code == 429;
			if (in_429 && strstr(line, "RateLimited") != NULL)
				o->limited_headers = 1;
			continue;
		}
		if (in_429 && strstr(line, "Retry-After") != NULL)
			ops[n - 1].limited_headers = 1;
	}
	fclose(f);
	return n;
}

static int has_status(const struct op_status *o, int code)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->status[i] == code)
			return 1;
	return 0;
}

/* The statuses the router itself can give for a route follow from its
 * table entry; each must be documented for the operation, so a client
 * generated from the spec knows every answer it can get. */
Test(openapi, every_status_the_router_can_give_is_documented)
{
	static struct op_status ops[MAX_OPS];
	size_t nops = read_statuses(ops);

	for (size_t t = 0; t < api_ntables; t++) {
		for (size_t i = 0; i < api_tables[t]->n; i++) {
			const struct route *rt = &api_tables[t]->routes[i];
			const char *m = http_method_name(rt->method);
			const struct op_status *o = NULL;
			int want[16];
			size_t nw = 0;

			for (size_t k = 0; k < nops && o == NULL; k++)
				if (strcmp(ops[k].method, m) == 0 &&
				    strcmp(ops[k].path, rt->pattern) == 0)
					o = &ops[k];
			if (o == NULL)
				continue; /* the test above reports it */
			/* A bad bearer token is refused on every route, and
			 * checking a token reads the user's row. */
			want[nw++] = 401;
			want[nw++] = 503;
			if (rt->rl != RL_NONE)
				want[nw++] = 429;
			if (rt->role != ROLE_NONE && rt->role != ROLE_USER)
				want[nw++] = 403;
			if (strchr(rt->pattern, '{') != NULL)
				want[nw++] = 404;
			if (rt->flags & ROUTE_BODY_JSON) {
				want[nw++] = 400;
				want[nw++] = 415;
				want[nw++] = 422; /* unknown fields */
			}
			if (rt->flags & (ROUTE_BODY_JSON | ROUTE_BODY_RAW |
			    ROUTE_BODY_STREAM)) {
				want[nw++] = 411;
				want[nw++] = 413;
			}
			if (rt->flags & ROUTE_PUBLIC_CACHE)
				want[nw++] = 304;
			for (size_t w = 0; w < nw; w++)
				cr_expect(has_status(o, want[w]), "%s %s: status "
					"%d is not documented", m, rt->pattern,
					want[w]);
			if (has_status(o, 429))
				cr_expect(o->limited_headers, "%s %s: its 429 "
					"does not document Retry-After", m,
					rt->pattern);
		}
	}
}
