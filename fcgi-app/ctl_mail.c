/* devforgectl mail-send: delivers the transactional mail outbox through
 * `sendmail -t -i` or into a maildir, as the config says. A failed
 * delivery stays queued with its error and is retried after a growing
 * delay (mail_backoff_s); nothing is ever deleted. With --once it makes
 * one pass (for cron); without, it keeps polling until SIGTERM/SIGINT.
 * Delivery is at least once: a sender killed between handing a message
 * over and recording it leaves the row to be sent again after its
 * lease. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "ctl_loop.h"
#include "ctl_mail.h"
#include "ctl_opts.h"
#include "db.h"
#include "err.h"
#include "mail.h"
#include "validate.h"
#include "store/outbox.h"

#define MAIL_BATCH 10                /* rows claimed at a time */
#define MAIL_SEND_TIMEOUT_S 60       /* one sendmail run */
#define MAIL_POLL_S 5                /* idle wait between passes */

/* Polling mode logs each delivery (a service's journal); --once prints
 * one summary line. Failures go to stderr either way. */
static int verbose;


int ctl_mail_parse(int argc, char **argv, int *optind,
	struct ctl_mail_opts *o)
{
	o->once = 0;
	o->limit = CTL_MAIL_LIMIT_DEFAULT;
	while (*optind < argc) {
		const char *a = argv[*optind], *v = NULL;
		uint64_t n;
		int rc;

		if (strcmp(a, "--once") == 0) {
			o->once = 1;
			(*optind)++;
			continue;
		}
		rc = ctl_opt_value(argc, argv, optind, "mail-send", "--limit",
			&v);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			fprintf(stderr, "devforgectl: mail-send: unknown option "
				"'%s'\n", a);
			return -1;
		}
		if (!validate_uint(v, CTL_MAIL_LIMIT_MAX, &n) || n < 1) {
			fprintf(stderr, "devforgectl: mail-send: --limit must be "
				"1-%d, not '%s'\n", CTL_MAIL_LIMIT_MAX, v);
			return -1;
		}
		o->limit = (unsigned)n;
	}
	return 0;
}

/* Formats and hands over one message. 0, or DF_EIO / DF_EINVAL with the
 * reason in err. */
static int deliver(const struct config *cfg, const struct store_outbox_mail *m,
	char *err, size_t errlen)
{
	struct mail_message msg;
	char id[300], *text = NULL;
	const char *why = NULL;
	size_t len = 0;
	int rc;

	rc = mail_message_id(cfg->mail_from, m->id, id, sizeof(id));
	if (rc != 0) {
		snprintf(err, errlen, "cannot make a Message-ID from mail_from");
		return rc;
	}
	msg = (struct mail_message){ .from = cfg->mail_from, .to = m->to,
		.subject = m->subject, .body = m->body, .date = m->created_unix,
		.message_id = id, .reply_to = m->reply_to };
	rc = mail_format(&msg, &text, &len, &why);
	if (rc != 0) {
		snprintf(err, errlen, "cannot format the message: %s",
			why != NULL ? why : df_strerror(rc));
		return rc;
	}
	if (cfg->mail_transport == CONFIG_MAIL_MAILDIR)
		rc = mail_deliver_maildir(cfg->mail_maildir, text, len, NULL, 0,
			err, errlen);
	else
		rc = mail_deliver_sendmail(cfg->sendmail_path, text, len,
			MAIL_SEND_TIMEOUT_S, err, errlen);
	free(text);
	return rc;
}

struct tally {
	unsigned sent, failed, lost_marks;
};

/* One pass: claims and delivers up to limit due messages. 0, or the
 * database error that ended it. */
static int pass(const struct config *cfg, struct arena *a, unsigned limit,
	struct tally *t)
{
	unsigned done = 0;

	while (done < limit && !ctl_loop_stopped()) {
		struct store_outbox_mail *m;
		size_t n, want = limit - done < MAIL_BATCH ? limit - done : MAIL_BATCH;
		/* Long enough for every message of the batch to time out. */
		unsigned lease = (unsigned)want * MAIL_SEND_TIMEOUT_S + 60;
		int rc;

		arena_reset(a);
		rc = store_outbox_claim(a, want, lease, &m, &n);
		if (rc != 0) {
			fprintf(stderr, "devforgectl: mail-send: cannot claim mail: "
				"%s\n", df_strerror(rc));
			return rc;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			char err[512];

			err[0] = '\0';
			if (deliver(cfg, &m[i], err, sizeof(err)) == 0) {
				rc = store_outbox_mark_sent(m[i].id);
				if (rc == 0) {
					t->sent++;
					if (verbose)
						printf("sent #%lld (%s)\n", (long long)m[i].id,
							m[i].template);
				} else {
					/* Delivered but not recorded: it goes out again
					 * after the lease, which beats losing it. */
					t->lost_marks++;
					fprintf(stderr, "devforgectl: mail-send: #%lld was "
						"delivered but could not be marked sent (%s); "
						"it will be sent again\n", (long long)m[i].id,
						df_strerror(rc));
				}
			} else {
				int64_t delay = mail_backoff_s(m[i].attempts);

				t->failed++;
				rc = store_outbox_mark_failed(m[i].id, err, delay);
				fprintf(stderr, "devforgectl: mail-send: #%lld (%s) "
					"failed, attempt %lld, retry in %lld s: %s%s\n",
					(long long)m[i].id, m[i].template,
					(long long)m[i].attempts + 1, (long long)delay, err,
					rc != 0 ? " (and the failure could not be "
					"recorded; it is retried after its lease)" : "");
			}
			fflush(stdout);
		}
		done += (unsigned)n;
		if (n < want)
			break;
	}
	return 0;
}

int ctl_mail_send(const struct config *cfg, const struct ctl_mail_opts *o)
{
	struct tally t = { 0 };
	struct arena *a;
	int rc = 0;

	verbose = !o->once;
	ctl_loop_signals();
	if (cfg->mail_transport == CONFIG_MAIL_SENDMAIL && !o->once)
		printf("mail-send: delivering through %s -t -i\n",
			cfg->sendmail_path);
	else if (!o->once)
		printf("mail-send: delivering into the maildir %s\n",
			cfg->mail_maildir);
	a = arena_new(65536);
	if (a == NULL) {
		fprintf(stderr, "devforgectl: out of memory\n");
		return 1;
	}
	if (db_init(cfg) != 0) {
		fprintf(stderr, "devforgectl: out of memory\n");
		arena_free(a);
		return 1;
	}
	if (o->once) {
		if (db_connect() != 0) {
			fprintf(stderr, "devforgectl: cannot connect to database "
				"'%s' (see the message above)\n", cfg->db_name);
			rc = DF_EDBDOWN;
		} else {
			rc = pass(cfg, a, o->limit, &t);
		}
	} else {
		/* A service: a database outage is waited out, not fatal. */
		while (!ctl_loop_stopped()) {
			struct tally before = t;

			pass(cfg, a, o->limit, &t);
			if (t.sent + t.failed + t.lost_marks ==
			    before.sent + before.failed + before.lost_marks)
				ctl_loop_idle(MAIL_POLL_S);
		}
	}
	db_close();
	arena_free(a);
	printf("mail-send: %u sent, %u failed\n", t.sent, t.failed);
	if (!o->once)
		return 0;   /* stopped by a signal, as asked */
	return rc != 0 || t.failed > 0 || t.lost_marks > 0 ? 1 : 0;
}
