/* The configuration: a plain `key = value` file, then DEVFORGE_<KEY>
 * environment overrides (key upper-cased, '.' -> '_'), then secrets read
 * from the files the config names (or DEVFORGE_JWT_SECRET /
 * DEVFORGE_DB_PASSWORD given directly). Every key is declared once in a
 * table in config.c with its type, default and range, and checked once at
 * start; an unknown key is an error naming it. */
#ifndef DF_CONFIG_H
#define DF_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "password.h"
#include "router.h"
#include "validate.h"
#include "err.h"

#define CONFIG_MAX_ORIGINS 16
#define CONFIG_MAX_NETWORKS 16
#define CONFIG_SECRET_MIN 32       /* bytes, for the JWT key */
#define CONFIG_CLOCK_OFFSET_MAX 3153600000ll /* 100 years, in seconds */

enum config_mode { CONFIG_DEVELOPMENT = 0, CONFIG_PRODUCTION };
/* How devforgectl mail-send delivers: through sendmail, or (development)
 * as files in a maildir. */
enum config_mail_transport { CONFIG_MAIL_SENDMAIL = 0, CONFIG_MAIL_MAILDIR };
/* The response header that hands a package file to the front server:
 * X-Sendfile (Apache mod_xsendfile; Lighttpd accepts it too) or
 * X-LIGHTTPD-send-file. */
enum config_sendfile { CONFIG_SENDFILE_XSENDFILE = 0, CONFIG_SENDFILE_LIGHTTPD };

struct config_ratelimit {
	uint32_t limit;           /* requests per window */
	uint32_t window_s;        /* 1, 60 or 3600 */
};

struct config {
	enum config_mode mode;
	char *public_url;         /* e.g. https://api.devforge.dev */
	unsigned workers;         /* children of the supervisor, 1-256 */

	/* database */
	char *db_host;            /* NULL/empty with db_socket set: socket */
	unsigned db_port;
	char *db_socket;
	char *db_user;
	char *db_name;
	char *db_password;        /* from db_password_file or env; may be "" */
	char *db_password_file;
	unsigned db_connect_timeout; /* seconds */
	unsigned db_read_timeout;
	unsigned db_write_timeout;
	unsigned db_statement_timeout_ms; /* the workers' bound on one
	                                     statement; 0: none */

	/* tokens */
	char *jwt_secret;         /* from jwt_secret_file or env */
	size_t jwt_secret_len;
	char *jwt_secret_file;
	char *jwt_issuer;
	char *jwt_audience;
	unsigned access_token_ttl;   /* seconds */
	unsigned refresh_token_ttl;
	unsigned user_cache_seconds; /* age bound of a worker's cached user
	                                rows; 0: no cache */

	/* passwords */
	struct password_params password; /* scrypt cost of new hashes */
	char *common_passwords_file; /* default DF_COMMON_PASSWORDS (configure) */

	/* request limits */
	struct http_limits limits;
	unsigned json_max_depth;

	/* the pool's shared response cache of public reads */
	size_t cache_max_entries; /* 0: no cache */
	size_t cache_max_bytes;
	unsigned cache_max_age;   /* seconds a cached answer may live; 0: until
	                             a write on this host makes it stale */
	unsigned cache_counts_max_age; /* seconds: the bound on counters
	                             (downloads) in cached answers */
	unsigned downloads_flush_seconds; /* pending downloads written at
	                             most this often (shm queue) */

	/* CORS and trust */
	char *cors_origins[CONFIG_MAX_ORIGINS];
	size_t ncors_origins;
	struct validate_cidr trusted[CONFIG_MAX_NETWORKS];
	size_t ntrusted;

	struct config_ratelimit ratelimit[RL__MAX];
	/* IPv6 clients are limited per network of this prefix length
	 * (ratelimit.ipv6_prefix, default 64), IPv4 clients per address. */
	unsigned ratelimit_ipv6_prefix;
	/* A ceiling per auth-class route over all addresses together
	 * (ratelimit.auth_global); limit 0: none. */
	struct config_ratelimit ratelimit_auth_global;

