/* The router: finds the route of a request and runs the fixed pipeline
 * (404, OPTIONS/CORS preflight, 405, CORS, rate limit, authentication,
 * role, 415/411/413, body, JSON, the declared shape of body and query)
 * before the handler, then maps a
 * handler's error code to its problem answer. Public-cache routes answer
 * from the worker's cache when they can and carry ETag/Cache-Control. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "arena.h"
#include "cache.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "problem.h"
#include "ratelimit.h"
#include "router.h"
#include "shm.h"
#include "upload.h"
#include "validate.h"

/* Patterns longer than this many segments are refused at start: the
 * specificity of a match is a bitmask with one bit per segment. */
#define ROUTER_JSON_DEPTH_DEFAULT 32
/* "route:<METHOD> <pattern>", the key of a route's global bucket. */
#define ROUTER_GLOBAL_KEY_MAX 320

static const char cors_allow_headers[] =
	"Authorization, Content-Type, If-None-Match, Idempotency-Key, "
	"X-Request-Id";
static const char cors_expose_headers[] =
	"X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
	"Retry-After, ETag, Location, WWW-Authenticate";

/* ---- patterns ---- */

/* The next segment of s (which points at a '/' or the end): *seg and
 * *len, and s moved past it. 0 at the end. */
static int next_segment(const char **s, const char **seg, size_t *len)
{
	const char *p = *s, *e;

	if (*p != '/' || p[1] == '\0')
		return 0;
	p++;
	e = strchr(p, '/');
	if (e == NULL)
		e = p + strlen(p);
	*seg = p;
	*len = (size_t)(e - p);
	*s = e;
	return 1;
}

static int is_param(const char *seg, size_t len)
{
	return len >= 2 && seg[0] == '{' && seg[len - 1] == '}';
}

/* Matches and computes the specificity: bit (31 - i) set when segment i
 * is a literal, so comparing two masks as numbers prefers a literal at
 * the first segment where two matching patterns differ. */
static int match_impl(const char *pattern, const char *path, uint32_t *spec,
	struct arena *a, struct http_kv *params, size_t *nparams)
{
	const char *ps, *qs;
	size_t pl, ql, n = 0, i = 0;
	uint32_t mask = 0;
	int hp, hq;

	if (pattern == NULL || path == NULL || path[0] != '/')
		return 0;
	for (;; i++) {
		hp = next_segment(&pattern, &ps, &pl);
		hq = next_segment(&path, &qs, &ql);
		if (!hp || !hq) {
			if (hp != hq)
				return 0;
			break;
		}
		if (ql == 0 || i >= ROUTER_MAX_SEGMENTS)
			return 0;
		if (is_param(ps, pl)) {
			if (params != NULL && a != NULL) {
				if (n >= HTTP_MAX_PATH_PARAMS)
					return 0;
				params[n].name = arena_strndup(a, ps + 1, pl - 2);
				params[n].value = arena_strndup(a, qs, ql);
				params[n].value_len = ql;
				if (params[n].name == NULL || params[n].value == NULL)
					return 0;
			}
			n++;
		} else {
			if (pl != ql || memcmp(ps, qs, pl) != 0)
				return 0;
			mask |= 1u << (ROUTER_MAX_SEGMENTS - 1 - i);
		}
	}
	if (nparams != NULL)
		*nparams = params != NULL && a != NULL ? n : 0;
	if (spec != NULL)
		*spec = mask;
	return 1;
}

/* pattern (valid) as a shape; 0 when a segment lies beyond 64 KiB. */
static int shape_of(const char *pattern, struct router_shape *sh)
{
	const char *s = pattern, *seg;
	size_t len;

	memset(sh, 0, sizeof(*sh));
	while (next_segment(&s, &seg, &len)) {
		size_t off = (size_t)(seg - pattern);

		if (sh->nseg >= ROUTER_MAX_SEGMENTS || off > UINT16_MAX ||
		    len > UINT16_MAX)
			return 0;
		sh->off[sh->nseg] = (uint16_t)off;
		sh->len[sh->nseg] = (uint16_t)len;
		if (!is_param(seg, len))
			sh->literal |= 1u << (ROUTER_MAX_SEGMENTS - 1 - sh->nseg);
		sh->nseg++;
	}
	return 1;
}

/* A request path cut into segments; n is -1 when no pattern can match
 * it (as match_impl: an empty segment, more segments than a pattern may
 * have, or no leading '/'). */
struct path_cut {
	int n;
	const char *seg[ROUTER_MAX_SEGMENTS];
	size_t len[ROUTER_MAX_SEGMENTS];
};

static void cut_path(const char *path, struct path_cut *pc)
{
	const char *seg;
	size_t len;

	pc->n = -1;
	if (path == NULL || path[0] != '/')
		return;
	pc->n = 0;
	while (next_segment(&path, &seg, &len)) {
		if (len == 0 || pc->n >= ROUTER_MAX_SEGMENTS) {
			pc->n = -1;
			return;
		}
		pc->seg[pc->n] = seg;
		pc->len[pc->n++] = len;
	}
}

/* match_impl of route i against a cut path, without the parameters. */
static int shape_match(const struct router *r, size_t i,
	const struct path_cut *pc, uint32_t *spec)
{
	const struct router_shape *sh = &r->shape[i];
	const char *pattern = r->flat[i]->pattern;
	int j;

	if (pc->n != (int)sh->nseg)
		return 0;
	for (j = 0; j < pc->n; j++)
		if ((sh->literal & (1u << (ROUTER_MAX_SEGMENTS - 1 - j))) &&
		    (sh->len[j] != pc->len[j] ||
		     memcmp(pattern + sh->off[j], pc->seg[j], pc->len[j]) != 0))
			return 0;
	*spec = sh->literal;
	return 1;
}

