/* The forum through the front server: a thread and its opening post
 * written together and read back with its posts a page at a time;
 * replies; a locked thread refusing replies (409) except from
 * moderators; lock and pin for moderators only (403 for users, 401
 * anonymous), audited; bad input refused with 422 and nothing written;
 * malformed, unknown and deleted threads 404 (moderators still see a
 * deleted one); the latest, top and unanswered orders; a search whose
 * pages concatenate to one ordered list while threads are added, with
 * solved threads ranked above equal unsolved ones; the anonymous list
 * cached and made stale by a write; a hidden post's body withheld from
 * everyone but its author and moderators. Every test works on threads
 * tagged or worded with a word no other run uses. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "client.h"
#include "forum_kit.h"

#define TH "/api/v1/forum/threads"

static char *mod, *user, *other;
static char user_id[40], other_id[40];

static void setup(void)
{
	mod = client_auth_header("support", NULL);
	user = client_auth_header("user", user_id);
	other = client_auth_header("user", other_id);
	/* Trust level 1, so that these tests of the forum itself post at
	 * test speed (scripts/test turns level 1's intervals off); the
	 * new users' limits are test_forum_trust's. */
	forum_kit_level(user_id, 1);
	forum_kit_level(other_id, 1);
}

static void teardown(void)
{
	free(mod);
	free(user);
	free(other);
}

TestSuite(forum, .init = setup, .fini = teardown);

/* Starts a thread as auth (201 expected); its id into id (37 bytes). */
static void create(const char *auth, const char *title, const char *body,
	const char *tag, char *id)
{
	struct client_resp r;

	cr_assert_eq(forum_kit_thread(auth, title, body, tag, id, &r), 201,
		"%s", r.body);
	client_free(&r);
}

/* Replies as auth (201 expected); the post's id into pid (37 bytes)
 * when not NULL. */
static void reply(const char *auth, const char *tid, const char *body,
	char *pid)
{
	struct client_resp r;

	cr_assert_eq(forum_kit_reply(auth, tid, body, pid, &r), 201, "%s",
		r.body);
	client_free(&r);
}

static long act(const char *auth, const char *tid, const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), TH "/%s/%s", tid, what);
	return client_status("POST", path, auth, NULL);
}

static long reply_status(const char *auth, const char *tid)
{
	return forum_kit_reply(auth, tid, "One more thing about this.", NULL,
		NULL);
}


/* The thread's detail as auth reads it (status expected). */
static struct json_object *detail(const char *auth, const char *tid,
	const char *query, long status, struct client_resp *r)
{
	char path[1024];

	snprintf(path, sizeof(path), TH "/%s%s", tid, query ? query : "");
	client_call("GET", path, auth, NULL, r);
	return client_expect_json(r, status);
}

Test(forum, a_thread_and_its_first_post_are_created_and_read_back)
{
	char tid[40], path[128];
	struct client_resp r;
	struct json_object *o, *posts, *p;
	char *loc;

	client_call("POST", TH, user, "{\"category\":\"extensions\","
		"\"title\":\"How do I pin an extension version?\","
		"\"body\":\"I use **Dev Forge** and want a fixed version.\","
		"\"tags\":[\"versions\",\"pinning\"]}", &r);
	o = client_expect_json(&r, 201);
	snprintf(tid, sizeof(tid), "%s", client_json_str(o, "id"));
	loc = client_header(&r, "Location");
	snprintf(path, sizeof(path), TH "/%s", tid);
	cr_assert(loc != NULL && strcmp(loc, path) == 0, "Location %s", loc);
	free(loc);
	cr_assert_str_eq(client_json_str(o, "category"), "extensions");
	cr_assert_str_eq(client_json_str(o, "author.trust_level"), "1");
	cr_assert_str_eq(client_json_str(o, "solved"), "false");
	cr_assert_str_eq(client_json_str(o, "replies"), "0");
	cr_assert_str_eq(client_json_str(o, "my_vote"), "0");
	cr_assert_str_eq(client_json_str(o, "tags[1]"), "pinning");
	json_object_put(o);
	client_free(&r);

	reply(other, tid, "Use the version field of the manifest.", NULL);
	o = detail(NULL, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "replies"), "1");
	posts = json_object_object_get(json_object_object_get(o, "posts"),
		"items");
	cr_assert_eq(json_object_array_length(posts), 2);
	p = json_object_array_get_idx(posts, 0);
	cr_assert_str_eq(client_json_str(p, "first"), "true");
	cr_assert_str_eq(client_json_str(p, "body"),
		"I use **Dev Forge** and want a fixed version.");
	cr_assert_str_eq(client_json_str(p, "thread_id"), tid);
	p = json_object_array_get_idx(posts, 1);
	cr_assert_str_eq(client_json_str(p, "first"), "false");
	cr_assert_str_eq(client_json_str(p, "author.trust_level"), "1");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_posts p JOIN"
		" forum_threads t ON t.id = p.thread_id WHERE t.public_id = '%s'"
		" AND p.is_first = 1 AND t.first_post_id = p.id", tid), 1);
	json_object_put(o);
	client_free(&r);
}

