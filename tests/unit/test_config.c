/* Unit tests of the configuration loader: every error names its key (and
 * line or variable), the environment overrides the file, and production
 * mode refuses weak or example secrets. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nftw */
#endif
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "log.h"
#include "kit.h"

#define STRONG_SECRET "k3Yq8vV2pLr9sT4wXz7bN1cF6hJ0mQ5dG8eR2tY4uI6oP9aS"

static char dir[64];
static char err[8192];
static struct config cfg;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dbhelper-cfg-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	memset(&cfg, 0, sizeof(cfg));
	err[0] = '\0';
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void teardown(void)
{
	config_free(&cfg);
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(config, .init = setup, .fini = teardown);

/* Writes dir/name with the given mode and returns its path (static). */
static const char *put(const char *name, mode_t mode, const char *text)
{
	static char path[4][PATH_MAX];
	static int next;
	char *p = path[next++ % 4];
	int fd;

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0, "open %s: %s", p, strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
	return p;
}

static void subdir(const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	cr_assert_eq(mkdir(p, 0700), 0);
}

/* A development config with a JWT secret file next to it, plus extra. */
static const char *dev_conf(const char *extra)
{
	char text[4096];

	put("jwt", 0600, STRONG_SECRET "\n");
	snprintf(text, sizeof(text), "jwt_secret_file = jwt\n%s", extra);
	return put("devforge.conf", 0600, text);
}

static int load(const char *path, char *const *envp)
{
	return config_load(&cfg, path, envp, err, sizeof(err));
}

static void expect_error(const char *path, char *const *envp,
	const char *part1, const char *part2)
{
	cr_assert_eq(load(path, envp), DF_EINVAL, "accepted; expected '%s'", part1);
	cr_assert_not_null(strstr(err, part1), "message '%s' lacks '%s'", err,
		part1);
	if (part2 != NULL)
		cr_assert_not_null(strstr(err, part2), "message '%s' lacks '%s'",
			err, part2);
}

Test(config, defaults_apply_without_a_file)
{
	char *env[] = { "DEVFORGE_JWT_SECRET=dev-only-secret", NULL };

	cr_assert_eq(load(NULL, env), 0, "%s", err);
	cr_assert_eq(cfg.mode, CONFIG_DEVELOPMENT);
	cr_assert_eq(cfg.workers, 4);
	cr_assert_eq(cfg.db_port, 3306);
	cr_assert_eq(cfg.db_statement_timeout_ms, 2000);
	cr_assert_str_eq(cfg.db_host, "127.0.0.1");
	cr_assert_null(cfg.db_socket);
	cr_assert_str_eq(cfg.db_password, "");
	cr_assert_eq(cfg.limits.max_body, 1048576);
	cr_assert_eq(cfg.json_max_depth, 32);
	cr_assert_eq(cfg.cache_max_entries, 1024);
	cr_assert_eq(cfg.cache_max_bytes, 16777216);
	cr_assert_eq(cfg.ratelimit[RL_AUTH].limit, 10);
	cr_assert_eq(cfg.ratelimit[RL_AUTH].window_s, 60);
	cr_assert_eq(cfg.ntrusted, 2);
	cr_assert(config_is_trusted(&cfg, "127.0.0.1"));
	cr_assert(config_is_trusted(&cfg, "::1"));
	cr_assert_not(config_is_trusted(&cfg, "192.0.2.1"));
	cr_assert_eq(cfg.ncors_origins, 0);
	cr_assert_str_eq(cfg.shm_name, "/devforge");
	cr_assert_null(cfg.log_file);
	cr_assert_eq(cfg.log_level, LOG_INFO);
	cr_assert_not_null(cfg.migrations_dir);
	cr_assert_eq(cfg.jwt_secret_len, strlen("dev-only-secret"));
}

Test(config, jwt_secret_is_required_even_in_development)
{
	expect_error(NULL, NULL, "jwt_secret_file", NULL);
}

Test(config, unknown_key_names_key_and_line)
{
	expect_error(dev_conf("workers = 2\n\nwrokers = 3\n"), NULL,
		"devforge.conf:4: key 'wrokers'", "unknown");
}

Test(config, duplicate_key_names_key_and_both_lines)
{
	expect_error(dev_conf("workers = 2\n# again\nworkers = 3\n"), NULL,
		"devforge.conf:4: key 'workers'", "line 2");
}

Test(config, line_without_equals_is_refused)
{
	expect_error(dev_conf("workers 2\n"), NULL, "devforge.conf:2:",
		"key = value");
}

Test(config, bad_integer_names_key_and_line)
{
	expect_error(dev_conf("db_port = 33o6\n"), NULL,
		"devforge.conf:2: key 'db_port'", "1 to 65535");
}

Test(config, out_of_range_values_are_refused)
{
	expect_error(dev_conf("workers = 257\n"), NULL,
		"devforge.conf:2: key 'workers'", "1 to 256");
	expect_error(dev_conf("workers = 0\n"), NULL, "key 'workers'", NULL);
	expect_error(dev_conf("max_body_bytes = 1023\n"), NULL,
		"key 'max_body_bytes'", NULL);
	expect_error(dev_conf("max_body_bytes = 1073741825\n"), NULL,
		"key 'max_body_bytes'", NULL);
	expect_error(dev_conf("json_max_depth = 257\n"), NULL,
		"key 'json_max_depth'", NULL);
	expect_error(dev_conf("db_read_timeout = 301\n"), NULL,
		"key 'db_read_timeout'", NULL);
	expect_error(dev_conf("access_token_ttl = 59\n"), NULL,
		"key 'access_token_ttl'", NULL);
	expect_error(dev_conf("refresh_token_ttl = 31536001\n"), NULL,
		"key 'refresh_token_ttl'", NULL);
	expect_error(dev_conf("workers = -1\n"), NULL, "key 'workers'", NULL);
}

Test(config, bad_enum_names_the_choices)
{
	expect_error(dev_conf("mode = staging\n"), NULL,
		"devforge.conf:2: key 'mode'", "development, production");
	expect_error(dev_conf("log_level = loud\n"), NULL, "key 'log_level'",
		NULL);
}

Test(config, limits_and_log_level_are_read)
{
	cr_assert_eq(load(dev_conf("max_uri_bytes = 4096\nmax_query_bytes = 1000\n"
		"max_header_bytes = 1024\nmax_headers_total_bytes = 2048\n"
		"json_max_depth = 8\nlog_level = debug\n"), NULL), 0, "%s", err);
	cr_assert_eq(cfg.limits.max_uri, 4096);
	cr_assert_eq(cfg.limits.max_query, 1000);
	cr_assert_eq(cfg.limits.max_header, 1024);
	cr_assert_eq(cfg.limits.max_headers_total, 2048);
	cr_assert_eq(cfg.json_max_depth, 8);
	cr_assert_eq(cfg.log_level, LOG_DEBUG);
}

Test(config, cache_bounds_are_read_and_checked)
{
	char *env[] = { "DEVFORGE_JWT_SECRET=dev-only-secret",
		"DEVFORGE_CACHE_MAX_BYTES=4096", NULL };

	cr_assert_eq(load(dev_conf("cache_max_entries = 0\n"
		"cache_max_bytes = 4294967296\n"), NULL), 0, "%s", err);
	cr_assert_eq(cfg.cache_max_entries, 0, "0 turns the cache off");
	cr_assert_eq(cfg.cache_max_bytes, 4294967296ull);
	config_free(&cfg);
	cr_assert_eq(load(NULL, env), 0, "%s", err);
	cr_assert_eq(cfg.cache_max_bytes, 4096);
	config_free(&cfg);
	expect_error(dev_conf("cache_max_entries = 1048577\n"), NULL,
		"key 'cache_max_entries'", "0 to 1048576");
	expect_error(dev_conf("cache_max_bytes = 4095\n"), NULL,
		"key 'cache_max_bytes'", NULL);
	expect_error(dev_conf("cache_max_bytes = 4294967297\n"), NULL,
		"key 'cache_max_bytes'", NULL);
}

Test(config, header_limit_above_total_is_refused)
{
	expect_error(dev_conf("max_header_bytes = 8192\n"
		"max_headers_total_bytes = 4096\n"), NULL,
		"key 'max_header_bytes'", "max_headers_total_bytes");
}

Test(config, lockout_defaults_and_environment_override)
{
	char *env[] = { "DEVFORGE_LOCKOUT_BASE_SECONDS=2", NULL };

	cr_assert_eq(load(dev_conf("lockout_threshold = 7\n"), env), 0, "%s",
		err);
	cr_assert_eq(cfg.lockout_threshold, 7);
	cr_assert_eq(cfg.lockout_window_seconds, 900);
	cr_assert_eq(cfg.lockout_base_seconds, 2);
	cr_assert_eq(cfg.lockout_max_seconds, 86400);
}

Test(config, statement_bound_is_read_overridden_and_may_be_off)
{
	char *env[] = { "DEVFORGE_DB_STATEMENT_TIMEOUT_MS=300", NULL };

	cr_assert_eq(load(dev_conf("db_statement_timeout_ms = 0\n"), NULL), 0,
		"%s", err);
	cr_assert_eq(cfg.db_statement_timeout_ms, 0);
	config_free(&cfg);
	cr_assert_eq(load(dev_conf("db_statement_timeout_ms = 1500\n"), env), 0,
		"%s", err);
	cr_assert_eq(cfg.db_statement_timeout_ms, 300);
	config_free(&cfg);
	expect_error(dev_conf("db_statement_timeout_ms = 300000\n"), NULL,
		"key 'db_statement_timeout_ms'", NULL);
	/* The read timeout (5 s here) would cut the connection first. */
	expect_error(dev_conf("db_statement_timeout_ms = 5000\n"), NULL,
		"key 'db_statement_timeout_ms'", "db_read_timeout");
	cr_assert_eq(load(dev_conf("db_statement_timeout_ms = 5000\n"
		"db_read_timeout = 6\n"), NULL), 0, "%s", err);
}

Test(config, lockout_cap_below_base_is_refused)
{
	expect_error(dev_conf("lockout_base_seconds = 600\n"
		"lockout_max_seconds = 60\n"), NULL,
		"key 'lockout_max_seconds'", "lockout_base_seconds");
	expect_error(dev_conf("lockout_threshold = 0\n"), NULL,
		"key 'lockout_threshold'", "1 to 1000");
}

Test(config, comments_blank_lines_and_empty_values)
{
	cr_assert_eq(load(dev_conf("# a comment\n\n   \t\nworkers = 7   # seven\n"
		"public_url = https://x.test/#frag\ndb_socket =\nlog_file =\n"
		"db_port =   \n"), NULL), 0, "%s", err);
	cr_assert_eq(cfg.workers, 7);
	cr_assert_str_eq(cfg.public_url, "https://x.test/#frag");
	cr_assert_null(cfg.db_socket);
	cr_assert_null(cfg.log_file);
	cr_assert_eq(cfg.db_port, 3306);
}

Test(config, environment_overrides_the_file)
{
	char *env[] = { "DEVFORGE_WORKERS=9", "DEVFORGE_RATELIMIT_AUTH=5/sec",
		"DEVFORGE_DB_NAME=other", "DEVFORGE_SOMETHING_ELSE=x",
		"PATH=/bin", NULL };

	cr_assert_eq(load(dev_conf("workers = 2\nratelimit.auth = 10/min\n"),
		env), 0, "%s", err);
	cr_assert_eq(cfg.workers, 9);
	cr_assert_eq(cfg.ratelimit[RL_AUTH].limit, 5);
	cr_assert_eq(cfg.ratelimit[RL_AUTH].window_s, 1);
	cr_assert_str_eq(cfg.db_name, "other");
}

Test(config, bad_environment_value_names_the_variable)
{
	char *env[] = { "DEVFORGE_WORKERS=many", NULL };

	expect_error(dev_conf(""), env, "environment DEVFORGE_WORKERS",
		"key 'workers'");
}

Test(config, environment_secrets_win_over_files)
{
	char *env[] = { "DEVFORGE_JWT_SECRET=" STRONG_SECRET "x",
		"DEVFORGE_DB_PASSWORD=db-pass-from-env\n", NULL };

	put("dbpw", 0600, "file-password\n");
	cr_assert_eq(load(dev_conf("db_password_file = dbpw\n"), env), 0, "%s",
		err);
	cr_assert_eq(cfg.jwt_secret_len, strlen(STRONG_SECRET) + 1);
	cr_assert_str_eq(cfg.db_password, "db-pass-from-env");
}

Test(config, secret_file_trailing_whitespace_is_stripped)
{
	put("dbpw", 0600, "pass word \r\n\n");
	cr_assert_eq(load(dev_conf("db_password_file = dbpw\n"), NULL), 0, "%s",
		err);
	cr_assert_str_eq(cfg.db_password, "pass word");
	cr_assert_eq(cfg.jwt_secret_len, strlen(STRONG_SECRET));
	cr_assert_eq(memcmp(cfg.jwt_secret, STRONG_SECRET, cfg.jwt_secret_len), 0);
}

Test(config, missing_secret_file_names_key_and_path)
{
	expect_error(put("devforge.conf", 0600, "jwt_secret_file = nope/jwt\n"),
		NULL, "key 'jwt_secret_file'", "nope/jwt");
	cr_assert_not_null(strstr(err, "devforge.conf:1:"), "%s", err);
}

Test(config, oversized_secret_file_is_refused)
{
	static char big[5000];

	memset(big, 'a', sizeof(big) - 1);
	put("dbpw", 0600, big);
	expect_error(dev_conf("db_password_file = dbpw\n"), NULL,
		"key 'db_password_file'", "4096");
}

#define STRIPE_KEY "sk_live_51Hq8vV2pLr9sT4wXz7bN1cF6hJ0mQ5dG8eR2tY4uI6oP9aS"
#define STRIPE_WHSEC "whsec_q8vV2pLr9sT4wXz7bN1cF6hJ0mQ5dG8eR2"

/* The config only checks the licence signing key's file (signed_init
 * parses it); a real key anyway. */
#define SIGNING_KEY_PEM "-----BEGIN PRIVATE KEY-----\n" \
	"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" \
	"-----END PRIVATE KEY-----\n"

/* A production config with the Stripe secrets given (NULL: key unset). */
static const char *prod_conf_stripe(const char *jwt, const char *dbpw,
	mode_t secret_mode, const char *sk, const char *whsec,
	const char *previous, const char *extra)
{
	char text[2048];
	size_t n;

	put("jwt", secret_mode, jwt);
	put("dbpw", secret_mode, dbpw);
	put("sigkey", 0600, SIGNING_KEY_PEM);
	n = (size_t)snprintf(text, sizeof(text), "mode = production\n"
		"public_url = https://api.devforge.dev\n"
		"jwt_secret_file = jwt\ndb_password_file = dbpw\n"
		"license_signing_key_file = sigkey\n%s", extra);
	if (sk != NULL) {
		put("sk", secret_mode, sk);
		n += (size_t)snprintf(text + n, sizeof(text) - n,
			"stripe_secret_key_file = sk\n");
	}
	if (whsec != NULL) {
		put("whsec", secret_mode, whsec);
		n += (size_t)snprintf(text + n, sizeof(text) - n,
			"stripe_webhook_secret_file = whsec\n");
	}
	if (previous != NULL) {
		put("whsec_prev", secret_mode, previous);
		snprintf(text + n, sizeof(text) - n,
			"stripe_webhook_secret_previous_file = whsec_prev\n");
	}
	return put("devforge.conf", 0600, text);
}

static const char *prod_conf(const char *jwt, const char *dbpw,
	mode_t secret_mode, const char *extra)
{
	return prod_conf_stripe(jwt, dbpw, secret_mode, STRIPE_KEY "\n",
		STRIPE_WHSEC "\n", NULL, extra);
}

Test(config, stripe_secrets_are_read_from_their_files)
{
	cr_assert_eq(load(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password",
		0600, STRIPE_KEY "\n", STRIPE_WHSEC "\n", "whsec_previousZ8vV2pLr9sT4wXz7bN1cF6hJ",
		""), NULL), 0, "%s", err);
	cr_assert_str_eq(cfg.stripe_secret_key, STRIPE_KEY);
	cr_assert_str_eq(cfg.stripe_webhook_secret, STRIPE_WHSEC);
	cr_assert_str_eq(cfg.stripe_webhook_secret_previous,
		"whsec_previousZ8vV2pLr9sT4wXz7bN1cF6hJ");
}

