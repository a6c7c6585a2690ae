// SPDX-License-Identifier: MIT
/*
 * svm-bench: the cost of a device page fault (page request, handled by the
 * driver) per page, against a CPU minor fault in the same guest.
 */
#include <sys/mman.h>

#include "bench.h"

#define PAGES	4096

static void *untouched(void)
{
	void *p = mmap(NULL, PAGES * 4096UL, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	madvise(p, PAGES * 4096UL, MADV_NOHUGEPAGE);
	return p;
}

void bench_fault(void)
{
	double dev_ns[REPEAT], cpu_ns[REPEAT], ratio[REPEAT];
	int r, i;

	for (r = 0; r < REPEAT; r++) {
		volatile uint8_t *p = untouched();
		double t0 = now_ns();

		for (i = 0; i < PAGES; i++)
			p[i * 4096UL] = 1;
		cpu_ns[r] = (now_ns() - t0) / PAGES;
		munmap((void *)p, PAGES * 4096UL);

		p = untouched();
		t0 = now_ns();
		run_fill((void *)p, PAGES * 4096UL, SVM_EDU_UDESC_F_BLOCK_ON_FAULT);
		dev_ns[r] = (now_ns() - t0) / PAGES;
		munmap((void *)p, PAGES * 4096UL);
		ratio[r] = dev_ns[r] / cpu_ns[r];
	}
	result("cpu_minor_fault_ns", cpu_ns, REPEAT, "ns");
	result("device_fault_ns", dev_ns, REPEAT, "ns");
	result("device_vs_cpu_fault", ratio, REPEAT, "x");
}
