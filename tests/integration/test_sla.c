/* Service levels through the front server against real MariaDB: the
 * admin's calendars and policies (impossible hours, unknown zones, bad
 * dates refused with the field named and nothing written; the roles),
 * a new ticket under the first matching policy (by the requester's
 * plan) with its first reply due in business hours, the clock paused
 * while the ticket waits on the customer, the targets a reply, a
 * resolution and a reopen achieve or start, and the sla-breach job run
 * with a moved clock marking each breach once, with its audit row.
 *
 * The due times are checked against core/bizhours on the same calendar
 * (its unit test holds the fixed Berlin examples); here the point is
 * that the stored calendar and policy reach the ticket. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strptime, timegm */
#endif
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bizhours.h"
#include "client.h"
#include "desk_kit.h"

#define CALS "/api/v1/admin/support/calendars"
#define POLS "/api/v1/admin/support/sla-policies"
#define TICKETS "/api/v1/support/tickets"

/* The plan a test made (plan_new): removed with its licences after the
 * test, passed or failed, so GET /plans lists only the real plans for
 * the programs that run later on the same stack (test_orders counts
 * them). */
static char test_plan[40];

static void plan_drop(void)
{
	if (test_plan[0] == '\0')
		return;
	free(client_sqlf("DELETE l FROM licenses l JOIN plans p"
		" ON p.id = l.plan_id WHERE p.code = '%s'", test_plan));
	free(client_sqlf("DELETE FROM plans WHERE code = '%s'", test_plan));
	test_plan[0] = '\0';
}

TestSuite(sla, .fini = plan_drop);

static time_t rfc3339(const char *s)
{
	struct tm tm;

	cr_assert_not_null(s);
	memset(&tm, 0, sizeof(tm));
	cr_assert_not_null(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm), "%s", s);
	return timegm(&tm);
}

/* The id member of a 201 answer. */
static long created_id(const char *method, const char *path,
	const char *auth, const char *json)
{
	struct client_resp r;
	struct json_object *o, *v;
	long id;

	client_call(method, path, auth, json, &r);
	o = client_expect_json(&r, 201);
	cr_assert(json_object_object_get_ex(o, "id", &v), "%s", r.body);
	id = (long)json_object_get_int64(v);
	json_object_put(o);
	client_free(&r);
	return id;
}

/* A plan only this run's requesters hold, so the policies made here
 * match no other program's tickets. */
static void plan_new(char code[40])
{
	char *out;

	snprintf(code, 40, "%s", client_unique("slap"));
	for (char *c = code; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	out = client_sqlf("INSERT INTO plans (code, name, description,"
		" price_month, price_year, currency, max_activations, features,"
		" sort_order) VALUES ('%s', 'SLA test', 'x', 0, 0, 'USD', 1,"
		" '[]', 900); SELECT ROW_COUNT()", code);
	free(out);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM plans WHERE code = '%s'",
		code), 1);
	snprintf(test_plan, sizeof(test_plan), "%s", code);
}

static void licence_for(const char *user_pid, const char *plan)
{
	free(client_sqlf("INSERT INTO licenses (public_id, user_id, plan_id,"
		" status, max_activations, created_at, updated_at)"
		" SELECT UUID(), u.id, p.id, 'active', 1, UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6) FROM users u, plans p"
		" WHERE u.public_id = '%s' AND p.code = '%s'", user_pid, plan));
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM licenses l JOIN users u"
		" ON u.id = l.user_id WHERE u.public_id = '%s'", user_pid), 1);
}

/* A free position below the seeded policies (50..400). */
static long free_position(void)
{
	for (long p = 1; p < 50; p++)
		if (client_sql_longf("SELECT COUNT(*) FROM support_sla_policies"
		    " WHERE position = %ld", p) == 0)
			return p;
	cr_assert_fail("no free policy position below 50");
	return 0;
}

/* A policy test's cast: an admin, an agent, and a requester holding a
 * licence of a plan of its own (so only this test's policies match). */
static void cast_new(struct desk_user *admin, struct desk_user *staff,
	struct desk_user *rq, char plan[40])
{
	desk_user_new(admin, "admin", NULL);
	desk_user_new(staff, "support", NULL);
	desk_user_new(rq, "user", NULL);
	plan_new(plan);
	licence_for(rq->id, plan);
}

static void cast_free(struct desk_user *admin, struct desk_user *staff,
	struct desk_user *rq)
{
	desk_user_free(admin);
	desk_user_free(staff);
	desk_user_free(rq);
}

static long policy_new(struct desk_user *admin, const char *plan,
	long calendar, const char *targets)
{
	char json[1024], cal[32];

	if (calendar > 0)
		snprintf(cal, sizeof(cal), "%ld", calendar);
	else
		snprintf(cal, sizeof(cal), "null");
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":%ld,"
		"\"calendar_id\":%s,\"match\":{\"plan\":\"%s\"},"
		"\"targets\":%s}", client_unique("slapol"), free_position(),
		cal, plan, targets);
	return created_id("POST", POLS, admin->auth, json);
}

static void policy_delete(struct desk_user *admin, long id)
{
	char path[96];

	snprintf(path, sizeof(path), POLS "/%ld", id);
	cr_expect_eq(client_status("DELETE", path, admin->auth, NULL), 204);
}

static long ticket_new(struct desk_user *p, const char *priority)
{
	char json[256];

	snprintf(json, sizeof(json), "{\"subject\":\"SLA %s\",\"body\":\"help\","
		"\"category\":\"technical\",\"priority\":\"%s\"}",
		client_unique("t"), priority);
	return created_id("POST", TICKETS, p->auth, json);
}

