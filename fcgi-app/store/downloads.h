/* SQL of the download statistics: the batched write of counted
 * downloads (per version and UTC day: total and unique, the listing's
 * running totals) and the owner's per-day series. */
#ifndef DF_STORE_DOWNLOADS_H
#define DF_STORE_DOWNLOADS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

/* Downloads of one client (keyed hash) of one version on one day. */
struct store_dl_group {
	int64_t extension_id;
	int64_t version_id;
	uint32_t day;                 /* days since 1970-01-01, UTC */
	unsigned char client[16];
	uint64_t count;
};

/* Writes groups (sorted by version, day, client: the order the rows are
 * locked in, so concurrent flushes cannot deadlock) in one transaction:
 * the client's first download of a version on a day counts as unique,
 * every one adds to the day's total and to the version's and the
 * extension's downloads. Also drops client hashes older than two days.
 * 0, or a negative df_err with nothing written. */
DF_MUST_CHECK int store_dl_write(struct arena *a, const struct store_dl_group *groups,
	size_t n);

struct store_dl_day {
	const char *version;
	const char *day;              /* YYYY-MM-DD */
	int64_t total;
	int64_t unique;
};

/* The series of extension_id from day from to day to (YYYY-MM-DD, both
 * included), by day then version. */
DF_MUST_CHECK int store_dl_series(struct arena *a, int64_t extension_id, const char *from,
	const char *to, struct store_dl_day **out, size_t *n);

#endif
