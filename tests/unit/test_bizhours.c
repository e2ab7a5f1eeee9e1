/* Unit tests for core/bizhours.c and core/tz.c: the examples
 * (an urgent ticket filed Friday 17:55 Europe/Berlin with one business
 * hour is due Monday 09:55, Tuesday 09:55 when Monday is a holiday),
 * weekends with a DST change, a pause across a weekend, and the refusal
 * of impossible calendars and zones. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strptime, timegm */
#endif
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "bizhours.h"
#include "tz.h"

/* Instants as UTC text, so a failure shows the time it got. */
static time_t utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	cr_assert(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL, "%s", s);
	return timegm(&tm);
}

static const char *show(time_t t)
{
	static char buf[8][32];
	static int i;
	struct tm tm;

	i = (i + 1) % 8;
	gmtime_r(&t, &tm);
	strftime(buf[i], sizeof(buf[i]), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf[i];
}

#define assert_time(got, want) \
	cr_assert_str_eq(show(got), (want))

static const struct bizhours_span office[] = {
	{ 1, 540, 1080 }, { 2, 540, 1080 }, { 3, 540, 1080 },
	{ 4, 540, 1080 }, { 5, 540, 1080 },
};

static struct bizhours_cal berlin(const int32_t *hol, size_t nhol)
{
	struct bizhours_cal c;
	struct bizhours_fault f;

	cr_assert_eq(bizhours_build(&c, "Europe/Berlin", office, 5, hol, nhol,
		&f), 0);
	return c;
}

static time_t add(const struct bizhours_cal *c, const char *start,
	int64_t s)
{
	time_t due = 0;

	cr_assert_eq(bizhours_add(c, utc(start), s, &due), 0);
	return due;
}

Test(bizhours, friday_1755_berlin_one_hour_is_due_monday_0955)
{
	struct bizhours_cal c = berlin(NULL, 0);

	/* Friday 2026-12-04 17:55 CET = 16:55Z; Monday 09:55 CET = 08:55Z */
	assert_time(add(&c, "2026-12-04T16:55:00Z", 3600),
		"2026-12-07T08:55:00Z");
}

Test(bizhours, monday_holiday_moves_it_to_tuesday_0955)
{
	static const int32_t hol[] = { 20261225, 20261207 };
	struct bizhours_cal c = berlin(hol, 2);

	assert_time(add(&c, "2026-12-04T16:55:00Z", 3600),
		"2026-12-08T08:55:00Z");
}

Test(bizhours, spring_forward_weekend_monday_is_summer_time)
{
	struct bizhours_cal c = berlin(NULL, 0);

	/* Berlin moves to CEST on Sunday 2026-03-29: Friday 17:55 CET is
	 * 16:55Z, Monday 09:55 CEST is 07:55Z. */
	assert_time(add(&c, "2026-03-27T16:55:00Z", 3600),
		"2026-03-30T07:55:00Z");
}

Test(bizhours, fall_back_weekend_monday_is_winter_time)
{
	struct bizhours_cal c = berlin(NULL, 0);

	/* Back to CET on Sunday 2026-10-25: Friday 17:55 CEST is 15:55Z,
	 * Monday 09:55 CET is 08:55Z. */
	assert_time(add(&c, "2026-10-23T15:55:00Z", 3600),
		"2026-10-26T08:55:00Z");
}

Test(bizhours, the_short_dst_day_of_a_24h_calendar_has_23_hours)
{
	struct bizhours_span all[7];
	struct bizhours_cal c;
	int64_t s;

	for (int i = 0; i < 7; i++)
		all[i] = (struct bizhours_span){ i + 1, 0, 1440 };
	cr_assert_eq(bizhours_build(&c, "Europe/Berlin", all, 7, NULL, 0,
		NULL), 0);
	/* Sunday 2026-03-29 local midnight to midnight: 23 hours. */
	cr_assert_eq(bizhours_between(&c, utc("2026-03-28T23:00:00Z"),
		utc("2026-03-29T22:00:00Z"), &s), 0);
	cr_assert_eq(s, 23 * 3600);
	/* Open all the time: business time is real time across it. */
	assert_time(add(&c, "2026-03-28T11:00:00Z", 86400),
		"2026-03-29T11:00:00Z");
}

Test(bizhours, inside_hours_and_before_opening)
{
	struct bizhours_cal c = berlin(NULL, 0);

	/* Monday 10:00 CET + 30 min */
	assert_time(add(&c, "2026-12-07T09:00:00Z", 1800),
		"2026-12-07T09:30:00Z");
	/* Monday 07:00 CET + 1 h: the clock starts at 09:00 */
	assert_time(add(&c, "2026-12-07T06:00:00Z", 3600),
		"2026-12-07T09:00:00Z");
	/* exactly the rest of the day ends at closing time */
	assert_time(add(&c, "2026-12-07T16:00:00Z", 3600),
		"2026-12-07T17:00:00Z");
	/* 8 business hours from Wednesday 14:00 CET: Thursday 13:00 CET */
	assert_time(add(&c, "2026-12-09T13:00:00Z", 8 * 3600),
		"2026-12-10T12:00:00Z");
}

Test(bizhours, a_lunch_break_is_skipped)
{
	static const struct bizhours_span s[] = {
		{ 1, 780, 1020 }, { 1, 540, 720 },   /* given out of order */
	};
	struct bizhours_cal c;

	cr_assert_eq(bizhours_build(&c, "Europe/Berlin", s, 2, NULL, 0, NULL),
		0);
	/* Monday 11:30 CET + 1 h = 13:30 CET */
	assert_time(add(&c, "2026-12-07T10:30:00Z", 3600),
		"2026-12-07T12:30:00Z");
}

Test(bizhours, no_calendar_is_around_the_clock)
{
	time_t due;
	int64_t s;

	cr_assert_eq(bizhours_add(NULL, 1000, 3600, &due), 0);
	cr_assert_eq(due, 4600);
	cr_assert_eq(bizhours_between(NULL, 1000, 4600, &s), 0);
	cr_assert_eq(s, 3600);
	cr_assert_eq(bizhours_between(NULL, 4600, 1000, &s), 0);
	cr_assert_eq(s, 0);
}

Test(bizhours, a_pause_across_a_weekend_keeps_the_business_time_left)
{
	struct bizhours_cal c = berlin(NULL, 0);
	time_t due = add(&c, "2026-12-04T16:55:00Z", 3600);
	int64_t left;

	/* Paused Friday 17:58 CET: 2 minutes of Friday and 55 of Monday
	 * were left. */
	cr_assert_eq(bizhours_between(&c, utc("2026-12-04T16:58:00Z"), due,
		&left), 0);
	cr_assert_eq(left, 57 * 60);
	/* Resumed Tuesday 10:00 CET: due 10:57 CET. */
	assert_time(add(&c, "2026-12-08T09:00:00Z", left),
		"2026-12-08T09:57:00Z");
	/* Friday 17:00 CET to Monday 10:00 CET: one hour each side. */
	cr_assert_eq(bizhours_between(&c, utc("2026-12-04T16:00:00Z"),
		utc("2026-12-07T09:00:00Z"), &left), 0);
	cr_assert_eq(left, 7200);
}

Test(bizhours, a_calendar_that_never_opens_in_range_is_bounded)
{
	static const struct bizhours_span s[] = { { 1, 540, 600 } };
	int32_t *hol = calloc(BIZHOURS_HOLIDAYS_MAX, sizeof(*hol));
	struct bizhours_cal c;
	time_t due;

	/* Every Monday for 1000 weeks (past BIZHOURS_DAYS_MAX) a holiday. */
	cr_assert_not_null(hol);
	for (int i = 0; i < BIZHOURS_HOLIDAYS_MAX; i++) {
		time_t t = utc("2026-12-07T12:00:00Z") + (time_t)i * 7 * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		hol[i] = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
			tm.tm_mday;
	}
	cr_assert_eq(bizhours_build(&c, "Europe/Berlin", s, 1, hol,
		BIZHOURS_HOLIDAYS_MAX, NULL), 0);
	cr_assert_eq(bizhours_add(&c, utc("2026-12-06T12:00:00Z"), 60, &due),
		DF_ETOOBIG);
	free(hol);
}

static void refused(const struct bizhours_span *s, size_t n, size_t index,
	const char *field, const char *code)
{
	struct bizhours_fault f;

	cr_assert_eq(bizhours_check(s, n, &f), DF_EINVAL);
	cr_assert_eq(f.index, index);
	cr_assert_str_eq(f.field, field);
	cr_assert_str_eq(f.code, code);
}

Test(bizhours, impossible_hours_are_refused_with_their_field)
{
	static const struct bizhours_span closes_first[] = {
		{ 1, 540, 1080 }, { 2, 1080, 540 } };
	static const struct bizhours_span empty_span[] = { { 3, 600, 600 } };
	static const struct bizhours_span past_midnight[] = {
		{ 1, 600, 1441 } };
	static const struct bizhours_span weekday8[] = { { 8, 540, 1080 } };
	static const struct bizhours_span weekday0[] = { { 0, 540, 1080 } };
	static const struct bizhours_span opens_1440[] = {
		{ 1, 1440, 1440 } };
	static const struct bizhours_span overlap[] = {
		{ 1, 540, 720 }, { 2, 600, 700 }, { 1, 700, 800 } };
	struct bizhours_span many[9];

	refused(closes_first, 2, 1, "closes", "out_of_range");
	refused(empty_span, 1, 0, "closes", "out_of_range");
	refused(past_midnight, 1, 0, "closes", "out_of_range");
	refused(weekday8, 1, 0, "weekday", "out_of_range");
	refused(weekday0, 1, 0, "weekday", "out_of_range");
	refused(opens_1440, 1, 0, "opens", "out_of_range");
	refused(overlap, 3, 2, "opens", "overlap");
	refused(NULL, 0, 0, "hours", "required");
	for (int i = 0; i < 9; i++)
		many[i] = (struct bizhours_span){ 4, i * 60, i * 60 + 30 };
	refused(many, 9, 8, "weekday", "too_many");
	/* touching intervals do not overlap */
	many[1] = (struct bizhours_span){ 4, 30, 60 };
	cr_assert_eq(bizhours_check(many, 2, NULL), 0);
}

Test(bizhours, times_and_dates_parse_strictly)
{
	int m;
	int32_t d;
	char buf[6];

	cr_assert_eq(bizhours_parse_hhmm("09:00", &m), 0);
	cr_assert_eq(m, 540);
	cr_assert_eq(bizhours_parse_hhmm("24:00", &m), 0);
	cr_assert_eq(m, 1440);
	cr_assert_eq(bizhours_parse_hhmm("24:01", &m), DF_EINVAL);
	cr_assert_eq(bizhours_parse_hhmm("25:00", &m), DF_EINVAL);
	cr_assert_eq(bizhours_parse_hhmm("09:60", &m), DF_EINVAL);
	cr_assert_eq(bizhours_parse_hhmm("9:00", &m), DF_EINVAL);
	cr_assert_eq(bizhours_parse_hhmm("09:00 ", &m), DF_EINVAL);
	bizhours_format_hhmm(1080, buf);
	cr_assert_str_eq(buf, "18:00");
	bizhours_format_hhmm(1440, buf);
	cr_assert_str_eq(buf, "24:00");
	cr_assert_eq(bizhours_parse_date("2026-12-25", &d), 0);
	cr_assert_eq(d, 20261225);
	cr_assert_eq(bizhours_parse_date("2028-02-29", &d), 0);
	cr_assert_eq(bizhours_parse_date("2026-02-29", &d), DF_EINVAL);
	cr_assert_eq(bizhours_parse_date("2026-13-01", &d), DF_EINVAL);
	cr_assert_eq(bizhours_parse_date("2026-04-31", &d), DF_EINVAL);
	cr_assert_eq(bizhours_parse_date("2026-4-30", &d), DF_EINVAL);
	cr_assert_eq(bizhours_parse_date("1969-12-31", &d), DF_EINVAL);
}

Test(tz, zone_names_are_checked_against_the_system)
{
	struct bizhours_cal c;
	struct bizhours_fault f;

	cr_assert(tz_valid("Europe/Berlin"));
	cr_assert(tz_valid("UTC"));
	cr_assert(tz_valid("America/Argentina/Buenos_Aires"));
	cr_assert(!tz_valid("Mars/Olympus_Mons"));
	cr_assert(!tz_valid("../../etc/passwd"));
	cr_assert(!tz_valid("Europe/../Europe/Berlin"));
	cr_assert(!tz_valid("/usr/share/zoneinfo/UTC"));
	cr_assert(!tz_valid("Europe/"));
	cr_assert(!tz_valid("Europe"));       /* a directory, not a zone */
	cr_assert(!tz_valid(""));
	cr_assert(!tz_valid("Europe/Berlin Europe/Paris"));
	cr_assert_eq(bizhours_build(&c, "Mars/Olympus_Mons", office, 5, NULL,
		0, &f), DF_EINVAL);
	cr_assert_str_eq(f.field, "time_zone");
}

Test(tz, local_time_follows_the_zone_rules)
{
	struct tm tm;
	time_t t;

	cr_assert_eq(tz_local("Europe/Berlin", utc("2026-07-01T10:00:00Z"),
		&tm), 0);
	cr_assert_eq(tm.tm_hour, 12);
	cr_assert_eq(tz_local("America/New_York", utc("2026-07-01T10:00:00Z"),
		&tm), 0);
	cr_assert_eq(tm.tm_hour, 6);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 126;
	tm.tm_mon = 11;
	tm.tm_mday = 7;
	tm.tm_hour = 9;
	tm.tm_min = 55;
	cr_assert_eq(tz_mktime("Europe/Berlin", &tm, &t), 0);
	assert_time(t, "2026-12-07T08:55:00Z");
	cr_assert_eq(tz_mktime("Nowhere/City", &tm, &t), DF_EINVAL);
}