/* GET /support/tickets/{id}/sla as staff (put it when done). */
static struct json_object *sla_of(struct desk_user *staff, long id)
{
	struct client_resp r;
	struct json_object *o;

	client_call("GET", desk_ticket_path(id, "/sla"), staff->auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

/* The target metric/seq of a GET .../sla answer, or NULL. */
static struct json_object *target(struct json_object *sla, const char *metric,
	int seq)
{
	struct json_object *arr, *t, *v;

	cr_assert(json_object_object_get_ex(sla, "targets", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		t = json_object_array_get_idx(arr, i);
		json_object_object_get_ex(t, "metric", &v);
		if (strcmp(json_object_get_string(v), metric) != 0)
			continue;
		json_object_object_get_ex(t, "seq", &v);
		if (json_object_get_int(v) == seq)
			return t;
	}
	return NULL;
}

static const char *tstr(struct json_object *t, const char *k)
{
	struct json_object *v;

	if (t == NULL || !json_object_object_get_ex(t, k, &v) ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

static long count_rows(const char *table)
{
	return client_sql_longf("SELECT COUNT(*) FROM %s", table);
}

static void patch_status(struct desk_user *staff, long id, const char *status)
{
	char json[64];

	snprintf(json, sizeof(json), "{\"status\":\"%s\"}", status);
	cr_assert_eq(client_status("PATCH", desk_ticket_path(id, ""), staff->auth, json),
		200, "PATCH status %s", status);
}

/* --- calendars */

static void expect_422(struct desk_user *admin, const char *method,
	const char *path, const char *json, const char *field,
	const char *code)
{
	struct client_resp r;
	long cals = count_rows("support_calendars");
	long hours = count_rows("support_calendar_hours");
	long hols = count_rows("support_calendar_holidays");
	long pols = count_rows("support_sla_policies");

	client_call(method, path, admin->auth, json, &r);
	client_assert_field_error(&r, field, code);
	client_free(&r);
	cr_assert_eq(count_rows("support_calendars"), cals);
	cr_assert_eq(count_rows("support_calendar_hours"), hours);
	cr_assert_eq(count_rows("support_calendar_holidays"), hols);
	cr_assert_eq(count_rows("support_sla_policies"), pols);
}

#define MON_FRI "[{\"weekday\":1,\"opens\":\"09:00\",\"closes\":\"18:00\"}," \
	"{\"weekday\":2,\"opens\":\"09:00\",\"closes\":\"18:00\"}," \
	"{\"weekday\":3,\"opens\":\"09:00\",\"closes\":\"18:00\"}," \
	"{\"weekday\":4,\"opens\":\"09:00\",\"closes\":\"18:00\"}," \
	"{\"weekday\":5,\"opens\":\"09:00\",\"closes\":\"18:00\"}]"

static char *calendar_json(const char *name, const char *zone,
	const char *hours, const char *holidays)
{
	char *s;

	cr_assert(asprintf(&s, "{\"name\":\"%s\",\"time_zone\":\"%s\","
		"\"hours\":%s,\"holidays\":%s}", name, zone, hours,
		holidays) > 0);
	return s;
}

Test(sla, impossible_calendars_are_refused_naming_the_field_and_change_nothing)
{
	struct desk_user admin;
	struct { const char *zone, *hours, *hols, *field, *code; } bad[] = {
		{ "Europe/Berlin", "[{\"weekday\":1,\"opens\":\"09:00\","
		  "\"closes\":\"18:00\"},{\"weekday\":2,\"opens\":\"18:00\","
		  "\"closes\":\"09:00\"}]", "[]", "hours[1].closes",
		  "out_of_range" },
		{ "Europe/Berlin", "[{\"weekday\":3,\"opens\":\"09:00\","
		  "\"closes\":\"12:00\"},{\"weekday\":3,\"opens\":\"11:00\","
		  "\"closes\":\"14:00\"}]", "[]", "hours[1].opens", "overlap" },
		{ "Europe/Berlin", "[{\"weekday\":1,\"opens\":\"09:00\","
		  "\"closes\":\"25:00\"}]", "[]", "hours[0].closes",
		  "invalid_format" },
		{ "Europe/Berlin", "[{\"weekday\":8,\"opens\":\"09:00\","
		  "\"closes\":\"18:00\"}]", "[]", "hours[0].weekday",
		  "out_of_range" },
		{ "Europe/Berlin", "[]", "[]", "hours", "too_short" },
		{ "Mars/Olympus_Mons", MON_FRI, "[]", "time_zone",
		  "invalid_format" },
		{ "../../etc/passwd", MON_FRI, "[]", "time_zone",
		  "invalid_format" },
		{ "Europe/Berlin", MON_FRI, "[{\"date\":\"2026-02-30\"}]",
		  "holidays[0].date", "invalid_format" },
		{ "Europe/Berlin", MON_FRI, "[{\"date\":\"2026-12-25\"},"
		  "{\"date\":\"2026-12-25\"}]", "holidays[1].date",
		  "duplicate" },
	};

	desk_user_new(&admin, "admin", NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *json = calendar_json(client_unique("cal"), bad[i].zone,
			bad[i].hours, bad[i].hols);

		expect_422(&admin, "POST", CALS, json, bad[i].field,
			bad[i].code);
		free(json);
	}
	/* A PUT with impossible hours leaves the calendar as it was. */
	{
		char *good = calendar_json(client_unique("cal"),
			"Europe/Berlin", MON_FRI, "[]");
		char *badj = calendar_json(client_unique("cal"),
			"Europe/Berlin", "[{\"weekday\":1,\"opens\":\"10:00\","
			"\"closes\":\"10:00\"}]", "[]");
		long id = created_id("POST", CALS, admin.auth, good);
		char path[96];

		snprintf(path, sizeof(path), CALS "/%ld", id);
		expect_422(&admin, "PUT", path, badj, "hours[0].closes",
			"out_of_range");
		cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM"
			" support_calendar_hours WHERE calendar_id = %ld", id), 5);
		cr_assert_eq(client_status("DELETE", path, admin.auth, NULL),
			204);
		free(good);
		free(badj);
	}
	free(admin.auth);
}

Test(sla, a_calendar_round_trips_and_cannot_go_while_a_policy_uses_it)
{
	struct desk_user admin;
	struct client_resp r;
	struct json_object *o;
	char *json, *json2, *loc, path[96], name[64];
	long id, pol;

	desk_user_new(&admin, "admin", NULL);
	snprintf(name, sizeof(name), "%s", client_unique("cal"));
	json = calendar_json(name, "Europe/Berlin", MON_FRI,
		"[{\"date\":\"2026-12-25\",\"name\":\"Christmas\"}]");
	client_call("POST", CALS, admin.auth, json, &r);
	o = client_expect_json(&r, 201);
	loc = client_header(&r, "Location");
	cr_assert_not_null(loc);
	id = (long)json_object_get_int64(json_object_object_get(o, "id"));
	snprintf(path, sizeof(path), CALS "/%ld", id);
	cr_assert_str_eq(loc, path);
	cr_assert_str_eq(client_json_str(o, "time_zone"), "Europe/Berlin");
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"hours")), 5);
	json_object_put(o);
	free(loc);
	client_free(&r);
	cr_assert_eq(client_audit_count("admin.sla_calendar_created",
		strrchr(path, '/') + 1), 1);