int router_match(const char *pattern, const char *path, struct arena *a,
	struct http_kv *params, size_t *nparams)
{
	return match_impl(pattern, path, NULL, a, params, nparams);
}

/* A well-formed pattern: "/" or "/seg/{name}/..." with non-empty
 * segments of visible ASCII, parameter names of [a-z0-9_], each once. */
static int pattern_valid(const char *pattern)
{
	const char *s = pattern, *seg, *names[HTTP_MAX_PATH_PARAMS];
	size_t len, lens[HTTP_MAX_PATH_PARAMS], nseg = 0, np = 0, i, j;

	if (pattern == NULL || pattern[0] != '/')
		return 0;
	if (strcmp(pattern, "/") == 0)
		return 1;
	if (pattern[strlen(pattern) - 1] == '/')
		return 0;
	while (next_segment(&s, &seg, &len)) {
		if (len == 0 || ++nseg > ROUTER_MAX_SEGMENTS)
			return 0;
		if (is_param(seg, len)) {
			if (len == 2 || np >= HTTP_MAX_PATH_PARAMS)
				return 0;
			for (i = 1; i < len - 1; i++)
				if (!((seg[i] >= 'a' && seg[i] <= 'z') ||
				    (seg[i] >= '0' && seg[i] <= '9') || seg[i] == '_'))
					return 0;
			for (j = 0; j < np; j++)
				if (lens[j] == len - 2 &&
				    memcmp(names[j], seg + 1, len - 2) == 0)
					return 0;
			names[np] = seg + 1;
			lens[np++] = len - 2;
			continue;
		}
		for (i = 0; i < len; i++)
			if ((unsigned char)seg[i] <= 0x20 ||
			    (unsigned char)seg[i] >= 0x7F ||
			    seg[i] == '{' || seg[i] == '}')
				return 0;
	}
	return 1;
}

/* Two patterns match the same paths (parameter names aside). */
static int same_shape(const char *a, const char *b)
{
	const char *sa, *sb;
	size_t la, lb;
	int ha, hb;

	for (;;) {
		ha = next_segment(&a, &sa, &la);
		hb = next_segment(&b, &sb, &lb);
		if (!ha || !hb)
			return ha == hb;
		if (is_param(sa, la) != is_param(sb, lb))
			return 0;
		if (!is_param(sa, la) && (la != lb || memcmp(sa, sb, la) != 0))
			return 0;
	}
}

static int route_method_ok(enum http_method m)
{
	return m == HTTP_GET || m == HTTP_POST || m == HTTP_PUT ||
		m == HTTP_PATCH || m == HTTP_DELETE;
}

/* A body table only on a JSON route, a query table that fits req->q
 * and names what each row needs. */
static int shape_valid(const struct route *rt)
{
	size_t i;

	if ((rt->body.n > 0 || rt->body.fields != NULL) &&
	    (!(rt->flags & ROUTE_BODY_JSON) || rt->body.fields == NULL ||
	     rt->body.n == 0))
		return 0;
	if (rt->query.n > HTTP_MAX_QUERY_ROWS ||
	    (rt->query.n > 0 && rt->query.params == NULL))
		return 0;
	for (i = 0; i < rt->query.n; i++) {
		const struct query_param *p = &rt->query.params[i];

		if (p->name == NULL ||
		    (p->kind == QP_CURSOR && p->cursor_kind == NULL) ||
		    (p->kind == QP_ENUM && (p->values == NULL ||
		     p->message == NULL)) ||
		    (p->kind == QP_TEXT && p->message == NULL) ||
		    p->kind > QP_NUMBER)
			return 0;
	}
	return 1;
}

int router_init(struct router *r)
{
	const struct route *rt;
	size_t t, i, j, n = 0;

	if (r == NULL || (r->ntables > 0 && r->tables == NULL))
		return DF_EINVAL;
	for (t = 0; t < r->ntables; t++) {
		const struct route_table *tab = r->tables[t];

		if (tab == NULL || (tab->n > 0 && tab->routes == NULL))
			return DF_EINVAL;
		for (i = 0; i < tab->n; i++) {
			rt = &tab->routes[i];
			if (n >= ROUTER_MAX_ROUTES) {
				log_msg(LOG_ERROR, "router: more than %d routes",
					ROUTER_MAX_ROUTES);
				return DF_EINVAL;
			}
			if (!route_method_ok(rt->method) || rt->handler == NULL ||
			    !pattern_valid(rt->pattern) ||
			    (unsigned)rt->rl >= RL__MAX ||
			    (unsigned)rt->role > ROLE_ADMIN ||
			    __builtin_popcount(rt->flags & (ROUTE_BODY_JSON |
			    ROUTE_BODY_RAW | ROUTE_BODY_STREAM)) > 1 ||
			    /* A cached route nothing invalidates would
			     * answer from its first copy forever. */
			    ((rt->flags & (ROUTE_PUBLIC_CACHE |
			     ROUTE_STAFF_CACHE)) &&
			     (rt->method != HTTP_GET || rt->cache_gens == 0)) ||
			    (rt->flags & ROUTE_PUBLIC_CACHE &&
			     rt->flags & ROUTE_STAFF_CACHE) ||
			    !shape_valid(rt) || !shape_of(rt->pattern,
			    &r->shape[n])) {
				log_msg(LOG_ERROR, "router: table %s: bad route "
					"%s %s", tab->name ? tab->name : "?",
					http_method_name(rt->method),
					rt->pattern ? rt->pattern : "(null)");
				return DF_EINVAL;
			}
			for (j = 0; j < n; j++) {
				if (r->flat[j]->method == rt->method &&
				    same_shape(r->flat[j]->pattern, rt->pattern)) {
					log_msg(LOG_ERROR, "router: duplicate "
						"route %s %s",
						http_method_name(rt->method),
						rt->pattern);
					return DF_EINVAL;
				}
			}
			r->flat[n++] = rt;
		}
	}
	r->nroutes = n;
	return 0;
}

