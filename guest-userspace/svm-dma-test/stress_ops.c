// SPDX-License-Identifier: MIT
/*
 * svm-dma-test --stress: the operations one thread does on its own region.
 *
 * Each one writes the range by DMA (checked by the CPU), changes the
 * mapping, reads it back by DMA (the device must see what the CPU sees
 * now) and writes it again. All DMA is block-on-fault, so the page
 * requests of one thread run alongside the flushes of the others. The
 * region is MADV_DONTFORK so that another thread's fork() does not
 * write-protect it under our DMA; only OP_FORK lets it be copied, under
 * the process's layout lock.
 */
#define _GNU_SOURCE	/* mremap */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif
#define MPOL_MF_MOVE	(1 << 1)
#define REGION_PAGES	(STRESS_REGION / 4096)
#define BOF		(SVM_EDU_UDESC_F_IRQ | SVM_EDU_UDESC_F_BLOCK_ON_FAULT)

static const char *const op_names[NR_STRESS_OPS] = {
	[OP_REMAP] = "munmap+mmap", [OP_MPROTECT] = "mprotect",
	[OP_FORK] = "fork", [OP_MIGRATE] = "move_pages",
	[OP_DONTNEED] = "MADV_DONTNEED", [OP_KSM] = "KSM",
	[OP_MREMAP] = "mremap", [OP_COLLAPSE] = "MADV_COLLAPSE",
};

static void __attribute__((format(printf, 3, 4)))
fail(struct worker *w, uint64_t *counter, const char *fmt, ...)
{
	va_list ap;

	++*counter;
	if (w->tally->first_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->tally->first_error, sizeof(w->tally->first_error), fmt, ap);
	va_end(ap);
}

#define MISMATCH(w, ...)	fail(w, &(w)->tally->mismatches, __VA_ARGS__)
#define BAD_STATUS(w, ...)	fail(w, &(w)->tally->bad_status, __VA_ARGS__)

/* The region's flags, again after a new mapping replaced part of it. */
static void region_flags(struct worker *w, void *p, size_t len)
{
	madvise(p, len, MADV_DONTFORK);
	if (w->thp)
		madvise(p, len, MADV_HUGEPAGE);
}

int stress_worker_init(struct worker *w)
{
	/* Aligned, so that THP can back it and no THP spans two regions. */
	w->region = map_2m_aligned(w->thp);
	if (!w->region)
		return -1;
	madvise(w->region, STRESS_REGION, MADV_DONTFORK);
	memset(w->region, 0x5a, STRESS_REGION);
	w->scratch = mmap(NULL, STRESS_REGION, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w->scratch == MAP_FAILED)
		return -1;
	memset(w->scratch, 0, STRESS_REGION);
	return 0;
}

/* Wait for the record of a DMA just queued (@st: the submit's result). */
static int finish(struct worker *w, int st, size_t len)
{
	w->tally->dmas++;
	w->tally->bytes += len;
	if (!st)
		st = svmedu_wait(w->dev, w->rec, 60000);
	if (st == -ETIMEDOUT)
		w->broken = true;	/* the record may still be written */
	return st;
}

/* One COPY or FILL to its end; the status, or -errno. */
static int copy(struct worker *w, void *dst, const void *src, size_t len,
		uint16_t flags)
{
	return finish(w, svmedu_copy(w->dev, dst, src, len, w->rec, flags), len);
}

static int fill(struct worker *w, void *dst, uint8_t byte, size_t len,
		uint16_t flags)
{
	return finish(w, svmedu_fill(w->dev, dst, 0x0101010101010101ull * byte,
				     len, w->rec, flags), len);
}

static const char *status(int st)
{
	return st < 0 ? strerror(-st) : svmedu_status_name(st);
}

