// SPDX-License-Identifier: MIT
/*
 * Scenario: a process exits with DMA in flight.
 *
 * exit_mmap() calls the notifier's .release before it tears the page tables
 * down, and no invalidation follows. The driver must block the PASID there;
 * otherwise the device keeps using translations of pages the process no
 * longer owns (the negative control, with .release skipped, shows the
 * checker catching exactly that).
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmatest.h"

#define EXIT_MB	16

static void child(void)
{
	size_t len = EXIT_MB << 20;
	struct svm_edu_completion *rec = record(3);
	struct svmedu d;
	void *src, *dst;

	if (svmedu_open(&d, 0) || svmedu_bind(&d))
		_exit(2);
	src = map_pages(len / 4096);
	dst = map_pages(len / 4096);
	if (!src || !dst)
		_exit(3);
	if (svmedu_copy(&d, dst, src, len, rec, 0))
		_exit(4);
	_exit(0);	/* without waiting: the copy is still running */
}

static int exit_inflight(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale"), binds = drv(c, "binds");
	uint64_t unbinds = drv(c, "unbinds"), rel = drv(c, "release_calls");
	int st, wstatus;
	pid_t pid;

	/* Negative control: abort on the first stale use, write nothing. */
	if (negative)
		svmedu_set_policy(&c->dev, "abort");
	pid = fork();
	if (pid == 0)
		child();
	EXPECT(pid > 0, "fork");
	EXPECT(waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus) &&
	       WEXITSTATUS(wstatus) == 0, "child status %#x", wstatus);
	/* FIFO ring: once a NOP of ours completes, the child's copy is over. */
	st = dma_fill(c, record(4) + 1, 0, 8);
	svmedu_set_policy(&c->dev, "report");
	EXPECT(st == SVM_EDU_CS_SUCCESS, "device works after the exit: %s",
	       svmedu_status_name(st));
	EXPECT(drv(c, "release_calls") > rel, "no .release call");
	EXPECT(drv(c, "binds") - binds == drv(c, "unbinds") - unbinds,
	       "the child's PASID is still bound");
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_exit[] = {
	{ "exit-inflight", "process exit with DMA in flight (.release)", "skip_release", exit_inflight },
	{ NULL }
};
