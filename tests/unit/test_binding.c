// SPDX-License-Identifier: MIT
/*
 * Unit tests of the PASID binding's life cycle on the device side (issue
 * 13): binding generations (a descriptor of an ended binding is aborted
 * without touching memory, at its start, after a page-request wait and
 * between chunks; with x-run-ended-binding it runs and every access is
 * reported stale), page requests carrying the generation, a torn PASID
 * entry refused, and the engine honouring stop between chunks.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fake_guest.h"
#include "tap.h"

#define VA      0x40000000ull
#define REC     0x50000000ull
#define PRQ     0x8000ull
#define PAGES   8

static FakeGuest fg;
static uint64_t root, rec_pa;
static pthread_t worker_thread;
static bool worker_running;

static void *worker(void *arg)
{
    svm_edu_core_worker(arg);
    return NULL;
}

/* PASID 1 bound with generation @gen: PAGES pages at VA and a record. */
static void setup(const SvmEduConfig *cfg, uint32_t policy, uint32_t gen)
{
    fg_init(&fg, cfg);
    fg_enable(&fg);
    fg_set_reg(&fg, SVM_EDU_REG_STALE_POLICY, policy);
    root = fg_process(&fg, 1, VA, PAGES);
    fg_map(&fg, root, 4, REC, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    rec_pa = fg_va2pa(&fg, root, REC);
    fg_set_pasid_gen(&fg, 1, FG_PE_DEFAULT, root, gen);
    fg_set_reg(&fg, SVM_EDU_REG_PRQ_BASE, PRQ);
    fg_set_reg(&fg, SVM_EDU_REG_PRQ_SIZE, 16);
    worker_running = false;
}

static void start_worker(void)
{
    pthread_create(&worker_thread, NULL, worker, &fg.core);
    worker_running = true;
}

static void teardown(void)
{
    if (worker_running) {
        svm_edu_core_stop(&fg.core);
        pthread_join(worker_thread, NULL);
    }
    fg_destroy(&fg);
}

static struct svm_edu_desc fill_desc(uint64_t va, uint32_t len, uint32_t gen)
{
    return (struct svm_edu_desc){ .opcode = SVM_EDU_OP_FILL, .pasid = 1,
        .dst = va, .len = len, .pattern = 0x5a5a5a5a5a5a5a5aull,
        .flags = SVM_EDU_DESC_F_RECORD, .completion = REC,
        .bind_gen = gen };
}

/* Put @d at the SQ tail and ring the doorbell (the worker runs it). */
static void queue(const struct svm_edu_desc *d)
{
    uint32_t tail = fg_reg(&fg, SVM_EDU_REG_SQ_TAIL);

    fg_put_desc(&fg, FG_SQ_BASE + tail * SVM_EDU_DESC_SIZE, d);
    fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, (tail + 1) % 64);
}

static uint8_t byte_at(uint64_t va)
{
    uint64_t pa = fg_va2pa(&fg, root, va);

    return pa == ~0ull ? 0 : fg.ram[pa];
}

static uint64_t log_field(unsigned entry, unsigned field)
{
    return fg_reg(&fg, SVM_EDU_REG_STALE_LOG +
                  entry * SVM_EDU_STALE_LOG_STRIDE + field);
}

static bool wait_for(bool (*cond)(void))
{
    int i;

    for (i = 0; i < 3000; i++) {
        if (cond()) {
            return true;
        }
        usleep(1000);
    }
    return false;
}

static bool one_request(void)
{
    return fg_reg(&fg, SVM_EDU_REG_PRQ_TAIL) == 1;
}

static bool head_moved(void)
{
    return fg_reg(&fg, SVM_EDU_REG_SQ_HEAD) == fg_reg(&fg, SVM_EDU_REG_SQ_TAIL);
}

static bool first_page_written(void)
{
    return __atomic_load_n(fg.ram + fg_va2pa(&fg, root, VA),
                           __ATOMIC_ACQUIRE) == 0x5a;
}

/* The driver rebinds PASID 1 with generation @gen (same tables here). */
static void rebind(uint32_t gen)
{
    fg_wr64(&fg, FG_PASID_TABLE + 32 + SVM_EDU_PE_GEN, gen);
    fg_set_reg(&fg, SVM_EDU_REG_INV_PASID, 1);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PASID_CACHE);
}

