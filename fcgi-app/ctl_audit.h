/* devforgectl audit: the security audit of GET /api/v1/admin/security/
 * audit from the command line (store/security_audit.c runs the checks),
 * for deployment pipelines. */
#ifndef DF_CTL_AUDIT_H
#define DF_CTL_AUDIT_H

struct config;

struct ctl_audit_opts {
	int json;                 /* --json: the route's JSON shape */
	int help;
};

/* Reads [--json] [--help] after the command. 0, or -1 on an unknown
 * argument (the caller prints the usage). */
int ctl_audit_parse(int argc, char **argv, int *optind,
	struct ctl_audit_opts *o);
/* Runs the checks and prints them. Exit code: 0 no critical finding,
 * 3 some critical finding, 1 when the database cannot be read. */
int ctl_audit_run(const struct config *cfg, const struct ctl_audit_opts *o);

#endif
