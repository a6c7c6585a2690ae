// SPDX-License-Identifier: MIT
/*
 * Unit tests of the walk cache (paging-structure cache): hits and misses,
 * CAP, the invalidation semantics (PAGE drops the entries whose region
 * overlaps its range unless LEAF_ONLY, PASID the PASID's, GLOBAL all), the
 * checker for walks (a freed page table, a collapse into a huge page, a
 * reused PASID, fewer rights) under each policy, and the
 * x-walk-cache-keep-on-range test property.
 */
#include <string.h>

#include "fake_guest.h"
#include "tap.h"

#define VA      0x40000000ull       /* 1 GiB aligned */
#define PAGES   8
#define LEAF    SVM_EDU_INV_CMD_LEAF_ONLY

static SvmEduConfig config(uint32_t entries, uint32_t levels, bool keep,
                           uint32_t policy)
{
    SvmEduConfig cfg = {
        .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20, .la57 = true,
        .stale_policy = policy, .wc_entries = entries, .wc_levels = levels,
        .wc_keep = keep,
    };
    return cfg;
}

static int xlate(FakeGuest *fg, uint32_t pasid, uint64_t va, bool write,
                 uint64_t *pa)
{
    uint32_t fault;

    return svm_edu_translate(&fg->core, pasid, va, write, pa, &fault);
}

static void inv(FakeGuest *fg, uint32_t cmd, uint32_t pasid, uint64_t addr)
{
    fg_set_reg(fg, SVM_EDU_REG_INV_ADDR, addr);
    fg_set_reg(fg, SVM_EDU_REG_INV_PASID, pasid);
    fg_set_reg(fg, SVM_EDU_REG_INV_CMD, cmd);
}

static uint32_t last_info(FakeGuest *fg)
{
    uint32_t n = fg_reg(fg, SVM_EDU_REG_STALE_COUNT);

    return fg_reg(fg, SVM_EDU_REG_STALE_LOG +
                  ((n - 1) % SVM_EDU_STALE_LOG_ENTRIES) *
                  SVM_EDU_STALE_LOG_STRIDE + SVM_EDU_STALE_LOG_INFO) &
           0xffffffffu;
}

/*
 * Free the PTE table of VA's 2 MiB region, as free_pgtables does after a
 * munmap (the old table's entries cleared, the PDE cleared), and map the
 * region again through a new table with new frames. @old_pte: the old
 * table.
 */
static void replace_pte_table(FakeGuest *fg, uint64_t root, uint64_t *old_pte)
{
    uint64_t pde = fg_entry_addr(fg, root, 4, VA, 2);
    unsigned i;

    *old_pte = fg_rd64(fg, pde) & 0x000ffffffffff000ull;
    fg_wr64(fg, pde, 0);
    for (i = 0; i < 512; i++) {
        fg_wr64(fg, *old_pte + i * 8, 0);
    }
    for (i = 0; i < PAGES; i++) {
        fg_map(fg, root, 4, VA + i * 4096ull, fg_alloc_frame(fg),
               SVM_EDU_PGSZ_4K, FG_USER_RW);
    }
}

static void test_hits(void)
{
    SvmEduConfig cfg = config(64, 4, false, SVM_EDU_STALE_REPORT);
    uint64_t pa, reads, cap;
    FakeGuest fg;

    fg_init(&fg, NULL);
    cap = fg_reg(&fg, SVM_EDU_REG_CAP);
    ok((cap & SVM_EDU_CAP_WALK_CACHE) && SVM_EDU_CAP_WC_LEVELS(cap) == 4 &&
       SVM_EDU_CAP_WC_ENTRIES(cap) == 64,
       "default CAP: walk cache of 64 entries, 4 levels (0x%llx)",
       (unsigned long long)cap);
    fg_destroy(&fg);

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    fg_process(&fg, 1, VA, PAGES);
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 1, VA, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 4,
           "first walk: from the root, 4 reads");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALKS) -
           fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_HITS), 1, "a miss");
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 1, VA + 4096, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 1,
           "next page of the 2 MiB region: the PTE only");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_HITS), 1, "a hit");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), 0, "nothing stale");

    /* Another PASID's entries are its own. */
    fg_process(&fg, 2, VA, PAGES);
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 2, VA, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 4,
           "PASID 2 does not use PASID 1's entries");
    fg_destroy(&fg);
}

