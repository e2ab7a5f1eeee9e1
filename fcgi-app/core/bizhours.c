/* Business time on a calendar: see bizhours.h. Local dates are walked
 * as day numbers (days since 1970-01-01, proleptic Gregorian) and each
 * opening interval is turned into instants through the zone's rules, so
 * a DST change shortens or lengthens only the interval it falls in. */
#include <stdio.h>
#include <string.h>

#include "bizhours.h"
#include "civil.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int bizhours_parse_hhmm(const char *s, int *min)
{
	int h, m;

	if (s == NULL || strlen(s) != 5 || !is_digit(s[0]) ||
	    !is_digit(s[1]) || s[2] != ':' || !is_digit(s[3]) ||
	    !is_digit(s[4]))
		return DF_EINVAL;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return DF_EINVAL;
	*min = h * 60 + m;
	return 0;
}

void bizhours_format_hhmm(int min, char out[6])
{
	if (min < 0 || min > 1440)
		min = 0;
	snprintf(out, 6, "%02d:%02d", min / 60, min % 60);
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

int bizhours_parse_date(const char *s, int32_t *ymd)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return DF_EINVAL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return DF_EINVAL;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		(s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return DF_EINVAL;
	*ymd = y * 10000 + m * 100 + d;
	return 0;
}

static int fault(struct bizhours_fault *f, size_t i, const char *field,
	const char *code, const char *msg)
{
	if (f != NULL) {
		f->index = i;
		f->field = field;
		f->code = code;
		f->message = msg;
	}
	return DF_EINVAL;
}

int bizhours_check(const struct bizhours_span *s, size_t n,
	struct bizhours_fault *f)
{
	if (n == 0)
		return fault(f, 0, "hours", "required",
			"at least one opening interval is required");
	if (n > BIZHOURS_SPANS_MAX)
		return fault(f, BIZHOURS_SPANS_MAX, "hours", "too_long",
			"at most 56 opening intervals");
	for (size_t i = 0; i < n; i++) {
		size_t same = 0;

		if (s[i].weekday < 1 || s[i].weekday > 7)
			return fault(f, i, "weekday", "out_of_range",
				"must be 1 (Monday) to 7 (Sunday)");
		if (s[i].opens < 0 || s[i].opens >= 1440)
			return fault(f, i, "opens", "out_of_range",
				"must be 00:00 to 23:59");
		if (s[i].closes <= s[i].opens || s[i].closes > 1440)
			return fault(f, i, "closes", "out_of_range",
				"must be after opens and at most 24:00");
		for (size_t j = 0; j < i; j++) {
			if (s[j].weekday != s[i].weekday)
				continue;
			if (s[i].opens < s[j].closes &&
			    s[j].opens < s[i].closes)
				return fault(f, i, "opens", "overlap",
					"overlaps another interval of the "
					"same weekday");
			same++;
		}
		if (same >= BIZHOURS_PER_DAY)
			return fault(f, i, "weekday", "too_many",
				"at most 8 intervals a weekday");
	}
	return 0;
}

int bizhours_build(struct bizhours_cal *c, const char *zone,
	const struct bizhours_span *s, size_t n, const int32_t *holidays,
	size_t nholidays, struct bizhours_fault *f)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if (!tz_valid(zone))
		return fault(f, 0, "time_zone", "invalid_format",
			"must be an IANA time zone this server knows "
			"(Europe/Berlin)");
	rc = bizhours_check(s, n, f);
	if (rc != 0)
		return rc;
	snprintf(c->zone, sizeof(c->zone), "%s", zone);
	for (size_t i = 0; i < n; i++) {
		int d = s[i].weekday - 1;
		size_t k = c->day[d].n++;

		/* Insertion in order of opening: checked spans never
		 * overlap, so the order is total. */
		while (k > 0 && c->day[d].iv[k - 1].opens > s[i].opens) {
			c->day[d].iv[k] = c->day[d].iv[k - 1];
			k--;
		}
		c->day[d].iv[k].opens = s[i].opens;
		c->day[d].iv[k].closes = s[i].closes;
	}
	c->holidays = holidays;
	c->nholidays = nholidays;
	return 0;
}

