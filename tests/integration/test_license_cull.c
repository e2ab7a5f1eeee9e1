/* The heartbeat cull (devforgectl jobs) against the stack's database:
 * floating machines silent past their plan's heartbeat window are culled
 * and those within it kept; free_seat deactivates the machine (its
 * fingerprint may come back as a new machine), keep_seat only marks it
 * culled and it keeps its seat; node-locked machines are never culled;
 * each culled machine writes one license.machine_culled event for the
 * licence owner, however many passes and runners there are, and
 * webhooks-send fans it out to an endpoint subscribed to that type.
 * Licences and machines are inserted as the licensing routes write them;
 * the job sees the future through DEVFORGE_CLOCK_OFFSET_SECONDS, set for
 * that one process, while the stack's clock stays where it is. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "client.h"
#include "signed.h"

#define HOOKS "/api/v1/developers/me/webhooks"
#define ACTIVATE "/api/v1/licenses/activate"
#define DEACTIVATE "/api/v1/licenses/deactivate"
#define WINDOW 600L                 /* team's heartbeat_window_s */

static int lock_fd = -1;

/* A pass culls every due machine of the database, whoever's test made
 * it: the tests of this program take turns. */
static void serialize(void)
{
	lock_fd = client_lock("test_license_cull");
}

/* keep_seat is tried on the enterprise plan, put back here whatever
 * happened (no other program runs at the same time). */
static void restore(void)
{
	free(client_sql("UPDATE plans SET cull_strategy = 'free_seat',"
		" heartbeat_window_s = 600 WHERE code IN ('team', 'enterprise')"));
	if (lock_fd >= 0)
		close(lock_fd);
}

TestSuite(cull, .init = serialize, .fini = restore);

struct lic {
	char owner[40];
	long owner_row;
	long row;
	char id[40];
};

/* A licence of plan `code` for a new user of that role. */
static void lic_new(struct lic *l, const char *code, const char *role)
{
	char *s;

	cr_assert_eq(client_user(role, l->owner), 0);
	l->owner_row = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'",
		l->owner);
	s = client_sqlf("SET @pid = UUID(); INSERT INTO licenses (public_id,"
		" user_id, plan_id, status, max_activations, created_at, updated_at)"
		" SELECT @pid, %ld, id, 'active', max_activations, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM plans WHERE code = '%s'; SELECT @pid",
		l->owner_row, code);
	cr_assert(s != NULL && strlen(s) == 36, "licence: %s", s ? s : "");
	snprintf(l->id, sizeof(l->id), "%s", s);
	free(s);
	l->row = client_sql_longf("SELECT id FROM licenses WHERE public_id = '%s'", l->id);
	cr_assert(l->row > 0);
}

/* An active machine whose last heartbeat was silent_s seconds ago; its
 * public id (static, four deep). */
static const char *machine_new(const struct lic *l, const char *fp,
	long silent_s)
{
	static char ids[4][40];
	static unsigned slot;
	char *id = ids[slot++ % 4], *s;

	s = client_sqlf("SET @pid = UUID(); INSERT INTO license_machines"
		" (public_id, license_id, fingerprint, activated_at,"
		" last_heartbeat_at) VALUES (@pid, %ld, '%s',"
		" UTC_TIMESTAMP(6) - INTERVAL %ld SECOND,"
		" UTC_TIMESTAMP(6) - INTERVAL %ld SECOND); SELECT @pid",
		l->row, fp, silent_s + 5, silent_s);
	cr_assert(s != NULL && strlen(s) == 36, "machine: %s", s ? s : "");
	snprintf(id, 40, "%s", s);
	free(s);
	return id;
}

/* Runs the licence cull job once, seeing the clock offset_s ahead; its
 * summary. */
static char *jobs_at(long offset_s)
{
	char *out;
	int rc;

	rc = client_ctl_run(offset_s, &out, "jobs run --once --only license-cull");
	cr_assert_eq(rc, 0, "jobs: %s", out);
	cr_assert(strstr(out, "jobs: ") != NULL, "%s", out);
	return out;
}

