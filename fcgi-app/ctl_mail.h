/* devforgectl mail-send: delivers the mail outbox (see ctl_mail.c). */
#ifndef DF_CTL_MAIL_H
#define DF_CTL_MAIL_H

struct arena;
struct config;

struct ctl_mail_opts {
	int once;            /* one pass over what is due, then exit */
	unsigned limit;      /* messages per pass */
};

#define CTL_MAIL_LIMIT_DEFAULT 100
#define CTL_MAIL_LIMIT_MAX 10000

/* Parses the options after "mail-send" from argv[*optind] on, advancing
 * *optind past them. 0, or -1 with a message on stderr. */
int ctl_mail_parse(int argc, char **argv, int *optind,
	struct ctl_mail_opts *o);

/* Runs the command: exit status 0 when everything due was delivered (or
 * nothing was due), 1 when a delivery failed (it stays queued and is
 * retried later) or the database could not be reached. */
int ctl_mail_send(const struct config *cfg, const struct ctl_mail_opts *o);

/* What passes delivered, added up. */
struct ctl_mail_tally {
	unsigned sent, failed, lost_marks;
};

/* One delivery pass (the command's, and the mail-send job's in
 * ctl_jobs.c): claims and delivers up to limit due messages, adding to
 * t; stops early on a stop signal. Uses a (reset per batch). 0, or the
 * database error that ended it (already on stderr). Must not be called
 * inside a transaction. */
int ctl_mail_pass(const struct config *cfg, struct arena *a, unsigned limit,
	struct ctl_mail_tally *t);

#endif
