/* Stores: forum. */
/* The community forum: categories, threads (a title, tags and an
 * opening post in Markdown) and their replies, listed latest, top or
 * unanswered and searched by FULLTEXT relevance (solved threads
 * first among equals); moderators (support, admin) lock, unlock, pin
 * and unpin threads, each audited. Deleted threads exist only for
 * moderators. A thread whose first post flags hid is unlisted (lists,
 * search, category counts) but for its author and moderators; its
 * detail still answers everyone, that post's body null as for any
 * hidden post. The anonymous list and categories are kept in the
 * host's response cache until a forum write bumps its generation. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "cache.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "role.h"
#include "router.h"
#include "validate.h"
#include "store/forum.h"
#include "api/shared/forum_guard.h"
#include "api/shared/forum_view.h"
#include "store/users.h"

#define FORUM_TITLE_MIN 5
#define FORUM_TITLE_MAX 200
#define FORUM_BODY_MAX 20000    /* characters */
#define FORUM_CATEGORY_MAX 50

#define FORUM_GENS (UINT64_C(1) << STORE_FORUM_CACHE_GEN)

static const char *const sorts[] = { "latest", "top", "unanswered", NULL };

/* --- answers ------------------------------------------------------- */

static struct json_object *post_json(struct request *req,
	const struct store_forum_post *p)
{
	struct forum_view_post v = {
		.id = p->public_id, .thread_id = p->thread_id,
		.username = p->author.username,
		.display_name = p->author.display_name,
		.trust_level = p->author.trust_level,
		.body = forum_view_may_read(req, p->hidden, p->author_id) ?
			p->body : NULL,
		.hidden = p->hidden, .accepted = p->accepted,
		.first = p->first, .deleted = p->deleted,
		.revision = p->revision, .created_at = p->created_at,
		.updated_at = p->updated_at, .edited_at = p->edited_at,
	};

	return forum_view_post_json(req, &v);
}

/* The thread of the route's {id} as the caller may see it: deleted
 * ones only for moderators. */
static int load(struct request *req, struct store_forum_thread *t)
{
	int rc = store_forum_thread_get(req->arena, router_param(req, "id"), t);

	if (rc == 0 && t->deleted && !forum_view_is_mod(req))
		return DF_ENOTFOUND;
	return rc;
}

/* The detail: the thread, the caller's vote and a page of its posts
 * (oldest first; ?limit=&cursor=). */
