// SPDX-License-Identifier: MIT
/*
 * Unit tests of shadow-mode PASID entries (SVM_EDU_PE_SHADOW): the device
 * walks the driver's shadow table at PGD, and the stale checker judges
 * every use of a translation (a fresh walk of the shadow, or an IOTLB hit
 * built on it) against the process's own table at CROOT.
 */
#include <string.h>

#include "fake_guest.h"
#include "tap.h"

#define VA  0x40000000ull       /* 2 MiB aligned */
#define REC 0x50000000ull
#define ADDR_MASK 0x000ffffffffff000ull
#define PE_SHADOW_DEFAULT (SVM_EDU_PE_VALID | SVM_EDU_PE_WRITE | \
                           SVM_EDU_PE_SHADOW)

static FakeGuest fg;
/* proc: the process's table; shadow: the driver's copy of it */
static uint64_t proc, shadow, f1, f2, rec_pa, proc_pte, shadow_pte;

static void set_shadow_entry(uint64_t flags, uint64_t croot)
{
    fg_set_pasid(&fg, 1, flags, shadow);
    fg_wr64(&fg, FG_PASID_TABLE + 32 + SVM_EDU_PE_CROOT, croot);
}

static void setup(uint32_t policy)
{
    fg_init(&fg, NULL);
    fg_enable(&fg);
    fg_set_reg(&fg, SVM_EDU_REG_STALE_POLICY, policy);
    proc = fg_process(&fg, 1, VA, 1);
    f1 = fg_rd64(&fg, fg_entry_addr(&fg, proc, 4, VA, 1)) & ADDR_MASK;
    f2 = fg_alloc_frame(&fg);
    fg_map(&fg, proc, 4, REC, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    rec_pa = fg_va2pa(&fg, proc, REC);
    proc_pte = fg_entry_addr(&fg, proc, 4, VA, 1);

    /* the shadow: the same two pages, filled writable with A and D */
    shadow = fg_alloc_table(&fg);
    shadow_pte = fg_map(&fg, shadow, 4, VA, f1, SVM_EDU_PGSZ_4K,
                        FG_USER_RW | FG_A | FG_D);
    fg_map(&fg, shadow, 4, REC, rec_pa, SVM_EDU_PGSZ_4K,
           FG_USER_RW | FG_A | FG_D);
    set_shadow_entry(PE_SHADOW_DEFAULT, proc);
}

static uint8_t fill(uint64_t va, uint8_t byte)
{
    struct svm_edu_desc d = { .opcode = SVM_EDU_OP_FILL, .pasid = 1,
        .dst = va, .len = 8, .pattern = 0x0101010101010101ull * byte,
        .flags = SVM_EDU_DESC_F_RECORD, .completion = REC };

    fg.ram[rec_pa] = 0;
    fg_submit(&fg, &d);
    return fg.ram[rec_pa];
}

static uint64_t stale(void)
{
    return fg_counter(&fg, SVM_EDU_CNT_STALE);
}

static uint64_t log_field(unsigned n, uint64_t off)
{
    return fg_reg(&fg, SVM_EDU_REG_STALE_LOG +
                  (n % SVM_EDU_STALE_LOG_ENTRIES) * SVM_EDU_STALE_LOG_STRIDE +
                  off);
}

static void inv_page(uint64_t va)
{
    fg_set_reg(&fg, SVM_EDU_REG_INV_PASID, 1);
    fg_set_reg(&fg, SVM_EDU_REG_INV_ADDR, va);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PAGE);
}

static void test_walks_shadow(void)
{
    uint64_t va3 = VA + 2 * 4096;

    setup(SVM_EDU_STALE_REPORT);
    is_u64(fill(VA, 0x11), SVM_EDU_CS_SUCCESS, "shadow: a fill succeeds");
    is_u64(fg.ram[f1], 0x11, "shadow: the shadow's frame was written");
    is_u64(stale(), 0, "shadow matches the process: nothing stale");
    is_u64(fg_rd64(&fg, proc_pte) & (FG_A | FG_D), 0,
           "shadow: the process's table is not written (no A/D)");
    is_u64(fill(VA, 0x12), SVM_EDU_CS_SUCCESS, "shadow: IOTLB hit");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_IOTLB_HITS), 2,
           "IOTLB hits (record and data)");
    is_u64(stale(), 0, "the hit matches the process: nothing stale");

    /* mapped in the process, not (yet) in the shadow: the device faults */
    fg_map(&fg, proc, 4, va3, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    is_u64(fill(va3, 0x13), SVM_EDU_CS_PAGE_FAULT,
           "shadow: a page the shadow lacks faults (the device walks PGD)");
    is_u64(stale(), 0, "a fault is not stale");

    /* a read-only shadow entry over a writable page: write-protect fault */
    fg_wr64(&fg, shadow_pte, f1 | FG_P | FG_US | FG_A);
    inv_page(VA);
    is_u64(fill(VA, 0x14), SVM_EDU_CS_PERM_FAULT,
           "shadow read-only: the write faults, as the shadow says");
    is_u64(stale(), 0, "fewer rights in the shadow are not stale");
    fg_destroy(&fg);
}

