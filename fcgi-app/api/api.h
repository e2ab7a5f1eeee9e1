/* What main.c needs from the api/ layer: every route table, the
 * authentication hook, and start-up that reads files before the first
 * request. */
#ifndef DF_API_H
#define DF_API_H

#include <stddef.h>
#include "router.h"

struct config;

extern const struct route_table api_health_table;
extern const struct route_table api_metrics_table;
extern const struct route_table api_analytics_table;

/* Every table, in the order the router matches them. */
extern const struct route_table *const api_tables[];
extern const size_t api_ntables;

/* The router's authentication hook: verifies a bearer token when one is
 * sent and fills req->auth. 0 (anonymous or authenticated), DF_EAUTH. */
int api_authenticate(struct request *req);

struct json_object;

/* Records a security event (login, failure, lockout, role change...) in
 * the audit log with the request's actor, client address and request id.
 * detail may be NULL; it is not consumed. 0 or a negative df_err. */
int api_audit(struct request *req, const char *event, const char *subject_id,
	struct json_object *detail);

struct store_user;

/* A user as clients see it: {id, email, username, display_name, role,
 * email_verified, mfa_enabled, created_at}, plus status and updated_at
 * for admin views. A new object the caller owns (json_set it into a
 * response or put it); NULL on OOM. */
struct json_object *api_user_json(struct request *req,
	const struct store_user *u, int admin_view);

/* Work done once per worker before it accepts requests. 0 or a negative
 * df_err. */
int api_init(const struct config *cfg);
/* Reads the migrations directory for the readiness check. */
int api_health_init(const struct config *cfg);

#endif
