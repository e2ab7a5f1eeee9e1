/* The host's response cache of public reads, one copy of each answer
 * shared by every worker (a shared mapping made before the workers are
 * forked), and the validators (ETag, If-None-Match) of conditional GET.
 * Entries carry the generation stamp they were computed under; writers
 * bump generations in the shared segment, so every worker of the host
 * sees a cached answer go stale at once. */
#ifndef DF_CACHE_H
#define DF_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct http_kv;

/* A quoted strong ETag: '"' + 32 hex digits + '"' + NUL. */
#define CACHE_ETAG_SIZE 35

/* A cached 200 answer, as cache_lookup returns it: the calling process's
 * own copy, valid until its next cache_lookup or cache_free. */
struct cache_entry {
	const char *content_type;     /* NULL: none was set */
	const char *body;
	size_t body_len;
	const char *etag;
	const struct http_kv *headers; /* the handler's own extra headers */
	size_t nheaders;
};

/* Sets up the cache, shared with every process forked afterwards:
 * at most max_entries answers in at most max_bytes bytes of slots
 * (2, 8, 32 and 128 KiB ones: as many of these classes as leave the
 * largest at least one slot of an even share; entries split evenly
 * among them, bytes a smaller class cannot use go to the larger). The
 * memory is allocated at once. max_entries 0 leaves it disabled: lookups miss,
 * stores keep nothing. Replaces a cache set up before in this process.
 * 0, or DF_ENOMEM (then disabled). */
DF_MUST_CHECK int cache_init(size_t max_entries, size_t max_bytes);
/* Unmaps this process's view; the cache is disabled afterwards in this
 * process (others forked from it keep theirs). */
void cache_free(void);

/* The entry stored under key, when its stamp equals gen_stamp; an entry
 * with another stamp is stale and the lookup misses (the next store of
 * the key replaces it). One being written at the same time also misses.
 * A hit becomes the most recently used entry of its bucket. Takes no
 * lock. */
const struct cache_entry *cache_lookup(const char *key, uint64_t gen_stamp);

/* Stores a 200 answer under key (replacing any entry of that key) in
 * the smallest slot it fits, evicting the least recently used entry of
 * the key's bucket. content_type may be NULL; headers (nheaders of
 * them) are copied. 0 (also when the cache is disabled, or when every
 * slot of the bucket is being written: then nothing is kept),
 * DF_ETOOBIG when the entry exceeds cache_max_answer(), or DF_EINVAL. */
DF_MUST_CHECK int cache_store(const char *key, uint64_t gen_stamp, const char *content_type,
	const char *body, size_t len, const char *etag,
	const struct http_kv *headers, size_t nheaders);

/* Entries and bytes held now (for tests and diagnostics: walks every
 * slot). */
size_t cache_count(void);
size_t cache_bytes(void);
/* The largest answer (key, content type, tag, headers and body) that
 * fits a slot; 0 when disabled. */
size_t cache_max_answer(void);
/* For tests: marks the slot of key as being written, as a writer that
 * died mid-copy leaves it. 1 when there was one. */
int cache_test_tear(const char *key);

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
