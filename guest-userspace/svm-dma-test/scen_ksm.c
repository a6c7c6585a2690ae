// SPDX-License-Identifier: MIT
/*
 * Scenario: KSM merges identical pages (write-protect, then replace the PTE
 * with the shared page), and a write unmerges them (COW).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dmatest.h"

#define PAGES	16
#define LEN	(PAGES * 4096)
#define KSM	"/sys/kernel/mm/ksm/"

static int ksm_write(const char *file, const char *val)
{
	char path[96];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), KSM "%s", file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

#define KPF_KSM	21

/* Frame and KSM flag of the page at @va; false when unreadable. */
static bool frame_of(FILE *pm, FILE *kf, void *va, uint64_t *pfn, bool *ksm)
{
	uint64_t ent, flags;

	if (fseek(pm, ((uintptr_t)va / 4096) * 8, SEEK_SET) ||
	    fread(&ent, 8, 1, pm) != 1 || !(ent >> 63))
		return false;
	*pfn = ent & ((1ULL << 55) - 1);
	if (fseek(kf, *pfn * 8, SEEK_SET) || fread(&flags, 8, 1, kf) != 1)
		return false;
	*ksm = (flags >> KPF_KSM) & 1;
	return true;
}

/*
 * How many of the @n pages at @p are merged into one KSM page: the same
 * frame, flagged KSM (pagemap gives the frame, kpageflags its flags; the
 * counters in /sys/kernel/mm/ksm lag behind). -1 when it cannot tell.
 */
static int ksm_pages(uint8_t *p, int n)
{
	FILE *pm = fopen("/proc/self/pagemap", "r");
	FILE *kf = fopen("/proc/kpageflags", "r");
	uint64_t first = 0, pfn;
	int i, count = -1;
	bool ksm;

	if (pm && kf) {
		setvbuf(pm, NULL, _IONBF, 0);
		setvbuf(kf, NULL, _IONBF, 0);
		for (count = 0, i = 0; i < n; i++) {
			if (!frame_of(pm, kf, p + i * 4096, &pfn, &ksm)) {
				count = -1;
				break;
			}
			if (!i)
				first = pfn;
			count += ksm && pfn == first;
		}
	}
	if (pm)
		fclose(pm);
	if (kf)
		fclose(kf);
	return count;
}

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
	EXPECT(st == SVM_EDU_CS_PERM_FAULT, "FILL of merged pages: %s",
	       svmedu_status_name(st));
	EXPECT(all_bytes(p, LEN, content), "merged pages unchanged");
	memset(p, 0x33, LEN);	/* unmerge: a COW fault per page */
	EXPECT(dma_fill(c, p, pat(0x44), LEN) == SVM_EDU_CS_SUCCESS &&
	       all_bytes(p, LEN, 0x44), "FILL after the unmerge");
	madvise(p, LEN, MADV_UNMERGEABLE);
	munmap(p, LEN);
	return stale_verdict(c, stale, negative);
}

const struct scenario scen_ksm[] = {
	{ "ksm", "KSM merge (DMA write faults), write unmerges", "skip_flush", ksm },
	{ NULL }
};
