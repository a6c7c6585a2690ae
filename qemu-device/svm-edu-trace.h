/*
 * svm-edu device core: typed trace points.
 *
 * The core calls one function per event, directly: no hook pointer, so
 * with tracing off an IOTLB hit costs a call that checks one flag and
 * returns. Each build provides the functions: QEMU in svm-edu-trace.c,
 * over the generated trace_svm_edu_*() of trace-events; the host unit
 * tests and the fuzzer in tests/unit/trace_host.c. The arguments are the
 * trace-events' ones.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SVM_EDU_TRACE_H
#define SVM_EDU_TRACE_H

#include <stdint.h>

/* A walk (the device's or the checker's) ended; size 0 when it faulted. */
void svm_edu_trace_walk(uint32_t pasid, uint64_t va, uint64_t pa,
                        uint64_t size, uint32_t fault);
void svm_edu_trace_iotlb_hit(uint32_t pasid, uint64_t va, uint64_t pa,
                             uint64_t size);
void svm_edu_trace_iotlb_miss(uint32_t pasid, uint64_t va);
void svm_edu_trace_iotlb_evict(uint32_t pasid, uint64_t va, uint64_t size);
/* One invalidation command (SVM_EDU_INV_*), from INV_CMD or the queue. */
void svm_edu_trace_invalidate(uint32_t type, uint32_t pasid, uint64_t addr,
                              uint32_t order);
/* A stale access; info: SVM_EDU_STALE_INFO_*. */
void svm_edu_trace_stale(uint32_t pasid, uint64_t va, uint64_t cached_pa,
                         uint64_t fresh_pa, uint32_t info);
/* A translation fault; fault: SVM_EDU_FAULT_*. */
void svm_edu_trace_fault(uint32_t pasid, uint64_t va, uint32_t fault);
/* A descriptor completed with status SVM_EDU_CS_*. */
void svm_edu_trace_desc(uint32_t pasid, uint32_t opcode, uint32_t len,
                        uint32_t status);
/* x-iq-stall-addr stopped the invalidation queue at descriptor @index. */
void svm_edu_trace_iq_stall(uint32_t index, uint32_t pasid, uint64_t addr,
                            uint32_t order);

#endif /* SVM_EDU_TRACE_H */
