/* The loop of devforgectl's long-running commands (mail-send,
 * webhooks-send, jobs): a stop flag that SIGTERM and SIGINT set, and an
 * idle wait that a stop ends at once. */
#ifndef DF_CTL_LOOP_H
#define DF_CTL_LOOP_H

/* Installs the handlers, without SA_RESTART, so a signal also ends the
 * wait the command is in. */
void ctl_loop_signals(void);
/* 1 once a stop signal came. */
int ctl_loop_stopped(void);
/* Sleeps up to seconds, less when a stop signal comes. */
void ctl_loop_idle(unsigned seconds);

#endif
