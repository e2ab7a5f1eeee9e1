/* scripts/backup and scripts/restore against the stack's database: a
 * backup loads into a new database with the same tables and rows and none
 * of the later writes, a damaged file is refused before anything changes,
 * backups older than the retention are removed, and a restore to a moment
 * (full backup + archived binary logs + storage tars) brings back every
 * row and package file committed before it and none after. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "client.h"

#define RESTORE_DB "devforge_restore_test"
#define DAMAGED_DB "devforge_restore_damaged"

static void run_ok(const char *cmd)
{
	char *out;

	cr_assert_eq(client_run(cmd, &out), 0, "%s failed: %s", cmd, out);
	free(out);
}

/* The scripts beside the stack's own control script. */
static const char *scripts_dir(void)
{
	static char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", client_env("DEVFORGE_TEST_STACK"));
	slash = strrchr(dir, '/');
	cr_assert(slash != NULL, "DEVFORGE_TEST_STACK is not a path: %s", dir);
	*slash = '\0';
	return dir;
}

static void scratch_dir(char *buf, size_t len, const char *tag)
{
	char cmd[1024];

	snprintf(buf, len, "/tmp/df-backup-%s-%d", tag, getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", buf, buf);
	run_ok(cmd);
}

/* Backs up the stack's database into dir the way an operator of the
 * stack would (defaults from DF_STACK_DIR); returns the .sql.gz path. */
static char *backup_into(const char *dir, const char *extra)
{
	char cmd[4096], *out, *path, *end;
	int rc;

	snprintf(cmd, sizeof(cmd), "DF_STACK_DIR='%s' '%s/backup' %s '%s'",
		client_env("DEVFORGE_TEST_STACK_DIR"), scripts_dir(),
		extra ? extra : "", dir);
	rc = client_run(cmd, &out);
	cr_assert_eq(rc, 0, "backup failed: %s", out);
	path = strstr(out, "backup: /");
	cr_assert(path != NULL, "backup named no file: %s", out);
	path += strlen("backup: ");
	end = strstr(path, ".sql.gz");
	cr_assert(end != NULL, "%s", out);
	end[strlen(".sql.gz")] = '\0';
	path = strdup(path);
	free(out);
	return path;
}

/* Restores file into db as the stack's database administrator. */
static int restore_into(const char *db, const char *file, int force,
	char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s/restore' --socket '%s' --user '%s' "
		"--database %s %s '%s'", scripts_dir(),
		client_env("DEVFORGE_TEST_DB_SOCKET"),
		client_env("DEVFORGE_TEST_DB_ADMIN"), db,
		force ? "--force" : "", file);
	return client_run(cmd, out);
}

/* A number the database must answer. */
static long sql_long(const char *sql)
{
	long n = client_sql_long(sql);

	cr_assert(n >= 0, "no answer to: %s", sql);
	return n;
}

static int database_exists(const char *db)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM "
		"information_schema.schemata WHERE schema_name = '%s'", db);
	return sql_long(sql) == 1;
}

