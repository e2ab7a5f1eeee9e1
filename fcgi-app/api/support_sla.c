/* Stores: sla, tx. */
/* Service levels for admins: business calendars (weekly hours in a time
 * zone, holidays) and the ordered SLA policies that use them; and, for
 * staff, one ticket's targets. A calendar with impossible hours, an
 * unknown zone or a bad date is refused whole (422) and changes
 * nothing; every change is audited. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "bizhours.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "tz.h"
#include "store/sla.h"
#include "store/tx.h"

#define SLA_MINUTES_MAX 525600   /* a year */
#define SLA_POSITION_MAX 1000000

static const char *const priorities[] = { "low", "normal", "high", "urgent",
	NULL };
static const char *const categories[] = { "technical", "billing",
	"account", "extension", "other", NULL };

static int in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static int send_no_store(struct request *req, int status,
	struct json_object *o)
{
	int rc;

	if (o == NULL)
		return DF_ENOMEM;
	rc = http_set_json(req, status, o);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "no-store");
	return rc;
}

static int set_str_or_null(struct json_object *o, const char *k,
	const char *v)
{
	return v != NULL ? json_set_str(o, k, v) : json_set(o, k, NULL);
}

static int set_int_or_null(struct json_object *o, const char *k, int64_t v,
	int null)
{
	return null ? json_set(o, k, NULL) : json_set_int(o, k, v);
}

/* --- calendars: the view */

static struct json_object *calendar_json(struct request *req, const void *row)
{
	const struct store_sla_calendar *c = row;
	struct json_object *o = json_new_object(req);
	struct json_object *hours = json_new_array(req);
	struct json_object *hols = json_new_array(req);

	if (o == NULL || hours == NULL || hols == NULL)
		return NULL;
	for (size_t i = 0; i < c->nhours; i++) {
		struct json_object *h = json_new_object(req);
		char opens[6], closes[6];

		bizhours_format_hhmm(c->hours[i].opens, opens);
		bizhours_format_hhmm(c->hours[i].closes, closes);
		if (h == NULL || json_set_int(h, "weekday", c->hours[i].weekday) ||
		    json_set_str(h, "opens", opens) ||
		    json_set_str(h, "closes", closes) || json_push(hours, h))
			return NULL;
	}
	for (size_t i = 0; i < c->nholidays; i++) {
		struct json_object *h = json_new_object(req);

		if (h == NULL || json_set_str(h, "date", c->holidays[i].date) ||
		    set_str_or_null(h, "name", c->holidays[i].name) ||
		    json_push(hols, h))
			return NULL;
	}
	if (json_set_int(o, "id", c->id) || json_set_str(o, "name", c->name) ||
	    json_set_str(o, "time_zone", c->time_zone) ||
	    json_set(o, "hours", hours) || json_set(o, "holidays", hols) ||
	    json_set_str(o, "created_at", c->created_at) ||
	    json_set_str(o, "updated_at", c->updated_at))
		return NULL;
	return o;
}

static int send_calendar(struct request *req, int status, int64_t id)
{
	struct store_sla_calendar c;
	int rc = store_sla_calendar_get(req->arena, id, 0, &c);

	if (rc != 0)
		return rc;
	return send_no_store(req, status, calendar_json(req, &c));
}

/* --- calendars: input */

static int v_zone(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg, tz_valid(json_object_get_string(v)),
		"must be an IANA time zone this server knows (Europe/Berlin)");
}

static int v_hhmm(struct json_object *v, const char **code, const char **msg)
{
	int m;

	return json_v_format(code, msg,
		bizhours_parse_hhmm(json_object_get_string(v), &m) == 0,
		"must be HH:MM from 00:00 to 24:00");
}

static int v_date(struct json_object *v, const char **code, const char **msg)
{
	int32_t d;

	return json_v_format(code, msg,
		bizhours_parse_date(json_object_get_string(v), &d) == 0,
		"must be a date YYYY-MM-DD");
}

