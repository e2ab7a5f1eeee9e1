/* devforgectl jobs run against the stack's database: each run of a job
 * is recorded in job_runs; a job whose MariaDB named lock another session
 * holds is skipped (not waited for) and the others still run, so two
 * runners never run one job at once; --only and its refusals; and what
 * the jobs do: purge-tokens deletes dead tokens and keeps live ones and
 * the spent refresh tokens reuse detection needs, mail-send delivers the
 * outbox, tickets-autoclose closes what was resolved long enough ago.
 * The runner sees the future through DEVFORGE_CLOCK_OFFSET_SECONDS, set
 * for that one process, while the stack's clock stays where it is. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <mysql.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "client.h"

#define REFRESH "/api/v1/auth/refresh"
#define PASSWORD "correct horse battery staple 42"

static const char *const job_names[] = {
	"license-cull", "mail-send", "purge-tokens", "tickets-autoclose",
	"sla-breach",
};
#define NJOBS (sizeof(job_names) / sizeof(job_names[0]))

static int lock_fd = -1;

/* The tests of this program take turns: a pass of one job touches what
 * another test of it is looking at. */
static void serialize(void)
{
	lock_fd = client_lock("test_jobs");
}

static void unserialize(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
}

TestSuite(jobs, .init = serialize, .fini = unserialize);

/* Runs `devforgectl jobs ARGS` with the clock offset_s ahead; its exit
 * status, and its output (stdout and stderr) in *out. */
static int jobs_run(long offset_s, const char *args, char **out)
{
	return client_ctl_run(offset_s, out, "jobs %s", args);
}

/* Runs one job once (offset_s ahead) and expects it to run and succeed. */
static void run_job(long offset_s, const char *name)
{
	char args[128], want[128], *out;
	int rc;

	snprintf(args, sizeof(args), "run --once --only %s", name);
	rc = jobs_run(offset_s, args, &out);
	cr_assert_eq(rc, 0, "jobs %s: %s", args, out);
	snprintf(want, sizeof(want), "jobs: %s: ok", name);
	cr_assert(strstr(out, want) != NULL, "%s", out);
	free(out);
}

/* 1 when out has the line "jobs: NAME: <what>..." */
static int said(const char *out, const char *name, const char *what)
{
	char want[128];

	snprintf(want, sizeof(want), "jobs: %s: %s", name, what);
	return strstr(out, want) != NULL;
}

/* A session of our own holding the named lock of a job, as another
 * runner (another host) would while it runs that job. */
static MYSQL *hold_lock(const char *name)
{
	MYSQL *m = mysql_init(NULL);
	char sql[256];
	MYSQL_RES *res;
	MYSQL_ROW row;

	cr_assert(m != NULL);
	cr_assert(mysql_real_connect(m, NULL, client_env("DEVFORGE_TEST_DB_ADMIN"),
		NULL, "devforge", 0, client_env("DEVFORGE_TEST_DB_SOCKET"), 0) != NULL,
		"connect: %s", mysql_error(m));
	snprintf(sql, sizeof(sql), "SELECT GET_LOCK('devforge.job.%s', 10)",
		name);
	cr_assert_eq(mysql_query(m, sql), 0, "%s", mysql_error(m));
	res = mysql_store_result(m);
	cr_assert(res != NULL);
	row = mysql_fetch_row(res);
	cr_assert(row != NULL && row[0] != NULL && strcmp(row[0], "1") == 0,
		"the lock of %s was not ours", name);
	mysql_free_result(res);
	return m;
}

static void release_lock(MYSQL *m)
{
	mysql_close(m);        /* the lock ends with the session */
}

Test(jobs, help_exits_0_and_lists_the_jobs)
{
	char *out;
	int rc = jobs_run(0, "run --help", &out);

	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "jobs run [--once] [--only NAME]") != NULL, "%s",
		out);
	for (size_t i = 0; i < NJOBS; i++)
		cr_assert(strstr(out, job_names[i]) != NULL, "%s: %s",
			job_names[i], out);
	free(out);
}

