// SPDX-License-Identifier: MIT
/*
 * svm-hostile: a hostile guest at register level. With the svm_edu driver
 * unbound, it drives BAR0 through sysfs resource0: garbage in every
 * register with every access size, rings and tables pointing into MMIO or
 * beyond RAM, huge sizes, doorbell and response storms. QEMU must stay
 * alive and the device must report errors; after a device reset the driver
 * binds again. TAP output.
 *
 * usage: svm-hostile [SCALE]   (SCALE times the accesses; 1 by default)
 *
 * Garbage is never pointed at guest RAM while the engine is enabled: the
 * device would then follow it into memory the guest kernel uses. The page
 * tables it walks in part 3 are pages of our own, locked, and built so
 * that the device only reads: the PASID entry allows no writes and sets no
 * A/D bits, and no descriptor asks for a completion record.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "svm_edu_hw.h"

static volatile uint8_t *bar;
static int tap_n, tap_failed;

static void tap(bool ok, const char *what)
{
	printf("%sok %d - hostile: %s\n", ok ? "" : "not ", ++tap_n, what);
	fflush(stdout);
	tap_failed += !ok;
}

static void w32(uint32_t off, uint32_t v) { *(volatile uint32_t *)(bar + off) = v; }
static void w64(uint32_t off, uint64_t v) { *(volatile uint64_t *)(bar + off) = v; }
static uint32_t r32(uint32_t off) { return *(volatile uint32_t *)(bar + off); }
static uint64_t counter(int n)
{
	return *(volatile uint64_t *)(bar + SVM_EDU_REG_COUNTERS + 8 * n);
}

/* Physical address of a present page of ours (pagemap; root only). */
static uint64_t phys_of(const void *p)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t ent = 0;

	if (fd >= 0 && pread(fd, &ent, 8, (uintptr_t)p / 4096 * 8) != 8)
		ent = 0;
	if (fd >= 0)
		close(fd);
	return ent >> 63 ? (ent & ((1ull << 55) - 1)) * 4096 : 0;
}

#define PTE_P		0x1ull
#define PTE_RW		0x2ull
#define PTE_US		0x4ull
#define PTE_PS		0x80ull
#define L4(i)		((uint64_t)(i) << 39)
/* Index @i at every level: with the looping table, every step is it. */
#define SELF(i)		(L4(i) | (uint64_t)(i) << 30 | (uint64_t)(i) << 21 | \
			 (uint64_t)(i) << 12)

/*
 * Page tables in RAM that a hostile guest could hand the device: a table
 * whose every entry points back at itself (each level of any walk is the
 * same page, and so is the leaf), entries pointing at the device's own
 * MMIO and beyond RAM, a reserved bit; COMPAREs walk them, writes into the
 * read-only PASID bounce off, and a 1 GiB COPY stops at its first page.
 */
