/*
 * svm-edu device core: x86-64 first-level page walk (4 or 5 levels,
 * 4 KiB / 2 MiB / 1 GiB leaves), as the CPU does it for a user-mode access.
 *
 * The device's own walks start from the walk cache (svm-edu-walkcache.c)
 * when it holds an upper-level entry for the address, and leave the upper
 * entries they read there when they translate. The stale checker compares
 * the outcome of such a walk with a walk from the root (wc_walk_stale()).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include "svm-edu-core.h"

#define PTE_P       (1ull << 0)
#define PTE_RW      (1ull << 1)
#define PTE_US      (1ull << 2)
#define PTE_A       (1ull << 5)
#define PTE_D       (1ull << 6)
#define PTE_PS      (1ull << 7)
#define PTE_ADDR    0x000ffffffffff000ull
/* Bits 51:SVM_EDU_PHYS_BITS of a present entry are reserved. */
#define PTE_RSVD    (PTE_ADDR & ~((1ull << SVM_EDU_PHYS_BITS) - 1))

uint64_t svm_edu_page_size(uint8_t pgsz)
{
    return 1ull << (12 + 9 * pgsz);
}

bool svm_edu_canonical(uint64_t va, bool la57)
{
    unsigned bits = la57 ? 57 : 48;
    int64_t sext = (int64_t)(va << (64 - bits)) >> (64 - bits);

    return (uint64_t)sext == va;
}

typedef struct WalkPath {
    unsigned levels_used;
    unsigned top;           /* level of val[0] (below a walk-cache entry) */
    bool top_user, top_rw;  /* U/S and R/W of the levels above val[0] */
    uint64_t addr[5];       /* where each entry was read, top level first */
    uint64_t val[5];
} WalkPath;

static bool read_entry(SvmEduCore *s, uint64_t addr, uint64_t *val,
                       bool count)
{
    uint64_t e;

    s->counters[SVM_EDU_CNT_PTE_READS] += count;
    if (s->ops->mem_read(s->opaque, addr, &e, sizeof(e))) {
        return false;
    }
    *val = svm_edu_le64_to_cpu(e);
    return true;
}

/* Where a walk starts: the root, or the table a walk-cache entry gives. */
typedef struct WalkStart {
    unsigned level;         /* of the first entry to read */
    uint64_t table;
    bool user, rw;          /* U/S and R/W of the levels above it */
} WalkStart;

/*
 * Start @va's walk from the walk cache. Returns false when the walk starts
 * at the root; true with @st from the deepest cached entry that maps @va.
 */
static bool wc_start(SvmEduCore *s, const SvmEduPasidEntry *pe, uint64_t va,
                     WalkStart *st)
{
    bool la57 = pe->flags & SVM_EDU_PE_LA57;
    const SvmEduWcEntry *e = svm_edu_wc_lookup(s, pe->pasid, la57, va);

    if (!e) {
        return false;   /* a miss: WALKS - WALK_CACHE_HITS counts them */
    }
    s->counters[SVM_EDU_CNT_WALK_CACHE_HITS]++;
    st->level = e->level - 1;
    st->table = e->table;
    st->user = e->user;
    st->rw = e->rw;
    return true;
}

/*
 * Read-only walk: fills @w (fault or leaf) and @path. @count: account the
 * entry reads (not for the checker's ground-truth walks). @st: where to
 * start, from the walk cache (the device's own walks); NULL: the root.
 */
static void walk_once(SvmEduCore *s, const SvmEduPasidEntry *pe, uint64_t va,
                      bool write, bool count, const WalkStart *st,
                      SvmEduWalk *w, WalkPath *path)
{
    bool la57 = pe->flags & SVM_EDU_PE_LA57;
    unsigned levels = la57 ? 5 : 4;
    uint64_t table = pe->pgd & SVM_EDU_PE_PGD_MASK;
    bool user = true, rw = true;
    unsigned lvl = levels;

    w->fault = 0;
    w->writable = false;
    w->stale_abort = false;
    w->pgsz = SVM_EDU_PGSZ_4K;
    w->pa = 0;
    path->levels_used = 0;
    path->top = levels;
    path->top_user = path->top_rw = true;
    if (!svm_edu_canonical(va, la57)) {
        w->fault = SVM_EDU_FAULT_NON_CANONICAL;
        return;
    }
    if (st) {
        lvl = st->level;
        table = st->table;
        user = st->user;
        rw = st->rw;
    }
    path->top = lvl;
    path->top_user = user;
    path->top_rw = rw;
    for (; lvl >= 1; lvl--) {
        unsigned shift = 12 + 9 * (lvl - 1);
        uint64_t addr = table + ((va >> shift) & 511) * 8;
        uint64_t e;

        if (!read_entry(s, addr, &e, count)) {
            w->fault = SVM_EDU_FAULT_BAD_TABLE;
            return;
        }
        path->addr[path->levels_used] = addr;
        path->val[path->levels_used++] = e;
        if (!(e & PTE_P)) {
            w->fault = SVM_EDU_FAULT_NOT_PRESENT;
            return;
        }
        if (e & PTE_RSVD) {
            w->fault = SVM_EDU_FAULT_RESERVED;
            return;
        }
        user = user && (e & PTE_US);
        rw = rw && (e & PTE_RW);
        if (lvl == 1 || (e & PTE_PS)) {
            /* PS is reserved above the PDPT; leaf alignment bits too. */
            uint64_t size = 1ull << shift;
            uint64_t align_rsvd = (size - 1) & PTE_ADDR & ~(1ull << 12);

            if (lvl > 3 || (lvl > 1 && (e & align_rsvd))) {
                w->fault = SVM_EDU_FAULT_RESERVED;
                return;
            }
            w->pgsz = lvl - 1;
            w->pa = e & PTE_ADDR & ~(size - 1);
            break;
        }
        table = e & PTE_ADDR;
    }
    if (!user) {
        w->fault = SVM_EDU_FAULT_SUPERVISOR;
        return;
    }
    rw = rw && (pe->flags & SVM_EDU_PE_WRITE);
    if (write && !rw) {
        w->fault = SVM_EDU_FAULT_WRITE_PROTECT;
        return;
    }
    /* With A/D on, a write may only go through a leaf whose D is set. */
    w->writable = rw && (!(pe->flags & SVM_EDU_PE_AD) ||
                         (path->val[path->levels_used - 1] & PTE_D));
}