static void test_ended_at_start(void)
{
    struct svm_edu_desc d;
    uint32_t slot;

    setup(NULL, SVM_EDU_STALE_REPORT, 7);
    d = fill_desc(VA, 64, 7);
    fg_submit(&fg, &d);
    is_u64(fg.ram[rec_pa], SVM_EDU_CS_SUCCESS,
           "generation 7 in the entry and the descriptor: it runs");

    fg.ram[rec_pa] = 0;
    memset(fg.ram + fg_va2pa(&fg, root, VA + 4096), 0, 64);
    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    d = fill_desc(VA + 4096, 64, 6);
    d.flags |= SVM_EDU_DESC_F_IRQ;
    slot = fg_submit(&fg, &d);
    is_u64(byte_at(VA + 4096), 0, "generation 6 against 7: nothing written");
    is_u64(fg.ram[rec_pa], 0, "no completion record");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED), 1, "DESC_ABORTED");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ERRORS), 1, "DESC_ERRORS");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESCRIPTORS), 2,
           "counted as completed");
    is_u64(fg_reg(&fg, SVM_EDU_REG_SQ_ERR_INDEX), slot,
           "SQ_ERR_INDEX names it");
    is_u64(fg_reg(&fg, SVM_EDU_REG_SQ_HEAD), slot + 1, "SQ_HEAD moved past it");
    is_u64(fg_reg(&fg, SVM_EDU_REG_ERROR), 0, "no error bit: not a fault");
    is_u64(fg.irqs[SVM_EDU_VEC_DMA_DONE], 1, "its IRQ flag still raises "
           "DMA_DONE");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), 0, "and nothing stale");

    d = (struct svm_edu_desc){ .opcode = SVM_EDU_OP_NOP, .pasid = 1,
        .flags = SVM_EDU_DESC_F_RECORD, .completion = REC, .bind_gen = 6 };
    fg_submit(&fg, &d);
    is_u64(fg.ram[rec_pa], 0, "an ended NOP writes no record either");
    d.opcode = 77;
    fg_submit(&fg, &d);
    ok(fg.ram[rec_pa] == 0 && !(fg_reg(&fg, SVM_EDU_REG_ERROR) &
                                SVM_EDU_ERR_DESC),
       "nor does an ended invalid descriptor: aborted before validation");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED), 3, "3 aborted");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALKS), 2,
           "the aborted ones did not even walk (2: the first one's data and "
           "record)");
    teardown();

    setup(NULL, SVM_EDU_STALE_REPORT, 0);
    d = fill_desc(VA, 64, 0);
    fg_submit(&fg, &d);
    is_u64(fg.ram[rec_pa], SVM_EDU_CS_SUCCESS,
           "generation 0 in both (a driver that never sets one) matches");
    d = fill_desc(VA, 64, 1);
    fg.ram[rec_pa] = 0;
    fg_submit(&fg, &d);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED), 1,
           "generation 1 against 0 does not");
    teardown();

    /* An entry that is not usable fails as before: PASID_INVALID. */
    setup(NULL, SVM_EDU_STALE_REPORT, 3);
    fg_wr64(&fg, FG_PASID_TABLE + 32, 0);
    d = fill_desc(VA, 64, 4);
    fg_submit(&fg, &d);
    ok(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED) == 0 &&
       (fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_COMPLETION),
       "entry not VALID: no generation to compare, PASID_INVALID");
    fg_wr64(&fg, FG_PASID_TABLE + 32, FG_PE_DEFAULT | SVM_EDU_PE_FPD);
    fg_submit(&fg, &d);
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED), 1,
           "FPD entry of another generation: aborted");
    teardown();
}

