/* Stores: kb. */
/* The knowledge base: Markdown articles that anyone reads once they are
 * published, that support staff write, edit (each edit keeps the
 * earlier version) and archive, searched by FULLTEXT relevance. Drafts
 * and archived articles exist only for staff: every route answers
 * others as if they were absent. Published answers are cached for the
 * host and invalidated by every write; views are counted in the shared
 * segment and written in batches (api_kb_tick), never one write per
 * view; helpfulness is one vote per user or per client address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "arena.h"
#include "cache.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "problem.h"
#include "role.h"
#include "router.h"
#include "shm.h"
#include "validate.h"
#include "store/kb.h"
#include "store/users.h"

#define KB_TITLE_MAX 200
#define KB_BODY_MAX 100000      /* characters */
#define KB_SLUG_MAX 100

static const char *const categories[] = {
	"technical", "billing", "account", "extension", "other", NULL
};
static const char *const statuses[] = {
	"draft", "published", "archived", NULL
};

/* The key of the voter hashes, derived from the JWT secret like the
 * download counts' (no further secret to manage). */
static unsigned char vote_key[32];

int api_kb_init(const struct config *cfg)
{
	config_derive_key(cfg, "devforge kb-voter v1", vote_key);
	return 0;
}

static int is_staff(const struct request *req)
{
	return req->auth.authenticated &&
		role_allows(req->auth.role, ROLE_SUPPORT);
}

static int64_t caller_id(const struct request *req)
{
	const struct store_user *u = req->auth.user;

	return req->auth.authenticated && u != NULL ? u->id : 0;
}

static int one_of(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static int v_category(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg, one_of(json_object_get_string(v),
		categories), "must be technical, billing, account, extension "
		"or other");
}

static int v_status(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg, one_of(json_object_get_string(v),
		statuses), "must be draft, published or archived");
}

static int v_slug(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg, validate_slug(json_object_get_string(v),
		3, KB_SLUG_MAX), "must be 3-100 of a-z, 0-9 and single hyphens");
}

/* The cache generation of everything the KB routes show. */
#define API_GEN_KB 8u
#define API_GENS_KB (UINT64_C(1) << API_GEN_KB)

/* --- views --------------------------------------------------------- */

/* Each worker remembers which article a slug names (slugs never change
 * and articles are never deleted), so that an answer served from the
 * cache, where no handler ran, is still counted without a query. */
#define SLUG_MAP 256
static struct {
	char slug[KB_SLUG_MAX + 1];
	int64_t id;
} slug_map[SLUG_MAP];

static size_t slug_home(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)(h % SLUG_MAP);
}

static void slug_remember(const char *slug, int64_t id)
{
	size_t i = slug_home(slug);

	if (strlen(slug) > KB_SLUG_MAX)
		return;
	strcpy(slug_map[i].slug, slug);
	slug_map[i].id = id;
}

static int count_view(struct request *req, int64_t id)
{
	uint64_t one = 1;
	int rc;

	rc = shm_kb_view_add(id, 1);
	if (rc == 0)
		return 0;
	/* No slot (or no segment): this one is written at once, so that a
	 * view is never dropped. */
	(void)req;
	return store_kb_add_views(&id, &one, 1);
}

/* The router's hook for an answer that came from the cache. */
static int view_cached(struct request *req)
{
	const char *slug = router_param(req, "slug");
	struct store_kb_article art;
	size_t i;
	int rc;

	if (slug == NULL)
		return 0;
	i = slug_home(slug);
	if (slug_map[i].id > 0 && strcmp(slug_map[i].slug, slug) == 0)
		return count_view(req, slug_map[i].id);
	rc = store_kb_get(req->arena, slug, &art);
	if (rc != 0)
		return rc;
	slug_remember(art.slug, art.id);
	return count_view(req, art.id);
}

int api_kb_flush(struct arena *a, int all)
{
	int64_t *ids;
	uint64_t *counts;
	size_t n, i;
	int rc;

	ids = arena_alloc(a, SHM_KB_VIEW_SLOTS * sizeof(*ids));
	counts = arena_alloc(a, SHM_KB_VIEW_SLOTS * sizeof(*counts));
	if (ids == NULL || counts == NULL)
		return DF_ENOMEM;
	do {
		n = shm_kb_view_take(ids, counts, SHM_KB_VIEW_SLOTS);
		if (n == 0)
			return 0;
		rc = store_kb_add_views(ids, counts, n);
		if (rc != 0) {
			/* Back into the segment for the next flush. */
			for (i = 0; i < n; i++)
				if (shm_kb_view_add(ids[i], counts[i]) != 0)
					log_msg(LOG_WARN, "kb: %llu views of "
						"article %lld lost",
						(unsigned long long)counts[i],
						(long long)ids[i]);
			return rc;
		}
	} while (all);
	return 0;
}

