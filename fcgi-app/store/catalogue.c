/* SQL of devforgectl demo-catalogue (see catalogue.h). Rows come from the
 * SEQUENCE engine's seq_M_to_N tables with a range condition on seq, so
 * every count is a bound parameter; "random" choices are CRC32/MD5 of the
 * seed and the row's own numbers (never of auto-increment ids, which
 * depend on what the database held before), so a seed always gives the
 * same catalogue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/catalogue.h"

/* Rows per multi-row staging insert: one round trip per batch, far below
 * MariaDB's 65,535 placeholders per statement. */
#define STAGE_BATCH 250
#define STAGE_COLS 12

/* The seed, once per statement, as the column k.s. */
#define SEED_JOIN " JOIN (SELECT ? AS s) k"
/* A uniform number in [0, 1) from a string. */
#define U01(x) "(CRC32(" x ") / 4294967296)"
/* A version-4-shaped UUID from a 32-digit hex string h. */
#define UUID_OF(h) \
	"CONCAT(SUBSTR(" h ", 1, 8), '-', SUBSTR(" h ", 9, 4), '-4'," \
	" SUBSTR(" h ", 14, 3), '-8', SUBSTR(" h ", 18, 3), '-'," \
	" SUBSTR(" h ", 21, 12))"
/* Version k (0-based) of extension n: strictly rising in SemVer order
 * with k, so the last one is the latest. */
#define VERSION_OF(n, k) \
	"CONCAT(1 + (" k ") DIV 5, '.', (" k ") % 5, '.', ((" n ") + (" k ")) % 3)"
/* Days between two versions of an extension: its age leaves room for all
 * of them and for four download days after each (age >= 30 + 4 V). */
#define GAP(V) "FLOOR((g.age_days - 10) / " V ")"

int store_cat_existing(int64_t *extensions, int64_t *users)
{
	struct db_result r;
	struct arena *a;
	int rc;

	*extensions = *users = 0;
	/* The unique indexes on slug and username answer both counts as
	 * range scans of the "gen-" prefix. */
	a = arena_new(1024);
	if (a == NULL)
		return DF_ENOMEM;
	rc = db_query(a, "SELECT"
		" (SELECT COUNT(*) FROM extensions WHERE slug LIKE 'gen-%'),"
		" (SELECT COUNT(*) FROM users WHERE username LIKE 'gen-%')",
		NULL, 0, &r);
	if (rc == 0 && r.nrows == 1) {
		*extensions = db_int(&r, 0, 0, 0);
		*users = db_int(&r, 0, 1, 0);
	} else if (rc == 0) {
		rc = DF_EINTERNAL;
	}
	arena_free(a);
	return rc;
}

int store_cat_begin(void)
{
	int rc;

	/* Bulk statements of minutes, not requests: no per-statement time
	 * bound that a request's session may carry. */
	rc = db_exec("SET SESSION max_statement_time = 0", NULL, 0, NULL, NULL);
	if (rc == 0)
		rc = db_exec("DROP TEMPORARY TABLE IF EXISTS gen_ext", NULL, 0,
			NULL, NULL);
	if (rc == 0)
		rc = db_exec("CREATE TEMPORARY TABLE gen_ext ("
			" n INT UNSIGNED NOT NULL PRIMARY KEY,"
			" slug VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
			" name VARCHAR(100) NOT NULL,"
			" summary VARCHAR(200) NOT NULL,"
			" description MEDIUMTEXT NOT NULL,"
			" tags_text VARCHAR(400) NOT NULL,"
			" category_id SMALLINT UNSIGNED NOT NULL,"
			" price_amount INT UNSIGNED NOT NULL,"
			" license VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
			" owner INT UNSIGNED NOT NULL,"
			" downloads BIGINT UNSIGNED NOT NULL,"
			" age_days INT UNSIGNED NOT NULL,"
			" id BIGINT UNSIGNED NULL,"
			" UNIQUE KEY (slug), KEY (id)"
			") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
			" COLLATE=utf8mb4_unicode_ci", NULL, 0, NULL, NULL);
	if (rc == 0)
		rc = db_begin();
	return rc;
}

void store_cat_abort(void)
{
	db_rollback();
}

/* The statement for a batch of rows. db/ caches prepared statements by
 * the address of their text, so each text is made once and kept. */
