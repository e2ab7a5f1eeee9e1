/* Stores: analytics. */
/* POST /api/v1/analytics/events: batched product events from the IDE and
 * the web site. Anyone may send them (the user is attached when a valid
 * token comes along); the server stamps the receive time and the client
 * address. The whole batch is checked before anything is stored. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/analytics.h"

#define ANALYTICS_MAX_EVENTS STORE_ANALYTICS_MAX_BATCH
#define ANALYTICS_MAX_PROPERTIES 4096     /* bytes, serialised */
#define ANALYTICS_MAX_FUTURE_US (24LL * 3600 * 1000000) /* clock skew */

static int v_event_name(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_event_name(json_object_get_string(v)),
		"must be 1-64 characters of a-z, 0-9, '_' and '.'");
}

static int v_timestamp(struct json_object *v, const char **code,
	const char **msg)
{
	int64_t us;

	if (!validate_rfc3339(json_object_get_string(v), &us)) {
		*code = "invalid_format";
		*msg = "must be an RFC 3339 date-time";
		return -1;
	}
	if (us > (int64_t)time(NULL) * 1000000 + ANALYTICS_MAX_FUTURE_US) {
		*code = "out_of_range";
		*msg = "is more than a day in the future";
		return -1;
	}
	return 0;
}

static int v_properties(struct json_object *v, const char **code,
	const char **msg)
{
	size_t len = 0;

	json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN, &len);
	if (len > ANALYTICS_MAX_PROPERTIES) {
		*code = "too_long";
		*msg = "must serialise to at most 4096 bytes";
		return -1;
	}
	return 0;
}

/* Session and anonymous ids are shown to admins as one line of text:
 * no control characters, tabs or line breaks (a stored ESC sequence or
 * a forged second line would reach whoever reads them). */
static int v_id(struct json_object *v, const char **code, const char **msg)
{
	const char *s = json_object_get_string(v);

	return json_v_format(code, msg,
		validate_text(s, (size_t)json_object_get_string_len(v)) &&
		    strpbrk(s, "\t\r\n") == NULL,
		"must not contain control characters or line breaks");
}

static const struct json_field batch_fields[] = {
	{ .name = "events", .type = JF_ARRAY, .required = 1, .min = 1,
	  .max = ANALYTICS_MAX_EVENTS },
};

static const struct json_field event_fields[] = {
	{ .name = "name", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 64, .validate = v_event_name },
	{ .name = "ts", .type = JF_STRING, .min = 1, .max = 64,
	  .validate = v_timestamp, .nullable = 1 },
	{ .name = "session_id", .type = JF_STRING, .min = 1, .max = 128,
	  .validate = v_id, .nullable = 1 },
	{ .name = "anonymous_id", .type = JF_STRING, .min = 1, .max = 128,
	  .validate = v_id, .nullable = 1 },
	{ .name = "properties", .type = JF_OBJECT, .validate = v_properties,
	  .nullable = 1 },
};

/* "2026-11-27T20:15:00.5+01:00" -> "2026-11-27 19:15:00.500000" (UTC). */
static char *db_datetime(struct arena *a, const char *rfc3339)
{
	int64_t us;
	time_t s;
	struct tm tm;
	char buf[32];

	if (rfc3339 == NULL || !validate_rfc3339(rfc3339, &us))
		return NULL;
	s = (time_t)(us / 1000000);
	if (us % 1000000 < 0)
		s--;
	if (gmtime_r(&s, &tm) == NULL)
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	return arena_printf(a, "%s.%06lld", buf,
		(long long)(((us % 1000000) + 1000000) % 1000000));
}

/* The route's check: each event of a valid batch is an object of
 * event_fields (the batch's own errors come alone). */
static int events_check(struct request *req)
{
	if (problem_error_count(req) == 0)
		json_fields_check_each(req, req->json, "events", event_fields,
			JSON_NFIELDS(event_fields), "must be an object");
	return 0;
}

static int events_post(struct request *req)
{
	struct json_object *events;
	struct store_analytics_event *ev;
	size_t n;
	int rc;

	events = json_get(req->json, "events");
	n = json_object_array_length(events);
	ev = arena_calloc(req->arena, n, sizeof(*ev));
	if (ev == NULL)
		return DF_ENOMEM;

	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(events, i);
		struct json_object *props;

		ev[i].name = json_get_str(e, "name", NULL);
		ev[i].occurred_at = db_datetime(req->arena,
			json_get_str(e, "ts", NULL));
		ev[i].session_id = json_get_str(e, "session_id", NULL);
		ev[i].anonymous_id = json_get_str(e, "anonymous_id", NULL);
		props = json_get(e, "properties");
		if (props != NULL)
			ev[i].properties = json_object_to_json_string_ext(props,
				JSON_C_TO_STRING_PLAIN);
	}

	rc = store_analytics_insert(req->arena,
		req->auth.authenticated ? req->auth.sub : NULL,
		req->remote_addr, ev, n);
	if (rc != 0)
		return rc;

	struct json_object *o = json_new_object(req);
	if (o == NULL || json_set_int(o, "accepted", (int64_t)n) != 0)
		return DF_ENOMEM;
	return http_set_json(req, 202, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/analytics/events",
	  .handler = events_post, .role = ROLE_NONE, .rl = RL_ANALYTICS,
	  .flags = ROUTE_BODY_JSON | ROUTE_AUTH_OPTIONAL,
	  .body = JSON_FIELDS(batch_fields), .check = events_check },
};

const struct route_table api_analytics_table = {
	"analytics", routes, sizeof(routes) / sizeof(routes[0])
};
