/* Stores: security_audit. */
/* The security audit (every check run now, shared with `devforgectl
 * audit`) and the audit log's admin list, newest first. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "civil.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/security_audit.h"

/* The report as JSON (audit_report_json: the same as `devforgectl audit
 * --json`). */
static int audit_get(struct request *req)
{
	struct audit_report *r = arena_alloc(req->arena, sizeof(*r));
	struct json_object *o;
	char at[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (r == NULL)
		return DF_ENOMEM;
	rc = store_security_audit(req->arena, req->cfg, r);
	if (rc != 0)
		return rc;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_own(req, audit_report_json(r, at));
	if (o == NULL)
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

/* event: a name or a prefix ending in '.' ([a-z0-9_.]). */
static int event_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.'))
			return 0;
	return len > 0;
}

static int uuid_ok(const char *s, size_t len)
{
	return len == 36 && validate_uuid(s);
}

static const struct query_param events_query[] = {
	API_PAGE_ROWS("audit"),
	{ .name = "event", .kind = QP_TEXT, .min = 1, .max = 64,
	  .valid = event_ok, .message = "must be an event name or a prefix "
	  "ending in '.' ([a-z0-9_.], at most 64 characters)" },
	{ .name = "actor_id", .kind = QP_TEXT, .min = 36, .max = 36,
	  .valid = uuid_ok, .message = "must be a user id (UUID)" },
	{ .name = "subject_id", .kind = QP_TEXT, .min = 36, .max = 36,
	  .valid = uuid_ok, .message = "must be a user id (UUID)" },
	{ .name = "from", .kind = QP_TEXT, .min = 1, .max = 64,
	  .message = "must be an RFC 3339 date-time or a date YYYY-MM-DD" },
	{ .name = "to", .kind = QP_TEXT, .min = 1, .max = 64,
	  .message = "must be an RFC 3339 date-time or a date YYYY-MM-DD" },
};

/* An RFC 3339 date-time or a YYYY-MM-DD date (its midnight, UTC) as the
 * database's "YYYY-MM-DD HH:MM:SS.ffffff"; NULL when it is neither. */
static const char *db_time(struct request *req, const char *s)
{
	int64_t us = 0;
	int y, m, d;
	char tail;

	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d,
	    &tail) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		int64_t days = civil_days(y, m, d);
		int yy, mm, dd;

		civil_date(days, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			return NULL;
		us = days * 86400ll * 1000000ll;
	} else if (!validate_rfc3339(s, &us)) {
		return NULL;
	}
	{
		time_t t = (time_t)(us / 1000000);
		long frac = (long)(us % 1000000);
		struct tm tm;
		char buf[40];

		if (frac < 0) {
			frac += 1000000;
			t--;
		}
		if (gmtime_r(&t, &tm) == NULL)
			return NULL;
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		return arena_printf(req->arena, "%s.%06ld", buf, frac);
	}
}

struct events_checked {
	const char *from, *to;
};

static int events_check(struct request *req)
{
	struct events_checked *c = arena_calloc(req->arena, 1, sizeof(*c));
	const char *from = http_query(req, "from");
	const char *to = http_query(req, "to");

	if (c == NULL)
		return DF_ENOMEM;
	req->checked = c;
	if (from != NULL && from[0] != '\0' &&
	    (c->from = db_time(req, from)) == NULL)
		problem_add_error(req, "from", "invalid_format", "must be an "
			"RFC 3339 date-time or a date YYYY-MM-DD");
	if (to != NULL && to[0] != '\0' && (c->to = db_time(req, to)) == NULL)
		problem_add_error(req, "to", "invalid_format", "must be an "
			"RFC 3339 date-time or a date YYYY-MM-DD");
	if (c->from != NULL && c->to != NULL && strcmp(c->from, c->to) > 0)
		problem_add_error(req, "from", "out_of_range",
			"must not be after to");
	return 0;
}

static struct json_object *event_item(struct request *req, const void *row)
{
	const struct store_audit_event *e = row;
	struct json_object *o = json_new_object(req), *detail = NULL;
	char id[24];

	if (o == NULL)
		return NULL;
	/* A stored JSON column always parses; NULL (no detail) reads {}. */
	if (e->detail != NULL) {
		struct json_object *p = json_tokener_parse(e->detail);

		detail = p != NULL ? json_own(req, p) : NULL;
	}
	if (detail == NULL)
		detail = json_new_object(req);
	if (detail == NULL)
		return NULL;
	snprintf(id, sizeof(id), "%lld", (long long)e->id);
	if (json_set_str(o, "id", id) || json_set_str(o, "at", e->at) ||
	    json_set_str(o, "event", e->event) ||
	    json_set_str(o, "actor_id", e->actor_id) ||
	    json_set_str(o, "subject_id", e->subject_id) ||
	    json_set_str(o, "client_addr", e->client_addr) ||
	    json_set_str(o, "request_id", e->request_id) ||
	    json_set(o, "detail", detail))
		return NULL;
	return o;
}

static const char *query_or_null(struct request *req, const char *name)
{
	const char *s = http_query(req, name);

	return s != NULL && s[0] != '\0' ? s : NULL;
}

static int events_list(struct request *req)
{
	const struct events_checked *c = req->checked;
	struct store_audit_filter f = { 0 };
	struct store_audit_event *rows = NULL;
	size_t n = 0;
	int rc;

	f.event = query_or_null(req, "event");
	f.actor_id = query_or_null(req, "actor_id");
	f.subject_id = query_or_null(req, "subject_id");
	f.from = c != NULL ? c->from : NULL;
	f.to = c != NULL ? c->to : NULL;
	f.before_id = req->q.after;
	f.limit = req->q.limit;
	rc = store_audit_events(req->arena, &f, &rows, &n);
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return api_list_page(req, "audit", rows, n, sizeof(*rows),
		offsetof(struct store_audit_event, id), event_item);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/security/audit",
	  .handler = audit_get, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/security/events",
	  .handler = events_list, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(events_query), .check = events_check },
};

const struct route_table api_security_table = {
	"security", routes, sizeof(routes) / sizeof(routes[0])
};