static const char *stage_sql(size_t rows)
{
	static char *made[STAGE_BATCH + 1];
	static const char head[] = "INSERT INTO gen_ext (n, slug, name, summary,"
		" description, tags_text, category_id, price_amount, license,"
		" owner, downloads, age_days) VALUES ";
	static const char row[] = "(?,?,?,?,?,?,?,?,?,?,?,?)";
	size_t len = sizeof(head) + rows * sizeof(row), i;
	char *sql, *p;

	if (made[rows] != NULL)
		return made[rows];
	sql = malloc(len);
	if (sql == NULL)
		return NULL;
	p = sql + sprintf(sql, "%s", head);
	for (i = 0; i < rows; i++)
		p += sprintf(p, "%s%s", i ? "," : "", row);
	made[rows] = sql;
	return sql;
}

int store_cat_stage(const struct store_cat_ext *e, size_t n)
{
	struct db_param *p;
	size_t done = 0, i, rows;
	const char *sql;
	int rc = 0;

	p = calloc(STAGE_BATCH * STAGE_COLS, sizeof(*p));
	if (p == NULL)
		return DF_ENOMEM;
	while (rc == 0 && done < n) {
		rows = n - done < STAGE_BATCH ? n - done : STAGE_BATCH;
		sql = stage_sql(rows);
		if (sql == NULL) {
			rc = DF_ENOMEM;
			break;
		}
		for (i = 0; i < rows; i++) {
			const struct store_cat_ext *x = &e[done + i];
			struct db_param *q = &p[i * STAGE_COLS];

			q[0] = DB_INT(x->n);
			q[1] = DB_STR(x->slug);
			q[2] = DB_STR(x->name);
			q[3] = DB_STR(x->summary);
			q[4] = DB_STR(x->description);
			q[5] = DB_STR(x->tags_text);
			q[6] = DB_INT(x->category_id);
			q[7] = DB_INT(x->price_amount);
			q[8] = DB_STR(x->license);
			q[9] = DB_INT(x->owner);
			q[10] = DB_INT(x->downloads);
			q[11] = DB_INT(x->age_days);
		}
		rc = db_exec(sql, p, rows * STAGE_COLS, NULL, NULL);
		done += rows;
	}
	free(p);
	return rc;
}

/* Users gen-u1 .. gen-uU, all sharing one password hash, created over
 * six years; the first `developers` of them own the extensions. */
static const char users_sql[] =
	"INSERT INTO users (public_id, email, username, display_name,"
	" password_hash, role, status, email_verified_at, token_version,"
	" created_at, updated_at)"
	" SELECT " UUID_OF("h") ", CONCAT('gen-u', n, '@gen.devforge.test'),"
	"  CONCAT('gen-u', n), CONCAT('Generated User ', n), ?,"
	"  IF(n <= ?, 'developer', 'user'),"
	"  'active', t, 1, t, t"
	" FROM (SELECT seq AS n, MD5(CONCAT(k.s, ':user:', seq)) AS h,"
	"  TIMESTAMP(UTC_DATE() - INTERVAL 2200 DAY)"
	"   + INTERVAL (CRC32(CONCAT(k.s, ':ut:', seq)) % (2190 * 86400)) SECOND"
	"   AS t"
	"  FROM seq_1_to_100000000" SEED_JOIN " WHERE seq <= ?) x";

/* Every UPDATE here names one table: a multi-table UPDATE buffers rows
 * in a temporary file in the server's tmpdir, and at this size such a
 * file lives long enough for a /tmp cleaner to take it (error 6, "Error on
 * delete of '/tmp/#sql-update...'", seen on the shared machine). */

/* Published extensions; the counters stay 0 until the rows they count
 * exist (below). */
static const char ext_sql[] =
	"INSERT INTO extensions (slug, owner_id, name, summary, description,"
	" category_id, tags_text, price_amount, price_currency, license,"
	" homepage, repository, status, latest_version, created_at,"
	" updated_at, published_at)"
	" SELECT g.slug, u.id, g.name, g.summary, g.description, g.category_id,"
	"  g.tags_text, g.price_amount, 'USD', g.license,"
	"  CONCAT('https://gen.devforge.test/', g.slug),"
	"  CONCAT('https://git.gen.devforge.test/', g.slug), 'published',"
	"  " VERSION_OF("g.n", "? - 1") ", pub - INTERVAL 1 HOUR, pub, pub"
	" FROM (SELECT g.*, TIMESTAMP(UTC_DATE() - INTERVAL g.age_days DAY)"
	"   + INTERVAL (g.n * 7919 % 86400) SECOND AS pub FROM gen_ext g) g"
	" JOIN users u ON u.username = CONCAT('gen-u', g.owner)";

