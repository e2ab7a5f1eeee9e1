/* Stores: forum_trust, users. */
/* The forum's trust limits and read tracking (see forum_guard.h). The
 * intervals go through the shared rate limiter: a limit of 1 per
 * interval is exactly "this long between posts", held across workers.
 * The first-day and daily caps are counted from the posts themselves
 * (the last 24 hours of forum_threads / forum_posts by the author): a
 * count of rows is exact, survives a restart of the workers, and no
 * other key can push it out of the limiter's table; its refusal carries
 * the same headers as the limiter's. Checks that cannot be retried
 * later (silence, links, duplicates) come before the ones that take
 * time, and the caps before the interval, so a refused post never
 * spends an interval. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/shared/forum_guard.h"
#include "clock.h"
#include "config.h"
#include "forum_rules.h"
#include "http.h"
#include "log.h"
#include "problem.h"
#include "ratelimit.h"
#include "role.h"
#include "shm.h"
#include "store/forum_trust.h"
#include "store/users.h"

#define DAY_S 86400

unsigned forum_guard_shown_level(int moderator, unsigned stored)
{
	return moderator ? 4u : stored;
}

static int set_u32(struct request *req, const char *name, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", (unsigned)v);
	return http_set_header(req, name, buf);
}

/* The 429 of a forum limit, with the router's headers. */
static int refuse_429(struct request *req, uint32_t limit,
	uint32_t remaining, uint32_t reset_s, uint32_t retry_s,
	const char *detail)
{
	if (retry_s == 0)
		retry_s = 1;
	if (set_u32(req, "RateLimit-Limit", limit) != 0 ||
	    set_u32(req, "RateLimit-Remaining", remaining) != 0 ||
	    set_u32(req, "RateLimit-Reset", reset_s) != 0)
		return DF_ENOMEM;
	problem_send(req, 429, "rate_limited", detail);
	if (set_u32(req, "Retry-After", retry_s) != 0)
		return DF_ENOMEM;
	return DF_ERESPONDED;
}

/* TL0: links and images. 0, or DF_ERESPONDED with the 422 sent. */
static int check_links(struct request *req, const char *body)
{
	const struct config *cfg = req->cfg;
	struct forum_rules_counts c;
	char msg[128];

	forum_rules_count(body, strlen(body), &c);
	if (c.links > cfg->forum_new_max_links) {
		snprintf(msg, sizeof(msg), "new users may post at most %u "
			"links in a post (this one has %u)",
			cfg->forum_new_max_links, c.links);
		problem_add_error(req, "body", "too_many_links", msg);
	}
	if (c.images > cfg->forum_new_max_images) {
		snprintf(msg, sizeof(msg), "new users may post at most %u "
			"images in a post (this one has %u)",
			cfg->forum_new_max_images, c.images);
		problem_add_error(req, "body", "too_many_images", msg);
	}
	if (problem_error_count(req) == 0)
		return 0;
	return problem_send_validation(req);
}

/* The first-day cap (level 0, account under a day old) or the daily
 * cap scaled for the level: 0, DF_ERESPONDED with the 429 sent, or a
 * df_err. */
static int check_caps(struct request *req, int64_t uid, int topic,
	const struct store_forum_standing *st, time_t now)
{
	const struct config *cfg = req->cfg;
	unsigned level = st->trust_level > 4 ? 4 : st->trust_level;
	int first_day = level == 0 && st->account_age_s < DAY_S;
	unsigned cap;
	uint64_t n;
	time_t oldest, until;
	uint32_t retry;
	char detail[200];
	int rc;

	if (first_day)
		cap = topic ? cfg->forum_first_day_topics :
			cfg->forum_first_day_replies;
	else
		cap = forum_rules_scaled_cap(topic ? cfg->forum_daily_topics :
			cfg->forum_daily_replies, cfg->forum_daily_scale[level]);
	if (cap == 0)
		return 0;
	rc = store_forum_trust_recent(req->arena, uid, topic, now - DAY_S,
		&n, &oldest);
	if (rc != 0)
		return rc;
	if (n < cap)
		return 0;
	/* The first day's cap lifts when the account is a day old; a daily
	 * cap when the oldest post counted leaves the 24 hours. */
	if (first_day)
		until = now + (time_t)(DAY_S - st->account_age_s);
	else
		until = oldest + DAY_S;
	retry = until > now ? (uint32_t)(until - now) : 1;
	snprintf(detail, sizeof(detail), "%s %u %s a day; retry in %u s.",
		first_day ? "On their first day new users may post at most" :
		"At this trust level you may post at most", cap,
		topic ? "topics" : "replies", (unsigned)retry);
	return refuse_429(req, cap, 0, retry, retry, detail);
}

