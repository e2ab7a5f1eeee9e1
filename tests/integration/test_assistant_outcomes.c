/* How the assistant's conversations end, and what the staff reports
 * make of it: "this solved it" (POST .../conversations/{id}/resolved)
 * ends a conversation self-served and credits the source it cited (the
 * last reply's top one, or one named among those cited); a second time,
 * or after an escalation, is 409; someone else's conversation is 404;
 * the jobs runner's assistant-abandon (run with the clock moved on for
 * that process only) ends the open conversations idle long enough and
 * no other; and GET /admin/support/reports counts the outcomes and the
 * top sources of a month. The conversations are real (POST
 * /support/assistant/messages about fresh articles with a word of their
 * own, so the assistant cites them); the report test moves its own into
 * a far-future month of this run (SQL), where nothing else is counted. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "desk_kit.h"

#define MESSAGES "/api/v1/support/assistant/messages"
#define CONV "/api/v1/support/assistant/conversations/"
#define KB "/api/v1/support/kb"
#define REPORTS "/api/v1/admin/support/reports"

static struct desk_user staff;

static void setup(void)
{
	desk_user_new(&staff, "support", NULL);
}

static void teardown(void)
{
	desk_user_free(&staff);
}

TestSuite(outcomes, .init = setup, .fini = teardown);

/* A published article about `word` (fresh: only this run's questions
 * name it), written through the API so the assistant indexes it; its
 * slug into slug (64 bytes). */
static void article(const char *word, char *slug)
{
	char json[2048];
	struct client_resp r;

	snprintf(slug, 64, "outcomes-%s", word);
	snprintf(json, sizeof(json), "{\"slug\":\"%s\",\"title\":\"Configure the"
		" %s connector\",\"body\":\"To configure the %s connector, open"
		" Settings, choose Connectors and select %s. Enter the server"
		" address and save.\\n\\nIf the %s connector does not appear,"
		" restart the editor and check the connector list again.\","
		"\"category\":\"technical\",\"status\":\"published\"}", slug, word,
		word, word, word);
	client_call("POST", KB, staff.auth, json, &r);
	cr_assert_eq(r.status, 201, "article %s: %ld %s", slug, r.status,
		r.body);
	client_free(&r);
}

/* Asks the assistant about word (conv: a conversation to continue, or
 * NULL for a new one, whose id goes to conv_out); the top source's kind
 * and slug_or_id into kind (16) and sid (64) ("" when none). Returns the
 * number of sources. */
static size_t ask(const char *auth, const char *conv, const char *word,
	char *conv_out, char *kind, char *sid)
{
	char json[512];
	struct client_resp r;
	struct json_object *o, *sources;
	const char *c;
	size_t n;

	if (conv != NULL)
		snprintf(json, sizeof(json), "{\"conversation_id\":\"%s\","
			"\"message\":\"How do I configure the %s connector?\"}",
			conv, word);
	else
		snprintf(json, sizeof(json), "{\"message\":\"How do I configure"
			" the %s connector?\"}", word);
	client_call("POST", MESSAGES, auth, json, &r);
	cr_assert(r.status == 200 || r.status == 201, "ask: %ld %s", r.status,
		r.body);
	o = client_expect_json(&r, r.status);
	c = client_json_str(o, "conversation_id");
	cr_assert(c != NULL && strlen(c) == 36, "%s", r.body);
	if (conv_out != NULL)
		snprintf(conv_out, 40, "%s", c);
	sources = json_object_object_get(json_object_object_get(o, "reply"),
		"sources");
	n = json_object_array_length(sources);
	kind[0] = sid[0] = '\0';
	if (n > 0) {
		struct json_object *s = json_object_array_get_idx(sources, 0);

		snprintf(kind, 16, "%s", client_json_str(s, "kind"));
		snprintf(sid, 64, "%s", client_json_str(s, "slug_or_id"));
	}
	json_object_put(o);
	client_free(&r);
	return n;
}

