// SPDX-License-Identifier: MIT
/*
 * Unit tests of checker v2 for translations the engine holds outside the
 * IOTLB (a chunk's source and destination, the completion record): which
 * invalidation commands kill a held translation, what each policy does
 * with the use of a killed one, and finding 1 of issue 13: a COPY whose
 * destination needs a page request must not use a source translation
 * obtained before an invalidation that completed during the wait (with
 * x-keep-src-across-prq, the old behaviour, the checker reports the use).
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fake_guest.h"
#include "tap.h"

#define SRC     0x40000000ull   /* mapped */
#define DST     0x40001000ull   /* not mapped until the page request */
#define OTHER   0x40200000ull   /* another page of the same process */
#define REC     0x50000000ull
#define PRQ     0x8000ull

static FakeGuest fg;

static void inv_cmd(uint32_t cmd, uint32_t pasid, uint64_t addr)
{
    fg_set_reg(&fg, SVM_EDU_REG_INV_PASID, pasid);
    fg_set_reg(&fg, SVM_EDU_REG_INV_ADDR, addr);
    fg_set_reg(&fg, SVM_EDU_REG_INV_CMD, cmd);
}

static uint64_t log_field(unsigned entry, unsigned field)
{
    return fg_reg(&fg, SVM_EDU_REG_STALE_LOG +
                  entry * SVM_EDU_STALE_LOG_STRIDE + field);
}

/* Which commands kill a held translation of PASID 1 at SRC + 0x123. */
static void test_kill(void)
{
    static const struct {
        const char *what;
        uint32_t cmd, pasid;
        uint64_t addr;
        bool kills;
    } cases[] = {
        { "PAGE of its page", SVM_EDU_INV_PAGE, 1, SRC, true },
        { "PAGE of 2 MiB around it", SVM_EDU_INV_PAGE | 9 << 8, 1,
          SRC & ~0x1fffffull, true },
        { "PAGE of the next page", SVM_EDU_INV_PAGE, 1, SRC + 4096, false },
        { "PAGE of the page before", SVM_EDU_INV_PAGE, 1, SRC - 4096, false },
        { "PAGE of its page in another PASID", SVM_EDU_INV_PAGE, 2, SRC,
          false },
        { "PASID", SVM_EDU_INV_PASID, 1, 0, true },
        { "PASID of another PASID", SVM_EDU_INV_PASID, 2, 0, false },
        { "GLOBAL", SVM_EDU_INV_GLOBAL, 7, 0, true },
        { "PASID_CACHE", SVM_EDU_INV_PASID_CACHE, 1, 0, true },
        { "PASID_CACHE of another PASID", SVM_EDU_INV_PASID_CACHE, 2, 0,
          false },
        { "PASID_CACHE of all PASIDs",
          SVM_EDU_INV_PASID_CACHE | SVM_EDU_INV_CMD_ALL_PASIDS, 2, 0, true },
        { "DRAIN", SVM_EDU_INV_DRAIN, 1, 0, false },
        { "a malformed PAGE (misaligned)", SVM_EDU_INV_PAGE | 1 << 8, 1,
          SRC + 4096, false },
    };
    SvmEduHeld *h;
    unsigned i;

    fg_init(&fg, NULL);
    fg_enable(&fg);
    h = &fg.core.held[SVM_EDU_HELD_SRC];
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        svm_edu_held_set(h, 1, SRC + 0x123, 0x900123);
        inv_cmd(cases[i].cmd, cases[i].pasid, cases[i].addr);
        ok(h->killed == cases[i].kills, "%s %s a held translation",
           cases[i].what, cases[i].kills ? "kills" : "does not kill");
    }
    svm_edu_held_set(h, 1, SRC + 0x123, 0x900123);
    is_u64(h->pa, 0x900000, "held: the page's physical address");
    is_u64(h->va, SRC, "held: the page's virtual address");
    fg.core.held[SVM_EDU_HELD_REC].valid = false;
    inv_cmd(SVM_EDU_INV_GLOBAL, 0, 0);
    ok(!fg.core.held[SVM_EDU_HELD_REC].killed,
       "a slot not in use is not touched");
    fg_set_reg(&fg, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
    ok(!h->valid && !h->killed, "reset forgets held translations");
    fg_destroy(&fg);
}