static void test_levels(void)
{
    SvmEduConfig cfg = config(64, 1, false, SVM_EDU_STALE_REPORT);
    uint64_t root, pa, reads, other = VA + (2ull << 20);
    FakeGuest fg;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    fg_map(&fg, root, 4, other, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    xlate(&fg, 1, VA, false, &pa);
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 1, other, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 4,
           "levels 1: the next 2 MiB region walks from the root");
    fg_destroy(&fg);

    cfg = config(64, 2, false, SVM_EDU_STALE_REPORT);
    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    fg_map(&fg, root, 4, other, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    xlate(&fg, 1, VA, false, &pa);
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 1, other, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 2,
           "levels 2: the next 2 MiB region starts at the PDPTE's table");
    fg_destroy(&fg);

    cfg = config(0, 0, false, SVM_EDU_STALE_REPORT);
    fg_init(&fg, &cfg);
    fg_enable(&fg);
    fg_process(&fg, 1, VA, PAGES);
    ok(!(fg_reg(&fg, SVM_EDU_REG_CAP) & SVM_EDU_CAP_WALK_CACHE),
       "walk-cache-entries 0: no CAP.WALK_CACHE");
    xlate(&fg, 1, VA, false, &pa);
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 1, VA + 4096, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 4,
           "no walk cache: every walk from the root");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_HITS), 0,
           "no walk cache: no hits counted");
    ok(svm_edu_core_check_config(&(SvmEduConfig){
           .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20,
           .wc_entries = 64, .wc_levels = 5 }) != NULL,
       "walk-cache-levels 5 is refused");
    ok(svm_edu_core_check_config(&(SvmEduConfig){
           .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20,
           .wc_entries = 4096, .wc_levels = 4 }) != NULL,
       "walk-cache-entries 4096 is refused");
    fg_destroy(&fg);
}

/*
 * The page table of a range is freed and replaced; the invalidation of
 * the range (@cmd, @len) either drops the walk-cache entry pointing to the
 * old table or not (@expect_stale).
 */
static void freed_table(const char *what, uint32_t cmd, uint64_t addr,
                        bool keep, bool expect_stale)
{
    SvmEduConfig cfg = config(64, 4, keep, SVM_EDU_STALE_REPORT);
    uint64_t root, pa, old_pte, va = VA + 3 * 4096;

    FakeGuest fg;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    xlate(&fg, 1, VA, true, &pa);
    xlate(&fg, 1, VA + 4096, true, &pa);
    replace_pte_table(&fg, root, &old_pte);
    inv(&fg, cmd, 1, addr);
    /* a page the IOTLB never had: only the walk cache can be stale */
    ok(xlate(&fg, 1, va + 0x123, true, &pa) == SVM_EDU_CS_SUCCESS &&
       pa == fg_va2pa(&fg, root, va) + 0x123,
       "%s: the access reaches the new frame", what);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE), expect_stale,
           "%s: %s", what, expect_stale ? "a stale walk use" : "no stale walk use");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), expect_stale,
           "%s: counted in STALE too", what);
    if (expect_stale) {
        is_u64(last_info(&fg), SVM_EDU_STALE_INFO_WALK |
               SVM_EDU_STALE_INFO_OTHER_FRAME | SVM_EDU_STALE_INFO_WRITE,
               "%s: logged as WALK, OTHER_FRAME, WRITE", what);
        is_u64(fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_CACHED_PA),
               SVM_EDU_STALE_NOT_PRESENT_PA,
               "%s: the path through the old (cleared) table faulted", what);
        is_u64(fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_FRESH_PA),
               fg_va2pa(&fg, root, va + 0x123),
               "%s: the log has the table's translation", what);
        /* report: the stale entry was dropped, the next walk is clean */
        xlate(&fg, 1, va + 4096, false, &pa);
        is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE), 1,
               "%s: reported once, then walked from the root", what);
    }
    fg_destroy(&fg);
}

static void test_invalidation(void)
{
    /* order 2 at VA: the 16 KiB the process had mapped */
    freed_table("PAGE over the range", SVM_EDU_INV_PAGE | 2 << 8, VA, false,
                false);
    freed_table("PAGE of one 4 KiB page in the region",
                SVM_EDU_INV_PAGE, VA + (1ull << 20), false, false);
    freed_table("PAGE of the whole 1 GiB region",
                SVM_EDU_INV_PAGE | 18 << 8, VA, false, false);
    freed_table("PAGE with LEAF_ONLY", SVM_EDU_INV_PAGE | LEAF | 2 << 8, VA,
                false, true);
    freed_table("PAGE of the next 2 MiB region",
                SVM_EDU_INV_PAGE | 9 << 8, VA + (2ull << 20), false, true);
    freed_table("PASID", SVM_EDU_INV_PASID, 0, false, false);
    freed_table("GLOBAL", SVM_EDU_INV_GLOBAL, 0, false, false);
    freed_table("PASID_CACHE (leaves the walk cache)",
                SVM_EDU_INV_PASID_CACHE, 0, false, true);
    freed_table("x-walk-cache-keep-on-range: PAGE", SVM_EDU_INV_PAGE | 2 << 8,
                VA, true, true);
    freed_table("x-walk-cache-keep-on-range: PASID still drops",
                SVM_EDU_INV_PASID, 0, true, false);
    freed_table("x-walk-cache-keep-on-range: GLOBAL still empties it",
                SVM_EDU_INV_GLOBAL, 0, true, false);
}

