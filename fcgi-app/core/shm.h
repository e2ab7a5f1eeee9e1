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
#include "err.h"

#define SHM_MAGIC 0x4446534547000000ull /* "DFSEG" */
#define SHM_VERSION 4u
#define SHM_MAX_ROUTES 256      /* route slots; slots SHM_MAX_ROUTES + m
                                   count requests that matched no route,
                                   one per enum http_method m */
#define SHM_UNMATCHED_SLOTS 8   /* enum http_method values */
#define SHM_WORKER_SLOTS 256    /* one per live worker (workers <= 256) */
#define SHM_MINUTES 60          /* the per-minute ring: the last hour */
#define SHM_MINUTE_BUCKETS 8    /* see shm_minute_bounds_us[] */
#define SHM_STATUS_SLOTS 24     /* see shm_status_slot() */
#define SHM_HIST_BUCKETS 14     /* upper bounds in shm_hist_bounds_us[],
                                   the last one +Inf */
#define SHM_CACHE_GENERATIONS 64
#define SHM_RL_SLOTS 16384      /* power of two */
#define SHM_RL_PROBES 8
#define SHM_UPLOAD_SLOTS 256    /* one per worker at most (workers <= 256) */
#define SHM_DL_SLOTS 4096       /* pending downloads of the host */
#define SHM_USER_GENERATIONS 16384 /* power of two; see shm_user_gen() */
#define SHM_KB_VIEW_SLOTS 2048  /* power of two: articles counted at once */
#define SHM_KB_VIEW_PROBES 16

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
	SHM_C_DL_SYNC_WRITES,        /* downloads written at once: queue full */
	SHM_C_DL_FLUSH_FAILED,       /* flushes rolled back (counts kept) */
	SHM_C_DB_STMT_TIMEOUTS,      /* statements stopped by the bound */
	SHM_C_SLA_BREACHES,          /* SLA targets marked breached by the
	                                sla-breach job (devforgectl jobs) */
	SHM_C_LLM_FALLBACKS,         /* + enum llm_fail: the assistant's model
	                                answers not used, by reason (8 slots) */
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

/* A live worker: its pid (0: free slot) and whether it is answering a
 * request now. A slot whose pid is dead is free for the next worker. */
struct shm_worker_slot {
	uint64_t pid;
	uint64_t busy;
	uint64_t started_unix;
};

/* One minute of the per-minute ring: minute is unix seconds / 60 of the
 * minute the counts belong to; a slot holding an older minute is reset
 * by the first request of its new minute (see shm_minute_observe). */