/* x-run-ended-binding: the negative control of the generation check. */
static void test_run_ended(void)
{
    SvmEduConfig cfg = {
        .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20, .la57 = true,
        .stale_policy = SVM_EDU_STALE_REPORT, .run_ended_binding = true,
    };
    struct svm_edu_desc d;
    uint32_t policy;

    for (policy = SVM_EDU_STALE_OFF; policy <= SVM_EDU_STALE_USE; policy++) {
        bool runs = policy != SVM_EDU_STALE_ABORT;
        uint64_t events = policy == SVM_EDU_STALE_OFF ? 0 :
                          policy == SVM_EDU_STALE_ABORT ? 1 : 2;

        setup(&cfg, policy, 7);
        d = fill_desc(VA, 64, 6);
        fg_submit(&fg, &d);
        is_u64(byte_at(VA), runs ? 0x5a : 0,
               "x-run-ended-binding, %s: %s", fg_policy_names[policy],
               runs ? "the ended binding's FILL writes (the cross-process "
               "write)" : "nothing written");
        is_u64(fg.ram[rec_pa], runs ? SVM_EDU_CS_SUCCESS : 0,
               "x-run-ended-binding, %s: %s", fg_policy_names[policy],
               runs ? "its record is written too" : "no record");
        is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), events,
               "x-run-ended-binding, %s: %u stale accesses", fg_policy_names[policy],
               (unsigned)events);
        is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED), 0,
               "x-run-ended-binding, %s: not aborted", fg_policy_names[policy]);
        if (events) {
            ok(log_field(0, SVM_EDU_STALE_LOG_INFO) ==
               (SVM_EDU_STALE_INFO_ENDED | SVM_EDU_STALE_INFO_WRITE) &&
               log_field(0, SVM_EDU_STALE_LOG_VA) == VA &&
               log_field(0, SVM_EDU_STALE_LOG_PASID) == 1 &&
               log_field(0, SVM_EDU_STALE_LOG_CACHED_PA) ==
               fg_va2pa(&fg, root, VA) &&
               log_field(0, SVM_EDU_STALE_LOG_FRESH_PA) ==
               SVM_EDU_STALE_NOT_PRESENT_PA,
               "x-run-ended-binding, %s: log: ended, write, VA, PA used, "
               "fresh all ones", fg_policy_names[policy]);
        }
        if (events == 2) {
            ok(log_field(1, SVM_EDU_STALE_LOG_VA) == REC &&
               log_field(1, SVM_EDU_STALE_LOG_INFO) ==
               (SVM_EDU_STALE_INFO_ENDED | SVM_EDU_STALE_INFO_WRITE),
               "x-run-ended-binding, %s: the record write is reported too",
               fg_policy_names[policy]);
        }
        if (policy == SVM_EDU_STALE_ABORT) {
            is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ERRORS), 1,
                   "x-run-ended-binding, abort: a failed descriptor");
        }
        d = fill_desc(VA + 4096, 64, 7);
        fg_submit(&fg, &d);
        is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), events,
               "x-run-ended-binding, %s: the current binding's descriptor is "
               "not stale", fg_policy_names[policy]);
        teardown();
    }
}

/* The binding ends while the descriptor waits for a page response. */
static void test_ended_during_prq(bool run_ended)
{
    SvmEduConfig cfg = {
        .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20, .la57 = true,
        .stale_policy = SVM_EDU_STALE_REPORT, .run_ended_binding = run_ended,
    };
    const char *how = run_ended ? "x-run-ended-binding" : "default";
    uint64_t unmapped = VA + PAGES * 4096ull, frame;
    struct svm_edu_desc d;
    uint8_t *req = fg.ram;
    uint32_t id;

    setup(&cfg, SVM_EDU_STALE_REPORT, 21);
    start_worker();
    d = fill_desc(unmapped - 64, 128, 21);
    d.flags |= SVM_EDU_DESC_F_BLOCK_ON_FAULT;
    queue(&d);
    ok(wait_for(one_request), "%s: the second page becomes a page request",
       how);
    req = fg.ram + PRQ;
    is_u64(svm_edu_ld_le(req + 20, 4), 21,
           "%s: the request carries the descriptor's generation", how);
    is_u64(byte_at(unmapped - 64), 0x5a, "%s: the first page was written",
           how);
    rebind(22);
    frame = fg_alloc_frame(&fg);
    fg_map(&fg, root, 4, unmapped, frame, SVM_EDU_PGSZ_4K, FG_USER_RW);
    id = svm_edu_ld_le(req, 4);
    fg_set_reg(&fg, SVM_EDU_REG_PRQ_HEAD, 1);
    svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
                       SVM_EDU_PRQ_RESP(id, SVM_EDU_PRQ_RESP_SUCCESS), 8);
    ok(wait_for(head_moved), "%s: the descriptor is done", how);
    if (!run_ended) {
        ok(fg.ram[frame] == 0 && fg.ram[rec_pa] == 0,
           "rebound during the wait: the rest is not written, no record");
        is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED), 1,
               "aborted after the wait");
        is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), 0, "nothing stale");
    } else {
        ok(fg.ram[frame] == 0x5a && fg.ram[rec_pa] == SVM_EDU_CS_SUCCESS,
           "x-run-ended-binding: it goes on under the new binding");
        is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), 2,
               "x-run-ended-binding: the chunk after the wait and the record "
               "are stale");
        is_u64(log_field(0, SVM_EDU_STALE_LOG_INFO),
               SVM_EDU_STALE_INFO_ENDED | SVM_EDU_STALE_INFO_WRITE,
               "x-run-ended-binding: log: ended, write");
        is_u64(log_field(0, SVM_EDU_STALE_LOG_VA), unmapped,
               "x-run-ended-binding: log: the page after the wait");
    }
    teardown();
}

