/* The raw password-hash rate of this machine: password_hash() at given
 * scrypt parameters, first in one process (milliseconds per hash), then
 * in N processes at once (hashes per second on all cores), the ceiling a
 * login benchmark is compared with. Not a test: it only measures.
 * Usage: scrypt-rate [-l ln] [-r r] [-p p] [-j processes] [-t seconds] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "password.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hashes for about secs seconds (at least 3 hashes); returns the count
 * and the elapsed time in *elapsed, or -1 on a hashing error. */
static long run(const struct password_params *pp, double secs,
	double *elapsed)
{
	char phc[PASSWORD_PHC_MAX];
	double start = now_s(), t;
	long n = 0;

	do {
		int rc = password_hash("correct horse battery staple", 28, pp, phc,
			sizeof(phc));

		if (rc != 0) {
			fprintf(stderr, "scrypt-rate: password_hash: %s\n",
				df_strerror(rc));
			return -1;
		}
		n++;
		t = now_s() - start;
	} while (t < secs || n < 3);
	*elapsed = t;
	return n;
}

static unsigned arg(const char *s, unsigned lo, unsigned hi, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "scrypt-rate: %s must be %u..%u\n", what, lo, hi);
		exit(2);
	}
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	struct password_params pp = { PASSWORD_DEFAULT_LN, PASSWORD_DEFAULT_R,
		PASSWORD_DEFAULT_P };
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned procs = online > 0 ? (unsigned)online : 1, secs = 5, i;
	double elapsed, start, wall;
	long n, total = 0;
	int c, fds[2];

	while ((c = getopt(argc, argv, "l:r:p:j:t:")) != -1) {
		switch (c) {
		case 'l':
			pp.ln = arg(optarg, PASSWORD_LN_MIN, PASSWORD_LN_MAX, "-l");
			break;
		case 'r':
			pp.r = arg(optarg, PASSWORD_R_MIN, PASSWORD_R_MAX, "-r");
			break;
		case 'p':
			pp.p = arg(optarg, PASSWORD_P_MIN, PASSWORD_P_MAX, "-p");
			break;
		case 'j':
			procs = arg(optarg, 1, 256, "-j");
			break;
		case 't':
			secs = arg(optarg, 1, 600, "-t");
			break;
		default:
			fprintf(stderr, "usage: scrypt-rate [-l ln] [-r r] [-p p] "
				"[-j processes] [-t seconds]\n");
			return 2;
		}
	}
	if (!password_params_ok(&pp)) {
		fprintf(stderr, "scrypt-rate: 128*r*2^ln is above %llu MiB\n",
			PASSWORD_MAX_MEMORY >> 20);
		return 2;
	}

	n = run(&pp, secs, &elapsed);
	if (n < 0)
		return 1;
	printf("scrypt ln=%u r=%u p=%u processes=1 hashes=%ld seconds=%.2f "
		"ms_per_hash=%.1f hashes_per_s=%.1f\n", pp.ln, pp.r, pp.p, n,
		elapsed, elapsed * 1e3 / (double)n, (double)n / elapsed);
	fflush(stdout);

	if (pipe(fds) != 0) {
		perror("scrypt-rate: pipe");
		return 1;
	}
	start = now_s();
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("scrypt-rate: fork");
			return 1;
		}
		if (pid == 0) {
			close(fds[0]);
			n = run(&pp, secs, &elapsed);
			if (write(fds[1], &n, sizeof(n)) != (ssize_t)sizeof(n))
				_exit(1);
			_exit(n < 0);
		}
	}
	close(fds[1]);
	for (i = 0; i < procs; i++) {
		if (read(fds[0], &n, sizeof(n)) != (ssize_t)sizeof(n) || n < 0) {
			fprintf(stderr, "scrypt-rate: a worker failed\n");
			return 1;
		}
		total += n;
	}
	while (wait(NULL) > 0)
		;
	wall = now_s() - start;
	printf("scrypt ln=%u r=%u p=%u processes=%u hashes=%ld seconds=%.2f "
		"ms_per_hash=%.1f hashes_per_s=%.1f\n", pp.ln, pp.r, pp.p, procs,
		total, wall, wall * 1e3 * procs / (double)total,
		(double)total / wall);
	return 0;
}
