/* Uploads in progress per client, counted across the workers of a host in
 * the shared segment. A package upload streams through the front server
 * to a worker, so it holds that worker for as long as the client takes to
 * send it; this count keeps one client from holding them all. */
#ifndef DF_UPLOAD_H
#define DF_UPLOAD_H

#include <stdint.h>
#include "err.h"

struct shm_segment;

/* A slot older than this is taken for a leftover (its worker was killed
 * and its pid reused) and no longer counts. */
#define UPLOAD_STALE_US (3600ull * 1000000ull)

/* Records an upload by process pid for the client key (never 0), unless
 * that client already has cap uploads in progress (cap 0: no cap).
 * Returns the slot index (>= 0) to give back with upload_end, or
 * DF_ETOOBIG when over the cap. alive(pid) says whether another slot's
 * owner still runs: a killed worker's upload no longer counts and its
 * slot is taken over. A process keeps the slot it first took (it runs one
 * request at a time), so there are never more held slots than workers.
 * Without a segment, or with every slot held by a live process (more
 * than SHM_UPLOAD_SLOTS processes), the upload is let through uncounted:
 * DF_ENOTFOUND, nothing to give back. */
DF_MUST_CHECK int upload_begin(struct shm_segment *seg, uint64_t key, unsigned cap,
	uint64_t pid, uint64_t now_us, int (*alive)(uint64_t pid));
/* Uploads in progress on this host (the metrics' gauge). */
unsigned upload_in_progress(struct shm_segment *seg, uint64_t now_us,
	int (*alive)(uint64_t pid));
/* The alive() of the workers: the process exists (kill(pid, 0)). */
int upload_pid_alive(uint64_t pid);
/* Gives the slot back (does nothing for a negative slot). */
void upload_end(struct shm_segment *seg, int slot, uint64_t pid);

#endif
