/* Uploads in progress per client: one slot per worker in the shared
 * segment, holding the key of the client whose upload that worker is
 * reading. Claimed and released with atomics only, so a worker killed
 * mid-upload leaves nothing locked; its slot stops counting as soon as
 * its pid is gone. */
#include "upload.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>

#include "err.h"
#include "shm.h"

static int upload_claim(struct shm_segment *seg, uint64_t pid,
	int (*alive)(uint64_t pid))
{
	unsigned i;

	for (i = 0; i < SHM_UPLOAD_SLOTS; i++)
		if (shm_load(&seg->uploads[i].pid) == pid)
			return (int)i;
	for (i = 0; i < SHM_UPLOAD_SLOTS; i++) {
		uint64_t owner = shm_load(&seg->uploads[i].pid);

		if (owner != 0 && alive(owner))
			continue;
		if (__atomic_compare_exchange_n(&seg->uploads[i].pid, &owner,
		    pid, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return (int)i;
	}
	return DF_ENOTFOUND;
}

/* Whether slot s holds an upload that counts: a key, a live owner, and
 * not older than the bound. */
static int upload_counts(struct shm_upload_slot *s, uint64_t now_us,
	int (*alive)(uint64_t pid))
{
	uint64_t owner = shm_load(&s->pid);
	uint64_t started = shm_load(&s->started_us);

	if (owner == 0 || !alive(owner))
		return 0;
	return !(now_us > started && now_us - started > UPLOAD_STALE_US);
}

int upload_begin(struct shm_segment *seg, uint64_t key, unsigned cap,
	uint64_t pid, uint64_t now_us, int (*alive)(uint64_t pid))
{
	struct shm_upload_slot *s;
	unsigned i, n = 0;
	int mine;

	if (seg == NULL)
		return DF_ENOTFOUND;
	mine = upload_claim(seg, pid, alive);
	if (mine < 0)
		return mine;
	/* Published before counting: of two workers racing for a client's
	 * last place, both may refuse, neither lets one too many through. */
	__atomic_store_n(&seg->uploads[mine].started_us, now_us,
		__ATOMIC_RELAXED);
	__atomic_store_n(&seg->uploads[mine].key, key, __ATOMIC_SEQ_CST);
	if (cap == 0)
		return mine;
	for (i = 0; i < SHM_UPLOAD_SLOTS; i++) {
		s = &seg->uploads[i];
		if (__atomic_load_n(&s->key, __ATOMIC_SEQ_CST) != key)
			continue;
		if ((int)i == mine || upload_counts(s, now_us, alive))
			n++;
	}
	if (n > cap) {
		__atomic_store_n(&seg->uploads[mine].key, 0, __ATOMIC_RELEASE);
		return DF_ETOOBIG;
	}
	return mine;
}

unsigned upload_in_progress(struct shm_segment *seg, uint64_t now_us,
	int (*alive)(uint64_t pid))
{
	unsigned i, n = 0;

	if (seg == NULL)
		return 0;
	for (i = 0; i < SHM_UPLOAD_SLOTS; i++)
		if (shm_load(&seg->uploads[i].key) != 0 &&
		    upload_counts(&seg->uploads[i], now_us, alive))
			n++;
	return n;
}

void upload_end(struct shm_segment *seg, int slot, uint64_t pid)
{
	if (seg == NULL || slot < 0 || slot >= SHM_UPLOAD_SLOTS)
		return;
	if (shm_load(&seg->uploads[slot].pid) != pid)
		return;
	__atomic_store_n(&seg->uploads[slot].key, 0, __ATOMIC_RELEASE);
}

int upload_pid_alive(uint64_t pid)
{
	if (pid == 0 || pid > (uint64_t)INT32_MAX)
		return 0;
	/* EPERM: it runs, as another user. */
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}
