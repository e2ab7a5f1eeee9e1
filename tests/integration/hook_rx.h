/* A receiver for developers' webhooks (devforgectl webhooks-send), run
 * by the integration program itself on a loopback port: a thread that
 * records each request to its own path (headers DevForge-Signature,
 * DevForge-Event-Id, DevForge-Delivery-Id, Content-Type, and the body)
 * and answers 200, 500 or nothing as told. One receiver per test
 * process (Criterion runs each test in its own). */
#ifndef DF_TEST_HOOK_RX_H
#define DF_TEST_HOOK_RX_H

#include <stddef.h>

/* RX_SLOW: 200 after 50 ms, so that two senders overlap. */
enum rx_mode { RX_OK, RX_FAIL, RX_CLOSE, RX_SLOW };

struct rx_req {
	char sig[256], event_id[128], delivery_id[64], ctype[128];
	char *body;
	int answered;            /* the status sent; 0: closed */
};

/* Starts the receiver answering as mode; its URL (static): a path of
 * this run, so a leftover delivery of an earlier run to a reused port is
 * not counted. */
const char *rx_start(enum rx_mode mode);
/* Answers as mode from now on. */
void rx_set(enum rx_mode mode);
/* The requests recorded so far. */
size_t rx_count(void);
/* Requests for event_id, and how many of them were answered 2xx. */
size_t rx_for(const char *event_id, size_t *ok);
/* The i-th request recorded (the test fails when there is none). */
const struct rx_req *rx_req_at(size_t i);
/* The signature header "t=<t>,v1=<hex>" verifies over the body with
 * secret, and t is the sender's clock. */
void rx_assert_signed(const struct rx_req *r, const char *secret, long t);

#endif
