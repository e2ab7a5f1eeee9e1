/* Forum posts after they are written, through the front server: votes
 * on a thread counted exactly when many users vote at once, values
 * outside {-1, 0, 1} refused with nothing changed; the accepted answer
 * switched atomically (concurrent accepts of different posts leave
 * exactly one), only by the thread's author or a moderator, never the
 * question itself; edits inside the author's edit window with every
 * earlier body kept as a revision; a post hidden by flags not editable
 * by its author before its cool-down ends, and shown again by the edit
 * after it; others' posts neither editable nor deletable (403) except
 * by moderators, whose edits and deletes are audited; deleted posts 404
 * for every action; the assistant's re-index mark on writes to what it
 * quotes. Threads and posts are made with SQL (what is tested here is
 * what happens to them after), each test with users of its own. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "client.h"
#include "forum_kit.h"

#define POSTS "/api/v1/forum/posts/"
#define THREADS "/api/v1/forum/threads/"
/* Runs SQL whose answer is not needed. */
#define SQL(...) free(client_sqlf(__VA_ARGS__))

/* A user of role as an Authorization header; pid gets the public id. */
static char *user_new(const char *role, char pid[37])
{
	return client_auth_header(role, pid);
}

/* A thread by author (public id) made with SQL: tid and first get the
 * thread's and its first post's public ids. */
static void thread_new(const char *author, char tid[37], char first[37])
{
	char title[96];

	snprintf(title, sizeof(title), "How do I %s?", client_unique("q"));
	forum_kit_sql_thread(author, title, "The question.", NULL, tid, first);
}

static long call(const char *method, const char *path, const char *id,
	const char *tail, const char *auth, const char *json,
	struct client_resp *r)
{
	char url[256];

	snprintf(url, sizeof(url), "%s%s%s", path, id, tail);
	client_call(method, url, auth, json, r);
	return r->status;
}

static long status_of(const char *method, const char *path, const char *id,
	const char *tail, const char *auth, const char *json)
{
	struct client_resp r;
	long s = call(method, path, id, tail, auth, json, &r);

	client_free(&r);
	return s;
}

static char *post_body(const char *pid)
{
	return client_sqlf("SELECT body FROM forum_posts WHERE public_id = '%s'",
		pid);
}

/* --- votes ---------------------------------------------------------- */

static void vote_expect(const char *tid, const char *auth, int value,
	long score, long up, long down)
{
	struct client_resp r;
	struct json_object *o;
	char json[32];

	snprintf(json, sizeof(json), "{\"value\":%d}", value);
	call("POST", THREADS, tid, "/vote", auth, json, &r);
	o = client_expect_json(&r, 200);
	cr_assert_eq(json_object_get_int(json_object_object_get(o, "score")),
		score, "%s", r.body);
	cr_assert_eq(json_object_get_int(json_object_object_get(o,
		"votes_up")), up, "%s", r.body);
	cr_assert_eq(json_object_get_int(json_object_object_get(o,
		"votes_down")), down, "%s", r.body);
	cr_assert_eq(json_object_get_int(json_object_object_get(o,
		"my_vote")), value, "%s", r.body);
	json_object_put(o);
	client_free(&r);
}