static const char ext_ids_sql[] =
	"UPDATE gen_ext g"
	" SET g.id = (SELECT e.id FROM extensions e WHERE e.slug = g.slug)";

static const char tags_sql[] =
	"INSERT INTO extension_tags (extension_id, tag)"
	" SELECT g.id, t.tag FROM gen_ext g, JSON_TABLE(CONCAT('[\"',"
	"  REPLACE(g.tags_text, ' ', '\",\"'), '\"]'), '$[*]'"
	"  COLUMNS (tag VARCHAR(32) PATH '$')) t";

/* V versions per extension, one every GAP days from its publication. */
static const char versions_sql[] =
	"INSERT INTO extension_versions (extension_id, version, changelog,"
	" engine, status, submitted_at, reviewed_at, published_at, created_at)"
	" SELECT x.id, x.v, CONCAT('Version ', x.v, ': fixes and improvements.'),"
	"  '^1.0.0', 'published', x.vp, x.vp, x.vp, x.vp"
	" FROM (SELECT g.id, " VERSION_OF("g.n", "s.seq") " AS v,"
	"  e.published_at + INTERVAL (s.seq * " GAP("?") ") DAY AS vp"
	"  FROM gen_ext g JOIN extensions e ON e.id = g.id"
	"  JOIN seq_0_to_999 s ON s.seq < ?) x";

/* Download rollups: one to four days after each version's publication,
 * the extension's downloads shared out evenly on average (2.5 days per
 * version), and at least one a day. */
static const char days_sql[] =
	"INSERT INTO extension_download_days (version_id, day, total, uniq)"
	" SELECT id, day, t, GREATEST(1, t - t DIV 4) FROM"
	" (SELECT v.id, DATE(v.published_at)"
	"   + INTERVAL (j.seq * GREATEST(1, " GAP("?") " DIV 4)) DAY AS day,"
	"  1 + FLOOR(2 * " U01("CONCAT(k.s, ':d:', g.n, ':', v.version, ':', j.seq)")
	"   * g.downloads / (? * 2.5)) AS t"
	"  FROM gen_ext g JOIN extension_versions v ON v.extension_id = g.id"
	"  JOIN seq_0_to_3 j" SEED_JOIN
	"  WHERE j.seq <= CRC32(CONCAT(k.s, ':nd:', g.n, ':', v.version)) % 4) x";

/* The counters from the rows they count, each a range of a primary or
 * unique key per row updated (grouping the whole rollup table first needs
 * a temporary table of all of it). */
static const char version_downloads_sql[] =
	"UPDATE extension_versions v"
	" SET v.downloads = (SELECT COALESCE(SUM(d.total), 0)"
	"  FROM extension_download_days d WHERE d.version_id = v.id)"
	" WHERE v.extension_id IN (SELECT id FROM gen_ext)";

static const char ext_downloads_sql[] =
	"UPDATE extensions e"
	" SET e.downloads = (SELECT COALESCE(SUM(v.downloads), 0)"
	"  FROM extension_versions v WHERE v.extension_id = e.id)"
	" WHERE e.id IN (SELECT id FROM gen_ext)";

/* Reviews: more for the more downloaded (log2 of downloads / 100, at
 * most 40), each by a different user (stride 7 over the users), ratings
 * mostly good as in every marketplace. */
