/* SQL for the support desk's staff reports: per agent and per month,
 * tickets solved, satisfaction (CSAT), the median time to first reply,
 * and deflection (requests the knowledge base solved before a ticket
 * was filed) with the articles that solved them. A month is a calendar
 * month in UTC, written as a period: year * 12 + month - 1. */
#ifndef DF_STORE_SUPPORT_REPORTS_H
#define DF_STORE_SUPPORT_REPORTS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct arena;

/* Per agent (the assignee; CSAT by the survey's agent), over the span:
 * tickets resolved in it, surveys answered in it, and the median first
 * reply of the tickets created in it that have one. */
struct store_sreport_agent {
	int64_t id;
	char public_id[37];
	const char *username;
	int64_t solved, good, bad;
	int has_median;            /* 0: no ticket with a first reply */
	double median_s;
};

/* A source of the assistant's answers that conversations credited
 * when they ended self-served ("this solved it"). */
struct store_sreport_source {
	const char *kind;          /* "kb" or "forum" */
	const char *slug_or_id;    /* an article's slug, a thread's id */
	const char *title;
	int64_t resolved;          /* conversations it resolved that month */
};

/* At most this many sources per month. */
#define STORE_SREPORT_SOURCES_MAX 5

/* One month of the span, the same measures by the month of each event
 * (created, resolved, answered, suggested, solved by an article). The
 * assistant's conversations count in the month they started; their
 * outcomes (self-served, escalated, abandoned) and the sources credited
 * in the month they ended. */
struct store_sreport_month {
	int period;
	int64_t created, solved, good, bad;
	int64_t suggested, deflected;
	int has_median;
	double median_s;
	int64_t conversations, self_served, escalated, abandoned;
	struct store_sreport_source sources[STORE_SREPORT_SOURCES_MAX];
	size_t nsources;           /* most resolved first */
};

struct store_sreport_article {
	const char *slug;
	const char *title;
	int64_t resolved;          /* suggestions it solved in the span */
};

struct store_sreport {
	struct store_sreport_agent *agents;   /* by username */
	size_t nagents;
	struct store_sreport_month *months;   /* every month of the span */
	size_t nmonths;
	struct store_sreport_article *articles; /* most resolved first */
	size_t narticles;
};

/* At most this many articles are listed. */
#define STORE_SREPORT_ARTICLES_MAX 50

/* The report for the months from..to (periods, both included, from <=
 * to). Medians are exact (MariaDB's MEDIAN window function, the mean of
 * the two middle values for an even count), in seconds. 0 or a negative
 * df_err. */
DF_MUST_CHECK int store_sreport_build(struct arena *a, int from, int to,
	struct store_sreport *out);

/* "YYYY-MM" (a real month, year 1970-9999) to a period: 0 or DF_EINVAL. */
DF_MUST_CHECK int store_sreport_period_parse(const char *s, int *period);
/* The period as "YYYY-MM" into out (8 bytes). */
void store_sreport_period_format(int period, char out[8]);

#endif