Test(config, stripe_secrets_are_optional_in_development)
{
	cr_assert_eq(load(dev_conf(""), NULL), 0, "%s", err);
	cr_assert_null(cfg.stripe_secret_key);
	cr_assert_null(cfg.stripe_webhook_secret);
	config_free(&cfg);
	/* ... but a named file must be readable, and the example is fine. */
	put("sk", 0644, "sk_test_example-not-secret-change-me\n");
	cr_assert_eq(load(dev_conf("stripe_secret_key_file = sk\n"), NULL), 0,
		"%s", err);
	cr_assert_str_eq(cfg.stripe_secret_key,
		"sk_test_example-not-secret-change-me");
	config_free(&cfg);
	expect_error(dev_conf("stripe_webhook_secret_file = nope/whsec\n"), NULL,
		"key 'stripe_webhook_secret_file'", "nope/whsec");
}

Test(config, missing_stripe_secrets_are_refused_in_production)
{
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		NULL, STRIPE_WHSEC, NULL, ""), NULL, "stripe_secret_key_file",
		"no Stripe secret key");
	config_free(&cfg);
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		STRIPE_KEY, NULL, NULL, ""), NULL, "stripe_webhook_secret_file",
		"no Stripe webhook signing secret");
	config_free(&cfg);
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		STRIPE_KEY, "\n", NULL, ""), NULL, "stripe_webhook_secret_file",
		"no Stripe webhook signing secret");
}

