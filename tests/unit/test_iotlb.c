// SPDX-License-Identifier: MIT
/*
 * Unit tests of the IOTLB and PASID cache: hits and misses, page-size
 * awareness, LRU replacement, every invalidation type, the probe register.
 */
#include <string.h>

#include "fake_guest.h"
#include "tap.h"

#define VA 0x40000000ull

static int xlate(FakeGuest *fg, uint32_t pasid, uint64_t va, bool write,
                 uint64_t *pa)
{
    uint32_t fault;

    return svm_edu_translate(&fg->core, pasid, va, write, pa, &fault);
}

static uint64_t probe(FakeGuest *fg, uint32_t pasid, uint64_t va)
{
    fg_set_reg(fg, SVM_EDU_REG_PROBE_PASID, pasid);
    fg_set_reg(fg, SVM_EDU_REG_PROBE_ADDR, va);
    return fg_reg(fg, SVM_EDU_REG_PROBE_RESULT);
}

static void inv_cmd(FakeGuest *fg, uint32_t cmd, uint32_t pasid, uint64_t addr)
{
    fg_set_reg(fg, SVM_EDU_REG_INV_PASID, pasid);
    fg_set_reg(fg, SVM_EDU_REG_INV_ADDR, addr);
    fg_set_reg(fg, SVM_EDU_REG_INV_CMD, cmd);
}

static void test_hit_miss_and_sizes(void)
{
    FakeGuest fg;
    uint64_t root, pa, r;

    fg_init(&fg, NULL);
    root = fg_process(&fg, 1, VA, 2);
    fg_map(&fg, root, 4, 0x80000000ull, 0x1000000, SVM_EDU_PGSZ_2M, FG_USER_RW);

    xlate(&fg, 1, VA, false, &pa);
    xlate(&fg, 1, VA + 8, false, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_IOTLB_MISSES), 1, "first access misses");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_IOTLB_HITS), 1, "second access to the page hits");
    is_u64(pa, fg_va2pa(&fg, root, VA + 8), "hit returns the right address");

    xlate(&fg, 1, 0x80000000ull, true, &pa);
    xlate(&fg, 1, 0x80000000ull + 0x1ff000, true, &pa);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALKS), 2,
           "two pages of one 2 MiB mapping: one walk (one entry)");
    is_u64(pa, 0x1000000 + 0x1ff000, "offset inside the 2 MiB page");
    r = probe(&fg, 1, 0x80000000ull + 0x12345);
    ok((r & SVM_EDU_PROBE_HIT) && (r & SVM_EDU_PROBE_WRITABLE) &&
       ((r & SVM_EDU_PROBE_SIZE_MASK) >> SVM_EDU_PROBE_SIZE_SHIFT) == SVM_EDU_PGSZ_2M &&
       (r & SVM_EDU_PROBE_PA_MASK) == 0x1000000,
       "probe: hit, writable, 2 MiB, frame");
    ok(!(probe(&fg, 2, VA) & SVM_EDU_PROBE_HIT), "probe: other PASID misses");
    ok(!(probe(&fg, 1, VA + 4096) & SVM_EDU_PROBE_HIT), "probe: untouched page misses");
    ok(!(probe(&fg, 1, VA) & SVM_EDU_PROBE_WRITABLE),
       "probe: page only read so far is cached read-only");

    /* a 4 KiB invalidation inside the 2 MiB page drops the whole entry */
    inv_cmd(&fg, SVM_EDU_INV_PAGE, 1, 0x80000000ull + 0x5000);
    ok(!(probe(&fg, 1, 0x80000000ull) & SVM_EDU_PROBE_HIT),
       "4 KiB invalidation drops the 2 MiB entry it overlaps");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_DROPPED), 1, "one entry dropped");
    fg_destroy(&fg);
}