/* The four policies on the use of a killed held translation. */
static void test_use_policies(void)
{
    static const int want[] = { SVM_EDU_CS_SUCCESS, SVM_EDU_CS_NONE,
                                SVM_EDU_CS_STALE_ABORT, SVM_EDU_CS_SUCCESS };
    uint64_t root, pa;
    uint32_t policy;

    for (policy = SVM_EDU_STALE_OFF; policy <= SVM_EDU_STALE_USE; policy++) {
        SvmEduHeld *h;
        int st;

        fg_init(&fg, NULL);
        fg_enable(&fg);
        fg_set_reg(&fg, SVM_EDU_REG_STALE_POLICY, policy);
        root = fg_process(&fg, 1, SRC, 1);
        pa = fg_va2pa(&fg, root, SRC);
        h = &fg.core.held[SVM_EDU_HELD_DST];
        svm_edu_held_set(h, 1, SRC + 8, pa + 8);
        st = svm_edu_held_use(&fg.core, h, SRC + 8, true);
        ok(st == SVM_EDU_CS_SUCCESS && !fg_counter(&fg, SVM_EDU_CNT_STALE),
           "%s: a held translation no invalidation covered is used",
           fg_policy_names[policy]);
        inv_cmd(SVM_EDU_INV_PAGE, 1, SRC);
        st = svm_edu_held_use(&fg.core, h, SRC + 8, true);
        is_u64(st, want[policy], "%s: use after a covering invalidation",
               fg_policy_names[policy]);
        is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE),
               policy == SVM_EDU_STALE_OFF ? 0 : 1, "%s: stale counted",
               fg_policy_names[policy]);
        if (policy == SVM_EDU_STALE_OFF) {
            fg_destroy(&fg);
            continue;
        }
        is_u64(fg_reg(&fg, SVM_EDU_REG_STALE_COUNT), 1,
               "%s: STALE_COUNT", fg_policy_names[policy]);
        ok(log_field(0, SVM_EDU_STALE_LOG_PASID) == 1 &&
           log_field(0, SVM_EDU_STALE_LOG_VA) == SRC + 8 &&
           log_field(0, SVM_EDU_STALE_LOG_CACHED_PA) == pa + 8 &&
           log_field(0, SVM_EDU_STALE_LOG_FRESH_PA) == pa + 8,
           "%s: log: PASID, VA, held PA, fresh PA (same frame: stale by "
           "time, not content)", fg_policy_names[policy]);
        is_u64(log_field(0, SVM_EDU_STALE_LOG_INFO),
               SVM_EDU_STALE_INFO_HELD | SVM_EDU_STALE_INFO_WRITE,
               "%s: log: held, write", fg_policy_names[policy]);
        if (policy == SVM_EDU_STALE_REPORT) {
            ok(!h->valid, "report: the held translation is dropped");
        }
        if (policy == SVM_EDU_STALE_USE) {
            svm_edu_held_use(&fg.core, h, SRC + 8, true);
            is_u64(fg_counter(&fg, SVM_EDU_CNT_STALE), 1,
                   "use-stale: one event per kill and use");
        }
        fg_destroy(&fg);
    }
}

/* ---- finding 1: the source held across a destination page request ---- */

static uint64_t root, src_pte, src_old, src_new, rec_pa, dst_frame;
static pthread_t worker_thread;

static void *worker(void *arg)
{
    svm_edu_core_worker(arg);
    return NULL;
}

enum { INV_NONE, INV_PAGE, INV_PAGE_OTHER, INV_PASID, INV_GLOBAL,
       INV_PASID_CACHE, INV_PASID_CACHE_ALL };

static const char *const inv_names[] = {
    "no invalidation", "PAGE of the source", "PAGE of another page",
    "PASID", "GLOBAL", "PASID_CACHE", "PASID_CACHE of all",
};

typedef struct Outcome {
    uint8_t status;
    uint8_t dst;            /* first byte the copy wrote */
    uint64_t stale;
    uint32_t info;
    uint64_t va, cached, fresh;
} Outcome;

/*
 * Source present, destination not; COPY with BLOCK_ON_FAULT. While the
 * destination's page request waits, the "kernel" remaps the source to a
 * new frame (@remap) and the driver runs invalidation @inv; then it maps
 * the destination and answers.
 */
