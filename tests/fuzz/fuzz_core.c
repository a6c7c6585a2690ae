// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness over the device core: the input is a short program of
 * guest actions (write guest memory, page tables included; fill submission
 * and invalidation descriptors; ring doorbells; poke registers) run against
 * a fake guest that starts with one bound process (the first byte picks the
 * stale policy and the x- test knobs). Sanitizers catch memory
 * and undefined-behaviour bugs; the asserts below catch broken invariants.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "fake_guest.h"

#define VA      0x10000000ull
#define PAGES   16
#define MAX_OPS 64

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static uint64_t take(Input *in, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < bytes && in->left; i++, in->left--) {
        v |= (uint64_t)*in->p++ << (8 * i);
    }
    return v;
}

static void take_buf(Input *in, uint8_t *buf, size_t len)
{
    size_t n = len < in->left ? len : in->left;

    memcpy(buf, in->p, n);
    memset(buf + n, 0, len - n);
    in->p += n;
    in->left -= n;
}

static void check_invariants(FakeGuest *fg)
{
    SvmEduCore *s = &fg->core;
    uint32_t i;

    /* Held translations are page-aligned 4 KiB ranges. */
    for (i = 0; i < SVM_EDU_NR_HELD; i++) {
        if (s->held[i].valid) {
            assert(!(s->held[i].va & (SVM_EDU_PAGE_SIZE - 1)));
            assert(s->held[i].size == SVM_EDU_PAGE_SIZE);
        }
    }

    /* Only x-iq-stall-addr stops the invalidation queue. */
    assert(!s->iq_stalled || s->cfg.iq_stall_addr);

    assert(s->sq_size == 0 || s->sq_head < s->sq_size ||
           s->sq_size > SVM_EDU_RING_MAX || (s->sq_size & (s->sq_size - 1)));
    /* Walk-cache entries: an upper level the property allows. */
    for (i = 0; i < s->cfg.wc_entries; i++) {
        const SvmEduWcEntry *e = &s->wc[i];

        if (e->valid) {
            assert(e->level >= 2 && e->level <= 1 + s->cfg.wc_levels);
            assert(e->level <= (e->la57 ? 5 : 4));
            assert(!(e->table & 0xfff));
        }
    }
    for (i = 0; i < s->cfg.iotlb_entries; i++) {
        const SvmEduIotlbEntry *e = &s->iotlb[i];

        if (e->valid) {
            assert(e->pgsz <= SVM_EDU_PGSZ_1G);
            assert(!(e->va & (svm_edu_page_size(e->pgsz) - 1)));
            assert(!(e->pa & (svm_edu_page_size(e->pgsz) - 1)));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64_t regs64[] = {
        SVM_EDU_REG_PASID_TABLE, SVM_EDU_REG_SQ_BASE, SVM_EDU_REG_INV_ADDR,
        SVM_EDU_REG_IQ_BASE, SVM_EDU_REG_PROBE_ADDR,
    };
    Input in = { data, size };
    SvmEduConfig cfg = {
        .iotlb_entries = 16, .iotlb_ways = 4, .pasid_bits = 20, .la57 = true,
    };
    FakeGuest fg;
    unsigned ops;
    uint32_t i;
    uint8_t knobs = take(&in, 1);
    uint8_t wc = take(&in, 1);

    cfg.stale_policy = knobs & 3;
    cfg.keep_src_across_prq = knobs & 4;
    cfg.run_ended_binding = knobs & 8;
    cfg.iq_stall_addr = (knobs & 16) ? VA + 0x1000 : 0;
    /* The walk cache: on unless bit 0; small, to be evicted from. */
    cfg.wc_entries = (wc & 1) ? 0 : 1u << (wc >> 1 & 3);
    cfg.wc_levels = 1 + (wc >> 3 & 3);
    cfg.wc_keep = wc & 32;
    fg_ram_size = FG_FRAMES + 64 * 4096;    /* enough for this process */
    fg_init(&fg, &cfg);
    fg_enable(&fg);
    fg_process(&fg, 1, VA, PAGES);

    for (ops = 0; ops < MAX_OPS && in.left; ops++) {
        uint8_t op = take(&in, 1);
        uint8_t raw[64];
        uint64_t at, v;

        switch (op % 8) {
        case 0:     /* write a word anywhere in RAM */
            at = (take(&in, 3) % fg.ram_size) & ~7ull;
            fg_wr64(&fg, at, take(&in, 8));
            break;
        case 1:     /* rewrite a page-table entry of the process */
            at = FG_PT_POOL + ((take(&in, 2) * 8) % (fg.pt_next - FG_PT_POOL));
            fg_wr64(&fg, at, take(&in, 8));
            break;
        case 2:     /* a descriptor at the SQ tail, then the doorbell */
            take_buf(&in, raw, 64);
            i = fg_reg(&fg, SVM_EDU_REG_SQ_TAIL) % 64;
            memcpy(fg.ram + FG_SQ_BASE + i * 64, raw, 64);
            fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, (i + 1) % 64);
            break;
        case 3:     /* an invalidation descriptor, then the doorbell */
            take_buf(&in, raw, 32);
            i = fg_reg(&fg, SVM_EDU_REG_IQ_TAIL) % 64;
            memcpy(fg.ram + FG_IQ_BASE + i * 32, raw, 32);
            fg_set_reg(&fg, SVM_EDU_REG_IQ_TAIL, (i + 1) % 64);
            break;
        case 4:     /* any register write, any size */
            at = take(&in, 2) % (SVM_EDU_BAR0_SIZE + 16);
            v = take(&in, 8);
            svm_edu_core_write(&fg.core, at, v, 1u << (take(&in, 1) % 4));
            break;
        case 5:     /* any register read */
            at = take(&in, 2) % (SVM_EDU_BAR0_SIZE + 16);
            svm_edu_core_read(&fg.core, at, 1u << (take(&in, 1) % 4));
            break;
        case 6:     /* a 64-bit register set to a fuzzed value */
            v = take(&in, 8);
            fg_set_reg(&fg, regs64[take(&in, 1) % 5], v);
            break;
        case 7:     /* a global invalidation really empties the IOTLB */
            fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_GLOBAL);
            for (i = 0; i < cfg.iotlb_entries; i++) {
                assert(!fg.core.iotlb[i].valid);
            }
            for (i = 0; i < cfg.wc_entries; i++) {
                assert(!fg.core.wc[i].valid);
            }
            break;
        }
        fg.core.throttle_us = 0;    /* a slow engine only slows fuzzing */
        svm_edu_core_run_pending(&fg.core);
        check_invariants(&fg);
    }
    fg_destroy(&fg);
    return 0;
}