	/* The same name again: 409. */
	cr_assert_eq(client_status("POST", CALS, admin.auth, json), 409);

	/* PUT replaces hours and holidays whole. */
	json2 = calendar_json(name, "America/New_York",
		"[{\"weekday\":6,\"opens\":\"13:00\",\"closes\":\"17:00\"},"
		"{\"weekday\":6,\"opens\":\"08:00\",\"closes\":\"12:00\"}]", "[]");
	client_call("PUT", path, admin.auth, json2, &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "time_zone"), "America/New_York");
	json_object_put(o);
	client_free(&r);
	client_call("GET", path, admin.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	{
		struct json_object *h = json_object_object_get(o, "hours");

		cr_assert_eq(json_object_array_length(h), 2);
		cr_assert_str_eq(client_json_str(json_object_array_get_idx(h,
			0), "opens"), "08:00");
		cr_assert_eq(json_object_array_length(json_object_object_get(o,
			"holidays")), 0);
	}
	json_object_put(o);
	client_free(&r);

	/* In use by a policy: 409, still there; free again: 204, then 404. */
	pol = policy_new(&admin, "none", id, "{\"resolution_minutes\":60}");
	client_call("DELETE", path, admin.auth, NULL, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);
	policy_delete(&admin, pol);
	cr_assert_eq(client_status("DELETE", path, admin.auth, NULL), 204);
	cr_assert_eq(client_status("GET", path, admin.auth, NULL), 404);
	cr_assert_eq(client_status("DELETE", path, admin.auth, NULL), 404);
	free(json);
	free(json2);
	free(admin.auth);
}

Test(sla, admin_routes_need_an_admin_and_ticket_sla_needs_staff)
{
	struct desk_user support, user;

	desk_user_new(&support, "support", NULL);
	desk_user_new(&user, "user", NULL);
	cr_assert_eq(client_status("GET", CALS, NULL, NULL), 401);
	cr_assert_eq(client_status("GET", CALS, support.auth, NULL), 403);
	cr_assert_eq(client_status("GET", POLS, support.auth, NULL), 403);
	cr_assert_eq(client_status("POST", POLS, user.auth,
		"{\"name\":\"x\",\"position\":1,\"targets\":{}}"), 403);
	cr_assert_eq(client_status("GET", desk_ticket_path(1, "/sla"), user.auth, NULL),
		403);
	cr_assert_eq(client_status("GET", desk_ticket_path(999999999, "/sla"),
		support.auth, NULL), 404);
	cr_assert_eq(client_status("GET", TICKETS "/abc/sla", support.auth,
		NULL), 404);
	free(support.auth);
	free(user.auth);
}

