// SPDX-License-Identifier: MIT
/*
 * Scenarios: mprotect, madvise (DONTNEED, FREE), mremap (move, grow) and a
 * partial munmap. Each first lets the device cache the buffer, then changes
 * the mapping with the syscall, then DMAs again.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "dmatest.h"

#define PAGES	4
#define LEN	(PAGES * 4096)

/* Read-only: a DMA write is a permission fault, not a write; then back. */
static int mprotect_ro(struct ctx *c, bool negative)
{
	uint8_t *p = map_pages(PAGES);
	uint64_t stale = hw(c, "stale");
	int st;

	EXPECT(p, "mmap");
	EXPECT(dma_fill(c, p, pat(0x11), LEN) == SVM_EDU_CS_SUCCESS, "first FILL");
	EXPECT(mprotect(p, LEN, PROT_READ) == 0, "mprotect");
	st = dma_fill(c, p, pat(0x22), LEN);
	EXPECT(st == SVM_EDU_CS_PERM_FAULT, "FILL of a read-only buffer: %s",
	       svmedu_status_name(st));
	EXPECT(record(0)->fault_addr == (uintptr_t)p && record(0)->bytes_completed == 0,
	       "fault at the first byte, nothing written");
	EXPECT(all_bytes(p, LEN, 0x11), "the read-only buffer is unchanged");
	EXPECT(mprotect(p, LEN, PROT_READ | PROT_WRITE) == 0, "mprotect");
	/* No flush on a permission upgrade: the device walks again itself. */
	st = dma_fill(c, p, pat(0x33), LEN);
	EXPECT(st == SVM_EDU_CS_SUCCESS && all_bytes(p, LEN, 0x33),
	       "FILL after making it writable again: %s", svmedu_status_name(st));
	munmap(p, LEN);
	return stale_verdict(c, stale, negative);
}

static int dontneed(struct ctx *c, bool negative)
{
	uint8_t *p = map_pages(PAGES), *spacer = spacer_map(LEN);
	uint64_t stale = hw(c, "stale");

	EXPECT(p && spacer, "mmap");
	EXPECT(dma_fill(c, p, pat(0x11), LEN) == SVM_EDU_CS_SUCCESS, "first FILL");
	EXPECT(madvise(p, LEN, MADV_DONTNEED) == 0, "madvise");
	spacer_take(spacer, LEN);
	EXPECT(all_bytes(p, LEN, 0), "DONTNEED gave zero pages");
	memset(p, 0, LEN);	/* the zero page is read-only: get real ones */
	EXPECT(dma_fill(c, p, pat(0x22), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x22), "FILL reaches the new pages");
	munmap(p, LEN);
	munmap(spacer, LEN);
	return stale_verdict(c, stale, negative);
}

/*
 * MADV_FREE keeps the pages but cleans them: a write must set D again (a
 * shadow binding's driver: dirty the page as its entry goes) or reclaim
 * drops the data. The device's dirty translation has to go. MADV_PAGEOUT
 * then reclaims the pages at once: what the device wrote after MADV_FREE
 * must still be there. Returns whether it was, or FAIL.
 */
static int free_write_pageout(struct ctx *c, bool *kept)
{
	uint8_t *p = map_pages(PAGES);

	EXPECT(p, "mmap");
	EXPECT(dma_fill(c, p, pat(0x11), LEN) == SVM_EDU_CS_SUCCESS, "first FILL");
	EXPECT(madvise(p, LEN, MADV_FREE) == 0, "madvise");
	EXPECT(dma_fill(c, p, pat(0x22), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x22), "FILL after MADV_FREE");
	EXPECT(madvise(p, LEN, MADV_PAGEOUT) == 0, "MADV_PAGEOUT");
	*kept = all_bytes(p, LEN, 0x22);
	munmap(p, LEN);
	return PASS;
}

static int madv_free(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale");
	bool kept;

	if (free_write_pageout(c, &kept) != PASS)
		return FAIL;
	/* The negative control's proof is the checker's (kind clean). */
	if (!negative)
		EXPECT(kept, "MADV_PAGEOUT dropped what the device wrote");
	return stale_verdict(c, stale, negative);
}

/*
 * Shadow bindings only: the same, where the checker has nothing to say
 * (the process's D bit is not the device's to set): the data is the proof.
 * shadow_skip_dirty (the driver does not dirty the pages of the writable
 * entries it clears) loses it.
 */
