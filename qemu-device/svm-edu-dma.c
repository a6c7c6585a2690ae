/*
 * svm-edu device core: the DMA engine. Descriptors come from a submission
 * ring in guest memory and address memory by virtual address in a PASID.
 *
 * A descriptor runs in chunks that never cross a page of its source or
 * destination and are at most 4 KiB long. Each chunk translates and
 * copies with the core lock held and drops the lock afterwards, so MMIO
 * (invalidations above all) gets in between chunks and the next chunk
 * translates again. A chunk that waits for a page response drops the lock
 * too; it then translates everything again before any access.
 *
 * Every descriptor carries the generation of the PASID binding it was
 * submitted for. When the PASID entry has another generation (the binding
 * ended, the PASID may belong to another process now), the descriptor
 * stops before its next access, without a completion record.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <unistd.h>
#include "svm-edu-core.h"

typedef struct DmaOp {
    uint16_t opcode;
    uint16_t flags;
    uint32_t pasid;
    uint64_t src;
    uint64_t dst;
    uint32_t len;
    uint32_t bind_gen;
    uint64_t pattern;
    uint64_t completion;
    uint64_t cookie;

    uint64_t epoch;         /* the device's epoch when the op started */
    bool abandoned;         /* reset, ring change or stop while parked */
    bool ended;             /* x-run-ended-binding: its binding ended */

    /* The last page request's fault, which stands if the chunk gives up. */
    int req_status;
    uint32_t req_fault;
    uint64_t req_va;

    uint32_t done;
    uint8_t status;
    uint8_t fault_info;
    uint8_t result;
    uint64_t fault_addr;
} DmaOp;

/* @d as the driver wrote it, little-endian. */
static void decode(const struct svm_edu_desc *d, DmaOp *op, uint64_t *rsvd)
{
    memset(op, 0, sizeof(*op));
    op->opcode = svm_edu_le16_to_cpu(d->opcode);
    op->flags = svm_edu_le16_to_cpu(d->flags);
    op->pasid = svm_edu_le32_to_cpu(d->pasid);
    op->src = svm_edu_le64_to_cpu(d->src);
    op->dst = svm_edu_le64_to_cpu(d->dst);
    op->len = svm_edu_le32_to_cpu(d->len);
    op->bind_gen = svm_edu_le32_to_cpu(d->bind_gen);
    op->pattern = svm_edu_le64_to_cpu(d->pattern);
    op->completion = svm_edu_le64_to_cpu(d->completion);
    op->cookie = svm_edu_le64_to_cpu(d->cookie);
    *rsvd = svm_edu_le64_to_cpu(d->rsvd1);
}

static bool uses_src(const DmaOp *op)
{
    return op->opcode == SVM_EDU_OP_COPY || op->opcode == SVM_EDU_OP_COMPARE;
}

static bool valid(const DmaOp *op, uint64_t rsvd)
{
    if (op->opcode > SVM_EDU_OP_COMPARE || (op->flags & ~SVM_EDU_DESC_F_MASK) ||
        rsvd) {
        return false;
    }
    if ((op->flags & SVM_EDU_DESC_F_RECORD) &&
        (op->completion & (SVM_EDU_COMPLETION_ALIGN - 1))) {
        return false;
    }
    if (op->opcode == SVM_EDU_OP_NOP) {
        return true;
    }
    if (!op->len || op->len > SVM_EDU_DESC_MAX_LEN ||
        op->dst + op->len < op->dst ||
        (uses_src(op) && op->src + op->len < op->src)) {
        return false;
    }
    /* Overlapping copies have no defined result in chunks: refuse them. */
    if (op->opcode == SVM_EDU_OP_COPY &&
        op->src < op->dst + op->len && op->dst < op->src + op->len) {
        return false;
    }
    return true;
}

static uint32_t page_left(uint64_t va)
{
    return SVM_EDU_PAGE_SIZE - (va & (SVM_EDU_PAGE_SIZE - 1));
}

/* Faults a page request can cure: not present, or read-only for a write. */
static bool resolvable(int status, uint32_t fault)
{
    return status == SVM_EDU_CS_PAGE_FAULT ||
           (status == SVM_EDU_CS_PERM_FAULT &&
            !(fault & SVM_EDU_FAULT_SUPERVISOR));
}

/* Retries after a "success" answer that did not cure the fault. */
#define SVM_EDU_PRQ_RETRIES 4
/* Rounds of translation a chunk may spend waiting for page responses. */
#define SVM_EDU_RESOLVE_ROUNDS 8