Test(sla, bad_policies_are_refused_and_change_nothing)
{
	struct desk_user admin;
	struct client_resp r;
	long pos = free_position(), id;
	char json[512], path[96];

	desk_user_new(&admin, "admin", NULL);
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":%ld,"
		"\"match\":{\"priority\":\"critical\"},"
		"\"targets\":{\"first_reply_minutes\":60}}",
		client_unique("p"), pos);
	expect_422(&admin, "POST", POLS, json, "match.priority",
		"invalid_format");
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":%ld,"
		"\"targets\":{}}", client_unique("p"), pos);
	expect_422(&admin, "POST", POLS, json, "targets", "required");
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":%ld,"
		"\"calendar_id\":999999999,"
		"\"targets\":{\"first_reply_minutes\":60}}", client_unique("p"),
		pos);
	expect_422(&admin, "POST", POLS, json, "calendar_id", "not_found");
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":%ld,"
		"\"targets\":{\"first_reply_minutes\":0}}", client_unique("p"),
		pos);
	expect_422(&admin, "POST", POLS, json, "targets.first_reply_minutes",
		"out_of_range");
	/* A seeded policy's position is taken: 409. */
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":100,"
		"\"targets\":{\"first_reply_minutes\":60}}", client_unique("p"));
	client_call("POST", POLS, admin.auth, json, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);

	/* PATCH: members given replace, absent ones stay. */
	id = policy_new(&admin, client_unique("nomatch"), 0,
		"{\"first_reply_minutes\":30,\"resolution_minutes\":600}");
	snprintf(path, sizeof(path), POLS "/%ld", id);
	client_call("PATCH", path, admin.auth,
		"{\"targets\":{\"first_reply_minutes\":null,"
		"\"next_reply_minutes\":45}}", &r);
	{
		struct json_object *o = client_expect_json(&r, 200);
		struct json_object *t = json_object_object_get(o, "targets");

		cr_assert(json_object_is_type(json_object_object_get(t,
			"first_reply_minutes"), json_type_null));
		cr_assert_eq(json_object_get_int(json_object_object_get(t,
			"next_reply_minutes")), 45);
		cr_assert_eq(json_object_get_int(json_object_object_get(t,
			"resolution_minutes")), 600);
		json_object_put(o);
	}
	client_free(&r);
	/* Clearing every target is refused, the policy unchanged. */
	expect_422(&admin, "PATCH", path, "{\"targets\":{"
		"\"next_reply_minutes\":null,\"resolution_minutes\":null}}",
		"targets", "required");
	cr_assert_eq(client_sql_longf("SELECT resolution_minutes FROM"
		" support_sla_policies WHERE id = %ld", id), 600);
	policy_delete(&admin, id);
	cr_assert_eq(client_status("PATCH", path, admin.auth,
		"{\"position\":1}"), 404);
	free(admin.auth);
}

/* --- tickets under policies */

/* The calendar in the shape core/bizhours counts on. */
static void berlin_office(struct bizhours_cal *c, int32_t *hol)
{
	static const struct bizhours_span s[] = {
		{ 1, 540, 1080 }, { 2, 540, 1080 }, { 3, 540, 1080 },
		{ 4, 540, 1080 }, { 5, 540, 1080 },
	};

	cr_assert_eq(bizhours_build(c, "Europe/Berlin", s, 5, hol, 1, NULL),
		0);
}

Test(sla, a_ticket_gets_the_first_policy_for_its_plan_with_targets_in_business_hours)
{
	struct desk_user admin, staff, rq, other;
	struct bizhours_cal cal;
	struct json_object *sla, *t, *pol;
	struct client_resp r;
	char plan[40], json[1024], hol[16];
	int32_t hol_ymd;
	long cal_id, pid, tid, tid2;
	time_t now = time(NULL), due;
	struct tm tm;

	cast_new(&admin, &staff, &rq, plan);
	desk_user_new(&other, "user", NULL);

	/* Support hours in Berlin, tomorrow (local) a holiday. */
	{
		time_t tomorrow = now + 86400;

		setenv("TZ", ":Europe/Berlin", 1);
		tzset();
		localtime_r(&tomorrow, &tm);
		strftime(hol, sizeof(hol), "%Y-%m-%d", &tm);
		hol_ymd = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
			tm.tm_mday;
	}
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"time_zone\":"
		"\"Europe/Berlin\",\"hours\":" MON_FRI ",\"holidays\":"
		"[{\"date\":\"%s\",\"name\":\"test\"}]}", client_unique("cal"),
		hol);
	cal_id = created_id("POST", CALS, admin.auth, json);
	berlin_office(&cal, &hol_ymd);
	pid = policy_new(&admin, plan, cal_id, "{\"first_reply_minutes\":60,"
		"\"next_reply_minutes\":120,\"resolution_minutes\":480}");

	tid = ticket_new(&rq, "urgent");
	sla = sla_of(&staff, tid);
	pol = json_object_object_get(sla, "policy");
	cr_assert_not_null(pol, "the plan's policy applies");
	cr_assert_eq(json_object_get_int64(json_object_object_get(pol, "id")),
		pid);
	t = target(sla, "first_reply", 1);
	cr_assert_not_null(t);
	cr_assert_eq(json_object_get_int(json_object_object_get(t,
		"target_minutes")), 60);
	cr_assert_eq(bizhours_add(&cal, rfc3339(tstr(t, "started_at")), 3600,
		&due), 0);
	cr_assert_eq(rfc3339(tstr(t, "due_at")), due, "due %s from %s",
		tstr(t, "due_at"), tstr(t, "started_at"));
	cr_assert_not_null(target(sla, "resolution", 1));
	cr_assert_null(target(sla, "next_reply", 1));

	/* The ticket shows the first reply's due time, and staff see the
	 * earliest running one. */
	client_call("GET", desk_ticket_path(tid, ""), staff.auth, NULL, &r);
	{
		struct json_object *o = client_expect_json(&r, 200);

		cr_assert_eq(rfc3339(client_json_str(o,
			"first_response_due_at")), due);
		cr_assert_eq(rfc3339(client_json_str(o, "next_breach_at")),
			due);
		json_object_put(o);
	}
	client_free(&r);
	json_object_put(sla);

	/* Without the plan, the policy does not apply. */
	tid2 = ticket_new(&other, "urgent");
	cr_assert_neq(client_sql_longf("SELECT COALESCE(sla_policy_id, 0) FROM"
		" support_tickets WHERE id = %ld", tid2), pid);

	policy_delete(&admin, pid);
	cast_free(&admin, &staff, &rq);
	free(other.auth);
}

