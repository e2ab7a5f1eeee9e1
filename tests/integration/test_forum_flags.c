/* Forum flags through the front server: trust level 1 to flag, each
 * flag weighted by its flagger's accuracy into the post's open review,
 * the post hidden at the 3rd distinct flagger (2 do not) or at a score
 * of 4.0, a new author flagged by 3 distinct users silenced, flags on
 * one post at once counted exactly, and the moderation queue: agree,
 * disagree and ignore with their effect on visibility and accuracy,
 * once each, audited, moderators only. Threads and posts are written
 * straight into the database the way the forum writes them, so these
 * cases do not depend on the posting limits. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "desk_kit.h"
#include "forum_kit.h"

#define QUEUE "/api/v1/admin/moderation-queue"

/* The accounts a test made: their tokens are freed when it ends (each
 * test runs in a process of its own, checked for leaks). */
static char *made[64];
static size_t nmade;

static void free_users(void)
{
	while (nmade > 0)
		free(made[--nmade]);
}

TestSuite(forum_flags, .fini = free_users);

/* A user of role with a forum standing of trust level tl (-1: no
 * forum_user_stats row at all, as a brand new user). */
static void forum_user(struct desk_user *u, const char *role, int tl)
{
	forum_kit_user(u, role, tl);
	cr_assert(nmade < sizeof(made) / sizeof(made[0]));
	made[nmade++] = u->auth;
}

/* A thread by author with its first post, and thus a post to flag:
 * the post's public id into post (the thread's into thread when not
 * NULL); its row id. */
static long post_new(const struct desk_user *author, char post[40],
	char *thread)
{
	char tid[40];

	return forum_kit_sql_thread(author->id, client_unique("flagged thread"),
		"**Buy** cheap things now", "Buy cheap things now",
		thread != NULL ? thread : tid, post);
}

static const char *flag_path(const char *post, const char *tail)
{
	static char buf[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "/api/v1/forum/posts/%s/%s", post,
		tail);
	return buf[i];
}

static const char *decision_path(const char *review)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), QUEUE "/%s/decision", review);
	return buf;
}

/* Flags post as u, expecting 201; the answer (json_object_put it). */
static struct json_object *flag_ok(const struct desk_user *u,
	const char *post)
{
	struct client_resp r;
	struct json_object *o;

	client_call("POST", flag_path(post, "flags"), u->auth,
		"{\"reason\": \"spam\", \"detail\": \"sells things\"}", &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	return o;
}

/* Flags post as u with a spam reason, expecting the problem status/type. */
static void flag_refused(const struct desk_user *u, const char *post,
	long status, const char *type)
{
	struct client_resp r;

	client_call("POST", flag_path(post, "flags"), u->auth,
		"{\"reason\": \"spam\"}", &r);
	client_assert_problem(&r, status, type);
	client_free(&r);
}

static int jbool(struct json_object *o, const char *k)
{
	return json_object_get_boolean(json_object_object_get(o, k));
}

static double jnum(struct json_object *o, const char *k)
{
	return json_object_get_double(json_object_object_get(o, k));
}

static long hidden(long prow)
{
	return client_sql_longf("SELECT hidden_at IS NOT NULL FROM forum_posts"
		" WHERE id = %ld", prow);
}

/* The review's public id from a flag answer (malloc'd). */
static char *review_of(struct json_object *o)
{
	const char *s = client_json_str(o, "id");

	cr_assert(s != NULL && strlen(s) == 36);
	return strdup(s);
}

static struct json_object *decide(const struct desk_user *mod,
	const char *review, const char *decision, long status)
{
	char json[64];
	struct client_resp r;
	struct json_object *o;

	snprintf(json, sizeof(json), "{\"decision\": \"%s\"}", decision);
	client_call("POST", decision_path(review), mod->auth, json, &r);
	if (status != 200) {
		client_assert_problem(&r, status, status == 409 ? "conflict" :
			status == 403 ? "forbidden" : "not_found");
		client_free(&r);
		return NULL;
	}
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

static struct json_object *queue_find(const struct desk_user *mod,
	const char *status, const char *review);

/* Flags post as each of the n users u in turn (201 expected); the id of
 * the review they opened (malloc'd). */
static char *flag_all(const struct desk_user *u, size_t n, const char *post)
{
	struct json_object *o = flag_ok(&u[0], post);
	char *review = review_of(o);

	json_object_put(o);
	for (size_t i = 1; i < n; i++)
		json_object_put(flag_ok(&u[i], post));
	return review;
}

/* The decision tests' start: an author's post flagged by three users f
 * at trust level 1, so hidden, and a moderator to decide. */
struct flagged {
	struct desk_user author, f[3], mod;
	char post[40], thread[40];
	char *review;            /* malloc'd */
	long prow;               /* the post's row id */
};

static void flagged_by_three(struct flagged *x, const char *mod_role)
{
	forum_user(&x->author, "user", 1);
	for (int i = 0; i < 3; i++)
		forum_user(&x->f[i], "user", 1);
	forum_user(&x->mod, mod_role, -1);
	x->prow = post_new(&x->author, x->post, x->thread);
	x->review = flag_all(x->f, 3, x->post);
}

/* flagged_by_three, the post hidden, then the moderator's decision (200
 * expected) whose status is status; the answer (json_object_put it). */
static struct json_object *three_then(struct flagged *x,
	const char *decision, const char *status)
{
	struct json_object *o;

	flagged_by_three(x, "support");
	cr_assert_eq(hidden(x->prow), 1);
	o = decide(&x->mod, x->review, decision, 200);
	cr_assert_str_eq(client_json_str(o, "status"), status);
	return o;
}

static long stat_of(const struct desk_user *u, const char *col)
{
	return client_sql_longf("SELECT %s FROM forum_user_stats"
		" WHERE user_id = %ld", col, u->row);
}

/* Each of the n flaggers f has agreed flags decided agree and disagreed
 * decided disagree. */
static void expect_accuracy(const struct desk_user *f, size_t n,
	long agreed, long disagreed)
{
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(stat_of(&f[i], "flags_agreed"), agreed);
		cr_assert_eq(stat_of(&f[i], "flags_disagreed"), disagreed);
	}
}

Test(forum_flags, two_flaggers_do_not_hide_a_post_the_third_does)
{
	struct desk_user author, f[3];
	struct json_object *o;
	char post[40];
	long prow;

	forum_user(&author, "user", 1);
	for (int i = 0; i < 3; i++)
		forum_user(&f[i], "user", 1);
	prow = post_new(&author, post, NULL);
	for (int i = 0; i < 2; i++) {
		o = flag_ok(&f[i], post);
		cr_assert_not(jbool(o, "hidden"), "flag %d hid the post", i + 1);
		cr_assert_float_eq(jnum(o, "score"), i + 1.0, 1e-9);
		cr_assert_str_eq(client_json_str(o, "post_id"), post);
		json_object_put(o);
		cr_assert_eq(hidden(prow), 0);
	}
	o = flag_ok(&f[2], post);
	cr_assert(jbool(o, "hidden"));
	cr_assert_float_eq(jnum(o, "score"), 3.0, 1e-9);
	json_object_put(o);
	cr_assert_eq(hidden(prow), 1);
	/* The author may not edit it back for the cooldown (10 minutes). */
	cr_assert_eq(client_sql_longf("SELECT TIMESTAMPDIFF(MINUTE, hidden_at,"
		" hidden_until) FROM forum_posts WHERE id = %ld", prow), 10);
	/* One review for the post, three flaggers in it. */
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_reviews"
		" WHERE post_id = %ld", prow), 1);
	cr_assert_eq(client_sql_longf("SELECT flaggers FROM forum_reviews"
		" WHERE pending_post_id = %ld", prow), 3);
	/* A trust level 1 author is not silenced by it. */
	cr_assert_eq(client_sql_longf("SELECT silenced_at IS NULL FROM"
		" forum_user_stats WHERE user_id = %ld", author.row), 1);
}