/*
 * Has @op's binding ended, i.e. is its PASID entry VALID with another
 * generation? Asked before the descriptor's first access and whenever the
 * engine gets the lock back, since the driver may unbind and rebind the
 * PASID meanwhile. By default the descriptor stops there (ABORTED: no
 * further access, no completion record, which would land in the new
 * owner's memory); with x-run-ended-binding it goes on under the PASID's
 * current binding, and every access it makes is stale. An entry that is
 * not usable at all fails the access itself (PASID_INVALID), as before.
 * Returns true when @op must stop.
 */
static bool binding_ended(SvmEduCore *s, DmaOp *op)
{
    const SvmEduPasidEntry *pe;

    if (op->ended) {
        return false;
    }
    pe = svm_edu_pasid_get(s, op->pasid);
    if (!pe || !(pe->flags & SVM_EDU_PE_VALID) || pe->gen == op->bind_gen) {
        return false;
    }
    if (s->cfg.run_ended_binding) {
        op->ended = true;
        return false;
    }
    op->status = SVM_EDU_CS_ABORTED;
    return true;
}

/*
 * The page-request group for a fault at @va: the page and those after it
 * that @op will still touch in the same buffer, at most prq_group (the
 * completion record, outside both buffers, is one page). The driver may
 * fault them all in at once; asking costs nothing when it does not.
 */
static uint32_t prq_group(const SvmEduCore *s, const DmaOp *op, uint64_t va,
                          bool write)
{
    uint64_t bufs[2] = { write ? op->dst : op->src, write ? op->src : op->dst };
    uint64_t last, pages;
    unsigned i;

    if (s->cfg.prq_group <= 1 || !op->len) {
        return 1;
    }
    for (i = 0; i < 2; i++) {
        if (va >= bufs[i] && va - bufs[i] < op->len) {
            last = (bufs[i] + op->len - 1) / SVM_EDU_PAGE_SIZE;
            pages = last - va / SVM_EDU_PAGE_SIZE + 1;
            return pages < s->cfg.prq_group ? pages : s->cfg.prq_group;
        }
    }
    return 1;
}

/*
 * Translate for @op; with BLOCK_ON_FAULT, a curable fault becomes a page
 * request and the translation is tried again after a positive answer.
 */
static int op_translate(SvmEduCore *s, DmaOp *op, uint64_t va, bool write,
                        uint64_t *pa, uint32_t *fault)
{
    unsigned tries;
    bool retry;
    int st;

    for (tries = 0; ; tries++) {
        st = svm_edu_translate(s, op->pasid, va, write, pa, fault);
        if (st == SVM_EDU_CS_SUCCESS ||
            !(op->flags & SVM_EDU_DESC_F_BLOCK_ON_FAULT) ||
            !resolvable(st, *fault) || tries == SVM_EDU_PRQ_RETRIES) {
            return st;
        }
        op->req_status = st;
        op->req_fault = *fault;
        op->req_va = va;
        retry = svm_edu_page_request(s, op->pasid, op->bind_gen, va,
                                     prq_group(s, op, va, write), write,
                                     op->epoch);
        if (s->epoch != op->epoch || s->stop) {
            op->abandoned = true;
            return st;
        }
        /* Not even the walk may touch the tables of a new owner. */
        if (binding_ended(s, op)) {
            return SVM_EDU_CS_ABORTED;
        }
        if (!retry) {
            return st;
        }
    }
}

static void fail(DmaOp *op, int status, uint32_t fault, uint64_t va)
{
    op->status = status;
    op->fault_info = fault;
    op->fault_addr = va;
}

/* One memory access of a chunk or of the completion record. */
typedef struct Access {
    unsigned slot;          /* SVM_EDU_HELD_*: where its translation is held */
    uint64_t va;
    bool write;
    uint64_t pa;            /* out */
} Access;

/*
 * Translate @n accesses so that every translation is good at the same
 * moment: the caller makes the accesses right after, under the same hold
 * of the lock. A page-request wait drops the lock, and a whole
 * invalidation (WAIT included) can complete meanwhile, so after a wait
 * everything is translated again (x-keep-src-across-prq: kept instead,
 * the old behaviour). Each held translation is then judged by the stale
 * checker right before its use. Returns a completion status; on failure
 * @fault and @fault_va tell what failed.
 */