/* "table=rows table=rows ..." for every table of schema, by name. */
static char *table_rows(const char *schema)
{
	char sql[1024], *names, *tok, *save = NULL, *res;
	size_t len = 0, cap = 4096;

	snprintf(sql, sizeof(sql), "SET SESSION group_concat_max_len = 65536;\n"
		"SELECT GROUP_CONCAT(table_name ORDER BY table_name SEPARATOR ' ') "
		"FROM information_schema.tables WHERE table_schema = '%s'", schema);
	names = client_sql(sql);
	cr_assert(names != NULL && strcmp(names, "NULL") != 0,
		"no tables in %s", schema);
	res = calloc(1, cap);
	for (tok = strtok_r(names, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		char q[512];
		long n;

		/* The backup records its own run there (job "backup"). */
		if (strcmp(tok, "job_runs") == 0)
			continue;
		snprintf(q, sizeof(q), "SELECT COUNT(*) FROM `%s`.`%s`", schema, tok);
		n = sql_long(q);
		len += (size_t)snprintf(res + len, cap - len, "%s%s=%ld",
			len ? " " : "", tok, n);
		cr_assert(len < cap, "too many tables");
	}
	free(names);
	return res;
}

static void drop_restore_db(void)
{
	free(client_sql("DROP DATABASE IF EXISTS " RESTORE_DB));
	free(client_sql("DELETE FROM analytics_events WHERE name LIKE 'backup_test.%'"));
}

Test(backup, restores_into_a_new_database_without_later_writes,
	.init = drop_restore_db, .fini = drop_restore_db, .timeout = 120)
{
	char dir[256], sql[512], *file, *before, *after, *restored, *out;

	scratch_dir(dir, sizeof(dir), "restore");
	/* At least one row, so the counts compare something. */
	free(client_sql("INSERT INTO analytics_events (name, received_at, "
		"client_addr) VALUES ('backup_test.before', UTC_TIMESTAMP(6), "
		"'127.0.0.1')"));
	before = table_rows("devforge");
	file = backup_into(dir, NULL);
	after = table_rows("devforge");
	cr_assert_str_eq(before, after, "the database changed during the backup");

	/* A write after the backup must not come back with it. */
	snprintf(sql, sizeof(sql), "INSERT INTO analytics_events (name, "
		"received_at, client_addr) VALUES ('backup_test.marker_%d', "
		"UTC_TIMESTAMP(6), '127.0.0.1')", getpid());
	free(client_sql(sql));
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM analytics_events "
		"WHERE name = 'backup_test.marker_%d'", getpid());
	cr_assert_eq(sql_long(sql), 1, "the marker row was not written");

	free(client_sql("CREATE DATABASE " RESTORE_DB " CHARACTER SET utf8mb4 "
		"COLLATE utf8mb4_unicode_ci"));
	cr_assert(database_exists(RESTORE_DB));
	cr_assert_eq(restore_into(RESTORE_DB, file, 0, &out), 0,
		"restore failed: %s", out);
	free(out);

	restored = table_rows(RESTORE_DB);
	cr_assert_str_eq(restored, before, "restored tables and rows differ");
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM " RESTORE_DB
		".analytics_events WHERE name = 'backup_test.marker_%d'", getpid());
	cr_assert_eq(sql_long(sql), 0, "a write after the backup was restored");
	cr_assert_eq(sql_long("SELECT MAX(version) FROM " RESTORE_DB
		".schema_migrations"),
		sql_long("SELECT MAX(version) FROM devforge.schema_migrations"));

	/* Now the database holds tables: refused without --force. */
	free(client_sql("CREATE TABLE " RESTORE_DB ".not_in_backup (id INT)"));
	cr_assert_eq(restore_into(RESTORE_DB, file, 0, &out), 1,
		"loaded into a non-empty database: %s", out);
	cr_assert(strstr(out, "--force") != NULL, "%s", out);
	free(out);
	cr_assert_eq(sql_long("SELECT COUNT(*) FROM information_schema.tables "
		"WHERE table_schema = '" RESTORE_DB "' AND table_name = "
		"'not_in_backup'"), 1, "the refused restore changed the database");

	/* --force empties it first: afterwards it is the backup exactly. */
	cr_assert_eq(restore_into(RESTORE_DB, file, 1, &out), 0,
		"restore --force failed: %s", out);
	free(out);
	free(restored);
	restored = table_rows(RESTORE_DB);
	cr_assert_str_eq(restored, before, "after --force: %s", restored);

	free(before);
	free(after);
	free(restored);
	free(file);
	snprintf(sql, sizeof(sql), "rm -rf '%s'", dir);
	run_ok(sql);
}

static void drop_damaged_db(void)
{
	free(client_sql("DROP DATABASE IF EXISTS " DAMAGED_DB));
}

