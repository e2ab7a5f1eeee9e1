/* RFC 9457 Problem Details: every error answer has this one shape, built
 * with json-c so nothing a client sent is ever pasted into JSON text. */
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "err.h"
#include "http.h"
#include "problem.h"

#define PROBLEM_CONTENT_TYPE "application/problem+json"

struct problem_kind {
	const char *code;
	const char *title;
	const char *detail;      /* used when the caller gives none */
};

static const struct problem_kind kinds[] = {
	{ "bad_request", "Bad request",
	  "The request is malformed." },
	{ "validation_failed", "Validation failed",
	  "One or more fields are invalid." },
	{ "unauthorized", "Unauthorized",
	  "Valid credentials are required." },
	/* 401s for a presented access token: expired means refresh it,
	 * invalid means sign in again. */
	{ "token_expired", "Token expired",
	  "The access token has expired: get a new one with the refresh "
	  "token." },
	{ "invalid_token", "Invalid token",
	  "The access token is not valid: sign in again." },
	{ "forbidden", "Forbidden",
	  "You are not allowed to do this." },
	{ "not_found", "Not found",
	  "The requested resource does not exist." },
	{ "method_not_allowed", "Method not allowed",
	  "This method is not allowed on this resource." },
	{ "conflict", "Conflict",
	  "The request conflicts with the current state of the resource." },
	{ "length_required", "Length required",
	  "A Content-Length is required." },
	{ "payload_too_large", "Payload too large",
	  "The request body is larger than allowed." },
	{ "uri_too_long", "URI too long",
	  "The request URI is longer than allowed." },
	{ "unsupported_media_type", "Unsupported media type",
	  "The request body has an unsupported content type." },
	{ "rate_limited", "Too many requests",
	  "Too many requests; retry later." },
	{ "header_too_large", "Request header fields too large",
	  "A request header field is larger than allowed." },
	{ "mfa_required", "MFA required",
	  "A second authentication factor is required." },
	{ "account_locked", "Account locked",
	  "The account is temporarily locked." },
	{ "idempotency_key_mismatch", "Idempotency key reused",
	  "This Idempotency-Key was used with another request body." },
	/* 410s of POST /support/tickets/{id}/csat: the survey page says
	 * which. */
	{ "csat_answered", "This survey was already answered",
	  "This survey was already answered; the first answer stands." },
	{ "csat_expired", "This survey link has expired",
	  "This survey link has expired." },
	{ "service_unavailable", "Service unavailable",
	  "The service is temporarily unavailable; retry later." },
	/* 502: a service we depend on (the payment provider) failed; the
	 * request changed nothing, so the client may simply retry. */
	{ "bad_gateway", "Upstream service failed",
	  "A service this request depends on failed or did not answer in "
	  "time; nothing was changed. Retry later." },
	{ "internal", "Internal error",
	  "The server could not complete the request; quote the request id "
	  "when reporting it." },
};

static const struct problem_kind *kind_find(const char *code)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].code, code) == 0)
			return &kinds[i];
	return NULL;
}

const char *problem_code_for(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 411: return "length_required";
	case 413: return "payload_too_large";
	case 414: return "uri_too_long";
	case 415: return "unsupported_media_type";
	case 422: return "validation_failed";
	case 429: return "rate_limited";
	case 431: return "header_too_large";
	case 502: return "bad_gateway";
	case 503: return "service_unavailable";
	}
	if (status >= 400 && status < 500)
		return "bad_request";
	return "internal";
}

const char *problem_title_for(const char *code)
{
	const struct problem_kind *k = kind_find(code);

	return k != NULL ? k->title : "Error";
}

static void put_json(void *p)
{
	json_object_put(p);
}

