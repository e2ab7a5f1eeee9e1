/* Developers' webhooks through the front server and devforgectl
 * webhooks-send against the stack's database: the endpoint routes (CRUD,
 * validation, roles, another developer's endpoint, the secret shown
 * once), and delivery to a receiver this program runs on a loopback
 * port (a thread that records each request and answers 200, 500 or
 * nothing as told): a signature that verifies with the endpoint's
 * secret, the same event id on every retry, an endpoint failing for two
 * simulated days getting every event exactly once after it recovers,
 * every attempt logged, three days of failure disabling the endpoint and
 * mailing its owner, redelivery, and nothing for a deleted endpoint.
 * Events are inserted as payments writes them; the sender's clock is
 * moved with --now. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "hook_rx.h"

#define HOOKS "/api/v1/developers/me/webhooks"
#define DAY 86400L

/* --- the stack -------------------------------------------------------- */

struct dev {
	char *auth;
	char id[40];
	long row;
	char *email;
};

static void dev_new(struct dev *d)
{
	d->auth = client_auth_header("developer", d->id);
	d->row = client_sql_longf("SELECT id FROM users WHERE public_id = '%s'", d->id);
	d->email = client_sqlf("SELECT email FROM users WHERE id = %ld", d->row);
	cr_assert(d->row > 0 && d->email != NULL);
}

static void dev_free(struct dev *d)
{
	free(d->auth);
	free(d->email);
}

/* Creates an endpoint; its id into id, its secret into secret (when not
 * NULL). */
static void endpoint_new(const struct dev *d, const char *url,
	const char *events, char id[40], char secret[80])
{
	struct client_resp r;
	char body[1024];
	char *s;

	snprintf(body, sizeof(body), "{\"url\": \"%s\", \"events\": %s}", url,
		events);
	client_call("POST", HOOKS, d->auth, body, &r);
	json_object_put(client_expect_json(&r, 201));
	s = client_body_str(&r, "id");
	cr_assert(s != NULL);
	snprintf(id, 40, "%s", s);
	free(s);
	if (secret != NULL) {
		s = client_body_str(&r, "secret");
		cr_assert(s != NULL);
		snprintf(secret, 80, "%s", s);
		free(s);
	}
	client_free(&r);
}

/* An event for the developer as payments writes it; its evt_ id
 * (static, four deep). */
static const char *event_new(const struct dev *d, const char *type)
{
	static char ids[4][64];
	static unsigned slot;
	char *id = ids[slot++ % 4];
	unsigned char raw[16];
	char *rc;

	cr_assert_eq(RAND_bytes(raw, sizeof(raw)), 1);
	snprintf(id, 64, "evt_");
	for (int i = 0; i < 16; i++)
		sprintf(id + 4 + 2 * i, "%02x", raw[i]);
	rc = client_sqlf("INSERT INTO webhook_events (public_id, user_id, type,"
		" payload, created_at) VALUES ('%s', %ld, '%s',"
		" CONCAT('{\"id\":\"%s\",\"type\":\"%s\",\"created\":\"',"
		" DATE_FORMAT(UTC_TIMESTAMP(), '%%Y-%%m-%%dT%%H:%%i:%%sZ'),"
		" '\",\"data\":{\"order_id\":\"00000000-0000-4000-8000-000000000001\","
		"\"extension\":\"some-ext\",\"gross\":1000,\"fee\":200,\"net\":800,"
		"\"currency\":\"USD\"}}'), UTC_TIMESTAMP(6));"
		" SELECT ROW_COUNT()", id, d->row, type, id, type);
	cr_assert(rc != NULL && strcmp(rc, "1") == 0, "insert: %s", rc ? rc : "");
	free(rc);
	return id;
}

/* Runs webhooks-send --once at the clock t; its output is checked to
 * end in the summary line. */
static void send_at(long t)
{
	char *out;
	int rc;

	rc = client_ctl_run(0, &out, "webhooks-send --once --now %ld", t);
	cr_assert_eq(rc, 0, "webhooks-send: %s", out);
	cr_assert(strstr(out, "webhooks-send: ") != NULL, "%s", out);
	free(out);
}

