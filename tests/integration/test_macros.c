/* Support macros through the front server: CRUD for staff only (unique
 * names, bounded bodies, status and priority enums), and applying one
 * to a ticket: the placeholders filled, the reply added and the status
 * and priority set in one transaction (a refused status leaves no
 * reply), an internal macro's note never mailed to the requester. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "desk_kit.h"

#define MACROS "/api/v1/support/macros"

/* Creates a macro through the API; its id. */
static long macro_new(const struct desk_user *staff, const char *name,
	const char *body, int internal, const char *status,
	const char *priority)
{
	char json[4096], *qn = client_json_quote(name),
		*qb = client_json_quote(body);
	struct client_resp r;
	struct json_object *o;
	long id;

	snprintf(json, sizeof(json), "{\"name\": %s, \"body\": %s,"
		" \"internal\": %s, \"set_status\": %s%s%s,"
		" \"set_priority\": %s%s%s}", qn, qb, internal ? "true" : "false",
		status ? "\"" : "", status ? status : "null", status ? "\"" : "",
		priority ? "\"" : "", priority ? priority : "null",
		priority ? "\"" : "");
	free(qn);
	free(qb);
	client_call("POST", MACROS, staff->auth, json, &r);
	o = client_expect_json(&r, 201);
	id = json_object_get_int64(json_object_object_get(o, "id"));
	cr_assert(id > 0);
	json_object_put(o);
	client_free(&r);
	return id;
}

static long mails_to(const char *email)
{
	return client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s'", email);
}

/* The route that applies macro to ticket. */
static void apply_path(char out[128], long ticket, long macro)
{
	snprintf(out, 128, "/api/v1/support/tickets/%ld/macros/%ld", ticket,
		macro);
}

/* Applying macro to ticket is refused with 409 invalid_transition and
 * adds no message (the ticket keeps its first). */
static void expect_apply_conflict(const struct desk_user *staff, long ticket,
	long macro)
{
	struct client_resp r;
	char apply[128];

	apply_path(apply, ticket, macro);
	client_call("POST", apply, staff->auth, NULL, &r);
	client_assert_problem(&r, 409, "invalid_transition");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_ticket_messages"
		" WHERE ticket_id = %ld", ticket), 1);
}

Test(macros, staff_create_read_edit_and_delete_them)
{
	struct desk_user staff;
	struct client_resp r;
	struct json_object *o;
	char path[128], json[512], *loc;
	const char *name = client_unique("Refund policy");
	long id;

	desk_user_new(&staff, "support", NULL);
	snprintf(json, sizeof(json), "{\"name\": \"%s\", \"body\": \"Hi"
		" {{requester_name}}\", \"set_status\": \"resolved\"}", name);
	client_call("POST", MACROS, staff.auth, json, &r);
	o = client_expect_json(&r, 201);
	id = json_object_get_int64(json_object_object_get(o, "id"));
	cr_assert_str_eq(client_json_str(o, "name"), name);
	cr_assert_str_eq(client_json_str(o, "body"), "Hi {{requester_name}}");
	cr_assert_str_eq(client_json_str(o, "set_status"), "resolved");
	cr_assert(json_object_get_type(json_object_object_get(o,
		"set_priority")) == json_type_null);
	cr_assert(!json_object_get_boolean(json_object_object_get(o,
		"internal")));
	loc = client_header(&r, "Location");
	snprintf(path, sizeof(path), MACROS "/%ld", id);
	cr_assert(loc != NULL && strcmp(loc, path) == 0, "%s", loc);
	free(loc);
	json_object_put(o);
	client_free(&r);

	/* The same name again: 409, nothing added. */
	client_call("POST", MACROS, staff.auth, json, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_macros"
		" WHERE name = '%s'", name), 1);

	client_call("GET", path, staff.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "name"), name);
	json_object_put(o);
	client_free(&r);

	/* An edit writes what it names; null clears set_status. */
	client_call("PATCH", path, staff.auth, "{\"set_status\": null,"
		" \"set_priority\": \"urgent\", \"internal\": true}", &r);
	o = client_expect_json(&r, 200);
	cr_assert(json_object_get_type(json_object_object_get(o,
		"set_status")) == json_type_null);
	cr_assert_str_eq(client_json_str(o, "set_priority"), "urgent");
	cr_assert_str_eq(client_json_str(o, "body"), "Hi {{requester_name}}");
	cr_assert(json_object_get_boolean(json_object_object_get(o,
		"internal")));
	json_object_put(o);
	client_free(&r);

	/* It is in the list. */
	{
		char list[128];
		int found = 0;

		snprintf(list, sizeof(list), MACROS "?limit=100");
		for (int page = 0; page < 1000 && !found; page++) {
			struct json_object *items, *next;
			char *cur = NULL;

			client_call("GET", list, staff.auth, NULL, &r);
			o = client_expect_json(&r, 200);
			items = json_object_object_get(o, "items");
			for (size_t i = 0; i < json_object_array_length(items); i++)
				if (json_object_get_int64(json_object_object_get(
				    json_object_array_get_idx(items, i), "id")) == id)
					found = 1;
			next = json_object_object_get(o, "next_cursor");
			if (json_object_get_type(next) == json_type_string)
				cur = strdup(json_object_get_string(next));
			json_object_put(o);
			client_free(&r);
			if (cur == NULL)
				break;
			snprintf(list, sizeof(list), MACROS "?limit=100&cursor=%s",
				cur);
			free(cur);
		}
		cr_assert(found, "macro %ld not listed", id);
	}

	client_call("DELETE", path, staff.auth, NULL, &r);
	cr_assert_eq(r.status, 204);
	client_free(&r);
	cr_assert_eq(client_status("GET", path, staff.auth, NULL), 404);
	cr_assert_eq(client_status("DELETE", path, staff.auth, NULL), 404);
	cr_assert_eq(client_status("GET", MACROS "/abc", staff.auth, NULL), 404);
	desk_user_free(&staff);
}