/*
 * Set A on every entry of @path and D on the leaf for a write, each by
 * compare-and-swap against the value the walk used. Returns false when an
 * entry changed under us: the caller walks again.
 */
static bool set_ad_bits(SvmEduCore *s, WalkPath *path, bool write)
{
    unsigned i;

    for (i = 0; i < path->levels_used; i++) {
        bool leaf = i == path->levels_used - 1;
        uint64_t want = path->val[i] | PTE_A | (leaf && write ? PTE_D : 0);
        uint64_t seen;

        if (want == path->val[i]) {
            continue;
        }
        if (s->ops->mem_cmpxchg64(s->opaque, path->addr[i], path->val[i],
                                  want, &seen)) {
            return false;
        }
        if (seen != path->val[i]) {
            return false;
        }
        path->val[i] = want;
        s->counters[SVM_EDU_CNT_AD_UPDATES]++;
    }
    return true;
}

/*
 * A walk translated @va: its present, non-leaf entries go into the walk
 * cache, with the rights of the levels from the root down to each.
 */
static void wc_fill_path(SvmEduCore *s, const SvmEduPasidEntry *pe,
                         uint64_t va, const WalkPath *path)
{
    bool user = path->top_user, rw = path->top_rw;
    unsigned i;

    for (i = 0; i + 1 < path->levels_used; i++) {
        user = user && (path->val[i] & PTE_US);
        rw = rw && (path->val[i] & PTE_RW);
        svm_edu_wc_fill(s, pe->pasid, pe->flags & SVM_EDU_PE_LA57,
                        path->top - i, va, path->val[i] & PTE_ADDR, user, rw);
    }
}

/* Physical address of @va by @w, or all ones when @w faulted. */
static uint64_t walk_pa(const SvmEduWalk *w, uint64_t va)
{
    if (w->fault) {
        return SVM_EDU_STALE_NOT_PRESENT_PA;
    }
    return w->pa + (va & (svm_edu_page_size(w->pgsz) - 1));
}

/*
 * Checker, item 4: the walk @w started from a walk-cache entry; compare its
 * outcome with @fresh, a read-only walk from the root (not counted). Stale,
 * and logged, when they differ: the cached path translates what the table
 * does not (NOT_PRESENT, FEWER_RIGHTS), to another frame, or faults where
 * the table translates (OTHER_FRAME). Both faulting is not stale: no access
 * follows (a table unlinked but not yet flushed, still all not-present).
 */
static bool wc_walk_stale(SvmEduCore *s, const SvmEduPasidEntry *pe,
                          uint64_t va, bool write, const SvmEduWalk *w,
                          const SvmEduWalk *fresh)
{
    uint32_t info = SVM_EDU_STALE_INFO_WALK |
                    (write ? SVM_EDU_STALE_INFO_WRITE : 0);

    if (w->fault && fresh->fault) {
        return false;
    }
    if (!w->fault && (fresh->fault & SVM_EDU_FAULT_NOT_PRESENT)) {
        info |= SVM_EDU_STALE_INFO_NOT_PRESENT;
    } else if (!w->fault && fresh->fault) {
        info |= SVM_EDU_STALE_INFO_FEWER_RIGHTS;
    } else if (walk_pa(w, va) != walk_pa(fresh, va)) {
        info |= SVM_EDU_STALE_INFO_OTHER_FRAME;
    } else {
        return false;
    }
    s->counters[SVM_EDU_CNT_WALK_CACHE_STALE]++;
    svm_edu_log_stale(s, pe->pasid, va, walk_pa(w, va), walk_pa(fresh, va),
                      info);
    return true;
}