/* The endpoint's earliest pending delivery's next try (unix), -1 when
 * none is pending. */
static long next_due(const char *ep)
{
	return client_sql_longf(
		"SELECT COALESCE(MIN(TIMESTAMPDIFF(SECOND, '1970-01-01',"
		" d.next_attempt_at)), -1) FROM webhook_deliveries d"
		" JOIN webhook_endpoints e ON e.id = d.endpoint_id"
		" WHERE e.public_id = '%s' AND d.status = 'pending'", ep);
}

/* Runs the sender at every due time of the endpoint's deliveries up to
 * until; returns how many passes ran. */
static int advance(const char *ep, long until)
{
	int passes = 0;
	long t;

	while ((t = next_due(ep)) >= 0 && t <= until) {
		send_at(t);
		cr_assert(++passes < 100, "the schedule does not move on");
	}
	return passes;
}

static long ep_long(const char *ep, const char *expr)
{
	return client_sql_longf("SELECT %s FROM"
		" webhook_endpoints WHERE public_id = '%s'", expr, ep);
}

static char *ep_str(const char *ep, const char *expr)
{
	return client_sqlf("SELECT %s FROM webhook_endpoints WHERE"
		" public_id = '%s'", expr, ep);
}

static long delivery_long(const char *ep, const char *event_id,
	const char *expr)
{
	return client_sql_longf("SELECT %s FROM"
		" webhook_deliveries d JOIN webhook_endpoints e ON"
		" e.id = d.endpoint_id JOIN webhook_events v ON v.id = d.event_id"
		" WHERE e.public_id = '%s' AND v.public_id = '%s'", expr, ep,
		event_id);
}

static void endpoint_delete(const struct dev *d, const char *ep)
{
	char path[256];

	snprintf(path, sizeof(path), HOOKS "/%s", ep);
	cr_assert_eq(client_status("DELETE", path, d->auth, NULL), 204);
}

/* The deliveries list of the endpoint (put it when done). */
static struct json_object *deliveries(const struct dev *d, const char *ep)
{
	struct client_resp r;
	struct json_object *o;
	char path[256];

	snprintf(path, sizeof(path), HOOKS "/%s/deliveries", ep);
	client_call("GET", path, d->auth, NULL, &r);
	o = client_expect_json(&r, 200);
	client_free(&r);
	return o;
}

/* --- the routes ------------------------------------------------------- */

Test(devhooks, create_shows_the_secret_once_and_lists_without_it)
{
	struct client_resp r;
	struct json_object *o, *items, *it;
	char path[256], *loc, *id, *secret;
	struct dev d;

	dev_new(&d);
	client_call("POST", HOOKS, d.auth, "{\"url\": \"https://hooks.example/"
		"in?x=1\", \"events\": [\"sale.completed\", \"sale.refunded\"]}", &r);
	o = client_expect_json(&r, 201);
	id = client_body_str(&r, "id");
	secret = client_body_str(&r, "secret");
	loc = client_header(&r, "Location");
	cr_assert(id != NULL && secret != NULL && loc != NULL);
	cr_assert(strncmp(secret, "whsec_", 6) == 0 && strlen(secret) == 54,
		"%s", secret);
	snprintf(path, sizeof(path), HOOKS "/%s", id);
	cr_assert_str_eq(loc, path);
	cr_assert_str_eq(client_json_str(o, "url"), "https://hooks.example/in?x=1");
	cr_assert_str_eq(client_json_str(o, "status"), "active");
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"events")), 2);
	json_object_put(o);
	client_free(&r);

	client_call("GET", HOOKS, d.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	items = json_object_object_get(o, "items");
	cr_assert_eq(json_object_array_length(items), 1);
	it = json_object_array_get_idx(items, 0);
	cr_assert_str_eq(client_json_str(it, "id"), id);
	cr_assert(!json_object_object_get_ex(it, "secret", NULL));
	cr_assert(strstr(r.body, secret + 6) == NULL);
	json_object_put(o);
	client_free(&r);

	client_call("GET", path, d.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert(!json_object_object_get_ex(o, "secret", NULL));
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
		json_object_object_get(o, "events"), 0)), "sale.completed");
	json_object_put(o);
	client_free(&r);

	endpoint_delete(&d, id);
	client_call("GET", path, d.auth, NULL, &r);
	client_assert_problem(&r, 404, "not_found");
	client_free(&r);
	cr_assert_eq(client_status("DELETE", path, d.auth, NULL), 404);
	client_call("GET", HOOKS, d.auth, NULL, &r);
	o = client_expect_json(&r, 200);
	cr_assert_eq(json_object_array_length(json_object_object_get(o,
		"items")), 0);
	json_object_put(o);
	client_free(&r);
	free(id);
	free(secret);
	free(loc);
	dev_free(&d);
}

