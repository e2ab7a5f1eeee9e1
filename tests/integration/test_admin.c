/* Admin user management, the developer programme and devforgectl
 * create-admin, through the front server and against the stack's
 * database: search, filters and cursor pages, role and status changes
 * (the last active admin protected even against two admins demoting each
 * other at once), suspension ending sessions, applications with their
 * review, public profiles, and hostile text stored verbatim. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "client.h"

#define USERS "/api/v1/admin/users"
#define APPS "/api/v1/admin/developer-applications"
#define APPLY "/api/v1/developers/applications"
#define MY_APP "/api/v1/developers/applications/me"

/* A word unique to this test run, for usernames and searches. */
static const char *marker(void)
{
	static char buf[32];
	static unsigned seq;

	/* Ends in 'z' so that no marker is a prefix of another. */
	snprintf(buf, sizeof(buf), "m%05ld%03dx%uz", (long)time(NULL) % 100000,
		getpid() % 1000, seq++);
	return buf;
}

/* s with ' and \ doubled, for SQL text in this test only. */
static char *sql_quote(const char *s)
{
	char *o = malloc(2 * strlen(s) + 1), *p = o;

	cr_assert(o != NULL);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			*p++ = *s;
		*p++ = *s;
	}
	*p = '\0';
	return o;
}

/* A user with the given name, e-mail, role and status; its public id
 * goes to pid. */
static void make_user(const char *name, const char *email, const char *role,
	const char *status, char pid[37])
{
	char *e = sql_quote(email), *v;

	v = client_sqlf("INSERT INTO users (public_id, email, username, password_hash,"
		" role, status, created_at, updated_at) VALUES (UUID(), '%s', '%s',"
		" '$scrypt$unusable', '%s', '%s', UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6)); SELECT public_id FROM users WHERE"
		" username = '%s';", e, name, role, status, name);
	free(e);
	cr_assert(v != NULL && strlen(v) == 36, "cannot create user %s", name);
	memcpy(pid, v, 37);
	free(v);
}

/* A formatted string in one of four rotating static buffers. */
static char *path_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *path_of(const char *fmt, ...)
{
	static char buf[4][512];
	static int k;
	char *p = buf[k++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, 512, fmt, ap);
	va_end(ap);
	return p;
}

static char *user_col(const char *pid, const char *col)
{
	return client_sqlf("SELECT %s FROM users WHERE public_id = '%s'", col,
		pid);
}

/* The column col of the user pid holds want. */
static void expect_user_col(const char *pid, const char *col,
	const char *want)
{
	char *v = user_col(pid, col);

	cr_assert_str_eq(v, want, "%s", col);
	free(v);
}

/* An admin of the stack; its bearer header is returned. */
static char *new_admin(char pid[37])
{
	char name[40];

	snprintf(name, sizeof(name), "adm%s", marker());
	make_user(name, path_of("%s@admin.example", name), "admin", "active",
		pid);
	return client_bearer(pid, "user", 1);
}