Test(sla, a_requester_without_a_plan_matches_plan_none)
{
	struct desk_user admin, rq;
	long pid, tid;

	desk_user_new(&admin, "admin", NULL);
	desk_user_new(&rq, "user", NULL);
	/* 'none' would match other programs' tickets too: the policy lives
	 * only for this one ticket. */
	{
		char json[512];

		snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":%ld,"
			"\"match\":{\"plan\":\"none\",\"category\":\"billing\","
			"\"priority\":\"low\"},\"targets\":"
			"{\"resolution_minutes\":77}}", client_unique("p"),
			free_position());
		pid = created_id("POST", POLS, admin.auth, json);
	}
	{
		char json[256];

		snprintf(json, sizeof(json), "{\"subject\":\"x\",\"body\":\"y\","
			"\"category\":\"billing\",\"priority\":\"low\"}");
		tid = created_id("POST", TICKETS, rq.auth, json);
	}
	policy_delete(&admin, pid);
	cr_assert_eq(client_sql_longf("SELECT target_minutes FROM support_sla_targets"
		" WHERE ticket_id = %ld AND metric = 'resolution'", tid), 77);
	free(admin.auth);
	free(rq.auth);
}

Test(sla, waiting_on_the_customer_pauses_the_clock_and_replies_move_the_targets)
{
	struct desk_user admin, staff, rq;
	struct json_object *sla, *t;
	char plan[40];
	long pid, tid;
	time_t due0, due1, before, after;
	long left;

	cast_new(&admin, &staff, &rq, plan);
	/* Around the clock: business seconds are real seconds. */
	pid = policy_new(&admin, plan, 0, "{\"first_reply_minutes\":60,"
		"\"next_reply_minutes\":30,\"resolution_minutes\":600}");
	tid = ticket_new(&rq, "normal");
	sla = sla_of(&staff, tid);
	due0 = rfc3339(tstr(target(sla, "first_reply", 1), "due_at"));
	json_object_put(sla);

	patch_status(&staff, tid, "waiting_on_customer");
	sla = sla_of(&staff, tid);
	t = target(sla, "first_reply", 1);
	cr_assert(json_object_get_boolean(json_object_object_get(t, "paused")));
	cr_assert_null(tstr(t, "due_at"));
	left = (long)json_object_get_int64(json_object_object_get(t,
		"remaining_seconds"));
	cr_assert(left > 0 && left <= 3600, "%ld left", left);
	cr_assert(json_object_get_boolean(json_object_object_get(
		target(sla, "resolution", 1), "paused")));
	json_object_put(sla);
	cr_assert_eq(client_sql_longf("SELECT next_breach_at IS NULL FROM"
		" support_tickets WHERE id = %ld", tid), 1,
		"nothing runs while the ticket waits");

	/* Two seconds of waiting later the clock runs on from where it
	 * stopped: the due time moved by the pause. */
	sleep(2);
	before = time(NULL);
	patch_status(&staff, tid, "in_progress");
	after = time(NULL);
	sla = sla_of(&staff, tid);
	t = target(sla, "first_reply", 1);
	cr_assert(!json_object_get_boolean(json_object_object_get(t, "paused")));
	due1 = rfc3339(tstr(t, "due_at"));
	cr_assert(due1 >= before + left - 1 && due1 <= after + left + 1,
		"due %ld, resumed in [%ld, %ld] with %ld left", (long)due1,
		(long)before, (long)after, left);
	cr_assert(due1 >= due0 + 2, "the pause moved the due time");
	json_object_put(sla);

	/* A staff reply achieves the first reply; the requester's next
	 * message starts a next-reply target. */
	cr_assert_eq(client_status("POST", desk_ticket_path(tid, "/messages"),
		staff.auth, "{\"body\":\"on it\"}"), 201);
	cr_assert_eq(client_status("POST", desk_ticket_path(tid, "/messages"), rq.auth,
		"{\"body\":\"still broken\"}"), 201);
	sla = sla_of(&staff, tid);
	cr_assert_not_null(tstr(target(sla, "first_reply", 1), "achieved_at"));
	t = target(sla, "next_reply", 1);
	cr_assert_not_null(t, "a next-reply target started");
	cr_assert_eq(json_object_get_int(json_object_object_get(t,
		"target_minutes")), 30);
	cr_assert_null(tstr(t, "achieved_at"));
	json_object_put(sla);

	/* Resolved: resolution achieved, the open reply target stopped;
	 * reopened: a second resolution cycle. */
	patch_status(&staff, tid, "resolved");
	sla = sla_of(&staff, tid);
	cr_assert_not_null(tstr(target(sla, "resolution", 1), "achieved_at"));
	cr_assert_not_null(tstr(target(sla, "next_reply", 1), "stopped_at"));
	json_object_put(sla);
	cr_assert_eq(client_sql_longf("SELECT next_breach_at IS NULL FROM"
		" support_tickets WHERE id = %ld", tid), 1);
	cr_assert_eq(client_status("PATCH", desk_ticket_path(tid, ""), rq.auth,
		"{\"status\":\"open\"}"), 200);
	sla = sla_of(&staff, tid);
	t = target(sla, "resolution", 2);
	cr_assert_not_null(t, "a reopen starts a new resolution cycle");
	cr_assert_not_null(tstr(t, "due_at"));
	json_object_put(sla);
	cr_assert_eq(client_sql_longf("SELECT next_breach_at IS NOT NULL FROM"
		" support_tickets WHERE id = %ld", tid), 1);

	policy_delete(&admin, pid);
	cast_free(&admin, &staff, &rq);
}

static void run_breach_job(long offset_s)
{
	char *out = NULL;
	int rc;

	rc = client_ctl_run(offset_s, &out, "jobs run --once --only sla-breach");
	cr_assert_eq(rc, 0, "%s", out != NULL ? out : "");
	free(out);
}

