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
/* POST with Content-Type: application/json (and extra headers). */
int client_post_json(const char *url, const char *json,
	const char *const *headers, struct client_resp *out);
void client_free(struct client_resp *r);

/* The value of a response header (case-insensitive), malloc'd; NULL when
 * absent. */
char *client_header(const struct client_resp *r, const char *name);
/* Parses the body as JSON (caller puts it); NULL when it is not JSON. */
struct json_object *client_json(const struct client_resp *r);
/* A string member of a JSON object at a dotted path ("user.id"), or
 * NULL; the string belongs to o (valid until o is put). */
const char *client_json_str(struct json_object *o, const char *path);

/* Runs `scripts/stack.sh <cmd>` of the stack under test. Exit status. */
int client_stack(const char *cmd);
/* Runs SQL through the mariadb client on the stack's socket; returns the
 * first column of the first row (malloc'd) or NULL. */
char *client_sql(const char *sql);
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
int client_supervisor_pid(void);

/* Runs a shell command; returns its exit status and its output (both
 * streams) in *out (malloc'd). */
int client_run(const char *cmd, char **out);
/* The devforgectl to test: $DEVFORGE_TEST_CTL, else ./devforgectl (the
 * integration programs run from the build directory). */
const char *client_ctl(void);

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

#endif