/* Usernames of a list answer's items, joined by ','. */
static char *item_names(struct json_object *o)
{
	struct json_object *items;
	char *out = calloc(1, 1);
	size_t len = 0;

	cr_assert(json_object_object_get_ex(o, "items", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		const char *u = client_json_str(
			json_object_array_get_idx(items, i), "username");
		size_t n = strlen(u);

		out = realloc(out, len + n + 2);
		memcpy(out + len, u, n);
		len += n;
		out[len++] = ',';
		out[len] = '\0';
	}
	return out;
}

/* GET path as admin; 200 expected; returns the parsed body. */
static struct json_object *get_ok(const char *path, const char *auth)
{
	struct client_resp r;
	struct json_object *o;

	client_call("GET", path, auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

/* The usernames of the page GET path answers, as item_names lists them. */
static char *names_at(const char *path, const char *auth)
{
	struct json_object *o = get_ok(path, auth);
	char *names = item_names(o);

	json_object_put(o);
	return names;
}

/* The page GET path answers lists exactly the usernames want names
 * (each followed by ','; "" for an empty page). */
static void expect_names(const char *path, const char *auth, const char *want)
{
	char *names = names_at(path, auth);

	cr_assert_str_eq(names, want, "GET %s", path);
	free(names);
}

/* An active user named prefix+marker with that e-mail; its name to n,
 * its public id to p. */
static void make_marked(char n[40], const char *prefix, const char *m,
	const char *email, char p[37])
{
	snprintf(n, 40, "%s%s", prefix, m);
	make_user(n, email, "user", "active", p);
}

/* --- the list ------------------------------------------------------- */

Test(admin_users, get_shows_the_admin_view)
{
	char apid[37], pid[37], name[40];
	char *adm = new_admin(apid);
	struct json_object *o;

	snprintf(name, sizeof(name), "u%s", marker());
	make_user(name, path_of("%s@get.example", name), "support", "suspended",
		pid);
	o = get_ok(path_of(USERS "/%s", pid), adm);
	cr_assert_str_eq(client_json_str(o, "id"), pid);
	cr_assert_str_eq(client_json_str(o, "username"), name);
	cr_assert_str_eq(client_json_str(o, "role"), "support");
	cr_assert_str_eq(client_json_str(o, "status"), "suspended");
	cr_assert_not_null(client_json_str(o, "updated_at"));
	cr_assert_null(client_json_str(o, "password_hash"));
	cr_assert_null(client_json_str(o, "mfa_secret"));
	json_object_put(o);

	cr_assert_eq(client_status("GET",
		USERS "/00000000-0000-4000-8000-000000000000",
		adm, NULL), 404);
	cr_assert_eq(client_status("GET", USERS "/not-a-uuid", adm, NULL), 404);
	cr_assert_eq(client_status("GET", USERS "/1", adm, NULL), 404);
	free(adm);
}

Test(admin_users, search_matches_username_and_email_prefixes)
{
	char apid[37], p1[37], p2[37], p3[37], n1[40], n2[40], n3[40];
	char *adm = new_admin(apid), *names;
	const char *m = marker();
	struct json_object *o;

	make_marked(n1, "alpha", m, path_of("first.%s@search.example", m), p1);
	make_marked(n2, "beta", m, path_of("second.%s@search.example", m), p2);
	make_marked(n3, "gamma", m, "someone.else@elsewhere.example.org", p3);
	/* Replace the fixed address so reruns do not collide. */
	free(client_sqlf("UPDATE users SET email = CONCAT('x', '%s', '@other.example')"
		" WHERE public_id = '%s'", m, p3));

	/* The start of an e-mail address only. */
	expect_names(path_of(USERS "?q=x%s", m), adm, path_of("%s,", n3));

	/* Text inside an address or username but at the start of none: a
	 * prefix is what an index range can find at 200,000 users. */
	expect_names(path_of(USERS "?q=%s", m), adm, "");

	/* The e-mail only, and case does not matter. */
	expect_names(path_of(USERS "?q=SECOND.%s%%40SEARCH", m), adm,
		path_of("%s,", n2));

	/* A prefix of a username. */
	expect_names(path_of(USERS "?q=alpha%s", m), adm,
		path_of("%s,", n1));

	/* Text no account has: an empty page, not an error. */
	o = get_ok(path_of(USERS "?q=zz%sqq", m), adm);
	names = item_names(o);
	cr_assert_str_eq(names, "");
	cr_assert_null(client_json_str(o, "next_cursor"));
	free(names);
	json_object_put(o);
	free(adm);
}

Test(admin_users, search_wildcards_and_quotes_are_literal)
{
	char apid[37], p1[37], p2[37], p3[37], n1[40], n2[40], n3[40];
	char *adm = new_admin(apid), *names;
	const char *m = marker();

	make_marked(n1, "pct", m, path_of("a%%b_c!%s@lit.example", m), p1);
	make_marked(n2, "plain", m, path_of("axbyc!%s@lit.example", m), p2);
	make_marked(n3, "quote", m, path_of("o'brien\\%s@lit.example", m), p3);

	/* "%b_" matches the one address holding it, not "xby". */
	expect_names(path_of(USERS "?q=a%%25b_c%%21%s", m), adm,
		path_of("%s,", n1));

	/* A "%" is a character to find, not "anything". */
	names = names_at(USERS "?q=a%25&limit=100", adm);
	cr_assert(strstr(names, n1) != NULL && strstr(names, n2) == NULL,
		"%s", names);
	free(names);

	expect_names(path_of(USERS "?q=o%%27brien%%5C%s", m), adm,
		path_of("%s,", n3));

	/* "!" is the escape character inside the pattern: found literally. */
	expect_names(path_of(USERS "?q=axbyc%%21%s", m), adm,
		path_of("%s,", n2));

	/* Text outside ASCII cannot be in an address or username. */
	expect_names(USERS "?q=%C3%A9", adm, "");
	free(adm);
}

Test(admin_users, filters_by_role_and_status)
{
	char apid[37], p[4][37], n[4][40];
	char *adm = new_admin(apid), *names;
	const char *m = marker();
	static const char *roles[] = { "user", "support", "developer", "support" };
	static const char *st[] = { "active", "active", "suspended", "suspended" };

	for (int i = 0; i < 4; i++) {
		/* The marker first: the search matches a prefix. */
		snprintf(n[i], sizeof(n[i]), "%sf%d", m, i);
		make_user(n[i], path_of("%s@filter.example", n[i]), roles[i], st[i],
			p[i]);
	}
	names = names_at(path_of(USERS "?q=%s&role=support", m), adm);
	cr_assert(strstr(names, n[1]) && strstr(names, n[3]) &&
		!strstr(names, n[0]) && !strstr(names, n[2]), "%s", names);
	free(names);

	names = names_at(path_of(USERS "?q=%s&status=suspended", m), adm);
	cr_assert(strstr(names, n[2]) && strstr(names, n[3]) &&
		!strstr(names, n[0]) && !strstr(names, n[1]), "%s", names);
	free(names);

	expect_names(path_of(USERS "?q=%s&role=support&status=active", m), adm,
		path_of("%s,", n[1]));

	struct client_resp r;
	client_call("GET", USERS "?role=root&status=banned", adm, NULL, &r);
	cr_assert_eq(r.status, 422, "%ld %s", r.status, r.body);
	cr_assert(strstr(r.body, "\"field\":\"role\"") &&
		strstr(r.body, "\"field\":\"status\""), "%s", r.body);
	client_free(&r);
	free(adm);
}

/* At 200,000 accounts the list must not walk them all for a filter or a
 * search few accounts match: a prefix nobody has (a substring search
 * read every account for it) and a role and status nobody combines read
 * no account rows. */
Test(admin_users, rare_searches_and_filters_read_few_rows)
{
	char apid[37], *adm = new_admin(apid), path[256];
	char *s = client_sql("SELECT COUNT(*) FROM users");
	const char *m = marker();
	long users, before, read;
	int i;

	cr_assert(s != NULL);
	users = strtol(s, NULL, 10);
	free(s);
	cr_assert(users >= 10, "%ld", users);
	/* Nobody is a suspended support account at the start of this test;
	 * make sure of it (other tests may have left one). */
	free(client_sql("UPDATE users SET status = 'active'"
		" WHERE role = 'support' AND status = 'suspended'"));
	before = client_rows_read();
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), USERS "?q=zz%s%d", m, i);
		expect_names(path, adm, "");
		snprintf(path, sizeof(path),
			USERS "?role=support&status=suspended&limit=%d", 10 + i);
		expect_names(path, adm, "");
	}
	read = client_rows_read() - before;
	/* 10 walks would read at least 10 * users rows. */
	cr_assert(read < 2 * users, "%ld rows read for 10 empty lists"
		" (%ld accounts)", read, users);
	free(adm);
}

Test(admin_users, cursor_pages_are_stable_while_rows_are_added)
{
	char apid[37], pid[37], name[256], seen[2048] = "", path[512];
	char *adm = new_admin(apid);
	const char *m = marker();
	const char *cursor = NULL;
	struct json_object *o;
	int pages = 0, added = 0;

	for (int i = 0; i < 5; i++) {
		/* The marker first: the search matches a prefix. */
		snprintf(name, sizeof(name), "%spg%d", m, i);
		make_user(name, path_of("%s@page.example", name), "user", "active",
			pid);
	}
	snprintf(path, sizeof(path), USERS "?q=%s&limit=2", m);
	for (;;) {
		struct json_object *items;
		char *names;

		o = get_ok(path, adm);
		cr_assert(json_object_object_get_ex(o, "items", &items));
		cr_assert_leq(json_object_array_length(items), 2);
		names = item_names(o);
		strcat(seen, names);
		free(names);
		pages++;
		/* New rows between pages must neither repeat nor push old
		 * ones off the remaining pages. */
		if (added < 2) {
			snprintf(name, sizeof(name), "%spgnew%d", m, added++);
			make_user(name, path_of("%s@page.example", name), "user",
				"active", pid);
		}
		cursor = client_json_str(o, "next_cursor");
		if (cursor == NULL) {
			json_object_put(o);
			break;
		}
		snprintf(path, sizeof(path), USERS "?q=%s&limit=2&cursor=%s", m,
			cursor);
		json_object_put(o);
		cr_assert_lt(pages, 10);
	}
	/* Newest first, each of the five exactly once. */
	snprintf(name, sizeof(name), "%spg4,%spg3,%spg2,%spg1,%spg0,", m, m, m,
		m, m);
	cr_assert_str_eq(seen, name);
	cr_assert_eq(pages, 3);
	free(adm);
}

