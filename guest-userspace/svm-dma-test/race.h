/* SPDX-License-Identifier: MIT */
/*
 * svm-dma-test --race PATH: one mapping-changing kernel path raced against
 * DMA the device is doing in the range (race_run.c runs the rounds, the
 * race_ops*.c files set each path up).
 */
#ifndef RACE_H
#define RACE_H

#include <sys/types.h>

#include "dmatest.h"

#define RACE_HUGE	(2UL << 20)

/* One round: what a path's hooks set up and the engine runs DMA in. */
struct race_round {
	struct ctx *c;
	uint8_t *buf;		/* the range the DMA reads and writes */
	size_t len;
	/*
	 * Where the change hits, when it is one page of the range: the batch
	 * then works on that page, paced by COPYs of 16 KiB to @pad (0: the
	 * whole range, no pads).
	 */
	size_t hot;
	uint8_t *pad;
	void *base;		/* the mapping to drop at the end (0: none) */
	size_t base_len;
	/* Mapped before the change, touched right after it: it gets the frames
	 * the change gives back, where no DMA may land. */
	uint8_t *spacer;
	size_t spacer_len;
	struct svm_edu_completion *rec;	/* the batch's records */
	unsigned int ndesc;
	pid_t child;
	int pipe_fd;		/* exit: the child exits when it is written */
	unsigned int rnd;	/* a random number for the path's choices */
};

/**
 * struct race_path - a mapping-changing kernel path
 * @name: its PATH argument
 * @len: bytes of the range (4 KiB pages, or one 2 MiB page)
 * @read_only: the DMA only reads the range (the change itself would be
 *	undone by a DMA write fault, as KSM's unmerge)
 * @one_page_requests: the driver answers page requests for one page
 *	(prq_fault_around off): cow's device writes to the pages fork()
 *	write-protected would otherwise break the COW of 16 pages at a time,
 *	in the page request, while the engine waits, and leave the parent's
 *	writes, the path this races, little to copy (caught in 0 of 60
 *	rounds, against 4 in 10 one page at a time)
 * @no_window: the driver stops the device before the change begins (exit:
 *	.release blocks the PASID before exit_mmap() touches a page table),
 *	so a stale use while it runs is a failure too, not the legal window
 * @setup: map @r->buf (and a spacer); PASS, SKIP (diag says why) or FAIL
 * @submit: runs the batch elsewhere (exit: in a child); NULL: the engine
 *	submits it on @r->c
 * @change: the change; 0 or -errno (the round then does not count)
 * @done: after the DMA: unmap, reap
 */
struct race_path {
	const char *name;
	size_t len;
	bool read_only;
	bool one_page_requests;
	bool no_window;
	int (*setup)(struct race_round *r);
	int (*submit)(struct race_round *r, const struct svm_edu_udesc *d);
	int (*change)(struct race_round *r);
	void (*done)(struct race_round *r);
};

extern const struct race_path race_paths[];

int race_setup_small(struct race_round *r, bool spacer);

/* race_proc.c: the paths with another process (cow, exit) or ksmd */
int race_cow_setup(struct race_round *r);
int race_cow_change(struct race_round *r);
void race_cow_done(struct race_round *r);
int race_ksm_setup(struct race_round *r);
int race_ksm_change(struct race_round *r);
int race_exit_setup(struct race_round *r);
int race_exit_submit(struct race_round *r, const struct svm_edu_udesc *d);
int race_exit_change(struct race_round *r);
void race_exit_done(struct race_round *r);

#endif /* RACE_H */
