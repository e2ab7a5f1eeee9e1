/* devforgectl orders-expire (for cron) and pay (the dev stack's
 * customer). */
#ifndef DF_CTL_ORDERS_H
#define DF_CTL_ORDERS_H

struct config;

/* Marks every pending order past its expires_at expired. Exit status:
 * 0 done, 1 failed (the reason printed). */
int ctl_orders_expire(const struct config *cfg);

/* Plays the customer of order_id against the Stripe stand-in: has it
 * complete the order's Checkout Session and delivers the signed
 * checkout.session.completed to the stack's webhook. Refused in
 * production mode. Exit status: 0 delivered and accepted, 1 failed, 2
 * refused. */
int ctl_orders_pay(const struct config *cfg, const char *order_id);

#endif
