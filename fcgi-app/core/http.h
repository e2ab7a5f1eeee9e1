/* The request and the response of one FastCGI exchange. Parsing works on a
 * plain envp array (what FCGX_Request.envp is), so unit tests and fuzzers
 * drive it without a socket; body reading and response writing go through
 * small callbacks for the same reason. Every string in a request lives in
 * its arena. */
#ifndef DF_HTTP_H
#define DF_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "role.h"

struct arena;
struct json_object;
struct route;
struct router;
struct config;

enum http_method {
	HTTP_OTHER = 0, HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH,
	HTTP_DELETE, HTTP_OPTIONS
};

/* Named safe limits; the config may lower or raise them at start. */
#define HTTP_MAX_URI_DEFAULT 2048        /* REQUEST_URI bytes */
#define HTTP_MAX_QUERY_DEFAULT 4096      /* QUERY_STRING bytes */
#define HTTP_MAX_HEADER_DEFAULT 8192     /* one HTTP_* param value */
#define HTTP_MAX_HEADERS_TOTAL_DEFAULT 32768 /* all HTTP_* params */
#define HTTP_MAX_QUERY_PARAMS 64
#define HTTP_MAX_PATH_PARAMS 8
#define HTTP_MAX_RESP_HEADERS 24
#define HTTP_REQUEST_ID_MAX 128

struct http_limits {
	size_t max_uri;
	size_t max_query;
	size_t max_header;
	size_t max_headers_total;
	size_t max_body;          /* default cap for routes that take a body */
};

struct http_kv {
	const char *name;
	const char *value;
	size_t value_len;         /* strlen(value): decoded values never hold
	                             NUL (http_parse refuses %00) */
};

/* Who sent the request, once the auth hook has run. */
struct auth_info {
	int authenticated;        /* 1 when a valid bearer token was presented */
	char sub[64];             /* user public id */
	enum role role;
	int64_t iat;              /* issued-at of the token, unix seconds */
	int64_t exp;
	char jti[64];
	void *user;               /* the caller's row as the api layer loaded
	                             it (struct store_user, arena-owned), so a
	                             handler needs no second lookup; NULL when
	                             anonymous */
	const char *refused;      /* a presented token was refused: the
	                             problem code of the 401,
	                             "token_expired" or "invalid_token" */
};

struct response {
	int status;               /* 0 until something is set */
	const char *content_type; /* NULL: no body */
	const char *body;         /* arena, or http_set_body_ref's */
	size_t body_len;
	struct http_kv headers[HTTP_MAX_RESP_HEADERS];
	size_t nheaders;
	int cacheable;            /* the 200 answer is the same for every
	                             caller: a ROUTE_PUBLIC_CACHE route may
	                             keep it and mark it public */
	int omit_length;          /* no Content-Length: the front server
	                             supplies the body (X-Sendfile) */
};

/* Rows of a route's query table (router.h). */
#define HTTP_MAX_QUERY_ROWS 12

/* A request's query parameters as its route's table parsed them. */
struct http_query_values {
	int64_t limit;              /* QP_LIMIT, else ROUTER_LIMIT_DEFAULT */
	int64_t after;              /* QP_CURSOR's row id; 0: first page */
	unsigned char set[HTTP_MAX_QUERY_ROWS]; /* per table row: sent */
	int64_t i[HTTP_MAX_QUERY_ROWS];
	double d[HTTP_MAX_QUERY_ROWS];
};

struct request {
	struct arena *arena;

	/* From the FastCGI params, validated by http_parse(). */
	enum http_method method;
	const char *method_str;     /* as sent, e.g. "GET" */
	const char *uri;            /* REQUEST_URI as sent (path + ?query) */
	const char *path;           /* percent-decoded, normalised: starts with
	                               '/', no "//", no "." or ".." segments,
	                               no trailing '/' except for "/" itself,
	                               valid UTF-8, no NUL or control bytes */
	const char *query;          /* raw query string, "" when absent */
	struct http_kv query_params[HTTP_MAX_QUERY_PARAMS]; /* decoded */
	size_t nquery;
	const char *remote_addr;    /* REMOTE_ADDR, "" when absent */
	const char *content_type;   /* CONTENT_TYPE or NULL */
	int has_content_length;     /* CONTENT_LENGTH present and non-empty */
	uint64_t content_length;    /* parsed strictly; valid when has_... */
	const char *authorization;  /* HTTP_AUTHORIZATION or NULL */
	const char *origin;         /* HTTP_ORIGIN or NULL */
	const char *if_none_match;  /* HTTP_IF_NONE_MATCH or NULL */
	const char *cookie;         /* HTTP_COOKIE or NULL */
	const char *user_agent;     /* HTTP_USER_AGENT or NULL */
	const char *acr_method;     /* HTTP_ACCESS_CONTROL_REQUEST_METHOD */
	const char *acr_headers;    /* HTTP_ACCESS_CONTROL_REQUEST_HEADERS */
	char request_id[HTTP_REQUEST_ID_MAX + 1]; /* kept from X-Request-Id
	                               when 8-128 of [A-Za-z0-9._-], else
	                               generated (32 hex chars) */
	char **envp;                /* the raw params http_parse reads */