static int op_resolve(SvmEduCore *s, DmaOp *op, Access *acc, unsigned n,
                      uint32_t *fault, uint64_t *fault_va)
{
    unsigned round, i;
    int st;

    for (i = 0; i < n; i++) {
        s->held[acc[i].slot].valid = false;
    }
    for (round = 0; ; round++) {
        uint64_t drops = s->engine_drops;
        bool again = false;

        for (i = 0; i < n; i++) {
            SvmEduHeld *h = &s->held[acc[i].slot];
            uint64_t pa;

            if (h->valid) {
                continue;
            }
            *fault = 0;
            *fault_va = acc[i].va;
            st = op_translate(s, op, acc[i].va, acc[i].write, &pa, fault);
            if (st != SVM_EDU_CS_SUCCESS) {
                return st;
            }
            svm_edu_held_set(h, op->pasid, acc[i].va, pa);
        }
        if (s->engine_drops != drops) {
            if (round + 1 == SVM_EDU_RESOLVE_ROUNDS) {
                /* The driver keeps taking pages away: the fault stands. */
                *fault = op->req_fault;
                *fault_va = op->req_va;
                return op->req_status;
            }
            if (!s->cfg.keep_src_across_prq) {
                for (i = 0; i < n; i++) {
                    s->held[acc[i].slot].valid = false;
                }
            }
            continue;
        }
        /* The lock was held since every translation was obtained. */
        for (i = 0; i < n; i++) {
            st = svm_edu_held_use(s, &s->held[acc[i].slot], acc[i].va,
                                  acc[i].write);
            if (st == SVM_EDU_CS_STALE_ABORT) {
                *fault = 0;
                *fault_va = acc[i].va;
                return st;
            }
            again = again || st == SVM_EDU_CS_NONE;
        }
        if (!again) {
            break;
        }
    }
    for (i = 0; i < n; i++) {
        const SvmEduHeld *h = &s->held[acc[i].slot];

        acc[i].pa = h->pa + (acc[i].va - h->va);
        if (op->ended &&
            svm_edu_ended_use(s, op->pasid, acc[i].va, acc[i].pa,
                              acc[i].write) != SVM_EDU_CS_SUCCESS) {
            *fault = 0;
            *fault_va = acc[i].va;
            return SVM_EDU_CS_STALE_ABORT;
        }
    }
    return SVM_EDU_CS_SUCCESS;
}

/* One chunk; lock held. Returns true when the descriptor is finished. */
static bool run_chunk(SvmEduCore *s, DmaOp *op)
{
    uint8_t a[SVM_EDU_PAGE_SIZE], b[SVM_EDU_PAGE_SIZE];
    uint64_t src_va = op->src + op->done, dst_va = op->dst + op->done;
    uint64_t src_pa = 0, dst_pa, fault_va;
    uint32_t n = op->len - op->done, fault, i;
    Access acc[2];
    unsigned nacc = 0;
    int st;

    if (n > page_left(dst_va)) {
        n = page_left(dst_va);
    }
    if (uses_src(op)) {
        if (n > page_left(src_va)) {
            n = page_left(src_va);
        }
        acc[nacc++] = (Access){ .slot = SVM_EDU_HELD_SRC, .va = src_va };
    }
    acc[nacc++] = (Access){ .slot = SVM_EDU_HELD_DST, .va = dst_va,
                            .write = op->opcode != SVM_EDU_OP_COMPARE };
    st = op_resolve(s, op, acc, nacc, &fault, &fault_va);
    if (st != SVM_EDU_CS_SUCCESS) {
        fail(op, st, fault, fault_va);
        return true;
    }
    if (uses_src(op)) {
        src_pa = acc[0].pa;
    }
    dst_pa = acc[nacc - 1].pa;

    switch (op->opcode) {
    case SVM_EDU_OP_COPY:
        if (s->ops->mem_copy &&
            !s->ops->mem_copy(s->opaque, dst_pa, src_pa, n)) {
            goto copied;
        }
        if (s->ops->mem_read(s->opaque, src_pa, a, n)) {
            fail(op, SVM_EDU_CS_MEMORY_ERROR, 0, src_va);
            return true;
        }
        break;
    case SVM_EDU_OP_FILL:
        /*
         * The pattern as it goes on at op->done, then doubled in place: a
         * loop per byte was a quarter of the DMA thread's time in a
         * FILL-heavy run (page-request benchmarks fill).
         */
        for (i = 0; i < n && i < 8; i++) {
            a[i] = op->pattern >> (8 * ((op->done + i) % 8));
        }
        for (i = 8; i < n; i *= 2) {
            memcpy(a + i, a, i < n - i ? i : n - i);
        }
        break;
    case SVM_EDU_OP_COMPARE:
        if (s->ops->mem_read(s->opaque, src_pa, a, n) ||
            s->ops->mem_read(s->opaque, dst_pa, b, n)) {
            fail(op, SVM_EDU_CS_MEMORY_ERROR, 0, src_va);
            return true;
        }
        for (i = 0; i < n && a[i] == b[i]; i++) {
            continue;
        }
        s->counters[SVM_EDU_CNT_BYTES] += i;
        op->done += i;
        if (i < n) {
            op->result = 1;
            op->status = SVM_EDU_CS_SUCCESS;
            return true;
        }
        goto advanced;
    }
    if (s->ops->mem_write(s->opaque, dst_pa, a, n)) {
        fail(op, SVM_EDU_CS_MEMORY_ERROR, SVM_EDU_FAULT_WRITE, dst_va);
        return true;
    }
copied:
    s->counters[SVM_EDU_CNT_BYTES] += n;
    op->done += n;
advanced:
    if (op->done == op->len) {
        op->status = SVM_EDU_CS_SUCCESS;
        return true;
    }
    return false;
}

