/* Unit tests of the per-client count of uploads in progress: the cap, the
 * slot given back, other clients unaffected, and a killed worker's upload
 * that stops counting. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../fcgi-app/core/err.h"
#include "../../fcgi-app/core/shm.h"
#include "../../fcgi-app/core/upload.h"

static struct shm_segment *seg;
/* pids the fake alive() reports as gone */
static uint64_t dead[4];

static int fake_alive(uint64_t pid)
{
	size_t i;

	for (i = 0; i < sizeof(dead) / sizeof(dead[0]); i++)
		if (dead[i] == pid)
			return 0;
	return 1;
}

static void setup(void)
{
	seg = calloc(1, sizeof(*seg));
	cr_assert_not_null(seg);
	shm_init_memory(seg);
	memset(dead, 0, sizeof(dead));
}

static void teardown(void)
{
	free(seg);
}

TestSuite(upload, .init = setup, .fini = teardown);

#define T0 1000000000000ull

/* Client 7, allowed one upload, takes it from worker 101: a second
 * (worker 102) is refused. Returns the slot. */
static int take_the_one_slot(void)
{
	int s1 = upload_begin(seg, 7, 1, 101, T0, fake_alive);

	cr_assert_geq(s1, 0);
	cr_assert_eq(upload_begin(seg, 7, 1, 102, T0, fake_alive), DF_ETOOBIG);
	return s1;
}

Test(upload, a_client_gets_cap_uploads_and_the_next_is_refused)
{
	cr_assert_geq(upload_begin(seg, 7, 2, 101, T0, fake_alive), 0);
	cr_assert_geq(upload_begin(seg, 7, 2, 102, T0, fake_alive), 0);
	cr_assert_eq(upload_begin(seg, 7, 2, 103, T0, fake_alive), DF_ETOOBIG);
	/* The refused one holds no place. */
	cr_assert_eq(upload_begin(seg, 7, 2, 104, T0, fake_alive), DF_ETOOBIG);
}

Test(upload, other_clients_are_not_counted)
{
	cr_assert_geq(upload_begin(seg, 7, 1, 101, T0, fake_alive), 0);
	cr_assert_geq(upload_begin(seg, 8, 1, 102, T0, fake_alive), 0);
	cr_assert_geq(upload_begin(seg, 9, 1, 103, T0, fake_alive), 0);
}

Test(upload, an_ended_upload_frees_its_place)
{
	int s1 = take_the_one_slot();

	upload_end(seg, s1, 101);
	cr_assert_geq(upload_begin(seg, 7, 1, 102, T0, fake_alive), 0);
}

Test(upload, a_worker_keeps_its_one_slot)
{
	int s1 = upload_begin(seg, 7, 0, 101, T0, fake_alive);

	upload_end(seg, s1, 101);
	cr_assert_eq(upload_begin(seg, 8, 0, 101, T0, fake_alive), s1);
}

Test(upload, a_killed_workers_upload_stops_counting_and_its_slot_is_reused)
{
	int s1 = take_the_one_slot();

	dead[0] = 101; /* killed mid-upload: upload_end never ran */
	cr_assert_geq(upload_begin(seg, 7, 1, 102, T0, fake_alive), 0);
	/* A new worker takes the dead one's slot over. */
	cr_assert_eq(upload_begin(seg, 8, 1, 103, T0, fake_alive), s1);
}

Test(upload, a_leftover_slot_older_than_the_bound_does_not_count)
{
	cr_assert_geq(upload_begin(seg, 7, 1, 101, T0, fake_alive), 0);
	cr_assert_geq(upload_begin(seg, 7, 1, 102,
		T0 + UPLOAD_STALE_US + 1, fake_alive), 0);
}

Test(upload, without_a_segment_every_upload_passes)
{
	cr_assert_eq(upload_begin(NULL, 7, 1, 101, T0, fake_alive),
		DF_ENOTFOUND);
	upload_end(NULL, DF_ENOTFOUND, 101);
}

Test(upload, end_by_another_process_does_nothing)
{
	int s1 = upload_begin(seg, 7, 1, 101, T0, fake_alive);

	upload_end(seg, s1, 999);
	cr_assert_eq(upload_begin(seg, 7, 1, 102, T0, fake_alive), DF_ETOOBIG);
}

Test(upload, in_progress_counts_live_uploads_of_every_client)
{
	int s1 = upload_begin(seg, 7, 2, 101, T0, fake_alive);

	cr_assert_geq(upload_begin(seg, 8, 2, 102, T0, fake_alive), 0);
	cr_assert_geq(upload_begin(seg, 9, 2, 103, T0, fake_alive), 0);
	cr_assert_eq(upload_in_progress(seg, T0, fake_alive), 3);
	upload_end(seg, s1, 101);
	dead[0] = 102;
	cr_assert_eq(upload_in_progress(seg, T0, fake_alive), 1);
	cr_assert_eq(upload_in_progress(NULL, T0, fake_alive), 0);
}
