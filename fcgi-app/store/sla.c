/* Service levels: see sla.h. A target is running (due_at set), paused
 * (paused_at and remaining_s: the business seconds it had left), or
 * over (achieved_at or stopped_at). Due times are computed here, on the
 * policy's calendar (core/bizhours), never in SQL; every time is bound
 * from the caller's clock. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "bizhours.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "store/audit.h"
#include "store/sla.h"
#include "store/tx.h"

#define TS(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
/* Unix seconds to a DATETIME and back by arithmetic on the epoch (as
 * store/licenses.c: FROM_UNIXTIME stops at 2038). Session zone is UTC. */
#define FROM_UNIX(x) "(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL " x " SECOND)"
#define TO_UNIX(col) "TIMESTAMPDIFF(SECOND, TIMESTAMP'1970-01-01 00:00:00', " col ")"

/* A target neither achieved nor stopped: running or paused. */
#define OPEN_TARGET " achieved_at IS NULL AND stopped_at IS NULL"

/* --- the policy of a ticket and its calendar */

struct pol {
	int64_t id;           /* 0: none */
	int64_t calendar_id;  /* 0: around the clock */
	int64_t minutes[3];   /* by metric; STORE_SLA_NO_TARGET */
};

enum metric { M_FIRST = 0, M_NEXT, M_RES };
static const char *const metric_name[3] = { "first_reply", "next_reply",
	"resolution" };

#define POL_COLUMNS " p.id, p.calendar_id, p.first_reply_minutes," \
	" p.next_reply_minutes, p.resolution_minutes"

static void pol_from(const struct db_result *res, struct pol *p)
{
	p->id = db_int(res, 0, 0, 0);
	p->calendar_id = db_int(res, 0, 1, 0);
	for (int i = 0; i < 3; i++)
		p->minutes[i] = db_int(res, 0, 2 + i, STORE_SLA_NO_TARGET);
}

/* The ticket's policy as recorded (a deleted policy reads as none). */
static int ticket_policy(struct arena *a, int64_t ticket_id, struct pol *p,
	const char **status)
{
	static const char sql[] = "SELECT" POL_COLUMNS ", t.status"
		" FROM support_tickets t"
		" LEFT JOIN support_sla_policies p ON p.id = t.sla_policy_id"
		" WHERE t.id = ?";
	struct db_result res;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = store_one(a, sql, DBP(DB_INT(ticket_id)), &res);
	if (rc != 0)
		return rc;
	pol_from(&res, p);
	*status = db_str(&res, 0, 5);
	return 0;
}

/* The calendar to count on: NULL (around the clock) for none, and for a
 * calendar whose zone this system no longer has, logged: a target too
 * early is better than a ticket that cannot move. */