int router_route_index(const struct router *r, const struct route *rt)
{
	size_t i;

	if (r == NULL || rt == NULL)
		return -1;
	for (i = 0; i < r->nroutes; i++)
		if (r->flat[i] == rt)
			return (int)i;
	return -1;
}

const struct route *router_route_at(const struct router *r, size_t i)
{
	if (r == NULL || i >= r->nroutes)
		return NULL;
	return r->flat[i];
}

long router_read_body(void *ctx, char *buf, size_t len)
{
	struct request *req = ctx;
	const struct router *r = req->router;

	if (r == NULL || r->read_body == NULL)
		return -1;
	return r->read_body(r->read_ctx, buf, len);
}

/* ---- the declared shape of a request ---- */

static void answer_error(struct request *req, int rc, const char *what);

/* "<kind>.<row id>" before encoding; kinds are short words. */
#define CURSOR_RAW_MAX 64

/* The row id of a cursor api_page_cursor made for kind: its kind, a dot,
 * and a row id without sign or leading zero. 0 when it is none. */
static int64_t cursor_id(const char *cursor, const char *kind)
{
	unsigned char raw[CURSOR_RAW_MAX + 3];
	char digits[CURSOR_RAW_MAX + 1];
	size_t klen = strlen(kind), clen = strlen(cursor);
	uint64_t id;
	long n = -1;

	if (clen > 0 && clen <= CURSOR_RAW_MAX)
		n = crypto_b64url_decode(cursor, clen, raw);
	if (n <= (long)klen + 1 || n > CURSOR_RAW_MAX ||
	    memcmp(raw, kind, klen) != 0 || raw[klen] != '.' ||
	    raw[klen + 1] == '0')
		return 0;
	memcpy(digits, raw + klen + 1, (size_t)n - klen - 1);
	digits[(size_t)n - klen - 1] = '\0';
	if (strlen(digits) != (size_t)n - klen - 1 ||
	    !validate_uint(digits, INT64_MAX, &id))
		return 0;
	return (int64_t)id;
}

/* YYYY-MM-DD, a real calendar day from 1970 on: its day number since
 * 1970-01-01. */
static int parse_day(const char *s, int64_t *out)
{
	struct tm tm, back;
	time_t t;
	int y, m, d, used = 0;

	if (s == NULL || strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 ||
	    s[4] != '-' || s[7] != '-' || y < 1970 || y > 9999)
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL ||
	    back.tm_year != y - 1900 || back.tm_mon != m - 1 ||
	    back.tm_mday != d)
		return -1;
	*out = (int64_t)(t / 86400);
	return 0;
}

/* Reads one sent parameter by its row into req->q (slot i); 0, or -1
 * with *code and *msg the kind's refusal. */
static int query_value(struct request *req, const struct query_param *p,
	size_t i, const char *v, const char **code, const char **msg)
{
	size_t len = strlen(v);
	char *end = NULL;
	double d;
	size_t k;

	switch (p->kind) {
	case QP_LIMIT:
		*code = "out_of_range";
		*msg = "must be an integer from 1 to 100";
		if (!validate_int(v, 1, ROUTER_LIMIT_MAX, &req->q.limit))
			return -1;
		req->q.i[i] = req->q.limit;
		return 0;
	case QP_CURSOR:
		*code = "invalid_format";
		*msg = "must be a next_cursor this list returned";
		req->q.after = cursor_id(v, p->cursor_kind);
		req->q.i[i] = req->q.after;
		return req->q.after > 0 ? 0 : -1;
	case QP_ENUM:
		*code = "invalid_format";
		for (k = 0; p->values[k] != NULL; k++)
			if (strcmp(v, p->values[k]) == 0) {
				req->q.i[i] = (int64_t)k;
				return 0;
			}
		return -1;
	case QP_TEXT:
		*code = "invalid_format";
		if (len < (size_t)p->min || (p->max > 0 &&
		    len > (size_t)p->max) ||
		    (p->valid != NULL && !p->valid(v, len)))
			return -1;
		return 0;
	case QP_DATE:
		*code = "invalid_format";
		*msg = "must be a date, YYYY-MM-DD";
		return parse_day(v, &req->q.i[i]);
	case QP_NUMBER:
		*code = "out_of_range";
		d = strtod(v, &end);
		if (*v == '\0' || end == NULL || *end != '\0' || !isfinite(d) ||
		    d < (double)p->min || d > (double)p->max)
			return -1;
		req->q.d[i] = d;
		return 0;
	}
	return -1;
}

int router_query_check(struct request *req, const struct route_query *q)
{
	const char *v, *code, *msg;
	size_t i, bad = 0;

	req->q.limit = ROUTER_LIMIT_DEFAULT;
	req->q.after = 0;
	for (i = 0; q != NULL && i < q->n && i < HTTP_MAX_QUERY_ROWS; i++) {
		const struct query_param *p = &q->params[i];

		req->q.set[i] = 0;
		v = http_query(req, p->name);
		if (v == NULL)
			continue;
		code = msg = NULL;
		if (query_value(req, p, i, v, &code, &msg) == 0) {
			req->q.set[i] = 1;
			continue;
		}
		problem_add_error(req, p->name, p->code ? p->code : code,
			p->message ? p->message : msg);
		bad++;
	}
	return bad > 0 ? DF_EINVAL : 0;
}

