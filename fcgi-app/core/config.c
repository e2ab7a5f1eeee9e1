/* The configuration: keys[] declares every key once (type, range,
 * default, field); the file, the environment and the built-in defaults
 * all go through the same parser, so a default is checked like a value. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "err.h"
#include "log.h"
#include "mail.h"
#include "validate.h"

#ifndef DF_MIGRATIONS_DIR
#define DF_MIGRATIONS_DIR "/usr/local/share/devforge/sql/migrations"
#endif
#ifndef DF_COMMON_PASSWORDS
#define DF_COMMON_PASSWORDS "/usr/local/share/devforge/common-passwords.txt"
#endif
#ifndef DF_STORAGE_DIR
#define DF_STORAGE_DIR "/var/lib/devforge/storage"
#endif
#ifndef DF_SEARCH_INDEX_DIR
#define DF_SEARCH_INDEX_DIR "/var/lib/devforge/search"
#endif

#define SECRET_MAX 4096          /* bytes read from a secret file */
#define ENV_PREFIX "DEVFORGE_"

enum key_type {
	K_STRING,    /* char *, NULL when unset */
	K_PATH,      /* char *, relative values resolved against the file's dir */
	K_UINT,      /* unsigned or size_t (by field size), in [min, max] */
	K_INT,       /* int64_t, in [smin, smax] */
	K_BOOL,      /* int 0/1 */
	K_ENUM,      /* int: index into names[] */
	K_LIST,      /* comma-separated items, see enum list_kind */
	K_RATELIMIT  /* struct config_ratelimit: "N/sec|min|hour" */
};

enum list_kind { L_ORIGINS, L_NETWORKS };

struct key {
	const char *name;
	enum key_type type;
	size_t off;                  /* of the field in struct config */
	size_t size;                 /* of that field */
	const char *dflt;            /* parsed like a value; NULL: unset */
	uint64_t min, max;           /* K_UINT */
	int64_t smin, smax;          /* K_INT */
	const char *const *names;    /* K_ENUM: value i is names[i] */
	int (*parse)(const char *s, int *out); /* K_ENUM: overrides names[] */
	enum list_kind list;         /* K_LIST */
	/* Extra rule for K_STRING: 1 when v is acceptable, else why is set. */
	int (*check)(const char *v, char *why, size_t whylen);
};

static const char *const mode_names[] = { "development", "production", NULL };
static const char *const mail_transport_names[] = { "sendmail", "maildir",
	NULL };
static const char *const sendfile_names[] = { "x-sendfile",
	"x-lighttpd-send-file", NULL };
static const char *const level_names[] = { "debug", "info", "warn", "error", NULL };
static const char *const window_names[] = { "sec", "min", "hour" };
static const uint32_t window_secs[] = { 1, 60, 3600 };

static int check_url(const char *v, char *why, size_t whylen);
static int check_shm_name(const char *v, char *why, size_t whylen);
static int check_mail_from(const char *v, char *why, size_t whylen);
static int check_reply_address(const char *v, char *why, size_t whylen);

#define FIELD(f) .off = offsetof(struct config, f), \
	.size = sizeof(((struct config *)0)->f)
#define STR(n, f, d, c) { .name = n, .type = K_STRING, FIELD(f), .dflt = d, \
	.check = c }
#define PATH(n, f, d) { .name = n, .type = K_PATH, FIELD(f), .dflt = d }
#define UINT(n, f, lo, hi, d) { .name = n, .type = K_UINT, FIELD(f), \
	.min = lo, .max = hi, .dflt = d }
#define INT(n, f, lo, hi, d) { .name = n, .type = K_INT, FIELD(f), \
	.smin = lo, .smax = hi, .dflt = d }
#define ENUM(n, f, nm, p, d) { .name = n, .type = K_ENUM, FIELD(f), \
	.names = nm, .parse = p, .dflt = d }
#define LIST(n, kind, d) { .name = n, .type = K_LIST, .list = kind, .dflt = d }
#define RATE(n, cls, d) { .name = n, .type = K_RATELIMIT, FIELD(ratelimit[cls]), \
	.dflt = d }

