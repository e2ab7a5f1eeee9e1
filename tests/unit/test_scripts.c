/* Every program in scripts/ answers --help with its usage and exit 0, and
 * refuses an argument it does not know with a non-zero exit, before it
 * does anything (an operator's typo must not start, stop or install). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Runs cmd; its exit status (-1: did not exit), its output's length. */
static int run(const char *cmd, size_t *outlen)
{
	char buf[4096];
	size_t n, len = 0;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	cr_assert_not_null(p, "popen %s", cmd);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		len += n;
	st = pclose(p);
	*outlen = len;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(scripts, every_script_answers_help_and_refuses_unknown_arguments)
{
	const char *srcdir = getenv("srcdir");
	char dir[1024], path[2048], cmd[4096];
	struct dirent *e;
	size_t len;
	int count = 0, rc;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/scripts", srcdir ? srcdir : ".");
	d = opendir(dir);
	cr_assert_not_null(d, "cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		/* lib/ holds sourced files, not programs. */
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & S_IXUSR))
			continue;
		count++;
		/* A private stack dir: a script that ignored its arguments
		 * would at least not touch a real stack. */
		snprintf(cmd, sizeof(cmd), "DF_STACK_DIR=/tmp/df-scripts-test-nonexistent "
			"timeout 60 '%s' --help 2>/dev/null", path);
		rc = run(cmd, &len);
		cr_expect_eq(rc, 0, "%s --help exited %d", e->d_name, rc);
		cr_expect_gt(len, 0, "%s --help printed nothing on stdout",
			e->d_name);
		snprintf(cmd, sizeof(cmd), "DF_STACK_DIR=/tmp/df-scripts-test-nonexistent "
			"timeout 60 '%s' --no-such-option 2>&1", path);
		rc = run(cmd, &len);
		cr_expect(rc != 0 && rc != 124 && rc != -1,
			"%s --no-such-option exited %d", e->d_name, rc);
	}
	closedir(d);
	cr_assert_gt(count, 3, "no scripts found in %s", dir);
}
