// SPDX-License-Identifier: MIT
/*
 * lc-prq-stall (issue 13, finding 9): a page request whose page stays
 * "under I/O" must not hold the engine, and every other PASID behind it,
 * for longer than the driver's prq_timeout_ms, and must end at once when
 * its binding ends.
 *
 * The engine waits for the answer to a block-on-fault page request, for
 * every PASID: a handler thread that sleeps in handle_mm_fault (a page of
 * a FUSE or NFS mapping, a page under slow I/O) stalls everybody. The
 * driver's test-only prq_stall_ms makes the fault of every page request
 * ask to be retried for that long, as a page under I/O does with
 * FAULT_FLAG_RETRY_NOWAIT. The negative control, prq_stall_blocks, makes
 * the handler sleep through the stall instead: the old handler, which
 * faulted without NOWAIT.
 *
 * Part 1: process A's FILL parks the engine on a stalled page request;
 * process B's FILL of a present page is queued behind it. Both must
 * complete within prq_timeout_ms and a margin (A with a fault status).
 * Part 2: process C's FILL parks the engine the same way, ours (another
 * page request, made after the stall was switched off: only C's page stays
 * under I/O) is queued behind it, and C exits: ours must complete well
 * before prq_timeout_ms would have freed the engine.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGE		4096UL
#define STALL_MS	5000	/* every page "under I/O" for 5 s */
#define MARGIN_MS	1500	/* TCG guests are slow and noisy */
#define ENDED_MS	600	/* part 2: after C's exit */
#define INJECT		"/sys/kernel/debug/svm_edu/inject/"

static bool wait_counter(struct ctx *c, const char *name, uint64_t from,
			 unsigned int ms)
{
	uint64_t t0 = now_ms();

	while (hw(c, name) == from)
		if (now_ms() - t0 > ms)
			return false;
		else
			usleep(1000);
	return true;
}

/* A FILL with block-on-fault into an untouched page: it needs a page request. */
static int fill_untouched(struct svmedu *d, struct svm_edu_completion *rec,
			  void **page)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	madvise(p, PAGE, MADV_NOHUGEPAGE);
	memset(rec, 0, sizeof(*rec));
	*page = p;
	return svmedu_fill(d, p, 0x5151515151515151ull, PAGE, rec,
			   SVM_EDU_UDESC_F_IRQ | SVM_EDU_UDESC_F_BLOCK_ON_FAULT);
}

struct b_report {
	uint32_t ms;
	int status;
};

/* B: bind, wait for "go", FILL a present page, report how long it took. */
static void child_b(int go, int out)
{
	struct svm_edu_completion *rec = record(40);
	struct b_report r = { 0 };
	uint8_t *p = map_pages(1);
	struct svmedu d;
	uint64_t t0;
	char x;

	if (!p || svmedu_open(&d, 0) || svmedu_bind(&d))
		_exit(2);
	memset(p, 1, PAGE);
	/* Shadow mode: no page request of ours may wait behind A's stall. */
	shadow_records(&d);
	svmedu_prefault(&d, p, PAGE, true);
	if (write(out, &r, sizeof(r)) != sizeof(r) ||
	    read(go, &x, 1) != 1)
		_exit(3);
	t0 = now_ms();
	memset(rec, 0, sizeof(*rec));
	if (svmedu_fill(&d, p, pat(0x2b), PAGE, rec, SVM_EDU_UDESC_F_IRQ))
		_exit(4);
	r.status = svmedu_wait(&d, rec, 30000);
	r.ms = now_ms() - t0;
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(5);
	_exit(0);
}

/* Part 1: A (us) stalls the engine; B's DMA waits behind it. */
static int stall_times_out(struct ctx *c, unsigned int tmo, bool negative,
			   bool *late)
{
	struct svm_edu_completion *rec = record(41);
	uint64_t reqs = hw(c, "page_requests"), t0;
	int to_b[2], from_b[2], ws, st;
	struct b_report rb;
	unsigned int a_ms;
	void *page = NULL;
	pid_t b;

	EXPECT(!pipe(to_b) && !pipe(from_b), "pipe");
	b = fork();
	if (b == 0)
		child_b(to_b[0], from_b[1]);
	EXPECT(b > 0 && read(from_b[0], &rb, sizeof(rb)) == sizeof(rb),
	       "child B did not bind");
	shadow_records(&c->dev);	/* after the fork's COW: only A's page waits */
	t0 = now_ms();
	EXPECT(!fill_untouched(&c->dev, rec, &page), "A's FILL");
	EXPECT(wait_counter(c, "page_requests", reqs, 2000),
	       "no page request within 2 s");
	EXPECT(write(to_b[1], "g", 1) == 1, "go");
	st = svmedu_wait(&c->dev, rec, 30000);
	a_ms = now_ms() - t0;
	EXPECT(read(from_b[0], &rb, sizeof(rb)) == sizeof(rb) &&
	       waitpid(b, &ws, 0) == b && WIFEXITED(ws) && !WEXITSTATUS(ws),
	       "child B status %#x", ws);
	diag("part 1: A's FILL ended after %u ms (%s), B's after %u ms (%s); prq_timeout_ms %u",
	     a_ms, svmedu_status_name(st), rb.ms, svmedu_status_name(rb.status),
	     tmo);
	/* The sleeping handler (negative control) faults it in at last. */
	EXPECT(negative || (st != SVM_EDU_CS_SUCCESS && st > 0),
	       "A's FILL: %s, but its page stayed under I/O", svmedu_status_name(st));
	EXPECT(rb.status == SVM_EDU_CS_SUCCESS, "B's FILL: %s",
	       svmedu_status_name(rb.status));
	*late = a_ms > tmo + MARGIN_MS || rb.ms > tmo + MARGIN_MS;
	munmap(page, PAGE);
	close(to_b[0]);
	close(to_b[1]);
	close(from_b[0]);
	close(from_b[1]);
	return PASS;
}