Test(config, example_stripe_secrets_are_refused_in_production)
{
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		"sk_test_example-not-secret-change-me-0123456789", STRIPE_WHSEC,
		NULL, ""), NULL, "stripe_secret_key_file", "example");
	config_free(&cfg);
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		STRIPE_KEY, "whsec_example-not-secret-change-me-0123456789", NULL,
		""), NULL, "stripe_webhook_secret_file", "example");
	config_free(&cfg);
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		STRIPE_KEY, STRIPE_WHSEC, "whsec_example-not-secret-change-me-0123",
		""), NULL, "stripe_webhook_secret_previous_file", "example");
}

Test(config, short_or_misplaced_stripe_secrets_are_refused_in_production)
{
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		"sk_live_0123456789abcdef", STRIPE_WHSEC, NULL, ""), NULL,
		"stripe_secret_key_file", "24 bytes");
	config_free(&cfg);
	/* The webhook secret in the key's file and the other way round. */
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		STRIPE_WHSEC, STRIPE_KEY, NULL, ""), NULL,
		"stripe_secret_key_file", "prefix");
	config_free(&cfg);
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		STRIPE_KEY, STRIPE_KEY, NULL, ""), NULL,
		"stripe_webhook_secret_file", "prefix");
	config_free(&cfg);
	/* A publishable key is not a secret key. */
	expect_error(prod_conf_stripe(STRONG_SECRET, "Zq9-real-password", 0600,
		"pk_live_51Hq8vV2pLr9sT4wXz7bN1cF6hJ0mQ5dG8eR2tY4uI6oP9aS",
		STRIPE_WHSEC, NULL, ""), NULL, "stripe_secret_key_file", "prefix");
}

