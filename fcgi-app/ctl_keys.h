/* devforgectl keys: the licence signing keys (see ctl_keys.c). */
#ifndef DF_CTL_KEYS_H
#define DF_CTL_KEYS_H

struct config;

enum ctl_keys_cmd { CTL_KEYS_GENERATE, CTL_KEYS_LIST, CTL_KEYS_RETIRE };

struct ctl_keys_opts {
	enum ctl_keys_cmd cmd;
	const char *out;     /* generate: the private key's file */
	const char *kid;     /* retire */
};

/* Parses the arguments after "keys" (argv[0] is the subcommand). 0, or
 * -1 with a message on stderr. */
int ctl_keys_parse(int argc, char **argv, const char *prog,
	struct ctl_keys_opts *o);

/* Runs it. Exit status 0 done, 1 failed (the reason printed), 2 refused
 * (generate: the file exists). */
int ctl_keys_run(const struct config *cfg, const struct ctl_keys_opts *o);

#endif
