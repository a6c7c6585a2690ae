// SPDX-License-Identifier: MIT
/*
 * Scenario: zap_vma_ptes() on a mapping the driver provides. The driver
 * takes its page away and maps another one at the next fault.
 */
#include <string.h>
#include <sys/mman.h>

#include "dmatest.h"

static int zap(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale");
	uint8_t *p = svmedu_map_zap(&c->dev);

	EXPECT(p, "mmap of /dev/svm-edu0");
	memset(p, 0, 4096);
	if (shadow_mode) {
		int st = dma_fill(c, p, pat(0x11), 4096);

		/* The device must fail cleanly, not reach the page. */
		munmap(p, 4096);
		EXPECT(st == SVM_EDU_CS_PAGE_FAULT, "FILL of a VM_PFNMAP page: %s",
		       svmedu_status_name(st));
		diag("shadow mode: hmm_range_fault() does not map VM_PFNMAP "
		     "(what zap_vma_ptes() needs): the FILL faults");
		return SKIP;
	}
	EXPECT(dma_fill(c, p, pat(0x11), 4096) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, 4096, 0x11), "FILL of the driver's page");
	EXPECT(svmedu_zap(&c->dev, p) == 0, "ZAP");
	memset(p, 0, 4096);	/* faults the driver's other page in */
	EXPECT(dma_fill(c, p, pat(0x22), 4096) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, 4096, 0x22), "FILL reaches the new page");
	munmap(p, 4096);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_zap[] = {
	{ "zap-vma-ptes", "zap_vma_ptes() of a driver-provided mapping", "skip_flush", zap, NULL },
	{ NULL }
};