static int load_cal(struct arena *a, int64_t cal_id, struct bizhours_cal *c,
	const struct bizhours_cal **use)
{
	struct store_sla_calendar sc;
	int32_t *hol;
	int rc;

	*use = NULL;
	if (cal_id == 0)
		return 0;
	rc = store_sla_calendar_get(a, cal_id, 0, &sc);
	if (rc == DF_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	hol = arena_calloc(a, sc.nholidays + 1, sizeof(*hol));
	if (hol == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < sc.nholidays; i++)
		if (bizhours_parse_date(sc.holidays[i].date, &hol[i]) != 0)
			hol[i] = 0;
	if (bizhours_build(c, sc.time_zone, sc.hours, sc.nhours, hol,
	    sc.nholidays, NULL) != 0) {
		log_msg(LOG_WARN, "SLA calendar %lld (%s) cannot be used; "
			"counting around the clock", (long long)cal_id,
			sc.time_zone);
		return 0;
	}
	*use = c;
	return 0;
}

/* A due time, falling back to around the clock when the calendar cannot
 * give one (a calendar open too rarely to reach it). */
static time_t due_after(const struct bizhours_cal *c, time_t start,
	int64_t seconds)
{
	time_t due;

	if (bizhours_add(c, start, seconds, &due) != 0)
		due = start + (time_t)seconds;
	return due;
}

/* --- targets */

/* Starts the next cycle of metric m: running, or paused when the ticket
 * waits on the customer. */
static int start_target(const struct pol *p, const struct bizhours_cal *c,
	int64_t ticket_id, enum metric m, int waiting, time_t now)
{
	static const char run[] =
		"INSERT INTO support_sla_targets (ticket_id, metric, seq,"
		" target_minutes, started_at, due_at)"
		" SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, " FROM_UNIX("?") ","
		" " FROM_UNIX("?")
		" FROM support_sla_targets WHERE ticket_id = ? AND metric = ?";
	static const char paused[] =
		"INSERT INTO support_sla_targets (ticket_id, metric, seq,"
		" target_minutes, started_at, paused_at, remaining_s)"
		" SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, " FROM_UNIX("?") ","
		" " FROM_UNIX("?") ", ?"
		" FROM support_sla_targets WHERE ticket_id = ? AND metric = ?";
	int64_t min = p->minutes[m], secs;

	if (p->id == 0 || min == STORE_SLA_NO_TARGET)
		return 0;
	secs = min * 60;
	if (waiting)
		return db_exec(paused, DBP(DB_INT(ticket_id),
			DB_STR(metric_name[m]), DB_INT(min), DB_INT(now),
			DB_INT(now), DB_INT(secs), DB_INT(ticket_id),
			DB_STR(metric_name[m])), NULL, NULL);
	return db_exec(run, DBP(DB_INT(ticket_id), DB_STR(metric_name[m]),
		DB_INT(min), DB_INT(now), DB_INT(due_after(c, now, secs)),
		DB_INT(ticket_id), DB_STR(metric_name[m])), NULL, NULL);
}

/* The ticket's mirror of its targets: first_response_due_at follows the
 * first-reply target while it has a due time (kept while paused), and
 * next_breach_at is the earliest due time still running, breached ones
 * included (the most urgent in the queue). */
static int refresh(int64_t ticket_id)
{
	static const char sql[] = "UPDATE support_tickets t SET"
		" first_response_due_at = COALESCE((SELECT s.due_at"
		"  FROM support_sla_targets s WHERE s.ticket_id = t.id"
		"  AND s.metric = 'first_reply' AND s.seq = 1"
		"  AND s.due_at IS NOT NULL), t.first_response_due_at),"
		" next_breach_at = (SELECT MIN(s.due_at)"
		"  FROM support_sla_targets s WHERE s.ticket_id = t.id"
		"  AND s.achieved_at IS NULL AND s.stopped_at IS NULL"
		"  AND s.due_at IS NOT NULL)"
		" WHERE t.id = ?";

	return db_exec(sql, DBP(DB_INT(ticket_id)), NULL, NULL);
}

/* The first policy, in order, matching the ticket as it is now (p->id 0
 * when none does). */
static int match_policy(struct arena *a, int64_t ticket_id, time_t now,
	struct pol *p)
{
	/* The requester's plan: their active, unexpired licence's (the
	 * highest plan when several), 'none' without one. */
	static const char match[] = "SELECT" POL_COLUMNS
		" FROM support_tickets t JOIN support_sla_policies p"
		" WHERE t.id = ?"
		" AND (p.match_priority IS NULL OR p.match_priority = t.priority)"
		" AND (p.match_category IS NULL OR p.match_category = t.category)"
		" AND (p.match_plan IS NULL OR p.match_plan = COALESCE("
		"  (SELECT pl.code FROM licenses l"
		"   JOIN plans pl ON pl.id = l.plan_id"
		"   WHERE l.user_id = t.requester_id AND l.status = 'active'"
		"   AND (l.expires_at IS NULL OR l.expires_at > " FROM_UNIX("?") ")"
		"   ORDER BY pl.sort_order DESC, l.id LIMIT 1), 'none'))"
		" ORDER BY p.position LIMIT 1";
	struct db_result res;
	int rc;

	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 3; i++)
		p->minutes[i] = STORE_SLA_NO_TARGET;
	rc = db_query(a, match, DBP(DB_INT(ticket_id), DB_INT(now)), &res);
	if (rc == 0 && res.nrows > 0)
		pol_from(&res, p);
	return rc;
}

int store_sla_ticket_created(struct arena *a, int64_t ticket_id, time_t now)
{
	static const char set[] =
		"UPDATE support_tickets SET sla_policy_id = ? WHERE id = ?";
	struct bizhours_cal cal;
	const struct bizhours_cal *c;
	struct pol p;
	int rc;

	rc = match_policy(a, ticket_id, now, &p);
	if (rc != 0 || p.id == 0)
		return rc;
	rc = db_exec(set, DBP(DB_INT(p.id), DB_INT(ticket_id)), NULL, NULL);
	if (rc == 0)
		rc = load_cal(a, p.calendar_id, &cal, &c);
	if (rc == 0)
		rc = start_target(&p, c, ticket_id, M_FIRST, 0, now);
	if (rc == 0)
		rc = start_target(&p, c, ticket_id, M_RES, 0, now);
	if (rc == 0)
		rc = refresh(ticket_id);
	return rc;
}

int store_sla_staff_replied(struct arena *a, int64_t ticket_id, time_t now)
{
	/* A reply answers whatever reply target is open, paused or not. */
	static const char sql[] = "UPDATE support_sla_targets"
		" SET achieved_at = " FROM_UNIX("?")
		" WHERE ticket_id = ? AND metric IN ('first_reply', 'next_reply')"
		" AND" OPEN_TARGET;
	int rc;

	(void)a;
	rc = db_exec(sql, DBP(DB_INT(now), DB_INT(ticket_id)),
		NULL, NULL);
	if (rc == 0)
		rc = refresh(ticket_id);
	return rc;
}

