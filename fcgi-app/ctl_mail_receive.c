/* devforgectl mail-receive: an e-mail reply to a ticket. The message
 * (at most 10 MiB) is read whole from stdin and parsed (core/mime.h);
 * the reply address is looked for among To, Cc, Delivered-To and
 * X-Original-To (the envelope recipient an MTA records), its token
 * checked (core/mactoken.h, keyed by jwt_secret, on support_reply_address),
 * the From address compared with the requester's e-mail, quoted history
 * and signatures stripped (core/reply_strip.h), and the rest added to
 * the ticket as the requester's message via email, the Message-ID the
 * dedupe key (so an MTA that delivers twice adds it once). Whatever
 * cannot be placed is kept whole in support_mail_dead_letters with its
 * reason: an MTA must never bounce a customer's mail to us, nor lose it.
 * Only a database that cannot take it makes the MTA retry (exit 75). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "ctl_mail_receive.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "mactoken.h"
#include "mime.h"
#include "reply_strip.h"
#include "shm.h"
#include "validate.h"
#include "store/mail_dead.h"
#include "store/tickets.h"

/* A ticket message's longest body, as POST .../messages allows. */
#define BODY_MAX_CHARS 10000

void ctl_mail_receive_usage(FILE *f)
{
	fprintf(f,
		"usage: devforgectl [-c CONF] mail-receive < MESSAGE\n"
		"\n"
		"Reads one RFC 5322 message (at most 10 MiB) on standard input, as\n"
		"an MTA pipes it to a program, and adds the reply to its support\n"
		"ticket: the reply address (support_reply_address with a signed\n"
		"ticket token, local+token@host) is looked for in To, Cc,\n"
		"Delivered-To and X-Original-To; From must be the requester's\n"
		"e-mail; quoted history and signatures are stripped. A message\n"
		"it cannot place (no_token, forged_token, unknown_ticket,\n"
		"sender_mismatch, malformed, empty_body, too_large, auto_reply)\n"
		"is kept in support_mail_dead_letters. A second delivery of one\n"
		"Message-ID adds nothing.\n"
		"\n"
		"Exit status: 0 placed, duplicate or kept as a dead letter (the\n"
		"MTA must not bounce it); 75 (EX_TEMPFAIL) the database could not\n"
		"take it, or standard input could not be read (the MTA retries).\n"
		"\n"
		"Postfix master.cf:\n"
		"  devforge unix - n n - - pipe flags=Rq user=devforge\n"
		"    argv=/usr/bin/devforgectl mail-receive\n");
}

int ctl_mail_receive_parse(int argc, char **argv, int *optind,
	struct ctl_mail_receive_opts *o)
{
	o->help = 0;
	while (*optind < argc) {
		const char *a = argv[*optind];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = 1;
			(*optind)++;
			continue;
		}
		fprintf(stderr, "devforgectl: mail-receive: unknown option '%s'\n", a);
		return -1;
	}
	return 0;
}

/* Reads in whole, up to MIME_MAX_INPUT bytes; *over: there was more (it
 * is read and thrown away so the MTA's pipe does not break). 0 or -1. */
static int read_all(FILE *in, char **out, size_t *len, int *over)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1), *nb;

	*over = 0;
	if (buf == NULL)
		return -1;
	for (;;) {
		size_t r;

		if (n == cap) {
			if (cap >= MIME_MAX_INPUT) {
				char sink[65536];

				while (fread(sink, 1, sizeof(sink), in) > 0)
					*over = 1;
				break;
			}
			cap = cap * 2 > MIME_MAX_INPUT ? MIME_MAX_INPUT : cap * 2;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				free(buf);
				return -1;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, in);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(in)) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* A header value fit for a utf8mb4 column, else NULL. */
static const char *clean(const char *s)
{
	return s != NULL && validate_utf8(s, strlen(s)) ? s : NULL;
}

