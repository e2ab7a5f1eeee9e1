/* devforgectl mail-receive: one e-mail reply on standard input, the way
 * Postfix (pipe) or Exim (pipe transport) hand mail to a program, added
 * to its ticket or kept as a dead letter (see ctl_mail_receive.c). */
#ifndef DF_CTL_MAIL_RECEIVE_H
#define DF_CTL_MAIL_RECEIVE_H

#include <stdio.h>

struct config;

/* sysexits.h EX_TEMPFAIL: the MTA keeps the message and tries again. */
#define CTL_MAIL_RECEIVE_TEMPFAIL 75

struct ctl_mail_receive_opts {
	int help;            /* --help: print the usage, do nothing else */
};

/* Parses the options after "mail-receive" from argv[*optind] on,
 * advancing *optind past them. 0, or -1 with a message on stderr. */
int ctl_mail_receive_parse(int argc, char **argv, int *optind,
	struct ctl_mail_receive_opts *o);

/* The command's own help. */
void ctl_mail_receive_usage(FILE *f);

/* Reads one message from in and places it. Exit status 0 when it was
 * added to a ticket, was a duplicate, or was kept as a dead letter (the
 * MTA must neither bounce nor retry it); CTL_MAIL_RECEIVE_TEMPFAIL when
 * the database could not take it or the input could not be read (the
 * MTA retries). */
int ctl_mail_receive(const struct config *cfg, FILE *in);

#endif