int store_sla_requester_replied(struct arena *a, int64_t ticket_id,
	time_t now)
{
	/* After the first reply (the ticket's column, or an achieved
	 * first-reply target), with no reply target open. */
	static const char need[] = "SELECT"
		" (t.first_replied_at IS NOT NULL OR EXISTS (SELECT 1"
		"   FROM support_sla_targets s WHERE s.ticket_id = t.id"
		"   AND s.metric = 'first_reply' AND s.achieved_at IS NOT NULL))"
		" AND NOT EXISTS (SELECT 1 FROM support_sla_targets s"
		"   WHERE s.ticket_id = t.id"
		"   AND s.metric IN ('first_reply', 'next_reply')"
		"   AND s.achieved_at IS NULL AND s.stopped_at IS NULL)"
		" FROM support_tickets t WHERE t.id = ?";
	struct db_result res;
	struct bizhours_cal cal;
	const struct bizhours_cal *c;
	const char *status;
	struct pol p;
	int rc;

	rc = ticket_policy(a, ticket_id, &p, &status);
	if (rc != 0 || p.id == 0 || p.minutes[M_NEXT] == STORE_SLA_NO_TARGET ||
	    strcmp(status, "closed") == 0 || strcmp(status, "resolved") == 0)
		return rc;
	rc = store_one(a, need, DBP(DB_INT(ticket_id)), &res);
	if (rc != 0 || db_int(&res, 0, 0, 0) != 1)
		return rc;
	rc = load_cal(a, p.calendar_id, &cal, &c);
	if (rc == 0)
		rc = start_target(&p, c, ticket_id, M_NEXT,
			strcmp(status, "waiting_on_customer") == 0, now);
	if (rc == 0)
		rc = refresh(ticket_id);
	return rc;
}

/* Pauses the running targets: each keeps the business seconds left
 * until its due time (0 when already past). */
static int pause_all(struct arena *a, const struct bizhours_cal *c,
	int64_t ticket_id, time_t now)
{
	static const char sel[] = "SELECT metric, seq, " TO_UNIX("due_at")
		" FROM support_sla_targets WHERE ticket_id = ?"
		" AND due_at IS NOT NULL AND" OPEN_TARGET;
	static const char upd[] = "UPDATE support_sla_targets"
		" SET paused_at = " FROM_UNIX("?") ", remaining_s = ?,"
		" due_at = NULL"
		" WHERE ticket_id = ? AND metric = ? AND seq = ?";
	struct db_result res;
	int rc;

	rc = db_query(a, sel, DBP(DB_INT(ticket_id)), &res);
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		int64_t left = 0;

		if (bizhours_between(c, now, (time_t)db_int(&res, i, 2, 0),
		    &left) != 0)
			left = db_int(&res, i, 2, 0) - (int64_t)now;
		if (left < 0)
			left = 0;
		rc = db_exec(upd, DBP(DB_INT(now), DB_INT(left),
			DB_INT(ticket_id), DB_STR(db_str(&res, i, 0)),
			DB_INT(db_int(&res, i, 1, 0))), NULL, NULL);
	}
	return rc;
}

/* Resumes the paused targets with the business time they had left. */
static int resume_all(struct arena *a, const struct bizhours_cal *c,
	int64_t ticket_id, time_t now)
{
	static const char sel[] = "SELECT metric, seq, remaining_s"
		" FROM support_sla_targets WHERE ticket_id = ?"
		" AND paused_at IS NOT NULL AND" OPEN_TARGET;
	static const char upd[] = "UPDATE support_sla_targets"
		" SET due_at = " FROM_UNIX("?") ", paused_at = NULL,"
		" remaining_s = NULL"
		" WHERE ticket_id = ? AND metric = ? AND seq = ?";
	struct db_result res;
	int rc;

	rc = db_query(a, sel, DBP(DB_INT(ticket_id)), &res);
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		time_t due = due_after(c, now, db_int(&res, i, 2, 0));

		rc = db_exec(upd, DBP(DB_INT(due), DB_INT(ticket_id),
			DB_STR(db_str(&res, i, 0)),
			DB_INT(db_int(&res, i, 1, 0))), NULL, NULL);
	}
	return rc;
}

