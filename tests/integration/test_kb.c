/* The knowledge base through the front server: drafts and archived
 * articles invisible to users and anonymous callers in every route and
 * visible to staff; a revision for every edit; FULLTEXT relevance (a
 * title match first) and a cursor whose pages concatenate to the whole
 * ordered list while articles are added; one helpfulness vote per user
 * and per client address, exact under concurrent votes; views counted in
 * batches, not a write per view; ETag / 304 and the cache invalidated by
 * an edit; bad input refused with 422 and nothing changed. Every test
 * makes its own articles around words no other run uses. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "client.h"

#define KB "/api/v1/support/kb"

static char *staff, *user;

static void setup(void)
{
	staff = client_auth_header("support", NULL);
	user = client_auth_header("user", NULL);
}

static void teardown(void)
{
	free(staff);
	free(user);
}

TestSuite(kb, .init = setup, .fini = teardown);

/* Creates an article as staff; returns the HTTP status. */
static long create(const char *slug, const char *title, const char *body,
	const char *status, const char *extra)
{
	char json[8192];
	struct client_resp r;
	long s;

	snprintf(json, sizeof(json), "{\"slug\":\"%s\",\"title\":\"%s\","
		"\"body\":\"%s\",\"category\":\"technical\",\"status\":\"%s\"%s}",
		slug, title, body, status, extra != NULL ? extra : "");
	client_call("POST", KB, staff, json, &r);
	s = r.status;
	cr_assert(s == 201 || s >= 400, "create %s: %ld %s", slug, s, r.body);
	client_free(&r);
	return s;
}

static void must_create(const char *slug, const char *title,
	const char *body, const char *status)
{
	cr_assert_eq(create(slug, title, body, status, NULL), 201);
}


static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Every route a reader might use, as auth (NULL: anonymous), for an
 * article that must not exist for them. */
static void invisible(const char *slug, const char *w, const char *auth)
{
	char path[256], *l;

	snprintf(path, sizeof(path), KB "/%s", slug);
	cr_assert_eq(client_status("GET", path, auth, NULL), 404, "GET %s", slug);
	snprintf(path, sizeof(path), KB "/%s/feedback", slug);
	cr_assert_eq(client_status("POST", path, auth, "{\"helpful\":true}"), 404);
	snprintf(path, sizeof(path), KB "/%s/revisions", slug);
	cr_assert_eq(client_status("GET", path, auth, NULL), auth ? 403 : 401);
	snprintf(path, sizeof(path), KB "?q=%s", w);
	l = client_list_keys(path, auth, "slug", NULL);
	cr_assert(!has_word(l, slug), "search shows %s: %s", slug, l);
	free(l);
	snprintf(path, sizeof(path), KB "?tag=%s&limit=100", w);
	l = client_list_keys(path, auth, "slug", NULL);
	cr_assert(!has_word(l, slug), "tag list shows %s: %s", slug, l);
	free(l);
	snprintf(path, sizeof(path), KB "?status=draft&q=%s", w);
	l = client_list_keys(path, auth, "slug", NULL);
	cr_assert(!has_word(l, slug), "status filter shows %s", slug);
	free(l);
}

static void visible_to_staff(const char *slug, const char *w)
{
	char path[256], *l;

	snprintf(path, sizeof(path), KB "/%s", slug);
	cr_assert_eq(client_status("GET", path, staff, NULL), 200);
	snprintf(path, sizeof(path), KB "/%s/revisions", slug);
	cr_assert_eq(client_status("GET", path, staff, NULL), 200);
	snprintf(path, sizeof(path), KB "?q=%s", w);
	l = client_list_keys(path, staff, "slug", NULL);
	cr_assert(has_word(l, slug), "staff search misses %s: %s", slug, l);
	free(l);
}

