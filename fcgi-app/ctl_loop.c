/* devforgectl: the stop flag and idle wait its long-running commands
 * share. */
#include <errno.h>
#include <signal.h>
#include <time.h>
#include "ctl_loop.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

void ctl_loop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int ctl_loop_stopped(void)
{
	return stop != 0;
}

void ctl_loop_idle(unsigned seconds)
{
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 };

	while (!stop && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