int store_sla_status_changed(struct arena *a, int64_t ticket_id,
	const char *from, const char *to, time_t now)
{
	static const char achieve_res[] = "UPDATE support_sla_targets"
		" SET achieved_at = " FROM_UNIX("?")
		" WHERE ticket_id = ? AND metric = 'resolution' AND" OPEN_TARGET;
	/* Stopped targets keep no due time: nothing runs for them. */
	static const char stop_replies[] = "UPDATE support_sla_targets"
		" SET stopped_at = " FROM_UNIX("?")
		" WHERE ticket_id = ? AND metric IN ('first_reply', 'next_reply')"
		" AND" OPEN_TARGET;
	static const char stop_all[] = "UPDATE support_sla_targets"
		" SET stopped_at = " FROM_UNIX("?")
		" WHERE ticket_id = ? AND" OPEN_TARGET;
	struct bizhours_cal cal;
	const struct bizhours_cal *c;
	const char *status;
	struct pol p;
	int rc;

	if (from == NULL || to == NULL || strcmp(from, to) == 0)
		return 0;
	rc = ticket_policy(a, ticket_id, &p, &status);
	if (rc == 0)
		rc = load_cal(a, p.calendar_id, &cal, &c);
	if (rc == 0 && strcmp(from, "waiting_on_customer") == 0)
		rc = resume_all(a, c, ticket_id, now);
	if (rc != 0)
		return rc;
	if (strcmp(to, "waiting_on_customer") == 0) {
		rc = pause_all(a, c, ticket_id, now);
	} else if (strcmp(to, "resolved") == 0) {
		rc = db_exec(achieve_res, DBP(DB_INT(now), DB_INT(ticket_id)),
			NULL, NULL);
		if (rc == 0)
			rc = db_exec(stop_replies, DBP(DB_INT(now),
				DB_INT(ticket_id)), NULL, NULL);
	} else if (strcmp(to, "closed") == 0) {
		rc = db_exec(stop_all, DBP(DB_INT(now), DB_INT(ticket_id)),
			NULL, NULL);
	} else if (strcmp(from, "resolved") == 0) {
		/* A reopen: a new resolution cycle, in full. */
		rc = start_target(&p, c, ticket_id, M_RES, 0, now);
	}
	if (rc == 0)
		rc = refresh(ticket_id);
	return rc;
}

/* --- a ticket that now matches another policy */

/* Business seconds from t0 to t1 on c, negative when t1 is earlier;
 * real seconds when the calendar cannot say. */
static int64_t biz_span(const struct bizhours_cal *c, time_t t0, time_t t1)
{
	int64_t s = 0;

	if (t1 < t0)
		return -biz_span(c, t1, t0);
	if (bizhours_between(c, t0, t1, &s) != 0)
		s = (int64_t)(t1 - t0);
	return s;
}

static int metric_of(const char *name)
{
	for (int m = 0; m < 3; m++)
		if (name != NULL && strcmp(name, metric_name[m]) == 0)
			return m;
	return -1;
}

/* One open, unbreached target moved from the old policy's target and
 * calendar to the new ones. The business time it has consumed is what
 * it consumed on the calendar it ran on (its old target minus what it
 * had left), so earlier pauses stay out of it; the new target minus
 * that is what it has left now, on the new calendar. */
static int retarget(const struct bizhours_cal *oc,
	const struct bizhours_cal *nc, int64_t ticket_id,
	const struct db_result *res, size_t i, int64_t new_min, time_t now,
	time_t *due_out)
{
	static const char run[] = "UPDATE support_sla_targets"
		" SET target_minutes = ?, due_at = " FROM_UNIX("?")
		" WHERE ticket_id = ? AND metric = ? AND seq = ?";
	static const char paused[] = "UPDATE support_sla_targets"
		" SET target_minutes = ?, remaining_s = ?"
		" WHERE ticket_id = ? AND metric = ? AND seq = ?";
	const char *metric = db_str(res, i, 0);
	int64_t seq = db_int(res, i, 1, 1);
	int64_t consumed, left, old_s = db_int(res, i, 2, 0) * 60;
	time_t started = (time_t)db_int(res, i, 3, 0), due;

	if (db_int(res, i, 7, 0) != 0) {
		/* Paused: what it had left when it stopped. */
		consumed = old_s - db_int(res, i, 5, 0);
		left = new_min * 60 - consumed;
		if (left < 0)
			left = 0;
		*due_out = due_after(nc, now, left);
		return db_exec(paused, DBP(DB_INT(new_min), DB_INT(left),
			DB_INT(ticket_id), DB_STR(metric), DB_INT(seq)),
			NULL, NULL);
	}
	due = (time_t)db_int(res, i, 4, 0);
	consumed = old_s - biz_span(oc, now, due);
	left = new_min * 60 - consumed;
	if (left > 0) {
		due = due_after(nc, now, left);
	} else {
		/* Already over the new target: due where it was reached
		 * on the calendar it ran on (never later than now), so the
		 * breach job marks it with that time. */
		due = due_after(oc, started, new_min * 60);
		if (due > now)
			due = now;
	}
	*due_out = due;
	return db_exec(run, DBP(DB_INT(new_min), DB_INT(due),
		DB_INT(ticket_id), DB_STR(metric), DB_INT(seq)), NULL, NULL);
}

