// SPDX-License-Identifier: MIT
/*
 * Unit tests of the stale-translation checker: what counts as stale, the
 * log, and the four policies.
 */
#include <string.h>

#include "fake_guest.h"
#include "tap.h"

#define VA  0x40000000ull
#define REC 0x50000000ull

static FakeGuest fg;
static uint64_t root, pte, f1, f2, rec_pa;

static void setup(uint32_t policy)
{
    fg_init(&fg, NULL);
    fg_enable(&fg);
    fg_set_reg(&fg, SVM_EDU_REG_STALE_POLICY, policy);
    root = fg_process(&fg, 1, VA, 2);
    fg_map(&fg, root, 4, REC, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K, FG_USER_RW);
    rec_pa = fg_va2pa(&fg, root, REC);
    pte = fg_entry_addr(&fg, root, 4, VA, 1);
    f1 = fg_rd64(&fg, pte) & 0x000ffffffffff000ull;
    f2 = fg_alloc_frame(&fg);
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

static uint8_t copy_from(uint64_t src, uint64_t dst)
{
    struct svm_edu_desc d = { .opcode = SVM_EDU_OP_COPY, .pasid = 1,
        .src = src, .dst = dst, .len = 8,
        .flags = SVM_EDU_DESC_F_RECORD, .completion = REC };

    fg.ram[rec_pa] = 0;
    fg_submit(&fg, &d);
    return fg.ram[rec_pa];
}

static uint64_t stale(void)
{
    return fg_counter(&fg, SVM_EDU_CNT_STALE);
}

/* Remap VA from f1 to f2 behind the device's back (no invalidation). */
static void remap(void)
{
    fg_wr64(&fg, pte, f2 | FG_USER_RW | FG_A | FG_D);
}

static void test_report(void)
{
    uint32_t info;

    setup(SVM_EDU_STALE_REPORT);
    fill(VA, 0xaa);
    remap();
    is_u64(fill(VA, 0xbb), SVM_EDU_CS_SUCCESS, "report: descriptor succeeds");
    is_u64(stale(), 1, "report: one stale access counted");
    is_u64(fg.ram[f2], 0xbb, "report: the fresh translation was used");
    is_u64(fg.ram[f1], 0xaa, "report: the old frame was not written");
    is_u64(fg_reg(&fg, SVM_EDU_REG_STALE_COUNT), 1, "STALE_COUNT register");
    info = fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_INFO);
    ok(fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_PASID) == 1 &&
       fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_VA) == VA &&
       fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_CACHED_PA) == f1 &&
       fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_FRESH_PA) == f2,
       "log entry: PASID, VA, cached and fresh PA");
    is_u64(info, SVM_EDU_STALE_INFO_OTHER_FRAME | SVM_EDU_STALE_INFO_WRITE,
           "log entry: other frame, write");
    fill(VA, 0xcc);
    is_u64(stale(), 1, "report refreshed the entry: no second event");

    /* after a proper invalidation, nothing is stale */
    fg_wr64(&fg, pte, f1 | FG_USER_RW);
    fg_set_reg(&fg, SVM_EDU_REG_INV_PASID, 1);
    fg_set_reg(&fg, SVM_EDU_REG_INV_ADDR, VA);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PAGE);
    fill(VA, 0xdd);
    is_u64(stale(), 1, "remap + invalidation: no stale access");

    /* not present */
    fg_wr64(&fg, pte, 0);
    is_u64(fill(VA, 0xee), SVM_EDU_CS_PAGE_FAULT,
           "unmapped behind the device's back: the fresh walk faults");
    is_u64(stale(), 2, "and the use of the cached entry was stale");
    is_u64(fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_STRIDE +
                  SVM_EDU_STALE_LOG_FRESH_PA), SVM_EDU_STALE_NOT_PRESENT_PA,
           "log entry: fresh PA all ones when not present");
    ok(fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_STRIDE +
              SVM_EDU_STALE_LOG_INFO) & SVM_EDU_STALE_INFO_NOT_PRESENT,
       "log entry: not present");

    fg_set_reg(&fg, SVM_EDU_REG_COUNTER_RESET, 1);
    is_u64(stale() + fg_reg(&fg, SVM_EDU_REG_STALE_COUNT), 0, "COUNTER_RESET clears the log count");
    fg_destroy(&fg);
}