int api_kb_tick(struct arena *a, unsigned interval_s, int *wait_ms)
{
	return api_flush_tick(a, interval_s, wait_ms, shm_kb_view_due,
		shm_kb_views_pending, api_kb_flush);
}

/* --- answers ------------------------------------------------------- */

/* k is a string literal and new to o: json-c neither copies it nor looks
 * for an earlier entry, which it would do for each of the 15 fields of
 * every item of a list. v consumed; NULL is a JSON null. */
static int put(struct json_object *o, const char *k, struct json_object *v)
{
	if (json_object_object_add_ex(o, k, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
	    JSON_C_OBJECT_ADD_CONSTANT_KEY) != 0) {
		json_object_put(v);
		return DF_ENOMEM;
	}
	return 0;
}

static int put_str(struct json_object *o, const char *k, const char *v)
{
	struct json_object *s = NULL;

	if (v != NULL && (s = json_object_new_string(v)) == NULL)
		return DF_ENOMEM;
	return put(o, k, s);
}

static int put_int(struct json_object *o, const char *k, int64_t v)
{
	struct json_object *i = json_object_new_int64(v);

	return i == NULL ? DF_ENOMEM : put(o, k, i);
}

struct json_object *api_kb_score_json(struct request *req, int64_t score)
{
	char text[32];
	int64_t whole = score / STORE_KB_SCORE_SCALE;
	int64_t frac = score % STORE_KB_SCORE_SCALE;
	int n;

	if (score < 0)
		return NULL;
	n = snprintf(text, sizeof(text), "%lld.%04lld", (long long)whole,
		(long long)frac);
	if (n < 0 || (size_t)n >= sizeof(text))
		return NULL;
	/* "1.5000" -> "1.5", "2.0000" -> "2.0": the shortest exact form. */
	while (n > 0 && text[n - 1] == '0' && text[n - 2] != '.')
		text[--n] = '\0';
	return json_own(req, json_object_new_double_s(
		(double)score / STORE_KB_SCORE_SCALE, text));
}

/* {slug, title, body | excerpt (+score), category, tags, status, views,
 * helpful, not_helpful, revision, created_at, updated_at, published_at} */
static struct json_object *article_json(struct request *req,
	const struct store_kb_article *k, int with_score)
{
	struct json_object *o = json_new_object(req);
	struct json_object *tags = api_tags_json(req, k->tags);

	if (o == NULL || tags == NULL ||
	    put_str(o, "slug", k->slug) ||
	    put_str(o, "title", k->title) ||
	    (k->body != NULL ? put_str(o, "body", k->body) :
	     put_str(o, "excerpt", k->excerpt != NULL ? k->excerpt : "")) ||
	    put_str(o, "category", k->category) ||
	    put(o, "tags", json_object_get(tags)) ||
	    put_str(o, "status", k->status) ||
	    put_int(o, "views", k->views) ||
	    put_int(o, "helpful", k->helpful) ||
	    put_int(o, "not_helpful", k->not_helpful) ||
	    put_int(o, "revision", k->revision) ||
	    put_str(o, "created_at", k->created_at) ||
	    put_str(o, "updated_at", k->updated_at) ||
	    put_str(o, "published_at", k->published_at))
		return NULL;
	if (with_score) {
		struct json_object *score = api_kb_score_json(req, k->score);

		if (score == NULL || json_set(o, "score", score))
			return NULL;
	}
	return o;
}

/* The article of the route's {slug} as the caller may see it: others
 * than staff see published ones only, the rest is absent. */
static int load(struct request *req, struct store_kb_article *k)
{
	const char *slug = router_param(req, "slug");
	int rc;

	if (slug == NULL || !validate_slug(slug, 1, KB_SLUG_MAX))
		return DF_ENOTFOUND;
	rc = store_kb_get(req->arena, slug, k);
	if (rc != 0)
		return rc;
	if (strcmp(k->status, "published") != 0 && !is_staff(req))
		return DF_ENOTFOUND;
	return 0;
}

/* --- list and search ----------------------------------------------- */

