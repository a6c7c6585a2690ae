// SPDX-License-Identifier: MIT
/*
 * Scenarios: transparent huge pages (one IOTLB entry for 2 MiB, split by an
 * mprotect of one page, collapse by MADV_COLLAPSE) and hugetlbfs pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "dmatest.h"

#define HUGE		(2UL << 20)
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

/* A 2 MiB aligned, 2 MiB long private anonymous region (not touched). */
static uint8_t *map_aligned(void **base)
{
	uint8_t *p = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	return (uint8_t *)(((uintptr_t)p + HUGE - 1) & ~(HUGE - 1));
}

static int cached_shift(struct ctx *c, void *va)
{
	struct svmedu_probe pr;

	if (svmedu_probe(&c->dev, c->dev.pasid, va, &pr) || !pr.hit)
		return 0;
	return pr.page_shift;
}

static int thp_split(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale"), walks = 0;
	void *base = NULL;
	uint8_t *p = NULL;
	int st, try;

	/*
	 * A THP needs 2 MiB of free contiguous memory, which an earlier
	 * scenario may have fragmented: compact and try again before saying
	 * there is none.
	 */
	for (try = 0; try < 3; try++) {
		if (try)
			compact_memory();
		p = map_aligned(&base);
		EXPECT(p, "mmap");
		madvise(p, HUGE, MADV_HUGEPAGE);
		memset(p, 0, HUGE);
		walks = hw(c, "walks");
		EXPECT(dma_fill(c, p, pat(0x11), HUGE) == SVM_EDU_CS_SUCCESS,
		       "FILL 2 MiB");
		if (cached_shift(c, p) == 21)
			break;
		munmap(base, 2 * HUGE);
	}
	if (try == 3) {
		diag("no transparent huge page here, after compaction (/sys/kernel/mm/transparent_hugepage)");
		return SKIP;
	}
	/*
	 * One walk for the 2 MiB page, one for the completion record; in
	 * shadow mode each may first fault (the shadow fills on requests).
	 */
	EXPECT(hw(c, "walks") - walks <= (shadow_mode ? 4 : 2),
	       "%llu walks for one huge page",
	       (unsigned long long)(hw(c, "walks") - walks));
	EXPECT(mprotect(p + 4096, 4096, PROT_READ) == 0, "mprotect splits it");
	st = dma_fill(c, p + 4096, pat(0x22), 4096);
	EXPECT(st == SVM_EDU_CS_PERM_FAULT, "FILL of the read-only page: %s",
	       svmedu_status_name(st));
	EXPECT(all_bytes(p + 4096, 4096, 0x11), "read-only page unchanged");
	EXPECT(dma_fill(c, p, pat(0x33), 4096) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, 4096, 0x33), "FILL of a writable neighbour");
	munmap(base, 2 * HUGE);
	return stale_verdict(c, stale, negative);
}

static int thp_collapse(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale");
	int try;
	void *base;
	uint8_t *p = map_aligned(&base);

	EXPECT(p, "mmap");
	madvise(p, HUGE, MADV_NOHUGEPAGE);
	memset(p, 0x44, HUGE);
	EXPECT(dma_fill(c, p, pat(0x11), 16 * 4096) == SVM_EDU_CS_SUCCESS, "FILL small pages");
	EXPECT(cached_shift(c, p) == 12, "4 KiB entries first");
	madvise(p, HUGE, MADV_HUGEPAGE);
	/* It needs a free 2 MiB block: compact and try again. */
	for (try = 0; try < 3; try++) {
		if (!madvise(p, HUGE, MADV_COLLAPSE))
			break;
		compact_memory();
	}
	if (try == 3) {
		diag("MADV_COLLAPSE: %s, after compaction", strerror(errno));
		munmap(base, 2 * HUGE);
		return SKIP;
	}
	EXPECT(all_bytes(p, 16 * 4096, 0x11) && all_bytes(p + 16 * 4096, HUGE - 16 * 4096, 0x44),
	       "data survived the collapse");
	EXPECT(dma_fill(c, p, pat(0x22), 16 * 4096) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, 16 * 4096, 0x22), "FILL after the collapse");
	EXPECT(cached_shift(c, p) == 21, "now one 2 MiB entry");
	munmap(base, 2 * HUGE);
	return stale_verdict(c, stale, negative);
}

static int hugetlb(struct ctx *c, bool negative)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;
	uint64_t stale = hw(c, "stale");
	uint8_t *p, *spacer;

	p = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, flags, -1, 0);
	spacer = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED || spacer == MAP_FAILED) {
		diag("no 2 MiB hugetlb pages (vm.nr_hugepages)");
		return SKIP;
	}
	memset(p, 0, HUGE);
	EXPECT(dma_fill(c, p, pat(0x11), HUGE) == SVM_EDU_CS_SUCCESS, "FILL");
	EXPECT(cached_shift(c, p) == 21, "one 2 MiB entry");
	EXPECT(munmap(p, HUGE) == 0, "munmap");
	memset(spacer, 1, HUGE);
	EXPECT(mmap(p, HUGE, PROT_READ | PROT_WRITE, flags | MAP_FIXED, -1, 0) == p,
	       "map a new huge page there");
	memset(p, 0, HUGE);
	EXPECT(dma_fill(c, p, pat(0x22), HUGE) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, HUGE, 0x22), "FILL into the new huge page");
	munmap(p, HUGE);
	munmap(spacer, HUGE);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_huge[] = {
	{ "thp-split", "THP: one IOTLB entry, split by mprotect of one page", "skip_flush", thp_split, NULL },
	{ "thp-collapse", "THP: MADV_COLLAPSE of 4 KiB pages into one", "skip_flush", thp_collapse, NULL },
	{ "hugetlb", "hugetlbfs 2 MiB page: munmap and a new one", "skip_flush", hugetlb, NULL },
	{ NULL }
};