static void hostile_tables(uint64_t bar_phys)
{
	uint8_t *mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t *table = (uint64_t *)mem, *pasids = (uint64_t *)(mem + 4096);
	struct svm_edu_desc *sq = (struct svm_edu_desc *)(mem + 8192);
	uint64_t walks, bad, perm, t_pa, p_pa, q_pa, expect[512];
	unsigned int i;

	if (mem == MAP_FAILED || mlock(mem, 3 * 4096)) {
		tap(false, "page tables: three locked pages");
		return;
	}
	memset(mem, 0, 3 * 4096);
	t_pa = phys_of(table);
	p_pa = phys_of(pasids);
	q_pa = phys_of(sq);
	if (!t_pa || !p_pa || !q_pa) {
		tap(false, "page tables: physical addresses from pagemap");
		return;
	}
	for (i = 0; i < 512; i++)
		table[i] = t_pa | PTE_P | PTE_RW | PTE_US;
	table[0] = bar_phys | PTE_P | PTE_RW | PTE_US;		/* MMIO */
	table[1] = 0xfffffffff000ull | PTE_P | PTE_RW | PTE_US;	/* beyond RAM */
	table[2] = t_pa | PTE_P | PTE_RW | PTE_US | PTE_PS;	/* PS in a PML4E */
	memcpy(expect, table, sizeof(expect));
	/* PASID 1: valid, read-only, no A/D updates. */
	pasids[SVM_EDU_PASID_ENTRY_SIZE / 8] = SVM_EDU_PE_VALID;
	pasids[SVM_EDU_PASID_ENTRY_SIZE / 8 + 1] = t_pa;

	sq[0] = (struct svm_edu_desc){ .opcode = SVM_EDU_OP_COMPARE, .pasid = 1,
		.src = SELF(5), .dst = SELF(6), .len = 8192 };
	sq[1] = (struct svm_edu_desc){ .opcode = SVM_EDU_OP_COMPARE, .pasid = 1,
		.src = 0x1000, .dst = SELF(5), .len = 8 };
	sq[2] = (struct svm_edu_desc){ .opcode = SVM_EDU_OP_COMPARE, .pasid = 1,
		.src = L4(1), .dst = SELF(5), .len = 8 };
	sq[3] = (struct svm_edu_desc){ .opcode = SVM_EDU_OP_COMPARE, .pasid = 1,
		.src = L4(2), .dst = SELF(5), .len = 8 };
	sq[4] = (struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL, .pasid = 1,
		.dst = SELF(5), .len = 4096, .pattern = ~0ull };
	sq[5] = (struct svm_edu_desc){ .opcode = SVM_EDU_OP_COPY, .pasid = 1,
		.src = SELF(7), .dst = SELF(8), .len = SVM_EDU_DESC_MAX_LEN };

	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
	walks = counter(SVM_EDU_CNT_WALKS);
	bad = counter(SVM_EDU_CNT_FAULT_BAD);
	perm = counter(SVM_EDU_CNT_FAULT_PERM);
	w64(SVM_EDU_REG_PASID_TABLE, p_pa);
	w32(SVM_EDU_REG_PASID_ENTRIES, 2);
	w64(SVM_EDU_REG_SQ_BASE, q_pa);
	w32(SVM_EDU_REG_SQ_SIZE, 8);
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE);
	w32(SVM_EDU_REG_SQ_TAIL, 6);
	for (i = 0; i < 200 && r32(SVM_EDU_REG_SQ_HEAD) != 6; i++)
		usleep(10000);
	tap(r32(SVM_EDU_REG_ID) == SVM_EDU_ID_MAGIC && r32(SVM_EDU_REG_SQ_HEAD) == 6,
	    "self-referencing table, entries at MMIO and beyond RAM: all 6 "
	    "descriptors done, the device answers");
	printf("# %llu walks, %llu bad-table/reserved faults, %llu permission faults\n",
	       (unsigned long long)(counter(SVM_EDU_CNT_WALKS) - walks),
	       (unsigned long long)(counter(SVM_EDU_CNT_FAULT_BAD) - bad),
	       (unsigned long long)(counter(SVM_EDU_CNT_FAULT_PERM) - perm));
	tap(counter(SVM_EDU_CNT_WALKS) > walks &&
	    counter(SVM_EDU_CNT_FAULT_BAD) - bad >= 3 &&
	    counter(SVM_EDU_CNT_FAULT_PERM) - perm >= 2,
	    "walks done, 3 bad-table/reserved faults, writes refused");
	tap(!memcmp(expect, table, sizeof(expect)), "the tables were only read");
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
	munmap(mem, 3 * 4096);
}

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok = f && fputs(s, f) >= 0;

	return f && fclose(f) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned int scale = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
	unsigned int garbage = 20000 * (scale ? scale : 1);
	unsigned int storm = 30000 * (scale ? scale : 1);
	char addr[64], path[160], link[256];
	unsigned long long bar_phys = 0;
	unsigned int seed = 1, i;
	uint16_t cmd;
	ssize_t n;
	FILE *f;
	int fd;

	n = readlink("/sys/class/misc/svm-edu0/device", link, sizeof(link) - 1);
	if (n < 0) {
		printf("not ok 1 - hostile: no bound svm-edu0\n1..1\n");
		return 1;
	}
	link[n] = 0;
	snprintf(addr, sizeof(addr), "%s", strrchr(link, '/') + 1);
	tap(write_str("/sys/bus/pci/drivers/svm_edu/unbind", addr) == 0,
	    "driver unbound");

	/* Memory decoding and bus mastering on, as a rogue driver would. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", addr);
	fd = open(path, O_RDWR);
	if (fd >= 0 && pread(fd, &cmd, 2, 4) == 2) {
		cmd |= 0x6;
		if (pwrite(fd, &cmd, 2, 4) != 2)
			cmd = 0;
	}
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", addr);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llx", &bar_phys) != 1)
		bar_phys = 0;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", addr);
	fd = open(path, O_RDWR);
	bar = fd < 0 ? MAP_FAILED : mmap(NULL, SVM_EDU_BAR0_SIZE, PROT_READ | PROT_WRITE,
					 MAP_SHARED, fd, 0);
	tap(bar != MAP_FAILED && bar_phys, "BAR0 mapped through resource0");
	if (bar == MAP_FAILED || !bar_phys) {
		printf("1..%d\n", tap_n);
		return 1;
	}

	/* 1. garbage everywhere, every size, engine off */
	for (i = 0; i < garbage; i++) {
		uint32_t off = rand_r(&seed) % SVM_EDU_BAR0_SIZE;
		uint64_t v = (uint64_t)rand_r(&seed) << 32 | rand_r(&seed);

		if ((off & ~7u) == SVM_EDU_REG_CTRL)
			continue;	/* keep the engine off for random bases */
		switch (rand_r(&seed) % 4) {
		case 0: bar[off] = v; break;
		case 1: *(volatile uint16_t *)(bar + (off & ~1u)) = v; break;
		case 2: w32(off & ~3u, v); break;
		default: w64(off & ~7u, v); break;
		}
		(void)r32(rand_r(&seed) % SVM_EDU_BAR0_SIZE & ~3u);
	}
	snprintf(path, sizeof(path), "%u garbage accesses: the device answers", garbage);
	tap(r32(SVM_EDU_REG_ID) == SVM_EDU_ID_MAGIC, path);
	tap(r32(SVM_EDU_REG_ERROR) != 0, "and reports errors");

	/* 2. everything pointed into MMIO (its own BAR) or beyond RAM, engine on */
	for (i = 0; i < 2; i++) {
		uint64_t where = i ? 0xfffffffff000ull : bar_phys;

		w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
		w64(SVM_EDU_REG_PASID_TABLE, where);
		w32(SVM_EDU_REG_PASID_ENTRIES, 1024);
		w64(SVM_EDU_REG_SQ_BASE, where);
		w32(SVM_EDU_REG_SQ_SIZE, 64);
		w64(SVM_EDU_REG_IQ_BASE, where + 0x100);
		w32(SVM_EDU_REG_IQ_SIZE, 64);
		w64(SVM_EDU_REG_PRQ_BASE, where + 0x200);
		w32(SVM_EDU_REG_PRQ_SIZE, 64);
		w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE);
		w32(SVM_EDU_REG_DMA_THROTTLE, 0);
		/* doorbell and response storm */
		for (seed = 7; seed < 7 + storm; seed++) {
			w32(SVM_EDU_REG_SQ_TAIL, seed % 70);
			w32(SVM_EDU_REG_IQ_TAIL, seed % 70);
			w64(SVM_EDU_REG_PRQ_RESP, (uint64_t)seed << 16 | seed);
			w32(SVM_EDU_REG_INV_CMD, seed);
		}
		/* huge and odd sizes */
		w32(SVM_EDU_REG_SQ_SIZE, 0xffffffffu);
		w32(SVM_EDU_REG_SQ_TAIL, 5);
		w32(SVM_EDU_REG_IQ_SIZE, 0x80000000u);
		w32(SVM_EDU_REG_IQ_TAIL, 3);
		w32(SVM_EDU_REG_PRQ_SIZE, 3);
		w32(SVM_EDU_REG_DMA_THROTTLE, 0xffffffffu);
		usleep(100000);
		tap(r32(SVM_EDU_REG_ID) == SVM_EDU_ID_MAGIC,
		    i ? "rings and tables beyond RAM, storms: the device answers"
		      : "rings and tables in MMIO, storms: the device answers");
		tap(r32(SVM_EDU_REG_ERROR) &
		    (SVM_EDU_ERR_SQ_FETCH | SVM_EDU_ERR_SQ_CONFIG | SVM_EDU_ERR_IQ_CONFIG),
		    "and says why (ERROR)");
	}

	/* 3. page tables in RAM that loop or point at MMIO */
	hostile_tables(bar_phys);

	/* 4. reset, and the driver takes it back */
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
	tap(r32(SVM_EDU_REG_ERROR) == 0 && r32(SVM_EDU_REG_SQ_HEAD) == 0,
	    "CTRL.RESET clears the state");
	munmap((void *)bar, SVM_EDU_BAR0_SIZE);
	close(fd);
	tap(write_str("/sys/bus/pci/drivers/svm_edu/bind", addr) == 0 &&
	    access("/dev/svm-edu0", F_OK) == 0, "the driver binds again");
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
