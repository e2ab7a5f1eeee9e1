/* Satisfaction surveys: `devforgectl jobs run --only csat-send` mails
 * the requester of a ticket resolved at least 24 h ago (the job sees the
 * future through DEVFORGE_CLOCK_OFFSET_SECONDS, for that one process)
 * one survey link; the link's token answers once through the front
 * server (a second use 410 csat_answered, a wrong token 404, an expired
 * survey 410 csat_expired, a bad rating needs a reason); two runs at once
 * send one survey. Tickets are written with SQL as the ticket code writes
 * them, resolved at a chosen time. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "client.h"
#include "desk_kit.h"

#define HOUR 3600L
#define DAY (24 * HOUR)

static int lock_fd = -1;

/* A job pass surveys every due ticket of the database, whoever's test
 * made it (one test's "25 hours on" would survey another's ticket
 * before its "23 hours on" check): the tests take turns. */
static void serialize(void)
{
	lock_fd = client_lock("test_csat");
}

static void release(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
}

TestSuite(csat, .init = serialize, .fini = release);

/* Runs the csat-send job once, the clock offset_s ahead; its output. */
static void csat_job_at(long offset_s)
{
	char *out;
	int rc;

	rc = client_ctl_run(offset_s, &out, "jobs run --once --only csat-send");
	cr_assert_eq(rc, 0, "jobs: %s", out);
	free(out);
}

/* A ticket of a new requester, resolved resolved_ago_s seconds ago. */
static long resolved_ticket(struct desk_user *req, const struct desk_user *agent,
	long resolved_ago_s)
{
	long t;

	desk_user_new(req, "user", NULL);
	t = desk_ticket_new(req->row, agent->row, "resolved",
		resolved_ago_s + HOUR);
	desk_sql("UPDATE support_tickets SET resolved_at = UTC_TIMESTAMP(6)"
		" - INTERVAL %ld SECOND WHERE id = %ld", resolved_ago_s, t);
	return t;
}

static long surveys(long ticket)
{
	return client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id = %ld", ticket);
}

/* The survey link mailed to email for ticket: its token (malloc'd). */
static char *mailed_token(const char *email, long ticket)
{
	char *body, *p, *end, *tok, want[128];

	body = client_sqlf("SELECT body FROM mail_outbox WHERE to_addr = '%s'"
		" AND template = 'support_csat' ORDER BY id DESC LIMIT 1", email);
	cr_assert(body != NULL, "no survey mail to %s", email);
	snprintf(want, sizeof(want), "/support/csat?ticket=%ld&token=", ticket);
	p = strstr(body, want);
	cr_assert(p != NULL, "no link in: %s", body);
	p += strlen(want);
	for (end = p; *end != '\0' && *end != '\n' && *end != ' ' &&
	     *end != '\\'; end++)
		;
	tok = strndup(p, (size_t)(end - p));
	free(body);
	cr_assert(strlen(tok) >= 32, "token %s", tok);
	return tok;
}

static long answer(long ticket, const char *token, const char *rating,
	const char *reason)
{
	char path[128], json[1024];

	snprintf(path, sizeof(path), "/api/v1/support/tickets/%ld/csat", ticket);
	if (reason != NULL)
		snprintf(json, sizeof(json), "{\"token\": \"%s\", \"rating\":"
			" \"%s\", \"reason\": \"%s\"}", token, rating, reason);
	else
		snprintf(json, sizeof(json), "{\"token\": \"%s\", \"rating\":"
			" \"%s\"}", token, rating);
	return client_status("POST", path, NULL, json);
}

