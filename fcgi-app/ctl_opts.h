/* Options of devforgectl's long-running commands, parsed one way:
 * "--name VALUE" or "--name=VALUE". */
#ifndef DF_CTL_OPTS_H
#define DF_CTL_OPTS_H

/* When argv[*optind] is the option name (either form): 1, with *v its
 * value and *optind past it. 0 when it is another argument. -1, with a
 * message naming cmd on stderr, when the value is missing. */
int ctl_opt_value(int argc, char **argv, int *optind, const char *cmd,
	const char *name, const char **v);

#endif
