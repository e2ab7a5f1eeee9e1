/* Stores: tickets (the rows it shows). */
/* The one JSON shape of a support ticket and its messages, shared by the
 * ticket routes and a macro's answer, so a field added or withheld is
 * added or withheld everywhere. */
#include <json-c/json.h>
#include "api/api.h"
#include "json.h"
#include "store/tickets.h"

/* {id, username}, or NULL for none (then JSON null). */
static struct json_object *person(struct request *req, const char *id,
	const char *username)
{
	struct json_object *o;

	if (id == NULL)
		return NULL;
	o = json_new_object(req);
	if (o == NULL || json_set_str(o, "id", id) ||
	    json_set_str(o, "username", username))
		return NULL;
	return o;
}

struct json_object *api_ticket_msg_json(struct request *req,
	const struct store_ticket_msg *m)
{
	struct json_object *o = json_new_object(req);
	struct json_object *a = person(req, m->author_public_id,
		m->author_username);

	if (o == NULL || (m->author_public_id != NULL && a == NULL) ||
	    json_set_int(o, "id", m->id) || json_set(o, "author", a) ||
	    json_set_str(o, "body", m->body) ||
	    json_set_bool(o, "internal", m->internal) ||
	    json_set_str(o, "via", m->via) ||
	    json_set_str(o, "created_at", m->created_at))
		return NULL;
	return o;
}

struct json_object *api_ticket_json(struct request *req,
	const struct store_ticket *t, int staff, int with_msgs)
{
	struct json_object *o = json_new_object(req);
	struct json_object *rq = person(req, t->requester_public_id,
		t->requester_username);
	struct json_object *as = person(req, t->assignee_public_id,
		t->assignee_username);
	struct json_object *msgs;

	if (o == NULL || rq == NULL ||
	    (t->assignee_public_id != NULL && as == NULL) ||
	    json_set_int(o, "id", t->id) ||
	    json_set_str(o, "subject", t->subject) ||
	    json_set_str(o, "status", t->status) ||
	    json_set_str(o, "priority", t->priority) ||
	    json_set_str(o, "category", t->category) ||
	    json_set(o, "requester", rq) || json_set(o, "assignee", as) ||
	    (t->follow_up_of > 0 ? json_set_int(o, "follow_up_of",
		t->follow_up_of) : json_set(o, "follow_up_of", NULL)) ||
	    json_set_str(o, "via", t->via) ||
	    json_set_str(o, "first_response_due_at", t->first_response_due_at) ||
	    (staff && json_set_str(o, "next_breach_at", t->next_breach_at)) ||
	    json_set_str(o, "created_at", t->created_at) ||
	    json_set_str(o, "updated_at", t->updated_at) ||
	    json_set_str(o, "resolved_at", t->resolved_at) ||
	    json_set_str(o, "closed_at", t->closed_at))
		return NULL;
	if (!with_msgs)
		return o;
	msgs = json_new_array(req);
	if (msgs == NULL || json_set(o, "messages", msgs))
		return NULL;
	for (size_t i = 0; i < t->nmsgs; i++)
		if (json_push(msgs, api_ticket_msg_json(req, &t->msgs[i])) != 0)
			return NULL;
	return o;
}
