/* Stores: tickets. */
/* Support tickets: requesters file and follow their own, staff (support
 * and admin) work the queues. The lifecycle is core/ticket_flow's table,
 * applied by the store under a row lock; internal notes are staff-only
 * in every answer (the store leaves them out of a requester's read), and
 * a requester asking for someone else's ticket gets the 404 a missing
 * one gets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "clock.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "ticket_flow.h"
#include "validate.h"
#include "store/tickets.h"
#include "store/users.h"

#define SUBJECT_MAX 200
#define BODY_MAX 10000

static int caller_staff(const struct request *req)
{
	const struct store_user *u = req->auth.user;

	return u != NULL && role_allows(u->role, ROLE_SUPPORT);
}

static int one_of(struct json_object *v, const char *const *names,
	const char **code, const char **msg, const char *text)
{
	const char *s = json_object_get_string(v);

	for (size_t i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return 0;
	*code = "invalid_value";
	*msg = text;
	return -1;
}

static int v_category(struct json_object *v, const char **code,
	const char **msg)
{
	return one_of(v, ticket_category_names, code, msg, "must be technical,"
		" billing, account, extension or other");
}

static int v_priority(struct json_object *v, const char **code,
	const char **msg)
{
	return one_of(v, ticket_priority_names, code, msg,
		"must be low, normal, high or urgent");
}

static int v_status(struct json_object *v, const char **code,
	const char **msg)
{
	return one_of(v, ticket_status_names, code, msg, "must be open,"
		" in_progress, waiting_on_customer, resolved or closed");
}

static int v_uuid(struct json_object *v, const char **code, const char **msg)
{
	return json_v_format(code, msg,
		validate_uuid(json_object_get_string(v)),
		"must be a user id");
}

/* status, assignee and internal are declared so that a requester who
 * sends them hears why they are refused (field_not_allowed), not that
 * they do not exist. */
static const struct json_field create_fields[] = {
	{ .name = "subject", .type = JF_STRING, .required = 1, .min = 1,
	  .max = SUBJECT_MAX, .validate = api_v_line },
	{ .name = "body", .type = JF_STRING, .required = 1, .min = 1,
	  .max = BODY_MAX, .validate = api_v_notes },
	{ .name = "category", .type = JF_STRING, .required = 1,
	  .validate = v_category },
	{ .name = "priority", .type = JF_STRING, .validate = v_priority },
	{ .name = "status", .type = JF_STRING, .nullable = 1 },
	{ .name = "assignee", .type = JF_STRING, .nullable = 1 },
	{ .name = "internal", .type = JF_BOOL, .nullable = 1 },
};

static const struct json_field patch_fields[] = {
	{ .name = "status", .type = JF_STRING, .validate = v_status },
	{ .name = "priority", .type = JF_STRING, .validate = v_priority },
	{ .name = "assignee", .type = JF_STRING, .validate = v_uuid,
	  .nullable = 1 },
};

static const struct json_field message_fields[] = {
	{ .name = "body", .type = JF_STRING, .required = 1, .min = 1,
	  .max = BODY_MAX, .validate = api_v_notes },
	{ .name = "internal", .type = JF_BOOL },
};

/* 1 when the body names the member at all (null included). */
static int has_member(const struct request *req, const char *name)
{
	return req->json != NULL &&
		json_object_object_get_ex(req->json, name, NULL);
}

static void not_allowed(struct request *req, const char *field)
{
	problem_add_error(req, field, "field_not_allowed",
		"only support staff may set this field");
}

static int create_check(struct request *req)
{
	static const char *const staff_only[] = { "status", "assignee",
		"internal" };

	/* A new ticket is open and public: even staff set the rest after
	 * creating it. */
	for (size_t i = 0; i < 3; i++)
		if (has_member(req, staff_only[i]))
			not_allowed(req, staff_only[i]);
	return 0;
}

/* Staff's PATCH: the assignee must be support or admin (a database
 * rule, so here and not in the field table). The id goes to
 * req->checked. Requesters: status only, to reopen or close. */
struct patch_plan {
	int set_assignee;
	int64_t assignee_id;
};