Test(forum_posts, twenty_users_voting_at_once_give_the_exact_score)
{
	char author[37], tid[37], first[37];
	char *a = user_new("user", author), *v = user_new("user", NULL);
	pid_t kids[20];
	int i, st;

	thread_new(author, tid, first);
	vote_expect(tid, v, 1, 1, 1, 0);
	vote_expect(tid, v, 1, 1, 1, 0);        /* the same again */
	vote_expect(tid, v, -1, -1, 0, 1);      /* changed */
	vote_expect(tid, v, 0, 0, 0, 0);        /* taken back */
	/* Twenty new users at once: 14 up, 6 down. */
	for (i = 0; i < 20; i++) {
		kids[i] = fork();
		cr_assert(kids[i] >= 0);
		if (kids[i] == 0) {
			char *me = client_auth_header("user", NULL);

			_exit(status_of("POST", THREADS, tid, "/vote", me,
				i < 14 ? "{\"value\":1}" : "{\"value\":-1}") ==
				200 ? 0 : 1);
		}
	}
	for (i = 0; i < 20; i++) {
		cr_assert_eq(waitpid(kids[i], &st, 0), kids[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "voter %d", i);
	}
	cr_assert_eq(client_sql_longf("SELECT CONCAT(score, ':', votes_up,"
		" ':', votes_down) = '8:14:6' FROM forum_threads"
		" WHERE public_id = '%s'", tid), 1);
	vote_expect(tid, v, 1, 9, 15, 6);
	free(a);
	free(v);
}

Test(forum_posts, a_vote_outside_minus_one_to_one_is_422_and_changes_nothing)
{
	static const char *const bad[] = {
		"{\"value\":2}", "{\"value\":-2}", "{\"value\":\"1\"}",
		"{\"value\":1.5}", "{\"value\":null}", "{}",
		"{\"value\":1,\"extra\":1}",
	};
	char author[37], tid[37], first[37];
	char *a = user_new("user", author), *v = user_new("user", NULL);
	size_t i;

	thread_new(author, tid, first);
	vote_expect(tid, v, 1, 1, 1, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(status_of("POST", THREADS, tid, "/vote", v, bad[i]),
			422, "%s", bad[i]);
	cr_assert_eq(client_sql_longf("SELECT CONCAT(score, votes_up,"
		" votes_down) FROM forum_threads WHERE public_id = '%s'", tid),
		110);
	cr_assert_eq(client_sql_longf("SELECT value FROM forum_votes v"
		" JOIN forum_threads t ON t.id = v.thread_id"
		" WHERE t.public_id = '%s'", tid), 1);
	/* Not one's own thread; not a thread that does not exist. */
	cr_assert_eq(status_of("POST", THREADS, tid, "/vote", a,
		"{\"value\":1}"), 403);
	cr_assert_eq(status_of("POST", THREADS,
		"00000000-0000-0000-0000-000000000000", "/vote", v,
		"{\"value\":1}"), 404);
	cr_assert_eq(status_of("POST", THREADS, "nope", "/vote", v,
		"{\"value\":1}"), 404);
	cr_assert_eq(status_of("POST", THREADS, tid, "/vote", NULL,
		"{\"value\":1}"), 401);
	free(a);
	free(v);
}

/* --- accepted answers ----------------------------------------------- */

static char *accepted_of(const char *tid)
{
	return client_sqlf("SELECT COALESCE(p.public_id, 'none')"
		" FROM forum_threads t LEFT JOIN forum_posts p"
		" ON p.id = t.accepted_post_id WHERE t.public_id = '%s'", tid);
}

Test(forum_posts, concurrent_accepts_of_different_posts_leave_exactly_one)
{
	char author[37], other[37], tid[37], first[37], replies[6][37];
	char *a = user_new("user", author), *o = user_new("user", other);
	char *acc;
	pid_t kids[6];
	int i, st, found = 0;

	thread_new(author, tid, first);
	for (i = 0; i < 6; i++)
		forum_kit_sql_reply(tid, other, "Try turning it off and on.", 0, replies[i]);
	for (i = 0; i < 6; i++) {
		kids[i] = fork();
		cr_assert(kids[i] >= 0);
		if (kids[i] == 0)
			_exit(status_of("POST", POSTS, replies[i], "/accept", a,
				NULL) == 200 ? 0 : 1);
	}
	for (i = 0; i < 6; i++) {
		cr_assert_eq(waitpid(kids[i], &st, 0), kids[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "accept %d", i);
	}
	acc = accepted_of(tid);
	for (i = 0; i < 6; i++)
		found += strcmp(acc, replies[i]) == 0;
	cr_assert_eq(found, 1, "accepted: %s", acc);
	free(acc);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_posts p"
		" JOIN forum_threads t ON t.accepted_post_id = p.id"
		" WHERE t.public_id = '%s'", tid), 1);
	free(a);
	free(o);
}

Test(forum_posts, only_the_thread_author_or_a_moderator_accepts_an_answer)
{
	char author[37], other[37], tid[37], first[37], r1[37], r2[37];
	char *a = user_new("user", author), *o = user_new("user", other);
	char *mod = user_new("support", NULL), *acc;
	struct client_resp r;
	struct json_object *j;

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, other, "Reinstall the extension.", 0, r1);
	forum_kit_sql_reply(tid, other, "Clear the cache.", 0, r2);
	SQL("DELETE FROM assistant_dirty WHERE kind = 'forum' AND"
		" source_id = (SELECT id FROM forum_threads WHERE public_id"
		" = '%s')", tid);

	/* A replier, even of the answer, may not choose it. */
	cr_assert_eq(status_of("POST", POSTS, r1, "/accept", o, NULL), 403);
	cr_assert_eq(status_of("POST", POSTS, r1, "/accept", NULL, NULL), 401);
	/* The question is not its own answer. */
	cr_assert_eq(status_of("POST", POSTS, first, "/accept", a, NULL), 409);
	acc = accepted_of(tid);
	cr_assert_str_eq(acc, "none");
	free(acc);

	call("POST", POSTS, r1, "/accept", a, NULL, &r);
	j = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(j, "id"), tid);
	cr_assert_str_eq(client_json_str(j, "accepted_post_id"), r1);
	cr_assert(json_object_get_boolean(json_object_object_get(j, "solved")));
	json_object_put(j);
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM assistant_dirty"
		" WHERE kind = 'forum' AND source_id = (SELECT id FROM"
		" forum_threads WHERE public_id = '%s')", tid), 1);
	cr_assert_eq(client_audit_count("forum.accept", r1), 0);

	/* Switched to another answer, by a moderator: audited. */
	cr_assert_eq(status_of("POST", POSTS, r2, "/accept", mod, NULL), 200);
	acc = accepted_of(tid);
	cr_assert_str_eq(acc, r2);
	free(acc);
	cr_assert_eq(client_audit_count("forum.accept", r2), 1);

	/* Unaccepting a post that is not the answer; then the answer. */
	cr_assert_eq(status_of("DELETE", POSTS, r1, "/accept", a, NULL), 409);
	cr_assert_eq(status_of("DELETE", POSTS, r2, "/accept", o, NULL), 403);
	call("DELETE", POSTS, r2, "/accept", a, NULL, &r);
	j = client_expect_json(&r, 200);
	cr_assert(json_object_get_type(json_object_object_get(j,
		"accepted_post_id")) == json_type_null, "%s", r.body);
	cr_assert(!json_object_get_boolean(json_object_object_get(j,
		"solved")));
	json_object_put(j);
	client_free(&r);
	cr_assert_eq(status_of("DELETE", POSTS, r2, "/accept", a, NULL), 409);

	/* A post hidden by flags cannot be accepted. */
	SQL("UPDATE forum_posts SET hidden_at = UTC_TIMESTAMP(6)"
		" WHERE public_id = '%s'", r1);
	cr_assert_eq(status_of("POST", POSTS, r1, "/accept", a, NULL), 409);
	acc = accepted_of(tid);
	cr_assert_str_eq(acc, "none");
	free(acc);
	free(a);
	free(o);
	free(mod);
}

