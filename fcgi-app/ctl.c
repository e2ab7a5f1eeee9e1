/* devforgectl: the operator's tool. `migrate` applies sql/migrations in
 * order, each recorded in schema_migrations with its SHA-256, and refuses
 * to run when an applied file changed or vanished; `check-config` loads a
 * configuration the way the workers do and prints it without secrets;
 * `create-admin` (ctl_admin.c) makes the first admin account;
 * `demo-packages` (ctl_packages.c) gives the demo catalogue its files;
 * `demo-catalogue` (ctl_catalogue.c) generates one of marketplace size. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "ctl_admin.h"
#include "ctl_audit.h"
#include "ctl_catalogue.h"
#include "ctl_jobs.h"
#include "ctl_packages.h"
#include "ctl_mail.h"
#include "ctl_mail_receive.h"
#include "ctl_keys.h"
#include "ctl_orders.h"
#include "ctl_webhooks.h"
#include "ctl_search.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "store/migrations.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif
#ifndef DF_SYSCONF_CONFIG
#define DF_SYSCONF_CONFIG "/etc/devforge/devforge.conf"
#endif

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_PENDING = 3,
	/* migrate --status: the database cannot be reached, so nothing is
	 * known about the migrations (a deployment script retries). */
	EXIT_DB_UNREACHABLE = 4 };

#define MIGRATION_MAX_BYTES (16u << 20)
#define MIGRATE_LOCK_WAIT_S 30

static const char *prog = "devforgectl";

/* A migration file, and what the ledger says about its version. */
struct migration {
	int version;
	char *name;               /* file name, NULL for a ledger-only row */
	char sha[65];             /* of the file */
	int applied;
	char *applied_name;       /* from the ledger */
	char applied_sha[65];
};

