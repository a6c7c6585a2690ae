// SPDX-License-Identifier: MIT
/*
 * Scenarios: the life cycle of a translation and of a PASID binding
 * (issue 13's findings). Each reproduces a window that the IOTLB-only
 * checker of device 1.0 could not see:
 *
 * lc-src-held            a COPY's source translation, held by the engine
 *                        while it waits for a page request on the
 *                        destination, must not be used after the source
 *                        was unmapped and its invalidation completed.
 * lc-pasid-reuse-queued  descriptors a process queued before it exited
 *                        must never run in the next process that gets
 *                        the same PASID.
 * lc-unbind-race         an unbind must block the PASID before the driver
 *                        stops hearing about the mm's changes.
 *
 * Their negative controls need the device's old behaviour, which only a
 * device property brings back (x-keep-src-across-prq, x-run-ended-binding):
 * they run in a guest booted with those properties, through
 * 'svm-dma-test --device-negative NAME' (tests/guest/t-lc-negative.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGE	4096UL

static void *map_untouched(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Hold the page-request window open: the driver answers page requests
 * from a threaded interrupt handler (SCHED_FIFO 50). SCHED_FIFO 99 threads
 * on every CPU keep it off until hold_end(); the calling thread is one of
 * them and does the work in between.
 */
static atomic_int hold_stop, hold_ready;
static int hold_ncpu;
static pthread_t hold_threads[8];

static void pin_fifo(int cpu, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	sched_setscheduler(0, prio ? SCHED_FIFO : SCHED_OTHER, &sp);
}

static void *spin(void *arg)
{
	pin_fifo((int)(uintptr_t)arg, 99);
	atomic_fetch_add(&hold_ready, 1);
	while (!atomic_load(&hold_stop))
		continue;
	pin_fifo((int)(uintptr_t)arg, 0);
	return NULL;
}

static bool hold_begin(void)
{
	int i;

	hold_ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (hold_ncpu < 1 || hold_ncpu > 8)
		return false;
	atomic_store(&hold_stop, 0);
	atomic_store(&hold_ready, 0);
	for (i = 1; i < hold_ncpu; i++)
		if (pthread_create(&hold_threads[i], NULL, spin,
				   (void *)(uintptr_t)i))
			return false;
	pin_fifo(0, 99);
	/* Every other CPU must be held before the window may open. */
	while (atomic_load(&hold_ready) != hold_ncpu - 1)
		continue;
	return true;
}

static void hold_end(void)
{
	int i;

	atomic_store(&hold_stop, 1);
	for (i = 1; i < hold_ncpu; i++)
		pthread_join(hold_threads[i], NULL);
	{
		struct sched_param sp = { 0 };
		cpu_set_t set;

		CPU_ZERO(&set);
		for (i = 0; i < hold_ncpu; i++)
			CPU_SET(i, &set);
		sched_setscheduler(0, SCHED_OTHER, &sp);
		sched_setaffinity(0, sizeof(set), &set);
	}
}

/*
 * lc-src-held: COPY with block-on-fault from a present source to an
 * untouched destination. While the destination's page request waits, the
 * source is dropped (MADV_DONTNEED: the driver flushes it and the flush
 * completes) and its frame is handed to a new allocation filled with a
 * marker. After the answer, the device must read the source as it is now
 * (zeros), not the old frame.
 */
#define SRC_ROUNDS	4

