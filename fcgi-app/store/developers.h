/* SQL for the developer programme: applications, their review, and the
 * role change an approval brings. */
#ifndef DF_STORE_DEVELOPERS_H
#define DF_STORE_DEVELOPERS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

struct store_developers_app {
	int64_t id;                  /* row id: the list cursor, never shown */
	char public_id[37];
	const char *status;          /* "pending", "approved", "rejected" */
	const char *description;
	const char *website;         /* NULL when not given (likewise below) */
	const char *github_username;
	const char *company_name;
	const char *notes;           /* the reviewer's, NULL until reviewed */
	const char *created_at;      /* RFC 3339 UTC */
	const char *reviewed_at;     /* NULL until reviewed */
	char user_public_id[37];     /* the applicant */
	const char *username;
};

struct store_developers_app_input {
	const char *description;
	const char *website;
	const char *github_username;
	const char *company_name;
};

/* Called inside the store's transaction after the change and before the
 * commit (see store_admin_users_hook): the audit record commits with the
 * change or not at all. role_changed is 1 when an approval made the
 * applicant a developer. */
typedef int (*store_developers_hook)(void *ctx, const struct store_developers_app *app,
	int role_changed);

/* Why a submission was refused (DF_ECONFLICT). */
enum store_developers_refusal {
	STORE_DEVELOPERS_PENDING = 1,       /* an application is waiting for review */
	STORE_DEVELOPERS_APPROVED,          /* one was approved already */
	STORE_DEVELOPERS_ROLE               /* the account's role is not "user" */
};

/* Files an application for the user with public id user_pid. The user
 * row is locked first, so two submissions at once cannot both pass.
 * DF_ENOTFOUND (no such user), DF_ECONFLICT with *why set. */
DF_MUST_CHECK int store_developers_apply(struct arena *a, const char *user_pid,
	const struct store_developers_app_input *in, store_developers_hook hook,
	void *ctx, struct store_developers_app *out, enum store_developers_refusal *why);

/* The user's most recent application. DF_ENOTFOUND when none. */
DF_MUST_CHECK int store_developers_latest(struct arena *a, const char *user_pid,
	struct store_developers_app *out);

/* Applications with status (NULL: any) in order of submission, after row
 * id after_id (0: from the first), at most limit + 1 of them so the
 * caller knows whether a next page exists. */
DF_MUST_CHECK int store_developers_list(struct arena *a, const char *status,
	int64_t after_id, int64_t limit, struct store_developers_app **out, size_t *n);

/* Approves (approve = 1) or rejects a pending application with the
 * reviewer's notes (may be NULL for an approval). An approval makes the
 * applicant a developer when their role is still "user"; a support or
 * admin account keeps its role (developer would be a demotion or a
 * different job). DF_ENOTFOUND for no such application, DF_ECONFLICT when
 * it is not pending. */
DF_MUST_CHECK int store_developers_review(struct arena *a, const char *app_pid,
	int approve, const char *notes, const char *reviewer_pid,
	store_developers_hook hook, void *ctx, struct store_developers_app *out);

#endif
