/*
 * svm-edu device core: register file and device logic in plain C.
 *
 * Nothing here includes QEMU headers. The core reaches the outside world
 * (guest memory, interrupts, logging) only through SvmEduHostOps, so the same
 * code runs inside QEMU (svm-edu.c provides the ops) and in host unit tests
 * and fuzzers (which provide fakes).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SVM_EDU_CORE_H
#define SVM_EDU_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include "svm_edu_hw.h"

typedef struct SvmEduHostOps {
    /* Raise MSI-X vector @vec (0 .. SVM_EDU_NR_VECTORS - 1). */
    void (*raise_irq)(void *opaque, unsigned vec);
    /* Report a guest programming error (QEMU: LOG_GUEST_ERROR). */
    void (*guest_error)(void *opaque, const char *msg);
} SvmEduHostOps;

typedef struct SvmEduConfig {
    uint32_t iotlb_entries;
    uint32_t iotlb_ways;
    uint32_t pasid_bits;
    bool la57;
} SvmEduConfig;

typedef struct SvmEduCore {
    const SvmEduHostOps *ops;
    void *opaque;
    SvmEduConfig cfg;

    uint32_t scratch;
    uint32_t ctrl;
    uint32_t error;
} SvmEduCore;

/* Limits accepted by svm_edu_core_check_config(). */
#define SVM_EDU_IOTLB_MAX_ENTRIES   4096
#define SVM_EDU_MAX_PASID_BITS      20

/*
 * Validate @cfg. Returns NULL when it is acceptable, otherwise a static
 * string saying what is wrong.
 */
const char *svm_edu_core_check_config(const SvmEduConfig *cfg);

void svm_edu_core_init(SvmEduCore *s, const SvmEduConfig *cfg,
                       const SvmEduHostOps *ops, void *opaque);
void svm_edu_core_reset(SvmEduCore *s);

/*
 * MMIO access to BAR0. @size is 4 or 8; anything else, and misaligned
 * accesses, read as 0 / are ignored and set SVM_EDU_ERR_BAD_ACCESS.
 */
uint64_t svm_edu_core_read(SvmEduCore *s, uint64_t addr, unsigned size);
void svm_edu_core_write(SvmEduCore *s, uint64_t addr, uint64_t val,
                        unsigned size);

#endif /* SVM_EDU_CORE_H */