Test(jobs, unknown_job_name_exits_2_with_a_message_and_runs_nothing)
{
	char *out;
	long before = client_sql_longf("SELECT COUNT(*) FROM job_runs");
	int rc = jobs_run(0, "run --once --only no-such-job", &out);

	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, "no job named 'no-such-job'") != NULL, "%s", out);
	cr_assert(strstr(out, "purge-tokens") != NULL, "names the jobs: %s", out);
	free(out);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM job_runs"), before);
	rc = jobs_run(0, "run --once --only", &out);
	cr_assert_eq(rc, 2, "%s", out);
	free(out);
	rc = jobs_run(0, "run --twice", &out);
	cr_assert_eq(rc, 2, "%s", out);
	free(out);
}

Test(jobs, a_pass_runs_every_job_and_records_each_run)
{
	long t0 = client_sql_longf("SELECT UNIX_TIMESTAMP(UTC_TIMESTAMP())");
	char *out;
	int rc = jobs_run(0, "run --once", &out);

	cr_assert_eq(rc, 0, "%s", out);
	for (size_t i = 0; i < NJOBS; i++) {
		const char *n = job_names[i];

		/* Another program's runner may hold one: then it was skipped. */
		if (said(out, n, "skipped"))
			continue;
		cr_assert(said(out, n, "ok"), "%s: %s", n, out);
		cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM job_runs WHERE"
			" name = '%s' AND ok = 1 AND started_at >= FROM_UNIXTIME(%ld)"
			" AND finished_at >= started_at AND detail <> ''", n, t0), 1,
			"%s's run is not in job_runs", n);
	}
	free(out);
}

Test(jobs, the_old_spelling_still_runs_a_pass)
{
	char *out;
	int rc = jobs_run(0, "--once --only purge-tokens", &out);

	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(said(out, "purge-tokens", "ok"), "%s", out);
	free(out);
}

/* Another runner (our session) holds purge-tokens' lock: this runner
 * skips that job at once, says so, leaves its job_runs row alone, and
 * runs the others; once the lock is free the job runs again. */
Test(jobs, a_job_whose_lock_is_held_elsewhere_is_skipped_not_waited_for)
{
	MYSQL *m;
	char *out, *before, *after;
	int rc;

	run_job(0, "purge-tokens");
	before = client_sql("SELECT CONCAT(started_at, ' ', finished_at)"
		" FROM job_runs WHERE name = 'purge-tokens'");
	cr_assert(before != NULL);
	m = hold_lock("purge-tokens");
	rc = jobs_run(0, "run --once", &out);
	cr_assert_eq(rc, 0, "a skip is not a failure: %s", out);
	cr_assert(said(out, "purge-tokens", "skipped"), "%s", out);
	cr_assert(!said(out, "purge-tokens", "ok"), "%s", out);
	cr_assert(said(out, "mail-send", "ok") ||
		said(out, "mail-send", "skipped"), "%s", out);
	cr_assert(said(out, "tickets-autoclose", "ok") ||
		said(out, "tickets-autoclose", "skipped"), "%s", out);
	free(out);
	after = client_sql("SELECT CONCAT(started_at, ' ', finished_at)"
		" FROM job_runs WHERE name = 'purge-tokens'");
	cr_assert(after != NULL);
	cr_assert_str_eq(after, before, "the skipped run was recorded");
	free(after);
	release_lock(m);
	run_job(0, "purge-tokens");
	after = client_sql("SELECT CONCAT(started_at, ' ', finished_at)"
		" FROM job_runs WHERE name = 'purge-tokens'");
	cr_assert(after != NULL);
	cr_assert_str_neq(after, before);
	free(after);
	free(before);
}

/* Two whole passes started together: both finish without a failure and
 * every job ran in at least one of them (each job in exactly one of them
 * when their runs of it overlap: the test above makes that case sure). */
