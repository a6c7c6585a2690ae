// SPDX-License-Identifier: MIT
/*
 * svm-dma-test: what the kernel did to our memory, as the scenarios and
 * the stress run need to know it: the NUMA node of a page, the end of the
 * VMA holding an address, how many pages KSM merged, and KSM's switches.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dmatest.h"

#define KSM_DIR	"/sys/kernel/mm/ksm/"
#define KPF_KSM	21

int node_of(void *p)
{
	void *pages[1] = { p };
	int status = -1;

	if (syscall(SYS_move_pages, 0, 1UL, pages, NULL, &status, 0))
		return -1;
	return status;
}

int nodes_online(void)
{
	FILE *f = fopen("/sys/devices/system/node/online", "r");
	int a = 0, b = 0, n;

	if (!f)
		return 1;
	n = fscanf(f, "%d-%d", &a, &b);
	fclose(f);
	return n == 2 ? b - a + 1 : 1;
}

uintptr_t vma_end(const void *p)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end, found = 0;
	char line[512];

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start <= (uintptr_t)p && (uintptr_t)p < end)
			found = end;
	fclose(f);
	return found;
}

int ksm_write(const char *file, const char *val)
{
	char path[96];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), KSM_DIR "%s", file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

/* Frame and KSM flag of the page at @va; false when unreadable. */
static bool frame_of(FILE *pm, FILE *kf, const void *va, uint64_t *pfn,
		     bool *ksm)
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

int ksm_pages(const uint8_t *p, int n)
{
	FILE *pm = fopen("/proc/self/pagemap", "r");
	FILE *kf = fopen("/proc/kpageflags", "r");
	uint64_t first = 0, pfn;
	int i, count = -1;
	bool ksm;

	if (pm && kf) {
		/* Buffered reads of pagemap return old entries on 6.12. */
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
