/* Support tickets through the front server against real MariaDB: every
 * move of the lifecycle and every refused one (409, nothing changed),
 * the requester's two moves, closed tickets immutable and a reply to
 * one making a linked follow-up, a requester's reply reopening, the
 * assignment rules, bad input changing nothing, other people's tickets
 * invisible, the staff queue's order by time until breach, and internal
 * notes kept from the requester through every route and the mail (read
 * from the stack's maildir after `devforgectl mail-send --once`), whose
 * Reply-To carries the ticket's signed address. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"
#include "desk_kit.h"
#include "mactoken.h"

#define TICKETS "/api/v1/support/tickets"

TestSuite(tickets);

/* A new ticket of requester p; its id. */
static long ticket_new(const struct desk_user *p, const char *subject)
{
	struct client_resp r;
	struct json_object *o, *v;
	char body[512];
	long id;

	snprintf(body, sizeof(body), "{\"subject\":\"%s\",\"body\":\"It does "
		"not work.\",\"category\":\"technical\"}", subject);
	client_call("POST", TICKETS, p->auth, body, &r);
	o = client_expect_json(&r, 201);
	cr_assert(json_object_object_get_ex(o, "id", &v));
	id = json_object_get_int64(v);
	cr_assert_str_eq(client_json_str(o, "status"), "open");
	json_object_put(o);
	client_free(&r);
	return id;
}

static const char *status_of(long id)
{
	static char buf[64];
	char *s = client_sqlf("SELECT status FROM support_tickets WHERE id = %ld",
		id);

	snprintf(buf, sizeof(buf), "%s", s != NULL ? s : "(none)");
	free(s);
	return buf;
}

static void set_status_sql(long id, const char *status)
{
	free(client_sqlf("UPDATE support_tickets SET status = '%s' WHERE id = %ld",
		status, id));
	cr_assert_str_eq(status_of(id), status);
}

static long patch_status(const struct desk_user *p, long id, const char *status)
{
	char body[128];

	snprintf(body, sizeof(body), "{\"status\":\"%s\"}", status);
	return client_status("PATCH", desk_ticket_path(id, ""), p->auth, body);
}

static long messages_of(long id)
{
	return client_sql_longf("SELECT COUNT(*) FROM support_ticket_messages"
		" WHERE ticket_id = %ld", id);
}

/* ------------------------------------------------------------ lifecycle */

static const char *const statuses[] = { "open", "in_progress",
	"waiting_on_customer", "resolved", "closed" };

/* The staff table of core/ticket_flow, written out again on purpose. */
static int staff_may(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{ "open", "in_progress" }, { "open", "waiting_on_customer" },
		{ "open", "resolved" }, { "in_progress", "waiting_on_customer" },
		{ "in_progress", "resolved" },
		{ "waiting_on_customer", "in_progress" },
		{ "waiting_on_customer", "resolved" }, { "resolved", "open" },
		{ "resolved", "closed" },
	};

	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (!strcmp(moves[i][0], from) && !strcmp(moves[i][1], to))
			return 1;
	return 0;
}

Test(tickets, staff_make_every_move_of_the_lifecycle)
{
	struct desk_user rq, st;
	int moved = 0;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	for (size_t f = 0; f < 5; f++)
		for (size_t t = 0; t < 5; t++) {
			struct client_resp r;
			struct json_object *o;
			char body[64];
			long id;

			if (!staff_may(statuses[f], statuses[t]))
				continue;
			id = ticket_new(&rq, "Lifecycle move");
			if (f > 0)
				set_status_sql(id, statuses[f]);
			snprintf(body, sizeof(body), "{\"status\":\"%s\"}",
				statuses[t]);
			client_call("PATCH", desk_ticket_path(id, ""), st.auth, body, &r);
			o = client_expect_json(&r, 200);
			cr_expect_str_eq(client_json_str(o, "status"), statuses[t],
				"%s -> %s", statuses[f], statuses[t]);
			cr_expect_str_eq(status_of(id), statuses[t]);
			json_object_put(o);
			client_free(&r);
			moved++;
		}
	cr_expect_eq(moved, 9);
	desk_user_free(&rq);
	desk_user_free(&st);
}

Test(tickets, every_move_outside_the_lifecycle_is_409_and_changes_nothing)
{
	struct desk_user rq, st;
	int refused = 0;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "admin", NULL);
	for (size_t f = 0; f < 5; f++) {
		long id = ticket_new(&rq, "Refused move");

		if (f > 0)
			set_status_sql(id, statuses[f]);
		for (size_t t = 0; t < 5; t++) {
			struct client_resp r;
			char body[64];

			if (t == f || staff_may(statuses[f], statuses[t]))
				continue;
			snprintf(body, sizeof(body), "{\"status\":\"%s\"}",
				statuses[t]);
			client_call("PATCH", desk_ticket_path(id, ""), st.auth, body, &r);
			client_assert_problem(&r, 409, "invalid_transition");
			client_free(&r);
			cr_expect_str_eq(status_of(id), statuses[f],
				"%s -> %s changed it", statuses[f], statuses[t]);
			refused++;
		}
	}
	cr_expect_eq(refused, 11);
	desk_user_free(&rq);
	desk_user_free(&st);
}

Test(tickets, same_status_is_200_and_no_change)
{
	struct desk_user rq, st;
	long id, before;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	id = ticket_new(&rq, "Same status");
	free(client_sqlf("UPDATE support_tickets SET updated_at = '2020-01-01'"
		" WHERE id = %ld", id));
	before = client_sql_longf("SELECT UNIX_TIMESTAMP(updated_at) FROM"
		" support_tickets WHERE id = %ld", id);
	cr_expect_eq(patch_status(&st, id, "open"), 200);
	cr_expect_eq(client_sql_longf("SELECT UNIX_TIMESTAMP(updated_at) FROM"
		" support_tickets WHERE id = %ld", id), before);
	desk_user_free(&rq);
	desk_user_free(&st);
}