static const char *cursor_make(struct request *req, const void *row,
	const void *ctx)
{
	const struct store_kb_article *last = row;
	const struct store_kb_filter *f = ctx;
	char raw[API_CURSOR_RAW_MAX];
	int n;

	if (f->q != NULL)
		return api_cursor_ranked(req, "kbq", last->score, last->id,
			last->upto);
	n = snprintf(raw, sizeof(raw), "kb.%lld", (long long)last->id);
	if (n < 0 || (size_t)n >= sizeof(raw))
		return NULL;
	return api_cursor_encode(req, raw);
}

static int cursor_read(const char *cursor, struct store_kb_filter *f)
{
	char raw[API_CURSOR_RAW_MAX];
	long long id;
	int used = 0;
	long n = api_cursor_decode(cursor, raw);

	if (n < 0)
		return DF_EINVAL;
	if (f->q != NULL)
		return api_cursor_ranked_read(raw, n, "kbq", &f->after_score,
			&f->after_id, &f->upto);
	if (sscanf(raw, "kb.%lld%n", &id, &used) != 1 || used != n || id <= 0)
		return DF_EINVAL;
	f->after_id = id;
	return 0;
}

static int q_tag(const char *s, size_t len)
{
	(void)len;
	return api_tag_ok(s);
}

static const struct query_param list_query[] = {
	{ .name = "q", .kind = QP_TEXT, .min = 1, .max = 200,
	  .valid = validate_text,
	  .message = "must be 1-200 characters of text" },
	{ .name = "category", .kind = QP_ENUM, .values = categories,
	  .message = "must be technical, billing, account, extension or "
	  "other" },
	{ .name = "tag", .kind = QP_TEXT, .valid = q_tag,
	  .message = "must be 1-32 of a-z, 0-9 and single hyphens" },
	{ .name = "status", .kind = QP_ENUM, .values = statuses,
	  .message = "must be draft, published or archived" },
	{ .name = "limit", .kind = QP_LIMIT },
};

static int list_check(struct request *req)
{
	const char *cursor = http_query(req, "cursor");
	struct store_kb_filter *f;

	f = arena_alloc(req->arena, sizeof(*f));
	if (f == NULL)
		return DF_ENOMEM;
	memset(f, 0, sizeof(*f));
	f->q = http_query(req, "q");
	f->category = http_query(req, "category");
	f->tag = http_query(req, "tag");
	f->status = http_query(req, "status");
	if (cursor != NULL && cursor_read(cursor, f) != 0)
		problem_add_error(req, "cursor", "invalid_format",
			"must be a next_cursor this list returned with the "
			"same q");
	req->checked = f;
	return 0;
}

/* A list item: an excerpt, with its score in searches. */
static struct json_object *list_item(struct request *req, const void *row,
	const void *ctx)
{
	const struct store_kb_filter *f = ctx;

	return article_json(req, row, f->q != NULL);
}

static int kb_list(struct request *req)
{
	struct store_kb_filter *f = req->checked;
	struct store_kb_article *rows;
	size_t n;
	int rc;

	f->all_status = is_staff(req);
	f->limit = req->q.limit;
	rc = store_kb_list(req->arena, f, &rows, &n);
	if (rc != 0)
		return rc;
	rc = api_list_rows(req, rows, n, sizeof(*rows), f->limit, list_item,
		cursor_make, f);
	/* Staff lists hold drafts: only the public one is shared. */
	if (rc == 0 && !is_staff(req))
		http_set_cacheable(req);
	return rc;
}

/* --- one article --------------------------------------------------- */

static int kb_get(struct request *req)
{
	struct store_kb_article k;
	struct json_object *o;
	int rc;

	rc = load(req, &k);
	if (rc != 0)
		return rc;
	o = article_json(req, &k, 0);
	if (o == NULL)
		return DF_ENOMEM;
	rc = http_set_json(req, 200, o);
	if (rc != 0 || strcmp(k.status, "published") != 0)
		return rc;
	http_set_cacheable(req);
	slug_remember(k.slug, k.id);
	/* A failed count does not fail the read. */
	if (count_view(req, k.id) != 0)
		log_req_msg(req, LOG_WARN, "kb: a view of %s not counted",
			k.slug);
	return 0;
}

/* --- writes -------------------------------------------------------- */

