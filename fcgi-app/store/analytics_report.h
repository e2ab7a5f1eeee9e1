/* SQL for the admin analytics reports: reads of the rollups (migration
 * 0034) over a span of days or hours, and the two support figures that
 * are read live. Days and hours are counted from 1970-01-01 00:00 UTC. */
#ifndef DF_STORE_ANALYTICS_REPORT_H
#define DF_STORE_ANALYTICS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

/* Names listed by the summary's events.by_name, the most frequent
 * first: anyone may send events, so the list of names is not theirs to
 * grow without bound. */
#define STORE_AN_NAMES_MAX 100
/* Extensions listed by top_extensions. */
#define STORE_AN_TOP_MAX 10

struct store_an_day {
	int64_t day;
	int64_t new_users, daily_active, downloads, events;
};

struct store_an_money {
	int64_t day;                 /* by day; unused in totals */
	char currency[4];
	int64_t amount;              /* minor units */
};

struct store_an_ext {
	const char *slug, *name;
	int64_t downloads;
};

struct store_an_name {
	const char *name;
	int64_t count;
};

struct store_an_summary {
	struct store_an_day *days;   /* the rolled-up days of the span, in
	                                order (a day not rolled up is absent) */
	size_t ndays;
	int64_t users_total;         /* users at the end of the span's last
	                                rolled-up day */
	struct store_an_money *revenue_total; /* per currency */
	size_t nrevenue_total;
	struct store_an_money *revenue;       /* per day and currency */
	size_t nrevenue;
	struct store_an_ext *top;
	size_t ntop;
	struct store_an_name *names;
	size_t nnames;
	int64_t open_tickets;        /* live: not resolved or closed */
	int has_median;              /* 0: no first reply in the span */
	int64_t median_first_response_s;
};

/* The summary of the days [from, to]. 0 or a negative df_err. */
DF_MUST_CHECK int store_an_summary(struct arena *a, int64_t from, int64_t to,
	struct store_an_summary *s);

struct store_an_point {
	int64_t bucket;              /* day or hour number */
	int64_t count;
};

/* Events per bucket in [first, last] (days, or hours when hourly), of
 * one name or (name NULL) of all names: only buckets with events, in
 * order. */
DF_MUST_CHECK int store_an_series(struct arena *a, const char *name,
	int hourly, int64_t first, int64_t last, struct store_an_point **pts,
	size_t *n);

#endif
