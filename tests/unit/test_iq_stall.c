// SPDX-License-Identifier: MIT
/*
 * Unit tests of the x-iq-stall-addr test knob (issue 13, finding 8): the
 * invalidation queue stops at a PAGE command whose range holds the
 * address, neither executing nor consuming it or anything behind it (the
 * WAIT included), while everything else goes on; only a reset clears it.
 */
#include <string.h>

#include "fake_guest.h"
#include "tap.h"

#define VA      0x40000000ull
#define STALL   (VA + 0x3000)   /* the fourth page of the process */
#define PAGES   8

static FakeGuest fg;
static uint64_t root;

static const SvmEduConfig stall_cfg = {
    .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20, .la57 = true,
    .stale_policy = SVM_EDU_STALE_REPORT, .iq_stall_addr = STALL,
};

static uint32_t wait_status(void)
{
    return (uint32_t)fg_rd64(&fg, FG_WAIT_STATUS);
}

/* @cmd on @addr of PASID 1, then a WAIT writing @token. */
static void inv_wait(uint32_t cmd, uint64_t addr, uint32_t token)
{
    struct svm_edu_inv_desc d[2] = {
        { .cmd = cmd, .pasid = 1, .addr = addr },
        { .cmd = SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS,
          .addr = FG_WAIT_STATUS, .data = token },
    };

    fg_inv(&fg, d, 2);
}

static bool cached(uint64_t va)
{
    fg_set_reg(&fg, SVM_EDU_REG_PROBE_PASID, 1);
    fg_set_reg(&fg, SVM_EDU_REG_PROBE_ADDR, va);
    return fg_reg(&fg, SVM_EDU_REG_PROBE_RESULT) & SVM_EDU_PROBE_HIT;
}

static void touch(uint64_t va)
{
    uint32_t fault;
    uint64_t pa;

    svm_edu_translate(&fg.core, 1, va, true, &pa, &fault);
}

static void start(const SvmEduConfig *cfg)
{
    fg_init(&fg, cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, VA, PAGES);
}

static void test_off_by_default(void)
{
    start(NULL);
    touch(STALL);
    inv_wait(SVM_EDU_INV_PAGE, STALL, 1);
    is_u64(wait_status(), 1, "without the property a PAGE + WAIT completes");
    ok(!cached(STALL), "and drops the entry");
    fg_destroy(&fg);
}

static void test_stall(void)
{
    struct svm_edu_desc d = {
        .opcode = SVM_EDU_OP_FILL, .pasid = 1, .dst = VA, .len = 64,
        .pattern = 0x4242424242424242ull,
    };
    uint64_t pages;

    start(&stall_cfg);
    touch(VA);
    touch(STALL);
    inv_wait(SVM_EDU_INV_PAGE, VA, 1);
    is_u64(wait_status(), 1, "a PAGE of another address runs");
    is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_HEAD), 2, "and is consumed");
    inv_wait(SVM_EDU_INV_PAGE, STALL + 0x1000, 2);
    is_u64(wait_status(), 2, "the page after the stall address runs too");

    pages = fg_counter(&fg, SVM_EDU_CNT_INV_PAGE);
    inv_wait(SVM_EDU_INV_PAGE, STALL, 3);
    is_u64(wait_status(), 2,
           "PAGE of the stall address: its WAIT is not answered");
    is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_HEAD), 4, "IQ_HEAD stays on the PAGE");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_PAGE), pages,
           "the PAGE did not run");
    ok(cached(STALL), "the entry it should drop is still cached");
    is_u64(fg_reg(&fg, SVM_EDU_REG_ERROR), 0, "no error is reported");

    inv_wait(SVM_EDU_INV_GLOBAL, 0, 4);
    is_u64(wait_status(), 2, "later doorbells are not consumed either");
    is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_HEAD), 4, "IQ_HEAD has not moved");
    ok(cached(STALL), "nor has the GLOBAL behind it run");

    is_u64(fg.irqs[SVM_EDU_VEC_INV_WAIT], 0, "no INV_WAIT interrupt");
    fg_submit(&fg, &d);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESCRIPTORS), 1,
           "the DMA engine still runs");
    is_u64(fg_rd64(&fg, fg_va2pa(&fg, root, VA)), 0x4242424242424242ull,
           "and its FILL landed");

    fg_set_reg(&fg, SVM_EDU_REG_INV_PASID, 1);
    fg_set_reg(&fg, SVM_EDU_REG_INV_ADDR, STALL);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PAGE);
    ok(!cached(STALL), "the register interface (INV_CMD) is not stalled");

    fg_set_reg(&fg, SVM_EDU_REG_IQ_SIZE, 64);
    inv_wait(SVM_EDU_INV_PAGE, VA, 5);
    is_u64(wait_status(), 2,
           "reprogramming the queue does not clear the stall");
    is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_HEAD), 0, "(head and tail were reset)");

    fg_set_reg(&fg, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
    fg_enable(&fg);
    inv_wait(SVM_EDU_INV_PAGE, VA, 6);
    is_u64(wait_status(), 6, "CTRL.RESET clears the stall: the queue runs");
    is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_HEAD), 2, "and is consumed");
    inv_wait(SVM_EDU_INV_PAGE, STALL, 7);
    is_u64(wait_status(), 6, "the next PAGE of the address stalls again");
    svm_edu_core_reset(&fg.core);       /* what a PCI or system reset does */
    fg_enable(&fg);
    inv_wait(SVM_EDU_INV_PASID, 0, 8);
    is_u64(wait_status(), 8, "a device (PCI) reset clears it too");
    fg_destroy(&fg);
}

/* A PAGE command whose range holds the address, at any order. */
static void test_ranges(void)
{
    static const struct {
        uint32_t order;
        uint64_t addr;
        bool stalls;
    } cases[] = {
        { 0, STALL, true },
        { 0, STALL - 0x1000, false },
        { 0, STALL + 0x1000, false },
        { 1, VA, false },               /* VA .. VA + 0x1fff */
        { 2, VA, true },                /* VA .. VA + 0x3fff */
        { 4, VA, true },
        { 36, 0, true },
    };
    unsigned i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        start(&stall_cfg);
        inv_wait(SVM_EDU_INV_PAGE | cases[i].order << 8, cases[i].addr, 9);
        is_u64(wait_status() == 9, !cases[i].stalls,
               "PAGE order %u at 0x%llx %s", cases[i].order,
               (unsigned long long)cases[i].addr,
               cases[i].stalls ? "stalls" : "runs");
        fg_destroy(&fg);
    }
    start(&stall_cfg);
    inv_wait(SVM_EDU_INV_PASID_CACHE | SVM_EDU_INV_CMD_ALL_PASIDS, 0, 10);
    inv_wait(SVM_EDU_INV_DRAIN, STALL, 11);
    is_u64(wait_status(), 11, "other command types never stall");
    fg_destroy(&fg);
}

int main(void)
{
    test_off_by_default();
    test_stall();
    test_ranges();
    return tap_done();
}
