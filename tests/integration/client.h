/* The test kit of the integration suite: real HTTP through the front
 * server (libcurl), plus small helpers to reach the stack (its config,
 * its database, its control script), to make accounts and tokens, and
 * to check answers (problems, JSON). Every integration program uses
 * these instead of its own copy. */
#ifndef DF_TEST_CLIENT_H
#define DF_TEST_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

struct client_resp {
	long status;
	char *body;              /* NUL-terminated */
	size_t body_len;
	char *headers;           /* raw header block, "Name: value\r\n"... */
	double seconds;          /* total time */
	int curl_error;          /* 0, or the CURLcode when no answer came */
};

/* A full URL on the trusted (127.0.0.1) or untrusted (127.0.0.2) address
 * of the stack; the returned string is static, valid until the next
 * call of the same function. */
const char *client_url(const char *path);
const char *client_untrusted_url(const char *path);

/* Sends one request. headers: NULL-terminated "Name: value" list, may be
 * NULL. body may be NULL (no body). Returns 0 when an answer arrived. */
int client_request(const char *method, const char *url,
	const char *const *headers, const char *body, size_t body_len,
	struct client_resp *out);
int client_get(const char *url, struct client_resp *out);
/* Sends method path on the trusted address, without headers or body,
 * and asserts that an answer came. */
void client_send(const char *method, const char *path,
	struct client_resp *out);
/* POST with Content-Type: application/json (and extra headers). */
int client_post_json(const char *url, const char *json,
	const char *const *headers, struct client_resp *out);
void client_free(struct client_resp *r);

/* The value of a response header (case-insensitive), malloc'd; NULL when
 * absent. */
char *client_header(const struct client_resp *r, const char *name);
/* Parses the body as JSON (caller puts it); NULL when it is not JSON. */
struct json_object *client_json(const struct client_resp *r);
/* A member of a JSON object at a dotted path ("user.id") whose parts may
 * index arrays ("posts.items[1].body"), as a string (numbers and
 * booleans as JSON writes them), or NULL when absent or null; the string
 * belongs to o (valid until o is put). */
const char *client_json_str(struct json_object *o, const char *path);
/* GETs the list at path as auth (200 expected) and returns the key member
 * of its items, space-separated (malloc'd); *next its next_cursor
 * (malloc'd, NULL at the end) when next is not NULL. */
char *client_list_keys(const char *path, const char *auth, const char *key,
	char **next);
/* GETs path anonymously (200 expected) and again with If-None-Match of
 * its ETag (304 expected); the ETag (malloc'd). */
char *client_etag_revalidates(const char *path);

/* Runs `scripts/stack.sh <cmd>` of the stack under test. Exit status. */
int client_stack(const char *cmd);
/* Runs SQL through the mariadb client on the stack's socket; returns the
 * first column of the first row (malloc'd) or NULL. */
char *client_sql(const char *sql);
/* The same, all rows of the last statement: one line each, columns
 * separated by tabs (malloc'd; "" for none). NULL when the statement
 * failed. */
char *client_sql_rows(const char *sql);
/* An access token for sub/role signed with the stack's key, valid ttl
 * seconds (negative: already expired), iat = now + iat_skew. malloc'd. */
char *client_token(const char *sub, const char *role, long ttl, long iat_skew);
/* The same with an explicit "ver" claim (client_token uses 1, the version
 * of a new user). */
char *client_token_ver(const char *sub, const char *role, long ttl,
	long iat_skew, long ver);
/* Creates a user straight in the database (unique username and e-mail,
 * an unusable password hash) with the given role and status "active";
 * writes its public id (37 bytes) and returns 0. */
int client_user(const char *role, char *public_id);
/* A "Authorization: Bearer ..." header (malloc'd) for a new user of that
 * role; its public id goes to public_id when not NULL. */
char *client_auth_header(const char *role, char *public_id);
/* An env var that must be set (the test aborts with a message if not). */
const char *client_env(const char *name);

/* Pids of the supervisor's live worker children. Returns the count. */
size_t client_worker_pids(int *pids, size_t max);
/* SIGSTOPs pid and waits until it is stopped: kill() returns before the
 * target stops, and a worker still asleep in accept() when a connection
 * comes may take it and then stop holding it. 0, or -1 when it did not
 * stop within 2 s (or is gone). */
