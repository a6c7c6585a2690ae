// SPDX-License-Identifier: MIT
/*
 * Unit tests of the page walker: levels, page sizes, permissions, reserved
 * bits, canonical addresses, tables outside RAM and A/D updates.
 */
#include <string.h>

#include "fake_guest.h"
#include "tap.h"

static SvmEduPasidEntry pe_for(uint64_t root, bool la57, uint64_t extra)
{
    SvmEduPasidEntry pe = {
        .cached = true, .pasid = 1, .pgd = root,
        .flags = SVM_EDU_PE_VALID | SVM_EDU_PE_WRITE | SVM_EDU_PE_AD |
                 (la57 ? SVM_EDU_PE_LA57 : 0) | extra,
    };
    return pe;
}

static void test_sizes(unsigned levels)
{
    FakeGuest fg;
    uint64_t root, va4k = 0x7f0000001000ull, va2m = 0x7f0000400000ull;
    uint64_t va1g = 0x7f0040000000ull, f;
    SvmEduPasidEntry pe;
    SvmEduWalk w;

    if (levels == 5) {
        va4k |= 1ull << 50;
        va2m |= 1ull << 50;
        va1g |= 1ull << 50;
    }
    fg_init(&fg, NULL);
    root = fg_alloc_table(&fg);
    pe = pe_for(root, levels == 5, 0);
    f = fg_alloc_frame(&fg);
    fg_map(&fg, root, levels, va4k, f, SVM_EDU_PGSZ_4K, FG_USER_RW);
    fg_map(&fg, root, levels, va2m, 0x1000000, SVM_EDU_PGSZ_2M, FG_USER_RW);
    fg_map(&fg, root, levels, va1g, 0x40000000, SVM_EDU_PGSZ_1G, FG_USER_RW);

    svm_edu_walk(&fg.core, &pe, va4k + 0x123, false, true, &w);
    ok(!w.fault && w.pgsz == SVM_EDU_PGSZ_4K && w.pa == f,
       "%u-level: 4 KiB leaf translates", levels);
    svm_edu_walk(&fg.core, &pe, va2m + 0x12345, false, true, &w);
    ok(!w.fault && w.pgsz == SVM_EDU_PGSZ_2M && w.pa == 0x1000000,
       "%u-level: 2 MiB leaf translates", levels);
    svm_edu_walk(&fg.core, &pe, va1g + 0x1234567, true, true, &w);
    ok(!w.fault && w.pgsz == SVM_EDU_PGSZ_1G && w.pa == 0x40000000,
       "%u-level: 1 GiB leaf translates", levels);
    svm_edu_walk(&fg.core, &pe, va4k + 0x1000, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_NOT_PRESENT,
           "%u-level: unmapped neighbour page is not present", levels);
    fg_destroy(&fg);
}

static void test_permissions(void)
{
    FakeGuest fg;
    uint64_t root, va = 0x400000, f, pte, pde;
    SvmEduPasidEntry pe;
    SvmEduWalk w;

    fg_init(&fg, NULL);
    root = fg_alloc_table(&fg);
    pe = pe_for(root, false, 0);
    f = fg_alloc_frame(&fg);
    pte = fg_map(&fg, root, 4, va, f, SVM_EDU_PGSZ_4K, FG_P | FG_US);

    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    ok(!w.fault && !w.writable, "read-only page: read ok, not writable");
    svm_edu_walk(&fg.core, &pe, va, true, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_WRITE_PROTECT, "read-only page: write faults");

    fg_wr64(&fg, pte, f | FG_P | FG_RW);
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_SUPERVISOR, "supervisor leaf: user access faults");

    fg_wr64(&fg, pte, f | FG_USER_RW);
    pde = fg_entry_addr(&fg, root, 4, va, 2);
    fg_wr64(&fg, pde, fg_rd64(&fg, pde) & ~FG_US);
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_SUPERVISOR,
           "supervisor directory entry: user access faults");
    fg_wr64(&fg, pde, (fg_rd64(&fg, pde) | FG_US) & ~FG_RW);
    svm_edu_walk(&fg.core, &pe, va, true, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_WRITE_PROTECT,
           "read-only directory entry: write faults");
    fg_wr64(&fg, pde, fg_rd64(&fg, pde) | FG_RW);

    pe.flags &= ~SVM_EDU_PE_WRITE;
    svm_edu_walk(&fg.core, &pe, va, true, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_WRITE_PROTECT,
           "PASID without WRITE: write faults");
    pe.flags |= SVM_EDU_PE_WRITE;

    fg_wr64(&fg, pde, fg_rd64(&fg, pde) & ~FG_P);
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_NOT_PRESENT, "non-present directory: not present");
    fg_destroy(&fg);
}