/* The slot of the route's query row name that was sent, or -1. */
static int query_slot(const struct request *req, const char *name)
{
	const struct route_query *q;
	size_t i;

	if (req == NULL || req->route == NULL || name == NULL)
		return -1;
	q = &req->route->query;
	for (i = 0; i < q->n && i < HTTP_MAX_QUERY_ROWS; i++)
		if (strcmp(q->params[i].name, name) == 0)
			return req->q.set[i] ? (int)i : -1;
	return -1;
}

int64_t router_query_int(const struct request *req, const char *name,
	int64_t dflt)
{
	int i = query_slot(req, name);

	return i < 0 ? dflt : req->q.i[i];
}

double router_query_num(const struct request *req, const char *name,
	double dflt)
{
	int i = query_slot(req, name);

	return i < 0 ? dflt : req->q.d[i];
}

/* The route's declared shape: body fields, query parameters, then its
 * own check, all errors answered together in one 422 before the
 * handler. 1 to go on; 0 when the answer has been sent. */
static int shape_ok(struct request *req, const struct route *rt)
{
	int rc;

	/* Both report into req's errors, counted below. */
	if (rt->body.n > 0)
		json_fields_check(req, req->json, rt->body.fields, rt->body.n);
	rc = router_query_check(req, &rt->query);
	/* DF_EINVAL: its errors are counted below with the others. */
	if (rc < 0 && rc != DF_EINVAL) {
		answer_error(req, rc, "query check");
		return 0;
	}
	if (rt->check != NULL) {
		rc = rt->check(req);
		if (rc < 0) {
			answer_error(req, rc, "route check");
			return 0;
		}
	}
	if (problem_error_count(req) == 0)
		return 1;
	problem_send_validation(req);
	return 0;
}

const char *router_param(const struct request *req, const char *name)
{
	size_t i;

	if (req == NULL || name == NULL)
		return NULL;
	for (i = 0; i < req->npath; i++)
		if (strcmp(req->path_params[i].name, name) == 0)
			return req->path_params[i].value;
	return NULL;
}

/* ---- media types ---- */

static int is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* media-type = type "/" subtype *( OWS ";" OWS [ parameter ] ) with
 * parameter = token "=" ( token / quoted-string ), RFC 9110 8.3.1. */
int router_is_json_type(const char *ct)
{
	static const char mt[] = "application/json";
	const char *p, *name, *val;
	size_t nlen, vlen;
	int quoted;

	if (ct == NULL)
		return 0;
	p = skip_ows(ct);
	if (strncasecmp(p, mt, sizeof(mt) - 1) != 0)
		return 0;
	p = skip_ows(p + sizeof(mt) - 1);
	while (*p != '\0') {
		if (*p != ';')
			return 0;
		p = skip_ows(p + 1);
		if (*p == ';' || *p == '\0')
			continue;
		name = p;
		while (is_tchar(*p))
			p++;
		nlen = (size_t)(p - name);
		if (nlen == 0 || *p != '=')
			return 0;
		p++;
		quoted = *p == '"';
		if (quoted) {
			val = ++p;
			while (*p != '"' && *p != '\0' && *p != '\\')
				p++;
			if (*p != '"')
				return 0; /* escapes have no place in a charset */
			vlen = (size_t)(p - val);
			p++;
		} else {
			val = p;
			while (is_tchar(*p))
				p++;
			vlen = (size_t)(p - val);
			if (vlen == 0)
				return 0;
		}
		if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 &&
		    !(vlen == 5 && strncasecmp(val, "utf-8", 5) == 0))
			return 0;
		p = skip_ows(p);
	}
	return 1;
}

/* ---- the pipeline ---- */

static unsigned method_bit(enum http_method m)
{
	return 1u << (unsigned)m;
}

/* The methods a resource answers: its routes', HEAD implied by GET, and
 * OPTIONS, which the router answers itself. */
static unsigned full_mask(unsigned mask)
{
	if (mask & method_bit(HTTP_GET))
		mask |= method_bit(HTTP_HEAD);
	return mask | method_bit(HTTP_OPTIONS);
}

/* "GET, HEAD, POST, OPTIONS", in a fixed order. */
static void allow_list(unsigned mask, char *buf, size_t len)
{
	static const enum http_method order[] = { HTTP_GET, HTTP_HEAD,
		HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OPTIONS };
	size_t i, n = 0;

	mask = full_mask(mask);
	buf[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(mask & method_bit(order[i])))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
			http_method_name(order[i]));
		if (n >= len)
			break;
	}
}

static int origin_allowed(const struct router *r, const char *origin)
{
	return origin != NULL && r->cfg != NULL &&
		config_origin_allowed(r->cfg, origin);
}

static int set_header_u32(struct request *req, const char *name, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", (unsigned)v);
	return http_set_header(req, name, buf);
}

static void send_internal(struct request *req, const char *what, int rc)
{
	log_req_msg(req, LOG_ERROR, "%s %s: %s failed: %s",
		req->method_str ? req->method_str : "?",
		req->route != NULL ? req->route->pattern : "(no route)",
		what, df_strerror(rc));
	problem_send(req, 500, NULL, NULL);
}

static void send_unavailable(struct request *req)
{
	shm_count(SHM_C_DB_UNAVAILABLE, 1);
	problem_send(req, 503, NULL, NULL);
	if (http_set_header(req, "Retry-After", "5") != 0)
		send_internal(req, "response header", DF_ENOMEM);
}

/* A statement ran into db_statement_timeout_ms: the same 503 as an
 * unreachable database (the handler has rolled its transaction back; the
 * worker keeps its connection), logged with the route so that an
 * operator can find the slow statement. */
