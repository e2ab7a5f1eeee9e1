/* SQL for developer applications. A submission and a review each run in
 * one transaction that locks the row deciding the outcome (the applicant,
 * or the application), so a double click cannot file two applications
 * and two reviewers cannot both decide the same one. */
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "db.h"
#include "err.h"
#include "store/developers.h"
#include "store/tx.h"
#include "store/users.h"

#define APP_COLUMNS \
	"d.id, d.public_id, d.status, d.description, d.website," \
	" d.github_username, d.company_name, d.notes," \
	" DATE_FORMAT(d.created_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" DATE_FORMAT(d.reviewed_at, '%Y-%m-%dT%H:%i:%sZ')," \
	" u.public_id, u.username"
#define APP_FROM \
	" FROM developer_applications d JOIN users u ON u.id = d.user_id"

static void app_from_row(const struct db_result *res, size_t row, void *out)
{
	struct store_developers_app *o = out;

	memset(o, 0, sizeof(*o));
	o->id = db_int(res, row, 0, 0);
	db_str_copy(res, row, 1, o->public_id, sizeof(o->public_id));
	o->status = db_str(res, row, 2);
	o->description = db_str(res, row, 3);
	o->website = db_str(res, row, 4);
	o->github_username = db_str(res, row, 5);
	o->company_name = db_str(res, row, 6);
	o->notes = db_str(res, row, 7);
	o->created_at = db_str(res, row, 8);
	o->reviewed_at = db_str(res, row, 9);
	db_str_copy(res, row, 10, o->user_public_id,
		sizeof(o->user_public_id));
	o->username = db_str(res, row, 11);
}

static int read_app(struct arena *a, const char *sql, struct db_param key,
	struct store_developers_app *out)
{
	struct db_result res;
	int rc;

	rc = store_one(a, sql, &key, 1, &res);
	if (rc != 0)
		return rc;
	app_from_row(&res, 0, out);
	return 0;
}

