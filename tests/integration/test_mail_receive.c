/* E-mail replies to tickets through `devforgectl mail-receive` against
 * the stack's MariaDB, read back through the front server: each message
 * shape of tests/mail/ (Gmail, Outlook, Apple Mail, Thunderbird, an RFC
 * 2047 subject, an iso-8859-1 body) lands on its ticket as exactly the
 * text the writer typed; a second delivery of one message adds nothing;
 * a forged token, another sender, malformed MIME, no token, an unknown
 * ticket, an empty reply, an out-of-office answer and an oversized
 * message each end as a dead letter with their reason and add nothing; a reply to a closed ticket
 * makes a linked follow-up; a database that is down makes the MTA retry
 * (75). Each fixture gets the ticket's signed reply address (minted here
 * with the stack's jwt_secret, as the ticket mail does), the requester's
 * address and a Message-ID of its own. */
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
#define FIXTURE_FORGED "support+tNNN.deadbeefdeadbeefdeadbeef@devforge.dev"

TestSuite(mail_receive);

/* tests/mail/<name> made out to ticket id from p, its Message-ID made
 * unique (mid gets the bare id, without <>). */
static char *fixture(const char *name, long id, const struct desk_user *p,
	char *mid, size_t midcap)
{
	char addr[256], tnum[32], *s;

	desk_reply_address(id, addr, sizeof(addr));
	s = desk_mail_fixture(name, addr, p->email, "mr", mid, midcap);
	snprintf(tnum, sizeof(tnum), "+t%ld.", id);
	return desk_replace(s, "+tNNN.", tnum);
}

/* A new requester p with a new ticket (its id), and fixture name made
 * out to it in *raw (mid as fixture's). */
static long requester_reply(struct desk_user *p, const char *name,
	char **raw, char mid[160])
{
	long id;

	desk_user_new(p, "user", NULL);
	id = desk_ticket_post(p);
	*raw = fixture(name, id, p, mid, 160);
	return id;
}

/* Pipes raw into devforgectl mail-receive; its exit status and output. */
static int deliver_env(const char *env, const char *raw, size_t len, char **out)
{
	char path[256], cmd[1024];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/mail-%d-%s.eml",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid(), client_unique("m"));
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(raw, 1, len, f), len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s %s -c '%s' mail-receive < '%s'", env,
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), path);
	rc = client_run(cmd, out);
	unlink(path);
	return rc;
}

static int deliver(const char *raw, char **out)
{
	return deliver_env("", raw, strlen(raw), out);
}

/* Delivers raw: devforgectl mail-receive exits 0 and, unless what is
 * NULL, says what. */
static void deliver_saying(const char *raw, const char *what)
{
	char *out;

	cr_assert_eq(deliver(raw, &out), 0, "%s", out);
	if (what != NULL)
		cr_assert(strstr(out, what) != NULL, "%s", out);
	free(out);
}

/* The last message of the ticket: its body (malloc'd), checked to be the
 * requester's and via email. */
static char *last_message(const struct desk_user *p, long id, size_t *n)
{
	struct json_object *o = desk_ticket_json(p, id), *msgs, *m, *author, *v;
	char *body;

	cr_assert(json_object_object_get_ex(o, "messages", &msgs));
	*n = json_object_array_length(msgs);
	cr_assert(*n > 0);
	m = json_object_array_get_idx(msgs, *n - 1);
	cr_assert_str_eq(client_json_str(m, "via"), "email");
	cr_assert(json_object_object_get_ex(m, "internal", &v));
	cr_assert_eq(json_object_get_boolean(v), 0);
	cr_assert(json_object_object_get_ex(m, "author", &author));
	cr_assert_str_eq(client_json_str(author, "id"), p->id);
	body = strdup(client_json_str(m, "body"));
	json_object_put(o);
	return body;
}