Test(tickets, requester_may_only_reopen_or_close_a_resolved_ticket)
{
	struct desk_user rq;
	struct client_resp r;
	long id;

	desk_user_new(&rq, "user", NULL);
	id = ticket_new(&rq, "Requester moves");
	set_status_sql(id, "resolved");
	cr_expect_eq(patch_status(&rq, id, "open"), 200);
	cr_expect_str_eq(status_of(id), "open");
	/* Not resolved any more: closing is not the requester's move. */
	cr_expect_eq(patch_status(&rq, id, "closed"), 409);
	cr_expect_str_eq(status_of(id), "open");
	set_status_sql(id, "resolved");
	cr_expect_eq(patch_status(&rq, id, "closed"), 200);
	cr_expect_str_eq(status_of(id), "closed");
	cr_expect_eq(patch_status(&rq, id, "open"), 409);

	id = ticket_new(&rq, "Requester moves 2");
	client_call("PATCH", desk_ticket_path(id, ""), rq.auth,
		"{\"status\":\"resolved\"}", &r);
	client_assert_problem(&r, 403, "forbidden");
	client_free(&r);
	desk_user_free(&rq);
}

Test(tickets, closed_ticket_is_immutable)
{
	struct desk_user rq, st, ag;
	struct client_resp r;
	char body[128];
	long id;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	desk_user_new(&ag, "support", NULL);
	id = ticket_new(&rq, "Closed one");
	set_status_sql(id, "closed");
	cr_expect_eq(patch_status(&st, id, "open"), 409);
	cr_expect_eq(client_status("PATCH", desk_ticket_path(id, ""), st.auth,
		"{\"priority\":\"urgent\"}"), 409);
	snprintf(body, sizeof(body), "{\"assignee\":\"%s\"}", ag.id);
	cr_expect_eq(client_status("PATCH", desk_ticket_path(id, ""), st.auth, body),
		409);
	client_call("POST", desk_ticket_path(id, "/messages"), st.auth,
		"{\"body\":\"Anything else?\"}", &r);
	client_assert_problem(&r, 409, "ticket_closed");
	client_free(&r);
	cr_expect_eq(client_status("POST", desk_ticket_path(id, "/messages"), st.auth,
		"{\"body\":\"note\",\"internal\":true}"), 409);
	cr_expect_eq(messages_of(id), 1);
	cr_expect_eq(client_sql_longf("SELECT priority = 'normal' AND assignee_id IS"
		" NULL FROM support_tickets WHERE id = %ld", id), 1);
	desk_user_free(&rq);
	desk_user_free(&st);
	desk_user_free(&ag);
}

