// SPDX-License-Identifier: MIT
/*
 * notifier-ranges: what range the driver's secondary-TLB callback gets for
 * a munmap of N pages, on the running kernel.
 *
 * The driver decides between page commands and a whole-PASID flush from
 * that range (whole_pasid_pages). x86 flushes up to 33 pages one by one
 * (tlb_single_page_flush_ceiling); since 6.6 it reports any larger flush
 * to the notifier as the whole address space [0, ULONG_MAX), so there the
 * driver never sees a range above 33 pages and its threshold is never
 * reached. 6.1 calls invalidate_range() with the range it unmapped. The
 * scenario reads the driver's attribution table (debugfs sources: kernel
 * path x range size) for munmaps of 1 to 512 pages and checks it against
 * the kernel's era (below), so that the docs and the driver's assumption
 * cannot drift from what the kernel does.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include "dmatest.h"

#define SOURCES	"/sys/kernel/debug/svm_edu/sources"

enum { R_ONE, R_SMALL, R_LARGE, R_ALL, NR_R };
static const char *const rname[NR_R] = { "1", "2-33", "34+", "all" };

/* The "unmap" line of the sources table, by range size. */
static int read_unmap(unsigned long long n[NR_R])
{
	char line[256], name[32];
	unsigned long long total, v[NR_R];
	FILE *f = fopen(SOURCES, "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %llu %llu %llu %llu %llu", name, &total,
			   &v[0], &v[1], &v[2], &v[3]) == 6 &&
		    !strcmp(name, "unmap")) {
			memcpy(n, v, sizeof(v));
			found = 1;
		}
	fclose(f);
	return found ? 0 : -1;
}

/*
 * What the kernel sends for a flush of more than 33 pages, by era (as
 * measured on Debian's 6.1, 6.12 and unstable's 7.2; the change between
 * 6.12 and 7.2 was not bisected):
 *   ERA_RANGE_ALL  before 6.6: the range (invalidate_range(), twice: from
 *                  the TLB flush and from invalidate_range_end())
 *   ERA_STRIDE     6.6 to 6.x: the whole address space when more than 33
 *                  entries of the flush's stride are flushed; a munmap of
 *                  transparent huge pages flushes with the PMD stride, so
 *                  up to 33 of them (66 MiB) come as their range
 *   ERA_RANGE      7.x: the range
 */
enum era { ERA_RANGE_ALL, ERA_STRIDE, ERA_RANGE };

static enum era kernel_era(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return ERA_RANGE;
	if (major < 6 || (major == 6 && minor < 6))
		return ERA_RANGE_ALL;
	return major == 6 ? ERA_STRIDE : ERA_RANGE;
}

struct rcase {
	size_t pages;
	bool thp;	/* a transparent huge page: the PMD stride */
};

static int expect_class(const struct rcase *k, enum era era)
{
	if (k->pages == 1)
		return R_ONE;
	if (k->pages <= 33)
		return R_SMALL;
	return era == ERA_STRIDE && !k->thp ? R_ALL : R_LARGE;
}

#define TABLE	(2UL << 20)	/* what one page table maps */

static int munmap_case(struct ctx *c, const struct rcase *k, enum era era)
{
	unsigned long long n[NR_R];
	uint8_t *raw, *base, *p;
	size_t len = k->pages * 4096;
	int want = expect_class(k, era), r, got = -1;
	struct svmedu_probe pr;

	if (k->thp)
		compact_memory();
	/* Three 2 MiB blocks, aligned; the middle one is unmapped. */
	raw = mmap(NULL, 4 * TABLE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(raw != MAP_FAILED, "mmap");
	base = (uint8_t *)(((uintptr_t)raw + TABLE - 1) & ~(TABLE - 1));
	madvise(base, 3 * TABLE, k->thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	p = base + TABLE + (k->thp ? 0 : 4096);
	memset(base, 1, 3 * TABLE);
	/* DMA first: the device holds the range, as in real use. */
	EXPECT(dma_fill(c, p, pat(0x3a), len) == SVM_EDU_CS_SUCCESS, "FILL");
	if (k->thp && (svmedu_probe(&c->dev, c->dev.pasid, p, &pr) ||
		       pr.page_shift != 21)) {
		diag("munmap of a THP: no THP could be had, not measured");
		munmap(raw, 4 * TABLE);
		return PASS;
	}
	EXPECT(!svmedu_write_file(SOURCES, "0"), "reset sources");
	munmap(p, len);
	EXPECT(!read_unmap(n), "no 'unmap' line in %s", SOURCES);
	munmap(raw, 4 * TABLE);
	for (r = 0; r < NR_R; r++)
		if (n[r] && got < 0)
			got = r;
	diag("munmap of %zu pages%s: callbacks by range 1:%llu 2-33:%llu 34+:%llu all:%llu",
	     k->pages, k->thp ? " (a THP)" : "", n[0], n[1],
	     n[2], n[3]);
	EXPECT(got >= 0, "munmap of %zu pages: no callback", k->pages);
	for (r = 0; r < NR_R; r++)
		EXPECT(r == want || !n[r],
		       "munmap of %zu pages: a callback with a '%s' range, expected '%s'",
		       k->pages, rname[r], rname[want]);
	return PASS;
}

static int notifier_ranges(struct ctx *c, bool negative)
{
	static const struct rcase cases[] = {
		{ 1, false }, { 16, false }, { 33, false }, { 34, false },
		{ 64, false }, { 511, false }, { 512, true },
	};
	static const char *const era_name[] = {
		[ERA_RANGE_ALL] = "before 6.6: the range",
		[ERA_STRIDE] = "6.6 to 6.x: the whole address space above 33 entries of the stride",
		[ERA_RANGE] = "7.x: the range",
	};
	enum era era = kernel_era();
	int r = PASS;
	size_t i;

	(void)negative;
	EXPECT(!svmedu_attribution(true), "attribution (debugfs, root?)");
	diag("flushes above 33 pages, expected: %s", era_name[era]);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (munmap_case(c, &cases[i], era) != PASS)
			r = FAIL;
	svmedu_attribution(false);
	return r;
}

const struct scenario scen_ranges[] = {
	{ .name = "notifier-ranges",
	  .path = "munmap of 1..512 pages: the range the callback gets, per kernel era",
	  .run = notifier_ranges },
	{ NULL }
};
