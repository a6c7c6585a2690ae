// SPDX-License-Identifier: MIT
/*
 * lc-iq-overflow (issue 13, finding 7): a flushing callback for a range
 * that needs more page commands than the invalidation queue holds must
 * not lose any: the translations of the range are gone when munmap
 * returns, nothing is fenced, no WAIT times out.
 *
 * Page commands cover aligned blocks of at most 2^SVM_EDU_INV_ORDER_MAX
 * pages, so a range of nearly the whole 5-level user address space (2^56
 * bytes) needs 256 of them and more, while the queue has 256 entries.
 * 66b4d52 reserved "two commands per address bit" and queued them all: the
 * tail lapped the head. The driver now counts the commands exactly and
 * flushes the whole PASID above SVM_EDU_IQ_ENTRIES / 2.
 *
 * How: whole_pasid_pages=0 (no size threshold), one MAP_NORESERVE mapping
 * of nearly all of the address space above 2^48 with a page touched at
 * each end, both in the device's IOTLB, then munmap of the mapping.
 * The kernel reports the range it unmapped to the secondary-TLB callback on
 * 6.1; kernels since 6.6 report any flush of more than 33 pages as the
 * whole address space, which the driver flushes as a whole PASID anyway:
 * there the scenario checks the same outcome through another path. Needs
 * 5-level paging (a CPU with LA57: TCG's "max" has it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGE		4096UL
#define LOW		(1ULL << 48)
#define HIGH		((1ULL << 56) - (1ULL << 40))	/* below TASK_SIZE */
#define PARAM		"/sys/module/svm_edu/parameters/whole_pasid_pages"

/* The device caches @p: a DMA read of it, then the probe. */
static int cache_page(struct ctx *c, uint8_t *p, uint8_t *buf)
{
	struct svmedu_probe pr;
	int st = dma_copy(c, buf, p, PAGE);

	EXPECT(st == SVM_EDU_CS_SUCCESS, "COPY from %p: %s", (void *)p,
	       svmedu_status_name(st));
	EXPECT(!svmedu_probe(&c->dev, c->dev.pasid, p, &pr) && pr.hit,
	       "the device does not cache %p", (void *)p);
	return PASS;
}

static int overflow_run(struct ctx *c)
{
	uint64_t stale = hw(c, "stale"), fences = drv(c, "fences");
	uint64_t tmo = drv(c, "wait_timeouts"), cmds = drv(c, "inv_commands");
	uint64_t whole = drv(c, "whole_pasid_flushes");
	size_t len = HIGH - LOW;
	uint8_t *r, *lo, *hi, *buf = map_pages(1);
	struct svmedu_probe pr;
	int st;

	EXPECT(buf, "mmap");
	/* One VMA: the kernel flushes each VMA's range on its own. */
	r = mmap((void *)LOW, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (r == MAP_FAILED) {
		diag("no reservation at 2^48 (%s): no 5-level paging", strerror(errno));
		return SKIP;
	}
	lo = r + PAGE;			/* unaligned: many blocks at each end */
	hi = r + len - 2 * PAGE;
	memset(lo, 0x31, PAGE);
	memset(hi, 0x32, PAGE);
	if (cache_page(c, lo, buf) != PASS || cache_page(c, hi, buf) != PASS)
		return FAIL;
	EXPECT(!munmap(r, len), "munmap");
	cmds = drv(c, "inv_commands") - cmds;
	whole = drv(c, "whole_pasid_flushes") - whole;
	diag("munmap of %#zx bytes from %p: %llu invalidation commands, %llu whole-PASID flushes",
	     len, (void *)r, (unsigned long long)cmds, (unsigned long long)whole);
	EXPECT(drv(c, "fences") == fences, "the device was fenced");
	EXPECT(drv(c, "wait_timeouts") == tmo, "a WAIT timed out");
	EXPECT(!svmedu_probe(&c->dev, c->dev.pasid, lo, &pr) && !pr.hit,
	       "the low page is still cached after munmap");
	EXPECT(!svmedu_probe(&c->dev, c->dev.pasid, hi, &pr) && !pr.hit,
	       "the high page is still cached after munmap");
	st = dma_copy(c, buf, hi, PAGE);
	EXPECT(st == SVM_EDU_CS_PAGE_FAULT, "COPY from the unmapped page: %s",
	       svmedu_status_name(st));
	EXPECT(device_works(c), "the device works afterwards");
	EXPECT(hw(c, "stale") == stale, "%llu stale accesses",
	       (unsigned long long)(hw(c, "stale") - stale));
	munmap(buf, PAGE);
	return PASS;
}

static int iq_overflow(struct ctx *c, bool negative)
{
	unsigned int old = module_param_uint("whole_pasid_pages", 64);
	char text[16];
	int r;

	(void)negative;
	EXPECT(!svmedu_write_file(PARAM, "0"), "whole_pasid_pages (root?)");
	r = overflow_run(c);
	snprintf(text, sizeof(text), "%u", old);
	svmedu_write_file(PARAM, text);
	return r;
}

const struct scenario scen_lc_iq[] = {
	{ .name = "lc-iq-overflow",
	  .path = "munmap of nearly the whole 5-level address space, no size threshold",
	  .run = iq_overflow },
	{ NULL }
};