Test(macros, a_name_taken_by_another_macro_is_409_on_edit)
{
	struct desk_user staff;
	struct client_resp r;
	char path[128], json[256];
	const char *a = client_unique("Macro A");
	long ida, idb;

	desk_user_new(&staff, "admin", NULL);
	ida = macro_new(&staff, a, "a", 0, NULL, NULL);
	idb = macro_new(&staff, client_unique("Macro B"), "b", 0, NULL, NULL);
	snprintf(path, sizeof(path), MACROS "/%ld", idb);
	snprintf(json, sizeof(json), "{\"name\": \"%s\"}", a);
	client_call("PATCH", path, staff.auth, json, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_macros"
		" WHERE name = '%s' AND id = %ld", a, ida), 1);
	desk_user_free(&staff);
}

Test(macros, bad_input_is_422_and_changes_nothing)
{
	static const struct {
		const char *json, *field, *code;
	} bad[] = {
		{ "{\"name\": \"x\", \"body\": \"y\", \"set_status\": \"done\"}",
		  "set_status", "invalid_format" },
		{ "{\"name\": \"x\", \"body\": \"y\", \"set_priority\": \"asap\"}",
		  "set_priority", "invalid_format" },
		{ "{\"body\": \"y\"}", "name", "required" },
		{ "{\"name\": \"x\", \"body\": \"y\", \"owner\": 1}",
		  "owner", "unknown_field" },
	};
	struct desk_user staff;
	struct client_resp r;
	char *big, *json;
	const char *name = client_unique("Bad");
	size_t n = 10001;

	desk_user_new(&staff, "support", NULL);
	big = malloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	json = malloc(n + 256);
	snprintf(json, n + 256, "{\"name\": \"%s\", \"body\": \"%s\"}", name,
		big);
	client_call("POST", MACROS, staff.auth, json, &r);
	client_assert_field_error(&r, "body", "too_long");
	client_free(&r);
	free(big);
	free(json);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		client_call("POST", MACROS, staff.auth, bad[i].json, &r);
		client_assert_field_error(&r, bad[i].field, bad[i].code);
		client_free(&r);
	}
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_macros WHERE"
		" name IN ('x', '%s')", name), 0);
	desk_user_free(&staff);
}

Test(macros, only_staff_may_use_them)
{
	struct desk_user user, staff;
	char path[128], apply[128];
	long id, ticket;

	desk_user_new(&user, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	id = macro_new(&staff, client_unique("Staff only"), "x", 0, NULL, NULL);
	ticket = desk_ticket_new(user.row, 0, "open", 0);
	snprintf(path, sizeof(path), MACROS "/%ld", id);
	apply_path(apply, ticket, id);
	cr_assert_eq(client_status("GET", MACROS, user.auth, NULL), 403);
	cr_assert_eq(client_status("POST", MACROS, user.auth,
		"{\"name\": \"n\", \"body\": \"b\"}"), 403);
	cr_assert_eq(client_status("GET", path, user.auth, NULL), 403);
	cr_assert_eq(client_status("PATCH", path, user.auth, "{}"), 403);
	cr_assert_eq(client_status("DELETE", path, user.auth, NULL), 403);
	cr_assert_eq(client_status("POST", apply, user.auth, NULL), 403);
	cr_assert_eq(client_status("GET", MACROS, NULL, NULL), 401);
	cr_assert_eq(client_status("POST", apply, NULL, NULL), 401);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_ticket_messages"
		" WHERE ticket_id = %ld", ticket), 1);
	desk_user_free(&user);
	desk_user_free(&staff);
}