Test(sla, the_breach_job_marks_a_late_target_once_with_its_audit_row)
{
	struct desk_user admin, staff, rq;
	struct json_object *sla, *t;
	char plan[40], sub[32];
	long pid, tid;

	cast_new(&admin, &staff, &rq, plan);
	pid = policy_new(&admin, plan, 0, "{\"first_reply_minutes\":1,"
		"\"resolution_minutes\":600}");
	tid = ticket_new(&rq, "high");
	snprintf(sub, sizeof(sub), "%ld", tid);

	/* Not yet due: nothing marked. */
	run_breach_job(0);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_sla_targets"
		" WHERE ticket_id = %ld AND breached_at IS NOT NULL", tid), 0);
	cr_assert_eq(client_audit_count("support.sla_breached", sub), 0);

	/* Three minutes on: the first reply is late, the resolution not. */
	run_breach_job(180);
	sla = sla_of(&staff, tid);
	t = target(sla, "first_reply", 1);
	cr_assert_not_null(tstr(t, "breached_at"));
	cr_assert_str_eq(tstr(t, "breached_at"), tstr(t, "due_at"));
	cr_assert_null(tstr(target(sla, "resolution", 1), "breached_at"));
	json_object_put(sla);
	cr_assert_eq(client_audit_count("support.sla_breached", sub), 1);

	/* Again: marked once. */
	run_breach_job(240);
	cr_assert_eq(client_audit_count("support.sla_breached", sub), 1);

	/* A late reply is still recorded as achieved, after the breach. */
	cr_assert_eq(client_status("POST", desk_ticket_path(tid, "/messages"),
		staff.auth, "{\"body\":\"sorry for the wait\"}"), 201);
	sla = sla_of(&staff, tid);
	t = target(sla, "first_reply", 1);
	cr_assert_not_null(tstr(t, "achieved_at"));
	cr_assert_not_null(tstr(t, "breached_at"));
	json_object_put(sla);

	policy_delete(&admin, pid);
	cast_free(&admin, &staff, &rq);
}

/* --- a priority change re-applies the policies */

/* Around-the-clock policies for plan's urgent, normal and low tickets
 * (business seconds are real seconds, so due times are exact):
 * first reply 10/60/240 minutes, resolution 120/480/960. */
struct prio_pols {
	long urgent, normal, low;
};

static long policy_for(struct desk_user *admin, const char *plan,
	const char *priority, int fr, int res)
{
	char json[512];

	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"position\":%ld,"
		"\"calendar_id\":null,\"match\":{\"plan\":\"%s\","
		"\"priority\":\"%s\"},\"targets\":{\"first_reply_minutes\":%d,"
		"\"resolution_minutes\":%d}}", client_unique("prio"),
		free_position(), plan, priority, fr, res);
	return created_id("POST", POLS, admin->auth, json);
}

static void prio_pols_new(struct desk_user *admin, const char *plan,
	struct prio_pols *p)
{
	p->urgent = policy_for(admin, plan, "urgent", 10, 120);
	p->normal = policy_for(admin, plan, "normal", 60, 480);
	p->low = policy_for(admin, plan, "low", 240, 960);
}

static void prio_pols_delete(struct desk_user *admin, struct prio_pols *p)
{
	policy_delete(admin, p->urgent);
	policy_delete(admin, p->normal);
	policy_delete(admin, p->low);
}

static void patch_priority(struct desk_user *staff, long id, const char *prio)
{
	char json[64];

	snprintf(json, sizeof(json), "{\"priority\":\"%s\"}", prio);
	cr_assert_eq(client_status("PATCH", desk_ticket_path(id, ""), staff->auth, json),
		200, "PATCH priority %s", prio);
}

static long policy_id_of(struct json_object *sla)
{
	struct json_object *p = json_object_object_get(sla, "policy");

	if (p == NULL || json_object_is_type(p, json_type_null))
		return 0;
	return (long)json_object_get_int64(json_object_object_get(p, "id"));
}

static long tint(struct json_object *t, const char *k)
{
	cr_assert_not_null(t);
	return (long)json_object_get_int64(json_object_object_get(t, k));
}

/* The ticket's own first_response_due_at and next_breach_at, as staff
 * see them (0 for null). */
static void ticket_dues(struct desk_user *staff, long id, time_t *frd,
	time_t *nba)
{
	struct client_resp r;
	struct json_object *o;
	const char *s;

	client_call("GET", desk_ticket_path(id, ""), staff->auth, NULL, &r);
	o = client_expect_json(&r, 200);
	s = client_json_str(o, "first_response_due_at");
	*frd = s != NULL ? rfc3339(s) : 0;
	s = client_json_str(o, "next_breach_at");
	*nba = s != NULL ? rfc3339(s) : 0;
	json_object_put(o);
	client_free(&r);
}

