// SPDX-License-Identifier: MIT
/*
 * svm-bench: page-table memory per GiB mapped, in this binding's mode. An
 * sva binding's device walks the process's own tables (VmPTE): it costs no
 * table memory of its own. A shadow binding's driver keeps a table of its
 * own besides them (debugfs "bindings": its table pages), filled here by
 * SVM_EDU_IOC_PREFAULT. With 4 KiB pages and with THP, whose shadow maps
 * 2 MiB entries where the CPU does (the process's THP still count a PTE
 * table each in VmPTE: the kernel deposits one for a later split).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define MEM_LEN		(256ul << 20)	/* scaled to a GiB */
#define HUGE_2M		(2ul << 20)

/* The process's page-table memory, in KiB (VmPTE of /proc/self/status). */
static long vm_pte_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Our binding's shadow table pages; 0 for an sva binding; -1 unknown. */
static long shadow_pages(bool *shadow)
{
	unsigned long long pages, rest[4];
	unsigned int pasid, gen, users;
	char mode[16];
	long found = -1;
	FILE *f = fopen("/sys/kernel/debug/svm_edu/svm-edu0/bindings", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%u %u %15s %u %llu %llu %llu %llu %llu", &pasid,
		      &gen, mode, &users, &pages, &rest[0], &rest[1], &rest[2],
		      &rest[3]) == 9) {
		if (pasid != dev.pasid)
			continue;
		*shadow = !strcmp(mode, "shadow");
		found = *shadow ? (long)pages : 0;
	}
	fclose(f);
	return found;
}

static void table_memory(const char *kind, int advice)
{
	double scale = (double)(1ul << 30) / MEM_LEN, v;
	long pte0, pte1, sh0, sh1;
	bool shadow = false;
	char key[64];
	char *raw, *p;

	/*
	 * A new binding, an empty shadow: the tables an earlier run left
	 * (a shadow keeps its table pages after an unmap, to be reused)
	 * must not count, or be reused here.
	 */
	if (svmedu_unbind(&dev) || svmedu_bind(&dev)) {
		printf("# table memory: rebind failed\n");
		return;
	}
	raw = mmap(NULL, MEM_LEN + HUGE_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		printf("# table memory: mmap failed\n");
		return;
	}
	/* 2 MiB aligned, so that THP can map every block of it. */
	p = (char *)(((uintptr_t)raw + HUGE_2M - 1) & ~(HUGE_2M - 1));
	madvise(p, MEM_LEN, advice);
	pte0 = vm_pte_kib();
	sh0 = shadow_pages(&shadow);
	memset(p, 1, MEM_LEN);
	pte1 = vm_pte_kib();
	if (shadow && svmedu_prefault(&dev, p, MEM_LEN, true))
		printf("# table memory: prefault failed\n");
	sh1 = shadow_pages(&shadow);
	if (pte0 < 0 || pte1 < 0 || sh0 < 0 || sh1 < 0) {
		printf("# table memory: no VmPTE or no debugfs bindings\n");
	} else {
		snprintf(key, sizeof(key), "table_kib_per_gib_process_%s", kind);
		v = (pte1 - pte0) * scale;
		result(key, &v, 1, "KiB");
		snprintf(key, sizeof(key), "table_kib_per_gib_device_%s", kind);
		v = (sh1 - sh0) * 4.0 * scale;
		result(key, &v, 1, "KiB");
	}
	munmap(raw, MEM_LEN + HUGE_2M);
}

/**
 * bench_table_memory() - BENCH table_kib_per_gib_{process,device}_{4k,thp}
 */
void bench_table_memory(void)
{
	table_memory("4k", MADV_NOHUGEPAGE);
	table_memory("thp", MADV_HUGEPAGE);
}