/* The order here is the order of config_describe's output. */
static const struct key keys[] = {
	ENUM("mode", mode, mode_names, NULL, "development"),
	STR("public_url", public_url, "http://127.0.0.1:8080", check_url),
	UINT("workers", workers, 1, 256, "4"),

	STR("db_host", db_host, "127.0.0.1", NULL),
	UINT("db_port", db_port, 1, 65535, "3306"),
	PATH("db_socket", db_socket, NULL),
	STR("db_user", db_user, "devforge", NULL),
	STR("db_name", db_name, "devforge", NULL),
	PATH("db_password_file", db_password_file, NULL),
	UINT("db_connect_timeout", db_connect_timeout, 1, 300, "2"),
	UINT("db_read_timeout", db_read_timeout, 1, 300, "5"),
	UINT("db_write_timeout", db_write_timeout, 1, 300, "5"),
	UINT("db_statement_timeout_ms", db_statement_timeout_ms, 0, 299999,
		"2000"),

	PATH("jwt_secret_file", jwt_secret_file, NULL),
	STR("jwt_issuer", jwt_issuer, "devforge", NULL),
	STR("jwt_audience", jwt_audience, "devforge-api", NULL),
	UINT("access_token_ttl", access_token_ttl, 60, 86400, "900"),
	UINT("refresh_token_ttl", refresh_token_ttl, 3600, 31536000, "2592000"),
	/* The auth hook's user rows are cached per worker: a change made on
	 * this host applies at once, one made on another host (or by a
	 * tool) within this many seconds (0: read the row every request). */
	UINT("user_cache_seconds", user_cache_seconds, 0, 60, "2"),

	UINT("password_scrypt_ln", password.ln, 14, 20, "14"),
	UINT("password_scrypt_r", password.r, 1, 32, "8"),
	UINT("password_scrypt_p", password.p, 1, 16, "2"),
	PATH("common_passwords_file", common_passwords_file, DF_COMMON_PASSWORDS),

	UINT("max_body_bytes", limits.max_body, 1024, 1073741824, "1048576"),
	UINT("max_uri_bytes", limits.max_uri, 64, 65536, "2048"),
	UINT("max_query_bytes", limits.max_query, 64, 65536, "4096"),
	UINT("max_header_bytes", limits.max_header, 256, 1048576, "8192"),
	UINT("max_headers_total_bytes", limits.max_headers_total, 1024, 16777216,
		"32768"),
	UINT("json_max_depth", json_max_depth, 1, 256, "32"),

	/* One cache shared by the pool: cache_max_bytes of shared memory,
	 * allocated at start, whatever the number of workers. */
	UINT("cache_max_entries", cache_max_entries, 0, 1048576, "1024"),
	UINT("cache_max_bytes", cache_max_bytes, 4096, 4294967296ull,
		"16777216"),
	/* Generations are per host: with several API hosts, a write on one
	 * reaches the others' caches only through this bound (0: none). */
	UINT("cache_max_age_seconds", cache_max_age, 0, 86400, "0"),
	/* Counters (downloads) change without bumping a generation, so
	 * cached answers that show them age out within this bound. */
	UINT("cache_counts_max_age_seconds", cache_counts_max_age, 1, 3600,
		"10"),
	/* Pending downloads are written at most this often per host. */
	UINT("downloads_flush_seconds", downloads_flush_seconds, 1, 60, "2"),

	LIST("cors_origins", L_ORIGINS, NULL),
	LIST("trusted_networks", L_NETWORKS, "127.0.0.0/8, ::1/128"),

	RATE("ratelimit.default", RL_DEFAULT, "600/min"),
	RATE("ratelimit.auth", RL_AUTH, "10/min"),
	RATE("ratelimit.license", RL_LICENSE, "60/min"),
	RATE("ratelimit.analytics", RL_ANALYTICS, "60/min"),
	/* Each assistant answer is a search (and, with a model, a call
	 * that may take seconds): a tighter limit than the default. */
	RATE("ratelimit.assistant", RL_ASSISTANT, "20/min"),
	/* A client with an IPv6 network has every address in it: its
	 * buckets are per network, not per address. */
	UINT("ratelimit.ipv6_prefix", ratelimit_ipv6_prefix, 32, 128, "64"),
	/* Many addresses together (a botnet, a v6 block) still meet a
	 * limit on each auth-class route. */
	{ .name = "ratelimit.auth_global", .type = K_RATELIMIT,
	  FIELD(ratelimit_auth_global), .dflt = "600/min" },

	/* Login lockout: lockout_threshold failures within
	 * lockout_window_seconds lock the account for
	 * lockout_base_seconds * 2^(earlier lockouts), at most
	 * lockout_max_seconds. */
	UINT("lockout_threshold", lockout_threshold, 1, 1000, "5"),
	/* The security audit flags more failed logins than this in the
	 * last hour (login_failures_spike). */
	UINT("audit_login_failures_per_hour", audit_login_failures_per_hour,
		1, 100000000, "100"),
	UINT("lockout_window_seconds", lockout_window_seconds, 1, 86400, "900"),
	UINT("lockout_base_seconds", lockout_base_seconds, 1, 86400, "60"),
	UINT("lockout_max_seconds", lockout_max_seconds, 1, 31536000, "86400"),

	/* Packages: stored under storage_dir by their SHA-256, handed to
	 * the front server by path (which must be allowed to read there). */
	PATH("storage_dir", storage_dir, DF_STORAGE_DIR),
	/* The full-text index of this host (a Xapian database the workers
	 * and devforgectl search-reindex write, core/search.cc). */
	PATH("search_index_dir", search_index_dir, DF_SEARCH_INDEX_DIR),
	/* The search change log's rows older than this are pruned (job
	 * search-log-prune); an index further behind is rebuilt. */
	UINT("search_changes_keep_days", search_changes_keep_days, 1, 3650,
		"30"),
	UINT("max_package_bytes", max_package_bytes, 1024, 1073741824,
		"52428800"),
	/* Uploads stream to a worker (the front server does not buffer
	 * them), so one client may hold only this many workers at once. */
	UINT("max_concurrent_uploads", max_concurrent_uploads, 0, 256, "2"),
	ENUM("sendfile_header", sendfile_header, sendfile_names, NULL,
		"x-sendfile"),

	/* Payments (Stripe). The API base is configurable so that tests and
	 * the dev stack talk to a local stand-in (tests/stripe/). The secret
	 * key and the webhook signing secrets are read from files; during a
	 * webhook secret rotation both the new and the previous one verify. */
	STR("stripe_api_base", stripe_api_base, "https://api.stripe.com",
		check_url),
	PATH("stripe_secret_key_file", stripe_secret_key_file, NULL),
	PATH("stripe_webhook_secret_file", stripe_webhook_secret_file, NULL),
	PATH("stripe_webhook_secret_previous_file",
		stripe_webhook_secret_previous_file, NULL),
	/* Licensing: the Ed25519 private key (PKCS#8 PEM) the workers sign
	 * licence keys, machine files and validation answers with; its
	 * public half is in license_signing_keys (devforgectl keys). */
	PATH("license_signing_key_file", license_signing_key_file, NULL),
	/* A request waits at most this long on Stripe (then 502). */
	UINT("stripe_timeout_ms", stripe_timeout_ms, 100, 60000, "5000"),
	/* A pending order (and its Checkout Session) expires after this;
	 * Stripe allows 30 minutes to 24 hours. */
	UINT("order_expiry_seconds", order_expiry_seconds, 1800, 86400, "86400"),
	/* The platform's share of a paid extension, in basis points. */
	UINT("platform_fee_bps", platform_fee_bps, 0, 10000, "3000"),
	/* A developer's month below this (minor units) is carried forward
	 * to the next payout. */
	UINT("payout_minimum", payout_minimum, 0, 100000000, "10000"),

	PATH("migrations_dir", migrations_dir, DF_MIGRATIONS_DIR),

	/* Test only: seconds added to the clock licensing decides by
	 * (core/clock.h), so a test can see heartbeat windows and expiries
	 * pass without waiting; production mode refuses any value but 0. */
	INT("clock_offset_seconds", clock_offset_seconds,
		-CONFIG_CLOCK_OFFSET_MAX, CONFIG_CLOCK_OFFSET_MAX, "0"),

	ENUM("mail_transport", mail_transport, mail_transport_names, NULL,
		"sendmail"),
	STR("mail_from", mail_from, "Dev Forge <no-reply@devforge.dev>",
		check_mail_from),
	PATH("sendmail_path", sendmail_path, "/usr/sbin/sendmail"),
	PATH("mail_maildir", mail_maildir, NULL),

	/* The support desk. Ticket mail is sent with a reply address made
	 * from this one: "support+<signed ticket token>@host", which the
	 * mail server pipes to `devforgectl mail-receive`. A resolved
	 * ticket closes by itself after support_autoclose_days. */
	STR("support_reply_address", support_reply_address,
		"support@devforge.dev", check_reply_address),
	UINT("support_autoclose_days", support_autoclose_days, 1, 28, "4"),
	/* Forum flags: each flag adds its weight (1, from 0 to 2 once the
	 * flagger has 5 decided flags, by their accuracy) to the post's
	 * review; the score threshold is in tenths (40 = 4.0) so the file
	 * holds a whole number. */
	UINT("forum_flag_hide_score_tenths", forum_flag_hide_score_tenths, 1,
		1000, "40"),
	UINT("forum_flag_hide_flaggers", forum_flag_hide_flaggers, 1, 100, "3"),
	UINT("forum_hidden_edit_cooldown_minutes",
		forum_hidden_edit_cooldown_minutes, 0, 10080, "10"),
	UINT("forum_flag_silence_flaggers", forum_flag_silence_flaggers, 1, 100,
		"3"),

	/* Forum posts: their authors may edit them this long after posting
	 * (moderators at any time). */
	UINT("forum_edit_window_minutes", forum_edit_window_minutes, 1,
		525600, "30"),

	/* Forum trust limits (api/shared/forum_guard.c; moderators are
	 * exempt from all of them). A new user (trust level 0) may put at
	 * most forum_new_max_links links and forum_new_max_images images in
	 * a post, and wait the forum_new_* intervals between posts and
	 * topics; from level 1 the shorter ones apply. In the account's
	 * first 24 hours a level-0 user may open forum_first_day_topics
	 * topics and write forum_first_day_replies replies; after that the
	 * daily caps (any 24 hours) are forum_daily_topics/_replies scaled
	 * by forum_daily_scale_tl<n> percent for trust level n. The same
	 * body from the same author within forum_duplicate_window_seconds
	 * is refused. 0 turns an interval or cap off. */
	UINT("forum_new_max_links", forum_new_max_links, 0, 1000, "2"),
	UINT("forum_new_max_images", forum_new_max_images, 0, 1000, "1"),
	UINT("forum_new_post_interval_seconds", forum_new_post_interval_seconds,
		0, 86400, "30"),
	UINT("forum_new_topic_interval_seconds",
		forum_new_topic_interval_seconds, 0, 86400, "120"),
	UINT("forum_post_interval_seconds", forum_post_interval_seconds, 0,
		86400, "5"),
	UINT("forum_topic_interval_seconds", forum_topic_interval_seconds, 0,
		86400, "15"),
	UINT("forum_first_day_topics", forum_first_day_topics, 0, 100000, "3"),
	UINT("forum_first_day_replies", forum_first_day_replies, 0, 100000,
		"10"),
	UINT("forum_daily_topics", forum_daily_topics, 0, 100000, "20"),
	UINT("forum_daily_replies", forum_daily_replies, 0, 100000, "100"),
	UINT("forum_daily_scale_tl0", forum_daily_scale[0], 1, 10000, "100"),
	UINT("forum_daily_scale_tl1", forum_daily_scale[1], 1, 10000, "100"),
	UINT("forum_daily_scale_tl2", forum_daily_scale[2], 1, 10000, "150"),
	UINT("forum_daily_scale_tl3", forum_daily_scale[3], 1, 10000, "200"),
	UINT("forum_daily_scale_tl4", forum_daily_scale[4], 1, 10000, "300"),
	UINT("forum_duplicate_window_seconds", forum_duplicate_window_seconds,
		0, 86400, "300"),

	/* The support assistant: a reply whose confidence (percent) is
	 * under assistant_min_confidence says it does not know; one under
	 * assistant_escalate_below also offers a ticket. Conversations idle
	 * for assistant_abandon_minutes count as abandoned. */
	UINT("assistant_min_confidence", assistant_min_confidence, 0, 100, "30"),
	UINT("assistant_escalate_below", assistant_escalate_below, 0, 100, "60"),
	UINT("assistant_max_sources", assistant_max_sources, 1, 10, "3"),
	UINT("assistant_abandon_minutes", assistant_abandon_minutes, 1, 10080,
		"30"),
	/* A language model behind an OpenAI-compatible chat endpoint
	 * (llama.cpp's server, Ollama, a hosted service): unset, the
	 * assistant answers by retrieval alone; any failure of the model
	 * falls back to that answer. */
	STR("assistant_llm_url", assistant_llm_url, NULL, check_url),
	STR("assistant_llm_model", assistant_llm_model, "default", NULL),
	PATH("assistant_llm_key_file", assistant_llm_key_file, NULL),
	UINT("assistant_llm_timeout_ms", assistant_llm_timeout_ms, 100, 120000,
		"8000"),
	UINT("assistant_llm_max_tokens", assistant_llm_max_tokens, 16, 8192,
		"400"),

	STR("shm_name", shm_name, "/devforge", check_shm_name),
	PATH("log_file", log_file, NULL),
	ENUM("log_level", log_level, level_names, log_level_parse, "info"),
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Where each key's value came from, for messages and path resolution. */
struct load {
	struct config *cfg;
	const char *path;            /* the file, or NULL */
	char *dir;                   /* its directory (absolute when possible) */
	int line[NKEYS];             /* line in the file, 0: not in the file */
	unsigned char from_env[NKEYS];
	unsigned char given[NKEYS];  /* a non-empty value from file or env */
	unsigned char failed[NKEYS]; /* fail() named the key */
	const char *env_jwt;         /* DEVFORGE_JWT_SECRET */
	const char *env_dbpw;        /* DEVFORGE_DB_PASSWORD */
	char *err;
	size_t errlen;
	/* config_load_all: every message is kept (one a line) and the load
	 * goes on after an error; nerr counts them. */
	int collect;
	int nerr;
	/* config_load_setup: the signing key may be unset (not yet made). */
	int setup;
};

static void *field(struct config *cfg, const struct key *k)
{
	return (char *)cfg + k->off;
}

static const void *cfield(const struct config *cfg, const struct key *k)
{
	return (const char *)cfg + k->off;
}

static int key_index(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return DF_EINVAL;
}

/* DEVFORGE_ + the key upper-cased, '.' -> '_'. */
static void env_name(const struct key *k, char *buf, size_t len)
{
	size_t i, n = strlen(ENV_PREFIX);

	snprintf(buf, len, "%s", ENV_PREFIX);
	for (i = 0; k->name[i] != '\0' && n + 1 < len; i++, n++) {
		char c = k->name[i];

		if (c == '.')
			c = '_';
		else if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		buf[n] = c;
	}
	buf[n] = '\0';
}

/* Puts one message into the caller's buffer: in place of the last one,
 * or (collecting) on a line of its own after the others. */
static void put_err(struct load *ld, const char *msg)
{
	size_t used = 0;

	if (ld->errlen == 0)
		return;
	if (ld->collect && ld->nerr > 0) {
		used = strlen(ld->err);
		if (used + 1 < ld->errlen)
			ld->err[used++] = '\n';
	}
	snprintf(ld->err + used, ld->errlen - used, "%s", msg);
	ld->nerr++;
}

__attribute__((format(printf, 2, 3)))
static void failf(struct load *ld, const char *fmt, ...)
{
	char msg[PATH_MAX + 640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	put_err(ld, msg);
}

/* Writes "<where>: key 'x': <why>" for key k into the caller's buffer. */
__attribute__((format(printf, 3, 4)))
static void fail(struct load *ld, int k, const char *fmt, ...)
{
	char why[512], where[PATH_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (k < 0) {
		put_err(ld, why);
		return;
	}
	ld->failed[k] = 1;
	if (ld->from_env[k]) {
		char env[96];

		env_name(&keys[k], env, sizeof(env));
		snprintf(where, sizeof(where), "environment %s: ", env);
	} else if (ld->line[k] > 0) {
		snprintf(where, sizeof(where), "%s:%d: ", ld->path, ld->line[k]);
	} else if (ld->path != NULL) {
		snprintf(where, sizeof(where), "%s: ", ld->path);
	} else {
		where[0] = '\0';
	}
	failf(ld, "%skey '%s': %s", where, keys[k].name, why);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
		c == '\f';
}

/* Trims in place and returns the start of the trimmed text. */
static char *trim(char *s)
{
	char *e;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		e--;
	*e = '\0';
	return s;
}

static int has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int check_url(const char *v, char *why, size_t whylen)
{
	const char *host;

	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else {
		snprintf(why, whylen, "must start with http:// or https://");
		return 0;
	}
	if (*host == '\0' || *host == '/' || strchr(v, ' ') != NULL) {
		snprintf(why, whylen, "must be an absolute URL with a host");
		return 0;
	}
	return 1;
}

static int check_mail_from(const char *v, char *why, size_t whylen)
{
	if (!mail_from_ok(v)) {
		snprintf(why, whylen, "must be addr@host or 'Name <addr@host>' in "
			"printable ASCII");
		return 0;
	}
	return 1;
}

static int check_reply_address(const char *v, char *why, size_t whylen)
{
	/* A "+tag" of ours goes after the local part: it must not have one. */
	if (!mail_addr_ok(v) || strchr(v, '+') != NULL ||
	    strlen(v) > 200) {
		snprintf(why, whylen, "must be one plain address local@host, "
			"without '+'");
		return 0;
	}
	return 1;
}

static int check_shm_name(const char *v, char *why, size_t whylen)
{
	/* shm_open wants one leading slash and no other. */
	if (v[0] != '/' || v[1] == '\0' || strchr(v + 1, '/') != NULL ||
	    strlen(v) > 200) {
		snprintf(why, whylen, "must be '/' followed by a name without '/'");
		return 0;
	}
	return 1;
}

/* scheme://host[:port], lower-case, nothing after: what browsers send in
 * Origin, so an exact string compare is enough later. */
static int origin_ok(const char *s, char *why, size_t whylen)
{
	const char *p = s, *h;
	unsigned long port;

	if (strcmp(s, "*") == 0) {
		snprintf(why, whylen, "'*' is not allowed: list exact origins");
		return 0;
	}
	if (strncmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else {
		snprintf(why, whylen, "origin '%.200s' must start with http:// or "
			"https://", s);
		return 0;
	}
	h = p;
	if (*p == '[') {
		for (p++; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		     *p == ':' || *p == '.'; p++)
			;
		if (*p != ']' || p - h < 3)
			goto bad;
		p++;
	} else {
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		       *p == '.' || *p == '-')
			p++;
		if (p == h || *h == '.' || *h == '-')
			goto bad;
	}
	if (*p == ':') {
		const char *d = ++p;

		port = 0;
		while (*p >= '0' && *p <= '9' && p - d < 6)
			port = port * 10 + (unsigned long)(*p++ - '0');
		if (p == d || *d == '0' || port > 65535)
			goto bad;
	}
	if (*p == '/') {
		snprintf(why, whylen, "origin '%.200s' must not have a path or a "
			"trailing slash", s);
		return 0;
	}
	if (*p != '\0')
		goto bad;
	return 1;
bad:
	snprintf(why, whylen, "origin '%.200s' is not scheme://host[:port] "
		"(lower-case host)", s);
	return 0;
}

static void list_clear(struct config *cfg, enum list_kind kind)
{
	size_t i;

	if (kind == L_ORIGINS) {
		for (i = 0; i < cfg->ncors_origins; i++) {
			free(cfg->cors_origins[i]);
			cfg->cors_origins[i] = NULL;
		}
		cfg->ncors_origins = 0;
	} else {
		memset(cfg->trusted, 0, sizeof(cfg->trusted));
		cfg->ntrusted = 0;
	}
}

/* 0, DF_EINVAL with why set, or DF_ENOMEM. */
static int list_add(struct config *cfg, enum list_kind kind, const char *item,
	char *why, size_t whylen)
{
	if (kind == L_ORIGINS) {
		char *copy;

		if (cfg->ncors_origins == CONFIG_MAX_ORIGINS) {
			snprintf(why, whylen, "more than %d origins",
				CONFIG_MAX_ORIGINS);
			return DF_EINVAL;
		}
		if (!origin_ok(item, why, whylen))
			return DF_EINVAL;
		copy = strdup(item);
		if (copy == NULL)
			return DF_ENOMEM;
		cfg->cors_origins[cfg->ncors_origins++] = copy;
		return 0;
	}
	if (cfg->ntrusted == CONFIG_MAX_NETWORKS) {
		snprintf(why, whylen, "more than %d networks", CONFIG_MAX_NETWORKS);
		return DF_EINVAL;
	}
	if (!validate_cidr_parse(item, &cfg->trusted[cfg->ntrusted])) {
		snprintf(why, whylen, "'%.200s' is not an IPv4 or IPv6 address or "
			"CIDR network", item);
		return DF_EINVAL;
	}
	cfg->ntrusted++;
	return 0;
}

static int parse_list(struct config *cfg, const struct key *k, const char *v,
	char *why, size_t whylen)
{
	char *copy, *item, *next;
	int rc = 0;

	list_clear(cfg, k->list);
	if (v == NULL)
		return 0;
	copy = strdup(v);
	if (copy == NULL)
		return DF_ENOMEM;
	for (item = copy; item != NULL && rc == 0; item = next) {
		next = strchr(item, ',');
		if (next != NULL)
			*next++ = '\0';
		item = trim(item);
		if (*item == '\0') {
			snprintf(why, whylen, "empty item in the list");
			rc = DF_EINVAL;
		} else {
			rc = list_add(cfg, k->list, item, why, whylen);
		}
	}
	free(copy);
	return rc;
}

static int parse_ratelimit(const char *v, struct config_ratelimit *out,
	char *why, size_t whylen)
{
	char num[16];
	const char *slash = strchr(v, '/');
	uint64_t n;
	size_t i, len;

	if (slash != NULL && (len = (size_t)(slash - v)) < sizeof(num)) {
		memcpy(num, v, len);
		num[len] = '\0';
		for (i = 0; i < 3; i++) {
			if (strcmp(slash + 1, window_names[i]) != 0)
				continue;
			if (!validate_uint(num, 1000000, &n) || n < 1)
				break;
			out->limit = (uint32_t)n;
			out->window_s = window_secs[i];
			return 0;
		}
	}
	snprintf(why, whylen, "must be N/sec, N/min or N/hour with N from 1 to "
		"1000000");
	return DF_EINVAL;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };

	if (validate_enum(v, yes))
		*out = 1;
	else if (validate_enum(v, no))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Sets key k from v (NULL: the key's default). 0, DF_EINVAL with why set,
 * or DF_ENOMEM. */
static int set_value(struct config *cfg, const struct key *k, const char *v,
	char *why, size_t whylen)
{
	void *f = field(cfg, k);
	uint64_t n;
	int i;

	if (v == NULL || *v == '\0')
		v = k->dflt;
	if (v != NULL && has_control(v)) {
		snprintf(why, whylen, "contains control characters");
		return DF_EINVAL;
	}
	switch (k->type) {
	case K_STRING:
	case K_PATH: {
		char **sp = f, *copy = NULL;

		if (v != NULL && k->check != NULL && !k->check(v, why, whylen))
			return DF_EINVAL;
		if (v != NULL && (copy = strdup(v)) == NULL)
			return DF_ENOMEM;
		free(*sp);
		*sp = copy;
		return 0;
	}
	case K_UINT:
		if (v == NULL || !validate_uint(v, k->max, &n) || n < k->min) {
			snprintf(why, whylen, "must be an integer from %llu to %llu",
				(unsigned long long)k->min, (unsigned long long)k->max);
			return DF_EINVAL;
		}
		if (k->size == sizeof(size_t))
			*(size_t *)f = (size_t)n;
		else
			*(unsigned *)f = (unsigned)n;
		return 0;
	case K_INT: {
		int64_t sn;

		if (v == NULL || !validate_int(v, k->smin, k->smax, &sn)) {
			snprintf(why, whylen, "must be an integer from %lld to %lld",
				(long long)k->smin, (long long)k->smax);
			return DF_EINVAL;
		}
		*(int64_t *)f = sn;
		return 0;
	}
	case K_BOOL:
		if (v == NULL || parse_bool(v, f) != 0) {
			snprintf(why, whylen, "must be true or false");
			return DF_EINVAL;
		}
		return 0;
	case K_ENUM:
		if (v != NULL && k->parse != NULL) {
			if (k->parse(v, &i) == 0) {
				*(int *)f = i;
				return 0;
			}
		} else if (v != NULL) {
			for (i = 0; k->names[i] != NULL; i++) {
				if (strcmp(v, k->names[i]) == 0) {
					*(int *)f = i;
					return 0;
				}
			}
		}
		{
			size_t used = 0;

			used += (size_t)snprintf(why, whylen, "must be one of");
			for (i = 0; k->names[i] != NULL && used < whylen; i++)
				used += (size_t)snprintf(why + used, whylen - used,
					"%s %s", i ? "," : "", k->names[i]);
		}
		return DF_EINVAL;
	case K_LIST:
		return parse_list(cfg, k, v, why, whylen);
	case K_RATELIMIT:
		if (v == NULL) {
			snprintf(why, whylen, "must be set");
			return DF_EINVAL;
		}
		return parse_ratelimit(v, f, why, whylen);
	}
	return DF_EINVAL;
}

static int set_defaults(struct load *ld)
{
	char why[256];
	size_t i;
	int rc;

	for (i = 0; i < NKEYS; i++) {
		rc = set_value(ld->cfg, &keys[i], NULL, why, sizeof(why));
		if (rc != 0) {
			fail(ld, (int)i, "built-in default: %s", why);
			return rc == DF_ENOMEM ? DF_ENOMEM : DF_EINVAL;
		}
	}
	return 0;
}

/* Cuts a trailing " # comment" (a '#' after whitespace) off line. */
static void cut_comment(char *line)
{
	char *p;

	for (p = line; *p != '\0'; p++) {
		if (*p == '#' && (p == line || is_space(p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static int parse_line(struct load *ld, char *text, int lineno)
{
	char why[512], *eq, *name, *value;
	int k, rc;

	cut_comment(text);
	text = trim(text);
	if (*text == '\0')
		return 0;
	eq = strchr(text, '=');
	if (eq == NULL) {
		failf(ld, "%s:%d: expected 'key = value'", ld->path, lineno);
		return DF_EINVAL;
	}
	*eq = '\0';
	name = trim(text);
	value = trim(eq + 1);
	k = key_index(name);
	if (k < 0) {
		failf(ld, "%s:%d: key '%.64s': unknown key", ld->path, lineno,
			name);
		return DF_EINVAL;
	}
	if (ld->line[k] != 0) {
		failf(ld, "%s:%d: key '%s': duplicate key (first set on line %d)",
			ld->path, lineno, name, ld->line[k]);
		return DF_EINVAL;
	}
	ld->line[k] = lineno;
	ld->given[k] = *value != '\0';
	rc = set_value(ld->cfg, &keys[k], value, why, sizeof(why));
	if (rc == DF_ENOMEM)
		return DF_ENOMEM;
	if (rc != 0) {
		fail(ld, k, "%s", why);
		return DF_EINVAL;
	}
	return 0;
}

static int parse_file(struct load *ld)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = 0, bad = 0;
	FILE *f;

	f = fopen(ld->path, "re");
	if (f == NULL) {
		failf(ld, "%s: cannot open: %s", ld->path, strerror(errno));
		return DF_EINVAL;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)n) != NULL) {
			failf(ld, "%s:%d: NUL byte in line", ld->path, lineno);
			rc = DF_EINVAL;
			break;
		}
		rc = parse_line(ld, line, lineno);
		/* Collecting: the key keeps its default, the next line is read. */
		if (rc == DF_EINVAL && ld->collect) {
			bad = 1;
			rc = 0;
		}
	}
	if (rc == 0 && ferror(f)) {
		failf(ld, "%s: read error", ld->path);
		rc = DF_EINVAL;
	}
	free(line);
	fclose(f);
	return rc != 0 ? rc : bad ? DF_EINVAL : 0;
}

static int parse_env(struct load *ld, char *const *envp)
{
	char why[512], name[96];
	size_t i, plen = strlen(ENV_PREFIX);
	int rc, bad = 0;

	for (; envp != NULL && *envp != NULL; envp++) {
		const char *e = *envp, *eq;

		if (strncmp(e, ENV_PREFIX, plen) != 0 ||
		    (eq = strchr(e, '=')) == NULL)
			continue;
		if ((size_t)(eq - e) == strlen("DEVFORGE_JWT_SECRET") &&
		    strncmp(e, "DEVFORGE_JWT_SECRET", (size_t)(eq - e)) == 0) {
			ld->env_jwt = eq + 1;
			continue;
		}
		if ((size_t)(eq - e) == strlen("DEVFORGE_DB_PASSWORD") &&
		    strncmp(e, "DEVFORGE_DB_PASSWORD", (size_t)(eq - e)) == 0) {
			ld->env_dbpw = eq + 1;
			continue;
		}
		for (i = 0; i < NKEYS; i++) {
			env_name(&keys[i], name, sizeof(name));
			if (strlen(name) == (size_t)(eq - e) &&
			    strncmp(e, name, (size_t)(eq - e)) == 0)
				break;
		}
		if (i == NKEYS)
			continue;  /* other programs' DEVFORGE_* variables */
		{
			char *v = strdup(eq + 1);

			if (v == NULL)
				return DF_ENOMEM;
			ld->from_env[i] = 1;
			ld->given[i] = *trim(v) != '\0';
			rc = set_value(ld->cfg, &keys[i], trim(v), why, sizeof(why));
			free(v);
		}
		if (rc == DF_ENOMEM)
			return rc;
		if (rc != 0) {
			fail(ld, (int)i, "%s", why);
			if (!ld->collect)
				return DF_EINVAL;
			bad = 1;
		}
	}
	return bad ? DF_EINVAL : 0;
}

/* The directory of the config file, made absolute so that a daemon that
 * changes directory later still finds its files. */
static int config_dir(struct load *ld)
{
	const char *slash = strrchr(ld->path, '/');
	char *dir, *abs;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == ld->path)
		dir = strdup("/");
	else
		dir = strndup(ld->path, (size_t)(slash - ld->path));
	if (dir == NULL)
		return DF_ENOMEM;
	abs = realpath(dir, NULL);
	if (abs != NULL) {
		free(dir);
		dir = abs;
	}
	ld->dir = dir;
	return 0;
}

static int resolve_paths(struct load *ld)
{
	size_t i;

	if (ld->dir == NULL)
		return 0;
	for (i = 0; i < NKEYS; i++) {
		char **sp, *abs;
		size_t n;

		if (keys[i].type != K_PATH || !ld->given[i])
			continue;
		sp = field(ld->cfg, &keys[i]);
		if (*sp == NULL || (*sp)[0] == '/')
			continue;
		n = strlen(ld->dir) + strlen(*sp) + 2;
		abs = malloc(n);
		if (abs == NULL)
			return DF_ENOMEM;
		snprintf(abs, n, "%s/%s", ld->dir, *sp);
		free(*sp);
		*sp = abs;
	}
	return 0;
}

static void strip_trailing_space(const char *s, size_t *len)
{
	while (*len > 0 && is_space(s[*len - 1]))
		(*len)--;
}

/* Reads the secret file named by key k into *out (malloc'd, NUL-terminated,
 * trailing whitespace removed). Messages name the key and the path, never
 * the content. */
static int read_secret(struct load *ld, int k, const char *path, char **out,
	size_t *outlen)
{
	char buf[SECRET_MAX + 1];
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd, rc = DF_EINVAL, loose = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		fail(ld, k, "cannot read '%s': %s", path, strerror(errno));
		return DF_EINVAL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fail(ld, k, "'%s' is not a regular file", path);
		goto out;
	}
	if (ld->cfg->mode == CONFIG_PRODUCTION && (st.st_mode & 077) != 0) {
		fail(ld, k, "'%s' is accessible by group or others (mode %04o); "
			"production mode requires 0600 or stricter", path,
			(unsigned)(st.st_mode & 07777));
		/* Collecting, the content is still read (and the load still
		 * fails) so that an example value is named in the same run. */
		if (!ld->collect)
			goto out;
		loose = 1;
	}
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(ld, k, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > SECRET_MAX) {
			fail(ld, k, "'%s' is larger than %d bytes", path, SECRET_MAX);
			goto out;
		}
	}
	strip_trailing_space(buf, &len);
	*out = malloc(len + 1);
	if (*out == NULL) {
		rc = DF_ENOMEM;
		goto out;
	}
	memcpy(*out, buf, len);
	(*out)[len] = '\0';
	*outlen = len;
	rc = loose ? DF_EINVAL : 0;
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

static int copy_secret(const char *v, char **out, size_t *outlen)
{
	size_t len = strlen(v);

	strip_trailing_space(v, &len);
	*out = strndup(v, len);
	if (*out == NULL)
		return DF_ENOMEM;
	*outlen = len;
	return 0;
}

/* One secret file (when its key is set), like the JWT secret:
 * read once at start, the value never printed. */
static int load_secret_file(struct load *ld, const char *key,
	const char *path, char **out)
{
	size_t len = 0;
	int rc;

	if (path == NULL || path[0] == '\0')
		return 0;
	rc = read_secret(ld, key_index(key), path, out, &len);
	if (rc != 0)
		return rc;
	if (strlen(*out) != len) {
		fail(ld, key_index(key), "'%s' contains a NUL byte", path);
		return DF_EINVAL;
	}
	return 0;
}

static int load_secret_files(struct load *ld)
{
	struct config *cfg = ld->cfg;
	int rc;

	int bad = 0;

	/* Collecting, one file that fails does not hide the next. */
#define ONE(call) do { \
		rc = (call); \
		if (rc == DF_EINVAL && ld->collect) \
			bad = 1; \
		else if (rc != 0) \
			return rc; \
	} while (0)
	ONE(load_secret_file(ld, "stripe_secret_key_file",
		cfg->stripe_secret_key_file, &cfg->stripe_secret_key));
	ONE(load_secret_file(ld, "stripe_webhook_secret_file",
		cfg->stripe_webhook_secret_file, &cfg->stripe_webhook_secret));
	ONE(load_secret_file(ld, "stripe_webhook_secret_previous_file",
		cfg->stripe_webhook_secret_previous_file,
		&cfg->stripe_webhook_secret_previous));
	ONE(load_secret_file(ld, "assistant_llm_key_file",
		cfg->assistant_llm_key_file, &cfg->assistant_llm_key));
#undef ONE
	return bad ? DF_EINVAL : 0;
}

/* The licence signing key is loaded by the workers (signed_init), not
 * kept here; checked now so that a bad file stops the start with the
 * key's name: readable when set, and in production mode required and
 * 0600 or stricter, like every secret. */
static int check_signing_key_file(struct load *ld)
{
	const char *path = ld->cfg->license_signing_key_file;
	size_t len = 0;
	char *pem = NULL;
	int rc;

	if (path == NULL || path[0] == '\0') {
		if (ld->cfg->mode != CONFIG_PRODUCTION || ld->setup)
			return 0;
		fail(ld, key_index("license_signing_key_file"), "no licence "
			"signing key; production mode requires one (devforgectl "
			"keys generate --out FILE)");
		return DF_EINVAL;
	}
	rc = read_secret(ld, key_index("license_signing_key_file"), path, &pem,
		&len);
	if (rc != 0)
		return rc;
	if (len == 0) {
		fail(ld, key_index("license_signing_key_file"), "'%s' is empty",
			path);
		rc = DF_EINVAL;
	}
	explicit_bzero(pem, len);
	free(pem);
	return rc;
}

static int load_secrets(struct load *ld)
{
	struct config *cfg = ld->cfg;
	size_t len = 0;
	int rc;

	int bad = 0;

	if (ld->env_jwt != NULL)
		rc = copy_secret(ld->env_jwt, &cfg->jwt_secret, &cfg->jwt_secret_len);
	else if (cfg->jwt_secret_file != NULL)
		rc = read_secret(ld, key_index("jwt_secret_file"),
			cfg->jwt_secret_file, &cfg->jwt_secret, &cfg->jwt_secret_len);
	else
		rc = 0;
	/* Collecting: a secret that cannot be read is one error; the
	 * others are still read. */
	if (rc == DF_EINVAL && ld->collect) {
		bad = 1;
		rc = 0;
	}
	if (rc != 0)
		return rc;

	if (ld->env_dbpw != NULL)
		rc = copy_secret(ld->env_dbpw, &cfg->db_password, &len);
	else if (cfg->db_password_file != NULL)
		rc = read_secret(ld, key_index("db_password_file"),
			cfg->db_password_file, &cfg->db_password, &len);
	else
		rc = (cfg->db_password = strdup("")) == NULL ? DF_ENOMEM : 0;
	if (rc == DF_EINVAL && ld->collect) {
		bad = 1;
		rc = 0;
	} else if (rc != 0) {
		return rc;
	} else if (strlen(cfg->db_password) != len) {
		fail(ld, key_index("db_password_file"),
			"the database password contains a NUL byte");
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	rc = load_secret_files(ld);
	if (rc == DF_EINVAL && ld->collect) {
		bad = 1;
		rc = 0;
	}
	if (rc == 0)
		rc = check_signing_key_file(ld);
	return rc != 0 ? rc : bad ? DF_EINVAL : 0;
}

/* Rules that involve more than one key, checked once everything is set. */
static int cross_checks(struct load *ld)
{
	struct config *cfg = ld->cfg;
	int bad = 0;

	if (cfg->mode == CONFIG_PRODUCTION &&
	    strncmp(cfg->public_url, "https://", 8) != 0) {
		fail(ld, key_index("public_url"),
			"production mode requires an https:// URL");
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	/* A moved clock would let licences outlive their term (or cull
	 * machines early): only tests may move it. */
	if (cfg->mode == CONFIG_PRODUCTION && cfg->clock_offset_seconds != 0) {
		fail(ld, key_index("clock_offset_seconds"),
			"is for tests only; production mode requires 0");
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	if (cfg->mail_transport == CONFIG_MAIL_MAILDIR &&
	    (cfg->mail_maildir == NULL || cfg->mail_maildir[0] == '\0')) {
		fail(ld, key_index("mail_maildir"),
			"mail_transport = maildir needs the directory");
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	if (!password_params_ok(&cfg->password)) {
		fail(ld, key_index("password_scrypt_r"), "scrypt would need %llu "
			"MiB (128 * r * 2^ln); at most %llu MiB is allowed",
			128ull * cfg->password.r * (1ull << cfg->password.ln) >> 20,
			PASSWORD_MAX_MEMORY >> 20);
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	if (cfg->limits.max_header > cfg->limits.max_headers_total) {
		fail(ld, key_index("max_header_bytes"),
			"larger than max_headers_total_bytes (%zu)",
			cfg->limits.max_headers_total);
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	if (cfg->lockout_max_seconds < cfg->lockout_base_seconds) {
		fail(ld, key_index("lockout_max_seconds"),
			"smaller than lockout_base_seconds (%u)",
			cfg->lockout_base_seconds);
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	/* The client's read timeout must not end a statement first: that
	 * drops the connection while the server goes on running the
	 * statement, the very thing the bound is there to prevent. */
	if (cfg->db_statement_timeout_ms > 0 &&
	    cfg->db_statement_timeout_ms >= cfg->db_read_timeout * 1000u) {
		fail(ld, key_index("db_statement_timeout_ms"),
			"must be below db_read_timeout (%u s)", cfg->db_read_timeout);
		if (!ld->collect)
			return DF_EINVAL;
		bad = 1;
	}
	return bad ? DF_EINVAL : 0;
}

typedef int (*secret_report)(void *ctx, const char *key, int missing,
	const char *why);
static int check_secrets(const struct config *cfg, secret_report report,
	void *ctx);

/* One secret problem into the load's messages, with the key's file and
 * line (or the variable that gave the secret). Collecting, it goes on,
 * and a file that could not be read is not also "no secret". */
static int report_load(void *ctx, const char *key, int missing,
	const char *why)
{
	struct load *ld = ctx;
	int k = key_index(key);
	const char *env = k == key_index("jwt_secret_file") ? ld->env_jwt :
		k == key_index("db_password_file") ? ld->env_dbpw : NULL;

	if (missing && ld->collect && ld->failed[k])
		return 0;
	if (env != NULL)
		failf(ld, "environment DEVFORGE_%s: %s", k == key_index(
			"jwt_secret_file") ? "JWT_SECRET" : "DB_PASSWORD", why);
	else
		fail(ld, k, "%s", why);
	return !ld->collect;
}

/* Collecting, each step after a failed one still runs (a key that failed
 * keeps its default), so one run names every problem; the secrets'
 * production checks (each of them, collecting) run once the secrets
 * themselves loaded, whatever else failed: an operator who copied the
 * example learns at once which secrets are still its examples. */
static int load_config(struct config *cfg, const char *path, char *const *envp,
	char *err, size_t errlen, int collect, int setup)
{
	struct load ld;
	int rc, bad = 0;

	memset(cfg, 0, sizeof(*cfg));
	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.path = path;
	ld.err = err;
	ld.errlen = errlen;
	ld.collect = collect;
	ld.setup = setup;
	if (errlen > 0)
		err[0] = '\0';

#define STEP(call) do { \
		if (rc == 0) { \
			rc = (call); \
			if (rc == DF_EINVAL && collect) { \
				bad = 1; \
				rc = 0; \
			} \
		} \
	} while (0)
	rc = set_defaults(&ld);
	if (rc == 0 && path != NULL)
		rc = config_dir(&ld);
	if (path != NULL)
		STEP(parse_file(&ld));
	STEP(parse_env(&ld, envp));
	STEP(resolve_paths(&ld));
	STEP(cross_checks(&ld));
	STEP(load_secrets(&ld));
#undef STEP
	if (rc == 0 && !(bad && !collect) &&
	    check_secrets(cfg, report_load, &ld) != 0)
		rc = DF_EINVAL;
	if (rc == 0 && bad)
		rc = DF_EINVAL;
	if (rc == DF_ENOMEM)
		snprintf(err, errlen, "out of memory reading the configuration");
	free(ld.dir);
	if (rc != 0)
		config_free(cfg);
	return rc;
}

int config_load(struct config *cfg, const char *path, char *const *envp,
	char *err, size_t errlen)
{
	return load_config(cfg, path, envp, err, errlen, 0, 0);
}

int config_load_setup(struct config *cfg, const char *path,
	char *const *envp, char *err, size_t errlen)
{
	return load_config(cfg, path, envp, err, errlen, 0, 1);
}

int config_load_all(struct config *cfg, const char *path, char *const *envp,
	char *err, size_t errlen)
{
	return load_config(cfg, path, envp, err, errlen, 1, 0);
}

const char *config_key_name(size_t i, const char **dflt)
{
	if (i >= NKEYS)
		return NULL;
	if (dflt != NULL)
		*dflt = keys[i].dflt;
	return keys[i].name;
}

int config_env_known(const char *name)
{
	char env[96];
	size_t i;

	if (strcmp(name, "DEVFORGE_JWT_SECRET") == 0 ||
	    strcmp(name, "DEVFORGE_DB_PASSWORD") == 0)
		return 1;
	for (i = 0; i < NKEYS; i++) {
		env_name(&keys[i], env, sizeof(env));
		if (strcmp(env, name) == 0)
			return 1;
	}
	return 0;
}

static void free_secret(char **s, size_t len)
{
	if (*s != NULL) {
		explicit_bzero(*s, len);
		free(*s);
		*s = NULL;
	}
}

void config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < NKEYS; i++) {
		if (keys[i].type == K_STRING || keys[i].type == K_PATH) {
			char **sp = field(cfg, &keys[i]);

			free(*sp);
			*sp = NULL;
		} else if (keys[i].type == K_LIST) {
			list_clear(cfg, keys[i].list);
		}
	}
	free_secret(&cfg->jwt_secret, cfg->jwt_secret_len);
	if (cfg->db_password != NULL)
		free_secret(&cfg->db_password, strlen(cfg->db_password));
	if (cfg->stripe_secret_key != NULL)
		free_secret(&cfg->stripe_secret_key, strlen(cfg->stripe_secret_key));
	if (cfg->stripe_webhook_secret != NULL)
		free_secret(&cfg->stripe_webhook_secret,
			strlen(cfg->stripe_webhook_secret));
	if (cfg->stripe_webhook_secret_previous != NULL)
		free_secret(&cfg->stripe_webhook_secret_previous,
			strlen(cfg->stripe_webhook_secret_previous));
	if (cfg->assistant_llm_key != NULL)
		free_secret(&cfg->assistant_llm_key, strlen(cfg->assistant_llm_key));
	memset(cfg, 0, sizeof(*cfg));
}

/* Case-insensitive substring search over a buffer that may hold NULs. */
static int contains_ci(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n; j++) {
			char c = s[i + j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != needle[j])
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

int config_secret_is_example(const char *s, size_t len)
{
	return contains_ci(s, len, "example") || contains_ci(s, len, "change-me") ||
		contains_ci(s, len, "changeme") || contains_ci(s, len, "not-secret");
}

/* A Stripe secret in production: present, of Stripe's kind (prefix),
 * long enough and not the example. The previous webhook secret is only
 * checked when set (a rotation). */
static int check_stripe_secret(const char *what,
	const char *s, const char *const *prefixes, int required, char *err,
	size_t errlen)
{
	size_t len = s != NULL ? strlen(s) : 0;
	int ok = 0;

	if (len == 0) {
		if (!required)
			return 0;
		snprintf(err, errlen, "no %s; production mode requires one",
			what);
		return DF_EINVAL;
	}
	for (; *prefixes != NULL; prefixes++)
		ok |= strncmp(s, *prefixes, strlen(*prefixes)) == 0;
	if (!ok) {
		snprintf(err, errlen, "the %s does not look like one (wrong "
			"prefix: another key in this file?)", what);
		return DF_EINVAL;
	}
	if (len < CONFIG_SECRET_MIN) {
		snprintf(err, errlen, "the %s has %zu bytes; production mode "
			"requires at least %d", what, len, CONFIG_SECRET_MIN);
		return DF_EINVAL;
	}
	if (config_secret_is_example(s, len)) {
		snprintf(err, errlen, "the %s is an example value; production "
			"mode refuses it (yours from the Stripe dashboard)", what);
		return DF_EINVAL;
	}
	return 0;
}

/* Each production problem with the secrets goes to report(), which says
 * whether to go on: config_load_all names them all in one run, the
 * others stop at the first. */

static int check_secrets(const struct config *cfg, secret_report report,
	void *ctx)
{
	static const char *const key_prefixes[] = { "sk_", "rk_", NULL };
	static const char *const hook_prefixes[] = { "whsec_", NULL };
	char why[512];
	int bad = 0;

#define REPORT(key, missing) do { \
		bad = 1; \
		if (report(ctx, key, missing, why) != 0) \
			return DF_EINVAL; \
	} while (0)
	if (cfg->jwt_secret == NULL || cfg->jwt_secret_len == 0) {
		snprintf(why, sizeof(why), "no JWT secret: "
			"set jwt_secret_file or DEVFORGE_JWT_SECRET");
		REPORT("jwt_secret_file", 1);
	} else if (cfg->mode != CONFIG_PRODUCTION) {
		return 0;
	} else if (cfg->jwt_secret_len < CONFIG_SECRET_MIN) {
		snprintf(why, sizeof(why), "the JWT secret "
			"has %zu bytes; production mode requires at least %d",
			cfg->jwt_secret_len, CONFIG_SECRET_MIN);
		REPORT("jwt_secret_file", 0);
	} else if (config_secret_is_example(cfg->jwt_secret,
			cfg->jwt_secret_len)) {
		snprintf(why, sizeof(why), "the JWT secret "
			"is an example value; production mode refuses it (make "
			"one: openssl rand -base64 48)");
		REPORT("jwt_secret_file", 0);
	}
	if (cfg->mode != CONFIG_PRODUCTION)
		return bad ? DF_EINVAL : 0;
	if (cfg->db_password == NULL || cfg->db_password[0] == '\0') {
		snprintf(why, sizeof(why), "no database "
			"password; production mode requires one");
		REPORT("db_password_file", 1);
	} else if (config_secret_is_example(cfg->db_password,
			strlen(cfg->db_password))) {
		snprintf(why, sizeof(why), "the database "
			"password is an example value; production mode refuses it "
			"(the account's own, DEPLOYMENT.md section 4)");
		REPORT("db_password_file", 0);
	}
	if (check_stripe_secret("Stripe secret key",
			cfg->stripe_secret_key, key_prefixes, 1, why,
			sizeof(why)) != 0)
		REPORT("stripe_secret_key_file", cfg->stripe_secret_key == NULL);
	if (check_stripe_secret("Stripe webhook signing secret", cfg->stripe_webhook_secret,
			hook_prefixes, 1, why, sizeof(why)) != 0)
		REPORT("stripe_webhook_secret_file", cfg->stripe_webhook_secret == NULL);
	if (check_stripe_secret("previous Stripe webhook signing secret",
			cfg->stripe_webhook_secret_previous, hook_prefixes, 0, why,
			sizeof(why)) != 0)
		REPORT("stripe_webhook_secret_previous_file", 0);
#undef REPORT
	return bad ? DF_EINVAL : 0;
}

struct first_err {
	char *err;
	size_t errlen;
};

static int report_first(void *ctx, const char *key, int missing,
	const char *why)
{
	struct first_err *f = ctx;

	(void)missing;
	snprintf(f->err, f->errlen, "key '%s': %s", key, why);
	return 1;
}

int config_check_secrets(const struct config *cfg, char *err, size_t errlen)
{
	struct first_err f = { err, errlen };

	return check_secrets(cfg, report_first, &f);
}

int config_is_trusted(const struct config *cfg, const char *addr)
{
	size_t i;

	if (addr == NULL)
		return 0;
	for (i = 0; i < cfg->ntrusted; i++)
		if (validate_cidr_contains(&cfg->trusted[i], addr))
			return 1;
	return 0;
}

int config_origin_allowed(const struct config *cfg, const char *origin)
{
	size_t i;

	if (origin == NULL)
		return 0;
	for (i = 0; i < cfg->ncors_origins; i++)
		if (strcmp(cfg->cors_origins[i], origin) == 0)
			return 1;
	return 0;
}

/* An appender that remembers overflow instead of checking every call. */
struct out {
	char *buf;
	size_t len, used;
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used)
		o->overflow = 1;
	else
		o->used += (size_t)n;
}

static void describe_secret(struct out *o, const char *name, const char *s,
	size_t len)
{
	if (s == NULL || len == 0)
		out_printf(o, "%s = (missing)\n", name);
	else
		out_printf(o, "%s = (set, %zu bytes)\n", name, len);
}

static void describe_key(struct out *o, const struct config *cfg,
	const struct key *k)
{
	const void *f = cfield(cfg, k);
	size_t i;

	out_printf(o, "%s = ", k->name);
	switch (k->type) {
	case K_STRING:
	case K_PATH: {
		const char *s = *(char *const *)f;

		out_printf(o, "%s", s != NULL ? s : "");
		break;
	}
	case K_UINT:
		if (k->size == sizeof(size_t))
			out_printf(o, "%zu", *(const size_t *)f);
		else
			out_printf(o, "%u", *(const unsigned *)f);
		break;
	case K_INT:
		out_printf(o, "%lld", (long long)*(const int64_t *)f);
		break;
	case K_BOOL:
		out_printf(o, "%s", *(const int *)f ? "true" : "false");
		break;
	case K_ENUM:
		out_printf(o, "%s", k->names[*(const int *)f]);
		break;
	case K_LIST:
		if (k->list == L_ORIGINS) {
			for (i = 0; i < cfg->ncors_origins; i++)
				out_printf(o, "%s%s", i ? ", " : "", cfg->cors_origins[i]);
		} else {
			for (i = 0; i < cfg->ntrusted; i++) {
				char a[INET6_ADDRSTRLEN];

				if (inet_ntop(cfg->trusted[i].family, cfg->trusted[i].addr,
				    a, sizeof(a)) == NULL)
					snprintf(a, sizeof(a), "?");
				out_printf(o, "%s%s/%u", i ? ", " : "", a,
					cfg->trusted[i].prefix);
			}
		}
		break;
	case K_RATELIMIT: {
		const struct config_ratelimit *rl = f;
		const char *unit = "sec";

		for (i = 0; i < 3; i++)
			if (window_secs[i] == rl->window_s)
				unit = window_names[i];
		out_printf(o, "%u/%s", rl->limit, unit);
		break;
	}
	}
	out_printf(o, "\n");
}

int config_describe(const struct config *cfg, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	size_t i;

	if (buf == NULL || len == 0)
		return DF_EINVAL;
	buf[0] = '\0';
	for (i = 0; i < NKEYS; i++) {
		describe_key(&o, cfg, &keys[i]);
		if (strcmp(keys[i].name, "jwt_secret_file") == 0)
			describe_secret(&o, "jwt_secret", cfg->jwt_secret,
				cfg->jwt_secret_len);
		else if (strcmp(keys[i].name, "db_password_file") == 0)
			describe_secret(&o, "db_password", cfg->db_password,
				cfg->db_password != NULL ? strlen(cfg->db_password) : 0);
		else if (strcmp(keys[i].name, "stripe_secret_key_file") == 0)
			describe_secret(&o, "stripe_secret_key", cfg->stripe_secret_key,
				cfg->stripe_secret_key != NULL ?
				strlen(cfg->stripe_secret_key) : 0);
		else if (strcmp(keys[i].name, "stripe_webhook_secret_file") == 0)
			describe_secret(&o, "stripe_webhook_secret",
				cfg->stripe_webhook_secret,
				cfg->stripe_webhook_secret != NULL ?
				strlen(cfg->stripe_webhook_secret) : 0);
	}
	if (o.overflow)
		return DF_ETOOBIG;
	return (int)o.used;
}

void config_derive_key(const struct config *cfg, const char *label,
	unsigned char out[32])
{
	crypto_hmac_sha256(cfg->jwt_secret != NULL ? cfg->jwt_secret : "",
		cfg->jwt_secret != NULL ? cfg->jwt_secret_len : 0, label,
		strlen(label), out);
}