/* 0 Monday .. 6 Sunday: day 0 was a Thursday. */
static int weekday_of(int64_t day)
{
	return (int)(((day % 7) + 7 + 3) % 7);
}

static int holiday(const struct bizhours_cal *c, int64_t day)
{
	int y, m, d;
	int32_t ymd;

	if (c->nholidays == 0)
		return 0;
	civil_date(day, &y, &m, &d);
	ymd = y * 10000 + m * 100 + d;
	for (size_t i = 0; i < c->nholidays; i++)
		if (c->holidays[i] == ymd)
			return 1;
	return 0;
}

/* The instant of minute `min` (0..1440) of local day `day`. */
static int instant(const struct bizhours_cal *c, int64_t day, int min,
	time_t *out)
{
	struct tm tm;
	int y, m, d;

	memset(&tm, 0, sizeof(tm));
	civil_date(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = min / 60;   /* 24:00 normalises to the next midnight */
	tm.tm_min = min % 60;
	return tz_mktime(c->zone, &tm, out);
}

static int local_day(const struct bizhours_cal *c, time_t t, int64_t *day)
{
	struct tm tm;
	int rc = tz_local(c->zone, t, &tm);

	if (rc == 0)
		*day = civil_days(tm.tm_year + 1900, tm.tm_mon + 1,
			tm.tm_mday);
	return rc;
}

/* Opening interval i of local day `day` (weekday wd) as instants
 * [*a, *b): what adding and measuring business time both walk. */
static int interval(const struct bizhours_cal *c, int64_t day, int wd,
	size_t i, time_t *a, time_t *b)
{
	int rc = instant(c, day, c->day[wd].iv[i].opens, a);

	if (rc == 0)
		rc = instant(c, day, c->day[wd].iv[i].closes, b);
	return rc;
}

int bizhours_add(const struct bizhours_cal *c, time_t start,
	int64_t seconds, time_t *due)
{
	int64_t day, rem = seconds;
	int rc;

	if (seconds <= 0 || c == NULL) {
		*due = start + (time_t)(seconds > 0 ? seconds : 0);
		return 0;
	}
	rc = local_day(c, start, &day);
	if (rc != 0)
		return rc;
	for (int k = 0; k < BIZHOURS_DAYS_MAX; k++, day++) {
		int wd = weekday_of(day);

		if (c->day[wd].n == 0 || holiday(c, day))
			continue;
		for (size_t i = 0; i < c->day[wd].n; i++) {
			time_t a, b;

			rc = interval(c, day, wd, i, &a, &b);
			if (rc != 0)
				return rc;
			if (a < start)
				a = start;
			if (b <= a)
				continue;
			if (rem <= (int64_t)(b - a)) {
				*due = a + (time_t)rem;
				return 0;
			}
			rem -= (int64_t)(b - a);
		}
	}
	return DF_ETOOBIG;
}

int bizhours_between(const struct bizhours_cal *c, time_t t0, time_t t1,
	int64_t *seconds)
{
	int64_t day, sum = 0;
	int rc;

	*seconds = 0;
	if (t1 <= t0)
		return 0;
	if (c == NULL) {
		*seconds = (int64_t)(t1 - t0);
		return 0;
	}
	rc = local_day(c, t0, &day);
	if (rc != 0)
		return rc;
	for (int k = 0; k < BIZHOURS_DAYS_MAX; k++, day++) {
		int wd = weekday_of(day);
		time_t midnight;

		rc = instant(c, day, 0, &midnight);
		if (rc != 0)
			return rc;
		if (midnight >= t1) {
			*seconds = sum;
			return 0;
		}
		if (c->day[wd].n == 0 || holiday(c, day))
			continue;
		for (size_t i = 0; i < c->day[wd].n; i++) {
			time_t a, b;

			rc = interval(c, day, wd, i, &a, &b);
			if (rc != 0)
				return rc;
			if (a < t0)
				a = t0;
			if (b > t1)
				b = t1;
			if (b > a)
				sum += (int64_t)(b - a);
		}
	}
	return DF_ETOOBIG;
}