Test(macros, apply_fills_the_placeholders_and_sets_status_and_priority)
{
	struct desk_user req, staff;
	struct client_resp r;
	struct json_object *o, *msgs, *last;
	char apply[128], want[512], *body;
	long id, ticket, mails;

	desk_user_new(&req, "user", "Ada Lovelace");
	desk_user_new(&staff, "support", NULL);
	id = macro_new(&staff, client_unique("Solved"), "Hi {{requester_name}},"
		" request #{{ticket_id}} is solved. {{unknown}} -- {{agent_name}}",
		0, "resolved", "high");
	ticket = desk_ticket_new(req.row, staff.row, "open", 60);
	mails = mails_to(req.email);
	apply_path(apply, ticket, id);
	client_call("POST", apply, staff.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_eq(json_object_get_int64(json_object_object_get(o, "id")),
		ticket);
	cr_assert_str_eq(client_json_str(o, "status"), "resolved");
	cr_assert_str_eq(client_json_str(o, "priority"), "high");
	msgs = json_object_object_get(o, "messages");
	cr_assert_eq(json_object_array_length(msgs), 2);
	last = json_object_array_get_idx(msgs, 1);
	snprintf(want, sizeof(want), "Hi Ada Lovelace, request #%ld is solved."
		" {{unknown}} -- %s", ticket, staff.username);
	cr_assert_str_eq(client_json_str(last, "body"), want);
	cr_assert_str_eq(client_json_str(last, "via"), "macro");
	cr_assert(!json_object_get_boolean(json_object_object_get(last,
		"internal")));
	cr_assert_str_eq(client_json_str(last, "author.id"), staff.id);
	json_object_put(o);
	client_free(&r);

	/* In the database as answered, and the requester was mailed the
	 * reply (a public one). */
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_tickets WHERE"
		" id = %ld AND status = 'resolved' AND priority = 'high'"
		" AND resolved_at IS NOT NULL AND first_replied_at IS NOT NULL",
		ticket), 1);
	cr_assert(mails_to(req.email) > mails);
	body = client_sqlf("SELECT COUNT(*) FROM mail_outbox WHERE to_addr ="
		" '%s' AND INSTR(body, 'Hi Ada Lovelace, request #%ld is solved')"
		" > 0", req.email, ticket);
	cr_assert(body != NULL && atol(body) >= 1, "reply not mailed");
	free(body);
	desk_user_free(&req);
	desk_user_free(&staff);
}

Test(macros, an_internal_macro_is_a_note_never_mailed_to_the_requester)
{
	struct desk_user req, staff;
	struct client_resp r;
	struct json_object *o, *msgs, *last;
	char apply[128];
	long id, ticket, mails;

	desk_user_new(&req, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	id = macro_new(&staff, client_unique("Escalate"), "Escalated"
		" #{{ticket_id}} for {{requester_name}}", 1, NULL, "urgent");
	ticket = desk_ticket_new(req.row, staff.row, "open", 60);
	mails = mails_to(req.email);
	apply_path(apply, ticket, id);
	client_call("POST", apply, staff.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "priority"), "urgent");
	cr_assert_str_eq(client_json_str(o, "status"), "open");
	msgs = json_object_object_get(o, "messages");
	last = json_object_array_get_idx(msgs, 1);
	cr_assert(json_object_get_boolean(json_object_object_get(last,
		"internal")));
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_ticket_messages"
		" WHERE ticket_id = %ld AND internal = 1 AND via = 'macro'"
		" AND body = CONCAT('Escalated #', %ld, ' for %s')", ticket, ticket,
		req.username), 1);
	/* No mail to the requester, and no first reply recorded. */
	cr_assert_eq(mails_to(req.email), mails);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" INSTR(body, CONCAT('Escalated #', %ld, ' ')) > 0", ticket), 0);
	cr_assert_eq(client_sql_longf("SELECT first_replied_at IS NULL FROM"
		" support_tickets WHERE id = %ld", ticket), 1);
	/* The requester reads the ticket without the note. */
	{
		char path[128];

		snprintf(path, sizeof(path), "/api/v1/support/tickets/%ld", ticket);
		client_call("GET", path, req.auth, NULL, &r);
		o = client_expect_json(&r, 200);
		msgs = json_object_object_get(o, "messages");
		cr_assert_eq(json_object_array_length(msgs), 1);
		cr_assert(strstr(r.body, "Escalated") == NULL, "%s", r.body);
		json_object_put(o);
		client_free(&r);
	}
	desk_user_free(&req);
	desk_user_free(&staff);
}

Test(macros, a_refused_status_leaves_no_reply_behind)
{
	struct desk_user req, staff;
	char apply[128];
	long bad, ok, open_t, closed_t;

	desk_user_new(&req, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	/* open -> closed is outside the lifecycle. */
	bad = macro_new(&staff, client_unique("Close now"), "Closing.", 0,
		"closed", "low");
	ok = macro_new(&staff, client_unique("Plain"), "Hello.", 0, NULL, NULL);
	open_t = desk_ticket_new(req.row, 0, "open", 60);
	closed_t = desk_ticket_new(req.row, 0, "closed", 60);

	expect_apply_conflict(&staff, open_t, bad);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_tickets WHERE"
		" id = %ld AND status = 'open' AND priority = 'normal'", open_t), 1);

	/* A closed ticket is immutable. */
	expect_apply_conflict(&staff, closed_t, ok);

	/* Unknown ticket or macro. */
	apply_path(apply, open_t, ok + 1000000);
	cr_assert_eq(client_status("POST", apply, staff.auth, NULL), 404);
	apply_path(apply, open_t + 1000000, ok);
	cr_assert_eq(client_status("POST", apply, staff.auth, NULL), 404);
	desk_user_free(&req);
	desk_user_free(&staff);
}