/* DMA a new pattern into @p; the CPU checks it. Returns the pattern. */
static unsigned int put(struct worker *w, enum stress_op op, uint8_t *p,
			size_t len)
{
	unsigned int seed = w->seed * 1000003u + ++w->gen;
	size_t at;
	int st;

	fill_pattern(w->scratch, len, seed);
	st = copy(w, p, w->scratch, len, BOF);
	if (st != SVM_EDU_CS_SUCCESS) {
		BAD_STATUS(w, "%s: DMA write of %zu bytes: %s (fault at +%#llx)",
			   op_names[op], len, status(st),
			   (unsigned long long)(w->rec->fault_addr - (uintptr_t)p));
	} else if ((at = pattern_diff(p, len, seed)) < len) {
		MISMATCH(w, "%s: the CPU sees byte %zu of the DMA write as %#x",
			 op_names[op], at, p[at]);
	}
	return seed;
}

/*
 * DMA @p into the scratch buffer; the CPU checks it against pattern @seed,
 * or against zeros when @zero.
 */
static void get(struct worker *w, enum stress_op op, const uint8_t *p,
		size_t len, unsigned int seed, bool zero)
{
	size_t at;
	int st;

	memset(w->scratch, 0xee, len);
	st = copy(w, w->scratch, p, len, BOF);
	if (st != SVM_EDU_CS_SUCCESS) {
		BAD_STATUS(w, "%s: DMA read of %zu bytes: %s", op_names[op], len,
			   status(st));
		return;
	}
	if (zero) {
		for (at = 0; at < len && !w->scratch[at]; at++)
			continue;
	} else {
		at = pattern_diff(w->scratch, len, seed);
	}
	if (at < len)
		MISMATCH(w, "%s: byte %zu the device read is %#x", op_names[op],
			 at, w->scratch[at]);
}

static void op_remap(struct worker *w, uint8_t *p, size_t len)
{
	void *q;

	put(w, OP_REMAP, p, len);
	pthread_mutex_lock(w->layout);
	munmap(p, len);
	q = mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (q == p)
		region_flags(w, p, len);
	pthread_mutex_unlock(w->layout);
	if (q != p) {
		BAD_STATUS(w, "munmap+mmap: MAP_FIXED failed: %s", strerror(errno));
		w->broken = true;
		return;
	}
	get(w, OP_REMAP, p, len, 0, true);	/* new memory reads as zeros */
	put(w, OP_REMAP, p, len);
}

static void op_mprotect(struct worker *w, uint8_t *p, size_t len)
{
	unsigned int seed = put(w, OP_MPROTECT, p, len);
	int st;

	if (mprotect(p, len, PROT_READ)) {
		BAD_STATUS(w, "mprotect: %s", strerror(errno));
		return;
	}
	/* Block-on-fault or not, a write to a read-only VMA faults. */
	st = fill(w, p, 1, len, rand_r(&w->seed) % 2 ? BOF : SVM_EDU_UDESC_F_IRQ);
	if (st != SVM_EDU_CS_PERM_FAULT || w->rec->fault_addr != (uintptr_t)p)
		BAD_STATUS(w, "mprotect: DMA write to read-only memory: %s at +%#llx",
			   status(st),
			   (unsigned long long)(w->rec->fault_addr - (uintptr_t)p));
	else if (pattern_diff(p, len, seed) < len)
		MISMATCH(w, "mprotect: a faulting DMA write changed the data");
	get(w, OP_MPROTECT, p, len, seed, false);
	mprotect(p, len, PROT_READ | PROT_WRITE);
	put(w, OP_MPROTECT, p, len);
}