struct receive {
	struct arena *a;
	const struct config *cfg;
	const char *raw;
	size_t len;
	struct mime_msg msg;
	const char *to;           /* the reply address, or a recipient */
	int64_t ticket_id;
	time_t now;
};

static int exit_for(int rc)
{
	fprintf(stderr, "devforgectl: mail-receive: database: %s; the MTA "
		"should try again\n", df_strerror(rc));
	return CTL_MAIL_RECEIVE_TEMPFAIL;
}

static int dead(struct receive *r, const char *reason, const char *detail)
{
	struct store_mail_dead d = {
		.reason = reason, .detail = detail,
		.from_addr = clean(r->msg.from), .to_addr = clean(r->to),
		.subject = r->msg.subject, .message_id = r->msg.message_id,
		.ticket_id = r->ticket_id, .raw = r->raw, .raw_len = r->len,
		.now = r->now,
	};
	int64_t id = 0;
	int rc;

	rc = store_mail_dead_add(&d, &id);
	if (rc != 0)
		return exit_for(rc);
	printf("mail-receive: dead letter %lld: %s%s%s\n", (long long)id, reason,
		detail != NULL ? ": " : "", detail != NULL ? detail : "");
	return 0;
}

/* The ticket of the first valid reply address among the recipients:
 * 0; DF_ENOTFOUND none of ours; DF_EAUTH only forged or broken ones. */
static int find_ticket(struct receive *r)
{
	int forged = 0;
	size_t i;

	for (i = 0; i < r->msg.n_rcpt; i++) {
		const char *addr = r->msg.rcpt[i].addr;
		int64_t id = 0;
		int rc;

		rc = mactoken_reply_ticket(r->cfg->jwt_secret,
			r->cfg->jwt_secret_len, r->cfg->support_reply_address, addr,
			&id);
		if (rc == 0) {
			r->to = addr;
			r->ticket_id = id;
			return 0;
		}
		if (rc != DF_ENOTFOUND && !forged) {
			forged = 1;
			r->to = addr;
		}
	}
	if (!forged && r->msg.n_rcpt > 0)
		r->to = r->msg.rcpt[0].addr;
	return forged ? DF_EAUTH : DF_ENOTFOUND;
}