Test(kb, drafts_and_archived_are_invisible_to_users_and_anonymous_everywhere)
{
	char w[24], draft[64], pub[64], extra[64], path[256];

	client_word(w, 'q');
	snprintf(draft, sizeof(draft), "%s-draft", w);
	snprintf(pub, sizeof(pub), "%s-pub", w);
	snprintf(extra, sizeof(extra), ",\"tags\":[\"%s\"]", w);
	cr_assert_eq(create(draft, w, w, "draft", extra), 201);
	cr_assert_eq(create(pub, w, w, "published", extra), 201);

	invisible(draft, w, NULL);
	invisible(draft, w, user);
	visible_to_staff(draft, w);

	/* A published article read (and cached) by anonymous callers, then
	 * archived: gone for them at once, still there for staff. */
	snprintf(path, sizeof(path), KB "/%s", pub);
	cr_assert_eq(client_status("GET", path, NULL, NULL), 200);
	cr_assert_eq(client_status("GET", path, NULL, NULL), 200);
	cr_assert_eq(client_status("DELETE", path, staff, NULL), 204);
	invisible(pub, w, NULL);
	invisible(pub, w, user);
	visible_to_staff(pub, w);
}

Test(kb, every_edit_keeps_a_revision)
{
	char w[24], slug[64], path[256], json[512];
	struct client_resp r;
	struct json_object *o, *items;

	client_word(w, 'q');
	snprintf(slug, sizeof(slug), "%s-rev", w);
	must_create(slug, "First title", "first body", "draft");
	snprintf(path, sizeof(path), KB "/%s", slug);
	cr_assert_eq(client_status("PATCH", path, staff,
		"{\"title\":\"Second title\"}"), 200);
	snprintf(json, sizeof(json), "{\"body\":\"second body\","
		"\"status\":\"published\",\"tags\":[\"a\",\"b\"]}");
	client_call("PATCH", path, staff, json, &r);
	o = client_expect_json(&r, 200);
	cr_assert_eq(json_object_get_int(json_object_object_get(o,
		"revision")), 3);
	cr_assert_not_null(client_json_str(o, "published_at"));
	json_object_put(o);
	client_free(&r);
	cr_assert_eq(client_status("DELETE", path, staff, NULL), 204);

	snprintf(path, sizeof(path), KB "/%s/revisions", slug);
	client_call("GET", path, staff, NULL, &r);
	o = client_expect_json(&r, 200);
	items = json_object_object_get(o, "items");
	cr_assert_eq(json_object_array_length(items), 3);
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 2),
		"title"), "First title");
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 1),
		"title"), "Second title");
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 1),
		"body"), "first body");
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 0),
		"status"), "published");
	cr_assert_str_eq(client_json_str(json_object_array_get_idx(items, 0),
		"body"), "second body");
	json_object_put(o);
	client_free(&r);
	/* Archiving again changes nothing and keeps no revision. */
	snprintf(path, sizeof(path), KB "/%s", slug);
	cr_assert_eq(client_status("DELETE", path, staff, NULL), 204);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM"
		" kb_article_revisions r JOIN kb_articles a ON a.id ="
		" r.article_id WHERE a.slug = '%s'", slug), 3);
}

Test(kb, search_ranks_the_title_match_first_and_strips_markdown)
{
	char w[24], a[64], b[64], c[64], d[64], body[1024], path[256], *l;

	client_word(w, 'q');
	snprintf(a, sizeof(a), "%s-title", w);
	snprintf(b, sizeof(b), "%s-body-many", w);
	snprintf(c, sizeof(c), "%s-body-once", w);
	snprintf(d, sizeof(d), "%s-link-only", w);
	snprintf(body, sizeof(body), "%s %s %s %s, and %s again", w, w, w, w, w);
	must_create(b, "Something else entirely", body, "published");
	snprintf(body, sizeof(body), "About %s once.", w);
	must_create(c, "Another topic", body, "published");
	snprintf(body, sizeof(body), "How the %s works", w);
	must_create(a, body, "Unrelated words in the body.", "published");
	/* The word only in a link target: Markdown syntax, not text. */
	snprintf(body, sizeof(body), "See [the guide](https://x.test/%s).", w);
	must_create(d, "Link article", body, "published");

	snprintf(path, sizeof(path), KB "?q=%s", w);
	l = client_list_keys(path, NULL, "slug", NULL);
	cr_assert(strncmp(l, a, strlen(a)) == 0 && l[strlen(a)] == ' ',
		"title match not first: %s", l);
	cr_assert(has_word(l, b) && has_word(l, c), "%s", l);
	cr_assert(strstr(l, b) < strstr(l, c), "more matches rank higher: %s",
		l);
	cr_assert(!has_word(l, d), "a link target was indexed: %s", l);
	free(l);
}

