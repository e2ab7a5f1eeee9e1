/* The shared segment of a host's workers: creation under flock(), checks
 * of magic, version and layout size on every attach, and the small
 * lock-free helpers (counters, status slots, histograms, cache
 * generations) the rest of the program updates it through. */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

const uint64_t shm_hist_bounds_us[SHM_HIST_BUCKETS] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, UINT64_MAX
};

const uint64_t shm_minute_bounds_us[SHM_MINUTE_BUCKETS] = {
	1000, 5000, 25000, 100000, 250000, 1000000, 5000000, UINT64_MAX
};

const int shm_status_codes[SHM_STATUS_SLOTS - 1] = {
	200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 409,
	411, 413, 414, 415, 422, 429, 431, 500, 503
};

struct shm_segment *shm_current;

/* How long an attach waits for the creation lock. Initialisation takes
 * microseconds, so a holder keeping it this long is stopped or stuck, and
 * a worker must not hang behind it (a holder that died has already lost
 * the lock: the kernel drops flock() locks with the last descriptor). */
static unsigned shm_lock_timeout_ms = 5000;
/* Rounds of the attach loop: each round that does not succeed either
 * found the name replaced under it or replaced a bad segment itself. */
#define SHM_ATTACH_ROUNDS 16

static void shm_header_init(struct shm_segment *seg)
{
	seg->magic = SHM_MAGIC;
	seg->version = SHM_VERSION;
	seg->size = sizeof(*seg);
	seg->created_unix = (uint64_t)time(NULL);
	/* Last, so nobody can see a ready flag before the header. */
	__atomic_store_n(&seg->ready, 1u, __ATOMIC_RELEASE);
}

void shm_init_memory(struct shm_segment *seg)
{
	memset(seg, 0, sizeof(*seg));
	shm_header_init(seg);
}

static int shm_lock(int fd)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	unsigned waited_ms = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return DF_EIO;
		if (waited_ms >= shm_lock_timeout_ms)
			return DF_EIO;
		nanosleep(&pause, NULL);
		waited_ms += 2;
	}
}

static int shm_valid(const struct shm_segment *seg)
{
	return __atomic_load_n(&seg->ready, __ATOMIC_ACQUIRE) == 1u &&
		seg->magic == SHM_MAGIC && seg->version == SHM_VERSION &&
		seg->size == sizeof(*seg);
}

/* One round under the lock on fd: 1 when *out is a valid mapping, 0 when
 * the caller must start again (the name now points elsewhere), or
 * DF_EIO. */
