/* SQL for the knowledge base: articles, their revisions, tags,
 * helpfulness votes, batched view counts, and the FULLTEXT search that
 * the list, the ticket suggestions (store/suggestions.c) and later the
 * assistant rank by. Times come from the caller (clock_now()). */
#ifndef DF_STORE_KB_H
#define DF_STORE_KB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"

struct arena;

#define STORE_KB_TAGS_MAX 10
#define STORE_KB_EXCERPT 200     /* characters of body_text in lists */
/* The search's sort key: 1 for a word of the query in the title, plus
 * the full-text relevance relative to the best match of the same
 * search, in units of 1/STORE_KB_SCORE_SCALE. */
#define STORE_KB_SCORE_SCALE 10000

struct store_kb_article {
	int64_t id;                 /* row id: cursors, never shown */
	char slug[101];
	const char *title;
	const char *body;           /* NULL in lists */
	const char *excerpt;        /* lists only */
	const char *category;
	const char *tags;           /* space-separated */
	const char *status;
	int64_t revision, views, helpful, not_helpful;
	const char *created_at, *updated_at;
	const char *published_at;   /* NULL until first published */
	int64_t score;              /* searches: the sort key (see above) */
	int64_t upto;               /* searches: the highest id the search
	                               saw (its cursor keeps it) */
};

/* The article named slug, any status (the caller decides who may see
 * it). DF_ENOTFOUND. */
DF_MUST_CHECK int store_kb_get(struct arena *a, const char *slug,
	struct store_kb_article *out);

struct store_kb_filter {
	const char *q;              /* NULL: no search, newest first */
	const char *category;       /* NULL: any */
	const char *tag;            /* NULL: any */
	const char *status;         /* staff filter; NULL: see all_status */
	int all_status;             /* 0: published only (users, anonymous) */
	int64_t limit;              /* rows wanted; limit + 1 are read */
	/* Position after the previous page: id (no q), or score, id and
	 * upto (q); after_id 0: the first page. */
	int64_t after_score, after_id, upto;
};

/* A page of articles (body NULL, excerpt set): by relevance (score
 * descending, then id descending) when f->q is set, else newest first.
 * Searches count only ids up to the first page's highest, so articles
 * added while a client pages do not shift its pages; the relevance is
 * relative to the best match, so the growth of the corpus (which moves
 * every raw FULLTEXT score) does not either. */
DF_MUST_CHECK int store_kb_list(struct arena *a, const struct store_kb_filter *f,
	struct store_kb_article **out, size_t *n);

struct store_kb_input {
	const char *slug;           /* create only */
	const char *title, *body, *body_text, *category, *status;
	const char *const *tags;    /* ntags of them; tags_set: replace */
	size_t ntags;
	int tags_set;
	int64_t editor_id;          /* users.id, 0: none */
	time_t now;
};

/* Creates an article (revision 1). DF_ECONFLICT for a slug in use. */
DF_MUST_CHECK int store_kb_create(struct arena *a, const struct store_kb_input *in,
	struct store_kb_article *out);
/* Edits the article named slug with the fields of in that are not NULL
 * (tags when tags_set): in one transaction, the article as it was goes
 * to kb_article_revisions and its revision number moves on.
 * DF_ENOTFOUND. */
DF_MUST_CHECK int store_kb_update(struct arena *a, const char *slug,
	const struct store_kb_input *in, struct store_kb_article *out);

struct store_kb_revision {
	int64_t revision;
	const char *title, *body, *category, *tags, *status;
	const char *editor_id;      /* users.public_id, NULL: none */
	const char *editor_username;
	const char *created_at;
};
/* Every earlier version of article_id, newest first. */
DF_MUST_CHECK int store_kb_revisions(struct arena *a, int64_t article_id,
	struct store_kb_revision **out, size_t *n);

/* Records voter's vote (a second replaces the first) and recounts the
 * article's helpful / not_helpful from the votes, in one transaction
 * that locks the article row: exact under concurrent votes. The counts
 * after it in *helpful and *not_helpful. DF_ENOTFOUND. */
DF_MUST_CHECK int store_kb_vote(struct arena *a, int64_t article_id,
	const unsigned char voter[32], int helpful, time_t now,
	int64_t *helpful_n, int64_t *not_helpful_n);

/* Adds views: counts[i] to article ids[i], n of them, in one
 * transaction. */
DF_MUST_CHECK int store_kb_add_views(const int64_t *ids, const uint64_t *counts,
	size_t n);

#endif
