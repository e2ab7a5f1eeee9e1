/* devforgectl and the worker's start-up checks, run as real programs
 * against the stack's database and copies of its config. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
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
	char *out;

	cr_assert_eq(client_ctl_run(0, &out, "migrate --status"), 0, "%s", out);
	free(out);
	cr_assert_eq(client_ctl_run(0, &out, "migrate"), 0,
		"a second migrate must do nothing: %s", out);
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

/* Runs `ENV devforgectl -c PATH check-config`; exit status, output in *out. */
static int check_config_run(const char *env, const char *path, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s %s -c '%s' check-config", env,
		client_ctl(), path);
	return client_run(cmd, out);
}

Test(ctl, check_config_reports_every_error_at_once)
{
	char path[256], *out;

	snprintf(path, sizeof(path), "%s/ctl-errors-%d.conf",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	config_variant(path, "no_such_key_one = 1\nno_such_key_two = 2");
	cr_assert_eq(check_config_run("DEVFORGE_DB_PORT=0", path, &out), 1,
		"%s", out);
	cr_assert(strstr(out, "no_such_key_one") != NULL, "%s", out);
	cr_assert(strstr(out, "no_such_key_two") != NULL,
		"only the first error was reported: %s", out);
	cr_assert(strstr(out, "DEVFORGE_DB_PORT") != NULL,
		"the environment's error was not reported: %s", out);
	free(out);
	unlink(path);
}

Test(ctl, check_config_warns_about_an_unknown_devforge_variable)
{
	char *out;

	cr_assert_eq(check_config_run("DEVFORGE_WORKRES=3",
		client_env("DEVFORGE_TEST_CONFIG"), &out), 0, "%s", out);
	cr_assert(strstr(out, "warning: environment DEVFORGE_WORKRES") != NULL,
		"%s", out);
	/* The stack's environment sets DEVFORGE_RATELIMIT_* keys. */
	cr_assert(strstr(out, "warning: environment DEVFORGE_RATELIMIT") == NULL,
		"a known variable was warned about: %s", out);
	free(out);
}

Test(ctl, check_config_warns_when_sendmail_is_not_executable)
{
	char *out;

	cr_assert_eq(check_config_run("DEVFORGE_MAIL_TRANSPORT=sendmail "
		"DEVFORGE_SENDMAIL_PATH=/nonexistent/sendmail",
		client_env("DEVFORGE_TEST_CONFIG"), &out), 0, "%s", out);
	cr_assert(strstr(out, "warning: sendmail_path '/nonexistent/sendmail'")
		!= NULL, "%s", out);
	free(out);
}

Test(ctl, check_config_warns_about_unwritable_paths)
{
	char file[256], env[1024], *out;

	/* Below a regular file nothing can be created, even by root. */
	snprintf(file, sizeof(file), "%s/ctl-notadir-%d",
		client_env("DEVFORGE_TEST_STACK_DIR"), getpid());
	FILE *f = fopen(file, "w");
	cr_assert(f != NULL);
	fclose(f);
	snprintf(env, sizeof(env), "DEVFORGE_STORAGE_DIR='%s/storage' "
		"DEVFORGE_SEARCH_INDEX_DIR='%s/search' "
		"DEVFORGE_LOG_FILE='%s/worker.log'", file, file, file);
	/* Warnings (exit 0): the senders' units check their config in a
	 * sandbox where storage is read-only. */
	cr_assert_eq(check_config_run(env, client_env("DEVFORGE_TEST_CONFIG"),
		&out), 0, "%s", out);
	cr_assert(strstr(out, "warning: storage_dir") != NULL, "%s", out);
	cr_assert(strstr(out, "warning: search_index_dir") != NULL, "%s", out);
	cr_assert(strstr(out, "warning: log_file") != NULL, "%s", out);
	free(out);
	unlink(file);
}

Test(ctl, migrate_status_has_its_own_exit_code_when_the_database_is_unreachable)
{
	char *out;

	cr_assert_eq(client_ctl_run_env("DEVFORGE_DB_SOCKET=/nonexistent/"
		"mysql.sock", &out, "migrate --status"), 4, "%s", out);
	free(out);
}

/* ---- scripts/stack.sh status ------------------------------------------- */

Test(ctl, stack_status_reads_its_own_port)
{
	char cmd[2048], want[128], *out;

	snprintf(cmd, sizeof(cmd), "env -u DF_PORT -u DF_STRIPE_PORT "
		"DF_STACK_DIR='%s' '%s' status",
		client_env("DEVFORGE_TEST_STACK_DIR"), client_env("DEVFORGE_TEST_STACK"));
	snprintf(want, sizeof(want), ":%s/api/v1/health/ready -> 200",
		client_env("DEVFORGE_TEST_PORT"));
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	cr_assert(strstr(out, want) != NULL, "no '%s' in: %s", want, out);
	free(out);
}

Test(ctl, stack_status_fails_when_the_front_does_not_answer)
{
	char cmd[2048], *out;

	/* Every process runs, but nothing answers on this port. */
	snprintf(cmd, sizeof(cmd), "env -u DF_STRIPE_PORT DF_PORT=%d "
		"DF_STACK_DIR='%s' '%s' status",
		atoi(client_env("DEVFORGE_TEST_PORT")) + 13,
		client_env("DEVFORGE_TEST_STACK_DIR"), client_env("DEVFORGE_TEST_STACK"));
	cr_assert_neq(client_run(cmd, &out), 0, "%s", out);
	cr_assert(strstr(out, "health/ready -> 000") != NULL, "%s", out);
	free(out);
}

/* ---- the README's demo login ------------------------------------------ */

/* The README's first login snippet (from its `B=...` line to the line
 * that extracts access_token), run as written but for the port, must
 * give a token that GET /me accepts for the demo user. */
Test(ctl, the_readme_demo_login_works_as_written)
{
	const char *src = getenv("DEVFORGE_TEST_SRCDIR");
	char cmd[4096], *out;

	snprintf(cmd, sizeof(cmd),
		"snippet=$(awk '/^B=http:\\/\\/127\\.0\\.0\\.1:8080\\/api\\/v1$/ { on = 1 } "
		"on { print } on && /access_token/ { exit }' '%s/README.md' | "
		"sed 's|127.0.0.1:8080|127.0.0.1:%s|') && "
		"test -n \"$snippet\" && eval \"$snippet\" && test -n \"$T\" && "
		"curl -s \"$B/me\" -H \"Authorization: Bearer $T\"",
		src ? src : "..", client_env("DEVFORGE_TEST_PORT"));
	cr_assert_eq(client_run(cmd, &out), 0, "%s", out);
	cr_assert(strstr(out, "\"username\":\"lena_fischer\"") != NULL, "%s", out);
	free(out);
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

/* ---- demo-catalogue ---------------------------------------------------- */

/* Removes every generated row (gen-*): the catalogue must not stay in the
 * shared test stack for the suites that count what they list. Extensions
 * first (their versions, tags, rollups and reviews go with them), then
 * the accounts. */
static void catalogue_remove(void)
{
	free(client_sql("DELETE FROM extensions WHERE slug LIKE 'gen-%'"));
	free(client_sql("DELETE FROM users WHERE username LIKE 'gen-%'"));
}

/* Criterion runs the tests of a program in parallel; those that make and
 * remove the one generated catalogue take turns, by a lock on a file of
 * the stack, held from .init to .fini. */
static int catalogue_lock_fd = -1;

static void catalogue_begin(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/catalogue-test.lock",
		client_env("DEVFORGE_TEST_STACK_DIR"));
	catalogue_lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert(catalogue_lock_fd >= 0, "cannot open %s", path);
	cr_assert_eq(flock(catalogue_lock_fd, LOCK_EX), 0);
	catalogue_remove();
}

static void catalogue_end(void)
{
	catalogue_remove();
	if (catalogue_lock_fd >= 0)
		close(catalogue_lock_fd);
	catalogue_lock_fd = -1;
}

static int catalogue_run(const char *args, char **out)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "%s -c '%s' demo-catalogue %s", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"), args);
	return client_run(cmd, out);
}

