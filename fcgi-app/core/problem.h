/* RFC 9457 Problem Details: the one shape of every error answer.
 * {"type":"https://devforge.dev/problems/<code>","title","status",
 *  "detail","request_id","errors":[{"field","code","message"}]} */
#ifndef DF_PROBLEM_H
#define DF_PROBLEM_H

#include "http.h"
#include "err.h"

#define PROBLEM_TYPE_BASE "https://devforge.dev/problems/"
/* The realm of every 401's WWW-Authenticate: Bearer challenge. */
#define PROBLEM_REALM "devforge"

/* The stable code word for a status (422 -> "validation_failed", 401 ->
 * "unauthorized", 403 "forbidden", 404 "not_found", 405
 * "method_not_allowed", 409 "conflict", 411 "length_required", 413
 * "payload_too_large", 414 "uri_too_long", 415 "unsupported_media_type",
 * 429 "rate_limited", 431 "header_too_large", 503 "service_unavailable",
 * 400 "bad_request", other 5xx "internal"). */
const char *problem_code_for(int status);
const char *problem_title_for(const char *code);

/* Appends {"field","code","message"} to req->problem_errors. 0, or
 * DF_ENOMEM when it could not be stored; the error still counts
 * (problem_error_count), so the request is refused either way and the
 * result needs no check. */
int problem_add_error(struct request *req, const char *field,
	const char *code, const char *message);
/* Number of errors collected so far. */
size_t problem_error_count(const struct request *req);

/* Writes the problem into req->resp with content type
 * application/problem+json; code NULL means problem_code_for(status);
 * detail may be NULL. Collected errors are included. A 5xx never carries
 * a caller's detail beyond a generic sentence. A 401 carries
 * WWW-Authenticate: Bearer realm="devforge", with error="invalid_token"
 * and an error_description for the codes "token_expired" and
 * "invalid_token". Returns DF_ERESPONDED so a
 * handler can `return problem_send(...)`; an answer is written whatever
 * happens (a fixed body when even the problem cannot be built), so there
 * is no failure to check. */
int problem_send(struct request *req, int status, const char *code,
	const char *detail);

/* Sends 422 validation_failed with the collected errors. */
int problem_send_validation(struct request *req);

#endif