static int send_detail(struct request *req, int status,
	const struct store_forum_thread *t)
{
	struct store_forum_post *rows;
	struct json_object *o, *page, *items;
	const char *next = NULL;
	int64_t vote = 0, limit = req->q.limit > 0 ? req->q.limit :
		API_LIMIT_DEFAULT;
	size_t n, i, shown;
	int rc;

	rc = store_forum_my_vote(t->id, forum_view_caller(req), &vote);
	if (rc == 0)
		rc = store_forum_posts(req->arena, t->id, forum_view_is_mod(req),
			req->q.after, limit, &rows, &n);
	if (rc != 0)
		return rc;
	o = forum_view_thread_json(req, t, 0, 0);
	page = json_new_object(req);
	items = json_new_array(req);
	if (o == NULL || page == NULL || items == NULL)
		return DF_ENOMEM;
	shown = n > (size_t)limit ? (size_t)limit : n;
	for (i = 0; i < shown; i++)
		if (json_push(items, post_json(req, &rows[i])) != 0)
			return DF_ENOMEM;
	if (n > shown && (next = api_page_cursor(req, "forum_posts",
	    rows[shown - 1].id)) == NULL)
		return DF_ENOMEM;
	/* A signed-in reader's activity (trust levels): the posts up to
	 * the last one shown are read. A failure is logged, the read goes on. */
	if (status == 200)
		(void)forum_guard_read(req, t->id, shown > 0 ?
			rows[shown - 1].id : 0);
	if (json_set_int(o, "my_vote", vote) ||
	    json_set(page, "items", items) ||
	    json_set_str(page, "next_cursor", next) ||
	    json_set(o, "posts", page) ||
	    http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

/* --- categories ---------------------------------------------------- */

static int forum_categories(struct request *req)
{
	struct store_forum_category *c;
	struct json_object *list, *items;
	size_t n, i;
	int rc;

	rc = store_forum_categories(req->arena, &c, &n);
	if (rc != 0)
		return rc;
	list = api_list_new(req, &items);
	if (list == NULL)
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_new_object(req);

		if (o == NULL || json_set_str(o, "slug", c[i].slug) ||
		    json_set_str(o, "name", c[i].name) ||
		    json_set_str(o, "description", c[i].description) ||
		    json_set_int(o, "threads", c[i].threads) ||
		    api_list_add(items, o) != 0)
			return DF_ENOMEM;
	}
	rc = api_list_send(req, list, NULL);
	if (rc == 0)
		http_set_cacheable(req);
	return rc;
}

/* --- list and search ----------------------------------------------- */

/* Each order has its own cursor, so a cursor is refused by another
 * sort or by a search (and the other way round). */
static const char *cursor_make(struct request *req, const void *row,
	const void *ctx)
{
	const struct store_forum_thread *l = row;
	const struct store_forum_filter *f = ctx;
	char raw[API_CURSOR_RAW_MAX];
	int n;

	if (f->q != NULL)
		return api_cursor_ranked(req, "fq", l->relevance, l->id,
			l->upto);
	if (f->sort == STORE_FORUM_TOP)
		n = snprintf(raw, sizeof(raw), "ft.%lld.%lld",
			(long long)l->score, (long long)l->id);
	else if (f->sort == STORE_FORUM_UNANSWERED)
		n = snprintf(raw, sizeof(raw), "fu.%lld.%lld",
			(long long)l->created_us, (long long)l->id);
	else
		n = snprintf(raw, sizeof(raw), "fl.%d.%lld.%lld", l->pinned,
			(long long)l->last_post_us, (long long)l->id);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return NULL;
	return api_cursor_encode(req, raw);
}

static int cursor_read(const char *cursor, struct store_forum_filter *f)
{
	char raw[API_CURSOR_RAW_MAX];
	long long k, id, x;
	int used = 0;
	long n = api_cursor_decode(cursor, raw);

	if (n < 0)
		return DF_EINVAL;
	if (f->q != NULL)
		return api_cursor_ranked_read(raw, n, "fq", &f->after_key,
			&f->after_id, &f->upto);
	if (f->sort == STORE_FORUM_TOP) {
		if (sscanf(raw, "ft.%lld.%lld%n", &k, &id, &used) != 2 ||
		    used != n || id <= 0)
			return DF_EINVAL;
	} else if (f->sort == STORE_FORUM_UNANSWERED) {
		if (sscanf(raw, "fu.%lld.%lld%n", &k, &id, &used) != 2 ||
		    used != n || id <= 0 || k < 0)
			return DF_EINVAL;
	} else {
		if (sscanf(raw, "fl.%lld.%lld.%lld%n", &x, &k, &id,
		    &used) != 3 || used != n || id <= 0 || k < 0 ||
		    (x != 0 && x != 1))
			return DF_EINVAL;
		f->after_pinned = x;
	}
	f->after_key = k;
	f->after_id = id;
	return 0;
}

static int q_tag(const char *s, size_t len)
{
	(void)len;
	return api_tag_ok(s);
}

static int q_category(const char *s, size_t len)
{
	(void)len;
	return validate_slug(s, 1, FORUM_CATEGORY_MAX);
}

static const struct query_param list_query[] = {
	{ .name = "q", .kind = QP_TEXT, .min = 1, .max = 200,
	  .valid = validate_text,
	  .message = "must be 1-200 characters of text" },
	{ .name = "category", .kind = QP_TEXT, .valid = q_category,
	  .message = "must be a category slug" },
	{ .name = "tag", .kind = QP_TEXT, .valid = q_tag,
	  .message = "must be 1-32 of a-z, 0-9 and hyphens" },
	{ .name = "sort", .kind = QP_ENUM, .values = sorts,
	  .message = "must be latest, top or unanswered" },
	{ .name = "limit", .kind = QP_LIMIT },
};

/* The authors of threads whose first post is hidden, as this worker last
 * read them, and the cache stamp they were read under: kept until a
 * forum write (every hide and show calls store_forum_changed()) or the
 * cache's max age moves the stamp, so a signed-in reader's list costs no
 * query. Process memory, not a request's: it outlives requests. */
#define HIDDEN_AUTHORS_MAX 1024
static int64_t hidden_ids[HIDDEN_AUTHORS_MAX];
static size_t hidden_n;
static uint64_t hidden_stamp;
static int hidden_known;

static uint64_t hidden_stamp_now(const struct request *req)
{
	uint64_t stamp = cache_stamp(FORUM_GENS);
	unsigned max_age = req->cfg->cache_max_age;

	if (max_age > 0)
		stamp += ((uint64_t)time(NULL) / max_age) << 40;
	return stamp;
}

/* *yes 1 when user wrote a thread whose first post is hidden. */
static int own_hidden(struct request *req, int64_t user, int *yes)
{
	uint64_t stamp = hidden_stamp_now(req);
	int64_t *ids;
	size_t n, lo = 0, hi;
	int rc;

	/* No shared cache (stamp 0): nothing tells a write, ask each time. */
	if (cache_stamp(FORUM_GENS) == 0)
		return store_forum_own_hidden(user, yes);
	if (!hidden_known || hidden_stamp != stamp) {
		hidden_known = 0;
		rc = store_forum_hidden_authors(req->arena, HIDDEN_AUTHORS_MAX,
			&ids, &n);
		if (rc != 0)
			return rc;
		if (n > HIDDEN_AUTHORS_MAX)  /* too many to keep: ask */
			return store_forum_own_hidden(user, yes);
		if (n > 0)           /* no rows: ids may be NULL */
			memcpy(hidden_ids, ids, n * sizeof(*ids));
		hidden_n = n;
		hidden_stamp = stamp;
		hidden_known = 1;
	}
	hi = hidden_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (hidden_ids[mid] < user)
			lo = mid + 1;
		else
			hi = mid;
	}
	*yes = lo < hidden_n && hidden_ids[lo] == user;
	return 0;
}

