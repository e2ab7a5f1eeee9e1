/* The payment suites' helpers over the Stripe stand-in (stripe_kit.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <criterion/criterion.h>
#include "client.h"
#include "stripe_kit.h"

const char *stripe_kit_url(const char *path)
{
	static char url[4096];

	snprintf(url, sizeof(url), "%s%s",
		client_env("DEVFORGE_TEST_STRIPE_URL"), path);
	return url;
}

const char *stripe_kit_secret(void)
{
	return client_env("DEVFORGE_TEST_STRIPE_WEBHOOK_SECRET");
}

const char *stripe_kit_previous_secret(void)
{
	return client_env("DEVFORGE_TEST_STRIPE_WEBHOOK_SECRET_PREVIOUS");
}

struct json_object *stripe_kit_post(const char *path, const char *json)
{
	struct client_resp r;
	struct json_object *o;

	cr_assert_eq(client_post_json(stripe_kit_url(path), json, NULL, &r), 0,
		"the Stripe stand-in does not answer at %s", stripe_kit_url(path));
	cr_assert_eq(r.status, 200, "stand-in %s: %ld %s", path, r.status, r.body);
	o = client_json(&r);
	cr_assert_not_null(o, "stand-in %s: not JSON: %s", path, r.body);
	client_free(&r);
	return o;
}

const char *stripe_kit_text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The text of a request object (json-c quotes every string), which it
 * puts; malloc'd. */
static char *body_of(struct json_object *o)
{
	char *s = strdup(stripe_kit_text(o));

	cr_assert_not_null(s);
	json_object_put(o);
	return s;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

static void add_time(struct json_object *o, long timestamp)
{
	if (timestamp != 0)
		json_object_object_add(o, "timestamp", json_object_new_int64(timestamp));
}

char *stripe_kit_sign(const char *payload, const char *secret, long timestamp)
{
	struct json_object *req = json_object_new_object(), *res;
	char *body, *header;

	add_str(req, "payload", payload);
	add_str(req, "secret", secret);
	add_time(req, timestamp);
	body = body_of(req);
	res = stripe_kit_post("/_test/sign", body);
	free(body);
	header = strdup(client_json_str(res, "header"));
	json_object_put(res);
	cr_assert_not_null(header);
	return header;
}

struct json_object *stripe_kit_event(const char *type, const char *object_json)
{
	struct json_object *req = json_object_new_object(), *obj, *res;
	char *body;

	obj = json_tokener_parse(object_json);
	cr_assert_not_null(obj, "stripe_kit_event: the object is not JSON: %s",
		object_json);
	add_str(req, "type", type);
	json_object_object_add(req, "object", obj);
	body = body_of(req);
	res = stripe_kit_post("/_test/event", body);
	free(body);
	return res;
}

static struct json_object *session_call(const char *path, const char *id)
{
	struct json_object *req = json_object_new_object(), *res;
	char *body;

	add_str(req, "session", id);
	body = body_of(req);
	res = stripe_kit_post(path, body);
	free(body);
	return res;
}

struct json_object *stripe_kit_complete(const char *session_id)
{
	return session_call("/_test/complete", session_id);
}

struct json_object *stripe_kit_expire(const char *session_id)
{
	return session_call("/_test/expire", session_id);
}

static long deliver(const char *event_json, const char *target,
	const char *secret, long timestamp, const char *header, char **body)
{
	struct json_object *req = json_object_new_object(), *res, *st;
	const char *url;
	char *text;
	long status;

	if (target == NULL)
		target = STRIPE_KIT_WEBHOOK;
	url = target[0] == '/' ? client_url(target) : target;
	add_str(req, "event", event_json);
	add_str(req, "url", url);
	add_str(req, "secret", secret);
	add_str(req, "header", header);
	add_time(req, timestamp);
	text = body_of(req);
	res = stripe_kit_post("/_test/deliver", text);
	free(text);
	cr_assert(json_object_object_get_ex(res, "status", &st),
		"no status from /_test/deliver: %s", stripe_kit_text(res));
	status = (long)json_object_get_int64(st);
	if (body != NULL) {
		const char *b = client_json_str(res, "body");

		*body = strdup(b != NULL ? b : "");
	}
	json_object_put(res);
	return status;
}

long stripe_kit_deliver(const char *event_json, const char *target,
	const char *secret, long timestamp, char **body)
{
	return deliver(event_json, target, secret, timestamp, NULL, body);
}

long stripe_kit_deliver_header(const char *event_json, const char *target,
	const char *header, char **body)
{
	cr_assert_not_null(header);
	return deliver(event_json, target, NULL, 0, header, body);
}

void stripe_kit_fail(const char *mode, int count)
{
	char body[128];

	snprintf(body, sizeof(body), "{\"mode\":\"%s\",\"count\":%d}", mode, count);
	json_object_put(stripe_kit_post("/_test/fail", body));
}

void stripe_kit_reset(void)
{
	json_object_put(stripe_kit_post("/_test/reset", "{}"));
}

struct json_object *stripe_kit_requests(void)
{
	struct client_resp r;
	struct json_object *o;

	cr_assert_eq(client_get(stripe_kit_url("/_test/requests"), &r), 0,
		"the Stripe stand-in does not answer");
	cr_assert_eq(r.status, 200, "/_test/requests: %ld", r.status);
	o = client_json(&r);
	client_free(&r);
	cr_assert(o != NULL && json_object_is_type(o, json_type_array));
	return o;
}

size_t stripe_kit_find(const char *method, const char *path,
	struct json_object **all, struct json_object **newest)
{
	struct json_object *arr = stripe_kit_requests();
	size_t n = 0, len = json_object_array_length(arr);

	*newest = NULL;
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *m = client_json_str(e, "method");
		const char *p = client_json_str(e, "path");

		if (m != NULL && p != NULL && strcmp(m, method) == 0 &&
		    strcmp(p, path) == 0) {
			n++;
			*newest = e;
		}
	}
	*all = arr;
	return n;
}