Test(csat, the_survey_goes_out_24_hours_after_resolution_and_answers_once)
{
	struct desk_user req, agent;
	struct client_resp r;
	char path[128], json[512], *tok;
	long t;

	desk_user_new(&agent, "support", NULL);
	t = resolved_ticket(&req, &agent, 60);
	/* 23 hours on: too early. */
	csat_job_at(23 * HOUR);
	cr_assert_eq(surveys(t), 0);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s'", req.email), 0);
	/* 25 hours on: one survey, one mail, with the assignee as agent. */
	csat_job_at(25 * HOUR);
	cr_assert_eq(surveys(t), 1);
	cr_assert_eq(client_sql_longf("SELECT agent_id FROM support_csat WHERE"
		" ticket_id = %ld", t), agent.row);
	cr_assert_eq(client_sql_longf("SELECT TIMESTAMPDIFF(DAY, sent_at,"
		" expires_at) FROM support_csat WHERE ticket_id = %ld", t), 28);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s' AND template = 'support_csat'", req.email), 1);
	/* Again: nothing more. */
	csat_job_at(26 * HOUR);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s' AND template = 'support_csat'", req.email), 1);

	tok = mailed_token(req.email, t);
	/* The token is kept only as its hash. */
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id = %ld AND token_hash = UNHEX(SHA2('%s', 256))", t, tok),
		1);

	/* A bad rating needs a reason: 422, nothing recorded. */
	snprintf(path, sizeof(path), "/api/v1/support/tickets/%ld/csat", t);
	snprintf(json, sizeof(json), "{\"token\": \"%s\", \"rating\": \"bad\"}",
		tok);
	client_call("POST", path, NULL, json, &r);
	client_assert_field_error(&r, "reason", "required");
	client_free(&r);
	snprintf(json, sizeof(json), "{\"token\": \"%s\", \"rating\": \"meh\"}",
		tok);
	client_call("POST", path, NULL, json, &r);
	client_assert_field_error(&r, "rating", "invalid_format");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT answered_at IS NULL FROM support_csat"
		" WHERE ticket_id = %ld", t), 1);

	/* A wrong token, or the right one on another ticket: 404. */
	cr_assert_eq(answer(t, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"good", NULL), 404);
	cr_assert_eq(answer(t + 1000000, tok, "good", NULL), 404);

	cr_assert_eq(answer(t, tok, "bad", "Took three days."), 204);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id = %ld AND rating = 'bad' AND reason = 'Took three days.'"
		" AND answered_at IS NOT NULL", t), 1);

	/* Single use: 410 csat_answered, the first answer stands. */
	snprintf(json, sizeof(json), "{\"token\": \"%s\", \"rating\": \"good\"}",
		tok);
	client_call("POST", path, NULL, json, &r);
	client_assert_problem(&r, 410, "csat_answered");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_csat WHERE"
		" ticket_id = %ld AND rating = 'bad'", t), 1);
	free(tok);
	desk_user_free(&req);
	desk_user_free(&agent);
}

Test(csat, an_expired_survey_is_gone_as_expired)
{
	struct desk_user req, agent;
	struct client_resp r;
	char path[128], json[256];
	char *tok;
	long t;

	desk_user_new(&agent, "support", NULL);
	/* Resolved 31 days ago and surveyed by a job that ran 29 days ago:
	 * its 28 days ended a day ago. */
	t = resolved_ticket(&req, &agent, 31 * DAY);
	csat_job_at(-29 * DAY);
	cr_assert_eq(surveys(t), 1);
	tok = mailed_token(req.email, t);
	/* 410 as a second use is, but saying expired, not answered. */
	snprintf(path, sizeof(path), "/api/v1/support/tickets/%ld/csat", t);
	snprintf(json, sizeof(json), "{\"token\": \"%s\", \"rating\": \"good\"}",
		tok);
	client_call("POST", path, NULL, json, &r);
	client_assert_problem(&r, 410, "csat_expired");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT answered_at IS NULL FROM support_csat"
		" WHERE ticket_id = %ld", t), 1);
	free(tok);
	desk_user_free(&req);
	desk_user_free(&agent);
}

Test(csat, no_survey_for_a_ticket_reopened_since)
{
	struct desk_user req, agent;
	long t;

	desk_user_new(&agent, "support", NULL);
	t = resolved_ticket(&req, &agent, 60);
	desk_sql("UPDATE support_tickets SET status = 'in_progress' WHERE"
		" id = %ld", t);
	csat_job_at(25 * HOUR);
	cr_assert_eq(surveys(t), 0);
	desk_user_free(&req);
	desk_user_free(&agent);
}

Test(csat, two_runs_at_once_send_one_survey)
{
	struct desk_user req[4], agent;
	char cmd[4096], *out;
	long t[4];
	int rc;

	desk_user_new(&agent, "support", NULL);
	for (int i = 0; i < 4; i++)
		t[i] = resolved_ticket(&req[i], &agent, 60);
	snprintf(cmd, sizeof(cmd), "for i in 1 2 3; do"
		" DEVFORGE_CLOCK_OFFSET_SECONDS=%ld %s -c '%s' jobs run --once"
		" --only csat-send & done; wait", 25 * HOUR, client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	rc = client_run(cmd, &out);
	cr_assert_eq(rc, 0, "%s", out);
	free(out);
	csat_job_at(25 * HOUR);      /* whatever a runner skipped */
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(surveys(t[i]), 1);
		cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox"
			" WHERE to_addr = '%s' AND template = 'support_csat'",
			req[i].email), 1, "ticket %ld", t[i]);
		desk_user_free(&req[i]);
	}
	desk_user_free(&agent);
}