/* A new conversation about word whose reply cites the article slug
 * first; its id into conv. */
static void cited(const char *auth, const char *word, const char *slug,
	char *conv)
{
	char kind[16], sid[64];

	cr_assert(ask(auth, NULL, word, conv, kind, sid) > 0,
		"the assistant cited nothing about %s", word);
	cr_assert_str_eq(kind, "kb");
	cr_assert_str_eq(sid, slug);
}

/* POST .../resolved (body json) by auth; the status, the body in *body
 * when body is not NULL (malloc'd). */
static long resolve(const char *conv, const char *auth, const char *json,
	char **body)
{
	char path[160];
	struct client_resp r;
	long s;

	snprintf(path, sizeof(path), CONV "%s/resolved", conv);
	client_call("POST", path, auth, json, &r);
	s = r.status;
	if (body != NULL)
		*body = strdup(r.body != NULL ? r.body : "");
	client_free(&r);
	return s;
}

static char *status_of(const char *conv)
{
	char *s = client_sqlf("SELECT status FROM assistant_conversations"
		" WHERE public_id = '%s'", conv);

	cr_assert(s != NULL, "no conversation %s", conv);
	return s;
}

static void assert_status(const char *conv, const char *want)
{
	char *s = status_of(conv);

	cr_assert_str_eq(s, want, "conversation %s", conv);
	free(s);
}

/* The credit, as "kind:source_id" (malloc'd; ":" for none). */
static char *credit_of(const char *conv)
{
	char *s = client_sqlf("SELECT CONCAT(IFNULL(resolved_kind, ''), ':',"
		" IFNULL(resolved_source_id, '')) FROM assistant_conversations"
		" WHERE public_id = '%s'", conv);

	cr_assert(s != NULL);
	return s;
}

static long article_id(const char *slug)
{
	return client_sql_longf("SELECT id FROM kb_articles WHERE slug = '%s'",
		slug);
}

/* "This solved it": the conversation ends self-served with ended_at,
 * credits the article its reply cited (the default: the last reply's
 * top source), says so, and a second "solved" is 409 with nothing
 * changed. */
Test(outcomes, resolved_counts_as_self_served_and_credits_the_cited_source)
{
	struct desk_user u;
	char w[17], slug[64], conv[40], want[64], *body, *credit, *before;
	struct json_object *o;

	desk_user_new(&u, "user", NULL);
	client_word(w, 'o');
	article(w, slug);
	cited(u.auth, w, slug, conv);
	assert_status(conv, "open");

	cr_assert_eq(resolve(conv, u.auth, "{}", &body), 200, "%s", body);
	o = json_tokener_parse(body);
	cr_assert(o != NULL, "%s", body);
	cr_assert_str_eq(client_json_str(o, "status"), "self_served");
	cr_assert_str_eq(client_json_str(o, "conversation_id"), conv);
	cr_assert_str_eq(client_json_str(o, "credited.kind"), "kb");
	cr_assert_str_eq(client_json_str(o, "credited.slug_or_id"), slug);
	json_object_put(o);
	free(body);
	assert_status(conv, "self_served");
	cr_assert_eq(client_sql_longf("SELECT ended_at IS NOT NULL FROM"
		" assistant_conversations WHERE public_id = '%s'", conv), 1);
	credit = credit_of(conv);
	snprintf(want, sizeof(want), "kb:%ld", article_id(slug));
	cr_assert_str_eq(credit, want);

	/* Twice: 409, the first outcome kept. */
	before = client_sqlf("SELECT ended_at FROM assistant_conversations"
		" WHERE public_id = '%s'", conv);
	cr_assert_eq(resolve(conv, u.auth, "{}", &body), 409, "%s", body);
	free(body);
	assert_status(conv, "self_served");
	body = client_sqlf("SELECT ended_at FROM assistant_conversations"
		" WHERE public_id = '%s'", conv);
	cr_assert_str_eq(body, before);
	free(body);
	free(before);
	free(credit);
	desk_user_free(&u);
}

