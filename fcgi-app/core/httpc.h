/* A small HTTP client over libcurl for calling services we depend on (the
 * payment provider): one request at a time, a total time limit, a capped
 * answer, no redirects followed, everything the caller keeps in its
 * arena. Form bodies are built with httpc_form_*. */
#ifndef DF_HTTPC_H
#define DF_HTTPC_H

#include <stddef.h>
#include "err.h"

struct arena;

#define HTTPC_MAX_BODY (1024 * 1024) /* bytes of an answer we read */

struct httpc_req {
	const char *method;          /* "GET" or "POST" */
	const char *url;             /* http:// or https:// only */
	const char *bearer;          /* "Authorization: Bearer <bearer>"; NULL: none */
	const char *const *headers;  /* more "Name: value" lines, NULL-terminated; may be NULL */
	const char *body;            /* POST body, may be NULL */
	size_t body_len;
	const char *content_type;    /* of the body; NULL: form-encoded */
	unsigned timeout_ms;         /* the whole exchange, connect included; > 0 */
};

struct httpc_resp {
	long status;                 /* 0 when no answer came */
	char *body;                  /* NUL-terminated, in the arena */
	size_t body_len;
	const char *error;           /* why no answer came (for the log; never
	                                holds request headers), or NULL */
};

/* Once per process, before any request (before fork is fine). 0 or
 * DF_EINTERNAL. */
DF_MUST_CHECK int httpc_global_init(void);

/* Sends the request and waits for the whole answer. 0 when an answer
 * came, whatever its status (a 3xx is returned, not followed);
 * DF_EUPSTREAM when none came in time (unreachable, refused, timed out,
 * dropped, an answer over HTTPC_MAX_BODY), with out->error saying which;
 * DF_EINVAL for a bad request; DF_ENOMEM. */
DF_MUST_CHECK int httpc_request(struct arena *a, const struct httpc_req *req,
	struct httpc_resp *out);

/* An application/x-www-form-urlencoded body under construction, in the
 * arena. Start with httpc_form_init; add pairs; body and len are the
 * result. */
struct httpc_form {
	struct arena *a;
	char *body;                  /* NUL-terminated */
	size_t len, cap;
};
void httpc_form_init(struct httpc_form *f, struct arena *a);
/* Appends "key=value" (both percent-encoded), '&' between pairs. 0 or
 * DF_ENOMEM. */
DF_MUST_CHECK int httpc_form_add(struct httpc_form *f, const char *key,
	const char *value);
/* The same with a decimal value. */
DF_MUST_CHECK int httpc_form_add_int(struct httpc_form *f, const char *key,
	long long value);

/* Percent-encodes s for a URL path segment or a form (unreserved
 * characters kept), in the arena; NULL on DF_ENOMEM. */
char *httpc_escape(struct arena *a, const char *s);

#endif