static void test_stale_shadow_walk(void)
{
    setup(SVM_EDU_STALE_REPORT);
    /* The process remaps VA; the driver neither clears nor flushes. */
    fg_wr64(&fg, proc_pte, f2 | FG_USER_RW | FG_A | FG_D);
    is_u64(fill(VA, 0x21), SVM_EDU_CS_SUCCESS,
           "stale shadow entry, report: descriptor succeeds");
    is_u64(stale(), 1, "the use of the stale shadow entry is counted");
    is_u64(log_field(0, SVM_EDU_STALE_LOG_CACHED_PA), f1,
           "log: the shadow's frame");
    is_u64(log_field(0, SVM_EDU_STALE_LOG_FRESH_PA), f2,
           "log: the process's frame");
    is_u64(log_field(0, SVM_EDU_STALE_LOG_INFO),
           SVM_EDU_STALE_INFO_OTHER_FRAME | SVM_EDU_STALE_INFO_WRITE,
           "log: other frame, write");
    is_u64(fg.ram[f2], 0x21, "report: the process's frame was written");
    is_u64(fg.ram[f1], 0, "report: the shadow's frame was not");
    fill(VA, 0x22);
    is_u64(stale(), 2, "the shadow still holds it: stale again (not cached)");

    /* unmapped in the process, still in the shadow */
    fg_wr64(&fg, proc_pte, 0);
    is_u64(fill(VA, 0x23), SVM_EDU_CS_PAGE_FAULT,
           "unmapped, report: the fresh walk faults");
    is_u64(log_field(2, SVM_EDU_STALE_LOG_INFO) &
           SVM_EDU_STALE_INFO_NOT_PRESENT, SVM_EDU_STALE_INFO_NOT_PRESENT,
           "log: not present");

    /* the driver clears the shadow entry and flushes: nothing stale */
    fg_wr64(&fg, shadow_pte, 0);
    inv_page(VA);
    is_u64(fill(VA, 0x24), SVM_EDU_CS_PAGE_FAULT,
           "cleared and flushed: the device faults");
    is_u64(stale(), 3, "cleared and flushed: no new stale access");
    fg_destroy(&fg);
}

static void test_stale_iotlb_hit(void)
{
    setup(SVM_EDU_STALE_REPORT);
    fill(VA, 0x31);
    /* Shadow cleared and refilled with the new frame, no IOTLB flush. */
    fg_wr64(&fg, proc_pte, f2 | FG_USER_RW | FG_A | FG_D);
    fg_wr64(&fg, shadow_pte, f2 | FG_USER_RW | FG_A | FG_D);
    is_u64(fill(VA, 0x32), SVM_EDU_CS_SUCCESS, "IOTLB hit, report: succeeds");
    is_u64(stale(), 1, "the hit on the old frame is stale");
    is_u64(log_field(0, SVM_EDU_STALE_LOG_CACHED_PA), f1,
           "log: the IOTLB's frame");
    is_u64(fg.ram[f2], 0x32, "report: the new frame was written");
    fill(VA, 0x33);
    is_u64(stale(), 1, "report dropped the entry: the next use is fine");
    fg_destroy(&fg);
}

static void test_policies(void)
{
    setup(SVM_EDU_STALE_ABORT);
    fg_wr64(&fg, proc_pte, f2 | FG_USER_RW | FG_A | FG_D);
    is_u64(fill(VA, 0x41), SVM_EDU_CS_STALE_ABORT,
           "abort: a stale shadow walk aborts");
    is_u64(fg.ram[f1] | fg.ram[f2], 0, "abort: nothing written");
    fg_destroy(&fg);

    setup(SVM_EDU_STALE_USE);
    fg_wr64(&fg, proc_pte, f2 | FG_USER_RW | FG_A | FG_D);
    is_u64(fill(VA, 0x42), SVM_EDU_CS_SUCCESS, "use-stale: succeeds");
    is_u64(fg.ram[f1], 0x42, "use-stale: the shadow's frame was written");
    fill(VA, 0x43);
    is_u64(stale(), 2, "use-stale: each use is counted (walk, then hit)");
    fg_destroy(&fg);

    setup(SVM_EDU_STALE_OFF);
    fg_wr64(&fg, proc_pte, f2 | FG_USER_RW | FG_A | FG_D);
    is_u64(fill(VA, 0x44), SVM_EDU_CS_SUCCESS, "off: succeeds");
    is_u64(stale(), 0, "off: nothing counted");
    fg_destroy(&fg);
}

