/* Per-request bump allocator: chunks of memory handed out in 16-byte
 * aligned pieces, released all at once by arena_reset(), which also runs
 * the cleanups registered for foreign objects (json-c trees). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK 16384
#define ARENA_MIN_CHUNK 256
/* Regular chunks kept across resets for the next request: a worker's
 * requests are alike, and giving the same memory back to malloc and
 * taking it again every request costs more than the request's own work
 * on large answers (lists of extensions). */
#define ARENA_SPARE_MAX 64

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;              /* usable bytes after the header */
	size_t used;              /* offset of the next free byte */
	/* The data starts at an ARENA_ALIGN boundary after this header. */
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct arena_chunk *first;   /* survives resets */
	struct arena_chunk *cur;     /* where small allocations come from */
	struct arena_chunk *extra;   /* every other chunk, freed (or kept
	                                as spare) at reset */
	struct arena_chunk *spare;   /* regular chunks ready for reuse */
	size_t nspare;
	struct arena_cleanup *cleanups; /* newest first */
	size_t chunk_size;
	size_t used;
};

#define CHUNK_HDR ((sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & \
	~(size_t)(ARENA_ALIGN - 1))

static unsigned char *chunk_data(struct arena_chunk *c)
{
	return (unsigned char *)c + CHUNK_HDR;
}

static struct arena_chunk *chunk_new(size_t size)
{
	struct arena_chunk *c;
	void *mem;

	if (size > SIZE_MAX - CHUNK_HDR)
		return NULL;
	/* posix_memalign so the data alignment never depends on malloc's. */
	if (posix_memalign(&mem, ARENA_ALIGN, CHUNK_HDR + size) != 0)
		return NULL;
	c = mem;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *arena_new(size_t chunk_size)
{
	struct arena *a;

	if (chunk_size == 0)
		chunk_size = ARENA_DEFAULT_CHUNK;
	if (chunk_size < ARENA_MIN_CHUNK)
		chunk_size = ARENA_MIN_CHUNK;
	chunk_size = (chunk_size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->first = chunk_new(chunk_size);
	if (a->first == NULL) {
		free(a);
		return NULL;
	}
	a->cur = a->first;
	a->chunk_size = chunk_size;
	return a;
}

static void run_cleanups(struct arena *a)
{
	struct arena_cleanup *c;

	/* Popped one at a time so a cleanup that defers another still runs. */
	while ((c = a->cleanups) != NULL) {
		a->cleanups = c->next;
		c->fn(c->p);
	}
}

static void free_extra(struct arena *a, int keep)
{
	struct arena_chunk *c, *next;

	for (c = a->extra; c != NULL; c = next) {
		next = c->next;
		if (keep && c->size == a->chunk_size &&
		    a->nspare < ARENA_SPARE_MAX) {
			c->next = a->spare;
			a->spare = c;
			a->nspare++;
		} else {
			free(c);
		}
	}
	a->extra = NULL;
	if (!keep) {
		for (c = a->spare; c != NULL; c = next) {
			next = c->next;
			free(c);
		}
		a->spare = NULL;
		a->nspare = 0;
	}
}

/* A regular chunk: a spare one when there is one. */
static struct arena_chunk *chunk_regular(struct arena *a)
{
	struct arena_chunk *c = a->spare;

	if (c == NULL)
		return chunk_new(a->chunk_size);
	a->spare = c->next;
	a->nspare--;
	c->next = NULL;
	c->used = 0;
	return c;
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	run_cleanups(a);
	free_extra(a, 0);
	free(a->first);
	free(a);
}

void arena_reset(struct arena *a)
{
	if (a == NULL)
		return;
	/* Cleanup records live in the chunks: run them before freeing. */
	run_cleanups(a);
	free_extra(a, 1);
	a->first->used = 0;
	a->cur = a->first;
	a->used = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c;
	unsigned char *p;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - ARENA_ALIGN - CHUNK_HDR)
		return NULL;
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	c = a->cur;
	if (c->size - c->used >= size) {
		p = chunk_data(c) + c->used;
		c->used += size;
		a->used += size;
		return p;
	}
	if (size > a->chunk_size / 2) {
		/* A large piece gets a chunk of its own, so the current chunk's
		 * free space stays usable for the small ones that follow. */
		c = chunk_new(size);
		if (c == NULL)
			return NULL;
	} else {
		c = chunk_regular(a);
		if (c == NULL)
			return NULL;
		a->cur = c;
	}
	c->next = a->extra;
	a->extra = c;
	c->used = size;
	a->used += size;
	return chunk_data(c);
}

void *arena_calloc(struct arena *a, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	p = arena_alloc(a, nmemb * size);
	if (p != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

char *arena_memdup(struct arena *a, const void *p, size_t n)
{
	char *d;

	if (n == SIZE_MAX)
		return NULL;
	d = arena_alloc(a, n + 1);
	if (d == NULL)
		return NULL;
	if (n > 0)
		memcpy(d, p, n);
	/* A trailing NUL costs nothing and makes copied text safe to print. */
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_memdup(a, s, strlen(s));
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (s == NULL)
		return NULL;
	return arena_memdup(a, s, strnlen(s, n));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	char *d;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	d = arena_alloc(a, (size_t)n + 1);
	if (d == NULL)
		return NULL;
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *d;

	va_start(ap, fmt);
	d = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return d;
}

int arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct arena_cleanup *c;

	c = arena_alloc(a, sizeof(*c));
	if (c == NULL) {
		fn(p);
		return DF_ENOMEM;
	}
	c->fn = fn;
	c->p = p;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}
