/* The forum's trust rules as pure functions: how many links and images a
 * Markdown post holds (what a new user is limited on), and the trust
 * level a user's activity earns with Discourse's default thresholds.
 * Nothing here reads the database or the clock: store/forum_trust.c
 * gathers the counts, api/shared/forum_guard.c applies the limits. */
#ifndef DF_FORUM_RULES_H
#define DF_FORUM_RULES_H

#include <stddef.h>
#include <stdint.h>

/* Links and images of a post as a reader would see them rendered:
 * inline links [text](url), reference links [text][ref], [ref][] and
 * [ref] (only when [ref]: url is defined), autolinks <https://...>,
 * bare http(s):// and www. URLs, HTML <a href> (links); ![alt](url),
 * ![alt][ref] and <img> (images). Nothing inside code spans or fenced
 * code blocks counts; an escaped bracket is text; a link whose text is a
 * URL counts once; [![img](a)](b) is one image and one link; a link or
 * image with an empty destination is none. Indented code blocks are not
 * told apart from text (they count: fences are the way to quote code). */
struct forum_rules_counts {
	unsigned links;
	unsigned images;
};

void forum_rules_count(const char *md, size_t len,
	struct forum_rules_counts *out);

/* A user's activity as the trust levels read it. likes = up-votes on
 * threads (given by the user, received on threads they started);
 * replied_topics = distinct threads they replied in. The *_100d fields
 * cover the last 100 days (only trust level 3 reads them): days visited,
 * threads replied in, threads entered and posts read, against all
 * threads and posts created in the period; flags_agreed_100d counts
 * flags against the user's posts that moderators agreed with. Reading
 * time is not measured, so the "time spent reading" requirements of
 * Discourse are not part of any level. */
struct forum_rules_stats {
	uint64_t days_visited;
	uint64_t topics_entered;
	uint64_t posts_read;
	uint64_t likes_given;
	uint64_t likes_received;
	uint64_t replied_topics;

	uint64_t days_visited_100d;
	uint64_t replied_topics_100d;
	uint64_t topics_entered_100d;
	uint64_t topics_created_100d;  /* by anyone: the denominator */
	uint64_t posts_read_100d;
	uint64_t posts_created_100d;   /* by anyone: the denominator */
	uint64_t likes_given_100d;
	uint64_t likes_received_100d;
	uint64_t flags_agreed_100d;
};

/* Discourse's defaults (tl1_requires_*, tl2_requires_*,
 * tl3_requires_*). */
#define FORUM_TL1_TOPICS_ENTERED 5
#define FORUM_TL1_POSTS_READ 30
#define FORUM_TL2_DAYS_VISITED 15
#define FORUM_TL2_LIKES_GIVEN 1
#define FORUM_TL2_LIKES_RECEIVED 1
#define FORUM_TL2_REPLIED_TOPICS 3
#define FORUM_TL2_TOPICS_ENTERED 20
#define FORUM_TL2_POSTS_READ 100
#define FORUM_TL3_DAYS_VISITED 50
#define FORUM_TL3_REPLIED_TOPICS 10
#define FORUM_TL3_TOPICS_PERCENT 25
#define FORUM_TL3_TOPICS_CAP 500
#define FORUM_TL3_POSTS_PERCENT 25
#define FORUM_TL3_POSTS_CAP 20000
#define FORUM_TL3_LIKES_GIVEN 30
#define FORUM_TL3_LIKES_RECEIVED 20
#define FORUM_TL3_FLAGS_AGREED_MAX 5

/* The highest level (0-3) the activity earns; each level needs the ones
 * below it. Level 4 is given by a moderator only. */
unsigned forum_rules_level(const struct forum_rules_stats *s);

/* Whether a level-2 user's activity could reach level 3 at all from the
 * all-time counters (a cheap test before the 100-day counts are read). */
int forum_rules_tl3_possible(const struct forum_rules_stats *s);

/* A daily cap scaled for a trust level: base * percent / 100, rounded
 * down, at least 1 when base is at least 1. */
unsigned forum_rules_scaled_cap(unsigned base, unsigned percent);

#endif
