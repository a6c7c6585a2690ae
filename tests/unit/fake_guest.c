// SPDX-License-Identifier: MIT
/*
 * A fake guest for the device core's unit tests and fuzzer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "fake_guest.h"

uint64_t fg_ram_size = FG_RAM_SIZE;

static bool in_ram(const FakeGuest *fg, uint64_t pa, uint64_t len)
{
    return pa < fg->ram_size && len <= fg->ram_size - pa;
}

static int fg_mem_read(void *opaque, uint64_t pa, void *buf, uint32_t len)
{
    FakeGuest *fg = opaque;

    if (!in_ram(fg, pa, len)) {
        return -1;
    }
    memcpy(buf, fg->ram + pa, len);
    if (fg->read_hook) {
        fg->read_hook(fg, pa);
    }
    return 0;
}

static int fg_mem_write(void *opaque, uint64_t pa, const void *buf,
                        uint32_t len)
{
    FakeGuest *fg = opaque;

    if (!in_ram(fg, pa, len)) {
        return -1;
    }
    memcpy(fg->ram + pa, buf, len);
    return 0;
}

static int fg_mem_cmpxchg64(void *opaque, uint64_t pa, uint64_t expected,
                            uint64_t desired, uint64_t *seen)
{
    FakeGuest *fg = opaque;
    uint64_t *p;

    if ((pa & 7) || !in_ram(fg, pa, 8)) {
        return -1;
    }
    p = (uint64_t *)(fg->ram + pa);     /* the host is little-endian */
    __atomic_compare_exchange_n(p, &expected, desired, false,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    *seen = expected;
    return 0;
}

static int fg_mem_copy(void *opaque, uint64_t dst, uint64_t src, uint32_t len)
{
    FakeGuest *fg = opaque;

    if (!in_ram(fg, dst, len) || !in_ram(fg, src, len)) {
        return -1;
    }
    memmove(fg->ram + dst, fg->ram + src, len);
    return 0;
}

static void fg_raise_irq(void *opaque, unsigned vec)
{
    FakeGuest *fg = opaque;

    __atomic_add_fetch(&fg->irqs[vec], 1, __ATOMIC_SEQ_CST);
}

static void fg_guest_error(void *opaque, const char *msg)
{
    FakeGuest *fg = opaque;

    fg->guest_errors++;
    snprintf(fg->last_error, sizeof(fg->last_error), "%s", msg);
}

