/* The host's response cache, one copy of each answer for every worker,
 * plus the ETag and If-None-Match helpers of conditional GET.
 *
 * The answers live in one shared anonymous mapping made by cache_init
 * before the workers are forked (so every worker, and every worker the
 * supervisor forks later, maps the same pages). It is cut into a few
 * size classes of fixed-size slots; each class is a set-associative
 * table: a key's 64-bit hash picks one bucket of up to CACHE_WAYS slots
 * in each class. Nothing on the read path takes a lock, and no lock
 * exists a dying worker could keep:
 * - Every slot has a sequence word, even when stable, odd while a
 *   writer fills it. A reader copies the slot into its own buffer and
 *   then reads the word again: a changed or odd word means a torn copy,
 *   and the lookup misses.
 * - A writer claims a slot by a compare-and-swap of that word from even
 *   to odd, and releases it with another compare-and-swap. The odd word
 *   carries the time of the claim, so a slot whose writer died stays
 *   unusable only until CACHE_STUCK_S has passed: the next writer that
 *   picks it takes it over.
 * - Eviction is per bucket: the least recently used way goes.
 * The generation stamps (in the shared segment, core/shm.c) still say
 * when an entry has gone stale, as with the per-process cache before. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "cache.h"
#include "crypto.h"
#include "err.h"
#include "http.h"
#include "shm.h"

/* Slot sizes, header included: 2, 8, 32 and 128 KiB. An answer whose
 * key, content type, tag, extra headers and body together exceed the
 * largest class the budget allows is not cached. */
#define CACHE_CLASSES 4
#define CACHE_MIN_SLOT 2048u
#define CACHE_WAYS 8u
/* A slot odd for this long has lost its writer (a write copies at most
 * 128 KiB: microseconds); it may be taken over. */
#define CACHE_STUCK_S 2u
#define CACHE_NO_CT 0xffffffffu

/* The fixed head of a slot; the data follows. Written only by the
 * writer that holds the slot odd; read by anyone, checked by seq. */
struct cslot {
	uint64_t seq;      /* bits 32-63: writes so far; bit 0: being written;
	                      bits 1-31 while odd: claim time, seconds */
	uint64_t hash;     /* 0: empty */
	uint64_t stamp;    /* the generation stamp of the answer */
	uint64_t used;     /* last hit or store, monotonic milliseconds */
	uint32_t len;      /* bytes of data */
	uint32_t klen, ctlen, elen; /* ctlen CACHE_NO_CT: no content type */
	uint32_t nheaders;
	uint32_t pad[3];   /* the data starts 64 bytes in */
	/* data: key\0 ct\0 etag\0 (name\0 value\0)* (value_len: u32 each,
	 * before the strings) body\0 */
};

struct cclass {
	unsigned char *base;
	size_t slot_size;  /* bytes per slot, head included */
	size_t nbuckets, ways;
};

static struct {
	unsigned char *map;        /* NULL: disabled */
	size_t map_len;
	struct cclass cls[CACHE_CLASSES];
	unsigned ncls;
	uint64_t seed;             /* the same in every worker: set before fork */
	unsigned char *buf;        /* this process's copy of one slot */
	size_t buf_cap;
	struct http_kv kv[HTTP_MAX_RESP_HEADERS];
	struct cache_entry pub;
} cache;

/* FNV-1a over the key, started from a random seed chosen once per pool,
 * so that which keys share a bucket cannot be worked out from outside. */
static uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull ^ cache.seed;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ull;
	}
	return h != 0 ? h : 1; /* 0 marks an empty slot */
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct cslot *slot_at(const struct cclass *c, size_t i)
{
	return (struct cslot *)(c->base + i * c->slot_size);
}

static struct cslot *bucket_of(const struct cclass *c, uint64_t hash)
{
	return slot_at(c, (size_t)(hash % c->nbuckets) * c->ways);
}

static size_t slot_room(const struct cclass *c)
{
	return c->slot_size - sizeof(struct cslot);
}

/* ---- claiming ---- */