static const char reviews_sql[] =
	"INSERT INTO extension_reviews (public_id, extension_id, user_id, rating,"
	" title, body, created_at, updated_at)"
	" SELECT " UUID_OF("x.h") ", x.id, u.id, x.rating,"
	"  ELT(1 + x.c % 6, 'Works well', 'Does what it says', 'Great',"
	"   'Could be better', 'Essential', 'Not for me'),"
	"  ELT(1 + x.c % 4, 'Use it every day.', 'Saves me time on every project.',"
	"   'A few rough edges, but useful.', 'Setup was easy and it just works.'),"
	"  x.at, x.at"
	" FROM (SELECT g.id, r.seq AS j, MD5(CONCAT(k.s, ':r:', g.n, ':', r.seq)) AS h,"
	"  CRC32(CONCAT(k.s, ':rc:', g.n, ':', r.seq)) AS c,"
	"  ELT(1 + CRC32(CONCAT(k.s, ':rr:', g.n, ':', r.seq)) % 10,"
	"   5, 5, 5, 5, 4, 4, 4, 3, 2, 1) AS rating,"
	"  1 + (CRC32(CONCAT(k.s, ':ru:', g.n)) + r.seq * 7) % ? AS user_no,"
	"  e.published_at + INTERVAL (CRC32(CONCAT(k.s, ':ra:', g.n, ':', r.seq))"
	"   % GREATEST(1, g.age_days)) DAY AS at"
	"  FROM gen_ext g JOIN extensions e ON e.id = g.id"
	"  JOIN seq_0_to_99 r" SEED_JOIN
	"  WHERE r.seq < LEAST(40, ? DIV 7,"
	"   FLOOR(LOG2(1 + g.downloads / 100))"
	"   + CRC32(CONCAT(k.s, ':rn:', g.n)) % 2)) x"
	" JOIN users u ON u.username = CONCAT('gen-u', x.user_no)";

#define REVIEWS_OF_E "FROM extension_reviews r WHERE r.extension_id = e.id"
static const char ratings_sql[] =
	"UPDATE extensions e"
	" SET e.rating_sum = (SELECT COALESCE(SUM(r.rating), 0) " REVIEWS_OF_E "),"
	"  e.rating_count = (SELECT COUNT(*) " REVIEWS_OF_E "),"
	"  e.rating_avg = (SELECT COALESCE(ROUND(SUM(r.rating) / COUNT(*), 2), 0)"
	"   " REVIEWS_OF_E ")"
	" WHERE e.id IN (SELECT id FROM gen_ext)";

int store_cat_finish(const struct store_cat_plan *p,
	void (*progress)(const char *step))
{
	char seed[24];
	int rc;

	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)p->seed);
#define STEP(name, sql, ...) do { \
		if (progress != NULL) \
			progress(name); \
		rc = db_exec(sql, DBP(__VA_ARGS__), NULL, NULL); \
		if (rc != 0) \
			goto fail; \
	} while (0)
#define STEP0(name, sql) do { \
		if (progress != NULL) \
			progress(name); \
		rc = db_exec(sql, NULL, 0, NULL, NULL); \
		if (rc != 0) \
			goto fail; \
	} while (0)

	STEP("users", users_sql, DB_STR(p->password_hash),
		DB_INT(p->developers), DB_STR(seed), DB_INT(p->users));
	/* VERSION_OF names its k three times. */
	STEP("extensions", ext_sql, DB_INT(p->versions), DB_INT(p->versions),
		DB_INT(p->versions));
	STEP0("extension ids", ext_ids_sql);
	STEP0("tags", tags_sql);
	STEP("versions", versions_sql, DB_INT(p->versions), DB_INT(p->versions));
	STEP("download days", days_sql, DB_INT(p->versions),
		DB_INT(p->versions), DB_STR(seed));
	STEP0("version downloads", version_downloads_sql);
	STEP0("extension downloads", ext_downloads_sql);
	STEP("reviews", reviews_sql, DB_INT(p->users), DB_STR(seed),
		DB_INT(p->users));
	STEP0("ratings", ratings_sql);
#undef STEP
#undef STEP0
	if (progress != NULL)
		progress("commit");
	rc = db_commit();
	if (rc != 0)
		goto fail;
	return 0;
fail:
	db_rollback();
	return rc;
}

int store_cat_analyze(void)
{
	struct arena *a = arena_new(4096);
	struct db_result r;
	int rc;

	if (a == NULL)
		return DF_ENOMEM;
	/* ANALYZE answers with a result set of its own. */
	rc = db_query(a, "ANALYZE TABLE users, extensions, extension_tags,"
		" extension_versions, extension_download_days, extension_reviews",
		NULL, 0, &r);
	arena_free(a);
	return rc;
}
