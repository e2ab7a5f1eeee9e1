/* Stores: mail_dead, tickets. */
/* The mail dead letters for support staff (support, admin): what
 * `devforgectl mail-receive` could not place on a ticket is listed,
 * read, downloaded as the message it was, and then resolved once:
 *
 *   GET    /admin/support/dead-letters?reason=&state=&limit=&cursor=
 *          newest first, without the bytes; state open (default),
 *          resolved or all
 *   GET    /admin/support/dead-letters/{id}
 *          plus the message's text (core/mime.h), the reply as it would
 *          be added (core/reply_strip.h) and raw_size
 *   GET    /admin/support/dead-letters/{id}/raw
 *          message/rfc822, as an attachment, to open in a mail client
 *   POST   /admin/support/dead-letters/{id}/attach {ticket_id}
 *          adds the reply to the ticket via email and resolves it
 *   DELETE /admin/support/dead-letters/{id}
 *          dismisses it (resolved, the row kept), audited
 *
 * The attach rule (store_mail_dead_attach): when the letter's From is
 * the ticket requester's e-mail, the text is added as the requester's
 * reply, exactly as mail-receive would have (a resolved ticket reopens);
 * otherwise whoever wrote it is not the requester, so nothing is said in
 * the requester's name: the agent adds an internal note quoting the
 * sender, which the requester never sees. A closed ticket takes neither
 * (409 ticket_closed). Both are audited, like a dismissal. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/ext_view.h"
#include "arena.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "mime.h"
#include "problem.h"
#include "reply_strip.h"
#include "validate.h"
#include "store/mail_dead.h"
#include "store/tx.h"

/* A ticket message's longest body (POST .../messages). */
#define DEAD_BODY_MAX_CHARS 10000

static const char *const reasons[] = { MAIL_DEAD_NO_TOKEN,
	MAIL_DEAD_FORGED_TOKEN, MAIL_DEAD_UNKNOWN_TICKET,
	MAIL_DEAD_SENDER_MISMATCH, MAIL_DEAD_MALFORMED, MAIL_DEAD_EMPTY_BODY,
	MAIL_DEAD_TOO_LARGE, MAIL_DEAD_AUTO_REPLY, NULL };
/* In the order of enum store_mail_dead_state. */
static const char *const states[] = { "open", "resolved", "all", NULL };

static const struct query_param list_query[] = {
	{ .name = "reason", .kind = QP_ENUM, .values = reasons,
	  .message = "must be one of no_token, forged_token, unknown_ticket, "
		"sender_mismatch, malformed, empty_body, too_large, auto_reply" },
	{ .name = "state", .kind = QP_ENUM, .values = states,
	  .message = "must be one of open, resolved, all" },
	API_PAGE_ROWS("dead_letters"),
};

static const struct json_field attach_fields[] = {
	{ .name = "ticket_id", .type = JF_INT, .required = 1, .min = 1,
	  .max = INT64_MAX },
};

/* The {id} letter with its raw bytes; DF_ENOTFOUND when {id} is not
 * one. */
static int dead_row(struct request *req, struct store_mail_dead_row *d)
{
	int64_t id = api_path_id(req, "id");

	if (id == 0)
		return DF_ENOTFOUND;
	return store_mail_dead_get(req->arena, id, 1, d);
}

static struct json_object *letter_json(struct request *req,
	const struct store_mail_dead_row *d)
{
	struct json_object *o = json_new_object(req), *by = NULL;

	if (o == NULL)
		return NULL;
	if (d->resolved_by_public_id != NULL) {
		by = json_new_object(req);
		if (by == NULL || json_set_str(by, "id", d->resolved_by_public_id) ||
		    json_set_str(by, "username", d->resolved_by_username))
			return NULL;
	}
	if (json_set_int(o, "id", d->id) ||
	    json_set_str(o, "received_at", d->received_at) ||
	    json_set_str(o, "reason", d->reason) ||
	    json_set_str(o, "detail", d->detail) ||
	    json_set_str(o, "from", d->from_addr) ||
	    json_set_str(o, "to", d->to_addr) ||
	    json_set_str(o, "subject", d->subject) ||
	    json_set_str(o, "message_id", d->message_id) ||
	    (d->ticket_id > 0 ? json_set_int(o, "ticket_id", d->ticket_id) :
		json_set(o, "ticket_id", NULL)) ||
	    json_set_str(o, "resolved_at", d->resolved_at) ||
	    json_set(o, "resolved_by", by) ||
	    json_set_str(o, "resolution", d->resolution) ||
	    (d->attached_ticket_id > 0 ? json_set_int(o, "attached_ticket_id",
		d->attached_ticket_id) : json_set(o, "attached_ticket_id", NULL)))
		return NULL;
	return o;
}

static struct json_object *letter_item(struct request *req, const void *row)
{
	return letter_json(req, row);
}