Test(admin_users, bad_limits_and_cursors_are_refused)
{
	char apid[37];
	char *adm = new_admin(apid);
	static const char *bad[] = {
		USERS "?limit=0", USERS "?limit=101", USERS "?limit=abc",
		USERS "?limit=-1", USERS "?limit=1.5", USERS "?cursor=abc",
		USERS "?cursor=", USERS "?cursor=dXNlcnMuMA",  /* users.0 */
		USERS "?cursor=dXNlcnMuLTE",                   /* users.-1 */
		USERS "?cursor=ZGV2YXBwcy4x",                  /* devapps.1 */
		USERS "?cursor=dXNlcnMuMXg",                   /* users.1x */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct client_resp r;

		client_call("GET", bad[i], adm, NULL, &r);
		cr_assert_eq(r.status, 422, "%s: %ld %s", bad[i], r.status, r.body);
		cr_assert(strstr(r.body, "validation_failed"), "%s", r.body);
		client_free(&r);
	}
	/* users.1: a well-formed cursor (nothing comes before row 1). */
	cr_assert_eq(client_status("GET", USERS "?cursor=dXNlcnMuMQ&limit=100",
		adm,
		NULL), 200);
	free(adm);
}

/* --- changes ---------------------------------------------------------- */

Test(admin_users, patch_changes_role_and_audits_it)
{
	char apid[37], pid[37], name[40];
	char *adm = new_admin(apid), *v;
	struct client_resp r;
	struct json_object *o;

	snprintf(name, sizeof(name), "r%s", marker());
	make_user(name, path_of("%s@role.example", name), "user", "active", pid);
	client_call("PATCH", path_of(USERS "/%s", pid), adm,
		"{\"role\":\"support\"}", &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "role"), "support");
	cr_assert_str_eq(client_json_str(o, "status"), "active");
	json_object_put(o);
	client_free(&r);

	expect_user_col(pid, "role", "support");
	/* A role change alone leaves sessions alone. */
	expect_user_col(pid, "token_version", "1");
	v = client_sqlf("SELECT CONCAT(actor_id, '|', JSON_VALUE(detail, '$.old.role'),"
		" '|', JSON_VALUE(detail, '$.new.role'), '|',"
		" JSON_VALUE(detail, '$.new.status'), '|', client_addr)"
		" FROM audit_log WHERE event = 'admin.user_updated'"
		" AND subject_id = '%s'", pid);
	cr_assert_not_null(v);
	cr_assert_str_eq(v, path_of("%s|user|support|active|127.0.0.1", apid));
	free(v);

	/* The same values again: nothing changes, nothing is audited. */
	client_call("PATCH", path_of(USERS "/%s", pid), adm,
		"{\"role\":\"support\",\"status\":\"active\"}", &r);
	cr_assert_eq(r.status, 200);
	client_free(&r);
	v = client_sqlf("SELECT COUNT(*) FROM audit_log WHERE subject_id = '%s'", pid);
	cr_assert_str_eq(v, "1");
	free(v);
	free(adm);
}

Test(admin_users, patch_validates_its_body)
{
	char apid[37], pid[37];
	char *adm = new_admin(apid);
	const char *path;
	struct client_resp r;

	cr_assert_eq(client_user("user", pid), 0);
	path = path_of(USERS "/%s", pid);
	static const char *bad[] = {
		"{\"role\":\"root\"}", "{\"role\":\"none\"}", "{\"role\":\"Admin\"}",
		"{\"status\":\"banned\"}", "{\"status\":null}", "{\"role\":1}",
		"{\"email\":\"x@y.example\"}", "{\"role\":\"admin\",\"x\":1}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		client_call("PATCH", path, adm, bad[i], &r);
		cr_assert_eq(r.status, 422, "%s: %ld %s", bad[i], r.status, r.body);
		client_free(&r);
	}
	const char *hs[] = { adm, "Content-Type: text/plain", NULL };
	cr_assert(client_request("PATCH", client_url(path), hs,
		"{\"role\":\"admin\"}", 16, &r) == 0);
	cr_assert_eq(r.status, 415);
	client_free(&r);
	cr_assert_eq(client_status("PATCH", path, adm, "[]"), 400);
	cr_assert_eq(client_status("PATCH",
		USERS "/00000000-0000-4000-8000-000000000000", adm,
		"{\"role\":\"admin\"}"), 404);
	expect_user_col(pid, "role", "user");
	free(adm);
}

Test(admin_users, a_role_change_applies_to_the_next_request)
{
	char apid[37], pid[37];
	char *adm = new_admin(apid), *tok;

	cr_assert_eq(client_user("user", pid), 0);
	tok = client_bearer(pid, "user", 1);
	cr_assert_eq(client_status("GET", USERS, tok, NULL), 403);
	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", pid), adm,
		"{\"role\":\"admin\"}"), 200);
	/* The same token: the role comes from the database. */
	cr_assert_eq(client_status("GET", USERS, tok, NULL), 200);
	struct json_object *o = get_ok("/api/v1/me", tok);
	cr_assert_str_eq(client_json_str(o, "role"), "admin");
	json_object_put(o);
	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", pid), adm,
		"{\"role\":\"user\"}"), 200);
	cr_assert_eq(client_status("GET", USERS, tok, NULL), 403);
	free(tok);
	free(adm);
}

