/* Stores: none. */
/* GET /api/v1/metrics: the Prometheus exposition of the shared segment,
 * for admins and for clients in the trusted networks (the scraper). */
#include "api.h"
#include "err.h"
#include "metrics.h"

static int metrics_get(struct request *req)
{
	size_t len = 0;
	char *text = metrics_render(req->arena, req->router->flat,
		req->router->nroutes, &len);

	if (text == NULL)
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_body(req, 200, "text/plain; version=0.0.4; charset=utf-8",
		text, len);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/api/v1/metrics",
	  .handler = metrics_get, .role = ROLE_ADMIN, .rl = RL_NONE,
	  .flags = ROUTE_TRUSTED },
};

const struct route_table api_metrics_table = {
	"metrics", routes, sizeof(routes) / sizeof(routes[0])
};