Test(kb, search_scores_are_printed_with_at_most_four_decimals)
{
	char w[24], slug[64], body[256], path[256];
	struct client_resp r;
	int i, n, fractional;

	client_word(w, 'q');
	/* One, two and three times the word: relevance 1/3 and 2/3 of the
	 * best, which no binary double holds exactly. */
	for (i = 1; i <= 3; i++) {
		snprintf(slug, sizeof(slug), "%s-s%d", w, i);
		snprintf(body, sizeof(body), "%s%s%s%s%s extra words", w,
			i > 1 ? " " : "", i > 1 ? w : "", i > 2 ? " " : "",
			i > 2 ? w : "");
		must_create(slug, "Scored article", body, "published");
	}
	snprintf(path, sizeof(path), KB "?q=%s", w);
	client_call("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	client_scores_four_decimals(r.body, &n, &fractional);
	cr_assert_eq(n, 3, "%s", r.body);
	cr_assert(fractional >= 1, "no score below the best: %s", r.body);
	client_free(&r);
}

Test(kb, search_pages_concatenate_to_the_full_list_under_concurrent_inserts)
{
	char w[24], slug[64], body[2048], path[512], *full, *page, *next = NULL;
	char *joined = calloc(1, 16384);
	int i, j, pages = 0;

	cr_assert(joined != NULL);
	client_word(w, 'q');
	for (i = 1; i <= 9; i++) {
		size_t len = 0;

		for (j = 0; j < (i % 4) + 1; j++)
			len += (size_t)snprintf(body + len, sizeof(body) - len,
				"%s filler text %d. ", w, j);
		snprintf(slug, sizeof(slug), "%s-p%d", w, i);
		must_create(slug, "Paging article", body, "published");
	}
	snprintf(path, sizeof(path), KB "?q=%s&limit=100", w);
	full = client_list_keys(path, NULL, "slug", NULL);

	snprintf(path, sizeof(path), KB "?q=%s&limit=2", w);
	for (;;) {
		page = client_list_keys(path, NULL, "slug", &next);
		strcat(joined, joined[0] && page[0] ? " " : "");
		strcat(joined, page);
		free(page);
		pages++;
		/* Between pages: articles that match better than any shown
		 * (the word in the title, many times in the body) and that
		 * change the corpus statistics every score depends on. */
		snprintf(slug, sizeof(slug), "%s-late%d", w, pages);
		snprintf(body, sizeof(body), "%s %s %s %s %s %s", w, w, w, w, w,
			w);
		must_create(slug, w, body, "published");
		if (next == NULL)
			break;
		snprintf(path, sizeof(path), KB "?q=%s&limit=2&cursor=%s", w,
			next);
		free(next);
		cr_assert(pages < 20);
	}
	cr_assert_str_eq(joined, full, "pages [%s] != list [%s]", joined, full);
	cr_assert_eq(pages, 5);
	free(full);
	free(joined);
}

static void counts(const char *json, long *yes, long *no)
{
	struct json_object *o = json_tokener_parse(json);

	cr_assert(o != NULL, "%s", json);
	*yes = json_object_get_int(json_object_object_get(o, "helpful"));
	*no = json_object_get_int(json_object_object_get(o, "not_helpful"));
	json_object_put(o);
}

static void vote(const char *path, const char *auth, int untrusted,
	int helpful, long want_yes, long want_no)
{
	struct client_resp r;
	long yes, no;

	if (untrusted)
		client_call_untrusted("POST", path, auth, helpful ?
			"{\"helpful\":true}" : "{\"helpful\":false}", &r);
	else
		client_call("POST", path, auth, helpful ? "{\"helpful\":true}" :
			"{\"helpful\":false}", &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	counts(r.body, &yes, &no);
	cr_assert(yes == want_yes && no == want_no, "got %ld/%ld want %ld/%ld",
		yes, no, want_yes, want_no);
	client_free(&r);
}

Test(kb, one_vote_per_user_and_per_client_address)
{
	char w[24], slug[64], path[256];
	pid_t kids[8];
	int i, st;

	client_word(w, 'q');
	snprintf(slug, sizeof(slug), "%s-vote", w);
	must_create(slug, "Votes", "Body", "published");
	snprintf(path, sizeof(path), KB "/%s/feedback", slug);
	vote(path, user, 0, 1, 1, 0);
	vote(path, user, 0, 1, 1, 0);          /* the same again */
	vote(path, user, 0, 0, 0, 1);          /* replaced */
	vote(path, NULL, 0, 1, 1, 1);          /* anonymous, 127.0.0.1 */
	vote(path, NULL, 0, 1, 1, 1);
	vote(path, NULL, 1, 1, 2, 1);          /* anonymous, 127.0.0.2 */
	vote(path, NULL, 1, 0, 1, 2);
	cr_assert_eq(client_status("POST", path, NULL, "{\"helpful\":\"yes\"}"),
		422);

	/* Eight new users at once: eight votes counted exactly. */
	for (i = 0; i < 8; i++) {
		kids[i] = fork();
		cr_assert(kids[i] >= 0);
		if (kids[i] == 0) {
			char *me = client_auth_header("user", NULL);

			_exit(client_status("POST", path, me, "{\"helpful\":true}") ==
				200 ? 0 : 1);
		}
	}
	for (i = 0; i < 8; i++) {
		cr_assert_eq(waitpid(kids[i], &st, 0), kids[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	cr_assert_eq(client_sql_longf("SELECT CONCAT(helpful,"
		" not_helpful) FROM kb_articles WHERE slug = '%s'", slug), 92);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM"
		" kb_feedback f JOIN kb_articles a ON a.id = f.article_id"
		" WHERE a.slug = '%s'", slug), 11);
}

static long com_update(void)
{
	return client_sql_long("SELECT VARIABLE_VALUE FROM"
		" information_schema.GLOBAL_STATUS"
		" WHERE VARIABLE_NAME = 'COM_UPDATE'");
}

Test(kb, views_are_counted_in_batches_not_a_write_per_view)
{
	char w[24], slug[64], path[256], sql[256];
	long before, after, views = 0;
	int i;

	client_word(w, 'q');
	snprintf(slug, sizeof(slug), "%s-views", w);
	must_create(slug, "Views", "Body", "published");
	snprintf(path, sizeof(path), KB "/%s", slug);
	snprintf(sql, sizeof(sql), "SELECT views FROM kb_articles"
		" WHERE slug = '%s'", slug);
	before = com_update();
	/* Anonymous reads (answered from the cache after the first) and a
	 * staff one (always the handler): every one counts. */
	for (i = 0; i < 29; i++)
		cr_assert_eq(client_status("GET", path, NULL, NULL), 200);
	cr_assert_eq(client_status("GET", path, staff, NULL), 200);
	/* Polled, bounded: the flush comes within downloads_flush_seconds. */
	for (i = 0; i < 300 && (views = client_sql_long(sql)) < 30; i++)
		usleep(100 * 1000);
	cr_assert_eq(views, 30);
	after = com_update();
	cr_assert_lt(after - before, 30, "%ld UPDATE statements for 30 views",
		after - before);
}

Test(kb, etag_304_and_an_edit_invalidates)
{
	char w[24], slug[64], path[256], inm[128], *etag, *etag2;
	const char *h[2] = { inm, NULL };
	struct client_resp r;

	client_word(w, 'q');
	snprintf(slug, sizeof(slug), "%s-etag", w);
	must_create(slug, "Cached", "Body one", "published");
	snprintf(path, sizeof(path), KB "/%s", slug);
	etag = client_etag_revalidates(path);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);

	cr_assert_eq(client_status("PATCH", path, staff, "{\"body\":\"Body two\"}"),
		200);
	cr_assert_eq(client_request("GET", client_url(path), h, NULL, 0, &r), 0);
	cr_assert_eq(r.status, 200, "stale 304 after an edit");
	cr_assert(strstr(r.body, "Body two") != NULL, "stale body: %s", r.body);
	etag2 = client_header(&r, "ETag");
	cr_assert(etag2 != NULL && strcmp(etag, etag2) != 0);
	client_free(&r);
	free(etag);
	free(etag2);
}

static void refused(const char *json, const char *field, const char *code)
{
	client_expect_field_error_auth("POST", KB, staff, json, field, code);
}

Test(kb, bad_input_is_422_and_changes_nothing)
{
	char w[24], slug[64], path[256], *big, *json, *title;
	long n0, rev0;

	client_word(w, 'q');
	snprintf(slug, sizeof(slug), "%s-bad", w);
	must_create(slug, "Good", "Body", "published");
	/* Other tests of this program run at the same time: count ours. */
	n0 = client_sql_longf("SELECT COUNT(*) FROM kb_articles"
		" WHERE slug LIKE '%s%%'", w);
	big = malloc(100002);
	title = malloc(202);
	json = malloc(100300);
	cr_assert(big && json && title);
	memset(big, 'x', 100001);
	big[100001] = '\0';
	memset(title, 't', 201);
	title[201] = '\0';
	snprintf(json, 100300, "{\"slug\":\"%s-x\",\"title\":\"t\",\"body\":"
		"\"%s\",\"category\":\"technical\"}", w, big);
	refused(json, "body", "too_long");
	snprintf(json, 100300, "{\"slug\":\"%s-x\",\"title\":\"%s\",\"body\":"
		"\"b\",\"category\":\"technical\"}", w, title);
	refused(json, "title", "too_long");
	snprintf(json, 100300, "{\"slug\":\"%s-x\",\"title\":\"t\",\"body\":"
		"\"b\",\"category\":\"plumbing\"}", w);
	refused(json, "category", "invalid_format");
	refused("{\"slug\":\"Bad Slug\",\"title\":\"t\",\"body\":\"b\","
		"\"category\":\"other\"}", "slug", "invalid_format");
	snprintf(json, 100300, "{\"slug\":\"%s-x\",\"title\":\"t\",\"body\":"
		"\"b\",\"category\":\"other\",\"status\":\"live\"}", w);
	refused(json, "status", "invalid_format");
	snprintf(json, 100300, "{\"slug\":\"%s-x\",\"title\":\"t\",\"body\":"
		"\"b\",\"category\":\"other\",\"tags\":[\"ok\",\"Not ok\"]}", w);
	refused(json, "tags[1]", "invalid_format");
	snprintf(json, 100300, "{\"slug\":\"%s-x\",\"title\":\"t\",\"body\":"
		"\"b\",\"category\":\"other\",\"views\":5}", w);
	refused(json, "views", "unknown_field");
	/* The wrong caller, and a slug in use. */
	snprintf(json, 100300, "{\"slug\":\"%s-x\",\"title\":\"t\",\"body\":"
		"\"b\",\"category\":\"other\"}", w);
	cr_assert_eq(client_status("POST", KB, user, json), 403);
	cr_assert_eq(client_status("POST", KB, NULL, json), 401);
	cr_assert_eq(create(slug, "t", "b", "draft", NULL), 409);
	free(big);
	free(json);
	free(title);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM kb_articles"
		" WHERE slug LIKE '%s%%'", w), n0);

	rev0 = client_sql_longf("SELECT revision FROM kb_articles"
		" WHERE slug = '%s'", slug);
	snprintf(path, sizeof(path), KB "/%s", slug);
	cr_assert_eq(client_status("PATCH", path, staff, "{\"status\":\"gone\"}"),
		422);
	cr_assert_eq(client_status("PATCH", path, staff, "{}"), 422);
	cr_assert_eq(client_status("PATCH", path, staff, "{\"slug\":\"other\"}"),
		422);
	cr_assert_eq(client_status("PATCH", path, user, "{\"title\":\"x\"}"), 403);
	cr_assert_eq(client_sql_longf("SELECT revision FROM"
		" kb_articles WHERE slug = '%s'", slug), rev0);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM"
		" kb_article_revisions r JOIN kb_articles a ON a.id ="
		" r.article_id WHERE a.slug = '%s'", slug), 0);
	/* Query parameters. */
	cr_assert_eq(client_status("GET", KB "?category=plumbing", NULL, NULL), 422);
	cr_assert_eq(client_status("GET", KB "?cursor=bm9wZQ", NULL, NULL), 422);
	cr_assert_eq(client_status("GET", KB "/No_Such", NULL, NULL), 404);
}