/* Write the completion record, status byte last. Lock held. */
static void write_completion(SvmEduCore *s, DmaOp *op)
{
    /* Written in three parts: from fault_addr, bytes_completed, status. */
    const size_t rest = offsetof(struct svm_edu_completion, fault_addr);
    const size_t count = offsetof(struct svm_edu_completion, bytes_completed);
    struct svm_edu_completion rec = { 0 };
    const uint8_t *b = (const uint8_t *)&rec;
    Access acc = { .slot = SVM_EDU_HELD_REC, .va = op->completion,
                   .write = true };
    uint64_t pa, fault_va;
    uint32_t fault;
    int st;

    /* Stopped for an ended binding: the record would be one more access. */
    if (op->ended && op->status == SVM_EDU_CS_STALE_ABORT) {
        return;
    }
    st = op_resolve(s, op, &acc, 1, &fault, &fault_va);
    if (op->abandoned) {
        return;
    }
    if (st == SVM_EDU_CS_ABORTED ||
        (op->ended && st == SVM_EDU_CS_STALE_ABORT)) {
        op->status = st;        /* the binding ended while we waited */
        return;
    }
    if (st != SVM_EDU_CS_SUCCESS) {
        svm_edu_guest_error(s, SVM_EDU_ERR_COMPLETION,
                            "svm-edu: completion record at 0x%llx (PASID %u) "
                            "not writable", (unsigned long long)op->completion,
                            op->pasid);
        s->pending_irqs |= 1u << SVM_EDU_VEC_ERROR;
        return;
    }
    pa = acc.pa;
    rec.status = op->status;
    rec.fault_info = op->fault_info;
    rec.result = op->result;
    rec.bytes_completed = svm_edu_cpu_to_le32(op->done);
    rec.fault_addr = svm_edu_cpu_to_le64(op->fault_addr);
    rec.cookie = svm_edu_cpu_to_le64(op->cookie);
    if (s->ops->mem_write(s->opaque, pa + rest, b + rest, sizeof(rec) - rest) ||
        s->ops->mem_write(s->opaque, pa + count, b + count, rest - count)) {
        goto not_ram;
    }
    /*
     * The driver reads the rest once it sees the status: the other fields
     * must be visible first, on any host.
     */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    if (s->ops->mem_write(s->opaque, pa, b, count)) {
        goto not_ram;
    }
    return;
not_ram:
    svm_edu_guest_error(s, SVM_EDU_ERR_COMPLETION,
                        "svm-edu: completion record PA 0x%llx not RAM",
                        (unsigned long long)pa);
    s->pending_irqs |= 1u << SVM_EDU_VEC_ERROR;
}

static bool sq_runnable(const SvmEduCore *s)
{
    return (s->ctrl & SVM_EDU_CTRL_ENABLE) && !s->sq_halted &&
           s->sq_size && s->sq_head != s->sq_tail;
}

static uint64_t now(SvmEduCore *s)
{
    return s->ops->now_ns ? s->ops->now_ns(s->opaque) : 0;
}

