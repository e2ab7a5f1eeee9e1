/* Unit tests of the shared segment: creation, replacement of a foreign
 * segment, survival of workers killed while attached or mid-creation,
 * counters that add up across processes, and the small helpers. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Included for the static lock timeout. */
#include "../../fcgi-app/core/shm.c"

static char test_name[64];

static void name_setup(void)
{
	snprintf(test_name, sizeof(test_name), "/dftest-%ld",
		(long)getpid());
	cr_assert_eq(shm_unlink_name(test_name), 0);
}

static void name_teardown(void)
{
	cr_assert_eq(shm_unlink_name(test_name), 0);
}

TestSuite(shm_attach, .init = name_setup, .fini = name_teardown);

/* Puts a segment of the given size under the name, header filled as
 * asked; returns its mapping. */
static struct shm_segment *plant(size_t size, uint32_t version,
	uint32_t ready)
{
	struct shm_segment *seg;
	int fd;

	fd = shm_open(test_name, O_RDWR | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)size), 0);
	seg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(seg, MAP_FAILED);
	close(fd);
	if (size >= sizeof(*seg)) {
		seg->magic = SHM_MAGIC;
		seg->version = version;
		seg->size = sizeof(*seg);
		seg->ready = ready;
		seg->counters[SHM_C_CACHE_HITS] = 42;
	} else {
		memset(seg, 0xa5, size);
	}
	return seg;
}