int client_stop_process(int pid);
int client_supervisor_pid(void);

/* Puts a plain file where the directory dir is (created first when
 * missing), the directory moved to away (len bytes: "<dir>.away-<pid>"):
 * the tests run as root, so a mode would not keep the workers from
 * writing there, but a file does. client_dir_put_back (a test's .fini)
 * undoes it, and clears away once done; it does nothing when away is
 * empty. */
void client_dir_replace_by_file(const char *dir, char *away, size_t len);
void client_dir_put_back(const char *dir, char *away);

/* Runs a shell command; returns its exit status and its output (both
 * streams) in *out (malloc'd). */
int client_run(const char *cmd, char **out);
/* The devforgectl to test: $DEVFORGE_TEST_CTL, else ./devforgectl (the
 * integration programs run from the build directory). */
const char *client_ctl(void);
/* Runs `devforgectl -c <the stack's config> ARGS` (ARGS a printf format)
 * seeing the clock offset_s seconds ahead (DEVFORGE_CLOCK_OFFSET_SECONDS;
 * 0: the real clock); its exit status, and its output (both streams) in
 * *out (malloc'd). */
int client_ctl_run(long offset_s, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with the environment assignments env ("A=1 B=2", or "")
 * before the command instead of a clock offset. */
int client_ctl_run_env(const char *env, char **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Brings the assistant's passages up to date with every source written
 * so far (the assistant-index job, run once): answers re-index only a
 * few pending sources each, so after another program wrote many, two
 * answers to one question could otherwise rank against different
 * passages. */
void client_assistant_reindex(void);

/* Takes the lock "<name>.lock" in the stack directory (flock, waits for
 * it): the tests of a program that must not overlap take turns. The fd
 * to close when done. */
int client_lock(const char *name);
/* A word of 16 lowercase letters, "z" tag first, that no other run uses:
 * one FULLTEXT token, and a valid slug. */
void client_word(char out[17], char tag);

/* Monotonic seconds. */
double client_now(void);

/* Sends `total` GETs to url, `concurrency` at a time (curl multi). Each
 * carries X-Request-Id "<rid_prefix>-<n>" when rid_prefix is not NULL.
 * status_counts[s] counts answers with status s (size 600); transport
 * failures count in status_counts[0]. Returns the number answered. */
int client_load(const char *url, int total, int concurrency,
	const char *rid_prefix, int *status_counts);

/* The value of a Prometheus sample line "name{labels} value" whose name
 * and labels match exactly (labels as printed, e.g.
 * `method="GET",route="/health",status="200"`); 0 when absent. */
double client_metric(const char *text, const char *name, const char *labels);
/* The same sample read now from GET /api/v1/metrics (which must answer
 * 200) on the trusted address. */
double client_metric_now(const char *name, const char *labels);

/* --- the stack's config and database -------------------------------- */

/* The value of key in the stack's config file (malloc'd), or a copy of
 * dflt (NULL when dflt is NULL). */
char *client_config(const char *key, const char *dflt);
/* The stack's JWT signing key into key (NUL-terminated, trailing white
 * space cut); returns its length. */
size_t client_jwt_secret(char *key, size_t cap);
/* The whole of a file (malloc'd), NULL when it cannot be read. */
char *client_file(const char *path);
/* The number of messages to `to` (with this subject unless NULL) in the
 * stack's maildir (mail_maildir), and the newest one's text in *text
 * (malloc'd) when text is not NULL. */
int client_maildir_find(const char *to, const char *subject, char **text);
/* Calls fn(text, name, ctx) for every message to `to` in the stack's
 * maildir (name: its file's; text malloc'd, fn keeps it by setting *text
 * to NULL); how many there are. */
int client_maildir_each(const char *to,
	void (*fn)(char **text, const char *name, void *ctx), void *ctx);
/* client_sql with a printf format. */
char *client_sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first column of the first row as a number, -1 when there is no
 * row. */
long client_sql_long(const char *sql);
/* client_sql_long with a printf format. */
long client_sql_longf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The rows MariaDB's handlers have read so far, all sessions together
 * (HANDLER_READ_* of GLOBAL_STATUS): a before/after difference bounds
 * what a request read. */
long client_rows_read(void);
/* The fewest rows read over trials runs of run(ctx, trial): other
 * sessions (the workers' facts reloaded once a minute, the download
 * flush, a search sync) only ever add to a run, so the least of a few is
 * what the requests themselves read, on a busy machine too. */
long client_rows_read_least(void (*run)(void *ctx, int trial), void *ctx,
	int trials);
/* How many audit_log rows have this event and subject_id. */
long client_audit_count(const char *event, const char *subject);

/* --- names, accounts, requests -------------------------------------- */

/* A name no other test run has used, prefix first: letters, digits and
 * '_'. Static storage, eight calls deep. */
const char *client_unique(const char *prefix);

/* An account registered through the API, with its session. */
struct client_account {
	char email[128];
	char username[48];
	char id[40];
	char *access;            /* malloc'd */
	char *refresh;           /* malloc'd */
};
/* Registers a new account named client_unique(prefix) with e-mail
 * <name>@<domain> and this password (the test fails otherwise). */
void client_account_new(struct client_account *a, const char *prefix,
	const char *domain, const char *password);
void client_account_free(struct client_account *a);

/* "Authorization: Bearer <token>" (malloc'd) for a token of sub/role
 * with token version ver, signed with the stack's key. */
char *client_bearer(const char *sub, const char *role, long ver);

/* method path on the trusted address, with an optional header line auth
 * ("Authorization: ...", may be NULL) and JSON body (NULL: none; a method
 * other than GET and HEAD then says Content-Length: 0, as clients do).
 * Fails the test when no answer came. */
void client_call(const char *method, const char *path, const char *auth,
	const char *json, struct client_resp *r);
/* client_call on the untrusted address. */
void client_call_untrusted(const char *method, const char *path,
	const char *auth, const char *json, struct client_resp *r);
/* client_call with a bearer access token (may be NULL) instead. */
void client_call_token(const char *method, const char *path,
	const char *access, const char *json, struct client_resp *r);
/* The status of client_call, and of client_call_token. */
long client_status(const char *method, const char *path, const char *auth,
	const char *json);
long client_status_token(const char *method, const char *path,
	const char *access, const char *json);
/* client_status that keeps the answer in keep when keep is not NULL
 * (client_free it). */
long client_status_keep(const char *method, const char *path,
	const char *auth, const char *json, struct client_resp *keep);
/* The status of a request without body from the untrusted address with
 * a bearer access token (may be NULL). */
long client_status_untrusted(const char *method, const char *path,
	const char *access);

/* --- checking answers ----------------------------------------------- */

/* Asserts the status and a JSON body; returns it (put it when done). */
struct json_object *client_expect_json(const struct client_resp *r,
	long status);
/* A string member of the JSON body at a dotted path, malloc'd; NULL when
 * absent. */
char *client_body_str(const struct client_resp *r, const char *path);
/* A JSON string literal for s, quotes included (malloc'd). */
char *client_json_quote(const char *s);
/* Asserts an RFC 9457 answer: the status, application/problem+json, and
 * type https://devforge.dev/problems/<code>. */
void client_assert_problem(const struct client_resp *r, long status,
	const char *code);
/* 1 when the problem body's errors[] names field with code (NULL: any
 * code). */
int client_has_error(const struct client_resp *r, const char *field,
	const char *code);
/* Asserts a 422 validation_failed whose errors[] names field with code. */
void client_assert_field_error(const struct client_resp *r, const char *field,
	const char *code);
/* Asserts that method path (with that access token, or none when NULL)
 * answers the 422 of client_assert_field_error. */
void client_expect_field_error(const char *method, const char *path,
	const char *access, const char *json, const char *field,
	const char *code);
/* The same with an Authorization header line (client_auth_header's), or
 * none when NULL. */
void client_expect_field_error_auth(const char *method, const char *path,
	const char *auth, const char *json, const char *field,
	const char *code);

/* Every "score" in a JSON text as the server printed it: a plain decimal
 * with at most four digits after the point (asserted); *n counts them,
 * *fractional those strictly between 0 and 1. */
void client_scores_four_decimals(const char *body, int *n, int *fractional);

#endif