/* --- edits ---------------------------------------------------------- */

static void edit_expect(const char *pid, const char *auth, const char *json,
	long status, long revision)
{
	struct client_resp r;
	struct json_object *o;

	call("PATCH", POSTS, pid, "", auth, json, &r);
	cr_assert_eq(r.status, status, "%s: %s", json, r.body);
	if (status == 200) {
		o = client_expect_json(&r, 200);
		cr_assert_eq(json_object_get_int(json_object_object_get(o,
			"revision")), revision, "%s", r.body);
		cr_assert_str_eq(client_json_str(o, "id"), pid);
		cr_assert(client_json_str(o, "edited_at") != NULL);
		json_object_put(o);
	}
	client_free(&r);
}

Test(forum_posts, edits_inside_the_window_keep_every_revision)
{
	char author[37], other[37], tid[37], first[37], rep[37];
	char *a = user_new("user", author), *o = user_new("user", other);
	char *mod = user_new("support", NULL), *s;
	struct client_resp r;
	struct json_object *j, *items;

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, other, "Version one.", 0, rep);
	edit_expect(rep, o, "{\"body\":\"Version two.\"}", 200, 2);
	edit_expect(rep, o, "{\"body\":\"Version three.\"}", 200, 3);
	s = post_body(rep);
	cr_assert_str_eq(s, "Version three.");
	free(s);

	/* The earlier bodies, newest first, for the author and moderators
	 * only. */
	call("GET", POSTS, rep, "/revisions", o, NULL, &r);
	j = client_expect_json(&r, 200);
	items = json_object_object_get(j, "items");
	cr_assert_eq(json_object_array_length(items), 2, "%s", r.body);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 0),
		"body"), "Version two.");
	cr_assert_eq(json_object_get_int(json_object_object_get(
		json_object_array_get_idx(items, 0), "revision")), 2);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 1),
		"body"), "Version one.");
	json_object_put(j);
	client_free(&r);
	cr_assert_eq(status_of("GET", POSTS, rep, "/revisions", mod, NULL), 200);
	cr_assert_eq(status_of("GET", POSTS, rep, "/revisions", a, NULL), 403);

	/* A title belongs to the first post only; the first post's edit
	 * retitles the thread and keeps the old title. */
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", o,
		"{\"body\":\"x y z\",\"title\":\"A new title\"}"), 422);
	edit_expect(first, a, "{\"body\":\"The question, clearer.\","
		"\"title\":\"How do I reset my licence?\"}", 200, 2);
	s = client_sqlf("SELECT CONCAT(t.title, '|', t.body_text, '|', r.title)"
		" FROM forum_threads t JOIN forum_post_revisions r"
		" ON r.post_id = t.first_post_id WHERE t.public_id = '%s'", tid);
	cr_assert(s != NULL && strncmp(s, "How do I reset my licence?|"
		"The question, clearer.|How do I ", 59) == 0, "%s", s);
	free(s);

	/* Bad bodies change nothing. */
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", o, "{\"body\":\"\"}"),
		422);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", o, "{}"), 422);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", o,
		"{\"body\":\"ok\",\"pinned\":true}"), 422);
	cr_assert_eq(client_sql_longf("SELECT revision FROM forum_posts"
		" WHERE public_id = '%s'", rep), 3);
	free(a);
	free(o);
	free(mod);
}

