// SPDX-License-Identifier: MIT
/*
 * Unit tests of the invalidation queue (WAIT status and interrupt, bad
 * descriptors, bad queue setup) and of the walk/invalidation race.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fake_guest.h"
#include "tap.h"

#define VA  0x40000000ull
#define REC 0x50000000ull

static uint32_t wait_status(FakeGuest *fg)
{
    return (uint32_t)fg_rd64(fg, FG_WAIT_STATUS);
}

static void test_queue(void)
{
    FakeGuest fg;
    uint64_t pa;
    uint32_t fault;
    struct svm_edu_inv_desc d[3] = {
        { .cmd = SVM_EDU_INV_PAGE, .pasid = 1, .addr = VA },
        { .cmd = SVM_EDU_INV_DRAIN, .pasid = 1 },
        { .cmd = SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS | SVM_EDU_INV_WAIT_IRQ,
          .addr = FG_WAIT_STATUS, .data = 0x600d },
    };

    fg_init(&fg, NULL);
    fg_enable(&fg);
    fg_process(&fg, 1, VA, 1);
    svm_edu_translate(&fg.core, 1, VA, false, &pa, &fault);
    fg_inv(&fg, d, 3);
    is_u64(wait_status(&fg), 0x600d, "WAIT writes its status word");
    is_u64(fg.irqs[SVM_EDU_VEC_INV_WAIT], 1, "WAIT raises the INV_WAIT vector");
    is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_HEAD), 3, "queue consumed up to the tail");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_DROPPED), 1, "the page's entry was dropped");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_DRAIN), 1, "DRAIN counted");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_WAIT), 1, "WAIT counted");
    is_u64(fg_counter(&fg, SVM_EDU_CNT_INV_DESCS), 3, "descriptors counted");

    /* bad descriptors are skipped and reported; the rest still runs */
    {
        struct svm_edu_inv_desc bad[5] = {
            { .cmd = 99 },
            { .cmd = SVM_EDU_INV_GLOBAL, .rsvd1 = 1 },
            { .cmd = SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS, .addr = FG_WAIT_STATUS + 2 },
            { .cmd = SVM_EDU_INV_PAGE | 40 << 8, .pasid = 1 },
            { .cmd = SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS,
              .addr = FG_WAIT_STATUS, .data = 0xd0e },
        };
        unsigned errors = fg.irqs[SVM_EDU_VEC_ERROR];

        fg_inv(&fg, bad, 5);
        ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_DESC, "bad descriptors set ERROR.IQ_DESC");
        is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_ERR_INDEX), 6, "IQ_ERR_INDEX names the last bad one");
        is_u64(fg.irqs[SVM_EDU_VEC_ERROR] - errors, 1, "ERROR vector raised once per doorbell");
        is_u64(wait_status(&fg), 0xd0e, "a good WAIT after bad ones still completes");
    }

    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_WAIT);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_DESC,
       "WAIT through the register interface is refused");

    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_set_reg(&fg, SVM_EDU_REG_IQ_TAIL, 64);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_CONFIG, "tail beyond the queue: ERROR.IQ_CONFIG");
    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_set_reg(&fg, SVM_EDU_REG_IQ_SIZE, 48);
    fg_set_reg(&fg, SVM_EDU_REG_IQ_TAIL, 1);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_CONFIG, "queue size not a power of two: refused");
    fg_set_reg(&fg, SVM_EDU_REG_ERROR, ~0u);
    fg_set_reg(&fg, SVM_EDU_REG_IQ_BASE, 0x7fff000000ull);
    fg_set_reg(&fg, SVM_EDU_REG_IQ_SIZE, 64);
    fg_set_reg(&fg, SVM_EDU_REG_IQ_TAIL, 5);
    ok(fg_reg(&fg, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_CONFIG, "queue outside RAM: refused");
    is_u64(fg_reg(&fg, SVM_EDU_REG_IQ_HEAD), 5, "and the batch is dropped, not retried");
    fg_destroy(&fg);
}

/*
 * The race: the device thread is in the middle of a walk (blocked in a
 * page-table read) when the driver issues an invalidation of that page.
 * The invalidation must not finish before the chunk, and no entry filled
 * from the old walk may survive it.
 */
static FakeGuest rfg;
static uint64_t race_pte;
static volatile int in_walk, inv_done_early;
static pthread_mutex_t rmx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rcv = PTHREAD_COND_INITIALIZER;

static void slow_pte_read(FakeGuest *fg, uint64_t pa)
{
    (void)fg;
    if (pa != race_pte || in_walk) {
        return;
    }
    pthread_mutex_lock(&rmx);
    in_walk = 1;
    pthread_cond_signal(&rcv);
    pthread_mutex_unlock(&rmx);
    usleep(50000);      /* the invalidation is issued meanwhile */
    inv_done_early = __atomic_load_n(&rfg.core.counters[SVM_EDU_CNT_INV_PAGE],
                                     __ATOMIC_SEQ_CST) != 0;
}

static void *worker(void *arg)
{
    svm_edu_core_worker(arg);
    return NULL;
}

static void test_walk_inv_race(void)
{
    struct svm_edu_desc d = { .opcode = SVM_EDU_OP_FILL, .pasid = 1,
                              .dst = VA, .len = 64, .pattern = 0x11 };
    uint64_t root;
    pthread_t t;
    uint8_t *b;

    fg_init(&rfg, NULL);
    fg_enable(&rfg);
    root = fg_process(&rfg, 1, VA, 1);
    race_pte = fg_entry_addr(&rfg, root, 4, VA, 1);
    rfg.read_hook = slow_pte_read;
    pthread_create(&t, NULL, worker, &rfg.core);

    b = rfg.ram + FG_SQ_BASE;
    svm_edu_st_le(b, d.opcode, 2);
    svm_edu_st_le(b + 4, d.pasid, 4);
    svm_edu_st_le(b + 16, d.dst, 8);
    svm_edu_st_le(b + 24, d.len, 4);
    svm_edu_st_le(b + 32, d.pattern, 8);
    fg_set_reg(&rfg, SVM_EDU_REG_SQ_TAIL, 1);

    pthread_mutex_lock(&rmx);
    while (!in_walk) {
        pthread_cond_wait(&rcv, &rmx);
    }
    pthread_mutex_unlock(&rmx);
    fg_set_reg(&rfg, SVM_EDU_REG_INV_PASID, 1);
    fg_set_reg(&rfg, SVM_EDU_REG_INV_ADDR, VA);
    fg_set_reg(&rfg, SVM_EDU_REG_INV_CMD, SVM_EDU_INV_PAGE);
    ok(!inv_done_early, "invalidation waited for the chunk in progress");
    fg_set_reg(&rfg, SVM_EDU_REG_PROBE_PASID, 1);
    fg_set_reg(&rfg, SVM_EDU_REG_PROBE_ADDR, VA);
    ok(!(fg_reg(&rfg, SVM_EDU_REG_PROBE_RESULT) & SVM_EDU_PROBE_HIT),
       "no entry from the interrupted walk survives the invalidation");
    svm_edu_core_stop(&rfg.core);
    pthread_join(t, NULL);
    is_u64(fg_reg(&rfg, SVM_EDU_REG_SQ_HEAD), 1, "the descriptor completed");
    rfg.read_hook = NULL;
    fg_destroy(&rfg);
}

int main(void)
{
    test_queue();
    test_walk_inv_race();
    return tap_done();
}
