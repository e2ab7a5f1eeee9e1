/* Forum trust levels through the front server: a new user's third link
 * is refused (422) and the same user, promoted to level 1 by reading
 * (5 topics, 30 posts), may post it; the intervals between a new user's
 * posts and topics (429 with Retry-After and RateLimit-* headers); the
 * first day's caps; the same text again within the duplicate window
 * (409); moderators exempt from all of it; silenced users refused
 * (403); the public standing and the moderators' change of it, audited.
 * Every test makes its own users and threads. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "client.h"
#include "forum_kit.h"

#define THREADS "/api/v1/forum/threads"

static char *mod;

static void setup(void)
{
	mod = client_auth_header("support", NULL);
}

static void teardown(void)
{
	free(mod);
}

TestSuite(forum_trust, .init = setup, .fini = teardown);

/* A thread / reply through the API as auth: forum_kit's, untagged and
 * with the post's id not needed. */
static long thread_new(const char *auth, const char *title,
	const char *body, char id[64], struct client_resp *keep)
{
	return forum_kit_thread(auth, title, body, NULL, id, keep);
}

static long reply(const char *auth, const char *thread, const char *body,
	struct client_resp *keep)
{
	return forum_kit_reply(auth, thread, body, NULL, keep);
}

/* n topics / replies as if the user had posted them today (the caps
 * count rows; the limiter's intervals are untouched). */
static void fake_topics(const char *pid, int n)
{
	char title[32], id[40];

	for (int i = 0; i < n; i++) {
		snprintf(title, sizeof(title), "seeded %d", i);
		forum_kit_sql_thread(pid, title, "seeded", NULL, id, NULL);
	}
}

static void fake_replies(const char *pid, const char *thread, int n)
{
	for (int i = 0; i < n; i++)
		forum_kit_sql_reply(thread, pid, "seeded", 0, NULL);
}

/* A thread by the moderator (exempt from every limit) with n replies. */
static void mod_thread(char id[64], int replies)
{
	char title[96], body[128];
	int i;

	snprintf(title, sizeof(title), "Trust %s", client_unique("thr"));
	cr_assert_eq(thread_new(mod, title, "Opening post of a trust test.",
		id, NULL), 201);
	for (i = 0; i < replies; i++) {
		snprintf(body, sizeof(body), "Reply %d in %s.", i, title);
		cr_assert_eq(reply(mod, id, body, NULL), 201);
	}
}

static void read_thread(const char *auth, const char *id)
{
	char path[160];

	snprintf(path, sizeof(path), THREADS "/%s", id);
	cr_assert_eq(client_status("GET", path, auth, NULL), 200);
}

static long standing_level(const char *username)
{
	char path[160];
	struct client_resp r;
	struct json_object *o, *v;
	long level;

	snprintf(path, sizeof(path), "/api/v1/forum/users/%s", username);
	client_call("GET", path, NULL, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert(json_object_object_get_ex(o, "trust_level", &v));
	level = (long)json_object_get_int64(v);
	json_object_put(o);
	client_free(&r);
	return level;
}

static void assert_429(struct client_resp *r)
{
	char *ra = client_header(r, "Retry-After");
	char *lim = client_header(r, "RateLimit-Limit");
	char *rem = client_header(r, "RateLimit-Remaining");
	char *rst = client_header(r, "RateLimit-Reset");

	client_assert_problem(r, 429, "rate_limited");
	cr_assert_not_null(ra);
	cr_assert_gt(atol(ra), 0, "Retry-After %s", ra);
	cr_assert_not_null(lim);
	cr_assert_not_null(rem);
	cr_assert_not_null(rst);
	cr_assert_str_eq(rem, "0");
	free(ra);
	free(lim);
	free(rem);
	free(rst);
}

#define THREE_LINKS "Three ways: [the guide](https://docs.example/guide), " \
	"<https://docs.example/faq> and https://docs.example/forum."

Test(forum_trust, new_users_third_link_refused_until_promoted_by_reading)
{
	struct desk_user u;
	char ids[5][64], target[64];
	struct client_resp r;
	int i;

	forum_kit_user(&u, "user", -1);
	mod_thread(target, 0);
	cr_assert_eq(standing_level(u.username), 0);
	reply(u.auth, target, THREE_LINKS, &r);
	client_assert_field_error(&r, "body", "too_many_links");
	client_free(&r);
	reply(u.auth, target, "Two pictures: ![a](/a.png) ![b](/b.png)", &r);
	client_assert_field_error(&r, "body", "too_many_images");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_posts p"
		" JOIN users u ON u.id = p.author_id WHERE u.public_id = '%s'",
		u.id), 0, "a refused post wrote nothing");

	/* 5 topics of 6 posts each: 5 entered, 30 read. */
	for (i = 0; i < 5; i++)
		mod_thread(ids[i], 5);
	for (i = 0; i < 4; i++)
		read_thread(u.auth, ids[i]);
	cr_assert_eq(standing_level(u.username), 0, "4 topics are not enough");
	read_thread(u.auth, ids[4]);
	cr_assert_eq(standing_level(u.username), 1);
	cr_assert_eq(reply(u.auth, target, THREE_LINKS, NULL), 201);
	desk_user_free(&u);
}