Test(sla, a_priority_change_moves_the_running_targets_to_the_new_policy)
{
	struct desk_user admin, staff, rq;
	struct prio_pols pp;
	struct json_object *sla, *t;
	char plan[40];
	long tid;
	time_t started, frd, nba;

	cast_new(&admin, &staff, &rq, plan);
	prio_pols_new(&admin, plan, &pp);

	tid = ticket_new(&rq, "normal");
	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), pp.normal);
	t = target(sla, "first_reply", 1);
	started = rfc3339(tstr(t, "started_at"));
	cr_assert_eq(rfc3339(tstr(t, "due_at")), started + 3600);
	json_object_put(sla);

	/* normal -> urgent: the urgent policy's first reply, counted from
	 * the same start, so due earlier; the ticket shows it. */
	patch_priority(&staff, tid, "urgent");
	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), pp.urgent);
	t = target(sla, "first_reply", 1);
	cr_assert_eq(tint(t, "target_minutes"), 10);
	cr_assert_eq(rfc3339(tstr(t, "started_at")), started);
	cr_assert_eq(rfc3339(tstr(t, "due_at")), started + 600, "due %s",
		tstr(t, "due_at"));
	t = target(sla, "resolution", 1);
	cr_assert_eq(tint(t, "target_minutes"), 120);
	cr_assert_eq(rfc3339(tstr(t, "due_at")), started + 7200);
	cr_assert_null(target(sla, "first_reply", 2), "no second cycle");
	json_object_put(sla);
	ticket_dues(&staff, tid, &frd, &nba);
	cr_assert_eq(frd, started + 600);
	cr_assert_eq(nba, started + 600);

	/* urgent -> low: later. */
	patch_priority(&staff, tid, "low");
	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), pp.low);
	t = target(sla, "first_reply", 1);
	cr_assert_eq(tint(t, "target_minutes"), 240);
	cr_assert_eq(rfc3339(tstr(t, "due_at")), started + 14400);
	cr_assert_eq(rfc3339(tstr(target(sla, "resolution", 1), "due_at")),
		started + 960 * 60);
	json_object_put(sla);
	ticket_dues(&staff, tid, &frd, &nba);
	cr_assert_eq(frd, started + 14400);
	cr_assert_eq(nba, started + 14400);

	prio_pols_delete(&admin, &pp);
	cast_free(&admin, &staff, &rq);
}

Test(sla, a_macro_setting_the_priority_re_applies_the_policy)
{
	struct desk_user admin, staff, rq;
	struct prio_pols pp;
	struct json_object *sla, *t;
	struct client_resp r;
	char plan[40], json[256], path[128];
	long tid, mid;
	time_t started;

	cast_new(&admin, &staff, &rq, plan);
	prio_pols_new(&admin, plan, &pp);
	tid = ticket_new(&rq, "normal");

	/* An internal note: it answers nothing, so the first reply runs. */
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"body\":\"escalated\","
		"\"internal\":true,\"set_priority\":\"urgent\"}",
		client_unique("esc"));
	mid = created_id("POST", "/api/v1/support/macros", staff.auth, json);
	snprintf(path, sizeof(path), TICKETS "/%ld/macros/%ld", tid, mid);
	client_call("POST", path, staff.auth, NULL, &r);
	json_object_put(client_expect_json(&r, 200));
	client_free(&r);

	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), pp.urgent);
	t = target(sla, "first_reply", 1);
	started = rfc3339(tstr(t, "started_at"));
	cr_assert_null(tstr(t, "achieved_at"));
	cr_assert_eq(rfc3339(tstr(t, "due_at")), started + 600);
	json_object_put(sla);

	snprintf(path, sizeof(path), "/api/v1/support/macros/%ld", mid);
	cr_expect_eq(client_status("DELETE", path, staff.auth, NULL), 204);
	prio_pols_delete(&admin, &pp);
	cast_free(&admin, &staff, &rq);
}

Test(sla, a_paused_targets_remaining_time_follows_a_priority_change)
{
	struct desk_user admin, staff, rq;
	struct prio_pols pp;
	struct json_object *sla, *t;
	char plan[40];
	long tid, fr_left, res_left;
	time_t frd, nba, before, after, due;

	cast_new(&admin, &staff, &rq, plan);
	prio_pols_new(&admin, plan, &pp);
	tid = ticket_new(&rq, "normal");

	patch_status(&staff, tid, "waiting_on_customer");
	sla = sla_of(&staff, tid);
	fr_left = tint(target(sla, "first_reply", 1), "remaining_seconds");
	res_left = tint(target(sla, "resolution", 1), "remaining_seconds");
	cr_assert(fr_left > 3000 && fr_left <= 3600, "%ld left", fr_left);
	json_object_put(sla);

	/* The business time already consumed (60 min - left) counts
	 * against the urgent policy's 10 minutes; still paused. */
	before = time(NULL);
	patch_priority(&staff, tid, "urgent");
	after = time(NULL);
	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), pp.urgent);
	t = target(sla, "first_reply", 1);
	cr_assert(json_object_get_boolean(json_object_object_get(t, "paused")));
	cr_assert_null(tstr(t, "due_at"));
	cr_assert_eq(tint(t, "target_minutes"), 10);
	cr_assert_eq(tint(t, "remaining_seconds"), fr_left - 3000);
	t = target(sla, "resolution", 1);
	cr_assert(json_object_get_boolean(json_object_object_get(t, "paused")));
	cr_assert_eq(tint(t, "remaining_seconds"), res_left - (480 - 120) * 60);
	json_object_put(sla);
	/* Nothing runs; the first reply would fall due that long after an
	 * answer now. */
	ticket_dues(&staff, tid, &frd, &nba);
	cr_assert_eq(nba, 0);
	cr_assert(frd >= before + fr_left - 3000 &&
		frd <= after + fr_left - 3000, "first response due %ld",
		(long)frd);

	/* The customer answers: it runs on with what it had left. */
	before = time(NULL);
	patch_status(&staff, tid, "in_progress");
	after = time(NULL);
	sla = sla_of(&staff, tid);
	due = rfc3339(tstr(target(sla, "first_reply", 1), "due_at"));
	cr_assert(due >= before + fr_left - 3000 &&
		due <= after + fr_left - 3000, "due %ld", (long)due);
	json_object_put(sla);

	prio_pols_delete(&admin, &pp);
	cast_free(&admin, &staff, &rq);
}