static void send_db_timeout(struct request *req)
{
	log_req_msg(req, LOG_WARN, "%s %s: a database statement ran into "
		"the statement bound (db_statement_timeout_ms)",
		req->method_str ? req->method_str : "?",
		req->route != NULL ? req->route->pattern : "(no route)");
	/* The client gets the fixed 503 sentence (problem_send keeps
	 * internals out of 5xx details). */
	problem_send(req, 503, NULL, NULL);
	if (http_set_header(req, "Retry-After", "5") != 0)
		send_internal(req, "response header", DF_ENOMEM);
}

/* Turns a hook's or handler's negative df_err into its answer. */
static void answer_error(struct request *req, int rc, const char *what)
{
	switch (rc) {
	case DF_ERESPONDED:
		if (req->resp.status == 0)
			send_internal(req, what, rc);
		return;
	case DF_EDBDOWN:
		send_unavailable(req);
		return;
	case DF_EDBTIMEOUT:
		send_db_timeout(req);
		return;
	case DF_EUPSTREAM:
		problem_send(req, 502, NULL, NULL);
		return;
	case DF_ENOTFOUND:
		problem_send(req, 404, NULL, NULL);
		return;
	case DF_ECONFLICT:
		problem_send(req, 409, NULL, NULL);
		return;
	case DF_EAUTH:
		/* The auth hook names why it refused a presented token. */
		problem_send(req, 401, req->auth.refused, NULL);
		return;
	case DF_EFORBIDDEN:
		problem_send(req, 403, NULL, NULL);
		return;
	case DF_ETOOBIG:
		problem_send(req, 413, NULL, NULL);
		return;
	case DF_EINVAL:
		if (problem_error_count(req) > 0)
			problem_send_validation(req);
		else
			problem_send(req, 400, NULL, NULL);
		return;
	default:
		send_internal(req, what, rc);
		return;
	}
}

static uint64_t now_unix_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Takes one token of class cls for the client ("ip:<addr>",
 * "ip6:<network>/<prefix>" or "user:<sub>") and sets the RateLimit-*
 * headers. An auth-class route also takes one from its own bucket shared
 * by every address (ratelimit.auth_global), so that many addresses
 * together still meet a limit; the headers then show whichever bucket
 * is nearer empty. 1 to go on; 0 when the 429 has been sent. */
static int rate_take(struct router *r, struct request *req,
	enum rl_class cls, int by_user)
{
	const struct config_ratelimit *lim = &r->cfg->ratelimit[cls];
	const struct config_ratelimit *glim = &r->cfg->ratelimit_auth_global;
	struct ratelimit_result res, gres;
	const struct ratelimit_result *shown = &res;
	char subject[160], route[ROUTER_GLOBAL_KEY_MAX];
	uint64_t now = now_unix_us();
	int global_refused = 0;

	/* A class the configuration leaves at zero is not limited. */
	if (lim->limit == 0 || lim->window_s == 0)
		return 1;
	if (by_user)
		snprintf(subject, sizeof(subject), "user:%s", req->auth.sub);
	else if (ratelimit_addr_subject(req->remote_addr,
	    r->cfg->ratelimit_ipv6_prefix, subject, sizeof(subject)) != 0)
		/* Too long for the buffer is no address: the truncated
		 * text is still a key. */
		log_req_msg(req, LOG_DEBUG, "rate limit: client address "
			"truncated in its key");
	memset(&res, 0, sizeof(res));
	ratelimit_take(shm_current, ratelimit_key((unsigned)cls, subject),
		lim->limit, lim->window_s, now, &res);
	if (res.allowed && cls == RL_AUTH && !by_user && glim->limit > 0 &&
	    glim->window_s > 0 && req->route != NULL) {
		snprintf(route, sizeof(route), "route:%s %s",
			http_method_name(req->route->method), req->route->pattern);
		memset(&gres, 0, sizeof(gres));
		ratelimit_take(shm_current, ratelimit_key((unsigned)cls, route),
			glim->limit, glim->window_s, now, &gres);
		global_refused = !gres.allowed;
		if (global_refused || gres.remaining < res.remaining)
			shown = &gres;
	}
	if (set_header_u32(req, "RateLimit-Limit", shown->limit) ||
	    set_header_u32(req, "RateLimit-Remaining", shown->remaining) ||
	    set_header_u32(req, "RateLimit-Reset", shown->reset_s)) {
		send_internal(req, "rate limit headers", DF_ENOMEM);
		return 0;
	}
	if (res.allowed && !global_refused)
		return 1;
	shm_count((enum shm_counter)(SHM_C_RL_REFUSED + cls), 1);
	problem_send(req, 429, "rate_limited", global_refused ?
		"Too many requests to this route from all clients together; "
		"retry later." : NULL);
	if (set_header_u32(req, "Retry-After",
	    shown->retry_after_s > 0 ? shown->retry_after_s : 1) != 0)
		send_internal(req, "response header", DF_ENOMEM);
	return 0;
}

static int role_ok(struct router *r, struct request *req,
	const struct route *rt)
{
	if (rt->role == ROLE_NONE)
		return 1;
	if ((rt->flags & ROUTE_TRUSTED) && r->cfg != NULL &&
	    config_is_trusted(r->cfg, req->remote_addr))
		return 1;
	if (!req->auth.authenticated) {
		if (rt->flags & ROUTE_AUTH_OPTIONAL)
			return 1;
		problem_send(req, 401, NULL, "This resource requires a bearer "
			"token.");
		return 0;
	}
	if (!role_allows(req->auth.role, rt->role)) {
		problem_send(req, 403, NULL, "Your role does not allow this.");
		return 0;
	}
	return 1;
}

