/* What the support-desk programs (test_tickets, test_sla,
 * test_mail_receive, test_macros, test_csat, test_support_reports)
 * share: accounts with their row ids, and
 * tickets written straight into the database the way store/tickets.c
 * writes them, for the cases that need times in the past. */
#ifndef DF_TEST_DESK_KIT_H
#define DF_TEST_DESK_KIT_H

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

/* The path of ticket id under /api/v1/support/tickets, tail appended
 * ("" or "/messages"...); static storage, four calls deep. */
const char *desk_ticket_path(long id, const char *tail);

/* Runs SQL (printf format) and fails the test when it fails. */
void desk_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