Test(forum, the_body_hash_ignores_white_space_runs)
{
	char w[24], tid[40];

	client_word(w, 'f');
	create(user, "Spaces in a body", "  two\n\n  words\there  ", w, tid);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_posts p JOIN"
		" forum_threads t ON t.id = p.thread_id WHERE t.public_id = '%s'"
		" AND p.body_hash = UNHEX(SHA2('two words here', 256))", tid), 1);
}

Test(forum, a_locked_thread_refuses_replies_but_not_from_moderators)
{
	char w[24], tid[40];
	struct client_resp r;
	struct json_object *o;

	client_word(w, 'f');
	create(user, "Locked thread question", "Please help.", w, tid);
	cr_assert_eq(act(mod, tid, "lock"), 200);
	cr_assert_eq(client_audit_count("forum.lock", tid), 1);
	cr_assert_eq(act(mod, tid, "lock"), 200);
	cr_assert_eq(client_audit_count("forum.lock", tid), 1,
		"locking a locked thread is not another event");
	cr_assert_eq(reply_status(user, tid), 409);
	cr_assert_eq(reply_status(other, tid), 409);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_posts p JOIN"
		" forum_threads t ON t.id = p.thread_id WHERE t.public_id = '%s'",
		tid), 1, "a refused reply wrote nothing");
	cr_assert_eq(reply_status(mod, tid), 201);
	o = detail(NULL, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "locked"), "true");
	cr_assert_str_eq(client_json_str(o, "posts.items[1].author.trust_level"), "4",
		"staff count as trust level 4");
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(act(mod, tid, "unlock"), 200);
	cr_assert_eq(client_audit_count("forum.unlock", tid), 1);
	cr_assert_eq(reply_status(user, tid), 201);
}

Test(forum, users_may_not_lock_or_pin)
{
	char w[24], tid[40];

	client_word(w, 'f');
	create(user, "Nobody pins this", "Text.", w, tid);
	cr_assert_eq(act(user, tid, "lock"), 403);
	cr_assert_eq(act(user, tid, "pin"), 403);
	cr_assert_eq(act(other, tid, "unlock"), 403);
	cr_assert_eq(act(other, tid, "unpin"), 403);
	cr_assert_eq(act(NULL, tid, "lock"), 401);
	cr_assert_eq(client_status("POST", TH, NULL, "{\"category\":"
		"\"general\",\"title\":\"Anonymous\",\"body\":\"x\"}"), 401);
	cr_assert_eq(reply_status(NULL, tid), 401);
	cr_assert_eq(client_sql_longf("SELECT locked + pinned FROM"
		" forum_threads WHERE public_id = '%s'", tid), 0);
	cr_assert_eq(client_audit_count("forum.lock", tid), 0);
	cr_assert_eq(client_audit_count("forum.pin", tid), 0);
}

static void refused(const char *json, const char *field, const char *code)
{
	client_expect_field_error_auth("POST", TH, user, json, field, code);
}

