/* Signs webhook bodies for tests/bench/webhook.sh: reads one event body a
 * line on stdin and writes "<Stripe-Signature>\t<body>" a line, signed
 * with the endpoint's secret at one timestamp (now, unless given) by the
 * workers' own stripe_sig_header, so the benchmark's events verify
 * exactly as Stripe's would. Run right before each round: the workers
 * refuse a timestamp older than STRIPE_SIG_TOLERANCE. Not a test.
 * Usage: webhook-sign secret-file [unix-time] <bodies >signed */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "stripe_sig.h"

int main(int argc, char **argv)
{
	char secret[512], hdr[STRIPE_SIG_MAX_HEADER];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	time_t t = time(NULL);
	long n = 0;
	FILE *f;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: webhook-sign secret-file [unix-time]"
			" <bodies >signed\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (f == NULL || fgets(secret, sizeof(secret), f) == NULL) {
		fprintf(stderr, "webhook-sign: %s: %s\n", argv[1],
			f == NULL ? strerror(errno) : "empty");
		return 1;
	}
	fclose(f);
	secret[strcspn(secret, "\r\n")] = '\0';
	if (argc == 3)
		t = (time_t)strtoll(argv[2], NULL, 10);
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		rc = stripe_sig_header(secret, t, line, (size_t)len, hdr,
			sizeof(hdr));
		if (rc != 0) {
			fprintf(stderr, "webhook-sign: line %ld: %s\n", n + 1,
				df_strerror(rc));
			return 1;
		}
		printf("%s\t%s\n", hdr, line);
		n++;
	}
	free(line);
	if (fflush(stdout) != 0 || ferror(stdin)) {
		fprintf(stderr, "webhook-sign: I/O error\n");
		return 1;
	}
	return 0;
}