Test(backup, refuses_a_damaged_file_before_touching_the_database,
	.init = drop_damaged_db, .fini = drop_damaged_db, .timeout = 120)
{
	char dir[256], cmd[1024], *file, *out;
	FILE *f;
	int c;

	scratch_dir(dir, sizeof(dir), "damaged");
	file = backup_into(dir, NULL);
	free(client_sql("CREATE DATABASE " DAMAGED_DB));
	free(client_sql("CREATE TABLE " DAMAGED_DB ".sentinel (id INT)"));
	free(client_sql("INSERT INTO " DAMAGED_DB ".sentinel VALUES (1)"));

	/* One flipped byte in the middle of the file. */
	f = fopen(file, "r+b");
	cr_assert(f != NULL);
	cr_assert(fseek(f, 40, SEEK_SET) == 0);
	c = fgetc(f);
	cr_assert(c != EOF, "backup shorter than 40 bytes");
	cr_assert(fseek(f, 40, SEEK_SET) == 0);
	fputc(c ^ 0xff, f);
	fclose(f);

	cr_assert_eq(restore_into(DAMAGED_DB, file, 1, &out), 1,
		"a damaged backup was accepted: %s", out);
	cr_assert(strstr(out, "checksum mismatch") != NULL, "%s", out);
	free(out);
	cr_assert_eq(sql_long("SELECT COUNT(*) FROM " DAMAGED_DB ".sentinel"), 1,
		"the refused restore touched the database");

	/* Without its checksum file a backup is not loaded either. */
	snprintf(cmd, sizeof(cmd), "rm -f '%s.sha256'", file);
	run_ok(cmd);
	cr_assert_eq(restore_into(DAMAGED_DB, file, 1, &out), 1, "%s", out);
	cr_assert(strstr(out, "checksum") != NULL, "%s", out);
	free(out);
	cr_assert_eq(sql_long("SELECT COUNT(*) FROM " DAMAGED_DB ".sentinel"), 1);

	free(file);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	run_ok(cmd);
}

Test(backup, removes_backups_older_than_the_retention, .timeout = 120)
{
	char dir[256], cmd[2048], *file, *out;
	struct stat st;

	scratch_dir(dir, sizeof(dir), "prune");
	snprintf(cmd, sizeof(cmd), "cd '%s' && "
		"touch -d '40 days ago' devforge-20000101T000000Z.sql.gz "
		"devforge-20000101T000000Z.sql.gz.sha256 notes.txt && "
		"touch -d '10 days ago' devforge-20000201T000000Z.sql.gz "
		"devforge-20000201T000000Z.sql.gz.sha256", dir);
	run_ok(cmd);

	file = backup_into(dir, "--retention-days 30");

	snprintf(cmd, sizeof(cmd), "%s/devforge-20000101T000000Z.sql.gz", dir);
	cr_assert(access(cmd, F_OK) != 0, "a 40-day-old backup was kept");
	strcat(cmd, ".sha256");
	cr_assert(access(cmd, F_OK) != 0, "its checksum file was kept");
	snprintf(cmd, sizeof(cmd), "%s/devforge-20000201T000000Z.sql.gz", dir);
	cr_assert(access(cmd, F_OK) == 0, "a 10-day-old backup was removed");
	snprintf(cmd, sizeof(cmd), "%s/notes.txt", dir);
	cr_assert(access(cmd, F_OK) == 0, "a file that is no backup was removed");

	/* The new one is private and verifies with the stock tool. */
	cr_assert(stat(file, &st) == 0);
	cr_assert_eq(st.st_mode & 077, 0, "backup mode %o", st.st_mode & 0777);
	snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum -c '%s.sha256'", dir,
		strrchr(file, '/') + 1);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);

	free(file);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	run_ok(cmd);
}

/* ------------------------------------------------ point-in-time restore */

#define PITR_DB "devforge_pitr_test"

static char pitr_dir[256];
static char pitr_slug[64];

/* The live stack's package storage. */
static char *live_storage(void)
{
	char *s = client_config("storage_dir", NULL);

	cr_assert(s != NULL && s[0] == '/', "the stack config names no storage_dir");
	return s;
}

/* Writes a package file (unique content) into storage the way blob_commit
 * leaves it (<dir>/<2 hex>/<sha256>) and returns its hash (malloc'd). */
