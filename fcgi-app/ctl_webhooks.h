/* devforgectl webhooks-send: delivers developers' webhook events (see
 * ctl_webhooks.c). */
#ifndef DF_CTL_WEBHOOKS_H
#define DF_CTL_WEBHOOKS_H

#include <time.h>

struct config;

struct ctl_webhooks_opts {
	int once;            /* one pass over what is due, then exit */
	time_t now;          /* --now: the sender's clock (tests); 0: real */
};

/* Parses the options after "webhooks-send" from argv[*optind] on,
 * advancing *optind past them. 0, or -1 with a message on stderr. */
int ctl_webhooks_parse(int argc, char **argv, int *optind,
	struct ctl_webhooks_opts *o);

/* Parses --now's value: unix seconds, or RFC 3339 UTC
 * ("2026-01-02T03:04:05Z"). 0 or -1. Exported for unit tests. */
int ctl_webhooks_parse_time(const char *s, time_t *out);

/* The wait before the next try after a series' attempts-th failed one
 * (1-based): 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, then 12 h. */
long ctl_webhooks_backoff_s(long attempts);

/* Runs the command: exit status 0 when the pass (or the service) ran,
 * whatever the endpoints answered (failures are recorded and retried);
 * 1 when the database could not be reached, 2 for --now in production
 * mode. */
int ctl_webhooks_send(const struct config *cfg,
	const struct ctl_webhooks_opts *o);

#endif