/* Threads whose first post flags hid are listed only for moderators and
 * for their authors: those callers' lists are their own, never served
 * from nor kept in the shared cache. Everyone else (most signed-in users
 * too) reads the public list, cached. Decided here, before the router's
 * cache lookup. */
static int list_viewer(struct request *req, struct store_forum_filter *f)
{
	int own = 0, rc = 0;

	if (forum_view_is_mod(req)) {
		f->all_hidden = 1;
		req->cache_private = 1;
		return 0;
	}
	if (forum_view_caller(req) != 0)
		rc = own_hidden(req, forum_view_caller(req), &own);
	if (rc == 0 && own) {
		f->viewer = forum_view_caller(req);
		req->cache_private = 1;
	}
	return rc;
}

static int list_check(struct request *req)
{
	const char *cursor = http_query(req, "cursor");
	struct store_forum_filter *f;

	f = arena_alloc(req->arena, sizeof(*f));
	if (f == NULL)
		return DF_ENOMEM;
	memset(f, 0, sizeof(*f));
	f->q = http_query(req, "q");
	f->category = http_query(req, "category");
	f->tag = http_query(req, "tag");
	f->sort = (enum store_forum_sort)router_query_int(req, "sort", 0);
	if (cursor != NULL && cursor_read(cursor, f) != 0)
		problem_add_error(req, "cursor", "invalid_format",
			"must be a next_cursor this list returned with the "
			"same q and sort");
	req->checked = f;
	return list_viewer(req, f);
}

/* A list item: with its relevance in searches. */
static struct json_object *list_item(struct request *req, const void *row,
	const void *ctx)
{
	const struct store_forum_filter *f = ctx;

	return forum_view_thread_json(req, row, 1, f->q != NULL);
}