Test(admin_users, suspension_ends_sessions)
{
	char apid[37], pid[37], *v;
	char *adm = new_admin(apid), *tok, *tok2;

	cr_assert_eq(client_user("user", pid), 0);
	tok = client_bearer(pid, "user", 1);
	free(client_sqlf("INSERT INTO refresh_tokens (user_id, family_id, token_hash,"
		" created_at, expires_at) SELECT id, REPEAT('a', 32),"
		" UNHEX(SHA2(UUID(), 256)), UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) + INTERVAL 1 DAY FROM users WHERE public_id = '%s'",
		pid));
	cr_assert_eq(client_status("GET", MY_APP, tok, NULL), 404);

	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", pid), adm,
		"{\"status\":\"suspended\"}"), 200);
	cr_assert_eq(client_status("GET", MY_APP, tok, NULL), 401);
	v = client_sqlf("SELECT COUNT(*) FROM refresh_tokens r JOIN users u ON"
		" u.id = r.user_id WHERE u.public_id = '%s' AND r.revoked_at IS NULL",
		pid);
	cr_assert_str_eq(v, "0");
	free(v);
	expect_user_col(pid, "token_version", "2");

	/* Reactivated, the old token stays dead; a new one works. */
	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", pid), adm,
		"{\"status\":\"active\"}"), 200);
	cr_assert_eq(client_status("GET", MY_APP, tok, NULL), 401);
	tok2 = client_bearer(pid, "user", 2);
	cr_assert_eq(client_status("GET", MY_APP, tok2, NULL), 404);
	free(tok);
	free(tok2);
	free(adm);
}

/* Leaves exactly one active admin, returned with its bearer header. */
static char *only_admin(char pid[37])
{
	char *adm, *v;

	free(client_sqlf("UPDATE users SET status = 'suspended' WHERE role = 'admin'"
		" AND status = 'active'"));
	adm = new_admin(pid);
	v = client_sqlf("SELECT COUNT(*) FROM users WHERE role = 'admin' AND"
		" status = 'active'");
	cr_assert_str_eq(v, "1");
	free(v);
	return adm;
}

Test(admin_users, the_last_active_admin_cannot_be_demoted_or_suspended)
{
	char apid[37], bpid[37];
	char *adm = only_admin(apid), *badm;
	struct client_resp r;
	static const char *changes[] = {
		"{\"role\":\"user\"}", "{\"role\":\"support\"}",
		"{\"status\":\"suspended\"}",
		"{\"role\":\"developer\",\"status\":\"suspended\"}",
	};

	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		client_call("PATCH", path_of(USERS "/%s", apid), adm,
			changes[i], &r);
		cr_assert_eq(r.status, 409, "%s: %ld %s", changes[i], r.status,
			r.body);
		cr_assert(strstr(r.body, "conflict"), "%s", r.body);
		client_free(&r);
	}
	expect_user_col(apid, "CONCAT(role, '|', status, '|', token_version)",
		"admin|active|1");
	/* Changes that keep an active admin pass. */
	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", apid), adm,
		"{\"role\":\"admin\",\"status\":\"active\"}"), 200);

	/* With a second admin the first may step down (even itself). */
	badm = new_admin(bpid);
	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", apid), adm,
		"{\"role\":\"user\"}"), 200);
	cr_assert_eq(client_status("GET", USERS, adm, NULL), 403);
	/* Now B is the last one. */
	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", bpid), badm,
		"{\"status\":\"suspended\"}"), 409);
	/* A suspended admin does not count as one. */
	free(client_sqlf("UPDATE users SET role = 'admin', status = 'suspended' WHERE"
		" public_id = '%s'", apid));
	cr_assert_eq(client_status("PATCH", path_of(USERS "/%s", bpid), badm,
		"{\"role\":\"user\"}"), 409);
	free(adm);
	free(badm);
}

/* Child: PATCH as auth, once the parent closes the start pipe; exits
 * with 0 for 200, 1 for 409, 2 for 403, 3 for 401, 4 otherwise. */
static void racer(int start_fd, const char *auth, const char *target)
{
	struct client_resp r;
	char c;
	int code = 4;

	while (read(start_fd, &c, 1) > 0)
		;
	if (client_request("PATCH", client_url(path_of(USERS "/%s", target)),
	    (const char *[]){ auth, "Content-Type: application/json", NULL },
	    "{\"role\":\"user\"}", 15, &r) == 0) {
		code = r.status == 200 ? 0 : r.status == 409 ? 1 :
			r.status == 403 ? 2 : r.status == 401 ? 3 : 4;
		client_free(&r);
	}
	_exit(code);
}

Test(admin_users, two_admins_demoting_each_other_leave_one)
{
	char apid[37], bpid[37], *v;
	char *a = only_admin(apid), *b = new_admin(bpid);

	for (int round = 0; round < 8; round++) {
		int fds[2], st, codes[2], ok = 0;
		pid_t kids[2];

		free(client_sqlf("UPDATE users SET role = 'admin', status = 'active'"
			" WHERE public_id IN ('%s', '%s')", apid, bpid));
		cr_assert_eq(pipe(fds), 0);
		kids[0] = fork();
		if (kids[0] == 0) {
			close(fds[1]);
			racer(fds[0], a, bpid);
		}
		kids[1] = fork();
		if (kids[1] == 0) {
			close(fds[1]);
			racer(fds[0], b, apid);
		}
		close(fds[0]);
		close(fds[1]);
		for (int k = 0; k < 2; k++) {
			cr_assert_eq(waitpid(kids[k], &st, 0), kids[k]);
			cr_assert(WIFEXITED(st));
			codes[k] = WEXITSTATUS(st);
			ok += codes[k] == 0;
		}
		/* One wins; the other finds it is the last admin (409) or,
		 * when it arrives after the commit, no admin any more (403). */
		cr_assert_eq(ok, 1, "round %d: %d %d", round, codes[0], codes[1]);
		cr_assert(codes[0] <= 2 && codes[1] <= 2, "round %d: %d %d", round,
			codes[0], codes[1]);
		v = client_sqlf("SELECT COUNT(*) FROM users WHERE role = 'admin' AND"
			" status = 'active'");
		cr_assert_str_eq(v, "1", "round %d", round);
		free(v);
	}
	free(a);
	free(b);
}

/* --- the developer programme ---------------------------------------- */

#define DESC "I build language tooling for the IDE and would like to publish it."

static void apply_ok(const char *auth, char app_id[37])
{
	struct client_resp r;
	struct json_object *o;
	char *loc;

	client_call("POST", APPLY, auth, "{\"description\":\"" DESC "\","
		"\"website\":\"https://tools.example.com/lsp\","
		"\"github_username\":\"octo-cat\",\"company_name\":null}", &r);
	cr_assert_eq(r.status, 201, "%ld %s", r.status, r.body);
	loc = client_header(&r, "Location");
	cr_assert_str_eq(loc, MY_APP);
	free(loc);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "status"), "pending");
	cr_assert_str_eq(client_json_str(o, "description"), DESC);
	cr_assert_str_eq(client_json_str(o, "github_username"), "octo-cat");
	cr_assert_null(client_json_str(o, "company_name"));
	cr_assert_null(client_json_str(o, "notes"));
	cr_assert_null(client_json_str(o, "reviewed_at"));
	cr_assert_not(json_object_object_get_ex(o, "user", NULL),
		"the applicant's view carries no user object");
	snprintf(app_id, 37, "%s", client_json_str(o, "id"));
	json_object_put(o);
	client_free(&r);
}

