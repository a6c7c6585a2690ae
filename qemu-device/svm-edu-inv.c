/*
 * svm-edu device core: invalidation, through the register interface or the
 * invalidation queue.
 *
 * Both run in the MMIO handler with the core lock held. A DMA chunk holds
 * the same lock from translation to the end of its copy, so by the time an
 * invalidation runs no chunk is in progress, and every later chunk
 * translates again: once a WAIT queued after an invalidation has completed,
 * nothing can use the old translation. A chunk parked on a page request
 * has dropped the lock while holding translations: each command marks the
 * held translations it covers killed, and the stale checker judges any
 * later use of one (the engine itself translates again after a wait).
 *
 * The walk cache (svm-edu-walkcache.c): PAGE drops the PASID's entries
 * whose region overlaps the range, unless the command has LEAF_ONLY; PASID
 * drops the PASID's entries, GLOBAL all. The test property
 * x-walk-cache-keep-on-range makes PAGE leave the walk cache alone.
 *
 * The test property x-iq-stall-addr makes the queue stop at a PAGE command
 * covering one address until reset: a device that never answers a WAIT,
 * for the driver's fence (issue 13, finding 8).
 *
 * SPDX-License-Identifier: MIT
 */
#include "svm-edu-core.h"

static bool inv_page(SvmEduCore *s, uint32_t pasid, uint64_t addr,
                     unsigned order, bool leaf_only)
{
    uint64_t len;

    if (order > SVM_EDU_INV_ORDER_MAX) {
        return false;
    }
    len = SVM_EDU_PAGE_SIZE << order;
    if (addr & (len - 1)) {
        return false;
    }
    s->counters[SVM_EDU_CNT_INV_PAGE]++;
    s->counters[SVM_EDU_CNT_INV_DROPPED] +=
        svm_edu_iotlb_inv_range(s, pasid, addr, len);
    if (!leaf_only && !s->cfg.wc_keep) {
        svm_edu_wc_inv_range(s, pasid, addr, len);
    }
    svm_edu_held_kill(s, false, pasid, addr, len);
    return true;
}

static bool inv_wait(SvmEduCore *s, uint32_t cmd, uint64_t addr,
                     uint32_t data)
{
    uint32_t status = svm_edu_cpu_to_le32(data);

    s->counters[SVM_EDU_CNT_INV_WAIT]++;
    if (cmd & SVM_EDU_INV_WAIT_STATUS) {
        if (addr & 3) {
            return false;
        }
        if (s->ops->mem_write(s->opaque, addr, &status, sizeof(status))) {
            return false;
        }
    }
    if (cmd & SVM_EDU_INV_WAIT_IRQ) {
        s->pending_irqs |= 1u << SVM_EDU_VEC_INV_WAIT;
    }
    return true;
}

bool svm_edu_inv_exec(SvmEduCore *s, uint32_t cmd, uint32_t pasid,
                      uint64_t addr, uint32_t data, bool from_queue)
{
    uint64_t t0 = s->ops->now_ns ? s->ops->now_ns(s->opaque) : 0;
    uint32_t type = SVM_EDU_INV_CMD_TYPE(cmd);
    bool ok = true;

    svm_edu_trace_invalidate(type, pasid, addr, SVM_EDU_INV_CMD_ORDER(cmd));
    switch (type) {
    case SVM_EDU_INV_PAGE:
        ok = inv_page(s, pasid, addr, SVM_EDU_INV_CMD_ORDER(cmd),
                      cmd & SVM_EDU_INV_CMD_LEAF_ONLY);
        break;
    case SVM_EDU_INV_PASID:
        s->counters[SVM_EDU_CNT_INV_PASID]++;
        s->counters[SVM_EDU_CNT_INV_DROPPED] +=
            svm_edu_iotlb_inv_pasid(s, pasid);
        svm_edu_wc_inv_pasid(s, pasid);
        svm_edu_held_kill(s, false, pasid, 0, 0);
        break;
    case SVM_EDU_INV_GLOBAL:
        s->counters[SVM_EDU_CNT_INV_GLOBAL]++;
        s->counters[SVM_EDU_CNT_INV_DROPPED] += svm_edu_iotlb_inv_all(s);
        svm_edu_wc_inv_all(s);
        svm_edu_held_kill(s, true, 0, 0, 0);
        break;
    case SVM_EDU_INV_PASID_CACHE:
        /*
         * A translation obtained through the old PASID entry (another
         * root, another binding) must not be used after this either.
         */
        s->counters[SVM_EDU_CNT_INV_PASID_CACHE]++;
        svm_edu_pasid_cache_inv(s, pasid, cmd & SVM_EDU_INV_CMD_ALL_PASIDS);
        svm_edu_held_kill(s, cmd & SVM_EDU_INV_CMD_ALL_PASIDS, pasid, 0, 0);
        break;
    case SVM_EDU_INV_DRAIN:
        /*
         * Holding the lock means no chunk is in progress; the next chunk of
         * this PASID re-reads the PASID entry through the (flushed) cache.
         * A descriptor of the PASID parked on a page request completes
         * with its fault.
         */
        s->counters[SVM_EDU_CNT_INV_DRAIN]++;
        svm_edu_prq_withdraw(s, pasid);
        break;
    case SVM_EDU_INV_WAIT:
        ok = from_queue && inv_wait(s, cmd, addr, data);
        break;
    default:
        ok = false;
        break;
    }
    if (s->ops->now_ns) {
        s->counters[SVM_EDU_CNT_INV_BUSY_NS] += s->ops->now_ns(s->opaque) - t0;
    }
    return ok;
}