static Outcome finding1(bool keep_src, uint32_t policy, int inv, bool remap)
{
    SvmEduConfig cfg = {
        .iotlb_entries = 64, .iotlb_ways = 4, .pasid_bits = 20, .la57 = true,
        .stale_policy = policy, .keep_src_across_prq = keep_src,
    };
    uint32_t tail, id;
    uint8_t *b;
    Outcome o;

    fg_init(&fg, &cfg);
    fg_enable(&fg);
    root = fg_process(&fg, 1, SRC, 1);
    src_pte = fg_entry_addr(&fg, root, 4, SRC, 1);
    src_old = fg_va2pa(&fg, root, SRC);
    src_new = fg_alloc_frame(&fg);
    dst_frame = fg_alloc_frame(&fg);
    memset(fg.ram + src_old, 0xaa, 4096);
    memset(fg.ram + src_new, 0xbb, 4096);
    fg_map(&fg, root, 4, REC, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    fg_map(&fg, root, 4, OTHER, fg_alloc_frame(&fg), SVM_EDU_PGSZ_4K,
           FG_USER_RW);
    rec_pa = fg_va2pa(&fg, root, REC);
    fg_set_reg(&fg, SVM_EDU_REG_PRQ_BASE, PRQ);
    fg_set_reg(&fg, SVM_EDU_REG_PRQ_SIZE, 16);
    pthread_create(&worker_thread, NULL, worker, &fg.core);

    tail = fg_reg(&fg, SVM_EDU_REG_SQ_TAIL);
    b = fg.ram + FG_SQ_BASE + tail * SVM_EDU_DESC_SIZE;
    memset(b, 0, SVM_EDU_DESC_SIZE);
    svm_edu_st_le(b, SVM_EDU_OP_COPY, 2);
    svm_edu_st_le(b + 2, SVM_EDU_DESC_F_BLOCK_ON_FAULT |
                  SVM_EDU_DESC_F_RECORD, 2);
    svm_edu_st_le(b + 4, 1, 4);
    svm_edu_st_le(b + 8, SRC, 8);
    svm_edu_st_le(b + 16, DST, 8);
    svm_edu_st_le(b + 24, 64, 4);
    svm_edu_st_le(b + 40, REC, 8);
    fg_set_reg(&fg, SVM_EDU_REG_SQ_TAIL, tail + 1);

    memset(&o, 0, sizeof(o));
    if (!fg_wait_prq_tail(&fg, 1)) {
        o.status = 0xff;
    }
    if (remap) {
        fg_wr64(&fg, src_pte, src_new | FG_USER_RW | FG_A | FG_D);
    }
    switch (inv) {
    case INV_PAGE:
        inv_cmd(SVM_EDU_INV_PAGE, 1, SRC);
        break;
    case INV_PAGE_OTHER:
        inv_cmd(SVM_EDU_INV_PAGE, 1, OTHER);
        break;
    case INV_PASID:
        inv_cmd(SVM_EDU_INV_PASID, 1, 0);
        break;
    case INV_GLOBAL:
        inv_cmd(SVM_EDU_INV_GLOBAL, 0, 0);
        break;
    case INV_PASID_CACHE:
        /* the PASID cache only: the IOTLB keeps the source's entry */
        inv_cmd(SVM_EDU_INV_PASID_CACHE, 1, 0);
        break;
    case INV_PASID_CACHE_ALL:
        inv_cmd(SVM_EDU_INV_PASID_CACHE | SVM_EDU_INV_CMD_ALL_PASIDS, 0, 0);
        break;
    }
    fg_map(&fg, root, 4, DST, dst_frame, SVM_EDU_PGSZ_4K, FG_USER_RW);
    id = svm_edu_ld_le(fg.ram + PRQ, 4);
    fg_set_reg(&fg, SVM_EDU_REG_PRQ_HEAD, 1);
    svm_edu_core_write(&fg.core, SVM_EDU_REG_PRQ_RESP,
                       SVM_EDU_PRQ_RESP(id, SVM_EDU_PRQ_RESP_SUCCESS), 8);
    if (o.status != 0xff) {
        o.status = fg_wait_status(&fg, rec_pa);
    }
    o.dst = fg.ram[dst_frame];
    o.stale = fg_counter(&fg, SVM_EDU_CNT_STALE);
    o.info = log_field(0, SVM_EDU_STALE_LOG_INFO);
    o.va = log_field(0, SVM_EDU_STALE_LOG_VA);
    o.cached = log_field(0, SVM_EDU_STALE_LOG_CACHED_PA);
    o.fresh = log_field(0, SVM_EDU_STALE_LOG_FRESH_PA);
    svm_edu_core_stop(&fg.core);
    pthread_join(worker_thread, NULL);
    fg_destroy(&fg);
    return o;
}

static void test_finding1_fixed(void)
{
    uint32_t policy;
    int inv;
    Outcome o;

    for (policy = SVM_EDU_STALE_OFF; policy <= SVM_EDU_STALE_USE; policy++) {
        o = finding1(false, policy, INV_PAGE, true);
        ok(o.status == SVM_EDU_CS_SUCCESS && o.dst == 0xbb && !o.stale,
           "fixed, %s: source invalidated and remapped during the page "
           "request: the copy reads the new frame, nothing stale",
           fg_policy_names[policy]);
        if (o.status != SVM_EDU_CS_SUCCESS || o.dst != 0xbb || o.stale) {
            printf("#   status %u dst 0x%x stale %llu\n", o.status, o.dst,
                   (unsigned long long)o.stale);
        }
    }
    /*
     * A PASID_CACHE flush leaves the IOTLB alone: a remap behind it would
     * be the IOTLB checker's business, so those run without one.
     */
    for (inv = INV_PASID; inv <= INV_PASID_CACHE_ALL; inv++) {
        bool remap = inv < INV_PASID_CACHE;

        o = finding1(false, SVM_EDU_STALE_REPORT, inv, remap);
        ok(o.status == SVM_EDU_CS_SUCCESS && !o.stale &&
           o.dst == (remap ? 0xbb : 0xaa),
           "fixed, %s during the wait: nothing stale", inv_names[inv]);
    }
}

static void test_finding1_keep_src(void)
{
    Outcome o;
    int inv;

    o = finding1(true, SVM_EDU_STALE_REPORT, INV_PAGE, true);
    is_u64(o.status, SVM_EDU_CS_SUCCESS,
           "x-keep-src-across-prq, report: the copy completes");
    is_u64(o.stale, 1, "x-keep-src-across-prq, report: the use of the "
           "held source is stale");
    is_u64(o.info, SVM_EDU_STALE_INFO_HELD, "log: held translation, a read");
    ok(o.va == SRC && o.cached == src_old && o.fresh == src_new,
       "log: the source VA, the held (old) frame, the table's (new) one");
    is_u64(o.dst, 0xbb, "report: translated again, the new frame was read");

    o = finding1(true, SVM_EDU_STALE_OFF, INV_PAGE, true);
    ok(o.status == SVM_EDU_CS_SUCCESS && o.dst == 0xaa && !o.stale,
       "x-keep-src-across-prq, off: the old frame is read unseen (finding "
       "1 as it was)");
    o = finding1(true, SVM_EDU_STALE_USE, INV_PAGE, true);
    ok(o.status == SVM_EDU_CS_SUCCESS && o.dst == 0xaa && o.stale == 1 &&
       o.info == SVM_EDU_STALE_INFO_HELD,
       "x-keep-src-across-prq, use-stale: the old frame is read, reported");
    o = finding1(true, SVM_EDU_STALE_ABORT, INV_PAGE, true);
    ok(o.status == SVM_EDU_CS_STALE_ABORT && o.dst == 0 && o.stale == 1,
       "x-keep-src-across-prq, abort: STALE_ABORT, nothing copied");

    for (inv = INV_PASID; inv <= INV_PASID_CACHE_ALL; inv++) {
        o = finding1(true, SVM_EDU_STALE_REPORT, inv, false);
        ok(o.status == SVM_EDU_CS_SUCCESS && o.stale == 1 &&
           o.info == SVM_EDU_STALE_INFO_HELD,
           "x-keep-src-across-prq: %s during the wait kills the held source",
           inv_names[inv]);
    }
    o = finding1(true, SVM_EDU_STALE_REPORT, INV_PAGE_OTHER, false);
    ok(o.status == SVM_EDU_CS_SUCCESS && !o.stale && o.dst == 0xaa,
       "x-keep-src-across-prq: a PAGE invalidation of another page does "
       "not");
    o = finding1(true, SVM_EDU_STALE_REPORT, INV_NONE, false);
    ok(o.status == SVM_EDU_CS_SUCCESS && !o.stale && o.dst == 0xaa,
       "x-keep-src-across-prq: no invalidation, nothing stale");
}

int main(void)
{
    test_kill();
    test_use_policies();
    test_finding1_fixed();
    test_finding1_keep_src();
    return tap_done();
}
