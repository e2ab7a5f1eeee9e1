/* SQL for the mail dead letters (see mail_dead.h). */
#include <string.h>

#include "db.h"
#include "store/mail_dead.h"

/* The bytes of s's first max UTF-8 characters (s is valid UTF-8). */
static size_t utf8_prefix(const char *s, size_t max)
{
	size_t i = 0, n = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	return i;
}

static struct db_param text_param(const char *s, size_t max)
{
	if (s == NULL)
		return DB_NULL();
	return DB_STRN(s, utf8_prefix(s, max));
}

int store_mail_dead_add(const struct store_mail_dead *d, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO support_mail_dead_letters (received_at, reason,"
		" detail, from_addr, to_addr, subject, message_id, ticket_id,"
		" raw) VALUES (FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?)";
	uint64_t iid = 0;
	int rc;

	rc = db_exec(sql, DBP(DB_INT(d->now), DB_STR(d->reason),
		text_param(d->detail, 500), text_param(d->from_addr, 254),
		text_param(d->to_addr, 254), text_param(d->subject, 255),
		text_param(d->message_id, 255),
		d->ticket_id > 0 ? DB_INT(d->ticket_id) : DB_NULL(),
		DB_BLOB(d->raw != NULL ? d->raw : "", d->raw_len)), NULL, &iid);
	if (rc == 0 && id != NULL)
		*id = (int64_t)iid;
	return rc;
}
