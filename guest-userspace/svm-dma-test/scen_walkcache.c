// SPDX-License-Identifier: MIT
/*
 * Scenarios: the kernel frees or replaces page-table pages under a binding
 * while the device's walk cache holds the upper-level entries that point
 * to them (CAP.WALK_CACHE; CVE-2025-71202's class of bug).
 *
 * Each one DMAs through 4 KiB pages of a 2 MiB (or 1 GiB) aligned region,
 * so that the device caches the PDE (and PDPTE) of the region, then makes
 * the kernel free or move the page table behind it, and DMAs again. The
 * invalidation of the range (or of the PASID) must drop those entries: a
 * walk that starts from one is a stale walk use (hw_counters/
 * walk_cache_stale). The negative control is the device property
 * x-walk-cache-keep-on-range (PAGE commands leave the walk cache alone),
 * run with --device-negative in a guest booted with it; wc-exit's, whose
 * flush is the PASID's, is the knob keep_iotlb (no PASID command when the
 * PASID is blocked or bound again).
 *
 * The flushes must stay ranges for the range semantics to be what is
 * tested: the driver flushes whole_pasid_pages pages or more as the whole
 * PASID (which drops everything), and x86 6.6+ kernels tell the driver
 * about a TLB flush of more than tlb_single_page_flush_ceiling (33) pages
 * as one of the whole address space. The scenarios set the first to 0 and
 * the second (debugfs x86/) to 4096 while they run; the munmap scenarios
 * also touch only a few pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmatest.h"

#define PMD_SIZE	(2UL << 20)
#define PUD_SIZE	(1UL << 30)
#define TOUCHED		8		/* pages used in a region */
#define SPACER_PAGES	256
#define TABLE_SPACERS	16		/* 2 MiB regions, one page each */
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static const char whole_param[] = "/sys/module/svm_edu/parameters/whole_pasid_pages";
static const char ceiling[] = "/sys/kernel/debug/x86/tlb_single_page_flush_ceiling";

struct ranges {
	unsigned int whole;
	long ceiling;		/* -1: no such file */
};

/* CAP.WALK_CACHE of svm-edu0, from sysfs; false when unknown. */
static bool walk_cache_present(void)
{
	char addr[64], path[160];
	unsigned long long caps = 0;
	FILE *f;

	if (pci_addr(addr, sizeof(addr)))
		return false;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/caps", addr);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%llx", &caps) != 1)
		caps = 0;
	fclose(f);
	return caps & SVM_EDU_CAP_WALK_CACHE;
}

/*
 * whole_pasid_pages 0 and the TLB flush ceiling 4096 pages: every flush of
 * up to 16 MiB reaches the device as a range. Returns the old values.
 */
static struct ranges ranges_only(void)
{
	struct ranges old = {
		.whole = module_param_uint("whole_pasid_pages", 64),
		.ceiling = -1,
	};
	FILE *f = fopen(ceiling, "r");

	if (f) {
		if (fscanf(f, "%ld", &old.ceiling) != 1)
			old.ceiling = -1;
		fclose(f);
	}
	if (svmedu_write_file(whole_param, "0"))
		diag("cannot set whole_pasid_pages to 0");
	if (old.ceiling >= 0 && svmedu_write_file(ceiling, "4096"))
		diag("cannot set %s", ceiling);
	return old;
}

static void ranges_restore(struct ranges old)
{
	char v[24];

	snprintf(v, sizeof(v), "%u", old.whole);
	svmedu_write_file(whole_param, v);
	if (old.ceiling >= 0) {
		snprintf(v, sizeof(v), "%ld", old.ceiling);
		svmedu_write_file(ceiling, v);
	}
}

/*
 * A private anonymous mapping of @size bytes aligned to @size, nothing
 * else in its @size-aligned region (so that munmap frees its page tables),
 * 4 KiB pages only.
 */
static uint8_t *map_region(size_t size)
{
	uint8_t *r = mmap(NULL, 2 * size, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *a;

	if (r == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)r + size - 1) & ~(uintptr_t)(size - 1));
	if (a > r)
		munmap(r, a - r);
	munmap(a + size, r + 2 * size - (a + size));
	if (mmap(a, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0) != a) {
		munmap(a, size);
		return NULL;
	}
	madvise(a, size, MADV_NOHUGEPAGE);
	return a;
}

struct wc_mark {
	uint64_t stale, walk_stale, whole;
};

static struct wc_mark mark(struct ctx *c)
{
	return (struct wc_mark){
		.stale = hw(c, "stale"),
		.walk_stale = hw(c, "walk_cache_stale"),
		.whole = drv(c, "whole_pasid_flushes"),
	};
}

