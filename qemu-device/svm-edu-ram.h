/*
 * svm-edu: host pointers to the guest RAM pages of the device's small
 * reads (paging entries, descriptors, PASID entries), cached between
 * accesses.
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef SVM_EDU_RAM_H
#define SVM_EDU_RAM_H

/*
 * The walks of a 4 KiB chunk and the checker's read about six page-table
 * pages: 16 sets of 2 (the most recently used first), indexed by a hash
 * of the page number so that two pages that collide keep both.
 */
#define SVM_EDU_RAM_SETS 16
#define SVM_EDU_RAM_WAYS 2

typedef struct SvmEduRamPage {
    uint64_t pfn;           /* guest-physical page number */
    MemoryRegion *mr;       /* NULL: empty; referenced while cached */
    hwaddr offset;          /* of the page in mr */
    uint8_t *host;
} SvmEduRamPage;

typedef struct SvmEduRamCache {
    PCIDevice *dev;
    MemoryListener listener;
    uint32_t gen;           /* memory topology changes, from the listener */
    uint32_t pages_gen;     /* the gen the pages were looked up in */
    SvmEduRamPage page[SVM_EDU_RAM_SETS][SVM_EDU_RAM_WAYS];
} SvmEduRamCache;

void svm_edu_ram_init(SvmEduRamCache *c, PCIDevice *dev);
void svm_edu_ram_destroy(SvmEduRamCache *c);
/*
 * The host address of guest-physical @pa, good up to the end of its 4 KiB
 * page: NULL unless the whole page is RAM (writable RAM for @is_write).
 * @mr and @xlat, when not NULL, get the region and @pa's offset in it.
 * Called with the core lock held (SvmEduHostOps): the cache has no lock
 * of its own.
 */
uint8_t *svm_edu_ram_ptr(SvmEduRamCache *c, uint64_t pa, bool is_write,
                         MemoryRegion **mr, hwaddr *xlat);

#endif /* SVM_EDU_RAM_H */
