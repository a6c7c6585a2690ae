// SPDX-License-Identifier: MIT
/*
 * Unit tests of the DMA engine: COPY, FILL, COMPARE across pages, the
 * completion record, faults with partial completion, descriptor
 * validation, PASID checks, ring errors and the device thread.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fake_guest.h"
#include "tap.h"

#define SRC     0x10000000ull
#define DST     0x20000000ull
#define REC     0x30000000ull   /* completion records, 32 bytes each */
#define PAGES   4

static FakeGuest fg;
static uint64_t root, rec_pa;

static void setup(void)
{
    unsigned i;

    fg_init(&fg, NULL);
    fg_enable(&fg);
    root = fg_process(&fg, 1, SRC, PAGES);
    for (i = 0; i < PAGES; i++) {
        fg_map(&fg, root, 4, DST + i * 4096ull, fg_alloc_frame(&fg),
               SVM_EDU_PGSZ_4K, FG_USER_RW);
    }
    fg_map(&fg, root, 4, REC, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    rec_pa = fg_va2pa(&fg, root, REC);
}

/* Read/write @len bytes at @va through the test's own page walk. */
static void vread(uint64_t va, void *buf, uint32_t len)
{
    uint8_t *b = buf;
    uint32_t i;

    for (i = 0; i < len; i++) {
        fg_read_phys(&fg, fg_va2pa(&fg, root, va + i), b + i, 1);
    }
}

static void vwrite(uint64_t va, const void *buf, uint32_t len)
{
    const uint8_t *b = buf;
    uint32_t i;

    for (i = 0; i < len; i++) {
        fg_write_phys(&fg, fg_va2pa(&fg, root, va + i), b + i, 1);
    }
}

static struct svm_edu_completion run(struct svm_edu_desc d)
{
    struct svm_edu_completion c;

    memset(fg.ram + rec_pa, 0, 32);
    if (!d.completion) {
        d.completion = REC;
        d.flags |= SVM_EDU_DESC_F_RECORD;
    }
    if (!d.pasid) {
        d.pasid = 1;
    }
    fg_submit(&fg, &d);
    fg_record(&fg, rec_pa, &c);
    return c;
}

static void test_copy_fill_compare(void)
{
    static uint8_t src[3 * 4096], out[3 * 4096];
    struct svm_edu_completion c;
    uint64_t pat = 0x0123456789abcdefull;
    uint32_t i;
    bool good = true;

    for (i = 0; i < sizeof(src); i++) {
        src[i] = i * 7 + 3;
    }
    vwrite(SRC, src, sizeof(src));
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_COPY,
                .src = SRC + 100, .dst = DST + 50, .len = 8000,
                .cookie = 0xc00c1e });
    is_u64(c.status, SVM_EDU_CS_SUCCESS, "COPY across pages succeeds");
    is_u64(c.bytes_completed, 8000, "COPY: bytes completed");
    is_u64(c.cookie, 0xc00c1e, "completion record carries the cookie");
    vread(DST + 50, out, 8000);
    ok(!memcmp(out, src + 100, 8000), "COPY: data arrived byte for byte");

    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL,
                .dst = DST + 3, .len = 5000, .pattern = pat });
    vread(DST + 3, out, 5000);
    for (i = 0; i < 5000; i++) {
        good = good && out[i] == (uint8_t)(pat >> (8 * (i % 8)));
    }
    ok(c.status == SVM_EDU_CS_SUCCESS && good, "FILL writes the 8-byte pattern");

    vwrite(DST, src, 3 * 4096);
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_COMPARE,
                .src = SRC, .dst = DST, .len = 3 * 4096 });
    ok(c.status == SVM_EDU_CS_SUCCESS && c.result == 0 &&
       c.bytes_completed == 3 * 4096, "COMPARE of equal buffers: result 0");
    out[0] = src[4097] ^ 0xff;
    vwrite(DST + 4097, out, 1);
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_COMPARE,
                .src = SRC, .dst = DST, .len = 3 * 4096 });
    ok(c.status == SVM_EDU_CS_SUCCESS && c.result == 1 &&
       c.bytes_completed == 4097,
       "COMPARE finds the first difference at 4097");
}