/*
 * DMA into @pages 4 KiB pages from @p (touched first); the walks after the
 * first must have started from the walk cache.
 */
static int fill_cached(struct ctx *c, uint8_t *p, size_t pages, uint8_t byte)
{
	uint64_t hits = hw(c, "walk_cache_hits");
	int st;

	memset(p, 0, pages * 4096);
	st = dma_fill(c, p, pat(byte), pages * 4096);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL: %s", svmedu_status_name(st));
	EXPECT(all_bytes(p, pages * 4096, byte), "the FILL's data arrived");
	EXPECT(hw(c, "walk_cache_hits") > hits,
	       "the device's walks of the region used no walk-cache entry");
	return PASS;
}

/*
 * Positive: nothing stale at all. Negative: stale walk uses (the leaf
 * invalidations still work, so they are the walk cache's).
 */
static int wc_verdict(struct ctx *c, struct wc_mark m, bool negative)
{
	uint64_t ws = hw(c, "walk_cache_stale") - m.walk_stale;
	uint64_t n = hw(c, "stale") - m.stale;

	diag("%llu stale walk uses, %llu stale accesses in all; %llu whole-PASID flushes",
	     (unsigned long long)ws, (unsigned long long)n,
	     (unsigned long long)(drv(c, "whole_pasid_flushes") - m.whole));
	if (negative)
		EXPECT(ws > 0, "negative control: no stale walk use reported");
	else
		EXPECT(n == 0 && ws == 0, "%llu stale walk uses, %llu stale accesses",
		       (unsigned long long)ws, (unsigned long long)n);
	return PASS;
}

/*
 * munmap of a whole @size-aligned region: free_pgtables frees its PTE table
 * (and for 1 GiB its PMD table). DMA into the hole must fault without a
 * walk through the freed tables; a new mapping there must get the DMA.
 */
