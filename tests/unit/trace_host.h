/* SPDX-License-Identifier: MIT */
/*
 * The device core's trace points (qemu-device/svm-edu-trace.h) for the
 * host unit tests and the fuzzer: each event is counted, and the last one
 * of each kind kept, for the tests to look at.
 */
#ifndef TRACE_HOST_H
#define TRACE_HOST_H

#include <stdint.h>

enum th_event {
	TH_WALK,
	TH_IOTLB_HIT,
	TH_IOTLB_MISS,
	TH_IOTLB_EVICT,
	TH_INVALIDATE,
	TH_STALE,
	TH_FAULT,
	TH_DESC,
	TH_IQ_STALL,
	TH_NR_EVENTS
};

/* An event's arguments, in the order of its trace point. */
struct th_record {
	uint64_t arg[5];
};

/* Events since the last th_reset(). */
unsigned th_count(enum th_event ev);
/* The last event of that kind (all 0 if none). */
struct th_record th_last(enum th_event ev);
void th_reset(void);

#endif /* TRACE_HOST_H */
