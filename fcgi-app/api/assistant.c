/* Stores: assist, assist_index, tickets (ranking: assist_rank). */
/* The support assistant: a question is answered from the help center's
 * published articles and the accepted answers of solved forum threads,
 * each reply citing the passages it rests on; when nothing covers the
 * question it says so instead of guessing. A conversation belongs to its
 * signed-in user, or, when anonymous, to whoever holds its id; it can be
 * handed to the support team as a ticket holding the transcript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "api/shared/assist_llm.h"
#include "api/shared/assist_rank.h"
#include "arena.h"
#include "assist_text.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "router.h"
#include "validate.h"
#include "store/assist.h"
#include "store/assist_index.h"
#include "store/tickets.h"
#include "store/tx.h"
#include "store/users.h"

#define MESSAGE_MAX 2000          /* characters, after trimming */
#define SOURCES_MAX ASSIST_RANK_MAX /* bound of assistant_max_sources */
#define REINDEX_PER_ANSWER 20     /* marked sources rebuilt per answer */
#define SUBJECT_MAX 200
#define TRANSCRIPT_MAX 10000

/* A reply, built by retrieval and then (maybe) rewritten by a model. */
struct assist_reply {
	const char *text;
	struct assist_source sources[SOURCES_MAX];
	size_t nsources;
	int confidence;               /* 0..100 */
	const char *mode;             /* "retrieval", "model" or "none" */
	const char *suggested[3];
	size_t nsuggested;
};

static int64_t caller(const struct request *req)
{
	const struct store_user *u = req->auth.user;

	return req->auth.authenticated && u != NULL ? u->id : 0;
}

/* The conversation named by pid as the caller may use it: their own, or
 * an anonymous one (its id is its key). Anything else is not found. */
static int load_conv(struct request *req, const char *pid,
	struct store_assist_conv *c)
{
	int rc;

	if (pid == NULL || !validate_uuid(pid))
		return DF_ENOTFOUND;
	rc = store_assist_conv_get(req->arena, pid, c);
	if (rc != 0)
		return rc;
	if (c->user_id != 0 && c->user_id != caller(req))
		return DF_ENOTFOUND;
	return 0;
}

/* --- retrieval ----------------------------------------------------- */

/* The sources that answer q (assist_rank), and the reply's confidence:
 * its best source's. */
static int retrieve(struct request *req, const char *q,
	struct assist_reply *r)
{
	size_t max = req->cfg->assistant_max_sources;
	int rc;

	if (max == 0 || max > SOURCES_MAX)
		max = SOURCES_MAX;
	rc = assist_rank(req, q, max, (int)req->cfg->assistant_min_confidence,
		r->sources, &r->nsources);
	if (rc != 0)
		return rc;
	r->confidence = r->nsources > 0 ? r->sources[0].confidence : 0;
	return 0;
}

/* The reply text and the actions offered, from the sources found. */
static int compose(struct request *req, struct assist_reply *r)
{
	struct assist_text_source ts[SOURCES_MAX];
	size_t i;

	for (i = 0; i < r->nsources; i++) {
		ts[i].title = r->sources[i].title;
		ts[i].passage = r->sources[i].passage;
	}
	r->text = assist_text_reply(req->arena, ts, r->nsources);
	if (r->text == NULL)
		return DF_ENOMEM;
	r->mode = r->nsources > 0 ? "retrieval" : "none";
	return 0;
}

static void suggest(const struct config *cfg, struct assist_reply *r)
{
	r->nsuggested = 0;
	if (r->nsources > 0)
		r->suggested[r->nsuggested++] = "mark_resolved";
	if (r->confidence < (int)cfg->assistant_escalate_below) {
		r->suggested[r->nsuggested++] = "escalate";
		r->suggested[r->nsuggested++] = "rephrase";
	}
}

