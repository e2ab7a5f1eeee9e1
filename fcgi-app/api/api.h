/* Stores: none. */
/* What main.c needs from the api/ layer: every route table, the
 * authentication hook, and start-up that reads files before the first
 * request. */
#ifndef DF_API_H
#define DF_API_H

#include <stddef.h>
#include <stdint.h>
#include "router.h"
#include "err.h"

struct arena;
struct config;

extern const struct route_table api_health_table;
extern const struct route_table api_security_table;
extern const struct route_table api_metrics_table;
/* Integration validation, performance and system (api/ops.c). */
extern const struct route_table api_ops_table;
extern const struct route_table api_analytics_table;
extern const struct route_table api_analytics_admin_table;
extern const struct route_table api_me_table;
extern const struct route_table api_mfa_table;
extern const struct route_table api_account_table;
extern const struct route_table api_admin_users_table;
extern const struct route_table api_developers_table;
extern const struct route_table api_auth_table;
extern const struct route_table api_extensions_table;
extern const struct route_table api_versions_table;
extern const struct route_table api_reviews_table;
extern const struct route_table api_downloads_table;
extern const struct route_table api_earnings_table;
extern const struct route_table api_payouts_table;
extern const struct route_table api_devhooks_table;
extern const struct route_table api_payments_table;
extern const struct route_table api_orders_table;
extern const struct route_table api_licenses_table;
extern const struct route_table api_license_keys_table;
extern const struct route_table api_license_admin_table;
extern const struct route_table api_tickets_table;
extern const struct route_table api_support_sla_table;
/* The support desk's macros, CSAT answers and staff reports. */
extern const struct route_table api_macros_table;
extern const struct route_table api_csat_table;
extern const struct route_table api_support_reports_table;
extern const struct route_table api_kb_table;
extern const struct route_table api_suggestions_table;
extern const struct route_table api_assistant_table;
/* Staff handling of the mail dead letters. */
extern const struct route_table api_dead_letters_table;
extern const struct route_table api_assistant_outcomes_table;
/* The community forum (threads, replies, lock and pin). */
extern const struct route_table api_forum_table;
/* Forum posts after they are written (api/forum_posts.c). */
extern const struct route_table api_forum_posts_table;
/* Forum trust standing: public view, moderators' change. */
extern const struct route_table api_forum_trust_table;
/* Forum flags and the moderation queue. */
extern const struct route_table api_forum_flags_table;

/* Every table, in the order the router matches them. */
extern const struct route_table *const api_tables[];
extern const size_t api_ntables;

/* The router's authentication hook: verifies a bearer token when one is
 * sent and fills req->auth. 0 (anonymous or authenticated), DF_EAUTH. */
DF_MUST_CHECK int api_authenticate(struct request *req);

struct store_user;

/* The caller's row read afresh (req->auth.user is the one the hook read
 * before the handler changed anything). The router let the request
 * through with a token for an existing, active user; one deleted since
 * reads as a bad token: DF_EAUTH. 0 or a negative df_err. */
DF_MUST_CHECK int api_caller(struct request *req, struct store_user *u);

struct json_object;

/* The list convention (?limit= 1-100, default 20; ?cursor= opaque, as a
 * list's next_cursor handed it out): the rows of a route's query table,
 * read back as req->q.limit and req->q.after (the row id the previous
 * page ended at; 0 for the first page). A cursor is accepted only by the
 * list (kind) that made it. */
#define API_LIMIT_DEFAULT ROUTER_LIMIT_DEFAULT
#define API_LIMIT_MAX ROUTER_LIMIT_MAX
#define API_PAGE_ROWS(list_kind) \
	{ .name = "limit", .kind = QP_LIMIT }, \
	{ .name = "cursor", .kind = QP_CURSOR, .cursor_kind = (list_kind) }

/* The next_cursor of a page whose last row has id last (arena string);
 * NULL on OOM. */
const char *api_page_cursor(struct request *req, const char *kind,
	int64_t last);
/* raw as an opaque cursor (base64url, arena string); NULL on OOM. For
 * lists whose position is more than a row id (sort key and id, a
 * version). */
const char *api_cursor_encode(struct request *req, const char *raw);
/* The longest raw (decoded) cursor a list hands out, NUL included. */
#define API_CURSOR_RAW_MAX 80
/* cursor decoded into raw (NUL-terminated): its length, or DF_EINVAL
 * when empty, too long or not base64url. */
