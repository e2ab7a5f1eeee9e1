/* The per-statement database bound (db_statement_timeout_ms), for real:
 * the test's own MariaDB connection holds the row lock an owner's PATCH
 * of an extension takes (SELECT ... FOR UPDATE), 64 such PATCHes arrive
 * at once, and each one's statement waits on the lock until MariaDB's
 * max_statement_time stops it. Every one must answer 503 with Retry-After
 * and a Problem body, the metric must count them, no worker may be left
 * holding a statement or a transaction, and the other routes answer as
 * before. The lock is released at the end of every path (the suite's fini
 * rolls back and closes; a crash closes the connection too). */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "market.h"

#define SLOW 64                  /* the PATCHes sent at once */

static MYSQL *locker;            /* the test's own connection */
static struct market_cast cast;

static void unlock(void)
{
	if (locker == NULL)
		return;
	mysql_query(locker, "ROLLBACK");
	mysql_close(locker);
	locker = NULL;
}

static void suite_fini(void)
{
	unlock();
	market_cast_free(&cast);
}

static void suite_init(void)
{
	market_cast(&cast);
}

/* MARKET_SUITE's cast, with a fini that also lets the lock go. */
TestSuite(db_bound, .init = suite_init, .fini = suite_fini);

/* The bound the stack runs with: the environment the stack was started
 * with (scripts/test exports it), else the stack's file, else the
 * default. */
static unsigned bound_ms(void)
{
	const char *e = getenv("DEVFORGE_DB_STATEMENT_TIMEOUT_MS");
	char *v;
	unsigned ms;

	if (e != NULL && *e != '\0')
		return (unsigned)strtoul(e, NULL, 10);
	v = client_config("db_statement_timeout_ms", "2000");
	ms = (unsigned)strtoul(v, NULL, 10);
	free(v);
	return ms;
}

/* Opens the test's connection and takes the row lock on slug's row. */
static void lock_row(const char *slug)
{
	char *db = client_config("db_name", "devforge");
	char sql[512], esc[256];

	locker = mysql_init(NULL);
	cr_assert_not_null(locker);
	cr_assert_not_null(mysql_real_connect(locker, "localhost",
		client_env("DEVFORGE_TEST_DB_ADMIN"), NULL, db, 0,
		client_env("DEVFORGE_TEST_DB_SOCKET"), 0),
		"connect: %s", mysql_error(locker));
	free(db);
	mysql_real_escape_string(locker, esc, slug, (unsigned long)strlen(slug));
	snprintf(sql, sizeof(sql),
		"SELECT id FROM extensions WHERE slug = '%s' FOR UPDATE", esc);
	/* Never bounded itself: the lock must outlast every request. */
	cr_assert_eq(mysql_query(locker, "SET SESSION max_statement_time = 0"),
		0, "%s", mysql_error(locker));
	cr_assert_eq(mysql_query(locker, "START TRANSACTION"), 0, "%s",
		mysql_error(locker));
	cr_assert_eq(mysql_query(locker, sql), 0, "%s", mysql_error(locker));
	MYSQL_RES *res = mysql_store_result(locker);
	cr_assert_not_null(res);
	cr_assert_eq(mysql_num_rows(res), 1, "no row to lock for %s", slug);
	mysql_free_result(res);
}

/* The first column of the first row of sql on the test's connection, as
 * a number (-1 when there is none). */
static long locker_num(const char *sql)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	long v = -1;

	cr_assert_eq(mysql_query(locker, sql), 0, "%s: %s", sql,
		mysql_error(locker));
	res = mysql_store_result(locker);
	cr_assert_not_null(res);
	row = mysql_fetch_row(res);
	if (row != NULL && row[0] != NULL)
		v = strtol(row[0], NULL, 10);
	mysql_free_result(res);
	return v;
}

struct answer {
	long status;
	int curl_error;
	char *headers;
	size_t hlen;
	char *body;
	size_t blen;
	struct curl_slist *hl;
};

static size_t keep(char *data, size_t size, size_t n, void *ctx)
{
	char **buf = ctx;
	size_t len = *buf != NULL ? strlen(*buf) : 0, add = size * n;
	char *p = realloc(*buf, len + add + 1);

	if (p == NULL)
		return 0;
	memcpy(p + len, data, add);
	p[len + add] = '\0';
	*buf = p;
	return add;
}

/* The value of header name in a raw header block (malloc'd), or NULL. */
static char *header_of(const char *block, const char *name)
{
	struct client_resp r = { .headers = (char *)block };

	return client_header(&r, name);
}

/* Sends n PATCHes of path as auth, all at once, into a[]. */
static void patch_all(const char *path, const char *auth, struct answer *a,
	int n)
{
	CURLM *m = curl_multi_init();
	static const char body[] = "{\"name\": \"Never Renamed\"}";
	int i, running = 0, left;
	CURLMsg *msg;

	cr_assert_not_null(m);
	for (i = 0; i < n; i++) {
		CURL *c = curl_easy_init();

		cr_assert_not_null(c);
		memset(&a[i], 0, sizeof(a[i]));
		a[i].hl = curl_slist_append(NULL, auth);
		a[i].hl = curl_slist_append(a[i].hl,
			"Content-Type: application/json");
		a[i].hl = curl_slist_append(a[i].hl, "Expect:");
		curl_easy_setopt(c, CURLOPT_URL, client_url(path));
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, a[i].hl);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, keep);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &a[i].headers);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &a[i].body);
		curl_easy_setopt(c, CURLOPT_PRIVATE, &a[i]);
		/* Far above 64 bounds over the pool: a request that is not
		 * stopped by the bound fails here instead of hanging. */
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 150L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_multi_add_handle(m, c);
	}
	do {
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, 100, NULL);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct answer *ans = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
				(char **)&ans);
			ans->curl_error = (int)msg->data.result;
			if (msg->data.result == CURLE_OK)
				curl_easy_getinfo(msg->easy_handle,
					CURLINFO_RESPONSE_CODE, &ans->status);
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_easy_cleanup(msg->easy_handle);
		}
	} while (running > 0);
	curl_multi_cleanup(m);
}