static int body_ok(struct router *r, struct request *req,
	const struct route *rt)
{
	size_t max = rt->max_body ? rt->max_body :
		(rt->flags & ROUTE_BODY_STREAM) ? r->cfg->max_package_bytes :
		r->cfg->limits.max_body;
	const char *why = NULL;
	unsigned depth;
	int rc;

	if (!(rt->flags & (ROUTE_BODY_JSON | ROUTE_BODY_RAW |
	    ROUTE_BODY_STREAM)))
		return 1;
	if ((rt->flags & ROUTE_BODY_JSON) &&
	    !router_is_json_type(req->content_type)) {
		problem_send(req, 415, NULL, "The request body must be "
			"application/json with charset utf-8.");
		return 0;
	}
	/* Both refusals come before a single byte is read. */
	if (!req->has_content_length) {
		problem_send(req, 411, NULL, NULL);
		return 0;
	}
	if (req->content_length > (uint64_t)max) {
		problem_send(req, 413, NULL, NULL);
		return 0;
	}
	if (req->content_length > 0 && r->read_body == NULL) {
		send_internal(req, "body read (no reader)", DF_EINTERNAL);
		return 0;
	}
	if (rt->flags & ROUTE_BODY_STREAM)
		return 1; /* the handler reads it: router_read_body */
	rc = http_read_body(req, r->read_body, r->read_ctx);
	if (rc == DF_EIO) {
		problem_send(req, 400, NULL, "The request body is shorter than "
			"its Content-Length.");
		return 0;
	}
	if (rc < 0) {
		send_internal(req, "body read", rc);
		return 0;
	}
	if (!(rt->flags & ROUTE_BODY_JSON))
		return 1;
	depth = r->cfg->json_max_depth ? r->cfg->json_max_depth :
		ROUTER_JSON_DEPTH_DEFAULT;
	rc = json_parse_body_ex(req, req->body, req->body_len, (int)depth,
		&req->json, &why);
	if (rc == DF_EINVAL) {
		problem_send(req, 400, NULL, why);
		return 0;
	}
	if (rc < 0) {
		send_internal(req, "JSON parse", rc);
		return 0;
	}
	return 1;
}

/* Runs the handler and turns its failure into the answer. 1 when the
 * handler answered itself with a success, 0 otherwise. */
static int run_handler(struct request *req, const struct route *rt)
{
	size_t nheaders = req->resp.nheaders;
	int rc;

	rc = rt->handler(req);
	if (rc < 0) {
		/* Headers a failed handler set (ETag, Location) do not belong
		 * on the problem that replaces its answer. */
		if (rc != DF_ERESPONDED)
			req->resp.nheaders = nheaders;
		answer_error(req, rc, "handler");
		return 0;
	}
	if (req->resp.status == 0) {
		send_internal(req, "handler (no answer)", DF_EINTERNAL);
		return 0;
	}
	return 1;
}

/* ---- the response cache of ROUTE_PUBLIC_CACHE routes ---- */

/* The cache key: path + "?" + raw query. The path is decoded, so a '?'
 * or '%' in it is written back as %3F / %25: "/a%3Fb" and "/a?b" must
 * not share a key. */
static char *cache_key(struct request *req)
{
	size_t plen = strlen(req->path), qlen = strlen(req->query), n = 0, i;
	char *k;

	k = arena_alloc(req->arena, 3 * plen + qlen + 2);
	if (k == NULL)
		return NULL;
	for (i = 0; i < plen; i++) {
		if (req->path[i] == '?' || req->path[i] == '%') {
			memcpy(k + n, req->path[i] == '?' ? "%3F" : "%25", 3);
			n += 3;
		} else {
			k[n++] = req->path[i];
		}
	}
	k[n++] = '?';
	memcpy(k + n, req->query, qlen + 1);
	return k;
}

/* The validators every 200 of a public-cache route carries, and the 304
 * that replaces it when the client already holds this version. */
static int finish_validated(struct request *req, const char *etag)
{
	if (http_set_header(req, "ETag", etag) != 0 ||
	    http_set_header(req, "Cache-Control", req->resp.cacheable ?
	    "public, no-cache" : "private, no-cache") != 0)
		return DF_ENOMEM;
	if (cache_etag_matches(req->if_none_match, etag))
		http_set_status(req, 304);
	return 0;
}

static int answer_from_cache(struct request *req,
	const struct cache_entry *e)
{
	size_t i;
	int rc;

	/* Not copied again: e is this worker's own copy of the slot, and
	 * no other lookup comes before the answer is written. */
	rc = http_set_body_ref(req, 200, e->content_type, e->body,
		e->body_len);
	for (i = 0; rc == 0 && i < e->nheaders; i++)
		rc = http_set_header(req, e->headers[i].name,
			e->headers[i].value);
	if (rc < 0)
		return rc;
	http_set_cacheable(req);
	return finish_validated(req, e->etag);
}

/* The stamp a cached answer of rt is valid under. */
static uint64_t cache_stamp_of(const struct request *req,
	const struct route *rt)
{
	uint64_t stamp = cache_stamp(rt->cache_gens);
	unsigned max_age;

	/* Several hosts: another host's write bumps its own segment only,
	 * so entries also age out. The time slot goes above the generation
	 * sum, which never reaches 2^40. */
	max_age = req->cfg->cache_max_age;
	/* Counters (downloads) change without a generation bump: a cached
	 * answer showing them lives at most cache_counts_max_age too. */
	if (req->cfg->cache_counts_max_age > 0 &&
	    (max_age == 0 || req->cfg->cache_counts_max_age < max_age))
		max_age = req->cfg->cache_counts_max_age;
	if (max_age > 0)
		stamp += ((uint64_t)time(NULL) / max_age) << 40;
	return stamp;
}

/* GET and HEAD of a staff-cache route by a support or admin caller. The
 * key space is the URL's behind a prefix no path starts with, so a
 * staff answer is never served to anyone but staff, and no public
 * answer to them. The answer goes out as the handler made it (its own
 * Cache-Control: staff data is never marked public), without
 * validators: the point is the handler's work, not the transfer. The
 * stamp is read before the handler runs (see run_cached). */
