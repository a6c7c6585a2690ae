/*
 * svm-edu device core: the IOTLB (PASID-tagged, page-size aware,
 * set-associative, LRU) and the PASID-entry cache.
 *
 * The IOTLB caches leaf translations; upper-level entries are the walk
 * cache's (svm-edu-walkcache.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include "svm-edu-core.h"

static uint32_t set_of(const SvmEduCore *s, uint32_t pasid, uint64_t va,
                       uint8_t pgsz)
{
    uint64_t h = (va >> (12 + 9 * pgsz)) ^ ((uint64_t)pasid << 20) ^
                 ((uint64_t)pgsz << 58);

    h *= 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32) & (s->iotlb_sets - 1);
}

static SvmEduIotlbEntry *set_base(SvmEduCore *s, uint32_t set)
{
    return &s->iotlb[set * s->cfg.iotlb_ways];
}

SvmEduIotlbEntry *svm_edu_iotlb_lookup(SvmEduCore *s, uint32_t pasid,
                                       uint64_t va, bool touch)
{
    uint8_t pgsz;
    uint32_t w;

    for (pgsz = SVM_EDU_PGSZ_4K; pgsz <= SVM_EDU_PGSZ_1G; pgsz++) {
        uint64_t base = va & ~(svm_edu_page_size(pgsz) - 1);
        SvmEduIotlbEntry *e = set_base(s, set_of(s, pasid, base, pgsz));

        for (w = 0; w < s->cfg.iotlb_ways; w++, e++) {
            if (e->valid && e->pgsz == pgsz && e->pasid == pasid &&
                e->va == base) {
                if (touch) {
                    e->stamp = ++s->iotlb_stamp;
                }
                return e;
            }
        }
    }
    return NULL;
}

void svm_edu_iotlb_drop(SvmEduCore *s, SvmEduIotlbEntry *e)
{
    (void)s;
    e->valid = false;
}

void svm_edu_iotlb_insert(SvmEduCore *s, uint32_t pasid, uint64_t va,
                          const SvmEduWalk *w)
{
    uint64_t base = va & ~(svm_edu_page_size(w->pgsz) - 1);
    SvmEduIotlbEntry *e = set_base(s, set_of(s, pasid, base, w->pgsz));
    SvmEduIotlbEntry *victim = NULL;
    uint32_t i;

    for (i = 0; i < s->cfg.iotlb_ways; i++) {
        SvmEduIotlbEntry *c = &e[i];

        if (c->valid && c->pgsz == w->pgsz && c->pasid == pasid &&
            c->va == base) {
            victim = c;         /* same page: replace in place */
            break;
        }
        if (!c->valid) {
            if (!victim || victim->valid) {
                victim = c;
            }
        } else if (!victim || (victim->valid && c->stamp < victim->stamp)) {
            victim = c;
        }
    }
    if (victim->valid && !(victim->pasid == pasid && victim->va == base &&
                           victim->pgsz == w->pgsz)) {
        s->counters[SVM_EDU_CNT_IOTLB_EVICTIONS]++;
        svm_edu_trace_iotlb_evict(victim->pasid, victim->va,
                                  svm_edu_page_size(victim->pgsz));
    }
    victim->valid = true;
    victim->writable = w->writable;
    victim->pgsz = w->pgsz;
    victim->pasid = pasid;
    victim->va = base;
    victim->pa = w->pa;
    victim->stamp = ++s->iotlb_stamp;
}

uint64_t svm_edu_iotlb_inv_range(SvmEduCore *s, uint32_t pasid, uint64_t va,
                                 uint64_t len)
{
    uint64_t last = va + len - 1, dropped = 0;
    uint32_t i;

    if (!len) {
        return 0;
    }
    if (last < va) {
        last = UINT64_MAX;
    }
    for (i = 0; i < s->cfg.iotlb_entries; i++) {
        SvmEduIotlbEntry *e = &s->iotlb[i];
        uint64_t e_last;

        if (!e->valid || e->pasid != pasid) {
            continue;
        }
        e_last = e->va + svm_edu_page_size(e->pgsz) - 1;
        if (e->va <= last && va <= e_last) {
            e->valid = false;
            dropped++;
        }
    }
    return dropped;
}

uint64_t svm_edu_iotlb_inv_pasid(SvmEduCore *s, uint32_t pasid)
{
    uint64_t dropped = 0;
    uint32_t i;

    for (i = 0; i < s->cfg.iotlb_entries; i++) {
        if (s->iotlb[i].valid && s->iotlb[i].pasid == pasid) {
            s->iotlb[i].valid = false;
            dropped++;
        }
    }
    return dropped;
}