static void run_jobs_at(long offset_s)
{
	free(jobs_at(offset_s));
}

/* "culled", "deactivated" (1 when deactivated_at is set) of a machine. */
static long machine_culled(const char *mid)
{
	return client_sql_longf("SELECT culled FROM license_machines WHERE public_id"
		" = '%s'", mid);
}

static long machine_deactivated(const char *mid)
{
	return client_sql_longf("SELECT deactivated_at IS NOT NULL FROM"
		" license_machines WHERE public_id = '%s'", mid);
}

/* The owner's license.machine_culled events about machine mid. */
static long events_for(const struct lic *l, const char *mid)
{
	return client_sql_longf("SELECT COUNT(*) FROM webhook_events WHERE user_id = %ld"
		" AND type = 'license.machine_culled' AND JSON_VALUE(payload,"
		" '$.data.machine_id') = '%s'", l->owner_row, mid);
}

Test(cull, floating_machine_is_kept_within_its_window_and_culled_after)
{
	struct lic l;
	const char *a, *b;

	lic_new(&l, "team", "user");
	a = machine_new(&l, "fp-kept-then-culled-a", 100);
	b = machine_new(&l, "fp-kept-then-culled-b", 100);
	/* 100 + 400 = 500 s of silence: within the 600 s window. */
	run_jobs_at(400);
	cr_assert_eq(machine_culled(a), 0);
	cr_assert_eq(machine_deactivated(a), 0);
	cr_assert_eq(events_for(&l, a), 0);
	/* 100 + 800 = 900 s: past it. */
	run_jobs_at(800);
	cr_assert_eq(machine_culled(a), 1);
	cr_assert_eq(machine_deactivated(a), 1);
	cr_assert_eq(machine_culled(b), 1);
	cr_assert_eq(events_for(&l, a), 1);
	cr_assert_eq(events_for(&l, b), 1);
	/* Deactivated at the job's clock, not the database's. */
	cr_assert_gt(client_sql_longf("SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(),"
		" deactivated_at) FROM license_machines WHERE public_id = '%s'", a),
		WINDOW);
}

Test(cull, free_seat_frees_the_fingerprint_for_a_new_activation)
{
	struct lic l;
	const char *a, *again;

	lic_new(&l, "team", "user");
	a = machine_new(&l, "fp-free-seat-again", 1000);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM license_machines WHERE"
		" license_id = %ld AND active_fingerprint IS NOT NULL", l.row), 1);
	run_jobs_at(0);
	cr_assert_eq(machine_deactivated(a), 1);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM license_machines WHERE"
		" license_id = %ld AND active_fingerprint IS NOT NULL", l.row), 0);
	/* The unique (licence, active fingerprint) key no longer holds it. */
	again = machine_new(&l, "fp-free-seat-again", 0);
	cr_assert_eq(machine_culled(again), 0);
}

Test(cull, keep_seat_marks_the_machine_culled_but_keeps_its_seat)
{
	struct lic l;
	const char *a;

	free(client_sql("UPDATE plans SET cull_strategy = 'keep_seat'"
		" WHERE code = 'enterprise'"));
	lic_new(&l, "enterprise", "user");
	a = machine_new(&l, "fp-keep-seat", 1000);
	run_jobs_at(0);
	cr_assert_eq(machine_culled(a), 1);
	cr_assert_eq(machine_deactivated(a), 0, "keep_seat deactivated it");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM license_machines WHERE"
		" license_id = %ld AND active_fingerprint IS NOT NULL", l.row), 1);
	cr_assert_eq(events_for(&l, a), 1);
	/* Culled once: later passes neither touch nor announce it again. */
	run_jobs_at(0);
	run_jobs_at(100000);
	cr_assert_eq(events_for(&l, a), 1);
	cr_assert_eq(machine_deactivated(a), 0);
}

