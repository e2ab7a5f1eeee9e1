/* devforgectl mail-send against the stack's database: delivery into the
 * maildir, a failing sendmail (the row stays, with its error, attempts
 * and a growing delay, and goes out once sendmail works again), a bad
 * address, two senders at once delivering each row once, and the polling
 * mode stopped by SIGTERM. Sendmail is played by small shell scripts in
 * the stack directory. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "client.h"

/* Runs mail-send --once with extra environment (may be ""); exit status,
 * output in *out. */
static int mail_send(const char *env, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s %s -c '%s' mail-send --once", env, client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	return client_run(cmd, out);
}

/* mail-send --once through the sendmail program at path: it exits with
 * want. */
static void send_through(const char *path, int want)
{
	char env[1024], *out;

	snprintf(env, sizeof(env), "DEVFORGE_MAIL_TRANSPORT=sendmail "
		"DEVFORGE_SENDMAIL_PATH='%s'", path);
	cr_assert_eq(mail_send(env, &out), want, "%s", out);
	free(out);
}

static const char *unique_addr(void)
{
	static char buf[4][96];
	static unsigned seq, slot;
	char *b = buf[slot++ % 4];

	snprintf(b, sizeof(buf[0]), "m%d_%u_%ld@mail.example", getpid() % 100000,
		seq++, (long)time(NULL) % 1000000);
	return b;
}

static void hex(const char *s, char *out)
{
	for (; *s != '\0'; s++, out += 2)
		sprintf(out, "%02X", (unsigned char)*s);
	*out = '\0';
}

/* Queues a message straight in the outbox (text as hex, so the client's
 * character set cannot alter it); returns its id. */
static long enqueue(const char *to, const char *subject, const char *body)
{
	char sql[4096], hs[1024], hb[1024];

	hex(subject, hs);
	hex(body, hb);
	snprintf(sql, sizeof(sql), "INSERT INTO mail_outbox (created_at, to_addr,"
		" subject, body, template, attempts, next_attempt_at) VALUES"
		" (UTC_TIMESTAMP(6), '%s', CONVERT(UNHEX('%s') USING utf8mb4),"
		" CONVERT(UNHEX('%s') USING utf8mb4), 'test', 0, UTC_TIMESTAMP(6));"
		" SELECT LAST_INSERT_ID();", to, hs, hb);
	return client_sql_long(sql);
}

static void make_due(long id)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "UPDATE mail_outbox SET next_attempt_at = "
		"UTC_TIMESTAMP(6) WHERE id = %ld", id);
	free(client_sql(sql));
}

/* Column expression of the row, as text (malloc'd). */
static char *row(long id, const char *expr)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s FROM mail_outbox WHERE id = %ld",
		expr, id);
	return client_sql(sql);
}

static long row_long(long id, const char *expr)
{
	char *v = row(id, expr);
	long n = v ? atol(v) : -999999;

	free(v);
	return n;
}

/* Nothing else due, so a test sees only its own rows: delivers what
 * earlier tests left in the outbox. */
static void drain(void)
{
	char *out;

	mail_send("", &out);
	free(out);
	free(client_sql("UPDATE mail_outbox SET next_attempt_at = "
		"UTC_TIMESTAMP(6) + INTERVAL 1 YEAR WHERE sent_at IS NULL"));
}

/* An executable script in the stack directory; path (malloc'd). */
static char *script(const char *name, const char *text)
{
	char *path = malloc(1024);
	FILE *f;

	snprintf(path, 1024, "%s/%s-%d.sh", client_env("DEVFORGE_TEST_STACK_DIR"),
		name, getpid());
	f = fopen(path, "w");
	cr_assert(f != NULL);
	fprintf(f, "#!/bin/sh\n%s\n", text);
	fclose(f);
	chmod(path, 0700);
	return path;
}

/* The maildir message to `to` (malloc'd) and how many there are. */
static int maildir_find(const char *to, char **text)
{
	char *dir = client_config("mail_maildir", NULL), path[4096];
	struct dirent *e;
	DIR *d;
	int n = client_maildir_find(to, NULL, text);

	cr_assert(dir != NULL);
	/* Nothing is left half-written in tmp/. */
	snprintf(path, sizeof(path), "%s/tmp", dir);
	d = opendir(path);
	cr_assert(d != NULL);
	while ((e = readdir(d)) != NULL)
		cr_assert(e->d_name[0] == '.', "left in tmp/: %s", e->d_name);
	closedir(d);
	free(dir);
	return n;
}

