/* The one shared-memory segment of a host's workers: rate-limit buckets,
 * request metrics and cache generation counters. The first worker creates
 * and initialises it under an flock() (released by the kernel even if that
 * worker dies); the others map it and check magic, version and layout
 * size. Every field is updated with lock-free atomics (__atomic builtins),
 * never under a lock a dying worker could keep: a worker killed mid-update
 * loses at most its own increment. It holds counters only; losing it loses
 * no user data. */
#ifndef DF_SHM_H
#define DF_SHM_H

#include <stddef.h>
#include <stdint.h>

#define SHM_MAGIC 0x4446534547000000ull /* "DFSEG" */
#define SHM_VERSION 1u
#define SHM_MAX_ROUTES 256      /* route slots; slot SHM_MAX_ROUTES counts
                                   requests that matched no route */
#define SHM_STATUS_SLOTS 24     /* see shm_status_slot() */
#define SHM_HIST_BUCKETS 14     /* upper bounds in shm_hist_bounds_us[],
                                   the last one +Inf */
#define SHM_CACHE_GENERATIONS 64
#define SHM_RL_SLOTS 16384      /* power of two */
#define SHM_RL_PROBES 8
#define SHM_UPLOAD_SLOTS 256    /* one per worker at most (workers <= 256) */

enum shm_counter {
	SHM_C_CACHE_HITS = 0,
	SHM_C_CACHE_MISSES,
	SHM_C_RL_REFUSED,            /* + enum rl_class: one per class */
	SHM_C_LOGINS_OK = SHM_C_RL_REFUSED + 8,
	SHM_C_LOGINS_FAILED,
	SHM_C_WORKER_RESTARTS,
	SHM_C_WORKER_STARTS,
	SHM_C_DB_QUERIES,
	SHM_C_DB_ERRORS,
	SHM_C_DB_RECONNECTS,
	SHM_C_DB_UNAVAILABLE,        /* requests answered 503 for the database */
	SHM_C__MAX = 64
};

struct shm_hist {
	uint64_t buckets[SHM_HIST_BUCKETS]; /* non-cumulative counts */
	uint64_t count;
	uint64_t sum_us;
};

struct shm_route_stats {
	uint64_t by_status[SHM_STATUS_SLOTS];
	struct shm_hist latency;
};

struct shm_rl_slot {
	uint64_t key;    /* 0: empty */
	uint64_t tat_us; /* GCRA theoretical arrival time, unix microseconds */
};

/* A worker's upload in progress (core/upload.c): the worker's pid, the
 * client's key (0: none) and when it began. */
struct shm_upload_slot {
	uint64_t pid;
	uint64_t key;
	uint64_t started_us;
};

struct shm_segment {
	uint64_t magic;
	uint32_t version;
	uint32_t ready;          /* set last by the creator (release store) */
	uint64_t size;           /* sizeof(struct shm_segment) */
	uint64_t created_unix;
	struct shm_route_stats routes[SHM_MAX_ROUTES + 1];
	struct shm_hist db_latency;
	uint64_t counters[SHM_C__MAX];
	uint64_t cache_gen[SHM_CACHE_GENERATIONS];
	struct shm_rl_slot rl[SHM_RL_SLOTS];
	struct shm_upload_slot uploads[SHM_UPLOAD_SLOTS];
};

/* Upper bounds of the latency buckets, microseconds; the last is
 * UINT64_MAX (+Inf). */
extern const uint64_t shm_hist_bounds_us[SHM_HIST_BUCKETS];
/* Status codes with their own slot, in slot order; the last slot counts
 * every other status. */
extern const int shm_status_codes[SHM_STATUS_SLOTS - 1];

/* Creates or maps the segment named name ("/devforge-8080"). A segment
 * of another version or size is replaced (its counters are lost; workers
 * still mapping the old one keep using it until they restart). 0 with
 * *out set, or DF_EIO. */
int shm_attach(const char *name, struct shm_segment **out);
void shm_detach(struct shm_segment *seg);
/* Removes the name (the supervisor does it on a clean shutdown). */
int shm_unlink_name(const char *name);
/* For unit tests: initialise a segment in ordinary memory. */
void shm_init_memory(struct shm_segment *seg);

/* The process's segment, set by main after shm_attach (NULL in tools and
 * tests that run without one: every helper below then does nothing). */
extern struct shm_segment *shm_current;

static inline void shm_add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
static inline uint64_t shm_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}
void shm_count(enum shm_counter c, uint64_t v);
/* Slot for a status code (0..SHM_STATUS_SLOTS-1). */
int shm_status_slot(int status);
/* Adds one observation to a histogram. */
void shm_hist_observe(struct shm_hist *h, uint64_t us);

/* Cache generations: a write bumps the generation of what it changed; a
 * cached answer is valid while its recorded generation is current. */
uint64_t shm_cache_gen(unsigned idx);
void shm_cache_bump(unsigned idx);

#endif
