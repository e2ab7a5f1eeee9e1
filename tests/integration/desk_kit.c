/* The support-desk programs' shared helpers: see desk_kit.h. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "desk_kit.h"

void desk_sql(const char *fmt, ...)
{
	char sql[8192], *out;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	out = client_sql_rows(sql);
	cr_assert(out != NULL, "SQL failed: %s", sql);
	free(out);
}

void desk_user_new(struct desk_user *u, const char *role,
	const char *display_name)
{
	char *s;

	memset(u, 0, sizeof(*u));
	u->auth = client_auth_header(role, u->id);
	cr_assert(u->auth != NULL);
	u->row = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'",
		u->id);
	cr_assert(u->row > 0);
	s = client_sqlf("SELECT username FROM users WHERE id = %ld", u->row);
	cr_assert(s != NULL);
	snprintf(u->username, sizeof(u->username), "%s", s);
	free(s);
	s = client_sqlf("SELECT email FROM users WHERE id = %ld", u->row);
	cr_assert(s != NULL);
	snprintf(u->email, sizeof(u->email), "%s", s);
	free(s);
	if (display_name != NULL)
		desk_sql("UPDATE users SET display_name = '%s' WHERE id = %ld",
			display_name, u->row);
}

void desk_user_free(struct desk_user *u)
{
	free(u->auth);
	u->auth = NULL;
}

long desk_ticket_new(long requester_row, long assignee_row,
	const char *status, long created_ago_s)
{
	char assignee[32];
	char *s;
	long id;

	if (assignee_row > 0)
		snprintf(assignee, sizeof(assignee), "%ld", assignee_row);
	else
		snprintf(assignee, sizeof(assignee), "NULL");
	s = client_sqlf("SET @at = UTC_TIMESTAMP(6) - INTERVAL %ld SECOND;"
		" INSERT INTO support_tickets (requester_id, assignee_id, subject,"
		" category, priority, status, via, created_at, updated_at)"
		" VALUES (%ld, %s, 'Cannot install an extension', 'technical',"
		" 'normal', '%s', 'web', @at, @at); SET @t = LAST_INSERT_ID();"
		" INSERT INTO support_ticket_messages (ticket_id, author_id, body,"
		" internal, via, created_at) VALUES (@t, %ld, 'It fails.', 0,"
		" 'web', @at); SELECT @t", created_ago_s, requester_row,
		assignee, status, requester_row);
	cr_assert(s != NULL, "ticket insert failed");
	id = atol(s);
	free(s);
	cr_assert(id > 0);
	return id;
}

const char *desk_ticket_path(long id, const char *tail)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "/api/v1/support/tickets/%ld%s", id,
		tail);
	return buf[i];
}