static void run_staff_cached(struct request *req, const struct route *rt)
{
	const struct cache_entry *e;
	size_t nheaders = req->resp.nheaders, i;
	uint64_t stamp = cache_stamp_of(req, rt);
	const char *key = cache_key(req);
	int rc = 0;

	if (key == NULL ||
	    (key = arena_printf(req->arena, "staff:%s", key)) == NULL) {
		send_internal(req, "cache key", DF_ENOMEM);
		return;
	}
	e = cache_lookup(key, stamp);
	if (e != NULL) {
		metrics_cache_lookup(1);
		rc = http_set_body_ref(req, 200, e->content_type, e->body,
			e->body_len);
		for (i = 0; rc == 0 && i < e->nheaders; i++)
			rc = http_set_header(req, e->headers[i].name,
				e->headers[i].value);
		if (rc < 0) {
			req->resp.nheaders = nheaders;
			send_internal(req, "cached answer", rc);
		}
		return;
	}
	metrics_cache_lookup(0);
	if (!run_handler(req, rt) || req->resp.status != 200 ||
	    !req->resp.cacheable)
		return;
	rc = cache_store(key, stamp, req->resp.content_type, req->resp.body,
		req->resp.body_len, "", req->resp.headers + nheaders,
		req->resp.nheaders - nheaders);
	if (rc < 0 && rc != DF_ETOOBIG)
		log_req_msg(req, LOG_WARN, "cache store failed: %s",
			df_strerror(rc));
}

/* GET and HEAD of a public-cache route: the stamp is read before the
 * handler runs, so a write committing while it runs leaves the stored
 * copy stale at once rather than current under the new generation. */
static void run_cached(struct request *req, const struct route *rt)
{
	const struct cache_entry *e;
	size_t nheaders = req->resp.nheaders, i, nextra = 0;
	struct http_kv extra[HTTP_MAX_RESP_HEADERS];
	char computed[CACHE_ETAG_SIZE];
	const char *etag = NULL;
	uint64_t stamp;
	char *key;
	int rc;

	stamp = cache_stamp_of(req, rt);
	key = cache_key(req);
	if (key == NULL) {
		send_internal(req, "cache key", DF_ENOMEM);
		return;
	}
	/* Developers and admins may own what they read, and an owner's
	 * answer can differ from the public one (drafts, all versions):
	 * theirs always come from the handler. Public answers the handler
	 * marks cacheable are the same for every caller, whoever asked. */
	/* Support staff likewise read drafts (the knowledge base). */
	e = req->cache_private || (req->auth.authenticated &&
		(req->auth.role == ROLE_DEVELOPER ||
		req->auth.role == ROLE_SUPPORT ||
		req->auth.role == ROLE_ADMIN)) ? NULL : cache_lookup(key, stamp);
	if (e != NULL) {
		metrics_cache_lookup(1);
		rc = answer_from_cache(req, e);
		if (rc < 0) {
			req->resp.nheaders = nheaders;
			send_internal(req, "cached answer", rc);
			return;
		}
		if (rt->on_cache_hit != NULL &&
		    (rc = rt->on_cache_hit(req)) != 0)
			log_req_msg(req, LOG_WARN, "cache hit hook: %s",
				df_strerror(rc));
		return;
	}
	metrics_cache_lookup(0);
	if (!run_handler(req, rt) || req->resp.status != 200)
		return;

	/* A handler that knows its version (a row's) keeps its own tag. */
	for (i = nheaders; i < req->resp.nheaders; i++) {
		const struct http_kv *h = &req->resp.headers[i];

		if (strcasecmp(h->name, "ETag") == 0)
			etag = h->value;
		else if (strcasecmp(h->name, "Cache-Control") != 0)
			extra[nextra++] = *h;
	}
	if (etag == NULL) {
		cache_etag(req->resp.body, req->resp.body_len, computed);
		etag = computed;
	}
	if (req->resp.cacheable && !req->cache_private) {
		rc = cache_store(key, stamp, req->resp.content_type,
			req->resp.body, req->resp.body_len, etag, extra, nextra);
		if (rc < 0 && rc != DF_ETOOBIG)
			log_req_msg(req, LOG_WARN, "cache store failed: %s",
				df_strerror(rc));
	}
	if (finish_validated(req, etag) != 0) {
		req->resp.nheaders = nheaders;
		send_internal(req, "validators", DF_ENOMEM);
	}
}

/* A streamed body (a package upload) holds this worker until the client
 * has sent it all: one client (its user, else its address) may hold only
 * max_concurrent_uploads workers at once. */
static void run_upload(struct router *r, struct request *req,
	const struct route *rt)
{
	uint64_t pid = (uint64_t)getpid();
	char subject[160];
	int slot;

	if (req->auth.authenticated)
		snprintf(subject, sizeof(subject), "user:%s", req->auth.sub);
	else
		snprintf(subject, sizeof(subject), "ip:%s",
			req->remote_addr ? req->remote_addr : "");
	slot = upload_begin(shm_current, ratelimit_key(0xffu, subject),
		r->cfg->max_concurrent_uploads, pid, now_unix_us(),
		upload_pid_alive);
	if (slot == DF_ETOOBIG) {
		problem_send(req, 429, "rate_limited", "Too many uploads from "
			"you are in progress; retry when one has finished.");
		if (http_set_header(req, "Retry-After", "5") != 0)
			send_internal(req, "response header", DF_ENOMEM);
		return;
	}
	run_handler(req, rt);
	upload_end(shm_current, slot, pid);
}