static int src_held_round(struct ctx *c, bool negative, int round)
{
	struct svm_edu_completion *rec = record(20 + round);
	uint8_t *src = map_pages(1), *dst = map_untouched(PAGE), *marker;
	uint64_t reqs = hw(c, "page_requests"), t0;
	struct svm_edu_udesc u = {
		.opcode = SVM_EDU_OP_COPY,
		.flags = SVM_EDU_UDESC_F_IRQ | SVM_EDU_UDESC_F_BLOCK_ON_FAULT,
	};
	bool seen = false;
	int st, held;

	EXPECT(src && dst, "mmap");
	madvise(dst, PAGE, MADV_NOHUGEPAGE);
	memset(src, 0xa1, PAGE);
	memset(rec, 0, sizeof(*rec));
	u.src = (uintptr_t)src;
	u.dst = (uintptr_t)dst;
	u.len = PAGE;
	u.completion = (uintptr_t)rec;

	EXPECT(hold_begin(), "SCHED_FIFO threads (root?)");
	held = svmedu_submit(&c->dev, &u, 1);
	/* Wait for the destination's page request, with the handler held off. */
	for (t0 = now_ms(); !held && now_ms() - t0 < 2000;) {
		if (hw(c, "page_requests") != reqs) {
			seen = true;
			break;
		}
	}
	if (seen) {
		madvise(src, PAGE, MADV_DONTNEED);
		/* The frame just freed comes straight back to the next taker. */
		marker = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (marker != MAP_FAILED)
			memset(marker, 0x77, 16 * PAGE);
	} else {
		marker = MAP_FAILED;
	}
	hold_end();
	EXPECT(!held, "SUBMIT: %d", held);
	EXPECT(seen, "no page request within 2 s");
	st = svmedu_wait(&c->dev, rec, 20000);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "COPY: %s", svmedu_status_name(st));
	EXPECT(all_bytes(src, PAGE, 0), "the source does not read as zeros");
	if (!negative)
		EXPECT(all_bytes(dst, PAGE, 0),
		       "round %d: the device copied the source's old frame (%s)",
		       round, all_bytes(dst, PAGE, 0x77) ? "another allocation's marker" :
		       all_bytes(dst, PAGE, 0xa1) ? "the old contents" : "other bytes");
	else
		diag("round %d: destination holds %s", round,
		     all_bytes(dst, PAGE, 0x77) ? "another allocation's marker" :
		     all_bytes(dst, PAGE, 0xa1) ? "the old contents" :
		     all_bytes(dst, PAGE, 0) ? "zeros (fresh translation)" : "other bytes");
	if (marker != MAP_FAILED)
		munmap(marker, 16 * PAGE);
	munmap(src, PAGE);
	munmap(dst, PAGE);
	return PASS;
}

static int src_held(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale");
	int i, r;

	for (i = 0; i < SRC_ROUNDS; i++) {
		r = src_held_round(c, negative, i);
		if (r != PASS)
			return r;
	}
	return stale_verdict(c, stale, negative);
}

/*
 * lc-pasid-reuse-queued: with the engine kept busy (throttled, and a long
 * FILL of ours ahead in the ring), process A queues a FILL and a completion
 * record at address X and exits at once. Process B then binds, maps X and
 * fills it with its own marker. Whatever PASID B gets, nothing of A's may
 * land in B's memory. In the negative control (a device with
 * x-run-ended-binding, the driver's skip_drain on) A's PASID is handed to
 * B at once and A's FILL runs in B's address space: the checker reports
 * the accesses of an ended binding.
 */
#define REUSE_ROUNDS	3
#define BLOCKER_LEN	(2UL << 20)	/* 512 chunks */
#define THROTTLE_US	1000	/* the blocker takes 0.5 s or more */

struct reuse_report {
	uint32_t pasid;
	uint8_t intact;
};

static int reuse_same;	/* rounds in which B got A's PASID */