/* GET path (a unique "&t=" keeps the answer out of the response cache, so
 * no cached page with generated rows outlives this test), as JSON. */
static struct json_object *catalogue_get(const char *path)
{
	struct client_resp r;
	struct json_object *o;
	char url[1024];

	snprintf(url, sizeof(url), "%s%st=%s", path,
		strchr(path, '?') ? "&" : "?", client_unique("cat"));
	cr_assert_eq(client_get(client_url(url), &r), 0);
	cr_assert_eq(r.status, 200, "%s: %ld %s", url, r.status, r.body);
	o = client_json(&r);
	cr_assert(o != NULL, "%s: %s", url, r.body);
	client_free(&r);
	return o;
}

static long json_long(struct json_object *o, const char *key)
{
	struct json_object *v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
	return (long)json_object_get_int64(v);
}

/* Whether the "items" of a list answer hold slug. */
static int lists_slug(struct json_object *o, const char *slug)
{
	struct json_object *items, *s;
	size_t i;

	cr_assert(json_object_object_get_ex(o, "items", &items));
	for (i = 0; i < json_object_array_length(items); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(items, i),
		    "slug", &s) && strcmp(json_object_get_string(s), slug) == 0)
			return 1;
	return 0;
}

Test(ctl, demo_catalogue_is_listed_searchable_consistent_and_made_once,
	.init = catalogue_begin, .fini = catalogue_end)
{
	char *out, *slug, *name, *dl, *latest, path[512], w1[64], w2[64];
	struct json_object *o, *items, *rating;
	long downloads, versions_sum, n, i;

	cr_assert_eq(catalogue_run("--extensions 300 --users 1000 --versions 3"
		" --seed 11", &out), 0, "%s", out);
	free(out);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM extensions WHERE slug"
		" LIKE 'gen-%' AND status = 'published'"), 300);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM extension_versions v"
		" JOIN extensions e ON e.id = v.extension_id WHERE e.slug LIKE"
		" 'gen-%'"), 900);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM users WHERE username"
		" LIKE 'gen-%'"), 1000);
	/* Owners are developers, and only they. */
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM extensions e JOIN"
		" users u ON u.id = e.owner_id WHERE e.slug LIKE 'gen-%' AND"
		" u.role <> 'developer'"), 0);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM users u WHERE"
		" u.username LIKE 'gen-%' AND u.role = 'developer' AND NOT EXISTS"
		" (SELECT 1 FROM extensions e WHERE e.owner_id = u.id)"), 0);

	/* The stack runs demo-packages at every start: it leaves the
	 * generated versions (hundreds of thousands at full size) alone. */
	cr_assert_eq(client_ctl_run(0, &out, "demo-packages"), 0, "%s", out);
	free(out);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM extension_versions v"
		" JOIN extensions e ON e.id = v.extension_id WHERE e.slug LIKE"
		" 'gen-%' AND v.package_sha256 IS NOT NULL"), 0);

	/* The most downloaded one: listed on the first popular page. */
	slug = client_sql("SELECT slug FROM extensions WHERE slug LIKE 'gen-%'"
		" ORDER BY downloads DESC, id LIMIT 1");
	cr_assert(slug != NULL && strncmp(slug, "gen-", 4) == 0);
	o = catalogue_get("/api/v1/extensions?sort=popular&limit=100");
	cr_assert(lists_slug(o, slug), "%s not on the popular page", slug);
	json_object_put(o);

	/* Its listing: downloads add up over its versions, its rating over
	 * its reviews, and the latest version is the newest of three. */
	snprintf(path, sizeof(path), "/api/v1/extensions/%s", slug);
	o = catalogue_get(path);
	downloads = json_long(o, "downloads");
	cr_assert_gt(downloads, 0);
	cr_assert(json_object_object_get_ex(o, "rating", &rating));
	n = json_long(rating, "count");
	name = strdup(json_object_get_string(json_object_object_get(o, "name")));
	latest = client_sqlf("SELECT version FROM extension_versions v JOIN"
		" extensions e ON e.id = v.extension_id WHERE e.slug = '%s'"
		" ORDER BY v.published_at DESC LIMIT 1", slug);
	cr_assert(latest != NULL);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(o,
		"latest_version")), latest);
	json_object_put(o);
	dl = client_sqlf("SELECT SUM(d.total) FROM extension_download_days d"
		" JOIN extension_versions v ON v.id = d.version_id JOIN extensions e"
		" ON e.id = v.extension_id WHERE e.slug = '%s'", slug);
	cr_assert(dl != NULL);
	cr_assert_eq(atol(dl), downloads);

	snprintf(path, sizeof(path), "/api/v1/extensions/%s/versions", slug);
	o = catalogue_get(path);
	cr_assert(json_object_object_get_ex(o, "items", &items));
	cr_assert_eq(json_object_array_length(items), 3);
	for (i = 0, versions_sum = 0; i < 3; i++)
		versions_sum += json_long(json_object_array_get_idx(items, (size_t)i),
			"downloads");
	cr_assert_eq(versions_sum, downloads);
	json_object_put(o);

	snprintf(path, sizeof(path), "/api/v1/extensions/%s/reviews?limit=100",
		slug);
	o = catalogue_get(path);
	cr_assert(json_object_object_get_ex(o, "items", &items));
	cr_assert_gt(n, 0, "the most downloaded has no reviews");
	cr_assert_eq((long)json_object_array_length(items), n);
	json_object_put(o);

	/* Searchable by the generated words of its name. */
	cr_assert_eq(sscanf(name, "%63s %63s", w1, w2), 2, "name '%s'", name);
	snprintf(path, sizeof(path), "/api/v1/extensions?q=%s%%20%s&limit=100",
		w1, w2);
	o = catalogue_get(path);
	cr_assert(lists_slug(o, slug), "q=%s %s does not find %s", w1, w2, slug);
	json_object_put(o);

	/* The same run again: nothing doubled, nothing failed. */
	cr_assert_eq(catalogue_run("--extensions 300 --users 1000 --versions 3"
		" --seed 11", &out), 0, "%s", out);
	cr_assert(strstr(out, "nothing done") != NULL, "%s", out);
	free(out);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM extensions WHERE slug"
		" LIKE 'gen-%'"), 300);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM users WHERE username"
		" LIKE 'gen-%'"), 1000);
	free(latest);
	free(dl);
	free(name);
	free(slug);
}