/* A PAGE command drops only the entries whose region overlaps it. */
static void test_overlap(void)
{
    SvmEduConfig cfg = config(64, 4, false, SVM_EDU_STALE_REPORT);
    uint64_t root, pa, reads, other = VA + (2ull << 20);
    FakeGuest fg;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    fg_map(&fg, root, 4, other, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    xlate(&fg, 1, VA, false, &pa);
    xlate(&fg, 1, other, false, &pa);
    /* drops the PDE of 'other' and the PDPTE/PML4E above both */
    inv(&fg, SVM_EDU_INV_PAGE, 1, other);
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 1, VA + 4096, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 1,
           "VA's PDE survives a PAGE command of another 2 MiB region");
    reads = fg_counter(&fg, SVM_EDU_CNT_PTE_READS);
    xlate(&fg, 1, other + 4096, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_PTE_READS) - reads, 4,
           "the invalidated region walks from the root again");
    fg_destroy(&fg);
}

/* A THP collapse: the PDE becomes a 2 MiB leaf; the old table is retracted. */
static void collapse(bool leaf_only)
{
    SvmEduConfig cfg = config(64, 4, false, SVM_EDU_STALE_REPORT);
    uint64_t root, pa, pde;
    FakeGuest fg;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    xlate(&fg, 1, VA, false, &pa);
    pde = fg_entry_addr(&fg, root, 4, VA, 2);
    fg_wr64(&fg, pde, 0x1000000 | FG_USER_RW | FG_PS);
    inv(&fg, SVM_EDU_INV_PAGE | 9 << 8 | (leaf_only ? LEAF : 0), 1, VA);
    ok(xlate(&fg, 1, VA + 0x5000, false, &pa) == SVM_EDU_CS_SUCCESS &&
       pa == 0x1005000, "collapse%s: the huge page translates",
       leaf_only ? " (LEAF_ONLY)" : "");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE), leaf_only,
           "collapse%s: %s", leaf_only ? " (LEAF_ONLY)" : "",
           leaf_only ? "the PDE cached as a table is stale" : "nothing stale");
    if (leaf_only) {
        is_u64(last_info(&fg), SVM_EDU_STALE_INFO_WALK |
               SVM_EDU_STALE_INFO_OTHER_FRAME,
               "collapse: logged as WALK, OTHER_FRAME (the old table's PTE)");
    }
    fg_destroy(&fg);
}

/*
 * The window between the kernel unlinking a page table (its PTEs already
 * cleared) and its flush: a walk through the cached entry faults as the
 * table does, nothing is accessed, nothing is stale.
 */
static void test_unlinked_window(void)
{
    SvmEduConfig cfg = config(64, 4, false, SVM_EDU_STALE_REPORT);
    uint64_t root, pa, pde, pte;
    unsigned i;
    FakeGuest fg;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    xlate(&fg, 1, VA, false, &pa);
    pde = fg_entry_addr(&fg, root, 4, VA, 2);
    pte = fg_rd64(&fg, pde) & 0x000ffffffffff000ull;
    for (i = 0; i < 512; i++) {
        fg_wr64(&fg, pte + i * 8, 0);
    }
    fg_wr64(&fg, pde, 0);
    is_u64(xlate(&fg, 1, VA + 4096, false, &pa), SVM_EDU_CS_PAGE_FAULT,
           "unlinked table, not yet flushed: the access faults");
    ok(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_HITS) == 1 &&
       fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE) == 0,
       "the walk started from the cached PDE and is not stale (both fault)");
    fg_destroy(&fg);
}

