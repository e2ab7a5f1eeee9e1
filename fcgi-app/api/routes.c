/* The list of route tables: adding a resource means adding its table
 * here (and its paths to docs/openapi.yaml; a test compares the two). */
#include "api.h"

const struct route_table *const api_tables[] = {
	&api_health_table,
	&api_metrics_table,
	&api_analytics_table,
};

const size_t api_ntables = sizeof(api_tables) / sizeof(api_tables[0]);

int api_init(const struct config *cfg)
{
	return api_health_init(cfg);
}
