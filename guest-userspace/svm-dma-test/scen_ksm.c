// SPDX-License-Identifier: MIT
/*
 * Scenario: KSM merges identical pages (write-protect, then replace the PTE
 * with the shared page), and a write unmerges them (COW).
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGES	16
#define LEN	(PAGES * 4096)

static int ksm(struct ctx *c, bool negative)
{
	uint8_t *p = map_pages(PAGES);
	uint64_t stale = hw(c, "stale");
	uint8_t content = 0x11 + negative;	/* not merged with last run's */
	int i, st;

	if (ksm_write("run", "1")) {
		diag("no KSM in this kernel");
		return SKIP;
	}
	ksm_write("pages_to_scan", "1000");
	ksm_write("sleep_millisecs", "10");
	EXPECT(p, "mmap");
	EXPECT(dma_fill(c, p, pat(content), LEN) == SVM_EDU_CS_SUCCESS,
	       "FILL: identical pages");
	EXPECT(madvise(p, LEN, MADV_MERGEABLE) == 0, "MADV_MERGEABLE");
	for (i = 0; i < 400 && ksm_pages(p, PAGES) < PAGES; i++)
		usleep(50000);
	if (ksm_pages(p, PAGES) < 0) {
		diag("cannot read /proc/self/pagemap or /proc/kpageflags");
		return SKIP;
	}
	EXPECT(ksm_pages(p, PAGES) == PAGES, "KSM merged %d of %d pages in 20 s",
	       ksm_pages(p, PAGES), PAGES);
	st = dma_fill(c, p, pat(0x22), LEN);
	if (shadow_mode) {
		/* Shadow descriptors block on faults: the requests unmerge. */
		EXPECT(st == SVM_EDU_CS_SUCCESS && all_bytes(p, LEN, 0x22),
		       "FILL of merged pages, unmerged by its page requests: %s",
		       svmedu_status_name(st));
	} else {
		EXPECT(st == SVM_EDU_CS_PERM_FAULT, "FILL of merged pages: %s",
		       svmedu_status_name(st));
		EXPECT(all_bytes(p, LEN, content), "merged pages unchanged");
	}
	memset(p, 0x33, LEN);	/* unmerge: a COW fault per page */
	EXPECT(dma_fill(c, p, pat(0x44), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x44), "FILL after the unmerge");
	madvise(p, LEN, MADV_UNMERGEABLE);
	munmap(p, LEN);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_ksm[] = {
	{ "ksm", "KSM merge (DMA write faults), write unmerges", "skip_flush", ksm, NULL },
	{ NULL }
};
