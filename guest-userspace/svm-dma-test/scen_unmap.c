// SPDX-License-Identifier: MIT
/*
 * Scenarios: munmap and a new mapping at the same address.
 *
 * The device caches translations of a buffer; munmap makes the kernel
 * invalidate them; a MAP_FIXED mapping puts new frames at the same
 * addresses. DMA into it must reach the new frames: a translation that
 * survived the munmap is stale and the device's checker says so.
 */
#include <string.h>
#include <sys/mman.h>

#include "dmatest.h"

static int remap_cycle(struct ctx *c, bool negative, size_t pages)
{
	size_t len = pages * 4096, i;
	uint8_t *p = map_pages(pages), *q, *spacer;
	uint64_t stale, calls, bells, whole;
	struct svmedu_probe pr;
	int st;

	EXPECT(p, "mmap");
	st = dma_fill(c, p, 0x1111111111111111ull, len);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "first FILL: %s", svmedu_status_name(st));
	EXPECT(!svmedu_probe(&c->dev, c->dev.pasid, p + len - 1, &pr) && pr.hit,
	       "the device caches the buffer's last page");

	spacer = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(spacer != MAP_FAILED, "mmap");
	stale = hw(c, "stale");
	calls = drv(c, "flush_calls");
	bells = drv(c, "doorbells");
	whole = drv(c, "whole_pasid_flushes");
	munmap(p, len);
	if (!negative) {
		for (i = 0; i < pages; i++) {
			EXPECT(!svmedu_probe(&c->dev, c->dev.pasid, p + i * 4096, &pr) &&
			       !pr.hit, "page %zu still cached after munmap", i);
		}
		EXPECT(drv(c, "flush_calls") > calls, "no flush for munmap");
		EXPECT(drv(c, "doorbells") - bells == drv(c, "flush_calls") - calls,
		       "%llu doorbells for %llu flushing callbacks",
		       (unsigned long long)(drv(c, "doorbells") - bells),
		       (unsigned long long)(drv(c, "flush_calls") - calls));
		EXPECT(drv(c, "whole_pasid_flushes") == whole,
		       "a %zu-page munmap flushed the whole PASID", pages);
	}

	/*
	 * The page allocator hands freed frames straight back: without this
	 * the new mapping would get the old frames, and a surviving stale
	 * translation would still point at the right memory. The spacer was
	 * mapped before the munmap, so it does not land at the old address.
	 */
	memset(spacer, 1, len);
	q = mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT(q == (void *)p, "MAP_FIXED at the old address");
	memset(q, 0, len);
	st = dma_fill(c, q, 0x2222222222222222ull, len);
	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL after remap: %s",
	       svmedu_status_name(st));
	for (i = 0; i < len; i++)
		EXPECT(q[i] == 0x22, "byte %zu of the new mapping is %#x", i, q[i]);
	munmap(q, len);
	munmap(spacer, len);
	return stale_verdict(c, stale, negative);
}

/* munmap + MAP_FIXED; negative control: the flush is skipped. */
static int munmap_remap(struct ctx *c, bool negative)
{
	return remap_cycle(c, negative, 4);
}

/* The same with a flush one page short: the last page's entry survives. */
static int munmap_short(struct ctx *c, bool negative)
{
	return remap_cycle(c, negative, 8);
}

/* The same with the flush sent to the wrong PASID. */
static int munmap_pasid(struct ctx *c, bool negative)
{
	return remap_cycle(c, negative, 2);
}

/*
 * Ranges at or above the threshold become one whole-PASID command. The
 * "below" case stays under 33 pages: from Linux 6.6, x86 reports a flush of
 * more pages than tlb_single_page_flush_ceiling (33) as [0, ULONG_MAX),
 * which the driver must (and does) treat as a whole-PASID flush too.
 */
/* DMA into @n pages at @p: the device caches their translations. */
static int cache_pages(struct ctx *c, uint8_t *p, size_t n)
{
	int st = dma_fill(c, p, pat(0x2c), n * 4096);

	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL: %s", svmedu_status_name(st));
	return PASS;
}

/* None of @n pages at @p (unmapped now) is still in the IOTLB. */
static int none_cached(struct ctx *c, uint8_t *p, size_t n, const char *how)
{
	struct svmedu_probe pr;
	size_t i;

	for (i = 0; i < n; i++)
		EXPECT(!svmedu_probe(&c->dev, c->dev.pasid, p + i * 4096, &pr) &&
		       !pr.hit, "page %zu of %zu still cached after a %s flush",
		       i, n, how);
	return PASS;
}

