/* Per-request memory: everything a request allocates comes from its arena
 * and is released by one arena_reset() when the request ends. Cleanup
 * callbacks (arena_defer) release foreign objects such as json-c trees
 * at the same moment. */
#ifndef DF_ARENA_H
#define DF_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include "err.h"

struct arena;

/* A new arena whose chunks are at least chunk_size bytes. NULL on OOM. */
struct arena *arena_new(size_t chunk_size);
/* Frees every chunk and runs every deferred cleanup (last in, first out). */
void arena_free(struct arena *a);
/* Runs deferred cleanups, frees all chunks but the first, and makes the
 * arena empty again: the one place a request's memory is released. */
void arena_reset(struct arena *a);

/* 16-byte aligned, uninitialised. NULL on OOM or size overflow. */
void *arena_alloc(struct arena *a, size_t size);
/* Zeroed. NULL on OOM or nmemb*size overflow. */
void *arena_calloc(struct arena *a, size_t nmemb, size_t size);
char *arena_strdup(struct arena *a, const char *s);
/* Copies at most n bytes and NUL-terminates. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Registers fn(p) to run at the next reset or free. 0 or DF_ENOMEM (in
 * which case fn(p) has already been called, so the caller never leaks). */
DF_MUST_CHECK int arena_defer(struct arena *a, void (*fn)(void *), void *p);

/* Bytes currently handed out (for tests and metrics). */
size_t arena_used(const struct arena *a);

#endif
