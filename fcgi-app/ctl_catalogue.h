/* devforgectl demo-catalogue: a generated marketplace at the size of a
 * real one (60,000 extensions by default in the benchmark), for measuring
 * the request path where the 51 demo extensions cannot show a cost. */
#ifndef DF_CTL_CATALOGUE_H
#define DF_CTL_CATALOGUE_H

#include <stdint.h>

struct config;

struct ctl_catalogue_opts {
	int64_t extensions;
	int64_t users;          /* 0: extensions * 10 / 3 (200,000 for 60,000) */
	int64_t versions;       /* per extension, default 10 */
	uint64_t seed;          /* default 1 */
	int force;              /* run even with mode = production */
	int vocabulary;         /* print the words and exit, no database */
};

/* Parses the command's own arguments (after "demo-catalogue"). 0, or -1
 * after printing what is wrong. */
int ctl_catalogue_parse(int argc, char **argv, const char *prog,
	struct ctl_catalogue_opts *o);

/* Runs the command; returns the exit status: 0 made (or already there at
 * this size), 1 failed or refused. */
int ctl_catalogue_run(const struct config *cfg,
	const struct ctl_catalogue_opts *o, const char *prog);

#endif