Test(config, group_readable_stripe_secret_is_refused_in_production)
{
	const char *conf = prod_conf(STRONG_SECRET, "Zq9-real-password", 0600, "");

	cr_assert_eq(chmod(put("whsec", 0640, STRIPE_WHSEC), 0640), 0);
	expect_error(conf, NULL, "key 'stripe_webhook_secret_file'", "0640");
}

Test(config, good_production_config_is_accepted)
{
	cr_assert_eq(load(prod_conf(STRONG_SECRET "\n", "Zq9-real-password\n",
		0600, "cors_origins = https://devforge.dev\n"), NULL), 0, "%s", err);
	cr_assert_eq(cfg.mode, CONFIG_PRODUCTION);
	cr_assert_eq(config_check_secrets(&cfg, err, sizeof(err)), 0);
	cr_assert_str_eq(cfg.db_password, "Zq9-real-password");
}

Test(config, example_jwt_secret_is_refused_in_production)
{
	expect_error(prod_conf("example-jwt-secret-not-secret-change-me-0123456789",
		"Zq9-real-password", 0600, ""), NULL, "jwt_secret_file", "example");
}

Test(config, example_markers_are_case_insensitive)
{
	expect_error(prod_conf(STRONG_SECRET "CHANGEME", "Zq9-real-password",
		0600, ""), NULL, "jwt_secret_file", "example");
}

Test(config, example_secret_is_fine_in_development)
{
	put("jwt", 0644, "example-jwt-secret-not-secret-change-me-0123456789\n");
	put("dbpw", 0644, "example-db-password-not-secret\n");
	cr_assert_eq(load(put("devforge.conf", 0600, "jwt_secret_file = jwt\n"
		"db_password_file = dbpw\n"), NULL), 0, "%s", err);
}

Test(config, short_jwt_secret_is_refused_in_production)
{
	expect_error(prod_conf("0123456789abcdef0123456789abcde", "Zq9-real-password",
		0600, ""), NULL, "jwt_secret_file", "31 bytes");
}

Test(config, example_db_password_is_refused_in_production)
{
	expect_error(prod_conf(STRONG_SECRET, "example-db-password-not-secret",
		0600, ""), NULL, "db_password_file", "example");
}

Test(config, empty_db_password_is_refused_in_production)
{
	expect_error(prod_conf(STRONG_SECRET, "\n", 0600, ""), NULL,
		"db_password_file", NULL);
}

Test(config, group_readable_secret_is_refused_in_production)
{
	expect_error(prod_conf(STRONG_SECRET, "Zq9-real-password", 0640, ""),
		NULL, "key 'jwt_secret_file'", "0640");
}

Test(config, production_requires_https_public_url)
{
	char *env[] = { "DEVFORGE_PUBLIC_URL=http://api.devforge.dev", NULL };

	expect_error(prod_conf(STRONG_SECRET, "Zq9-real-password", 0600, ""), env,
		"environment DEVFORGE_PUBLIC_URL: key 'public_url'", "https");
}

Test(config, check_secrets_refuses_missing_secret)
{
	struct config c;

	memset(&c, 0, sizeof(c));
	c.mode = CONFIG_PRODUCTION;
	cr_assert_eq(config_check_secrets(&c, err, sizeof(err)), DF_EINVAL);
	cr_assert_not_null(strstr(err, "jwt_secret_file"));
}

Test(config, relative_paths_resolve_against_the_config_directory)
{
	char real[PATH_MAX], want[PATH_MAX + 64];
	const char *conf;

	subdir("etc");
	subdir("etc/secrets");
	put("etc/secrets/jwt", 0600, STRONG_SECRET);
	conf = put("etc/devforge.conf", 0600, "jwt_secret_file = secrets/jwt\n"
		"log_file = logs/worker.log\nmigrations_dir = ../sql\n"
		"db_socket = /run/mysqld/mysqld.sock\n");
	cr_assert_eq(load(conf, NULL), 0, "%s", err);
	cr_assert_not_null(realpath(dir, real));
	snprintf(want, sizeof(want), "%s/etc/secrets/jwt", real);
	cr_assert_str_eq(cfg.jwt_secret_file, want);
	snprintf(want, sizeof(want), "%s/etc/logs/worker.log", real);
	cr_assert_str_eq(cfg.log_file, want);
	snprintf(want, sizeof(want), "%s/etc/../sql", real);
	cr_assert_str_eq(cfg.migrations_dir, want);
	cr_assert_str_eq(cfg.db_socket, "/run/mysqld/mysqld.sock");
}