Test(tickets, requester_reply_to_closed_ticket_makes_a_linked_follow_up)
{
	struct desk_user rq;
	struct client_resp r;
	struct json_object *o, *v;
	char *loc, want[128];
	long id, fu;

	desk_user_new(&rq, "user", NULL);
	id = ticket_new(&rq, "Follow me up");
	set_status_sql(id, "closed");
	client_call("POST", desk_ticket_path(id, "/messages"), rq.auth,
		"{\"body\":\"It broke again.\"}", &r);
	o = client_expect_json(&r, 201);
	cr_assert(json_object_object_get_ex(o, "ticket_id", &v));
	fu = json_object_get_int64(v);
	cr_expect_neq(fu, id);
	cr_assert(json_object_object_get_ex(o, "follow_up", &v));
	cr_expect(json_object_get_boolean(v));
	cr_expect_str_eq(client_json_str(o, "status"), "open");
	cr_expect_str_eq(client_json_str(o, "message.body"), "It broke again.");
	loc = client_header(&r, "Location");
	snprintf(want, sizeof(want), TICKETS "/%ld", fu);
	cr_expect(loc != NULL && strcmp(loc, want) == 0, "Location %s", loc);
	free(loc);
	json_object_put(o);
	client_free(&r);
	cr_expect_eq(client_sql_longf("SELECT follow_up_of FROM support_tickets"
		" WHERE id = %ld", fu), id);
	cr_expect_str_eq(status_of(id), "closed");
	cr_expect_eq(messages_of(id), 1);
	cr_expect_eq(messages_of(fu), 1);
	client_call("GET", desk_ticket_path(fu, ""), rq.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert(json_object_object_get_ex(o, "follow_up_of", &v));
	cr_expect_eq(json_object_get_int64(v), id);
	cr_expect_str_eq(client_json_str(o, "subject"), "Follow me up");
	json_object_put(o);
	client_free(&r);
	desk_user_free(&rq);
}

static const char *reply_status(const struct desk_user *p, long id,
	const char *extra)
{
	static char buf[64];
	struct client_resp r;
	struct json_object *o;
	char body[256];

	snprintf(body, sizeof(body), "{\"body\":\"A reply.\"%s}", extra);
	client_call("POST", desk_ticket_path(id, "/messages"), p->auth, body, &r);
	o = client_expect_json(&r, 201);
	snprintf(buf, sizeof(buf), "%s", client_json_str(o, "status"));
	json_object_put(o);
	client_free(&r);
	return buf;
}

Test(tickets, requester_reply_reopens_resolved_and_ends_waiting)
{
	struct desk_user rq;
	long id;

	desk_user_new(&rq, "user", NULL);
	id = ticket_new(&rq, "Reopen by reply");
	set_status_sql(id, "resolved");
	cr_expect_str_eq(reply_status(&rq, id, ""), "open");
	cr_expect_str_eq(status_of(id), "open");
	set_status_sql(id, "waiting_on_customer");
	cr_expect_str_eq(reply_status(&rq, id, ""), "in_progress");
	cr_expect_str_eq(status_of(id), "in_progress");
	cr_expect_str_eq(reply_status(&rq, id, ""), "in_progress");
	desk_user_free(&rq);
}

Test(tickets, staff_public_reply_takes_open_in_progress_and_a_note_does_not)
{
	struct desk_user rq, st;
	long id;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	id = ticket_new(&rq, "Pick me up");
	cr_expect_str_eq(reply_status(&st, id, ",\"internal\":true"), "open");
	cr_expect_str_eq(status_of(id), "open");
	cr_expect_str_eq(reply_status(&st, id, ""), "in_progress");
	cr_expect_str_eq(status_of(id), "in_progress");
	cr_expect_eq(client_sql_longf("SELECT first_replied_at IS NOT NULL FROM"
		" support_tickets WHERE id = %ld", id), 1);
	desk_user_free(&rq);
	desk_user_free(&st);
}

/* ----------------------------------------------------------- assignment */

Test(tickets, assignment_only_to_support_or_admin)
{
	struct desk_user rq, st, ag, ad, plain, dev;
	struct client_resp r;
	struct json_object *o;
	char body[128];
	long id;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	desk_user_new(&ag, "support", NULL);
	desk_user_new(&ad, "admin", NULL);
	desk_user_new(&plain, "user", NULL);
	desk_user_new(&dev, "developer", NULL);
	id = ticket_new(&rq, "Assign me");
	snprintf(body, sizeof(body), "{\"assignee\":\"%s\"}", ag.id);
	client_call("PATCH", desk_ticket_path(id, ""), st.auth, body, &r);
	o = client_expect_json(&r, 200);
	cr_expect_str_eq(client_json_str(o, "assignee.id"), ag.id);
	json_object_put(o);
	client_free(&r);
	snprintf(body, sizeof(body), "{\"assignee\":\"%s\"}", ad.id);
	cr_expect_eq(client_status("PATCH", desk_ticket_path(id, ""), st.auth, body),
		200);
	cr_expect_eq(client_sql_longf("SELECT COUNT(*) FROM support_tickets t JOIN"
		" users u ON u.id = t.assignee_id WHERE t.id = %ld AND"
		" u.public_id = '%s'", id, ad.id), 1);
	/* A plain user, a developer, nobody: 422 and the assignee stays. */
	snprintf(body, sizeof(body), "{\"assignee\":\"%s\"}", plain.id);
	client_call("PATCH", desk_ticket_path(id, ""), st.auth, body, &r);
	client_assert_field_error(&r, "assignee", "assignee_not_staff");
	client_free(&r);
	snprintf(body, sizeof(body), "{\"assignee\":\"%s\"}", dev.id);
	client_call("PATCH", desk_ticket_path(id, ""), st.auth, body, &r);
	client_assert_field_error(&r, "assignee", "assignee_not_staff");
	client_free(&r);
	client_call("PATCH", desk_ticket_path(id, ""), st.auth, "{\"assignee\":"
		"\"00000000-0000-4000-8000-000000000000\"}", &r);
	client_assert_field_error(&r, "assignee", "assignee_not_staff");
	client_free(&r);
	cr_expect_eq(client_sql_longf("SELECT COUNT(*) FROM support_tickets t JOIN"
		" users u ON u.id = t.assignee_id WHERE t.id = %ld AND"
		" u.public_id = '%s'", id, ad.id), 1);
	/* The queue of one agent, then unassigned. */
	client_call("GET", TICKETS "?assignee=me&limit=100", ad.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_expect_eq(json_object_array_length(json_object_object_get(o,
		"items")), 1);
	json_object_put(o);
	client_free(&r);
	cr_expect_eq(client_status("PATCH", desk_ticket_path(id, ""), st.auth,
		"{\"assignee\":null}"), 200);
	cr_expect_eq(client_sql_longf("SELECT assignee_id IS NULL FROM support_tickets"
		" WHERE id = %ld", id), 1);
	desk_user_free(&rq);
	desk_user_free(&st);
	desk_user_free(&ag);
	desk_user_free(&ad);
	desk_user_free(&plain);
	desk_user_free(&dev);
}

/* ------------------------------------------------------------ bad input */

static long tickets_of(const struct desk_user *p)
{
	return client_sql_longf("SELECT COUNT(*) FROM support_tickets t JOIN users u"
		" ON u.id = t.requester_id WHERE u.public_id = '%s'", p->id);
}

static void expect_create_refused(const struct desk_user *p, const char *json,
	const char *field, const char *code)
{
	struct client_resp r;

	client_call("POST", TICKETS, p->auth, json, &r);
	client_assert_field_error(&r, field, code);
	client_free(&r);
	cr_expect_eq(tickets_of(p), 0, "%s stored a ticket", json);
}

Test(tickets, bad_input_is_422_and_stores_nothing)
{
	struct desk_user rq, st;
	char *big, *json;
	struct client_resp r;
	long id;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	big = malloc(10002);
	memset(big, 'a', 10001);
	big[10001] = '\0';
	json = malloc(20400);
	snprintf(json, 20400, "{\"subject\":\"%.201s\",\"body\":\"x\","
		"\"category\":\"other\"}", big);
	expect_create_refused(&rq, json, "subject", "too_long");
	snprintf(json, 20400, "{\"subject\":\"s\",\"body\":\"%s\","
		"\"category\":\"other\"}", big);
	expect_create_refused(&rq, json, "body", "too_long");
	expect_create_refused(&rq, "{\"subject\":\"s\",\"body\":\"b\","
		"\"category\":\"sales\"}", "category", "invalid_value");
	expect_create_refused(&rq, "{\"subject\":\"s\",\"body\":\"b\","
		"\"category\":\"other\",\"priority\":\"critical\"}", "priority",
		"invalid_value");
	expect_create_refused(&rq, "{\"subject\":\"s\",\"body\":\"b\","
		"\"category\":\"other\",\"status\":\"resolved\"}", "status",
		"field_not_allowed");
	expect_create_refused(&rq, "{\"subject\":\"s\",\"body\":\"b\","
		"\"category\":\"other\",\"assignee\":null}", "assignee",
		"field_not_allowed");
	expect_create_refused(&rq, "{\"subject\":\"s\",\"body\":\"b\","
		"\"category\":\"other\",\"internal\":true}", "internal",
		"field_not_allowed");
	expect_create_refused(&rq, "{\"subject\":\"two\\nlines\",\"body\":"
		"\"b\",\"category\":\"other\"}", "subject", "invalid_format");
	/* Exactly the limits pass. */
	snprintf(json, 20400, "{\"subject\":\"%.200s\",\"body\":\"%.10000s\","
		"\"category\":\"other\",\"priority\":\"urgent\"}", big, big);
	client_call("POST", TICKETS, rq.auth, json, &r);
	json_object_put(client_expect_json(&r, 201));
	client_free(&r);
	cr_expect_eq(tickets_of(&rq), 1);
	id = client_sql_longf("SELECT t.id FROM support_tickets t JOIN users u ON"
		" u.id = t.requester_id WHERE u.public_id = '%s'", rq.id);

	/* Messages and PATCH. */
	snprintf(json, 20400, "{\"body\":\"%s\"}", big);
	client_call("POST", desk_ticket_path(id, "/messages"), rq.auth, json, &r);
	client_assert_field_error(&r, "body", "too_long");
	client_free(&r);
	client_call("POST", desk_ticket_path(id, "/messages"), rq.auth,
		"{\"body\":\"psst\",\"internal\":true}", &r);
	client_assert_field_error(&r, "internal", "field_not_allowed");
	client_free(&r);
	client_call("POST", desk_ticket_path(id, "/messages"), rq.auth,
		"{\"body\":\"   \"}", &r);
	client_assert_field_error(&r, "body", "too_short");
	client_free(&r);
	cr_expect_eq(messages_of(id), 1);
	client_call("PATCH", desk_ticket_path(id, ""), rq.auth,
		"{\"priority\":\"low\"}", &r);
	client_assert_field_error(&r, "priority", "field_not_allowed");
	client_free(&r);
	client_call("PATCH", desk_ticket_path(id, ""), rq.auth, "{\"assignee\":null}",
		&r);
	client_assert_field_error(&r, "assignee", "field_not_allowed");
	client_free(&r);
	client_call("PATCH", desk_ticket_path(id, ""), st.auth,
		"{\"status\":\"pending\"}", &r);
	client_assert_field_error(&r, "status", "invalid_value");
	client_free(&r);
	client_call("PATCH", desk_ticket_path(id, ""), st.auth,
		"{\"priority\":\"critical\"}", &r);
	client_assert_field_error(&r, "priority", "invalid_value");
	client_free(&r);
	cr_expect_eq(client_sql_longf("SELECT priority = 'urgent' AND status = 'open'"
		" FROM support_tickets WHERE id = %ld", id), 1);
	free(big);
	free(json);
	desk_user_free(&rq);
	desk_user_free(&st);
}

/* ------------------------------------------------------- others' tickets */

Test(tickets, requester_cannot_see_or_touch_others_tickets)
{
	struct desk_user rq, other;
	struct client_resp r;
	struct json_object *o, *items;
	long id;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&other, "user", NULL);
	id = ticket_new(&rq, "Mine only");
	client_call("GET", desk_ticket_path(id, ""), other.auth, NULL, &r);
	client_assert_problem(&r, 404, "not_found");
	client_free(&r);
	/* As a ticket that does not exist. */
	client_call("GET", desk_ticket_path(id + 1000000, ""), other.auth, NULL, &r);
	client_assert_problem(&r, 404, "not_found");
	client_free(&r);
	set_status_sql(id, "resolved");
	cr_expect_eq(patch_status(&other, id, "closed"), 404);
	cr_expect_eq(client_status("POST", desk_ticket_path(id, "/messages"),
		other.auth, "{\"body\":\"hi\"}"), 404);
	cr_expect_str_eq(status_of(id), "resolved");
	cr_expect_eq(messages_of(id), 1);
	client_call("GET", TICKETS "?limit=100", other.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	items = json_object_object_get(o, "items");
	cr_expect_eq(json_object_array_length(items), 0);
	json_object_put(o);
	client_free(&r);
	client_call("GET", TICKETS "?limit=100", rq.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	items = json_object_object_get(o, "items");
	cr_expect_eq(json_object_array_length(items), 1);
	cr_expect_null(json_object_object_get(json_object_array_get_idx(items,
		0), "next_breach_at"));
	json_object_put(o);
	client_free(&r);
	cr_expect_eq(client_status("GET", TICKETS, NULL, NULL), 401);
	desk_user_free(&rq);
	desk_user_free(&other);
}

/* ----------------------------------------------------------------- queue */

Test(tickets, staff_queue_sorts_by_time_until_breach_nulls_last)
{
	struct desk_user rq, st;
	long a, b, c, pa = -1, pb = -1, pc = -1, pos = 0, last_null = 0;
	char url[512];
	const char *cursor = NULL;
	char *cur = NULL;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	a = ticket_new(&rq, "Breach A");
	b = ticket_new(&rq, "Breach B");
	c = ticket_new(&rq, "Breach C");
	free(client_sqlf("UPDATE support_tickets SET next_breach_at ="
		" '2000-01-02 00:00:00' WHERE id = %ld", a));
	free(client_sqlf("UPDATE support_tickets SET next_breach_at ="
		" '2000-01-01 00:00:00' WHERE id = %ld", b));
	free(client_sqlf("UPDATE support_tickets SET next_breach_at = NULL"
		" WHERE id = %ld", c));
	/* Pages of 2 through the whole queue: the cursor carries the order. */
	for (int page = 0; page < 10000; page++) {
		struct client_resp r;
		struct json_object *o, *items, *nc;

		snprintf(url, sizeof(url), TICKETS "?sort=breach&limit=2%s%s",
			cursor != NULL ? "&cursor=" : "",
			cursor != NULL ? cursor : "");
		client_call("GET", url, st.auth, NULL, &r);
		o = client_expect_json(&r, 200);
		items = json_object_object_get(o, "items");
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			struct json_object *it = json_object_array_get_idx(items,
				i), *v;
			long id = json_object_get_int64(json_object_object_get(it,
				"id"));

			cr_assert(json_object_object_get_ex(it, "next_breach_at",
				&v), "staff see next_breach_at");
			if (v == NULL)
				last_null = 1;
			else
				cr_expect_not(last_null, "a dated ticket after"
					" an undated one");
			cr_expect_null(json_object_object_get(it, "messages"));
			if (id == a) pa = pos;
			if (id == b) pb = pos;
			if (id == c) pc = pos;
			pos++;
		}
		nc = json_object_object_get(o, "next_cursor");
		free(cur);
		cur = nc != NULL ? strdup(json_object_get_string(nc)) : NULL;
		cursor = cur;
		json_object_put(o);
		client_free(&r);
		if (cursor == NULL)
			break;
	}
	cr_expect(pb >= 0 && pa >= 0 && pc >= 0, "not all listed");
	cr_expect_lt(pb, pa);
	cr_expect_lt(pa, pc);
	/* The requester sees their own, without breach times or sort. */
	cr_expect_eq(client_status("GET", TICKETS "?sort=breach", rq.auth,
		NULL), 422);
	free(cur);
	desk_user_free(&rq);
	desk_user_free(&st);
}

/* The list's items are written as text (api/tickets.c tt_ticket, for
 * speed): each must be the ticket's own answer without its messages,
 * for staff and for the requester, escapes included. */
static void expect_items_match_tickets(const struct desk_user *p, long id,
	int staff)
{
	struct client_resp r, g;
	struct json_object *o, *items, *one, *it = NULL;

	client_call("GET", TICKETS "?sort=created&limit=100", p->auth, NULL,
		&r);
	o = client_expect_json(&r, 200);
	cr_assert(json_object_object_get_ex(o, "items", &items));
	cr_assert(json_object_object_get_ex(o, "next_cursor", NULL));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *x = json_object_array_get_idx(items, i);

		if (json_object_get_int64(json_object_object_get(x, "id")) == id)
			it = x;
	}
	cr_assert_not_null(it, "ticket %ld not listed", id);
	client_call("GET", desk_ticket_path(id, ""), p->auth, NULL, &g);
	one = client_expect_json(&g, 200);
	json_object_object_del(one, "messages");
	cr_expect(json_object_equal(it, one), "list item %s\nticket %s",
		json_object_to_json_string(it), json_object_to_json_string(one));
	cr_expect_eq(json_object_object_get_ex(it, "next_breach_at", NULL),
		staff);
	json_object_put(one);
	json_object_put(o);
	client_free(&g);
	client_free(&r);
}

Test(tickets, list_items_are_the_ticket_without_messages)
{
	struct desk_user rq, st;
	long id;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	/* Quotes, a backslash, a slash and UTF-8 in the subject. */
	id = ticket_new(&rq, "Say \\\"hi\\\" to C:\\\\dir/x \xc3\xbc \xe6\x97\xa5");
	cr_assert_eq(client_status("PATCH", desk_ticket_path(id, ""), st.auth,
		"{\"priority\":\"high\"}"), 200);
	expect_items_match_tickets(&rq, id, 0);
	expect_items_match_tickets(&st, id, 1);
	desk_user_free(&rq);
	desk_user_free(&st);
}

/* The queues read about one page of rows however many tickets are
 * closed: a status and the sort walk the (status, key, id) index from
 * the cursor on. They used to filter with "? IS NULL OR t.status = ?"
 * and sort on an expression of next_breach_at, so every page read (and
 * sorted) the table. */
#define QUEUE_CLOSED 3000
#define QUEUE_LIMIT 20
#define QUEUE_PAGES 5

static const char *queue_auth;

static void queue_pages(void *ctx, int trial)
{
	static const char *const lists[QUEUE_PAGES] = {
		"?status=open&sort=breach",
		"?status=closed&sort=breach",
		"?status=open&sort=created",
		"?sort=updated",
		"?sort=breach",
	};
	char url[256];

	(void)ctx;
	for (int i = 0; i < QUEUE_PAGES; i++) {
		snprintf(url, sizeof(url), TICKETS "%s&limit=%d&nc=%d-%d",
			lists[i], QUEUE_LIMIT, trial, i);
		cr_assert_eq(client_status("GET", url, queue_auth, NULL), 200,
			"%s", url);
	}
}

Test(tickets, staff_queue_reads_a_page_not_every_closed_ticket)
{
	struct desk_user rq, st;
	long closed, read;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	ticket_new(&rq, "Queue bound");
	closed = client_sql_longf("SELECT COUNT(*) FROM support_tickets"
		" WHERE status = 'closed'");
	if (closed < QUEUE_CLOSED)
		free(client_sqlf("INSERT INTO support_tickets (requester_id, subject,"
			" category, status, created_at, updated_at, closed_at)"
			" SELECT u.id, CONCAT('Closed ', s.seq), 'other', 'closed',"
			" UTC_TIMESTAMP(6) - INTERVAL s.seq MINUTE,"
			" UTC_TIMESTAMP(6) - INTERVAL s.seq MINUTE,"
			" UTC_TIMESTAMP(6) - INTERVAL s.seq MINUTE"
			" FROM users u JOIN seq_1_to_%ld s WHERE u.public_id = '%s'",
			QUEUE_CLOSED - closed, rq.id));
	cr_assert_geq(client_sql_longf("SELECT COUNT(*) FROM support_tickets"
		" WHERE status = 'closed'"), QUEUE_CLOSED);
	queue_auth = st.auth;
	read = client_rows_read_least(queue_pages, NULL, 3);
	/* About limit + 1 index entries a page (the joins are key reads);
	 * reading the table is over QUEUE_CLOSED a page. */
	cr_assert_lt(read, QUEUE_PAGES * QUEUE_LIMIT * 4, "%ld rows read for"
		" %d pages of %d among %ld closed tickets", read, QUEUE_PAGES,
		QUEUE_LIMIT, (long)QUEUE_CLOSED);
	desk_user_free(&rq);
	desk_user_free(&st);
}

/* ---------------------------------------------------- internal notes, mail */

static void mail_send(void)
{
	char *out;

	client_ctl_run(0, &out, "mail-send --once --limit 10000");
	free(out);
}

/* Every mail in the maildir to `to`: how many, and how many hold s. */
struct mails_with {
	const char *s;
	int n;
};

static void count_with(char **text, const char *name, void *ctx)
{
	struct mails_with *w = ctx;

	(void)name;
	if (strstr(*text, w->s) != NULL)
		w->n++;
}

static int mails_to(const char *to, const char *s, int *with)
{
	struct mails_with w = { .s = s };
	int n = client_maildir_each(to, count_with, &w);

	*with = w.n;
	return n;
}

static const char *expected_reply_to(long id)
{
	static char addr[256];
	char key[512], *base = client_config("support_reply_address",
		"support@devforge.dev");
	size_t klen = client_jwt_secret(key, sizeof(key));

	cr_assert_eq(mactoken_reply_address(key, klen, base, id, addr,
		sizeof(addr)), 0);
	free(base);
	return addr;
}

Test(tickets, internal_notes_never_reach_the_requester_by_any_route_or_mail)
{
	struct desk_user rq, st;
	struct client_resp r;
	struct json_object *o;
	char note[128], body[256], subj[128], *mail, hdr[300];
	long id, updated;
	int with, n;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	snprintf(note, sizeof(note), "SECRET-%s", client_unique("note"));
	id = ticket_new(&rq, "Note isolation");
	updated = client_sql_longf("SELECT UNIX_TIMESTAMP(updated_at) FROM"
		" support_tickets WHERE id = %ld", id);
	snprintf(body, sizeof(body), "{\"body\":\"%s\",\"internal\":true}",
		note);
	client_call("POST", desk_ticket_path(id, "/messages"), st.auth, body, &r);
	o = client_expect_json(&r, 201);
	cr_expect_str_eq(client_json_str(o, "message.body"), note);
	json_object_put(o);
	client_free(&r);
	cr_expect_eq(client_sql_longf("SELECT UNIX_TIMESTAMP(updated_at) FROM"
		" support_tickets WHERE id = %ld", id), updated,
		"a note moved updated_at");

	/* Staff see it. */
	client_call("GET", desk_ticket_path(id, ""), st.auth, NULL, &r);
	cr_expect_eq(r.status, 200);
	cr_expect_not_null(strstr(r.body, note));
	client_free(&r);

	/* The requester: GET one, the list, a reply's answer, a PATCH's
	 * answer. */
	client_call("GET", desk_ticket_path(id, ""), rq.auth, NULL, &r);
	cr_expect_eq(r.status, 200);
	cr_expect_null(strstr(r.body, note), "GET one: %s", r.body);
	cr_expect_null(strstr(r.body, "\"internal\":true"), "%s", r.body);
	cr_expect_null(strstr(r.body, "next_breach_at"), "%s", r.body);
	client_free(&r);
	client_call("GET", TICKETS "?limit=100", rq.auth, NULL, &r);
	cr_expect_eq(r.status, 200);
	cr_expect_null(strstr(r.body, note), "list: %s", r.body);
	client_free(&r);
	client_call("POST", desk_ticket_path(id, "/messages"), rq.auth,
		"{\"body\":\"Any news?\"}", &r);
	cr_expect_eq(r.status, 201);
	cr_expect_null(strstr(r.body, note), "reply: %s", r.body);
	client_free(&r);
	set_status_sql(id, "resolved");
	client_call("PATCH", desk_ticket_path(id, ""), rq.auth, "{\"status\":\"open\"}",
		&r);
	cr_expect_eq(r.status, 200);
	cr_expect_null(strstr(r.body, note), "PATCH: %s", r.body);
	client_free(&r);

	/* Mail: a staff public reply and a staff status change mail the
	 * requester, with the ticket's signed Reply-To; the note never. */
	cr_expect_eq(client_status("POST", desk_ticket_path(id, "/messages"), st.auth,
		"{\"body\":\"Public answer.\"}"), 201);
	cr_expect_eq(patch_status(&st, id, "waiting_on_customer"), 200);
	mail_send();
	n = mails_to(rq.email, note, &with);
	cr_expect_eq(n, 2, "mails to the requester: %d", n);
	cr_expect_eq(with, 0, "the note was mailed");
	snprintf(subj, sizeof(subj), "[Ticket #%ld] Re: Note isolation", id);
	cr_assert_eq(client_maildir_find(rq.email, subj, &mail), 1);
	cr_expect_not_null(strstr(mail, "Public answer."), "%s", mail);
	snprintf(hdr, sizeof(hdr), "\nReply-To: %s\n", expected_reply_to(id));
	cr_expect_not_null(strstr(mail, hdr), "want %s in\n%s", hdr, mail);
	/* The way to answer is the reply address; no web link (nothing
	 * here serves a ticket page: that is the client's). */
	cr_expect_not_null(strstr(mail, "replying to this e-mail"), "%s", mail);
	cr_expect_null(strstr(mail, "/support/tickets/"), "%s", mail);
	free(mail);
	snprintf(subj, sizeof(subj), "[Ticket #%ld] Note isolation", id);
	cr_assert_eq(client_maildir_find(rq.email, subj, &mail), 1);
	cr_expect_not_null(strstr(mail, "waiting for your reply"), "%s", mail);
	cr_expect_not_null(strstr(mail, hdr), "%s", mail);
	cr_expect_null(strstr(mail, "/support/tickets/"), "%s", mail);
	free(mail);
	/* Nothing is mailed to staff or for the note. */
	cr_expect_eq(mails_to(st.email, note, &with), 0);
	desk_user_free(&rq);
	desk_user_free(&st);
}

/* ------------------------------------------------ the staff queues' cache */

static double cache_hits(void)
{
	return client_metric_now("devforge_cache_hits_total", NULL);
}

/* The list at url as p reads it: 1 when ticket id is on it. Every item
 * must be visible to p: staff see next_breach_at, a requester only their
 * own tickets and never next_breach_at. */
static int listed(const struct desk_user *p, const char *url, long id,
	int staff)
{
	struct client_resp r;
	struct json_object *o, *items;
	int found = 0;

	client_call("GET", url, p->auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert(json_object_object_get_ex(o, "items", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		struct json_object *rq = json_object_object_get(it,
			"requester");

		if (json_object_get_int64(json_object_object_get(it, "id")) == id)
			found = 1;
		cr_expect_eq(json_object_object_get_ex(it, "next_breach_at",
			NULL), staff, "%s: %s", url,
			json_object_to_json_string(it));
		if (!staff)
			cr_expect_str_eq(client_json_str(rq, "id"), p->id,
				"%s: someone else's ticket", url);
	}
	json_object_put(o);
	client_free(&r);
	return found;
}

/* Asks url twice as staff, so the second answer comes from the cache;
 * whether ticket id was on it. */
static int warm(const struct desk_user *st, const char *url, long id)
{
	int first = listed(st, url, id, 1);

	cr_assert_eq(listed(st, url, id, 1), first);
	return first;
}

static const char *fresh_url(const char *query)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), TICKETS "?%s&nc=%s", query,
		client_unique("q"));
	return buf[i];
}