static void test_entry_rules(void)
{
    setup(SVM_EDU_STALE_REPORT);
    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    set_shadow_entry(PE_SHADOW_DEFAULT, 0);
    fg_set_reg(&fg, SVM_EDU_REG_INV_PASID, 1);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PASID_CACHE);
    fill(VA, 0x51);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_PASID_TABLE,
       "SHADOW with a checker root of 0: ERROR.PASID_TABLE");
    is_u64(fg.ram[f1], 0, "SHADOW with a checker root of 0: not walked");

    /* the same root in both: a shadow entry behaves as SVA without A/D */
    set_shadow_entry(PE_SHADOW_DEFAULT, proc);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PASID_CACHE);
    is_u64(fill(VA, 0x52), SVM_EDU_CS_SUCCESS, "valid again after the flush");

    /* without SHADOW, CROOT is ignored: the device walks PGD, checks PGD */
    fg_set_pasid(&fg, 1, FG_PE_DEFAULT, proc);
    fg_wr64(&fg, FG_PASID_TABLE + 32 + SVM_EDU_PE_CROOT, shadow);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PASID_CACHE);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PASID);
    fg_wr64(&fg, shadow_pte, 0);
    is_u64(fill(VA, 0x53), SVM_EDU_CS_SUCCESS, "SVA entry: CROOT ignored");
    is_u64(stale(), 0, "SVA entry: nothing stale");
    fg_destroy(&fg);
}

static void test_huge_and_dirty(void)
{
    uint64_t base, pa, pde;
    unsigned i;

    setup(SVM_EDU_STALE_REPORT);
    /* 512 process pages of one 2 MiB frame, one 2 MiB shadow leaf */
    base = fg_alloc_frame(&fg);
    base = (base + (2ull << 20)) & ~((2ull << 20) - 1);
    for (i = 0; i < 512; i++) {
        fg_map(&fg, proc, 4, VA + i * 4096ull, base + i * 4096ull,
               SVM_EDU_PGSZ_4K, FG_USER_RW | FG_A | FG_D);
    }
    pde = fg_entry_addr(&fg, shadow, 4, VA, 2);
    fg_wr64(&fg, pde, base | FG_USER_RW | FG_A | FG_D | FG_PS);
    is_u64(fill(VA + 5 * 4096, 0x61), SVM_EDU_CS_SUCCESS,
           "2 MiB shadow leaf over 4 KiB process pages");
    is_u64(fill(VA + 7 * 4096, 0x62), SVM_EDU_CS_SUCCESS, "... and a hit");
    is_u64(stale(), 0, "the same frames: nothing stale");
    /* one 4 KiB page of it remapped behind the shadow's back */
    fg_wr64(&fg, fg_entry_addr(&fg, proc, 4, VA + 9 * 4096, 1),
            f2 | FG_USER_RW | FG_A | FG_D);
    fill(VA + 9 * 4096, 0x63);
    is_u64(stale(), 1, "a remapped 4 KiB page under a huge shadow leaf");
    pa = base + 10 * 4096;
    fill(VA + 10 * 4096, 0x64);
    is_u64(stale(), 1, "its neighbour is still fine");
    is_u64(fg.ram[pa], 0x64, "... and written through the huge leaf");

    /* D clear in the process's leaf: not judged in shadow mode */
    fg_wr64(&fg, fg_entry_addr(&fg, proc, 4, VA + 11 * 4096, 1),
            (base + 11 * 4096) | FG_USER_RW | FG_A);
    fill(VA + 11 * 4096, 0x65);
    is_u64(stale(), 1, "a clean process page is not stale in shadow mode");
    fg_destroy(&fg);
}

int main(void)
{
    test_walks_shadow();
    test_stale_shadow_walk();
    test_stale_iotlb_hit();
    test_policies();
    test_entry_rules();
    test_huge_and_dirty();
    return tap_done();
}