static void refused(const struct dev *d, const char *body, const char *field,
	const char *code)
{
	struct client_resp r;

	client_call("POST", HOOKS, d->auth, body, &r);
	client_assert_field_error(&r, field, code);
	client_free(&r);
}

Test(devhooks, bad_endpoints_are_refused_and_change_nothing)
{
	struct dev d;
	char id[40];

	dev_new(&d);
	refused(&d, "{\"events\": [\"*\"]}", "url", "required");
	refused(&d, "{\"url\": \"https://a.example/\"}", "events", "required");
	refused(&d, "{\"url\": \"ftp://a.example/\", \"events\": [\"*\"]}",
		"url", "invalid_format");
	refused(&d, "{\"url\": \"https://u:p@a.example/\", \"events\": [\"*\"]}",
		"url", "invalid_format");
	refused(&d, "{\"url\": \"https://a.example/#frag\", \"events\": [\"*\"]}",
		"url", "invalid_format");
	refused(&d, "{\"url\": \"https://a.example/\", \"events\": []}",
		"events", "too_short");
	refused(&d, "{\"url\": \"https://a.example/\", \"events\": "
		"[\"sale.exploded\"]}", "events", "invalid_value");
	refused(&d, "{\"url\": \"https://a.example/\", \"events\": "
		"[\"*\", \"sale.refunded\"]}", "events", "invalid_value");
	refused(&d, "{\"url\": \"https://a.example/\", \"events\": "
		"[\"sale.refunded\", \"sale.refunded\"]}", "events", "duplicate");
	refused(&d, "{\"url\": \"https://a.example/\", \"events\": [\"*\"],"
		" \"secret\": \"x\"}", "secret", "unknown_field");
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM webhook_endpoints"
		" WHERE user_id = %ld", d.row), 0);

	/* Ten, then 409; a deleted one frees its place. */
	for (int i = 0; i < 10; i++)
		endpoint_new(&d, "https://a.example/", "[\"*\"]", id, NULL);
	{
		struct client_resp r;

		client_call("POST", HOOKS, d.auth, "{\"url\": \"https://a.example/\","
			" \"events\": [\"*\"]}", &r);
		client_assert_problem(&r, 409, "conflict");
		client_free(&r);
	}
	endpoint_delete(&d, id);
	endpoint_new(&d, "https://a.example/", "[\"*\"]", id, NULL);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM webhook_endpoints"
		" WHERE user_id = %ld AND deleted_at IS NULL", d.row), 10);

	{
		char path[256];
		struct client_resp r;

		snprintf(path, sizeof(path), HOOKS "/%s", id);
		client_call("PATCH", path, d.auth, "{\"status\": \"disabled\"}", &r);
		client_assert_field_error(&r, "status", "invalid_format");
		client_free(&r);
	}
	dev_free(&d);
}