Test(tickets, staff_list_comes_from_the_cache_the_second_time)
{
	struct desk_user rq, other, st;
	const char *url;
	long id;
	double h0, h1;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&other, "user", NULL);
	desk_user_new(&st, "support", NULL);
	id = ticket_new(&rq, "Cached queue");
	ticket_new(&other, "Not yours");
	url = fresh_url("sort=created&limit=20");
	h0 = cache_hits();
	cr_assert(listed(&st, url, id, 1));
	h1 = cache_hits();
	cr_assert(listed(&st, url, id, 1));
	cr_expect_eq(h1 - h0, 0, "the first answer is the handler's");
	cr_expect_geq(cache_hits() - h1, 1, "the second answer is the"
		" cache's");
	/* The same URL for requesters: their own tickets, as requesters
	 * see them, never the staff answer nor each other's. */
	cr_expect(listed(&rq, url, id, 0));
	cr_expect(listed(&rq, url, id, 0));
	cr_expect_not(listed(&other, url, id, 0));
	desk_user_free(&rq);
	desk_user_free(&other);
	desk_user_free(&st);
}

Test(tickets, assignee_me_lists_are_never_shared_between_agents)
{
	struct desk_user rq, a, b;
	char body[128];
	long ta, tb;
	const char *url = fresh_url("assignee=me&sort=created&limit=100");

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&a, "support", NULL);
	desk_user_new(&b, "support", NULL);
	ta = ticket_new(&rq, "For agent A");
	tb = ticket_new(&rq, "For agent B");
	snprintf(body, sizeof(body), "{\"assignee\":\"%s\"}", a.id);
	cr_assert_eq(client_status("PATCH", desk_ticket_path(ta, ""), a.auth, body), 200);
	snprintf(body, sizeof(body), "{\"assignee\":\"%s\"}", b.id);
	cr_assert_eq(client_status("PATCH", desk_ticket_path(tb, ""), a.auth, body), 200);
	cr_assert(warm(&a, url, ta));
	cr_expect_not(listed(&a, url, tb, 1));
	cr_expect(listed(&b, url, tb, 1), "agent B's own list");
	cr_expect_not(listed(&b, url, ta, 1), "agent A's list went to B");
	desk_user_free(&rq);
	desk_user_free(&a);
	desk_user_free(&b);
}