/* What a catalogue is made of, as one digest: a row's words and numbers
 * (not its auto-increment ids or dates, which depend on the database and
 * the day). */
static char *catalogue_digest(void)
{
	return client_sql("SELECT MD5(GROUP_CONCAT(MD5(CONCAT_WS('|', e.slug,"
		" e.name, e.summary, e.description, e.tags_text, e.category_id,"
		" e.price_amount, e.downloads, e.rating_sum, e.rating_count,"
		" e.latest_version, u.username)) ORDER BY e.slug))"
		" FROM extensions e JOIN users u ON u.id = e.owner_id"
		" WHERE e.slug LIKE 'gen-%'");
}

Test(ctl, demo_catalogue_is_the_same_for_the_same_seed,
	.init = catalogue_begin, .fini = catalogue_end)
{
	char *out, *first, *again, *other;

	cr_assert_eq(catalogue_run("--extensions 60 --users 100 --versions 2"
		" --seed 5", &out), 0, "%s", out);
	free(out);
	first = catalogue_digest();
	catalogue_remove();
	cr_assert_eq(catalogue_run("--extensions 60 --users 100 --versions 2"
		" --seed 5", &out), 0, "%s", out);
	free(out);
	again = catalogue_digest();
	catalogue_remove();
	cr_assert_eq(catalogue_run("--extensions 60 --users 100 --versions 2"
		" --seed 6", &out), 0, "%s", out);
	free(out);
	other = catalogue_digest();
	cr_assert(first != NULL && again != NULL && other != NULL);
	cr_assert_str_eq(first, again);
	cr_assert_str_neq(first, other);
	free(first);
	free(again);
	free(other);
}

Test(ctl, demo_catalogue_refuses_a_production_database,
	.init = catalogue_begin, .fini = catalogue_end)
{
	char cmd[2048], *out;

	/* The stack's own secrets pass production's checks; its http://
	 * public_url would not. */
	snprintf(cmd, sizeof(cmd), "DEVFORGE_MODE=production"
		" DEVFORGE_PUBLIC_URL=https://api.devforge.example %s -c '%s'"
		" demo-catalogue --extensions 20", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	cr_assert_eq(client_run(cmd, &out), 1, "%s", out);
	cr_assert(strstr(out, "--force") != NULL, "%s", out);
	free(out);
	cr_assert_eq(client_sql_long("SELECT COUNT(*) FROM extensions WHERE slug"
		" LIKE 'gen-%'"), 0);
}
