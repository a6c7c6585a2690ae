// SPDX-License-Identifier: MIT
/*
 * The device core's trace points for host builds: counted and recorded
 * (trace_host.h). The core calls them with its lock held; several test
 * cores may run in threads at once, hence one mutex here.
 */
#include <pthread.h>
#include <string.h>

#include "svm-edu-trace.h"
#include "trace_host.h"

static pthread_mutex_t th_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned th_counts[TH_NR_EVENTS];
static struct th_record th_records[TH_NR_EVENTS];

static void th_event(enum th_event ev, uint64_t a0, uint64_t a1, uint64_t a2,
		     uint64_t a3, uint64_t a4)
{
	pthread_mutex_lock(&th_lock);
	th_counts[ev]++;
	th_records[ev] = (struct th_record){ { a0, a1, a2, a3, a4 } };
	pthread_mutex_unlock(&th_lock);
}

unsigned th_count(enum th_event ev)
{
	unsigned n;

	pthread_mutex_lock(&th_lock);
	n = th_counts[ev];
	pthread_mutex_unlock(&th_lock);
	return n;
}

struct th_record th_last(enum th_event ev)
{
	struct th_record r;

	pthread_mutex_lock(&th_lock);
	r = th_records[ev];
	pthread_mutex_unlock(&th_lock);
	return r;
}

void th_reset(void)
{
	pthread_mutex_lock(&th_lock);
	memset(th_counts, 0, sizeof(th_counts));
	memset(th_records, 0, sizeof(th_records));
	pthread_mutex_unlock(&th_lock);
}

void svm_edu_trace_walk(uint32_t pasid, uint64_t va, uint64_t pa,
			uint64_t size, uint32_t fault)
{
	th_event(TH_WALK, pasid, va, pa, size, fault);
}

void svm_edu_trace_iotlb_hit(uint32_t pasid, uint64_t va, uint64_t pa,
			     uint64_t size)
{
	th_event(TH_IOTLB_HIT, pasid, va, pa, size, 0);
}

void svm_edu_trace_iotlb_miss(uint32_t pasid, uint64_t va)
{
	th_event(TH_IOTLB_MISS, pasid, va, 0, 0, 0);
}

void svm_edu_trace_iotlb_evict(uint32_t pasid, uint64_t va, uint64_t size)
{
	th_event(TH_IOTLB_EVICT, pasid, va, size, 0, 0);
}

void svm_edu_trace_invalidate(uint32_t type, uint32_t pasid, uint64_t addr,
			      uint32_t order)
{
	th_event(TH_INVALIDATE, type, pasid, addr, order, 0);
}

void svm_edu_trace_stale(uint32_t pasid, uint64_t va, uint64_t cached_pa,
			 uint64_t fresh_pa, uint32_t info)
{
	th_event(TH_STALE, pasid, va, cached_pa, fresh_pa, info);
}

void svm_edu_trace_fault(uint32_t pasid, uint64_t va, uint32_t fault)
{
	th_event(TH_FAULT, pasid, va, fault, 0, 0);
}

void svm_edu_trace_desc(uint32_t pasid, uint32_t opcode, uint32_t len,
			uint32_t status)
{
	th_event(TH_DESC, pasid, opcode, len, status, 0);
}

void svm_edu_trace_iq_stall(uint32_t index, uint32_t pasid, uint64_t addr,
			    uint32_t order)
{
	th_event(TH_IQ_STALL, index, pasid, addr, order, 0);
}