int store_sla_ticket_changed(struct arena *a, int64_t ticket_id, time_t now)
{
	static const char set[] =
		"UPDATE support_tickets SET sla_policy_id = ? WHERE id = ?";
	/* Every open target, breached or not, with what retarget needs. */
	static const char open_sql[] = "SELECT metric, seq, target_minutes, "
		TO_UNIX("started_at") ", " TO_UNIX("due_at") ", remaining_s,"
		" breached_at IS NOT NULL, paused_at IS NOT NULL"
		" FROM support_sla_targets WHERE ticket_id = ? AND" OPEN_TARGET;
	static const char stop[] = "UPDATE support_sla_targets"
		" SET stopped_at = " FROM_UNIX("?") ", due_at = NULL"
		" WHERE ticket_id = ? AND metric = ? AND seq = ?";
	/* A first reply never asked for before: none answered yet. */
	static const char first_needed[] = "SELECT first_replied_at IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM support_sla_targets s"
		"  WHERE s.ticket_id = t.id AND s.metric = 'first_reply')"
		" FROM support_tickets t WHERE t.id = ?";
	static const char frd[] = "UPDATE support_tickets"
		" SET first_response_due_at = " FROM_UNIX("?") " WHERE id = ?";
	static const char frd_null[] = "UPDATE support_tickets"
		" SET first_response_due_at = NULL WHERE id = ?";
	struct bizhours_cal ocal, ncal;
	const struct bizhours_cal *oc, *nc;
	struct db_result res, need;
	struct pol old, nw;
	const char *status;
	int open_m[3] = { 0, 0, 0 }, waiting, over, rc;
	int frd_set = 0;            /* 1: frd_at below; -1: NULL */
	time_t frd_at = 0;

	rc = ticket_policy(a, ticket_id, &old, &status);
	if (rc == 0)
		rc = match_policy(a, ticket_id, now, &nw);
	if (rc != 0 || nw.id == old.id)
		return rc;
	rc = db_exec(set, DBP(nw.id > 0 ? DB_INT(nw.id) : DB_NULL(),
		DB_INT(ticket_id)), NULL, NULL);
	if (rc == 0)
		rc = load_cal(a, old.calendar_id, &ocal, &oc);
	if (rc == 0)
		rc = load_cal(a, nw.calendar_id, &ncal, &nc);
	if (rc == 0)
		rc = db_query(a, open_sql, DBP(DB_INT(ticket_id)), &res);
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		int m = metric_of(db_str(&res, i, 0));
		int first = m == M_FIRST && db_int(&res, i, 1, 0) == 1;
		time_t due = 0;

		if (m < 0)
			continue;
		open_m[m] = 1;
		if (nw.minutes[m] == STORE_SLA_NO_TARGET) {
			/* Not measured any more (or no policy at all):
			 * stopped, a breach staying recorded. */
			rc = db_exec(stop, DBP(DB_INT(now), DB_INT(ticket_id),
				DB_STR(metric_name[m]),
				DB_INT(db_int(&res, i, 1, 0))), NULL, NULL);
			if (first)
				frd_set = -1;
			continue;
		}
		/* A breach happened and stays as it was. */
		if (db_int(&res, i, 6, 0) != 0)
			continue;
		if (nw.minutes[m] == db_int(&res, i, 2, 0) &&
		    nw.calendar_id == old.calendar_id)
			continue;
		rc = retarget(oc, nc, ticket_id, &res, i, nw.minutes[m], now,
			&due);
		if (first && db_int(&res, i, 7, 0) != 0) {
			/* Paused: the first reply falls due this long after
			 * the customer answers, as if now. */
			frd_set = 1;
			frd_at = due;
		}
	}
	/* What the new policy measures and nothing measured yet: from now
	 * (time before a policy applied is not counted). */
	over = strcmp(status, "resolved") == 0 || strcmp(status, "closed") == 0;
	waiting = strcmp(status, "waiting_on_customer") == 0;
	if (rc == 0 && nw.id != 0 && !over && !open_m[M_FIRST] &&
	    nw.minutes[M_FIRST] != STORE_SLA_NO_TARGET) {
		rc = store_one(a, first_needed, DBP(DB_INT(ticket_id)), &need);
		if (rc == 0 && db_int(&need, 0, 0, 0) == 1)
			rc = start_target(&nw, nc, ticket_id, M_FIRST, waiting,
				now);
	}
	if (rc == 0 && nw.id != 0 && !over && !open_m[M_RES])
		rc = start_target(&nw, nc, ticket_id, M_RES, waiting, now);
	if (rc == 0)
		rc = refresh(ticket_id);
	if (rc == 0 && frd_set == 1)
		rc = db_exec(frd, DBP(DB_INT(frd_at), DB_INT(ticket_id)),
			NULL, NULL);
	else if (rc == 0 && frd_set == -1)
		rc = db_exec(frd_null, DBP(DB_INT(ticket_id)), NULL, NULL);
	return rc;
}

/* --- breaches (the job) */

