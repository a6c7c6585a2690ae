/*
 * svm-edu device core: translation of a device access through the IOTLB,
 * with the stale-translation checker.
 *
 * Stale, in general, is a memory access that uses a translation obtained
 * before the completion of an invalidation covering its address, or
 * obtained for a PASID binding that has since ended. The checker judges
 * every use of a translation, wherever the device kept it:
 *
 * - the IOTLB: below; the entry is compared with the page table;
 * - translations the engine holds between obtaining them and the access
 *   (a chunk's source and destination, the completion record's address):
 *   invalidation commands mark the ones they cover killed, and the use of
 *   a killed one is stale (SVM_EDU_STALE_INFO_HELD), whatever the table
 *   says now: the driver was promised that no access would use it;
 * - accesses for an ended binding, which only happen with the
 *   x-run-ended-binding test knob (SVM_EDU_STALE_INFO_ENDED).
 *
 * A translation served from the IOTLB is stale when the page table no
 * longer grants it: the page is not present, maps another frame, or does
 * not allow this access any more. A write through an entry cached as dirty
 * whose leaf has D clear now is stale too: the kernel cleaned the page
 * (MADV_FREE, writeback) and would not see the write. A cached entry with
 * fewer rights than the table is only conservative: an access it cannot
 * serve drops it and walks again before any fault is reported (Linux does
 * not flush on permission upgrades or not-present to present changes).
 *
 * SPDX-License-Identifier: MIT
 */
#include "svm-edu-core.h"

static int fault_status(uint32_t fault)
{
    if (fault & SVM_EDU_FAULT_NOT_PRESENT) {
        return SVM_EDU_CS_PAGE_FAULT;
    }
    if (fault & (SVM_EDU_FAULT_WRITE_PROTECT | SVM_EDU_FAULT_SUPERVISOR)) {
        return SVM_EDU_CS_PERM_FAULT;
    }
    return SVM_EDU_CS_TRANSLATION_ERROR;
}

static void count_fault(SvmEduCore *s, uint32_t fault)
{
    switch (fault_status(fault)) {
    case SVM_EDU_CS_PAGE_FAULT:
        s->counters[SVM_EDU_CNT_FAULT_NOT_PRESENT]++;
        break;
    case SVM_EDU_CS_PERM_FAULT:
        s->counters[SVM_EDU_CNT_FAULT_PERM]++;
        break;
    default:
        s->counters[SVM_EDU_CNT_FAULT_BAD]++;
        break;
    }
}

void svm_edu_log_stale(SvmEduCore *s, uint32_t pasid, uint64_t va,
                       uint64_t cached_pa, uint64_t fresh_pa, uint32_t info)
{
    SvmEduStaleEvent *ev;

    ev = &s->stale_log[s->stale_count % SVM_EDU_STALE_LOG_ENTRIES];
    ev->pasid = pasid;
    ev->info = info;
    ev->va = va;
    ev->cached_pa = cached_pa;
    ev->fresh_pa = fresh_pa;
    s->stale_count++;
    s->counters[SVM_EDU_CNT_STALE]++;
    svm_edu_trace_stale(pasid, va, cached_pa, fresh_pa, info);
}

/*
 * The entry the checker walks: the PASID entry itself, or for a SHADOW
 * entry a copy rooted at the process's own table (CROOT). Dirty tracking
 * is not judged in shadow mode (AD is cleared in the copy): the shadow's
 * D bits are the driver's, and a shadow-mode driver has no way to set the
 * process's (docs/hw-spec.md, "Shadow tables").
 */
static const SvmEduPasidEntry *checker_pe(const SvmEduPasidEntry *pe,
                                          SvmEduPasidEntry *tmp)
{
    if (!(pe->flags & SVM_EDU_PE_SHADOW)) {
        return pe;
    }
    *tmp = *pe;
    tmp->pgd = pe->croot;
    tmp->flags &= ~(SVM_EDU_PE_AD | SVM_EDU_PE_SHADOW);
    return tmp;
}

/*
 * Compare a translation the device is about to use (@pa of a page of
 * @pgsz: an IOTLB entry's, or in shadow mode a fresh walk of the shadow)
 * with a fresh, read-only walk of the process's table. Returns true when
 * the use is stale, logged unless @quiet (this access was logged already);
 * @fresh gets the walk.
 */