Test(forum_flags, accurate_flaggers_weigh_more_so_two_hide_a_post)
{
	struct desk_user author, good[2], plain[2];
	struct json_object *o;
	char post[40], other[40];
	long prow, orow;

	forum_user(&author, "user", 1);
	for (int i = 0; i < 2; i++) {
		forum_user(&good[i], "user", 1);
		forum_user(&plain[i], "user", 1);
		/* 5 agreed and 0 disagreed decisions: weight 1 + 1 = 2. */
		desk_sql("UPDATE forum_user_stats SET flags_agreed = 5"
			" WHERE user_id = %ld", good[i].row);
	}
	prow = post_new(&author, post, NULL);
	orow = post_new(&author, other, NULL);
	/* Two flaggers without a record: 2.0, shown. */
	for (int i = 0; i < 2; i++)
		json_object_put(flag_ok(&plain[i], other));
	cr_assert_eq(hidden(orow), 0);
	/* Two accurate ones: 4.0, hidden. */
	o = flag_ok(&good[0], post);
	cr_assert_float_eq(jnum(o, "score"), 2.0, 1e-9);
	cr_assert_not(jbool(o, "hidden"));
	json_object_put(o);
	o = flag_ok(&good[1], post);
	cr_assert_float_eq(jnum(o, "score"), 4.0, 1e-9);
	cr_assert(jbool(o, "hidden"));
	json_object_put(o);
	cr_assert_eq(hidden(prow), 1);
}

Test(forum_flags, inaccurate_flaggers_weigh_less)
{
	struct desk_user author, f;
	struct json_object *o;
	char post[40];

	forum_user(&author, "user", 1);
	forum_user(&f, "user", 2);
	/* 1 agreed of 5: 2 * 0.2 - 1 = -0.6, weight 0.4. */
	desk_sql("UPDATE forum_user_stats SET flags_agreed = 1,"
		" flags_disagreed = 4 WHERE user_id = %ld", f.row);
	post_new(&author, post, NULL);
	o = flag_ok(&f, post);
	cr_assert_float_eq(jnum(o, "score"), 0.4, 1e-9);
	json_object_put(o);
}