static int patch_check(struct request *req)
{
	struct patch_plan *p;
	const char *s;
	int64_t id;
	int staff, rc;

	p = arena_calloc(req->arena, 1, sizeof(*p));
	if (p == NULL)
		return DF_ENOMEM;
	req->checked = p;
	if (!caller_staff(req)) {
		if (has_member(req, "priority"))
			not_allowed(req, "priority");
		if (has_member(req, "assignee"))
			not_allowed(req, "assignee");
		return 0;
	}
	if (!has_member(req, "assignee") || problem_error_count(req) != 0)
		return 0;
	p->set_assignee = 1;
	s = json_get_str(req->json, "assignee", NULL);
	if (s == NULL)
		return 0;
	rc = store_tickets_user(req->arena, s, &id, &staff);
	if (rc == DF_ENOTFOUND || (rc == 0 && !staff)) {
		problem_add_error(req, "assignee", "assignee_not_staff",
			"must be the id of a support or admin account");
		return 0;
	}
	if (rc != 0)
		return rc;
	p->assignee_id = id;
	return 0;
}

static int message_check(struct request *req)
{
	struct json_object *v;

	if (!caller_staff(req) &&
	    json_object_object_get_ex(req->json, "internal", &v) &&
	    json_object_get_boolean(v))
		problem_add_error(req, "internal", "field_not_allowed",
			"only support staff write internal notes");
	return 0;
}

/* The shared shape (api/shared/ticket_view.c). */
static struct json_object *ticket_json(struct request *req,
	const struct store_ticket *t, int staff, int with_msgs)
{
	return api_ticket_json(req, t, staff, with_msgs);
}

/* The list's answer written as text into the request's arena. A page of
 * 100 tickets made some 2,500 json-c objects and hash-table inserts and
 * freed them again: most of the worker's time for the staff queue
 * (perf: malloc, printbuf and lh_table on top). The same members in the
 * same order as ticket_json, strings escaped as json-c writes them. */
struct tk_text {
	struct arena *a;
	char *p;
	size_t len, cap;
	int oom;
};

static void tt_room(struct tk_text *b, size_t n)
{
	char *p;
	size_t cap;

	if (b->oom || b->len + n <= b->cap)
		return;
	for (cap = b->cap > 0 ? b->cap * 2 : 4096; cap < b->len + n; cap *= 2)
		;
	p = arena_alloc(b->a, cap);
	if (p == NULL) {
		b->oom = 1;
		return;
	}
	if (b->len > 0)
		memcpy(p, b->p, b->len);
	b->p = p;
	b->cap = cap;
}