static int forum_list(struct request *req)
{
	struct store_forum_filter *f = req->checked;
	struct store_forum_thread *rows;
	size_t n;
	int rc;

	f->limit = req->q.limit;
	rc = store_forum_list(req->arena, f, &rows, &n);
	if (rc != 0)
		return rc;
	rc = api_list_rows(req, rows, n, sizeof(*rows), f->limit, list_item,
		cursor_make, f);
	/* The public list is the same for every caller (deleted threads are
	 * left out for moderators too): shared by all; a list with hidden
	 * threads (see list_viewer) is the caller's own. */
	if (rc == 0 && !req->cache_private)
		http_set_cacheable(req);
	return rc;
}

/* --- one thread ---------------------------------------------------- */

static const struct query_param detail_query[] = {
	API_PAGE_ROWS("forum_posts"),
};

static int forum_get(struct request *req)
{
	struct store_forum_thread t;
	int rc;

	rc = load(req, &t);
	if (rc != 0)
		return rc;
	return send_detail(req, 200, &t);
}

/* --- writes -------------------------------------------------------- */

static int v_title(struct json_object *v, const char **code,
	const char **msg)
{
	return api_v_line(v, code, msg);
}

static const struct json_field thread_fields[] = {
	{ .name = "category", .type = JF_STRING, .required = 1, .min = 1,
	  .max = FORUM_CATEGORY_MAX },
	{ .name = "title", .type = JF_STRING, .required = 1,
	  .min = FORUM_TITLE_MIN, .max = FORUM_TITLE_MAX,
	  .validate = v_title },
	{ .name = "body", .type = JF_STRING, .required = 1, .min = 1,
	  .max = FORUM_BODY_MAX, .validate = api_v_notes },
	{ .name = "tags", .type = JF_ARRAY, .max = STORE_FORUM_TAGS_MAX },
};

static const struct json_field post_fields[] = {
	{ .name = "body", .type = JF_STRING, .required = 1, .min = 1,
	  .max = FORUM_BODY_MAX, .validate = api_v_notes },
};

/* The tags of a new thread, each checked, into req->checked. */
static int thread_check(struct request *req)
{
	struct json_object *tags = json_get(req->json, "tags");
	struct store_forum_input *in;
	const char **list;

	in = arena_alloc(req->arena, sizeof(*in));
	list = arena_alloc(req->arena, STORE_FORUM_TAGS_MAX * sizeof(*list));
	if (in == NULL || list == NULL)
		return DF_ENOMEM;
	memset(in, 0, sizeof(*in));
	in->tags = list;
	req->checked = in;
	in->ntags = api_tags_read(req, tags, STORE_FORUM_TAGS_MAX, list);
	return 0;
}

/* The body and its plain text (what search reads). */
static int read_body(struct request *req, struct store_forum_input *in)
{
	in->body = json_get_str(req->json, "body", NULL);
	in->author_id = forum_view_caller(req);
	/* Microseconds, so replies of one second keep their order in latest. */
	in->now_us = clock_now_us();
	in->now = (time_t)(in->now_us / 1000000);
	return api_plain_text(req, in->body, &in->body_text);
}

static int forum_create(struct request *req)
{
	struct store_forum_input *in = req->checked;
	struct store_forum_thread t;
	unsigned char hash[32];
	int rc;

	rc = read_body(req, in);
	if (rc != 0)
		return rc;
	/* The trust limits (silence, links, duplicates, caps, intervals). */
	rc = store_forum_body_hash(req->arena, in->body, hash);
	if (rc == 0)
		rc = forum_guard_post(req, FORUM_GUARD_TOPIC, in->body, hash);
	if (rc != 0)
		return rc;
	in->category = json_get_str(req->json, "category", NULL);
	in->title = json_get_str(req->json, "title", NULL);
	rc = store_forum_thread_create(req->arena, in, &t);
	if (rc == DF_EINVAL) {
		problem_add_error(req, "category", "not_found",
			"must be the slug of a category (GET "
			"/api/v1/forum/categories)");
		return problem_send_validation(req);
	}
	if (rc != 0)
		return rc;
	store_forum_changed();
	if (http_set_header(req, "Location", arena_printf(req->arena,
	    "/api/v1/forum/threads/%s", t.public_id)) != 0)
		return DF_ENOMEM;
	return send_detail(req, 201, &t);
}