Test(forum_flags, trust_level_0_cannot_flag_trust_level_1_can)
{
	struct desk_user author, newbie, fresh, mod;
	char post[40];
	long prow;

	forum_user(&author, "user", 1);
	forum_user(&newbie, "user", 0);
	forum_user(&fresh, "user", -1);
	forum_user(&mod, "support", -1);
	prow = post_new(&author, post, NULL);
	flag_refused(&newbie, post, 403, "forbidden");
	flag_refused(&fresh, post, 403, "forbidden");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_flags"
		" WHERE post_id = %ld", prow), 0, "a refused flag was stored");
	/* Promoted to trust level 1: may flag. */
	desk_sql("UPDATE forum_user_stats SET trust_level = 1"
		" WHERE user_id = %ld", newbie.row);
	json_object_put(flag_ok(&newbie, post));
	/* A moderator counts as trust level 4 without any standing. */
	json_object_put(flag_ok(&mod, post));
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_flags"
		" WHERE post_id = %ld", prow), 2);
}

Test(forum_flags, refusals_change_nothing)
{
	struct desk_user author, f;
	struct client_resp r;
	char post[40], big[1100 + 64], detail[1002];
	long prow;

	forum_user(&author, "user", 1);
	forum_user(&f, "user", 1);
	prow = post_new(&author, post, NULL);
	/* Unknown reason, overlong detail, unknown field: 422. */
	client_call("POST", flag_path(post, "flags"), f.auth,
		"{\"reason\": \"ugly\"}", &r);
	client_assert_field_error(&r, "reason", "invalid_format");
	client_free(&r);
	memset(detail, 'x', 1001);
	detail[1001] = '\0';
	snprintf(big, sizeof(big), "{\"reason\": \"other\", \"detail\": \"%s\"}",
		detail);
	client_call("POST", flag_path(post, "flags"), f.auth, big, &r);
	cr_assert_eq(r.status, 422);
	client_free(&r);
	client_call("POST", flag_path(post, "flags"), f.auth,
		"{\"reason\": \"spam\", \"why\": 1}", &r);
	cr_assert_eq(r.status, 422);
	client_free(&r);
	/* No token: 401. */
	cr_assert_eq(client_status("POST", flag_path(post, "flags"), NULL,
		"{\"reason\": \"spam\"}"), 401);
	/* One's own post: 403. */
	flag_refused(&author, post, 403, "forbidden");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_reviews"
		" WHERE post_id = %ld", prow), 0);
	/* Once per user and post: 409, the score unchanged. */
	json_object_put(flag_ok(&f, post));
	client_call("POST", flag_path(post, "report"), f.auth,
		"{\"reason\": \"off_topic\"}", &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT flaggers FROM forum_reviews"
		" WHERE post_id = %ld", prow), 1);
	cr_assert_eq(client_sql_longf("SELECT ROUND(score * 10) FROM"
		" forum_reviews WHERE post_id = %ld", prow), 10);
}

Test(forum_flags, report_is_an_alias_of_flags)
{
	struct desk_user author, f;
	struct client_resp r;
	struct json_object *o;
	char post[40];
	long prow;

	forum_user(&author, "user", 1);
	forum_user(&f, "user", 1);
	prow = post_new(&author, post, NULL);
	client_call("POST", flag_path(post, "report"), f.auth,
		"{\"reason\": \"inappropriate\"}", &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	json_object_put(o);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_flags"
		" WHERE post_id = %ld AND reason = 'inappropriate'", prow), 1);
}

Test(forum_flags, flagging_a_deleted_post_or_thread_is_404)
{
	struct desk_user author, f;
	char post[40], post2[40], thread2[40];
	long prow, prow2;

	forum_user(&author, "user", 1);
	forum_user(&f, "user", 1);
	prow = post_new(&author, post, NULL);
	prow2 = post_new(&author, post2, thread2);
	desk_sql("UPDATE forum_posts SET deleted = 1, deleted_at ="
		" UTC_TIMESTAMP(6) WHERE id = %ld", prow);
	desk_sql("UPDATE forum_threads SET deleted = 1, deleted_at ="
		" UTC_TIMESTAMP(6) WHERE public_id = '%s'", thread2);
	flag_refused(&f, post, 404, "not_found");
	flag_refused(&f, post2, 404, "not_found");
	/* Unknown and malformed ids. */
	cr_assert_eq(client_status("POST", flag_path(
		"00000000-0000-4000-8000-000000000000", "flags"), f.auth,
		"{\"reason\": \"spam\"}"), 404);
	cr_assert_eq(client_status("POST", flag_path("12", "flags"), f.auth,
		"{\"reason\": \"spam\"}"), 404);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_flags"
		" WHERE post_id IN (%ld, %ld)", prow, prow2), 0);
}