long api_cursor_decode(const char *cursor, char raw[API_CURSOR_RAW_MAX]);
/* A list sorted by key then id: the cursor "<kind>.<sort>.<key>.<id>"
 * naming the row the page ended at (arena string; NULL when too long or
 * on OOM), and reading it back: 0, or DF_EINVAL when malformed or made
 * by another kind or sort order. */
const char *api_cursor_keyed(struct request *req, const char *kind,
	int sort, int64_t key, int64_t id);
DF_MUST_CHECK int api_cursor_keyed_read(const char *cursor, const char *kind,
	int sort, int64_t *key, int64_t *id);

/* A relevance search (api/shared/search.c): the cursor
 * "<kind>.<key>.<id>.<upto>" naming the page's last row (its relevance
 * key and id) and the highest row id the search saw first, so rows
 * added meanwhile stay out of the following pages (arena string; NULL
 * when too long or on OOM); reading a decoded one back (raw, n from
 * api_cursor_decode): 0, or DF_EINVAL when malformed, of another kind,
 * key < 0, id <= 0 or upto < id. */
const char *api_cursor_ranked(struct request *req, const char *kind,
	int64_t key, int64_t id, int64_t upto);
DF_MUST_CHECK int api_cursor_ranked_read(const char *raw, long n,
	const char *kind, int64_t *key, int64_t *id, int64_t *upto);
/* Space-separated tags as a JSON array of strings (NULL: []); NULL on
 * OOM. */
struct json_object *api_tags_json(struct request *req, const char *tags);
/* A tag of the KB and the forum: 1-API_TAG_MAX of [a-z0-9] words joined
 * by single hyphens (a slug). */
#define API_TAG_MAX 32
int api_tag_ok(const char *s);
/* The tags array of a request body (not an array: none): the first max
 * read, each an api_tag_ok tag and there once, else an error on
 * "tags[i]" in the request's problem; the good ones into list (max
 * places, strings of the body). How many were kept. */
size_t api_tags_read(struct request *req, struct json_object *tags,
	size_t max, const char **list);
/* The plain text of the Markdown md (mdtext_plain, what a FULLTEXT index
 * reads) into *out, a string of the request's arena: 0 or a negative
 * df_err. */
DF_MUST_CHECK int api_plain_text(struct request *req, const char *md,
	const char **out);
/* The answer of a list whose cursor is more than a row id (the KB list,
 * the forum's sorts and searches): rows holds n rows of `size` bytes
 * (limit + 1 when more follow); the first limit go through item, and
 * next_cursor, when more follow, is cursor of the last one shown. ctx
 * (the list's filter) is handed to both. 0 or a negative df_err. */
typedef struct json_object *(*api_row_fn)(struct request *req,
	const void *row, const void *ctx);
typedef const char *(*api_row_cursor_fn)(struct request *req,
	const void *row, const void *ctx);
DF_MUST_CHECK int api_list_rows(struct request *req, const void *rows,
	size_t n, size_t size, int64_t limit, api_row_fn item,
	api_row_cursor_fn cursor, const void *ctx);

/* A list answer {"items": [...], "next_cursor": ...}: api_list_new makes
 * it and hands out the array to fill (NULL on OOM); api_list_add appends
 * an item (DF_ENOMEM when it is NULL or cannot be added); api_list_send
 * sets next_cursor (NULL: null) and answers 200. All of it belongs to
 * the request. */
struct json_object *api_list_new(struct request *req,
	struct json_object **items);
DF_MUST_CHECK int api_list_add(struct json_object *items, struct json_object *it);
DF_MUST_CHECK int api_list_send(struct request *req, struct json_object *list,
	const char *next);

/* One row of a list as clients see it, a new object; NULL on OOM. */
typedef struct json_object *(*api_item_fn)(struct request *req,
	const void *row);
/* The answer of a list read a page at a time (API_PAGE_ROWS): rows
 * holds n rows of `size` bytes, as the store fetched them (one more than
 * req->q.limit when more follow); the first req->q.limit go through
 * item, and next_cursor, when more follow, names the id of the last one
 * shown (an int64_t at id_offset in the row) for the list kind. Answers
 * 200; 0 or DF_ENOMEM. */
DF_MUST_CHECK int api_list_page(struct request *req, const char *kind,
	const void *rows, size_t n, size_t size, size_t id_offset,
	api_item_fn item);

/* Records a security event (login, failure, lockout, role change...) in
 * the audit log with the request's actor, client address and request id.
 * detail may be NULL; it is not consumed. 0 or a negative df_err. */
DF_MUST_CHECK int api_audit(struct request *req, const char *event, const char *subject_id,
	struct json_object *detail);

struct store_user;

