/* The support-desk programs' shared helpers: see desk_kit.h. */
#define _GNU_SOURCE /* strcasestr */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "desk_kit.h"
#include "mactoken.h"

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

long desk_ticket_post(const struct desk_user *p)
{
	struct client_resp r;
	struct json_object *o, *v;
	long id;

	client_call("POST", "/api/v1/support/tickets", p->auth, "{\"subject\":"
		"\"Licence not accepted on second machine\",\"body\":\"It does "
		"not work.\",\"category\":\"technical\"}", &r);
	o = client_expect_json(&r, 201);
	cr_assert(json_object_object_get_ex(o, "id", &v));
	id = json_object_get_int64(v);
	json_object_put(o);
	client_free(&r);
	return id;
}

struct json_object *desk_ticket_json(const struct desk_user *p, long id)
{
	struct client_resp r;
	struct json_object *o;
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/support/tickets/%ld", id);
	client_call("GET", path, p->auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

size_t desk_message_count(const struct desk_user *p, long id)
{
	struct json_object *o = desk_ticket_json(p, id), *msgs;
	size_t n;

	cr_assert(json_object_object_get_ex(o, "messages", &msgs));
	n = json_object_array_length(msgs);
	json_object_put(o);
	return n;
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

char *desk_replace(char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0, o = 0;
	char *p, *out;

	for (p = s; (p = strstr(p, from)) != NULL; p += fl)
		n++;
	out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1);
	cr_assert_not_null(out);
	for (p = s;;) {
		char *q = strstr(p, from);

		if (q == NULL) {
			strcpy(out + o, p);
			break;
		}
		memcpy(out + o, p, (size_t)(q - p));
		o += (size_t)(q - p);
		memcpy(out + o, to, tl);
		o += tl;
		p = q + fl;
	}
	free(s);
	return out;
}

void desk_reply_address(long id, char *out, size_t cap)
{
	char key[512];
	char *base = client_config("support_reply_address", "support@devforge.dev");
	size_t klen = client_jwt_secret(key, sizeof(key));

	cr_assert_eq(mactoken_reply_address(key, klen, base, id, out, cap), 0);
	free(base);
}

char *desk_mail_fixture(const char *name, const char *to, const char *from,
	const char *tag, char *mid, size_t midcap)
{
	const char *src = getenv("DEVFORGE_TEST_SRCDIR");
	char path[1024], prefix[64], *s, *h, *lt, *gt, *out;
	size_t n;

	if (src != NULL)
		snprintf(path, sizeof(path), "%s/tests/mail/%s", src, name);
	else {
		/* Run by hand from the build tree: beside this source. */
		snprintf(path, sizeof(path), "%s", __FILE__);
		*strrchr(path, '/') = '\0';
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			"/../mail/%s", name);
	}
	s = client_file(path);
	cr_assert_not_null(s, "cannot read %s", path);
	s = desk_replace(s, DESK_FIXTURE_REPLY, to);
	if (from != NULL)
		s = desk_replace(s, DESK_FIXTURE_FROM, from);
	/* A Message-ID of this run: "<" then a unique prefix. */
	h = strncasecmp(s, "Message-ID:", 11) == 0 ? s :
		strcasestr(s, "\nMessage-ID:");
	cr_assert_not_null(h, "%s has no Message-ID", name);
	lt = strchr(h, '<');
	cr_assert_not_null(lt);
	snprintf(prefix, sizeof(prefix), "<%s.", client_unique(tag));
	*lt = '\0';
	n = strlen(s) + strlen(prefix) + strlen(lt + 1) + 1;
	out = malloc(n);
	cr_assert_not_null(out);
	snprintf(out, n, "%s%s%s", s, prefix, lt + 1);
	free(s);
	h = strstr(out, prefix);
	gt = strchr(h, '>');
	snprintf(mid, midcap, "%.*s", (int)(gt - h - 1), h + 1);
	return out;
}