static char *put_package(const char *storage, const char *tag)
{
	char cmd[2048], *out, *nl;

	snprintf(cmd, sizeof(cmd), "set -e; f=$(mktemp '%s/pkg.XXXXXX'); "
		"printf 'package %s %d %%s' \"$(date +%%s%%N)\" >\"$f\"; "
		"h=$(sha256sum \"$f\" | cut -d' ' -f1); "
		"mkdir -p '%s'/$(echo $h | cut -c1-2); "
		"mv \"$f\" '%s'/$(echo $h | cut -c1-2)/$h; echo $h",
		pitr_dir, tag, getpid(), storage, storage);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	nl = strchr(out, '\n');
	if (nl != NULL)
		*nl = '\0';
	cr_assert_eq(strlen(out), 64, "no hash: %s", out);
	return out;
}

/* A version row of our own extension that names the package. */
static void add_version(const char *version, const char *sha)
{
	free(client_sqlf("INSERT INTO extension_versions (extension_id, "
		"version, changelog, engine, package_sha256, package_size, "
		"uploaded_at, created_at) SELECT id, '%s', '', '*', '%s', 40, "
		"UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM extensions WHERE slug = "
		"'%s'", version, sha, pitr_slug));
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM extension_versions "
		"v JOIN extensions e ON e.id = v.extension_id WHERE e.slug = '%s' "
		"AND v.version = '%s'", pitr_slug, version), 1);
}

static void add_marker(const char *tag)
{
	free(client_sqlf("INSERT INTO analytics_events (name, received_at, "
		"client_addr) VALUES ('backup_pitr.%s_%d', UTC_TIMESTAMP(6), "
		"'127.0.0.1')", tag, getpid()));
}

static long restored_markers(const char *tag)
{
	return client_sql_longf("SELECT COUNT(*) FROM " PITR_DB
		".analytics_events WHERE name = 'backup_pitr.%s_%d'", tag, getpid());
}

static long restored_version(const char *version)
{
	return client_sql_longf("SELECT COUNT(*) FROM " PITR_DB
		".extension_versions v JOIN " PITR_DB ".extensions e ON e.id = "
		"v.extension_id WHERE e.slug = '%s' AND v.version = '%s'",
		pitr_slug, version);
}

static int file_in(const char *storage, const char *sha)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%.2s/%s", storage, sha, sha);
	return access(path, F_OK) == 0;
}

static void pitr_clean(void)
{
	char *storage = client_config("storage_dir", NULL);
	char *shas;

	free(client_sql("DROP DATABASE IF EXISTS " PITR_DB));
	if (pitr_slug[0] != '\0') {
		shas = client_sqlf("SELECT GROUP_CONCAT(package_sha256 SEPARATOR "
			"' ') FROM extension_versions v JOIN extensions e ON e.id = "
			"v.extension_id WHERE e.slug = '%s'", pitr_slug);
		if (shas != NULL && storage != NULL && strcmp(shas, "NULL") != 0) {
			char cmd[4096], *out;

			snprintf(cmd, sizeof(cmd), "cd '%s' && for h in %s; do "
				"rm -f $(echo $h | cut -c1-2)/$h; done", storage, shas);
			if (client_run(cmd, &out) == 0)
				free(out);
			else
				free(out);
		}
		free(shas);
		free(client_sqlf("DELETE v FROM extension_versions v JOIN "
			"extensions e ON e.id = v.extension_id WHERE e.slug = '%s'",
			pitr_slug));
		free(client_sqlf("DELETE FROM extensions WHERE slug = '%s'",
			pitr_slug));
	}
	free(client_sqlf("DELETE FROM analytics_events WHERE name LIKE "
		"'backup_pitr.%%\\_%d'", getpid()));
	if (pitr_dir[0] != '\0') {
		char cmd[512], *out;

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pitr_dir);
		if (client_run(cmd, &out) == 0)
			free(out);
		else
			free(out);
	}
	free(storage);
}

/* scripts/restore --to into a scratch database and storage directory (a
 * recovery drill: the live ones stay in use by the other programs). */
static int restore_to(const char *to, const char *storage, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s/restore' --socket '%s' --user '%s' "
		"--database " PITR_DB " --force --storage '%s' --to '%s' '%s/bk'",
		scripts_dir(), client_env("DEVFORGE_TEST_DB_SOCKET"),
		client_env("DEVFORGE_TEST_DB_ADMIN"), storage, to, pitr_dir);
	return client_run(cmd, out);
}