static void op_fork(struct worker *w, uint8_t *p, size_t len)
{
	unsigned int seed = put(w, OP_FORK, p, len);
	int fds[2], st = 0;
	pid_t pid;
	char go;

	if (pipe(fds)) {
		BAD_STATUS(w, "fork: pipe: %s", strerror(errno));
		return;
	}
	pthread_mutex_lock(w->layout);
	madvise(p, len, MADV_DOFORK);
	pid = fork();
	if (pid == 0) {
		/* After our parent's DMA write: we must still see the old data. */
		close(fds[1]);
		_exit(read(fds[0], &go, 1) == 1 && pattern_diff(p, len, seed) == len ?
		      0 : 3);
	}
	madvise(p, len, MADV_DONTFORK);
	pthread_mutex_unlock(w->layout);
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		BAD_STATUS(w, "fork: %s", strerror(errno));
		return;
	}
	put(w, OP_FORK, p, len);	/* page requests break the COW */
	if (write(fds[1], "g", 1) != 1)
		st = -1;
	close(fds[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		MISMATCH(w, "fork: the child did not keep its data (status %#x)", st);
}

static void op_migrate(struct worker *w, uint8_t *p, size_t len)
{
	void *pages[REGION_PAGES];
	int nodes[REGION_PAGES], stat[REGION_PAGES], to;
	size_t n = len / 4096, i;
	unsigned int seed;

	if (nodes_online() < 2 || node_of(p) < 0) {
		w->tally->skipped[OP_MIGRATE]++;
		return;
	}
	seed = put(w, OP_MIGRATE, p, len);
	to = !node_of(p);
	for (i = 0; i < n; i++) {
		pages[i] = p + i * 4096;
		nodes[i] = to;
	}
	/* A page that is busy just now stays where it is: not an error. */
	if (syscall(SYS_move_pages, 0, (unsigned long)n, pages, nodes, stat,
		    MPOL_MF_MOVE) < 0)
		BAD_STATUS(w, "move_pages: %s", strerror(errno));
	if (pattern_diff(p, len, seed) < len)
		MISMATCH(w, "move_pages: the data did not move with the pages");
	get(w, OP_MIGRATE, p, len, seed, false);
	put(w, OP_MIGRATE, p, len);
}

static void op_dontneed(struct worker *w, uint8_t *p, size_t len)
{
	put(w, OP_DONTNEED, p, len);
	madvise(p, len, MADV_DONTNEED);
	get(w, OP_DONTNEED, p, len, 0, true);
	put(w, OP_DONTNEED, p, len);
}

/* Wait for KSM to merge all @n pages into one; false after 3 s. */
static bool ksm_merged(const uint8_t *p, int n)
{
	int i;

	for (i = 0; i < 150; i++) {
		if (ksm_pages(p, n) == n)
			return true;
		usleep(20000);
	}
	return false;
}

static void op_ksm(struct worker *w, uint8_t *p, size_t len)
{
	uint8_t byte = 1 + rand_r(&w->seed) % 255;
	size_t at;
	int st;

	if (len > 16 * 4096)
		len = 16 * 4096;
	if (len < 2 * 4096)
		len = 2 * 4096;
	st = fill(w, p, byte, len, BOF);
	if (st != SVM_EDU_CS_SUCCESS) {
		BAD_STATUS(w, "KSM: FILL: %s", status(st));
		return;
	}
	/*
	 * The device stays off the range while KSM works on it; once every
	 * page is in one KSM page, KSM leaves the PTEs alone.
	 */
	if (madvise(p, len, MADV_MERGEABLE) || !ksm_merged(p, len / 4096)) {
		madvise(p, len, MADV_UNMERGEABLE);
		w->tally->skipped[OP_KSM]++;
		return;
	}
	memset(w->scratch, 0, len);
	st = copy(w, w->scratch, p, len, BOF);
	for (at = 0; st == SVM_EDU_CS_SUCCESS && at < len; at++)
		if (w->scratch[at] != byte)
			break;
	if (st != SVM_EDU_CS_SUCCESS)
		BAD_STATUS(w, "KSM: DMA read of merged pages: %s", status(st));
	else if (at < len)
		MISMATCH(w, "KSM: byte %zu of a merged page reads %#x, not %#x",
			 at, w->scratch[at], byte);
	put(w, OP_KSM, p, len);		/* write faults unmerge */
	madvise(p, len, MADV_UNMERGEABLE);
}

static void op_mremap(struct worker *w, uint8_t *p, size_t len)
{
	uintptr_t end = vma_end(p);
	unsigned int seed;
	uint8_t *t, *q, *back;

	/*
	 * mremap moves one VMA's worth; munmap+mmap leaves the region in
	 * several VMAs (a new mapping gets its own anon_vma and does not
	 * merge with its neighbours).
	 */
	if (end && end - (uintptr_t)p < len)
		len = end - (uintptr_t)p;
	seed = put(w, OP_MREMAP, p, len);

	/* Our range is a hole until it comes back: keep the others out. */
	pthread_mutex_lock(w->layout);
	t = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	q = t == MAP_FAILED ? MAP_FAILED :
	    mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	if (q == MAP_FAILED) {
		if (t != MAP_FAILED)
			munmap(t, len);
		pthread_mutex_unlock(w->layout);
		BAD_STATUS(w, "mremap: %s", strerror(errno));
		return;
	}
	get(w, OP_MREMAP, q, len, seed, false);
	seed = put(w, OP_MREMAP, q, len);
	back = mremap(q, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p);
	pthread_mutex_unlock(w->layout);
	if (back != p) {
		BAD_STATUS(w, "mremap back: %s", strerror(errno));
		w->broken = true;
		return;
	}
	if (pattern_diff(p, len, seed) < len)
		MISMATCH(w, "mremap: the data did not come back");
	get(w, OP_MREMAP, p, len, seed, false);
}

/* The whole region, whatever range was picked: THP come 2 MiB at a time. */
static void op_collapse(struct worker *w, uint8_t *p, size_t len)
{
	unsigned int seed;

	(void)p;
	(void)len;
	seed = put(w, OP_COLLAPSE, w->region, STRESS_REGION);
	/* EAGAIN/ENOMEM: no huge page free right now; EINVAL: no THP. */
	if (madvise(w->region, STRESS_REGION, MADV_COLLAPSE)) {
		w->tally->skipped[OP_COLLAPSE]++;
		w->tally->skip_errno[OP_COLLAPSE] = errno;
	}
	if (pattern_diff(w->region, STRESS_REGION, seed) < STRESS_REGION)
		MISMATCH(w, "MADV_COLLAPSE: the data did not survive");
	get(w, OP_COLLAPSE, w->region, STRESS_REGION, seed, false);
	put(w, OP_COLLAPSE, w->region, STRESS_REGION);
}

static void (*const ops[NR_STRESS_OPS])(struct worker *, uint8_t *, size_t) = {
	[OP_REMAP] = op_remap, [OP_MPROTECT] = op_mprotect,
	[OP_FORK] = op_fork, [OP_MIGRATE] = op_migrate,
	[OP_DONTNEED] = op_dontneed, [OP_KSM] = op_ksm,
	[OP_MREMAP] = op_mremap, [OP_COLLAPSE] = op_collapse,
};

/* Mostly small ranges; some at or above the whole-PASID threshold. */
static size_t pick_pages(struct worker *w)
{
	unsigned int r = rand_r(&w->seed) % 100;

	if (r < 50)
		return 1 + rand_r(&w->seed) % 16;
	if (r < 85)
		return 17 + rand_r(&w->seed) % 112;
	return 129 + rand_r(&w->seed) % (REGION_PAGES - 128);
}

void stress_one_op(struct worker *w)
{
	size_t n = pick_pages(w);
	size_t off = rand_r(&w->seed) % (REGION_PAGES - n + 1);
	/* A collapse rewrites the whole region: one in 32. */
	enum stress_op op = rand_r(&w->seed) % (NR_STRESS_OPS - 1);

	if (rand_r(&w->seed) % 32 == 0)
		op = OP_COLLAPSE;
	ops[op](w, w->region + off * 4096, n * 4096);
	w->tally->ops[op]++;
}

uint64_t stress_total_ops(const struct tally *t)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < NR_STRESS_OPS; i++)
		n += t->ops[i] - t->skipped[i];
	return n;
}

void stress_print_ops(const struct tally *t)
{
	char line[400];
	int i, len = 0;

	for (i = 0; i < NR_STRESS_OPS; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s %llu",
				i ? ", " : "", op_names[i],
				(unsigned long long)(t->ops[i] - t->skipped[i]));
	diag("operations done: %s", line);
	for (len = 0, i = 0; i < NR_STRESS_OPS; i++)
		if (t->skipped[i])
			len += snprintf(line + len, sizeof(line) - len,
					"%s%s %llu%s%s%s", len ? ", " : "", op_names[i],
					(unsigned long long)t->skipped[i],
					t->skip_errno[i] ? " (last: " : "",
					t->skip_errno[i] ? strerror(t->skip_errno[i]) : "",
					t->skip_errno[i] ? ")" : "");
	if (len)
		diag("could not be done (see docs/reliability.md): %s", line);
}
