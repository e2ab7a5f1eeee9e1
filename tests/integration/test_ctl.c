/* devforgectl and the worker's start-up checks, run as real programs
 * against the stack's database and copies of its config. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "client.h"

/* A scratch copy of the stack's migrations directory. */
static void copy_migrations(const char *dir)
{
	char cmd[4096], *out;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s' && "
		"cp \"$(sed -n 's/^migrations_dir *= *//p' '%s')\"/*.sql '%s'/",
		dir, dir, client_env("DEVFORGE_TEST_CONFIG"), dir);
	cr_assert_eq(client_run(cmd, &out), 0, "copy failed: %s", out);
	free(out);
}

/* Runs a shell command that must succeed. */
static void run_ok(const char *cmd)
{
	char *out;

	cr_assert_eq(client_run(cmd, &out), 0, "%s: %s", cmd, out);
	free(out);
}

/* Runs `devforgectl migrate <args>` on the migrations in dir; returns
 * its exit status and its output in *out (malloc'd). */
static int migrate_in(const char *dir, const char *args, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "DEVFORGE_MIGRATIONS_DIR='%s' %s -c '%s' "
		"migrate%s", dir, client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"), args);
	return client_run(cmd, out);
}

/* Removes the scratch directory dir. */
static void remove_dir(const char *dir)
{
	char cmd[512], *out;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	client_run(cmd, &out);
	free(out);
}

Test(ctl, status_of_a_migrated_database_is_up_to_date)
{
	char cmd[2048], *out;

	snprintf(cmd, sizeof(cmd), "%s -c '%s' migrate --status", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' migrate", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 0, "a second migrate must do nothing: %s", out);
	free(out);
}

Test(ctl, a_changed_applied_migration_is_refused)
{
	char dir[256], cmd[4096], *out;

	snprintf(dir, sizeof(dir), "/tmp/df-ctl-changed-%d", getpid());
	copy_migrations(dir);
	snprintf(cmd, sizeof(cmd), "echo '-- edited after it was applied' >> "
		"'%s/0002_analytics_events.sql'", dir);
	run_ok(cmd);

	cr_assert_eq(migrate_in(dir, "", &out), 1,
		"migrate accepted an edited file: %s", out);
	cr_assert(strstr(out, "0002_analytics_events.sql") != NULL, "%s", out);
	free(out);
	cr_assert_eq(migrate_in(dir, " --status", &out), 1, "%s", out);
	free(out);
	remove_dir(dir);
}

Test(ctl, a_new_file_shows_as_pending)
{
	char dir[256], cmd[4096], *out;

	snprintf(dir, sizeof(dir), "/tmp/df-ctl-pending-%d", getpid());
	copy_migrations(dir);
	snprintf(cmd, sizeof(cmd), "echo 'SELECT 1;' > '%s/9999_not_applied.sql'",
		dir);
	run_ok(cmd);
	cr_assert_eq(migrate_in(dir, " --status", &out), 3, "%s", out);
	cr_assert(strstr(out, "9999_not_applied.sql") != NULL, "%s", out);
	free(out);
	remove_dir(dir);
}

/* A copy of the stack config with extra lines appended. */
static void config_variant(const char *path, const char *extra)
{
	char cmd[4096], *out;

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && printf '%%s\\n' '%s' >> '%s'",
		client_env("DEVFORGE_TEST_CONFIG"), path, extra, path);
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	free(out);
}

Test(ctl, check_config_names_an_unknown_key)
{
	char path[256], cmd[2048], *out;

	snprintf(path, sizeof(path), "%s/ctl-unknown-%d.conf",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	config_variant(path, "no_such_key = 1");
	snprintf(cmd, sizeof(cmd), "%s -c '%s' check-config", client_ctl(), path);
	cr_assert_eq(client_run(cmd, &out), 1, "%s", out);
	cr_assert(strstr(out, "no_such_key") != NULL, "%s", out);
	free(out);
	unlink(path);
}

Test(ctl, production_mode_refuses_the_example_secret)
{
	char path[256], extra[1024], cmd[2048], *out;
	const char *src = getenv("DEVFORGE_TEST_SRCDIR");

	/* The stack config sets mode and the secret file already; later
	 * duplicates are an error, so write a fresh minimal config. */
	snprintf(path, sizeof(path), "%s/ctl-prod-%d.conf",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	snprintf(extra, sizeof(extra), "mode = production\n"
		"public_url = https://api.devforge.example\n"
		"db_password_file = %s/secrets/db_password\n"
		"jwt_secret_file = %s/conf/secrets.example/jwt_secret\n",
		client_env("DEVFORGE_TEST_STACK_DIR"), src ? src : "..");
	FILE *f = fopen(path, "w");
	cr_assert(f != NULL);
	fputs(extra, f);
	fclose(f);

	snprintf(cmd, sizeof(cmd), "%s -c '%s' check-config", client_ctl(), path);
	cr_assert_eq(client_run(cmd, &out), 1, "%s", out);
	cr_assert(strstr(out, "jwt_secret_file") != NULL, "%s", out);
	free(out);

	/* The worker refuses to start with it too. */
	snprintf(cmd, sizeof(cmd), "./devforge-fcgi -c '%s' --workers 1 "
		"--socket '%s/ctl-prod-%d.sock'", path,
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	cr_assert_eq(client_run(cmd, &out), 1, "%s", out);
	cr_assert(strstr(out, "jwt_secret_file") != NULL, "%s", out);
	free(out);
	unlink(path);
}