Test(forum, bad_input_is_422_and_writes_nothing)
{
	char w[24], json[30000], tid[40], path[128];
	long before = client_sql_long("SELECT COUNT(*) FROM forum_threads");
	struct client_resp r;
	char *big;

	client_word(w, 'f');
	snprintf(json, sizeof(json), "{\"category\":\"general\",\"title\":"
		"\"Shrt\",\"body\":\"%s\"}", w);
	refused(json, "title", NULL);
	refused("{\"category\":\"general\",\"title\":\"Two\\nlines\","
		"\"body\":\"b\"}", "title", NULL);
	refused("{\"category\":\"general\",\"title\":\"Long enough\","
		"\"body\":\"   \"}", "body", NULL);
	refused("{\"category\":\"general\",\"title\":\"Long enough\"}",
		"body", NULL);
	refused("{\"category\":\"nowhere\",\"title\":\"Long enough\","
		"\"body\":\"b\"}", "category", "not_found");
	refused("{\"category\":\"general\",\"title\":\"Long enough\","
		"\"body\":\"b\",\"tags\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}",
		"tags", NULL);
	refused("{\"category\":\"general\",\"title\":\"Long enough\","
		"\"body\":\"b\",\"tags\":[\"Bad_Tag\"]}", "tags[0]", NULL);
	refused("{\"category\":\"general\",\"title\":\"Long enough\","
		"\"body\":\"b\",\"tags\":[\"same\",\"same\"]}", "tags[1]",
		"duplicate");
	refused("{\"category\":\"general\",\"title\":\"Long enough\","
		"\"body\":\"b\",\"pinned\":true}", "pinned", NULL);
	big = malloc(20002);
	cr_assert_not_null(big);
	memset(big, 'x', 20001);
	big[20001] = '\0';
	snprintf(json, sizeof(json), "{\"category\":\"general\",\"title\":"
		"\"Long enough\",\"body\":\"%s\"}", big);
	refused(json, "body", NULL);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM forum_threads"),
		before, "a refused thread was written");

	create(user, "Replies are checked too", "Text.", w, tid);
	snprintf(path, sizeof(path), TH "/%s/posts", tid);
	client_call("POST", path, user, "{\"body\":\" \\n \"}", &r);
	client_assert_field_error(&r, "body", NULL);
	client_free(&r);
	big[20000] = '\0';
	snprintf(json, sizeof(json), "{\"body\":\"%sx\"}", big);
	client_call("POST", path, user, json, &r);
	client_assert_field_error(&r, "body", NULL);
	client_free(&r);
	free(big);
	cr_assert_eq(client_sql_longf("SELECT replies FROM forum_threads"
		" WHERE public_id = '%s'", tid), 0);
	client_call("GET", TH "?sort=oldest", NULL, NULL, &r);
	client_assert_field_error(&r, "sort", NULL);
	client_free(&r);
	client_call("GET", TH "?cursor=bm9wZQ", NULL, NULL, &r);
	client_assert_field_error(&r, "cursor", NULL);
	client_free(&r);
}

/* Hostile bodies: an escaped NUL, bytes that are not UTF-8, nesting
 * past the parser's depth (400); numbers where strings go and a tags
 * array of thousands (422); none writes a thing. A body of exactly 20000
 * characters is taken even when each is four bytes: the limit counts
 * characters, not bytes. */
