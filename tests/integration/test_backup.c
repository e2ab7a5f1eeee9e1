/* scripts/backup and scripts/restore against the stack's database: a
 * backup loads into a new database with the same tables and rows and none
 * of the later writes, a damaged file is refused before anything changes,
 * and backups older than the retention are removed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
