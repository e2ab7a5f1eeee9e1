/* The support agent's view of the mail dead letters, through the front
 * server: messages piped into `devforgectl mail-receive` that it could not
 * place (another sender, no ticket token) are listed newest first without
 * their bytes, read with their parsed text, downloaded whole as
 * message/rfc822, attached to a ticket (as the requester's reply when the
 * sender is the ticket's requester, else as an internal note the requester
 * never sees) once, or dismissed; staff only; bad input changes nothing. */
#define _GNU_SOURCE /* strcasestr */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "client.h"
#include "desk_kit.h"

#define TICKETS "/api/v1/support/tickets"
#define DEAD "/api/v1/admin/support/dead-letters"

TestSuite(dead_letters);

static long json_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(o, k, &v), "no %s", k);
	return (long)json_object_get_int64(v);
}

/* Pipes raw into devforgectl mail-receive and returns the id of the dead
 * letter it made (the test fails when it placed the message). */
static long dead_letter(const char *raw, const char *mid, const char *reason)
{
	char path[256], cmd[1024], *out, *got;
	FILE *f;
	long id;

	snprintf(path, sizeof(path), "%s/mail-%d-%s.eml",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid(), client_unique("m"));
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(raw, 1, strlen(raw), f), strlen(raw));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' mail-receive < '%s'",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), path);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	unlink(path);
	cr_assert(strstr(out, "dead letter") != NULL, "%s", out);
	free(out);
	got = client_sqlf("SELECT reason FROM support_mail_dead_letters"
		" WHERE message_id = '%s'", mid);
	cr_assert_not_null(got);
	cr_assert_str_eq(got, reason);
	free(got);
	{
		char q[512];

		snprintf(q, sizeof(q), "SELECT id FROM support_mail_dead_letters"
			" WHERE message_id = '%s'", mid);
		id = client_sql_long(q);
	}
	cr_assert(id > 0);
	return id;
}

/* A reply to ticket `id` of p by somebody else: sender_mismatch. */
static long from_stranger(long id, char **raw)
{
	char addr[256], mid[160];

	desk_reply_address(id, addr, sizeof(addr));
	*raw = desk_mail_fixture("other_sender.eml", addr, NULL, "dl", mid,
		sizeof(mid));
	return dead_letter(*raw, mid, "sender_mismatch");
}

/* p's Gmail reply sent to the bare support address: no_token. */
static long from_requester_no_token(const struct desk_user *p, char **raw)
{
	char mid[160];

	*raw = desk_mail_fixture("gmail_reply.eml", "support@devforge.dev",
		p->email, "dl", mid, sizeof(mid));
	return dead_letter(*raw, mid, "no_token");
}

static const char gmail_text[] =
	"Hi,\n\nThanks \xE2\x80\x94 the licence key works now on my laptop, "
	"but the desktop still says \"machine limit reached\" when I start "
	"the extension after the update to 2.4.1. Could you reset the "
	"activations?\n\nBest,\nJane";

static struct json_object *get_json(const char *path, const char *auth,
	long status)
{
	struct client_resp r;
	struct json_object *o;

	client_call("GET", path, auth, NULL, &r);
	o = client_expect_json(&r, status);
	client_free(&r);
	return o;
}