Test(config, relative_path_from_environment_resolves_too)
{
	char real[PATH_MAX], want[PATH_MAX + 64];
	char *env[] = { "DEVFORGE_LOG_FILE=x.log", NULL };

	cr_assert_eq(load(dev_conf(""), env), 0, "%s", err);
	cr_assert_not_null(realpath(dir, real));
	snprintf(want, sizeof(want), "%s/x.log", real);
	cr_assert_str_eq(cfg.log_file, want);
}

Test(config, ratelimits_parse_all_windows)
{
	cr_assert_eq(load(dev_conf("ratelimit.default = 1000000/hour\n"
		"ratelimit.auth = 1/sec\nratelimit.license = 60/min\n"
		"ratelimit.analytics = 42/hour\n"), NULL), 0, "%s", err);
	cr_assert_eq(cfg.ratelimit[RL_DEFAULT].limit, 1000000);
	cr_assert_eq(cfg.ratelimit[RL_DEFAULT].window_s, 3600);
	cr_assert_eq(cfg.ratelimit[RL_AUTH].limit, 1);
	cr_assert_eq(cfg.ratelimit[RL_AUTH].window_s, 1);
	cr_assert_eq(cfg.ratelimit[RL_LICENSE].window_s, 60);
	cr_assert_eq(cfg.ratelimit[RL_ANALYTICS].limit, 42);
}

Test(config, bad_ratelimits_are_refused)
{
	static const char *const bad[] = { "0/min", "1000001/min", "10/day",
		"10", "/min", "10 /min", "-5/sec", "10/min/x" };
	char line[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "ratelimit.license = %s\n", bad[i]);
		expect_error(dev_conf(line), NULL,
			"devforge.conf:2: key 'ratelimit.license'", "N/min");
	}
	expect_error(dev_conf("ratelimit.none = 1/sec\n"), NULL,
		"key 'ratelimit.none'", "unknown");
}

Test(config, cors_origins_are_exact_and_checked)
{
	cr_assert_eq(load(dev_conf("cors_origins = http://localhost:3000, "
		"https://app.devforge.dev ,https://[::1]:8443\n"), NULL), 0, "%s",
		err);
	cr_assert_eq(cfg.ncors_origins, 3);
	cr_assert(config_origin_allowed(&cfg, "http://localhost:3000"));
	cr_assert(config_origin_allowed(&cfg, "https://app.devforge.dev"));
	cr_assert(config_origin_allowed(&cfg, "https://[::1]:8443"));
	cr_assert_not(config_origin_allowed(&cfg, "http://localhost:3001"));
	cr_assert_not(config_origin_allowed(&cfg, "https://app.devforge.dev/"));
	cr_assert_not(config_origin_allowed(&cfg, NULL));
}

Test(config, bad_cors_origins_are_refused)
{
	static const char *const bad[] = { "*", "https://a.dev/", "https://a.dev/x",
		"ftp://a.dev", "a.dev", "https://", "https://A.dev", "https://a.dev:0",
		"https://a.dev:65536", "https://a.dev:", "https://a.dev,",
		"https://a.dev?x" };
	char line[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "cors_origins = %s\n", bad[i]);
		expect_error(dev_conf(line), NULL,
			"devforge.conf:2: key 'cors_origins'", NULL);
	}
	expect_error(dev_conf("cors_origins = *\n"), NULL, "'*' is not allowed",
		NULL);
	expect_error(dev_conf("cors_origins = https://a.dev/\n"), NULL,
		"trailing slash", NULL);
}

Test(config, trusted_networks_are_parsed)
{
	cr_assert_eq(load(dev_conf("trusted_networks = 10.0.0.0/8, 2001:db8::/32,"
		"192.0.2.7\n"), NULL), 0, "%s", err);
	cr_assert_eq(cfg.ntrusted, 3);
	cr_assert(config_is_trusted(&cfg, "10.200.1.1"));
	cr_assert(config_is_trusted(&cfg, "2001:db8:1::5"));
	cr_assert(config_is_trusted(&cfg, "192.0.2.7"));
	cr_assert_not(config_is_trusted(&cfg, "192.0.2.8"));
	cr_assert_not(config_is_trusted(&cfg, "127.0.0.1"));
	cr_assert_not(config_is_trusted(&cfg, NULL));
}

Test(config, bad_trusted_network_names_key)
{
	expect_error(dev_conf("trusted_networks = 10.0.0.0/33\n"), NULL,
		"devforge.conf:2: key 'trusted_networks'", "10.0.0.0/33");
	expect_error(dev_conf("trusted_networks = 10.0.0.0/8,,::1\n"), NULL,
		"key 'trusted_networks'", "empty");
}

Test(config, shm_name_and_public_url_are_checked)
{
	expect_error(dev_conf("shm_name = devforge\n"), NULL, "key 'shm_name'",
		NULL);
	expect_error(dev_conf("shm_name = /a/b\n"), NULL, "key 'shm_name'", NULL);
	expect_error(dev_conf("public_url = api.devforge.dev\n"), NULL,
		"key 'public_url'", NULL);
}

Test(config, describe_lists_every_key_without_secrets)
{
	char buf[8192];
	int n;

	put("dbpw", 0600, "hunter2-db\n");
	cr_assert_eq(load(dev_conf("db_password_file = dbpw\n"
		"cors_origins = http://localhost:3000\n"), NULL), 0, "%s", err);
	n = config_describe(&cfg, buf, sizeof(buf));
	cr_assert(n > 0);
	cr_assert_eq((size_t)n, strlen(buf));
	cr_assert_not_null(strstr(buf, "mode = development\n"));
	cr_assert_not_null(strstr(buf, "workers = 4\n"));
	cr_assert_not_null(strstr(buf, "ratelimit.auth = 10/min\n"));
	cr_assert_not_null(strstr(buf, "trusted_networks = 127.0.0.0/8, ::1/128\n"));
	cr_assert_not_null(strstr(buf, "cors_origins = http://localhost:3000\n"));
	cr_assert_not_null(strstr(buf, "log_level = info\n"));
	cr_assert_not_null(strstr(buf, "max_headers_total_bytes = 32768\n"));
	cr_assert_not_null(strstr(buf, "jwt_secret = (set, 48 bytes)\n"));
	cr_assert_not_null(strstr(buf, "db_password = (set, 10 bytes)\n"));
	cr_assert_null(strstr(buf, "hunter2"));
	cr_assert_null(strstr(buf, STRONG_SECRET));
	cr_assert_eq(config_describe(&cfg, buf, 64), DF_ETOOBIG);
}

