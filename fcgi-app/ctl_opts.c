/* devforgectl: one parser of "--name VALUE" / "--name=VALUE", shared by
 * mail-send and webhooks-send. */
#include <stdio.h>
#include <string.h>
#include "ctl_opts.h"

int ctl_opt_value(int argc, char **argv, int *optind, const char *cmd,
	const char *name, const char **v)
{
	const char *a = argv[*optind];
	size_t n = strlen(name);

	if (strcmp(a, name) == 0) {
		if (*optind + 1 >= argc) {
			fprintf(stderr, "devforgectl: %s: %s needs a value\n",
				cmd, name);
			return -1;
		}
		*v = argv[*optind + 1];
		*optind += 2;
		return 1;
	}
	if (strncmp(a, name, n) == 0 && a[n] == '=') {
		*v = a + n + 1;
		(*optind)++;
		return 1;
	}
	return 0;
}