	/* login lockout (see config.c) */
	unsigned lockout_threshold;      /* failures that lock */
	unsigned lockout_window_seconds; /* counted over this window */
	unsigned lockout_base_seconds;   /* first lock; doubles per lockout */
	unsigned lockout_max_seconds;    /* the delay's cap */
	/* the security audit's failed-login spike threshold, per hour */
	unsigned audit_login_failures_per_hour;

	/* marketplace packages */
	char *storage_dir;        /* content-addressed package files */
	char *search_index_dir;   /* this host's full-text index (Xapian) */
	unsigned search_changes_keep_days; /* search log rows kept (days) */
	unsigned max_package_bytes; /* upload cap (default 50 MiB) */
	unsigned max_concurrent_uploads; /* per client, host-wide; 0: no cap */
	int sendfile_header;      /* enum config_sendfile */

	/* payments (Stripe) */
	char *stripe_api_base;    /* https://api.stripe.com, or a stand-in */
	char *stripe_secret_key_file;
	char *stripe_webhook_secret_file;
	char *stripe_webhook_secret_previous_file; /* during a rotation */
	/* The secrets those files hold (NULL when the key is unset). */
	char *stripe_secret_key;
	char *stripe_webhook_secret;
	char *stripe_webhook_secret_previous;
	unsigned stripe_timeout_ms;

	/* licensing: the signing key's file (read by signed_init) */
	char *license_signing_key_file;
	unsigned order_expiry_seconds; /* a pending order's life */
	unsigned platform_fee_bps;     /* the platform's share, 1/10000 */
	unsigned payout_minimum;       /* minor units; less carries forward */

	/* Test only (0 in production): seconds added to clock_now(). */
	int64_t clock_offset_seconds;

	/* schema */
	char *migrations_dir;     /* default DF_MIGRATIONS_DIR (configure) */

	/* outgoing mail (devforgectl mail-send) */
	int mail_transport;       /* enum config_mail_transport */
	char *mail_from;          /* "Name <addr@host>" or "addr@host" */
	char *sendmail_path;      /* run as `sendmail_path -t -i` */
	char *mail_maildir;       /* the maildir transport's directory */

	/* support desk */
	char *support_reply_address; /* ticket mail replies: local+token@host */
	unsigned support_autoclose_days; /* resolved tickets close after */
	/* forum posts (api/forum_posts.c) */
	unsigned forum_edit_window_minutes; /* authors edit their posts */
	/* forum flags (api/forum_flags.c): a post is hidden at a review
	 * score of forum_flag_hide_score_tenths / 10 or at
	 * forum_flag_hide_flaggers distinct flaggers, its author may not
	 * edit it back for forum_hidden_edit_cooldown_minutes; a trust
	 * level 0 author flagged by forum_flag_silence_flaggers distinct
	 * users is silenced until a moderator decides. */
	unsigned forum_flag_hide_score_tenths;
	unsigned forum_flag_hide_flaggers;
	unsigned forum_hidden_edit_cooldown_minutes;
	unsigned forum_flag_silence_flaggers;

	/* forum trust limits (api/shared/forum_guard.c); 0: off */
	unsigned forum_new_max_links;      /* trust level 0, per post */
	unsigned forum_new_max_images;
	unsigned forum_new_post_interval_seconds;  /* level 0 */
	unsigned forum_new_topic_interval_seconds;
	unsigned forum_post_interval_seconds;      /* level 1 and up */
	unsigned forum_topic_interval_seconds;
	unsigned forum_first_day_topics;   /* level 0, account < 24 h old */
	unsigned forum_first_day_replies;
	unsigned forum_daily_topics;       /* any 24 h, before scaling */
	unsigned forum_daily_replies;
	unsigned forum_daily_scale[5];     /* percent per trust level */
	unsigned forum_duplicate_window_seconds;