Test(config, describe_shows_missing_password)
{
	char buf[8192];

	cr_assert_eq(load(dev_conf(""), NULL), 0, "%s", err);
	cr_assert(config_describe(&cfg, buf, sizeof(buf)) > 0);
	cr_assert_not_null(strstr(buf, "db_password = (missing)\n"));
}

/* The shipped example. */
Test(config, example_file_loads)
{
	const char *rel = "conf/devforge.conf.example";
	char path[PATH_MAX + 64];

	unit_shipped_path(path, sizeof(path), rel);
	cr_assert_eq(load(path, NULL), 0, "%s", err);
	cr_assert_eq(cfg.mode, CONFIG_DEVELOPMENT);
	cr_assert_str_eq(cfg.jwt_audience, "devforge-api");
	cr_assert_eq(cfg.ncors_origins, 1);
	cr_assert_eq(cfg.jwt_secret_len,
		strlen("example-jwt-secret-not-secret-change-me-0123456789"));
}

Test(config, free_twice_is_harmless)
{
	cr_assert_eq(load(dev_conf(""), NULL), 0, "%s", err);
	config_free(&cfg);
	config_free(&cfg);
	cr_assert_null(cfg.jwt_secret);
}

Test(config, mail_defaults_to_sendmail)
{
	cr_assert_eq(load(dev_conf(""), NULL), 0, "%s", err);
	cr_assert_eq(cfg.mail_transport, CONFIG_MAIL_SENDMAIL);
	cr_assert_str_eq(cfg.sendmail_path, "/usr/sbin/sendmail");
	cr_assert_str_eq(cfg.mail_from, "Dev Forge <no-reply@devforge.dev>");
	cr_assert_null(cfg.mail_maildir);
}

Test(config, maildir_transport_reads_its_directory)
{
	char real[PATH_MAX], want[PATH_MAX + 16];

	cr_assert_eq(load(dev_conf("mail_transport = maildir\n"
		"mail_maildir = mail\nmail_from = ops@example.org\n"), NULL), 0,
		"%s", err);
	cr_assert_eq(cfg.mail_transport, CONFIG_MAIL_MAILDIR);
	cr_assert_not_null(realpath(dir, real));
	snprintf(want, sizeof(want), "%s/mail", real);
	cr_assert_str_eq(cfg.mail_maildir, want);
	cr_assert_str_eq(cfg.mail_from, "ops@example.org");
}

Test(config, maildir_transport_needs_a_directory)
{
	expect_error(dev_conf("mail_transport = maildir\n"), NULL,
		"key 'mail_maildir'", "needs the directory");
}

Test(config, mail_keys_are_checked)
{
	char *env[] = { "DEVFORGE_MAIL_TRANSPORT=smtp", NULL };

	expect_error(dev_conf(""), env, "DEVFORGE_MAIL_TRANSPORT",
		"sendmail, maildir");
	expect_error(dev_conf("mail_from = Dev Forge <nobody>\n"), NULL,
		"key 'mail_from'", "addr@host");
}

Test(config, password_defaults_apply)
{
	char *env[] = { "DEVFORGE_JWT_SECRET=dev-only-secret", NULL };

	cr_assert_eq(load(NULL, env), 0, "%s", err);
	cr_assert_eq(cfg.password.ln, PASSWORD_DEFAULT_LN);
	cr_assert_eq(cfg.password.r, PASSWORD_DEFAULT_R);
	cr_assert_eq(cfg.password.p, PASSWORD_DEFAULT_P);
	cr_assert(password_params_ok(&cfg.password));
	cr_assert_not_null(cfg.common_passwords_file);
	cr_assert_not_null(strstr(cfg.common_passwords_file,
		"common-passwords.txt"), "%s", cfg.common_passwords_file);
}

Test(config, password_keys_are_read_from_file_and_environment)
{
	char *env[] = { "DEVFORGE_PASSWORD_SCRYPT_P=2", NULL };
	char real[PATH_MAX], want[PATH_MAX + 64];

	cr_assert_eq(load(dev_conf("password_scrypt_ln = 16\n"
		"password_scrypt_r = 4\npassword_scrypt_p = 3\n"
		"common_passwords_file = lists/common.txt\n"), env), 0, "%s", err);
	cr_assert_eq(cfg.password.ln, 16);
	cr_assert_eq(cfg.password.r, 4);
	cr_assert_eq(cfg.password.p, 2);
	cr_assert_not_null(realpath(dir, real));
	snprintf(want, sizeof(want), "%s/lists/common.txt", real);
	cr_assert_str_eq(cfg.common_passwords_file, want);
}

Test(config, password_cost_out_of_range_is_refused)
{
	expect_error(dev_conf("password_scrypt_ln = 13\n"), NULL,
		"devforge.conf:2: key 'password_scrypt_ln'", "14 to 20");
	expect_error(dev_conf("password_scrypt_ln = 21\n"), NULL,
		"key 'password_scrypt_ln'", "14 to 20");
	expect_error(dev_conf("password_scrypt_r = 0\n"), NULL,
		"key 'password_scrypt_r'", "1 to 32");
	expect_error(dev_conf("password_scrypt_r = 33\n"), NULL,
		"key 'password_scrypt_r'", "1 to 32");
	expect_error(dev_conf("password_scrypt_p = 0\n"), NULL,
		"key 'password_scrypt_p'", "1 to 16");
	expect_error(dev_conf("password_scrypt_p = 17\n"), NULL,
		"key 'password_scrypt_p'", "1 to 16");
}

