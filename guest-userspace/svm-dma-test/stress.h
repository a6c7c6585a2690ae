/* SPDX-License-Identifier: MIT */
/*
 * svm-dma-test --stress: what the runner (stress.c) and the operations
 * (stress_ops.c) share.
 */
#ifndef STRESS_H
#define STRESS_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "dmatest.h"

#define STRESS_MAX_PROCS	16
#define STRESS_MAX_THREADS	8

enum stress_op {
	OP_REMAP,	/* munmap + mmap MAP_FIXED */
	OP_MPROTECT,	/* read-only: DMA writes fault; then writable again */
	OP_FORK,	/* COW: the child keeps the old data */
	OP_MIGRATE,	/* move_pages to the other NUMA node */
	OP_DONTNEED,	/* MADV_DONTNEED: reads give zeros */
	OP_KSM,		/* merged by KSM, unmerged by a DMA write */
	OP_MREMAP,	/* moved away and back */
	OP_COLLAPSE,	/* MADV_COLLAPSE into a THP */
	NR_STRESS_OPS
};

/* One thread's results, in memory shared with the parent process. */
struct tally {
	uint64_t ops[NR_STRESS_OPS];
	uint64_t skipped[NR_STRESS_OPS];	/* could not be done: why in docs */
	int skip_errno[NR_STRESS_OPS];	/* the last such failure's errno */
	uint64_t dmas;
	uint64_t bytes;
	uint64_t mismatches;	/* data not what it must be */
	uint64_t bad_status;	/* DMA status not what it must be */
	char first_error[160];
};

/* One thread: its region, its DMA partner buffer, its completion record. */
struct worker {
	struct svmedu *dev;		/* the process's binding */
	pthread_mutex_t *layout;	/* held while our range is a hole */
	struct svm_edu_completion *rec;
	struct tally *tally;
	uint8_t *region;	/* 2 MiB, 2 MiB aligned, private, MADV_DONTFORK */
	uint8_t *scratch;	/* 2 MiB, shared: fork leaves it alone */
	unsigned int seed;
	unsigned int gen;	/* pattern generation */
	bool thp;		/* region is MADV_HUGEPAGE */
	bool broken;		/* cannot go on (lost the region, DMA hung) */
	time_t end;		/* when to stop */
};

#define STRESS_REGION	(2u << 20)

int stress_worker_init(struct worker *w);
void stress_one_op(struct worker *w);
uint64_t stress_total_ops(const struct tally *t);
void stress_print_ops(const struct tally *t);

#endif /* STRESS_H */
