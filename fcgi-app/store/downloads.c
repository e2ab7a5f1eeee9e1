/* SQL of the download statistics. The writes come in batches from the
 * workers' flush (api/downloads.c), never from the request that
 * downloads, and change no cache generation. */
#include "store/downloads.h"

#include <stdlib.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "store/tx.h"

#define DAY_OF(p) "DATE_ADD('1970-01-01', INTERVAL " p " DAY)"

/* The four kinds of row are locked in a fixed order (client hashes,
 * days, versions, extensions), each kind in key order, so two flushers
 * wait for each other instead of deadlocking. */
static int write_groups(const struct store_dl_group *g, size_t n,
	uint64_t *uniq)
{
	static const char client_sql[] =
		"INSERT IGNORE INTO extension_download_clients"
		" (version_id, day, client_hash) VALUES (?, " DAY_OF("?") ", ?)";
	static const char day_sql[] =
		"INSERT INTO extension_download_days (version_id, day, total, uniq)"
		" VALUES (?, " DAY_OF("?") ", ?, ?)"
		" ON DUPLICATE KEY UPDATE total = total + VALUES(total),"
		" uniq = uniq + VALUES(uniq)";
	static const char ver_sql[] =
		"UPDATE extension_versions SET downloads = downloads + ?"
		" WHERE id = ?";
	uint64_t affected, total, u;
	size_t i, j;
	int rc;

	for (i = 0; i < n; i++) {
		rc = db_exec(client_sql, DBP(DB_INT(g[i].version_id),
			DB_INT(g[i].day), DB_BLOB(g[i].client, 16)),
			&affected, NULL);
		if (rc != 0)
			return rc;
		uniq[i] = affected > 0;
	}
	/* Groups are sorted by version then day: runs share a day row. */
	for (i = 0; i < n; i = j) {
		total = u = 0;
		for (j = i; j < n && g[j].version_id == g[i].version_id &&
		    g[j].day == g[i].day; j++) {
			total += g[j].count;
			u += uniq[j];
		}
		rc = db_exec(day_sql, DBP(DB_INT(g[i].version_id),
			DB_INT(g[i].day), DB_INT(total), DB_INT(u)), NULL, NULL);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < n; i = j) {
		total = 0;
		for (j = i; j < n && g[j].version_id == g[i].version_id; j++)
			total += g[j].count;
		rc = db_exec(ver_sql, DBP(DB_INT(total),
			DB_INT(g[i].version_id)), NULL, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

struct ext_sum {
	int64_t id;
	uint64_t total;
};

static int ext_sum_cmp(const void *a, const void *b)
{
	const struct ext_sum *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int write_extensions(struct arena *a, const struct store_dl_group *g,
	size_t n)
{
	static const char sql[] =
		"UPDATE extensions SET downloads = downloads + ? WHERE id = ?";
	struct ext_sum *s;
	size_t i, ns = 0;
	int rc;

	s = arena_alloc(a, n * sizeof(*s));
	if (s == NULL)
		return DF_ENOMEM;
	for (i = 0; i < n; i++) {
		s[ns].id = g[i].extension_id;
		s[ns++].total = g[i].count;
	}
	qsort(s, ns, sizeof(*s), ext_sum_cmp);
	for (i = 0; i < ns; ) {
		size_t j;
		uint64_t total = 0;

		for (j = i; j < ns && s[j].id == s[i].id; j++)
			total += s[j].total;
		rc = db_exec(sql, DBP(DB_INT(total), DB_INT(s[i].id)), NULL,
			NULL);
		if (rc != 0)
			return rc;
		i = j;
	}
	return 0;
}

int store_dl_write(struct arena *a, const struct store_dl_group *groups,
	size_t n)
{
	/* Uniqueness is per day, so a hash older than yesterday can never
	 * match again; a bounded delete per flush keeps the table small
	 * without a job of its own. */
	static const char prune_sql[] =
		"DELETE FROM extension_download_clients"
		" WHERE day < UTC_DATE() - INTERVAL 2 DAY LIMIT 1000";
	uint64_t *uniq;
	int rc;

	if (n == 0)
		return 0;
	uniq = arena_alloc(a, n * sizeof(*uniq));
	if (uniq == NULL)
		return DF_ENOMEM;
	/* The inserts' foreign-key checks share-lock the version and
	 * extension rows that the updates then lock for writing, so two
	 * batches of the same versions can still deadlock: InnoDB rolls the
	 * victim back, and the batch simply runs again. */
	for (int attempt = 0; ; attempt++) {
		rc = db_begin();
		if (rc != 0)
			return rc;
		rc = write_groups(groups, n, uniq);
		if (rc == 0)
			rc = write_extensions(a, groups, n);
		rc = store_tx_end(rc);
		if (rc != DF_EDB || !db_last_deadlocked() || attempt == 2)
			break;
		log_msg(LOG_WARN, "downloads: batch deadlocked, running it again");
	}
	if (rc != 0)
		return rc;
	/* Outside the batch's transaction: a failure here loses nothing,
	 * the next batch prunes again. */
	if (db_exec(prune_sql, NULL, 0, NULL, NULL) != 0)
		log_msg(LOG_WARN, "downloads: pruning old client rows failed");
	return 0;
}

int store_dl_series(struct arena *a, int64_t extension_id, const char *from,
	const char *to, struct store_dl_day **out, size_t *n)
{
	static const char sql[] =
		"SELECT v.version, DATE_FORMAT(d.day, '%Y-%m-%d'), d.total, d.uniq"
		" FROM extension_download_days d"
		" JOIN extension_versions v ON v.id = d.version_id"
		" WHERE v.extension_id = ? AND d.day BETWEEN ? AND ?"
		" ORDER BY d.day, v.id";
	struct db_result res;
	struct store_dl_day *d;
	size_t i;
	int rc;

	rc = db_query(a, sql, DBP(DB_INT(extension_id), DB_STR(from),
		DB_STR(to)), &res);
	if (rc != 0)
		return rc;
	d = arena_alloc(a, (res.nrows ? res.nrows : 1) * sizeof(*d));
	if (d == NULL)
		return DF_ENOMEM;
	for (i = 0; i < res.nrows; i++) {
		d[i].version = db_str(&res, i, 0);
		d[i].day = db_str(&res, i, 1);
		d[i].total = db_int(&res, i, 2, 0);
		d[i].unique = db_int(&res, i, 3, 0);
	}
	*out = d;
	*n = res.nrows;
	return 0;
}