static uint64_t fg_now_ns(void *opaque)
{
    struct timespec ts;

    (void)opaque;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

const SvmEduHostOps fg_ops = {
    .mem_read = fg_mem_read,
    .mem_write = fg_mem_write,
    .mem_cmpxchg64 = fg_mem_cmpxchg64,
    .mem_copy = fg_mem_copy,
    .raise_irq = fg_raise_irq,
    .guest_error = fg_guest_error,
    .now_ns = fg_now_ns,
};

void fg_init(FakeGuest *fg, const SvmEduConfig *cfg)
{
    static const SvmEduConfig def = {
        .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20,
        .la57 = true, .stale_policy = SVM_EDU_STALE_REPORT,
        .wc_entries = 64, .wc_levels = 4,
    };

    memset(fg, 0, sizeof(*fg));
    fg->ram_size = fg_ram_size;
    fg->ram = calloc(1, fg->ram_size);
    if (!fg->ram || svm_edu_core_init(&fg->core, cfg ? cfg : &def, &fg_ops, fg)) {
        fprintf(stderr, "fake guest: out of memory\n");
        exit(2);
    }
    fg->pt_next = FG_PT_POOL;
    fg->frame_next = FG_FRAMES;
}

void fg_destroy(FakeGuest *fg)
{
    svm_edu_core_destroy(&fg->core);
    free(fg->ram);
}

uint64_t fg_rd64(FakeGuest *fg, uint64_t pa)
{
    uint64_t v;

    memcpy(&v, fg->ram + pa, 8);
    return v;
}

void fg_wr64(FakeGuest *fg, uint64_t pa, uint64_t v)
{
    memcpy(fg->ram + pa, &v, 8);
}

uint64_t fg_alloc_table(FakeGuest *fg)
{
    uint64_t t = fg->pt_next;

    if (t >= FG_PT_POOL_END) {
        fprintf(stderr, "fake guest: page-table pool exhausted\n");
        exit(2);
    }
    fg->pt_next += 4096;
    memset(fg->ram + t, 0, 4096);
    return t;
}

uint64_t fg_alloc_frame(FakeGuest *fg)
{
    uint64_t f = fg->frame_next;

    if (f + 4096 > fg->ram_size) {
        fprintf(stderr, "fake guest: frames exhausted\n");
        exit(2);
    }
    fg->frame_next += 4096;
    return f;
}

static unsigned idx(uint64_t va, unsigned level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

uint64_t fg_map(FakeGuest *fg, uint64_t root, unsigned levels, uint64_t va,
                uint64_t pa, unsigned pgsz, uint64_t flags)
{
    uint64_t table = root;
    unsigned level;

    for (level = levels; level > pgsz + 1; level--) {
        uint64_t at = table + idx(va, level) * 8;
        uint64_t e = fg_rd64(fg, at);

        if (!(e & FG_P)) {
            e = fg_alloc_table(fg) | FG_USER_RW;
            fg_wr64(fg, at, e);
        }
        table = e & 0x000ffffffffff000ull;
    }
    table += idx(va, level) * 8;
    fg_wr64(fg, table, pa | flags | (pgsz ? FG_PS : 0));
    return table;
}

uint64_t fg_entry_addr(FakeGuest *fg, uint64_t root, unsigned levels,
                       uint64_t va, unsigned level)
{
    uint64_t table = root;
    unsigned l;

    for (l = levels; l > level; l--) {
        uint64_t e = fg_rd64(fg, table + idx(va, l) * 8);

        if (!(e & FG_P) || (e & FG_PS)) {
            return 0;
        }
        table = e & 0x000ffffffffff000ull;
    }
    return table + idx(va, level) * 8;
}

void fg_set_pasid(FakeGuest *fg, uint32_t pasid, uint64_t flags,
                  uint64_t root)
{
    fg_set_pasid_gen(fg, pasid, flags, root, 0);
}

void fg_set_pasid_gen(FakeGuest *fg, uint32_t pasid, uint64_t flags,
                      uint64_t root, uint32_t gen)
{
    uint64_t at = FG_PASID_TABLE + pasid * SVM_EDU_PASID_ENTRY_SIZE;

    fg_wr64(fg, at + SVM_EDU_PE_FLAGS, flags);
    fg_wr64(fg, at + SVM_EDU_PE_PGD, root);
    fg_wr64(fg, at + SVM_EDU_PE_GEN, gen);
    fg_set_reg(fg, SVM_EDU_REG_PASID_TABLE, FG_PASID_TABLE);
    fg_set_reg(fg, SVM_EDU_REG_PASID_ENTRIES, 64);
}

static bool fg_is64(uint64_t reg)
{
    switch (reg) {
    case SVM_EDU_REG_CAP:
    case SVM_EDU_REG_PASID_TABLE:
    case SVM_EDU_REG_SQ_BASE:
    case SVM_EDU_REG_INV_ADDR:
    case SVM_EDU_REG_IQ_BASE:
    case SVM_EDU_REG_PROBE_ADDR:
    case SVM_EDU_REG_PROBE_RESULT:
        return true;
    }
    if (reg >= SVM_EDU_REG_STALE_LOG &&
        reg < SVM_EDU_REG_STALE_LOG +
              SVM_EDU_STALE_LOG_ENTRIES * SVM_EDU_STALE_LOG_STRIDE) {
        return (reg - SVM_EDU_REG_STALE_LOG) % SVM_EDU_STALE_LOG_STRIDE >=
               SVM_EDU_STALE_LOG_VA;
    }
    return reg >= SVM_EDU_REG_COUNTERS &&
           reg < SVM_EDU_REG_COUNTERS + 8 * SVM_EDU_NR_COUNTERS;
}

uint64_t fg_reg(FakeGuest *fg, uint64_t reg)
{
    return svm_edu_core_read(&fg->core, reg, fg_is64(reg) ? 8 : 4);
}

void fg_set_reg(FakeGuest *fg, uint64_t reg, uint64_t val)
{
    svm_edu_core_write(&fg->core, reg, val, fg_is64(reg) ? 8 : 4);
}

uint64_t fg_counter(FakeGuest *fg, enum svm_edu_counter c)
{
    return svm_edu_core_read(&fg->core, SVM_EDU_REG_COUNTERS + 8 * c, 8);
}

void fg_enable(FakeGuest *fg)
{
    fg_set_reg(fg, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE);
    fg_set_reg(fg, SVM_EDU_REG_SQ_BASE, FG_SQ_BASE);
    fg_set_reg(fg, SVM_EDU_REG_SQ_SIZE, 64);
    fg_set_reg(fg, SVM_EDU_REG_IQ_BASE, FG_IQ_BASE);
    fg_set_reg(fg, SVM_EDU_REG_IQ_SIZE, 64);
}

void fg_put_desc(FakeGuest *fg, uint64_t at, const struct svm_edu_desc *d)
{
    uint8_t *b = fg->ram + at;

    svm_edu_st_le(b + 0, d->opcode, 2);
    svm_edu_st_le(b + 2, d->flags, 2);
    svm_edu_st_le(b + 4, d->pasid, 4);
    svm_edu_st_le(b + 8, d->src, 8);
    svm_edu_st_le(b + 16, d->dst, 8);
    svm_edu_st_le(b + 24, d->len, 4);
    svm_edu_st_le(b + 28, d->bind_gen, 4);
    svm_edu_st_le(b + 32, d->pattern, 8);
    svm_edu_st_le(b + 40, d->completion, 8);
    svm_edu_st_le(b + 48, d->cookie, 8);
    svm_edu_st_le(b + 56, d->rsvd1, 8);
}

uint32_t fg_submit(FakeGuest *fg, const struct svm_edu_desc *d)
{
    uint32_t tail = fg_reg(fg, SVM_EDU_REG_SQ_TAIL);

    fg_put_desc(fg, FG_SQ_BASE + tail * SVM_EDU_DESC_SIZE, d);
    fg_set_reg(fg, SVM_EDU_REG_SQ_TAIL, (tail + 1) % 64);
    svm_edu_core_run_pending(&fg->core);
    return tail;
}

void fg_inv(FakeGuest *fg, const struct svm_edu_inv_desc *d, unsigned n)
{
    uint32_t tail = fg_reg(fg, SVM_EDU_REG_IQ_TAIL);
    unsigned i;

    for (i = 0; i < n; i++) {
        uint8_t *b = fg->ram + FG_IQ_BASE + tail * SVM_EDU_INV_DESC_SIZE;

        svm_edu_st_le(b + 0, d[i].cmd, 4);
        svm_edu_st_le(b + 4, d[i].pasid, 4);
        svm_edu_st_le(b + 8, d[i].addr, 8);
        svm_edu_st_le(b + 16, d[i].data, 4);
        svm_edu_st_le(b + 20, d[i].rsvd0, 4);
        svm_edu_st_le(b + 24, d[i].rsvd1, 8);
        tail = (tail + 1) % 64;
    }
    fg_set_reg(fg, SVM_EDU_REG_IQ_TAIL, tail);
}

void fg_read_phys(FakeGuest *fg, uint64_t pa, void *buf, uint32_t len)
{
    memcpy(buf, fg->ram + pa, len);
}

void fg_write_phys(FakeGuest *fg, uint64_t pa, const void *buf, uint32_t len)
{
    memcpy(fg->ram + pa, buf, len);
}

uint64_t fg_process(FakeGuest *fg, uint32_t pasid, uint64_t va,
                    unsigned pages)
{
    uint64_t root = fg_alloc_table(fg);
    unsigned i;

    for (i = 0; i < pages; i++) {
        fg_map(fg, root, 4, va + i * 4096ull, fg_alloc_frame(fg),
               SVM_EDU_PGSZ_4K, FG_USER_RW);
    }
    fg_set_pasid(fg, pasid, FG_PE_DEFAULT, root);
    return root;
}

uint64_t fg_va2pa(FakeGuest *fg, uint64_t root, uint64_t va)
{
    uint64_t table = root;
    unsigned level;

    for (level = 4; level >= 1; level--) {
        uint64_t e = fg_rd64(fg, table + idx(va, level) * 8);
        uint64_t size = 1ull << (12 + 9 * (level - 1));

        if (!(e & FG_P)) {
            return ~0ull;
        }
        if (level == 1 || (e & FG_PS)) {
            return (e & 0x000ffffffffff000ull & ~(size - 1)) + (va & (size - 1));
        }
        table = e & 0x000ffffffffff000ull;
    }
    return ~0ull;
}

void fg_record(FakeGuest *fg, uint64_t pa, struct svm_edu_completion *c)
{
    const uint8_t *b = fg->ram + pa;

    c->status = b[0];
    c->fault_info = b[1];
    c->result = b[2];
    c->rsvd0 = b[3];
    c->bytes_completed = svm_edu_ld_le(b + 4, 4);
    c->fault_addr = svm_edu_ld_le(b + 8, 8);
    c->cookie = svm_edu_ld_le(b + 16, 8);
    c->rsvd1 = svm_edu_ld_le(b + 24, 8);
}

bool fg_wait_prq_tail(FakeGuest *fg, uint32_t n)
{
    int i;

    for (i = 0; i < 2000; i++) {
        if (fg_reg(fg, SVM_EDU_REG_PRQ_TAIL) == n) {
            return true;
        }
        usleep(1000);
    }
    return false;
}

uint8_t fg_wait_status(FakeGuest *fg, uint64_t rec_pa)
{
    int i;

    for (i = 0; i < 2000; i++) {
        uint8_t st = __atomic_load_n(fg->ram + rec_pa, __ATOMIC_ACQUIRE);

        if (st) {
            return st;
        }
        usleep(1000);
    }
    return 0;
}