Test(forum, hostile_bodies_get_problem_details_and_write_nothing)
{
	char w[24], tid[40], path[128], *json, *p;
	long before = client_sql_long("SELECT COUNT(*) FROM forum_threads");
	struct client_resp r;
	size_t i, cap = 200000;

	client_word(w, 'h');
	create(user, "Hostile input goes nowhere", "Base.", w, tid);
	snprintf(path, sizeof(path), TH "/%s/posts", tid);
	json = malloc(cap);
	cr_assert_not_null(json);

	client_call("POST", TH, user, "{\"category\":\"general\",\"title\":"
		"\"Long enough\",\"body\":\"a\\u0000b\"}", &r);
	client_assert_problem(&r, 400, "bad_request");
	client_free(&r);
	client_call("POST", path, user, "{\"body\":\"a\xff\xfe b\"}", &r);
	client_assert_problem(&r, 400, "bad_request");
	client_free(&r);
	p = json + sprintf(json, "{\"body\":");
	for (i = 0; i < 5000; i++)
		*p++ = '[';
	for (i = 0; i < 5000; i++)
		*p++ = ']';
	strcpy(p, "}");
	client_call("POST", path, user, json, &r);
	client_assert_problem(&r, 400, "bad_request");
	client_free(&r);
	refused("{\"category\":\"general\",\"title\":12345,\"body\":\"b\"}",
		"title", NULL);
	refused("{\"category\":\"general\",\"title\":\"Long enough\","
		"\"body\":7}", "body", NULL);
	client_call("POST", path, user, "{\"body\":true}", &r);
	client_assert_field_error(&r, "body", NULL);
	client_free(&r);
	p = json + sprintf(json, "{\"category\":\"general\",\"title\":"
		"\"Long enough\",\"body\":\"b\",\"tags\":[");
	for (i = 0; i < 10000; i++)
		p += sprintf(p, "%s\"t%zu\"", i ? "," : "", i);
	strcpy(p, "]}");
	refused(json, "tags", NULL);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM forum_threads"),
		before + 1, "a refused thread was written");
	cr_assert_eq(client_sql_longf("SELECT replies FROM forum_threads"
		" WHERE public_id = '%s'", tid), 0);

	/* 20000 four-byte characters (U+1F600) are 20000 characters. */
	p = json + sprintf(json, "{\"body\":\"");
	for (i = 0; i < 20000; i++)
		p += sprintf(p, "\xf0\x9f\x98\x80");
	strcpy(p, "\"}");
	client_call("POST", path, user, json, &r);
	cr_assert_eq(r.status, 201, "%ld %.300s", r.status, r.body);
	client_free(&r);
	free(json);
}

Test(forum, unknown_malformed_and_deleted_threads_are_404)
{
	char w[24], tid[40], path[128];
	struct client_resp r;
	struct json_object *o;
	char *list;

	cr_assert_eq(client_status("GET", TH "/nope", NULL, NULL), 404);
	cr_assert_eq(client_status("GET",
		TH "/00000000-0000-4000-8000-000000000000", user, NULL), 404);
	cr_assert_eq(reply_status(user, "00000000-0000-4000-8000-000000000000"),
		404);
	cr_assert_eq(act(mod, "nope", "lock"), 404);

	client_word(w, 'f');
	create(user, "Soon deleted thread", "Text.", w, tid);
	free(client_sqlf("UPDATE forum_threads SET deleted = 1, deleted_at ="
		" UTC_TIMESTAMP(6) WHERE public_id = '%s'", tid));
	snprintf(path, sizeof(path), TH "/%s", tid);
	cr_assert_eq(client_status("GET", path, NULL, NULL), 404);
	cr_assert_eq(client_status("GET", path, user, NULL), 404,
		"not even its author sees it");
	cr_assert_eq(reply_status(user, tid), 404);
	cr_assert_eq(reply_status(mod, tid), 404);
	cr_assert_eq(act(mod, tid, "pin"), 404);
	o = detail(mod, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "deleted"), "true");
	json_object_put(o);
	client_free(&r);
	snprintf(path, sizeof(path), TH "?tag=%s", w);
	list = client_list_keys(path, NULL, "id", NULL);
	cr_assert_str_eq(list, "");
	free(list);
	list = client_list_keys(path, mod, "id", NULL);
	cr_assert_str_eq(list, "", "lists never hold deleted threads");
	free(list);
}