/*
 * Does the walk from the root @fpath pass through the entry @st was cached
 * from, as it is now: the entry at that level present, not a leaf, pointing
 * to @st's table, with @st's rights from the root down to it? Then the walk
 * from @st reads the very entries @fpath read below it, and its outcome is
 * @fresh's; @path gets that part of @fpath, as the walk from @st would
 * have read it.
 */
static bool wc_agrees(const WalkStart *st, const WalkPath *fpath,
                      WalkPath *path)
{
    unsigned at = fpath->top - (st->level + 1);   /* the cached entry */
    bool user = true, rw = true;
    unsigned i;

    if (at >= fpath->levels_used) {
        return false;
    }
    for (i = 0; i <= at; i++) {
        uint64_t e = fpath->val[i];

        if (!(e & PTE_P) || (e & (PTE_PS | PTE_RSVD))) {
            return false;
        }
        user = user && (e & PTE_US);
        rw = rw && (e & PTE_RW);
    }
    if ((fpath->val[at] & PTE_ADDR) != st->table || user != st->user ||
        rw != st->rw) {
        return false;
    }
    path->top = st->level;
    path->top_user = st->user;
    path->top_rw = st->rw;
    path->levels_used = fpath->levels_used - (at + 1);
    memcpy(path->addr, fpath->addr + at + 1,
           path->levels_used * sizeof(path->addr[0]));
    memcpy(path->val, fpath->val + at + 1,
           path->levels_used * sizeof(path->val[0]));
    return true;
}

/*
 * One walk of the device that starts from the walk-cache entry @st, judged
 * by the checker. The walk from the root that judges it comes first; when
 * it agrees with @st (wc_agrees()), it is the device's walk too, and
 * walking again from @st would only read the same entries a second time.
 * Otherwise the device walks from @st and wc_walk_stale() compares the
 * two outcomes. Returns true when the walk was stale.
 */
static bool walk_judged(SvmEduCore *s, const SvmEduPasidEntry *pe,
                        uint64_t va, bool write, bool count,
                        const WalkStart *st, SvmEduWalk *w, WalkPath *path)
{
    SvmEduWalk fresh;
    WalkPath fpath;

    walk_once(s, pe, va, write, false, NULL, &fresh, &fpath);
    if (wc_agrees(st, &fpath, path)) {
        /* What the walk from @st reads, a failed read included. */
        s->counters[SVM_EDU_CNT_PTE_READS] +=
            count * (path->levels_used +
                     (fresh.fault == SVM_EDU_FAULT_BAD_TABLE));
        *w = fresh;
        return false;
    }
    walk_once(s, pe, va, write, count, st, w, path);
    return wc_walk_stale(s, pe, va, write, w, &fresh);
}

void svm_edu_walk(SvmEduCore *s, const SvmEduPasidEntry *pe, uint64_t va,
                  bool write, bool set_ad, SvmEduWalk *w)
{
    /* Only the device's own walks use the walk cache, never the checker's. */
    bool cached = set_ad && s->cfg.wc_entries, hit;
    bool la57 = pe->flags & SVM_EDU_PE_LA57;
    WalkStart st;
    WalkPath path;
    unsigned tries;

    /* Only the device's own walks count; the checker's are not its work. */
    s->counters[SVM_EDU_CNT_WALKS] += set_ad;
    for (tries = 0; tries < SVM_EDU_WALK_RETRIES; tries++) {
        hit = cached && svm_edu_canonical(va, la57) &&
              wc_start(s, pe, va, &st);
        if (!hit || s->stale_policy == SVM_EDU_STALE_OFF) {
            walk_once(s, pe, va, write, set_ad, hit ? &st : NULL, w, &path);
        } else if (walk_judged(s, pe, va, write, set_ad, &st, w, &path)) {
            /* Judged before any A/D update through the cached path. */
            if (s->stale_policy == SVM_EDU_STALE_ABORT) {
                w->stale_abort = true;
                break;
            }
            if (s->stale_policy == SVM_EDU_STALE_REPORT) {
                /* Forget what the walk cache has of @va: from the root. */
                svm_edu_wc_inv_range(s, pe->pasid, va, 1);
                walk_once(s, pe, va, write, set_ad, NULL, w, &path);
            }
            /* use-stale: the cached path's outcome, as hardware would. */
        }
        if (w->fault || w->stale_abort || !set_ad ||
            !(pe->flags & SVM_EDU_PE_AD)) {
            break;
        }
        if (set_ad_bits(s, &path, write)) {
            /* A read leaves D alone: the entry stays read-only for now. */
            w->writable = w->writable || write;
            break;
        }
    }
    if (tries == SVM_EDU_WALK_RETRIES) {
        /* The guest keeps changing this table: give up on this access. */
        w->fault = SVM_EDU_FAULT_BAD_TABLE;
    }
    /*
     * Only a walk that translates fills the walk cache: a walk that faults
     * below a table the kernel is about to free (after its flush) leaves
     * nothing that points to it.
     */
    if (cached && !w->fault && !w->stale_abort) {
        wc_fill_path(s, pe, va, &path);
    }
    svm_edu_trace_walk(pe->pasid, va, w->pa,
                       w->fault ? 0 : svm_edu_page_size(w->pgsz), w->fault);
}