Test(cull, each_plan_has_its_own_window)
{
	struct lic team, ent;
	const char *t, *e;

	free(client_sql("UPDATE plans SET heartbeat_window_s = 3600"
		" WHERE code = 'enterprise'"));
	lic_new(&team, "team", "user");
	lic_new(&ent, "enterprise", "user");
	t = machine_new(&team, "fp-window-team", 1000);
	e = machine_new(&ent, "fp-window-enterprise", 1000);
	run_jobs_at(0);
	cr_assert_eq(machine_culled(t), 1);
	cr_assert_eq(machine_culled(e), 0, "culled within its 3600 s window");
	run_jobs_at(3000);
	cr_assert_eq(machine_culled(e), 1);
}

Test(cull, node_locked_machines_are_never_culled)
{
	struct lic l;
	const char *a;

	lic_new(&l, "pro", "user");
	a = machine_new(&l, "fp-node-locked-silent", 100000);
	run_jobs_at(1000000);
	cr_assert_eq(machine_culled(a), 0);
	cr_assert_eq(machine_deactivated(a), 0);
	cr_assert_eq(events_for(&l, a), 0);
}

Test(cull, the_event_carries_the_licence_machine_and_last_heartbeat)
{
	struct lic l;
	const char *a;
	struct json_object *o;
	char *payload, *hb;

	lic_new(&l, "team", "user");
	a = machine_new(&l, "fp-event-payload", 2000);
	hb = client_sqlf("SELECT DATE_FORMAT(last_heartbeat_at,"
		" '%%Y-%%m-%%dT%%H:%%i:%%sZ') FROM license_machines"
		" WHERE public_id = '%s'", a);
	cr_assert(hb != NULL);
	run_jobs_at(0);
	payload = client_sqlf("SELECT payload FROM webhook_events WHERE user_id"
		" = %ld AND type = 'license.machine_culled'", l.owner_row);
	cr_assert(payload != NULL, "no event");
	o = json_tokener_parse(payload);
	cr_assert(o != NULL, "%s", payload);
	cr_assert_eq(strncmp(client_json_str(o, "id"), "evt_", 4), 0);
	cr_assert_str_eq(client_json_str(o, "type"), "license.machine_culled");
	cr_assert(client_json_str(o, "created") != NULL);
	cr_assert_str_eq(client_json_str(o, "data.license_id"), l.id);
	cr_assert_str_eq(client_json_str(o, "data.machine_id"), a);
	cr_assert_str_eq(client_json_str(o, "data.fingerprint"),
		"fp-event-payload");
	cr_assert_str_eq(client_json_str(o, "data.last_heartbeat_at"), hb);
	/* The event's id is its row's public id, as for sales. */
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM webhook_events WHERE"
		" public_id = '%s'", client_json_str(o, "id")), 1);
	json_object_put(o);
	free(payload);
	free(hb);
}

Test(cull, a_pass_culls_more_machines_than_one_batch)
{
	struct lic l;
	char *s;

	lic_new(&l, "team", "user");
	s = client_sqlf("INSERT INTO license_machines (public_id, license_id,"
		" fingerprint, activated_at, last_heartbeat_at)"
		" SELECT UUID(), %ld, CONCAT('fp-batch-', n.i), UTC_TIMESTAMP(6)"
		" - INTERVAL 2000 SECOND, UTC_TIMESTAMP(6) - INTERVAL 2000 SECOND"
		" FROM (WITH RECURSIVE seq (i) AS (SELECT 1 UNION ALL"
		" SELECT i + 1 FROM seq WHERE i < 250) SELECT i FROM seq) n;"
		" SELECT ROW_COUNT()", l.row);
	cr_assert(s != NULL && strcmp(s, "250") == 0, "insert: %s", s ? s : "");
	free(s);
	run_jobs_at(0);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM license_machines WHERE"
		" license_id = %ld AND culled = 1 AND deactivated_at IS NOT NULL",
		l.row), 250);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM webhook_events WHERE"
		" user_id = %ld AND type = 'license.machine_culled'", l.owner_row),
		250);
}