static int whole_pasid(struct ctx *c, bool negative)
{
	unsigned int t = module_param_uint("whole_pasid_pages", 0), below;
	uint64_t whole, pages;
	uint8_t *p;

	(void)negative;
	if (t < 2) {
		diag("whole_pasid_pages is %u: nothing to switch", t);
		return SKIP;
	}
	below = t - 1 < 16 ? t - 1 : 16;
	/*
	 * Unmap from the middle of a bigger mapping: no page table is freed,
	 * so the kernel does not widen the flush to the table's range.
	 */
	p = map_pages(3 * below);
	EXPECT(p, "mmap");
	if (cache_pages(c, p + (size_t)below * 4096, below) != PASS)
		return FAIL;
	whole = drv(c, "whole_pasid_flushes");
	pages = drv(c, "inv_pages");
	munmap(p + (size_t)below * 4096, (size_t)below * 4096);
	EXPECT(drv(c, "whole_pasid_flushes") == whole,
	       "%u pages (below the threshold) flushed as a whole PASID", below);
	EXPECT(drv(c, "inv_pages") - pages >= below, "range flush covers %u pages",
	       below);
	if (none_cached(c, p + (size_t)below * 4096, below, "range") != PASS)
		return FAIL;
	munmap(p, (size_t)3 * below * 4096);
	/*
	 * At the threshold: a whole-PASID flush (on 6.6+ the kernel itself
	 * reports more than 33 pages as the whole address space). Every
	 * page must be gone from the IOTLB, whatever way it was flushed.
	 */
	p = map_pages(3 * t);
	EXPECT(p, "mmap");
	if (cache_pages(c, p + (size_t)t * 4096, t) != PASS)
		return FAIL;
	whole = drv(c, "whole_pasid_flushes");
	munmap(p + (size_t)t * 4096, (size_t)t * 4096);
	EXPECT(drv(c, "whole_pasid_flushes") > whole,
	       "%u pages (the threshold) not flushed as a whole PASID", t);
	if (none_cached(c, p + (size_t)t * 4096, t, "whole-PASID") != PASS)
		return FAIL;
	munmap(p, (size_t)3 * t * 4096);
	return PASS;
}

/*
 * What a missing flush does on real hardware: with the checker's use-stale
 * policy the device uses the surviving translation, so the DMA meant for
 * the new mapping lands in the old frames, which the spacer (our own
 * memory) got from the page allocator. The negative control shows both
 * the stale accesses and the wrong data.
 */
static int use_stale_demo_once(struct ctx *c, bool negative)
{
	size_t len = 4 * 4096;
	uint8_t *p = map_pages(4), *spacer, *q;
	uint64_t stale;
	int st;

	EXPECT(p, "mmap");
	spacer = spacer_map(len);
	EXPECT(spacer, "mmap");
	if (negative)
		svmedu_set_policy(&c->dev, "use-stale");
	EXPECT(dma_fill(c, p, pat(0x11), len) == SVM_EDU_CS_SUCCESS, "first FILL");
	stale = hw(c, "stale");
	munmap(p, len);
	spacer_take(spacer, len);	/* gets p's old frames */
	q = mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT(q == p, "MAP_FIXED");
	memset(q, 0, len);
	st = dma_fill(c, q, pat(0x99), len);
	svmedu_set_policy(&c->dev, "report");
	EXPECT(st == SVM_EDU_CS_SUCCESS, "FILL: %s", svmedu_status_name(st));
	if (negative) {
		size_t in_spacer = 0, i;

		for (i = 0; i < len; i++)
			in_spacer += spacer[i] == 0x99;
		EXPECT(!all_bytes(q, len, 0x99) || in_spacer,
		       "use-stale: the wrong data should show");
		diag("use-stale: the new mapping got %s; %zu bytes of the DMA landed "
		     "in other memory (the spacer)",
		     all_bytes(q, len, 0) ? "nothing" : "part of it", in_spacer);
	} else {
		EXPECT(all_bytes(q, len, 0x99), "FILL reached the new mapping");
	}
	munmap(q, len);
	munmap(spacer, len);
	return stale_verdict(c, stale, negative);
}

/*
 * The demo needs the first FILL's frames to go to the spacer, not back to
 * the new mapping: a frame that returns to the same virtual page makes the
 * surviving entry right again (not stale; the data lands where it should).
 * On 7.2 that happens to some of the four pages in about a quarter of the
 * runs, and to all four once in a fresh make test (22ad9c7), even with the
 * sequence kept on one CPU. So the negative control tries again, up to five
 * times, when no stale use happened at all; the positive run never needs to.
 */
static int use_stale_demo(struct ctx *c, bool negative)
{
	int i, r = FAIL;

	for (i = 0; i < (negative ? 5 : 1) && r != PASS; i++) {
		if (i)
			diag("use-stale: no stale use, attempt %d", i + 1);
		r = use_stale_demo_once(c, negative);
	}
	return r;
}

const struct scenario scen_unmap[] = {
	{ "munmap-remap", "munmap, then MAP_FIXED at the same address", "skip_flush", munmap_remap, NULL },
	{ "munmap-short", "munmap of 8 pages, every page flushed", "short_flush", munmap_short, NULL },
	{ "munmap-pasid", "munmap flushes the right PASID", "wrong_pasid", munmap_pasid, NULL },
	{ "whole-pasid", "range flush below the threshold, whole PASID at it", NULL, whole_pasid, NULL },
	{ "use-stale-demo", "a missed flush under the use-stale policy: wrong data", "skip_flush", use_stale_demo, NULL },
	{ NULL }
};