static const struct json_field calendar_fields[] = {
	{ .name = "name", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 100, .validate = api_v_line },
	{ .name = "time_zone", .type = JF_STRING, .required = 1, .min = 1,
	  .max = TZ_NAME_MAX, .validate = v_zone },
	{ .name = "hours", .type = JF_ARRAY, .required = 1, .min = 1,
	  .max = BIZHOURS_SPANS_MAX },
	{ .name = "holidays", .type = JF_ARRAY, .max = BIZHOURS_HOLIDAYS_MAX },
};

static const struct json_field hour_fields[] = {
	{ .name = "weekday", .type = JF_INT, .required = 1, .min = 1,
	  .max = 7 },
	{ .name = "opens", .type = JF_STRING, .required = 1, .min = 5,
	  .max = 5, .validate = v_hhmm },
	{ .name = "closes", .type = JF_STRING, .required = 1, .min = 5,
	  .max = 5, .validate = v_hhmm },
};

static const struct json_field holiday_fields[] = {
	{ .name = "date", .type = JF_STRING, .required = 1, .min = 10,
	  .max = 10, .validate = v_date },
	{ .name = "name", .type = JF_STRING, .min = 1, .max = 100,
	  .validate = api_v_line, .nullable = 1 },
};

/* The whole calendar checked as one: each interval and date in form,
 * then the hours together (closes after opens, no overlaps) and no date
 * twice. Leaves the store's view of it in req->checked. */
static int calendar_check(struct request *req)
{
	struct json_object *hours = json_get(req->json, "hours");
	struct json_object *hols = json_get(req->json, "holidays");
	struct store_sla_calendar *c;
	struct bizhours_fault f;
	size_t nh, nd;

	if (hours != NULL && json_object_is_type(hours, json_type_array))
		json_fields_check_each(req, req->json, "hours", hour_fields,
			JSON_NFIELDS(hour_fields), "must be an object");
	if (hols != NULL && json_object_is_type(hols, json_type_array))
		json_fields_check_each(req, req->json, "holidays",
			holiday_fields, JSON_NFIELDS(holiday_fields),
			"must be an object");
	if (problem_error_count(req) > 0)
		return 0;
	nh = json_object_array_length(hours);
	nd = hols != NULL ? json_object_array_length(hols) : 0;
	c = arena_calloc(req->arena, 1, sizeof(*c));
	if (c == NULL)
		return DF_ENOMEM;
	c->hours = arena_calloc(req->arena, nh + 1, sizeof(*c->hours));
	c->holidays = arena_calloc(req->arena, nd + 1, sizeof(*c->holidays));
	if (c->hours == NULL || c->holidays == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < nh; i++) {
		struct json_object *h = json_object_array_get_idx(hours, i);

		c->hours[i].weekday = (int)json_get_int(h, "weekday", 0);
		if (bizhours_parse_hhmm(json_get_str(h, "opens", ""),
		    &c->hours[i].opens) != 0 ||
		    bizhours_parse_hhmm(json_get_str(h, "closes", ""),
		    &c->hours[i].closes) != 0)
			return DF_EINTERNAL;   /* the table checked the form */
	}
	if (bizhours_check(c->hours, nh, &f) != 0) {
		const char *field = strcmp(f.field, "hours") == 0 ? "hours" :
			arena_printf(req->arena, "hours[%zu].%s", f.index,
				f.field);

		problem_add_error(req, field, f.code, f.message);
		return 0;
	}
	for (size_t i = 0; i < nd; i++) {
		struct json_object *h = json_object_array_get_idx(hols, i);

		c->holidays[i].date = json_get_str(h, "date", "");
		c->holidays[i].name = json_get_str(h, "name", NULL);
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->holidays[j].date, c->holidays[i].date) == 0) {
				problem_add_error(req, arena_printf(req->arena,
					"holidays[%zu].date", i), "duplicate",
					"the date is listed twice");
				return 0;
			}
	}
	c->name = json_get_str(req->json, "name", "");
	c->time_zone = json_get_str(req->json, "time_zone", "");
	c->nhours = nh;
	c->nholidays = nd;
	req->checked = c;
	return 0;
}

static int name_taken(struct request *req)
{
	return problem_send(req, 409, "conflict",
		"Another calendar has this name.");
}

