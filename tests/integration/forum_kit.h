/* What the forum programs (test_forum, test_forum_posts,
 * test_forum_trust, test_forum_flags) share: users at a trust level,
 * threads and replies posted through the API, and threads and replies
 * written straight into the database the way the forum writes them,
 * for the cases that test what happens after (or need times in the
 * past) and must not depend on the posting limits. */
#ifndef DF_TEST_FORUM_KIT_H
#define DF_TEST_FORUM_KIT_H

#include "client.h"
#include "desk_kit.h"

/* Gives the user (public id) a forum standing of trust level tl. */
void forum_kit_level(const char *pid, int tl);
/* A new account of role with a forum standing of trust level tl (-1: no
 * forum_user_stats row at all, as a brand new user). */
void forum_kit_user(struct desk_user *u, const char *role, int tl);

/* POSTs a thread in "general" as auth, with one tag when tag is not
 * NULL; the status. On 201 the thread's public id goes into id (at
 * least 37 bytes) when id is not NULL; the answer into keep when keep
 * is not NULL (client_free it). */
long forum_kit_thread(const char *auth, const char *title, const char *body,
	const char *tag, char *id, struct client_resp *keep);
/* POSTs a reply to thread as auth; the status; the post's public id into
 * pid (37 bytes) on 201 when not NULL; the answer into keep as above. */
long forum_kit_reply(const char *auth, const char *thread, const char *body,
	char *pid, struct client_resp *keep);

/* A thread by author (public id) in "general" written with SQL: its
 * public id into tid (37 bytes). With first not NULL, also its first post
 * (Markdown body, its text `text`, NULL: body itself) whose public id
 * goes into first and whose row id is returned; with first NULL the
 * thread row alone (where only thread rows count), and 0. */
long forum_kit_sql_thread(const char *author, const char *title,
	const char *body, const char *text, char *tid, char *first);
/* A reply by author to thread written with SQL as if minutes_ago old
 * (the thread's reply count follows); its public id into pid (37 bytes)
 * when not NULL; its row id. body is single-spaced text, so its hash is
 * the SHA-256 of the body itself, as the forum's duplicate check sees
 * it. */
long forum_kit_sql_reply(const char *thread, const char *author,
	const char *body, int minutes_ago, char *pid);

#endif