Test(forum_flags, new_user_flagged_by_three_distinct_users_is_silenced)
{
	struct desk_user author, f[3], mod;
	struct json_object *o;
	struct client_resp r;
	char p1[40], p2[40], t1[40], replies[160];
	char *r1, *r2;
	long rid2;

	forum_user(&author, "user", 0);
	for (int i = 0; i < 3; i++)
		forum_user(&f[i], "user", 1);
	forum_user(&mod, "support", -1);
	post_new(&author, p1, t1);
	snprintf(replies, sizeof(replies), "/api/v1/forum/threads/%s/posts",
		t1);
	post_new(&author, p2, NULL);
	/* Two users on one post, the third on another: distinct users over
	 * all the author's open reviews. */
	r1 = flag_all(f, 2, p1);
	cr_assert_eq(client_sql_longf("SELECT silenced_at IS NULL FROM"
		" forum_user_stats WHERE user_id = %ld", author.row), 1,
		"silenced after two flaggers");
	/* The same two again on the other post: still two users. */
	json_object_put(flag_ok(&f[0], p2));
	cr_assert_eq(client_sql_longf("SELECT silenced_at IS NULL FROM"
		" forum_user_stats WHERE user_id = %ld", author.row), 1);
	r2 = flag_all(&f[2], 1, p2);
	rid2 = client_sql_longf("SELECT id FROM forum_reviews"
		" WHERE public_id = '%s'", r2);
	cr_assert_eq(client_sql_longf("SELECT silenced_at IS NOT NULL FROM"
		" forum_user_stats WHERE user_id = %ld", author.row), 1,
		"not silenced by three distinct flaggers");
	cr_assert_eq(stat_of(&author, "silenced_review_id"), rid2);
	/* Silenced: their next post is refused, and nothing is written. */
	client_call("POST", replies, author.auth,
		"{\"body\": \"Why was my post hidden?\"}", &r);
	client_assert_problem(&r, 403, "forbidden");
	client_free(&r);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_posts"
		" WHERE author_id = %ld", author.row), 2);
	/* Both reviews wait in the moderators' queue. */
	o = queue_find(&mod, "pending", r1);
	cr_assert(o != NULL, "the first review is not in the queue");
	cr_assert_eq(json_object_get_int(json_object_object_get(o,
		"flaggers")), 2);
	json_object_put(o);
	o = queue_find(&mod, "pending", r2);
	cr_assert(o != NULL, "the second review is not in the queue");
	cr_assert_str_eq(client_json_str(o, "post.author.username"),
		author.username);
	cr_assert_eq(json_object_get_int(json_object_object_get(
		json_object_object_get(json_object_object_get(o, "post"),
		"author"), "trust_level")), 0);
	json_object_put(o);
	/* A silenced user may not flag either. */
	{
		struct desk_user victim;
		char vp[40];

		forum_user(&victim, "user", 1);
		post_new(&victim, vp, NULL);
		desk_sql("UPDATE forum_user_stats SET trust_level = 1"
			" WHERE user_id = %ld", author.row);
		client_call("POST", flag_path(vp, "flags"), author.auth,
			"{\"reason\": \"spam\"}", &r);
		client_assert_problem(&r, 403, "forbidden");
		client_free(&r);
		desk_sql("UPDATE forum_user_stats SET trust_level = 0"
			" WHERE user_id = %ld", author.row);
	}
	/* Agreeing with the other review keeps the silence; disagreeing
	 * with the one that caused it lifts it. */
	json_object_put(decide(&mod, r1, "agree", 200));
	cr_assert_eq(client_sql_longf("SELECT silenced_at IS NOT NULL FROM"
		" forum_user_stats WHERE user_id = %ld", author.row), 1);
	o = decide(&mod, r2, "disagree", 200);
	json_object_put(o);
	cr_assert_eq(client_sql_longf("SELECT silenced_at IS NULL AND"
		" silenced_review_id IS NULL FROM forum_user_stats"
		" WHERE user_id = %ld", author.row), 1);
	cr_assert_eq(client_audit_count("forum.review_decision", r2), 1);
	/* Heard again. */
	client_call("POST", replies, author.auth,
		"{\"body\": \"Why was my post hidden?\"}", &r);
	json_object_put(client_expect_json(&r, 201));
	client_free(&r);
	free(r1);
	free(r2);
}

/* Finds review in the queue of status (first 100 rows); the item, a new
 * reference, or NULL. */
static struct json_object *queue_find(const struct desk_user *mod,
	const char *status, const char *review)
{
	char path[160];
	struct client_resp r;
	struct json_object *o, *items, *found = NULL;

	snprintf(path, sizeof(path), QUEUE "?status=%s&limit=100", status);
	client_call("GET", path, mod->auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	items = json_object_object_get(o, "items");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);

		if (strcmp(client_json_str(it, "id"), review) == 0)
			found = json_object_get(it);
	}
	json_object_put(o);
	return found;
}