struct plan {
	const char *dir;
	struct migration *m;
	size_t n, cap;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-c CONF] migrate [--status]\n"
		"       %s [-c CONF] check-config\n"
		"       %s [-c CONF] mail-send [--once] [--limit N]\n"
		"       %s [-c CONF] mail-receive [--help] < MESSAGE\n"
		"       %s [-c CONF] webhooks-send [--once [--now T]]\n"
		"       %s [-c CONF] create-admin --email E --username U "
		"[--password-file F]\n"
		"       %s [-c CONF] create-admin --promote (--email E | "
		"--username U)\n"
		"       %s [-c CONF] demo-packages\n"
		"       %s [-c CONF] demo-catalogue --extensions N [--users U] "
		"[--versions V] [--seed S] [--force]\n"
		"       %s demo-catalogue --vocabulary\n"
		"       %s [-c CONF] search-reindex\n"
		"       %s [-c CONF] orders-expire\n"
		"       %s [-c CONF] pay ORDER_ID\n"
		"       %s [-c CONF] jobs run [--once] [--only NAME]\n"
		"       %s [-c CONF] keys generate --out FILE | keys list | "
		"keys retire KID\n"
		"       %s [-c CONF] audit [--json]\n"
		"       %s --help | --version\n"
		"\n"
		"  -c, --config FILE  configuration (default %s)\n"
		"  migrate            apply the pending SQL migrations in order\n"
		"  migrate --status   list the migrations; exit 0 when up to date,\n"
		"                     3 when some are pending, 1 when an applied\n"
		"                     file changed or is missing, 4 when the\n"
		"                     database cannot be reached\n"
		"  check-config       load the configuration and print it without\n"
		"                     secrets; reports every error (exit 1), and\n"
		"                     warns of unknown DEVFORGE_* variables and a\n"
		"                     sendmail_path that is not executable, and\n"
		"                     storage, index, log or maildir paths this\n"
		"                     user cannot write\n"
		"  mail-send          deliver the mail outbox (mail_transport):\n"
		"                     without --once it keeps polling until\n"
		"                     SIGTERM; --once makes one pass and exits 1\n"
		"                     when a delivery failed (it stays queued and\n"
		"                     is retried with backoff); --limit N caps\n"
		"                     the messages per pass (default %d)\n"
		"  mail-receive       add the e-mail reply on stdin to its\n"
		"                     support ticket, or keep it as a dead\n"
		"                     letter; exit 75 when the database cannot\n"
		"                     take it (mail-receive --help)\n"
		"  webhooks-send      deliver developers' webhook events, signed,\n"
		"                     retrying with backoff for 3 days; without\n"
		"                     --once it keeps polling until SIGTERM;\n"
		"                     --now T (unix or RFC 3339, tests only, not\n"
		"                     in production mode) sets its clock\n"
		"  create-admin       create an admin account; the password is\n"
		"                     the first line of F, else read from stdin\n"
		"                     (without echo on a terminal)\n"
		"  create-admin --promote\n"
		"                     make an existing account an active admin\n"
		"  demo-packages      build and store a package for each version\n"
		"                     of the demo catalogue (sql/seed) without one\n"
		"  demo-catalogue     generate a marketplace of N published\n"
		"                     extensions (gen-*) with U users (default\n"
		"                     N*10/3), V versions each (default 10),\n"
		"                     reviews and download history, the same for\n"
		"                     the same seed (default 1); does nothing when\n"
		"                     one of N is there; refused with mode =\n"
		"                     production unless --force; --vocabulary\n"
		"                     prints its words, most common first\n"
		"  search-reindex     rebuild this host's full-text index\n"
		"                     (search_index_dir) from the database\n"
		"  orders-expire      mark every pending order past its\n"
		"                     expires_at expired (for cron)\n"
		"  pay ORDER_ID       dev stack only: have the Stripe stand-in\n"
		"                     complete the order's checkout and deliver\n"
		"                     the signed checkout.session.completed to\n"
		"                     the webhook (refused in production)\n"
		"  jobs run           the periodic jobs (list below), each under a\n"
		"                     MariaDB named lock: a job another runner\n"
		"                     holds is skipped; each run is recorded in\n"
		"                     job_runs; without --once a pass every 30 s\n"
		"                     until SIGTERM; --once makes one pass and\n"
		"                     exits 1 when a job failed; --only NAME runs\n"
		"                     one job (\"jobs [--once]\" still works)\n"
		"  keys generate      make a licence signing key: the private key\n"
		"                     into FILE (0600, never overwritten), its\n"
		"                     public half into the database; prints its\n"
		"                     kid (point license_signing_key_file at FILE\n"
		"                     and restart to sign with it)\n"
		"  keys list          the signing keys, retired ones included\n"
		"  keys retire KID    stop verifying with a key\n"
		"  audit              the security audit (docs/SECURITY.md): a\n"
		"                     table of findings, --json the admin route's\n"
		"                     shape; exit 0 without a critical finding,\n"
		"                     3 with one, 1 when it cannot read the\n"
		"                     configuration or the database\n"
		"\n"
		"  jobs:\n",
		prog, /* jobs */
		prog, /* mail-receive */
		prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog,
		prog, prog, prog, prog, DF_SYSCONF_CONFIG,
		CTL_MAIL_LIMIT_DEFAULT);
	ctl_jobs_list(f);
}

/* ^[0-9]{4}_[a-z0-9_]+\.sql$ */
static int migration_name(const char *s, int *version)
{
	size_t len = strlen(s), i;

	if (len < 10 || strcmp(s + len - 4, ".sql") != 0 || s[4] != '_')
		return 0;
	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	for (i = 5; i < len - 4; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return 0;
	*version = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		(s[3] - '0');
	return 1;
}

static struct migration *plan_add(struct plan *p)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct migration *m = realloc(p->m, cap * sizeof(*m));

		if (m == NULL)
			return NULL;
		p->m = m;
		p->cap = cap;
	}
	memset(&p->m[p->n], 0, sizeof(p->m[p->n]));
	return &p->m[p->n++];
}

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->m[i].name);
		free(p->m[i].applied_name);
	}
	free(p->m);
	memset(p, 0, sizeof(*p));
}

