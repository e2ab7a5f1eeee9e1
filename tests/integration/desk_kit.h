/* What the support-desk programs (test_tickets, test_sla,
 * test_mail_receive, test_dead_letters, test_macros, test_csat,
 * test_support_reports) share: accounts with their row ids,
 * tickets written straight into the database the way store/tickets.c
 * writes them, for the cases that need times in the past, and the
 * tests/mail/ fixtures made out to a ticket. */
#ifndef DF_TEST_DESK_KIT_H
#define DF_TEST_DESK_KIT_H

#include <stddef.h>

struct json_object;

/* The addresses the tests/mail/ fixtures are written with. */
#define DESK_FIXTURE_REPLY "support+t0.000000000000000000000000@devforge.dev"
#define DESK_FIXTURE_FROM "jane.doe@example.com"

struct desk_user {
	char id[40];            /* public id */
	long row;               /* users.id */
	char username[64];
	char email[160];
	char *auth;             /* "Authorization: Bearer ..." (malloc'd) */
};

/* A new account of role ("user", "support", "admin"), display_name set
 * when not NULL. */
void desk_user_new(struct desk_user *u, const char *role,
	const char *display_name);
void desk_user_free(struct desk_user *u);

/* A ticket of requester with its first message, created created_ago_s
 * seconds ago, in status; assignee row 0 for none. Its id. */
long desk_ticket_new(long requester_row, long assignee_row,
	const char *status, long created_ago_s);

/* A ticket of p opened through the API (POST, web), its id. */
long desk_ticket_post(const struct desk_user *p);

/* Ticket id as p reads it (GET, 200 expected; json_object_put it). */
struct json_object *desk_ticket_json(const struct desk_user *p, long id);
/* How many messages p sees on ticket id. */
size_t desk_message_count(const struct desk_user *p, long id);

/* The path of ticket id under /api/v1/support/tickets, tail appended
 * ("" or "/messages"...); static storage, four calls deep. */
const char *desk_ticket_path(long id, const char *tail);

/* Runs SQL (printf format) and fails the test when it fails. */
void desk_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* s with every from replaced by to (malloc'd; s freed). */
char *desk_replace(char *s, const char *from, const char *to);

/* Ticket id's signed reply address, as the ticket mail writes it. */
void desk_reply_address(long id, char *out, size_t cap);

/* tests/mail/<name> (malloc'd) sent to `to` and from `from` (NULL: as
 * written) in place of DESK_FIXTURE_REPLY and DESK_FIXTURE_FROM, with a
 * Message-ID of this run (prefixed with a unique id of tag; mid gets the
 * bare id, without <>). */
char *desk_mail_fixture(const char *name, const char *to, const char *from,
	const char *tag, char *mid, size_t midcap);

#endif