Test(forum_flags, queue_shows_the_post_and_its_flags_to_moderators_only)
{
	struct flagged x;
	struct desk_user user;
	struct json_object *it, *flags, *fl;

	flagged_by_three(&x, "admin");
	forum_user(&user, "user", 4);
	it = queue_find(&x.mod, "pending", x.review);
	cr_assert(it != NULL, "the review is not in the pending queue");
	cr_assert_str_eq(client_json_str(it, "status"), "pending");
	cr_assert_eq(json_object_get_int(json_object_object_get(it,
		"flaggers")), 3);
	cr_assert_float_eq(jnum(it, "score"), 3.0, 1e-9);
	/* The hidden post's body is shown to moderators. */
	cr_assert_str_eq(client_json_str(it, "post.id"), x.post);
	cr_assert_str_eq(client_json_str(it, "post.thread_id"), x.thread);
	cr_assert_str_eq(client_json_str(it, "post.body"),
		"**Buy** cheap things now");
	cr_assert(client_json_str(it, "post.thread_title") != NULL);
	cr_assert_str_eq(client_json_str(it, "post.author.username"),
		x.author.username);
	cr_assert(jbool(json_object_object_get(it, "post"), "hidden"));
	flags = json_object_object_get(it, "flags");
	cr_assert_eq(json_object_array_length(flags), 3);
	fl = json_object_array_get_idx(flags, 0);
	cr_assert_str_eq(client_json_str(fl, "reason"), "spam");
	cr_assert_str_eq(client_json_str(fl, "detail"), "sells things");
	cr_assert_str_eq(client_json_str(fl, "flagger.username"),
		x.f[0].username);
	cr_assert_float_eq(jnum(fl, "weight"), 1.0, 1e-9);
	cr_assert(json_object_is_type(json_object_object_get(it,
		"decided_by"), json_type_null));
	json_object_put(it);
	cr_assert_null(queue_find(&x.mod, "agreed", x.review));
	/* Users (even trust level 4) may not read the queue or decide. */
	cr_assert_eq(client_status("GET", QUEUE, user.auth, NULL), 403);
	cr_assert_eq(client_status("GET", QUEUE, NULL, NULL), 401);
	decide(&user, x.review, "disagree", 403);
	cr_assert_eq(client_sql_longf("SELECT status = 'pending' FROM"
		" forum_reviews WHERE public_id = '%s'", x.review), 1);
	cr_assert_eq(client_audit_count("forum.review_decision", x.review), 0);
	/* A bad status filter, a bad decision: 422. */
	cr_assert_eq(client_status("GET", QUEUE "?status=open", x.mod.auth,
		NULL), 422);
	cr_assert_eq(client_status("POST", decision_path(x.review), x.mod.auth,
		"{\"decision\": \"maybe\"}"), 422);
	free(x.review);
}

Test(forum_flags, agree_keeps_hidden_and_counts_agreed_once)
{
	struct flagged x;
	struct json_object *o = three_then(&x, "agree", "agreed");

	cr_assert_str_eq(client_json_str(o, "decided_by.username"),
		x.mod.username);
	cr_assert(client_json_str(o, "decided_at") != NULL);
	json_object_put(o);
	cr_assert_eq(hidden(x.prow), 1);
	expect_accuracy(x.f, 3, 1, 0);
	/* Deciding twice: 409, nothing counted again. */
	decide(&x.mod, x.review, "disagree", 409);
	decide(&x.mod, x.review, "agree", 409);
	expect_accuracy(x.f, 1, 1, 0);
	cr_assert_eq(hidden(x.prow), 1);
	cr_assert_eq(client_audit_count("forum.review_decision", x.review), 1);
	/* The post can be flagged again: a new review opens. */
	{
		struct desk_user g;

		forum_user(&g, "user", 1);
		o = flag_ok(&g, x.post);
		cr_assert_str_neq(client_json_str(o, "id"), x.review);
		json_object_put(o);
	}
	free(x.review);
}

Test(forum_flags, agree_hides_a_post_not_yet_hidden)
{
	struct desk_user author, f, mod;
	char post[40];
	char *review;
	long prow;

	forum_user(&author, "user", 1);
	forum_user(&f, "user", 1);
	forum_user(&mod, "support", -1);
	prow = post_new(&author, post, NULL);
	review = flag_all(&f, 1, post);
	cr_assert_eq(hidden(prow), 0);
	json_object_put(decide(&mod, review, "agree", 200));
	cr_assert_eq(hidden(prow), 1);
	free(review);
}

Test(forum_flags, disagree_shows_the_post_and_counts_disagreed)
{
	struct flagged x;
	struct json_object *o = three_then(&x, "disagree", "disagreed");

	cr_assert_not(jbool(json_object_object_get(o, "post"), "hidden"));
	json_object_put(o);
	cr_assert_eq(hidden(x.prow), 0);
	cr_assert_eq(client_sql_longf("SELECT hidden_until IS NULL FROM"
		" forum_posts WHERE id = %ld", x.prow), 1);
	expect_accuracy(x.f, 3, 0, 1);
	cr_assert_eq(client_audit_count("forum.review_decision", x.review), 1);
	free(x.review);
}

Test(forum_flags, ignore_changes_neither_visibility_nor_accuracy)
{
	struct flagged x;
	struct json_object *o;
	char post2[40];
	char *review2;
	long prow2;

	flagged_by_three(&x, "support");
	prow2 = post_new(&x.author, post2, NULL);
	review2 = flag_all(x.f, 1, post2);
	o = decide(&x.mod, x.review, "ignore", 200);
	cr_assert_str_eq(client_json_str(o, "status"), "ignored");
	json_object_put(o);
	json_object_put(decide(&x.mod, review2, "ignore", 200));
	cr_assert_eq(hidden(x.prow), 1, "ignore showed a hidden post");
	cr_assert_eq(hidden(prow2), 0, "ignore hid a shown post");
	expect_accuracy(x.f, 1, 0, 0);
	cr_assert_eq(stat_of(&x.f[0], "flags_ignored"), 2);
	decide(&x.mod, x.review, "ignore", 409);
	cr_assert_eq(client_audit_count("forum.review_decision", x.review), 1);
	cr_assert_eq(client_audit_count("forum.review_decision", review2), 1);
	free(x.review);
	free(review2);
}

