/* devforgectl create-admin: the operator's way to the first admin account
 * (or back to one): creates an admin, or with --promote makes an existing
 * account an active admin. */
#ifndef DF_CTL_ADMIN_H
#define DF_CTL_ADMIN_H

struct config;

struct ctl_admin_opts {
	const char *email;
	const char *username;
	const char *password_file;  /* NULL: read the password from stdin */
	int promote;
};

/* Parses the command's own arguments (after "create-admin"). 0, or -1
 * after printing what is wrong (the caller exits with the usage code). */
int ctl_admin_parse(int argc, char **argv, const char *prog,
	struct ctl_admin_opts *o);

/* Runs the command. Returns the exit status: 0 done, 1 failed (database,
 * password refused, account exists or is missing), 2 bad arguments. */
int ctl_admin_run(const struct config *cfg, const struct ctl_admin_opts *o,
	const char *prog);

#endif