Test(developers, apply_then_approve_makes_a_developer)
{
	char apid[37], upid[37], app[37], *v, *uname;
	char *adm = new_admin(apid), *tok;
	struct client_resp r;
	struct json_object *o;

	cr_assert_eq(client_user("user", upid), 0);
	tok = client_bearer(upid, "user", 1);
	cr_assert_eq(client_status("GET", MY_APP, tok, NULL), 404);
	apply_ok(tok, app);

	o = get_ok(MY_APP, tok);
	cr_assert_str_eq(client_json_str(o, "id"), app);
	json_object_put(o);
	/* One pending application at a time. */
	cr_assert_eq(client_status("POST", APPLY, tok,
		"{\"description\":\"" DESC
		"\"}"), 409);

	client_call("POST", path_of(APPS "/%s/approve", app), adm,
		"{\"notes\":\"Welcome aboard\"}", &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	o = client_json(&r);
	uname = user_col(upid, "username");
	cr_assert_str_eq(client_json_str(o, "status"), "approved");
	cr_assert_str_eq(client_json_str(o, "notes"), "Welcome aboard");
	cr_assert_str_eq(client_json_str(o, "user.id"), upid);
	cr_assert_str_eq(client_json_str(o, "user.username"), uname);
	cr_assert_not_null(client_json_str(o, "reviewed_at"));
	json_object_put(o);
	client_free(&r);

	expect_user_col(upid, "role", "developer");
	/* The token from before the approval carries the new role at once:
	 * it is read from the database on every request. */
	o = get_ok("/api/v1/me", tok);
	cr_assert_str_eq(client_json_str(o, "role"), "developer");
	json_object_put(o);
	/* The applicant sees the decision and the notes. */
	o = get_ok(MY_APP, tok);
	cr_assert_str_eq(client_json_str(o, "status"), "approved");
	cr_assert_str_eq(client_json_str(o, "notes"), "Welcome aboard");
	json_object_put(o);
	/* The public profile exists now; a new developer has published
	 * nothing yet. */
	o = get_ok(path_of("/api/v1/developers/%s", uname), NULL);
	cr_assert_str_eq(client_json_str(o, "username"), uname);
	cr_assert_str_eq(client_json_str(o, "role"), "developer");
	cr_assert_not_null(client_json_str(o, "member_since"));
	{
		struct json_object *ext;

		cr_assert(json_object_object_get_ex(o, "extensions", &ext));
		cr_assert_eq(json_object_array_length(ext), 0);
	}
	cr_assert_not(json_object_object_get_ex(o, "email", NULL));
	json_object_put(o);

	/* Decided once: neither again, nor a new application. */
	cr_assert_eq(client_status("POST", path_of(APPS "/%s/approve", app),
		adm,
		"{}"), 409);
	cr_assert_eq(client_status("POST", path_of(APPS "/%s/reject", app), adm,
		"{\"notes\":\"changed my mind\"}"), 409);
	cr_assert_eq(client_status("POST", APPLY, tok,
		"{\"description\":\"" DESC
		"\"}"), 409);

	v = client_sqlf("SELECT GROUP_CONCAT(event ORDER BY id) FROM audit_log WHERE"
		" subject_id = '%s' AND event LIKE 'developer.%%'", upid);
	cr_assert_str_eq(v, "developer.application_submitted,"
		"developer.application_approved");
	free(v);
	v = client_sqlf("SELECT CONCAT(actor_id, '|', JSON_EXTRACT(detail,"
		" '$.role_changed')) FROM audit_log WHERE subject_id = '%s' AND"
		" event = 'developer.application_approved'", upid);
	cr_assert_str_eq(v, path_of("%s|true", apid));
	free(v);
	free(uname);
	free(tok);
	free(adm);
}

Test(developers, reject_needs_notes_and_allows_a_new_application)
{
	char apid[37], upid[37], app[37], app2[37];
	char *adm = new_admin(apid), *tok;
	struct client_resp r;
	struct json_object *o;

	cr_assert_eq(client_user("user", upid), 0);
	tok = client_bearer(upid, "user", 1);
	apply_ok(tok, app);
	static const char *bad[] = {
		"{}", "{\"notes\":\"\"}", "{\"notes\":\"  \\n \"}",
		"{\"notes\":null}", "{\"notes\":7}", "{\"reason\":\"x\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		client_call("POST", path_of(APPS "/%s/reject", app), adm,
			bad[i], &r);
		cr_assert_eq(r.status, 422, "%s: %ld %s", bad[i], r.status, r.body);
		client_free(&r);
	}
	client_call("POST", path_of(APPS "/%s/reject", app), adm,
		"{\"notes\":\"Please link the source of your tools.\"}", &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);
	expect_user_col(upid, "role", "user");
	o = get_ok(MY_APP, tok);
	cr_assert_str_eq(client_json_str(o, "status"), "rejected");
	cr_assert_str_eq(client_json_str(o, "notes"),
		"Please link the source of your tools.");
	json_object_put(o);

	/* After a rejection the user may try again; /me shows the newest. */
	apply_ok(tok, app2);
	cr_assert_str_neq(app, app2);
	o = get_ok(MY_APP, tok);
	cr_assert_str_eq(client_json_str(o, "id"), app2);
	json_object_put(o);
	free(tok);
	free(adm);
}