static int audit_id(struct request *req, const char *event, int64_t id,
	const char *name)
{
	struct json_object *d = json_new_object(req);

	if (d == NULL || (name != NULL && json_set_str(d, "name", name)))
		return DF_ENOMEM;
	return api_audit(req, event, arena_printf(req->arena, "%lld",
		(long long)id), d);
}

/* --- calendars: routes */

/* The uncached list of n rows of size bytes each, each through view: the
 * calendars and the policies are listed the same way. */
static int send_rows(struct request *req, const void *rows, size_t n,
	size_t size, api_item_fn view)
{
	struct json_object *list, *items;
	int rc;

	list = api_list_new(req, &items);
	if (list == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rc = api_list_add(items, view(req,
			(const char *)rows + i * size));
		if (rc != 0)
			return rc;
	}
	rc = api_list_send(req, list, NULL);
	if (rc == 0)
		rc = http_set_header(req, "Cache-Control", "no-store");
	return rc;
}

/* Deletes the row of the path's id in its own transaction with an audit
 * row event; in_use is the 409 detail when del says DF_ECONFLICT (a row
 * still referenced), NULL when that cannot happen. */
static int delete_row(struct request *req, int (*del)(int64_t id),
	const char *event, const char *in_use)
{
	int64_t id = api_path_id(req, "id");
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = del(id);
	if (rc == DF_ECONFLICT && in_use != NULL) {
		store_tx_rollback();
		return problem_send(req, 409, "conflict", in_use);
	}
	if (rc == 0)
		rc = audit_id(req, event, id, NULL);
	return api_commit_no_content(req, rc);
}

static int calendars_get(struct request *req)
{
	struct store_sla_calendar *c;
	size_t n;
	int rc;

	rc = store_sla_calendars(req->arena, &c, &n);
	if (rc != 0)
		return rc;
	return send_rows(req, c, n, sizeof(*c), calendar_json);
}

static int calendar_get(struct request *req)
{
	int64_t id = api_path_id(req, "id");

	if (id == 0)
		return DF_ENOTFOUND;
	return send_calendar(req, 200, id);
}

static int calendar_save(struct request *req, int64_t id)
{
	struct store_sla_calendar *c = req->checked;
	struct store_sla_calendar old;
	int rc;

	if (c == NULL)
		return DF_EINTERNAL;
	c->id = id;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	if (id != 0)
		rc = store_sla_calendar_get(req->arena, id, 1, &old);
	if (rc == 0)
		rc = store_sla_calendar_save(c, clock_now(), &id);
	if (rc == DF_ECONFLICT) {
		store_tx_rollback();
		return name_taken(req);
	}
	if (rc == 0)
		rc = audit_id(req, c->id == 0 ? "admin.sla_calendar_created" :
			"admin.sla_calendar_updated", id, c->name);
	rc = store_tx_end(rc);
	if (rc != 0)
		return rc;
	if (c->id == 0) {
		rc = http_set_header(req, "Location", arena_printf(req->arena,
			"/api/v1/admin/support/calendars/%lld", (long long)id));
		if (rc != 0)
			return rc;
	}
	return send_calendar(req, c->id == 0 ? 201 : 200, id);
}

static int calendar_post(struct request *req)
{
	return calendar_save(req, 0);
}

static int calendar_put(struct request *req)
{
	int64_t id = api_path_id(req, "id");

	if (id == 0)
		return DF_ENOTFOUND;
	return calendar_save(req, id);
}

static int calendar_delete(struct request *req)
{
	return delete_row(req, store_sla_calendar_delete,
		"admin.sla_calendar_deleted", "An SLA policy uses "
		"this calendar: change or delete the policy first.");
}

/* --- policies: the view */

static struct json_object *policy_json(struct request *req, const void *row)
{
	const struct store_sla_policy *p = row;
	struct json_object *o = json_new_object(req);
	struct json_object *m = json_new_object(req);
	struct json_object *t = json_new_object(req);