/* A mail from the requester answering ticket id. */
static void mail_reply_from(const struct desk_user *rq, long id)
{
	char path[256], cmd[1024], *out = NULL;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/tk-mail-%d-%s.eml",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid(),
		client_unique("m"));
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	fprintf(f, "From: Requester <%s>\r\nTo: <%s>\r\n"
		"Subject: Re: [Ticket #%ld] Cache\r\n"
		"Message-ID: <%s@client.example>\r\n"
		"Date: Sun, 06 Dec 2026 10:00:00 +0000\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"
		"Here are the logs you asked for.\r\n", rq->email,
		expected_reply_to(id), id, client_unique("mid"));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' mail-receive < '%s'",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), path);
	rc = client_run(cmd, &out);
	unlink(path);
	cr_assert_eq(rc, 0, "mail-receive: %s", out ? out : "");
	free(out);
}

static long macro_new(const struct desk_user *st, const char *status)
{
	struct client_resp r;
	struct json_object *o;
	char json[256];
	long id;

	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"body\":\"Could you"
		" send the logs, {{requester_name}}?\",\"set_status\":\"%s\"}",
		client_unique("Ask for logs"), status);
	client_call("POST", "/api/v1/support/macros", st->auth, json, &r);
	o = client_expect_json(&r, 201);
	id = json_object_get_int64(json_object_object_get(o, "id"));
	json_object_put(o);
	client_free(&r);
	return id;
}