static off_t name_size(void)
{
	struct stat st;
	int fd = shm_open(test_name, O_RDONLY, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(fstat(fd, &st), 0);
	close(fd);
	return st.st_size;
}

Test(shm_attach, creates_initialised_segment)
{
	struct shm_segment *seg;
	uint64_t now = (uint64_t)time(NULL);

	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(seg->magic, SHM_MAGIC);
	cr_assert_eq(seg->version, SHM_VERSION);
	cr_assert_eq(seg->size, sizeof(*seg));
	cr_assert_eq(seg->ready, 1);
	cr_assert(seg->created_unix >= now && seg->created_unix <= now + 5);
	cr_assert_eq(seg->counters[SHM_C_CACHE_HITS], 0);
	cr_assert_eq(seg->rl[SHM_RL_SLOTS - 1].key, 0);
	cr_assert_eq(name_size(), (off_t)sizeof(*seg));
	shm_detach(seg);
}

Test(shm_attach, second_attach_shares_memory)
{
	struct shm_segment *a, *b;

	cr_assert_eq(shm_attach(test_name, &a), 0);
	cr_assert_eq(shm_attach(test_name, &b), 0);
	cr_assert_neq(a, b);
	shm_add(&a->counters[SHM_C_LOGINS_OK], 3);
	cr_assert_eq(shm_load(&b->counters[SHM_C_LOGINS_OK]), 3);
	cr_assert_eq(b->created_unix, a->created_unix);
	shm_detach(a);
	shm_detach(b);
}

Test(shm_attach, replaces_other_version)
{
	struct shm_segment *old, *seg;

	old = plant(sizeof(*old), SHM_VERSION + 1, 1);
	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(seg->version, SHM_VERSION);
	cr_assert_eq(seg->ready, 1);
	cr_assert_eq(seg->counters[SHM_C_CACHE_HITS], 0);
	/* Whoever still maps the old one keeps it intact. */
	cr_assert_eq(old->counters[SHM_C_CACHE_HITS], 42);
	cr_assert_eq(old->version, SHM_VERSION + 1);
	shm_detach(seg);
	munmap(old, sizeof(*old));
}

Test(shm_attach, replaces_other_size)
{
	struct shm_segment *seg;
	void *old = plant(4096, SHM_VERSION, 1);

	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(seg->magic, SHM_MAGIC);
	cr_assert_eq(name_size(), (off_t)sizeof(*seg));
	shm_detach(seg);
	munmap(old, 4096);
}

Test(shm_attach, replaces_unfinished_segment)
{
	struct shm_segment *old, *seg;

	old = plant(sizeof(*old), SHM_VERSION, 0);
	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(seg->ready, 1);
	cr_assert_eq(seg->counters[SHM_C_CACHE_HITS], 0);
	shm_detach(seg);
	munmap(old, sizeof(*old));
}

/* Waits for one byte from a child, so the parent acts only once the child
 * is where the test needs it. */
static void wait_child_ready(int fd)
{
	char c;

	cr_assert_eq(read(fd, &c, 1), 1);
}

static void kill_and_reap(pid_t pid)
{
	int status;

	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

enum hold {
	HOLD_LOCK_ONLY,          /* the lock, nothing written */
	HOLD_HALF_HEADER,        /* sized, magic and version, not ready */
	HOLD_OTHER_VERSION,      /* a whole header of another version */
};

/* A child that takes the segment's lock, writes what `what` says, tells
 * pfd[1] and holds on until killed; returns once it is there. */
static pid_t fork_lock_holder(int pfd[2], enum hold what)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct shm_segment *hdr;
		int fd = shm_open(test_name, O_RDWR | O_CREAT, 0600);

		if (fd < 0 || flock(fd, LOCK_EX) != 0)
			_exit(2);
		if (what != HOLD_LOCK_ONLY) {
			if (ftruncate(fd, sizeof(*hdr)) != 0)
				_exit(2);
			hdr = mmap(NULL, sizeof(*hdr), PROT_READ | PROT_WRITE,
				MAP_SHARED, fd, 0);
			if (hdr == MAP_FAILED)
				_exit(2);
			hdr->magic = SHM_MAGIC;
			hdr->version = SHM_VERSION;
		}
		if (what == HOLD_OTHER_VERSION) {
			hdr->version = SHM_VERSION + 1;
			hdr->size = sizeof(*hdr);
			hdr->ready = 1;
		}
		if (write(pfd[1], "x", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	wait_child_ready(pfd[0]);
	return pid;
}

Test(shm_attach, survives_worker_killed_while_attached)
{
	struct shm_segment *seg;
	int pfd[2];
	pid_t pid;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct shm_segment *mine;

		if (shm_attach(test_name, &mine) != 0)
			_exit(2);
		shm_add(&mine->counters[SHM_C_WORKER_STARTS], 7);
		if (write(pfd[1], "x", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	wait_child_ready(pfd[0]);
	kill_and_reap(pid);

	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(shm_load(&seg->counters[SHM_C_WORKER_STARTS]), 7);
	shm_add(&seg->counters[SHM_C_WORKER_STARTS], 1);
	cr_assert_eq(shm_load(&seg->counters[SHM_C_WORKER_STARTS]), 8);
	shm_detach(seg);
	close(pfd[0]);
	close(pfd[1]);
}

/* The worst moment: the creator holds the lock, has sized the object and
 * written part of the header, and dies. */
Test(shm_attach, survives_creator_killed_mid_creation)
{
	struct shm_segment *seg;
	int pfd[2];
	pid_t pid;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork_lock_holder(pfd, HOLD_HALF_HEADER);
	kill_and_reap(pid);

	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(seg->ready, 1);
	cr_assert_eq(seg->size, sizeof(*seg));
	shm_detach(seg);
	close(pfd[0]);
	close(pfd[1]);
}

/* A live holder that never lets go (stopped, stuck) must not hang the
 * others: attach gives up with DF_EIO. */
Test(shm_attach, gives_up_on_stuck_lock_holder)
{
	struct shm_segment *seg;
	struct timespec t0, t1;
	int pfd[2];
	pid_t pid;
	long ms;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork_lock_holder(pfd, HOLD_LOCK_ONLY);
	shm_lock_timeout_ms = 200;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(shm_attach(test_name, &seg), DF_EIO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	cr_assert(ms >= 150 && ms < 3000, "waited %ld ms", ms);

	kill_and_reap(pid);
	cr_assert_eq(shm_attach(test_name, &seg), 0);
	shm_detach(seg);
	close(pfd[0]);
	close(pfd[1]);
}

/* A worker that waited for the lock on a segment that was replaced in the
 * meantime must follow the name to the new segment, not unlink it. */
Test(shm_attach, waiter_follows_replaced_segment)
{
	struct shm_segment *seg;
	int pfd[2], status;
	pid_t holder, waiter;

	cr_assert_eq(pipe(pfd), 0);
	holder = fork_lock_holder(pfd, HOLD_OTHER_VERSION);

	waiter = fork();
	cr_assert_geq(waiter, 0);
	if (waiter == 0) {
		struct shm_segment *mine;

		if (shm_attach(test_name, &mine) != 0)
			_exit(2);
		shm_add(&mine->counters[SHM_C_LOGINS_FAILED], 1);
		_exit(0);
	}
	/* Let the waiter open the old object and block on its lock. */
	usleep(200 * 1000);
	cr_assert_eq(shm_unlink_name(test_name), 0);
	cr_assert_eq(shm_attach(test_name, &seg), 0);
	kill_and_reap(holder);
	cr_assert_eq(waitpid(waiter, &status, 0), waiter);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	cr_assert_eq(shm_load(&seg->counters[SHM_C_LOGINS_FAILED]), 1);
	shm_detach(seg);
	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(shm_load(&seg->counters[SHM_C_LOGINS_FAILED]), 1);
	shm_detach(seg);
	close(pfd[0]);
	close(pfd[1]);
}

#define PROCS 4
#define ADDS 100000

/* Children attach at the same moment to a name that does not exist yet:
 * exactly one creates it, all end up in the same segment, and their
 * relaxed increments add up exactly. */
Test(shm_attach, concurrent_workers_share_one_segment)
{
	struct shm_segment *seg;
	uint64_t *start;
	pid_t pids[PROCS];
	int i, status;

	start = mmap(NULL, sizeof(*start), PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(start, MAP_FAILED);
	*start = 0;
	for (i = 0; i < PROCS; i++) {
		pids[i] = fork();
		cr_assert_geq(pids[i], 0);
		if (pids[i] == 0) {
			struct shm_segment *mine;
			int j;

			shm_add(start, 1);
			while (shm_load(start) < PROCS)
				sched_yield();
			if (shm_attach(test_name, &mine) != 0)
				_exit(2);
			shm_current = mine;
			for (j = 0; j < ADDS; j++) {
				shm_count(SHM_C_DB_QUERIES, 1);
				shm_hist_observe(&mine->db_latency, 700);
			}
			_exit(0);
		}
	}
	for (i = 0; i < PROCS; i++) {
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	cr_assert_eq(shm_attach(test_name, &seg), 0);
	cr_assert_eq(seg->counters[SHM_C_DB_QUERIES], (uint64_t)PROCS * ADDS);
	cr_assert_eq(seg->db_latency.count, (uint64_t)PROCS * ADDS);
	cr_assert_eq(seg->db_latency.buckets[1], (uint64_t)PROCS * ADDS);
	cr_assert_eq(seg->db_latency.sum_us, (uint64_t)PROCS * ADDS * 700);
	shm_detach(seg);
	munmap(start, sizeof(*start));
}

Test(shm_attach, detach_forgets_current)
{
	struct shm_segment *seg;

	cr_assert_eq(shm_attach(test_name, &seg), 0);
	shm_current = seg;
	shm_detach(seg);
	cr_assert_null(shm_current);
}

Test(shm_attach, refuses_bad_name)
{
	struct shm_segment *seg;

	cr_assert_eq(shm_attach("/no/such/dir", &seg), DF_EIO);
	cr_assert_eq(shm_attach(NULL, &seg), DF_EIO);
}

Test(shm_unlink_name, missing_name_is_not_an_error)
{
	cr_assert_eq(shm_unlink_name("/dftest-never-created"), 0);
}

Test(shm_status_slot, listed_codes_get_their_own_slot)
{
	int i;

	for (i = 0; i < SHM_STATUS_SLOTS - 1; i++)
		cr_assert_eq(shm_status_slot(shm_status_codes[i]), i);
	cr_assert_eq(shm_status_slot(404), 11);
}

Test(shm_status_slot, others_share_the_last_slot)
{
	cr_assert_eq(shm_status_slot(418), SHM_STATUS_SLOTS - 1);
	cr_assert_eq(shm_status_slot(502), SHM_STATUS_SLOTS - 1);
	cr_assert_eq(shm_status_slot(0), SHM_STATUS_SLOTS - 1);
	cr_assert_eq(shm_status_slot(-1), SHM_STATUS_SLOTS - 1);
}

Test(shm_hist, bounds_are_inclusive_and_last_is_inf)
{
	struct shm_hist h;

	memset(&h, 0, sizeof(h));
	shm_hist_observe(&h, 0);
	shm_hist_observe(&h, 500);
	shm_hist_observe(&h, 501);
	shm_hist_observe(&h, 5000000);
	shm_hist_observe(&h, 5000001);
	shm_hist_observe(&h, UINT64_MAX / 2);
	cr_assert_eq(h.buckets[0], 2);
	cr_assert_eq(h.buckets[1], 1);
	cr_assert_eq(h.buckets[SHM_HIST_BUCKETS - 2], 1);
	cr_assert_eq(h.buckets[SHM_HIST_BUCKETS - 1], 2);
	cr_assert_eq(h.count, 6);
	cr_assert_eq(h.sum_us, 0 + 500 + 501 + 5000000 + 5000001 +
		UINT64_MAX / 2);
}

Test(shm_hist, bounds_increase_to_inf)
{
	int i;

	for (i = 1; i < SHM_HIST_BUCKETS; i++)
		cr_assert_gt(shm_hist_bounds_us[i], shm_hist_bounds_us[i - 1]);
	cr_assert_eq(shm_hist_bounds_us[SHM_HIST_BUCKETS - 1], UINT64_MAX);
}

Test(shm_helpers, do_nothing_without_segment)
{
	shm_current = NULL;
	shm_count(SHM_C_CACHE_HITS, 1);
	shm_cache_bump(0);
	cr_assert_eq(shm_cache_gen(0), 0);
}

Test(shm_helpers, count_and_generations_in_memory_segment)
{
	struct shm_segment *seg = malloc(sizeof(*seg));

	cr_assert_not_null(seg);
	shm_init_memory(seg);
	cr_assert_eq(seg->magic, SHM_MAGIC);
	cr_assert_eq(seg->ready, 1);
	shm_current = seg;
	shm_count(SHM_C_CACHE_MISSES, 2);
	shm_count(SHM_C_CACHE_MISSES, 3);
	shm_count(SHM_C__MAX, 1);
	cr_assert_eq(seg->counters[SHM_C_CACHE_MISSES], 5);
	cr_assert_eq(shm_cache_gen(5), 0);
	shm_cache_bump(5);
	shm_cache_bump(5);
	cr_assert_eq(shm_cache_gen(5), 2);
	cr_assert_eq(shm_cache_gen(4), 0);
	shm_cache_bump(SHM_CACHE_GENERATIONS);
	cr_assert_eq(shm_cache_gen(SHM_CACHE_GENERATIONS), 0);
	shm_current = NULL;
	free(seg);
}

/* ---- pending downloads ---- */

static struct shm_segment *dl_segment(void)
{
	struct shm_segment *seg = malloc(sizeof(*seg));

	cr_assert_not_null(seg);
	shm_init_memory(seg);
	shm_current = seg;
	return seg;
}

static struct shm_dl_event dl_event(int64_t version)
{
	struct shm_dl_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.extension_id = 1;
	ev.version_id = version;
	ev.day = 20000;
	ev.client[0] = 7;
	return ev;
}

Test(shm_dl, claimed_events_come_back_once_and_free_their_slots)
{
	static struct shm_dl_event out[SHM_DL_SLOTS];
	static uint32_t idx[SHM_DL_SLOTS];
	struct shm_segment *seg = dl_segment();
	struct shm_dl_event ev;
	size_t n;
	int64_t sum = 0;

	for (int i = 1; i <= 10; i++) {
		ev = dl_event(i);
		cr_assert_eq(shm_dl_push(&ev), 0);
	}
	cr_assert_eq(shm_dl_pending(), 10);
	n = shm_dl_claim(out, idx, SHM_DL_SLOTS);
	cr_assert_eq(n, 10);
	for (size_t i = 0; i < n; i++)
		sum += out[i].version_id;
	cr_assert_eq(sum, 55);
	/* Claimed slots are not handed out twice. */
	cr_assert_eq(shm_dl_claim(out + n, idx + n, SHM_DL_SLOTS - n), 0);
	shm_dl_release(idx, n, 1);
	cr_assert_eq(shm_dl_pending(), 0);
	cr_assert_eq(shm_dl_claim(out, idx, SHM_DL_SLOTS), 0);
	shm_current = NULL;
	free(seg);
}

Test(shm_dl, failed_write_gives_events_back)
{
	static struct shm_dl_event out[SHM_DL_SLOTS];
	static uint32_t idx[SHM_DL_SLOTS];
	struct shm_segment *seg = dl_segment();
	struct shm_dl_event ev = dl_event(3);
	size_t n;

	cr_assert_eq(shm_dl_push(&ev), 0);
	n = shm_dl_claim(out, idx, SHM_DL_SLOTS);
	cr_assert_eq(n, 1);
	shm_dl_release(idx, n, 0);
	cr_assert_eq(shm_dl_pending(), 1);
	n = shm_dl_claim(out, idx, SHM_DL_SLOTS);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0].version_id, 3);
	shm_current = NULL;
	free(seg);
}

Test(shm_dl, full_queue_refuses_instead_of_dropping)
{
	struct shm_segment *seg = dl_segment();
	struct shm_dl_event ev = dl_event(1);

	for (int i = 0; i < SHM_DL_SLOTS; i++)
		cr_assert_eq(shm_dl_push(&ev), 0);
	cr_assert_eq(shm_dl_push(&ev), DF_ETOOBIG);
	cr_assert_eq(shm_dl_pending(), SHM_DL_SLOTS);
	shm_current = NULL;
	free(seg);
}

Test(shm_dl, dead_owners_slots_are_taken_back)
{
	static struct shm_dl_event out[SHM_DL_SLOTS];
	static uint32_t idx[SHM_DL_SLOTS];
	struct shm_segment *seg = dl_segment();
	uint64_t old = (uint64_t)time(NULL) - SHM_DL_STALE_S - 1;
	size_t n;

	/* A writer that died mid-push never counted its event: freed. A
	 * drainer that died mid-write: its event is pending again. */
	seg->dl[0].state = DL_OWNED(DL_WRITING, old);
	seg->dl[1].state = DL_OWNED(DL_DRAINING, old);
	seg->dl[1].ev = dl_event(9);
	seg->dl_pending = 1;
	/* A recent owner is left alone. */
	seg->dl[2].state = DL_OWNED(DL_DRAINING, (uint64_t)time(NULL));
	n = shm_dl_claim(out, idx, SHM_DL_SLOTS);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0].version_id, 9);
	cr_assert_eq(seg->dl[0].state, DL_FREE);
	cr_assert_eq(DL_KIND(seg->dl[2].state), DL_DRAINING);
	shm_current = NULL;
	free(seg);
}

Test(shm_dl, one_worker_wins_each_due_flush)
{
	struct shm_segment *seg = dl_segment();
	struct shm_dl_event ev = dl_event(1);
	uint64_t wait;

	/* Nothing pending: never due. */
	cr_assert_eq(shm_dl_due(1000000, 2000000, &wait), 0);
	cr_assert_eq(wait, 0);
	cr_assert_eq(shm_dl_push(&ev), 0);
	cr_assert_eq(shm_dl_due(1000000, 2000000, &wait), 1);
	cr_assert_eq(shm_dl_due(1000000, 2000000, &wait), 0);
	cr_assert_eq(wait, 2000000);
	cr_assert_eq(shm_dl_due(2500000, 2000000, &wait), 0);
	cr_assert_eq(wait, 500000);
	cr_assert_eq(shm_dl_due(3000000, 2000000, &wait), 1);
	shm_current = NULL;
	free(seg);
}

Test(shm_kb_views, counts_per_article_taken_once_then_due)
{
	static int64_t ids[SHM_KB_VIEW_SLOTS];
	static uint64_t counts[SHM_KB_VIEW_SLOTS];
	struct shm_segment *seg = dl_segment();
	uint64_t wait = 1, total = 0;
	size_t n, i;

	cr_assert_eq(shm_kb_view_due(1000, 500, &wait), 0);
	cr_assert_eq(wait, 0, "nothing pending: no wait");
	for (i = 0; i < 5; i++)
		cr_assert_eq(shm_kb_view_add(42, 1), 0);
	cr_assert_eq(shm_kb_view_add(7, 3), 0);
	cr_assert_eq(shm_kb_view_add(0, 1), DF_EINVAL);
	cr_assert_eq(shm_kb_views_pending(), 8);
	cr_assert_eq(shm_kb_view_due(1000, 500, &wait), 1);
	cr_assert_eq(shm_kb_view_due(1001, 500, &wait), 0);
	cr_assert_eq(wait, 499);
	n = shm_kb_view_take(ids, counts, SHM_KB_VIEW_SLOTS);
	cr_assert_eq(n, 2);
	for (i = 0; i < n; i++) {
		cr_assert(ids[i] == 42 ? counts[i] == 5 : ids[i] == 7 &&
			counts[i] == 3);
		total += counts[i];
	}
	cr_assert_eq(total, 8);
	cr_assert_eq(shm_kb_views_pending(), 0);
	cr_assert_eq(shm_kb_view_take(ids, counts, SHM_KB_VIEW_SLOTS), 0);
	/* Given back after a failed write: counted again, same slot. */
	cr_assert_eq(shm_kb_view_add(42, 5), 0);
	cr_assert_eq(shm_kb_view_take(ids, counts, SHM_KB_VIEW_SLOTS), 1);
	cr_assert_eq(counts[0], 5);
	shm_current = NULL;
	free(seg);
}

Test(shm_kb_views, full_probe_run_is_refused_not_dropped)
{
	struct shm_segment *seg = dl_segment();
	int64_t id;
	int refused = 0;

	/* More articles than slots: some must be refused (the caller then
	 * writes them directly), never silently lost. */
	for (id = 1; id <= SHM_KB_VIEW_SLOTS + 64; id++)
		if (shm_kb_view_add(id, 1) == DF_ETOOBIG)
			refused++;
	cr_assert_gt(refused, 0);
	cr_assert_eq(shm_kb_views_pending(),
		(uint64_t)(SHM_KB_VIEW_SLOTS + 64 - refused));
	shm_current = NULL;
	free(seg);
	cr_assert_eq(shm_kb_view_add(1, 1), DF_EIO);
}