/* A client's reply lands on its ticket as exactly the text typed. */
static void expect_placed(const char *name, const char *want)
{
	struct desk_user p;
	char mid[160], *raw, *out, *body;
	size_t n;
	long id;

	id = requester_reply(&p, name, &raw, mid);
	cr_assert_eq(deliver(raw, &out), 0, "%s: %s", name, out);
	cr_assert(strstr(out, "added to ticket") != NULL, "%s: %s", name, out);
	free(out);
	body = last_message(&p, id, &n);
	cr_assert_eq(n, 2, "%s: %zu messages", name, n);
	cr_assert_str_eq(body, want, "%s", name);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_mail_dead_letters"
		" WHERE message_id = '%s'", mid), 0);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_ticket_messages"
		" WHERE mail_message_id = '%s' AND ticket_id = %ld", mid, id), 1);
	free(body);
	free(raw);
	free(p.auth);
}

Test(mail_receive, gmail_reply_lands_as_the_typed_text)
{
	expect_placed("gmail_reply.eml",
		"Hi,\n\nThanks \xE2\x80\x94 the licence key works now on my laptop, "
		"but the desktop still says \"machine limit reached\" when I start "
		"the extension after the update to 2.4.1. Could you reset the "
		"activations?\n\nBest,\nJane");
}

Test(mail_receive, outlook_reply_lands_as_the_typed_text)
{
	expect_placed("outlook_reply.eml",
		"Hello,\n\nI attached nothing this time, sorry. The error is still "
		"there: \xE2\x80\x9CSignature invalid\xE2\x80\x9D. It happens on "
		"Windows 11 only.\n\nKind regards\nJane Doe");
}

Test(mail_receive, iphone_reply_lands_as_the_typed_text)
{
	expect_placed("iphone_reply.eml",
		"Still the same after the reset. I restarted the editor twice and "
		"it keeps asking for the key.");
}

Test(mail_receive, thunderbird_reply_lands_as_the_typed_text)
{
	expect_placed("thunderbird_reply.eml",
		"Here it is, pasted inline: \"licence check failed: clock skew "
		"3612 s\". The clock of that machine was one hour off; fixed now, "
		"and it works. Thanks!");
}

Test(mail_receive, utf8_subject_reply_lands)
{
	expect_placed("utf8_subject.eml",
		"Danke, die \xC3\x9C" "bersicht ist jetzt korrekt.");
}

Test(mail_receive, latin1_quoted_printable_reply_lands_as_utf8)
{
	expect_placed("latin1_qp.eml", "Sch\xC3\xB6ne Gr\xC3\xBC\xC3\x9F" "e aus "
		"M\xC3\xBCnchen \xE2\x80\x93 the caf\xC3\xA9 laptop works now.");
}

Test(mail_receive, second_delivery_of_one_message_id_adds_nothing)
{
	struct desk_user p;
	char mid[160], *raw;
	long id;

	id = requester_reply(&p, "gmail_reply.eml", &raw, mid);
	deliver_saying(raw, NULL);
	cr_assert_eq(desk_message_count(&p, id), 2);
	deliver_saying(raw, "duplicate");
	cr_assert_eq(desk_message_count(&p, id), 2);
	free(raw);
	free(p.auth);
}

Test(mail_receive, same_bytes_without_message_id_dedupe_by_hash)
{
	struct desk_user p;
	char addr[256], raw[1024];
	long id;

	desk_user_new(&p, "user", NULL);
	id = desk_ticket_post(&p);
	desk_reply_address(id, addr, sizeof(addr));
	snprintf(raw, sizeof(raw), "From: <%s>\nTo: <%s>\nSubject: Re: x %s\n\n"
		"No Message-ID here.\n", p.email, addr, client_unique("nomid"));
	deliver_saying(raw, "added to ticket");
	deliver_saying(raw, "duplicate");
	cr_assert_eq(desk_message_count(&p, id), 2);
	free(p.auth);
}

/* The dead letter of Message-ID mid: its reason (malloc'd) or NULL. */
static char *dead_reason(const char *mid)
{
	return client_sqlf("SELECT reason FROM support_mail_dead_letters"
		" WHERE message_id = '%s'", mid);
}