/* Money as clients see it: {"amount": minor units, "currency": "USD"}.
 * An object of the request; NULL on OOM. */
struct json_object *api_money_json(struct request *req, int64_t amount,
	const char *currency);

/* A user as clients see it: {id, email, username, display_name, role,
 * email_verified, mfa_enabled, created_at}, plus status and updated_at
 * for admin views. An object of the request; NULL on OOM. */
struct json_object *api_user_json(struct request *req,
	const struct store_user *u, int admin_view);

struct store_ticket;
struct store_ticket_msg;
/* A support ticket as clients see it (DESIGN13 "HTTP shapes"): the
 * ticket routes and a macro's answer give the one shape. staff adds
 * next_breach_at; with_msgs adds messages (already filtered for the
 * reader by the store). An object of the request; NULL on OOM. */
struct json_object *api_ticket_json(struct request *req,
	const struct store_ticket *t, int staff, int with_msgs);
/* One ticket message: {id, author|null, body, internal, via,
 * created_at}. NULL on OOM. */
struct json_object *api_ticket_msg_json(struct request *req,
	const struct store_ticket_msg *m);

/* Account mails, each queued in the mail outbox inside the caller's
 * transaction (commit or roll back together with the event). The
 * verification mail carries a single-use token valid
 * API_EMAIL_VERIFY_TTL_S (registration calls it with the new user); the
 * reset mail one valid API_PASSWORD_RESET_TTL_S; the password-changed
 * notice none. 0 or a negative df_err. */
#define API_EMAIL_VERIFY_TTL_S (48u * 3600)
#define API_PASSWORD_RESET_TTL_S 3600u
DF_MUST_CHECK int api_account_send_verification(struct request *req,
	const struct store_user *u);
DF_MUST_CHECK int api_account_send_reset(struct request *req, const struct store_user *u);
DF_MUST_CHECK int api_account_send_password_changed(struct request *req,
	const struct store_user *u);

/* json_field validator for a display name (printable text, no tabs or
 * line breaks); the length bound is API_DISPLAY_NAME_MAX in the table. */
#define API_DISPLAY_NAME_MAX 100
int api_v_display_name(struct json_object *v, const char **code,
	const char **msg);
/* A from..to query span, both ends counted in the route's unit (days,
 * hours, months): 422 out_of_range on from when from is after to, else
 * on to with too_long when it covers more than max units. */
void api_check_span(struct request *req, int64_t from, int64_t to,
	int64_t max, const char *too_long);
/* The path parameter name ("id") as a row id: decimal digits without a
 * sign or a leading zero, 1..INT64_MAX. 0 when it is not one, which the
 * caller answers as 404 (no such row). */
int64_t api_path_id(const struct request *req, const char *name);

/* json_field validators for free text: api_v_text refuses control
 * characters but tab and line breaks; api_v_notes also text that is
 * only white space; api_v_line also tabs and line breaks. */
int api_v_text(struct json_object *v, const char **code, const char **msg);
int api_v_notes(struct json_object *v, const char **code, const char **msg);
int api_v_line(struct json_object *v, const char **code, const char **msg);
/* json_field validator: an e-mail address as validate_email takes it
 * (length bound included). */
int api_v_email(struct json_object *v, const char **code, const char **msg);
/* json_field validator: an http or https URL (length bound in the
 * table, at most 2048). */
int api_v_url(struct json_object *v, const char **code, const char **msg);

/* Inside the caller's transaction: ends every session of the user
 * (revokes the refresh tokens, *revoked counts them, may be NULL; bumps
 * token_version so access tokens already issued are refused) and, with
 * reset_links, revokes the unused password-reset links too. 0 or a
 * negative df_err. */
DF_MUST_CHECK int api_sessions_end(int64_t user_id, int reset_links, uint64_t *revoked);
/* Audits event for subject_id with {"refresh_tokens_revoked": revoked},
 * the count api_sessions_end gave. 0 or a negative df_err. */
DF_MUST_CHECK int api_audit_sessions_ended(struct request *req, const char *event,
	const char *subject_id, uint64_t revoked);
/* The tail of a write answered with 204: store_tx_end(rc), then on
 * success api_no_content. Returns what the handler returns. */
DF_MUST_CHECK int api_commit_no_content(struct request *req, int rc);
/* Answers 204 with Cache-Control: no-store: 0 or DF_ENOMEM. */
DF_MUST_CHECK int api_no_content(struct request *req);

