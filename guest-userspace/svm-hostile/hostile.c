// SPDX-License-Identifier: MIT
/*
 * svm-hostile: a hostile guest at register level. With the svm_edu driver
 * unbound, it drives BAR0 through sysfs resource0: garbage in every
 * register with every access size, rings and tables pointing into MMIO or
 * beyond RAM, huge sizes, doorbell and response storms. QEMU must stay
 * alive and the device must report errors; after a device reset the driver
 * binds again. TAP output (svm_test_harness.h): one test per attack, each
 * with the driver unbound by its setup and bound again by its teardown, in
 * the runner, whatever became of the test.
 *
 * usage: svm-hostile [HARNESS OPTIONS] [SCALE]
 *        (SCALE times the accesses; 1 by default; -l lists the tests)
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
#include "svm_test_harness.h"

/* Every test writes for minutes under TCG when SCALE is large (soak). */
#define HOSTILE_SECONDS	900

static volatile uint8_t *bar;
static unsigned int scale = 1;

/*
 * One check of an attack: EXPECT_TRUE, with the check's description
 * logged when it fails. CHECK_OR_END ends the test (ASSERT).
 */
#define CHECK(cond, what)						\
	do {								\
		bool ok_ = (cond);					\
									\
		if (!ok_)						\
			TH_LOG("failed: %s", what);			\
		EXPECT_TRUE(ok_);					\
	} while (0)
#define CHECK_OR_END(cond, what)					\
	do {								\
		bool ok_ = (cond);					\
									\
		if (!ok_)						\
			TH_LOG("failed: %s", what);			\
		ASSERT_TRUE(ok_);					\
	} while (0)

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
static void hostile_tables(struct __test_metadata *_metadata, uint64_t bar_phys)
{
	uint8_t *mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t *table = (uint64_t *)mem, *pasids = (uint64_t *)(mem + 4096);
	struct svm_edu_desc *sq = (struct svm_edu_desc *)(mem + 8192);
	uint64_t walks, bad, perm, t_pa, p_pa, q_pa, expect[512];
	unsigned int i;

	CHECK_OR_END(mem != MAP_FAILED && !mlock(mem, 3 * 4096),
		     "page tables: three locked pages");
	memset(mem, 0, 3 * 4096);
	t_pa = phys_of(table);
	p_pa = phys_of(pasids);
	q_pa = phys_of(sq);
	CHECK_OR_END(t_pa && p_pa && q_pa,
		     "page tables: physical addresses from pagemap");
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
	CHECK(r32(SVM_EDU_REG_ID) == SVM_EDU_ID_MAGIC && r32(SVM_EDU_REG_SQ_HEAD) == 6,
	    "self-referencing table, entries at MMIO and beyond RAM: all 6 "
	    "descriptors done, the device answers");
	printf("# %llu walks, %llu bad-table/reserved faults, %llu permission faults\n",
	       (unsigned long long)(counter(SVM_EDU_CNT_WALKS) - walks),
	       (unsigned long long)(counter(SVM_EDU_CNT_FAULT_BAD) - bad),
	       (unsigned long long)(counter(SVM_EDU_CNT_FAULT_PERM) - perm));
	CHECK(counter(SVM_EDU_CNT_WALKS) > walks &&
	    counter(SVM_EDU_CNT_FAULT_BAD) - bad >= 3 &&
	    counter(SVM_EDU_CNT_FAULT_PERM) - perm >= 2,
	    "walks done, 3 bad-table/reserved faults, writes refused");
	CHECK(!memcmp(expect, table, sizeof(expect)), "the tables were only read");
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
	munmap(mem, 3 * 4096);
}

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok = f && fputs(s, f) >= 0;

	return f && fclose(f) == 0 && ok ? 0 : -1;
}