Test(mail_send, delivers_into_the_maildir)
{
	const char *to = unique_addr();
	long id;
	char *out, *m;

	drain();
	id = enqueue(to, "Gr\xc3\xbc\xc3\x9f" "e aus der Schmiede",
		"Hallo,\nsch\xc3\xb6n.\n");
	cr_assert(id > 0);
	cr_assert_eq(mail_send("", &out), 0, "%s", out);
	cr_assert(strstr(out, "1 sent, 0 failed") != NULL, "%s", out);
	free(out);
	cr_assert_eq(row_long(id, "sent_at IS NOT NULL"), 1);
	cr_assert_eq(row_long(id, "attempts"), 0);

	cr_assert_eq(maildir_find(to, &m), 1);
	cr_assert_eq(strncmp(m, "Date: ", 6), 0, "%s", m);
	cr_assert(strstr(m, "\nFrom: Dev Forge <no-reply@devforge.dev>\n"), "%s", m);
	cr_assert(strstr(m, "\nSubject: =?UTF-8?B?"), "%s", m);
	cr_assert(strstr(m, "\nMessage-ID: <"), "%s", m);
	cr_assert(strstr(m, "\nMIME-Version: 1.0\n"), "%s", m);
	cr_assert(strstr(m, "\nContent-Type: text/plain; charset=utf-8\n"), "%s", m);
	cr_assert(strstr(m, "\nContent-Transfer-Encoding: quoted-printable\n"),
		"%s", m);
	cr_assert(strstr(m, "\n\nHallo,\nsch=C3=B6n.\n"), "%s", m);
	free(m);

	/* Sent is sent: a second pass delivers nothing again. */
	cr_assert_eq(mail_send("", &out), 0, "%s", out);
	free(out);
	cr_assert_eq(maildir_find(to, &m), 1);
	free(m);
}