/* The policies on a stale walk-cache entry (a freed table, no flush). */
static void policy(uint32_t pol)
{
    SvmEduConfig cfg = config(64, 4, false, pol);
    uint64_t root, pa = 0, old_pte, old_frame;
    FakeGuest fg;
    int st;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    xlate(&fg, 1, VA, false, &pa);
    old_frame = fg_va2pa(&fg, root, VA + 4096);
    replace_pte_table(&fg, root, &old_pte);
    /* the old table still holds its PTE for VA + 4096 (not cleared) */
    fg_wr64(&fg, old_pte + 8, old_frame | FG_USER_RW | FG_A);
    inv(&fg, SVM_EDU_INV_PAGE | LEAF, 1, VA);
    st = xlate(&fg, 1, VA + 4096, false, &pa);
    switch (pol) {
    case SVM_EDU_STALE_OFF:
        ok(st == SVM_EDU_CS_SUCCESS && pa == old_frame &&
           !fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE),
           "off: the walk goes on through the old table, unchecked");
        break;
    case SVM_EDU_STALE_REPORT:
        ok(st == SVM_EDU_CS_SUCCESS && pa == fg_va2pa(&fg, root, VA + 4096) &&
           pa != old_frame,
           "report: the walk starts at the root, the new frame");
        is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE), 1,
               "report: counted");
        break;
    case SVM_EDU_STALE_ABORT:
        is_u64(st, SVM_EDU_CS_STALE_ABORT, "abort: the access fails");
        is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE), 1,
               "abort: counted");
        break;
    case SVM_EDU_STALE_USE:
        ok(st == SVM_EDU_CS_SUCCESS && pa == old_frame,
           "use-stale: the walk reads the freed table, as hardware would");
        is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE), 1,
               "use-stale: counted");
        break;
    }
    fg_destroy(&fg);
}

/* A PDE loses R/W (no flush): a write through the cached entry is stale. */
static void test_rights(void)
{
    SvmEduConfig cfg = config(64, 4, false, SVM_EDU_STALE_REPORT);
    uint64_t root, pa, pde;
    uint32_t fault;
    FakeGuest fg;
    int st;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
    xlate(&fg, 1, VA, true, &pa);
    pde = fg_entry_addr(&fg, root, 4, VA, 2);
    fg_wr64(&fg, pde, fg_rd64(&fg, pde) & ~FG_RW);
    st = svm_edu_translate(&fg.core, 1, VA + 4096, false, &pa, &fault);
    ok(st == SVM_EDU_CS_SUCCESS &&
       !fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE),
       "a read through an entry that lost R/W is not stale");
    st = svm_edu_translate(&fg.core, 1, VA + 2 * 4096, true, &pa, &fault);
    ok(st == SVM_EDU_CS_PERM_FAULT &&
       fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE) == 1 &&
       last_info(&fg) == (SVM_EDU_STALE_INFO_WALK | SVM_EDU_STALE_INFO_WRITE |
                          SVM_EDU_STALE_INFO_FEWER_RIGHTS),
       "a write through it is stale (FEWER_RIGHTS), then faults");
    fg_destroy(&fg);
}

/* A PASID rebound to another address space: PASID drops its entries. */
static void reuse(bool flush_pasid)
{
    SvmEduConfig cfg = config(64, 4, false, SVM_EDU_STALE_REPORT);
    uint64_t pa, root2;
    FakeGuest fg;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    fg_process(&fg, 1, VA, PAGES);
    xlate(&fg, 1, VA, false, &pa);
    root2 = fg_process(&fg, 1, VA, PAGES);
    inv(&fg, SVM_EDU_INV_PASID_CACHE, 1, 0);
    if (flush_pasid) {
        inv(&fg, SVM_EDU_INV_PASID, 1, 0);
    }
    ok(xlate(&fg, 1, VA + 4096, false, &pa) == SVM_EDU_CS_SUCCESS &&
       pa == fg_va2pa(&fg, root2, VA + 4096),
       "rebound PASID%s: the new address space's frame",
       flush_pasid ? "" : " without PASID");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALK_CACHE_STALE), !flush_pasid,
           "rebound PASID%s: %s", flush_pasid ? "" : " without PASID",
           flush_pasid ? "no stale walk" : "the old entries are stale");
    fg_destroy(&fg);
}

/* Reset empties the walk cache. */
static void test_reset(void)
{
    SvmEduConfig cfg = config(64, 4, false, SVM_EDU_STALE_REPORT);
    uint64_t pa;
    unsigned i, valid = 0;
    FakeGuest fg;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    fg_process(&fg, 1, VA, PAGES);
    xlate(&fg, 1, VA, false, &pa);
    svm_edu_core_reset(&fg.core);
    for (i = 0; i < cfg.wc_entries; i++) {
        valid += fg.core.wc[i].valid;
    }
    is_u64(valid, 0, "reset empties the walk cache");
    fg_destroy(&fg);
}

int main(void)
{
    test_hits();
    test_levels();
    test_invalidation();
    test_overlap();
    test_unlinked_window();
    collapse(false);
    collapse(true);
    policy(SVM_EDU_STALE_OFF);
    policy(SVM_EDU_STALE_REPORT);
    policy(SVM_EDU_STALE_ABORT);
    policy(SVM_EDU_STALE_USE);
    test_rights();
    reuse(true);
    reuse(false);
    test_reset();
    return tap_done();
}