Test(forum_flags, agreed_decisions_make_later_flags_weigh_more)
{
	struct desk_user f, mod, authors[6];
	struct json_object *o;
	char posts[6][40];
	char *review;

	forum_user(&f, "user", 1);
	forum_user(&mod, "support", -1);
	for (int i = 0; i < 6; i++) {
		forum_user(&authors[i], "user", 1);
		post_new(&authors[i], posts[i], NULL);
	}
	/* Five flags, each agreed with by a moderator. */
	for (int i = 0; i < 5; i++) {
		o = flag_ok(&f, posts[i]);
		cr_assert_float_eq(jnum(o, "score"), 1.0, 1e-9);
		review = review_of(o);
		json_object_put(o);
		json_object_put(decide(&mod, review, "agree", 200));
		free(review);
	}
	cr_assert_eq(stat_of(&f, "flags_agreed"), 5);
	/* The sixth weighs 2. */
	o = flag_ok(&f, posts[5]);
	cr_assert_float_eq(jnum(o, "score"), 2.0, 1e-9);
	json_object_put(o);
}

struct racer {
	const char *url;
	char header[1024];
	long status;
};

static void *race_flag(void *arg)
{
	struct racer *r = arg;
	const char *h[] = { "Content-Type: application/json", r->header, NULL };
	const char *body = "{\"reason\": \"spam\"}";
	struct client_resp resp;

	r->status = client_request("POST", r->url, h, body, strlen(body),
		&resp) == 0 ? resp.status : -1;
	client_free(&resp);
	return NULL;
}

/* Runs the n racers' flags at once (n <= 16); each must get 201. */
static void race_all(struct racer *rc, int n)
{
	pthread_t th[16];

	cr_assert(n <= 16);
	for (int i = 0; i < n; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, race_flag, &rc[i]), 0);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < n; i++)
		cr_assert_eq(rc[i].status, 201, "flag %d: %ld", i, rc[i].status);
}

Test(forum_flags, flags_at_once_on_one_post_count_exactly)
{
	enum { N = 12 };
	struct desk_user author, f[N];
	struct racer rc[N];
	char post[40], url[512];
	long prow;

	forum_user(&author, "user", 1);
	prow = post_new(&author, post, NULL);
	snprintf(url, sizeof(url), "%s", client_url(flag_path(post, "flags")));
	for (int i = 0; i < N; i++) {
		forum_user(&f[i], "user", 1);
		rc[i].url = url;
		snprintf(rc[i].header, sizeof(rc[i].header), "%s", f[i].auth);
	}
	race_all(rc, N);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM forum_reviews"
		" WHERE post_id = %ld", prow), 1);
	cr_assert_eq(client_sql_longf("SELECT flaggers FROM forum_reviews"
		" WHERE post_id = %ld", prow), N);
	cr_assert_eq(client_sql_longf("SELECT ROUND(score * 10) FROM"
		" forum_reviews WHERE post_id = %ld", prow), N * 10);
	cr_assert_eq(hidden(prow), 1);
}

/* The post id in the thread view's posts, as reader sees it: its JSON
 * (a new reference), or NULL when it is not listed. */
static struct json_object *post_in_thread(const char *auth,
	const char *thread, const char *post)
{
	char path[160];
	struct client_resp r;
	struct json_object *o, *items, *found = NULL;

	snprintf(path, sizeof(path), "/api/v1/forum/threads/%s?limit=100",
		thread);
	client_call("GET", path, auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	items = json_object_object_get(json_object_object_get(o, "posts"),
		"items");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);

		if (strcmp(client_json_str(it, "id"), post) == 0)
			found = json_object_get(it);
	}
	json_object_put(o);
	return found;
}

static void expect_body(const char *auth, const char *thread,
	const char *post, const char *body)
{
	struct json_object *p = post_in_thread(auth, thread, post);

	cr_assert(p != NULL, "the post is not in the thread");
	if (body == NULL)
		cr_assert(json_object_is_type(json_object_object_get(p, "body"),
			json_type_null), "a hidden post's body was shown");
	else
		cr_assert_str_eq(client_json_str(p, "body"), body);
	json_object_put(p);
}

