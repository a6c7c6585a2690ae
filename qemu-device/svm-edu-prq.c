/*
 * svm-edu device core: page requests, the device's way of asking the
 * driver to fault a page in (like Intel PRQ, AMD PPR, SMMU stall).
 *
 * A descriptor with BLOCK_ON_FAULT that meets a not-present or
 * write-protected page writes a request into the page-request ring, raises
 * PAGE_REQ and parks until the driver answers through PRQ_RESP. The engine
 * is single-threaded, so at most one request is outstanding.
 *
 * SPDX-License-Identifier: MIT
 */
#include "svm-edu-core.h"

static bool prq_usable(const SvmEduCore *s)
{
    return s->prq_size >= 2 && s->prq_size <= SVM_EDU_RING_MAX &&
           !(s->prq_size & (s->prq_size - 1)) &&
           !(s->prq_base & (SVM_EDU_PRQ_ENTRY_SIZE - 1));
}

bool svm_edu_page_request(SvmEduCore *s, uint32_t pasid, uint32_t bind_gen,
                          uint64_t va, uint32_t npages, bool write,
                          uint64_t epoch)
{
    struct svm_edu_page_req req = { 0 };
    uint64_t t0;
    uint32_t id;

    if (!prq_usable(s) ||
        ((s->prq_tail + 1) & (s->prq_size - 1)) ==
        (s->prq_head & (s->prq_size - 1))) {
        svm_edu_guest_error(s, SVM_EDU_ERR_PRQ_OVERFLOW,
                            "svm-edu: no room in the page-request ring "
                            "(base 0x%llx size %u head %u tail %u)",
                            (unsigned long long)s->prq_base, s->prq_size,
                            s->prq_head, s->prq_tail);
        s->counters[SVM_EDU_CNT_PRQ_OVERFLOWS]++;
        s->pending_irqs |= 1u << SVM_EDU_VEC_ERROR;
        return false;
    }
    id = ++s->prq_next_id;
    if (!id) {
        id = ++s->prq_next_id;  /* 0 means "none" */
    }
    req.id = svm_edu_cpu_to_le32(id);
    req.pasid = svm_edu_cpu_to_le32(pasid);
    req.addr = svm_edu_cpu_to_le64(va & ~(SVM_EDU_PAGE_SIZE - 1));
    req.flags = svm_edu_cpu_to_le32(write ? SVM_EDU_PRQ_F_WRITE : 0);
    req.bind_gen = svm_edu_cpu_to_le32(bind_gen);
    req.npages = svm_edu_cpu_to_le32(npages);
    if (s->ops->mem_write(s->opaque, s->prq_base +
                          (uint64_t)s->prq_tail * SVM_EDU_PRQ_ENTRY_SIZE,
                          &req, sizeof(req))) {
        svm_edu_guest_error(s, SVM_EDU_ERR_PRQ_OVERFLOW,
                            "svm-edu: page-request ring at 0x%llx not in RAM",
                            (unsigned long long)s->prq_base);
        s->pending_irqs |= 1u << SVM_EDU_VEC_ERROR;
        return false;
    }
    s->prq_tail = (s->prq_tail + 1) & (s->prq_size - 1);
    s->counters[SVM_EDU_CNT_PAGE_REQUESTS]++;
    s->pending_irqs |= 1u << SVM_EDU_VEC_PAGE_REQ;
    if (s->prq_nowait) {
        return false;
    }

    s->prq_wait_id = id;
    s->prq_wait_pasid = pasid;
    s->prq_answered = false;
    /*
     * Deliver the interrupt, then sleep until answered, reset or stopped.
     * Whatever the engine holds may be invalidated meanwhile.
     */
    s->engine_drops++;
    t0 = s->ops->now_ns ? s->ops->now_ns(s->opaque) : 0;
    svm_edu_core_unlock(s);
    pthread_mutex_lock(&s->lock);
    while (!s->prq_answered && s->epoch == epoch && !s->stop) {
        pthread_cond_wait(&s->work, &s->lock);
    }
    if (s->ops->now_ns) {
        s->counters[SVM_EDU_CNT_PRQ_WAIT_NS] += s->ops->now_ns(s->opaque) - t0;
    }
    s->prq_wait_id = 0;
    return s->prq_answered && s->epoch == epoch &&
           s->prq_answer == SVM_EDU_PRQ_RESP_SUCCESS;
}

void svm_edu_prq_response(SvmEduCore *s, uint64_t val)
{
    uint32_t id = (uint32_t)val;
    uint32_t code = (val >> 32) & 0xff;

    if (code > SVM_EDU_PRQ_RESP_FAILURE || !id ||
        (int32_t)(id - s->prq_next_id) > 0) {
        svm_edu_guest_error(s, SVM_EDU_ERR_PRQ_RESP,
                            "svm-edu: page response 0x%llx for a request "
                            "never made", (unsigned long long)val);
        return;
    }
    s->counters[code == SVM_EDU_PRQ_RESP_SUCCESS ?
                SVM_EDU_CNT_PAGE_RESP_OK : SVM_EDU_CNT_PAGE_RESP_FAIL]++;
    /* An answer to a request already withdrawn (DRAIN, reset) is dropped. */
    if (id == s->prq_wait_id && !s->prq_answered) {
        s->prq_answered = true;
        s->prq_answer = code;
        pthread_cond_broadcast(&s->work);
    }
}

void svm_edu_prq_withdraw(SvmEduCore *s, uint32_t pasid)
{
    if (s->prq_wait_id && s->prq_wait_pasid == pasid && !s->prq_answered) {
        s->prq_answered = true;
        s->prq_answer = SVM_EDU_PRQ_RESP_FAILURE;
        pthread_cond_broadcast(&s->work);
    }
}