Test(jobs, two_runners_at_once_both_succeed)
{
	char cmd[4096], *out, path[2][512];
	int rc;

	for (int i = 0; i < 2; i++)
		snprintf(path[i], sizeof(path[i]), "%s/test_jobs.out%d",
			client_env("DEVFORGE_TEST_STACK_DIR"), i);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' jobs run --once >'%s' 2>&1 &"
		" a=$!; %s -c '%s' jobs run --once >'%s' 2>&1; b=$?;"
		" wait $a; a=$?; exit $((a + b))",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), path[0],
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), path[1]);
	rc = client_run(cmd, &out);
	free(out);
	{
		char *o0 = client_file(path[0]), *o1 = client_file(path[1]);

		cr_assert(o0 != NULL && o1 != NULL);
		cr_assert_eq(rc, 0, "%s\n--\n%s", o0, o1);
		for (size_t i = 0; i < NJOBS; i++) {
			const char *n = job_names[i];

			cr_assert(!said(o0, n, "failed") && !said(o1, n, "failed"),
				"%s\n--\n%s", o0, o1);
			cr_assert(said(o0, n, "ok") || said(o1, n, "ok") ||
				/* another program's runner had it both times */
				(said(o0, n, "skipped") && said(o1, n, "skipped")),
				"%s ran in neither: %s\n--\n%s", n, o0, o1);
		}
		free(o0);
		free(o1);
	}
	unlink(path[0]);
	unlink(path[1]);
}

Test(jobs, mail_send_job_delivers_the_outbox)
{
	const char *to_local = client_unique("jobmail");
	char to[128];

	snprintf(to, sizeof(to), "%s@jobs.example", to_local);
	free(client_sqlf("INSERT INTO mail_outbox (created_at, to_addr, subject,"
		" body, template, attempts, next_attempt_at) VALUES"
		" (UTC_TIMESTAMP(6), '%s', 'Queued for the jobs runner',"
		" 'Hello from the outbox.', 'test', 0, UTC_TIMESTAMP(6))", to));
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s' AND sent_at IS NULL", to), 1);
	run_job(0, "mail-send");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s' AND sent_at IS NOT NULL", to), 1);
	cr_assert_eq(client_maildir_find(to, "Queued for the jobs runner", NULL),
		1);
	/* Idempotent: a second pass sends nothing again. */
	run_job(0, "mail-send");
	cr_assert_eq(client_maildir_find(to, "Queued for the jobs runner", NULL),
		1);
}

/* A user_tokens row of user uid: expires / used days from now (a
 * negative number is in the past; used 0 for never). Its id. */
static long user_token(long uid, int expires_days, int used_days)
{
	char used[64];

	if (used_days == 0)
		snprintf(used, sizeof(used), "NULL");
	else
		snprintf(used, sizeof(used), "UTC_TIMESTAMP(6) + INTERVAL %d DAY",
			used_days);
	return client_sql_longf("INSERT INTO user_tokens (user_id, purpose, token_hash,"
		" created_at, expires_at, used_at) VALUES (%ld, 'password_reset',"
		" UNHEX(SHA2(UUID(), 256)), UTC_TIMESTAMP(6) - INTERVAL 30 DAY,"
		" UTC_TIMESTAMP(6) + INTERVAL %d DAY, %s); SELECT LAST_INSERT_ID()",
		uid, expires_days, used);
}

/* A refresh_tokens row of uid in family fam, expiring (days from now),
 * spent or not, revoked (days from now) or not (revoked 0). Its id. */
static long refresh_row(long uid, const char *fam, int expires_days,
	int spent, int revoked_days)
{
	char revoked[64];

	if (revoked_days == 0)
		snprintf(revoked, sizeof(revoked), "NULL");
	else
		snprintf(revoked, sizeof(revoked),
			"UTC_TIMESTAMP(6) + INTERVAL %d DAY", revoked_days);
	return client_sql_longf("INSERT INTO refresh_tokens (user_id, family_id,"
		" token_hash, created_at, expires_at, used_at, revoked_at) VALUES"
		" (%ld, '%s', UNHEX(SHA2(UUID(), 256)), UTC_TIMESTAMP(6) - INTERVAL"
		" 60 DAY, UTC_TIMESTAMP(6) + INTERVAL %d DAY, %s, %s);"
		" SELECT LAST_INSERT_ID()", uid, fam, expires_days,
		spent ? "UTC_TIMESTAMP(6) - INTERVAL 40 DAY" : "NULL", revoked);
}

static int token_kept(const char *table, long id)
{
	return client_sql_longf("SELECT COUNT(*) FROM %s WHERE id = %ld", table, id) == 1;
}

/* The grace is a week: a token dead for 8 days goes, one dead for a day
 * stays. The spent token of a login that can still be refreshed stays
 * whatever its own expiry, and presenting it still ends that login. */
