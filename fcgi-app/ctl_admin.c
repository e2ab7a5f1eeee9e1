/* devforgectl create-admin. The password comes from a file (first line)
 * or from stdin, read without echo when stdin is a terminal; it must pass
 * the same policy as a registration and is hashed with the configured
 * scrypt cost. The account and its audit event commit together. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <json-c/json.h>

#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "password.h"
#include "validate.h"
#include "ctl_admin.h"
#include "store/admin_users.h"
#include "store/audit.h"
#include "store/users.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

/* A password longer than the policy allows, plus room to notice that it
 * is longer: 128 code points of up to 4 bytes. */
#define PW_BUF 1024

/* "--name value" or "--name=value"; advances *i past what it used. */
static int opt_value(int argc, char **argv, int *i, const char *name,
	const char **out)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		*out = NULL;
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

int ctl_admin_parse(int argc, char **argv, const char *prog,
	struct ctl_admin_opts *o)
{
	static const char *const names[] = {
		"--email", "--username", "--password-file"
	};
	int i, k, r;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		const char **slot[] = { &o->email, &o->username,
			&o->password_file };

		if (strcmp(argv[i], "--promote") == 0) {
			o->promote = 1;
			continue;
		}
		for (k = 0, r = 0; k < 3 && r == 0; k++)
			r = opt_value(argc, argv, &i, names[k], slot[k]);
		if (r < 0) {
			fprintf(stderr, "%s: create-admin: %s needs a value\n",
				prog, names[k - 1]);
			return -1;
		}
		if (r == 0) {
			fprintf(stderr, "%s: create-admin: unexpected argument "
				"'%s'\n", prog, argv[i]);
			return -1;
		}
	}
	if (o->promote) {
		if (o->email == NULL && o->username == NULL) {
			fprintf(stderr, "%s: create-admin --promote needs --email "
				"or --username\n", prog);
			return -1;
		}
		if (o->password_file != NULL) {
			fprintf(stderr, "%s: create-admin --promote keeps the "
				"account's password: no --password-file\n", prog);
			return -1;
		}
		return 0;
	}
	if (o->email == NULL || o->username == NULL) {
		fprintf(stderr, "%s: create-admin needs --email and --username\n",
			prog);
		return -1;
	}
	return 0;
}

/* Reads one line (without its line break) into buf. 0, or -1 when there
 * is no line or it does not fit. */
static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 >= len)
			return -1;
		buf[n++] = c;
	}
	if (r < 0 || (r == 0 && n == 0))
		return -1;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

/* The terminal's settings while echo is off, so that an interrupt at the
 * prompt does not leave the operator's shell without echo. */
static struct termios saved_tty;

static void restore_tty(int sig)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Prompts on the terminal with echo off. */
static int read_hidden(const char *prompt, char *buf, size_t len)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct termios old, quiet;
	int rc;

	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return -1;
	saved_tty = old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_tty;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	/* Echo off before the prompt shows: what is typed after it must
	 * never appear, and TCSAFLUSH drops only what came before. */
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
		rc = -1;
		goto out;
	}
	fputs(prompt, stderr);
	fflush(stderr);
	rc = read_line(STDIN_FILENO, buf, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return rc;
}

static int read_password(const struct ctl_admin_opts *o, const char *prog,
	char *pw, size_t len)
{
	char again[PW_BUF];
	int fd, rc;

	if (o->password_file != NULL) {
		fd = open(o->password_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "%s: cannot read %s: %s\n", prog,
				o->password_file, strerror(errno));
			return -1;
		}
		rc = read_line(fd, pw, len);
		close(fd);
		if (rc != 0)
			fprintf(stderr, "%s: %s holds no password line (or one "
				"over %d bytes)\n", prog, o->password_file,
				PW_BUF - 1);
		return rc;
	}
	if (!isatty(STDIN_FILENO)) {
		if (read_line(STDIN_FILENO, pw, len) != 0) {
			fprintf(stderr, "%s: no password on stdin\n", prog);
			return -1;
		}
		return 0;
	}
	if (read_hidden("Password: ", pw, len) != 0 ||
	    read_hidden("Password again: ", again, sizeof(again)) != 0) {
		fprintf(stderr, "%s: no password read\n", prog);
		crypto_wipe(again, sizeof(again));
		return -1;
	}
	rc = strcmp(pw, again) == 0 ? 0 : -1;
	crypto_wipe(again, sizeof(again));
	if (rc != 0)
		fprintf(stderr, "%s: the two passwords differ\n", prog);
	return rc;
}

struct audit_ctx {
	const char *event;
};

/* Inside the store's transaction: the account and its audit event
 * commit together. The operator is the actor; there is no request. */