static int dead_list(struct request *req)
{
	struct store_mail_dead_row *rows;
	int64_t r = router_query_int(req, "reason", -1);
	int64_t st = router_query_int(req, "state", STORE_MAIL_DEAD_OPEN);
	size_t n;
	int rc;

	rc = store_mail_dead_list(req->arena, r >= 0 ? reasons[r] : NULL,
		(enum store_mail_dead_state)st, req->q.after, req->q.limit,
		&rows, &n);
	if (rc != 0)
		return rc;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return api_list_page(req, "dead_letters", rows, n, sizeof(*rows),
		offsetof(struct store_mail_dead_row, id), letter_item);
}

/* What the letter says: the whole text (mime) and the reply as it is
 * added to a ticket (reply_strip; the whole text when nothing is left
 * after stripping, as in an empty_body letter, so staff attach what
 * the customer sent rather than nothing). *error: why the message does
 * not parse, or NULL. 0 or DF_ENOMEM. */
static int letter_text(struct request *req,
	const struct store_mail_dead_row *d, const char **text,
	const char **reply, int *html, const char **error)
{
	struct mime_msg msg;
	char *t, *r;
	int rc;

	memset(&msg, 0, sizeof(msg));
	rc = mime_parse(req->arena, d->raw, d->raw_len, &msg);
	if (rc == DF_ENOMEM)
		return rc;
	*error = rc == 0 ? NULL : msg.error != NULL ? msg.error :
		"the message is over 10 MiB";
	*html = msg.html;
	t = arena_strdup(req->arena, msg.text != NULL ? msg.text : "");
	if (t == NULL)
		return DF_ENOMEM;
	/* mime_parse promises UTF-8; a partial parse is checked anyway
	 * before it goes into JSON or a ticket. */
	if (!validate_utf8(t, strlen(t)))
		t[0] = '\0';
	reply_strip_controls(t);
	if (reply_strip(req->arena, t, &r) != 0)
		return DF_ENOMEM;
	reply_strip_controls(r);
	*text = t;
	*reply = reply_strip_blank(r) ? t : r;
	return 0;
}