/* The interval since the last topic/reply, through the shared limiter:
 * one token per interval. */
static int check_interval(struct request *req, int topic, unsigned level)
{
	const struct config *cfg = req->cfg;
	unsigned interval = level == 0 ?
		(topic ? cfg->forum_new_topic_interval_seconds :
		 cfg->forum_new_post_interval_seconds) :
		(topic ? cfg->forum_topic_interval_seconds :
		 cfg->forum_post_interval_seconds);
	struct ratelimit_result res;
	struct timespec ts;
	char subject[96], detail[160];
	uint64_t now_us;

	if (interval == 0)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	now_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	snprintf(subject, sizeof(subject), "user:%s", req->auth.sub);
	memset(&res, 0, sizeof(res));
	ratelimit_take(shm_current, ratelimit_key(topic ? FORUM_GUARD_RL_TOPIC :
		FORUM_GUARD_RL_REPLY, subject), 1, interval, now_us, &res);
	if (res.allowed)
		return 0;
	snprintf(detail, sizeof(detail), "%s may %s once every %u seconds; "
		"retry in %u s.", level == 0 ? "New users" : "You",
		topic ? "open a topic" : "post a reply", interval,
		(unsigned)(res.retry_after_s > 0 ? res.retry_after_s : 1));
	return refuse_429(req, res.limit, res.remaining, res.reset_s,
		res.retry_after_s, detail);
}

int forum_guard_post(struct request *req, enum forum_guard_kind kind,
	const char *body, const unsigned char body_hash[32])
{
	const struct config *cfg = req->cfg;
	const struct store_user *u = req->auth.user;
	struct store_forum_standing st;
	int topic = kind == FORUM_GUARD_TOPIC;
	time_t now = clock_now();
	int rc, dup = 0;

	if (u == NULL)
		return DF_EAUTH;  /* the routes are for signed-in users */
	if (role_allows(req->auth.role, ROLE_SUPPORT))
		return 0;
	rc = store_forum_trust_recompute(req->arena, u->id, now, NULL, NULL);
	if (rc != 0)
		return rc;
	rc = store_forum_trust_get(req->arena, u->id, now, 0, &st);
	if (rc != 0)
		return rc;
	if (st.silenced)
		return problem_send(req, 403, "forbidden", "You are silenced "
			"in the forum until a moderator decides; you may read "
			"but not post.");
	if (st.trust_level == 0) {
		rc = check_links(req, body != NULL ? body : "");
		if (rc != 0)
			return rc;
	}
	if (cfg->forum_duplicate_window_seconds > 0) {
		rc = store_forum_trust_duplicate(req->arena, u->id, body_hash,
			now - (time_t)cfg->forum_duplicate_window_seconds, &dup);
		if (rc != 0)
			return rc;
		if (dup)
			return problem_send(req, 409, "conflict", "You posted "
				"the same text a moment ago; post something "
				"new or edit that post.");
	}
	rc = check_caps(req, u->id, topic, &st, now);
	if (rc != 0)
		return rc;
	return check_interval(req, topic, st.trust_level);
}

int forum_guard_read(struct request *req, int64_t thread_id,
	int64_t last_post_id)
{
	const struct store_user *u = req->auth.user;
	int rc;

	if (!req->auth.authenticated || u == NULL || thread_id <= 0)
		return 0;
	rc = store_forum_trust_read(req->arena, u->id, thread_id,
		last_post_id, clock_now(), NULL);
	if (rc != 0)
		log_req_msg(req, LOG_WARN, "forum read tracking failed: %s",
			df_strerror(rc));
	return rc;
}