/* C: bind, park the engine on a stalled page request, exit on "go". */
static void child_c(int go, int out)
{
	struct svm_edu_completion *rec = record(42);
	struct svmedu d;
	void *page;
	char x = 'c';

	if (svmedu_open(&d, 0) || svmedu_bind(&d))
		_exit(2);
	shadow_records(&d);
	if (fill_untouched(&d, rec, &page))
		_exit(2);
	if (write(out, &x, 1) != 1 || read(go, &x, 1) != 1)
		_exit(3);
	_exit(0);	/* .release and close: the binding ends */
}

/* Part 2: the stalled request's binding ends; ours must go through. */
static int stall_ends_with_binding(struct ctx *c, bool *late)
{
	struct svm_edu_completion *rec = record(43);
	uint64_t reqs = hw(c, "page_requests"), t0;
	int to_c[2], from_c[2], ws, st;
	unsigned int ms;
	void *page = NULL;
	pid_t pc;
	char x;

	EXPECT(!pipe(to_c) && !pipe(from_c), "pipe");
	pc = fork();
	if (pc == 0)
		child_c(to_c[0], from_c[1]);
	EXPECT(pc > 0 && read(from_c[0], &x, 1) == 1, "child C");
	shadow_records(&c->dev);	/* after the fork's COW */
	EXPECT(wait_counter(c, "page_requests", reqs, 2000),
	       "no page request of C within 2 s");
	/* C's request stays stalled; ours, from now on, would not be. */
	EXPECT(!svmedu_write_file(INJECT "prq_stall_ms", "0"), "prq_stall_ms");
	EXPECT(!fill_untouched(&c->dev, rec, &page), "our FILL");
	usleep(100000);		/* ours is queued behind C's */
	t0 = now_ms();
	EXPECT(write(to_c[1], "x", 1) == 1, "go");
	EXPECT(waitpid(pc, &ws, 0) == pc && WIFEXITED(ws) && !WEXITSTATUS(ws),
	       "child C status %#x", ws);
	st = svmedu_wait(&c->dev, rec, 30000);
	ms = now_ms() - t0;
	diag("part 2: C exited; our FILL (a page request of its own) ended %u ms later (%s)",
	     ms, svmedu_status_name(st));
	EXPECT(st == SVM_EDU_CS_SUCCESS, "our FILL: %s", svmedu_status_name(st));
	*late = ms > ENDED_MS;
	munmap(page, PAGE);
	close(to_c[0]);
	close(to_c[1]);
	close(from_c[0]);
	close(from_c[1]);
	return PASS;
}

static int prq_stall(struct ctx *c, bool negative)
{
	unsigned int tmo = module_param_uint("prq_timeout_ms", 0);
	bool late1 = false, late2 = false;
	char ms[16];
	int r;

	EXPECT(tmo && tmo + MARGIN_MS < STALL_MS,
	       "prq_timeout_ms %u: no room to tell a timeout from the stall", tmo);
	snprintf(ms, sizeof(ms), "%d", STALL_MS);
	EXPECT(!svmedu_write_file(INJECT "prq_stall_ms", ms),
	       "prq_stall_ms (debugfs, root?)");
	r = stall_times_out(c, tmo, negative, &late1);
	if (r == PASS)
		r = stall_ends_with_binding(c, &late2);
	svmedu_write_file(INJECT "prq_stall_ms", "0");
	if (r != PASS)
		return r;
	if (negative) {
		EXPECT(late1 || late2,
		       "negative control: nothing waited for the sleeping handler");
		diag("negative control: %s%s%s waited for the handler's sleep",
		     late1 ? "part 1" : "", late1 && late2 ? " and " : "",
		     late2 ? "part 2" : "");
	} else {
		EXPECT(!late1, "part 1: the engine waited longer than prq_timeout_ms + %d ms",
		       MARGIN_MS);
		EXPECT(!late2, "part 2: the engine waited more than %d ms after the binding ended",
		       ENDED_MS);
	}
	return PASS;
}

const struct scenario scen_lc_prq[] = {
	{ .name = "lc-prq-stall",
	  .path = "a page request whose page stays under I/O; its binding ends",
	  .knob = "prq_stall_blocks", .run = prq_stall },
	{ NULL }
};
