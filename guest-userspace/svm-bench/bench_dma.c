// SPDX-License-Identifier: MIT
/*
 * svm-bench: DMA bandwidth (device bytes / device busy time), IOTLB reach
 * and hit ratio.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define BIG	(64UL << 20)

/* Bytes per device-busy ns of one COPY of @len. */
static double copy_bw(void *dst, void *src, size_t len)
{
	uint64_t b0 = hw("bytes"), t0 = hw("busy_ns");

	run_copy(dst, src, len);
	return (double)(hw("bytes") - b0) / (double)(hw("busy_ns") - t0);
}

/* Bytes per device-busy ns of one warm COPY of @len, PAIRS times. */
static void bandwidth(const char *key, void *dst, void *src, size_t len)
{
	double v[PAIRS];
	int i;

	run_copy(dst, src, len);	/* warm: translations cached as far as they fit */
	for (i = 0; i < PAIRS; i++) {
		int t;

		v[i] = 0;
		for (t = 0; t < TRIES; t++)
			v[i] = higher(v[i], copy_bw(dst, src, len));
	}
	result(key, v, PAIRS, "GB/s");
}

/*
 * Checker off and on, interleaved (off on, on off, ...): the ratio of each
 * pair is taken seconds apart, so load that comes and goes on the host
 * hits both sides of it.
 */
static void checker_pairs(void *dst, void *src)
{
	double off[PAIRS], on[PAIRS], ratio[PAIRS];
	int r;

	svmedu_set_policy(&dev, "off");
	run_copy(dst, src, BIG);	/* warm */
	for (r = 0; r < PAIRS; r++) {
		int t;

		on[r] = off[r] = 0;
		for (t = 0; t < 2 * TRIES; t++) {
			/* off on off on ..., the next pair on off on off ... */
			if ((t + r) & 1) {
				svmedu_set_policy(&dev, "report");
				on[r] = higher(on[r], copy_bw(dst, src, BIG));
			} else {
				svmedu_set_policy(&dev, "off");
				off[r] = higher(off[r], copy_bw(dst, src, BIG));
			}
		}
		ratio[r] = on[r] / off[r];
	}
	svmedu_set_policy(&dev, "off");
	result("copy_bw_4k_checker_off", off, PAIRS, "GB/s");
	result("copy_bw_4k_checker_on", on, PAIRS, "GB/s");
	result("checker_on_vs_off", ratio, PAIRS, "x");
}

/* Walks per GiB copied and hit ratio of a sequential copy. */
static void reach(const char *tag, void *dst, void *src)
{
	double walks[REPEAT], ratio[REPEAT];
	char key[64];
	int i;

	run_copy(dst, src, BIG);
	for (i = 0; i < REPEAT; i++) {
		uint64_t w0 = hw("walks"), h0 = hw("iotlb_hits"), m0 = hw("iotlb_misses");
		double h, m;

		run_copy(dst, src, BIG);
		h = hw("iotlb_hits") - h0;
		m = hw("iotlb_misses") - m0;
		walks[i] = (double)(hw("walks") - w0) * ((1UL << 30) / BIG);
		ratio[i] = 100.0 * h / (h + m);
	}
	snprintf(key, sizeof(key), "walks_per_gib_%s", tag);
	result(key, walks, REPEAT, "walks");
	snprintf(key, sizeof(key), "hit_ratio_%s", tag);
	result(key, ratio, REPEAT, "%");
}

/* Hit ratio of repeated FILLs over a working set of @pages pages. */
static double hit_ratio(uint8_t *buf, size_t bytes)
{
	uint64_t h0, m0;
	double h, m;
	int i;

	run_fill(buf, bytes, 0);
	h0 = hw("iotlb_hits");
	m0 = hw("iotlb_misses");
	for (i = 0; i < 3; i++)
		run_fill(buf, bytes, 0);
	h = hw("iotlb_hits") - h0;
	m = hw("iotlb_misses") - m0;
	return 100.0 * h / (h + m);
}

static void compact(void)
{
	FILE *f = fopen("/proc/sys/vm/compact_memory", "w");

	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

/* AnonHugePages of this process, in KiB. */
static double anon_huge_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[128];
	double kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lf", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/*
 * A 2 MiB aligned THP buffer of BIG bytes, at @hint when it is free: the
 * IOTLB's sets are indexed by address, so where ASLR puts the buffers
 * decided the THP walks per GiB (80, 400 and 480 in three runs with every
 * page huge). A fixed place makes the count repeat.
 */
static uint8_t *thp_buffer(uintptr_t hint)
{
	uint8_t *p = mmap((void *)hint, BIG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || ((uintptr_t)p & ((2UL << 20) - 1))) {
		printf("# THP buffer not at %#lx\n", (unsigned long)hint);
		if (p != MAP_FAILED)
			munmap(p, BIG);
		p = map_touched(BIG + (2 << 20), MADV_HUGEPAGE);
		return (uint8_t *)(((uintptr_t)p + (2 << 20) - 1) & ~((2UL << 20) - 1));
	}
	madvise(p, BIG, MADV_HUGEPAGE);
	memset(p, 1, BIG);
	return p;
}

void bench_dma(void)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20, 16 << 20, 64 << 20 };
	uint8_t *src = map_touched(BIG, MADV_NOHUGEPAGE);
	uint8_t *dst = map_touched(BIG, MADV_NOHUGEPAGE);
	uint8_t *hsrc, *hdst, *b;
	double thp0, cover;
	unsigned int i;

	checker_pairs(dst, src);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double v[REPEAT];
		int r;

		for (r = 0; r < REPEAT; r++) {
			uint64_t b0 = hw("bytes"), t0 = hw("busy_ns");

			run_copy(dst, src, sizes[i]);
			v[r] = (double)(hw("bytes") - b0) / (double)(hw("busy_ns") - t0);
		}
		result("copy_bw_size", v, REPEAT, "GB/s");
		series("bw_vs_size", sizes[i], v[REPEAT / 2]);
	}
	reach("4k", dst, src);

	/*
	 * THP: 2 MiB aligned buffers. Compact first: whether the guest finds
	 * 2 MiB blocks must not depend on what ran before (issue 16 saw 400
	 * walks per GiB in one run and 80 in the next). thp_coverage says how
	 * much of the buffers the kernel did back with huge pages.
	 */
	compact();
	thp0 = anon_huge_kb();
	hsrc = thp_buffer(0x100000000000UL);
	hdst = thp_buffer(0x110000000000UL);
	cover = 100.0 * (anon_huge_kb() - thp0) / (2.0 * (BIG >> 10));
	result("thp_coverage", &cover, 1, "%");
	reach("thp", hdst, hsrc);
	bandwidth("copy_bw_thp_checker_off", hdst, hsrc, BIG);

	/* hit ratio against working-set size: 4 KiB pages vs THP */
	for (i = 16; i <= 1024; i *= 2)
		series("hit_vs_ws_4k", i * 4096.0, hit_ratio(dst, i * 4096UL));
	for (i = 1; i <= 32; i *= 2) {
		b = hdst;
		series("hit_vs_ws_thp", i * 2097152.0, hit_ratio(b, i * 2097152UL));
	}
	svmedu_set_policy(&dev, "report");
	munmap(src, BIG);
	munmap(dst, BIG);
}
