/* The access matrix of the admin and developer-programme routes: who may
 * call what, and that nobody reaches another user's objects. Every admin
 * route is refused to anonymous callers (401, also from a trusted
 * network address) and to user, developer and support accounts (403),
 * and a refused call changes nothing. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "client.h"

#define APPLY "/api/v1/developers/applications"
#define MY_APP "/api/v1/developers/applications/me"
#define DESC "A language server for a query language, with a formatter and tests."

static long call(const char *method, const char *url, const char *auth,
	const char *json, char **body)
{
	const char *hs[3];
	struct client_resp r;
	size_t n = 0;
	long s;

	if (auth != NULL)
		hs[n++] = auth;
	if (json != NULL)
		hs[n++] = "Content-Type: application/json";
	hs[n] = NULL;
	cr_assert(client_request(method, url, hs, json, json ? strlen(json) : 0,
		&r) == 0, "%s %s: no answer", method, url);
	s = r.status;
	if (body != NULL)
		*body = strdup(r.body);
	client_free(&r);
	return s;
}

/* tmpl with its "{}" replaced by arg. */
static void fill(char *out, size_t len, const char *tmpl, const char *arg)
{
	const char *at = strstr(tmpl, "{}");

	if (at == NULL)
		snprintf(out, len, "%s", tmpl);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, arg, at + 2);
}

/* A pending application of a new user; ids to pid and app. */
static void pending_application(char pid[37], char app[37])
{
	char *auth, *body;
	struct json_object *o;

	cr_assert_eq(client_user("user", pid), 0);
	auth = client_bearer(pid, "user", 1);
	cr_assert_eq(call("POST", client_url(APPLY), auth,
		"{\"description\":\"" DESC "\"}", &body), 201);
	o = json_tokener_parse(body);
	snprintf(app, 37, "%s", client_json_str(o, "id"));
	json_object_put(o);
	free(body);
	free(auth);
}

struct admin_call {
	const char *method;
	const char *tmpl;         /* {}: the target user or application */
	const char *json;
	int on_app;               /* target is the application, else the user */
};

static const struct admin_call admin_calls[] = {
	{ "GET", "/api/v1/admin/users", NULL, 0 },
	{ "GET", "/api/v1/admin/users?q={}", NULL, 0 },
	{ "GET", "/api/v1/admin/users/{}", NULL, 0 },
	{ "PATCH", "/api/v1/admin/users/{}", "{\"role\":\"admin\"}", 0 },
	{ "PATCH", "/api/v1/admin/users/{}", "{\"status\":\"suspended\"}", 0 },
	{ "GET", "/api/v1/admin/developer-applications", NULL, 1 },
	{ "GET", "/api/v1/admin/developer-applications?status=pending", NULL, 1 },
	{ "POST", "/api/v1/admin/developer-applications/{}/approve", "{}", 1 },
	{ "POST", "/api/v1/admin/developer-applications/{}/reject",
	  "{\"notes\":\"no\"}", 1 },
};

#define NCALLS (sizeof(admin_calls) / sizeof(admin_calls[0]))

static void check_untouched(const char *pid, const char *app)
{
	char *v = client_sqlf("SELECT CONCAT(role, '|', status) FROM users WHERE"
		" public_id = '%s'", pid);

	cr_assert_str_eq(v, "user|active");
	free(v);
	v = client_sqlf("SELECT status FROM developer_applications WHERE"
		" public_id = '%s'", app);
	cr_assert_str_eq(v, "pending");
	free(v);
}

Test(idor, anonymous_callers_get_401_on_every_admin_route)
{
	char pid[37], app[37], url[512];

	pending_application(pid, app);
	for (size_t i = 0; i < NCALLS; i++) {
		const struct admin_call *c = &admin_calls[i];
		char path[256];

		fill(path, sizeof(path), c->tmpl, c->on_app ? app : pid);
		/* The trusted network opens metrics, never admin routes. */
		snprintf(url, sizeof(url), "%s", client_url(path));
		cr_assert_eq(call(c->method, url, NULL, c->json, NULL), 401,
			"%s %s", c->method, path);
		snprintf(url, sizeof(url), "%s", client_untrusted_url(path));
		cr_assert_eq(call(c->method, url, NULL, c->json, NULL), 401,
			"%s %s (untrusted)", c->method, path);
	}
	check_untouched(pid, app);
}

