/* The per-process response cache: a chained hash table of whole answers
 * with an LRU list, bounded by entries and by bytes, plus the ETag and
 * If-None-Match helpers of conditional GET. Memory is malloc'd, lives
 * with the worker and is never shared: the shared segment only holds the
 * generation counters that say when an entry has gone stale. */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "crypto.h"
#include "err.h"
#include "http.h"
#include "shm.h"

#define CACHE_MAX_BUCKETS (1u << 20)
#define CACHE_MIN_BUCKETS 16u

struct centry {
	struct centry *hnext;        /* bucket chain */
	struct centry *prev, *next;  /* LRU list, head = most recent */
	uint64_t hash;
	uint64_t gen;
	size_t size;                 /* bytes charged against max_bytes */
	const char *key;
	struct cache_entry pub;
	/* then nheaders struct http_kv, then the strings and the body */
};

static struct {
	struct centry **buckets;
	size_t nbuckets;             /* power of two; 0: disabled */
	size_t max_entries, max_bytes;
	size_t count, bytes;
	struct centry *head, *tail;
	uint64_t seed;
} cache;

/* FNV-1a over the key, started from a per-process random seed so that
 * which keys share a bucket cannot be worked out from outside. */
static uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull ^ cache.seed;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void lru_unlink(struct centry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		cache.head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		cache.tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push_front(struct centry *e)
{
	e->prev = NULL;
	e->next = cache.head;
	if (cache.head != NULL)
		cache.head->prev = e;
	cache.head = e;
	if (cache.tail == NULL)
		cache.tail = e;
}

static struct centry **bucket_of(uint64_t hash)
{
	return &cache.buckets[hash & (cache.nbuckets - 1)];
}

static void drop(struct centry *e)
{
	struct centry **pp = bucket_of(e->hash);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(e);
	cache.count--;
	cache.bytes -= e->size;
	free(e);
}

static struct centry *find(const char *key, uint64_t hash)
{
	struct centry *e;

	for (e = *bucket_of(hash); e != NULL; e = e->hnext)
		if (e->hash == hash && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

void cache_free(void)
{
	while (cache.head != NULL)
		drop(cache.head);
	free(cache.buckets);
	memset(&cache, 0, sizeof(cache));
}

int cache_init(size_t max_entries, size_t max_bytes)
{
	size_t n = CACHE_MIN_BUCKETS;

	cache_free();
	if (max_entries == 0)
		return 0;
	/* About one entry per bucket when full. */
	while (n < max_entries && n < CACHE_MAX_BUCKETS)
		n <<= 1;
	cache.buckets = calloc(n, sizeof(*cache.buckets));
	if (cache.buckets == NULL)
		return DF_ENOMEM;
	/* Without randomness the seed is 0: the table still works, only
	 * the bucket of a key becomes predictable. */
	if (crypto_random(&cache.seed, sizeof(cache.seed)) != 0)
		cache.seed = 0;
	cache.nbuckets = n;
	cache.max_entries = max_entries;
	cache.max_bytes = max_bytes;
	return 0;
}

const struct cache_entry *cache_lookup(const char *key, uint64_t gen_stamp)
{
	struct centry *e;

	if (cache.nbuckets == 0 || key == NULL)
		return NULL;
	e = find(key, key_hash(key));
	if (e == NULL)
		return NULL;
	if (e->gen != gen_stamp) {
		drop(e);
		return NULL;
	}
	lru_unlink(e);
	lru_push_front(e);
	return &e->pub;
}

/* Adds a + b into *sum; 0 on overflow. */
static int add_size(size_t *sum, size_t v)
{
	if (v > SIZE_MAX - *sum)
		return 0;
	*sum += v;
	return 1;
}

/* Copies s (n bytes) to *p with a NUL after it; returns the copy. */
static char *put(char **p, const char *s, size_t n)
{
	char *d = *p;

	if (n > 0)
		memcpy(d, s, n);
	d[n] = '\0';
	*p = d + n + 1;
	return d;
}

int cache_store(const char *key, uint64_t gen_stamp, const char *content_type,
	const char *body, size_t len, const char *etag,
	const struct http_kv *headers, size_t nheaders)
{
	struct centry *e, *old;
	struct http_kv *kv;
	size_t size = sizeof(*e), i, klen, ctlen, elen;
	uint64_t hash;
	char *p;

	if (cache.nbuckets == 0)
		return 0;
	if (key == NULL || etag == NULL || (body == NULL && len > 0) ||
	    (headers == NULL && nheaders > 0))
		return DF_EINVAL;
	klen = strlen(key);
	ctlen = content_type != NULL ? strlen(content_type) : 0;
	elen = strlen(etag);
	if (!add_size(&size, klen + 1) || !add_size(&size, ctlen + 1) ||
	    !add_size(&size, elen + 1) || !add_size(&size, len) ||
	    !add_size(&size, 1) || nheaders > SIZE_MAX / sizeof(*kv) ||
	    !add_size(&size, nheaders * sizeof(*kv)))
		return DF_ETOOBIG;
	for (i = 0; i < nheaders; i++) {
		if (headers[i].name == NULL || headers[i].value == NULL)
			return DF_EINVAL;
		if (!add_size(&size, strlen(headers[i].name) + 1) ||
		    !add_size(&size, headers[i].value_len + 1))
			return DF_ETOOBIG;
	}
	/* One answer bigger than the whole budget is never kept, rather than
	 * emptying the cache for it. */
	if (size > cache.max_bytes)
		return DF_ETOOBIG;

	hash = key_hash(key);
	old = find(key, hash);
	if (old != NULL)
		drop(old);
	while (cache.tail != NULL && (cache.count >= cache.max_entries ||
	    size > cache.max_bytes - cache.bytes))
		drop(cache.tail);

	e = malloc(size);
	if (e == NULL)
		return DF_ENOMEM;
	memset(e, 0, sizeof(*e));
	kv = (struct http_kv *)(e + 1);
	p = (char *)(kv + nheaders);
	e->hash = hash;
	e->gen = gen_stamp;
	e->size = size;
	e->key = put(&p, key, klen);
	e->pub.content_type = content_type != NULL ?
		put(&p, content_type, ctlen) : NULL;
	e->pub.etag = put(&p, etag, elen);
	e->pub.body = put(&p, body, len);
	e->pub.body_len = len;
	for (i = 0; i < nheaders; i++) {
		kv[i].name = put(&p, headers[i].name, strlen(headers[i].name));
		kv[i].value = put(&p, headers[i].value, headers[i].value_len);
		kv[i].value_len = headers[i].value_len;
	}
	e->pub.headers = kv;
	e->pub.nheaders = nheaders;

	e->hnext = *bucket_of(hash);
	*bucket_of(hash) = e;
	lru_push_front(e);
	cache.count++;
	cache.bytes += size;
	return 0;
}

size_t cache_count(void)
{
	return cache.count;
}

size_t cache_bytes(void)
{
	return cache.bytes;
}

void cache_etag(const void *body, size_t len, char out[CACHE_ETAG_SIZE])
{
	unsigned char md[CRYPTO_SHA256_LEN];

	crypto_sha256(body != NULL ? body : "", body != NULL ? len : 0, md);
	out[0] = '"';
	crypto_hex(md, 16, out + 1);
	out[33] = '"';
	out[34] = '\0';
}

/* ---- If-None-Match ---- */

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* etagc = %x21 / %x23-7E / obs-text (RFC 9110 8.8.3). */
static int is_etagc(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80;
}

/* Parses one entity-tag at p: [W/] DQUOTE *etagc DQUOTE. Sets *op and
 * *olen to the opaque part between the quotes and returns the position
 * after it, or NULL when p is not an entity-tag. */
static const char *parse_etag(const char *p, const char **op, size_t *olen)
{
	if (p[0] == 'W' && p[1] == '/')
		p += 2;
	if (*p != '"')
		return NULL;
	*op = ++p;
	while (is_etagc((unsigned char)*p))
		p++;
	if (*p != '"')
		return NULL;
	*olen = (size_t)(p - *op);
	return p + 1;
}

int cache_etag_matches(const char *if_none_match, const char *etag)
{
	const char *p, *mine, *theirs, *end;
	size_t mlen, tlen;
	int match = 0;

	if (if_none_match == NULL || etag == NULL)
		return 0;
	end = parse_etag(etag, &mine, &mlen);
	if (end == NULL || *end != '\0')
		return 0;
	p = skip_ows(if_none_match);
	if (*p == '*')
		return *skip_ows(p + 1) == '\0';
	/* #entity-tag: empty elements are allowed (RFC 9110 5.6.1); one
	 * element that is not an entity-tag spoils the whole field. */
	while (*p != '\0') {
		if (*p == ',') {
			p = skip_ows(p + 1);
			continue;
		}
		p = parse_etag(p, &theirs, &tlen);
		if (p == NULL)
			return 0;
		if (tlen == mlen && memcmp(theirs, mine, mlen) == 0)
			match = 1;
		p = skip_ows(p);
		if (*p != ',' && *p != '\0')
			return 0;
	}
	return match;
}

/* ---- generations ---- */

uint64_t cache_stamp(uint64_t gens)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < SHM_CACHE_GENERATIONS && i < 64; i++)
		if (gens & (1ull << i))
			sum += shm_cache_gen(i);
	return sum;
}

void cache_invalidate(unsigned gen_idx)
{
	shm_cache_bump(gen_idx);
}
