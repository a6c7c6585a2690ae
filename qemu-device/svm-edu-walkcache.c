/*
 * svm-edu device core: the walk cache, a PASID-tagged cache of upper-level
 * paging entries (VT-d's paging-structure caches).
 *
 * A translating walk that succeeds leaves its present, non-leaf entries of
 * the cached levels here (from the PDE up to the property
 * walk-cache-levels); the next walk of an address they map starts at the
 * table the deepest of them points to. Fully associative, LRU.
 *
 * Invalidation (svm-edu-inv.c): a PAGE command without LEAF_ONLY drops
 * the PASID's entries whose region overlaps its range. A page-table page
 * that the kernel frees or replaces maps part of the range the kernel
 * invalidates (Linux's notifier ranges and TLB-flush ranges cover the
 * freed tables' addresses), so the entry that points to it is among them.
 * PASID drops the PASID's entries, GLOBAL all of them. The stale checker
 * compares every walk that starts from an entry with a walk from the root
 * (svm-edu-walk.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include "svm-edu-core.h"

static unsigned region_shift(unsigned level)
{
    return 12 + 9 * (level - 1);
}

static bool wc_match(const SvmEduWcEntry *e, uint32_t pasid, bool la57,
                     uint64_t va)
{
    return e->valid && e->pasid == pasid && e->la57 == la57 &&
           e->tag == va >> region_shift(e->level);
}

/* Remember PDE entry @i as the most recently used one. */
static void wc_mru_note(SvmEduCore *s, uint32_t i)
{
    unsigned k;

    if (s->wc[i].level != 2 || s->wc_mru[0] == i) {
        return;
    }
    for (k = SVM_EDU_WC_MRU - 1; k > 0; k--) {
        s->wc_mru[k] = s->wc_mru[k - 1];
    }
    s->wc_mru[0] = i;
}

const SvmEduWcEntry *svm_edu_wc_lookup(SvmEduCore *s, uint32_t pasid,
                                       bool la57, uint64_t va)
{
    SvmEduWcEntry *best = NULL;
    uint32_t i;
    unsigned k;

    /*
     * A PDE is the deepest entry there is: one of the last used that maps
     * @va ends the search (a DMA walks its source and its destination).
     */
    for (k = 0; k < SVM_EDU_WC_MRU && s->cfg.wc_entries; k++) {
        SvmEduWcEntry *e = &s->wc[s->wc_mru[k]];

        if (e->level == 2 && wc_match(e, pasid, la57, va)) {
            e->stamp = ++s->wc_stamp;
            return e;
        }
    }
    for (i = 0; i < s->cfg.wc_entries; i++) {
        SvmEduWcEntry *e = &s->wc[i];

        if (wc_match(e, pasid, la57, va) &&
            (!best || e->level < best->level)) {
            best = e;
        }
    }
    if (best) {
        best->stamp = ++s->wc_stamp;
        wc_mru_note(s, best - s->wc);
    }
    return best;
}

void svm_edu_wc_fill(SvmEduCore *s, uint32_t pasid, bool la57, unsigned level,
                     uint64_t va, uint64_t table, bool user, bool rw)
{
    uint64_t tag = va >> region_shift(level);
    SvmEduWcEntry *victim = NULL;
    uint32_t i;

    if (!s->cfg.wc_entries || level < 2 || level > 1 + s->cfg.wc_levels) {
        return;
    }
    for (i = 0; i < s->cfg.wc_entries; i++) {
        SvmEduWcEntry *e = &s->wc[i];

        if (e->valid && e->pasid == pasid && e->la57 == la57 &&
            e->level == level && e->tag == tag) {
            victim = e;         /* the same region: replace in place */
            break;
        }
        if (!victim || (victim->valid &&
                        (!e->valid || e->stamp < victim->stamp))) {
            victim = e;
        }
    }
    victim->valid = true;
    victim->la57 = la57;
    victim->user = user;
    victim->rw = rw;
    victim->level = level;
    victim->pasid = pasid;
    victim->tag = tag;
    victim->table = table;
    victim->stamp = ++s->wc_stamp;
    wc_mru_note(s, victim - s->wc);
}

uint64_t svm_edu_wc_inv_range(SvmEduCore *s, uint32_t pasid, uint64_t va,
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
    for (i = 0; i < s->cfg.wc_entries; i++) {
        SvmEduWcEntry *e = &s->wc[i];
        unsigned shift;
        uint64_t first_va, last_va;

        if (!e->valid || e->pasid != pasid) {
            continue;
        }
        shift = region_shift(e->level);
        first_va = e->tag << shift;
        last_va = first_va + ((1ull << shift) - 1);
        if (first_va <= last && va <= last_va) {
            e->valid = false;
            dropped++;
        }
    }
    return dropped;
}

uint64_t svm_edu_wc_inv_pasid(SvmEduCore *s, uint32_t pasid)
{
    uint64_t dropped = 0;
    uint32_t i;

    for (i = 0; i < s->cfg.wc_entries; i++) {
        if (s->wc[i].valid && s->wc[i].pasid == pasid) {
            s->wc[i].valid = false;
            dropped++;
        }
    }
    return dropped;
}

uint64_t svm_edu_wc_inv_all(SvmEduCore *s)
{
    uint64_t dropped = 0;
    uint32_t i;

    for (i = 0; i < s->cfg.wc_entries; i++) {
        dropped += s->wc[i].valid;
        s->wc[i].valid = false;
    }
    return dropped;
}
