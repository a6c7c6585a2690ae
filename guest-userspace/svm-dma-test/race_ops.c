// SPDX-License-Identifier: MIT
/*
 * The race paths that change one mapping of the process: mprotect,
 * MADV_DONTNEED, MADV_FREE, mremap, move_pages, THP split and collapse,
 * hugetlbfs munmap, zap_vma_ptes. Set up as the scenarios scen_prot.c,
 * scen_numa.c, scen_huge.c and scen_zap.c do; race_proc.c has the paths
 * that involve another process or ksmd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "race.h"

#define PAGES		16
#define SMALL		(PAGES * 4096)
#define MPOL_BIND	2
#define MPOL_MF_MOVE	(1 << 1)
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static int err_of(int ret)
{
	return ret ? -errno : 0;
}

/**
 * race_setup_small() - map @r->len bytes of touched 4 KiB pages at @r->buf
 * @r: the round
 * @spacer: map a spacer too (the path gives frames back)
 *
 * Return: PASS or FAIL.
 */
int race_setup_small(struct race_round *r, bool spacer)
{
	r->buf = map_pages(r->len / 4096);	/* touched: 0x5a */
	if (!r->buf)
		return FAIL;
	r->base = r->buf;
	r->base_len = r->len;
	if (spacer) {
		r->spacer = spacer_map(r->len);
		r->spacer_len = r->len;
	}
	return PASS;
}

static int setup_plain(struct race_round *r)
{
	return race_setup_small(r, false);
}

static int setup_giving_back(struct race_round *r)
{
	return race_setup_small(r, true);
}

static int ch_mprotect(struct race_round *r)
{
	return err_of(mprotect(r->buf, r->len, PROT_READ));
}

static int ch_dontneed(struct race_round *r)
{
	return err_of(madvise(r->buf, r->len, MADV_DONTNEED));
}

static int ch_free(struct race_round *r)
{
	return err_of(madvise(r->buf, r->len, MADV_FREE));
}

/* The range and, behind it, the untouched place it moves to. */
static int setup_mremap(struct race_round *r)
{
	r->base = mmap(NULL, 2 * r->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->base == MAP_FAILED) {
		r->base = NULL;
		return FAIL;
	}
	r->base_len = 2 * r->len;
	r->buf = r->base;
	memset(r->buf, 0x5a, r->len);
	return PASS;
}

/*
 * Odd rounds move the range as mremap(2) usually does; even ones keep the
 * old range mapped (MREMAP_DONTUNMAP, empty from then on). A plain move
 * unmaps the old range after moving its entries, and that unmap's own
 * invalidation drops what a walk in between cached; with DONTUNMAP nothing
 * follows the move, so only the move's own flush protects the old range.
 */
static int ch_mremap(struct race_round *r)
{
	int flags = MREMAP_MAYMOVE | MREMAP_FIXED;
	void *to = r->buf + r->len;

	if (!(r->rnd & 1))
		flags |= MREMAP_DONTUNMAP;
	return mremap(r->buf, r->len, r->len, flags, to) == to ? 0 : -errno;
}

/* Migration frees the old frames: the spacer is bound to their node. */
static int setup_move(struct race_round *r)
{
	unsigned long mask;
	int node;

	if (nodes_online() < 2) {
		diag("one NUMA node: nothing to migrate to");
		return SKIP;
	}
	if (race_setup_small(r, true) != PASS || (node = node_of(r->buf)) < 0)
		return FAIL;
	mask = 1UL << node;
	if (r->spacer)
		syscall(SYS_mbind, r->spacer, r->spacer_len, MPOL_BIND, &mask,
			8 * sizeof(mask), 0UL);
	r->rnd = !node;		/* where the pages go */
	return PASS;
}

static int ch_move(struct race_round *r)
{
	void *pages[PAGES];
	int nodes[PAGES], status[PAGES], i;

	for (i = 0; i < PAGES; i++) {
		pages[i] = r->buf + i * 4096;
		nodes[i] = r->rnd;
	}
	return err_of(syscall(SYS_move_pages, 0, (unsigned long)PAGES, pages,
			      nodes, status, MPOL_MF_MOVE) < 0);
}

/* 2 MiB aligned inside a 4 MiB mapping; a THP unless @small_first. */
static int setup_thp(struct race_round *r, bool small_first)
{
	r->base = mmap(NULL, 2 * RACE_HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->base == MAP_FAILED) {
		r->base = NULL;
		return FAIL;
	}
	r->base_len = 2 * RACE_HUGE;
	r->buf = (uint8_t *)(((uintptr_t)r->base + RACE_HUGE - 1) &
			     ~(RACE_HUGE - 1));
	madvise(r->buf, RACE_HUGE, small_first ? MADV_NOHUGEPAGE : MADV_HUGEPAGE);
	memset(r->buf, 0x5a, RACE_HUGE);
	if (small_first) {
		madvise(r->buf, RACE_HUGE, MADV_HUGEPAGE);
		r->spacer = spacer_map(RACE_HUGE);	/* the small pages go back */
		r->spacer_len = RACE_HUGE;
	}
	return PASS;
}

