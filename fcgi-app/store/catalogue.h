/* SQL of `devforgectl demo-catalogue`: a generated marketplace at the
 * size of a real one. The program makes the words (names, summaries,
 * descriptions, tags) and stages one row per extension in a temporary
 * table; the bulk (users, versions, download rollups, reviews and every
 * derived column) is made here by INSERT ... SELECT over MariaDB's
 * SEQUENCE engine, with a hash of (seed, row) in place of a random
 * generator so that a seed gives the same catalogue every time. Every
 * row it makes is marked: usernames and slugs begin with "gen-", e-mail
 * addresses end in "@gen.devforge.test". */
#ifndef DF_STORE_CATALOGUE_H
#define DF_STORE_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

/* One extension as the program made it; strings are copied by the
 * staging insert. owner is a user number in 1..users. */
struct store_cat_ext {
	int64_t n;              /* 1..extensions */
	const char *slug;
	const char *name;
	const char *summary;
	const char *description;
	const char *tags_text;  /* space-separated, as extensions.tags_text */
	int category_id;
	int64_t price_amount;   /* cents; 0 free */
	const char *license;
	int64_t owner;
	int64_t downloads;      /* the extension's share of all downloads */
	int64_t age_days;       /* published this many days ago */
};

struct store_cat_plan {
	uint64_t seed;
	int64_t extensions;
	int64_t users;
	int64_t versions;       /* per extension */
	int64_t developers;     /* users 1..developers own the extensions */
	const char *password_hash;  /* one PHC string shared by every user */
};

/* Generated rows already there: extensions with a gen- slug and users
 * with a gen- username. */
DF_MUST_CHECK int store_cat_existing(int64_t *extensions, int64_t *users);

/* Opens the transaction and creates the (temporary) staging tables. */
DF_MUST_CHECK int store_cat_begin(void);

/* Stages n extensions (and their tags) in multi-row inserts. */
DF_MUST_CHECK int store_cat_stage(const struct store_cat_ext *e, size_t n);

/* Makes the users, the extensions from the staging rows, and everything
 * that hangs off them; then commits. On failure rolls back: nothing of
 * the catalogue stays behind. progress (may be NULL) is told each step. */
DF_MUST_CHECK int store_cat_finish(const struct store_cat_plan *p,
	void (*progress)(const char *step));

/* Rolls back what store_cat_begin opened. */
void store_cat_abort(void);

/* Fresh optimizer statistics for the tables the catalogue filled. */
DF_MUST_CHECK int store_cat_analyze(void);

#endif