/* Naming the source: one the conversation cited (in any reply, not
 * only the last) is credited; one it did not cite is 422 not_cited, a
 * kind without slug_or_id 422, and neither changes anything. */
Test(outcomes, resolved_credits_a_named_source_only_when_cited)
{
	struct desk_user u;
	char w1[17], w2[17], s1[64], s2[64], conv[40], kind[16], sid[64];
	char json[256], want[64], *body, *credit;

	desk_user_new(&u, "user", NULL);
	client_word(w1, 'o');
	client_word(w2, 'o');
	article(w1, s1);
	article(w2, s2);
	cited(u.auth, w1, s1, conv);
	/* The same conversation goes on about the second article. */
	cr_assert(ask(u.auth, conv, w2, NULL, kind, sid) > 0);
	cr_assert_str_eq(sid, s2);

	snprintf(json, sizeof(json), "{\"kind\":\"kb\",\"slug_or_id\":"
		"\"outcomes-never-%s\"}", w1);
	cr_assert_eq(resolve(conv, u.auth, json, &body), 422, "%s", body);
	cr_assert(strstr(body, "not_cited") != NULL, "%s", body);
	free(body);
	cr_assert_eq(resolve(conv, u.auth, "{\"kind\":\"kb\"}", &body), 422,
		"%s", body);
	free(body);
	cr_assert_eq(resolve(conv, u.auth, "{\"kind\":\"wiki\","
		"\"slug_or_id\":\"x\"}", &body), 422, "%s", body);
	free(body);
	assert_status(conv, "open");

	/* The first reply's source, not the last reply's. */
	snprintf(json, sizeof(json), "{\"kind\":\"kb\",\"slug_or_id\":\"%s\"}",
		s1);
	cr_assert_eq(resolve(conv, u.auth, json, &body), 200, "%s", body);
	free(body);
	credit = credit_of(conv);
	snprintf(want, sizeof(want), "kb:%ld", article_id(s1));
	cr_assert_str_eq(credit, want);
	free(credit);
	desk_user_free(&u);
}

/* Someone else's conversation is 404 (to another user and to an
 * anonymous caller), as are an unknown and a malformed id; an anonymous
 * conversation is resolved by whoever holds its id. */
Test(outcomes, someone_elses_conversation_is_404)
{
	struct desk_user owner, other;
	char w[17], slug[64], conv[40], anon[40], *body;

	desk_user_new(&owner, "user", NULL);
	desk_user_new(&other, "user", NULL);
	client_word(w, 'o');
	article(w, slug);
	cited(owner.auth, w, slug, conv);

	cr_assert_eq(resolve(conv, other.auth, "{}", &body), 404, "%s", body);
	free(body);
	cr_assert_eq(resolve(conv, NULL, "{}", &body), 404, "%s", body);
	free(body);
	/* Staff are not its owner either. */
	cr_assert_eq(resolve(conv, staff.auth, "{}", &body), 404, "%s", body);
	free(body);
	cr_assert_eq(resolve("00000000-0000-4000-8000-000000000000", owner.auth,
		"{}", &body), 404, "%s", body);
	free(body);
	cr_assert_eq(resolve("not-a-conversation", owner.auth, "{}", &body),
		404, "%s", body);
	free(body);
	assert_status(conv, "open");

	cited(NULL, w, slug, anon);
	cr_assert_eq(resolve(anon, other.auth, "{}", &body), 200, "%s", body);
	free(body);
	assert_status(anon, "self_served");
	desk_user_free(&owner);
	desk_user_free(&other);
}

/* Conversation conv escalated to a ticket by its owner (auth). */
static void escalated(const char *auth, const char *conv)
{
	char path[160];
	struct client_resp r;

	snprintf(path, sizeof(path), CONV "%s/escalate", conv);
	client_call("POST", path, auth, "{}", &r);
	cr_assert_eq(r.status, 201, "escalate: %ld %s", r.status, r.body);
	client_free(&r);
	assert_status(conv, "escalated");
}