/*
 * MADV_DONTNEED of one 4 KiB page of a THP: the zap splits the huge PMD
 * (under the mmap lock for reading, so the device's page requests are
 * served meanwhile) and then clears the page's new entry. The batch works
 * on that page, paced by COPYs into the other half of the THP.
 */
static void hot_page(struct race_round *r)
{
	r->hot = (1 + r->rnd % 510) * 4096;
	r->pad = r->buf + (r->hot < RACE_HUGE / 2 ? RACE_HUGE / 2 : 0);
}

static int setup_split(struct race_round *r)
{
	int ret = setup_thp(r, false);

	hot_page(r);
	return ret;
}

static int ch_split(struct race_round *r)
{
	return err_of(madvise(r->buf + r->hot, 4096, MADV_DONTNEED));
}

/*
 * The batch works on one page, as for the split: with 2 MiB COPYs the walks
 * made in the window between the flush and the collapse were evicted by
 * the rest of the range before anything used them again.
 */
static int setup_collapse(struct race_round *r)
{
	int ret = setup_thp(r, true);

	hot_page(r);
	return ret;
}

static int ch_collapse(struct race_round *r)
{
	return err_of(madvise(r->buf, RACE_HUGE, MADV_COLLAPSE));
}

/* The guest reserves none by default: make room for a page and a spacer. */
static void reserve_hugetlb(void)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	int n = 0;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		fclose(f);
	}
	if (n < 4)
		svmedu_write_file("/proc/sys/vm/nr_hugepages", "4");
}

static int setup_hugetlb(struct race_round *r)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;
	void *p, *s;

	reserve_hugetlb();
	p = mmap(NULL, RACE_HUGE, PROT_READ | PROT_WRITE, flags, -1, 0);
	s = mmap(NULL, RACE_HUGE, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED || s == MAP_FAILED) {
		diag("no 2 MiB hugetlb pages (vm.nr_hugepages)");
		if (p != MAP_FAILED)
			munmap(p, RACE_HUGE);
		if (s != MAP_FAILED)
			munmap(s, RACE_HUGE);
		return SKIP;
	}
	r->buf = r->base = p;
	r->base_len = RACE_HUGE;
	r->spacer = s;
	r->spacer_len = RACE_HUGE;
	memset(r->buf, 0x5a, RACE_HUGE);
	return PASS;
}

static int ch_munmap(struct race_round *r)
{
	int ret = err_of(munmap(r->buf, r->len));

	if (!ret)
		r->base = NULL;
	return ret;
}

/* The driver's own page: ZAP takes it away, the next fault maps another. */
static int setup_zap(struct race_round *r)
{
	r->buf = svmedu_map_zap(&r->c->dev);
	if (!r->buf)
		return FAIL;
	r->len = 4096;
	r->base = r->buf;
	r->base_len = 4096;
	memset(r->buf, 0x5a, 4096);
	return PASS;
}

static int ch_zap(struct race_round *r)
{
	return svmedu_zap(&r->c->dev, r->buf);
}

const struct race_path race_paths[] = {
	{ .name = "mprotect", .len = SMALL, .setup = setup_plain,
	  .change = ch_mprotect },
	{ .name = "dontneed", .len = SMALL, .setup = setup_giving_back,
	  .change = ch_dontneed },
	{ .name = "free", .len = SMALL, .setup = setup_plain, .change = ch_free },
	{ .name = "mremap", .len = SMALL, .setup = setup_mremap,
	  .change = ch_mremap },
	{ .name = "move-pages", .len = SMALL, .setup = setup_move,
	  .change = ch_move },
	{ .name = "cow", .len = SMALL, .one_page_requests = true,
	  .setup = race_cow_setup, .change = race_cow_change,
	  .done = race_cow_done },
	{ .name = "thp-split", .len = RACE_HUGE, .setup = setup_split,
	  .change = ch_split },
	{ .name = "thp-collapse", .len = RACE_HUGE, .setup = setup_collapse,
	  .change = ch_collapse },
	{ .name = "ksm", .len = SMALL, .read_only = true,
	  .setup = race_ksm_setup, .change = race_ksm_change },
	{ .name = "hugetlb", .len = RACE_HUGE, .setup = setup_hugetlb,
	  .change = ch_munmap },
	{ .name = "zap", .len = 4096, .setup = setup_zap, .change = ch_zap },
	{ .name = "exit", .len = SMALL, .no_window = true,
	  .setup = race_exit_setup,
	  .submit = race_exit_submit, .change = race_exit_change,
	  .done = race_exit_done },
	{ NULL }
};