static void test_faults(void)
{
    struct svm_edu_completion c;
    uint64_t pte;

    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL,
                .dst = DST + PAGES * 4096ull - 100, .len = 300 });
    is_u64(c.status, SVM_EDU_CS_PAGE_FAULT, "FILL into an unmapped page: page fault");
    is_u64(c.bytes_completed, 100, "partial completion: bytes before the fault");
    is_u64(c.fault_addr, DST + PAGES * 4096ull, "fault address is the first unmapped byte");
    is_u64(c.fault_info, SVM_EDU_FAULT_NOT_PRESENT | SVM_EDU_FAULT_WRITE,
           "fault info: not present, write");

    pte = fg_entry_addr(&fg, root, 4, DST + 4096, 1);
    fg_wr64(&fg, pte, fg_rd64(&fg, pte) & ~FG_RW);
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_COPY,
                .src = SRC, .dst = DST + 4096, .len = 16 });
    is_u64(c.status, SVM_EDU_CS_PERM_FAULT, "COPY into a read-only page: permission fault");
    is_u64(c.fault_info, SVM_EDU_FAULT_WRITE_PROTECT | SVM_EDU_FAULT_WRITE,
           "fault info: write-protect, write");
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_COPY,
                .src = DST + 4096, .dst = DST, .len = 16 });
    is_u64(c.status, SVM_EDU_CS_SUCCESS, "reading a read-only page is fine");
    fg_wr64(&fg, pte, fg_rd64(&fg, pte) | FG_RW);

    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_COPY,
                .src = 0x0000900000000000ull, .dst = DST, .len = 8 });
    is_u64(c.status, SVM_EDU_CS_TRANSLATION_ERROR, "non-canonical source: translation error");
    ok(c.fault_info & SVM_EDU_FAULT_NON_CANONICAL, "fault info says non-canonical");
}

static void test_invalid(void)
{
    static const struct {
        const char *what;
        struct svm_edu_desc d;
    } bad[] = {
        { "unknown opcode", { .opcode = 9, .dst = DST, .len = 8 } },
        { "unknown flag", { .opcode = SVM_EDU_OP_FILL, .flags = 0x80, .dst = DST, .len = 8 } },
        { "flag 3", { .opcode = SVM_EDU_OP_FILL, .flags = 0x8, .dst = DST, .len = 8 } },
        { "reserved field", { .opcode = SVM_EDU_OP_FILL, .dst = DST, .len = 8, .rsvd1 = 1 } },
        { "zero length", { .opcode = SVM_EDU_OP_FILL, .dst = DST, .len = 0 } },
        { "length above the maximum", { .opcode = SVM_EDU_OP_FILL, .dst = DST, .len = SVM_EDU_DESC_MAX_LEN + 1 } },
        { "destination wraps around", { .opcode = SVM_EDU_OP_FILL, .dst = ~0ull - 3, .len = 8 } },
        { "overlapping copy", { .opcode = SVM_EDU_OP_COPY, .src = DST, .dst = DST + 4, .len = 8 } },
    };
    struct svm_edu_completion c;
    unsigned i;
    uint64_t errs;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = run(bad[i].d);
        is_u64(c.status, SVM_EDU_CS_INVALID_DESC, "invalid descriptor: %s", bad[i].what);
    }
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_DESC, "ERROR.DESC set");
    errs = fg_counter(&fg, SVM_EDU_CNT_DESC_ERRORS);
    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_submit(&fg, &(struct svm_edu_desc){ .opcode = SVM_EDU_OP_NOP, .pasid = 1,
              .flags = SVM_EDU_DESC_F_RECORD, .completion = REC + 8 });
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_DESC,
       "misaligned completion record: invalid descriptor");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ERRORS), errs + 1, "counted as a descriptor error");
}

static void test_pasid(void)
{
    struct svm_edu_completion c;
    struct svm_edu_inv_desc inv = { .cmd = SVM_EDU_INV_PASID_CACHE, .pasid = 1 };

    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_submit(&fg, &(struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL,
              .pasid = 5, .dst = DST, .len = 8,
              .flags = SVM_EDU_DESC_F_RECORD, .completion = REC });
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_COMPLETION,
       "unbound PASID: no record can be written, ERROR.COMPLETION");
    is_u64(fg_reg(&fg, SVM_EDU_REG_SQ_ERR_INDEX), fg_reg(&fg, SVM_EDU_REG_SQ_HEAD) - 1,
           "SQ_ERR_INDEX names the failed descriptor");
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL, .pasid = 100000,
                .dst = DST, .len = 8, .completion = REC,
                .flags = SVM_EDU_DESC_F_RECORD });
    is_u64(c.status, SVM_EDU_CS_NONE, "PASID beyond the table: nothing written");

    fg_wr64(&fg, FG_PASID_TABLE + 32, FG_PE_DEFAULT | SVM_EDU_PE_FPD);
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL, .dst = DST, .len = 8 });
    is_u64(c.status, SVM_EDU_CS_SUCCESS, "FPD without a PASID-cache flush: cached entry still used");
    fg_inv(&fg, &inv, 1);
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL, .dst = DST, .len = 8 });
    is_u64(c.status, SVM_EDU_CS_NONE, "FPD after the flush: PASID blocked, no record");
    fg_wr64(&fg, FG_PASID_TABLE + 32, FG_PE_DEFAULT);
    fg_inv(&fg, &inv, 1);
    c = run((struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL, .dst = DST, .len = 8 });
    is_u64(c.status, SVM_EDU_CS_SUCCESS, "PASID usable again after FPD is cleared");
}