static void expect_dead(const struct desk_user *p, long id, const char *raw,
	const char *mid, const char *reason)
{
	char *got;

	deliver_saying(raw, "dead letter");
	got = dead_reason(mid);
	cr_assert_not_null(got, "no dead letter for %s", mid);
	cr_assert_str_eq(got, reason);
	free(got);
	/* Kept whole. */
	cr_assert_eq(client_sql_longf("SELECT LENGTH(raw) = %zu FROM"
		" support_mail_dead_letters WHERE message_id = '%s'", strlen(raw),
		mid), 1);
	if (id > 0)
		cr_assert_eq(desk_message_count(p, id), 1);
}

/* Fixture name made out to a new ticket of a new requester must end as
 * a dead letter for reason (expect_dead); the ticket's id, its
 * Message-ID in mid. */
static long expect_dead_fixture(const char *name, const char *reason,
	char mid[160])
{
	struct desk_user p;
	char *raw;
	long id;

	id = requester_reply(&p, name, &raw, mid);
	expect_dead(&p, id, raw, mid, reason);
	free(raw);
	desk_user_free(&p);
	return id;
}

Test(mail_receive, forged_token_is_a_dead_letter_and_adds_nothing)
{
	char mid[160];

	expect_dead_fixture("forged_token.eml", "forged_token", mid);
}

Test(mail_receive, other_sender_is_a_dead_letter_and_adds_nothing)
{
	char mid[160];
	long id = expect_dead_fixture("other_sender.eml", "sender_mismatch", mid);

	cr_assert_eq(client_sql_longf("SELECT ticket_id FROM "
		"support_mail_dead_letters WHERE message_id = '%s'", mid), id);
}

Test(mail_receive, malformed_mime_is_a_dead_letter_and_adds_nothing)
{
	char mid[160], *detail;

	expect_dead_fixture("malformed_mime.eml", "malformed", mid);
	detail = client_sqlf("SELECT detail FROM support_mail_dead_letters"
		" WHERE message_id = '%s'", mid);
	cr_assert_str_eq(detail, "multipart boundary never appears");
	free(detail);
}

Test(mail_receive, no_token_and_unknown_ticket_are_dead_letters)
{
	struct desk_user p;
	char mid[160], addr[256], *raw;
	long id;

	id = requester_reply(&p, "iphone_reply.eml", &raw, mid);
	desk_reply_address(id, addr, sizeof(addr));
	raw = desk_replace(raw, addr, "support@devforge.dev");
	expect_dead(&p, id, raw, mid, "no_token");
	free(raw);
	/* A genuine token of a ticket that does not exist. */
	raw = fixture("iphone_reply.eml", 2000000000L, &p, mid, sizeof(mid));
	expect_dead(&p, 0, raw, mid, "unknown_ticket");
	cr_assert_eq(desk_message_count(&p, id), 1);
	free(raw);
	free(p.auth);
}

/* A message written here from a new requester to their new ticket's
 * reply address, From, To and a Message-ID of its own (tag first), then
 * rest (more headers, a blank line, the body; "{addr}" stands for the
 * reply address), must end as a dead letter for reason. */
static void expect_dead_written(const char *tag, const char *rest,
	const char *reason)
{
	struct desk_user p;
	char addr[256], mid[64], *raw;
	long id;

	desk_user_new(&p, "user", NULL);
	id = desk_ticket_post(&p);
	desk_reply_address(id, addr, sizeof(addr));
	snprintf(mid, sizeof(mid), "%s@example.com", client_unique(tag));
	cr_assert(asprintf(&raw, "From: <%s>\nTo: <%s>\nMessage-ID: <%s>\n%s",
		p.email, addr, mid, rest) > 0);
	raw = desk_replace(raw, "{addr}", addr);
	expect_dead(&p, id, raw, mid, reason);
	free(raw);
	desk_user_free(&p);
}

Test(mail_receive, only_quoted_history_is_an_empty_body_dead_letter)
{
	expect_dead_written("empty", "Subject: Re: x\n\nOn Mon, Dec 7, 2026 at"
		" 10:15 AM Support <{addr}> wrote:\n> old text\n", "empty_body");
}