static int place(struct receive *r, int over)
{
	struct store_ticket_msg_out out;
	struct store_ticket_msg_in in;
	struct store_ticket t;
	char *body, key[80];
	const char *mid;
	int prc, rc, tries;

	prc = mime_parse(r->a, r->raw, r->len, &r->msg);
	if (prc == DF_ENOMEM) {
		fprintf(stderr, "devforgectl: mail-receive: out of memory\n");
		return CTL_MAIL_RECEIVE_TEMPFAIL;
	}
	rc = find_ticket(r);
	if (over)
		return dead(r, MAIL_DEAD_TOO_LARGE, "message over 10 MiB; the "
			"first 10 MiB are kept");
	if (prc != 0)
		return dead(r, MAIL_DEAD_MALFORMED, r->msg.error);
	if (rc == DF_ENOTFOUND)
		return dead(r, MAIL_DEAD_NO_TOKEN, NULL);
	if (rc != 0)
		return dead(r, MAIL_DEAD_FORGED_TOKEN, NULL);
	if (r->msg.auto_reply)
		return dead(r, MAIL_DEAD_AUTO_REPLY, "sent by a program "
			"(Auto-Submitted, X-Autoreply or Precedence)");
	rc = store_tickets_get(r->a, r->ticket_id, 0, &t);
	if (rc == DF_ENOTFOUND)
		return dead(r, MAIL_DEAD_UNKNOWN_TICKET, NULL);
	if (rc != 0)
		return exit_for(rc);
	if (r->msg.from == NULL || t.requester_email == NULL ||
	    strcasecmp(r->msg.from, t.requester_email) != 0)
		return dead(r, MAIL_DEAD_SENDER_MISMATCH,
			"From is not the requester's e-mail address");
	if (reply_strip(r->a, r->msg.text, &body) != 0) {
		fprintf(stderr, "devforgectl: mail-receive: out of memory\n");
		return CTL_MAIL_RECEIVE_TEMPFAIL;
	}
	reply_strip_controls(body);
	if (reply_strip_blank(body))
		return dead(r, MAIL_DEAD_EMPTY_BODY, "no text left after quoted "
			"history and signatures");
	if (json_utf8_length(body, strlen(body)) > BODY_MAX_CHARS)
		return dead(r, MAIL_DEAD_TOO_LARGE, "reply text over 10000 "
			"characters");
	/* Without a Message-ID the message's own hash dedupes an MTA's
	 * second delivery of the same bytes. */
	mid = r->msg.message_id;
	if (mid == NULL) {
		char hex[65];

		crypto_sha256_hex(r->raw, r->len, hex);
		snprintf(key, sizeof(key), "sha256:%s", hex);
		mid = key;
	}
	memset(&in, 0, sizeof(in));
	in.ticket_id = r->ticket_id;
	in.author_id = t.requester_id;
	in.body = body;
	in.via = TICKET_VIA_EMAIL;
	in.mail_message_id = mid;
	in.now = r->now;
	/* A conflict here is the same Message-ID inserted meanwhile by a
	 * parallel delivery: the second try finds it as a duplicate. */
	for (tries = 0; tries < 2; tries++) {
		rc = store_tickets_add_message(r->a, &in, &out);
		if (rc != DF_ECONFLICT)
			break;
	}
	if (rc == DF_ENOTFOUND)
		return dead(r, MAIL_DEAD_UNKNOWN_TICKET, NULL);
	if (rc != 0)
		return exit_for(rc);
	if (out.duplicate)
		printf("mail-receive: duplicate of message %lld on ticket %lld; "
			"nothing added\n", (long long)out.message_id,
			(long long)out.ticket_id);
	else
		printf("mail-receive: message %lld added to ticket %lld%s (%s)\n",
			(long long)out.message_id, (long long)out.ticket_id,
			out.follow_up ? ", a follow-up" : "",
			out.status != NULL ? out.status : "");
	return 0;
}

int ctl_mail_receive(const struct config *cfg, FILE *in)
{
	struct receive r;
	char *raw;
	size_t len;
	int over, rc;

	if (read_all(in, &raw, &len, &over) != 0) {
		/* The MTA still holds it: let it try again. */
		fprintf(stderr, "devforgectl: mail-receive: cannot read the "
			"message from standard input\n");
		return CTL_MAIL_RECEIVE_TEMPFAIL;
	}
	memset(&r, 0, sizeof(r));
	r.a = arena_new(1 << 20);
	if (r.a == NULL || db_init(cfg) != 0) {
		fprintf(stderr, "devforgectl: mail-receive: out of memory\n");
		arena_free(r.a);
		free(raw);
		return CTL_MAIL_RECEIVE_TEMPFAIL;
	}
	/* A requester's reply mails nobody today; should the rules change,
	 * the mail is signed like the workers'. */
	store_tickets_mail_setup(cfg->jwt_secret, cfg->jwt_secret_len,
		cfg->support_reply_address);
	/* The workers' shared segment, when this host runs them: a placed
	 * reply makes the cached staff queues stale at once (without it,
	 * within cache_counts_max_age). */
	if (cfg->shm_name != NULL && cfg->shm_name[0] != '\0' &&
	    shm_attach_existing(cfg->shm_name, &shm_current) != 0)
		shm_current = NULL;
	r.cfg = cfg;
	r.raw = raw;
	r.len = len;
	r.now = clock_now();
	rc = place(&r, over);
	if (shm_current != NULL) {
		shm_detach(shm_current);
		shm_current = NULL;
	}
	arena_free(r.a);
	free(raw);
	return rc;
}