int problem_add_error(struct request *req, const char *field,
	const char *code, const char *message)
{
	struct json_object *e;

	if (req->problem_errors == NULL) {
		struct json_object *arr = json_object_new_array();

		if (arr == NULL)
			goto lost;
		/* On failure arena_defer has already released arr. */
		if (arena_defer(req->arena, put_json, arr) != 0)
			goto lost;
		req->problem_errors = arr;
	}
	e = json_object_new_object();
	if (e == NULL)
		goto lost;
	json_object_object_add(e, "field",
		field ? json_object_new_string(field) : NULL);
	json_object_object_add(e, "code",
		json_object_new_string(code ? code : "invalid"));
	json_object_object_add(e, "message",
		json_object_new_string(message ? message : ""));
	if (json_object_array_add(req->problem_errors, e) != 0) {
		json_object_put(e);
		goto lost;
	}
	return 0;
lost:
	/* Counted all the same: bad input is refused even when its error
	 * cannot be named. */
	req->problem_lost++;
	return DF_ENOMEM;
}

size_t problem_error_count(const struct request *req)
{
	size_t n = req->problem_lost;

	if (req->problem_errors != NULL)
		n += json_object_array_length(req->problem_errors);
	return n;
}

/* When even the problem cannot be built, a fixed body still tells the
 * client what happened. */
static void problem_fallback(struct request *req)
{
	static const char body[] =
		"{\"type\":\"" PROBLEM_TYPE_BASE "internal\","
		"\"title\":\"Internal error\",\"status\":500,"
		"\"detail\":\"The server could not complete the request.\"}";

	req->resp.status = 500;
	req->resp.content_type = PROBLEM_CONTENT_TYPE;
	req->resp.body = body;
	req->resp.body_len = sizeof(body) - 1;
}

/* RFC 6750 3: no token, or credentials of another kind (a password):
 * the bare challenge; a refused token: error="invalid_token" (RFC 6750
 * has no code for expiry) and the kind's fixed sentence, which holds no
 * '"' or '\\' and so is a valid quoted-string. */
static int set_challenge(struct request *req, const char *code,
	const struct problem_kind *k)
{
	char *v = NULL;

	if (k != NULL && (strcmp(code, "invalid_token") == 0 ||
	    strcmp(code, "token_expired") == 0))
		v = arena_printf(req->arena, "Bearer realm=\"" PROBLEM_REALM
			"\", error=\"invalid_token\", error_description=\"%s\"",
			k->detail);
	return http_set_header(req, "WWW-Authenticate", v != NULL ? v :
		"Bearer realm=\"" PROBLEM_REALM "\"");
}

int problem_send(struct request *req, int status, const char *code,
	const char *detail)
{
	const struct problem_kind *k;
	struct json_object *o, *errs;
	const char *title, *s;
	char *type;
	size_t len;

	if (status < 400 || status > 599)
		status = 500;
	if (code == NULL)
		code = problem_code_for(status);
	k = kind_find(code);
	title = k != NULL ? k->title : http_reason(status);
	/* A 5xx detail could carry internals (SQL errors, paths): clients get
	 * a fixed sentence, the log has the rest under the request id. */
	if (status >= 500) {
		const struct problem_kind *gk =
			kind_find(status == 503 ? "service_unavailable" :
				status == 502 ? "bad_gateway" : "internal");

		detail = gk->detail;
	} else if (detail == NULL) {
		detail = k != NULL ? k->detail : http_reason(status);
	}

	type = arena_printf(req->arena, "%s%s", PROBLEM_TYPE_BASE, code);
	o = json_object_new_object();
	errs = req->problem_errors != NULL ?
		json_object_get(req->problem_errors) : json_object_new_array();
	if (type == NULL || o == NULL || errs == NULL) {
		json_object_put(o);
		json_object_put(errs);
		problem_fallback(req);
		return DF_ERESPONDED;
	}
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "title", json_object_new_string(title));
	json_object_object_add(o, "status", json_object_new_int(status));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_object_add(o, "request_id",
		json_object_new_string(req->request_id));
	json_object_object_add(o, "errors", errs);

	s = json_object_to_json_string_length(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL ||
	    http_set_body(req, status, PROBLEM_CONTENT_TYPE, s, len) != 0)
		problem_fallback(req);
	json_object_put(o);
	/* A 401 without its challenge would be malformed (RFC 9110 15.5.2). */
	if (req->resp.status == 401 && set_challenge(req, code, k) != 0)
		problem_fallback(req);
	return DF_ERESPONDED;
}

int problem_send_validation(struct request *req)
{
	return problem_send(req, 422, "validation_failed", NULL);
}