static void test_lru(void)
{
    SvmEduConfig cfg = { .iotlb_entries = 4, .iotlb_ways = 4,
                         .pasid_bits = 20, .la57 = true };
    FakeGuest fg;
    uint64_t pa;
    unsigned i;

    fg_init(&fg, &cfg);
    fg_process(&fg, 1, VA, 6);
    for (i = 0; i < 4; i++) {
        xlate(&fg, 1, VA + i * 4096, false, &pa);
    }
    xlate(&fg, 1, VA, false, &pa);          /* page 0 is now the newest */
    xlate(&fg, 1, VA + 4 * 4096, false, &pa);
    ok(!(probe(&fg, 1, VA + 4096) & SVM_EDU_PROBE_HIT),
       "LRU: the least recently used page (1) was evicted");
    ok((probe(&fg, 1, VA) & SVM_EDU_PROBE_HIT) &&
       (probe(&fg, 1, VA + 2 * 4096) & SVM_EDU_PROBE_HIT),
       "LRU: recently used pages stay");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_IOTLB_EVICTIONS), 1, "one eviction counted");
    xlate(&fg, 1, VA + 5 * 4096, false, &pa);
    ok(!(probe(&fg, 1, VA + 2 * 4096) & SVM_EDU_PROBE_HIT),
       "LRU: next victim is page 2");
    ok(probe(&fg, 1, VA + 3 * 4096) & SVM_EDU_PROBE_HIT,
       "probe does not refresh LRU state (page 3 still cached)");
    fg_destroy(&fg);
}

static void test_invalidations(void)
{
    FakeGuest fg;
    uint64_t pa, root2;
    unsigned i, cached;

    fg_init(&fg, NULL);
    fg_enable(&fg);
    fg_process(&fg, 1, VA, 8);
    root2 = fg_alloc_table(&fg);
    fg_map(&fg, root2, 4, VA, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K, FG_USER_RW);
    fg_set_pasid(&fg, 2, FG_PE_DEFAULT, root2);
    for (i = 0; i < 8; i++) {
        xlate(&fg, 1, VA + i * 4096, false, &pa);
    }
    xlate(&fg, 2, VA, false, &pa);

    inv_cmd(&fg, SVM_EDU_INV_PAGE | 2 << 8, 1, VA + 4 * 4096);
    for (cached = 0, i = 0; i < 8; i++) {
        cached += !!(probe(&fg, 1, VA + i * 4096) & SVM_EDU_PROBE_HIT);
    }
    ok(cached == 4 && !(probe(&fg, 1, VA + 4 * 4096) & SVM_EDU_PROBE_HIT) &&
       (probe(&fg, 1, VA + 3 * 4096) & SVM_EDU_PROBE_HIT),
       "PAGE order 2 drops exactly pages 4..7");
    ok(probe(&fg, 2, VA) & SVM_EDU_PROBE_HIT, "PAGE leaves other PASIDs alone");

    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    inv_cmd(&fg, SVM_EDU_INV_PAGE | 2 << 8, 1, VA + 4096);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_DESC,
       "PAGE with an address not aligned to its size is refused");
    ok(probe(&fg, 1, VA + 4096) & SVM_EDU_PROBE_HIT, "refused command drops nothing");

    inv_cmd(&fg, SVM_EDU_INV_PASID, 1, 0);
    ok(!(probe(&fg, 1, VA) & SVM_EDU_PROBE_HIT) && (probe(&fg, 2, VA) & SVM_EDU_PROBE_HIT),
       "PASID drops that PASID only");
    xlate(&fg, 1, VA, false, &pa);
    inv_cmd(&fg, SVM_EDU_INV_GLOBAL, 0, 0);
    ok(!(probe(&fg, 1, VA) & SVM_EDU_PROBE_HIT) && !(probe(&fg, 2, VA) & SVM_EDU_PROBE_HIT),
       "GLOBAL drops everything");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_PAGE), 1, "PAGE commands counted (refused one not)");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_PASID), 1, "PASID commands counted");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_GLOBAL), 1, "GLOBAL commands counted");

    /* PASID cache: a new root is only seen after PASID_CACHE */
    fg_set_pasid(&fg, 1, FG_PE_DEFAULT, root2);
    xlate(&fg, 1, VA, false, &pa);
    inv_cmd(&fg, SVM_EDU_INV_GLOBAL, 0, 0);
    xlate(&fg, 1, VA, false, &pa);
    ok(pa != fg_va2pa(&fg, root2, VA), "without PASID_CACHE the old root is still used");
    inv_cmd(&fg, SVM_EDU_INV_PASID_CACHE, 1, 0);
    inv_cmd(&fg, SVM_EDU_INV_GLOBAL, 0, 0);
    xlate(&fg, 1, VA, false, &pa);
    is_u64(pa, fg_va2pa(&fg, root2, VA), "after PASID_CACHE the new root is used");
    inv_cmd(&fg, SVM_EDU_INV_PASID_CACHE | SVM_EDU_INV_CMD_ALL_PASIDS, 0, 0);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_PASID_CACHE), 2, "PASID_CACHE commands counted");
    fg_destroy(&fg);
}

int main(void)
{
    test_hit_miss_and_sizes();
    test_lru();
    test_invalidations();
    return tap_done();
}