#define SEQ_ODD(seq) (((seq) & 1u) != 0)
#define SEQ_SINCE(seq) ((uint32_t)(((seq) & 0xffffffffu) >> 1))

static uint32_t now_s31(void)
{
	return (uint32_t)(now_ms() / 1000u) & 0x7fffffffu;
}

/* 1 when an odd word's claim is old enough to take over. */
static int seq_stuck(uint64_t seq)
{
	return SEQ_ODD(seq) &&
		((now_s31() - SEQ_SINCE(seq)) & 0x7fffffffu) >= CACHE_STUCK_S;
}

/* Claims s whose word was seen as seq (even, or odd and stuck): the
 * claim value, or 0 when another process got there first. */
static uint64_t slot_claim(struct cslot *s, uint64_t seq)
{
	uint64_t claim = (((seq >> 32) + 1u) << 32) |
		((uint64_t)now_s31() << 1) | 1u;

	if (!__atomic_compare_exchange_n(&s->seq, &seq, claim, 0,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	/* The odd word is visible before any of the data changes. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return claim;
}

/* Ends a claim. A claim taken over meanwhile (this writer was stopped
 * for seconds) is not ours any more: the new owner's word stays. */
static void slot_release(struct cslot *s, uint64_t claim)
{
	__atomic_compare_exchange_n(&s->seq, &claim, claim & ~0xffffffffull,
		0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* ---- set-up ---- */

void cache_free(void)
{
	if (cache.map != NULL)
		munmap(cache.map, cache.map_len);
	free(cache.buf);
	memset(&cache, 0, sizeof(cache));
}

int cache_init(size_t max_entries, size_t max_bytes)
{
	size_t per_bytes, per_entries, total = 0, left, n, i;
	unsigned k;

	cache_free();
	if (max_entries == 0)
		return 0;
	/* As many classes as leave the largest at least one slot of an
	 * even share of the budget. Entries are shared evenly; bytes a
	 * smaller class cannot use (its entries run out first) go to the
	 * larger ones. */
	for (k = CACHE_CLASSES; k > 1; k--)
		if (max_bytes / k >= (size_t)CACHE_MIN_SLOT << (2 * (k - 1)))
			break;
	left = max_bytes;
	per_entries = max_entries / k > 0 ? max_entries / k : 1;
	for (i = 0; i < k; i++) {
		struct cclass *c = &cache.cls[i];

		c->slot_size = (size_t)CACHE_MIN_SLOT << (2 * i);
		per_bytes = left / (k - i);
		n = per_bytes / c->slot_size;
		if (n > per_entries)
			n = per_entries;
		if (n == 0)
			n = 1;
		c->nbuckets = n / CACHE_WAYS > 0 ? n / CACHE_WAYS : 1;
		c->ways = n / c->nbuckets;
		total += c->nbuckets * c->ways * c->slot_size;
		left -= left > c->nbuckets * c->ways * c->slot_size ?
			c->nbuckets * c->ways * c->slot_size : left;
	}
	/* Populated now, by the process that forks the workers: each page
	 * is then mapped by it and by every worker that touches it, and
	 * counts as shared, never as one worker's private memory. */
	cache.map = mmap(NULL, total, PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (cache.map == MAP_FAILED) {
		cache.map = NULL;
		return DF_ENOMEM;
	}
	cache.map_len = total;
	cache.ncls = k;
	total = 0;
	for (i = 0; i < k; i++) {
		cache.cls[i].base = cache.map + total;
		total += cache.cls[i].nbuckets * cache.cls[i].ways *
			cache.cls[i].slot_size;
	}
	cache.buf_cap = slot_room(&cache.cls[k - 1]);
	cache.buf = malloc(cache.buf_cap);
	if (cache.buf == NULL) {
		cache_free();
		return DF_ENOMEM;
	}
	/* Without randomness the seed is 0: the table still works, only
	 * the bucket of a key becomes predictable. */
	if (crypto_random(&cache.seed, sizeof(cache.seed)) != 0)
		cache.seed = 0;
	return 0;
}

/* ---- reading ---- */

/* Takes a string of n bytes and its NUL from the copy at *p (within
 * end); NULL when the copy does not hold one. */
static const char *take(const unsigned char **p, const unsigned char *end,
	size_t n)
{
	const char *s = (const char *)*p;

	if ((size_t)(end - *p) < n + 1 || (*p)[n] != '\0')
		return NULL;
	*p += n + 1;
	return s;
}

/* Fills cache.pub from the private copy of a slot whose head is h;
 * 0, or -1 when the copy does not parse. */
static int parse_copy(const struct cslot *h, const char *key)
{
	const unsigned char *p = cache.buf, *end = cache.buf + h->len;
	uint32_t vlen[HTTP_MAX_RESP_HEADERS];
	const char *k, *ct = NULL, *et, *body;
	size_t i, blen;

	if (h->nheaders > HTTP_MAX_RESP_HEADERS ||
	    (size_t)(end - p) < h->nheaders * sizeof(uint32_t))
		return -1;
	memcpy(vlen, p, h->nheaders * sizeof(uint32_t));
	p += h->nheaders * sizeof(uint32_t);
	k = take(&p, end, h->klen);
	if (k == NULL || strcmp(k, key) != 0)
		return -1;
	if (h->ctlen != CACHE_NO_CT && (ct = take(&p, end, h->ctlen)) == NULL)
		return -1;
	if ((et = take(&p, end, h->elen)) == NULL)
		return -1;
	for (i = 0; i < h->nheaders; i++) {
		const char *name = (const char *)p;
		size_t nlen = strnlen(name, (size_t)(end - p));

		if (take(&p, end, nlen) == NULL)
			return -1;
		cache.kv[i].name = name;
		cache.kv[i].value = take(&p, end, vlen[i]);
		if (cache.kv[i].value == NULL)
			return -1;
		cache.kv[i].value_len = vlen[i];
	}
	if (p == end)
		return -1;
	blen = (size_t)(end - p) - 1;
	if ((body = take(&p, end, blen)) == NULL)
		return -1;
	cache.pub.content_type = ct;
	cache.pub.etag = et;
	cache.pub.body = body;
	cache.pub.body_len = blen;
	cache.pub.headers = cache.kv;
	cache.pub.nheaders = h->nheaders;
	return 0;
}

/* Copies slot s into the private buffer; 1 when the copy is whole (the
 * word was even and did not move), with its head in *h. */
static int copy_out(const struct cclass *c, struct cslot *s, struct cslot *h)
{
	uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
	size_t len;

	if (SEQ_ODD(seq))
		return 0;
	memcpy(h, s, sizeof(*h));
	len = h->len;
	if (len > slot_room(c))
		len = slot_room(c); /* torn: the check below says so */
	memcpy(cache.buf, s + 1, len);
	/* The copies are done before the word is read again. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&s->seq, __ATOMIC_RELAXED) == seq &&
		h->len <= slot_room(c);
}

const struct cache_entry *cache_lookup(const char *key, uint64_t gen_stamp)
{
	uint64_t hash;
	unsigned ci;
	size_t w;

	if (cache.map == NULL || key == NULL)
		return NULL;
	hash = key_hash(key);
	for (ci = 0; ci < cache.ncls; ci++) {
		const struct cclass *c = &cache.cls[ci];
		struct cslot *b = bucket_of(c, hash);

		for (w = 0; w < c->ways; w++) {
			struct cslot *s = (struct cslot *)((unsigned char *)b +
				w * c->slot_size);
			struct cslot h;
			uint64_t t;

			if (__atomic_load_n(&s->hash, __ATOMIC_RELAXED) != hash)
				continue;
			/* A torn copy (a writer at work), another key of the
			 * same hash, or another generation: a miss. */
			if (!copy_out(c, s, &h) || h.hash != hash ||
			    h.stamp != gen_stamp || parse_copy(&h, key) != 0)
				return NULL;
			/* Recency only: no ordering needed, and written only
			 * when it moved, so hot slots stay clean in the CPU
			 * caches of the other workers. */
			t = now_ms();
			if (__atomic_load_n(&s->used, __ATOMIC_RELAXED) != t)
				__atomic_store_n(&s->used, t, __ATOMIC_RELAXED);
			return &cache.pub;
		}
	}
	return NULL;
}

/* ---- writing ---- */

/* Adds v into *sum; 0 on overflow. */
static int add_size(size_t *sum, size_t v)
{
	if (v > SIZE_MAX - *sum)
		return 0;
	*sum += v;
	return 1;
}

static unsigned char *put(unsigned char *p, const char *s, size_t n)
{
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p + n + 1;
}

/* Empties every slot of hash in class c (an older copy of the key that
 * now belongs in another class). Best effort: a slot being written is
 * left to its writer. */
static void drop_hash(const struct cclass *c, uint64_t hash)
{
	struct cslot *b = bucket_of(c, hash);
	size_t w;

	for (w = 0; w < c->ways; w++) {
		struct cslot *s = (struct cslot *)((unsigned char *)b +
			w * c->slot_size);
		uint64_t seq, claim;

		if (__atomic_load_n(&s->hash, __ATOMIC_RELAXED) != hash)
			continue;
		seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
		if (SEQ_ODD(seq) || (claim = slot_claim(s, seq)) == 0)
			continue;
		__atomic_store_n(&s->hash, 0, __ATOMIC_RELAXED);
		slot_release(s, claim);
	}
}

/* The way of bucket b to write hash into, claimed: the key's own slot,
 * else an empty one, else one whose writer died, else the least
 * recently used. NULL when every candidate is being written. */
static struct cslot *pick_and_claim(const struct cclass *c, uint64_t hash,
	uint64_t *claim)
{
	struct cslot *b = bucket_of(c, hash), *best = NULL;
	uint64_t best_rank = UINT64_MAX, best_seq = 0;
	size_t w;

	for (w = 0; w < c->ways; w++) {
		struct cslot *s = (struct cslot *)((unsigned char *)b +
			w * c->slot_size);
		uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
		uint64_t h = __atomic_load_n(&s->hash, __ATOMIC_RELAXED);
		uint64_t rank;

		if (SEQ_ODD(seq) && !seq_stuck(seq))
			continue;
		if (h == hash && !SEQ_ODD(seq))
			rank = 0;
		else if (h == 0 || SEQ_ODD(seq))
			rank = 1;
		else
			rank = 2 + __atomic_load_n(&s->used, __ATOMIC_RELAXED);
		if (rank < best_rank) {
			best = s;
			best_rank = rank;
			best_seq = seq;
		}
	}
	if (best == NULL || (*claim = slot_claim(best, best_seq)) == 0)
		return NULL;
	return best;
}

int cache_store(const char *key, uint64_t gen_stamp, const char *content_type,
	const char *body, size_t len, const char *etag,
	const struct http_kv *headers, size_t nheaders)
{
	size_t size = 0, i, klen, ctlen, elen;
	const struct cclass *c = NULL;
	struct cslot *s;
	uint64_t hash, claim;
	unsigned char *p;
	unsigned ci;

	if (cache.map == NULL)
		return 0;
	if (key == NULL || etag == NULL || (body == NULL && len > 0) ||
	    (headers == NULL && nheaders > 0))
		return DF_EINVAL;
	if (nheaders > HTTP_MAX_RESP_HEADERS)
		return DF_ETOOBIG;
	klen = strlen(key);
	ctlen = content_type != NULL ? strlen(content_type) : 0;
	elen = strlen(etag);
	if (!add_size(&size, nheaders * sizeof(uint32_t)) ||
	    !add_size(&size, klen + 1) ||
	    !add_size(&size, content_type != NULL ? ctlen + 1 : 0) ||
	    !add_size(&size, elen + 1) || !add_size(&size, len) ||
	    !add_size(&size, 1))
		return DF_ETOOBIG;
	for (i = 0; i < nheaders; i++) {
		if (headers[i].name == NULL || headers[i].value == NULL)
			return DF_EINVAL;
		if (headers[i].value_len > UINT32_MAX ||
		    !add_size(&size, strlen(headers[i].name) + 1) ||
		    !add_size(&size, headers[i].value_len + 1))
			return DF_ETOOBIG;
	}
	if (klen >= CACHE_NO_CT || ctlen >= CACHE_NO_CT || elen >= CACHE_NO_CT)
		return DF_ETOOBIG;
	for (ci = 0; ci < cache.ncls; ci++) {
		if (size <= slot_room(&cache.cls[ci])) {
			c = &cache.cls[ci];
			break;
		}
	}
	if (c == NULL)
		return DF_ETOOBIG;

	hash = key_hash(key);
	for (ci = 0; ci < cache.ncls; ci++)
		if (&cache.cls[ci] != c)
			drop_hash(&cache.cls[ci], hash);
	s = pick_and_claim(c, hash, &claim);
	if (s == NULL)
		return 0; /* every way busy: this answer just is not kept */

	/* hash and used are also read outside the seqlock (to pick a way,
	 * or a victim): atomic, so those reads are never torn. */
	__atomic_store_n(&s->hash, hash, __ATOMIC_RELAXED);
	__atomic_store_n(&s->used, now_ms(), __ATOMIC_RELAXED);
	s->stamp = gen_stamp;
	s->len = (uint32_t)size;
	s->klen = (uint32_t)klen;
	s->ctlen = content_type != NULL ? (uint32_t)ctlen : CACHE_NO_CT;
	s->elen = (uint32_t)elen;
	s->nheaders = (uint32_t)nheaders;
	p = (unsigned char *)(s + 1);
	for (i = 0; i < nheaders; i++) {
		uint32_t v = (uint32_t)headers[i].value_len;

		memcpy(p, &v, sizeof(v));
		p += sizeof(v);
	}
	p = put(p, key, klen);
	if (content_type != NULL)
		p = put(p, content_type, ctlen);
	p = put(p, etag, elen);
	for (i = 0; i < nheaders; i++) {
		p = put(p, headers[i].name, strlen(headers[i].name));
		p = put(p, headers[i].value, headers[i].value_len);
	}
	put(p, body, len);
	slot_release(s, claim);
	return 0;
}

/* Walks every slot (tests and diagnostics only). */
static void tally(size_t *count, size_t *bytes)
{
	unsigned ci;
	size_t i;

	*count = *bytes = 0;
	for (ci = 0; ci < cache.ncls; ci++) {
		const struct cclass *c = &cache.cls[ci];

		for (i = 0; i < c->nbuckets * c->ways; i++) {
			struct cslot *s = slot_at(c, i);

			if (__atomic_load_n(&s->hash, __ATOMIC_RELAXED) == 0 ||
			    SEQ_ODD(__atomic_load_n(&s->seq, __ATOMIC_RELAXED)))
				continue;
			(*count)++;
			*bytes += s->len;
		}
	}
}

size_t cache_count(void)
{
	size_t n, b;

	tally(&n, &b);
	return n;
}

size_t cache_bytes(void)
{
	size_t n, b;

	tally(&n, &b);
	return b;
}

size_t cache_max_answer(void)
{
	return cache.ncls > 0 ? slot_room(&cache.cls[cache.ncls - 1]) : 0;
}

int cache_test_tear(const char *key)
{
	uint64_t hash;
	unsigned ci;
	size_t w;

	if (cache.map == NULL || key == NULL)
		return 0;
	hash = key_hash(key);
	for (ci = 0; ci < cache.ncls; ci++) {
		const struct cclass *c = &cache.cls[ci];
		struct cslot *b = bucket_of(c, hash);

		for (w = 0; w < c->ways; w++) {
			struct cslot *s = (struct cslot *)((unsigned char *)b +
				w * c->slot_size);

			if (s->hash != hash)
				continue;
			/* Odd with the current time: a writer at work. */
			__atomic_store_n(&s->seq, (s->seq & ~0xffffffffull) |
				((uint64_t)now_s31() << 1) | 1u,
				__ATOMIC_RELEASE);
			return 1;
		}
	}
	return 0;
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
