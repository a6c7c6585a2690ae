/*
 * svm-edu: the core's trace points (svm-edu-trace.h) as QEMU trace events.
 *
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include "trace.h"
#include "svm-edu-trace.h"

void svm_edu_trace_walk(uint32_t pasid, uint64_t va, uint64_t pa,
                        uint64_t size, uint32_t fault)
{
    trace_svm_edu_walk(pasid, va, pa, size, fault);
}

void svm_edu_trace_iotlb_hit(uint32_t pasid, uint64_t va, uint64_t pa,
                             uint64_t size)
{
    trace_svm_edu_iotlb_hit(pasid, va, pa, size);
}

void svm_edu_trace_iotlb_miss(uint32_t pasid, uint64_t va)
{
    trace_svm_edu_iotlb_miss(pasid, va);
}

void svm_edu_trace_iotlb_evict(uint32_t pasid, uint64_t va, uint64_t size)
{
    trace_svm_edu_iotlb_evict(pasid, va, size);
}

void svm_edu_trace_invalidate(uint32_t type, uint32_t pasid, uint64_t addr,
                              uint32_t order)
{
    trace_svm_edu_invalidate(type, pasid, addr, order);
}

void svm_edu_trace_stale(uint32_t pasid, uint64_t va, uint64_t cached_pa,
                         uint64_t fresh_pa, uint32_t info)
{
    trace_svm_edu_stale(pasid, va, cached_pa, fresh_pa, info);
}

void svm_edu_trace_fault(uint32_t pasid, uint64_t va, uint32_t fault)
{
    trace_svm_edu_fault(pasid, va, fault);
}

void svm_edu_trace_desc(uint32_t pasid, uint32_t opcode, uint32_t len,
                        uint32_t status)
{
    trace_svm_edu_desc(pasid, opcode, len, status);
}

void svm_edu_trace_iq_stall(uint32_t index, uint32_t pasid, uint64_t addr,
                            uint32_t order)
{
    trace_svm_edu_iq_stall(index, pasid, addr, order);
}
