/*
 * svm-edu: a cache of host pointers to guest RAM pages.
 *
 * Every access of the device used to translate its guest-physical address
 * through the address space (flat-view lookup, two memory barriers of the
 * RCU read lock), and a DMA of 4 KiB reads up to ten page-table entries
 * (the walks of source and destination and the stale checker's walks from
 * the root), which made that lookup most of the cost of a page-table read
 * (docs/performance.md). The pages those reads land on are few and the
 * same from chunk to chunk, so their host addresses are kept here. Bulk
 * data (a chunk's source and destination, a new page each time) and
 * writes still go through the address space.
 *
 * A cached page holds a reference on its memory region, so its host
 * memory stays allocated after the RCU read section of the lookup ends
 * (what address_space_map() does). Whether the guest-physical address
 * still maps to it is answered by the memory listener: every change of
 * the memory topology (a BAR moved, bus mastering turned off, RAM
 * unplugged) counts up gen, and the next lookup drops every cached page.
 * An access racing with such a change uses the old mapping, as it would
 * had it come a moment earlier.
 *
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/rcu.h"
#include "exec/address-spaces.h"
#include "svm-edu-compat.h"
#include "svm-edu-ram.h"

#define SVM_EDU_RAM_PAGE_SIZE 4096ull

static void svm_edu_ram_commit(MemoryListener *listener)
{
    SvmEduRamCache *c = container_of(listener, SvmEduRamCache, listener);

    qatomic_inc(&c->gen);
}

static void svm_edu_ram_drop(SvmEduRamCache *c)
{
    unsigned i, w;

    for (i = 0; i < SVM_EDU_RAM_SETS; i++) {
        for (w = 0; w < SVM_EDU_RAM_WAYS; w++) {
            if (c->page[i][w].mr) {
                memory_region_unref(c->page[i][w].mr);
                c->page[i][w].mr = NULL;
            }
        }
    }
}

void svm_edu_ram_init(SvmEduRamCache *c, PCIDevice *dev)
{
    memset(c, 0, sizeof(*c));
    c->dev = dev;
    c->listener.name = "svm-edu-ram";
    c->listener.commit = svm_edu_ram_commit;
    /*
     * commit is called for every listener on any change: filtering on the
     * system address space still sees the device's bus-master space, which
     * is initialised only when the machine is done.
     */
    memory_listener_register(&c->listener, &address_space_memory);
}

void svm_edu_ram_destroy(SvmEduRamCache *c)
{
    memory_listener_unregister(&c->listener);
    svm_edu_ram_drop(c);
}

/* Look the page of @pfn up in the device's address space; fill @p. */
static bool svm_edu_ram_lookup(SvmEduRamCache *c, uint64_t pfn,
                               SvmEduRamPage *p)
{
    AddressSpace *as = pci_get_address_space(c->dev);
    hwaddr xlat, len = SVM_EDU_RAM_PAGE_SIZE;
    MemoryRegion *mr;

    RCU_READ_LOCK_GUARD();
    /*
     * Guest RAM only: the DMA thread runs without the BQL, and MMIO
     * dispatch would need it (and could recurse into this device).
     */
    mr = address_space_translate(as, pfn * SVM_EDU_RAM_PAGE_SIZE, &xlat,
                                 &len, false, MEMTXATTRS_UNSPECIFIED);
    if (!memory_region_is_ram(mr) || memory_region_is_ram_device(mr) ||
        len < SVM_EDU_RAM_PAGE_SIZE) {
        return false;
    }
    memory_region_ref(mr);
    p->pfn = pfn;
    p->mr = mr;
    p->offset = xlat;
    p->host = (uint8_t *)memory_region_get_ram_ptr(mr) + xlat;
    return true;
}

/* The cached page @pfn, the most recently used of its set; NULL if none. */
static SvmEduRamPage *svm_edu_ram_find(SvmEduRamCache *c, uint64_t pfn)
{
    SvmEduRamPage *set = c->page[(pfn ^ (pfn >> 4) ^ (pfn >> 8)) %
                                 SVM_EDU_RAM_SETS];
    SvmEduRamPage tmp;

    QEMU_BUILD_BUG_ON(SVM_EDU_RAM_WAYS != 2);
    if (set[0].mr && set[0].pfn == pfn) {
        return &set[0];
    }
    if (set[1].mr && set[1].pfn == pfn) {
        tmp = set[0];
        set[0] = set[1];
        set[1] = tmp;
        return &set[0];
    }
    /* A miss: the older one goes, the newer one becomes the older. */
    if (set[1].mr) {
        memory_region_unref(set[1].mr);
    }
    set[1] = set[0];
    set[0].mr = NULL;
    return svm_edu_ram_lookup(c, pfn, &set[0]) ? &set[0] : NULL;
}

uint8_t *svm_edu_ram_ptr(SvmEduRamCache *c, uint64_t pa, bool is_write,
                         MemoryRegion **mr, hwaddr *xlat)
{
    uint64_t pfn = pa / SVM_EDU_RAM_PAGE_SIZE;
    uint32_t gen = qatomic_read(&c->gen);
    hwaddr off = pa & (SVM_EDU_RAM_PAGE_SIZE - 1);
    SvmEduRamPage *p;

    if (gen != c->pages_gen) {
        svm_edu_ram_drop(c);
        c->pages_gen = gen;
    }
    p = svm_edu_ram_find(c, pfn);
    if (!p || (is_write && p->mr->readonly)) {
        return NULL;
    }
    if (mr) {
        *mr = p->mr;
    }
    if (xlat) {
        *xlat = p->offset + off;
    }
    return p->host + off;
}