Test(forum, latest_top_and_unanswered_orders)
{
	char w[24], a[40], b[40], c[40], path[1024], want[160];
	char *list;

	client_word(w, 'f');
	create(user, "First of three", "Text a.", w, a);
	create(user, "Second of three", "Text b.", w, b);
	create(other, "Third of three", "Text c.", w, c);
	free(client_sqlf("UPDATE forum_threads SET score = CASE public_id"
		" WHEN '%s' THEN 5 WHEN '%s' THEN -1 ELSE 2 END WHERE public_id"
		" IN ('%s', '%s', '%s')", a, b, a, b, c));

	/* A reply moves the oldest to the top of latest. */
	reply(other, a, "A reply bumps it.", NULL);
	snprintf(path, sizeof(path), TH "?tag=%s", w);
	list = client_list_keys(path, NULL, "id", NULL);
	snprintf(want, sizeof(want), "%s %s %s", a, c, b);
	cr_assert_str_eq(list, want);
	free(list);

	snprintf(path, sizeof(path), TH "?tag=%s&sort=top", w);
	list = client_list_keys(path, NULL, "id", NULL);
	snprintf(want, sizeof(want), "%s %s %s", a, c, b);
	cr_assert_str_eq(list, want);
	free(list);

	snprintf(path, sizeof(path), TH "?tag=%s&sort=unanswered", w);
	list = client_list_keys(path, NULL, "id", NULL);
	snprintf(want, sizeof(want), "%s %s", c, b);
	cr_assert_str_eq(list, want);
	free(list);

	/* Pinned first in latest, whatever its last post. */
	cr_assert_eq(act(mod, b, "pin"), 200);
	cr_assert_eq(client_audit_count("forum.pin", b), 1);
	snprintf(path, sizeof(path), TH "?tag=%s", w);
	list = client_list_keys(path, NULL, "id", NULL);
	snprintf(want, sizeof(want), "%s %s %s", b, a, c);
	cr_assert_str_eq(list, want);
	free(list);

	/* Paged, one a page: the same order, then the end. */
	{
		char *next = NULL, *page, cur[512], all[160] = "";

		snprintf(path, sizeof(path), TH "?tag=%s&limit=1", w);
		for (int i = 0; i < 4; i++) {
			page = client_list_keys(path, NULL, "id", &next);
			if (*page != '\0')
				snprintf(all + strlen(all), sizeof(all) -
					strlen(all), "%s%s", *all ? " " : "",
					page);
			free(page);
			if (next == NULL)
				break;
			snprintf(cur, sizeof(cur), TH "?tag=%s&limit=1&cursor=%s",
				w, next);
			snprintf(path, sizeof(path), "%s", cur);
			free(next);
			next = NULL;
		}
		cr_assert_str_eq(all, want);
	}
	cr_assert_eq(act(mod, b, "unpin"), 200);
	cr_assert_eq(client_audit_count("forum.unpin", b), 1);
}

/* Every page of path (a list URL with limit=) concatenated. After the
 * first page, adds runs once (may be NULL). */
static char *all_pages(const char *path, void (*adds)(void *), void *ctx)
{
	char url[1024], *next = NULL, *page, *all = calloc(1, 16384);

	cr_assert_not_null(all);
	snprintf(url, sizeof(url), "%s", path);
	for (int i = 0; i < 50; i++) {
		page = client_list_keys(url, NULL, "id", &next);
		if (*page != '\0')
			snprintf(all + strlen(all), 16384 - strlen(all), "%s%s",
				*all ? " " : "", page);
		free(page);
		if (i == 0 && adds != NULL)
			adds(ctx);
		if (next == NULL)
			break;
		snprintf(url, sizeof(url), "%s&cursor=%s", path, next);
		free(next);
		next = NULL;
	}
	return all;
}

static void add_matches(void *ctx)
{
	const char *w = ctx;
	static int n;
	char tid[40], title[128], body[64];

	for (int i = 0; i < 2; i++) {
		snprintf(title, sizeof(title), "Late %s %s %s", w, w, w);
		/* Distinct bodies: the same text again is a duplicate. */
		snprintf(body, sizeof(body), "Added while a client pages (%d).",
			n++);
		create(other, title, body, "late", tid);
	}
}