static int breach_audit(int64_t ticket_id, const char *metric, int64_t seq,
	const char *due)
{
	struct json_object *d = json_object_new_object();
	char subject[32];
	int rc;

	if (d == NULL)
		return DF_ENOMEM;
	json_object_object_add(d, "ticket_id", json_object_new_int64(ticket_id));
	json_object_object_add(d, "metric", json_object_new_string(metric));
	json_object_object_add(d, "seq", json_object_new_int64(seq));
	json_object_object_add(d, "due_at", json_object_new_string(due));
	snprintf(subject, sizeof(subject), "%lld", (long long)ticket_id);
	rc = store_audit_add("support.sla_breached", NULL, subject, NULL, NULL,
		json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
	json_object_put(d);
	return rc;
}

int store_sla_breach_batch(struct arena *a, time_t now, size_t max,
	size_t *n)
{
	/* Candidates read without locks, then each locked alone by its key
	 * with SKIP LOCKED and checked again (as the licence cull does): a
	 * ticket being answered, or another runner, wins the row, and a
	 * target is marked once. */
	static const char due[] = "SELECT ticket_id, metric, seq"
		" FROM support_sla_targets"
		" WHERE breached_at IS NULL AND achieved_at IS NULL"
		" AND due_at <= " FROM_UNIX("?") " AND stopped_at IS NULL"
		" ORDER BY due_at LIMIT ?";
	static const char lock[] = "SELECT " TS("due_at")
		" FROM support_sla_targets"
		" WHERE ticket_id = ? AND metric = ? AND seq = ?"
		" AND breached_at IS NULL AND" OPEN_TARGET
		" AND due_at <= " FROM_UNIX("?")
		" FOR UPDATE SKIP LOCKED";
	static const char mark[] = "UPDATE support_sla_targets"
		" SET breached_at = due_at"
		" WHERE ticket_id = ? AND metric = ? AND seq = ?";
	struct db_result res;
	size_t marked = 0;
	int rc;

	*n = 0;
	if (max == 0)
		return 0;
	rc = db_query(a, due, DBP(DB_INT(now), DB_INT(max)), &res);
	if (rc != 0 || res.nrows == 0)
		return rc;
	rc = db_begin();
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		int64_t tid = db_int(&res, i, 0, 0), seq = db_int(&res, i, 2, 0);
		const char *metric = db_str(&res, i, 1);
		struct db_result l;

		rc = db_query(a, lock, DBP(DB_INT(tid), DB_STR(metric),
			DB_INT(seq), DB_INT(now)), &l);
		if (rc != 0 || l.nrows == 0)
			continue;
		rc = db_exec(mark, DBP(DB_INT(tid), DB_STR(metric),
			DB_INT(seq)), NULL, NULL);
		if (rc == 0)
			rc = breach_audit(tid, metric, seq, db_str(&l, 0, 0));
		if (rc == 0)
			marked++;
	}
	rc = store_tx_end(rc);
	if (rc == 0)
		*n = marked;
	return rc;
}

/* --- calendars */

#define CAL_COLUMNS " id, name, time_zone, " TS("created_at") ", " \
	TS("updated_at")

static void cal_row(const struct db_result *res, size_t row, void *out)
{
	struct store_sla_calendar *c = out;

	c->id = db_int(res, row, 0, 0);
	c->name = db_str(res, row, 1);
	c->time_zone = db_str(res, row, 2);
	c->created_at = db_str(res, row, 3);
	c->updated_at = db_str(res, row, 4);
}

static int cal_details(struct arena *a, struct store_sla_calendar *c)
{
	static const char hours[] = "SELECT weekday, opens_min, closes_min"
		" FROM support_calendar_hours WHERE calendar_id = ?"
		" ORDER BY weekday, opens_min";
	static const char hols[] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), name"
		" FROM support_calendar_holidays WHERE calendar_id = ?"
		" ORDER BY day";
	struct db_result res;
	int rc;

	rc = db_query(a, hours, DBP(DB_INT(c->id)), &res);
	if (rc != 0)
		return rc;
	c->nhours = res.nrows;
	c->hours = arena_calloc(a, res.nrows + 1, sizeof(*c->hours));
	if (c->hours == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < res.nrows; i++) {
		c->hours[i].weekday = (int)db_int(&res, i, 0, 0);
		c->hours[i].opens = (int)db_int(&res, i, 1, 0);
		c->hours[i].closes = (int)db_int(&res, i, 2, 0);
	}
	rc = db_query(a, hols, DBP(DB_INT(c->id)), &res);
	if (rc != 0)
		return rc;
	c->nholidays = res.nrows;
	c->holidays = arena_calloc(a, res.nrows + 1, sizeof(*c->holidays));
	if (c->holidays == NULL)
		return DF_ENOMEM;
	for (size_t i = 0; i < res.nrows; i++) {
		c->holidays[i].date = db_str(&res, i, 0);
		c->holidays[i].name = db_str(&res, i, 1);
	}
	return 0;
}

int store_sla_calendars(struct arena *a, struct store_sla_calendar **out,
	size_t *n)
{
	static const char sql[] = "SELECT" CAL_COLUMNS
		" FROM support_calendars ORDER BY id";
	void *rows;
	int rc;

	rc = store_rows(a, sql, NULL, 0, sizeof(**out), cal_row, &rows, n);
	*out = rows;
	for (size_t i = 0; rc == 0 && i < *n; i++)
		rc = cal_details(a, &(*out)[i]);
	return rc;
}