Test(devhooks, users_are_forbidden_and_another_developers_endpoint_is_not_found)
{
	struct dev d, other;
	char id[40], path[512], *user = client_auth_header("user", NULL);
	struct client_resp r;

	dev_new(&d);
	dev_new(&other);
	client_call("POST", HOOKS, user, "{\"url\": \"https://a.example/\","
		" \"events\": [\"*\"]}", &r);
	client_assert_problem(&r, 403, "forbidden");
	client_free(&r);
	cr_assert_eq(client_status("GET", HOOKS, user, NULL), 403);
	cr_assert_eq(client_status("GET", HOOKS, NULL, NULL), 401);

	endpoint_new(&d, "https://a.example/", "[\"*\"]", id, NULL);
	snprintf(path, sizeof(path), HOOKS "/%s", id);
	cr_assert_eq(client_status("GET", path, other.auth, NULL), 404);
	cr_assert_eq(client_status("PATCH", path, other.auth,
		"{\"status\": \"active\"}"), 404);
	cr_assert_eq(client_status("DELETE", path, other.auth, NULL), 404);
	snprintf(path, sizeof(path), HOOKS "/%s/deliveries", id);
	cr_assert_eq(client_status("GET", path, other.auth, NULL), 404);
	snprintf(path, sizeof(path), HOOKS "/%s/deliveries/"
		"00000000-0000-4000-8000-000000000000/redeliver", id);
	cr_assert_eq(client_status("POST", path, other.auth, NULL), 404);
	cr_assert_eq(client_status("POST", path, d.auth, NULL), 404);
	cr_assert_eq(client_status("GET", HOOKS "/not-a-uuid", d.auth, NULL), 404);
	/* Still there for its owner. */
	snprintf(path, sizeof(path), HOOKS "/%s", id);
	cr_assert_eq(client_status("GET", path, d.auth, NULL), 200);
	free(user);
	dev_free(&d);
	dev_free(&other);
}

/* --- delivery --------------------------------------------------------- */

Test(devhooks, delivery_is_signed_with_the_endpoint_secret_and_sent_once)
{
	struct dev d;
	char ep[40], secret[80], other[40];
	struct json_object *o, *it;
	const char *url, *ev, *ev2;
	long t = (long)time(NULL);
	size_t ok;

	dev_new(&d);
	url = rx_start(RX_OK);
	endpoint_new(&d, url, "[\"sale.completed\"]", ep, secret);
	/* Subscribed to another type only: gets nothing. */
	endpoint_new(&d, url, "[\"sale.refunded\"]", other, NULL);
	ev = event_new(&d, "sale.completed");
	send_at(t);
	cr_assert_eq(rx_count(), 1);
	cr_assert_str_eq(rx_req_at(0)->event_id, ev);
	cr_assert_str_eq(rx_req_at(0)->ctype, "application/json");
	cr_assert(strstr(rx_req_at(0)->body, ev) != NULL);
	o = json_tokener_parse(rx_req_at(0)->body);
	cr_assert(o != NULL);
	json_object_put(o);
	rx_assert_signed(rx_req_at(0), secret, t);
	cr_assert_eq(delivery_long(ep, ev, "d.attempts"), 1);

	o = deliveries(&d, ep);
	it = json_object_array_get_idx(json_object_object_get(o, "items"), 0);
	cr_assert_str_eq(client_json_str(it, "id"), rx_req_at(0)->delivery_id);
	cr_assert_str_eq(client_json_str(it, "event_id"), ev);
	cr_assert_str_eq(client_json_str(it, "event_type"), "sale.completed");
	cr_assert_str_eq(client_json_str(it, "status"), "succeeded");
	cr_assert_eq(json_object_array_length(json_object_object_get(it,
		"attempts")), 1);
	cr_assert_eq(json_object_get_int(json_object_object_get(
		json_object_array_get_idx(json_object_object_get(it, "attempts"), 0),
		"status_code")), 200);
	json_object_put(o);

	/* Later passes send nothing again; a refund goes to the other. */
	send_at(t + 3600);
	cr_assert_eq(rx_count(), 1);
	ev2 = event_new(&d, "sale.refunded");
	send_at(t + 7200);
	cr_assert_eq(rx_count(), 2);
	cr_assert_str_eq(rx_req_at(1)->event_id, ev2);
	cr_assert_eq(rx_for(ev, &ok), 1);
	endpoint_delete(&d, ep);
	endpoint_delete(&d, other);
	dev_free(&d);
}