Test(developers, application_fields_are_checked)
{
	char upid[37], *tok, body[8192], big[5200];
	struct client_resp r;

	cr_assert_eq(client_user("user", upid), 0);
	tok = client_bearer(upid, "user", 1);
	memset(big, 'x', 5001);
	big[5001] = '\0';
	static const char *bad[] = {
		"{}",
		"{\"description\":\"too short\"}",
		"{\"description\":\"" DESC "\",\"website\":\"javascript:alert(1)\"}",
		"{\"description\":\"" DESC "\",\"website\":\"https://user@evil.example/\"}",
		"{\"description\":\"" DESC "\",\"website\":\"example.com\"}",
		"{\"description\":\"" DESC "\",\"github_username\":\"-octo\"}",
		"{\"description\":\"" DESC "\",\"github_username\":\"oc--to\"}",
		"{\"description\":\"" DESC "\",\"github_username\":\"a234567890123456789012345678901234567890\"}",
		"{\"description\":\"" DESC "\",\"company_name\":\"\"}",
		"{\"description\":\"" DESC "\",\"company_name\":\"two\\nlines\"}",
		"{\"description\":\"" DESC "\",\"role\":\"admin\"}",
		"{\"description\":\"" DESC "\\u0007 bell\"}",
		"{\"description\":12345}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		client_call("POST", APPLY, tok, bad[i], &r);
		cr_assert_eq(r.status, 422, "%s: %ld %s", bad[i], r.status, r.body);
		client_free(&r);
	}
	snprintf(body, sizeof(body), "{\"description\":\"%s\"}", big);
	cr_assert_eq(client_status("POST", APPLY, tok, body), 422);
	memset(big, 'c', 201);
	big[201] = '\0';
	snprintf(body, sizeof(body), "{\"description\":\"" DESC "\","
		"\"company_name\":\"%s\"}", big);
	cr_assert_eq(client_status("POST", APPLY, tok, body), 422);
	/* Exactly at the limits: 5000 characters, 200, 2048 bytes. */
	memset(big, 'd', 5000);
	big[5000] = '\0';
	snprintf(body, sizeof(body), "{\"description\":\"%s\","
		"\"company_name\":\"%.200s\",\"website\":\"https://example.com/%.2028s\"}",
		big, big, big);
	cr_assert_eq(client_status("POST", APPLY, tok, body), 201);
	free(tok);
}

Test(developers, only_plain_users_may_apply)
{
	static const char *roles[] = { "developer", "support", "admin" };

	for (size_t i = 0; i < 3; i++) {
		char pid[37], *tok;
		struct client_resp r;

		cr_assert_eq(client_user(roles[i], pid), 0);
		tok = client_bearer(pid, "user", 1);
		client_call("POST", APPLY, tok,
			"{\"description\":\"" DESC "\"}", &r);
		cr_assert_eq(r.status, 409, "%s: %ld %s", roles[i], r.status, r.body);
		client_free(&r);
		free(tok);
	}
}

Test(developers, approval_keeps_a_staff_role)
{
	char apid[37], upid[37], app[37], *v;
	char *adm = new_admin(apid), *tok;

	cr_assert_eq(client_user("user", upid), 0);
	tok = client_bearer(upid, "user", 1);
	apply_ok(tok, app);
	free(client_sqlf("UPDATE users SET role = 'support' WHERE public_id = '%s'",
		upid));
	cr_assert_eq(client_status("POST", path_of(APPS "/%s/approve", app),
		adm,
		"{}"), 200);
	expect_user_col(upid, "role", "support");
	v = client_sqlf("SELECT JSON_EXTRACT(detail, '$.role_changed') FROM audit_log"
		" WHERE subject_id = '%s' AND event ="
		" 'developer.application_approved'", upid);
	cr_assert_str_eq(v, "false");
	free(v);
	free(tok);
	free(adm);
}

Test(developers, admin_list_filters_and_pages_in_submission_order)
{
	char apid[37], pids[3][37], apps[3][37], path[512];
	char *adm = new_admin(apid), *toks[3];
	struct json_object *o, *items;
	const char *cursor;
	int found = 0, pages = 0;

	for (int i = 0; i < 3; i++) {
		cr_assert_eq(client_user("user", pids[i]), 0);
		toks[i] = client_bearer(pids[i], "user", 1);
		apply_ok(toks[i], apps[i]);
	}
	cr_assert_eq(client_status("POST", path_of(APPS "/%s/reject", apps[1]),
		adm,
		"{\"notes\":\"no\"}"), 200);

	/* Walk the whole pending list: ours come once each, in the order
	 * they were filed, the rejected one never. */
	snprintf(path, sizeof(path), APPS "?status=pending&limit=100");
	for (;;) {
		o = get_ok(path, adm);
		cr_assert(json_object_object_get_ex(o, "items", &items));
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			struct json_object *it = json_object_array_get_idx(items, i);
			const char *id = client_json_str(it, "id");

			cr_assert_str_eq(client_json_str(it, "status"), "pending");
			cr_assert_str_neq(id, apps[1]);
			if (strcmp(id, apps[0]) == 0) {
				cr_assert_eq(found, 0, "twice, or after the later one");
				cr_assert_str_eq(client_json_str(it, "user.id"), pids[0]);
				found = 1;
			} else if (strcmp(id, apps[2]) == 0) {
				cr_assert_eq(found, 1, "twice, or before the earlier one");
				cr_assert_str_eq(client_json_str(it, "user.id"), pids[2]);
				found = 2;
			}
		}
		pages++;
		cursor = client_json_str(o, "next_cursor");
		if (cursor == NULL) {
			json_object_put(o);
			break;
		}
		snprintf(path, sizeof(path), APPS "?status=pending&limit=100&cursor=%s",
			cursor);
		json_object_put(o);
		cr_assert_lt(pages, 1000);
	}
	cr_assert_eq(found, 2);

	/* Pages of one: the cursor moves on to another application. */
	o = get_ok(APPS "?limit=1", adm);
	cursor = client_json_str(o, "next_cursor");
	cr_assert_not_null(cursor);
	snprintf(path, sizeof(path), APPS "?limit=1&cursor=%s", cursor);
	{
		struct json_object *o2 = get_ok(path, adm), *i1, *i2;

		cr_assert(json_object_object_get_ex(o, "items", &i1));
		cr_assert(json_object_object_get_ex(o2, "items", &i2));
		cr_assert_eq(json_object_array_length(i1), 1);
		cr_assert_eq(json_object_array_length(i2), 1);
		cr_assert_str_neq(
			client_json_str(json_object_array_get_idx(i1, 0), "id"),
			client_json_str(json_object_array_get_idx(i2, 0), "id"));
		json_object_put(o2);
	}
	json_object_put(o);

	o = get_ok(APPS "?status=rejected&limit=100", adm);
	cr_assert(strstr(json_object_to_json_string(o), apps[1]) != NULL);
	json_object_put(o);
	cr_assert_eq(client_status("GET", APPS "?status=maybe", adm, NULL),
		422);
	cr_assert_eq(client_status("GET", APPS "?cursor=dXNlcnMuMQ", adm, NULL),
		422);
	cr_assert_eq(client_status("POST",
		APPS "/00000000-0000-4000-8000-000000000000/approve", adm, "{}"), 404);
	cr_assert_eq(client_status("POST", APPS "/nope/approve", adm, "{}"),
		404);
	for (int i = 0; i < 3; i++)
		free(toks[i]);
	free(adm);
}