int shadow_dirty(struct ctx *c, bool negative)
{
	uint64_t stale = hw(c, "stale");
	bool kept;

	if (free_write_pageout(c, &kept) != PASS)
		return FAIL;
	EXPECT(hw(c, "stale") == stale, "stale uses");
	if (negative) {
		EXPECT(!kept, "the device's data survived without the dirtying");
		diag("negative control: MADV_PAGEOUT dropped what the device wrote");
		return PASS;
	}
	EXPECT(kept, "MADV_PAGEOUT dropped what the device wrote");
	return PASS;
}

/*
 * mremap moves the pages (and their translations) to another address; new
 * memory is then mapped at the old one. DMA at the old address must reach
 * the new memory, DMA at the new address the moved pages.
 */
static int mremap_check(struct ctx *c, bool negative, bool grow)
{
	size_t newlen = grow ? 2 * LEN : LEN;
	uint8_t *p = map_pages(PAGES), *spacer = spacer_map(LEN), *q, *r;
	uint64_t stale = hw(c, "stale");

	EXPECT(p && spacer, "mmap");
	q = spacer_map(newlen);	/* a free spot to move to */
	EXPECT(q, "mmap");
	memset(p, 0x44, LEN);
	EXPECT(dma_fill(c, p, pat(0x11), 64) == SVM_EDU_CS_SUCCESS, "first FILL");
	r = mremap(p, LEN, newlen, MREMAP_MAYMOVE | MREMAP_FIXED, q);
	EXPECT(r == q, "mremap");
	EXPECT(mmap(p, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p, "mmap");
	spacer_take(spacer, LEN);
	memset(p, 0, LEN);
	if (grow)
		memset(q + LEN, 0, LEN);
	EXPECT(dma_fill(c, p, pat(0x22), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x22), "FILL at the old address");
	EXPECT(all_bytes(q, 64, 0x11) && all_bytes(q + 64, LEN - 64, 0x44),
	       "the moved pages kept their data");
	EXPECT(dma_fill(c, q, pat(0x33), newlen) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(q, newlen, 0x33), "FILL at the new address");
	munmap(p, LEN);
	munmap(q, newlen);
	munmap(spacer, LEN);
	return stale_verdict(c, stale, negative);
}

static int mremap_move(struct ctx *c, bool negative)
{
	return mremap_check(c, negative, false);
}

static int mremap_grow(struct ctx *c, bool negative)
{
	return mremap_check(c, negative, true);
}

/* Unmap the middle of a buffer and map new memory there. */
static int munmap_partial(struct ctx *c, bool negative)
{
	size_t pages = 8, len = pages * 4096;
	uint8_t *p = map_pages(pages), *spacer = spacer_map(2 * 4096);
	uint64_t stale = hw(c, "stale");

	EXPECT(p && spacer, "mmap");
	EXPECT(dma_fill(c, p, pat(0x11), len) == SVM_EDU_CS_SUCCESS, "first FILL");
	EXPECT(munmap(p + 3 * 4096, 2 * 4096) == 0, "munmap pages 3-4");
	spacer_take(spacer, 2 * 4096);
	EXPECT(mmap(p + 3 * 4096, 2 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p + 3 * 4096,
	       "mmap the hole");
	memset(p + 3 * 4096, 0, 2 * 4096);
	EXPECT(dma_fill(c, p, pat(0x22), len) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, len, 0x22), "FILL over the whole range");
	munmap(p, len);
	munmap(spacer, 2 * 4096);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_prot[] = {
	{ "mprotect", "mprotect read-only: DMA write faults; writable again", "skip_flush", mprotect_ro, NULL },
	{ "madv-dontneed", "madvise(MADV_DONTNEED), then DMA into the new pages", "skip_flush", dontneed, NULL },
	{ "madv-free", "madvise(MADV_FREE): the device must set D again", "skip_flush", madv_free, NULL },
	{ "mremap-move", "mremap to a fixed new address; new memory at the old one", "skip_flush", mremap_move, NULL },
	{ "mremap-grow", "mremap growing a buffer to twice its size, moved", "skip_flush", mremap_grow, NULL },
	{ "munmap-partial", "munmap of the middle of a buffer, new memory there", "skip_flush", munmap_partial, NULL },
	{ NULL }
};