/* Every kind of ticket write bumps the tickets generation after its
 * commit (store/tickets.h), so a cached staff list never shows the
 * ticket as it was: the web routes, a macro, a mail placed by
 * devforgectl mail-receive and the auto-close job. */
Test(tickets, staff_list_shows_every_kind_of_write_at_once, .timeout = 120)
{
	struct desk_user rq, st;
	const char *url;
	char path[64], *out = NULL, cmd[1024], q[256], assign[128];
	long id, mid;

	desk_user_new(&rq, "user", NULL);
	desk_user_new(&st, "support", NULL);
	/* Create. */
	url = fresh_url("sort=created&limit=5");
	warm(&st, url, 0);
	id = ticket_new(&rq, "Cache and writes");
	cr_expect(listed(&st, url, id, 1), "after create");
	/* From here each list asks for this agent's tickets only: other
	 * programs' jobs run with a moved clock leave tickets updated "in
	 * the future" on a shared stack, which would sort first. */
	snprintf(assign, sizeof(assign), "{\"assignee\":\"%s\"}", st.id);
	cr_assert_eq(client_status("PATCH", desk_ticket_path(id, ""), st.auth,
		assign), 200);
	/* PATCH. */
	snprintf(q, sizeof(q), "assignee=%s&priority=urgent&sort=created&limit=5",
		st.id);
	url = fresh_url(q);
	cr_assert_not(warm(&st, url, id));
	cr_assert_eq(client_status("PATCH", desk_ticket_path(id, ""), st.auth,
		"{\"priority\":\"urgent\"}"), 200);
	cr_expect(listed(&st, url, id, 1), "after PATCH");
	/* A staff reply: open -> in_progress. */
	snprintf(q, sizeof(q), "assignee=%s&status=in_progress&sort=updated&limit=5",
		st.id);
	url = fresh_url(q);
	cr_assert_not(warm(&st, url, id));
	cr_assert_eq(client_status("POST", desk_ticket_path(id, "/messages"), st.auth,
		"{\"body\":\"Looking into it.\"}"), 201);
	cr_expect(listed(&st, url, id, 1), "after a reply");
	/* A macro: -> waiting_on_customer. */
	mid = macro_new(&st, "waiting_on_customer");
	snprintf(q, sizeof(q), "assignee=%s&status=waiting_on_customer&sort=updated&limit=5",
		st.id);
	url = fresh_url(q);
	cr_assert_not(warm(&st, url, id));
	snprintf(path, sizeof(path), "/macros/%ld", mid);
	cr_assert_eq(client_status("POST", desk_ticket_path(id, path), st.auth, NULL),
		200);
	cr_expect(listed(&st, url, id, 1), "after a macro");
	/* The requester's mail: waiting_on_customer -> in_progress. */
	snprintf(q, sizeof(q), "assignee=%s&status=in_progress&sort=updated&limit=5",
		st.id);
	url = fresh_url(q);
	cr_assert_not(warm(&st, url, id));
	mail_reply_from(&rq, id);
	cr_assert_str_eq(status_of(id), "in_progress");
	cr_expect(listed(&st, url, id, 1), "after mail-receive");
	/* Resolved long ago, then the auto-close job. */
	cr_assert_eq(patch_status(&st, id, "resolved"), 200);
	free(client_sqlf("UPDATE support_tickets SET resolved_at = UTC_TIMESTAMP(6)"
		" - INTERVAL 40 DAY WHERE id = %ld", id));
	snprintf(q, sizeof(q), "assignee=%s&status=closed&sort=updated&limit=5",
		st.id);
	url = fresh_url(q);
	/* (The stack's own jobs loop may close it first: then it is
	 * listed already.) */
	warm(&st, url, id);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' jobs run --once --only"
		" tickets-autoclose", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out ? out : "");
	free(out);
	cr_assert_str_eq(status_of(id), "closed");
	cr_expect(listed(&st, url, id, 1), "after the auto-close job");
	desk_user_free(&rq);
	desk_user_free(&st);
}
