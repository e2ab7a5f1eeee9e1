/* The workers' cache of the auth hook's user rows (store_users_get_cached)
 * against the running stack: every change to a user made through the API
 * on this host (a demotion, a suspension, logout-all, a password change,
 * a new display name) applies to that user's very next request, whichever
 * worker answers it. Each test first sends the token many times, so that
 * every worker of the pool (DF_WORKERS, 4 by default) holds a copy of the
 * row; without the generation bump those copies would answer the
 * requests after the change. A change made behind the workers' back (in
 * the database, as another host would) applies within
 * user_cache_seconds. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"

#define USERS "/api/v1/admin/users"
#define ME "/api/v1/me"
#define LOGOUT_ALL "/api/v1/auth/logout-all"
#define ME_PASSWORD "/api/v1/me/password"
#define PASSWORD "correct horse battery staple 42"

/* Requests per check: several rounds over the pool's workers. */
#define ROUNDS 24

/* Sends method path ROUNDS times with this header and asserts every
 * status is want. */
static void expect_all(const char *method, const char *path,
	const char *auth, long want)
{
	int i;

	for (i = 0; i < ROUNDS; i++) {
		long got = client_status(method, path, auth, NULL);

		cr_assert_eq(got, want, "%s %s: request %d answered %ld, not %ld",
			method, path, i, got, want);
	}
}

static char *bearer_of(const char *access)
{
	char *h = malloc(strlen(access) + 32);

	cr_assert(h != NULL);
	sprintf(h, "Authorization: Bearer %s", access);
	return h;
}

static char *user_path(const char *pid)
{
	char *p = malloc(strlen(USERS) + 48);

	cr_assert(p != NULL);
	sprintf(p, USERS "/%s", pid);
	return p;
}

Test(user_cache, a_demoted_admin_is_refused_on_the_next_request)
{
	char apid[37], bpid[37];
	char *adm, *badm, *bpath;

	cr_assert_eq(client_user("admin", apid), 0);
	cr_assert_eq(client_user("admin", bpid), 0);
	adm = client_bearer(apid, "admin", 1);
	badm = client_bearer(bpid, "admin", 1);
	bpath = user_path(bpid);
	expect_all("GET", USERS, badm, 200);
	cr_assert_eq(client_status("PATCH", bpath, adm,
		"{\"role\":\"user\"}"), 200);
	expect_all("GET", USERS, badm, 403);
	/* And promoted back, at once too. */
	cr_assert_eq(client_status("PATCH", bpath, adm,
		"{\"role\":\"admin\"}"), 200);
	expect_all("GET", USERS, badm, 200);
	free(bpath);
	free(badm);
	free(adm);
}

Test(user_cache, a_suspended_user_is_refused_on_the_next_request)
{
	char apid[37], pid[37];
	char *adm, *tok, *path;

	cr_assert_eq(client_user("admin", apid), 0);
	cr_assert_eq(client_user("user", pid), 0);
	adm = client_bearer(apid, "admin", 1);
	tok = client_bearer(pid, "user", 1);
	path = user_path(pid);
	expect_all("GET", ME, tok, 200);
	cr_assert_eq(client_status("PATCH", path, adm,
		"{\"status\":\"suspended\"}"), 200);
	expect_all("GET", ME, tok, 401);
	free(path);
	free(tok);
	free(adm);
}

Test(user_cache, logout_all_refuses_the_old_access_token_at_once)
{
	struct client_account a;
	char *h;

	client_account_new(&a, "uc", "usercache.example", PASSWORD);
	h = bearer_of(a.access);
	expect_all("GET", ME, h, 200);
	cr_assert_eq(client_status("POST", LOGOUT_ALL, h, NULL), 204);
	expect_all("GET", ME, h, 401);
	free(h);
	client_account_free(&a);
}

Test(user_cache, a_password_change_refuses_the_old_access_token_at_once)
{
	struct client_account a;
	char *h;

	client_account_new(&a, "uc", "usercache.example", PASSWORD);
	h = bearer_of(a.access);
	expect_all("GET", ME, h, 200);
	cr_assert_eq(client_status("POST", ME_PASSWORD, h,
		"{\"current_password\":\"" PASSWORD "\","
		"\"new_password\":\"another horse battery staple 43\"}"), 204);
	expect_all("GET", ME, h, 401);
	free(h);
	client_account_free(&a);
}

Test(user_cache, a_new_display_name_shows_in_every_next_me)
{
	struct client_account a;
	struct client_resp r;
	char *h, *name;
	int i;

	client_account_new(&a, "uc", "usercache.example", PASSWORD);
	h = bearer_of(a.access);
	expect_all("GET", ME, h, 200);
	cr_assert_eq(client_status("PATCH", ME, h,
		"{\"display_name\":\"Renamed Person\"}"), 200);
	for (i = 0; i < ROUNDS; i++) {
		client_call("GET", ME, h, NULL, &r);
		cr_assert_eq(r.status, 200);
		name = client_body_str(&r, "display_name");
		cr_assert(name != NULL && strcmp(name, "Renamed Person") == 0,
			"request %d saw %s", i, name ? name : "(null)");
		free(name);
		client_free(&r);
	}
	free(h);
	client_account_free(&a);
}

/* A change no worker of this host made (another host, a tool): the
 * copies age out within user_cache_seconds. */
Test(user_cache, a_change_made_elsewhere_applies_within_the_bound)
{
	char pid[37], *tok, *v, *cfg;
	long bound;

	cfg = client_config("user_cache_seconds", "2");
	bound = cfg != NULL ? strtol(cfg, NULL, 10) : 2;
	free(cfg);
	cr_assert_eq(client_user("user", pid), 0);
	tok = client_bearer(pid, "user", 1);
	expect_all("GET", ME, tok, 200);
	v = client_sqlf("UPDATE users SET status = 'suspended'"
		" WHERE public_id = '%s'", pid);
	free(v);
	sleep((unsigned)bound + 1);
	expect_all("GET", ME, tok, 401);
	free(tok);
}