Test(devhooks, an_endpoint_down_for_two_days_gets_every_event_once_when_back)
{
	struct dev d;
	char ep[40], secret[80], ev[2][64];
	long base = (long)time(NULL) + 10 * DAY, t;
	size_t n0, n1, ok0, ok1;

	dev_new(&d);
	endpoint_new(&d, rx_start(RX_FAIL), "[\"*\"]", ep, secret);
	snprintf(ev[0], sizeof(ev[0]), "%s", event_new(&d, "sale.completed"));
	snprintf(ev[1], sizeof(ev[1]), "%s", event_new(&d, "sale.disputed"));
	send_at(base);
	advance(ep, base + 2 * DAY);
	n0 = rx_for(ev[0], &ok0);
	n1 = rx_for(ev[1], &ok1);
	/* 0, 1 min, 6 min, 36 min, 2h36, 7h36, 17h36, 29h36, 41h36. */
	cr_assert_eq(n0, 9, "%zu tries in two days", n0);
	cr_assert_eq(n1, 9);
	cr_assert_eq(ok0 + ok1, 0);
	/* Every try was logged, carried the same event id, and was signed
	 * afresh. */
	cr_assert_eq(delivery_long(ep, ev[0], "(SELECT COUNT(*) FROM"
		" webhook_attempts t WHERE t.delivery_id = d.id AND"
		" t.status_code = 500)"), 9);
	for (size_t i = 0; i < rx_count(); i++)
		cr_assert(strcmp(rx_req_at(i)->event_id, ev[0]) == 0 ||
			strcmp(rx_req_at(i)->event_id, ev[1]) == 0);
	cr_assert_eq(ep_long(ep, "status = 'active'"), 1);
	cr_assert_eq(ep_long(ep, "failing_since IS NOT NULL"), 1);

	rx_set(RX_OK);
	t = next_due(ep);
	cr_assert(t > base + 2 * DAY);
	advance(ep, base + 30 * DAY);
	cr_assert_eq(rx_for(ev[0], &ok0), 10);
	cr_assert_eq(rx_for(ev[1], &ok1), 10);
	cr_assert_eq(ok0, 1);
	cr_assert_eq(ok1, 1);
	cr_assert_eq(delivery_long(ep, ev[0], "d.status = 'succeeded'"), 1);
	cr_assert_eq(ep_long(ep, "failing_since IS NULL"), 1);
	/* The deliveries a page at a time, newest first. */
	{
		struct client_resp r;
		struct json_object *o;
		char path[512], *next;

		snprintf(path, sizeof(path), HOOKS "/%s/deliveries?limit=1", ep);
		client_call("GET", path, d.auth, NULL, &r);
		o = client_expect_json(&r, 200);
		cr_assert_str_eq(json_object_get_string(json_object_object_get(
			json_object_array_get_idx(json_object_object_get(o, "items"), 0),
			"event_id")), ev[1]);
		next = strdup(client_json_str(o, "next_cursor"));
		json_object_put(o);
		client_free(&r);
		snprintf(path, sizeof(path), HOOKS "/%s/deliveries?limit=1&cursor=%s",
			ep, next);
		client_call("GET", path, d.auth, NULL, &r);
		o = client_expect_json(&r, 200);
		cr_assert_str_eq(json_object_get_string(json_object_object_get(
			json_object_array_get_idx(json_object_object_get(o, "items"), 0),
			"event_id")), ev[0]);
		cr_assert(json_object_object_get(o, "next_cursor") == NULL);
		json_object_put(o);
		client_free(&r);
		free(next);
	}
	/* Nothing more, however late. */
	n0 = rx_count();
	send_at(base + 40 * DAY);
	cr_assert_eq(rx_count(), n0);
	rx_assert_signed(rx_req_at(rx_count() - 1), secret, t);
	endpoint_delete(&d, ep);
	dev_free(&d);
}