static int forum_reply(struct request *req)
{
	struct store_forum_input in;
	struct store_forum_post p;
	struct store_forum_thread t;
	struct json_object *o;
	unsigned char hash[32];
	int rc;

	memset(&in, 0, sizeof(in));
	rc = read_body(req, &in);
	if (rc != 0)
		return rc;
	/* The trust limits, once the thread is known to take the post (a
	 * refused reply spends no interval). */
	rc = load(req, &t);
	if (rc != 0)
		return rc;
	if (t.locked && !forum_view_is_mod(req))
		return problem_send(req, 409, "conflict",
			"This thread is locked: it takes no new posts.");
	rc = store_forum_body_hash(req->arena, in.body, hash);
	if (rc == 0)
		rc = forum_guard_post(req, FORUM_GUARD_REPLY, in.body, hash);
	if (rc != 0)
		return rc;
	/* Moderators may still answer in a locked thread (a closing word),
	 * as Discourse staff can. */
	rc = store_forum_reply(req->arena, router_param(req, "id"), &in,
		forum_view_is_mod(req), &p);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"This thread is locked: it takes no new posts.");
	if (rc != 0)
		return rc;
	store_forum_changed();
	o = post_json(req, &p);
	if (o == NULL || http_set_header(req, "Cache-Control", "no-store") ||
	    http_set_header(req, "Location", arena_printf(req->arena,
	    "/api/v1/forum/threads/%s", p.thread_id)) != 0)
		return DF_ENOMEM;
	return http_set_json(req, 201, o);
}

/* lock, unlock, pin, unpin: set the flag, audit a change, answer the
 * thread. Setting a flag that is already so changes nothing and is not
 * audited. */
static int moderate(struct request *req, enum store_forum_flag what,
	int value, const char *event)
{
	struct store_forum_thread t;
	struct json_object *o, *detail;
	int changed = 0, rc;

	rc = store_forum_thread_get(req->arena, router_param(req, "id"), &t);
	if (rc == 0 && t.deleted)
		rc = DF_ENOTFOUND;
	if (rc == 0)
		rc = store_forum_set(t.id, what, value, clock_now(), &changed);
	if (rc != 0)
		return rc;
	if (changed) {
		store_forum_changed();
		detail = json_new_object(req);
		if (detail == NULL || json_set_str(detail, "thread_id",
		    t.public_id))
			return DF_ENOMEM;
		rc = api_audit(req, event, t.public_id, detail);
		if (rc != 0)
			return rc;
		rc = store_forum_thread_get(req->arena, t.public_id, &t);
		if (rc != 0)
			return rc;
	}
	o = forum_view_thread_json(req, &t, 0, 0);
	if (o == NULL || http_set_header(req, "Cache-Control", "no-store"))
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int forum_lock(struct request *req)
{
	return moderate(req, STORE_FORUM_LOCKED, 1, "forum.lock");
}

static int forum_unlock(struct request *req)
{
	return moderate(req, STORE_FORUM_LOCKED, 0, "forum.unlock");
}

static int forum_pin(struct request *req)
{
	return moderate(req, STORE_FORUM_PINNED, 1, "forum.pin");
}

static int forum_unpin(struct request *req)
{
	return moderate(req, STORE_FORUM_PINNED, 0, "forum.unpin");
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/forum/categories",
	  .handler = forum_categories, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = FORUM_GENS },
	{ .method = HTTP_GET, .pattern = "/api/v1/forum/threads",
	  .handler = forum_list, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = FORUM_GENS,
	  .query = QUERY_PARAMS(list_query), .check = list_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/threads",
	  .handler = forum_create, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(thread_fields),
	  .check = thread_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/forum/threads/{id}",
	  .handler = forum_get, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .query = QUERY_PARAMS(detail_query) },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/threads/{id}/posts",
	  .handler = forum_reply, .role = ROLE_USER, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(post_fields) },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/threads/{id}/lock",
	  .handler = forum_lock, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/threads/{id}/unlock",
	  .handler = forum_unlock, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/threads/{id}/pin",
	  .handler = forum_pin, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/forum/threads/{id}/unpin",
	  .handler = forum_unpin, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
};

const struct route_table api_forum_table = {
	"forum", routes, sizeof(routes) / sizeof(routes[0])
};