int store_developers_apply(struct arena *a, const char *user_pid,
	const struct store_developers_app_input *in, store_developers_hook hook,
	void *ctx, struct store_developers_app *out, enum store_developers_refusal *why)
{
	static const char lock_user[] =
		"SELECT id, role FROM users WHERE public_id = ? FOR UPDATE";
	static const char standing[] =
		"SELECT COALESCE(SUM(status = 'pending'), 0),"
		" COALESCE(SUM(status = 'approved'), 0)"
		" FROM developer_applications WHERE user_id = ?";
	static const char insert[] =
		"INSERT INTO developer_applications (public_id, user_id, status,"
		" description, website, github_username, company_name, created_at)"
		" VALUES (?, ?, 'pending', ?, ?, ?, ?, UTC_TIMESTAMP(6))";
	static const char by_pid[] = "SELECT " APP_COLUMNS APP_FROM
		" WHERE d.public_id = ?";
	struct db_result res;
	const char *role;
	int64_t uid;
	char pid[37];
	int rc;

	*why = 0;
	rc = store_tx_begin_new(pid);
	if (rc != 0)
		return rc;
	rc = store_one(a, lock_user, DBP(DB_STR(user_pid)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	uid = db_int(&res, 0, 0, 0);
	role = db_str(&res, 0, 1);
	if (role == NULL || strcmp(role, "user") != 0) {
		*why = STORE_DEVELOPERS_ROLE;
		return store_tx_end(DF_ECONFLICT);
	}
	rc = db_query(a, standing, DBP(DB_INT(uid)), &res);
	if (rc != 0)
		return store_tx_end(rc);
	if (db_int(&res, 0, 0, 0) > 0 || db_int(&res, 0, 1, 0) > 0) {
		*why = db_int(&res, 0, 0, 0) > 0 ? STORE_DEVELOPERS_PENDING :
			STORE_DEVELOPERS_APPROVED;
		return store_tx_end(DF_ECONFLICT);
	}
	rc = db_exec(insert, DBP(DB_STR(pid), DB_INT(uid),
		DB_STR(in->description), DB_STR(in->website),
		DB_STR(in->github_username), DB_STR(in->company_name)),
		NULL, NULL);
	if (rc == 0)
		rc = read_app(a, by_pid, DB_STR(pid), out);
	if (rc == 0 && hook != NULL)
		rc = hook(ctx, out, 0);
	return store_tx_end(rc);
}

int store_developers_latest(struct arena *a, const char *user_pid,
	struct store_developers_app *out)
{
	static const char sql[] = "SELECT " APP_COLUMNS APP_FROM
		" WHERE u.public_id = ? ORDER BY d.id DESC LIMIT 1";

	return read_app(a, sql, DB_STR(user_pid), out);
}

int store_developers_list(struct arena *a, const char *status,
	int64_t after_id, int64_t limit, struct store_developers_app **out, size_t *n)
{
	static const char sql[] = "SELECT " APP_COLUMNS APP_FROM
		" WHERE (? IS NULL OR d.status = ?) AND d.id > ?"
		" ORDER BY d.id LIMIT ?";
	void *rows;
	int rc;

	rc = store_rows(a, sql, DBP(DB_STR(status), DB_STR(status),
		DB_INT(after_id), DB_INT(limit + 1)), sizeof(**out),
		app_from_row, &rows, n);
	*out = rows;
	return rc;
}

/* The applicant's row changed (promoted): its cached copies go. */
static int applicant_changed(struct arena *a, int64_t app_id)
{
	static const char sql[] =
		"SELECT user_id FROM developer_applications WHERE id = ?";
	struct db_result res;
	int rc = db_query(a, sql, DBP(DB_INT(app_id)), &res);

	if (rc == 0 && res.nrows == 1)
		store_users_changed(db_int(&res, 0, 0, 0));
	return rc;
}

int store_developers_review(struct arena *a, const char *app_pid,
	int approve, const char *notes, const char *reviewer_pid,
	store_developers_hook hook, void *ctx, struct store_developers_app *out)
{
	/* The application first, then its applicant: the same order as
	 * every other review, so two reviews never wait on each other in
	 * a circle. */
	static const char lock_app[] = "SELECT " APP_COLUMNS APP_FROM
		" WHERE d.public_id = ? FOR UPDATE";
	static const char decide[] =
		"UPDATE developer_applications SET status = ?, notes = ?,"
		" reviewed_by = ?, reviewed_at = UTC_TIMESTAMP(6) WHERE id = ?";
	static const char promote[] =
		"UPDATE users u JOIN developer_applications d ON d.user_id = u.id"
		" SET u.role = 'developer', u.updated_at = UTC_TIMESTAMP(6)"
		" WHERE d.id = ? AND u.role = 'user'";
	static const char by_id[] = "SELECT " APP_COLUMNS APP_FROM
		" WHERE d.id = ?";
	uint64_t changed = 0;
	int rc;

	rc = db_begin();
	if (rc != 0)
		return rc;
	rc = read_app(a, lock_app, DB_STR(app_pid), out);
	if (rc != 0)
		return store_tx_end(rc);
	if (out->status == NULL || strcmp(out->status, "pending") != 0)
		return store_tx_end(DF_ECONFLICT);
	rc = db_exec(decide, DBP(DB_STR(approve ? "approved" : "rejected"),
		DB_STR(notes), DB_STR(reviewer_pid), DB_INT(out->id)), NULL, NULL);
	if (rc == 0 && approve)
		rc = db_exec(promote, DBP(DB_INT(out->id)), &changed, NULL);
	if (rc == 0 && changed > 0)
		rc = applicant_changed(a, out->id);
	if (rc == 0)
		rc = read_app(a, by_id, DB_INT(out->id), out);
	if (rc == 0 && hook != NULL)
		rc = hook(ctx, out, changed > 0);
	return store_tx_end(rc);
}