Test(cull, runners_at_the_same_time_cull_each_machine_once)
{
	struct lic l;
	char cmd[4096], *out, *s;
	int rc;

	lic_new(&l, "team", "user");
	s = client_sqlf("INSERT INTO license_machines (public_id, license_id,"
		" fingerprint, activated_at, last_heartbeat_at)"
		" SELECT UUID(), %ld, CONCAT('fp-race-', n.i), UTC_TIMESTAMP(6)"
		" - INTERVAL 2000 SECOND, UTC_TIMESTAMP(6) - INTERVAL 2000 SECOND"
		" FROM (WITH RECURSIVE seq (i) AS (SELECT 1 UNION ALL"
		" SELECT i + 1 FROM seq WHERE i < 300) SELECT i FROM seq) n;"
		" SELECT ROW_COUNT()", l.row);
	cr_assert(s != NULL && strcmp(s, "300") == 0, "insert: %s", s ? s : "");
	free(s);
	snprintf(cmd, sizeof(cmd), "for i in 1 2 3; do %s -c '%s' jobs --once &"
		" done; wait", client_ctl(), client_env("DEVFORGE_TEST_CONFIG"));
	rc = client_run(cmd, &out);
	cr_assert_eq(rc, 0, "%s", out);
	free(out);
	run_jobs_at(0);        /* whatever a runner skipped */
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM license_machines WHERE"
		" license_id = %ld AND culled = 1", l.row), 300);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM webhook_events WHERE"
		" user_id = %ld AND type = 'license.machine_culled'", l.owner_row),
		300);
	cr_assert_eq(client_sql_longf("SELECT COUNT(DISTINCT JSON_VALUE(payload,"
		" '$.data.machine_id')) FROM webhook_events WHERE user_id = %ld"
		" AND type = 'license.machine_culled'", l.owner_row), 300);
}

Test(cull, an_owner_subscribed_to_culls_gets_a_delivery)
{
	struct lic l;
	struct client_resp r;
	char *auth, *out, cmd[2048], ep[40], *s;
	const char *a;
	struct json_object *o;
	int rc;

	/* The owner is a developer with an endpoint for the type (refused as
	 * an unknown type before it existed). */
	auth = client_auth_header("developer", l.owner);
	l.owner_row = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'",
		l.owner);
	s = client_sqlf("SET @pid = UUID(); INSERT INTO licenses (public_id,"
		" user_id, plan_id, status, max_activations, created_at, updated_at)"
		" SELECT @pid, %ld, id, 'active', max_activations, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM plans WHERE code = 'team'; SELECT @pid",
		l.owner_row);
	cr_assert(s != NULL && strlen(s) == 36);
	snprintf(l.id, sizeof(l.id), "%s", s);
	free(s);
	l.row = client_sql_longf("SELECT id FROM licenses WHERE public_id = '%s'", l.id);
	client_call("POST", HOOKS, auth, "{\"url\": \"http://127.0.0.1:9/cull\","
		" \"events\": [\"license.machine_culled\"]}", &r);
	o = client_expect_json(&r, 201);
	snprintf(ep, sizeof(ep), "%s", client_json_str(o, "id"));
	json_object_put(o);
	client_free(&r);
	a = machine_new(&l, "fp-delivered", 2000);
	run_jobs_at(0);
	cr_assert_eq(events_for(&l, a), 1);
	snprintf(cmd, sizeof(cmd), "%s -c '%s' webhooks-send --once",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"));
	rc = client_run(cmd, &out);
	/* Nothing listens on port 9: the try fails and is kept for later. */
	(void)rc;
	free(out);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM webhook_deliveries d"
		" JOIN webhook_endpoints e ON e.id = d.endpoint_id"
		" JOIN webhook_events ev ON ev.id = d.event_id"
		" WHERE e.public_id = '%s' AND ev.type = 'license.machine_culled'"
		" AND JSON_VALUE(ev.payload, '$.data.machine_id') = '%s'", ep, a), 1);
	free(auth);
}