Test(forum_posts, the_author_may_not_edit_after_the_edit_window)
{
	char author[37], tid[37], first[37], rep[37];
	char *a = user_new("user", author), *mod = user_new("admin", NULL);
	char *s;

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, author, "Also: it crashes at start.", 0, rep);
	edit_expect(rep, a, "{\"body\":\"Also: it crashes at start-up.\"}",
		200, 2);
	/* Older than the default window of 30 minutes. */
	SQL("UPDATE forum_posts SET created_at = UTC_TIMESTAMP(6)"
		" - INTERVAL 31 MINUTE WHERE public_id = '%s'", rep);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", a,
		"{\"body\":\"Too late.\"}"), 403);
	s = post_body(rep);
	cr_assert_str_eq(s, "Also: it crashes at start-up.");
	free(s);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM"
		" forum_post_revisions r JOIN forum_posts p ON p.id = r.post_id"
		" WHERE p.public_id = '%s'", rep), 1);
	/* Moderators have no window; their edit of someone else's post is
	 * audited. */
	edit_expect(rep, mod, "{\"body\":\"Edited by staff.\"}", 200, 3);
	cr_assert_eq(client_audit_count("forum.post_edit", rep), 1);
	free(a);
	free(mod);
}

Test(forum_posts, a_hidden_post_is_editable_by_its_author_only_after_the_cooldown)
{
	char author[37], other[37], tid[37], first[37], rep[37];
	char *a = user_new("user", author), *o = user_new("user", other);
	char *s;

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, other, "Buy cheap licences here.", 0, rep);
	SQL("SET @p = (SELECT id FROM forum_posts WHERE public_id = '%s');"
		" UPDATE forum_posts SET hidden_at = UTC_TIMESTAMP(6),"
		" hidden_until = UTC_TIMESTAMP(6) + INTERVAL 10 MINUTE"
		" WHERE id = @p;"
		" INSERT INTO forum_reviews (public_id, post_id, pending_post_id,"
		" score, flaggers, created_at, updated_at) VALUES (UUID(), @p, @p,"
		" 3, 3, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))", rep);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", o,
		"{\"body\":\"Sorry, here is a real answer.\"}"), 409);
	s = post_body(rep);
	cr_assert_str_eq(s, "Buy cheap licences here.");
	free(s);
	/* The cool-down is over: the edit shows the post again; the review
	 * is still for a moderator to decide. */
	SQL("UPDATE forum_posts SET hidden_until = UTC_TIMESTAMP(6)"
		" - INTERVAL 1 SECOND WHERE public_id = '%s'", rep);
	edit_expect(rep, o, "{\"body\":\"Sorry, here is a real answer.\"}",
		200, 2);
	cr_assert_eq(client_sql_longf("SELECT hidden_at IS NULL AND"
		" hidden_until IS NULL FROM forum_posts WHERE public_id = '%s'",
		rep), 1);
	s = client_sqlf("SELECT r.status FROM forum_reviews r JOIN forum_posts p"
		" ON p.id = r.post_id WHERE p.public_id = '%s'", rep);
	cr_assert_str_eq(s, "pending");
	free(s);
	free(a);
	free(o);
}

