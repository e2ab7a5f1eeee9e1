/* SQL for forum flags and the moderation reviews they open. A flag adds
 * its weight (1 plus the flagger's accuracy bonus) to its post's open
 * review; past a score or a number of distinct flaggers the post is
 * hidden, and a new (trust level 0) author flagged by enough distinct
 * users over their open reviews is silenced until a moderator decides.
 * A moderator's decision closes the review and feeds every flagger's
 * accuracy. Locks are taken in one order everywhere (the post, then its
 * review, then forum_user_stats rows) so flags and decisions racing on
 * one post serialise instead of deadlocking, and counts stay exact. */
#ifndef DF_STORE_FORUM_FLAGS_H
#define DF_STORE_FORUM_FLAGS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

/* The thresholds (config keys forum_flag_*, forum_hidden_edit_*). */
struct store_fflags_rules {
	unsigned hide_score_tenths;   /* hide at score >= this / 10 */
	unsigned hide_flaggers;       /* or at this many distinct flaggers */
	unsigned cooldown_minutes;    /* hidden_until = hidden_at + this */
	unsigned silence_flaggers;    /* distinct flaggers silencing a TL0 */
};

/* Accuracy counts needed before a flagger's weight moves off 1. */
#define STORE_FFLAGS_ACCURACY_MIN 5

/* A flagger's weight from their decided flags: 1 until agreed +
 * disagreed reaches STORE_FFLAGS_ACCURACY_MIN, then 1 + (2 * agreed /
 * (agreed + disagreed) - 1): from 0 (always wrong) to 2 (always right).
 * Pure; exported for unit tests. */
double store_fflags_weight(int64_t agreed, int64_t disagreed);

/* Why a flag was refused with DF_EFORBIDDEN. */
enum store_fflags_refusal {
	STORE_FFLAGS_OK = 0,
	STORE_FFLAGS_LOW_TRUST,      /* trust level 0 */
	STORE_FFLAGS_SILENCED,       /* the flagger is silenced */
	STORE_FFLAGS_OWN_POST        /* one's own post */
};

struct store_fflags_flagged {
	char review_id[37];
	char post_id[37];
	int hidden;                  /* the post is hidden now */
	int silenced;                /* this flag silenced the author */
	double score;                /* the review's score after the flag */
	int64_t flaggers;
};

/* Flags the post post_pid for flagger_id (moderator: counts as trust
 * level 4, never silenced) with reason (spam, off_topic, inappropriate,
 * illegal, other) and detail (may be NULL), in its own transaction.
 * 0 with out filled; DF_ENOTFOUND (no such post, or it or its thread is
 * deleted); DF_EFORBIDDEN with *why set; DF_ECONFLICT (this user
 * flagged this post already). */
DF_MUST_CHECK int store_fflags_flag(struct arena *a, const char *post_pid,
	int64_t flagger_id, int moderator, const char *reason,
	const char *detail, const struct store_fflags_rules *rules, time_t now,
	struct store_fflags_flagged *out, enum store_fflags_refusal *why);

/* A user as the queue shows them. */
struct store_fflags_user {
	const char *username;
	const char *display_name;    /* NULL when unset */
	int trust_level;             /* moderators: 4 */
};

struct store_fflags_flag_row {
	int64_t review_id;
	const char *reason;
	const char *detail;          /* NULL when none */
	double weight;
	const char *created_at;
	struct store_fflags_user flagger;
};

/* A review with its post (body always: the queue is for moderators). */
struct store_fflags_review {
	int64_t id;                  /* row id: the list's cursor */
	char public_id[37];
	const char *status;
	double score;
	int64_t flaggers;
	const char *created_at;
	const char *decided_at;      /* NULL while pending */
	int has_decider;
	struct store_fflags_user decided_by;
	/* the post */
	char post_id[37];
	char thread_id[37];
	const char *thread_title;
	struct store_fflags_user author;
	const char *body;
	int hidden, accepted, first, deleted;
	int64_t revision;
	const char *post_created_at, *post_updated_at, *post_edited_at;
	/* its flags, oldest first */
	struct store_fflags_flag_row *flags;
	size_t nflags;
};

/* The queue: reviews with status ("pending", "agreed", "disagreed",
 * "ignored"), newest first, limit + 1 of them below row id before (0:
 * from the newest), each with its flags. 0 or a negative df_err. */
DF_MUST_CHECK int store_fflags_queue(struct arena *a, const char *status,
	int64_t before, int64_t limit, struct store_fflags_review **out,
	size_t *n);

/* One review by its public id. 0, DF_ENOTFOUND. */
DF_MUST_CHECK int store_fflags_review_get(struct arena *a, const char *pid,
	struct store_fflags_review *out);

/* What a decision did, for the audit log. */
struct store_fflags_decided {
	int64_t review_id;
	char post_id[37];
	int64_t flaggers;            /* flaggers whose accuracy changed */
	int hidden;                  /* the post is hidden now */
	int unsilenced;              /* a silence this review caused ended */
};

/* Decides the pending review pid: decision "agree" (the post stays or
 * becomes hidden; each flagger's flags_agreed + 1), "disagree" (the post
 * is shown again; flags_disagreed + 1; a silence this review caused is
 * lifted) or "ignore" (closed; visibility and accuracy unchanged,
 * flags_ignored + 1). Runs inside the caller's transaction (the caller
 * audits in it). 0; DF_ENOTFOUND; DF_ECONFLICT (decided already). */
DF_MUST_CHECK int store_fflags_decide(struct arena *a, const char *pid,
	const char *decision, int64_t moderator_id,
	const struct store_fflags_rules *rules, time_t now,
	struct store_fflags_decided *out);

#endif