Test(sla, an_achieved_target_stays_achieved_after_a_priority_change)
{
	struct desk_user admin, staff, rq;
	struct prio_pols pp;
	struct json_object *sla, *t;
	char plan[40], achieved[40], due[40];
	long tid;
	time_t started;

	cast_new(&admin, &staff, &rq, plan);
	prio_pols_new(&admin, plan, &pp);
	tid = ticket_new(&rq, "normal");
	cr_assert_eq(client_status("POST", desk_ticket_path(tid, "/messages"),
		staff.auth, "{\"body\":\"looking\"}"), 201);
	sla = sla_of(&staff, tid);
	t = target(sla, "first_reply", 1);
	cr_assert_not_null(tstr(t, "achieved_at"));
	snprintf(achieved, sizeof(achieved), "%s", tstr(t, "achieved_at"));
	snprintf(due, sizeof(due), "%s", tstr(t, "due_at"));
	started = rfc3339(tstr(t, "started_at"));
	json_object_put(sla);

	patch_priority(&staff, tid, "urgent");
	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), pp.urgent);
	t = target(sla, "first_reply", 1);
	cr_assert_str_eq(tstr(t, "achieved_at"), achieved);
	cr_assert_str_eq(tstr(t, "due_at"), due);
	cr_assert_eq(tint(t, "target_minutes"), 60, "measured as it was");
	cr_assert_null(tstr(t, "breached_at"));
	cr_assert_null(target(sla, "first_reply", 2));
	/* The resolution still runs: it moves. */
	t = target(sla, "resolution", 1);
	cr_assert_eq(tint(t, "target_minutes"), 120);
	cr_assert_eq(rfc3339(tstr(t, "due_at")), started + 7200);
	json_object_put(sla);

	prio_pols_delete(&admin, &pp);
	cast_free(&admin, &staff, &rq);
}

/* The seeded 'High' policy matches every high ticket: while the next
 * test runs it matches only a plan nobody holds, so a high ticket of
 * this run matches no policy; put back whatever happens. */
static void seeded_high_restore(void)
{
	free(client_sqlf("UPDATE support_sla_policies SET match_plan = NULL"
		" WHERE position = 200 AND match_plan = 'sla-test-nobody'"));
	plan_drop();
}

Test(sla, a_priority_no_policy_matches_stops_the_running_targets,
	.fini = seeded_high_restore)
{
	struct desk_user admin, staff, rq;
	struct prio_pols pp;
	struct json_object *sla, *t;
	char plan[40], achieved[40];
	long tid, tid2;
	time_t frd, nba;

	cast_new(&admin, &staff, &rq, plan);
	prio_pols_new(&admin, plan, &pp);
	free(client_sqlf("UPDATE support_sla_policies SET match_plan ="
		" 'sla-test-nobody' WHERE position = 200 AND match_plan IS NULL"
		" AND match_priority = 'high'"));
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM support_sla_policies"
		" WHERE (match_priority IS NULL OR match_priority = 'high')"
		" AND (match_category IS NULL OR match_category = 'technical')"
		" AND (match_plan IS NULL OR match_plan = '%s')", plan), 0,
		"a policy still matches");

	/* Running targets stop; the ticket has no policy, no due times. */
	tid = ticket_new(&rq, "normal");
	patch_priority(&staff, tid, "high");
	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), 0);
	t = target(sla, "first_reply", 1);
	cr_assert_not_null(tstr(t, "stopped_at"));
	cr_assert_null(tstr(t, "due_at"));
	cr_assert_null(tstr(t, "achieved_at"));
	cr_assert_null(tstr(t, "breached_at"));
	cr_assert_not_null(tstr(target(sla, "resolution", 1), "stopped_at"));
	json_object_put(sla);
	ticket_dues(&staff, tid, &frd, &nba);
	cr_assert_eq(frd, 0);
	cr_assert_eq(nba, 0);

	/* An achieved target stays achieved, not stopped. */
	tid2 = ticket_new(&rq, "normal");
	cr_assert_eq(client_status("POST", desk_ticket_path(tid2, "/messages"),
		staff.auth, "{\"body\":\"hello\"}"), 201);
	sla = sla_of(&staff, tid2);
	snprintf(achieved, sizeof(achieved), "%s",
		tstr(target(sla, "first_reply", 1), "achieved_at"));
	json_object_put(sla);
	patch_priority(&staff, tid2, "high");
	sla = sla_of(&staff, tid2);
	t = target(sla, "first_reply", 1);
	cr_assert_str_eq(tstr(t, "achieved_at"), achieved);
	cr_assert_null(tstr(t, "stopped_at"));
	cr_assert_not_null(tstr(target(sla, "resolution", 1), "stopped_at"));
	json_object_put(sla);

	/* Back to a priority with a policy: the resolution is measured
	 * again, from now, in full. */
	patch_priority(&staff, tid, "urgent");
	sla = sla_of(&staff, tid);
	cr_assert_eq(policy_id_of(sla), pp.urgent);
	t = target(sla, "resolution", 2);
	cr_assert_not_null(t, "a new resolution cycle");
	cr_assert_eq(tint(t, "target_minutes"), 120);
	cr_assert_eq(rfc3339(tstr(t, "due_at")),
		rfc3339(tstr(t, "started_at")) + 7200);
	/* The first reply was measured once already (stopped): not again. */
	cr_assert_null(target(sla, "first_reply", 2));
	json_object_put(sla);

	prio_pols_delete(&admin, &pp);
	cast_free(&admin, &staff, &rq);
}