static int by_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* Reads dir/name whole (NUL-terminated). 0 or -1 with a message printed. */
static int read_file(const char *dir, const char *name, char **out,
	size_t *len)
{
	char path[4096];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uintmax_t)st.st_size > MIGRATION_MAX_BYTES) {
		fprintf(stderr, "%s: %s is not a regular file of at most %u bytes\n",
			prog, path, MIGRATION_MAX_BYTES);
		close(fd);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fprintf(stderr, "%s: out of memory reading %s\n", prog, path);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "%s: cannot read %s: %s\n", prog, path,
				n < 0 ? strerror(errno) : "file shrank while reading");
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* Lists the migration files of dir, sorted, each with its checksum. */
static int plan_scan(struct plan *p, const char *dir)
{
	struct dirent *de;
	struct migration *m;
	size_t i;
	DIR *d;
	int version;

	p->dir = dir;
	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "%s: cannot open the migrations directory %s: %s\n",
			prog, dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!migration_name(de->d_name, &version)) {
			fprintf(stderr, "%s: warning: ignoring %s/%s (not "
				"NNNN_name.sql)\n", prog, dir, de->d_name);
			continue;
		}
		m = plan_add(p);
		if (m == NULL || (m->name = strdup(de->d_name)) == NULL) {
			fprintf(stderr, "%s: out of memory\n", prog);
			closedir(d);
			return -1;
		}
		m->version = version;
	}
	closedir(d);
	qsort(p->m, p->n, sizeof(*p->m), by_version);
	for (i = 1; i < p->n; i++) {
		if (p->m[i].version == p->m[i - 1].version) {
			fprintf(stderr, "%s: %s and %s in %s have the same number\n",
				prog, p->m[i - 1].name, p->m[i].name, dir);
			return -1;
		}
	}
	for (i = 0; i < p->n; i++) {
		char *text;
		size_t len;

		if (read_file(dir, p->m[i].name, &text, &len) != 0)
			return -1;
		crypto_sha256_hex(text, len, p->m[i].sha);
		free(text);
	}
	return 0;
}

static struct migration *plan_find(struct plan *p, int version)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->m[i].version == version)
			return &p->m[i];
	return NULL;
}

/* Merges the ledger into the plan; a ledger row without a file becomes
 * an entry with name NULL. */
static int plan_read_ledger(struct plan *p, struct arena *a)
{
	struct store_migr_row *rows;
	struct migration *m;
	size_t i, n;
	int rc;

	rc = store_migr_ledger_read(a, &rows, &n);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot read schema_migrations: %s\n", prog,
			df_strerror(rc));
		return -1;
	}
	for (i = 0; i < n; i++) {
		int version = rows[i].version;
		const char *name = rows[i].name, *sha = rows[i].sha256;

		m = plan_find(p, version);
		if (m == NULL && (m = plan_add(p)) != NULL)
			m->version = version;
		if (m == NULL || (m->applied_name = strdup(name ? name : "")) == NULL) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return -1;
		}
		m->applied = 1;
		snprintf(m->applied_sha, sizeof(m->applied_sha), "%s", sha ? sha : "");
	}
	qsort(p->m, p->n, sizeof(*p->m), by_version);
	return 0;
}

static int is_missing(const struct migration *m)
{
	return m->applied && m->name == NULL;
}

static int is_changed(const struct migration *m)
{
	return m->applied && m->name != NULL &&
		(strcmp(m->sha, m->applied_sha) != 0 ||
		 strcmp(m->name, m->applied_name) != 0);
}

