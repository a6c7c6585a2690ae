// SPDX-License-Identifier: MIT
/*
 * Scenarios: a process exits, or is killed, with DMA in flight.
 *
 * exit_mmap() calls the notifier's .release before it tears the page tables
 * down, and no invalidation follows. The driver must block the PASID there;
 * otherwise the device keeps using translations of pages the process no
 * longer owns. The negative control skips .release and the checker must
 * catch exactly that.
 *
 * To make it deterministic the parent opens the device and the child binds
 * through the inherited file, so the binding outlives the child until the
 * parent closes it; the engine is slowed down (DMA_THROTTLE) and the child
 * queues 128 copies over the same 16 pages, so that DMA is certainly still
 * running, through cached translations, when the child's mm goes away.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmatest.h"

#define EXIT_PAGES	16
#define EXIT_DESCS	128
#define THROTTLE_US	100

static void child(struct svmedu *d, int ready, bool wait_for_kill)
{
	size_t len = EXIT_PAGES * 4096;
	struct svm_edu_udesc u[SVM_EDU_MAX_BATCH];
	void *src, *dst;
	int i;

	if (svmedu_bind(d))
		_exit(2);
	src = map_pages(EXIT_PAGES);
	dst = map_pages(EXIT_PAGES);
	if (!src || !dst)
		_exit(3);
	/*
	 * Shadow mode: the copies must run through translations, not stop
	 * at page requests that the exit makes fail.
	 */
	if (shadow_mode && (svmedu_prefault(d, src, len, false) ||
			    svmedu_prefault(d, dst, len, true)))
		_exit(6);
	memset(u, 0, sizeof(u));
	for (i = 0; i < SVM_EDU_MAX_BATCH; i++) {
		u[i].opcode = SVM_EDU_OP_COPY;
		u[i].src = (uintptr_t)src;
		u[i].dst = (uintptr_t)dst;
		u[i].len = len;
	}
	for (i = 0; i < EXIT_DESCS / SVM_EDU_MAX_BATCH; i++)
		if (svmedu_submit(d, u, SVM_EDU_MAX_BATCH))
			_exit(4);
	if (write(ready, "r", 1) != 1)
		_exit(5);
	if (!wait_for_kill)
		_exit(0);	/* without waiting: the copies are still running */
	for (;;)
		pause();
}

static int exit_common(struct ctx *c, bool negative, bool kill9)
{
	uint64_t stale = hw(c, "stale"), binds = drv(c, "binds");
	uint64_t unbinds = drv(c, "unbinds"), rel = drv(c, "release_calls");
	int st, wstatus, ready[2];
	struct svmedu shared;
	pid_t pid;
	char b;

	EXPECT(svmedu_open(&shared, 0) == 0 && pipe(ready) == 0, "setup");
	/* Negative control: abort on the first stale use, write nothing. */
	if (negative)
		svmedu_set_policy(&c->dev, "abort");
	svmedu_set_throttle(&c->dev, THROTTLE_US);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		child(&shared, ready[1], kill9);
	}
	close(ready[1]);
	EXPECT(pid > 0, "fork");
	EXPECT(read(ready[0], &b, 1) == 1, "child queued its copies");
	close(ready[0]);
	if (kill9)
		kill(pid, SIGKILL);
	EXPECT(waitpid(pid, &wstatus, 0) == pid, "waitpid");
	EXPECT(kill9 ? WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL :
	       WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0,
	       "child status %#x", wstatus);
	/* FIFO ring: once a FILL of ours completes, the child's copies are over. */
	st = dma_fill(c, record(4) + 1, 0, 8);
	svmedu_set_throttle(&c->dev, 0);
	svmedu_set_policy(&c->dev, "report");
	EXPECT(st == SVM_EDU_CS_SUCCESS, "device works after the exit: %s",
	       svmedu_status_name(st));
	EXPECT(drv(c, "release_calls") > rel, "no .release call");
	svmedu_close(&shared);
	EXPECT(drv(c, "binds") - binds == drv(c, "unbinds") - unbinds,
	       "the child's PASID is still bound after the last close");
	return stale_verdict(c, stale, negative);
}

static int exit_inflight(struct ctx *c, bool negative)
{
	return exit_common(c, negative, false);
}

static int kill_inflight(struct ctx *c, bool negative)
{
	return exit_common(c, negative, true);
}

const struct scenario scen_exit[] = {
	{ "exit-inflight", "process exit with DMA in flight (.release)", "skip_release", exit_inflight, NULL },
	{ "kill-inflight", "SIGKILL with DMA in flight (.release)", "skip_release", kill_inflight, NULL },
	{ NULL }
};
