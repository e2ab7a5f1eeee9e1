/* The forum's trust limits in front of every new thread and reply, and
 * the read tracking behind every thread a signed-in user opens (the
 * activity trust levels are earned by). The forum handlers call them;
 * the rules are core/forum_rules.h, the limits the forum_* config keys,
 * the standing store/forum_trust.h. */
#ifndef DF_API_FORUM_GUARD_H
#define DF_API_FORUM_GUARD_H

#include <stdint.h>
#include "err.h"

struct request;

enum forum_guard_kind { FORUM_GUARD_TOPIC, FORUM_GUARD_REPLY };

/* The rate-limit classes of the intervals (the shared limiter's keys,
 * subject "user:<public id>"): above the router's classes. */
#define FORUM_GUARD_RL_REPLY 32u
#define FORUM_GUARD_RL_TOPIC 33u

/* Called by POST /forum/threads and POST /forum/threads/{id}/posts
 * before they write, with the post's Markdown body and its body hash
 * (the forum_posts.body_hash of it). For the signed-in caller, in this
 * order: a silenced user → 403 forbidden; at trust level 0, more links
 * or images than forum_new_max_links / forum_new_max_images → 422
 * (errors[].field "body", code "too_many_links" / "too_many_images");
 * the same body within forum_duplicate_window_seconds → 409 conflict;
 * the first-day or daily cap reached → 429 rate_limited; sooner than the
 * interval since the last topic/reply → 429 rate_limited. A 429 carries
 * Retry-After and RateLimit-Limit/-Remaining/-Reset of the limit that
 * refused. Moderators (support, admin) pass without any check. The
 * caller's level is recomputed first, so activity since the last read
 * counts. 0 to go on; DF_ERESPONDED when the refusal has been sent;
 * another df_err on failure. */
DF_MUST_CHECK int forum_guard_post(struct request *req,
	enum forum_guard_kind kind, const char *body,
	const unsigned char body_hash[32]);

/* Called by GET /forum/threads/{id} after it read the page: a signed-in
 * caller has read thread_id (its row id) up to the post last_post_id
 * (the last one on the page; 0 for none shown, which still enters the
 * topic). Records the visit and may promote the caller. Anonymous
 * callers are not tracked. A failure is logged and returned; the caller
 * may answer the read anyway. */
int forum_guard_read(struct request *req, int64_t thread_id,
	int64_t last_post_id);

/* The trust level clients see for a user: moderators count as 4,
 * everyone else as stored (no row: 0). */
unsigned forum_guard_shown_level(int moderator, unsigned stored);

#endif