static void run_route(struct router *r, struct request *req,
	const struct route *rt)
{
	int per_user = 0, rc;

	if (rt->rl != RL_NONE) {
		/* RL_DEFAULT and RL_ASSISTANT with credentials count per
		 * user, which is only known once the token has been checked. */
		if ((rt->rl == RL_DEFAULT || rt->rl == RL_ASSISTANT) &&
		    req->authorization != NULL)
			per_user = 1;
		else if (!rate_take(r, req, rt->rl, 0))
			return;
	}
	if (r->hooks.authenticate != NULL) {
		rc = r->hooks.authenticate(req);
		if (rc < 0) {
			/* Bad tokens count against the address, so guessing
			 * them is limited too. */
			if (per_user && !rate_take(r, req, rt->rl, 0))
				return;
			answer_error(req, rc, "authentication");
			return;
		}
	}
	if (per_user && !rate_take(r, req, rt->rl, req->auth.authenticated))
		return;
	if (!role_ok(r, req, rt) || !body_ok(r, req, rt) || !shape_ok(req, rt))
		return;
	if (rt->flags & ROUTE_BODY_STREAM) {
		run_upload(r, req, rt);
		return;
	}

	if (rt->flags & ROUTE_PUBLIC_CACHE) {
		run_cached(req, rt);
		return;
	}
	if ((rt->flags & ROUTE_STAFF_CACHE) && req->auth.authenticated &&
	    role_allows(req->auth.role, ROLE_SUPPORT)) {
		run_staff_cached(req, rt);
		return;
	}
	run_handler(req, rt);
}

/* A header an answer needs and cannot get (no room, no memory) makes it
 * a 500 rather than let it go out incomplete. */
static int add_cors(struct request *req)
{
	if (http_set_header(req, "Access-Control-Allow-Origin", req->origin) ||
	    http_set_header(req, "Access-Control-Allow-Credentials", "true") ||
	    http_set_header(req, "Vary", "Origin") ||
	    http_set_header(req, "Access-Control-Expose-Headers",
	    cors_expose_headers))
		return DF_ENOMEM;
	return 0;
}

static void answer_options(struct router *r, struct request *req,
	unsigned mask)
{
	enum http_method m;
	char allow[96];

	allow_list(mask, allow, sizeof(allow));
	if (req->origin == NULL || req->acr_method == NULL) {
		if ((origin_allowed(r, req->origin) && add_cors(req) != 0) ||
		    http_set_header(req, "Allow", allow) != 0) {
			send_internal(req, "response header", DF_ENOMEM);
			return;
		}
		http_set_status(req, 204);
		return;
	}
	if (!origin_allowed(r, req->origin)) {
		problem_send(req, 403, NULL, "This origin may not call the API.");
		return;
	}
	m = http_method_parse(req->acr_method);
	if (m == HTTP_OTHER || !(full_mask(mask) & method_bit(m))) {
		if (http_set_header(req, "Allow", allow) != 0)
			send_internal(req, "response header", DF_ENOMEM);
		else
			problem_send(req, 405, NULL, NULL);
		return;
	}
	if (http_set_header(req, "Access-Control-Allow-Origin", req->origin) ||
	    http_set_header(req, "Access-Control-Allow-Methods", allow) ||
	    http_set_header(req, "Access-Control-Allow-Headers",
	    cors_allow_headers) ||
	    http_set_header(req, "Access-Control-Allow-Credentials", "true") ||
	    http_set_header(req, "Access-Control-Max-Age", "600") ||
	    http_set_header(req, "Vary", "Origin")) {
		send_internal(req, "response header", DF_ENOMEM);
		return;
	}
	http_set_status(req, 204);
}

void router_dispatch(struct router *r, struct request *req)
{
	const struct route *rt, *chosen = NULL;
	struct path_cut pc;
	enum http_method want;
	uint32_t spec, best = 0;
	unsigned mask = 0;
	int found = 0;
	char allow[96];
	size_t i;

	req->router = r;
	req->cfg = r->cfg;
	req->route = NULL;
	req->npath = 0;
	if (r->cfg == NULL) {
		send_internal(req, "dispatch (no configuration)", DF_EINTERNAL);
		return;
	}

	/* The resource is the most specific pattern matching the path;
	 * routes of that shape differ only in method. */
	cut_path(req->path, &pc);
	for (i = 0; i < r->nroutes; i++) {
		if (!shape_match(r, i, &pc, &spec))
			continue;
		if (!found || spec > best) {
			best = spec;
			mask = 0;
			found = 1;
		}
		if (spec == best)
			mask |= method_bit(r->flat[i]->method);
	}
	if (!found) {
		problem_send(req, 404, NULL, NULL);
		return;
	}
	if (req->method == HTTP_OPTIONS) {
		answer_options(r, req, mask);
		return;
	}
	want = req->method == HTTP_HEAD ? HTTP_GET : req->method;
	for (i = 0; i < r->nroutes && chosen == NULL; i++) {
		rt = r->flat[i];
		if (rt->method == want && shape_match(r, i, &pc, &spec) &&
		    spec == best)
			chosen = rt;
	}
	if (chosen == NULL || want == HTTP_OTHER) {
		allow_list(mask, allow, sizeof(allow));
		if (http_set_header(req, "Allow", allow) != 0)
			send_internal(req, "response header", DF_ENOMEM);
		else
			problem_send(req, 405, NULL, NULL);
		return;
	}
	if (!match_impl(chosen->pattern, req->path, NULL, req->arena,
	    req->path_params, &req->npath)) {
		send_internal(req, "path parameters", DF_ENOMEM);
		return;
	}
	req->route = chosen;
	if (origin_allowed(r, req->origin) && add_cors(req) != 0) {
		send_internal(req, "CORS headers", DF_ENOMEM);
		return;
	}
	run_route(r, req, chosen);
}
