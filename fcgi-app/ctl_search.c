/* devforgectl search-reindex: the index of search_index_dir rebuilt from
 * the extensions table (after migrations and seeds, after a bulk load, or
 * for a host whose index was lost). Workers keep answering meanwhile:
 * documents are replaced in place and the change log id is recorded with
 * the last commit, so workers then apply only what changed during it. */
#include <stdio.h>
#include "config.h"
#include "ctl_search.h"
#include "db.h"
#include "err.h"
#include "search.h"
#include "store/search_log.h"

int ctl_search_reindex(const struct config *cfg)
{
	int64_t count = 0;
	int rc;

	if (search_set_dir(cfg->search_index_dir) != 0 || db_init(cfg) != 0) {
		fprintf(stderr, "search-reindex: out of memory\n");
		return 1;
	}
	rc = store_search_reindex(&count);
	if (rc != 0) {
		fprintf(stderr, "search-reindex: %s (index %s)\n",
			df_strerror(rc), cfg->search_index_dir);
		return 1;
	}
	printf("search-reindex: %lld published listings indexed in %s\n",
		(long long)count, cfg->search_index_dir);
	return 0;
}