Test(forum, search_pages_are_stable_while_threads_are_added)
{
	char w[24], title[128], body[256], tid[40], path[256];
	char *whole, *paged;

	client_word(w, 'f');
	for (int i = 0; i < 7; i++) {
		snprintf(title, sizeof(title), "Question %d about %s", i,
			i % 2 ? w : "something");
		snprintf(body, sizeof(body), "The %s word appears %s (%d).", w,
			i % 3 ? "once" : "here and there", i);
		create(user, title, body, "search", tid);
	}
	snprintf(path, sizeof(path), TH "?q=%s&limit=100", w);
	whole = all_pages(path, NULL, NULL);
	snprintf(path, sizeof(path), TH "?q=%s&limit=2", w);
	paged = all_pages(path, add_matches, w);
	cr_assert_str_eq(paged, whole, "pages moved while threads were added");
	free(whole);
	free(paged);
	/* A search cursor is not a latest cursor. */
	{
		char *next = NULL, *page, url[512];
		struct client_resp r;

		snprintf(path, sizeof(path), TH "?q=%s&limit=1", w);
		page = client_list_keys(path, NULL, "id", &next);
		free(page);
		cr_assert_not_null(next);
		snprintf(url, sizeof(url), TH "?limit=1&cursor=%s", next);
		client_call("GET", url, NULL, NULL, &r);
		client_assert_field_error(&r, "cursor", NULL);
		client_free(&r);
		free(next);
	}
}

Test(forum, solved_threads_rank_above_equal_unsolved_ones)
{
	char w[24], title[128], body[256], plain[40], solved[40], pid[40];
	char path[256], want[100];
	struct client_resp r;
	struct json_object *o;
	char *list;

	client_word(w, 'f');
	snprintf(title, sizeof(title), "Why does %s crash", w);
	snprintf(body, sizeof(body), "My %s crashes at start.", w);
	create(user, title, body, w, solved);
	/* The same text from its author again would be a duplicate. */
	create(other, title, body, w, plain);
	reply(other, solved, "Reinstall it.", pid);
	free(client_sqlf("UPDATE forum_threads t JOIN forum_posts p ON"
		" p.public_id = '%s' SET t.accepted_post_id = p.id WHERE"
		" t.public_id = '%s'", pid, solved));
	/* The newer, unsolved one wins ties without the bonus. */
	snprintf(path, sizeof(path), TH "?q=%s", w);
	list = client_list_keys(path, NULL, "id", NULL);
	snprintf(want, sizeof(want), "%s %s", solved, plain);
	cr_assert_str_eq(list, want);
	free(list);
	client_call("GET", path, NULL, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "items[0].solved"), "true");
	cr_assert_str_eq(client_json_str(o, "items[0].accepted_post_id"), pid);
	/* Compared as numbers: a proxy may write 2.0 as 2 (Prism does). */
	cr_assert_float_eq(strtod(client_json_str(o,
		"items[0].relevance"), NULL), 2.5, 1e-9);
	cr_assert_float_eq(strtod(client_json_str(o,
		"items[1].relevance"), NULL), 2.0, 1e-9);
	json_object_put(o);
	client_free(&r);
}

Test(forum, the_anonymous_list_is_cached_until_a_forum_write)
{
	char w[24], a[40], b[40], path[256], inm[128], *etag;
	const char *h[2] = { inm, NULL };
	struct client_resp r;

	client_word(w, 'f');
	create(user, "Cached list one", "Text.", w, a);
	snprintf(path, sizeof(path), TH "?tag=%s", w);
	etag = client_etag_revalidates(path);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	/* A user's read is the shared answer too. */
	client_call("GET", path, user, NULL, &r);
	cr_assert_eq(r.status, 200, "%ld %s", r.status, r.body);
	client_free(&r);

	create(other, "Cached list two", "Text.", w, b);
	cr_assert_eq(client_request("GET", client_url(path), h, NULL, 0, &r), 0);
	cr_assert_eq(r.status, 200, "stale 304 after a new thread");
	cr_assert(strstr(r.body, b) != NULL, "stale list: %s", r.body);
	client_free(&r);
	free(etag);

	/* A reply is a write too (replies, last_post_at). */
	client_call("GET", path, NULL, NULL, &r);
	cr_assert(strstr(r.body, "\"replies\":0") != NULL);
	client_free(&r);
	reply(user, a, "A reply.", NULL);
	client_call("GET", path, NULL, NULL, &r);
	cr_assert(strstr(r.body, "\"replies\":1") != NULL, "stale: %s", r.body);
	client_free(&r);
	/* And a lock. */
	cr_assert_eq(act(mod, a, "lock"), 200);
	client_call("GET", path, NULL, NULL, &r);
	cr_assert(strstr(r.body, "\"locked\":true") != NULL, "stale: %s",
		r.body);
	client_free(&r);
}