int store_sla_calendar_get(struct arena *a, int64_t id, int lock,
	struct store_sla_calendar *out)
{
	static const char sql[] = "SELECT" CAL_COLUMNS
		" FROM support_calendars WHERE id = ?";
	static const char sql_lock[] = "SELECT" CAL_COLUMNS
		" FROM support_calendars WHERE id = ? FOR UPDATE";
	struct db_result res;
	int rc;

	rc = store_one(a, lock ? sql_lock : sql, DBP(DB_INT(id)), &res);
	if (rc != 0)
		return rc;
	cal_row(&res, 0, out);
	return cal_details(a, out);
}

int store_sla_calendar_save(const struct store_sla_calendar *in, time_t now,
	int64_t *id)
{
	static const char ins[] = "INSERT INTO support_calendars (name,"
		" time_zone, created_at, updated_at)"
		" VALUES (?, ?, " FROM_UNIX("?") ", " FROM_UNIX("?") ")";
	static const char upd[] = "UPDATE support_calendars SET name = ?,"
		" time_zone = ?, updated_at = " FROM_UNIX("?") " WHERE id = ?";
	static const char del_hours[] =
		"DELETE FROM support_calendar_hours WHERE calendar_id = ?";
	static const char del_hols[] =
		"DELETE FROM support_calendar_holidays WHERE calendar_id = ?";
	static const char add_hour[] = "INSERT INTO support_calendar_hours"
		" (calendar_id, weekday, opens_min, closes_min) VALUES (?, ?, ?, ?)";
	static const char add_hol[] = "INSERT INTO support_calendar_holidays"
		" (calendar_id, day, name) VALUES (?, ?, ?)";
	uint64_t affected = 0, ins_id = 0;
	int rc;

	if (in->id == 0) {
		rc = db_exec(ins, DBP(DB_STR(in->name), DB_STR(in->time_zone),
			DB_INT(now), DB_INT(now)), NULL, &ins_id);
		*id = (int64_t)ins_id;
	} else {
		rc = db_exec(upd, DBP(DB_STR(in->name), DB_STR(in->time_zone),
			DB_INT(now), DB_INT(in->id)), &affected, NULL);
		*id = in->id;
		/* The caller locked the row: not found means it is gone. */
		if (rc == 0 && affected == 0)
			rc = DF_ENOTFOUND;
	}
	if (rc == 0)
		rc = db_exec(del_hours, DBP(DB_INT(*id)), NULL, NULL);
	if (rc == 0)
		rc = db_exec(del_hols, DBP(DB_INT(*id)), NULL, NULL);
	for (size_t i = 0; rc == 0 && i < in->nhours; i++)
		rc = db_exec(add_hour, DBP(DB_INT(*id),
			DB_INT(in->hours[i].weekday), DB_INT(in->hours[i].opens),
			DB_INT(in->hours[i].closes)), NULL, NULL);
	for (size_t i = 0; rc == 0 && i < in->nholidays; i++)
		rc = db_exec(add_hol, DBP(DB_INT(*id),
			DB_STR(in->holidays[i].date),
			DB_STR(in->holidays[i].name)), NULL, NULL);
	return rc;
}

int store_sla_calendar_delete(int64_t id)
{
	static const char used[] =
		"SELECT 1 FROM support_sla_policies WHERE calendar_id = ? LIMIT 1";
	static const char del[] = "DELETE FROM support_calendars WHERE id = ?";
	struct db_result res;
	struct arena *a = arena_new(256);
	int rc;

	if (a == NULL)
		return DF_ENOMEM;
	rc = db_query(a, used, DBP(DB_INT(id)), &res);
	if (rc == 0 && res.nrows > 0)
		rc = DF_ECONFLICT;
	arena_free(a);
	if (rc != 0)
		return rc;
	return store_exec_one(del, DBP(DB_INT(id)), DF_ENOTFOUND);
}

/* --- policies */

#define POLICY_COLUMNS " id, name, position, calendar_id, match_priority," \
	" match_category, match_plan, first_reply_minutes," \
	" next_reply_minutes, resolution_minutes, " TS("created_at") ", " \
	TS("updated_at")

static void policy_row(const struct db_result *res, size_t row, void *out)
{
	struct store_sla_policy *p = out;

	p->id = db_int(res, row, 0, 0);
	p->name = db_str(res, row, 1);
	p->position = db_int(res, row, 2, 0);
	p->calendar_id = db_int(res, row, 3, 0);
	p->match_priority = db_str(res, row, 4);
	p->match_category = db_str(res, row, 5);
	p->match_plan = db_str(res, row, 6);
	p->first_reply_minutes = db_int(res, row, 7, STORE_SLA_NO_TARGET);
	p->next_reply_minutes = db_int(res, row, 8, STORE_SLA_NO_TARGET);
	p->resolution_minutes = db_int(res, row, 9, STORE_SLA_NO_TARGET);
	p->created_at = db_str(res, row, 10);
	p->updated_at = db_str(res, row, 11);
}

int store_sla_policies(struct arena *a, struct store_sla_policy **out,
	size_t *n)
{
	static const char sql[] = "SELECT" POLICY_COLUMNS
		" FROM support_sla_policies ORDER BY position";
	void *rows;
	int rc;

	rc = store_rows(a, sql, NULL, 0, sizeof(**out), policy_row, &rows, n);
	*out = rows;
	return rc;
}