Test(forum_posts, users_cannot_edit_or_delete_others_posts)
{
	char author[37], other[37], tid[37], first[37], rep[37];
	char *a = user_new("user", author), *o = user_new("user", other);
	char *dev = user_new("developer", NULL), *s;

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, other, "My answer.", 0, rep);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", a,
		"{\"body\":\"Hijacked.\"}"), 403);
	cr_assert_eq(status_of("PATCH", POSTS, first, "", o,
		"{\"body\":\"Hijacked.\"}"), 403);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", dev,
		"{\"body\":\"Hijacked.\"}"), 403);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", NULL,
		"{\"body\":\"Hijacked.\"}"), 401);
	cr_assert_eq(status_of("DELETE", POSTS, rep, "", a, NULL), 403);
	cr_assert_eq(status_of("DELETE", POSTS, first, "", o, NULL), 403);
	s = post_body(rep);
	cr_assert_str_eq(s, "My answer.");
	free(s);
	cr_assert_eq(client_sql_longf("SELECT deleted FROM forum_threads"
		" WHERE public_id = '%s'", tid), 0);
	/* Malformed and unknown ids are absent. */
	cr_assert_eq(status_of("PATCH", POSTS, "123", "", o,
		"{\"body\":\"x\"}"), 404);
	cr_assert_eq(status_of("DELETE", POSTS,
		"00000000-0000-0000-0000-000000000000", "", o, NULL), 404);
	free(a);
	free(o);
	free(dev);
}

/* --- deletes -------------------------------------------------------- */