	/* the support assistant (api/assistant.c) */
	unsigned assistant_min_confidence;  /* percent: below, "I don't know" */
	unsigned assistant_escalate_below;  /* percent: below, offer a ticket */
	unsigned assistant_max_sources;     /* sources quoted in a reply */
	unsigned assistant_abandon_minutes; /* idle open conversations end */
	/* An OpenAI-compatible chat endpoint (NULL: retrieval answers
	 * only): the base URL (".../v1"; "/chat/completions" is added),
	 * the model's name, and the API key read from its file (NULL: no
	 * Authorization header, as a local server needs none). */
	char *assistant_llm_url;
	char *assistant_llm_model;
	char *assistant_llm_key_file;
	char *assistant_llm_key;
	unsigned assistant_llm_timeout_ms;
	unsigned assistant_llm_max_tokens;

	/* shared segment and logs */
	char *shm_name;           /* "/devforge" */
	char *log_file;           /* NULL: stderr */
	int log_level;            /* LOG_DEBUG..LOG_ERROR from log.h */
};

/* Fills cfg with defaults, reads path (NULL: defaults only), applies the
 * environment (envp, NULL-terminated; NULL: none), reads secret files and
 * checks everything. 0, or DF_EINVAL with a message naming the key (and
 * file:line where it applies) in err. On failure cfg is freed. */
DF_MUST_CHECK int config_load(struct config *cfg, const char *path, char *const *envp,
	char *err, size_t errlen);
/* config_load, but it goes on after an error and reports every one, one
 * a line, in err (check-config: one run names all that is wrong). */
DF_MUST_CHECK int config_load_all(struct config *cfg, const char *path,
	char *const *envp, char *err, size_t errlen);
/* config_load for the commands that set a host up before the workers
 * can start (devforgectl migrate, keys): production mode does not yet
 * require license_signing_key_file, which `keys generate` makes after
 * the schema. A key that is set is checked as always. */
DF_MUST_CHECK int config_load_setup(struct config *cfg, const char *path,
	char *const *envp, char *err, size_t errlen);
void config_free(struct config *cfg);

/* The keys the parser accepts, in table order: the name of key i, with
 * its built-in default in *dflt (NULL: unset; dflt may be NULL), or NULL
 * past the last key. For check-config and the config example's test. */
const char *config_key_name(size_t i, const char **dflt);
/* 1 when name (a whole environment variable name, DEVFORGE_...) is one
 * the loader reads: a key's, DEVFORGE_JWT_SECRET or DEVFORGE_DB_PASSWORD. */
int config_env_known(const char *name);

/* Production readiness of the secrets: in production mode a missing,
 * short (< CONFIG_SECRET_MIN) or example secret is refused, and so is a
 * Stripe secret key that is not sk_/rk_ or a webhook secret that is not
 * whsec_ (a key pasted into the wrong file); the message says which. config_load calls it; exported for tests and check-config. */
DF_MUST_CHECK int config_check_secrets(const struct config *cfg, char *err, size_t errlen);

/* 1 when the secret (len bytes) holds an example marker (example,
 * change-me, changeme, not-secret): what production refuses and the
 * security audit reports. */
int config_secret_is_example(const char *s, size_t len);

/* 1 when addr (textual) is in the trusted networks. */
int config_is_trusted(const struct config *cfg, const char *addr);
/* 1 when origin is listed in cors_origins (exact match). */
int config_origin_allowed(const struct config *cfg, const char *origin);

/* A 32-byte key for one use, named by label: HMAC-SHA256(jwt_secret,
 * label), so keyed hashes (download uniques, KB voters) need no further
 * secret to manage; rotating jwt_secret starts them afresh. No secret
 * configured: keyed with the empty key. */
void config_derive_key(const struct config *cfg, const char *label,
	unsigned char out[32]);

/* Writes a summary without secrets as "key = value" lines (for
 * check-config and /admin/system). Returns bytes written or < 0. */
DF_MUST_CHECK int config_describe(const struct config *cfg, char *buf, size_t len);

#endif