static int shm_attach_locked(const char *name, int fd,
	struct shm_segment **out)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) != 0)
		return DF_EIO;
	/* Someone replaced the segment while we waited for the lock: this
	 * descriptor is the old, unlinked one. */
	if (st.st_nlink == 0)
		return 0;

	if (st.st_size == (off_t)sizeof(struct shm_segment)) {
		p = mmap(NULL, sizeof(struct shm_segment),
			PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return DF_EIO;
		if (shm_valid(p)) {
			*out = p;
			return 1;
		}
		munmap(p, sizeof(struct shm_segment));
	}

	if (st.st_size != 0) {
		/* Another version, another layout, or a creator that died
		 * before finishing: replace it rather than reuse it in place,
		 * so workers still mapping it never see a foreign layout. */
		if (shm_unlink(name) != 0 && errno != ENOENT)
			return DF_EIO;
		return 0;
	}

	/* A new, empty object: ftruncate zero-fills it. */
	if (ftruncate(fd, (off_t)sizeof(struct shm_segment)) != 0)
		return DF_EIO;
	p = mmap(NULL, sizeof(struct shm_segment), PROT_READ | PROT_WRITE,
		MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return DF_EIO;
	shm_header_init(p);
	*out = p;
	return 1;
}

int shm_attach(const char *name, struct shm_segment **out)
{
	int round, fd, rc;

	if (name == NULL || out == NULL)
		return DF_EIO;
	for (round = 0; round < SHM_ATTACH_ROUNDS; round++) {
		fd = shm_open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return DF_EIO;
		rc = shm_lock(fd);
		if (rc == 0)
			rc = shm_attach_locked(name, fd, out);
		/* Unlock explicitly: the mapping keeps the open file
		 * description, and with it the lock, alive after close().
		 * A holder that dies loses both with its mappings. */
		flock(fd, LOCK_UN);
		close(fd);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	return DF_EIO;
}

int shm_attach_existing(const char *name, struct shm_segment **out)
{
	struct stat st;
	void *p;
	int fd;

	if (name == NULL || out == NULL)
		return DF_EIO;
	fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return errno == ENOENT ? DF_ENOTFOUND : DF_EIO;
	if (fstat(fd, &st) != 0 ||
	    st.st_size != (off_t)sizeof(struct shm_segment)) {
		close(fd);
		return DF_ENOTFOUND;
	}
	p = mmap(NULL, sizeof(struct shm_segment), PROT_READ | PROT_WRITE,
		MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return DF_EIO;
	/* Not ready yet (a creator still initialising it) or foreign: the
	 * caller goes on without it. */
	if (!shm_valid(p)) {
		munmap(p, sizeof(struct shm_segment));
		return DF_ENOTFOUND;
	}
	*out = p;
	return 0;
}

void shm_detach(struct shm_segment *seg)
{
	if (seg == NULL)
		return;
	if (seg == shm_current)
		shm_current = NULL;
	munmap(seg, sizeof(*seg));
}

/* A name that is already gone counts as removed: shutdown may race with
 * a replacement or run twice. */
int shm_unlink_name(const char *name)
{
	if (name == NULL)
		return DF_EIO;
	if (shm_unlink(name) != 0 && errno != ENOENT)
		return DF_EIO;
	return 0;
}

void shm_count(enum shm_counter c, uint64_t v)
{
	if (shm_current == NULL || (unsigned)c >= SHM_C__MAX)
		return;
	shm_add(&shm_current->counters[c], v);
}

int shm_status_slot(int status)
{
	int i;

	for (i = 0; i < SHM_STATUS_SLOTS - 1; i++)
		if (shm_status_codes[i] == status)
			return i;
	return SHM_STATUS_SLOTS - 1;
}

void shm_hist_observe(struct shm_hist *h, uint64_t us)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < SHM_HIST_BUCKETS - 1; i++)
		if (us <= shm_hist_bounds_us[i])
			break;
	shm_add(&h->buckets[i], 1);
	shm_add(&h->sum_us, us);
	shm_add(&h->count, 1);
}

void shm_minute_observe(uint64_t now_unix, int status, uint64_t us)
{
	uint64_t minute = now_unix / 60, seen;
	struct shm_minute *m;
	int i;

	if (shm_current == NULL)
		return;
	m = &shm_current->minutes[minute % SHM_MINUTES];
	seen = __atomic_load_n(&m->minute, __ATOMIC_ACQUIRE);
	/* The first request of a new minute claims the slot and clears it;
	 * a request of another worker landing between the claim and the
	 * clearing may be lost: a chart point, never user data. A clock
	 * stepped back leaves the slot alone (seen > minute). */
	if (seen < minute &&
	    __atomic_compare_exchange_n(&m->minute, &seen, minute, 0,
		__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&m->requests, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&m->errors, 0, __ATOMIC_RELAXED);
		for (i = 0; i < SHM_MINUTE_BUCKETS; i++)
			__atomic_store_n(&m->buckets[i], 0, __ATOMIC_RELAXED);
	} else if (seen != minute &&
	    __atomic_load_n(&m->minute, __ATOMIC_ACQUIRE) != minute) {
		return;
	}
	for (i = 0; i < SHM_MINUTE_BUCKETS - 1; i++)
		if (us <= shm_minute_bounds_us[i])
			break;
	shm_add(&m->buckets[i], 1);
	shm_add(&m->requests, 1);
	if (status >= 500)
		shm_add(&m->errors, 1);
}

int shm_worker_register(uint64_t pid, uint64_t now_unix)
{
	int i;

	if (shm_current == NULL)
		return -1;
	for (i = 0; i < SHM_WORKER_SLOTS; i++) {
		struct shm_worker_slot *w = &shm_current->workers[i];
		uint64_t old = __atomic_load_n(&w->pid, __ATOMIC_ACQUIRE);

		/* A slot left by a worker that died without unregistering
		 * is taken over once its pid is gone. */
		if (old != 0 && (old == pid || kill((pid_t)old, 0) == 0 ||
		    errno != ESRCH))
			continue;
		if (!__atomic_compare_exchange_n(&w->pid, &old, pid, 0,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		__atomic_store_n(&w->busy, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&w->started_unix, now_unix, __ATOMIC_RELAXED);
		return i;
	}
	return -1;
}

void shm_worker_busy(int slot, int busy)
{
	if (shm_current == NULL || slot < 0 || slot >= SHM_WORKER_SLOTS)
		return;
	__atomic_store_n(&shm_current->workers[slot].busy, busy ? 1u : 0u,
		__ATOMIC_RELAXED);
}

void shm_worker_unregister(int slot)
{
	if (shm_current == NULL || slot < 0 || slot >= SHM_WORKER_SLOTS)
		return;
	__atomic_store_n(&shm_current->workers[slot].busy, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&shm_current->workers[slot].pid, 0, __ATOMIC_RELEASE);
}

/* Acquire/release rather than relaxed: a reader that sees a bump must
 * also see what the writer did before it. */
uint64_t shm_cache_gen(unsigned idx)
{
	if (shm_current == NULL || idx >= SHM_CACHE_GENERATIONS)
		return 0;
	return __atomic_load_n(&shm_current->cache_gen[idx], __ATOMIC_ACQUIRE);
}

void shm_cache_bump(unsigned idx)
{
	if (shm_current == NULL || idx >= SHM_CACHE_GENERATIONS)
		return;
	__atomic_fetch_add(&shm_current->cache_gen[idx], 1, __ATOMIC_ACQ_REL);
}

/* ---- user generations ---- */

static uint64_t *shm_user_slot(int64_t user_id)
{
	/* Fibonacci hashing: consecutive ids land far apart. */
	uint64_t h = (uint64_t)user_id * 0x9e3779b97f4a7c15ull;

	return &shm_current->user_gen[h >> 50 & (SHM_USER_GENERATIONS - 1)];
}

uint64_t shm_user_gen(int64_t user_id)
{
	if (shm_current == NULL)
		return 0;
	return __atomic_load_n(shm_user_slot(user_id), __ATOMIC_ACQUIRE);
}

uint64_t shm_user_gen_all(void)
{
	if (shm_current == NULL)
		return 0;
	return __atomic_load_n(&shm_current->user_gen_all, __ATOMIC_ACQUIRE);
}

/* The host-wide generation first: a reader that sees the user's new
 * generation then also sees the new host-wide one. */
void shm_user_bump(int64_t user_id)
{
	if (shm_current == NULL)
		return;
	__atomic_fetch_add(&shm_current->user_gen_all, 1, __ATOMIC_ACQ_REL);
	__atomic_fetch_add(shm_user_slot(user_id), 1, __ATOMIC_ACQ_REL);
}

/* ---- pending downloads ---- */

#define DL_FREE 0ull
#define DL_FULL 1ull
#define DL_WRITING 2ull
#define DL_DRAINING 3ull
/* Owned states carry the time they were taken, so a dead owner's slot
 * can be recognised and taken back. */
#define DL_OWNED(kind, t) ((kind) << 56 | ((uint64_t)(t) & 0xffffffffffffffull))
#define DL_KIND(st) ((st) >> 56)
#define DL_SINCE(st) ((st) & 0xffffffffffffffull)

int shm_dl_push(const struct shm_dl_event *ev)
{
	struct shm_segment *s = shm_current;
	uint64_t start, now = (uint64_t)time(NULL), st;
	size_t i;

	if (s == NULL || ev == NULL)
		return DF_EIO;
	start = __atomic_fetch_add(&s->dl_cursor, 1, __ATOMIC_RELAXED);
	for (i = 0; i < SHM_DL_SLOTS; i++) {
		struct shm_dl_slot *slot = &s->dl[(start + i) % SHM_DL_SLOTS];

		st = DL_FREE;
		if (__atomic_load_n(&slot->state, __ATOMIC_RELAXED) != DL_FREE ||
		    !__atomic_compare_exchange_n(&slot->state, &st,
		    DL_OWNED(DL_WRITING, now), 0, __ATOMIC_ACQUIRE,
		    __ATOMIC_RELAXED))
			continue;
		slot->ev = *ev;
		/* Counted before it can be seen FULL, so pending never
		 * drops below what is in the pool. */
		shm_add(&s->dl_pending, 1);
		__atomic_store_n(&slot->state, DL_FULL, __ATOMIC_RELEASE);
		return 0;
	}
	return DF_ETOOBIG;
}

size_t shm_dl_claim(struct shm_dl_event *out, uint32_t *idx, size_t max)
{
	struct shm_segment *s = shm_current;
	uint64_t now = (uint64_t)time(NULL), st;
	size_t i, n = 0;

	if (s == NULL || shm_load(&s->dl_pending) == 0)
		return 0;
	for (i = 0; i < SHM_DL_SLOTS && n < max; i++) {
		struct shm_dl_slot *slot = &s->dl[i];

		st = __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE);
		if (st == DL_FREE)
			continue;
		if (st != DL_FULL) {
			uint64_t back;

			if (DL_SINCE(st) + SHM_DL_STALE_S > now)
				continue;
			/* A dead writer never counted its event; a dead
			 * drainer's batch is pending again. */
			back = DL_KIND(st) == DL_WRITING ? DL_FREE : DL_FULL;
			if (!__atomic_compare_exchange_n(&slot->state, &st,
			    back, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED) ||
			    back == DL_FREE)
				continue;
			st = DL_FULL;
		}
		if (!__atomic_compare_exchange_n(&slot->state, &st,
		    DL_OWNED(DL_DRAINING, now), 0, __ATOMIC_ACQUIRE,
		    __ATOMIC_RELAXED))
			continue;
		out[n] = slot->ev;
		idx[n++] = (uint32_t)i;
	}
	return n;
}

void shm_dl_release(const uint32_t *idx, size_t n, int done)
{
	struct shm_segment *s = shm_current;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (idx[i] >= SHM_DL_SLOTS)
			continue;
		__atomic_store_n(&s->dl[idx[i]].state, done ? DL_FREE : DL_FULL,
			__ATOMIC_RELEASE);
	}
	if (done && n > 0)
		__atomic_fetch_sub(&s->dl_pending, (uint64_t)n, __ATOMIC_RELAXED);
}

uint64_t shm_dl_pending(void)
{
	return shm_current == NULL ? 0 : shm_load(&shm_current->dl_pending);
}

/* Whether this worker flushes a batched counter now: something is
 * pending and the host's next flush time (next_flush) has come, and this
 * worker won the turn by moving it on by interval_us. Downloads and KB
 * views decide alike. */
static int flush_due(const uint64_t *pending, uint64_t *next_flush,
	uint64_t now_us, uint64_t interval_us, uint64_t *wait_us)
{
	uint64_t next;

	*wait_us = 0;
	if (shm_load(pending) == 0)
		return 0;
	next = __atomic_load_n(next_flush, __ATOMIC_RELAXED);
	if (next > now_us) {
		*wait_us = next - now_us;
		return 0;
	}
	if (!__atomic_compare_exchange_n(next_flush, &next,
	    now_us + interval_us, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		/* Another worker of the host took this turn. */
		*wait_us = interval_us;
		return 0;
	}
	return 1;
}

int shm_dl_due(uint64_t now_us, uint64_t interval_us, uint64_t *wait_us)
{
	struct shm_segment *s = shm_current;

	*wait_us = 0;
	return s != NULL && flush_due(&s->dl_pending, &s->dl_next_flush_us,
		now_us, interval_us, wait_us);
}

/* ---- knowledge-base views ---- */

static size_t kb_home(int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 32) & (SHM_KB_VIEW_SLOTS - 1);
}

int shm_kb_view_add(int64_t article_id, uint64_t n)
{
	struct shm_segment *s = shm_current;
	size_t home, i;

	if (s == NULL)
		return DF_EIO;
	if (article_id <= 0)
		return DF_EINVAL;
	home = kb_home(article_id);
	for (i = 0; i < SHM_KB_VIEW_PROBES; i++) {
		struct shm_kb_view_slot *sl =
			&s->kb_views[(home + i) & (SHM_KB_VIEW_SLOTS - 1)];
		uint64_t cur = __atomic_load_n(&sl->article_id,
			__ATOMIC_ACQUIRE);

		if (cur == 0) {
			/* Bind the free slot; losing the race to another
			 * article moves on, to the same one counts here. */
			if (!__atomic_compare_exchange_n(&sl->article_id, &cur,
			    (uint64_t)article_id, 0, __ATOMIC_ACQ_REL,
			    __ATOMIC_ACQUIRE))
				if (cur != (uint64_t)article_id)
					continue;
			cur = (uint64_t)article_id;
		}
		if (cur != (uint64_t)article_id)
			continue;
		shm_add(&sl->count, n);
		shm_add(&s->kb_views_pending, n);
		return 0;
	}
	return DF_ETOOBIG;
}

size_t shm_kb_view_take(int64_t *ids, uint64_t *counts, size_t max)
{
	struct shm_segment *s = shm_current;
	size_t i, k = 0;

	if (s == NULL)
		return 0;
	for (i = 0; i < SHM_KB_VIEW_SLOTS && k < max; i++) {
		struct shm_kb_view_slot *sl = &s->kb_views[i];
		uint64_t c;

		if (shm_load(&sl->count) == 0)
			continue;
		c = __atomic_exchange_n(&sl->count, 0, __ATOMIC_ACQ_REL);
		if (c == 0)
			continue;
		__atomic_fetch_sub(&s->kb_views_pending, c, __ATOMIC_RELAXED);
		ids[k] = (int64_t)__atomic_load_n(&sl->article_id,
			__ATOMIC_ACQUIRE);
		counts[k++] = c;
	}
	return k;
}

uint64_t shm_kb_views_pending(void)
{
	return shm_current != NULL ? shm_load(&shm_current->kb_views_pending)
		: 0;
}

int shm_kb_view_due(uint64_t now_us, uint64_t interval_us, uint64_t *wait_us)
{
	struct shm_segment *s = shm_current;

	*wait_us = 0;
	return s != NULL && flush_due(&s->kb_views_pending,
		&s->kb_next_flush_us, now_us, interval_us, wait_us);
}