	/* Filled by the router. */
	const struct config *cfg;   /* the process's checked configuration */
	const struct router *router;
	const struct route *route;
	struct http_kv path_params[HTTP_MAX_PATH_PARAMS];
	size_t npath;
	char *body;                 /* NUL-terminated copy, arena; NULL if none */
	size_t body_len;
	struct json_object *json;   /* parsed body, freed by the arena */
	struct http_query_values q; /* the route's query table, parsed */
	void *checked;              /* what the route's check derived */
	int cache_private;          /* set by the route's check: this
	                               caller's answer is their own (a
	                               ROUTE_PUBLIC_CACHE route neither
	                               serves it from the cache nor keeps it) */
	struct auth_info auth;

	/* Problem details being collected (see problem.h). */
	struct json_object *problem_errors;
	size_t problem_lost;        /* errors that could not be stored */

	struct response resp;

	/* Timing for logs and metrics (CLOCK_MONOTONIC, ns). */
	uint64_t t_start_ns;
	uint64_t bytes_out;
};

/* Reads body bytes: returns bytes read (0 at end of stream) or -1. */
typedef long (*http_read_fn)(void *ctx, char *buf, size_t len);
/* Writes bytes: returns 0 when all were written, -1 otherwise. */
typedef int (*http_write_fn)(void *ctx, const char *buf, size_t len);

/* Sets up req (zeroing it) with its arena and envp, stamps t_start_ns and
 * chooses the request id. Never fails. */
void http_request_init(struct request *req, struct arena *a, char **envp);

/* Validates and extracts the params into req. Returns 0, or an HTTP status
 * to answer with (400 malformed, 414 URI too long, 431 header too large,
 * 501 unknown method is NOT an error: method becomes HTTP_OTHER and the
 * router answers 405). Checks: REQUEST_METHOD and REQUEST_URI present;
 * URI, query and header caps; path percent-decoding (%00 and invalid
 * escapes refused), UTF-8 validity, normalisation; query string parsed
 * into query_params (decoded, '+' as space, UTF-8 checked, at most
 * HTTP_MAX_QUERY_PARAMS else 400); CONTENT_LENGTH parsed strictly
 * (digits only, no sign, no leading/trailing space, <= 2^53; anything
 * else 400). On error, *why is set to a static sentence for the problem
 * detail. */
DF_MUST_CHECK int http_parse(struct request *req, const struct http_limits *lim,
	const char **why);

/* A decoded query parameter (first occurrence) or NULL. */
const char *http_query(const struct request *req, const char *name);
/* A cookie value from the Cookie header, copied into the arena, or NULL. */
const char *http_cookie(struct request *req, const char *name);

/* Reads exactly req->content_length bytes into req->body (NUL-terminated).
 * Returns 0, DF_EIO when the stream ends early or fails (answer 400), or
 * DF_ENOMEM. The caller has already refused missing (411) and oversized
 * (413) lengths. */
DF_MUST_CHECK int http_read_body(struct request *req, http_read_fn rd, void *ctx);

/* Adds a response header (name and value are copied). DF_ETOOBIG when
 * full; DF_EINVAL when either contains CR, LF or NUL. Adding a header
 * whose name is already present (case-insensitive) replaces it. */
DF_MUST_CHECK int http_set_header(struct request *req, const char *name, const char *value);
/* Sets status and a body (copied into the arena). */
DF_MUST_CHECK int http_set_body(struct request *req, int status, const char *content_type,
	const char *body, size_t len);
/* As http_set_body, but content_type and body are not copied: both must
 * stay unchanged until the answer is written (a cached answer in the
 * cache's per-process copy, which only the next lookup replaces). */
DF_MUST_CHECK int http_set_body_ref(struct request *req, int status,
	const char *content_type, const char *body, size_t len);
/* Serialises obj (json-c, plain, no slash escaping) as the body with
 * "application/json; charset=utf-8". Does not take ownership of obj. */
DF_MUST_CHECK int http_set_json(struct request *req, int status, struct json_object *obj);
/* Status only, no body (204, 304). */
void http_set_status(struct request *req, int status);
/* Declares the answer the same for every caller (a published extension,
 * never a draft its owner sees), so the router may cache it. */
void http_set_cacheable(struct request *req);

/* Writes "Status:", Content-Type, Content-Length, X-Request-Id,
 * X-Content-Type-Options: nosniff, the extra headers, the blank line and
 * (unless HEAD, 204 or 304) the body, through wr. Returns 0 or DF_EIO.
 * Sets req->bytes_out. */
DF_MUST_CHECK int http_write_response(struct request *req, http_write_fn wr, void *ctx);

/* The reason phrase for a status ("Not Found"); "Unknown" if none. */
const char *http_reason(int status);
enum http_method http_method_parse(const char *s);
const char *http_method_name(enum http_method m);

/* Monotonic clock in nanoseconds. */
uint64_t http_now_ns(void);
/* Fills buf (>= 33 bytes) with 32 random hex characters: a fresh request
 * id when the front server sent none. */
void http_new_request_id(char *buf);

#endif