	if (o == NULL || m == NULL || t == NULL ||
	    set_str_or_null(m, "priority", p->match_priority) ||
	    set_str_or_null(m, "category", p->match_category) ||
	    set_str_or_null(m, "plan", p->match_plan) ||
	    set_int_or_null(t, "first_reply_minutes", p->first_reply_minutes,
		p->first_reply_minutes == STORE_SLA_NO_TARGET) ||
	    set_int_or_null(t, "next_reply_minutes", p->next_reply_minutes,
		p->next_reply_minutes == STORE_SLA_NO_TARGET) ||
	    set_int_or_null(t, "resolution_minutes", p->resolution_minutes,
		p->resolution_minutes == STORE_SLA_NO_TARGET) ||
	    json_set_int(o, "id", p->id) || json_set_str(o, "name", p->name) ||
	    json_set_int(o, "position", p->position) ||
	    set_int_or_null(o, "calendar_id", p->calendar_id,
		p->calendar_id == 0) ||
	    json_set(o, "match", m) || json_set(o, "targets", t) ||
	    json_set_str(o, "created_at", p->created_at) ||
	    json_set_str(o, "updated_at", p->updated_at))
		return NULL;
	return o;
}

static int send_policy(struct request *req, int status, int64_t id)
{
	struct store_sla_policy p;
	int rc = store_sla_policy_get(req->arena, id, 0, &p);

	if (rc != 0)
		return rc;
	return send_no_store(req, status, policy_json(req, &p));
}

/* --- policies: input */

static int v_priority(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		in_list(json_object_get_string(v), priorities),
		"must be low, normal, high or urgent");
}

static int v_category(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		in_list(json_object_get_string(v), categories),
		"must be technical, billing, account, extension or other");
}

static int v_plan(struct json_object *v, const char **code, const char **msg)
{
	const char *s = json_object_get_string(v);
	int ok = s != NULL && *s != '\0';

	for (; ok && *s != '\0'; s++)
		ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			*s == '_' || *s == '-';
	return json_v_format(code, msg, ok, "must be a plan code "
		"([a-z0-9_-], 'none' for requesters without a plan)");
}

static const struct json_field match_fields[] = {
	{ .name = "priority", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_priority, .nullable = 1 },
	{ .name = "category", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_category, .nullable = 1 },
	{ .name = "plan", .type = JF_STRING, .min = 1, .max = 32,
	  .validate = v_plan, .nullable = 1 },
};

static const struct json_field target_fields[] = {
	{ .name = "first_reply_minutes", .type = JF_INT, .min = 1,
	  .max = SLA_MINUTES_MAX, .nullable = 1 },
	{ .name = "next_reply_minutes", .type = JF_INT, .min = 1,
	  .max = SLA_MINUTES_MAX, .nullable = 1 },
	{ .name = "resolution_minutes", .type = JF_INT, .min = 1,
	  .max = SLA_MINUTES_MAX, .nullable = 1 },
};

#define POLICY_FIELDS(req) \
	{ .name = "name", .type = JF_STRING, .required = (req), .min = 1, \
	  .max = 100, .validate = api_v_line }, \
	{ .name = "position", .type = JF_INT, .required = (req), .min = 1, \
	  .max = SLA_POSITION_MAX }, \
	{ .name = "calendar_id", .type = JF_INT, .min = 1, .max = INT64_MAX, \
	  .nullable = 1 }, \
	{ .name = "match", .type = JF_OBJECT }, \
	{ .name = "targets", .type = JF_OBJECT, .required = (req) }

static const struct json_field policy_post_fields[] = { POLICY_FIELDS(1) };
static const struct json_field policy_patch_fields[] = { POLICY_FIELDS(0) };

/* The nested objects, with their fields named "match.plan". */
static int policy_check(struct request *req)
{
	struct json_object *m = json_get(req->json, "match");
	struct json_object *t = json_get(req->json, "targets");

	if (m != NULL && json_object_is_type(m, json_type_object))
		json_fields_check_at(req, m, match_fields,
			JSON_NFIELDS(match_fields), "match");
	if (t != NULL && json_object_is_type(t, json_type_object))
		json_fields_check_at(req, t, target_fields,
			JSON_NFIELDS(target_fields), "targets");
	return 0;
}

