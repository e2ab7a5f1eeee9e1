/* The forum programs' shared helpers (forum_kit.h). */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forum_kit.h"

#define THREADS "/api/v1/forum/threads"

void forum_kit_level(const char *pid, int tl)
{
	desk_sql("INSERT INTO forum_user_stats (user_id, trust_level,"
		" updated_at) SELECT id, %d, UTC_TIMESTAMP(6) FROM users"
		" WHERE public_id = '%s'"
		" ON DUPLICATE KEY UPDATE trust_level = %d", tl, pid, tl);
}

void forum_kit_user(struct desk_user *u, const char *role, int tl)
{
	desk_user_new(u, role, NULL);
	if (tl >= 0)
		forum_kit_level(u->id, tl);
}

/* POSTs json to path as auth; the status, the member "id" of a 201
 * answer into id (cap bytes) when id is not NULL, the answer into keep
 * when not NULL. */
static long post(const char *path, const char *auth, const char *json,
	char *id, size_t cap, struct client_resp *keep)
{
	struct client_resp r;
	long s = client_status_keep("POST", path, auth, json, &r);

	if (s == 201 && id != NULL) {
		char *v = client_body_str(&r, "id");

		cr_assert_not_null(v, "%s", r.body);
		snprintf(id, cap, "%s", v);
		free(v);
	}
	if (keep != NULL)
		*keep = r;
	else
		client_free(&r);
	return s;
}

long forum_kit_thread(const char *auth, const char *title, const char *body,
	const char *tag, char *id, struct client_resp *keep)
{
	char *t = client_json_quote(title), *b = client_json_quote(body);
	char *g = tag != NULL ? client_json_quote(tag) : NULL;
	char json[8192];

	snprintf(json, sizeof(json), "{\"category\":\"general\",\"title\":%s,"
		"\"body\":%s%s%s%s}", t, b, g ? ",\"tags\":[" : "", g ? g : "",
		g ? "]" : "");
	free(t);
	free(b);
	free(g);
	return post(THREADS, auth, json, id, 37, keep);
}

long forum_kit_reply(const char *auth, const char *thread, const char *body,
	char *pid, struct client_resp *keep)
{
	char *b = client_json_quote(body);
	char json[8192], path[160];

	snprintf(json, sizeof(json), "{\"body\":%s}", b);
	free(b);
	snprintf(path, sizeof(path), THREADS "/%s/posts", thread);
	return post(path, auth, json, pid, 37, keep);
}

/* A new UUID into out (37 bytes). */
static void new_uuid(char *out)
{
	char *s = client_sql("SELECT UUID()");

	cr_assert(s != NULL && strlen(s) == 36);
	snprintf(out, 37, "%s", s);
	free(s);
}

long forum_kit_sql_thread(const char *author, const char *title,
	const char *body, const char *text, char *tid, char *first)
{
	long trow, prow;

	if (text == NULL)
		text = body;
	new_uuid(tid);
	desk_sql("INSERT INTO forum_threads (public_id, category_id, author_id,"
		" title, body_text, last_post_at, created_at, updated_at)"
		" SELECT '%s', c.id, u.id, '%s', '%s', UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM forum_categories c,"
		" users u WHERE c.slug = 'general' AND u.public_id = '%s'", tid,
		title, text, author);
	trow = client_sql_longf("SELECT id FROM forum_threads"
		" WHERE public_id = '%s'", tid);
	cr_assert(trow > 0, "no thread by %s", author);
	if (first == NULL)
		return 0;
	new_uuid(first);
	desk_sql("INSERT INTO forum_posts (public_id, thread_id, author_id,"
		" is_first, body, body_text, body_hash, created_at, updated_at)"
		" SELECT '%s', %ld, id, 1, '%s', '%s', UNHEX(SHA2('%s', 256)),"
		" UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM users"
		" WHERE public_id = '%s'", first, trow, body, text, body,
		author);
	prow = client_sql_longf("SELECT id FROM forum_posts"
		" WHERE public_id = '%s'", first);
	cr_assert(prow > 0);
	desk_sql("UPDATE forum_threads SET first_post_id = %ld WHERE id = %ld",
		prow, trow);
	return prow;
}

long forum_kit_sql_reply(const char *thread, const char *author,
	const char *body, int minutes_ago, char *pid)
{
	char id[37];
	long trow, prow;

	trow = client_sql_longf("SELECT id FROM forum_threads"
		" WHERE public_id = '%s'", thread);
	cr_assert(trow > 0, "no thread %s", thread);
	new_uuid(id);
	desk_sql("INSERT INTO forum_posts (public_id, thread_id, author_id,"
		" body, body_text, body_hash, created_at, updated_at)"
		" SELECT '%s', %ld, id, '%s', '%s', UNHEX(SHA2('%s', 256)),"
		" UTC_TIMESTAMP(6) - INTERVAL %d MINUTE, UTC_TIMESTAMP(6)"
		" FROM users WHERE public_id = '%s'", id, trow, body, body, body,
		minutes_ago, author);
	prow = client_sql_longf("SELECT id FROM forum_posts"
		" WHERE public_id = '%s'", id);
	cr_assert(prow > 0, "no reply by %s", author);
	desk_sql("UPDATE forum_threads SET replies = replies + 1"
		" WHERE id = %ld", trow);
	if (pid != NULL)
		snprintf(pid, 37, "%s", id);
	return prow;
}