/* The binding ends between two chunks of a throttled descriptor. */
static void test_ended_between_chunks(void)
{
    struct svm_edu_desc d;

    setup(NULL, SVM_EDU_STALE_REPORT, 5);
    fg_set_reg(&fg, SVM_EDU_REG_DMA_THROTTLE, 10000);
    start_worker();
    d = fill_desc(VA, PAGES * 4096, 5);
    queue(&d);
    ok(wait_for(first_page_written), "the first chunk ran");
    rebind(6);
    ok(wait_for(head_moved), "the descriptor is done");
    ok(byte_at(VA + (PAGES - 1) * 4096ull) == 0 && fg.ram[rec_pa] == 0,
       "rebound between chunks: the last page is not written, no record");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_DESC_ABORTED), 1,
           "aborted between chunks");
    teardown();
}

/* The driver's old teardown order: root 0 while the flags say VALID. */
static void test_torn_entry(void)
{
    struct svm_edu_desc d;

    setup(NULL, SVM_EDU_STALE_REPORT, 0);
    fg_wr64(&fg, FG_PASID_TABLE + 32 + SVM_EDU_PE_PGD, 0);
    d = fill_desc(VA, 64, 0);
    {
        uint64_t pa;
        uint32_t fault;

        fg.guest_errors = 0;
        is_u64(svm_edu_translate(&fg.core, 1, VA, false, &pa, &fault),
               SVM_EDU_CS_PASID_INVALID,
               "VALID with a root of 0: the PASID is not usable");
        ok(fg.guest_errors == 1 && strstr(fg.last_error, "root of 0"),
           "a guest error names it");
    }
    fg_submit(&fg, &d);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_PASID_TABLE,
       "ERROR.PASID_TABLE");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_WALKS), 0,
           "nothing walked from guest-physical 0");
    ok(fg_reg(&fg, SVM_EDU_REG_SQ_ERR_INDEX) == 0 &&
       fg_counter(&fg, SVM_EDU_CNT_DESC_ERRORS) == 1,
       "the descriptor failed (PASID_INVALID: no record possible)");
    fg_wr64(&fg, FG_PASID_TABLE + 32 + SVM_EDU_PE_PGD, root);
    fg_submit(&fg, &d);
    is_u64(fg.ram[rec_pa], SVM_EDU_CS_SUCCESS,
           "the refused entry was not cached: fixed without a flush");
    teardown();
}

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/* Unplug while a throttled descriptor runs: the join must not wait. */
static void test_stop_between_chunks(void)
{
    struct svm_edu_desc d;
    uint64_t t0, ms;

    setup(NULL, SVM_EDU_STALE_REPORT, 0);
    fg_set_reg(&fg, SVM_EDU_REG_DMA_THROTTLE, SVM_EDU_THROTTLE_MAX_US);
    start_worker();
    d = fill_desc(VA, PAGES * 4096, 0);     /* 70 ms of throttle */
    queue(&d);
    ok(wait_for(first_page_written), "the first chunk ran");
    t0 = mono_ms();
    svm_edu_core_stop(&fg.core);
    pthread_join(worker_thread, NULL);
    worker_running = false;
    ms = mono_ms() - t0;
    ok(ms < 60, "stop joined in %llu ms, not after the 70 ms left",
       (unsigned long long)ms);
    ok(byte_at(VA + (PAGES - 1) * 4096ull) == 0 && fg.ram[rec_pa] == 0,
       "the rest of the descriptor was dropped, no record");
    teardown();
}

int main(void)
{
    test_ended_at_start();
    test_run_ended();
    test_ended_during_prq(false);
    test_ended_during_prq(true);
    test_ended_between_chunks();
    test_torn_entry();
    test_stop_between_chunks();
    return tap_done();
}