Test(devhooks, three_days_of_failure_disable_the_endpoint_and_mail_its_owner)
{
	struct dev d;
	char ep[40], ev[64], path[512], *did, *s;
	long base = (long)time(NULL) + 50 * DAY;
	struct json_object *o, *it;
	struct client_resp r;
	size_t n, ok;

	dev_new(&d);
	endpoint_new(&d, rx_start(RX_CLOSE), "[\"*\"]", ep, NULL);
	snprintf(ev, sizeof(ev), "%s", event_new(&d, "sale.completed"));
	send_at(base);
	advance(ep, base + 4 * DAY);
	cr_assert_eq(delivery_long(ep, ev, "d.status = 'failed'"), 1);
	cr_assert_eq(ep_long(ep, "status = 'disabled'"), 1);
	s = ep_str(ep, "TIMESTAMPDIFF(SECOND, '1970-01-01', disabled_at)");
	cr_assert(s != NULL && atol(s) == base + 3 * DAY, "disabled at %s", s);
	free(s);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s' AND template = 'webhook_disabled'", d.email), 1);
	n = rx_for(ev, &ok);
	/* The last try falls on the third day's end. */
	cr_assert_eq(n, 12, "%zu tries", n);
	cr_assert_eq(delivery_long(ep, ev, "(SELECT COUNT(*) FROM"
		" webhook_attempts t WHERE t.delivery_id = d.id AND"
		" t.status_code IS NULL AND t.error IS NOT NULL)"), 12);

	/* The attempts as the developer sees them. */
	o = deliveries(&d, ep);
	it = json_object_array_get_idx(json_object_object_get(o, "items"), 0);
	cr_assert_str_eq(client_json_str(it, "status"), "failed");
	cr_assert_eq(json_object_array_length(json_object_object_get(it,
		"attempts")), 12);
	cr_assert(json_object_object_get(json_object_array_get_idx(
		json_object_object_get(it, "attempts"), 0), "status_code") == NULL);
	did = strdup(client_json_str(it, "id"));
	json_object_put(o);

	/* Disabled: new events are not addressed to it, redelivery waits
	 * for re-enabling. */
	event_new(&d, "sale.refunded");
	send_at(base + 5 * DAY);
	cr_assert_eq(rx_count(), n);
	snprintf(path, sizeof(path), HOOKS "/%s/deliveries/%s/redeliver", ep, did);
	client_call("POST", path, d.auth, NULL, &r);
	client_assert_problem(&r, 409, "conflict");
	client_free(&r);

	snprintf(path, sizeof(path), HOOKS "/%s", ep);
	client_call("PATCH", path, d.auth, "{\"status\": \"active\"}", &r);
	o = client_expect_json(&r, 200);
	cr_assert_str_eq(client_json_str(o, "status"), "active");
	cr_assert(json_object_object_get(o, "failing_since") == NULL);
	cr_assert(json_object_object_get(o, "disabled_at") == NULL);
	json_object_put(o);
	client_free(&r);

	rx_set(RX_OK);
	snprintf(path, sizeof(path), HOOKS "/%s/deliveries/%s/redeliver", ep, did);
	client_call("POST", path, d.auth, NULL, &r);
	json_object_put(client_expect_json(&r, 202));
	client_free(&r);
	send_at(base + 6 * DAY);
	cr_assert_eq(rx_for(ev, &ok), n + 1);
	cr_assert_eq(ok, 1);
	cr_assert_eq(delivery_long(ep, ev, "d.status = 'succeeded'"), 1);
	cr_assert_eq(client_sql_longf("SELECT COUNT(*) FROM mail_outbox WHERE"
		" to_addr = '%s' AND template = 'webhook_disabled'", d.email), 1);
	free(did);
	endpoint_delete(&d, ep);
	dev_free(&d);
}

Test(devhooks, redelivery_sends_a_succeeded_delivery_again)
{
	struct dev d;
	char ep[40], secret[80], ev[64], path[512];
	long base = (long)time(NULL) + 60 * DAY;
	struct client_resp r;
	size_t ok;

	dev_new(&d);
	endpoint_new(&d, rx_start(RX_OK), "[\"*\"]", ep, secret);
	snprintf(ev, sizeof(ev), "%s", event_new(&d, "sale.completed"));
	send_at(base);
	cr_assert_eq(rx_for(ev, &ok), 1);
	snprintf(path, sizeof(path), HOOKS "/%s/deliveries/%s/redeliver", ep,
		rx_req_at(0)->delivery_id);
	client_call("POST", path, d.auth, NULL, &r);
	json_object_put(client_expect_json(&r, 202));
	client_free(&r);
	send_at(base + 60);
	cr_assert_eq(rx_for(ev, &ok), 2);
	cr_assert_eq(ok, 2);
	cr_assert_str_eq(rx_req_at(1)->delivery_id, rx_req_at(0)->delivery_id);
	rx_assert_signed(rx_req_at(1), secret, base + 60);
	cr_assert_eq(delivery_long(ep, ev, "(SELECT COUNT(*) FROM"
		" webhook_attempts t WHERE t.delivery_id = d.id)"), 2);
	endpoint_delete(&d, ep);
	dev_free(&d);
}

