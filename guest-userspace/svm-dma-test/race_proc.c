// SPDX-License-Identifier: MIT
/*
 * The race paths that need another process or ksmd: a COW break after
 * fork, a KSM unmerge, and a process that exits with its DMA in flight
 * (set up as scen_cow.c, scen_ksm.c and scen_exit.c do).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "race.h"

#define KSM_WAIT_MS	3000

/* A child that holds the old frames until done() lets it exit. */
static pid_t fork_waiting(int *go)
{
	int fd[2];
	pid_t pid;
	char b;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fd[1]);
		_exit(read(fd[0], &b, 1) == 1 ? 0 : 1);
	}
	close(fd[0]);
	*go = fd[1];
	return pid;
}

static int reap(struct race_round *r)
{
	int ws = 0;

	if (r->pipe_fd >= 0) {
		if (write(r->pipe_fd, "g", 1) != 1)
			diag("the child is gone");
		close(r->pipe_fd);
		r->pipe_fd = -1;
	}
	if (r->child > 0 && waitpid(r->child, &ws, 0) != r->child)
		return -ECHILD;
	r->child = 0;
	return WIFEXITED(ws) && !WEXITSTATUS(ws) ? 0 : -ECHILD;
}

int race_cow_setup(struct race_round *r)
{
	return race_setup_small(r, false);
}

/*
 * fork() write-protects the range in the parent, and the parent's write
 * to each page copies it (wp_page_copy): two changes of every PTE.
 */
int race_cow_change(struct race_round *r)
{
	size_t i;

	r->child = fork_waiting(&r->pipe_fd);
	if (r->child < 0)
		return -errno;
	for (i = 0; i < r->len; i += 4096)
		r->buf[i] = 0x77;
	return 0;
}

void race_cow_done(struct race_round *r)
{
	reap(r);
}

/* 16 identical pages merged by ksmd; the DMA only reads them. */
int race_ksm_setup(struct race_round *r)
{
	int pages = r->len / 4096, ms;

	if (ksm_write("run", "1")) {
		diag("no KSM in this kernel");
		return SKIP;
	}
	ksm_write("pages_to_scan", "1000");
	ksm_write("sleep_millisecs", "10");
	if (race_setup_small(r, false) != PASS)
		return FAIL;
	/* Contents of their own, not merged with an earlier round's. */
	memset(r->buf, 0x40 | (r->rnd & 0x3f), r->len);
	if (madvise(r->buf, r->len, MADV_MERGEABLE))
		return FAIL;
	for (ms = 0; ms < KSM_WAIT_MS && ksm_pages(r->buf, pages) < pages; ms += 20)
		usleep(20000);
	if (ksm_pages(r->buf, pages) < pages) {
		diag("ksmd merged %d of %d pages in %d ms (-1: pagemap unreadable)",
		     ksm_pages(r->buf, pages), pages, KSM_WAIT_MS);
		munmap(r->base, r->base_len);
		r->base = NULL;
		return SKIP;
	}
	return PASS;
}

/* Unmerging breaks COW of every page: new frames behind the same VAs. */
int race_ksm_change(struct race_round *r)
{
	return madvise(r->buf, r->len, MADV_UNMERGEABLE) ? -errno : 0;
}

/*
 * exit: a child binds through a file of ours, so that the binding outlives
 * it; it runs the batch on pages of its own and exits when told to. Its
 * completion records are in memory shared with us, so that we see how far
 * the batch got.
 */
static struct svmedu exit_dev;

int race_exit_setup(struct race_round *r)
{
	if (svmedu_open(&exit_dev, 0))
		return FAIL;
	r->rec = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->rec == MAP_FAILED) {
		r->rec = NULL;
		svmedu_close(&exit_dev);
		return FAIL;
	}
	memset(r->rec, 0, 4096);
	if (race_setup_small(r, false) != PASS)
		return FAIL;
	r->spacer = spacer_map(r->len);	/* gets the child's frames */
	r->spacer_len = r->len;
	return PASS;
}

/* In the child: the range and the scratch become its own pages. */
static void exit_child(struct race_round *r, const struct svm_edu_udesc *d,
		       int ready, int go)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	void *scratch = (void *)(uintptr_t)d[1].dst;
	char b;

	if (mmap(r->buf, r->len, PROT_READ | PROT_WRITE, flags, -1, 0) != r->buf ||
	    mmap(scratch, r->len, PROT_READ | PROT_WRITE, flags, -1, 0) != scratch)
		_exit(2);
	memset(r->buf, 0x5a, r->len);
	memset(scratch, 0, r->len);
	if (svmedu_bind(&exit_dev) || svmedu_submit(&exit_dev, d, r->ndesc))
		_exit(3);
	if (write(ready, "r", 1) != 1)
		_exit(4);
	_exit(read(go, &b, 1) == 1 ? 0 : 5);
}

int race_exit_submit(struct race_round *r, const struct svm_edu_udesc *d)
{
	int ready[2], go[2];
	char b;

	if (pipe(ready))
		return -errno;
	if (pipe(go)) {
		close(ready[0]);
		close(ready[1]);
		return -errno;
	}
	r->child = fork();
	if (r->child == 0) {
		close(ready[0]);
		close(go[1]);
		exit_child(r, d, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	r->pipe_fd = go[1];
	if (r->child < 0 || read(ready[0], &b, 1) != 1) {
		close(ready[0]);
		return -ECHILD;
	}
	close(ready[0]);
	return 0;
}

/* The child's exit_mmap(): .release, then the page tables go. */
int race_exit_change(struct race_round *r)
{
	return reap(r);
}

void race_exit_done(struct race_round *r)
{
	if (r->child > 0)
		reap(r);
	svmedu_close(&exit_dev);	/* the last close: the PASID goes */
	if (r->rec)
		munmap(r->rec, 4096);
}
