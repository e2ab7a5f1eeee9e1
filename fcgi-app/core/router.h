/* Route tables and the fixed pipeline every request passes before its
 * handler: 404, 405 (+Allow), CORS preflight, rate limit, authentication,
 * role, 415, 411/413, body read, JSON parse (400), the request's declared
 * shape (the route's body field table, query table and check: 422 with
 * every error at once), then, for GET/HEAD of a ROUTE_PUBLIC_CACHE route,
 * the response cache (hit, or the handler and a store) and conditional
 * GET (ETag, 304). A handler so receives only input its route declared
 * valid. Each api/ file exports one struct route_table. */
#ifndef DF_ROUTER_H
#define DF_ROUTER_H

#include <stddef.h>
#include <stdint.h>
#include "http.h"
#include "json.h"
#include "err.h"
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
	                               cacheable are kept (once per host) until
	                               one of cache_gens is bumped */
	ROUTE_BODY_STREAM = 1 << 5, /* takes raw bytes the handler reads
	                               itself with router_read_body (uploads
	                               streamed to disk); 411 and 413 are
	                               checked first against max_body, or
	                               the config's max_package_bytes */
	ROUTE_STAFF_CACHE = 1 << 6  /* GET only: the answer is the same for
	                               every support/admin caller asking
	                               this URL. Staff callers' 200 answers
	                               the handler marks cacheable are kept
	                               (once per host, under keys of their
	                               own, never shared with another
	                               caller's) until one of cache_gens is
	                               bumped or cache_counts_max_age
	                               passes; every other caller always
	                               gets the handler. Not with
	                               ROUTE_PUBLIC_CACHE. */
};

/* Rate-limit classes; their limits come from the config
 * (ratelimit.<name> = N/sec|min|hour). */
enum rl_class {
	RL_DEFAULT = 0,   /* per user, or per address when anonymous */
	RL_AUTH,          /* per address */
	RL_LICENSE,       /* per address */
	RL_ANALYTICS,     /* per address */
	RL_ASSISTANT,     /* per user, or per address when anonymous */
	RL_NONE,          /* not limited (health, metrics) */
	RL__MAX
};

/* List parameters, the same on every collection route. */
#define ROUTER_LIMIT_DEFAULT 20
#define ROUTER_LIMIT_MAX 100

/* How a query parameter is read; a value that fails its kind's rule adds
 * one error named after the parameter (code and message from the row,
 * else the kind's). Parsed values: req->q (limit, after) and
 * router_query_int / router_query_num. */
enum query_kind {
	QP_LIMIT,    /* 1..ROUTER_LIMIT_MAX: req->q.limit (default
	                ROUTER_LIMIT_DEFAULT); out_of_range */
	QP_CURSOR,   /* a cursor api_page_cursor made for .cursor_kind
	                (base64url of "<kind>.<row id>"): req->q.after (0 on
	                the first page); invalid_format */
	QP_ENUM,     /* one of .values (NULL-terminated): its index;
	                invalid_format */
	QP_TEXT,     /* .min..max bytes (max 0: unbounded) and .valid when
	                set; invalid_format */
	QP_DATE,     /* YYYY-MM-DD, a real day: days since 1970-01-01;
	                invalid_format, "must be a date, YYYY-MM-DD" */
	QP_NUMBER    /* a finite decimal from .min to .max; out_of_range */
};

struct query_param {
	const char *name;
	enum query_kind kind;
	const char *cursor_kind;        /* QP_CURSOR: the list's kind */
	const char *const *values;      /* QP_ENUM */
	int64_t min, max;               /* QP_TEXT (bytes), QP_NUMBER */
	int (*valid)(const char *s, size_t len); /* QP_TEXT: 1 when valid */
	const char *code;               /* NULL: the kind's */
	const char *message;            /* NULL: the kind's (QP_ENUM and
	                                   QP_TEXT must name theirs) */
};

/* A route's query table: unknown parameters are ignored (caches and
 * clients add their own), declared ones are checked. */
struct route_query {
	const struct query_param *params;
	size_t n;                       /* at most HTTP_MAX_QUERY_ROWS */
};

/* ".body = JSON_FIELDS(some_fields)", ".query = QUERY_PARAMS(rows)". */
#define QUERY_PARAMS(rows) { (rows), sizeof(rows) / sizeof((rows)[0]) }