/*
 * x-iq-stall-addr (tests only): a PAGE command whose range holds the
 * address stops the queue, as an invalidation unit that hangs would.
 */
static bool iq_stalls_at(const SvmEduCore *s, uint32_t cmd, uint64_t addr)
{
    unsigned order = SVM_EDU_INV_CMD_ORDER(cmd);
    uint64_t len;

    if (!s->cfg.iq_stall_addr ||
        SVM_EDU_INV_CMD_TYPE(cmd) != SVM_EDU_INV_PAGE ||
        order > SVM_EDU_INV_ORDER_MAX) {
        return false;
    }
    len = SVM_EDU_PAGE_SIZE << order;
    return s->cfg.iq_stall_addr - addr < len;
}

void svm_edu_iq_doorbell(SvmEduCore *s, uint32_t tail)
{
    struct svm_edu_inv_desc d;
    uint32_t n = 0;

    if (!(s->ctrl & SVM_EDU_CTRL_ENABLE) || !s->iq_size ||
        (s->iq_size & (s->iq_size - 1)) || s->iq_size > SVM_EDU_RING_MAX ||
        (s->iq_base & (SVM_EDU_INV_DESC_SIZE - 1)) || tail >= s->iq_size) {
        svm_edu_guest_error(s, SVM_EDU_ERR_IQ_CONFIG,
                            "svm-edu: IQ doorbell %u with queue base 0x%llx "
                            "size %u (or device disabled)", tail,
                            (unsigned long long)s->iq_base, s->iq_size);
        return;
    }
    s->iq_tail = tail;
    /* At most one lap of the ring per doorbell; none while stalled. */
    while (!s->iq_stalled && s->iq_head != s->iq_tail && n++ < s->iq_size) {
        uint64_t at = s->iq_base + (uint64_t)s->iq_head * sizeof(d);
        uint32_t cmd, pasid, data;
        uint64_t addr;

        s->counters[SVM_EDU_CNT_INV_DESCS]++;
        if (s->ops->mem_read(s->opaque, at, &d, sizeof(d))) {
            svm_edu_guest_error(s, SVM_EDU_ERR_IQ_CONFIG,
                                "svm-edu: IQ descriptor at 0x%llx not in RAM",
                                (unsigned long long)at);
            s->iq_err_index = s->iq_head;
            s->iq_head = s->iq_tail;    /* drop the rest of the batch */
            break;
        }
        cmd = svm_edu_le32_to_cpu(d.cmd);
        pasid = svm_edu_le32_to_cpu(d.pasid);
        addr = svm_edu_le64_to_cpu(d.addr);
        data = svm_edu_le32_to_cpu(d.data);
        if (iq_stalls_at(s, cmd, addr)) {
            /* Head stays on it: not executed, not consumed, until reset. */
            s->iq_stalled = true;
            svm_edu_trace_iq_stall(s->iq_head, pasid, addr,
                                   SVM_EDU_INV_CMD_ORDER(cmd));
            break;
        }
        if (d.rsvd0 || d.rsvd1 ||
            !svm_edu_inv_exec(s, cmd, pasid, addr, data, true)) {
            svm_edu_guest_error(s, SVM_EDU_ERR_IQ_DESC,
                                "svm-edu: bad IQ descriptor %u (cmd 0x%x)",
                                s->iq_head, cmd);
            s->iq_err_index = s->iq_head;
            s->pending_irqs |= 1u << SVM_EDU_VEC_ERROR;
        }
        s->iq_head = (s->iq_head + 1) & (s->iq_size - 1);
    }
}