/* A: bind, queue FILL + record at @x, exit without waiting. */
static void reuse_child_a(int out, uint8_t *x)
{
	struct svmedu d;
	struct svm_edu_udesc u = {
		.opcode = SVM_EDU_OP_FILL, .len = PAGE - 64,
		.pattern = 0xaaaaaaaaaaaaaaaaull,
	};
	struct reuse_report r = { 0 };

	if (svmedu_open(&d, 0) || svmedu_bind(&d) ||
	    mmap(x, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != x)
		_exit(2);
	memset(x, 0, PAGE);
	u.dst = (uintptr_t)x;
	u.completion = (uintptr_t)x + PAGE - 32;	/* a record: written too */
	if (svmedu_submit(&d, &u, 1))
		_exit(3);
	r.pasid = d.pasid;
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(4);
	_exit(0);	/* exit_mmap: the driver's .release runs */
}

/* B: bind, map @x with a marker, wait for the engine, check. */
static void reuse_child_b(int out, uint8_t *x, volatile uint8_t *idle)
{
	struct reuse_report r = { 0 };
	struct svmedu d;
	uint64_t t0;

	/*
	 * The old driver freed A's PASID only after an SRCU grace period:
	 * bind a little later, as the next process on a busy system would.
	 */
	usleep(100000);
	if (svmedu_open(&d, 0) || svmedu_bind(&d) ||
	    mmap(x, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != x)
		_exit(2);
	memset(x, 0x5b, PAGE);
	r.pasid = d.pasid;
	for (t0 = now_ms(); !*idle && now_ms() - t0 < 30000;)
		usleep(1000);
	usleep(20000);	/* A's FILL is behind the blocker */
	r.intact = *idle && all_bytes(x, PAGE, 0x5b);
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(4);
	_exit(0);
}

static int reuse_round(struct ctx *c, bool negative, int round,
		       volatile uint8_t *idle, uint8_t *x)
{
	/*
	 * Shared memory: fork() write-protects private pages, and the blocker
	 * and its record are written by the device while we fork.
	 */
	uint8_t *blocker = mmap(NULL, BLOCKER_LEN + PAGE, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	struct svm_edu_completion *rec;
	struct reuse_report ra, rb;
	int p[2], ws, st;
	pid_t a, b;

	EXPECT(blocker != MAP_FAILED && !pipe(p), "setup");
	rec = (struct svm_edu_completion *)(blocker + BLOCKER_LEN);
	*idle = 0;
	/* Our long FILL keeps the engine busy while A and B come and go. */
	EXPECT(!svmedu_fill(&c->dev, blocker, pat(0x3c), BLOCKER_LEN, rec,
			    SVM_EDU_UDESC_F_IRQ), "blocker FILL");
	a = fork();
	if (a == 0)
		reuse_child_a(p[1], x);
	EXPECT(a > 0 && read(p[0], &ra, sizeof(ra)) == sizeof(ra), "child A");
	EXPECT(waitpid(a, &ws, 0) == a && WIFEXITED(ws) && !WEXITSTATUS(ws),
	       "child A status %#x", ws);
	b = fork();
	if (b == 0)
		reuse_child_b(p[1], x, idle);
	EXPECT(b > 0, "fork B");
	st = svmedu_wait(&c->dev, rec, 60000);
	*idle = 1;
	EXPECT(read(p[0], &rb, sizeof(rb)) == sizeof(rb), "child B");
	EXPECT(waitpid(b, &ws, 0) == b && WIFEXITED(ws) && !WEXITSTATUS(ws),
	       "child B status %#x", ws);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "blocker FILL: %s (%d)",
	       svmedu_status_name(st), st);
	diag("round %d: A had PASID %u, B got %u%s", round, ra.pasid, rb.pasid,
	     rb.intact ? "" : ": B's memory was written");
	reuse_same += ra.pasid == rb.pasid;
	if (!negative)
		EXPECT(rb.intact, "A's queued FILL landed in B's memory");
	close(p[0]);
	close(p[1]);
	munmap(blocker, BLOCKER_LEN + PAGE);
	return PASS;
}

static int pasid_reuse_queued(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale");
	volatile uint8_t *idle;
	uint8_t *x;
	int i, r = PASS;

	idle = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	x = map_untouched(PAGE);	/* an address for A and B, free here */
	EXPECT(idle != MAP_FAILED && x, "mmap");
	munmap(x, PAGE);
	if (negative && svmedu_inject("skip_drain", true)) {
		diag("cannot switch skip_drain on");
		return FAIL;
	}
	EXPECT(!svmedu_set_throttle(&c->dev, THROTTLE_US), "throttle");
	reuse_same = 0;
	for (i = 0; i < REUSE_ROUNDS && r == PASS; i++)
		r = reuse_round(c, negative, i, idle, x);
	/* Without the drain, B must have been handed A's PASID at least once. */
	if (r == PASS && negative && !reuse_same) {
		diag("negative control: B never got A's PASID (skip_drain?)");
		r = FAIL;
	}
	svmedu_set_throttle(&c->dev, 0);
	if (negative)
		svmedu_inject("skip_drain", false);
	munmap((void *)idle, PAGE);
	if (r != PASS)
		return r;
	return stale_verdict(c, stale, negative);
}

/*
 * lc-unbind-race: a process unbinds while one of its threads munmaps
 * memory the device is still reading. The driver must block the PASID
 * before it stops listening to the mm (unlinks the bond from its
 * notifier); the test-only unbind_gap_ms holds the two steps apart so the
 * munmap lands in between. With unlink_first (the old order) that munmap
 * is not flushed while the entry is still valid, and the device's next
 * reads hit stale IOTLB entries.
 */
#define UR_PAGES	4
#define UR_DESCS	128
#define UR_THROTTLE_US	500

static void *ur_unmapper(void *arg)
{
	uint8_t *src = arg;

	usleep(30000);	/* inside the unbind's gap */
	munmap(src, UR_PAGES * PAGE);
	if (mmap(src, UR_PAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0) == src)
		memset(src, 0x66, UR_PAGES * PAGE);
	return NULL;
}

/* The child: bind, queue reads of @src, race munmap against the unbind. */
static void ur_child(void)
{
	uint8_t *src = map_pages(UR_PAGES), *dst = map_pages(UR_PAGES);
	struct svmedu d;
	pthread_t t;

	if (!src || !dst || svmedu_open(&d, 0) || svmedu_bind(&d))
		_exit(2);
	memset(src, 0x11, UR_PAGES * PAGE);
	if (queue_copies(&d, src, dst, UR_PAGES * PAGE, UR_DESCS))
		_exit(3);
	usleep(10000);	/* the device has the source pages in its IOTLB */
	if (pthread_create(&t, NULL, ur_unmapper, src))
		_exit(4);
	if (svmedu_unbind(&d))
		_exit(5);
	pthread_join(t, NULL);
	_exit(0);
}

static int unbind_race(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale"), t0;
	int ws;
	pid_t pid;

	EXPECT(!svmedu_write_file("/sys/kernel/debug/svm_edu/inject/unbind_gap_ms",
				  "100"), "unbind_gap_ms (debugfs, root?)");
	EXPECT(!svmedu_set_throttle(&c->dev, UR_THROTTLE_US), "throttle");
	pid = fork();
	if (pid == 0)
		ur_child();
	EXPECT(pid > 0, "fork");
	EXPECT(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && !WEXITSTATUS(ws),
	       "child status %#x", ws);
	svmedu_write_file("/sys/kernel/debug/svm_edu/inject/unbind_gap_ms", "0");
	svmedu_set_throttle(&c->dev, 0);
	/* Let the rest of the child's descriptors go through the engine. */
	for (t0 = now_ms(); now_ms() - t0 < 10000 && !device_works(c);)
		usleep(10000);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_lifecycle[] = {
	{ .name = "lc-src-held",
	  .path = "page request on the destination, source unmapped meanwhile",
	  .run = src_held, .dev_prop = "x-keep-src-across-prq" },
	{ .name = "lc-pasid-reuse-queued",
	  .path = "exit with queued descriptors, the PASID reused",
	  .run = pasid_reuse_queued, .dev_prop = "x-run-ended-binding" },
	{ .name = "lc-unbind-race",
	  .path = "unbind while another thread munmaps what the device reads",
	  .knob = "unlink_first", .run = unbind_race },
	{ NULL }
};