static void test_rights(void)
{
    setup(SVM_EDU_STALE_REPORT);
    fill(VA, 0x11);
    fg_wr64(&fg, pte, f1 | FG_P | FG_US | FG_A | FG_D);     /* now read-only */
    is_u64(copy_from(VA, VA + 4096), SVM_EDU_CS_SUCCESS, "read through a now read-only page");
    is_u64(stale(), 0, "a read the table still allows is not stale");
    is_u64(fill(VA, 0x22), SVM_EDU_CS_PERM_FAULT, "write to a now read-only page faults");
    is_u64(stale(), 1, "the write through the cached writable entry was stale");
    ok(fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_INFO) &
       SVM_EDU_STALE_INFO_FEWER_RIGHTS, "log entry: fewer rights");
    is_u64(fg.ram[f1], 0x11, "nothing was written");
    fg_destroy(&fg);

    /* cached read-only, page made writable without a flush: conservative */
    setup(SVM_EDU_STALE_REPORT);
    fg_wr64(&fg, pte, f1 | FG_P | FG_US);
    copy_from(VA, VA + 4096);
    fg_wr64(&fg, pte, f1 | FG_USER_RW | FG_A);
    is_u64(fill(VA, 0x33), SVM_EDU_CS_SUCCESS,
           "write after an unflushed permission upgrade succeeds (re-walk)");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_FAULT_REWALK), 1, "one re-walk counted");
    is_u64(stale(), 0, "a conservative cached entry is not stale");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_FAULT_PERM), 0, "no permission fault reported");
    fg_destroy(&fg);
}

/* The kernel cleans a page (D cleared) behind the device's back. */
static void test_clean(void)
{
    setup(SVM_EDU_STALE_REPORT);
    fill(VA, 0x11);
    ok(fg_rd64(&fg, pte) & FG_D, "the device's write set D");
    fg_wr64(&fg, pte, fg_rd64(&fg, pte) & ~FG_D);
    is_u64(copy_from(VA, VA + 4096), SVM_EDU_CS_SUCCESS, "read of a cleaned page");
    is_u64(stale(), 0, "a read through the cached entry is not stale");
    is_u64(fill(VA, 0x22), SVM_EDU_CS_SUCCESS, "write to the cleaned page");
    is_u64(stale(), 1, "the write through the cached dirty entry was stale");
    ok(fg_reg(&fg, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_INFO) &
       SVM_EDU_STALE_INFO_CLEAN, "log entry: clean");
    ok(fg_rd64(&fg, pte) & FG_D, "report: the fresh walk set D again");
    fg_destroy(&fg);
}

static void test_policies(void)
{
    setup(SVM_EDU_STALE_ABORT);
    fill(VA, 0xaa);
    remap();
    is_u64(fill(VA, 0xbb), SVM_EDU_CS_STALE_ABORT, "abort: descriptor fails with STALE_ABORT");
    ok(fg.ram[f1] == 0xaa && fg.ram[f2] == 0, "abort: neither frame written");
    is_u64(stale(), 1, "abort: counted");
    fg_destroy(&fg);

    setup(SVM_EDU_STALE_USE);
    fill(VA, 0xaa);
    remap();
    is_u64(fill(VA, 0xbb), SVM_EDU_CS_SUCCESS, "use-stale: descriptor succeeds");
    ok(fg.ram[f1] == 0xbb && fg.ram[f2] == 0,
       "use-stale: data went to the old frame, as real hardware would");
    is_u64(stale(), 1, "use-stale: counted");
    fg_destroy(&fg);

    setup(SVM_EDU_STALE_OFF);
    fill(VA, 0xaa);
    remap();
    fill(VA, 0xbb);
    ok(fg.ram[f1] == 0xbb && stale() == 0, "off: no check, old frame written");
    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_set_reg(&fg, SVM_EDU_REG_STALE_POLICY, 7);
    ok((fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_BAD_ACCESS) &&
       fg_reg(&fg, SVM_EDU_REG_STALE_POLICY) == SVM_EDU_STALE_OFF,
       "unknown policy refused, old one kept");
    fg_destroy(&fg);
}

int main(void)
{
    test_report();
    test_rights();
    test_clean();
    test_policies();
    return tap_done();
}