static bool check_stale(SvmEduCore *s, const SvmEduPasidEntry *pe,
                        uint64_t pa, uint8_t pgsz, uint64_t va, bool write,
                        bool quiet, SvmEduWalk *fresh)
{
    uint64_t cached_pa = pa + (va & (svm_edu_page_size(pgsz) - 1));
    uint64_t fresh_pa = SVM_EDU_STALE_NOT_PRESENT_PA;
    uint32_t info = write ? SVM_EDU_STALE_INFO_WRITE : 0;
    SvmEduPasidEntry tmp;

    svm_edu_walk(s, checker_pe(pe, &tmp), va, write, false, fresh);
    if (fresh->fault & SVM_EDU_FAULT_NOT_PRESENT) {
        info |= SVM_EDU_STALE_INFO_NOT_PRESENT;
    } else if (fresh->fault) {
        info |= SVM_EDU_STALE_INFO_FEWER_RIGHTS;
    } else {
        fresh_pa = fresh->pa + (va & (svm_edu_page_size(fresh->pgsz) - 1));
        if (fresh_pa != cached_pa) {
            info |= SVM_EDU_STALE_INFO_OTHER_FRAME;
        }
        /* Only a write can tell: fresh->writable is false while D is clear. */
        if (write && !fresh->writable) {
            info |= SVM_EDU_STALE_INFO_CLEAN;
        }
    }
    if (!(info & ~SVM_EDU_STALE_INFO_WRITE)) {
        return false;
    }
    if (!quiet) {
        svm_edu_log_stale(s, pe->pasid, va, cached_pa, fresh_pa, info);
    }
    return true;
}

/*
 * Shadow mode, report policy: the access uses what the process's table
 * gives now (@fresh, the checker's walk), without caching it: the shadow
 * still holds the stale entry and is judged again at the next use.
 */
static int use_fresh(SvmEduCore *s, uint32_t pasid, uint64_t va, bool write,
                     const SvmEduWalk *fresh, uint64_t *pa, uint32_t *fault)
{
    if (fresh->fault) {
        *fault = fresh->fault | (write ? SVM_EDU_FAULT_WRITE : 0);
        count_fault(s, fresh->fault);
        svm_edu_trace_fault(pasid, va, *fault);
        return fault_status(fresh->fault);
    }
    *pa = fresh->pa + (va & (svm_edu_page_size(fresh->pgsz) - 1));
    return SVM_EDU_CS_SUCCESS;
}

int svm_edu_translate(SvmEduCore *s, uint32_t pasid, uint64_t va,
                      bool write, uint64_t *pa, uint32_t *fault)
{
    const SvmEduPasidEntry *pe = svm_edu_pasid_get(s, pasid);
    bool reported = false;
    SvmEduIotlbEntry *e;
    SvmEduWalk w;

    *fault = 0;
    if (!pe || !(pe->flags & SVM_EDU_PE_VALID) ||
        (pe->flags & SVM_EDU_PE_FPD) ||
        ((pe->flags & SVM_EDU_PE_LA57) && !s->cfg.la57)) {
        return SVM_EDU_CS_PASID_INVALID;
    }

    e = svm_edu_iotlb_lookup(s, pasid, va, true);
    if (e && write && !e->writable) {
        /* Conservative entry: walk again, the table may allow it now. */
        s->counters[SVM_EDU_CNT_FAULT_REWALK]++;
        svm_edu_iotlb_drop(s, e);
        e = NULL;
    }
    if (e) {
        uint64_t off = va & (svm_edu_page_size(e->pgsz) - 1);

        s->counters[SVM_EDU_CNT_IOTLB_HITS]++;
        svm_edu_trace_iotlb_hit(pasid, va, e->pa + off,
                                svm_edu_page_size(e->pgsz));
        if (s->stale_policy == SVM_EDU_STALE_OFF ||
            !check_stale(s, pe, e->pa, e->pgsz, va, write, false, &w) ||
            s->stale_policy == SVM_EDU_STALE_USE) {
            *pa = e->pa + off;
            return SVM_EDU_CS_SUCCESS;
        }
        if (s->stale_policy == SVM_EDU_STALE_ABORT) {
            return SVM_EDU_CS_STALE_ABORT;
        }
        /*
         * report: forget the stale entry and use a fresh translation (in
         * shadow mode a fresh walk of the shadow, judged below in turn,
         * without a second event for this access).
         */
        svm_edu_iotlb_drop(s, e);
        reported = true;
    }

    s->counters[SVM_EDU_CNT_IOTLB_MISSES]++;
    svm_edu_trace_iotlb_miss(pasid, va);
    svm_edu_walk(s, pe, va, write, true, &w);
    if (w.stale_abort) {
        return SVM_EDU_CS_STALE_ABORT;
    }
    if (w.fault) {
        *fault = w.fault | (write ? SVM_EDU_FAULT_WRITE : 0);
        count_fault(s, w.fault);
        svm_edu_trace_fault(pasid, va, *fault);
        return fault_status(w.fault);
    }
    /*
     * Shadow mode: the shadow entry is the driver's copy of the process's
     * mapping, and the copy itself can be stale (an invalidation that did
     * not clear it, a fill from an outdated snapshot). Judge it against
     * the process's table before it is used or cached.
     */
    if ((pe->flags & SVM_EDU_PE_SHADOW) &&
        s->stale_policy != SVM_EDU_STALE_OFF) {
        SvmEduWalk fresh;

        if (check_stale(s, pe, w.pa, w.pgsz, va, write, reported, &fresh)) {
            if (s->stale_policy == SVM_EDU_STALE_ABORT) {
                return SVM_EDU_CS_STALE_ABORT;
            }
            if (s->stale_policy == SVM_EDU_STALE_REPORT) {
                return use_fresh(s, pasid, va, write, &fresh, pa, fault);
            }
        }
    }
    svm_edu_iotlb_insert(s, pasid, va, &w);
    *pa = w.pa + (va & (svm_edu_page_size(w.pgsz) - 1));
    return SVM_EDU_CS_SUCCESS;
}