static int dead_get(struct request *req)
{
	struct store_mail_dead_row d;
	struct json_object *o;
	const char *text, *reply, *error;
	int html, rc;

	rc = dead_row(req, &d);
	if (rc != 0)
		return rc;
	rc = letter_text(req, &d, &text, &reply, &html, &error);
	if (rc != 0)
		return rc;
	o = letter_json(req, &d);
	if (o == NULL || json_set_int(o, "raw_size", d.raw_size) ||
	    json_set_str(o, "text", reply) ||
	    json_set_str(o, "full_text", text) ||
	    json_set_bool(o, "html", html) ||
	    json_set_str(o, "parse_error", error) ||
	    http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int dead_raw(struct request *req)
{
	struct store_mail_dead_row d;
	int rc;

	rc = dead_row(req, &d);
	if (rc != 0)
		return rc;
	/* An attachment, never shown inline: the bytes are a stranger's
	 * (every answer carries nosniff already). */
	if (http_set_header(req, "Cache-Control", "no-store") != 0 ||
	    http_set_header(req, "Content-Disposition", arena_printf(req->arena,
		"attachment; filename=\"dead-letter-%lld.eml\"",
		(long long)d.id)) != 0)
		return DF_ENOMEM;
	return http_set_body(req, 200, "message/rfc822", d.raw, d.raw_len);
}

/* The internal note for a letter from someone who is not the requester:
 * who sent it and why it was kept, then the reply quoted ("> "), cut so
 * the whole stays within a ticket message's bound. */
static char *note_text(struct request *req,
	const struct store_mail_dead_row *d, const char *reply)
{
	static const char cut[] = "\n> [...]\n\n(cut: the whole message is "
		"the dead letter's raw message)";
	const char *head = arena_printf(req->arena, "E-mail from %s (dead "
		"letter %lld, %s), not the requester's address; attached by "
		"staff:\n\n", d->from_addr != NULL ? d->from_addr :
		"an unknown sender", (long long)d->id, d->reason);
	size_t room, used, hlen, cap, o = 0;
	const char *p;
	char *out;

	if (head == NULL)
		return NULL;
	hlen = strlen(head);
	cap = hlen + 3 * strlen(reply) + sizeof(cut) + 4;
	out = arena_alloc(req->arena, cap);
	if (out == NULL)
		return NULL;
	memcpy(out, head, hlen);
	o = hlen;
	used = json_utf8_length(head, hlen);
	room = DEAD_BODY_MAX_CHARS - used - (sizeof(cut) - 1);
	for (p = reply; *p != '\0';) {
		const char *eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		size_t chars = json_utf8_length(p, len) + 3;

		if (chars > room) {
			memcpy(out + o, cut, sizeof(cut) - 1);
			o += sizeof(cut) - 1;
			break;
		}
		room -= chars;
		out[o++] = '>';
		if (len > 0)
			out[o++] = ' ';
		memcpy(out + o, p, len);
		o += len;
		out[o++] = '\n';
		p += len + (eol != NULL);
	}
	while (o > 0 && out[o - 1] == '\n')
		o--;
	out[o] = '\0';
	return out;
}

static struct json_object *audit_detail(struct request *req, int64_t ticket,
	const char *how)
{
	struct json_object *o = json_new_object(req);

	if (o == NULL || (ticket > 0 && json_set_int(o, "ticket_id", ticket)) ||
	    (how != NULL && json_set_str(o, "as", how)))
		return NULL;
	return o;
}

static int resolved_already(struct request *req)
{
	return problem_send(req, 409, "already_resolved", "This dead letter "
		"was attached or dismissed already.");
}

static int dead_attach(struct request *req)
{
	struct store_mail_dead_attach_out out;
	struct store_mail_dead_attach_in in;
	struct store_mail_dead_row d;
	struct json_object *o;
	const char *text, *reply, *error;
	int64_t id;
	size_t n;
	char *r;
	int html, rc;

	rc = dead_row(req, &d);
	if (rc != 0)
		return rc;
	id = d.id;
	rc = letter_text(req, &d, &text, &reply, &html, &error);
	if (rc != 0)
		return rc;
	if (reply_strip_blank(reply))
		return problem_send(req, 409, "empty_message", "This message "
			"has no text to add to a ticket; its raw message can be "
			"downloaded, and the dead letter dismissed.");
	/* As mail-receive would, within a ticket message's bound. */
	n = validate_utf8_prefix(reply, DEAD_BODY_MAX_CHARS);
	r = arena_strndup(req->arena, reply, n);
	if (r == NULL)
		return DF_ENOMEM;
	memset(&in, 0, sizeof(in));
	in.id = id;
	in.ticket_id = json_get_int(req->json, "ticket_id", 0);
	in.agent_id = api_caller_id(req);
	in.reply = r;
	in.note = note_text(req, &d, reply);
	in.now = clock_now();
	if (in.note == NULL)
		return DF_ENOMEM;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_mail_dead_attach(req->arena, &in, &out);
	if (rc == 0 && out.outcome == STORE_MAIL_DEAD_DONE)
		rc = api_audit(req, "support.dead_letter_attached",
			arena_printf(req->arena, "%lld", (long long)id),
			audit_detail(req, in.ticket_id, out.as_requester ?
			"requester_reply" : "internal_note"));
	if (rc != 0 || out.outcome != STORE_MAIL_DEAD_DONE) {
		store_tx_rollback();
		if (rc != 0)
			return rc;
	}
	switch (out.outcome) {
	case STORE_MAIL_DEAD_DONE:
		break;
	case STORE_MAIL_DEAD_NO_LETTER:
		return DF_ENOTFOUND;
	case STORE_MAIL_DEAD_RESOLVED_ALREADY:
		return resolved_already(req);
	case STORE_MAIL_DEAD_NO_TICKET:
		problem_add_error(req, "ticket_id", "unknown_ticket",
			"there is no such ticket");
		return problem_send_validation(req);
	case STORE_MAIL_DEAD_TICKET_CLOSED:
		return problem_send(req, 409, "ticket_closed", "A closed ticket "
			"takes no more messages; attach it to its follow-up or "
			"another ticket.");
	case STORE_MAIL_DEAD_DUPLICATE:
		return problem_send(req, 409, "already_on_ticket", "A message "
			"with this Message-ID is on a ticket already.");
	}
	rc = store_tx_end(0);
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	if (o == NULL || json_set_int(o, "id", id) ||
	    json_set_int(o, "ticket_id", in.ticket_id) ||
	    json_set_int(o, "message_id", out.message_id) ||
	    json_set_str(o, "as", out.as_requester ? "requester_reply" :
		"internal_note") ||
	    json_set_str(o, "status", out.status) ||
	    http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int dead_dismiss(struct request *req)
{
	enum store_mail_dead_outcome oc = STORE_MAIL_DEAD_DONE;
	int64_t id = api_path_id(req, "id");
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_mail_dead_dismiss(req->arena, id, api_caller_id(req),
		clock_now(), &oc);
	if (rc == 0 && oc == STORE_MAIL_DEAD_DONE)
		rc = api_audit(req, "support.dead_letter_dismissed",
			arena_printf(req->arena, "%lld", (long long)id), NULL);
	if (rc == 0 && oc != STORE_MAIL_DEAD_DONE) {
		store_tx_rollback();
		return oc == STORE_MAIL_DEAD_NO_LETTER ? DF_ENOTFOUND :
			resolved_already(req);
	}
	return api_commit_no_content(req, rc);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/admin/support/dead-letters",
	  .handler = dead_list, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(list_query) },
	{ .method = HTTP_GET,
	  .pattern = "/api/v1/admin/support/dead-letters/{id}",
	  .handler = dead_get, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_GET,
	  .pattern = "/api/v1/admin/support/dead-letters/{id}/raw",
	  .handler = dead_raw, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/admin/support/dead-letters/{id}/attach",
	  .handler = dead_attach, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(attach_fields) },
	{ .method = HTTP_DELETE,
	  .pattern = "/api/v1/admin/support/dead-letters/{id}",
	  .handler = dead_dismiss, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
};

const struct route_table api_dead_letters_table = {
	"dead_letters", routes, sizeof(routes) / sizeof(routes[0])
};