struct shm_minute {
	uint64_t minute;
	uint64_t requests;
	uint64_t errors;             /* status >= 500 */
	uint64_t buckets[SHM_MINUTE_BUCKETS]; /* non-cumulative */
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

/* One download waiting to be written: the state word says who owns the
 * slot (see shm_dl_push). The fields are plain: only the owner of the
 * state touches them. */
struct shm_dl_event {
	int64_t extension_id;
	int64_t version_id;
	uint32_t day;                /* days since 1970-01-01, UTC */
	uint32_t pad;
	unsigned char client[16];    /* keyed hash of the user or address */
};

struct shm_dl_slot {
	uint64_t state;
	struct shm_dl_event ev;
};

/* Views of one knowledge-base article counted since the last flush: the
 * slot is bound to its article for the segment's life (article_id set
 * once by compare-and-swap, 0: free), count moves by atomics. */
struct shm_kb_view_slot {
	uint64_t article_id;
	uint64_t count;
};

struct shm_segment {
	uint64_t magic;
	uint32_t version;
	uint32_t ready;          /* set last by the creator (release store) */
	uint64_t size;           /* sizeof(struct shm_segment) */
	uint64_t created_unix;
	uint64_t pool_started_unix;  /* when the supervisor started */
	uint64_t workers_configured;
	struct shm_route_stats routes[SHM_MAX_ROUTES + SHM_UNMATCHED_SLOTS];
	struct shm_hist db_latency;
	uint64_t counters[SHM_C__MAX];
	uint64_t cache_gen[SHM_CACHE_GENERATIONS];
	struct shm_rl_slot rl[SHM_RL_SLOTS];
	struct shm_upload_slot uploads[SHM_UPLOAD_SLOTS];
	uint64_t dl_pending;         /* slots FULL or DRAINING */
	uint64_t dl_next_flush_us;   /* unix microseconds; see shm_dl_due */
	uint64_t dl_cursor;          /* where the next push starts probing */
	struct shm_dl_slot dl[SHM_DL_SLOTS];
	/* Users: a generation per user id hash, and one for all users;
	 * see shm_user_gen(). */
	uint64_t user_gen_all;
	uint64_t user_gen[SHM_USER_GENERATIONS];
	/* Knowledge-base article views not yet written: see shm_kb_view_add. */
	uint64_t kb_views_pending;
	uint64_t kb_next_flush_us;
	struct shm_kb_view_slot kb_views[SHM_KB_VIEW_SLOTS];
	struct shm_worker_slot workers[SHM_WORKER_SLOTS];
	struct shm_minute minutes[SHM_MINUTES];
};

/* Upper bounds of the latency buckets, microseconds; the last is
 * UINT64_MAX (+Inf). */
extern const uint64_t shm_hist_bounds_us[SHM_HIST_BUCKETS];
/* Upper bounds of the per-minute latency buckets, microseconds; the last
 * is UINT64_MAX. Coarser than the route histograms: 60 of them per
 * segment, and a p95 per minute for a chart needs no finer steps. */
extern const uint64_t shm_minute_bounds_us[SHM_MINUTE_BUCKETS];
/* Status codes with their own slot, in slot order; the last slot counts
 * every other status. */
extern const int shm_status_codes[SHM_STATUS_SLOTS - 1];

/* Creates or maps the segment named name ("/devforge-8080"). A segment
 * of another version or size is replaced (its counters are lost; workers
 * still mapping the old one keep using it until they restart). 0 with
 * *out set, or DF_EIO. */
DF_MUST_CHECK int shm_attach(const char *name, struct shm_segment **out);
/* Maps the segment named name only when the workers made it and it is
 * of this build's layout: never creates nor replaces one (devforgectl
 * adds to the workers' counters, and must not disturb a segment of
 * another version). 0 with *out set, DF_ENOTFOUND when there is none
 * (or it does not fit), DF_EIO. */
DF_MUST_CHECK int shm_attach_existing(const char *name,
	struct shm_segment **out);
void shm_detach(struct shm_segment *seg);
/* Removes the name (the supervisor does it on a clean shutdown). */
DF_MUST_CHECK int shm_unlink_name(const char *name);
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
DF_MUST_CHECK int shm_status_slot(int status);
/* Adds one observation to a histogram. */
void shm_hist_observe(struct shm_hist *h, uint64_t us);

/* Counts one request of status and duration in the current minute's slot
 * of the ring (now_unix: the wall clock). */
void shm_minute_observe(uint64_t now_unix, int status, uint64_t us);

/* Worker slots: shm_worker_register takes a free slot (or one whose pid
 * is dead) for pid and returns its index, -1 when none is free;
 * shm_worker_busy marks the slot busy (1) or idle (0); a worker leaving
 * calls shm_worker_unregister. */
int shm_worker_register(uint64_t pid, uint64_t now_unix);
void shm_worker_busy(int slot, int busy);
void shm_worker_unregister(int slot);

/* Cache generations: a write bumps the generation of what it changed; a
 * cached answer is valid while its recorded generation is current. */
uint64_t shm_cache_gen(unsigned idx);
void shm_cache_bump(unsigned idx);

/* User generations: every change to a users row on this host bumps the
 * generation of its id (ids sharing a slot share it: a collision only
 * costs a reload) and then the host-wide one, after the change is
 * committed. A worker's cached copy of a row is good while the
 * generation it recorded is current (see store_users_get_cached). */
uint64_t shm_user_gen(int64_t user_id);
uint64_t shm_user_gen_all(void);
void shm_user_bump(int64_t user_id);

/* Pending downloads: a bounded pool of slots, each FREE, WRITING (a
 * worker filling it), FULL, or DRAINING (a worker writing it to the
 * database). Ownership passes by compare-and-swap on the state word, so
 * no lock is ever held; a WRITING or DRAINING slot whose owner died is
 * taken back after SHM_DL_STALE_S (a DRAINING one goes back to FULL: a
 * flusher that died after its commit may make its batch count twice,
 * one that died before never makes it count zero times). */
#define SHM_DL_STALE_S 60
/* Queues ev: 0, or DF_ETOOBIG when no slot is free (the caller writes it
 * some other way: nothing is dropped here). DF_EIO without a segment. */
DF_MUST_CHECK int shm_dl_push(const struct shm_dl_event *ev);
/* Takes up to max FULL slots for writing: their events into out, their
 * indexes into idx. Returns how many. */
size_t shm_dl_claim(struct shm_dl_event *out, uint32_t *idx, size_t max);
/* Ends a claim: written (done) frees the slots, otherwise they go back
 * to FULL for a later flush. */
void shm_dl_release(const uint32_t *idx, size_t n, int done);
/* Events queued and not yet written. */
uint64_t shm_dl_pending(void);
/* 1 when the caller should flush now: something is pending and the
 * host's next flush time (now_us + interval_us after the last) has come;
 * it is then moved on, so one worker of the host wins. *wait_us gets the
 * time to the next due flush (0: nothing pending). */
DF_MUST_CHECK int shm_dl_due(uint64_t now_us, uint64_t interval_us, uint64_t *wait_us);

/* Knowledge-base views, counted here and written in batches (no database
 * write per view). shm_kb_view_add counts n views of an article: 0, or
 * DF_ETOOBIG when no slot is free for it (the caller writes them some
 * other way), DF_EIO without a segment. shm_kb_view_take moves up to max
 * pending counts out (ids and counts; the slots stay bound to their
 * articles, at zero) and returns how many; a flusher that fails gives
 * them back with shm_kb_view_add. A flusher that dies between the two
 * loses its batch: views are a statistic, never user data.
 * shm_kb_view_due is shm_dl_due for these. */
DF_MUST_CHECK int shm_kb_view_add(int64_t article_id, uint64_t n);
size_t shm_kb_view_take(int64_t *ids, uint64_t *counts, size_t max);
uint64_t shm_kb_views_pending(void);
DF_MUST_CHECK int shm_kb_view_due(uint64_t now_us, uint64_t interval_us,
	uint64_t *wait_us);

#endif