static int munmap_region(struct ctx *c, bool negative, size_t size)
{
	struct ranges old;
	struct wc_mark m;
	uint8_t *p, *q, *spacer, *tables;
	int st, r = FAIL, i;

	if (!walk_cache_present()) {
		diag("the device has no walk cache (walk-cache-entries=0)");
		return SKIP;
	}
	old = ranges_only();
	p = map_region(size);
	spacer = spacer_map(SPACER_PAGES * 4096);
	tables = spacer_map(TABLE_SPACERS * PMD_SIZE);
	if (!p || !spacer || !tables) {
		diag("mmap of an aligned %zu MiB region", size >> 20);
		goto out;
	}
	madvise(tables, TABLE_SPACERS * PMD_SIZE, MADV_NOHUGEPAGE);
	if (fill_cached(c, p, TOUCHED, 0x11) != PASS)
		goto out;
	m = mark(c);
	if (munmap(p, size)) {
		diag("munmap: %s", strerror(errno));
		goto out;
	}
	/*
	 * The freed tables' pages go to someone else (after the RCU grace
	 * period that frees them): data pages and page tables of other
	 * regions. Otherwise the new mapping's tables could be the very same
	 * pages, and a walk through a kept entry would translate correctly.
	 */
	usleep(100000);
	spacer_take(spacer, SPACER_PAGES * 4096);
	for (i = 0; i < TABLE_SPACERS; i++)
		tables[i * PMD_SIZE] = 1;
	st = dma_fill(c, p + 2 * 4096, pat(0x22), 4096);
	if (st != SVM_EDU_CS_PAGE_FAULT) {
		diag("FILL of the unmapped region: %s, not a page fault",
		     svmedu_status_name(st));
		goto out;
	}
	q = mmap(p, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	if (q != p) {
		diag("MAP_FIXED at the old address");
		goto out;
	}
	madvise(q, size, MADV_NOHUGEPAGE);
	memset(q, 0, TOUCHED * 4096);
	st = dma_fill(c, q + 4096, pat(0x33), (TOUCHED - 1) * 4096);
	if (st != SVM_EDU_CS_SUCCESS || !all_bytes(q + 4096, (TOUCHED - 1) * 4096, 0x33)) {
		diag("FILL of the new mapping: %s", svmedu_status_name(st));
		goto out;
	}
	r = wc_verdict(c, m, negative);
out:
	if (p)
		munmap(p, size);
	if (spacer)
		munmap(spacer, SPACER_PAGES * 4096);
	if (tables)
		munmap(tables, TABLE_SPACERS * PMD_SIZE);
	ranges_restore(old);
	return r;
}

static int munmap_pmd(struct ctx *c, bool negative)
{
	return munmap_region(c, negative, PMD_SIZE);
}

static int munmap_pud(struct ctx *c, bool negative)
{
	return munmap_region(c, negative, PUD_SIZE);
}

/*
 * MADV_COLLAPSE of 4 KiB pages into a THP: the PDE that pointed to the PTE
 * table becomes a 2 MiB leaf (the table is retracted). The next walk must
 * find the huge page, not the old table.
 */
static int collapse(struct ctx *c, bool negative)
{
	struct svmedu_probe pr;
	struct ranges old;
	struct wc_mark m;
	uint8_t *p;
	int st, try, r = FAIL;

	if (!walk_cache_present()) {
		diag("the device has no walk cache (walk-cache-entries=0)");
		return SKIP;
	}
	old = ranges_only();
	p = map_region(PMD_SIZE);
	if (!p) {
		diag("mmap");
		goto out;
	}
	memset(p, 0x44, PMD_SIZE);
	if (fill_cached(c, p, 16, 0x11) != PASS)
		goto out;
	m = mark(c);
	madvise(p, PMD_SIZE, MADV_HUGEPAGE);
	for (try = 0; try < 3; try++) {
		if (!madvise(p, PMD_SIZE, MADV_COLLAPSE))
			break;
		compact_memory();
	}
	if (try == 3) {
		diag("MADV_COLLAPSE: %s, after compaction", strerror(errno));
		r = SKIP;
		goto out;
	}
	/* pages the IOTLB never had: their walks start from the walk cache */
	st = dma_fill(c, p + 100 * 4096, pat(0x22), 8 * 4096);
	if (st != SVM_EDU_CS_SUCCESS || !all_bytes(p + 100 * 4096, 8 * 4096, 0x22) ||
	    !all_bytes(p, 16 * 4096, 0x11) || !all_bytes(p + 108 * 4096, 4096, 0x44)) {
		diag("FILL after the collapse: %s, or the data is wrong",
		     svmedu_status_name(st));
		goto out;
	}
	if (svmedu_probe(&c->dev, c->dev.pasid, p + 100 * 4096, &pr) || !pr.hit ||
	    pr.page_shift != 21) {
		diag("the device does not cache one 2 MiB page after the collapse");
		goto out;
	}
	r = wc_verdict(c, m, negative);
out:
	if (p)
		munmap(p, PMD_SIZE);
	ranges_restore(old);
	return r;
}

/*
 * mremap of a 2 MiB aligned region of 4 KiB pages to another 2 MiB aligned
 * address: the kernel moves the whole page table (move_normal_pmd). The
 * old address must fault; the new one has the data.
 */
static int mremap_move(struct ctx *c, bool negative)
{
	struct ranges old;
	struct wc_mark m;
	uint8_t *p, *q = NULL, *moved;
	int st, r = FAIL;

	if (!walk_cache_present()) {
		diag("the device has no walk cache (walk-cache-entries=0)");
		return SKIP;
	}
	old = ranges_only();
	p = map_region(PMD_SIZE);
	q = map_region(PMD_SIZE);
	if (!p || !q) {
		diag("mmap");
		goto out;
	}
	if (fill_cached(c, p, TOUCHED, 0x11) != PASS)
		goto out;
	m = mark(c);
	moved = mremap(p, PMD_SIZE, PMD_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, q);
	if (moved != q) {
		diag("mremap: %s", strerror(errno));
		goto out;
	}
	st = dma_fill(c, p + 2 * 4096, pat(0x22), 4096);
	if (st != SVM_EDU_CS_PAGE_FAULT) {
		diag("FILL of the old address: %s, not a page fault",
		     svmedu_status_name(st));
		goto out;
	}
	p = NULL;
	st = dma_fill(c, q + 2 * 4096, pat(0x33), 4096);
	if (st != SVM_EDU_CS_SUCCESS || !all_bytes(q + 2 * 4096, 4096, 0x33) ||
	    !all_bytes(q, 2 * 4096, 0x11)) {
		diag("FILL of the new address: %s, or the data did not move",
		     svmedu_status_name(st));
		goto out;
	}
	r = wc_verdict(c, m, negative);
out:
	if (p)
		munmap(p, PMD_SIZE);
	if (q)
		munmap(q, PMD_SIZE);
	ranges_restore(old);
	return r;
}

/* What a child of exit_reuse() saw. */
struct wc_child {
	uint32_t pasid;		/* 0: bind or DMA failed */
	uint32_t status;
};

/*
 * A child binds, maps the 2 MiB region at @at, DMAs into it (the device
 * caches the region's upper-level entries for the child's PASID) and
 * exits: exit_mmap frees its page tables after .release.
 */
static void child_dma_exit(uint8_t *at, int out)
{
	struct svm_edu_completion *rec = record(7);
	struct wc_child r = { 0 };
	struct svmedu d;
	int st = -1;

	if (mmap(at, PMD_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0) == at && !svmedu_open(&d, 0) && !svmedu_bind(&d)) {
		madvise(at, PMD_SIZE, MADV_NOHUGEPAGE);
		memset(at, 0, TOUCHED * 4096);
		memset(rec, 0, sizeof(*rec));
		r.pasid = d.pasid;
		st = svmedu_fill(&d, at, pat(0xaa), TOUCHED * 4096, rec,
				 SVM_EDU_UDESC_F_IRQ);
		if (!st)
			st = svmedu_wait(&d, rec, 20000);
	}
	r.status = st;
	if (st != SVM_EDU_CS_SUCCESS || !all_bytes(at, TOUCHED * 4096, 0xaa))
		r.pasid = 0;
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(0);
}

static struct wc_child run_wc_child(uint8_t *at)
{
	struct wc_child r = { 0 };
	int fd;
	pid_t pid = fork_reporting(&fd);

	if (pid == 0)
		child_dma_exit(at, fd);
	if (!reap_report(pid, fd, &r, sizeof(r)))
		r.pasid = 0;
	return r;
}

/*
 * Exit with the walk cache holding a PASID's entries: .release blocks the
 * PASID and flushes it, exit_mmap then frees the page tables. The next
 * process that binds the same PASID (the lowest free one) DMAs at the same
 * address through page tables of its own: its walks must not start from
 * the dead process's entries. Negative control (keep_iotlb): no PASID
 * command at release and bind, so the next owner's walks start from them.
 * Such a walk is only seen stale when it leads elsewhere than the new
 * owner's own: the page allocator often hands the dead process's freed
 * table pages straight to the next child's tables, and a cached entry
 * that points to the very table the new walk reads is no stale use. So
 * the negative control goes on through more reuses (up to
 * WC_EXIT_REUSES) until one is seen; the positive run stops at the first.
 */
#define WC_EXIT_CHILDREN	80
#define WC_EXIT_REUSES		12

static int exit_reuse(struct ctx *c, bool negative)
{
	uint8_t *at = map_region(PMD_SIZE);
	struct wc_child first, next = { 0 };
	uint32_t used[WC_EXIT_CHILDREN];
	int tries, i, reuses = 0;
	struct wc_mark m;

	if (!walk_cache_present()) {
		diag("the device has no walk cache (walk-cache-entries=0)");
		if (at)
			munmap(at, PMD_SIZE);
		return SKIP;
	}
	EXPECT(at, "mmap");
	/* the children map it themselves: here it stays unpopulated */
	munmap(at, PMD_SIZE);
	m = mark(c);
	first = run_wc_child(at);
	EXPECT(first.pasid, "the first child bound and did DMA (status %u)",
	       first.status);
	used[0] = first.pasid;
	for (tries = 1; tries < WC_EXIT_CHILDREN; tries++) {
		bool reused = false;

		if (reuses && (!negative || reuses >= WC_EXIT_REUSES ||
			       hw(c, "walk_cache_stale") > m.walk_stale))
			break;
		usleep(20000);
		next = run_wc_child(at);
		EXPECT(next.pasid, "child %d bound and did DMA (status %u)",
		       tries + 1, next.status);
		for (i = 0; i < tries; i++)
			reused |= used[i] == next.pasid;
		reuses += reused;
		used[tries] = next.pasid;
	}
	EXPECT(reuses, "no PASID came back in %d children", tries);
	diag("PASID %u reused %d times in %d children", next.pasid, reuses, tries);
	return wc_verdict(c, m, negative);
}

const struct scenario scen_walkcache[] = {
	{ "wc-munmap-pmd", "walk cache: munmap of a whole 2 MiB region frees its page table (free_pgtables)", NULL, munmap_pmd, "x-walk-cache-keep-on-range" },
	{ "wc-munmap-pud", "walk cache: munmap of a whole 1 GiB region frees its PTE and PMD tables", NULL, munmap_pud, "x-walk-cache-keep-on-range" },
	{ "wc-collapse", "walk cache: MADV_COLLAPSE retracts the page table under a cached PDE", NULL, collapse, "x-walk-cache-keep-on-range" },
	{ "wc-mremap", "walk cache: mremap moves a whole page table (move_normal_pmd)", NULL, mremap_move, "x-walk-cache-keep-on-range" },
	{ "wc-exit", "walk cache: exit frees the page tables; the PASID's next owner walks its own", "keep_iotlb", exit_reuse, NULL },
	{ NULL }
};