Test(forum, a_hidden_posts_body_is_for_its_author_and_moderators)
{
	char w[24], tid[40], pid[40];
	struct client_resp r;
	struct json_object *o;

	client_word(w, 'f');
	create(other, "A thread with a hidden reply", "Text.", w, tid);
	reply(user, tid, "Flagged words.", pid);
	free(client_sqlf("UPDATE forum_posts SET hidden_at = UTC_TIMESTAMP(6)"
		" WHERE public_id = '%s'", pid));
	o = detail(NULL, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "posts.items[1].hidden"), "true");
	cr_assert_null(client_json_str(o, "posts.items[1].body"));
	json_object_put(o);
	client_free(&r);
	o = detail(other, tid, NULL, 200, &r);
	cr_assert_null(client_json_str(o, "posts.items[1].body"));
	json_object_put(o);
	client_free(&r);
	o = detail(user, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "posts.items[1].body"),
		"Flagged words.");
	json_object_put(o);
	client_free(&r);
	o = detail(mod, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "posts.items[1].body"),
		"Flagged words.");
	json_object_put(o);
	client_free(&r);
}

Test(forum, posts_page_oldest_first_and_deleted_ones_only_for_moderators)
{
	char w[24], tid[40], p1[40], p2[40], p3[40], q[600];
	struct client_resp r;
	struct json_object *o;
	const char *next;

	client_word(w, 'f');
	create(user, "Many replies here", "Text.", w, tid);
	reply(other, tid, "Reply one.", p1);
	reply(other, tid, "Reply two.", p2);
	reply(other, tid, "Reply three.", p3);
	o = detail(NULL, tid, "?limit=2", 200, &r);
	cr_assert_str_eq(client_json_str(o, "posts.items[1].id"), p1);
	next = client_json_str(o, "posts.next_cursor");
	cr_assert_not_null(next);
	snprintf(q, sizeof(q), "?limit=2&cursor=%s", next);
	json_object_put(o);
	client_free(&r);
	o = detail(NULL, tid, q, 200, &r);
	cr_assert_str_eq(client_json_str(o, "posts.items[0].id"), p2);
	cr_assert_str_eq(client_json_str(o, "posts.items[1].id"), p3);
	cr_assert_null(client_json_str(o, "posts.next_cursor"));
	json_object_put(o);
	client_free(&r);

	free(client_sqlf("UPDATE forum_posts SET deleted = 1 WHERE"
		" public_id = '%s'", p2));
	o = detail(user, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "posts.items[2].id"), p3);
	json_object_put(o);
	client_free(&r);
	o = detail(mod, tid, NULL, 200, &r);
	cr_assert_str_eq(client_json_str(o, "posts.items[2].id"), p2);
	cr_assert_str_eq(client_json_str(o, "posts.items[2].deleted"), "true");
	json_object_put(o);
	client_free(&r);
}

/* The count is of the threads everyone sees listed: those whose first
 * post flags hid are left out (test_forum_flags). */
Test(forum, categories_count_their_threads)
{
	char w[24], tid[40];
	struct client_resp r;
	struct json_object *o, *items, *it;
	long before = client_sql_long("SELECT COUNT(*) FROM forum_threads t"
		" JOIN forum_categories c ON c.id = t.category_id"
		" WHERE c.slug = 'general' AND t.deleted = 0"
		" AND NOT EXISTS (SELECT 1 FROM forum_posts fp"
		" WHERE fp.id = t.first_post_id AND fp.hidden_at IS NOT NULL)");
	size_t i, n;
	int seen = 0;

	client_word(w, 'f');
	create(user, "Counted in general", "Text.", w, tid);
	client_call("GET", "/api/v1/forum/categories", NULL, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "items[0].slug"), "general");
	items = json_object_object_get(o, "items");
	n = json_object_array_length(items);
	cr_assert(n >= 5);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(items, i);
		if (strcmp(client_json_str(it, "slug"), "general") == 0) {
			seen = 1;
			cr_assert(atol(client_json_str(it, "threads")) >= before + 1);
		}
	}
	cr_assert(seen);
	json_object_put(o);
	client_free(&r);
}