/* The one place where a language model may rewrite the reply: called
 * after retrieval has filled r (sources, retrieval text, confidence,
 * mode "retrieval"; mode "none" and no sources when nothing matched) and
 * before the reply is stored and answered. When a model is configured
 * (assistant_llm_url) and retrieval found sources, the model is asked
 * (api/shared/assist_llm); an answer that passes its checks replaces
 * r->text, r->sources keeps only the sources it cited (in retrieval
 * order, which its renumbered [n] follow) and r->mode becomes "model".
 * On any failure of the model r is left exactly as it was (counted in
 * devforge_assistant_llm_fallbacks_total). */
static int assist_model(struct request *req, const char *question,
	struct assist_reply *r)
{
	struct llm_source src[SOURCES_MAX];
	unsigned char cited[SOURCES_MAX];
	size_t i, k = 0;
	char *text;
	int rc;

	for (i = 0; i < r->nsources; i++) {
		src[i].title = r->sources[i].title;
		src[i].text = r->sources[i].passage;
	}
	rc = assist_llm_ask(req, question, src, r->nsources, cited, &text);
	if (rc == DF_ENOTFOUND || rc == DF_EUPSTREAM)
		return 0;                 /* no model, or keep retrieval's */
	if (rc != 0)
		return rc;
	for (i = 0; i < r->nsources; i++)
		if (cited[i])
			r->sources[k++] = r->sources[i];
	r->nsources = k;
	r->text = text;
	r->mode = "model";
	return 0;
}

/* --- answers ------------------------------------------------------- */

/* The contract's confidence is 0-1 (0.62); it is worked out, stored and
 * compared with the thresholds (assistant_min_confidence,
 * assistant_escalate_below) as a percent. */
static struct json_object *confidence_json(struct request *req,
	double percent)
{
	return assist_rank_score_json(req, percent / 100.0);
}

static struct json_object *sources_json(struct request *req,
	const struct assist_reply *r)
{
	struct json_object *arr = json_new_array(req), *it;
	size_t i;

	for (i = 0; arr != NULL && i < r->nsources; i++) {
		it = json_new_object(req);
		if (it == NULL ||
		    json_set_str(it, "kind", r->sources[i].kind) ||
		    json_set_str(it, "slug_or_id", r->sources[i].ref) ||
		    json_set_str(it, "title", r->sources[i].title) ||
		    json_set(it, "score", assist_rank_score_json(req, r->sources[i].score)) ||
		    json_push(arr, it))
			return NULL;
	}
	return arr;
}

static struct json_object *reply_json(struct request *req,
	const struct assist_reply *r, struct json_object *sources)
{
	struct json_object *o = json_new_object(req), *acts = json_new_array(req);
	size_t i;

	if (o == NULL || acts == NULL || sources == NULL)
		return NULL;
	for (i = 0; i < r->nsuggested; i++)
		if (json_push_str(acts, r->suggested[i]))
			return NULL;
	if (json_set_str(o, "text", r->text) ||
	    json_set(o, "sources", sources) ||
	    json_set(o, "confidence", confidence_json(req, r->confidence)) ||
	    json_set_str(o, "mode", r->mode) ||
	    json_set(o, "suggested_actions", acts))
		return NULL;
	return o;
}

/* The message without the white space around it. */
static char *trimmed(struct arena *a, const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	       s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	return arena_strndup(a, s, len);
}