/* Process the descriptor at SQ_HEAD. Lock held; dropped between chunks. */
static void process_one(SvmEduCore *s)
{
    struct svm_edu_desc raw;
    uint64_t epoch = s->epoch, rsvd, t0 = now(s);
    uint64_t at = s->sq_base + (uint64_t)s->sq_head * SVM_EDU_DESC_SIZE;
    DmaOp op;

    if (s->ops->mem_read(s->opaque, at, &raw, sizeof(raw))) {
        svm_edu_guest_error(s, SVM_EDU_ERR_SQ_FETCH,
                            "svm-edu: descriptor at 0x%llx is not in RAM; "
                            "ring halted", (unsigned long long)at);
        s->sq_halted = true;
        s->pending_irqs |= 1u << SVM_EDU_VEC_ERROR;
        return;
    }
    s->sq_active = true;
    decode(&raw, &op, &rsvd);
    op.epoch = epoch;
    if (binding_ended(s, &op)) {
        /* ABORTED before anything: not even an invalid one's record. */
    } else if (!valid(&op, rsvd)) {
        op.status = SVM_EDU_CS_INVALID_DESC;
        svm_edu_guest_error(s, SVM_EDU_ERR_DESC,
                            "svm-edu: invalid descriptor %u (opcode %u flags "
                            "0x%x len %u)", s->sq_head, op.opcode, op.flags,
                            op.len);
    } else if (op.opcode == SVM_EDU_OP_NOP) {
        op.status = SVM_EDU_CS_SUCCESS;
    } else {
        while (!run_chunk(s, &op)) {
            uint32_t throttle = s->throttle_us;

            s->engine_drops++;
            svm_edu_core_unlock(s);
            if (throttle) {
                usleep(throttle);   /* a slow engine, for race tests */
            }
            pthread_mutex_lock(&s->lock);
            /*
             * Reset or ring change: forget the descriptor. Stop (unplug):
             * the joining thread must not wait for the rest of it.
             */
            if (s->epoch != epoch || s->stop) {
                return;
            }
            if (binding_ended(s, &op)) {
                break;
            }
        }
    }
    if (op.abandoned || s->epoch != epoch || s->stop) {
        return;             /* reset, ring change or stop while parked */
    }
    if ((op.flags & SVM_EDU_DESC_F_RECORD) &&
        op.status != SVM_EDU_CS_ABORTED) {
        write_completion(s, &op);
        if (op.abandoned || s->epoch != epoch || s->stop) {
            return;
        }
    }
    svm_edu_trace_desc(op.pasid, op.opcode, op.len, op.status);
    s->counters[SVM_EDU_CNT_DESCRIPTORS]++;
    if (op.status != SVM_EDU_CS_SUCCESS) {
        s->counters[SVM_EDU_CNT_DESC_ERRORS]++;
        s->sq_err_index = s->sq_head;
    }
    if (op.status == SVM_EDU_CS_ABORTED) {
        s->counters[SVM_EDU_CNT_DESC_ABORTED]++;
    }
    if (op.flags & SVM_EDU_DESC_F_IRQ) {
        s->pending_irqs |= 1u << SVM_EDU_VEC_DMA_DONE;
    }
    s->counters[SVM_EDU_CNT_BUSY_NS] += now(s) - t0;
    s->sq_head = (s->sq_head + 1) & (s->sq_size - 1);
    s->sq_active = false;
}

void svm_edu_sq_doorbell(SvmEduCore *s, uint32_t tail)
{
    if (!s->sq_size || (s->sq_size & (s->sq_size - 1)) || s->sq_size < 2 ||
        s->sq_size > SVM_EDU_RING_MAX ||
        (s->sq_base & (SVM_EDU_DESC_SIZE - 1)) || tail >= s->sq_size) {
        svm_edu_guest_error(s, SVM_EDU_ERR_SQ_CONFIG,
                            "svm-edu: SQ doorbell %u with ring base 0x%llx "
                            "size %u", tail, (unsigned long long)s->sq_base,
                            s->sq_size);
        return;
    }
    s->sq_tail = tail;
    pthread_cond_broadcast(&s->work);
}

void svm_edu_core_run_pending(SvmEduCore *s)
{
    uint32_t n = 0;

    pthread_mutex_lock(&s->lock);
    s->prq_nowait = true;
    while (sq_runnable(s) && n++ < SVM_EDU_RING_MAX) {
        process_one(s);
    }
    s->prq_nowait = false;
    s->sq_active = false;
    svm_edu_core_unlock(s);
}

void svm_edu_core_worker(SvmEduCore *s)
{
    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        if (sq_runnable(s)) {
            process_one(s);
            s->sq_active = false;
            /* Deliver this descriptor's interrupts before the next one. */
            svm_edu_core_unlock(s);
            pthread_mutex_lock(&s->lock);
            continue;
        }
        pthread_cond_wait(&s->work, &s->lock);
    }
    svm_edu_core_unlock(s);
}

void svm_edu_core_stop(SvmEduCore *s)
{
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_cond_broadcast(&s->work);
    pthread_mutex_unlock(&s->lock);
}