Test(idor, user_developer_and_support_get_403_on_every_admin_route)
{
	static const char *roles[] = { "user", "developer", "support" };
	char pid[37], app[37];

	pending_application(pid, app);
	for (size_t r = 0; r < 3; r++) {
		char caller[37], *auth;

		cr_assert_eq(client_user(roles[r], caller), 0);
		auth = client_bearer(caller, roles[r], 1);
		for (size_t i = 0; i < NCALLS; i++) {
			const struct admin_call *c = &admin_calls[i];
			char path[256];

			fill(path, sizeof(path), c->tmpl, c->on_app ? app : pid);
			cr_assert_eq(call(c->method, client_url(path), auth, c->json,
				NULL), 403, "%s: %s %s", roles[r], c->method, path);
		}
		/* Not even on their own account. */
		char path[256];
		snprintf(path, sizeof(path), "/api/v1/admin/users/%s", caller);
		cr_assert_eq(call("PATCH", client_url(path), auth,
			"{\"role\":\"admin\"}", NULL), 403, "%s", roles[r]);
		char *v = client_sqlf("SELECT role FROM users WHERE public_id = '%s'",
			caller);
		cr_assert_str_eq(v, roles[r]);
		free(v);
		free(auth);
	}
	check_untouched(pid, app);
}

Test(idor, a_role_claim_in_the_token_grants_nothing)
{
	char pid[37], app[37], caller[37], path[256], *auth;

	pending_application(pid, app);
	/* A correctly signed token that says "admin" for a user account:
	 * the role is read from the database. */
	cr_assert_eq(client_user("user", caller), 0);
	auth = client_bearer(caller, "admin", 1);
	snprintf(path, sizeof(path), "/api/v1/admin/users/%s", pid);
	cr_assert_eq(call("GET", client_url(path), auth, NULL, NULL), 403);
	cr_assert_eq(call("PATCH", client_url(path), auth,
		"{\"status\":\"suspended\"}", NULL), 403);
	snprintf(path, sizeof(path),
		"/api/v1/admin/developer-applications/%s/approve", app);
	cr_assert_eq(call("POST", client_url(path), auth, "{}", NULL), 403);
	free(auth);
	check_untouched(pid, app);
}

Test(idor, a_user_sees_only_their_own_application)
{
	char a_pid[37], a_app[37], b_pid[37], *b, *body;
	struct json_object *o;

	pending_application(a_pid, a_app);
	cr_assert_eq(client_user("user", b_pid), 0);
	b = client_bearer(b_pid, "user", 1);
	/* /me is the only way to an application: B has none. */
	cr_assert_eq(call("GET", client_url(MY_APP), b, NULL, &body), 404);
	cr_assert(strstr(body, a_app) == NULL);
	free(body);
	/* B's own application does not touch A's. */
	cr_assert_eq(call("POST", client_url(APPLY), b,
		"{\"description\":\"" DESC "\"}", NULL), 201);
	cr_assert_eq(call("GET", client_url(MY_APP), b, NULL, &body), 200);
	o = json_tokener_parse(body);
	cr_assert_str_neq(client_json_str(o, "id"), a_app);
	cr_assert_null(client_json_str(o, "user"), "no applicant details");
	json_object_put(o);
	free(body);
	/* No route takes an application id outside /admin. */
	char path[256];
	snprintf(path, sizeof(path), APPLY "/%s", a_app);
	long s = call("GET", client_url(path), b, NULL, NULL);
	cr_assert(s == 404 || s == 405, "%ld", s);
	free(b);
	char *v = client_sqlf("SELECT COUNT(*) FROM developer_applications d JOIN"
		" users u ON u.id = d.user_id WHERE u.public_id = '%s'", a_pid);
	cr_assert_str_eq(v, "1");
	free(v);
}

Test(idor, own_routes_need_a_token)
{
	cr_assert_eq(call("GET", client_url(MY_APP), NULL, NULL, NULL), 401);
	cr_assert_eq(call("POST", client_url(APPLY), NULL,
		"{\"description\":\"" DESC "\"}", NULL), 401);
	cr_assert_eq(call("GET", client_untrusted_url(MY_APP), NULL, NULL, NULL),
		401);
	/* A bad token is refused even where anyone may call. */
	cr_assert_eq(call("GET", client_url("/api/v1/developers/somebody"),
		"Authorization: Bearer not.a.token", NULL, NULL), 401);
}

Test(idor, a_suspended_user_reaches_nothing)
{
	char pid[37], app[37], *auth;

	pending_application(pid, app);
	auth = client_bearer(pid, "user", 1);
	char *v = client_sqlf("UPDATE users SET status = 'suspended' WHERE"
		" public_id = '%s'", pid);
	free(v);
	cr_assert_eq(call("GET", client_url(MY_APP), auth, NULL, NULL), 401);
	cr_assert_eq(call("POST", client_url(APPLY), auth,
		"{\"description\":\"" DESC "\"}", NULL), 401);
	free(auth);
}