Test(forum_trust, reading_counts_each_post_once)
{
	struct desk_user u;
	char id[64];
	char *v;

	forum_kit_user(&u, "user", -1);
	mod_thread(id, 3);
	read_thread(u.auth, id);
	read_thread(u.auth, id);
	v = client_sqlf("SELECT CONCAT(s.topics_entered, '/', s.posts_read)"
		" FROM forum_user_stats s JOIN users u ON u.id = s.user_id"
		" WHERE u.public_id = '%s'", u.id);
	cr_assert_str_eq(v, "1/4");
	free(v);
	/* Anonymous reads are not tracked (and still answer). */
	read_thread(NULL, id);
	desk_user_free(&u);
}

Test(forum_trust, new_user_waits_between_posts_and_between_topics)
{
	struct desk_user u;
	char target[64], id[64];
	struct client_resp r;

	forum_kit_user(&u, "user", -1);
	mod_thread(target, 0);
	cr_assert_eq(reply(u.auth, target, "First reply, welcome.", NULL), 201);
	reply(u.auth, target, "Second reply straight away.", &r);
	assert_429(&r);
	client_free(&r);

	cr_assert_eq(thread_new(u.auth, client_unique("Topic one"),
		"My first topic.", id, NULL), 201);
	thread_new(u.auth, client_unique("Topic two"), "And another one.",
		NULL, &r);
	assert_429(&r);
	client_free(&r);
	desk_user_free(&u);
}

Test(forum_trust, first_day_caps_topics_and_replies)
{
	struct desk_user u;
	char target[64];
	struct client_resp r;
	char *lim;

	forum_kit_user(&u, "user", -1);
	mod_thread(target, 0);
	fake_topics(u.id, 3);
	thread_new(u.auth, client_unique("Fourth topic"), "One too many.",
		NULL, &r);
	assert_429(&r);
	lim = client_header(&r, "RateLimit-Limit");
	cr_assert_str_eq(lim, "3");
	free(lim);
	client_free(&r);

	fake_replies(u.id, target, 10);
	reply(u.auth, target, "Eleventh reply today.", &r);
	assert_429(&r);
	lim = client_header(&r, "RateLimit-Limit");
	cr_assert_str_eq(lim, "10");
	free(lim);
	client_free(&r);

	/* A day later the daily caps (20 topics, 100 replies) apply. */
	free(client_sqlf("UPDATE users SET created_at = created_at -"
		" INTERVAL 2 DAY WHERE public_id = '%s'", u.id));
	cr_assert_eq(thread_new(u.auth, client_unique("Day two topic"),
		"Allowed now.", NULL, NULL), 201);
	cr_assert_eq(reply(u.auth, target, "Allowed now too.", NULL), 201);
	desk_user_free(&u);
}