/* The per-account lockout of every password check (login, a password
 * change, turning MFA off), so that no route is a way round it. Before
 * checking: api_attempt_begin refuses a locked account (429
 * account_locked, DF_ERESPONDED) or records the attempt as a failure up
 * front and sets *attempt; a caller whose check succeeds forgets it with
 * store_logins_drop_attempt. After a wrong password or code:
 * api_attempt_failed audits event with the reason, locks the account at
 * the threshold (429 sent, DF_ERESPONDED), else returns 0 and the caller
 * answers. Each runs its own transaction. */
DF_MUST_CHECK int api_attempt_begin(struct request *req, const struct store_user *u,
	const char *event, int64_t *attempt);
DF_MUST_CHECK int api_attempt_failed(struct request *req, const struct store_user *u,
	const char *event, const char *reason);

/* The second factor of an account with MFA on, one rule for the login
 * and for turning MFA off: a code of digits (spaces allowed) is a TOTP
 * code, its time step spent on use so it cannot be replayed; anything
 * else is a recovery code, normalised and spent on use. *how is set to
 * "totp" or "recovery_code" for the audit event. In or outside the
 * caller's transaction. 0 when accepted, DF_EAUTH when not (the caller
 * counts the failure with api_attempt_failed), another df_err on
 * failure. */
DF_MUST_CHECK int api_second_factor(const struct store_user *u, const char *code,
	const char **how);
/* Checks a TOTP code against a base32 secret (the enrolment's or the
 * account's) in the configured window: 0 and *step, DF_EAUTH for a wrong
 * or malformed code or no secret, DF_EINTERNAL for a secret that does
 * not decode. */
DF_MUST_CHECK int api_totp_check(const char *secret_b32, const char *code, int64_t *step);

/* Work done once per worker before it accepts requests. 0 or a negative
 * df_err. */
DF_MUST_CHECK int api_init(const struct config *cfg);

/* One turn of a counter batched in the shared segment: what api_dl_tick
 * and api_kb_tick below do, for a counter whose shared-segment
 * functions are due and pending and whose writer is flush. */
DF_MUST_CHECK int api_flush_tick(struct arena *a, unsigned interval_s,
	int *wait_ms,
	int (*due)(uint64_t now_us, uint64_t interval_us, uint64_t *wait_us),
	uint64_t (*pending)(void), int (*flush)(struct arena *a, int all));
/* Download counting (api/downloads.c). api_dl_init derives the key of
 * the client hashes from the config (api_init calls it). api_dl_record
 * queues one download of the caller; 0 or a negative df_err.
 * api_dl_flush writes what is pending (all of it with all set, as on a
 * clean stop); api_dl_tick does so when the host's flush is due and
 * sets *wait_ms to how long the caller may sleep before asking again
 * (-1: nothing is pending). a is scratch memory the caller resets. */
DF_MUST_CHECK int api_dl_init(const struct config *cfg);
DF_MUST_CHECK int api_dl_record(struct request *req, int64_t extension_id,
	int64_t version_id);
DF_MUST_CHECK int api_dl_flush(struct arena *a, int all);
DF_MUST_CHECK int api_dl_tick(struct arena *a, unsigned interval_s, int *wait_ms);
/* Knowledge-base views (api/kb.c), counted in the shared segment and
 * written in batches like the downloads: api_kb_init derives the key of
 * the voter hashes; api_kb_flush writes what is pending (all of it with
 * all set); api_kb_tick does so when the host's flush is due and sets
 * *wait_ms (-1: nothing pending). */
DF_MUST_CHECK int api_kb_init(const struct config *cfg);
DF_MUST_CHECK int api_kb_flush(struct arena *a, int all);
DF_MUST_CHECK int api_kb_tick(struct arena *a, unsigned interval_s, int *wait_ms);
/* A search score (store_kb_article.score, in 1/STORE_KB_SCORE_SCALE) as
 * a JSON number printed exactly, 4 decimals at most ("0.1667", never
 * 0.16669999999999999): the KB list, the ticket suggestions and the
 * forum search's relevance. */
struct json_object *api_kb_score_json(struct request *req, int64_t score);
/* Reads the migrations directory for the readiness check. */
DF_MUST_CHECK int api_health_init(const struct config *cfg);
/* A readiness check now (not the cached one): the database round trip
 * (ms), the applied schema version and whether it is the expected one,
 * and the migrations' status word ("ok", "pending", "ahead", "error",
 * "unknown" when the database is down; a literal). */
void api_health_check(int *db_ok, double *latency_ms, int64_t *current,
	int *mig_ok, const char **mig_status);
/* The newest migration number this build found at start (-1: none). */
int64_t api_health_expected_version(void);

#endif