Test(forum_posts, every_action_on_a_deleted_post_is_404)
{
	char author[37], other[37], tid[37], first[37], rep[37], ans[37];
	char *a = user_new("user", author), *o = user_new("user", other);
	char *mod = user_new("support", NULL);

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, other, "First try.", 0, rep);
	forum_kit_sql_reply(tid, other, "The answer.", 0, ans);
	cr_assert_eq(status_of("POST", POSTS, ans, "/accept", a, NULL), 200);
	cr_assert_eq(status_of("DELETE", POSTS, rep, "", o, NULL), 204);
	cr_assert_eq(client_sql_longf("SELECT CONCAT(p.deleted, t.replies)"
		" FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id"
		" WHERE p.public_id = '%s'", rep), 11);
	cr_assert_eq(status_of("DELETE", POSTS, rep, "", o, NULL), 404);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", o,
		"{\"body\":\"Back.\"}"), 404);
	cr_assert_eq(status_of("GET", POSTS, rep, "/revisions", o, NULL), 404);
	cr_assert_eq(status_of("POST", POSTS, rep, "/accept", a, NULL), 404);
	cr_assert_eq(status_of("DELETE", POSTS, rep, "/accept", a, NULL), 404);
	/* Moderators still read it, but do not act on it. */
	cr_assert_eq(status_of("GET", POSTS, rep, "/revisions", mod, NULL), 200);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", mod,
		"{\"body\":\"Back.\"}"), 404);

	/* A moderator deleting the accepted answer: audited, the thread is
	 * unsolved and marked for the assistant. */
	SQL("DELETE FROM assistant_dirty WHERE kind = 'forum' AND"
		" source_id = (SELECT id FROM forum_threads WHERE public_id"
		" = '%s')", tid);
	cr_assert_eq(status_of("DELETE", POSTS, ans, "", mod, NULL), 204);
	cr_assert_eq(client_audit_count("forum.post_delete", ans), 1);
	cr_assert_eq(client_sql_longf("SELECT CONCAT(accepted_post_id IS NULL,"
		" replies) FROM forum_threads WHERE public_id = '%s'", tid), 10);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM assistant_dirty"
		" WHERE kind = 'forum' AND source_id = (SELECT id FROM"
		" forum_threads WHERE public_id = '%s')", tid), 1);
	free(a);
	free(o);
	free(mod);
}

Test(forum_posts, deleting_the_first_post_deletes_the_thread)
{
	char author[37], other[37], tid[37], first[37], rep[37];
	char t2[37], f2[37];
	char *a = user_new("user", author), *o = user_new("user", other);

	/* With a reply by someone else the question stays. */
	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, other, "An answer.", 0, rep);
	cr_assert_eq(status_of("DELETE", POSTS, first, "", a, NULL), 409);
	cr_assert_eq(client_sql_longf("SELECT deleted FROM forum_threads"
		" WHERE public_id = '%s'", tid), 0);

	thread_new(author, t2, f2);
	cr_assert_eq(status_of("DELETE", POSTS, f2, "", a, NULL), 204);
	cr_assert_eq(client_sql_longf("SELECT deleted + (deleted_at IS NOT NULL)"
		" FROM forum_threads WHERE public_id = '%s'", t2), 2);
	cr_assert_eq(status_of("POST", THREADS, t2, "/vote", o,
		"{\"value\":1}"), 404);
	cr_assert_eq(status_of("PATCH", POSTS, f2, "", a,
		"{\"body\":\"Back.\"}"), 404);
	free(a);
	free(o);
}

Test(forum_posts, editing_what_the_assistant_quotes_marks_the_thread)
{
	char author[37], other[37], tid[37], first[37], ans[37], rep[37];
	char *a = user_new("user", author), *o = user_new("user", other);
	char sql[512];

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, other, "The answer.", 0, ans);
	forum_kit_sql_reply(tid, other, "A side note.", 0, rep);
	cr_assert_eq(status_of("POST", POSTS, ans, "/accept", a, NULL), 200);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM assistant_dirty"
		" WHERE kind = 'forum' AND source_id = (SELECT id FROM"
		" forum_threads WHERE public_id = '%s')", tid);
#define CLEAR() free(client_sqlf("DELETE FROM assistant_dirty WHERE" \
	" kind = 'forum' AND source_id = (SELECT id FROM forum_threads" \
	" WHERE public_id = '%s')", tid))
	CLEAR();
	edit_expect(rep, o, "{\"body\":\"A longer side note.\"}", 200, 2);
	cr_assert_eq(client_sql_long(sql), 0, "a side note is not quoted");
	edit_expect(ans, o, "{\"body\":\"The better answer.\"}", 200, 2);
	cr_assert_eq(client_sql_long(sql), 1);
	CLEAR();
	edit_expect(first, a, "{\"body\":\"The question again.\"}", 200, 2);
	cr_assert_eq(client_sql_long(sql), 1);