Test(forum_trust, same_text_again_within_five_minutes_is_refused)
{
	struct desk_user u;
	char target[64], other[64];
	struct client_resp r;

	forum_kit_user(&u, "user", -1);
	mod_thread(target, 0);
	mod_thread(other, 0);
	cr_assert_eq(reply(u.auth, target, "Have you tried turning it off?",
		NULL), 201);
	/* In another thread, before the interval is over: the duplicate is
	 * the answer, not the wait. */
	reply(u.auth, other, "Have you tried turning it off?", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	/* Another user may say the same. */
	{
		struct desk_user v;

		forum_kit_user(&v, "user", -1);
		cr_assert_eq(reply(v.auth, other, "Have you tried turning it "
			"off?", NULL), 201);
		desk_user_free(&v);
	}
	desk_user_free(&u);
}

Test(forum_trust, duplicate_window_is_five_minutes)
{
	struct desk_user u;
	char target[64];
	struct client_resp r;

	forum_kit_user(&u, "user", -1);
	mod_thread(target, 0);
	forum_kit_sql_reply(target, u.id, "Four minutes old text.", 4, NULL);
	forum_kit_sql_reply(target, u.id, "Six minutes old text.", 6, NULL);
	reply(u.auth, target, "Four minutes old text.", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert_eq(reply(u.auth, target, "Six minutes old text.", NULL), 201);
	desk_user_free(&u);
}

Test(forum_trust, moderators_are_exempt)
{
	char target[64], id[64];
	int i;

	mod_thread(target, 0);
	cr_assert_eq(reply(mod, target, THREE_LINKS " ![a](/a) ![b](/b)",
		NULL), 201);
	cr_assert_eq(reply(mod, target, "At once again.", NULL), 201);
	cr_assert_eq(reply(mod, target, "At once again.", NULL), 201);
	for (i = 0; i < 4; i++)
		cr_assert_eq(thread_new(mod, client_unique("Mod topic"),
			"Quick topic.", id, NULL), 201);
}

static long patch_user(const char *auth, const char *username,
	const char *json, struct client_resp *keep)
{
	char path[160];

	snprintf(path, sizeof(path), "/api/v1/admin/forum/users/%s", username);
	return client_status_keep("PATCH", path, auth, json, keep);
}

Test(forum_trust, silenced_user_may_not_post_until_unsilenced)
{
	struct desk_user u, other;
	char target[64];
	struct client_resp r;

	forum_kit_user(&u, "user", -1);
	forum_kit_user(&other, "user", -1);
	mod_thread(target, 0);
	cr_assert_eq(patch_user(other.auth, u.username, "{\"silenced\":true}",
		NULL), 403, "users may not silence");
	cr_assert_eq(patch_user(mod, u.username, "{\"silenced\":true}", NULL),
		200);
	cr_assert_eq(client_audit_count("forum.silence", u.id), 1);
	reply(u.auth, target, "Can I still post?", &r);
	client_assert_problem(&r, 403, "forbidden");
	client_free(&r);
	cr_assert_eq(thread_new(u.auth, client_unique("Silenced topic"),
		"No.", NULL, NULL), 403);
	cr_assert_eq(patch_user(mod, u.username, "{\"silenced\":false}", NULL),
		200);
	cr_assert_eq(client_audit_count("forum.unsilence", u.id), 1);
	cr_assert_eq(reply(u.auth, target, "Back again.", NULL), 201);
	desk_user_free(&u);
	desk_user_free(&other);
}

Test(forum_trust, moderator_sets_and_locks_a_level)
{
	struct desk_user u;
	struct client_resp r;
	struct json_object *o, *v;

	forum_kit_user(&u, "user", -1);
	patch_user(mod, u.username, "{\"trust_level\":3}", &r);
	o = client_expect_json(&r, 200);
	cr_assert(json_object_object_get_ex(o, "trust_level_locked", &v));
	cr_assert(json_object_get_boolean(v));
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(standing_level(u.username), 3);
	cr_assert_eq(client_audit_count("forum.trust_level", u.id), 1);

	patch_user(mod, u.username, "{\"trust_level\":5}", &r);
	client_assert_field_error(&r, "trust_level", "out_of_range");
	client_free(&r);
	patch_user(mod, u.username, "{}", &r);
	client_assert_field_error(&r, "trust_level", "required");
	client_free(&r);
	cr_assert_eq(patch_user(mod, "no_such_user_here", "{\"silenced\":true}",
		NULL), 404);
	cr_assert_eq(standing_level(u.username), 3, "refusals change nothing");
	desk_user_free(&u);
}

Test(forum_trust, public_standing_shows_staff_as_level_four)
{
	char pid[40];
	char *h = client_auth_header("support", pid);
	char *name = client_sqlf("SELECT username FROM users WHERE"
		" public_id = '%s'", pid);
	struct client_resp r;

	cr_assert_eq(standing_level(name), 4);
	client_call("GET", "/api/v1/forum/users/nobody_by_this_name", NULL,
		NULL, &r);
	client_assert_problem(&r, 404, "not_found");
	client_free(&r);
	free(name);
	free(h);
}

Test(forum_trust, job_promotes_to_level_two_by_activity)
{
	struct desk_user u, v;
	char t[3][64];
	char *out;
	int rc, i;

	forum_kit_user(&u, "user", -1);
	forum_kit_user(&v, "user", -1);
	for (i = 0; i < 3; i++) {
		forum_kit_sql_thread(v.id, "seeded", "seeded", NULL, t[i], NULL);
		fake_replies(u.id, t[i], 1);
	}
	fake_topics(u.id, 1);
	/* Reading counters at level 2's thresholds, one like each way. */
	free(client_sqlf("INSERT INTO forum_user_stats (user_id, days_visited,"
		" topics_entered, posts_read, updated_at) SELECT id, 15, 20, 100,"
		" UTC_TIMESTAMP(6) FROM users WHERE public_id = '%s'", u.id));
	free(client_sqlf("INSERT INTO forum_votes (thread_id, user_id, value,"
		" created_at, updated_at) SELECT t.id, u.id, 1, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM forum_threads t, users u WHERE"
		" t.public_id = '%s' AND u.public_id = '%s'", t[0], u.id));
	cr_assert_eq(standing_level(u.username), 0);
	rc = client_ctl_run(0, &out, "jobs run --once --only forum-trust");
	cr_assert_eq(rc, 0, "%s", out);
	free(out);
	cr_assert_eq(standing_level(u.username), 1, "no like received yet");
	free(client_sqlf("INSERT INTO forum_votes (thread_id, user_id, value,"
		" created_at, updated_at) SELECT t.id, v.id, 1, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM forum_threads t JOIN users a ON"
		" a.id = t.author_id, users v WHERE a.public_id = '%s' AND"
		" v.public_id = '%s'", u.id, v.id));
	rc = client_ctl_run(0, &out, "jobs run --once --only forum-trust");
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "forum-trust: ok") != NULL, "%s", out);
	free(out);
	cr_assert_eq(standing_level(u.username), 2);
	desk_user_free(&u);
	desk_user_free(&v);
}