Test(mail_receive, out_of_office_reply_is_kept_and_adds_nothing)
{
	expect_dead_written("ooo", "Auto-Submitted: auto-replied\nSubject: Out"
		" of office\n\nI am away until Monday.\n", "auto_reply");
}

Test(mail_receive, over_ten_mib_is_a_too_large_dead_letter)
{
	struct desk_user p;
	char addr[256], head[1024], mid[64], *raw, *out, *got;
	size_t hl, len = (10u << 20) + 4096;
	long id;

	desk_user_new(&p, "user", NULL);
	id = desk_ticket_post(&p);
	desk_reply_address(id, addr, sizeof(addr));
	snprintf(mid, sizeof(mid), "%s@example.com", client_unique("big"));
	hl = (size_t)snprintf(head, sizeof(head), "From: <%s>\nTo: <%s>\n"
		"Message-ID: <%s>\nSubject: big\n\n", p.email, addr, mid);
	raw = malloc(len);
	cr_assert_not_null(raw);
	memcpy(raw, head, hl);
	memset(raw + hl, 'a', len - hl);
	for (size_t i = hl + 76; i < len; i += 77)
		raw[i] = '\n';
	cr_assert_eq(deliver_env("", raw, len, &out), 0, "%s", out);
	free(out);
	got = dead_reason(mid);
	cr_assert_not_null(got);
	cr_assert_str_eq(got, "too_large");
	free(got);
	cr_assert_eq(client_sql_longf("SELECT LENGTH(raw) FROM "
		"support_mail_dead_letters WHERE message_id = '%s'", mid),
		10L << 20);
	cr_assert_eq(desk_message_count(&p, id), 1);
	free(raw);
	free(p.auth);
}

Test(mail_receive, reply_to_a_closed_ticket_makes_a_follow_up)
{
	struct desk_user p;
	char mid[160], *raw, *body;
	long id, follow;
	size_t n;

	desk_user_new(&p, "user", NULL);
	id = desk_ticket_post(&p);
	free(client_sqlf("UPDATE support_tickets SET status = 'closed',"
		" resolved_at = UTC_TIMESTAMP(), closed_at = UTC_TIMESTAMP()"
		" WHERE id = %ld", id));
	raw = fixture("thunderbird_reply.eml", id, &p, mid, sizeof(mid));
	deliver_saying(raw, "follow-up");
	cr_assert_eq(desk_message_count(&p, id), 1);
	follow = client_sql_longf("SELECT id FROM support_tickets"
		" WHERE follow_up_of = %ld", id);
	cr_assert(follow > id);
	body = last_message(&p, follow, &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(body, "Here it is, pasted inline: \"licence check "
		"failed: clock skew 3612 s\". The clock of that machine was one "
		"hour off; fixed now, and it works. Thanks!");
	free(body);
	free(raw);
	free(p.auth);
}

Test(mail_receive, database_down_asks_the_mta_to_retry)
{
	struct desk_user p;
	char mid[160], env[512], *raw, *out;
	long id;

	id = requester_reply(&p, "gmail_reply.eml", &raw, mid);
	snprintf(env, sizeof(env), "DEVFORGE_DB_SOCKET='%s/no-such.sock'",
		client_env("DEVFORGE_TEST_STACK_DIR"));
	cr_assert_eq(deliver_env(env, raw, strlen(raw), &out), 75, "%s", out);
	free(out);
	cr_assert_eq(desk_message_count(&p, id), 1);
	/* The MTA's retry, with the database back, places it. */
	deliver_saying(raw, "added to ticket");
	cr_assert_eq(desk_message_count(&p, id), 2);
	free(raw);
	free(p.auth);
}

Test(mail_receive, help_says_how_to_use_it)
{
	char cmd[512], *out;

	snprintf(cmd, sizeof(cmd), "%s mail-receive --help", client_ctl());
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	cr_assert(strstr(out, "EX_TEMPFAIL") != NULL, "%s", out);
	free(out);
}
