/*
 * svm-edu device core: x86-64 first-level page walk (4 or 5 levels,
 * 4 KiB / 2 MiB / 1 GiB leaves), as the CPU does it for a user-mode access.
 *
 * SPDX-License-Identifier: MIT
 */
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

/*
 * Read-only walk: fills @w (fault or leaf) and @path. @count: account the
 * entry reads (not for the checker's ground-truth walks).
 */
static void walk_once(SvmEduCore *s, const SvmEduPasidEntry *pe, uint64_t va,
                      bool write, bool count, SvmEduWalk *w, WalkPath *path)
{
    bool la57 = pe->flags & SVM_EDU_PE_LA57;
    unsigned levels = la57 ? 5 : 4;
    uint64_t table = pe->pgd & SVM_EDU_PE_PGD_MASK;
    bool user = true, rw = true;
    unsigned lvl;

    w->fault = 0;
    w->writable = false;
    path->levels_used = 0;
    if (!svm_edu_canonical(va, la57)) {
        w->fault = SVM_EDU_FAULT_NON_CANONICAL;
        return;
    }
    for (lvl = levels; lvl >= 1; lvl--) {
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

void svm_edu_walk(SvmEduCore *s, const SvmEduPasidEntry *pe, uint64_t va,
                  bool write, bool set_ad, SvmEduWalk *w)
{
    WalkPath path;
    unsigned tries;

    /* Only the device's own walks count; the checker's are not its work. */
    s->counters[SVM_EDU_CNT_WALKS] += set_ad;
    for (tries = 0; tries < SVM_EDU_WALK_RETRIES; tries++) {
        walk_once(s, pe, va, write, set_ad, w, &path);
        if (w->fault || !set_ad || !(pe->flags & SVM_EDU_PE_AD)) {
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
    svm_edu_trace_walk(pe->pasid, va, w->pa,
                       w->fault ? 0 : svm_edu_page_size(w->pgsz), w->fault);
}