Test(config, password_cost_above_the_memory_bound_is_refused)
{
	/* Each value in range, together 128 * 9 * 2^20 bytes > 1 GiB. */
	expect_error(dev_conf("password_scrypt_ln = 20\npassword_scrypt_r = 9\n"),
		NULL, "key 'password_scrypt_r'", "MiB");
	cr_assert_eq(load(dev_conf("password_scrypt_ln = 20\n"
		"password_scrypt_r = 8\n"), NULL), 0, "%s", err);
}

Test(config, clock_offset_defaults_to_zero_and_takes_a_signed_value)
{
	char *env[] = { "DEVFORGE_CLOCK_OFFSET_SECONDS=-3600", NULL };

	cr_assert_eq(load(dev_conf(""), NULL), 0, "%s", err);
	cr_assert_eq(cfg.clock_offset_seconds, 0);
	config_free(&cfg);
	cr_assert_eq(load(dev_conf("clock_offset_seconds = 86400\n"), NULL), 0,
		"%s", err);
	cr_assert_eq(cfg.clock_offset_seconds, 86400);
	config_free(&cfg);
	cr_assert_eq(load(dev_conf("clock_offset_seconds = 86400\n"), env), 0,
		"%s", err);
	cr_assert_eq(cfg.clock_offset_seconds, -3600);
	config_free(&cfg);
	expect_error(dev_conf("clock_offset_seconds = 1e3\n"), NULL,
		"key 'clock_offset_seconds'", "integer");
	expect_error(dev_conf("clock_offset_seconds = 9999999999\n"), NULL,
		"key 'clock_offset_seconds'", "integer");
}

Test(config, clock_offset_is_refused_in_production)
{
	char *env[] = { "DEVFORGE_CLOCK_OFFSET_SECONDS=600", NULL };

	expect_error(prod_conf(STRONG_SECRET, "Zq9-real-password", 0600,
		"clock_offset_seconds = -1\n"), NULL, "key 'clock_offset_seconds'",
		"production");
	expect_error(prod_conf(STRONG_SECRET, "Zq9-real-password", 0600, ""),
		env, "DEVFORGE_CLOCK_OFFSET_SECONDS", "production");
	cr_assert_eq(load(prod_conf(STRONG_SECRET, "Zq9-real-password", 0600,
		"clock_offset_seconds = 0\n"), NULL), 0, "%s", err);
}

Test(config, missing_licence_signing_key_is_refused_in_production)
{
	char path[PATH_MAX];

	put("jwt", 0600, STRONG_SECRET);
	put("dbpw", 0600, "Zq9-real-password");
	expect_error(put("devforge.conf", 0600, "mode = production\n"
		"public_url = https://api.devforge.dev\n"
		"jwt_secret_file = jwt\ndb_password_file = dbpw\n"), NULL,
		"key 'license_signing_key_file'", "production mode requires one");
	/* Named but gone. */
	prod_conf(STRONG_SECRET, "Zq9-real-password", 0600, "");
	snprintf(path, sizeof(path), "%s/sigkey", dir);
	cr_assert_eq(unlink(path), 0);
	expect_error(put("devforge.conf", 0600, "mode = production\n"
		"public_url = https://api.devforge.dev\n"
		"jwt_secret_file = jwt\ndb_password_file = dbpw\n"
		"license_signing_key_file = sigkey\n"), NULL,
		"key 'license_signing_key_file'", "sigkey");
}

Test(config, group_readable_licence_signing_key_is_refused_in_production)
{
	const char *conf = prod_conf(STRONG_SECRET, "Zq9-real-password", 0600, "");

	cr_assert_eq(chmod(put("sigkey", 0640, SIGNING_KEY_PEM), 0640), 0);
	expect_error(conf, NULL, "key 'license_signing_key_file'", "0640");
}

/* DEPLOYMENT: migrate (section 6), then keys generate (5b) makes the
 * key. Production refused both for the very key the second one makes;
 * their load (config_load_setup) lets it be unset, and only that. */
Test(config, setup_commands_load_production_without_the_signing_key)
{
	static const char base[] = "mode = production\n"
		"public_url = https://api.devforge.dev\n"
		"jwt_secret_file = jwt\ndb_password_file = dbpw\n"
		"stripe_secret_key_file = sk\n"
		"stripe_webhook_secret_file = whsec\n";
	const char *conf;

	(void)prod_conf(STRONG_SECRET, "Zq9-real-password", 0600, "");
	conf = put("devforge.conf", 0600, base);
	expect_error(conf, NULL, "key 'license_signing_key_file'",
		"keys generate");
	cr_assert_eq(config_load_setup(&cfg, conf, NULL, err, sizeof(err)), 0,
		"%s", err);
	cr_assert_null(cfg.license_signing_key_file);
	config_free(&cfg);
	/* A key that is named is still checked. */
	conf = put("devforge.conf", 0600, "mode = production\n"
		"public_url = https://api.devforge.dev\n"
		"jwt_secret_file = jwt\ndb_password_file = dbpw\n"
		"stripe_secret_key_file = sk\n"
		"stripe_webhook_secret_file = whsec\n"
		"license_signing_key_file = nope.pem\n");
	cr_assert_eq(config_load_setup(&cfg, conf, NULL, err, sizeof(err)),
		DF_EINVAL);
	cr_assert_not_null(strstr(err, "nope.pem"), "%s", err);
}

Test(config, licence_signing_key_is_optional_in_development)
{
	cr_assert_eq(load(dev_conf(""), NULL), 0, "%s", err);
	cr_assert_null(cfg.license_signing_key_file);
	config_free(&cfg);
	/* ... but a named file must be readable. */
	expect_error(dev_conf("license_signing_key_file = nope/key.pem\n"), NULL,
		"key 'license_signing_key_file'", "nope/key.pem");
}

/* ---- every key, every error ------------------------------------------- */