uint64_t svm_edu_iotlb_inv_all(SvmEduCore *s)
{
    uint64_t dropped = 0;
    uint32_t i;

    for (i = 0; i < s->cfg.iotlb_entries; i++) {
        dropped += s->iotlb[i].valid;
        s->iotlb[i].valid = false;
    }
    return dropped;
}

/*
 * The aligned 64-bit word at @off of the entry at @at, into the same bytes
 * of @pe: a single load in the glue, never torn.
 */
static bool pasid_word(SvmEduCore *s, uint64_t at,
                       struct svm_edu_pasid_entry *pe, size_t off)
{
    return !s->ops->mem_read(s->opaque, at + off, (uint8_t *)pe + off, 8);
}

/*
 * The driver writes the root and the generation before it sets VALID, and
 * clears VALID (or sets FPD) and flushes before it takes the root away.
 * Reading the flags first, then (ordered after them) the rest, means a
 * VALID seen here comes with the root and generation written before it. A
 * VALID entry with a root of 0 can still be read when the driver breaks
 * that order: it is refused, never walked from guest-physical 0.
 */
const SvmEduPasidEntry *svm_edu_pasid_get(SvmEduCore *s, uint32_t pasid)
{
    SvmEduPasidEntry *c = &s->pasid_cache[pasid % SVM_EDU_PASID_CACHE_SIZE];
    uint64_t at = s->pasid_table + (uint64_t)pasid * SVM_EDU_PASID_ENTRY_SIZE;
    struct svm_edu_pasid_entry e;
    uint64_t flags, pgd;
    bool ok;

    if (c->cached && c->pasid == pasid) {
        return c;
    }
    if (pasid >= s->pasid_entries) {
        return NULL;
    }
    ok = pasid_word(s, at, &e, offsetof(struct svm_edu_pasid_entry, flags));
    /* Pairs with the driver's write barrier before it sets VALID. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    /* gen is read with the reserved word beside it, in one load. */
    ok = ok &&
         pasid_word(s, at, &e, offsetof(struct svm_edu_pasid_entry, pgd)) &&
         pasid_word(s, at, &e, offsetof(struct svm_edu_pasid_entry, gen)) &&
         pasid_word(s, at, &e, offsetof(struct svm_edu_pasid_entry, croot));
    if (!ok) {
        svm_edu_guest_error(s, SVM_EDU_ERR_PASID_TABLE,
                            "svm-edu: PASID %u entry at 0x%llx is not in RAM",
                            pasid, (unsigned long long)at);
        return NULL;
    }
    flags = svm_edu_le64_to_cpu(e.flags);
    pgd = svm_edu_le64_to_cpu(e.pgd);
    if ((flags & SVM_EDU_PE_VALID) && !(pgd & SVM_EDU_PE_PGD_MASK)) {
        svm_edu_guest_error(s, SVM_EDU_ERR_PASID_TABLE,
                            "svm-edu: PASID %u entry is VALID with a root of "
                            "0 (torn update?): treated as not valid", pasid);
        flags &= ~SVM_EDU_PE_VALID;
    }
    if ((flags & SVM_EDU_PE_VALID) && (flags & SVM_EDU_PE_SHADOW) &&
        !(svm_edu_le64_to_cpu(e.croot) & SVM_EDU_PE_PGD_MASK)) {
        svm_edu_guest_error(s, SVM_EDU_ERR_PASID_TABLE,
                            "svm-edu: PASID %u entry is VALID and SHADOW with "
                            "a checker root of 0: treated as not valid", pasid);
        flags &= ~SVM_EDU_PE_VALID;
    }
    c->pasid = pasid;
    c->flags = flags;
    c->pgd = pgd;
    c->gen = svm_edu_le32_to_cpu(e.gen);
    c->croot = (flags & SVM_EDU_PE_SHADOW) ? svm_edu_le64_to_cpu(e.croot) : 0;
    /* Entries without VALID are never cached: no flush needed to set up. */
    c->cached = c->flags & SVM_EDU_PE_VALID;
    return c;
}

void svm_edu_pasid_cache_inv(SvmEduCore *s, uint32_t pasid, bool all)
{
    unsigned i;

    for (i = 0; i < SVM_EDU_PASID_CACHE_SIZE; i++) {
        if (all || s->pasid_cache[i].pasid == pasid) {
            s->pasid_cache[i].cached = false;
        }
    }
}