/* Garbage written into any register is refused or ignored: engine off. */
static void garbage(unsigned int accesses)
{
	unsigned int seed = 1, i;

	for (i = 0; i < accesses; i++) {
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
}

/*
 * Everything pointed at @where (the device's own BAR, or beyond RAM) with
 * the engine on, then doorbell and response storms, huge and odd sizes.
 */
static void rings_at(uint64_t where, unsigned int storm)
{
	unsigned int seed;

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
}

FIXTURE(hostile) {
	char addr[64];		/* the PCI function, "0000:00:01.0" */
	bool unbound;		/* the driver must be bound again */
	uint64_t bar_phys;
};

/*
 * The driver unbound, memory decoding and bus mastering on, as a rogue
 * driver would have them, and BAR0 mapped through resource0.
 */
FIXTURE_SETUP(hostile)
{
	char path[160], link[256];
	unsigned long long phys = 0;
	uint16_t cmd;
	ssize_t n;
	FILE *f;
	int fd;

	n = readlink("/sys/class/misc/svm-edu0/device", link, sizeof(link) - 1);
	if (n < 0)
		TH_LOG("no bound svm-edu0");
	ASSERT_LE(0, n);
	link[n] = 0;
	snprintf(self->addr, sizeof(self->addr), "%s", strrchr(link, '/') + 1);
	ASSERT_EQ(0, write_str("/sys/bus/pci/drivers/svm_edu/unbind", self->addr));
	self->unbound = true;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", self->addr);
	fd = open(path, O_RDWR);
	if (fd >= 0 && pread(fd, &cmd, 2, 4) == 2) {
		cmd |= 0x6;
		if (pwrite(fd, &cmd, 2, 4) != 2)
			cmd = 0;
	}
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", self->addr);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llx", &phys) != 1)
		phys = 0;
	if (f)
		fclose(f);
	self->bar_phys = phys;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", self->addr);
	fd = open(path, O_RDWR);
	bar = fd < 0 ? MAP_FAILED : mmap(NULL, SVM_EDU_BAR0_SIZE, PROT_READ | PROT_WRITE,
					 MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	CHECK_OR_END(bar != MAP_FAILED && self->bar_phys,
		     "BAR0 mapped through resource0");
}

/*
 * In the runner, also after a crash: the driver binds the device again
 * (its probe resets it) and the character device is back.
 */
FIXTURE_TEARDOWN_PARENT(hostile)
{
	if (!self->unbound)
		return;
	CHECK(write_str("/sys/bus/pci/drivers/svm_edu/bind", self->addr) == 0 &&
	      access("/dev/svm-edu0", F_OK) == 0, "the driver binds again");
}

/* 1. garbage everywhere, every size, engine off */
TEST_F_TIMEOUT(hostile, garbage, HOSTILE_SECONDS)
{
	unsigned int accesses = 20000 * scale;

	garbage(accesses);
	TH_LOG("%u garbage accesses", accesses);
	CHECK(r32(SVM_EDU_REG_ID) == SVM_EDU_ID_MAGIC, "the device answers");
	CHECK(r32(SVM_EDU_REG_ERROR) != 0, "and reports errors");
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
}

/* 2. everything pointed into MMIO (its own BAR), engine on */
TEST_F_TIMEOUT(hostile, rings_in_mmio, HOSTILE_SECONDS)
{
	rings_at(self->bar_phys, 30000 * scale);
	CHECK(r32(SVM_EDU_REG_ID) == SVM_EDU_ID_MAGIC,
	      "rings and tables in MMIO, storms: the device answers");
	CHECK(r32(SVM_EDU_REG_ERROR) &
	      (SVM_EDU_ERR_SQ_FETCH | SVM_EDU_ERR_SQ_CONFIG | SVM_EDU_ERR_IQ_CONFIG),
	      "and says why (ERROR)");
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
}

/* ... and beyond RAM */
TEST_F_TIMEOUT(hostile, rings_beyond_ram, HOSTILE_SECONDS)
{
	rings_at(0xfffffffff000ull, 30000 * scale);
	CHECK(r32(SVM_EDU_REG_ID) == SVM_EDU_ID_MAGIC,
	      "rings and tables beyond RAM, storms: the device answers");
	CHECK(r32(SVM_EDU_REG_ERROR) &
	      (SVM_EDU_ERR_SQ_FETCH | SVM_EDU_ERR_SQ_CONFIG | SVM_EDU_ERR_IQ_CONFIG),
	      "and says why (ERROR)");
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
}

/* 3. page tables in RAM that loop or point at MMIO */
TEST_F_TIMEOUT(hostile, page_tables, HOSTILE_SECONDS)
{
	hostile_tables(_metadata, self->bar_phys);
}

/*
 * 4. after garbage and storms, a reset clears the state (once at the
 * bounded size: SCALE makes the attacks longer, not this check)
 */
TEST_F_TIMEOUT(hostile, reset, HOSTILE_SECONDS)
{
	garbage(20000);
	rings_at(0xfffffffff000ull, 30000);
	ASSERT_NE(0, r32(SVM_EDU_REG_ERROR));
	w32(SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
	CHECK(r32(SVM_EDU_REG_ERROR) == 0 && r32(SVM_EDU_REG_SQ_HEAD) == 0,
	      "CTRL.RESET clears the state");
}

int main(int argc, char **argv)
{
	int i;

	/* SCALE is the one operand; the rest are the harness's options. */
	for (i = 1; i < argc; i++)
		if (argv[i][0] >= '0' && argv[i][0] <= '9' &&
		    (i == 1 || argv[i - 1][0] != '-' || !strchr("fvtFVTr", argv[i - 1][1])))
			scale = strtoul(argv[i], NULL, 0) ? : 1;
	return test_harness_run(argc, argv);
}