Test(developers, profiles_only_for_active_developers_and_admins)
{
	static const struct { const char *role, *status; long want; } cases[] = {
		{ "user", "active", 404 }, { "support", "active", 404 },
		{ "developer", "active", 200 }, { "admin", "active", 200 },
		{ "developer", "suspended", 404 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char pid[37], name[40];

		snprintf(name, sizeof(name), "pr%zu%s", i, marker());
		make_user(name, path_of("%s@profile.example", name), cases[i].role,
			cases[i].status, pid);
		cr_assert_eq(client_status("GET",
			path_of("/api/v1/developers/%s", name),
			NULL, NULL), cases[i].want, "%s/%s", cases[i].role,
			cases[i].status);
	}
	cr_assert_eq(client_status("GET",
		"/api/v1/developers/nobody-by-this-name",
		NULL, NULL), 404);
	cr_assert_eq(client_status("GET", "/api/v1/developers/Bad%20Name", NULL,
		NULL), 404);
}

Test(developers, hostile_text_is_stored_verbatim_and_escaped_in_json)
{
	static const char desc[] =
		"Robert'); DROP TABLE users;-- <script>alert(\"x\")</script> "
		"%_\\ and \xc3\xa9\xe2\x82\xac \xf0\x9f\x98\x80 are characters too.";
	static const char company[] = "<img src=x onerror=alert(1)> & 'Co' \"Ltd\"";
	char upid[37], body[1024], *tok, *v, *hex;
	struct json_object *in = json_object_new_object(), *o;
	struct client_resp r;

	json_object_object_add(in, "description", json_object_new_string(desc));
	json_object_object_add(in, "company_name",
		json_object_new_string(company));
	snprintf(body, sizeof(body), "%s", json_object_to_json_string(in));
	json_object_put(in);

	cr_assert_eq(client_user("user", upid), 0);
	tok = client_bearer(upid, "user", 1);
	cr_assert_eq(client_status("POST", APPLY, tok, body), 201);
	client_call("GET", MY_APP, tok, NULL, &r);
	cr_assert_eq(r.status, 200);
	v = client_header(&r, "Content-Type");
	cr_assert(v && strncmp(v, "application/json", 16) == 0, "%s", v);
	free(v);
	v = client_header(&r, "X-Content-Type-Options");
	cr_assert_str_eq(v, "nosniff");
	free(v);
	/* Quotes escaped inside JSON strings, the rest as it came. */
	cr_assert(strstr(r.body, "alert(\\\"x\\\")") != NULL, "%s", r.body);
	cr_assert(strstr(r.body, "\\\"Ltd\\\"") != NULL, "%s", r.body);
	o = client_json(&r);
	cr_assert_str_eq(client_json_str(o, "description"), desc);
	cr_assert_str_eq(client_json_str(o, "company_name"), company);
	json_object_put(o);
	client_free(&r);

	/* And byte for byte in the database. */
	hex = malloc(2 * sizeof(desc) + 1);
	for (size_t i = 0; i + 1 < sizeof(desc); i++)
		sprintf(hex + 2 * i, "%02X", (unsigned char)desc[i]);
	v = client_sqlf("SELECT HEX(d.description) FROM developer_applications d JOIN"
		" users u ON u.id = d.user_id WHERE u.public_id = '%s'", upid);
	cr_assert_str_eq(v, hex);
	free(v);
	free(hex);
	v = client_sqlf("SELECT COUNT(*) FROM users");
	cr_assert(v != NULL && atol(v) > 0, "users survived");
	free(v);
	free(tok);
}

/* Runs `devforgectl -c CONF create-admin <args>` with stdin from input
 * (NULL: /dev/null); returns its exit status, output in *out. */
static int create_admin(const char *args, const char *input, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s%s%s %s -c '%s' create-admin %s%s",
		input ? "printf '%s\\n' '" : "", input ? input : "",
		input ? "' |" : "", client_ctl(),
			client_env("DEVFORGE_TEST_CONFIG"),
		args, input ? "" : " </dev/null");
	return client_run(cmd, out);
}

#define GOOD_PW "correct horse battery staple 42"

Test(ctl_admin, creates_an_admin_from_a_password_file)
{
	char name[40], args[1024], file[128], *out, *v;
	FILE *f;

	snprintf(name, sizeof(name), "ca%s", marker());
	snprintf(file, sizeof(file), "/tmp/df-admin-pw-%d", getpid());
	f = fopen(file, "w");
	cr_assert(f != NULL);
	fputs(GOOD_PW "\n", f);
	fclose(f);
	snprintf(args, sizeof(args), "--email %s@Ops.Example --username %s "
		"--password-file %s", name, name, file);
	cr_assert_eq(create_admin(args, NULL, &out), 0, "%s", out);
	cr_assert(strstr(out, name) != NULL, "%s", out);
	free(out);

	v = client_sqlf("SELECT CONCAT(role, '|', status, '|', email, '|',"
		" password_hash LIKE '$scrypt$ln=%%') FROM users WHERE username = '%s'",
		name);
	cr_assert_str_eq(v, path_of("admin|active|%s@ops.example|1", name));
	free(v);
	v = client_sqlf("SELECT CONCAT(a.event, '|', COALESCE(a.actor_id, '-'), '|',"
		" JSON_VALUE(a.detail, '$.via')) FROM audit_log a JOIN users u ON"
		" u.public_id = a.subject_id WHERE u.username = '%s'", name);
	cr_assert_str_eq(v, "admin.user_created|-|devforgectl");
	free(v);

	/* The same account again: refused, nothing changes. */
	cr_assert_eq(create_admin(args, NULL, &out), 1);
	cr_assert(strstr(out, "exists") != NULL, "%s", out);
	free(out);
	unlink(file);
}

Test(ctl_admin, reads_the_password_from_stdin)
{
	char name[40], args[512], *out, *v;

	snprintf(name, sizeof(name), "cs%s", marker());
	snprintf(args, sizeof(args), "--email=%s@ops.example --username=%s",
		name, name);
	cr_assert_eq(create_admin(args, GOOD_PW, &out), 0, "%s", out);
	free(out);
	v = client_sqlf("SELECT role FROM users WHERE username = '%s'", name);
	cr_assert_str_eq(v, "admin");
	free(v);
}