/* An escalated conversation has ended: "solved" afterwards is 409 and
 * leaves it escalated. */
Test(outcomes, escalated_conversation_cannot_be_resolved)
{
	struct desk_user u;
	char w[17], slug[64], conv[40], *body;

	desk_user_new(&u, "user", NULL);
	client_word(w, 'o');
	article(w, slug);
	cited(u.auth, w, slug, conv);
	escalated(u.auth, conv);
	cr_assert_eq(resolve(conv, u.auth, "{}", &body), 409, "%s", body);
	free(body);
	assert_status(conv, "escalated");
	desk_user_free(&u);
}

/* Runs the assistant-abandon job once, offset_s ahead; expects success. */
static void abandon_job(long offset_s)
{
	char *out;
	int rc;

	rc = client_ctl_run(offset_s, &out, "jobs run --once --only "
		"assistant-abandon");
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "jobs: assistant-abandon: ok") != NULL, "%s", out);
	free(out);
}

/* With the clock moved on (the runner's only), an open conversation
 * idle assistant_abandon_minutes or more ends abandoned, one idle less
 * stays open, and one already self-served stays so however old; an
 * abandoned conversation cannot be resolved. */
Test(outcomes, abandon_job_ends_only_open_conversations_idle_long_enough)
{
	struct desk_user u;
	char w[17], slug[64], idle[40], fresh[40], solved[40], *body;
	char *m = client_config("assistant_abandon_minutes", "30");
	long minutes = atol(m);

	free(m);
	cr_assert(minutes >= 5, "assistant_abandon_minutes %ld", minutes);
	desk_user_new(&u, "user", NULL);
	client_word(w, 'o');
	article(w, slug);
	cited(u.auth, w, slug, idle);
	cited(u.auth, w, slug, fresh);
	cited(u.auth, w, slug, solved);
	cr_assert_eq(resolve(solved, u.auth, "{}", &body), 200, "%s", body);
	free(body);
	/* idle's last message 4 minutes short of the limit, solved's long
	 * ago. Other programs' conversations are fresh: far from the limit
	 * at the offsets below. */
	desk_sql("UPDATE assistant_conversations SET updated_at ="
		" UTC_TIMESTAMP(6) - INTERVAL %ld MINUTE WHERE public_id = '%s'",
		minutes - 4, idle);
	desk_sql("UPDATE assistant_conversations SET updated_at ="
		" UTC_TIMESTAMP(6) - INTERVAL 2 DAY WHERE public_id = '%s'", solved);

	abandon_job(0);
	assert_status(idle, "open");
	assert_status(fresh, "open");

	/* 5 minutes on: idle is a minute past the limit, fresh 5 minutes
	 * old. */
	abandon_job(5 * 60);
	assert_status(idle, "abandoned");
	cr_assert_eq(client_sql_longf("SELECT ended_at IS NOT NULL FROM"
		" assistant_conversations WHERE public_id = '%s'", idle), 1);
	assert_status(fresh, "open");
	assert_status(solved, "self_served");
	cr_assert_eq(resolve(idle, u.auth, "{}", &body), 409, "%s", body);
	free(body);
	assert_status(idle, "abandoned");
	desk_user_free(&u);
}

/* The month's assistant object from the report (put the returned
 * report when done). */
static struct json_object *month_assistant(const char *ym,
	struct json_object **report)
{
	char path[128];
	struct client_resp r;
	struct json_object *months, *m;

	snprintf(path, sizeof(path), REPORTS "?from=%s&to=%s", ym, ym);
	client_call("GET", path, staff.auth, NULL, &r);
	*report = client_expect_json(&r, 200);
	client_free(&r);
	months = json_object_object_get(*report, "by_month");
	cr_assert_eq(json_object_array_length(months), 1);
	m = json_object_array_get_idx(months, 0);
	cr_assert_str_eq(client_json_str(m, "month"), ym);
	m = json_object_object_get(m, "assistant");
	cr_assert(m != NULL, "no assistant object");
	return m;
}

