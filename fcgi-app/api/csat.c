/* Stores: csat. */
/* POST /support/tickets/{id}/csat: the answer to a satisfaction survey,
 * from whoever holds the link the survey mail carried (no account
 * needed: the token is the credential). Single use; 410 csat_answered
 * once used, 410 csat_expired past its 28 days, 404 for a token that is
 * not this ticket's. */
#include <string.h>
#include <json-c/json.h>
#include "api.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "problem.h"
#include "validate.h"
#include "store/csat.h"

static const char *const ratings[] = { "good", "bad", NULL };

static int v_rating(struct json_object *v, const char **code,
	const char **msg)
{
	return json_v_format(code, msg,
		validate_enum(json_object_get_string(v), ratings),
		"must be good or bad");
}

static const struct json_field csat_fields[] = {
	{ .name = "token", .type = JF_STRING, .required = 1, .min = 1,
	  .max = 128, .validate = api_v_line },
	{ .name = "rating", .type = JF_STRING, .required = 1,
	  .validate = v_rating },
	{ .name = "reason", .type = JF_STRING, .nullable = 1, .min = 1,
	  .max = 1000, .validate = api_v_notes },
};

/* A bad rating says why. */
static int csat_check(struct request *req)
{
	const char *rating = json_get_str(req->json, "rating", NULL);

	if (rating != NULL && strcmp(rating, "bad") == 0 &&
	    json_get_str(req->json, "reason", NULL) == NULL)
		problem_add_error(req, "reason", "required",
			"a bad rating needs a reason");
	return 0;
}

static int csat_answer(struct request *req)
{
	enum store_csat_gone why = STORE_CSAT_ANSWERED;
	int64_t id = api_path_id(req, "id");
	int rc;

	if (id == 0)
		return DF_ENOTFOUND;
	rc = store_csat_answer(req->arena, id,
		json_get_str(req->json, "token", ""),
		json_get_str(req->json, "rating", ""),
		json_get_str(req->json, "reason", NULL), clock_now(), &why);
	/* Both are 410; the code tells the survey page which to say. */
	if (rc == DF_ECONFLICT && why == STORE_CSAT_EXPIRED)
		return problem_send(req, 410, "csat_expired", "This survey "
			"link has expired (a survey link works for 28 days).");
	if (rc == DF_ECONFLICT)
		return problem_send(req, 410, "csat_answered", "This survey "
			"was already answered; the first answer stands.");
	if (rc != 0)
		return rc;
	return api_no_content(req);
}

static const struct route routes[] = {
	{ .method = HTTP_POST, .pattern = "/api/v1/support/tickets/{id}/csat",
	  .handler = csat_answer, .role = ROLE_NONE, .rl = RL_DEFAULT,
	  .flags = ROUTE_BODY_JSON, .body = JSON_FIELDS(csat_fields),
	  .check = csat_check },
};

const struct route_table api_csat_table = {
	"csat", routes, sizeof(routes) / sizeof(routes[0])
};