int store_sla_policy_get(struct arena *a, int64_t id, int lock,
	struct store_sla_policy *out)
{
	static const char sql[] = "SELECT" POLICY_COLUMNS
		" FROM support_sla_policies WHERE id = ?";
	static const char sql_lock[] = "SELECT" POLICY_COLUMNS
		" FROM support_sla_policies WHERE id = ? FOR UPDATE";
	struct db_result res;
	int rc;

	rc = store_one(a, lock ? sql_lock : sql, DBP(DB_INT(id)), &res);
	if (rc == 0)
		policy_row(&res, 0, out);
	return rc;
}

static struct db_param minutes(int64_t m)
{
	return m == STORE_SLA_NO_TARGET ? DB_NULL() : DB_INT(m);
}

int store_sla_policy_save(const struct store_sla_policy *in, time_t now,
	int64_t *id)
{
	static const char ins[] = "INSERT INTO support_sla_policies (name,"
		" position, calendar_id, match_priority, match_category,"
		" match_plan, first_reply_minutes, next_reply_minutes,"
		" resolution_minutes, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " FROM_UNIX("?") ", "
		FROM_UNIX("?") ")";
	static const char upd[] = "UPDATE support_sla_policies SET name = ?,"
		" position = ?, calendar_id = ?, match_priority = ?,"
		" match_category = ?, match_plan = ?, first_reply_minutes = ?,"
		" next_reply_minutes = ?, resolution_minutes = ?,"
		" updated_at = " FROM_UNIX("?") " WHERE id = ?";
	struct db_param cal = in->calendar_id > 0 ? DB_INT(in->calendar_id) :
		DB_NULL();
	uint64_t ins_id = 0;

	if (in->id == 0) {
		int rc = db_exec(ins, DBP(DB_STR(in->name),
			DB_INT(in->position), cal, DB_STR(in->match_priority),
			DB_STR(in->match_category), DB_STR(in->match_plan),
			minutes(in->first_reply_minutes),
			minutes(in->next_reply_minutes),
			minutes(in->resolution_minutes), DB_INT(now),
			DB_INT(now)), NULL, &ins_id);

		*id = (int64_t)ins_id;
		return rc;
	}
	*id = in->id;
	/* updated_at always moves, so a save that changes nothing still
	 * finds its row. */
	return store_exec_one(upd, DBP(DB_STR(in->name), DB_INT(in->position),
		cal, DB_STR(in->match_priority), DB_STR(in->match_category),
		DB_STR(in->match_plan), minutes(in->first_reply_minutes),
		minutes(in->next_reply_minutes),
		minutes(in->resolution_minutes), DB_INT(now), DB_INT(in->id)),
		DF_ENOTFOUND);
}

int store_sla_policy_delete(int64_t id)
{
	static const char sql[] = "DELETE FROM support_sla_policies WHERE id = ?";

	return store_exec_one(sql, DBP(DB_INT(id)), DF_ENOTFOUND);
}

/* --- one ticket's targets */

static void target_row(const struct db_result *res, size_t row, void *out)
{
	struct store_sla_target *t = out;

	t->metric = db_str(res, row, 0);
	t->seq = db_int(res, row, 1, 1);
	t->target_minutes = db_int(res, row, 2, 0);
	t->started_at = db_str(res, row, 3);
	t->due_at = db_str(res, row, 4);
	t->paused_at = db_str(res, row, 5);
	t->remaining_s = db_int(res, row, 6, 0);
	t->achieved_at = db_str(res, row, 7);
	t->breached_at = db_str(res, row, 8);
	t->stopped_at = db_str(res, row, 9);
}

int store_sla_ticket(struct arena *a, int64_t ticket_id, int64_t *policy_id,
	const char **policy_name, struct store_sla_target **out, size_t *n)
{
	static const char pol[] = "SELECT p.id, p.name FROM support_tickets t"
		" LEFT JOIN support_sla_policies p ON p.id = t.sla_policy_id"
		" WHERE t.id = ?";
	static const char targets[] = "SELECT metric, seq, target_minutes, "
		TS("started_at") ", " TS("due_at") ", " TS("paused_at") ","
		" remaining_s, " TS("achieved_at") ", " TS("breached_at") ", "
		TS("stopped_at")
		" FROM support_sla_targets WHERE ticket_id = ?"
		" ORDER BY started_at, metric, seq";
	struct db_result res;
	void *rows;
	int rc;

	rc = store_one(a, pol, DBP(DB_INT(ticket_id)), &res);
	if (rc != 0)
		return rc;
	*policy_id = db_int(&res, 0, 0, 0);
	*policy_name = db_str(&res, 0, 1);
	rc = store_rows(a, targets, DBP(DB_INT(ticket_id)), sizeof(**out),
		target_row, &rows, n);
	*out = rows;
	return rc;
}