static void tt_raw(struct tk_text *b, const char *s, size_t n)
{
	tt_room(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

#define TT_LIT(b, s) tt_raw((b), (s), sizeof(s) - 1)
/* ,"key": and the JSON string v (NULL: null), key a literal. */
#define TT_STR_FIELD(b, key, v) \
	do { \
		TT_LIT((b), ",\"" key "\":"); \
		tt_str((b), (v)); \
	} while (0)

/* A JSON string (NULL: null). Bytes >= 0x20 other than '"' and '\\'
 * pass as they are (the store's text is valid UTF-8). */
static void tt_str(struct tk_text *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t run;

	if (s == NULL) {
		TT_LIT(b, "null");
		return;
	}
	tt_raw(b, "\"", 1);
	while (*u != '\0') {
		for (run = 0; u[run] >= 0x20 && u[run] != '"' &&
		     u[run] != '\\'; run++)
			;
		tt_raw(b, (const char *)u, run);
		u += run;
		if (*u == '\0')
			break;
		switch (*u) {
		case '"': TT_LIT(b, "\\\""); break;
		case '\\': TT_LIT(b, "\\\\"); break;
		case '\n': TT_LIT(b, "\\n"); break;
		case '\r': TT_LIT(b, "\\r"); break;
		case '\t': TT_LIT(b, "\\t"); break;
		case '\b': TT_LIT(b, "\\b"); break;
		case '\f': TT_LIT(b, "\\f"); break;
		default: {
			char e[6] = { '\\', 'u', '0', '0', hex[*u >> 4],
				hex[*u & 15] };

			tt_raw(b, e, sizeof(e));
		}
		}
		u++;
	}
	tt_raw(b, "\"", 1);
}

static void tt_int(struct tk_text *b, int64_t v)
{
	char n[24];
	int k = snprintf(n, sizeof(n), "%lld", (long long)v);

	tt_raw(b, n, (size_t)k);
}

static void tt_person(struct tk_text *b, const char *id, const char *name)
{
	if (id == NULL) {
		TT_LIT(b, "null");
		return;
	}
	TT_LIT(b, "{\"id\":");
	tt_str(b, id);
	TT_LIT(b, ",\"username\":");
	tt_str(b, name);
	tt_raw(b, "}", 1);
}

/* ticket_json(t, staff, 0) as text. */
static void tt_ticket(struct tk_text *b, const struct store_ticket *t,
	int staff)
{
	TT_LIT(b, "{\"id\":");
	tt_int(b, t->id);
	TT_STR_FIELD(b, "subject", t->subject);
	TT_STR_FIELD(b, "status", t->status);
	TT_STR_FIELD(b, "priority", t->priority);
	TT_STR_FIELD(b, "category", t->category);
	TT_LIT(b, ",\"requester\":");
	tt_person(b, t->requester_public_id, t->requester_username);
	TT_LIT(b, ",\"assignee\":");
	tt_person(b, t->assignee_public_id, t->assignee_username);
	TT_LIT(b, ",\"follow_up_of\":");
	if (t->follow_up_of > 0)
		tt_int(b, t->follow_up_of);
	else
		TT_LIT(b, "null");
	TT_STR_FIELD(b, "via", t->via);
	TT_STR_FIELD(b, "first_response_due_at", t->first_response_due_at);
	if (staff)
		TT_STR_FIELD(b, "next_breach_at", t->next_breach_at);
	TT_STR_FIELD(b, "created_at", t->created_at);
	TT_STR_FIELD(b, "updated_at", t->updated_at);
	TT_STR_FIELD(b, "resolved_at", t->resolved_at);
	TT_STR_FIELD(b, "closed_at", t->closed_at);
	tt_raw(b, "}", 1);
}

/* {id} as a ticket id: a positive decimal, else no such ticket. */
static int path_id(struct request *req, int64_t *id)
{
	*id = api_path_id(req, "id");
	return *id != 0 ? 0 : DF_ENOTFOUND;
}

/* The ticket as its caller may see it: someone else's is not found. */
static int load(struct request *req, int64_t id, struct store_ticket *t)
{
	int staff = caller_staff(req);
	int rc;

	rc = store_tickets_get(req->arena, id, staff, t);
	if (rc != 0)
		return rc;
	if (!staff && t->requester_id != api_caller_id(req))
		return DF_ENOTFOUND;
	return 0;
}

static int answer_ticket(struct request *req, int status, int64_t id)
{
	struct store_ticket t;
	struct json_object *o;
	int rc;

	rc = load(req, id, &t);
	if (rc != 0)
		return rc;
	o = ticket_json(req, &t, caller_staff(req), 1);
	if (o == NULL || http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

static const char *location(struct request *req, int64_t id)
{
	return arena_printf(req->arena, "/api/v1/support/tickets/%lld",
		(long long)id);
}

static int tk_create(struct request *req)
{
	struct store_ticket_new n = {
		.requester_id = api_caller_id(req),
		.subject = json_get_str(req->json, "subject", NULL),
		.body = json_get_str(req->json, "body", NULL),
		.category = json_get_str(req->json, "category", NULL),
		.priority = json_get_str(req->json, "priority", NULL),
		.via = TICKET_VIA_WEB,
		.now = clock_now(),
	};
	int64_t id;
	int rc;

	rc = store_tickets_create(req->arena, &n, &id);
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Location", location(req, id)) != 0)
		return DF_ENOMEM;
	return answer_ticket(req, 201, id);
}

static const char *const sort_names[STORE_TICKET_SORT__MAX + 1] = {
	"breach", "created", "updated", NULL
};

static int q_assignee(const char *s, size_t len)
{
	(void)len;
	return strcmp(s, "me") == 0 || strcmp(s, "none") == 0 ||
		validate_uuid(s);
}

static const struct query_param list_query[] = {
	{ .name = "status", .kind = QP_ENUM, .values = ticket_status_names,
	  .message = "must be open, in_progress, waiting_on_customer, resolved"
	  " or closed" },
	{ .name = "priority", .kind = QP_ENUM, .values = ticket_priority_names,
	  .message = "must be low, normal, high or urgent" },
	{ .name = "category", .kind = QP_ENUM, .values = ticket_category_names,
	  .message = "must be technical, billing, account, extension or"
	  " other" },
	{ .name = "assignee", .kind = QP_TEXT, .valid = q_assignee,
	  .message = "must be a user id, me or none" },
	{ .name = "sort", .kind = QP_ENUM, .values = sort_names,
	  .message = "must be breach, created or updated" },
	{ .name = "limit", .kind = QP_LIMIT },
};

/* The cursor: "tk.<sort>.<key>.<id>", base64url. */
static const char *cursor_make(struct request *req, enum store_ticket_sort s,
	const struct store_ticket *last)
{
	return api_cursor_keyed(req, "tk", (int)s, last->sort_key, last->id);
}

static int cursor_read(const char *cursor, struct store_ticket_filter *f)
{
	int rc = api_cursor_keyed_read(cursor, "tk", (int)f->sort,
		&f->after_key, &f->after_id);

	if (rc == 0)
		f->has_after = 1;
	return rc;
}

static int list_check(struct request *req)
{
	const char *cursor = http_query(req, "cursor");
	const char *as = http_query(req, "assignee");
	struct store_ticket_filter *f;
	int staff = caller_staff(req);
	int64_t v;
	int rc;

	f = arena_calloc(req->arena, 1, sizeof(*f));
	if (f == NULL)
		return DF_ENOMEM;
	req->checked = f;
	f->limit = req->q.limit;
	f->requester_id = staff ? 0 : api_caller_id(req);
	v = router_query_int(req, "status", -1);
	f->status = v >= 0 ? ticket_status_names[v] : NULL;
	v = router_query_int(req, "priority", -1);
	f->priority = v >= 0 ? ticket_priority_names[v] : NULL;
	v = router_query_int(req, "category", -1);
	f->category = v >= 0 ? ticket_category_names[v] : NULL;
	f->sort = staff ? STORE_TICKET_SORT_BREACH : STORE_TICKET_SORT_CREATED;
	v = router_query_int(req, "sort", -1);
	if (v == STORE_TICKET_SORT_BREACH && !staff)
		/* The breach times are staff's. */
		problem_add_error(req, "sort", "field_not_allowed",
			"only support staff sort by time until breach");
	else if (v >= 0)
		f->sort = (enum store_ticket_sort)v;
	if (cursor != NULL && cursor_read(cursor, f) != 0)
		problem_add_error(req, "cursor", "invalid_format",
			"must be a next_cursor this list returned with the "
			"same sort");
	if (as == NULL || problem_error_count(req) != 0)
		return 0;
	if (strcmp(as, "none") == 0) {
		f->assignee = STORE_TICKET_UNASSIGNED;
	} else if (strcmp(as, "me") == 0) {
		f->assignee = STORE_TICKET_ASSIGNED_TO;
		f->assignee_me = 1;
		f->assignee_id = api_caller_id(req);
	} else {
		int is_staff;

		f->assignee = STORE_TICKET_ASSIGNED_TO;
		rc = store_tickets_user(req->arena, as, &f->assignee_id,
			&is_staff);
		if (rc == DF_ENOTFOUND)
			f->assignee_id = -1;   /* nobody: an empty list */
		else if (rc != 0)
			return rc;
	}
	return 0;
}

static int tk_list(struct request *req)
{
	const struct store_ticket_filter *f = req->checked;
	struct store_ticket *rows;
	struct tk_text b = { .a = req->arena };
	const char *next = NULL;
	int staff = caller_staff(req);
	size_t n;
	int rc;

	rc = store_tickets_list(req->arena, f, &rows, &n);
	if (rc != 0)
		return rc;
	if (n > (size_t)f->limit &&
	    (next = cursor_make(req, f->sort, &rows[f->limit - 1])) == NULL)
		return DF_ENOMEM;
	tt_room(&b, 64 + 640 * (n < (size_t)f->limit ? n : (size_t)f->limit));
	TT_LIT(&b, "{\"items\":[");
	for (size_t i = 0; i < n && i < (size_t)f->limit; i++) {
		if (i > 0)
			tt_raw(&b, ",", 1);
		tt_ticket(&b, &rows[i], staff);
	}
	TT_LIT(&b, "],\"next_cursor\":");
	tt_str(&b, next);
	tt_raw(&b, "}", 1);
	if (b.oom || http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	/* Every staff caller asking this URL gets this answer (the router
	 * keeps it for staff only, until a ticket changes), except
	 * assignee=me, which names the caller. A requester's own list is
	 * never kept. */
	if (staff && !f->assignee_me)
		http_set_cacheable(req);
	return http_set_body_ref(req, 200, "application/json; charset=utf-8",
		b.p, b.len);
}

static int tk_get(struct request *req)
{
	int64_t id;
	int rc;

	rc = path_id(req, &id);
	if (rc != 0)
		return rc;
	return answer_ticket(req, 200, id);
}

static int invalid_transition(struct request *req)
{
	return problem_send(req, 409, "invalid_transition", "The ticket's "
		"status cannot change that way (a closed ticket cannot change "
		"at all).");
}

static int tk_patch(struct request *req)
{
	const struct patch_plan *p = req->checked;
	struct store_ticket t;
	struct store_ticket_change c = {
		.actor_id = api_caller_id(req),
		.actor_staff = caller_staff(req),
		.status = json_get_str(req->json, "status", NULL),
		.priority = json_get_str(req->json, "priority", NULL),
		.set_assignee = p->set_assignee,
		.assignee_id = p->assignee_id,
		.now = clock_now(),
	};
	int rc;

	rc = path_id(req, &c.ticket_id);
	if (rc == 0)
		rc = load(req, c.ticket_id, &t);
	if (rc != 0)
		return rc;
	if (!c.actor_staff && c.status != NULL &&
	    strcmp(c.status, "open") != 0 && strcmp(c.status, "closed") != 0)
		return problem_send(req, 403, NULL, "A requester can only "
			"reopen (open) or close (closed) a resolved ticket.");
	rc = store_tickets_update(req->arena, &c, NULL);
	if (rc == DF_ECONFLICT)
		return invalid_transition(req);
	if (rc != 0)
		return rc;
	return answer_ticket(req, 200, c.ticket_id);
}

static int tk_message(struct request *req)
{
	struct store_ticket t;
	struct store_ticket_msg_in in = {
		.author_id = api_caller_id(req),
		.author_staff = caller_staff(req),
		.body = json_get_str(req->json, "body", NULL),
		.via = TICKET_VIA_WEB,
		.now = clock_now(),
	};
	struct store_ticket_msg_out out;
	struct json_object *o, *m = NULL;
	struct json_object *v;
	int rc;

	if (json_object_object_get_ex(req->json, "internal", &v))
		in.internal = json_object_get_boolean(v);
	rc = path_id(req, &in.ticket_id);
	if (rc == 0)
		rc = load(req, in.ticket_id, &t);
	if (rc != 0)
		return rc;
	rc = store_tickets_add_message(req->arena, &in, &out);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "ticket_closed", "The ticket is "
			"closed; it cannot take more messages.");
	if (rc != 0)
		return rc;
	/* The message as the writer sees it, read back from the ticket it
	 * landed on. */
	rc = store_tickets_get(req->arena, out.ticket_id, in.author_staff, &t);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < t.nmsgs; i++)
		if (t.msgs[i].id == out.message_id)
			m = api_ticket_msg_json(req, &t.msgs[i]);
	o = json_new_object(req);
	if (o == NULL || m == NULL || json_set(o, "message", m) ||
	    json_set_int(o, "ticket_id", out.ticket_id) ||
	    json_set_bool(o, "follow_up", out.follow_up) ||
	    json_set_str(o, "status", out.status) ||
	    http_set_header(req, "Location", location(req, out.ticket_id)) ||
	    http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 201, o);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/support/tickets",
	  .handler = tk_create, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(create_fields),
	  .check = create_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/support/tickets",
	  .handler = tk_list, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_STAFF_CACHE,
	  .cache_gens = UINT64_C(1) << STORE_TICKETS_CACHE_GEN,
	  .query = QUERY_PARAMS(list_query), .check = list_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/support/tickets/{id}",
	  .handler = tk_get, .role = ROLE_USER, .rl = RL_DEFAULT },
	{ .method = HTTP_PATCH, .pattern = "/api/v1/support/tickets/{id}",
	  .handler = tk_patch, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(patch_fields),
	  .check = patch_check },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/support/tickets/{id}/messages",
	  .handler = tk_message, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(message_fields),
	  .check = message_check },
};

const struct route_table api_tickets_table = {
	"tickets", routes, sizeof(routes) / sizeof(routes[0])
};