Test(mail_send, a_failing_sendmail_keeps_the_mail_and_backs_off, .timeout = 60)
{
	const char *to = unique_addr();
	char env[2048], *fail, *ok, *out, *err, outfile[1024], *got;
	long id, wait1, wait2;

	drain();
	fail = script("sendmail-fail", "cat >/dev/null; echo 'relay down' >&2; "
		"exit 75");
	snprintf(outfile, sizeof(outfile), "%s/sendmail-out-%d",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	{
		char text[2200];

		snprintf(text, sizeof(text), "echo \"$@\" > '%s.args'; "
			"cat > '%s'", outfile, outfile);
		ok = script("sendmail-ok", text);
	}
	id = enqueue(to, "Retry me", "body\n");

	snprintf(env, sizeof(env), "DEVFORGE_MAIL_TRANSPORT=sendmail "
		"DEVFORGE_SENDMAIL_PATH='%s'", fail);
	cr_assert_eq(mail_send(env, &out), 1, "a failed delivery must exit 1: %s",
		out);
	cr_assert(strstr(out, "0 sent, 1 failed") != NULL, "%s", out);
	free(out);
	cr_assert_eq(row_long(id, "sent_at IS NULL"), 1, "the mail was lost");
	cr_assert_eq(row_long(id, "attempts"), 1);
	err = row(id, "last_error");
	cr_assert(err && strstr(err, "exited with status 75: relay down"), "%s",
		err ? err : "(null)");
	free(err);
	/* 1 minute after the first failure. */
	wait1 = row_long(id, "TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), "
		"next_attempt_at)");
	cr_assert(wait1 >= 55 && wait1 <= 60, "next attempt in %ld s", wait1);

	/* Not due yet: even a working sendmail leaves it alone. */
	send_through(ok, 0);
	cr_assert_eq(row_long(id, "sent_at IS NULL"), 1);

	/* Due again and failing again: 2 minutes. */
	make_due(id);
	send_through(fail, 1);
	cr_assert_eq(row_long(id, "attempts"), 2);
	wait2 = row_long(id, "TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), "
		"next_attempt_at)");
	cr_assert(wait2 >= 115 && wait2 <= 120, "next attempt in %ld s", wait2);

	/* Sendmail works again: delivered, with -t -i, error cleared. */
	make_due(id);
	send_through(ok, 0);
	cr_assert_eq(row_long(id, "sent_at IS NOT NULL"), 1);
	cr_assert_eq(row_long(id, "attempts"), 2);
	cr_assert_eq(row_long(id, "last_error IS NULL"), 1);
	got = client_file(outfile);
	cr_assert(got != NULL);
	cr_assert(strstr(got, "\nTo: ") != NULL && strstr(got, to) != NULL,
		"%s", got);
	cr_assert(strstr(got, "\nSubject: Retry me\n") != NULL, "%s", got);
	free(got);
	strcat(outfile, ".args");
	got = client_file(outfile);
	cr_assert_str_eq(got, "-t -i\n");
	free(got);
	unlink(outfile);
	outfile[strlen(outfile) - 5] = '\0';
	unlink(outfile);
	unlink(fail);
	unlink(ok);
	free(fail);
	free(ok);
}

Test(mail_send, a_missing_sendmail_is_a_recorded_failure)
{
	char *out, *err;
	long id;

	drain();
	id = enqueue(unique_addr(), "No sendmail", "x\n");
	cr_assert_eq(mail_send("DEVFORGE_MAIL_TRANSPORT=sendmail "
		"DEVFORGE_SENDMAIL_PATH=/nonexistent/sendmail", &out), 1, "%s", out);
	free(out);
	cr_assert_eq(row_long(id, "attempts"), 1);
	err = row(id, "last_error");
	cr_assert(err && strstr(err, "cannot run /nonexistent/sendmail"), "%s",
		err ? err : "(null)");
	free(err);
	drain();
}

Test(mail_send, an_unusable_address_stays_queued_with_the_reason)
{
	char *out, *err;
	long id;

	drain();
	id = enqueue("not-an-address", "Bad", "x\n");
	cr_assert_eq(mail_send("", &out), 1, "%s", out);
	free(out);
	cr_assert_eq(row_long(id, "sent_at IS NULL"), 1);
	cr_assert_eq(row_long(id, "attempts"), 1);
	err = row(id, "last_error");
	cr_assert(err && strstr(err, "recipient"), "%s", err ? err : "(null)");
	free(err);
	/* Out of the way of later tests, still unsent. */
	drain();
}

Test(mail_send, two_senders_deliver_each_mail_once, .timeout = 120)
{
	enum { N = 30 };
	char *slow, text[2048], log[1024], cmd[4096], *out, *got;
	long first = 0;

	drain();
	snprintf(log, sizeof(log), "%s/sendmail-log-%d",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	unlink(log);
	/* Appends the To line of each message it gets, slowly, so the two
	 * senders overlap. */
	snprintf(text, sizeof(text), "sleep 0.05; grep '^To: ' >> '%s'", log);
	slow = script("sendmail-slow", text);
	for (int i = 0; i < N; i++) {
		long id = enqueue(unique_addr(), "Once", "x\n");

		if (i == 0)
			first = id;
	}
	snprintf(cmd, sizeof(cmd), "for i in 1 2; do DEVFORGE_MAIL_TRANSPORT="
		"sendmail DEVFORGE_SENDMAIL_PATH='%s' %s -c '%s' mail-send --once "
		"--limit 100 & done; wait", slow, client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	client_run(cmd, &out);
	free(out);
	{
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM mail_outbox WHERE "
			"id >= %ld AND sent_at IS NULL", first);
		cr_assert_eq(client_sql_long(sql), 0, "some mail was not sent");
	}
	got = client_file(log);
	cr_assert(got != NULL);
	{
		int lines = 0;

		for (char *p = got; *p; p++)
			lines += *p == '\n';
		cr_assert_eq(lines, N, "%d deliveries for %d mails", lines, N);
	}
	/* Each address once. */
	snprintf(cmd, sizeof(cmd), "sort '%s' | uniq -d | wc -l", log);
	client_run(cmd, &out);
	cr_assert_eq(atoi(out), 0, "delivered twice: %s", out);
	free(out);
	free(got);
	unlink(log);
	unlink(slow);
	free(slow);
}

Test(mail_send, polls_until_sigterm, .timeout = 60)
{
	const char *to = unique_addr();
	char cmd[4096], *m;
	pid_t pid;
	long id;
	int st, i;

	drain();
	snprintf(cmd, sizeof(cmd), "exec %s -c '%s' mail-send >/dev/null", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	sleep(1);
	id = enqueue(to, "While polling", "x\n");
	for (i = 0; i < 150 && row_long(id, "sent_at IS NOT NULL") != 1; i++)
		usleep(100000);
	cr_assert_eq(row_long(id, "sent_at IS NOT NULL"), 1,
		"the polling sender did not deliver within 15 s");
	cr_assert_eq(maildir_find(to, &m), 1);
	free(m);
	cr_assert_eq(kill(pid, SIGTERM), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}

Test(mail_send, refuses_bad_options)
{
	char cmd[2048], *out;

	snprintf(cmd, sizeof(cmd), "%s -c '%s' mail-send --limit 0", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 2, "%s", out);
	cr_assert(strstr(out, "--limit") != NULL, "%s", out);
	free(out);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' mail-send --now", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 2, "%s", out);
	free(out);
}