/* Reads from fd into buf (appending) until want appears or 20 s pass. */
static int read_until(int fd, char *buf, size_t cap, size_t *len,
	const char *want)
{
	for (int waited = 0; waited < 200; ) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		buf[*len] = '\0';
		if (want != NULL && strstr(buf, want) != NULL)
			return 0;
		if (poll(&p, 1, 100) == 0) {
			waited++;
			continue;
		}
		n = read(fd, buf + *len, cap - 1 - *len);
		if (n <= 0)
			return want == NULL ? 0 : -1;
		*len += (size_t)n;
	}
	return -1;
}

/* Starts devforgectl create-admin of a new admin (prefix+marker, its
 * name to name) on a new terminal (its side in *fd) and reads up to its
 * first prompt into out; returns the child's pid. */
static pid_t create_admin_on_pty(const char *prefix, char name[40],
	int *fd, char *out, size_t cap, size_t *len)
{
	char email[80];
	pid_t kid;

	snprintf(name, 40, "%s%s", prefix, marker());
	snprintf(email, sizeof(email), "%s@ops.example", name);
	kid = forkpty(fd, NULL, NULL, NULL);

	cr_assert(kid >= 0);
	if (kid == 0) {
		execl(client_ctl(), client_ctl(), "-c",
			client_env("DEVFORGE_TEST_CONFIG"),
			"create-admin", "--email", email, "--username", name,
			(char *)NULL);
		_exit(127);
	}
	cr_assert_eq(read_until(*fd, out, cap, len, "Password: "), 0,
		"no prompt: %s", out);
	return kid;
}

Test(ctl_admin, prompts_on_a_terminal_without_echo)
{
	char name[40], out[8192], *v;
	size_t len = 0;
	int fd, st;
	pid_t kid;

	kid = create_admin_on_pty("ct", name, &fd, out, sizeof(out), &len);
	cr_assert(write(fd, GOOD_PW "\n", sizeof(GOOD_PW)) > 0);
	cr_assert_eq(read_until(fd, out, sizeof(out), &len, "again: "), 0,
		"no second prompt: %s", out);
	cr_assert(write(fd, GOOD_PW "\n", sizeof(GOOD_PW)) > 0);
	read_until(fd, out, sizeof(out), &len, NULL);
	close(fd);
	cr_assert_eq(waitpid(kid, &st, 0), kid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", out);
	cr_assert(strstr(out, "created admin") != NULL, "%s", out);
	/* The terminal never showed what was typed. */
	cr_assert(strstr(out, "horse") == NULL, "echoed: %s", out);
	v = client_sqlf("SELECT role FROM users WHERE username = '%s'", name);
	cr_assert_str_eq(v, "admin");
	free(v);
}

Test(ctl_admin, an_interrupt_at_the_prompt_gives_the_echo_back)
{
	char out[4096], name[40];
	struct termios t;
	size_t len = 0;
	int fd, st;
	pid_t kid;

	kid = create_admin_on_pty("ci", name, &fd, out, sizeof(out), &len);
	cr_assert_eq(tcgetattr(fd, &t), 0);
	cr_assert_eq(t.c_lflag & ECHO, 0, "echo is on at the prompt");
	cr_assert(write(fd, "\003", 1) == 1);   /* ^C */
	cr_assert_eq(waitpid(kid, &st, 0), kid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "status %d", st);
	cr_assert_eq(tcgetattr(fd, &t), 0);
	cr_assert_neq(t.c_lflag & ECHO, 0, "echo stayed off");
	close(fd);
}

Test(ctl_admin, refuses_a_weak_password)
{
	static const char *weak[] = { "short", "password123", "" };

	for (size_t i = 0; i < 3; i++) {
		char name[40], args[512], *out, *v;

		snprintf(name, sizeof(name), "cw%s", marker());
		snprintf(args, sizeof(args), "--email %s@ops.example --username %s",
			name, name);
		cr_assert_eq(create_admin(args, weak[i], &out), 1, "%s: %s",
			weak[i], out);
		free(out);
		v = client_sqlf("SELECT COUNT(*) FROM users WHERE username = '%s'", name);
		cr_assert_str_eq(v, "0");
		free(v);
	}
	/* The policy also refuses the username inside the password. */
	char args[512], *out;
	snprintf(args, sizeof(args), "--email cwx%s@ops.example --username "
		"cwx%s", marker(), "namepart");
	char pw[128];
	snprintf(pw, sizeof(pw), "my cwx%s is long", "namepart");
	cr_assert_eq(create_admin(args, pw, &out), 1, "%s", out);
	free(out);
}

Test(ctl_admin, usage_errors_exit_2)
{
	static const char *bad[] = {
		"", "--email a@b.example", "--username abc",
		"--email a@b.example --username abc --colour red",
		"--email not-an-address --username abc",
		"--email a@b.example --username 'Bad Name'",
		"--promote", "--promote --username abc --password-file /tmp/x",
		"--email",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out;

		cr_assert_eq(create_admin(bad[i], GOOD_PW, &out), 2, "'%s': %s",
			bad[i], out);
		free(out);
	}
}

Test(ctl_admin, promote_makes_an_existing_account_an_active_admin)
{
	char pid[37], args[512], *name, *email, *out, *v;

	cr_assert_eq(client_user("user", pid), 0);
	free(client_sqlf("UPDATE users SET status = 'suspended' WHERE public_id = '%s'",
		pid));
	name = user_col(pid, "username");
	email = user_col(pid, "email");
	snprintf(args, sizeof(args), "--promote --email %s --username %s",
		email, name);
	cr_assert_eq(create_admin(args, NULL, &out), 0, "%s", out);
	free(out);
	expect_user_col(pid, "CONCAT(role, '|', status)", "admin|active");
	v = client_sqlf("SELECT CONCAT(JSON_VALUE(detail, '$.old_role'), '|',"
		" JSON_VALUE(detail, '$.old_status'), '|', JSON_VALUE(detail,"
		" '$.via')) FROM audit_log WHERE event = 'admin.user_updated' AND"
		" subject_id = '%s'", pid);
	cr_assert_str_eq(v, "user|suspended|devforgectl");
	free(v);

	/* Again: nothing to do, still success. */
	snprintf(args, sizeof(args), "--promote --username %s", name);
	cr_assert_eq(create_admin(args, NULL, &out), 0, "%s", out);
	free(out);
	/* A mismatch between the two names, or nobody: failure. */
	snprintf(args, sizeof(args), "--promote --email %s --username "
		"someone-else", email);
	cr_assert_eq(create_admin(args, NULL, &out), 1, "%s", out);
	free(out);
	cr_assert_eq(create_admin("--promote --username nobody-at-all", NULL,
		&out), 1, "%s", out);
	free(out);
	free(name);
	free(email);
}
