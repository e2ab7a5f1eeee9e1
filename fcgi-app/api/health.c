/* Stores: health. */
/* Liveness, readiness and the API root. Liveness never touches the
 * database; readiness checks the database round trip and that the schema
 * is at the version this build expects (the newest migration file).
 * Readiness is anonymous and not rate limited (probes call it), so a
 * worker answers from its last check while that is under a second old:
 * a flood of calls costs the database one check per worker per second. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "api.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "log.h"
#include "store/health.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif

/* The newest migration number found in migrations_dir at start-up. */
static int64_t expected_version = -1;

#define READY_MAX_AGE_NS 1000000000ll

/* This worker's last readiness check. */
static struct {
	int valid;
	int64_t at_ns;            /* CLOCK_MONOTONIC */
	int db_ok, mig_ok;
	double latency;
	int64_t current;
	const char *mig_status;   /* a literal */
} ready;

/* NNNN_name.sql -> NNNN, or -1. */
static int64_t migration_number(const char *name)
{
	size_t n = strlen(name);
	int64_t v = 0;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || name[4] != '_')
		return -1;
	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

int api_health_init(const struct config *cfg)
{
	DIR *d;
	struct dirent *e;

	expected_version = -1;
	d = opendir(cfg->migrations_dir);
	if (d == NULL) {
		log_msg(LOG_ERROR, "cannot read migrations_dir %s",
			cfg->migrations_dir);
		return DF_EIO;
	}
	expected_version = 0;
	while ((e = readdir(d)) != NULL) {
		int64_t v = migration_number(e->d_name);
		if (v > expected_version)
			expected_version = v;
	}
	closedir(d);
	return 0;
}

/* The liveness answer never changes: one fixed text (the version is a
 * plain dotted number from configure), not a JSON object built and
 * serialised on every probe. */
static const char health_live_body[] =
	"{\"status\":\"ok\",\"version\":\"" PACKAGE_VERSION "\"}";

static int health_live(struct request *req)
{
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	return http_set_body(req, 200, "application/json; charset=utf-8",
		health_live_body, sizeof(health_live_body) - 1);
}

void api_health_check(int *db_ok, double *latency_ms, int64_t *current,
	int *mig_ok, const char **mig_status)
{
	*latency_ms = 0;
	*current = 0;
	*db_ok = db_ping(latency_ms) == 0;
	*mig_ok = 0;
	*mig_status = "unknown";
	if (*db_ok) {
		int rc = store_health_schema_version(current);
		if (rc == 0) {
			*mig_ok = *current == expected_version;
			*mig_status = *mig_ok ? "ok" :
				*current < expected_version ? "pending" :
				"ahead";
		} else {
			*mig_status = "error";
		}
	}
}

int64_t api_health_expected_version(void)
{
	return expected_version;
}

static int health_ready(struct request *req)
{
	struct json_object *o, *checks, *dbc, *mig;
	double latency = 0;
	int64_t current = 0, now;
	int db_ok, mig_ok;
	const char *mig_status;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
	if (ready.valid && now - ready.at_ns < READY_MAX_AGE_NS) {
		db_ok = ready.db_ok;
		mig_ok = ready.mig_ok;
		latency = ready.latency;
		current = ready.current;
		mig_status = ready.mig_status;
	} else {
		api_health_check(&db_ok, &latency, &current, &mig_ok,
			&mig_status);
		ready.valid = 1;
		ready.at_ns = now;
		ready.db_ok = db_ok;
		ready.mig_ok = mig_ok;
		ready.latency = latency;
		ready.current = current;
		ready.mig_status = mig_status;
	}

	o = json_new_object(req);
	checks = json_new_object(req);
	dbc = json_new_object(req);
	mig = json_new_object(req);
	if (o == NULL || checks == NULL || dbc == NULL || mig == NULL ||
	    json_set_str(dbc, "status", db_ok ? "ok" : "unavailable") ||
	    (db_ok ? json_set_ms(dbc, "latency_ms", latency) :
	     json_set(dbc, "latency_ms", NULL)) ||
	    json_set_str(mig, "status", mig_status) ||
	    (db_ok ? json_set_int(mig, "current", current) :
	     json_set(mig, "current", NULL)) ||
	    json_set_int(mig, "expected", expected_version) ||
	    json_set(checks, "database", dbc) ||
	    json_set(checks, "migrations", mig) ||
	    json_set_str(o, "status", db_ok && mig_ok ? "ok" : "unavailable") ||
	    json_set(o, "checks", checks))
		return DF_ENOMEM;
	if (http_set_header(req, "Cache-Control", "no-store") != 0)
		return DF_ENOMEM;
	if (!(db_ok && mig_ok) &&
	    http_set_header(req, "Retry-After", "5") != 0)
		return DF_ENOMEM;
	return http_set_json(req, db_ok && mig_ok ? 200 : 503, o);
}

static int api_root(struct request *req)
{
	struct json_object *o = json_new_object(req);
	struct json_object *links = json_new_object(req);

	if (o == NULL || links == NULL ||
	    json_set_str(o, "name", "Dev Forge API") ||
	    json_set_str(o, "version", PACKAGE_VERSION) ||
	    json_set_str(links, "docs", "/docs/") ||
	    json_set_str(links, "openapi", "/docs/openapi.yaml") ||
	    json_set_str(links, "health", "/api/v1/health") ||
	    json_set_str(links, "ready", "/api/v1/health/ready") ||
	    json_set(o, "links", links))
		return DF_ENOMEM;
	return http_set_json(req, 200, o);
}

static const struct route routes[] = {
	{ .method = HTTP_GET, .pattern = "/health", .handler = health_live,
	  .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/health",
	  .handler = health_live, .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1/health/ready",
	  .handler = health_ready, .role = ROLE_NONE, .rl = RL_NONE },
	{ .method = HTTP_GET, .pattern = "/api/v1", .handler = api_root,
	  .role = ROLE_NONE, .rl = RL_DEFAULT },
};

const struct route_table api_health_table = {
	"health", routes, sizeof(routes) / sizeof(routes[0])
};
