/* The per-process response cache of public reads, and the validators
 * (ETag, If-None-Match) of conditional GET. Entries carry the generation
 * stamp they were computed under; writers bump generations in the shared
 * segment, so every worker of the host sees its copies go stale at once. */
#ifndef DF_CACHE_H
#define DF_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct http_kv;

/* A quoted strong ETag: '"' + 32 hex digits + '"' + NUL. */
#define CACHE_ETAG_SIZE 35

/* A cached 200 answer, as cache_lookup returns it. Valid until the next
 * cache_store, cache_lookup or cache_free. */
struct cache_entry {
	const char *content_type;     /* NULL: none was set */
	const char *body;
	size_t body_len;
	const char *etag;
	const struct http_kv *headers; /* the handler's own extra headers */
	size_t nheaders;
};

/* Sets up the process's cache, bounded by max_entries answers and
 * max_bytes bytes (entries, keys, bodies and headers together).
 * max_entries 0 leaves it disabled: lookups miss, stores keep nothing.
 * Replaces a cache set up before. 0, or DF_ENOMEM (then disabled). */
DF_MUST_CHECK int cache_init(size_t max_entries, size_t max_bytes);
/* Drops every entry and the table; the cache is disabled afterwards. */
void cache_free(void);

/* The entry stored under key, when its stamp equals gen_stamp; an entry
 * with another stamp is stale: it is dropped and the lookup misses.
 * A hit becomes the most recently used entry. */
const struct cache_entry *cache_lookup(const char *key, uint64_t gen_stamp);

/* Stores a 200 answer under key (replacing any entry of that key),
 * evicting the least recently used entries until both bounds hold.
 * content_type may be NULL; headers (nheaders of them) are copied.
 * 0 (also when the cache is disabled), DF_ETOOBIG when the entry alone
 * exceeds max_bytes, DF_EINVAL, or DF_ENOMEM. */
DF_MUST_CHECK int cache_store(const char *key, uint64_t gen_stamp, const char *content_type,
	const char *body, size_t len, const char *etag,
	const struct http_kv *headers, size_t nheaders);

/* Entries and bytes held now (for tests and diagnostics). */
size_t cache_count(void);
size_t cache_bytes(void);

/* The strong ETag of a body: the first 128 bits of its SHA-256 in hex,
 * quoted. */
void cache_etag(const void *body, size_t len, char out[CACHE_ETAG_SIZE]);

/* 1 when an If-None-Match field value matches etag (RFC 9110 13.1.2):
 * "*", or a comma-separated list of entity tags compared weakly (W/"x"
 * matches "x"), whitespace around elements allowed. A field that does
 * not parse, and an empty one, match nothing. */
int cache_etag_matches(const char *if_none_match, const char *etag);

/* The stamp of a set of generations (bit i: generation i of the shared
 * segment): their sum. Generations only grow, so the sum changes
 * whenever any of them is bumped. 0 without a segment. */
uint64_t cache_stamp(uint64_t gens);

/* Makes every worker's cached answers of generation gen_idx stale. A
 * writer calls it after its transaction has committed, never before: a
 * reader running in between would cache the old rows under the new
 * stamp. */
void cache_invalidate(unsigned gen_idx);

#endif