#undef CLEAR
	free(a);
	free(o);
}

Test(forum_posts, in_a_locked_thread_only_moderators_edit_or_delete)
{
	char author[37], tid[37], first[37], rep[37];
	char *a = user_new("user", author), *mod = user_new("support", NULL);
	char *s;

	thread_new(author, tid, first);
	forum_kit_sql_reply(tid, author, "Before the lock.", 0, rep);
	SQL("UPDATE forum_threads SET locked = 1 WHERE public_id = '%s'", tid);
	cr_assert_eq(status_of("PATCH", POSTS, rep, "", a,
		"{\"body\":\"After the lock.\"}"), 409);
	cr_assert_eq(status_of("DELETE", POSTS, rep, "", a, NULL), 409);
	s = post_body(rep);
	cr_assert_str_eq(s, "Before the lock.");
	free(s);
	edit_expect(rep, mod, "{\"body\":\"Moderated.\"}", 200, 2);
	cr_assert_eq(status_of("DELETE", POSTS, rep, "", mod, NULL), 204);
	free(a);
	free(mod);
}

/* With threads and replies written through the forum's own routes (by
 * staff, whom the posting limits leave alone): the thread detail shows
 * what these routes changed. */
Test(forum_posts, the_thread_detail_shows_the_accepted_answer_vote_and_edit)
{
	char *a = user_new("support", NULL), *b = user_new("support", NULL);
	char *v = user_new("user", NULL), *tid, *rep, json[256];
	struct client_resp r;
	struct json_object *o, *items, *p;
	size_t i, n;
	int seen = 0;

	snprintf(json, sizeof(json), "{\"category\":\"general\",\"title\":"
		"\"Where is the %s setting?\",\"body\":\"I cannot find it.\"}",
		client_unique("s"));
	client_call("POST", "/api/v1/forum/threads", a, json, &r);
	o = client_expect_json(&r, 201);
	tid = strdup(client_json_str(o, "id"));
	json_object_put(o);
	client_free(&r);
	call("POST", THREADS, tid, "/posts", b,
		"{\"body\":\"Under Preferences, Editor.\"}", &r);
	o = client_expect_json(&r, 201);
	rep = strdup(client_json_str(o, "id"));
	json_object_put(o);
	client_free(&r);

	edit_expect(rep, b, "{\"body\":\"Under Preferences, then Editor.\"}",
		200, 2);
	cr_assert_eq(status_of("POST", POSTS, rep, "/accept", a, NULL), 200);
	vote_expect(tid, v, 1, 1, 1, 0);

	call("GET", THREADS, tid, "", v, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "accepted_post_id"), rep, "%s",
		r.body);
	cr_assert(json_object_get_boolean(json_object_object_get(o, "solved")));
	cr_assert_eq(json_object_get_int(json_object_object_get(o, "score")), 1);
	cr_assert_eq(json_object_get_int(json_object_object_get(o, "my_vote")),
		1);
	items = json_object_object_get(json_object_object_get(o, "posts"),
		"items");
	n = json_object_array_length(items);
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(items, i);
		if (strcmp(client_json_str(p, "id"), rep) != 0)
			continue;
		seen = 1;
		cr_assert(json_object_get_boolean(json_object_object_get(p,
			"accepted")));
		cr_assert_eq(json_object_get_int(json_object_object_get(p,
			"revision")), 2);
		cr_assert_str_eq(client_json_str(p, "body"),
			"Under Preferences, then Editor.");
	}
	cr_assert(seen, "%s", r.body);
	json_object_put(o);
	client_free(&r);
	/* The thread's author accepted (a moderator, but their own thread):
	 * no audit event. */
	cr_assert_eq(client_audit_count("forum.accept", rep), 0);
	free(tid);
	free(rep);
	free(a);
	free(b);
	free(v);
}