static long get_int(struct json_object *o, const char *k)
{
	struct json_object *v = json_object_object_get(o, k);

	cr_assert(v != NULL && json_object_is_type(v, json_type_int), "%s", k);
	return (long)json_object_get_int64(v);
}

/* The report's month: this program's conversations, moved into a month
 * of this run far in the future (nothing else is there), counted by
 * outcome; the deflection rate self-served / ended; the top sources
 * most resolved first with their titles. Before any, the month reads
 * zero with a null rate. */
Test(outcomes, report_counts_outcomes_and_top_sources_of_the_month)
{
	struct desk_user u;
	char wx[17], wy[17], sx[64], sy[64], c[6][40], ym[16];
	struct json_object *rep, *a, *top, *it;
	unsigned seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 8);
	char *body;

	/* A month in 2200-2999 for this run. */
	srand(seed);
	snprintf(ym, sizeof(ym), "%04d-%02d", 2200 + rand() % 800,
		1 + rand() % 12);
	desk_sql("DELETE FROM assistant_conversations WHERE created_at >="
		" '%s-01' OR ended_at >= '%s-01'", "2200-01", "2200-01");
	a = month_assistant(ym, &rep);
	cr_assert_eq(get_int(a, "conversations"), 0);
	cr_assert(json_object_is_type(json_object_object_get(a,
		"deflection_rate"), json_type_null));
	cr_assert_eq(json_object_array_length(json_object_object_get(a,
		"top_sources")), 0);
	json_object_put(rep);

	desk_user_new(&u, "user", NULL);
	client_word(wx, 'o');
	client_word(wy, 'o');
	article(wx, sx);
	article(wy, sy);
	/* x solves 3, y 1; one escalated, one abandoned. */
	for (int i = 0; i < 4; i++)
		cited(u.auth, wx, sx, c[i]);
	cited(u.auth, wy, sy, c[4]);
	cited(NULL, wx, sx, c[5]);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(resolve(c[i], u.auth, "{}", &body), 200, "%s", body);
		free(body);
	}
	cr_assert_eq(resolve(c[4], u.auth, "{}", &body), 200, "%s", body);
	free(body);
	escalated(u.auth, c[3]);
	desk_sql("UPDATE assistant_conversations SET status = 'abandoned',"
		" ended_at = UTC_TIMESTAMP(6) WHERE public_id = '%s'", c[5]);
	for (int i = 0; i < 6; i++)
		desk_sql("UPDATE assistant_conversations SET"
			" created_at = '%s-10 09:00:00', updated_at = '%s-10 09:05:00',"
			" ended_at = '%s-10 09:05:00' WHERE public_id = '%s'", ym, ym,
			ym, c[i]);

	a = month_assistant(ym, &rep);
	cr_assert_eq(get_int(a, "conversations"), 6);
	cr_assert_eq(get_int(a, "self_served"), 4);
	cr_assert_eq(get_int(a, "escalated"), 1);
	cr_assert_eq(get_int(a, "abandoned"), 1);
	cr_assert(fabs(json_object_get_double(json_object_object_get(a,
		"deflection_rate")) - 4.0 / 6.0) < 1e-9);
	top = json_object_object_get(a, "top_sources");
	cr_assert_eq(json_object_array_length(top), 2);
	it = json_object_array_get_idx(top, 0);
	cr_assert_str_eq(client_json_str(it, "kind"), "kb");
	cr_assert_str_eq(client_json_str(it, "slug_or_id"), sx);
	cr_assert(strstr(client_json_str(it, "title"), wx) != NULL);
	cr_assert_eq(get_int(it, "resolved"), 3);
	it = json_object_array_get_idx(top, 1);
	cr_assert_str_eq(client_json_str(it, "slug_or_id"), sy);
	cr_assert_eq(get_int(it, "resolved"), 1);
	json_object_put(rep);
	desk_user_free(&u);
}