static int ask(struct request *req)
{
	const char *pid = json_get_str(req->json, "conversation_id", NULL);
	struct assist_reply r;
	struct store_assist_conv conv;
	struct store_assist_turn t;
	struct json_object *o, *sources, *reply;
	char new_pid[37];
	const char *question;
	time_t now = clock_now();
	int rc;

	question = trimmed(req->arena, json_get_str(req->json, "message", ""));
	if (question == NULL)
		return DF_ENOMEM;
	if (question[0] == '\0' ||
	    json_utf8_length(question, strlen(question)) > MESSAGE_MAX) {
		problem_add_error(req, "message", question[0] == '\0' ?
			"too_short" : "too_long", "must be 1-2000 characters"
			" once white space around it is left out");
		return problem_send_validation(req);
	}
	if (pid != NULL) {
		rc = load_conv(req, pid, &conv);
		if (rc != 0)
			return rc;
		if (strcmp(conv.status, "open") != 0)
			return problem_send(req, 409, "conflict", "This"
				" conversation has ended; start a new one.");
	}
	/* Sources written since the last answer are quoted from now on. */
	rc = store_assist_reindex_dirty(req->arena, REINDEX_PER_ANSWER, now,
		NULL);
	if (rc != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	rc = retrieve(req, question, &r);
	if (rc == 0)
		rc = compose(req, &r);
	if (rc == 0)
		rc = assist_model(req, question, &r);
	if (rc != 0)
		return rc;
	suggest(req->cfg, &r);
	sources = sources_json(req, &r);
	if (sources == NULL)
		return DF_ENOMEM;
	t.question = question;
	t.reply = r.text;
	t.sources_json = json_object_to_json_string_ext(sources,
		JSON_C_TO_STRING_PLAIN);
	t.confidence = r.confidence;
	t.mode = r.mode;
	rc = store_assist_append(req->arena, pid, caller(req), &t, now,
		new_pid);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict", "This conversation"
			" has ended; start a new one.");
	if (rc != 0)
		return rc;
	o = json_new_object(req);
	reply = reply_json(req, &r, sources);
	if (o == NULL || reply == NULL ||
	    json_set_str(o, "conversation_id", pid != NULL ? pid : new_pid) ||
	    json_set(o, "reply", reply) ||
	    http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

/* --- the transcript and escalation ----------------------------------- */

static struct json_object *conv_json(struct request *req,
	const struct store_assist_conv *c, const struct store_assist_msg *m,
	size_t n)
{
	struct json_object *o = json_new_object(req), *arr = json_new_array(req);
	struct json_object *it, *src;
	size_t i;

	if (o == NULL || arr == NULL ||
	    json_set_str(o, "id", c->public_id) ||
	    json_set_str(o, "status", c->status) ||
	    (c->ticket_id > 0 ? json_set_int(o, "ticket_id", c->ticket_id) :
	     json_set(o, "ticket_id", NULL)) ||
	    json_set_str(o, "created_at", c->created_at) ||
	    json_set_str(o, "updated_at", c->updated_at) ||
	    json_set_str(o, "ended_at", c->ended_at) ||
	    json_set(o, "messages", arr))
		return NULL;
	for (i = 0; i < n; i++) {
		int assistant = strcmp(m[i].role, "assistant") == 0;

		it = json_new_object(req);
		if (it == NULL || json_set_str(it, "role", m[i].role) ||
		    json_set_str(it, "text", m[i].text) ||
		    json_set_str(it, "created_at", m[i].created_at))
			return NULL;
		if (assistant) {
			/* Stored as the answer carried them. */
			src = json_own(req, json_tokener_parse(
				m[i].sources_json != NULL ? m[i].sources_json :
				"[]"));
			if (src == NULL || json_set(it, "sources", src) ||
			    json_set(it, "confidence", confidence_json(req,
				m[i].confidence)) ||
			    json_set_str(it, "mode", m[i].mode))
				return NULL;
		}
		if (json_push(arr, it))
			return NULL;
	}
	return o;
}

static int transcript(struct request *req)
{
	struct store_assist_conv c;
	struct store_assist_msg *m;
	struct json_object *o;
	size_t n;
	int rc;

	rc = load_conv(req, router_param(req, "id"), &c);
	if (rc == 0)
		rc = store_assist_messages(req->arena, c.id, &m, &n);
	if (rc != 0)
		return rc;
	o = conv_json(req, &c, m, n);
	if (o == NULL || http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

/* s with every control character (line breaks included) a space, cut
 * to max characters: a ticket subject. */
static char *one_line(struct arena *a, const char *s, size_t max)
{
	char *out = arena_strdup(a, s), *p;
	size_t chars = 0;

	if (out == NULL)
		return NULL;
	for (p = out; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
		if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > max) {
			*p = '\0';
			break;
		}
	}
	return out;
}

/* The transcript as the ticket's first message, cut (at a character
 * boundary) to TRANSCRIPT_MAX characters. */
static char *transcript_text(struct arena *a, const struct store_assist_msg *m,
	size_t n)
{
	char *out = arena_strdup(a, "Conversation with the assistant:"), *p;
	size_t i, chars = 0;

	for (i = 0; out != NULL && i < n; i++)
		out = arena_printf(a, "%s\n\n%s: %s", out,
			strcmp(m[i].role, "user") == 0 ? "Customer" : "Assistant",
			m[i].text);
	for (p = out; p != NULL && *p != '\0'; p++)
		if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > TRANSCRIPT_MAX) {
			*p = '\0';
			break;
		}
	return out;
}

static int escalate(struct request *req)
{
	struct store_assist_conv c;
	struct store_assist_msg *m;
	struct store_ticket tk;
	struct store_ticket_new t = { .category = "other",
		.via = TICKET_VIA_ASSISTANT, .requester_id = caller(req),
		.now = clock_now() };
	struct json_object *o;
	const char *pid = router_param(req, "id");
	int64_t ticket = 0;
	size_t n;
	int rc;

	/* Who may: as for reading it (checked again under the lock). */
	rc = load_conv(req, pid, &c);
	if (rc != 0)
		return rc;
	rc = store_tx_begin();
	if (rc != 0)
		return rc;
	rc = store_assist_conv_lock(req->arena, pid, &c);
	if (rc == 0 && strcmp(c.status, "open") != 0)
		rc = DF_ECONFLICT;
	if (rc == 0)
		rc = store_assist_messages(req->arena, c.id, &m, &n);
	if (rc == 0 && n == 0)
		rc = DF_ECONFLICT;
	if (rc == 0) {
		t.subject = one_line(req->arena, m[0].text, SUBJECT_MAX);
		t.body = transcript_text(req->arena, m, n);
		if (t.subject == NULL || t.body == NULL)
			rc = DF_ENOMEM;
	}
	if (rc == 0)
		rc = store_tickets_create(req->arena, &t, &ticket);
	if (rc == 0)
		rc = store_assist_escalated(c.id, ticket, caller(req), t.now);
	rc = store_tx_end(rc);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict", "This conversation"
			" has already ended (escalated, resolved or abandoned).");
	if (rc != 0)
		return rc;
	/* The answer is the ticket, as POST /support/tickets answers it:
	 * what the user now follows up on. */
	rc = store_tickets_get(req->arena, ticket, 0, &tk);
	if (rc != 0)
		return rc;
	o = api_ticket_json(req, &tk, 0, 1);
	if (o == NULL || http_set_header(req, "Location", arena_printf(
		req->arena, "/api/v1/support/tickets/%lld", (long long)ticket)) ||
	    http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 201, o);
}

static const struct json_field ask_fields[] = {
	/* Bounded loosely here: the 2000 applies once trimmed (ask). */
	{ .name = "message", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 8000, .validate = api_v_text },
	{ .name = "conversation_id", .type = JF_STRING, .max = 36,
	  .nullable = 1 },
};

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/support/assistant/messages",
	  .handler = ask, .role = ROLE_NONE, .rl = RL_ASSISTANT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(ask_fields) },
	{ .method = HTTP_GET,
	  .pattern = "/api/v1/support/assistant/conversations/{id}",
	  .handler = transcript, .role = ROLE_NONE, .rl = RL_DEFAULT },
	{ .method = HTTP_POST,
	  .pattern = "/api/v1/support/assistant/conversations/{id}/escalate",
	  .handler = escalate, .role = ROLE_USER, .rl = RL_DEFAULT },
};

const struct route_table api_assistant_table = {
	"assistant", routes, sizeof(routes) / sizeof(routes[0])
};
