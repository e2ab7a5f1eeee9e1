/* devforgectl search-reindex: rebuilds this host's full-text index. */
#ifndef DF_CTL_SEARCH_H
#define DF_CTL_SEARCH_H

struct config;

/* Exit status: 0 done, 1 failed (the reason printed). */
int ctl_search_reindex(const struct config *cfg);

#endif