/* A member given (null included) replaces the value; an absent one
 * keeps it. */
static int given(struct json_object *o, const char *k)
{
	return o != NULL && json_object_object_get_ex(o, k, NULL);
}

static void merge_minutes(struct json_object *t, const char *k, int64_t *v)
{
	if (given(t, k))
		*v = json_get_int(t, k, STORE_SLA_NO_TARGET);
}

static void merge_match(struct json_object *m, const char *k,
	const char **v)
{
	if (given(m, k))
		*v = json_get_str(m, k, NULL);
}

static void policy_merge(struct request *req, struct store_sla_policy *p)
{
	struct json_object *m = json_get(req->json, "match");
	struct json_object *t = json_get(req->json, "targets");

	p->name = json_get_str(req->json, "name", p->name);
	p->position = json_get_int(req->json, "position", p->position);
	if (given(req->json, "calendar_id"))
		p->calendar_id = json_get_int(req->json, "calendar_id", 0);
	merge_match(m, "priority", &p->match_priority);
	merge_match(m, "category", &p->match_category);
	merge_match(m, "plan", &p->match_plan);
	merge_minutes(t, "first_reply_minutes", &p->first_reply_minutes);
	merge_minutes(t, "next_reply_minutes", &p->next_reply_minutes);
	merge_minutes(t, "resolution_minutes", &p->resolution_minutes);
}

/* Rules over the merged policy, needing the database: a calendar that
 * exists, at least one target. 0 when fine, else the 422 was sent. */
static int policy_refused(struct request *req, const struct store_sla_policy *p)
{
	struct store_sla_calendar c;
	int rc;

	if (p->first_reply_minutes == STORE_SLA_NO_TARGET &&
	    p->next_reply_minutes == STORE_SLA_NO_TARGET &&
	    p->resolution_minutes == STORE_SLA_NO_TARGET)
		problem_add_error(req, "targets", "required",
			"at least one target is required");
	if (p->calendar_id != 0) {
		rc = store_sla_calendar_get(req->arena, p->calendar_id, 0, &c);
		if (rc == DF_ENOTFOUND)
			problem_add_error(req, "calendar_id", "not_found",
				"no such calendar");
		else if (rc != 0)
			return rc;
	}
	if (problem_error_count(req) == 0)
		return 0;
	store_tx_rollback();
	return problem_send_validation(req);
}

static int policy_conflict(struct request *req)
{
	store_tx_rollback();
	return problem_send(req, 409, "conflict",
		"Another policy has this name or position.");
}

/* --- policies: routes */

static int policies_get(struct request *req)
{
	struct store_sla_policy *p;
	size_t n;
	int rc;

	rc = store_sla_policies(req->arena, &p, &n);
	if (rc != 0)
		return rc;
	return send_rows(req, p, n, sizeof(*p), policy_json);
}

/* Inside the caller's transaction, which it ends: checks p, saves it
 * (*id: the new id on insert) with an audit row event. Shared by POST
 * and PATCH. */
static int policy_save(struct request *req, struct store_sla_policy *p,
	int64_t *id, const char *event)
{
	int rc = policy_refused(req, p);

	if (rc != 0)
		return rc == DF_ERESPONDED ? rc : store_tx_end(rc);
	rc = store_sla_policy_save(p, clock_now(), id);
	if (rc == DF_ECONFLICT)
		return policy_conflict(req);
	if (rc == 0)
		rc = audit_id(req, event, *id, p->name);
	return store_tx_end(rc);
}

static int policy_post(struct request *req)
{
	struct store_sla_policy p = {
		.first_reply_minutes = STORE_SLA_NO_TARGET,
		.next_reply_minutes = STORE_SLA_NO_TARGET,
		.resolution_minutes = STORE_SLA_NO_TARGET,
	};
	int64_t id = 0;
	int rc;

	policy_merge(req, &p);
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = policy_save(req, &p, &id, "admin.sla_policy_created");
	if (rc != 0)
		return rc;
	rc = http_set_header(req, "Location", arena_printf(req->arena,
		"/api/v1/admin/support/sla-policies/%lld", (long long)id));
	if (rc != 0)
		return rc;
	return send_policy(req, 201, id);
}