Test(jobs, purge_tokens_deletes_dead_tokens_keeps_live_and_reuse_evidence)
{
	struct client_account a;
	struct client_resp r;
	char body[256], *fam;
	long uid, u_expired, u_used, u_recent, u_live, r_spent, r_live;
	long d_spent, d_head, v_old, v_recent, x_recent;

	client_account_new(&a, "purge", "jobs.example", PASSWORD);
	uid = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'", a.id);
	cr_assert(uid > 0);

	u_expired = user_token(uid, -8, 0);
	u_used = user_token(uid, 1, -8);
	u_recent = user_token(uid, -1, 0);      /* within the grace */
	u_live = user_token(uid, 1, 0);

	/* A real login, refreshed once: its first token is spent, the
	 * second live. The spent one's own expiry is put long past. */
	snprintf(body, sizeof(body), "{\"refresh_token\":\"%s\"}", a.refresh);
	client_call("POST", REFRESH, NULL, body, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	client_free(&r);
	r_spent = client_sql_longf("SELECT id FROM refresh_tokens WHERE token_hash ="
		" UNHEX(SHA2('%s', 256)) AND used_at IS NOT NULL", a.refresh);
	cr_assert(r_spent > 0);
	fam = client_sqlf("SELECT family_id FROM refresh_tokens WHERE id = %ld",
		r_spent);
	cr_assert(fam != NULL);
	r_live = client_sql_longf("SELECT id FROM refresh_tokens WHERE family_id = '%s'"
		" AND used_at IS NULL AND revoked_at IS NULL", fam);
	cr_assert(r_live > 0);
	free(client_sqlf("UPDATE refresh_tokens SET expires_at = UTC_TIMESTAMP(6)"
		" - INTERVAL 10 DAY WHERE id = %ld", r_spent));

	/* A dead login: spent and head both expired past the grace. */
	d_spent = refresh_row(uid, "d0000000000000000000000000000001", -10, 1, 0);
	d_head = refresh_row(uid, "d0000000000000000000000000000001", -9, 0, 0);
	/* Revoked logins: 8 days ago (goes), yesterday (stays). */
	v_old = refresh_row(uid, "d0000000000000000000000000000002", 20, 1, -8);
	v_recent = refresh_row(uid, "d0000000000000000000000000000003", 20, 0, -1);
	/* Expired yesterday: within the grace. */
	x_recent = refresh_row(uid, "d0000000000000000000000000000004", -1, 0, 0);

	run_job(0, "purge-tokens");

	cr_assert(!token_kept("user_tokens", u_expired));
	cr_assert(!token_kept("user_tokens", u_used));
	cr_assert(token_kept("user_tokens", u_recent));
	cr_assert(token_kept("user_tokens", u_live));
	cr_assert(token_kept("refresh_tokens", r_spent),
		"the spent token of a live login was purged");
	cr_assert(token_kept("refresh_tokens", r_live));
	cr_assert(!token_kept("refresh_tokens", d_spent));
	cr_assert(!token_kept("refresh_tokens", d_head));
	cr_assert(!token_kept("refresh_tokens", v_old));
	cr_assert(token_kept("refresh_tokens", v_recent));
	cr_assert(token_kept("refresh_tokens", x_recent));

	/* The kept spent token still does its work: presenting it again
	 * ends the login it was stolen from. */
	client_call("POST", REFRESH, NULL, body, &r);
	cr_assert_eq(r.status, 401, "%s", r.body);
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT revoked_at IS NOT NULL FROM refresh_tokens"
		" WHERE id = %ld", r_live), 1, "reuse was not detected");

	/* A grace later, that ended login goes too (two minutes more, no
	 * further: tokens of other programs' tests expiring sooner go too). */
	run_job(7L * 86400 + 120, "purge-tokens");
	cr_assert(!token_kept("refresh_tokens", r_spent));
	cr_assert(!token_kept("refresh_tokens", r_live));
	free(fam);
	client_account_free(&a);
}