Test(forum_flags, hidden_reply_body_is_null_in_the_thread_for_others)
{
	struct desk_user starter, replier, other, mod, f[3];
	struct client_resp r;
	struct json_object *o, *p;
	char json[512], thread[40], reply[40];
	char *review;

	forum_user(&starter, "user", 1);
	forum_user(&replier, "user", 1);
	forum_user(&other, "user", 1);
	forum_user(&mod, "support", -1);
	for (int i = 0; i < 3; i++)
		forum_user(&f[i], "user", 1);
	snprintf(json, sizeof(json), "{\"category\": \"general\", \"title\":"
		" \"%s\", \"body\": \"How do I reset my licence?\"}",
		client_unique("Flag view"));
	client_call("POST", "/api/v1/forum/threads", starter.auth, json, &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	snprintf(thread, sizeof(thread), "%s", client_json_str(o, "id"));
	json_object_put(o);
	snprintf(json, sizeof(json), "/api/v1/forum/threads/%s/posts", thread);
	client_call("POST", json, replier.auth,
		"{\"body\": \"Visit my shop for cheap keys\"}", &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	snprintf(reply, sizeof(reply), "%s", client_json_str(o, "id"));
	json_object_put(o);
	for (int i = 0; i < 3; i++)
		json_object_put(flag_ok(&f[i], reply));
	/* Anonymous readers and other users: hidden, no body. */
	p = post_in_thread(NULL, thread, reply);
	cr_assert(p != NULL);
	cr_assert(jbool(p, "hidden"));
	json_object_put(p);
	expect_body(NULL, thread, reply, NULL);
	expect_body(other.auth, thread, reply, NULL);
	expect_body(f[0].auth, thread, reply, NULL);
	/* Its author and moderators still read it. */
	expect_body(replier.auth, thread, reply, "Visit my shop for cheap keys");
	expect_body(mod.auth, thread, reply, "Visit my shop for cheap keys");
	/* A moderator disagrees: everyone reads it again. */
	review = client_sqlf("SELECT r.public_id FROM forum_reviews r"
		" JOIN forum_posts p ON p.id = r.post_id"
		" WHERE p.public_id = '%s'", reply);
	cr_assert(review != NULL);
	json_object_put(decide(&mod, review, "disagree", 200));
	free(review);
	expect_body(NULL, thread, reply, "Visit my shop for cheap keys");
}

Test(forum_flags, three_users_flagging_three_posts_at_once_silence_the_author)
{
	enum { N = 3 };
	struct desk_user author, f[N];
	struct racer rc[N];
	char posts[N][40], urls[N][512];

	forum_user(&author, "user", 0);
	for (int i = 0; i < N; i++) {
		forum_user(&f[i], "user", 1);
		post_new(&author, posts[i], NULL);
		snprintf(urls[i], sizeof(urls[i]), "%s",
			client_url(flag_path(posts[i], "flags")));
		rc[i].url = urls[i];
		snprintf(rc[i].header, sizeof(rc[i].header), "%s", f[i].auth);
	}
	/* Each flag sees only its own post's review: the author's row lock
	 * makes the last of them count the other two. */
	race_all(rc, N);
	cr_assert_eq(client_sql_longf("SELECT silenced_at IS NOT NULL FROM"
		" forum_user_stats WHERE user_id = %ld", author.row), 1,
		"three distinct flaggers at once did not silence a new user");
}

/* --- a thread whose first post is hidden ------------------------------ */

/* Whether thread is an item of the list at path, as auth reads it. */
static int listed(const char *auth, const char *path, const char *thread)
{
	struct client_resp r;
	struct json_object *o, *items;
	int found = 0;

	client_call("GET", path, auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	items = json_object_object_get(o, "items");
	for (size_t i = 0; i < json_object_array_length(items); i++)
		if (strcmp(client_json_str(json_object_array_get_idx(items, i),
		    "id"), thread) == 0)
			found = 1;
	json_object_put(o);
	return found;
}

/* The threads count of category slug, as auth reads it. */
static long category_count(const char *auth, const char *slug)
{
	struct client_resp r;
	struct json_object *o, *items;
	long n = -1;

	client_call("GET", "/api/v1/forum/categories", auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	items = json_object_object_get(o, "items");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *c = json_object_array_get_idx(items, i);

		if (strcmp(client_json_str(c, "slug"), slug) == 0)
			n = json_object_get_int64(json_object_object_get(c,
				"threads"));
	}
	json_object_put(o);
	cr_assert(n >= 0, "no category %s", slug);
	return n;
}

/* Whether the assistant, asked question by auth, cites thread. */
static int assistant_cites(const char *auth, const char *question,
	const char *thread)
{
	char json[256];
	struct client_resp r;
	struct json_object *o, *src;
	int found = 0;

	snprintf(json, sizeof(json), "{\"message\": \"%s\"}", question);
	client_call("POST", "/api/v1/support/assistant/messages", auth, json,
		&r);
	cr_assert(r.status == 200 || r.status == 201, "%ld %s", r.status,
		r.body);
	o = client_json(&r);
	client_free(&r);
	cr_assert(o != NULL);
	src = json_object_object_get(json_object_object_get(o, "reply"),
		"sources");
	for (size_t i = 0; i < json_object_array_length(src); i++)
		if (strcmp(client_json_str(json_object_array_get_idx(src, i),
		    "slug_or_id"), thread) == 0)
			found = 1;
	json_object_put(o);
	return found;
}

/* As Discourse does: a thread whose opening post flags hid is unlisted
 * (lists, search, category counts) for everyone but its author and the
 * moderators, its detail shows the opening post without its body, the
 * assistant does not quote it, and a moderator's disagree brings it
 * all back. ("ideas": no other test here writes there, so its count
 * moves with this thread only.) */
Test(forum_flags, hidden_first_post_unlists_its_thread_for_others)
{
	struct desk_user author, replier, other, mod, f[3];
	struct client_resp r;
	struct json_object *o, *p;
	char w[17], json[512], path[256], search[128], question[128];
	char thread[40], first[40], reply[40], body[128];
	const char *list = "/api/v1/forum/threads?category=ideas&limit=100";
	const char *top =
		"/api/v1/forum/threads?category=ideas&sort=top&limit=100";
	char *review;
	long count;

	forum_user(&author, "user", 1);
	forum_user(&replier, "user", 1);
	forum_user(&other, "user", 1);
	forum_user(&mod, "support", -1);
	for (int i = 0; i < 3; i++)
		forum_user(&f[i], "user", 1);
	client_word(w, 'h');
	snprintf(body, sizeof(body), "Where has the %s panel gone since the"
		" update?", w);
	snprintf(json, sizeof(json), "{\"category\": \"ideas\", \"title\":"
		" \"Where is the %s panel\", \"body\": \"%s\"}", w, body);
	client_call("POST", "/api/v1/forum/threads", author.auth, json, &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	snprintf(thread, sizeof(thread), "%s", client_json_str(o, "id"));
	snprintf(first, sizeof(first), "%s", client_json_str(
		json_object_array_get_idx(json_object_object_get(
		json_object_object_get(o, "posts"), "items"), 0), "id"));
	json_object_put(o);
	snprintf(path, sizeof(path), "/api/v1/forum/threads/%s/posts", thread);
	snprintf(json, sizeof(json), "{\"body\": \"Open Settings, then the %s"
		" panel under Appearance, and tick its box.\"}", w);
	client_call("POST", path, replier.auth, json, &r);
	o = client_expect_json(&r, 201);
	client_free(&r);
	snprintf(reply, sizeof(reply), "%s", client_json_str(o, "id"));
	json_object_put(o);
	snprintf(path, sizeof(path), "/api/v1/forum/posts/%s/accept", reply);
	client_call("POST", path, author.auth, NULL, &r);
	json_object_put(client_expect_json(&r, 200));
	client_free(&r);
	snprintf(search, sizeof(search), "/api/v1/forum/threads?q=%s", w);
	snprintf(question, sizeof(question), "%s panel settings appearance",
		w);

	/* Listed, counted and quoted while nothing is hidden. */
	cr_assert(listed(NULL, list, thread));
	cr_assert(listed(NULL, search, thread));
	count = category_count(NULL, "ideas");
	cr_assert(assistant_cites(other.auth, question, thread),
		"the solved thread is not cited before any flag");

	for (int i = 0; i < 3; i++)
		json_object_put(flag_ok(&f[i], first));
	cr_assert_eq(hidden(client_sql_longf("SELECT id FROM forum_posts"
		" WHERE public_id = '%s'", first)), 1);

	/* Others: gone from every list, the search and the count. */
	cr_assert_not(listed(NULL, list, thread), "anonymous latest lists it");
	cr_assert_not(listed(NULL, top, thread), "anonymous top lists it");
	cr_assert_not(listed(NULL, search, thread), "anonymous search finds it");
	cr_assert_not(listed(other.auth, list, thread), "others list it");
	cr_assert_not(listed(other.auth, search, thread), "others find it");
	cr_assert_not(listed(f[0].auth, search, thread), "a flagger finds it");
	cr_assert_eq(category_count(NULL, "ideas"), count - 1);
	cr_assert_eq(category_count(other.auth, "ideas"), count - 1);
	/* Its detail still answers, the opening post without its body. */
	expect_body(NULL, thread, first, NULL);
	expect_body(other.auth, thread, first, NULL);
	p = post_in_thread(other.auth, thread, first);
	cr_assert(p != NULL && jbool(p, "hidden"));
	json_object_put(p);
	/* Its author and moderators: listed, found, read. */
	cr_assert(listed(author.auth, list, thread), "its author lost it");
	cr_assert(listed(author.auth, search, thread), "its author lost it");
	cr_assert(listed(mod.auth, list, thread), "a moderator lost it");
	cr_assert(listed(mod.auth, search, thread), "a moderator lost it");
	expect_body(author.auth, thread, first, body);
	expect_body(mod.auth, thread, first, body);
	/* The assistant does not quote a question flags hid. */
	cr_assert_not(assistant_cites(other.auth, question, thread),
		"the assistant cites a thread whose first post is hidden");

	/* A moderator disagrees: listed, counted and quoted again. */
	review = client_sqlf("SELECT r.public_id FROM forum_reviews r"
		" JOIN forum_posts p ON p.id = r.post_id"
		" WHERE p.public_id = '%s'", first);
	cr_assert(review != NULL);
	json_object_put(decide(&mod, review, "disagree", 200));
	free(review);
	cr_assert(listed(NULL, list, thread), "not listed after disagree");
	cr_assert(listed(NULL, search, thread), "not found after disagree");
	cr_assert(listed(other.auth, search, thread));
	cr_assert_eq(category_count(NULL, "ideas"), count);
	expect_body(NULL, thread, first, body);
	cr_assert(assistant_cites(other.auth, question, thread),
		"not cited again after disagree");
}