/* Whether the list at path holds the dead letter id. */
static int listed(const char *path, const char *auth, long id)
{
	struct json_object *o = get_json(path, auth, 200), *items;
	int found = 0;

	cr_assert(json_object_object_get_ex(o, "items", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++)
		if (json_int(json_object_array_get_idx(items, i), "id") == id)
			found = 1;
	json_object_put(o);
	return found;
}

static long attach(const struct desk_user *staff, long dl, const char *body)
{
	char path[128];

	snprintf(path, sizeof(path), DEAD "/%ld/attach", dl);
	return client_status("POST", path, staff->auth, body);
}

static long open_count(long dl)
{
	char q[256];

	snprintf(q, sizeof(q), "SELECT COUNT(*) FROM support_mail_dead_letters"
		" WHERE id = %ld AND resolved_at IS NULL", dl);
	return client_sql_long(q);
}

Test(dead_letters, staff_list_read_and_download_the_raw_message)
{
	struct desk_user req, staff;
	struct client_resp r;
	struct json_object *o, *items, *it, *v;
	char path[160], *raw, *h;
	long t, dl, newer;
	int seen = 0;

	desk_user_new(&req, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	t = desk_ticket_post(&req);
	dl = from_stranger(t, &raw);

	/* Newest first, without the bytes; filtered by reason. */
	o = get_json(DEAD "?reason=sender_mismatch&limit=100", staff.auth, 200);
	cr_assert(json_object_object_get_ex(o, "items", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		cr_assert_str_eq(client_json_str(it, "reason"), "sender_mismatch");
		cr_assert(!json_object_object_get_ex(it, "raw", NULL));
		cr_assert(!json_object_object_get_ex(it, "text", NULL));
		if (i > 0)
			cr_assert_lt(json_int(it, "id"), json_int(
				json_object_array_get_idx(items, i - 1), "id"));
		if (json_int(it, "id") != dl)
			continue;
		seen = 1;
		cr_assert_str_eq(client_json_str(it, "from"), "mallory@example.net");
		cr_assert_eq(json_int(it, "ticket_id"), t);
		cr_assert_not_null(client_json_str(it, "received_at"));
		cr_assert_not_null(client_json_str(it, "message_id"));
		cr_assert_not_null(strstr(client_json_str(it, "subject"),
			"Licence not accepted"));
		cr_assert_not_null(strstr(client_json_str(it, "to"), "support+t"));
	}
	cr_assert(seen, "dead letter %ld not listed", dl);
	json_object_put(o);
	cr_assert(!listed(DEAD "?reason=no_token&limit=100", staff.auth, dl));

	/* Pages: the next holds older ones only. */
	{
		char *raw2;

		newer = from_stranger(t, &raw2);
		free(raw2);
	}
	o = get_json(DEAD "?reason=sender_mismatch&limit=1", staff.auth, 200);
	cr_assert(json_object_object_get_ex(o, "items", &items));
	cr_assert_eq(json_int(json_object_array_get_idx(items, 0), "id"), newer);
	snprintf(path, sizeof(path), DEAD "?reason=sender_mismatch&limit=1"
		"&cursor=%s", client_json_str(o, "next_cursor"));
	json_object_put(o);
	o = get_json(path, staff.auth, 200);
	cr_assert(json_object_object_get_ex(o, "items", &items));
	cr_assert_eq(json_int(json_object_array_get_idx(items, 0), "id"), dl);
	json_object_put(o);

	/* One: the parsed text and the size of the raw message. */
	snprintf(path, sizeof(path), DEAD "/%ld", dl);
	o = get_json(path, staff.auth, 200);
	cr_assert_eq(json_int(o, "id"), dl);
	cr_assert_str_eq(client_json_str(o, "text"),
		"I am not the requester but I reply anyway.");
	cr_assert_eq(json_int(o, "raw_size"), (long)strlen(raw));
	cr_assert(!json_object_object_get_ex(o, "raw", NULL));
	cr_assert(json_object_object_get_ex(o, "resolved_at", &v));
	cr_assert(json_object_is_type(v, json_type_null));
	json_object_put(o);

	/* The message as received, to open in a mail client. */
	snprintf(path, sizeof(path), DEAD "/%ld/raw", dl);
	client_call("GET", path, staff.auth, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	h = client_header(&r, "Content-Type");
	cr_assert_not_null(h);
	cr_assert(strncmp(h, "message/rfc822", 14) == 0, "%s", h);
	free(h);
	h = client_header(&r, "Content-Disposition");
	cr_assert_not_null(h);
	cr_assert(strncmp(h, "attachment", 10) == 0, "%s", h);
	cr_assert_not_null(strstr(h, ".eml"), "%s", h);
	free(h);
	cr_assert_eq(r.body_len, strlen(raw));
	cr_assert(memcmp(r.body, raw, r.body_len) == 0);
	client_free(&r);
	free(raw);
	free(req.auth);
	free(staff.auth);
}

Test(dead_letters, only_staff_may_see_or_handle_them)
{
	struct desk_user req, user, admin;
	char path[160], *raw;
	long t, dl;
	const char *routes[][2] = {
		{ "GET", "" }, { "GET", "/" }, { "GET", "/raw" },
		{ "POST", "/attach" }, { "DELETE", "/" },
	};

	desk_user_new(&req, "user", NULL);
	desk_user_new(&user, "user", NULL);
	desk_user_new(&admin, "admin", NULL);
	t = desk_ticket_post(&req);
	dl = from_stranger(t, &raw);
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *body = strcmp(routes[i][0], "POST") == 0 ?
			"{\"ticket_id\":1}" : NULL;

		if (routes[i][1][0] == '\0')
			snprintf(path, sizeof(path), DEAD);
		else if (routes[i][1][1] == '\0')
			snprintf(path, sizeof(path), DEAD "/%ld", dl);
		else
			snprintf(path, sizeof(path), DEAD "/%ld%s", dl, routes[i][1]);
		cr_assert_eq(client_status(routes[i][0], path, NULL, body), 401,
			"%s %s", routes[i][0], path);
		cr_assert_eq(client_status(routes[i][0], path, user.auth, body),
			403, "%s %s", routes[i][0], path);
		cr_assert_eq(client_status(routes[i][0], path, req.auth, body),
			403, "%s %s", routes[i][0], path);
	}
	/* Admins are staff too. */
	snprintf(path, sizeof(path), DEAD "/%ld", dl);
	cr_assert_eq(client_status("GET", path, admin.auth, NULL), 200);
	cr_assert_eq(open_count(dl), 1);
	cr_assert_eq(desk_message_count(&req, t), 1);
	free(raw);
	free(req.auth);
	free(user.auth);
	free(admin.auth);
}

Test(dead_letters, attach_from_the_requester_adds_their_reply_once)
{
	struct desk_user req, staff;
	struct json_object *o, *msgs, *m, *v;
	char body[64], path[128], sub[32], *raw;
	long t, dl;

	desk_user_new(&req, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	t = desk_ticket_post(&req);
	dl = from_requester_no_token(&req, &raw);
	snprintf(body, sizeof(body), "{\"ticket_id\":%ld}", t);
	cr_assert_eq(attach(&staff, dl, body), 200);

	/* The requester's own reply, as if the mail had found its ticket. */
	o = desk_ticket_json(&req, t);
	cr_assert(json_object_object_get_ex(o, "messages", &msgs));
	cr_assert_eq(json_object_array_length(msgs), 2);
	m = json_object_array_get_idx(msgs, 1);
	cr_assert_str_eq(client_json_str(m, "author.id"), req.id);
	cr_assert_str_eq(client_json_str(m, "via"), "email");
	cr_assert(json_object_object_get_ex(m, "internal", &v));
	cr_assert(!json_object_get_boolean(v));
	cr_assert_str_eq(client_json_str(m, "body"), gmail_text);
	json_object_put(o);

	/* Resolved, by whom and how; out of the open list. */
	snprintf(path, sizeof(path), DEAD "/%ld", dl);
	o = get_json(path, staff.auth, 200);
	cr_assert_str_eq(client_json_str(o, "resolution"), "attached");
	cr_assert_str_eq(client_json_str(o, "resolved_by.id"), staff.id);
	cr_assert_not_null(client_json_str(o, "resolved_at"));
	cr_assert_eq(json_int(o, "attached_ticket_id"), t);
	json_object_put(o);
	cr_assert(!listed(DEAD "?limit=100", staff.auth, dl));
	snprintf(sub, sizeof(sub), "%ld", dl);
	cr_assert_eq(client_audit_count("support.dead_letter_attached", sub), 1);

	/* Once only. */
	cr_assert_eq(attach(&staff, dl, body), 409);
	cr_assert_eq(desk_message_count(&req, t), 2);
	free(raw);
	free(req.auth);
	free(staff.auth);
}

Test(dead_letters, attach_from_another_sender_is_an_internal_note)
{
	struct desk_user req, staff;
	struct json_object *o, *msgs, *m, *v;
	char body[64], *raw;
	const char *text;
	long t, dl;

	desk_user_new(&req, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	t = desk_ticket_post(&req);
	dl = from_stranger(t, &raw);
	snprintf(body, sizeof(body), "{\"ticket_id\":%ld}", t);
	cr_assert_eq(attach(&staff, dl, body), 200);

	/* Staff see one internal note by the agent quoting the sender. */
	o = desk_ticket_json(&staff, t);
	cr_assert(json_object_object_get_ex(o, "messages", &msgs));
	cr_assert_eq(json_object_array_length(msgs), 2);
	m = json_object_array_get_idx(msgs, 1);
	cr_assert(json_object_object_get_ex(m, "internal", &v));
	cr_assert(json_object_get_boolean(v));
	cr_assert_str_eq(client_json_str(m, "author.id"), staff.id);
	text = client_json_str(m, "body");
	cr_assert_not_null(strstr(text, "mallory@example.net"), "%s", text);
	cr_assert_not_null(strstr(text,
		"> I am not the requester but I reply anyway."), "%s", text);
	json_object_put(o);

	/* The requester sees nothing of it. */
	cr_assert_eq(desk_message_count(&req, t), 1);
	cr_assert_eq(open_count(dl), 0);
	cr_assert_eq(attach(&staff, dl, body), 409);
	cr_assert_eq(desk_message_count(&staff, t), 2);
	free(raw);
	free(req.auth);
	free(staff.auth);
}

Test(dead_letters, dismiss_hides_it_from_the_open_list)
{
	struct desk_user req, staff;
	char path[128], body[64], sub[32], *raw;
	long t, dl;

	desk_user_new(&req, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	t = desk_ticket_post(&req);
	dl = from_stranger(t, &raw);
	cr_assert(listed(DEAD "?limit=100", staff.auth, dl));
	cr_assert(listed(DEAD "?state=open&limit=100", staff.auth, dl));
	cr_assert(!listed(DEAD "?state=resolved&limit=100", staff.auth, dl));

	snprintf(path, sizeof(path), DEAD "/%ld", dl);
	cr_assert_eq(client_status("DELETE", path, staff.auth, NULL), 204);
	cr_assert(!listed(DEAD "?limit=100", staff.auth, dl));
	cr_assert(listed(DEAD "?state=resolved&limit=100", staff.auth, dl));
	cr_assert(listed(DEAD "?state=all&limit=100", staff.auth, dl));
	/* Kept: still readable, raw included. */
	cr_assert_eq(client_status("GET", path, staff.auth, NULL), 200);
	snprintf(sub, sizeof(sub), "%ld", dl);
	cr_assert_eq(client_audit_count("support.dead_letter_dismissed", sub), 1);
	{
		char q[200];

		snprintf(q, sizeof(q), "SELECT COUNT(*) FROM"
			" support_mail_dead_letters WHERE id = %ld AND"
			" resolution = 'dismissed' AND raw <> ''", dl);
		cr_assert_eq(client_sql_long(q), 1);
	}

	/* Resolved is final: neither dismissed again nor attached. */
	cr_assert_eq(client_status("DELETE", path, staff.auth, NULL), 409);
	snprintf(body, sizeof(body), "{\"ticket_id\":%ld}", t);
	cr_assert_eq(attach(&staff, dl, body), 409);
	cr_assert_eq(desk_message_count(&staff, t), 1);
	cr_assert_eq(client_audit_count("support.dead_letter_dismissed", sub), 1);
	free(raw);
	free(req.auth);
	free(staff.auth);
}

Test(dead_letters, bad_input_changes_nothing)
{
	struct desk_user req, staff;
	struct client_resp r;
	char path[128], body[64], *raw;
	long t, dl;

	desk_user_new(&req, "user", NULL);
	desk_user_new(&staff, "support", NULL);
	t = desk_ticket_post(&req);
	dl = from_stranger(t, &raw);

	/* Unknown dead letters. */
	cr_assert_eq(client_status("GET", DEAD "/999999999999", staff.auth,
		NULL), 404);
	cr_assert_eq(client_status("GET", DEAD "/999999999999/raw", staff.auth,
		NULL), 404);
	cr_assert_eq(client_status("GET", DEAD "/abc", staff.auth, NULL), 404);
	{
		/* One spelling per row id: a leading zero names no row. */
		char zero[64];

		snprintf(zero, sizeof(zero), DEAD "/0%ld", dl);
		cr_assert_eq(client_status("GET", zero, staff.auth, NULL), 404);
		snprintf(zero, sizeof(zero), DEAD "/%ld", dl);
		cr_assert_eq(client_status("GET", zero, staff.auth, NULL), 200);
	}
	cr_assert_eq(client_status("DELETE", DEAD "/999999999999", staff.auth,
		NULL), 404);
	snprintf(body, sizeof(body), "{\"ticket_id\":%ld}", t);
	cr_assert_eq(client_status("POST", DEAD "/999999999999/attach",
		staff.auth, body), 404);

	/* Bad ticket ids. */
	snprintf(path, sizeof(path), DEAD "/%ld/attach", dl);
	client_call("POST", path, staff.auth, "{\"ticket_id\":\"x\"}", &r);
	client_assert_field_error(&r, "ticket_id", "invalid_type");
	client_free(&r);
	client_call("POST", path, staff.auth, "{\"ticket_id\":0}", &r);
	cr_assert_eq(r.status, 422);
	client_free(&r);
	client_call("POST", path, staff.auth, "{}", &r);
	client_assert_field_error(&r, "ticket_id", "required");
	client_free(&r);
	client_call("POST", path, staff.auth, "{\"ticket_id\":999999999999}", &r);
	client_assert_field_error(&r, "ticket_id", "unknown_ticket");
	client_free(&r);

	/* Bad queries. */
	client_call("GET", DEAD "?state=closed", staff.auth, NULL, &r);
	client_assert_field_error(&r, "state", "invalid_format");
	client_free(&r);
	client_call("GET", DEAD "?reason=spam", staff.auth, NULL, &r);
	client_assert_field_error(&r, "reason", "invalid_format");
	client_free(&r);

	/* A closed ticket takes nothing more: 409. */
	snprintf(path, sizeof(path), TICKETS "/%ld", t);
	cr_assert_eq(client_status("PATCH", path, staff.auth,
		"{\"status\":\"resolved\"}"), 200);
	cr_assert_eq(client_status("PATCH", path, staff.auth,
		"{\"status\":\"closed\"}"), 200);
	snprintf(path, sizeof(path), DEAD "/%ld/attach", dl);
	client_call("POST", path, staff.auth, body, &r);
	client_assert_problem(&r, 409, "ticket_closed");
	client_free(&r);

	cr_assert_eq(open_count(dl), 1);
	cr_assert_eq(desk_message_count(&staff, t), 1);
	{
		char q[160];

		snprintf(q, sizeof(q), "SELECT COUNT(*) FROM support_tickets"
			" WHERE follow_up_of = %ld", t);
		cr_assert_eq(client_sql_long(q), 0);
	}
	free(raw);
	free(req.auth);
	free(staff.auth);
}