Test(devhooks, a_deleted_endpoint_gets_nothing_more)
{
	struct dev d;
	char ep[40], ev[64];
	long base = (long)time(NULL) + 70 * DAY;
	size_t n, ok;

	dev_new(&d);
	endpoint_new(&d, rx_start(RX_FAIL), "[\"*\"]", ep, NULL);
	snprintf(ev, sizeof(ev), "%s", event_new(&d, "sale.completed"));
	send_at(base);
	n = rx_for(ev, &ok);
	cr_assert_eq(n, 1);
	endpoint_delete(&d, ep);
	rx_set(RX_OK);
	event_new(&d, "sale.refunded");
	send_at(base + 2 * DAY);
	cr_assert_eq(rx_count(), 1);
	cr_assert_eq(delivery_long(ep, ev, "d.status = 'failed'"), 1);
	dev_free(&d);
}

Test(devhooks, the_clock_option_is_refused_in_production)
{
	char cmd[2048], *out;
	int rc;

	/* Production mode also wants an https public_url. */
	snprintf(cmd, sizeof(cmd), "DEVFORGE_MODE=production"
		" DEVFORGE_PUBLIC_URL=https://api.devforge.example %s -c '%s'"
		" webhooks-send --once --now 1700000000", client_ctl(),
		client_env("DEVFORGE_TEST_CONFIG"));
	rc = client_run(cmd, &out);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, "refused in production") != NULL, "%s", out);
	free(out);
	/* A frozen clock in the polling service would never move on. */
	snprintf(cmd, sizeof(cmd), "%s -c '%s' webhooks-send --now 1700000000",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"));
	rc = client_run(cmd, &out);
	cr_assert_neq(rc, 0, "%s", out);
	cr_assert(strstr(out, "--now needs --once") != NULL, "%s", out);
	free(out);
}

Test(devhooks, two_senders_at_once_send_each_delivery_once)
{
	char ep[40], ids[24][64], cmd[4096], one[1024], *out;
	long base = (long)time(NULL) + 80 * DAY;
	struct dev d;
	size_t ok;
	int rc;

	dev_new(&d);
	endpoint_new(&d, rx_start(RX_FAIL), "[\"*\"]", ep, NULL);
	for (int i = 0; i < 24; i++)
		snprintf(ids[i], sizeof(ids[i]), "%s",
			event_new(&d, "sale.completed"));
	/* One pass makes the deliveries (and fails them once), so both
	 * senders below find all 24 due at the same moment. */
	send_at(base);
	cr_assert_eq(rx_count(), 24);
	rx_set(RX_SLOW);
	snprintf(one, sizeof(one), "%s -c '%s' webhooks-send --once --now %ld",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), base + 60);
	snprintf(cmd, sizeof(cmd), "%s & a=$!; %s & b=$!; wait $a && wait $b",
		one, one);
	rc = client_run(cmd, &out);
	cr_assert_eq(rc, 0, "%s", out);
	for (int i = 0; i < 24; i++) {
		size_t n = rx_for(ids[i], &ok);

		/* What the senders printed tells a lost try from a repeat. */
		cr_assert_eq(n, 2, "event %d received %zu times (%zu answered"
			" 200), %zu requests in all; the senders said:\n%s", i, n,
			ok, rx_count(), out);
		cr_assert_eq(ok, 1);
	}
	free(out);
	endpoint_delete(&d, ep);
	dev_free(&d);
}
