// SPDX-License-Identifier: MIT
/*
 * Scenarios: fork and copy-on-write, and anonymous memory shared by two
 * processes.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGES	4
#define LEN	(PAGES * 4096)

/*
 * Child side of the COW scenario: binds its own address space (a new PASID)
 * and keeps sharing the pages until the parent has written its copy. Then
 * it checks that the parent's DMA did not reach the frames it kept, writes
 * its copy and DMAs into it. Exit status 0 when all was right.
 */
static int cow_child(uint8_t *p, int ready, int done)
{
	struct svm_edu_completion *rec = record(8);
	struct svmedu d;
	char b;
	int st;

	if (svmedu_open(&d, 0) || svmedu_bind(&d))
		return 2;
	if (write(ready, "r", 1) != 1 || read(done, &b, 1) != 1)
		return 3;
	if (!all_bytes(p, LEN, 0x11))
		return 4;	/* the parent's writes reached our frames */
	memset(p, 0x55, LEN);
	if (svmedu_fill(&d, p, pat(0x66), LEN, rec, SVM_EDU_UDESC_F_IRQ))
		return 5;
	st = svmedu_wait(&d, rec, 20000);
	return st == SVM_EDU_CS_SUCCESS && all_bytes(p, LEN, 0x66) ? 0 : 6;
}

/*
 * fork() write-protects the parent's private pages (a flush); the parent's
 * write while the child still shares them copies each page (wp_page_copy:
 * the PTE moves to a new frame, a flush). Parent and child then each DMA
 * into their own copy.
 */
static int cow(struct ctx *c, bool negative)
{
	uint8_t *p = map_pages(PAGES);
	uint64_t stale = hw(c, "stale");
	int ready[2], done[2], ws;
	pid_t pid;
	char b;

	EXPECT(p && !pipe(ready) && !pipe(done), "setup");
	EXPECT(dma_fill(c, p, pat(0x11), LEN) == SVM_EDU_CS_SUCCESS, "first FILL");
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		_exit(cow_child(p, ready[1], done[0]));
	}
	/* Only the child keeps these ends: its death ends our reads. */
	close(ready[1]);
	close(done[0]);
	EXPECT(pid > 0, "fork");
	EXPECT(read(ready[0], &b, 1) == 1, "child ready");
	memset(p, 0x22, LEN);	/* COW: the child still maps these pages */
	EXPECT(dma_fill(c, p, pat(0x33), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x33), "parent FILL into its copy");
	EXPECT(write(done[1], "d", 1) == 1, "release the child");
	EXPECT(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	       "child saw wrong data or failed (status %#x)", ws);
	close(ready[0]);
	close(done[1]);
	munmap(p, LEN);
	return stale_verdict(c, stale, negative);
}

/*
 * MAP_SHARED anonymous memory: both processes bind (two PASIDs) and DMA into
 * it; each sees the other's data. Then the parent replaces the region with
 * new memory: its translations must go, the child's stay valid.
 */
static int shared_anon(struct ctx *c, bool negative)
{
	uint8_t *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint8_t *spacer = spacer_map(LEN);
	uint64_t stale = hw(c, "stale");
	int go[2], ws;
	pid_t pid;
	char b;

	EXPECT(p != MAP_FAILED && spacer && !pipe(go), "setup");
	memset(p, 0, LEN);
	pid = fork();
	if (pid == 0) {
		struct svm_edu_completion *rec = record(9);
		struct svmedu d;

		/* fork() does not copy PTEs of shared mappings: fault ours in. */
		memset(p + LEN / 2, 0, LEN / 2);
		if (svmedu_open(&d, 0) || svmedu_bind(&d) ||
		    svmedu_fill(&d, p + LEN / 2, pat(0x77), LEN / 2, rec,
				SVM_EDU_UDESC_F_IRQ) ||
		    svmedu_wait(&d, rec, 20000) != SVM_EDU_CS_SUCCESS)
			_exit(2);
		_exit(write(go[1], "g", 1) == 1 ? 0 : 3);
	}
	close(go[1]);
	EXPECT(pid > 0, "fork");
	EXPECT(read(go[0], &b, 1) == 1, "child done");
	EXPECT(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
	       "child failed (status %#x)", ws);
	EXPECT(all_bytes(p + LEN / 2, LEN / 2, 0x77), "the child's DMA is visible here");
	EXPECT(dma_fill(c, p, pat(0x66), LEN / 2) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN / 2, 0x66), "our DMA into the shared pages");

	EXPECT(munmap(p, LEN) == 0, "munmap");
	spacer_take(spacer, LEN);
	EXPECT(mmap(p, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p, "mmap");
	memset(p, 0, LEN);
	EXPECT(dma_fill(c, p, pat(0x22), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x22), "FILL into the private replacement");
	close(go[0]);
	munmap(p, LEN);
	munmap(spacer, LEN);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_cow[] = {
	{ "cow", "fork, COW write fault (wp_page_copy); parent and child DMA", "skip_flush", cow, NULL },
	{ "shared-anon", "MAP_SHARED anonymous memory, two processes, two PASIDs", "skip_flush", shared_anon, NULL },
	{ NULL }
};