static const struct json_field create_fields[] = {
	{ .name = "slug", .type = JF_STRING, .required = 1, .min = 3,
	  .max = KB_SLUG_MAX, .validate = v_slug },
	{ .name = "title", .type = JF_STRING, .required = 1, .min = 1,
	  .max = KB_TITLE_MAX, .validate = api_v_line },
	{ .name = "body", .type = JF_STRING, .required = 1, .min = 1,
	  .max = KB_BODY_MAX, .validate = api_v_notes },
	{ .name = "category", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 16, .validate = v_category },
	{ .name = "tags", .type = JF_ARRAY, .max = STORE_KB_TAGS_MAX },
	{ .name = "status", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_status },
};

static const struct json_field edit_fields[] = {
	{ .name = "title", .type = JF_STRING, .min = 1, .max = KB_TITLE_MAX,
	  .validate = api_v_line },
	{ .name = "body", .type = JF_STRING, .min = 1, .max = KB_BODY_MAX,
	  .validate = api_v_notes },
	{ .name = "category", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_category },
	{ .name = "tags", .type = JF_ARRAY, .max = STORE_KB_TAGS_MAX },
	{ .name = "status", .type = JF_STRING, .min = 1, .max = 16,
	  .validate = v_status },
};

/* The check of create and edit: each tag (and for an edit, that it
 * names some field). What it read goes to req->checked. */
static int write_check(struct request *req)
{
	struct json_object *tags = json_get(req->json, "tags");
	struct store_kb_input *in;
	const char **list;

	in = arena_alloc(req->arena, sizeof(*in));
	list = arena_alloc(req->arena, STORE_KB_TAGS_MAX * sizeof(*list));
	if (in == NULL || list == NULL)
		return DF_ENOMEM;
	memset(in, 0, sizeof(*in));
	in->tags = list;
	req->checked = in;
	if (!json_object_is_type(tags, json_type_array))
		return 0;
	in->tags_set = 1;
	in->ntags = api_tags_read(req, tags, STORE_KB_TAGS_MAX, list);
	return 0;
}

static int edit_check(struct request *req)
{
	if (req->json != NULL && json_object_object_length(req->json) == 0)
		problem_add_error(req, "body", "required",
			"must name at least one field to change");
	return write_check(req);
}

/* Reads the body's fields into in, with the text search reads. */
static int read_input(struct request *req, struct store_kb_input *in)
{
	in->title = json_get_str(req->json, "title", NULL);
	in->body = json_get_str(req->json, "body", NULL);
	in->category = json_get_str(req->json, "category", NULL);
	in->status = json_get_str(req->json, "status", NULL);
	in->editor_id = caller_id(req);
	in->now = clock_now();
	if (in->body == NULL)
		return 0;
	return api_plain_text(req, in->body, &in->body_text);
}

static int answer(struct request *req, int status,
	const struct store_kb_article *k)
{
	struct json_object *o = article_json(req, k, 0);

	if (o == NULL)
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, status, o);
}

static int kb_create(struct request *req)
{
	struct store_kb_input *in = req->checked;
	struct store_kb_article k;
	int rc;

	rc = read_input(req, in);
	if (rc != 0)
		return rc;
	in->slug = json_get_str(req->json, "slug", NULL);
	if (in->status == NULL)
		in->status = "draft";
	rc = store_kb_create(req->arena, in, &k);
	if (rc == DF_ECONFLICT)
		return problem_send(req, 409, "conflict",
			"An article with this slug exists.");
	if (rc != 0)
		return rc;
	cache_invalidate(API_GEN_KB);
	if (http_set_header(req, "Location", arena_printf(req->arena,
	    "/api/v1/support/kb/%s", k.slug)) != 0)
		return DF_ENOMEM;
	return answer(req, 201, &k);
}

static int kb_patch(struct request *req)
{
	struct store_kb_input *in = req->checked;
	struct store_kb_article k;
	int rc;

	rc = load(req, &k);
	if (rc != 0)
		return rc;
	rc = read_input(req, in);
	if (rc != 0)
		return rc;
	rc = store_kb_update(req->arena, k.slug, in, &k);
	if (rc != 0)
		return rc;
	cache_invalidate(API_GEN_KB);
	return answer(req, 200, &k);
}