/* A resolved ticket of a new user, resolved days_ago days ago. Its id. */
static long resolved_ticket(long uid, double days_ago)
{
	long secs = (long)(days_ago * 86400);

	return client_sql_longf("INSERT INTO support_tickets (requester_id, subject,"
		" category, status, resolved_at, created_at, updated_at) VALUES"
		" (%ld, 'jobs autoclose', 'other', 'resolved',"
		" UTC_TIMESTAMP(6) - INTERVAL %ld SECOND,"
		" UTC_TIMESTAMP(6) - INTERVAL 30 DAY,"
		" UTC_TIMESTAMP(6) - INTERVAL %ld SECOND); SELECT LAST_INSERT_ID()",
		uid, secs, secs);
}

/* With the clock moved on (this process only), a ticket resolved more
 * than support_autoclose_days ago closes and one resolved less does
 * not; closing is idempotent. */
Test(jobs, tickets_autoclose_closes_only_what_was_resolved_long_enough_ago)
{
	char id[40], *days_s = client_config("support_autoclose_days", "4");
	long days = atol(days_s), uid, old, fresh, offset;

	free(days_s);
	cr_assert(days >= 1 && days <= 28);
	cr_assert_eq(client_user("user", id), 0);
	uid = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'", id);
	old = resolved_ticket(uid, 2.0);
	fresh = resolved_ticket(uid, 1.0);
	/* The clock says: old was resolved days + 0.5 days ago, fresh
	 * days - 0.5 days ago. A ticket resolved now by another program
	 * stays far from the limit. */
	offset = (days - 2) * 86400 + 43200;

	run_job(offset, "tickets-autoclose");
	cr_assert_eq(client_sql_longf("SELECT status = 'closed' AND closed_at IS NOT NULL"
		" FROM support_tickets WHERE id = %ld", old), 1);
	cr_assert_eq(client_sql_longf("SELECT status = 'resolved' AND closed_at IS NULL"
		" FROM support_tickets WHERE id = %ld", fresh), 1);
	run_job(offset, "tickets-autoclose");
	cr_assert_eq(client_sql_longf("SELECT status = 'resolved' FROM support_tickets"
		" WHERE id = %ld", fresh), 1);
	/* An hour past fresh's limit, it closes too. */
	run_job((days - 1) * 86400 + 3600, "tickets-autoclose");
	cr_assert_eq(client_sql_longf("SELECT status = 'closed' FROM support_tickets"
		" WHERE id = %ld", fresh), 1);
}

/* A running first-reply target an hour past due is marked breached once,
 * and each mark counts in devforge_support_sla_breaches_total (the
 * runner adds to the workers' shared segment). */
Test(jobs, sla_breach_marks_once_and_counts_in_metrics)
{
	char id[40], *first, *again;
	long uid, ticket;
	double before, after;

	cr_assert_eq(client_user("user", id), 0);
	uid = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'", id);
	ticket = client_sql_longf("INSERT INTO support_tickets (requester_id, subject,"
		" category, status, created_at, updated_at) VALUES (%ld,"
		" 'jobs breach', 'other', 'open', UTC_TIMESTAMP(6) - INTERVAL 2 HOUR,"
		" UTC_TIMESTAMP(6) - INTERVAL 2 HOUR); SELECT LAST_INSERT_ID()", uid);
	free(client_sqlf("INSERT INTO support_sla_targets (ticket_id, metric, seq,"
		" target_minutes, started_at, due_at) VALUES (%ld, 'first_reply', 1,"
		" 60, UTC_TIMESTAMP(6) - INTERVAL 2 HOUR, UTC_TIMESTAMP(6) -"
		" INTERVAL 1 HOUR)", ticket));
	before = client_metric_now("devforge_support_sla_breaches_total", "");
	cr_assert(before >= 0, "no devforge_support_sla_breaches_total");
	run_job(0, "sla-breach");
	first = client_sqlf("SELECT breached_at FROM support_sla_targets WHERE"
		" ticket_id = %ld AND breached_at IS NOT NULL", ticket);
	cr_assert(first != NULL, "the target was not marked breached");
	after = client_metric_now("devforge_support_sla_breaches_total", "");
	cr_assert(after >= before + 1, "before %g, after %g", before, after);
	run_job(0, "sla-breach");
	again = client_sqlf("SELECT breached_at FROM support_sla_targets WHERE"
		" ticket_id = %ld", ticket);
	cr_assert(again != NULL);
	cr_assert_str_eq(again, first, "marked twice");
	free(first);
	free(again);
}