static void test_reserved_and_canonical(void)
{
    FakeGuest fg;
    uint64_t root, va = 0x600000, f, pte, pml4e, pde;
    SvmEduPasidEntry pe;
    SvmEduWalk w;

    fg_init(&fg, NULL);
    root = fg_alloc_table(&fg);
    pe = pe_for(root, false, 0);
    f = fg_alloc_frame(&fg);
    pte = fg_map(&fg, root, 4, va, f, SVM_EDU_PGSZ_4K, FG_USER_RW);

    fg_wr64(&fg, pte, f | FG_USER_RW | (1ull << 50));
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_RESERVED, "address bit above 46 is reserved");
    fg_wr64(&fg, pte, f | FG_USER_RW | (1ull << 63) | (0x7full << 52));
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    ok(!w.fault, "XD and software bits 62:52 are not reserved");

    pml4e = fg_entry_addr(&fg, root, 4, va, 4);
    fg_wr64(&fg, pml4e, fg_rd64(&fg, pml4e) | FG_PS);
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_RESERVED, "PS in a PML4 entry is reserved");
    fg_wr64(&fg, pml4e, fg_rd64(&fg, pml4e) & ~FG_PS);

    pde = fg_map(&fg, root, 4, 0x40000000, 0x1000000 | 0x2000,
                 SVM_EDU_PGSZ_2M, FG_USER_RW);
    svm_edu_walk(&fg.core, &pe, 0x40000000, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_RESERVED, "misaligned 2 MiB frame is reserved");
    fg_wr64(&fg, pde, 0x1000000 | 0x1000 | FG_USER_RW | FG_PS);
    svm_edu_walk(&fg.core, &pe, 0x40000000, false, true, &w);
    ok(!w.fault, "PAT bit 12 of a 2 MiB entry is not reserved");

    svm_edu_walk(&fg.core, &pe, 0x0000800000000000ull, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_NON_CANONICAL, "4-level: bit 47 set alone is non-canonical");
    svm_edu_walk(&fg.core, &pe, 0xffff800000000000ull, false, true, &w);
    ok(w.fault != SVM_EDU_FAULT_NON_CANONICAL,
       "4-level: sign-extended kernel address is canonical");
    pe.flags |= SVM_EDU_PE_LA57;
    svm_edu_walk(&fg.core, &pe, 0x0000800000000000ull, false, true, &w);
    ok(w.fault != SVM_EDU_FAULT_NON_CANONICAL, "5-level: bit 47 is fine");
    svm_edu_walk(&fg.core, &pe, 0x0100000000000000ull, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_NON_CANONICAL, "5-level: bit 56 alone is non-canonical");
    ok(svm_edu_canonical(0xff00000000000000ull, true) &&
       !svm_edu_canonical(0xfe00000000000000ull, true),
       "5-level canonical form checks bits 63:56");
    fg_destroy(&fg);
}

static void test_outside_ram(void)
{
    FakeGuest fg;
    uint64_t root, va = 0x800000, pde;
    SvmEduPasidEntry pe;
    SvmEduWalk w;

    fg_init(&fg, NULL);
    root = fg_alloc_table(&fg);
    pe = pe_for(root, false, 0);
    fg_map(&fg, root, 4, va, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K, FG_USER_RW);
    pde = fg_entry_addr(&fg, root, 4, va, 2);
    fg_wr64(&fg, pde, 0x3ff000000000ull | FG_USER_RW);
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_BAD_TABLE, "table pointer outside RAM: bad table");
    pe.pgd = 0x200000000000ull;
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    is_u64(w.fault, SVM_EDU_FAULT_BAD_TABLE, "root outside RAM: bad table");
    fg_destroy(&fg);
}