Test(config, load_all_reports_every_error_at_once)
{
	char *const envp[] = { "DEVFORGE_DB_PORT=0", NULL };
	const char *path = dev_conf("workers = 0\nno_such_key = 1\n"
		"log_level = loud\nmode = production\n");

	cr_assert_eq(config_load_all(&cfg, path, envp, err, sizeof(err)),
		DF_EINVAL);
	cr_assert_not_null(strstr(err, "key 'workers'"), "%s", err);
	cr_assert_not_null(strstr(err, "no_such_key"), "%s", err);
	cr_assert_not_null(strstr(err, "key 'log_level'"), "%s", err);
	cr_assert_not_null(strstr(err, "DEVFORGE_DB_PORT"), "%s", err);
	/* A rule across keys is checked too (production wants https). */
	cr_assert_not_null(strstr(err, "key 'public_url'"), "%s", err);
	/* config_load still stops at the first. */
	cr_assert_eq(load(path, envp), DF_EINVAL);
	cr_assert_null(strchr(err, '\n'), "%s", err);
}

/* An operator who copied the example into production learns in one
 * check-config run every secret that is still an example, loose or not,
 * beside the other errors (a failed step used to hide them all, and one
 * unreadable Stripe file the next one). */
Test(config, load_all_names_every_example_secret_beside_other_errors)
{
	const char *path = prod_conf_stripe(
		"example-jwt-secret-not-secret-change-me-0123456789",
		"example-db-password-not-secret", 0644,
		"sk_test_example-not-secret-change-me-0123456789",
		"whsec_example-not-secret-change-me-0123456789", NULL,
		"workers = 0\n");

	cr_assert_eq(config_load_all(&cfg, path, NULL, err, sizeof(err)),
		DF_EINVAL);
	cr_assert_not_null(strstr(err, "key 'workers'"), "%s", err);
	cr_assert_not_null(strstr(err, "key 'stripe_webhook_secret_file': "
		"'"), "%s", err);
	cr_assert_not_null(strstr(err, "0644"), "%s", err);
	cr_assert_not_null(strstr(err, "key 'jwt_secret_file': the JWT "
		"secret is an example value"), "%s", err);
	cr_assert_not_null(strstr(err, "key 'db_password_file': the database "
		"password is an example value"), "%s", err);
	cr_assert_not_null(strstr(err, "key 'stripe_secret_key_file': the "
		"Stripe secret key is an example value"), "%s", err);
	cr_assert_not_null(strstr(err, "key 'stripe_webhook_secret_file': the "
		"Stripe webhook signing secret is an example value"), "%s", err);
	/* Each with the file and line of its key. */
	cr_assert_not_null(strstr(err, "devforge.conf:3: key 'jwt_secret_file'"),
		"%s", err);
}

/* A secret file that cannot be read is one error, not also "no secret". */
Test(config, load_all_does_not_repeat_an_unreadable_secret_as_missing)
{
	const char *path = put("devforge.conf", 0600,
		"jwt_secret_file = nope/jwt\n");

	cr_assert_eq(config_load_all(&cfg, path, NULL, err, sizeof(err)),
		DF_EINVAL);
	cr_assert_not_null(strstr(err, "nope/jwt"), "%s", err);
	cr_assert_null(strstr(err, "no JWT secret"), "%s", err);
}

Test(config, env_known_is_the_key_table)
{
	cr_assert(config_env_known("DEVFORGE_RATELIMIT_AUTH_GLOBAL"));
	cr_assert(config_env_known("DEVFORGE_JWT_SECRET"));
	cr_assert(config_env_known("DEVFORGE_WORKERS"));
	cr_assert(!config_env_known("DEVFORGE_WORKRES"));
	cr_assert(!config_env_known("DEVFORGE_"));
}

/* conf/devforge.conf.example documents every key config.c accepts: a
 * `key = ` line, and in the comment block above it a "# Default: " line
 * giving the built-in default (a unit in parentheses for numbers; paths
 * made by configure are named by their installation variable). */
Test(config, the_example_documents_every_key_with_its_default)
{
	const char *srcdir = getenv("srcdir");
	char path[1024], *lines[2048], buf[512];
	const char *name, *dflt;
	size_t n = 0, i, k;
	FILE *f;

	snprintf(path, sizeof(path), "%s/conf/devforge.conf.example",
		srcdir ? srcdir : ".");
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	while (n < 2048 && fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		lines[n] = strdup(buf);
		cr_assert_not_null(lines[n]);
		n++;
	}
	fclose(f);
	for (k = 0; (name = config_key_name(k, &dflt)) != NULL; k++) {
		size_t len = strlen(name);
		const char *doc = NULL;

		for (i = 0; i < n; i++)
			if (strncmp(lines[i], name, len) == 0 &&
			    strspn(lines[i] + len, " ") + len < strlen(lines[i]) &&
			    lines[i][len + strspn(lines[i] + len, " ")] == '=')
				break;
		cr_expect(i < n, "key '%s' is not in %s", name, path);
		if (i == n)
			continue;
		while (i > 0 && lines[i - 1][0] == '#') {
			i--;
			if (strncmp(lines[i], "# Default: ", 11) == 0)
				doc = lines[i] + 11;
		}
		cr_expect_not_null(doc, "key '%s' has no '# Default:' line", name);
		if (doc == NULL)
			continue;
		if (dflt == NULL) {
			cr_expect(strncmp(doc, "unset", 5) == 0,
				"key '%s' has no default, the example says '%s'",
				name, doc);
		} else if (dflt[0] == '/') {
			cr_expect(strncmp(doc, "$(", 2) == 0 ||
				strncmp(doc, dflt, strlen(dflt)) == 0,
				"key '%s': default %s, the example says '%s'", name,
				dflt, doc);
		} else {
			size_t dl = strlen(dflt);

			cr_expect(strncmp(doc, dflt, dl) == 0 &&
				(doc[dl] == '.' || doc[dl] == ' '),
				"key '%s': default '%s', the example says '%s'", name,
				dflt, doc);
			/* A number (not an address, not a rate "N/min"). */
			if (strspn(dflt, "-0123456789") == dl)
				cr_expect(doc[dl] == ' ' && doc[dl + 1] == '(',
					"key '%s': no unit after its default: '%s'",
					name, doc);
		}
	}
	cr_assert_gt(k, 50, "the key table looks empty");
	for (i = 0; i < n; i++)
		free(lines[i]);
}