static int policy_patch(struct request *req)
{
	struct store_sla_policy p;
	int64_t id = api_path_id(req, "id");
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_sla_policy_get(req->arena, id, 1, &p);
	if (rc != 0)
		return store_tx_end(rc);
	policy_merge(req, &p);
	rc = policy_save(req, &p, &id, "admin.sla_policy_updated");
	if (rc != 0)
		return rc;
	return send_policy(req, 200, id);
}

static int policy_delete(struct request *req)
{
	return delete_row(req, store_sla_policy_delete,
		"admin.sla_policy_deleted", NULL);
}

/* --- GET /support/tickets/{id}/sla (staff) */

static int ticket_sla_get(struct request *req)
{
	struct store_sla_target *t;
	struct json_object *o, *arr, *pol = NULL;
	const char *pname;
	int64_t id = api_path_id(req, "id"), pid;
	size_t n;
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	rc = store_sla_ticket(req->arena, id, &pid, &pname, &t, &n);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	arr = json_new_array(req);
	if (o == NULL || arr == NULL)
		return DF_ENOMEM;
	if (pid != 0) {
		pol = json_new_object(req);
		if (pol == NULL || json_set_int(pol, "id", pid) ||
		    json_set_str(pol, "name", pname))
			return DF_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_new_object(req);
		int paused = t[i].paused_at != NULL &&
			t[i].achieved_at == NULL && t[i].stopped_at == NULL;

		if (x == NULL || json_set_str(x, "metric", t[i].metric) ||
		    json_set_int(x, "seq", t[i].seq) ||
		    json_set_int(x, "target_minutes", t[i].target_minutes) ||
		    json_set_str(x, "started_at", t[i].started_at) ||
		    set_str_or_null(x, "due_at", t[i].due_at) ||
		    json_set_bool(x, "paused", paused) ||
		    set_int_or_null(x, "remaining_seconds", t[i].remaining_s,
			!paused) ||
		    set_str_or_null(x, "achieved_at", t[i].achieved_at) ||
		    set_str_or_null(x, "breached_at", t[i].breached_at) ||
		    set_str_or_null(x, "stopped_at", t[i].stopped_at) ||
		    json_push(arr, x))
			return DF_ENOMEM;
	}
	if (json_set(o, "policy", pol) || json_set(o, "targets", arr))
		return DF_ENOMEM;
	return send_no_store(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/support/calendars",
	  .handler = calendars_get, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/admin/support/calendars",
	  .handler = calendar_post, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(calendar_fields),
	  .check = calendar_check },
	{ .method = HTTP_GET,
	  .pattern = "/api/v1/admin/support/calendars/{id}",
	  .handler = calendar_get, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_PUT,
	  .pattern = "/api/v1/admin/support/calendars/{id}",
	  .handler = calendar_put, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(calendar_fields),
	  .check = calendar_check },
	{ .method = HTTP_DELETE,
	  .pattern = "/api/v1/admin/support/calendars/{id}",
	  .handler = calendar_delete, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/support/sla-policies",
	  .handler = policies_get, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/admin/support/sla-policies",
	  .handler = policy_post, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(policy_post_fields),
	  .check = policy_check },
	{ .method = HTTP_PATCH,
	  .pattern = "/api/v1/admin/support/sla-policies/{id}",
	  .handler = policy_patch, .role = ROLE_ADMIN, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(policy_patch_fields),
	  .check = policy_check },
	{ .method = HTTP_DELETE,
	  .pattern = "/api/v1/admin/support/sla-policies/{id}",
	  .handler = policy_delete, .role = ROLE_ADMIN, .rl = RL_DEFAULT },
	{ .method = HTTP_GET, .pattern = "/api/v1/support/tickets/{id}/sla",
	  .handler = ticket_sla_get, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
};

const struct route_table api_support_sla_table = {
	"support_sla", routes, sizeof(routes) / sizeof(routes[0])
};