static int connect_db(const struct config *cfg)
{
	if (db_init(cfg) != 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	if (db_connect() != 0) {
		fprintf(stderr, "%s: cannot connect to database '%s' (see the "
			"message above)\n", prog, cfg->db_name);
		return -1;
	}
	return 0;
}

/* What status and migrate start with: the migration files, the database
 * connection and scratch memory. 0, or -1 with the reason printed (the
 * caller frees what was set up either way). */
static int open_plan(const struct config *cfg, struct plan *p,
	struct arena **a)
{
	if (plan_scan(p, cfg->migrations_dir) != 0 || connect_db(cfg) != 0)
		return -1;
	*a = arena_new(16384);
	if (*a == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	return 0;
}

static int status(const struct config *cfg)
{
	struct plan p = { 0 };
	struct arena *a = NULL;
	int current = 0, expected = 0, pending = 0, bad = 0, rc = EXIT_ERROR;
	int exists = 0;
	size_t i;

	if (plan_scan(&p, cfg->migrations_dir) != 0)
		goto out;
	if (connect_db(cfg) != 0) {
		rc = EXIT_DB_UNREACHABLE;
		goto out;
	}
	a = arena_new(16384);
	if (a == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	/* Only look: --status never creates the ledger. */
	if (store_migr_ledger_exists(a, &exists) != 0) {
		fprintf(stderr, "%s: cannot query the database\n", prog);
		goto out;
	}
	if (exists && plan_read_ledger(&p, a) != 0)
		goto out;

	printf("migrations in %s:\n", cfg->migrations_dir);
	for (i = 0; i < p.n; i++) {
		struct migration *m = &p.m[i];
		const char *what;

		if (is_missing(m)) {
			what = "missing (applied, file gone)";
			bad = 1;
		} else if (is_changed(m)) {
			what = "changed (differs from what was applied)";
			bad = 1;
		} else if (m->applied) {
			what = "applied";
		} else {
			what = "pending";
			pending = 1;
		}
		printf("  %04d  %-40s %s\n", m->version,
			m->name != NULL ? m->name : m->applied_name, what);
		if (m->applied && m->version > current)
			current = m->version;
		if (m->name != NULL && m->version > expected)
			expected = m->version;
	}
	printf("current version: %d\nexpected version: %d\n", current, expected);
	rc = bad ? EXIT_ERROR : pending ? EXIT_PENDING : EXIT_OK;
out:
	db_close();
	arena_free(a);
	plan_free(&p);
	return rc;
}

/* One file in one transaction with its ledger row. MariaDB commits DDL
 * implicitly, so a failing file may leave its earlier DDL behind. */
static int apply(struct plan *p, struct migration *m)
{
	char err[1024], *text;
	size_t len;
	int rc;

	if (read_file(p->dir, m->name, &text, &len) != 0)
		return -1;
	/* The file must still be the one whose checksum was taken. */
	{
		char sha[65];

		crypto_sha256_hex(text, len, sha);
		if (strcmp(sha, m->sha) != 0) {
			fprintf(stderr, "%s: %s changed while migrating\n", prog,
				m->name);
			free(text);
			return -1;
		}
	}
	rc = store_migr_apply(text, len, m->version, m->name, m->sha, err,
		sizeof(err));
	free(text);
	if (rc != 0) {
		fprintf(stderr, "%s: %s/%s failed: %s\n"
			"%s: (statements MariaDB commits implicitly, such as CREATE "
			"or ALTER, stay applied)\n", prog, p->dir, m->name, err, prog);
		return -1;
	}
	printf("applied %s\n", m->name);
	return 0;
}

static int migrate(const struct config *cfg)
{
	struct plan p = { 0 };
	struct arena *a = NULL;
	char err[1024];
	int locked = 0, rc = EXIT_ERROR, napplied = 0, current = 0;
	size_t i;

	if (open_plan(cfg, &p, &a) != 0)
		goto out;
	/* Two migrates at once would apply the same file twice. */
	if (store_migr_lock(a, MIGRATE_LOCK_WAIT_S) != 0) {
		fprintf(stderr, "%s: cannot take the migration lock (another "
			"migrate running for more than %d s?)\n", prog,
			MIGRATE_LOCK_WAIT_S);
		goto out;
	}
	locked = 1;
	if (store_migr_ledger_create(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: cannot create schema_migrations: %s\n", prog,
			err);
		goto out;
	}
	if (plan_read_ledger(&p, a) != 0)
		goto out;
	for (i = 0; i < p.n; i++) {
		struct migration *m = &p.m[i];

		if (is_missing(m)) {
			fprintf(stderr, "%s: migration %04d (%s) was applied but its "
				"file is missing from %s; refusing to run\n", prog,
				m->version, m->applied_name, p.dir);
			goto out;
		}
		if (is_changed(m)) {
			fprintf(stderr, "%s: %s/%s was changed after it was applied "
				"(as %s, sha256 %s; the file now has %s); refusing to "
				"run\n", prog, p.dir, m->name, m->applied_name,
				m->applied_sha, m->sha);
			goto out;
		}
	}
	for (i = 0; i < p.n; i++) {
		if (p.m[i].applied) {
			if (p.m[i].version > current)
				current = p.m[i].version;
			continue;
		}
		if (apply(&p, &p.m[i]) != 0)
			goto out;
		napplied++;
		current = p.m[i].version > current ? p.m[i].version : current;
	}
	if (napplied == 0)
		printf("schema up to date at version %d\n", current);
	else
		printf("schema at version %d (%d migration%s applied)\n", current,
			napplied, napplied == 1 ? "" : "s");
	rc = EXIT_OK;
out:
	if (locked)
		store_migr_unlock(a);
	db_close();
	arena_free(a);
	plan_free(&p);
	return rc;
}

/* A warning when the directory dir (created at first use when missing:
 * then its parent) cannot be written by this user. Not an error: the
 * senders' units run check-config in a sandbox where storage is
 * read-only, and only the workers write there. */
static int check_writable_dir(const char *key, const char *dir)
{
	char parent[4096], *slash;

	if (dir == NULL || dir[0] == '\0')
		return 0;
	if (access(dir, F_OK) == 0) {
		if (access(dir, W_OK | X_OK) == 0)
			return 0;
		fprintf(stderr, "%s: warning: %s '%s' is not writable: %s\n", prog,
			key, dir, strerror(errno));
		return 1;
	}
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent)
		*slash = '\0';
	else
		snprintf(parent, sizeof(parent), "%s", slash != NULL ? "/" : ".");
	if (access(parent, W_OK | X_OK) == 0)
		return 0;
	fprintf(stderr, "%s: warning: %s '%s' does not exist and '%s' is not "
		"writable: %s\n", prog, key, dir, parent, strerror(errno));
	return 1;
}

/* check-config: every configuration error at once (config_load_all),
 * then what the loader cannot know: unknown DEVFORGE_* variables (a
 * typo there is silently ignored by every program), paths the
 * programs write, and the mail command. Errors exit 1; warnings (their
 * count on the last line) do not. */
static int check_config(const char *conf, char **envp)
{
	static char buf[16384], err[16384];
	struct config cfg;
	int errors = 0, warnings = 0;
	char **e;

	for (e = envp; e != NULL && *e != NULL; e++) {
		char name[128];
		const char *eq = strchr(*e, '=');
		size_t n = eq != NULL ? (size_t)(eq - *e) : strlen(*e);

		if (strncmp(*e, "DEVFORGE_", 9) != 0 || n >= sizeof(name))
			continue;
		memcpy(name, *e, n);
		name[n] = '\0';
		/* The test programs' own variables, never read from here. */
		if (strncmp(name, "DEVFORGE_TEST_", 14) == 0)
			continue;
		if (!config_env_known(name)) {
			fprintf(stderr, "%s: warning: environment %s is not a "
				"configuration key; ignored\n", prog, name);
			warnings++;
		}
	}
	if (config_load_all(&cfg, conf, envp, err, sizeof(err)) != 0) {
		char *line, *save = NULL;

		for (line = strtok_r(err, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			fprintf(stderr, "%s: error: %s\n", prog, line);
		return EXIT_ERROR;
	}
	warnings += check_writable_dir("storage_dir", cfg.storage_dir);
	warnings += check_writable_dir("search_index_dir", cfg.search_index_dir);
	if (cfg.log_file != NULL && cfg.log_file[0] != '\0') {
		if (access(cfg.log_file, F_OK) == 0) {
			if (access(cfg.log_file, W_OK) != 0) {
				fprintf(stderr, "%s: warning: log_file '%s' is not "
					"writable: %s\n", prog, cfg.log_file,
					strerror(errno));
				warnings++;
			}
		} else {
			char dir[4096], *slash;

			snprintf(dir, sizeof(dir), "%s", cfg.log_file);
			slash = strrchr(dir, '/');
			if (slash != NULL && slash != dir)
				*slash = '\0';
			else
				snprintf(dir, sizeof(dir), "%s",
					slash != NULL ? "/" : ".");
			if (access(dir, W_OK | X_OK) != 0) {
				fprintf(stderr, "%s: warning: log_file '%s' cannot be "
					"created in '%s': %s\n", prog, cfg.log_file,
					dir, strerror(errno));
				warnings++;
			}
		}
	}
	if (cfg.mail_transport == CONFIG_MAIL_MAILDIR)
		warnings += check_writable_dir("mail_maildir", cfg.mail_maildir);
	else if (access(cfg.sendmail_path, X_OK) != 0) {
		/* A warning: an API host only queues mail; the host that runs
		 * mail-send or the jobs needs a working sendmail. */
		fprintf(stderr, "%s: warning: sendmail_path '%s' is not "
			"executable (%s): mail stays in the outbox on this host\n",
			prog, cfg.sendmail_path, strerror(errno));
		warnings++;
	}

	if (config_describe(&cfg, buf, sizeof(buf)) < 0) {
		fprintf(stderr, "%s: the description does not fit its buffer\n",
			prog);
		errors++;
	} else {
		fputs(buf, stdout);
	}
	config_free(&cfg);
	if (warnings > 0)
		fprintf(stderr, "%s: %d warning(s)\n", prog, warnings);
	return errors > 0 ? EXIT_ERROR : EXIT_OK;
}

int main(int argc, char **argv)
{
	extern char **environ;
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf = DF_SYSCONF_CONFIG, *cmd;
	struct config cfg;
	struct ctl_mail_opts mail_opts = { 0, CTL_MAIL_LIMIT_DEFAULT };
	struct ctl_webhooks_opts hook_opts = { 0, 0 };
	struct ctl_jobs_opts jobs_opts = { 0 };
	struct ctl_mail_receive_opts receive_opts = { 0 };
	struct ctl_admin_opts admin_opts;
	struct ctl_catalogue_opts cat_opts;
	struct ctl_keys_opts keys_opts;
	struct ctl_audit_opts audit_opts = { 0, 0 };
	const char *order_id = NULL;
	char err[1024];
	int c, want_status = 0, rc;

	/* A lost database connection must be an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	/* '+': options end at the command, which has its own options. */
	while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("%s %s\n", prog, PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	if (strcmp(cmd, "migrate") == 0) {
		if (optind < argc && strcmp(argv[optind], "--status") == 0) {
			want_status = 1;
			optind++;
		}
	} else if (strcmp(cmd, "mail-send") == 0) {
		if (ctl_mail_parse(argc, argv, &optind, &mail_opts) != 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "mail-receive") == 0) {
		if (ctl_mail_receive_parse(argc, argv, &optind,
		    &receive_opts) != 0) {
			ctl_mail_receive_usage(stderr);
			return EXIT_USAGE;
		}
		if (receive_opts.help) {
			ctl_mail_receive_usage(stdout);
			return EXIT_OK;
		}
	} else if (strcmp(cmd, "webhooks-send") == 0) {
		if (ctl_webhooks_parse(argc, argv, &optind, &hook_opts) != 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
	} else if (strcmp(cmd, "jobs") == 0) {
		rc = ctl_jobs_parse(argc, argv, &optind, &jobs_opts);
		if (rc != 0) {
			if (rc == -1)
				usage(stderr);
			return EXIT_USAGE;
		}
		if (jobs_opts.help) {
			usage(stdout);
			return EXIT_OK;
		}
	} else if (strcmp(cmd, "create-admin") == 0) {
		if (ctl_admin_parse(argc - optind, argv + optind, prog,
		    &admin_opts) != 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
		optind = argc;
	} else if (strcmp(cmd, "demo-catalogue") == 0) {
		if (ctl_catalogue_parse(argc - optind, argv + optind, prog,
		    &cat_opts) != 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
		optind = argc;
		/* The word list needs no configuration. */
		if (cat_opts.vocabulary)
			return ctl_catalogue_run(NULL, &cat_opts, prog);
	} else if (strcmp(cmd, "keys") == 0) {
		if (ctl_keys_parse(argc - optind, argv + optind, prog,
		    &keys_opts) != 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
		optind = argc;
	} else if (strcmp(cmd, "audit") == 0) {
		if (ctl_audit_parse(argc, argv, &optind, &audit_opts) != 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
		if (audit_opts.help) {
			usage(stdout);
			return EXIT_OK;
		}
	} else if (strcmp(cmd, "pay") == 0) {
		if (optind >= argc) {
			usage(stderr);
			return EXIT_USAGE;
		}
		order_id = argv[optind++];
	} else if (strcmp(cmd, "check-config") != 0 &&
	    strcmp(cmd, "demo-packages") != 0 &&
	    strcmp(cmd, "search-reindex") != 0 &&
	    strcmp(cmd, "orders-expire") != 0) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}

	if (strcmp(cmd, "check-config") == 0)
		return check_config(conf, environ);
	/* migrate and keys come before the signing key exists (DEPLOYMENT
	 * sections 5b and 6): they do not sign, so they do not need it. */
	if ((strcmp(cmd, "migrate") == 0 || strcmp(cmd, "keys") == 0 ?
	    config_load_setup(&cfg, conf, environ, err, sizeof(err)) :
	    config_load(&cfg, conf, environ, err, sizeof(err))) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		/* An MTA keeps mail it may retry: a configuration being
		 * fixed must not bounce customers' replies. */
		return strcmp(cmd, "mail-receive") == 0 ?
			CTL_MAIL_RECEIVE_TEMPFAIL : EXIT_ERROR;
	}
	/* The jobs runner culls by clock_now(): a test moves it for one run
	 * with DEVFORGE_CLOCK_OFFSET_SECONDS. */
	clock_set_offset(cfg.clock_offset_seconds);
	/* The library's own messages (connection failures) go to stderr. */
	if (log_open(NULL, LOG_WARN) != 0) {
		fprintf(stderr, "%s: cannot log to stderr\n", prog);
		config_free(&cfg);
		return EXIT_ERROR;
	}
	if (strcmp(cmd, "mail-send") == 0)
		rc = ctl_mail_send(&cfg, &mail_opts);
	else if (strcmp(cmd, "mail-receive") == 0)
		rc = ctl_mail_receive(&cfg, stdin);
	else if (strcmp(cmd, "webhooks-send") == 0)
		rc = ctl_webhooks_send(&cfg, &hook_opts);
	else if (strcmp(cmd, "jobs") == 0)
		rc = ctl_jobs_run(&cfg, &jobs_opts);
	else if (strcmp(cmd, "create-admin") == 0)
		rc = ctl_admin_run(&cfg, &admin_opts, prog);
	else if (strcmp(cmd, "demo-packages") == 0)
		rc = ctl_packages_demo(&cfg);
	else if (strcmp(cmd, "demo-catalogue") == 0)
		rc = ctl_catalogue_run(&cfg, &cat_opts, prog);
	else if (strcmp(cmd, "search-reindex") == 0)
		rc = ctl_search_reindex(&cfg);
	else if (strcmp(cmd, "orders-expire") == 0)
		rc = ctl_orders_expire(&cfg);
	else if (strcmp(cmd, "pay") == 0)
		rc = ctl_orders_pay(&cfg, order_id);
	else if (strcmp(cmd, "keys") == 0)
		rc = ctl_keys_run(&cfg, &keys_opts);
	else if (strcmp(cmd, "audit") == 0)
		rc = ctl_audit_run(&cfg, &audit_opts);
	else if (want_status)
		rc = status(&cfg);
	else
		rc = migrate(&cfg);
	config_free(&cfg);
	log_close();
	return rc;
}