void svm_edu_held_set(SvmEduHeld *h, uint32_t pasid, uint64_t va, uint64_t pa)
{
    h->valid = true;
    h->killed = false;
    h->pasid = pasid;
    h->va = va & ~(SVM_EDU_PAGE_SIZE - 1);
    h->size = SVM_EDU_PAGE_SIZE;
    h->pa = pa - (va & (SVM_EDU_PAGE_SIZE - 1));
}

void svm_edu_held_kill(SvmEduCore *s, bool all_pasids, uint32_t pasid,
                       uint64_t va, uint64_t len)
{
    uint64_t last = va + len - 1;
    unsigned i;

    if (!len || last < va) {
        last = UINT64_MAX;
    }
    for (i = 0; i < SVM_EDU_NR_HELD; i++) {
        SvmEduHeld *h = &s->held[i];

        if (h->valid && (all_pasids || h->pasid == pasid) &&
            (!len || (h->va <= last && va <= h->va + h->size - 1))) {
            h->killed = true;
        }
    }
}

/* What the table gives for @va now, by a read-only walk; ~0 when nothing. */
static uint64_t fresh_pa(SvmEduCore *s, uint32_t pasid, uint64_t va,
                         bool write)
{
    const SvmEduPasidEntry *pe = svm_edu_pasid_get(s, pasid);
    SvmEduPasidEntry tmp;
    SvmEduWalk w;

    if (!pe || !(pe->flags & SVM_EDU_PE_VALID) ||
        (pe->flags & SVM_EDU_PE_FPD) ||
        ((pe->flags & SVM_EDU_PE_LA57) && !s->cfg.la57)) {
        return SVM_EDU_STALE_NOT_PRESENT_PA;
    }
    svm_edu_walk(s, checker_pe(pe, &tmp), va, write, false, &w);
    if (w.fault) {
        return SVM_EDU_STALE_NOT_PRESENT_PA;
    }
    return w.pa + (va & (svm_edu_page_size(w.pgsz) - 1));
}

int svm_edu_held_use(SvmEduCore *s, SvmEduHeld *h, uint64_t va, bool write)
{
    uint64_t pa = h->pa + (va - h->va);

    if (!h->killed || s->stale_policy == SVM_EDU_STALE_OFF) {
        return SVM_EDU_CS_SUCCESS;
    }
    /*
     * Stale by time, not by content: even if the table maps the same frame
     * again, the driver was told no access would use this translation.
     */
    svm_edu_log_stale(s, h->pasid, va, pa, fresh_pa(s, h->pasid, va, write),
                      SVM_EDU_STALE_INFO_HELD |
                      (write ? SVM_EDU_STALE_INFO_WRITE : 0));
    switch (s->stale_policy) {
    case SVM_EDU_STALE_ABORT:
        return SVM_EDU_CS_STALE_ABORT;
    case SVM_EDU_STALE_USE:
        h->killed = false;      /* reported once for this use */
        return SVM_EDU_CS_SUCCESS;
    default:
        h->valid = false;
        return SVM_EDU_CS_NONE;
    }
}

int svm_edu_ended_use(SvmEduCore *s, uint32_t pasid, uint64_t va,
                      uint64_t pa, bool write)
{
    if (s->stale_policy == SVM_EDU_STALE_OFF) {
        return SVM_EDU_CS_SUCCESS;
    }
    /* The descriptor's own binding has no translation of anything now. */
    svm_edu_log_stale(s, pasid, va, pa, SVM_EDU_STALE_NOT_PRESENT_PA,
                      SVM_EDU_STALE_INFO_ENDED |
                      (write ? SVM_EDU_STALE_INFO_WRITE : 0));
    return s->stale_policy == SVM_EDU_STALE_ABORT ? SVM_EDU_CS_STALE_ABORT :
                                                    SVM_EDU_CS_SUCCESS;
}