static int audit(void *ctx, const struct store_user *before,
	const struct store_user *after)
{
	const struct audit_ctx *c = ctx;
	struct json_object *d = json_object_new_object();
	int rc = DF_ENOMEM;

	if (d == NULL || json_object_object_add(d, "via",
	    json_object_new_string("devforgectl")) != 0)
		goto out;
	if (before != NULL &&
	    (json_object_object_add(d, "old_role", json_object_new_string(
		store_users_role_name(before->role))) != 0 ||
	     json_object_object_add(d, "old_status", json_object_new_string(
		before->active ? "active" : "suspended")) != 0))
		goto out;
	if (json_object_object_add(d, "role", json_object_new_string(
		store_users_role_name(after->role))) != 0 ||
	    json_object_object_add(d, "status", json_object_new_string(
		after->active ? "active" : "suspended")) != 0)
		goto out;
	rc = store_audit_add(c->event, NULL, after->public_id, NULL, NULL,
		json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
out:
	json_object_put(d);
	return rc;
}

static int connect_db(const struct config *cfg, const char *prog)
{
	if (db_init(cfg) != 0 || db_connect() != 0) {
		fprintf(stderr, "%s: cannot connect to database '%s'\n", prog,
			cfg->db_name);
		return -1;
	}
	return 0;
}

static int promote(struct arena *a, const char *email, const char *username,
	const char *prog)
{
	struct audit_ctx ctx = { "admin.user_updated" };
	struct store_user u, before, after;
	int rc;

	rc = email != NULL ?
		store_users_get(a, STORE_USERS_BY_EMAIL, email, &u) :
		store_users_get(a, STORE_USERS_BY_USERNAME, username, &u);
	if (rc == DF_ENOTFOUND) {
		fprintf(stderr, "%s: no account with %s %s\n", prog,
			email != NULL ? "e-mail" : "username",
			email != NULL ? email : username);
		return EXIT_ERROR;
	}
	if (rc != 0) {
		fprintf(stderr, "%s: cannot read the account: %s\n", prog,
			df_strerror(rc));
		return EXIT_ERROR;
	}
	if (email != NULL && username != NULL &&
	    strcmp(u.username, username) != 0) {
		fprintf(stderr, "%s: the account with e-mail %s has username "
			"%s, not %s\n", prog, email, u.username, username);
		return EXIT_ERROR;
	}
	rc = store_admin_users_update(a, u.public_id, ROLE_ADMIN, 1, audit,
		&ctx, &before, &after);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot promote %s: %s\n", prog, u.username,
			df_strerror(rc));
		return EXIT_ERROR;
	}
	if (before.role == ROLE_ADMIN && before.active)
		printf("%s (%s) is an active admin already\n", after.username,
			after.public_id);
	else
		printf("%s (%s) is now an active admin\n", after.username,
			after.public_id);
	return EXIT_OK;
}

static int create(struct arena *a, const struct config *cfg,
	const struct ctl_admin_opts *o, const char *email, const char *prog)
{
	struct audit_ctx ctx = { "admin.user_created" };
	char pw[PW_BUF], phc[PASSWORD_PHC_MAX];
	const char *code, *msg, *conflict;
	struct store_user u;
	int rc;

	/* The policy is not met without its list of common passwords. */
	rc = password_list_load(cfg->common_passwords_file);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot load the common-password list %s: "
			"%s\n", prog, cfg->common_passwords_file, df_strerror(rc));
		return EXIT_ERROR;
	}
	if (read_password(o, prog, pw, sizeof(pw)) != 0) {
		rc = EXIT_ERROR;
		goto out;
	}
	if (password_policy_check(pw, o->username, email, &code, &msg) != 0) {
		fprintf(stderr, "%s: password refused (%s): %s\n", prog, code,
			msg);
		rc = EXIT_ERROR;
		goto out;
	}
	rc = password_hash(pw, strlen(pw), &cfg->password, phc, sizeof(phc));
	if (rc != 0) {
		fprintf(stderr, "%s: cannot hash the password: %s\n", prog,
			df_strerror(rc));
		rc = EXIT_ERROR;
		goto out;
	}
	if (connect_db(cfg, prog) != 0) {
		rc = EXIT_ERROR;
		goto out;
	}
	rc = store_admin_users_create_admin(a, email, o->username, phc, audit,
		&ctx, &u, &conflict);
	if (rc == DF_ECONFLICT) {
		fprintf(stderr, "%s: an account with this %s exists already "
			"(--promote makes an existing account admin)\n", prog,
			strcmp(conflict, "email") == 0 ? "e-mail" : "username");
		rc = EXIT_ERROR;
	} else if (rc != 0) {
		fprintf(stderr, "%s: cannot create the account: %s\n", prog,
			df_strerror(rc));
		rc = EXIT_ERROR;
	} else {
		printf("created admin %s (%s)\n", u.username, u.public_id);
		rc = EXIT_OK;
	}
out:
	crypto_wipe(pw, sizeof(pw));
	crypto_wipe(phc, sizeof(phc));
	password_list_free();
	return rc;
}

int ctl_admin_run(const struct config *cfg, const struct ctl_admin_opts *o,
	const char *prog)
{
	char email[255];
	struct arena *a;
	int rc;

	if (o->email != NULL && !validate_email(o->email, email)) {
		fprintf(stderr, "%s: '%s' is not an e-mail address\n", prog,
			o->email);
		return EXIT_USAGE;
	}
	if (o->username != NULL && !validate_username(o->username)) {
		fprintf(stderr, "%s: a username is 3-32 of a-z, 0-9, '_' and "
			"'-'\n", prog);
		return EXIT_USAGE;
	}
	a = arena_new(16384);
	if (a == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_ERROR;
	}
	if (o->promote)
		rc = connect_db(cfg, prog) != 0 ? EXIT_ERROR :
			promote(a, o->email != NULL ? email : NULL, o->username,
				prog);
	else
		rc = create(a, cfg, o, email, prog);
	db_close();
	arena_free(a);
	return rc;
}