static int kb_archive(struct request *req)
{
	struct store_kb_input in;
	struct store_kb_article k;
	int rc;

	rc = load(req, &k);
	if (rc != 0)
		return rc;
	/* Archiving an archived article changes nothing: no revision. */
	if (strcmp(k.status, "archived") != 0) {
		memset(&in, 0, sizeof(in));
		in.status = "archived";
		in.editor_id = caller_id(req);
		in.now = clock_now();
		rc = store_kb_update(req->arena, k.slug, &in, &k);
		if (rc != 0)
			return rc;
		cache_invalidate(API_GEN_KB);
	}
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	http_set_status(req, 204);
	return 0;
}

static const struct json_field feedback_fields[] = {
	{ .name = "helpful", .type = JF_BOOL, .required = 1 },
};

static int kb_feedback(struct request *req)
{
	struct store_kb_article k;
	struct json_object *o;
	unsigned char voter[32];
	int64_t uid = caller_id(req), yes = 0, no = 0;
	char who[96];
	int rc;

	rc = load(req, &k);
	if (rc != 0)
		return rc;
	/* Votes are for what readers see. */
	if (strcmp(k.status, "published") != 0)
		return DF_ENOTFOUND;
	if (uid > 0)
		snprintf(who, sizeof(who), "u:%lld", (long long)uid);
	else
		snprintf(who, sizeof(who), "a:%s",
			req->remote_addr != NULL ? req->remote_addr : "");
	crypto_hmac_sha256(vote_key, sizeof(vote_key), who, strlen(who), voter);
	rc = store_kb_vote(req->arena, k.id, voter,
		json_object_get_boolean(json_get(req->json, "helpful")),
		clock_now(), &yes, &no);
	if (rc != 0)
		return rc;
	cache_invalidate(API_GEN_KB);
	o = json_new_object(req);
	if (o == NULL || json_set_int(o, "helpful", yes) ||
	    json_set_int(o, "not_helpful", no) ||
	    http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static int kb_revisions(struct request *req)
{
	struct store_kb_article k;
	struct store_kb_revision *r;
	struct json_object *list, *items;
	size_t n, i;
	int rc;

	rc = load(req, &k);
	if (rc != 0)
		return rc;
	rc = store_kb_revisions(req->arena, k.id, &r, &n);
	if (rc != 0)
		return rc;
	list = api_list_new(req, &items);
	if (list == NULL)
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_new_object(req);
		struct json_object *tags = api_tags_json(req, r[i].tags);
		struct json_object *ed = NULL;

		if (r[i].editor_id != NULL) {
			ed = json_new_object(req);
			if (ed == NULL || json_set_str(ed, "id", r[i].editor_id) ||
			    json_set_str(ed, "username", r[i].editor_username))
				return DF_ENOMEM;
		}
		if (o == NULL || tags == NULL ||
		    json_set_int(o, "revision", r[i].revision) ||
		    json_set_str(o, "title", r[i].title) ||
		    json_set_str(o, "body", r[i].body) ||
		    json_set_str(o, "category", r[i].category) ||
		    json_set(o, "tags", tags) ||
		    json_set_str(o, "status", r[i].status) ||
		    json_set(o, "editor", ed) ||
		    json_set_str(o, "created_at", r[i].created_at) ||
		    api_list_add(items, o) != 0)
			return DF_ENOMEM;
	}
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return api_list_send(req, list, NULL);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/support/kb",
	  .handler = kb_list, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_KB,
	  .query = QUERY_PARAMS(list_query), .check = list_check },
	{ .method = HTTP_POST, .pattern = "/api/v1/support/kb",
	  .handler = kb_create, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(create_fields),
	  .check = write_check },
	{ .method = HTTP_GET, .pattern = "/api/v1/support/kb/{slug}",
	  .handler = kb_get, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_PUBLIC_CACHE, .cache_gens = API_GENS_KB,
	  .on_cache_hit = view_cached },
	{ .method = HTTP_PATCH, .pattern = "/api/v1/support/kb/{slug}",
	  .handler = kb_patch, .role = ROLE_SUPPORT, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(edit_fields),
	  .check = edit_check },
	{ .method = HTTP_DELETE, .pattern = "/api/v1/support/kb/{slug}",
	  .handler = kb_archive, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
	{ .method = HTTP_POST, .pattern = "/api/v1/support/kb/{slug}/feedback",
	  .handler = kb_feedback, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(feedback_fields) },
	{ .method = HTTP_GET, .pattern = "/api/v1/support/kb/{slug}/revisions",
	  .handler = kb_revisions, .role = ROLE_SUPPORT, .rl = RL_DEFAULT },
};

const struct route_table api_kb_table = {
	"kb", routes, sizeof(routes) / sizeof(routes[0])
};