static void backup_run(const char *extra)
{
	char cmd[4096];

	/* The database administrator: FLUSH BINARY LOGS and reading the logs
	 * need rights the application's account does not have. */
	snprintf(cmd, sizeof(cmd), "DF_STACK_DIR='%s' '%s/backup' --socket '%s' "
		"--user '%s' %s '%s/bk'", client_env("DEVFORGE_TEST_STACK_DIR"),
		scripts_dir(), client_env("DEVFORGE_TEST_DB_SOCKET"),
		client_env("DEVFORGE_TEST_DB_ADMIN"), extra, pitr_dir);
	run_ok(cmd);
}

Test(backup, restores_to_a_moment_every_row_and_package_before_it_none_after,
	.init = pitr_clean, .fini = pitr_clean, .timeout = 300)
{
	char pub[64], to[32], target[512], cmd[4096], *live, *sha_a, *sha_b,
		*sha_c, *out, *size;
	time_t t;
	struct tm tm;
	double t0, secs;
	long uid;
	FILE *f;
	int c;

	scratch_dir(pitr_dir, sizeof(pitr_dir), "pitr");
	snprintf(pitr_slug, sizeof(pitr_slug), "backup-pitr-%d", getpid());
	snprintf(target, sizeof(target), "%s/restored-storage", pitr_dir);
	live = live_storage();

	cr_assert_eq(client_user("user", pub), 0);
	uid = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'", pub);
	cr_assert(uid > 0);
	free(client_sqlf("INSERT INTO extensions (slug, owner_id, name, summary, "
		"description, category_id, license, created_at, updated_at) SELECT "
		"'%s', %ld, 'Backup drill', 'x', 'x', MIN(id), 'MIT', "
		"UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM categories", pitr_slug, uid));

	/* A: in the full backup. */
	add_marker("a");
	sha_a = put_package(live, "a");
	add_version("1.0.0", sha_a);
	backup_run("");

	/* B: after the full backup, before the moment: from the binlogs and
	 * the storage increment. Binlog times have whole seconds: the moment
	 * is a second boundary with B at least a second before it and C at
	 * least a second after. */
	add_marker("b");
	sha_b = put_package(live, "b");
	add_version("1.1.0", sha_b);
	sleep(1);
	t = time(NULL) + 1;
	gmtime_r(&t, &tm);
	strftime(to, sizeof(to), "%Y-%m-%d %H:%M:%S", &tm);
	while (time(NULL) < t + 1)
		usleep(100 * 1000);

	/* C: after the moment. */
	add_marker("c");
	sha_c = put_package(live, "c");
	add_version("2.0.0", sha_c);
	backup_run("--binlogs");

	/* The drill's "destroyed" copy: a scratch database holding a stray
	 * table and a storage directory holding C's file and a stray package,
	 * both of which the restore must not leave. */
	free(client_sql("CREATE DATABASE " PITR_DB " CHARACTER SET utf8mb4 "
		"COLLATE utf8mb4_unicode_ci"));
	free(client_sql("CREATE TABLE " PITR_DB ".leftover (id INT)"));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%.2s' '%s/ff' && cp '%s/%.2s/%s' "
		"'%s/%.2s/' && touch '%s/ff/ff%062d'", target, sha_c, target, live,
		sha_c, sha_c, target, sha_c, target, 0);
	run_ok(cmd);
	cr_assert(file_in(target, sha_c));

	t0 = client_now();
	cr_assert_eq(restore_to(to, target, &out), 0, "restore --to failed: %s", out);
	secs = client_now() - t0;
	free(out);
	snprintf(cmd, sizeof(cmd), "du -sh '%s/bk' | cut -f1; "
		"gzip -dc '%s'/bk/devforge-*.sql.gz | wc -c", pitr_dir, pitr_dir);
	cr_assert_eq(client_run(cmd, &size), 0);
	for (char *p = size; *p; p++)
		if (*p == '\n')
			*p = ' ';
	/* The recovery time DEPLOYMENT.md quotes, and what it was measured on
	 * (the backup directory on disk, the dump's uncompressed bytes). */
	printf("backup: point-in-time restore to %s took %.1f s (backup "
		"directory on disk, uncompressed dump bytes: %s)\n", to, secs, size);
	free(size);

	cr_assert_eq(restored_markers("a"), 1, "a row from the full backup is missing");
	cr_assert_eq(restored_markers("b"), 1, "a row committed before the moment is missing");
	cr_assert_eq(restored_markers("c"), 0, "a row committed after the moment came back");
	cr_assert_eq(restored_version("1.0.0"), 1);
	cr_assert_eq(restored_version("1.1.0"), 1);
	cr_assert_eq(restored_version("2.0.0"), 0, "a version after the moment came back");
	cr_assert(file_in(target, sha_a), "the full backup's package is missing");
	cr_assert(file_in(target, sha_b), "a package uploaded before the moment is missing");
	cr_assert(!file_in(target, sha_c), "a package uploaded after the moment is there");
	snprintf(cmd, sizeof(cmd), "%s/ff/ff%062d", target, 0);
	cr_assert(access(cmd, F_OK) != 0, "a package file without a row was kept");
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM information_schema."
		"tables WHERE table_schema = '" PITR_DB "' AND table_name = "
		"'leftover'"), 0);

	/* Both kinds of run are recorded, each under its own name, for
	 * devforge_job_last_success_timestamp_seconds. */
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM job_runs WHERE name"
		" IN ('backup', 'backup-binlogs') AND ok = 1 AND finished_at >="
		" UTC_TIMESTAMP(6) - INTERVAL 10 MINUTE"), 2,
		"the full backup and the binlog run are not both in job_runs");
	/* And its last success, once migration 0036 has added the column. */
	if (client_sql_long("SELECT COUNT(*) FROM information_schema.columns "
		"WHERE table_schema = DATABASE() AND table_name = 'job_runs' AND "
		"column_name = 'last_ok_at'") == 1)
		cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM job_runs WHERE "
			"name IN ('backup', 'backup-binlogs') AND last_ok_at ="
			" finished_at"), 2,
			"last_ok_at is not the backup's finish");

	/* One damaged binary log: refused before the database changes. */
	free(client_sql("CREATE TABLE " PITR_DB ".sentinel (id INT)"));
	snprintf(cmd, sizeof(cmd), "ls '%s'/bk/binlogs/*.gz | tail -n1", pitr_dir);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	out[strcspn(out, "\n")] = '\0';
	f = fopen(out, "r+b");
	cr_assert(f != NULL, "%s", out);
	free(out);
	cr_assert(fseek(f, 30, SEEK_SET) == 0);
	c = fgetc(f);
	cr_assert(c != EOF);
	cr_assert(fseek(f, 30, SEEK_SET) == 0);
	fputc(c ^ 0xff, f);
	fclose(f);
	cr_assert_eq(restore_to(to, target, &out), 1, "a damaged binlog was accepted: %s", out);
	cr_assert(strstr(out, "checksum mismatch") != NULL, "%s", out);
	free(out);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM information_schema."
		"tables WHERE table_schema = '" PITR_DB "' AND table_name = "
		"'sentinel'"), 1, "the refused restore changed the database");

	free(sha_a);
	free(sha_b);
	free(sha_c);
	free(live);
}

Test(backup, scripts_answer_help_and_refuse_unknown_arguments)
{
	const char *names[] = { "backup", "restore" };
	char cmd[1024], *out;

	for (size_t i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "'%s/%s' --help", scripts_dir(), names[i]);
		cr_assert_eq(client_run(cmd, &out), 0, "%s --help: %s", names[i], out);
		cr_assert(strstr(out, "usage:") != NULL, "%s", out);
		free(out);
		snprintf(cmd, sizeof(cmd), "'%s/%s' --bogus /tmp", scripts_dir(), names[i]);
		cr_assert_eq(client_run(cmd, &out), 2, "%s --bogus: %s", names[i], out);
		free(out);
	}
}
