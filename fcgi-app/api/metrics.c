/* Stores: ops. */
/* GET /api/v1/metrics: the Prometheus exposition of the shared segment,
 * for admins and for clients in the trusted networks (the scraper), with
 * what is read from the database at scrape: readiness, the outbox
 * backlog and each job's last success. A database that is down still
 * gets its counters scraped: readiness says 0, the other two are left
 * out rather than shown as zeros. */
#include "api.h"
#include "arena.h"
#include "err.h"
#include "metrics.h"
#include "store/ops.h"

static void scrape_db(struct request *req, struct metrics_scrape *sc)
{
	int db_ok, mig_ok;
	double latency;
	int64_t current, oldest;
	const char *mig_status;
	struct store_ops_job *jobs = NULL;
	struct metrics_job *mj;
	size_t n = 0, i;

	api_health_check(&db_ok, &latency, &current, &mig_ok, &mig_status);
	sc->have_ready = 1;
	sc->ready = db_ok && mig_ok;
	if (!db_ok)
		return;
	sc->have_outbox = store_ops_outbox(&sc->outbox_pending, &oldest) == 0;
	if (store_ops_jobs(req->arena, &jobs, &n) != 0 || n == 0)
		return;
	mj = arena_alloc(req->arena, n * sizeof(*mj));
	if (mj == NULL)
		return;
	for (i = 0; i < n; i++) {
		mj[i].name = jobs[i].name;
		mj[i].last_ok_unix = jobs[i].last_ok_unix;
	}
	sc->jobs = mj;
	sc->njobs = n;
}

static int metrics_get(struct request *req)
{
	struct metrics_scrape sc = { 0 };
	size_t len = 0;
	char *text;

	scrape_db(req, &sc);
	text = metrics_render(req->arena, req->router->flat,
		req->router->nroutes, &sc, &len);
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
