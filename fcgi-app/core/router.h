/* Route tables and the fixed pipeline every request passes before its
 * handler: 404, 405 (+Allow), CORS preflight, rate limit, authentication,
 * role, 415, 411/413, body read, JSON parse (400), then, for GET/HEAD
 * of a ROUTE_PUBLIC_CACHE route, the response cache (hit, or the handler
 * and a store) and conditional GET (ETag, 304). Handlers answer 422
 * for field errors themselves through problem.h. Each api/ file exports
 * one struct route_table. */
#ifndef DF_ROUTER_H
#define DF_ROUTER_H

#include <stddef.h>
#include "http.h"
#include "role.h"

struct config;

#define ROUTER_MAX_ROUTES 256 /* = SHM_MAX_ROUTES */

typedef int (*route_handler)(struct request *req);

enum route_flags {
	ROUTE_BODY_JSON = 1 << 0,   /* takes an application/json object body */
	ROUTE_BODY_RAW = 1 << 1,    /* takes raw bytes (content type checked by
	                               the handler); max_body applies */
	ROUTE_TRUSTED = 1 << 2,     /* role check passes for clients in the
	                               config's trusted networks too */
	ROUTE_AUTH_OPTIONAL = 1 << 3, /* a bearer token is checked when sent,
	                               but anonymous callers get through */
	ROUTE_PUBLIC_CACHE = 1 << 4, /* GET only: answers carry ETag and
	                               Cache-Control, If-None-Match gets 304,
	                               and answers the handler marks
	                               cacheable are kept per worker until
	                               one of cache_gens is bumped */
	ROUTE_BODY_STREAM = 1 << 5  /* takes raw bytes the handler reads
	                               itself with router_read_body (uploads
	                               streamed to disk); 411 and 413 are
	                               checked first against max_body, or
	                               the config's max_package_bytes */
};

/* Rate-limit classes; their limits come from the config
 * (ratelimit.<name> = N/sec|min|hour). */
enum rl_class {
	RL_DEFAULT = 0,   /* per user, or per address when anonymous */
	RL_AUTH,          /* per address */
	RL_LICENSE,       /* per address */
	RL_ANALYTICS,     /* per address */
	RL_NONE,          /* not limited (health, metrics) */
	RL__MAX
};

struct route {
	enum http_method method;
	const char *pattern;      /* "/api/v1/extensions/{slug}"; a {name}
	                             segment matches one non-empty segment */
	route_handler handler;
	enum role role;           /* ROLE_NONE: anyone */
	enum rl_class rl;
	unsigned flags;           /* enum route_flags */
	size_t max_body;          /* 0: the config's max_body */
	uint64_t cache_gens;      /* ROUTE_PUBLIC_CACHE: bit i set when a
	                             bump of shared generation i
	                             (0..SHM_CACHE_GENERATIONS-1) changes
	                             what this route answers; at least one */
};

struct route_table {
	const char *name;         /* "health", "analytics" */
	const struct route *routes;
	size_t n;
};

/* Hooks the router calls; NULL members are skipped. Return 0, or a
 * negative df_err: DF_EAUTH becomes 401, DF_EDBDOWN 503, DF_ERESPONDED
 * means the hook wrote its own problem. */
struct router_hooks {
	/* Verifies req->authorization (when present) and fills req->auth.
	 * Called for every matched route; with no credentials it must
	 * return 0 and leave req->auth.authenticated = 0. */
	int (*authenticate)(struct request *req);
};

struct router {
	const struct config *cfg;
	const struct route_table *const *tables;
	size_t ntables;
	struct router_hooks hooks;
	http_read_fn read_body;   /* body source for http_read_body */
	void *read_ctx;
	size_t nroutes;           /* total, set by router_init */
	const struct route *flat[ROUTER_MAX_ROUTES]; /* every route, in table
	                             order; index = metrics route index */
};

/* Validates every table (patterns well formed, no duplicate method +
 * pattern, at most ROUTER_MAX_ROUTES, ROUTE_PUBLIC_CACHE only on GET
 * and with cache_gens) and fills nroutes and flat.
 * 0 or DF_EINVAL. */
int router_init(struct router *r);

/* Runs the pipeline and the handler; afterwards req->resp holds the
 * answer (a problem on any failure). Never fails: internal errors become
 * 500 and DF_EDBDOWN becomes 503. */
void router_dispatch(struct router *r, struct request *req);

/* Index of req->route among all routes (0..nroutes-1), or -1 when no
 * route matched: the key for per-route metrics. */
int router_route_index(const struct router *r, const struct route *rt);
/* The route at index i (for metrics labels and the openapi check). */
const struct route *router_route_at(const struct router *r, size_t i);

/* Reads up to len bytes of a ROUTE_BODY_STREAM request's body: bytes
 * read, 0 at its end, -1 on error (an http_read_fn over req). */
long router_read_body(void *req, char *buf, size_t len);

/* A path parameter by name ({slug} -> "slug"), or NULL. */
const char *router_param(const struct request *req, const char *name);

/* Pure helpers, exported for unit tests. */
/* Matches path against pattern, filling params (arena strings). 1 on a
 * match, 0 otherwise. */
int router_match(const char *pattern, const char *path, struct arena *a,
	struct http_kv *params, size_t *nparams);
/* Whether media type ct is application/json (parameters such as
 * charset=utf-8 allowed, any other charset refused). */
int router_is_json_type(const char *ct);

#endif