static void test_ring(void)
{
    unsigned before = fg.irqs[SVM_EDU_VEC_DMA_DONE];
    uint32_t head;

    fg_submit(&fg, &(struct svm_edu_desc){ .opcode = SVM_EDU_OP_NOP,
              .pasid = 1, .flags = SVM_EDU_DESC_F_IRQ });
    is_u64(fg.irqs[SVM_EDU_VEC_DMA_DONE] - before, 1, "IRQ flag raises DMA_DONE");

    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, 64);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_SQ_CONFIG, "tail beyond the ring: ERROR.SQ_CONFIG");

    fg_set_reg(&fg, SVM_EDU_REG_SQ_BASE, 0x7ff0000000ull);
    fg_set_reg(&fg, SVM_EDU_REG_SQ_SIZE, 64);
    fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, 1);
    svm_edu_core_run_pending(&fg.core);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_SQ_FETCH, "ring outside RAM: ERROR.SQ_FETCH");
    is_u64(fg_reg(&fg, SVM_EDU_REG_SQ_HEAD), 0, "ring halted at the bad descriptor");
    fg_set_reg(&fg, SVM_EDU_REG_SQ_BASE, FG_SQ_BASE);
    fg_set_reg(&fg, SVM_EDU_REG_SQ_SIZE, 64);
    fg_set_reg(&fg, SVM_EDU_REG_CTRL, 0);
    fg_submit(&fg, &(struct svm_edu_desc){ .opcode = SVM_EDU_OP_NOP, .pasid = 1 });
    head = fg_reg(&fg, SVM_EDU_REG_SQ_HEAD);
    is_u64(head, 0, "disabled device does not consume descriptors");
    ok(fg_reg(&fg, SVM_EDU_REG_STATUS) & SVM_EDU_STATUS_DMA_BUSY, "STATUS.DMA_BUSY while pending");
    fg_set_reg(&fg, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE);
    svm_edu_core_run_pending(&fg.core);
    is_u64(fg_reg(&fg, SVM_EDU_REG_SQ_HEAD), 1, "enabling the device runs it");
    ok(fg_counter(&fg, SVM_EDU_CNT_BUSY_NS) > 0, "busy time is counted");
}

static void *worker(void *arg)
{
    svm_edu_core_worker(arg);
    return NULL;
}

static void test_thread(void)
{
    pthread_t t;
    uint32_t tail, i, n = 8;
    bool done = false;
    int spins;

    fg_set_reg(&fg, SVM_EDU_REG_SQ_SIZE, 64);
    pthread_create(&t, NULL, worker, &fg.core);
    memset(fg.ram + rec_pa, 0, 4096);
    for (i = 0; i < n; i++) {
        struct svm_edu_desc d = { .opcode = SVM_EDU_OP_COPY, .pasid = 1,
            .src = SRC, .dst = DST + i * 512, .len = 512,
            .flags = SVM_EDU_DESC_F_RECORD, .completion = REC + 32 * i };
        uint8_t *b = fg.ram + FG_SQ_BASE + i * 64;

        svm_edu_st_le(b, d.opcode, 2);
        svm_edu_st_le(b + 2, d.flags, 2);
        svm_edu_st_le(b + 4, d.pasid, 4);
        svm_edu_st_le(b + 8, d.src, 8);
        svm_edu_st_le(b + 16, d.dst, 8);
        svm_edu_st_le(b + 24, d.len, 4);
        memset(b + 28, 0, 12);
        svm_edu_st_le(b + 40, d.completion, 8);
        memset(b + 48, 0, 16);
    }
    tail = n;
    fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, tail);
    for (spins = 0; spins < 5000 && !done; spins++) {
        done = true;
        for (i = 0; i < n; i++) {
            done = done && __atomic_load_n(fg.ram + rec_pa + 32 * i,
                                           __ATOMIC_ACQUIRE) ==
                           SVM_EDU_CS_SUCCESS;
        }
        usleep(1000);
    }
    ok(done, "device thread completes 8 descriptors rung at once");
    svm_edu_core_stop(&fg.core);
    pthread_join(t, NULL);
    ok(1, "device thread stops and joins");
}

int main(void)
{
    setup();
    test_copy_fill_compare();
    test_faults();
    test_invalid();
    test_pasid();
    test_ring();
    test_thread();
    fg_destroy(&fg);
    return tap_done();
}