static void test_ad(void)
{
    FakeGuest fg;
    uint64_t root, va = 0xa00000, f, pte, pde, pml4e, before;
    SvmEduPasidEntry pe;
    SvmEduWalk w;

    fg_init(&fg, NULL);
    root = fg_alloc_table(&fg);
    pe = pe_for(root, false, 0);
    f = fg_alloc_frame(&fg);
    pte = fg_map(&fg, root, 4, va, f, SVM_EDU_PGSZ_4K, FG_USER_RW);
    pde = fg_entry_addr(&fg, root, 4, va, 2);
    pml4e = fg_entry_addr(&fg, root, 4, va, 4);

    svm_edu_walk(&fg.core, &pe, va, false, false, &w);
    ok(!(fg_rd64(&fg, pte) & FG_A), "checker walk (no A/D) leaves A clear");
    svm_edu_walk(&fg.core, &pe, va, false, true, &w);
    ok((fg_rd64(&fg, pte) & FG_A) && (fg_rd64(&fg, pde) & FG_A) &&
       (fg_rd64(&fg, pml4e) & FG_A), "read walk sets A on every level");
    ok(!(fg_rd64(&fg, pte) & FG_D), "read walk leaves D clear");
    ok(!w.writable, "clean writable page is cached read-only (D clear)");
    before = fg_counter(&fg, SVM_EDU_CNT_AD_UPDATES);
    svm_edu_walk(&fg.core, &pe, va, true, true, &w);
    ok(fg_rd64(&fg, pte) & FG_D, "write walk sets D on the leaf");
    ok(!(fg_rd64(&fg, pde) & FG_D), "write walk leaves D of directories alone");
    ok(w.writable, "after D is set the translation is writable");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_AD_UPDATES) - before, 1,
           "one cmpxchg for the D update");

    fg_wr64(&fg, pte, f | FG_USER_RW);
    pe.flags &= ~SVM_EDU_PE_AD;
    svm_edu_walk(&fg.core, &pe, va, true, true, &w);
    ok(!(fg_rd64(&fg, pte) & (FG_A | FG_D)) && w.writable,
       "PASID without A/D: nothing set, write allowed");
    fg_destroy(&fg);
}

/* The guest changes the PTE between the device's read and its cmpxchg. */
static uint64_t race_pte, race_new;
static int race_left;
static bool race_toggle;    /* flip a software bit instead */

static void race_hook(FakeGuest *fg, uint64_t pa)
{
    if (pa == race_pte && race_left > 0) {
        race_left--;
        fg_wr64(fg, race_pte, race_toggle ?
                fg_rd64(fg, race_pte) ^ (1ull << 9) : race_new);
    }
}

static void test_ad_race(void)
{
    /*
     * No walk cache: the hook counts reads of the PTE, which the checker's
     * comparison of a walk-cache walk would add to (test_walkcache.c).
     */
    SvmEduConfig cfg = {
        .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20,
        .la57 = true, .stale_policy = SVM_EDU_STALE_REPORT,
    };
    FakeGuest fg;
    uint64_t root, va = 0xc00000, f1, f2, walks;
    SvmEduPasidEntry pe;
    SvmEduWalk w;

    fg_init(&fg, &cfg);
    root = fg_alloc_table(&fg);
    pe = pe_for(root, false, 0);
    f1 = fg_alloc_frame(&fg);
    f2 = fg_alloc_frame(&fg);
    race_pte = fg_map(&fg, root, 4, va, f1, SVM_EDU_PGSZ_4K, FG_USER_RW);
    race_new = f2 | FG_USER_RW;
    race_left = 1;
    fg.read_hook = race_hook;
    walks = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    svm_edu_walk(&fg.core, &pe, va, true, true, &w);
    fg.read_hook = NULL;
    ok(!w.fault && w.pa == f2, "PTE changed during the walk: result is the new PTE");
    ok(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - walks == 8,
       "the walk was restarted after the failed cmpxchg");
    ok((fg_rd64(&fg, race_pte) & ~(FG_A | FG_D)) == (f2 | FG_USER_RW) &&
       (fg_rd64(&fg, race_pte) & FG_D),
       "A/D set on the new PTE by cmpxchg, nothing of the old one written back");

    fg_wr64(&fg, race_pte, f1 | FG_USER_RW);   /* needs A and D again */
    race_left = 1000;
    race_toggle = true;
    fg.read_hook = race_hook;
    svm_edu_walk(&fg.core, &pe, va, true, true, &w);
    fg.read_hook = NULL;
    is_u64(w.fault, SVM_EDU_FAULT_BAD_TABLE,
           "a table that changes under every cmpxchg: bounded retries, then fault");
    fg_destroy(&fg);
}

int main(void)
{
    test_sizes(4);
    test_sizes(5);
    test_permissions();
    test_reserved_and_canonical();
    test_outside_ram();
    test_ad();
    test_ad_race();
    return tap_done();
}