static void answer_free(struct answer *a)
{
	free(a->headers);
	free(a->body);
	curl_slist_free_all(a->hl);
}

/* A 503 as the contract says: Retry-After in whole seconds, and an RFC
 * 9457 body of type service_unavailable. */
static void assert_bounded_503(const struct answer *a, int i)
{
	char *ra = header_of(a->headers, "Retry-After");
	char *ct = header_of(a->headers, "Content-Type");
	struct json_object *o, *t;

	cr_assert_not_null(ra, "answer %d: no Retry-After", i);
	cr_assert_gt(atoi(ra), 0, "answer %d: Retry-After %s", i, ra);
	cr_assert_not_null(ct, "answer %d: no Content-Type", i);
	cr_assert_not_null(strstr(ct, "application/problem+json"),
		"answer %d: %s", i, ct);
	o = json_tokener_parse(a->body != NULL ? a->body : "");
	cr_assert_not_null(o, "answer %d: not JSON: %s", i, a->body);
	cr_assert(json_object_object_get_ex(o, "type", &t));
	cr_assert_not_null(strstr(json_object_get_string(t),
		"service_unavailable"), "answer %d: %s", i, a->body);
	cr_assert(json_object_object_get_ex(o, "status", &t));
	cr_assert_eq(json_object_get_int(t), 503);
	/* A worker's answer, not the front server's own 503 page. */
	cr_assert(json_object_object_get_ex(o, "request_id", &t),
		"answer %d: not from a worker: %s", i, a->body);
	json_object_put(o);
	free(ra);
	free(ct);
}

Test(db_bound, slow_statements_answer_503_and_leave_the_database_and_other_routes_free,
	.timeout = 600)
{
	static struct answer a[SLOW];
	unsigned ms = bound_ms();
	const char *slug = market_slug("dbbound");
	char path[256], sql[512], *db_user;
	double t0, r0;
	int i, n503 = 0, n200 = 0;
	struct client_resp r;

	cr_assert_gt(ms, 0, "the stack runs without a statement bound");
	market_create(cast.dev, slug, "");
	snprintf(path, sizeof(path), EXT "/%s", slug);
	t0 = client_metric_now("devforge_db_statement_timeouts_total", NULL);
	r0 = client_metric_now("devforge_db_reconnects_total", NULL);

	lock_row(slug);
	patch_all(path, cast.dev, a, SLOW);
	for (i = 0; i < SLOW; i++) {
		cr_assert_eq(a[i].curl_error, 0, "answer %d: curl error %d "
			"(no answer: the statement was not stopped)", i,
			a[i].curl_error);
		if (a[i].status == 503) {
			assert_bounded_503(&a[i], i);
			n503++;
		} else {
			cr_assert_eq(a[i].status, 200, "answer %d: %ld %s", i,
				a[i].status, a[i].body);
			n200++;
		}
	}
	/* The lock is held throughout: nothing could have been changed. */
	cr_assert_eq(n200, 0, "%d PATCHes went through a held lock", n200);
	cr_assert_eq(n503, SLOW);

	/* Every 503 is one statement the bound stopped, and the workers
	 * kept their connections (no reconnect storm). */
	cr_assert_eq(client_metric_now("devforge_db_statement_timeouts_total",
		NULL) - t0, (double)n503);
	cr_assert_eq(client_metric_now("devforge_db_reconnects_total", NULL),
		r0);

	/* No statement of ours still runs past the bound, and no worker
	 * holds a transaction: only the test's own one is open. */
	db_user = client_config("db_user", "devforge");
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM "
		"information_schema.PROCESSLIST WHERE USER = '%s' AND "
		"COMMAND <> 'Sleep' AND TIME_MS > %u", db_user, ms);
	cr_assert_eq(locker_num(sql), 0, "a worker's statement outlived the "
		"bound");
	free(db_user);
	cr_assert_eq(locker_num("SELECT COUNT(*) FROM "
		"information_schema.INNODB_TRX WHERE trx_mysql_thread_id <> "
		"CONNECTION_ID()"), 0, "a worker's transaction was left open");

	/* Other routes answer while the lock is still held. */
	client_send("GET", "/health", &r);
	cr_assert_eq(r.status, 200);
	client_free(&r);
	client_send("GET", EXT "?sort=newest&limit=5", &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	client_free(&r);
	cr_assert_eq(market_req("GET", path, cast.dev, NULL, &r), 200, "%s",
		r.body);
	cr_assert_null(strstr(r.body, "Never Renamed"), "%s", r.body);
	client_free(&r);

	/* Once the lock is gone the same PATCH goes through: nothing was
	 * left locked or half done by the 64. */
	unlock();
	cr_assert_eq(market_req("PATCH", path, cast.dev,
		"{\"name\": \"Renamed After\"}", &r), 200, "%s", r.body);
	cr_assert_not_null(strstr(r.body, "Renamed After"), "%s", r.body);
	client_free(&r);
	for (i = 0; i < SLOW; i++)
		answer_free(&a[i]);
}