/* A route's own rule over its whole input, run after the tables (also
 * when they found errors, so that every error is answered at once; a
 * check that needs valid fields returns early when problem_error_count
 * is not 0): adds errors with problem_add_error and may leave what it
 * derived in req->checked for the handler. 0 or a negative df_err (not
 * for bad input: that is an added error). */
typedef int (*route_check)(struct request *req);

struct route {
	enum http_method method;
	const char *pattern;      /* "/api/v1/extensions/{slug}"; a {name}
	                             segment matches one non-empty segment */
	route_handler handler;
	enum role role;           /* ROLE_NONE: anyone */
	enum rl_class rl;
	unsigned flags;           /* enum route_flags */
	size_t max_body;          /* 0: the config's max_body */
	uint64_t cache_gens;      /* ROUTE_PUBLIC_CACHE, ROUTE_STAFF_CACHE:
	                             bit i set when a
	                             bump of shared generation i
	                             (0..SHM_CACHE_GENERATIONS-1) changes
	                             what this route answers; at least one */
	struct json_fields body;  /* ROUTE_BODY_JSON: the body's fields (no
	                             others accepted); none: any object */
	struct route_query query; /* the query parameters read */
	route_check check;        /* optional, see route_check */
	route_handler on_cache_hit; /* ROUTE_PUBLIC_CACHE, optional: run when
	                             the answer came from the cache and the
	                             handler did not (a read counter that
	                             must see every read); a failure is
	                             logged, the answer stands */
};

struct route_table {
	const char *name;         /* "health", "analytics" */
	const struct route *routes;
	size_t n;
};

/* Hooks the router calls; NULL members are skipped. Return 0, or a
 * negative df_err: DF_EAUTH becomes 401, DF_EDBDOWN and DF_EDBTIMEOUT
 * 503 with Retry-After, DF_ERESPONDED means the hook wrote its own
 * problem. */
struct router_hooks {
	/* Verifies req->authorization (when present) and fills req->auth.
	 * Called for every matched route; with no credentials it must
	 * return 0 and leave req->auth.authenticated = 0. */
	int (*authenticate)(struct request *req);
};

#define ROUTER_MAX_SEGMENTS 32

/* A route's pattern cut into segments once, at router_init: a request's
 * path is cut once and compared with these, where matching each pattern
 * against the raw path scanned the path again for every route (a tenth
 * of a cached answer's time in the worker). */
struct router_shape {
	uint16_t off[ROUTER_MAX_SEGMENTS];   /* into the pattern */
	uint16_t len[ROUTER_MAX_SEGMENTS];
	uint32_t literal;  /* bit (31 - i): segment i is a literal */
	uint8_t nseg;
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
	struct router_shape shape[ROUTER_MAX_ROUTES]; /* of flat[i] */
};

/* Validates every table (patterns well formed, no duplicate method +
 * pattern, at most ROUTER_MAX_ROUTES, ROUTE_PUBLIC_CACHE only on GET
 * and with cache_gens) and fills nroutes and flat.
 * 0 or DF_EINVAL. */
DF_MUST_CHECK int router_init(struct router *r);

/* Runs the pipeline and the handler; afterwards req->resp holds the
 * answer (a problem on any failure). Never fails: internal errors become
 * 500 and DF_EDBDOWN or DF_EDBTIMEOUT becomes 503. */
void router_dispatch(struct router *r, struct request *req);

/* Index of req->route among all routes (0..nroutes-1), or -1 when no
 * route matched: the key for per-route metrics. */
int router_route_index(const struct router *r, const struct route *rt);
/* The route at index i (for metrics labels and the openapi check). */
const struct route *router_route_at(const struct router *r, size_t i);

/* Reads up to len bytes of a ROUTE_BODY_STREAM request's body: bytes
 * read, 0 at its end, -1 on error (an http_read_fn over req). */
long router_read_body(void *req, char *buf, size_t len);

/* Checks req's query against q (what the pipeline does for a route's
 * table, exported for unit tests): errors go to req's problem errors,
 * values to req->q. 0, or DF_EINVAL when errors were added. */
DF_MUST_CHECK int router_query_check(struct request *req, const struct route_query *q);
/* The parsed value of the route's query parameter name (QP_ENUM: the
 * index; QP_DATE: the day; QP_LIMIT, QP_TEXT: see req->q and
 * http_query), or dflt when it was not sent. */
int64_t router_query_int(const struct request *req, const char *name,
	int64_t dflt);
double router_query_num(const struct request *req, const char *name,
	double dflt);

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