/* The licence's key, signed with the stack's own signing key as the
 * issuer would (the routes find a licence by its verified key). */
static char *key_for(struct arena *a, const struct lic *l, const char *plan)
{
	char payload[512], *tok = NULL;
	int n = snprintf(payload, sizeof(payload),
		"{\"kid\":\"%s\",\"lid\":\"%s\",\"plan\":\"%s\",\"features\":[],"
		"\"seats\":10,\"exp\":null,\"iat\":%ld}", signed_kid(), l->id, plan,
		(long)time(NULL));

	cr_assert_eq(signed_make(a, SIGNED_LICENSE, payload, (size_t)n, &tok), 0);
	return tok;
}

/* POSTs {license_key, machine_id?} to path; the status. */
static long post_key(const char *path, const char *key, const char *fp,
	struct client_resp *r)
{
	char body[4600];

	if (fp != NULL)
		snprintf(body, sizeof(body), "{\"license_key\":\"%s\","
			"\"machine_id\":\"%s\"}", key, fp);
	else
		snprintf(body, sizeof(body), "{\"license_key\":\"%s\"}", key);
	client_call("POST", path, NULL, body, r);
	return r->status;
}

/* Activates fp through the route; its activation id (malloc'd). */
static char *activate(const char *key, const char *fp)
{
	struct client_resp r;
	char *id;

	cr_assert_eq(post_key(ACTIVATE, key, fp, &r), 201, "%s", r.body);
	id = client_body_str(&r, "activation_id");
	cr_assert(id != NULL, "%s", r.body);
	client_free(&r);
	return id;
}

static long heartbeat(const char *key, const char *mid, struct client_resp *r)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/licenses/machines/%s/heartbeat",
		mid);
	return post_key(path, key, NULL, r);
}

Test(cull, a_culled_machine_gets_404_for_its_heartbeat_whatever_the_strategy)
{
	static const char *const plans[] = { "team", "enterprise" };
	struct arena *a;
	char *file = client_config("license_signing_key_file", NULL);

	cr_assert(file != NULL, "the stack must name license_signing_key_file");
	cr_assert_eq(signed_init(file), 0, "cannot load %s", file);
	free(file);
	a = arena_new(16384);
	cr_assert(a != NULL);
	free(client_sql("UPDATE plans SET cull_strategy = 'keep_seat'"
		" WHERE code = 'enterprise'"));
	for (size_t i = 0; i < 2; i++) {
		struct client_resp r;
		struct lic l;
		char *key, *mid, *again;
		const char *fp = i == 0 ? "fp-heartbeat-free-seat-0001" :
			"fp-heartbeat-keep-seat-0001";

		lic_new(&l, plans[i], "user");
		key = key_for(a, &l, plans[i]);
		mid = activate(key, fp);
		cr_assert_eq(heartbeat(key, mid, &r), 200, "%s", r.body);
		client_free(&r);
		run_jobs_at(WINDOW + 60);
		cr_assert_eq(machine_culled(mid), 1, "%s not culled", plans[i]);
		heartbeat(key, mid, &r);
		client_assert_problem(&r, 404, "machine_culled");
		client_free(&r);
		cr_assert_eq(machine_culled(mid), 1);
		if (i == 1) {
			/* keep_seat: the seat stays taken until the machine is
			 * deactivated; then its fingerprint activates anew. */
			cr_assert_eq(machine_deactivated(mid), 0);
			cr_assert_eq(post_key(DEACTIVATE, key, fp, &r), 204, "%s",
				r.body);
			client_free(&r);
		}
		again = activate(key, fp);
		cr_assert_str_neq(again, mid, "%s: the culled machine came back",
			plans[i]);
		cr_assert_eq(heartbeat(key, again, &r), 200, "%s", r.body);
		client_free(&r);
		free(again);
		free(mid);
	}
	signed_done();
	arena_free(a);
}
